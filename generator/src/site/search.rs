//! The static search index (Pagefind, used as a library): one record per public item page,
//! with Romanian stemming and diacritic folding ("sedinta" finds "ședința"), filters by type,
//! year and status, and the facts a result shows (type, number, date, status).
//!
//! Only items with a page are indexed; register-only dispositions never are.

use std::collections::BTreeMap;

use pulldown_cmark::{Event, Parser, TagEnd};

use crate::diagnostics::Diagnostic;

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
