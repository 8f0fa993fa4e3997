//! The accounts' pages: log in, sign up, "check your e-mail", and the page a link in an
//! e-mail opens.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::password;
use super::session::Viewer;
use crate::app::{App, local_next, see_other};
use crate::error::{ApiError, ApiResult};
use crate::published::Assurance;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NextQuery {
    /// A local path to return to afterwards.
    next: Option<String>,
    /// The level the page that sent here needs (`eid_substantial`): the login page says so and
    /// offers the providers that reach it.
    nivel: Option<String>,
}

/// The login page: a magic link, a password, or an identity provider.
#[utoipa::path(
    get, path = "/api/cont/autentificare", tag = "accounts", operation_id = "login_page",
    params(NextQuery),
    responses(
        (status = 200, description = "the page", body = String, content_type = "text/html"),
        (status = 303, description = "already logged in (and no `next`): to the account page")
    )
)]
pub async fn login_page(
    State(app): State<App>,
    Query(q): Query<NextQuery>,
    Viewer(user): Viewer,
) -> ApiResult<Response> {
    let next = local_next(q.next.as_deref());
    if user.is_some() && q.next.is_none() {
        return Ok(see_other("/api/cont"));
    }
    let needed = Assurance::parse(q.nivel.as_deref().unwrap_or(""));
    let ctx = json!({"next": next, "needed": needed, "providers": crate::oidc::choices(&app, needed)});
    Ok(app.page("api/login.html", "Autentificare", "/api/cont/autentificare", ctx)?.into_response())
}

/// The sign-up page.
#[utoipa::path(
    get, path = "/api/cont/inregistrare", tag = "accounts", operation_id = "signup_page",
    params(NextQuery),
    responses(
        (status = 200, description = "the page", body = String, content_type = "text/html")
    )
)]
pub async fn signup_page(State(app): State<App>, Query(q): Query<NextQuery>) -> ApiResult<Response> {
    let ctx = json!({"next": local_next(q.next.as_deref()), "min_password": password::MIN_LENGTH});
    Ok(app.page("api/signup.html", "Creare cont", "/api/cont/inregistrare", ctx)?.into_response())
}

/// "We sent you a link".
#[utoipa::path(
    get, path = "/api/cont/verificati-emailul", tag = "accounts", operation_id = "check_mail_page",
    responses(
        (status = 200, description = "the page", body = String, content_type = "text/html")
    )
)]
pub async fn check_mail_page(State(app): State<App>) -> ApiResult<Response> {
    Ok(app
        .page("api/check_mail.html", "Verificați e-mailul", "/api/cont/verificati-emailul", json!({}))?
        .into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TokenQuery {
    /// The token from the e-mail's link.
    #[param(required = true, min_length = 1, max_length = 99)]
    token: Option<String>,
}

/// The page a link in an e-mail opens: a button that POSTs. Mail scanners open links; only a
/// person pressing the button uses the token.
#[utoipa::path(
    get, path = "/api/auth/link", tag = "accounts", operation_id = "link_page",
    params(TokenQuery),
    responses(
        (status = 200, description = "the page with the button", body = String, content_type = "text/html"),
        (status = 400, description = "no token, or not one of ours")
    )
)]
pub async fn link_page(State(app): State<App>, Query(q): Query<TokenQuery>) -> ApiResult<Response> {
    let token = q
        .token
        .filter(|t| !t.is_empty() && t.len() < 100)
        .ok_or_else(|| ApiError::bad_request("Linkul nu este complet. Copiați în browser toată adresa din e-mail."))?;
    Ok(app.page("api/link.html", "Confirmați", "/api/auth/link", json!({"token": token}))?.into_response())
}
