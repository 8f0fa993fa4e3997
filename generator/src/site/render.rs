//! The render pass: a [`Render`] context holds what every output needs (the site, the theme,
//! the emitter, the `site` global and the fingerprint every output starts from), and
//! [`render_site`] makes every page, feed and file with it, in parallel.

use minijinja::value::{Serde, Value as JValue};
use rayon::prelude::*;
use serde_json::{Value, json};

use super::context::{self, Index};
use super::emit::{self, Emitter};
use super::error::IoFailure;
use super::places::{self, Places};
use super::theme::{self, Theme};
use super::{Options, Site, archive, data, has_page, ical, jsonld, leaflet, lists, search};
use crate::diagnostics::Diagnostic;
use crate::load::Item;
use crate::model::{Data, Kind, urls};
use crate::progress::Progress;
use civic_contract::{FooterLink, NavLink, SiteFrame};

/// What every output of a build is made with.
pub struct Render<'a> {
    pub site: &'a Site,
    pub theme: &'a Theme,
    pub out: &'a Emitter<'a>,
    pub index: Index<'a>,
    pub places: Places<'a>,
    /// The theme's `site` global: the site's frame and "today".
    pub globals: JValue,
    /// A fingerprint of everything every output depends on: the theme, the configuration,
    /// "today", the globals.
    pub global_fp: u64,
}

impl Render<'_> {
    /// Renders `template` with `ctx` and the `site` global.
    pub fn render(&self, template: &str, ctx: JValue) -> Result<String, Diagnostic> {
        let t = self.theme.env.get_template(template).map_err(|e| theme::template_error(template, &e))?;
        t.render(minijinja::context! { site => &self.globals, ..ctx }).map_err(|e| theme::template_error(template, &e))
    }
}

/// What a build keeps of rendered rows between rebuilds.
pub struct RowCaches<'c> {
    pub lists: &'c mut lists::Rows,
    /// Only kept when there will be another build.
    pub json: Option<&'c mut data::JsonRows>,
}

