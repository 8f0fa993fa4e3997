//! `civic serve`: the editor's preview. Builds the site, serves it on 127.0.0.1, watches the
//! content and the theme, rebuilds on every saved change and reloads open tabs (server-sent
//! events). A content error is shown in the terminal and over the page, and the last good site
//! keeps being served. The reload script is injected into responses only, never into files.
//! With an API configuration, the API is served on the same port under `/api/`, reading the
//! site as it is rebuilt.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, Request, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use notify_debouncer_full::notify::{EventKind, RecursiveMode};
use serde_json::json;
use tokio::sync::broadcast;
use tower::ServiceExt;
use tower_http::services::ServeDir;

use civic_generator::diagnostics::Diagnostic;
use civic_generator::progress::Progress;
use civic_generator::site::{self, Options};

const RELOAD_JS: &str = include_str!("reload.js");
const RELOAD_TAG: &str = "<script src=\"/__civic/reload.js\"></script>";
const NOT_BUILT: &str = "<!DOCTYPE html><html lang=\"en\"><title>civic serve</title><body><h1>No site yet</h1><p>The first build has not succeeded: fix the problems listed in the terminal; this page reloads by itself.</p></body></html>";

/// What browsers are told after a rebuild.
#[derive(Clone)]
enum Change {
    Reload,
    Errors(Vec<Diagnostic>),
}

struct Shared {
    /// The diagnostics of the last build, empty when it succeeded.
    errors: RwLock<Vec<Diagnostic>>,
    /// What the last build leaves for the next: only changed files are re-read and re-rendered.
    cache: Mutex<site::BuildCache>,
    changes: broadcast::Sender<Change>,
}

/// The API, once the site it reads has been built.
type ApiSlot = Arc<OnceLock<Router>>;

/// Builds, serves and watches until interrupted. With `api`, the API answers under `/api/` on
/// the same port, as soon as a build has published what it reads.
/// `sample`: data to load into the API's database when it is empty (the sample site's).
pub fn run(
    opts: Options,
    port: u16,
    api: Option<civic_api::ApiConfig>,
    sample: Option<civic_api::sample::SampleData>,
) -> std::io::Result<()> {
    let shared = Arc::new(Shared {
        errors: RwLock::new(Vec::new()),
        cache: Mutex::new(site::BuildCache::for_rebuilds()),
        changes: broadcast::channel(16).0,
    });
    rebuild(&opts, &shared, "initial build");
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
        let addr = listener.local_addr()?;
        let slot: ApiSlot = Arc::new(OnceLock::new());
        let header_read_timeout =
            api.as_ref().map_or(civic_api::server::HEADER_READ_TIMEOUT, |c| c.header_read_timeout);
        if let Some(mut config) = api {
            if config.public_url.is_empty() {
                config.public_url = format!("http://{addr}");
            }
            tokio::spawn(start_api(config, sample, Arc::clone(&slot)));
        }
        eprintln!(
            "civic: serving http://{addr}/ — watching {} and {} (Ctrl+C stops)",
            opts.content.display(),
            opts.theme.display()
        );
        let _watcher = watch(opts.clone(), Arc::clone(&shared)).map_err(std::io::Error::other)?;
        // The API's own server: a deadline for every request's headers, the peer's address for
        // the API's rate limits.
        civic_api::server::serve(listener, router(&opts.out, Arc::clone(&shared), slot), header_read_timeout, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
    })
}

