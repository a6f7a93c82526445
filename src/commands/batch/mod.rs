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
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::pin::pin;
use std::time::{Duration, Instant};

use futures_util::stream::{FuturesUnordered, StreamExt};
use indicatif::{ProgressBar, ProgressStyle};

use super::invoke::{call_invocation, net_options, Target};
use super::session::Session;
use super::{print_error, process_env, warn, Ctx};
use crate::cli::BatchArgs;
use crate::error::{code, Error, Result};
use crate::invocation::Mode;
use call::{call_line, Done};
use input::{count_lines, next_line, open_input, read_lines, Item, CHUNK};
use stats::{worse, Stats};
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
