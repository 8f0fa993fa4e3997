//! One test per kind of content error: the editor must be told the file, the line, the field
//! and a fix, for every problem at once, and the previous site must survive.

use civic_tests::copy_dir;

use std::path::{Path, PathBuf};
use std::process::Command;

fn fixture() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/small"), &content);
    (dir, content)
}

fn write(content: &Path, rel: &str, text: &str) {
    let p = content.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// Replaces `from` with `to` in a fixture file.
fn edit(content: &Path, rel: &str, from: &str, to: &str) {
    let p = content.join(rel);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(text.contains(from), "{rel} has no `{from}`");
    std::fs::write(p, text.replacen(from, to, 1)).unwrap();
}

fn civic(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_civic")).args(args).env("CI", "1").output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn check(content: &Path) -> (i32, String) {
    let (code, _, err) = civic(&["check", "--content", content.to_str().unwrap()]);
    (code, err)
}

const HCL10: &str = "council_decisions/hcl-2025-10.md";

#[test]
fn the_fixture_is_valid() {
    let (_d, content) = fixture();
    let (code, err) = check(&content);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("7 items checked, no problems (1 scheduled for later)"), "{err}");
}

#[test]
fn unknown_field_suggests_the_right_name() {
    let (_d, content) = fixture();
    edit(&content, HCL10, "adopted_on: 2025-03-27", "adopted: 2025-03-27");
    let (code, err) = check(&content);
    assert_eq!(code, 1);
    assert!(err.contains("council_decisions/hcl-2025-10.md:7:1: error in `adopted`: unknown field `adopted`"), "{err}");
    assert!(err.contains("fix: did you mean `adopted_on`?"), "{err}");
    // The same edit also removed a required field, reported in the same run.
    assert!(err.contains("missing required field `adopted_on`"), "{err}");
}

#[test]
fn missing_field_says_what_to_add() {
    let (_d, content) = fixture();
    edit(&content, HCL10, "initiator: Primarul Orașului Test\n", "");
    let (_, err) = check(&content);
    assert!(err.contains("hcl-2025-10.md:2:1: error in `initiator`: missing required field `initiator`"), "{err}");
    assert!(err.contains("fix: add `initiator:` (Who proposed it"), "{err}");
}

#[test]
fn wrong_enum_value_is_corrected() {
    let (_d, content) = fixture();
    edit(&content, HCL10, "status: modificata", "status: in vigoare");
    let (_, err) = check(&content);
    assert!(err.contains("hcl-2025-10.md:13:9: error in `status`: `in vigoare` is not an allowed value"), "{err}");
    assert!(err.contains("did you mean `in_vigoare`?"), "{err}");
}

#[test]
fn wrong_type_shows_an_example() {
    let (_d, content) = fixture();
    edit(&content, HCL10, "number: 10", "number: zece");
    let (_, err) = check(&content);
    assert!(err.contains("hcl-2025-10.md:5:9: error in `number`: expected a whole number, found text `zece`"), "{err}");
}

#[test]
fn malformed_date_explains_the_format() {
    let (_d, content) = fixture();
    edit(&content, HCL10, "published_on: 2025-04-03", "published_on: 03.04.2025");
    let (_, err) = check(&content);
    assert!(err.contains("hcl-2025-10.md:12:15: error in `published_on`: `03.04.2025` is not a valid date"), "{err}");
    assert!(err.contains("YYYY-MM-DD"), "{err}");
}

#[test]
fn yaml_syntax_error_points_at_the_line() {
    let (_d, content) = fixture();
    edit(&content, HCL10, "legal_basis: [\"art. 129 din OUG nr. 57/2019\"]", "legal_basis: [\"art. 129\"");
    let (_, err) = check(&content);
    assert!(err.contains("hcl-2025-10.md:1") && err.contains("YAML syntax"), "{err}");
}

#[test]
fn unclosed_front_matter_is_reported() {
    let (_d, content) = fixture();
    write(&content, "council_decisions/broken.md", "---\nid: broken\ntitle: x\n");
    let (_, err) = check(&content);
    assert!(err.contains("council_decisions/broken.md:1:1: error: the front matter is never closed"), "{err}");
}

