//! Signing: name, e-mail, district, opt-in; one signature per normalised address; confirmed by a
//! link that opens a page with a button (mail scanners open links: a GET never confirms).

use super::status::PetitionStatus;
use super::store;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use serde_json::json;

use crate::accounts::session::Viewer;
use crate::accounts::tokens;
use crate::app::{App, Input, see_other, wants_json};
use crate::email;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::mail;
use crate::published::Assurance;
use crate::security::ClientIp;

pub fn routes() -> Router<App> {
    Router::new()
        .route("/api/petitii/{id}/semneaza", axum::routing::post(sign))
        .route("/api/petitii/{id}/numar.json", get(count))
        .route("/api/petitii/semnatura", get(confirm_page).post(confirm))
        .route("/api/petitii/semnatura/trimisa", get(sent_page))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(example = json!({"name": "Ana Popescu", "email": "ana.popescu@example.ro", "district": "cetate",
    "notify": "on"}))]
struct SignForm {
    #[serde(default)]
    #[schema(required = true, min_length = 2, max_length = 100)]
    name: String,
    #[serde(default)]
    #[schema(required = true, format = Email)]
    email: String,
    /// A district id of /data/district.json (required when the site publishes districts).
    #[serde(default)]
    #[schema(example = "cetate")]
    district: String,
    /// Present (any value): e-mail me the petition's news.
    #[serde(default)]
    notify: Option<String>,
}

