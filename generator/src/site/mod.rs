//! `civic build`: load, check, render, swap. The build is a pure function of the content folder,
//! the theme and the options: no clock, no network, byte-identical output for the same input.

pub mod context;
pub mod data;
pub mod emit;
pub mod forms;
pub mod ical;
pub mod jsonld;
pub mod lists;
pub mod ocds;
pub mod output;
pub mod places;
pub mod render;
pub mod search;
pub mod urls;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use civic_workdays::{Calendar, CalendarRules};
use jiff::civil::Date;
use minijinja::value::{Serde, Value as JValue};
use rayon::prelude::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;
use crate::load::{self, Item};
use crate::model::{Data, Kind};
use crate::progress::Progress;
use context::Index;

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
}

/// What a successful run did.
#[derive(Debug, Default)]
pub struct Report {
    pub items: usize,
    /// Items whose `published_at` is after "now": left out until a later build.
    pub scheduled: usize,
    pub pages: usize,
    pub files: usize,
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
    let streets = config.as_ref().and_then(|c| places::streets(&opts.content, c).map_err(|e| errors.extend(e)).ok());
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
pub fn build(opts: &Options, progress: &Progress) -> Result<Report, Vec<Diagnostic>> {
    build_with(opts, progress, &mut BuildCache::default())
}

/// A build that reuses what `cache` kept from the previous one. With an empty cache this is a
/// full build into a staging folder; with a warm one, only changed outputs are rendered, kept in
/// memory, and written into place once everything succeeded.
pub fn build_with(opts: &Options, progress: &Progress, cache: &mut BuildCache) -> Result<Report, Vec<Diagnostic>> {
    let start = Instant::now();
    progress.phase("reading content");
    let (site, scheduled) = load(opts, if cache.keep_items { Some(&mut cache.load) } else { None })?;
    let mut report = Report { items: site.items.len(), scheduled, ..Report::default() };
    if opts.check_only {
        report.elapsed = start.elapsed();
        return Ok(report);
    }
    let labels = render::labels(&opts.theme)?;
    let env = render::environment(&opts.theme, labels.clone())?;
    let theme_fp = theme_fingerprint(&opts.theme).map_err(|e| vec![io_error(&opts.theme, e)])?;
    // A warm cache renders only what changed, in memory, then writes it into place; otherwise
    // everything goes to a staging folder that is swapped in.
    let in_place = !cache.outputs.is_empty() && opts.out.is_dir();
    let staging = match in_place {
        true => None,
        false => Some(output::Staging::new(&opts.out).map_err(|e| vec![io_error(&opts.out, e)])?),
    };
    let sink = staging.as_ref().map_or_else(|| emit::Sink::Memory(Default::default()), emit::Sink::Staging);
    // Without the previous output in place, nothing of it can be reused.
    let nothing = HashMap::new();
    let emitter = emit::Emitter::new(sink, if in_place { &cache.outputs } else { &nothing });
    let rendered = render_site(
        &site,
        &env,
        &opts.theme,
        theme_fp,
        &labels,
        opts.search,
        &emitter,
        &mut cache.rows,
        &mut cache.json_rows,
        cache.keep_items,
        progress,
    );
    let (outputs, files) = emitter.finish();
    match (rendered, staging) {
        (Err(e), Some(staging)) => {
            staging.abandon();
            return Err(e);
        }
        (Err(e), None) => return Err(e),
        (Ok(pages), Some(staging)) => {
            report.files = staging.written();
            staging.commit().map_err(|e| vec![io_error(&opts.out, e)])?;
            report.pages = pages;
        }
        (Ok(pages), None) => {
            for (path, bytes) in &files {
                let target = opts.out.join(path);
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| vec![io_error(parent, e)])?;
                }
                std::fs::write(&target, bytes).map_err(|e| vec![io_error(&target, e)])?;
            }
            for gone in cache.outputs.keys().filter(|p| !outputs.contains_key(*p) && crate::checks::is_content_path(p))
            {
                let _ = std::fs::remove_file(opts.out.join(gone));
            }
            report.files = files.len();
            report.pages = pages;
        }
    }
    cache.outputs = outputs;
    report.elapsed = start.elapsed();
    Ok(report)
}

/// A fingerprint of every file of the theme.
fn theme_fingerprint(theme: &Path) -> std::io::Result<u64> {
    let mut files = Vec::new();
    let mut stack = vec![theme.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir)? {
            let p = e?.path();
            if p.is_dir() { stack.push(p) } else { files.push(p) }
        }
    }
    files.sort();
    let mut all = Vec::with_capacity(files.len());
    for f in files {
        all.push((f.display().to_string(), std::fs::read(&f)?));
    }
    Ok(emit::fingerprint(&all))
}

