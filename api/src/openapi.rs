//! The OpenAPI document, generated from the handlers' annotations, at `/api/openapi.json`.
//!
//! Every route of the API is an operation here. Each handler's `#[utoipa::path]` says its
//! parameters, its body (the form struct it deserialises, with `ToSchema`) and its answers;
//! [`Layers`] adds what every route can answer because of the layers in `lib.rs` and
//! `app::render_errors` (CSRF, body limit, rate limit, timeout, the error body), so those are
//! written once. The types below describe answers the handlers build with `json!`; the fuzz test
//! (`tests/openapi_fuzz.rs`) checks real answers against them.

#![allow(dead_code)] // the answer types below are only read by the derive

use std::collections::BTreeMap;
use std::sync::LazyLock;

use axum::Router;
use axum::routing::get;
use serde_json::Value;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{ArrayBuilder, KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, Type};
use utoipa::openapi::{Content, HeaderBuilder, RefOr, Response, Schema};
use utoipa::{Modify, OpenApi, PartialSchema, ToSchema};

use crate::app::App;
use crate::error::ApiError;
use crate::published::Form;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "civic API",
        description = "The dynamic half of a civic site: accounts and logins (e-mail, OpenID Connect), the contact \
            portal's forms and the staff's case handling, online petitions and their moderation, alerts for an area, \
            petition open data. Pages answer browsers in Romanian; a client that sends JSON, or asks for it with \
            `Accept: application/json`, gets JSON, errors included (`{\"error\", \"fields\", \"back\"}`)."
    ),
    paths(
        openapi_json,
        crate::submissions::list,
        crate::submissions::submit,
        crate::submissions::status_page,
        crate::accounts::pages::login_page,
        crate::accounts::pages::signup_page,
        crate::accounts::pages::check_mail_page,
        crate::accounts::links::signup,
        crate::accounts::login::login,
        crate::accounts::links::request_link,
        crate::accounts::pages::link_page,
        crate::accounts::links::use_link,
        crate::accounts::login::logout,
        crate::accounts::my_account::account_page,
        crate::accounts::status::account_status,
        crate::accounts::my_account::export,
        crate::accounts::my_account::delete_account,
        crate::oidc::start::start,
        crate::oidc::callback::callback,
        crate::oidc::unlink::unlink,
        crate::oidc::jwks::jwks,
        crate::cases::list,
        crate::cases::show,
        crate::cases::set_status,
        crate::cases::forward,
        crate::cases::extend,
        crate::cases::answer,
        crate::cases::download,
        crate::petitions::pages::list,
        crate::petitions::creation::new_page,
        crate::petitions::creation::create,
        crate::petitions::pages::show,
        crate::petitions::sponsors::sponsor_page,
        crate::petitions::sponsors::sponsor,
        crate::petitions::open_data::open_data_list,
        crate::petitions::open_data::open_data_one,
        crate::petitions::signing::sign,
        crate::petitions::signing::count,
        crate::petitions::signing::confirm_page,
        crate::petitions::signing::confirm,
        crate::petitions::signing::sent_page,
        crate::petitions::moderation::queue,
        crate::petitions::moderation::show,
        crate::petitions::moderation::publish,
        crate::petitions::moderation::reject,
        crate::petitions::moderation::respond,
        crate::petitions::moderation::debate,
        crate::petitions::moderation::invalidate,
        crate::alerts::subscribe::subscribe_page,
        crate::alerts::subscribe::subscribe,
        crate::alerts::subscribe::sent_page,
        crate::alerts::manage::confirm_page,
        crate::alerts::manage::confirm,
        crate::alerts::manage::manage_page,
        crate::alerts::manage::manage,
        crate::alerts::manage::unsubscribe_page,
        crate::alerts::manage::unsubscribe,
        crate::alerts::feed::feed,
        crate::alerts::follow::follow_page,
        crate::alerts::follow::follow,
        crate::archive_search::search,
    ),
    components(schemas(ApiError)),
    modifiers(&Layers)
)]
struct Doc;

static DOC: LazyLock<utoipa::openapi::OpenApi> = LazyLock::new(Doc::openapi);

pub fn routes() -> Router<App> {
    Router::new().route("/api/openapi.json", get(openapi_json))
}

/// This document.
#[utoipa::path(
    get, path = "/api/openapi.json", tag = "meta", operation_id = "openapi",
    responses(
        (status = 200, description = "the OpenAPI document", body = Object)
    )
)]
async fn openapi_json() -> axum::Json<&'static utoipa::openapi::OpenApi> {
    axum::Json(&DOC)
}

/// What every route can answer because of the layers around the handlers (`Api::router`) and
/// `app::render_errors`, added to each operation here rather than repeated on each handler.
struct Layers;

