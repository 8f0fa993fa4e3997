//! The API end to end: real HTTP on a random port, a real SQLite file, a real SMTP server.
//! Each test is one thing a citizen, an editor or a member of staff would notice.

use civic_tests::api::{SmtpSink, TestApi, browser, link_token, logged_in};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

fn report(email: &str) -> Form {
    Form::new()
        .text("categorie", "drumuri")
        .text("loc", "Str. Ștefan cel Mare nr. 10")
        .text("descriere", "Groapă adâncă în carosabil, în dreptul școlii; mașinile o ocolesc pe contrasens.")
        .text("nume", "Ana Popescu")
        .text("email", email.to_owned())
}

/// A minimal valid PDF header is enough for type sniffing; the name says nothing.
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
const PNG: &[u8] = &[
    0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 6,
    0, 0, 0,
];

fn location(r: &reqwest::Response) -> String {
    r.headers().get("location").expect("a redirect").to_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_is_registered_with_a_number_a_deadline_a_receipt_and_an_email() {
    let api = TestApi::builder().with_mail().start().await;
    let sink = api.mail();
    let client = browser();
    let form = report("ana.popescu@example.ro").part("fisiere", Part::bytes(PDF.to_vec()).file_name("poza.jpg"));
    let r = client.post(api.url("/api/forms/sesizare")).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let receipt = location(&r);
    assert!(receipt.starts_with("/api/dosar/TM-2026-000001?cheie="), "{receipt}");

    // The receipt page: number, deadline (30 days from 26 November 2026 land on 26 December,
    // a holiday, so 28 December), the file with its sniffed type and checksum.
    let page = client.get(api.url(&receipt)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Cererea nr. TM-2026-000001"), "{page}");
    assert!(page.contains("28 decembrie 2026"));
    assert!(page.contains("application/pdf"), "the type comes from the bytes, not the name .jpg");
    assert!(page.contains("Str. Ștefan cel Mare nr. 10"));
    assert!(page.contains("Drumuri") || page.contains("drumuri"));

    // Without the key in the link, nobody else sees it.
    let other = browser().get(api.url("/api/dosar/TM-2026-000001")).send().await.unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND);

    // The acknowledgement arrives at the real SMTP server, diacritics intact.
    let mail = sink.find("ana.popescu@example.ro", "TM-2026-000001");
    assert_eq!(mail.subject, "Cererea dumneavoastră a fost înregistrată cu nr. TM-2026-000001");
    assert!(mail.body.contains("Termenul de răspuns: 28 decembrie 2026"), "{}", mail.body);
    assert!(mail.body.contains("Crăciunul"), "the deadline explains the skipped holiday: {}", mail.body);
    assert!(mail.body.contains(&format!("{}{}", api.base, receipt)), "{}", mail.body);
    // It was queued as a template and rendered when sent; the outbox keeps the text that went out.
    let mut kept = (String::new(), None::<String>);
    for _ in 0..100 {
        kept = api
            .db()
            .query_row("SELECT subject, sent_at FROM outbox WHERE recipient = 'ana.popescu@example.ro'", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        if kept.1.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(kept.0, mail.subject, "the outbox keeps the subject sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_client_gets_json_and_the_same_registry() {
    let api = TestApi::start().await;
    let r = reqwest::Client::new()
        .post(api.url("/api/forms/sesizare"))
        .header("accept", "application/json")
        .json(&serde_json::json!({"categorie": "iluminat", "descriere": "Stâlpul de iluminat nu funcționează de o săptămână.",
            "nume": "Ion Ionescu", "email": "ion@example.ro"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let receipt: Value = r.json().await.unwrap();
    assert_eq!(receipt["number"], "TM-2026-000001");
    assert_eq!(receipt["due_on"], "2026-12-28");
    let status: Value = reqwest::Client::new()
        .get(api.url(receipt["status_url"].as_str().unwrap()))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["status"], "registered");
    assert_eq!(status["department"], "Dispeceratul Primăriei Municipiului Timișoara");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_submissions_get_a_clear_4xx_and_nothing_is_stored() {
    let api = TestApi::start().await;
    let client = browser();
    let json = |r: reqwest::RequestBuilder| r.header("accept", "application/json");

    // An unknown form.
    let r = json(client.post(api.url("/api/forms/nu-exista"))).multipart(report("a@example.ro")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    // A missing required field and a too short description, each named with its label.
    let form = Form::new().text("descriere", "scurt").text("nume", "Ana Pop").text("email", "ana@example.ro");
    let r = json(client.post(api.url("/api/forms/sesizare"))).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    let fields: Vec<&str> = body["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"categorie") && fields.contains(&"descriere"), "{body}");
    assert!(body["fields"].to_string().contains("Descrierea problemei"), "labels, not field names: {body}");

    // A bad e-mail address.
    let r = json(client.post(api.url("/api/forms/sesizare"))).multipart(report("nu-e-adresa")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("email"));

    // A field the form does not have.
    let r = json(client.post(api.url("/api/forms/sesizare")))
        .multipart(report("a@example.ro").text("admin", "1"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A text file named .pdf: the type is sniffed from the bytes.
    let fake = Part::bytes(b"just text, not a PDF".to_vec()).file_name("act.pdf");
    let r = json(client.post(api.url("/api/forms/sesizare")))
        .multipart(report("a@example.ro").part("fisiere", fake))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("act.pdf"));

    // Too many files (the report takes 5).
    let mut many = report("a@example.ro");
    for i in 0..6 {
        many = many.part("fisiere", Part::bytes(PNG.to_vec()).file_name(format!("p{i}.png")));
    }
    let r = json(client.post(api.url("/api/forms/sesizare"))).multipart(many).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A file over the form's limit (10 MB for the report).
    let mut big = PDF.to_vec();
    big.resize(10 * 1024 * 1024 + 10, b' ');
    let r = json(client.post(api.url("/api/forms/sesizare")))
        .multipart(report("a@example.ro").part("fisiere", Part::bytes(big).file_name("mare.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // A body that is not a form at all.
    let r = json(client.post(api.url("/api/forms/sesizare")))
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    let r = client
        .post(api.url("/api/forms/sesizare"))
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);

    // A browser gets the same problems as a page in the site's theme, with a way back.
    let form = Form::new().text("nume", "Ana Pop").text("email", "ana@example.ro");
    let r = client.post(api.url("/api/forms/sesizare")).multipart(form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("<html lang=\"ro\">") && page.contains("Despre ce este sesizarea"), "{page}");
    assert!(page.contains("href=\"/formulare/sesizare/\""));

    let stored: i64 = api.db().query_row("SELECT count(*) FROM submission", [], |r| r.get(0)).unwrap();
    assert_eq!(stored, 0, "no bad submission was stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_with_markup_is_shown_escaped() {
    let api = TestApi::start().await;
    let client = browser();
    let form = Form::new()
        .text("categorie", "drumuri")
        .text("loc", "<script>alert(1)</script><img src=x onerror=alert(2)>")
        .text("descriere", "Groapă adâncă în carosabil, în dreptul școlii; mașinile o ocolesc pe contrasens.")
        .text("nume", "Ana Popescu")
        .text("email", "x@example.ro");
    let r = client.post(api.url("/api/forms/sesizare")).multipart(form).send().await.unwrap();
    let page = client.get(api.url(&location(&r))).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("<script>alert(1)"), "{page}");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!page.contains("<img src=x"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registration_numbers_stay_gapless_and_unique_under_200_concurrent_submissions() {
    let api = TestApi::start().await;
    let client = reqwest::Client::new();
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let (client, url) = (client.clone(), api.url("/api/forms/sesizare"));
            tokio::spawn(async move {
                let r = client
                    .post(url)
                    .header("accept", "application/json")
                    .json(&serde_json::json!({"categorie": "drumuri", "descriere": format!("Sesizarea numărul {i}, trimisă în paralel."),
                        "nume": "Test Paralel", "email": format!("p{i}@example.ro")}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), StatusCode::CREATED);
                r.json::<Value>().await.unwrap()["number"].as_str().unwrap().to_owned()
            })
        })
        .collect();
    let mut numbers = Vec::new();
    for t in tasks {
        numbers.push(t.await.unwrap());
    }
    numbers.sort();
    let expected: Vec<String> = (1..=200).map(|n| format!("TM-2026-{n:06}")).collect();
    assert_eq!(numbers, expected);
    let rows: i64 = api.db().query_row("SELECT count(DISTINCT number) FROM submission", [], |r| r.get(0)).unwrap();
    assert_eq!(rows, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comments_on_a_draft_are_taken_only_while_its_consultation_is_open() {
    let api = TestApi::start().await;
    let drafts: Value = serde_json::from_str(
        &std::fs::read_to_string(civic_tests::api::sample_site().join("data/draft_decision.json")).unwrap(),
    )
    .unwrap();
    let today = civic_tests::api::TODAY;
    let window = |d: &Value| {
        (
            d["consultation"]["announced_on"].as_str().unwrap_or("").to_owned(),
            d["consultation"]["comments_deadline"].as_str().unwrap_or("").to_owned(),
        )
    };
    let items = drafts["items"].as_array().unwrap();
    let open = items
        .iter()
        .find(|d| {
            let (a, b) = window(d);
            a.as_str() <= today && today <= b.as_str()
        })
        .expect("a draft in consultation");
    let closed = items
        .iter()
        .find(|d| {
            let (_, b) = window(d);
            !b.is_empty() && b.as_str() < today
        })
        .expect("a closed consultation");
    let comment = |draft: &str| {
        serde_json::json!({"draft": draft, "articles": "art. 3 alin. (2)", "text": "Propun ca tariful pentru rezidenți să fie redus la jumătate.",
            "nume": "Maria Ionescu", "email": "maria@example.ro"})
    };
    let client = reqwest::Client::new();
    let post = |body: Value| {
        client.post(api.url("/api/forms/recomandari-proiecte")).header("accept", "application/json").json(&body).send()
    };
    let r = post(comment(open["id"].as_str().unwrap())).await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap());
    let r = post(comment(closed["id"].as_str().unwrap())).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("s-a încheiat"));
    let r = post(comment("ph-9999-1")).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cross_site_post_is_refused_and_the_trusted_site_may_post() {
    let api =
        TestApi::builder().with_config(|c| c.trusted_origins = vec!["https://www.primariatm.ro".into()]).start().await;
    let client = browser();
    let r = client
        .post(api.url("/api/forms/sesizare"))
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
        .multipart(report("a@example.ro"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(r.text().await.unwrap().contains("de pe alt site"));
    let r = client
        .post(api.url("/api/forms/sesizare"))
        .header("origin", "https://www.primariatm.ro")
        .header("sec-fetch-site", "cross-site")
        .multipart(report("a@example.ro"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let stored: i64 = api.db().query_row("SELECT count(*) FROM submission", [], |r| r.get(0)).unwrap();
    assert_eq!(stored, 1, "only the trusted post was stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_posts_from_one_address_get_a_429_with_retry_after() {
    let api = TestApi::builder()
        .with_config(|c| c.post_limit = Some(civic_api::RateLimit { burst: 3, per_minute: 1 }))
        .start()
        .await;
    let client = reqwest::Client::new();
    let mut statuses = Vec::new();
    for _ in 0..5 {
        let r = client
            .post(api.url("/api/auth/magic-link"))
            .header("accept", "application/json")
            .json(&serde_json::json!({"email": "x@example.ro"}))
            .send()
            .await
            .unwrap();
        statuses.push((r.status(), r.headers().get("retry-after").is_some()));
    }
    assert!(statuses[..3].iter().all(|(s, _)| s.is_success()), "{statuses:?}");
    assert_eq!(statuses[3], (StatusCode::TOO_MANY_REQUESTS, true));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_the_security_headers() {
    let api = TestApi::start().await;
    let r = browser().get(api.url("/api/cont/autentificare")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let csp = r.headers()["content-security-policy"].to_str().unwrap().to_owned();
    assert!(csp.contains("default-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.headers()["referrer-policy"], "no-referrer");
    let page = r.text().await.unwrap();
    assert!(page.contains("Autentificare") && page.contains("<nav aria-label=\"Meniu principal\""), "the site's frame");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_describes_the_form_endpoint() {
    let api = TestApi::start().await;
    let doc: Value = reqwest::get(api.url("/api/openapi.json")).await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["paths"]["/api/forms/{id}"]["post"].is_object(), "{doc}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_up_verify_by_a_button_log_in_out_export_and_delete() {
    let api = TestApi::builder().with_mail().start().await;
    let sink = api.mail();
    let client = browser();
    let r = client
        .post(api.url("/api/auth/signup"))
        .form(&[("email", "Elena.Marin@Example.ro"), ("name", "Elena Marin"), ("password", "o frază lungă de test")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let mail = sink.find("elena.marin@example.ro", "Confirmați adresa");
    let token = link_token(&mail.body);

    // Opening the link (as a mail scanner would) shows a button and changes nothing.
    let page =
        client.get(api.url(&format!("/api/auth/link?token={token}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("method=\"post\"") && page.contains(&token));
    let verified: Option<String> =
        api.db().query_row("SELECT email_verified_at FROM account", [], |r| r.get(0)).unwrap();
    assert!(verified.is_none(), "a GET never confirms");
    let r = client.get(api.url("/api/cont")).send().await.unwrap();
    assert_eq!((r.status(), location(&r).as_str()), (StatusCode::SEE_OTHER, "/api/cont/autentificare?next=/api/cont"));

    // Pressing the button verifies the address and logs in.
    let r = client.post(api.url("/api/auth/link")).form(&[("token", token.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let account = client.get(api.url("/api/cont")).send().await.unwrap().text().await.unwrap();
    assert!(account.contains("elena.marin@example.ro") && account.contains("adresă de e-mail confirmată"), "{account}");
    let stored: Vec<u8> = api.db().query_row("SELECT token_sha256 FROM session", [], |r| r.get(0)).unwrap();
    assert_eq!(stored.len(), 32, "only the token's SHA-256 is stored");
    assert!(!cookie.contains(&hex(&stored)));

    // The link works once.
    let again = browser().post(api.url("/api/auth/link")).form(&[("token", token.as_str())]).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::BAD_REQUEST);
    assert!(again.text().await.unwrap().contains("deja folosit"));

    // A submission while logged in shows in "my account" and in the export.
    let r =
        client.post(api.url("/api/forms/sesizare")).multipart(report("elena.marin@example.ro")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let account = client.get(api.url("/api/cont")).send().await.unwrap().text().await.unwrap();
    assert!(account.contains("TM-2026-000001"));
    let export: Value = client.get(api.url("/api/cont/export")).send().await.unwrap().json().await.unwrap();
    assert_eq!(export["account"]["email"], "elena.marin@example.ro");
    assert_eq!(export["submissions"][0]["number"], "TM-2026-000001");
    assert_eq!(export["account"].get("password_hash"), None, "no hash in the export");

    // Logout ends the session server-side: the old cookie no longer opens the account.
    let r = client.post(api.url("/api/auth/logout")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let sessions: i64 = api.db().query_row("SELECT count(*) FROM session", [], |r| r.get(0)).unwrap();
    assert_eq!(sessions, 0);

    // Password login: wrong, then right.
    let wrong = client
        .post(api.url("/api/auth/login"))
        .form(&[("email", "elena.marin@example.ro"), ("password", "greșită greșită")])
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let right = client
        .post(api.url("/api/auth/login"))
        .form(&[("email", "ELENA.MARIN@example.ro"), ("password", "o frază lungă de test")])
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), StatusCode::SEE_OTHER);

    // Delete: the account goes, the registered submission stays without it.
    let refused =
        client.post(api.url("/api/cont/sterge")).form(&[("confirm", "alta@example.ro")]).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r =
        client.post(api.url("/api/cont/sterge")).form(&[("confirm", "elena.marin@example.ro")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let db = api.db();
    let accounts: i64 = db.query_row("SELECT count(*) FROM account", [], |r| r.get(0)).unwrap();
    let kept: (i64, Option<i64>) =
        db.query_row("SELECT count(*), max(account_id) FROM submission", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!(accounts, 0);
    assert_eq!(kept, (1, None));
    let r = client.get(api.url("/api/cont")).send().await.unwrap();
    assert_eq!((r.status(), location(&r).as_str()), (StatusCode::SEE_OTHER, "/api/cont/autentificare?next=/api/cont"));
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_magic_link_logs_in_once_and_an_expired_one_is_refused() {
    let api = TestApi::builder().with_mail().start().await;
    let sink = api.mail();
    let client = browser();
    // A report sent before having an account: it becomes theirs once the address is proven.
    let r = client.post(api.url("/api/forms/sesizare")).multipart(report("dan@example.ro")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = client
        .post(api.url("/api/auth/magic-link"))
        .form(&[("email", "dan@example.ro"), ("next", "/formulare/petitie/")])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/api/cont/verificati-emailul");
    let mail = sink.find("dan@example.ro", "Linkul de autentificare");
    let token = link_token(&mail.body);
    let r = client.post(api.url("/api/auth/link")).form(&[("token", token.as_str())]).send().await.unwrap();
    assert_eq!(location(&r), "/formulare/petitie/", "back where they were");
    let account = client.get(api.url("/api/cont")).send().await.unwrap().text().await.unwrap();
    assert!(account.contains("TM-2026-000001"), "{account}");

    // An expired link (its time passed in the database) is refused with what to do.
    client.post(api.url("/api/auth/magic-link")).form(&[("email", "dan@example.ro")]).send().await.unwrap();
    let second = sink.wait_for(3).into_iter().last().unwrap();
    api.db().execute("UPDATE login_token SET expires_at = '2000-01-01T00:00:00Z' WHERE used_at IS NULL", []).unwrap();
    let r = browser()
        .post(api.url("/api/auth/link"))
        .form(&[("token", link_token(&second.body).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("a expirat"));

    // A link to another site is never followed after login.
    client
        .post(api.url("/api/auth/magic-link"))
        .form(&[("email", "dan@example.ro"), ("next", "//evil.example/")])
        .send()
        .await
        .unwrap();
    let third = sink.wait_for(4).into_iter().last().unwrap();
    let r = browser()
        .post(api.url("/api/auth/link"))
        .form(&[("token", link_token(&third.body).as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&r), "/api/cont");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_handle_a_case_overdue_first_with_an_audit_log_and_mail_to_the_citizen() {
    let api = TestApi::builder().with_mail().start().await;
    let sink = api.mail();
    api.add_user("ana.staff@primariatm.ro", "Ana", "staff", "parola personalului 1").await;

    let citizen = reqwest::Client::new();
    let mut numbers = Vec::new();
    let mut status_urls = Vec::new();
    for form in ["petitie", "sesizare"] {
        let body = match form {
            "petitie" => {
                serde_json::json!({"nume": "Vlad Pop", "email": "vlad@example.ro", "subiect": "Transport public în cartierul Freidorf",
                "continut": "Solicit introducerea unei linii de autobuz care să lege cartierul Freidorf de centru."})
            }
            _ => {
                serde_json::json!({"categorie": "drumuri", "descriere": "Semafor defect la intersecția cu Calea Șagului.", "nume": "Vlad Pop", "email": "vlad@example.ro"})
            }
        };
        let r = citizen
            .post(api.url(&format!("/api/forms/{form}")))
            .header("accept", "application/json")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{form}: {}", r.text().await.unwrap());
        let receipt: Value = r.json().await.unwrap();
        numbers.push(receipt["number"].as_str().unwrap().to_owned());
        status_urls.push(receipt["status_url"].as_str().unwrap().to_owned());
    }
    // The report was registered long ago: its deadline has passed.
    api.db().execute("UPDATE submission SET due_on = '2026-01-15' WHERE number = ?1", [&numbers[1]]).unwrap();

    // Citizens cannot see the case list.
    let anon = browser();
    assert_eq!(anon.get(api.url("/api/admin/dosare")).send().await.unwrap().status(), StatusCode::UNAUTHORIZED);

    let staff = logged_in(&api, "ana.staff@primariatm.ro", "parola personalului 1").await;
    let list = staff.get(api.url("/api/admin/dosare")).send().await.unwrap().text().await.unwrap();
    let (a, b) = (list.find(&numbers[1]).unwrap(), list.find(&numbers[0]).unwrap());
    assert!(a < b, "the overdue case comes first");
    assert!(list.contains("depășit"));
    let filtered = staff.get(api.url("/api/admin/dosare?formular=petitie")).send().await.unwrap().text().await.unwrap();
    assert!(filtered.contains(&numbers[0]) && !filtered.contains(&numbers[1]));

    let case = |action: &str| api.url(&format!("/api/admin/dosare/{}/{action}", numbers[0]));
    // Extend once with a reason (OG 27/2002: +15 days), never twice.
    let r = staff
        .post(case("prelungire"))
        .form(&[("reason", "Este necesară consultarea Societății de Transport Public.")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let again = staff
        .post(case("prelungire"))
        .form(&[("reason", "Încă o prelungire, care nu este permisă.")])
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let extended = sink.find("vlad@example.ro", "prelungit");
    assert!(extended.body.contains("Societății de Transport Public"));
    let due: String = api
        .db()
        .query_row("SELECT extended_due_on FROM submission WHERE number = ?1", [&numbers[0]], |r| r.get(0))
        .unwrap();
    assert_eq!(due, "2027-01-12", "26 Nov + 30 days → 28 Dec (26 Dec is a holiday), + 15 days → 12 Jan");

    let r = staff.post(case("stare")).form(&[("status", "in_progress")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let bad = staff.post(case("stare")).form(&[("status", "answered")]).send().await.unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = staff
        .post(case("raspuns"))
        .form(&[("text", "Linia 33 va deservi cartierul Freidorf din martie 2027.\nVă mulțumim.")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let answer = sink.find("vlad@example.ro", &format!("Răspuns la cererea nr. {}", numbers[0]));
    assert!(answer.body.contains("Linia 33 va deservi cartierul Freidorf"));

    // Forwarding the other case tells the citizen where it went.
    let r = staff
        .post(api.url(&format!("/api/admin/dosare/{}/redirectionare", numbers[1])))
        .form(&[("to", "Societatea de Transport Public Timișoara"), ("note", "competența STPT")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    sink.find("vlad@example.ro", "redirecționată");

    let page =
        staff.get(api.url(&format!("/api/admin/dosare/{}", numbers[0]))).send().await.unwrap().text().await.unwrap();
    for entry in ["înregistrată", "termen prelungit", "stare schimbată", "răspuns trimis", "ana.staff@primariatm.ro"]
    {
        assert!(page.contains(entry), "the audit log shows {entry:?}");
    }
    let actions: Vec<String> = api
        .db()
        .prepare(
            "SELECT action FROM audit a JOIN submission s ON s.id = a.submission_id WHERE s.number = ?1 ORDER BY a.id",
        )
        .unwrap()
        .query_map([&numbers[0]], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    // The registration itself is the submission row (the page's first entry, above).
    assert_eq!(actions, ["extended", "status", "answered"]);

    // The citizen sees the answer on the status page their e-mail links to; without its key, nobody does.
    let status: Value = citizen
        .get(api.url(&status_urls[0]))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(status["status"], "answered");
    assert!(status["answer"].as_str().unwrap().contains("Linia 33"));
    let r = citizen
        .get(api.url(&format!("/api/dosar/{}", numbers[0])))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND, "no key, no access");
    // "Contul meu" of the address that filed it shows the answer too.
    let vlad = civic_tests::api::verified_user(&api, sink, "vlad@example.ro").await;
    let account = vlad.get(api.url("/api/cont")).send().await.unwrap().text().await.unwrap();
    assert!(account.contains("Linia 33 va deservi cartierul Freidorf"), "{account}");
    assert!(account.contains("<summary>Răspunsul din "), "{account}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mail_waits_in_the_outbox_while_the_smtp_server_is_down_and_is_sent_once() {
    // Reserve a port, start the API pointing at it with nothing listening.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let smtp =
        civic_api::Smtp { host: "127.0.0.1".into(), port, security: civic_api::SmtpSecurity::None, credentials: None };
    let api = TestApi::builder().with_config(|c| c.smtp = Some(smtp)).start().await;
    let r = reqwest::Client::new()
        .post(api.url("/api/forms/sesizare"))
        .header("accept", "application/json")
        .json(&serde_json::json!({"categorie": "drumuri", "descriere": "Capac de canal lipsă pe trotuar.", "nume": "Ana Pop", "email": "ana@example.ro"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    // The first attempt fails and is recorded.
    let start = std::time::Instant::now();
    loop {
        let (attempts, error): (i64, Option<String>) =
            api.db().query_row("SELECT attempts, last_error FROM outbox", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        if attempts >= 1 && error.is_some() {
            break;
        }
        assert!(start.elapsed().as_secs() < 20, "the sender tried");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // The server comes up; the retry delivers it, once.
    let sink = SmtpSink::on_port(port);
    let got = sink.wait_for(1);
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(sink.messages().len(), 1, "sent once: {got:#?}");
    let sent: Option<String> = api.db().query_row("SELECT sent_at FROM outbox", [], |r| r.get(0)).unwrap();
    assert!(sent.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_flood_waits_its_turn_while_other_requests_are_served() {
    let api = TestApi::start().await;
    api.add_user("tinta0@example.ro", "", "citizen", "o parolă oarecare").await;
    let done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    // A guess at each of forty addresses (guesses at one account stop being checked after five);
    // one has an account, and the others cost a hash all the same.
    let logins: Vec<_> = (0..40)
        .map(|i| {
            let (url, done) = (api.url("/api/auth/login"), done.clone());
            tokio::spawn(async move {
                let r = reqwest::Client::new()
                    .post(url)
                    .form(&[("email", format!("tinta{i}@example.ro")), ("password", format!("ghicire {i}"))])
                    .send()
                    .await
                    .unwrap();
                done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                r.status()
            })
        })
        .collect();
    // Every wrong guess costs a full argon2id hash; the form list needs none and is not stuck
    // behind them.
    tokio::task::yield_now().await;
    let r =
        reqwest::Client::new().get(api.url("/api/forms")).header("accept", "application/json").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let finished = done.load(std::sync::atomic::Ordering::SeqCst);
    assert!(finished < 40, "the other request was answered while logins were still queued ({finished} of 40 done)");
    for l in logins {
        assert_eq!(l.await.unwrap(), StatusCode::UNAUTHORIZED);
    }
}

/// A raw HTTP/1.1 exchange: sends `head` (and `body`), returns the status line and headers, or
/// `None` if the server closed the connection first.
async fn raw_exchange(addr: std::net::SocketAddr, head: &str, body: &[u8]) -> Option<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.ok()?;
    // The server may answer and close before the whole body is sent.
    let _ = stream.write_all(body).await;
    // The head, then as much of the body as its Content-Length says.
    let mut answer = Vec::new();
    let mut buf = [0; 4096];
    let complete = |a: &[u8]| {
        let Some(end) = a.windows(4).position(|w| w == b"\r\n\r\n") else { return false };
        let head = String::from_utf8_lossy(&a[..end]).to_ascii_lowercase();
        let length = head.lines().find_map(|l| l.strip_prefix("content-length:")?.trim().parse::<usize>().ok());
        a.len() >= end + 4 + length.unwrap_or(0)
    };
    while !complete(&answer) {
        match tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => answer.extend_from_slice(&buf[..n]),
            _ => break,
        }
    }
    (!answer.is_empty()).then(|| String::from_utf8_lossy(&answer).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_text_body_over_64_kb_gets_413_before_it_is_read() {
    let api = TestApi::start().await;
    let host = api.addr;
    // A declared 48 MB JSON report: refused on its headers, with only a few bytes sent.
    for (path, content_type) in [
        ("/api/forms/sesizare", "application/json"),
        ("/api/forms/sesizare", "application/x-www-form-urlencoded"),
        ("/api/auth/magic-link", "application/json"),
    ] {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\nContent-Type: {content_type}\r\n\
             Content-Length: 50331648\r\n\r\n"
        );
        let started = std::time::Instant::now();
        let answer = raw_exchange(api.addr, &head, b"{\"descriere\": \"").await.expect("an answer");
        assert!(answer.starts_with("HTTP/1.1 413"), "{path} {content_type}: {answer}");
        assert!(started.elapsed() < std::time::Duration::from_secs(5), "answered without waiting for the body");
    }
    // A body sent in chunks, without a declared length: cut off at the limit.
    let chunk = format!("{:x}\r\n{{\"descriere\": \"{}\r\n", 200 * 1024 + 16, "x".repeat(200 * 1024));
    let head = format!(
        "POST /api/forms/sesizare HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    let answer = raw_exchange(api.addr, &head, chunk.as_bytes()).await.expect("an answer");
    assert!(answer.starts_with("HTTP/1.1 413"), "chunked: {answer}");
    // A 3 MB report with its length, sent whole: the usual 413 JSON answer, in Romanian. (The
    // server may answer and close while the body is still being written, so this is a raw
    // exchange, which reads the answer whatever became of the rest of the body.)
    let big = serde_json::json!({"categorie": "drumuri", "descriere": "x".repeat(3 << 20), "nume": "A B", "email": "a@example.ro"})
        .to_string();
    let head = format!(
        "POST /api/forms/sesizare HTTP/1.1\r\nHost: {host}\r\nAccept: application/json\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        big.len()
    );
    let answer = raw_exchange(api.addr, &head, big.as_bytes()).await.expect("an answer");
    assert!(answer.starts_with("HTTP/1.1 413"), "3 MB: {answer}");
    let body: Value = serde_json::from_str(answer.split_once("\r\n\r\n").expect("a head and a body").1).unwrap();
    assert!(body["error"].as_str().unwrap().contains("64 KB"), "{body}");
    // Just under the limit is read and checked as usual.
    let fine = serde_json::json!({"categorie": "drumuri", "descriere": "x".repeat(60 * 1024), "nume": "A B", "email": "a@example.ro"});
    let r = reqwest::Client::new()
        .post(api.url("/api/forms/sesizare"))
        .header("accept", "application/json")
        .json(&fine)
        .send()
        .await
        .unwrap();
    assert_ne!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let stored: i64 =
        api.db().query_row("SELECT count(*) FROM submission WHERE length(fields) > 100000", [], |r| r.get(0)).unwrap();
    assert_eq!(stored, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn control_characters_and_repeated_fields_are_refused_by_name() {
    let api = TestApi::start().await;
    let client = reqwest::Client::new();
    let refused = |r: reqwest::Response| async move {
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = r.json().await.unwrap();
        (
            body["fields"][0]["field"].as_str().unwrap().to_owned(),
            body["fields"][0]["label"].as_str().unwrap().to_owned(),
            body["fields"][0]["message"].as_str().unwrap().to_owned(),
        )
    };
    let json =
        |v: Value| client.post(api.url("/api/forms/sesizare")).header("accept", "application/json").json(&v).send();
    // A NUL in the name, as JSON, urlencoded and multipart.
    let (field, label, message) = refused(
        json(serde_json::json!({"categorie": "drumuri",
        "descriere": "Groapă mare în carosabil, în dreptul școlii.", "nume": "Ana\u{0}Pop", "email": "ana@example.ro"}))
        .await
        .unwrap(),
    )
    .await;
    assert_eq!((field.as_str(), label.as_str()), ("nume", "Numele și prenumele"), "the form's label: {message}");
    assert!(message.contains("U+0000"), "{message}");
    let urlencoded = "categorie=drumuri&descriere=Groap%C4%83+mare+%C3%AEn+carosabil%2C+%C3%AEn+dreptul+%C8%99colii.&nume=Ana%00Pop&email=ana%40example.ro";
    let r = client
        .post(api.url("/api/forms/sesizare"))
        .header("accept", "application/json")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(urlencoded)
        .send()
        .await
        .unwrap();
    assert_eq!(refused(r).await.0, "nume");
    let bell = Form::new()
        .text("categorie", "drumuri")
        .text("loc", "Str. Mărășești\u{7}")
        .text("descriere", "Groapă adâncă în carosabil, în dreptul școlii.")
        .text("nume", "Ana Pop")
        .text("email", "ana@example.ro");
    let r = client
        .post(api.url("/api/forms/sesizare"))
        .header("accept", "application/json")
        .multipart(bell)
        .send()
        .await
        .unwrap();
    let (field, _, message) = refused(r).await;
    assert_eq!(field, "loc");
    assert!(message.contains("U+0007"), "{message}");
    // The same field twice: refused, not one of them kept silently.
    let twice = "categorie=drumuri&descriere=Groap%C4%83+mare+%C3%AEn+carosabil%2C+%C3%AEn+dreptul+%C8%99colii.&nume=Ana+Pop&email=ana%40example.ro&email=alta%40example.ro";
    let r = client
        .post(api.url("/api/forms/sesizare"))
        .header("accept", "application/json")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(twice)
        .send()
        .await
        .unwrap();
    let (field, _, message) = refused(r).await;
    assert_eq!(field, "email");
    assert!(message.contains("de mai multe ori"), "{message}");
    let r = client.post(api.url("/api/forms/sesizare")).header("accept", "application/json").header("content-type", "application/json")
        .body(r#"{"categorie": "drumuri", "descriere": "Groapă mare în carosabil, în dreptul școlii.", "nume": "Ana Pop", "nume": "Alt Nume", "email": "ana@example.ro"}"#)
        .send().await.unwrap();
    assert_eq!(refused(r).await.0, "nume");
    let r = client
        .post(api.url("/api/forms/sesizare"))
        .header("accept", "application/json")
        .multipart(report("ana@example.ro").text("nume", "Alt Nume"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused(r).await.0, "nume");
    // The other endpoints read their bodies the same way.
    let r = client
        .post(api.url("/api/auth/signup"))
        .header("accept", "application/json")
        .json(&serde_json::json!({"email": "ana@example.ro", "name": "Ana\u{1b}[31m"}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused(r).await.0, "name");
    let r = client
        .post(api.url("/api/auth/magic-link"))
        .header("accept", "application/json")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("email=a%40example.ro&email=b%40example.ro")
        .send()
        .await
        .unwrap();
    assert_eq!(refused(r).await.0, "email");
    let stored: i64 = api.db().query_row("SELECT count(*) FROM submission", [], |r| r.get(0)).unwrap();
    assert_eq!(stored, 0, "nothing refused was stored");
    let sent: i64 = api.db().query_row("SELECT count(*) FROM outbox", [], |r| r.get(0)).unwrap();
    assert_eq!(sent, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_strangers_address_gets_only_a_few_emails_then_429_with_retry_after() {
    let api = TestApi::start().await;
    let victim = "victima@example.ro";
    // Alert confirmations asked for the victim, each from a fresh client.
    let mut statuses = Vec::new();
    for i in 0..8 {
        let r = reqwest::Client::new()
            .post(api.url("/api/alerte"))
            .header("accept", "application/json")
            .form(&[
                ("email", if i % 2 == 0 { victim.to_owned() } else { victim.to_uppercase() }),
                ("area", "districts".into()),
                ("district", "aradului".into()),
                ("topic", "lucrari".into()),
                ("frequency", "imediat".into()),
            ])
            .send()
            .await
            .unwrap();
        statuses.push((r.status(), r.headers().get("retry-after").and_then(|v| v.to_str().ok()?.parse::<u64>().ok())));
    }
    assert!(statuses[..5].iter().all(|(s, _)| s.is_success()), "{statuses:?}");
    let (status, retry) = statuses[5];
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
    assert!(retry.is_some_and(|s| s > 60), "Retry-After in seconds: {statuses:?}");
    // Form receipts count for the same mailbox: the victim's inbox is already full.
    let r = reqwest::Client::new()
        .post(api.url("/api/forms/sesizare"))
        .header("accept", "application/json")
        .json(&serde_json::json!({"categorie": "drumuri", "descriere": "Groapă mare în carosabil, în dreptul școlii.",
            "nume": "Ana Pop", "email": "\"victima\"@example.ro"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
    let body: Value = r.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("minute"), "{body}");
    let queued: i64 =
        api.db().query_row("SELECT count(*) FROM outbox WHERE recipient = ?1", [victim], |r| r.get(0)).unwrap();
    assert_eq!(queued, 5, "five e-mails, then none");
    let stored: i64 = api.db().query_row("SELECT count(*) FROM submission", [], |r| r.get(0)).unwrap();
    assert_eq!(stored, 0, "the refused report was not registered (nothing is kept without its receipt)");
    // Someone else's address is not affected.
    let r = reqwest::Client::new()
        .post(api.url("/api/forms/sesizare"))
        .header("accept", "application/json")
        .json(&serde_json::json!({"categorie": "drumuri", "descriere": "Groapă mare în carosabil, în dreptul școlii.",
            "nume": "Ion Pop", "email": "ion@example.ro"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_next_address_that_is_not_a_clean_local_path_goes_to_the_account_page() {
    let api = TestApi::builder().with_mail().start().await;
    let sink = api.mail();
    for (i, next) in
        ["/x\r\nSet-Cookie: a=b", "/\t/evil.example", "/\\evil.example", "//evil.example"].iter().enumerate()
    {
        let email = format!("next{i}@example.ro");
        let r = browser()
            .post(api.url("/api/auth/magic-link"))
            .form(&[("email", email.as_str()), ("next", next)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{next:?}");
        let token = link_token(&sink.find(&email, "Linkul de autentificare").body);
        let client = browser();
        let r = client.post(api.url("/api/auth/link")).form(&[("token", token.as_str())]).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{next:?}: the link logs in");
        assert_eq!(location(&r), "/api/cont", "{next:?}");
        assert!(r.headers().get_all("set-cookie").iter().all(|c| !c.to_str().unwrap().starts_with("a=")));
        let account = client.get(api.url("/api/cont")).send().await.unwrap();
        assert_eq!(account.status(), StatusCode::OK, "{next:?}: logged in");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_address_gets_a_400_in_romanian() {
    let api = TestApi::start().await;
    for (path, says) in [("/api/petitii/abc", "Adresa nu este corectă"), ("/api/petitii?stare=a&stare=b", "după „?”")]
    {
        for accept in ["text/html", "application/json"] {
            let r = browser().get(api.url(path)).header("accept", accept).send().await.unwrap();
            assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{path}");
            let text = r.text().await.unwrap();
            assert!(text.contains(says) && !text.contains("Cannot parse") && !text.contains("deserialize"), "{text}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_header_links_the_portal_and_knows_who_is_signed_in() {
    let api = TestApi::builder().with_mail().start().await;
    let sink = api.mail();
    let status = |client: reqwest::Client| {
        let url = api.url("/api/cont/stare");
        async move {
            let r = client.get(url).header("accept", "application/json").send().await.unwrap();
            assert_eq!(r.status(), StatusCode::OK);
            assert_eq!(r.headers()["cache-control"], "no-store", "never cached");
            r.json::<Value>().await.unwrap()
        }
    };
    assert_eq!(status(browser()).await, serde_json::json!({"signed_in": false}));
    let client = civic_tests::api::verified_user(&api, sink, "ana.popescu@example.ro").await;
    assert_eq!(status(client.clone()).await, serde_json::json!({"signed_in": true, "name": "ana.popescu@example.ro"}));
    // Every API page's header has the portal's three links and the (hidden) logout button.
    for path in ["/api/petitii", "/api/alerte", "/api/cont", "/api/petitii/noua"] {
        let page = client.get(api.url(path)).send().await.unwrap().text().await.unwrap();
        for link in [r#"href="/api/petitii""#, r#"href="/api/alerte""#, r#"href="/api/cont" id="cont-meu""#] {
            assert!(page.contains(link), "{path} lacks {link}");
        }
        assert!(page.contains(r#"<li id="iesire" hidden><form method="post" action="/api/auth/logout">"#), "{path}");
    }
    // Logged out, the status says so at once.
    let r = client.post(api.url("/api/auth/logout")).send().await.unwrap();
    assert!(r.status().is_redirection() || r.status().is_success(), "{}", r.status());
    assert_eq!(status(client.clone()).await, serde_json::json!({"signed_in": false}));
    // "Contul meu": a browser is sent to the login page, a JSON client gets a 401 that says why.
    let r = client.get(api.url("/api/cont")).send().await.unwrap();
    assert_eq!((r.status(), location(&r).as_str()), (StatusCode::SEE_OTHER, "/api/cont/autentificare?next=/api/cont"));
    let r = client.get(api.url("/api/cont")).header("accept", "application/json").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert!(r.text().await.unwrap().contains("trebuie să vă autentificați"));
}
