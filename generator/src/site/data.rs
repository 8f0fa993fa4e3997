//! Open data and machine-readable files: JSON per item and per list, CSV registers, the JSON
//! Schemas of the content contract, OCDS, sitemap, robots.txt and Atom feeds.

use serde_json::{Value, json};

use super::context::summary;
use super::{Site, has_page, ical, ocds, urls};
use crate::config::SiteConfig;
use crate::diagnostics::Diagnostic;
use crate::load::Item;
use crate::model::{Data, Kind};

/// An item's own JSON document: `item` is the record exactly as the content contract describes
/// it (it validates against `item_schema`); beside it, what the site works out: page URL, rendered
/// body, links in both directions and legal deadlines.
pub fn item_json(item: &Item, ctx: &Value) -> String {
    let v = json!({
        "item_schema": format!("/schemas/{}.schema.json", item.kind.name()),
        "type": item.kind.name(),
        "url": ctx["url"],
        "item": item.data,
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
pub fn site_files(site: &Site, put: &dyn Fn(&str, &[u8]) -> Result<(), Diagnostic>) -> Result<(), Diagnostic> {
    let pretty = |v: &Value| serde_json::to_vec_pretty(v).expect("JSON serialises");
    for kind in Kind::ALL {
        put(&format!("data/{}.json", kind.name()), &json_list(site, kind))?;
        put(&format!("schemas/{}.schema.json", kind.name()), &pretty(&kind.schema()))?;
    }
    put("schemas/civic.schema.json", &pretty(&SiteConfig::schema()))?;
    put("data/council_decision.csv", &decisions_csv(site))?;
    put("data/mayor_disposition.csv", &dispositions_csv(site))?;
    put("data/ocds/release-package.json", &pretty(&ocds::release_package(site)))?;
    let sessions: Vec<ical::Event> = site
        .items
        .iter()
        .filter(|i| i.kind == Kind::CouncilSession)
        .flat_map(|i| ical::session_events(i, &site.config))
        .collect();
    let calendar = ical::calendar(&format!("{} — ședințe", site.config.city.council), &sessions);
    put(&format!("{}/calendar.ics", Kind::CouncilSession.section()), calendar.as_bytes())?;
    let robots =
        format!("User-agent: *\nAllow: /\nDisallow: /404.html\n\nSitemap: {}/sitemap.xml\n", site.config.base_url);
    put("robots.txt", robots.as_bytes())
}

/// `/data/<type>.json`: every item's summary, one per line, written as it is computed so a
/// large register never sits in memory twice.
fn json_list(site: &Site, kind: Kind) -> Vec<u8> {
    let items: Vec<&Item> = site.items.iter().filter(|i| i.kind == kind).collect();
    let mut buf = format!("{{\"type\": \"{}\", \"count\": {}, \"items\": [", kind.name(), items.len()).into_bytes();
    for (n, item) in items.iter().enumerate() {
        buf.extend_from_slice(if n == 0 { b"\n" } else { b",\n" });
        let mut s = summary(item, site.now);
        if let Some(o) = s.as_object_mut() {
            o.remove("days_left");
        }
        serde_json::to_writer(&mut buf, &s).expect("JSON serialises");
    }
    buf.extend_from_slice(b"\n]}\n");
    buf
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

fn sorted<'a>(site: &'a Site, kind: Kind) -> Vec<&'a Item> {
    let mut v: Vec<&Item> = site.items.iter().filter(|i| i.kind == kind).collect();
    v.sort_by_key(|i| match &i.data {
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
        .filter_map(|i| match &i.data {
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
                format!("{}{}", site.config.base_url, urls::item_url(i)),
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
        .filter_map(|i| match &i.data {
            Data::MayorDisposition(d) => Some(vec![
                d.number.to_string(),
                d.year.to_string(),
                d.issued_on.to_string(),
                d.envelope.title.clone(),
                enum_text(&d.legal_character),
                enum_text(&d.status),
                d.communicated_prefect_on.map(|x| x.to_string()).unwrap_or_default(),
                if has_page(i) { format!("{}{}", site.config.base_url, urls::item_url(i)) } else { String::new() },
            ]),
            _ => None,
        })
        .collect();
    csv_bytes(&["numar", "an", "emisa_la", "titlu", "caracter", "stare", "comunicata_prefect_la", "url"], rows)
}

/// Files rendered through the theme: an Atom feed per section and the sitemap.
pub fn templated_files(site: &Site) -> Vec<(String, &'static str, Value)> {
    let mut out = Vec::new();
    for kind in Kind::ALL.into_iter().filter(|k| *k != Kind::Page) {
        let mut items: Vec<&Item> = site.items.iter().filter(|i| i.kind == kind && has_page(i)).collect();
        items.sort_by(|a, b| {
            let t = |i: &Item| i.data.envelope().updated_at.unwrap_or(i.data.envelope().published_at);
            t(b).cmp(&t(a)).then_with(|| a.id().cmp(b.id()))
        });
        items.truncate(50);
        let updated = items
            .iter()
            .map(|i| i.data.envelope().updated_at.unwrap_or(i.data.envelope().published_at))
            .max()
            .map(|t| t.timestamp().to_string())
            .unwrap_or_else(|| format!("{}T00:00:00Z", site.now));
        let entries: Vec<Value> = items
            .iter()
            .map(|i| {
                let mut s = summary(i, site.now);
                s["updated"] = i
                    .data
                    .envelope()
                    .updated_at
                    .unwrap_or(i.data.envelope().published_at)
                    .timestamp()
                    .to_string()
                    .into();
                s["published"] = i.data.envelope().published_at.timestamp().to_string().into();
                s
            })
            .collect();
        out.push((
            format!("{}/feed.xml", kind.section()),
            "feed.xml",
            json!({"feed": {"kind": kind.name(), "url": urls::section_url(kind), "updated": updated}, "entries": entries}),
        ));
    }
    let mut pages: Vec<Value> = site
        .items
        .iter()
        .filter(|i| has_page(i))
        .map(|i| {
            let e = i.data.envelope();
            json!({"url": urls::item_url(i), "lastmod": super::context::local_date(e.updated_at.unwrap_or(e.published_at).timestamp()).to_string()})
        })
        .collect();
    for kind in Kind::ALL.into_iter().filter(|k| *k != Kind::Page) {
        pages.push(json!({"url": urls::section_url(kind)}));
    }
    pages.push(json!({"url": "/"}));
    pages.push(json!({"url": "/monitorul-oficial-local/"}));
    pages.sort_by(|a, b| a["url"].as_str().cmp(&b["url"].as_str()));
    out.push(("sitemap.xml".into(), "sitemap.xml", json!({"pages": pages})));
    out
}
