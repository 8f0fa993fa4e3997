//! The embedded default identity: accounts by e-mail, with a password (argon2id) and/or magic
//! links, e-mail verification, sessions, "my account" with my submissions, export of my data and
//! deletion of my account. An account can hold several identities (its e-mail, later OpenID
//! Connect subjects), each with an assurance level.

pub(crate) mod links;
pub(crate) mod login;
pub(crate) mod my_account;
pub(crate) mod pages;
pub mod password;
pub mod role;
pub mod session;
pub(crate) mod status;
pub mod store;
pub mod throttle;
pub mod tokens;

use axum::Router;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use links::{request_link, signup, use_link};
use login::{login, logout};
use my_account::{account_page, delete_account, export};
use pages::{check_mail_page, link_page, login_page, signup_page};
use serde_json::json;
use status::account_status;

use crate::app::{App, local_next, see_other, wants_json};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/api/cont/autentificare", get(login_page))
        .route("/api/cont/inregistrare", get(signup_page))
        .route("/api/cont/verificati-emailul", get(check_mail_page))
        .route("/api/auth/signup", post(signup))
        .route("/api/auth/login", post(login))
        .route("/api/auth/magic-link", post(request_link))
        .route("/api/auth/link", get(link_page).post(use_link))
        .route("/api/auth/logout", post(logout))
        .route("/api/cont", get(account_page))
        .route("/api/cont/stare", get(account_status))
        .route("/api/cont/export", get(export))
        .route("/api/cont/sterge", post(delete_account))
}

/// A new session's answer: the cookie, then JSON for clients or a redirect to `next` for browsers.
fn signed_in(headers: &HeaderMap, jar: CookieJar, next: Option<&str>) -> Response {
    if wants_json(headers) {
        return (jar, axum::Json(json!({"status": "signed_in"}))).into_response();
    }
    (jar, see_other(&local_next(next))).into_response()
}
