//! Forms on the site: the view a template renders as a plain HTML form, the published
//! definitions the API reads (`/data/forms.json`) and the JSON Schema of a submission
//! (`/schemas/forms/<id>.schema.json`). The API validates what it receives against that schema,
//! so the rules written in `content/forms/` are enforced in the browser and on the server alike.

use civic_contract as contract;
use civic_workdays::{Calendar, Deadline, format_date_ro};
use jiff::civil::Date;
use serde_json::{Value, json};

use super::Site;
use crate::config::SiteConfig;
use crate::load::Item;
use crate::model::Data;
use crate::model::decisions::{DraftDecision, DraftStatus};
use crate::model::forms::{Field, FieldType, Form, FormKind, UPLOAD_FIELD};

/// Where a form posts: `<api_url>/api/forms/<id>`.
pub fn action(config: &SiteConfig, id: &str) -> String {
    format!("{}/api/forms/{id}", config.api_url.trim_end_matches('/'))
}

/// A draft takes comments on `now`: in consultation, announced, and its deadline not passed.
pub fn consultation_open(d: &DraftDecision, now: Date) -> bool {
    d.status == DraftStatus::InConsultare
        && d.consultation.announced_on.civil() <= now
        && now <= d.consultation.comments_deadline.civil()
}

/// The drafts that take comments on `now`, soonest deadline first.
pub fn open_drafts<'a>(drafts: &[&'a Item], now: Date) -> Vec<&'a Item> {
    let mut open: Vec<&Item> = drafts
        .iter()
        .copied()
        .filter(|i| matches!(&*i.data, Data::DraftDecision(d) if consultation_open(d, now)))
        .collect();
    open.sort_by_key(|i| match &*i.data {
        Data::DraftDecision(d) => (d.consultation.comments_deadline, i.id().to_owned()),
        _ => unreachable!("only drafts"),
    });
    open
}

/// The choices of a comment form's `draft` field.
fn draft_options(open: &[&Item]) -> Vec<contract::Choice> {
    open.iter()
        .filter_map(|i| match &*i.data {
            Data::DraftDecision(d) => Some(contract::Choice {
                value: i.id().to_owned(),
                label: format!(
                    "{}: {} (recomandări până la {})",
                    d.draft_no,
                    d.envelope.title,
                    format_date_ro(d.consultation.comments_deadline.civil())
                ),
            }),
            _ => None,
        })
        .collect()
}

/// The value of a `pattern` attribute and of a schema's `pattern` for a field's own rule.
fn anchored(pattern: &str) -> String {
    format!("^(?:{pattern})$")
}

/// A decimal number, as a browser's number input sends it.
const NUMBER: &str = r"^-?[0-9]+(\.[0-9]+)?$";
const LATITUDE: &str = r"^-?([0-8]?[0-9](\.[0-9]{1,8})?|90(\.0{1,8})?)$";
const LONGITUDE: &str = r"^-?((1[0-7][0-9]|[0-9]?[0-9])(\.[0-9]{1,8})?|180(\.0{1,8})?)$";

/// What a template needs to render `form` as an HTML form. On a draft's page, `draft` is that
/// draft's id: the `draft` field becomes a hidden input.
pub fn view(item: &Item, form: &Form, config: &SiteConfig, open: &[&Item], draft: Option<&str>) -> Value {
    let prefix = if draft.is_some() { "c-" } else { "f-" };
    let mut hidden = Vec::new();
    let mut fields = Vec::new();
    let mut closed = false;
    for f in &form.fields {
        let is_draft = form.kind == FormKind::DraftComment && f.name == "draft";
        if is_draft && let Some(id) = draft {
            hidden.push(json!({"name": f.name, "value": id}));
            continue;
        }
        let mut options: Vec<Value> = f.options.iter().map(|o| json!({"value": o.value, "label": o.label})).collect();
        if is_draft {
            options = draft_options(open).iter().map(|c| json!(c)).collect();
            closed = options.is_empty();
        }
        let id = format!("{prefix}{}", f.name);
        fields.push(json!({
            "name": f.name,
            "id": id,
            "hint_id": f.hint.as_ref().map(|_| format!("{id}-hint")),
            "label": f.label,
            "type": f.field_type.name(),
            "required": f.required,
            "minlength": f.min_length,
            "maxlength": f.max_len(),
            "pattern": f.pattern,
            "options": options,
            "hint": f.hint,
            "autocomplete": f.autocomplete,
            "lat": format!("{}_lat", f.name),
            "lon": format!("{}_lon", f.name),
        }));
    }
    json!({
        "id": item.id(),
        "action": action(config, item.id()),
        "fields": fields,
        "hidden": hidden,
        "closed": closed,
        "prefix": prefix,
        "upload_name": UPLOAD_FIELD,
        "uploads": form.uploads.as_ref().map(|u| json!({
            "max_files": u.max_files,
            "max_bytes": u.max_bytes,
            "accept": u.types.iter().map(|t| t.0.as_str()).collect::<Vec<_>>().join(","),
            "formats": u.types.iter().map(|t| format_name(&t.0)).collect::<Vec<_>>().join(", "),
        })),
    })
}

