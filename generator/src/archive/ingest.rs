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

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use image::{DynamicImage, ImageReader, imageops::FilterType};
use rayon::prelude::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::{FULL, thumb, unit_folder};
use crate::diagnostics::Diagnostic;
use crate::model::envelope::Rel;
use crate::progress::Progress;

/// The metadata file every batch has at its top.
pub const METADATA: &str = "metadata.csv";

/// The CSV columns; the first nine are required.
pub const COLUMNS: [&str; 18] = [
    "folder",
    "reference_code",
    "title",
    "fonds",
    "date_start",
    "date_end",
    "extent",
    "languages",
    "rights",
    "access",
    "series",
    "access_reason",
    "access_until",
    "notes",
    "related",
    "summary",
    "description",
    "published_at",
];
const REQUIRED: usize = 9;

const IMAGE_EXTENSIONS: [&str; 5] = ["tif", "tiff", "jpg", "jpeg", "png"];

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

/// One CSV row that passed the checks.
struct Row {
    line: usize,
    id: String,
    folder: String,
    fields: HashMap<&'static str, String>,
    related: Vec<(Rel, String)>,
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

/// Reads `metadata.csv`: the rows that can be ingested, and a diagnostic for each that cannot.
/// Also returns every folder a row names, good or bad.
fn read_rows(batch: &Path) -> RowsRead {
    let path = batch.join(METADATA);
    let file = std::fs::File::open(&path).map_err(|e| {
        vec![Diagnostic::new(METADATA, 0, 0, format!("cannot read the batch's metadata: {e}")).fix(format!(
            "a batch is a folder with {METADATA} (one row per unit) and one folder of page images per unit"
        ))]
    })?;
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(file);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| vec![Diagnostic::new(METADATA, 1, 0, format!("cannot read the header row: {e}"))])?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let mut problems = Vec::new();
    for h in &headers {
        if !COLUMNS.contains(&h.as_str()) {
            let fix = match crate::diagnostics::did_you_mean(h, COLUMNS) {
                Some(g) => format!("did you mean `{g}`?"),
                None => format!("the columns are: {}", COLUMNS.join(", ")),
            };
            problems.push(Diagnostic::new(METADATA, 1, 0, format!("unknown column `{h}`")).field(h.clone()).fix(fix));
        }
    }
    let missing: Vec<&str> = COLUMNS[..REQUIRED].iter().copied().filter(|c| !headers.iter().any(|h| h == c)).collect();
    if !missing.is_empty() {
        problems.push(
            Diagnostic::new(METADATA, 1, 0, format!("missing column(s): {}", missing.join(", ")))
                .fix("add them to the header row; see docs/content.md, \"Archive batches\""),
        );
        return Err(problems);
    }
    let mut rows = Vec::new();
    let mut named = std::collections::HashSet::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut seen_folders: HashMap<String, usize> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                problems
                    .push(Diagnostic::new(METADATA, line, 0, format!("unreadable row: {e}")).fix("check the quoting"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        let mut fields: HashMap<&'static str, String> = HashMap::new();
        for (h, v) in headers.iter().zip(record.iter()) {
            if let Some(c) = COLUMNS.iter().find(|c| *c == h) {
                fields.insert(c, v.trim().to_owned());
            }
        }
        let get = |c: &str| fields.get(c).map(String::as_str).unwrap_or_default();
        let err = |field: &str, message: String, fix: &str| {
            Diagnostic::new(METADATA, line, 0, message).field(field.to_owned()).fix(fix.to_owned())
        };
        let before = problems.len();
        for c in &COLUMNS[..REQUIRED] {
            if get(c).is_empty() {
                problems.push(err(c, format!("`{c}` is empty"), "every unit needs this column filled in"));
            }
        }
        let folder = get("folder").to_owned();
        named.insert(folder.clone());
        let reference = get("reference_code").to_owned();
        if !folder.is_empty() {
            if !crate::checks::is_content_path(&folder) || folder.contains('/') {
                problems.push(err(
                    "folder",
                    format!("`{folder}` is not a folder name"),
                    "write the unit folder's name only",
                ));
            } else if !batch.join(&folder).is_dir() {
                problems.push(err(
                    "folder",
                    format!("the row's folder `{folder}` is not in the batch"),
                    "add the unit's folder of page images, or correct the name",
                ));
            } else if let Some(first) = seen_folders.insert(folder.clone(), line) {
                problems.push(err(
                    "folder",
                    format!("folder `{folder}` is also described on line {first}"),
                    "one row per unit folder",
                ));
            }
        }
        if !reference.is_empty()
            && let Some(first) = seen.insert(reference.clone(), line)
        {
            problems.push(err(
                "reference_code",
                format!("reference code `{reference}` is also on line {first}"),
                "each unit has its own reference code: check the inventory and file numbers",
            ));
        }
        for c in ["date_start", "date_end"] {
            if !get(c).is_empty() && !valid_date(get(c)) {
                problems.push(err(
                    c,
                    format!("`{}` is not a date", get(c)),
                    "write a year (1920), a month (1920-05) or a day (1920-05-14)",
                ));
            }
        }
        if valid_date(get("date_start")) && valid_date(get("date_end")) && get("date_end") < get("date_start") {
            problems.push(err(
                "date_end",
                "the range ends before it starts".into(),
                "swap the dates, or correct the year",
            ));
        }
        match get("access") {
            "open" | "" => {}
            "restricted" if get("access_reason").is_empty() => problems.push(err(
                "access_reason",
                "a restricted unit must say why".into(),
                "fill in `access_reason` (e.g. \"date cu caracter personal\")",
            )),
            "restricted" => {}
            other => problems.push(err(
                "access",
                format!("`{other}` is not an access status"),
                "write `open` or `restricted`",
            )),
        }
        if !get("access_until").is_empty() && get("access_until").parse::<u16>().is_err() {
            problems.push(err(
                "access_until",
                format!("`{}` is not a year", get("access_until")),
                "write a year, e.g. 2040",
            ));
        }
        for l in split_list(get("languages")) {
            if !(2..=3).contains(&l.len()) || !l.chars().all(|c| c.is_ascii_lowercase()) {
                problems.push(err(
                    "languages",
                    format!("`{l}` is not an ISO 639 code"),
                    "write codes such as ro; hu; de",
                ));
            }
        }
        let rights = get("rights");
        if !rights.is_empty()
            && ![
                "http://creativecommons.org/licenses/",
                "http://creativecommons.org/publicdomain/",
                "http://rightsstatements.org/vocab/",
            ]
            .iter()
            .any(|p| rights.starts_with(p))
        {
            problems.push(err(
                "rights",
                format!("`{rights}` is not a rights statement IIIF accepts"),
                "use a http://creativecommons.org/… or http://rightsstatements.org/vocab/… URI",
            ));
        }
        let mut related = Vec::new();
        for r in split_list(get("related")) {
            let parsed = r.split_once(':').and_then(|(rel, id)| {
                let rel: Rel = serde_json::from_value(Value::from(rel.trim())).ok()?;
                Some((rel, id.trim().to_owned()))
            });
            match parsed {
                Some(p) => related.push(p),
                None => problems.push(err(
                    "related",
                    format!("`{r}` is not a link"),
                    "write links as rel:id separated by `;`, e.g. see_also:hcl-2025-10",
                )),
            }
        }
        if !get("published_at").is_empty() && get("published_at").parse::<jiff::Timestamp>().is_err() {
            problems.push(err(
                "published_at",
                format!("`{}` is not a date and time with offset", get("published_at")),
                "write e.g. 2026-01-15T09:00:00+02:00",
            ));
        }
        let id = crate::site::urls::segment(&reference);
        if !reference.is_empty() && id.is_empty() {
            problems.push(err(
                "reference_code",
                "the reference code has no letters or digits".into(),
                "write the code",
            ));
        }
        if problems.len() == before {
            rows.push(Row { line, id, folder, fields, related });
        }
    }
    Ok((rows, problems, named))
}

type RowsRead = Result<(Vec<Row>, Vec<Diagnostic>, std::collections::HashSet<String>), Vec<Diagnostic>>;

fn valid_date(s: &str) -> bool {
    let ok_shape = matches!(s.len(), 4 | 7 | 10)
        && s.char_indices().all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() });
    ok_shape
        && match s.len() {
            10 => s.parse::<jiff::civil::Date>().is_ok(),
            7 => s[5..7].parse::<u8>().is_ok_and(|m| (1..=12).contains(&m)),
            _ => true,
        }
}

fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split(';').map(str::trim).filter(|x| !x.is_empty())
}

/// The master images of a unit folder, by name.
fn masters(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        })
        .collect();
    files.sort();
    files
}

pub fn sha256_of(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

/// The derivatives of one page, as written.
struct PageOut {
    width: u32,
    height: u32,
    thumb: (u32, u32),
    ocr: Option<String>,
    hocr: Option<String>,
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
    let mut manifest = String::new();
    // The masters, and the OCR files beside them (`p0001.txt` beside `p0001.tif`, or by page
    // number for a PDF): a new OCR run redoes the unit too.
    let sidecars: Vec<PathBuf> = listing(&source).into_iter().filter(|p| has_extension(p, &["txt", "hocr"])).collect();
    for f in files.iter().chain(&sidecars) {
        let name = f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let hash = sha256_of(f).map_err(|e| {
            fail(
                format!("{}/{name}", row.folder),
                format!("cannot read the master: {e}"),
                "check the file's permissions",
            )
        })?;
        manifest.push_str(&format!("{hash}  {}/{name}\n", row.folder));
    }
    let folder = unit_folder(&row.id);
    let target = opts.content.join(&folder);
    let manifest_path = target.join("manifest-sha256.txt");
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
            std::fs::write(partial.join("manifest-sha256.txt"), &manifest).map_err(io)?;
            if target.exists() {
                std::fs::remove_dir_all(&target).map_err(io)?;
            }
            std::fs::rename(&partial, &target).map_err(io)?;
            let n = pages.len();
            (pages, n)
        }
    };
    let text = content_file(opts, batch_name, row, &folder, &pages);
    let file = opts.content.join("archive_units").join(format!("{}.md", row.id));
    let same = std::fs::read_to_string(&file).is_ok_and(|old| keep_published_at(&old, &text) == old);
    if same && decoded == 0 {
        return Ok(Outcome::Unchanged);
    }
    let text = keep_published_at(&std::fs::read_to_string(&file).unwrap_or_default(), &text);
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

