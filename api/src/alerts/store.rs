//! Where alerts live: subscriptions, the snapshot of what dispatch last saw, the change events,
//! their matches to subscriptions and the digests sent. Every query of alerts is here; handlers
//! and dispatch call these functions inside `Db::read` or `Db::write`.

use std::collections::HashMap;

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};

/// A new subscription as the form gave it (the area as stored JSON, topics comma-separated).
pub struct NewSubscription<'a> {
    pub email: &'a str,
    pub area: &'a str,
    pub topics: &'a str,
    pub frequency: &'a str,
    pub token_sha256: &'a [u8],
    pub link_sha256: &'a [u8],
    pub feed_sha256: &'a [u8],
    /// Confirmed at once (someone logged in with that very, verified address).
    pub confirmed: bool,
}

pub fn subscribe(c: &Connection, s: &NewSubscription, now: Timestamp) -> rusqlite::Result<()> {
    let now = now.to_string();
    c.prepare_cached(
        "INSERT INTO alert_subscription (email, area, topics, frequency, token_sha256, link_sha256, feed_sha256, confirmed_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        s.email,
        s.area,
        s.topics,
        s.frequency,
        s.token_sha256,
        s.link_sha256,
        s.feed_sha256,
        s.confirmed.then_some(&now),
        now
    ])?;
    Ok(())
}

/// Confirms the subscription of a confirmation token (again, harmlessly); false for none.
pub fn confirm(c: &Connection, token_sha256: &[u8], now: Timestamp) -> rusqlite::Result<bool> {
    let n = c
        .prepare_cached(
            "UPDATE alert_subscription SET confirmed_at = COALESCE(confirmed_at, ?2) WHERE token_sha256 = ?1",
        )?
        .execute(params![token_sha256, now.to_string()])?;
    Ok(n > 0)
}

/// A subscription as stored (the area as JSON text, topics comma-separated).
pub struct Subscription {
    pub id: i64,
    pub email: String,
    pub area: String,
    pub topics: String,
    pub frequency: String,
    pub confirmed: bool,
    pub token_sha256: Vec<u8>,
}

const SUBSCRIPTION: &str =
    "SELECT id, email, area, topics, frequency, confirmed_at IS NOT NULL, token_sha256 FROM alert_subscription";

fn subscription(r: &rusqlite::Row) -> rusqlite::Result<Subscription> {
    Ok(Subscription {
        id: r.get(0)?,
        email: r.get(1)?,
        area: r.get(2)?,
        topics: r.get(3)?,
        frequency: r.get(4)?,
        confirmed: r.get(5)?,
        token_sha256: r.get(6)?,
    })
}

/// The subscription of a mail link's key (its hash).
pub fn by_link(c: &Connection, link_sha256: &[u8]) -> rusqlite::Result<Option<Subscription>> {
    c.query_row(&format!("{SUBSCRIPTION} WHERE link_sha256 = ?1"), [link_sha256], subscription).optional()
}

/// Every confirmed subscription, oldest first.
pub fn confirmed(c: &Connection) -> rusqlite::Result<Vec<Subscription>> {
    c.prepare(&format!("{SUBSCRIPTION} WHERE confirmed_at IS NOT NULL ORDER BY id"))?
        .query_map([], subscription)?
        .collect()
}

/// The subscriptions mailed to `email` (confirmed or not), newest first: "Contul meu" lists
/// them for the account holding that verified address.
pub fn of_email(c: &Connection, email: &str) -> rusqlite::Result<Vec<Subscription>> {
    c.prepare(&format!("{SUBSCRIPTION} WHERE email = ?1 ORDER BY id DESC"))?.query_map([email], subscription)?.collect()
}

pub fn change(c: &Connection, id: i64, topics: &str, frequency: &str) -> rusqlite::Result<()> {
    c.prepare_cached("UPDATE alert_subscription SET topics = ?2, frequency = ?3 WHERE id = ?1")?
        .execute(params![id, topics, frequency])?;
    Ok(())
}

/// Deletes the subscription of a mail link's key; false when there was none.
pub fn unsubscribe(c: &Connection, link_sha256: &[u8]) -> rusqlite::Result<bool> {
    Ok(c.prepare_cached("DELETE FROM alert_subscription WHERE link_sha256 = ?1")?.execute([link_sha256])? > 0)
}

/// What dispatch last saw of an item: the hash of what area alerts care about, its status and
/// its watched fields (JSON, see `changes::watched`).
pub struct Seen {
    pub hash: String,
    pub status: String,
    pub fields: String,
}

/// What dispatch last saw of each item, by (type, item).
pub fn seen(c: &Connection) -> rusqlite::Result<HashMap<(String, String), Seen>> {
    let mut s = c.prepare("SELECT topic, item, hash, status, fields FROM alert_seen")?;
    s.query_map([], |r| Ok(((r.get(0)?, r.get(1)?), Seen { hash: r.get(2)?, status: r.get(3)?, fields: r.get(4)? })))?
        .collect()
}

