//! A local emulator of the providers' invoke APIs (FunctionGraph and its IAM, Function
//! Compute, Altair, AWS Lambda, an OpenFaaS gateway), for tests, benchmarks, the quick start
//! and users' own CI. Each provider is a module that answers the requests it recognises;
//! this module holds the shared state and the thin HTTP adapter (axum).
//!
//! Request handling is a plain function of an [`HttpRequest`] (plus the state and the clock),
//! so it is testable without sockets. `GET /_emulator/stats` returns request counters.

mod aliyun;
mod altair;
mod aws;
mod cloudwatch;
mod faas;
mod faults;
mod functions;
mod huawei;
mod logs;
mod lts;
mod openfaas;
mod sls;

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use time::OffsetDateTime;

use crate::error::{Error, Result};
use crate::http::{parse_query, HttpRequest, HttpResponse};

/// Credentials the emulator accepts.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub token: String,
    pub access_key: String,
    pub secret_key: String,
    pub iam_user: String,
    pub iam_password: String,
    pub iam_domain: String,
    pub client_id: String,
    pub client_secret: String,
    pub token_ttl: i64,
    pub basic_user: String,
    pub basic_password: String,
}

/// What the emulator runs with: where it listens and the credentials it accepts.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The address to listen on (port 0 picks a free one).
    pub bind: String,
    pub credentials: Credentials,
    /// How long a log line takes to show in the log APIs after it was written.
    pub log_delay: Duration,
}

/// An accepted async invocation and how often its status was asked.
#[derive(Debug, Clone)]
struct Job {
    function: String,
    polls: u32,
    stopped: bool,
    payload: Vec<u8>,
}

/// Everything the emulator remembers between requests.
pub struct State {
    creds: Credentials,
    counters: Mutex<BTreeMap<String, u64>>,
    jobs: Mutex<HashMap<String, Job>>,
    /// Tokens it issued (IAM, OAuth2) and when they expire (unix seconds).
    issued_tokens: Mutex<HashMap<String, i64>>,
    seq: AtomicU64,
    /// Every invocation's complete log, for the log APIs.
    logs: Mutex<logs::Store>,
    /// The log APIs' ingestion delay, in milliseconds.
    log_delay_ms: i64,
}

/// An answer, possibly after a delay (slow functions), possibly followed by a callback
/// request the emulator sends once the delay has passed (async invocations).
pub struct Reply {
    pub response: HttpResponse,
    pub delay: Option<Duration>,
    pub callback: Option<Box<HttpRequest>>,
}

impl Reply {
    /// `response`, sent once `delay` (the function's run time) has passed.
    pub fn delayed(response: HttpResponse, delay: Option<Duration>) -> Reply {
        Reply {
            response,
            delay,
            callback: None,
        }
    }
}

impl From<HttpResponse> for Reply {
    fn from(response: HttpResponse) -> Self {
        Reply::delayed(response, None)
    }
}

/// The value of the query parameter `key`, the first if it is given twice.
fn query<'r>(req: &'r HttpRequest, key: &str) -> Option<&'r str> {
    req.query
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

impl State {
    pub fn new(creds: Credentials) -> State {
        State {
            creds,
            counters: Mutex::default(),
            jobs: Mutex::default(),
            issued_tokens: Mutex::default(),
            seq: AtomicU64::new(1),
            logs: Mutex::default(),
            log_delay_ms: 0,
        }
    }

    /// With log lines showing in the log APIs `delay` after they were written.
    pub fn with_log_delay(self, delay: Duration) -> State {
        State {
            log_delay_ms: delay.as_millis().min(i64::MAX as u128) as i64,
            ..self
        }
    }

    /// Keep an invocation's complete log (written now), for the log APIs; its stream is the
    /// function's pod (`NAME-7d9f8b6c5-x2x4q`) unless given.
    fn keep_log(&self, provider: &'static str, function: &str, request_id: &str, log: &str) {
        let stream = format!("{function}-7d9f8b6c5-x2x4q");
        self.keep_log_in(provider, function, request_id, &stream, log);
    }

    fn keep_log_in(
        &self,
        provider: &'static str,
        function: &str,
        request_id: &str,
        stream: &str,
        log: &str,
    ) {
        self.logs.lock().unwrap().keep(
            provider,
            function,
            request_id,
            stream,
            log,
            OffsetDateTime::now_utc(),
        );
    }

