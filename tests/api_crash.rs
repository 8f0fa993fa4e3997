//! The API killed mid-burst: the server runs as a separate process (this test binary started
//! again with `CIVIC_CRASH_CHILD_DB` set, running only `child_server`), gets SIGKILL while 64
//! clients are submitting, and is started again on the same SQLite file. Every submission that
//! got its receipt must still be there, once, with its number and its text; the registry stays
//! gapless and goes on from where it stopped.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use civic_tests::api::{TestApi, sample_site, serve};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// In the child process: the data folder (the database is `civic.db` in it).
const CHILD_DATA: &str = "CIVIC_CRASH_CHILD_DB";
/// In the child process: the published sample site, built once by the parent.
const CHILD_SITE: &str = "CIVIC_CRASH_CHILD_SITE";

const CLIENTS: usize = 64;
/// Receipts to wait for before the kill.
const KILL_AFTER: usize = 300;

/// Not a test of its own: the server process of `a_killed_server_keeps_every_acknowledged_submission`.
/// Without its environment (a normal test run) it returns at once.
#[test]
fn child_server() {
    let (Some(data), Some(site)) = (std::env::var_os(CHILD_DATA), std::env::var_os(CHILD_SITE)) else {
        return;
    };
    let config = TestApi::config(Path::new(&data), Path::new(&site));
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async move {
        let (addr, api) = serve(config).await;
        api.spawn_workers();
        println!("READY {}", addr.port());
        std::future::pending::<()>().await;
    });
}

/// The API in its own process, until killed.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(data: &Path) -> Server {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "child_server", "--nocapture", "--test-threads", "1"])
            .env(CHILD_DATA, data)
            .env(CHILD_SITE, sample_site())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server process starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let port = loop {
            let line = lines.next().expect("the server says READY before it ends").unwrap();
            // The harness has already printed `test child_server ... ` on this line.
            if let Some((_, port)) = line.split_once("READY ") {
                break port.trim().to_owned();
            }
        };
        // Keep reading what the test harness prints, so the child never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Server { child, base: format!("http://127.0.0.1:{port}") }
    }

    /// SIGKILL: no shutdown, no flush, no chance to finish a batch.
    fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn report(marker: &str) -> Value {
    json!({"categorie": "drumuri", "loc": "Calea Aradului nr. 1",
        "descriere": format!("Sesizare trimisă înainte de oprire, semn {marker}."),
        "nume": "Test Oprire", "email": format!("{marker}@example.ro")})
}

/// What a client was told about one submission.
#[derive(Debug)]
struct Receipt {
    marker: String,
    number: String,
    status_url: String,
}

/// Submits from `CLIENTS` clients until the server goes away. Returns the receipts, and the
/// markers of the requests that got no answer (the server died under them).
async fn burst(base: &str, acknowledged: &Arc<AtomicUsize>) -> (Vec<Receipt>, Vec<String>) {
    let client = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();
    let tasks: Vec<_> = (0..CLIENTS)
        .map(|c| {
            let (client, url, acknowledged) =
                (client.clone(), format!("{base}/api/forms/sesizare"), acknowledged.clone());
            tokio::spawn(async move {
                let (mut receipts, mut unanswered) = (vec![], vec![]);
                for i in 0.. {
                    let marker = format!("c{c}r{i}");
                    let sent = client.post(&url).header("accept", "application/json").json(&report(&marker)).send();
                    let body = match sent.await {
                        Ok(r) if r.status() == StatusCode::CREATED => r.json::<Value>().await.ok(),
                        Ok(r) => panic!("{marker}: {} {}", r.status(), r.text().await.unwrap_or_default()),
                        Err(_) => None,
                    };
                    let Some(body) = body else {
                        // The server died under this request: committed or not, nobody knows.
                        unanswered.push(marker);
                        break;
                    };
                    receipts.push(Receipt {
                        marker,
                        number: body["number"].as_str().unwrap().to_owned(),
                        status_url: body["status_url"].as_str().unwrap().to_owned(),
                    });
                    acknowledged.fetch_add(1, Ordering::SeqCst);
                }
                (receipts, unanswered)
            })
        })
        .collect();
    let (mut receipts, mut unanswered) = (vec![], vec![]);
    for t in tasks {
        let (r, u) = t.await.unwrap();
        receipts.extend(r);
        unanswered.extend(u);
    }
    (receipts, unanswered)
}

