//! A configured provider at run time: its discovery document (fetched on first use, kept for
//! a quarter of an hour so key rotations are picked up) and the openidconnect client built
//! from it. The HTTP client never follows redirects (an issuer cannot bounce us elsewhere).

use std::sync::Arc;
use std::time::{Duration, Instant};

use openidconnect::core::CoreClient;
use openidconnect::{
    ClientId, ClientSecret, EndSessionUrl, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl,
    ProviderMetadataWithLogout, RedirectUrl,
};
use tokio::sync::Mutex;

use super::config::Provider;
use crate::error::ApiError;

pub type Client =
    CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

/// How long a discovery document (with the provider's signing keys) is trusted.
const FRESH_FOR: Duration = Duration::from_secs(15 * 60);

pub struct Discovered {
    pub client: Client,
    pub end_session: Option<EndSessionUrl>,
    pub userinfo: Option<openidconnect::url::Url>,
    fetched: Instant,
}

pub struct Runtime {
    pub config: Provider,
    discovered: Mutex<Option<Arc<Discovered>>>,
}

/// Every configured provider, with the HTTP client they share.
pub struct Providers {
    pub list: Vec<Arc<Runtime>>,
    pub http: openidconnect::reqwest::Client,
}

impl Providers {
    pub fn new(config: &[Provider]) -> Providers {
        let http = openidconnect::reqwest::ClientBuilder::new()
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("an HTTP client (rustls, no redirects)");
        Providers {
            list: config
                .iter()
                .map(|p| Arc::new(Runtime { config: p.clone(), discovered: Mutex::new(None) }))
                .collect(),
            http,
        }
    }

    pub fn get(&self, id: &str) -> Result<Arc<Runtime>, ApiError> {
        self.list.iter().find(|p| p.config.id == id).cloned().ok_or_else(|| {
            ApiError::not_found(
                "Nu cunoaștem acest furnizor de identitate. Alegeți unul de pe pagina de autentificare.",
            )
            .with_back("/api/cont/autentificare")
        })
    }
}

impl Runtime {
    /// The provider's metadata and client, discovered now if not fresh.
    pub async fn discovered(
        &self,
        http: &openidconnect::reqwest::Client,
        public_url: &str,
    ) -> Result<Arc<Discovered>, ApiError> {
        let mut slot = self.discovered.lock().await;
        if let Some(d) = slot.as_ref().filter(|d| d.fetched.elapsed() < FRESH_FOR) {
            return Ok(d.clone());
        }
        let unavailable = |e: &dyn std::fmt::Display| {
            eprintln!("civic api: oidc {}: discovery failed: {e}", self.config.id);
            ApiError::new(
                axum::http::StatusCode::BAD_GATEWAY,
                format!(
                    "{} nu răspunde acum, așa că autentificarea cu el nu este posibilă. Încercați mai târziu sau alegeți altă variantă.",
                    self.config.name
                ),
            )
            .with_back("/api/cont/autentificare")
        };
        let issuer = IssuerUrl::new(self.config.issuer.clone()).map_err(|e| unavailable(&e))?;
        let meta = ProviderMetadataWithLogout::discover_async(issuer, http).await.map_err(|e| unavailable(&e))?;
        let end_session = meta.additional_metadata().end_session_endpoint.clone();
        let userinfo = meta.userinfo_endpoint().map(|u| u.url().clone());
        let redirect = RedirectUrl::new(callback_url(public_url, &self.config.id)).map_err(|e| unavailable(&e))?;
        let client = CoreClient::from_provider_metadata(
            meta,
            ClientId::new(self.config.client_id.clone()),
            self.config.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect);
        let d = Arc::new(Discovered { client, end_session, userinfo, fetched: Instant::now() });
        *slot = Some(d.clone());
        Ok(d)
    }
}

/// Where a provider sends people back: one address per provider, so a response is always
/// checked against the provider it claims to come from.
pub fn callback_url(public_url: &str, provider: &str) -> String {
    format!("{}/api/auth/oidc/{provider}/callback", public_url.trim_end_matches('/'))
}
