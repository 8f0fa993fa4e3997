//! Counts that cannot become the bottleneck. Signing appends a row and confirming updates only
//! that row (numbering the confirmation: `confirmed_seq`); nothing updates a counter per
//! signature. About once a second one task adds up, for the petitions that changed, the
//! confirmations numbered after the last one it counted (on a read-only connection; a full count
//! only at start and after signatures are invalidated), stores the result with the hourly
//! history, starts the legal clock of any threshold crossed (and e-mails the signers who asked),
//! closes petitions whose time is up, and keeps the counts in memory as small JSON documents
//! that pages and a CDN can poll.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use super::store;
use serde_json::{Value, json};

use crate::app::App;
use crate::db::DbError;
use crate::mail;

/// How often counts are brought up to date.
pub const INTERVAL: Duration = Duration::from_secs(1);

/// The counts in memory, and which petitions changed since they were made.
#[derive(Default)]
pub struct Counts {
    docs: RwLock<HashMap<i64, Arc<Value>>>,
    dirty: Mutex<HashSet<i64>>,
    /// What each petition's counts include so far.
    tallies: Mutex<HashMap<i64, Tally>>,
    /// Petitions to count again from their first signature.
    stale: Mutex<HashSet<i64>>,
}

/// A petition's counts and the last confirmation number (`confirmed_seq`) they include.
#[derive(Clone, Default)]
struct Tally {
    seq: i64,
    confirmed: i64,
    verified: i64,
    by_district: BTreeMap<String, i64>,
}

impl Counts {
    /// Marks a petition's counts as out of date.
    pub fn touch(&self, petition: i64) {
        self.dirty.lock().expect("dirty set").insert(petition);
    }

    /// Marks a petition to be counted again from its first signature (signatures already counted
    /// were invalidated).
    pub fn recount(&self, petition: i64) {
        self.stale.lock().expect("stale set").insert(petition);
        self.touch(petition);
    }

    /// The last aggregated counts of a petition.
    pub fn get(&self, petition: i64) -> Option<Arc<Value>> {
        self.docs.read().expect("counts").get(&petition).cloned()
    }
}

/// Adds to `tally` the petition's valid confirmations numbered after `tally.seq` (all of them
/// for an empty tally). Confirmations become visible to readers in number order (one writer,
/// committing in order), so none numbered below the last one counted can appear later.
fn count(c: &rusqlite::Connection, petition: i64, mut tally: Tally) -> rusqlite::Result<Tally> {
    let mut last = tally.seq;
    for (district, eid, n, seq) in store::confirmations_after(c, petition, tally.seq)? {
        tally.confirmed += n;
        if eid {
            tally.verified += n;
        }
        if !district.is_empty() {
            *tally.by_district.entry(district).or_insert(0) += n;
        }
        last = last.max(seq);
    }
    tally.seq = last;
    Ok(tally)
}

/// Runs until the process ends.
pub async fn run(app: App) {
    let mut last_sweep = Instant::now() - Duration::from_secs(3600);
    loop {
        // Every minute, every petition is looked at (closing dates, counts after a restart).
        let sweep = last_sweep.elapsed() >= Duration::from_secs(60);
        if sweep {
            last_sweep = Instant::now();
        }
        if let Err(e) = tick(&app, sweep).await {
            eprintln!("civic api: petition counts: {e}");
        }
        tokio::time::sleep(INTERVAL).await;
    }
}

/// One round: recount what changed, record it, act on thresholds. Public for tests and the
/// benchmark, which need the counts now rather than within a second.
pub async fn tick(app: &App, sweep: bool) -> Result<(), DbError> {
    let today = app.clock.today().to_string();
    if sweep {
        let t = today.clone();
        app.db.write(move |c| store::close_ended(c, &t).map_err(DbError::from)).await?;
    }
    let mut ids: Vec<i64> = app.petitions.dirty.lock().expect("dirty set").drain().collect();
    if sweep {
        let all = app.db.read(|c| store::published_ids(c).map_err(DbError::from)).await?;
        ids.extend(all);
        ids.sort_unstable();
        ids.dedup();
    }
    let published = app.published();
    for id in ids {
        let fresh = app.petitions.stale.lock().expect("stale set").remove(&id);
        let before = if fresh { None } else { app.petitions.tallies.lock().expect("tallies").get(&id).cloned() };
        let (tally, title) = app
            .db
            .read(move |c| Ok::<_, DbError>((count(c, id, before.unwrap_or_default())?, store::title(c, id)?)))
            .await?;
        app.petitions.tallies.lock().expect("tallies").insert(id, tally.clone());
        let Tally { confirmed, verified, by_district, .. } = tally;
        let now = app.clock.now();
        let hour = format!("{}:00:00Z", &now.to_string()[..13]);
        let doc = json!({"petition": id, "confirmed": confirmed, "verified": verified,
                         "by_district": by_district, "updated_at": now.to_string()});
        // Thresholds crossed now: each starts its clock once.
        let rules = published.petition_rules.thresholds.clone();
        let calendar_due: Vec<(u32, String, String)> = rules
            .iter()
            .filter(|t| i64::from(t.signatures) <= confirmed)
            .map(|t| {
                let due = published.calendar.add_calendar_days(app.clock.today(), t.days);
                (t.signatures, t.action.as_str().to_owned(), due.due.to_string())
            })
            .collect();
        let mails: Vec<(u32, mail::Mail)> = calendar_due
            .iter()
            .map(|(n, action, due)| {
                let m = mail::compose(
                    &published,
                    "petition_threshold",
                    "",
                    json!({
                    "petition": id, "title": title, "signatures": n, "action": action, "due_on": due,
                    "url": format!("{}/api/petitii/{id}", app.config.public_url)}),
                );
                m.map(|m| (*n, m))
            })
            .collect::<Result<_, _>>()
            .map_err(|e| DbError::Commit(e.error))?;
        let by = serde_json::to_string(&by_district).expect("JSON");
        app.db
            .write(move |c| {
                let stamp = now.to_string();
                store::record_counts(c, id, confirmed, verified, &by, &hour, &stamp)?;
                for ((n, action, due), (_, m)) in calendar_due.iter().zip(&mails) {
                    if store::reach_threshold(c, id, *n, action, due, &stamp)? {
                        // Everyone who asked for news, in one statement.
                        store::enqueue_for_followers(c, id, m, &stamp)?;
                    }
                }
                Ok::<_, DbError>(())
            })
            .await?;
        app.mail_queued.notify_one();
        app.petitions.docs.write().expect("counts").insert(id, Arc::new(doc));
    }
    Ok(())
}
