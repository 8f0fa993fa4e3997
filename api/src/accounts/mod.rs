//! The embedded default identity: accounts by e-mail, with a password (argon2id) and/or magic
//! links, e-mail verification, sessions, "my account" with my submissions, export of my data and
//! deletion of my account. An account can hold several identities (its e-mail, later OpenID
//! Connect subjects), each with an assurance level.

pub mod password;
pub mod session;
pub mod throttle;
pub mod tokens;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum_extra::extract::CookieJar;
use jiff::{SignedDuration, Timestamp};
use rusqlite::{Connection, OptionalExtension, params};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::{App, Input, local_next, onward, see_other, wants_json};
use crate::email;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::mail;
use crate::published::Assurance;
use session::{SignedIn, Viewer};

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
        .route("/api/cont/export", get(export))
        .route("/api/cont/sterge", post(delete_account))
}

/// How long a magic link and an e-mail verification link stay valid.
const MAGIC_LINK_MINUTES: i64 = 30;
const VERIFY_LINK_HOURS: i64 = 48;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct NextQuery {
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
async fn login_page(State(app): State<App>, Query(q): Query<NextQuery>, Viewer(user): Viewer) -> ApiResult<Response> {
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
async fn signup_page(State(app): State<App>, Query(q): Query<NextQuery>) -> ApiResult<Response> {
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
async fn check_mail_page(State(app): State<App>) -> ApiResult<Response> {
    Ok(app
        .page("api/check_mail.html", "Verificați e-mailul", "/api/cont/verificati-emailul", json!({}))?
        .into_response())
}

/// A new session's answer: the cookie, then JSON for clients or a redirect to `next` for browsers.
fn signed_in(headers: &HeaderMap, jar: CookieJar, next: Option<&str>) -> Response {
    if wants_json(headers) {
        return (jar, axum::Json(json!({"status": "signed_in"}))).into_response();
    }
    (jar, see_other(&local_next(next))).into_response()
}

/// "We sent you a link": the same answer whether or not the address has an account.
fn link_sent(headers: &HeaderMap) -> Response {
    if wants_json(headers) {
        (StatusCode::ACCEPTED, axum::Json(json!({"status": "check_your_email"}))).into_response()
    } else {
        see_other("/api/cont/verificati-emailul")
    }
}

/// Queues a one-time link to `account` in the caller's transaction.
fn queue_link(conn: &Connection, app: &App, account: i64, to: &str, purpose: &str, next: &str) -> ApiResult<()> {
    let (token, hash) = tokens::new_token();
    let now = Timestamp::now();
    let valid = match purpose {
        "magic_link" => SignedDuration::from_mins(MAGIC_LINK_MINUTES),
        _ => SignedDuration::from_hours(VERIFY_LINK_HOURS),
    };
    conn.prepare_cached(
        "INSERT INTO login_token (token_sha256, purpose, account_id, created_at, expires_at, next)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![hash, purpose, account, now.to_string(), (now + valid).to_string(), next])?;
    let url = format!("{}/api/auth/link?token={token}", app.config.public_url);
    let m = mail::compose(
        &app.published(),
        purpose,
        to,
        json!({"url": url, "minutes": MAGIC_LINK_MINUTES, "hours": VERIFY_LINK_HOURS}),
    )?;
    mail::enqueue(conn, &m, &now.to_string())?;
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
    app.db
        .write(move |c| {
            let now = Timestamp::now().to_string();
            let existing: Option<i64> =
                c.query_row("SELECT id FROM account WHERE email = ?1", [&email], |r| r.get(0)).optional()?;
            match existing {
                // Say nothing on the page about who has an account; tell the owner by e-mail.
                Some(id) => queue_link(c, &a, id, &email, "magic_link", &next),
                None => {
                    c.execute(
                        "INSERT INTO account (email, name, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
                        params![email, name, hash, now],
                    )?;
                    queue_link(c, &a, c.last_insert_rowid(), &email, "verify_email", &next)
                }
            }
        })
        .await?;
    app.mail_queued.notify_one();
    Ok(link_sent(&headers))
}

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
    let found: Option<(i64, Option<String>, bool)> = app
        .db
        .read(move |c| {
            c.query_row(
                "SELECT id, password_hash, email_verified_at IS NOT NULL FROM account WHERE email = ?1",
                [&email],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(ApiError::from)
        })
        .await?;
    let stored = found.as_ref().and_then(|f| f.1.clone());
    if !password::verify(&app, form.password, stored).await? {
        return match app.logins.failed(&key) {
            Some(wait) => Ok(locked(wait)),
            None => Err(wrong()),
        };
    }
    app.logins.succeeded(&key);
    let (id, _, verified) = found.ok_or_else(wrong)?;
    let assurance = if verified { Assurance::EmailVerified } else { Assurance::None };
    let https = app.config.https();
    let cookie = app.db.write(move |c| session::start(c, id, assurance, https).map_err(ApiError::from)).await?;
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
    app.db
        .write(move |c| {
            let id = match c.query_row("SELECT id FROM account WHERE email = ?1", [&email], |r| r.get(0)).optional()? {
                Some(id) => id,
                None => {
                    c.execute(
                        "INSERT INTO account (email, created_at) VALUES (?1, ?2)",
                        params![email, Timestamp::now().to_string()],
                    )?;
                    c.last_insert_rowid()
                }
            };
            queue_link(c, &a, id, &email, "magic_link", &next)
        })
        .await?;
    app.mail_queued.notify_one();
    Ok(link_sent(&headers))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct TokenQuery {
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
async fn link_page(State(app): State<App>, Query(q): Query<TokenQuery>) -> ApiResult<Response> {
    let token = q
        .token
        .filter(|t| !t.is_empty() && t.len() < 100)
        .ok_or_else(|| ApiError::bad_request("Linkul nu este complet. Copiați în browser toată adresa din e-mail."))?;
    Ok(app.page("api/link.html", "Confirmați", "/api/auth/link", json!({"token": token}))?.into_response())
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
    let (cookie, next) = app
        .db
        .write(move |c| {
            let now = Timestamp::now().to_string();
            let row: Option<(i64, String, Option<String>)> = c
                .query_row(
                    "SELECT t.account_id, a.email, t.next FROM login_token t JOIN account a ON a.id = t.account_id
                     WHERE t.token_sha256 = ?1 AND t.used_at IS NULL AND t.expires_at > ?2",
                    params![hash, now],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let Some((account, email, next)) = row else {
                return Err(ApiError::bad_request(
                    "Linkul a expirat sau a fost deja folosit. Cereți unul nou de pe pagina de autentificare.",
                )
                .with_back("/api/cont/autentificare"));
            };
            c.execute("UPDATE login_token SET used_at = ?2 WHERE token_sha256 = ?1", params![hash, now])?;
            // Using a link sent to the address proves the address.
            c.execute(
                "UPDATE account SET email_verified_at = ?2 WHERE id = ?1 AND email_verified_at IS NULL",
                params![account, now],
            )?;
            c.execute(
                "INSERT INTO identity (account_id, provider, subject, assurance, created_at)
                 VALUES (?1, 'email', ?2, 'email_verified', ?3) ON CONFLICT (provider, subject) DO NOTHING",
                params![account, email, now],
            )?;
            // Submissions sent earlier from this address, without an account, are now theirs.
            c.execute(
                "UPDATE submission SET account_id = ?1 WHERE email = ?2 AND account_id IS NULL",
                params![account, email],
            )?;
            Ok((session::start(c, account, Assurance::EmailVerified, https)?, next))
        })
        .await?;
    Ok(signed_in(&headers, jar.add(cookie), next.as_deref()))
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
        provider = app
            .db
            .write(move |c| {
                c.query_row("DELETE FROM session WHERE token_sha256 = ?1 RETURNING oidc_provider", [hash], |r| {
                    r.get::<_, Option<String>>(0)
                })
                .optional()
                .map_err(ApiError::from)
            })
            .await?
            .flatten();
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

/// My submissions, newest first.
pub fn submissions_of(c: &Connection, account: i64) -> rusqlite::Result<Vec<Value>> {
    let mut s = c.prepare_cached(
        "SELECT number, form_title, registered_at, COALESCE(extended_due_on, due_on), status, fields
         FROM submission WHERE account_id = ?1 ORDER BY id DESC",
    )?;
    s.query_map([account], |r| {
        Ok(json!({
            "number": r.get::<_, String>(0)?,
            "form": r.get::<_, String>(1)?,
            "registered_at": r.get::<_, String>(2)?,
            "due_on": r.get::<_, Option<String>>(3)?,
            "status": r.get::<_, String>(4)?,
            "fields": serde_json::from_str::<Value>(&r.get::<_, String>(5)?).unwrap_or(Value::Null),
        }))
    })?
    .collect()
}

/// My account: submissions, identities, export and deletion.
#[utoipa::path(
    get, path = "/api/cont", tag = "accounts", operation_id = "account_page",
    responses(
        (status = 200, description = "the page", body = String, content_type = "text/html"),
        (status = 401, description = "not logged in")
    )
)]
async fn account_page(State(app): State<App>, SignedIn(user): SignedIn) -> ApiResult<Response> {
    let id = user.id;
    let (submissions, identities) = app
        .db
        .read(move |c| {
            let subs = submissions_of(c, id)?;
            let ids = c
                .prepare_cached(
                    "SELECT provider, subject, assurance, created_at, received FROM identity WHERE account_id = ?1 ORDER BY id",
                )?
                .query_map([id], |r| {
                    Ok(json!({"provider": r.get::<_, String>(0)?, "subject": r.get::<_, String>(1)?,
                              "assurance": r.get::<_, String>(2)?, "created_at": r.get::<_, String>(3)?,
                              "received": serde_json::from_str::<Value>(&r.get::<_, String>(4)?).unwrap_or_default()}))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok::<_, ApiError>((subs, ids))
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
    let ctx = json!({"user": user, "submissions": submissions, "identities": identities, "providers": providers});
    Ok(app.page("api/account.html", "Contul meu", "/api/cont", ctx)?.into_response())
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
    let data = app
        .db
        .read(move |c| {
            let account = c.query_row(
                "SELECT email, name, role, created_at, email_verified_at, password_hash IS NOT NULL FROM account WHERE id = ?1",
                [id],
                |r| {
                    Ok(json!({"email": r.get::<_, Option<String>>(0)?, "name": r.get::<_, String>(1)?,
                              "role": r.get::<_, String>(2)?, "created_at": r.get::<_, String>(3)?,
                              "email_verified_at": r.get::<_, Option<String>>(4)?,
                              "has_password": r.get::<_, bool>(5)?}))
                },
            )?;
            let identities = c
                .prepare_cached(
                    "SELECT provider, subject, assurance, created_at, received FROM identity WHERE account_id = ?1",
                )?
                .query_map([id], |r| {
                    Ok(json!({"provider": r.get::<_, String>(0)?, "subject": r.get::<_, String>(1)?,
                              "assurance": r.get::<_, String>(2)?, "created_at": r.get::<_, String>(3)?,
                              "claims_received": serde_json::from_str::<Value>(&r.get::<_, String>(4)?).unwrap_or_default()}))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let sessions: i64 = c.query_row("SELECT count(*) FROM session WHERE account_id = ?1", [id], |r| r.get(0))?;
            Ok::<_, ApiError>(json!({
                "account": account,
                "identities": identities,
                "active_sessions": sessions,
                "submissions": submissions_of(c, id)?,
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
    app.db.write(move |c| c.execute("DELETE FROM account WHERE id = ?1", [id]).map_err(ApiError::from)).await?;
    let jar = jar.add(session::removal(app.config.https()));
    if wants_json(&headers) {
        return Ok((jar, axum::Json(json!({"status": "deleted"}))).into_response());
    }
    let page = app.page("api/deleted.html", "Cont șters", "/api/cont", json!({}))?;
    Ok((jar, page).into_response())
}
