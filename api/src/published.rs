//! What the API knows of the site: only what `civic build` published (the same files citizens
//! download). Forms and their submission schemas, drafts in consultation, the holiday calendar,
//! the site's frame for pages. Reloaded when the published files change.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Instant, SystemTime};

use civic_contract::{DraftDecision, List};
use civic_workdays::{Calendar, CalendarRules};
use jiff::civil::Date;
use serde::Serialize;
use serde_json::Value;

pub use civic_contract::{Assurance, DeadlineRule, Form, FormKind, FormsFile, PetitionRules};
use civic_contract::{SiteFrame, files};

/// A draft decision's comment window, from `/data/draft_decision.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Consultation {
    pub id: String,
    pub title: String,
    pub number: String,
    pub url: String,
    pub opens_on: Date,
    pub closes_on: Date,
}

/// A district from `/data/district.json`, for signatures by district.
#[derive(Debug, Clone, Serialize)]
pub struct District {
    pub id: String,
    pub title: String,
}

/// Everything published that the API uses, read at one moment.
pub struct Published {
    pub prefix: String,
    pub forms: Vec<Form>,
    validators: HashMap<String, jsonschema::Validator>,
    pub consultations: Vec<Consultation>,
    pub calendar: Calendar,
    /// `/data/site.json`: the theme's `site` global without "today".
    pub frame: SiteFrame,
    /// The same, converted once for templates (pages and e-mails merge it into their context).
    pub frame_value: minijinja::Value,
    /// The theme's templates, to render the API's pages in the site's look.
    pub env: minijinja::Environment<'static>,
    pub petition_rules: PetitionRules,
    /// The city's districts, when the site publishes them (empty otherwise).
    pub districts: Vec<District>,
    /// The deadlines of forms filed on one day (the last day asked about): the same for every
    /// submission of that day, and explaining one took ~3% of a submission's CPU.
    deadlines: Mutex<DeadlinesOf>,
}

/// The deadlines of the forms filed on one day, by form id.
type DeadlinesOf = (Option<Date>, HashMap<String, Arc<FiledDeadline>>);

/// When the answer to a form filed on a given day is due, and why (in Romanian).
#[derive(Debug)]
pub struct FiledDeadline {
    pub due_on: String,
    pub explanation: String,
    /// The rule, as stored with the case (JSON).
    pub rule: String,
}

/// A published file that is missing or not what the API expects.
#[derive(Debug)]
pub struct PublishedError(pub String);

impl std::fmt::Display for PublishedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn read_json<T: serde::de::DeserializeOwned>(site: &Path, relative: &str) -> Result<T, PublishedError> {
    let path = site.join(relative);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        PublishedError(format!(
            "{}: {e} — build the site first (`civic build --out {}`)",
            path.display(),
            site.display()
        ))
    })?;
    serde_json::from_str(&text).map_err(|e| PublishedError(format!("{}: {e}", path.display())))
}

impl Published {
    pub fn load(site: &Path, theme: &Path) -> Result<Published, PublishedError> {
        let labels = civic_theme::load_labels(theme).map_err(|e| PublishedError(format!("{}/{e}", theme.display())))?;
        let env = civic_theme::environment(theme, labels).map_err(|errors| {
            PublishedError(errors.iter().map(|e| format!("{}/{e}", theme.display())).collect::<Vec<_>>().join("\n"))
        })?;
        let file: FormsFile = read_json(site, files::FORMS)?;
        let mut validators = HashMap::new();
        for form in &file.forms {
            let schema: Value = read_json(site, form.schema.trim_start_matches('/'))?;
            let validator = jsonschema::options()
                .should_validate_formats(true)
                .build(&schema)
                .map_err(|e| PublishedError(format!("{}: not a valid JSON Schema: {e}", form.schema)))?;
            validators.insert(form.id.clone(), validator);
        }
        let rules: CalendarRules = read_json(site, files::CALENDAR)?;
        let calendar = Calendar::new(rules).map_err(|e| PublishedError(format!("{}: {e}", files::CALENDAR)))?;
        let drafts: List<DraftDecision> = read_json(site, &files::list("draft_decision"))?;
        let consultations = drafts
            .items
            .into_iter()
            .filter_map(|d| {
                Some(Consultation {
                    opens_on: d.consultation.opens_on()?,
                    closes_on: d.consultation.closes_on()?,
                    number: d.display_number.unwrap_or_default(),
                    id: d.id,
                    title: d.title,
                    url: d.url,
                })
            })
            .collect();
        let frame: SiteFrame = read_json(site, files::SITE)?;
        let petition_rules: PetitionRules = read_json(site, files::PETITION_RULES)?;
        let district_file = files::list("district");
        let districts = if site.join(&district_file).exists() {
            let list: List<civic_contract::District> = read_json(site, &district_file)?;
            list.items.into_iter().map(|d| District { id: d.id, title: d.title }).collect()
        } else {
            vec![]
        };
        Ok(Published {
            prefix: file.registration_prefix.unwrap_or_default(),
            forms: file.forms,
            validators,
            consultations,
            calendar,
            frame_value: minijinja::Value::from(minijinja::value::Serde(&frame)),
            frame,
            env,
            petition_rules,
            districts,
            deadlines: Mutex::new((None, HashMap::new())),
        })
    }

