//! The static search index (Pagefind, used as a library): one record per public item page,
//! with Romanian stemming and diacritic folding ("sedinta" finds "ședința"), filters by type,
//! year and status, and the facts a result shows (type, number, date, status).
//!
//! Only items with a page are indexed; register-only dispositions never are.

use std::collections::BTreeMap;

use pulldown_cmark::{Event, Parser, TagEnd};
use rayon::prelude::*;

use super::error::IoFailure;
use super::render::Render;
use super::theme::Theme;
use super::{archive, context, emit};
use crate::diagnostics::Diagnostic;
use crate::load::Item;

/// What the index knows of one page.
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

/// Builds the index and returns its files (`pagefind/…`), sorted by path.
pub fn index(records: Vec<Record>, lang: &str) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let fail = |e: anyhow::Error| {
        Diagnostic::new("pagefind", 0, 0, format!("building the search index failed: {e}"))
            .fix("this is a bug in civic or Pagefind: please report it with the content that triggers it")
    };
    let runtime = tokio::runtime::Builder::new_current_thread().build().map_err(|e| fail(e.into()))?;
    runtime.block_on(async {
        let config = pagefind::options::PagefindServiceConfig::builder().force_language(lang.to_owned()).build();
        let mut index = pagefind::api::PagefindIndex::new(Some(config)).map_err(fail)?;
        for r in records {
            index
                .add_custom_record(r.url, r.content, lang.to_owned(), Some(r.meta), Some(r.filters), None)
                .await
                .map_err(fail)?;
        }
        let mut files: Vec<(String, Vec<u8>)> = index
            .get_files()
            .await
            .map_err(fail)?
            .into_iter()
            .map(|f| (format!("pagefind/{}", f.filename.to_string_lossy()), f.contents))
            .collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(files)
    })
}

/// Writes the search index of `pages` and of the archive's OCR text, rebuilt whole when any
/// indexed page changed.
pub fn publish_index(r: &Render, pages: &[&Item]) -> Result<(), Diagnostic> {
    let (site, out) = (r.site, r.out);
    let fp =
        emit::fingerprint(&(r.global_fp, pages.iter().map(|i| i.hash).collect::<Vec<_>>(), archive::ocr_stamps(site)));
    if !out.needs("pagefind/", fp) {
        out.keep_prefix("pagefind/");
        return Ok(());
    }
    let mut records: Vec<Record> = pages
        .par_iter()
        .map(|item| {
            let body = item
                .body(&site.content)
                .map_err(|e| out.failed(IoFailure::reading(&site.content.join(&item.file))(e)))?;
            Ok(item_record(item, item.url(), &body, r.theme))
        })
        .collect::<Result<_, Diagnostic>>()?;
    // Each OCR'd page of an open archive unit is a record of its own, pointing at the page.
    records.extend(archive::search_records(site));
    for (path, bytes) in index(records, &site.config.lang)? {
        out.needs(&path, fp);
        out.write(&path, &bytes)?;
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