#[test]
fn duplicate_ids_and_numbers_are_caught() {
    let (_d, content) = fixture();
    let text = std::fs::read_to_string(content.join(HCL10)).unwrap();
    write(&content, "council_decisions/copy.md", &text);
    let (_, err) = check(&content);
    assert!(err.contains("council_decisions/hcl-2025-10.md:2:1: error in `id`: id `hcl-2025-10` is already used by council_decisions/copy.md"), "{err}");
    assert!(err.contains("error in `number`: decision no. 10/2025 is also council_decisions/copy.md"), "{err}");
}

#[test]
fn unknown_related_id_suggests_the_closest() {
    let (_d, content) = fixture();
    edit(&content, "council_decisions/hcl-2025-20.md", "id: hcl-2025-10}", "id: hcl-2025-11}");
    let (_, err) = check(&content);
    assert!(err.contains("hcl-2025-20.md:14:19: error in `related[0].id`: no item has id `hcl-2025-11`"), "{err}");
    assert!(err.contains("did you mean `hcl-2025-10`?") || err.contains("did you mean `hcl-2025-20`?"), "{err}");
}

#[test]
fn consultation_shorter_than_ten_days_is_refused() {
    let (_d, content) = fixture();
    edit(&content, "draft_decisions/ph-2026-5.md", "comments_deadline: 2026-12-05", "comments_deadline: 2026-11-20");
    let (_, err) = check(&content);
    assert!(err.contains("ph-2026-5.md:11:3: error in `consultation.comments_deadline`"), "{err}");
    assert!(err.contains("at least 10 days") && err.contains("set it to 2026-11-26 or later"), "{err}");
}

#[test]
fn dates_out_of_order_are_refused() {
    let (_d, content) = fixture();
    edit(&content, HCL10, "communicated_prefect_on: 2025-04-01", "communicated_prefect_on: 2025-03-01");
    let (_, err) = check(&content);
    assert!(err.contains("hcl-2025-10.md:11:1: error in `communicated_prefect_on`: communicated_prefect_on 2025-03-01 is before adopted_on 2025-03-27"), "{err}");
}

#[test]
fn attachments_must_exist_and_match_their_checksum() {
    let (_d, content) = fixture();
    write(&content, "files/anexa.pdf", "%PDF-1.4 test");
    edit(
        &content,
        HCL10,
        "category: Mobilitate\n",
        "category: Mobilitate\nattachments:\n  - {path: files/anexa.pdf, title: Anexa, sha256: \"0000000000000000000000000000000000000000000000000000000000000000\"}\n  - {path: files/lipsa.pdf, title: Lipsă}\n",
    );
    let (_, err) = check(&content);
    assert!(err.contains("error in `attachments[0].sha256`: `files/anexa.pdf` does not match its sha256"), "{err}");
    assert!(err.contains("error in `attachments[1].path`: the attachment `files/lipsa.pdf` does not exist"), "{err}");
}

#[test]
fn a_type_that_contradicts_its_folder_is_refused() {
    let (_d, content) = fixture();
    edit(&content, HCL10, "id: hcl-2025-10\n", "id: hcl-2025-10\ntype: news\n");
    let (_, err) = check(&content);
    assert!(err.contains("`type: news` does not match the folder `council_decisions/`"), "{err}");
}

#[test]
fn every_error_of_every_file_comes_in_one_run() {
    let (_d, content) = fixture();
    edit(&content, HCL10, "number: 10", "number: zece");
    edit(&content, "draft_decisions/ph-2026-5.md", "status: in_consultare", "status: deschis");
    edit(&content, "council_decisions/hcl-2025-20.md", "year: 2025", "year: anul");
    let (code, err) = check(&content);
    assert_eq!(code, 1);
    assert!(err.contains("hcl-2025-10.md:5:9"), "{err}");
    assert!(err.contains("ph-2026-5.md:13:9"), "{err}");
    assert!(err.contains("hcl-2025-20.md:6:7"), "{err}");
    assert!(err.contains("3 problem(s) in 3 file(s)"), "{err}");
}

