//! The one SQLite file, which is all the API's state. One writer thread owns the only writable
//! connection and commits queued writes in batches (group commit: a request's answer waits for
//! its batch to be durable); reads go to a small pool of read-only connections.

mod migrate;
mod readers;
mod writer;

use std::path::Path;
use std::sync::Arc;

use rusqlite::{Connection, OpenFlags};

pub use migrate::{MIGRATIONS, migrate, migrate_to};

/// What can go wrong below the request: SQLite itself, or the writer being gone.
#[derive(Debug)]
pub enum DbError {
    Sqlite(rusqlite::Error),
    /// The batch this write was part of did not commit; nothing of it was stored.
    Commit(String),
    /// The writer thread stopped (the server is shutting down).
    Closed,
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbError::Sqlite(e) => write!(f, "database: {e}"),
            DbError::Commit(e) => write!(f, "database commit failed: {e}"),
            DbError::Closed => write!(f, "the database writer has stopped"),
        }
    }
}

impl std::error::Error for DbError {}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        DbError::Sqlite(e)
    }
}

/// Handle to the database, cheap to clone.
#[derive(Clone)]
pub struct Db {
    writer: writer::Writer,
    readers: Arc<readers::Readers>,
}

/// Writes in one batch at most (one commit; one flush of the log, or one for several batches).
const MAX_BATCH: usize = 256;

impl Db {
    /// Opens (creating when missing) the database file, brings its schema up to date and starts
    /// the writer thread.
    pub fn open(path: &Path) -> Result<Db, DbError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| DbError::Commit(format!("{}: {e}", parent.display())))?;
        }
        let conn = Connection::open(path)?;
        // A 16 MiB page cache, the savepoints' sub-journals in memory (each write has one) and
        // the file mapped for reading: with the cached statements below, signatures went from
        // 11,650/s to ~21,000/s and form submissions from ~10,000/s to ~15,000/s (docs/api.md).
        // 2 KiB pages (for a new file): each index entry in random order (a signer's e-mail, a
        // token) dirties a page that the commit writes whole to the log, so smaller pages write
        // less; signing went from ~21,000/s (p99 23-25 ms) to ~25,000/s (p99 19-20 ms) with 4 KiB
        // before; 1 KiB and 16 KiB were both slower.
        // `synchronous = NORMAL`: a commit does not wait for the disk; the writer's sync thread
        // flushes the log before any write of the batch is answered (db/writer.rs).
        // `journal_size_limit`: SQLite starts the log over only when a write begins with all of
        // it copied into the file, which never happens while writes follow each other without a
        // pause (the benchmark's 10 s of submissions leave a 2 GB log); once the load eases it
        // does, and the file is cut back to 64 MiB then instead of keeping its largest size.
        // (Forcing a restart from the writer under load stalled every write for 50-150 ms.)
        conn.execute_batch(
            "PRAGMA page_size = 2048;
             PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA foreign_keys = ON;
             PRAGMA busy_timeout = 5000;
             PRAGMA wal_autocheckpoint = 0;
             PRAGMA journal_size_limit = 67108864;
             PRAGMA cache_size = -16384;
             PRAGMA temp_store = MEMORY;
             PRAGMA mmap_size = 268435456;",
        )?;
        // Every write of every endpoint passes through this one connection: keep all their
        // statements prepared (rusqlite keeps 16 by default).
        conn.set_prepared_statement_cache_capacity(256);
        keep_plans(&conn)?;
        migrate(&conn)?;
        let readers = readers::Readers::open(path, 4)?;
        checkpointer(path)?;
        // The log exists once a connection has read the file in WAL mode (the migrations did);
        // it stays while any connection is open, and the writer's is open as long as the API.
        let mut wal_path = path.as_os_str().to_owned();
        wal_path.push("-wal");
        let wal = std::fs::File::open(&wal_path)
            .map_err(|e| DbError::Commit(format!("{}: {e}", Path::new(&wal_path).display())))?;
        Ok(Db { writer: writer::Writer::start(conn, wal, MAX_BATCH), readers: Arc::new(readers) })
    }

    /// Runs `f` on the writer's connection inside its own savepoint, as part of the next batch,
    /// and answers once that batch committed. An error from `f` rolls back only `f`'s changes.
    pub async fn write<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        self.writer.write(f).await
    }

    /// How many writes are waiting for the writer (a measure of how busy it is: background work
    /// such as the mail sender steps aside when it is long).
    pub fn backlog(&self) -> usize {
        self.writer.backlog()
    }

    /// Runs `f` on a read-only connection (on a blocking thread).
    pub async fn read<T, E, F>(&self, f: F) -> Result<T, E>
    where
        F: FnOnce(&Connection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        self.readers.read(f).await
    }
}

/// Copies the write-ahead log back into the database file every second, on its own thread and
/// connection, so the writer's commits never pay for it (SQLite would otherwise checkpoint
/// inside whichever commit crosses 1,000 pages). A checkpoint that cannot finish (readers still
/// on old pages) simply continues next time.
///
/// The thread runs at the lowest CPU priority: copying pages is work that can wait, and under
/// a flood of writes each pass took 100-300 ms of a core away from the requests (the slowest
/// requests came in bursts at every pass). Nothing waits for a checkpoint: the log keeps what
/// is not copied yet, and readers find it there.
fn checkpointer(path: &Path) -> Result<(), DbError> {
    let conn = Connection::open(path)?;
    conn.execute_batch("PRAGMA busy_timeout = 5000;")?;
    std::thread::Builder::new()
        .name("civic-db-checkpoint".into())
        .spawn(move || {
            lowest_cpu_priority();
            loop {
                std::thread::sleep(std::time::Duration::from_secs(1));
                if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    eprintln!("civic api: checkpoint: {e}");
                }
            }
        })
        .map_err(|e| DbError::Commit(e.to_string()))?;
    Ok(())
}

