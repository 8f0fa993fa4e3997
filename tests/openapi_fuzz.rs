//! The API against its own OpenAPI document: schemathesis (pinned in tests/tools/requirements.txt,
//! installed into tests/.venv) reads `/api/openapi.json`, generates requests for every operation
//! — valid and invalid parameters and bodies — and checks every answer: never a 5xx, only
//! documented statuses and content types, bodies that match the documented schemas.
//!
//! The API runs as in tests/api.rs (a real SQLite file, a real SMTP server, no rate limits by
//! address), with a little data so that the fuzzer's examples reach real rows: a case with an
//! attached file (`TM-2026-000001`, file 1), an open petition with a confirmed signature (1) and
//! one still collecting supporters (2). It runs twice: anonymously, as a browser (pages, errors as
//! pages, 303s), over every operation; then as a member of staff (a session cookie) asking for
//! JSON, as an API client, over every operation but logout, which would end the session.
//!
//! No CSRF header is sent: a request without `Origin` and `Sec-Fetch-Site` (a non-browser
//! client) passes the CSRF layer, as curl and mail clients' one-click unsubscribe do. Bounded:
//! a fixed seed, a few examples per operation, a time limit on each run. `CIVIC_FUZZ_SEED` and
//! `CIVIC_FUZZ_EXAMPLES` explore further.

use std::process::Stdio;
use std::time::{Duration, Instant};

use civic_tests::api::TestApi;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
const STAFF: &str = "fuzz.staff@primariatm.ro";
const PASSWORD: &str = "parola personalului 1";

/// What a run may take at most (each run takes a fraction of it on 2 cores).
const RUN_LIMIT: Duration = Duration::from_secs(100);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_is_documented_and_none_is_a_server_error() {
    let schemathesis = civic_tests::root().join("tests/.venv/bin/schemathesis");
    assert!(
        schemathesis.exists(),
        "tests/.venv has no schemathesis: run `bash tests/tools/setup-python.sh` (tests/run.sh does)"
    );
    let api = TestApi::builder().with_mail().start().await;
    let cookie = seed(&api).await;

    // Both at once: each mostly waits for the API (a debug build), so together they take about
    // as long as one.
    let cookie = format!("Cookie: {cookie}");
    let staff = ["-H", &cookie, "-H", "Accept: application/json", "--exclude-operation-id", "logout"];
    let (anonymous, staff) = tokio::join!(run(&schemathesis, &api, &[]), run(&schemathesis, &api, &staff));
    for (who, (ok, took, out)) in [("anonymous", anonymous), ("staff", staff)] {
        eprintln!("schemathesis ({who}, {took:.1?}):\n{out}");
        assert!(ok, "schemathesis found answers the document does not describe ({who}); see above");
    }
}

/// Every `.route(…)` in api/src is an operation of the document, and the document has no other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_lists_every_route_of_the_api() {
    let api = TestApi::start().await;
    let doc: Value = reqwest::get(api.url("/api/openapi.json")).await.unwrap().json().await.unwrap();
    let documented: Vec<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            let methods = item.as_object().unwrap().keys().filter(|m| METHODS.contains(&m.as_str()));
            methods.map(move |m| format!("{} {path}", m.to_uppercase()))
        })
        .collect();
    let routed = routes(&civic_tests::root().join("api/src"));
    let missing: Vec<_> = routed.iter().filter(|r| !documented.contains(r)).collect();
    let unrouted: Vec<_> = documented.iter().filter(|d| !routed.contains(d)).collect();
    assert!(missing.is_empty(), "routes of api/src missing from /api/openapi.json: {missing:?}");
    assert!(unrouted.is_empty(), "operations of /api/openapi.json that api/src does not route: {unrouted:?}");
    assert!(routed.len() > 50, "api/src was read: {routed:?}");
}

const METHODS: [&str; 5] = ["get", "post", "put", "delete", "patch"];

/// `METHOD /path` of every `.route("/path", get(…).post(…))` in the `.rs` files under `dir`.
fn routes(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for file in civic_tests::walk_files(dir).into_iter().filter(|f| f.ends_with(".rs")) {
        for line in std::fs::read_to_string(dir.join(file)).unwrap().lines() {
            let Some((_, rest)) = line.split_once(".route(\"") else { continue };
            let (route, handlers) = rest.split_once('"').unwrap();
            for method in METHODS {
                let call = format!("{method}(");
                let calls = handlers
                    .match_indices(&call)
                    .filter(|(i, _)| !handlers[..*i].ends_with(|c: char| c.is_alphanumeric() || c == '_'));
                out.extend(calls.map(|_| format!("{} {route}", method.to_uppercase())));
            }
        }
    }
    out
}

