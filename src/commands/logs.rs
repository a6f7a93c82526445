//! `fcall logs`, and the reading of one request's log that `invoke --logs` shares: find
//! where the function's log lives, then ask for its pages one after the other (each line
//! handed on as its page arrives, so memory stays flat), and for a follow, ask again from
//! the latest line seen, skipping what was printed.

use crate::credentials::Credential;
use std::io::IsTerminal;
use std::time::{Duration, Instant};

use time::{OffsetDateTime, UtcOffset};

use super::invoke::Target;
use super::session::{now, Session};
use super::{write_stdout, Ctx};
use crate::cli::{LogsArgs, OutputFormat};
use crate::error::{code, Error, Result};
use crate::invocation::Invocation;
use crate::logs::{self, Cursor, LogEvent, LogQuery, LogSource};
use crate::output::{self, LogLine};
use crate::providers::ReadsLogs;
use crate::render::log::{line, LogStyle};

/// How often a follow asks for new lines.
const FOLLOW_EVERY: Duration = Duration::from_millis(1000);

/// A function's log, found: where it lives, and the session to read it through.
pub struct Reader<'s> {
    session: &'s Session<'s>,
    reads: &'s dyn ReadsLogs,
    pub src: LogSource,
}

impl<'s> Reader<'s> {
    /// Find where the function's log lives (one request, for the providers that need it).
    pub async fn open(session: &'s Session<'s>, q: &LogQuery) -> Result<Reader<'s>> {
        let reads = session.provider.need_logs()?;
        let located = if reads.locates() {
            let build = |token: Option<&Credential>, now| reads.locate_request(q, token, now);
            Some(session.send(build, true).await?)
        } else {
            None
        };
        let src = reads.log_source(q, located.as_ref())?;
        Ok(Reader {
            session,
            reads,
            src,
        })
    }

    pub fn marks_the_end(&self) -> bool {
        self.reads.marks_the_end()
    }

    /// Every page of `q`, each line handed to `each` as its page arrives (`false` from it
    /// stops the reading); whether a line that ends a request was among them.
    pub async fn read(&self, q: &LogQuery, each: &mut dyn FnMut(LogEvent) -> bool) -> Result<bool> {
        let mut page: Option<String> = None;
        let mut ended = false;
        loop {
            let build = |token: Option<&Credential>, now| {
                self.reads
                    .page_request(q, &self.src, page.as_deref(), token, now)
            };
            let resp = self.session.send(build, true).await?;
            let got = self
                .reads
                .parse_page(q, &self.src, page.as_deref(), &resp)?;
            for e in got.events {
                ended |= logs::ends_request(&e.message);
                if !each(e) {
                    return Ok(ended);
                }
            }
            match got.next {
                // a service that hands back the token it was given has no more pages
                Some(next) if page.as_deref() != Some(next.as_str()) => page = Some(next),
                _ => return Ok(ended),
            }
        }
    }
}

/// The local offset, asked once at start (while the process is single-threaded, as the
/// time crate requires), else UTC.
pub fn local_offset() -> UtcOffset {
    UtcOffset::current_local_offset().unwrap_or(UtcOffset::UTC)
}

/// The query the flags describe, at `now`.
fn query(args: &LogsArgs, now: OffsetDateTime) -> Result<LogQuery> {
    let since = match &args.since {
        Some(s) => Some(logs::parse_time(s, "--since", now)?),
        // a request's log: the last day; the recent log: ten minutes, as `aws logs tail`
        None if args.request_id.is_some() => Some(now - time::Duration::days(1)),
        None => Some(now - time::Duration::minutes(10)),
    };
    let until = match &args.until {
        Some(u) => Some(logs::parse_time(u, "--until", now)?),
        None => None,
    };
    if let (Some(s), Some(u)) = (since, until) {
        if s > u {
            return Err(Error::Usage(format!(
                "--since {} is after --until {}: give a window that starts before it ends",
                args.since.as_deref().unwrap_or(""),
                args.until.as_deref().unwrap_or("")
            )));
        }
    }
    if args
        .request_id
        .as_deref()
        .is_some_and(|r| r.trim().is_empty())
    {
        return Err(Error::Usage(
            "--request-id is empty: give the request id invoke printed".into(),
        ));
    }
    Ok(LogQuery {
        function: args.function.clone(),
        qualifier: args.qualifier.clone(),
        request_id: args.request_id.clone(),
        since,
        until,
        filter: args.filter.clone().filter(|f| !f.is_empty()),
        page_size: None,
    })
}

/// Prints events as they come: human lines or NDJSON, on stdout, up to `--limit`.
struct Printer<'a> {
    args: &'a LogsArgs,
    provider: &'a str,
    style: LogStyle,
    printed: u64,
    buf: Vec<u8>,
}

