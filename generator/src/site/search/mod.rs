//! The static search index, in Pagefind's format and searched by Pagefind's client: one record per public item page,
//! with Romanian stemming and diacritic folding ("sedinta" finds "ședința"), filters by type,
//! year and status, and the facts a result shows (type, number, date, status).
//!
//! The index is made of parts, each a Pagefind index of its own under `pagefind/<part>/`,
//! listed in `pagefind/parts.json`; the search page merges them (Pagefind's `mergeIndex`). Item
//! pages are spread over parts of about `Options::search_part` records by a hash of their address.
//! Parts are built in parallel,
//! and a part whose records did not change is kept as it is: an edit rebuilds one part. A build
//! into a folder holding an earlier site (what CI does on each publication) copies the parts
//! whose records are the same as that site's, by the fingerprints `parts.json` lists.
//!
//! Only items with a page are indexed; register-only dispositions never are. An archive unit is
//! found by its description here; the OCR text of its pages is in the archive's full-text
//! index (`civic_search::archive`), which the search page asks the API.

mod bundle;

use std::collections::BTreeMap;
use std::path::Path;

use pulldown_cmark::{Event, Parser, TagEnd};
use rayon::prelude::*;

use super::error::IoFailure;
use super::render::Render;
use super::theme::Theme;
use super::{context, emit};
use crate::diagnostics::Diagnostic;
use crate::load::Item;

/// What the index knows of one page.
#[derive(Hash)]
pub struct Record {
    pub url: String,
    /// Plain text: number, title, summary, body.
    pub content: String,
    pub meta: BTreeMap<String, String>,
    pub filters: BTreeMap<String, Vec<String>>,
}

/// The plain text of a Markdown body, for the index.
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell | TagEnd::BlockQuote(_),
            ) => out.push(' '),
            _ => {}
        }
    }
    out
}

/// About how many records a part holds by default (`Options::search_part`): item pages are
/// spread over `ceil(pages / part)` parts. Measured on 10,000 varied decisions: 2,000 → 14.4 s, 1,000 → 12.6 s.
pub const DEFAULT_SEARCH_PART: usize = 1_000;

/// What a part of the index is made of.
struct Part<'a> {
    name: String,
    pages: Vec<&'a Item>,
}

/// The parts. Item pages go to a part by a hash of their address, so every part is a sample of
/// the whole site and Pagefind's ranking (its word statistics are per index) stays the same as
/// one index's; a site of fewer pages than a part holds has one.
fn parts<'a>(pages: &[&'a Item], size: usize) -> Vec<Part<'a>> {
    let size = size.max(1);
    let count = pages.len().div_ceil(size).max(1);
    let mut out: Vec<Part> = (0..count).map(|k| Part { name: format!("pagini-{k}"), pages: vec![] }).collect();
    for item in pages {
        out[(emit::fingerprint(&item.url()) % count as u64) as usize].pages.push(item);
    }
    out
}

/// The list of the index's parts, which the search page merges, and a fingerprint of each
/// part's records (and of the format they are written in), by which a later build into the
/// same folder knows the parts it can copy.
#[derive(serde::Serialize, serde::Deserialize, Default)]
struct PartsFile {
    parts: Vec<String>,
    records: BTreeMap<String, String>,
}

impl PartsFile {
    /// The list of the site in `dir`, if there is one (a missing or unreadable list reuses nothing).
    fn of_site(dir: &Path) -> PartsFile {
        std::fs::read(dir.join("pagefind/parts.json"))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }
}

