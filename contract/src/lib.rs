//! The published contract: every file `civic build` writes for the API and the alerts to read,
//! as Rust types. The generator fills these types and serialises them; the API deserialises the
//! same types from the published site, never from the generator's own model. A file's name is
//! defined here once ([`files`]); each enum both halves use is defined here once.
//!
//! Some files are whole types ([`FormsFile`], [`SiteFrame`], [`StreetsFile`],
//! [`PetitionRules`], the calendar). The item lists (`/data/<type>.json`) are open data whose full
//! shape is the content contract's JSON Schema; the API reads only the fields named here
//! ([`Listed`]), and the rest of each record passes through untouched ([`Listed::rest`]).

mod forms;
mod lists;
mod petitions;
mod places;
mod site;

pub use civic_workdays::CalendarRules;
pub use forms::{
    Assurance, AttachmentRules, Choice, DayUnit, DeadlineRule, Department, Field, FieldType, Form, FormKind, FormsFile,
    LegalBasis,
};
pub use lists::{Consultation, DraftDecision, List, ListFilter, ListPage, ListPagesFile, Listed, day_of};
pub use petitions::{PetitionRules, Threshold, ThresholdAction};
pub use places::{District, PublicWork, Street, StreetZone, StreetsFile};
pub use site::{FooterLink, NavLink, SiteFrame};

/// Where each published file is, relative to the site's root.
pub mod files {
    pub const FORMS: &str = "data/forms.json";
    pub const SITE: &str = "data/site.json";
    pub const CALENDAR: &str = "data/calendar.json";
    pub const PETITION_RULES: &str = "data/petition_rules.json";
    pub const STREETS: &str = "data/street.json";
    pub const PUBLIC_WORKS: &str = "data/public_work.json";
    /// Every list page one can follow by e-mail, with its items ([`crate::ListPagesFile`]).
    pub const LIST_PAGES: &str = "data/lists.json";

    /// The list of every published item of a type, e.g. `data/district.json`.
    pub fn list(kind: &str) -> String {
        format!("data/{kind}.json")
    }

    /// The JSON Schema a form's submissions are checked against.
    pub fn submission_schema(form: &str) -> String {
        format!("/schemas/forms/{form}.schema.json")
    }
}
