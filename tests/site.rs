//! What a reader, a feed reader and a data user get from a small, fully known content folder.

use civic_tests::{Built, build, copy_dir, root};

#[path = "places.rs"]
mod places;

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

/// The links a list page's filters mark as the current one.
fn current_filters(page: &str) -> Vec<&str> {
    let start = page.find("<aside class=\"filters\"").expect("the page has its filters");
    let aside = &page[start..start + page[start..].find("</aside>").expect("the filters end")];
    aside
        .split("<a href=\"")
        .skip(1)
        .filter_map(|link| link.split_once("\" aria-current=\"page\"").map(|(href, _)| href))
        .filter(|href| !href.contains('"'))
        .collect()
}

/// A list's filters are rendered once for all its pages: every page marks that list's own filter
/// as the current one, and a list of another value or no filter marks none of its.
#[test]
fn every_page_of_a_list_marks_its_own_filter_as_current() {
    let content = tempfile::tempdir().unwrap();
    copy_dir(&root().join("tests/fixtures/small"), content.path());
    let config = content.path().join("civic.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("{text}\npage_size: 5\n")).unwrap();
    // Eight decisions of 2025, seven in force: those two lists have two pages each.
    let model = std::fs::read_to_string(content.path().join("council_decisions/hcl-2025-20.md")).unwrap();
    for n in 30..36 {
        let decision = model
            .replace("id: hcl-2025-20", &format!("id: hcl-2025-{n}"))
            .replace("number: 20", &format!("number: {n}"))
            .replace("  - {rel: amends, id: hcl-2025-10}\n", "")
            .replace("related:\n", "");
        std::fs::write(content.path().join(format!("council_decisions/hcl-2025-{n}.md")), decision).unwrap();
    }
    let site = build(content.path(), "2026-11-26");
    for page in ["hotarari/index.html", "hotarari/pagina/2/index.html"] {
        assert_eq!(current_filters(&site.read(page)), Vec::<&str>::new(), "{page}");
    }
    for (list, pages) in
        [("/hotarari/an/2025/", 2), ("/hotarari/stare/in-vigoare/", 2), ("/hotarari/stare/modificata/", 1)]
    {
        for n in 1..=pages {
            let page = if n == 1 { format!("{list}index.html") } else { format!("{list}pagina/{n}/index.html") };
            assert_eq!(current_filters(&site.read(page.trim_start_matches('/'))), vec![list], "{page}");
        }
    }
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

/// The forms of the small fixture as `/data/forms.json` lists them, by id.
fn forms_json(site: &Built) -> serde_json::Value {
    serde_json::from_str(&site.read("data/forms.json")).unwrap()
}

fn form<'a>(forms: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    forms["forms"].as_array().unwrap().iter().find(|f| f["id"] == id).unwrap_or_else(|| panic!("no form {id}"))
}

#[test]
fn a_form_page_renders_every_field_with_its_label_and_rules() {
    let page = small().read("formulare/cerere/index.html");
    assert!(
        page.contains(r#"<form class="civic-form" method="post" action="https://api.example.test/api/forms/cerere" enctype="multipart/form-data">"#),
        "{page}"
    );
    for expected in [
        // Text, with its hint tied to it, length limits, pattern and autocomplete; the hint is escaped.
        r#"<label for="f-nume">Numele și prenumele <span class="req">(obligatoriu)</span></label>"#,
        r#"<p class="hint" id="f-nume-hint">Scrieți &lt;b&gt;clar&lt;/b&gt; &amp; complet</p>"#,
        r#"<input type="text" id="f-nume" name="nume" required aria-describedby="f-nume-hint" autocomplete="name" maxlength="80" minlength="3" pattern="[A-Za-zĂÂÎȘȚăâîșț .\-]+">"#,
        // The reply address, bounded by default.
        r#"<input type="email" id="f-email" name="email" required autocomplete="email" maxlength="254">"#,
        r#"<input type="tel" id="f-telefon" name="telefon" autocomplete="tel" maxlength="30">"#,
        r#"<textarea id="f-continut" name="continut" required maxlength="4000" minlength="20" rows="8"></textarea>"#,
        r#"<input type="date" id="f-data_nasterii" name="data_nasterii" autocomplete="bday">"#,
        r#"<input type="number" id="f-persoane" name="persoane" step="any">"#,
        r#"<select id="f-cartier" name="cartier" required><option value="">Alegeți…</option><option value="centru">Centru</option><option value="fabric">Fabric</option></select>"#,
        r#"<legend>Cum doriți răspunsul</legend>"#,
        r#"<input type="radio" id="f-raspuns-2" name="raspuns" value="posta"> <label for="f-raspuns-2">Prin poștă</label>"#,
        r#"<input type="checkbox" id="f-acord" name="acord" value="on" required>"#,
        r#"<label for="f-acord">Confirm că datele sunt corecte <span class="req">(obligatoriu)</span></label>"#,
        // A location: the address, and optional coordinates.
        r#"<legend>Locul</legend>"#,
        r#"<input type="text" id="f-loc" name="loc" maxlength="300" autocomplete="address-line1">"#,
        r#"<input type="number" id="f-loc-lat" name="loc_lat" min="-90" max="90" step="any""#,
        r#"<input type="number" id="f-loc-lon" name="loc_lon" min="-180" max="180" step="any""#,
        // Files, as the form's uploads allow.
        r#"<input type="file" id="f-attachments" name="attachments" multiple accept="application/pdf,image/png" aria-describedby="f-attachments-hint">"#,
        "Cel mult 2 fișiere (PDF, PNG), fiecare de cel mult 2,0 MB.",
    ] {
        assert!(page.contains(expected), "missing {expected}\n{page}");
    }
    // The legal frame around the form: basis, term with a computed example, identity, department.
    assert!(page.contains(r#"<a href="https://example.test/og-27-2002">OG nr. 27/2002</a>, art. 8"#), "{page}");
    assert!(page.contains("30 de zile calendaristice, cu o prelungire posibilă de cel mult 15 zile"), "{page}");
    assert!(
        page.contains("De exemplu, pentru o solicitare înregistrată astăzi, 26 noiembrie 2026: 30 de zile"),
        "{page}"
    );
    assert!(page.contains("termen: 28 decembrie 2026"), "{page}");
    assert!(page.contains("adresa de e-mail trebuie confirmată"), "{page}");
    assert!(page.contains("Registratura Orașului Test (<a href=\"mailto:registratura@example.test\">"), "{page}");
    assert!(page.contains("Datele se prelucrează pentru soluționarea cererii"), "{page}");
    assert!(page.contains("<p>Explicația formularului de test.</p>"), "{page}");
}

#[test]
fn forms_json_has_the_shape_the_api_reads() {
    let forms = forms_json(&small());
    assert_eq!(forms["type"], "form");
    assert_eq!(forms["registration_prefix"], "OT");
    assert_eq!(forms["count"], 2);
    let f = form(&forms, "cerere");
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    // In the order of the agreed shape.
    let expected = vec![
        "id",
        "title",
        "summary",
        "url",
        "action",
        "kind",
        "assurance",
        "legal_basis",
        "department",
        "deadline",
        "attachments",
        "fields",
        "privacy_notice_html",
        "schema",
    ];
    assert_eq!(keys(f), expected);
    assert_eq!(f["url"], "/formulare/cerere/");
    assert_eq!(f["action"], "https://api.example.test/api/forms/cerere");
    assert_eq!(f["kind"], "petition");
    assert_eq!(f["assurance"], "email_verified");
    assert_eq!(
        f["legal_basis"],
        serde_json::json!([{"act": "OG nr. 27/2002", "article": "art. 8", "url": "https://example.test/og-27-2002"}])
    );
    assert_eq!(
        f["department"],
        serde_json::json!({"name": "Registratura Orașului Test", "email": "registratura@example.test"})
    );
    assert_eq!(
        f["deadline"],
        serde_json::json!({"days": 30, "unit": "calendar_days", "extension_days": 15, "complex_days": null, "basis": "art. 8 din OG nr. 27/2002"})
    );
    assert_eq!(
        f["attachments"],
        serde_json::json!({"max_files": 2, "max_bytes": 2097152, "types": ["application/pdf", "image/png"]})
    );
    assert_eq!(f["schema"], "/schemas/forms/cerere.schema.json");
    assert!(f["privacy_notice_html"].as_str().unwrap().starts_with("<p>Datele se prelucrează"));
    let fields = f["fields"].as_array().unwrap();
    assert_eq!(fields.len(), 10);
    assert_eq!(
        fields[1],
        serde_json::json!({"name": "email", "label": "Adresa de e-mail", "type": "email", "required": true,
            "max_length": 254, "min_length": null, "pattern": null, "options": [], "hint": null, "autocomplete": "email"})
    );
    assert_eq!(
        fields[6]["options"],
        serde_json::json!([{"value": "centru", "label": "Centru"}, {"value": "fabric", "label": "Fabric"}])
    );
    // No uploads, no deadline: both null. The drafts open today are the `draft` field's options.
    let c = form(&forms, "recomandari");
    assert_eq!(c["attachments"], serde_json::Value::Null);
    assert_eq!(c["deadline"], serde_json::Value::Null);
    assert_eq!(c["fields"][0]["options"][0]["value"], "ph-2026-5");
    assert_eq!(c["fields"][0]["options"].as_array().unwrap().len(), 1);
}

/// A validator for a form's published submission schema.
fn submission_validator(site: &Built, id: &str) -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(&site.read(&format!("schemas/forms/{id}.schema.json"))).unwrap();
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    jsonschema::options().should_validate_formats(true).build(&schema).unwrap()
}

#[test]
fn the_submission_schema_accepts_a_good_submission_and_rejects_bad_ones() {
    let site = small();
    let v = submission_validator(&site, "cerere");
    let good = serde_json::json!({
        "nume": "Ana Popescu", "email": "ana@example.test", "telefon": "", "continut": "O cerere suficient de lungă.",
        "data_nasterii": "1990-05-17", "persoane": "3", "cartier": "fabric", "raspuns": "posta", "acord": "on",
        "loc": "Str. Exemplu nr. 1", "loc_lat": "45.7537", "loc_lon": "21.2257",
    });
    let errors: Vec<String> = v.iter_errors(&good).map(|e| format!("{}: {e}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:?}");
    // Only the required fields, the optional ones left empty as a browser posts them.
    let minimal = serde_json::json!({
        "nume": "Ana Popescu", "email": "ana@example.test", "continut": "O cerere suficient de lungă.",
        "cartier": "centru", "acord": "on", "data_nasterii": "", "persoane": "", "loc_lat": "",
    });
    assert!(v.is_valid(&minimal), "{:?}", v.iter_errors(&minimal).map(|e| e.to_string()).collect::<Vec<_>>());
    let bad = |field: &str, value: serde_json::Value| {
        let mut b = good.clone();
        match value {
            serde_json::Value::Null => {
                b.as_object_mut().unwrap().remove(field);
            }
            other => b[field] = other,
        }
        assert!(!v.is_valid(&b), "{field} = {} was accepted", b.get(field).unwrap_or(&serde_json::Value::Null));
    };
    bad("nume", serde_json::Value::Null); // required
    bad("nume", "".into()); // required, posted empty
    bad("nume", "Ana123".into()); // pattern
    bad("nume", "A".repeat(81).into()); // max_length
    bad("email", "nu-este-adresa".into()); // format
    bad("continut", "scurt".into()); // min_length
    bad("cartier", "iosefin".into()); // not an option
    bad("raspuns", "fax".into());
    bad("acord", "da".into()); // a checkbox posts "on"
    bad("persoane", "trei".into());
    bad("data_nasterii", "17.05.1990".into());
    bad("loc_lat", "91".into());
    bad("loc_lon", "est".into());
    bad("parola", "x".into()); // not a field of the form
    // The comment form takes only the drafts open today.
    let c = submission_validator(&site, "recomandari");
    let comment = serde_json::json!({"draft": "ph-2026-5", "articles": "art. 2", "text": "Propun altă formulare.", "email": "a@example.test"});
    assert!(c.is_valid(&comment));
    let mut closed = comment.clone();
    closed["draft"] = "hcl-2025-10".into();
    assert!(!c.is_valid(&closed));
}

#[test]
fn a_draft_shows_the_comment_form_only_while_its_consultation_is_open() {
    let open = small().read("consultari/ph-2026-5/index.html");
    assert!(open.contains("Trimiteți o recomandare online"), "{open}");
    assert!(
        open.contains(
            r#"<form class="civic-form" method="post" action="https://api.example.test/api/forms/recomandari""#
        )
    );
    assert!(open.contains(r#"<input type="hidden" name="draft" value="ph-2026-5">"#), "{open}");
    assert!(open.contains(r#"<input type="text" id="c-articles" name="articles" required maxlength="200">"#), "{open}");
    assert!(!open.contains("id=\"c-draft\""), "the draft is fixed on its own page");
    // On the form's own page, the open drafts are a choice.
    let form_page = small().read("formulare/recomandari/index.html");
    assert!(form_page.contains(r#"<option value="ph-2026-5">PH 5/2026: proiect privind bugetul participativ (recomandări până la 5 decembrie 2026)</option>"#), "{form_page}");
    // The day after the deadline: no form anywhere, and the schema accepts no draft.
    let later = build(&root().join("tests/fixtures/small"), "2026-12-06");
    let closed = later.read("consultari/ph-2026-5/index.html");
    // (The header's logout form is on every page; no form of the page's own.)
    let own_form = |page: &str| page.contains(r#"<form class="civic-form""#);
    assert!(!own_form(&closed) && !closed.contains("Trimiteți o recomandare online"), "{closed}");
    let form_page = later.read("formulare/recomandari/index.html");
    assert!(
        !own_form(&form_page) && form_page.contains("Nu există acum proiecte de hotărâre în consultare publică"),
        "{form_page}"
    );
    let c = submission_validator(&later, "recomandari");
    assert!(!c.is_valid(&serde_json::json!({"draft": "ph-2026-5", "articles": "art. 2", "text": "Propun altă formulare.", "email": "a@example.test"})));
}

#[test]
fn services_link_to_their_form_and_the_form_to_its_services() {
    let site = small();
    let service = site.read("servicii/cerere-test/index.html");
    assert!(
        service.contains(r#"<a class="button" href="/formulare/cerere/">Completați formularul online</a>"#),
        "{service}"
    );
    let form = site.read("formulare/cerere/index.html");
    assert!(
        form.contains(
            r#"<dt>Pentru serviciul</dt><dd><a href="/servicii/cerere-test/">Depunerea unei cereri</a></dd>"#
        ),
        "{form}"
    );
    let services = site.read("servicii/index.html");
    assert!(services.contains("Registratura Orașului Test · formular online pe acest site"), "{services}");
    let list = site.read("formulare/index.html");
    assert!(
        list.contains(r#"href="/formulare/cerere/""#) && list.contains("Petiție · Registratura Orașului Test"),
        "{list}"
    );
}
