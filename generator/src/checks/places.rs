//! The rules of places and schedules: geometries that a map can draw (closed rings, positions
//! in range and inside the city), streets and districts that exist, periods in order and
//! recurrence rules civic can expand.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::config::SiteConfig;
use crate::diagnostics::did_you_mean;
use crate::geo;
use crate::load::{Finding, Item};
use crate::model::Data;
use crate::model::places::Street;

/// Every problem of the places content and of the street list (`streets_file`).
pub fn run(items: &[Item], streets: &[Street], streets_file: &str, config: &SiteConfig) -> Vec<Finding> {
    let mut out = Vec::new();
    let bbox = config.map.bbox;
    let districts: HashSet<&str> =
        items.iter().filter(|i| matches!(*i.data, Data::District(_))).map(|i| i.id()).collect();
    let street_names: HashSet<&str> = streets.iter().map(|s| s.name.as_str()).collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, s) in streets.iter().enumerate() {
        if let Some(first) = seen.insert(&s.name, i) {
            out.push(Finding::new(
                streets_file,
                &format!("/{i}/name"),
                format!("`{}` is listed twice (also entry {})", s.name, first + 1),
                "list each street once, with all its districts",
            ));
        }
        for (j, d) in s.districts.iter().enumerate() {
            if !districts.contains(d.as_str()) {
                out.push(unknown(streets_file, &format!("/{i}/districts/{j}"), d, &districts, "district"));
            }
        }
    }
    for (n, office) in config.map.offices.iter().enumerate() {
        let point = serde_json::json!({"type": "Point", "coordinates": office.point});
        for p in geo::problems(&point, bbox) {
            out.push(Finding::new(crate::load::CONFIG_FILE, &format!("/map/offices/{n}/point"), p.message, p.fix));
        }
    }
    let geometry = |out: &mut Vec<Finding>, file: &str, at: &str, g: &Value, areas_only: bool| {
        if areas_only && !matches!(g.get("type").and_then(Value::as_str), Some("Polygon" | "MultiPolygon")) {
            out.push(Finding::new(file, at, "an area needs a Polygon or MultiPolygon", "draw the area as a Polygon"));
        }
        for p in geo::problems(g, bbox) {
            out.push(Finding::new(file, &format!("{at}{}", p.pointer), p.message, p.fix));
        }
    };
    for item in items {
        let file = item.file.as_str();
        let g = item.data.envelope().geometry.as_ref().map(|g| &g.0);
        match &*item.data {
            Data::District(_) => match g {
                Some(g) => geometry(&mut out, file, "/geometry", g, true),
                None => out.push(Finding::new(
                    file,
                    "/id",
                    "a district needs a `geometry`",
                    "add its boundary as a GeoJSON Polygon",
                )),
            },
            Data::PublicWork(w) => {
                match g {
                    Some(g) => geometry(&mut out, file, "/geometry", g, false),
                    None => out.push(Finding::new(
                        file,
                        "/id",
                        "a public work needs a `geometry`",
                        "add where it is as a GeoJSON Point, LineString or Polygon",
                    )),
                }
                if let Some(d) = w.detour.as_ref().and_then(|d| d.geometry.as_ref()) {
                    geometry(&mut out, file, "/detour/geometry", &d.0, false);
                }
                if w.period.end < w.period.start {
                    out.push(Finding::new(file, "/period/end", "the work ends before it starts", "check period.end"));
                }
                for (i, s) in w.streets.iter().enumerate() {
                    if !street_names.is_empty() && !street_names.contains(s.name.as_str()) {
                        out.push(unknown(file, &format!("/streets/{i}/name"), &s.name, &street_names, "street"));
                    }
                }
                if let Some(s) = &w.schedule
                    && let Err(e) = crate::recur::parse(&s.rrule)
                {
                    out.push(Finding::new(file, "/schedule/rrule", e, "see docs/content.md § recurrence rules"));
                }
            }
            Data::RecurringService(s) => {
                if let Some(to) = s.valid_to
                    && to < s.valid_from
                {
                    out.push(Finding::new(file, "/valid_to", "valid_to is before valid_from", "check the dates"));
                }
                let mut ids = HashSet::new();
                for (z, zone) in s.zones.iter().enumerate() {
                    if !ids.insert(zone.id.as_str()) {
                        out.push(Finding::new(
                            file,
                            &format!("/zones/{z}/id"),
                            format!("zone `{}` is listed twice", zone.id),
                            "give each zone its own id",
                        ));
                    }
                    geometry(&mut out, file, &format!("/zones/{z}/geometry"), &zone.geometry.0, true);
                    for (i, d) in zone.districts.iter().enumerate() {
                        if !districts.contains(d.as_str()) {
                            out.push(unknown(file, &format!("/zones/{z}/districts/{i}"), d, &districts, "district"));
                        }
                    }
                    for (i, name) in zone.streets.iter().enumerate() {
                        if !street_names.contains(name.as_str()) {
                            out.push(unknown(file, &format!("/zones/{z}/streets/{i}"), name, &street_names, "street"));
                        }
                    }
                    for (i, sched) in zone.schedules.iter().enumerate() {
                        if let Err(e) = crate::recur::parse(&sched.rrule) {
                            out.push(Finding::new(
                                file,
                                &format!("/zones/{z}/schedules/{i}/rrule"),
                                e,
                                "see docs/content.md § recurrence rules",
                            ));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
}

fn unknown(file: &str, pointer: &str, name: &str, known: &HashSet<&str>, what: &str) -> Finding {
    let fix = match did_you_mean(name, known.iter().copied()) {
        Some(guess) => format!("did you mean `{guess}`?"),
        None if what == "street" => "add the street to the street list (streets.yaml), or correct its name".into(),
        None => format!("use the id of an existing {what}"),
    };
    Finding::new(file, pointer, format!("no {what} `{name}`"), fix)
}
