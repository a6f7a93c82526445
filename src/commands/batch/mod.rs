//! `fcall batch`: one invocation per NDJSON input line, run concurrently, printed in input
//! order.
//!
//! A reader thread turns the input into [`Line`]s and hands them over in chunks through a
//! bounded channel (the input is never read whole; a chunk goes as soon as the next read
//! would wait, so lines typed at a terminal start at once). The main task keeps an ordered
//! window of lines: at most `-j` calls in flight (polled only when woken, in a
//! `FuturesUnordered`), and lines that finished ahead of an earlier one wait in the window
//! (at most 2 × `-j` lines) until everything before them is printed. Printed lines are
//! gathered and written when nothing else is ready, not one write per line. All calls
//! share one [`Session`], so the provider's token is fetched once and connections are
//! kept alive and reused.

use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, BufReader, IsTerminal, Read, Write};
use std::path::Path;
use std::pin::pin;
use std::time::{Duration, Instant};

use futures_util::stream::{FuturesUnordered, StreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::value::RawValue;
use serde_json::{json, Value as Json};

use super::invoke::{call_invocation, net_options, Target};
use super::session::Session;
use super::{print_error, process_env, warn, Ctx};
use crate::cli::BatchArgs;
use crate::error::{code, Error, Result};
use crate::invocation::{Invocation, Mode};
use crate::render::{self, Context};

/// One non-blank input line, ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// 1-based line number in the input (blank lines count).
    pub no: u64,
    /// The line's `id` (`{"payload":…,"id":…}` form), else null.
    pub id: Json,
    pub payload: Vec<u8>,
    /// A qualifier for this line only.
    pub qualifier: Option<String>,
    /// Why the line cannot be sent (a malformed `{"payload":…}` object).
    pub error: Option<String>,
}

/// Parse one input line (with or without its newline); `None` for a blank line.
pub fn parse_line(no: u64, raw: &[u8]) -> Option<Line> {
    let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    if raw.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    let mut line = Line {
        no,
        id: Json::Null,
        payload: raw.to_vec(),
        qualifier: None,
        error: None,
    };
    match wrapped(raw) {
        None => {}
        Some(Ok((payload, id, qualifier))) => {
            line.payload = payload;
            line.id = id;
            line.qualifier = qualifier;
        }
        Some(Err(e)) => line.error = Some(e),
    }
    Some(line)
}

type Wrapped = (Vec<u8>, Json, Option<String>);

/// The `{"payload": P, "id": ID, "qualifier": Q}` form: `None` when the line is not a
/// JSON object with a `payload` key (it is then sent as is).
fn wrapped(raw: &[u8]) -> Option<std::result::Result<Wrapped, String>> {
    let first = raw.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first != b'{' || !raw.windows(9).any(|w| w == b"\"payload\"") {
        return None;
    }
    let map: BTreeMap<String, &RawValue> = serde_json::from_slice(raw).ok()?;
    let payload = map.get("payload")?;
    Some(unwrap_object(&map, payload))
}

fn unwrap_object(
    map: &BTreeMap<String, &RawValue>,
    payload: &RawValue,
) -> std::result::Result<Wrapped, String> {
    if let Some(k) = map
        .keys()
        .find(|k| !matches!(k.as_str(), "payload" | "id" | "qualifier"))
    {
        return Err(format!(
            "a {{\"payload\":…}} line may only have the keys payload, id and qualifier, not '{k}' \
             (to send an object with a payload key as is, wrap it: {{\"payload\": {{…}}}})"
        ));
    }
    let payload = match serde_json::from_str::<String>(payload.get()) {
        Ok(text) => text.into_bytes(),
        Err(_) => payload.get().as_bytes().to_vec(),
    };
    let id = match map.get("id").map(|v| serde_json::from_str::<Json>(v.get())) {
        None => Json::Null,
        Some(Ok(v @ (Json::Null | Json::String(_) | Json::Number(_)))) => v,
        Some(_) => return Err("\"id\" must be a string or a number".into()),
    };
    let qualifier = match map
        .get("qualifier")
        .map(|v| serde_json::from_str::<Json>(v.get()))
    {
        None | Some(Ok(Json::Null)) => None,
        Some(Ok(Json::String(q))) => Some(q),
        Some(_) => return Err("\"qualifier\" must be a string (a version or alias)".into()),
    };
    Ok((payload, id, qualifier))
}

