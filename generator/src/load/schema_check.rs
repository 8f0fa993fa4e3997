//! Validates a front matter against its type's JSON Schema and turns every violation into a
//! diagnostic that says where, what was expected, and what to write instead.

use jsonschema::Validator;
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::Value;

use super::yaml::Positions;
use crate::diagnostics::{Diagnostic, did_you_mean};
use crate::model::Kind;

/// A compiled schema for one content type, with the schema itself for hints.
pub struct TypeSchema {
    pub schema: Value,
    validator: Validator,
}

impl TypeSchema {
    pub fn new(kind: Kind) -> TypeSchema {
        TypeSchema::from_schema(kind.schema())
    }

    pub fn from_schema(schema: Value) -> TypeSchema {
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&schema)
            .expect("the generated content schemas are valid JSON Schema");
        TypeSchema { schema, validator }
    }

    /// Every violation in `value`, as diagnostics for `file`.
    pub fn check(&self, file: &str, value: &Value, positions: &Positions) -> Vec<Diagnostic> {
        let mut out: Vec<Diagnostic> = self
            .validator
            .iter_errors(value)
            .flat_map(|e| self.describe(file, e.instance_path().as_str(), e.kind(), e.instance(), positions))
            .collect();
        out.sort();
        out.dedup();
        out
    }

    fn describe(
        &self,
        file: &str,
        pointer: &str,
        kind: &ValidationErrorKind,
        instance: &Value,
        positions: &Positions,
    ) -> Vec<Diagnostic> {
        let field = dotted(pointer);
        let at_value = positions.of_value(pointer);
        let here = |message: String| Diagnostic::new(file, at_value.line, at_value.column, message).field(&field);
        let one = |d: Diagnostic| vec![d];
        match kind {
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let allowed = self.property_names(pointer);
                unexpected
                    .iter()
                    .map(|name| {
                        let child = format!("{pointer}/{name}");
                        let at = positions.of_key(&child);
                        let d = Diagnostic::new(file, at.line, at.column, format!("unknown field `{name}`"))
                            .field(dotted(&child));
                        match did_you_mean(name, allowed.iter().map(String::as_str)) {
                            Some(guess) => d.fix(format!("did you mean `{guess}`?")),
                            None => d.fix(format!("remove it, or use one of: {}", allowed.join(", "))),
                        }
                    })
                    .collect()
            }
            ValidationErrorKind::Required { property } => {
                let name = property.as_str().unwrap_or_default();
                let child = format!("{pointer}/{name}");
                let hint = self
                    .at(&child)
                    .and_then(|s| s.get("description"))
                    .and_then(Value::as_str)
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default();
                let example = self.example(&child).map(|e| format!(", e.g. `{name}: {e}`")).unwrap_or_default();
                let at = positions.of_key(pointer);
                one(Diagnostic::new(file, at.line, at.column, format!("missing required field `{name}`"))
                    .field(dotted(&child))
                    .fix(format!("add `{name}:`{hint}{example}")))
            }
            ValidationErrorKind::Enum { options } => {
                let options: Vec<&str> = options.as_array().into_iter().flatten().filter_map(Value::as_str).collect();
                let wrong = instance.as_str().unwrap_or_default();
                let fix = match did_you_mean(wrong, options.iter().copied()) {
                    Some(guess) => format!("did you mean `{guess}`?"),
                    None => format!("use one of: {}", options.join(", ")),
                };
                one(here(format!("`{}` is not an allowed value", short(instance))).fix(fix))
            }
            ValidationErrorKind::Type { kind } => {
                let expected = match kind {
                    TypeKind::Single(t) => t.to_string(),
                    TypeKind::Multiple(ts) => ts.iter().map(|t| t.to_string()).collect::<Vec<_>>().join(" or "),
                };
                let fix = match self.example(pointer) {
                    Some(e) => format!("write {} here, e.g. `{e}`", article(&expected)),
                    None => format!("write {} here", article(&expected)),
                };
                one(here(format!(
                    "expected {}, found {} `{}`",
                    article(&expected),
                    json_type(instance),
                    short(instance)
                ))
                .fix(fix))
            }
            ValidationErrorKind::Format { format } => {
                let fix = match format.as_str() {
                    "date" => "write the date as YYYY-MM-DD, e.g. 2025-03-27".to_owned(),
                    "date-time" => "write the date, time and UTC offset, e.g. 2025-04-03T10:00:00+03:00".to_owned(),
                    "email" => "write an e-mail address, e.g. registratura@primarie.ro".to_owned(),
                    "uri" => "write a full address starting with https://".to_owned(),
                    other => format!("write a valid {other}"),
                };
                one(here(format!("`{}` is not a valid {format}", short(instance))).fix(fix))
            }
            ValidationErrorKind::Pattern { pattern } => {
                let hint = self.at(pointer).and_then(|s| s.get("description")).and_then(Value::as_str);
                let fix = if pattern.starts_with("^https?") {
                    "write a web address starting with https://".to_owned()
                } else {
                    hint.map_or_else(|| format!("it must match {pattern}"), |d| format!("{d} (pattern {pattern})"))
                };
                one(here(format!("`{}` has the wrong shape", short(instance))).fix(fix))
            }
            ValidationErrorKind::MinItems { limit } => {
                one(here(format!("needs at least {limit} item(s)"))
                    .fix("add the missing list items, one per `- ` line"))
            }
            ValidationErrorKind::MinLength { limit } => {
                one(here(format!("is too short (at least {limit} characters)")).fix("write the full text"))
            }
            ValidationErrorKind::MaxLength { limit } => {
                one(here(format!("is too long (at most {limit} characters)"))
                    .fix("shorten it; put the rest in the body"))
            }
            ValidationErrorKind::Minimum { limit } => {
                one(here(format!("`{}` is below the minimum {limit}", short(instance))).fix("check the number"))
            }
            ValidationErrorKind::Maximum { limit } => {
                one(here(format!("`{}` is above the maximum {limit}", short(instance))).fix("check the number"))
            }
            other => one(here(format!("{other:?}"))),
        }
    }

    /// The sub-schema describing the value at `pointer`, following `$ref`s.
    fn at(&self, pointer: &str) -> Option<&Value> {
        let mut schema = self.resolve(&self.schema)?;
        for segment in pointer.split('/').skip(1) {
            schema = if let Some(props) = schema.get("properties") {
                self.resolve(props.get(segment)?)?
            } else if let Some(items) = schema.get("items") {
                self.resolve(items)?
            } else {
                return None;
            };
        }
        Some(schema)
    }

    fn resolve<'a>(&'a self, mut schema: &'a Value) -> Option<&'a Value> {
        loop {
            if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
                let name = r.strip_prefix("#/$defs/")?;
                schema = self.schema.get("$defs")?.get(name)?;
            } else if let Some(first) = schema.get("anyOf").and_then(|a| a.get(0)) {
                schema = first;
            } else {
                return Some(schema);
            }
        }
    }

    fn property_names(&self, pointer: &str) -> Vec<String> {
        self.at(pointer)
            .and_then(|s| s.get("properties"))
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    }

    fn example(&self, pointer: &str) -> Option<String> {
        let s = self.at(pointer)?;
        if let Some(e) = s.get("examples").and_then(|e| e.get(0)) {
            return Some(short(e));
        }
        let options = s.get("enum")?.as_array()?;
        Some(options.iter().map(short).collect::<Vec<_>>().join(" | "))
    }
}

/// `/attachments/0/path` → `attachments[0].path`.
pub fn dotted(pointer: &str) -> String {
    let mut out = String::new();
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        if segment.chars().all(|c| c.is_ascii_digit()) && !segment.is_empty() {
            out.push_str(&format!("[{segment}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&segment);
        }
    }
    out
}

fn short(v: &Value) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > 40 { format!("{}…", text.chars().take(40).collect::<String>()) } else { text }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn article(t: &str) -> String {
    match t {
        "integer" => "a whole number".into(),
        "number" => "a number".into(),
        "string" => "text".into(),
        "boolean" => "true or false".into(),
        "array" => "a list".into(),
        "object" => "a mapping of fields".into(),
        other => other.into(),
    }
}
