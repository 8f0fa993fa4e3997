//! `civic-bench`: writes a synthetic content tree of N council decisions and builds it,
//! printing wall time, pages per second and peak memory.
//!
//! Each decision has ~3 KB of Markdown with articles, a list, a table and a link; 12 categories,
//! 2–4 of 50 tags, dates over 11 years, lists paginated by 50. By default every text differs
//! (`--corpus varied`: sentences drawn from a vocabulary of 6,000+ Romanian word forms, see
//! `shared/corpus.rs`), as a city's decisions do and as the search index must bear;
//! `--corpus repeated` writes the old corpus (one body on every page) for comparison.
//!
//!     cargo run --release -p civic-generator --bin civic-bench -- 10000 --dir /dev/shm/civic-bench
//!     cargo run --release -p civic-generator --bin civic-bench -- 10000 --dir target/bench   # on disk

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use civic_generator::progress::Progress;
use civic_generator::site::{self, BuildCache, Options};
use clap::{Parser, ValueEnum};

#[path = "shared/corpus.rs"]
mod corpus;
#[path = "shared/memory.rs"]
mod memory;

/// The benchmark's text.
#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Corpus {
    /// Every decision's title and body different (sentences from a 6,000-word vocabulary).
    Varied,
    /// The same body on every page (the benchmark before issue 20), for comparison.
    Repeated,
}

/// Builds a synthetic site of N council decisions and prints the figures.
#[derive(Parser)]
struct Args {
    /// How many decisions.
    #[arg(default_value_t = 10_000)]
    items: usize,
    /// Where to write the content and the site (use /dev/shm for tmpfs).
    #[arg(long, default_value = "/dev/shm/civic-bench")]
    dir: PathBuf,
    /// Builds to run; the figures of each are printed.
    #[arg(long, default_value_t = 2)]
    runs: usize,
    /// Then edit one decision this many times and time each incremental rebuild (as `civic serve`).
    #[arg(long, default_value_t = 5)]
    edits: usize,
    /// Then start `civic serve` and time this many saved edits until the browser's reload event.
    #[arg(long, default_value_t = 5)]
    serve_edits: usize,
    /// The text of the decisions.
    #[arg(long, value_enum, default_value_t = Corpus::Varied)]
    corpus: Corpus,
    /// About how many records a part of the search index holds (`civic build --search-part`).
    #[arg(long, default_value_t = civic_generator::site::DEFAULT_SEARCH_PART)]
    search_part: usize,
}

const CATEGORIES: [&str; 12] = [
    "Urbanism",
    "Mobilitate",
    "Buget",
    "Patrimoniu",
    "Educație",
    "Social",
    "Mediu",
    "Cultură",
    "Sănătate",
    "Sport",
    "Tineret",
    "Administrație",
];

/// Rendering allocates many small values across threads, the load mimalloc is made for; the
/// `civic` binary and the benchmarks use the same allocator, so the benchmarks' figures are civic's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args = Args::parse();
    let content = args.dir.join("content");
    let out = args.dir.join("public");
    let t = Instant::now();
    let bytes = write_content(&content, args.items, args.corpus);
    println!(
        "wrote {} decisions ({} corpus, {:.1} MB of Markdown) into {} in {:.2?}",
        args.items,
        if args.corpus == Corpus::Varied { "varied" } else { "repeated" },
        bytes as f64 / 1e6,
        content.display(),
        t.elapsed()
    );
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("../themes/default");
    for run in 0..args.runs * 2 {
        let search = run % 2 == 1;
        let opts = options(&content, &theme, &out, search, args.search_part);
        let start = Instant::now();
        let report = site::build(&opts, &Progress::quiet()).unwrap_or_else(|e| panic!("{e}"));
        let secs = start.elapsed().as_secs_f64();
        println!(
            "run {} {}: {} items, {} pages, {} files in {:.3} s = {:.0} pages/s; peak memory so far {} MB",
            run / 2 + 1,
            if search { "with search index   " } else { "without search index" },
            report.items,
            report.pages,
            report.files,
            secs,
            report.pages as f64 / secs,
            memory::peak_memory_mb()
        );
    }
    if args.runs > 0 {
        republish(&content, &theme, &out, args.search_part);
    }
    if args.edits > 0 {
        incremental(&content, &theme, &args.dir.join("served"), args.edits, false, args.search_part);
        incremental(&content, &theme, &args.dir.join("served-search"), args.edits, true, args.search_part);
    }
    if args.serve_edits > 0 {
        end_to_end(&content, &theme, &args.dir.join("served-e2e"), args.serve_edits);
    }
}

