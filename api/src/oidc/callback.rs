//! Where the provider sends the browser back: the answer checked against the pending login,
//! the code exchanged for tokens, the ID token verified, then a login (or the provider added
//! to the account).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::Cookie;
use openidconnect::{
    AuthorizationCode, Nonce, OAuth2TokenResponse, PkceCodeVerifier, RequestTokenError, TokenResponse,
};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::provider::Runtime;
use super::store::{self, Flow, NoFlow};
use super::verify::{self, Outcome};
use super::{FLOW_COOKIE, FLOW_MINUTES, LOGIN_PAGE, Provider, client_auth, derive, flow_cookie, refused};
use crate::accounts::session::{self, Viewer};
use crate::accounts::store as accounts;
use crate::accounts::tokens;
use crate::app::{App, local_next, see_other};
use crate::error::{ApiError, ApiResult};

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackQuery {
    /// The authorization code.
    code: Option<String>,
    /// The state civic sent with the browser.
    state: Option<String>,
    /// The provider's refusal (`access_denied`…).
    error: Option<String>,
    error_description: Option<String>,
    /// RFC 9207: the issuer of this response, when the provider says it.
    iss: Option<String>,
}

/// Where the provider sends the browser back: checks everything, then logs in (or adds the
/// provider to the account) and goes back to where the person was.
#[utoipa::path(
    get, path = "/api/auth/oidc/{provider}/callback", tag = "accounts", operation_id = "oidc_callback",
    params(("provider" = String, Path, description = "the provider's id"), CallbackQuery),
    responses(
        (status = 303, description = "logged in (or the provider added to the account): to where the login started"),
        (status = 400, description = "the answer is incomplete, replayed, expired, from another browser or refused"),
        (status = 401, description = "the account to link to is no longer the one logged in"),
        (status = 404, description = "no such provider"),
        (status = 409, description = "that identity is linked to another account"),
        (status = 502, description = "the provider does not answer as it should")
    )
)]
pub async fn callback(
    State(app): State<App>,
    Path(id): Path<String>,
    jar: CookieJar,
    Viewer(viewer): Viewer,
    Query(q): Query<CallbackQuery>,
) -> ApiResult<Response> {
    let p = app.oidc.get(&id)?;
    let name = p.config.name.clone();
    let state = q.state.clone().filter(|s| !s.is_empty() && s.len() <= 128).ok_or_else(|| {
        refused(format!(
            "Răspunsul primit de la {name} nu este complet (lipsește parametrul „state”). Porniți autentificarea din nou de pe pagina de autentificare."
        ))
    })?;
    let flow = take_flow(&app, &state).await?;
    let browser = jar.get(FLOW_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default();
    let code = check_answer(&p.config, &flow, &browser, q)?;
    let claims = verified_claims(&app, &p, code, &browser, &state).await?;
    let outcome = verify::outcome(&p.config, &claims).map_err(|r| refused(r.message(&name)))?;
    if let Some(link) = flow.link_account
        && viewer.as_ref().map(|v| v.id) != Some(link)
    {
        return Err(ApiError::unauthorized(format!(
            "Ați ieșit din cont (sau ați intrat în alt cont) înainte să terminați legarea cu {name}. Autentificați-vă în cont și încercați din nou."
        ))
        .with_back(LOGIN_PAGE));
    }
    let old_session = session::token(&jar, app.config.https()).map(|t| tokens::hash(&t));
    let cookie = sign_in(&app, &p.config, outcome, flow.link_account, old_session).await?;
    let mut gone = flow_cookie(String::new(), app.config.https());
    gone.make_removal();
    Ok((jar.add(gone).add(cookie), see_other(&local_next(Some(&flow.next)))).into_response())
}

/// Uses up the pending login of `state` (see [`store::take_flow`]).
async fn take_flow(app: &App, state: &str) -> ApiResult<Flow> {
    let state_hash = tokens::hash(state);
    let now = app.clock.now();
    let flow = app.db.write(move |c| store::take_flow(c, &state_hash, now).map_err(ApiError::from)).await?;
    flow.map_err(|no| match no {
        NoFlow::Unknown => refused(
            "Această autentificare nu a fost pornită de pe acest site sau a expirat. Porniți-o din nou de pe pagina de autentificare.",
        ),
        NoFlow::Used => refused(
            "Acest răspuns de autentificare a fost deja folosit o dată și nu mai poate fi folosit (parametrul „state” se folosește o singură dată). Porniți autentificarea din nou.",
        ),
    })
}

/// Checks that the provider's answer belongs to this login, in this browser, and is not a
/// refusal; its authorization code.
fn check_answer(p: &Provider, flow: &Flow, browser: &str, q: CallbackQuery) -> ApiResult<String> {
    let name = &p.name;
    if flow.expired {
        return Err(refused(format!(
            "Au trecut mai mult de {FLOW_MINUTES} minute de când ați pornit autentificarea. Porniți-o din nou."
        )));
    }
    if flow.provider != p.id {
        return Err(refused(format!(
            "Răspunsul a sosit pentru {name}, dar autentificarea fusese pornită cu alt furnizor. Nu v-am autentificat; porniți autentificarea din nou."
        )));
    }
    if browser.is_empty() || tokens::hash(browser) != flow.browser_sha256 {
        return Err(refused(
            "Autentificarea a fost pornită din alt browser sau din altă filă. Din motive de siguranță nu v-am autentificat; porniți autentificarea din nou, din această filă.",
        ));
    }
    if let Some(error) = q.error {
        let detail: String = q.error_description.unwrap_or_default().chars().take(200).collect();
        let error: String = error.chars().take(60).collect();
        return Err(refused(format!(
            "Autentificarea cu {name} a fost anulată sau refuzată ({error}{}{detail}). Nu v-am autentificat; puteți încerca din nou.",
            if detail.is_empty() { "" } else { ": " }
        )));
    }
    if let Some(iss) = q.iss.as_deref().filter(|iss| iss.trim_end_matches('/') != p.issuer) {
        let iss: String = iss.chars().take(200).collect();
        return Err(refused(format!(
            "Răspunsul vine de la un emitent necunoscut ({iss}), nu de la {name}. Nu v-am autentificat."
        )));
    }
    q.code.filter(|c| !c.is_empty() && c.len() <= 2048).ok_or_else(|| {
        refused(format!(
            "Răspunsul primit de la {name} nu conține codul de autorizare. Porniți autentificarea din nou."
        ))
    })
}

/// Exchanges the code for tokens (with the PKCE verifier and, for `private_key_jwt`, a signed
/// assertion), checks the ID token and adds the userinfo claims when configured.
async fn verified_claims(
    app: &App,
    p: &Runtime,
    code: String,
    browser: &str,
    state: &str,
) -> ApiResult<Map<String, Value>> {
    let name = &p.config.name;
    let d = p.discovered(&app.oidc.http, &app.config.public_url).await?;
    let provider_down = |what: &dyn std::fmt::Display| {
        eprintln!("civic api: oidc {}: {what}", p.config.id);
        ApiError::new(
            StatusCode::BAD_GATEWAY,
            format!("{name} nu a răspuns cum trebuie. Nu v-am autentificat; încercați din nou peste câteva minute."),
        )
        .with_back(LOGIN_PAGE)
    };
    let mut exchange = d
        .client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| provider_down(&e))?
        .set_pkce_verifier(PkceCodeVerifier::new(derive("pkce", browser, state)));
    if let (Some(key), Some(audience)) = (&p.config.client_key, &d.assertion_audience) {
        let assertion =
            key.assertion(&p.config.client_id, audience, app.clock.now().as_second()).map_err(|e| provider_down(&e))?;
        exchange = exchange
            .add_extra_param("client_assertion_type", client_auth::JWT_BEARER)
            .add_extra_param("client_assertion", assertion);
    }
    let tokens = exchange
        .request_async(&app.oidc.http)
        .await
        .map_err(|e| match e {
            // The provider does not recognise civic itself: nothing the person can change.
            RequestTokenError::ServerResponse(r)
                if matches!(r.error().as_ref(), "invalid_client" | "unauthorized_client") =>
            {
                let detail = r.error_description().map(|d| format!(": {d}")).unwrap_or_default();
                eprintln!(
                    "civic api: oidc {}: the token endpoint refused civic's client authentication ({}{detail}); {}",
                    p.config.id,
                    r.error().as_ref(),
                    client_auth_hint(&p.config, &app.config.public_url)
                );
                ApiError::new(
                    StatusCode::BAD_GATEWAY,
                    format!(
                        "{name} nu a recunoscut acest site, așa că nu v-a putut autentifica. Problema este la noi, nu la dumneavoastră; alegeți altă variantă sau încercați mai târziu."
                    ),
                )
                .with_back(LOGIN_PAGE)
            }
            RequestTokenError::ServerResponse(r) => refused(format!(
                "{name} nu a acceptat codul de autorizare ({}). Nu v-am autentificat; porniți autentificarea din nou.",
                r.error().as_ref()
            )),
            other => provider_down(&other),
        })?;
    let id_token = tokens.id_token().ok_or_else(|| {
        refused(format!("{name} nu a trimis un ID token, deci nu știm cine sunteți. Nu v-am autentificat."))
    })?;
    let nonce = Nonce::new(derive("nonce", browser, state));
    let mut claims =
        verify::id_token(id_token, &d.client.id_token_verifier(), &nonce).map_err(|r| refused(r.message(name)))?;
    if p.config.userinfo {
        let endpoint = d.userinfo.clone().ok_or_else(|| provider_down(&"no userinfo endpoint in discovery"))?;
        let extra =
            userinfo(&app.oidc.http, endpoint, tokens.access_token().secret()).await.map_err(|e| provider_down(&e))?;
        if extra.get("sub") != claims.get("sub") {
            return Err(refused(format!(
                "Datele primite de la {name} sunt despre altă persoană decât cea autentificată. Nu v-am autentificat."
            )));
        }
        for (k, v) in extra {
            claims.entry(k).or_insert(v);
        }
    }
    Ok(claims)
}