impl Printer<'_> {
    /// Print `e` (into the buffer); `false` once the limit is reached.
    fn print(&mut self, e: &LogEvent) -> bool {
        match self.args.output {
            OutputFormat::Json => {
                output::write_line(&LogLine::new(e, self.provider), &mut self.buf)
            }
            OutputFormat::Human => self.buf.extend_from_slice(line(e, &self.style).as_bytes()),
        }
        self.printed += 1;
        self.args.limit.is_none_or(|l| self.printed < l)
    }

    /// Print `e`, and write out what is buffered once it is 32 KiB (so the first lines show
    /// before the last page is fetched, and memory stays flat); `false` to stop reading (the
    /// limit reached, or stdout failed: the error in `failed`).
    fn take(&mut self, e: &LogEvent, failed: &mut Option<Error>) -> bool {
        let more = self.print(e);
        if self.buf.len() >= 32 << 10 {
            if let Err(err) = self.flush() {
                *failed = Some(err);
                return false;
            }
        }
        more
    }

    fn flush(&mut self) -> Result<()> {
        write_stdout(&self.buf)?;
        self.buf.clear();
        Ok(())
    }
}

pub async fn run(ctx: &Ctx, args: &LogsArgs, offset: UtcOffset) -> Result<u8> {
    let q = query(args, now())?;
    let mut inv = Invocation::new(&args.function);
    inv.qualifier = args.qualifier.clone();
    let target = Target::resolve(ctx, &inv)?;
    let provider = target.provider.as_ref();
    provider.need_logs()?;
    let human = args.output == OutputFormat::Human;
    let options = args.net.options(ctx.verbose).announcing_retries(human);
    let session = Session::new(provider, &options)?;
    session.prepare().await?;
    let reader = Reader::open(&session, &q).await?;
    let mut printer = Printer {
        args,
        provider: provider.key(),
        style: LogStyle {
            // the lines go to stdout: coloured on a terminal, or when --color always says so
            color: crate::render::use_color(
                ctx.color_when.as_str(),
                &crate::env::process,
                std::io::stdout().is_terminal(),
            ),
            offset: if args.utc { UtcOffset::UTC } else { offset },
            request_column: args.request_id.is_none(),
        },
        printed: 0,
        buf: Vec::with_capacity(64 << 10),
    };
    if args.follow {
        return follow(&reader, q, &mut printer).await;
    }
    let mut failed = None;
    reader
        .read(&q, &mut |e| printer.take(&e, &mut failed))
        .await?;
    if let Some(e) = failed {
        return Err(e);
    }
    printer.flush()?;
    if printer.printed == 0 {
        eprintln!("{}", nothing_found(args, &reader, provider.product()));
    }
    Ok(code::OK)
}

/// The note when no line matched.
fn nothing_found(args: &LogsArgs, reader: &Reader, product: &str) -> String {
    match &args.request_id {
        Some(id) if !reader.marks_the_end() => format!(
            "no line of {} names request {id}: {product}'s log lines carry no request id, so only lines that print it match (`fcall invoke --logs` picks a request's lines by its time)",
            reader.src.name
        ),
        Some(id) => format!(
            "no log lines for request {id} in {} (log services take a few seconds to ingest; try again, or widen --since)",
            reader.src.name
        ),
        None => format!(
            "no log lines for the window asked for in {} (widen --since, or check --filter)",
            reader.src.name
        ),
    }
}

/// `--follow`: ask again every second from the latest line seen, printing only new lines,
/// until Ctrl-C (exit 130, what was printed complete) or `--limit`.
async fn follow(reader: &Reader<'_>, mut q: LogQuery, printer: &mut Printer<'_>) -> Result<u8> {
    let mut cursor = Cursor::default();
    loop {
        let mut more = true;
        let mut failed = None;
        let mut each = |e: LogEvent| {
            if cursor.fresh(&e) {
                more = printer.take(&e, &mut failed);
            }
            more
        };
        let round = reader.read(&q, &mut each);
        let done = tokio::select! {
            r = round => { r?; !more }
            _ = tokio::signal::ctrl_c() => { printer.flush()?; return Ok(code::INTERRUPTED) }
        };
        if let Some(e) = failed {
            return Err(e);
        }
        printer.flush()?;
        if done {
            return Ok(code::OK);
        }
        if let Some(since) = cursor.since() {
            q.since = Some(since);
        }
        tokio::select! {
            _ = tokio::time::sleep(FOLLOW_EVERY) => {}
            _ = tokio::signal::ctrl_c() => return Ok(code::INTERRUPTED),
        }
    }
}

/// One request's whole log, as `invoke --logs` fetches it.
pub struct RequestLog {
    pub events: Vec<LogEvent>,
    pub source: String,
    /// The end marker was seen (or, where the platform writes none, a second look found
    /// no more lines than the first).
    pub complete: bool,
    pub waited: Duration,
}

