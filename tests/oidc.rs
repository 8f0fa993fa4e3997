//! Logging in with a real OpenID Connect provider: oidc-provider (npm, pinned in
//! tests/package-lock.json) on loopback, standing in for ROeID, driven by an HTTP client that
//! follows its pages as a person would. The checks of the ID token itself (tampered, wrong
//! nonce, expired, wrong audience, other issuer) are unit tests in `api/src/oidc/verify.rs`,
//! on tokens minted there; here are the ones a browser can meet. Client authentication at the
//! token endpoint is checked by the provider itself: a secret (basic or post) or a JWT signed
//! with civic's private key (`private_key_jwt`, test-only keys in `tests/tools/oidc_keys/`).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

use civic_tests::api::{TestApi, browser, build_site, link_token, start_until_ready};
use reqwest::StatusCode;
use reqwest::multipart::Form;
use serde_json::Value;

const PROVIDER: &str = "test-eid";
const CALLBACK: &str = "/api/auth/oidc/test-eid/callback";
/// The CNP the test provider sends for users whose name starts with `cnp-`.
const FAKE_CNP: &str = "1960101410019";

/// oidc-provider on 127.0.0.1 (`tests/tools/oidc_provider.mjs`), stopped when dropped.
struct Idp {
    child: Child,
    issuer: String,
}

impl Idp {
    /// `env`: CIVIC_IDP_AUTH_METHODS, CIVIC_IDP_AUTH_ALGS (what the provider accepts).
    fn start(port: u16, redirect_uri: &str, post_logout: &str, env: &[(&str, &str)]) -> Idp {
        let root = civic_tests::root();
        assert!(
            root.join("tests/node_modules/oidc-provider/package.json").exists(),
            "tests/node_modules/oidc-provider is missing: run `npm ci --prefix tests --ignore-scripts` (tests/run.sh does)"
        );
        let mut provider = Command::new("node");
        provider
            .arg(root.join("tests/tools/oidc_provider.mjs"))
            .args([&port.to_string(), redirect_uri, post_logout])
            .envs(env.iter().copied())
            .stderr(Stdio::null());
        let (child, issuer) = start_until_ready(&mut provider, "the test provider");
        Idp { child, issuer }
    }
}

impl Drop for Idp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The sample site, with the report form (`sesizare`) requiring an eID at level substantial.
fn eid_site() -> &'static Path {
    static SITE: OnceLock<tempfile::TempDir> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let content = dir.path().join("content");
        civic_tests::copy_dir(&civic_tests::root().join("content"), &content);
        let form = content.join("forms/sesizare.md");
        let text = std::fs::read_to_string(&form).unwrap();
        assert!(text.contains("\nassurance: none\n"));
        std::fs::write(&form, text.replace("\nassurance: none\n", "\nassurance: eid_substantial\n")).unwrap();
        build_site(content, &dir.path().join("public"));
        dir
    })
    .path()
    .join("public")
    .leak()
}

/// The API with the test provider configured (as `--oidc FILE` would), and the provider.
/// With `mail`, the API sends its mail to a real SMTP server ([`TestApi::mail`]).
async fn start(mail: bool) -> (TestApi, Idp) {
    start_with(SECRET_BASIC, &[], mail).await
}

/// The client settings of each way civic authenticates to the provider's token endpoint.
const SECRET_BASIC: &str = r#""client_id": "civic-test", "client_secret_env": "TEST_SECRET""#;
const SECRET_POST: &str = r#""client_id": "civic-test-post", "client_secret_env": "TEST_SECRET",
    "token_endpoint_auth_method": "client_secret_post""#;
/// RS256, the kid its RFC 7638 thumbprint, the assertion addressed to the issuer.
const KEY_RS256: &str =
    r#""client_id": "civic-test-rs256", "token_endpoint_auth_method": "private_key_jwt", "private_key": "rs256.pem""#;
