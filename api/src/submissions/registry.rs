//! The registry itself: numbers, the stored case and its history.

use jiff::civil::Date;
use serde_json::{Value, json};

use super::Receipt;
use super::intake::Upload;
use super::status::CaseStatus;
use super::store;
use crate::app::App;
use crate::error::{ApiError, ApiResult};
use crate::mail;
use crate::published::{DeadlineRule, Form, Published};

pub struct Registration<'a> {
    pub form: &'a Form,
    pub fields: Value,
    pub email: String,
    pub account: Option<i64>,
    pub files: Vec<Upload>,
    pub token: String,
    pub token_hash: Vec<u8>,
}

/// Where the registration number goes in the acknowledgement's context (JSON), made before the
/// number is known: plain ASCII, so it reads the same in JSON. (A file named like it would show
/// the submitter's own number in their own e-mail, nothing else.)
const NUMBER_SLOT: &str = "[[registration-number]]";

/// `TM-2026-000123`.
pub fn number(prefix: &str, year: i16, seq: i64) -> String {
    format!("{prefix}-{year}-{seq:06}")
}

/// The year and sequence a registration number is made of (what a case is looked up by), or
/// `None` if it is not one.
pub fn year_and_seq(number: &str) -> Option<(i64, i64)> {
    let mut parts = number.rsplitn(3, '-');
    let seq = parts.next()?.parse().ok()?;
    let year = parts.next()?.parse().ok()?;
    parts.next().filter(|prefix| !prefix.is_empty())?;
    Some((year, seq))
}

/// Registers the submission in one write: the next number of the year (gapless: the number and
/// the submission commit together or not at all), the deadline, the files and the
/// acknowledgement e-mail. The submission row is the record of the registration: it is the
/// first entry of the case's history (`store::case_by_number`), and `store::audit` has only later changes.
/// `published` is the snapshot of the site the form was read from.
pub async fn register(app: &App, published: &Published, r: Registration<'_>) -> ApiResult<Receipt> {
    let today = app.clock.today();
    let deadline = published.deadline(r.form, today);
    let prefix = published.prefix.clone();
    // The acknowledgement's context is made here, not on the writer thread (which every write
    // waits for); only the number, known once the write runs, is filled in there. The sender
    // renders it (`mail::enqueue_template`).
    let status_url = format!("{}/api/dosar/{NUMBER_SLOT}?cheie={}", app.config.public_url, r.token);
    let ack = json!({
        "number": NUMBER_SLOT, "form": r.form.title, "department": r.form.department.name,
        "registered_on": today.to_string(), "due_on": deadline.as_ref().map(|d| &d.due_on),
        "deadline": deadline.as_ref().map(|d| &d.explanation), "status_url": status_url,
        "files": r.files.iter().map(|f| json!({"name": f.file_name, "sha256": f.sha256})).collect::<Vec<_>>(),
    })
    .to_string();
    let fields = r.fields.to_string();
    // What the write stores of the form (not the whole form with its fields' descriptions).
    let (form_id, form_title, department) = (r.form.id.clone(), r.form.title.clone(), r.form.department.name.clone());
    let Registration { account, email, files, token, token_hash, .. } = r;
    let clock = app.clock;
    app.db
        .write(move |c| {
            let now = clock.now().to_string();
            let year = today.year();
            let seq = store::next_seq(c, year)?;
            let number = number(&prefix, year, seq);
            let submission = store::NewSubmission {
                year,
                seq,
                number: &number,
                form_id: &form_id,
                form_title: &form_title,
                account,
                email: &email,
                fields: &fields,
                department: &department,
                registered_at: &now,
                due_on: deadline.as_ref().map(|d| d.due_on.as_str()),
                deadline_rule: deadline.as_ref().map(|d| d.rule.as_str()),
                status_token_sha256: &token_hash,
            };
            let id = store::register(c, &submission)?;
            for f in &files {
                store::attach(c, id, &f.file_name, &f.media_type, &f.sha256, &f.bytes)?;
            }
            mail::enqueue_template(c, &email, "receipt", &ack.replace(NUMBER_SLOT, &number), &now)?;
            Ok::<_, ApiError>(Receipt {
                number: number.clone(),
                registered_at: now,
                due_on: deadline.map(|d| d.due_on.clone()),
                status_url: format!("/api/dosar/{number}?cheie={token}"),
            })
        })
        .await
}

/// A stored submission with its files (without their bytes) and history.
pub struct Case {
    pub id: i64,
    pub number: String,
    pub form_id: String,
    pub form_title: String,
    pub account: Option<i64>,
    pub email: String,
    pub fields: Value,
    pub department: String,
    pub status: CaseStatus,
    pub registered_at: String,
    pub due_on: Option<String>,
    pub rule: Option<DeadlineRule>,
    pub extended_due_on: Option<String>,
    pub extension_reason: Option<String>,
    pub forwarded_to: Option<String>,
    pub answer: Option<String>,
    pub answered_at: Option<String>,
    pub token_hash: Vec<u8>,
    pub attachments: Vec<Value>,
    pub history: Vec<Value>,
}

impl Case {
    /// The deadline in force (extended or not), if the law sets one.
    pub fn due(&self) -> Option<&str> {
        self.extended_due_on.as_deref().or(self.due_on.as_deref())
    }

    pub fn is_open(&self) -> bool {
        self.status.is_open()
    }

