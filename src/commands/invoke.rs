//! `fcall invoke`: one invocation, whatever the provider.
//!
//! profile → provider → (token from cache or fetched) → build → send → interpret →
//! (async: poll until done with --wait) → render. Shared by every provider.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use super::session::{now, Session};
use super::{warn, write_stdout, Ctx};
use crate::callback::Receiver;
use crate::cli::{CallArgs, InvokeArgs, OutputFormat, PrettyWhat};
use crate::error::{code, Error, Result};
use crate::expect::{self, Expr};
use crate::http::{HttpRequest, HttpResponse};
use crate::invocation::{AsyncState, FunctionError, Invocation, Mode, Outcome};
use crate::output::{self, Context, Envelope, ErrorEnvelope};
use crate::providers::{self, Capability, Provider};
use crate::render::{self, json::Pretty};
use crate::transport::{shown_value, Copied, Received};

/// The payload from `-d` (literal, `@FILE`, `@-`), else piped stdin, else none.
/// The payload `-d` names (or stdin's), read up to one byte past `limit` (the provider's
/// limit for the call: more is refused by the caller, never held whole).
/// `ignore_stdin`: never read a payload from stdin unasked (`--ignore-stdin`).
fn read_payload(data: Option<&str>, limit: usize, ignore_stdin: bool) -> Result<Option<Vec<u8>>> {
    let bounded = |r: &mut dyn std::io::Read, buf: &mut Vec<u8>| {
        std::io::Read::read_to_end(&mut std::io::Read::take(r, limit as u64 + 1), buf)
    };
    let read_stdin = || {
        let mut buf = Vec::new();
        bounded(&mut std::io::stdin(), &mut buf)
            .map_err(|e| Error::Usage(format!("cannot read the payload from stdin: {e}")))?;
        Ok(buf)
    };
    match data {
        Some("@-") => read_stdin().map(Some),
        Some(d) if d.starts_with('@') => {
            let path = &d[1..];
            if std::path::Path::new(path).is_dir() {
                return Err(Error::Usage(format!(
                    "-d @{path}: is a directory: give a file after @, or @- for stdin"
                )));
            }
            let mut buf = Vec::new();
            std::fs::File::open(path)
                .and_then(|mut f| bounded(&mut f, &mut buf))
                .map_err(|e| {
                    Error::Usage(format!(
                        "-d @{path}: cannot read the payload file: {e}: give an existing file after @, or @- for stdin"
                    ))
                })?;
            Ok(Some(buf))
        }
        Some(d) => Ok(Some(d.as_bytes().to_vec())),
        None if !ignore_stdin && !std::io::stdin().is_terminal() => {
            let buf = read_stdin()?;
            Ok((!buf.is_empty()).then_some(buf))
        }
        None => Ok(None),
    }
}

/// Headers that frame the message or belong to one hop: set by the HTTP client from the
/// request itself, and a `-H` for one would cut the payload short or confuse a proxy.
const FRAMING_HEADERS: &[&str] = &[
    "content-length",
    "transfer-encoding",
    "host",
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "upgrade",
    "expect",
    "proxy-connection",
];

/// A flag's text value that must not hold a control character (it goes into a header or
/// a URL, where one would break the request): a usage error naming the flag, not the value.
pub fn plain_text(flag: &str, value: &str) -> Result<()> {
    match value.chars().find(|c| c.is_control()) {
        None => Ok(()),
        Some(c) => Err(Error::Usage(format!(
            "{flag}: the value holds a control character (U+{:04X}): remove it",
            c as u32
        ))),
    }
}

/// A header the user adds (`-H`, a suite's `headers`), named `what` in the error: not one
/// that frames the message, and no control character in its value.
pub fn check_header(what: &str, name: &str, value: &str) -> Result<()> {
    if FRAMING_HEADERS.iter().any(|f| f.eq_ignore_ascii_case(name)) {
        return Err(Error::Usage(format!(
            "{what}: fcall sets {name} from the request itself; drop it (the payload is sent whole)"
        )));
    }
    plain_text(what, value)
}

