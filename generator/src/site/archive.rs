//! The archive on the site: each open unit's page images as a static IIIF Image API level-0
//! service (`/arhiva/iiif/<id>/pNNNN/info.json`, `full/max/0/default.jpg` and a thumbnail
//! size), a IIIF Presentation 3 manifest per unit (`/arhiva/<slug>/manifest.json`), a
//! Collection per fonds and one of all fonds, and what the archive's full-text index holds of a
//! unit: the OCR text of each page, pointing at the page (`/arhiva/<slug>/#pagina-N`).
//!
//! Restricted units publish their description only: no image, no OCR text, no manifest.

use std::collections::BTreeMap;
use std::path::Path;

use rayon::prelude::*;
use serde_json::{Value, json};

use super::{Site, emit, file_stamp};
use crate::diagnostics::Diagnostic;
use crate::load::Item;
use crate::model::Data;
use crate::model::archive::derivatives::{FULL, thumb};
use crate::model::archive::{AccessStatus, ArchivePage, ArchiveUnit};
use crate::model::urls::{
    ALL_COLLECTION, ARCHIVE_FONDS, archive_page_anchor, collection_url, decade_url, fonds_url, iiif_image,
    manifest_url, ocr_text, series_url,
};

const PRESENTATION: &str = "http://iiif.io/api/presentation/3/context.json";
const IMAGE: &str = "http://iiif.io/api/image/3/context.json";

/// The archive units of a site, with their data.
pub fn units(site: &Site) -> impl Iterator<Item = (&Item, &ArchiveUnit)> {
    site.items.iter().filter_map(|i| match &*i.data {
        Data::ArchiveUnit(u) => Some((i, u)),
        _ => None,
    })
}

pub fn is_open(u: &ArchiveUnit) -> bool {
    u.access.status == AccessStatus::Open
}

/// What the open data says of a unit: no master fixity (the masters are not published), no
/// hOCR, and for a restricted unit no pages at all, so nothing names its scans or text.
pub fn public_view(u: &ArchiveUnit) -> ArchiveUnit {
    let mut v = u.clone();
    v.fixity = None;
    if is_open(u) {
        v.pages.iter_mut().for_each(|p| p.hocr = None);
    } else {
        v.pages.clear();
    }
    v
}

/// The series filter value: a series belongs to its fonds.
pub fn series_value(u: &ArchiveUnit) -> Option<String> {
    u.series.as_ref().map(|s| format!("{} / {s}", u.fonds))
}

/// The decades a unit's dates span, for browsing by period ("1920–1929").
pub fn decades(u: &ArchiveUnit) -> Vec<String> {
    let (a, b) = (u.date_range.start_year() / 10, u.date_range.end_year() / 10);
    (a..=b.min(a + 50)).map(|d| format!("{}–{}", d * 10, d * 10 + 9)).collect()
}

