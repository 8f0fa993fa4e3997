//! Digitised archive units described after ISAD(G) (domain.md C8). `civic archive ingest`
//! writes these files from a scanning contractor's batch; editors may refine the description.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::envelope::Envelope;

/// One archival unit (a file, a register, a binder): its description and its scanned pages.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[schemars(extend("additionalProperties" = false))]
pub struct ArchiveUnit {
    #[serde(flatten)]
    pub envelope: Envelope,
    /// ISAD(G) 3.1.1: the unit's reference code (country, repository, fonds, inventory, file).
    #[schemars(length(min = 1))]
    pub reference_code: String,
    /// The fonds (the records of one creator) the unit belongs to: "Primăria Municipiului Timișoara".
    #[schemars(length(min = 1))]
    pub fonds: String,
    /// The series within the fonds: "Registre de ședințe".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub series: Option<String>,
    /// ISAD(G) 3.1.3: the dates of the records.
    pub date_range: DateRange,
    /// ISAD(G) 3.1.5: extent and medium, in words ("1 registru, 214 file").
    #[schemars(length(min = 1))]
    pub extent: String,
    /// ISAD(G) 3.4.3: languages of the records, ISO 639 codes (`ro`, `hu`, `de`).
    #[schemars(length(min = 1))]
    pub languages: Vec<Language>,
    /// The rights statement, as the URI IIIF accepts: a Creative Commons licence or public
    /// domain mark, or a RightsStatements.org statement (http, as those URIs are defined).
    #[schemars(regex(
        pattern = r"^http://(creativecommons\.org/(licenses|publicdomain)|rightsstatements\.org/vocab)/[A-Za-z0-9./_-]+$"
    ))]
    pub rights: String,
    /// ISAD(G) 3.4.1: whether the scans may be published.
    pub access: Access,
    /// ISAD(G) 3.6.1: notes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The scanned pages in order, with their published derivatives.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pages: Vec<ArchivePage>,
    /// The fixity record of the master files, written by the ingest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixity: Option<Fixity>,
}

/// An ISO 639-1 or 639-2 language code.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct Language(#[schemars(regex(pattern = r"^[a-z]{2,3}$"))] pub String);

/// A date range; each end is a year, a month or a day (`1920`, `1920-05`, `1920-05-14`).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DateRange {
    #[schemars(regex(pattern = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"))]
    pub start: String,
    #[schemars(regex(pattern = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"))]
    pub end: String,
}

impl DateRange {
    pub fn start_year(&self) -> i32 {
        self.start.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0)
    }
    pub fn end_year(&self) -> i32 {
        self.end.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0)
    }
}

/// Whether the scans are public.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Access {
    pub status: AccessStatus,
    /// Why access is restricted ("date cu caracter personal, Legea 16/1996 art. 21").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The year the restriction ends, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<u16>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccessStatus {
    /// Description, scans and text are published.
    Open,
    /// Only the description is published: no images, no OCR text.
    Restricted,
}

/// One scanned page. `image` is the folder of its IIIF level-0 derivatives under `content/`:
/// `<image>/full/max/0/default.jpg` (web size) and `<image>/full/<w>,<h>/0/default.jpg`
/// (thumbnail).
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArchivePage {
    /// The page's label as archives foliate: "f. 1", "f. 1v".
    #[schemars(length(min = 1))]
    pub label: String,
    #[schemars(regex(pattern = r"^[A-Za-z0-9_./-]+$"))]
    pub image: String,
    /// Size of the web image, in pixels.
    #[schemars(range(min = 1))]
    pub width: u32,
    #[schemars(range(min = 1))]
    pub height: u32,
    #[schemars(range(min = 1))]
    pub thumb_width: u32,
    #[schemars(range(min = 1))]
    pub thumb_height: u32,
    /// Plain OCR text of the page, a `.txt` file under `content/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z0-9_./-]+\.txt$"))]
    pub ocr: Option<String>,
    /// The hOCR file the text came from, when the batch had one (kept, not published).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z0-9_./-]+$"))]
    pub hocr: Option<String>,
}

/// Where the fixity manifest of the masters is, and which batch they came from.
#[derive(Clone, Debug, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fixity {
    /// A BagIt-style `manifest-sha256.txt` under `content/`: `<sha256>  <path in the batch>`.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_./-]+$"))]
    pub manifest: String,
    /// The name of the batch folder the masters are in.
    pub batch: String,
    /// The unit's folder inside the batch.
    pub folder: String,
}

/// The derivatives of a unit in the content folder, laid out as a static IIIF Image API level-0
/// service so the site publishes them as they are. Decided here only.
pub mod derivatives {
    /// The folder under `content/` holding a unit's derivatives and fixity manifest.
    pub fn unit_folder(id: &str) -> String {
        format!("archive/{id}")
    }

    /// The fixity manifest of a unit's masters, in its folder.
    pub const FIXITY_MANIFEST: &str = "manifest-sha256.txt";

    /// The web-size image of a page, relative to its IIIF image folder.
    pub const FULL: &str = "full/max/0/default.jpg";

    /// The thumbnail of a page of that size, relative to its IIIF image folder.
    pub fn thumb(width: u32, height: u32) -> String {
        format!("full/{width},{height}/0/default.jpg")
    }
}
