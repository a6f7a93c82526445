//! `fcall batch`: one invocation per NDJSON input line, run concurrently, printed in input
//! order.
//!
//! A reader thread turns the input into [`Line`](input::Line)s and hands them over in chunks through a
//! bounded channel (the input is never read whole; a chunk goes as soon as the next read
//! would wait, so lines typed at a terminal start at once). The main task keeps an ordered
//! window of lines: at most `-j` calls in flight (polled only when woken, in a
//! `FuturesUnordered`), and lines that finished ahead of an earlier one wait in the window
//! (at most 2 × `-j` lines) until everything before them is printed. Printed lines are
//! gathered and written when nothing else is ready, not one write per line. All calls
//! share one [`Session`], so the provider's token is fetched once and connections are
//! kept alive and reused.
//!
//! This module runs the batch: the checks before it starts, the event loop and the end.
//! Beside it: `input` (reading and parsing the lines), `call` (one line's call and
//! envelope), `window` (the ordered window) and `stats` (the exit code and the summary).

mod call;
mod input;
mod journal;
mod limit;
mod merge;
mod stats;
mod window;

use std::collections::VecDeque;
use std::future::Future;
use std::io::{IsTerminal, Read, Write};
use std::path::Path;
use std::pin::{pin, Pin};
use std::time::{Duration, Instant};

use futures_util::stream::{FuturesUnordered, StreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::mpsc::Receiver;

use super::invoke::{call_invocation, Target};
use super::session::Session;
use super::{print_error, warn, Ctx};
use crate::cli::{BatchArgs, BatchCommand, Jobs};
use crate::error::{code, Error, Exit, Result};
use crate::expect::{compile_all, Expr};
use crate::invocation::{Invocation, Mode};
use crate::providers::Capability;
use call::{call_line, replay_line, unanswered, Done, Each};
use input::Line;
use input::{count_lines, next_line, open_input, spawn_reader, Item, Shard, CHUNK};
use journal::{line_hash, Journal, Known};
use stats::Stats;
use window::Window;

use super::in_ci;

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

/// What is checked and opened before the first call.
struct Prepared<'a> {
    /// The invocation every line starts from.
    base: Invocation,
    input: Box<dyn Read + Send>,
    /// The input file, when it is one (the progress bar counts its lines).
    input_path: Option<&'a Path>,
    target: Target,
    /// `--expect`, compiled.
    checks: Vec<Expr>,
    shard: Option<Shard>,
}

pub async fn run(ctx: &Ctx, args: &BatchArgs) -> Result<u8> {
    if let Some(BatchCommand::Merge { files }) = &args.command {
        return merge::run(files);
    }
    let Prepared {
        base,
        input,
        input_path,
        target,
        checks,
        shard,
    } = prepare(ctx, args)?;
    let mut ctrl_c = pin!(tokio::signal::ctrl_c());
    let session = open_session(ctx, args, &target, ctrl_c.as_mut()).await?;
    let rx = spawn_reader(
        input,
        input::max_line(target.provider.spec(), base.mode),
        shard,
    );
    let bar = progress(input_path.filter(|_| shard.is_none()));
    let mut batch = Batch::new(args, &bar)?;
    if let Some(path) = &args.journal {
        batch.journal = Some(Journal::open(
            path,
            &fingerprint(args, &base, &target, shard),
        )?);
    }
    let each = Each {
        session: &session,
        target: &target,
        base: &base,
        checks: &checks,
        keep_failures: args.failures.is_some(),
    };
    event_loop(&mut batch, rx, ctrl_c, &each).await?;
    batch.finish()
}

/// What a batch does, for its journal: the same command resumes it, another is refused.
fn fingerprint(
    args: &BatchArgs,
    base: &Invocation,
    target: &Target,
    shard: Option<Shard>,
) -> String {
    let call = format!("{base:?}");
    let expect = args.check.expect.join("\u{0}");
    let shard = format!("{shard:?}");
    journal::options_fingerprint(&[
        target.provider.key(),
        &target.profile,
        &target.function,
        &call,
        &expect,
        &shard,
    ])
}

