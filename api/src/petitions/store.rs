//! Where petitions live: the petitions, their supporters, thresholds reached, hourly counts and
//! invalidations, and the signatures staff select. Every query of the petition pages and of
//! moderation is here; handlers call these functions inside `Db::read` or `Db::write`.

use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};

use super::Petition;
use super::status::PetitionStatus;
use crate::mail;

const COLUMNS: &str = "id, title, body, action, creator_id, creator_name, status, sponsor_key, rejection_reason,
    text_hidden, duplicate_of, created_at, published_at, closes_on, response, response_at, debate, debate_at";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Petition> {
    Ok(Petition {
        id: r.get(0)?,
        title: r.get(1)?,
        body: r.get(2)?,
        action: r.get(3)?,
        creator_id: r.get(4)?,
        creator_name: r.get(5)?,
        status: r.get(6)?,
        sponsor_key: r.get(7)?,
        rejection_reason: r.get(8)?,
        text_hidden: r.get(9)?,
        duplicate_of: r.get(10)?,
        created_at: r.get(11)?,
        published_at: r.get(12)?,
        closes_on: r.get(13)?,
        response: r.get(14)?,
        response_at: r.get(15)?,
        debate: r.get(16)?,
        debate_at: r.get(17)?,
    })
}

pub fn load(c: &Connection, id: i64) -> rusqlite::Result<Option<Petition>> {
    c.prepare_cached(&format!("SELECT {COLUMNS} FROM petition WHERE id = ?1"))?.query_row([id], from_row).optional()
}

/// The public petitions, newest first, each with whether its answer threshold was reached.
pub fn public_with_answer_due(c: &Connection) -> rusqlite::Result<Vec<(Petition, bool)>> {
    c.prepare_cached(&format!(
        "SELECT {COLUMNS}, EXISTS (SELECT 1 FROM petition_threshold t WHERE t.petition_id = petition.id AND t.action = 'answer')
         FROM petition WHERE status IN ('open', 'closed', 'rejected') ORDER BY COALESCE(published_at, created_at) DESC"
    ))?
    .query_map([], |r| Ok((from_row(r)?, r.get::<_, bool>(18)?)))?
    .collect()
}

/// Every petition for staff, those waiting for moderation first (500 at most).
pub fn moderation_queue(c: &Connection) -> rusqlite::Result<Vec<Petition>> {
    c.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM petition ORDER BY status = 'moderation' DESC, status = 'collecting' DESC, id DESC LIMIT 500"
    ))?
    .query_map([], from_row)?
    .collect()
}

/// A new petition as its author wrote it.
pub struct NewPetition<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub action: &'a str,
    pub creator_id: i64,
    pub creator_name: &'a str,
    pub status: PetitionStatus,
    pub sponsor_key: &'a str,
}

/// Stores a new petition; its number.
pub fn create(c: &Connection, p: &NewPetition, now: Timestamp) -> rusqlite::Result<i64> {
    c.execute(
        "INSERT INTO petition (title, body, action, creator_id, creator_name, status, sponsor_key, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![p.title, p.body, p.action, p.creator_id, p.creator_name, p.status, p.sponsor_key, now.to_string()],
    )?;
    Ok(c.last_insert_rowid())
}

/// The thresholds a petition reached, lowest first.
pub fn thresholds_reached(c: &Connection, id: i64) -> rusqlite::Result<Vec<Value>> {
    c.prepare_cached(
        "SELECT signatures, action, reached_at, due_on FROM petition_threshold WHERE petition_id = ?1 ORDER BY signatures",
    )?
    .query_map([id], |r| {
        Ok(json!({"signatures": r.get::<_, i64>(0)?, "action": r.get::<_, String>(1)?,
                  "reached_at": r.get::<_, String>(2)?, "due_on": r.get::<_, String>(3)?}))
    })?
    .collect()
}

/// The public log of a petition's invalidated signatures.
pub fn invalidations(c: &Connection, id: i64) -> rusqlite::Result<Vec<Value>> {
    c.prepare_cached("SELECT reason, removed, at FROM invalidation WHERE petition_id = ?1 ORDER BY id")?
        .query_map([id], |r| {
            Ok(json!({"reason": r.get::<_, String>(0)?, "removed": r.get::<_, i64>(1)?, "at": r.get::<_, String>(2)?}))
        })?
        .collect()
}

