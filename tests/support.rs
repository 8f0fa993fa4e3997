//! Shared helpers for the end-to-end tests: build a content folder into a temporary site.

use std::path::{Path, PathBuf};

#[path = "api_support.rs"]
pub mod api;

use civic_generator::progress::Progress;
use civic_generator::site::{self, Options, Report};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ sits in the repository").to_path_buf()
}

/// Every file below `dir`, at any depth, as a path relative to `dir`, sorted. The one tree walk of
/// the tests: copying, comparing and listing trees all go through it.
pub fn walk_files(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap_or_else(|e| panic!("{}: {e}", dir.display())))
        .filter(|e| !e.file_type().is_dir())
        .map(|e| e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned())
        .collect();
    out.sort();
    out
}

/// Copies a folder tree (content, a theme) into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for file in walk_files(from) {
        let target = to.join(&file);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(from.join(&file), target).unwrap();
    }
}

/// Every file under `dir` with its bytes, sorted by relative path.
pub fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    walk_files(dir)
        .into_iter()
        .map(|file| {
            let bytes = std::fs::read(dir.join(&file)).unwrap();
            (file, bytes)
        })
        .collect()
}

/// A built site in a temporary folder.
pub struct Built {
    pub dir: tempfile::TempDir,
    pub report: Report,
}

impl Built {
    pub fn out(&self) -> PathBuf {
        self.dir.path().join("public")
    }

    /// A file of the site as text; panics with the path when it is missing.
    pub fn read(&self, rel: &str) -> String {
        let p = self.out().join(rel);
        std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.out().join(rel).exists()
    }

    /// Every file of the site, relative, sorted.
    pub fn files(&self) -> Vec<String> {
        walk_files(&self.out())
    }
}

/// Builds `content` with the default theme, "today" being `now`.
pub fn build(content: &Path, now: &str) -> Built {
    let dir = tempfile::tempdir().expect("temp dir");
    let opts = Options {
        content: content.to_path_buf(),
        theme: root().join("themes/default"),
        out: dir.path().join("public"),
        base_url: None,
        now: Some(now.parse().expect("a date")),
        check_only: false,
        search: true,
        leaflet: root().join("node_modules/leaflet"),
        search_part: civic_generator::site::DEFAULT_SEARCH_PART,
        archive_index: None,
    };
    match site::build(&opts, &Progress::quiet()) {
        Ok(report) => Built { dir, report },
        Err(e) => panic!("the build failed:\n{e}"),
    }
}
