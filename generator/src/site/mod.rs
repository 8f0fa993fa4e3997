//! `civic build`: load, check, render, swap. The build is a pure function of the content folder,
//! the theme and the options: no clock, no network, byte-identical output for the same input.

pub mod context;
pub mod data;
pub mod ical;
pub mod jsonld;
pub mod lists;
pub mod ocds;
pub mod output;
pub mod render;
pub mod search;
pub mod urls;

use std::collections::BTreeMap;
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
}

/// Loads and checks the content; every problem in every file, or a site ready to render.
pub fn load(opts: &Options) -> Result<(Site, usize), Vec<Diagnostic>> {
    let mut errors = Vec::new();
    let config = load::config(&opts.content).map_err(|e| errors.extend(e)).ok();
    let calendar = config.as_ref().and_then(|c| {
        let rules = load::data_file::<CalendarRules>(&opts.content, &c.holidays).map_err(|e| errors.extend(e)).ok()?;
        Calendar::new(rules)
            .map_err(|e| errors.push(Diagnostic::new(&c.holidays, 0, 0, e.to_string()).fix("correct the holiday rule")))
            .ok()
    });
    let items = load::items(&opts.content).map_err(|e| errors.extend(e)).ok();
    let (Some(mut config), Some(calendar), Some(items)) = (config, calendar, items) else {
        errors.sort();
        return Err(errors);
    };
    let mut findings: Vec<Diagnostic> = crate::checks::run(&items, &config, &calendar, &opts.content)
        .into_iter()
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
    Ok((Site { config, calendar, items, now, content: opts.content.clone() }, scheduled))
}

/// The whole build. On any error the previous output is left untouched.
pub fn build(opts: &Options, progress: &Progress) -> Result<Report, Vec<Diagnostic>> {
    let start = Instant::now();
    progress.phase("reading content");
    let (site, scheduled) = load(opts)?;
    let mut report = Report { items: site.items.len(), scheduled, ..Report::default() };
    if opts.check_only {
        report.elapsed = start.elapsed();
        return Ok(report);
    }
    let labels: render::Labels = load::data_file(&opts.theme, "labels.yaml").map_err(|mut e| {
        e.iter_mut().for_each(|d| d.file = format!("{}/{}", opts.theme.display(), d.file));
        e
    })?;
    let env = render::environment(&opts.theme, labels.clone())?;
    let staging = output::Staging::new(&opts.out).map_err(|e| vec![io_error(&opts.out, e)])?;
    match render_site(&site, &env, &opts.theme, &labels, opts.search, &staging, progress) {
        Ok(pages) => {
            report.files = staging.written();
            staging.commit().map_err(|e| vec![io_error(&opts.out, e)])?;
            report.pages = pages;
            report.elapsed = start.elapsed();
            Ok(report)
        }
        Err(e) => {
            staging.abandon();
            Err(e)
        }
    }
}

fn io_error(path: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::new(path.display().to_string(), 0, 0, format!("cannot write the site: {e}"))
        .fix("check the --out folder and free disk space")
}

/// One page to render: its URL, template and context.
pub struct PageJob {
    pub url: String,
    pub template: &'static str,
    pub context: JValue,
}

