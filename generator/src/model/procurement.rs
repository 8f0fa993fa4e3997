//! Public procurement: tenders run in SICAP (published as OCDS) and direct purchases (domain.md C4).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::envelope::Envelope;
use super::values::{Date, DateTime, Money, Organisation};

/// A tender, backed by its SICAP notice; published as an OCDS 1.1 release.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("additionalProperties" = false))]
pub struct Tender {
    #[serde(flatten)]
    pub envelope: Envelope,
    /// Open Contracting id: the configured prefix, then the city's own reference.
    #[schemars(regex(pattern = r"^ocds-[a-z0-9]{6}-.+$"))]
    pub ocid: String,
    pub sicap: SicapNotice,
    pub procedure: Procedure,
    pub procurement_category: ProcurementCategory,
    #[schemars(length(min = 1))]
    pub cpv: Vec<Cpv>,
    pub estimated_value: Money,
    pub tender_period: Period,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub award_criteria: Option<AwardCriteria>,
    pub status: TenderStatus,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub awards: Vec<Award>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contracts: Vec<Contract>,
    /// Budget line or programme ("buget local", "PNRR" …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding: Option<String>,
}

/// The notice in SICAP (the national e-procurement system).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SicapNotice {
    /// CN (contract notice), SCN, PIN, CAN (award notice), ADV.
    pub notice_type: NoticeType,
    pub notice_no: String,
    #[schemars(url, regex(pattern = r"^https?://"))]
    pub url: String,
}

// SICAP's notice codes, written in content as SICAP writes them (serde uses the names).
#[allow(clippy::upper_case_acronyms)]
#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
pub enum NoticeType {
    CN,
    SCN,
    PIN,
    CAN,
    ADV,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Procedure {
    /// OCDS method: open, selective, limited or direct.
    pub method: ProcurementMethod,
    /// Romanian name ("licitație deschisă").
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_article: Option<String>,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProcurementMethod {
    Open,
    Selective,
    Limited,
    Direct,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProcurementCategory {
    Goods,
    Works,
    Services,
}

/// A CPV code with its label.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cpv {
    #[schemars(regex(pattern = r"^[0-9]{8}-[0-9]$"))]
    pub code: String,
    pub label: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub start: DateTime,
    pub end: DateTime,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum AwardCriteria {
    PriceOnly,
    CostOnly,
    QualityOnly,
    RatedCriteria,
}

/// OCDS tender status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TenderStatus {
    Planning,
    Active,
    Cancelled,
    Unsuccessful,
    Complete,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Award {
    pub id: String,
    pub date: Date,
    pub status: AwardStatus,
    pub value: Money,
    #[schemars(length(min = 1))]
    pub suppliers: Vec<Organisation>,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AwardStatus {
    Pending,
    Active,
    Cancelled,
    Unsuccessful,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    pub id: String,
    /// The id of the award this contract comes from.
    pub award_id: String,
    pub date_signed: Date,
    pub value: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<DatePeriod>,
}

#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DatePeriod {
    pub start: Date,
    pub end: Date,
}

/// A direct purchase (Law 98/2016 art. 7(5)), checked against the configured thresholds.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("additionalProperties" = false))]
pub struct DirectPurchase {
    #[serde(flatten)]
    pub envelope: Envelope,
    pub purchased_on: Date,
    pub procurement_category: ProcurementCategory,
    pub cpv: Cpv,
    pub value: Money,
    pub supplier: Organisation,
    /// The SICAP catalogue reference (e.g. "DA12345678").
    pub sicap_ref: String,
}
