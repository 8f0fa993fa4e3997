//! Alerts: people subscribe (with or without an account) to what happens in an area — districts,
//! a polygon drawn on the map, or a point with a radius — for some topics, immediately or as a
//! daily or weekly digest. Double opt-in by a POST button; every alert mail carries RFC 8058
//! one-click unsubscribe headers. [`dispatch`] derives change events from the published open
//! data and queues the mails idempotently. Atom feeds per district and per saved area.

pub mod dispatch;
pub mod geometry;
pub mod matcher;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::Timestamp;
use rusqlite::{OptionalExtension, params};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub use dispatch::{Report, dispatch};

use crate::accounts::session::Viewer;
use crate::accounts::tokens;
use crate::app::{App, Input, see_other, wants_json};
use crate::email;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::mail;

/// The topics one can subscribe to: (id, label).
pub const TOPICS: &[(&str, &str)] = &[
    ("lucrari", "Lucrări publice"),
    ("trafic", "Restricții de circulație"),
    ("utilitati", "Întreruperi de apă și căldură"),
    ("deseuri", "Schimbări la colectarea deșeurilor"),
    ("hotarari", "Hotărâri noi ale consiliului local"),
    ("licitatii", "Licitații"),
    ("concursuri", "Concursuri de angajare"),
];

/// How often: (id, label).
pub const FREQUENCIES: &[(&str, &str)] =
    &[("imediat", "Imediat"), ("zilnic", "Rezumat zilnic"), ("saptamanal", "Rezumat săptămânal")];

/// The largest radius accepted, in metres.
const MAX_RADIUS_M: f64 = 20_000.0;
/// The most vertices a drawn polygon may have.
const MAX_VERTICES: usize = 200;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/api/alerte", get(subscribe_page).post(subscribe))
        .route("/api/alerte/trimis", get(sent_page))
        .route("/api/alerte/confirmare", get(confirm_page).post(confirm))
        .route("/api/alerte/gestionare", get(manage_page).post(manage))
        .route("/api/alerte/dezabonare", get(unsubscribe_page).post(unsubscribe))
        .route("/api/alerte/{key}/feed.xml", get(dispatch::feed))
}

/// The key of a subscription's mail links (manage, one-click unsubscribe), derived from the
/// stored hash of its confirmation token, so dispatch can write it into every mail.
pub fn link_key(token_sha256: &[u8]) -> String {
    derive("link", token_sha256)
}

/// The key of a subscription's Atom feed.
pub fn feed_key(token_sha256: &[u8]) -> String {
    derive("feed", token_sha256)
}

fn derive(purpose: &str, hash: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(b"civic-alerts:");
    h.update(purpose.as_bytes());
    h.update(hash);
    URL_SAFE_NO_PAD.encode(h.finalize())
}

fn topic_list() -> Vec<Value> {
    TOPICS.iter().map(|(id, label)| json!({"id": id, "label": label})).collect()
}

fn frequency_list() -> Vec<Value> {
    FREQUENCIES.iter().map(|(id, label)| json!({"id": id, "label": label})).collect()
}

/// The form: an address, an area, topics and how often.
#[utoipa::path(
    get, path = "/api/alerte", tag = "alerts", operation_id = "alerts_page",
    responses(
        (status = 200, description = "the page", body = String, content_type = "text/html")
    )
)]
async fn subscribe_page(State(app): State<App>, Viewer(user): Viewer) -> ApiResult<Response> {
    let published = app.published();
    Ok(app
        .page(
            "api/alerts.html",
            "Alerte pentru zona dumneavoastră",
            "/api/alerte",
            json!({
                "districts": published.districts,
                "topics": topic_list(),
                "frequencies": frequency_list(),
                "email": user.map(|u| u.email).unwrap_or_default(),
            }),
        )?
        .into_response())
}

/// A subscription form (browsers send repeated `district`/`topic` fields; JSON clients lists).
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[schema(example = json!({"email": "ana.popescu@example.ro", "area": "districts", "district": ["cetate"],
    "topic": ["lucrari", "trafic"], "frequency": "zilnic"}))]