    /// Whether `provider`'s `function` has logged (its log group exists).
    fn has_logged(&self, provider: &str, function: &str) -> bool {
        self.logs.lock().unwrap().has(provider, function)
    }

    /// What a log API's query selects: see [`logs::Store::read`].
    fn read_logs(
        &self,
        provider: &str,
        function: &str,
        sel: &logs::Select,
        now: OffsetDateTime,
        skip: usize,
        max: usize,
    ) -> (Vec<logs::Line>, bool) {
        self.logs
            .lock()
            .unwrap()
            .read(provider, function, sel, now, self.log_delay_ms, skip, max)
    }

    fn count(&self, key: &str) {
        *self
            .counters
            .lock()
            .unwrap()
            .entry(key.to_string())
            .or_default() += 1;
    }

    fn counter(&self, key: &str) -> u64 {
        self.counters.lock().unwrap().get(key).copied().unwrap_or(0)
    }

    /// Count a call under `key`; whether it is the 1st, 3rd, 5th... (a function throttled on
    /// every other call refuses those).
    fn every_other(&self, key: &str) -> bool {
        self.count(key);
        self.counter(key) % 2 == 1
    }

    /// Remember a token it issued.
    fn issue(&self, token: &str, expires_at: i64) {
        self.issued_tokens
            .lock()
            .unwrap()
            .insert(token.to_string(), expires_at);
    }

    /// Whether `token` is one it issued that has not expired at `now`.
    fn token_valid(&self, token: &str, now: OffsetDateTime) -> bool {
        self.issued_tokens
            .lock()
            .unwrap()
            .get(token)
            .is_some_and(|exp| *exp > now.unix_timestamp())
    }

    /// A fresh, unique, UUID-shaped id.
    fn new_id(&self) -> String {
        let n = self.seq.fetch_add(1, Ordering::Relaxed);
        let t = OffsetDateTime::now_utc().unix_timestamp_nanos() as u64;
        format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            n as u32,
            (t >> 48) as u16,
            (t >> 36) as u16 & 0xfff,
            (t >> 24) as u16 & 0xfff,
            t & 0xffff_ffff_ffff
        )
    }

    /// Answer one request, with the fault it asks for (`X-Emulator-Fault`), if any; the
    /// second value is a fault the HTTP adapter must carry out.
    pub fn respond(
        &self,
        req: &HttpRequest,
        now: OffsetDateTime,
    ) -> (Reply, Option<faults::Transport>) {
        let Some(fault) = faults::requested(self, req) else {
            return (self.handle(req, now), None);
        };
        if let Some(reply) = faults::before(self, &fault) {
            self.count("requests");
            return (reply, None);
        }
        let mut reply = self.handle(req, now);
        let transport = faults::after(&fault, &mut reply);
        (reply, transport)
    }

    /// Answer one request.
    pub fn handle(&self, req: &HttpRequest, now: OffsetDateTime) -> Reply {
        if req.method == "GET" && req.path == "/_emulator/stats" {
            let counters = self.counters.lock().unwrap().clone();
            return json_response(200, &serde_json::json!({ "counters": counters })).into();
        }
        self.count("requests");
        if let Some(reply) = huawei::handle(self, req, now)
            .or_else(|| aliyun::handle(self, req, now))
            .or_else(|| altair::handle(self, req, now))
            .or_else(|| aws::handle(self, req, now))
            .or_else(|| cloudwatch::handle(self, req, now))
            .or_else(|| sls::handle(self, req, now))
            .or_else(|| openfaas::handle(self, req, now))
        {
            return reply;
        }
        json_response(
            404,
            &serde_json::json!({"error": format!("the emulator has no route for {} {}", req.method, req.path)}),
        )
        .into()
    }
}

pub(crate) fn json_response(status: u16, body: &serde_json::Value) -> HttpResponse {
    HttpResponse {
        status,
        headers: vec![("Content-Type".into(), "application/json".into())],
        body: body.to_string().into_bytes(),
    }
}

