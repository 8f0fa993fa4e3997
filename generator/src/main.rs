//! The `civic` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use civic_generator::diagnostics::Diagnostic;
use civic_generator::progress::Progress;
use civic_generator::site::{self, Options};
use clap::{Args, Parser, Subcommand, ValueEnum};

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
    after_help = "Exit codes: 0 success, 1 content errors, 2 usage errors.\nThe content contract: docs/content.md. Published JSON Schemas: public/schemas/."
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
    /// Skip the search index: a faster build for previews (the search page then finds nothing).
    #[arg(long)]
    no_search: bool,
}

#[derive(Args)]
struct ServeArgs {
    #[command(flatten)]
    build: BuildArgs,
    /// The port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8000)]
    port: u16,
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
    Some(site::context::local_date(t))
}

/// Rendering allocates many small values across threads; mimalloc is measurably faster here
/// than the system allocator (see the benchmark figures in ARCHITECTURE.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut serve_port = None;
    let (common, theme, out, base_url, check_only, search) = match cli.command {
        Command::Build(b) => (b.common, b.theme, b.out, b.base_url, false, !b.no_search),
        Command::Serve(s) => {
            serve_port = Some(s.port);
            let b = s.build;
            (b.common, b.theme, b.out, b.base_url, false, !b.no_search)
        }
        Command::Check(c) => (c, PathBuf::new(), PathBuf::new(), None, true, false),
    };
    let opts = Options {
        content: common.content,
        theme,
        out,
        base_url,
        now: common.now.or_else(source_date_epoch),
        check_only,
        search,
    };
    if let Some(port) = serve_port {
        return match civic_generator::serve::run(opts, port) {
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
            }
            ExitCode::SUCCESS
        }
        Err(diagnostics) => {
            report_errors(&diagnostics, common.format, check_only);
            ExitCode::from(1)
        }
    }
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