pub(crate) fn io_error(path: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::new(path.display().to_string(), 0, 0, format!("cannot write the site: {e}"))
        .fix("check the --out folder and free disk space")
}

/// One page to render: its URL, template and context, and a fingerprint of the items the
/// context was made from (cheaper to compare than the context itself).
pub struct PageJob<'a> {
    pub url: String,
    pub template: &'static str,
    pub context: lists::Context<'a>,
    pub fingerprint: u64,
}

#[allow(clippy::too_many_arguments)]
fn render_site(
    site: &Site,
    env: &minijinja::Environment<'static>,
    theme: &Path,
    theme_fp: u64,
    labels: &render::Labels,
    search_enabled: bool,
    out: &emit::Emitter,
    rows: &mut lists::Rows,
    json_rows: &mut data::JsonRows,
    keep_rows: bool,
    progress: &Progress,
) -> Result<usize, Vec<Diagnostic>> {
    let index = Index::new(&site.items);
    let one = |e: Diagnostic| vec![e];

    // Assets first: pages link to their content-hashed names.
    let mut assets = serde_json::Map::new();
    for entry in std::fs::read_dir(theme.join("assets")).into_iter().flatten().flatten() {
        let path = entry.path();
        let bytes = std::fs::read(&path).map_err(|e| vec![io_error(&path, e)])?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let hash = &hex::encode(Sha256::digest(&bytes))[..10];
        let hashed = match name.rsplit_once('.') {
            Some((stem, ext)) => format!("assets/{stem}.{hash}.{ext}"),
            None => format!("assets/{name}.{hash}"),
        };
        out.emit(&hashed, emit::fingerprint(&bytes), || Ok(bytes.clone())).map_err(one)?;
        assets.insert(name, format!("/{hashed}").into());
    }
    let shared = shared_globals(site, Value::Object(assets));
    // The API renders its pages with the same theme; this is all it knows of the site's frame.
    out.emit("data/site.json", emit::fingerprint(&shared), || Ok(serde_json::to_vec_pretty(&shared).expect("json")))
        .map_err(one)?;
    let globals = with_today(shared, site.now);
    // Everything every page depends on: the theme, the configuration, "today", the globals.
    let global_fp = emit::fingerprint(&(
        theme_fp,
        serde_json::to_string(&site.config).expect("config serialises"),
        format!("{:?}", site.calendar),
        site.now,
        search_enabled,
        &globals,
        env!("CARGO_PKG_VERSION"),
    ));

    // Attachments and other files referenced from content are published as they are.
    let mut attachment_paths: Vec<&str> = site
        .items
        .iter()
        .filter(|i| has_page(i))
        .flat_map(|i| i.data.envelope().attachments.iter().map(|a| a.path.as_str()))
        .collect();
    for item in &site.items {
        if let Data::News(n) = &*item.data {
            attachment_paths.extend(n.hero_image.as_ref().map(|h| h.path.as_str()));
        }
    }
    if let Some(logo) = &site.config.city.logo {
        attachment_paths.push(logo);
    }
    attachment_paths.sort();
    attachment_paths.dedup();
    for p in attachment_paths {
        let source = site.content.join(p);
        out.emit(p, file_stamp(&source), || std::fs::read(&source).map_err(|e| io_error(Path::new(p), e)))
            .map_err(one)?;
    }

    crate::archive::publish::files(site, global_fp, out).map_err(one)?;
    let places = places::Places::new(site);
    let leaflet = places::find_leaflet();
    let has_map = !places.works.is_empty() || !places.districts.is_empty();
    match &leaflet {
        Some(l) if has_map => places::publish_leaflet(l, out).map_err(one)?,
        None if has_map => eprintln!(
            "civic: warning: Leaflet is not installed, so /harta/ has no interactive map (its lists are there); run `npm ci` in the repository root"
        ),
        _ => {}
    }
    let mut jobs = lists::pages(site, rows, global_fp, &places);
    jobs.extend(places::pages(site, &places, global_fp, leaflet.as_ref()));
    let item_pages: Vec<&Item> = site.items.iter().filter(|i| has_page(i)).collect();
    progress.phase("rendering pages");
    let bar = progress.bar((jobs.len() + item_pages.len()) as u64);
    let render = |template: &str, ctx: JValue| -> Result<String, Diagnostic> {
        let t = env.get_template(template).map_err(|e| render::template_error(template, &e))?;
        t.render(ctx).map_err(|e| render::template_error(template, &e))
    };

    // Item pages, and meanwhile the open-data files; then list pages, and meanwhile the feeds
    // and the search index.
    let (item_results, extra_files) = rayon::join(
        || {
            item_pages
                .par_iter()
                .map(|item| {
                    render_item(item, site, &index, &places, &globals, global_fp, &render, out)?;
                    bar.inc(1);
                    Ok(())
                })
                .collect::<Vec<Result<(), Diagnostic>>>()
        },
        || data::site_files(site, global_fp, out, keep_rows.then_some(json_rows)),
    );
    let (list_results, (feed_results, search_result)) = rayon::join(
        || {
            jobs.par_iter()
                .map(|job| {
                    let fp = emit::fingerprint(&(global_fp, &job.url, job.template, job.fingerprint));
                    out.emit(&urls::file_for(&job.url), fp, || {
                        render(job.template, minijinja::context! { site => &globals, ..job.context.value() })
                            .map(String::into_bytes)
                    })?;
                    bar.inc(1);
                    Ok(())
                })
                .collect::<Vec<Result<(), Diagnostic>>>()
        },
        || {
            let feeds = data::templated_files(site)
                .into_iter()
                .map(|file| {
                    let fp = emit::fingerprint(&(global_fp, &file.path, file.fingerprint));
                    out.emit(&file.path, fp, || {
                        let ctx = (file.context)();
                        render(file.template, minijinja::context! { site => &globals, ..JValue::from(Serde(&ctx)) })
                            .map(String::into_bytes)
                    })
                })
                .collect::<Vec<Result<(), Diagnostic>>>();
            let search = if search_enabled { search_index(site, &item_pages, labels, global_fp, out) } else { Ok(()) };
            let mut feeds = feeds;
            feeds.push(places::files(site, &places, labels, global_fp, out, &render, &globals));
            (feeds, search)
        },
    );
    bar.finish();
    let mut errors: Vec<Diagnostic> = item_results
        .into_iter()
        .chain(list_results)
        .chain(feed_results)
        .chain([search_result, extra_files])
        .filter_map(Result::err)
        .collect();
    let pages = item_pages.len() + jobs.len();
    if !errors.is_empty() {
        errors.sort();
        errors.dedup();
        return Err(errors);
    }
    Ok(pages)
}

