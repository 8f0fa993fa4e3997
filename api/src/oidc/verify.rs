//! What a login with a provider proves: the ID token checked by the openidconnect crate
//! (signature against the provider's JWKS, issuer, audience, expiry, nonce), then its claims
//! sorted into what civic keeps and what it drops. A national identification number (CNP) is
//! never kept, whatever the claim is called.

use std::collections::BTreeSet;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::core::{CoreIdToken, CoreIdTokenVerifier};
use openidconnect::{ClaimsVerificationError, Nonce};
use serde::Serialize;
use serde_json::{Map, Value};

use super::config::Provider;
use crate::published::Assurance;

/// Why an ID token was refused, worded for the person logging in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    Signature,
    Issuer,
    Audience,
    Expired,
    Nonce,
    Malformed(String),
}

impl Rejection {
    pub fn message(&self, provider: &str) -> String {
        let what = match self {
            Rejection::Signature => "semnătura răspunsului nu se potrivește cu cheile furnizorului (răspunsul a fost modificat sau nu vine de la el)".to_owned(),
            Rejection::Issuer => "răspunsul a fost emis de alt furnizor decât cel ales".to_owned(),
            Rejection::Audience => "răspunsul a fost emis pentru alt serviciu, nu pentru acest site".to_owned(),
            Rejection::Expired => "răspunsul a expirat".to_owned(),
            Rejection::Nonce => "răspunsul nu aparține acestei autentificări (nonce diferit)".to_owned(),
            Rejection::Malformed(detail) => format!("răspunsul nu a putut fi citit ({detail})"),
        };
        format!(
            "Autentificarea cu {provider} nu a fost acceptată: {what}. Nu v-am autentificat; încercați din nou de pe pagina de autentificare."
        )
    }
}

/// Checks `token` for this login; on success, every claim of its payload.
pub fn id_token(
    token: &CoreIdToken,
    verifier: &CoreIdTokenVerifier,
    nonce: &Nonce,
) -> Result<Map<String, Value>, Rejection> {
    token.claims(verifier, nonce).map_err(|e| match e {
        ClaimsVerificationError::SignatureVerification(_) => Rejection::Signature,
        ClaimsVerificationError::InvalidIssuer(_) => Rejection::Issuer,
        ClaimsVerificationError::InvalidAudience(_) => Rejection::Audience,
        ClaimsVerificationError::Expired(_) => Rejection::Expired,
        ClaimsVerificationError::InvalidNonce(_) => Rejection::Nonce,
        other => Rejection::Malformed(other.to_string()),
    })?;
    // The signature is verified: the payload can be read as it is, custom claims included.
    let jwt = token.to_string();
    let payload = jwt.split('.').nth(1).ok_or_else(|| Rejection::Malformed("no payload".into()))?;
    let bytes = URL_SAFE_NO_PAD.decode(payload).map_err(|e| Rejection::Malformed(e.to_string()))?;
    match serde_json::from_slice(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(Rejection::Malformed("the payload is not a JSON object".into())),
    }
}

/// Claims about the token itself, not the person: never shown, never kept.
const PROTOCOL: &[&str] = &[
    "iss",
    "aud",
    "exp",
    "iat",
    "nbf",
    "nonce",
    "at_hash",
    "c_hash",
    "s_hash",
    "auth_time",
    "azp",
    "sid",
    "jti",
    "amr",
    "acr",
    "sub",
    "updated_at",
];

/// Claim names that carry a national identification number.
const NATIONAL_ID: &[&str] = &[
    "cnp",
    "national_id",
    "nationalid",
    "personal_number",
    "personal_identification_number",
    "personidentifier",
    "person_identifier",
    "serialnumber",
    "identity_number",
];

/// Claims kept (as the account's name): nothing else about the person is stored.
const KEPT: &[&str] = &["name", "given_name", "family_name"];

/// Whether `s` is a valid CNP (13 digits, the last a checksum).
pub fn is_cnp(s: &str) -> bool {
    let d: Vec<u32> = s.chars().filter_map(|c| c.to_digit(10)).collect();
    if d.len() != 13 || s.len() != 13 || d[0] == 0 {
        return false;
    }
    let sum: u32 = d.iter().zip([2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9]).map(|(a, b)| a * b).sum();
    let check = if sum % 11 == 10 { 1 } else { sum % 11 };
    check == d[12]
}

