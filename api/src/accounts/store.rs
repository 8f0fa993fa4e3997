//! Where accounts live: accounts, their identities, one-time login links and sessions. Every
//! query of the accounts domain is here; handlers call these functions inside `Db::read` or
//! `Db::write`.

use jiff::{SignedDuration, Timestamp};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};

use super::role::Role;
use super::session::User;
use crate::published::Assurance;

/// The account with this (normalised) e-mail address.
pub fn account_by_email(c: &Connection, email: &str) -> rusqlite::Result<Option<i64>> {
    c.prepare_cached("SELECT id FROM account WHERE email = ?1")?.query_row([email], |r| r.get(0)).optional()
}

/// A new account for `email` (with a name and password hash when given); its id.
pub fn create_account(
    c: &Connection,
    email: &str,
    name: &str,
    password_hash: Option<&str>,
    now: Timestamp,
) -> rusqlite::Result<i64> {
    c.prepare_cached("INSERT INTO account (email, name, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![email, name, password_hash, now.to_string()])?;
    Ok(c.last_insert_rowid())
}

/// A new account known only by a provider's identity (no e-mail); its id.
pub fn create_provider_account(c: &Connection, name: &str, now: Timestamp) -> rusqlite::Result<i64> {
    c.execute("INSERT INTO account (email, name, created_at) VALUES (NULL, ?1, ?2)", params![name, now.to_string()])?;
    Ok(c.last_insert_rowid())
}

/// Creates a staff or administrator account from the command line, or gives an existing one
/// the role (and password, if given); its e-mail counts as verified. Its id.
pub fn enrol(
    c: &Connection,
    email: &str,
    name: &str,
    role: Role,
    password_hash: Option<&str>,
    now: Timestamp,
) -> rusqlite::Result<i64> {
    c.execute(
        "INSERT INTO account (email, name, password_hash, email_verified_at, role, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?4)
         ON CONFLICT (email) DO UPDATE SET role = excluded.role,
             name = CASE WHEN excluded.name = '' THEN account.name ELSE excluded.name END,
             password_hash = COALESCE(excluded.password_hash, account.password_hash),
             email_verified_at = COALESCE(account.email_verified_at, excluded.email_verified_at)",
        params![email, name, password_hash, now.to_string(), role],
    )?;
    let id: i64 = c.query_row("SELECT id FROM account WHERE email = ?1", [email], |r| r.get(0))?;
    add_email_identity(c, id, email, now)?;
    Ok(id)
}

/// What a password login needs to know of an account.
pub struct PasswordAccount {
    pub id: i64,
    pub password_hash: Option<String>,
    pub email_verified: bool,
}

/// The account with this e-mail, for a password login.
pub fn password_account(c: &Connection, email: &str) -> rusqlite::Result<Option<PasswordAccount>> {
    c.query_row("SELECT id, password_hash, email_verified_at IS NOT NULL FROM account WHERE email = ?1", [email], |r| {
        Ok(PasswordAccount { id: r.get(0)?, password_hash: r.get(1)?, email_verified: r.get(2)? })
    })
    .optional()
}

/// Whether the account's e-mail address is verified.
pub fn email_verified(c: &Connection, account: i64) -> rusqlite::Result<bool> {
    c.query_row("SELECT email_verified_at IS NOT NULL FROM account WHERE id = ?1", [account], |r| r.get(0))
}

/// Gives a nameless account the name a provider knows.
pub fn name_if_nameless(c: &Connection, account: i64, name: &str) -> rusqlite::Result<()> {
    c.execute("UPDATE account SET name = ?2 WHERE id = ?1 AND name = ''", params![account, name])?;
    Ok(())
}

/// Deletes the account; its identities, sessions and links go with it (foreign keys cascade).
pub fn delete_account(c: &Connection, account: i64) -> rusqlite::Result<()> {
    c.execute("DELETE FROM account WHERE id = ?1", [account])?;
    Ok(())
}

/// Records the account's e-mail address as one of its identities (once).
fn add_email_identity(c: &Connection, account: i64, email: &str, now: Timestamp) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO identity (account_id, provider, subject, assurance, created_at)
         VALUES (?1, 'email', ?2, 'email_verified', ?3) ON CONFLICT (provider, subject) DO NOTHING",
        params![account, email, now.to_string()],
    )?;
    Ok(())
}

/// A one-time link's stored form, to be e-mailed to the account.
pub struct NewLoginLink<'a> {
    pub token_sha256: &'a [u8],
    pub purpose: &'a str,
    pub account: i64,
    pub next: &'a str,
    pub valid: SignedDuration,
}

pub fn insert_login_link(c: &Connection, link: &NewLoginLink, now: Timestamp) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO login_token (token_sha256, purpose, account_id, created_at, expires_at, next)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        link.token_sha256,
        link.purpose,
        link.account,
        now.to_string(),
        (now + link.valid).to_string(),
        link.next
    ])?;
    Ok(())
}

