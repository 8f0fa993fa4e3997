//! Delivers queued e-mails. Each message is claimed before it is sent (its next attempt pushed
//! back by the backoff), so one message is never in two deliveries at once; a successful send
//! marks it sent. A crash between sending and marking can repeat a message after the backoff;
//! it keeps its Message-ID, so mail systems recognise the repeat.

use std::time::Duration;

use jiff::SignedDuration;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use rusqlite::params;

use crate::app::App;
use crate::config::{ApiConfig, SmtpSecurity};
use crate::db::DbError;

/// After this many failed attempts a message is left with its error for an administrator.
const MAX_ATTEMPTS: i64 = 10;

/// With this many writes waiting for the writer (a flood of signatures or submissions), the
/// sender delivers one small batch (`BUSY_BATCH`) a second instead of 200 back to back:
/// claiming and recording each batch goes through the same writer, and the people signing come
/// first. What waits stays in the outbox, durable. Measured (civic-api-bench, 256 connections,
/// `.eml` sender running): signing 8,861/s before, 19,204–19,546/s after.
const BUSY_BACKLOG: usize = 16;
const BUSY_BATCH: usize = 50;

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
}

fn transport(config: &ApiConfig) -> anyhow::Result<Transport> {
    let Some(smtp) = &config.smtp else {
        std::fs::create_dir_all(&config.mail_dir)?;
        return Ok(Transport::Files(AsyncFileTransport::new(&config.mail_dir)));
    };
    let mut builder = match smtp.security {
        SmtpSecurity::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
        SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)?,
        SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host)?,
    }
    .port(smtp.port)
    .timeout(Some(Duration::from_secs(20)));
    if let Some((user, password)) = &smtp.credentials {
        builder = builder.credentials(Credentials::new(user.clone(), password.clone()));
    }
    Ok(Transport::Smtp(builder.build()))
}

struct Queued {
    id: i64,
    attempts: i64,
    message_id: String,
    recipient: String,
    subject: String,
    body: String,
    headers: String,
    /// A message queued as a template and its context (`mail::enqueue_template`), rendered
    /// into `subject` and `body` just before sending.
    template: Option<(String, String)>,
}

/// A delivery's outcome: the message, the subject and body rendered from its template (kept
/// once it is sent, so the outbox shows what went out), the error if it was not sent.
type Outcome = (i64, Option<(String, String)>, Option<String>);

