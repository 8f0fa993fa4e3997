//! The embedded default: the Timișoara sample content builds, and everything it publishes
//! passes the official checkers (JSON Schema, OCDS via libcoveocds, iCalendar, XML).

use std::process::Command;
use std::sync::OnceLock;

use civic_tests::{Built, build, root};

/// One build of the sample content shared by the tests (it is deterministic).
fn sample() -> &'static Built {
    static SITE: OnceLock<Built> = OnceLock::new();
    SITE.get_or_init(|| build(&root().join("content"), "2026-11-26"))
}

/// The test virtualenv's Python, set up by the README's test command.
fn python() -> std::path::PathBuf {
    let py = root().join("tests/.venv/bin/python");
    assert!(
        py.exists(),
        "{} is missing: run the README's test command (bash tests/run.sh), which sets it up",
        py.display()
    );
    py
}

#[test]
fn the_sample_site_has_what_the_city_publishes() {
    let site = sample();
    let count = |prefix: &str| {
        site.files()
            .iter()
            .filter(|f| f.starts_with(prefix) && f.ends_with("/index.html") && !f.contains("/pagina/"))
            .count()
    };
    let decisions = serde_json::from_str::<serde_json::Value>(&site.read("data/council_decision.json")).unwrap();
    assert!(decisions["count"].as_u64().unwrap() >= 60, "{}", decisions["count"]);
    assert!(count("hotarari/") >= 60);
    let statuses: Vec<&str> =
        decisions["items"].as_array().unwrap().iter().filter_map(|d| d["status"].as_str()).collect();
    assert!(statuses.contains(&"suspendata"), "one decision is suspended by the prefect");
    assert!(statuses.contains(&"modificata") || statuses.contains(&"abrogata"));
    let home = site.read("index.html");
    assert!(
        home.contains("Consultări publice deschise") && home.contains("(încă "),
        "open consultations show days left"
    );
}

#[test]
fn every_item_json_validates_against_its_published_schema() {
    let site = sample();
    let mut checked = 0;
    for f in site.files().into_iter().filter(|f| {
        f.starts_with("data/") && !f.starts_with("data/ocds/") && f.matches('/').count() == 2 && f.ends_with(".json")
    }) {
        let doc: serde_json::Value = serde_json::from_str(&site.read(&f)).unwrap();
        let schema_path = doc["item_schema"].as_str().unwrap().trim_start_matches('/');
        let schema: serde_json::Value = serde_json::from_str(&site.read(schema_path)).unwrap();
        let validator = jsonschema::options().should_validate_formats(true).build(&schema).unwrap();
        let errors: Vec<String> =
            validator.iter_errors(&doc["item"]).map(|e| format!("{}: {e}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{f}: {errors:?}");
        checked += 1;
    }
    assert!(checked >= 150, "only {checked} item documents");
}

#[test]
fn tenders_validate_as_ocds_with_libcoveocds() {
    let site = sample();
    let package = site.out().join("data/ocds/release-package.json");
    let out = Command::new(python()).arg(root().join("tests/tools/check_ocds.py")).arg(&package).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{text}");
    let doc: serde_json::Value = serde_json::from_str(&site.read("data/ocds/release-package.json")).unwrap();
    assert!(doc["releases"].as_array().unwrap().len() >= 20);
}

#[test]
fn calendars_parse_with_a_vtimezone() {
    let site = sample();
    let out = Command::new(python()).arg(root().join("tests/tools/check_ics.py")).arg(site.out()).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(site.exists("sedinte/calendar.ics"));
    assert!(
        site.files().iter().any(|f| f.starts_with("cariere/") && f.ends_with("calendar.ics")),
        "job contests publish their calendar"
    );
}

#[test]
fn feeds_and_sitemap_are_well_formed_xml() {
    let site = sample();
    for f in site.files().into_iter().filter(|f| f.ends_with(".xml")) {
        roxmltree::Document::parse(&site.read(&f)).unwrap_or_else(|e| panic!("{f}: {e}"));
    }
}

#[test]
fn romanian_text_uses_comma_below_never_cedilla() {
    let site = sample();
    for f in site.files().into_iter().filter(|f| f.ends_with(".html") || f.ends_with(".json") || f.ends_with(".xml")) {
        let text = site.read(&f);
        assert!(!text.contains(['ş', 'ţ', 'Ş', 'Ţ']), "{f} has a cedilla ş/ţ instead of ș/ț");
    }
}

#[test]
fn every_page_has_one_title_a_language_and_a_skip_link() {
    let site = sample();
    for f in site.files().into_iter().filter(|f| f.ends_with(".html")) {
        let page = site.read(&f);
        assert_eq!(page.matches("<h1").count(), 1, "{f}");
        assert!(page.contains("<html lang=\"ro\">"), "{f}");
        assert!(page.contains("href=\"#continut\""), "{f}");
    }
}

#[test]
fn every_internal_link_leads_to_a_page() {
    let site = sample();
    let mut broken = Vec::new();
    for f in site.files().into_iter().filter(|f| f.ends_with(".html")) {
        let page = site.read(&f);
        for href in page.split("href=\"").skip(1).filter_map(|s| s.split('"').next()) {
            if !href.starts_with('/') || href.starts_with("//") {
                continue;
            }
            let path = href.split(['#', '?']).next().unwrap_or(href);
            let file = if path.ends_with('/') { format!("{}index.html", &path[1..]) } else { path[1..].to_owned() };
            if !site.exists(&file) {
                broken.push(format!("{f} → {href}"));
            }
        }
    }
    assert!(broken.is_empty(), "{} broken links, e.g. {:?}", broken.len(), &broken[..broken.len().min(10)]);
}