struct SubscribeForm {
    #[serde(default)]
    #[schema(required = true, format = Email)]
    email: String,
    /// `districts`, `point` or `polygon`.
    #[serde(default)]
    area: String,
    /// District ids (a repeated field, or a list).
    #[serde(default, deserialize_with = "one_or_many")]
    #[schema(schema_with = crate::openapi::one_or_many)]
    district: Vec<String>,
    #[serde(default)]
    lat: String,
    #[serde(default)]
    lon: String,
    #[serde(default)]
    radius: String,
    /// A GeoJSON Polygon or a JSON list of [lon, lat] vertices (filled by the map).
    #[serde(default)]
    polygon: String,
    /// Topic ids (a repeated field, or a list).
    #[serde(default, deserialize_with = "one_or_many")]
    #[schema(schema_with = crate::openapi::one_or_many)]
    topic: Vec<String>,
    /// `imediat`, `zilnic` or `saptamanal`.
    #[serde(default)]
    #[schema(required = true, pattern = "^(imediat|zilnic|saptamanal)$")]
    frequency: String,
}

fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

/// A request body from a form — where a field may repeat (`topic=a&topic=b`), which axum's
/// `Form` refuses — or a JSON client. Form fields are read whatever the content type says, so a
/// mail client's bare one-click POST is read too; a repeated field becomes a list.
struct Fields<T>(T);

impl<T, S> axum::extract::FromRequest<S> for Fields<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: axum::extract::Request, _: &S) -> Result<Self, Self::Rejection> {
        let json =
            request.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
        let body = crate::input::text_body(request).await?;
        let value = if json {
            crate::input::json::<Value>(&body)?
        } else {
            let mut map = serde_json::Map::new();
            for (k, v) in crate::input::form_values(&body)? {
                match map.get_mut(&k) {
                    None => {
                        map.insert(k, Value::String(v));
                    }
                    Some(Value::Array(a)) => a.push(Value::String(v)),
                    Some(old) => *old = Value::Array(vec![old.take(), Value::String(v)]),
                }
            }
            Value::Object(map)
        };
        serde_json::from_value(value)
            .map(Fields)
            .map_err(|e| ApiError::bad_request(format!("Formularul nu a putut fi citit: {e}")))
    }
}

fn problem(field: &str, label: &str, message: impl Into<String>) -> FieldError {
    FieldError { field: field.into(), label: label.into(), message: message.into() }
}

/// The area as stored, or what is wrong with it.
fn parse_area(form: &SubscribeForm, districts: &[crate::published::District]) -> Result<Value, FieldError> {
    let kind = if form.area.is_empty() {
        if !form.polygon.trim().is_empty() {
            "polygon"
        } else if !form.lat.trim().is_empty() {
            "point"
        } else {
            "districts"
        }
    } else {
        form.area.as_str()
    };
    match kind {
        "districts" => {
            let mut chosen: Vec<String> =
                form.district.iter().map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()).collect();
            chosen.sort();
            chosen.dedup();
            if chosen.is_empty() {
                return Err(problem("district", "Cartierele", "alegeți cel puțin un cartier"));
            }
            if let Some(bad) = chosen.iter().find(|d| !districts.iter().any(|x| &x.id == *d)) {
                return Err(problem("district", "Cartierele", format!("„{bad}” nu este un cartier din listă")));
            }
            Ok(json!({"districts": chosen}))
        }
        "point" => {
            let num = |s: &str| s.trim().replace(',', ".").parse::<f64>().ok().filter(|v| v.is_finite());
            let (Some(lat), Some(lon)) = (num(&form.lat), num(&form.lon)) else {
                return Err(problem(
                    "lat",
                    "Punctul",
                    "scrieți latitudinea și longitudinea ca numere (de ex. 45.75 și 21.23)",
                ));
            };
            if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                return Err(problem(
                    "lat",
                    "Punctul",
                    "latitudinea este între -90 și 90, longitudinea între -180 și 180",
                ));
            }
            let radius = num(&form.radius).unwrap_or(-1.0);
            if !(50.0..=MAX_RADIUS_M).contains(&radius) {
                return Err(problem("radius", "Raza", "alegeți o rază între 50 și 20000 de metri"));
            }
            Ok(json!({"point": [lon, lat], "radius_m": radius.round()}))
        }
        "polygon" => {
            let bad = || problem("polygon", "Zona desenată", "desenați pe hartă o zonă cu cel puțin trei colțuri");
            let v: Value = serde_json::from_str(form.polygon.trim()).map_err(|_| bad())?;
            let ring = if v["type"] == "Polygon" { v["coordinates"][0].clone() } else { v };
            let mut points: Vec<[f64; 2]> = ring
                .as_array()
                .ok_or_else(bad)?
                .iter()
                .map(|p| Some([p[0].as_f64()?, p[1].as_f64()?]))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(bad)?;
            if points.len() > 1 && points.first() == points.last() {
                points.pop();
            }
            if points.len() < 3 || points.len() > MAX_VERTICES {
                return Err(bad());
            }
            if points.iter().any(|p| !(-180.0..=180.0).contains(&p[0]) || !(-90.0..=90.0).contains(&p[1])) {
                return Err(problem(
                    "polygon",
                    "Zona desenată",
                    "colțurile trebuie să fie coordonate [longitudine, latitudine]",
                ));
            }
            points.push(points[0]);
            Ok(json!({"polygon": points}))
        }
        _ => Err(problem("area", "Zona", "alegeți cartiere, un punct cu rază sau o zonă desenată pe hartă")),
    }
}