/// Poll the log service with backoff until request `id`'s log is complete (its end marker
/// seen) or `wait` has passed; each attempt reads it afresh, so no line is taken twice.
pub async fn request_log(
    session: &Session<'_>,
    inv: &Invocation,
    id: &str,
    window: (OffsetDateTime, OffsetDateTime),
    wait: Duration,
    spinner: &indicatif::ProgressBar,
) -> Result<RequestLog> {
    let mut q = LogQuery {
        function: inv.function.clone(),
        qualifier: inv.qualifier.clone(),
        request_id: Some(id.to_string()),
        ..LogQuery::default()
    };
    let reader = Reader::open(session, &q).await?;
    // the request's own lines where the service selects them by id; else its time window
    let marked = reader.marks_the_end();
    let slack = time::Duration::seconds(if marked { 60 } else { 2 });
    q.since = Some(window.0 - slack);
    q.until = (!marked).then(|| window.1 + slack);
    let started = Instant::now();
    let mut delay = Duration::from_millis(100);
    let mut before = 0;
    loop {
        let mut events = Vec::new();
        let ended = reader
            .read(&q, &mut |e| {
                events.push(e);
                true
            })
            .await?;
        // with no end marker: complete once a later look finds no more lines than the last
        let settled = !events.is_empty() && events.len() == before;
        before = events.len();
        let complete = ended || (!marked && settled);
        if complete || started.elapsed() + delay > wait {
            return Ok(RequestLog {
                events,
                source: reader.src.name.clone(),
                complete,
                waited: started.elapsed(),
            });
        }
        spinner.set_message(format!(
            "waiting for the log service · {:.0?}",
            started.elapsed()
        ));
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(2));
    }
}

/// The command that reads request `id`'s whole log, for the note under a cut tail.
pub fn command_for(ctx: &Ctx, function: &str, qualifier: Option<&str>, id: &str) -> String {
    let quote = |s: &str| {
        if s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@".contains(c))
        {
            s.to_string()
        } else {
            format!("'{}'", s.replace('\'', "'\\''"))
        }
    };
    let mut cmd = String::from("fcall");
    if let Some(p) = &ctx.profile {
        cmd.push_str(&format!(" -p {}", quote(p)));
    }
    cmd.push_str(&format!(" logs {}", quote(function)));
    if let Some(q) = qualifier {
        cmd.push_str(&format!(" --qualifier {}", quote(q)));
    }
    cmd.push_str(&format!(" --request-id {}", quote(id)));
    cmd
}

/// `invoke --logs`: request `outcome.request_id`'s whole log, fetched from the log service
/// into `outcome.log` in place of the tail, with where it came from (`log_source`). A
/// failure, or a log still without its end after `--logs-wait`, is one warning
/// (`whole_log_error`), never the exit code.
pub async fn attach(
    session: &Session<'_>,
    inv: &Invocation,
    outcome: &mut crate::invocation::Outcome,
    window: (OffsetDateTime, OffsetDateTime),
    wait: Duration,
    show_spinner: bool,
) {
    let product = session.provider.product();
    let Some(id) = outcome.request_id.clone() else {
        outcome.extra.insert(
            "whole_log_error".into(),
            format!("--logs: {product} gave no request id, so its log cannot be picked out"),
        );
        return;
    };
    let spinner = if show_spinner {
        let s = indicatif::ProgressBar::new_spinner();
        s.enable_steady_tick(Duration::from_millis(120));
        s.set_message("waiting for the log service");
        s
    } else {
        indicatif::ProgressBar::hidden()
    };
    let got = request_log(session, inv, &id, window, wait, &spinner).await;
    spinner.finish_and_clear();
    let log = match got {
        Ok(log) => log,
        Err(e) => {
            outcome.extra.insert(
                "whole_log_error".into(),
                format!("--logs: the whole log could not be read: {e}"),
            );
            return;
        }
    };
    if !log.complete {
        outcome.extra.insert(
            "whole_log_error".into(),
            format!(
                "--logs: {} had {} lines of request {id} after {:.0?}, without the line that ends it: the rest may still be on its way (raise --logs-wait)",
                log.source,
                log.events.len(),
                log.waited
            ),
        );
    }
    if log.events.is_empty() {
        return;
    }
    let mut text = String::new();
    for e in &log.events {
        text.push_str(&e.message);
        text.push('\n');
    }
    let n = log.events.len();
    let lines = if n == 1 { "line" } else { "lines" };
    outcome.extra.insert(
        "log_source".into(),
        format!("{n} {lines} from {}", log.source),
    );
    outcome.extra.remove("log_note");
    // the platform's report (Lambda's REPORT) gives the summary the tail would have given
    let no_figures = outcome.summary.duration_ms.is_none() && outcome.summary.billed_ms.is_none();
    if let Some(mut report) = crate::decode::parse_lambda_report(&text).filter(|_| no_figures) {
        report.extra.remove("request_id");
        outcome.summary = report;
    }
    outcome.log = Some(crate::decode::DecodedLog {
        bytes: text.len(),
        text,
        truncated: false,
        dropped_leading: 0,
    });
}

/// Under a tail the provider cut: the note naming the command that reads the rest.
pub fn note_cut_tail(ctx: &Ctx, inv: &Invocation, outcome: &mut crate::invocation::Outcome) {
    let cut = outcome.log.as_ref().is_some_and(|l| l.truncated);
    if let (true, Some(id)) = (cut, &outcome.request_id) {
        let cmd = command_for(ctx, &inv.function, inv.qualifier.as_deref(), id);
        outcome
            .extra
            .insert("log_note".into(), format!("the whole log: {cmd}"));
    }
}