/// Opens the API when the site it reads exists (retrying while the first build has not
/// succeeded), loads the sample data into an empty database, then starts its workers.
async fn start_api(config: civic_api::ApiConfig, sample: Option<civic_api::sample::SampleData>, slot: ApiSlot) {
    let mut told = false;
    loop {
        match civic_api::Api::open(config.clone()).and_then(|api| Ok((api.router()?, api))) {
            Ok((router, api)) => {
                if let Some(sample) = &sample {
                    match api.load_sample(sample).await {
                        Ok(Some(l)) => eprintln!(
                            "civic: loaded the sample data (civic.yaml `sample_data`): {} petitions with {} signatures, {} cases, {} alerts",
                            l.petitions, l.signatures, l.cases, l.alerts
                        ),
                        Ok(None) => {
                            eprintln!("civic: the database holds data already, so the sample data was not loaded")
                        }
                        Err(e) => eprintln!("civic: {e}"),
                    }
                }
                api.spawn_workers();
                eprintln!("civic: API on the same port under /api/ — database {}", config.db.display());
                let _ = slot.set(router);
                return;
            }
            Err(e) if !told => {
                eprintln!("civic: the API waits for a successful build: {e}");
                told = true;
            }
            Err(_) => {}
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// `/api/…`: the API, or a 503 that says why while it is not open yet.
async fn api(slot: &ApiSlot, request: Request<Body>) -> Response {
    match slot.get() {
        Some(router) => router.clone().oneshot(request).await.unwrap_or_else(|e| match e {}),
        None => (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "The API starts after the first successful build; see the terminal.",
        )
            .into_response(),
    }
}

/// The preview's routes: the live-reload endpoints, the API, then the built site.
fn router(out: &Path, shared: Arc<Shared>, slot: ApiSlot) -> Router {
    // The site's own 404 page; before any build succeeded, a stand-in that still gets the reload
    // script, so the first errors show in the browser too.
    let missing = out.join("404.html");
    let not_found = tower::service_fn(move |_request: Request<Body>| {
        let missing = missing.clone();
        async move {
            let body = std::fs::read(&missing).unwrap_or_else(|_| NOT_BUILT.as_bytes().to_vec());
            let mut response = Response::new(Body::from(body));
            *response.status_mut() = axum::http::StatusCode::NOT_FOUND;
            response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
            Ok::<_, std::convert::Infallible>(response)
        }
    });
    let site = ServeDir::new(out).not_found_service(not_found);
    // Everything under /api/ goes to the API as it came (a fallback, so no route parameters of
    // this router reach the API's own), the rest to the built site.
    let site_or_api = tower::service_fn(move |request: Request<Body>| {
        let (slot, site) = (Arc::clone(&slot), site.clone());
        async move {
            let path = request.uri().path();
            if path == "/api" || path.starts_with("/api/") {
                Ok::<_, std::convert::Infallible>(api(&slot, request).await)
            } else {
                Ok(site.oneshot(request).await.unwrap_or_else(|e| match e {}).into_response())
            }
        }
    });
    Router::new()
        .route(
            "/__civic/reload.js",
            get(|| async { ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], RELOAD_JS) }),
        )
        .route("/__civic/events", get(events))
        .route("/__civic/status", get(status))
        .with_state(shared)
        .fallback_service(site_or_api)
        .layer(middleware::from_fn(inject_reload))
}

/// A stream of `reload` and `errors` events for one browser tab.
async fn events(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    let rx = shared.changes.subscribe();
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(change) => {
                    let event = match change {
                        Change::Reload => Event::default().event("reload").data("build"),
                        Change::Errors(e) => Event::default().event("errors").data(errors_json(&e).to_string()),
                    };
                    return Some((Ok::<_, std::convert::Infallible>(event), rx));
                }
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn status(State(shared): State<Arc<Shared>>) -> impl IntoResponse {
    let errors = shared.errors.read().expect("errors lock").clone();
    axum::Json(json!({"errors": errors_json(&errors)}))
}

fn errors_json(errors: &[Diagnostic]) -> serde_json::Value {
    errors.iter().map(|d| json!({"text": d.to_string(), "file": d.file, "line": d.line, "field": d.field})).collect()
}

/// Adds the reload script to every HTML page on its way out.
async fn inject_reload(request: Request<Body>, next: Next) -> Response {
    let response = next.run(request).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024 * 1024).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let html = String::from_utf8_lossy(&bytes);
    let injected = match html.rfind("</body>") {
        Some(i) => format!("{}{RELOAD_TAG}{}", &html[..i], &html[i..]),
        None => format!("{html}{RELOAD_TAG}"),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Response::from_parts(parts, Body::from(injected))
}

/// Rebuilds; tells the terminal and the open tabs what happened.
fn rebuild(opts: &Options, shared: &Shared, why: &str) {
    let start = Instant::now();
    let mut cache = shared.cache.lock().expect("build cache lock");
    // A preview shows every failure, content or I/O, as a diagnostic over the page.
    match site::build_cached(opts, &Progress::quiet(), &mut cache).map_err(|e| e.diagnostics()) {
        Ok(report) => {
            eprintln!("civic: {why}: {} files written in {:.0?}", report.files, start.elapsed());
            *shared.errors.write().expect("errors lock") = Vec::new();
            let _ = shared.changes.send(Change::Reload);
        }
        Err(diagnostics) => {
            for d in &diagnostics {
                eprintln!("{d}");
            }
            eprintln!("civic: {why}: {} problem(s); still serving the last good site", diagnostics.len());
            *shared.errors.write().expect("errors lock") = diagnostics.clone();
            let _ = shared.changes.send(Change::Errors(diagnostics));
        }
    }
}

/// Watches the content and the theme; each burst of saves (events less than 5 ms apart)
/// triggers one rebuild.
fn watch(
    opts: Options,
    shared: Arc<Shared>,
) -> notify_debouncer_full::notify::Result<
    notify_debouncer_full::Debouncer<
        notify_debouncer_full::notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
> {
    let roots: Vec<PathBuf> = vec![opts.content.clone(), opts.theme.clone()];
    let out = opts.out.clone();
    let mut debouncer = notify_debouncer_full::new_debouncer(
        Duration::from_millis(5),
        None,
        move |result: notify_debouncer_full::DebounceEventResult| {
            let Ok(events) = result else { return };
            // Reading files (our own rebuild included) raises access events: only changes count.
            let changed: Vec<&PathBuf> = events
                .iter()
                .filter(|e| !matches!(e.kind, EventKind::Access(_) | EventKind::Other))
                .flat_map(|e| e.paths.iter())
                .filter(|p| !p.starts_with(&out) && !p.to_string_lossy().contains(".staging"))
                .collect();
            if let Some(first) = changed.first() {
                rebuild(&opts, &shared, &format!("{} changed", first.display()));
            }
        },
    )?;
    for root in roots {
        debouncer.watch(&root, RecursiveMode::Recursive)?;
    }
    Ok(debouncer)
}