/// Size and modification time: enough to notice a replaced file without reading it.
pub(crate) fn file_stamp(path: &Path) -> u64 {
    let meta = std::fs::metadata(path).ok();
    emit::fingerprint(&(meta.as_ref().map(|m| m.len()), meta.and_then(|m| m.modified().ok())))
}

/// The search index, rebuilt whole when any indexed page changed.
fn search_index(
    site: &Site,
    pages: &[&Item],
    labels: &render::Labels,
    global_fp: u64,
    out: &emit::Emitter,
) -> Result<(), Diagnostic> {
    let fp = emit::fingerprint(&(
        global_fp,
        pages.iter().map(|i| i.hash).collect::<Vec<_>>(),
        crate::archive::publish::ocr_stamps(site),
    ));
    if !out.needs("pagefind/", fp) {
        out.keep_prefix("pagefind/");
        return Ok(());
    }
    let mut records: Vec<search::Record> = pages
        .par_iter()
        .map(|item| search_record(item, urls::item_url(item), &item.body(&site.content), labels))
        .collect();
    // Each OCR'd page of an open archive unit is a record of its own, pointing at the page.
    records.extend(crate::archive::publish::search_records(site));
    for (path, bytes) in search::index(records, &site.config.lang)? {
        out.needs(&path, fp);
        out.write(&path, &bytes)?;
    }
    Ok(())
}

/// One item's page, its JSON document and its calendar, if it has one: made again only when the
/// item, an item it links to or from, or anything global changed.
#[allow(clippy::too_many_arguments)]
fn render_item(
    item: &Item,
    site: &Site,
    index: &Index,
    places: &places::Places,
    globals: &JValue,
    global_fp: u64,
    render: &dyn Fn(&str, JValue) -> Result<String, Diagnostic>,
    out: &emit::Emitter,
) -> Result<(), Diagnostic> {
    let url = urls::item_url(item);
    let file = urls::file_for(&url);
    let folder = file.trim_end_matches("index.html").to_owned();
    let json_path = format!("data/{}/{}.json", item.kind.name(), item.id());
    let ics_paths: Vec<String> = ical::file_names(item).into_iter().map(|n| format!("{folder}{n}")).collect();
    let neighbours = context::neighbours(item, index);
    let attachments: Vec<u64> =
        item.data.envelope().attachments.iter().map(|a| file_stamp(&site.content.join(&a.path))).collect();
    // A district's page lists the works, zones and streets in it; a work's, its districts.
    let places_fp =
        matches!(item.kind, Kind::District | Kind::PublicWork | Kind::RecurringService).then_some(places.fp);
    let fp = emit::fingerprint(&(global_fp, item.hash, neighbours, attachments, places_fp));
    let mut needed = out.needs(&file, fp);
    needed |= out.needs(&json_path, fp);
    for ics in &ics_paths {
        needed |= out.needs(ics, fp);
    }
    if !needed {
        return Ok(());
    }
    let body = civic_theme::markdown::to_html(&item.body(&site.content));
    let mut ctx = context::detail(item, index, site, body);
    places::extend_detail(item, &mut ctx, places, site);
    if let Data::ArchiveUnit(u) = &*item.data {
        ctx["archive"] = crate::archive::publish::page_context(item, u);
    }
    if let Some(ld) = jsonld::for_item(item, &ctx, site) {
        // Inside <script>, `</` ends the element and `<!--` changes how it is parsed: no `<`,
        // `>` or `&` may appear raw (JSON allows them as \u escapes).
        ctx["jsonld"] = ld.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026").into();
    }
    let page = json!({"url": url, "title": item.data.envelope().title});
    let html = render("item.html", minijinja::context! { site => globals, item => Serde(&ctx), page => Serde(&page) })?;
    out.write(&file, html.as_bytes())?;
    out.write(&json_path, data::item_json(item, &ctx).as_bytes())?;
    for (name, ics) in ical::for_item(item, &site.config) {
        out.write(&format!("{folder}{name}"), ics.as_bytes())?;
    }
    Ok(())
}

