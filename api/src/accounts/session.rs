//! Sessions: a random token in an HttpOnly, SameSite=Lax cookie (Secure over https), stored
//! only as its SHA-256, looked up on a read-only connection.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use jiff::{SignedDuration, Timestamp};
use rusqlite::Connection;
use serde::Serialize;

use super::role::Role;
use super::{store, tokens};
use crate::app::App;
use crate::error::ApiError;
use crate::published::Assurance;

/// How long a login lasts.
pub const SESSION_DAYS: i64 = 7;

/// The cookie's name: `__Host-` (bound to this host, Secure, path /) when served over https.
pub fn cookie_name(https: bool) -> &'static str {
    if https { "__Host-civic_session" } else { "civic_session" }
}

/// The logged-in person, as a request sees them.
#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    /// How sure this session is of who they are.
    pub assurance: Assurance,
    pub email_verified: bool,
}

impl User {
    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }
}

/// Starts a session for `account` in the caller's write; returns the cookie to set.
pub fn start(
    c: &Connection,
    account: i64,
    assurance: Assurance,
    https: bool,
    now: Timestamp,
) -> rusqlite::Result<Cookie<'static>> {
    let (token, hash) = tokens::new_token();
    store::insert_session(c, &hash, account, assurance, now, SignedDuration::from_hours(24 * SESSION_DAYS))?;
    Ok(cookie(token, https))
}

fn cookie(token: String, https: bool) -> Cookie<'static> {
    Cookie::build((cookie_name(https), token))
        .http_only(true)
        .secure(https)
        .same_site(SameSite::Lax)
        .path("/")
        .max_age(time_days(SESSION_DAYS))
        .build()
}

fn time_days(days: i64) -> cookie::time::Duration {
    cookie::time::Duration::days(days)
}

/// The cookie that ends a session in the browser.
pub fn removal(https: bool) -> Cookie<'static> {
    let mut c = cookie(String::new(), https);
    c.make_removal();
    c
}

/// The session token the request carries, if any.
pub fn token(jar: &CookieJar, https: bool) -> Option<String> {
    jar.get(cookie_name(https)).map(|c| c.value().to_owned())
}

/// The logged-in user, if the request has a live session.
pub struct Viewer(pub Option<User>);

impl FromRequestParts<App> for Viewer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(token) = token(&jar, app.config.https()) else { return Ok(Viewer(None)) };
        let hash = tokens::hash(&token);
        let now = app.clock.now();
        Ok(Viewer(app.db.read(move |c| store::session_user(c, &hash, now).map_err(ApiError::from)).await?))
    }
}

/// A logged-in user; others are asked to log in.
pub struct SignedIn(pub User);

impl FromRequestParts<App> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        match Viewer::from_request_parts(parts, app).await?.0 {
            Some(u) => Ok(SignedIn(u)),
            None => Err(ApiError::unauthorized("Pentru această pagină trebuie să vă autentificați.")
                .with_back("/api/cont/autentificare")),
        }
    }
}

/// A logged-in member of staff (role `staff` or `admin`).
pub struct Staff(pub User);

impl FromRequestParts<App> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let SignedIn(user) = SignedIn::from_request_parts(parts, app).await?;
        if user.is_staff() {
            Ok(Staff(user))
        } else {
            Err(ApiError::forbidden("Această pagină este doar pentru personalul primăriei."))
        }
    }
}