/// The petition a rejected one repeats: its number and title.
pub fn duplicate_of(c: &Connection, id: i64) -> rusqlite::Result<Option<(i64, String)>> {
    c.query_row(
        "SELECT d.id, d.title FROM petition p JOIN petition d ON d.id = p.duplicate_of WHERE p.id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

/// Confirmed signatures by hour, oldest first.
pub fn hourly(c: &Connection, id: i64) -> rusqlite::Result<Vec<Value>> {
    c.prepare_cached("SELECT hour, confirmed FROM petition_hourly WHERE petition_id = ?1 ORDER BY hour")?
        .query_map([id], |r| Ok(json!({"hour": r.get::<_, String>(0)?, "confirmed": r.get::<_, i64>(1)?})))?
        .collect()
}

pub fn sponsor_count(c: &Connection, id: i64) -> rusqlite::Result<i64> {
    c.query_row("SELECT count(*) FROM petition_sponsor WHERE petition_id = ?1", [id], |r| r.get(0))
}

/// Records an account backing a petition; false when it already did.
pub fn add_sponsor(c: &Connection, id: i64, account: i64, now: Timestamp) -> rusqlite::Result<bool> {
    let added = c.execute(
        "INSERT INTO petition_sponsor (petition_id, account_id, created_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        params![id, account, now.to_string()],
    )?;
    Ok(added > 0)
}

/// Sends a petition that has its supporters on to moderation.
pub fn to_moderation(c: &Connection, id: i64) -> rusqlite::Result<()> {
    c.execute("UPDATE petition SET status = ?2 WHERE id = ?1", params![id, PetitionStatus::Moderation])?;
    Ok(())
}

/// Publishes a petition: open for signatures from now until `closes`.
pub fn publish(c: &Connection, id: i64, now: Timestamp, closes: Date) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE petition SET status = ?4, published_at = ?2, closes_on = ?3 WHERE id = ?1",
        params![id, now.to_string(), closes.to_string(), PetitionStatus::Open],
    )?;
    Ok(())
}

/// Rejects a petition with its public reason.
pub fn reject(
    c: &Connection,
    id: i64,
    reason: &str,
    hide_text: bool,
    duplicate_of: Option<i64>,
) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE petition SET status = ?5, rejection_reason = ?2, text_hidden = ?3, duplicate_of = ?4 WHERE id = ?1",
        params![id, reason, hide_text, duplicate_of, PetitionStatus::Rejected],
    )?;
    Ok(())
}

/// The texts the city publishes on a petition.
#[derive(Clone, Copy)]
pub enum CityText {
    /// The official answer.
    Response,
    /// The outcome of the council's debate.
    Debate,
}

/// Publishes the city's answer or the debate's outcome on a petition.
pub fn set_city_text(c: &Connection, id: i64, which: CityText, text: &str, now: Timestamp) -> rusqlite::Result<()> {
    let sql = match which {
        CityText::Response => "UPDATE petition SET response = ?2, response_at = ?3 WHERE id = ?1",
        CityText::Debate => "UPDATE petition SET debate = ?2, debate_at = ?3 WHERE id = ?1",
    };
    c.execute(sql, params![id, text, now.to_string()])?;
    Ok(())
}

/// One of a petition's valid signatures, as staff see it when selecting.
pub struct SelectedSignature {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub ip: String,
    pub created_at: String,
    pub confirmed: bool,
}

/// The petition's valid signatures, from e-mail domain `domain` only unless it is empty.
pub fn valid_signatures(c: &Connection, petition: i64, domain: &str) -> rusqlite::Result<Vec<SelectedSignature>> {
    c.prepare_cached(
        "SELECT id, name, email, ip, created_at, confirmed_at IS NOT NULL FROM signature
         WHERE petition_id = ?1 AND invalidated_by IS NULL AND (?2 = '' OR email_domain = ?2)",
    )?
    .query_map(params![petition, domain], |r| {
        Ok(SelectedSignature {
            id: r.get(0)?,
            name: r.get(1)?,
            email: r.get(2)?,
            ip: r.get(3)?,
            created_at: r.get(4)?,
            confirmed: r.get(5)?,
        })
    })?
    .collect()
}

/// An invalidation of signatures: what selected them, why, and who did it.
pub struct Invalidation<'a> {
    pub criteria: &'a str,
    pub reason: &'a str,
    pub actor: &'a str,
}

/// Invalidates the signatures `ids` of a petition, logged publicly with their number.
pub fn invalidate(
    c: &Connection,
    petition: i64,
    inv: &Invalidation,
    ids: &[i64],
    now: Timestamp,
) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO invalidation (petition_id, criteria, reason, removed, actor, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![petition, inv.criteria, inv.reason, ids.len() as i64, inv.actor, now.to_string()],
    )?;
    let invalidation = c.last_insert_rowid();
    let mut mark = c.prepare_cached("UPDATE signature SET invalidated_by = ?2 WHERE id = ?1")?;
    for s in ids {
        mark.execute(params![s, invalidation])?;
    }
    Ok(())
}