/// Check the command line and open the input; find the provider, profile and function.
fn prepare<'a>(ctx: &Ctx, args: &'a BatchArgs) -> Result<Prepared<'a>> {
    let function = args.function.as_deref().unwrap_or_default();
    let mut base = call_invocation(function, &args.call)?;
    let shard = args
        .shard
        .map(|s| Shard::resolve(s, &crate::env::process))
        .transpose()?;
    let checks = compile_all("--expect", &args.check.expect)?;
    if let Some(url) = &args.callback_url {
        super::invoke::check_callback_url(url)?;
    }
    base.callback_url = args.callback_url.clone();
    let (input, input_path) = open_input(&args.input)?;
    let target = Target::resolve(ctx, &base)?;
    let provider = target.provider.as_ref();
    if base.mode == Mode::Async
        && provider.has(Capability::Callbacks)
        && base.callback_url.is_none()
    {
        return Err(Error::Usage(format!(
            "{} sends async results to a callback URL: add --callback-url URL (`fcall listen` prints one)",
            provider.product()
        )));
    }
    if base.tail && base.mode == Mode::Async {
        warn("--tail has no effect on an async invocation: its log is not returned");
    } else if let Some(note) = provider.tail_note(&base) {
        warn(&note);
    }
    Ok(Prepared {
        base,
        input,
        input_path,
        target,
        checks,
        shard,
    })
}

/// The session every call shares, with the provider's token fetched before the first line
/// starts; Ctrl-C meanwhile ends the batch at once.
async fn open_session<'t>(
    ctx: &Ctx,
    args: &BatchArgs,
    target: &'t Target,
    mut ctrl_c: Pin<&mut impl Future<Output = std::io::Result<()>>>,
) -> Result<Session<'t>> {
    let session = Session::new(target.provider.as_ref(), &args.net.options(ctx.verbose))?;
    tokio::select! {
        biased;
        _ = &mut ctrl_c => return Err(Error::Interrupted),
        r = session.prepare() => r?,
    }
    Ok(session)
}

/// Start, gather and print lines until the input ends, the batch stops, or Ctrl-C; then print
/// what finished in order. Calls still in flight are dropped (aborted) on return.
async fn event_loop(
    batch: &mut Batch<'_>,
    mut rx: Receiver<Vec<Item>>,
    mut ctrl_c: Pin<&mut impl Future<Output = std::io::Result<()>>>,
    each: &Each<'_>,
) -> Result<()> {
    let mut queued: VecDeque<Item> = VecDeque::with_capacity(CHUNK);
    let mut running = FuturesUnordered::new();
    batch.throttled_start = each.session.transport.throttled();
    batch.throttled = batch.throttled_start;
    loop {
        batch.gather();
        if batch.out.len() >= OUT_BUFFER && !batch.flush_or_stop()? {
            break;
        }
        if batch.is_over() {
            break;
        }
        let can_start = batch.can_start(running.len());
        let event = tokio::select! {
            biased;
            _ = &mut ctrl_c => Event::Interrupted,
            Some((seq, done)) = running.next(), if !running.is_empty() => Event::Finished(seq, done),
            item = next_line(&mut rx, &mut queued, batch.not_before), if can_start => Event::Input(item),
            _ = std::future::ready(()), if !batch.out.is_empty() || batch.journal_pending() => Event::Flush,
        };
        match event {
            Event::Interrupted => {
                batch.interrupted = true;
                break;
            }
            Event::Finished(seq, done) => {
                batch.throttled = each.session.transport.throttled();
                batch.finished(seq, done)
            }
            Event::Input(None) => batch.input_done = true,
            Event::Input(Some(Err(e))) => batch.input_failed(e),
            Event::Input(Some(Ok(line))) => {
                let hash = match batch.triage(&line, each) {
                    Ok(Triage::Send(hash)) => hash,
                    Ok(Triage::Replayed(done)) => {
                        let seq = batch.window.push();
                        batch.finished(seq, *done);
                        continue;
                    }
                    Err(e) => {
                        batch.input_failed(e.to_string());
                        continue;
                    }
                };
                let seq = batch.start();
                let wait_for = batch.journal_started(line.no, hash.as_deref());
                let mut flushed = batch.flushed.subscribe();
                running.push(async move {
                    // a line's started record is written before it is sent
                    if wait_for > 0 {
                        let _ = flushed.wait_for(|g| *g >= wait_for).await;
                    }
                    let mut done = call_line(each, line).await;
                    done.journal = hash;
                    (seq, done)
                });
            }
            Event::Flush => {
                if !batch.flush_or_stop()? {
                    break;
                }
            }
        }
    }
    batch.drain()
}

