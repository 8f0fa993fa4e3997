//! The writer thread: group commit with a savepoint per write.

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
    pub fn start(conn: Connection, max_batch: usize) -> Writer {
        let (queue, jobs) = mpsc::channel::<Job>(max_batch * 8);
        std::thread::Builder::new()
            .name("civic-db-writer".into())
            .spawn(move || run(conn, jobs, max_batch))
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

fn run(conn: Connection, mut jobs: mpsc::Receiver<Job>, max_batch: usize) {
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
        for reply in replies {
            reply(error.as_deref());
        }
    }
    let _ = conn.execute_batch("PRAGMA optimize");
}
