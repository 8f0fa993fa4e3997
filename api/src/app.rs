//! The shared state of every request and the two things every handler needs: rendering a page in
//! the site's theme, and telling browsers and API clients apart.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use serde_json::{Value, json};
use tokio::sync::{Notify, Semaphore};

use crate::clock::Clock;
use crate::config::ApiConfig;
use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use crate::published::{Live, Published};
use crate::security::Limits;

pub struct AppState {
    pub db: Db,
    pub live: Live,
    pub config: ApiConfig,
    pub clock: Clock,
    /// Password hashing runs on at most this many blocking threads at once, so a login flood
    /// queues here instead of starving every other request.
    pub hashing: Semaphore,
    /// Wakes the mail sender when a write queued an e-mail.
    pub mail_queued: Notify,
    pub limits: Limits,
    /// Petition counts, aggregated in batches.
    pub petitions: crate::petitions::Counts,
    /// The OpenID Connect providers, with their discovery documents.
    pub oidc: crate::oidc::Providers,
}

pub type App = Arc<AppState>;

impl AppState {
    pub fn published(&self) -> Arc<Published> {
        self.live.get()
    }

    /// Renders `template` as the page `title` at `url`, with the site's frame as `site`.
    pub fn page(&self, template: &str, title: &str, url: &str, ctx: Value) -> ApiResult<Html<String>> {
        let published = self.published();
        let today = self.clock.today();
        let site =
            minijinja::context! { now => today.to_string(), year => today.year(), ..published.frame_value.clone() };
        let ctx = minijinja::context! {
            site => site,
            page => minijinja::context! { title => title, url => url },
            ..minijinja::Value::from(minijinja::value::Serde(&ctx))
        };
        let t = published.env.get_template(template).map_err(ApiError::internal)?;
        t.render(ctx).map(Html).map_err(ApiError::internal)
    }
}

/// Whether the client asked for JSON (an API client) rather than a page (a browser).
pub fn wants_json(headers: &HeaderMap) -> bool {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("");
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    accept.contains("application/json") && !accept.contains("text/html") || content_type.starts_with("application/json")
}

/// Turns every error response into a page in the site's theme (browsers) or a JSON object
/// (API clients), including axum's own rejections and the CSRF layer's, with a message that
/// says what to do.
pub async fn render_errors(State(app): State<App>, request: Request, next: Next) -> Response {
    let json = wants_json(request.headers()) || request.uri().path().ends_with(".json");
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    if json && response.extensions().get::<ApiError>().is_some() {
        return response;
    }
    let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
    let error = match response.extensions().get::<ApiError>() {
        Some(e) => e.clone(),
        None => {
            let csrf = response.extensions().get::<tower_http::csrf::ProtectionError>().is_some();
            let detail = axum::body::to_bytes(response.into_body(), 16 * 1024)
                .await
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            if status.is_server_error() {
                eprintln!("civic api: {status}: {}", detail.trim());
            }
            ApiError::new(status, explain(status, csrf, &detail))
        }
    };
    let mut out = if json {
        error.into_response()
    } else {
        let title = format!("Eroare {}", status.as_u16());
        match app.page("api/error.html", &title, "", json!({"error": &error})) {
            Ok(html) => (status, html).into_response(),
            Err(_) => (status, error.error).into_response(),
        }
    };
    if let Some(r) = retry_after {
        out.headers_mut().insert(header::RETRY_AFTER, r);
    }
    out
}

/// What a status without an [`ApiError`] (axum's rejections, the layers') means for the user.
fn explain(status: StatusCode, csrf: bool, detail: &str) -> String {
    match status {
        StatusCode::FORBIDDEN if csrf => {
            "Formularul a fost trimis de pe alt site; din motive de securitate, cererea a fost refuzată. \
             Deschideți formularul direct pe site-ul primăriei și trimiteți-l din nou."
                .into()
        }
        StatusCode::NOT_FOUND => "Pagina nu există. Verificați adresa sau porniți de la pagina principală.".into(),
        StatusCode::METHOD_NOT_ALLOWED => "Această adresă nu primește cereri de acest fel.".into(),
        StatusCode::PAYLOAD_TOO_LARGE => {
            "Ce ați trimis depășește dimensiunea permisă. Micșorați sau reduceți numărul fișierelor atașate.".into()
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            "Cererea trebuie trimisă ca formular (multipart/form-data sau application/x-www-form-urlencoded) sau JSON."
                .into()
        }
        StatusCode::TOO_MANY_REQUESTS => {
            "Prea multe cereri într-un timp scurt. Așteptați un minut și încercați din nou.".into()
        }
        StatusCode::REQUEST_TIMEOUT => "Cererea a durat prea mult. Încercați din nou.".into(),
        s if s.is_client_error() => format!("Cererea nu a putut fi citită: {}", detail.trim()),
        _ => "Serviciul este temporar indisponibil. Încercați din nou în câteva minute.".into(),
    }
}

/// A redirect after a successful POST (Post/Redirect/Get).
pub fn see_other(location: &str) -> Response {
    Response::builder()
        .status(StatusCode::SEE_OTHER)
        .header(header::LOCATION, location)
        .body(Body::empty())
        .expect("a redirect response")
}

/// Sends the browser on to another site (an identity provider) at the end of a form post: a page
/// that moves on by itself (`Refresh: 0`), with a link for a browser that does not. Not a 303,
/// because browsers hold every redirect that follows a form submission to the submitting page's
/// `form-action` ('self'), so Chromium would block it; the refresh is a navigation of its own,
/// which `form-action` does not govern, so the policy stays as strict as it is. `ctx` gives the
/// page (`api/onward.html`) the provider's name and why the browser goes there. API clients
/// (JSON) get the 303.
pub fn onward(app: &AppState, headers: &HeaderMap, to: &str, mut ctx: Value) -> ApiResult<Response> {
    if wants_json(headers) {
        return Ok(see_other(to));
    }
    let title = format!("Către {}", ctx["provider"].as_str().unwrap_or_default());
    ctx["to"] = to.into();
    let html = app.page("api/onward.html", &title, "", ctx)?;
    let refresh = HeaderValue::from_str(&format!("0; url={to}")).map_err(ApiError::internal)?;
    Ok(([(header::REFRESH, refresh)], html).into_response())
}

/// A request body from an HTML form (`application/x-www-form-urlencoded`) or a JSON client.
pub struct Input<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for Input<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if wants_json(request.headers())
            && request
                .headers()
                .get(header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes().starts_with(b"application/json"))
        {
            axum::Json::<T>::from_request(request, state)
                .await
                .map(|axum::Json(v)| Input(v))
                .map_err(|e| ApiError::bad_request(format!("Corpul JSON nu este valid: {}", e.body_text())))
        } else {
            axum::Form::<T>::from_request(request, state)
                .await
                .map(|axum::Form(v)| Input(v))
                .map_err(|e| ApiError::bad_request(format!("Formularul nu a putut fi citit: {}", e.body_text())))
        }
    }
}

/// A local path to return to after a login, or the account page. Anything else (another site,
/// `//host`) is ignored, so a link cannot send people elsewhere.
pub fn local_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && n.len() < 512 => n.to_owned(),
        _ => "/api/cont".to_owned(),
    }
}
