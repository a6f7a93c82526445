//! A receiver for async-invocation callbacks (Altair, OpenFaaS): a small HTTP server that
//! answers only its own unguessable paths (compared in constant time), bounds the body, the
//! connections at once ([`MAX_CONNECTIONS`]) and how long each may sit idle or last
//! ([`IDLE_TIMEOUT`], [`CONNECTION_LIMIT`]), so slow or half-sent requests cannot starve the
//! real callback, and hands each callback over.

use std::collections::HashSet;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

use tokio::sync::mpsc;

use crate::error::{Error, Result};

/// Callback bodies above this are refused (413).
pub const MAX_BODY: usize = 16 << 20;

/// Connections served at once; more wait to be accepted.
pub const MAX_CONNECTIONS: usize = 32;

/// A connection that sends nothing (and takes nothing) for this long is closed.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest a connection may last, however slowly it trickles.
pub const CONNECTION_LIMIT: Duration = Duration::from_secs(60);

/// One callback as it arrived.
#[derive(Debug, Clone)]
pub struct Callback {
    pub path: String,
    /// `X-Function-Status`: the function's HTTP status.
    pub status: Option<u16>,
    pub call_id: Option<String>,
    pub duration_secs: Option<f64>,
    pub function: Option<String>,
    pub body: Vec<u8>,
}

struct Shared {
    paths: Mutex<HashSet<String>>,
    tx: mpsc::UnboundedSender<Callback>,
}

pub struct Receiver {
    addr: SocketAddr,
    shared: Arc<Shared>,
    rx: mpsc::UnboundedReceiver<Callback>,
    server: tokio::task::JoinHandle<()>,
}

/// A fresh unguessable path: `/callback/<32 hex>`.
fn secret_path() -> String {
    format!("/callback/{}", crate::credentials::random_hex())
}

/// Whether `a` and `b` are equal, in a time that does not depend on where they differ (a
/// guess of the secret path learns nothing from how fast it is refused).
fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// The listener: at most [`MAX_CONNECTIONS`] connections at once, each a [`Guarded`].
struct Bounded {
    listener: tokio::net::TcpListener,
    slots: Arc<tokio::sync::Semaphore>,
}

impl axum::serve::Listener for Bounded {
    type Io = Guarded;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Guarded, SocketAddr) {
        loop {
            let Ok(permit) = self.slots.clone().acquire_owned().await else {
                std::future::pending::<()>().await;
                continue;
            };
            match self.listener.accept().await {
                Ok((io, addr)) => {
                    let now = Instant::now();
                    return (
                        Guarded {
                            io,
                            idle: Box::pin(tokio::time::sleep_until(now + IDLE_TIMEOUT)),
                            whole: Box::pin(tokio::time::sleep_until(now + CONNECTION_LIMIT)),
                            _permit: permit,
                        },
                        addr,
                    );
                }
                // too many open files and the like: let the moment pass
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }
}

/// A connection that fails once it has been idle for [`IDLE_TIMEOUT`] or open for
/// [`CONNECTION_LIMIT`], and frees its slot when dropped.
struct Guarded {
    io: tokio::net::TcpStream,
    idle: Pin<Box<Sleep>>,
    whole: Pin<Box<Sleep>>,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl Guarded {
    /// After progress: the idle clock starts again.
    fn progressed(&mut self) {
        self.idle.as_mut().reset(Instant::now() + IDLE_TIMEOUT);
    }

    /// While waiting: whether a limit has run out.
    fn expired(&mut self, cx: &mut Context<'_>) -> bool {
        self.idle.as_mut().poll(cx).is_ready() || self.whole.as_mut().poll(cx).is_ready()
    }
}

fn timed_out() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::TimedOut,
        "callback connection timed out",
    )
}

