//! Online petitions: a citizen with a verified address writes one, five supporters back it by a
//! private link, staff moderate it, people sign it (confirmed by e-mail, with a button), counts are
//! aggregated in batches, thresholds start legal clocks, and the city's answer is published on it.

pub mod counts;
pub(crate) mod moderation;
pub(crate) mod signing;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::accounts::session::{SignedIn, User, Viewer};
use crate::app::{App, Input, see_other, wants_json};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::mail;
use crate::published::Assurance;

pub use counts::Counts;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/api/petitii", get(list).post(create))
        .route("/api/petitii/noua", get(new_page))
        .route("/api/petitii/{id}", get(show))
        .route("/api/petitii/{id}/sustine", get(sponsor_page).post(sponsor))
        .route("/api/petitions.json", get(open_data_list))
        .route("/api/petitions/{file}", get(open_data_one))
        .merge(signing::routes())
        .merge(moderation::routes())
}

/// A petition as its pages and open data show it.
#[derive(Debug, Clone, Serialize)]
pub struct Petition {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub action: String,
    pub creator_id: Option<i64>,
    pub creator_name: String,
    pub status: String,
    #[serde(skip)]
    pub sponsor_key: String,
    pub rejection_reason: Option<String>,
    pub text_hidden: bool,
    pub duplicate_of: Option<i64>,
    pub created_at: String,
    pub published_at: Option<String>,
    pub closes_on: Option<String>,
    pub response: Option<String>,
    pub response_at: Option<String>,
    pub debate: Option<String>,
    pub debate_at: Option<String>,
}

const COLUMNS: &str = "id, title, body, action, creator_id, creator_name, status, sponsor_key, rejection_reason,
    text_hidden, duplicate_of, created_at, published_at, closes_on, response, response_at, debate, debate_at";

/// Queues `mail` for every confirmed, valid signer of petition `id` who asked for news, in the
/// caller's transaction, in one statement. Only the confirmed signatures are read (the
/// `signature_count` index, `confirmed_seq > 0`) and each Message-ID ends with the confirmation
/// number, so the IDs come in index order. (Selecting by `confirmed_at` read every signature,
/// and random IDs took a page of the `message_id` index each: the writer was held 300-350 ms
/// when a petition with 330,000 signatures crossed a threshold in civic-api-bench.)
pub fn enqueue_for_followers(c: &Connection, id: i64, mail: &mail::Mail, now: &str) -> rusqlite::Result<usize> {
    c.prepare_cached(
        "INSERT INTO outbox (message_id, recipient, subject, body, created_at, next_attempt_at)
         SELECT '<' || ?5 || '.' || printf('%08x', confirmed_seq) || '@civic>', email, ?2, ?3, ?4, ?4
         FROM signature
         WHERE petition_id = ?1 AND confirmed_seq > 0 AND invalidated_by IS NULL AND notify = 1",
    )?
    .execute(params![id, mail.subject, mail.body, now, mail::message_id_stem()])
}

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<Petition> {
    Ok(Petition {
        id: r.get(0)?,
        title: r.get(1)?,
        body: r.get(2)?,
        action: r.get(3)?,
        creator_id: r.get(4)?,
        creator_name: r.get(5)?,
        status: r.get(6)?,
        sponsor_key: r.get(7)?,
        rejection_reason: r.get(8)?,
        text_hidden: r.get(9)?,
        duplicate_of: r.get(10)?,
        created_at: r.get(11)?,
        published_at: r.get(12)?,
        closes_on: r.get(13)?,
        response: r.get(14)?,
        response_at: r.get(15)?,
        debate: r.get(16)?,
        debate_at: r.get(17)?,
    })
}

pub fn load(c: &Connection, id: i64) -> rusqlite::Result<Option<Petition>> {
    c.prepare_cached(&format!("SELECT {COLUMNS} FROM petition WHERE id = ?1"))?.query_row([id], from_row).optional()
}

impl Petition {
    /// Whether the public may see it (staff and its author always may).
    fn visible_to(&self, user: Option<&User>) -> bool {
        matches!(self.status.as_str(), "open" | "closed" | "rejected")
            || user.is_some_and(|u| u.is_staff() || Some(u.id) == self.creator_id)
    }

