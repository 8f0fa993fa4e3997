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
//! A provider that wants `private_key_jwt` (ROeID and most government providers) gets
//! `"token_endpoint_auth_method": "private_key_jwt"` and `"private_key": "roeid.pem"` (a PEM file,
//! relative to the providers file) instead of a secret; see `client_auth`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use super::client_auth::ClientKey;
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
    /// The environment variable holding the client secret (`client_secret_basic` or
    /// `client_secret_post`); none for a public client (PKCE only) or with `private_key_jwt`.
    #[serde(default)]
    pub client_secret_env: Option<String>,
    #[serde(skip)]
    pub client_secret: Option<String>,
    /// How civic authenticates at the token endpoint; by default `client_secret_basic` when a
    /// secret is configured and `none` otherwise.
    #[serde(default)]
    pub token_endpoint_auth_method: Option<AuthMethod>,
    /// `private_key_jwt`: the PEM file of the client's private key (RSA of 2048 bits or more
    /// signs RS256, EC P-256 signs ES256), relative to the providers file.
    #[serde(default)]
    pub private_key: Option<PathBuf>,
    /// `private_key_jwt`: the `kid` the provider knows the key by; by default its JWK
    /// thumbprint (RFC 7638).
    #[serde(default)]
    pub key_id: Option<String>,
    /// `private_key_jwt`: the assertion's `aud`, `issuer` (the default) or `token_endpoint`.
    #[serde(default)]
    pub assertion_audience: Option<AssertionAudience>,
    #[serde(skip)]
    pub client_key: Option<Arc<ClientKey>>,
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

/// Client authentication at the token endpoint (OpenID Connect Core §9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    /// The secret in an HTTP Basic `Authorization` header.
    ClientSecretBasic,
    /// The secret as a form parameter of the request.
    ClientSecretPost,
    /// A short-lived JWT signed with the client's private key (RFC 7523).
    PrivateKeyJwt,
    /// None: a public client, protected by PKCE only.
    None,
}

impl AuthMethod {
    /// The name used in the providers file and in discovery documents.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::ClientSecretBasic => "client_secret_basic",
            AuthMethod::ClientSecretPost => "client_secret_post",
            AuthMethod::PrivateKeyJwt => "private_key_jwt",
            AuthMethod::None => "none",
        }
    }
}

/// Whom a client assertion is addressed to. The issuer is what RFC 7523bis and FAPI 2.0 ask
/// for (a token endpoint URL can be ambiguous); some older providers accept only their token
/// endpoint URL, as OpenID Connect Core first said.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AssertionAudience {
    #[default]
    Issuer,
    TokenEndpoint,
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

    /// How civic authenticates at the token endpoint.
    pub fn auth_method(&self) -> AuthMethod {
        self.token_endpoint_auth_method.unwrap_or(if self.client_secret_env.is_some() {
            AuthMethod::ClientSecretBasic
        } else {
            AuthMethod::None
        })
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
        self.check_auth()
    }

    /// The client authentication settings agree with each other.
    fn check_auth(&self) -> Result<(), String> {
        let method = self.auth_method();
        let id = &self.id;
        let name = method.as_str();
        match method {
            AuthMethod::ClientSecretBasic | AuthMethod::ClientSecretPost if self.client_secret_env.is_none() => {
                return Err(format!(
                    "provider {id}: {name} needs client_secret_env, the environment variable holding the secret"
                ));
            }
            AuthMethod::PrivateKeyJwt if self.client_secret_env.is_some() => {
                return Err(format!(
                    "provider {id}: private_key_jwt authenticates with the private key, not a secret: remove client_secret_env"
                ));
            }
            AuthMethod::PrivateKeyJwt if self.private_key.is_none() => {
                return Err(format!(
                    "provider {id}: private_key_jwt needs private_key, the PEM file of the client's private key (docs/api.md says how to make one)"
                ));
            }
            AuthMethod::None if self.client_secret_env.is_some() => {
                return Err(format!(
                    "provider {id}: \"none\" is for a public client without a secret: remove client_secret_env or choose client_secret_basic"
                ));
            }
            _ => {}
        }
        let key_settings = self.private_key.is_some() || self.key_id.is_some() || self.assertion_audience.is_some();
        if method != AuthMethod::PrivateKeyJwt && key_settings {
            return Err(format!(
                "provider {id}: private_key, key_id and assertion_audience are for \"token_endpoint_auth_method\": \"private_key_jwt\", and this provider uses {name}"
            ));
        }
        if self.key_id.as_deref().is_some_and(|k| k.trim().is_empty()) {
            return Err(format!("provider {id}: key_id is empty (leave it out to use the key's thumbprint)"));
        }
        Ok(())
    }
}

/// Reads the providers file, checks it, takes each client secret from the environment and
/// reads each private key (paths relative to the file).
pub fn load(path: &Path) -> Result<Vec<Provider>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    parse(&text, dir, |name| std::env::var(name).ok()).map_err(|e| format!("{}: {e}", path.display()))
}

