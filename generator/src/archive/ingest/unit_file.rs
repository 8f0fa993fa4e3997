//! A unit's content file, `archive_units/<id>.md`, made from its CSV row and derivatives as an
//! [`ArchiveUnit`] and serialised by serde: YAML front matter with one key per line, each value
//! in JSON flow style (which YAML reads as it is), one line per page; the description as the
//! Markdown body.

use serde_json::Value;

use super::batch::{Row, split_list};
use super::derive::{PageOut, page_name};
use crate::model::archive::derivatives::FIXITY_MANIFEST;
use crate::model::archive::{Access, AccessStatus, ArchivePage, ArchiveUnit, DateRange, Fixity, Language};
use crate::model::envelope::{Envelope, Related};
use crate::model::values::DateTime;

/// The unit of `row`, its pages in `folder`; `published_at` when the row gives none.
pub fn unit(row: &Row, batch_name: &str, folder: &str, pages: &[PageOut], published_at: DateTime) -> ArchiveUnit {
    let get = |c: &str| row.fields.get(c).map(String::as_str).unwrap_or_default();
    let given = |c: &str| Some(get(c)).filter(|v| !v.is_empty()).map(str::to_owned);
    let envelope = Envelope {
        id: row.id.clone(),
        type_name: Some("archive_unit".to_owned()),
        title: get("title").to_owned(),
        slug: None,
        lang: None,
        published_at: get("published_at").parse().map(DateTime).unwrap_or(published_at),
        updated_at: None,
        summary: given("summary"),
        source: None,
        category: None,
        tags: Vec::new(),
        attachments: Vec::new(),
        related: row.related.iter().map(|(rel, id)| Related { rel: *rel, id: id.clone() }).collect(),
        geometry: None,
        status_history: Vec::new(),
    };
    let in_folder = |file: &str| format!("{folder}/{file}");
    ArchiveUnit {
        envelope,
        reference_code: get("reference_code").to_owned(),
        fonds: get("fonds").to_owned(),
        series: given("series"),
        date_range: DateRange { start: get("date_start").to_owned(), end: get("date_end").to_owned() },
        extent: get("extent").to_owned(),
        languages: split_list(get("languages")).map(|l| Language(l.to_owned())).collect(),
        rights: get("rights").to_owned(),
        access: Access {
            status: if get("access") == "restricted" { AccessStatus::Restricted } else { AccessStatus::Open },
            reason: given("access_reason"),
            until: get("access_until").parse().ok(),
        },
        notes: get("notes").split('|').map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned).collect(),
        pages: pages
            .iter()
            .enumerate()
            .map(|(i, p)| ArchivePage {
                label: format!("f. {}", i + 1),
                image: in_folder(&page_name(i + 1)),
                width: p.width,
                height: p.height,
                thumb_width: p.thumb.0,
                thumb_height: p.thumb.1,
                ocr: p.ocr.as_deref().map(in_folder),
                hocr: p.hocr.as_deref().map(in_folder),
            })
            .collect(),
        fixity: Some(Fixity {
            manifest: in_folder(FIXITY_MANIFEST),
            batch: batch_name.to_owned(),
            folder: row.folder.clone(),
        }),
    }
}

/// The content file of `unit`, with `description` (the row's, `\n` for line breaks) as its body.
pub fn text(unit: &ArchiveUnit, description: &str) -> String {
    let Value::Object(fields) = serde_json::to_value(unit).expect("a unit serialises") else {
        unreachable!("a unit serialises to an object")
    };
    let mut out = String::from("---\n");
    for (key, value) in fields {
        match value {
            Value::Array(pages) if key == "pages" => {
                out.push_str("pages:\n");
                for p in pages {
                    out.push_str(&format!("  - {p}\n"));
                }
            }
            value => out.push_str(&format!("{key}: {value}\n")),
        }
    }
    out.push_str("---\n");
    if !description.is_empty() {
        out.push_str(&description.replace("\\n", "\n"));
        out.push('\n');
    }
    out
}

/// The `published_at` of a content file an earlier run wrote: re-running an ingest must not move
/// a unit's publication date.
pub fn published_at(old: &str) -> Option<DateTime> {
    let line = old.lines().find_map(|l| l.strip_prefix("published_at:"))?;
    line.trim().trim_matches(['"', '\'']).parse().map(DateTime).ok()
}
