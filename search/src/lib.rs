//! civic's search, in the two places it runs. `words`: how text becomes the words of an index
//! (Pagefind 1.6's rules), shared by the site's static index and the archive's. `archive`: the
//! full-text index of the archive's OCR'd pages, a SQLite FTS5 file the generator writes and
//! the API searches — a million scanned pages are beyond an index the browser loads.

pub mod archive;
pub mod words;

pub use rusqlite::Error as IndexError;