/// What the unit's page shows beyond its fields: the viewer's pages, downloads, hierarchy.
pub fn page_context(item: &Item, u: &ArchiveUnit) -> Value {
    let open = is_open(u);
    let pages: Vec<Value> = if open {
        u.pages
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let base = iiif_image(item.id(), i + 1);
                json!({
                    "n": i + 1,
                    "label": p.label,
                    "full": format!("{base}/{FULL}"),
                    "thumb": format!("{base}/{}", thumb(p.thumb_width, p.thumb_height)),
                    "width": p.width, "height": p.height,
                    "thumb_width": p.thumb_width, "thumb_height": p.thumb_height,
                    "ocr": p.ocr.as_ref().map(|_| ocr_text(&base)),
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    json!({
        "open": open,
        "pages": pages,
        "page_count": u.pages.len(),
        "manifest": open.then(|| manifest_url(&item.url())),
        "fonds_url": fonds_url(&u.fonds),
        "series_url": series_value(u).map(|v| series_url(&v)),
        "collection": open.then(|| collection_url(&u.fonds)),
        "decades": decades(u).into_iter().map(|d| json!({"value": d, "url": decade_url(&d)})).collect::<Vec<_>>(),
    })
}

/// Every published archive file: images, info.json, manifests, collections.
pub fn files(site: &Site, global_fp: u64, out: &emit::Emitter) -> Result<(), Diagnostic> {
    let base = site.config.base_url.as_str();
    let open: Vec<(&Item, &ArchiveUnit)> = units(site).filter(|(_, u)| is_open(u)).collect();
    open.par_iter().try_for_each(|(item, u)| -> Result<(), Diagnostic> {
        for (i, p) in u.pages.iter().enumerate() {
            let to = iiif_image(item.id(), i + 1).trim_start_matches('/').to_owned();
            let mut copies = vec![
                (format!("{}/{FULL}", p.image), format!("{to}/{FULL}")),
                (
                    format!("{}/{}", p.image, thumb(p.thumb_width, p.thumb_height)),
                    format!("{to}/{}", thumb(p.thumb_width, p.thumb_height)),
                ),
            ];
            if let Some(o) = &p.ocr {
                copies.push((o.clone(), ocr_text(&to)));
            }
            for (from, to) in copies {
                let source = site.content.join(&from);
                out.emit(&to, emit::fingerprint(&(file_stamp(&source), &from)), || {
                    std::fs::read(&source).map_err(|e| {
                        Diagnostic::new(&item.file, 0, 0, format!("cannot read {from}: {e}"))
                            .fix("run `civic archive ingest` on the unit's batch again")
                    })
                })?;
            }
            let info = info_json(base, &iiif_image(item.id(), i + 1), p);
            out.emit(&format!("{to}/info.json"), emit::fingerprint(&(global_fp, item.hash, i)), || {
                Ok(info.into_bytes())
            })?;
        }
        let manifest_path = manifest_url(&item.url()).trim_start_matches('/').to_owned();
        out.emit(&manifest_path, emit::fingerprint(&(global_fp, item.hash)), || {
            Ok(serde_json::to_vec_pretty(&manifest(base, item, u)).expect("JSON"))
        })?;
        Ok(())
    })?;
    // A Collection per fonds, and one of every fonds.
    let mut by_fonds: BTreeMap<&str, Vec<(&Item, &ArchiveUnit)>> = BTreeMap::new();
    for (item, u) in &open {
        by_fonds.entry(u.fonds.as_str()).or_default().push((item, u));
    }
    for (fonds, members) in &by_fonds {
        let fp = emit::fingerprint(&(global_fp, members.iter().map(|(i, _)| i.hash).collect::<Vec<_>>()));
        out.emit(collection_url(fonds).trim_start_matches('/'), fp, || {
            Ok(serde_json::to_vec_pretty(&collection(base, fonds, members)).expect("JSON"))
        })?;
    }
    let fonds_list: Vec<(&str, usize)> = by_fonds.iter().map(|(f, m)| (*f, m.len())).collect();
    out.emit(ALL_COLLECTION.trim_start_matches('/'), emit::fingerprint(&(global_fp, &fonds_list)), || {
        let items: Vec<Value> = fonds_list
            .iter()
            .map(|(f, _)| json!({"id": format!("{base}{}", collection_url(f)), "type": "Collection", "label": {"ro": [f]}}))
            .collect();
        Ok(serde_json::to_vec_pretty(&json!({
            "@context": PRESENTATION,
            "id": format!("{base}{ALL_COLLECTION}"),
            "type": "Collection",
            "label": {"ro": [format!("Arhiva digitizată — {}", site.config.city.institution)]},
            "items": items,
        }))
        .expect("JSON"))
    })?;
    Ok(())
}

/// The IIIF Image API 3 description of one page (level 0: only the listed sizes exist).
fn info_json(base: &str, image: &str, p: &ArchivePage) -> String {
    serde_json::to_string_pretty(&json!({
        "@context": IMAGE,
        "id": format!("{base}{image}"),
        "type": "ImageService3",
        "protocol": "http://iiif.io/api/image",
        "profile": "level0",
        "width": p.width,
        "height": p.height,
        "sizes": [
            {"width": p.thumb_width, "height": p.thumb_height},
            {"width": p.width, "height": p.height},
        ],
    }))
    .expect("JSON")
}

fn lang(s: &str) -> Value {
    json!({"ro": [s]})
}

fn meta(label: &str, value: &str) -> Value {
    json!({"label": lang(label), "value": lang(value)})
}

/// The IIIF Presentation 3 manifest of an open unit: one Canvas per page, painted with the
/// web image and pointing at its level-0 image service.
pub fn manifest(base: &str, item: &Item, u: &ArchiveUnit) -> Value {
    let page_url = format!("{base}{}", item.url());
    let id = format!("{base}{}", manifest_url(&item.url()));
    let canvases: Vec<Value> = u
        .pages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let n = i + 1;
            let service = format!("{base}{}", iiif_image(item.id(), n));
            let canvas = format!("{page_url}canvas/p{n}");
            let mut c = json!({
                "id": canvas,
                "type": "Canvas",
                "label": lang(&p.label),
                "width": p.width,
                "height": p.height,
                "thumbnail": [{
                    "id": format!("{service}/{}", thumb(p.thumb_width, p.thumb_height)),
                    "type": "Image", "format": "image/jpeg",
                    "width": p.thumb_width, "height": p.thumb_height,
                }],
                "items": [{
                    "id": format!("{page_url}canvas/p{n}/pagina"),
                    "type": "AnnotationPage",
                    "items": [{
                        "id": format!("{page_url}canvas/p{n}/pagina/imagine"),
                        "type": "Annotation",
                        "motivation": "painting",
                        "body": {
                            "id": format!("{service}/{FULL}"),
                            "type": "Image",
                            "format": "image/jpeg",
                            "width": p.width,
                            "height": p.height,
                            "service": [{"id": service, "type": "ImageService3", "profile": "level0"}],
                        },
                        "target": canvas,
                    }],
                }],
            });
            if p.ocr.is_some() {
                c["rendering"] = json!([{
                    "id": ocr_text(&service), "type": "Text", "format": "text/plain",
                    "label": lang(&format!("Textul paginii (OCR), {}", p.label)),
                }]);
            }
            c
        })
        .collect();
    let mut metadata = vec![
        meta("Cod de referință", &u.reference_code),
        meta("Fond", &u.fonds),
        meta("Datare", &format!("{} – {}", u.date_range.start, u.date_range.end)),
        meta("Volum și suport", &u.extent),
        meta("Limbi", &u.languages.iter().map(|l| l.0.as_str()).collect::<Vec<_>>().join(", ")),
    ];
    if let Some(s) = &u.series {
        metadata.insert(2, meta("Serie", s));
    }
    let mut m = json!({
        "@context": PRESENTATION,
        "id": id,
        "type": "Manifest",
        "label": lang(&item.data.envelope().title),
        "metadata": metadata,
        "rights": u.rights,
        "homepage": [{"id": page_url, "type": "Text", "label": lang(&item.data.envelope().title), "format": "text/html", "language": ["ro"]}],
        "partOf": [{"id": format!("{base}{}", collection_url(&u.fonds)), "type": "Collection"}],
        "items": canvases,
    });
    if let Some(s) = &item.data.envelope().summary {
        m["summary"] = lang(s);
    }
    if let Some(first) = m["items"][0]["thumbnail"].as_array().cloned() {
        m["thumbnail"] = first.into();
    }
    m
}

fn collection(base: &str, fonds: &str, members: &[(&Item, &ArchiveUnit)]) -> Value {
    let mut members: Vec<&(&Item, &ArchiveUnit)> = members.iter().collect();
    members.sort_by(|a, b| a.1.reference_code.cmp(&b.1.reference_code));
    json!({
        "@context": PRESENTATION,
        "id": format!("{base}{}", collection_url(fonds)),
        "type": "Collection",
        "label": lang(fonds),
        "homepage": [{"id": format!("{base}{}", fonds_url(fonds)), "type": "Text", "label": lang(fonds), "format": "text/html"}],
        "items": members.iter().map(|(item, _)| json!({
            "id": format!("{base}{}", manifest_url(&item.url())),
            "type": "Manifest",
            "label": lang(&item.data.envelope().title),
        })).collect::<Vec<_>>(),
    })
}

/// The open units, whose OCR'd pages are searchable (the archive's full-text index), by id.
pub fn searchable_units(site: &Site) -> Vec<(&Item, &ArchiveUnit)> {
    let mut open: Vec<(&Item, &ArchiveUnit)> = units(site).filter(|(_, u)| is_open(u)).collect();
    open.sort_by(|a, b| a.0.id().cmp(b.0.id()));
    open
}

/// The OCR'd pages of a unit: page number, label, OCR file.
fn ocr_pages(u: &ArchiveUnit) -> Vec<(usize, &str, &Path)> {
    u.pages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| Some((i + 1, p.label.as_str(), Path::new(p.ocr.as_deref()?))))
        .collect()
}

