//! The embedded default: the Timișoara sample content builds, and everything it publishes
//! passes the official checkers (JSON Schema, OCDS via libcoveocds, iCalendar, XML).

use std::process::Command;
use std::sync::OnceLock;

use civic_tests::{Built, build, root};

/// One build of the sample content shared by the tests (it is deterministic).
fn sample() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| build(&root().join("content"), "2026-11-26"))
}

/// The test virtualenv's Python, set up by the README's test command.
fn python() -> std::path::PathBuf {
    let py = root().join("tests/.venv/bin/python");
    assert!(
        py.exists(),
        "{} is missing: run the README's test command (bash tests/run.sh), which sets it up",
        py.display()
    );
    py
}

#[test]
fn the_sample_site_has_what_the_city_publishes() {
    let site = sample();
    let count = |prefix: &str| {
        site.files()
            .iter()
            .filter(|f| f.starts_with(prefix) && f.ends_with("/index.html") && !f.contains("/pagina/"))
            .count()
    };
    let decisions = serde_json::from_str::<serde_json::Value>(&site.read("data/council_decision.json")).unwrap();
    assert!(decisions["count"].as_u64().unwrap() >= 60, "{}", decisions["count"]);
    assert!(count("hotarari/") >= 60);
    let statuses: Vec<&str> =
        decisions["items"].as_array().unwrap().iter().filter_map(|d| d["status"].as_str()).collect();
    assert!(statuses.contains(&"suspendata"), "one decision is suspended by the prefect");
    assert!(statuses.contains(&"modificata") || statuses.contains(&"abrogata"));
    let home = site.read("index.html");
    assert!(
        home.contains("Consultări publice deschise") && home.contains("(încă "),
        "open consultations show days left"
    );
}

#[test]
fn every_item_json_validates_against_its_published_schema() {
    let site = sample();
    let mut checked = 0;
    for f in site.files().into_iter().filter(|f| {
        f.starts_with("data/") && !f.starts_with("data/ocds/") && f.matches('/').count() == 2 && f.ends_with(".json")
    }) {
        let doc: serde_json::Value = serde_json::from_str(&site.read(&f)).unwrap();
        let schema_path = doc["item_schema"].as_str().unwrap().trim_start_matches('/');
        let schema: serde_json::Value = serde_json::from_str(&site.read(schema_path)).unwrap();
        let validator = jsonschema::options().should_validate_formats(true).build(&schema).unwrap();
        let errors: Vec<String> =
            validator.iter_errors(&doc["item"]).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{f}: {errors:?}");
        checked += 1;
    }
    assert!(checked >= 150, "only {checked} item documents");
}

#[test]
fn tenders_validate_as_ocds_with_libcoveocds() {
    let site = sample();
    let package = site.out().join("data/ocds/release-package.json");
    let out = Command::new(python()).arg(root().join("tests/tools/check_ocds.py")).arg(&package).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{text}");
    let doc: serde_json::Value = serde_json::from_str(&site.read("data/ocds/release-package.json")).unwrap();
    assert!(doc["releases"].as_array().unwrap().len() >= 20);
}

#[test]
fn calendars_parse_with_a_vtimezone() {
    let site = sample();
    let out = Command::new(python()).arg(root().join("tests/tools/check_ics.py")).arg(site.out()).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(site.exists("sedinte/calendar.ics"));
    assert!(
        site.files().iter().any(|f| f.starts_with("cariere/") && f.ends_with("calendar.ics")),
        "job contests publish their calendar"
    );
}

#[test]
fn feeds_and_sitemap_are_well_formed_xml() {
    let site = sample();
    for f in site.files().into_iter().filter(|f| f.ends_with(".xml")) {
        roxmltree::Document::parse(&site.read(&f)).unwrap_or_else(|e| panic!("{f}: {e}"));
    }
}

#[test]
fn romanian_text_uses_comma_below_never_cedilla() {
    let site = sample();
    for f in site.files().into_iter().filter(|f| f.ends_with(".html") || f.ends_with(".json") || f.ends_with(".xml")) {
        let text = site.read(&f);
        assert!(!text.contains(['ş', 'ţ', 'Ş', 'Ţ']), "{f} has a cedilla ş/ţ instead of ș/ț");
    }
}

