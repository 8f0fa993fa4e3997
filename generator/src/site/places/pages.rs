//! What places add to pages: district, street and map pages, the works, zones and streets on
//! an item's page, and the rows and popups that show a work or a zone.

use std::collections::BTreeMap;

use jiff::civil::Date;
use minijinja::value::Serde;
use serde_json::{Value, json};

use super::{Phase, Places, period_values, phase, service, work};
use crate::config::SiteConfig;
use crate::load::Item;
use crate::model::places::Fraction;
use crate::model::{Data, Kind, urls};
use crate::site::context::reference;
use crate::site::emit::fingerprint;
use crate::site::leaflet::Leaflet;
use crate::site::lists::Context;
use crate::site::{PageJob, Site};

fn fraction_name(f: Fraction) -> String {
    serde_json::to_value(f).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// A work as rows and popups show it.
pub(super) fn work_row(i: &Item, places: &Places, now: Date) -> Value {
    let w = work(i);
    let mut v = reference(i);
    v["kind"] = json!(w.kind);
    v["status"] = json!(w.status);
    v["restriction"] = json!(w.restriction);
    v["severity"] = json!(w.severity);
    v["start"] = json!(w.period.start);
    v["end"] = json!(w.period.end);
    v["end_estimated"] = w.period.end_estimated.into();
    v["schedule"] = w.schedule.as_ref().map(|s| s.text.clone()).into();
    v["streets"] = w
        .streets
        .iter()
        .map(|s| {
            json!({"name": s.name, "section": s.section,
                   "url": places.streets.contains_key(&s.name).then(|| urls::street_url(&s.name))})
        })
        .collect::<Vec<_>>()
        .into();
    v["districts"] = places
        .work_districts
        .get(i.id())
        .into_iter()
        .flatten()
        .filter_map(|d| places.district(d))
        .map(reference)
        .collect::<Vec<_>>()
        .into();
    v["phase"] = format!("{:?}", phase(w, now)).to_lowercase().into();
    v["summary"] = i.data.envelope().summary.clone().into();
    v
}

/// A zone's schedules as a page shows them: rule in words, hours, next days.
pub(super) fn zone_view(s: &Item, z: usize, now: Date) -> Value {
    let svc = service(s);
    let zone = &svc.zones[z];
    let until = now.saturating_add(jiff::Span::new().days(31));
    let schedules: Vec<Value> = zone
        .schedules
        .iter()
        .map(|sc| {
            let (text, next) = match crate::recur::parse(&sc.rrule) {
                Ok(rule) => {
                    let mut days = rule.between(svc.valid_from.civil(), now, until);
                    days.retain(|d| !sc.exdates.iter().any(|x| x.civil() == *d));
                    days.extend(sc.rdates.iter().map(|d| d.civil()).filter(|d| *d >= now && *d <= until));
                    days.sort();
                    days.dedup();
                    if let Some(end) = svc.valid_to {
                        days.retain(|d| *d <= end.civil());
                    }
                    (rule.describe(), days)
                }
                Err(_) => (sc.rrule.clone(), Vec::new()),
            };
            json!({
                "fraction": fraction_name(sc.fraction),
                "rule": text,
                "from": sc.from,
                "to": sc.to,
                "instructions": sc.instructions,
                "next": next.iter().take(4).map(|d| d.to_string()).collect::<Vec<_>>(),
            })
        })
        .collect();
    let url = s.url();
    json!({
        "service": {"id": s.id(), "title": svc.envelope.title, "url": url, "operator": svc.operator.name},
        "id": zone.id,
        "name": zone.name,
        "ics": format!("{url}{}", zone_ics(&zone.id)),
        "schedules": schedules,
    })
}

/// The file name of a zone's calendar, in its service's folder.
pub fn zone_ics(zone: &str) -> String {
    format!("zona-{zone}.ics")
}

/// Works grouped as "now", "next 7 days", "planned later" and "recently ended".
fn grouped(works: &[&Item], places: &Places, now: Date) -> Value {
    let mut groups: BTreeMap<Phase, Vec<Value>> = BTreeMap::new();
    for w in works {
        groups.entry(phase(work(w), now)).or_default().push(work_row(w, places, now));
    }
    let take = |p: Phase| groups.get(&p).cloned().unwrap_or_default();
    let mut past = take(Phase::Past);
    past.reverse();
    past.truncate(10);
    json!({"now": take(Phase::Now), "soon": take(Phase::Soon), "later": take(Phase::Later),
           "past": past, "cancelled": take(Phase::Cancelled)})
}

/// What an item page of a places type shows beyond its fields.
pub fn extend_detail(item: &Item, ctx: &mut Value, places: &Places, site: &Site) {
    let now = site.now;
    match &*item.data {
        Data::District(_) => {
            let works: Vec<&Item> = places
                .works
                .iter()
                .filter(|w| places.work_districts.get(w.id()).is_some_and(|d| d.contains(&item.id())))
                .copied()
                .collect();
            ctx["works"] = grouped(&works, places, now);
            ctx["zones"] = places.zones_of_district(item).into_iter().map(|(s, z)| zone_view(s, z, now)).collect();
            ctx["streets"] = places
                .district_streets
                .get(item.id())
                .into_iter()
                .flatten()
                .map(|s| json!({"name": s.name, "url": urls::street_url(&s.name)}))
                .collect::<Vec<_>>()
                .into();
            ctx["offices"] = offices_in(&site.config, item).into();
            ctx["feed"] = urls::feed_url(&item.url()).into();
            ctx["works_list"] = urls::filter_url(Kind::PublicWork, "cartier", &item.data.envelope().title).into();
        }
        Data::PublicWork(_) => {
            ctx["place"] = work_row(item, places, now);
        }
        Data::RecurringService(s) => {
            ctx["zones"] = (0..s.zones.len())
                .map(|z| {
                    let mut v = zone_view(item, z, now);
                    v["districts"] = s.zones[z]
                        .districts
                        .iter()
                        .filter_map(|d| places.district(d))
                        .map(reference)
                        .collect::<Vec<_>>()
                        .into();
                    v["streets"] = s.zones[z]
                        .streets
                        .iter()
                        .map(|n| json!({"name": n, "url": urls::street_url(n)}))
                        .collect::<Vec<_>>()
                        .into();
                    v
                })
                .collect();
        }
        _ => {}
    }
}

fn offices_in(config: &SiteConfig, district: &Item) -> Vec<Value> {
    let Some(area) = &district.data.envelope().geometry else { return Vec::new() };
    config
        .map
        .offices
        .iter()
        .filter(|o| crate::geo::contains(&area.0, (o.point[0], o.point[1])))
        .map(|o| json!(o))
        .collect()
}

/// The street pages, the street index and the map page.
pub fn pages<'a>(site: &'a Site, places: &Places<'a>, global_fp: u64, leaflet: Option<&Leaflet>) -> Vec<PageJob<'a>> {
    let now = site.now;
    let mut jobs = Vec::new();
    if places.districts.is_empty() && places.works.is_empty() && places.streets.is_empty() {
        return jobs;
    }
    let fp = fingerprint(&(global_fp, places.fp));
    for street in places.streets.values() {
        let url = urls::street_url(&street.name);
        let works: Vec<&Item> = places.street_works.get(street.name.as_str()).cloned().unwrap_or_default();
        let districts: Vec<Value> = street.districts.iter().filter_map(|d| places.district(d)).map(reference).collect();
        let zones: Vec<Value> = places.zones_of_street(street).into_iter().map(|(s, z)| zone_view(s, z, now)).collect();
        let page = json!({"url": url, "title": street.name});
        jobs.push(PageJob {
            fingerprint: fp,
            template: "street.html",
            context: Context::Ready(minijinja::context! {
                page => Serde(page),
                street => Serde(json!({"name": street.name, "districts": districts,
                                        "works": grouped(&works, places, now), "zones": zones})),
            }),
            url,
        });
    }
    let by_district: Vec<Value> = places
        .districts
        .iter()
        .map(|d| {
            let streets: Vec<Value> = places
                .district_streets
                .get(d.id())
                .into_iter()
                .flatten()
                .map(|s| json!({"name": s.name, "url": urls::street_url(&s.name)}))
                .collect();
            json!({"district": reference(d), "streets": streets})
        })
        .collect();
    jobs.push(PageJob {
        fingerprint: fp,
        url: urls::STREETS.into(),
        template: "streets.html",
        context: Context::Ready(minijinja::context! {
            page => Serde(json!({"url": urls::STREETS, "title": "Străzi"})),
            groups => Serde(by_district),
            total => places.streets.len(),
        }),
    });
    let counts =
        |value: &str| places.works.iter().filter(|w| period_values(work(w), now).iter().any(|v| v == value)).count();
    let periods: Vec<Value> = ["acum", "urmatoarele_7_zile", "planificate", "incheiate", "anulate"]
        .iter()
        .map(|p| json!({"value": p, "url": urls::filter_url(Kind::PublicWork, "perioada", p), "count": counts(p)}))
        .collect();
    let bbox = site.config.map.bbox.unwrap_or_else(|| bounds(places));
    let map = json!({
        "tiles": site.config.map.tiles,
        "attribution": site.config.map.attribution,
        "bbox": bbox.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(","),
        "layers": LAYERS.iter().map(|(name, file)| json!({"name": name, "url": urls::geo_layer_url(file)})).collect::<Vec<_>>(),
        "leaflet": leaflet.map(|l| json!({"js": format!("{}leaflet.js", l.url), "css": format!("{}leaflet.css", l.url),
                                          "license": format!("{}LICENSE", l.url), "version": l.version})),
    });
    jobs.push(PageJob {
        fingerprint: fingerprint(&(fp, leaflet.map(|l| &l.url))),
        url: urls::MAP.into(),
        template: "map.html",
        context: Context::Ready(minijinja::context! {
            page => Serde(json!({"url": urls::MAP, "title": "Harta lucrărilor și serviciilor"})),
            map => Serde(map),
            periods => Serde(periods),
            districts => Serde(places.districts.iter().map(|d| reference(d)).collect::<Vec<_>>()),
            services => Serde(places.services.iter().map(|s| reference(s)).collect::<Vec<_>>()),
            offices => Serde(&site.config.map.offices),
        }),
    });
    jobs
}

/// The GeoJSON layers: (layer name in the map's controls, file under `/data/geo/`).
/// The URLs of the pages this module adds, for the sitemap.
pub fn sitemap_urls(site: &Site) -> Vec<String> {
    if site.streets.is_empty() && !site.items.iter().any(|i| matches!(i.kind, Kind::PublicWork | Kind::District)) {
        return Vec::new();
    }
    let mut v = vec![urls::MAP.to_owned(), urls::STREETS.to_owned()];
    v.extend(site.streets.iter().map(|s| urls::street_url(&s.name)));
    v
}

/// The map's layers: name, file under `/data/geo/`.
const LAYERS: [(&str, &str); 5] = [
    ("works", "works.geojson"),
    ("restrictions", "restrictions.geojson"),
    ("services", "services.geojson"),
    ("offices", "offices.geojson"),
    ("districts", "districts.geojson"),
];

/// The box around every district, when civic.yaml gives none.
fn bounds(places: &Places) -> [f64; 4] {
    let mut b: [f64; 4] = [180.0, 90.0, -180.0, -90.0];
    for d in &places.districts {
        if let Some(g) = &d.data.envelope().geometry {
            for ring in g.0["coordinates"].as_array().into_iter().flatten() {
                for p in ring.as_array().into_iter().flatten() {
                    if let (Some(x), Some(y)) = (p[0].as_f64(), p[1].as_f64()) {
                        b = [b[0].min(x), b[1].min(y), b[2].max(x), b[3].max(y)];
                    }
                }
            }
        }
    }
    if b[0] > b[2] { [-180.0, -85.0, 180.0, 85.0] } else { b }
}