/// "application/pdf" → "PDF", for people.
fn format_name(media_type: &str) -> String {
    match media_type {
        "application/pdf" => "PDF".into(),
        "image/jpeg" => "JPEG".into(),
        "image/png" => "PNG".into(),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "DOCX".into(),
        "application/vnd.oasis.opendocument.text" => "ODT".into(),
        other => other.rsplit('/').next().unwrap_or(other).to_uppercase(),
    }
}

/// The response term in Romanian, with an example computed from today: what a submission
/// registered today would be answered by.
pub fn deadline_view(form: &Form, calendar: &Calendar, now: Date) -> Value {
    let Some(d) = &form.deadline else {
        return Value::Null;
    };
    let count = |n: u32| -> Deadline { d.unit.count(calendar, now, n) };
    let example = count(d.days);
    json!({
        "days": d.days,
        "unit": d.unit,
        "extension_days": d.extension_days,
        "complex_days": d.complex_days,
        "basis": d.basis,
        "today_ro": format_date_ro(now),
        "due_ro": format_date_ro(example.due),
        "explanation": example.explain_ro(),
        "complex_explanation": d.complex_days.map(|n| count(n).explain_ro()),
    })
}

/// One form as `/data/forms.json` lists it.
fn definition(item: &Item, form: &Form, config: &SiteConfig, open: &[&Item]) -> contract::Form {
    contract::Form {
        id: item.id().to_owned(),
        title: form.envelope.title.clone(),
        summary: form.envelope.summary.clone(),
        url: item.url(),
        action: action(config, item.id()),
        kind: form.kind,
        assurance: form.assurance,
        legal_basis: form
            .legal_basis
            .iter()
            .map(|l| contract::LegalBasis { act: l.act.clone(), article: l.article.clone(), url: l.url.clone() })
            .collect(),
        department: form.department.clone(),
        deadline: form.deadline.as_ref().map(|d| contract::DeadlineRule {
            days: d.days,
            unit: d.unit,
            extension_days: d.extension_days,
            complex_days: d.complex_days,
            basis: Some(d.basis.clone()),
        }),
        attachments: form.uploads.as_ref().map(|u| contract::AttachmentRules {
            max_files: u.max_files as usize,
            max_bytes: u.max_bytes as usize,
            types: u.types.iter().map(|t| t.0.clone()).collect(),
        }),
        fields: form
            .fields
            .iter()
            .map(|f| contract::Field {
                name: f.name.clone(),
                label: f.label.clone(),
                kind: f.field_type,
                required: f.required,
                max_length: f.max_len(),
                min_length: f.min_length,
                pattern: f.pattern.clone(),
                options: if form.kind == FormKind::DraftComment && f.name == "draft" {
                    draft_options(open)
                } else {
                    f.options
                        .iter()
                        .map(|o| contract::Choice { value: o.value.clone(), label: o.label.clone() })
                        .collect()
                },
                hint: f.hint.clone(),
                autocomplete: f.autocomplete.clone(),
            })
            .collect(),
        privacy_notice_html: civic_theme::markdown::to_html(&form.privacy_notice),
        schema: schema_url(item.id()),
    }
}

pub fn schema_url(id: &str) -> String {
    contract::files::submission_schema(id)
}