/// Gives the calling thread the lowest CPU priority (nice 19): it runs when the others leave a
/// core free, and still gets a small share when they never do.
fn lowest_cpu_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: two system calls on the calling thread's own id, no memory is passed.
    #[allow(unsafe_code)]
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, libc::gettid() as libc::id_t, 19);
    }
}

/// Opens a read-only connection (the readers' kind).
fn open_read_only(path: &Path) -> Result<Connection, rusqlite::Error> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
    )?;
    conn.execute_batch("PRAGMA query_only = 1; PRAGMA busy_timeout = 5000; PRAGMA mmap_size = 268435456;")?;
    conn.set_prepared_statement_cache_capacity(128);
    keep_plans(&conn)?;
    Ok(conn)
}

/// Keeps a prepared statement's plan when new values are bound to it. SQLite (built with STAT4,
/// as the bundled one is) otherwise marks a statement for re-preparing whenever a bound value
/// might change the plan, and re-parsed the next registration number's query on every
/// submission: 13% of the writer thread's time; status pages re-parsed their queries too.
fn keep_plans(conn: &Connection) -> rusqlite::Result<()> {
    conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true).map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(conn: &Connection) -> Vec<String> {
        conn.prepare("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn every_earlier_version_migrates_to_the_same_schema_as_an_empty_file_keeping_its_rows() {
        let fresh = Connection::open_in_memory().unwrap();
        migrate(&fresh).unwrap();
        let latest = schema(&fresh);
        for start in 0..MIGRATIONS.len() {
            let dir = tempfile::tempdir().unwrap();
            let conn = Connection::open(dir.path().join("civic.db")).unwrap();
            migrate_to(&conn, start).unwrap();
            if start >= 1 {
                conn.execute(
                    "INSERT INTO account (email, created_at) VALUES ('a@example.ro', '2026-01-01T00:00:00Z')",
                    [],
                )
                .unwrap();
            }
            migrate(&conn).unwrap();
            assert_eq!(schema(&conn), latest, "from version {start}");
            let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
            assert_eq!(version as usize, MIGRATIONS.len());
            let accounts: i64 = conn.query_row("SELECT count(*) FROM account", [], |r| r.get(0)).unwrap();
            assert_eq!(accounts, i64::from(start >= 1), "rows survive the migration from version {start}");
        }
    }

    #[test]
    fn a_database_newer_than_the_program_is_refused_untouched() {
        let conn = Connection::open_in_memory().unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        let e = migrate(&conn).unwrap_err().to_string();
        assert!(e.contains("newer than this civic"), "{e}");
        assert_eq!(schema(&conn), Vec::<String>::new());
    }

    #[tokio::test]
    async fn a_failing_write_fails_alone_and_its_batch_neighbours_commit() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("civic.db")).unwrap();
        let insert = |email: &'static str| {
            let db = db.clone();
            tokio::spawn(async move {
                db.write(move |c| {
                    c.execute("INSERT INTO account (email, created_at) VALUES (?1, 'now')", [email])?;
                    Ok::<_, DbError>(())
                })
                .await
            })
        };
        // Queued together, so they share batches: the duplicate fails on the UNIQUE e-mail.
        let tasks = [insert("a@x.ro"), insert("b@x.ro"), insert("a@x.ro"), insert("c@x.ro")];
        let mut results = Vec::new();
        for t in tasks {
            results.push(t.await.unwrap().is_ok());
        }
        assert_eq!(results.iter().filter(|ok| **ok).count(), 3, "{results:?}");
        let count = db
            .read(|c| c.query_row("SELECT count(*) FROM account", [], |r| r.get::<_, i64>(0)).map_err(DbError::from))
            .await
            .unwrap();
        assert_eq!(count, 3, "the duplicate's neighbours are stored");
        // The reader sees the writer's commits, and cannot write.
        let e = db.read(|c| c.execute("DELETE FROM account", []).map_err(DbError::from)).await;
        assert!(e.is_err());
    }

    #[tokio::test]
    async fn the_backlog_counts_the_writes_waiting_behind_a_running_one() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("civic.db")).unwrap();
        assert_eq!(db.backlog(), 0);
        let (running_tx, running_rx) = std::sync::mpsc::channel::<()>();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let slow = {
            let db = db.clone();
            tokio::spawn(async move {
                db.write(move |_| {
                    running_tx.send(()).unwrap();
                    release_rx.recv().unwrap();
                    Ok::<_, DbError>(())
                })
                .await
            })
        };
        tokio::task::spawn_blocking(move || running_rx.recv().unwrap()).await.unwrap();
        let waiting: Vec<_> = (0..5)
            .map(|_| {
                let db = db.clone();
                tokio::spawn(async move { db.write(|_| Ok::<_, DbError>(())).await })
            })
            .collect();
        while db.backlog() < 5 {
            tokio::task::yield_now().await;
        }
        assert_eq!(db.backlog(), 5, "five writes wait behind the running one");
        release_tx.send(()).unwrap();
        slow.await.unwrap().unwrap();
        for w in waiting {
            w.await.unwrap().unwrap();
        }
        assert_eq!(db.backlog(), 0);
    }
}
