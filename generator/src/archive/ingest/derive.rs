//! The derivatives of a unit's pages: each master (an image file, or a JPEG scan taken out of a
//! PDF) decoded, resized into the web image and thumbnail of the IIIF level-0 layout, and its OCR
//! beside it copied (or its hOCR's text extracted); or, for an unchanged unit, what a previous
//! run left, read from the derivatives' headers without decoding.

use std::path::{Path, PathBuf};

use image::{DynamicImage, ImageReader, imageops::FilterType};

use super::Options;
use crate::archive::hocr::hocr_text;
use crate::diagnostics::Diagnostic;
use crate::model::archive::derivatives::{FULL, thumb};

const IMAGE_EXTENSIONS: [&str; 5] = ["tif", "tiff", "jpg", "jpeg", "png"];

/// The master images of a unit folder, by name.
pub(super) fn masters(folder: &Path) -> Vec<PathBuf> {
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

/// The derivatives of one page, as written.
pub(super) struct PageOut {
    pub width: u32,
    pub height: u32,
    pub thumb: (u32, u32),
    pub ocr: Option<String>,
    pub hocr: Option<String>,
}

/// A unit's pages as a previous run left them, if every derivative is there (a run writes all
/// of a unit's derivatives aside and renames them into place, so their count is the pages').
pub(super) fn existing_pages(target: &Path) -> Option<Vec<PageOut>> {
    let count = (1..).take_while(|n| target.join(page_name(*n)).is_dir()).count();
    if count == 0 {
        return None;
    }
    (1..=count)
        .map(|n| {
            let page = target.join(page_name(n));
            let (width, height) = image::image_dimensions(page.join(FULL)).ok()?;
            let size = std::fs::read_dir(page.join("full")).ok()?.flatten().find_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                let (w, h) = name.split_once(',')?;
                Some((w.parse().ok()?, h.parse().ok()?))
            })?;
            if !page.join(thumb(size.0, size.1)).is_file() {
                return None;
            }
            let txt = target.join(format!("{}.txt", page_name(n)));
            let hocr = target.join(format!("{}.hocr", page_name(n)));
            Some(PageOut {
                width,
                height,
                thumb: size,
                ocr: txt.is_file().then(|| format!("{}.txt", page_name(n))),
                hocr: hocr.is_file().then(|| format!("{}.hocr", page_name(n))),
            })
        })
        .collect()
}

pub(super) fn page_name(n: usize) -> String {
    format!("p{n:04}")
}

/// Where a page's pixels come from: an image file, or a JPEG taken out of a PDF.
pub(super) enum Input {
    File(PathBuf),
    Jpeg(Vec<u8>),
}

/// The files of a folder, by name.
pub(super) fn listing(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(folder).into_iter().flatten().flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
    files.sort();
    files
}

pub(super) fn has_extension(p: &Path, extensions: &[&str]) -> bool {
    p.extension().and_then(|e| e.to_str()).is_some_and(|e| extensions.contains(&e.to_ascii_lowercase().as_str()))
}

/// The scan of each page of a PDF, as the JPEG stream it holds (scanners and `img2pdf` embed
/// each page's scan as one DCT-encoded image; anything else is reported, not rasterised).
pub(super) fn pdf_pages(path: &Path) -> Result<Vec<Vec<u8>>, String> {
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

/// Decodes one master, writes its web image, thumbnail and OCR text into `out`.
pub(super) fn derive_page(
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
    write_jpeg(&small, &page.join(thumb(t.0, t.1)), opts.quality).map_err(write_err)?;
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
