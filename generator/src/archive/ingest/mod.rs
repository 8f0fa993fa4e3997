//! `civic archive ingest <batch>`: a scanning contractor's batch (one folder of page images, or
//! one PDF of JPEG scans, per unit, plus `metadata.csv` with one row per unit) becomes one `archive_units/<id>.md` per unit
//! and its derivatives under `content/archive/<id>/`:
//!
//! - `pNNNN/full/max/0/default.jpg` — the web image (IIIF Image API level 0, `full/max`),
//! - `pNNNN/full/<w>,<h>/0/default.jpg` — the thumbnail (listed in `info.json` as a size),
//! - `pNNNN.txt` (and `pNNNN.hocr`) — the page's OCR text when the batch has it,
//! - `manifest-sha256.txt` — BagIt-style fixity of the masters: `<sha256>  <folder>/<file>`.
//!
//! Units are independent: a bad row or an unreadable scan is reported with its reason and the
//! other units still ingest. A unit whose masters and row are unchanged is skipped without
//! decoding an image, so a re-run does nothing; a changed scan redoes that unit only. Units and
//! their pages are processed in parallel (rayon), each page decoded, resized and dropped, so
//! memory stays flat whatever the batch size.

mod batch;
mod derive;
mod unit_file;

pub use batch::{COLUMNS, METADATA};

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::fixity::Manifest;
use crate::diagnostics::Diagnostic;
use crate::model::archive::derivatives::{FIXITY_MANIFEST, unit_folder};
use crate::model::values::DateTime;
use crate::progress::Progress;
use batch::{Row, read_rows};
use derive::{Input, PageOut, derive_page, existing_pages, has_extension, listing, masters, page_name, pdf_pages};

/// How derivatives are made.
#[derive(Clone, Debug)]
pub struct Options {
    pub batch: PathBuf,
    pub content: PathBuf,
    /// The longest side of the web image, in pixels.
    pub max_size: u32,
    /// The width of thumbnails, in pixels.
    pub thumb_width: u32,
    /// JPEG quality of the derivatives (1–100).
    pub quality: u8,
}

impl Options {
    pub fn new(batch: impl Into<PathBuf>, content: impl Into<PathBuf>) -> Options {
        Options { batch: batch.into(), content: content.into(), max_size: 1600, thumb_width: 200, quality: 80 }
    }
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Report {
    /// Units whose derivatives or content file were (re)written.
    pub ingested: Vec<String>,
    /// Units found exactly as a previous run left them.
    pub unchanged: Vec<String>,
    /// Pages decoded and written.
    pub pages: usize,
    /// Every problem, per unit, with its reason and fix; these units were not (re)ingested.
    pub problems: Vec<Diagnostic>,
    pub elapsed: Duration,
}

/// Ingests a batch. `Err` only when the batch cannot be read at all (no metadata file).
pub fn run(opts: &Options, progress: &Progress) -> Result<Report, Vec<Diagnostic>> {
    let start = Instant::now();
    let batch_name = opts
        .batch
        .canonicalize()
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "batch".to_owned());
    let (rows, mut problems, described) = read_rows(&opts.batch)?;
    // Folders nobody described are reported, not guessed at.
    let mut folders: Vec<String> = std::fs::read_dir(&opts.batch)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    for f in folders.iter().filter(|f| !described.contains(f.as_str())) {
        problems.push(
            Diagnostic::new(format!("{f}/"), 0, 0, "this folder has no row in metadata.csv, so it was not ingested")
                .fix(format!("add a row with `folder` = `{f}` to {METADATA}, or move the folder out of the batch")),
        );
    }
    let total_pages: u64 = rows.iter().map(|r| masters(&opts.batch.join(&r.folder)).len() as u64).sum();
    progress.phase(&format!("ingesting {} units ({} pages) from {}", rows.len(), total_pages, opts.batch.display()));
    let bar = progress.bar(total_pages);
    let done = AtomicUsize::new(0);
    let step = (rows.len() / 10).max(1);
    let results: Vec<(String, Result<Outcome, Diagnostic>)> = rows
        .par_iter()
        .map(|row| {
            let r = ingest_unit(opts, &batch_name, row, &bar);
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            if bar.is_hidden() && (n.is_multiple_of(step) || n == rows.len()) {
                progress.phase(&format!("{n}/{} units", rows.len()));
            }
            (row.id.clone(), r)
        })
        .collect();
    bar.finish_and_clear();
    let mut report = Report { problems, ..Report::default() };
    for (id, r) in results {
        match r {
            Ok(Outcome::Unchanged) => report.unchanged.push(id),
            Ok(Outcome::Ingested { pages }) => {
                report.pages += pages;
                report.ingested.push(id);
            }
            Err(d) => report.problems.push(d),
        }
    }
    report.problems.sort();
    report.elapsed = start.elapsed();
    Ok(report)
}

enum Outcome {
    Unchanged,
    Ingested { pages: usize },
}