/// [`load`] on text, with the folder private key paths are relative to and the environment
/// given (tests).
pub fn parse(text: &str, dir: &Path, env: impl Fn(&str) -> Option<String>) -> Result<Vec<Provider>, String> {
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
        if let Some(path) = &p.private_key {
            let key = ClientKey::load(&dir.join(path), p.key_id.clone())
                .map_err(|e| format!("provider {}: private_key: {e}", p.id))?;
            p.client_key = Some(Arc::new(key));
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
        let p = &parse(ONE, Path::new("."), |v| (v == "SECRET").then(|| "s3cret".to_owned())).unwrap()[0];
        assert_eq!(p.client_secret.as_deref(), Some("s3cret"));
        assert_eq!(p.issuer, "https://idp.example.ro");
        assert_eq!(p.scopes, ["openid", "profile"]);
        assert_eq!(p.assurance.claim, "acr");
        assert_eq!(p.best_level(), Assurance::EidSubstantial);
    }

    #[test]
    fn refuses_a_missing_secret_a_cnp_scope_and_plain_http() {
        assert!(parse(ONE, Path::new("."), |_| None).unwrap_err().contains("SECRET"));
        let cnp = ONE.replace(r#"["profile"]"#, r#"["profile", "cnp"]"#);
        assert!(parse(&cnp, Path::new("."), |_| Some("x".into())).unwrap_err().contains("CNP"));
        let http = ONE.replace("https://idp.example.ro/", "http://idp.example.ro");
        assert!(parse(&http, Path::new("."), |_| Some("x".into())).unwrap_err().contains("https"));
        let typo = ONE.replace("\"scopes\"", "\"scope\"");
        assert!(parse(&typo, Path::new("."), |_| Some("x".into())).unwrap_err().contains("unknown field"));
    }

    /// A provider with these client authentication settings, keys from `src/oidc/testdata/`.
    fn with(auth: &str) -> Result<Vec<Provider>, String> {
        let text = format!(
            r#"{{"providers": [{{"id": "roeid", "name": "ROeID", "issuer": "https://idp.example.ro", "client_id": "civic"{auth}}}]}}"#
        );
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/oidc/testdata");
        parse(&text, &dir, |v| (v == "SECRET").then(|| "s3cret".to_owned()))
    }

    #[test]
    fn reads_each_client_authentication_method() {
        let method = |auth: &str| with(auth).unwrap()[0].auth_method();
        assert_eq!(method(""), AuthMethod::None);
        assert_eq!(method(r#", "client_secret_env": "SECRET""#), AuthMethod::ClientSecretBasic);
        assert_eq!(
            method(r#", "client_secret_env": "SECRET", "token_endpoint_auth_method": "client_secret_post""#),
            AuthMethod::ClientSecretPost
        );
        let p =
            &with(r#", "token_endpoint_auth_method": "private_key_jwt", "private_key": "rsa_pkcs8.pem""#).unwrap()[0];
        assert_eq!(p.auth_method(), AuthMethod::PrivateKeyJwt);
        assert_eq!(p.client_key.as_ref().unwrap().alg(), "RS256");
        assert_eq!(p.assertion_audience.unwrap_or_default(), AssertionAudience::Issuer);
        let p = &with(
            r#", "token_endpoint_auth_method": "private_key_jwt", "private_key": "ec_p256_pkcs8.pem",
                "key_id": "civic-1", "assertion_audience": "token_endpoint""#,
        )
        .unwrap()[0];
        let key = p.client_key.as_ref().unwrap();
        assert_eq!((key.alg(), key.kid()), ("ES256", "civic-1"));
        assert_eq!(p.assertion_audience, Some(AssertionAudience::TokenEndpoint));
    }

    #[test]
    fn refuses_client_authentication_settings_that_do_not_go_together() {
        let refused = |auth: &str, words: &str| {
            let e = with(auth).unwrap_err();
            assert!(e.contains(words), "{auth}: {e}");
        };
        let jwt = r#", "token_endpoint_auth_method": "private_key_jwt""#;
        refused(jwt, "private_key_jwt needs private_key, the PEM file");
        refused(&format!(r#"{jwt}, "private_key": "nowhere.pem""#), "provider roeid: private_key: cannot read");
        refused(&format!(r#"{jwt}, "private_key": "ed25519.pem""#), "provider roeid: private_key: ");
        refused(&format!(r#"{jwt}, "private_key": "rsa_public.pem""#), "not the private key");
        refused(
            &format!(r#"{jwt}, "private_key": "rsa_pkcs8.pem", "client_secret_env": "SECRET""#),
            "remove client_secret_env",
        );
        refused(&format!(r#"{jwt}, "private_key": "rsa_pkcs8.pem", "key_id": " ""#), "key_id is empty");
        refused(
            r#", "private_key": "rsa_pkcs8.pem""#,
            "are for \"token_endpoint_auth_method\": \"private_key_jwt\", and this provider uses none",
        );
        refused(r#", "client_secret_env": "SECRET", "key_id": "k""#, "this provider uses client_secret_basic");
        refused(
            r#", "token_endpoint_auth_method": "client_secret_post""#,
            "client_secret_post needs client_secret_env",
        );
        refused(r#", "token_endpoint_auth_method": "none", "client_secret_env": "SECRET""#, "public client");
        refused(r#", "token_endpoint_auth_method": "client_secret_jwt""#, "unknown variant `client_secret_jwt`");
        refused(
            &format!(r#"{jwt}, "private_key": "rsa_pkcs8.pem", "assertion_audience": "both""#),
            "unknown variant `both`",
        );
    }
}
