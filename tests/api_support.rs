//! The API under test: the sample site built once per test process, a real SQLite file per
//! test, a real SMTP server (aiosmtpd from tests/.venv) and the API on a random loopback port.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use civic_api::{Api, ApiConfig, Smtp, SmtpSecurity};

/// The day the sample content is built for; two drafts are in consultation on it.
pub const TODAY: &str = "2026-11-26";

/// The sample site, built once (without the search index) for every API test of the process.
pub fn sample_site() -> &'static Path {
    static SITE: OnceLock<tempfile::TempDir> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        build_site(crate::root().join("content"), &dir.path().join("public"));
        dir
    })
    .path()
    .join("public")
    .leak()
}

/// Builds `content` with the default theme into `out`, for [`TODAY`], without the search index
/// and with the archive's full-text index beside it ([`archive_index_of`]).
pub fn build_site(content: PathBuf, out: &Path) {
    let opts = civic_generator::site::Options {
        content,
        theme: crate::root().join("themes/default"),
        out: out.to_owned(),
        base_url: None,
        now: Some(TODAY.parse().unwrap()),
        check_only: false,
        search: false,
        leaflet: crate::root().join("node_modules/leaflet"),
        search_part: civic_generator::site::DEFAULT_SEARCH_PART,
        archive_index: Some(archive_index_of(out)),
    };
    civic_generator::site::build(&opts, &civic_generator::progress::Progress::quiet())
        .unwrap_or_else(|e| panic!("the site builds: {e:?}"));
}

/// Where [`build_site`] writes the archive's full-text index of the site in `out`.
pub fn archive_index_of(out: &Path) -> PathBuf {
    out.with_file_name("arhiva.sqlite")
}

/// Starts a helper server (its stdin and stdout piped: it runs until stdin closes) and waits for
/// the `READY <value>` line it prints once listening; returns the process and the value.
pub fn start_until_ready(command: &mut Command, name: &str) -> (Child, String) {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{name} does not start: {e}"));
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    let value = line.trim().strip_prefix("READY ").unwrap_or_else(|| panic!("{name} said {line:?}")).to_owned();
    (child, value)
}

/// A real SMTP server writing each message it accepts into a folder.
pub struct SmtpSink {
    child: Child,
    pub port: u16,
    pub dir: tempfile::TempDir,
}

/// A received message, decoded.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub message_id: String,
    /// Every header as (name, raw value), for headers the fields above leave out.
    pub headers: Vec<(String, String)>,
}

impl Received {
    /// The raw value of header `name` (case-insensitive), trimmed.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim())
    }
}

impl SmtpSink {
    pub fn start() -> SmtpSink {
        Self::on_port(0)
    }

    pub fn on_port(port: u16) -> SmtpSink {
        let dir = tempfile::tempdir().unwrap();
        let python = crate::root().join("tests/.venv/bin/python");
        assert!(python.exists(), "tests/.venv is missing: run `bash tests/tools/setup-python.sh` (tests/run.sh does)");
        let mut sink = Command::new(python);
        sink.arg(crate::root().join("tests/tools/smtp_sink.py")).arg(dir.path()).arg(port.to_string());
        let (child, port) = start_until_ready(&mut sink, "the SMTP sink");
        SmtpSink { child, port: port.parse().unwrap(), dir }
    }

    pub fn smtp(&self) -> Smtp {
        Smtp { host: "127.0.0.1".into(), port: self.port, security: SmtpSecurity::None, credentials: None }
    }

    /// Every message received so far, oldest first.
    pub fn messages(&self) -> Vec<Received> {
        crate::walk_files(self.dir.path())
            .into_iter()
            .filter(|f| f.ends_with(".eml"))
            .map(|f| {
                let bytes = std::fs::read(self.dir.path().join(f)).unwrap();
                let m = mail_parser::MessageParser::default().parse(&bytes).expect("an RFC 5322 message");
                Received {
                    to: m.header_raw("X-Envelope-To").unwrap_or_default().trim().to_owned(),
                    subject: m.subject().unwrap_or_default().to_owned(),
                    body: m.body_text(0).map(|b| b.into_owned()).unwrap_or_default(),
                    message_id: m.message_id().unwrap_or_default().to_owned(),
                    headers: m
                        .headers()
                        .iter()
                        .map(|h| {
                            let (a, b) = (h.offset_start() as usize, h.offset_end() as usize);
                            (h.name().to_owned(), String::from_utf8_lossy(&bytes[a..b]).into_owned())
                        })
                        .collect(),
                }
            })
            .collect()
    }

