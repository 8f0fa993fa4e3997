//! The places the alerts match against: `/data/street.json` (whole), and the fields of
//! `/data/district.json` and `/data/public_work.json` the API reads.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::Listed;

/// `/data/street.json`: every street the site has a page for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreetsFile {
    /// Always `street`.
    #[serde(rename = "type")]
    pub kind: String,
    pub count: usize,
    pub items: Vec<Street>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Street {
    pub name: String,
    /// The street's segment in URLs.
    pub slug: String,
    pub url: String,
    /// The districts (ids) the street runs through.
    pub districts: Vec<String>,
    /// The recurring services' zones that serve it.
    pub zones: Vec<StreetZone>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreetZone {
    /// The recurring service's id.
    pub service: String,
    /// The zone's id within the service.
    pub zone: String,
}

/// A district of `/data/district.json`: the fields the API reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct District {
    pub id: String,
    pub title: String,
    /// Its outline (GeoJSON), when the content gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geometry: Option<Value>,
    /// The rest of the record, as the content contract describes it.
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// A work of `/data/public_work.json`: the work as listed, plus the districts it touches and
/// its last change, which the generator works out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicWork {
    /// The work as listed (kind, period, status, geometry, restriction, streets, …).
    #[serde(flatten)]
    pub item: Listed,
    /// When it last changed (RFC 3339).
    pub updated_at: String,
    /// The districts (ids) the work touches, by its geometry or its streets.
    #[serde(default)]
    pub districts: Vec<String>,
}
