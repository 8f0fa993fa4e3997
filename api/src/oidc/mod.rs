//! Logging in with an OpenID Connect provider (ROeID, or any standard one): the authorization
//! code flow with PKCE (S256), `state` and `nonce`; the ID token checked against the provider's
//! keys; userinfo when configured; RP-initiated logout. An account holds several identities;
//! a provider is added to an account only by someone logged in to it who then completes the
//! provider's login, and never because an e-mail address matches.
//!
//! A pending login is a row of `oidc_flow` keyed by the SHA-256 of its `state`, bound to the
//! browser by a random cookie. The PKCE verifier and the nonce are derived from that cookie and
//! the state, so neither is stored: a copy of the database finishes no login.

pub mod client_auth;
pub mod config;
pub mod provider;
pub mod verify;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::{SignedDuration, Timestamp};
use openidconnect::core::CoreResponseType;
use openidconnect::{
    AuthenticationContextClass, AuthenticationFlow, AuthorizationCode, ClientId, CsrfToken, LogoutRequest, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, PostLogoutRedirectUrl, RequestTokenError, Scope,
    TokenResponse,
};
use rusqlite::{OptionalExtension, params};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

pub use config::Provider;
pub use provider::Providers;

use crate::accounts::session::{self, SignedIn, Viewer};
use crate::accounts::tokens;
use crate::app::{App, Input, local_next, onward, see_other};
use crate::error::{ApiError, ApiResult};
use crate::published::Assurance;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/api/auth/oidc/{provider}", post(start))
        .route("/api/auth/oidc/{provider}/callback", get(callback))
        .route("/api/auth/oidc/{provider}/unlink", post(unlink))
        .route("/api/auth/oidc/{provider}/jwks.json", get(jwks))
}

/// How long someone has to finish logging in at the provider.
const FLOW_MINUTES: i64 = 10;
const FLOW_COOKIE: &str = "civic_oidc";
const FLOW_PATH: &str = "/api/auth/oidc";
const LOGIN_PAGE: &str = "/api/cont/autentificare";

/// The providers as the login and account pages show them; `needed` marks those whose login
/// can reach a level.
pub fn choices(app: &App, needed: Assurance) -> Vec<Value> {
    app.oidc
        .list
        .iter()
        .map(|p| {
            let c = &p.config;
            json!({"id": c.id, "name": c.name, "description": c.description,
                   "level": c.best_level(), "enough": c.best_level() >= needed})
        })
        .collect()
}

/// The display name of a provider id (the id itself for one no longer configured).
pub fn provider_name(app: &App, id: &str) -> String {
    app.oidc.list.iter().find(|p| p.config.id == id).map_or_else(|| id.to_owned(), |p| p.config.name.clone())
}

/// A secret derived from the browser's flow cookie and the state (43 characters, base64url).
fn derive(purpose: &str, browser: &str, state: &str) -> String {
    let mut h = Sha256::new();
    for part in [purpose, browser, state] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    URL_SAFE_NO_PAD.encode(h.finalize())
}

fn flow_cookie(value: String, https: bool) -> Cookie<'static> {
    Cookie::build((FLOW_COOKIE, value))
        .http_only(true)
        .secure(https)
        .same_site(SameSite::Lax)
        .path(FLOW_PATH)
        .max_age(cookie::time::Duration::minutes(FLOW_MINUTES))
        .build()
}

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
    let provider = p.config.id.clone();
    app.db
        .write(move |c| {
            let now = Timestamp::now();
            c.execute("DELETE FROM oidc_flow WHERE expires_at < ?1", [now.to_string()])?;
            c.prepare_cached(
                "INSERT INTO oidc_flow (state_sha256, browser_sha256, provider, link_account_id, next, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                state_hash,
                browser_hash,
                provider,
                link_account,
                next,
                now.to_string(),
                (now + SignedDuration::from_mins(FLOW_MINUTES)).to_string()
            ])?;
            Ok::<_, ApiError>(())
        })
        .await?;
    let purpose = if link_account.is_some() { "link" } else { "login" };
    let page = onward(&app, &headers, url.as_str(), json!({"provider": p.config.name, "purpose": purpose}))?;
    Ok((jar.add(flow_cookie(browser, app.config.https())), page).into_response())
}

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