/// Signs a petition; the signature counts once confirmed from the e-mail (at once for someone
/// logged in with that very, verified address).
#[utoipa::path(
    post, path = "/api/petitii/{id}/semneaza", tag = "petitions", operation_id = "petition_sign",
    params(("id" = i64, Path, description = "the petition's number", example = 1)),
    request_body(content((SignForm = "application/x-www-form-urlencoded"), (SignForm = "application/json"))),
    responses(
        (
            status = 202,
            description = "signed (JSON clients): confirmed, or check your e-mail",
            body = crate::openapi::Status
        ),
        (status = 303, description = "signed: to the check-your-e-mail page, or to the petition"),
        (status = 400, description = "the id is not a number, or the body cannot be read"),
        (status = 409, description = "the petition takes no signatures, or this address signed already"),
        (status = 422, description = "a field is wrong"),
        (status = 429, description = "too many signatures from one network or e-mail domain")
    )
)]
async fn sign(
    State(app): State<App>,
    Path(id): Path<i64>,
    Viewer(user): Viewer,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Input(form): Input<SignForm>,
) -> ApiResult<Response> {
    let back = format!("/api/petitii/{id}");
    let published = app.published();
    let mut problems = Vec::new();
    let name = super::creation::text(&mut problems, "name", "Numele", &form.name, 2, 100);
    let address = email::parse(&form.email).map_err(|e| problems.push(e)).ok();
    let district = form.district.trim().to_owned();
    if !published.districts.is_empty() && !published.districts.iter().any(|d| d.id == district) {
        problems.push(FieldError {
            field: "district".into(),
            label: "Cartierul".into(),
            message: "alegeți cartierul din listă".into(),
        });
    }
    let Some(address) = address.filter(|_| problems.is_empty()) else {
        closed_first(&app, id).await?;
        return Err(ApiError::unprocessable(
            "Semnătura nu a fost înregistrată: corectați câmpurile de mai jos.",
            problems,
        )
        .with_back(back));
    };
    let email::Address { address, mailbox: norm, domain } = address;
    if email::is_disposable(&domain) {
        closed_first(&app, id).await?;
        return Err(ApiError::unprocessable(
            "Semnătura nu a fost înregistrată.",
            vec![FieldError {
                field: "email".into(),
                label: "Adresa de e-mail".into(),
                message: format!(
                    "adresele temporare ({domain}) nu sunt primite: folosiți adresa dumneavoastră obișnuită"
                ),
            }],
        )
        .with_back(back));
    }
    app.limits.signing(ip, &domain, email::is_large_provider(&domain))?;
    // Logged in with this very address (proven), the signature needs no e-mail to confirm it;
    // logged in with an eID, it counts as identity-verified.
    let proven = user.as_ref().is_some_and(|u| u.email_verified && u.email == address);
    // Identified with an eID, the signer counts as identity-verified whatever address they give
    // (accounts made by a provider may have none); the address is still confirmed by e-mail.
    let assurance = user
        .as_ref()
        .filter(|u| proven || u.assurance >= Assurance::EidSubstantial)
        .map_or(Assurance::None, |u| u.assurance);
    if !proven {
        app.limits.email(&address).map_err(|e| e.with_back(back.clone()))?;
    }
    let (token, hash) = tokens::new_ordered_token();
    let confirm_mail = if proven {
        None
    } else {
        Some(mail::compose(
            &published,
            "signature_confirm",
            &address,
            json!({
                "name": name,
                "url": format!("{}/api/petitii/semnatura?token={token}", app.config.public_url),
            }),
        )?)
    };
    let today = app.clock.today().to_string();
    let district = (!district.is_empty()).then_some(district);
    let notify = form.notify.is_some();
    let now = app.clock.now().to_string();
    app.db
        .write(move |c| {
            // Whether the petition takes signatures is decided here, in the same transaction as
            // the signature (a petition closing meanwhile cannot take one more).
            if !store::takes_signatures(c, id, &today)? {
                return Err(closed(id));
            }
            let signature = store::NewSignature {
                petition: id,
                name: &name,
                email: &address,
                email_norm: &norm,
                email_domain: &domain,
                district: district.as_deref(),
                notify,
                ip: &ip.to_string(),
                assurance: assurance.as_str(),
                token_sha256: &hash,
                confirmed: proven,
            };
            if !store::sign(c, &signature, &now)? {
                return Err(ApiError::conflict(
                    "Această adresă de e-mail a semnat deja petiția (o singură semnătură de persoană).",
                )
                .with_back(format!("/api/petitii/{id}")));
            }
            if let Some(m) = &confirm_mail {
                mail::enqueue(c, m, &now)?;
            }
            Ok(())
        })
        .await?;
    if proven {
        app.petitions.touch(id);
    } else {
        app.mail_queued.notify_one();
    }
    if wants_json(&headers) {
        let status = if proven { "confirmed" } else { "check_your_email" };
        return Ok((StatusCode::ACCEPTED, axum::Json(json!({"status": status}))).into_response());
    }
    Ok(see_other(&if proven { format!("/api/petitii/{id}?semnat=1") } else { "/api/petitii/semnatura/trimisa".into() }))
}

/// Before refusing a signature for its fields, says instead that the petition takes none (if so):
/// that is what a signer needs to know first. (A valid signature is checked inside its write.)
async fn closed_first(app: &App, id: i64) -> ApiResult<()> {
    let today = app.clock.today().to_string();
    let open = app.db.read(move |c| store::takes_signatures(c, id, &today).map_err(ApiError::from)).await?;
    if open { Ok(()) } else { Err(closed(id)) }
}

fn closed(id: i64) -> ApiError {
    ApiError::conflict("Petiția nu mai primește semnături (este închisă sau nu există).")
        .with_back(format!("/api/petitii/{id}"))
}

