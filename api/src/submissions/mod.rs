//! The contact portal's registry: a form posted from the site becomes a submission with a
//! gapless registration number per year, a legal deadline counted on the site's own working-day
//! calendar, an acknowledgement e-mail, and a status page the submitter can reach.

mod intake;
pub mod registry;
pub mod status;
pub mod store;

use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::accounts::session::{User, Viewer};
use crate::accounts::tokens;
use crate::app::{App, see_other, wants_json};
use crate::email;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::published::{Assurance, Form, FormKind};

pub fn routes() -> Router<App> {
    Router::new()
        .route("/api/forms", get(list))
        .route("/api/forms/{id}", post(submit))
        .route("/api/dosar/{number}", get(status_page))
}

/// The published forms, for API clients.
#[utoipa::path(
    get, path = "/api/forms", tag = "forms", operation_id = "forms_list",
    responses(
        (status = 200, description = "the forms of /data/forms.json", body = crate::openapi::FormList)
    )
)]
pub async fn list(State(app): State<App>) -> impl IntoResponse {
    axum::Json(json!({"forms": app.published().forms}))
}

/// What a client gets back for a registered submission.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Receipt {
    /// e.g. `TM-2026-000123`
    pub number: String,
    pub registered_at: String,
    /// The legal deadline for the answer (a date in Romanian time), if the law sets one.
    pub due_on: Option<String>,
    /// The status page; the link carries the submitter's key.
    pub status_url: String,
}

/// Registers a submission of form `id`.
#[utoipa::path(
    post, path = "/api/forms/{id}", tag = "forms", operation_id = "form_submit",
    params(("id" = String, Path, description = "the form's id, from /data/forms.json", example = "sesizare")),
    request_body(
        description = "the form's fields (multipart/form-data with files, urlencoded, or a JSON object of strings), \
            as described by the form's published JSON Schema",
        content(
            (crate::openapi::FormFiles = "multipart/form-data"),
            (crate::openapi::FormFields = "application/x-www-form-urlencoded"),
            (crate::openapi::FormFields = "application/json")
        )
    ),
    responses(
        (status = 201, description = "registered (JSON clients)", body = Receipt),
        (status = 303, description = "registered; a browser is sent to the receipt page"),
        (status = 400, description = "the body cannot be read (JSON that is not an object of strings, a broken form)"),
        (status = 401, description = "the form requires a login with a higher assurance level"),
        (status = 404, description = "no such form"),
        (status = 413, description = "a file, or the whole body, is too large"),
        (status = 415, description = "neither multipart/form-data, urlencoded nor JSON"),
        (status = 422, description = "fields or files do not meet the form's rules")
    )
)]
pub async fn submit(
    State(app): State<App>,
    Path(id): Path<String>,
    Viewer(user): Viewer,
    request: Request,
) -> ApiResult<Response> {
    let json = wants_json(request.headers());
    let published = app.published();
    let form = published.form(&id).ok_or_else(|| {
        ApiError::not_found("Formularul nu există (poate a fost retras). Alegeți-l din lista formularelor.")
    })?;
    check_assurance(form, user.as_ref())?;
    let intake = intake::read(request, form).await.map_err(|mut e| {
        for f in &mut e.fields {
            f.label = label_of(form, &f.field);
        }
        e.with_back(&form.url)
    })?;
    // Empty inputs are absent values: an optional field left blank is not "too short".
    let fields: Map<String, Value> =
        intake.fields.into_iter().filter(|(_, v)| !v.trim().is_empty()).map(|(k, v)| (k, Value::String(v))).collect();
    let fields = Value::Object(fields);
    let mut problems: Vec<FieldError> = published
        .validate(&form.id, &fields)
        .into_iter()
        .map(|(field, message)| FieldError { label: label_of(form, &field), field, message })
        .collect();
    let email = fields["email"].as_str().map(email::normalise);
    if let Some(Err(e)) = &email {
        problems.retain(|p| p.field != "email");
        problems.push(FieldError { label: label_of(form, "email"), ..e.clone() });
    }
    // Comments on drafts: a precise reason beats "not one of the options" (the schema lists
    // only the drafts open when the site was built).
    if form.kind == FormKind::DraftComment
        && fields["draft"].is_string()
        && let Err(e) = check_consultation(&app, &published, &fields)
    {
        problems.retain(|p| p.field != "draft");
        problems.extend(e.fields);
    }
    if !problems.is_empty() {
        return Err(ApiError::unprocessable(
            format!(
                "Formularul „{}” nu a fost înregistrat: corectați câmpurile de mai jos și trimiteți din nou.",
                form.title
            ),
            problems,
        )
        .with_back(&form.url));
    }
    let email = email.and_then(Result::ok).ok_or_else(|| {
        ApiError::unprocessable("Adresa de e-mail este necesară pentru răspuns.", vec![]).with_back(&form.url)
    })?;
    // The receipt goes to the address typed; to someone else's only a few times.
    if !user.as_ref().is_some_and(|u| u.email_verified && u.email == email) {
        app.limits.email(&email).map_err(|e| e.with_back(&form.url))?;
    }
    let (token, token_hash) = tokens::new_token();
    let registration = registry::Registration {
        form,
        fields,
        email,
        account: user.map(|u| u.id),
        files: intake.files,
        token,
        token_hash,
    };
    let receipt = registry::register(&app, &published, registration).await?;
    app.mail_queued.notify_one();
    if json {
        return Ok((StatusCode::CREATED, axum::Json(receipt)).into_response());
    }
    Ok(see_other(&receipt.status_url))
}