/// Runs until the process ends: delivers what is due, then sleeps until woken by a new
/// message or until the next retry is due.
pub async fn run(app: App) {
    let transport = match transport(&app.config) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("civic api: mail is off: {e}");
            return;
        }
    };
    if app.config.smtp.is_none() {
        eprintln!("civic api: no SMTP server configured; e-mails are written to {}", app.config.mail_dir.display());
    }
    loop {
        let busy = app.db.backlog() >= BUSY_BACKLOG;
        let delivered = deliver_due(&app, &transport, if busy { BUSY_BATCH } else { 200 }).await.unwrap_or_else(|e| {
            eprintln!("civic api: mail: {e}");
            0
        });
        if delivered == 0 {
            let _ = tokio::time::timeout(Duration::from_secs(5), app.mail_queued.notified()).await;
        } else if app.db.backlog() >= BUSY_BACKLOG {
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

/// The wait before attempt `n + 1` (n ≥ 1): the base, doubled each time, at most six hours.
fn backoff(base: Duration, attempts: i64) -> SignedDuration {
    let secs = base.as_secs_f64() * 2f64.powi((attempts - 1).clamp(0, 20) as i32);
    SignedDuration::from_secs_f64(secs.min(6.0 * 3600.0))
}

/// Claims the messages that are due (one write), sends them, records the outcome (one write).
async fn deliver_due(app: &App, transport: &Transport, limit: usize) -> Result<usize, DbError> {
    let now = app.clock.now();
    let base = app.config.mail_retry;
    // Claim: every due message gets its next attempt pushed back by its backoff, in the same
    // statement that reads it, so no other delivery can pick it up meanwhile. Oldest due first,
    // in the order of the `outbox_due` index, so the claim stops after `limit` rows (ordered by
    // id it sorted every queued message: ~60 ms inside the writer with 200,000 queued).
    let due: Vec<Queued> = app
        .db
        .write(move |c| {
            let mut s = c.prepare_cached(
                "SELECT id, attempts, message_id, recipient, subject, body, headers, template, context FROM outbox
                 WHERE sent_at IS NULL AND attempts < ?1 AND next_attempt_at <= ?2 ORDER BY next_attempt_at LIMIT ?3",
            )?;
            let due = s
                .query_map(params![MAX_ATTEMPTS, now.to_string(), limit as i64], |r| {
                    Ok(Queued {
                        id: r.get(0)?,
                        attempts: r.get(1)?,
                        message_id: r.get(2)?,
                        recipient: r.get(3)?,
                        subject: r.get(4)?,
                        body: r.get(5)?,
                        headers: r.get(6)?,
                        template: r.get::<_, Option<String>>(7)?.zip(r.get::<_, Option<String>>(8)?),
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut claim =
                c.prepare_cached("UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2 WHERE id = ?1")?;
            for q in &due {
                claim.execute(params![q.id, (now + backoff(base, q.attempts + 1)).to_string()])?;
            }
            Ok::<_, DbError>(due)
        })
        .await?;
    if due.is_empty() {
        return Ok(0);
    }
    let mut outcomes: Vec<Outcome> = Vec::with_capacity(due.len());
    for mut mail in due {
        let error = match render_queued(app, &mut mail) {
            Ok(()) => send(app, transport, &mail).await.err(),
            Err(e) => Some(e),
        };
        let rendered = mail.template.is_some().then_some((mail.subject, mail.body));
        outcomes.push((mail.id, rendered, error));
    }
    let delivered = outcomes.iter().filter(|(_, _, e)| e.is_none()).count();
    let sent_at = app.clock.now().to_string();
    app.db
        .write(move |c| {
            let mut sent = c.prepare_cached("UPDATE outbox SET sent_at = ?2, last_error = NULL WHERE id = ?1")?;
            let mut sent_rendered = c.prepare_cached(
                "UPDATE outbox SET sent_at = ?2, last_error = NULL, subject = ?3, body = ?4 WHERE id = ?1",
            )?;
            let mut failed = c.prepare_cached("UPDATE outbox SET last_error = ?2 WHERE id = ?1")?;
            for (id, rendered, error) in &outcomes {
                match (error, rendered) {
                    (None, None) => sent.execute(params![id, sent_at])?,
                    (None, Some((subject, body))) => sent_rendered.execute(params![id, sent_at, subject, body])?,
                    (Some(e), _) => failed.execute(params![id, e])?,
                };
            }
            Ok::<_, DbError>(())
        })
        .await?;
    Ok(delivered)
}

/// Renders a message queued as a template into its subject and body; a message queued as text
/// is left as it is. A template that fails (a theme changed since) is an error recorded on the
/// message, which is tried again with the others.
fn render_queued(app: &App, mail: &mut Queued) -> Result<(), String> {
    let Some((template, context)) = &mail.template else { return Ok(()) };
    let context = serde_json::from_str(context).map_err(|e| format!("context of {template}: {e}"))?;
    let rendered = super::render(&app.published(), template, &mail.recipient, context)
        .map_err(|e| format!("template {template}: {e}"))?;
    (mail.subject, mail.body) = (rendered.subject, rendered.body);
    Ok(())
}

async fn send(app: &App, transport: &Transport, mail: &Queued) -> Result<(), String> {
    let from: Mailbox = app.config.mail_from.parse().map_err(|e| format!("sender address: {e}"))?;
    let to: Mailbox = mail.recipient.parse().map_err(|e| format!("recipient {}: {e}", mail.recipient))?;
    let mut builder = Message::builder();
    // Extra headers (alerts' RFC 8058 List-Unsubscribe), as queued.
    let extra: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&mail.headers).unwrap_or_default();
    for (name, value) in extra {
        let name = HeaderName::new_from_ascii(name).map_err(|e| format!("header name: {e}"))?;
        builder = builder.raw_header(HeaderValue::new(name, value.as_str().unwrap_or_default().to_owned()));
    }
    let message = builder
        .from(from)
        .to(to)
        .subject(mail.subject.clone())
        .message_id(Some(mail.message_id.clone()))
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body.clone())
        .map_err(|e| e.to_string())?;
    match transport {
        Transport::Smtp(t) => t.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
        Transport::Files(t) => t.send(message).await.map(|_| ()).map_err(|e| e.to_string()),
    }
}
