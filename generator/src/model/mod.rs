//! The content contract: one Rust type per content type. These types are the single source of
//! the published JSON Schemas (`public/schemas/`), of validation and of what templates receive.

pub mod archive;
pub mod catalogue;
pub mod decisions;
pub mod envelope;
pub mod forms;
pub mod jobs;
pub mod places;
pub mod procurement;
pub mod urls;
pub mod values;

use serde::Serialize;

pub use archive::ArchiveUnit;
pub use catalogue::{News, Page, Service};
pub use decisions::{CouncilDecision, CouncilSession, DraftDecision, MayorDisposition};
pub use envelope::Envelope;
pub use forms::Form;
pub use jobs::JobContest;
pub use places::{District, PublicWork, RecurringService};
pub use procurement::{DirectPurchase, Tender};

/// Every content type, with the folder its files live in and the URL section of its pages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    CouncilDecision,
    DraftDecision,
    MayorDisposition,
    CouncilSession,
    Tender,
    DirectPurchase,
    JobContest,
    Service,
    Form,
    News,
    PublicWork,
    RecurringService,
    District,
    ArchiveUnit,
    Page,
}

impl Kind {
    pub const ALL: [Kind; 15] = [
        Kind::CouncilDecision,
        Kind::DraftDecision,
        Kind::MayorDisposition,
        Kind::CouncilSession,
        Kind::Tender,
        Kind::DirectPurchase,
        Kind::JobContest,
        Kind::Service,
        Kind::Form,
        Kind::News,
        Kind::PublicWork,
        Kind::RecurringService,
        Kind::District,
        Kind::ArchiveUnit,
        Kind::Page,
    ];

    /// The `type` name used in files, schemas and open data.
    pub fn name(self) -> &'static str {
        match self {
            Kind::CouncilDecision => "council_decision",
            Kind::DraftDecision => "draft_decision",
            Kind::MayorDisposition => "mayor_disposition",
            Kind::CouncilSession => "council_session",
            Kind::Tender => "tender",
            Kind::DirectPurchase => "direct_purchase",
            Kind::JobContest => "job_contest",
            Kind::Service => "service",
            Kind::Form => "form",
            Kind::News => "news",
            Kind::PublicWork => "public_work",
            Kind::RecurringService => "recurring_service",
            Kind::District => "district",
            Kind::ArchiveUnit => "archive_unit",
            Kind::Page => "page",
        }
    }

    /// The folder under `content/` holding this type's files.
    pub fn folder(self) -> &'static str {
        match self {
            Kind::CouncilDecision => "council_decisions",
            Kind::DraftDecision => "draft_decisions",
            Kind::MayorDisposition => "mayor_dispositions",
            Kind::CouncilSession => "council_sessions",
            Kind::Tender => "tenders",
            Kind::DirectPurchase => "direct_purchases",
            Kind::JobContest => "job_contests",
            Kind::Service => "services",
            Kind::Form => "forms",
            Kind::News => "news",
            Kind::PublicWork => "public_works",
            Kind::RecurringService => "recurring_services",
            Kind::District => "districts",
            Kind::ArchiveUnit => "archive_units",
            Kind::Page => "pages",
        }
    }

    /// The site section (first URL segment) of this type's pages; pages sit at the root.
    pub fn section(self) -> &'static str {
        match self {
            Kind::CouncilDecision => "hotarari",
            Kind::DraftDecision => "consultari",
            Kind::MayorDisposition => "dispozitii",
            Kind::CouncilSession => "sedinte",
            Kind::Tender => "licitatii",
            Kind::DirectPurchase => "achizitii-directe",
            Kind::JobContest => "cariere",
            Kind::Service => "servicii",
            Kind::Form => "formulare",
            Kind::News => "stiri",
            Kind::PublicWork => "lucrari",
            Kind::RecurringService => "servicii-periodice",
            Kind::District => "cartiere",
            Kind::ArchiveUnit => "arhiva",
            Kind::Page => "",
        }
    }

    pub fn from_folder(folder: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.folder() == folder)
    }

    /// The JSON Schema (draft 2020-12) of one file of this type.
    pub fn schema(self) -> serde_json::Value {
        let generator = schema_settings().into_generator();
        let mut schema = match self {
            Kind::CouncilDecision => generator.into_root_schema_for::<CouncilDecision>(),
            Kind::DraftDecision => generator.into_root_schema_for::<DraftDecision>(),
            Kind::MayorDisposition => generator.into_root_schema_for::<MayorDisposition>(),
            Kind::CouncilSession => generator.into_root_schema_for::<CouncilSession>(),
            Kind::Tender => generator.into_root_schema_for::<Tender>(),
            Kind::DirectPurchase => generator.into_root_schema_for::<DirectPurchase>(),
            Kind::JobContest => generator.into_root_schema_for::<JobContest>(),
            Kind::Service => generator.into_root_schema_for::<Service>(),
            Kind::Form => generator.into_root_schema_for::<Form>(),
            Kind::News => generator.into_root_schema_for::<News>(),
            Kind::PublicWork => generator.into_root_schema_for::<PublicWork>(),
            Kind::RecurringService => generator.into_root_schema_for::<RecurringService>(),
            Kind::District => generator.into_root_schema_for::<District>(),
            Kind::ArchiveUnit => generator.into_root_schema_for::<ArchiveUnit>(),
            Kind::Page => generator.into_root_schema_for::<Page>(),
        };
        schema.insert("$id".into(), format!("{}.schema.json", self.name()).into());
        schema.insert("title".into(), self.name().into());
        without_null(schema.to_value())
    }
}