/// `--callback-url`: an http(s) URL without control characters or spaces.
pub fn check_callback_url(url: &str) -> Result<()> {
    check_url_flag("--callback-url", url)
}

/// A URL flag (`--callback-url`, `--public-url`): http(s), no control characters or spaces.
fn check_url_flag(flag: &str, url: &str) -> Result<()> {
    plain_text(flag, url)?;
    let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
    if url.contains(' ') || !matches!(scheme.as_deref(), Some("http" | "https")) {
        return Err(Error::Usage(format!(
            "{flag}: give an http:// or https:// URL without spaces"
        )));
    }
    Ok(())
}

/// `-H "Name: value"` → (name, value).
fn parse_header(h: &str) -> Result<(String, String)> {
    match h.split_once(':') {
        Some((k, v))
            if !k.trim().is_empty()
                && k.trim()
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b)) =>
        {
            let name = k.trim();
            check_header(&format!("-H '{name}: …'"), name, v)?;
            Ok((name.to_string(), v.trim().to_string()))
        }
        // name only what comes before any value: `-H "Authorization Bearer …"` holds a secret
        _ => Err(Error::Usage(format!(
            "-H '{}…': a header is written \"Name: value\" (e.g. -H 'X-Trace: 1')",
            h.split([' ', ':'])
                .next()
                .unwrap_or("")
                .chars()
                .take(40)
                .collect::<String>()
        ))),
    }
}

/// The invocation the flags describe, without its payload ([`add_payload`] reads it once
/// the provider, and so its limit, is known).
fn invocation(args: &InvokeArgs) -> Result<Invocation> {
    let mut inv = call_invocation(&args.function, &args.call)?;
    inv.invocation_id = args.invocation_id.clone();
    inv.wait = args.wait;
    if let Some(url) = &args.callback_url {
        check_callback_url(url)?;
    }
    if let Some(url) = &args.public_url {
        check_url_flag("--public-url", url)?;
    }
    inv.callback_url = args.callback_url.clone();
    inv.validate_only = args.dry_run_remote;
    Ok(inv)
}

/// Read the payload, refusing one larger than the provider takes in this call.
fn add_payload(args: &InvokeArgs, provider: &dyn Provider, inv: &mut Invocation) -> Result<()> {
    let limit = providers::payload_limit(provider.spec(), inv.mode);
    inv.payload = read_payload(args.data.as_deref(), limit, args.ignore_stdin)?;
    let len = inv.payload.as_ref().map_or(0, Vec::len);
    providers::check_payload(provider.spec(), inv.mode, len)?;
    if let (true, Some(payload)) = (args.validate_json, inv.payload.as_deref()) {
        if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(payload) {
            return Err(Error::Usage(format!(
                "--validate-json: the payload is not valid JSON ({e}): fix it, or drop --validate-json to send it as it is"
            )));
        }
    }
    Ok(())
}

/// The invocation the options shared by `invoke` and `batch` describe (no payload yet).
pub fn call_invocation(function: &str, call: &CallArgs) -> Result<Invocation> {
    let mut inv = Invocation::new(function);
    plain_text("-t/--content-type", &call.content_type)?;
    inv.content_type = call.content_type.clone();
    inv.mode = if call.async_ { Mode::Async } else { Mode::Sync };
    inv.tail = call.tail;
    inv.qualifier = call.qualifier.clone();
    inv.headers = call
        .headers
        .iter()
        .map(|h| parse_header(h))
        .collect::<Result<_>>()?;
    inv.method = call.method.clone();
    inv.query = call
        .query
        .iter()
        .map(|q| match q.split_once('=') {
            Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
            _ => Err(Error::Usage(format!(
                "--query '{q}': a query parameter is written KEY=VALUE (e.g. --query company=Google)"
            ))),
        })
        .collect::<Result<_>>()?;
    Ok(inv)
}