    /// The submitted fields as (label, value), in the form's order, then any the form no longer has.
    fn labelled_fields(&self, app: &App) -> Vec<Value> {
        let published = app.published();
        let form = published.form(&self.form_id);
        let mut out = Vec::new();
        let mut seen = std::collections::HashSet::new();
        let obj = self.fields.as_object().cloned().unwrap_or_default();
        for f in form.map(|f| f.fields.as_slice()).unwrap_or_default() {
            for name in [f.name.clone(), format!("{}_lat", f.name), format!("{}_lon", f.name)] {
                if let Some(v) = obj.get(&name) {
                    let v = f
                        .options
                        .iter()
                        .find(|o| Some(o.value.as_str()) == v.as_str())
                        .map_or(v.clone(), |o| Value::from(o.label.clone()));
                    let label = if name == f.name {
                        f.label.clone()
                    } else {
                        format!("{} ({})", f.label, &name[f.name.len() + 1..])
                    };
                    out.push(json!({"label": label, "value": v}));
                    seen.insert(name);
                }
            }
        }
        for (k, v) in obj.iter().filter(|(k, _)| !seen.contains(*k)) {
            out.push(json!({"label": k, "value": v}));
        }
        out
    }

    /// What the submitter sees: no internal actors, no staff e-mails.
    pub fn public_view(&self, app: &App) -> Value {
        let today = app.clock.today();
        let due: Option<Date> = self.due().and_then(|d| d.parse().ok());
        json!({
            "number": self.number,
            "form": self.form_title,
            "form_id": self.form_id,
            "department": self.department,
            "status": self.status,
            "registered_at": self.registered_at,
            "due_on": self.due(),
            "original_due_on": self.due_on,
            "extended": self.extended_due_on.is_some(),
            "extension_reason": self.extension_reason,
            "forwarded_to": self.forwarded_to,
            "overdue": self.is_open() && due.is_some_and(|d| d < today),
            "answer": self.answer,
            "answered_at": self.answered_at,
            "fields": self.labelled_fields(app),
            "attachments": self.attachments,
            "history": self.history.iter().map(|h| json!({"at": h["at"], "action": h["action"]})).collect::<Vec<_>>(),
        })
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::{number, year_and_seq};
    use crate::db::{MIGRATIONS, migrate, migrate_to};
    use crate::submissions::store::case_by_number as load_case;

    #[test]
    fn a_number_gives_back_its_year_and_sequence_and_nothing_else_does() {
        assert_eq!(year_and_seq(&number("TM", 2026, 123)), Some((2026, 123)));
        assert_eq!(year_and_seq(&number("PMT-TM", 2026, 1_234_567)), Some((2026, 1_234_567)));
        for bad in ["", "TM", "TM-2026", "-2026-000001", "TM-2026-", "TM-anul-000001", "TM-2026-1x"] {
            assert_eq!(year_and_seq(bad), None, "{bad:?}");
        }
    }

    /// Migration 008 rebuilds `submission` (its number loses its own index) and moves the
    /// registration out of `audit`: a case keeps its files and later history, and reads the same.
    #[test]
    fn the_leaner_registration_keeps_every_case_whole() {
        let before = MIGRATIONS.iter().position(|(name, _)| name.ends_with("_leaner_registration")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let conn = Connection::open(dir.path().join("civic.db")).unwrap();
        migrate_to(&conn, before).unwrap();
        conn.execute_batch(
            "INSERT INTO submission (id, year, seq, number, form_id, form_title, email, fields, department, status,
                 registered_at, status_token_sha256)
                 VALUES (5, 2026, 1, 'TM-2026-000001', 'sesizare', 'Sesizare', 'a@example.ro', '{}', 'Relații',
                         'in_progress', '2026-03-02T08:00:00Z', x'00');
             INSERT INTO attachment (submission_id, file_name, media_type, size, sha256, content)
                 VALUES (5, 'plan.pdf', 'application/pdf', 1, 'ab', x'25');
             INSERT INTO audit (submission_id, at, actor, action, detail) VALUES
                 (5, '2026-03-02T08:00:00Z', 'cetățean', 'registered', '1 fișiere atașate'),
                 (5, '2026-03-03T09:00:00Z', 'ana@primariatm.ro', 'status', 'in_progress');",
        )
        .unwrap();
        migrate(&conn).unwrap();
        let case = load_case(&conn, "TM-2026-000001").unwrap().expect("the case is still there");
        assert_eq!(case.id, 5);
        assert_eq!(case.attachments.len(), 1);
        let actions: Vec<_> =
            case.history.iter().map(|h| (h["at"].as_str().unwrap(), h["action"].as_str().unwrap())).collect();
        assert_eq!(actions, [("2026-03-02T08:00:00Z", "registered"), ("2026-03-03T09:00:00Z", "status")]);
        assert_eq!(case.history[0]["detail"], "1 fișiere atașate");
        assert!(load_case(&conn, "TM-2026-000002").unwrap().is_none());
        assert!(load_case(&conn, "XX-2026-000001").unwrap().is_none(), "the prefix is part of the number");
        // The same year and sequence cannot be given twice.
        let again = conn.execute(
            "INSERT INTO submission (year, seq, number, form_id, form_title, email, fields, department, status,
                 registered_at, status_token_sha256)
                 VALUES (2026, 1, 'XX-2026-000001', 'sesizare', 'Sesizare', 'b@example.ro', '{}', 'Relații',
                         'registered', '2026-03-04T08:00:00Z', x'01')",
            [],
        );
        assert!(again.is_err(), "a second 2026/1 is refused");
        let fk: i64 = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
        assert_eq!(fk, 1);
        conn.execute("DELETE FROM submission WHERE id = 5", []).unwrap();
        let left: i64 = conn.query_row("SELECT count(*) FROM attachment", [], |r| r.get(0)).unwrap();
        assert_eq!(left, 0, "deleting a submission still deletes its files");
    }
}