/// What to do with an input line, given the journal.
enum Triage {
    /// Send it (recording it in the journal under this hash, with one).
    Send(Option<String>),
    /// Do not: its end is known (from the journal), or unknowable (sent, never answered).
    Replayed(Box<Done>),
}

/// A running batch, between two events.
struct Batch<'b> {
    /// `-j`: calls in flight at most.
    jobs: usize,
    /// `-j auto`: the limit it keeps, within `jobs` (then `--max-concurrency`).
    limiter: Option<limit::Limiter>,
    /// Throttling answers the transport had seen when the batch started, and now.
    throttled_start: u64,
    throttled: u64,
    /// Lines in the window at most (started and not yet printed).
    window_cap: usize,
    fail_fast: bool,
    /// `--rate`: the time between two starts, and when the next may start.
    interval: Option<Duration>,
    not_before: Option<tokio::time::Instant>,
    stats: Stats,
    window: Window,
    /// Finished lines gathered for the next write to stdout.
    out: Vec<u8>,
    input_done: bool,
    stop: Option<Stop>,
    interrupted: bool,
    bar: &'b ProgressBar,
    started: Instant,
    /// `--failures`: where the lines that did not succeed go, in batch-input form.
    failures: Option<(std::path::PathBuf, std::io::BufWriter<std::fs::File>)>,
    journal: Option<Journal>,
    retry_uncertain: bool,
    only_new: bool,
    /// Started records handed out, and (to the waiting calls) how many are written.
    generation: u64,
    flushed: tokio::sync::watch::Sender<u64>,
}

