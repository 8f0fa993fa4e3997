//! The identity providers a city configures, from a JSON file (`civic api --oidc providers.json`):
//!
//! ```json
//! {"providers": [{
//!   "id": "roeid", "name": "ROeID",
//!   "description": "Aplicația națională de identitate electronică.",
//!   "issuer": "https://…", "client_id": "…", "client_secret_env": "CIVIC_OIDC_ROEID_SECRET",
//!   "scopes": ["openid", "profile"],
//!   "assurance": {"claim": "acr", "values": {"substantial": "eid_substantial", "high": "eid_high"}},
//!   "acr_values": ["substantial"], "userinfo": false
//! }]}
//! ```
//!
//! The secret itself never sits in the file: it is read from the environment variable named.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::published::Assurance;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    providers: Vec<Provider>,
}

/// One OpenID Connect provider, as configured.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// Short id in URLs and in the database (`roeid`): lower-case letters, digits, `-`.
    pub id: String,
    /// The name people know it by, shown on the login button.
    pub name: String,
    /// One or two sentences, in Romanian, on the login page: what it is, what is needed.
    #[serde(default)]
    pub description: String,
    /// The issuer: `{issuer}/.well-known/openid-configuration` is its discovery document.
    pub issuer: String,
    pub client_id: String,
    /// The environment variable holding the client secret (`client_secret_basic`); none for a
    /// public client (PKCE only).
    #[serde(default)]
    pub client_secret_env: Option<String>,
    #[serde(skip)]
    pub client_secret: Option<String>,
    /// Scopes to request; `openid` is always sent. Ask only for what is needed.
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    /// Which claim says how sure the provider is, and what its values mean here.
    #[serde(default)]
    pub assurance: AssuranceClaim,
    /// `acr_values` to request (the level the provider should reach), if any.
    #[serde(default)]
    pub acr_values: Vec<String>,
    /// Whether to call the userinfo endpoint for claims not in the ID token.
    #[serde(default)]
    pub userinfo: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssuranceClaim {
    /// The claim's name in the ID token (or userinfo): `acr` by default.
    #[serde(default = "default_claim")]
    pub claim: String,
    /// The claim's values and the level each means; an unlisted value gives `default`.
    #[serde(default)]
    pub values: BTreeMap<String, Assurance>,
    #[serde(default = "default_level")]
    pub default: Assurance,
}

impl Default for AssuranceClaim {
    fn default() -> Self {
        AssuranceClaim { claim: default_claim(), values: BTreeMap::new(), default: default_level() }
    }
}

fn default_scopes() -> Vec<String> {
    vec!["openid".into()]
}
fn default_claim() -> String {
    "acr".into()
}
fn default_level() -> Assurance {
    Assurance::None
}

/// Scopes that would ask for a national identification number: refused (Legea 190/2018).
const NATIONAL_ID_SCOPES: &[&str] = &["cnp", "national_id", "nationalid", "personal_number", "identity_number"];

impl Provider {
    /// The highest level a login with this provider can give.
    pub fn best_level(&self) -> Assurance {
        self.assurance.values.values().copied().chain([self.assurance.default]).max().unwrap_or(Assurance::None)
    }

    /// The scopes to request besides `openid`.
    pub fn extra_scopes(&self) -> impl Iterator<Item = &str> {
        self.scopes.iter().map(String::as_str).filter(|s| *s != "openid")
    }

    fn check(&self) -> Result<(), String> {
        let id_ok = !self.id.is_empty()
            && self.id.len() <= 32
            && self.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && self.id != "email";
        if !id_ok {
            return Err(format!(
                "provider id {:?}: use 1–32 lower-case letters, digits or '-' (and not \"email\")",
                self.id
            ));
        }
        if self.name.trim().is_empty() {
            return Err(format!("provider {}: name is empty", self.id));
        }
        let url = openidconnect::url::Url::parse(&self.issuer)
            .map_err(|e| format!("provider {}: issuer {:?} is not a URL: {e}", self.id, self.issuer))?;
        let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        if url.scheme() != "https" && !(url.scheme() == "http" && loopback) {
            return Err(format!("provider {}: the issuer must be https (http only on loopback, for tests)", self.id));
        }
        if let Some(s) = self.scopes.iter().find(|s| NATIONAL_ID_SCOPES.contains(&s.to_lowercase().as_str())) {
            return Err(format!(
                "provider {}: scope {s:?} asks for a national identification number (CNP), which civic never stores; remove it",
                self.id
            ));
        }
        Ok(())
    }
}

/// Reads the providers file, checks it and takes each client secret from the environment.
pub fn load(path: &Path) -> Result<Vec<Provider>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse(&text, |name| std::env::var(name).ok()).map_err(|e| format!("{}: {e}", path.display()))
}

/// [`load`] on text, with the environment given (tests).
pub fn parse(text: &str, env: impl Fn(&str) -> Option<String>) -> Result<Vec<Provider>, String> {
    let file: File = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut providers = file.providers;
    for p in &mut providers {
        p.check()?;
        if let Some(var) = &p.client_secret_env {
            let secret = env(var).filter(|s| !s.is_empty()).ok_or_else(|| {
                format!("provider {}: the environment variable {var} (its client secret) is not set", p.id)
            })?;
            p.client_secret = Some(secret);
        }
        p.issuer = p.issuer.trim_end_matches('/').to_owned();
        if !p.scopes.iter().any(|s| s == "openid") {
            p.scopes.insert(0, "openid".into());
        }
    }
    let mut ids: Vec<&str> = providers.iter().map(|p| p.id.as_str()).collect();
    ids.sort_unstable();
    if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!("provider id {} appears twice", w[0]));
    }
    Ok(providers)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = r#"{"providers": [{"id": "roeid", "name": "ROeID", "issuer": "https://idp.example.ro/",
        "client_id": "civic", "client_secret_env": "SECRET", "scopes": ["profile"],
        "assurance": {"values": {"substantial": "eid_substantial"}}}]}"#;

    #[test]
    fn reads_a_provider_with_its_secret_from_the_environment() {
        let p = &parse(ONE, |v| (v == "SECRET").then(|| "s3cret".to_owned())).unwrap()[0];
        assert_eq!(p.client_secret.as_deref(), Some("s3cret"));
        assert_eq!(p.issuer, "https://idp.example.ro");
        assert_eq!(p.scopes, ["openid", "profile"]);
        assert_eq!(p.assurance.claim, "acr");
        assert_eq!(p.best_level(), Assurance::EidSubstantial);
    }

    #[test]
    fn refuses_a_missing_secret_a_cnp_scope_and_plain_http() {
        assert!(parse(ONE, |_| None).unwrap_err().contains("SECRET"));
        let cnp = ONE.replace(r#"["profile"]"#, r#"["profile", "cnp"]"#);
        assert!(parse(&cnp, |_| Some("x".into())).unwrap_err().contains("CNP"));
        let http = ONE.replace("https://idp.example.ro/", "http://idp.example.ro");
        assert!(parse(&http, |_| Some("x".into())).unwrap_err().contains("https"));
        let typo = ONE.replace("\"scopes\"", "\"scope\"");
        assert!(parse(&typo, |_| Some("x".into())).unwrap_err().contains("unknown field"));
    }
}
