//! The petitions' open data: every public petition with its counts (`/api/petitions.json`),
//! and one petition's document or its counts as CSV, with no personal data.

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::pages::{Listed, details, listed, public_petitions};
use super::public_view::PublicPetition;
use super::{Petition, find_visible, store};
use crate::app::App;
use crate::error::{ApiError, ApiResult};

/// The open-data document of one petition: no personal data.
pub(super) async fn document(app: &App, p: &Petition) -> ApiResult<Value> {
    let id = p.id;
    let hourly = app.db.read(move |c| store::hourly(c, id).map_err(ApiError::from)).await?;
    let counts = app
        .petitions
        .get(id)
        .map(|c| (*c).clone())
        .unwrap_or(json!({"confirmed": 0, "verified": 0, "by_district": {}}));
    let mut v = serde_json::to_value(PublicPetition::open_data(p)).expect("JSON");
    v["url"] = format!("{}/api/petitii/{id}", app.config.public_url).into();
    v["signatures"] = json!({"confirmed": counts["confirmed"], "identity_verified": counts["verified"],
        "by_district": counts["by_district"], "updated_at": counts["updated_at"], "hourly": hourly});
    let d = details(app, p).await?;
    v["thresholds"] = d["thresholds"].clone();
    v["invalidations"] = d["invalidations"].clone();
    Ok(v)
}

pub(super) fn cacheable(body: impl IntoResponse, content_type: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, header::HeaderValue::from_static(content_type));
    // A CDN may serve it for a second, and a little longer while it fetches a fresh one.
    r.headers_mut()
        .insert(header::CACHE_CONTROL, header::HeaderValue::from_static("public, max-age=1, stale-while-revalidate=5"));
    r.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, header::HeaderValue::from_static("*"));
    r
}

/// Open data: every public petition with its counts (no names, no addresses).
#[utoipa::path(
    get, path = "/api/petitions.json", tag = "open data", operation_id = "petitions_open_data",
    responses(
        (status = 200, description = "the list; cacheable for a second", body = crate::openapi::OpenPetitions)
    )
)]
pub async fn open_data_list(State(app): State<App>) -> ApiResult<Response> {
    let rows = public_petitions(&app).await?;
    let items: Vec<Listed> =
        rows.iter().map(|(p, due)| listed(&app, p, *due, PublicPetition::open_data_summary(p))).collect();
    Ok(cacheable(axum::Json(json!({"type": "petition", "count": items.len(), "items": items})), "application/json"))
}

/// `/api/petitions/{id}.json` and `/api/petitions/{id}.csv` (counts by district and by hour).
#[utoipa::path(
    get, path = "/api/petitions/{file}", tag = "open data", operation_id = "petition_open_data",
    params(("file" = String, Path, description = "`{id}.json` or `{id}.csv`", example = "1.json")),
    responses(
        (
            status = 200,
            description = "the petition's document, or its counts as CSV (`kind,key,confirmed`); cacheable for \
                a second",
            content((crate::openapi::OpenPetition = "application/json"), (String = "text/csv"))
        ),
        (status = 404, description = "no such public petition, or another extension")
    )
)]
pub async fn open_data_one(State(app): State<App>, Path(file): Path<String>) -> ApiResult<Response> {
    let (id, ext) =
        file.rsplit_once('.').ok_or_else(|| ApiError::not_found("Folosiți /api/petitions/{id}.json sau .csv."))?;
    let id: i64 = id.parse().map_err(|_| ApiError::not_found("Petiția nu există."))?;
    let p = find_visible(&app, id, None).await?;
    let doc = document(&app, &p).await?;
    match ext {
        "json" => Ok(cacheable(axum::Json(doc), "application/json")),
        "csv" => Ok(cacheable(counts_csv(&doc["signatures"]).map_err(ApiError::internal)?, "text/csv; charset=utf-8")),
        _ => Err(ApiError::not_found("Folosiți /api/petitions/{id}.json sau .csv.")),
    }
}

/// A petition's confirmed signatures as CSV: `kind,key,confirmed`, a row per district, then
/// one per hour.
fn counts_csv(signatures: &Value) -> Result<String, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(["kind", "key", "confirmed"])?;
    for (district, n) in signatures["by_district"].as_object().into_iter().flatten() {
        out.write_record(["district", district, &n.to_string()])?;
    }
    for h in signatures["hourly"].as_array().into_iter().flatten() {
        out.write_record(["hour", h["hour"].as_str().unwrap_or(""), &h["confirmed"].to_string()])?;
    }
    let bytes = out.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8(bytes).expect("CSV of UTF-8 text"))
}
