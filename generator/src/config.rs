//! The site configuration (`content/civic.yaml`): everything city-specific lives here or in
//! content, never in code, so a second city is a new content folder.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use civic_contract::PetitionRules;

use crate::model::values::{Contact, Date};

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The institution, as named on every page.
    pub city: City,
    /// The public address of the site, e.g. https://www.primariatm.ro (overridden by `--base-url`).
    #[schemars(url, regex(pattern = r"^https?://"))]
    pub base_url: String,
    /// The site's language (BCP 47); the theme's labels are in this language.
    #[serde(default = "default_lang")]
    pub lang: String,
    /// "Today" for the build, when neither `--now` nor SOURCE_DATE_EPOCH is given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub now: Option<Date>,
    /// Items per list page.
    #[serde(default = "default_page_size")]
    #[schemars(range(min = 5, max = 500))]
    pub page_size: usize,
    /// The public-holiday calendar file, relative to the content folder.
    #[serde(default = "default_holidays")]
    pub holidays: String,
    pub contact: Contact,
    /// Open Contracting publication details for the tenders' OCDS release package.
    pub ocds: Ocds,
    /// Direct purchase limits (Law 98/2016 art. 7(5)), in lei without VAT.
    pub direct_purchase_limits: DirectPurchaseLimits,
    /// Links to systems the city already runs (payments, e-registry …), shown in the header.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_links: Vec<Link>,
    /// Brand colours; the theme checks none of them, so pick AA-contrast ones.
    #[serde(default)]
    pub colors: Colors,
    /// The prefix of the registration numbers the API gives submissions (`TM` → `TM-2026-000123`);
    /// required when there are forms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Z0-9]{1,10}$"))]
    pub registration_prefix: Option<String>,
    /// Where the API answers, e.g. `https://api.primariatm.ro`; empty (the default) when it is on
    /// the same origin as the site. Forms post to `<api_url>/api/forms/<id>`.
    #[serde(default)]
    #[schemars(regex(pattern = r"^(https?://[^/\s]+(/[^\s]*)?)?$"))]
    pub api_url: String,
    /// The map page and the city's geography: tiles, bounding box, street list, offices.
    #[serde(default)]
    pub map: MapConfig,
    /// The rules of online petitions (the API applies them; published as `/data/petition_rules.json`).
    #[serde(default)]
    pub petitions: PetitionRules,
    /// A sample site's dynamic half (petitions, cases, an alert), a YAML file in the content
    /// folder that `civic serve` loads into an empty database so a demonstration shows them. Only
    /// a sample site has it; a city's own configuration leaves it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_data: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct City {
    /// "Timișoara"
    pub name: String,
    /// "Primăria Municipiului Timișoara"
    pub institution: String,
    /// "Consiliul Local al Municipiului Timișoara"
    pub council: String,
    /// "Primarul Municipiului Timișoara"
    pub mayor_office: String,
    /// ELI prefix of the city's acts, e.g. `/eli/ro/tm`.
    #[schemars(regex(pattern = r"^/eli/[a-z]{2}/[a-z0-9-]+$"))]
    pub eli_prefix: String,
    /// Fiscal code of the institution.
    pub fiscal_code: String,
    /// Path of the logo (SVG) relative to the content folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ocds {
    /// The OCID prefix registered with the Open Contracting Partnership, e.g. `ocds-abc123`.
    #[schemars(regex(pattern = r"^ocds-[a-z0-9]{6}$"))]
    pub ocid_prefix: String,
    #[schemars(url, regex(pattern = r"^https?://"))]
    pub license: String,
    #[schemars(url, regex(pattern = r"^https?://"))]
    pub publication_policy: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DirectPurchaseLimits {
    pub goods_services: f64,
    pub works: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub title: String,
    #[schemars(url, regex(pattern = r"^https?://"))]
    pub url: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Colors {
    #[schemars(regex(pattern = r"^#[0-9a-fA-F]{6}$"))]
    pub primary: String,
    #[schemars(regex(pattern = r"^#[0-9a-fA-F]{6}$"))]
    pub accent: String,
}

impl Default for Colors {
    fn default() -> Self {
        Colors { primary: "#0b4f8a".into(), accent: "#b3261e".into() }
    }
}

fn default_lang() -> String {
    "ro".into()
}
fn default_page_size() -> usize {
    50
}
fn default_holidays() -> String {
    "holidays.yaml".into()
}

impl SiteConfig {
    pub fn schema() -> serde_json::Value {
        let mut s =
            schemars::generate::SchemaSettings::draft2020_12().into_generator().into_root_schema_for::<SiteConfig>();
        s.insert("$id".into(), "civic.schema.json".into());
        crate::model::without_null(s.to_value())
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MapConfig {
    /// The tile URL template of the map page; OpenStreetMap's by default. Only the browser
    /// fetches tiles, never the build.
    #[serde(default = "default_tiles")]
    #[schemars(regex(pattern = r"^https://[^\s]*\{z\}[^\s]*$"))]
    pub tiles: String,
    /// The tiles' attribution, shown on the map.
    #[serde(default = "default_attribution")]
    pub attribution: String,
    /// The city's bounding box `[west, south, east, north]` in degrees: every geometry must lie
    /// inside it, and the map opens on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bbox: Option<[f64; 4]>,
    /// The street list (street → districts), relative to the content folder.
    #[serde(default = "default_streets")]
    pub streets: String,
    /// The city's offices, shown on the map's offices layer and on their district's page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub offices: Vec<Office>,
}

impl Default for MapConfig {
    fn default() -> Self {
        MapConfig {
            tiles: default_tiles(),
            attribution: default_attribution(),
            bbox: None,
            streets: default_streets(),
            offices: Vec::new(),
        }
    }
}

/// An office where citizens are received.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Office {
    pub name: String,
    pub address: String,
    /// `[longitude, latitude]`.
    pub point: [f64; 2],
    /// Opening hours as a citizen reads them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(url, regex(pattern = r"^https?://"))]
    pub url: Option<String>,
}

fn default_tiles() -> String {
    "https://tile.openstreetmap.org/{z}/{x}/{y}.png".into()
}
fn default_attribution() -> String {
    "© contribuitorii OpenStreetMap".into()
}
fn default_streets() -> String {
    "streets.yaml".into()
}