/// Writes the search index of `pages`, in parts of about
/// `part_size` records: the parts whose records changed (all of them on a clean build), in
/// parallel, and the list of parts. `site_dir` is where the site is published: a part of the
/// site there whose records are the same is copied rather than built.
pub fn publish_index(r: &Render, pages: &[&Item], part_size: usize, site_dir: &Path) -> Result<(), Diagnostic> {
    let (site, out) = (r.site, r.out);
    let parts = parts(pages, part_size);
    let published = PartsFile::of_site(site_dir);
    let mut kept = vec![];
    let stale: Vec<&Part> = parts
        .iter()
        .filter(|p| {
            let hashes: Vec<u64> = p.pages.iter().map(|i| i.hash).collect();
            let fp = emit::fingerprint(&(r.global_fp, &p.name, hashes));
            let prefix = format!("pagefind/{}/", p.name);
            let changed = out.needs(&prefix, fp);
            if !changed {
                out.keep_prefix(&prefix);
                kept.push(p.name.clone());
            }
            changed
        })
        .collect();
    let built = stale
        .par_iter()
        .map(|part| {
            let records: Vec<Record> = part
                .pages
                .par_iter()
                .map(|item| {
                    let body = item
                        .body(&site.content)
                        .map_err(|e| out.failed(IoFailure::reading(&site.content.join(&item.file))(e)))?;
                    Ok(item_record(item, item.url(), &body, r.theme))
                })
                .collect::<Result<_, Diagnostic>>()?;
            let fp = format!("{:016x}", emit::fingerprint(&(bundle::FORMAT, &site.config.lang, &records)));
            let dir = format!("pagefind/{}/", part.name);
            if published.records.get(&part.name) == Some(&fp) && copy_part(out, site_dir, &dir).is_ok() {
                return Ok((part.name.clone(), fp));
            }
            // Each file is fingerprinted by its bytes: most of a changed part's files (its
            // pages' fragments, the client) are as they were, and are neither compressed nor
            // written again.
            bundle::build(&records, &site.config.lang).into_par_iter().try_for_each(|file| {
                let path = format!("{dir}{}", file.path);
                out.emit(&path, emit::fingerprint(&file.bytes), || Ok(file.published()))
            })?;
            Ok((part.name.clone(), fp))
        })
        .collect::<Result<Vec<(String, String)>, Diagnostic>>()?;
    let mut records: BTreeMap<String, String> = built.into_iter().collect();
    for name in kept {
        let fp = published.records.get(&name).cloned().unwrap_or_default();
        records.insert(name, fp);
    }
    let list = PartsFile { parts: parts.iter().map(|p| p.name.clone()).collect(), records };
    let list = serde_json::to_vec(&list).expect("JSON serialises");
    let fp = emit::fingerprint(&list);
    out.emit("pagefind/parts.json", fp, || Ok(list))
}

/// Copies the part in `dir` (`pagefind/<part>/`) of the site in `site_dir` into this build.
/// A file that cannot be read makes the part be built instead.
fn copy_part(out: &emit::Emitter, site_dir: &Path, dir: &str) -> std::io::Result<()> {
    let mut files = vec![];
    let mut folders = vec![site_dir.join(dir)];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let path = entry?.path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let relative = path.strip_prefix(site_dir).map_err(std::io::Error::other)?;
                files.push((relative.to_string_lossy().replace('\\', "/"), std::fs::read(&path)?));
            }
        }
    }
    for (path, bytes) in files {
        out.emit(&path, emit::fingerprint(&bytes), || Ok(bytes)).map_err(|d| std::io::Error::other(d.to_string()))?;
    }
    Ok(())
}

/// The search index's view of an item page.
fn item_record(item: &Item, url: String, markdown: &str, theme: &Theme) -> Record {
    let env = item.data.envelope();
    let kind = theme.label("kind_one", item.kind.name());
    let number = context::display_number(item);
    let date = context::main_date(item);
    let mut meta = BTreeMap::from([
        ("title".to_owned(), env.title.clone()),
        ("kind".to_owned(), kind.clone()),
        ("date".to_owned(), civic_workdays::format_date_ro(date)),
    ]);
    let mut filters = BTreeMap::from([
        ("tip".to_owned(), vec![theme.label("kind", item.kind.name())]),
        ("an".to_owned(), vec![date.year().to_string()]),
    ]);
    if let Some((group, value)) = context::status(item) {
        let status = theme.label(group, &value);
        meta.insert("status".to_owned(), status.clone());
        filters.insert("stare".to_owned(), vec![status]);
    }
    let mut content = String::new();
    if let Some(n) = &number {
        // "hotarare 123 2024" and "123/2024" both find decision 123/2024.
        content.push_str(&format!("{kind} nr. {n} {} ", n.replace('/', " ")));
        meta.insert("number".to_owned(), n.clone());
    }
    content.push_str(&env.title);
    content.push_str(". ");
    if let Some(s) = &env.summary {
        content.push_str(s);
        content.push(' ');
    }
    content.push_str(&plain_text(markdown));
    Record { url, content, meta, filters }
}

#[cfg(test)]
mod tests {
    use super::plain_text;

    #[test]
    fn markdown_becomes_searchable_text() {
        let text = plain_text(
            "**Art. 1.** Se aprobă [regulamentul](https://x.ro).\n\n| a | b |\n|---|---|\n| ședință | 2 |\n",
        );
        assert!(text.contains("Art. 1. Se aprobă regulamentul"), "{text}");
        assert!(text.contains("ședință"), "{text}");
        assert!(!text.contains("https://x.ro"));
    }
}
