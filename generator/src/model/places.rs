//! Where and when things happen in the city (domain.md C6, C7): public works and traffic
//! restrictions, recurring services such as waste collection, and the districts they fall in.
//! The street list (street → districts) is a data file beside them (`streets.yaml`).

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize};

use super::envelope::Envelope;
use super::values::{Contact, Date, DateTime, Organisation};

/// A GeoJSON geometry (RFC 7946): WGS 84 `[longitude, latitude]` positions. Polygon rings are
/// rewound on reading (outer rings counter-clockwise, holes clockwise), so every output is
/// RFC 7946 whatever the exporting system's winding.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(transparent)]
pub struct Geometry(pub serde_json::Value);

impl<'de> Deserialize<'de> for Geometry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut v = serde_json::Value::deserialize(d)?;
        crate::geo::rewind(&mut v);
        Ok(Geometry(v))
    }
}

impl JsonSchema for Geometry {
    fn schema_name() -> Cow<'static, str> {
        "Geometry".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        geometry_schema()
    }
}

/// The schema of a GeoJSON geometry: its type and an array of coordinates. The nesting of the
/// coordinates, ring closure, ranges and the city's bounding box are checked afterwards
/// (`geo::problems`), each with its own message and line.
pub fn geometry_schema() -> Schema {
    json_schema!({
        "description": "A GeoJSON geometry (RFC 7946): [longitude, latitude] in WGS 84 decimal degrees.",
        "type": "object",
        "properties": {
            "type": {"enum": ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"]},
            "coordinates": {"type": "array"},
            "bbox": {"type": "array", "items": {"type": "number"}},
        },
        "required": ["type", "coordinates"],
        "additionalProperties": false,
        "examples": [{"type": "LineString", "coordinates": [[21.2257, 45.7537], [21.2301, 45.7551]]}]
    })
}

/// A planned work, a breakdown, an event or a traffic restriction: where, when, what it closes.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("additionalProperties" = false))]
pub struct PublicWork {
    #[serde(flatten)]
    pub envelope: Envelope,
    pub kind: WorkKind,
    /// The streets affected, each named as in the street list; the text alternative of the map.
    #[schemars(length(min = 1))]
    pub streets: Vec<WorkStreet>,
    pub restriction: Restriction,
    /// Lanes closed to traffic, when some are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lanes_closed: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detour: Option<Detour>,
    /// Public-transport lines that change while the work lasts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transit_impact: Vec<TransitImpact>,
    pub period: Period,
    /// When the work happens within its period, if not all the time (nights only, weekends).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<WorkSchedule>,
    pub status: WorkStatus,
    pub severity: Severity,
    /// Who does the work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub executor: Option<Organisation>,
    /// Who the work is for (the city, a utility).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beneficiary: Option<Organisation>,
    /// Building permits, traffic approvals and other authorisations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authorizations: Vec<Authorization>,
    /// Whom to call about it (a dispatcher, the site manager).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WorkKind {
    LucrarePlanificata,
    Avarie,
    Eveniment,
    RestrictieTrafic,
}

/// What the work does to traffic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Restriction {
    InchidereTotala,
    InchiderePartiala,
    SensUnic,
    RestrictieTonaj,
    ParcareInterzisa,
    FaraRestrictie,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WorkStatus {
    Planificat,
    InDesfasurare,
    Finalizat,
    Amanat,
    Anulat,
}

/// How much it disrupts; drives notifications.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Minor,
    Major,
}

/// A street a work affects, named exactly as in the street list.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkStreet {
    /// "Strada Alba Iulia"
    pub name: String,
    /// Which part: "nr. 1–40", "între Piața Victoriei și Str. Mercy".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Detour {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geometry: Option<Geometry>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitImpact {
    /// "Tramvaiul 1", "Autobuzul 33".
    pub line: String,
    /// What changes: "deviat pe Bd. Take Ionescu", "stația Catedrala suspendată".
    pub change: String,
}

/// From when to when. `end_estimated` says the end is an estimate (a breakdown's repair).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub start: DateTime,
    pub end: DateTime,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub end_estimated: bool,
}

