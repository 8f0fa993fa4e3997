//! The Atom feeds of alerts: a district's events, or a saved area's, rendered with the theme's
//! `api/alert_feed.xml` (autoescaped).

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::dispatch::kind_label;
use super::store;
use crate::accounts::tokens;
use crate::app::App;
use crate::error::{ApiError, ApiResult};

/// `/api/alerte/{key}/feed.xml`: a district's events (by its id), or a saved area's (by the
/// feed key from its manage page), newest first, as Atom.
#[utoipa::path(
    get, path = "/api/alerte/{key}/feed.xml", tag = "alerts", operation_id = "alert_feed",
    params(
        (
            "key" = String, Path, example = "cetate",
            description = "a district's id, or the feed key from the alert's page"
        )
    ),
    responses(
        (
            status = 200,
            description = "the feed (the last 50 entries)",
            body = String,
            content_type = "application/atom+xml"
        ),
        (status = 404, description = "no such district or alert")
    )
)]
pub async fn feed(State(app): State<App>, Path(key): Path<String>) -> ApiResult<Response> {
    let published = app.published();
    let district = published.districts.iter().find(|d| d.id == key).cloned();
    let base = app.config.public_url.clone();
    let title = match &district {
        Some(d) => format!("Alerte: {}", d.title),
        None => "Alerte pentru zona salvată".to_owned(),
    };
    let k = key.clone();
    let is_district = district.is_some();
    let events = app
        .db
        .read(move |c| match is_district {
            true => store::district_feed(c, &k).map_err(ApiError::from),
            false => store::subscription_feed(c, &tokens::hash(&k))?.ok_or_else(|| {
                ApiError::not_found("Nu există un flux cu această adresă (cartier necunoscut sau alertă ștearsă).")
            }),
        })
        .await?;
    let self_url = format!("{base}/api/alerte/{key}/feed.xml");
    let updated = events.first().map_or("2000-01-01T00:00:00Z", |e| e.created_at.as_str());
    let entries: Vec<_> = events
        .iter()
        .map(|e| {
            let url = if e.url.starts_with('/') { format!("{base}{}", e.url) } else { e.url.clone() };
            json!({"label": kind_label(&e.kind), "title": e.title, "key": e.key, "url": url,
                   "updated": e.created_at, "summary": e.detail})
        })
        .collect();
    let ctx = json!({
        "feed": {"title": title, "self_url": self_url, "updated": updated,
                 "author": published.frame.city_name()},
        "entries": entries,
    });
    let body = published
        .env
        .get_template("api/alert_feed.xml")
        .and_then(|t| t.render(minijinja::Value::from(minijinja::value::Serde(&ctx))))
        .map_err(ApiError::internal)?;
    Ok(([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], body).into_response())
}
