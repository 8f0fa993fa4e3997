//! `civic build`: load, check, render, swap. The build is a pure function of the content folder,
//! the theme and the options: no clock, no network, byte-identical output for the same input.

mod archive;
mod archive_index;
mod context;
mod data;
mod emit;
mod error;
mod forms;
mod ical;
mod jsonld;
mod leaflet;
mod lists;
mod ocds;
mod output;
mod places;
mod render;
mod search;
mod theme;

pub use archive_index::ArchiveIndexReport;
pub use context::local_date;
pub use error::{BuildError, IoAction, IoFailure};
pub use search::{DEFAULT_SEARCH_PART, Record as SearchRecord};

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use civic_workdays::{Calendar, CalendarRules};
use jiff::civil::Date;

use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;
use crate::load::{self, Item};
use crate::model::Data;
use crate::progress::Progress;

/// What `civic build` and `civic check` are given.
#[derive(Clone)]
pub struct Options {
    pub content: PathBuf,
    pub theme: PathBuf,
    pub out: PathBuf,
    pub base_url: Option<String>,
    pub now: Option<Date>,
    /// Validate only; write nothing.
    pub check_only: bool,
    /// Build the search index (the slowest part of a build; previews may skip it).
    pub search: bool,
    /// Leaflet's npm package (`node_modules/leaflet`), copied in for the map page.
    pub leaflet: PathBuf,
    /// About how many records each part of the search index holds ([`DEFAULT_SEARCH_PART`]):
    /// an edit rebuilds one part, and parts are built in parallel.
    pub search_part: usize,
    /// The archive's full-text index to bring up to date after the build (a SQLite file the
    /// API searches; see `archive_index`), if any.
    pub archive_index: Option<PathBuf>,
}

/// What a successful run did.
#[derive(Debug, Default)]
pub struct Report {
    pub items: usize,
    /// Items whose `published_at` is after "now": left out until a later build.
    pub scheduled: usize,
    pub pages: usize,
    pub files: usize,
    /// What the archive's full-text index update did, when the build was given one.
    pub archive_index: Option<ArchiveIndexReport>,
    pub elapsed: Duration,
}

/// Everything loaded and checked, ready to render.
pub struct Site {
    pub config: SiteConfig,
    pub calendar: Calendar,
    pub items: Vec<Item>,
    pub now: Date,
    pub content: PathBuf,
    /// The street list (street → districts), from `map.streets` in civic.yaml.
    pub streets: Vec<crate::model::places::Street>,
}

/// Loads and checks the content; every problem in every file, or a site ready to render.
pub fn load(opts: &Options, cache: Option<&mut load::LoadCache>) -> Result<(Site, usize), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let config = load::config(&opts.content).map_err(|e| errors.extend(e)).ok();
    let calendar = config.as_ref().and_then(|c| {
        let rules = load::data_file::<CalendarRules>(&opts.content, &c.holidays).map_err(|e| errors.extend(e)).ok()?;
        Calendar::new(rules)
            .map_err(|e| errors.push(Diagnostic::new(&c.holidays, 0, 0, e.to_string()).fix("correct the holiday rule")))
            .ok()
    });
    let items = load::items(&opts.content, cache).map_err(|e| errors.extend(e)).ok();
    let streets = config.as_ref().and_then(|c| load::streets(&opts.content, c).map_err(|e| errors.extend(e)).ok());
    let (Some(mut config), Some(calendar), Some(items), Some(streets)) = (config, calendar, items, streets) else {
        errors.sort();
        return Err(errors);
    };
    let mut findings: Vec<Diagnostic> = crate::checks::run(&items, &config, &calendar, &opts.content)
        .into_iter()
        .chain(crate::checks::places::run(&items, &streets, &config.map.streets, &config))
        .map(|f| f.locate(&opts.content))
        .collect();
    if !findings.is_empty() {
        findings.sort();
        return Err(findings);
    }
    if let Some(url) = &opts.base_url {
        config.base_url = url.clone();
    }
    config.base_url = config.base_url.trim_end_matches('/').to_owned();
    let now = opts.now.or(config.now.map(|d| d.civil())).ok_or_else(|| {
        vec![
            Diagnostic::new(load::CONFIG_FILE, 0, 0, "the build has no date for \"today\"")
                .fix("pass --now YYYY-MM-DD, set SOURCE_DATE_EPOCH, or set `now:` in civic.yaml"),
        ]
    })?;
    let total = items.len();
    let items: Vec<Item> =
        items.into_iter().filter(|i| context::local_date(i.data.envelope().published_at.timestamp()) <= now).collect();
    let scheduled = total - items.len();
    Ok((Site { config, calendar, items, now, content: opts.content.clone(), streets }, scheduled))
}

