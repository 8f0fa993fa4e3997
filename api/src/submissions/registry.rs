//! The registry itself: numbers, the stored case and its history.

use jiff::Timestamp;
use jiff::civil::Date;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};

use super::Receipt;
use super::intake::Upload;
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
/// first entry of the case's history (`load_case`), and `audit` has only later changes.
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
    app.db
        .write(move |c| {
            let now = Timestamp::now().to_string();
            let year = today.year();
            let seq: i64 = c
                .prepare_cached("SELECT COALESCE(MAX(seq), 0) + 1 FROM submission WHERE year = ?1")?
                .query_row([year], |row| row.get(0))?;
            let number = number(&prefix, year, seq);
            c.prepare_cached(
                "INSERT INTO submission (year, seq, number, form_id, form_title, account_id, email, fields, department,
                    status, registered_at, due_on, deadline_rule, status_token_sha256)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'registered', ?10, ?11, ?12, ?13)",
            )?
            .execute(params![
                year,
                seq,
                number,
                form_id,
                form_title,
                account,
                email,
                fields,
                department,
                now,
                deadline.as_ref().map(|d| &d.due_on),
                deadline.as_ref().map(|d| &d.rule),
                token_hash,
            ])?;
            let id = c.last_insert_rowid();
            for f in &files {
                c.prepare_cached(
                    "INSERT INTO attachment (submission_id, file_name, media_type, size, sha256, content)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?
                .execute(params![
                    id,
                    f.file_name,
                    f.media_type,
                    f.bytes.len() as i64,
                    f.sha256,
                    f.bytes
                ])?;
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

/// Adds an entry to a case's history.
pub fn audit(c: &Connection, submission: i64, actor: &str, action: &str, detail: &str) -> rusqlite::Result<()> {
    c.prepare_cached("INSERT INTO audit (submission_id, at, actor, action, detail) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![submission, Timestamp::now().to_string(), actor, action, detail])?;
    Ok(())
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
    pub status: String,
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

pub fn load_case(c: &Connection, number: &str) -> ApiResult<Option<Case>> {
    let Some((year, seq)) = year_and_seq(number) else { return Ok(None) };
    let case = c
        .prepare_cached(
            "SELECT id, number, form_id, form_title, account_id, email, fields, department, status, registered_at,
                    due_on, deadline_rule, extended_due_on, extension_reason, forwarded_to, answer, answered_at,
                    status_token_sha256
             FROM submission WHERE year = ?1 AND seq = ?2 AND number = ?3",
        )?
        .query_row(params![year, seq, number], |r| {
            Ok(Case {
                id: r.get(0)?,
                number: r.get(1)?,
                form_id: r.get(2)?,
                form_title: r.get(3)?,
                account: r.get(4)?,
                email: r.get(5)?,
                fields: serde_json::from_str(&r.get::<_, String>(6)?).unwrap_or(Value::Null),
                department: r.get(7)?,
                status: r.get(8)?,
                registered_at: r.get(9)?,
                due_on: r.get(10)?,
                rule: r.get::<_, Option<String>>(11)?.and_then(|s| serde_json::from_str(&s).ok()),
                extended_due_on: r.get(12)?,
                extension_reason: r.get(13)?,
                forwarded_to: r.get(14)?,
                answer: r.get(15)?,
                answered_at: r.get(16)?,
                token_hash: r.get(17)?,
                attachments: vec![],
                history: vec![],
            })
        })
        .optional()?;
    let Some(mut case) = case else { return Ok(None) };
    case.attachments = c
        .prepare_cached(
            "SELECT id, file_name, media_type, size, sha256 FROM attachment WHERE submission_id = ?1 ORDER BY id",
        )?
        .query_map([case.id], |r| {
            Ok(json!({"id": r.get::<_, i64>(0)?, "name": r.get::<_, String>(1)?, "media_type": r.get::<_, String>(2)?,
                      "size": r.get::<_, i64>(3)?, "sha256": r.get::<_, String>(4)?}))
        })?
        .collect::<Result<_, _>>()?;
    let registered = json!({"at": case.registered_at, "actor": "cetățean", "action": "registered",
                            "detail": format!("{} fișiere atașate", case.attachments.len())});
    case.history = std::iter::once(Ok(registered))
        .chain(
            c.prepare_cached("SELECT at, actor, action, detail FROM audit WHERE submission_id = ?1 ORDER BY id")?
                .query_map([case.id], |r| {
                    Ok(json!({"at": r.get::<_, String>(0)?, "actor": r.get::<_, String>(1)?,
                              "action": r.get::<_, String>(2)?, "detail": r.get::<_, String>(3)?}))
                })?,
        )
        .collect::<Result<_, _>>()?;
    Ok(Some(case))
}

impl Case {
    /// The deadline in force (extended or not), if the law sets one.
    pub fn due(&self) -> Option<&str> {
        self.extended_due_on.as_deref().or(self.due_on.as_deref())
    }

    pub fn is_open(&self) -> bool {
        !matches!(self.status.as_str(), "answered" | "filed")
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

    use super::{load_case, number, year_and_seq};
    use crate::db::{MIGRATIONS, migrate, migrate_to};

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
