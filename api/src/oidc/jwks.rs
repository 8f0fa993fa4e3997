//! The public key civic signs its client assertions with, at `/api/auth/oidc/{id}/jwks.json`.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::app::App;
use crate::error::{ApiError, ApiResult};

/// The public key civic signs its client assertions with (`private_key_jwt`), as a JWK Set:
/// what the provider registers, by value or by this address (`jwks_uri`).
#[utoipa::path(
    get, path = "/api/auth/oidc/{provider}/jwks.json", tag = "accounts", operation_id = "oidc_jwks",
    params(("provider" = String, Path, description = "the provider's id")),
    responses(
        (status = 200, description = "the JWK Set", body = crate::openapi::Jwks),
        (status = 404, description = "no such provider, or civic signs no assertions for it")
    )
)]
pub async fn jwks(State(app): State<App>, Path(id): Path<String>) -> ApiResult<Response> {
    let p = app.oidc.get(&id)?;
    let key = p.config.client_key.as_ref().ok_or_else(|| {
        ApiError::not_found(format!(
            "Acest site nu se autentifică la {} cu o cheie proprie, deci nu are o cheie publică de arătat.",
            p.config.name
        ))
    })?;
    Ok(axum::Json(json!({"keys": [key.public_jwk()]})).into_response())
}
