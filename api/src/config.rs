//! How the API is set up: where its database and the published site are, how it sends mail,
//! which origins may post to it.

use std::path::PathBuf;
use std::time::Duration;

pub use ipnet::IpNet;
use jiff::civil::Date;

/// SMTP relay settings. Without them, mail is written as `.eml` files.
#[derive(Debug, Clone)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    /// `none` (loopback test servers only), `starttls` or `tls`.
    pub security: SmtpSecurity,
    pub credentials: Option<(String, String)>,
}

impl Smtp {
    /// An SMTP server written as `smtp://host:port` (no TLS; loopback only),
    /// `smtp+starttls://host:587` or `smtps://host:465`; without a port, 587 (465 for smtps).
    pub fn parse(url: &str, credentials: Option<(String, String)>) -> Result<Smtp, String> {
        let (scheme, rest) = url
            .split_once("://")
            .ok_or("write it as smtp://host:port, smtp+starttls://host:port or smtps://host:port")?;
        let security = match scheme {
            "smtp" => SmtpSecurity::None,
            "smtp+starttls" => SmtpSecurity::StartTls,
            "smtps" => SmtpSecurity::Tls,
            other => return Err(format!("unknown scheme `{other}`: use smtp, smtp+starttls or smtps")),
        };
        let rest = rest.trim_end_matches('/');
        let (host, port) = match rest.rsplit_once(':') {
            Some((h, p)) => (h, p.parse().map_err(|_| format!("`{p}` is not a port number"))?),
            None => (rest, if security == SmtpSecurity::Tls { 465 } else { 587 }),
        };
        Ok(Smtp { host: host.to_owned(), port, security, credentials })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    None,
    StartTls,
    Tls,
}

/// Requests allowed per client address: a burst, refilled at a steady rate.
#[derive(Debug, Clone, Copy)]
pub struct RateLimit {
    pub burst: u32,
    pub per_minute: u32,
}

/// E-mails sent on request to one mailbox: a burst, then one per `every`.
#[derive(Debug, Clone, Copy)]
pub struct MailLimit {
    pub burst: u32,
    pub every: std::time::Duration,
}

/// The archive's full-text index in the API's data folder.
pub const ARCHIVE_INDEX_FILE: &str = "arhiva.sqlite";

#[derive(Debug, Clone)]
pub struct ApiConfig {
    /// The SQLite file (created with its folder on first run).
    pub db: PathBuf,
    /// The published site (`civic build --out`): forms, drafts, calendar, the site's frame.
    pub site: PathBuf,
    /// The theme whose templates render the API's pages.
    pub theme: PathBuf,
    /// Where `.eml` files go when no SMTP server is configured.
    pub mail_dir: PathBuf,
    /// The archive's full-text index (`civic build --archive-index` writes it), searched
    /// read-only at /api/arhiva/cautare.
    pub archive_index: PathBuf,
    /// The address people reach the API at, for links in e-mails (`http://127.0.0.1:8000`).
    pub public_url: String,
    pub smtp: Option<Smtp>,
    /// The sender of every e-mail, e.g. `Primăria Timișoara <no-reply@primariatm.ro>`.
    pub mail_from: String,
    /// Origins (besides the API's own) whose pages may post forms here: the CDN-hosted site.
    pub trusted_origins: Vec<String>,
    /// Pins the legal "today" (tests, demos); otherwise the date in Romanian time.
    pub today: Option<Date>,
    /// Limits on state-changing requests per client address; `None` turns them off (load
    /// benchmarks, where every client shares one address).
    pub post_limit: Option<RateLimit>,
    /// E-mails sent on a request to an address someone typed (login and confirmation links,
    /// receipts), per mailbox, so nobody can flood a stranger's inbox; `None` turns it off (load
    /// benchmarks, whose clients reuse addresses).
    pub mail_limit: Option<MailLimit>,
    /// The wait before retrying a failed e-mail, doubled on every further failure.
    pub mail_retry: std::time::Duration,
    /// OpenID Connect providers people can log in with (`--oidc FILE`).
    pub oidc: Vec<crate::oidc::Provider>,
    /// How long a connection may take to send a request's line and headers (and how long an
    /// idle keep-alive connection stays open); then it is closed.
    pub header_read_timeout: Duration,
    /// How long a request may take from its headers to its answer, body included; then a 408.
    pub request_timeout: Duration,
    /// How long password login to an account stays locked after the fifth wrong password in a
    /// row; doubled on every further one.
    pub login_lockout: Duration,
    /// Reverse proxies whose `X-Forwarded-For` / `Forwarded` headers say who the client is
    /// (`--trusted-proxy`). Without any, the client is the TCP peer and those headers are ignored.
    pub trusted_proxies: Vec<IpNet>,
}

/// A trusted proxy as given on the command line: a network (`10.0.0.0/8`, `fd00::/8`) or one
/// address (`192.0.2.10`, the same as `/32`).
pub fn parse_network(s: &str) -> Result<IpNet, String> {
    s.parse::<IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(IpNet::from))
        .map(|n| n.trunc())
        .map_err(|_| format!("`{s}` is neither an address nor a network like 10.0.0.0/8 or fd00::/8"))
}

impl ApiConfig {
    /// Defaults for a data folder and a published site, as `civic serve` uses them.
    pub fn new(data: PathBuf, site: PathBuf, theme: PathBuf, public_url: String) -> ApiConfig {
        ApiConfig {
            db: data.join("civic.db"),
            mail_dir: data.join("mail"),
            archive_index: data.join(ARCHIVE_INDEX_FILE),
            site,
            theme,
            public_url,
            smtp: None,
            mail_from: "civic <no-reply@localhost>".into(),
            trusted_origins: vec![],
            today: None,
            post_limit: Some(RateLimit { burst: 30, per_minute: 60 }),
            mail_limit: Some(MailLimit { burst: 5, every: std::time::Duration::from_secs(600) }),
            mail_retry: std::time::Duration::from_secs(60),
            oidc: vec![],
            header_read_timeout: crate::server::HEADER_READ_TIMEOUT,
            request_timeout: Duration::from_secs(30),
            login_lockout: Duration::from_secs(60),
            trusted_proxies: vec![],
        }
    }

    /// Cookies get `Secure` (and responses HSTS) when the API is reached over https.
    pub fn https(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}
