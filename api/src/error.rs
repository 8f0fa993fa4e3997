//! Every failure a request can meet, as a 4xx (or, for the server's own faults, a 5xx) with a
//! message that says what to do. Handlers return [`ApiError`]; the `render_errors` middleware
//! turns it — and axum's own rejections — into a page in the site's theme for browsers or a
//! JSON object for API clients.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::db::DbError;

/// A request that cannot be served, and why.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApiError {
    #[serde(skip)]
    pub status: StatusCode,
    /// What happened and what to do, in the site's language.
    pub error: String,
    /// Field → problem, for form submissions.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(required = false)]
    pub fields: Vec<FieldError>,
    /// Where to go back to (a form's page).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub back: Option<String>,
    /// Seconds until a refused request may be tried again (`Retry-After`, with 429).
    #[serde(skip)]
    pub retry_after: Option<u64>,
}

/// What is wrong with one field.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub label: String,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, error: impl Into<String>) -> ApiError {
        ApiError { status, error: error.into(), fields: vec![], back: None, retry_after: None }
    }
    pub fn bad_request(error: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, error)
    }
    pub fn not_found(error: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, error)
    }
    pub fn forbidden(error: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, error)
    }
    pub fn unauthorized(error: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, error)
    }
    pub fn conflict(error: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, error)
    }
    pub fn unprocessable(error: impl Into<String>, fields: Vec<FieldError>) -> ApiError {
        ApiError { fields, ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, error) }
    }
    /// A 429: too many requests, and when to try again.
    pub fn too_many(error: impl Into<String>, wait: std::time::Duration) -> ApiError {
        ApiError { retry_after: Some(wait.as_secs().max(1)), ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, error) }
    }
    pub fn with_back(mut self, url: impl Into<String>) -> ApiError {
        self.back = Some(url.into());
        self
    }
    /// A fault of the server, not of the request: logged, and told without details.
    pub fn internal(what: impl std::fmt::Display) -> ApiError {
        eprintln!("civic api: error: {what}");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Serviciul este temporar indisponibil; nimic nu a fost înregistrat. Încercați din nou în câteva minute.",
        )
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        ApiError::internal(e)
    }
}

impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        ApiError::internal(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status;
        let mut response = (status, Json(&self)).into_response();
        if let Some(secs) = self.retry_after {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        response.extensions_mut().insert(self);
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
