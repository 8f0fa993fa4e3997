//! The common envelope every content item carries, whatever its type.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::values::{Date, DateTime, ItemRef};

/// Fields shared by every item (design §3). Type-specific fields sit beside them in the same file.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
pub struct Envelope {
    /// Stable identifier, never reused: lower-case letters, digits and dashes (`hcl-2025-123`).
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9-]*$"))]
    pub id: String,
    /// The content type; optional, but when given it must match the folder the file is in.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
    /// The title as a citizen reads it, in Romanian with ș and ț (comma below).
    #[schemars(length(min = 3))]
    pub title: String,
    /// Path segment(s) of the page URL (`2025/123-regulament-parcare`); defaults to the id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)*$"))]
    pub slug: Option<String>,
    /// BCP 47 language tag; defaults to `ro`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// When the item becomes public. An item dated in the future stays out of the site until then.
    pub published_at: DateTime,
    /// Last substantive change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<DateTime>,
    /// A one- or two-sentence summary shown in lists and feeds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 400))]
    pub summary: Option<String>,
    /// The internal system the item was exported from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// A category used by list filters ("Mobilitate", "Buget" …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Files published with the item (PDF annexes, minutes …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    /// Links to other items; the reverse link is shown on the other item automatically.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    /// A GeoJSON geometry (RFC 7946, WGS84) for anything with a place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geometry: Option<super::places::Geometry>,
    /// The item's lifecycle, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub status_history: Vec<StatusChange>,
}

/// Where an item was exported from.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// The exporting system ("e-HCL").
    pub system: String,
    /// Its own reference for the item.
    #[serde(rename = "ref")]
    pub reference: String,
}

/// A file published with an item. `path` is relative to the content folder.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// Relative to `content/`, e.g. `files/hcl-2025-123-anexa-1.pdf`.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_./-]+$"))]
    pub path: String,
    pub title: String,
    /// IANA media type; defaults from the file extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    /// SHA-256 of the file, hex; when given it must match the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[0-9a-f]{64}$"))]
    pub sha256: Option<String>,
    /// What the document is in the procedure (referat_de_aprobare, anexa, proces_verbal …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// True when personal data was removed from the published copy.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub redacted: bool,
}

/// A typed link to another item.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Related {
    pub rel: Rel,
    /// The id of the other item.
    pub id: ItemRef,
}

/// Kinds of link between items. Each is shown on both items, in its own words.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rel {
    // This item changes parts of the other.
    Amends,
    // This item repeals the other.
    Repeals,
    // This item revokes the other.
    Revokes,
    // This item suspends the other.
    Suspends,
    // This item puts the other into practice.
    Implements,
    // This item replaces the other.
    Replaces,
    // This item was adopted from the other (a decision from its draft).
    AdoptedFrom,
    // This item is about the other.
    About,
    // This item takes place at the other.
    LocatedAt,
    // Worth reading together.
    SeeAlso,
}

/// One step in an item's lifecycle.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    pub status: String,
    pub at: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}