/// The request as text, secrets masked: what `--dry-run` prints.
fn describe(req: &HttpRequest, secret: &[&str]) -> String {
    let mut s = format!("{} {}\n", req.method, req.url());
    for (k, v) in &req.headers {
        s.push_str(&format!("{k}: {}\n", shown_value(k, v, secret)));
    }
    s.push('\n');
    s.push_str(&String::from_utf8_lossy(&req.body));
    if !req.body.is_empty() && !req.body.ends_with(b"\n") {
        s.push('\n');
    }
    s
}

/// Quote for a POSIX shell: single quotes, with `'` written `'\''`.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// The request as a curl command line, secrets masked: what `--curl` prints.
fn curl_command(req: &HttpRequest, secret: &[&str]) -> String {
    let method = if req.method != "GET" || !req.body.is_empty() {
        format!(" -X {}", req.method)
    } else {
        String::new()
    };
    let mut parts = vec![format!("curl -sS{method} {}", shell_quote(&req.url()))];
    for (k, v) in &req.headers {
        parts.push(format!(
            "-H {}",
            shell_quote(&format!("{k}: {}", shown_value(k, v, secret)))
        ));
    }
    if !req.body.is_empty() {
        match std::str::from_utf8(&req.body) {
            Ok(text) => parts.push(format!("--data-binary {}", shell_quote(text))),
            Err(_) => parts.push(format!(
                "--data-binary @payload.bin  # the {}-byte binary payload",
                req.body.len()
            )),
        }
    }
    parts.join(" \\\n  ") + "\n"
}

/// The provider, profile and invocation a command line names.
pub struct Target {
    pub provider: Box<dyn Provider>,
    pub profile: String,
    pub function: String,
}

impl Target {
    pub fn resolve(ctx: &Ctx, inv: &Invocation) -> Result<Target> {
        let cfg = ctx.load_config()?;
        let profile = cfg.select_profile(ctx.profile.as_deref())?;
        let provider = providers::from_profile(profile, &crate::env::process)?;
        let function = provider.function_id(inv)?;
        Ok(Target {
            provider,
            profile: profile.name.clone(),
            function,
        })
    }

    pub fn context(&self, mode: Mode) -> Context<'_> {
        Context {
            provider: self.provider.key(),
            profile: &self.profile,
            function: &self.function,
            mode,
        }
    }
}

/// A made-up id for `--wait` where the provider needs the caller to choose one.
fn generated_invocation_id() -> String {
    format!("fcall-{}", &crate::credentials::random_hex()[..20])
}

pub async fn run(ctx: &Ctx, args: &InvokeArgs) -> Result<u8> {
    let mut inv = invocation(args)?;
    let target = Target::resolve(ctx, &inv)?;
    let provider = target.provider.as_ref();
    add_payload(args, provider, &mut inv)?;
    let caller_id = provider.async_status().is_some_and(|s| s.needs_caller_id());
    if inv.wait && inv.invocation_id.is_none() && caller_id {
        inv.invocation_id = Some(generated_invocation_id());
    }
    let rctx = target.context(inv.mode);
    let checks = Checks {
        expect: expect::compile_all("--expect", &args.check.expect)?,
        jq: args
            .jq
            .as_deref()
            .map(|j| Expr::compile(j).map_err(|e| Error::Usage(format!("--jq: {e}"))))
            .transpose()?,
        pretty: pretty(args.pretty, ctx, std::io::stdout().is_terminal()),
    };
    let result = execute(ctx, args, &checks, provider, inv, &rctx).await;
    if let Err(e) = &result {
        if args.output == OutputFormat::Json {
            let line = output::line(&ErrorEnvelope::new(&rctx, e, None));
            write_json(&line, checks.pretty)?;
        }
    }
    result
}

