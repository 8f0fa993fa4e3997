//! The API's limits against abuse, over real connections: slow clients that never finish their
//! headers, password guessing from many addresses, and clients behind a reverse proxy (a real
//! nginx) who must not share one rate limit.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
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
    let api = TestApi::builder().with_config(|c| c.header_read_timeout = timeout).start().await;
    // Four kinds of slow client, 25 of each: silent after connecting, half a request line, the
    // line and half the headers, and one that trickles a header byte every 100 ms (the deadline
    // is for the whole head, not reset by each byte).
    let partial: [&[u8]; 3] = [b"", b"POST /api/auth/lo", b"GET /api/forms HTTP/1.1\r\nHost: civic\r\nAccept: appl"];
    let opened = Instant::now();
    let mut clients = Vec::new();
    for i in 0..100 {
        let mut stream = TcpStream::connect(api.addr).await.unwrap();
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
    let api = TestApi::builder().with_config(|c| c.request_timeout = Duration::from_secs(1)).start().await;
    let mut stream = TcpStream::connect(api.addr).await.unwrap();
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
    let api = TestApi::builder()
        .with_config(|c| c.post_limit = Some(civic_api::RateLimit { burst: 30, per_minute: 60 }))
        .start()
        .await;
    api.add_user("ana.staff@primariatm.ro", "Ana", "staff", "parola personalului 1").await;

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
    api.add_user("ion@example.ro", "", "citizen", "alta parolă lungă").await;
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
    let api = TestApi::builder().with_config(|c| c.login_lockout = Duration::from_secs(1)).start().await;
    api.add_user("elena@example.ro", "", "citizen", "parola corectă 123").await;
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

/// A real nginx in front of the API, as documented in docs/api.md: started by the test as the
/// current user on a loopback port, its configuration, pid file, logs and temp files in a temp
/// dir, until dropped.
struct Nginx {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Nginx {
    fn start(upstream: &str) -> Nginx {
        let binary = ["/usr/sbin/nginx", "/usr/bin/nginx"]
            .into_iter()
            .map(PathBuf::from)
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()).map(|d| d.join("nginx")))
            .find(|p| p.is_file())
            .unwrap_or_else(|| {
                panic!("nginx is not installed: run tests/run.sh, which installs Debian's nginx (as root: apt-get install -y nginx)")
            });
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let d = dir.path().display();
        // One process (no master, so no workers switching to another user when run as root).
        let conf = format!(
            r#"master_process off;
pid {d}/nginx.pid;
error_log {d}/error.log info;
events {{ worker_connections 256; }}
http {{
    access_log {d}/access.log;
    client_body_temp_path {d}/body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://{upstream};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }}
    }}
}}
"#
        );
        std::fs::write(dir.path().join("nginx.conf"), conf).unwrap();
        let stderr = std::fs::File::create(dir.path().join("stderr.log")).unwrap();
        let mut child = Command::new(&binary)
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(dir.path().join("nginx.conf"))
            .arg("-e")
            .arg(dir.path().join("error.log"))
            .args(["-g", "daemon off;"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .unwrap_or_else(|e| panic!("{} does not start: {e}", binary.display()));
        let start = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            let log = || {
                ["stderr.log", "error.log"]
                    .map(|f| std::fs::read_to_string(dir.path().join(f)).unwrap_or_default())
                    .join("\n")
            };
            if let Some(status) = child.try_wait().unwrap() {
                panic!("nginx exited ({status}): {}", log());
            }
            assert!(start.elapsed() < Duration::from_secs(10), "nginx does not listen on {port}: {}", log());
            std::thread::sleep(Duration::from_millis(20));
        }
        Nginx { child, port, dir }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The requests nginx passed on (its access log), to show the requests did go through it;
    /// waits up to 5 s for `expected` (nginx writes a line once it has finished the request).
    fn requests(&self, expected: usize) -> usize {
        let start = Instant::now();
        loop {
            let n = std::fs::read_to_string(self.dir.path().join("access.log")).unwrap_or_default().lines().count();
            if n >= expected || start.elapsed() > Duration::from_secs(5) {
                return n;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `n` state-changing requests (a logout, which needs nothing) to `url`, with `headers`; their
/// statuses.
async fn posts(
    client: &reqwest::Client,
    url: &str,
    n: usize,
    headers: impl Fn(usize) -> Vec<(&'static str, String)>,
) -> Vec<u16> {
    let mut statuses = Vec::new();
    for i in 0..n {
        let mut request = client.post(url);
        for (name, value) in headers(i) {
            request = request.header(name, value);
        }
        statuses.push(request.send().await.unwrap().status().as_u16());
    }
    statuses
}

fn none(_: usize) -> Vec<(&'static str, String)> {
    vec![]
}

/// Three requests, then the fourth refused.
const LIMIT: civic_api::RateLimit = civic_api::RateLimit { burst: 3, per_minute: 1 };
const THREE_THEN_429: [u16; 4] = [303, 303, 303, 429];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_nginx_each_client_has_its_own_rate_limit_and_forged_headers_are_ignored() {
    // nginx reaches the API from 127.0.0.1: `civic api --trusted-proxy 127.0.0.1`.
    let api = TestApi::builder()
        .with_config(|c| {
            c.post_limit = Some(LIMIT);
            c.trusted_proxies = vec![civic_api::config::parse_network("127.0.0.1").unwrap()];
        })
        .start()
        .await;
    let nginx = Nginx::start(&api.addr.to_string());
    let logout = nginx.url("/api/auth/logout");
    let (ana, ion) = (client_from("127.0.0.2"), client_from("127.0.0.3"));
    assert_eq!(posts(&ana, &logout, 4, none).await, THREE_THEN_429, "Ana runs into her limit");
    assert_eq!(posts(&ion, &logout, 3, none).await, [303; 3], "Ion has his own");
    assert_eq!(nginx.requests(7), 7, "all through nginx");

    // A client that writes its own X-Forwarded-For (a new address each time): nginx appends the
    // address it really came from, and that is the one counted.
    let forger = client_from("127.0.0.4");
    let forged = |i| vec![("x-forwarded-for", format!("198.51.100.{i}")), ("forwarded", format!("for=198.51.100.{i}"))];
    assert_eq!(posts(&forger, &logout, 4, forged).await, THREE_THEN_429);

    // Straight to the API, from an address that is not a trusted proxy, the headers are ignored.
    let direct = client_from("127.0.0.5");
    assert_eq!(posts(&direct, &api.url("/api/auth/logout"), 4, forged).await, THREE_THEN_429);
    // ...and they were counted as 127.0.0.5: a request forwarded for that address by the trusted
    // proxy finds its limit used up.
    let proxied_for = |_| vec![("x-forwarded-for", "127.0.0.5".to_owned())];
    assert_eq!(posts(&client_from("127.0.0.1"), &api.url("/api/auth/logout"), 1, proxied_for).await, [429]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_an_untrusted_nginx_every_client_shares_the_proxys_limit() {
    let api = TestApi::builder().with_config(|c| c.post_limit = Some(LIMIT)).start().await;
    let nginx = Nginx::start(&api.addr.to_string());
    let logout = nginx.url("/api/auth/logout");
    assert_eq!(posts(&client_from("127.0.0.2"), &logout, 3, none).await, [303; 3]);
    assert_eq!(posts(&client_from("127.0.0.3"), &logout, 1, none).await, [429], "the proxy's limit, shared");
    assert_eq!(nginx.requests(4), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ipv6_clients_forwarded_by_a_trusted_proxy_count_by_their_64() {
    // The test itself is the proxy here (127.0.0.0/8 trusted), forwarding for IPv6 clients.
    let api = TestApi::builder()
        .with_config(|c| {
            c.post_limit = Some(civic_api::RateLimit { burst: 2, per_minute: 1 });
            c.trusted_proxies = vec![civic_api::config::parse_network("127.0.0.0/8").unwrap()];
        })
        .start()
        .await;
    let proxy = client_from("127.0.0.6");
    let logout = api.url("/api/auth/logout");
    let xff = |a: &'static str| move |_| vec![("x-forwarded-for", a.to_owned())];
    let fwd = |a: &'static str| move |_| vec![("forwarded", format!("for=\"[{a}]:4711\";proto=https"))];
    // Three addresses of one /64 (a host picks new ones at will) share its limit.
    assert_eq!(posts(&proxy, &logout, 1, xff("2001:db8:1:2::1")).await, [303]);
    assert_eq!(posts(&proxy, &logout, 1, xff("2001:db8:1:2::2")).await, [303]);
    assert_eq!(posts(&proxy, &logout, 1, fwd("2001:db8:1:2:ffff:ffff:ffff:3")).await, [429]);
    // The next /64 is another subscriber.
    assert_eq!(posts(&proxy, &logout, 2, fwd("2001:db8:1:3::abcd")).await, [303, 303]);
    assert_eq!(posts(&proxy, &logout, 1, xff("2001:db8:1:3::1")).await, [429]);
}