/// Queues `mail` for every confirmed, valid signer of petition `id` who asked for news, in the
/// caller's transaction, in one statement. Only the confirmed signatures are read (the
/// `signature_count` index, `confirmed_seq > 0`) and each Message-ID ends with the confirmation
/// number, so the IDs come in index order. (Selecting by `confirmed_at` read every signature,
/// and random IDs took a page of the `message_id` index each: the writer was held 300-350 ms
/// when a petition with 330,000 signatures crossed a threshold in civic-api-bench.)
pub fn enqueue_for_followers(c: &Connection, id: i64, mail: &mail::Mail, now: &str) -> rusqlite::Result<usize> {
    c.prepare_cached(
        "INSERT INTO outbox (message_id, recipient, subject, body, created_at, next_attempt_at)
         SELECT '<' || ?5 || '.' || printf('%08x', confirmed_seq) || '@civic>', email, ?2, ?3, ?4, ?4
         FROM signature
         WHERE petition_id = ?1 AND confirmed_seq > 0 AND invalidated_by IS NULL AND notify = 1",
    )?
    .execute(params![id, mail.subject, mail.body, now, mail::message_id_stem()])
}

/// Whether petition `id` exists, is open and its period has not ended by `today`.
pub fn takes_signatures(c: &Connection, id: i64, today: &str) -> rusqlite::Result<bool> {
    Ok(c.prepare_cached("SELECT status = 'open' AND COALESCE(closes_on, '') >= ?2 FROM petition WHERE id = ?1")?
        .query_row(params![id, today], |r| r.get::<_, bool>(0))
        .optional()?
        == Some(true))
}

/// A signature as it is given (confirmed at once when the signer is proven).
pub struct NewSignature<'a> {
    pub petition: i64,
    pub name: &'a str,
    pub email: &'a str,
    pub email_norm: &'a str,
    pub email_domain: &'a str,
    pub district: Option<&'a str>,
    pub notify: bool,
    pub ip: &'a str,
    pub assurance: &'a str,
    pub token_sha256: &'a [u8],
    pub confirmed: bool,
}

/// Stores a signature, numbering its confirmation when it is confirmed; false when this address
/// signed the petition already.
pub fn sign(c: &Connection, s: &NewSignature, now: &str) -> rusqlite::Result<bool> {
    let inserted = c
        .prepare_cached(
            "INSERT INTO signature (petition_id, name, email, email_norm, email_domain, district, notify, ip, assurance,
                token_sha256, created_at, confirmed_at, confirmed_seq)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,
                CASE WHEN ?12 IS NULL THEN NULL ELSE (SELECT COALESCE(MAX(confirmed_seq), 0) + 1 FROM signature) END)
             ON CONFLICT (petition_id, email_norm) DO NOTHING",
        )?
        .execute(params![
            s.petition,
            s.name,
            s.email,
            s.email_norm,
            s.email_domain,
            s.district,
            s.notify,
            s.ip,
            s.assurance,
            s.token_sha256,
            now,
            s.confirmed.then_some(now)
        ])?;
    Ok(inserted > 0)
}

/// A signature waiting for its confirmation, with its petition's status and closing day.
pub struct PendingSignature {
    pub id: i64,
    pub petition: i64,
    pub confirmed_at: Option<String>,
    pub petition_status: PetitionStatus,
    pub closes_on: String,
}

/// The signature of a confirmation link's token (its stored key).
pub fn signature_by_token(c: &Connection, token_key: &[u8]) -> rusqlite::Result<Option<PendingSignature>> {
    c.prepare_cached(
        "SELECT s.id, s.petition_id, s.confirmed_at, p.status, COALESCE(p.closes_on, '') FROM signature s
         JOIN petition p ON p.id = s.petition_id WHERE s.token_sha256 = ?1",
    )?
    .query_row([token_key], |r| {
        Ok(PendingSignature {
            id: r.get(0)?,
            petition: r.get(1)?,
            confirmed_at: r.get(2)?,
            petition_status: r.get(3)?,
            closes_on: r.get(4)?,
        })
    })
    .optional()
}

/// Confirms a signature with the next confirmation number (gapless: one writer).
pub fn confirm_signature(c: &Connection, signature: i64, now: Timestamp) -> rusqlite::Result<()> {
    c.prepare_cached(
        "UPDATE signature SET confirmed_at = ?2,
            confirmed_seq = (SELECT COALESCE(MAX(confirmed_seq), 0) + 1 FROM signature) WHERE id = ?1",
    )?
    .execute(params![signature, now.to_string()])?;
    Ok(())
}

/// Closes the open petitions whose period ended before `today`.
pub fn close_ended(c: &Connection, today: &str) -> rusqlite::Result<()> {
    c.execute("UPDATE petition SET status = 'closed' WHERE status = 'open' AND closes_on < ?1", [today])?;
    Ok(())
}

