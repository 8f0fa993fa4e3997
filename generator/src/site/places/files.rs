//! Open data and feeds of places: the map's GeoJSON layers, `/data/public_work.json`,
//! `/data/street.json` and an Atom feed per district.

use minijinja::value::{Serde, Value as JValue};
use serde_json::{Value, json};

use super::pages::{work_row, zone_view};
use super::{service, work};
use crate::diagnostics::Diagnostic;
use crate::load::Item;
use crate::model::places::{PublicWork, WorkKind};
use crate::model::urls;
use crate::site::context::{local_date, reference};
use crate::site::emit::fingerprint;
use crate::site::render::Render;
use civic_contract::{Street, StreetZone, StreetsFile};

fn feature(id: &str, geometry: &Value, properties: Value) -> Value {
    json!({"type": "Feature", "id": id, "geometry": geometry, "properties": properties})
}

fn collection(features: Vec<Value>) -> Vec<u8> {
    serde_json::to_vec(&json!({"type": "FeatureCollection", "features": features})).expect("JSON serialises")
}

/// Open data and feeds of places: the GeoJSON layers, `/data/public_work.json` (with the
/// districts each work touches), `/data/street.json`, an Atom feed per district, the calendars
/// of the zones are written with their service's page.
pub fn files(r: &Render) -> Result<(), Diagnostic> {
    let (site, places, out) = (r.site, &r.places, r.out);
    let now = site.now;
    let fp = fingerprint(&(r.global_fp, places.fp));
    let label = |group: &str, value: &Value| r.theme.label(group, value.as_str().unwrap_or_default());
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
                v["url"] = urls::zone_anchor(&s.url(), &zone.id).into();
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
    out.emit(civic_contract::files::PUBLIC_WORKS, fp, || {
        let items: Vec<Value> = places
            .works
            .iter()
            .map(|i| {
                let mut v = crate::site::context::summary(i, now);
                let env = i.data.envelope();
                v["updated_at"] = json!(env.updated_at.unwrap_or(env.published_at));
                v["districts"] = places.work_districts.get(i.id()).cloned().unwrap_or_default().into();
                v
            })
            .collect();
        Ok(serde_json::to_vec_pretty(&json!({"type": "public_work", "count": items.len(), "items": items}))
            .expect("JSON serialises"))
    })?;
    out.emit(civic_contract::files::STREETS, fp, || {
        let items: Vec<Street> = places
            .streets
            .values()
            .map(|s| Street {
                name: s.name.clone(),
                slug: urls::segment(&s.name),
                url: urls::street_url(&s.name),
                districts: s.districts.clone(),
                zones: places
                    .zones_of_street(s)
                    .into_iter()
                    .map(|(svc, z)| StreetZone { service: svc.id().to_owned(), zone: service(svc).zones[z].id.clone() })
                    .collect(),
            })
            .collect();
        let file = StreetsFile { kind: "street".into(), count: items.len(), items };
        Ok(serde_json::to_vec_pretty(&file).expect("JSON serialises"))
    })?;
    for d in &places.districts {
        let path = urls::file_for(&urls::feed_url(&d.url()));
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
                    let mut s = crate::site::context::summary(i, now);
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
            let ctx = json!({"feed": {"kind": "public_work", "title": title, "url": d.url(), "updated": updated},
                             "entries": entries});
            r.render("feed.xml", JValue::from(Serde(&ctx))).map(String::into_bytes)
        })?;
    }
    Ok(())
}
