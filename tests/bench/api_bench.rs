//! The API under load: `cargo run --release -p civic-tests --bin civic-api-bench -- [--connections 256]
//! [--seconds 10] [--no-mail] [--phases forms,status,signing,confirming]`.
//!
//! Starts the API in this process on a temporary database (the sample site, today pinned, no
//! rate limits; e-mails written as `.eml` files unless `--no-mail`, which leaves them queued in
//! the outbox), then drives it over N HTTP/1.1 keep-alive connections, one per simulated client
//! (a minimal client, like `wrk`'s): form submissions (JSON posts of a report), their status
//! pages (JSON, with their keys), petition signatures and their confirmations. Prints
//! requests/s, latency percentiles and errors for each, then checks that every submission that
//! got a 201 is in the SQLite file, once, with the numbers 1..=N, and that the aggregated
//! petition count equals the confirmed rows.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use civic_tests::api::{TestApi, sample_site, serve};
use hdrhistogram::Histogram;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The allocator of the `civic` binary, which serves the API in production.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "usage: civic-api-bench [--connections N] [--seconds S] [--no-mail] [--phases LIST]

  --connections N  simulated clients, one keep-alive connection each (default 256)
  --seconds S      length of each phase (default 10; confirming gets up to 3 times as long)
  --no-mail        leave e-mails queued instead of running the background workers
  --phases LIST    which phases run, comma-separated, in this order (default: all):
                   forms       POST form submissions
                   status      GET their status pages (needs forms)
                   signing     POST petition signatures
                   confirming  POST their confirmations (needs signing)";

/// The phases, in the order they run.
const PHASES: [&str; 4] = ["forms", "status", "signing", "confirming"];

struct Args {
    connections: usize,
    seconds: u64,
    mail: bool,
    phases: Vec<String>,
}

impl Args {
    fn runs(&self, phase: &str) -> bool {
        self.phases.iter().any(|p| p == phase)
    }
}

fn args() -> Result<Args, String> {
    let mut a = Args { connections: 256, seconds: 10, mail: true, phases: PHASES.map(String::from).to_vec() };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            it.next().and_then(|v| v.parse().ok()).filter(|n| *n > 0).ok_or(format!("{name} takes a positive number"))
        };
        match arg.as_str() {
            "--connections" => a.connections = number("--connections")? as usize,
            "--seconds" => a.seconds = number("--seconds")?,
            "--no-mail" => a.mail = false,
            "--phases" => {
                let list = it.next().ok_or("--phases takes a list, e.g. signing,confirming")?;
                a.phases = list.split(',').map(|p| p.trim().to_owned()).collect();
                if let Some(p) = a.phases.iter().find(|p| !PHASES.contains(&p.as_str())) {
                    return Err(format!("unknown phase {p}: the phases are {}", PHASES.join(", ")));
                }
                for (needs, first) in [("status", "forms"), ("confirming", "signing")] {
                    if a.runs(needs) && !a.runs(first) {
                        return Err(format!("the {needs} phase needs the {first} phase: add {first} to --phases"));
                    }
                }
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}\n{USAGE}")),
        }
    }
    Ok(a)
}

/// What one phase measured, over all its connections.
struct Phase {
    name: &'static str,
    latency: Histogram<u64>,
    ok: u64,
    errors: u64,
    elapsed: Duration,
    /// The bodies of the 2xx answers the phase asked to keep.
    kept: Vec<Vec<u8>>,
}

impl Phase {
    fn row(&self, connections: usize) -> String {
        let ms = |q: f64| self.latency.value_at_quantile(q) as f64 / 1000.0;
        format!(
            "{:<38} {:>5} {:>9} {:>9.0} {:>7.2} {:>7.2} {:>7.2} {:>8.2} {:>6}",
            self.name,
            connections,
            self.ok + self.errors,
            self.ok as f64 / self.elapsed.as_secs_f64(),
            ms(0.5),
            ms(0.9),
            ms(0.99),
            self.latency.max() as f64 / 1000.0,
            self.errors
        )
    }
}

/// One keep-alive HTTP/1.1 connection, driven the way `wrk` drives one: the request's bytes
/// written as they are, the answer read into a buffer the connection reuses and parsed with
/// httparse. (hyper's client cost a channel, a second task and several allocations per request,
/// all of it CPU taken from the server on the same two cores.)
struct Connection {
    stream: TcpStream,
    buffer: Vec<u8>,
}

/// An answer: its status and where its body lies in the connection's buffer.
struct Answer {
    status: u16,
    body: std::ops::Range<usize>,
}

