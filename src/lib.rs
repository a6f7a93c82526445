//! fcall: invoke serverless functions on several clouds from one command line.
//!
//! The binary is a thin shell around [`main_entry`]; the pure core (providers, signing,
//! decoding, rendering) is unit-tested, and `tests/` drive the built binary against
//! the bundled emulator.

pub mod callback;
pub mod cli;
pub mod commands;
pub mod config;
pub mod credentials;
pub mod decode;
pub mod emulator;
pub mod env;
pub mod error;
pub mod expect;
pub mod http;
pub mod invocation;
pub mod logs;
pub mod output;
pub mod providers;
pub mod render;
pub mod report;
pub mod signing;
pub mod suite;
pub mod terminal;
pub mod transport;

#[cfg(test)]
mod tidy;

use std::process::ExitCode;

use clap::Parser;

/// Parse the command line, run the command, print any error, and give the exit code.
pub fn main_entry() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            commands::print_error(&e);
            e.exit_code()
        }
    }
}
