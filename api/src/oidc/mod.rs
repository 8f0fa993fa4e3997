//! Logging in with an OpenID Connect provider (ROeID, or any standard one): the authorization
//! code flow with PKCE (S256), `state` and `nonce`; the ID token checked against the provider's
//! keys; userinfo when configured; RP-initiated logout. An account holds several identities;
//! a provider is added to an account only by someone logged in to it who then completes the
//! provider's login, and never because an e-mail address matches.
//!
//! A pending login is a row of `oidc_flow` keyed by the SHA-256 of its `state`, bound to the
//! browser by a random cookie. The PKCE verifier and the nonce are derived from that cookie and
//! the state, so neither is stored: a copy of the database finishes no login.

pub(crate) mod callback;
pub mod client_auth;
pub mod config;
pub(crate) mod jwks;
pub mod provider;
pub(crate) mod start;
pub mod store;
pub(crate) mod unlink;
pub mod verify;

use axum::Router;
use axum::routing::{get, post};
use axum_extra::extract::cookie::{Cookie, SameSite};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::{ClientId, LogoutRequest, PostLogoutRedirectUrl};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub use config::Provider;
pub use provider::Providers;

use crate::app::App;
use crate::error::ApiError;
use crate::published::Assurance;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/api/auth/oidc/{provider}", post(start::start))
        .route("/api/auth/oidc/{provider}/callback", get(callback::callback))
        .route("/api/auth/oidc/{provider}/unlink", post(unlink::unlink))
        .route("/api/auth/oidc/{provider}/jwks.json", get(jwks::jwks))
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

fn refused(message: impl Into<String>) -> ApiError {
    ApiError::bad_request(message).with_back(LOGIN_PAGE)
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
