//! `GET /api/arhiva/cautare`: the OCR text of the archive's open units, searched in the full-text
//! index `civic build --archive-index` writes (`civic_search::archive`), opened read-only. The
//! site's search page shows these results beside its own; the answer is public and cacheable.

use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

use crate::app::App;
use crate::error::{ApiError, ApiResult};

/// Results per page.
pub const PER_PAGE: usize = 10;
/// The longest query, in characters.
const MAX_QUERY_CHARS: usize = 200;
/// The most words a query may have.
const MAX_QUERY_WORDS: usize = 12;
/// How far the results can be paged.
const MAX_OFFSET: usize = 1_000;

pub fn routes() -> Router<App> {
    Router::new().route("/api/arhiva/cautare", get(search))
}

#[derive(Deserialize)]
pub struct SearchQuery {
    /// The words searched for.
    #[serde(default)]
    q: String,
    /// How many results to skip.
    #[serde(default)]
    de_la: usize,
}

/// Pages of the open archive units whose OCR text holds every word of `q` (without diacritics,
/// any form of the word), best first, ten at a time, with a snippet around the words found.
#[utoipa::path(
    get, path = "/api/arhiva/cautare", tag = "archive", operation_id = "archive_search",
    params(
        ("q" = String, Query, description = "the words searched for (at most 12, 200 characters)", example = "hidrantul inghetat"),
        ("de_la" = Option<usize>, Query, description = "how many results to skip (at most 1000)", example = 0)
    ),
    responses(
        (status = 200, description = "the pages found; cacheable for a minute", body = crate::openapi::ArchiveResults),
        (status = 400, description = "no words, too many, or paged too far"),
        (status = 503, description = "this server has no archive index yet")
    )
)]
pub async fn search(State(app): State<App>, Query(q): Query<SearchQuery>) -> ApiResult<Response> {
    let text = q.q.trim().to_owned();
    if text.is_empty() {
        return Err(ApiError::bad_request("Scrieți ce căutați: cel puțin un cuvânt (parametrul q)."));
    }
    if text.chars().count() > MAX_QUERY_CHARS || text.split_whitespace().count() > MAX_QUERY_WORDS {
        return Err(ApiError::bad_request(format!(
            "Căutarea este prea lungă: cel mult {MAX_QUERY_WORDS} cuvinte și {MAX_QUERY_CHARS} de caractere."
        )));
    }
    if q.de_la > MAX_OFFSET {
        return Err(ApiError::bad_request(format!(
            "Rezultatele se pot răsfoi până la al {MAX_OFFSET}-lea; restrângeți căutarea cu încă un cuvânt."
        )));
    }
    let path = app.config.archive_index.clone();
    let results = tokio::task::spawn_blocking(move || {
        let conn = civic_search::archive::open_for_search(&path).ok()?;
        civic_search::archive::search(&conn, &text, q.de_la, PER_PAGE, civic_search::archive::RANK_UP_TO).ok()
    })
    .await
    .map_err(ApiError::internal)?;
    let Some(results) = results else {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "Căutarea în textul documentelor din arhivă nu este disponibilă acum. Încercați din nou mai târziu; \
             descrierile documentelor se găsesc în căutarea site-ului.",
        ));
    };
    let mut response = Json(results).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=60"));
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    Ok(response)
}
