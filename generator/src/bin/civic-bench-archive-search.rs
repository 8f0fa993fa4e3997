//! `civic-bench-archive-search`: the archive's full-text index at the archive's real scale.
//! Writes U units × P pages of OCR text (varied Romanian text from a 5,000-word vocabulary with
//! Zipf-like frequencies, 150–350 words a page, 2% of words misread as OCR misreads them), then,
//! each step in a process of its own so its peak memory is its own:
//! - `index`: the full index, as `civic build --archive-index` writes it (files read, words made
//!   on every core while the previous batch is written, segments merged);
//! - `one`: one unit re-ingested (its text changed) made searchable, as the update after
//!   `civic archive ingest` does (every OCR file stamped, that unit indexed again);
//! - `query`: queries as the API runs them (rare, common, several words, without diacritics),
//!   each five times: median time and the size of the JSON answer.
//!
//! The units' descriptions (content files) are not written: loading them is the build's cost,
//! timed by `civic-bench-archive`.
//!
//!     cargo run --release -p civic-generator --bin civic-bench-archive-search -- --units 5000 --pages 200 --dir target/archive-search-bench

#[path = "shared/corpus.rs"]
mod corpus;
#[path = "shared/memory.rs"]
mod memory;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use civic_search::archive::{self, PageText, UnitText, Writer};
use clap::Parser;
use rayon::prelude::*;

#[derive(Parser)]
struct Args {
    /// How many archival units.
    #[arg(long, default_value_t = 500)]
    units: usize,
    /// Pages per unit.
    #[arg(long, default_value_t = 200)]
    pages: usize,
    /// Where the OCR text and the index are written (5,000 × 200 pages: about 2 GB of text and
    /// an index of about as much).
    #[arg(long, default_value = "target/archive-search-bench")]
    dir: PathBuf,
    /// Keep OCR text already written for the same sizes.
    #[arg(long)]
    reuse_text: bool,
    /// One step only, in this process (used by the benchmark itself).
    #[arg(long, hide = true)]
    step: Option<String>,
}

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args = Args::parse();
    if let Some(step) = &args.step {
        return run_step(step, &args);
    }
    let marker = args.dir.join(format!("ocr-{}x{}", args.units, args.pages));
    if !(args.reuse_text && marker.exists()) {
        let _ = std::fs::remove_dir_all(&args.dir);
        let t = Instant::now();
        let bytes = write_text(&args.dir.join("ocr"), args.units, args.pages);
        std::fs::write(&marker, b"").unwrap();
        println!(
            "wrote the OCR text of {} units × {} pages ({} MB, a vocabulary of {} words) in {:.1} s",
            args.units,
            args.pages,
            bytes / 1_000_000,
            corpus::Writer::new(0).vocabulary_size(),
            t.elapsed().as_secs_f64()
        );
    }
    for step in ["index", "one", "query"] {
        let status = Command::new(std::env::current_exe().unwrap())
            .args(["--units", &args.units.to_string(), "--pages", &args.pages.to_string(), "--dir"])
            .arg(&args.dir)
            .args(["--step", step])
            .status()
            .unwrap();
        assert!(status.success(), "step {step} failed");
    }
}

fn unit_id(k: usize) -> String {
    format!("u{k:05}")
}

fn page_file(dir: &Path, k: usize, p: usize) -> PathBuf {
    dir.join(unit_id(k)).join(format!("p{p:04}.txt"))
}

/// Writes every page's text; returns the bytes written.
fn write_text(dir: &Path, units: usize, pages: usize) -> u64 {
    (0..units)
        .into_par_iter()
        .map_init(
            || corpus::Writer::new(0),
            |w, k| {
                std::fs::create_dir_all(dir.join(unit_id(k))).unwrap();
                (1..=pages)
                    .map(|p| {
                        w.rng = corpus::Rng::new((k * 1_000 + p) as u64);
                        let text = ocr_page(w, p);
                        std::fs::write(page_file(dir, k, p), &text).unwrap();
                        text.len() as u64
                    })
                    .sum::<u64>()
            },
        )
        .sum()
}

/// A page as OCR reads it: a folio line, paragraphs, some words misread.
fn ocr_page(w: &mut corpus::Writer, p: usize) -> String {
    let target = 150 + w.rng.below(201);
    let mut text = format!("f. {p}\n");
    let mut words = 0;
    while words < target {
        let paragraph = w.paragraph(2, 6);
        words += paragraph.split_whitespace().count();
        for word in paragraph.split(' ') {
            if w.rng.below(50) == 0 {
                text.push_str(&misread(word, &mut w.rng));
            } else {
                text.push_str(word);
            }
            text.push(' ');
        }
        text.push('\n');
    }
    text
}

/// One letter of the word read as another.
fn misread(word: &str, rng: &mut corpus::Rng) -> String {
    let chars: Vec<char> = word.chars().collect();
    let at = rng.below(chars.len().max(1));
    let wrong = ['c', 'e', 'i', 'l', 'n', 'o', 'r', 'u', '1', 'ı'][rng.below(10)];
    chars.iter().enumerate().map(|(i, &c)| if i == at { wrong } else { c }).collect()
}

