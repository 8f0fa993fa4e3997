//! Job contests for posts in the city hall (domain.md C5).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::envelope::Envelope;
use super::values::{Contact, Date, DateTime, Money};

/// A job contest, from announcement to final results.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("additionalProperties" = false))]
pub struct JobContest {
    #[serde(flatten)]
    pub envelope: Envelope,
    pub post: Post,
    #[schemars(range(min = 1))]
    pub positions: u32,
    /// The post's id at the civil-service agency (ANFP), for civil servants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anfp_post_id: Option<String>,
    pub legal_basis: String,
    /// General conditions, in Markdown (or a reference to the legal article).
    pub general_conditions: String,
    pub specific_conditions: SpecificConditions,
    #[schemars(length(min = 1))]
    pub bibliography: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<String>,
    #[schemars(length(min = 1))]
    pub dossier_documents: Vec<String>,
    pub calendar: ContestCalendar,
    pub contact: Contact,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salary: Option<Money>,
    /// Results per stage, candidates named only by their registration numbers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub results: Vec<StageResult>,
    /// Changes, suspensions and other notices, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<Notice>,
    pub status: ContestStatus,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Post {
    pub title: String,
    pub department: String,
    pub kind: PostKind,
    pub level: PostLevel,
    /// Class, grade and step ("clasa I, grad profesional asistent").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    pub duration: PostDuration,
    /// Hours per week when not full time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<u32>,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PostKind {
    FunctiePublica,
    Contractuala,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PostLevel {
    Executie,
    Conducere,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PostDuration {
    Nedeterminata,
    Determinata,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecificConditions {
    pub education: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seniority_years: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other: Vec<String>,
}

/// The contest's calendar; every stage is also published as an iCalendar event.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContestCalendar {
    pub announced_on: Date,
    pub dossiers_from: Date,
    /// Last day to submit a dossier.
    pub dossiers_to: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selection_results_by: Option<Date>,
    pub written_test: Appointment,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interview: Option<Appointment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_results_by: Option<Date>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Appointment {
    pub at: DateTime,
    pub place: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StageResult {
    /// selectia_dosarelor, proba_scrisa, interviu, final, contestatii.
    pub stage: String,
    pub published_at: Date,
    /// Registration numbers of the candidates admitted at this stage.
    #[serde(default)]
    pub admitted: Vec<String>,
    #[serde(default)]
    pub rejected: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    pub at: Date,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContestStatus {
    Anuntat,
    Inscrieri,
    Selectie,
    ProbaScrisa,
    Interviu,
    Finalizat,
    Anulat,
    Suspendat,
}
