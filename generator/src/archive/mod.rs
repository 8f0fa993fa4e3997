//! The digitised archive: `civic archive ingest` turns a scanning contractor's batch into
//! `archive_unit` content files and IIIF level-0 derivatives; `civic archive verify` re-hashes
//! the masters; `publish` makes the site's IIIF manifests, collections, image files and search
//! records. Paths of derivatives are decided here only.

pub mod ingest;
pub mod publish;
pub mod verify;

use std::path::Path;

use crate::load::Finding;
use crate::model::archive::{AccessStatus, ArchiveUnit};

/// The folder under `content/` holding a unit's derivatives and fixity manifest.
pub fn unit_folder(id: &str) -> String {
    format!("archive/{id}")
}

/// The web-size image of a page, relative to its IIIF image folder.
pub const FULL: &str = "full/max/0/default.jpg";

/// The thumbnail of a page of that size, relative to its IIIF image folder.
pub fn thumb(width: u32, height: u32) -> String {
    format!("full/{width},{height}/0/default.jpg")
}

/// URL segments under `/arhiva/` that the generator uses itself.
pub const RESERVED: [&str; 6] = ["fonduri", "iiif", "fond", "serie", "perioada", "pagina"];

/// What a schema cannot check of a unit: its dates in order, a reason for a restriction, the
/// derivative files present.
pub fn check_unit(file: &str, url: &str, u: &ArchiveUnit, content: &Path, out: &mut Vec<Finding>) {
    let first = url.trim_matches('/').split('/').nth(1).unwrap_or_default();
    if RESERVED.contains(&first) {
        out.push(Finding::new(
            file,
            "/slug",
            format!("the page would be {url}, which the archive uses for its lists"),
            "give the unit another `slug` or `id`",
        ));
    }
    if u.date_range.end < u.date_range.start {
        out.push(Finding::new(
            file,
            "/date_range/end",
            format!("the range ends ({}) before it starts ({})", u.date_range.end, u.date_range.start),
            "swap the dates, or correct the year",
        ));
    }
    if u.access.status == AccessStatus::Restricted && u.access.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
        out.push(Finding::new(
            file,
            "/access/reason",
            "a restricted unit must say why",
            "add `reason:` (e.g. \"date cu caracter personal\")",
        ));
    }
    for (i, p) in u.pages.iter().enumerate() {
        let files = [
            ("image", format!("{}/{FULL}", p.image)),
            ("image", format!("{}/{}", p.image, thumb(p.thumb_width, p.thumb_height))),
        ];
        let ocr = p.ocr.iter().map(|o| ("ocr", o.clone()));
        for (field, path) in files.into_iter().chain(ocr) {
            if !crate::checks::is_content_path(&path) {
                out.push(Finding::new(
                    file,
                    &format!("/pages/{i}/{field}"),
                    format!("`{path}` is not a path inside the content folder"),
                    "write a relative path such as archive/<id>/p0001",
                ));
            } else if !content.join(&path).is_file() {
                out.push(Finding::new(
                    file,
                    &format!("/pages/{i}/{field}"),
                    format!("the file `{path}` does not exist"),
                    "run `civic archive ingest` on the unit's batch again, or fix the path",
                ));
            }
        }
    }
}