    /// The public form: a rejected petition that broke the rules shows no text.
    fn public(&self) -> Value {
        let mut v = serde_json::to_value(self).expect("JSON");
        if self.text_hidden {
            v["body"] = Value::Null;
            v["action"] = Value::Null;
        }
        v.as_object_mut().expect("object").remove("creator_id");
        v
    }
}

/// What the list shows and filters by, derived from status, thresholds and the answer.
fn stage(p: &Petition, answer_due: bool) -> &'static str {
    match p.status.as_str() {
        "rejected" => "respinse",
        _ if p.response.is_some() => "cu-raspuns",
        _ if answer_due => "asteapta-raspuns",
        "open" => "deschise",
        _ => "inchise",
    }
}

const STAGES: [(&str, &str); 5] = [
    ("deschise", "Deschise"),
    ("asteapta-raspuns", "Așteaptă răspunsul primăriei"),
    ("cu-raspuns", "Cu răspuns"),
    ("inchise", "Închise"),
    ("respinse", "Respinse"),
];

/// Public petitions with their last aggregated counts and stage.
async fn public_petitions(app: &App) -> ApiResult<Vec<Value>> {
    let rows: Vec<(Petition, bool)> = app
        .db
        .read(|c| {
            c.prepare_cached(&format!(
                "SELECT {COLUMNS}, EXISTS (SELECT 1 FROM petition_threshold t WHERE t.petition_id = petition.id AND t.action = 'answer')
                 FROM petition WHERE status IN ('open', 'closed', 'rejected') ORDER BY COALESCE(published_at, created_at) DESC"
            ))?
            .query_map([], |r| Ok((from_row(r)?, r.get::<_, bool>(18)?)))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(ApiError::from)
        })
        .await?;
    Ok(rows
        .into_iter()
        .map(|(p, due)| {
            let counts = app.petitions.get(p.id);
            let mut v = p.public();
            v["stage"] = stage(&p, due).into();
            v["confirmed"] = counts.as_ref().map_or(0.into(), |c| c["confirmed"].clone());
            v["verified"] = counts.as_ref().map_or(0.into(), |c| c["verified"].clone());
            v
        })
        .collect())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// The tab: `deschise` (the default), `asteapta-raspuns`, `cu-raspuns`, `inchise`, `respinse`.
    stare: Option<String>,
}

/// The public petitions, by stage.
#[utoipa::path(
    get, path = "/api/petitii", tag = "petitions", operation_id = "petitions_list",
    params(ListQuery),
    responses(
        (status = 200, description = "the page", body = String, content_type = "text/html")
    )
)]
async fn list(State(app): State<App>, Query(q): Query<ListQuery>) -> ApiResult<Response> {
    let all = public_petitions(&app).await?;
    let stage = q.stare.filter(|s| STAGES.iter().any(|(k, _)| k == s)).unwrap_or_else(|| "deschise".into());
    let shown: Vec<&Value> = all.iter().filter(|p| p["stage"] == stage.as_str()).collect();
    let tabs: Vec<Value> = STAGES
        .iter()
        .map(|(k, label)| json!({"key": k, "label": label, "count": all.iter().filter(|p| p["stage"] == *k).count(), "current": *k == stage}))
        .collect();
    let ctx = json!({"petitions": shown, "tabs": tabs, "stage": stage});
    Ok(app.page("api/petitions.html", "Petiții online", "/api/petitii", ctx)?.into_response())
}

/// The form for a new petition (or what to do before one can be started).
#[utoipa::path(
    get, path = "/api/petitii/noua", tag = "petitions", operation_id = "petition_new_page",
    responses(
        (status = 200, description = "the page", body = String, content_type = "text/html")
    )
)]
async fn new_page(State(app): State<App>, Viewer(user): Viewer) -> ApiResult<Response> {
    let rules = app.published().petition_rules.clone();
    let ctx = json!({"user": user, "rules": rules, "can_create": user.as_ref().is_some_and(|u| u.assurance >= Assurance::EmailVerified)});
    Ok(app.page("api/petition_new.html", "Petiție nouă", "/api/petitii/noua", ctx)?.into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"title": "Pistă de biciclete pe Take Ionescu",
    "action": "Să amenajeze o pistă de biciclete separată.",
    "body": "Bulevardul este folosit zilnic de mii de bicicliști care merg pe trotuar sau printre mașini."}))]
