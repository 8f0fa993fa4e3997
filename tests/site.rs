//! What a reader, a feed reader and a data user get from a small, fully known content folder.

use civic_tests::{Built, build, root};

fn small() -> Built {
    build(&root().join("tests/fixtures/small"), "2026-11-26")
}

#[test]
fn a_decision_page_shows_its_number_status_and_the_decision_that_amends_it() {
    let site = small();
    let page = site.read("hotarari/hcl-2025-10/index.html");
    assert!(page.contains("<h1>privind aprobarea Regulamentului de parcare</h1>"), "{page}");
    assert!(page.contains("Hotărâre a consiliului local nr. 10/2025"));
    assert!(page.contains(r#"<span class="status status-modificata">Modificată</span>"#));
    assert!(page.contains("Modificată de</span> <a href=\"/hotarari/hcl-2025-20/\">"), "{page}");
    // And the other way round.
    let amending = site.read("hotarari/hcl-2025-20/index.html");
    assert!(amending.contains("Modifică</span> <a href=\"/hotarari/hcl-2025-10/\">"), "{amending}");
}

#[test]
fn legal_deadlines_are_shown_with_their_computation() {
    let page = small().read("hotarari/hcl-2025-10/index.html");
    assert!(page.contains("Comunicarea către prefect"));
    assert!(
        page.contains("10 zile lucrătoare de la 27 martie 2025: se sar 4 zile de weekend; termen: 10 aprilie 2025"),
        "{page}"
    );
    assert!(page.contains("1 aprilie 2025 <span class=\"state state-respectat\">(respectat)</span>"), "{page}");
}

#[test]
fn scripts_in_markdown_never_reach_the_page() {
    let page = small().read("hotarari/hcl-2025-10/index.html");
    assert!(page.contains("Art. 1. Se aprobă regulamentul."));
    assert!(!page.contains("alert(\"x\")") && !page.contains("<script>alert"), "{page}");
}

#[test]
fn the_home_page_shows_open_consultations_with_days_left() {
    let home = small().read("index.html");
    assert!(home.contains("proiect privind bugetul participativ"), "{home}");
    assert!(home.contains("recomandări până la 5 decembrie 2026 (încă 9 zile)"), "{home}");
}

#[test]
fn items_published_in_the_future_stay_out_until_then() {
    let site = small();
    assert_eq!(site.report.scheduled, 1);
    assert!(!site.exists("stiri/stire-programata/index.html"));
    assert!(!site.read("stiri/feed.xml").contains("Anunț programat"));
    let later = build(&root().join("tests/fixtures/small"), "2026-12-01");
    assert!(later.read("stiri/stire-programata/index.html").contains("Anunț programat pentru decembrie"));
}

#[test]
fn register_only_dispositions_have_a_register_line_and_no_page() {
    let site = small();
    assert!(!site.exists("dispozitii/disp-2026-7/index.html"));
    let register = site.read("data/mayor_disposition.csv");
    assert!(
        register.contains("7,2026,2026-02-09,privind acordarea unui ajutor de urgență,individual,in_vigoare,,\n"),
        "{register}"
    );
    let mol = site.read("monitorul-oficial-local/dispozitii/2026/index.html");
    assert!(
        site.read("monitorul-oficial-local/dispozitii/index.html")
            .contains("href=\"/monitorul-oficial-local/dispozitii/2026/\"")
    );
    assert!(
        mol.contains("privind acordarea unui ajutor de urgență <small>(act individual, nepublicat)</small>"),
        "{mol}"
    );
    assert!(!site.read("sitemap.xml").contains("disp-2026-7"));
}

#[test]
fn list_pages_have_static_filters_reachable_by_links() {
    let site = small();
    let list = site.read("hotarari/index.html");
    assert!(list.contains("href=\"/hotarari/an/2025/\""), "{list}");
    let by_status = site.read("hotarari/stare/in-vigoare/index.html");
    assert!(by_status.contains("privind modificarea Regulamentului de parcare"));
    assert!(!by_status.contains("privind aprobarea Regulamentului de parcare"));
}

#[test]
fn the_same_input_gives_byte_identical_output() {
    let (a, b) = (small(), small());
    assert_eq!(a.files(), b.files());
    for f in a.files() {
        assert!(std::fs::read(a.out().join(&f)).unwrap() == std::fs::read(b.out().join(&f)).unwrap(), "{f} differs");
    }
}

#[test]
fn css_gets_a_content_hashed_name_that_pages_link_to() {
    let site = small();
    let css: Vec<String> =
        site.files().into_iter().filter(|f| f.starts_with("assets/site.") && f.ends_with(".css")).collect();
    assert_eq!(css.len(), 1, "{css:?}");
    assert!(site.read("index.html").contains(&format!("href=\"/{}\"", css[0])));
}

#[test]
fn atom_feeds_are_well_formed_with_required_elements() {
    let feed = small().read("hotarari/feed.xml");
    let doc = roxmltree::Document::parse(&feed).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().namespace(), Some("http://www.w3.org/2005/Atom"));
    for required in ["id", "title", "updated"] {
        assert!(root.children().any(|c| c.tag_name().name() == required), "feed lacks {required}");
    }
    let entries: Vec<_> = root.children().filter(|c| c.tag_name().name() == "entry").collect();
    assert_eq!(entries.len(), 2);
    for e in entries {
        for required in ["id", "title", "updated", "link"] {
            assert!(e.children().any(|c| c.tag_name().name() == required), "entry lacks {required}");
        }
    }
}

#[test]
fn item_json_validates_against_the_published_schema() {
    let site = small();
    let schema: serde_json::Value = serde_json::from_str(&site.read("schemas/council_decision.schema.json")).unwrap();
    let validator = jsonschema::options().should_validate_formats(true).build(&schema).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&site.read("data/council_decision/hcl-2025-20.json")).unwrap();
    let errors: Vec<String> = validator.iter_errors(&doc["item"]).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(doc["related_out"][0]["id"], "hcl-2025-10");
    // The schema really constrains: a wrong status is refused.
    let mut bad = doc["item"].clone();
    bad["status"] = "valabila".into();
    assert!(!validator.is_valid(&bad));
}

