//! Where and when: districts, streets, public works and recurring services as pages, lists,
//! GeoJSON layers, feeds and open data; and the map page that draws the layers with Leaflet.
//!
//! The map is an enhancement: every layer is also a list (per district, per street, and the
//! `/lucrari/` filter pages), so nothing is only on the map.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use minijinja::value::{Serde, Value as JValue};
use serde_json::{Value, json};

use super::context::{local_date, reference};
use super::emit::{Emitter, fingerprint};
use super::lists::Context;
use super::{PageJob, Site, render, urls};
use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;
use crate::load::{self, Item};
use crate::model::places::{Fraction, PublicWork, RecurringService, Street, WorkKind, WorkStatus};
use crate::model::{Data, Kind};

/// Reads the street list named in civic.yaml; a missing default file means no street list.
pub fn streets(content: &Path, config: &SiteConfig) -> Result<Vec<Street>, Vec<Diagnostic>> {
    let file = &config.map.streets;
    if file == "streets.yaml" && !content.join(file).exists() {
        return Ok(Vec::new());
    }
    load::data_file::<Vec<Street>>(content, file)
}

/// Where a street's page lives.
pub fn street_url(name: &str) -> String {
    format!("/strazi/{}/", urls::segment(name))
}

/// A work's place in time, seen from the build's "today".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    Now,
    Soon,
    Later,
    Past,
    Cancelled,
}

pub fn phase(w: &PublicWork, now: Date) -> Phase {
    let (start, end) = (local_date(w.period.start.timestamp()), local_date(w.period.end.timestamp()));
    if w.status == WorkStatus::Anulat {
        Phase::Cancelled
    } else if end < now || w.status == WorkStatus::Finalizat {
        Phase::Past
    } else if start <= now {
        Phase::Now
    } else if start <= now.saturating_add(jiff::Span::new().days(7)) {
        Phase::Soon
    } else {
        Phase::Later
    }
}

/// The `perioada` filter values of a work (label group `work_period`): "now" and "starts
/// within 7 days" are both "in the next 7 days"; everything starting after today is "planned".
pub fn period_values(w: &PublicWork, now: Date) -> Vec<String> {
    let v: &[&str] = match phase(w, now) {
        Phase::Now => &["acum", "urmatoarele_7_zile"],
        Phase::Soon => &["urmatoarele_7_zile", "planificate"],
        Phase::Later => &["planificate"],
        Phase::Past => &["incheiate"],
        Phase::Cancelled => &["anulate"],
    };
    v.iter().map(|s| (*s).to_owned()).collect()
}

/// Everything about places, worked out once per build.
pub struct Places<'a> {
    pub districts: Vec<&'a Item>,
    pub works: Vec<&'a Item>,
    pub services: Vec<&'a Item>,
    /// Work id → the ids of the districts it touches (by its streets and by its geometry).
    pub work_districts: HashMap<&'a str, Vec<&'a str>>,
    /// District id → its streets, A–Z.
    pub district_streets: HashMap<&'a str, Vec<&'a Street>>,
    /// Street name → the works that name it.
    pub street_works: HashMap<&'a str, Vec<&'a Item>>,
    pub streets: BTreeMap<String, &'a Street>,
    /// A fingerprint of all of it: every page that shows places depends on it.
    pub fp: u64,
}