struct NewPetition {
    #[serde(default)]
    #[schema(required = true, min_length = 10, max_length = 150)]
    title: String,
    /// The petition's text.
    #[serde(default)]
    #[schema(required = true, min_length = 50, max_length = 5000)]
    body: String,
    /// What the city is asked to do.
    #[serde(default)]
    #[schema(required = true, min_length = 10, max_length = 1000)]
    action: String,
}

/// Checks the length of a text field; the message names the field.
pub(crate) fn text(
    problems: &mut Vec<FieldError>,
    field: &str,
    label: &str,
    value: &str,
    min: usize,
    max: usize,
) -> String {
    let value = value.trim().to_owned();
    let n = value.chars().count();
    if n == 0 {
        problems.push(FieldError { field: field.into(), label: label.into(), message: "este obligatoriu".into() });
    } else if n < min || n > max {
        problems.push(FieldError {
            field: field.into(),
            label: label.into(),
            message: format!("trebuie să aibă între {min} și {max} de caractere (acum: {n})"),
        });
    }
    value
}

/// Starts a petition (a logged-in person with a verified address); the author gets the
/// supporters' link by e-mail.
#[utoipa::path(
    post, path = "/api/petitii", tag = "petitions", operation_id = "petition_create",
    request_body(content((NewPetition = "application/x-www-form-urlencoded"), (NewPetition = "application/json"))),
    responses(
        (status = 201, description = "created (JSON clients)", body = crate::openapi::Created),
        (status = 303, description = "created: to its page"),
        (status = 400, description = "the body cannot be read"),
        (status = 401, description = "not logged in"),
        (status = 403, description = "the account's address is not verified"),
        (status = 422, description = "a field is wrong")
    )
)]
async fn create(
    State(app): State<App>,
    headers: HeaderMap,
    SignedIn(user): SignedIn,
    Input(form): Input<NewPetition>,
) -> ApiResult<Response> {
    if user.assurance < Assurance::EmailVerified {
        return Err(ApiError::forbidden("Pentru a porni o petiție, confirmați întâi adresa de e-mail a contului.")
            .with_back("/api/cont"));
    }
    let mut problems = Vec::new();
    let title = text(&mut problems, "title", "Titlul", &form.title, 10, 150);
    let body = text(&mut problems, "body", "Textul petiției", &form.body, 50, 5000);
    let action = text(&mut problems, "action", "Ce cereți primăriei", &form.action, 10, 1000);
    if !problems.is_empty() {
        return Err(ApiError::unprocessable("Petiția nu a fost creată: corectați câmpurile de mai jos.", problems)
            .with_back("/api/petitii/noua"));
    }
    let published = app.published();
    let sponsors = published.petition_rules.sponsors;
    let (key, _) = crate::accounts::tokens::new_token();
    let name =
        if user.name.is_empty() { user.email.split('@').next().unwrap_or("").to_owned() } else { user.name.clone() };
    let a = app.clone();
    let id = app
        .db
        .write(move |c| {
            let now = Timestamp::now().to_string();
            let status = if sponsors == 0 { "moderation" } else { "collecting" };
            c.execute(
                "INSERT INTO petition (title, body, action, creator_id, creator_name, status, sponsor_key, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![title, body, action, user.id, name, status, key, now],
            )?;
            let id = c.last_insert_rowid();
            let m = mail::compose(
                &a.published(),
                "petition_created",
                &user.email,
                json!({
                "title": title, "sponsors": sponsors,
                "link": format!("{}/api/petitii/{id}/sustine?cheie={key}", a.config.public_url),
                "url": format!("{}/api/petitii/{id}", a.config.public_url)}),
            )?;
            // An account made by an identity provider may have no address to write to.
            if !user.email.is_empty() {
                mail::enqueue(c, &m, &now)?;
            }
            Ok::<_, ApiError>(id)
        })
        .await?;
    app.mail_queued.notify_one();
    if wants_json(&headers) {
        return Ok(
            (StatusCode::CREATED, axum::Json(json!({"id": id, "url": format!("/api/petitii/{id}")}))).into_response()
        );
    }
    Ok(see_other(&format!("/api/petitii/{id}")))
}