fn ingest_unit(
    opts: &Options,
    batch_name: &str,
    row: &Row,
    bar: &indicatif::ProgressBar,
) -> Result<Outcome, Diagnostic> {
    let rel_folder = format!("{}/", row.folder);
    let fail = |file: String, message: String, fix: &str| Diagnostic::new(file, 0, 0, message).fix(fix.to_owned());
    let source = opts.batch.join(&row.folder);
    let mut files = masters(&source);
    let pdfs: Vec<PathBuf> = listing(&source).into_iter().filter(|p| has_extension(p, &["pdf"])).collect();
    let pdf = match (files.is_empty(), pdfs.len()) {
        (true, 1) => {
            files = pdfs.clone();
            Some(pdfs[0].clone())
        }
        (true, 0) => {
            return Err(fail(
                rel_folder,
                format!("unit `{}` ({METADATA} line {}) has no page images", row.id, row.line),
                "put the scans (TIFF, JPEG or PNG, one per page, named in page order, or one PDF) in the folder",
            ));
        }
        (true, _) => {
            return Err(fail(
                rel_folder,
                format!("unit `{}` has {} PDF files", row.id, pdfs.len()),
                "a unit is one PDF, or one image per page: merge the PDFs or export their pages",
            ));
        }
        _ => None,
    };
    // The masters, and the OCR files beside them (`p0001.txt` beside `p0001.tif`, or by page
    // number for a PDF): a new OCR run redoes the unit too.
    let sidecars = listing(&source).into_iter().filter(|p| has_extension(p, &["txt", "hocr"]));
    let hashed: Vec<PathBuf> = files.iter().cloned().chain(sidecars).collect();
    let manifest = Manifest::of(&row.folder, &hashed)
        .map_err(|(path, e)| fail(path, format!("cannot read the master: {e}"), "check the file's permissions"))?
        .to_text();
    let folder = unit_folder(&row.id);
    let target = opts.content.join(&folder);
    let manifest_path = target.join(FIXITY_MANIFEST);
    let unchanged = std::fs::read_to_string(&manifest_path).is_ok_and(|m| m == manifest);
    // Unchanged masters: the page sizes are read from the derivatives' headers, no decoding.
    let existing = if unchanged { existing_pages(&target) } else { None };
    let (pages, decoded) = match existing {
        Some(pages) => {
            bar.inc(if pdf.is_some() { pages.len() } else { files.len() } as u64);
            (pages, 0)
        }
        None => {
            let partial = opts.content.join(format!("{folder}.partial"));
            let _ = std::fs::remove_dir_all(&partial);
            // Each page: where its pixels come from, how problems name it, where its OCR is.
            let inputs: Vec<(Input, String, PathBuf)> = match &pdf {
                Some(pdf) => {
                    let name = format!("{}/{}", row.folder, pdf.file_name().unwrap_or_default().to_string_lossy());
                    let pages = pdf_pages(pdf).map_err(|e| {
                        fail(
                            name.clone(),
                            format!("cannot read the PDF's scans: {e}"),
                            "export the pages as TIFF or JPEG instead",
                        )
                    })?;
                    pages
                        .into_iter()
                        .enumerate()
                        .map(|(i, bytes)| {
                            (Input::Jpeg(bytes), format!("{name}, page {}", i + 1), source.join(page_name(i + 1)))
                        })
                        .collect()
                }
                None => files
                    .iter()
                    .map(|f| {
                        let name = f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                        (Input::File(f.clone()), format!("{}/{name}", row.folder), f.with_extension(""))
                    })
                    .collect(),
            };
            let pages: Vec<PageOut> = inputs
                .into_par_iter()
                .enumerate()
                .map(|(i, (input, shown, stem))| {
                    let p = derive_page(opts, input, &partial, i + 1, &shown, &stem);
                    bar.inc(1);
                    p
                })
                .collect::<Result<_, _>>()
                .inspect_err(|_| {
                    let _ = std::fs::remove_dir_all(&partial);
                })?;
            let io = |e: std::io::Error| {
                fail(
                    folder.clone(),
                    format!("cannot write the derivatives: {e}"),
                    "check the content folder and free disk space",
                )
            };
            std::fs::write(partial.join(FIXITY_MANIFEST), &manifest).map_err(io)?;
            if target.exists() {
                std::fs::remove_dir_all(&target).map_err(io)?;
            }
            std::fs::rename(&partial, &target).map_err(io)?;
            let n = pages.len();
            (pages, n)
        }
    };
    let file = opts.content.join("archive_units").join(format!("{}.md", row.id));
    let old = std::fs::read_to_string(&file).ok();
    // A unit keeps the `published_at` it was first given, or gets today's.
    let published_at = old.as_deref().and_then(unit_file::published_at).unwrap_or_else(|| {
        const DAY: i64 = 24 * 60 * 60;
        let midnight = jiff::Timestamp::now().as_second().div_euclid(DAY) * DAY;
        DateTime(jiff::Timestamp::from_second(midnight).expect("today is a valid instant"))
    });
    let unit = unit_file::unit(row, batch_name, &folder, &pages, published_at);
    let text = unit_file::text(&unit, row.fields.get("description").map(String::as_str).unwrap_or_default());
    if old.as_deref() == Some(text.as_str()) && decoded == 0 {
        return Ok(Outcome::Unchanged);
    }
    std::fs::create_dir_all(file.parent().expect("a parent")).and_then(|_| std::fs::write(&file, text)).map_err(
        |e| {
            fail(
                format!("archive_units/{}.md", row.id),
                format!("cannot write the content file: {e}"),
                "check the content folder",
            )
        },
    )?;
    Ok(Outcome::Ingested { pages: decoded })
}