fn label_of(form: &Form, field: &str) -> String {
    let base = field.trim_end_matches("_lat").trim_end_matches("_lon");
    form.fields.iter().find(|f| f.name == field || f.name == base).map_or_else(|| field.to_owned(), |f| f.label.clone())
}

fn check_assurance(form: &Form, user: Option<&User>) -> ApiResult<()> {
    let have = user.map_or(Assurance::None, |u| u.assurance);
    if have >= form.assurance {
        return Ok(());
    }
    let next = urlencode(&form.url);
    let message = match form.assurance {
        Assurance::EmailVerified => {
            "Acest formular cere un cont cu adresa de e-mail confirmată. Autentificați-vă, apoi trimiteți formularul din nou."
        }
        level => {
            let level = if level == Assurance::EidHigh { "ridicat" } else { "substanțial" };
            let more =
                if user.is_some() { ", mai mult decât autentificarea cu care ați intrat în cont" } else { "" };
            &format!(
                "Acest formular cere identificare cu identitatea electronică (nivel de asigurare {level}){more}. Autentificați-vă cu un furnizor de identitate electronică (de exemplu ROeID); vă întoarceți apoi la formular."
            )
        }
    };
    Err(ApiError::unauthorized(message)
        .with_back(format!("/api/cont/autentificare?next={next}&nivel={}", form.assurance.as_str())))
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Comments on a draft (Law 52/2003) are received only while its consultation is open.
fn check_consultation(app: &App, published: &crate::published::Published, fields: &Value) -> ApiResult<()> {
    let draft = fields["draft"].as_str().unwrap_or_default();
    let field = |message: String| {
        ApiError::unprocessable(
            "Propunerea nu a putut fi înregistrată.",
            vec![FieldError { field: "draft".into(), label: "Proiectul de hotărâre".into(), message }],
        )
    };
    let Some(c) = published.consultation(draft) else {
        return Err(field("nu există un proiect de hotărâre publicat cu acest cod".into()));
    };
    let today = app.clock.today();
    if today < c.opens_on {
        return Err(field(format!(
            "consultarea pentru {} începe la {}",
            c.number,
            civic_workdays::format_date_ro(c.opens_on)
        )));
    }
    if today > c.closes_on {
        return Err(field(format!(
            "consultarea pentru {} s-a încheiat la {}; propunerile nu mai pot fi primite",
            c.number,
            civic_workdays::format_date_ro(c.closes_on)
        )));
    }
    Ok(())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KeyQuery {
    /// The key from the acknowledgement e-mail.
    pub cheie: Option<String>,
}

/// The receipt and status page: for the submitter (by the key in their link, or their account)
/// and for staff.
#[utoipa::path(
    get, path = "/api/dosar/{number}", tag = "forms", operation_id = "case_status",
    params(
        ("number" = String, Path, description = "the registration number", example = "TM-2026-000001"),
        KeyQuery
    ),
    responses(
        (
            status = 200,
            description = "the submission's status, deadline, history and answer: JSON for clients asking for it, \
                else the page",
            content((crate::openapi::CaseView = "application/json"), (String = "text/html"))
        ),
        (status = 404, description = "no such submission, or no key")
    )
)]
pub async fn status_page(
    State(app): State<App>,
    Path(number): Path<String>,
    Query(q): Query<KeyQuery>,
    Viewer(user): Viewer,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let key = q.cheie.map(|k| tokens::hash(&k));
    let viewer = user.clone();
    let case = app
        .db
        .read(move |c| store::case_by_number(c, &number).map_err(ApiError::from))
        .await?
        .ok_or_else(|| ApiError::not_found("Nu există o cerere cu acest număr de înregistrare."))?;
    let allowed = key.as_deref() == Some(case.token_hash.as_slice())
        || viewer.as_ref().is_some_and(|u| u.is_staff() || Some(u.id) == case.account);
    if !allowed {
        return Err(ApiError::not_found(
            "Nu există o cerere cu acest număr de înregistrare, sau linkul nu este complet. Folosiți linkul din e-mailul de confirmare.",
        ));
    }
    let view = case.public_view(&app);
    if wants_json(&headers) {
        return Ok(axum::Json(view).into_response());
    }
    let title = format!("Cererea nr. {}", case.number);
    let url = format!("/api/dosar/{}", case.number);
    Ok(app.page("api/submission.html", &title, &url, json!({"case": view}))?.into_response())
}