/// A build of the synthetic content, "today" fixed so every run builds the same site.
fn options(content: &Path, theme: &Path, out: &Path, search: bool, search_part: usize) -> Options {
    Options {
        content: content.to_path_buf(),
        theme: theme.to_path_buf(),
        out: out.to_path_buf(),
        base_url: None,
        now: Some(jiff::civil::date(2026, 11, 26)),
        check_only: false,
        search,
        leaflet: Path::new(env!("CARGO_MANIFEST_DIR")).join("../node_modules/leaflet"),
        search_part,
        archive_index: None,
    }
}

/// What CI does on each publication: a new process builds, with the search index, into the
/// folder holding the site built last (by the last run, with search); first with nothing
/// changed, then after one decision's title changed.
fn republish(content: &Path, theme: &Path, out: &Path, search_part: usize) {
    let opts = options(content, theme, out, true, search_part);
    for what in ["nothing changed", "one decision edited"] {
        if what == "one decision edited" {
            let file = content.join(format!("council_decisions/{}.md", id(1)));
            let text = std::fs::read_to_string(&file).unwrap();
            let title = text.lines().find(|l| l.starts_with("title: ")).unwrap();
            std::fs::write(&file, text.replacen(title, "title: privind republicarea documentației", 1)).unwrap();
        }
        let start = Instant::now();
        let report = site::build(&opts, &Progress::quiet()).unwrap_or_else(|e| panic!("{e}"));
        println!(
            "republish ({what}), with search: {} files in {:.3} s; peak memory so far {} MB",
            report.files,
            start.elapsed().as_secs_f64(),
            memory::peak_memory_mb()
        );
    }
}

/// What `civic serve` does after a save: one decision edited, then an incremental rebuild
/// (with or without the search index). Prints each rebuild's time and how many files it rewrote.
fn incremental(content: &Path, theme: &Path, out: &Path, edits: usize, search: bool, search_part: usize) {
    let opts = options(content, theme, out, search, search_part);
    let label = if search { "serve, with search" } else { "serve" };
    let mut cache = BuildCache::for_rebuilds();
    let start = Instant::now();
    site::build_cached(&opts, &Progress::quiet(), &mut cache).unwrap_or_else(|e| panic!("{e}"));
    println!("{label}: first build {:.3} s", start.elapsed().as_secs_f64());
    let file = content.join(format!("council_decisions/{}.md", id(0)));
    let mut times = Vec::new();
    for n in 1..=edits {
        let text = std::fs::read_to_string(&file).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let title = text.lines().find(|l| l.starts_with("title: ")).unwrap();
        std::fs::write(&file, text.replacen(title, &format!("title: privind revizia {n} a documentației"), 1)).unwrap();
        let start = Instant::now();
        let report = site::build_cached(&opts, &Progress::quiet(), &mut cache).unwrap_or_else(|e| panic!("{e}"));
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        times.push(ms);
        println!("{label}: edit {n} of one decision's title → rebuilt in {ms:.1} ms, {} files rewritten", report.files);
    }
    times.sort_by(f64::total_cmp);
    println!("{label}: median {:.1} ms over {} edits", times[times.len() / 2], times.len());
}

