//! The network edge: sends [`HttpRequest`]s with timeouts and the retry policy.
//!
//! Retry policy (ARCHITECTURE.md, invariants): a request that failed to connect was never sent and is
//! retried; 429 and 503 are retried honouring `Retry-After` where the provider says they
//! mean nothing ran ([`Policy::retry_throttled`]); nothing else is retried, so a
//! synchronous invocation that may have reached the function never runs twice.

use std::time::Duration;

use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse};
use crate::terminal::escape_line;

#[derive(Debug, Clone)]
pub struct Options {
    /// Whole-request timeout (sending, running, reading the answer).
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Extra attempts after the first, for failures that are safe to retry.
    pub retries: u32,
    /// Print requests and responses (secrets masked) on stderr.
    pub verbose: bool,
    /// Accept any TLS certificate (`--insecure`).
    pub insecure: bool,
    /// Retry even what may have reached the function (`--retry-sync`): the session's
    /// [`Policy::retry_after_send`] for every request.
    pub retry_sync: bool,
    /// Say on stderr, one dim line each, why and when a request is sent again (also with
    /// `verbose`); off where stderr is kept for warnings (`--output json`, batch).
    pub announce_retries: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECS),
            connect_timeout: Duration::from_secs(10),
            retries: 2,
            verbose: false,
            insecure: false,
            retry_sync: false,
            announce_retries: false,
        }
    }
}

impl Options {
    /// These options, with retries said on stderr or not ([`Options::announce_retries`]).
    pub fn announcing_retries(self, on: bool) -> Options {
        Options {
            announce_retries: on,
            ..self
        }
    }
}

/// Functions run for minutes: the default read timeout is a quarter of an hour.
pub const DEFAULT_TIMEOUT_SECS: u64 = 900;

/// How a send failed.
#[derive(Debug)]
pub enum SendError {
    /// No connection was made: the request never left (safe to retry).
    Connect(String),
    /// The whole-request timeout ran out; the request may have been received.
    Timeout(Duration),
    /// Anything else after the connection was made (reset, broken body...).
    Other(String),
}

impl SendError {
    /// One line for a person; `hint` is the provider's advice for timeouts.
    pub fn into_error(self, host: &str, hint: Option<&str>) -> Error {
        Error::Transport(match self {
            SendError::Connect(cause) => {
                format!("could not connect to {host}: {cause}: check the endpoint and the network")
            }
            SendError::Timeout(d) => {
                let mut m = format!(
                    "no answer from {host} within {} s (raise it with --timeout SECS)",
                    d.as_secs_f64()
                );
                if let Some(h) = hint {
                    m.push_str("; ");
                    m.push_str(h);
                }
                m
            }
            SendError::Other(cause) => format!("the exchange with {host} failed: {cause}"),
        })
    }
}

/// How one request may be retried and reported.
pub struct Policy<'a> {
    /// Header names whose values are masked in `-v` output.
    pub secret: &'a [&'a str],
    /// Provider advice appended to a timeout message.
    pub timeout_hint: Option<&'a str>,
    /// Whether 429/503 answers may be retried: not for a call that may already have run.
    pub retry_throttled: bool,
    /// Whether failures after the request left (reset, timeout, 502/504) may be retried:
    /// only when the user accepts that the function may run twice (`--retry-sync`).
    pub retry_after_send: bool,
}

pub struct Transport {
    client: reqwest::Client,
    opts: Options,
    /// The last URL sent, parsed: a batch sends the same one thousands of times, and
    /// parsing it (a long percent-encoded path) is a tenth of the work of a request.
    last_url: std::sync::Mutex<Option<(String, reqwest::Url)>>,
    /// Throttling answers (429, 503) seen, retried or not: `batch -j auto`'s signal.
    throttled: std::sync::atomic::AtomicU64,
}

