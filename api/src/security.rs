//! What protects every request: CSRF (Origin / Sec-Fetch-Site, no tokens, so forms on the
//! CDN-hosted static site can post here), rate limits per client address (behind a trusted
//! reverse proxy, the client it forwarded for) and per e-mail address, and the security headers
//! of every response.

use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use ipnet::IpNet;
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

/// Request rates allowed per client address (state-changing requests) and per mailbox (mails the
/// API sends to an address on request: login links, confirmations, receipts).
pub struct Limits {
    /// The Content-Security-Policy of every response, made once.
    pub csp: HeaderValue,
    per_ip: Option<DefaultKeyedRateLimiter<IpAddr>>,
    per_mailbox: Option<DefaultKeyedRateLimiter<String>>,
    /// Signatures per network (/24 for IPv4, /48 for IPv6) and per e-mail domain outside the
    /// large providers: what a script signing from one place or one domain runs into.
    signing: Option<(DefaultKeyedRateLimiter<Vec<u8>>, DefaultKeyedRateLimiter<String>)>,
}

fn quota(limit: RateLimit) -> Quota {
    let per_minute = NonZeroU32::new(limit.per_minute.max(1)).expect("non-zero");
    Quota::per_minute(per_minute).allow_burst(NonZeroU32::new(limit.burst.max(1)).expect("non-zero"))
}

/// How long until `refused` would be allowed.
fn wait(refused: &governor::NotUntil<governor::clock::QuantaInstant>) -> Duration {
    refused.wait_time_from(governor::clock::Clock::now(&governor::clock::DefaultClock::default()))
}

impl Limits {
    pub fn new(config: &ApiConfig) -> Limits {
        // Forms post only to the API itself and to the trusted origins (the static site).
        // Browsers hold every redirect that follows a form post to `form-action` too (Chromium
        // blocks a 303 to another origin), so the posts that end at an identity provider (logging
        // in, linking it to an account, logging out of it) answer with a page that moves on by
        // itself (`app::onward`): no provider's origin belongs here, nor those of the hosts a
        // provider redirects through.
        let form_action =
            std::iter::once("'self'").chain(config.trusted_origins.iter().map(String::as_str)).collect::<Vec<_>>();
        let csp = format!(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; \
             base-uri 'none'; frame-ancestors 'none'; form-action {}",
            form_action.join(" ")
        );
        let post_limit = config.post_limit;
        Limits {
            csp: HeaderValue::from_str(&csp).expect("ASCII policy"),
            per_ip: post_limit.map(|l| RateLimiter::keyed(quota(l))),
            per_mailbox: config.mail_limit.map(|l| {
                let every = Quota::with_period(l.every).expect("a non-zero period");
                RateLimiter::keyed(every.allow_burst(NonZeroU32::new(l.burst.max(1)).expect("non-zero")))
            }),
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
        let too_many = |what: &str, refused| {
            ApiError::too_many(
                format!("Prea multe semnături {what} într-un timp scurt. Încercați din nou peste câteva minute."),
                wait(&refused),
            )
        };
        per_net.check_key(&net).map_err(|r| too_many("din aceeași rețea", r))?;
        if !large_provider {
            per_domain.check_key(&domain.to_owned()).map_err(|r| too_many(&format!("cu adrese @{domain}"), r))?;
        }
        Ok(())
    }

    /// Whether one more mail may be sent, on request, to the mailbox `address` reaches (its
    /// aliases count together).
    pub fn email(&self, address: &str) -> Result<(), ApiError> {
        let Some(limiter) = &self.per_mailbox else { return Ok(()) };
        let mailbox = crate::email::parse(address).map_or_else(|_| address.to_lowercase(), |a| a.mailbox);
        limiter.check_key(&mailbox).map_err(|refused| {
            let wait = wait(&refused);
            ApiError::too_many(
                format!(
                    "Am trimis deja mai multe mesaje la această adresă. Verificați căsuța de e-mail (și dosarul Spam) \
                     sau încercați din nou peste {} minute.",
                    wait.as_secs().div_ceil(60).max(1)
                ),
                wait,
            )
        })
    }

    /// Drops the state of keys that are back to a full burst, so the maps do not grow forever.
    fn forget_idle(&self) {
        if let Some(l) = &self.per_ip {
            l.retain_recent();
        }
        if let Some(l) = &self.per_mailbox {
            l.retain_recent();
        }
        if let Some((a, b)) = &self.signing {
            a.retain_recent();
            b.retain_recent();
        }
    }
}

/// Every minute, forgets the limits' idle keys.
pub async fn forget_idle(app: App) {
    let mut every = tokio::time::interval(Duration::from_secs(60));
    loop {
        every.tick().await;
        app.limits.forget_idle();
    }
}

/// The key a client address counts under in the per-address limit: an IPv4 address itself, an
/// IPv6 address by its /64. The /64 is the smallest network a subscriber is given, and a host
/// picks addresses in it at will (privacy extensions), so counting each would let one client
/// take as many limits as it likes.
fn per_ip_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(a) => IpAddr::V6(Ipv6Addr::from(u128::from(a) & !(u128::MAX >> 64))),
        v4 => v4,
    }
}

