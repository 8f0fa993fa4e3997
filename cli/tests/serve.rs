//! `civic serve` as an editor uses it: edits reload the browser, errors show over the last good
//! site, and the served folder always equals a clean build of the same content.

use civic_tests::{copy_dir, files};

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn serve(content: &Path, out: &Path) -> Server {
    let data = out.parent().unwrap().join("data");
    let mut child = Command::new(env!("CARGO_BIN_EXE_civic"))
        .args(["serve", "--port", "0", "--content"])
        .arg(content)
        .arg("--out")
        .arg(out)
        .arg("--data")
        .arg(data)
        .arg("--theme")
        .arg(repo().join("themes/default"))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let port = loop {
        let line = lines.next().expect("civic serve printed its address").unwrap();
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            break rest.split('/').next().unwrap().parse().unwrap();
        }
    };
    // Keep draining stderr so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, port }
}

/// A plain HTTP/1.1 GET: (status, body).
fn get(port: u16, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text[9..12].parse().unwrap();
    let body = text.split_once("\r\n\r\n").map(|x| x.1.to_owned()).unwrap_or_default();
    (status, body)
}

/// A plain HTTP/1.1 POST of a urlencoded form: (status, headers and body).
fn post(port: u16, path: &str, form: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: http://127.0.0.1:{port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{form}",
        form.len()
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    (text[9..12].parse().unwrap(), text)
}

/// An open server-sent-events connection.
struct Events(BufReader<TcpStream>);

impl Events {
    fn open(port: u16) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(s, "GET /__civic/events HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        Events(BufReader::new(s))
    }

    /// The next event's name, skipping keep-alives.
    fn next(&mut self) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut line = String::new();
        while Instant::now() < deadline {
            line.clear();
            if self.0.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            if let Some(name) = line.trim_end().strip_prefix("event: ") {
                return name.to_owned();
            }
        }
        panic!("no event from civic serve within 20 s");
    }
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no `{from}`", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn edits_reload_errors_show_and_the_result_equals_a_clean_build() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_dir(&repo().join("tests/fixtures/small"), &content);
    let out = tmp.path().join("public");
    let server = serve(&content, &out);

    // Pages come with the reload script; the files on disk never have it.
    let (status, home) = get(server.port, "/");
    assert_eq!(status, 200);
    assert!(home.contains("<script src=\"/__civic/reload.js\"></script></body>"), "{home}");
    assert!(!std::fs::read_to_string(out.join("index.html")).unwrap().contains("__civic"));
    assert_eq!(get(server.port, "/nu-exista/").0, 404);

    let mut events = Events::open(server.port);
    let decision = content.join("council_decisions/hcl-2025-10.md");
    edit(
        &decision,
        "title: privind aprobarea Regulamentului de parcare",
        "title: privind aprobarea Regulamentului de parcare rezidențială",
    );
    assert_eq!(events.next(), "reload");
    let (_, page) = get(server.port, "/hotarari/hcl-2025-10/");
    assert!(page.contains("<h1>privind aprobarea Regulamentului de parcare rezidențială</h1>"), "{page}");
    // The decision that amends it shows the new title too.
    assert!(get(server.port, "/hotarari/hcl-2025-20/").1.contains("Regulamentului de parcare rezidențială"));

    // A broken file: the browser is told, and the last good site stays.
    edit(&decision, "number: 10", "number: zece");
    assert_eq!(events.next(), "errors");
    let (_, status_json) = get(server.port, "/__civic/status");
    assert!(status_json.contains("council_decisions/hcl-2025-10.md:5:9: error in `number`"), "{status_json}");
    assert!(get(server.port, "/hotarari/hcl-2025-10/").1.contains("parcare rezidențială"));

    // Fixed again, then an item added and another deleted.
    edit(&decision, "number: zece", "number: 10");
    assert_eq!(events.next(), "reload");
    assert!(get(server.port, "/__civic/status").1.contains("\"errors\":[]"));
    let added = std::fs::read_to_string(content.join("council_decisions/hcl-2025-20.md"))
        .unwrap()
        .replace("hcl-2025-20", "hcl-2025-30")
        .replace("number: 20", "number: 30");
    std::fs::write(content.join("council_decisions/hcl-2025-30.md"), added).unwrap();
    assert_eq!(events.next(), "reload");
    std::fs::remove_file(content.join("draft_decisions/ph-2026-5.md")).unwrap();
    assert_eq!(events.next(), "reload");
    assert_eq!(get(server.port, "/consultari/ph-2026-5/").0, 404);
    drop(server);

    let clean = tmp.path().join("clean");
    let status = Command::new(env!("CARGO_BIN_EXE_civic"))
        .args(["build", "-q", "--content"])
        .arg(&content)
        .arg("--out")
        .arg(&clean)
        .arg("--theme")
        .arg(repo().join("themes/default"))
        .status()
        .unwrap();
    assert!(status.success());
    let (served, built) = (files(&out), files(&clean));
    assert_eq!(served.iter().map(|f| &f.0).collect::<Vec<_>>(), built.iter().map(|f| &f.0).collect::<Vec<_>>());
    for ((name, a), (_, b)) in served.iter().zip(&built) {
        assert!(a == b, "{name} differs from a clean build");
    }
}