/// Uses a live, unused one-time link: marks it used, verifies the address it was sent to, and
/// gives the account the submissions sent earlier from that address without one. The account
/// and where the link goes afterwards; `None` for a link that expired, was used or never was.
pub fn redeem_login_link(
    c: &Connection,
    token_sha256: &[u8],
    now: Timestamp,
) -> rusqlite::Result<Option<(i64, Option<String>)>> {
    let now_text = now.to_string();
    let row: Option<(i64, String, Option<String>)> = c
        .query_row(
            "SELECT t.account_id, a.email, t.next FROM login_token t JOIN account a ON a.id = t.account_id
             WHERE t.token_sha256 = ?1 AND t.used_at IS NULL AND t.expires_at > ?2",
            params![token_sha256, now_text],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((account, email, next)) = row else { return Ok(None) };
    c.execute("UPDATE login_token SET used_at = ?2 WHERE token_sha256 = ?1", params![token_sha256, now_text])?;
    // Using a link sent to the address proves the address.
    c.execute(
        "UPDATE account SET email_verified_at = ?2 WHERE id = ?1 AND email_verified_at IS NULL",
        params![account, now_text],
    )?;
    add_email_identity(c, account, &email, now)?;
    // Submissions sent earlier from this address, without an account, are now theirs.
    c.execute(
        "UPDATE submission SET account_id = ?1 WHERE email = ?2 AND account_id IS NULL",
        params![account, email],
    )?;
    Ok(Some((account, next)))
}

/// Stores a new session (by its token's hash) lasting `valid`.
pub fn insert_session(
    c: &Connection,
    token_sha256: &[u8],
    account: i64,
    assurance: Assurance,
    now: Timestamp,
    valid: SignedDuration,
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO session (token_sha256, account_id, assurance, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![token_sha256, account, assurance.as_str(), now.to_string(), (now + valid).to_string()])?;
    Ok(())
}

/// Marks a session as one that came from an identity provider (for its logout).
pub fn set_session_provider(c: &Connection, token_sha256: &[u8], provider: &str) -> rusqlite::Result<()> {
    c.execute("UPDATE session SET oidc_provider = ?2 WHERE token_sha256 = ?1", params![token_sha256, provider])?;
    Ok(())
}

/// The person behind a live session.
pub fn session_user(c: &Connection, token_sha256: &[u8], now: Timestamp) -> rusqlite::Result<Option<User>> {
    c.prepare_cached(
        "SELECT a.id, COALESCE(a.email, ''), a.name, a.role, s.assurance, a.email_verified_at IS NOT NULL
         FROM session s JOIN account a ON a.id = s.account_id
         WHERE s.token_sha256 = ?1 AND s.expires_at > ?2",
    )?
    .query_row(params![token_sha256, now.to_string()], |r| {
        Ok(User {
            id: r.get(0)?,
            email: r.get(1)?,
            name: r.get(2)?,
            role: r.get(3)?,
            assurance: Assurance::parse(&r.get::<_, String>(4)?),
            email_verified: r.get(5)?,
        })
    })
    .optional()
}

/// Ends a session; the provider it came from, if it did (`None` also for no such session).
pub fn end_session(c: &Connection, token_sha256: &[u8]) -> rusqlite::Result<Option<String>> {
    Ok(c.query_row("DELETE FROM session WHERE token_sha256 = ?1 RETURNING oidc_provider", [token_sha256], |r| {
        r.get::<_, Option<String>>(0)
    })
    .optional()?
    .flatten())
}

/// The account's identities (its e-mail, the providers it logs in with), oldest first, with
/// the claims each provider sent under `claims_key`.
pub fn identities(c: &Connection, account: i64, claims_key: &str) -> rusqlite::Result<Vec<Value>> {
    c.prepare_cached(
        "SELECT provider, subject, assurance, created_at, received FROM identity WHERE account_id = ?1 ORDER BY id",
    )?
    .query_map([account], |r| {
        let mut identity = json!({"provider": r.get::<_, String>(0)?, "subject": r.get::<_, String>(1)?,
                                  "assurance": r.get::<_, String>(2)?, "created_at": r.get::<_, String>(3)?});
        identity[claims_key] = serde_json::from_str::<Value>(&r.get::<_, String>(4)?).unwrap_or_default();
        Ok(identity)
    })?
    .collect()
}

/// Everything stored on the account row itself, and how many sessions it has open (for the
/// export).
pub fn account_export(c: &Connection, account: i64) -> rusqlite::Result<(Value, i64)> {
    let row = c.query_row(
        "SELECT email, name, role, created_at, email_verified_at, password_hash IS NOT NULL FROM account WHERE id = ?1",
        [account],
        |r| {
            Ok(json!({"email": r.get::<_, Option<String>>(0)?, "name": r.get::<_, String>(1)?,
                      "role": r.get::<_, Role>(2)?, "created_at": r.get::<_, String>(3)?,
                      "email_verified_at": r.get::<_, Option<String>>(4)?,
                      "has_password": r.get::<_, bool>(5)?}))
        },
    )?;
    let sessions: i64 = c.query_row("SELECT count(*) FROM session WHERE account_id = ?1", [account], |r| r.get(0))?;
    Ok((row, sessions))
}

/// The address to write to an account at (`None` for one without, made by a provider).
pub fn email_of(c: &Connection, account: i64) -> rusqlite::Result<Option<String>> {
    Ok(c.query_row("SELECT email FROM account WHERE id = ?1", [account], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten()
        .filter(|e| !e.is_empty()))
}