/// Logs in to the identity's account (or adds the identity to the account `link`), in place
/// of the browser's old session; the new session's cookie.
async fn sign_in(
    app: &App,
    p: &Provider,
    outcome: Outcome,
    link: Option<i64>,
    old_session: Option<Vec<u8>>,
) -> ApiResult<Cookie<'static>> {
    let https = app.config.https();
    let now = app.clock.now();
    let provider = p.id.clone();
    let name = p.name.clone();
    let received = serde_json::to_string(&outcome.received).map_err(ApiError::internal)?;
    app.db
        .write(move |c| {
            let Ok((account, level)) = store::sign_in_identity(c, &provider, &outcome, &received, link, now)? else {
                return Err(ApiError::conflict(format!(
                    "Această identitate {name} este deja legată de alt cont. Intrați în acel cont cu {name}; dacă nu mai aveți nevoie de el, îl puteți șterge de pe pagina contului."
                ))
                .with_back("/api/cont"));
            };
            if let Some(old) = old_session {
                accounts::end_session(c, &old)?;
            }
            let cookie = session::start(c, account, level, https, now)?;
            accounts::set_session_provider(c, &tokens::hash(cookie.value()), &provider)?;
            Ok(cookie)
        })
        .await
}

/// What an operator should check when a provider refuses civic's client authentication.
fn client_auth_hint(p: &Provider, public_url: &str) -> String {
    match (&p.client_key, &p.client_secret_env) {
        (Some(key), _) => format!(
            "is the public key ({} kid {:?}, {}/api/auth/oidc/{}/jwks.json) registered with the provider for client {:?}, with token_endpoint_auth_method private_key_jwt?",
            key.alg(),
            key.kid(),
            public_url.trim_end_matches('/'),
            p.id,
            p.client_id
        ),
        (None, Some(var)) => format!(
            "check client {:?}, its secret in {var} and that the provider expects {}",
            p.client_id,
            p.auth_method().as_str()
        ),
        (None, None) => format!("is client {:?} registered as a public client (method none)?", p.client_id),
    }
}

/// The userinfo endpoint's claims (a JSON answer; signed userinfo is not supported).
async fn userinfo(
    http: &openidconnect::reqwest::Client,
    endpoint: openidconnect::url::Url,
    access_token: &str,
) -> Result<Map<String, Value>, String> {
    let response = http
        .get(endpoint)
        .bearer_auth(access_token)
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(|e| format!("userinfo: {e}"))?;
    if !response.status().is_success() {
        return Err(format!("userinfo: HTTP {}", response.status()));
    }
    let body = response.bytes().await.map_err(|e| format!("userinfo: {e}"))?;
    match serde_json::from_slice::<Value>(&body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err("userinfo: not a JSON object".into()),
        Err(e) => Err(format!("userinfo: {e} (a signed userinfo answer is not supported)")),
    }
}
