//! Following one item (a decision, a draft, a tender …) or one list page (a saved filter) by
//! e-mail: a subscription whose area names the item or the list instead of a place, with the
//! same double opt-in, frequencies, digests and RFC 8058 headers as an alert for an area. Item
//! pages post their type and id here, list pages their address; someone signed in with a verified
//! address follows in one click, anyone else gives an address and confirms it.

use std::path::Path;

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use civic_contract::{List, ListPagesFile, Listed, files};
use serde::Deserialize;
use serde_json::{Value, json};

use super::form::parse_frequency;
use super::subscribe::{create, created};
use super::{frequency_list, link_key, store};
use crate::accounts::session::Viewer;
use crate::app::{App, Input, see_other, wants_json};
use crate::email;
use crate::error::{ApiError, ApiResult, FieldError};

/// The types whose items can be followed: each of their pages has a "Urmăriți" button.
pub const FOLLOWABLE: &[&str] = &[
    "council_decision",
    "draft_decision",
    "council_session",
    "tender",
    "direct_purchase",
    "job_contest",
    "public_work",
    "archive_unit",
];

/// What to follow: an item by its type and id, or a list page by its address.
#[derive(Deserialize, Default, Clone, utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
pub struct FollowQuery {
    /// The item's type (with `id`), e.g. `draft_decision`.
    #[serde(default)]
    tip: String,
    /// The item's id, as on its page and in the open data.
    #[serde(default)]
    id: String,
    /// Instead of an item: the address of a list page (a saved filter), e.g. `/hotarari/stare/in_vigoare/`.
    #[serde(default)]
    lista: String,
}

/// The follow form: what to follow, the address and how often.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[schema(example = json!({"tip": "draft_decision", "id": "proiect-2026-041", "email": "ana.popescu@example.ro",
    "frequency": "imediat"}))]
pub struct FollowForm {
    #[serde(flatten)]
    target: FollowQuery,
    /// Empty for someone signed in with a verified address: theirs is used.
    #[serde(default)]
    #[schema(format = Email)]
    email: String,
    /// `imediat` (when empty), `zilnic` or `saptamanal`.
    #[serde(default)]
    #[schema(pattern = "^(|imediat|zilnic|saptamanal)$")]
    frequency: String,
}

/// Where the page of a follow is (to come back to after an error).
fn page_url(q: &FollowQuery) -> String {
    let mut url = form_urlencoded::Serializer::new(String::new());
    if q.lista.is_empty() {
        url.append_pair("tip", &q.tip).append_pair("id", &q.id);
    } else {
        url.append_pair("lista", &q.lista);
    }
    format!("/api/urmarire?{}", url.finish())
}

fn read<T: serde::de::DeserializeOwned>(site: &Path, file: &str) -> Option<T> {
    serde_json::from_slice(&std::fs::read(site.join(file)).ok()?).ok()
}

/// The subscription's area for what `q` names — `{"follow": {"type", "id"}}` or `{"list": url}`,
/// with the title and address shown on its pages and mails — read from the published files.
fn target(site: &Path, env: &minijinja::Environment, q: &FollowQuery) -> ApiResult<Value> {
    if !q.lista.is_empty() {
        let lists: ListPagesFile = read(site, files::LIST_PAGES).unwrap_or_default();
        let Some(page) = lists.lists.into_iter().find(|l| l.url == q.lista && FOLLOWABLE.contains(&l.kind.as_str()))
        else {
            return Err(ApiError::not_found(
                "Această listă nu există pe site (sau nu poate fi urmărită). Deschideți lista din site și apăsați din nou butonul ei.",
            ));
        };
        let (group, value) = page.filter.map(|f| (f.group, f.value)).unwrap_or_default();
        let title = env
            .render_str(
                "{{ label('kind', k) }}{% if g %}: {{ label(g, v) }}{% endif %}",
                minijinja::context! { k => &page.kind, g => group, v => value },
            )
            .map_err(ApiError::internal)?;
        return Ok(json!({"list": page.url, "type": page.kind, "title": title, "url": page.url}));
    }
    if !FOLLOWABLE.contains(&q.tip.as_str()) || q.id.is_empty() {
        return Err(ApiError::bad_request(
            "Nu reiese ce doriți să urmăriți. Apăsați butonul „Urmăriți” de pe pagina hotărârii, proiectului, licitației sau a altei înregistrări.",
        ));
    }
    let list: Option<List<Listed>> = read(site, &files::list(&q.tip));
    let Some(item) = list.into_iter().flat_map(|l| l.items).find(|i| i.id == q.id) else {
        return Err(ApiError::not_found("Această înregistrare nu (mai) există pe site, deci nu poate fi urmărită."));
    };
    let title = env
        .render_str(
            "{{ label('kind_one', t) }}{% if n %} nr. {{ n }}{% endif %}: {{ title }}",
            minijinja::context! {
                t => &q.tip,
                n => minijinja::Value::from(minijinja::value::Serde(item.field("display_number"))),
                title => item.title,
            },
        )
        .map_err(ApiError::internal)?;
    Ok(json!({"follow": {"type": q.tip, "id": item.id}, "title": title, "url": item.url}))
}

