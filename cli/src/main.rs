//! The `civic` command line.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use civic_generator::diagnostics::Diagnostic;
use civic_generator::progress::Progress;
use civic_generator::site::{self, Options};
use clap::{Args, Parser, Subcommand, ValueEnum};

mod serve;

/// civic turns a city hall's content files (YAML + Markdown) into its public-interest website.
///
/// Editors: run `civic check` before committing; it lists every problem in every file, with the
/// line and a fix. CI: run `civic build --now "$(date +%F)"` and upload the output folder.
#[derive(Parser)]
#[command(
    name = "civic",
    version,
    about,
    long_about,
    after_help = "Exit codes: 0 success, 1 content errors, 2 usage errors, 3 a file that cannot be read or written.\nThe content contract: docs/content.md. Published JSON Schemas: public/schemas/."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the whole site into the output folder (the previous site stays if anything fails).
    ///
    /// Reads every file under --content, checks it, renders the pages, feeds and open data
    /// with the theme, writes them aside and swaps them in. Same input, byte-identical output.
    Build(BuildArgs),
    /// Preview the site while editing: build, serve on 127.0.0.1, rebuild and reload on every save.
    ///
    /// Watches the content folder and the theme. A content error is printed here and shown over
    /// the page in the browser, while the last good site keeps being served.
    Serve(ServeArgs),
    /// Check the content only: the same diagnostics as `build`, nothing written.
    ///
    /// Every problem in every file is listed, each with file:line:column, the field, and a fix.
    Check(CommonArgs),
    /// Run the API alone (production: the site itself is on a CDN), or manage its accounts.
    ///
    /// The API reads only what `civic build` published (--site) and keeps all its state in one
    /// SQLite file (--data/civic.db). Put it behind a reverse proxy that terminates TLS and
    /// forwards `Host` and `Origin` unchanged; list the site's address with --trusted-origin so
    /// its forms may post here, and the proxy's with --trusted-proxy so each client has its own
    /// rate limit.
    Api(ApiArgs),
    /// The digitised archive: ingest a scanning batch, verify its masters.
    #[command(subcommand)]
    Archive(ArchiveCommand),
    /// Alerts: derive change events from the published open data and queue the e-mails.
    #[command(subcommand)]
    Alerts(AlertsCommand),
}

#[derive(Subcommand)]
enum AlertsCommand {
    /// Compare the published data with what was last seen, match the changes to the confirmed
    /// subscriptions and queue the alert mails (immediate ones, and the digests of closed days
    /// and weeks) in the API's outbox; the running API delivers them. Safe to run twice.
    Dispatch {
        /// The API's state folder (civic.db).
        #[arg(long, default_value = "data", value_name = "DIR")]
        data: PathBuf,
        /// The published site (the output of `civic build`).
        #[arg(long, default_value = "public", value_name = "DIR")]
        site: PathBuf,
        /// The theme whose mail templates are used.
        #[arg(long, default_value = "themes/default", value_name = "DIR")]
        theme: PathBuf,
        /// The address people reach the API at (links in the mails).
        #[arg(long, value_name = "URL")]
        public_url: String,
    },
}

#[derive(Args)]
struct ApiOptions {
    /// The folder holding the API's state: civic.db (created on first run) and mail/ when no
    /// SMTP server is configured.
    #[arg(long, default_value = "data", value_name = "DIR")]
    data: PathBuf,
    /// Deliver e-mail through this SMTP server: smtp://host:port (no TLS; loopback only),
    /// smtp+starttls://host:587 or smtps://host:465. Credentials come from CIVIC_SMTP_USER and
    /// CIVIC_SMTP_PASSWORD. Without it, each e-mail is written to DIR/mail/ as an .eml file.
    #[arg(long, value_name = "URL", value_parser = parse_smtp)]
    smtp: Option<civic_api::Smtp>,
    /// The sender of every e-mail.
    #[arg(long, value_name = "MAILBOX", default_value = "civic <no-reply@localhost>")]
    mail_from: String,
    /// OpenID Connect providers to log in with (ROeID or any standard provider): a JSON file,
    /// described in docs/api.md. Client secrets come from the environment variables it names;
    /// with `"token_endpoint_auth_method": "private_key_jwt"` the client signs with the PEM key
    /// in `private_key`, and its public keys are served at /api/auth/oidc/{id}/jwks.json.
    #[arg(long, value_name = "FILE", value_parser = parse_oidc)]
    oidc: Option<OidcProviders>,
}

