//! "My account": the page with my submissions and identities, the export of everything stored
//! about me, and deleting the account.

use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use serde_json::{Value, json};

use super::session::{self, SignedIn, Viewer};
use super::store;
use crate::app::{App, Input, see_other, wants_json};
use crate::email;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::published::Assurance;
use crate::submissions;

/// My account: submissions, identities, export and deletion; for someone not logged in, the
/// login page (every page's header links here as "Contul meu"), which comes back here.
#[utoipa::path(
    get, path = "/api/cont", tag = "accounts", operation_id = "account_page",
    responses(
        (status = 200, description = "the page", body = String, content_type = "text/html"),
        (status = 303, description = "not logged in: to the login page, which returns here"),
        (status = 401, description = "not logged in (JSON clients)")
    )
)]
pub async fn account_page(State(app): State<App>, headers: HeaderMap, Viewer(user): Viewer) -> ApiResult<Response> {
    let Some(user) = user else {
        if wants_json(&headers) {
            return Err(ApiError::unauthorized("Pentru această pagină trebuie să vă autentificați."));
        }
        return Ok(see_other("/api/cont/autentificare?next=/api/cont"));
    };
    let id = user.id;
    let held = held_address(&user);
    let published = app.published();
    let (submissions, identities, petitions, alerts) = app
        .db
        .read(move |c| {
            let (petitions, alerts) = of_person(c, id, held.as_ref(), &published)?;
            Ok::<_, ApiError>((
                submissions::store::of_account(c, id)?,
                store::identities(c, id, "received")?,
                petitions,
                alerts,
            ))
        })
        .await?;
    let identities: Vec<Value> = identities
        .into_iter()
        .map(|mut i| {
            let provider = i["provider"].as_str().unwrap_or_default().to_owned();
            i["name"] = crate::oidc::provider_name(&app, &provider).into();
            i
        })
        .collect();
    let providers = crate::oidc::choices(&app, Assurance::None);
    let ctx = json!({"user": user, "submissions": submissions, "identities": identities, "providers": providers,
                     "petitions": petitions, "alerts": alerts});
    Ok(app.page("api/account.html", "Contul meu", "/api/cont", ctx)?.into_response())
}

/// The account's address when it is verified: (the address, the mailbox it reaches). Signatures
/// and alerts are the holder's only by an address they proved.
fn held_address(user: &session::User) -> Option<(String, String)> {
    let address = email::parse(&user.email).ok().filter(|_| user.email_verified)?;
    Some((address.address, address.mailbox))
}

/// A person's petitions (started, supported, signed with the held mailbox) and the alerts to
/// their held address, as the page and the export show them.
fn of_person(
    c: &rusqlite::Connection,
    account: i64,
    held: Option<&(String, String)>,
    published: &crate::published::Published,
) -> rusqlite::Result<(Value, Vec<Value>)> {
    let petitions = crate::petitions::store::of_person(c, account, held.map(|(_, mailbox)| mailbox.as_str()))?;
    let alerts = match held {
        Some((address, _)) => crate::alerts::of_person(crate::alerts::store::of_email(c, address)?, published),
        None => vec![],
    };
    Ok((petitions, alerts))
}

/// Everything stored about me, as JSON (GDPR art. 15 and 20).
#[utoipa::path(
    get, path = "/api/cont/export", tag = "accounts", operation_id = "export",
    responses(
        (
            status = 200,
            description = "everything stored about the logged-in person, as a JSON attachment",
            body = crate::openapi::Export
        ),
        (status = 401, description = "not logged in")
    )
)]
pub async fn export(State(app): State<App>, SignedIn(user): SignedIn) -> ApiResult<Response> {
    let id = user.id;
    let held = held_address(&user);
    let published = app.published();
    let data = app
        .db
        .read(move |c| {
            let (account, sessions) = store::account_export(c, id)?;
            let (petitions, alerts) = of_person(c, id, held.as_ref(), &published)?;
            Ok::<_, ApiError>(json!({
                "account": account,
                "identities": store::identities(c, id, "claims_received")?,
                "active_sessions": sessions,
                "submissions": submissions::store::of_account(c, id)?,
                "petitions": petitions,
                "alerts": alerts,
            }))
        })
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/json; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"datele-mele-civic.json\""),
        ],
        serde_json::to_vec_pretty(&data).map_err(ApiError::internal)?,
    )
        .into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct DeleteForm {
    #[serde(default)]
    confirm: String,
}

/// Deletes the account, its identities, sessions and links. Submissions stay in the registry
/// (the city must keep them by law) without the link to the account.
#[utoipa::path(
    post, path = "/api/cont/sterge", tag = "accounts", operation_id = "delete_account",
    request_body(content((DeleteForm = "application/x-www-form-urlencoded"), (DeleteForm = "application/json"))),
    responses(
        (
            status = 200,
            description = "deleted: JSON for clients asking for it, else a page",
            content((crate::openapi::Status = "application/json"), (String = "text/html"))
        ),
        (status = 400, description = "the body cannot be read"),
        (status = 401, description = "not logged in"),
        (status = 422, description = "the confirmation is not the account's address")
    )
)]
pub async fn delete_account(
    State(app): State<App>,
    headers: HeaderMap,
    jar: CookieJar,
    SignedIn(user): SignedIn,
    Input(form): Input<DeleteForm>,
) -> ApiResult<Response> {
    // An account without an e-mail (logged in only with a provider) confirms with a word.
    let expected = if user.email.is_empty() { "sterge".to_owned() } else { user.email.clone() };
    if form.confirm.trim().to_lowercase().replace('ș', "s") != expected {
        return Err(ApiError::unprocessable(
            if user.email.is_empty() {
                "Pentru a șterge contul, scrieți cuvântul ȘTERGE în câmpul de confirmare."
            } else {
                "Pentru a șterge contul, scrieți adresa de e-mail a contului în câmpul de confirmare."
            },
            vec![FieldError {
                field: "confirm".into(),
                label: "Confirmare".into(),
                message: if user.email.is_empty() { "nu este cuvântul ȘTERGE" } else { "nu este adresa contului" }
                    .into(),
            }],
        )
        .with_back("/api/cont"));
    }
    let id = user.id;
    app.db.write(move |c| store::delete_account(c, id).map_err(ApiError::from)).await?;
    let jar = jar.add(session::removal(app.config.https()));
    if wants_json(&headers) {
        return Ok((jar, axum::Json(json!({"status": "deleted"}))).into_response());
    }
    let page = app.page("api/deleted.html", "Cont șters", "/api/cont", json!({}))?;
    Ok((jar, page).into_response())
}