fn parse_topics(form: &[String]) -> Result<String, FieldError> {
    let chosen: Vec<&str> = TOPICS.iter().map(|(id, _)| *id).filter(|id| form.iter().any(|t| t == id)).collect();
    if let Some(bad) = form.iter().find(|t| !TOPICS.iter().any(|(id, _)| id == t)) {
        return Err(problem("topic", "Subiectele", format!("„{bad}” nu este un subiect din listă")));
    }
    if chosen.is_empty() {
        return Err(problem("topic", "Subiectele", "alegeți cel puțin un subiect"));
    }
    Ok(chosen.join(","))
}

fn parse_frequency(f: &str) -> Result<String, FieldError> {
    FREQUENCIES
        .iter()
        .find(|(id, _)| *id == f.trim())
        .map(|(id, _)| id.to_string())
        .ok_or_else(|| problem("frequency", "Frecvența", "alegeți imediat, zilnic sau săptămânal"))
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
async fn subscribe(
    State(app): State<App>,
    Viewer(user): Viewer,
    headers: HeaderMap,
    Fields(form): Fields<SubscribeForm>,
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
                json!({"url": format!("{base}/api/alerte/confirmare?token={token}"), "topics": topics_labels(&topics)}),
            )
        })
        .transpose()?;
    let area_text = area.to_string();
    app.db
        .write(move |c| {
            let now = Timestamp::now().to_string();
            c.prepare_cached(
                "INSERT INTO alert_subscription (email, area, topics, frequency, token_sha256, link_sha256, feed_sha256, confirmed_at, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![email, area_text, topics, frequency, hash, link, feed, proven.then_some(&now), now])?;
            if let Some(m) = &confirm_mail {
                mail::enqueue(c, m, &now)?;
            }
            Ok::<_, ApiError>(())
        })
        .await?;
    if !proven {
        app.mail_queued.notify_one();
    }
    let key = link_key(&tokens::hash(&token));
    if wants_json(&headers) {
        let status = if proven { "confirmed" } else { "check_your_email" };
        return Ok((StatusCode::ACCEPTED, axum::Json(json!({"status": status}))).into_response());
    }
    Ok(see_other(&if proven { format!("/api/alerte/gestionare?token={key}") } else { "/api/alerte/trimis".into() }))
}

fn topics_labels(topics: &str) -> Vec<&'static str> {
    TOPICS.iter().filter(|(id, _)| topics.split(',').any(|t| t == *id)).map(|(_, l)| *l).collect()
}

/// "Check your e-mail to confirm the alert".
#[utoipa::path(
    get, path = "/api/alerte/trimis", tag = "alerts", operation_id = "alert_sent_page",
    responses(
        (status = 200, description = "the page", body = String, content_type = "text/html")
    )
)]
async fn sent_page(State(app): State<App>) -> ApiResult<Response> {
    Ok(app.page("api/alert_sent.html", "Confirmați alerta", "/api/alerte/trimis", json!({}))?.into_response())
}

