//! The sample's dynamic half, so that a demonstration shows what petitions, cases and alerts look
//! like: petitions in each state (open with signatures by district, awaiting the city's answer,
//! answered, rejected with a reason), cases in different states, a confirmed alert. The sample
//! site names the file in its `civic.yaml` (`sample_data`); `civic serve` reads it and the API
//! loads it through the stores (registry numbers, legal deadlines, the counting task), only into
//! a database that holds nothing yet: a city's own database is never touched.

use jiff::{Timestamp, ToSpan};
use rusqlite::Connection;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::accounts::{store as accounts, tokens};
use crate::alerts::form::{parse_frequency, parse_topics};
use crate::alerts::{feed_key, link_key, store as alerts};
use crate::app::App;
use crate::email;
use crate::error::ApiError;
use crate::petitions::status::PetitionStatus;
use crate::petitions::store as petitions;
use crate::submissions::status::CaseStatus;
use crate::submissions::{registry, store as submissions};

/// The sample file (YAML in the sample's content, read by the CLI).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleData {
    #[serde(default)]
    pub petitions: Vec<SamplePetition>,
    #[serde(default)]
    pub cases: Vec<SampleCase>,
    #[serde(default)]
    pub alerts: Vec<SampleAlert>,
}

/// A petition and the state it is shown in.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SamplePetition {
    pub title: String,
    pub body: String,
    pub action: String,
    pub author: Person,
    /// `open`, `awaiting_answer` (past the answer threshold), `answered` or `rejected`.
    pub state: String,
    /// Days since it was published.
    #[serde(default)]
    pub published_days_ago: i64,
    /// Confirmed signatures by district id (`""`: none given).
    #[serde(default)]
    pub signatures: Map<String, Value>,
    /// The city's answer (`answered`) or the rejection's reason (`rejected`).
    #[serde(default)]
    pub text: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub name: String,
    pub email: String,
}

/// A case filed with a form, and what the city did with it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleCase {
    /// The form's id (`sesizare`, `solicitare-informatii-publice` …).
    pub form: String,
    pub by: Person,
    /// The form's fields, as a person filled them in.
    pub fields: Map<String, Value>,
    /// `registered`, `in_progress` or `answered`.
    #[serde(default = "registered")]
    pub status: String,
    #[serde(default)]
    pub answer: Option<String>,
}

fn registered() -> String {
    "registered".into()
}

/// A confirmed alert for districts.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleAlert {
    pub email: String,
    pub districts: Vec<String>,
    pub topics: Vec<String>,
    #[serde(default = "daily")]
    pub frequency: String,
}

fn daily() -> String {
    "zilnic".into()
}

/// What was loaded.
#[derive(Debug, Default)]
pub struct Loaded {
    pub petitions: usize,
    pub signatures: usize,
    pub cases: usize,
    pub alerts: usize,
}

/// Whether the database holds anything a person or the city made.
fn is_empty(c: &Connection) -> rusqlite::Result<bool> {
    c.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM account) AND NOT EXISTS (SELECT 1 FROM petition)
            AND NOT EXISTS (SELECT 1 FROM submission) AND NOT EXISTS (SELECT 1 FROM alert_subscription)",
        [],
        |r| r.get(0),
    )
}

fn bad(what: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request(what.to_string())
}