#[test]
fn decisions_carry_schema_org_legislation() {
    let page = small().read("hotarari/hcl-2025-10/index.html");
    let start = page.find("<script type=\"application/ld+json\">").expect("JSON-LD") + 35;
    let end = start + page[start..].find("</script>").unwrap();
    let ld: serde_json::Value = serde_json::from_str(&page[start..end]).unwrap();
    assert_eq!(ld["@type"], "Legislation");
    assert_eq!(ld["legislationIdentifier"], "/eli/ro/ot/cl/hcl/2025/10");
    assert_eq!(ld["legislationDate"], "2025-03-27");
    assert_eq!(ld["legislationLegalForce"], "InForce");
}

#[test]
fn the_sitemap_robots_and_404_exist() {
    let site = small();
    let sitemap = site.read("sitemap.xml");
    roxmltree::Document::parse(&sitemap).expect("well-formed sitemap");
    assert!(
        sitemap.contains("<loc>https://example.test/hotarari/hcl-2025-10/</loc><lastmod>2025-04-03</lastmod>"),
        "{sitemap}"
    );
    assert!(site.read("robots.txt").contains("Sitemap: https://example.test/sitemap.xml"));
    assert!(site.read("404.html").contains("Pagina nu a fost găsită"));
}

#[test]
fn titles_cannot_break_out_of_the_json_ld_script() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    civic_tests::copy_dir(&root().join("tests/fixtures/small"), &content);
    let file = content.join("council_decisions/hcl-2025-10.md");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(
        &file,
        text.replace(
            "title: privind aprobarea Regulamentului de parcare",
            "title: \"privind <!--<script> aprobarea Regulamentului de parcare\"",
        ),
    )
    .unwrap();
    let site = build(&content, "2026-11-26");
    let page = site.read("hotarari/hcl-2025-10/index.html");
    let script = &page[page.find("application/ld+json").unwrap()..];
    let script = &script[..script.find("</script>").unwrap()];
    assert!(!script.contains("<!--") && script.contains("\\u003c!--\\u003cscript\\u003e"), "{script}");
    assert!(page.contains("<h1>privind &lt;!--&lt;script&gt; aprobarea Regulamentului de parcare</h1>"), "{page}");
}