#[test]
fn json_format_is_machine_readable() {
    let (_d, content) = fixture();
    edit(&content, HCL10, "adopted_on: 2025-03-27", "adopted: 2025-03-27");
    let (code, out, _) = civic(&["check", "--format", "json", "--content", content.to_str().unwrap()]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ok"], false);
    let first = &v["diagnostics"].as_array().unwrap().iter().find(|d| d["field"] == "adopted").unwrap();
    assert_eq!(first["file"], HCL10);
    assert_eq!(first["line"], 7);
    assert_eq!(first["fix"], "did you mean `adopted_on`?");
}

#[test]
fn a_failed_build_keeps_the_previous_site() {
    let (dir, content) = fixture();
    let out = dir.path().join("public");
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("../themes/default");
    let args = |c: &Path| {
        vec![
            "build".to_owned(),
            "--content".into(),
            c.display().to_string(),
            "--theme".into(),
            theme.display().to_string(),
            "--out".into(),
            out.display().to_string(),
        ]
    };
    let run = |a: Vec<String>| civic(&a.iter().map(String::as_str).collect::<Vec<_>>());
    let (code, _, err) = run(args(&content));
    assert_eq!(code, 0, "{err}");
    let page = out.join("hotarari/hcl-2025-10/index.html");
    let before = std::fs::read_to_string(&page).unwrap();
    edit(&content, HCL10, "number: 10", "number: zece");
    edit(&content, "council_decisions/hcl-2025-20.md", "title: privind modificarea", "title: SCHIMBAT");
    let (code, _, err) = run(args(&content));
    assert_eq!(code, 1);
    assert!(err.contains("nothing was written, the previous site is unchanged"), "{err}");
    assert_eq!(std::fs::read_to_string(&page).unwrap(), before);
    assert!(!std::fs::read_to_string(out.join("hotarari/hcl-2025-20/index.html")).unwrap().contains("SCHIMBAT"));
    assert!(!dir.path().join("public.staging").exists());
}

#[test]
fn an_output_folder_that_cannot_be_written_exits_with_three() {
    let (dir, content) = fixture();
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, "not a folder").unwrap();
    let theme = Path::new(env!("CARGO_MANIFEST_DIR")).join("../themes/default");
    let out = blocker.join("public");
    let (code, _, err) = civic(&[
        "build",
        "--content",
        content.to_str().unwrap(),
        "--theme",
        theme.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("cannot write the file"), "{err}");
}

#[test]
fn usage_errors_exit_with_two_and_help_teaches() {
    let (code, _, err) = civic(&["build", "--now", "27.03.2025"]);
    assert_eq!(code, 2);
    assert!(err.contains("write it as YYYY-MM-DD"), "{err}");
    let (code, out, _) = civic(&["check", "--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("Every problem in every file is listed"), "{out}");
}

#[test]
fn a_page_cannot_take_a_section_address() {
    let (_d, content) = fixture();
    write(
        &content,
        "pages/stiri.md",
        "---\nid: stiri\ntitle: Știri vechi\npublished_at: 2026-01-05T10:00:00+02:00\n---\nText.\n",
    );
    let (_, err) = check(&content);
    assert!(
        err.contains(
            "pages/stiri.md:2:1: error in `slug`: the page would be /stiri/, which the site uses for something else"
        ),
        "{err}"
    );
}

#[test]
fn script_links_and_paths_outside_the_content_are_refused() {
    let (_d, content) = fixture();
    write(
        &content,
        "news/imagine.md",
        "---\nid: imagine\ntitle: Știre cu imagine\npublished_at: 2026-01-05T10:00:00+02:00\nauthor: Direcția Comunicare\nhero_image: {path: /etc/passwd, alt: O imagine}\n---\nText.\n",
    );
    let (_, err) = check(&content);
    assert!(
        err.contains(
            "news/imagine.md:6:14: error in `hero_image.path`: `/etc/passwd` is not a path inside the content folder"
        ),
        "{err}"
    );
    write(
        &content,
        "services/taxe.md",
        "---\nid: taxe\ntitle: Plata taxelor\npublished_at: 2026-01-05T10:00:00+02:00\ndepartment: Direcția Fiscală\naudience: [cetateni]\nonline_url: \"javascript:alert(1)\"\n---\nText.\n",
    );
    let (_, err) = check(&content);
    assert!(
        err.contains("services/taxe.md:7:13: error in `online_url`: `javascript:alert(1)` has the wrong shape"),
        "{err}"
    );
    assert!(err.contains("fix: write a web address starting with https://"), "{err}");
}

/// A form whose second field (line 12) is `field`; line 11 is the reply address.
fn form_with(content: &Path, kind: &str, email: &str, field: &str) {
    write(
        content,
        "forms/f.md",
        &format!(
            "---\nid: f\ntitle: Formular de test\npublished_at: 2026-11-02T09:00:00+02:00\nkind: {kind}\nassurance: none\nlegal_basis: [{{act: OG nr. 27/2002}}]\ndepartment: {{name: Registratura, email: r@example.test}}\ndeadline: {{days: 30, unit: calendar_days, basis: art. 8 din OG nr. 27/2002}}\nfields:\n  - {email}\n  - {field}\nprivacy_notice: Datele se prelucrează pentru soluționarea cererii.\n---\nText.\n"
        ),
    );
}

const EMAIL: &str = "{name: email, label: E-mail, type: email, required: true}";

#[test]
fn a_valid_form_passes() {
    let (_d, content) = fixture();
    form_with(&content, "petition", EMAIL, "{name: nume, label: Nume, type: text, required: true}");
    let (code, err) = check(&content);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn every_mistake_in_a_form_field_is_located_and_explained() {
    // (the second field, what the editor must read).
    let cases: [(&str, &[&str]); 12] = [
        (
            "{name: adresa, label: Adresa, type: text, autocomplete: street-address}",
            &[
                "forms/f.md:12:",
                "error in `fields[1].autocomplete`: `street-address` spans several lines",
                "autocomplete: address-line1",
            ],
        ),
        (
            "{name: email, label: Alt e-mail, type: email}",
            &[
                "forms/f.md:12:6: error in `fields[1].name`: two fields are named `email`",
                "give every field its own name",
            ],
        ),
        (
            "{name: nume, label: Nume, type: text, options: [{value: a, label: A}]}",
            &[
                "forms/f.md:12:",
                "error in `fields[1].options`: a `text` field has no options",
                "use `type: select` or `type: radio`",
            ],
        ),
        (
            "{name: cartier, label: Cartier, type: select}",
            &["forms/f.md:12:", "error in `fields[1].type`: a `select` field needs `options` to choose from"],
        ),
        (
            "{name: nume, label: Nume, type: text, min_length: 50, max_length: 10}",
            &[
                "forms/f.md:12:",
                "error in `fields[1].max_length`: max_length 10 is below min_length 50",
                "set max_length to 50 or more",
            ],
        ),
        (
            "{name: nume, label: Nume, type: text, min_length: 500}",
            &[
                "error in `fields[1].min_length`: max_length 200 is below min_length 500",
                "the default for `text` is 200",
            ],
        ),
        (
            "{name: cod, label: Cod poștal, type: text, pattern: \"[0-9\"}",
            &["forms/f.md:12:", "error in `fields[1].pattern`: `[0-9` is not a valid regular expression"],
        ),
        (
            "{name: data, label: Data, type: date, pattern: \"[0-9]+\"}",
            &["error in `fields[1].pattern`: a `date` field takes no pattern"],
        ),
        (
            "{name: acord, label: Acord, type: checkbox, max_length: 3}",
            &["error in `fields[1].max_length`: a `checkbox` field has no length"],
        ),
        (
            "{name: nume, label: Nume, type: text, autocomplete: nmae}",
            &["error in `fields[1].autocomplete`: `nmae` is not an autocomplete token", "did you mean `name`?"],
        ),
        (
            "{name: attachments, label: Fișiere, type: text}",
            &["error in `fields[1].name`: `attachments` is the name of the file upload"],
        ),
        (
            "{name: nume, label: Nume, type: dropdown}",
            &["forms/f.md:12:", "error in `fields[1].type`: `dropdown` is not an allowed value"],
        ),
    ];
    for (field, expected) in cases {
        let (_d, content) = fixture();
        form_with(&content, "petition", EMAIL, field);
        let (code, err) = check(&content);
        assert_eq!(code, 1, "{field} passed:\n{err}");
        for e in expected {
            assert!(err.contains(e), "{field}: expected `{e}` in:\n{err}");
        }
    }
}

#[test]
fn a_form_needs_a_reply_address() {
    let (_d, content) = fixture();
    form_with(
        &content,
        "petition",
        "{name: nume, label: Nume, type: text}",
        "{name: adresa, label: Adresa, type: text}",
    );
    let (_, err) = check(&content);
    assert!(err.contains("forms/f.md:10:1: error in `fields`: no field is named `email`"), "{err}");
    assert!(err.contains("fix: add `- {name: email, label: Adresa de e-mail, type: email, required: true"), "{err}");
    form_with(
        &content,
        "petition",
        "{name: email, label: E-mail, type: text, required: true}",
        "{name: nume, label: Nume, type: text}",
    );
    let (_, err) = check(&content);
    assert!(
        err.contains("forms/f.md:11:")
            && err.contains("error in `fields[0].type`: the `email` field is where the answer is sent"),
        "{err}"
    );
    form_with(
        &content,
        "petition",
        "{name: email, label: E-mail, type: email}",
        "{name: nume, label: Nume, type: text}",
    );
    let (_, err) = check(&content);
    assert!(
        err.contains(
            "error in `fields[0].required`: the `email` field is where the answer is sent: it cannot be optional"
        ),
        "{err}"
    );
}

#[test]
fn a_comment_form_needs_the_draft_and_the_articles() {
    let (_d, content) = fixture();
    form_with(&content, "draft_comment", EMAIL, "{name: draft, label: Proiectul, type: text, required: true}");
    let (_, err) = check(&content);
    assert!(
        err.contains("forms/f.md:12:")
            && err.contains(
                "error in `fields[1].type`: the `draft` field lists the drafts in consultation, so it is a `select`"
            ),
        "{err}"
    );
    assert!(
        err.contains("forms/f.md:10:1: error in `fields`: a `draft_comment` form needs an `articles` field"),
        "{err}"
    );
    assert!(err.contains("Law 52/2003 art. 7"), "{err}");
    form_with(&content, "draft_comment", EMAIL, "{name: articles, label: Articolele, type: text, required: true}");
    let (_, err) = check(&content);
    assert!(err.contains("error in `fields`: a `draft_comment` form needs a `draft` field"), "{err}");
    // The fixture already has a comment form: a second one is refused.
    assert!(
        err.contains("error in `kind`: forms/recomandari.md is already the form for comments on drafts")
            || err.contains("error in `kind`: forms/f.md is already the form for comments on drafts"),
        "{err}"
    );
}

#[test]
fn legal_terms_of_forms_are_checked() {
    let (_d, content) = fixture();
    form_with(&content, "petition", EMAIL, "{name: nume, label: Nume, type: text}");
    edit(&content, "forms/f.md", "deadline: {days: 30, unit: calendar_days, basis: art. 8 din OG nr. 27/2002}\n", "");
    let (_, err) = check(&content);
    assert!(err.contains("forms/f.md:2:1: error: a petition, information request or report has a legal term for the answer, but no `deadline`"), "{err}");
    edit(
        &content,
        "forms/f.md",
        "fields:",
        "deadline: {days: 10, unit: working_days, complex_days: 5, basis: art. 7 din Legea nr. 544/2001}\nfields:",
    );
    let (_, err) = check(&content);
    assert!(
        err.contains(
            "forms/f.md:9:42: error in `deadline.complex_days`: complex requests get 5 days, no more than the usual 10"
        ),
        "{err}"
    );
}

#[test]
fn a_service_links_to_an_existing_form_and_forms_need_a_registration_prefix() {
    let (_d, content) = fixture();
    edit(&content, "services/cerere-test.md", "form: cerere", "form: cerer");
    let (_, err) = check(&content);
    assert!(err.contains("services/cerere-test.md:7:1: error in `form`: no item has id `cerer`"), "{err}");
    assert!(err.contains("did you mean `cerere`?"), "{err}");
    edit(&content, "services/cerere-test.md", "form: cerer", "form: hcl-2025-10");
    let (_, err) = check(&content);
    assert!(err.contains("error in `form`: `hcl-2025-10` is a council_decision, not a form"), "{err}");
    edit(&content, "services/cerere-test.md", "form: hcl-2025-10", "form: cerere");
    edit(&content, "civic.yaml", "registration_prefix: OT\n", "");
    let (_, err) = check(&content);
    assert!(err.contains("civic.yaml:1:1: error: there are forms, but no `registration_prefix`"), "{err}");
    assert!(err.contains("fix: add `registration_prefix: TM`"), "{err}");
}

/// The small fixture with the places fixture over it (districts, streets, works, a service).
fn places_fixture() -> (tempfile::TempDir, PathBuf) {
    let (dir, content) = fixture();
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/places"), &content);
    std::fs::remove_file(content.join("README.md")).unwrap();
    (dir, content)
}

#[test]
fn geometries_are_checked_where_they_are_written() {
    let (_d, content) = places_fixture();
    let (code, err) = check(&content);
    assert_eq!(code, 0, "{err}");
    // An unclosed ring, a position with latitude first outside the city's box, and a street
    // that is not in the street list: all in one run, each on its line.
    edit(&content, "districts/vest.yaml", "[21.20, 45.76], [21.20, 45.74]]", "[21.20, 45.76], [21.20, 45.75]]");
    edit(&content, "public_works/pe-granita.md", "[21.22, 45.75]", "[45.75, 21.22]");
    edit(&content, "public_works/planificata.md", "name: Strada Răsăritului", "name: Strada Rasaritului");
    edit(&content, "civic.yaml", "now: 2026-11-26", "now: 2026-11-26\nmap:\n  bbox: [21.1, 45.6, 21.4, 45.9]");
    let (code, err) = check(&content);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("districts/vest.yaml:8:7: error in `geometry.coordinates[0]`: the ring is not closed"),
        "{err}"
    );
    assert!(err.contains("fix: repeat the first position as the last one"), "{err}");
    assert!(err.contains("public_works/pe-granita.md:17:"), "{err}");
    assert!(err.contains("[45.75, 21.22] is outside the city"), "{err}");
    assert!(err.contains("fix: longitude comes first in GeoJSON: swap the two numbers"), "{err}");
    assert!(err.contains("public_works/planificata.md:7:5: error in `streets[0].name`"), "{err}");
    assert!(err.contains("no street `Strada Rasaritului`"), "{err}");
    assert!(err.contains("did you mean `Strada Răsăritului`?"), "{err}");
}

#[test]
fn a_geometry_of_the_wrong_shape_and_a_rule_civic_cannot_expand_are_reported() {
    let (_d, content) = places_fixture();
    edit(&content, "public_works/planificata.md", r#""type": "LineString""#, r#""type": "Linestring""#);
    let (code, err) = check(&content);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(
            "public_works/planificata.md:14:20: error in `geometry.type`: `Linestring` is not an allowed value"
        ),
        "{err}"
    );
    assert!(err.contains("did you mean `LineString`?"), "{err}");
    assert!(!err.contains("OneOf"), "{err}");
    edit(&content, "public_works/planificata.md", r#""type": "Linestring""#, r#""type": "LineString""#);
    edit(
        &content,
        "recurring_services/salubrizare.md",
        "rrule: FREQ=MONTHLY;BYDAY=1SA",
        "rrule: FREQ=YEARLY;BYDAY=1SA",
    );
    edit(&content, "streets.yaml", "districts: [est]", "districts: [estul]");
    let (code, err) = check(&content);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("recurring_services/salubrizare.md:"), "{err}");
    assert!(err.contains("FREQ=YEARLY is not one of DAILY, WEEKLY, MONTHLY"), "{err}");
    assert!(err.contains("streets.yaml:4:"), "{err}");
    assert!(err.contains("no district `estul`"), "{err}");
    assert!(err.contains("did you mean `est`?"), "{err}");
}