/// "Check your e-mail to confirm the signature".
#[utoipa::path(
    get, path = "/api/petitii/semnatura/trimisa", tag = "petitions", operation_id = "signature_sent_page",
    responses(
        (status = 200, description = "the page", body = String, content_type = "text/html")
    )
)]
async fn sent_page(State(app): State<App>) -> ApiResult<Response> {
    Ok(app
        .page("api/signature_sent.html", "Confirmați semnătura", "/api/petitii/semnatura/trimisa", json!({}))?
        .into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct TokenQuery {
    /// The token from the confirmation e-mail.
    #[param(required = true, min_length = 1, max_length = 99)]
    token: Option<String>,
}

/// The page the confirmation link opens: a button that POSTs.
#[utoipa::path(
    get, path = "/api/petitii/semnatura", tag = "petitions", operation_id = "signature_confirm_page",
    params(TokenQuery),
    responses(
        (status = 200, description = "the page with the button", body = String, content_type = "text/html"),
        (status = 400, description = "no token")
    )
)]
async fn confirm_page(State(app): State<App>, Query(q): Query<TokenQuery>) -> ApiResult<Response> {
    let token = q
        .token
        .filter(|t| !t.is_empty() && t.len() < 100)
        .ok_or_else(|| ApiError::bad_request("Linkul nu este complet. Copiați în browser toată adresa din e-mail."))?;
    Ok(app
        .page("api/signature_confirm.html", "Confirmați semnătura", "/api/petitii/semnatura", json!({"token": token}))?
        .into_response())
}

#[derive(Deserialize, utoipa::ToSchema)]
struct TokenForm {
    /// The token from the confirmation e-mail.
    #[serde(default)]
    #[schema(required = true, min_length = 1)]
    token: String,
}

/// Confirms a signature (the button of the confirmation page).
#[utoipa::path(
    post, path = "/api/petitii/semnatura", tag = "petitions", operation_id = "signature_confirm",
    request_body(content((TokenForm = "application/x-www-form-urlencoded"), (TokenForm = "application/json"))),
    responses(
        (status = 200, description = "confirmed (JSON clients)", body = crate::openapi::Confirmed),
        (status = 303, description = "confirmed: to the petition"),
        (status = 400, description = "the body cannot be read, or not a valid link"),
        (status = 409, description = "confirmed already, or the petition closed first")
    )
)]
async fn confirm(State(app): State<App>, headers: HeaderMap, Input(form): Input<TokenForm>) -> ApiResult<Response> {
    let hash = tokens::ordered_key(&form.token);
    let today = app.clock.today().to_string();
    let now = app.clock.now();
    let id = app
        .db
        .write(move |c| {
            let Some(pending) = store::signature_by_token(c, &hash)? else {
                return Err(ApiError::bad_request("Linkul de confirmare nu este valid. Semnați din nou petiția."));
            };
            let petition = pending.petition;
            if pending.confirmed_at.is_some() {
                return Err(ApiError::conflict("Semnătura a fost deja confirmată. Mulțumim!")
                    .with_back(format!("/api/petitii/{petition}")));
            }
            if pending.petition_status != PetitionStatus::Open || today.as_str() > pending.closes_on.as_str() {
                return Err(ApiError::conflict(
                    "Petiția s-a închis înainte de confirmare; semnătura nu mai poate fi numărată.",
                )
                .with_back(format!("/api/petitii/{petition}")));
            }
            store::confirm_signature(c, pending.id, now)?;
            Ok(petition)
        })
        .await?;
    app.petitions.touch(id);
    if wants_json(&headers) {
        return Ok(axum::Json(json!({"status": "confirmed", "petition": id})).into_response());
    }
    Ok(see_other(&format!("/api/petitii/{id}?semnat=1")))
}

/// The last aggregated counts, small and cacheable: pages poll it (a CDN can absorb the polling).
#[utoipa::path(
    get, path = "/api/petitii/{id}/numar.json", tag = "petitions", operation_id = "petition_count",
    params(("id" = i64, Path, description = "the petition's number", example = 1)),
    responses(
        (status = 200, description = "the counts; cacheable for a second", body = crate::openapi::Counts),
        (status = 400, description = "the id is not a number"),
        (status = 404, description = "no counts for this petition (none, or not published)")
    )
)]
async fn count(State(app): State<App>, Path(id): Path<i64>) -> ApiResult<Response> {
    let doc =
        app.petitions.get(id).ok_or_else(|| ApiError::not_found("Nu există numărători pentru această petiție."))?;
    Ok(super::open_data::cacheable(axum::Json((*doc).clone()), "application/json"))
}
