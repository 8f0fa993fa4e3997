//! Where every page lives. One place, so links and files always agree.

use crate::load::Item;
use crate::model::Kind;

/// The URL path of an item's page, ending in `/`.
pub fn item_url(item: &Item) -> String {
    let env = item.data.envelope();
    let slug = env.slug.as_deref().unwrap_or(&env.id);
    match item.kind {
        Kind::Page => format!("/{slug}/"),
        kind => format!("/{}/{slug}/", kind.section()),
    }
}

/// The list page of a type.
pub fn section_url(kind: Kind) -> String {
    format!("/{}/", kind.section())
}

/// Page `n` (1-based) of a list whose first page is `base`.
pub fn page_url(base: &str, n: usize) -> String {
    if n <= 1 { base.to_owned() } else { format!("{base}pagina/{n}/") }
}

/// The file that serves a URL path.
pub fn file_for(url: &str) -> String {
    let path = url.trim_start_matches('/');
    if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path.to_owned() }
}

pub use civic_theme::segment;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_fold_romanian_diacritics() {
        assert_eq!(segment("Educație și Cultură"), "educatie-si-cultura");
        assert_eq!(segment("Primarul Municipiului Timișoara"), "primarul-municipiului-timisoara");
    }

    #[test]
    fn pagination_and_files() {
        assert_eq!(page_url("/hotarari/", 1), "/hotarari/");
        assert_eq!(page_url("/hotarari/", 3), "/hotarari/pagina/3/");
        assert_eq!(file_for("/hotarari/pagina/3/"), "hotarari/pagina/3/index.html");
        assert_eq!(file_for("/sitemap.xml"), "sitemap.xml");
    }
}
