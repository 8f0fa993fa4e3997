//! What a schema cannot check of an archive unit: its dates in order, a reason for a
//! restriction, a page URL clear of the archive's own lists, the derivative files present.

use std::path::Path;

use crate::load::Finding;
use crate::model::archive::derivatives::{FULL, thumb};
use crate::model::archive::{AccessStatus, ArchiveUnit};
use crate::model::is_content_path;
use crate::model::urls::ARCHIVE_RESERVED;

/// Every problem of unit `u`, whose page would be `url`.
pub fn check_unit(file: &str, url: &str, u: &ArchiveUnit, content: &Path, out: &mut Vec<Finding>) {
    let first = url.trim_matches('/').split('/').nth(1).unwrap_or_default();
    if ARCHIVE_RESERVED.contains(&first) {
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
            if !is_content_path(&path) {
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