/// What the archive's full-text index knows a unit by: changes when its pages' OCR text (the
/// files' size and time) or the description a hit shows does.
pub fn index_stamp(site: &Site, item: &Item, u: &ArchiveUnit) -> String {
    let stamps: Vec<(&str, u64)> =
        ocr_pages(u).into_iter().map(|(_, label, o)| (label, file_stamp(&site.content.join(o)))).collect();
    let env = item.data.envelope();
    format!(
        "{:016x}",
        emit::fingerprint(&(&env.title, item.url(), &u.reference_code, &u.date_range.start, &u.date_range.end, stamps))
    )
}

/// A unit as the archive's full-text index holds it: its pages' OCR text, read now.
pub fn index_text(site: &Site, item: &Item, u: &ArchiveUnit, stamp: &str) -> civic_search::archive::UnitText {
    let url = item.url();
    let pages = ocr_pages(u)
        .into_iter()
        .filter_map(|(n, label, o)| {
            Some(civic_search::archive::PageText {
                label: label.to_owned(),
                url: archive_page_anchor(&url, n),
                text: std::fs::read_to_string(site.content.join(o)).ok()?,
            })
        })
        .collect();
    civic_search::archive::UnitText {
        id: item.id().to_owned(),
        stamp: stamp.to_owned(),
        title: item.data.envelope().title.clone(),
        reference_code: u.reference_code.clone(),
        dates: format!("{} – {}", u.date_range.start, u.date_range.end),
        pages,
    }
}

