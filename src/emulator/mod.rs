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
mod aws_sts;
mod cloudwatch;
mod faas;
mod faults;
mod functions;
mod huawei;
mod issued;
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
    /// Lifetime of the temporary keys it issues (STS, SSO, metadata), in seconds.
    pub credential_ttl: i64,
    pub basic_user: String,
    pub basic_password: String,
}

/// What the emulator runs with: where it listens and the credentials it accepts.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The address to listen on (port 0 picks a free one).
    pub bind: String,
    pub credentials: Credentials,
    /// The function `limited`: calls per second it takes, and the burst above that.
    pub limit: RateLimit,
    /// How long a log line takes to show in the log APIs after it was written.
    pub log_delay: Duration,
}

/// A token bucket: `rate` calls a second on average, `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    pub rate: f64,
    pub burst: f64,
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit {
            rate: 50.0,
            burst: 5.0,
        }
    }
}

/// An accepted async invocation and how often its status was asked.
#[derive(Debug, Clone)]
struct Job {
    function: String,
    polls: u32,
    stopped: bool,
    payload: Vec<u8>,
    /// The request id of the call that queued it.
    request_id: String,
}

/// Everything the emulator remembers between requests.
pub struct State {
    creds: Credentials,
    counters: Mutex<BTreeMap<String, u64>>,
    jobs: Mutex<HashMap<String, Job>>,
    /// Tokens it issued (IAM, OAuth2) and when they expire (unix seconds).
    issued_tokens: Mutex<HashMap<String, i64>>,
    /// Temporary keys it issued, by access key id ([`issued`]).
    issued_keys: Mutex<HashMap<String, issued::Issued>>,
    seq: AtomicU64,
    /// `limited`'s rate and its bucket: (tokens left, when it was last taken from).
    limit: RateLimit,
    bucket: Mutex<(f64, Option<std::time::Instant>)>,
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
            issued_keys: Mutex::default(),
            seq: AtomicU64::new(1),
            limit: RateLimit::default(),
            bucket: Mutex::new((RateLimit::default().burst, None)),
            logs: Mutex::default(),
            log_delay_ms: 0,
        }
    }

    /// The same state with `limited` taking `limit`.
    pub fn with_limit(mut self, limit: RateLimit) -> State {
        self.limit = limit;
        self.bucket = Mutex::new((limit.burst, None));
        self
    }

    /// Take a token from `limited`'s bucket, refilled at its rate: `false` when empty.
    fn take_token(&self) -> bool {
        let mut b = self.bucket.lock().unwrap();
        let now = std::time::Instant::now();
        let (tokens, last) = *b;
        let refilled = last.map_or(tokens, |t: std::time::Instant| {
            (tokens + now.duration_since(t).as_secs_f64() * self.limit.rate).min(self.limit.burst)
        });
        let (left, ok) = if refilled >= 1.0 {
            (refilled - 1.0, true)
        } else {
            (refilled, false)
        };
        *b = (left, Some(now));
        ok
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
            .or_else(|| aws_sts::handle(self, req, now))
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
    let (listener, addr) = bind(settings).await?;
    announce(addr);
    serve(listener, settings).await
}

/// Bind the listening address (port 0 picks a free one): the socket and its address.
pub async fn bind(settings: &Settings) -> Result<(tokio::net::TcpListener, SocketAddr)> {
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
    Ok((listener, addr))
}

/// `listening on ADDR`, the first line on stdout, flushed (tests and scripts wait for it).
pub fn announce(addr: SocketAddr) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "listening on {addr}");
    let _ = out.flush();
}

/// Serve on `listener` until killed.
pub async fn serve(listener: tokio::net::TcpListener, settings: &Settings) -> Result<()> {
    // the `reset` fault unwinds on purpose: keep it off stderr
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if info.payload().downcast_ref::<&str>() != Some(&RESET) {
            default_hook(info);
        }
    }));
    let state = Arc::new(
        State::new(settings.credentials.clone())
            .with_limit(settings.limit)
            .with_log_delay(settings.log_delay),
    );
    let app = axum::Router::new().fallback(serve_one).with_state(state);
    axum::serve(listener, app)
        .await
        .map_err(|e| Error::Transport(format!("the emulator stopped: {e}")))
}