async fn find_visible(app: &App, id: i64, user: Option<&User>) -> ApiResult<Petition> {
    let p = app.db.read(move |c| load(c, id).map_err(ApiError::from)).await?;
    p.filter(|p| p.visible_to(user)).ok_or_else(|| ApiError::not_found("Petiția nu există sau nu este încă publicată."))
}

/// Everything the petition page shows besides the petition: thresholds, invalidations, sponsors.
async fn details(app: &App, p: &Petition) -> ApiResult<Value> {
    let id = p.id;
    type Details = (Vec<Value>, Vec<Value>, i64, Option<(i64, String)>);
    let (reached, invalidations, sponsors, duplicate): Details = app
        .db
        .read(move |c| {
            let reached = c
                .prepare_cached("SELECT signatures, action, reached_at, due_on FROM petition_threshold WHERE petition_id = ?1 ORDER BY signatures")?
                .query_map([id], |r| Ok(json!({"signatures": r.get::<_, i64>(0)?, "action": r.get::<_, String>(1)?,
                    "reached_at": r.get::<_, String>(2)?, "due_on": r.get::<_, String>(3)?})))?
                .collect::<Result<_, _>>()?;
            let invalidations = c
                .prepare_cached("SELECT reason, removed, at FROM invalidation WHERE petition_id = ?1 ORDER BY id")?
                .query_map([id], |r| Ok(json!({"reason": r.get::<_, String>(0)?, "removed": r.get::<_, i64>(1)?, "at": r.get::<_, String>(2)?})))?
                .collect::<Result<_, _>>()?;
            let sponsors = c.query_row("SELECT count(*) FROM petition_sponsor WHERE petition_id = ?1", [id], |r| r.get(0))?;
            let duplicate = c
                .query_row("SELECT d.id, d.title FROM petition p JOIN petition d ON d.id = p.duplicate_of WHERE p.id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            Ok::<_, ApiError>((reached, invalidations, sponsors, duplicate))
        })
        .await?;
    let published = app.published();
    let thresholds: Vec<Value> = published
        .petition_rules
        .thresholds
        .iter()
        .map(|t| {
            let hit = reached.iter().find(|r| r["signatures"] == t.signatures);
            let explain = hit.and_then(|h| {
                let reached_on = h["reached_at"]
                    .as_str()?
                    .parse::<Timestamp>()
                    .ok()?
                    .to_zoned_datetime(civic_workdays::bucharest())
                    .date();
                Some(published.calendar.add_calendar_days(reached_on, t.days).explain_ro())
            });
            json!({"signatures": t.signatures, "action": t.action, "days": t.days, "reached": hit, "explain": explain})
        })
        .collect();
    Ok(json!({"thresholds": thresholds, "invalidations": invalidations, "sponsors": sponsors,
              "sponsors_needed": published.petition_rules.sponsors,
              "duplicate": duplicate.map(|(id, title)| json!({"id": id, "title": title})),
              "districts": published.districts}))
}

/// A petition: its page, or its open-data document for clients asking for JSON.
#[utoipa::path(
    get, path = "/api/petitii/{id}", tag = "petitions", operation_id = "petition_show",
    params(("id" = i64, Path, description = "the petition's number", example = 1)),
    responses(
        (
            status = 200,
            description = "the petition",
            content((crate::openapi::OpenPetition = "application/json"), (String = "text/html"))
        ),
        (status = 400, description = "the id is not a number"),
        (status = 404, description = "no such petition, or not public yet")
    )
)]
async fn show(
    State(app): State<App>,
    Path(id): Path<i64>,
    Viewer(user): Viewer,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let p = find_visible(&app, id, user.as_ref()).await?;
    if wants_json(&headers) {
        return open_data(&app, &p).await.map(|v| axum::Json(v).into_response());
    }
    let counts = app
        .petitions
        .get(id)
        .map(|c| (*c).clone())
        .unwrap_or_else(|| json!({"confirmed": 0, "verified": 0, "by_district": {}}));
    let is_author = user.as_ref().is_some_and(|u| Some(u.id) == p.creator_id);
    let today = app.clock.today().to_string();
    let signing_open = p.status == "open" && p.closes_on.as_deref().is_some_and(|d| today.as_str() <= d);
    let mut ctx = details(&app, &p).await?;
    ctx["petition"] = if is_author || user.as_ref().is_some_and(User::is_staff) {
        serde_json::to_value(&p).expect("JSON")
    } else {
        p.public()
    };
    ctx["counts"] = counts;
    ctx["signing_open"] = signing_open.into();
    ctx["user"] = serde_json::to_value(&user).expect("JSON");
    if is_author && p.status == "collecting" {
        ctx["sponsor_link"] =
            format!("{}/api/petitii/{id}/sustine?cheie={}", app.config.public_url, p.sponsor_key).into();
    }
    let url = format!("/api/petitii/{id}");
    Ok(app.page("api/petition.html", &p.title, &url, ctx)?.into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct KeyQuery {
    /// The supporters' key, from the author's link.
    cheie: Option<String>,
}

/// The supporters' page (by the author's private link).
#[utoipa::path(
    get, path = "/api/petitii/{id}/sustine", tag = "petitions", operation_id = "petition_sponsor_page",
    params(("id" = i64, Path, description = "the petition's number", example = 1), KeyQuery),
    responses(
        (status = 200, description = "the page", body = String, content_type = "text/html"),
        (status = 400, description = "the id is not a number"),
        (status = 404, description = "no such petition, or not its key")
    )
)]
async fn sponsor_page(
    State(app): State<App>,
    Path(id): Path<i64>,
    Query(q): Query<KeyQuery>,
    Viewer(user): Viewer,
) -> ApiResult<Response> {
    let p = app.db.read(move |c| load(c, id).map_err(ApiError::from)).await?;
    let key = q.cheie.unwrap_or_default();
    let Some(p) = p.filter(|p| !key.is_empty() && p.sponsor_key == key) else {
        return Err(ApiError::not_found("Linkul de susținere nu este valid. Cereți-l din nou autorului petiției."));
    };
    // The link only gathers supporters: once the petition moved on (moderation, published,
    // rejected with its text hidden), its page shows what the public may see.
    if p.status != "collecting" {
        return Ok(see_other(&format!("/api/petitii/{id}")));
    }
    let next = format!("/api/petitii/{id}/sustine?cheie={key}");
    let ctx = json!({"petition": p.public(), "key": key, "user": user, "next": next});
    Ok(app.page("api/petition_sponsor.html", "Susțineți petiția", &format!("/api/petitii/{id}"), ctx)?.into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
struct SponsorForm {
    /// The supporters' key, from the author's link.
    #[serde(default)]
    #[schema(required = true, min_length = 1)]
    cheie: String,
}

/// Backs a petition as one of its supporters (logged in, verified address).
#[utoipa::path(
    post, path = "/api/petitii/{id}/sustine", tag = "petitions", operation_id = "petition_sponsor",
    params(("id" = i64, Path, description = "the petition's number", example = 1)),
    request_body(content((SponsorForm = "application/x-www-form-urlencoded"), (SponsorForm = "application/json"))),
    responses(
        (status = 303, description = "backed: to the petition"),
        (status = 400, description = "the id is not a number, or the body cannot be read"),
        (status = 401, description = "not logged in"),
        (status = 403, description = "the account's address is not verified"),
        (status = 404, description = "no such petition, or not its key"),
        (status = 409, description = "already backed, the author, or no more supporters needed")
    )
)]
async fn sponsor(
    State(app): State<App>,
    Path(id): Path<i64>,
    SignedIn(user): SignedIn,
    Input(form): Input<SponsorForm>,
) -> ApiResult<Response> {
    if user.assurance < Assurance::EmailVerified {
        return Err(ApiError::forbidden("Pentru a susține o petiție, confirmați întâi adresa de e-mail a contului."));
    }
    let needed = app.published().petition_rules.sponsors as i64;
    let a = app.clone();
    app.db
        .write(move |c| {
            let Some(p) = load(c, id)?.filter(|p| !form.cheie.is_empty() && p.sponsor_key == form.cheie) else {
                return Err(ApiError::not_found("Linkul de susținere nu este valid."));
            };
            if p.status != "collecting" {
                return Err(ApiError::conflict("Petiția are deja susținătorii necesari; a trecut la moderare.").with_back(format!("/api/petitii/{id}")));
            }
            if p.creator_id == Some(user.id) {
                return Err(ApiError::conflict("Autorul nu își poate susține propria petiție; trimiteți linkul altor persoane."));
            }
            let n = c.execute(
                "INSERT INTO petition_sponsor (petition_id, account_id, created_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                params![id, user.id, Timestamp::now().to_string()],
            )?;
            if n == 0 {
                return Err(ApiError::conflict("Ați susținut deja această petiție."));
            }
            let count: i64 = c.query_row("SELECT count(*) FROM petition_sponsor WHERE petition_id = ?1", [id], |r| r.get(0))?;
            if count >= needed {
                c.execute("UPDATE petition SET status = 'moderation' WHERE id = ?1", [id])?;
                let author: Option<String> = c
                    .query_row("SELECT email FROM account WHERE id = ?1", [p.creator_id], |r| r.get::<_, Option<String>>(0))
                    .optional()?
                    .flatten()
                    .filter(|e| !e.is_empty());
                if let Some(author) = author {
                    let m = mail::compose(&a.published(), "petition_moderation", &author, json!({"title": p.title}))?;
                    mail::enqueue(c, &m, &Timestamp::now().to_string())?;
                }
            }
            Ok(())
        })
        .await?;
    app.mail_queued.notify_one();
    Ok(see_other(&format!("/api/petitii/{id}")))
}

