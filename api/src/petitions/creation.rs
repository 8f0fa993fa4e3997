//! Starting a petition: the form, the checks of its text, and the author's e-mail with the
//! supporters' link.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::status::PetitionStatus;
use super::store;
use crate::accounts::session::{SignedIn, Viewer};
use crate::app::{App, Input, see_other, wants_json};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::mail;
use crate::published::Assurance;

/// The form for a new petition (or what to do before one can be started).
#[utoipa::path(
    get, path = "/api/petitii/noua", tag = "petitions", operation_id = "petition_new_page",
    responses(
        (status = 200, description = "the page", body = String, content_type = "text/html")
    )
)]
pub async fn new_page(State(app): State<App>, Viewer(user): Viewer) -> ApiResult<Response> {
    let rules = app.published().petition_rules.clone();
    let ctx = json!({"user": user, "rules": rules, "can_create": user.as_ref().is_some_and(|u| u.assurance >= Assurance::EmailVerified)});
    Ok(app.page("api/petition_new.html", "Petiție nouă", "/api/petitii/noua", ctx)?.into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"title": "Pistă de biciclete pe Take Ionescu",
    "action": "Să amenajeze o pistă de biciclete separată.",
    "body": "Bulevardul este folosit zilnic de mii de bicicliști care merg pe trotuar sau printre mașini."}))]
pub struct NewPetition {
    #[serde(default)]
    #[schema(required = true, min_length = 10, max_length = 150)]
    title: String,
    /// The petition's text.
    #[serde(default)]
    #[schema(required = true, min_length = 50, max_length = 5000)]
    body: String,
    /// What the city is asked to do.
    #[serde(default)]
    #[schema(required = true, min_length = 10, max_length = 1000)]
    action: String,
}

/// Checks the length of a text field; the message names the field.
pub(crate) fn text(
    problems: &mut Vec<FieldError>,
    field: &str,
    label: &str,
    value: &str,
    min: usize,
    max: usize,
) -> String {
    let value = value.trim().to_owned();
    let n = value.chars().count();
    if n == 0 {
        problems.push(FieldError { field: field.into(), label: label.into(), message: "este obligatoriu".into() });
    } else if n < min || n > max {
        problems.push(FieldError {
            field: field.into(),
            label: label.into(),
            message: format!("trebuie să aibă între {min} și {max} de caractere (acum: {n})"),
        });
    }
    value
}

/// Starts a petition (a logged-in person with a verified address); the author gets the
/// supporters' link by e-mail.
#[utoipa::path(
    post, path = "/api/petitii", tag = "petitions", operation_id = "petition_create",
    request_body(content((NewPetition = "application/x-www-form-urlencoded"), (NewPetition = "application/json"))),
    responses(
        (status = 201, description = "created (JSON clients)", body = crate::openapi::Created),
        (status = 303, description = "created: to its page"),
        (status = 400, description = "the body cannot be read"),
        (status = 401, description = "not logged in"),
        (status = 403, description = "the account's address is not verified"),
        (status = 422, description = "a field is wrong")
    )
)]
pub async fn create(
    State(app): State<App>,
    headers: HeaderMap,
    SignedIn(user): SignedIn,
    Input(form): Input<NewPetition>,
) -> ApiResult<Response> {
    if user.assurance < Assurance::EmailVerified {
        return Err(ApiError::forbidden("Pentru a porni o petiție, confirmați întâi adresa de e-mail a contului.")
            .with_back("/api/cont"));
    }
    let mut problems = Vec::new();
    let title = text(&mut problems, "title", "Titlul", &form.title, 10, 150);
    let body = text(&mut problems, "body", "Textul petiției", &form.body, 50, 5000);
    let action = text(&mut problems, "action", "Ce cereți primăriei", &form.action, 10, 1000);
    if !problems.is_empty() {
        return Err(ApiError::unprocessable("Petiția nu a fost creată: corectați câmpurile de mai jos.", problems)
            .with_back("/api/petitii/noua"));
    }
    let published = app.published();
    let sponsors = published.petition_rules.sponsors;
    let (key, _) = crate::accounts::tokens::new_token();
    let name =
        if user.name.is_empty() { user.email.split('@').next().unwrap_or("").to_owned() } else { user.name.clone() };
    let a = app.clone();
    let now = app.clock.now();
    let id = app
        .db
        .write(move |c| {
            let status = if sponsors == 0 { PetitionStatus::Moderation } else { PetitionStatus::Collecting };
            let petition = store::NewPetition {
                title: &title,
                body: &body,
                action: &action,
                creator_id: user.id,
                creator_name: &name,
                status,
                sponsor_key: &key,
            };
            let id = store::create(c, &petition, now)?;
            let m = mail::compose(
                &a.published(),
                "petition_created",
                &user.email,
                json!({
                "title": title, "sponsors": sponsors,
                "link": format!("{}/api/petitii/{id}/sustine?cheie={key}", a.config.public_url),
                "url": format!("{}/api/petitii/{id}", a.config.public_url)}),
            )?;
            // An account made by an identity provider may have no address to write to.
            if !user.email.is_empty() {
                mail::enqueue(c, &m, &now.to_string())?;
            }
            Ok::<_, ApiError>(id)
        })
        .await?;
    app.mail_queued.notify_one();
    if wants_json(&headers) {
        return Ok(
            (StatusCode::CREATED, axum::Json(json!({"id": id, "url": format!("/api/petitii/{id}")}))).into_response()
        );
    }
    Ok(see_other(&format!("/api/petitii/{id}")))
}
