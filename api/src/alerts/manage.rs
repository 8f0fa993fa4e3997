//! An alert after subscribing, by the keys of its e-mail links: confirming it, changing its
//! topics and frequency, and unsubscribing (also RFC 8058's one-click POST).

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::form::{one_or_many, parse_frequency, parse_topics};
use super::{district_titles, feed_key, follows, frequency_list, link_key, store, topic_list};
use crate::accounts::tokens;
use crate::app::{App, Input, RepeatableInput, see_other, wants_json};
use crate::error::{ApiError, ApiResult};

#[derive(Deserialize, Default, utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
pub struct TokenQuery {
    /// The token, or the key, of the e-mail's link.
    #[serde(default)]
    #[param(min_length = 1, max_length = 99)]
    #[schema(min_length = 1, max_length = 99)]
    token: Option<String>,
}

fn token_of(q: Option<String>) -> ApiResult<String> {
    q.filter(|t| !t.is_empty() && t.len() < 100)
        .ok_or_else(|| ApiError::bad_request("Linkul nu este complet. Copiați în browser toată adresa din e-mail."))
}

/// The page the confirmation link opens: a button that POSTs (mail scanners open links).
#[utoipa::path(
    get, path = "/api/alerte/confirmare", tag = "alerts", operation_id = "alert_confirm_page",
    params(TokenQuery),
    responses(
        (status = 200, description = "the page with the button", body = String, content_type = "text/html"),
        (status = 400, description = "no token")
    )
)]
pub async fn confirm_page(State(app): State<App>, Query(q): Query<TokenQuery>) -> ApiResult<Response> {
    let token = token_of(q.token)?;
    Ok(app
        .page("api/alert_confirm.html", "Confirmați alerta", "/api/alerte/confirmare", json!({"token": token}))?
        .into_response())
}

/// Confirms an alert (the button of the confirmation page).
#[utoipa::path(
    post, path = "/api/alerte/confirmare", tag = "alerts", operation_id = "alert_confirm",
    request_body(content((TokenQuery = "application/x-www-form-urlencoded"), (TokenQuery = "application/json"))),
    responses(
        (status = 200, description = "confirmed (JSON clients)", body = crate::openapi::Status),
        (status = 303, description = "confirmed: to the alert"),
        (status = 400, description = "the body cannot be read, no token, or not a valid link")
    )
)]
pub async fn confirm(
    State(app): State<App>,
    headers: HeaderMap,
    Input(form): Input<TokenQuery>,
) -> ApiResult<Response> {
    let hash = tokens::hash(&token_of(form.token)?);
    let h = hash.clone();
    let now = app.clock.now();
    app.db
        .write(move |c| {
            if !store::confirm(c, &h, now)? {
                return Err(ApiError::bad_request(
                    "Linkul de confirmare nu este valid (alerta a fost ștearsă sau linkul este incomplet). Abonați-vă din nou.",
                )
                .with_back("/api/alerte"));
            }
            Ok(())
        })
        .await?;
    let key = link_key(&hash);
    if wants_json(&headers) {
        return Ok(axum::Json(json!({"status": "confirmed"})).into_response());
    }
    Ok(see_other(&format!("/api/alerte/gestionare?token={key}&confirmat=1")))
}