/// The client's address: the TCP peer's, or behind a trusted proxy the one it forwarded for.
pub fn client_ip(request: &Request) -> IpAddr {
    address(request.extensions())
}

fn address(extensions: &axum::http::Extensions) -> IpAddr {
    extensions.get::<Client>().map_or_else(|| peer(extensions), |c| c.0)
}

/// The TCP peer's address.
fn peer(extensions: &axum::http::Extensions) -> IpAddr {
    // An IPv4 client of a dual-stack listener arrives as ::ffff:a.b.c.d; it is counted as the
    // IPv4 address it is (not as part of the one IPv6 /64 all IPv4 clients map to).
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |ConnectInfo(a)| a.ip().to_canonical())
}

/// The client's address as [`client_address`] found it.
#[derive(Clone, Copy)]
struct Client(IpAddr);

/// Finds who the client is, once per request, for every limit and handler after it: the TCP
/// peer, or when the peer is a trusted proxy, the client it forwarded for ([`forwarded_client`]).
pub async fn client_address(State(trusted): State<Arc<[IpNet]>>, mut request: Request, next: Next) -> Response {
    let client = forwarded_client(peer(request.extensions()), request.headers(), &trusted);
    request.extensions_mut().insert(Client(client));
    next.run(request).await
}

/// The client behind `peer`. A peer that is not a trusted proxy is the client, whatever its
/// headers say. A trusted one forwarded the request for someone: every proxy appends the address
/// it received the request from, so the client is the right-most address of the chain that is
/// not itself a trusted proxy (everything left of it was written by the client, who may write
/// anything). The chain is `X-Forwarded-For` (what nginx, HAProxy, Caddy, Traefik and most CDNs
/// set) or, without one, the `for=` of RFC 7239 `Forwarded`. An entry that is not an address
/// (`unknown`, an obfuscated `_name`) ends the walk at the trusted proxy right of it; a chain of
/// trusted addresses only (a client inside the trusted network) gives its left-most.
pub fn forwarded_client(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|net| net.contains(&ip));
    let peer = peer.to_canonical();
    if !is_trusted(peer) {
        return peer;
    }
    let mut client = peer;
    for hop in chain_from_the_right(headers) {
        let Some(ip) = hop else { break };
        client = ip;
        if !is_trusted(ip) {
            break;
        }
    }
    client
}

/// The forwarding chain, right-most (nearest) entry first, each an address or `None` when it is
/// not one. Read lazily: a client may send a long chain, and only its right end matters.
fn chain_from_the_right(headers: &HeaderMap) -> Box<dyn Iterator<Item = Option<IpAddr>> + '_> {
    let entries = |name: header::HeaderName| {
        headers.get_all(name).into_iter().rev().flat_map(|value| value.to_str().unwrap_or("\0").rsplit(','))
    };
    if headers.contains_key("x-forwarded-for") {
        return Box::new(entries(header::HeaderName::from_static("x-forwarded-for")).map(node));
    }
    // Forwarded: for=192.0.2.60;proto=http;by=203.0.113.43, for="[2001:db8:cafe::17]:4711"
    Box::new(entries(header::FORWARDED).map(|element| {
        element.split(';').find_map(|pair| {
            let (name, value) = pair.split_once('=')?;
            name.trim().eq_ignore_ascii_case("for").then(|| node(value.trim().trim_matches('"')))
        })?
    }))
}

