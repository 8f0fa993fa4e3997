//! `private_key_jwt` (OpenID Connect Core §9, RFC 7523): civic proves to a provider's token
//! endpoint that it is the registered client by a short-lived JWT signed with its private key,
//! instead of a shared secret. openidconnect 4.1 has no support for it, so here are the key
//! (read from a PEM file: RSA ≥ 2048 bits signs RS256, EC P-256 signs ES256), its public JWK to
//! register with the provider, and the assertion sent with each code exchange.

use std::fmt;
use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::PrivateSigningKey;
use openidconnect::core::{CoreJwsSigningAlgorithm, CoreRsaPrivateSigningKey};
use p256::ecdsa::signature::Signer as _;
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::pkcs8::DecodePrivateKey as _;
use rsa::traits::PublicKeyParts;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The `client_assertion_type` of a JWT client assertion.
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// How long an assertion is valid: it is made just before the request that carries it.
const LIFETIME_SECONDS: i64 = 60;

/// The client's private key, ready to sign assertions; its public half as a JWK.
pub struct ClientKey {
    signer: Signer,
    kid: String,
    jwk: Value,
}

enum Signer {
    Rs256(Box<CoreRsaPrivateSigningKey>),
    Es256(p256::ecdsa::SigningKey),
}

impl fmt::Debug for ClientKey {
    // Never the key itself.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientKey").field("alg", &self.alg()).field("kid", &self.kid).finish_non_exhaustive()
    }
}

/// Object identifiers a PKCS#8 key can name.
const OID_RSA: &str = "1.2.840.113549.1.1.1";
const OID_EC: &str = "1.2.840.10045.2.1";
const OID_P256: &str = "1.2.840.10045.3.1.7";
const OID_ED25519: &str = "1.3.101.112";

