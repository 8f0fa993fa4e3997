//! Accounts made from the command line: staff and administrators (`civic api user add`).

use std::path::Path;

use crate::accounts::password::MIN_LENGTH;
use crate::accounts::role::Role;
use crate::accounts::store;
use crate::clock::Clock;
use crate::db::{Db, DbError};

/// Creates the account, or gives an existing one the role (and password, if given). The
/// address (as `email::normalise` gives it) counts as verified: an administrator vouches for it.
pub async fn add(db: &Db, email: &str, name: &str, role: &str, password_hash: Option<String>) -> Result<i64, DbError> {
    let role: Role = role.parse().map_err(DbError::Commit)?;
    let (email, name) = (email.to_owned(), name.to_owned());
    let now = Clock::default().now();
    db.write(move |c| Ok(store::enrol(c, &email, &name, role, password_hash.as_deref(), now)?)).await
}

/// `civic api user add`: checks the address and the password as given on the command line,
/// then adds the account to the database file `db`. Returns the account's id and its address
/// as stored; an error says which flag to correct.
pub async fn add_from_command_line(
    db: &Path,
    email: &str,
    name: &str,
    role: &str,
    password: Option<&str>,
) -> Result<(i64, String), String> {
    let hash = match password {
        Some(p) if p.chars().count() < MIN_LENGTH => {
            return Err(format!("the password (one line on standard input) needs at least {MIN_LENGTH} characters"));
        }
        Some(p) => Some(hash_password(p)?),
        None => None,
    };
    let email = crate::email::normalise(email).map_err(|e| format!("--email {email}: {}", e.message))?;
    let db = Db::open(db).map_err(|e| e.to_string())?;
    let id = add(&db, &email, name, role, hash).await.map_err(|e| e.to_string())?;
    Ok((id, email))
}

/// An argon2id hash of `password` (for the CLI; requests hash on the bounded pool).
pub fn hash_password(password: &str) -> Result<String, String> {
    use argon2::password_hash::PasswordHasher;
    argon2::Argon2::default().hash_password(password.as_bytes()).map(|h| h.to_string()).map_err(|e| e.to_string())
}
