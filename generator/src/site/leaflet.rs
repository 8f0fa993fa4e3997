//! Leaflet, the map page's library: found in the npm package the build is given (`Options::leaflet`,
//! `npm ci` at the repository root) and copied into the output with its licence.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::emit::Emitter;
use crate::diagnostics::Diagnostic;
use crate::model::urls;

/// Leaflet, from the npm package installed at set-up (`npm ci` at the repository root).
pub struct Leaflet {
    /// The folder it is published in, `/vendor/leaflet-1.9.4/`.
    pub url: String,
    pub version: String,
    dir: PathBuf,
}

/// The files of the Leaflet package the map page uses, and its licence.
const LEAFLET_FILES: [&str; 8] = [
    "dist/leaflet.js",
    "dist/leaflet.css",
    "dist/images/layers.png",
    "dist/images/layers-2x.png",
    "dist/images/marker-icon.png",
    "dist/images/marker-icon-2x.png",
    "dist/images/marker-shadow.png",
    "LICENSE",
];

/// Leaflet's npm package in `dir` (`node_modules/leaflet`), if it is installed there.
pub fn find(dir: &Path) -> Option<Leaflet> {
    if !dir.join("dist/leaflet.js").is_file() {
        return None;
    }
    let dir = dir.to_path_buf();
    let package: Value = serde_json::from_slice(&std::fs::read(dir.join("package.json")).ok()?).ok()?;
    let version = package["version"].as_str()?.to_owned();
    Some(Leaflet { url: urls::vendor_url("leaflet", &version), version, dir })
}

/// Copies Leaflet into the output, with its licence.
pub fn publish(l: &Leaflet, out: &Emitter) -> Result<(), Diagnostic> {
    for f in LEAFLET_FILES {
        let source = l.dir.join(f);
        let target = format!("{}{}", l.url.trim_start_matches('/'), f.trim_start_matches("dist/"));
        out.emit(&target, super::file_stamp(&source), || out.read(&source))?;
    }
    Ok(())
}