/// The HTTP adapter: one axum request in, the emulator's answer out (after the function's
/// run time, or at once with its callback sent later), with the transport faults carried out.
async fn serve_one(
    axum::extract::State(state): axum::extract::State<Arc<State>>,
    req: axum::extract::Request,
) -> axum::response::Response {
    let (parts, body) = req.into_parts();
    let body = match axum::body::to_bytes(body, 64 << 20).await {
        Ok(b) => b.to_vec(),
        Err(_) => {
            return axum::response::Response::builder()
                .status(413)
                .body(axum::body::Body::from("request body too large or broken"))
                .unwrap_or_default()
        }
    };
    let request = to_request(&parts, body);
    let (reply, fault) = state.respond(&request, OffsetDateTime::now_utc());
    if let Some(cb) = reply.callback {
        tokio::spawn(send_callback(
            state.clone(),
            *cb,
            reply.delay.unwrap_or_default(),
        ));
    } else if let Some(d) = reply.delay {
        tokio::time::sleep(d).await;
    }
    if fault == Some(faults::Transport::Reset) {
        // unwinding out of the handler drops the connection with no answer
        std::panic::resume_unwind(Box::new(RESET));
    }
    to_response(reply.response, fault)
}

/// The request as the providers' handlers see it.
fn to_request(parts: &axum::http::request::Parts, body: Vec<u8>) -> HttpRequest {
    let host = parts
        .headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost")
        .to_string();
    HttpRequest {
        method: parts.method.as_str().to_string(),
        base: format!("http://{host}"),
        path: parts.uri.path().to_string(),
        query: parse_query(parts.uri.query().unwrap_or("")),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body,
    }
}

/// The answer as axum sends it; with the `truncate` fault, cut short of its length.
fn to_response(
    response: HttpResponse,
    fault: Option<faults::Transport>,
) -> axum::response::Response {
    let mut builder = axum::response::Response::builder().status(response.status);
    for (k, v) in &response.headers {
        builder = builder.header(k.as_str(), v.as_str());
    }
    if fault == Some(faults::Transport::Truncate) {
        // announce the whole body, send half of it, then fail the stream: the connection drops
        let body = response.body;
        builder = builder.header("Content-Length", body.len());
        let half = body[..body.len() / 2].to_vec();
        let chunks: Vec<std::io::Result<Vec<u8>>> = vec![
            Ok(half),
            Err(std::io::Error::other("emulator fault: truncate")),
        ];
        return builder
            .body(axum::body::Body::from_stream(futures_util::stream::iter(
                chunks,
            )))
            .unwrap_or_default();
    }
    builder
        .body(axum::body::Body::from(response.body))
        .unwrap_or_default()
}

/// Whether a callback URL points at this machine: the emulator calls nothing else.
fn is_loopback(url: &str) -> bool {
    let host = url
        .split_once("://")
        .map_or(url, |(_, r)| r)
        .split('/')
        .next()
        .unwrap_or("");
    let host = host.rsplit_once(':').map_or(host, |(h, port)| {
        if port.chars().all(|c| c.is_ascii_digit()) {
            h
        } else {
            host
        }
    });
    host == "localhost"
        || host == "[::1]"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Send an async invocation's callback after the function's run time (loopback only).
async fn send_callback(state: Arc<State>, cb: HttpRequest, delay: Duration) {
    tokio::time::sleep(delay).await;
    let url = cb.url();
    if !is_loopback(&url) {
        state.count("callbacks.refused");
        return;
    }
    let client = reqwest::Client::new();
    let mut rb = client.post(url).body(cb.body.clone());
    for (k, v) in &cb.headers {
        rb = rb.header(k.as_str(), v.as_str());
    }
    let key = match rb.send().await {
        Ok(r) if r.status().is_success() => "callbacks.delivered",
        _ => "callbacks.failed",
    };
    state.count(key);
}

/// The payload of the unwinding that carries out the `reset` fault.
const RESET: &str = "emulator fault: reset";

/// Bind, print `listening on ADDR` (flushed), and serve until killed.
pub async fn run(settings: &Settings) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(&settings.bind)
        .await
        .map_err(|e| {
            Error::Usage(format!(
                "cannot listen on {}: {e}: pick another --bind address (port 0 picks a free one)",
                settings.bind
            ))
        })?;
    let addr: SocketAddr = listener
        .local_addr()
        .map_err(|e| Error::Internal(e.to_string()))?;
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on {addr}");
        let _ = out.flush();
    }
    // the `reset` fault unwinds on purpose: keep it off stderr
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if info.payload().downcast_ref::<&str>() != Some(&RESET) {
            default_hook(info);
        }
    }));
    let state =
        Arc::new(State::new(settings.credentials.clone()).with_log_delay(settings.log_delay));
    let app = axum::Router::new().fallback(serve_one).with_state(state);
    axum::serve(listener, app)
        .await
        .map_err(|e| Error::Transport(format!("the emulator stopped: {e}")))
}
