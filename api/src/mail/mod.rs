//! E-mail: every message is written to the `outbox` table in the same transaction as the action
//! that causes it ([`enqueue`]); the [`sender`] task delivers it later over SMTP (or as an `.eml`
//! file when no SMTP server is configured), with retries and backoff. Messages are the theme's
//! `templates/mail/*.txt`: the first line is the subject, the rest the body.

pub mod sender;

use rand::RngCore;
use rusqlite::{Connection, params};
use serde_json::Value;

use crate::error::{ApiError, ApiResult};
use crate::published::Published;

/// One message, ready to queue.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

/// Renders `templates/mail/<template>.txt` for `to`; a template that fails is a fault of the
/// service (503, logged).
pub fn compose(published: &Published, template: &str, to: &str, ctx: Value) -> ApiResult<Mail> {
    render(published, template, to, ctx).map_err(ApiError::internal)
}

/// Renders `templates/mail/<template>.txt` for `to`: the first line is the subject.
pub fn render(published: &Published, template: &str, to: &str, ctx: Value) -> Result<Mail, minijinja::Error> {
    let ctx = minijinja::context! { site => published.frame_value.clone(), ..minijinja::Value::from(minijinja::value::Serde(&ctx)) };
    let text = published.env.get_template(&format!("mail/{template}.txt")).and_then(|t| t.render(ctx))?;
    let (subject, body) = text.split_once('\n').unwrap_or((&text, ""));
    Ok(Mail { to: to.to_owned(), subject: subject.trim().to_owned(), body: body.trim_start_matches('\n').to_owned() })
}

/// Queues `mail` in the caller's transaction: it is sent only if that transaction commits.
pub fn enqueue(conn: &Connection, mail: &Mail, now: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO outbox (message_id, recipient, subject, body, created_at, next_attempt_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
    )?
    .execute(params![message_id(), mail.to, mail.subject, mail.body, now])?;
    Ok(())
}

/// Queues `templates/mail/<template>.txt` for `to` in the caller's transaction, rendered with
/// `context` (a JSON object, as [`compose`] takes it) only when the sender delivers it: for the
/// e-mails of the busiest requests (a form's acknowledgement), whose rendering and text would
/// otherwise be on the request's path and in its write.
pub fn enqueue_template(conn: &Connection, to: &str, template: &str, context: &str, now: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO outbox (message_id, recipient, subject, body, template, context, created_at, next_attempt_at)
         VALUES (?1, ?2, '', '', ?3, ?4, ?5, ?5)",
    )?
    .execute(params![message_id(), to, template, context, now])?;
    Ok(())
}

/// A new Message-ID. Time first, then randomness: unique, and each new one lands at the end of
/// the index on `message_id` instead of on a random page (one page less written per e-mail).
fn message_id() -> String {
    format!("<{}@civic>", message_id_stem())
}

/// The unique, time-ordered start of a Message-ID (`<{stem}@civic>`), for a statement that
/// queues many messages at once and ends each one's ID with something unique to it.
pub fn message_id_stem() -> String {
    let nanos = crate::clock::system_time().as_nanosecond();
    format!("{nanos:x}.{:016x}", rand::rng().next_u64())
}

/// Queues `mail` with extra headers (a JSON object of name → value, e.g. RFC 8058's
/// `List-Unsubscribe`), which the sender adds as they are.
pub fn enqueue_with_headers(conn: &Connection, mail: &Mail, now: &str, headers: &Value) -> rusqlite::Result<()> {
    enqueue(conn, mail, now)?;
    conn.prepare_cached("UPDATE outbox SET headers = ?2 WHERE id = ?1")?
        .execute(params![conn.last_insert_rowid(), headers.to_string()])?;
    Ok(())
}
