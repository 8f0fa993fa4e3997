//! The digitised archive's commands: `civic archive ingest` turns a scanning contractor's batch
//! into `archive_unit` content files and IIIF level-0 derivatives; `civic archive verify`
//! re-hashes the masters. What the site makes of the units is `site/archive.rs`; where the
//! derivatives lie is `model::archive::derivatives`.

mod fixity;
mod hocr;
pub mod ingest;
pub mod verify;