/// The innermost cause of an error, which is usually the telling one ("Connection refused").
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// The headers the HTTP client adds to `req` when it does not carry them: `host`,
/// `user-agent`, `accept`, and `content-length` for a body.
fn implicit_headers(req: &HttpRequest, body_len: usize) -> Vec<(&'static str, String)> {
    let mut v = Vec::new();
    let mut add = |name: &'static str, value: String| {
        if req.header(name).is_none() {
            v.push((name, value));
        }
    };
    add("host", req.host().to_string());
    add("user-agent", USER_AGENT.to_string());
    add("accept", "*/*".to_string());
    if body_len > 0 || matches!(req.method.as_str(), "POST" | "PUT" | "PATCH") {
        add("content-length", body_len.to_string());
    }
    v
}

/// What fcall sends as `User-Agent`.
const USER_AGENT: &str = concat!("fcall/", env!("CARGO_PKG_VERSION"));

/// Mask the values of secret headers for display.
pub fn shown_value<'a>(name: &str, value: &'a str, secret: &[&str]) -> &'a str {
    if secret.iter().any(|s| s.eq_ignore_ascii_case(name)) {
        "****"
    } else {
        value
    }
}

impl Transport {
    pub fn new(opts: Options) -> Result<Transport> {
        let client = reqwest::Client::builder()
            .connect_timeout(opts.connect_timeout)
            .timeout(opts.timeout)
            // a redirect would move a signed request elsewhere: report it instead
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(USER_AGENT)
            .danger_accept_invalid_certs(opts.insecure)
            // fcall decides what is sent again (see the module doc); reqwest's own retries
            // are for HTTP/2 and HTTP/3 refusals, which an HTTP/1.1-only client never gets,
            // yet its default policy copies every request in case it needs to resend it
            .retry(reqwest::retry::never().max_retries_per_request(0))
            .build()
            .map_err(|e| Error::Internal(format!("cannot set up HTTP: {}", root_cause(&e))))?;
        Ok(Transport {
            client,
            opts,
            last_url: std::sync::Mutex::default(),
            throttled: std::sync::atomic::AtomicU64::new(0),
        })
    }