fn holds_cnp(v: &Value) -> bool {
    match v {
        Value::String(s) => is_cnp(s.trim()) || s.split(|c: char| !c.is_ascii_digit()).any(is_cnp),
        Value::Number(n) => is_cnp(&n.to_string()),
        Value::Array(a) => a.iter().any(holds_cnp),
        Value::Object(o) => o.values().any(holds_cnp),
        _ => false,
    }
}

/// One claim received, as the person is shown it (values only for the kept ones).
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct Received {
    pub claim: String,
    pub kept: bool,
    /// A national identification number: dropped at once.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub national_id: bool,
}

/// What a login established about the person.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub subject: String,
    pub assurance: Assurance,
    /// The name to put on a new account (or one without a name).
    pub name: String,
    pub received: Vec<Received>,
}

/// Sorts verified claims (ID token, then userinfo) into what is kept; reads the level.
pub fn outcome(provider: &Provider, claims: &Map<String, Value>) -> Result<Outcome, Rejection> {
    let subject = claims
        .get("sub")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty() && s.len() <= 255)
        .ok_or_else(|| Rejection::Malformed("sub".into()))?
        .to_owned();
    let level = |v: &Value| match v {
        Value::String(s) => provider.assurance.values.get(s).copied(),
        Value::Number(n) => provider.assurance.values.get(&n.to_string()).copied(),
        _ => None,
    };
    let assurance = match claims.get(&provider.assurance.claim) {
        Some(Value::Array(a)) => a.iter().filter_map(level).max(),
        Some(v) => level(v),
        None => None,
    }
    .unwrap_or(provider.assurance.default);
    let text = |k: &str| claims.get(k).and_then(Value::as_str).map(str::trim).unwrap_or("");
    let mut name = text("name").to_owned();
    if name.is_empty() {
        name = format!("{} {}", text("given_name"), text("family_name")).trim().to_owned();
    }
    if is_cnp(&name) || name.chars().count() > 200 {
        name.clear();
    }
    let mut seen = BTreeSet::new();
    let received = claims
        .iter()
        .filter(|(k, _)| !PROTOCOL.contains(&k.as_str()) && *k != &provider.assurance.claim)
        .filter(|(k, _)| seen.insert(k.to_string()))
        .map(|(k, v)| {
            let national_id = NATIONAL_ID.contains(&k.to_lowercase().as_str()) || holds_cnp(v);
            Received {
                claim: k.clone(),
                kept: !national_id && KEPT.contains(&k.as_str()) && !name.is_empty(),
                national_id,
            }
        })
        .collect();
    Ok(Outcome { subject, assurance, name, received })
}

#[cfg(test)]
pub(crate) mod tests {
    use std::str::FromStr;

    use chrono::{Duration, Utc};
    use openidconnect::core::{
        CoreIdTokenClaims, CoreJsonWebKeySet, CoreJwsSigningAlgorithm, CoreRsaPrivateSigningKey,
    };
    use openidconnect::{
        Audience, AuthenticationContextClass, ClientId, EmptyAdditionalClaims, IssuerUrl, JsonWebKeyId,
        PrivateSigningKey, StandardClaims, SubjectIdentifier,
    };

    use super::*;

    pub const ISSUER: &str = "https://idp.example.ro";
    pub const CLIENT: &str = "civic";

    fn key() -> CoreRsaPrivateSigningKey {
        CoreRsaPrivateSigningKey::from_pem(include_str!("test_key.pem"), Some(JsonWebKeyId::new("k1".into()))).unwrap()
    }

