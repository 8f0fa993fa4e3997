//! `civic archive verify <batch>`: re-hashes every master file listed in the fixity manifests
//! of the units ingested from that batch, and reports each file that changed or is missing.

use std::path::Path;

use super::fixity::{Entry, Manifest, sha256_of};
use crate::diagnostics::Diagnostic;
use crate::model::Data;

/// What a verification found.
#[derive(Debug, Default)]
pub struct Report {
    pub units: usize,
    pub files: usize,
    pub problems: Vec<Diagnostic>,
}

/// Verifies the masters in `batch` against the manifests of the units in `content`.
pub fn run(batch: &Path, content: &Path) -> Result<Report, Vec<Diagnostic>> {
    let name =
        batch.canonicalize().ok().and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())).ok_or_else(
            || {
                vec![
                    Diagnostic::new(batch.display().to_string(), 0, 0, "the batch folder does not exist")
                        .fix("give the folder the units were ingested from"),
                ]
            },
        )?;
    let items = crate::load::items(content, None)?;
    let mut report = Report::default();
    for item in &items {
        let Data::ArchiveUnit(u) = &*item.data else { continue };
        let Some(fixity) = u.fixity.as_ref().filter(|f| f.batch == name) else { continue };
        report.units += 1;
        let manifest = match std::fs::read_to_string(content.join(&fixity.manifest)) {
            Ok(m) => m,
            Err(e) => {
                report.problems.push(
                    Diagnostic::new(
                        &item.file,
                        0,
                        0,
                        format!("cannot read the fixity manifest {}: {e}", fixity.manifest),
                    )
                    .field("fixity.manifest")
                    .fix("run `civic archive ingest` on the batch again to recreate it"),
                );
                continue;
            }
        };
        for (n, entry) in Manifest::parse(&manifest).into_iter().enumerate() {
            let Entry { sha256: expected, path } = match entry {
                Ok(entry) => entry,
                Err(line) => {
                    report.problems.push(
                        Diagnostic::new(&fixity.manifest, line, 1, "not a manifest line")
                            .fix("each line is `<sha256>  <path>`; recreate it with `civic archive ingest`"),
                    );
                    continue;
                }
            };
            report.files += 1;
            if !crate::model::is_content_path(&path) {
                report.problems.push(Diagnostic::new(&fixity.manifest, n + 1, 1, format!("`{path}` leaves the batch")));
                continue;
            }
            match sha256_of(&batch.join(&path)) {
                Ok(actual) if actual == expected => {}
                Ok(actual) => report.problems.push(
                    Diagnostic::new(&path, 0, 0, format!("changed since ingest: SHA-256 was {expected}, is now {actual}"))
                        .fix("restore the master from the preservation copy; if the rescan is intended, ingest the batch again"),
                ),
                Err(e) => report.problems.push(
                    Diagnostic::new(&path, 0, 0, format!("missing or unreadable master: {e}"))
                        .fix("restore the master from the preservation copy"),
                ),
            }
        }
    }
    if report.units == 0 {
        report.problems.push(
            Diagnostic::new(
                batch.display().to_string(),
                0,
                0,
                format!("no unit in {} was ingested from a batch named `{name}`", content.display()),
            )
            .fix("give the batch folder the units were ingested from, and the same --content"),
        );
    }
    report.problems.sort();
    Ok(report)
}