/// The open-data document of one petition: no personal data.
async fn open_data(app: &App, p: &Petition) -> ApiResult<Value> {
    let id = p.id;
    let hourly: Vec<Value> = app
        .db
        .read(move |c| {
            c.prepare_cached("SELECT hour, confirmed FROM petition_hourly WHERE petition_id = ?1 ORDER BY hour")?
                .query_map([id], |r| Ok(json!({"hour": r.get::<_, String>(0)?, "confirmed": r.get::<_, i64>(1)?})))?
                .collect::<Result<_, _>>()
                .map_err(ApiError::from)
        })
        .await?;
    let counts = app
        .petitions
        .get(id)
        .map(|c| (*c).clone())
        .unwrap_or(json!({"confirmed": 0, "verified": 0, "by_district": {}}));
    let mut v = p.public();
    v.as_object_mut().expect("object").remove("creator_name");
    v["url"] = format!("{}/api/petitii/{id}", app.config.public_url).into();
    v["signatures"] = json!({"confirmed": counts["confirmed"], "identity_verified": counts["verified"],
        "by_district": counts["by_district"], "updated_at": counts["updated_at"], "hourly": hourly});
    let d = details(app, p).await?;
    v["thresholds"] = d["thresholds"].clone();
    v["invalidations"] = d["invalidations"].clone();
    Ok(v)
}

