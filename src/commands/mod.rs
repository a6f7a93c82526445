//! Commands: the edges where arguments, files, environment, network and terminal meet the core.

mod batch;
mod credential_process;
mod decode;
mod emulator;
mod invoke;
mod listen;
mod logs;
mod profile;
mod profile_import;
mod session;
mod setup;
mod tasks;
mod test;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::CommandFactory;
use colored::Colorize;

use crate::cli::{Cli, Command};
use crate::config::{self, Config};
use crate::error::{Error, Result};

/// The process environment, as the rest of the code sees it.
pub fn process_env(key: &str) -> Option<String> {
    std::env::var(key).ok()
}

/// What every command may need from the global options.
pub struct Ctx {
    pub profile: Option<String>,
    pub config_path: Option<PathBuf>,
    pub color: bool,
    /// `--color` as given, for output that goes elsewhere than stderr (`fcall logs`).
    pub color_when: crate::cli::ColorWhen,
    pub verbose: bool,
}

impl Ctx {
    pub fn config_path(&self) -> Result<PathBuf> {
        match &self.config_path {
            Some(p) => Ok(p.clone()),
            None => Ok(config::default_path(&process_env)?),
        }
    }

    /// Load the config, warning (on stderr) when a file holding secrets is readable by others.
    pub fn load_config(&self) -> Result<Config> {
        let path = self.config_path()?;
        let cfg = config::load(&path)?;
        let is_secret = &crate::providers::registry::is_secret_key;
        if let Some(e) = config::untrusted(&path, &cfg, is_secret) {
            return Err(e.into());
        }
        if let Some(w) = config::permission_warning(&path, &cfg, is_secret) {
            warn(&w);
        }
        Ok(cfg)
    }
}

pub fn warn(msg: &str) {
    eprintln!(
        "{} {}",
        "warning:".yellow().bold(),
        crate::terminal::escape_line(msg)
    );
}

/// Print an error for a person: one line on stderr (coloured as `run` decided).
pub fn print_error(e: &Error) {
    eprintln!(
        "{} {}",
        "fcall: error:".red().bold(),
        crate::terminal::escape_line(&e.to_string())
    );
}

/// Write to stdout; a reader that went away (`| head`) is not an error.
pub fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(Error::Internal(format!("cannot write to stdout: {e}"))),
    }
}

/// The most `decode` reads from stdin: a pasted value, many times the largest log tail or
/// summary a provider sends (4 KiB), not a file.
pub const MAX_PASTED: u64 = 64 << 20;

/// Read an argument that may be `-` (or absent) for stdin (at most [`MAX_PASTED`] bytes).
pub fn arg_or_stdin(value: Option<&str>, what: &str) -> Result<String> {
    match value {
        Some(v) if v != "-" => Ok(v.to_string()),
        _ => {
            if value.is_none() && std::io::stdin().is_terminal() {
                return Err(Error::Usage(format!(
                    "no {what} given: pass it as an argument or pipe it on stdin"
                )));
            }
            let mut s = String::new();
            std::io::Read::read_to_string(
                &mut std::io::Read::take(std::io::stdin(), MAX_PASTED + 1),
                &mut s,
            )
            .map_err(|e| Error::Usage(format!("cannot read {what} from stdin: {e}")))?;
            if s.len() as u64 > MAX_PASTED {
                return Err(Error::Usage(format!(
                    "the {what} on stdin is larger than {} MiB, more than a pasted value: give the value itself (a log tail is at most a few KiB)",
                    MAX_PASTED >> 20
                )));
            }
            Ok(s)
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Internal(format!("cannot start the async runtime: {e}")))
}

/// Run a future; Ctrl-C ends it with [`Error::Interrupted`].
fn block_on<T>(fut: impl std::future::Future<Output = Result<T>>) -> Result<T> {
    runtime()?.block_on(async {
        tokio::select! {
            r = fut => r,
            _ = tokio::signal::ctrl_c() => Err(Error::Interrupted),
        }
    })
}

/// No core dump of a process that holds secrets (keys, passwords, tokens): the core limit
/// is set to zero and, on Linux, the process is made non-dumpable (which also keeps other
/// processes of the same user from reading its memory through ptrace).
fn no_core_dumps() {
    #[cfg(unix)]
    // SAFETY: setrlimit and prctl with these arguments only change this process's limits
    unsafe {
        let zero = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        libc::setrlimit(libc::RLIMIT_CORE, &zero);
        #[cfg(target_os = "linux")]
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
}

/// The width the report on stderr is fitted to: `COLUMNS` when set (to a number of
/// columns), else the terminal's when stderr is one; else none (one line a summary).
pub fn report_width(stderr_tty: bool) -> Option<usize> {
    let columns = process_env("COLUMNS").and_then(|c| c.trim().parse::<usize>().ok());
    match columns.filter(|&c| c > 0) {
        Some(c) => Some(c),
        None if stderr_tty => terminal_size::terminal_size_of(std::io::stderr())
            .map(|(w, _)| usize::from(w.0))
            .filter(|&w| w > 0),
        None => None,
    }
}

/// Whether `CI` says we run in CI (no spinners or progress bars there).
pub fn in_ci() -> bool {
    process_env("CI").is_some_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Dispatch a parsed command line; `Ok(code)` for outcomes already reported.
pub fn run(cli: Cli) -> Result<u8> {
    no_core_dumps();
    let ctx = Ctx {
        profile: cli.profile.clone(),
        config_path: cli.config.clone(),
        color: crate::render::use_color(
            cli.color.as_str(),
            &crate::env::process,
            std::io::stderr().is_terminal(),
        ),
        color_when: cli.color,
        verbose: cli.verbose,
    };
    colored::control::set_override(ctx.color);
    match cli.command {
        Command::Invoke(args) => block_on(invoke::run(&ctx, &args)),
        // batch handles Ctrl-C itself: it prints what finished and a summary first
        Command::Batch(args) => runtime()?.block_on(batch::run(&ctx, &args)),
        Command::Listen(args) => block_on(listen::run(&args)),
        // logs handles Ctrl-C itself (a follow ends with exit 130, its lines complete); the
        // local offset is read before the runtime starts threads
        Command::Logs(args) => {
            let offset = logs::local_offset();
            runtime()?.block_on(logs::run(&ctx, &args, offset))
        }
        Command::Status(args) => block_on(tasks::status(&ctx, &args)),
        Command::Stop(args) => block_on(tasks::stop(&ctx, &args)),
        Command::Profile(cmd) => profile::run(&ctx, cmd),
        Command::Decode(cmd) => decode::run(cmd),
        Command::Completions { shell } => {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "fcall", &mut buf);
            write_stdout(&buf)?;
            Ok(0)
        }
        Command::Man => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut buf)
                .map_err(|e| Error::Internal(format!("cannot render the man page: {e}")))?;
            write_stdout(&buf)?;
            Ok(0)
        }
        Command::Emulator(args) => block_on(emulator::run(&args)),
        Command::Test(args) => block_on(test::run(&ctx, &args)),
    }
}
