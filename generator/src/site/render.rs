//! The theme as the generator sees it: `civic_theme` errors become located diagnostics.

use std::path::Path;

use minijinja::{Environment, Error};

pub use civic_theme::Labels;

use crate::diagnostics::Diagnostic;

fn diagnostic(e: civic_theme::ThemeError, theme: Option<&Path>) -> Diagnostic {
    let file = match theme {
        Some(t) if e.file == "labels.yaml" => format!("{}/{}", t.display(), e.file),
        _ => e.file,
    };
    Diagnostic::new(file, e.line, 0, e.message).fix(e.fix)
}

/// The theme's labels, or a diagnostic naming `labels.yaml`.
pub fn labels(theme: &Path) -> Result<Labels, Vec<Diagnostic>> {
    civic_theme::load_labels(theme).map_err(|e| vec![diagnostic(e, Some(theme))])
}

/// Every template of the theme, with the site's filters and `label()`.
pub fn environment(theme: &Path, labels: Labels) -> Result<Environment<'static>, Vec<Diagnostic>> {
    civic_theme::environment(theme, labels).map_err(|e| e.into_iter().map(|e| diagnostic(e, None)).collect())
}

/// A template error as a diagnostic naming the template file and line.
pub fn template_error(file: &str, e: &Error) -> Diagnostic {
    diagnostic(civic_theme::template_error(file, e), None)
}