/// What `--pretty` asks for; without it, everything on a terminal (colours as `--color`,
/// `NO_COLOR` and `TERM` say) and nothing when stdout is piped, whatever `CLICOLOR_FORCE`
/// says: piped, the result stays byte for byte.
fn pretty(flag: Option<PrettyWhat>, ctx: &Ctx, stdout_tty: bool) -> Pretty {
    let (format, colors) = match flag {
        Some(PrettyWhat::All) => (true, true),
        Some(PrettyWhat::Format) => (true, false),
        Some(PrettyWhat::Colors) => (false, true),
        Some(PrettyWhat::None) => (false, false),
        None if stdout_tty => (
            true,
            render::use_color(ctx.color_when.as_str(), &crate::env::process, true),
        ),
        None => (false, false),
    };
    Pretty { format, colors }
}

/// A JSON document for stdout (an envelope, a result): pretty as `how` says, else as it is.
fn write_json(json: &[u8], how: Pretty) -> Result<()> {
    match render::json::pretty(json, how) {
        Some(text) => write_stdout(&text),
        None => write_stdout(json),
    }
}

/// Whether the provider can do what the flags ask, before anything is sent.
fn check_capabilities(args: &InvokeArgs, provider: &dyn Provider, inv: &Invocation) -> Result<()> {
    let by_callback = provider.has(Capability::Callbacks);
    let waits = inv.mode == Mode::Async && args.wait;
    if args.listen.is_some() && !(inv.mode == Mode::Async && by_callback) {
        return Err(Capability::Callbacks.missing(provider.product()));
    }
    if waits && by_callback && args.listen.is_none() {
        return Err(Error::Usage(format!(
            "{} sends the result to a callback URL: add --listen ADDR (e.g. --listen 127.0.0.1:0) to wait for it",
            provider.product()
        )));
    }
    if inv.validate_only && !provider.has(Capability::RemoteCheck) {
        return Err(Capability::RemoteCheck.missing(provider.product()));
    }
    if waits && !by_callback {
        provider.need_async_status()?;
    }
    Ok(())
}

/// `--dry-run` and `--curl`: the request that would be sent, secrets masked.
fn print_request(args: &InvokeArgs, provider: &dyn Provider, mut inv: Invocation) -> Result<u8> {
    if let Some(addr) = &args.listen {
        let base = args
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"));
        inv.callback_url = Some(format!("{}/callback/(secret)", base.trim_end_matches('/')));
    }
    let placeholder = provider.tokens().map(|src| src.placeholder());
    let req = provider.build(&inv, placeholder.as_ref(), now())?;
    crate::http::check_path(&req.path).map_err(Error::Usage)?;
    let secret = if args.show_secrets {
        &[][..]
    } else {
        provider.secret_headers()
    };
    let text = if args.curl {
        curl_command(&req, secret)
    } else {
        describe(&req, secret)
    };
    write_stdout(text.as_bytes())?;
    Ok(code::OK)
}

/// `--listen`: bind the callback receiver, and point the invocation's callback at it.
async fn bind_receiver(args: &InvokeArgs, inv: &mut Invocation) -> Result<Option<Receiver>> {
    let Some(addr) = &args.listen else {
        return Ok(None);
    };
    let r = Receiver::bind(addr).await?;
    inv.callback_url = Some(r.new_url(args.public_url.as_deref()));
    Ok(Some(r))
}

/// What to do with the result and the envelope once there is one: `--expect`, `--jq`, and
/// how a JSON document on stdout is shown (`--pretty`).
struct Checks {
    expect: Vec<Expr>,
    jq: Option<Expr>,
    pretty: Pretty,
}

impl Checks {
    /// Whether the result must be read whole (to be looked at), not streamed to stdout.
    fn look_at_result(&self) -> bool {
        !self.expect.is_empty() || self.jq.is_some()
    }
}