/// The petitions that were published (open or closed), whose counts are kept.
pub fn published_ids(c: &Connection) -> rusqlite::Result<Vec<i64>> {
    c.prepare_cached("SELECT id FROM petition WHERE status IN ('open', 'closed')")?
        .query_map([], |r| r.get(0))?
        .collect()
}

pub fn title(c: &Connection, id: i64) -> rusqlite::Result<String> {
    c.prepare_cached("SELECT title FROM petition WHERE id = ?1")?.query_row([id], |r| r.get(0))
}

/// Valid confirmations of a petition numbered after `seq`, grouped: (district or '', identity
/// verified, how many, the highest number).
pub fn confirmations_after(c: &Connection, petition: i64, seq: i64) -> rusqlite::Result<Vec<(String, bool, i64, i64)>> {
    c.prepare_cached(
        "SELECT COALESCE(district, ''), assurance IN ('eid_substantial', 'eid_high'), count(*), MAX(confirmed_seq)
         FROM signature WHERE petition_id = ?1 AND confirmed_seq > ?2 AND invalidated_by IS NULL GROUP BY 1, 2",
    )?
    .query_map(params![petition, seq], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
    .collect()
}

/// Records a petition's counts (`by_district` as JSON) and the count of its hour.
pub fn record_counts(
    c: &Connection,
    id: i64,
    confirmed: i64,
    verified: i64,
    by_district: &str,
    hour: &str,
    now: &str,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO petition_count (petition_id, confirmed, verified, by_district, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (petition_id) DO UPDATE SET confirmed = ?2, verified = ?3, by_district = ?4, updated_at = ?5",
    )?
    .execute(params![id, confirmed, verified, by_district, now])?;
    c.prepare_cached(
        "INSERT INTO petition_hourly (petition_id, hour, confirmed) VALUES (?1, ?2, ?3)
         ON CONFLICT (petition_id, hour) DO UPDATE SET confirmed = ?3",
    )?
    .execute(params![id, hour, confirmed])?;
    Ok(())
}

/// Records a threshold reached, once; true when it is reached now.
pub fn reach_threshold(
    c: &Connection,
    id: i64,
    signatures: u32,
    action: &str,
    due_on: &str,
    now: &str,
) -> rusqlite::Result<bool> {
    let new = c
        .prepare_cached(
            "INSERT INTO petition_threshold (petition_id, signatures, action, reached_at, due_on)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
        )?
        .execute(params![id, signatures, action, now, due_on])?;
    Ok(new == 1)
}

/// A person's petitions for "Contul meu" and the data export: those the account started (with
/// their stage and confirmed signatures), supported, and signed with the mailbox it holds
/// (`mailbox`, only for a verified address; each with the address the signature gave).
pub fn of_person(c: &Connection, account: i64, mailbox: Option<&str>) -> rusqlite::Result<Value> {
    let listed = |sql: &str, key: &dyn rusqlite::ToSql| -> rusqlite::Result<Vec<Value>> {
        c.prepare(sql)?
            .query_map([key], |r| {
                Ok(json!({
                    "id": r.get::<_, i64>(0)?,
                    "title": r.get::<_, String>(1)?,
                    "status": r.get::<_, String>(2)?,
                    "signatures": r.get::<_, i64>(3)?,
                    "closes_on": r.get::<_, Option<String>>(4)?,
                    "at": r.get::<_, String>(5)?,
                    "email": r.get::<_, Option<String>>(6)?,
                }))
            })?
            .collect()
    };
    const PETITION: &str = "p.id, p.title, p.status, COALESCE(n.confirmed, 0), p.closes_on";
    const COUNTS: &str = "LEFT JOIN petition_count n ON n.petition_id = p.id";
    let started = listed(
        &format!(
            "SELECT {PETITION}, p.created_at, NULL FROM petition p {COUNTS} WHERE p.creator_id = ?1 ORDER BY p.id DESC"
        ),
        &account,
    )?;
    let supported = listed(
        &format!(
            "SELECT {PETITION}, s.created_at, NULL FROM petition_sponsor s JOIN petition p ON p.id = s.petition_id {COUNTS}
             WHERE s.account_id = ?1 ORDER BY s.created_at DESC"
        ),
        &account,
    )?;
    let signed = match mailbox {
        Some(mailbox) => listed(
            &format!(
                "SELECT {PETITION}, g.confirmed_at, g.email FROM signature g JOIN petition p ON p.id = g.petition_id {COUNTS}
                 WHERE g.email_norm = ?1 AND g.confirmed_at IS NOT NULL AND g.invalidated_by IS NULL
                 ORDER BY g.confirmed_at DESC"
            ),
            &mailbox,
        )?,
        None => vec![],
    };
    Ok(json!({"started": started, "supported": supported, "signed": signed}))
}