impl<'a> Places<'a> {
    pub fn new(site: &'a Site) -> Places<'a> {
        let of = |k: Kind| -> Vec<&'a Item> { site.items.iter().filter(|i| i.kind == k).collect() };
        let mut districts = of(Kind::District);
        districts.sort_by(|a, b| a.data.envelope().title.cmp(&b.data.envelope().title));
        let mut works = of(Kind::PublicWork);
        // Soonest first, then by id: the order of every list of works.
        works.sort_by_key(|i| (work(i).period.start, i.id().to_owned()));
        let services = of(Kind::RecurringService);
        let by_name: HashMap<&str, &Street> = site.streets.iter().map(|s| (s.name.as_str(), s)).collect();
        let mut work_districts = HashMap::new();
        let mut street_works: HashMap<&str, Vec<&Item>> = HashMap::new();
        for w in &works {
            let pw = work(w);
            let mut ds: Vec<&str> = Vec::new();
            for s in &pw.streets {
                if let Some(street) = by_name.get(s.name.as_str()) {
                    ds.extend(street.districts.iter().map(String::as_str));
                    street_works.entry(street.name.as_str()).or_default().push(w);
                }
            }
            if let Some(g) = &pw.envelope.geometry {
                for d in &districts {
                    if let Some(area) = &d.data.envelope().geometry
                        && crate::geo::touches(&g.0, &area.0)
                    {
                        ds.push(d.id());
                    }
                }
            }
            ds.sort();
            ds.dedup();
            work_districts.insert(w.id(), ds);
        }
        let mut district_streets: HashMap<&str, Vec<&Street>> = HashMap::new();
        for s in &site.streets {
            for d in &s.districts {
                district_streets.entry(d.as_str()).or_default().push(s);
            }
        }
        for v in district_streets.values_mut() {
            v.sort_by(|a, b| a.name.cmp(&b.name));
        }
        let fp = fingerprint(&(
            districts.iter().chain(&works).chain(&services).map(|i| i.hash).collect::<Vec<_>>(),
            &site.streets,
        ));
        let streets = site.streets.iter().map(|s| (s.name.clone(), s)).collect();
        Places { districts, works, services, work_districts, district_streets, street_works, streets, fp }
    }

    fn district(&self, id: &str) -> Option<&'a Item> {
        self.districts.iter().find(|d| d.id() == id).copied()
    }

    /// The titles of the districts a work touches (the `cartier` filter of `/lucrari/`).
    pub fn district_titles(&self, work_id: &str) -> Vec<String> {
        self.work_districts
            .get(work_id)
            .into_iter()
            .flatten()
            .filter_map(|id| self.district(id))
            .map(|d| d.data.envelope().title.clone())
            .collect()
    }

    /// The zones (service, zone index) that serve a district: named in `districts`, or whose
    /// area contains one of the district's streets' … (by polygon when no district is named).
    fn zones_of_district(&self, district: &Item) -> Vec<(&'a Item, usize)> {
        let mut out = Vec::new();
        for s in &self.services {
            for (z, zone) in service(s).zones.iter().enumerate() {
                let named = zone.districts.iter().any(|d| d == district.id());
                let by_area = zone.districts.is_empty()
                    && district
                        .data
                        .envelope()
                        .geometry
                        .as_ref()
                        .is_some_and(|g| crate::geo::touches(&g.0, &zone.geometry.0));
                if named || by_area {
                    out.push((*s, z));
                }
            }
        }
        out
    }

    fn zones_of_street(&self, street: &Street) -> Vec<(&'a Item, usize)> {
        let mut out = Vec::new();
        for s in &self.services {
            for (z, zone) in service(s).zones.iter().enumerate() {
                if zone.streets.contains(&street.name) || zone.districts.iter().any(|d| street.districts.contains(d)) {
                    out.push((*s, z));
                }
            }
        }
        out
    }
}

fn work(i: &Item) -> &PublicWork {
    match &*i.data {
        Data::PublicWork(w) => w,
        _ => unreachable!("a public work"),
    }
}

fn service(i: &Item) -> &RecurringService {
    match &*i.data {
        Data::RecurringService(s) => s,
        _ => unreachable!("a recurring service"),
    }
}