async fn execute(
    ctx: &Ctx,
    args: &InvokeArgs,
    checks: &Checks,
    provider: &dyn Provider,
    mut inv: Invocation,
    rctx: &Context<'_>,
) -> Result<u8> {
    check_capabilities(args, provider, &inv)?;
    if args.dry_run || args.curl {
        return print_request(args, provider, inv);
    }
    if inv.tail && inv.mode == Mode::Async {
        warn("--tail has no effect on an async invocation: its log is not returned");
    } else if let Some(note) = provider.tail_note(&inv) {
        warn(&note);
    }
    let mut receiver = bind_receiver(args, &mut inv).await?;
    let inv = &inv;
    let human = args.output == OutputFormat::Human;
    let options = args.net.options(ctx.verbose).announcing_retries(human);
    let session = Session::new(provider, &options)?;
    let started = Instant::now();
    let submitted = now();
    let stream_ok = !checks.look_at_result();
    let received = send_until_ready(args, &session, inv, started, stream_ok, checks.pretty).await?;
    let (resp, streamed) = match received {
        Received::Whole(resp) => (resp, None),
        Received::Streaming(body) => {
            let head = body.head().clone();
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::with_capacity(STDOUT_BUFFER, stdout.lock());
            let copied = body.copy_to(&mut out).await?;
            (head, Some(copied))
        }
    };
    let round_trip = started.elapsed();
    let mut outcome = provider.interpret(inv, &resp)?;
    if provider.has(Capability::ReadsLogs) {
        super::logs::note_cut_tail(ctx, inv, &mut outcome);
    }
    if args.logs && inv.mode == Mode::Sync {
        let spinner = std::io::stderr().is_terminal() && args.output == OutputFormat::Human;
        let wait = Duration::from_secs(args.logs_wait);
        let window = (submitted, now());
        super::logs::attach(&session, inv, &mut outcome, window, wait, spinner).await;
    }
    if inv.mode == Mode::Async && args.wait {
        if args.output == OutputFormat::Human {
            let id = outcome.async_id.as_deref();
            let what = id.map(|i| format!(" · {i}")).unwrap_or_default();
            eprintln!(
                "accepted{} · waiting for it to finish",
                crate::terminal::escape_line(&what)
            );
        }
        let state = match receiver.as_mut() {
            Some(r) => await_callback(args, provider, r, &mut outcome, started).await?,
            None => {
                let id = outcome.async_id.clone().ok_or_else(|| {
                    Error::Refused(format!(
                        "{} accepted the call but gave no id to wait on",
                        provider.product()
                    ))
                })?;
                let limit = Duration::from_secs(args.net.timeout.max(1));
                let show = std::io::stderr().is_terminal()
                    && args.output == OutputFormat::Human
                    && !super::in_ci();
                wait(&session, inv, &id, submitted, limit, show).await?
            }
        };
        let ended = Ended {
            state: Some(state),
            streamed: None,
            round_trip,
            elapsed: Some(started.elapsed()),
        };
        return finish(ctx, args, checks, rctx, outcome, ended);
    }
    let ended = Ended {
        state: None,
        streamed,
        round_trip,
        elapsed: None,
    };
    finish(ctx, args, checks, rctx, outcome, ended)
}

