//! Schema migrations: SQL files applied in order, each in its own transaction, the version kept
//! in `PRAGMA user_version`. A database newer than this program is refused, never downgraded.

use rusqlite::{Connection, OptionalExtension};

use super::DbError;

/// Every migration, oldest first; the database's version is how many have been applied.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("001_accounts_and_mail", include_str!("../../migrations/001_accounts_and_mail.sql")),
    ("002_submissions", include_str!("../../migrations/002_submissions.sql")),
    ("003_petitions", include_str!("../../migrations/003_petitions.sql")),
    ("004_oidc", include_str!("../../migrations/004_oidc.sql")),
    ("005_alerts", include_str!("../../migrations/005_alerts.sql")),
    ("006_confirmation_order", include_str!("../../migrations/006_confirmation_order.sql")),
    ("007_deferred_mail", include_str!("../../migrations/007_deferred_mail.sql")),
    ("008_leaner_registration", include_str!("../../migrations/008_leaner_registration.sql")),
    ("009_my_account", include_str!("../../migrations/009_my_account.sql")),
    ("010_watched_fields", include_str!("../../migrations/010_watched_fields.sql")),
];

/// Brings the schema to the latest version.
pub fn migrate(conn: &Connection) -> Result<(), DbError> {
    migrate_to(conn, MIGRATIONS.len())
}

/// Brings the schema to `target` (tests start from each earlier version).
pub fn migrate_to(conn: &Connection, target: usize) -> Result<(), DbError> {
    let current: usize = conn.pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))? as usize;
    if current > MIGRATIONS.len() {
        return Err(DbError::Commit(format!(
            "the database is at schema version {current}, newer than this civic ({}): use a newer civic or restore a backup",
            MIGRATIONS.len()
        )));
    }
    // A migration may rebuild a table (SQLite's way to change a column): foreign keys are off
    // meanwhile, so dropping the old table cascades nothing, and checked before each commit.
    conn.pragma_update(None, "foreign_keys", false)?;
    for (version, (name, sql)) in MIGRATIONS.iter().enumerate().take(target).skip(current) {
        let run = || -> rusqlite::Result<()> {
            conn.execute_batch("BEGIN IMMEDIATE")?;
            conn.execute_batch(sql)?;
            let broken: Option<String> = conn.query_row("PRAGMA foreign_key_check", [], |r| r.get(0)).optional()?;
            if let Some(table) = broken {
                return Err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
                    Some(format!("a row of {table} lost the row it refers to")),
                ));
            }
            conn.pragma_update(None, "user_version", (version + 1) as i64)?;
            conn.execute_batch("COMMIT")
        };
        if let Err(e) = run() {
            let _ = conn.execute_batch("ROLLBACK");
            let _ = conn.pragma_update(None, "foreign_keys", true);
            return Err(DbError::Commit(format!("migration {name}: {e}")));
        }
    }
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(())
}
