//! Markdown to safe HTML. Content comes from other systems, so raw HTML in it is untrusted:
//! it is sanitised (scripts, styles, event handlers and unknown tags dropped), while tables,
//! lists, links and emphasis are kept.

use std::sync::LazyLock;

use pulldown_cmark::{Options, Parser, html};

const SAFE_SCHEMES: [&str; 4] = ["http", "https", "mailto", "tel"];

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.link_rel(None).url_schemes(SAFE_SCHEMES.into());
    b
});

/// Renders Markdown to sanitised HTML. Headings are shifted so the body's highest one becomes
/// `h2`, because the page title is the only `h1` and levels must not be skipped.
pub fn to_html(markdown: &str) -> String {
    use pulldown_cmark::{Event, Tag, TagEnd};
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_FOOTNOTES;
    let mut needs_cleaning = false;
    let parsed: Vec<Event> = Parser::new_ext(markdown, options).collect();
    let top = parsed
        .iter()
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { level, .. }) => Some(*level as usize),
            _ => None,
        })
        .min()
        .unwrap_or(1);
    let shift = |level: pulldown_cmark::HeadingLevel| {
        let n = (level as usize + 2).saturating_sub(top).clamp(2, 6);
        pulldown_cmark::HeadingLevel::try_from(n).expect("2..=6 is a heading level")
    };
    let events = parsed.into_iter().map(|event| match event {
        Event::Html(_) | Event::InlineHtml(_) => {
            needs_cleaning = true;
            event
        }
        Event::Start(Tag::Link { ref dest_url, .. } | Tag::Image { ref dest_url, .. }) if !is_safe_url(dest_url) => {
            needs_cleaning = true;
            event
        }
        Event::Start(Tag::Heading { level, id, classes, attrs }) => {
            Event::Start(Tag::Heading { level: shift(level), id, classes, attrs })
        }
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(shift(level))),
        other => other,
    });
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut raw, events);
    if needs_cleaning { CLEANER.clean(&raw).to_string() } else { raw }
}

/// Relative links, fragments and the allowed schemes; anything else goes to the sanitiser.
fn is_safe_url(url: &str) -> bool {
    match url.split_once(':') {
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => {
            SAFE_SCHEMES.contains(&scheme.to_ascii_lowercase().as_str())
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn scripts_and_event_handlers_never_reach_the_page() {
        let html = to_html(
            "Text <script>alert(1)</script> <img src=x onerror=alert(2)> <a href=\"javascript:alert(3)\">x</a>",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn tables_lists_and_links_are_kept() {
        let html = to_html("| a | b |\n|---|---|\n| 1 | 2 |\n\n- unu\n- doi\n\n[lege](https://legislatie.just.ro)\n");
        assert!(html.contains("<table>") && html.contains("<td>1</td>"), "{html}");
        assert!(html.contains("<li>unu</li>"), "{html}");
        assert!(html.contains("href=\"https://legislatie.just.ro\""), "{html}");
    }

    #[test]
    fn a_dangerous_link_alone_is_still_cleaned() {
        let html = to_html("[click](javascript:alert(1)) and [ok](/hotarari/) and [mail](mailto:a@b.ro)");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("href=\"/hotarari/\"") && html.contains("href=\"mailto:a@b.ro\""), "{html}");
    }

    #[test]
    fn headings_start_below_the_page_title_without_skipping_levels() {
        assert!(to_html("# Capitolul I").starts_with("<h2>"));
        let html = to_html("## Secțiunea 1\n\n### Articol\n\n## Secțiunea 2\n");
        assert!(html.starts_with("<h2>Secțiunea 1</h2>") && html.contains("<h3>Articol</h3>"), "{html}");
    }
}
