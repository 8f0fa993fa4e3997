//! The API's limits against abuse, over real connections: slow clients that never finish their
//! headers, and password guessing from many addresses.

use std::time::{Duration, Instant};

use civic_tests::api::TestApi;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads until the server closes the connection (or resets it); the bytes it sent first and
/// when it closed, or `None` if it was still open after `wait`.
async fn until_closed(stream: &mut (impl AsyncRead + Unpin), wait: Duration) -> Option<(Vec<u8>, Instant)> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some((got, Instant::now())),
            Ok(Ok(n)) => got.extend_from_slice(&buf[..n]),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_that_never_finish_their_headers_are_closed_after_the_header_timeout() {
    let timeout = Duration::from_secs(1);
    let api = TestApi::start(|c| c.header_read_timeout = timeout).await;
    let addr = api.base.trim_start_matches("http://").to_owned();
    // Four kinds of slow client, 25 of each: silent after connecting, half a request line, the
    // line and half the headers, and one that trickles a header byte every 100 ms (the deadline
    // is for the whole head, not reset by each byte).
    let partial: [&[u8]; 3] = [b"", b"POST /api/auth/lo", b"GET /api/forms HTTP/1.1\r\nHost: civic\r\nAccept: appl"];
    let opened = Instant::now();
    let mut clients = Vec::new();
    for i in 0..100 {
        let mut stream = TcpStream::connect(&addr).await.unwrap();
        let kind = i % 4;
        clients.push(tokio::spawn(async move {
            if kind < 3 {
                stream.write_all(partial[kind]).await.unwrap();
                until_closed(&mut stream, timeout + Duration::from_secs(4)).await
            } else {
                stream.write_all(b"GET /api/forms HTTP/1.1\r\nX-Slow: ").await.unwrap();
                let (mut read, mut write) = stream.into_split();
                let trickle = tokio::spawn(async move {
                    while write.write_all(b"a").await.is_ok() {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                });
                let closed = until_closed(&mut read, timeout + Duration::from_secs(4)).await;
                trickle.abort();
                closed
            }
        }));
    }
    let mut still_open = 0;
    let mut latest = Duration::ZERO;
    for (i, c) in clients.into_iter().enumerate() {
        match c.await.unwrap() {
            None => still_open += 1,
            Some((answer, at)) => {
                // hyper gives up on a head that timed out without answering (there is nothing
                // to answer to): the connection is closed, no bytes sent.
                assert!(answer.is_empty(), "client {i} got {:?}", String::from_utf8_lossy(&answer));
                latest = latest.max(at - opened);
            }
        }
    }
    assert_eq!(
        still_open,
        0,
        "{still_open} of 100 slow connections still open {:?} after the timeout",
        Duration::from_secs(4)
    );
    assert!(latest >= timeout - Duration::from_millis(100), "closed only after the timeout, not before: {latest:?}");
    assert!(latest < timeout + Duration::from_secs(2), "all closed soon after the timeout: {latest:?}");

    // A client that sends its request in time is answered as always.
    let r = reqwest::get(api.url("/api/forms")).await.unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_whose_body_stalls_gets_a_408_page_with_the_security_headers() {
    let api = TestApi::start(|c| c.request_timeout = Duration::from_secs(1)).await;
    let mut stream = TcpStream::connect(api.base.trim_start_matches("http://")).await.unwrap();
    // The head in time, then 7 of the 100 bytes announced.
    stream
        .write_all(
            b"POST /api/auth/login HTTP/1.1\r\nHost: civic\r\nConnection: close\r\n\
              Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=a",
        )
        .await
        .unwrap();
    let started = Instant::now();
    let (answer, _) = until_closed(&mut stream, Duration::from_secs(10)).await.expect("an answer, then the close");
    let answer = String::from_utf8_lossy(&answer).into_owned();
    assert!(started.elapsed() >= Duration::from_millis(900), "the timeout, not an earlier refusal: {answer}");
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or_else(|| panic!("a response: {answer:?}"));
    let head = head.to_lowercase();
    assert!(head.starts_with("http/1.1 408"), "{head}");
    for header in [
        "content-security-policy:",
        "x-frame-options: deny",
        "x-content-type-options: nosniff",
        "referrer-policy: no-referrer",
    ] {
        assert!(head.contains(header), "the 408 carries {header}: {head}");
    }
    assert!(body.contains("Cererea a durat prea mult"), "a page that says what happened: {body}");
}

/// A client whose connections come from `ip` (any 127.x.y.z is this machine on Linux).
fn client_from(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(ip.parse::<std::net::IpAddr>().unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn login(client: &reqwest::Client, api: &TestApi, email: &str, password: &str) -> reqwest::Response {
    client
        .post(api.url("/api/auth/login"))
        .header("accept", "application/json")
        .json(&serde_json::json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap()
}

fn retry_after(r: &reqwest::Response) -> u64 {
    r.headers().get("retry-after").expect("a Retry-After").to_str().unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_wrong_passwords_from_sixty_addresses_lock_the_account_and_the_right_one_waits() {
    // The per-address limit is on, as in production: one guess per address never meets it.
    let api = TestApi::start(|c| c.post_limit = Some(civic_api::RateLimit { burst: 30, per_minute: 60 })).await;
    let hash = civic_api::users::hash_password("parola personalului 1").unwrap();
    civic_api::users::add(&api.api.app().db, "ana.staff@primariatm.ro", "Ana", "staff", Some(hash)).await.unwrap();

    // Sixty guesses, each from its own address: four are told the password is wrong, the fifth
    // locks the account, and the others are not even checked.
    let mut statuses = Vec::new();
    for i in 1..=60 {
        let r = login(&client_from(&format!("127.0.1.{i}")), &api, "ana.staff@primariatm.ro", &format!("ghicire {i}"))
            .await;
        statuses.push(r.status().as_u16());
    }
    assert_eq!(statuses[..4], [401; 4], "{statuses:?}");
    assert_eq!(statuses[4..], [429; 56], "{statuses:?}");

    // The right password, from yet another address, waits for the lock too.
    let r = login(&client_from("127.0.2.1"), &api, "ana.staff@primariatm.ro", "parola personalului 1").await;
    assert_eq!(r.status(), reqwest::StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().get("set-cookie").is_none(), "no session");
    let wait = retry_after(&r);
    assert!((1..=60).contains(&wait), "{wait}");
    let body: serde_json::Value = r.json().await.unwrap();
    let message = body["error"].as_str().unwrap();
    assert!(
        message.contains("Prea multe parole greșite") && message.contains("link de autentificare pe e-mail"),
        "{message}"
    );
    let sessions: i64 = api.db().query_row("SELECT count(*) FROM session", [], |r| r.get(0)).unwrap();
    assert_eq!(sessions, 0);

    // A browser gets the same as a page, with the wait in words.
    let r = client_from("127.0.2.2")
        .post(api.url("/api/auth/login"))
        .form(&[("email", "ana.staff@primariatm.ro"), ("password", "parola personalului 1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), reqwest::StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&r) >= 1);
    let page = r.text().await.unwrap();
    assert!(page.contains("autentificarea cu parolă este blocată încă"), "{page}");

    // Another account is not affected.
    let hash = civic_api::users::hash_password("alta parolă lungă").unwrap();
    civic_api::users::add(&api.api.app().db, "ion@example.ro", "", "citizen", Some(hash)).await.unwrap();
    let r = login(&client_from("127.0.1.1"), &api, "ion@example.ro", "alta parolă lungă").await;
    assert_eq!(r.status(), reqwest::StatusCode::OK);

    // Sixty guesses sent at the same moment get no further: an attempt counts as it arrives, so
    // the fifth locks the account while the first four are still being checked.
    let guesses: Vec<_> = (1..=60)
        .map(|i| {
            let client = client_from(&format!("127.0.4.{i}"));
            let url = api.url("/api/auth/login");
            tokio::spawn(async move {
                let r = client
                    .post(url)
                    .header("accept", "application/json")
                    .json(&serde_json::json!({"email": "ion@example.ro", "password": format!("ghicire {i}")}))
                    .send()
                    .await
                    .unwrap();
                r.status().as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for g in guesses {
        statuses.push(g.await.unwrap());
    }
    let told_wrong = statuses.iter().filter(|s| **s == 401).count();
    assert!(told_wrong <= 4 && statuses.iter().all(|s| [401, 429].contains(s)), "{statuses:?}");
    let r = login(&client_from("127.0.2.3"), &api, "ion@example.ro", "alta parolă lungă").await;
    assert_eq!(r.status(), reqwest::StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lock_doubles_with_each_further_failure_and_a_success_resets_it() {
    let api = TestApi::start(|c| c.login_lockout = Duration::from_secs(1)).await;
    let hash = civic_api::users::hash_password("parola corectă 123").unwrap();
    civic_api::users::add(&api.api.app().db, "elena@example.ro", "", "citizen", Some(hash)).await.unwrap();
    let client = client_from("127.0.3.1");
    let wrong = || login(&client, &api, "elena@example.ro", "greșită greșită");
    for _ in 0..4 {
        assert_eq!(wrong().await.status(), reqwest::StatusCode::UNAUTHORIZED);
    }
    let r = wrong().await;
    assert_eq!((r.status(), retry_after(&r)), (reqwest::StatusCode::TOO_MANY_REQUESTS, 1), "the fifth locks");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let r = wrong().await;
    assert_eq!((r.status(), retry_after(&r)), (reqwest::StatusCode::TOO_MANY_REQUESTS, 2), "then twice as long");
    let r = login(&client, &api, "elena@example.ro", "parola corectă 123").await;
    assert_eq!(r.status(), reqwest::StatusCode::TOO_MANY_REQUESTS, "the right password waits too");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let r = login(&client, &api, "elena@example.ro", "parola corectă 123").await;
    assert_eq!(r.status(), reqwest::StatusCode::OK, "after the lock, the right password logs in");
    // The success reset the count: four free attempts again, then the first, short lock.
    for _ in 0..4 {
        assert_eq!(wrong().await.status(), reqwest::StatusCode::UNAUTHORIZED);
    }
    let r = wrong().await;
    assert_eq!((r.status(), retry_after(&r)), (reqwest::StatusCode::TOO_MANY_REQUESTS, 1));
}
