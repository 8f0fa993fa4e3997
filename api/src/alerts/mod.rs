//! Alerts: people subscribe (with or without an account) to what happens in an area — districts,
//! a polygon drawn on the map, or a point with a radius — for some topics, immediately or as a
//! daily or weekly digest. Double opt-in by a POST button; every alert mail carries RFC 8058
//! one-click unsubscribe headers. [`dispatch`] derives change events from the published open
//! data and queues the mails idempotently. Atom feeds per district and per saved area. One can
//! also follow a single item or a list page ([`follow`]): the same subscription, its area naming
//! what is followed.

mod changes;
pub mod dispatch;
pub(crate) mod feed;
pub mod follow;
pub(crate) mod form;
pub mod geometry;
pub(crate) mod manage;
pub mod matcher;
pub mod store;
pub(crate) mod subscribe;

use axum::Router;
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub use dispatch::{Report, dispatch};

use crate::app::App;

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

pub fn routes() -> Router<App> {
    Router::new()
        .route("/api/alerte", get(subscribe::subscribe_page).post(subscribe::subscribe))
        .route("/api/alerte/trimis", get(subscribe::sent_page))
        .route("/api/alerte/confirmare", get(manage::confirm_page).post(manage::confirm))
        .route("/api/alerte/gestionare", get(manage::manage_page).post(manage::manage))
        .route("/api/alerte/dezabonare", get(manage::unsubscribe_page).post(manage::unsubscribe))
        .route("/api/alerte/{key}/feed.xml", get(feed::feed))
        .route("/api/urmarire", get(follow::follow_page).post(follow::follow))
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

/// The names of an area's districts (none for a point or a drawn polygon).
fn district_titles(area: &Value, published: &crate::published::Published) -> Vec<String> {
    area["districts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| published.districts.iter().find(|x| Some(x.id.as_str()) == d.as_str()).map(|x| x.title.clone()))
        .collect()
}

/// The alerts and follows mailed to a verified address, as "Contul meu" and the data export show
/// them: what is followed, or the area and topics, and the frequency in words, whether confirmed, and the page to change or stop each.
pub(crate) fn of_person(
    subscriptions: Vec<store::Subscription>,
    published: &crate::published::Published,
) -> Vec<Value> {
    subscriptions
        .into_iter()
        .map(|s| {
            let area: Value = serde_json::from_str(&s.area).unwrap_or(Value::Null);
            json!({
                "follows": follows(&area),
                "district_titles": district_titles(&area, published),
                "area": area,
                "topics": topics_labels(&s.topics),
                "frequency": FREQUENCIES.iter().find(|(id, _)| *id == s.frequency).map(|(_, l)| *l),
                "confirmed": s.confirmed,
                "manage_url": format!("/api/alerte/gestionare?token={}", link_key(&s.token_sha256)),
            })
        })
        .collect()
}

/// What a follow follows (`{"title", "url"}`), or null for an alert for an area.
fn follows(area: &Value) -> Value {
    if area["follow"].is_object() || area["list"].is_string() {
        json!({"title": area["title"], "url": area["url"], "list": area["list"].is_string()})
    } else {
        Value::Null
    }
}

fn topic_list() -> Vec<Value> {
    TOPICS.iter().map(|(id, label)| json!({"id": id, "label": label})).collect()
}

fn frequency_list() -> Vec<Value> {
    FREQUENCIES.iter().map(|(id, label)| json!({"id": id, "label": label})).collect()
}

fn topics_labels(topics: &str) -> Vec<&'static str> {
    TOPICS.iter().filter(|(id, _)| topics.split(',').any(|t| t == *id)).map(|(_, l)| *l).collect()
}
