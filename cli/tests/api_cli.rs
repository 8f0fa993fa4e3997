//! `civic api user add`: staff accounts made from the command line.

use std::io::Write;
use std::process::{Command, Stdio};

fn add(data: &std::path::Path, args: &[&str], stdin: &str) -> std::process::Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_civic"))
        .args(["api", "--data"])
        .arg(data)
        .args(["user", "add"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn role_of(data: &std::path::Path, email: &'static str) -> Option<(String, bool)> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let db = civic_api::db::Db::open(&data.join("civic.db")).unwrap();
        db.read(move |c| {
            c.query_row("SELECT role, password_hash IS NOT NULL FROM account WHERE email = ?1", [email], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(civic_api::db::DbError::from)
        })
        .await
        .ok()
    })
}

#[test]
fn staff_are_added_from_the_command_line_and_mistakes_are_explained() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let out = add(
        &data,
        &["--email", "Ana.Staff@PrimariaTM.ro", "--role", "staff", "--password-stdin"],
        "parola lungă de test\n",
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(role_of(&data, "ana.staff@primariatm.ro"), Some(("staff".into(), true)));

    // Again with another role: the same account is promoted, its password kept.
    let out = add(&data, &["--email", "ana.staff@primariatm.ro", "--role", "admin"], "");
    assert!(out.status.success());
    assert_eq!(role_of(&data, "ana.staff@primariatm.ro"), Some(("admin".into(), true)));

    let out = add(&data, &["--email", "not-an-address", "--role", "staff"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nu este o adresă de e-mail validă"));
    let out = add(&data, &["--email", "b@primariatm.ro", "--password-stdin"], "scurtă\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 10 characters"));
    let out = add(&data, &["--email", "b@primariatm.ro", "--role", "mayor"], "");
    assert_eq!(out.status.code(), Some(2), "clap lists the roles");
}