/// How bad an exit code is, for the batch's exit code: 5 > 4 > 3 > 2 > 1 > 6 > 0.
fn rank(c: u8) -> u8 {
    match c {
        code::OK => 0,
        code::FUNCTION => 1,
        c if c <= code::TRANSPORT => c + 1,
        _ => 7,
    }
}

/// The more severe of two exit codes.
pub fn worse(a: u8, b: u8) -> u8 {
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

/// Latencies in logarithmic buckets (1 % apart, 1 µs to about an hour): percentiles with
/// memory that does not grow with the number of lines.
pub struct Histogram {
    buckets: Vec<u64>,
    n: u64,
}

const GROWTH: f64 = 1.01;
const BUCKETS: usize = 2200;

impl Default for Histogram {
    fn default() -> Self {
        Histogram {
            buckets: vec![0; BUCKETS],
            n: 0,
        }
    }
}

impl Histogram {
    pub fn record(&mut self, d: Duration) {
        let us = (d.as_secs_f64() * 1e6).max(1.0);
        let i = (us.ln() / GROWTH.ln()).floor() as usize;
        self.buckets[i.min(BUCKETS - 1)] += 1;
        self.n += 1;
    }

    /// The `p` quantile (0 < p ≤ 1) in milliseconds, to within 1 %.
    pub fn quantile_ms(&self, p: f64) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        let want = ((p * self.n as f64).ceil() as u64).clamp(1, self.n);
        let mut seen = 0;
        for (i, c) in self.buckets.iter().enumerate() {
            seen += c;
            if seen >= want {
                return Some(GROWTH.powf(i as f64 + 0.5) / 1000.0);
            }
        }
        None
    }
}

/// Counts for the summary line and the exit code.
#[derive(Default)]
struct Stats {
    count: u64,
    ok: u64,
    function: u64,
    refused: u64,
    transport: u64,
    bad: u64,
    internal: u64,
    exit: u8,
    latency: Histogram,
}

impl Stats {
    fn add(&mut self, d: &Done) {
        self.count += 1;
        match d.code {
            code::OK => self.ok += 1,
            code::FUNCTION => self.function += 1,
            code::CONFIG | code::REFUSED => self.refused += 1,
            code::TRANSPORT => self.transport += 1,
            code::USAGE => self.bad += 1,
            _ => self.internal += 1,
        }
        self.exit = worse(self.exit, d.code);
        if let Some(l) = d.latency {
            self.latency.record(l);
        }
    }

    fn failed(&self) -> u64 {
        self.count - self.ok
    }

    fn summary(&self, note: Option<&str>) -> String {
        let mut parts = vec![
            format!(
                "{} invocation{}",
                self.count,
                if self.count == 1 { "" } else { "s" }
            ),
            format!("ok {}", self.ok),
            format!("function errors {}", self.function),
            format!("refused {}", self.refused),
            format!("transport errors {}", self.transport),
        ];
        if self.bad > 0 {
            parts.push(format!("bad lines {}", self.bad));
        }
        if self.internal > 0 {
            parts.push(format!("internal errors {}", self.internal));
        }
        let q = |p| {
            self.latency
                .quantile_ms(p)
                .map(ms)
                .unwrap_or_else(|| "-".into())
        };
        parts.push(format!(
            "latency p50 {} · p95 {} · p99 {}",
            q(0.50),
            q(0.95),
            q(0.99)
        ));
        if let Some(n) = note {
            parts.push(n.to_string());
        }
        format!("batch: {}", parts.join(" · "))
    }
}

fn ms(v: f64) -> String {
    if v < 100.0 {
        format!("{v:.1} ms")
    } else {
        format!("{v:.0} ms")
    }
}

/// A finished line: its envelope (one line of text) and its exit code.
struct Done {
    text: Vec<u8>,
    code: u8,
    /// How long the call took, when a request was made.
    latency: Option<Duration>,
}

