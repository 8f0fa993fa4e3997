//! `civic-bench-archive`: the digitised archive at scale. Writes a synthetic scanning batch of
//! U units × P pages (A4 at 150 dpi, 1240×1754 greyscale JPEG masters with text-like lines),
//! ingests it into a content folder, ingests it again (nothing to do), rescans one page and
//! ingests again, then builds the site with the archive, printing for each step the wall time,
//! pages per second and the step's peak memory (each step runs in a process of its own).
//!
//!     cargo run --release -p civic-generator --bin civic-bench-archive -- --units 500 --pages 20 --dir target/archive-bench

#[path = "shared/memory.rs"]
mod memory;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use civic_generator::archive::ingest;
use civic_generator::progress::Progress;
use civic_generator::site::{self, Options};
use clap::Parser;
use rayon::prelude::*;

#[derive(Parser)]
struct Args {
    /// How many archival units.
    #[arg(long, default_value_t = 500)]
    units: usize,
    /// Pages per unit.
    #[arg(long, default_value_t = 20)]
    pages: usize,
    /// Where the batch, the content and the site are written (a disk folder: the masters of
    /// 10,000 pages take about 1 GB).
    #[arg(long, default_value = "target/archive-bench")]
    dir: PathBuf,
    /// Keep an existing batch instead of writing it again.
    #[arg(long)]
    reuse_batch: bool,
    /// One step only, in this process (used by the benchmark itself).
    #[arg(long, hide = true)]
    step: Option<String>,
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args = Args::parse();
    let batch = args.dir.join("lot-bench");
    let content = args.dir.join("content");
    if let Some(step) = &args.step {
        return run_step(step, &args, &batch, &content);
    }
    if !(args.reuse_batch && batch.join("metadata.csv").is_file()) {
        let t = Instant::now();
        write_batch(&batch, args.units, args.pages);
        let bytes = dir_size(&batch);
        println!(
            "wrote a batch of {} units × {} pages ({} MB of JPEG masters) in {:.1} s",
            args.units,
            args.pages,
            bytes / 1_000_000,
            t.elapsed().as_secs_f64()
        );
    }
    let _ = std::fs::remove_dir_all(&content);
    civic_tests_fixture(&content);
    for step in ["ingest", "reingest", "rescan", "build"] {
        let status = Command::new(std::env::current_exe().unwrap())
            .args(["--units", &args.units.to_string(), "--pages", &args.pages.to_string(), "--dir"])
            .arg(&args.dir)
            .args(["--step", step])
            .status()
            .unwrap();
        assert!(status.success(), "step {step} failed");
    }
}

fn run_step(step: &str, args: &Args, batch: &Path, content: &Path) {
    let total = (args.units * args.pages) as f64;
    match step {
        "ingest" | "reingest" | "rescan" => {
            if step == "rescan" {
                master(&batch.join("u0001/p0001.jpg"), 1, 999);
            }
            let t = Instant::now();
            let r = ingest::run(&ingest::Options::new(batch, content), &Progress::quiet()).expect("the batch reads");
            let secs = t.elapsed().as_secs_f64();
            assert!(r.problems.is_empty(), "{:?}", r.problems);
            println!(
                "{step:9}: {} units ingested, {} unchanged, {} pages decoded in {secs:.1} s = {:.1} pages/s{}; peak memory {} MB",
                r.ingested.len(),
                r.unchanged.len(),
                r.pages,
                r.pages as f64 / secs,
                if step == "reingest" { format!(" ({:.0} pages checked/s)", total / secs) } else { String::new() },
                memory::peak_memory_mb()
            );
        }
        _ => {
            let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("../themes/default");
            let opts = Options {
                content: content.to_path_buf(),
                theme,
                out: content.with_file_name("public"),
                base_url: None,
                now: Some("2026-11-26".parse().unwrap()),
                check_only: false,
                search: true,
                leaflet: Path::new(env!("CARGO_MANIFEST_DIR")).join("../node_modules/leaflet"),
                search_part: civic_generator::site::DEFAULT_SEARCH_PART,
                archive_index: None,
            };
            let mut cache = site::BuildCache::for_rebuilds();
            let t = Instant::now();
            let report = site::build_cached(&opts, &Progress::quiet(), &mut cache).unwrap_or_else(|e| panic!("{e}"));
            let secs = t.elapsed().as_secs_f64();
            println!(
                "{step:9}: {} items, {} pages, {} files (with the search index) in {secs:.2} s; peak memory {} MB",
                report.items,
                report.pages,
                report.files,
                memory::peak_memory_mb()
            );
            {
                // As `civic serve` after a re-ingest of one unit: one content file changed.
                let unit = std::fs::read_dir(content.join("archive_units")).unwrap().flatten().next().unwrap().path();
                let text = std::fs::read_to_string(&unit).unwrap();
                std::fs::write(&unit, text.replacen("extent: \"", "extent: \"(rescanat) ", 1)).unwrap();
                let t = Instant::now();
                let report =
                    site::build_cached(&opts, &Progress::quiet(), &mut cache).unwrap_or_else(|e| panic!("{e}"));
                println!(
                    "{:9}: one unit changed, {} files rewritten in {:.2} s",
                    "edit",
                    report.files,
                    t.elapsed().as_secs_f64()
                );
            }
        }
    }
}

