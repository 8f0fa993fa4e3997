//! The supporters a petition needs before moderation: their page, by the author's private
//! link, and backing the petition.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::public_view::PublicPetition;
use super::status::PetitionStatus;
use super::store;
use crate::accounts::session::{SignedIn, Viewer};
use crate::app::{App, Input, see_other};
use crate::error::{ApiError, ApiResult};
use crate::mail;
use crate::published::Assurance;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KeyQuery {
    /// The supporters' key, from the author's link.
    cheie: Option<String>,
}

/// The supporters' page (by the author's private link).
#[utoipa::path(
    get, path = "/api/petitii/{id}/sustine", tag = "petitions", operation_id = "petition_sponsor_page",
    params(("id" = i64, Path, description = "the petition's number", example = 1), KeyQuery),
    responses(
        (status = 200, description = "the page", body = String, content_type = "text/html"),
        (status = 400, description = "the id is not a number"),
        (status = 404, description = "no such petition, or not its key")
    )
)]
pub async fn sponsor_page(
    State(app): State<App>,
    Path(id): Path<i64>,
    Query(q): Query<KeyQuery>,
    Viewer(user): Viewer,
) -> ApiResult<Response> {
    let p = app.db.read(move |c| store::load(c, id).map_err(ApiError::from)).await?;
    let key = q.cheie.unwrap_or_default();
    let Some(p) = p.filter(|p| !key.is_empty() && p.sponsor_key == key) else {
        return Err(ApiError::not_found("Linkul de susținere nu este valid. Cereți-l din nou autorului petiției."));
    };
    // The link only gathers supporters: once the petition moved on (moderation, published,
    // rejected with its text hidden), its page shows what the public may see.
    if p.status != PetitionStatus::Collecting {
        return Ok(see_other(&format!("/api/petitii/{id}")));
    }
    let next = format!("/api/petitii/{id}/sustine?cheie={key}");
    let ctx = json!({"petition": PublicPetition::page(&p), "key": key, "user": user, "next": next});
    Ok(app.page("api/petition_sponsor.html", "Susțineți petiția", &format!("/api/petitii/{id}"), ctx)?.into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SponsorForm {
    /// The supporters' key, from the author's link.
    #[serde(default)]
    #[schema(required = true, min_length = 1)]
    cheie: String,
}

/// Backs a petition as one of its supporters (logged in, verified address).
#[utoipa::path(
    post, path = "/api/petitii/{id}/sustine", tag = "petitions", operation_id = "petition_sponsor",
    params(("id" = i64, Path, description = "the petition's number", example = 1)),
    request_body(content((SponsorForm = "application/x-www-form-urlencoded"), (SponsorForm = "application/json"))),
    responses(
        (status = 303, description = "backed: to the petition"),
        (status = 400, description = "the id is not a number, or the body cannot be read"),
        (status = 401, description = "not logged in"),
        (status = 403, description = "the account's address is not verified"),
        (status = 404, description = "no such petition, or not its key"),
        (status = 409, description = "already backed, the author, or no more supporters needed")
    )
)]
pub async fn sponsor(
    State(app): State<App>,
    Path(id): Path<i64>,
    SignedIn(user): SignedIn,
    Input(form): Input<SponsorForm>,
) -> ApiResult<Response> {
    if user.assurance < Assurance::EmailVerified {
        return Err(ApiError::forbidden("Pentru a susține o petiție, confirmați întâi adresa de e-mail a contului."));
    }
    let needed = app.published().petition_rules.sponsors as i64;
    let a = app.clone();
    let now = app.clock.now();
    app.db
        .write(move |c| {
            let Some(p) = store::load(c, id)?.filter(|p| !form.cheie.is_empty() && p.sponsor_key == form.cheie) else {
                return Err(ApiError::not_found("Linkul de susținere nu este valid."));
            };
            if p.status != PetitionStatus::Collecting {
                return Err(ApiError::conflict("Petiția are deja susținătorii necesari; a trecut la moderare.")
                    .with_back(format!("/api/petitii/{id}")));
            }
            if p.creator_id == Some(user.id) {
                return Err(ApiError::conflict(
                    "Autorul nu își poate susține propria petiție; trimiteți linkul altor persoane.",
                ));
            }
            if !store::add_sponsor(c, id, user.id, now)? {
                return Err(ApiError::conflict("Ați susținut deja această petiție."));
            }
            if store::sponsor_count(c, id)? >= needed {
                store::to_moderation(c, id)?;
                if let Some(author) = p.author_email(c)? {
                    let m = mail::compose(&a.published(), "petition_moderation", &author, json!({"title": p.title}))?;
                    mail::enqueue(c, &m, &now.to_string())?;
                }
            }
            Ok(())
        })
        .await?;
    app.mail_queued.notify_one();
    Ok(see_other(&format!("/api/petitii/{id}")))
}
