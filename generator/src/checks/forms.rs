//! The rules of a form definition that its schema cannot express: the fields must make a form
//! the API can answer (a reply address), the HTML can render and the published submission schema
//! can enforce.

use std::collections::HashSet;

use crate::diagnostics::did_you_mean;
use crate::load::Finding;
use crate::model::forms::{Field, FieldType, Form, FormKind, UPLOAD_FIELD};

/// Every problem of one form's definition.
pub fn check(file: &str, form: &Form, out: &mut Vec<Finding>) {
    let mut names: HashSet<String> = HashSet::new();
    let mut emails = 0;
    for (i, f) in form.fields.iter().enumerate() {
        let at = |field: &str| format!("/fields/{i}/{field}");
        let mut taken = vec![f.name.clone()];
        if f.field_type == FieldType::Location {
            taken.push(format!("{}_lat", f.name));
            taken.push(format!("{}_lon", f.name));
        }
        for name in taken {
            if name == UPLOAD_FIELD {
                out.push(Finding::new(
                    file,
                    &at("name"),
                    format!("`{UPLOAD_FIELD}` is the name of the file upload"),
                    "choose another name; files are set with `uploads:`",
                ));
            } else if !names.insert(name.clone()) {
                out.push(Finding::new(
                    file,
                    &at("name"),
                    format!("two fields are named `{name}`"),
                    "give every field its own name (a location field also takes `<name>_lat` and `<name>_lon`)",
                ));
            }
        }
        if f.name == "email" && emails == 0 {
            emails += 1;
            if f.field_type != FieldType::Email {
                out.push(Finding::new(
                    file,
                    &at("type"),
                    "the `email` field is where the answer is sent, so it must be of type `email`",
                    "write `type: email`",
                ));
            } else if !f.required && form.kind != FormKind::DraftComment {
                out.push(Finding::new(
                    file,
                    &at("required"),
                    "the `email` field is where the answer is sent: it cannot be optional",
                    "write `required: true`",
                ));
            }
        }
        check_field(file, i, f, form.kind, out);
    }
    if emails == 0 {
        out.push(Finding::new(
            file,
            "/fields",
            "no field is named `email`: the answer and the registration number are sent there",
            "add `- {name: email, label: Adresa de e-mail, type: email, required: true, autocomplete: email}`",
        ));
    }
    if form.kind == FormKind::DraftComment {
        match form.fields.iter().position(|f| f.name == "draft") {
            None => out.push(Finding::new(
                file,
                "/fields",
                "a `draft_comment` form needs a `draft` field: the draft the comments are about",
                "add `- {name: draft, label: Proiectul de hotărâre, type: select, required: true}` (the drafts in consultation fill its options)",
            )),
            Some(i) => {
                let f = &form.fields[i];
                if f.field_type != FieldType::Select {
                    out.push(Finding::new(
                        file,
                        &format!("/fields/{i}/type"),
                        "the `draft` field lists the drafts in consultation, so it is a `select`",
                        "write `type: select`",
                    ));
                } else if !f.options.is_empty() {
                    out.push(Finding::new(
                        file,
                        &format!("/fields/{i}/options"),
                        "the options of `draft` are the drafts in consultation on the day of the build",
                        "leave `options` out",
                    ));
                }
                if !f.required {
                    out.push(Finding::new(
                        file,
                        &format!("/fields/{i}/required"),
                        "a comment must name its draft",
                        "write `required: true`",
                    ));
                }
            }
        }
        match form.fields.iter().position(|f| f.name == "articles") {
            None => out.push(Finding::new(
                file,
                "/fields",
                "a `draft_comment` form needs an `articles` field: Law 52/2003 art. 7 asks which article(s) a recommendation concerns",
                "add `- {name: articles, label: Articolul (articolele) la care vă referiți, type: text, required: true}`",
            )),
            Some(i) if !form.fields[i].field_type.is_text() || !form.fields[i].required => out.push(Finding::new(
                file,
                &format!("/fields/{i}"),
                "`articles` must be a required text field",
                "write `type: text` and `required: true`",
            )),
            Some(_) => {}
        }
    }
    if form.deadline.is_none()
        && matches!(form.kind, FormKind::Petition | FormKind::InformationRequest | FormKind::Report)
    {
        out.push(Finding::new(
            file,
            "",
            "a petition, information request or report has a legal term for the answer, but no `deadline`",
            "add `deadline: {days: 30, unit: calendar_days, extension_days: 15, basis: \"art. 8 din OG nr. 27/2002\"}` (Law 544/2001: 10 days, complex_days 30)",
        ));
    }
    if let Some(deadline) = &form.deadline
        && let Some(d) = deadline.complex_days
        && d <= deadline.days
    {
        out.push(Finding::new(
            file,
            "/deadline/complex_days",
            format!("complex requests get {d} days, no more than the usual {}", deadline.days),
            "complex_days is the longer term (Law 544/2001: 30 days against 10)",
        ));
    }
}