    /// Waits (up to 20 s) until at least `n` messages arrived.
    pub fn wait_for(&self, n: usize) -> Vec<Received> {
        let start = Instant::now();
        loop {
            let got = self.messages();
            if got.len() >= n {
                return got;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "expected {n} e-mails, got {}: {got:#?}", got.len());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The message to `to` whose subject contains `subject`, waiting for it.
    pub fn find(&self, to: &str, subject: &str) -> Received {
        let start = Instant::now();
        loop {
            if let Some(m) = self.messages().into_iter().rev().find(|m| m.to == to && m.subject.contains(subject)) {
                return m;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "no e-mail to {to} about {subject:?}: {:#?}",
                self.messages()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A running API with its own database, and what it was started with: the mail sink and the
/// copy of the site, when asked for, live as long as it.
///
/// ```ignore
/// let api = TestApi::start().await; // the sample site, no mail
/// let api = TestApi::builder()
///     .with_mail() // a real SMTP sink: `api.mail()`
///     .with_site_copy(|site| std::fs::write(site.join("data/petition_rules.json"), RULES).unwrap())
///     .with_config(|c| c.post_limit = Some(LIMIT))
///     .start()
///     .await;
/// api.mail().find("ana@example.ro", "Linkul de autentificare");
/// ```
pub struct TestApi {
    /// Where it listens, on loopback.
    pub addr: SocketAddr,
    /// `http://` and [`addr`](TestApi::addr).
    pub base: String,
    /// Its data folder (`civic.db` and the uploaded files).
    pub data: tempfile::TempDir,
    pub api: Api,
    mail: Option<SmtpSink>,
    /// Kept until the API is dropped: the site it serves, when it is a copy.
    _site_copy: Option<tempfile::TempDir>,
}

/// The options of a [`TestApi`], from [`TestApi::builder`]; [`TestApiBuilder::start`] starts it.
#[must_use = "an API is started only by `.start().await`"]
pub struct TestApiBuilder<'a> {
    mail: bool,
    site: Site<'a>,
    adjust: Vec<ConfigChange<'a>>,
}

/// One change a test makes to the API's configuration before it starts.
type ConfigChange<'a> = Box<dyn FnOnce(&mut ApiConfig) + 'a>;

/// The site a [`TestApi`] serves.
enum Site<'a> {
    /// [`sample_site`], shared by every API of the process.
    Sample,
    /// A site built elsewhere, left as it is.
    Built(PathBuf),
    /// A copy of [`sample_site`] of its own, changed by the function.
    Copy(Box<dyn FnOnce(&Path) + 'a>),
}

impl<'a> TestApiBuilder<'a> {
    /// Starts a real SMTP server ([`SmtpSink`]) and sends the API's mail to it; see [`TestApi::mail`].
    pub fn with_mail(mut self) -> Self {
        self.mail = true;
        self
    }

    /// Serves a copy of the sample site changed by `edit` (e.g. smaller petition thresholds); the
    /// copy is the API's own, so a test may go on changing it through [`TestApi::site`].
    pub fn with_site_copy(mut self, edit: impl FnOnce(&Path) + 'a) -> Self {
        self.site = Site::Copy(Box::new(edit));
        self
    }

    /// Serves a site built elsewhere instead of the sample site.
    pub fn with_site(mut self, site: &Path) -> Self {
        self.site = Site::Built(site.to_owned());
        self
    }

    /// Changes the configuration, after the defaults of [`TestApi::config`], the mail and the site.
    pub fn with_config(mut self, adjust: impl FnOnce(&mut ApiConfig) + 'a) -> Self {
        self.adjust.push(Box::new(adjust));
        self
    }

    /// Starts the API (inside the calling tokio runtime) on a random port, with its workers.
    pub async fn start(self) -> TestApi {
        let data = tempfile::tempdir().unwrap();
        let (site, site_copy) = match self.site {
            Site::Sample => (sample_site().to_owned(), None),
            Site::Built(site) => (site, None),
            Site::Copy(edit) => {
                let copy = tempfile::tempdir().unwrap();
                crate::copy_dir(sample_site(), copy.path());
                edit(copy.path());
                (copy.path().to_owned(), Some(copy))
            }
        };
        let mut config = TestApi::config(data.path(), &site);
        let mail = self.mail.then(SmtpSink::start);
        config.smtp = mail.as_ref().map(SmtpSink::smtp);
        for adjust in self.adjust {
            adjust(&mut config);
        }
        let (addr, api) = serve(config).await;
        api.spawn_workers();
        TestApi { addr, base: format!("http://{addr}"), data, api, mail, _site_copy: site_copy }
    }
}

impl TestApi {
    /// The options of an API to start: by default the sample site, no mail, [`TestApi::config`].
    pub fn builder<'a>() -> TestApiBuilder<'a> {
        TestApiBuilder { mail: false, site: Site::Sample, adjust: Vec::new() }
    }

    /// Starts the API with every default of [`TestApi::builder`].
    pub async fn start() -> TestApi {
        Self::builder().start().await
    }

    /// The default test configuration: today pinned to [`TODAY`], no rate limits, fast retries,
    /// no mail, the archive's full-text index the site was built with.
    pub fn config(data: &Path, site: &Path) -> ApiConfig {
        let mut c =
            ApiConfig::new(data.to_owned(), site.to_owned(), crate::root().join("themes/default"), String::new());
        c.mail_from = "Primăria Timișoara <no-reply@primariatm.ro>".into();
        c.today = Some(TODAY.parse().unwrap());
        c.post_limit = None;
        c.mail_retry = Duration::from_millis(500);
        c.archive_index = archive_index_of(site);
        c
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The database file, for checks below the HTTP surface.
    pub fn db(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.data.path().join("civic.db")).unwrap()
    }

    /// Adds an account (`role`: "citizen" or "staff") with `password` straight to the database.
    pub async fn add_user(&self, email: &str, name: &str, role: &str, password: &str) {
        let hash = civic_api::users::hash_password(password).unwrap();
        civic_api::users::add(&self.api.app().db, email, name, role, Some(hash)).await.unwrap();
    }

    /// The SMTP server the API sends to; panics unless started [`with_mail`](TestApiBuilder::with_mail).
    pub fn mail(&self) -> &SmtpSink {
        self.mail.as_ref().expect("the API was started without `.with_mail()`")
    }

    /// The folder of the site the API serves.
    pub fn site(&self) -> &Path {
        &self.api.app().config.site
    }
}

/// Opens the API on `config` and serves it as `civic api` does, on a random loopback port, inside
/// the calling tokio runtime; an empty `public_url` becomes that address. Returns the address and
/// the API, whose background workers are not started yet.
pub async fn serve(mut config: ApiConfig) -> (SocketAddr, Api) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    if config.public_url.is_empty() {
        config.public_url = format!("http://{addr}");
    }
    let header_read_timeout = config.header_read_timeout;
    let api = Api::open(config).expect("the API opens");
    let router = api.router().unwrap();
    // The server `civic api` runs, not a stand-in: its deadlines are under test too.
    tokio::spawn(async move {
        civic_api::server::serve(listener, router, header_read_timeout, std::future::pending()).await.unwrap();
    });
    (addr, api)
}

/// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

/// The `token` of a link in a mail body (`…/api/auth/link?token=…`).
pub fn link_token(body: &str) -> String {
    let start = body.find("token=").expect("a link with a token") + "token=".len();
    body[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}

/// Logs in `email` with its password; returns the logged-in browser.
pub async fn logged_in(api: &TestApi, email: &str, password: &str) -> reqwest::Client {
    let client = browser();
    let r =
        client.post(api.url("/api/auth/login")).form(&[("email", email), ("password", password)]).send().await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
    client
}

/// Signs up and verifies `email` through the magic link it receives; returns the logged-in client.
pub async fn verified_user(api: &TestApi, sink: &SmtpSink, email: &str) -> reqwest::Client {
    let client = browser();
    let r = client.post(api.url("/api/auth/magic-link")).form(&[("email", email)]).send().await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
    let mail = sink.find(email, "Linkul de autentificare");
    let r = client
        .post(api.url("/api/auth/link"))
        .form(&[("token", link_token(&mail.body).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::SEE_OTHER);
    client
}
