//! The theme both halves of civic render with: minijinja templates plus the labels file that
//! names every enum value in the site's language, the Romanian filters (dates, money, sizes,
//! plurals) and safe Markdown. The generator renders the static pages with it; the API renders
//! its few pages (receipts, account, cases) with the same templates, so both look like one site.
//!
//! Templates are semi-strict: printing a misspelt variable fails with its line, while
//! `{% if x %}` on an absent optional field is simply false.

pub mod markdown;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use civic_workdays::format_date_ro;
use minijinja::value::Value;
use minijinja::{Environment, Error, ErrorKind, UndefinedBehavior};

/// enum group → value → label, e.g. `status.in_vigoare` → "În vigoare".
pub type Labels = BTreeMap<String, BTreeMap<String, String>>;

/// A problem in a theme file: the file (relative to the theme), its line (0 when unknown),
/// what is wrong and how to fix it.
#[derive(Debug, Clone)]
pub struct ThemeError {
    pub file: String,
    pub line: usize,
    pub message: String,
    pub fix: &'static str,
}

impl std::fmt::Display for ThemeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}\n  fix: {}", self.file, self.line, self.message, self.fix)
    }
}

/// Reads `<theme>/labels.yaml`: a map of groups, each a map of value → label.
pub fn load_labels(theme: &Path) -> Result<Labels, ThemeError> {
    use saphyr::{LoadableYamlNode, Yaml};
    let file = "labels.yaml".to_owned();
    let fix = "labels.yaml maps each group to `value: label` lines, e.g. `status:` then `  in_vigoare: În vigoare`";
    let text = std::fs::read_to_string(theme.join("labels.yaml")).map_err(|e| ThemeError {
        file: file.clone(),
        line: 0,
        message: format!("cannot read the file: {e}"),
        fix,
    })?;
    let docs = Yaml::load_from_str(&text).map_err(|e| ThemeError {
        file: file.clone(),
        line: e.marker().line(),
        message: e.info().to_owned(),
        fix,
    })?;
    let mut labels = Labels::new();
    let Some(Yaml::Mapping(groups)) = docs.into_iter().next() else {
        return Err(ThemeError { file, line: 1, message: "expected a map of label groups".into(), fix });
    };
    for (group, values) in groups {
        let (Some(group), Yaml::Mapping(values)) = (group.as_str(), values) else {
            return Err(ThemeError {
                file,
                line: 0,
                message: "every group must be a map of value → label".into(),
                fix,
            });
        };
        let entry = labels.entry(group.to_owned()).or_default();
        for (value, label) in values {
            let value = value.as_str().map(str::to_owned).or_else(|| value.as_integer().map(|i| i.to_string()));
            match (value, label.as_str()) {
                (Some(v), Some(l)) => {
                    entry.insert(v, l.to_owned());
                }
                _ => {
                    return Err(ThemeError {
                        file,
                        line: 0,
                        message: format!("in group `{group}`, every value and label must be text"),
                        fix,
                    });
                }
            }
        }
    }
    Ok(labels)
}

/// Loads every template under `<theme>/templates` with the theme's labels.
pub fn environment(theme: &Path, labels: Labels) -> Result<Environment<'static>, Vec<ThemeError>> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::SemiStrict);
    env.set_debug(true);
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") || name.ends_with(".xml") {
            minijinja::AutoEscape::Html
        } else {
            minijinja::AutoEscape::None
        }
    });
    // Escape what HTML needs (& < > " ') and leave `/` readable in URLs.
    env.set_formatter(|out, state, value| {
        if *state.auto_escape() == minijinja::AutoEscape::None || value.is_safe() || value.as_str().is_none() {
            return minijinja::escape_formatter(out, state, value);
        }
        let text = value.as_str().unwrap_or_default();
        let mut last = 0;
        for (i, c) in text.char_indices() {
            let rep = match c {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => continue,
            };
            out.write_str(&text[last..i]).map_err(|e| Error::new(ErrorKind::WriteFailure, e.to_string()))?;
            out.write_str(rep).map_err(|e| Error::new(ErrorKind::WriteFailure, e.to_string()))?;
            last = i + 1;
        }
        out.write_str(&text[last..]).map_err(|e| Error::new(ErrorKind::WriteFailure, e.to_string()))
    });
    let root = theme.join("templates");
    let mut errors = Vec::new();
    let files = template_files(theme);
    if files.is_empty() {
        errors.push(ThemeError {
            file: root.display().to_string(),
            line: 0,
            message: "the theme has no templates".into(),
            fix: "pass the theme folder with --theme (it holds templates/)",
        });
    }
    for p in files {
        let name = p.strip_prefix(&root).unwrap_or(&p).to_string_lossy().replace('\\', "/");
        match std::fs::read_to_string(&p) {
            Ok(src) => {
                if let Err(e) = env.add_template_owned(name.clone(), src) {
                    errors.push(template_error(&format!("templates/{name}"), &e));
                }
            }
            Err(e) => errors.push(ThemeError {
                file: format!("templates/{name}"),
                line: 0,
                message: e.to_string(),
                fix: "make the template readable UTF-8 text",
            }),
        }
    }
    env.add_filter("date_ro", date_ro);
    env.add_filter("datetime_ro", datetime_ro);
    env.add_filter("money", money);
    env.add_filter("filesize", filesize);
    env.add_filter("plural_days", plural_days);
    env.add_filter("segment", |text: &str| segment(text));
    env.add_filter("markdown", |text: &str| Value::from_safe_string(markdown::to_html(text)));
    env.add_function("label", move |group: &str, value: &Value| -> Value {
        let key = value.as_str().map(str::to_owned).unwrap_or_else(|| value.to_string());
        labels
            .get(group)
            .and_then(|g| g.get(&key))
            .map_or_else(|| Value::from(key.replace('_', " ")), |l| Value::from(l.as_str()))
    });
    if errors.is_empty() { Ok(env) } else { Err(errors) }
}

