//! Staff: the moderation queue, publishing or rejecting (with a public reason, the text hidden
//! when it breaks the rules, a pointer to the duplicate), the official answer and the debate,
//! and finding and invalidating sets of signatures (by e-mail domain or address range) with a
//! public log of how many were removed and why.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jiff::ToSpan;
use serde::Deserialize;
use serde_json::{Value, json};

use super::Petition;
use super::creation::text;
use super::pages::details;
use super::store::{self, CityText, Invalidation};
use crate::accounts::session::Staff;
use crate::app::{App, Input, see_other};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::mail;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/api/admin/petitii", get(queue))
        .route("/api/admin/petitii/{id}", get(show))
        .route("/api/admin/petitii/{id}/publica", post(publish))
        .route("/api/admin/petitii/{id}/respinge", post(reject))
        .route("/api/admin/petitii/{id}/raspuns", post(respond))
        .route("/api/admin/petitii/{id}/dezbatere", post(debate))
        .route("/api/admin/petitii/{id}/invalidare", post(invalidate))
}

/// Staff: every petition, those waiting for moderation first.
#[utoipa::path(
    get, path = "/api/admin/petitii", tag = "petition moderation", operation_id = "moderation_queue",
    responses(
        (status = 200, description = "the page", body = String, content_type = "text/html"),
        (status = 401, description = "not logged in"),
        (status = 403, description = "not staff")
    )
)]
async fn queue(State(app): State<App>, Staff(user): Staff) -> ApiResult<Response> {
    let petitions = app.db.read(|c| store::moderation_queue(c).map_err(ApiError::from)).await?;
    let ctx = json!({"user": user, "petitions": petitions});
    Ok(app.page("api/petitions_admin.html", "Moderarea petițiilor", "/api/admin/petitii", ctx)?.into_response())
}

/// A set of signatures: by e-mail domain, or by address range (CIDR or a single address).
#[derive(Deserialize, Default, Clone, utoipa::IntoParams, utoipa::ToSchema)]
#[into_params(parameter_in = Query)]
struct Selection {
    /// An e-mail domain (`mailinator.com`).
    #[serde(default)]
    domeniu: String,
    /// An address (`203.0.113.7`) or a CIDR range (`203.0.113.0/24`).
    #[serde(default)]
    ip: String,
}

impl Selection {
    fn is_empty(&self) -> bool {
        self.domeniu.trim().is_empty() && self.ip.trim().is_empty()
    }

    fn range(&self) -> Result<Option<ipnet::IpNet>, ApiError> {
        let ip = self.ip.trim();
        if ip.is_empty() {
            return Ok(None);
        }
        ip.parse::<ipnet::IpNet>()
            .or_else(|_| ip.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
            .map(Some)
            .map_err(|_| {
                ApiError::unprocessable(
                    "Intervalul de adrese nu este valid.",
                    vec![FieldError {
                        field: "ip".into(),
                        label: "Adrese IP".into(),
                        message: "scrieți o adresă (203.0.113.7) sau un interval CIDR (203.0.113.0/24)".into(),
                    }],
                )
            })
    }

    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.domeniu.trim().is_empty() {
            parts.push(format!("domeniul {}", self.domeniu.trim().to_lowercase()));
        }
        if !self.ip.trim().is_empty() {
            parts.push(format!("adresele {}", self.ip.trim()));
        }
        parts.join(" și ")
    }
}

/// The ids (and a sample) of the petition's valid signatures in `sel`.
fn select(
    c: &rusqlite::Connection,
    petition: i64,
    sel: &Selection,
    range: Option<ipnet::IpNet>,
) -> rusqlite::Result<(Vec<i64>, Vec<Value>)> {
    let domain = sel.domeniu.trim().to_lowercase();
    let mut ids = Vec::new();
    let mut sample = Vec::new();
    for s in store::valid_signatures(c, petition, &domain)? {
        if let Some(net) = range
            && !s.ip.parse::<std::net::IpAddr>().is_ok_and(|a| net.contains(&a))
        {
            continue;
        }
        ids.push(s.id);
        if sample.len() < 50 {
            sample.push(
                json!({"name": s.name, "email": s.email, "ip": s.ip, "at": s.created_at, "confirmed": s.confirmed}),
            );
        }
    }
    Ok((ids, sample))
}

