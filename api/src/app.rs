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
    /// Password attempts per account.
    pub logins: crate::accounts::throttle::Logins,
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
            "Ce ați trimis depășește dimensiunea permisă. Scurtați textul sau micșorați ori reduceți fișierele atașate."
                .into()
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            "Cererea trebuie trimisă ca formular (multipart/form-data sau application/x-www-form-urlencoded) sau JSON."
                .into()
        }
        StatusCode::TOO_MANY_REQUESTS => {
            "Prea multe cereri într-un timp scurt. Așteptați un minut și încercați din nou.".into()
        }
        StatusCode::REQUEST_TIMEOUT => "Cererea a durat prea mult. Încercați din nou.".into(),
        // axum's Path and Query rejections, in English: the address itself is wrong.
        StatusCode::BAD_REQUEST if detail.starts_with("Invalid URL") => {
            "Adresa nu este corectă: o parte din ea nu are forma așteptată (de exemplu, numărul unei petiții \
             trebuie să fie un număr). Verificați adresa sau porniți de la pagina principală."
                .into()
        }
        StatusCode::BAD_REQUEST if detail.starts_with("Failed to deserialize query string") => {
            "Parametrii din adresă (după „?”) nu pot fi citiți. Verificați adresa sau porniți de la pagina principală."
                .into()
        }
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

/// Whether the request's body is of the media type `media_type` (by its `Content-Type`).
fn sent_as(request: &Request, media_type: &str) -> bool {
    request.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(media_type.as_bytes()))
}

/// A request body from an HTML form (`application/x-www-form-urlencoded`) or a JSON client,
/// read and checked by [`crate::input`].
pub struct Input<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for Input<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, _: &S) -> Result<Self, Self::Rejection> {
        let is_json = wants_json(request.headers()) && sent_as(&request, "application/json");
        let is_form = sent_as(&request, "application/x-www-form-urlencoded");
        if !is_json && !is_form {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "Cererea trebuie trimisă ca formular (application/x-www-form-urlencoded) sau JSON (application/json).",
            ));
        }
        let body = crate::input::text_body(request).await?;
        if is_json { crate::input::json(&body).map(Input) } else { crate::input::form(&body).map(Input) }
    }
}

/// A request body from a form whose fields may repeat (`topic=a&topic=b`, which [`Input`]
/// refuses) or a JSON client, read and checked by [`crate::input`]. The body is read as a form
/// whatever the content type says unless it is JSON, so a mail client's bare one-click POST
/// (RFC 8058) is read too.
pub struct RepeatableInput<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for RepeatableInput<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, _: &S) -> Result<Self, Self::Rejection> {
        let is_json = sent_as(&request, "application/json");
        let body = crate::input::text_body(request).await?;
        let input = if is_json { crate::input::json(&body) } else { crate::input::form_with_lists(&body) };
        input.map(RepeatableInput)
    }
}

/// A local path to return to after a login, or the account page. Only a clean path on this
/// site is kept: it starts with one `/`, and holds only visible ASCII (no space, tab, CR or LF,
/// which browsers drop or which would split the header, and no `\\`, which they read as `/`),
/// so a link can neither send people elsewhere nor break the redirect.
pub fn local_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.len() < 512
                && n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') =>
        {
            n.to_owned()
        }
        _ => "/api/cont".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::local_next;

    #[test]
    fn only_a_clean_local_path_is_a_place_to_return_to() {
        assert_eq!(local_next(Some("/api/petitii/3?x=1#semneaza")), "/api/petitii/3?x=1#semneaza");
        assert_eq!(local_next(Some("/formulare/sesizare/")), "/formulare/sesizare/");
        for bad in [
            "//evil.example",
            "/\tevil.example",
            "/\t/evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/x\r\nSet-Cookie: a=b",
            "/x\ny",
            "/a b",
            "https://evil.example/",
            "evil",
            "/ș",
            "",
        ] {
            assert_eq!(local_next(Some(bad)), "/api/cont", "{bad:?}");
        }
        assert_eq!(local_next(None), "/api/cont");
        assert_eq!(local_next(Some(&format!("/{}", "a".repeat(600)))), "/api/cont");
    }
}
