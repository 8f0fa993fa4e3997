//! Logging in with a password (guesses throttled per account) and logging out.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use serde_json::json;

use super::{password, session, signed_in, store, throttle, tokens};
use crate::app::{App, Input, onward, see_other};
use crate::email;
use crate::error::{ApiError, ApiResult};
use crate::published::Assurance;

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginForm {
    #[schema(format = Email)]
    email: String,
    password: String,
    next: Option<String>,
}

/// Logs in with a password; sets the session cookie.
#[utoipa::path(
    post, path = "/api/auth/login", tag = "accounts", operation_id = "login",
    request_body(content((LoginForm = "application/x-www-form-urlencoded"), (LoginForm = "application/json"))),
    responses(
        (
            status = 200,
            description = "logged in (JSON clients); the session cookie is set",
            body = crate::openapi::Status
        ),
        (status = 303, description = "logged in; browsers go to `next`"),
        (status = 400, description = "the body cannot be read"),
        (status = 401, description = "wrong address or password"),
        (status = 429, description = "too many wrong passwords in a row for this account: password login to it is locked for `Retry-After` seconds")
    )
)]
pub async fn login(
    State(app): State<App>,
    headers: HeaderMap,
    jar: CookieJar,
    Input(form): Input<LoginForm>,
) -> ApiResult<Response> {
    let wrong = || {
        ApiError::unauthorized(
            "Adresa de e-mail sau parola nu sunt corecte. Puteți cere și un link de autentificare pe e-mail.",
        )
        .with_back("/api/cont/autentificare")
    };
    let email = email::normalise(&form.email).map_err(|_| wrong())?;
    if let Err(wait) = app.logins.attempt(&email) {
        return Ok(locked(wait));
    }
    let key = email.clone();
    let found = app.db.read(move |c| store::password_account(c, &email).map_err(ApiError::from)).await?;
    let stored = found.as_ref().and_then(|f| f.password_hash.clone());
    if !password::verify(&app, form.password, stored).await? {
        return match app.logins.failed(&key) {
            Some(wait) => Ok(locked(wait)),
            None => Err(wrong()),
        };
    }
    app.logins.succeeded(&key);
    let found = found.ok_or_else(wrong)?;
    let assurance = if found.email_verified { Assurance::EmailVerified } else { Assurance::None };
    let https = app.config.https();
    let now = app.clock.now();
    let cookie =
        app.db.write(move |c| session::start(c, found.id, assurance, https, now).map_err(ApiError::from)).await?;
    Ok(signed_in(&headers, jar.add(cookie), form.next.as_deref()))
}

/// The answer while password login to an account is locked: a 429 with `Retry-After`.
fn locked(wait: std::time::Duration) -> Response {
    let mut r = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        format!(
            "Prea multe parole greșite la rând pentru acest cont. Din motive de securitate, autentificarea cu \
             parolă este blocată încă {}. Puteți cere oricând un link de autentificare pe e-mail.",
            throttle::in_words(wait)
        ),
    )
    .with_back("/api/cont/autentificare")
    .into_response();
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    r.headers_mut().insert(header::RETRY_AFTER, secs.max(1).into());
    r
}

/// Ends the session; one that came from an identity provider ends there too (RP-initiated
/// logout), the browser sent on to its end-session endpoint as [`crate::app::onward`] does.
#[utoipa::path(
    post, path = "/api/auth/logout", tag = "accounts", operation_id = "logout",
    responses(
        (status = 303, description = "logged out: to the home page (or to the provider, for JSON clients)"),
        (status = 200, description = "logged out; a page that moves on to the provider's end-session endpoint", content_type = "text/html")
    )
)]
pub async fn logout(State(app): State<App>, jar: CookieJar, headers: HeaderMap) -> ApiResult<Response> {
    let https = app.config.https();
    let mut provider: Option<String> = None;
    if let Some(token) = session::token(&jar, https) {
        let hash = tokens::hash(&token);
        provider = app.db.write(move |c| store::end_session(c, &hash).map_err(ApiError::from)).await?;
    }
    let jar = jar.add(session::removal(https));
    if let Some(p) = provider
        && let Some(url) = crate::oidc::logout_url(&app, &p).await
    {
        let ctx = json!({"provider": crate::oidc::provider_name(&app, &p), "purpose": "logout"});
        return Ok((jar, onward(&app, &headers, &url, ctx)?).into_response());
    }
    Ok((jar, see_other("/")).into_response())
}