/// A unit's text, read from its files.
fn load(dir: &Path, k: usize, pages: usize) -> UnitText {
    UnitText {
        id: unit_id(k),
        stamp: "1".into(),
        title: format!("Dosarul {k} al fondului Primăria Municipiului Timișoara"),
        reference_code: format!("RO-AMT-F1-INV{}-D{k:05}", k % 40),
        dates: format!("{} – {}", 1860 + k % 120, 1861 + k % 120),
        pages: (1..=pages)
            .map(|p| PageText {
                label: format!("f. {p}"),
                url: format!("/arhiva/{}/#pagina-{p}", unit_id(k)),
                text: std::fs::read_to_string(page_file(dir, k, p)).unwrap(),
            })
            .collect(),
    }
}

fn run_step(step: &str, args: &Args) {
    let ocr = args.dir.join("ocr");
    let db = args.dir.join("arhiva.sqlite");
    let total = args.units * args.pages;
    match step {
        "index" => {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
            }
            let t = Instant::now();
            let mut writer = Writer::open(&db).unwrap();
            let units: Vec<usize> = (0..args.units).collect();
            let mut done = 0;
            writer
                .write(
                    &units,
                    |&k| load(&ocr, k, args.pages),
                    |_, pages| {
                        done += pages;
                        if done % (total / 10).max(1) < pages {
                            eprint!("\r  {done} of {total} pages indexed in {:.0} s", t.elapsed().as_secs_f64());
                        }
                    },
                )
                .unwrap();
            eprintln!();
            let written = t.elapsed().as_secs_f64();
            writer.optimize().unwrap();
            let secs = t.elapsed().as_secs_f64();
            println!(
                "index    : {total} pages in {secs:.1} s ({:.0} pages/s; merging the segments {:.1} s of it); \
                 peak memory {} MB; index file {} MB",
                total as f64 / secs,
                secs - written,
                memory::peak_memory_mb(),
                std::fs::metadata(&db).unwrap().len() / 1_000_000
            );
        }
        "one" => {
            // The unit re-ingested: its pages say something else now.
            let k = args.units / 2;
            for p in 1..=args.pages {
                let file = page_file(&ocr, k, p);
                let text = std::fs::read_to_string(&file).unwrap();
                std::fs::write(&file, format!("{text}\nReinventariat: tramvaiulzăvoi {p}.\n")).unwrap();
            }
            let t = Instant::now();
            // What the build's update does first: stamp every OCR file.
            let stamped: usize = (0..args.units)
                .into_par_iter()
                .map(|k| (1..=args.pages).filter(|&p| std::fs::metadata(page_file(&ocr, k, p)).is_ok()).count())
                .sum();
            let stat = t.elapsed().as_secs_f64();
            let mut writer = Writer::open(&db).unwrap();
            let _ = writer.stamps().unwrap();
            writer.write(&[k], |&k| load(&ocr, k, args.pages), |_, _| {}).unwrap();
            let secs = t.elapsed().as_secs_f64();
            let conn = archive::open_for_search(&db).unwrap();
            let found = archive::search(&conn, "tramvaiulzavoi", 0, 10, archive::RANK_UP_TO).unwrap();
            assert_eq!(found.hits.len(), 10, "the unit's new text is found");
            println!(
                "one unit : {} pages re-indexed and searchable in {secs:.2} s ({stamped} OCR files stamped in \
                 {stat:.2} s of it); peak memory {} MB",
                args.pages,
                memory::peak_memory_mb()
            );
        }
        _ => {
            let vocabulary = corpus::vocabulary();
            let (common, middle, rare) = (&vocabulary[0], &vocabulary[400], &vocabulary[vocabulary.len() - 3]);
            let plain = |w: &str| -> String {
                w.chars()
                    .map(|c| match c {
                        'ă' | 'â' => 'a',
                        'î' => 'i',
                        'ș' => 's',
                        'ț' => 't',
                        c => c,
                    })
                    .collect()
            };
            let queries = [
                rare.clone(),
                middle.clone(),
                common.clone(),
                format!("{middle} {rare}"),
                format!("{common} {middle}"),
                format!("{} {} {}", vocabulary[30], vocabulary[200], vocabulary[1500]),
                plain(&vocabulary[1200]),
                "tramvaiulzavoi".into(),
            ];
            let conn = archive::open_for_search(&db).unwrap();
            for q in &queries {
                let mut times = vec![];
                let mut answer = None;
                for _ in 0..5 {
                    let t = Instant::now();
                    answer = Some(archive::search(&conn, q, 0, 10, archive::RANK_UP_TO).unwrap());
                    times.push(t.elapsed().as_secs_f64() * 1000.0);
                }
                let first = times[0];
                times.sort_by(f64::total_cmp);
                let answer = answer.unwrap();
                println!(
                    "query    : {:36} {:6.1} ms median ({:6.1} first), {} hits{}{}, answer {:.1} KB",
                    format!("„{q}”"),
                    times[2],
                    first,
                    answer.hits.len(),
                    if answer.more { "+" } else { "" },
                    if answer.ranked { "" } else { " in the archive's order" },
                    serde_json::to_vec(&answer).unwrap().len() as f64 / 1000.0
                );
            }
        }
    }
}
