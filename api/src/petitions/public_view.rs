//! What anyone may read of a petition: never the author's account or the supporters' key, and
//! no text when staff hid it for breaking the rules. A struct with only the public fields, so
//! a new column stays private until it is added here.

use serde::Serialize;

use super::Petition;
use super::status::PetitionStatus;

/// The public fields of a petition, in the order the full one has them.
#[derive(Serialize)]
pub struct PublicPetition<'a> {
    pub id: i64,
    pub title: &'a str,
    /// `null` when hidden; left out of the open-data list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<Option<&'a str>>,
    /// `null` when hidden.
    pub action: Option<&'a str>,
    /// The author's name, on the site's pages (not in open data).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creator_name: Option<&'a str>,
    pub status: PetitionStatus,
    pub rejection_reason: Option<&'a str>,
    pub text_hidden: bool,
    pub duplicate_of: Option<i64>,
    pub created_at: &'a str,
    pub published_at: Option<&'a str>,
    pub closes_on: Option<&'a str>,
    pub response: Option<&'a str>,
    pub response_at: Option<&'a str>,
    pub debate: Option<&'a str>,
    pub debate_at: Option<&'a str>,
}

impl<'a> PublicPetition<'a> {
    /// As the site's pages show it to the public: with the author's name.
    pub fn page(p: &'a Petition) -> Self {
        let shown = |text: &'a str| (!p.text_hidden).then_some(text);
        PublicPetition {
            id: p.id,
            title: &p.title,
            body: Some(shown(&p.body)),
            action: shown(&p.action),
            creator_name: Some(&p.creator_name),
            status: p.status,
            rejection_reason: p.rejection_reason.as_deref(),
            text_hidden: p.text_hidden,
            duplicate_of: p.duplicate_of,
            created_at: &p.created_at,
            published_at: p.published_at.as_deref(),
            closes_on: p.closes_on.as_deref(),
            response: p.response.as_deref(),
            response_at: p.response_at.as_deref(),
            debate: p.debate.as_deref(),
            debate_at: p.debate_at.as_deref(),
        }
    }

    /// As open data has it: no names.
    pub fn open_data(p: &'a Petition) -> Self {
        PublicPetition { creator_name: None, ..PublicPetition::page(p) }
    }

    /// As the open-data list has it: no names, no text.
    pub fn open_data_summary(p: &'a Petition) -> Self {
        PublicPetition { body: None, ..PublicPetition::open_data(p) }
    }
}
