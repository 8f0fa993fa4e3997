//! Starting a login (or the linking of a provider to the account) at an identity provider: the
//! pending login stored, the browser sent to the provider's authorization endpoint.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use jiff::SignedDuration;
use openidconnect::core::CoreResponseType;
use openidconnect::{
    AuthenticationContextClass, AuthenticationFlow, CsrfToken, Nonce, PkceCodeChallenge, PkceCodeVerifier, Scope,
};
use serde::Deserialize;
use serde_json::json;

use super::{FLOW_MINUTES, LOGIN_PAGE, derive, flow_cookie, store};
use crate::accounts::session::Viewer;
use crate::accounts::tokens;
use crate::app::{App, Input, local_next, onward};
use crate::error::{ApiError, ApiResult};

#[derive(Deserialize, utoipa::ToSchema)]
pub struct StartForm {
    next: Option<String>,
    /// `1`: add this provider to the account logged in now, instead of logging in with it.
    #[serde(default)]
    link: String,
}

/// Starts a login with a provider: on to its authorization endpoint, by a page that moves on by
/// itself (see [`crate::app::onward`] for why not a redirect), or a 303 for JSON clients.
#[utoipa::path(
    post, path = "/api/auth/oidc/{provider}", tag = "accounts", operation_id = "oidc_start",
    params(("provider" = String, Path, description = "a configured provider's id")),
    request_body(content((StartForm = "application/x-www-form-urlencoded"), (StartForm = "application/json"))),
    responses(
        (status = 200, description = "a page that moves on to the provider (`Refresh: 0; url=…`), with a link to it", content_type = "text/html"),
        (status = 303, description = "to the provider's authorization endpoint (JSON clients)"),
        (status = 400, description = "the body cannot be read"),
        (status = 401, description = "linking needs a login"),
        (status = 404, description = "no such provider"),
        (status = 502, description = "the provider does not answer")
    )
)]
pub async fn start(
    State(app): State<App>,
    Path(id): Path<String>,
    jar: CookieJar,
    headers: HeaderMap,
    Viewer(user): Viewer,
    Input(form): Input<StartForm>,
) -> ApiResult<Response> {
    let p = app.oidc.get(&id)?;
    let link_account = match (form.link.as_str(), user) {
        ("1", Some(u)) => Some(u.id),
        ("1", None) => {
            return Err(ApiError::unauthorized(format!(
                "Pentru a adăuga {} la contul dumneavoastră, autentificați-vă mai întâi în cont.",
                p.config.name
            ))
            .with_back(LOGIN_PAGE));
        }
        _ => None,
    };
    let d = p.discovered(&app.oidc.http, &app.config.public_url).await?;
    let next = if link_account.is_some() { "/api/cont".to_owned() } else { local_next(form.next.as_deref()) };
    let (state, state_hash) = tokens::new_token();
    let (browser, browser_hash) = tokens::new_token();
    let verifier = PkceCodeVerifier::new(derive("pkce", &browser, &state));
    let nonce = derive("nonce", &browser, &state);
    let s = state.clone();
    let mut request = d
        .client
        .authorize_url(
            AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
            move || CsrfToken::new(s),
            move || Nonce::new(nonce),
        )
        .set_pkce_challenge(PkceCodeChallenge::from_code_verifier_sha256(&verifier))
        .add_extra_param("ui_locales", "ro");
    for scope in p.config.extra_scopes() {
        request = request.add_scope(Scope::new(scope.to_owned()));
    }
    for acr in &p.config.acr_values {
        request = request.add_auth_context_value(AuthenticationContextClass::new(acr.clone()));
    }
    let (url, _, _) = request.url();
    let flow = store::NewFlow {
        state_sha256: state_hash,
        browser_sha256: browser_hash,
        provider: p.config.id.clone(),
        link_account,
        next,
        valid: SignedDuration::from_mins(FLOW_MINUTES),
    };
    let now = app.clock.now();
    app.db.write(move |c| store::begin_flow(c, &flow, now).map_err(ApiError::from)).await?;
    let purpose = if link_account.is_some() { "link" } else { "login" };
    let page = onward(&app, &headers, url.as_str(), json!({"provider": p.config.name, "purpose": purpose}))?;
    Ok((jar.add(flow_cookie(browser, app.config.https())), page).into_response())
}
