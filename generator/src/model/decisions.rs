//! The council's and the mayor's acts: decisions (HCL), drafts in consultation, dispositions,
//! and the council sessions that adopt them (domain.md C1–C3, C11).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::envelope::Envelope;
use super::values::{Contact, Date, DateTime, ItemRef, Person};

/// Normative acts bind everyone; individual acts concern named persons.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum LegalCharacter {
    Normativ,
    Individual,
}

/// A council decision (Hotărâre a Consiliului Local, HCL).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("additionalProperties" = false))]
pub struct CouncilDecision {
    #[serde(flatten)]
    pub envelope: Envelope,
    /// Number in the year's sequence.
    #[schemars(range(min = 1))]
    pub number: u32,
    #[schemars(range(min = 1990, max = 2100))]
    pub year: i16,
    pub adopted_on: Date,
    /// The id of the council session that adopted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<ItemRef>,
    pub legal_character: LegalCharacter,
    /// Who proposed it ("Primarul Municipiului Timișoara").
    pub initiator: String,
    /// "În temeiul …": the articles it is based on.
    #[schemars(length(min = 1))]
    pub legal_basis: Vec<String>,
    /// "Având în vedere …": the reports and opinions considered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recitals: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vote: Option<Vote>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<Person>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub countersigned_by: Option<Person>,
    /// When it was sent to the prefect (due within 10 working days of adoption).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub communicated_prefect_on: Option<Date>,
    /// When it was published in the Monitorul Oficial Local.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_force_from: Option<Date>,
    pub status: DecisionStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefect_check: Option<PrefectCheck>,
    /// The id of the draft it was adopted from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft: Option<ItemRef>,
    /// Entry in the register of decisions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub register_no: Option<String>,
}

/// Where a decision stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionStatus {
    Adoptata,
    ComunicataPrefect,
    Publicata,
    InVigoare,
    // Suspended by operation of law after the prefect challenged it (Law 554/2004 art. 3).
    Suspendata,
    Anulata,
    Revocata,
    Modificata,
    Abrogata,
}

/// How the vote went.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Vote {
    #[serde(rename = "for")]
    pub in_favour: u32,
    pub against: u32,
    pub abstain: u32,
    #[serde(default)]
    pub absent: u32,
    pub majority: Majority,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Majority {
    Simpla,
    Absoluta,
    DouaTreimi,
}

/// The prefect's legality check.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrefectCheck {
    pub status: PrefectCheckStatus,
    pub date: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrefectCheckStatus {
    Necontestata,
    ReanalizareSolicitata,
    Atacata,
}

/// A draft decision in public consultation (Law 52/2003).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("additionalProperties" = false))]
pub struct DraftDecision {
    #[serde(flatten)]
    pub envelope: Envelope,
    /// The draft's number in the register of drafts ("PH 45/2025").
    pub draft_no: String,
    pub registered_on: Date,
    pub initiator: String,
    /// Law 52/2003 applies to normative drafts.
    pub normative: bool,
    pub consultation: Consultation,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debate: Option<Debate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comments_summary: Option<CommentsSummary>,
    /// Why the usual consultation periods were shortened, if they were.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urgency_exception: Option<String>,
    pub status: DraftStatus,
}

/// The consultation window and how to take part.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Consultation {
    pub announced_on: Date,
    /// Last day for written recommendations: at least 10 days after `announced_on`.
    pub comments_deadline: Date,
    /// The earliest day the draft may be submitted for endorsement (30 working days after the notice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earliest_submission_on: Option<Date>,
    #[serde(default)]
    pub channels: Contact,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Debate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_on: Option<Date>,
    pub at: DateTime,
    pub place: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentsSummary {
    pub received: u32,
    pub accepted: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DraftStatus {
    InConsultare,
    ConsultareIncheiata,
    DezbatereProgramata,
    PeOrdineaDeZi,
    Adoptat,
    Respins,
    Retras,
}

/// A mayor's disposition. Individual ones are published as a register line only (GDPR).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("additionalProperties" = false))]
pub struct MayorDisposition {
    #[serde(flatten)]
    pub envelope: Envelope,
    #[schemars(range(min = 1))]
    pub number: u32,
    #[schemars(range(min = 1990, max = 2100))]
    pub year: i16,
    pub issued_on: Date,
    pub legal_character: LegalCharacter,
    #[schemars(length(min = 1))]
    pub legal_basis: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub countersigned_by: Option<Person>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub communicated_prefect_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_on: Option<Date>,
    pub status: DecisionStatus,
    /// True for individual dispositions: only the register line is published, never the text.
    #[serde(default)]
    pub register_only: bool,
}

/// A council session.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("additionalProperties" = false))]
pub struct CouncilSession {
    #[serde(flatten)]
    pub envelope: Envelope,
    pub session_type: SessionType,
    pub starts_at: DateTime,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<DateTime>,
    pub location: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(url, regex(pattern = r"^https?://"))]
    pub livestream_url: Option<String>,
    /// The id of the disposition that convened it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub convened_by: Option<ItemRef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agenda: Vec<AgendaItem>,
    pub status: SessionStatus,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SessionType {
    Ordinara,
    Extraordinara,
    DeIndata,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    Convocata,
    Desfasurata,
    Amanata,
    Anulata,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgendaItem {
    pub title: String,
    /// The id of the draft discussed, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft: Option<ItemRef>,
}
