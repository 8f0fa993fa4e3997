//! Open data and machine-readable files: JSON per item and per list, CSV registers, the JSON
//! Schemas of the content contract, OCDS, sitemap, robots.txt and Atom feeds.

use serde_json::{Value, json};

use super::context::summary;
use super::{Site, forms, has_page, ical, ocds};
use crate::config::SiteConfig;
use crate::model::urls;
use rayon::prelude::*;

use super::emit::{Emitter, fingerprint};
use crate::diagnostics::Diagnostic;
use crate::load::Item;
use crate::model::{Data, Kind};

/// An item's own JSON document: `item` is the record exactly as the content contract describes
/// it (it validates against `item_schema`); beside it, what the site works out: page URL, rendered
/// body, links in both directions and legal deadlines.
pub fn item_json(item: &Item, ctx: &Value) -> String {
    let v = json!({
        "item_schema": urls::schema_url(item.kind),
        "type": item.kind.name(),
        "url": ctx["url"],
        "item": match &*item.data {
            Data::ArchiveUnit(u) => json!(super::archive::public_view(u)),
            data => json!(data),
        },
        "body_html": ctx["body_html"],
        "related_out": ctx["related_out"],
        "related_in": ctx["related_in"],
        "attachments": ctx["attachments"],
        "deadlines": ctx["deadlines"],
    });
    serde_json::to_string_pretty(&v).expect("JSON serialises")
}

/// Writes the files that need no template: lists, registers, schemas, OCDS, calendars,
/// robots.txt, each as soon as it is made.
/// Each is made again only when the items of its kind (or anything global) changed.
/// With `rows` (kept between rebuilds) only changed items are serialised again; without, each
/// list is written as it is computed.
pub fn site_files(site: &Site, global_fp: u64, out: &Emitter, rows: Option<&mut JsonRows>) -> Result<(), Diagnostic> {
    let rows = rows.map(|rows| {
        refresh_rows(site, global_fp, rows);
        &*rows
    });
    let pretty = |v: &Value| serde_json::to_vec_pretty(v).expect("JSON serialises");
    // Fingerprint of the items of a kind, in order.
    let of = |kind: Kind| {
        fingerprint(&(
            global_fp,
            kind,
            site.items.iter().filter(|i| i.kind == kind).map(|i| i.hash).collect::<Vec<_>>(),
        ))
    };
    for kind in Kind::ALL {
        // The works' list also says which districts each touches: written by `places`.
        if kind != Kind::PublicWork {
            out.emit(&urls::file_for(&urls::data_url(kind, "json")), of(kind), || Ok(json_list(site, kind, rows)))?;
        }
        out.emit(&urls::file_for(&urls::schema_url(kind)), global_fp, || Ok(pretty(&kind.schema())))?;
    }
    out.emit("schemas/civic.schema.json", global_fp, || Ok(pretty(&SiteConfig::schema())))?;
    // The forms' definitions and submission schemas list the drafts open today.
    let forms_fp = fingerprint(&(of(Kind::Form), of(Kind::DraftDecision)));
    out.emit(civic_contract::files::FORMS, forms_fp, || {
        Ok(serde_json::to_vec_pretty(&forms::forms_json(site)).expect("JSON serialises"))
    })?;
    let (all_forms, open) = forms::forms(site);
    for (item, form) in all_forms {
        let path = forms::schema_url(item.id());
        out.emit(path.trim_start_matches('/'), forms_fp, || Ok(pretty(&forms::submission_schema(item, form, &open))))?;
    }
    // The working-day calendar of every legal deadline on the site; the API counts with it too.
    out.emit(civic_contract::files::PETITION_RULES, global_fp, || {
        Ok(serde_json::to_vec_pretty(&site.config.petitions).expect("JSON serialises"))
    })?;
    out.emit(civic_contract::files::CALENDAR, global_fp, || {
        Ok(serde_json::to_vec_pretty(site.calendar.rules()).expect("JSON serialises"))
    })?;
    out.emit("data/council_decision.csv", of(Kind::CouncilDecision), || Ok(decisions_csv(site)))?;
    out.emit("data/mayor_disposition.csv", of(Kind::MayorDisposition), || Ok(dispositions_csv(site)))?;
    out.emit("data/ocds/release-package.json", of(Kind::Tender), || Ok(pretty(&ocds::release_package(site))))?;
    out.emit(&format!("{}/calendar.ics", Kind::CouncilSession.section()), of(Kind::CouncilSession), || {
        let sessions: Vec<ical::Event> = site
            .items
            .iter()
            .filter(|i| i.kind == Kind::CouncilSession)
            .flat_map(|i| ical::session_events(i, &site.config))
            .collect();
        Ok(ical::calendar(&format!("{} — ședințe", site.config.city.council), &sessions).into_bytes())
    })?;
    out.emit("robots.txt", global_fp, || {
        Ok(format!("User-agent: *\nAllow: /\nDisallow: /404.html\n\nSitemap: {}/sitemap.xml\n", site.config.base_url)
            .into_bytes())
    })
}