/// A template error naming the template file and line.
pub fn template_error(file: &str, e: &Error) -> ThemeError {
    ThemeError {
        file: e.name().map_or_else(|| file.to_owned(), |n| format!("templates/{n}")),
        line: e.line().unwrap_or(0),
        message: format!("template: {}", e.detail().unwrap_or(&e.kind().to_string())),
        fix: "fix the template; `civic build` shows the first failing page with the variables in scope",
    }
}

/// A URL path segment from free text: lower case, ASCII, dashes ("Educație" → "educatie").
pub fn segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(fold_diacritic) {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

fn fold_diacritic(c: char) -> Option<char> {
    Some(match c {
        'ă' | 'â' | 'Ă' | 'Â' => 'a',
        'î' | 'Î' => 'i',
        'ș' | 'ş' | 'Ș' | 'Ş' => 's',
        'ț' | 'ţ' | 'Ț' | 'Ţ' => 't',
        'é' | 'è' | 'É' => 'e',
        'ö' | 'ő' | 'Ö' => 'o',
        'ü' | 'ű' | 'Ü' => 'u',
        'á' | 'Á' => 'a',
        other => other,
    })
}

fn parse_date(v: &str) -> Result<jiff::civil::Date, Error> {
    v.get(..10)
        .unwrap_or(v)
        .parse()
        .map_err(|_| Error::new(ErrorKind::InvalidOperation, format!("`{v}` is not a date")))
}

/// "2025-03-27" → "27 martie 2025".
fn date_ro(v: &str) -> Result<String, Error> {
    Ok(format_date_ro(parse_date(v)?))
}

/// An RFC 3339 instant → "27 martie 2025, ora 10:00", in Romanian time.
fn datetime_ro(v: &str) -> Result<String, Error> {
    let t: jiff::Timestamp =
        v.parse().map_err(|_| Error::new(ErrorKind::InvalidOperation, format!("`{v}` is not a date-time")))?;
    let z = t.to_zoned_datetime(civic_workdays::bucharest());
    Ok(format!("{}, ora {:02}:{:02}", format_date_ro(z.date()), z.hour(), z.minute()))
}

/// 12500000 → "12.500.000 lei"; 1234.5 → "1.234,50 lei".
pub fn money(v: &Value) -> Result<String, Error> {
    let (amount, currency) = match v.get_attr("amount") {
        Ok(a) if !a.is_undefined() => (a, v.get_attr("currency").ok().and_then(|c| c.as_str().map(str::to_owned))),
        _ => (v.clone(), None),
    };
    let amount = f64::try_from(amount).map_err(|_| Error::new(ErrorKind::InvalidOperation, "money needs a number"))?;
    let cents = (amount * 100.0).round() as i64;
    let (whole, frac) = (cents / 100, cents % 100);
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    if frac != 0 {
        grouped.push_str(&format!(",{frac:02}"));
    }
    let unit = match currency.as_deref() {
        None | Some("RON") => "lei".to_owned(),
        Some(other) => other.to_owned(),
    };
    Ok(format!("{grouped} {unit}"))
}

/// 123456 → "121 KB".
fn filesize(bytes: u64) -> String {
    match bytes {
        0..1024 => format!("{bytes} B"),
        1024..1_048_576 => format!("{} KB", bytes.div_ceil(1024)),
        _ => format!("{:.1} MB", bytes as f64 / 1_048_576.0).replace('.', ","),
    }
}

/// 1 → "1 zi", 5 → "5 zile", 25 → "25 de zile" (Romanian plural with "de" from 20).
fn plural_days(n: i64) -> String {
    match n {
        1 => "1 zi".into(),
        n if n % 100 >= 20 || n % 100 == 0 && n != 0 => format!("{n} de zile"),
        n => format!("{n} zile"),
    }
}

/// Every template file of `theme` (under `templates/`), sorted: what the environment loads and
/// what a change to the theme is watched by.
pub fn template_files(theme: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(theme.join("templates"))
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_written_the_romanian_way() {
        assert_eq!(money(&Value::from(12_500_000)).unwrap(), "12.500.000 lei");
        assert_eq!(money(&Value::from(1234.5)).unwrap(), "1.234,50 lei");
        assert_eq!(money(&Value::from(950)).unwrap(), "950 lei");
    }

    #[test]
    fn days_take_de_from_twenty() {
        assert_eq!(plural_days(1), "1 zi");
        assert_eq!(plural_days(7), "7 zile");
        assert_eq!(plural_days(25), "25 de zile");
        assert_eq!(plural_days(101), "101 zile");
    }

    #[test]
    fn dates_read_as_romanian_text() {
        assert_eq!(date_ro("2025-03-27").unwrap(), "27 martie 2025");
        assert_eq!(datetime_ro("2025-03-27T10:00:00+02:00").unwrap(), "27 martie 2025, ora 10:00");
    }
}
