//! Why a build failed: problems in the content (every one located, fix and rebuild) or a file
//! that could not be read or written (the content, the theme or the output folder).

use std::path::{Path, PathBuf};

use crate::diagnostics::Diagnostic;

/// A failed build.
#[derive(Debug)]
pub enum BuildError {
    /// The content or the theme has problems; nothing was written.
    Content(Vec<Diagnostic>),
    /// A file could not be read or written; the previous output is left as it was.
    Io(Vec<IoFailure>),
}

/// One file that could not be read or written.
#[derive(Debug)]
pub struct IoFailure {
    pub path: PathBuf,
    pub action: IoAction,
    pub error: std::io::Error,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IoAction {
    Read,
    Write,
}

impl IoFailure {
    pub fn new(path: &Path, action: IoAction, error: std::io::Error) -> IoFailure {
        IoFailure { path: path.to_path_buf(), action, error }
    }

    /// For `map_err` on reading `path`.
    pub fn reading(path: &Path) -> impl FnOnce(std::io::Error) -> IoFailure + '_ {
        move |e| IoFailure::new(path, IoAction::Read, e)
    }

    /// For `map_err` on writing `path`.
    pub fn writing(path: &Path) -> impl FnOnce(std::io::Error) -> IoFailure + '_ {
        move |e| IoFailure::new(path, IoAction::Write, e)
    }

    /// The failure worded as a diagnostic, for the same reports as content errors.
    pub fn diagnostic(&self) -> Diagnostic {
        let (verb, fix) = match self.action {
            IoAction::Read => ("read", "check that the file exists and can be read"),
            IoAction::Write => ("write", "check the --out folder and free disk space"),
        };
        Diagnostic::new(self.path.display().to_string(), 0, 0, format!("cannot {verb} the file: {}", self.error))
            .fix(fix)
    }
}

impl BuildError {
    /// Every problem, worded as diagnostics.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            BuildError::Content(d) => d.clone(),
            BuildError::Io(f) => f.iter().map(IoFailure::diagnostic).collect(),
        }
    }
}

impl From<Vec<Diagnostic>> for BuildError {
    fn from(d: Vec<Diagnostic>) -> BuildError {
        BuildError::Content(d)
    }
}

impl From<IoFailure> for BuildError {
    fn from(f: IoFailure) -> BuildError {
        BuildError::Io(vec![f])
    }
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for d in self.diagnostics() {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for BuildError {}
