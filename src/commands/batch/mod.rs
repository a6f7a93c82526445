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
use super::{print_error, process_env, warn, Ctx};
use crate::cli::BatchArgs;
use crate::error::{code, Error, Exit, Result};
use crate::invocation::{Invocation, Mode};
use crate::providers::Capability;
use call::{call_line, Done};
use input::{count_lines, next_line, open_input, spawn_reader, Item, CHUNK};
use stats::Stats;
use window::Window;

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

/// What is checked and opened before the first call.
struct Prepared<'a> {
    /// The invocation every line starts from.
    base: Invocation,
    input: Box<dyn Read + Send>,
    /// The input file, when it is one (the progress bar counts its lines).
    input_path: Option<&'a Path>,
    target: Target,
}

pub async fn run(ctx: &Ctx, args: &BatchArgs) -> Result<u8> {
    let Prepared {
        base,
        input,
        input_path,
        target,
    } = prepare(ctx, args)?;
    let mut ctrl_c = pin!(tokio::signal::ctrl_c());
    let session = open_session(ctx, args, &target, ctrl_c.as_mut()).await?;
    let rx = spawn_reader(input, input::max_line(target.provider.spec(), base.mode));
    let bar = progress(input_path);
    let mut batch = Batch::new(args, &bar);
    event_loop(&mut batch, rx, ctrl_c, &session, &target, &base).await?;
    batch.finish()
}

/// Check the command line and open the input; find the provider, profile and function.
fn prepare<'a>(ctx: &Ctx, args: &'a BatchArgs) -> Result<Prepared<'a>> {
    let mut base = call_invocation(&args.function, &args.call)?;
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
    }
    Ok(Prepared {
        base,
        input,
        input_path,
        target,
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
    session: &Session<'_>,
    target: &Target,
    base: &Invocation,
) -> Result<()> {
    let mut queued: VecDeque<Item> = VecDeque::with_capacity(CHUNK);
    let mut running = FuturesUnordered::new();
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
            _ = std::future::ready(()), if !batch.out.is_empty() => Event::Flush,
        };
        match event {
            Event::Interrupted => {
                batch.interrupted = true;
                break;
            }
            Event::Finished(seq, done) => batch.finished(seq, done),
            Event::Input(None) => batch.input_done = true,
            Event::Input(Some(Err(e))) => batch.input_failed(e),
            Event::Input(Some(Ok(line))) => {
                let seq = batch.start();
                running.push(async move { (seq, call_line(session, target, base, line).await) });
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

/// A running batch, between two events.
struct Batch<'b> {
    /// `-j`: calls in flight at most.
    jobs: usize,
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
}

impl<'b> Batch<'b> {
    fn new(args: &BatchArgs, bar: &'b ProgressBar) -> Batch<'b> {
        let jobs = within_open_files(args.jobs.max(1)) as usize;
        let window_cap = 2 * jobs;
        Batch {
            jobs,
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
        }
    }

    /// Gather the finished lines at the front of the window, in order.
    fn gather(&mut self) {
        while let Some(d) = self.window.pop_ready() {
            self.stats.add(&d);
            self.out.extend_from_slice(&d.text);
        }
    }

    /// Write what is gathered and move the progress bar; `false` when stdout went away.
    fn flush(&mut self) -> Result<bool> {
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
        self.stop.is_none()
            && !self.input_done
            && running < self.jobs
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
        Ok(())
    }

    /// Clear the progress bar and write the summary; the batch's exit code.
    fn finish(self) -> Result<u8> {
        let abandoned = self.window.slots.len();
        self.bar.finish_and_clear();
        eprintln!("{}", self.stats.summary(self.note(abandoned).as_deref()));
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