/// Every problem of the sample data at once, each naming its entry and field, or none.
fn check(data: &SampleData, published: &crate::published::Published) -> Result<(), ApiError> {
    let mut problems = vec![];
    for (n, p) in data.petitions.iter().enumerate() {
        if !["open", "awaiting_answer", "answered", "rejected"].contains(&p.state.as_str()) {
            problems.push(format!(
                "petitions[{n}].state: `{}` is not open, awaiting_answer, answered or rejected",
                p.state
            ));
        }
        if matches!(p.state.as_str(), "answered" | "rejected") && p.text.is_none() {
            problems.push(format!("petitions[{n}].text: an {} petition needs it (the answer, or the reason)", p.state));
        }
        for (district, count) in &p.signatures {
            if !count.is_u64() {
                problems.push(format!("petitions[{n}].signatures.{district}: write a whole number"));
            }
            if !district.is_empty() && !published.districts.iter().any(|d| d.id == *district) {
                problems.push(format!("petitions[{n}].signatures.{district}: no such district on the site"));
            }
        }
        if email::normalise(&p.author.email).is_err() {
            problems.push(format!("petitions[{n}].author.email: not an e-mail address"));
        }
    }
    for (n, c) in data.cases.iter().enumerate() {
        if !published.forms.iter().any(|f| f.id == c.form) {
            problems.push(format!("cases[{n}].form: the site has no form `{}`", c.form));
        }
        if c.status.parse::<CaseStatus>().is_err() {
            problems.push(format!("cases[{n}].status: `{}` is not registered, in_progress or answered", c.status));
        }
        if c.status == "answered" && c.answer.is_none() {
            problems.push(format!("cases[{n}].answer: an answered case needs it"));
        }
        if email::normalise(&c.by.email).is_err() {
            problems.push(format!("cases[{n}].by.email: not an e-mail address"));
        }
    }
    for (n, a) in data.alerts.iter().enumerate() {
        if let Err(e) = parse_topics(&a.topics) {
            problems.push(format!("alerts[{n}].topics: {}", e.message));
        }
        if let Err(e) = parse_frequency(&a.frequency) {
            problems.push(format!("alerts[{n}].frequency: {}", e.message));
        }
        if let Some(d) = a.districts.iter().find(|d| !published.districts.iter().any(|x| x.id == **d)) {
            problems.push(format!("alerts[{n}].districts: no district `{d}` on the site"));
        }
        if email::normalise(&a.email).is_err() {
            problems.push(format!("alerts[{n}].email: not an e-mail address"));
        }
    }
    if problems.is_empty() { Ok(()) } else { Err(bad(problems.join("; "))) }
}

