//! Where every page and published file lives. One place, so links and files always agree: the
//! checks (which URL an item would take), the archive ingest (ids from reference codes) and the
//! site (pages, feeds, IIIF files) all ask here.

use super::{Envelope, Kind};

pub use civic_theme::segment;

/// The URL path of an item's page, ending in `/`.
pub fn item_url(kind: Kind, envelope: &Envelope) -> String {
    let slug = envelope.slug.as_deref().unwrap_or(&envelope.id);
    match kind {
        Kind::Page => format!("/{slug}/"),
        kind => format!("/{}/{slug}/", kind.section()),
    }
}

/// The list page of a type.
pub fn section_url(kind: Kind) -> String {
    format!("/{}/", kind.section())
}

/// The list of a type's items that have `value` for the filter whose URL segment is `filter`.
pub fn filter_url(kind: Kind, filter: &str, value: &str) -> String {
    format!("{}{filter}/{}/", section_url(kind), segment(value))
}

/// Page `n` (1-based) of a list whose first page is `base`.
pub fn page_url(base: &str, n: usize) -> String {
    if n <= 1 { base.to_owned() } else { format!("{base}pagina/{n}/") }
}

/// The Atom feed of a page (a section or a district), in the page's folder.
pub fn feed_url(page: &str) -> String {
    format!("{page}feed.xml")
}

/// The file that serves a URL path.
pub fn file_for(url: &str) -> String {
    let path = url.trim_start_matches('/');
    if path.is_empty() || path.ends_with('/') { format!("{path}index.html") } else { path.to_owned() }
}

/// The open-data list of a type, and its CSV twin for the registers that have one.
pub fn data_url(kind: Kind, extension: &str) -> String {
    format!("/data/{}.{extension}", kind.name())
}

/// The JSON document of an item, beside the type's list.
pub fn item_data_url(kind: Kind, id: &str) -> String {
    format!("/data/{}/{id}.json", kind.name())
}

/// The JSON Schema of a type's items.
pub fn schema_url(kind: Kind) -> String {
    format!("/schemas/{}.schema.json", kind.name())
}

/// The folder a front-end package from npm is published in.
pub fn vendor_url(package: &str, version: &str) -> String {
    format!("/vendor/{package}-{version}/")
}

/// The search page, and the Monitorul Oficial Local.
pub const SEARCH: &str = "/cautare/";
pub const OFFICIAL_GAZETTE: &str = "/monitorul-oficial-local/";

/// The map page, and the list of streets.
pub const MAP: &str = "/harta/";
pub const STREETS: &str = "/strazi/";

/// A street's page.
pub fn street_url(name: &str) -> String {
    format!("{STREETS}{}/", segment(name))
}

/// A GeoJSON layer of the map.
pub fn geo_layer_url(file: &str) -> String {
    format!("/data/geo/{file}")
}

/// A collection zone of a recurring service, on the service's page.
pub fn zone_anchor(service_url: &str, zone: &str) -> String {
    format!("{service_url}#zona-{zone}")
}

/// URL segments under `/arhiva/` that the generator uses itself.
pub const ARCHIVE_RESERVED: [&str; 6] = ["fonduri", "iiif", "fond", "serie", "perioada", "pagina"];

/// The page of the archive's hierarchy, fonds → series.
pub const ARCHIVE_FONDS: &str = "/arhiva/fonduri/";

/// The IIIF Collection of every fonds.
pub const ALL_COLLECTION: &str = "/arhiva/iiif/colectie.json";

/// Where page `n` (1-based) of a unit has its IIIF image service.
pub fn iiif_image(unit_id: &str, n: usize) -> String {
    format!("/arhiva/iiif/{unit_id}/p{n:04}")
}

/// The OCR text of a page, beside its image service.
pub fn ocr_text(image: &str) -> String {
    format!("{image}.txt")
}

/// A page of a unit, on the unit's page.
pub fn archive_page_anchor(unit_url: &str, n: usize) -> String {
    format!("{unit_url}#pagina-{n}")
}

/// The IIIF Presentation manifest of a unit, in its page's folder.
pub fn manifest_url(unit_url: &str) -> String {
    format!("{unit_url}manifest.json")
}

/// The units of a fonds.
pub fn fonds_url(fonds: &str) -> String {
    filter_url(Kind::ArchiveUnit, "fond", fonds)
}

/// The units of a series (its filter value, "fonds / series").
pub fn series_url(series: &str) -> String {
    filter_url(Kind::ArchiveUnit, "serie", series)
}

/// The units of a decade ("1920–1929").
pub fn decade_url(decade: &str) -> String {
    filter_url(Kind::ArchiveUnit, "perioada", decade)
}

/// The IIIF Collection of a fonds.
pub fn collection_url(fonds: &str) -> String {
    format!("/arhiva/iiif/fond-{}.json", segment(fonds))
}

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

    #[test]
    fn archive_lists_are_filters_of_the_archive() {
        assert_eq!(fonds_url("Primăria Timișoara"), "/arhiva/fond/primaria-timisoara/");
        assert_eq!(decade_url("1920–1929"), filter_url(Kind::ArchiveUnit, "perioada", "1920–1929"));
    }
}
