//! The links e-mailed to an address: signing up, asking for a magic link, and using one (which
//! verifies the address and logs in).

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use jiff::{SignedDuration, Timestamp};
use rusqlite::Connection;
use serde::Deserialize;
use serde_json::json;

use super::{password, session, signed_in, store, tokens};
use crate::app::{App, Input, local_next, see_other, wants_json};
use crate::email;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::mail;
use crate::published::Assurance;

/// How long a magic link and an e-mail verification link stay valid.
const MAGIC_LINK_MINUTES: i64 = 30;
const VERIFY_LINK_HOURS: i64 = 48;

/// "We sent you a link": the same answer whether or not the address has an account.
fn link_sent(headers: &HeaderMap) -> Response {
    if wants_json(headers) {
        (StatusCode::ACCEPTED, axum::Json(json!({"status": "check_your_email"}))).into_response()
    } else {
        see_other("/api/cont/verificati-emailul")
    }
}

/// Queues a one-time link to `account` in the caller's transaction.
fn queue_link(
    c: &Connection,
    app: &App,
    account: i64,
    to: &str,
    purpose: &str,
    next: &str,
    now: Timestamp,
) -> ApiResult<()> {
    let (token, hash) = tokens::new_token();
    let valid = match purpose {
        "magic_link" => SignedDuration::from_mins(MAGIC_LINK_MINUTES),
        _ => SignedDuration::from_hours(VERIFY_LINK_HOURS),
    };
    store::insert_login_link(c, &store::NewLoginLink { token_sha256: &hash, purpose, account, next, valid }, now)?;
    let url = format!("{}/api/auth/link?token={token}", app.config.public_url);
    let m = mail::compose(
        &app.published(),
        purpose,
        to,
        json!({"url": url, "minutes": MAGIC_LINK_MINUTES, "hours": VERIFY_LINK_HOURS}),
    )?;
    mail::enqueue(c, &m, &now.to_string())?;
    Ok(())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct SignupForm {
    #[schema(format = Email)]
    email: String,
    #[serde(default)]
    #[schema(max_length = 200)]
    name: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// Creates an account (password optional) and e-mails a verification link. The answer is the
/// same whether or not the address already has an account.
#[utoipa::path(
    post, path = "/api/auth/signup", tag = "accounts", operation_id = "signup",
    request_body(content((SignupForm = "application/x-www-form-urlencoded"), (SignupForm = "application/json"))),
    responses(
        (status = 202, description = "a link was e-mailed (JSON clients)", body = crate::openapi::Status),
        (status = 303, description = "browsers: to the check-your-e-mail page"),
        (status = 400, description = "the body cannot be read"),
        (status = 422, description = "a field is wrong"),
        (status = 429, description = "too many e-mails to this address")
    )
)]
pub async fn signup(State(app): State<App>, headers: HeaderMap, Input(form): Input<SignupForm>) -> ApiResult<Response> {
    let mut problems = Vec::new();
    let email = email::normalise(&form.email).map_err(|e| problems.push(e)).ok();
    let name = form.name.trim().to_owned();
    if name.chars().count() > 200 {
        problems.push(FieldError {
            field: "name".into(),
            label: "Nume".into(),
            message: "are cel mult 200 de caractere".into(),
        });
    }
    let pw_len = form.password.chars().count();
    if pw_len > 0 && !(password::MIN_LENGTH..=1024).contains(&pw_len) {
        problems.push(FieldError {
            field: "password".into(),
            label: "Parolă".into(),
            message: format!("trebuie să aibă între {} și 1024 de caractere (sau lăsați-o goală și folosiți linkul primit pe e-mail)", password::MIN_LENGTH),
        });
    }
    let Some(email) = email.filter(|_| problems.is_empty()) else {
        return Err(
            ApiError::unprocessable("Corectați câmpurile marcate.", problems).with_back("/api/cont/inregistrare")
        );
    };
    app.limits.email(&email)?;
    let hash = if pw_len > 0 { Some(password::hash(&app, form.password).await?) } else { None };
    let next = local_next(form.next.as_deref());
    let a = app.clone();
    let now = app.clock.now();
    app.db
        .write(move |c| match store::account_by_email(c, &email)? {
            // Say nothing on the page about who has an account; tell the owner by e-mail.
            Some(id) => queue_link(c, &a, id, &email, "magic_link", &next, now),
            None => {
                let id = store::create_account(c, &email, &name, hash.as_deref(), now)?;
                queue_link(c, &a, id, &email, "verify_email", &next, now)
            }
        })
        .await?;
    app.mail_queued.notify_one();
    Ok(link_sent(&headers))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LinkRequest {
    #[schema(format = Email)]
    email: String,
    next: Option<String>,
}

/// Sends a magic link; an unknown address gets a new account, verified when the link is used.
#[utoipa::path(
    post, path = "/api/auth/magic-link", tag = "accounts", operation_id = "magic_link",
    request_body(content((LinkRequest = "application/x-www-form-urlencoded"), (LinkRequest = "application/json"))),
    responses(
        (status = 202, description = "a link was e-mailed (JSON clients)", body = crate::openapi::Status),
        (status = 303, description = "browsers: to the check-your-e-mail page"),
        (status = 400, description = "the body cannot be read"),
        (status = 422, description = "not an e-mail address"),
        (status = 429, description = "too many e-mails to this address")
    )
)]
pub async fn request_link(
    State(app): State<App>,
    headers: HeaderMap,
    Input(form): Input<LinkRequest>,
) -> ApiResult<Response> {
    let email = email::normalise(&form.email).map_err(|e| {
        ApiError::unprocessable("Corectați adresa de e-mail.", vec![e]).with_back("/api/cont/autentificare")
    })?;
    app.limits.email(&email)?;
    let next = local_next(form.next.as_deref());
    let a = app.clone();
    let now = app.clock.now();
    app.db
        .write(move |c| {
            let id = match store::account_by_email(c, &email)? {
                Some(id) => id,
                None => store::create_account(c, &email, "", None, now)?,
            };
            queue_link(c, &a, id, &email, "magic_link", &next, now)
        })
        .await?;
    app.mail_queued.notify_one();
    Ok(link_sent(&headers))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct TokenForm {
    token: String,
}

/// Uses a magic or verification link (once): verifies the address and logs in.
#[utoipa::path(
    post, path = "/api/auth/link", tag = "accounts", operation_id = "use_link",
    request_body(content((TokenForm = "application/x-www-form-urlencoded"), (TokenForm = "application/json"))),
    responses(
        (
            status = 200,
            description = "logged in (JSON clients); the session cookie is set",
            body = crate::openapi::Status
        ),
        (status = 303, description = "logged in; to the link's `next`"),
        (status = 400, description = "the body cannot be read, or the link expired or was used")
    )
)]
pub async fn use_link(
    State(app): State<App>,
    headers: HeaderMap,
    jar: CookieJar,
    Input(form): Input<TokenForm>,
) -> ApiResult<Response> {
    let hash = tokens::hash(&form.token);
    let https = app.config.https();
    let now = app.clock.now();
    let (cookie, next) = app
        .db
        .write(move |c| {
            let Some((account, next)) = store::redeem_login_link(c, &hash, now)? else {
                return Err(ApiError::bad_request(
                    "Linkul a expirat sau a fost deja folosit. Cereți unul nou de pe pagina de autentificare.",
                )
                .with_back("/api/cont/autentificare"));
            };
            Ok((session::start(c, account, Assurance::EmailVerified, https, now)?, next))
        })
        .await?;
    Ok(signed_in(&headers, jar.add(cookie), next.as_deref()))
}