#[test]
fn a_killed_server_keeps_every_acknowledged_submission() {
    if std::env::var_os(CHILD_DATA).is_some() {
        return;
    }
    let data = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();

    let mut server = Server::start(data.path());
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let clients = {
        let (base, acknowledged) = (server.base.clone(), acknowledged.clone());
        runtime.spawn(async move { burst(&base, &acknowledged).await })
    };
    while acknowledged.load(Ordering::SeqCst) < KILL_AFTER {
        assert!(!clients.is_finished(), "the clients stopped before the kill");
        std::thread::sleep(Duration::from_millis(2));
    }
    server.kill();
    let (receipts, unanswered) = runtime.block_on(clients).unwrap();
    assert!(receipts.len() >= KILL_AFTER);

    let server = Server::start(data.path());
    let db = rusqlite::Connection::open(data.path().join("civic.db")).unwrap();

    // The registry is gapless: 1..=N, each number once.
    let seqs: Vec<i64> = db
        .prepare("SELECT seq FROM submission WHERE year = 2026 ORDER BY seq")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let stored = seqs.len();
    eprintln!(
        "killed after {} receipts with {} requests in flight; {stored} submissions stored",
        receipts.len(),
        unanswered.len()
    );
    assert_eq!(seqs, (1..=stored as i64).collect::<Vec<_>>(), "numbers 1..={stored} without holes");

    // What is stored is what clients sent, each once: every receipt, and at most the requests
    // that were cut off (committed, but the answer never left).
    let stored_by_email: HashMap<String, (String, String)> = db
        .prepare("SELECT email, number, json_extract(fields, '$.descriere') FROM submission")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(stored_by_email.len(), stored, "no submission is stored twice");
    let sent: HashSet<String> = receipts
        .iter()
        .map(|r| r.marker.clone())
        .chain(unanswered.iter().cloned())
        .map(|m| format!("{m}@example.ro"))
        .collect();
    assert!(stored_by_email.keys().all(|e| sent.contains(e)), "only what clients sent is stored");
    assert!(
        (receipts.len()..=receipts.len() + unanswered.len()).contains(&stored),
        "{stored} stored for {} receipts and {} cut-off requests",
        receipts.len(),
        unanswered.len()
    );
    for r in &receipts {
        let (number, text) = &stored_by_email[&format!("{}@example.ro", r.marker)];
        assert_eq!(number, &r.number, "{} keeps the number on its receipt", r.marker);
        assert!(text.contains(&r.marker), "{}: {text}", r.marker);
    }

    // Every stored submission still has its acknowledgement e-mail (queued or sent).
    let without_mail: Vec<String> = db
        .prepare(
            "SELECT number FROM submission s WHERE NOT EXISTS
               (SELECT 1 FROM outbox o WHERE o.recipient = s.email AND instr(coalesce(o.context, o.subject), s.number) > 0)",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(without_mail.is_empty(), "no acknowledgement for {without_mail:?}");

    runtime.block_on(async {
        let client = reqwest::Client::new();
        // The submitter's link still opens their submission, with their text.
        for r in &receipts {
            let status: Value = client
                .get(format!("{}{}", server.base, r.status_url))
                .header("accept", "application/json")
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(status["number"], r.number.as_str());
            assert_eq!(status["status"], "registered");
            assert!(status["fields"].to_string().contains(&r.marker), "{status}");
        }
        // The next submission continues the registry.
        let r = client
            .post(format!("{}/api/forms/sesizare", server.base))
            .header("accept", "application/json")
            .json(&report("dupa-repornire"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["number"], format!("TM-2026-{:06}", stored + 1));
    });
}