/// A unit's pages as a previous run left them, if every derivative is there (a run writes all
/// of a unit's derivatives aside and renames them into place, so their count is the pages').
fn existing_pages(target: &Path) -> Option<Vec<PageOut>> {
    let count = (1..).take_while(|n| target.join(page_name(*n)).is_dir()).count();
    if count == 0 {
        return None;
    }
    (1..=count)
        .map(|n| {
            let page = target.join(page_name(n));
            let (width, height) = image::image_dimensions(page.join(FULL)).ok()?;
            let thumb = std::fs::read_dir(page.join("full")).ok()?.flatten().find_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let (w, h) = name.split_once(',')?;
                Some((w.parse().ok()?, h.parse().ok()?))
            })?;
            if !page.join(thumb_path(thumb)).is_file() {
                return None;
            }
            let txt = target.join(format!("{}.txt", page_name(n)));
            let hocr = target.join(format!("{}.hocr", page_name(n)));
            Some(PageOut {
                width,
                height,
                thumb,
                ocr: txt.is_file().then(|| format!("{}.txt", page_name(n))),
                hocr: hocr.is_file().then(|| format!("{}.hocr", page_name(n))),
            })
        })
        .collect()
}

fn page_name(n: usize) -> String {
    format!("p{n:04}")
}

fn thumb_path((w, h): (u32, u32)) -> String {
    thumb(w, h)
}

/// Decodes one master, writes its web image, thumbnail and OCR text into `out`.
/// Where a page's pixels come from: an image file, or a JPEG taken out of a PDF.
enum Input {
    File(PathBuf),
    Jpeg(Vec<u8>),
}

/// The files of a folder, by name.
fn listing(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(folder).into_iter().flatten().flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
    files.sort();
    files
}

fn has_extension(p: &Path, extensions: &[&str]) -> bool {
    p.extension().and_then(|e| e.to_str()).is_some_and(|e| extensions.contains(&e.to_ascii_lowercase().as_str()))
}

/// The scan of each page of a PDF, as the JPEG stream it holds (scanners and `img2pdf` embed
/// each page's scan as one DCT-encoded image; anything else is reported, not rasterised).
fn pdf_pages(path: &Path) -> Result<Vec<Vec<u8>>, String> {
    let doc = lopdf::Document::load(path).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    for (n, page) in doc.get_pages() {
        let images = doc.get_page_images(page).map_err(|e| format!("page {n}: {e}"))?;
        let Some(image) = images.into_iter().max_by_key(|i| i.width.saturating_mul(i.height)) else {
            return Err(format!("page {n} has no scanned image (a PDF with a text layer only is not a scan)"));
        };
        match image.filters.as_deref() {
            Some([f]) if f == "DCTDecode" => out.push(image.content.to_vec()),
            other => return Err(format!("page {n}: its image is encoded as {other:?}, not as a JPEG (DCTDecode)")),
        }
    }
    if out.is_empty() {
        return Err("the PDF has no pages".into());
    }
    Ok(out)
}

