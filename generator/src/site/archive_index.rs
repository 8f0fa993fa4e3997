//! Brings the archive's full-text index (`civic_search::archive`, the SQLite file the API
//! searches) up to date with a built site: the open units whose stamp changed are indexed
//! again, units gone or now restricted leave it, the others are not read.

use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant};

use civic_search::archive::Writer;
use rayon::prelude::*;

use super::Site;
use super::archive::{index_stamp, index_text, searchable_units};
use super::error::IoFailure;
use crate::progress::Progress;

/// What an update did.
#[derive(Debug, Default)]
pub struct ArchiveIndexReport {
    pub indexed: usize,
    pub unchanged: usize,
    pub removed: usize,
    /// Pages of the units indexed.
    pub pages: usize,
    pub elapsed: Duration,
}

/// Updates the index in `db` (created if missing) to the open units of `site`.
/// A file that cannot be written is an I/O failure of the build, like any other output's.
pub fn update(site: &Site, db: &Path, progress: &Progress) -> Result<ArchiveIndexReport, IoFailure> {
    let start = Instant::now();
    let failed = |e: civic_search::IndexError| IoFailure::writing(db)(std::io::Error::other(e));
    if let Some(parent) = db.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(IoFailure::writing(parent))?;
    }
    let mut writer = Writer::open(db).map_err(failed)?;
    let mut indexed = writer.stamps().map_err(failed)?;
    let units = searchable_units(site);
    let open: HashSet<&str> = units.iter().map(|(item, _)| item.id()).collect();
    let gone: Vec<String> = indexed.keys().filter(|id| !open.contains(id.as_str())).cloned().collect();
    let stamps: Vec<String> = units.par_iter().map(|(item, u)| index_stamp(site, item, u)).collect();
    let stale: Vec<_> = units
        .iter()
        .zip(&stamps)
        .filter(|((item, _), stamp)| indexed.remove(item.id()).is_none_or(|s| &s != *stamp))
        .map(|((item, u), stamp)| (*item, *u, stamp.as_str()))
        .collect();
    let mut report =
        ArchiveIndexReport { unchanged: units.len() - stale.len(), removed: gone.len(), ..Default::default() };
    if !stale.is_empty() {
        progress.phase("indexing the archive's OCR text");
    }
    let bar = progress.bar(stale.len() as u64);
    writer
        .write(
            &stale,
            |&(item, u, stamp)| index_text(site, item, u, stamp),
            |units, pages| {
                report.indexed += units;
                report.pages += pages;
                bar.inc(units as u64);
            },
        )
        .and_then(|()| writer.remove(&gone))
        .map_err(failed)?;
    bar.finish_and_clear();
    // Merging the index's segments rewrites all of it: worth it after a large change only.
    if report.indexed > 0 && report.indexed * 4 >= units.len() {
        writer.optimize().map_err(failed)?;
    }
    report.elapsed = start.elapsed();
    Ok(report)
}