    fn verifier() -> CoreIdTokenVerifier<'static> {
        let jwks = CoreJsonWebKeySet::new(vec![key().as_verification_key()]);
        CoreIdTokenVerifier::new_public_client(
            ClientId::new(CLIENT.into()),
            IssuerUrl::new(ISSUER.into()).unwrap(),
            jwks,
        )
    }

    struct Mint {
        issuer: &'static str,
        audience: &'static str,
        expires_in: Duration,
        nonce: &'static str,
    }

    impl Default for Mint {
        fn default() -> Self {
            Mint { issuer: ISSUER, audience: CLIENT, expires_in: Duration::minutes(5), nonce: "n-1" }
        }
    }

    fn mint(m: Mint) -> CoreIdToken {
        let now = Utc::now();
        let claims = CoreIdTokenClaims::new(
            IssuerUrl::new(m.issuer.into()).unwrap(),
            vec![Audience::new(m.audience.into())],
            now + m.expires_in,
            now - Duration::minutes(1),
            StandardClaims::new(SubjectIdentifier::new("pairwise-123".into())),
            EmptyAdditionalClaims {},
        )
        .set_nonce(Some(Nonce::new(m.nonce.into())))
        .set_auth_context_ref(Some(AuthenticationContextClass::new("substantial".into())));
        CoreIdToken::new(claims, &key(), CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256, None, None).unwrap()
    }

    fn check(token: &CoreIdToken) -> Result<Map<String, Value>, Rejection> {
        id_token(token, &verifier(), &Nonce::new("n-1".into()))
    }

    #[test]
    fn a_good_token_gives_its_claims() {
        let claims = check(&mint(Mint::default())).unwrap();
        assert_eq!(claims["sub"], "pairwise-123");
        assert_eq!(claims["acr"], "substantial");
    }

    #[test]
    fn a_tampered_token_is_refused_for_its_signature() {
        let jwt = mint(Mint::default()).to_string();
        let parts: Vec<&str> = jwt.split('.').collect();
        let mut payload: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        payload["sub"] = "someone-else".into();
        let forged = format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(payload.to_string()), parts[2]);
        let e = check(&CoreIdToken::from_str(&forged).unwrap()).unwrap_err();
        assert_eq!(e, Rejection::Signature);
        assert!(e.message("ROeID").contains("semnătura"));
    }

    #[test]
    fn wrong_nonce_audience_issuer_and_expiry_are_each_refused() {
        let wrong_nonce = mint(Mint { nonce: "n-2", ..Mint::default() });
        assert_eq!(check(&wrong_nonce).unwrap_err(), Rejection::Nonce);
        let other_client = mint(Mint { audience: "another-service", ..Mint::default() });
        assert_eq!(check(&other_client).unwrap_err(), Rejection::Audience);
        let unknown_issuer = mint(Mint { issuer: "https://evil.example", ..Mint::default() });
        assert_eq!(check(&unknown_issuer).unwrap_err(), Rejection::Issuer);
        let expired = mint(Mint { expires_in: Duration::minutes(-10), ..Mint::default() });
        assert_eq!(check(&expired).unwrap_err(), Rejection::Expired);
        for (e, words) in [
            (Rejection::Nonce, "nonce"),
            (Rejection::Audience, "alt serviciu"),
            (Rejection::Issuer, "alt furnizor"),
            (Rejection::Expired, "expirat"),
        ] {
            assert!(e.message("ROeID").contains(words), "{e:?}");
        }
    }

    fn provider() -> Provider {
        let json = r#"{"providers": [{"id": "roeid", "name": "ROeID", "issuer": "https://idp.example.ro",
            "client_id": "civic", "assurance": {"values": {"substantial": "eid_substantial", "high": "eid_high"}}}]}"#;
        super::super::config::parse(json, std::path::Path::new("."), |_| None).unwrap().remove(0)
    }

    #[test]
    fn the_level_comes_from_the_configured_claim() {
        let p = provider();
        let claims = |acr: Value| serde_json::json!({"sub": "x", "acr": acr}).as_object().unwrap().clone();
        assert_eq!(outcome(&p, &claims("substantial".into())).unwrap().assurance, Assurance::EidSubstantial);
        assert_eq!(outcome(&p, &claims("low".into())).unwrap().assurance, Assurance::None);
        assert_eq!(
            outcome(&p, &claims(serde_json::json!(["substantial", "high"]))).unwrap().assurance,
            Assurance::EidHigh
        );
    }

    #[test]
    fn a_cnp_is_never_kept_whatever_its_claim_is_called() {
        let cnp = (0..10_000u64).map(|n| format!("1960101{:06}", 410_000 + n)).find(|s| is_cnp(s)).unwrap();
        let claims = serde_json::json!({"sub": "x", "given_name": "Ana", "family_name": "Pop", "cnp": cnp,
                                        "document": {"number": cnp}, "email": "ana@example.ro"});
        let o = outcome(&provider(), claims.as_object().unwrap()).unwrap();
        assert_eq!(o.name, "Ana Pop");
        let r = |c: &str| o.received.iter().find(|r| r.claim == c).unwrap().clone();
        assert!(r("given_name").kept && r("family_name").kept);
        assert!(!r("cnp").kept && r("cnp").national_id);
        assert!(!r("document").kept && r("document").national_id);
        assert!(!r("email").kept && !r("email").national_id);
        assert!(o.received.iter().all(|r| r.claim != "sub" && r.claim != "acr"));
    }
}
