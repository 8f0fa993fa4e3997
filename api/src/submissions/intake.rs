//! Reading a submission: the form's text fields and its attached files, from a browser's
//! `multipart/form-data` or urlencoded post, or a JSON object. Files are limited while they
//! stream in, and their type is sniffed from their bytes, never trusted from their name.

use std::collections::{BTreeMap, HashSet};

use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult, FieldError};
use crate::input;
use crate::published::Form;

/// One attached file, checked.
pub struct Upload {
    pub file_name: String,
    pub media_type: String,
    pub sha256: String,
    pub bytes: Vec<u8>,
}

pub struct Intake {
    pub fields: BTreeMap<String, String>,
    pub files: Vec<Upload>,
}

/// Human names of the media types forms accept.
fn type_name(media_type: &str) -> &str {
    match media_type {
        "application/pdf" => "PDF",
        "image/jpeg" => "JPEG",
        "image/png" => "PNG",
        "image/webp" => "WebP",
        "image/tiff" => "TIFF",
        other => other,
    }
}

fn file_error(message: String) -> ApiError {
    ApiError::unprocessable(
        "Un fișier atașat nu poate fi primit.",
        vec![FieldError { field: "fisiere".into(), label: "Fișiere atașate".into(), message }],
    )
}

pub async fn read(request: Request, form: &Form) -> ApiResult<Intake> {
    let content_type =
        request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    if content_type.starts_with("application/json") {
        let body = input::text_body(request).await?;
        let fields = input::json::<BTreeMap<String, Value>>(&body)?
            .into_iter()
            .map(|(k, v)| match v {
                Value::String(text) => Ok((k, text)),
                _ => Err(ApiError::bad_request(format!(
                    "Corpul JSON trebuie să fie un obiect cu text: „{k}” nu este un șir de caractere."
                ))),
            })
            .collect::<ApiResult<_>>()?;
        return Ok(Intake { fields, files: vec![] });
    }
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let body = input::text_body(request).await?;
        return Ok(Intake { fields: input::form_pairs(&body)?.into_iter().collect(), files: vec![] });
    }
    let mut multipart = Multipart::from_request(request, &()).await.map_err(|_| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Trimiteți formularul din pagina lui (multipart/form-data) sau ca obiect JSON.",
        )
    })?;
    let rules = form.attachments.as_ref();
    let mut intake = Intake { fields: BTreeMap::new(), files: vec![] };
    let bad_body = |e: axum::extract::multipart::MultipartError| {
        ApiError::new(e.status(), format!("Formularul nu a putut fi citit până la capăt: {}", e.body_text()))
    };
    let mut seen = HashSet::new();
    let mut text_bytes = 0;
    while let Some(mut field) = multipart.next_field().await.map_err(bad_body)? {
        let name = field.name().unwrap_or_default().to_owned();
        let Some(file_name) = field.file_name().map(str::to_owned) else {
            // Text fields share the limit of a body without files, counted as they stream in.
            let mut text = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(bad_body)? {
                text_bytes += chunk.len();
                if text_bytes > input::TEXT_LIMIT {
                    return Err(input::too_large());
                }
                text.extend_from_slice(&chunk);
            }
            let text = String::from_utf8(text)
                .map_err(|_| ApiError::bad_request(format!("Câmpul „{name}” nu este text UTF-8.")))?;
            input::check_text(&name, &text)?;
            input::check_once(&mut seen, &name)?;
            intake.fields.insert(name, text);
            continue;
        };
        let mut bytes = Vec::new();
        let max = rules.map_or(0, |r| r.max_bytes);
        while let Some(chunk) = field.chunk().await.map_err(bad_body)? {
            bytes.extend_from_slice(&chunk);
            if bytes.len() > max {
                break;
            }
        }
        if file_name.is_empty() && bytes.is_empty() {
            continue; // the file input was left empty
        }
        let Some(rules) = rules else {
            return Err(file_error("acest formular nu primește fișiere atașate".into()));
        };
        let shown = file_name.chars().take(100).collect::<String>();
        if bytes.len() > rules.max_bytes {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "Fișierul „{shown}” depășește {} MB, cât se poate atașa. Micșorați-l (de exemplu scanați la 150 dpi) și trimiteți din nou.",
                    rules.max_bytes / 1_048_576
                ),
            ));
        }
        if intake.files.len() >= rules.max_files {
            return Err(file_error(format!("se pot atașa cel mult {} fișiere", rules.max_files)));
        }
        let sniffed = infer::get(&bytes).map(|t| t.mime_type().to_owned());
        let allowed = rules.types.iter().map(|t| type_name(t)).collect::<Vec<_>>().join(", ");
        let media_type = match sniffed {
            Some(t) if rules.types.contains(&t) => t,
            _ => {
                return Err(file_error(format!(
                    "„{shown}” nu este un fișier {allowed} (tipul se recunoaște după conținut, nu după nume)"
                )));
            }
        };
        intake.files.push(Upload { file_name: shown, media_type, sha256: hex::encode(Sha256::digest(&bytes)), bytes });
    }
    Ok(intake)
}