/// When, within the period, the work happens: an RFC 5545 rule and daily hours.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkSchedule {
    /// An RFC 5545 RRULE without DTSTART or UNTIL (the period gives both): `FREQ=DAILY`,
    /// `FREQ=WEEKLY;BYDAY=SA,SU`.
    #[schemars(regex(pattern = r"^FREQ=[A-Z]+(;[A-Z]+=[A-Z0-9,+-]+)*$"))]
    pub rrule: String,
    /// Local start time each day, `22:00`.
    #[schemars(regex(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"))]
    pub from: String,
    /// Local end time, `05:00` (the next morning when earlier than `from`).
    #[schemars(regex(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"))]
    pub to: String,
    /// As a citizen reads it: "nopțile, între 22:00 și 05:00".
    pub text: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Authorization {
    /// "autorizație de construire", "aviz", "acord de circulație".
    #[serde(rename = "type")]
    pub kind: String,
    pub number: String,
    pub date: Date,
}

/// A neighbourhood of the city, as a polygon; works, streets and collection zones fall in it.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("additionalProperties" = false))]
pub struct District {
    #[serde(flatten)]
    pub envelope: Envelope,
    /// True when the polygon is drawn approximately (not the official boundary).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub approximate: bool,
}

/// A service that comes back on a schedule, zone by zone (waste collection, street cleaning).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("additionalProperties" = false))]
pub struct RecurringService {
    #[serde(flatten)]
    pub envelope: Envelope,
    /// "salubrizare", "maturat stradal".
    pub service_type: String,
    pub operator: Organisation,
    /// The authority responsible ("Primăria Municipiului Timișoara").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competent_authority: Option<String>,
    /// The decision or contract it runs under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<String>,
    pub valid_from: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<Date>,
    /// How to reach the operator: phone, e-mail, web page, customer office.
    pub channels: Contact,
    #[schemars(length(min = 1))]
    pub zones: Vec<Zone>,
}

/// One zone of a recurring service and its schedules.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Zone {
    /// Unique within the service: lower-case letters, digits, dashes.
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9-]*$"))]
    pub id: String,
    pub name: String,
    /// The zone's area (Polygon or MultiPolygon).
    pub geometry: Geometry,
    /// The districts the zone serves (ids of `district` items): their streets are the zone's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub districts: Vec<String>,
    /// Further streets served, named as in the street list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub streets: Vec<String>,
    #[schemars(length(min = 1))]
    pub schedules: Vec<ServiceSchedule>,
}

/// When a zone is served: an RFC 5545 rule from the service's `valid_from`, with exceptions.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceSchedule {
    pub fraction: Fraction,
    /// An RFC 5545 RRULE: `FREQ=WEEKLY;BYDAY=MO,TH`, `FREQ=WEEKLY;INTERVAL=2;BYDAY=WE`,
    /// `FREQ=MONTHLY;BYDAY=1SA`.
    #[schemars(regex(pattern = r"^FREQ=[A-Z]+(;[A-Z]+=[A-Z0-9,+-]+)*$"))]
    pub rrule: String,
    /// Local time window, `07:00`–`15:00`.
    #[schemars(regex(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"))]
    pub from: String,
    #[schemars(regex(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"))]
    pub to: String,
    /// Days the rule skips (holidays).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exdates: Vec<Date>,
    /// Extra days (a holiday's collection moved to the next day).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rdates: Vec<Date>,
    /// "Scoateți pubela până la ora 7."
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
}

/// The waste fraction (or the kind of pass) a schedule is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Fraction {
    Menajer,
    Reciclabil,
    Sticla,
    Biodegradabil,
    Voluminoase,
}

/// One street of the street list (`streets.yaml`).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema, Hash)]
#[serde(deny_unknown_fields)]
pub struct Street {
    /// The full name as on the street sign: "Strada Alba Iulia", "Bulevardul Revoluției din 1989".
    pub name: String,
    /// The districts it runs through (ids of `district` items), the main one first.
    #[schemars(length(min = 1))]
    pub districts: Vec<String>,
}
