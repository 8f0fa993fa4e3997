//! Where rendered files go, and which of them can be skipped. Every output is recorded with a
//! fingerprint of everything it is made from; an output whose fingerprint matches the previous
//! build's is not made again. A clean build has no previous fingerprints and makes everything,
//! so an incremental rebuild and a clean build run the same code and give the same bytes.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Mutex;

use super::error::{IoAction, IoFailure};
use super::output::Staging;
use crate::diagnostics::Diagnostic;

/// A fast 64-bit hash of anything hashable (XXH3), compared only within one process.
pub fn fingerprint(value: &impl Hash) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3Default::new();
    value.hash(&mut h);
    h.finish()
}

/// Where bytes go: the staging folder of a full build, or memory (written into place only once
/// the whole incremental rebuild succeeded).
pub enum Sink<'a> {
    Staging(&'a Staging),
    Memory(Mutex<Files>),
}

/// Files kept in memory: (path, bytes).
pub type Files = Vec<(String, Vec<u8>)>;

pub struct Emitter<'a> {
    sink: Sink<'a>,
    previous: &'a HashMap<String, u64>,
    current: Mutex<HashMap<String, u64>>,
    /// Files that could not be read or written: the build fails with these, not with the
    /// diagnostics they also raised where they happened.
    failures: Mutex<Vec<IoFailure>>,
}

impl<'a> Emitter<'a> {
    pub fn new(sink: Sink<'a>, previous: &'a HashMap<String, u64>) -> Emitter<'a> {
        Emitter { sink, previous, current: Mutex::new(HashMap::new()), failures: Mutex::new(Vec::new()) }
    }

    /// Records an I/O failure; its diagnostic stops the output it happened in.
    pub fn failed(&self, failure: IoFailure) -> Diagnostic {
        let d = failure.diagnostic();
        self.failures.lock().expect("failures lock").push(failure);
        d
    }

    /// Reads a source file (an attachment, a vendored library), recording a failure.
    pub fn read(&self, source: &Path) -> Result<Vec<u8>, Diagnostic> {
        std::fs::read(source).map_err(|e| self.failed(IoFailure::new(source, IoAction::Read, e)))
    }

    /// Records `path` as made from inputs with fingerprint `fp`; true when it must be (re)made.
    pub fn needs(&self, path: &str, fp: u64) -> bool {
        self.current.lock().expect("outputs lock").insert(path.to_owned(), fp);
        self.previous.get(path) != Some(&fp)
    }

    /// Keeps every previous output under `prefix` as it is (used when a whole group is unchanged).
    pub fn keep_prefix(&self, prefix: &str) {
        let mut current = self.current.lock().expect("outputs lock");
        for (path, fp) in self.previous.iter().filter(|(p, _)| p.starts_with(prefix)) {
            current.insert(path.clone(), *fp);
        }
    }

    pub fn write(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        // Every output stays inside the output folder, whatever the content says.
        if !crate::model::is_content_path(path) {
            return Err(Diagnostic::new(path, 0, 0, "refusing to write outside the output folder")
                .fix("use relative paths inside content/ for attachments and images"));
        }
        match &self.sink {
            Sink::Staging(s) => {
                s.write(path, bytes).map_err(|e| self.failed(IoFailure::new(Path::new(path), IoAction::Write, e)))
            }
            Sink::Memory(m) => {
                m.lock().expect("memory sink lock").push((path.to_owned(), bytes.to_vec()));
                Ok(())
            }
        }
    }

    /// Makes and writes `path` unless its inputs are unchanged.
    pub fn emit(
        &self,
        path: &str,
        fp: u64,
        make: impl FnOnce() -> Result<Vec<u8>, Diagnostic>,
    ) -> Result<(), Diagnostic> {
        if self.needs(path, fp) { self.write(path, &make()?) } else { Ok(()) }
    }

    /// The outputs of this build with their fingerprints, the bytes kept in memory, and the
    /// files that could not be read or written.
    pub fn finish(self) -> (HashMap<String, u64>, Files, Vec<IoFailure>) {
        let current = self.current.into_inner().expect("outputs lock");
        let files = match self.sink {
            Sink::Memory(m) => m.into_inner().expect("memory sink lock"),
            Sink::Staging(_) => Vec::new(),
        };
        (current, files, self.failures.into_inner().expect("failures lock"))
    }
}
