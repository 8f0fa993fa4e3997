//! civic's generator: content files in, static public-interest site out.
//!
//! The pipeline is `load` (parse + schema-check every file) → `checks` (cross-item rules) →
//! `site` (render pages, feeds, open data into a staging folder, then swap). See ARCHITECTURE.md.

pub mod archive;
pub mod checks;
pub mod config;
pub mod diagnostics;
pub mod geo;
pub mod load;
pub mod model;
pub mod progress;
pub mod recur;
pub mod site;
