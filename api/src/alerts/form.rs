//! Reading an alert's form: the area (districts, a point with a radius, or a drawn polygon),
//! the topics and how often, each checked with a message that names the field.

use serde::Deserialize;
use serde_json::{Value, json};

use super::{FREQUENCIES, TOPICS};
use crate::error::FieldError;

/// The largest radius accepted, in metres.
const MAX_RADIUS_M: f64 = 20_000.0;
/// The most vertices a drawn polygon may have.
const MAX_VERTICES: usize = 200;

/// A subscription form (browsers send repeated `district`/`topic` fields; JSON clients lists).
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[schema(example = json!({"email": "ana.popescu@example.ro", "area": "districts", "district": ["cetate"],
    "topic": ["lucrari", "trafic"], "frequency": "zilnic"}))]
pub struct SubscribeForm {
    #[serde(default)]
    #[schema(required = true, format = Email)]
    pub email: String,
    /// `districts`, `point` or `polygon`.
    #[serde(default)]
    area: String,
    /// District ids (a repeated field, or a list).
    #[serde(default, deserialize_with = "one_or_many")]
    #[schema(schema_with = crate::openapi::one_or_many)]
    district: Vec<String>,
    #[serde(default)]
    lat: String,
    #[serde(default)]
    lon: String,
    #[serde(default)]
    radius: String,
    /// A GeoJSON Polygon or a JSON list of [lon, lat] vertices (filled by the map).
    #[serde(default)]
    polygon: String,
    /// Topic ids (a repeated field, or a list).
    #[serde(default, deserialize_with = "one_or_many")]
    #[schema(schema_with = crate::openapi::one_or_many)]
    pub topic: Vec<String>,
    /// `imediat`, `zilnic` or `saptamanal`.
    #[serde(default)]
    #[schema(required = true, pattern = "^(imediat|zilnic|saptamanal)$")]
    pub frequency: String,
}

/// A field that is one value or a list (a form field that repeats, or a JSON list).
pub fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

fn problem(field: &str, label: &str, message: impl Into<String>) -> FieldError {
    FieldError { field: field.into(), label: label.into(), message: message.into() }
}

/// The area as stored, or what is wrong with it.
pub fn parse_area(form: &SubscribeForm, districts: &[crate::published::District]) -> Result<Value, FieldError> {
    let kind = if form.area.is_empty() {
        if !form.polygon.trim().is_empty() {
            "polygon"
        } else if !form.lat.trim().is_empty() {
            "point"
        } else {
            "districts"
        }
    } else {
        form.area.as_str()
    };
    match kind {
        "districts" => {
            let mut chosen: Vec<String> =
                form.district.iter().map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()).collect();
            chosen.sort();
            chosen.dedup();
            if chosen.is_empty() {
                return Err(problem("district", "Cartierele", "alegeți cel puțin un cartier"));
            }
            if let Some(bad) = chosen.iter().find(|d| !districts.iter().any(|x| &x.id == *d)) {
                return Err(problem("district", "Cartierele", format!("„{bad}” nu este un cartier din listă")));
            }
            Ok(json!({"districts": chosen}))
        }
        "point" => {
            let num = |s: &str| s.trim().replace(',', ".").parse::<f64>().ok().filter(|v| v.is_finite());
            let (Some(lat), Some(lon)) = (num(&form.lat), num(&form.lon)) else {
                return Err(problem(
                    "lat",
                    "Punctul",
                    "scrieți latitudinea și longitudinea ca numere (de ex. 45.75 și 21.23)",
                ));
            };
            if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                return Err(problem(
                    "lat",
                    "Punctul",
                    "latitudinea este între -90 și 90, longitudinea între -180 și 180",
                ));
            }
            let radius = num(&form.radius).unwrap_or(-1.0);
            if !(50.0..=MAX_RADIUS_M).contains(&radius) {
                return Err(problem("radius", "Raza", "alegeți o rază între 50 și 20000 de metri"));
            }
            Ok(json!({"point": [lon, lat], "radius_m": radius.round()}))
        }
        "polygon" => {
            let bad = || problem("polygon", "Zona desenată", "desenați pe hartă o zonă cu cel puțin trei colțuri");
            let v: Value = serde_json::from_str(form.polygon.trim()).map_err(|_| bad())?;
            let ring = if v["type"] == "Polygon" { v["coordinates"][0].clone() } else { v };
            let mut points: Vec<[f64; 2]> = ring
                .as_array()
                .ok_or_else(bad)?
                .iter()
                .map(|p| Some([p[0].as_f64()?, p[1].as_f64()?]))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(bad)?;
            if points.len() > 1 && points.first() == points.last() {
                points.pop();
            }
            if points.len() < 3 || points.len() > MAX_VERTICES {
                return Err(bad());
            }
            if points.iter().any(|p| !(-180.0..=180.0).contains(&p[0]) || !(-90.0..=90.0).contains(&p[1])) {
                return Err(problem(
                    "polygon",
                    "Zona desenată",
                    "colțurile trebuie să fie coordonate [longitudine, latitudine]",
                ));
            }
            points.push(points[0]);
            Ok(json!({"polygon": points}))
        }
        _ => Err(problem("area", "Zona", "alegeți cartiere, un punct cu rază sau o zonă desenată pe hartă")),
    }
}

pub fn parse_topics(form: &[String]) -> Result<String, FieldError> {
    let chosen: Vec<&str> = TOPICS.iter().map(|(id, _)| *id).filter(|id| form.iter().any(|t| t == id)).collect();
    if let Some(bad) = form.iter().find(|t| !TOPICS.iter().any(|(id, _)| id == t)) {
        return Err(problem("topic", "Subiectele", format!("„{bad}” nu este un subiect din listă")));
    }
    if chosen.is_empty() {
        return Err(problem("topic", "Subiectele", "alegeți cel puțin un subiect"));
    }
    Ok(chosen.join(","))
}

pub fn parse_frequency(f: &str) -> Result<String, FieldError> {
    FREQUENCIES
        .iter()
        .find(|(id, _)| *id == f.trim())
        .map(|(id, _)| id.to_string())
        .ok_or_else(|| problem("frequency", "Frecvența", "alegeți imediat, zilnic sau săptămânal"))
}