impl Modify for Layers {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        for (path, item) in doc.paths.paths.iter_mut() {
            // `render_errors` answers JSON for `….json` paths, else a page unless JSON was asked for.
            let json_only = path.ends_with(".json");
            for (operation, post) in [(item.get.as_mut(), false), (item.post.as_mut(), true)] {
                let Some(operation) = operation else { continue };
                layers(operation, post);
                for (status, response) in operation.responses.responses.iter_mut() {
                    let RefOr::T(response) = response else { continue };
                    if status == "303" {
                        response.headers.insert(
                            "Location".into(),
                            RefOr::T(
                                HeaderBuilder::new()
                                    .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
                                    .description(Some("where to go next"))
                                    .build(),
                            ),
                        );
                    }
                    if status.starts_with(['4', '5']) && response.content.is_empty() {
                        response
                            .content
                            .insert("application/json".into(), RefOr::T(Content::new(Some(ApiError::schema_ref()))));
                        if !json_only {
                            response.content.insert("text/html".into(), RefOr::T(Content::new(Some(String::schema()))));
                        }
                    }
                }
            }
        }
    }
}

trait SchemaRef {
    fn schema_ref() -> RefOr<Schema>;
}

impl<T: ToSchema> SchemaRef for T {
    fn schema_ref() -> RefOr<Schema> {
        RefOr::Ref(utoipa::openapi::Ref::from_schema_name(T::name()))
    }
}

/// The answers of the layers, on one operation (a description already there is extended).
fn layers(operation: &mut Operation, post: bool) {
    let mut add = |status: &str, description: &str| {
        let responses = &mut operation.responses.responses;
        match responses.get_mut(status) {
            Some(RefOr::T(r)) if !r.description.contains(description) => {
                r.description = format!("{}; or {description}", r.description);
            }
            Some(_) => {}
            None => {
                responses.insert(status.into(), RefOr::T(Response::new(description)));
            }
        }
    };
    let params = operation.parameters.as_ref().is_some_and(|p| {
        p.iter().any(|p| matches!(p, RefOr::T(p) if matches!(p.parameter_in, ParameterIn::Path | ParameterIn::Query)))
    });
    if params {
        add("400", "a parameter cannot be read");
    }
    if post {
        add("403", "a cross-site request (CSRF: `Sec-Fetch-Site` / `Origin`), refused");
        add("413", "the body is over the limit (64 KB; a form with files: its files' limit)");
        add("429", "too many requests from this address (when rate limits are on)");
        add("400", "the body cannot be read as its declared type");
        add("415", "the body is neither a form (urlencoded or multipart) nor JSON");
        add(
            "422",
            "a field holds a control character (other than tab and line breaks) or is sent twice, named in `fields`",
        );
    }
    add("408", "the request took longer than 30 s");
    add("503", "the server's own fault (its database): nothing was recorded; try again later");
}

/// `district` and `topic` of an alert: one value (a form field once) or several.
pub fn one_or_many() -> RefOr<Schema> {
    let string = || ObjectBuilder::new().schema_type(Type::String);
    OneOfBuilder::new().item(string()).item(ArrayBuilder::new().items(string())).into()
}

/// A form's fields by name, as text (each form's own rules are its published JSON Schema,
/// `/schemas/forms/{id}.schema.json`).
#[derive(ToSchema)]
pub struct FormFields(BTreeMap<String, String>);

/// A form's fields by name, and its attached files (any field with a file name is a file).
pub struct FormFiles;

impl PartialSchema for FormFiles {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .property(
                "fisiere",
                ArrayBuilder::new().items(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary))),
                ),
            )
            .additional_properties(Some(String::schema()))
            .into()
    }
}

impl ToSchema for FormFiles {}

/// `GET /api/forms`: the published forms.
#[derive(ToSchema)]
pub struct FormList {
    forms: Vec<Form>,
}

/// What happened: `signed_in`, `check_your_email`, `confirmed`, `saved`, `deleted`, `unsubscribed`.
#[derive(ToSchema)]
pub struct Status {
    status: String,
}

/// A confirmed signature.
#[derive(ToSchema)]
pub struct Confirmed {
    /// `confirmed`
    status: String,
    /// The petition signed.
    petition: i64,
}

/// A new petition.
#[derive(ToSchema)]
pub struct Created {
    id: i64,
    /// Its page.
    url: String,
}

/// A case as its submitter sees it (`Case::public_view`).
#[derive(ToSchema)]
pub struct CaseView {
    number: String,
    /// The form's title.
    form: String,
    form_id: String,
    department: String,
    /// `registered`, `in_progress`, `forwarded`, `answered` or `filed`.
    status: String,
    registered_at: String,
    /// The deadline in force (extended or not), if the law sets one.
    due_on: Option<String>,
    original_due_on: Option<String>,
    extended: bool,
    extension_reason: Option<String>,
    forwarded_to: Option<String>,
    overdue: bool,
    answer: Option<String>,
    answered_at: Option<String>,
    /// The fields as submitted, labelled, in the form's order.
    fields: Vec<LabelledField>,
    attachments: Vec<AttachmentView>,
    history: Vec<HistoryEntry>,
}

#[derive(ToSchema)]
pub struct LabelledField {
    label: String,
    value: Value,
}

#[derive(ToSchema)]
pub struct AttachmentView {
    id: i64,
    name: String,
    /// As sniffed from its bytes.
    media_type: String,
    size: i64,
    sha256: String,
}

#[derive(ToSchema)]
pub struct HistoryEntry {
    at: String,
    action: String,
}