impl Connection {
    async fn open(addr: SocketAddr, opened: &AtomicUsize) -> Connection {
        let stream = TcpStream::connect(addr).await.expect("the API accepts connections");
        stream.set_nodelay(true).expect("TCP_NODELAY");
        opened.fetch_add(1, Ordering::Relaxed);
        Connection { stream, buffer: Vec::with_capacity(16 * 1024) }
    }

    /// Sends one request and reads its whole answer (which must have a Content-Length).
    async fn exchange(&mut self, request: &[u8]) -> std::io::Result<Answer> {
        let broken = |why: String| std::io::Error::new(std::io::ErrorKind::InvalidData, why);
        self.stream.write_all(request).await?;
        self.buffer.clear();
        loop {
            if self.stream.read_buf(&mut self.buffer).await? == 0 {
                return Err(broken("the server closed the connection".into()));
            }
            let mut headers = [httparse::EMPTY_HEADER; 32];
            let mut response = httparse::Response::new(&mut headers);
            let httparse::Status::Complete(head) = response.parse(&self.buffer).map_err(|e| broken(e.to_string()))?
            else {
                continue;
            };
            let status = response.code.unwrap_or_default();
            let length = response
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case("content-length"))
                .and_then(|h| std::str::from_utf8(h.value).ok()?.trim().parse::<usize>().ok())
                .ok_or_else(|| broken(format!("a {status} answer without Content-Length")))?;
            while self.buffer.len() < head + length {
                if self.stream.read_buf(&mut self.buffer).await? == 0 {
                    return Err(broken("the server closed the connection mid-answer".into()));
                }
            }
            return Ok(Answer { status, body: head..head + length });
        }
    }
}

/// Runs `connections` clients for `seconds`, each sending the requests `make(client, i)` one
/// after another on its connection; keeps the bodies of 2xx answers when `keep`.
async fn phase(
    name: &'static str,
    addr: SocketAddr,
    connections: usize,
    seconds: u64,
    keep: bool,
    limit: Option<usize>,
    make: impl Fn(usize, usize) -> Vec<u8> + Send + Sync + 'static,
) -> Phase {
    let sent_total = Arc::new(AtomicUsize::new(0));
    let make = Arc::new(make);
    let opened = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let until = start + Duration::from_secs(seconds);
    let clients: Vec<_> = (0..connections)
        .map(|c| {
            let (make, opened, sent_total) = (make.clone(), opened.clone(), sent_total.clone());
            tokio::spawn(async move {
                let mut latency = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).unwrap();
                let (mut ok, mut errors, mut kept) = (0, 0, vec![]);
                let mut connection = Connection::open(addr, &opened).await;
                for i in 0.. {
                    if Instant::now() >= until {
                        break;
                    }
                    let n = sent_total.fetch_add(1, Ordering::Relaxed);
                    if limit.is_some_and(|l| n >= l) {
                        break;
                    }
                    let request = make(if limit.is_some() { n } else { c }, i);
                    let sent = Instant::now();
                    let answer = connection.exchange(&request).await;
                    latency.saturating_record(sent.elapsed().as_micros() as u64);
                    match answer {
                        Ok(Answer { status, body }) if (200..300).contains(&status) => {
                            ok += 1;
                            if keep {
                                kept.push(connection.buffer[body].to_vec());
                            }
                        }
                        Ok(Answer { status, body }) => {
                            errors += 1;
                            if errors <= 3 {
                                eprintln!("{name}: {status} {}", String::from_utf8_lossy(&connection.buffer[body]));
                            }
                        }
                        Err(e) => {
                            errors += 1;
                            eprintln!("{name}: connection {c}: {e}; reconnecting");
                            connection = Connection::open(addr, &opened).await;
                        }
                    }
                }
                (latency, ok, errors, kept)
            })
        })
        .collect();
    let mut total = Phase {
        name,
        latency: Histogram::new_with_bounds(1, 60_000_000, 3).unwrap(),
        ok: 0,
        errors: 0,
        elapsed: Duration::ZERO,
        kept: vec![],
    };
    for client in clients {
        let (latency, ok, errors, kept) = client.await.expect("a client task");
        total.latency.add(latency).unwrap();
        total.ok += ok;
        total.errors += errors;
        total.kept.extend(kept);
    }
    total.elapsed = start.elapsed();
    let opened = opened.load(Ordering::Relaxed);
    if opened != connections {
        eprintln!("{name}: {opened} connections opened for {connections} clients (reconnects)");
    }
    total
}

/// The bytes of a request as a JSON client sends it.
fn request(method: &str, addr: SocketAddr, path: &str, body: Option<String>) -> Vec<u8> {
    let mut r = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/json\r\n");
    match body {
        Some(json) => {
            r += &format!("Content-Type: application/json\r\nContent-Length: {}\r\n\r\n", json.len());
            r += &json;
        }
        None => r += "\r\n",
    }
    r.into_bytes()
}