    /// How many throttling answers (429, 503) this transport has seen.
    pub fn throttled(&self) -> u64 {
        self.throttled.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn options(&self) -> &Options {
        &self.opts
    }

    /// `url` parsed, from the last one when it is the same; `None` when it does not parse.
    fn parsed_url(&self, url: String) -> Option<reqwest::Url> {
        let mut last = self.last_url.lock().ok()?;
        if let Some((text, parsed)) = last.as_ref() {
            if *text == url {
                return Some(parsed.clone());
            }
        }
        let parsed = reqwest::Url::parse(&url).ok()?;
        *last = Some((url, parsed.clone()));
        Some(parsed)
    }

    /// One attempt, the body read whole (at most [`MAX_WHOLE_BODY`] bytes).
    pub async fn send(
        &self,
        req: &HttpRequest,
        secret: &[&str],
    ) -> Result<HttpResponse, SendError> {
        let (mut head, resp) = self.send_head(req, req.body.clone(), secret).await?;
        head.body = read_whole(resp, self.opts.timeout).await?;
        Ok(head)
    }

    /// One attempt, up to the response's status and headers: the returned [`HttpResponse`]
    /// has an empty body, which is still on the wire in the `reqwest::Response`. `body` is
    /// the request's body (`req.body` is not read: the caller may have moved it out).
    async fn send_head(
        &self,
        req: &HttpRequest,
        body: Vec<u8>,
        secret: &[&str],
    ) -> Result<(HttpResponse, reqwest::Response), SendError> {
        let method = reqwest::Method::from_bytes(req.method.as_bytes())
            .map_err(|_| SendError::Other(format!("invalid method {}", req.method)))?;
        let mut rb = match self.parsed_url(req.url()) {
            Some(url) => self.client.request(method, url),
            // reqwest reports what is wrong with it when sending
            None => self.client.request(method, req.url()),
        };
        for (k, v) in &req.headers {
            rb = rb.header(k.as_str(), v.as_str());
        }
        if self.opts.verbose {
            eprintln!("> {} {}", req.method, escape_line(&req.url()));
            for (k, v) in &req.headers {
                eprintln!("> {k}: {}", escape_line(shown_value(k, v, secret)));
            }
            // what the HTTP client adds itself, so that this is all that goes on the wire
            for (k, v) in implicit_headers(req, body.len()) {
                eprintln!("> {k}: {}", escape_line(&v));
            }
            eprintln!("> ({} bytes of body)", body.len());
        }
        let resp = rb
            .body(body)
            .send()
            .await
            .map_err(|e| classify(&e, self.opts.timeout))?;
        let status = resp.status().as_u16();
        let headers: Vec<(String, String)> = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        if self.opts.verbose {
            eprintln!("< HTTP {status}");
            for (k, v) in &headers {
                eprintln!("< {k}: {}", escape_line(shown_value(k, v, secret)));
            }
        }
        Ok((
            HttpResponse {
                status,
                headers,
                body: Vec::new(),
            },
            resp,
        ))
    }

    /// Send with the retry policy; `build` is called for every attempt so each one is
    /// signed afresh.
    pub async fn execute(
        &self,
        build: impl FnMut() -> Result<HttpRequest>,
        policy: &Policy<'_>,
    ) -> Result<HttpResponse> {
        match self.execute_streaming(build, policy, &|_| false).await? {
            Received::Whole(r) => Ok(r),
            Received::Streaming(s) => s.read_whole().await,
        }
    }

    /// Like [`Transport::execute`], but when `stream(head)` says so for the final answer
    /// (status and headers, empty body), its body is left on the wire for the caller to
    /// copy ([`Received::Streaming`]). Only an answer that would not be retried is
    /// streamed, and nothing is retried once it is: the caller may have written part of it.
    pub async fn execute_streaming(
        &self,
        mut build: impl FnMut() -> Result<HttpRequest>,
        policy: &Policy<'_>,
        stream: &dyn Fn(&HttpResponse) -> bool,
    ) -> Result<Received> {
        let mut attempt = 0;
        loop {
            let mut req = build()?;
            // built afresh for each attempt: its body can be moved, not copied
            let body = std::mem::take(&mut req.body);
            let result = self.send_head(&req, body, policy.secret).await;
            if let Ok((r, _)) = &result {
                if r.status == 429 || r.status == 503 {
                    self.throttled
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
            }
            let wait = match &result {
                Err(SendError::Connect(_)) => Some(backoff(attempt)),
                Err(_) if policy.retry_after_send => Some(backoff(attempt)),
                Ok((r, _)) if policy.retry_throttled && (r.status == 429 || r.status == 503) => {
                    Some(retry_after(r).unwrap_or_else(|| backoff(attempt)))
                }
                Ok((r, _)) if policy.retry_after_send && (r.status == 502 || r.status == 504) => {
                    Some(backoff(attempt))
                }
                _ => None,
            };
            let retry = wait.is_some() && attempt < self.opts.retries;
            // the body: left on the wire, or read whole (a broken body may be retried too)
            let result = match result {
                Ok((head, resp)) if !retry && stream(&head) => {
                    return Ok(Received::Streaming(Streaming {
                        head,
                        resp,
                        host: req.host().to_string(),
                        timeout: self.opts.timeout,
                    }))
                }
                Ok((mut head, resp)) => match read_whole(resp, self.opts.timeout).await {
                    Ok(body) => {
                        head.body = body;
                        Ok(head)
                    }
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            };
            let wait = match (&result, wait) {
                (_, Some(w)) => Some(w),
                (Err(_), None) if policy.retry_after_send => Some(backoff(attempt)),
                _ => None,
            };
            match wait {
                Some(w) if attempt < self.opts.retries => {
                    if self.opts.verbose || self.opts.announce_retries {
                        let line = retry_line(w, &result, attempt + 2, self.opts.retries + 1);
                        eprintln!("{}", colored::Colorize::dimmed(line.as_str()));
                    }
                    tokio::time::sleep(w).await;
                    attempt += 1;
                }
                _ => {
                    return result
                        .map(Received::Whole)
                        .map_err(|e| e.into_error(req.host(), policy.timeout_hint))
                }
            }
        }
    }
}

/// `retrying in 1.2 s: HTTP 429 (attempt 2 of 3)`: why a request is sent again, and when;
/// what the answer or the error says is remote text, made safe for a terminal.
fn retry_line(
    wait: Duration,
    result: &Result<HttpResponse, SendError>,
    next: u32,
    attempts: u32,
) -> String {
    let why = match result {
        Ok(r) => format!("HTTP {}", r.status),
        Err(SendError::Connect(cause)) => format!("could not connect: {cause}"),
        Err(SendError::Timeout(d)) => format!("no answer within {} s", d.as_secs_f64()),
        Err(SendError::Other(cause)) => cause.clone(),
    };
    let ms = wait.as_millis();
    let when = match ms {
        0..=999 => format!("{ms} ms"),
        _ => format!("{:.1} s", wait.as_secs_f64()),
    };
    format!(
        "retrying in {when}: {} (attempt {next} of {attempts})",
        escape_line(&why)
    )
}

/// The most of a body fcall holds in memory (results it can stream are not held).
pub const MAX_WHOLE_BODY: usize = 256 << 20;

/// Read a body whole, refusing one larger than [`MAX_WHOLE_BODY`].
async fn read_whole(mut resp: reqwest::Response, timeout: Duration) -> Result<Vec<u8>, SendError> {
    let too_big = || {
        SendError::Other(format!(
            "the answer is larger than {} MiB, more than fcall holds in memory (a function's raw result streams to stdout without --output json)",
            MAX_WHOLE_BODY >> 20
        ))
    };
    let announced = resp.content_length().unwrap_or(0);
    if announced > MAX_WHOLE_BODY as u64 {
        return Err(too_big());
    }
    let mut body = Vec::with_capacity(announced as usize);
    while let Some(chunk) = resp.chunk().await.map_err(|e| classify(&e, timeout))? {
        if body.len() + chunk.len() > MAX_WHOLE_BODY {
            return Err(too_big());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// What [`Transport::execute_streaming`] received.
pub enum Received {
    /// The answer, body and all.
    Whole(HttpResponse),
    /// The status and headers of an answer whose body the caller copies.
    Streaming(Streaming),
}

/// An answer whose body is still on the wire.
pub struct Streaming {
    head: HttpResponse,
    resp: reqwest::Response,
    host: String,
    timeout: Duration,
}

/// How a streamed body was copied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Copied {
    pub bytes: u64,
    /// The last byte written, if any (whether the result ends a line).
    pub last: Option<u8>,
    /// The writer went away (a closed pipe): the rest was not read.
    pub closed: bool,
}

impl Streaming {
    /// The status and headers (the body is empty).
    pub fn head(&self) -> &HttpResponse {
        &self.head
    }

    /// Read the body whole after all (at most [`MAX_WHOLE_BODY`] bytes).
    pub async fn read_whole(self) -> Result<HttpResponse> {
        let Streaming {
            mut head,
            resp,
            host,
            timeout,
        } = self;
        head.body = read_whole(resp, timeout)
            .await
            .map_err(|e| e.into_error(&host, None))?;
        Ok(head)
    }

    /// Copy the body to `out` chunk by chunk, never holding it whole, and flush. A writer
    /// that reports a broken pipe ends the copy quietly (`closed`); other write errors are
    /// internal errors, and a body that breaks off is a transport error saying how much
    /// arrived.
    pub async fn copy_to(mut self, out: &mut impl std::io::Write) -> Result<Copied> {
        let mut copied = Copied::default();
        loop {
            let chunk = match self.resp.chunk().await {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) => {
                    let _ = out.flush();
                    let written = format!(" (after {} bytes of the result)", copied.bytes);
                    return Err(
                        match classify(&e, self.timeout).into_error(&self.host, None) {
                            Error::Transport(m) => Error::Transport(m + &written),
                            other => other,
                        },
                    );
                }
            };
            if chunk.is_empty() {
                continue;
            }
            if let Err(e) = out.write_all(&chunk) {
                return broken_pipe(e, copied);
            }
            copied.bytes += chunk.len() as u64;
            copied.last = chunk.last().copied();
        }
        match out.flush() {
            Ok(()) => Ok(copied),
            Err(e) => broken_pipe(e, copied),
        }
    }
}

/// A reader that went away (`| head`) ends a copy quietly; any other write error is reported.
fn broken_pipe(e: std::io::Error, mut copied: Copied) -> Result<Copied> {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        copied.closed = true;
        Ok(copied)
    } else {
        Err(Error::Internal(format!("cannot write to stdout: {e}")))
    }
}

fn classify(e: &reqwest::Error, timeout: Duration) -> SendError {
    if e.is_timeout() {
        SendError::Timeout(timeout)
    } else if e.is_connect() {
        SendError::Connect(root_cause(e))
    } else {
        SendError::Other(root_cause(e))
    }
}

/// Capped exponential backoff with jitter: ~250 ms, 500 ms, 1 s ... at most 10 s.
pub fn backoff(attempt: u32) -> Duration {
    let base = 250u64.saturating_mul(1 << attempt.min(6)).min(10_000);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0);
    Duration::from_millis(base / 2 + nanos % (base / 2 + 1))
}

/// `Retry-After` in seconds or as an HTTP date, capped at a minute.
pub fn retry_after(resp: &HttpResponse) -> Option<Duration> {
    let v = resp.header("Retry-After")?.trim();
    let d = match v.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => {
            let when = httpdate::parse_http_date(v).ok()?;
            when.duration_since(std::time::SystemTime::now())
                .unwrap_or(Duration::ZERO)
        }
    };
    Some(d.min(Duration::from_secs(60)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        for a in 0..10 {
            let b = backoff(a);
            let base = (250u64 << a.min(6)).min(10_000);
            assert!(b.as_millis() as u64 >= base / 2 && b.as_millis() as u64 <= base);
        }
    }

    #[test]
    fn retry_after_seconds_and_cap() {
        let mut r = HttpResponse {
            status: 429,
            ..Default::default()
        };
        assert_eq!(retry_after(&r), None);
        r.headers.push(("Retry-After".into(), "2".into()));
        assert_eq!(retry_after(&r), Some(Duration::from_secs(2)));
        r.headers[0].1 = "3600".into();
        assert_eq!(retry_after(&r), Some(Duration::from_secs(60)));
        r.headers[0].1 = "Tue, 02 Jan 2024 03:04:05 GMT".into();
        assert_eq!(retry_after(&r), Some(Duration::ZERO));
    }

    #[test]
    fn retry_lines_say_why_when_and_which_attempt() {
        let throttled = Ok(HttpResponse {
            status: 429,
            ..Default::default()
        });
        assert_eq!(
            retry_line(Duration::from_millis(1240), &throttled, 2, 3),
            "retrying in 1.2 s: HTTP 429 (attempt 2 of 3)"
        );
        let refused = Err(SendError::Connect("Connection refused".into()));
        assert_eq!(
            retry_line(Duration::from_millis(180), &refused, 3, 3),
            "retrying in 180 ms: could not connect: Connection refused (attempt 3 of 3)"
        );
        let odd = Err(SendError::Other("reset\u{1b}[2J".into()));
        assert!(!retry_line(Duration::ZERO, &odd, 2, 2).contains('\u{1b}'));
    }

    #[test]
    fn masks_secret_headers() {
        assert_eq!(
            shown_value("X-Auth-Token", "abc", &["x-auth-token"]),
            "****"
        );
        assert_eq!(shown_value("Content-Type", "a/b", &["x-auth-token"]), "a/b");
    }
}
