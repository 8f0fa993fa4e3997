//! The petitions' public pages: the list by stage and a petition's page.

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::public_view::PublicPetition;
use super::status::PetitionStatus;
use super::{Petition, find_visible, open_data, store};
use crate::accounts::session::{User, Viewer};
use crate::app::{App, wants_json};
use crate::error::{ApiError, ApiResult};

/// What the list shows and filters by, derived from status, thresholds and the answer.
fn stage(p: &Petition, answer_due: bool) -> &'static str {
    match p.status {
        PetitionStatus::Rejected => "respinse",
        _ if p.response.is_some() => "cu-raspuns",
        _ if answer_due => "asteapta-raspuns",
        PetitionStatus::Open => "deschise",
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

/// A public petition in the list, with its stage and last aggregated counts.
#[derive(Serialize)]
pub(super) struct Listed<'a> {
    #[serde(flatten)]
    pub petition: PublicPetition<'a>,
    pub stage: &'static str,
    pub confirmed: Value,
    pub verified: Value,
}

/// Public petitions, newest first, each with whether its answer threshold was reached.
pub(super) async fn public_petitions(app: &App) -> ApiResult<Vec<(Petition, bool)>> {
    app.db.read(|c| store::public_with_answer_due(c).map_err(ApiError::from)).await
}

/// A public petition as a list shows it (`view` chooses its fields).
pub(super) fn listed<'a>(app: &App, p: &'a Petition, answer_due: bool, view: PublicPetition<'a>) -> Listed<'a> {
    let counts = app.petitions.get(p.id);
    Listed {
        petition: view,
        stage: stage(p, answer_due),
        confirmed: counts.as_ref().map_or(0.into(), |c| c["confirmed"].clone()),
        verified: counts.as_ref().map_or(0.into(), |c| c["verified"].clone()),
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
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
pub async fn list(State(app): State<App>, Query(q): Query<ListQuery>) -> ApiResult<Response> {
    let rows = public_petitions(&app).await?;
    let all: Vec<Listed> = rows.iter().map(|(p, due)| listed(&app, p, *due, PublicPetition::page(p))).collect();
    let stage = q.stare.filter(|s| STAGES.iter().any(|(k, _)| k == s)).unwrap_or_else(|| "deschise".into());
    let shown: Vec<&Listed> = all.iter().filter(|p| p.stage == stage).collect();
    let tabs: Vec<Value> = STAGES
        .iter()
        .map(|(k, label)| json!({"key": k, "label": label, "count": all.iter().filter(|p| p.stage == *k).count(), "current": *k == stage}))
        .collect();
    let ctx = json!({"petitions": shown, "tabs": tabs, "stage": stage});
    Ok(app.page("api/petitions.html", "Petiții online", "/api/petitii", ctx)?.into_response())
}

/// Everything the petition page shows besides the petition: thresholds, invalidations, sponsors.
pub(super) async fn details(app: &App, p: &Petition) -> ApiResult<Value> {
    let id = p.id;
    type Details = (Vec<Value>, Vec<Value>, i64, Option<(i64, String)>);
    let (reached, invalidations, sponsors, duplicate): Details = app
        .db
        .read(move |c| {
            Ok::<_, ApiError>((
                store::thresholds_reached(c, id)?,
                store::invalidations(c, id)?,
                store::sponsor_count(c, id)?,
                store::duplicate_of(c, id)?,
            ))
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
pub async fn show(
    State(app): State<App>,
    Path(id): Path<i64>,
    Viewer(user): Viewer,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let p = find_visible(&app, id, user.as_ref()).await?;
    if wants_json(&headers) {
        return open_data::document(&app, &p).await.map(|v| axum::Json(v).into_response());
    }
    let counts = app
        .petitions
        .get(id)
        .map(|c| (*c).clone())
        .unwrap_or_else(|| json!({"confirmed": 0, "verified": 0, "by_district": {}}));
    let is_author = user.as_ref().is_some_and(|u| Some(u.id) == p.creator_id);
    let today = app.clock.today().to_string();
    let signing_open = p.status == PetitionStatus::Open && p.closes_on.as_deref().is_some_and(|d| today.as_str() <= d);
    let mut ctx = details(&app, &p).await?;
    ctx["petition"] = if is_author || user.as_ref().is_some_and(User::is_staff) {
        serde_json::to_value(&p).expect("JSON")
    } else {
        serde_json::to_value(PublicPetition::page(&p)).expect("JSON")
    };
    ctx["counts"] = counts;
    ctx["signing_open"] = signing_open.into();
    ctx["user"] = serde_json::to_value(&user).expect("JSON");
    if is_author && p.status == PetitionStatus::Collecting {
        ctx["sponsor_link"] =
            format!("{}/api/petitii/{id}/sustine?cheie={}", app.config.public_url, p.sponsor_key).into();
    }
    let url = format!("/api/petitii/{id}");
    Ok(app.page("api/petition.html", &p.title, &url, ctx)?.into_response())
}
