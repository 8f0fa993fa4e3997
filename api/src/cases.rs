//! Case handling for staff: the list (overdue first), a case's page, and the changes allowed on
//! it — status, forwarding (the law allows 5 days), one extension with a reason, the answer
//! (e-mailed to the submitter). Every change is written to the case's audit log in the same
//! transaction.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::accounts::session::Staff;
use crate::app::{App, Input, see_other};
use crate::error::{ApiError, ApiResult, FieldError};
use crate::mail;
use crate::submissions::registry::Case;
use crate::submissions::status::CaseStatus;
use crate::submissions::store::{self, CaseFilter};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/api/admin/dosare", get(list))
        .route("/api/admin/dosare/{number}", get(show))
        .route("/api/admin/dosare/{number}/stare", post(set_status))
        .route("/api/admin/dosare/{number}/redirectionare", post(forward))
        .route("/api/admin/dosare/{number}/prelungire", post(extend))
        .route("/api/admin/dosare/{number}/raspuns", post(answer))
        .route("/api/admin/dosare/{number}/fisiere/{id}", get(download))
}

/// Statuses staff can set by hand (answering has its own action).
const MANUAL_STATUSES: [CaseStatus; 3] = [CaseStatus::Registered, CaseStatus::InProgress, CaseStatus::Filed];
/// Days from registration within which a misdirected petition is forwarded (OG 27/2002 art. 6¹).
const FORWARD_DAYS: i32 = 5;

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct Filters {
    /// Only cases with this status.
    stare: Option<String>,
    /// Only submissions of this form (its id).
    formular: Option<String>,
    /// Only cases of this department.
    departament: Option<String>,
}

/// Staff: the cases, overdue first.
#[utoipa::path(
    get, path = "/api/admin/dosare", tag = "cases", operation_id = "cases_list",
    params(Filters),
    responses(
        (status = 200, description = "the page", body = String, content_type = "text/html"),
        (status = 401, description = "not logged in"),
        (status = 403, description = "not staff")
    )
)]
async fn list(State(app): State<App>, Staff(user): Staff, Query(f): Query<Filters>) -> ApiResult<Response> {
    let today = app.clock.today().to_string();
    let filter = CaseFilter {
        status: f.stare.clone().filter(|s| !s.is_empty()),
        form: f.formular.clone().filter(|s| !s.is_empty()),
        department: f.departament.clone().filter(|s| !s.is_empty()),
    };
    let t = today.clone();
    let (cases, (forms, departments)) =
        app.db.read(move |c| Ok::<_, ApiError>((store::cases(c, &filter, &t)?, store::case_filters(c)?))).await?;
    let ctx = json!({
        "user": user, "cases": cases, "forms": forms, "departments": departments, "today": today,
        "filters": {"stare": f.stare, "formular": f.formular, "departament": f.departament},
        "statuses": ["registered", "in_progress", "forwarded", "answered", "filed"],
    });
    Ok(app.page("api/cases.html", "Cereri înregistrate", "/api/admin/dosare", ctx)?.into_response())
}

async fn find(app: &App, number: String) -> ApiResult<Case> {
    app.db
        .read(move |c| store::case_by_number(c, &number).map_err(ApiError::from))
        .await?
        .ok_or_else(|| ApiError::not_found("Nu există o cerere cu acest număr de înregistrare."))
}

fn forward_by(case: &Case) -> Option<Date> {
    let registered: Timestamp = case.registered_at.parse().ok()?;
    Some(registered.to_zoned_datetime(civic_workdays::bucharest()).date().saturating_add(FORWARD_DAYS.days()))
}