impl<'b> Batch<'b> {
    fn new(args: &BatchArgs, bar: &'b ProgressBar) -> Result<Batch<'b>> {
        let (jobs, limiter) = match args.jobs {
            Jobs::Fixed(n) => (within_open_files(n.max(1)) as usize, None),
            Jobs::Auto => {
                let max = within_open_files(args.max_concurrency.max(1)) as usize;
                (max, Some(limit::Limiter::new(max)))
            }
        };
        let window_cap = 2 * jobs;
        let failures = match &args.failures {
            Some(path) => {
                let file = std::fs::File::create(path).map_err(|e| {
                    Error::Usage(format!(
                        "--failures {}: cannot create the file: {e}",
                        path.display()
                    ))
                })?;
                Some((path.clone(), std::io::BufWriter::new(file)))
            }
            None => None,
        };
        Ok(Batch {
            jobs,
            limiter,
            throttled_start: 0,
            throttled: 0,
            window_cap,
            fail_fast: args.fail_fast,
            interval: args.interval(),
            not_before: None,
            stats: Stats::default(),
            window: Window {
                slots: VecDeque::with_capacity(window_cap),
                first: 0,
            },
            out: Vec::with_capacity(OUT_BUFFER),
            input_done: false,
            stop: None,
            interrupted: false,
            bar,
            started: Instant::now(),
            failures,
            journal: None,
            retry_uncertain: args.retry_uncertain,
            only_new: args.only_new,
            generation: 0,
            flushed: tokio::sync::watch::Sender::new(0),
        })
    }

    /// Gather the finished lines at the front of the window, in order.
    fn gather(&mut self) {
        while let Some(d) = self.window.pop_ready() {
            self.stats.add(&d);
            if let (Some(j), Some(hash)) = (self.journal.as_mut(), &d.journal) {
                j.finished(d.no, hash, d.code, d.uncertain, &d.text);
            }
            if !(self.only_new && d.journal.is_none() && self.journal.is_some() && !d.uncertain) {
                self.out.extend_from_slice(&d.text);
            }
            if let (Some((_, w)), Some(f)) = (self.failures.as_mut(), &d.failure) {
                // a write that fails is reported when the file is closed, at the end
                let _ = w.write_all(f);
            }
        }
    }

    /// What the journal says of a line: send it, or its end without sending it.
    fn triage(&mut self, line: &Line, each: &Each<'_>) -> Result<Triage> {
        let Some(j) = self.journal.as_mut() else {
            return Ok(Triage::Send(None));
        };
        let hash = line_hash(line);
        let replay = |code: u8, envelope: Vec<u8>, uncertain: bool| Done {
            no: line.no,
            text: envelope,
            code,
            unmet: false,
            failure: (each.keep_failures && code != 0)
                .then(|| replay_line(&line.payload, &line.id, line.qualifier.as_deref())),
            latency: None,
            journal: None,
            uncertain,
        };
        Ok(match j.lookup(line.no, &hash)? {
            Known::New => Triage::Send(Some(hash)),
            Known::Unanswered
            | Known::Finished {
                uncertain: true, ..
            } if self.retry_uncertain => Triage::Send(Some(hash)),
            Known::Finished {
                code,
                uncertain,
                envelope,
            } => Triage::Replayed(Box::new(replay(code, envelope, uncertain))),
            Known::Unanswered => {
                let mut done = unanswered(each, line);
                done.journal = Some(hash);
                Triage::Replayed(Box::new(done))
            }
        })
    }

    /// Record that line `no` is about to be sent; the generation to wait for before
    /// sending it (0: no journal).
    fn journal_started(&mut self, no: u64, hash: Option<&str>) -> u64 {
        match (self.journal.as_mut(), hash) {
            (Some(j), Some(h)) => {
                j.started(no, h);
                self.generation += 1;
                self.generation
            }
            _ => 0,
        }
    }

    fn journal_pending(&self) -> bool {
        self.journal.as_ref().is_some_and(Journal::has_pending)
    }

    /// Write the journal's pending records, then let the calls waiting for them go.
    fn flush_journal(&mut self) -> Result<()> {
        if let Some(j) = self.journal.as_mut() {
            j.flush()?;
            self.flushed.send_replace(self.generation);
        }
        Ok(())
    }

    /// Write what is gathered and move the progress bar; `false` when stdout went away.
    fn flush(&mut self) -> Result<bool> {
        // the journal first: a line printed is a line recorded
        self.flush_journal()?;
        let open = emit(&self.out, self.bar)?;
        self.out.clear();
        if !self.bar.is_hidden() {
            self.bar.set_position(self.stats.count);
            let rate = self.stats.count as f64 / self.started.elapsed().as_secs_f64().max(1e-3);
            self.bar
                .set_message(format!("{rate:.0}/s · {} failed", self.stats.failed()));
        }
        Ok(open)
    }

    /// [`Batch::flush`], stopping the batch when stdout went away (`false`).
    fn flush_or_stop(&mut self) -> Result<bool> {
        let open = self.flush()?;
        if !open {
            self.stop = Some(Stop::StdoutGone);
        }
        Ok(open)
    }

    /// Whether everything started is printed and nothing more will start.
    fn is_over(&self) -> bool {
        self.window.slots.is_empty() && (self.input_done || self.stop.is_some())
    }

    /// Whether another line may start while `running` calls are in flight.
    fn can_start(&self, running: usize) -> bool {
        let jobs = self.limiter.as_ref().map_or(self.jobs, |l| l.limit());
        self.stop.is_none()
            && !self.input_done
            && running < jobs
            && self.window.slots.len() < self.window_cap
    }

    /// Take a place in the window for a line that starts now, and push back the next start
    /// by `--rate`'s interval; the line's sequence number.
    fn start(&mut self) -> u64 {
        if let Some(iv) = self.interval {
            let now = tokio::time::Instant::now();
            self.not_before = Some(self.not_before.map_or(now, |t| t.max(now)) + iv);
        }
        self.window.push()
    }

    /// A call finished: into its place in the window; with `--fail-fast` a failure stops the
    /// starts.
    fn finished(&mut self, seq: u64, done: Done) {
        if let Some(l) = self.limiter.as_mut() {
            l.finished(done.latency, self.throttled);
        }
        if done.code != code::OK && self.fail_fast && self.stop.is_none() {
            self.stop = Some(Stop::FailFast);
        }
        self.window.finish(seq, done);
    }

    /// The input could not be read on: say so, and start no more lines.
    fn input_failed(&mut self, e: String) {
        self.bar.suspend(|| print_error(&Error::Usage(e)));
        self.stats.exit = Exit::worse(self.stats.exit, code::USAGE);
        self.stop = Some(Stop::InputError);
    }

    /// Print what finished in order (unless stdout went away).
    fn drain(&mut self) -> Result<()> {
        self.gather();
        if !self.out.is_empty() && !matches!(self.stop, Some(Stop::StdoutGone)) {
            self.flush()?;
        }
        self.flush_journal()
    }

    /// Clear the progress bar and write the summary; the batch's exit code.
    fn finish(mut self) -> Result<u8> {
        let abandoned = self.window.slots.len();
        self.bar.finish_and_clear();
        let elapsed = self.started.elapsed();
        let mut note = self.note(abandoned);
        if let Some(l) = &self.limiter {
            let auto = format!(
                "concurrency reached {} · throttled answers {}",
                l.peak(),
                self.throttled - self.throttled_start
            );
            note = Some(match note {
                Some(n) => format!("{auto} · {n}"),
                None => auto,
            });
        }
        eprintln!("{}", self.stats.summary(note.as_deref(), Some(elapsed)));
        if let Some((path, mut w)) = self.failures.take() {
            w.flush().map_err(|e| {
                Error::Internal(format!("--failures {}: cannot write: {e}", path.display()))
            })?;
        }
        if self.interrupted {
            return Err(Error::Interrupted);
        }
        Ok(self.stats.exit)
    }

    /// Why the batch ended early, if it did, for the summary: `abandoned` lines were started
    /// and not printed.
    fn note(&self, abandoned: usize) -> Option<String> {
        if self.interrupted {
            return Some(format!(
                "interrupted ({abandoned} unfinished line{} not printed)",
                if abandoned == 1 { "" } else { "s" }
            ));
        }
        match self.stop {
            Some(Stop::FailFast) => Some("stopped at the first failure (--fail-fast)".into()),
            Some(Stop::StdoutGone) => Some("stdout closed: stopped".into()),
            _ => None,
        }
    }
}

/// Descriptors kept for everything but the connections (stdio, the input, the runtime).
const SPARE_FILES: u64 = 64;

/// `-j N` within the open-file limit: each call in flight holds a connection. The soft limit
/// is raised toward the hard one as far as needed; when that is not enough, `-j` is capped,
/// with a warning saying why (else the extra lines would fail as "check the network").
#[allow(clippy::unnecessary_cast)] // rlim_t is u64 on Linux, not everywhere
fn within_open_files(jobs: u32) -> u32 {
    #[cfg(unix)]
    {
        let want = u64::from(jobs) + SPARE_FILES;
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit/setrlimit on this process, with a valid struct
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
                return jobs;
            }
            if (lim.rlim_cur as u64) < want {
                let raised = libc::rlimit {
                    rlim_cur: (want as libc::rlim_t).min(lim.rlim_max),
                    rlim_max: lim.rlim_max,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                    lim.rlim_cur = raised.rlim_cur;
                }
            }
        }
        let room = (lim.rlim_cur as u64).saturating_sub(SPARE_FILES).max(1);
        if u64::from(jobs) > room {
            super::warn(&format!(
                "-j {jobs}: capped at {room}, what the open-file limit allows (ulimit -n is {}; raise it to run more at once)",
                lim.rlim_cur
            ));
            return room as u32;
        }
    }
    jobs
}