/// A staff member, a case with a file, an open petition with a signature, one collecting
/// supporters. Returns the staff session's cookie (`name=value`).
async fn seed(api: &TestApi) -> String {
    api.add_user(STAFF, "Fuzz", "staff", PASSWORD).await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let r = client.post(api.url("/api/auth/login")).json(&json!({"email": STAFF, "password": PASSWORD})).send().await;
    let r = r.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_owned();

    let form = Form::new()
        .text("categorie", "drumuri")
        .text("loc", "Str. Ștefan cel Mare nr. 10")
        .text("descriere", "Groapă adâncă în carosabil, în dreptul școlii; mașinile o ocolesc pe contrasens.")
        .text("nume", "Ana Popescu")
        .text("email", "ana.popescu@example.ro")
        .part("fisiere", Part::bytes(PDF.to_vec()).file_name("poza.pdf"));
    let r = client
        .post(api.url("/api/forms/sesizare"))
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(r.json::<Value>().await.unwrap()["number"], "TM-2026-000001");

    let staff = |path: &str, body: Value| {
        client.post(api.url(path)).header("cookie", &cookie).header("accept", "application/json").json(&body).send()
    };
    for title in ["Pistă de biciclete pe Take Ionescu", "Bănci noi în Parcul Rozelor"] {
        let r = staff(
            "/api/petitii",
            json!({"title": title, "action": "Să amenajeze ce cere titlul, în acest an.",
                   "body": "Locuitorii cartierului cer acest lucru de mult timp; ar face orașul mai prietenos pentru toți."}),
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    }
    let r = client.post(api.url("/api/admin/petitii/1/publica")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let district = std::fs::read_to_string(api.api.app().config.site.join("data/district.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .and_then(|v| v["items"][0]["id"].as_str().map(str::to_owned))
        .unwrap_or_default();
    // Signed with the session's own verified address: confirmed at once.
    let r =
        staff("/api/petitii/1/semneaza", json!({"name": "Fuzz", "email": STAFF, "district": district})).await.unwrap();
    assert_eq!(r.status(), StatusCode::ACCEPTED, "{}", r.text().await.unwrap());
    // The counts are aggregated about once a second.
    let start = Instant::now();
    while client.get(api.url("/api/petitii/1/numar.json")).send().await.unwrap().status() != StatusCode::OK {
        assert!(start.elapsed() < Duration::from_secs(20), "the petition's counts never came");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    cookie
}

/// Runs schemathesis over the API's document; returns whether it passed, its time and output.
async fn run(schemathesis: &std::path::Path, api: &TestApi, extra: &[&str]) -> (bool, Duration, String) {
    let dir = tempfile::tempdir().unwrap();
    let seed = std::env::var("CIVIC_FUZZ_SEED").unwrap_or_else(|_| "1".into());
    let examples = std::env::var("CIVIC_FUZZ_EXAMPLES").unwrap_or_else(|_| "5".into());
    let mut command = std::process::Command::new(schemathesis);
    command
        .arg("run")
        .arg(api.url("/api/openapi.json"))
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance",
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            &examples,
            "--seed",
            &seed,
            "--max-redirects",
            "0",
            "--max-response-time",
            "10",
            "--request-timeout",
            "20",
            "--generation-database",
            "none",
            // One worker: with two, hypothesis's threads meet CPython 3.11's "AST constructor
            // recursion depth mismatch" (a runtime error, not a finding).
            "--workers",
            "1",
            "--no-color",
        ])
        .args(extra)
        // Nothing of it (reports, caches) lands in the repository.
        .current_dir(dir.path())
        .env("HOME", dir.path())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(dir.path().join("out.txt")).unwrap())
        .stderr(Stdio::inherit());
    // On a blocking thread: the API answers on the runtime's workers meanwhile.
    let start = Instant::now();
    let status = tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().expect("schemathesis starts");
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return Some(status);
            }
            if start.elapsed() > RUN_LIMIT {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    })
    .await
    .unwrap();
    let took = start.elapsed();
    let out = std::fs::read_to_string(dir.path().join("out.txt")).unwrap_or_default();
    let status = status.unwrap_or_else(|| panic!("schemathesis took longer than {RUN_LIMIT:?}:\n{out}"));
    (status.success(), took, out)
}
