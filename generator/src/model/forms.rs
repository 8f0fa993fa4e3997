//! Forms a citizen sends to the city hall (domain.md C9): petitions (OG 27/2002), requests for
//! public information (Law 544/2001), reports, comments on drafts (Law 52/2003). The generator
//! renders each as a plain HTML form and publishes its definition (`/data/forms.json`) and a JSON
//! Schema of a submission (`/schemas/forms/<id>.schema.json`), which the API validates against.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use civic_contract::{Assurance, DayUnit, Department, FieldType, FormKind};

use super::envelope::Envelope;

/// A form definition. The Markdown body explains what the form is for.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("additionalProperties" = false))]
pub struct Form {
    #[serde(flatten)]
    pub envelope: Envelope,
    /// What the submission is in law; decides how the case is handled.
    pub kind: FormKind,
    /// The acts the form is based on, most specific first.
    #[schemars(length(min = 1))]
    pub legal_basis: Vec<LegalRef>,
    /// How sure the city must be of who the sender is.
    pub assurance: Assurance,
    /// The department that receives and answers the submissions.
    pub department: Department,
    /// When the answer is due; required for petitions, information requests and reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<ResponseDeadline>,
    /// Files the sender may upload; without it, no files are accepted. (`attachments` is the
    /// envelope's list of documents published with the form.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uploads: Option<Uploads>,
    /// The fields, in the order they are shown.
    #[schemars(length(min = 1))]
    pub fields: Vec<Field>,
    /// What happens to the sender's personal data (GDPR art. 13), in Markdown.
    #[schemars(length(min = 20))]
    pub privacy_notice: String,
}

/// An act the form is based on.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalRef {
    /// The act, e.g. "OG 27/2002".
    #[schemars(length(min = 2))]
    pub act: String,
    /// The article(s), e.g. "art. 8".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    /// Where the text of the act can be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(url, regex(pattern = r"^https?://"))]
    pub url: Option<String>,
}

/// The legal term for the answer, counted from the day the submission is registered.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseDeadline {
    #[schemars(range(min = 1, max = 365))]
    pub days: u32,
    pub unit: DayUnit,
    /// How many days the term may be extended by (OG 27/2002 art. 9: 15).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 365))]
    pub extension_days: Option<u32>,
    /// The term for complex requests (Law 544/2001 art. 7(1): 30 days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 365))]
    pub complex_days: Option<u32>,
    /// The rule in words, e.g. "art. 8 alin. (1) din OG nr. 27/2002".
    #[schemars(length(min = 3))]
    pub basis: String,
}

/// The files a sender may upload with a submission.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Uploads {
    #[schemars(range(min = 1, max = 20))]
    pub max_files: u32,
    /// The largest file, in bytes (10485760 = 10 MB).
    #[schemars(range(min = 1, max = 104_857_600))]
    pub max_bytes: u64,
    /// Accepted media types, e.g. application/pdf, image/jpeg.
    #[schemars(length(min = 1))]
    pub types: Vec<MediaType>,
}

/// An IANA media type, `type/subtype`.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct MediaType(#[schemars(regex(pattern = r"^[a-z]+/[a-z0-9][a-z0-9.+-]*$"))] pub String);

/// One field of the form.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// The name the value is sent under: lower-case ASCII letters, digits and `_`.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"), length(max = 40))]
    pub name: String,
    /// What the sender reads beside the field.
    #[schemars(length(min = 2))]
    pub label: String,
    #[serde(rename = "type")]
    pub field_type: FieldType,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    /// Fewest characters (text-like fields).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 100_000))]
    pub min_length: Option<u32>,
    /// Most characters (text-like fields); defaults by type (see `Field::max_len`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 100_000))]
    pub max_length: Option<u32>,
    /// A regular expression the whole value must match (text, tel, email fields).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub pattern: Option<String>,
    /// The choices of a `select` or `radio` field.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<FieldOption>,
    /// Help shown under the label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The HTML autocomplete token (name, email, tel, street-address …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autocomplete: Option<String>,
}

impl Field {
    /// The most characters a text-like field accepts: `max_length`, or a default by type, so
    /// that no field is unbounded. `None` for fields that are not free text.
    pub fn max_len(&self) -> Option<u32> {
        if let Some(n) = self.max_length {
            return Some(n);
        }
        match self.field_type {
            FieldType::Text => Some(200),
            FieldType::Textarea => Some(10_000),
            FieldType::Email => Some(254),
            FieldType::Tel => Some(30),
            FieldType::Location => Some(300),
            _ => None,
        }
    }
}

/// One choice of a `select` or `radio` field.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldOption {
    /// What is sent.
    #[schemars(length(min = 1, max = 100))]
    pub value: String,
    /// What the sender reads.
    pub label: String,
}

/// The name of the file input: no field may take it.
pub const UPLOAD_FIELD: &str = "attachments";