/// Brings the kept JSON rows up to date: only changed items are serialised again.
fn refresh_rows(site: &Site, global_fp: u64, rows: &mut JsonRows) {
    let fresh: Vec<(String, u64, std::sync::Arc<Vec<u8>>)> = site
        .items
        .par_iter()
        .map(|i| {
            let fp = fingerprint(&(global_fp, i.hash));
            let row = match rows.get(i.id()) {
                Some((old, row)) if *old == fp => row.clone(),
                _ => std::sync::Arc::new(json_row(i, site.now)),
            };
            (i.id().to_owned(), fp, row)
        })
        .collect();
    rows.clear();
    rows.extend(fresh.into_iter().map(|(id, fp, row)| (id, (fp, row))));
}

/// `/data/<type>.json`: every item's summary, one per line, written as it is computed so a
/// large register never sits in memory twice.
fn json_list(site: &Site, kind: Kind, rows: Option<&JsonRows>) -> Vec<u8> {
    let items: Vec<&Item> = site.items.iter().filter(|i| i.kind == kind).collect();
    let mut buf = format!("{{\"type\": \"{}\", \"count\": {}, \"items\": [", kind.name(), items.len()).into_bytes();
    for (n, item) in items.iter().enumerate() {
        buf.extend_from_slice(if n == 0 { b"\n" } else { b",\n" });
        match rows {
            Some(rows) => buf.extend_from_slice(&rows[item.id()].1),
            None => buf.extend_from_slice(&json_row(item, site.now)),
        }
    }
    buf.extend_from_slice(b"\n]}\n");
    buf
}

/// Each item's summary as JSON, by id, with the fingerprint it was made for: kept between
/// rebuilds so a list of 10,000 items re-serialises only what changed.
pub type JsonRows = std::collections::HashMap<String, (u64, std::sync::Arc<Vec<u8>>)>;

fn json_row(item: &Item, now: jiff::civil::Date) -> Vec<u8> {
    let mut s = summary(item, now);
    if let Some(o) = s.as_object_mut() {
        o.remove("days_left");
    }
    serde_json::to_vec(&s).expect("JSON serialises")
}

fn csv_bytes(header: &[&str], rows: Vec<Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).expect("in-memory CSV");
    for r in rows {
        w.write_record(&r).expect("in-memory CSV");
    }
    w.into_inner().expect("in-memory CSV")
}

fn enum_text<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn sorted(site: &Site, kind: Kind) -> Vec<&Item> {
    let mut v: Vec<&Item> = site.items.iter().filter(|i| i.kind == kind).collect();
    v.sort_by_key(|i| match &*i.data {
        Data::CouncilDecision(d) => (d.year, d.number),
        Data::MayorDisposition(d) => (d.year, d.number),
        _ => (0, 0),
    });
    v
}

/// The register of council decisions (MOL section 3), one row per decision.
fn decisions_csv(site: &Site) -> Vec<u8> {
    let rows = sorted(site, Kind::CouncilDecision)
        .into_iter()
        .filter_map(|i| match &*i.data {
            Data::CouncilDecision(d) => Some(vec![
                d.number.to_string(),
                d.year.to_string(),
                d.adopted_on.to_string(),
                d.envelope.title.clone(),
                enum_text(&d.legal_character),
                d.initiator.clone(),
                enum_text(&d.status),
                d.communicated_prefect_on.map(|x| x.to_string()).unwrap_or_default(),
                d.published_on.map(|x| x.to_string()).unwrap_or_default(),
                format!("{}{}", site.config.base_url, i.url()),
            ]),
            _ => None,
        })
        .collect();
    csv_bytes(
        &[
            "numar",
            "an",
            "adoptata_la",
            "titlu",
            "caracter",
            "initiator",
            "stare",
            "comunicata_prefect_la",
            "publicata_la",
            "url",
        ],
        rows,
    )
}