/// One line's invocation, rendered as its envelope.
async fn call_line(session: &Session<'_>, target: &Target, base: &Invocation, line: Line) -> Done {
    let provider = session.provider;
    let mut inv = base.clone();
    inv.payload = Some(line.payload);
    let function = match &line.qualifier {
        Some(q) => {
            inv.qualifier = Some(q.clone());
            provider.function_id(&inv)
        }
        None => Ok(target.function.clone()),
    };
    let shown = function
        .as_ref()
        .map_or_else(|_| target.function.clone(), Clone::clone);
    let mut latency = None;
    let result = match (line.error, function) {
        (Some(e), _) => Err(Error::Usage(format!("line {}: {e}", line.no))),
        (None, Err(e)) => Err(e),
        (None, Ok(_)) => {
            let started = Instant::now();
            let inv = &inv;
            let r = session
                .send(
                    |token, now| provider.build(inv, token, now),
                    provider.retry_throttled(inv),
                )
                .await
                .and_then(|resp| provider.interpret(inv, &resp));
            latency = Some(started.elapsed());
            r
        }
    };
    let rctx = Context {
        provider: provider.key(),
        profile: &target.profile,
        function: &shown,
        mode: inv.mode,
    };
    let mut text = Vec::with_capacity(1024);
    let code = match &result {
        Ok(out) => {
            // straight into bytes: no intermediate JSON value to build, sort and drop
            if render::write_envelope(&rctx, out, Some((line.no, &line.id)), &mut text).is_err() {
                // not expected (string keys, plain numbers); the slower way then
                let mut envelope = render::envelope(&rctx, out, None);
                if let Json::Object(m) = &mut envelope {
                    m.insert("line".into(), json!(line.no));
                    m.insert("id".into(), line.id.clone());
                }
                text = envelope.to_string().into_bytes();
            }
            if out.function_error.is_some() {
                code::FUNCTION
            } else {
                code::OK
            }
        }
        Err(e) => {
            let mut envelope = render::error_envelope(&rctx, e);
            if let Json::Object(m) = &mut envelope {
                m.insert("line".into(), json!(line.no));
                m.insert("id".into(), line.id);
            }
            text = envelope.to_string().into_bytes();
            e.code()
        }
    };
    text.push(b'\n');
    Done {
        text,
        code,
        latency,
    }
}

type Item = std::result::Result<Line, String>;

/// Lines handed from the reader thread to the main task at a time, at most.
const CHUNK: usize = 256;

/// The next input line, once `--rate` allows another start: from the chunk at hand, else
/// from the next chunk the reader sends (`None` when the input has ended).
async fn next_line(
    rx: &mut tokio::sync::mpsc::Receiver<Vec<Item>>,
    queued: &mut VecDeque<Item>,
    not_before: Option<tokio::time::Instant>,
) -> Option<Item> {
    if let Some(t) = not_before {
        tokio::time::sleep_until(t).await;
    }
    while queued.is_empty() {
        queued.extend(rx.recv().await?);
    }
    queued.pop_front()
}

/// Read lines into the channel, in chunks, until the input ends, fails, or nobody listens.
/// A chunk is sent when it is full or when the next read would have to wait for input.
fn read_lines(input: Box<dyn Read + Send>, tx: tokio::sync::mpsc::Sender<Vec<Item>>) {
    let mut reader = BufReader::with_capacity(64 << 10, input);
    let mut buf = Vec::new();
    let mut no = 0u64;
    let mut chunk = Vec::with_capacity(CHUNK);
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => no += 1,
            Err(e) => {
                chunk.push(Err(format!("cannot read the input after line {no}: {e}")));
                break;
            }
        }
        if let Some(line) = parse_line(no, &buf) {
            chunk.push(Ok(line));
        }
        if chunk.len() >= CHUNK || (!chunk.is_empty() && reader.buffer().is_empty()) {
            let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
            if tx.blocking_send(full).is_err() {
                return;
            }
        }
    }
    if !chunk.is_empty() {
        let _ = tx.blocking_send(chunk);
    }
}

/// Count the non-blank lines of a file (for the progress bar's total).
fn count_lines(path: &Path) -> Option<u64> {
    let mut reader = BufReader::with_capacity(64 << 10, std::fs::File::open(path).ok()?);
    let mut buf = Vec::new();
    let mut n = 0;
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) => return Some(n),
            Ok(_) if !buf.iter().all(u8::is_ascii_whitespace) => n += 1,
            Ok(_) => {}
            Err(_) => return None,
        }
    }
}