/// `GET /api/cont/export`: everything stored about the logged-in person.
#[derive(ToSchema)]
pub struct Export {
    account: ExportAccount,
    identities: Vec<ExportIdentity>,
    active_sessions: i64,
    submissions: Vec<MySubmission>,
}

#[derive(ToSchema)]
pub struct ExportAccount {
    email: Option<String>,
    name: String,
    role: String,
    created_at: String,
    email_verified_at: Option<String>,
    has_password: bool,
}

#[derive(ToSchema)]
pub struct ExportIdentity {
    provider: String,
    subject: String,
    assurance: String,
    created_at: String,
    /// The claims kept from the provider.
    claims_received: Value,
}

#[derive(ToSchema)]
pub struct MySubmission {
    number: String,
    form: String,
    registered_at: String,
    due_on: Option<String>,
    status: String,
    fields: Value,
}

/// A JWK Set (RFC 7517).
#[derive(ToSchema)]
pub struct Jwks {
    keys: Vec<BTreeMap<String, Value>>,
}

/// `GET /api/arhiva/cautare`: pages of the archive found, ten at a time.
#[derive(ToSchema)]
pub struct ArchiveResults {
    /// The query's words as searched: folded and stemmed.
    words: Vec<String>,
    hits: Vec<ArchiveHit>,
    /// Whether more results follow (ask again with `de_la` ten more).
    more: bool,
    /// False when the words are on too many pages to rank in time: the pages found first, in
    /// the archive's order.
    ranked: bool,
}

/// One scanned page found.
#[derive(ToSchema)]
pub struct ArchiveHit {
    /// The unit's title.
    unit: String,
    reference_code: String,
    /// "1920 – 1925".
    dates: String,
    /// The page's label: "f. 2".
    page: String,
    /// The viewer at this page: `/arhiva/<slug>/#pagina-2`.
    url: String,
    /// The text around the words found, in pieces; `hit` marks the words found. Plain text.
    snippet: Vec<ArchivePiece>,
}

#[derive(ToSchema)]
pub struct ArchivePiece {
    text: String,
    hit: bool,
}

/// A petition's last aggregated counts.
#[derive(ToSchema)]
pub struct Counts {
    petition: i64,
    confirmed: i64,
    /// Signatures by people identified with an eID.
    verified: i64,
    /// Confirmed signatures by district id (`""`: none given).
    by_district: BTreeMap<String, i64>,
    updated_at: String,
}

/// `GET /api/petitions.json`.
#[derive(ToSchema)]
pub struct OpenPetitions {
    /// `petition`
    r#type: String,
    count: i64,
    items: Vec<OpenPetitionItem>,
}

/// A public petition in the list (no text, no names).
#[derive(ToSchema)]
pub struct OpenPetitionItem {
    id: i64,
    title: String,
    /// None when the text was hidden for breaking the rules.
    action: Option<String>,
    /// `open`, `closed` or `rejected`.
    status: String,
    rejection_reason: Option<String>,
    text_hidden: bool,
    duplicate_of: Option<i64>,
    created_at: String,
    published_at: Option<String>,
    closes_on: Option<String>,
    response: Option<String>,
    response_at: Option<String>,
    debate: Option<String>,
    debate_at: Option<String>,
    /// The list's tab: `deschise`, `asteapta-raspuns`, `cu-raspuns`, `inchise`, `respinse`.
    stage: String,
    confirmed: i64,
    verified: i64,
}

/// A public petition's open-data document: no names, no addresses.
#[derive(ToSchema)]
pub struct OpenPetition {
    id: i64,
    title: String,
    /// None when the text was hidden for breaking the rules.
    body: Option<String>,
    action: Option<String>,
    status: String,
    rejection_reason: Option<String>,
    text_hidden: bool,
    duplicate_of: Option<i64>,
    created_at: String,
    published_at: Option<String>,
    closes_on: Option<String>,
    response: Option<String>,
    response_at: Option<String>,
    debate: Option<String>,
    debate_at: Option<String>,
    /// Its page.
    url: String,
    signatures: Signatures,
    thresholds: Vec<ThresholdState>,
    invalidations: Vec<InvalidationView>,
}

#[derive(ToSchema)]
pub struct Signatures {
    confirmed: i64,
    identity_verified: i64,
    by_district: BTreeMap<String, i64>,
    /// None before the first count.
    updated_at: Option<String>,
    hourly: Vec<Hourly>,
}

#[derive(ToSchema)]
pub struct Hourly {
    hour: String,
    confirmed: i64,
}

/// A threshold of the published rules, and whether and when it was reached.
#[derive(ToSchema)]
pub struct ThresholdState {
    signatures: i64,
    /// `answer` or `debate`.
    action: String,
    days: i64,
    reached: Option<Reached>,
    /// The legal clock started, in Romanian.
    explain: Option<String>,
}

#[derive(ToSchema)]
pub struct Reached {
    signatures: i64,
    action: String,
    reached_at: String,
    due_on: String,
}

#[derive(ToSchema)]
pub struct InvalidationView {
    reason: String,
    removed: i64,
    at: String,
}
