//! `/data/<type>.json`: the list of every published item of a type, and the fields of an item
//! the API reads.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A published list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct List<T> {
    /// The content type, e.g. `council_decision`.
    #[serde(rename = "type")]
    pub kind: String,
    pub count: usize,
    pub items: Vec<T>,
}

/// Any listed item: its id, title and page, and the rest of the record as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Listed {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

impl Listed {
    /// A field of the record (`null` when it has none).
    pub fn field(&self, name: &str) -> &Value {
        self.rest.get(name).unwrap_or(&Value::Null)
    }
}

/// A draft decision of `/data/draft_decision.json`: the fields comments on drafts need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftDecision {
    pub id: String,
    pub title: String,
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_number: Option<String>,
    pub consultation: Consultation,
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

/// A draft's public consultation (Law 52/2003): when it was announced, until when comments come.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Consultation {
    /// YYYY-MM-DD.
    pub announced_on: String,
    pub comments_deadline: String,
    #[serde(flatten)]
    pub rest: Map<String, Value>,
}

impl Consultation {
    /// The day comments open.
    pub fn opens_on(&self) -> Option<Date> {
        self.announced_on.parse().ok()
    }

    /// The last day for comments.
    pub fn closes_on(&self) -> Option<Date> {
        self.comments_deadline.parse().ok()
    }
}

/// A published moment or date as a day in Romania's time zone.
pub fn day_of(s: &str) -> Option<Date> {
    s.parse::<jiff::Timestamp>()
        .map(|t| t.to_zoned_datetime(civic_workdays::bucharest()).date())
        .ok()
        .or_else(|| s.get(..10)?.parse().ok())
}

/// `/data/lists.json`: every list page of the site a person can follow by e-mail ("a saved
/// filter"): a type's whole list, or one value of one of its filters, with the ids on it. The
/// alerts match a change to a followed list by these ids, so the API needs no knowledge of how
/// the generator files items into lists.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ListPagesFile {
    pub lists: Vec<ListPage>,
}

/// One list page: its address (its first page), its type, the filter it shows and the ids of
/// the items on it (absent for a type's whole list: every item of the type).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListPage {
    pub url: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<ListFilter>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<Vec<String>>,
}

/// A filter of a list page: its label group (`labels.yaml`) and value, e.g. `status`/`in_vigoare`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListFilter {
    pub group: String,
    pub value: String,
}

impl ListPage {
    /// Whether the item `id` of type `kind` is on this list.
    pub fn holds(&self, kind: &str, id: &str) -> bool {
        self.kind == kind && self.items.as_ref().is_none_or(|ids| ids.iter().any(|i| i == id))
    }
}