/// Staff: a case, its history and the actions on it.
#[utoipa::path(
    get, path = "/api/admin/dosare/{number}", tag = "cases", operation_id = "case_show",
    params(("number" = String, Path, description = "the registration number", example = "TM-2026-000001")),
    responses(
        (status = 200, description = "the page", body = String, content_type = "text/html"),
        (status = 401, description = "not logged in"),
        (status = 403, description = "not staff"),
        (status = 404, description = "no such case")
    )
)]
async fn show(State(app): State<App>, Staff(user): Staff, Path(number): Path<String>) -> ApiResult<Response> {
    let case = find(&app, number).await?;
    let mut view = case.public_view(&app);
    view["email"] = case.email.clone().into();
    view["history"] = Value::Array(case.history.clone());
    view["forward_by"] = forward_by(&case).map(|d| d.to_string()).into();
    view["can_extend"] = (case.extended_due_on.is_none()
        && case.is_open()
        && case.rule.as_ref().is_some_and(|r| r.extension_days.is_some() || r.complex_days.is_some()))
    .into();
    let ctx = json!({"user": user, "case": view, "statuses": MANUAL_STATUSES});
    let title = format!("Cererea nr. {}", case.number);
    let url = format!("/api/admin/dosare/{}", case.number);
    Ok(app.page("api/case.html", &title, &url, ctx)?.into_response())
}

fn back(number: &str) -> Response {
    see_other(&format!("/api/admin/dosare/{number}"))
}

fn refuse(number: &str, field: &str, label: &str, message: impl Into<String>) -> ApiError {
    ApiError::unprocessable(
        "Modificarea nu a fost făcută.",
        vec![FieldError { field: field.into(), label: label.into(), message: message.into() }],
    )
    .with_back(format!("/api/admin/dosare/{number}"))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct StatusForm {
    /// `registered`, `in_progress` or `filed`.
    #[schema(pattern = "^(registered|in_progress|filed)$")]
    status: String,
}

/// Staff: sets a status by hand (`registered`, `in_progress`, `filed`).
#[utoipa::path(
    post, path = "/api/admin/dosare/{number}/stare", tag = "cases", operation_id = "case_set_status",
    params(("number" = String, Path, description = "the registration number", example = "TM-2026-000001")),
    request_body(content((StatusForm = "application/x-www-form-urlencoded"), (StatusForm = "application/json"))),
    responses(
        (status = 303, description = "done: back to the case"),
        (status = 400, description = "the body cannot be read"),
        (status = 401, description = "not logged in"),
        (status = 403, description = "not staff"),
        (status = 404, description = "no such case"),
        (status = 422, description = "refused, with the field and why")
    )
)]
async fn set_status(
    State(app): State<App>,
    Staff(user): Staff,
    Path(number): Path<String>,
    Input(form): Input<StatusForm>,
) -> ApiResult<Response> {
    let Some(status) = form.status.parse().ok().filter(|s| MANUAL_STATUSES.contains(s)) else {
        return Err(refuse(
            &number,
            "status",
            "Stare",
            "alegeți una dintre stările din listă; răspunsul se dă cu formularul de răspuns",
        ));
    };
    let case = find(&app, number.clone()).await?;
    if case.status == CaseStatus::Answered {
        return Err(refuse(&number, "status", "Stare", "cererea are deja răspuns"));
    }
    let id = case.id;
    let now = app.clock.now();
    app.db
        .write(move |c| {
            store::set_status(c, id, status)?;
            store::audit(c, id, &user.email, "status", status.as_str(), now)?;
            Ok::<_, ApiError>(())
        })
        .await?;
    Ok(back(&number))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"to": "Compania Locală de Termoficare",
    "note": "Rețeaua de termoficare nu este a primăriei."}))]
struct ForwardForm {
    /// The institution or department it goes to.
    #[schema(min_length = 1, max_length = 300)]
    to: String,
    #[serde(default)]
    note: String,
}