/// The search index's view of an item page.
fn search_record(item: &Item, url: String, markdown: &str, labels: &render::Labels) -> search::Record {
    let label = |group: &str, value: &str| {
        labels.get(group).and_then(|g| g.get(value)).cloned().unwrap_or_else(|| value.replace('_', " "))
    };
    let env = item.data.envelope();
    let kind = label("kind_one", item.kind.name());
    let number = context::display_number(item);
    let date = context::main_date(item);
    let mut meta = BTreeMap::from([
        ("title".to_owned(), env.title.clone()),
        ("kind".to_owned(), kind.clone()),
        ("date".to_owned(), civic_workdays::format_date_ro(date)),
    ]);
    let mut filters = BTreeMap::from([
        ("tip".to_owned(), vec![label("kind", item.kind.name())]),
        ("an".to_owned(), vec![date.year().to_string()]),
    ]);
    if let Some((group, value)) = context::status(item) {
        let status = label(group, &value);
        meta.insert("status".to_owned(), status.clone());
        filters.insert("stare".to_owned(), vec![status]);
    }
    let mut content = String::new();
    if let Some(n) = &number {
        // "hotarare 123 2024" and "123/2024" both find decision 123/2024.
        content.push_str(&format!("{kind} nr. {n} {} ", n.replace('/', " ")));
        meta.insert("number".to_owned(), n.clone());
    }
    content.push_str(&env.title);
    content.push_str(". ");
    if let Some(s) = &env.summary {
        content.push_str(s);
        content.push(' ');
    }
    content.push_str(&search::plain_text(markdown));
    search::Record { url, content, meta, filters }
}

/// Register-only dispositions have a line in the register and no page of their own.
pub fn has_page(item: &Item) -> bool {
    !matches!(&*item.data, Data::MayorDisposition(d) if d.register_only)
}

/// The `site` object every template sees.
/// What every page of the theme sees as `site`, except "today" (`now`, `year`): published as
/// `/data/site.json` so the API's pages share the site's header, menus and footer.
fn shared_globals(site: &Site, assets: Value) -> Value {
    let c = &site.config;
    let nav: Vec<Value> = [
        Kind::Service,
        Kind::CouncilDecision,
        Kind::DraftDecision,
        Kind::CouncilSession,
        Kind::Tender,
        Kind::JobContest,
        Kind::PublicWork,
        Kind::News,
        Kind::ArchiveUnit,
    ]
    .iter()
    .map(|k| json!({"kind": k.name(), "url": urls::section_url(*k)}))
    .collect();
    let mut footer: Vec<(&u32, Value)> = site
        .items
        .iter()
        .filter_map(|i| match &*i.data {
            Data::Page(p) => {
                p.footer_order.as_ref().map(|o| (o, json!({"title": p.envelope.title, "url": urls::item_url(i)})))
            }
            _ => None,
        })
        .collect();
    footer.sort_by_key(|(o, _)| **o);
    json!({
        "city": c.city,
        "base_url": c.base_url,
        "lang": c.lang,
        "contact": c.contact,
        "external_links": c.external_links,
        "colors": c.colors,
        "assets": assets,
        "nav": nav,
        "footer": footer.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
    })
}

/// The theme's `site` global: the shared part plus "today".
fn with_today(mut shared: Value, now: jiff::civil::Date) -> JValue {
    shared["now"] = now.to_string().into();
    shared["year"] = now.year().into();
    JValue::from(Serde(shared))
}