    /// The deadline of `form` filed on `day` (None: the law sets none), on the published calendar.
    pub fn deadline(&self, form: &Form, day: Date) -> Option<Arc<FiledDeadline>> {
        let rule = form.deadline.as_ref()?;
        let mut memo = self.deadlines.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if memo.0 != Some(day) {
            *memo = (Some(day), HashMap::new());
        }
        let filed = memo.1.entry(form.id.clone()).or_insert_with(|| {
            let d = rule.unit.count(&self.calendar, day, rule.days);
            Arc::new(FiledDeadline {
                due_on: d.due.to_string(),
                explanation: d.explain_ro(),
                rule: serde_json::to_string(rule).expect("a deadline rule serialises"),
            })
        });
        Some(filed.clone())
    }

    pub fn form(&self, id: &str) -> Option<&Form> {
        self.forms.iter().find(|f| f.id == id)
    }

    /// The submission's problems against the form's published schema, one message per field.
    pub fn validate(&self, form: &str, submission: &Value) -> Vec<(String, String)> {
        let Some(v) = self.validators.get(form) else { return vec![] };
        v.iter_errors(submission).map(|e| field_problem(e.kind(), &e.instance_path().to_string())).collect()
    }

    /// The consultation of a draft, if it is published.
    pub fn consultation(&self, draft: &str) -> Option<&Consultation> {
        self.consultations.iter().find(|c| c.id == draft)
    }
}

/// The published site, re-read when its files change (at most once a second), so `civic serve`
/// rebuilds and a CDN deployment's new data reach the API without a restart.
pub struct Live {
    site: PathBuf,
    theme: PathBuf,
    state: RwLock<(Arc<Published>, Option<SystemTime>, Instant)>,
}

/// The latest modification among the published files and the theme's templates.
fn stamp(site: &Path, theme: &Path) -> Option<SystemTime> {
    let published = [
        files::FORMS.to_owned(),
        files::SITE.to_owned(),
        files::list("draft_decision"),
        files::CALENDAR.to_owned(),
        files::PETITION_RULES.to_owned(),
        files::list("district"),
    ]
    .iter()
    .map(|f| site.join(f))
    .collect::<Vec<_>>();
    let mut files = published;
    files.push(theme.join("labels.yaml"));
    files.extend(civic_theme::template_files(theme));
    files.iter().filter_map(|f| std::fs::metadata(f).and_then(|m| m.modified()).ok()).max()
}

impl Live {
    pub fn open(site: &Path, theme: &Path) -> Result<Live, PublishedError> {
        let published = Published::load(site, theme)?;
        let stamp = stamp(site, theme);
        Ok(Live {
            site: site.to_owned(),
            theme: theme.to_owned(),
            state: RwLock::new((Arc::new(published), stamp, Instant::now())),
        })
    }

    pub fn get(&self) -> Arc<Published> {
        {
            let s = self.state.read().expect("published lock");
            if s.2.elapsed().as_secs() < 1 {
                return s.0.clone();
            }
        }
        let mut s = self.state.write().expect("published lock");
        s.2 = Instant::now();
        let now = stamp(&self.site, &self.theme);
        if now != s.1 {
            // A half-written rebuild is skipped; the previous data stays until the next check.
            if let Ok(p) = Published::load(&self.site, &self.theme) {
                *s = (Arc::new(p), now, Instant::now());
            }
        }
        s.0.clone()
    }
}

/// A schema violation as (field, what is wrong in Romanian), for the form page's error summary.
fn field_problem(kind: &jsonschema::error::ValidationErrorKind, pointer: &str) -> (String, String) {
    use jsonschema::error::ValidationErrorKind as K;
    let field = pointer.trim_start_matches('/').to_owned();
    match kind {
        K::Required { property } => (property.as_str().unwrap_or_default().to_owned(), "este obligatoriu".into()),
        K::AdditionalProperties { unexpected } => (unexpected.join(", "), "nu este un câmp al acestui formular".into()),
        K::MaxLength { limit } => (field, format!("poate avea cel mult {limit} caractere")),
        K::MinLength { limit } => (field, format!("trebuie să aibă cel puțin {limit} caractere")),
        K::Pattern { .. } => (field, "nu are forma cerută".into()),
        K::Format { format } if format == "email" => (field, "nu este o adresă de e-mail validă".into()),
        K::Format { format } if format == "date" => (field, "nu este o dată de forma AAAA-LL-ZZ".into()),
        K::Format { .. } => (field, "nu are forma cerută".into()),
        K::Enum { .. } | K::Constant { .. } => (field, "nu este una dintre opțiunile date".into()),
        K::AnyOf { .. } | K::OneOfNotValid { .. } => (field, "nu are forma cerută".into()),
        K::Type { .. } => (field, "trebuie să fie text".into()),
        _ => (field, "nu este valid".into()),
    }
}
