//! Following one item or one list by e-mail, end to end on the sample site: the "Urmăriți"
//! buttons of item and list pages, the double opt-in (or one click when signed in with a verified
//! address), and `civic alerts dispatch` mailing each followed type's changes in words, exactly
//! once, to a real SMTP server.

use civic_api::alerts::{self, Report};
use civic_tests::api::{SmtpSink, TestApi, browser, link_token, verified_user};
use jiff::Timestamp;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn dispatch(api: &TestApi, at: &str) -> Report {
    alerts::dispatch(api.api.app(), at.parse::<Timestamp>().unwrap()).await.unwrap()
}

fn outbox(api: &TestApi) -> i64 {
    api.db().query_row("SELECT count(*) FROM outbox", [], |r| r.get(0)).unwrap()
}

fn follows(api: &TestApi) -> i64 {
    api.db().query_row("SELECT count(*) FROM alert_subscription WHERE topics = ''", [], |r| r.get(0)).unwrap()
}

fn list(api: &TestApi, kind: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(api.site().join(format!("data/{kind}.json"))).unwrap()).unwrap()
}

/// The first published item of `kind` that `pick` accepts.
fn first(api: &TestApi, kind: &str, pick: impl Fn(&Value) -> bool) -> Value {
    list(api, kind)["items"].as_array().unwrap().iter().find(|i| pick(i)).expect("an item").clone()
}

/// Changes the copy's `data/<kind>.json` (a new publication).
fn edit_list(api: &TestApi, kind: &str, change: impl FnOnce(&mut Vec<Value>)) {
    let path = api.site().join(format!("data/{kind}.json"));
    let mut data = list(api, kind);
    change(data["items"].as_array_mut().unwrap());
    std::fs::write(&path, serde_json::to_string(&data).unwrap()).unwrap();
}

fn edit(api: &TestApi, kind: &str, id: &str, change: impl FnOnce(&mut Value)) {
    edit_list(api, kind, |items| change(items.iter_mut().find(|i| i["id"] == id).expect("the item")));
}