#[derive(Deserialize, Default, utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
struct TokenQuery {
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
async fn confirm_page(State(app): State<App>, Query(q): Query<TokenQuery>) -> ApiResult<Response> {
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
async fn confirm(State(app): State<App>, headers: HeaderMap, Input(form): Input<TokenQuery>) -> ApiResult<Response> {
    let hash = tokens::hash(&token_of(form.token)?);
    let h = hash.clone();
    app.db
        .write(move |c| {
            let n = c
                .prepare_cached("UPDATE alert_subscription SET confirmed_at = COALESCE(confirmed_at, ?2) WHERE token_sha256 = ?1")?
                .execute(params![h, Timestamp::now().to_string()])?;
            if n == 0 {
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

struct Subscription {
    id: i64,
    email: String,
    area: Value,
    topics: String,
    frequency: String,
    confirmed: bool,
    token_sha256: Vec<u8>,
}

async fn by_link(app: &App, key: Option<String>) -> ApiResult<Subscription> {
    let link = tokens::hash(&token_of(key)?);
    app.db
        .read(move |c| {
            c.query_row(
                "SELECT id, email, area, topics, frequency, confirmed_at IS NOT NULL, token_sha256 FROM alert_subscription WHERE link_sha256 = ?1",
                [link],
                |r| {
                    Ok(Subscription {
                        id: r.get(0)?,
                        email: r.get(1)?,
                        area: serde_json::from_str(&r.get::<_, String>(2)?).unwrap_or(Value::Null),
                        topics: r.get(3)?,
                        frequency: r.get(4)?,
                        confirmed: r.get(5)?,
                        token_sha256: r.get(6)?,
                    })
                },
            )
            .optional()
            .map_err(ApiError::from)
        })
        .await?
        .ok_or_else(|| {
            ApiError::not_found("Această alertă nu mai există (a fost ștearsă) sau linkul este incomplet.")
                .with_back("/api/alerte")
        })
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ManageQuery {
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
async fn manage_page(State(app): State<App>, Query(q): Query<ManageQuery>) -> ApiResult<Response> {
    let s = by_link(&app, q.token.clone()).await?;
    let published = app.published();
    let key = q.token.unwrap_or_default();
    Ok(app
        .page(
            "api/alert_manage.html",
            "Alerta dumneavoastră",
            "/api/alerte/gestionare",
            json!({
                "token": key,
                "email": s.email,
                "area": s.area,
                "district_titles": s.area["districts"].as_array().into_iter().flatten()
                    .filter_map(|d| published.districts.iter().find(|x| Some(x.id.as_str()) == d.as_str()).map(|x| x.title.clone()))
                    .collect::<Vec<_>>(),
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
struct ManageForm {
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
async fn manage(State(app): State<App>, headers: HeaderMap, Fields(form): Fields<ManageForm>) -> ApiResult<Response> {
    let key = token_of(form.token.clone())?;
    let s = by_link(&app, form.token).await?;
    let back = format!("/api/alerte/gestionare?token={key}");
    let mut problems = vec![];
    let topics = parse_topics(&form.topic).map_err(|e| problems.push(e)).ok();
    let frequency = parse_frequency(&form.frequency).map_err(|e| problems.push(e)).ok();
    let (Some(topics), Some(frequency)) = (topics, frequency) else {
        return Err(ApiError::unprocessable("Alerta nu a fost schimbată: corectați câmpurile de mai jos.", problems)
            .with_back(back));
    };
    app.db
        .write(move |c| {
            c.prepare_cached("UPDATE alert_subscription SET topics = ?2, frequency = ?3 WHERE id = ?1")?
                .execute(params![s.id, topics, frequency])?;
            Ok::<_, ApiError>(())
        })
        .await?;
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
async fn unsubscribe_page(State(app): State<App>, Query(q): Query<TokenQuery>) -> ApiResult<Response> {
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
async fn unsubscribe(
    State(app): State<App>,
    Query(q): Query<TokenQuery>,
    headers: HeaderMap,
    Fields(form): Fields<TokenQuery>,
) -> ApiResult<Response> {
    let key = q.token.or(form.token);
    let link = tokens::hash(&token_of(key)?);
    let deleted = app
        .db
        .write(move |c| {
            c.prepare_cached("DELETE FROM alert_subscription WHERE link_sha256 = ?1")?
                .execute([link])
                .map_err(ApiError::from)
        })
        .await?;
    if deleted == 0 {
        return Err(
            ApiError::not_found("Această alertă nu mai există: ați fost deja dezabonat.").with_back("/api/alerte")
        );
    }
    if wants_json(&headers) {
        return Ok(axum::Json(json!({"status": "unsubscribed"})).into_response());
    }
    Ok(app.page("api/alert_deleted.html", "V-ați dezabonat", "/api/alerte/dezabonare", json!({}))?.into_response())
}

/// An Atom document as a response.
fn atom(body: String) -> Response {
    ([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], body).into_response()
}

/// Escapes text for XML.
fn xml(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