fn cacheable(body: impl IntoResponse, content_type: &'static str) -> Response {
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
async fn open_data_list(State(app): State<App>) -> ApiResult<Response> {
    let list = public_petitions(&app).await?;
    let items: Vec<Value> = list
        .into_iter()
        .map(|mut p| {
            let o = p.as_object_mut().expect("object");
            o.remove("creator_name");
            o.remove("body");
            p
        })
        .collect();
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
async fn open_data_one(State(app): State<App>, Path(file): Path<String>) -> ApiResult<Response> {
    let (id, ext) =
        file.rsplit_once('.').ok_or_else(|| ApiError::not_found("Folosiți /api/petitions/{id}.json sau .csv."))?;
    let id: i64 = id.parse().map_err(|_| ApiError::not_found("Petiția nu există."))?;
    let p = find_visible(&app, id, None).await?;
    let doc = open_data(&app, &p).await?;
    match ext {
        "json" => Ok(cacheable(axum::Json(doc), "application/json")),
        "csv" => {
            let mut out = String::from("kind,key,confirmed\n");
            for (district, n) in doc["signatures"]["by_district"].as_object().into_iter().flatten() {
                out.push_str(&format!("district,{},{}\n", csv_field(district), n));
            }
            for h in doc["signatures"]["hourly"].as_array().into_iter().flatten() {
                out.push_str(&format!("hour,{},{}\n", h["hour"].as_str().unwrap_or(""), h["confirmed"]));
            }
            Ok(cacheable(out, "text/csv; charset=utf-8"))
        }
        _ => Err(ApiError::not_found("Folosiți /api/petitions/{id}.json sau .csv.")),
    }
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
}