/// What `civic serve` keeps between rebuilds so that a saved edit re-reads one file and
/// re-renders only the outputs that depend on it.
#[derive(Default)]
pub struct BuildCache {
    /// Keep the items read, for the next build (only worth it when there will be one).
    keep_items: bool,
    load: load::LoadCache,
    /// Output path → fingerprint of what it was made from, as of the last successful build.
    outputs: HashMap<String, u64>,
    /// Item id → (fingerprint, list row), so list pages need not rebuild unchanged rows.
    rows: lists::Rows,
    /// Item id → (fingerprint, summary JSON), for the open-data lists.
    json_rows: data::JsonRows,
}

impl BuildCache {
    /// A cache for a process that rebuilds again and again (`civic serve`).
    pub fn for_rebuilds() -> BuildCache {
        BuildCache { keep_items: true, ..BuildCache::default() }
    }
}

/// The whole build. On any error the previous output is left untouched.
pub fn build(opts: &Options, progress: &Progress) -> Result<Report, BuildError> {
    build_cached(opts, progress, &mut BuildCache::default())
}

/// A build that reuses what `cache` kept from the previous one. With an empty cache this is a
/// full build into a staging folder; with a warm one, only changed outputs are rendered, kept in
/// memory, and written into place once everything succeeded.
pub fn build_cached(opts: &Options, progress: &Progress, cache: &mut BuildCache) -> Result<Report, BuildError> {
    let start = Instant::now();
    progress.phase("reading content");
    let (site, scheduled) = load(opts, if cache.keep_items { Some(&mut cache.load) } else { None })?;
    let mut report = Report { items: site.items.len(), scheduled, ..Report::default() };
    if opts.check_only {
        report.elapsed = start.elapsed();
        return Ok(report);
    }
    let theme = theme::Theme::load(&opts.theme)?;
    // A warm cache renders only what changed, in memory, then writes it into place; otherwise
    // everything goes to a staging folder that is swapped in.
    let in_place = !cache.outputs.is_empty() && opts.out.is_dir();
    let staging = match in_place {
        true => None,
        false => Some(output::Staging::new(&opts.out).map_err(IoFailure::writing(&opts.out))?),
    };
    let sink = staging.as_ref().map_or_else(|| emit::Sink::Memory(Default::default()), emit::Sink::Staging);
    // Without the previous output in place, nothing of it can be reused.
    let nothing = HashMap::new();
    let emitter = emit::Emitter::new(sink, if in_place { &cache.outputs } else { &nothing });
    let rows = render::RowCaches { lists: &mut cache.rows, json: cache.keep_items.then_some(&mut cache.json_rows) };
    let rendered = render::render_site(opts, &site, &theme, &emitter, rows, progress);
    let (outputs, files, failures) = emitter.finish();
    // A file that could not be read or written explains the errors it caused.
    let rendered = match rendered {
        Err(_) if !failures.is_empty() => Err(BuildError::Io(failures)),
        Err(e) => Err(BuildError::Content(e)),
        Ok(pages) => Ok(pages),
    };
    match (rendered, staging) {
        (Err(e), Some(staging)) => {
            staging.abandon();
            return Err(e);
        }
        (Err(e), None) => return Err(e),
        (Ok(pages), Some(staging)) => {
            report.files = staging.written();
            staging.commit().map_err(IoFailure::writing(&opts.out))?;
            report.pages = pages;
        }
        (Ok(pages), None) => {
            for (path, bytes) in &files {
                let target = opts.out.join(path);
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent).map_err(IoFailure::writing(parent))?;
                }
                std::fs::write(&target, bytes).map_err(IoFailure::writing(&target))?;
            }
            for gone in cache.outputs.keys().filter(|p| !outputs.contains_key(*p) && crate::model::is_content_path(p)) {
                let _ = std::fs::remove_file(opts.out.join(gone));
            }
            report.files = files.len();
            report.pages = pages;
        }
    }
    cache.outputs = outputs;
    if let Some(db) = &opts.archive_index {
        report.archive_index = Some(archive_index::update(&site, db, progress)?);
    }
    report.elapsed = start.elapsed();
    Ok(report)
}

/// One page to render: its URL, template and context, and a fingerprint of the items the
/// context was made from (cheaper to compare than the context itself).
pub(crate) struct PageJob<'a> {
    pub url: String,
    pub template: &'static str,
    pub context: lists::Context<'a>,
    pub fingerprint: u64,
}

/// Size and modification time: enough to notice a replaced file without reading it.
pub(crate) fn file_stamp(path: &Path) -> u64 {
    let meta = std::fs::metadata(path).ok();
    emit::fingerprint(&(meta.as_ref().map(|m| m.len()), meta.and_then(|m| m.modified().ok())))
}

/// Register-only dispositions have a line in the register and no page of their own.
pub(crate) fn has_page(item: &Item) -> bool {
    !matches!(&*item.data, Data::MayorDisposition(d) if d.register_only)
}