impl ClientKey {
    /// Reads a PEM private key file; `kid` defaults to the key's JWK thumbprint (RFC 7638).
    pub fn load(path: &Path, kid: Option<String>) -> Result<ClientKey, String> {
        let pem = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        ClientKey::from_pem(&pem, kid).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// A PEM private key: PKCS#8 (`BEGIN PRIVATE KEY`), PKCS#1 (`BEGIN RSA PRIVATE KEY`) or
    /// SEC1 (`BEGIN EC PRIVATE KEY`).
    pub fn from_pem(pem: &str, kid: Option<String>) -> Result<ClientKey, String> {
        let label = pem.lines().find_map(|l| l.trim().strip_prefix("-----BEGIN ")?.strip_suffix("-----"));
        let unreadable = |e: &dyn fmt::Display| format!("the {} cannot be read ({e})", label.unwrap_or("key"));
        match label {
            None => Err("not a PEM file: it should start with -----BEGIN PRIVATE KEY-----".into()),
            Some("RSA PRIVATE KEY") => {
                ClientKey::rsa(rsa::RsaPrivateKey::from_pkcs1_pem(pem).map_err(|e| unreadable(&e))?, kid)
            }
            Some("EC PRIVATE KEY") => match p256::SecretKey::from_sec1_pem(pem) {
                Ok(key) => Ok(ClientKey::es256(key, kid)),
                Err(_) => Err(not_p256("")),
            },
            Some("PRIVATE KEY") => {
                let (_, doc) = rsa::pkcs8::SecretDocument::from_pem(pem).map_err(|e| unreadable(&e))?;
                let info = rsa::pkcs8::PrivateKeyInfo::try_from(doc.as_bytes()).map_err(|e| unreadable(&e))?;
                let curve = info.algorithm.parameters_oid().ok().map(|o| o.to_string());
                match (info.algorithm.oid.to_string().as_str(), curve.as_deref()) {
                    (OID_RSA, _) => {
                        ClientKey::rsa(rsa::RsaPrivateKey::from_pkcs8_pem(pem).map_err(|e| unreadable(&e))?, kid)
                    }
                    (OID_EC, Some(OID_P256)) => {
                        let key = <p256::SecretKey as p256::pkcs8::DecodePrivateKey>::from_pkcs8_pem(pem)
                            .map_err(|e| unreadable(&e))?;
                        Ok(ClientKey::es256(key, kid))
                    }
                    (OID_EC, curve) => Err(not_p256(&format!(" (its curve is {})", curve.unwrap_or("not named")))),
                    (OID_ED25519, _) => Err(format!("an Ed25519 key, which civic does not sign with; {USABLE}")),
                    (other, _) => Err(format!("a key of another kind (algorithm {other}); {USABLE}")),
                }
            }
            Some("ENCRYPTED PRIVATE KEY") => {
                Err("the key is encrypted with a passphrase, which civic cannot ask for; store it unencrypted \
                 (`openssl pkey -in FILE -out key.pem`) in a file only civic's user can read"
                    .into())
            }
            Some(l @ ("PUBLIC KEY" | "RSA PUBLIC KEY" | "CERTIFICATE")) => Err(format!(
                "this file holds a {} ({l}), not the private key: civic needs the private key; \
                 the provider gets the public one",
                if l == "CERTIFICATE" { "certificate" } else { "public key" }
            )),
            Some(other) => Err(format!("a PEM block of another kind ({other}); {USABLE}")),
        }
    }

    fn rsa(key: rsa::RsaPrivateKey, kid: Option<String>) -> Result<ClientKey, String> {
        let bits = key.n().bits();
        if bits < 2048 {
            return Err(format!("an RSA key of {bits} bits: RS256 needs at least 2048; {USABLE}"));
        }
        let n = URL_SAFE_NO_PAD.encode(key.n().to_bytes_be());
        let e = URL_SAFE_NO_PAD.encode(key.e().to_bytes_be());
        // The members of RFC 7638 §3.2, in lexicographic order, without white space.
        let kid = kid.unwrap_or_else(|| thumbprint(&format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#)));
        // openidconnect's signer (PKCS#1 v1.5 with SHA-256, blinded) reads only PKCS#1.
        let pkcs1 = key.to_pkcs1_pem(rsa::pkcs8::LineEnding::LF).map_err(|e| e.to_string())?;
        let signer = CoreRsaPrivateSigningKey::from_pem(&pkcs1, None)?;
        let jwk = json!({"kty": "RSA", "use": "sig", "alg": "RS256", "kid": kid, "n": n, "e": e});
        Ok(ClientKey { signer: Signer::Rs256(Box::new(signer)), kid, jwk })
    }

    fn es256(key: p256::SecretKey, kid: Option<String>) -> ClientKey {
        // The uncompressed point: 0x04, then x and y (32 bytes each).
        let point = key.public_key().to_sec1_bytes();
        let x = URL_SAFE_NO_PAD.encode(&point[1..33]);
        let y = URL_SAFE_NO_PAD.encode(&point[33..65]);
        let kid = kid.unwrap_or_else(|| thumbprint(&format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#)));
        let jwk = json!({"kty": "EC", "use": "sig", "alg": "ES256", "kid": kid, "crv": "P-256", "x": x, "y": y});
        ClientKey { signer: Signer::Es256(p256::ecdsa::SigningKey::from(key)), kid, jwk }
    }

    /// The JWS algorithm the key signs with: `RS256` or `ES256`.
    pub fn alg(&self) -> &'static str {
        match self.signer {
            Signer::Rs256(_) => "RS256",
            Signer::Es256(_) => "ES256",
        }
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public key as a JWK (with `kid`, `alg` and `use`), what the provider registers.
    pub fn public_jwk(&self) -> &Value {
        &self.jwk
    }

    /// A client assertion for `client_id` at `audience` (the issuer or the token endpoint),
    /// valid for a minute from `now` (Unix seconds), with a random `jti`.
    pub fn assertion(&self, client_id: &str, audience: &str, now: i64) -> Result<String, String> {
        let header = json!({"alg": self.alg(), "typ": "JWT", "kid": self.kid});
        let jti = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
        let claims = json!({"iss": client_id, "sub": client_id, "aud": audience, "jti": jti,
                            "iat": now, "exp": now + LIFETIME_SECONDS});
        let input =
            format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
        let signature = match &self.signer {
            Signer::Rs256(key) => key
                .sign(&CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256, input.as_bytes())
                .map_err(|e| format!("signing the client assertion: {e}"))?,
            // JWS (RFC 7518 §3.4) wants r and s concatenated, which is what `to_bytes` gives.
            Signer::Es256(key) => {
                let signature: p256::ecdsa::Signature = key.sign(input.as_bytes());
                signature.to_bytes().to_vec()
            }
        };
        Ok(format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature)))
    }
}

const USABLE: &str = "use an RSA key of 2048 bits or more (RS256) or an EC key on P-256 (ES256), \
    e.g. `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out key.pem`";

fn not_p256(detail: &str) -> String {
    format!(
        "an EC key on a curve other than P-256{detail}; civic signs ES256, which needs P-256 (prime256v1); {USABLE}"
    )
}

/// The JWK thumbprint (RFC 7638) of the canonical JSON of a public key's required members.
fn thumbprint(canonical: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str) -> Result<ClientKey, String> {
        ClientKey::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src/oidc/testdata").join(name), None)
    }

    fn decode(part: &str) -> Value {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    }

    #[test]
    fn an_rsa_key_signs_an_assertion_its_public_key_verifies() {
        let k = key("rsa_pkcs8.pem").unwrap();
        assert_eq!(k.alg(), "RS256");
        let jwt = k.assertion("civic", "https://idp.example.ro", 1_700_000_000).unwrap();
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(decode(parts[0]), json!({"alg": "RS256", "typ": "JWT", "kid": k.kid()}));
        let claims = decode(parts[1]);
        assert_eq!(
            (&claims["iss"], &claims["sub"], &claims["aud"]),
            (&json!("civic"), &json!("civic"), &json!("https://idp.example.ro"))
        );
        assert_eq!(claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(), 60);
        assert_eq!(claims["jti"].as_str().unwrap().len(), 43);
        // The signature checks out with the published JWK alone.
        let jwk = k.public_jwk();
        let n = rsa::BigUint::from_bytes_be(&URL_SAFE_NO_PAD.decode(jwk["n"].as_str().unwrap()).unwrap());
        let e = rsa::BigUint::from_bytes_be(&URL_SAFE_NO_PAD.decode(jwk["e"].as_str().unwrap()).unwrap());
        let public = rsa::RsaPublicKey::new(n, e).unwrap();
        let digest = Sha256::digest(format!("{}.{}", parts[0], parts[1]).as_bytes());
        let signature = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
        public.verify(rsa::Pkcs1v15Sign::new::<Sha256>(), &digest, &signature).unwrap();
        // Each assertion is new: another jti.
        let again = k.assertion("civic", "https://idp.example.ro", 1_700_000_000).unwrap();
        assert_ne!(decode(again.split('.').nth(1).unwrap())["jti"], claims["jti"]);
    }

    #[test]
    fn an_ec_p256_key_signs_es256() {
        use p256::ecdsa::signature::Verifier as _;
        let k = key("ec_p256_pkcs8.pem").unwrap();
        assert_eq!(k.alg(), "ES256");
        let jwt = k.assertion("civic", "https://idp.example.ro/token", 1).unwrap();
        let (input, signature) = jwt.rsplit_once('.').unwrap();
        let jwk = k.public_jwk();
        let mut point = vec![4u8];
        for c in ["x", "y"] {
            point.extend(URL_SAFE_NO_PAD.decode(jwk[c].as_str().unwrap()).unwrap());
        }
        let public = p256::ecdsa::VerifyingKey::from_sec1_bytes(&point).unwrap();
        let signature = p256::ecdsa::Signature::from_slice(&URL_SAFE_NO_PAD.decode(signature).unwrap()).unwrap();
        public.verify(input.as_bytes(), &signature).unwrap();
    }

    #[test]
    fn the_kid_is_the_rfc_7638_thumbprint_unless_given() {
        // RFC 7638 §3.1: the example key and its thumbprint.
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        assert_eq!(
            thumbprint(&format!(r#"{{"e":"AQAB","kty":"RSA","n":"{n}"}}"#)),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
        let k = key("rsa_pkcs8.pem").unwrap();
        let jwk = k.public_jwk();
        let canonical =
            format!(r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#, jwk["e"].as_str().unwrap(), jwk["n"].as_str().unwrap());
        assert_eq!(k.kid(), thumbprint(&canonical));
        let named = ClientKey::load(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/oidc/testdata/rsa_pkcs8.pem"),
            Some("civic-2026".into()),
        )
        .unwrap();
        assert_eq!((named.kid(), &named.public_jwk()["kid"]), ("civic-2026", &json!("civic-2026")));
        // PKCS#1 reads too (the existing test key).
        assert_eq!(ClientKey::from_pem(include_str!("test_key.pem"), None).unwrap().alg(), "RS256");
    }

    #[test]
    fn keys_civic_cannot_sign_with_are_refused_with_the_reason() {
        let refused = |name: &str, words: &str| {
            let e = key(name).unwrap_err();
            assert!(e.contains(words), "{name}: {e}");
        };
        refused("rsa_1024.pem", "an RSA key of 1024 bits: RS256 needs at least 2048");
        refused("ec_p384_pkcs8.pem", "curve other than P-256 (its curve is 1.3.132.0.34)");
        refused("ec_p384_sec1.pem", "curve other than P-256");
        refused("ed25519.pem", "an Ed25519 key");
        refused("encrypted.pem", "encrypted with a passphrase");
        refused("rsa_public.pem", "holds a public key (PUBLIC KEY), not the private key");
        refused("missing.pem", "cannot read");
        assert!(ClientKey::from_pem("hello", None).unwrap_err().contains("not a PEM file"));
        let broken = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        assert!(ClientKey::from_pem(broken, None).unwrap_err().contains("cannot be read"));
    }
}