fn derive_page(
    opts: &Options,
    input: Input,
    out: &Path,
    n: usize,
    shown: &str,
    ocr_stem: &Path,
) -> Result<PageOut, Diagnostic> {
    let unreadable = |e: String| {
        Diagnostic::new(shown, 0, 0, format!("unreadable image: {e}"))
            .fix("re-export the scan as TIFF, JPEG or PNG; the unit was not ingested")
    };
    let img = match input {
        Input::File(master) => ImageReader::open(master)
            .map_err(|e| unreadable(e.to_string()))?
            .with_guessed_format()
            .map_err(|e| unreadable(e.to_string()))?
            .decode(),
        Input::Jpeg(bytes) => image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg),
    }
    .map_err(|e| unreadable(e.to_string()))?;
    let web = if img.width().max(img.height()) > opts.max_size {
        img.resize(opts.max_size, opts.max_size, FilterType::Triangle)
    } else {
        img
    };
    let small = web.thumbnail(opts.thumb_width, u32::MAX);
    let page = out.join(page_name(n));
    let write_err = |e: String| {
        Diagnostic::new(shown, 0, 0, format!("cannot write the derivative: {e}"))
            .fix("check the content folder and free disk space")
    };
    write_jpeg(&web, &page.join(FULL), opts.quality).map_err(write_err)?;
    let t = (small.width(), small.height());
    write_jpeg(&small, &page.join(thumb_path(t)), opts.quality).map_err(write_err)?;
    let dims = (web.width(), web.height());
    drop(web);
    // OCR beside the master: p0001.txt, or p0001.hocr (its text extracted).
    let txt = ocr_stem.with_extension("txt");
    let hocr = ocr_stem.with_extension("hocr");
    let mut ocr = None;
    let mut hocr_out = None;
    let copy_err = |e: std::io::Error| write_err(e.to_string());
    if hocr.is_file() {
        let markup = std::fs::read_to_string(&hocr).map_err(copy_err)?;
        std::fs::write(out.join(format!("{}.hocr", page_name(n))), &markup).map_err(copy_err)?;
        hocr_out = Some(format!("{}.hocr", page_name(n)));
        if !txt.is_file() {
            std::fs::write(out.join(format!("{}.txt", page_name(n))), hocr_text(&markup)).map_err(copy_err)?;
            ocr = Some(format!("{}.txt", page_name(n)));
        }
    }
    if txt.is_file() {
        let text = std::fs::read(&txt).map_err(copy_err)?;
        let text = String::from_utf8(text).map_err(|_| {
            Diagnostic::new(
                shown,
                0,
                0,
                format!("its OCR text {} is not UTF-8", txt.file_name().unwrap_or_default().to_string_lossy()),
            )
            .fix("save the OCR output as UTF-8 (tesseract does)")
        })?;
        std::fs::write(out.join(format!("{}.txt", page_name(n))), text).map_err(copy_err)?;
        ocr = Some(format!("{}.txt", page_name(n)));
    }
    Ok(PageOut { width: dims.0, height: dims.1, thumb: t, ocr, hocr: hocr_out })
}

fn write_jpeg(img: &DynamicImage, path: &Path, quality: u8) -> Result<(), String> {
    std::fs::create_dir_all(path.parent().expect("a parent")).map_err(|e| e.to_string())?;
    let file = std::fs::File::create(path).map_err(|e| e.to_string())?;
    let mut w = std::io::BufWriter::new(file);
    let enc = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut w, quality);
    let result = if img.color().has_color() {
        img.to_rgb8().write_with_encoder(enc)
    } else {
        img.to_luma8().write_with_encoder(enc)
    };
    result.map_err(|e| e.to_string())
}

