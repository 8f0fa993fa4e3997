//! `/data/petition_rules.json`: how online petitions work in this city (from `civic.yaml`).

use serde::{Deserialize, Serialize};

/// How online petitions work in this city.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PetitionRules {
    /// Supporters a new petition needs (through its private link) before moderation.
    #[cfg_attr(feature = "schema", schemars(range(min = 0, max = 100)))]
    pub sponsors: u32,
    /// How long a published petition stays open for signatures, in months.
    #[cfg_attr(feature = "schema", schemars(range(min = 1, max = 24)))]
    pub duration_months: u32,
    /// What crossing a number of confirmed signatures obliges the city to do.
    pub thresholds: Vec<Threshold>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "PetitionThreshold"))]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    #[cfg_attr(feature = "schema", schemars(range(min = 1)))]
    pub signatures: u32,
    /// `answer`: the city answers in writing; `debate`: the council debates it in a session.
    pub action: ThresholdAction,
    /// Days the city has to act (calendar days, as for petitions under OG 27/2002).
    #[cfg_attr(feature = "schema", schemars(range(min = 1, max = 365)))]
    pub days: u32,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ThresholdAction {
    Answer,
    Debate,
}

impl ThresholdAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ThresholdAction::Answer => "answer",
            ThresholdAction::Debate => "debate",
        }
    }
}

impl Default for PetitionRules {
    fn default() -> Self {
        PetitionRules {
            sponsors: 5,
            duration_months: 6,
            thresholds: vec![
                Threshold { signatures: 1000, action: ThresholdAction::Answer, days: 30 },
                Threshold { signatures: 5000, action: ThresholdAction::Debate, days: 60 },
            ],
        }
    }
}
