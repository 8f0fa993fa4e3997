//! Accounts made from the command line: staff and administrators (`civic api user add`).

use jiff::Timestamp;
use rusqlite::params;

use crate::db::{Db, DbError};

/// Creates the account, or gives an existing one the role (and password, if given). The
/// address (as `email::normalise` gives it) counts as verified: an administrator vouches for it.
pub async fn add(db: &Db, email: &str, name: &str, role: &str, password_hash: Option<String>) -> Result<i64, DbError> {
    let (email, name, role) = (email.to_owned(), name.to_owned(), role.to_owned());
    db.write(move |c| {
        let now = Timestamp::now().to_string();
        c.execute(
            "INSERT INTO account (email, name, password_hash, email_verified_at, role, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?4)
             ON CONFLICT (email) DO UPDATE SET role = excluded.role,
                 name = CASE WHEN excluded.name = '' THEN account.name ELSE excluded.name END,
                 password_hash = COALESCE(excluded.password_hash, account.password_hash),
                 email_verified_at = COALESCE(account.email_verified_at, excluded.email_verified_at)",
            params![email, name, password_hash, now, role],
        )?;
        let id: i64 = c.query_row("SELECT id FROM account WHERE email = ?1", [&email], |r| r.get(0))?;
        c.execute(
            "INSERT INTO identity (account_id, provider, subject, assurance, created_at)
             VALUES (?1, 'email', ?2, 'email_verified', ?3) ON CONFLICT (provider, subject) DO NOTHING",
            params![id, email, now],
        )?;
        Ok(id)
    })
    .await
}

/// An argon2id hash of `password` (for the CLI; requests hash on the bounded pool).
pub fn hash_password(password: &str) -> Result<String, String> {
    use argon2::password_hash::PasswordHasher;
    argon2::Argon2::default().hash_password(password.as_bytes()).map(|h| h.to_string()).map_err(|e| e.to_string())
}