/// Follows the item (`tip`, `id`) or the list (`lista`) as `email`, confirming by the e-mailed link.
async fn follow_by_email(api: &TestApi, sink: &SmtpSink, email: &str, what: &[(&str, &str)]) -> String {
    let client = browser();
    let mut form = what.to_vec();
    form.extend([("email", email), ("frequency", "imediat")]);
    let r = client.post(api.url("/api/urmarire")).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/api/alerte/trimis");
    let mail = sink.find(email, "Confirmați că urmăriți");
    let token = link_token(&mail.body);
    let r = client.post(api.url("/api/alerte/confirmare")).form(&[("token", token.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    r.headers()["location"].to_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn items_and_lists_are_followed_by_email_or_in_one_click() {
    let api = TestApi::builder().with_mail().with_site_copy(|_| {}).start().await;
    let sink = api.mail();
    let draft = first(&api, "draft_decision", |_| true);
    let (id, url, title) =
        (draft["id"].as_str().unwrap(), draft["url"].as_str().unwrap(), draft["title"].as_str().unwrap());
    // The item's page has the button, naming its type and id.
    let page = std::fs::read_to_string(api.site().join(url.trim_start_matches('/')).join("index.html")).unwrap();
    assert!(page.contains(r#"<form class="follow" method="post" action="/api/urmarire">"#), "{page}");
    assert!(page.contains(&format!(r#"<input type="hidden" name="id" value="{id}">"#)));

    // A stranger's click asks for an address, on a page saying what will be followed.
    let client = browser();
    let r = client.post(api.url("/api/urmarire")).form(&[("tip", "draft_decision"), ("id", id)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let ask = r.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(ask, format!("/api/urmarire?tip=draft_decision&id={id}"));
    let form = client.get(api.url(&ask)).send().await.unwrap().text().await.unwrap();
    assert!(form.contains(title) && form.contains(r#"name="email""#), "{form}");
    assert_eq!(follows(&api), 0, "nothing is stored before an address is given");

    let manage = follow_by_email(&api, sink, "ana@example.ro", &[("tip", "draft_decision"), ("id", id)]).await;
    let page = client.get(api.url(&manage)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Ce urmăriți") && page.contains(&format!(r#"<a href="{url}">"#)), "{page}");
    assert!(!page.contains(r#"name="topic""#), "a follow has no topics to choose");
    // Changing its frequency keeps it a follow.
    let token = link_token(&manage);
    let r = client
        .post(api.url("/api/alerte/gestionare"))
        .form(&[("token", token.as_str()), ("frequency", "zilnic")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // Signed in with a verified address: one click, and a second click opens the same follow.
    let signed = verified_user(&api, sink, "ion@example.ro").await;
    let tender = first(&api, "tender", |_| true);
    let what = [("tip", "tender"), ("id", tender["id"].as_str().unwrap())];
    let r = signed.post(api.url("/api/urmarire")).form(&what).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let at = r.headers()["location"].to_str().unwrap().to_owned();
    assert!(at.starts_with("/api/alerte/gestionare?token="), "{at}");
    let r = signed.post(api.url("/api/urmarire")).form(&what).send().await.unwrap();
    assert_eq!(r.headers()["location"].to_str().unwrap(), at, "the same follow, not a second one");
    assert_eq!(follows(&api), 2);
    let account = signed.get(api.url("/api/cont")).send().await.unwrap().text().await.unwrap();
    assert!(account.contains("Urmăriți pagina") && account.contains(tender["url"].as_str().unwrap()), "{account}");

    // A list page (a saved filter) is followed by its address.
    let lists: Value =
        serde_json::from_str(&std::fs::read_to_string(api.site().join("data/lists.json")).unwrap()).unwrap();
    let saved = lists["lists"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["type"] == "council_decision" && l["filter"]["group"] == "status")
        .expect("a decisions' status list")
        .clone();
    let list_url = saved["url"].as_str().unwrap();
    let list_page =
        std::fs::read_to_string(api.site().join(list_url.trim_start_matches('/')).join("index.html")).unwrap();
    assert!(list_page.contains(&format!(r#"<input type="hidden" name="lista" value="{list_url}">"#)));
    assert!(list_page.contains("Primiți pe e-mail noutățile din această listă"));
    let r = signed.post(api.url("/api/urmarire")).form(&[("lista", list_url)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page =
        signed.get(api.url(r.headers()["location"].to_str().unwrap())).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Hotărâri"), "the list's title in words: {page}");

    // What does not exist is refused in Romanian, never stored.
    let r = client
        .post(api.url("/api/urmarire"))
        .form(&[("tip", "tender"), ("id", "nu-exista"), ("email", "a@example.ro")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r.text().await.unwrap().contains("nu (mai) există pe site"));
    let r = client.post(api.url("/api/urmarire")).form(&[("tip", "page"), ("id", id)]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = client
        .post(api.url("/api/urmarire"))
        .form(&[("lista", "/nicaieri/"), ("email", "a@example.ro")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = client
        .post(api.url("/api/urmarire"))
        .header("accept", "application/json")
        .json(&json!({"tip": "tender", "id": tender["id"], "email": "nu-e-adresa", "frequency": "imediat"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(follows(&api), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_followed_type_mails_its_change_once_in_words() {
    let api = TestApi::builder().with_mail().with_site_copy(|_| {}).start().await;
    let sink = api.mail();
    let draft = first(&api, "draft_decision", |d| d["status"] == "in_consultare");
    let decision = first(&api, "council_decision", |d| d["status"] == "in_vigoare");
    let session = first(&api, "council_session", |_| true);
    let tender = first(&api, "tender", |t| t["status"] == "active");
    let contest = first(&api, "job_contest", |c| {
        !c["results"].as_array().into_iter().flatten().any(|r| r["stage"] == "proba_scrisa")
    });
    let purchase = first(&api, "direct_purchase", |_| true);
    let work = first(&api, "public_work", |_| true);
    let followed = [
        ("draft_decision", &draft),
        ("council_decision", &decision),
        ("council_session", &session),
        ("tender", &tender),
        ("job_contest", &contest),
        ("direct_purchase", &purchase),
        ("public_work", &work),
    ];
    for (n, (kind, item)) in followed.iter().enumerate() {
        let email = format!("urmaritor{n}@example.ro");
        follow_by_email(&api, sink, &email, &[("tip", kind), ("id", item["id"].as_str().unwrap())]).await;
    }
    // The draft's follower also has an alert for new decisions: the adopting decision is one
    // mail to them, the follow's, not a second one from the alert.
    let client = browser();
    let alert = [
        ("email", "urmaritor0@example.ro"),
        ("area", "districts"),
        ("district", "cetate"),
        ("topic", "hotarari"),
        ("frequency", "imediat"),
    ];
    assert_eq!(client.post(api.url("/api/alerte")).form(&alert).send().await.unwrap().status(), StatusCode::SEE_OTHER);
    let token = link_token(&sink.find("urmaritor0@example.ro", "Confirmați alerta").body);
    let r = client.post(api.url("/api/alerte/confirmare")).form(&[("token", token.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(dispatch(&api, "2026-11-26T08:00:00Z").await.events, 0, "the first dispatch records a baseline");

    // A new build: the draft adopted as a new decision that also amends the followed decision;
    // minutes for the session; an award; written-test results; a purchase and a work retitled.
    let mut adopted = decision.clone();
    adopted["id"] = json!("hcl-2026-999");
    adopted["display_number"] = json!("999/2026");
    adopted["title"] = json!("Hotărâre privind aprobarea regulamentului adoptat din proiect");
    adopted["url"] = json!("/hotarari/hcl-2026-999/");
    adopted["draft"] = json!(draft["id"]);
    adopted["related"] = json!([{"rel": "amends", "id": decision["id"]}]);
    edit_list(&api, "council_decision", |items| items.push(adopted));
    edit(&api, "draft_decision", draft["id"].as_str().unwrap(), |d| d["status"] = json!("adoptat"));
    edit(&api, "council_session", session["id"].as_str().unwrap(), |s| {
        let mut attachments = s["attachments"].as_array().cloned().unwrap_or_default();
        attachments.push(json!({"title": "Procesul-verbal", "url": "/fisiere/pv.pdf", "role": "proces_verbal"}));
        s["attachments"] = json!(attachments);
    });
    edit(&api, "tender", tender["id"].as_str().unwrap(), |t| {
        t["awards"] = json!([{"id": "atribuire-1", "date": "2026-11-25", "status": "active",
            "value": {"amount": 1250000, "currency": "RON"}, "suppliers": [{"name": "Drumuri Vest SRL"}]}]);
    });
    edit(&api, "job_contest", contest["id"].as_str().unwrap(), |c| {
        let mut results = c["results"].as_array().cloned().unwrap_or_default();
        results.push(json!({"stage": "proba_scrisa", "published_at": "2026-11-25", "admitted": ["12"]}));
        c["results"] = json!(results);
    });
    edit(&api, "direct_purchase", purchase["id"].as_str().unwrap(), |p| {
        p["title"] = json!("Achiziție de mobilier (rectificată)")
    });
    edit(&api, "public_work", work["id"].as_str().unwrap(), |w| w["title"] = json!("Lucrare cu titlu nou"));

    let before = outbox(&api);
    let report = dispatch(&api, "2026-11-26T08:05:00Z").await;
    assert_eq!(report.immediate, followed.len(), "one mail per follower: {report:?}");
    let says = |n: usize, subject: &str, words: &[&str]| {
        let mail = sink.find(&format!("urmaritor{n}@example.ro"), &format!("Modificat: {subject}"));
        for w in words {
            assert!(mail.body.contains(w), "{w:?} missing from {}", mail.body);
        }
        assert_eq!(mail.header("List-Unsubscribe-Post"), Some("List-Unsubscribe=One-Click"));
        mail
    };
    let mail = says(0, draft["title"].as_str().unwrap(), &["Adoptat ca HCL nr. 999/2026", "/hotarari/hcl-2026-999/"]);
    assert!(mail.body.contains("Ce urmăriți"), "{}", mail.body);
    says(1, decision["title"].as_str().unwrap(), &["Modificată de HCL nr. 999/2026", "/hotarari/hcl-2026-999/"]);
    says(2, session["title"].as_str().unwrap(), &["Procesul-verbal al ședinței a fost publicat"]);
    says(3, tender["title"].as_str().unwrap(), &["Atribuire: Drumuri Vest SRL"]);
    says(4, contest["title"].as_str().unwrap(), &["Rezultatele etapei „proba scrisă” au fost publicate"]);
    says(5, "Achiziție de mobilier (rectificată)", &["Modificat"]);
    says(6, "Lucrare cu titlu nou", &["Modificat"]);
    assert_eq!(outbox(&api), before + followed.len() as i64, "exactly one mail each");
    // Again: nothing new.
    assert_eq!(dispatch(&api, "2026-11-26T08:10:00Z").await.immediate, 0);
}