#[test]
fn every_page_has_one_title_a_language_and_a_skip_link() {
    let site = sample();
    for f in site.files().into_iter().filter(|f| f.ends_with(".html")) {
        let page = site.read(&f);
        assert_eq!(page.matches("<h1").count(), 1, "{f}");
        assert!(page.contains("<html lang=\"ro\">"), "{f}");
        assert!(page.contains("href=\"#continut\""), "{f}");
    }
}

#[test]
fn every_page_links_the_portal_and_place_pages_offer_alerts_for_their_place() {
    let site = sample();
    for f in site.files().into_iter().filter(|f| f.ends_with(".html")) {
        let page = site.read(&f);
        for link in [r#"href="/api/petitii""#, r#"href="/api/alerte""#, r#"href="/api/cont" id="cont-meu""#] {
            assert!(page.contains(link), "{f} lacks {link} in its header");
        }
        assert!(page.contains(r#"<details class="site-menu">"#), "{f}: the menu folds on phones");
    }
    let home = site.read("index.html");
    assert!(home.contains("Primiți alerte pentru cartierul dumneavoastră"));
    assert!(home.contains(r#"<form class="civic-form inline-form" method="get" action="/api/alerte">"#));
    assert!(home.contains(r#"<option value="cetate">Cetate</option>"#), "the home page lists the districts");
    assert!(home.contains(r#"href="/api/petitii/noua""#));
    let district = site.read("cartiere/cetate/index.html");
    assert!(district.contains(r#"<a href="/api/alerte?district=cetate">Primiți alerte pentru Cetate</a>"#));
    // A street in one district, and a work's area: the alert form with their districts ticked.
    let street = site.read("strazi/aleea-albastrelelor/index.html");
    assert!(
        street.contains(r#"<a href="/api/alerte?district=freidorf">Primiți alerte pentru Aleea Albăstrelelor</a>"#)
    );
    let works: serde_json::Value = serde_json::from_str(&site.read("data/public_work.json")).unwrap();
    let work =
        works["items"].as_array().unwrap().iter().find(|w| w["districts"].as_array().unwrap().len() > 1).unwrap();
    let ids: Vec<&str> = work["districts"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect();
    let page = site.read(&format!("{}index.html", &work["url"].as_str().unwrap()[1..]));
    assert!(page.contains(&format!(r#"href="/api/alerte?district={}""#, ids.join("&amp;district="))), "{ids:?}");
}

#[test]
fn every_item_of_a_followable_type_and_every_list_can_be_followed() {
    let site = sample();
    for kind in civic_api::alerts::follow::FOLLOWABLE {
        let list: serde_json::Value = serde_json::from_str(&site.read(&format!("data/{kind}.json"))).unwrap();
        let items = list["items"].as_array().unwrap();
        assert!(!items.is_empty(), "the sample has a {kind}");
        for item in items {
            let page = site.read(&format!("{}index.html", &item["url"].as_str().unwrap()[1..]));
            let button = format!(
                r#"<form class="follow" method="post" action="/api/urmarire"><input type="hidden" name="tip" value="{kind}"><input type="hidden" name="id" value="{}">"#,
                item["id"].as_str().unwrap()
            );
            assert!(page.contains(&button), "{} has no follow button", item["url"]);
        }
    }
    let lists: civic_contract::ListPagesFile = serde_json::from_str(&site.read("data/lists.json")).unwrap();
    for l in lists.lists.iter().filter(|l| civic_api::alerts::follow::FOLLOWABLE.contains(&l.kind.as_str())) {
        let page = site.read(&format!("{}index.html", &l.url[1..]));
        assert!(page.contains(&format!(r#"<input type="hidden" name="lista" value="{}">"#, l.url)), "{}", l.url);
    }
}

#[test]
fn every_internal_link_leads_to_a_page() {
    let site = sample();
    let mut broken = Vec::new();
    for f in site.files().into_iter().filter(|f| f.ends_with(".html")) {
        let page = site.read(&f);
        for href in page.split("href=\"").skip(1).filter_map(|s| s.split('"').next()) {
            // Links under /api/ lead to the API's pages (the API's own tests open them).
            if !href.starts_with('/') || href.starts_with("//") || href.starts_with("/api/") {
                continue;
            }
            let path = href.split(['#', '?']).next().unwrap_or(href);
            let file = if path.ends_with('/') { format!("{}index.html", &path[1..]) } else { path[1..].to_owned() };
            if !site.exists(&file) {
                broken.push(format!("{f} → {href}"));
            }
        }
    }
    assert!(broken.is_empty(), "{} broken links, e.g. {:?}", broken.len(), &broken[..broken.len().min(10)]);
}

#[test]
fn the_sample_forms_cover_the_four_legal_routes_and_their_schemas_take_a_filled_form() {
    let site = sample();
    let forms: serde_json::Value = serde_json::from_str(&site.read("data/forms.json")).unwrap();
    assert_eq!(forms["registration_prefix"], "TM");
    let list = forms["forms"].as_array().unwrap();
    let kind = |k: &str| list.iter().find(|f| f["kind"] == k).unwrap_or_else(|| panic!("no {k} form"));
    let petition = kind("petition");
    assert_eq!(
        (petition["deadline"]["days"].as_u64(), petition["deadline"]["extension_days"].as_u64()),
        (Some(30), Some(15))
    );
    let request = kind("information_request");
    assert_eq!(
        (request["deadline"]["days"].as_u64(), request["deadline"]["complex_days"].as_u64()),
        (Some(10), Some(30))
    );
    let report = kind("report");
    assert!(report["fields"].as_array().unwrap().iter().any(|f| f["type"] == "location" && f["required"] == false));
    let comments = kind("draft_comment");
    let names: Vec<&str> = comments["fields"].as_array().unwrap().iter().filter_map(|f| f["name"].as_str()).collect();
    assert!(names.contains(&"draft") && names.contains(&"articles") && names.contains(&"text"), "{names:?}");
    for f in [petition, request, report] {
        assert!(f["attachments"]["max_files"].as_u64().unwrap() >= 1, "{} takes attachments", f["id"]);
    }
    // A submission made from each form's own definition (first option, shortest valid text)
    // passes its published schema; without a required field it does not.
    for f in list {
        let schema: serde_json::Value =
            serde_json::from_str(&site.read(f["schema"].as_str().unwrap().trim_start_matches('/'))).unwrap();
        let validator = jsonschema::options().should_validate_formats(true).build(&schema).unwrap();
        let mut submission = serde_json::Map::new();
        for field in f["fields"].as_array().unwrap().iter().filter(|x| x["required"] == true) {
            let value = match field["type"].as_str().unwrap() {
                "email" => "cetatean@example.test".to_owned(),
                "select" | "radio" => field["options"][0]["value"].as_str().expect("an option").to_owned(),
                "checkbox" => "on".to_owned(),
                "date" => "2026-11-20".to_owned(),
                "number" => "1".to_owned(),
                _ => "x".repeat(field["min_length"].as_u64().unwrap_or(1) as usize),
            };
            submission.insert(field["name"].as_str().unwrap().to_owned(), value.into());
        }
        let submission = serde_json::Value::Object(submission);
        let errors: Vec<String> =
            validator.iter_errors(&submission).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", f["id"]);
        let mut without_email = submission.clone();
        without_email.as_object_mut().unwrap().remove("email");
        assert!(!validator.is_valid(&without_email), "{}: accepted without the reply address", f["id"]);
    }
}

#[test]
fn drafts_in_consultation_take_comments_on_their_page_and_closed_ones_do_not() {
    let site = sample();
    let drafts: serde_json::Value = serde_json::from_str(&site.read("data/draft_decision.json")).unwrap();
    let mut open = 0;
    for d in drafts["items"].as_array().unwrap() {
        let page = site.read(&format!("{}index.html", d["url"].as_str().unwrap().trim_start_matches('/')));
        let deadline = d["consultation"]["comments_deadline"].as_str().unwrap();
        let takes_comments = d["status"] == "in_consultare" && deadline >= "2026-11-26";
        let hidden = format!(r#"<input type="hidden" name="draft" value="{}">"#, d["id"].as_str().unwrap());
        assert_eq!(page.contains(&hidden), takes_comments, "{}", d["id"]);
        open += usize::from(takes_comments);
    }
    assert!(open >= 1, "the sample has a draft in consultation");
}

#[test]
fn the_map_layers_pass_the_geojson_checks() {
    let site = sample();
    let out = Command::new(python()).arg(root().join("tests/tools/check_geojson.py")).arg(site.out()).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("check_geojson: 5 files"), "{text}");
}

#[test]
fn repeating_events_keep_their_local_hours_across_daylight_saving_changes() {
    let site = sample();
    let out = Command::new(python()).arg(root().join("tests/tools/check_ics_dst.py")).arg(site.out()).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
}

#[test]
fn the_sample_city_has_works_in_every_state_collection_everywhere_and_a_page_per_street() {
    let site = sample();
    let works: serde_json::Value = serde_json::from_str(&site.read("data/public_work.json")).unwrap();
    let items = works["items"].as_array().unwrap();
    assert_eq!(items.len(), 40);
    let phases: std::collections::BTreeSet<&str> = items
        .iter()
        .map(|w| {
            let (start, end) = (w["period"]["start"].as_str().unwrap(), w["period"]["end"].as_str().unwrap());
            match w["status"].as_str().unwrap() {
                "anulat" => "cancelled",
                _ if end < "2026-11-26" => "past",
                _ if start <= "2026-11-27" => "ongoing",
                _ => "planned",
            }
        })
        .collect();
    assert_eq!(phases.into_iter().collect::<Vec<_>>(), ["cancelled", "ongoing", "past", "planned"]);
    for w in items {
        assert!(!w["districts"].as_array().unwrap().is_empty(), "{} falls in no district", w["id"]);
    }
    let districts: serde_json::Value = serde_json::from_str(&site.read("data/district.json")).unwrap();
    assert!(districts["count"].as_u64().unwrap() >= 10);
    for d in districts["items"].as_array().unwrap() {
        let page = site.read(&format!("{}index.html", d["url"].as_str().unwrap().trim_start_matches('/')));
        assert!(page.contains("Deșeuri menajere"), "{}: no collection days", d["id"]);
        assert!(page.contains("Deșeuri reciclabile"), "{}", d["id"]);
    }
    let streets: serde_json::Value = serde_json::from_str(&site.read("data/street.json")).unwrap();
    assert!(streets["count"].as_u64().unwrap() >= 200);
    for s in streets["items"].as_array().unwrap() {
        let page = site.read(&format!("{}index.html", s["url"].as_str().unwrap().trim_start_matches('/')));
        assert!(page.contains("Colectarea deșeurilor"), "{}", s["name"]);
        assert!(!s["zones"].as_array().unwrap().is_empty(), "{} has no collection zone", s["name"]);
    }
}

/// A fresh clone has nothing beside it: no tracked file may read the steering folder next to the
/// repository (the standards the tests need are copied in, `tests/standards/`, with their licences).
#[test]
fn the_repository_reads_nothing_from_beside_it() {
    let listed = Command::new("git").arg("-C").arg(root()).args(["ls-files", "-z"]).output().unwrap();
    assert!(listed.status.success(), "git ls-files: {}", String::from_utf8_lossy(&listed.stderr));
    let needle = concat!("..", "/shared");
    let mut readers = Vec::new();
    let mut scanned = 0;
    for path in String::from_utf8(listed.stdout).unwrap().split('\0').filter(|p| !p.is_empty()) {
        let Ok(text) = std::fs::read_to_string(root().join(path)) else { continue };
        scanned += 1;
        if text.contains(needle) {
            readers.push(path.to_owned());
        }
    }
    assert!(scanned > 500, "only {scanned} tracked text files");
    assert!(readers.is_empty(), "these files refer to {needle}/, which a fresh clone does not have: {readers:?}");
    assert!(root().join("tests/standards/ocds-1.1.5/ocds-1.1.5-schema.zip").is_file());
}