impl AsyncRead for Guarded {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match Pin::new(&mut self.io).poll_read(cx, buf) {
            Poll::Ready(r) => {
                self.progressed();
                Poll::Ready(r)
            }
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(timed_out())),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncWrite for Guarded {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match Pin::new(&mut self.io).poll_write(cx, buf) {
            Poll::Ready(r) => {
                self.progressed();
                Poll::Ready(r)
            }
            Poll::Pending if self.expired(cx) => Poll::Ready(Err(timed_out())),
            Poll::Pending => Poll::Pending,
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

async fn receive(
    axum::extract::State(shared): axum::extract::State<Arc<Shared>>,
    req: axum::extract::Request,
) -> (axum::http::StatusCode, &'static str) {
    use axum::http::StatusCode;
    let (parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let known = shared
        .paths
        .lock()
        .unwrap()
        .iter()
        .fold(false, |hit, p| hit | same(p.as_bytes(), path.as_bytes()));
    if parts.method != axum::http::Method::POST || !known {
        return (StatusCode::NOT_FOUND, "not found\n");
    }
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "callback body too large\n");
    };
    let header = |n: &str| {
        parts
            .headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim().to_string())
    };
    let _ = shared.tx.send(Callback {
        path,
        status: header("x-function-status").and_then(|s| s.parse().ok()),
        call_id: header("x-call-id"),
        duration_secs: header("x-duration-seconds").and_then(|s| s.parse().ok()),
        function: header("x-function-name"),
        body: body.to_vec(),
    });
    (StatusCode::OK, "ok\n")
}

impl Receiver {
    /// Listen on `addr` (port 0 picks one).
    pub async fn bind(addr: &str) -> Result<Receiver> {
        let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
            Error::Usage(format!(
                "cannot listen for callbacks on {addr}: {e}: pick another address (port 0 picks a free one)"
            ))
        })?;
        let local = listener
            .local_addr()
            .map_err(|e| Error::Internal(e.to_string()))?;
        let (tx, rx) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            paths: Mutex::default(),
            tx,
        });
        let app = axum::Router::new()
            .fallback(receive)
            .with_state(shared.clone());
        let bounded = Bounded {
            listener,
            slots: Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS)),
        };
        let server = tokio::spawn(async move {
            let _ = axum::serve(bounded, app).await;
        });
        Ok(Receiver {
            addr: local,
            shared,
            rx,
            server,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Register a new unguessable path and return the callback URL for it, on `public`
    /// (e.g. `https://tunnel.example`) or else on the listening address.
    pub fn new_url(&self, public: Option<&str>) -> String {
        let path = secret_path();
        self.shared.paths.lock().unwrap().insert(path.clone());
        let base = public
            .map(|p| p.trim_end_matches('/').to_string())
            .unwrap_or_else(|| format!("http://{}", self.addr));
        format!("{base}{path}")
    }

    /// The next callback on any registered path.
    pub async fn next(&mut self) -> Option<Callback> {
        self.rx.recv().await
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    async fn post(url: &str, body: Vec<u8>) -> u16 {
        reqwest::Client::new()
            .post(url)
            .header("X-Function-Status", "201")
            .header("X-Call-Id", "c-1")
            .body(body)
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0)
    }

    #[tokio::test(flavor = "current_thread")]
    async fn answers_only_its_secret_paths_and_bounds_bodies() {
        let mut r = Receiver::bind("127.0.0.1:0").await.unwrap();
        assert!(r.local_addr().ip().is_loopback());
        let url = r.new_url(None);
        let base = format!("http://{}", r.local_addr());
        assert!(url.starts_with(&format!("{base}/callback/")) && url.len() > base.len() + 40);
        assert_ne!(url, r.new_url(None), "each invocation gets its own path");
        // guessing, another method, or a huge body gets nothing through
        assert_eq!(
            post(&format!("{base}/callback/0000"), b"x".to_vec()).await,
            404
        );
        assert_eq!(post(&format!("{base}/"), b"x".to_vec()).await, 404);
        let get = reqwest::get(&url).await.unwrap().status().as_u16();
        assert_eq!(get, 404);
        assert_eq!(post(&url, vec![b'x'; MAX_BODY + 1]).await, 413);
        // a slow client that never finishes its request does not block a real callback
        let mut slow = tokio::net::TcpStream::connect(r.local_addr())
            .await
            .unwrap();
        slow.write_all(b"POST /callback/x HTTP/1.1\r\nHost: a\r\nContent-Length: 100\r\n\r\nab")
            .await
            .unwrap();
        assert_eq!(post(&url, b"result".to_vec()).await, 200);
        let cb = r.next().await.unwrap();
        assert_eq!(cb.body, b"result");
        assert_eq!(cb.status, Some(201));
        assert_eq!(cb.call_id.as_deref(), Some("c-1"));
        // a malformed request is refused without disturbing the receiver
        let mut bad = tokio::net::TcpStream::connect(r.local_addr())
            .await
            .unwrap();
        bad.write_all(b"NONSENSE\r\n\r\n").await.unwrap();
        let mut answer = Vec::new();
        let _ = bad.read_to_end(&mut answer).await;
        assert!(answer.is_empty() || answer.starts_with(b"HTTP/1.1 4"));
        assert_eq!(post(&url, b"again".to_vec()).await, 200);
        assert_eq!(r.next().await.unwrap().body, b"again");
    }

    #[test]
    fn secret_paths_compare_whole() {
        assert!(same(b"/callback/abc", b"/callback/abc"));
        assert!(!same(b"/callback/abc", b"/callback/abd"));
        assert!(!same(b"/callback/abc", b"/callback/ab"));
    }

    /// Half-sent requests hold a slot only until they go idle: the real callback gets
    /// through once they are closed, and they are closed (issue 18: a few slow clients
    /// starved the callback forever).
    #[tokio::test(flavor = "current_thread")]
    async fn idle_connections_are_closed_and_slots_freed() {
        let mut r = Receiver::bind("127.0.0.1:0").await.unwrap();
        let url = r.new_url(None);
        let mut slow = Vec::new();
        for _ in 0..MAX_CONNECTIONS {
            let mut s = tokio::net::TcpStream::connect(r.local_addr())
                .await
                .unwrap();
            s.write_all(b"POST /callback/x HTTP/1.1\r\nHost: a\r\n")
                .await
                .unwrap();
            slow.push(s);
        }
        // every slot is taken; the callback is served when the idle ones are cut off
        assert_eq!(post(&url, b"result".to_vec()).await, 200);
        assert_eq!(r.next().await.unwrap().body, b"result");
        for mut s in slow {
            let mut rest = Vec::new();
            // closed by the receiver (an error or the end), not left hanging
            let _ = s.read_to_end(&mut rest).await;
        }
    }
}