fn fraction_name(f: Fraction) -> String {
    serde_json::to_value(f).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// A work as rows and popups show it.
fn work_row(i: &Item, places: &Places, now: Date) -> Value {
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
                   "url": places.streets.contains_key(&s.name).then(|| street_url(&s.name))})
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
fn zone_view(s: &Item, z: usize, now: Date) -> Value {
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
    let url = urls::item_url(s);
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
                .map(|s| json!({"name": s.name, "url": street_url(&s.name)}))
                .collect::<Vec<_>>()
                .into();
            ctx["offices"] = offices_in(&site.config, item).into();
            ctx["feed"] = format!("{}feed.xml", urls::item_url(item)).into();
            ctx["works_list"] = format!("/lucrari/cartier/{}/", urls::segment(&item.data.envelope().title)).into();
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
                        .map(|n| json!({"name": n, "url": street_url(n)}))
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
        let url = street_url(&street.name);
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
                .map(|s| json!({"name": s.name, "url": street_url(&s.name)}))
                .collect();
            json!({"district": reference(d), "streets": streets})
        })
        .collect();
    jobs.push(PageJob {
        fingerprint: fp,
        url: "/strazi/".into(),
        template: "streets.html",
        context: Context::Ready(minijinja::context! {
            page => Serde(json!({"url": "/strazi/", "title": "Străzi"})),
            groups => Serde(by_district),
            total => places.streets.len(),
        }),
    });
    let counts =
        |value: &str| places.works.iter().filter(|w| period_values(work(w), now).iter().any(|v| v == value)).count();
    let periods: Vec<Value> = ["acum", "urmatoarele_7_zile", "planificate", "incheiate", "anulate"]
        .iter()
        .map(|p| json!({"value": p, "url": format!("/lucrari/perioada/{}/", urls::segment(p)), "count": counts(p)}))
        .collect();
    let bbox = site.config.map.bbox.unwrap_or_else(|| bounds(places));
    let map = json!({
        "tiles": site.config.map.tiles,
        "attribution": site.config.map.attribution,
        "bbox": bbox.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(","),
        "layers": LAYERS.iter().map(|(name, file)| json!({"name": name, "url": format!("/data/geo/{file}")})).collect::<Vec<_>>(),
        "leaflet": leaflet.map(|l| json!({"js": format!("{}leaflet.js", l.url), "css": format!("{}leaflet.css", l.url),
                                          "license": format!("{}LICENSE", l.url), "version": l.version})),
    });
    jobs.push(PageJob {
        fingerprint: fingerprint(&(fp, leaflet.map(|l| &l.url))),
        url: "/harta/".into(),
        template: "map.html",
        context: Context::Ready(minijinja::context! {
            page => Serde(json!({"url": "/harta/", "title": "Harta lucrărilor și serviciilor"})),
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
pub const LAYERS: [(&str, &str); 5] = [
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

fn feature(id: &str, geometry: &Value, properties: Value) -> Value {
    json!({"type": "Feature", "id": id, "geometry": geometry, "properties": properties})
}

fn collection(features: Vec<Value>) -> Vec<u8> {
    serde_json::to_vec(&json!({"type": "FeatureCollection", "features": features})).expect("JSON serialises")
}

/// Open data and feeds of places: the GeoJSON layers, `/data/public_work.json` (with the
/// districts each work touches), `/data/street.json`, an Atom feed per district, the calendars
/// of the zones are written with their service's page.
pub fn files(
    site: &Site,
    places: &Places,
    labels: &render::Labels,
    global_fp: u64,
    out: &Emitter,
    render: &dyn Fn(&str, JValue) -> Result<String, Diagnostic>,
    globals: &JValue,
) -> Result<(), Diagnostic> {
    let now = site.now;
    let fp = fingerprint(&(global_fp, places.fp));
    let label = |group: &str, value: &Value| {
        let key = value.as_str().unwrap_or_default();
        labels.get(group).and_then(|g| g.get(key)).cloned().unwrap_or_else(|| key.replace('_', " "))
    };
    let props = |i: &Item| {
        let mut p = work_row(i, places, now);
        let w = work(i);
        p["kind_label"] = label("work_kind", &p["kind"]).into();
        p["status_label"] = label("work_status", &p["status"]).into();
        p["restriction_label"] = label("restriction", &p["restriction"]).into();
        p["period_text"] = format!(
            "{} – {}{}",
            civic_workdays::format_date_ro(local_date(w.period.start.timestamp())),
            civic_workdays::format_date_ro(local_date(w.period.end.timestamp())),
            if w.period.end_estimated { " (estimat)" } else { "" }
        )
        .into();
        p["streets_text"] = w.streets.iter().map(|s| s.name.clone()).collect::<Vec<_>>().join(", ").into();
        p
    };
    let works = |keep: &dyn Fn(&PublicWork) -> bool| -> Vec<Value> {
        places
            .works
            .iter()
            .filter(|i| keep(work(i)))
            .filter_map(|i| i.data.envelope().geometry.as_ref().map(|g| feature(i.id(), &g.0, props(i))))
            .collect()
    };
    out.emit("data/geo/works.geojson", fp, || Ok(collection(works(&|w| w.kind != WorkKind::RestrictieTrafic))))?;
    out.emit("data/geo/restrictions.geojson", fp, || {
        Ok(collection(works(&|w| w.restriction != crate::model::places::Restriction::FaraRestrictie)))
    })?;
    out.emit("data/geo/services.geojson", fp, || {
        let mut features = Vec::new();
        for s in &places.services {
            for (z, zone) in service(s).zones.iter().enumerate() {
                let mut v = zone_view(s, z, now);
                for sc in v["schedules"].as_array_mut().into_iter().flatten() {
                    sc["fraction_label"] = label("fraction", &sc["fraction"]).into();
                }
                v["title"] = format!("{} — {}", service(s).envelope.title, zone.name).into();
                v["url"] = format!("{}#zona-{}", urls::item_url(s), zone.id).into();
                features.push(feature(&format!("{}/{}", s.id(), zone.id), &zone.geometry.0, v));
            }
        }
        Ok(collection(features))
    })?;
    out.emit("data/geo/offices.geojson", fp, || {
        let features = site
            .config
            .map
            .offices
            .iter()
            .enumerate()
            .map(|(n, o)| {
                feature(&format!("office-{}", n + 1), &json!({"type": "Point", "coordinates": o.point}), json!(o))
            })
            .collect();
        Ok(collection(features))
    })?;
    out.emit("data/geo/districts.geojson", fp, || {
        Ok(collection(
            places
                .districts
                .iter()
                .filter_map(|d| d.data.envelope().geometry.as_ref().map(|g| feature(d.id(), &g.0, reference(d))))
                .collect(),
        ))
    })?;
    // The works as the alerts dispatcher reads them: every field as written, plus the page,
    // the districts touched and the last change.
    out.emit("data/public_work.json", fp, || {
        let items: Vec<Value> = places
            .works
            .iter()
            .map(|i| {
                let mut v = super::context::summary(i, now);
                let env = i.data.envelope();
                v["updated_at"] = json!(env.updated_at.unwrap_or(env.published_at));
                v["districts"] = places.work_districts.get(i.id()).cloned().unwrap_or_default().into();
                v
            })
            .collect();
        Ok(serde_json::to_vec_pretty(&json!({"type": "public_work", "count": items.len(), "items": items}))
            .expect("JSON serialises"))
    })?;
    out.emit("data/street.json", fp, || {
        let items: Vec<Value> = places
            .streets
            .values()
            .map(|s| {
                let zones: Vec<Value> = places
                    .zones_of_street(s)
                    .into_iter()
                    .map(|(svc, z)| json!({"service": svc.id(), "zone": service(svc).zones[z].id}))
                    .collect();
                json!({"name": s.name, "slug": urls::segment(&s.name), "url": street_url(&s.name),
                       "districts": s.districts, "zones": zones})
            })
            .collect();
        Ok(serde_json::to_vec_pretty(&json!({"type": "street", "count": items.len(), "items": items}))
            .expect("JSON serialises"))
    })?;
    for d in &places.districts {
        let path = format!("{}feed.xml", urls::item_url(d).trim_start_matches('/'));
        let mut works: Vec<&Item> = places
            .works
            .iter()
            .filter(|w| places.work_districts.get(w.id()).is_some_and(|ds| ds.contains(&d.id())))
            .copied()
            .collect();
        let changed = |i: &Item| i.data.envelope().updated_at.unwrap_or(i.data.envelope().published_at);
        works.sort_by(|a, b| changed(b).cmp(&changed(a)).then_with(|| a.id().cmp(b.id())));
        works.truncate(50);
        out.emit(&path, fingerprint(&(fp, d.id())), || {
            let entries: Vec<Value> = works
                .iter()
                .map(|i| {
                    let mut s = super::context::summary(i, now);
                    s["updated"] = changed(i).timestamp().to_string().into();
                    s["published"] = i.data.envelope().published_at.timestamp().to_string().into();
                    s
                })
                .collect();
            let updated = works
                .iter()
                .map(|i| changed(i))
                .max()
                .map(|t| t.timestamp().to_string())
                .unwrap_or_else(|| format!("{now}T00:00:00Z"));
            let title = format!("Lucrări și restricții în {}", d.data.envelope().title);
            let ctx = json!({"feed": {"kind": "public_work", "title": title, "url": urls::item_url(d), "updated": updated},
                             "entries": entries});
            render("feed.xml", minijinja::context! { site => globals, ..JValue::from(Serde(&ctx)) }).map(String::into_bytes)
        })?;
    }
    Ok(())
}

/// The URLs of the pages this module adds, for the sitemap.
pub fn sitemap_urls(site: &Site) -> Vec<String> {
    if site.streets.is_empty() && !site.items.iter().any(|i| matches!(i.kind, Kind::PublicWork | Kind::District)) {
        return Vec::new();
    }
    let mut v = vec!["/harta/".to_owned(), "/strazi/".to_owned()];
    v.extend(site.streets.iter().map(|s| street_url(&s.name)));
    v
}

/// Leaflet, from the npm package installed at set-up (`npm ci` at the repository root).
pub struct Leaflet {
    /// The folder it is published in, `/vendor/leaflet-1.9.4/`.
    pub url: String,
    pub version: String,
    dir: PathBuf,
}

/// The files of the Leaflet package the map page uses, and its licence.
const LEAFLET_FILES: [&str; 8] = [
    "dist/leaflet.js",
    "dist/leaflet.css",
    "dist/images/layers.png",
    "dist/images/layers-2x.png",
    "dist/images/marker-icon.png",
    "dist/images/marker-icon-2x.png",
    "dist/images/marker-shadow.png",
    "LICENSE",
];

/// Finds `node_modules/leaflet` as Node does: in the working folder or one of its parents.
pub fn find_leaflet() -> Option<Leaflet> {
    let start = std::env::current_dir().ok()?;
    let dir =
        start.ancestors().map(|a| a.join("node_modules/leaflet")).find(|d| d.join("dist/leaflet.js").is_file())?;
    let package: Value = serde_json::from_slice(&std::fs::read(dir.join("package.json")).ok()?).ok()?;
    let version = package["version"].as_str()?.to_owned();
    Some(Leaflet { url: format!("/vendor/leaflet-{version}/"), version, dir })
}

/// Copies Leaflet into the output, with its licence.
pub fn publish_leaflet(l: &Leaflet, out: &Emitter) -> Result<(), Diagnostic> {
    for f in LEAFLET_FILES {
        let source = l.dir.join(f);
        let target = format!("{}{}", l.url.trim_start_matches('/'), f.trim_start_matches("dist/"));
        out.emit(&target, super::file_stamp(&source), || {
            std::fs::read(&source).map_err(|e| super::io_error(&source, e))
        })?;
    }
    Ok(())
}