#[test]
fn a_first_build_with_errors_shows_them_in_the_browser_and_recovers() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_dir(&repo().join("tests/fixtures/small"), &content);
    let decision = content.join("council_decisions/hcl-2025-10.md");
    edit(&decision, "number: 10", "number: zece");
    let server = serve(&content, &tmp.path().join("public"));

    let (status, page) = get(server.port, "/");
    assert_eq!(status, 404);
    assert!(page.contains("No site yet") && page.contains("/__civic/reload.js"), "{page}");
    assert!(get(server.port, "/__civic/status").1.contains("hcl-2025-10.md:5:9"));

    let mut events = Events::open(server.port);
    edit(&decision, "number: zece", "number: 10");
    assert_eq!(events.next(), "reload");
    assert_eq!(get(server.port, "/").0, 200);
}

#[test]
fn the_api_answers_on_the_same_port_and_registers_a_form_posted_from_the_site() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_dir(&repo().join("content"), &content);
    let server = serve(&content, &tmp.path().join("public"));
    // The form page is the site's; its action is the API on the same origin.
    let (status, page) = get(server.port, "/formulare/sesizare/");
    assert_eq!(status, 200);
    assert!(page.contains("action=\"/api/forms/sesizare\""), "{page}");
    // The API opens once the first build published what it reads.
    let start = Instant::now();
    while get(server.port, "/api/openapi.json").0 != 200 {
        assert!(start.elapsed() < Duration::from_secs(30), "the API came up");
        std::thread::sleep(Duration::from_millis(100));
    }
    let form = "categorie=drumuri&descriere=Gropi+pe+strada+Ion+Ionescu+de+la+Brad&nume=Ana+Pop&email=ana%40example.ro";
    let (status, response) = post(server.port, "/api/forms/sesizare", form);
    assert_eq!(status, 303, "{response}");
    // Numbered after the sample data's three cases.
    assert!(response.contains("location: /api/dosar/TM-2026-000004?cheie="), "{response}");
    assert!(tmp.path().join("data/civic.db").exists(), "the state is in --data");
    let mail = tmp.path().join("data/mail");
    let start = Instant::now();
    let to_ana = |d: std::fs::ReadDir| {
        d.flatten().any(|f| std::fs::read_to_string(f.path()).is_ok_and(|m| m.contains("To: ana@example.ro")))
    };
    while !std::fs::read_dir(&mail).is_ok_and(to_ana) {
        assert!(start.elapsed() < Duration::from_secs(20), "without SMTP the acknowledgement is an .eml file");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// GETs `path` until `ready` accepts the answer (the API answers once the first build is done).
fn wait_for(port: u16, path: &str, ready: impl Fn(u16, &str) -> bool) -> String {
    let start = Instant::now();
    loop {
        let (status, body) = get(port, path);
        if ready(status, &body) {
            return body;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "{path} never got ready: {status} {body}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn the_sample_site_shows_its_sample_petitions_once_and_a_city_site_none() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let sample = repo().join("content");
    let server = serve(&sample, &out);
    let list = wait_for(server.port, "/api/petitions.json", |s, body| {
        s == 200 && body.contains("Piste de biciclete sigure pe Calea Șagului")
    });
    assert!(list.contains("\"count\":4"), "{list}");
    drop(server);
    // The same database again: it holds data, so nothing is loaded twice.
    let server = serve(&sample, &out);
    let list = wait_for(server.port, "/api/petitions.json", |s, _| s == 200);
    assert!(list.contains("\"count\":4"), "loaded once: {list}");
    drop(server);

    // A site whose civic.yaml does not ask for sample data (a city's) starts empty.
    let city = tempfile::tempdir().unwrap();
    let content = city.path().join("content");
    copy_dir(&repo().join("tests/fixtures/small"), &content);
    let server = serve(&content, &city.path().join("public"));
    let list = wait_for(server.port, "/api/petitions.json", |s, _| s == 200);
    assert!(list.contains("\"count\":0"), "{list}");
}