/// ES256 (a SEC1 PEM), a kid given, the assertion addressed to the token endpoint.
const KEY_ES256: &str = r#""client_id": "civic-test-es256", "token_endpoint_auth_method": "private_key_jwt",
    "private_key": "es256.pem", "key_id": "civic-test-es256", "assertion_audience": "token_endpoint""#;

/// [`start`] with these client settings (private keys relative to `tests/tools/oidc_keys/`) and
/// the provider's environment.
async fn start_with(client: &str, idp_env: &[(&str, &str)], mail: bool) -> (TestApi, Idp) {
    let port = free_port();
    let file = format!(
        r#"{{"providers": [{{"id": "{PROVIDER}", "name": "Identitate de test",
            "description": "Furnizorul de test, în locul ROeID.",
            "issuer": "http://127.0.0.1:{port}", {client},
            "scopes": ["openid", "profile"], "userinfo": true, "acr_values": ["substantial"],
            "assurance": {{"claim": "acr", "values": {{"substantial": "eid_substantial"}}}}}}]}}"#
    );
    let keys = civic_tests::root().join("tests/tools/oidc_keys");
    let providers = civic_api::oidc::config::parse(&file, &keys, |_| Some("civic-test-secret".into())).unwrap();
    let mut api = TestApi::builder().with_site(eid_site()).with_config(|c| c.oidc = providers);
    if mail {
        api = api.with_mail();
    }
    let api = api.start().await;
    let idp = Idp::start(port, &api.url(CALLBACK), &api.url("/"), idp_env);
    (api, idp)
}

fn location(r: &reqwest::Response) -> String {
    r.headers().get("location").unwrap_or_else(|| panic!("a redirect, not {}", r.status())).to_str().unwrap().to_owned()
}

/// Where a page on the way to the provider sends the browser: it moves on by itself
/// (`Refresh: 0; url=…`) and links there, rather than redirect, as the form posts that lead to
/// a provider answer (a browser holds a form post's redirects to the CSP's `form-action`, which
/// stays 'self').
async fn onward(r: reqwest::Response) -> String {
    assert_eq!(r.status(), StatusCode::OK, "a page on the way to the provider");
    let csp = r.headers().get("content-security-policy").unwrap().to_str().unwrap().to_owned();
    assert!(csp.ends_with("form-action 'self'"), "{csp}");
    let refresh = r.headers().get("refresh").expect("a Refresh header").to_str().unwrap().to_owned();
    let to = refresh.strip_prefix("0; url=").unwrap_or_else(|| panic!("{refresh}")).to_owned();
    let page = r.text().await.unwrap();
    assert!(page.contains("Continuați la Identitate de test</a>"), "a link for a browser that stays: {page}");
    to
}

fn absolute(base: &str, location: &str) -> String {
    if location.starts_with("http") { location.to_owned() } else { format!("{base}{location}") }
}

/// Starts a login at civic and goes through the provider's pages as a person: its login form
/// (user name and level), until the provider sends the browser back. Returns that address
/// (civic's callback with `code`, `state`, `iss`), not yet opened.
async fn through_provider(
    client: &reqwest::Client,
    api: &TestApi,
    idp: &Idp,
    form: &[(&str, &str)],
    user: &str,
    level: &str,
) -> String {
    let r = client.post(api.url(&format!("/api/auth/oidc/{PROVIDER}"))).form(form).send().await.unwrap();
    let authorize = onward(r).await;
    assert!(authorize.starts_with(&format!("{}/auth?", idp.issuer)), "{authorize}");
    for param in ["code_challenge_method=S256", "code_challenge=", "state=", "nonce=", "client_id=civic-test"] {
        assert!(authorize.contains(param), "{param} in {authorize}");
    }
    // The provider's redirects, and its login page when it has no session of its own yet.
    let mut next = authorize;
    while next.starts_with(&idp.issuer) {
        let r = client.get(&next).send().await.unwrap();
        if r.status().is_redirection() {
            next = absolute(&idp.issuer, &location(&r));
            continue;
        }
        let page = r.text().await.unwrap();
        let action =
            page.split("action=\"").nth(1).and_then(|s| s.split('"').next()).expect("the provider's login form");
        let r =
            client.post(absolute(&idp.issuer, action)).form(&[("login", user), ("level", level)]).send().await.unwrap();
        next = absolute(&idp.issuer, &location(&r));
    }
    assert!(next.starts_with(&api.url(CALLBACK)), "{next}");
    next
}

