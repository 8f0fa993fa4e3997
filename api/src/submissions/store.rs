//! Where submissions live: the registry's rows, their attachments and their audit log. Every
//! query of submissions and cases is here; handlers call these functions inside `Db::read` or
//! `Db::write`.

use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Value, json};

use super::registry::{Case, year_and_seq};
use super::status::CaseStatus;

/// The next registration number's sequence in `year` (gapless: taken in the write that
/// registers).
pub fn next_seq(c: &Connection, year: i16) -> rusqlite::Result<i64> {
    c.prepare_cached("SELECT COALESCE(MAX(seq), 0) + 1 FROM submission WHERE year = ?1")?
        .query_row([year], |r| r.get(0))
}

/// A submission as it is registered.
pub struct NewSubmission<'a> {
    pub year: i16,
    pub seq: i64,
    pub number: &'a str,
    pub form_id: &'a str,
    pub form_title: &'a str,
    pub account: Option<i64>,
    pub email: &'a str,
    /// The fields as JSON.
    pub fields: &'a str,
    pub department: &'a str,
    pub registered_at: &'a str,
    pub due_on: Option<&'a str>,
    /// The deadline's rule as JSON.
    pub deadline_rule: Option<&'a str>,
    pub status_token_sha256: &'a [u8],
}

/// Registers a submission; its id.
pub fn register(c: &Connection, s: &NewSubmission) -> rusqlite::Result<i64> {
    c.prepare_cached(
        "INSERT INTO submission (year, seq, number, form_id, form_title, account_id, email, fields, department,
            status, registered_at, due_on, deadline_rule, status_token_sha256)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        s.year,
        s.seq,
        s.number,
        s.form_id,
        s.form_title,
        s.account,
        s.email,
        s.fields,
        s.department,
        CaseStatus::Registered,
        s.registered_at,
        s.due_on,
        s.deadline_rule,
        s.status_token_sha256,
    ])?;
    Ok(c.last_insert_rowid())
}

/// Stores a file of a submission.
pub fn attach(
    c: &Connection,
    submission: i64,
    file_name: &str,
    media_type: &str,
    sha256: &str,
    bytes: &[u8],
) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO attachment (submission_id, file_name, media_type, size, sha256, content)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![submission, file_name, media_type, bytes.len() as i64, sha256, bytes])?;
    Ok(())
}

