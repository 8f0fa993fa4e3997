//! `/data/forms.json`: every form's definition as the API reads it (what it asks, who answers,
//! by when), and the enums the content contract and the API share.

use civic_workdays::{Calendar, Deadline};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// `/data/forms.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FormsFile {
    /// Always `form`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Put before every registration number, e.g. `TM`; none only on a site without forms.
    pub registration_prefix: Option<String>,
    pub count: usize,
    pub forms: Vec<Form>,
}

/// One form as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Form {
    pub id: String,
    pub title: String,
    pub summary: Option<String>,
    /// The form's page on the site.
    pub url: String,
    /// Where the page's form posts.
    pub action: String,
    pub kind: FormKind,
    pub assurance: Assurance,
    pub legal_basis: Vec<LegalBasis>,
    pub department: Department,
    /// None: the law sets no individual answer term (comments on drafts).
    pub deadline: Option<DeadlineRule>,
    /// None: no files are accepted.
    pub attachments: Option<AttachmentRules>,
    pub fields: Vec<Field>,
    pub privacy_notice_html: String,
    /// The JSON Schema of a submission's text fields.
    pub schema: String,
}

// What a submission is in law; decides how the case is handled. (Plain comments on the enums
// the content contract shares: a doc comment would enter its published JSON Schema.)
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FormKind {
    // A petition under OG 27/2002: a request, complaint, report or proposal.
    Petition,
    // A request for public information under Law 544/2001.
    InformationRequest,
    // A report of a problem in the city ("sesizare").
    Report,
    // Recommendations on a draft decision in public consultation (Law 52/2003 art. 7).
    DraftComment,
    Other,
}

/// The level of assurance of the sender's identity.
// In increasing order: forms compare a person's level with the one they require.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Assurance {
    // Anyone may send it; the e-mail address is not checked first.
    None,
    // The sender confirms an e-mail address first (an account or a link).
    EmailVerified,
    // Electronic identification at eIDAS level substantial (ROeID).
    EidSubstantial,
    // eIDAS level high: what an identity provider may assert; no form asks for it yet.
    #[cfg_attr(feature = "schema", schemars(skip))]
    EidHigh,
}

impl Assurance {
    pub fn as_str(self) -> &'static str {
        match self {
            Assurance::None => "none",
            Assurance::EmailVerified => "email_verified",
            Assurance::EidSubstantial => "eid_substantial",
            Assurance::EidHigh => "eid_high",
        }
    }

    /// The level a stored name stands for (an unknown name: none).
    pub fn parse(s: &str) -> Assurance {
        match s {
            "email_verified" => Assurance::EmailVerified,
            "eid_substantial" => Assurance::EidSubstantial,
            "eid_high" => Assurance::EidHigh,
            _ => Assurance::None,
        }
    }
}

/// An act a form is based on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LegalBasis {
    pub act: String,
    pub article: Option<String>,
    pub url: Option<String>,
}

/// Who receives the submissions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Department {
    pub name: String,
    /// Where submissions are routed.
    #[cfg_attr(feature = "schema", schemars(email))]
    pub email: String,
}

/// The legal term for the answer as published and as stored with each case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeadlineRule {
    pub days: u32,
    pub unit: DayUnit,
    #[serde(default)]
    pub extension_days: Option<u32>,
    #[serde(default)]
    pub complex_days: Option<u32>,
    #[serde(default)]
    pub basis: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayUnit {
    CalendarDays,
    WorkingDays,
}

impl DayUnit {
    /// `n` days of this unit after `start`, on the published calendar.
    pub fn count(self, calendar: &Calendar, start: Date, n: u32) -> Deadline {
        match self {
            DayUnit::CalendarDays => calendar.add_calendar_days(start, n),
            DayUnit::WorkingDays => calendar.add_working_days(start, n),
        }
    }
}

/// The files a sender may upload with a submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentRules {
    pub max_files: usize,
    pub max_bytes: usize,
    /// Accepted media types, e.g. application/pdf.
    pub types: Vec<String>,
}

/// One field of a form, in the order shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Field {
    pub name: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: FieldType,
    pub required: bool,
    /// The most characters (free-text fields).
    pub max_length: Option<u32>,
    pub min_length: Option<u32>,
    pub pattern: Option<String>,
    /// The choices of a `select` or `radio` field (for a draft comment, the drafts open today).
    pub options: Vec<Choice>,
    pub hint: Option<String>,
    pub autocomplete: Option<String>,
}

// The type of a form field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Text,
    Textarea,
    Email,
    Tel,
    Date,
    Number,
    Select,
    Radio,
    Checkbox,
    // An address, with optional latitude and longitude (`<name>_lat`, `<name>_lon`).
    Location,
}

impl FieldType {
    pub fn name(self) -> &'static str {
        match self {
            FieldType::Text => "text",
            FieldType::Textarea => "textarea",
            FieldType::Email => "email",
            FieldType::Tel => "tel",
            FieldType::Date => "date",
            FieldType::Number => "number",
            FieldType::Select => "select",
            FieldType::Radio => "radio",
            FieldType::Checkbox => "checkbox",
            FieldType::Location => "location",
        }
    }

    /// Free text, whose length is bounded.
    pub fn is_text(self) -> bool {
        matches!(self, FieldType::Text | FieldType::Textarea | FieldType::Email | FieldType::Tel | FieldType::Location)
    }

    /// Types whose HTML input takes a `pattern`.
    pub fn takes_pattern(self) -> bool {
        matches!(self, FieldType::Text | FieldType::Email | FieldType::Tel)
    }

    pub fn has_options(self) -> bool {
        matches!(self, FieldType::Select | FieldType::Radio)
    }
}

/// One choice of a `select` or `radio` field: what is sent, what the sender reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Choice {
    pub value: String,
    pub label: String,
}
