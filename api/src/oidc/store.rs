//! Where OpenID Connect logins live: pending logins (`oidc_flow`) and the provider identities of
//! accounts (`identity`). Every query of the OIDC flow is here; a login's account and session
//! are made through the accounts store.

use jiff::{SignedDuration, Timestamp};
use rusqlite::{Connection, OptionalExtension, params};

use super::verify::Outcome;
use crate::accounts::store as accounts;
use crate::published::Assurance;

/// A login started at a provider, stored by its state's hash until the provider sends the
/// browser back.
pub struct NewFlow {
    pub state_sha256: Vec<u8>,
    pub browser_sha256: Vec<u8>,
    pub provider: String,
    /// The account the provider is being added to; `None` for a login.
    pub link_account: Option<i64>,
    pub next: String,
    pub valid: SignedDuration,
}

/// Stores a pending login, dropping the ones that expired.
pub fn begin_flow(c: &Connection, flow: &NewFlow, now: Timestamp) -> rusqlite::Result<()> {
    c.execute("DELETE FROM oidc_flow WHERE expires_at < ?1", [now.to_string()])?;
    c.prepare_cached(
        "INSERT INTO oidc_flow (state_sha256, browser_sha256, provider, link_account_id, next, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        flow.state_sha256,
        flow.browser_sha256,
        flow.provider,
        flow.link_account,
        flow.next,
        now.to_string(),
        (now + flow.valid).to_string()
    ])?;
    Ok(())
}

/// A pending login as the provider's answer finds it.
pub struct Flow {
    pub provider: String,
    pub browser_sha256: Vec<u8>,
    pub link_account: Option<i64>,
    pub next: String,
    pub expired: bool,
}

/// Why a state finds no pending login to finish.
pub enum NoFlow {
    /// Never started here, or long gone.
    Unknown,
    /// An answer with this state already came.
    Used,
}

/// Uses up the pending login of a state: the first answer takes it, whatever follows, so a
/// replayed state finds it used.
pub fn take_flow(c: &Connection, state_sha256: &[u8], now: Timestamp) -> rusqlite::Result<Result<Flow, NoFlow>> {
    let now = now.to_string();
    let row = c
        .query_row(
            "SELECT provider, browser_sha256, link_account_id, next, expires_at < ?2, used_at IS NOT NULL
             FROM oidc_flow WHERE state_sha256 = ?1",
            params![state_sha256, now],
            |r| {
                let flow = Flow {
                    provider: r.get(0)?,
                    browser_sha256: r.get(1)?,
                    link_account: r.get(2)?,
                    next: r.get(3)?,
                    expired: r.get(4)?,
                };
                Ok((flow, r.get::<_, bool>(5)?))
            },
        )
        .optional()?;
    Ok(match row {
        None => Err(NoFlow::Unknown),
        Some((_, true)) => Err(NoFlow::Used),
        Some((flow, false)) => {
            c.execute("UPDATE oidc_flow SET used_at = ?2 WHERE state_sha256 = ?1", params![state_sha256, now])?;
            Ok(flow)
        }
    })
}

/// The identity is already another account's: it cannot be added to this one.
pub struct LinkedElsewhere;

/// Finds or makes the account of a provider's identity (the account `link` when adding the
/// provider to it), records the identity with what the provider sent (`received`, JSON), and
/// gives a nameless account the provider's name. The account and the level a session of it
/// reaches now.
pub fn sign_in_identity(
    c: &Connection,
    provider: &str,
    outcome: &Outcome,
    received: &str,
    link: Option<i64>,
    now: Timestamp,
) -> rusqlite::Result<Result<(i64, Assurance), LinkedElsewhere>> {
    let existing: Option<i64> = c
        .query_row(
            "SELECT account_id FROM identity WHERE provider = ?1 AND subject = ?2",
            params![provider, outcome.subject],
            |r| r.get(0),
        )
        .optional()?;
    let account = match (link, existing) {
        (Some(link), Some(other)) if other != link => return Ok(Err(LinkedElsewhere)),
        (Some(link), _) => link,
        (None, Some(account)) => account,
        (None, None) => accounts::create_provider_account(c, &outcome.name, now)?,
    };
    c.execute(
        "INSERT INTO identity (account_id, provider, subject, assurance, created_at, received, last_login_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5)
         ON CONFLICT (provider, subject) DO UPDATE SET assurance = excluded.assurance,
             received = excluded.received, last_login_at = excluded.last_login_at",
        params![account, provider, outcome.subject, outcome.assurance.as_str(), now.to_string(), received],
    )?;
    if !outcome.name.is_empty() {
        accounts::name_if_nameless(c, account, &outcome.name)?;
    }
    let level = if accounts::email_verified(c, account)? {
        outcome.assurance.max(Assurance::EmailVerified)
    } else {
        outcome.assurance
    };
    Ok(Ok((account, level)))
}

/// Why a provider cannot be removed from an account.
pub enum KeepIdentity {
    /// The account has no identity of this provider.
    NotLinked,
    /// It is the only way left to log in.
    LastWayIn,
}

/// Removes a provider's identity from the account, unless it is the only way left to log in;
/// sessions that came from it keep only what the account itself proves.
pub fn unlink(c: &Connection, account: i64, provider: &str) -> rusqlite::Result<Result<(), KeepIdentity>> {
    let linked: bool = c.query_row(
        "SELECT count(*) > 0 FROM identity WHERE account_id = ?1 AND provider = ?2",
        params![account, provider],
        |r| r.get(0),
    )?;
    if !linked || provider == "email" {
        return Ok(Err(KeepIdentity::NotLinked));
    }
    let (others, has_email): (i64, bool) = c.query_row(
        "SELECT (SELECT count(*) FROM identity WHERE account_id = ?1 AND provider <> ?2 AND provider <> 'email'),
                email IS NOT NULL FROM account WHERE id = ?1",
        params![account, provider],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if others == 0 && !has_email {
        return Ok(Err(KeepIdentity::LastWayIn));
    }
    c.execute("DELETE FROM identity WHERE account_id = ?1 AND provider = ?2", params![account, provider])?;
    c.execute(
        "UPDATE session SET oidc_provider = NULL,
             assurance = CASE WHEN (SELECT email_verified_at IS NOT NULL FROM account WHERE id = ?1)
                              THEN 'email_verified' ELSE 'none' END
         WHERE account_id = ?1 AND oidc_provider = ?2",
        params![account, provider],
    )?;
    Ok(Ok(()))
}