/// The small fixture site, as the content the archive is ingested into.
fn civic_tests_fixture(content: &Path) {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap().flatten() {
            let target = to.join(e.file_name());
            if e.path().is_dir() {
                copy(&e.path(), &target)
            } else {
                std::fs::copy(e.path(), target).map(|_| ()).unwrap()
            }
        }
    }
    copy(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/small"), content);
}

/// One A4 page at 150 dpi: paper grey with lines of "words" (dark runs of random lengths).
fn master(path: &Path, unit: usize, page: usize) {
    let mut seed = (unit as u64) << 32 | page as u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let (w, h) = (1240u32, 1754u32);
    let mut img = image::GrayImage::from_pixel(w, h, image::Luma([232]));
    let mut y = 150;
    while y + 30 < h - 150 {
        let mut x = 120;
        let end = 1120 - (next() % 300) as u32;
        while x < end {
            let word = 20 + (next() % 90) as u32;
            for yy in y..y + 18 {
                for xx in x..(x + word).min(end) {
                    img.put_pixel(xx, yy, image::Luma([40]));
                }
            }
            x += word + 14;
        }
        y += 34;
    }
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img).unwrap();
}

fn write_batch(batch: &Path, units: usize, pages: usize) {
    let _ = std::fs::remove_dir_all(batch);
    std::fs::create_dir_all(batch).unwrap();
    let mut csv = String::from(
        "folder,reference_code,title,fonds,series,date_start,date_end,extent,languages,rights,access,access_reason,published_at\n",
    );
    for u in 1..=units {
        let restricted = u % 25 == 0;
        csv.push_str(&format!(
            "u{u:04},RO-BENCH-F{}-D{u:05},Dosarul {u} al registrelor orașului,Fondul {},Seria {},{},{},\"1 dosar, {pages} file\",ro,http://creativecommons.org/publicdomain/mark/1.0/,{},{},2026-01-10T10:00:00+02:00\n",
            u % 7,
            u % 7,
            u % 3,
            1880 + u % 120,
            1881 + u % 120,
            if restricted { "restricted" } else { "open" },
            if restricted { "date cu caracter personal" } else { "" },
        ));
    }
    std::fs::write(batch.join("metadata.csv"), csv).unwrap();
    (1..=units).into_par_iter().for_each(|u| {
        for p in 1..=pages {
            let file = batch.join(format!("u{u:04}/p{p:04}.jpg"));
            master(&file, u, p);
            std::fs::write(file.with_extension("txt"), format!("Pagina {p} a dosarului {u}. Registrul orașului.\n"))
                .unwrap();
        }
    });
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| if e.path().is_dir() { dir_size(&e.path()) } else { e.metadata().map_or(0, |m| m.len()) })
        .sum()
}