/// What the vendors' own SDKs expect of the emulator beyond fcall's calls (issue 18); the
/// SDKs themselves drive it in `scripts/sdk_conformance.py` (not in CI).
#[cfg(test)]
mod sdk_tests {
    use super::*;
    use crate::http::HttpRequest;
    use serde_json::Value as Json;

    fn state() -> State {
        State::new(Credentials {
            token: "tok".into(),
            access_key: "ak".into(),
            secret_key: "sk".into(),
            iam_user: "u".into(),
            iam_password: "p".into(),
            iam_domain: "d".into(),
            client_id: "cid".into(),
            client_secret: "cs".into(),
            token_ttl: 60,
            credential_ttl: 60,
            basic_user: "admin".into(),
            basic_password: "pw".into(),
        })
    }

    /// The credentials the unit tests' emulator takes.
    pub(crate) fn credentials() -> Credentials {
        state().creds
    }

    fn now() -> OffsetDateTime {
        time::macros::datetime!(2024-01-02 03:04:05 UTC)
    }

    fn json(r: &Reply) -> Json {
        serde_json::from_slice(&r.response.body).unwrap_or(Json::Null)
    }

    /// An FC request signed with ACS3, as the Tea SDKs sign, on any path.
    fn fc_acs3(st: &State, method: &str, path: &str, body: &[u8]) -> Reply {
        let mut req = HttpRequest::new(method, "http://127.0.0.1:9", path);
        req.body = body.to_vec();
        let key = crate::signing::acs3::Acs3Key {
            access_key_id: "ak",
            access_key_secret: "sk",
            security_token: None,
        };
        crate::signing::acs3::sign(&mut req, &key, "InvokeFunction", "2021-04-06", "n-1", now());
        st.handle(&req, now())
    }

    #[test]
    fn fc2_takes_acs3_signatures_and_answers_in_each_versions_shape() {
        let st = state();
        let r = fc_acs3(
            &st,
            "POST",
            "/2021-04-06/services/svc/functions/echo/invocations",
            b"hi",
        );
        assert_eq!(
            (r.response.status, r.response.body.as_slice()),
            (200, &b"hi"[..])
        );
        let v2 = fc_acs3(
            &st,
            "POST",
            "/2021-04-06/services/svc/functions/nope/invocations",
            b"",
        );
        assert_eq!(json(&v2)["ErrorCode"], "FunctionNotFound");
        let v3 = fc_acs3(&st, "POST", "/2023-03-30/functions/nope/invocations", b"");
        let body = json(&v3);
        assert_eq!(body["Code"], "FunctionNotFound");
        assert!(
            body["RequestId"].is_string() && body.get("ErrorCode").is_none(),
            "{body}"
        );
        for path in [
            "/2023-03-30/nothing/here",
            "/2021-04-06/services/s/functions/f/nope",
        ] {
            let r = fc_acs3(&st, "GET", path, b"");
            assert_eq!(r.response.status, 400, "{path}");
            assert!(json(&r).to_string().contains("PathNotSupported"), "{path}");
        }
    }

