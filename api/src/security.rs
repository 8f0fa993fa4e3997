//! What protects every request: CSRF (Origin / Sec-Fetch-Site, no tokens, so forms on the
//! CDN-hosted static site can post here), rate limits per client address and per e-mail address,
//! and the security headers of every response.

use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tower_http::csrf::CsrfLayer;

use crate::app::App;
use crate::config::{ApiConfig, RateLimit};
use crate::error::ApiError;

/// The CSRF layer: same-origin posts and posts from the trusted origins (the static site).
pub fn csrf(config: &ApiConfig) -> anyhow::Result<CsrfLayer> {
    let mut layer = CsrfLayer::new();
    for origin in &config.trusted_origins {
        layer = layer.add_trusted_origin(origin).map_err(|e| anyhow::anyhow!("trusted origin {origin}: {e}"))?;
    }
    Ok(layer)
}

/// Request rates allowed per client address (state-changing requests) and per e-mail address
/// (mails the API sends to it on request: login links, verification).
pub struct Limits {
    /// The Content-Security-Policy of every response, made once.
    pub csp: HeaderValue,
    per_ip: Option<DefaultKeyedRateLimiter<IpAddr>>,
    per_email: DefaultKeyedRateLimiter<String>,
    /// Signatures per network (/24 for IPv4, /48 for IPv6) and per e-mail domain outside the
    /// large providers: what a script signing from one place or one domain runs into.
    signing: Option<(DefaultKeyedRateLimiter<Vec<u8>>, DefaultKeyedRateLimiter<String>)>,
}

fn quota(limit: RateLimit) -> Quota {
    let per_minute = NonZeroU32::new(limit.per_minute.max(1)).expect("non-zero");
    Quota::per_minute(per_minute).allow_burst(NonZeroU32::new(limit.burst.max(1)).expect("non-zero"))
}

impl Limits {
    pub fn new(post_limit: Option<RateLimit>, trusted_origins: &[String]) -> Limits {
        // Forms post only to the API itself and to the trusted origins (the static site).
        // Browsers hold every redirect that follows a form post to `form-action` too (Chromium
        // blocks a 303 to another origin), so the posts that end at an identity provider (logging
        // in, linking it to an account, logging out of it) answer with a page that moves on by
        // itself (`app::onward`): no provider's origin belongs here, nor those of the hosts a
        // provider redirects through.
        let form_action =
            std::iter::once("'self'").chain(trusted_origins.iter().map(String::as_str)).collect::<Vec<_>>();
        let csp = format!(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; \
             base-uri 'none'; frame-ancestors 'none'; form-action {}",
            form_action.join(" ")
        );
        Limits {
            csp: HeaderValue::from_str(&csp).expect("ASCII policy"),
            per_ip: post_limit.map(|l| RateLimiter::keyed(quota(l))),
            // Five mails to one address, then one every ten minutes.
            per_email: RateLimiter::keyed(
                quota(RateLimit { burst: 5, per_minute: 1 }).allow_burst(NonZeroU32::new(5).expect("non-zero")),
            ),
            signing: post_limit.map(|l| {
                (
                    RateLimiter::keyed(quota(RateLimit { burst: l.burst * 4, per_minute: l.per_minute * 4 })),
                    RateLimiter::keyed(quota(RateLimit { burst: l.burst * 2, per_minute: l.per_minute * 2 })),
                )
            }),
        }
    }

    /// Whether one more signature may come from `ip`'s network and from `domain`.
    pub fn signing(&self, ip: IpAddr, domain: &str, large_provider: bool) -> Result<(), ApiError> {
        let Some((per_net, per_domain)) = &self.signing else { return Ok(()) };
        let net = match ip {
            IpAddr::V4(a) => a.octets()[..3].to_vec(),
            IpAddr::V6(a) => a.octets()[..6].to_vec(),
        };
        let too_many = |what: &str| {
            ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                format!("Prea multe semnături {what} într-un timp scurt. Încercați din nou peste câteva minute."),
            )
        };
        per_net.check_key(&net).map_err(|_| too_many("din aceeași rețea"))?;
        if !large_provider {
            per_domain.check_key(&domain.to_owned()).map_err(|_| too_many(&format!("cu adrese @{domain}")))?;
        }
        Ok(())
    }

    /// Whether one more mail may be sent to `email` on request.
    pub fn email(&self, email: &str) -> Result<(), ApiError> {
        self.per_email.check_key(&email.to_lowercase()).map_err(|_| {
            ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "Am trimis deja mai multe mesaje la această adresă. Verificați căsuța de e-mail (și dosarul Spam) \
                 sau încercați din nou peste zece minute.",
            )
        })
    }
}

/// The client's address as the server saw it.
pub fn client_ip(request: &Request) -> IpAddr {
    address(request.extensions())
}

fn address(extensions: &axum::http::Extensions) -> IpAddr {
    extensions.get::<ConnectInfo<SocketAddr>>().map_or(IpAddr::from([0, 0, 0, 0]), |ConnectInfo(a)| a.ip())
}

/// The client's address, as a handler argument.
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(address(&parts.extensions)))
    }
}

/// Limits state-changing requests per client address; a 429 with `Retry-After` beyond it.
pub async fn rate_limit(State(app): State<App>, request: Request, next: Next) -> Response {
    if let (Some(limiter), true) =
        (&app.limits.per_ip, request.method() != Method::GET && request.method() != Method::HEAD)
    {
        let ip = client_ip(&request);
        if let Err(not_until) = limiter.check_key(&ip) {
            let wait = not_until.wait_time_from(governor::clock::Clock::now(&governor::clock::DefaultClock::default()));
            let mut r = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "Prea multe cereri de la această adresă într-un timp scurt. Așteptați un minut și încercați din nou.",
            )
            .into_response();
            r.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(wait.as_secs().max(1)));
            return r;
        }
    }
    next.run(request).await
}

/// Security headers on every API response. Pages carry no inline script or style, so the
/// policy needs no `unsafe-inline`; the referrer is never sent (status pages carry a token).
pub async fn headers(State(app): State<App>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, app.limits.csp.clone());
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if app.config.https() {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    response
}
