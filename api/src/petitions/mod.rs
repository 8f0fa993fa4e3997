//! Online petitions: a citizen with a verified address writes one, five supporters back it by a
//! private link, staff moderate it, people sign it (confirmed by e-mail, with a button), counts are
//! aggregated in batches, thresholds start legal clocks, and the city's answer is published on it.

pub mod counts;
pub(crate) mod creation;
pub(crate) mod moderation;
pub(crate) mod open_data;
pub(crate) mod pages;
mod public_view;
pub(crate) mod signing;
pub(crate) mod sponsors;
pub mod status;
pub mod store;

use axum::Router;
use axum::routing::get;
use rusqlite::Connection;
use serde::Serialize;

use crate::accounts::session::User;
use crate::accounts::store as accounts;
use crate::app::App;
use crate::error::{ApiError, ApiResult};
pub use counts::Counts;
use status::PetitionStatus;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/api/petitii", get(pages::list).post(creation::create))
        .route("/api/petitii/noua", get(creation::new_page))
        .route("/api/petitii/{id}", get(pages::show))
        .route("/api/petitii/{id}/sustine", get(sponsors::sponsor_page).post(sponsors::sponsor))
        .route("/api/petitions.json", get(open_data::open_data_list))
        .route("/api/petitions/{file}", get(open_data::open_data_one))
        .merge(signing::routes())
        .merge(moderation::routes())
}

/// A petition as it is stored; its author and staff see all of it but the supporters' key, the
/// public its [`public_view::PublicPetition`].
#[derive(Debug, Clone, Serialize)]
pub struct Petition {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub action: String,
    pub creator_id: Option<i64>,
    pub creator_name: String,
    pub status: PetitionStatus,
    #[serde(skip)]
    pub sponsor_key: String,
    pub rejection_reason: Option<String>,
    pub text_hidden: bool,
    pub duplicate_of: Option<i64>,
    pub created_at: String,
    pub published_at: Option<String>,
    pub closes_on: Option<String>,
    pub response: Option<String>,
    pub response_at: Option<String>,
    pub debate: Option<String>,
    pub debate_at: Option<String>,
}

impl Petition {
    /// Whether the public may see it (staff and its author always may).
    fn visible_to(&self, user: Option<&User>) -> bool {
        self.status.is_public() || user.is_some_and(|u| u.is_staff() || Some(u.id) == self.creator_id)
    }

    /// The address its author is written to at, if they have one.
    fn author_email(&self, c: &Connection) -> rusqlite::Result<Option<String>> {
        match self.creator_id {
            Some(account) => accounts::email_of(c, account),
            None => Ok(None),
        }
    }
}

async fn find_visible(app: &App, id: i64, user: Option<&User>) -> ApiResult<Petition> {
    let p = app.db.read(move |c| store::load(c, id).map_err(ApiError::from)).await?;
    p.filter(|p| p.visible_to(user)).ok_or_else(|| ApiError::not_found("Petiția nu există sau nu este încă publicată."))
}