/// The words of an hOCR file: the text between tags, entities decoded, one line per line.
pub fn hocr_text(markup: &str) -> String {
    let body = markup.split_once("<body").map_or(markup, |(_, b)| b);
    let mut out = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                if !out.ends_with([' ', '\n']) {
                    out.push(' ');
                }
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The unit's content file: YAML front matter (JSON-style flow values, which YAML reads as they
/// are) and the description as the Markdown body.
fn content_file(opts: &Options, batch_name: &str, row: &Row, folder: &str, pages: &[PageOut]) -> String {
    let get = |c: &str| row.fields.get(c).map(String::as_str).unwrap_or_default();
    let mut fm: BTreeMap<usize, (&str, Value)> = BTreeMap::new();
    let mut put = |key: &'static str, v: Value| {
        fm.insert(fm.len(), (key, v));
    };
    put("id", row.id.clone().into());
    put("type", "archive_unit".into());
    put("title", get("title").into());
    put("published_at", if get("published_at").is_empty() { Value::Null } else { get("published_at").into() });
    if !get("summary").is_empty() {
        put("summary", get("summary").into());
    }
    put("reference_code", get("reference_code").into());
    put("fonds", get("fonds").into());
    if !get("series").is_empty() {
        put("series", get("series").into());
    }
    put("date_range", json!({"start": get("date_start"), "end": get("date_end")}));
    put("extent", get("extent").into());
    put("languages", split_list(get("languages")).collect::<Vec<_>>().into());
    put("rights", get("rights").into());
    let mut access = json!({"status": if get("access") == "restricted" { "restricted" } else { "open" }});
    if !get("access_reason").is_empty() {
        access["reason"] = get("access_reason").into();
    }
    if let Ok(y) = get("access_until").parse::<u16>() {
        access["until"] = y.into();
    }
    put("access", access);
    let notes: Vec<&str> = get("notes").split('|').map(str::trim).filter(|n| !n.is_empty()).collect();
    if !notes.is_empty() {
        put("notes", notes.into());
    }
    if !row.related.is_empty() {
        put("related", row.related.iter().map(|(rel, id)| json!({"rel": rel, "id": id})).collect::<Vec<_>>().into());
    }
    let pages: Vec<Value> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut v = json!({
                "label": format!("f. {}", i + 1),
                "image": format!("{folder}/{}", page_name(i + 1)),
                "width": p.width, "height": p.height,
                "thumb_width": p.thumb.0, "thumb_height": p.thumb.1,
            });
            if let Some(o) = &p.ocr {
                v["ocr"] = format!("{folder}/{o}").into();
            }
            if let Some(h) = &p.hocr {
                v["hocr"] = format!("{folder}/{h}").into();
            }
            v
        })
        .collect();
    let _ = opts;
    let mut out = String::from("---\n");
    for (_, (key, value)) in fm {
        if value.is_null() {
            continue;
        }
        out.push_str(&format!("{key}: {value}\n"));
    }
    out.push_str("pages:\n");
    for p in pages {
        out.push_str(&format!("  - {p}\n"));
    }
    out.push_str(&format!(
        "fixity: {}\n",
        json!({"manifest": format!("{folder}/manifest-sha256.txt"), "batch": batch_name, "folder": row.folder})
    ));
    out.push_str("---\n");
    let description = get("description");
    if !description.is_empty() {
        out.push_str(&description.replace("\\n", "\n"));
        out.push('\n');
    }
    out
}

/// The content file keeps the `published_at` it was first given (or gets one now): re-running
/// an ingest must not move a unit's publication date.
fn keep_published_at(old: &str, new: &str) -> String {
    if new.lines().any(|l| l.starts_with("published_at:")) {
        return new.to_owned();
    }
    let line = old.lines().find(|l| l.starts_with("published_at:")).map(str::to_owned).unwrap_or_else(|| {
        let today = jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
        format!("published_at: \"{today}T00:00:00Z\"")
    });
    new.replacen("reference_code:", &format!("{line}\nreference_code:"), 1)
}

#[cfg(test)]
mod tests {
    use super::{hocr_text, valid_date};

    #[test]
    fn hocr_becomes_plain_words() {
        let hocr = "<?xml version='1.0'?><html><head><title>x</title></head><body><div class='ocr_page'>\
            <span class='ocrx_word'>Ședința</span> <span class='ocrx_word'>din</span>\n<span>1920</span>\
            <span>&amp;</span><span>&lt;anexa&gt;</span></div></body></html>";
        assert_eq!(hocr_text(hocr), "Ședința din 1920 & <anexa>");
    }

    #[test]
    fn archival_dates_are_years_months_or_days() {
        for ok in ["1920", "1920-05", "1920-05-14"] {
            assert!(valid_date(ok), "{ok}");
        }
        for bad in ["1920/21", "20-05-1920", "1920-13", "1920-02-30", "192", "c. 1920"] {
            assert!(!valid_date(bad), "{bad}");
        }
    }
}