fn render_site(
    site: &Site,
    env: &minijinja::Environment<'static>,
    theme: &Path,
    labels: &render::Labels,
    search_enabled: bool,
    out: &output::Staging,
    progress: &Progress,
) -> Result<usize, Vec<Diagnostic>> {
    let index = Index::new(&site.items);
    let write = |path: &str, bytes: &[u8]| out.write(path, bytes).map_err(|e| vec![io_error(Path::new(path), e)]);

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
        write(&hashed, &bytes)?;
        assets.insert(name, format!("/{hashed}").into());
    }
    let globals = globals(site, Value::Object(assets));

    // Attachments and other files referenced from content are published as they are.
    let mut attachment_paths: Vec<&str> = site
        .items
        .iter()
        .filter(|i| has_page(i))
        .flat_map(|i| i.data.envelope().attachments.iter().map(|a| a.path.as_str()))
        .collect();
    for item in &site.items {
        if let Data::News(n) = &item.data {
            attachment_paths.extend(n.hero_image.as_ref().map(|h| h.path.as_str()));
        }
    }
    if let Some(logo) = &site.config.city.logo {
        attachment_paths.push(logo);
    }
    attachment_paths.sort();
    attachment_paths.dedup();
    for p in attachment_paths {
        let bytes = std::fs::read(site.content.join(p)).map_err(|e| vec![io_error(Path::new(p), e)])?;
        write(p, &bytes)?;
    }

    let jobs = lists::pages(site);
    let item_pages: Vec<&Item> = site.items.iter().filter(|i| has_page(i)).collect();
    progress.phase("rendering pages");
    let bar = progress.bar((jobs.len() + item_pages.len()) as u64);
    let render = |template: &str, ctx: JValue| -> Result<String, Diagnostic> {
        let t = env.get_template(template).map_err(|e| render::template_error(template, &e))?;
        t.render(ctx).map_err(|e| render::template_error(template, &e))
    };
    let write_one = |path: &str, bytes: &[u8]| out.write(path, bytes).map_err(|e| io_error(Path::new(path), e));

    // Item pages, and meanwhile the open-data files; then list pages, and meanwhile the feeds
    // and the search index.
    let (item_results, extra_files) = rayon::join(
        || {
            item_pages
                .par_iter()
                .map(|item| {
                    let record = render_item(item, site, &index, &globals, &render, labels, &write_one)?;
                    bar.inc(1);
                    Ok(record)
                })
                .collect::<Vec<Result<search::Record, Diagnostic>>>()
        },
        || data::site_files(site, &write_one),
    );
    let mut errors = Vec::new();
    let records: Vec<search::Record> =
        item_results.into_iter().filter_map(|r| r.map_err(|e| errors.push(e)).ok()).collect();
    let (list_results, (feed_results, search_result)) = rayon::join(
        || {
            jobs.par_iter()
                .map(|job| {
                    let html = render(job.template, minijinja::context! { site => &globals, ..job.context.clone() })?;
                    write_one(&urls::file_for(&job.url), html.as_bytes())?;
                    bar.inc(1);
                    Ok(())
                })
                .collect::<Vec<Result<(), Diagnostic>>>()
        },
        || {
            let feeds = data::templated_files(site)
                .into_iter()
                .map(|(path, template, ctx)| {
                    let text = render(template, minijinja::context! { site => &globals, ..JValue::from(Serde(&ctx)) })?;
                    write_one(&path, text.as_bytes())
                })
                .collect::<Vec<Result<(), Diagnostic>>>();
            let search = if search_enabled {
                search::index(records, &site.config.lang)
                    .and_then(|files| files.iter().try_for_each(|(path, bytes)| write_one(path, bytes)))
            } else {
                Ok(())
            };
            (feeds, search)
        },
    );
    bar.finish();
    extra_files.map_err(|e| vec![e])?;
    errors.extend(list_results.into_iter().chain(feed_results).chain([search_result]).filter_map(Result::err));
    let pages = item_pages.len() + jobs.len();
    if !errors.is_empty() {
        errors.sort();
        errors.dedup();
        return Err(errors);
    }
    Ok(pages)
}

/// One item's page, its JSON document and its calendar, if it has one.
fn render_item(
    item: &Item,
    site: &Site,
    index: &Index,
    globals: &JValue,
    render: &dyn Fn(&str, JValue) -> Result<String, Diagnostic>,
    labels: &render::Labels,
    write: &dyn Fn(&str, &[u8]) -> Result<(), Diagnostic>,
) -> Result<search::Record, Diagnostic> {
    let markdown = item.body(&site.content);
    let body = crate::markdown::to_html(&markdown);
    let mut ctx = context::detail(item, index, &site.calendar, &site.content, site.now, body);
    if let Some(ld) = jsonld::for_item(item, &ctx, site) {
        // Inside <script>, "</" would end the element: escape it.
        ctx["jsonld"] = ld.to_string().replace("</", "<\\/").into();
    }
    let url = urls::item_url(item);
    let page = json!({"url": url, "title": item.data.envelope().title});
    let html = render("item.html", minijinja::context! { site => globals, item => Serde(&ctx), page => Serde(&page) })?;
    let file = urls::file_for(&url);
    write(&file, html.as_bytes())?;
    write(&format!("data/{}/{}.json", item.kind.name(), item.id()), data::item_json(item, &ctx).as_bytes())?;
    let folder = file.trim_end_matches("index.html");
    for (name, ics) in ical::for_item(item, &site.config) {
        write(&format!("{folder}{name}"), ics.as_bytes())?;
    }
    Ok(search_record(item, url, &markdown, labels))
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
    !matches!(&item.data, Data::MayorDisposition(d) if d.register_only)
}

/// The `site` object every template sees.
fn globals(site: &Site, assets: Value) -> JValue {
    let c = &site.config;
    let nav: Vec<Value> = [
        Kind::Service,
        Kind::CouncilDecision,
        Kind::DraftDecision,
        Kind::CouncilSession,
        Kind::Tender,
        Kind::JobContest,
        Kind::News,
    ]
    .iter()
    .map(|k| json!({"kind": k.name(), "url": urls::section_url(*k)}))
    .collect();
    let mut footer: Vec<(&u32, Value)> = site
        .items
        .iter()
        .filter_map(|i| match &i.data {
            Data::Page(p) => {
                p.footer_order.as_ref().map(|o| (o, json!({"title": p.envelope.title, "url": urls::item_url(i)})))
            }
            _ => None,
        })
        .collect();
    footer.sort_by_key(|(o, _)| **o);
    JValue::from(Serde(json!({
        "city": c.city,
        "base_url": c.base_url,
        "lang": c.lang,
        "contact": c.contact,
        "external_links": c.external_links,
        "colors": c.colors,
        "now": site.now.to_string(),
        "year": site.now.year(),
        "assets": assets,
        "nav": nav,
        "footer": footer.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
    })))
}