/// Staff: forwards the case to another institution; the citizen is told.
#[utoipa::path(
    post, path = "/api/admin/dosare/{number}/redirectionare", tag = "cases", operation_id = "case_forward",
    params(("number" = String, Path, description = "the registration number", example = "TM-2026-000001")),
    request_body(content((ForwardForm = "application/x-www-form-urlencoded"), (ForwardForm = "application/json"))),
    responses(
        (status = 303, description = "done: back to the case"),
        (status = 400, description = "the body cannot be read"),
        (status = 401, description = "not logged in"),
        (status = 403, description = "not staff"),
        (status = 404, description = "no such case"),
        (status = 422, description = "refused, with the field and why")
    )
)]
async fn forward(
    State(app): State<App>,
    Staff(user): Staff,
    Path(number): Path<String>,
    Input(form): Input<ForwardForm>,
) -> ApiResult<Response> {
    let to = form.to.trim().to_owned();
    if to.is_empty() || to.chars().count() > 300 {
        return Err(refuse(
            &number,
            "to",
            "Instituția",
            "scrieți instituția sau compartimentul (cel mult 300 de caractere)",
        ));
    }
    let case = find(&app, number.clone()).await?;
    if !case.is_open() {
        return Err(refuse(&number, "to", "Instituția", "cererea este închisă"));
    }
    let late = forward_by(&case).is_some_and(|d| app.clock.today() > d);
    let a = app.clone();
    let now = app.clock.now();
    app.db
        .write(move |c| {
            store::forward(c, case.id, &to)?;
            let detail = format!(
                "{to}{}{}",
                if late { " (după termenul de 5 zile)" } else { "" },
                if form.note.is_empty() { String::new() } else { format!(": {}", form.note) }
            );
            store::audit(c, case.id, &user.email, "forwarded", &detail, now)?;
            let m = mail::compose(
                &a.published(),
                "forwarded",
                &case.email,
                json!({"number": case.number, "form": case.form_title, "to": to}),
            )?;
            mail::enqueue(c, &m, &now.to_string())?;
            Ok::<_, ApiError>(())
        })
        .await?;
    app.mail_queued.notify_one();
    Ok(back(&number))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"reason": "Răspunsul cere o verificare pe teren a întregii străzi."}))]
struct ExtendForm {
    /// Why, as the citizen is told.
    #[serde(default)]
    #[schema(required = true, min_length = 10, max_length = 2000)]
    reason: String,
}

/// Staff: extends the deadline once, with a reason the citizen is told.
#[utoipa::path(
    post, path = "/api/admin/dosare/{number}/prelungire", tag = "cases", operation_id = "case_extend",
    params(("number" = String, Path, description = "the registration number", example = "TM-2026-000001")),
    request_body(content((ExtendForm = "application/x-www-form-urlencoded"), (ExtendForm = "application/json"))),
    responses(
        (status = 303, description = "done: back to the case"),
        (status = 400, description = "the body cannot be read"),
        (status = 401, description = "not logged in"),
        (status = 403, description = "not staff"),
        (status = 404, description = "no such case"),
        (status = 422, description = "refused, with the field and why")
    )
)]
async fn extend(
    State(app): State<App>,
    Staff(user): Staff,
    Path(number): Path<String>,
    Input(form): Input<ExtendForm>,
) -> ApiResult<Response> {
    let reason = form.reason.trim().to_owned();
    if reason.chars().count() < 10 || reason.chars().count() > 2000 {
        return Err(refuse(
            &number,
            "reason",
            "Motivul",
            "motivul prelungirii se comunică petentului: scrieți-l (10–2000 de caractere)",
        ));
    }
    let case = find(&app, number.clone()).await?;
    if case.extended_due_on.is_some() {
        return Err(refuse(&number, "reason", "Motivul", "termenul a fost deja prelungit o dată"));
    }
    if !case.is_open() {
        return Err(refuse(&number, "reason", "Motivul", "cererea este închisă"));
    }
    let published = app.published();
    let registered: Date = case
        .registered_at
        .parse::<Timestamp>()
        .map_err(ApiError::internal)?
        .to_zoned_datetime(civic_workdays::bucharest())
        .date();
    let no_extension =
        || refuse(&number, "reason", "Motivul", "legea nu prevede prelungirea termenului pentru acest tip de cerere");
    let (Some(rule), Some(original)) = (&case.rule, case.due_on.as_deref().and_then(|d| d.parse::<Date>().ok())) else {
        return Err(no_extension());
    };
    // Law 544/2001: a complex request is answered within its longer term from registration;
    // OG 27/2002: the term is extended by at most `extension_days`.
    let new_due = match (rule.complex_days, rule.extension_days) {
        (Some(days), _) => rule.unit.count(&published.calendar, registered, days),
        (None, Some(days)) => rule.unit.count(&published.calendar, original, days),
        (None, None) => return Err(no_extension()),
    };
    let a = app.clone();
    let now = app.clock.now();
    app.db
        .write(move |c| {
            if !store::extend(c, case.id, &new_due.due.to_string(), &reason)? {
                return Err(refuse(&case.number, "reason", "Motivul", "termenul a fost deja prelungit o dată"));
            }
            store::audit(c, case.id, &user.email, "extended", &format!("{}: {reason}", new_due.due), now)?;
            let m = mail::compose(
                &a.published(),
                "extended",
                &case.email,
                json!({
                "number": case.number, "form": case.form_title, "due_on": new_due.due.to_string(),
                "deadline": new_due.explain_ro(), "reason": reason}),
            )?;
            mail::enqueue(c, &m, &now.to_string())?;
            Ok(())
        })
        .await?;
    app.mail_queued.notify_one();
    Ok(back(&number))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"text": "Groapa a fost astupată pe 28 noiembrie; vă mulțumim pentru sesizare."}))]