/// A whole login: through the provider and back to civic; returns where civic sends the browser.
async fn log_in(client: &reqwest::Client, api: &TestApi, idp: &Idp, user: &str, level: &str, next: &str) -> String {
    let callback = through_provider(client, api, idp, &[("next", next)], user, level).await;
    let r = client.get(&callback).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    location(&r)
}

fn report() -> Form {
    Form::new()
        .text("categorie", "drumuri")
        .text("loc", "Str. Ștefan cel Mare nr. 10")
        .text("descriere", "Groapă adâncă în carosabil, în dreptul școlii; mașinile o ocolesc pe contrasens.")
        .text("nume", "Ana Popescu")
        .text("email", "ana@example.ro")
}

/// Nobody is logged in on `client`: "Contul meu" sends it to the login page.
async fn assert_logged_out(client: &reqwest::Client, api: &TestApi) {
    let r = client.get(api.url("/api/cont")).send().await.unwrap();
    assert_eq!((r.status(), location(&r).as_str()), (StatusCode::SEE_OTHER, "/api/cont/autentificare?next=/api/cont"));
}

async fn page(client: &reqwest::Client, url: String) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

/// An error page's message (the JSON form of the same answer).
async fn refusal(r: reqwest::Response) -> (StatusCode, String) {
    let status = r.status();
    let text = r.text().await.unwrap();
    (status, text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_needing_an_eid_sends_people_to_the_provider_and_back_then_accepts_them() {
    let (api, idp) = start(false).await;
    let client = browser();

    // Anonymous: refused, with the way to the login page that asks for the eID level.
    let r = client
        .post(api.url("/api/forms/sesizare"))
        .header("accept", "application/json")
        .multipart(report())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let body: Value = r.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("identitatea electronică"), "{body}");
    let back = body["back"].as_str().unwrap().to_owned();
    assert!(back.starts_with("/api/cont/autentificare?next=") && back.ends_with("&nivel=eid_substantial"), "{back}");

    // The login page says why e-mail is not enough here and offers the provider (no JS needed).
    let login = page(&client, api.url(&back)).await;
    assert!(login.contains("cere identificare cu identitatea electronică"), "{login}");
    assert!(login.contains("Intră cu Identitate de test"));
    assert!(login.contains(&format!("action=\"/api/auth/oidc/{PROVIDER}\"")));
    assert!(login.contains("Nu păstrăm codul numeric personal"));

    // Through the provider at level "substantial", and back to the form.
    let form_url = "/formulare/sesizare/";
    assert_eq!(log_in(&client, &api, &idp, "ana", "substantial", form_url).await, form_url);
    let r = client.post(api.url("/api/forms/sesizare")).multipart(report()).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "registered");
    assert!(location(&r).starts_with("/api/dosar/TM-2026-"));

    // The account shows the provider, the level and what was received; it has no e-mail.
    let account = page(&client, api.url("/api/cont")).await;
    assert!(account.contains("Identitate de test"), "{account}");
    assert!(account.contains("<code>ana</code>"), "the provider's subject");
    assert!(account.contains("identitate electronică (ROeID), nivel substanțial"));
    assert!(account.contains("prenumele (păstrat ca nume)"));
    assert!(account.contains("Ana Test ana"), "the name from userinfo");
    assert!(account.contains("fără adresă de e-mail"));
    let db = api.db();
    let (email, assurance): (Option<String>, String) = db
        .query_row(
            "SELECT a.email, i.assurance FROM account a JOIN identity i ON i.account_id = a.id WHERE i.subject = 'ana'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((email, assurance.as_str()), (None, "eid_substantial"));
    let pending: i64 = db.query_row("SELECT count(*) FROM oidc_flow WHERE used_at IS NULL", [], |r| r.get(0)).unwrap();
    assert_eq!(pending, 0);

    // Someone whose provider login reaches only "low" is logged in, but the form still refuses.
    let other = browser();
    assert_eq!(log_in(&other, &api, &idp, "ion", "low", form_url).await, form_url);
    let r = other.post(api.url("/api/forms/sesizare")).multipart(report()).send().await.unwrap();
    let (status, text) = refusal(r).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(text.contains("mai mult decât autentificarea cu care ați intrat"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_that_do_not_belong_to_the_login_are_refused_with_a_clear_message() {
    let (api, idp) = start(false).await;
    let client = browser();

    // A replayed state: the first answer logs in, the same answer again is refused.
    let callback = through_provider(&client, &api, &idp, &[("next", "/api/cont")], "ana", "substantial").await;
    assert!(callback.contains("iss="), "the provider names itself (RFC 9207)");
    assert_eq!(client.get(&callback).send().await.unwrap().status(), StatusCode::SEE_OTHER);
    let (status, text) = refusal(client.get(&callback).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.contains("a fost deja folosit"), "{text}");

    // An answer opened in another browser (a link someone was sent) logs no one in.
    let callback = through_provider(&client, &api, &idp, &[], "ana", "substantial").await;
    let (status, text) = refusal(browser().get(&callback).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.contains("din alt browser"), "{text}");

    // A state civic never gave out.
    let (status, text) =
        refusal(client.get(api.url(&format!("{CALLBACK}?code=x&state=made-up"))).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.contains("nu a fost pornită de pe acest site"), "{text}");

    // The rest need a started login: its state is in the address the provider is sent to.
    let started = |client: reqwest::Client| {
        let url = api.url(&format!("/api/auth/oidc/{PROVIDER}"));
        async move {
            let r = client.post(url).form(&[("next", "/api/cont")]).send().await.unwrap();
            let to = onward(r).await;
            to.split("state=").nth(1).unwrap().split('&').next().unwrap().to_owned()
        }
    };
    // The person cancelled at the provider.
    let state = started(client.clone()).await;
    let url = api.url(&format!("{CALLBACK}?state={state}&error=access_denied&error_description=End-User+aborted"));
    let (status, text) = refusal(client.get(url).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.contains("a fost anulată sau refuzată (access_denied: End-User aborted)"), "{text}");
    // An answer naming an issuer other than the provider (a mix-up attack).
    let state = started(client.clone()).await;
    let url = api.url(&format!("{CALLBACK}?state={state}&code=abc&iss=https%3A%2F%2Fevil.example"));
    let (status, text) = refusal(client.get(url).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.contains("emitent necunoscut (https://evil.example)"), "{text}");
    // A made-up authorization code: the provider refuses it, and so does civic.
    let state = started(client.clone()).await;
    let url = api.url(&format!("{CALLBACK}?state={state}&code=forged-code&iss={}", idp.issuer));
    let (status, text) = refusal(client.get(url).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.contains("nu a acceptat codul de autorizare (invalid_grant)"), "{text}");
    // An expired login (its time passed in the database).
    let state = started(client.clone()).await;
    api.db().execute("UPDATE oidc_flow SET expires_at = '2000-01-01T00:00:00Z' WHERE used_at IS NULL", []).unwrap();
    let (status, text) =
        refusal(client.get(api.url(&format!("{CALLBACK}?state={state}&code=x"))).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(text.contains("Au trecut mai mult de 10 minute"), "{text}");
    // An unknown provider.
    let r = client.post(api.url("/api/auth/oidc/nobody")).form(&[("next", "/")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // None of these left a session behind.
    let sessions: i64 = api.db().query_row("SELECT count(*) FROM session", [], |r| r.get(0)).unwrap();
    assert_eq!(sessions, 1, "only the first, good answer logged in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cnp_sent_by_the_provider_is_shown_as_received_and_never_stored() {
    let (api, idp) = start(false).await;
    let client = browser();
    log_in(&client, &api, &idp, "cnp-maria", "substantial", "/api/cont").await;
    let account = page(&client, api.url("/api/cont")).await;
    assert!(account.contains("codul numeric personal (CNP) (cod numeric personal — nu l-am păstrat)"), "{account}");
    assert!(!account.contains(FAKE_CNP));
    let export = page(&client, api.url("/api/cont/export")).await;
    assert!(export.contains("\"cnp\"") && !export.contains(FAKE_CNP), "{export}");
    // Nowhere in the database.
    let db = api.db();
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for table in tables {
        let mut s = db.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let columns = s.column_count();
        let rows: Vec<String> = s
            .query_map([], |r| {
                Ok((0..columns)
                    .map(|i| match r.get_ref(i).unwrap() {
                        rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                        rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                        _ => String::new(),
                    })
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(rows.iter().all(|r| !r.contains(FAKE_CNP)), "the CNP is in {table}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_is_linked_only_by_someone_logged_in_who_completes_its_login_and_can_be_unlinked() {
    let (api, idp) = start(true).await;
    let sink = api.mail();

    // Dan has an e-mail account.
    let dan = browser();
    dan.post(api.url("/api/auth/magic-link")).form(&[("email", "dan@example.ro")]).send().await.unwrap();
    let token = link_token(&sink.find("dan@example.ro", "Linkul de autentificare").body);
    dan.post(api.url("/api/auth/link")).form(&[("token", token.as_str())]).send().await.unwrap();
    let account = page(&dan, api.url("/api/cont")).await;
    assert!(account.contains("Leagă Identitate de test de cont"), "{account}");

    // Linking needs the account's login: a stranger gets a 401 that says so.
    let r = browser().post(api.url(&format!("/api/auth/oidc/{PROVIDER}"))).form(&[("link", "1")]).send().await.unwrap();
    let (status, text) = refusal(r).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(text.contains("autentificați-vă mai întâi în cont"), "{text}");

    // Dan, logged in, completes the provider's login: the identity joins his account.
    let callback = through_provider(&dan, &api, &idp, &[("link", "1")], "dan", "substantial").await;
    let r = dan.get(&callback).send().await.unwrap();
    assert_eq!(location(&r), "/api/cont");
    let account = page(&dan, api.url("/api/cont")).await;
    assert!(account.contains("dan@example.ro") && account.contains("<code>dan</code>"), "{account}");
    assert!(account.contains("Nivel de identificare</dt><dd>identitate electronică (ROeID), nivel substanțial"));

    // Later, logging in with the provider alone opens the same account.
    let again = browser();
    log_in(&again, &api, &idp, "dan", "substantial", "/api/cont").await;
    assert!(page(&again, api.url("/api/cont")).await.contains("dan@example.ro"));
    let accounts: i64 = api.db().query_row("SELECT count(*) FROM account", [], |r| r.get(0)).unwrap();
    assert_eq!(accounts, 1);

    // Someone else's account cannot take Dan's provider identity.
    let eva = browser();
    eva.post(api.url("/api/auth/magic-link")).form(&[("email", "eva@example.ro")]).send().await.unwrap();
    let token = link_token(&sink.find("eva@example.ro", "Linkul de autentificare").body);
    eva.post(api.url("/api/auth/link")).form(&[("token", token.as_str())]).send().await.unwrap();
    let callback = through_provider(&eva, &api, &idp, &[("link", "1")], "dan", "substantial").await;
    let (status, text) = refusal(eva.get(&callback).send().await.unwrap()).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(text.contains("este deja legată de alt cont"), "{text}");

    // Dan unlinks it: gone from the account, and his session falls back to the e-mail level.
    let r = dan.post(api.url(&format!("/api/auth/oidc/{PROVIDER}/unlink"))).send().await.unwrap();
    assert_eq!(location(&r), "/api/cont");
    let account = page(&dan, api.url("/api/cont")).await;
    assert!(!account.contains("<code>dan</code>"), "{account}");
    assert!(account.contains("Nivel de identificare</dt><dd>adresă de e-mail confirmată"));
    let r = dan.post(api.url(&format!("/api/auth/oidc/{PROVIDER}/unlink"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // A new provider login for "dan" now makes a new account; nothing merges on e-mail.
    let fresh = browser();
    log_in(&fresh, &api, &idp, "dan", "substantial", "/api/cont").await;
    assert!(page(&fresh, api.url("/api/cont")).await.contains("fără adresă de e-mail"));

    // That account has only the provider: it cannot be unlinked (it would lock the person out).
    let r = fresh.post(api.url(&format!("/api/auth/oidc/{PROVIDER}/unlink"))).send().await.unwrap();
    let (status, text) = refusal(r).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(text.contains("singura modalitate prin care puteți intra"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logging_out_ends_the_session_at_the_provider_too() {
    let (api, idp) = start(false).await;
    let client = browser();
    log_in(&client, &api, &idp, "ana", "substantial", "/api/cont").await;
    let r = client.post(api.url("/api/auth/logout")).send().await.unwrap();
    let cookie = r.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert!(cookie.contains("Max-Age=0"), "the session cookie is removed at once: {cookie}");
    let to = onward(r).await;
    assert!(to.starts_with(&format!("{}/session/end?", idp.issuer)), "{to}");
    assert!(to.contains("client_id=civic-test") && to.contains("post_logout_redirect_uri="), "{to}");
    // The provider accepts the request (a registered client and return address).
    assert_eq!(client.get(&to).send().await.unwrap().status(), StatusCode::OK);
    // And civic's own session is over.
    assert_logged_out(&client, &api).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_json_client_is_sent_to_the_provider_by_a_redirect() {
    // No form, no form-action to respect: the plain 303.
    let (api, idp) = start(false).await;
    let r = browser()
        .post(api.url(&format!("/api/auth/oidc/{PROVIDER}")))
        .header("accept", "application/json")
        .header("content-type", "application/json")
        .body(r#"{"next": "/api/cont"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(r.headers().get("refresh").is_none());
    assert!(location(&r).starts_with(&format!("{}/auth?", idp.issuer)), "{}", location(&r));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_that_does_not_answer_gives_a_page_that_says_so() {
    // A provider configured on a loopback port nothing listens on.
    let port = free_port();
    let file = format!(
        r#"{{"providers": [{{"id": "down", "name": "ROeID", "issuer": "http://127.0.0.1:{port}", "client_id": "civic"}}]}}"#
    );
    let providers = civic_api::oidc::config::parse(&file, Path::new("."), |_| None).unwrap();
    let api = TestApi::builder().with_config(|c| c.oidc = providers).start().await;
    let r = browser().post(api.url("/api/auth/oidc/down")).form(&[("next", "/")]).send().await.unwrap();
    let (status, text) = refusal(r).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert!(text.contains("ROeID nu răspunde acum"), "{text}");
    assert!(text.contains("alegeți altă variantă"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_authenticates_with_a_secret_in_the_body_or_a_jwt_signed_with_its_rsa_or_ec_key() {
    for client in [SECRET_POST, KEY_RS256, KEY_ES256] {
        let (api, idp) = start_with(client, &[], false).await;
        let browser = browser();
        assert_eq!(log_in(&browser, &api, &idp, "ana", "substantial", "/api/cont").await, "/api/cont", "{client}");
        let account = page(&browser, api.url("/api/cont")).await;
        assert!(account.contains("<code>ana</code>") && account.contains("nivel substanțial"), "{client}: {account}");

        // The public key to register with the provider: only the public members.
        let r = browser.get(api.url(&format!("/api/auth/oidc/{PROVIDER}/jwks.json"))).send().await.unwrap();
        if client == SECRET_POST {
            assert_eq!(r.status(), StatusCode::NOT_FOUND, "no key with a secret");
            continue;
        }
        assert_eq!(r.status(), StatusCode::OK);
        let jwks: Value = r.json().await.unwrap();
        let key = jwks["keys"].as_array().filter(|k| k.len() == 1).map(|k| &k[0]).expect("one key");
        let mut members: Vec<&str> = key.as_object().unwrap().keys().map(String::as_str).collect();
        members.sort_unstable();
        if client == KEY_RS256 {
            assert_eq!(members, ["alg", "e", "kid", "kty", "n", "use"]);
            assert_eq!((&key["alg"], &key["kty"]), (&"RS256".into(), &"RSA".into()));
            // The provider found the key by this kid, which it computed itself (RFC 7638).
            assert_eq!(key["kid"].as_str().unwrap().len(), 43);
        } else {
            assert_eq!(members, ["alg", "crv", "kid", "kty", "use", "x", "y"]);
            assert_eq!(
                (&key["alg"], &key["crv"], &key["kid"]),
                (&"ES256".into(), &"P-256".into(), &"civic-test-es256".into())
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assertion_signed_by_another_key_is_refused_by_the_provider_and_logs_no_one_in() {
    // Another EC key under the registered kid (the provider checks the signature with the
    // registered key), and another RSA key under its own thumbprint (a kid the provider has not).
    let other_es256 = KEY_ES256.replace("es256.pem", "es256_other.pem");
    let other_rs256 = KEY_RS256.replace("rs256.pem", "rs256_other.pem");
    for client in [other_es256.as_str(), other_rs256.as_str()] {
        let (api, idp) = start_with(client, &[], false).await;
        let browser = browser();
        let callback = through_provider(&browser, &api, &idp, &[("next", "/api/cont")], "ana", "substantial").await;
        let r = browser.get(&callback).header("accept", "text/html").send().await.unwrap();
        let (status, text) = refusal(r).await;
        assert_eq!(status, StatusCode::BAD_GATEWAY, "{client}: {text}");
        assert!(text.contains("Identitate de test nu a recunoscut acest site"), "{text}");
        assert!(text.contains("Problema este la noi, nu la dumneavoastră"), "{text}");
        assert!(text.contains("<html") && text.contains("lang=\"ro\""), "the site's error page: {text}");
        let sessions: i64 = api.db().query_row("SELECT count(*) FROM session", [], |r| r.get(0)).unwrap();
        assert_eq!(sessions, 0, "{client}");
        assert_logged_out(&browser, &api).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_whose_discovery_does_not_accept_the_key_or_its_algorithm_gives_a_page_that_says_so() {
    for (client, idp_env) in [
        // No private_key_jwt at this provider.
        (KEY_RS256, [("CIVIC_IDP_AUTH_METHODS", "client_secret_basic,none")]),
        // private_key_jwt, but RS256 only: the EC key cannot be used.
        (KEY_ES256, [("CIVIC_IDP_AUTH_ALGS", "RS256")]),
    ] {
        let (api, _idp) = start_with(client, &idp_env, false).await;
        let r =
            browser().post(api.url(&format!("/api/auth/oidc/{PROVIDER}"))).form(&[("next", "/")]).send().await.unwrap();
        let (status, text) = refusal(r).await;
        assert_eq!(status, StatusCode::BAD_GATEWAY, "{client}: {text}");
        assert!(text.contains("Autentificarea cu Identitate de test nu este posibilă acum"), "{text}");
        assert!(text.contains("alegeți altă variantă"), "{text}");
        let flows: i64 = api.db().query_row("SELECT count(*) FROM oidc_flow", [], |r| r.get(0)).unwrap();
        assert_eq!(flows, 0, "no login started");
    }
}
