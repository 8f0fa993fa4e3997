//! Passwords: argon2id (default cost, ~25 ms of CPU each) on a bounded number of blocking
//! threads, so a flood of logins waits its turn instead of taking every core.

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::app::App;
use crate::error::{ApiError, ApiResult};

/// The shortest password accepted (NIST SP 800-63B: at least 8; we ask for 10).
pub const MIN_LENGTH: usize = 10;

pub async fn hash(app: &App, password: String) -> ApiResult<String> {
    let _permit = app.hashing.acquire().await.map_err(ApiError::internal)?;
    tokio::task::spawn_blocking(move || Argon2::default().hash_password(password.as_bytes()).map(|h| h.to_string()))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
}

/// Whether `password` matches `stored`. A missing hash (magic-link-only account) still costs one
/// hash, so timing does not tell which e-mails have passwords.
pub async fn verify(app: &App, password: String, stored: Option<String>) -> ApiResult<bool> {
    let _permit = app.hashing.acquire().await.map_err(ApiError::internal)?;
    tokio::task::spawn_blocking(move || match stored.as_deref() {
        Some(h) => Argon2::default().verify_password(password.as_bytes(), h).is_ok(),
        None => {
            let _ = Argon2::default().hash_password(password.as_bytes());
            false
        }
    })
    .await
    .map_err(ApiError::internal)
}