/// The subscription of a mail link's key.
async fn by_link(app: &App, key: Option<String>) -> ApiResult<store::Subscription> {
    let link = tokens::hash(&token_of(key)?);
    app.db.read(move |c| store::by_link(c, &link).map_err(ApiError::from)).await?.ok_or_else(|| {
        ApiError::not_found("Această alertă nu mai există (a fost ștearsă) sau linkul este incomplet.")
            .with_back("/api/alerte")
    })
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ManageQuery {
    /// The key of the alert's e-mail links.
    #[param(required = true, min_length = 1, max_length = 99)]
    token: Option<String>,
    /// Present: say the alert was just confirmed.
    confirmat: Option<String>,
    /// Present: say the changes were saved.
    salvat: Option<String>,
}

/// An alert, by the key of its e-mail links: change its topics and frequency, or delete it.
#[utoipa::path(
    get, path = "/api/alerte/gestionare", tag = "alerts", operation_id = "alert_manage_page",
    params(ManageQuery),
    responses(
        (status = 200, description = "the page", body = String, content_type = "text/html"),
        (status = 400, description = "no key"),
        (status = 404, description = "no such alert")
    )
)]
pub async fn manage_page(State(app): State<App>, Query(q): Query<ManageQuery>) -> ApiResult<Response> {
    let s = by_link(&app, q.token.clone()).await?;
    let published = app.published();
    let key = q.token.unwrap_or_default();
    let area: Value = serde_json::from_str(&s.area).unwrap_or(Value::Null);
    Ok(app
        .page(
            "api/alert_manage.html",
            "Alerta dumneavoastră",
            "/api/alerte/gestionare",
            json!({
                "token": key,
                "email": s.email,
                "follows": follows(&area),
                "area": area,
                "district_titles": district_titles(&area, &published),
                "topics": topic_list(),
                "chosen": s.topics.split(',').collect::<Vec<_>>(),
                "frequencies": frequency_list(),
                "frequency": s.frequency,
                "confirmed": s.confirmed,
                "just_confirmed": q.confirmat.is_some(),
                "saved": q.salvat.is_some(),
                "feed": format!("/api/alerte/{}/feed.xml", feed_key(&s.token_sha256)),
            }),
        )?
        .into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ManageForm {
    /// The key of the alert's e-mail links.
    #[serde(default)]
    token: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    #[schema(schema_with = crate::openapi::one_or_many)]
    topic: Vec<String>,
    /// `imediat`, `zilnic` or `saptamanal`.
    #[serde(default)]
    #[schema(required = true, pattern = "^(imediat|zilnic|saptamanal)$")]
    frequency: String,
}

/// Changes an alert's topics and frequency.
#[utoipa::path(
    post, path = "/api/alerte/gestionare", tag = "alerts", operation_id = "alert_manage",
    request_body(content((ManageForm = "application/x-www-form-urlencoded"), (ManageForm = "application/json"))),
    responses(
        (status = 200, description = "saved (JSON clients)", body = crate::openapi::Status),
        (status = 303, description = "saved: back to the alert"),
        (status = 400, description = "the body cannot be read, or no key"),
        (status = 404, description = "no such alert"),
        (status = 413, description = "the body is too large"),
        (status = 422, description = "a field is wrong")
    )
)]
pub async fn manage(
    State(app): State<App>,
    headers: HeaderMap,
    RepeatableInput(form): RepeatableInput<ManageForm>,
) -> ApiResult<Response> {
    let key = token_of(form.token.clone())?;
    let s = by_link(&app, form.token).await?;
    let back = format!("/api/alerte/gestionare?token={key}");
    let mut problems = vec![];
    // A follow has no topics: it is about its item or list.
    let follow = follows(&serde_json::from_str(&s.area).unwrap_or(Value::Null)).is_object();
    let topics =
        if follow { Some(String::new()) } else { parse_topics(&form.topic).map_err(|e| problems.push(e)).ok() };
    let frequency = parse_frequency(&form.frequency).map_err(|e| problems.push(e)).ok();
    let (Some(topics), Some(frequency)) = (topics, frequency) else {
        return Err(ApiError::unprocessable("Alerta nu a fost schimbată: corectați câmpurile de mai jos.", problems)
            .with_back(back));
    };
    app.db.write(move |c| store::change(c, s.id, &topics, &frequency).map_err(ApiError::from)).await?;
    if wants_json(&headers) {
        return Ok(axum::Json(json!({"status": "saved"})).into_response());
    }
    Ok(see_other(&format!("{back}&salvat=1")))
}

/// A GET (a link in a mail, opened by a person or a scanner) only shows a button.
#[utoipa::path(
    get, path = "/api/alerte/dezabonare", tag = "alerts", operation_id = "alert_unsubscribe_page",
    params(TokenQuery),
    responses(
        (status = 200, description = "the page with the button", body = String, content_type = "text/html"),
        (status = 400, description = "no key"),
        (status = 404, description = "no such alert")
    )
)]
pub async fn unsubscribe_page(State(app): State<App>, Query(q): Query<TokenQuery>) -> ApiResult<Response> {
    let s = by_link(&app, q.token.clone()).await?;
    Ok(app
        .page(
            "api/alert_unsubscribe.html",
            "Dezabonare",
            "/api/alerte/dezabonare",
            json!({"token": q.token, "email": s.email}),
        )?
        .into_response())
}

/// RFC 8058 one-click unsubscribe (`List-Unsubscribe=One-Click` from a mail client, the key in
/// the query) and the page's button (the key in the form): the subscription is deleted.
#[utoipa::path(
    post, path = "/api/alerte/dezabonare", tag = "alerts", operation_id = "alert_unsubscribe",
    params(TokenQuery),
    request_body(content((TokenQuery = "application/x-www-form-urlencoded"), (TokenQuery = "application/json"))),
    responses(
        (
            status = 200,
            description = "deleted: JSON for clients asking for it, else a page",
            content((crate::openapi::Status = "application/json"), (String = "text/html"))
        ),
        (status = 400, description = "the body cannot be read, or no key"),
        (status = 404, description = "no such alert (unsubscribed already)"),
        (status = 413, description = "the body is too large")
    )
)]
pub async fn unsubscribe(
    State(app): State<App>,
    Query(q): Query<TokenQuery>,
    headers: HeaderMap,
    RepeatableInput(form): RepeatableInput<TokenQuery>,
) -> ApiResult<Response> {
    let key = q.token.or(form.token);
    let link = tokens::hash(&token_of(key)?);
    let deleted = app.db.write(move |c| store::unsubscribe(c, &link).map_err(ApiError::from)).await?;
    if !deleted {
        return Err(
            ApiError::not_found("Această alertă nu mai există: ați fost deja dezabonat.").with_back("/api/alerte")
        );
    }
    if wants_json(&headers) {
        return Ok(axum::Json(json!({"status": "unsubscribed"})).into_response());
    }
    Ok(app.page("api/alert_deleted.html", "V-ați dezabonat", "/api/alerte/dezabonare", json!({}))?.into_response())
}