/// One entry of a chain: `192.0.2.1`, `2001:db8::1`, `[2001:db8::1]`, with or without a port.
fn node(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    entry
        .parse::<IpAddr>()
        .or_else(|_| entry.parse::<SocketAddr>().map(|a| a.ip()))
        .or_else(|_| entry.strip_prefix('[').and_then(|e| e.strip_suffix(']')).unwrap_or("").parse::<IpAddr>())
        .ok()
        .map(|ip| ip.to_canonical())
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
        if let Err(refused) = limiter.check_key(&per_ip_key(ip)) {
            return ApiError::too_many(
                "Prea multe cereri de la această adresă într-un timp scurt. Așteptați un minut și încercați din nou.",
                wait(&refused),
            )
            .into_response();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_count_by_their_64_and_ipv4_ones_each() {
        let key = |s: &str| per_ip_key(s.parse().unwrap());
        assert_eq!(key("2001:db8:1:2::1"), key("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        assert_eq!(key("2001:db8:1:2:abcd::9"), "2001:db8:1:2::".parse::<IpAddr>().unwrap());
        assert_ne!(key("2001:db8:1:2::1"), key("2001:db8:1:3::1"));
        assert_ne!(key("192.0.2.1"), key("192.0.2.2"));
        // IPv4 mapped into IPv6 (a dual-stack listener) stays one address per client.
        assert_eq!(key("::ffff:192.0.2.1"), key("192.0.2.1"));
        assert_ne!(key("::ffff:192.0.2.1"), key("::ffff:192.0.2.2"));
    }

    fn client(peer: &str, headers: &[(&str, &str)], trusted: &[&str]) -> String {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(header::HeaderName::from_bytes(name.as_bytes()).unwrap(), HeaderValue::from_str(value).unwrap());
        }
        let trusted: Vec<IpNet> = trusted.iter().map(|t| crate::config::parse_network(t).unwrap()).collect();
        forwarded_client(peer.parse().unwrap(), &map, &trusted).to_string()
    }

    #[test]
    fn the_client_is_the_right_most_untrusted_address_and_only_behind_a_trusted_peer() {
        let xff = |v| [("x-forwarded-for", v)];
        // A peer that is not trusted is the client, whatever it claims.
        assert_eq!(client("198.51.100.7", &xff("203.0.113.1"), &["10.0.0.0/8"]), "198.51.100.7");
        assert_eq!(client("198.51.100.7", &[("forwarded", "for=203.0.113.1")], &[]), "198.51.100.7");
        // Behind a trusted proxy: the address it received from, not what the client put before it.
        assert_eq!(client("10.0.0.2", &xff("203.0.113.1"), &["10.0.0.0/8"]), "203.0.113.1");
        assert_eq!(client("10.0.0.2", &xff("1.1.1.1, 203.0.113.1"), &["10.0.0.0/8"]), "203.0.113.1");
        // Two proxies, both trusted (a CDN, then the local nginx), each appending.
        assert_eq!(client("10.0.0.2", &xff("1.1.1.1, 203.0.113.1, 10.9.9.9"), &["10.0.0.0/8"]), "203.0.113.1");
        assert_eq!(client("10.0.0.2", &xff("1.1.1.1, 203.0.113.1, 192.0.2.5"), &["10.0.0.0/8"]), "192.0.2.5");
        // Several header lines are one list, in order.
        assert_eq!(
            client(
                "10.0.0.2",
                &[("x-forwarded-for", "1.1.1.1"), ("x-forwarded-for", "203.0.113.1, 10.0.0.9")],
                &["10.0.0.0/8"]
            ),
            "203.0.113.1"
        );
        // Ports, brackets, IPv4 mapped into IPv6.
        assert_eq!(client("10.0.0.2", &xff("203.0.113.1:4711"), &["10.0.0.0/8"]), "203.0.113.1");
        assert_eq!(client("10.0.0.2", &xff("[2001:db8::1]:80"), &["10.0.0.0/8"]), "2001:db8::1");
        assert_eq!(client("::ffff:10.0.0.2", &xff("::ffff:203.0.113.1"), &["10.0.0.0/8"]), "203.0.113.1");
        // Something that is not an address stops the walk at the proxy right of it.
        assert_eq!(client("10.0.0.2", &xff("203.0.113.1, unknown"), &["10.0.0.0/8"]), "10.0.0.2");
        assert_eq!(client("10.0.0.2", &xff("203.0.113.1, unknown, 10.0.0.3"), &["10.0.0.0/8"]), "10.0.0.3");
        assert_eq!(client("10.0.0.2", &xff(""), &["10.0.0.0/8"]), "10.0.0.2");
        // Only trusted addresses: a client inside the trusted network.
        assert_eq!(client("10.0.0.2", &xff("10.0.0.7, 10.0.0.8"), &["10.0.0.0/8"]), "10.0.0.7");
        // No chain at all: the proxy itself.
        assert_eq!(client("10.0.0.2", &[], &["10.0.0.0/8"]), "10.0.0.2");
    }

    #[test]
    fn forwarded_by_rfc_7239_when_there_is_no_x_forwarded_for() {
        let t = ["10.0.0.0/8", "fd00::/8"];
        let fwd = |v| [("forwarded", v)];
        assert_eq!(client("10.0.0.2", &fwd("for=192.0.2.60;proto=http;by=203.0.113.43"), &t), "192.0.2.60");
        assert_eq!(client("10.0.0.2", &fwd("for=1.1.1.1, For=\"[2001:db8:cafe::17]:4711\""), &t), "2001:db8:cafe::17");
        assert_eq!(client("fd00::1", &fwd("for=192.0.2.60, for=\"[fd00::9]\""), &t), "192.0.2.60");
        // Obfuscated or unknown nodes, or an element without `for`, are not addresses.
        assert_eq!(client("10.0.0.2", &fwd("for=192.0.2.60, for=_hidden"), &t), "10.0.0.2");
        assert_eq!(client("10.0.0.2", &fwd("for=192.0.2.60, proto=https"), &t), "10.0.0.2");
        // X-Forwarded-For wins when both are there (a proxy that sets it passes the client's Forwarded on).
        assert_eq!(
            client("10.0.0.2", &[("forwarded", "for=1.1.1.1"), ("x-forwarded-for", "203.0.113.1")], &t),
            "203.0.113.1"
        );
    }

    #[tokio::test]
    async fn handlers_and_limits_read_the_forwarded_client() {
        use tower::ServiceExt;
        let trusted: Arc<[IpNet]> = Arc::from(vec![crate::config::parse_network("127.0.0.1").unwrap()]);
        let router = axum::Router::new()
            .route(
                "/",
                axum::routing::get(|ClientIp(ip): ClientIp, request: Request| async move {
                    format!("{ip} {}", client_ip(&request))
                }),
            )
            .layer(axum::middleware::from_fn_with_state(trusted, client_address));
        let ask = |peer: &str, xff: &str| {
            let mut request =
                Request::builder().uri("/").header("x-forwarded-for", xff).body(axum::body::Body::empty()).unwrap();
            request.extensions_mut().insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
            let router = router.clone();
            async move {
                let response = router.oneshot(request).await.unwrap();
                String::from_utf8(axum::body::to_bytes(response.into_body(), 1024).await.unwrap().to_vec()).unwrap()
            }
        };
        assert_eq!(ask("127.0.0.1:5000", "192.0.2.9").await, "192.0.2.9 192.0.2.9");
        assert_eq!(ask("127.0.0.2:5000", "192.0.2.9").await, "127.0.0.2 127.0.0.2");
    }
}