struct AnswerForm {
    /// The answer, as e-mailed to the citizen.
    #[serde(default)]
    #[schema(required = true, min_length = 10, max_length = 50000)]
    text: String,
}

/// Staff: answers the case; the answer is e-mailed to the citizen.
#[utoipa::path(
    post, path = "/api/admin/dosare/{number}/raspuns", tag = "cases", operation_id = "case_answer",
    params(("number" = String, Path, description = "the registration number", example = "TM-2026-000001")),
    request_body(content((AnswerForm = "application/x-www-form-urlencoded"), (AnswerForm = "application/json"))),
    responses(
        (status = 303, description = "done: back to the case"),
        (status = 400, description = "the body cannot be read"),
        (status = 401, description = "not logged in"),
        (status = 403, description = "not staff"),
        (status = 404, description = "no such case"),
        (status = 422, description = "refused, with the field and why")
    )
)]
async fn answer(
    State(app): State<App>,
    Staff(user): Staff,
    Path(number): Path<String>,
    Input(form): Input<AnswerForm>,
) -> ApiResult<Response> {
    let text = form.text.trim().to_owned();
    if text.chars().count() < 10 || text.chars().count() > 50_000 {
        return Err(refuse(&number, "text", "Răspunsul", "scrieți răspunsul (10–50.000 de caractere)"));
    }
    let case = find(&app, number.clone()).await?;
    if case.status == CaseStatus::Answered {
        return Err(refuse(&number, "text", "Răspunsul", "cererea are deja răspuns"));
    }
    let a = app.clone();
    let status_url = format!("{}/api/dosar/{}", app.config.public_url, case.number);
    let now = app.clock.now();
    app.db
        .write(move |c| {
            store::answer(c, case.id, &text, now)?;
            store::audit(c, case.id, &user.email, "answered", "", now)?;
            let m = mail::compose(
                &a.published(),
                "answer",
                &case.email,
                json!({
                "number": case.number, "form": case.form_title, "answer": text, "department": case.department,
                "status_url": status_url}),
            )?;
            mail::enqueue(c, &m, &now.to_string())?;
            Ok::<_, ApiError>(())
        })
        .await?;
    app.mail_queued.notify_one();
    Ok(back(&number))
}

/// An attached file, for staff, with the type it was sniffed as.
#[utoipa::path(
    get, path = "/api/admin/dosare/{number}/fisiere/{id}", tag = "cases", operation_id = "case_file",
    params(
        ("number" = String, Path, description = "the registration number", example = "TM-2026-000001"),
        ("id" = i64, Path, description = "the attachment's id", example = 1)
    ),
    responses(
        (
            status = 200,
            description = "the file, as an attachment, with the media type it was sniffed as (one the form accepts)",
            content(("*/*"))
        ),
        (status = 400, description = "the id is not a number"),
        (status = 401, description = "not logged in"),
        (status = 403, description = "not staff"),
        (status = 404, description = "no such file in this case")
    )
)]
async fn download(
    State(app): State<App>,
    Staff(_staff): Staff,
    Path((number, id)): Path<(String, i64)>,
) -> ApiResult<Response> {
    let file = app
        .db
        .read(move |c| store::attachment(c, &number, id).map_err(ApiError::from))
        .await?
        .ok_or_else(|| ApiError::not_found("Fișierul nu există."))?;
    let safe_name: String =
        file.0.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')).collect();
    Ok((
        [
            (header::CONTENT_TYPE, file.1),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{safe_name}\"")),
        ],
        file.2,
    )
        .into_response())
}