/// Send the invocation; with `--wait`, ask again (with backoff, within `--timeout`) while
/// the provider says the function is not ready: such an answer ran nothing.
async fn send_until_ready(
    args: &InvokeArgs,
    session: &Session<'_>,
    inv: &Invocation,
    started: Instant,
    stream_ok: bool,
    pretty: Pretty,
) -> Result<Received> {
    let provider = session.provider;
    let limit = Duration::from_secs(args.net.timeout.max(1));
    let mut delay = Duration::from_millis(250);
    // a raw result on stdout is copied as it arrives, never held whole; the JSON envelope
    // embeds the result, so it is read whole, and so is one that may be JSON to pretty-print
    let to_stdout = stream_ok && args.output == OutputFormat::Human && inv.mode == Mode::Sync;
    let streams = |head: &HttpResponse| {
        to_stdout && provider.streams_result(inv, head) && !(pretty.any() && may_be_json(head))
    };
    loop {
        let received = session
            .send_streaming(
                |token, now| provider.build(inv, token, now),
                provider.retry_throttled(inv),
                &streams,
            )
            .await?;
        let not_ready = match &received {
            Received::Whole(resp) => args.wait && provider.not_ready(resp),
            Received::Streaming(_) => false,
        };
        if !not_ready || started.elapsed() + delay > limit {
            return Ok(received);
        }
        if args.output == OutputFormat::Human {
            eprintln!(
                "function not ready yet; asking again in {} ms",
                delay.as_millis()
            );
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}

/// Whether a result may be JSON to pretty-print, by its `Content-Type`: JSON, plain text
/// (what many functions call their JSON), or none; a result of any other type streams.
fn may_be_json(head: &HttpResponse) -> bool {
    match head.header("Content-Type") {
        None => true,
        Some(t) => {
            let t = t.to_ascii_lowercase();
            t.contains("json") || t.starts_with("text/plain") || t.trim().is_empty()
        }
    }
}

/// `--listen`: the callback that ends the invocation, within `--timeout`.
async fn await_callback(
    args: &InvokeArgs,
    provider: &dyn Provider,
    receiver: &mut Receiver,
    outcome: &mut Outcome,
    started: Instant,
) -> Result<AsyncState> {
    let callbacks = provider
        .callbacks()
        .ok_or_else(|| Capability::Callbacks.missing(provider.product()))?;
    let limit = Duration::from_secs(args.net.timeout.max(1));
    let cb = loop {
        let left = limit.saturating_sub(started.elapsed());
        let cb = tokio::time::timeout(left, receiver.next())
            .await
            .ok()
            .flatten()
            .ok_or_else(|| {
                Error::Transport(format!(
                    "no callback arrived within {} s (raise --timeout to wait longer)",
                    limit.as_secs()
                ))
            })?;
        // the provider named the call: only a callback for that call is its result
        match (&outcome.async_id, &cb.call_id) {
            (Some(want), got) if got.as_ref() != Some(want) => warn(&format!(
                "ignored a callback for call {} while waiting for {want}",
                got.as_deref().unwrap_or("(no X-Call-Id)")
            )),
            _ => break cb,
        }
    };
    if let Some(d) = cb.duration_secs {
        outcome.summary.duration_ms = Some(d * 1000.0);
    }
    if outcome.request_id.is_none() {
        outcome.request_id = cb.call_id.clone();
    }
    Ok(callbacks.interpret_callback(&cb))
}

/// One status query for an accepted async invocation.
pub async fn look(
    session: &Session<'_>,
    inv: &Invocation,
    id: &str,
    submitted: OffsetDateTime,
) -> Result<AsyncState> {
    let status = session.provider.need_async_status()?;
    let resp = session
        .send(
            |token, now| status.status_request(inv, id, submitted, token, now),
            true,
        )
        .await?;
    status.interpret_status(id, &resp)
}

/// Poll the status API with backoff until the invocation ends or `--timeout` runs out.
/// `show`: draw a spinner on stderr meanwhile.
pub async fn wait(
    session: &Session<'_>,
    inv: &Invocation,
    id: &str,
    submitted: OffsetDateTime,
    limit: Duration,
    show: bool,
) -> Result<AsyncState> {
    let product = session.provider.product();
    let spinner = if show {
        let s = indicatif::ProgressBar::new_spinner();
        s.enable_steady_tick(Duration::from_millis(120));
        s
    } else {
        indicatif::ProgressBar::hidden()
    };
    let started = Instant::now();
    let mut delay = Duration::from_millis(200);
    let mut not_found = 0;
    loop {
        let state = look(session, inv, id, submitted).await?;
        match &state {
            AsyncState::Pending(s) => {
                spinner.set_message(format!("{s} · {:.0?} elapsed", started.elapsed()));
            }
            AsyncState::NotFound => {
                not_found += 1;
                if not_found >= 10 {
                    spinner.finish_and_clear();
                    return Err(Error::Refused(format!(
                        "{product} does not know async invocation {id}: check that async status records are enabled for the function (FunctionGraph: enable_async_status_log; Function Compute: stateful async invocation)"
                    )));
                }
            }
            _ => {
                spinner.finish_and_clear();
                return Ok(state);
            }
        }
        if started.elapsed() + delay > limit {
            spinner.finish_and_clear();
            return Err(Error::Transport(format!(
                "async invocation {id} had not finished after {} s (raise --timeout to wait longer)",
                limit.as_secs()
            )));
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}

/// Whether stdout and stderr are the same file or pipe (`2>&1`).
fn stdout_is_stderr() -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        let id = |fd: u8| {
            std::fs::metadata(format!("/proc/self/fd/{fd}"))
                .ok()
                .map(|m| (m.dev(), m.ino()))
        };
        matches!((id(1), id(2)), (Some(a), Some(b)) if a == b)
    }
    #[cfg(not(target_os = "linux"))]
    false
}

/// Writes to stdout are gathered into blocks of this size while a result streams.
const STDOUT_BUFFER: usize = 64 << 10;

/// What `--wait` learnt, applied to the outcome: the final result or failure; the
/// provider's word for the final status.
pub fn apply_state(outcome: &mut Outcome, state: Option<AsyncState>) -> Option<String> {
    match state? {
        AsyncState::Succeeded { status, result } => {
            if let Some(r) = result {
                outcome.result = r;
            }
            Some(status)
        }
        AsyncState::Failed { status, message } => {
            outcome.function_error = Some(FunctionError {
                kind: status.clone(),
                message,
            });
            Some(status)
        }
        _ => None,
    }
}

/// How a call ended, besides its outcome.
struct Ended {
    /// What `--wait` learnt.
    state: Option<AsyncState>,
    /// The result was copied to stdout already, as it arrived.
    streamed: Option<Copied>,
    /// From sending the call to having its answer (and result) whole.
    round_trip: Duration,
    /// With `--wait`: from sending the call to learning how it ended.
    elapsed: Option<Duration>,
}

/// Print the outcome: result on stdout (or the envelope, or `--jq`'s output), report on
/// stderr; the exit code, by the expectations' verdict.
fn finish(
    ctx: &Ctx,
    args: &InvokeArgs,
    checks: &Checks,
    rctx: &Context,
    mut outcome: Outcome,
    ended: Ended,
) -> Result<u8> {
    let streamed = ended.streamed;
    let status_word = apply_state(&mut outcome, ended.state);
    let envelope = Envelope::new(rctx, &outcome, status_word.as_deref(), None);
    let checked = match checks.expect.is_empty() {
        true => Vec::new(),
        false => expect::check_all(&checks.expect, &output::line(&envelope)),
    };
    let code = expect::verdict(outcome.function_error.is_some(), &checked);
    let envelope = match checked.is_empty() {
        true => envelope,
        false => envelope.with_expectations(&checked),
    };
    if let Some(jq) = &checks.jq {
        print_jq(jq, &output::line(&envelope))?;
    } else if args.output == OutputFormat::Json {
        write_json(&output::line(&envelope), checks.pretty)?;
    }
    if args.output == OutputFormat::Human {
        let mut report = String::new();
        let shows_result = rctx.mode == Mode::Sync || !outcome.result.is_empty();
        if checks.jq.is_none() && (shows_result || streamed.is_some()) {
            write_result(&outcome.result, streamed, checks.pretty, &mut report)?;
        }
        let how = render::Report {
            mode: rctx.mode,
            async_status: status_word.as_deref(),
            round_trip: Some(ended.round_trip),
            elapsed: ended.elapsed,
            color: ctx.color,
            width: super::report_width(std::io::stderr().is_terminal()),
        };
        report.push_str(&render::human_report(&outcome, &how));
        report.push_str(&render::unmet_expectations(&checked, ctx.color));
        eprint!("{report}");
    }
    Ok(code)
}

/// The result on stdout, byte for byte (unless it streamed there already) or, when it is
/// JSON, pretty as `--pretty` says; a line break after it only where a person reads it, or
/// before the report when both share a file.
fn write_result(
    result: &[u8],
    streamed: Option<Copied>,
    pretty: Pretty,
    report: &mut String,
) -> Result<()> {
    let (len, last) = match streamed {
        Some(c) => (c.bytes, c.last),
        None => match render::json::pretty(result, pretty) {
            Some(text) => {
                write_stdout(&text)?;
                (text.len() as u64, text.last().copied())
            }
            None => {
                write_stdout(result)?;
                (result.len() as u64, result.last().copied())
            }
        },
    };
    let unended = len > 0 && last != Some(b'\n');
    let stdout_tty = std::io::stdout().is_terminal();
    if stdout_tty && unended {
        write_stdout(b"\n")?;
    }
    // stdout stays byte-exact; when both streams land in one place, start the report on a
    // line of its own
    if !stdout_tty && unended && stdout_is_stderr() {
        report.push('\n');
    }
    Ok(())
}

/// `--jq`: the expression's outputs over the envelope, one per line.
fn print_jq(jq: &Expr, envelope: &[u8]) -> Result<()> {
    let outputs = jq
        .run(envelope)
        .map_err(|e| Error::Usage(format!("--jq: {e}")))?;
    let mut text = String::new();
    for v in &outputs {
        text.push_str(&expect::plain(v));
        text.push('\n');
    }
    write_stdout(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_parse_or_explain() {
        assert_eq!(
            parse_header("X-Trace:  1 ").unwrap(),
            ("X-Trace".to_string(), "1".to_string())
        );
        assert_eq!(parse_header("A: b: c").unwrap().1, "b: c");
        for bad in ["novalue", ": x", "bad header: x"] {
            let e = parse_header(bad).unwrap_err();
            assert_eq!(e.code(), code::USAGE, "{bad}");
            assert!(e.to_string().contains("Name: value"));
        }
        // a header missing its colon is not echoed past its name: the value may be a secret
        let e = parse_header("Authorization Bearer s3cret").unwrap_err();
        assert!(e.to_string().starts_with("-H 'Authorization…'"), "{e}");
        assert!(!e.to_string().contains("s3cret"));
    }

    #[test]
    fn curl_quotes_and_masks() {
        let mut r = HttpRequest::new("POST", "https://h", "/p");
        r.query.push(("q".into(), "a b".into()));
        r.set_header("Authorization", "FC ak:sig");
        r.body = b"{\"it's\":1}".to_vec();
        assert_eq!(
            curl_command(&r, &["authorization"]),
            "curl -sS -X POST 'https://h/p?q=a%20b' \\\n  -H 'Authorization: ****' \\\n  --data-binary '{\"it'\\''s\":1}'\n"
        );
        let get = HttpRequest::new("GET", "https://h", "/p");
        assert_eq!(curl_command(&get, &[]), "curl -sS 'https://h/p'\n");
    }

    #[test]
    fn describe_masks_secrets() {
        let mut r = HttpRequest::new("POST", "https://h", "/p");
        r.set_header("X-Auth-Token", "s3cret");
        r.set_header("Content-Type", "application/json");
        r.body = b"{}".to_vec();
        let d = describe(&r, &["x-auth-token"]);
        assert_eq!(
            d,
            "POST https://h/p\nX-Auth-Token: ****\nContent-Type: application/json\n\n{}\n"
        );
    }
}