/// Staff: a petition, with the signatures a selection finds (a sample of 50 and their number).
#[utoipa::path(
    get, path = "/api/admin/petitii/{id}", tag = "petition moderation", operation_id = "moderation_show",
    params(("id" = i64, Path, description = "the petition's number", example = 1), Selection),
    responses(
        (status = 200, description = "the page", body = String, content_type = "text/html"),
        (status = 400, description = "the id is not a number"),
        (status = 401, description = "not logged in"),
        (status = 403, description = "not staff"),
        (status = 404, description = "no such petition"),
        (status = 422, description = "the address range is not valid")
    )
)]
async fn show(
    State(app): State<App>,
    Staff(user): Staff,
    Path(id): Path<i64>,
    Query(sel): Query<Selection>,
) -> ApiResult<Response> {
    let range = sel.range()?;
    let s = sel.clone();
    let (petition, found) = app
        .db
        .read(move |c| {
            let p = store::load(c, id)?.ok_or_else(|| ApiError::not_found("Petiția nu există."))?;
            let found = if s.is_empty() { None } else { Some(select(c, id, &s, range)?) };
            Ok::<_, ApiError>((p, found))
        })
        .await?;
    let mut ctx = details(&app, &petition).await?;
    ctx["petition"] = serde_json::to_value(&petition).expect("JSON");
    ctx["user"] = serde_json::to_value(&user).expect("JSON");
    ctx["counts"] = app.petitions.get(id).map_or(json!({"confirmed": 0, "verified": 0}), |c| (*c).clone());
    ctx["selection"] = json!({"domeniu": sel.domeniu, "ip": sel.ip, "describe": sel.describe()});
    if let Some((ids, sample)) = found {
        ctx["found"] = json!({"count": ids.len(), "sample": sample});
    }
    let url = format!("/api/admin/petitii/{id}");
    Ok(app.page("api/petition_admin.html", &petition.title, &url, ctx)?.into_response())
}

/// A required text field of a staff action, trimmed, or the refusal naming it.
fn checked_text(id: i64, field: &str, label: &str, value: &str, min: usize, max: usize) -> ApiResult<String> {
    let mut problems = Vec::new();
    let text = text(&mut problems, field, label, value, min, max);
    match problems.pop() {
        Some(p) => Err(refuse(id, &p.field, &p.label, &p.message)),
        None => Ok(text),
    }
}

fn back(id: i64) -> Response {
    see_other(&format!("/api/admin/petitii/{id}"))
}

fn refuse(id: i64, field: &str, label: &str, message: &str) -> ApiError {
    ApiError::unprocessable(
        "Modificarea nu a fost făcută.",
        vec![FieldError { field: field.into(), label: label.into(), message: message.into() }],
    )
    .with_back(format!("/api/admin/petitii/{id}"))
}

/// Mails the petition's author, in the caller's write.
fn tell_author(c: &rusqlite::Connection, app: &App, p: &Petition, template: &str, ctx: Value) -> ApiResult<()> {
    if let Some(to) = p.author_email(c).ok().flatten() {
        let m = mail::compose(&app.published(), template, &to, ctx)?;
        mail::enqueue(c, &m, &app.clock.now().to_string())?;
    }
    Ok(())
}

/// Staff: publishes a petition in moderation; it is open for signing from today.
#[utoipa::path(
    post, path = "/api/admin/petitii/{id}/publica", tag = "petition moderation", operation_id = "moderation_publish",
    params(("id" = i64, Path, description = "the petition's number", example = 1)),
    responses(
        (status = 303, description = "done: back to the petition"),
        (status = 400, description = "the id is not a number"),
        (status = 401, description = "not logged in"),
        (status = 403, description = "not staff"),
        (status = 404, description = "no such petition"),
        (status = 422, description = "refused, with the field and why")
    )
)]
async fn publish(State(app): State<App>, Staff(_staff): Staff, Path(id): Path<i64>) -> ApiResult<Response> {
    let months = app.published().petition_rules.duration_months as i32;
    let today = app.clock.today();
    let closes = today.saturating_add(months.months());
    let a = app.clone();
    app.db
        .write(move |c| {
            let p = store::load(c, id)?.ok_or_else(|| ApiError::not_found("Petiția nu există."))?;
            if !p.status.awaits_moderation() {
                return Err(refuse(id, "status", "Stare", "doar o petiție în moderare poate fi publicată"));
            }
            store::publish(c, id, a.clock.now(), closes)?;
            tell_author(
                c,
                &a,
                &p,
                "petition_published",
                json!({"title": p.title, "closes_on": closes.to_string(),
                "url": format!("{}/api/petitii/{id}", a.config.public_url)}),
            )
        })
        .await?;
    app.petitions.touch(id);
    app.mail_queued.notify_one();
    Ok(back(id))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"reason": "Petiția cere ceva ce nu ține de primărie.", "duplicate_of": ""}))]