/// The register of dispositions (MOL section 4); individual ones appear as lines only.
fn dispositions_csv(site: &Site) -> Vec<u8> {
    let rows = sorted(site, Kind::MayorDisposition)
        .into_iter()
        .filter_map(|i| match &*i.data {
            Data::MayorDisposition(d) => Some(vec![
                d.number.to_string(),
                d.year.to_string(),
                d.issued_on.to_string(),
                d.envelope.title.clone(),
                enum_text(&d.legal_character),
                enum_text(&d.status),
                d.communicated_prefect_on.map(|x| x.to_string()).unwrap_or_default(),
                if has_page(i) { format!("{}{}", site.config.base_url, i.url()) } else { String::new() },
            ]),
            _ => None,
        })
        .collect();
    csv_bytes(&["numar", "an", "emisa_la", "titlu", "caracter", "stare", "comunicata_prefect_la", "url"], rows)
}

/// A file rendered through the theme, with the fingerprint of what it is made from and a way
/// to make its context (only called when the fingerprint changed).
pub struct Templated<'a> {
    pub path: String,
    pub template: &'static str,
    pub fingerprint: u64,
    pub context: Box<dyn Fn() -> Value + Send + Sync + 'a>,
}

/// Files rendered through the theme: an Atom feed per section and the sitemap.
pub fn templated_files(site: &Site) -> Vec<Templated<'_>> {
    let mut out = Vec::new();
    for kind in Kind::ALL.into_iter().filter(|k| *k != Kind::Page) {
        // The feed shows the newest 50: only they matter.
        let mut items: Vec<&Item> = site.items.iter().filter(|i| i.kind == kind && has_page(i)).collect();
        items.sort_by(|a, b| changed(b).cmp(&changed(a)).then_with(|| a.id().cmp(b.id())));
        items.truncate(50);
        out.push(Templated {
            path: format!("{}/feed.xml", kind.section()),
            template: "feed.xml",
            fingerprint: fingerprint(&items.iter().map(|i| i.hash).collect::<Vec<_>>()),
            context: Box::new(move || feed(site, kind, &items)),
        });
    }
    // The sitemap lists addresses and dates: only they matter.
    let pages: Vec<(String, jiff::civil::Date)> = site
        .items
        .iter()
        .filter(|i| has_page(i))
        .map(|i| (i.url(), super::context::local_date(changed(i).timestamp())))
        .collect();
    let extra = super::places::sitemap_urls(site);
    out.push(Templated {
        path: "sitemap.xml".into(),
        template: "sitemap.xml",
        fingerprint: fingerprint(&(&pages, &extra)),
        context: Box::new(move || sitemap(&pages, &extra)),
    });
    out
}

/// When an item last changed.
fn changed(i: &Item) -> crate::model::values::DateTime {
    i.data.envelope().updated_at.unwrap_or(i.data.envelope().published_at)
}

/// A section's Atom feed of its newest items.
fn feed(site: &Site, kind: Kind, items: &[&Item]) -> Value {
    let updated = items
        .iter()
        .map(|i| changed(i))
        .max()
        .map(|t| t.timestamp().to_string())
        .unwrap_or_else(|| format!("{}T00:00:00Z", site.now));
    let entries: Vec<Value> = items
        .iter()
        .map(|i| {
            let mut s = summary(i, site.now);
            s["updated"] = changed(i).timestamp().to_string().into();
            s["published"] = i.data.envelope().published_at.timestamp().to_string().into();
            s
        })
        .collect();
    json!({"feed": {"kind": kind.name(), "url": urls::section_url(kind), "updated": updated}, "entries": entries})
}

/// Every page, with its last change for items.
fn sitemap(items: &[(String, jiff::civil::Date)], extra: &[String]) -> Value {
    let mut pages: Vec<Value> =
        items.iter().map(|(url, lastmod)| json!({"url": url, "lastmod": lastmod.to_string()})).collect();
    pages.extend(extra.iter().map(|url| json!({"url": url})));
    for kind in Kind::ALL.into_iter().filter(|k| *k != Kind::Page) {
        pages.push(json!({"url": urls::section_url(kind)}));
    }
    pages.push(json!({"url": "/"}));
    pages.push(json!({"url": "/monitorul-oficial-local/"}));
    pages.push(json!({"url": "/arhiva/fonduri/"}));
    pages.sort_by(|a, b| a["url"].as_str().cmp(&b["url"].as_str()));
    json!({"pages": pages})
}