struct Flow {
    provider: String,
    browser_sha256: Vec<u8>,
    link_account: Option<i64>,
    next: String,
    expired: bool,
}

fn refused(message: impl Into<String>) -> ApiError {
    ApiError::bad_request(message).with_back(LOGIN_PAGE)
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
    let state = q.state.filter(|s| !s.is_empty() && s.len() <= 128).ok_or_else(|| {
        refused(format!(
            "Răspunsul primit de la {name} nu este complet (lipsește parametrul „state”). Porniți autentificarea din nou de pe pagina de autentificare."
        ))
    })?;
    // The flow is used up by this first answer, whatever follows: a replayed state finds it used.
    let state_hash = tokens::hash(&state);
    let flow = app
        .db
        .write(move |c| {
            let now = Timestamp::now().to_string();
            let row = c
                .query_row(
                    "SELECT provider, browser_sha256, link_account_id, next, expires_at < ?2, used_at IS NOT NULL
                     FROM oidc_flow WHERE state_sha256 = ?1",
                    params![state_hash, now],
                    |r| {
                        Ok((
                            Flow {
                                provider: r.get(0)?,
                                browser_sha256: r.get(1)?,
                                link_account: r.get(2)?,
                                next: r.get(3)?,
                                expired: r.get(4)?,
                            },
                            r.get::<_, bool>(5)?,
                        ))
                    },
                )
                .optional()?;
            match row {
                None => Err(refused(
                    "Această autentificare nu a fost pornită de pe acest site sau a expirat. Porniți-o din nou de pe pagina de autentificare.",
                )),
                Some((_, true)) => Err(refused(
                    "Acest răspuns de autentificare a fost deja folosit o dată și nu mai poate fi folosit (parametrul „state” se folosește o singură dată). Porniți autentificarea din nou.",
                )),
                Some((flow, false)) => {
                    c.execute("UPDATE oidc_flow SET used_at = ?2 WHERE state_sha256 = ?1", params![state_hash, now])?;
                    Ok(flow)
                }
            }
        })
        .await?;
    if flow.expired {
        return Err(refused(format!(
            "Au trecut mai mult de {FLOW_MINUTES} minute de când ați pornit autentificarea. Porniți-o din nou."
        )));
    }
    if flow.provider != p.config.id {
        return Err(refused(format!(
            "Răspunsul a sosit pentru {name}, dar autentificarea fusese pornită cu alt furnizor. Nu v-am autentificat; porniți autentificarea din nou."
        )));
    }
    let browser = jar.get(FLOW_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default();
    if browser.is_empty() || tokens::hash(&browser) != flow.browser_sha256 {
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
    if let Some(iss) = q.iss.as_deref().filter(|iss| iss.trim_end_matches('/') != p.config.issuer) {
        let iss: String = iss.chars().take(200).collect();
        return Err(refused(format!(
            "Răspunsul vine de la un emitent necunoscut ({iss}), nu de la {name}. Nu v-am autentificat."
        )));
    }
    let code = q.code.filter(|c| !c.is_empty() && c.len() <= 2048).ok_or_else(|| {
        refused(format!(
            "Răspunsul primit de la {name} nu conține codul de autorizare. Porniți autentificarea din nou."
        ))
    })?;
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
        .set_pkce_verifier(PkceCodeVerifier::new(derive("pkce", &browser, &state)));
    if let (Some(key), Some(audience)) = (&p.config.client_key, &d.assertion_audience) {
        let assertion = key
            .assertion(&p.config.client_id, audience, Timestamp::now().as_second())
            .map_err(|e| provider_down(&e))?;
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
    let nonce = Nonce::new(derive("nonce", &browser, &state));
    let mut claims =
        verify::id_token(id_token, &d.client.id_token_verifier(), &nonce).map_err(|r| refused(r.message(&name)))?;
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
    let https = app.config.https();
    let provider = p.config.id.clone();
    let link = flow.link_account;
    let received = serde_json::to_string(&outcome.received).map_err(ApiError::internal)?;
    let conflict_name = name.clone();
    let cookie = app
        .db
        .write(move |c| {
            let now = Timestamp::now().to_string();
            let existing: Option<i64> = c
                .query_row(
                    "SELECT account_id FROM identity WHERE provider = ?1 AND subject = ?2",
                    params![provider, outcome.subject],
                    |r| r.get(0),
                )
                .optional()?;
            let account = match (link, existing) {
                (Some(link), Some(other)) if other != link => {
                    return Err(ApiError::conflict(format!(
                        "Această identitate {conflict_name} este deja legată de alt cont. Intrați în acel cont cu {conflict_name}; dacă nu mai aveți nevoie de el, îl puteți șterge de pe pagina contului."
                    ))
                    .with_back("/api/cont"));
                }
                (Some(link), _) => link,
                (None, Some(account)) => account,
                (None, None) => {
                    c.execute("INSERT INTO account (email, name, created_at) VALUES (NULL, ?1, ?2)", params![outcome.name, now])?;
                    c.last_insert_rowid()
                }
            };
            c.execute(
                "INSERT INTO identity (account_id, provider, subject, assurance, created_at, received, last_login_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5)
                 ON CONFLICT (provider, subject) DO UPDATE SET assurance = excluded.assurance,
                     received = excluded.received, last_login_at = excluded.last_login_at",
                params![account, provider, outcome.subject, outcome.assurance.as_str(), now, received],
            )?;
            if !outcome.name.is_empty() {
                c.execute("UPDATE account SET name = ?2 WHERE id = ?1 AND name = ''", params![account, outcome.name])?;
            }
            let email_verified: bool =
                c.query_row("SELECT email_verified_at IS NOT NULL FROM account WHERE id = ?1", [account], |r| r.get(0))?;
            let level = if email_verified { outcome.assurance.max(Assurance::EmailVerified) } else { outcome.assurance };
            if let Some(old) = old_session {
                c.execute("DELETE FROM session WHERE token_sha256 = ?1", [old])?;
            }
            let cookie = session::start(c, account, level, https)?;
            c.execute(
                "UPDATE session SET oidc_provider = ?2 WHERE token_sha256 = ?1",
                params![tokens::hash(cookie.value()), provider],
            )?;
            Ok::<_, ApiError>(cookie)
        })
        .await?;
    let mut gone = flow_cookie(String::new(), app.config.https());
    gone.make_removal();
    Ok((jar.add(gone).add(cookie), see_other(&local_next(Some(&flow.next)))).into_response())
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

/// The public key civic signs its client assertions with (`private_key_jwt`), as a JWK Set:
/// what the provider registers, by value or by this address (`jwks_uri`).
#[utoipa::path(
    get, path = "/api/auth/oidc/{provider}/jwks.json", tag = "accounts", operation_id = "oidc_jwks",
    params(("provider" = String, Path, description = "the provider's id")),
    responses(
        (status = 200, description = "the JWK Set", body = crate::openapi::Jwks),
        (status = 404, description = "no such provider, or civic signs no assertions for it")
    )
)]
pub async fn jwks(State(app): State<App>, Path(id): Path<String>) -> ApiResult<Response> {
    let p = app.oidc.get(&id)?;
    let key = p.config.client_key.as_ref().ok_or_else(|| {
        ApiError::not_found(format!(
            "Acest site nu se autentifică la {} cu o cheie proprie, deci nu are o cheie publică de arătat.",
            p.config.name
        ))
    })?;
    Ok(axum::Json(json!({"keys": [key.public_jwk()]})).into_response())
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

/// Removes a provider from the logged-in account, unless it is the only way left to log in.
#[utoipa::path(
    post, path = "/api/auth/oidc/{provider}/unlink", tag = "accounts", operation_id = "oidc_unlink",
    params(("provider" = String, Path, description = "the provider's id")),
    responses(
        (status = 303, description = "removed; to the account page"),
        (status = 401, description = "not logged in"),
        (status = 404, description = "the account has no such identity"),
        (status = 409, description = "it is the only way to log in")
    )
)]
pub async fn unlink(State(app): State<App>, Path(id): Path<String>, SignedIn(user): SignedIn) -> ApiResult<Response> {
    let name = provider_name(&app, &id);
    let account = user.id;
    app.db
        .write(move |c| {
            let linked: bool = c.query_row(
                "SELECT count(*) > 0 FROM identity WHERE account_id = ?1 AND provider = ?2",
                params![account, id],
                |r| r.get(0),
            )?;
            if !linked || id == "email" {
                return Err(ApiError::not_found(format!("Contul dumneavoastră nu este legat de {name}.")).with_back("/api/cont"));
            }
            let (others, has_email): (i64, bool) = c.query_row(
                "SELECT (SELECT count(*) FROM identity WHERE account_id = ?1 AND provider <> ?2 AND provider <> 'email'),
                        email IS NOT NULL FROM account WHERE id = ?1",
                params![account, id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if others == 0 && !has_email {
                return Err(ApiError::conflict(format!(
                    "{name} este singura modalitate prin care puteți intra în acest cont, așa că nu o putem elimina. Dacă nu mai doriți contul, îl puteți șterge."
                ))
                .with_back("/api/cont"));
            }
            c.execute("DELETE FROM identity WHERE account_id = ?1 AND provider = ?2", params![account, id])?;
            // Sessions that came from this provider keep only what the account itself proves.
            c.execute(
                "UPDATE session SET oidc_provider = NULL,
                     assurance = CASE WHEN (SELECT email_verified_at IS NOT NULL FROM account WHERE id = ?1)
                                      THEN 'email_verified' ELSE 'none' END
                 WHERE account_id = ?1 AND oidc_provider = ?2",
                params![account, id],
            )?;
            Ok(())
        })
        .await?;
    Ok(see_other("/api/cont"))
}

/// Where to send the browser after civic's own logout: the provider's end-session endpoint
/// (RP-initiated logout), when the session came from a provider that has one.
pub async fn logout_url(app: &App, provider: &str) -> Option<String> {
    let p = app.oidc.get(provider).ok()?;
    let d = p.discovered(&app.oidc.http, &app.config.public_url).await.ok()?;
    let end = d.end_session.clone()?;
    let back = PostLogoutRedirectUrl::new(format!("{}/", app.config.public_url.trim_end_matches('/'))).ok()?;
    Some(
        LogoutRequest::from(end)
            .set_client_id(ClientId::new(p.config.client_id.clone()))
            .set_post_logout_redirect_uri(back)
            .http_get_url()
            .to_string(),
    )
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use crate::db::{MIGRATIONS, migrate, migrate_to};

    /// The OIDC migration rebuilds `account` (its e-mail becomes optional): the rows pointing
    /// at accounts survive, foreign keys are back on, and deleting an account still cascades.
    #[test]
    fn the_account_rebuild_keeps_identities_and_sessions() {
        let before = MIGRATIONS.iter().position(|(name, _)| name.ends_with("_oidc")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("civic.db")).unwrap();
        conn.execute_batch("PRAGMA foreign_keys = ON").unwrap();
        migrate_to(&conn, before).unwrap();
        conn.execute_batch(
            "INSERT INTO account (id, email, created_at) VALUES (7, 'a@example.ro', 'x');
             INSERT INTO identity (account_id, provider, subject, assurance, created_at)
                 VALUES (7, 'email', 'a@example.ro', 'email_verified', 'x');
             INSERT INTO session (token_sha256, account_id, assurance, created_at, expires_at)
                 VALUES (x'00', 7, 'email_verified', 'x', 'y');",
        )
        .unwrap();
        migrate(&conn).unwrap();
        let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0)).unwrap();
        assert_eq!(count("SELECT count(*) FROM identity WHERE account_id = 7"), 1);
        assert_eq!(count("SELECT count(*) FROM session WHERE account_id = 7"), 1);
        assert_eq!(count("PRAGMA foreign_keys"), 1);
        conn.execute("INSERT INTO account (email, created_at) VALUES (NULL, 'x')", []).unwrap();
        conn.execute("INSERT INTO account (email, created_at) VALUES (NULL, 'x')", []).unwrap();
        conn.execute("DELETE FROM account WHERE id = 7", []).unwrap();
        assert_eq!(count("SELECT count(*) FROM identity"), 0, "deleting an account still cascades");
    }
}
