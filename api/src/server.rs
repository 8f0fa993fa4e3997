//! The HTTP server under `civic api` and `civic serve`: hyper's HTTP/1 connections, each with a
//! deadline for its request line and headers. `axum::serve` sets none (hyper's own default needs
//! a timer it is not given), so a client that opened a connection and never finished its headers
//! held it for as long as it liked; 500 such clients were all still held after 125 s.

use std::future::Future;
use std::time::Duration;

use axum::Router;
use axum::extract::ConnectInfo;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tower::Layer;

/// The default deadline for a request's line and headers, counted from the moment the
/// connection is opened or its previous answer was sent (so an idle keep-alive connection is
/// closed after it too). A browser sends its headers in one packet.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves `router` on `listener` until `shutdown` resolves, then stops accepting and waits for
/// the open requests to be answered. Handlers see the peer as `ConnectInfo<SocketAddr>`.
///
/// A connection that has not sent a complete request head within `header_read_timeout` is
/// closed without an answer: hyper gives up on it as it does on a client that went away (it
/// answers itself only malformed heads, with 400, 414 or 431).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    header_read_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    // hyper's HTTP/1 connection itself (the API speaks nothing else): hyper-util's automatic
    // builder, which axum::serve uses, first waits for 24 bytes that could be an HTTP/2 preface,
    // with no deadline, so a client that sends nothing would never time out.
    let mut builder = http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(header_read_timeout);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    accept_error(e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = TowerToHyperService::new(axum::Extension(ConnectInfo(peer)).layer(router.clone()));
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // A timed-out head, a reset or a client gone away: nothing to answer to.
            let _ = connection.await;
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// A failed accept: a connection that went away before it was accepted is skipped; anything else
/// (out of file descriptors) is logged and retried after a second, as `axum::serve` does.
async fn accept_error(e: std::io::Error) {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(e.kind(), ConnectionRefused | ConnectionAborted | ConnectionReset) {
        return;
    }
    eprintln!("civic: accepting a connection failed: {e}; retrying in a second");
    tokio::time::sleep(Duration::from_secs(1)).await;
}