/// Records what dispatch saw of an item.
pub fn see(c: &Connection, topic: &str, item: &str, seen: &Seen) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO alert_seen (topic, item, hash, status, fields) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (topic, item) DO UPDATE SET hash = excluded.hash, status = excluded.status, fields = excluded.fields",
    )?
    .execute(params![topic, item, seen.hash, seen.status, seen.fields])?;
    Ok(())
}

/// A change event as stored (topics and districts comma-separated, the geometry as GeoJSON).
pub struct NewEvent<'a> {
    pub key: &'a str,
    pub topics: &'a str,
    pub item: &'a str,
    pub kind: &'a str,
    pub title: &'a str,
    pub url: &'a str,
    pub detail: &'a str,
    pub districts: &'a str,
    pub geometry: Option<String>,
}

/// Stores an event once (by its key); its id when it is new.
pub fn add_event(c: &Connection, e: &NewEvent, created_at: &str) -> rusqlite::Result<Option<i64>> {
    let n = c
        .prepare_cached(
            "INSERT INTO alert_event (key, topics, item, kind, title, url, detail, districts, geometry, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (key) DO NOTHING",
        )?
        .execute(params![
            e.key,
            e.topics,
            e.item,
            e.kind,
            e.title,
            e.url,
            e.detail,
            e.districts,
            e.geometry,
            created_at
        ])?;
    Ok((n == 1).then(|| c.last_insert_rowid()))
}

/// Records that an event concerns a subscription; false when it was recorded before.
pub fn add_match(c: &Connection, subscription: i64, event: i64) -> rusqlite::Result<bool> {
    let n = c
        .prepare_cached("INSERT INTO alert_match (subscription_id, event_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING")?
        .execute(params![subscription, event])?;
    Ok(n == 1)
}

/// Whether the digest of a window (`zi:…`, `saptamana:…`) was sent to a subscription.
pub fn digest_sent(c: &Connection, subscription: i64, period: &str) -> rusqlite::Result<bool> {
    c.query_row(
        "SELECT EXISTS (SELECT 1 FROM alert_digest WHERE subscription_id = ?1 AND period = ?2)",
        params![subscription, period],
        |r| r.get(0),
    )
}

pub fn record_digest(c: &Connection, subscription: i64, period: &str) -> rusqlite::Result<()> {
    c.execute("INSERT INTO alert_digest (subscription_id, period) VALUES (?1, ?2)", params![subscription, period])?;
    Ok(())
}

/// An event as a mail or a feed shows it.
pub struct ShownEvent {
    pub key: String,
    pub kind: String,
    pub title: String,
    pub url: String,
    pub detail: String,
    pub item: String,
    pub created_at: String,
}

const SHOWN: &str = "SELECT e.key, e.kind, e.title, e.url, e.detail, e.item, e.created_at FROM alert_event e";

fn shown(r: &rusqlite::Row) -> rusqlite::Result<ShownEvent> {
    Ok(ShownEvent {
        key: r.get(0)?,
        kind: r.get(1)?,
        title: r.get(2)?,
        url: r.get(3)?,
        detail: r.get(4)?,
        item: r.get(5)?,
        created_at: r.get(6)?,
    })
}

/// A subscription's events created in [`from`, `to`), newest first.
pub fn matched_between(c: &Connection, subscription: i64, from: &str, to: &str) -> rusqlite::Result<Vec<ShownEvent>> {
    c.prepare_cached(&format!(
        "{SHOWN} JOIN alert_match m ON e.id = m.event_id
         WHERE m.subscription_id = ?1 AND e.created_at >= ?2 AND e.created_at < ?3 ORDER BY e.created_at DESC, e.id DESC"
    ))?
    .query_map(params![subscription, from, to], shown)?
    .collect()
}

/// A district's last 50 events, newest first.
pub fn district_feed(c: &Connection, district: &str) -> rusqlite::Result<Vec<ShownEvent>> {
    c.prepare_cached(&format!(
        "{SHOWN} WHERE ',' || e.districts || ',' LIKE '%,' || ?1 || ',%' ORDER BY e.created_at DESC, e.id DESC LIMIT 50"
    ))?
    .query_map([district], shown)?
    .collect()
}

/// The last 50 events of the subscription with this feed key (its hash), newest first; `None`
/// for no such subscription.
pub fn subscription_feed(c: &Connection, feed_sha256: &[u8]) -> rusqlite::Result<Option<Vec<ShownEvent>>> {
    let sub: Option<i64> = c
        .query_row("SELECT id FROM alert_subscription WHERE feed_sha256 = ?1", [feed_sha256], |r| r.get(0))
        .optional()?;
    let Some(sub) = sub else { return Ok(None) };
    let events = c
        .prepare_cached(&format!(
            "{SHOWN} JOIN alert_match m ON e.id = m.event_id
             WHERE m.subscription_id = ?1 ORDER BY e.created_at DESC, e.id DESC LIMIT 50"
        ))?
        .query_map([sub], shown)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(events))
}
