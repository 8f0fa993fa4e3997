//! Petitions end to end: create → supporters → moderation → signing with e-mail confirmation →
//! counts in batches → thresholds with legal clocks → the official answer → closing; rejection;
//! invalidating a set of signatures; open data without personal data.

use civic_api::petitions::counts;
use civic_tests::api::{SmtpSink, TestApi, browser, logged_in, verified_user};
use reqwest::StatusCode;
use serde_json::Value;

fn location(r: &reqwest::Response) -> String {
    r.headers().get("location").expect("a redirect").to_str().unwrap().to_owned()
}

fn small_thresholds(site: &std::path::Path) {
    let rules = r#"{"sponsors": 2, "duration_months": 6, "thresholds": [
        {"signatures": 2, "action": "answer", "days": 30}, {"signatures": 3, "action": "debate", "days": 60}]}"#;
    std::fs::write(site.join("data/petition_rules.json"), rules).unwrap();
}

/// Creates a petition as `author` and gets it published by `staff`; returns its id.
async fn published_petition(
    api: &TestApi,
    sink: &SmtpSink,
    author: &reqwest::Client,
    staff: &reqwest::Client,
    title: &str,
) -> (i64, Vec<reqwest::Client>) {
    let r = author
        .post(api.url("/api/petitii"))
        .form(&[("title", title), ("action", "Să amenajeze o pistă de biciclete pe Bulevardul Take Ionescu."),
            ("body", "Bulevardul este folosit zilnic de mii de bicicliști care merg pe trotuar sau printre mașini; o pistă separată ar face drumul sigur.")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let id: i64 = location(&r).rsplit('/').next().unwrap().parse().unwrap();
    // Two supporters through the private link from the author's e-mail.
    let link = sink.find("autor@example.ro", &format!("„{title}”")).body;
    let start = link.find("/api/petitii/").unwrap();
    let path: String = link[start..].chars().take_while(|c| !c.is_whitespace()).collect();
    let key = path.split("cheie=").nth(1).unwrap().to_owned();
    let mut supporters = vec![];
    for who in ["s1@example.ro", "s2@example.ro"] {
        let supporter = verified_user(api, sink, who).await;
        let page = supporter.get(api.url(&path)).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Susțin această petiție"));
        let r = supporter
            .post(api.url(&format!("/api/petitii/{id}/sustine")))
            .form(&[("cheie", key.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        supporters.push(supporter);
    }
    let status: String = api.db().query_row("SELECT status FROM petition WHERE id = ?1", [id], |r| r.get(0)).unwrap();
    assert_eq!(status, "moderation");
    assert_eq!(
        browser().get(api.url(&format!("/api/petitii/{id}"))).send().await.unwrap().status(),
        StatusCode::NOT_FOUND,
        "not public before moderation"
    );
    let r = staff.post(api.url(&format!("/api/admin/petitii/{id}/publica"))).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    (id, supporters)
}

async fn staff(api: &TestApi) -> reqwest::Client {
    api.add_user("moderator@primariatm.ro", "Moderator", "staff", "parola moderatorului 1").await;
    logged_in(api, "moderator@primariatm.ro", "parola moderatorului 1").await
}

/// A district of the published list (signing asks for one when the site has districts).
fn a_district(api: &TestApi) -> String {
    std::fs::read_to_string(api.site().join("data/district.json"))
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .and_then(|v| v["items"][0]["id"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Signs as `email` and returns the confirmation token from the e-mail.
async fn sign(api: &TestApi, sink: &SmtpSink, id: i64, name: &str, email: &str, notify: bool) -> String {
    let mut form = vec![("name", name.to_owned()), ("email", email.to_owned()), ("district", a_district(api))];
    if notify {
        form.push(("notify", "on".to_owned()));
    }
    let r = browser().post(api.url(&format!("/api/petitii/{id}/semneaza"))).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    assert_eq!(location(&r), "/api/petitii/semnatura/trimisa");
    let mail = sink.find(email, "Confirmați semnătura");
    civic_tests::api::link_token(&mail.body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_petition_lives_from_supporters_to_the_citys_answer_and_closes() {
    let api = TestApi::builder().with_mail().with_site_copy(small_thresholds).start().await;
    let sink = api.mail();
    let app = api.api.app().clone();
    let staff = staff(&api).await;
    let author = verified_user(&api, sink, "autor@example.ro").await;
    let (id, _) = published_petition(&api, sink, &author, &staff, "Pistă de biciclete pe Take Ionescu").await;
    sink.find("autor@example.ro", "este publicată");

    // Signing: the e-mail link opens a page; only its button confirms.
    let t1 = sign(&api, sink, id, "Mara Ionescu", "mara.ionescu+petitii@gmail.com", true).await;
    let page = browser()
        .get(api.url(&format!("/api/petitii/semnatura?token={t1}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Confirm semnătura"));
    counts::tick(&app, true).await.unwrap();
    let count: Value =
        reqwest::get(api.url(&format!("/api/petitii/{id}/numar.json"))).await.unwrap().json().await.unwrap();
    assert_eq!(count["confirmed"], 0, "a GET never confirms");

    let r = browser().post(api.url("/api/petitii/semnatura")).form(&[("token", t1.as_str())]).send().await.unwrap();
    assert_eq!(location(&r), format!("/api/petitii/{id}?semnat=1"));
    let again = browser().post(api.url("/api/petitii/semnatura")).form(&[("token", t1.as_str())]).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT, "confirming twice");
    // The same Gmail mailbox under another spelling is the same person.
    let d = a_district(&api);
    let dup = browser()
        .post(api.url(&format!("/api/petitii/{id}/semneaza")))
        .form(&[("name", "Mara I."), ("email", "maraionescu@googlemail.com"), ("district", d.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(dup.status(), StatusCode::CONFLICT);
    assert!(dup.text().await.unwrap().contains("a semnat deja"));
    let throwaway = browser()
        .post(api.url(&format!("/api/petitii/{id}/semneaza")))
        .form(&[("name", "Bot"), ("email", "x1@mailinator.com"), ("district", d.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(throwaway.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let empty = browser()
        .post(api.url(&format!("/api/petitii/{id}/semneaza")))
        .form(&[("name", ""), ("email", "a@example.ro"), ("district", d.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(empty.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let long = "x".repeat(101);
    let too_long = browser()
        .post(api.url(&format!("/api/petitii/{id}/semneaza")))
        .form(&[("name", long.as_str()), ("email", "a@example.ro"), ("district", d.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(too_long.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A second confirmed signature crosses the "answer" threshold: its clock starts, and those
    // who asked for news are told (only once they confirmed their signature).
    sign(&api, sink, id, "Ioana Lungu", "ioana.lungu@example.ro", true).await;
    let t2 = sign(&api, sink, id, "Andrei Pop", "andrei@example.ro", false).await;
    browser().post(api.url("/api/petitii/semnatura")).form(&[("token", t2.as_str())]).send().await.unwrap();
    counts::tick(&app, false).await.unwrap();
    let count: Value =
        reqwest::get(api.url(&format!("/api/petitii/{id}/numar.json"))).await.unwrap().json().await.unwrap();
    assert_eq!((count["confirmed"].as_i64(), count["verified"].as_i64()), (Some(2), Some(0)));
    let news = sink.find("mara.ionescu+petitii@gmail.com", "a strâns 2 semnături");
    assert!(news.body.contains("Primăria trebuie să răspundă în scris până la 28 decembrie 2026"), "{}", news.body);
    assert!(
        sink.messages().iter().all(|m| !(m.to == "andrei@example.ro" && m.subject.contains("a strâns"))),
        "no news without opt-in"
    );
    assert!(
        sink.messages().iter().all(|m| !(m.to == "ioana.lungu@example.ro" && m.subject.contains("a strâns"))),
        "no news for a signature never confirmed"
    );
    let page = browser().get(api.url(&format!("/api/petitii/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Prag atins") && page.contains("28 decembrie 2026"), "{page}");
    assert!(page.contains("role=\"status\""));

    // The answer is published on the petition and sent to those who asked.
    let r = staff
        .post(api.url(&format!("/api/admin/petitii/{id}/raspuns")))
        .form(&[("text", "Pista va fi inclusă în proiectul de reabilitare a bulevardului din 2027.")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    sink.find("mara.ionescu+petitii@gmail.com", "Răspunsul primăriei");
    assert!(
        sink.messages().iter().all(|m| !(m.to == "ioana.lungu@example.ro" && m.subject.contains("Răspunsul"))),
        "the answer goes to confirmed signers only"
    );
    let list = browser().get(api.url("/api/petitii?stare=cu-raspuns")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("Pistă de biciclete pe Take Ionescu"));

    // Open data: counts, thresholds, hourly history; no personal data.
    let doc: Value = reqwest::get(api.url(&format!("/api/petitions/{id}.json"))).await.unwrap().json().await.unwrap();
    assert_eq!(doc["signatures"]["confirmed"], 2);
    assert_eq!(doc["signatures"]["hourly"][0]["confirmed"], 2);
    let text = doc.to_string();
    assert!(!text.contains("andrei@example.ro") && !text.contains("Andrei Pop") && !text.contains("autor@example.ro"));
    let csv = reqwest::get(api.url(&format!("/api/petitions/{id}.csv"))).await.unwrap();
    assert!(csv.headers()["cache-control"].to_str().unwrap().contains("max-age"));
    assert!(csv.text().await.unwrap().starts_with("kind,key,confirmed\n"));

    // Its time runs out: it closes by itself and takes no more signatures.
    api.db().execute("UPDATE petition SET closes_on = '2026-11-25' WHERE id = ?1", [id]).unwrap();
    counts::tick(&app, true).await.unwrap();
    let late = browser()
        .post(api.url(&format!("/api/petitii/{id}/semneaza")))
        .form(&[("name", "Ion Târziu"), ("email", "ion@example.ro"), ("district", d.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(late.status(), StatusCode::CONFLICT);
    let status: String = api.db().query_row("SELECT status FROM petition WHERE id = ?1", [id], |r| r.get(0)).unwrap();
    assert_eq!(status, "closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_petition_stays_visible_with_its_reason_and_markup_is_escaped() {
    let api = TestApi::builder().with_mail().with_site_copy(small_thresholds).start().await;
    let sink = api.mail();
    let staff = staff(&api).await;
    let author = verified_user(&api, sink, "autor@example.ro").await;
    let r = author
        .post(api.url("/api/petitii"))
        .form(&[
            ("title", "<script>alert('x')</script> parcare"),
            ("action", "Să desființeze toate parcările din centru."),
            ("body", "Text care încalcă regulile petițiilor, cu atacuri la persoană și date personale ale unui vecin."),
        ])
        .send()
        .await
        .unwrap();
    let id: i64 = location(&r).rsplit('/').next().unwrap().parse().unwrap();
    let page = author.get(api.url(&format!("/api/petitii/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("&lt;script&gt;alert(") && !page.contains("<script>alert("), "the author sees it, escaped");
    let r = staff
        .post(api.url(&format!("/api/admin/petitii/{id}/respinge")))
        .form(&[("reason", "Conține atacuri la persoană și date personale."), ("hide_text", "on")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let public = browser().get(api.url(&format!("/api/petitii/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(public.contains("Conține atacuri la persoană și date personale."));
    assert!(!public.contains("date personale ale unui vecin"), "the text is hidden");
    let sign = browser()
        .post(api.url(&format!("/api/petitii/{id}/semneaza")))
        .form(&[("name", "Ana"), ("email", "ana@example.ro")])
        .send()
        .await
        .unwrap();
    assert_eq!(sign.status(), StatusCode::CONFLICT, "a rejected petition takes no signatures");
    let list = browser().get(api.url("/api/petitii?stare=respinse")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains(&format!("/api/petitii/{id}")));

    // The supporters' link from the author's e-mail leads to the public page, text hidden.
    let link = sink.find("autor@example.ro", "parcare").body;
    let start = link.find("/api/petitii/").unwrap();
    let path: String = link[start..].chars().take_while(|c| !c.is_whitespace()).collect();
    assert!(path.contains("/sustine?cheie="), "{path}");
    for viewer in [browser(), author.clone()] {
        let r = viewer.get(api.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "the link no longer gathers supporters");
        assert_eq!(location(&r), format!("/api/petitii/{id}"));
    }
    let followed = reqwest::get(api.url(&path)).await.unwrap().text().await.unwrap();
    assert!(followed.contains("Conține atacuri la persoană"), "{followed}");
    assert!(!followed.contains("date personale ale unui vecin"), "the supporters' link hides the text too");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_mailbox_signs_once_however_its_address_is_spelled_and_undeliverable_addresses_are_refused() {
    let api = TestApi::builder().with_mail().with_site_copy(small_thresholds).start().await;
    let sink = api.mail();
    let staff = staff(&api).await;
    let author = verified_user(&api, sink, "autor@example.ro").await;
    let (id, _) = published_petition(&api, sink, &author, &staff, "Semafor la Piața Iosefin").await;
    let district = a_district(&api);
    let post = |email: &'static str| {
        let form = [("name", "Semnatar Unu".to_owned()), ("email", email.to_owned()), ("district", district.clone())];
        let url = api.url(&format!("/api/petitii/{id}/semneaza"));
        async move { browser().post(url).header("accept", "application/json").form(&form).send().await.unwrap() }
    };
    assert_eq!(post("signer1@example.ro").await.status(), StatusCode::ACCEPTED);
    for alias in
        ["\"signer1\"@example.ro", "\"s\\igner1\"@example.ro", "\"\\s\\i\\gner1\"@example.ro", "SIGNER1@example.ro"]
    {
        let r = post(alias).await;
        assert_eq!(r.status(), StatusCode::CONFLICT, "{alias} reaches the same mailbox: {}", r.text().await.unwrap());
    }
    assert_eq!(post("ion.pop@gmail.com").await.status(), StatusCode::ACCEPTED);
    assert_eq!(post("\"ionpop\"@gmail.com").await.status(), StatusCode::CONFLICT, "Gmail ignores dots, quoted or not");
    let r = post("\"a b\"@example.ro").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "an address mail cannot be sent to is refused");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "email", "{body}");
    let stored: Vec<String> = api
        .db()
        .prepare("SELECT email FROM signature WHERE petition_id = ?1 ORDER BY id")
        .unwrap()
        .query_map([id], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(stored, ["signer1@example.ro", "ion.pop@gmail.com"], "stored as delivered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counts_equal_the_confirmed_rows_after_a_concurrent_burst_and_invalidations_are_logged() {
    let api = TestApi::builder().with_mail().with_site_copy(small_thresholds).start().await;
    let sink = api.mail();
    let app = api.api.app().clone();
    let staff = staff(&api).await;
    let author = verified_user(&api, sink, "autor@example.ro").await;
    let (id, _) = published_petition(&api, sink, &author, &staff, "Mai mulți copaci în Piața Victoriei").await;

    // 300 signers at once (JSON clients), two thirds from one domain; then confirm all but every fifth.
    let district = a_district(&api);
    let tasks: Vec<_> = (0..300)
        .map(|i| {
            let url = api.url(&format!("/api/petitii/{id}/semneaza"));
            let district = district.clone();
            tokio::spawn(async move {
                let domain = if i % 3 == 0 { "example.ro" } else { "spam-farm.example" };
                let r = reqwest::Client::new()
                    .post(url)
                    .header("accept", "application/json")
                    .json(&serde_json::json!({"name": format!("Semnatar {i}"), "email": format!("s{i}@{domain}"), "district": district}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::ACCEPTED);
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    // The tokens are only in the e-mails (the database has their hashes): take them from there.
    let mails = sink.wait_for(300);
    let tokens: Vec<String> = mails
        .iter()
        .filter(|m| m.subject == "Confirmați semnătura pe petiție")
        .enumerate()
        .filter(|(i, _)| i % 5 != 0)
        .map(|(_, m)| civic_tests::api::link_token(&m.body))
        .collect();
    let confirms: Vec<_> = tokens
        .into_iter()
        .map(|t| {
            let url = api.url("/api/petitii/semnatura");
            tokio::spawn(async move {
                let r = reqwest::Client::new()
                    .post(url)
                    .header("accept", "application/json")
                    .json(&serde_json::json!({"token": t}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::OK);
            })
        })
        .collect();
    for c in confirms {
        c.await.unwrap();
    }
    counts::tick(&app, false).await.unwrap();
    let rows: i64 = api
        .db()
        .query_row("SELECT count(*) FROM signature WHERE petition_id = ?1 AND confirmed_at IS NOT NULL", [id], |r| {
            r.get(0)
        })
        .unwrap();
    let count: Value =
        reqwest::get(api.url(&format!("/api/petitii/{id}/numar.json"))).await.unwrap().json().await.unwrap();
    assert_eq!(count["confirmed"].as_i64(), Some(rows));
    assert!(rows >= 230, "{rows}");

    // Staff find the farm's domain and remove its signatures, with a public reason.
    let found = staff
        .get(api.url(&format!("/api/admin/petitii/{id}?domeniu=spam-farm.example")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(found.contains("200 semnături valabile cu domeniul spam-farm.example"), "{found}");
    let by_ip = staff
        .get(api.url(&format!("/api/admin/petitii/{id}?ip=127.0.0.0/8")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(by_ip.contains("300 semnături valabile"), "every test signature came from loopback");
    let bad = staff.get(api.url(&format!("/api/admin/petitii/{id}?ip=nu-e-ip"))).send().await.unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = staff
        .post(api.url(&format!("/api/admin/petitii/{id}/invalidare")))
        .form(&[
            ("domeniu", "spam-farm.example"),
            ("ip", ""),
            ("reason", "Adrese create automat, dintr-un singur domeniu."),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    counts::tick(&app, false).await.unwrap();
    let rows: i64 = api.db().query_row("SELECT count(*) FROM signature WHERE petition_id = ?1 AND confirmed_at IS NOT NULL AND invalidated_by IS NULL", [id], |r| r.get(0)).unwrap();
    let count: Value =
        reqwest::get(api.url(&format!("/api/petitii/{id}/numar.json"))).await.unwrap().json().await.unwrap();
    assert_eq!(count["confirmed"].as_i64(), Some(rows));
    let page = browser().get(api.url(&format!("/api/petitii/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(
        page.contains("200 semnături eliminate — Adrese create automat, dintr-un singur domeniu."),
        "the public log"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalidating_signatures_of_a_petition_that_does_not_exist_is_a_404() {
    // Found by tests/openapi_fuzz.rs: the invalidation's row pointed at no petition and the
    // foreign key made it a 503.
    let api = TestApi::start().await;
    let staff = staff(&api).await;
    let r = staff
        .post(api.url("/api/admin/petitii/999/invalidare"))
        .form(&[("domeniu", "mailinator.com"), ("reason", "Semnături din adrese de e-mail temporare.")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert!(r.text().await.unwrap().contains("Petiția nu există"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn my_account_lists_the_petitions_i_started_supported_and_signed_and_my_alerts() {
    let api = TestApi::builder().with_mail().with_site_copy(small_thresholds).start().await;
    let sink = api.mail();
    let staff = staff(&api).await;
    let author = verified_user(&api, sink, "autor@example.ro").await;
    let (id, supporters) = published_petition(&api, sink, &author, &staff, "Bănci noi în Parcul Rozelor").await;
    let s1 = &supporters[0];
    // s1 also signs, with the account's address; a stranger signs too.
    for (name, email) in [("Sorin Unu", "s1@example.ro"), ("Ion Străin", "ion@example.ro")] {
        let token = sign(&api, sink, id, name, email, false).await;
        let r =
            browser().post(api.url("/api/petitii/semnatura")).form(&[("token", token.as_str())]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    counts::tick(&api.api.app().clone(), true).await.unwrap();
    // s1 sets an alert while logged in with that verified address: confirmed at once.
    let r = s1
        .post(api.url("/api/alerte"))
        .form(&[
            ("email", "s1@example.ro"),
            ("area", "districts"),
            ("district", "cetate"),
            ("topic", "lucrari"),
            ("frequency", "zilnic"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let manage = location(&r);
    assert!(manage.starts_with("/api/alerte/gestionare?token="), "{manage}");

    let page = |client: &reqwest::Client| {
        let url = api.url("/api/cont");
        let client = client.clone();
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let mine = page(s1).await;
    let section = |page: &str, caption: &str| -> String {
        let start = page.find(caption).unwrap_or_else(|| panic!("no {caption:?} in the account page"));
        page[start..].split("</table>").next().unwrap().to_owned()
    };
    let supported = section(&mine, "Petițiile pe care le-ați susținut");
    assert!(supported.contains(&format!(r#"<a href="/api/petitii/{id}">Bănci noi în Parcul Rozelor</a>"#)));
    let signed = section(&mine, "Petițiile semnate cu adresa contului");
    assert!(signed.contains("semnată cu s1@example.ro") && signed.contains("<td>2</td>"), "{signed}");
    assert!(!mine.contains("Petițiile pornite de dvs."), "s1 started none");
    assert!(mine.contains(&format!(r#"<a href="{}">Modificați sau opriți alerta</a>"#, manage.replace('&', "&amp;"))));
    assert!(mine.contains("<strong>Cetate</strong>: Lucrări publice — Rezumat zilnic."), "the alert in words");
    let authors = page(&author).await;
    let started = section(&authors, "Petițiile pornite de dvs.");
    assert!(started.contains("Bănci noi în Parcul Rozelor") && started.contains("deschisă"), "{started}");
    assert!(!authors.contains("Petițiile semnate cu adresa contului"), "the author signed none");
    assert!(authors.contains("Nu aveți alerte"));

    // The export holds the same.
    let export: Value = s1.get(api.url("/api/cont/export")).send().await.unwrap().json().await.unwrap();
    assert_eq!(export["petitions"]["supported"][0]["id"], id);
    assert_eq!(export["petitions"]["signed"][0]["email"], "s1@example.ro");
    assert_eq!(export["alerts"][0]["manage_url"], manage);
    assert_eq!(export["alerts"][0]["district_titles"], serde_json::json!(["Cetate"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sample_data_shows_every_state_and_loads_only_into_an_empty_database() {
    let content = civic_tests::root().join("content");
    // The sample site asks for it in its civic.yaml.
    let config = civic_generator::load::config(&content).unwrap();
    let file = config.sample_data.expect("the sample's civic.yaml names its sample data");
    let data: civic_api::sample::SampleData = civic_generator::load::data_file(&content, &file).unwrap();
    let api = TestApi::start().await;
    // A broken file is refused whole, every problem named by its entry and field; nothing is stored.
    let mut broken = data.clone();
    broken.petitions[1].state = "uitata".into();
    broken.cases[0].form = "nu-exista".into();
    let err = api.api.load_sample(&broken).await.unwrap_err().to_string();
    assert!(
        err.contains("petitions[1].state") && err.contains("cases[0].form: the site has no form `nu-exista`"),
        "{err}"
    );
    let stored: i64 = api
        .db()
        .query_row("SELECT (SELECT count(*) FROM petition) + (SELECT count(*) FROM submission) + (SELECT count(*) FROM account)", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, 0, "nothing of a broken sample is stored");
    let loaded = api.api.load_sample(&data).await.unwrap().expect("an empty database gets the sample");
    assert_eq!((loaded.petitions, loaded.cases, loaded.alerts), (4, 3, 1), "{loaded:?}");

    // Petitions in each state, counted by the counting task like any signature.
    let client = browser();
    let stages = |list: &Value| -> Vec<(String, i64)> {
        let mut s: Vec<(String, i64)> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["stage"].as_str().unwrap().to_owned(), p["confirmed"].as_i64().unwrap()))
            .collect();
        s.sort();
        s
    };
    let started = std::time::Instant::now();
    let list = loop {
        let list: Value = client.get(api.url("/api/petitions.json")).send().await.unwrap().json().await.unwrap();
        if list["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["status"] == "rejected" || p["confirmed"].as_i64() > Some(0))
        {
            break list;
        }
        assert!(started.elapsed().as_secs() < 20, "the sample's signatures were never counted: {list}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let got = stages(&list);
    for stage in ["deschise", "asteapta-raspuns", "cu-raspuns", "respinse"] {
        assert!(got.iter().any(|(s, _)| s == stage), "no petition at the stage {stage}: {got:?}");
    }
    let open = list["items"].as_array().unwrap().iter().find(|p| p["stage"] == "deschise").unwrap();
    assert_eq!(open["confirmed"], 359, "the open petition's signatures: {open}");
    let one: Value =
        client.get(api.url(&format!("/api/petitions/{}.json", open["id"]))).send().await.unwrap().json().await.unwrap();
    assert_eq!(one["signatures"]["by_district"]["calea-sagului"], 214, "signatures by district: {one}");
    let rejected = list["items"].as_array().unwrap().iter().find(|p| p["stage"] == "respinse").unwrap();
    assert!(rejected["rejection_reason"].as_str().is_some_and(|r| r.contains("ce stradă")));
    let page = client.get(api.url("/api/petitii")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Piste de biciclete sigure pe Calea Șagului"), "{page}");

    // Cases registered with numbers and deadlines, in different states; the alert confirmed.
    let db = api.db();
    let mut cases: Vec<(String, String, Option<String>)> = db
        .prepare("SELECT number, status, due_on FROM submission ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(cases.iter().all(|(n, _, due)| n.starts_with("TM-") && due.is_some()), "{cases:?}");
    cases.sort_by(|a, b| a.1.cmp(&b.1));
    let states: Vec<&str> = cases.iter().map(|c| c.1.as_str()).collect();
    assert_eq!(states, ["answered", "in_progress", "registered"]);
    let confirmed: i64 = db
        .query_row("SELECT count(*) FROM alert_subscription WHERE confirmed_at IS NOT NULL", [], |r| r.get(0))
        .unwrap();
    assert_eq!(confirmed, 1);

    // Never twice, never into a database that holds anything.
    assert!(api.api.load_sample(&data).await.unwrap().is_none());
    let petitions: i64 = db.query_row("SELECT count(*) FROM petition", [], |r| r.get(0)).unwrap();
    assert_eq!(petitions, 4);
}
