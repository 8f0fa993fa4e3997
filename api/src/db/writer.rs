//! The writer thread: group commit with a savepoint per write, and the sync thread that makes
//! each committed batch durable before anyone hears of it.
//!
//! The writer's connection commits without waiting for the disk (`synchronous = NORMAL`: the
//! batch is in the write-ahead log, in the kernel's cache) and hands the batch's answers to the
//! sync thread, which flushes the log to disk (`fdatasync`) and only then answers. Meanwhile the
//! writer already runs the next batch: the disk's wait and the next batch's work overlap instead
//! of adding up (with the flush inside the commit the writer spent half its time committing).
//! Several committed batches waiting for the sync thread share one flush.

use std::fs::File;

use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

use super::DbError;

/// What the writer calls after the batch's commit: delivers the write's result, or the commit
/// error if the batch failed.
type Reply = Box<dyn FnOnce(Option<&str>) + Send>;
/// One queued write: runs on the connection, says whether it succeeded, and how to answer.
type Job = Box<dyn FnOnce(&Connection) -> (bool, Reply) + Send>;

#[derive(Clone)]
pub struct Writer {
    queue: mpsc::Sender<Job>,
}

impl Writer {
    /// Starts the writer on `conn` (which must commit with `synchronous = NORMAL`) and the sync
    /// thread on `wal`, the same database's write-ahead log file.
    pub fn start(conn: Connection, wal: File, max_batch: usize) -> Writer {
        let (queue, jobs) = mpsc::channel::<Job>(max_batch * 8);
        let (committed, to_sync) = std::sync::mpsc::channel::<Vec<Reply>>();
        std::thread::Builder::new()
            .name("civic-db-sync".into())
            .spawn(move || sync(wal, to_sync))
            .expect("the sync thread starts");
        std::thread::Builder::new()
            .name("civic-db-writer".into())
            .spawn(move || run(conn, jobs, max_batch, committed))
            .expect("the writer thread starts");
        Writer { queue }
    }

    /// Writes waiting for the writer thread (not counting the batch it is running).
    pub fn backlog(&self) -> usize {
        self.queue.max_capacity() - self.queue.capacity()
    }

    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel::<Result<T, E>>();
        let job: Job = Box::new(move |conn| {
            let result = f(conn);
            let ok = result.is_ok();
            let reply: Reply = Box::new(move |commit_error| {
                let _ = tx.send(match commit_error {
                    None => result,
                    Some(e) => Err(E::from(DbError::Commit(e.to_owned()))),
                });
            });
            (ok, reply)
        });
        self.queue.send(job).await.map_err(|_| E::from(DbError::Closed))?;
        rx.await.map_err(|_| E::from(DbError::Closed))?
    }
}

fn run(
    conn: Connection,
    mut jobs: mpsc::Receiver<Job>,
    max_batch: usize,
    committed: std::sync::mpsc::Sender<Vec<Reply>>,
) {
    let mut batch: Vec<Job> = Vec::with_capacity(max_batch);
    while let Some(first) = jobs.blocking_recv() {
        batch.push(first);
        while batch.len() < max_batch {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let mut replies: Vec<Reply> = Vec::with_capacity(batch.len());
        // Prepared once and kept: parsing these four statements for every write was a
        // measurable part of the writer's time.
        let run = |sql: &str| conn.prepare_cached(sql)?.execute([]).map(drop);
        let outcome = (|| -> rusqlite::Result<()> {
            run("BEGIN IMMEDIATE")?;
            for job in batch.drain(..) {
                run("SAVEPOINT w")?;
                let (ok, reply) = job(&conn);
                if !ok {
                    run("ROLLBACK TO w")?;
                }
                run("RELEASE w")?;
                replies.push(reply);
            }
            run("COMMIT")
        })();
        let error = outcome.err().map(|e| {
            let _ = conn.execute_batch("ROLLBACK");
            e.to_string()
        });
        // Jobs never reached (the batch failed before them) are answered too: dropping their
        // reply closes their channel, which their caller reads as `Closed`.
        batch.clear();
        match error {
            // Should the sync thread be gone, the replies are dropped unanswered (`Closed`):
            // nothing is confirmed that was not flushed.
            None => drop(committed.send(replies)),
            Some(e) => {
                for reply in replies {
                    reply(Some(&e));
                }
            }
        }
    }
    let _ = conn.execute_batch("PRAGMA optimize");
}

/// Flushes the log for every committed batch waiting (one flush for all of them), then answers
/// their writes. Ends when the writer does, after answering what it committed.
fn sync(wal: File, committed: std::sync::mpsc::Receiver<Vec<Reply>>) {
    while let Ok(first) = committed.recv() {
        let mut durable = vec![first];
        durable.extend(committed.try_iter());
        sync_or_stop(&wal);
        for reply in durable.into_iter().flatten() {
            reply(None);
        }
    }
}

/// A committed batch that cannot be made durable must not be confirmed, and after a failed
/// flush the kernel may have dropped the pages it could not write (PostgreSQL's "fsyncgate"):
/// the only safe answer is to stop, and let SQLite recover from what is on disk at restart.
fn sync_or_stop(wal: &File) {
    if let Err(e) = wal.sync_data() {
        eprintln!(
            "civic api: the database's write-ahead log could not be written to disk ({e}); stopping so that \
             nothing unsaved is confirmed. Check the disk, then start again: SQLite recovers what was saved."
        );
        std::process::abort();
    }
}
