//! civic's API: the small dynamic half of the site, over one SQLite file. Accounts and
//! sessions, the contact portal's forms with registration numbers and legal deadlines, case
//! handling for staff, online petitions, and the mail outbox. It knows the site only from what `civic build`
//! published (`/data/forms.json`, the drafts, the holiday calendar, `/data/site.json`) and renders
//! its few pages with the same theme. See ARCHITECTURE.md.

pub mod accounts;
pub mod alerts;
mod app;
mod archive_search;
mod cases;
mod clock;
mod closed_set;
pub mod config;
pub mod db;
pub mod email;
mod error;
mod input;
pub mod mail;
pub mod oidc;
mod openapi;
pub mod petitions;
mod published;
pub mod sample;
mod security;
pub mod server;
mod submissions;
pub mod users;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use tokio::sync::{Notify, Semaphore};
use tower_http::timeout::TimeoutLayer;

pub use app::App;
pub use config::{ApiConfig, MailLimit, RateLimit, Smtp, SmtpSecurity};

use crate::app::AppState;
use crate::clock::Clock;
use crate::db::Db;
use crate::published::Live;

/// Password hashes computed at once; with argon2id at ~25 ms each, two keep both cores busy
/// at ~80 logins/s while every other request still finds a thread.
const HASHING_SLOTS: usize = 2;

/// The API, opened: its database and the published site it reads.
pub struct Api {
    app: App,
}

impl Api {
    /// Opens the database (creating and migrating it) and reads the published site.
    pub fn open(config: ApiConfig) -> anyhow::Result<Api> {
        let db = Db::open(&config.db).map_err(|e| anyhow::anyhow!("{}: {e}", config.db.display()))?;
        let live = Live::open(&config.site, &config.theme).map_err(|e| anyhow::anyhow!("{e}"))?;
        let clock = Clock { pinned_today: config.today };
        let limits = security::Limits::new(&config);
        let oidc = oidc::Providers::new(&config.oidc);
        let logins = accounts::throttle::Logins::new(config.login_lockout);
        let app = Arc::new(AppState {
            db,
            live,
            config,
            clock,
            hashing: Semaphore::new(HASHING_SLOTS),
            mail_queued: Notify::new(),
            limits,
            logins,
            petitions: Default::default(),
            oidc,
        });
        Ok(Api { app })
    }

    /// Every API route with its layers; `civic serve` merges it with the static site.
    pub fn router(&self) -> anyhow::Result<Router> {
        let app = self.app.clone();
        let upload_limit = app
            .published()
            .forms
            .iter()
            .filter_map(|f| f.attachments.as_ref().map(|a| a.max_files * a.max_bytes))
            .max()
            .unwrap_or(0)
            + 1024 * 1024;
        let routes = Router::new()
            .merge(accounts::routes())
            .merge(oidc::routes())
            .merge(submissions::routes().layer(DefaultBodyLimit::max(upload_limit)))
            .merge(cases::routes())
            .merge(petitions::routes())
            .merge(alerts::routes())
            .merge(archive_search::routes())
            .merge(openapi::routes())
            .layer(DefaultBodyLimit::max(64 * 1024))
            .layer(from_fn_with_state(app.clone(), security::rate_limit))
            .layer(security::csrf(&app.config)?)
            // Inside the two below, so a request that timed out gets a page and the headers too.
            .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, app.config.request_timeout))
            .layer(from_fn_with_state(app.clone(), app::render_errors))
            .layer(from_fn_with_state(app.clone(), security::headers))
            // Outside everything: every limit and handler sees the client behind a trusted proxy.
            .layer(from_fn_with_state(
                Arc::<[config::IpNet]>::from(app.config.trusted_proxies.clone()),
                security::client_address,
            ));
        Ok(routes.with_state(app))
    }

    /// Starts the background work: the mail sender and the petition counts.
    pub fn spawn_workers(&self) {
        tokio::spawn(mail::sender::run(self.app.clone()));
        tokio::spawn(petitions::counts::run(self.app.clone()));
        tokio::spawn(security::forget_idle(self.app.clone()));
    }

    pub fn app(&self) -> &App {
        &self.app
    }

    /// Loads a sample's petitions, cases and alerts into the database if it holds nothing yet
    /// (before the workers start, so the first count includes the sample's signatures).
    pub async fn load_sample(&self, data: &sample::SampleData) -> anyhow::Result<Option<sample::Loaded>> {
        sample::load(&self.app, data).await.map_err(|e| anyhow::anyhow!("sample data: {}", e.error))
    }
}

/// `civic api`: the API alone (the site itself is on a CDN), until Ctrl-C.
pub async fn serve(config: ApiConfig, addr: SocketAddr) -> anyhow::Result<()> {
    let header_read_timeout = config.header_read_timeout;
    let api = Api::open(config)?;
    let router = api.router()?;
    api.spawn_workers();
    let listener = tokio::net::TcpListener::bind(addr).await?;
    eprintln!("civic api: listening on http://{}", listener.local_addr()?);
    server::serve(listener, router, header_read_timeout, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