/// Checks the database against the receipts: one row per 201, numbers unique and 1..=N.
fn verify(db: &std::path::Path, numbers: &[String]) -> Result<String, String> {
    let c = rusqlite::Connection::open(db).map_err(|e| e.to_string())?;
    let (rows, seqs, min, max): (i64, i64, i64, i64) = c
        .query_row(
            "SELECT count(*), count(DISTINCT seq), COALESCE(min(seq), 0), COALESCE(max(seq), 0) FROM submission",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .map_err(|e| e.to_string())?;
    let stored: HashSet<String> = c
        .prepare("SELECT number FROM submission")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .map_err(|e| e.to_string())?;
    let (rows, seqs) = (rows as usize, seqs as usize);
    let missing = numbers.iter().filter(|n| !stored.contains(*n)).count();
    let unique: HashSet<&String> = numbers.iter().collect();
    if rows != numbers.len() || missing > 0 || unique.len() != numbers.len() {
        return Err(format!(
            "{rows} rows for {} receipts ({} distinct numbers); {missing} receipts not stored",
            numbers.len(),
            unique.len()
        ));
    }
    if seqs != rows || (rows > 0 && (min, max) != (1, rows as i64)) {
        return Err(format!("{rows} rows, {seqs} distinct numbers from {min} to {max}: not gapless"));
    }
    Ok(format!("{rows} rows = {rows} receipts; numbers 1..={rows}, unique and gapless"))
}

/// Waits (at most three minutes) until the mail sender has written every queued e-mail, so that
/// the next phase measures its own requests, not them and the sender (~5,500 e-mails a second
/// as `.eml` files: a 10 s phase of submissions queues ~300,000).
async fn drain_outbox(db: &std::path::Path) -> String {
    let c = rusqlite::Connection::open(db).expect("the database");
    let start = Instant::now();
    loop {
        let queued: i64 =
            c.query_row("SELECT count(*) FROM outbox WHERE sent_at IS NULL", [], |r| r.get(0)).expect("the outbox");
        if queued == 0 || start.elapsed() > Duration::from_secs(180) {
            return format!(
                "{queued} e-mails still queued {:.1} s after the submissions",
                start.elapsed().as_secs_f64()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let site = sample_site();
    let data = tempfile::tempdir().expect("a temporary folder");
    let db = data.path().join("civic.db");
    let mut config = TestApi::config(data.path(), site);
    // Each simulated client files its reports under one address.
    config.mail_limit = None;
    let (addr, api) = serve(config).await;
    if args.mail {
        api.spawn_workers();
    }

    let submissions = if args.runs("forms") {
        Some(
            phase("POST /api/forms/sesizare (JSON)", addr, args.connections, args.seconds, true, None, move |c, i| {
                let body = format!(
                    r#"{{"categorie":"drumuri","loc":"Bulevardul Revoluției nr. {i}","descriere":"Sesizare de încărcare {c}-{i}: groapă în carosabil, în dreptul școlii.","nume":"Test Încărcare","email":"bench{c}@example.ro"}}"#
                );
                request("POST", addr, "/api/forms/sesizare", Some(body))
            })
            .await,
        )
    } else {
        None
    };
    let receipts: Vec<(String, String)> = submissions
        .iter()
        .flat_map(|s| &s.kept)
        .map(|b| {
            let v: serde_json::Value = serde_json::from_slice(b).expect("a JSON receipt");
            (v["number"].as_str().unwrap().to_owned(), v["status_url"].as_str().unwrap().to_owned())
        })
        .collect();
    let mail = match (args.mail, &submissions) {
        (false, _) => "not sent (--no-mail)".into(),
        (true, Some(_)) => drain_outbox(&db).await,
        (true, None) => "sent while the phases ran".into(),
    };

    let reads = if !args.runs("status") || receipts.is_empty() {
        None
    } else {
        let urls: Arc<Vec<String>> = Arc::new(receipts.iter().map(|(_, url)| url.clone()).collect());
        let connections = args.connections;
        Some(
            phase(
                "GET /api/dosar/{number}?cheie= (JSON)",
                addr,
                connections,
                args.seconds,
                false,
                None,
                move |c, i| request("GET", addr, &urls[(c + i * connections) % urls.len()], None),
            )
            .await,
        )
    };

    // Petitions: one open petition, signed by every client with a new address each time, then
    // every signature confirmed (the token comes from the queued e-mail, as a person's would).
    let mut petition_phases = vec![];
    let mut counts = None;
    if args.runs("signing") {
        let petition = open_petition(&db);
        let district = std::fs::read_to_string(site.join("data/district.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| v["items"][0]["id"].as_str().map(str::to_owned))
            .unwrap_or_default();
        let signing = phase("POST /api/petitii/{id}/semneaza (JSON)", addr, args.connections, args.seconds, false, None, move |c, i| {
            let body = format!(r#"{{"name":"Semnatar {c}-{i}","email":"semnatar.{c}.{i}@example.ro","district":"{district}","notify":"on"}}"#);
            request("POST", addr, &format!("/api/petitii/{petition}/semneaza"), Some(body))
        })
        .await;
        petition_phases.push(signing);
        if args.runs("confirming") {
            let tokens = Arc::new(confirmation_tokens(&db));
            let confirming = phase(
                "POST /api/petitii/semnatura (JSON)",
                addr,
                args.connections,
                args.seconds * 3,
                false,
                Some(tokens.len()),
                move |n, _| {
                    request("POST", addr, "/api/petitii/semnatura", Some(format!(r#"{{"token":"{}"}}"#, tokens[n])))
                },
            )
            .await;
            petition_phases.push(confirming);
        }
        let counted_at = Instant::now();
        civic_api::petitions::counts::tick(api.app(), false).await.expect("the counts");
        let counting = counted_at.elapsed();
        counts = Some(format!("{} (one aggregation took {counting:.0?})", verify_counts(&db, petition, api.app())));
    }

    println!(
        "civic-api-bench: {} connections, {} s a phase, {} cores, mail {}",
        args.connections,
        args.seconds,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        if args.mail { "to .eml files" } else { "off" }
    );
    println!(
        "{:<38} {:>5} {:>9} {:>9} {:>7} {:>7} {:>7} {:>8} {:>6}",
        "endpoint", "conns", "requests", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors"
    );
    for measured in submissions.iter().chain(&reads).chain(&petition_phases) {
        println!("{}", measured.row(args.connections));
    }
    println!("mail: {mail}");
    if let Some(counts) = counts {
        println!("petition counts: {counts}");
    }
    let numbers: Vec<String> = receipts.into_iter().map(|(n, _)| n).collect();
    let verdict = verify(&db, &numbers);
    drop(data);
    // The sample site is built into a temporary folder that lives as long as the process.
    let _ = std::fs::remove_dir_all(site.parent().expect("the site's temporary folder"));
    match verdict {
        Ok(line) => {
            println!("stored: {line}");
            ExitCode::SUCCESS
        }
        Err(line) => {
            println!("stored: FAILED: {line}");
            ExitCode::FAILURE
        }
    }
}

/// Opens a petition for signatures directly in the database (moderation is not what is measured).
fn open_petition(db: &std::path::Path) -> i64 {
    let c = rusqlite::Connection::open(db).expect("the database");
    c.busy_timeout(Duration::from_secs(5)).unwrap();
    c.execute(
        "INSERT INTO petition (title, body, action, creator_name, status, sponsor_key, created_at, published_at, closes_on)
         VALUES ('Petiție de încărcare', 'Textul petiției folosite la măsurarea semnăturilor.', 'Să răspundă repede.',
                 'Banc de probă', 'open', 'cheie', '2026-11-26T00:00:00Z', '2026-11-26T00:00:00Z', '2099-12-31')",
        [],
    )
    .expect("a petition");
    c.last_insert_rowid()
}

/// The confirmation tokens, from the queued e-mails.
fn confirmation_tokens(db: &std::path::Path) -> Vec<String> {
    let c = rusqlite::Connection::open(db).expect("the database");
    let mut s = c.prepare("SELECT body FROM outbox WHERE subject = 'Confirmați semnătura pe petiție'").unwrap();
    s.query_map([], |r| r.get::<_, String>(0))
        .unwrap()
        .filter_map(Result::ok)
        .filter_map(|b| {
            b.split("token=")
                .nth(1)
                .map(|t| t.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect())
        })
        .collect()
}

/// The aggregated count against the confirmed rows.
fn verify_counts(db: &std::path::Path, petition: i64, app: &civic_api::App) -> String {
    let c = rusqlite::Connection::open(db).expect("the database");
    let (rows, confirmed): (i64, i64) = c
        .query_row("SELECT count(*), count(confirmed_at) FROM signature WHERE petition_id = ?1", [petition], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let shown = app.petitions.get(petition).map_or(-1, |d| d["confirmed"].as_i64().unwrap_or(-1));
    format!(
        "{rows} signatures stored, {confirmed} confirmed, the count shows {shown}{}",
        if shown == confirmed { " (exact)" } else { " (MISMATCH)" }
    )
}