/// How the contract's schemas are generated.
pub fn schema_settings() -> schemars::generate::SchemaSettings {
    schemars::generate::SchemaSettings::draft2020_12()
}

/// An optional field is simply not required: its `null` alternative is removed, so an error
/// inside it is reported as itself rather than as "anyOf failed" (and null never reaches the
/// validator: empty YAML values are dropped on reading).
pub fn without_null(mut schema: serde_json::Value) -> serde_json::Value {
    fn walk(v: &mut serde_json::Value) {
        use serde_json::Value;
        match v {
            Value::Object(map) => {
                if let Some(Value::Array(types)) = map.get_mut("type") {
                    types.retain(|t| t != "null");
                    if types.len() == 1 {
                        let only = types[0].clone();
                        map.insert("type".into(), only);
                    }
                }
                // JSON Schema validators ignore schemars' integer formats: state the bounds.
                match map.get("format").and_then(Value::as_str) {
                    Some("uint32") => {
                        map.entry("maximum").or_insert(u32::MAX.into());
                    }
                    Some("int16") => {
                        map.entry("minimum").or_insert(i16::MIN.into());
                        map.entry("maximum").or_insert(i16::MAX.into());
                    }
                    _ => {}
                }
                if let Some(Value::Array(any)) = map.get("anyOf") {
                    let rest: Vec<Value> =
                        any.iter().filter(|s| s.get("type") != Some(&Value::from("null"))).cloned().collect();
                    if rest.len() == 1 {
                        map.remove("anyOf");
                        if let Value::Object(inner) = &rest[0] {
                            for (k, v) in inner {
                                map.entry(k.clone()).or_insert_with(|| v.clone());
                            }
                        }
                    }
                }
                map.values_mut().for_each(walk);
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut schema);
    schema
}

/// The type-specific part of an item. Items hold it behind an `Arc`, so the size difference
/// between variants costs nothing when items are moved or kept.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum Data {
    CouncilDecision(CouncilDecision),
    DraftDecision(DraftDecision),
    MayorDisposition(MayorDisposition),
    CouncilSession(CouncilSession),
    Tender(Tender),
    DirectPurchase(DirectPurchase),
    JobContest(JobContest),
    Service(Service),
    Form(Form),
    News(News),
    PublicWork(PublicWork),
    RecurringService(RecurringService),
    District(District),
    ArchiveUnit(ArchiveUnit),
    Page(Page),
}

impl Data {
    /// Deserialises a validated front matter into the type of `kind`.
    pub fn from_value(kind: Kind, value: serde_json::Value) -> Result<Data, serde_json::Error> {
        use serde_json::from_value as v;
        Ok(match kind {
            Kind::CouncilDecision => Data::CouncilDecision(v(value)?),
            Kind::DraftDecision => Data::DraftDecision(v(value)?),
            Kind::MayorDisposition => Data::MayorDisposition(v(value)?),
            Kind::CouncilSession => Data::CouncilSession(v(value)?),
            Kind::Tender => Data::Tender(v(value)?),
            Kind::DirectPurchase => Data::DirectPurchase(v(value)?),
            Kind::JobContest => Data::JobContest(v(value)?),
            Kind::Service => Data::Service(v(value)?),
            Kind::Form => Data::Form(v(value)?),
            Kind::News => Data::News(v(value)?),
            Kind::PublicWork => Data::PublicWork(v(value)?),
            Kind::RecurringService => Data::RecurringService(v(value)?),
            Kind::District => Data::District(v(value)?),
            Kind::ArchiveUnit => Data::ArchiveUnit(v(value)?),
            Kind::Page => Data::Page(v(value)?),
        })
    }

    pub fn envelope(&self) -> &Envelope {
        match self {
            Data::CouncilDecision(x) => &x.envelope,
            Data::DraftDecision(x) => &x.envelope,
            Data::MayorDisposition(x) => &x.envelope,
            Data::CouncilSession(x) => &x.envelope,
            Data::Tender(x) => &x.envelope,
            Data::DirectPurchase(x) => &x.envelope,
            Data::JobContest(x) => &x.envelope,
            Data::Service(x) => &x.envelope,
            Data::Form(x) => &x.envelope,
            Data::News(x) => &x.envelope,
            Data::PublicWork(x) => &x.envelope,
            Data::RecurringService(x) => &x.envelope,
            Data::District(x) => &x.envelope,
            Data::ArchiveUnit(x) => &x.envelope,
            Data::Page(x) => &x.envelope,
        }
    }
}

/// A plain relative path inside the content folder: no leading `/`, no `..`, no empty segment.
pub fn is_content_path(path: &str) -> bool {
    !path.is_empty() && !path.contains('\\') && path.split('/').all(|s| !s.is_empty() && s != ".." && s != ".")
}
