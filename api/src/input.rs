//! What a request body may hold, checked before a handler sees it. A text body (urlencoded or
//! JSON) is read only up to [`TEXT_LIMIT`]; text holds no control characters but tabs and line
//! breaks (a NUL byte is never stored); each field comes once (a repeated field would otherwise
//! keep one of its values silently).

use std::cell::RefCell;
use std::collections::HashSet;
use std::fmt;

use axum::body::Bytes;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::error::{ApiError, ApiResult, FieldError};

/// The most a body without files may hold: forms' text fields, JSON clients' objects.
pub const TEXT_LIMIT: usize = 64 * 1024;

/// The answer to a body over its limit, before or while it is read.
pub fn too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "Ce ați trimis depășește dimensiunea permisă (64 KB de text, fără fișiere). Scurtați textul și trimiteți din nou.",
    )
}

/// Reads a text body, refusing it unread when its declared length is over the limit and
/// stopping at the limit otherwise.
pub async fn text_body(request: Request) -> ApiResult<Bytes> {
    let declared =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > TEXT_LIMIT as u64) {
        return Err(too_large());
    }
    axum::body::to_bytes(request.into_body(), TEXT_LIMIT).await.map_err(|e| {
        if std::error::Error::source(&e).is_some_and(|s| s.is::<http_body_util::LengthLimitError>()) {
            too_large()
        } else {
            ApiError::bad_request("Cererea nu a putut fi citită până la capăt. Trimiteți-o din nou.")
        }
    })
}

fn field_problem(field: &str, message: String) -> ApiError {
    ApiError::unprocessable(
        "Cererea nu a fost primită: corectați câmpul de mai jos.",
        vec![FieldError { field: field.to_owned(), label: field.to_owned(), message }],
    )
}

/// The first control character of `text` other than tab, line feed and carriage return.
fn control_char(text: &str) -> Option<char> {
    text.chars().find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

fn control_message(c: char) -> String {
    format!(
        "conține un caracter de control (U+{:04X}), care nu poate fi primit; ștergeți-l (de obicei vine dintr-un text copiat) și trimiteți din nou",
        c as u32
    )
}

fn duplicate_message() -> String {
    "apare de mai multe ori în cerere; trimiteți-l o singură dată".into()
}

/// Checks one text field.
pub fn check_text(field: &str, value: &str) -> ApiResult<()> {
    match control_char(field).or_else(|| control_char(value)) {
        Some(c) => Err(field_problem(field, control_message(c))),
        None => Ok(()),
    }
}

/// Checks that `field` was not seen before, remembering it.
pub fn check_once(seen: &mut HashSet<String>, field: &str) -> ApiResult<()> {
    if seen.insert(field.to_owned()) { Ok(()) } else { Err(field_problem(field, duplicate_message())) }
}

/// The fields of an urlencoded body, each checked and each once.
pub fn form_pairs(body: &[u8]) -> ApiResult<Vec<(String, String)>> {
    let pairs = form_values(body)?;
    let mut seen = HashSet::new();
    for (k, _) in &pairs {
        check_once(&mut seen, k)?;
    }
    Ok(pairs)
}

/// The fields of an urlencoded body, each checked, repeated ones as they come.
fn form_values(body: &[u8]) -> ApiResult<Vec<(String, String)>> {
    form_urlencoded::parse(body)
        .map(|(k, v)| {
            check_text(&k, &v)?;
            Ok((k.into_owned(), v.into_owned()))
        })
        .collect()
}

/// An urlencoded body as `T`, after [`form_pairs`]' checks.
pub fn form<T: DeserializeOwned>(body: &[u8]) -> ApiResult<T> {
    form_pairs(body)?;
    serde_urlencoded::from_bytes(body)
        .map_err(|e| ApiError::bad_request(format!("Formularul nu a putut fi citit: {e}")))
}

/// An urlencoded body whose fields may repeat (a list of checkboxes: `topic=a&topic=b`) as
/// `T`, each value checked; a repeated field is read as a list.
pub fn form_with_lists<T: DeserializeOwned>(body: &[u8]) -> ApiResult<T> {
    let mut map = serde_json::Map::new();
    for (k, v) in form_values(body)? {
        match map.get_mut(&k) {
            None => {
                map.insert(k, Value::String(v));
            }
            Some(Value::Array(a)) => a.push(Value::String(v)),
            Some(old) => *old = Value::Array(vec![old.take(), Value::String(v)]),
        }
    }
    serde_json::from_value(Value::Object(map))
        .map_err(|e| ApiError::bad_request(format!("Formularul nu a putut fi citit: {e}")))
}

/// A JSON body as `T`, after checking every string and key in it and that no object repeats a key.
pub fn json<T: DeserializeOwned>(body: &[u8]) -> ApiResult<T> {
    let found = RefCell::new(None);
    let mut d = serde_json::Deserializer::from_slice(body);
    if let Err(e) = (Walk { field: None, found: &found }).deserialize(&mut d) {
        return Err(match found.into_inner() {
            Some(problem) => problem,
            None => ApiError::bad_request(format!("Corpul JSON nu este valid: {e}")),
        });
    }
    serde_json::from_slice(body).map_err(|e| ApiError::bad_request(format!("Corpul JSON nu este valid: {e}")))
}

/// Walks a JSON document, keeping the first problem found: a control character in a string or
/// a key, a key repeated in one object. `field` is the top-level key the value is under.
struct Walk<'a> {
    field: Option<String>,
    found: &'a RefCell<Option<ApiError>>,
}