/// `--input`: the file, or stdin for `-`.
fn open_input(path: &Path) -> Result<(Box<dyn Read + Send>, Option<&Path>)> {
    if path == Path::new("-") {
        if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
            eprintln!("reading NDJSON lines from the terminal; end with Ctrl-D");
        }
        return Ok((Box::new(std::io::stdin()), None));
    }
    let shown = path.display();
    if path.is_dir() {
        return Err(Error::Usage(format!(
            "--input {shown}: is a directory: give an NDJSON file, or - for stdin"
        )));
    }
    let file = std::fs::File::open(path).map_err(|e| {
        Error::Usage(format!(
            "--input {shown}: cannot open the input: {e}: give an existing NDJSON file, or - for stdin"
        ))
    })?;
    Ok((Box::new(file), Some(path)))
}

/// Whether `CI` says we run in CI (no progress bars there).
fn in_ci() -> bool {
    process_env("CI").is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
}

fn progress(count_from: Option<&Path>) -> ProgressBar {
    if !std::io::stderr().is_terminal() || in_ci() {
        return ProgressBar::hidden();
    }
    let spinner = ProgressStyle::with_template("{spinner} {pos} done · {msg} · {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    let bar = ProgressBar::new_spinner().with_style(spinner);
    bar.set_message("0/s · 0 failed");
    bar.enable_steady_tick(Duration::from_millis(120));
    if let Some(path) = count_from {
        let path = path.to_path_buf();
        let bar = bar.clone();
        std::thread::spawn(move || {
            if let Some(n) = count_lines(&path) {
                if !bar.is_finished() {
                    let style =
                        ProgressStyle::with_template("{wide_bar} {pos}/{len} · {msg} · eta {eta}")
                            .unwrap_or_else(|_| ProgressStyle::default_bar());
                    bar.set_length(n);
                    bar.set_style(style);
                }
            }
        });
    }
    bar
}

/// Write finished envelopes to stdout; `false` when the reader went away (`| head`).
fn emit(text: &[u8], bar: &ProgressBar) -> Result<bool> {
    let write = || {
        let mut out = std::io::stdout().lock();
        out.write_all(text).and_then(|_| out.flush())
    };
    let r = if bar.is_hidden() || !std::io::stdout().is_terminal() {
        write()
    } else {
        bar.suspend(write)
    };
    match r {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(false),
        Err(e) => Err(Error::Internal(format!("cannot write to stdout: {e}"))),
    }
}

/// Printed lines are gathered up to this size before they are written, at most.
const OUT_BUFFER: usize = 64 << 10;

/// Why no more lines are started.
enum Stop {
    FailFast,
    InputError,
    StdoutGone,
}

enum Event {
    Interrupted,
    /// A call finished: its place in the window (counted from the first line ever started).
    Finished(u64, Done),
    Input(Option<Item>),
    /// Nothing else is ready: write what is gathered.
    Flush,
}

/// Lines in input order from the first not yet printed: `None` while a call runs.
struct Window {
    slots: VecDeque<Option<Done>>,
    /// The sequence number of `slots[0]`.
    first: u64,
}

impl Window {
    /// Take a place for a new call; its sequence number.
    fn push(&mut self) -> u64 {
        self.slots.push_back(None);
        self.first + self.slots.len() as u64 - 1
    }

    fn finish(&mut self, seq: u64, done: Done) {
        if let Some(slot) = self.slots.get_mut((seq - self.first) as usize) {
            *slot = Some(done);
        }
    }

    /// The finished lines at the front, in order.
    fn pop_ready(&mut self) -> Option<Done> {
        match self.slots.front() {
            Some(Some(_)) => {
                self.first += 1;
                self.slots.pop_front().flatten()
            }
            _ => None,
        }
    }
}

pub async fn run(ctx: &Ctx, args: &BatchArgs) -> Result<u8> {
    let mut base = call_invocation(&args.function, &args.call)?;
    base.callback_url = args.callback_url.clone();
    let (input, input_path) = open_input(&args.input)?;
    let target = Target::resolve(ctx, &base)?;
    let provider = target.provider.as_ref();
    if base.mode == Mode::Async && provider.delivers_by_callback() && base.callback_url.is_none() {
        return Err(Error::Usage(format!(
            "{} sends async results to a callback URL: add --callback-url URL (`fcall listen` prints one)",
            provider.product()
        )));
    }
    if base.tail && base.mode == Mode::Async {
        warn("--tail has no effect on an async invocation: its log is not returned");
    }
    let session = Session::new(provider, &net_options(ctx, &args.net))?;

    let mut ctrl_c = pin!(tokio::signal::ctrl_c());
    tokio::select! {
        biased;
        _ = &mut ctrl_c => return Err(Error::Interrupted),
        r = session.prepare() => r?,
    }

    let jobs = args.jobs.max(1) as usize;
    let window_cap = 2 * jobs;
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<Item>>(2);
    std::thread::spawn(move || read_lines(input, tx));
    let bar = progress(input_path);
    let started = Instant::now();
    let interval = args.rate.map(|r| Duration::from_secs_f64(1.0 / r));
    let mut not_before: Option<tokio::time::Instant> = None;

    let mut stats = Stats::default();
    let mut window = Window {
        slots: VecDeque::with_capacity(window_cap),
        first: 0,
    };
    let mut queued: VecDeque<Item> = VecDeque::with_capacity(CHUNK);
    let mut running = FuturesUnordered::new();
    let (session, target, base) = (&session, &target, &base);
    let mut input_done = false;
    let mut stop: Option<Stop> = None;
    let mut interrupted = false;
    let mut out = Vec::with_capacity(OUT_BUFFER);
    let flush = |out: &mut Vec<u8>, stats: &Stats| -> Result<bool> {
        let open = emit(out, &bar)?;
        out.clear();
        if !bar.is_hidden() {
            bar.set_position(stats.count);
            let rate = stats.count as f64 / started.elapsed().as_secs_f64().max(1e-3);
            bar.set_message(format!("{rate:.0}/s · {} failed", stats.failed()));
        }
        Ok(open)
    };
    loop {
        // gather the finished lines at the front of the window, in order
        while let Some(d) = window.pop_ready() {
            stats.add(&d);
            out.extend_from_slice(&d.text);
        }
        if out.len() >= OUT_BUFFER && !flush(&mut out, &stats)? {
            stop = Some(Stop::StdoutGone);
            break;
        }
        if window.slots.is_empty() && (input_done || stop.is_some()) {
            break;
        }
        let can_start = stop.is_none()
            && !input_done
            && running.len() < jobs
            && window.slots.len() < window_cap;
        let event = tokio::select! {
            biased;
            _ = &mut ctrl_c => Event::Interrupted,
            Some((seq, done)) = running.next(), if !running.is_empty() => Event::Finished(seq, done),
            item = next_line(&mut rx, &mut queued, not_before), if can_start => Event::Input(item),
            _ = std::future::ready(()), if !out.is_empty() => Event::Flush,
        };
        match event {
            Event::Interrupted => {
                interrupted = true;
                break;
            }
            Event::Finished(seq, done) => {
                if done.code != code::OK && args.fail_fast && stop.is_none() {
                    stop = Some(Stop::FailFast);
                }
                window.finish(seq, done);
            }
            Event::Input(None) => input_done = true,
            Event::Input(Some(Err(e))) => {
                bar.suspend(|| print_error(&Error::Usage(e)));
                stats.exit = worse(stats.exit, code::USAGE);
                stop = Some(Stop::InputError);
            }
            Event::Input(Some(Ok(line))) => {
                if let Some(iv) = interval {
                    let now = tokio::time::Instant::now();
                    not_before = Some(not_before.map_or(now, |t| t.max(now)) + iv);
                }
                let seq = window.push();
                running.push(async move { (seq, call_line(session, target, base, line).await) });
            }
            Event::Flush => {
                if !flush(&mut out, &stats)? {
                    stop = Some(Stop::StdoutGone);
                    break;
                }
            }
        }
    }
    // what finished in order is printed; calls still in flight are dropped (aborted)
    while let Some(d) = window.pop_ready() {
        stats.add(&d);
        out.extend_from_slice(&d.text);
    }
    if !out.is_empty() && !matches!(stop, Some(Stop::StdoutGone)) {
        flush(&mut out, &stats)?;
    }
    let abandoned = window.slots.len();
    drop(running);
    bar.finish_and_clear();
    let note = if interrupted {
        Some(format!(
            "interrupted ({abandoned} unfinished line{} not printed)",
            if abandoned == 1 { "" } else { "s" }
        ))
    } else {
        match stop {
            Some(Stop::FailFast) => Some("stopped at the first failure (--fail-fast)".into()),
            Some(Stop::StdoutGone) => Some("stdout closed: stopped".into()),
            _ => None,
        }
    };
    eprintln!("{}", stats.summary(note.as_deref()));
    if interrupted {
        return Err(Error::Interrupted);
    }
    Ok(stats.exit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(raw: &str) -> Line {
        parse_line(3, raw.as_bytes()).expect("not blank")
    }

    #[test]
    fn plain_lines_are_sent_as_is() {
        let l = line("{\"a\": 1}\r\n");
        assert_eq!(l.payload, b"{\"a\": 1}");
        assert_eq!(
            (l.no, &l.id, &l.qualifier, &l.error),
            (3, &Json::Null, &None, &None)
        );
        assert_eq!(line("hello world").payload, b"hello world");
        // not an object, or not valid JSON, or no payload key: as is
        assert_eq!(line("[\"payload\"]").payload, b"[\"payload\"]");
        assert_eq!(line("{\"payload\": oops").payload, b"{\"payload\": oops");
        assert_eq!(line("{\"payloads\":1}").payload, b"{\"payloads\":1}");
        for blank in ["", "\n", "  \t\r\n", "\r"] {
            assert_eq!(parse_line(1, blank.as_bytes()), None, "{blank:?}");
        }
    }

    #[test]
    fn payload_objects_are_unwrapped() {
        let l = line(r#"{"id": "a-1", "payload": {"b": 1, "a": 12345678901234567890123}}"#);
        assert_eq!(l.payload, br#"{"b": 1, "a": 12345678901234567890123}"#);
        assert_eq!(l.id, json!("a-1"));
        let l = line(r#"{"payload":"some \"text\"\n","id":7,"qualifier":"v2"}"#);
        assert_eq!(l.payload, b"some \"text\"\n");
        assert_eq!(l.id, json!(7));
        assert_eq!(l.qualifier.as_deref(), Some("v2"));
        let l = line(r#"{"payload":{"payload":1},"id":null,"qualifier":null}"#);
        assert_eq!(l.payload, br#"{"payload":1}"#);
        assert_eq!((l.id, l.qualifier, l.error), (Json::Null, None, None));
    }

    #[test]
    fn malformed_payload_objects_are_bad_lines() {
        for (raw, want) in [
            (r#"{"payload":1,"ID":2}"#, "not 'ID'"),
            (r#"{"payload":1,"id":[2]}"#, "\"id\" must be"),
            (r#"{"payload":1,"qualifier":3}"#, "\"qualifier\" must be"),
        ] {
            let e = line(raw).error.unwrap_or_default();
            assert!(e.contains(want), "{raw}: {e}");
        }
    }

    #[test]
    fn severity_order() {
        let order = [
            code::TRANSPORT,
            code::REFUSED,
            code::CONFIG,
            code::USAGE,
            code::INTERNAL,
            code::FUNCTION,
            code::OK,
        ];
        for (i, a) in order.iter().enumerate() {
            for b in &order[i..] {
                assert_eq!(worse(*a, *b), *a, "{a} vs {b}");
                assert_eq!(worse(*b, *a), *a, "{b} vs {a}");
            }
        }
    }

    #[test]
    fn histogram_quantiles_within_a_percent() {
        let mut h = Histogram::default();
        assert_eq!(h.quantile_ms(0.5), None);
        for ms in 1..=1000u64 {
            h.record(Duration::from_millis(ms));
        }
        for (p, want) in [(0.5, 500.0), (0.95, 950.0), (0.99, 990.0)] {
            let got = h.quantile_ms(p).unwrap();
            assert!((got - want).abs() / want < 0.011, "p{p}: {got}");
        }
        h.record(Duration::from_secs(100_000));
        assert!(h.quantile_ms(1.0).unwrap() > 1e6);
    }

    #[test]
    fn summary_counts() {
        let mut s = Stats::default();
        for (c, l) in [(0, 2), (6, 4), (4, 6), (5, 8), (2, 0)] {
            s.add(&Done {
                text: Vec::new(),
                code: c,
                latency: (l > 0).then(|| Duration::from_millis(l)),
            });
        }
        assert_eq!(s.exit, code::TRANSPORT);
        let line = s.summary(None);
        assert!(
            line.starts_with(
                "batch: 5 invocations · ok 1 · function errors 1 · refused 1 · transport errors 1 · bad lines 1 · latency p50 4.0 ms"
            ),
            "{line}"
        );
    }
}