/// A real `civic serve` (no search index): from writing the file to the `reload` event that a
/// browser tab receives, notify's latency and the 20 ms debounce included.
fn end_to_end(content: &Path, theme: &Path, out: &Path, edits: usize) {
    use std::io::{BufRead, BufReader, Write};
    let civic = std::env::current_exe().unwrap().with_file_name("civic");
    let mut child = std::process::Command::new(civic)
        .args(["serve", "--no-search", "--port", "0", "--content"])
        .arg(content)
        .arg("--theme")
        .arg(theme)
        .arg("--out")
        .arg(out)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the civic binary sits next to civic-bench");
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let port: u16 = loop {
        let line = lines.next().expect("civic serve printed its address").unwrap();
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            break rest.split('/').next().unwrap().parse().unwrap();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(stream, "GET /__civic/events HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut events = BufReader::new(stream);
    let file = content.join(format!("council_decisions/{}.md", id(1)));
    let mut times = Vec::new();
    for n in 1..=edits {
        std::thread::sleep(std::time::Duration::from_millis(300));
        let text = std::fs::read_to_string(&file).unwrap();
        let title = text.lines().find(|l| l.starts_with("title: ")).unwrap().to_owned();
        let start = Instant::now();
        std::fs::write(&file, text.replacen(&title, &format!("title: privind versiunea {n} a documentației"), 1))
            .unwrap();
        let mut line = String::new();
        loop {
            line.clear();
            events.read_line(&mut line).unwrap();
            if line.trim_end() == "event: reload" {
                break;
            }
            if line.trim_end() == "event: errors" {
                panic!("civic serve reported content errors");
            }
        }
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        times.push(ms);
        println!("serve (end to end): saved edit {n} → reload event in {ms:.1} ms");
    }
    let _ = child.kill();
    let _ = child.wait();
    times.sort_by(f64::total_cmp);
    println!("serve (end to end): median {:.1} ms over {} edits", times[times.len() / 2], times.len());
}

/// The year and number of the `i`th decision: 11 years, numbered within each.
fn year_number(i: usize, n: usize) -> (usize, usize) {
    let per_year = n.div_ceil(11).max(1);
    (2015 + i / per_year, i % per_year + 1)
}

/// The id of the `i`th decision (for the edits: the first two).
fn id(i: usize) -> String {
    format!("hcl-bench-{i}")
}

/// Writes the content tree; returns the bytes of Markdown written.
fn write_content(content: &Path, n: usize, corpus: Corpus) -> usize {
    let _ = std::fs::remove_dir_all(content);
    let decisions = content.join("council_decisions");
    std::fs::create_dir_all(&decisions).unwrap();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/small");
    for f in ["civic.yaml", "holidays.yaml"] {
        std::fs::copy(fixture.join(f), content.join(f)).unwrap();
    }
    let mut text = corpus::Writer::new(42);
    if corpus == Corpus::Varied {
        println!("vocabulary: {} word forms", text.vocabulary_size());
    }
    let mut bytes = 0;
    for i in 0..n {
        let md = match corpus {
            Corpus::Varied => varied(i, n, &mut text),
            Corpus::Repeated => repeated(i, n),
        };
        bytes += md.len();
        std::fs::write(decisions.join(format!("{}.md", id(i))), md).unwrap();
    }
    bytes
}

/// A decision whose title, tags and text are its own.
fn varied(i: usize, n: usize, text: &mut corpus::Writer) -> String {
    let (year, number) = year_number(i, n);
    let month = 1 + text.rng.below(12);
    let day = 1 + text.rng.below(28);
    let category = CATEGORIES[text.rng.below(12)];
    let mut tags: Vec<usize> = (0..2 + text.rng.below(3)).map(|_| text.rng.below(50)).collect();
    tags.sort();
    tags.dedup();
    let tags: Vec<String> = tags.iter().map(|t| format!("eticheta-{t}")).collect();
    let title_words = 6 + text.rng.below(8);
    let mut md = String::with_capacity(3500);
    writeln!(md, "---\nid: {}\ntitle: privind {}", id(i), text.words(title_words)).unwrap();
    writeln!(md, "published_at: {year}-{month:02}-{day:02}T10:00:00+02:00\nnumber: {number}\nyear: {year}").unwrap();
    writeln!(md, "adopted_on: {year}-{month:02}-{day:02}\nlegal_character: normativ\ninitiator: Primarul Municipiului")
        .unwrap();
    writeln!(md, "legal_basis: [\"art. 129 alin. (2) din OUG nr. 57/2019\"]\nstatus: in_vigoare\ncategory: {category}")
        .unwrap();
    writeln!(md, "summary: {}", text.sentence()).unwrap();
    writeln!(md, "tags: [{}]\n---", tags.join(", ")).unwrap();
    writeln!(md, "{}\n\n**HOTĂRĂȘTE:**\n", text.paragraph(2, 3)).unwrap();
    for a in 1..=4 + text.rng.below(4) {
        writeln!(md, "**Art. {a}.** {}\n", text.paragraph(1, 3)).unwrap();
    }
    for _ in 0..3 + text.rng.below(3) {
        let n = 2 + text.rng.below(3);
        writeln!(md, "- {}", text.words(n)).unwrap();
    }
    md.push_str("\n| Obiectiv | Valoare (lei) | Termen |\n|---|---:|---|\n");
    for _ in 0..3 {
        let (what, value, due) = (text.words(2), 10_000 + text.rng.below(5_000_000), 2015 + text.rng.below(14));
        writeln!(md, "| {what} | {value} | {due} |").unwrap();
    }
    writeln!(md, "\nTextul integral este disponibil în [Monitorul Oficial Local](https://www.primariatm.ro/monitorul-oficial-local/).")
        .unwrap();
    md
}

/// The old corpus: one body on every decision, titles differing only by number and category.
fn repeated(i: usize, n: usize) -> String {
    let (year, number) = year_number(i, n);
    let month = 1 + (i % 12);
    let day = 1 + (i % 27);
    let category = CATEGORIES[i % 12];
    let mut md = String::with_capacity(3500);
    writeln!(md, "---\nid: {}\ntitle: privind aprobarea documentației nr. {number} pentru {category}", id(i)).unwrap();
    writeln!(md, "published_at: {year}-{month:02}-{day:02}T10:00:00+02:00\nnumber: {number}\nyear: {year}").unwrap();
    writeln!(md, "adopted_on: {year}-{month:02}-{day:02}\nlegal_character: normativ\ninitiator: Primarul Municipiului")
        .unwrap();
    writeln!(md, "legal_basis: [\"art. 129 alin. (2) din OUG nr. 57/2019\"]\nstatus: in_vigoare\ncategory: {category}")
        .unwrap();
    writeln!(md, "tags: [eticheta-{}, eticheta-{}]\n---", i % 50, (i * 7) % 50).unwrap();
    md.push_str("Având în vedere referatul de aprobare și raportul de specialitate al direcției de resort,\n\n");
    md.push_str("În temeiul art. 129 alin. (2) lit. c) și al art. 196 alin. (1) lit. a) din Ordonanța de urgență a Guvernului nr. 57/2019 privind Codul administrativ,\n\n**HOTĂRĂȘTE:**\n\n");
    for a in 1..=6 {
        writeln!(md, "**Art. {a}.** Se aprobă măsurile prevăzute în anexa nr. {a}, care face parte integrantă din prezenta hotărâre. Direcțiile de specialitate vor duce la îndeplinire prevederile prezentului articol, în condițiile legii și cu respectarea termenelor stabilite.\n").unwrap();
    }
    md.push_str("- Direcția Tehnică\n- Direcția Economică\n- Direcția Urbanism\n- Serviciul Juridic\n\n");
    md.push_str("| Obiectiv | Valoare (lei) | Termen |\n|---|---:|---|\n| Reabilitare | 1.250.000 | 2026 |\n| Modernizare | 780.000 | 2027 |\n| Întreținere | 95.000 | anual |\n\n");
    md.push_str("Textul integral este disponibil în [Monitorul Oficial Local](https://www.primariatm.ro/monitorul-oficial-local/).\n");
    md
}
