//! Where submissions live: the registry's rows, their attachments and their audit log. Every
//! query of submissions and cases is here; handlers call these functions inside `Db::read` or
//! `Db::write`.

use rusqlite::Connection;
use serde_json::{Value, json};

/// An account's submissions, newest first.
pub fn of_account(c: &Connection, account: i64) -> rusqlite::Result<Vec<Value>> {
    let mut s = c.prepare_cached(
        "SELECT number, form_title, registered_at, COALESCE(extended_due_on, due_on), status, fields
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
        }))
    })?
    .collect()
}