fn check_field(file: &str, i: usize, f: &Field, kind: FormKind, out: &mut Vec<Finding>) {
    let at = |field: &str| format!("/fields/{i}/{field}");
    let t = f.field_type;
    if t.has_options() {
        let draft = kind == FormKind::DraftComment && f.name == "draft";
        if f.options.is_empty() && !draft {
            out.push(Finding::new(
                file,
                &at("type"),
                format!("a `{}` field needs `options` to choose from", t.name()),
                "add `options:` with `- {value: …, label: …}` lines",
            ));
        }
        let mut seen = HashSet::new();
        for (j, o) in f.options.iter().enumerate() {
            if !seen.insert(o.value.as_str()) {
                out.push(Finding::new(
                    file,
                    &format!("/fields/{i}/options/{j}/value"),
                    format!("two options have the value `{}`", o.value),
                    "give every option its own value",
                ));
            }
        }
    } else if !f.options.is_empty() {
        out.push(Finding::new(
            file,
            &at("options"),
            format!("a `{}` field has no options", t.name()),
            "remove `options`, or use `type: select` or `type: radio`",
        ));
    }
    if !t.is_text() {
        for (name, value) in [("min_length", f.min_length), ("max_length", f.max_length)] {
            if value.is_some() {
                out.push(Finding::new(
                    file,
                    &at(name),
                    format!("a `{}` field has no length", t.name()),
                    format!("remove `{name}`; it applies to text, textarea, email, tel and location fields"),
                ));
            }
        }
    }
    if let (Some(min), Some(max)) = (f.min_length, f.max_len())
        && max < min
    {
        out.push(Finding::new(
            file,
            &at(if f.max_length.is_some() { "max_length" } else { "min_length" }),
            format!("max_length {max} is below min_length {min}"),
            if f.max_length.is_some() {
                format!("set max_length to {min} or more")
            } else {
                format!("set max_length to {min} or more (the default for `{}` is {max})", t.name())
            },
        ));
    }
    if let Some(p) = &f.pattern {
        if !t.takes_pattern() {
            out.push(Finding::new(
                file,
                &at("pattern"),
                format!("a `{}` field takes no pattern", t.name()),
                "remove `pattern`; it applies to text, tel and email fields",
            ));
        } else if let Err(e) = jsonschema::validator_for(&serde_json::json!({ "pattern": format!("^(?:{p})$") })) {
            out.push(Finding::new(
                file,
                &at("pattern"),
                format!("`{p}` is not a valid regular expression: {}", first_line(&e.to_string())),
                "write an ECMAScript regular expression for the whole value, e.g. `[0-9]{6}` (quote it in YAML)",
            ));
        }
    }
    if let Some(a) = &f.autocomplete
        && !AUTOCOMPLETE.contains(&a.as_str())
    {
        let fix = match did_you_mean(a, AUTOCOMPLETE) {
            Some(g) => format!("did you mean `{g}`?"),
            None => {
                "use an HTML autocomplete token: name, email, tel, street-address, postal-code, organization, off …"
                    .to_owned()
            }
        };
        out.push(Finding::new(file, &at("autocomplete"), format!("`{a}` is not an autocomplete token"), fix));
    } else if f.autocomplete.as_deref() == Some("street-address") && t != FieldType::Textarea {
        out.push(Finding::new(
            file,
            &at("autocomplete"),
            format!(
                "`street-address` spans several lines, so HTML allows it only on a textarea, not on a `{}` field",
                t.name()
            ),
            "write `autocomplete: address-line1`, or make the field `type: textarea`",
        ));
    }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}

/// The HTML autocomplete field names a citizen's form may use.
const AUTOCOMPLETE: [&str; 33] = [
    "off",
    "on",
    "name",
    "honorific-prefix",
    "given-name",
    "additional-name",
    "family-name",
    "honorific-suffix",
    "nickname",
    "organization-title",
    "organization",
    "street-address",
    "address-line1",
    "address-line2",
    "address-line3",
    "address-level4",
    "address-level3",
    "address-level2",
    "address-level1",
    "country",
    "country-name",
    "postal-code",
    "language",
    "bday",
    "sex",
    "url",
    "tel",
    "tel-national",
    "tel-local",
    "email",
    "username",
    "bday-year",
    "tel-country-code",
];
