//! The service catalogue, news and plain pages (domain.md C10; GovernmentService).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::envelope::Envelope;
use super::values::{Contact, DateTime, ItemRef};

/// A service the city offers; where another system handles the request, the page links out.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("additionalProperties" = false))]
pub struct Service {
    #[serde(flatten)]
    pub envelope: Envelope,
    /// The department that provides it.
    pub department: String,
    #[schemars(length(min = 1))]
    pub audience: Vec<Audience>,
    /// Where the request is made online, when another system handles it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(url, regex(pattern = r"^https?://"))]
    pub online_url: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents_required: Vec<String>,
    /// The fee, in words ("gratuit", "50 lei").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<String>,
    /// How long it takes ("30 de zile").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub processing_time: Option<String>,
    #[serde(default)]
    pub channels: Contact,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal_basis: Vec<String>,
    /// The id of the civic form that takes the request on this site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<ItemRef>,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Cetateni,
    Firme,
}

/// A news article or announcement.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("additionalProperties" = false))]
pub struct News {
    #[serde(flatten)]
    pub envelope: Envelope,
    /// The department or person who wrote it.
    pub author: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hero_image: Option<Image>,
    /// A temporary notice leaves the home page after this moment (its page and feed entry stay).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<DateTime>,
}

/// An image with the text alternative a screen reader reads.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Image {
    pub path: String,
    /// What the image shows, for people who cannot see it. Required.
    #[schemars(length(min = 3))]
    pub alt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit: Option<String>,
}

/// A plain page (ex officio information, accessibility statement, a MOL document …).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("additionalProperties" = false))]
pub struct Page {
    #[serde(flatten)]
    pub envelope: Envelope,
    /// The Monitorul Oficial Local sub-section the page belongs to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mol_section: Option<MolSection>,
    /// Shown in the footer's navigation, in this order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub footer_order: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
}

/// The six sub-sections of the Monitorul Oficial Local (Administrative Code, annex 1).
/// Decisions and dispositions are filled from their own types; the rest from pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MolSection {
    Statut,
    Regulamente,
    Hotarari,
    Dispozitii,
    Financiare,
    AlteDocumente,
}