#[derive(Clone)]
struct OidcProviders(Vec<civic_api::oidc::Provider>);

fn parse_oidc(path: &str) -> Result<OidcProviders, String> {
    civic_api::oidc::config::load(std::path::Path::new(path)).map(OidcProviders)
}

#[derive(Args)]
struct ApiArgs {
    #[command(subcommand)]
    command: Option<ApiCommand>,
    #[command(flatten)]
    options: ApiOptions,
    /// The published site (the output of `civic build`): forms, drafts, calendar, site frame.
    #[arg(long, default_value = "public", value_name = "DIR")]
    site: PathBuf,
    /// The theme whose templates render the API's pages.
    #[arg(long, default_value = "themes/default", value_name = "DIR")]
    theme: PathBuf,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:8001", value_name = "ADDR")]
    listen: std::net::SocketAddr,
    /// The address people reach the API at (links in e-mails); https turns on Secure cookies and HSTS.
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
    /// An origin whose pages may post to the API (the CDN-hosted site), e.g. https://www.primariatm.ro.
    /// Repeatable.
    #[arg(long, value_name = "ORIGIN")]
    trusted_origin: Vec<String>,
    /// A reverse proxy in front of the API: its address, or a network such as 10.0.0.0/8.
    /// Repeatable. A request from it counts, in the rate limits, as the right-most address of its
    /// X-Forwarded-For (or, without one, Forwarded) header that is not itself a trusted proxy;
    /// a request from anywhere else counts as its own address, its headers ignored. Without it,
    /// every client behind the proxy shares the proxy's limits.
    #[arg(long, value_name = "CIDR", value_parser = civic_api::config::parse_network)]
    trusted_proxy: Vec<civic_api::config::IpNet>,
}

#[derive(Subcommand)]
enum ApiCommand {
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a staff or admin account, or give an existing account a role.
    ///
    /// The password, if any, is read from standard input (one line); without it, the person logs
    /// in with a link sent by e-mail. Example: `echo "$PW" | civic api user add --email ana@primariatm.ro --role staff --password-stdin`
    Add {
        #[arg(long)]
        email: String,
        #[arg(long, value_parser = ["citizen", "staff", "admin"], default_value = "staff")]
        role: String,
        #[arg(long, default_value = "")]
        name: String,
        /// Read a password from standard input.
        #[arg(long)]
        password_stdin: bool,
    },
}

/// `--smtp`, with the credentials from the environment (never on the command line).
fn parse_smtp(url: &str) -> Result<civic_api::Smtp, String> {
    let credentials = std::env::var("CIVIC_SMTP_USER").ok().zip(std::env::var("CIVIC_SMTP_PASSWORD").ok());
    civic_api::Smtp::parse(url, credentials)
}

impl ApiOptions {
    fn config(&self, site: PathBuf, theme: PathBuf, public_url: String) -> civic_api::ApiConfig {
        let mut c = civic_api::ApiConfig::new(self.data.clone(), site, theme, public_url);
        c.smtp = self.smtp.clone();
        c.mail_from = self.mail_from.clone();
        c.oidc = self.oidc.clone().map(|o| o.0).unwrap_or_default();
        c
    }
}

#[derive(Subcommand)]
enum ArchiveCommand {
    /// Ingest a batch: one folder of page images (or one PDF of scans) per unit plus metadata.csv.
    ///
    /// Writes content/archive_units/<id>.md and, under content/archive/<id>/, the web images and
    /// thumbnails (IIIF level-0 layout), the OCR text found beside the scans (pNNNN.txt or
    /// .hocr) and a SHA-256 fixity manifest of the masters. Units already ingested and
    /// unchanged are skipped; a bad unit is reported with its reason and the others still
    /// ingest. To add OCR first: `tesseract p0001.tif p0001 -l ron` (Debian tesseract-ocr-ron).
    Ingest(IngestArgs),
    /// Re-hash the masters of a batch against the fixity manifests written when it was ingested.
    ///
    /// Lists every master that changed or is missing; exit code 1 if there is any.
    Verify(VerifyArgs),
}