async fn resolve(app: &App, q: FollowQuery) -> ApiResult<Value> {
    let site = app.config.site.clone();
    let published = app.published();
    let back = page_url(&q);
    tokio::task::spawn_blocking(move || target(&site, &published.env, &q))
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| e.with_back(back))
}

/// Whether two areas follow the same thing.
fn same_target(a: &Value, b: &Value) -> bool {
    (a["follow"].is_object() && a["follow"] == b["follow"]) || (a["list"].is_string() && a["list"] == b["list"])
}

/// The page of a follow: what it is, and a form for the address and how often.
#[utoipa::path(
    get, path = "/api/urmarire", tag = "alerts", operation_id = "follow_page",
    params(FollowQuery),
    responses(
        (status = 200, description = "the page", body = String, content_type = "text/html"),
        (status = 400, description = "neither an item nor a list is named"),
        (status = 404, description = "no such item or list on the site")
    )
)]
pub async fn follow_page(
    State(app): State<App>,
    Viewer(user): Viewer,
    Query(q): Query<FollowQuery>,
) -> ApiResult<Response> {
    let area = resolve(&app, q.clone()).await?;
    let verified = user.as_ref().filter(|u| u.email_verified).map(|u| u.email.clone());
    Ok(app
        .page(
            "api/follow.html",
            "Urmăriți",
            "/api/urmarire",
            json!({
                "target": area,
                "query": {"tip": q.tip, "id": q.id, "lista": q.lista},
                "verified_email": verified,
                "email": user.map(|u| u.email).unwrap_or_default(),
                "frequencies": frequency_list(),
            }),
        )?
        .into_response())
}

/// Follows an item or a list: at once for someone signed in with a verified address (a second
/// follow of the same thing only opens the first), else after the e-mailed confirmation.
#[utoipa::path(
    post, path = "/api/urmarire", tag = "alerts", operation_id = "follow",
    request_body(content((FollowForm = "application/x-www-form-urlencoded"), (FollowForm = "application/json"))),
    responses(
        (
            status = 202,
            description = "created (JSON clients): confirmed, or check your e-mail",
            body = crate::openapi::Status
        ),
        (status = 303, description = "created: to the check-your-e-mail page or to the follow; no address and \
                                      not signed in: to the follow's page, which asks for one"),
        (status = 400, description = "the body cannot be read, or names neither an item nor a list"),
        (status = 404, description = "no such item or list on the site"),
        (status = 413, description = "the body is too large"),
        (status = 422, description = "a field is wrong")
    )
)]
pub async fn follow(
    State(app): State<App>,
    Viewer(user): Viewer,
    headers: HeaderMap,
    Input(form): Input<FollowForm>,
) -> ApiResult<Response> {
    let q = form.target.clone();
    let back = page_url(&q);
    let area = resolve(&app, q).await?;
    let verified = user.as_ref().filter(|u| u.email_verified).map(|u| u.email.clone());
    let email = match (form.email.trim(), verified) {
        ("", Some(v)) => v,
        ("", None) if !wants_json(&headers) => return Ok(see_other(&back)),
        (given, _) => email::normalise(given).map_err(|e| {
            ApiError::unprocessable("Urmărirea nu a fost pornită: corectați câmpurile de mai jos.", vec![e])
                .with_back(back.clone())
        })?,
    };
    let frequency = if form.frequency.is_empty() { Ok("imediat".to_owned()) } else { parse_frequency(&form.frequency) };
    let frequency = frequency.map_err(|e: FieldError| {
        ApiError::unprocessable("Urmărirea nu a fost pornită: corectați câmpurile de mai jos.", vec![e])
            .with_back(back.clone())
    })?;
    let proven = user.as_ref().is_some_and(|u| u.email_verified && u.email == email);
    if proven {
        let (mail, a) = (email.clone(), area.clone());
        let existing =
            app.db
                .read(move |c| {
                    Ok::<_, ApiError>(store::of_email(c, &mail)?.into_iter().find(|s| {
                        serde_json::from_str::<Value>(&s.area).is_ok_and(|x| same_target(&x, &a)) && s.confirmed
                    }))
                })
                .await?;
        if let Some(s) = existing {
            return Ok(created(&headers, true, &link_key(&s.token_sha256)));
        }
    } else {
        app.limits.email(&email).map_err(|e| e.with_back(back.clone()))?;
    }
    let key = create(&app, email, area, String::new(), frequency, proven).await?;
    Ok(created(&headers, proven, &key))
}
