//! A configured provider at run time: its discovery document (fetched on first use, kept for
//! a quarter of an hour so key rotations are picked up) and the openidconnect client built
//! from it, with the client authentication the provider was configured with (checked against
//! what its discovery document accepts). The HTTP client never follows redirects (an issuer
//! cannot bounce us elsewhere).

use std::sync::Arc;
use std::time::{Duration, Instant};

use openidconnect::core::CoreClient;
use openidconnect::{
    AuthType, ClientId, ClientSecret, EndSessionUrl, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl,
    ProviderMetadataWithLogout, RedirectUrl,
};
use tokio::sync::Mutex;

use super::client_auth::ClientKey;
use super::config::{AssertionAudience, AuthMethod, Provider};
use crate::error::ApiError;

pub type Client =
    CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

/// How long a discovery document (with the provider's signing keys) is trusted.
const FRESH_FOR: Duration = Duration::from_secs(15 * 60);

pub struct Discovered {
    pub client: Client,
    pub end_session: Option<EndSessionUrl>,
    pub userinfo: Option<openidconnect::url::Url>,
    /// `private_key_jwt`: the `aud` of the client assertions (the issuer or the token endpoint).
    pub assertion_audience: Option<String>,
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
        let method = self.config.auth_method();
        if let Err(why) = accepts(&meta, method, self.config.client_key.as_deref()) {
            eprintln!("civic api: oidc {}: {why}", self.config.id);
            return Err(ApiError::new(
                axum::http::StatusCode::BAD_GATEWAY,
                format!(
                    "Autentificarea cu {} nu este posibilă acum: acest site nu este configurat cum cere {0}. Problema este la noi, nu la dumneavoastră; alegeți altă variantă sau încercați mai târziu.",
                    self.config.name
                ),
            )
            .with_back("/api/cont/autentificare"));
        }
        let end_session = meta.additional_metadata().end_session_endpoint.clone();
        let userinfo = meta.userinfo_endpoint().map(|u| u.url().clone());
        let assertion_audience = match (method, self.config.assertion_audience.unwrap_or_default()) {
            (AuthMethod::PrivateKeyJwt, AssertionAudience::Issuer) => Some(meta.issuer().to_string()),
            (AuthMethod::PrivateKeyJwt, AssertionAudience::TokenEndpoint) => Some(
                meta.token_endpoint()
                    .map(|u| u.to_string())
                    .ok_or_else(|| unavailable(&"no token_endpoint in discovery"))?,
            ),
            _ => None,
        };
        let redirect = RedirectUrl::new(callback_url(public_url, &self.config.id)).map_err(|e| unavailable(&e))?;
        let secret = match method {
            AuthMethod::ClientSecretBasic | AuthMethod::ClientSecretPost => self.config.client_secret.clone(),
            AuthMethod::PrivateKeyJwt | AuthMethod::None => None,
        };
        let mut client = CoreClient::from_provider_metadata(
            meta,
            ClientId::new(self.config.client_id.clone()),
            secret.map(ClientSecret::new),
        )
        .set_redirect_uri(redirect);
        // In the body: the secret (client_secret_post), or only client_id beside the assertion.
        if matches!(method, AuthMethod::ClientSecretPost | AuthMethod::PrivateKeyJwt) {
            client = client.set_auth_type(AuthType::RequestBody);
        }
        let d = Arc::new(Discovered { client, end_session, userinfo, assertion_audience, fetched: Instant::now() });
        *slot = Some(d.clone());
        Ok(d)
    }
}

/// Whether the provider's discovery document accepts civic's client authentication: the method
/// (when the document lists none, only `client_secret_basic` is implied, OpenID Connect
/// Discovery §3) and, for `private_key_jwt`, the key's algorithm. A public client (`none`) is
/// not checked: it sends nothing to check.
fn accepts(meta: &ProviderMetadataWithLogout, method: AuthMethod, key: Option<&ClientKey>) -> Result<(), String> {
    if method == AuthMethod::None {
        return Ok(());
    }
    let listed = meta.token_endpoint_auth_methods_supported();
    let methods: Vec<&str> = listed.map_or(vec!["client_secret_basic"], |m| m.iter().map(AsRef::as_ref).collect());
    if !methods.contains(&method.as_str()) {
        return Err(format!(
            "the provider does not accept {} at its token endpoint: its discovery document {} [{}]; change token_endpoint_auth_method in the providers file (and register the client that way), or ask the provider to enable it",
            method.as_str(),
            if listed.is_some() {
                "lists token_endpoint_auth_methods_supported"
            } else {
                "lists no token_endpoint_auth_methods_supported, which means"
            },
            methods.join(", ")
        ));
    }
    if let (Some(key), Some(algs)) = (key, meta.token_endpoint_auth_signing_alg_values_supported()) {
        let algs: Vec<String> =
            algs.iter().filter_map(|a| serde_json::to_value(a).ok()?.as_str().map(str::to_owned)).collect();
        if !algs.iter().any(|a| a == key.alg()) {
            return Err(format!(
                "the provider accepts client assertions signed with [{}] (token_endpoint_auth_signing_alg_values_supported), not {}: give private_key a key for one of those (an RSA key signs RS256, an EC P-256 key ES256)",
                algs.join(", "),
                key.alg()
            ));
        }
    }
    Ok(())
}

/// Where a provider sends people back: one address per provider, so a response is always
/// checked against the provider it claims to come from.
pub fn callback_url(public_url: &str, provider: &str) -> String {
    format!("{}/api/auth/oidc/{provider}/callback", public_url.trim_end_matches('/'))
}