    #[test]
    fn fc_tasks_are_whole_records_and_stop_once() {
        let st = state();
        let mut req = HttpRequest::new(
            "POST",
            "http://127.0.0.1:9",
            "/2023-03-30/functions/echo/invocations",
        );
        req.set_header("x-fc-invocation-type", "Async");
        req.set_header("x-fc-async-task-id", "t-1");
        req.body = b"{\"a\":1}".to_vec();
        let key = crate::signing::acs3::Acs3Key {
            access_key_id: "ak",
            access_key_secret: "sk",
            security_token: None,
        };
        crate::signing::acs3::sign(&mut req, &key, "InvokeFunction", "2023-03-30", "n", now());
        let queued = st.handle(&req, now());
        let request_id = queued
            .response
            .header("X-Fc-Request-Id")
            .unwrap()
            .to_string();
        let task = fc_acs3(
            &st,
            "GET",
            "/2023-03-30/functions/echo/async-tasks/t-1",
            b"",
        );
        let rec = json(&task);
        assert_eq!(rec["status"], "Enqueued");
        assert!(
            rec["durationMs"].is_null() && rec["endTime"].is_null(),
            "{rec}"
        );
        assert_eq!(rec["requestId"], request_id.as_str());
        assert_eq!(rec["taskPayload"], "{\"a\":1}");
        assert_eq!(
            task.response.header("X-Fc-Request-Id"),
            Some(request_id.as_str())
        );
        let stop = "/2023-03-30/functions/echo/async-tasks/t-1/stop";
        assert_eq!(fc_acs3(&st, "PUT", stop, b"").response.status, 200);
        assert_eq!(
            fc_acs3(&st, "PUT", stop, b"").response.status,
            400,
            "stopped once"
        );
        let gone = fc_acs3(
            &st,
            "PUT",
            "/2023-03-30/functions/echo/async-tasks/t-9/stop",
            b"",
        );
        assert_eq!(json(&gone)["Code"], "AsyncTaskNotFound");
        let rec = json(&fc_acs3(
            &st,
            "GET",
            "/2023-03-30/functions/echo/async-tasks/t-1",
            b"",
        ));
        assert_eq!(rec["status"], "Stopped");
        assert!(rec["endTime"].is_number(), "{rec}");
    }

    #[test]
    fn functiongraph_lists_and_cancels_async_invocations() {
        let st = state();
        let urn = "urn%3Afss%3Acn-north-4%3Ap1%3Afunction%3Adefault%3Aecho%3Alatest";
        let call = |method: &str, action: &str, query: &[(&str, &str)], body: &[u8]| {
            let mut req = HttpRequest::new(
                method,
                "http://127.0.0.1:9",
                &format!("/v2/p1/fgs/functions/{urn}/{action}"),
            );
            req.set_header("X-Auth-Token", "tok");
            req.query = query
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            req.body = body.to_vec();
            st.handle(&req, now())
        };
        let a = json(&call("POST", "invocations-async", &[], b"{}"))["request_id"]
            .as_str()
            .unwrap()
            .to_string();
        let b = json(&call("POST", "invocations-async", &[], b"{}"))["request_id"]
            .as_str()
            .unwrap()
            .to_string();
        let all = json(&call("GET", "async-invocations", &[], b""));
        assert_eq!(all["count"], 2, "{all}");
        let cancel = format!("{{\"request_id\":\"{a}\"}}");
        assert_eq!(
            call("POST", "cancel", &[], cancel.as_bytes())
                .response
                .status,
            200
        );
        let one = json(&call(
            "GET",
            "async-invocations",
            &[("request_id", &a)],
            b"",
        ));
        assert_eq!(one["invocations"][0]["status"], "DISCARD");
        let missing = call("POST", "cancel", &[], b"{\"request_id\":\"nope\"}");
        assert_eq!(missing.response.status, 404);
        let _ = b;
    }

    #[test]
    fn altair_revokes_tokens_and_lambda_answers_other_operations_in_its_shape() {
        let st = state();
        st.issue("ory_at_x", now().unix_timestamp() + 60);
        let mut req = HttpRequest::new("POST", "http://127.0.0.1:9", "/oauth2/revoke");
        req.body = b"token=ory_at_x&client_id=cid&client_secret=cs".to_vec();
        assert_eq!(st.handle(&req, now()).response.status, 200);
        assert!(!st.token_valid("ory_at_x", now()), "revoked");
        req.body = b"token=ory_at_x&client_id=cid&client_secret=wrong".to_vec();
        assert_eq!(st.handle(&req, now()).response.status, 401);
        let get = HttpRequest::new("GET", "http://127.0.0.1:9", "/2015-03-31/functions/echo");
        let r = st.handle(&get, now());
        assert_eq!(r.response.status, 404);
        assert!(r
            .response
            .header("X-Amzn-ErrorType")
            .is_some_and(|t| t.starts_with("UnknownOperationException")));
        assert!(json(&r)["message"].is_string());
    }
}