impl Walk<'_> {
    fn fail<E: serde::de::Error>(&self, field: &str, message: String) -> E {
        *self.found.borrow_mut() = Some(field_problem(field, message));
        E::custom("refused")
    }
}

impl<'de> DeserializeSeed<'de> for Walk<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        match control_char(v) {
            Some(c) => Err(self.fail(self.field.as_deref().unwrap_or("(corpul cererii)"), control_message(c))),
            None => Ok(()),
        }
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Walk { field: self.field.clone(), found: self.found })?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let field = self.field.clone().unwrap_or_else(|| key.clone());
            if let Some(c) = control_char(&key) {
                return Err(self.fail(&field, control_message(c)));
            }
            if !seen.insert(key.clone()) {
                return Err(self.fail(&key, duplicate_message()));
            }
            map.next_value_seed(Walk { field: Some(field), found: self.found })?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused_field(e: ApiError) -> (String, String) {
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", e.error);
        (e.fields[0].field.clone(), e.fields[0].message.clone())
    }

    #[test]
    fn control_characters_are_refused_but_tabs_and_line_breaks_are_text() {
        assert!(form_pairs(b"descriere=rand+1%0D%0Arand%092").is_ok());
        let (field, message) = refused_field(form_pairs(b"nume=Ana%00Pop").unwrap_err());
        assert_eq!(field, "nume");
        assert!(message.contains("U+0000"), "{message}");
        assert_eq!(refused_field(form_pairs(b"a%01=x").unwrap_err()).0, "a\u{1}");
        let (field, _) = refused_field(
            json::<serde_json::Value>(br#"{"nume": "ok", "adresa": {"strada": ["x\u001b"]}}"#).unwrap_err(),
        );
        assert_eq!(field, "adresa", "a nested string names its top-level field");
        assert!(json::<serde_json::Value>(br#"{"descriere": "r\u00e2nd 1\nr\u00e2nd\t2"}"#).is_ok());
    }

    #[test]
    fn a_repeated_field_is_refused_by_name() {
        assert_eq!(refused_field(form_pairs(b"email=a%40x.ro&nume=A&email=b%40x.ro").unwrap_err()).0, "email");
        assert_eq!(
            refused_field(json::<serde_json::Value>(br#"{"email": "a", "email": "b"}"#).unwrap_err()).0,
            "email"
        );
        assert!(json::<serde_json::Value>(br#"[{"email": "a"}, {"email": "b"}]"#).is_ok(), "separate objects");
    }

    #[test]
    fn a_body_that_is_not_json_is_a_400() {
        assert_eq!(json::<serde_json::Value>(b"{\"a\": ").unwrap_err().status, StatusCode::BAD_REQUEST);
    }
}