#[derive(Args)]
struct IngestArgs {
    /// The batch folder.
    #[arg(value_name = "BATCH")]
    batch: PathBuf,
    /// The content folder the units are written into.
    #[arg(long, default_value = "content", value_name = "DIR")]
    content: PathBuf,
    /// The longest side of the web image, in pixels.
    #[arg(long, default_value_t = 1600)]
    max_size: u32,
    /// The width of thumbnails, in pixels.
    #[arg(long, default_value_t = 200)]
    thumb_width: u32,
    /// JPEG quality of the derivatives (1-100).
    #[arg(long, default_value_t = 80, value_parser = clap::value_parser!(u8).range(1..=100))]
    quality: u8,
    /// How to print problems: `human` or `json`.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// No progress output.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args)]
struct VerifyArgs {
    /// The batch folder the units were ingested from.
    #[arg(value_name = "BATCH")]
    batch: PathBuf,
    /// The content folder holding the units' fixity manifests.
    #[arg(long, default_value = "content", value_name = "DIR")]
    content: PathBuf,
    /// How to print problems: `human` or `json`.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Args)]
struct CommonArgs {
    /// The content folder: civic.yaml, holidays.yaml and one folder per content type.
    #[arg(long, default_value = "content", value_name = "DIR")]
    content: PathBuf,
    /// "Today" for the build (YYYY-MM-DD): items published later stay out; deadlines count from it.
    /// Defaults to SOURCE_DATE_EPOCH, then to `now:` in civic.yaml.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    now: Option<jiff::civil::Date>,
    /// How to print diagnostics: `human` for people, `json` for CI annotations.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// No progress output.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args)]
struct BuildArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// The theme folder (templates/, assets/, labels.yaml).
    #[arg(long, default_value = "themes/default", value_name = "DIR")]
    theme: PathBuf,
    /// Where the site is written.
    #[arg(long, default_value = "public", value_name = "DIR")]
    out: PathBuf,
    /// The public address of the site, overriding `base_url` in civic.yaml (feeds and sitemaps use it).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Bring the archive's full-text index in this SQLite file up to date with the open units'
    /// OCR text (only the units that changed are read). The API searches it from its data
    /// folder (`DIR/arhiva.sqlite`); `civic serve` keeps the one there up to date itself.
    #[arg(long, value_name = "FILE")]
    archive_index: Option<PathBuf>,
    /// Skip the search index: a faster build for previews (the search page then finds nothing).
    #[arg(long)]
    no_search: bool,
    /// Leaflet's npm package, copied in for the map page (`npm ci` installs it).
    #[arg(long, default_value = "node_modules/leaflet", value_name = "DIR")]
    leaflet: PathBuf,
    /// About how many pages each part of the search index holds. An edit rebuilds only its part
    /// and parts are built in parallel; the search page merges them.
    #[arg(long, default_value_t = site::DEFAULT_SEARCH_PART, value_name = "N")]
    search_part: usize,
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    build: BuildArgs,
    /// The port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8000)]
    port: u16,
    #[command(flatten)]
    api: ApiOptions,
    /// Serve the site only, without the API under /api/.
    #[arg(long)]
    no_api: bool,
    /// Do not load the sample's petitions, cases and alerts (`sample_data` in civic.yaml), which
    /// otherwise go into the API's database when it is empty.
    #[arg(long)]
    no_sample_data: bool,
}

#[derive(Clone, Copy, ValueEnum, PartialEq)]
enum Format {
    Human,
    Json,
}

fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    s.parse().map_err(|_| format!("`{s}` is not a date: write it as YYYY-MM-DD"))
}

/// SOURCE_DATE_EPOCH (reproducible builds) as a date in the site's time zone.
fn source_date_epoch() -> Option<jiff::civil::Date> {
    let secs: i64 = std::env::var("SOURCE_DATE_EPOCH").ok()?.parse().ok()?;
    let t = jiff::Timestamp::from_second(secs).ok()?;
    Some(site::local_date(t))
}

/// Rendering allocates many small values across threads, the load mimalloc is made for; the
/// `civic` binary and the benchmarks use the same allocator, so the benchmarks' figures are civic's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut serve_port = None;
    let mut api = None;
    let mut load_sample = false;
    let mut archive_index = None;
    let (common, theme, out, base_url, check_only, search, leaflet, search_part) = match cli.command {
        Command::Build(b) => {
            archive_index = b.archive_index;
            (b.common, b.theme, b.out, b.base_url, false, !b.no_search, b.leaflet, b.search_part)
        }
        Command::Serve(s) => {
            serve_port = Some(s.port);
            load_sample = !s.no_api && !s.no_sample_data;
            let b = s.build;
            if !s.no_api {
                let mut config = s.api.config(b.out.clone(), b.theme.clone(), String::new());
                if let Some(file) = &b.archive_index {
                    config.archive_index = file.clone();
                }
                archive_index = Some(config.archive_index.clone());
                api = Some(config);
            } else {
                archive_index = b.archive_index.clone();
            }
            (b.common, b.theme, b.out, b.base_url, false, !b.no_search, b.leaflet, b.search_part)
        }
        Command::Check(c) => {
            (c, PathBuf::new(), PathBuf::new(), None, true, false, PathBuf::new(), site::DEFAULT_SEARCH_PART)
        }
        Command::Api(a) => return api_command(a),
        Command::Archive(a) => return archive(a),
        Command::Alerts(a) => return alerts(a),
    };
    let opts = Options {
        content: common.content,
        theme,
        out,
        base_url,
        now: common.now.or_else(source_date_epoch),
        check_only,
        search,
        leaflet,
        search_part,
        archive_index,
    };
    if let Some(port) = serve_port {
        // The preview's API counts legal deadlines from the same "today" as the pages it serves.
        if let Some(api) = &mut api {
            api.today = opts
                .now
                .or_else(|| civic_generator::load::config(&opts.content).ok().and_then(|c| c.now).map(|d| d.civil()));
        }
        let sample = match sample_data(&opts.content, load_sample) {
            Ok(sample) => sample,
            Err(diagnostics) => {
                report_errors(&diagnostics, Format::Human, false);
                return ExitCode::from(1);
            }
        };
        return match serve::run(opts, port, api, sample) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("civic: cannot serve on port {port}: {e}");
                ExitCode::from(2)
            }
        };
    }
    let progress = if common.quiet || common.format == Format::Json { Progress::quiet() } else { Progress::new(false) };
    match site::build(&opts, &progress) {
        Ok(report) => {
            if common.format == Format::Json {
                println!(
                    "{}",
                    serde_json::json!({"ok": true, "diagnostics": [], "items": report.items, "scheduled": report.scheduled, "pages": report.pages})
                );
            } else if check_only {
                eprintln!(
                    "civic: {} items checked, no problems ({} scheduled for later)",
                    report.items, report.scheduled
                );
            } else {
                eprintln!(
                    "civic: built {} pages and {} files from {} items in {:.2?} into {} ({} scheduled for later)",
                    report.pages,
                    report.files,
                    report.items,
                    report.elapsed,
                    opts.out.display(),
                    report.scheduled
                );
                if let Some(a) = &report.archive_index {
                    eprintln!(
                        "civic: archive index {}: {} unit(s) indexed ({} pages), {} unchanged, {} removed, in {:.2?}",
                        opts.archive_index.as_deref().unwrap_or(Path::new("")).display(),
                        a.indexed,
                        a.pages,
                        a.unchanged,
                        a.removed,
                        a.elapsed
                    );
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            report_errors(&e.diagnostics(), common.format, check_only);
            ExitCode::from(match e {
                site::BuildError::Content(_) => 1,
                site::BuildError::Io(_) => 3,
            })
        }
    }
}

fn api_command(a: ApiArgs) -> ExitCode {
    let public_url = a.public_url.clone().unwrap_or_else(|| format!("http://{}", a.listen));
    let mut config = a.options.config(a.site, a.theme, public_url);
    config.trusted_origins = a.trusted_origin;
    config.trusted_proxies = a.trusted_proxy;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    match a.command {
        None => match runtime.block_on(civic_api::serve(config, a.listen)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("civic api: {e}");
                ExitCode::from(2)
            }
        },
        Some(ApiCommand::User(UserCommand::Add { email, role, name, password_stdin })) => {
            let mut line = String::new();
            if password_stdin && std::io::stdin().read_line(&mut line).is_err() {
                line.clear();
            }
            let password = password_stdin.then(|| line.trim_end());
            let added =
                runtime.block_on(civic_api::users::add_from_command_line(&config.db, &email, &name, &role, password));
            match added {
                Ok((id, email)) => {
                    eprintln!("civic api: account {id} <{email}> has the role {role} ({})", config.db.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("civic api user add: {e}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

fn alerts(command: AlertsCommand) -> ExitCode {
    let AlertsCommand::Dispatch { data, site, theme, public_url } = command;
    let config = civic_api::ApiConfig::new(data, site, theme, public_url);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime");
    let result = runtime.block_on(async {
        let api = civic_api::Api::open(config)?;
        civic_api::alerts::dispatch(api.app(), api.app().clock.now()).await
    });
    match result {
        Ok(r) => {
            eprintln!(
                "civic alerts dispatch: {} new events, {} alert mails and {} digests queued",
                r.events, r.immediate, r.digests
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("civic alerts dispatch: {e}");
            ExitCode::from(2)
        }
    }
}

fn archive(command: ArchiveCommand) -> ExitCode {
    use civic_generator::archive::{ingest, verify};
    match command {
        ArchiveCommand::Ingest(a) => {
            let opts = ingest::Options {
                max_size: a.max_size,
                thumb_width: a.thumb_width,
                quality: a.quality,
                ..ingest::Options::new(&a.batch, &a.content)
            };
            let progress = if a.quiet || a.format == Format::Json { Progress::quiet() } else { Progress::new(false) };
            match ingest::run(&opts, &progress) {
                Ok(r) => {
                    if a.format == Format::Json {
                        println!(
                            "{}",
                            serde_json::json!({"ok": r.problems.is_empty(), "ingested": r.ingested, "unchanged": r.unchanged, "pages": r.pages, "diagnostics": r.problems})
                        );
                    } else {
                        for d in &r.problems {
                            eprintln!("{d}");
                        }
                        let secs = r.elapsed.as_secs_f64();
                        eprintln!(
                            "civic: {} unit(s) ingested ({} pages, {:.1} pages/s), {} unchanged, {} problem(s){}",
                            r.ingested.len(),
                            r.pages,
                            if secs > 0.0 { r.pages as f64 / secs } else { 0.0 },
                            r.unchanged.len(),
                            r.problems.len(),
                            if r.problems.is_empty() { "" } else { "; the units above were not ingested" }
                        );
                    }
                    if r.problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) }
                }
                Err(d) => {
                    report_errors(&d, a.format, true);
                    ExitCode::from(1)
                }
            }
        }
        ArchiveCommand::Verify(a) => match verify::run(&a.batch, &a.content) {
            Ok(r) => {
                if a.format == Format::Json {
                    println!(
                        "{}",
                        serde_json::json!({"ok": r.problems.is_empty(), "units": r.units, "files": r.files, "diagnostics": r.problems})
                    );
                } else {
                    for d in &r.problems {
                        eprintln!("{d}");
                    }
                    eprintln!(
                        "civic: {} master file(s) of {} unit(s) checked, {} problem(s)",
                        r.files,
                        r.units,
                        r.problems.len()
                    );
                }
                if r.problems.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) }
            }
            Err(d) => {
                report_errors(&d, a.format, true);
                ExitCode::from(1)
            }
        },
    }
}

/// The sample data civic.yaml names (`sample_data`), when `wanted` and there is some.
fn sample_data(content: &Path, wanted: bool) -> Result<Option<civic_api::sample::SampleData>, Vec<Diagnostic>> {
    if !wanted {
        return Ok(None);
    }
    let Some(file) = civic_generator::load::config(content).ok().and_then(|c| c.sample_data) else { return Ok(None) };
    civic_generator::load::data_file(content, &file).map(Some)
}

fn report_errors(diagnostics: &[Diagnostic], format: Format, check_only: bool) {
    if format == Format::Json {
        println!("{}", serde_json::json!({"ok": false, "diagnostics": diagnostics}));
        return;
    }
    for d in diagnostics {
        eprintln!("{d}");
    }
    let files: std::collections::BTreeSet<&str> = diagnostics.iter().map(|d| d.file.as_str()).collect();
    eprintln!(
        "civic: {} problem(s) in {} file(s){}",
        diagnostics.len(),
        files.len(),
        if check_only { "" } else { "; nothing was written, the previous site is unchanged" }
    );
}
