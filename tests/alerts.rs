//! Alerts end to end: subscribe → confirm by a POST button → a new work is published → dispatch
//! → the mail reaches a real SMTP server with RFC 8058 headers → one-click unsubscribe; dispatch
//! is idempotent; digests per closed window, never empty; a cancelled work; the geometry rules;
//! bad input answered with a clear 4xx.

use std::collections::HashMap;

use civic_api::alerts::geometry::{Area, from_geojson, geo, haversine};
use civic_api::alerts::matcher::Matcher;
use civic_api::alerts::{self, Report};
use civic_tests::api::{SmtpSink, TestApi, browser, link_token, verified_user};
use jiff::Timestamp;
use reqwest::StatusCode;
use serde_json::{Value, json};

fn g(v: Value) -> geo::Geometry<f64> {
    from_geojson(&v).expect("a GeoJSON geometry")
}

fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> geo::Polygon<f64> {
    match g(json!({"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]})) {
        geo::Geometry::Polygon(p) => p,
        _ => unreachable!(),
    }
}

fn drawn(p: geo::Polygon<f64>) -> Area {
    Area::Shape(geo::MultiPolygon::new(vec![p]))
}

/// A matcher over drawn areas only.
fn areas(areas: Vec<Area>) -> Matcher {
    Matcher::new(areas.into_iter().map(Some).collect(), &[], &HashMap::new())
}

/// The owners an event's geometry concerns, sorted.
fn matching(m: &Matcher, geometry: &geo::Geometry<f64>, listed: &[&str]) -> Vec<u32> {
    let listed: Vec<String> = listed.iter().map(|s| s.to_string()).collect();
    let mut who = m.matching(Some(geometry), &listed);
    who.sort_unstable();
    who
}

#[test]
fn geometry_borders_crossings_and_radii() {
    // Two districts sharing the edge x = 1; a third far away. Owner 2 chose both neighbours and
    // is still concerned once; owner 3 chose the far one.
    let districts = HashMap::from([
        ("a".to_owned(), vec![square(0.0, 0.0, 1.0, 1.0)]),
        ("b".to_owned(), vec![square(1.0, 0.0, 2.0, 1.0)]),
        ("far".to_owned(), vec![square(5.0, 5.0, 6.0, 6.0)]),
    ]);
    let chosen =
        vec![vec!["a".to_owned()], vec!["b".to_owned()], vec!["b".to_owned(), "a".to_owned()], vec!["far".to_owned()]];
    let by_district = Matcher::new(vec![None; 4], &chosen, &districts);
    // A work on the border belongs to both neighbours, not to the far one.
    assert_eq!(matching(&by_district, &g(json!({"type": "Point", "coordinates": [1.0, 0.5]})), &[]), vec![0, 1, 2]);
    let border = g(json!({"type": "LineString", "coordinates": [[1.0, 0.2], [1.0, 0.8]]}));
    assert_eq!(matching(&by_district, &border, &[]), vec![0, 1, 2]);
    // A district the work lists counts even when its geometry lies elsewhere.
    assert_eq!(
        matching(&by_district, &g(json!({"type": "Point", "coordinates": [0.5, 0.5]})), &["far"]),
        vec![0, 2, 3]
    );
    // The same rules for drawn areas.
    let shapes = areas(vec![
        drawn(square(0.0, 0.0, 1.0, 1.0)),
        drawn(square(1.0, 0.0, 2.0, 1.0)),
        drawn(square(5.0, 5.0, 6.0, 6.0)),
    ]);
    assert_eq!(matching(&shapes, &border, &[]), vec![0, 1]);
    // A work whose polygon encloses a drawn area wholly concerns it.
    let around =
        g(json!({"type": "Polygon", "coordinates": [[[4.0, 4.0], [7.0, 4.0], [7.0, 7.0], [4.0, 7.0], [4.0, 4.0]]]}));
    assert_eq!(matching(&shapes, &around, &[]), vec![2]);
    // A street crossing a drawn polygon with no vertex inside it still concerns it.
    let drawn_one = areas(vec![drawn(square(21.22, 45.75, 21.23, 45.76))]);
    let crossing = g(json!({"type": "LineString", "coordinates": [[21.21, 45.755], [21.24, 45.755]]}));
    assert_eq!(matching(&drawn_one, &crossing, &[]), vec![0]);
    let beside = g(json!({"type": "LineString", "coordinates": [[21.21, 45.77], [21.24, 45.77]]}));
    assert!(matching(&drawn_one, &beside, &[]).is_empty());
    // A radius of 500 m: 400 m and 499 m north are in, 501 m and 600 m north are out (Haversine).
    let centre = geo::Point::new(21.2257, 45.7537);
    let radius = areas(vec![Area::Circle(centre, 500.0)]);
    let north = |m: f64| geo::Point::new(21.2257, 45.7537 + m / 111_195.0);
    assert!((haversine(centre, north(400.0)) - 400.0).abs() < 1.0);
    for (m, concerned) in [(400.0, true), (499.0, true), (501.0, false), (600.0, false)] {
        let who = matching(&radius, &geo::Geometry::Point(north(m)), &[]);
        assert_eq!(who == vec![0], concerned, "{m} m north of a 500 m radius");
    }
    // A line passing 300 m east of the centre, with both ends far away; one 700 m east is out.
    let east = |m: f64| m / (111_195.0 * 45.7537f64.to_radians().cos());
    let line = |m: f64| {
        g(json!({"type": "LineString", "coordinates": [[21.2257 + east(m), 45.70], [21.2257 + east(m), 45.80]]}))
    };
    assert_eq!(matching(&radius, &line(300.0), &[]), vec![0]);
    assert!(matching(&radius, &line(700.0), &[]).is_empty());
    // A work's polygon around the centre concerns the radius.
    let square_around = geo::Geometry::Polygon(square(21.20, 45.74, 21.25, 45.77));
    assert_eq!(matching(&radius, &square_around, &[]), vec![0]);
}

/// A new work in Cetate, added to the copy's `public_work.json` (a new publication).
fn publish(site: &std::path::Path, id: &str, status: &str, coordinates: Value) {
    let path = site.join("data/public_work.json");
    let mut data: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let items = data["items"].as_array_mut().unwrap();
    items.retain(|w| w["id"] != id);
    items.push(json!({
        "id": id, "title": format!("Înlocuirea conductei de apă pe Strada Alba Iulia ({id})"),
        "published_at": "2026-11-25T09:00:00+02:00", "updated_at": "2026-11-25T09:00:00+02:00",
        "geometry": {"type": "Point", "coordinates": coordinates}, "kind": "avarie",
        "streets": [{"name": "Strada Alba Iulia"}], "restriction": "inchidere_partiala",
        "period": {"start": "2026-12-01T07:00:00+02:00", "end": "2026-12-05T19:00:00+02:00"},
        "status": status, "severity": "major", "districts": ["cetate"], "url": format!("/lucrari/{id}/"),
    }));
    std::fs::write(&path, serde_json::to_string(&data).unwrap()).unwrap();
}

/// Changes a published work in the copy's `public_work.json`.
fn edit(site: &std::path::Path, id: &str, change: impl FnOnce(&mut Value)) {
    edit_listed(site, "public_work", id, change);
}

/// Changes a published item of `kind` in the copy's `data/<kind>.json` (a new publication).
fn edit_listed(site: &std::path::Path, kind: &str, id: &str, change: impl FnOnce(&mut Value)) {
    let path = site.join(format!("data/{kind}.json"));
    let mut data: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    change(data["items"].as_array_mut().unwrap().iter_mut().find(|w| w["id"] == id).expect("the item"));
    std::fs::write(&path, serde_json::to_string(&data).unwrap()).unwrap();
}

/// Subscribes and confirms `email`; returns the manage key from the page confirming it.
async fn subscribe(api: &TestApi, sink: &SmtpSink, email: &str, form: &[(&str, &str)]) -> String {
    let client = browser();
    let mut fields = vec![("email", email)];
    fields.extend_from_slice(form);
    let r = client.post(api.url("/api/alerte")).form(&fields).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "{}", r.text().await.unwrap());
    let token = link_token(&sink.find(email, "Confirmați alerta").body);
    // Opening the link (as a mail scanner would) shows a button and confirms nothing.
    let page = client.get(api.url(&format!("/api/alerte/confirmare?token={token}"))).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Confirm alerta"));
    let confirmed: Option<String> = api
        .db()
        .query_row("SELECT confirmed_at FROM alert_subscription WHERE email = ?1", [email], |r| r.get(0))
        .unwrap();
    assert!(confirmed.is_none(), "a GET does not confirm");
    let r = client.post(api.url("/api/alerte/confirmare")).form(&[("token", token.as_str())]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let manage = r.headers()["location"].to_str().unwrap().to_owned();
    let page = client.get(api.url(&manage)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Alerta este confirmată"), "{page}");
    link_token(&manage)
}

async fn dispatch(api: &TestApi, at: &str) -> Report {
    alerts::dispatch(api.api.app(), at.parse::<Timestamp>().unwrap()).await.unwrap()
}

fn outbox(api: &TestApi) -> i64 {
    api.db().query_row("SELECT count(*) FROM outbox", [], |r| r.get(0)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribe_confirm_dispatch_mail_and_one_click_unsubscribe() {
    let api = TestApi::builder().with_mail().with_site_copy(|_| {}).start().await;
    let sink = api.mail();
    let form = [("area", "districts"), ("district", "cetate"), ("topic", "utilitati"), ("frequency", "imediat")];
    subscribe(&api, sink, "vecin@example.ro", &form).await;
    // Someone in a radius far from Cetate gets nothing.
    let far = [
        ("area", "point"),
        ("lat", "45.80"),
        ("lon", "21.30"),
        ("radius", "300"),
        ("topic", "utilitati"),
        ("frequency", "imediat"),
    ];
    subscribe(&api, sink, "departe@example.ro", &far).await;

    // The first dispatch only records what is published.
    assert_eq!(dispatch(&api, "2026-11-26T08:00:00Z").await.events, 0);
    publish(api.site(), "avarie-test-1", "in_desfasurare", json!([21.226, 45.756]));
    let before = outbox(&api);
    let report = dispatch(&api, "2026-11-26T08:05:00Z").await;
    assert_eq!((report.events, report.immediate), (1, 1), "{report:?}");
    let mail = sink.find("vecin@example.ro", "Nou: Înlocuirea conductei de apă");
    assert!(mail.body.contains("/lucrari/avarie-test-1/"), "{}", mail.body);
    assert_eq!(mail.header("List-Unsubscribe-Post"), Some("List-Unsubscribe=One-Click"));
    let unsubscribe = mail.header("List-Unsubscribe").expect("a List-Unsubscribe header");
    let url = unsubscribe.trim_start_matches('<').trim_end_matches('>').to_owned();
    assert!(url.starts_with(&api.url("/api/alerte/dezabonare?token=")), "{url}");

    // Dispatch again: nothing new, nothing sent twice.
    let again = dispatch(&api, "2026-11-26T08:10:00Z").await;
    assert_eq!((again.events, again.immediate), (0, 0));
    assert_eq!(outbox(&api), before + 1, "one mail, to the neighbour only");

    // Its dates change: a "changed" alert with the new period.
    edit(api.site(), "avarie-test-1", |w| w["period"]["end"] = json!("2026-12-09T19:00:00+02:00"));
    assert_eq!(dispatch(&api, "2026-11-26T08:30:00Z").await.immediate, 1);
    let changed = sink.find("vecin@example.ro", "Modificat: Înlocuirea conductei de apă");
    assert!(changed.body.contains("2026-12-01 – 2026-12-09"), "{}", changed.body);
    // A planned work starting tomorrow (Bucharest): "new", and "starts tomorrow".
    publish(api.site(), "avarie-test-5", "planificat", json!([21.228, 45.758]));
    edit(api.site(), "avarie-test-5", |w| w["period"]["start"] = json!("2026-11-27T07:00:00+02:00"));
    assert_eq!(dispatch(&api, "2026-11-26T08:40:00Z").await.immediate, 2);
    sink.find("vecin@example.ro", "Începe mâine: Înlocuirea conductei de apă pe Strada Alba Iulia (avarie-test-5)");

    // The work is cancelled: a "cancelled" alert.
    publish(api.site(), "avarie-test-1", "anulat", json!([21.226, 45.756]));
    assert_eq!(dispatch(&api, "2026-11-26T09:00:00Z").await.immediate, 1);
    sink.find("vecin@example.ro", "Anulat: Înlocuirea conductei de apă");

    // The feed of the district and of the saved area.
    let feed = browser().get(api.url("/api/alerte/cetate/feed.xml")).send().await.unwrap();
    assert_eq!(feed.status(), StatusCode::OK);
    let xml = feed.text().await.unwrap();
    assert!(xml.contains("Anulat: Înlocuirea conductei de apă") && xml.contains("<link rel=\"self\""), "{xml}");

    // A GET of the unsubscribe link only shows a button.
    let page = browser().get(&url).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Mă dezabonez"));
    // RFC 8058: the mail client POSTs `List-Unsubscribe=One-Click`, without Origin or cookies.
    let r = reqwest::Client::new()
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let left: i64 = api
        .db()
        .query_row("SELECT count(*) FROM alert_subscription WHERE email = 'vecin@example.ro'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0, "the address and area are deleted");
    publish(api.site(), "avarie-test-2", "planificat", json!([21.227, 45.757]));
    assert_eq!(dispatch(&api, "2026-11-26T10:00:00Z").await.immediate, 0, "no mail after unsubscribing");
    let r = reqwest::Client::new().post(&url).body("List-Unsubscribe=One-Click").send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn digests_cover_closed_windows_and_are_never_empty() {
    let api = TestApi::builder().with_mail().with_site_copy(|_| {}).start().await;
    let sink = api.mail();
    // A polygon drawn on the map around the middle of Cetate.
    let polygon = "[[21.22, 45.75], [21.23, 45.75], [21.23, 45.76], [21.22, 45.76]]";
    let form =
        [("area", "polygon"), ("polygon", polygon), ("topic", "lucrari"), ("topic", "trafic"), ("frequency", "zilnic")];
    subscribe(&api, sink, "zilnic@example.ro", &form).await;
    dispatch(&api, "2026-11-25T07:00:00Z").await;
    publish(api.site(), "avarie-test-3", "planificat", json!([21.225, 45.755]));
    publish(api.site(), "avarie-test-4", "planificat", json!([21.226, 45.756]));
    let during = dispatch(&api, "2026-11-25T12:00:00Z").await;
    assert_eq!((during.events, during.immediate, during.digests), (2, 0, 0), "the day is not over");
    let before = outbox(&api);
    // The next morning (Bucharest), yesterday's window is closed: one digest, both works.
    assert_eq!(dispatch(&api, "2026-11-26T06:00:00Z").await.digests, 1);
    let digest = sink.find("zilnic@example.ro", "Rezumatul zilnic al alertelor: 2026-11-25");
    let (a, b) = (digest.body.find("avarie-test-3").unwrap(), digest.body.find("avarie-test-4").unwrap());
    assert!(a != b && digest.body.contains("Nou"), "{}", digest.body);
    assert!(digest.header("List-Unsubscribe").is_some());
    // Twice the same window: nothing more; a day with nothing new: no mail at all.
    assert_eq!(dispatch(&api, "2026-11-26T07:00:00Z").await.digests, 0);
    assert_eq!(dispatch(&api, "2026-11-27T06:00:00Z").await.digests, 0);
    assert_eq!(outbox(&api), before + 1);

    // From an account with that very (verified) address: confirmed at once, no mail to confirm.
    let account = verified_user(&api, sink, "cont@example.ro").await;
    let r = account
        .post(api.url("/api/alerte"))
        .form(&[
            ("email", "cont@example.ro"),
            ("district", "fabric"),
            ("topic", "licitatii"),
            ("frequency", "saptamanal"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(r.headers()["location"].to_str().unwrap().starts_with("/api/alerte/gestionare?token="));
    let confirmed: bool = api
        .db()
        .query_row("SELECT confirmed_at IS NOT NULL FROM alert_subscription WHERE email = 'cont@example.ro'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(confirmed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_clear_answers() {
    let api = TestApi::start().await;
    let client = browser();
    let post = |fields: Vec<(&'static str, &'static str)>| {
        let client = client.clone();
        let url = api.url("/api/alerte");
        async move { client.post(url).header("accept", "application/json").form(&fields).send().await.unwrap() }
    };
    let r =
        post(vec![("email", "nu-e-adresa"), ("district", "cetate"), ("topic", "lucrari"), ("frequency", "imediat")])
            .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "email", "{body}");
    let r = post(vec![
        ("email", "a@example.ro"),
        ("district", "atlantida"),
        ("topic", "lucrari"),
        ("frequency", "imediat"),
    ])
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("atlantida"));
    let r = post(vec![
        ("email", "a@example.ro"),
        ("area", "point"),
        ("lat", "45.75"),
        ("lon", "21.22"),
        ("radius", "5"),
        ("topic", "lucrari"),
        ("frequency", "imediat"),
    ])
    .await;
    assert!(r.text().await.unwrap().contains("rază"));
    let r = post(vec![
        ("email", "a@example.ro"),
        ("area", "polygon"),
        ("polygon", "[[1,2]]"),
        ("topic", "lucrari"),
        ("frequency", "imediat"),
    ])
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let r = post(vec![("email", "a@example.ro"), ("district", "cetate"), ("frequency", "lunar")]).await;
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["fields"].as_array().unwrap().len(), 2, "no topic and a bad frequency: {body}");
    // Links that are incomplete or no longer valid.
    let r = client.get(api.url("/api/alerte/confirmare")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("Linkul nu este complet"));
    let r = client.post(api.url("/api/alerte/confirmare")).form(&[("token", "inventat")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = client.get(api.url("/api/alerte/gestionare?token=inventat")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = client.get(api.url("/api/alerte/nimic/feed.xml")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    // The form itself works without JavaScript: every district is a checkbox.
    let page = client.get(api.url("/api/alerte")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("name=\"district\" value=\"cetate\"") && page.contains("Rezumat săptămânal"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_place_page_link_opens_the_alert_form_with_its_districts_ticked() {
    let api = TestApi::start().await;
    // As a street in two districts links it; an id that is no district is ignored.
    let r = browser()
        .get(api.url("/api/alerte?district=aradului&district=cetate&district=nu-exista"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    let ticked = |id: &str| page.contains(&format!(r#"id="district-{id}" name="district" value="{id}" checked>"#));
    assert!(ticked("aradului") && ticked("cetate"), "the query's districts are ticked");
    assert!(!ticked("fabric"), "no other district is ticked");
    assert!(!page.contains("nu-exista"), "an unknown id is not echoed");
    // Without a query nothing is ticked.
    let page = browser().get(api.url("/api/alerte")).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains(r#"name="district" value="aradului" checked"#));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decision_suspended_or_a_tender_awarded_is_one_mail_saying_before_and_after() {
    let api = TestApi::builder().with_mail().with_site_copy(|_| {}).start().await;
    let sink = api.mail();
    let form = [
        ("area", "districts"),
        ("district", "cetate"),
        ("topic", "hotarari"),
        ("topic", "licitatii"),
        ("frequency", "imediat"),
    ];
    subscribe(&api, sink, "cetatean@example.ro", &form).await;
    assert_eq!(dispatch(&api, "2026-11-26T08:00:00Z").await.events, 0, "the first dispatch records a baseline");
    let first = |kind: &str, status: &str| -> (String, String, String) {
        let data: Value =
            serde_json::from_str(&std::fs::read_to_string(api.site().join(format!("data/{kind}.json"))).unwrap())
                .unwrap();
        let item = data["items"].as_array().unwrap().iter().find(|i| i["status"] == status).expect("an item").clone();
        (
            item["id"].as_str().unwrap().into(),
            item["title"].as_str().unwrap().into(),
            item["url"].as_str().unwrap().into(),
        )
    };
    let (decision, title, url) = first("council_decision", "in_vigoare");
    edit_listed(api.site(), "council_decision", &decision, |d| d["status"] = json!("suspendata"));
    let before = outbox(&api);
    let report = dispatch(&api, "2026-11-26T08:05:00Z").await;
    assert_eq!((report.events, report.immediate), (1, 1), "{report:?}");
    let mail = sink.find("cetatean@example.ro", &format!("Modificat: {title}"));
    assert!(mail.body.contains("În vigoare → Suspendată de drept"), "{}", mail.body);
    assert!(mail.body.contains(&url), "the link opens the decision: {}", mail.body);
    assert_eq!(mail.header("List-Unsubscribe-Post"), Some("List-Unsubscribe=One-Click"));
    // Again: nothing new.
    assert_eq!(dispatch(&api, "2026-11-26T08:10:00Z").await.immediate, 0);
    assert_eq!(outbox(&api), before + 1, "exactly one mail");

    let (tender, title, _) = first("tender", "active");
    edit_listed(api.site(), "tender", &tender, |t| t["status"] = json!("complete"));
    assert_eq!(dispatch(&api, "2026-11-26T08:20:00Z").await.immediate, 1);
    let mail = sink.find("cetatean@example.ro", &format!("Modificat: {title}"));
    assert!(mail.body.contains("În desfășurare → Finalizată"), "{}", mail.body);
}