/// Loads the sample into an empty database; `None` (nothing loaded) when it holds data already.
/// Nothing is written unless the whole file is right.
pub(crate) async fn load(app: &App, data: &SampleData) -> Result<Option<Loaded>, ApiError> {
    check(data, &app.published())?;
    if !app.db.read(|c| is_empty(c).map_err(ApiError::from)).await? {
        return Ok(None);
    }
    let mut loaded = Loaded::default();
    let now = app.clock.now();
    let published = app.published();
    // Cases go through the registry: numbers, deadlines and receipts as for any filing.
    for case in &data.cases {
        let form = published
            .forms
            .iter()
            .find(|f| f.id == case.form)
            .ok_or_else(|| bad(format!("no form `{}`", case.form)))?;
        let (token, token_hash) = tokens::new_token();
        let person = case.by.clone();
        let account = app.db.write(move |c| account_for(c, &person, now).map_err(ApiError::from)).await?;
        let receipt = registry::register(
            app,
            &published,
            registry::Registration {
                form,
                fields: Value::Object(case.fields.clone()),
                email: email::normalise(&case.by.email).map_err(|e| bad(e.message))?,
                account: Some(account),
                files: vec![],
                token,
                token_hash,
            },
        )
        .await?;
        let status: CaseStatus = case.status.parse().map_err(|_| bad(format!("case status `{}`", case.status)))?;
        let answer = case.answer.clone();
        app.db
            .write(move |c| {
                let id = submissions::case_by_number(c, &receipt.number)?.map(|k| k.id).unwrap_or_default();
                match (status, answer) {
                    (CaseStatus::Answered, Some(text)) => submissions::answer(c, id, &text, now)?,
                    (s, _) => submissions::set_status(c, id, s)?,
                }
                Ok::<_, ApiError>(())
            })
            .await?;
        loaded.cases += 1;
    }
    let rules = published.petition_rules.clone();
    let today = app.clock.today();
    let petitions_data = data.petitions.clone();
    let alerts_data = data.alerts.clone();
    let (ids, signatures, alerts_n) = app
        .db
        .write(move |c| {
            let mut signed = 0;
            let mut ids = vec![];
            for p in &petitions_data {
                let author = account_for(c, &p.author, now)?;
                let (key, _) = tokens::new_token();
                let id = petitions::create(
                    c,
                    &petitions::NewPetition {
                        title: &p.title,
                        body: &p.body,
                        action: &p.action,
                        creator_id: author,
                        creator_name: &p.author.name,
                        status: PetitionStatus::Moderation,
                        sponsor_key: &key,
                    },
                    now,
                )?;
                ids.push(id);
                let published_at = now.checked_sub((p.published_days_ago * 24).hours()).unwrap_or(now);
                let closes = today
                    .saturating_add((rules.duration_months as i64).months())
                    .saturating_sub(p.published_days_ago.days());
                match p.state.as_str() {
                    "rejected" => {
                        let reason =
                            p.text.as_deref().ok_or_else(|| bad("a rejected petition needs its reason (`text`)"))?;
                        petitions::reject(c, id, reason, false, None)?;
                        continue;
                    }
                    "open" | "awaiting_answer" | "answered" => petitions::publish(c, id, published_at, closes)?,
                    other => return Err(bad(format!("petition state `{other}`"))),
                }
                for (district, count) in &p.signatures {
                    let count = count.as_u64().ok_or_else(|| bad(format!("signatures of `{district}`: a number")))?;
                    for k in 0..count {
                        let address = format!("semnatar{id}.{district}.{k}@example.org");
                        let (_, hash) = tokens::new_token();
                        let stamp = published_at.to_string();
                        let signature = petitions::NewSignature {
                            petition: id,
                            name: "Semnatar (exemplu)",
                            email: &address,
                            email_norm: &address,
                            email_domain: "example.org",
                            district: (!district.is_empty()).then_some(district.as_str()),
                            notify: false,
                            ip: "192.0.2.1",
                            assurance: "email",
                            token_sha256: &hash,
                            confirmed: true,
                        };
                        if petitions::sign(c, &signature, &stamp)? {
                            signed += 1;
                        }
                    }
                }
                if let ("answered", Some(text)) = (p.state.as_str(), &p.text) {
                    petitions::set_city_text(c, id, petitions::CityText::Response, text, now)?;
                }
            }
            let mut subscribed = 0;
            for a in &alerts_data {
                let address = email::normalise(&a.email).map_err(|e| bad(e.message))?;
                let (_, hash) = tokens::new_token();
                let area = json!({"districts": a.districts}).to_string();
                let topics = a.topics.join(",");
                alerts::subscribe(
                    c,
                    &alerts::NewSubscription {
                        email: &address,
                        area: &area,
                        topics: &topics,
                        frequency: &a.frequency,
                        token_sha256: &hash,
                        link_sha256: &tokens::hash(&link_key(&hash)),
                        feed_sha256: &tokens::hash(&feed_key(&hash)),
                        confirmed: true,
                    },
                    now,
                )?;
                subscribed += 1;
            }
            Ok::<_, ApiError>((ids, signed, subscribed))
        })
        .await?;
    // Counted by the counting task, as signatures signed on the site are.
    for id in &ids {
        app.petitions.touch(*id);
    }
    loaded.petitions = ids.len();
    loaded.signatures = signatures;
    loaded.alerts = alerts_n;
    Ok(Some(loaded))
}

/// The account of a sample person (made once; nobody can log in to it: no password, and its
/// address, at a reserved domain, receives no mail).
fn account_for(c: &Connection, p: &Person, now: Timestamp) -> rusqlite::Result<i64> {
    let address = email::normalise(&p.email).unwrap_or_else(|_| p.email.to_lowercase());
    match accounts::account_by_email(c, &address)? {
        Some(id) => Ok(id),
        None => accounts::create_account(c, &address, &p.name, None, now),
    }
}