/// Renders the whole site into `out`; the number of pages.
pub fn render_site(
    opts: &Options,
    site: &Site,
    theme: &Theme,
    out: &Emitter,
    rows: RowCaches,
    progress: &Progress,
) -> Result<usize, Vec<Diagnostic>> {
    let one = |e: Diagnostic| vec![e];

    // Assets first: pages link to their content-hashed names.
    let assets = theme::publish_assets(&opts.theme, out).map_err(one)?;
    let frame = site_frame(site, assets);
    let shared = serde_json::to_value(&frame).expect("the frame serialises");
    // The API renders its pages with the same theme; this is all it knows of the site's frame.
    out.emit(civic_contract::files::SITE, emit::fingerprint(&shared), || {
        Ok(serde_json::to_vec_pretty(&frame).expect("the frame serialises"))
    })
    .map_err(one)?;
    let globals = with_today(shared, site.now);
    let global_fp = emit::fingerprint(&(
        theme.fingerprint,
        serde_json::to_string(&site.config).expect("config serialises"),
        format!("{:?}", site.calendar),
        site.now,
        opts.search,
        &globals,
        env!("CARGO_PKG_VERSION"),
    ));
    publish_attachments(site, out).map_err(one)?;
    archive::files(site, global_fp, out).map_err(one)?;
    let r = Render { site, theme, out, index: Index::new(&site.items), places: Places::new(site), globals, global_fp };
    let leaflet = leaflet::find(&opts.leaflet);
    let has_map = !r.places.works.is_empty() || !r.places.districts.is_empty();
    match &leaflet {
        Some(l) if has_map => leaflet::publish(l, out).map_err(one)?,
        None if has_map => eprintln!(
            "civic: warning: no Leaflet in {}, so /harta/ has no interactive map (its lists are there); run `npm ci` in the repository root, or pass its folder with --leaflet",
            opts.leaflet.display()
        ),
        _ => {}
    }
    let (mut jobs, followable) = lists::pages(&r, rows.lists)?;
    let followable = serde_json::to_vec(&followable).expect("JSON serialises");
    let followable_fp = emit::fingerprint(&followable);
    out.emit(civic_contract::files::LIST_PAGES, followable_fp, || Ok(followable)).map_err(one)?;
    jobs.extend(places::pages(site, &r.places, global_fp, leaflet.as_ref()));
    let item_pages: Vec<&Item> = site.items.iter().filter(|i| has_page(i)).collect();
    progress.phase("rendering pages");
    let bar = progress.bar((jobs.len() + item_pages.len()) as u64);

    // Item pages, and meanwhile the open-data files; then list pages, and meanwhile the feeds
    // and the search index.
    let (item_results, extra_files) = rayon::join(
        || {
            item_pages
                .par_iter()
                .map(|item| {
                    render_item(&r, item)?;
                    bar.inc(1);
                    Ok(())
                })
                .collect::<Vec<Result<(), Diagnostic>>>()
        },
        || data::site_files(site, global_fp, out, rows.json),
    );
    let (list_results, (feed_results, search_result)) = rayon::join(
        || {
            jobs.par_iter()
                .map(|job| {
                    let fp = emit::fingerprint(&(global_fp, &job.url, job.template, job.fingerprint));
                    out.emit(&urls::file_for(&job.url), fp, || {
                        r.render(job.template, job.context.value(&r)?).map(String::into_bytes)
                    })?;
                    bar.inc(1);
                    Ok(())
                })
                .collect::<Vec<Result<(), Diagnostic>>>()
        },
        || {
            let mut feeds = data::templated_files(site)
                .into_iter()
                .map(|file| {
                    let fp = emit::fingerprint(&(global_fp, &file.path, file.fingerprint));
                    out.emit(&file.path, fp, || {
                        let ctx = (file.context)();
                        r.render(file.template, JValue::from(Serde(&ctx))).map(String::into_bytes)
                    })
                })
                .collect::<Vec<Result<(), Diagnostic>>>();
            let search =
                if opts.search { search::publish_index(&r, &item_pages, opts.search_part, &opts.out) } else { Ok(()) };
            feeds.push(places::files(&r));
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

/// Attachments and other files referenced from content, published as they are.
fn publish_attachments(site: &Site, out: &Emitter) -> Result<(), Diagnostic> {
    let mut paths: Vec<&str> = site
        .items
        .iter()
        .filter(|i| has_page(i))
        .flat_map(|i| i.data.envelope().attachments.iter().map(|a| a.path.as_str()))
        .collect();
    for item in &site.items {
        if let Data::News(n) = &*item.data {
            paths.extend(n.hero_image.as_ref().map(|h| h.path.as_str()));
        }
    }
    if let Some(logo) = &site.config.city.logo {
        paths.push(logo);
    }
    paths.sort();
    paths.dedup();
    for p in paths {
        let source = site.content.join(p);
        out.emit(p, super::file_stamp(&source), || out.read(&source))?;
    }
    Ok(())
}

/// One item's page, its JSON document and its calendar, if it has one: made again only when the
/// item, an item it links to or from, or anything global changed.
fn render_item(r: &Render, item: &Item) -> Result<(), Diagnostic> {
    let (site, out) = (r.site, r.out);
    let url = item.url();
    let file = urls::file_for(&url);
    let folder = file.trim_end_matches("index.html").to_owned();
    let json_path = urls::file_for(&urls::item_data_url(item.kind, item.id()));
    let ics_paths: Vec<String> = ical::file_names(item).into_iter().map(|n| format!("{folder}{n}")).collect();
    let neighbours = context::neighbours(item, &r.index);
    let attachments: Vec<u64> =
        item.data.envelope().attachments.iter().map(|a| super::file_stamp(&site.content.join(&a.path))).collect();
    // A district's page lists the works, zones and streets in it; a work's, its districts.
    let places_fp =
        matches!(item.kind, Kind::District | Kind::PublicWork | Kind::RecurringService).then_some(r.places.fp);
    let fp = emit::fingerprint(&(r.global_fp, item.hash, neighbours, attachments, places_fp));
    let mut needed = out.needs(&file, fp);
    needed |= out.needs(&json_path, fp);
    for ics in &ics_paths {
        needed |= out.needs(ics, fp);
    }
    if !needed {
        return Ok(());
    }
    let body =
        item.body(&site.content).map_err(|e| out.failed(IoFailure::reading(&site.content.join(&item.file))(e)))?;
    let body = civic_theme::markdown::to_html(&body);
    let mut ctx = context::detail(item, &r.index, site, body);
    places::extend_detail(item, &mut ctx, &r.places, site);
    if let Data::ArchiveUnit(u) = &*item.data {
        ctx["archive"] = archive::page_context(item, u);
    }
    if let Some(ld) = jsonld::for_item(item, &ctx, site) {
        // Inside <script>, `</` ends the element and `<!--` changes how it is parsed: no `<`,
        // `>` or `&` may appear raw (JSON allows them as \u escapes).
        ctx["jsonld"] = ld.to_string().replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026").into();
    }
    let page = json!({"url": url, "title": item.data.envelope().title});
    let html = r.render("item.html", minijinja::context! { item => Serde(&ctx), page => Serde(&page) })?;
    out.write(&file, html.as_bytes())?;
    out.write(&json_path, data::item_json(item, &ctx).as_bytes())?;
    for (name, ics) in ical::for_item(item, &site.config) {
        out.write(&format!("{folder}{name}"), ics.as_bytes())?;
    }
    Ok(())
}

/// What every page of the theme sees as `site`, except "today" (`now`, `year`): published as
/// `/data/site.json` so the API's pages share the site's header, menus and footer.
fn site_frame(site: &Site, assets: serde_json::Map<String, Value>) -> SiteFrame {
    let c = &site.config;
    let nav = [
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
    .map(|k| NavLink { kind: k.name().to_owned(), url: urls::section_url(*k) })
    .collect();
    let mut footer: Vec<(&u32, FooterLink)> = site
        .items
        .iter()
        .filter_map(|i| match &*i.data {
            Data::Page(p) => {
                p.footer_order.as_ref().map(|o| (o, FooterLink { title: p.envelope.title.clone(), url: i.url() }))
            }
            _ => None,
        })
        .collect();
    footer.sort_by_key(|(o, _)| **o);
    SiteFrame {
        city: as_written(&c.city),
        base_url: c.base_url.clone(),
        lang: c.lang.clone(),
        contact: as_written(&c.contact),
        external_links: as_written(&c.external_links),
        colors: as_written(&c.colors),
        assets,
        nav,
        footer: footer.into_iter().map(|(_, link)| link).collect(),
    }
}

/// A part of `civic.yaml` as written, for templates.
fn as_written(part: &impl serde::Serialize) -> Value {
    serde_json::to_value(part).expect("the configuration serialises")
}

/// The theme's `site` global: the shared part plus "today".
fn with_today(mut shared: Value, now: jiff::civil::Date) -> JValue {
    shared["now"] = now.to_string().into();
    shared["year"] = now.year().into();
    JValue::from(Serde(shared))
}