/// The forms of the site and the drafts open today.
pub fn forms(site: &Site) -> (Vec<(&Item, &Form)>, Vec<&Item>) {
    let forms: Vec<(&Item, &Form)> = site
        .items
        .iter()
        .filter_map(|i| match &*i.data {
            Data::Form(f) => Some((i, f)),
            _ => None,
        })
        .collect();
    let drafts: Vec<&Item> = site.items.iter().filter(|i| matches!(&*i.data, Data::DraftDecision(_))).collect();
    (forms, open_drafts(&drafts, site.now))
}

/// `/data/forms.json`: every form's definition, for the API.
pub fn forms_json(site: &Site) -> contract::FormsFile {
    let (forms, open) = forms(site);
    contract::FormsFile {
        kind: "form".into(),
        registration_prefix: site.config.registration_prefix.clone(),
        count: forms.len(),
        forms: forms.iter().map(|(i, f)| definition(i, f, &site.config, &open)).collect(),
    }
}

/// The JSON Schema (draft 2020-12) of one submission's text fields, as an HTML form posts them:
/// every value a string.
pub fn submission_schema(item: &Item, form: &Form, open: &[&Item]) -> Value {
    let mut properties = serde_json::Map::new();
    let mut required = Vec::new();
    for f in &form.fields {
        if f.required {
            required.push(Value::from(f.name.clone()));
        }
        let mut p = field_schema(f);
        if form.kind == FormKind::DraftComment && f.name == "draft" {
            // Only the drafts open on the day of the build; the API also checks the deadline.
            p["enum"] = open.iter().map(|i| Value::from(i.id())).collect::<Vec<_>>().into();
        }
        properties.insert(f.name.clone(), p);
        if f.field_type == FieldType::Location {
            for (suffix, pattern, what) in [("lat", LATITUDE, "Latitudinea"), ("lon", LONGITUDE, "Longitudinea")] {
                let mut p = json!({"type": "string", "maxLength": 20, "title": format!("{what} (WGS84)")});
                let mut rules = serde_json::Map::new();
                rules.insert("pattern".into(), pattern.into());
                optional(&mut p, rules);
                properties.insert(format!("{}_{suffix}", f.name), p);
            }
        }
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": schema_url(item.id()),
        "title": form.envelope.title,
        "description": format!("A submission of the form `{}`, as its HTML form posts it (files apart).", item.id()),
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    })
}

fn field_schema(f: &Field) -> Value {
    let mut base = json!({"type": "string", "title": f.label});
    let mut rules = serde_json::Map::new();
    if let Some(n) = f.max_len() {
        base["maxLength"] = n.into();
    }
    if let Some(n) = f.min_length {
        rules.insert("minLength".into(), n.into());
    }
    if let Some(pattern) = &f.pattern {
        rules.insert("pattern".into(), anchored(pattern).into());
    }
    match f.field_type {
        FieldType::Email => {
            rules.insert("format".into(), "email".into());
        }
        FieldType::Date => {
            rules.insert("format".into(), "date".into());
            rules.insert("pattern".into(), r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$".into());
        }
        FieldType::Number => {
            rules.insert("pattern".into(), NUMBER.into());
            base["maxLength"] = 30.into();
        }
        FieldType::Checkbox => {
            rules.insert("enum".into(), json!(["on"]));
        }
        FieldType::Select | FieldType::Radio => {
            rules.insert(
                "enum".into(),
                f.options.iter().map(|x| Value::from(x.value.clone())).collect::<Vec<_>>().into(),
            );
        }
        _ => {}
    }
    if f.required {
        // A required field left empty is posted as "".
        if f.field_type.is_text() && !rules.contains_key("minLength") {
            rules.insert("minLength".into(), 1.into());
        }
        base.as_object_mut().expect("object").extend(rules);
    } else {
        optional(&mut base, rules);
    }
    base
}

/// An optional field left empty is posted as "": allowed besides the field's own rules.
fn optional(base: &mut Value, rules: serde_json::Map<String, Value>) {
    if !rules.is_empty() {
        base["anyOf"] = json!([{"const": ""}, Value::Object(rules)]);
    }
}