/// Adds an entry to a case's history.
pub fn audit(
    c: &Connection,
    submission: i64,
    actor: &str,
    action: &str,
    detail: &str,
    now: Timestamp,
) -> rusqlite::Result<()> {
    c.prepare_cached("INSERT INTO audit (submission_id, at, actor, action, detail) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![submission, now.to_string(), actor, action, detail])?;
    Ok(())
}

/// A case by its registration number, with its files (without their bytes) and its history, the
/// registration first.
pub fn case_by_number(c: &Connection, number: &str) -> rusqlite::Result<Option<Case>> {
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

/// An account's submissions, newest first, with the city's answer once there is one.
pub fn of_account(c: &Connection, account: i64) -> rusqlite::Result<Vec<Value>> {
    let mut s = c.prepare_cached(
        "SELECT number, form_title, registered_at, COALESCE(extended_due_on, due_on), status, fields, answer, answered_at
         FROM submission WHERE account_id = ?1 ORDER BY id DESC",
    )?;
    s.query_map([account], |r| {
        Ok(json!({
            "number": r.get::<_, String>(0)?,
            "form": r.get::<_, String>(1)?,
            "registered_at": r.get::<_, String>(2)?,
            "due_on": r.get::<_, Option<String>>(3)?,
            "status": r.get::<_, String>(4)?,
            "fields": serde_json::from_str::<Value>(&r.get::<_, String>(5)?).unwrap_or(Value::Null),
            "answer": r.get::<_, Option<String>>(6)?,
            "answered_at": r.get::<_, Option<String>>(7)?,
        }))
    })?
    .collect()
}

/// Which cases staff list.
pub struct CaseFilter {
    pub status: Option<String>,
    pub form: Option<String>,
    pub department: Option<String>,
}

/// The cases a filter finds (500 at most): overdue on `today` first, then open ones by
/// deadline, then closed ones.
pub fn cases(c: &Connection, filter: &CaseFilter, today: &str) -> rusqlite::Result<Vec<Value>> {
    c.prepare_cached(
        "SELECT number, form_title, department, status, registered_at, COALESCE(extended_due_on, due_on) AS due
         FROM submission
         WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR form_id = ?2) AND (?3 IS NULL OR department = ?3)
         ORDER BY (status NOT IN ('answered', 'filed') AND due < ?4) DESC,
                  (status IN ('answered', 'filed')), due IS NULL, due, id
         LIMIT 500",
    )?
    .query_map(params![filter.status, filter.form, filter.department, today], |r| {
        let due: Option<String> = r.get(5)?;
        let status: CaseStatus = r.get(3)?;
        let overdue = status.is_open() && due.as_ref().is_some_and(|d| d.as_str() < today);
        Ok(json!({"number": r.get::<_, String>(0)?, "form": r.get::<_, String>(1)?,
                  "department": r.get::<_, String>(2)?, "status": status,
                  "registered_at": r.get::<_, String>(4)?, "overdue": overdue, "due_on": due}))
    })?
    .collect()
}

/// The forms and the departments cases came to, as `[id, name]` pairs to filter by.
pub fn case_filters(c: &Connection) -> rusqlite::Result<(Vec<Value>, Vec<Value>)> {
    let distinct = |sql: &str| -> rusqlite::Result<Vec<Value>> {
        c.prepare_cached(sql)?.query_map([], |r| Ok(json!([r.get::<_, String>(0)?, r.get::<_, String>(1)?])))?.collect()
    };
    Ok((
        distinct("SELECT DISTINCT form_id, form_title FROM submission ORDER BY form_title")?,
        distinct("SELECT DISTINCT department, department FROM submission ORDER BY department")?,
    ))
}

pub fn set_status(c: &Connection, case: i64, status: CaseStatus) -> rusqlite::Result<()> {
    c.execute("UPDATE submission SET status = ?2 WHERE id = ?1", params![case, status])?;
    Ok(())
}

pub fn forward(c: &Connection, case: i64, to: &str) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE submission SET status = ?3, forwarded_to = ?2 WHERE id = ?1",
        params![case, to, CaseStatus::Forwarded],
    )?;
    Ok(())
}

/// Extends a case's deadline, once; false when it was extended before.
pub fn extend(c: &Connection, case: i64, due_on: &str, reason: &str) -> rusqlite::Result<bool> {
    let n = c.execute(
        "UPDATE submission SET extended_due_on = ?2, extension_reason = ?3 WHERE id = ?1 AND extended_due_on IS NULL",
        params![case, due_on, reason],
    )?;
    Ok(n > 0)
}

pub fn answer(c: &Connection, case: i64, text: &str, now: Timestamp) -> rusqlite::Result<()> {
    c.execute(
        "UPDATE submission SET status = ?4, answer = ?2, answered_at = ?3 WHERE id = ?1",
        params![case, text, now.to_string(), CaseStatus::Answered],
    )?;
    Ok(())
}

/// A case's file: its name, media type and bytes.
pub fn attachment(c: &Connection, number: &str, id: i64) -> rusqlite::Result<Option<(String, String, Vec<u8>)>> {
    let (year, seq) = year_and_seq(number).unwrap_or_default();
    c.query_row(
        "SELECT a.file_name, a.media_type, a.content FROM attachment a JOIN submission s ON s.id = a.submission_id
         WHERE s.year = ?1 AND s.seq = ?2 AND s.number = ?3 AND a.id = ?4",
        params![year, seq, number, id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()
}
