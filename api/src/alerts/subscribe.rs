//! Subscribing to alerts: the form, and the new subscription with its confirmation e-mail
//! (none for someone logged in with that very, verified address).

use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::form::{SubscribeForm, parse_area, parse_frequency, parse_topics};
use super::{feed_key, frequency_list, link_key, store, topic_list, topics_labels};
use crate::accounts::session::Viewer;
use crate::accounts::tokens;
use crate::app::{App, RepeatableInput, see_other, wants_json};
use crate::email;
use crate::error::{ApiError, ApiResult};
use crate::mail;

/// The district ids of the query that are districts of the site.
fn chosen_districts(query: Option<&str>, districts: &[crate::published::District]) -> Vec<String> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .filter(|(k, _)| k == "district")
        .map(|(_, v)| v.into_owned())
        .filter(|v| districts.iter().any(|d| d.id == *v))
        .collect()
}

/// The form: an address, an area, topics and how often; the districts of the query ticked.
#[utoipa::path(
    get, path = "/api/alerte", tag = "alerts", operation_id = "alerts_page",
    params(
        ("district" = Option<Vec<String>>, Query, explode,
         description = "a district to tick, repeated for several (`?district=cetate&district=fabric`), as the \
                        links of district, street and work pages give them; ids that are not districts are ignored")
    ),
    responses(
        (status = 200, description = "the page", body = String, content_type = "text/html")
    )
)]
pub async fn subscribe_page(
    State(app): State<App>,
    Viewer(user): Viewer,
    RawQuery(query): RawQuery,
) -> ApiResult<Response> {
    let published = app.published();
    let chosen = chosen_districts(query.as_deref(), &published.districts);
    Ok(app
        .page(
            "api/alerts.html",
            "Alerte pentru zona dumneavoastră",
            "/api/alerte",
            json!({
                "districts": published.districts,
                "chosen": chosen,
                "topics": topic_list(),
                "frequencies": frequency_list(),
                "email": user.map(|u| u.email).unwrap_or_default(),
            }),
        )?
        .into_response())
}

/// Creates an alert and e-mails the confirmation (confirmed at once for someone logged in with
/// that very, verified address).
#[utoipa::path(
    post, path = "/api/alerte", tag = "alerts", operation_id = "alert_subscribe",
    request_body(content((SubscribeForm = "application/x-www-form-urlencoded"), (SubscribeForm = "application/json"))),
    responses(
        (
            status = 202,
            description = "created (JSON clients): confirmed, or check your e-mail",
            body = crate::openapi::Status
        ),
        (status = 303, description = "created: to the check-your-e-mail page, or to the alert"),
        (status = 400, description = "the body cannot be read"),
        (status = 413, description = "the body is too large"),
        (status = 422, description = "a field is wrong")
    )
)]
pub async fn subscribe(
    State(app): State<App>,
    Viewer(user): Viewer,
    headers: HeaderMap,
    RepeatableInput(form): RepeatableInput<SubscribeForm>,
) -> ApiResult<Response> {
    let published = app.published();
    let mut problems = Vec::new();
    let email = email::normalise(&form.email).map_err(|e| problems.push(e)).ok();
    let area = parse_area(&form, &published.districts).map_err(|e| problems.push(e)).ok();
    let topics = parse_topics(&form.topic).map_err(|e| problems.push(e)).ok();
    let frequency = parse_frequency(&form.frequency).map_err(|e| problems.push(e)).ok();
    let (Some(email), Some(area), Some(topics), Some(frequency)) = (email, area, topics, frequency) else {
        return Err(ApiError::unprocessable("Alerta nu a fost creată: corectați câmpurile de mai jos.", problems)
            .with_back("/api/alerte"));
    };
    // Logged in with this very (verified) address: no confirmation mail is needed.
    let proven = user.as_ref().is_some_and(|u| u.email_verified && u.email == email);
    if !proven {
        app.limits.email(&email).map_err(|e| e.with_back("/api/alerte"))?;
    }
    let key = create(&app, email, area, topics, frequency, proven).await?;
    Ok(created(&headers, proven, &key))
}

/// The answer to a new subscription (`key`: its mail links' key): JSON clients get its state,
/// browsers the subscription's page when it is confirmed, else the check-your-e-mail page.
pub(super) fn created(headers: &HeaderMap, confirmed: bool, key: &str) -> Response {
    if wants_json(headers) {
        let status = if confirmed { "confirmed" } else { "check_your_email" };
        return (StatusCode::ACCEPTED, axum::Json(json!({"status": status}))).into_response();
    }
    see_other(&if confirmed { format!("/api/alerte/gestionare?token={key}") } else { "/api/alerte/trimis".into() })
}

/// Stores a subscription (an area alert, or a follow: topics empty, the area naming what is
/// followed) and queues its confirmation mail, none when `proven` (it is confirmed at once);
/// returns the key of its mail links.
pub(super) async fn create(
    app: &App,
    email: String,
    area: Value,
    topics: String,
    frequency: String,
    proven: bool,
) -> ApiResult<String> {
    let published = app.published();
    let (token, hash) = tokens::new_token();
    let link = tokens::hash(&link_key(&hash));
    let feed = tokens::hash(&feed_key(&hash));
    let base = app.config.public_url.clone();
    let confirm_mail = (!proven)
        .then(|| {
            mail::compose(
                &published,
                "alert_confirm",
                &email,
                json!({
                    "url": format!("{base}/api/alerte/confirmare?token={token}"),
                    "topics": topics_labels(&topics),
                    "follow": area["title"],
                }),
            )
        })
        .transpose()?;
    let area_text = area.to_string();
    let now = app.clock.now();
    let key = link_key(&hash);
    app.db
        .write(move |c| {
            let subscription = store::NewSubscription {
                email: &email,
                area: &area_text,
                topics: &topics,
                frequency: &frequency,
                token_sha256: &hash,
                link_sha256: &link,
                feed_sha256: &feed,
                confirmed: proven,
            };
            store::subscribe(c, &subscription, now)?;
            if let Some(m) = &confirm_mail {
                mail::enqueue(c, m, &now.to_string())?;
            }
            Ok::<_, ApiError>(())
        })
        .await?;
    if !proven {
        app.mail_queued.notify_one();
    }
    Ok(key)
}

/// "Check your e-mail to confirm the alert".
#[utoipa::path(
    get, path = "/api/alerte/trimis", tag = "alerts", operation_id = "alert_sent_page",
    responses(
        (status = 200, description = "the page", body = String, content_type = "text/html")
    )
)]
pub async fn sent_page(State(app): State<App>) -> ApiResult<Response> {
    Ok(app.page("api/alert_sent.html", "Confirmați alerta", "/api/alerte/trimis", json!({}))?.into_response())
}
