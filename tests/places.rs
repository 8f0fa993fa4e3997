//! Places on a small known city (`tests/fixtures/places/` over `tests/fixtures/small/`): what a
//! resident of a district or a street reads, what the map's layers and the alerts dispatcher
//! get, and that nothing is only on the map. Compiled into the `site` test binary.

use std::sync::OnceLock;

use civic_tests::{Built, build, copy_dir, root};
use serde_json::Value;

fn places() -> &'static Built {
    static SITE: OnceLock<(tempfile::TempDir, Built)> = OnceLock::new();
    &SITE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            copy_dir(&root().join("tests/fixtures/small"), dir.path());
            copy_dir(&root().join("tests/fixtures/places"), dir.path());
            std::fs::remove_file(dir.path().join("README.md")).unwrap();
            let built = build(dir.path(), "2026-11-26");
            (dir, built)
        })
        .1
}

fn json(site: &Built, path: &str) -> Value {
    serde_json::from_str(&site.read(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ").replace(" ,", ",").replace(" .", ".")
}

#[test]
fn a_work_on_the_border_and_a_line_across_both_districts_show_on_both_district_pages() {
    let site = places();
    let data = json(site, "data/public_work.json");
    let districts = |id: &str| -> Vec<String> {
        let w = data["items"].as_array().unwrap().iter().find(|w| w["id"] == id).unwrap();
        w["districts"].as_array().unwrap().iter().map(|d| d.as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(districts("pe-granita"), ["est", "vest"]);
    assert_eq!(districts("peste-oras"), ["est", "vest"], "the line crosses into Est though its street is in Vest");
    assert_eq!(districts("planificata"), ["est"]);
    for d in ["cartiere/vest/index.html", "cartiere/est/index.html"] {
        let page = text(&site.read(d));
        assert!(page.contains("În desfășurare acum (2)"), "{d}: {page}");
        assert!(page.contains("Avarie la rețeaua de apă la granița cartierelor"), "{d}");
    }
}

#[test]
fn a_district_page_says_what_happens_now_next_and_its_collection_days() {
    let page = text(&places().read("cartiere/est/index.html"));
    assert!(page.contains("În desfășurare acum (2)"), "{page}");
    assert!(page.contains("Încep în următoarele 7 zile (1) Înlocuirea conductelor de termoficare"), "{page}");
    assert!(page.contains("Anulate (1) Asfaltare anulată"), "{page}");
    // Every other Wednesday from Wednesday 7 January 2026: 2, 16 and 30 December.
    assert!(
        page.contains("Deșeuri reciclabile (hârtie, plastic, metal) o dată la 2 săptămâni, miercurea, 07:00–15:00"),
        "{page}"
    );
    assert!(page.contains("2 decembrie 2026, 16 decembrie 2026"), "{page}");
    assert!(page.contains("Deșeuri voluminoase în prima sâmbătă a lunii, 08:00–14:00 5 decembrie 2026"), "{page}");
    assert!(page.contains("Străzi (2)"), "{page}");
    let html = places().read("cartiere/est/index.html");
    assert!(html.contains(r#"href="/servicii-periodice/salubrizare/zona-e.ics""#), "{html}");
    assert!(html.contains(r#"href="/strazi/bulevardul-mare/""#));
}

#[test]
fn moved_collection_days_are_shown_as_they_will_happen() {
    let page = text(&places().read("strazi/strada-apusului/index.html"));
    // Thursday 24 December is skipped and collected on Wednesday 23 instead.
    assert!(page.contains("Deșeuri menajere în fiecare luni și joi, 07:00–15:00"), "{page}");
    assert!(page.contains("26 noiembrie 2026, 30 noiembrie 2026, 3 decembrie 2026, 7 decembrie 2026"), "{page}");
    let zone = places().read("servicii-periodice/salubrizare/zona-v.ics");
    assert!(zone.contains("EXDATE;TZID=Europe/Bucharest:20261224T070000\r\n"), "{zone}");
    assert!(zone.contains("RDATE;TZID=Europe/Bucharest:20261223T070000\r\n"), "{zone}");
    assert!(zone.contains("RRULE:FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20271231T215959Z\r\n"), "{zone}");
}

#[test]
fn a_street_page_lists_its_works_with_links_and_the_works_list_filters_by_period_and_district() {
    let site = places();
    let street = site.read("strazi/strada-rasaritului/index.html");
    assert!(street.contains(r#"href="/lucrari/planificata/""#), "{street}");
    assert!(street.contains(r#"<a href="/cartiere/est/">Est</a>"#), "{street}");
    let now = text(&site.read("lucrari/perioada/acum/index.html"));
    assert!(now.contains("Avarie la rețeaua de apă") && now.contains("Modernizarea liniei de tramvai"), "{now}");
    assert!(!now.contains("Înlocuirea conductelor"), "{now}");
    let week = text(&site.read("lucrari/perioada/urmatoarele-7-zile/index.html"));
    assert!(week.contains("Înlocuirea conductelor") && week.contains("Avarie la rețeaua de apă"), "{week}");
    assert!(!week.contains("Asfaltare anulată"), "a cancelled work is not coming: {week}");
    let planned = text(&site.read("lucrari/perioada/planificate/index.html"));
    assert!(planned.contains("Înlocuirea conductelor") && !planned.contains("Avarie la rețeaua"), "{planned}");
    assert!(site.exists("lucrari/perioada/anulate/index.html"));
    let vest = text(&site.read("lucrari/cartier/vest/index.html"));
    assert!(vest.contains("Modernizarea liniei de tramvai") && !vest.contains("Înlocuirea conductelor"), "{vest}");
}

#[test]
fn every_feature_of_every_map_layer_is_also_on_a_list_page() {
    let site = places();
    for layer in ["works", "restrictions"] {
        let g = json(site, &format!("data/geo/{layer}.geojson"));
        for f in g["features"].as_array().unwrap() {
            let url = f["properties"]["url"].as_str().unwrap();
            let listed = f["properties"]["districts"].as_array().unwrap().iter().all(|d| {
                site.read(&format!("{}index.html", d["url"].as_str().unwrap().trim_start_matches('/')))
                    .contains(&format!("href=\"{url}\""))
            });
            assert!(listed, "{layer}: {url} is missing from a district page");
            assert!(site.read("lucrari/index.html").contains(&format!("href=\"{url}\"")), "{url} not in /lucrari/");
        }
    }
    let services = json(site, "data/geo/services.geojson");
    assert_eq!(services["features"].as_array().unwrap().len(), 2);
    let map = site.read("harta/index.html");
    assert!(map.contains(r#"href="/cartiere/vest/""#) && map.contains(r#"href="/strazi/""#), "{map}");
}

#[test]
fn geojson_layers_are_rfc_7946_with_counter_clockwise_rings() {
    let site = places();
    let area = |ring: &Value| -> f64 {
        let p: Vec<(f64, f64)> =
            ring.as_array().unwrap().iter().map(|x| (x[0].as_f64().unwrap(), x[1].as_f64().unwrap())).collect();
        p.windows(2).map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1).sum()
    };
    for layer in ["works", "restrictions", "services", "offices", "districts"] {
        let g = json(site, &format!("data/geo/{layer}.geojson"));
        assert_eq!(g["type"], "FeatureCollection", "{layer}");
        for f in g["features"].as_array().unwrap() {
            assert_eq!(f["type"], "Feature");
            assert!(f.get("crs").is_none() && f["geometry"].get("crs").is_none());
            if f["geometry"]["type"] == "Polygon" {
                let outer = &f["geometry"]["coordinates"][0];
                assert_eq!(outer[0], outer[outer.as_array().unwrap().len() - 1], "{layer}: closed ring");
                assert!(area(outer) > 0.0, "{layer} {}: the outer ring is counter-clockwise", f["id"]);
            }
        }
    }
    // Est was written clockwise; the district list publishes it rewound too.
    let districts = json(site, "data/district.json");
    let est = districts["items"].as_array().unwrap().iter().find(|d| d["id"] == "est").unwrap();
    assert!(area(&est["geometry"]["coordinates"][0]) > 0.0);
}

#[test]
fn open_data_for_the_alerts_dispatcher() {
    let site = places();
    let works = json(site, "data/public_work.json");
    assert_eq!(works["count"], 4);
    let w = works["items"].as_array().unwrap().iter().find(|w| w["id"] == "peste-oras").unwrap();
    assert_eq!(w["status"], "in_desfasurare");
    assert_eq!(w["restriction"], "inchidere_totala");
    assert_eq!(w["period"]["start"], "2026-10-19T04:00:00Z");
    assert_eq!(w["updated_at"], "2026-11-25T08:00:00Z");
    assert_eq!(w["geometry"]["type"], "LineString");
    assert_eq!(w["url"], "/lucrari/peste-oras/");
    let never_updated = works["items"].as_array().unwrap().iter().find(|w| w["id"] == "pe-granita").unwrap();
    assert_eq!(never_updated["updated_at"], never_updated["published_at"]);
    let streets = json(site, "data/street.json");
    let mare = streets["items"].as_array().unwrap().iter().find(|s| s["name"] == "Bulevardul Mare").unwrap();
    assert_eq!(mare["districts"], serde_json::json!(["vest", "est"]));
    assert_eq!(mare["url"], "/strazi/bulevardul-mare/");
    let districts = json(site, "data/district.json");
    assert_eq!(districts["count"], 2);
    let feed = site.read("cartiere/est/feed.xml");
    let doc = roxmltree::Document::parse(&feed).unwrap();
    let root = doc.root_element();
    for required in ["id", "title", "updated", "author"] {
        assert!(root.children().any(|c| c.has_tag_name(required)), "the feed has no {required}");
    }
    assert!(feed.contains("<title>Lucrări și restricții în Est — Primăria Orașului Test</title>"), "{feed}");
    assert_eq!(feed.matches("<entry>").count(), 4, "{feed}");
    assert!(
        feed.contains("rel=\"self\" type=\"application/atom+xml\" href=\"https://example.test/cartiere/est/feed.xml\"")
    );
}

#[test]
fn a_night_work_repeats_in_local_time_until_its_end() {
    let ics = places().read("lucrari/peste-oras/calendar.ics");
    assert!(ics.contains("DTSTART;TZID=Europe/Bucharest:20261019T220000\r\n"), "{ics}");
    assert!(ics.contains("DTEND;TZID=Europe/Bucharest:20261020T050000\r\n"), "{ics}");
    assert!(ics.contains("RRULE:FREQ=DAILY;UNTIL=20270409T160000Z\r\n"), "{ics}");
    assert!(ics.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Bucharest"));
    let cancelled = places().read("lucrari/anulata/calendar.ics");
    assert!(cancelled.contains("STATUS:CANCELLED\r\n"), "{cancelled}");
}

#[test]
fn the_map_page_loads_leaflet_from_the_site_and_no_script_inline() {
    let site = places();
    let map = site.read("harta/index.html");
    assert!(map.contains(r#"<script src="/vendor/leaflet-1.9.4/leaflet.js" defer></script>"#), "{map}");
    assert!(!map.contains("<script>") && !map.contains("<script type=\"module\">"), "no inline script");
    assert!(map.contains("data-tiles=\"https://tile.openstreetmap.org/{z}/{x}/{y}.png\""), "OpenStreetMap by default");
    assert!(site.read("vendor/leaflet-1.9.4/LICENSE").contains("BSD"), "Leaflet ships with its licence");
    assert!(site.exists("vendor/leaflet-1.9.4/images/marker-icon.png"));
    assert!(site.read("sitemap.xml").contains("<loc>https://example.test/strazi/strada-apusului/</loc>"));
}
