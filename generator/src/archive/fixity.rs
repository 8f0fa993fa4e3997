//! The fixity manifest of a unit's masters, BagIt style: one `<sha256>  <folder>/<file>` line
//! per master or OCR file of the batch. `ingest` writes it beside the derivatives and compares
//! it to decide whether a unit changed; `verify` re-hashes what it lists.

use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// One listed file: its SHA-256 and its path relative to the batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub sha256: String,
    pub path: String,
}

/// Every file of a unit, as hashed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Manifest {
    pub entries: Vec<Entry>,
}

impl Manifest {
    /// Hashes `files`, listed as `<folder>/<file name>`; the file that cannot be read, with its error.
    pub fn of(folder: &str, files: &[PathBuf]) -> Result<Manifest, (String, std::io::Error)> {
        let mut entries = Vec::with_capacity(files.len());
        for f in files {
            let path = format!("{folder}/{}", f.file_name().map(|n| n.to_string_lossy()).unwrap_or_default());
            let sha256 = sha256_of(f).map_err(|e| (path.clone(), e))?;
            entries.push(Entry { sha256, path });
        }
        Ok(Manifest { entries })
    }

    /// Reads a manifest's text: each line's entry, or the line number (1-based) of a line that is none.
    pub fn parse(text: &str) -> Vec<Result<Entry, usize>> {
        text.lines()
            .enumerate()
            .map(|(n, line)| {
                line.split_once("  ")
                    .map(|(sha256, path)| Entry { sha256: sha256.to_owned(), path: path.to_owned() })
                    .ok_or(n + 1)
            })
            .collect()
    }

    /// The manifest's text, as written to the file.
    pub fn to_text(&self) -> String {
        self.entries.iter().map(|e| format!("{}  {}\n", e.sha256, e.path)).collect()
    }
}

/// The SHA-256 of a file, in hex, read in 64 KB blocks.
pub fn sha256_of(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_reads_back_as_written() {
        let m = Manifest { entries: vec![Entry { sha256: "ab".into(), path: "u1/p1.tif".into() }] };
        assert_eq!(m.to_text(), "ab  u1/p1.tif\n");
        assert_eq!(Manifest::parse(&m.to_text()), vec![Ok(m.entries[0].clone())]);
        assert_eq!(Manifest::parse("garbage"), vec![Err(1)]);
    }
}
