//! `civic archive ingest` and `civic archive verify` as an operator runs them: exit codes,
//! progress lines on a non-terminal, and the files named in the problems.

use civic_tests::copy_dir;

use std::path::Path;
use std::process::Command;

fn civic(args: &[&std::ffi::OsStr]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_civic")).args(args).env("CI", "1").output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

fn page(path: &Path, shade: u8) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    image::GrayImage::from_fn(120, 160, |x, y| image::Luma([if (x + y) % 9 < 3 { 30 } else { shade }]))
        .save(path)
        .unwrap();
}

#[test]
fn ingest_then_verify_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/small"), &content);
    let batch = dir.path().join("lot");
    page(&batch.join("u1/p1.png"), 220);
    page(&batch.join("u1/p2.png"), 225);
    std::fs::write(
        batch.join("metadata.csv"),
        "folder,reference_code,title,fonds,date_start,date_end,extent,languages,rights\n\
         u1,RO-X-1,Registru de ședințe 1920,Primăria Orașului Timișoara,1920,1921,1 registru,ro; de,http://creativecommons.org/publicdomain/mark/1.0/\n",
    )
    .unwrap();
    let (b, c) = (batch.as_os_str(), content.as_os_str());
    let (code, err) = civic(&["archive".as_ref(), "ingest".as_ref(), b, "--content".as_ref(), c]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("ingesting 1 units (2 pages)") && err.contains("1 unit(s) ingested (2 pages"), "{err}");
    let (code, err) = civic(&["check".as_ref(), "--content".as_ref(), c]);
    assert_eq!(code, 0, "the ingested unit is valid content: {err}");
    let (code, err) = civic(&["archive".as_ref(), "verify".as_ref(), b, "--content".as_ref(), c]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("2 master file(s) of 1 unit(s) checked, 0 problem(s)"), "{err}");

    page(&batch.join("u1/p2.png"), 200);
    let (code, err) = civic(&["archive".as_ref(), "verify".as_ref(), b, "--content".as_ref(), c]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("u1/p2.png: error: changed since ingest"), "{err}");

    // A batch without its metadata is a usage problem with a fix.
    let (code, err) = civic(&["archive".as_ref(), "ingest".as_ref(), dir.path().as_os_str(), "--content".as_ref(), c]);
    assert_eq!(code, 1);
    assert!(err.contains("metadata.csv: error: cannot read the batch's metadata") && err.contains("fix:"), "{err}");
}