/// `/arhiva/fonduri/`: the hierarchy, fonds → series, with counts and links to their lists.
pub fn fonds_page(site: &Site) -> super::PageJob<'_> {
    let mut tree: BTreeMap<&str, (usize, BTreeMap<&str, usize>)> = BTreeMap::new();
    let mut with_collection = std::collections::BTreeSet::new();
    for (_, u) in units(site) {
        let f = tree.entry(u.fonds.as_str()).or_default();
        f.0 += 1;
        if is_open(u) {
            with_collection.insert(u.fonds.as_str());
        }
        if let Some(s) = &u.series {
            *f.1.entry(s.as_str()).or_default() += 1;
        }
    }
    let fonds: Vec<Value> = tree
        .iter()
        .map(|(f, (count, series))| {
            json!({
                "title": f, "count": count, "url": fonds_url(f),
                "collection": with_collection.contains(f).then(|| collection_url(f)),
                "series": series.iter().map(|(s, n)| json!({
                    "title": s, "count": n,
                    "url": series_url(&format!("{f} / {s}")),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let fonds = Value::from(fonds);
    let url = ARCHIVE_FONDS;
    super::PageJob {
        fingerprint: emit::fingerprint(&fonds.to_string()),
        url: url.into(),
        template: "archive_fonds.html",
        context: super::lists::Context::Ready(minijinja::context! {
            page => minijinja::value::Serde(json!({"url": url, "title": "Fondurile arhivei"})),
            fonds => minijinja::value::Serde(fonds),
            collection => ALL_COLLECTION,
        }),
    }
}
