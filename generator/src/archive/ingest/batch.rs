//! A batch's `metadata.csv`: one row per unit, each checked, and the rows that can be ingested.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde_json::Value;

use crate::diagnostics::Diagnostic;
use crate::model::envelope::Rel;

/// The metadata file every batch has at its top.
pub const METADATA: &str = "metadata.csv";

/// The CSV columns; the first nine are required.
pub const COLUMNS: [&str; 18] = [
    "folder",
    "reference_code",
    "title",
    "fonds",
    "date_start",
    "date_end",
    "extent",
    "languages",
    "rights",
    "access",
    "series",
    "access_reason",
    "access_until",
    "notes",
    "related",
    "summary",
    "description",
    "published_at",
];
const REQUIRED: usize = 9;

/// One CSV row that passed the checks.
pub(super) struct Row {
    pub line: usize,
    pub id: String,
    pub folder: String,
    pub fields: HashMap<&'static str, String>,
    pub related: Vec<(Rel, String)>,
}

/// Reads `metadata.csv`: the rows that can be ingested, and a diagnostic for each that cannot.
/// Also returns every folder a row names, good or bad.
pub(super) fn read_rows(batch: &Path) -> RowsRead {
    let path = batch.join(METADATA);
    let file = std::fs::File::open(&path).map_err(|e| {
        vec![Diagnostic::new(METADATA, 0, 0, format!("cannot read the batch's metadata: {e}")).fix(format!(
            "a batch is a folder with {METADATA} (one row per unit) and one folder of page images per unit"
        ))]
    })?;
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(file);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| vec![Diagnostic::new(METADATA, 1, 0, format!("cannot read the header row: {e}"))])?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let mut problems = Vec::new();
    for h in &headers {
        if !COLUMNS.contains(&h.as_str()) {
            let fix = match crate::diagnostics::did_you_mean(h, COLUMNS) {
                Some(g) => format!("did you mean `{g}`?"),
                None => format!("the columns are: {}", COLUMNS.join(", ")),
            };
            problems.push(Diagnostic::new(METADATA, 1, 0, format!("unknown column `{h}`")).field(h.clone()).fix(fix));
        }
    }
    let missing: Vec<&str> = COLUMNS[..REQUIRED].iter().copied().filter(|c| !headers.iter().any(|h| h == c)).collect();
    if !missing.is_empty() {
        problems.push(
            Diagnostic::new(METADATA, 1, 0, format!("missing column(s): {}", missing.join(", ")))
                .fix("add them to the header row; see docs/content.md, \"Archive batches\""),
        );
        return Err(problems);
    }
    let mut rows = Vec::new();
    let mut named = HashSet::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut seen_folders: HashMap<String, usize> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                problems
                    .push(Diagnostic::new(METADATA, line, 0, format!("unreadable row: {e}")).fix("check the quoting"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        let mut fields: HashMap<&'static str, String> = HashMap::new();
        for (h, v) in headers.iter().zip(record.iter()) {
            if let Some(c) = COLUMNS.iter().find(|c| *c == h) {
                fields.insert(c, v.trim().to_owned());
            }
        }
        let get = |c: &str| fields.get(c).map(String::as_str).unwrap_or_default();
        let err = |field: &str, message: String, fix: &str| {
            Diagnostic::new(METADATA, line, 0, message).field(field.to_owned()).fix(fix.to_owned())
        };
        let before = problems.len();
        for c in &COLUMNS[..REQUIRED] {
            if get(c).is_empty() {
                problems.push(err(c, format!("`{c}` is empty"), "every unit needs this column filled in"));
            }
        }
        let folder = get("folder").to_owned();
        named.insert(folder.clone());
        let reference = get("reference_code").to_owned();
        if !folder.is_empty() {
            if !crate::model::is_content_path(&folder) || folder.contains('/') {
                problems.push(err(
                    "folder",
                    format!("`{folder}` is not a folder name"),
                    "write the unit folder's name only",
                ));
            } else if !batch.join(&folder).is_dir() {
                problems.push(err(
                    "folder",
                    format!("the row's folder `{folder}` is not in the batch"),
                    "add the unit's folder of page images, or correct the name",
                ));
            } else if let Some(first) = seen_folders.insert(folder.clone(), line) {
                problems.push(err(
                    "folder",
                    format!("folder `{folder}` is also described on line {first}"),
                    "one row per unit folder",
                ));
            }
        }
        if !reference.is_empty()
            && let Some(first) = seen.insert(reference.clone(), line)
        {
            problems.push(err(
                "reference_code",
                format!("reference code `{reference}` is also on line {first}"),
                "each unit has its own reference code: check the inventory and file numbers",
            ));
        }
        for c in ["date_start", "date_end"] {
            if !get(c).is_empty() && !valid_date(get(c)) {
                problems.push(err(
                    c,
                    format!("`{}` is not a date", get(c)),
                    "write a year (1920), a month (1920-05) or a day (1920-05-14)",
                ));
            }
        }
        if valid_date(get("date_start")) && valid_date(get("date_end")) && get("date_end") < get("date_start") {
            problems.push(err(
                "date_end",
                "the range ends before it starts".into(),
                "swap the dates, or correct the year",
            ));
        }
        match get("access") {
            "open" | "" => {}
            "restricted" if get("access_reason").is_empty() => problems.push(err(
                "access_reason",
                "a restricted unit must say why".into(),
                "fill in `access_reason` (e.g. \"date cu caracter personal\")",
            )),
            "restricted" => {}
            other => problems.push(err(
                "access",
                format!("`{other}` is not an access status"),
                "write `open` or `restricted`",
            )),
        }
        if !get("access_until").is_empty() && get("access_until").parse::<u16>().is_err() {
            problems.push(err(
                "access_until",
                format!("`{}` is not a year", get("access_until")),
                "write a year, e.g. 2040",
            ));
        }
        for l in split_list(get("languages")) {
            if !(2..=3).contains(&l.len()) || !l.chars().all(|c| c.is_ascii_lowercase()) {
                problems.push(err(
                    "languages",
                    format!("`{l}` is not an ISO 639 code"),
                    "write codes such as ro; hu; de",
                ));
            }
        }
        let rights = get("rights");
        if !rights.is_empty()
            && ![
                "http://creativecommons.org/licenses/",
                "http://creativecommons.org/publicdomain/",
                "http://rightsstatements.org/vocab/",
            ]
            .iter()
            .any(|p| rights.starts_with(p))
        {
            problems.push(err(
                "rights",
                format!("`{rights}` is not a rights statement IIIF accepts"),
                "use a http://creativecommons.org/… or http://rightsstatements.org/vocab/… URI",
            ));
        }
        let mut related = Vec::new();
        for r in split_list(get("related")) {
            let parsed = r.split_once(':').and_then(|(rel, id)| {
                let rel: Rel = serde_json::from_value(Value::from(rel.trim())).ok()?;
                Some((rel, id.trim().to_owned()))
            });
            match parsed {
                Some(p) => related.push(p),
                None => problems.push(err(
                    "related",
                    format!("`{r}` is not a link"),
                    "write links as rel:id separated by `;`, e.g. see_also:hcl-2025-10",
                )),
            }
        }
        if !get("published_at").is_empty() && get("published_at").parse::<jiff::Timestamp>().is_err() {
            problems.push(err(
                "published_at",
                format!("`{}` is not a date and time with offset", get("published_at")),
                "write e.g. 2026-01-15T09:00:00+02:00",
            ));
        }
        let id = crate::model::urls::segment(&reference);
        if !reference.is_empty() && id.is_empty() {
            problems.push(err(
                "reference_code",
                "the reference code has no letters or digits".into(),
                "write the code",
            ));
        }
        if problems.len() == before {
            rows.push(Row { line, id, folder, fields, related });
        }
    }
    Ok((rows, problems, named))
}

pub(super) type RowsRead = Result<(Vec<Row>, Vec<Diagnostic>, HashSet<String>), Vec<Diagnostic>>;

fn valid_date(s: &str) -> bool {
    let ok_shape = matches!(s.len(), 4 | 7 | 10)
        && s.char_indices().all(|(i, c)| if i == 4 || i == 7 { c == '-' } else { c.is_ascii_digit() });
    ok_shape
        && match s.len() {
            10 => s.parse::<jiff::civil::Date>().is_ok(),
            7 => s[5..7].parse::<u8>().is_ok_and(|m| (1..=12).contains(&m)),
            _ => true,
        }
}

pub(super) fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split(';').map(str::trim).filter(|x| !x.is_empty())
}

#[cfg(test)]
mod tests {
    use super::valid_date;

    #[test]
    fn archival_dates_are_years_months_or_days() {
        for ok in ["1920", "1920-05", "1920-05-14"] {
            assert!(valid_date(ok), "{ok}");
        }
        for bad in ["1920/21", "20-05-1920", "1920-13", "1920-02-30", "192", "c. 1920"] {
            assert!(!valid_date(bad), "{bad}");
        }
    }
}
