//! civic's generator: content files in, static public-interest site out.
//!
//! The pipeline is `load` (parse + schema-check every file) → `checks` (cross-item rules) →
//! `site` (render pages, feeds, open data into a staging folder, then swap). Modules import only
//! downwards: `model` → `load` → `checks` / `archive` → `site`. See ARCHITECTURE.md.

pub mod archive;
mod checks;
mod config;
pub mod diagnostics;
mod geo;
pub mod load;
mod model;
pub mod progress;
mod recur;
pub mod site;