struct RejectForm {
    /// The public reason.
    #[serde(default)]
    #[schema(required = true, min_length = 10, max_length = 2000)]
    reason: String,
    /// Present (any value): the text broke the rules and is not shown.
    #[serde(default)]
    hide_text: Option<String>,
    /// The number of the published petition this one repeats.
    #[serde(default)]
    duplicate_of: String,
}

/// Staff: rejects a petition in moderation, with a public reason.
#[utoipa::path(
    post, path = "/api/admin/petitii/{id}/respinge", tag = "petition moderation", operation_id = "moderation_reject",
    params(("id" = i64, Path, description = "the petition's number", example = 1)),
    request_body(content((RejectForm = "application/x-www-form-urlencoded"), (RejectForm = "application/json"))),
    responses(
        (status = 303, description = "done: back to the petition"),
        (status = 400, description = "the id is not a number, or the body cannot be read"),
        (status = 401, description = "not logged in"),
        (status = 403, description = "not staff"),
        (status = 404, description = "no such petition"),
        (status = 422, description = "refused, with the field and why")
    )
)]
async fn reject(
    State(app): State<App>,
    Staff(_staff): Staff,
    Path(id): Path<i64>,
    Input(form): Input<RejectForm>,
) -> ApiResult<Response> {
    let reason = checked_text(id, "reason", "Motivul (public)", &form.reason, 10, 2000)?;
    let duplicate: Option<i64> =
        match form.duplicate_of.trim() {
            "" => None,
            d => Some(d.parse().map_err(|_| {
                refuse(id, "duplicate_of", "Duplicat al petiției", "scrieți numărul petiției existente")
            })?),
        };
    let a = app.clone();
    app.db
        .write(move |c| {
            let p = store::load(c, id)?.ok_or_else(|| ApiError::not_found("Petiția nu există."))?;
            if !p.status.awaits_moderation() {
                return Err(refuse(id, "reason", "Motivul", "doar o petiție în moderare poate fi respinsă"));
            }
            if let Some(d) = duplicate
                && (d == id || store::load(c, d)?.is_none_or(|o| !o.status.was_published()))
            {
                return Err(refuse(
                    id,
                    "duplicate_of",
                    "Duplicat al petiției",
                    "nu există o petiție publicată cu acest număr",
                ));
            }
            store::reject(c, id, &reason, form.hide_text.is_some(), duplicate)?;
            tell_author(
                c,
                &a,
                &p,
                "petition_rejected",
                json!({"title": p.title, "reason": reason,
                "url": format!("{}/api/petitii/{id}", a.config.public_url)}),
            )
        })
        .await?;
    app.mail_queued.notify_one();
    Ok(back(id))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"text": "Primăria va amenaja pista de biciclete în primăvara anului viitor."}))]
struct TextForm {
    #[serde(default)]
    #[schema(required = true, min_length = 20, max_length = 50000)]
    text: String,
}

/// Publishes the official answer (or the debate's outcome) and tells everyone who asked.
async fn publish_text(app: App, id: i64, text: String, which: CityText, template: &'static str) -> ApiResult<()> {
    let published = app.published();
    let p = app
        .db
        .read(move |c| store::load(c, id).map_err(ApiError::from))
        .await?
        .ok_or_else(|| ApiError::not_found("Petiția nu există."))?;
    if !p.status.was_published() {
        return Err(refuse(id, "text", "Textul", "doar o petiție publicată primește răspuns"));
    }
    let m = mail::compose(
        &published,
        template,
        "",
        json!({"title": p.title, "text": text,
        "url": format!("{}/api/petitii/{id}", app.config.public_url)}),
    )?;
    let now = app.clock.now();
    app.db
        .write(move |c| {
            store::set_city_text(c, id, which, &text, now)?;
            store::enqueue_for_followers(c, id, &m, &now.to_string())?;
            Ok::<_, ApiError>(())
        })
        .await?;
    app.mail_queued.notify_one();
    Ok(())
}

