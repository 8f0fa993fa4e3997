//! The theme as the generator sees it: its templates and labels loaded (`civic_theme` errors
//! become located diagnostics), a fingerprint of its files, and its assets published under
//! content-hashed names.

use std::path::Path;

use minijinja::{Environment, Error};
use sha2::{Digest, Sha256};

pub use civic_theme::Labels;

use super::emit::{self, Emitter};
use super::error::{BuildError, IoFailure};
use crate::diagnostics::Diagnostic;

/// A theme ready to render with.
pub struct Theme {
    pub env: Environment<'static>,
    pub labels: Labels,
    /// A fingerprint of every file of the theme: every output depends on it.
    pub fingerprint: u64,
}

impl Theme {
    /// Loads the theme in `dir`: its labels, its templates and its fingerprint.
    pub fn load(dir: &Path) -> Result<Theme, BuildError> {
        let labels = civic_theme::load_labels(dir).map_err(|e| vec![diagnostic(e, Some(dir))])?;
        let env = civic_theme::environment(dir, labels.clone())
            .map_err(|e| e.into_iter().map(|e| diagnostic(e, None)).collect::<Vec<_>>())?;
        let fingerprint = fingerprint(dir)?;
        Ok(Theme { env, labels, fingerprint })
    }

    /// The Romanian label of an enum value, or the value in words when the theme has none.
    pub fn label(&self, group: &str, value: &str) -> String {
        self.labels.get(group).and_then(|g| g.get(value)).cloned().unwrap_or_else(|| value.replace('_', " "))
    }
}

fn diagnostic(e: civic_theme::ThemeError, theme: Option<&Path>) -> Diagnostic {
    let file = match theme {
        Some(t) if e.file == "labels.yaml" => format!("{}/{}", t.display(), e.file),
        _ => e.file,
    };
    Diagnostic::new(file, e.line, 0, e.message).fix(e.fix)
}

/// A template error as a diagnostic naming the template file and line.
pub fn template_error(file: &str, e: &Error) -> Diagnostic {
    diagnostic(civic_theme::template_error(file, e), None)
}

/// A fingerprint of every file of the theme.
fn fingerprint(theme: &Path) -> Result<u64, IoFailure> {
    let mut files = Vec::new();
    let mut stack = vec![theme.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).map_err(IoFailure::reading(&dir))? {
            let p = e.map_err(IoFailure::reading(&dir))?.path();
            if p.is_dir() { stack.push(p) } else { files.push(p) }
        }
    }
    files.sort();
    let mut all = Vec::with_capacity(files.len());
    for f in files {
        let bytes = std::fs::read(&f).map_err(IoFailure::reading(&f))?;
        all.push((f.display().to_string(), bytes));
    }
    Ok(emit::fingerprint(&all))
}

/// Publishes the theme's assets under content-hashed names; returns name → URL, for pages to
/// link to.
pub fn publish_assets(theme: &Path, out: &Emitter) -> Result<serde_json::Map<String, serde_json::Value>, Diagnostic> {
    let mut assets = serde_json::Map::new();
    for entry in std::fs::read_dir(theme.join("assets")).into_iter().flatten().flatten() {
        let path = entry.path();
        let bytes = out.read(&path)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let hash = &hex::encode(Sha256::digest(&bytes))[..10];
        let hashed = match name.rsplit_once('.') {
            Some((stem, ext)) => format!("assets/{stem}.{hash}.{ext}"),
            None => format!("assets/{name}.{hash}"),
        };
        out.emit(&hashed, emit::fingerprint(&bytes), || Ok(bytes.clone()))?;
        assets.insert(name, format!("/{hashed}").into());
    }
    Ok(assets)
}
