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