/// Staff: publishes the city's answer; followers are e-mailed.
#[utoipa::path(
    post, path = "/api/admin/petitii/{id}/raspuns", tag = "petition moderation", operation_id = "moderation_respond",
    params(("id" = i64, Path, description = "the petition's number", example = 1)),
    request_body(content((TextForm = "application/x-www-form-urlencoded"), (TextForm = "application/json"))),
    responses(
        (status = 303, description = "done: back to the petition"),
        (status = 400, description = "the id is not a number, or the body cannot be read"),
        (status = 401, description = "not logged in"),
        (status = 403, description = "not staff"),
        (status = 404, description = "no such petition"),
        (status = 422, description = "refused, with the field and why")
    )
)]
async fn respond(
    State(app): State<App>,
    Staff(_staff): Staff,
    Path(id): Path<i64>,
    Input(form): Input<TextForm>,
) -> ApiResult<Response> {
    let text = checked_text(id, "text", "Răspunsul", &form.text, 20, 50_000)?;
    publish_text(app, id, text, CityText::Response, "petition_response").await?;
    Ok(back(id))
}

/// Staff: publishes the council debate's outcome; followers are e-mailed.
#[utoipa::path(
    post, path = "/api/admin/petitii/{id}/dezbatere", tag = "petition moderation", operation_id = "moderation_debate",
    params(("id" = i64, Path, description = "the petition's number", example = 1)),
    request_body(content((TextForm = "application/x-www-form-urlencoded"), (TextForm = "application/json"))),
    responses(
        (status = 303, description = "done: back to the petition"),
        (status = 400, description = "the id is not a number, or the body cannot be read"),
        (status = 401, description = "not logged in"),
        (status = 403, description = "not staff"),
        (status = 404, description = "no such petition"),
        (status = 422, description = "refused, with the field and why")
    )
)]
async fn debate(
    State(app): State<App>,
    Staff(_staff): Staff,
    Path(id): Path<i64>,
    Input(form): Input<TextForm>,
) -> ApiResult<Response> {
    let text = checked_text(id, "text", "Dezbaterea", &form.text, 20, 50_000)?;
    publish_text(app, id, text, CityText::Debate, "petition_debate").await?;
    Ok(back(id))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"domeniu": "mailinator.com", "reason": "Semnături din adrese de e-mail temporare."}))]
struct InvalidateForm {
    #[serde(flatten)]
    selection: Selection,
    /// The public reason.
    #[serde(default)]
    #[schema(required = true, min_length = 10, max_length = 500)]
    reason: String,
}

/// Staff: invalidates the signatures a selection finds, with a public reason.
#[utoipa::path(
    post, path = "/api/admin/petitii/{id}/invalidare", tag = "petition moderation",
    operation_id = "moderation_invalidate",
    params(("id" = i64, Path, description = "the petition's number", example = 1)),
    request_body(
        content((InvalidateForm = "application/x-www-form-urlencoded"), (InvalidateForm = "application/json"))
    ),
    responses(
        (status = 303, description = "done: back to the petition"),
        (status = 400, description = "the id is not a number, or the body cannot be read"),
        (status = 401, description = "not logged in"),
        (status = 403, description = "not staff"),
        (status = 404, description = "no such petition"),
        (status = 422, description = "refused, with the field and why")
    )
)]
async fn invalidate(
    State(app): State<App>,
    Staff(user): Staff,
    Path(id): Path<i64>,
    Input(form): Input<InvalidateForm>,
) -> ApiResult<Response> {
    if form.selection.is_empty() {
        return Err(refuse(id, "domeniu", "Selecția", "alegeți un domeniu de e-mail sau un interval de adrese"));
    }
    let reason = checked_text(id, "reason", "Motivul (public)", &form.reason, 10, 500)?;
    let range = form.selection.range()?;
    let criteria = form.selection.describe();
    let now = app.clock.now();
    app.db
        .write(move |c| {
            store::load(c, id)?.ok_or_else(|| ApiError::not_found("Petiția nu există."))?;
            let (ids, _) = select(c, id, &form.selection, range)?;
            let invalidation = Invalidation { criteria: &criteria, reason: &reason, actor: &user.email };
            store::invalidate(c, id, &invalidation, &ids, now)?;
            Ok::<_, ApiError>(())
        })
        .await?;
    app.petitions.recount(id);
    Ok(back(id))
}
