//! Accounts made from the command line: staff and administrators (`civic api user add`).

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

/// An argon2id hash of `password` (for the CLI; requests hash on the bounded pool).
pub fn hash_password(password: &str) -> Result<String, String> {
    use argon2::password_hash::PasswordHasher;
    argon2::Argon2::default().hash_password(password.as_bytes()).map(|h| h.to_string()).map_err(|e| e.to_string())
}
