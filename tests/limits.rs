//! The API's limits against abuse, over real connections: slow clients that never finish their
//! headers.

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
