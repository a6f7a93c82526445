//! The output contract's exit classes, and the error type every command returns.
//!
//! [`Exit`] is the one home of the exit codes: their numbers, the `kind` strings of the
//! JSON error envelope, the order in which `batch` ranks them, and the one-line
//! descriptions that `--help` prints and the README's table is checked against
//! ([`Exit::help_table`], [`Exit::markdown_table`]).

use std::process::ExitCode;

/// What a run came to, as a script sees it: one class per exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok,
    Internal,
    Usage,
    Config,
    Refused,
    Transport,
    Function,
    Expectation,
    Interrupted,
}

impl Exit {
    /// Every class, in the order of their codes.
    pub const ALL: [Exit; 9] = [
        Exit::Ok,
        Exit::Internal,
        Exit::Usage,
        Exit::Config,
        Exit::Refused,
        Exit::Transport,
        Exit::Function,
        Exit::Expectation,
        Exit::Interrupted,
    ];

    pub const fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Internal => 1,
            Exit::Usage => 2,
            Exit::Config => 3,
            Exit::Refused => 4,
            Exit::Transport => 5,
            Exit::Function => 6,
            Exit::Expectation => 7,
            Exit::Interrupted => 130,
        }
    }

    /// The class of an exit code (an unknown code counts as internal).
    pub fn of(code: u8) -> Exit {
        Exit::ALL
            .into_iter()
            .find(|e| e.code() == code)
            .unwrap_or(Exit::Internal)
    }

    /// How bad the class is, for the exit code of `batch` and `fcall test`: the highest
    /// code wins, except that the outcomes of calls that went through (7, an expectation
    /// not met; 6, the function's own failure) rank below every failure of the request, and
    /// an interruption above all: 130 > 5 > 4 > 3 > 2 > 1 > 7 > 6 > 0.
    pub const fn severity(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Function => 1,
            Exit::Expectation => 2,
            Exit::Internal => 3,
            Exit::Usage => 4,
            Exit::Config => 5,
            Exit::Refused => 6,
            Exit::Transport => 7,
            Exit::Interrupted => 8,
        }
    }

    /// The failure classes from most to least severe, as `batch --help` and the README
    /// write them: `5 > 4 > 3 > 2 > 1 > 7 > 6`.
    pub fn severity_order() -> String {
        let mut classes: Vec<Exit> = Exit::ALL
            .into_iter()
            .filter(|e| !matches!(e, Exit::Ok | Exit::Interrupted))
            .collect();
        classes.sort_by_key(|e| std::cmp::Reverse(e.severity()));
        classes
            .iter()
            .map(|e| e.code().to_string())
            .collect::<Vec<_>>()
            .join(" > ")
    }

    /// The more severe of two exit codes.
    pub fn worse(a: u8, b: u8) -> u8 {
        if Exit::of(b).severity() > Exit::of(a).severity() {
            b
        } else {
            a
        }
    }

    /// Whether the class is that of an outcome (there is an envelope with a status), not of
    /// a request that failed before one.
    pub const fn is_outcome(self) -> bool {
        matches!(self, Exit::Ok | Exit::Function | Exit::Expectation)
    }

    /// The one-line meaning `--help` prints.
    pub const fn summary(self) -> &'static str {
        match self {
            Exit::Ok => "success (async: accepted)",
            Exit::Internal => "internal error",
            Exit::Usage => "usage: bad flags, arguments or input",
            Exit::Config => {
                "configuration or credentials, including credentials the provider rejects"
            }
            Exit::Refused => "the provider refused the request (HTTP 4xx/5xx from the platform)",
            Exit::Transport => "transport: DNS, connect, TLS, timeout",
            Exit::Function => "the function ran and failed",
            Exit::Expectation => "an expectation (--expect, fcall test) was not met",
            Exit::Interrupted => "interrupted",
        }
    }

    /// The longer meaning, with examples, for the README's table.
    pub const fn detail(self) -> &'static str {
        match self {
            Exit::Ok => "success (async: accepted; `--wait`: finished successfully)",
            Exit::Internal => "internal error (a bug: please report it)",
            Exit::Usage => {
                "usage: bad flags, arguments or input (malformed URN, unreadable `@file`, bad `-H`)"
            }
            Exit::Config => {
                "configuration or credentials: unknown profile, missing key, unset variable, \
                 failing secret command, and credentials the provider rejects (401/403, bad \
                 signature, wrong IAM password)"
            }
            Exit::Refused => {
                "the provider refused the request for another reason (HTTP 4xx/5xx: function \
                 not found, throttled, gateway timeout)"
            }
            Exit::Transport => "transport: DNS, connect, TLS, timeout",
            Exit::Function => {
                "the function ran and failed (`X-Is-Func-Err`, `X-Fc-Error-Type`, a failed, \
                 stopped or discarded async invocation)"
            }
            Exit::Expectation => {
                "an expectation was not met (`--expect`, `fcall test`): the function ran and \
                 answered something else"
            }
            Exit::Interrupted => "interrupted (Ctrl-C)",
        }
    }

    /// The exit-code table of `--help`.
    pub fn help_table() -> String {
        let mut s = String::from("Exit codes:");
        for e in Exit::ALL {
            s.push_str(&format!("\n  {:<4} {}", e.code(), e.summary()));
        }
        s
    }

    /// The exit-code table of the README (a test checks that the README holds it).
    pub fn markdown_table() -> String {
        let mut s = String::from("| code | meaning |\n|---|---|\n");
        for e in Exit::ALL {
            s.push_str(&format!("| {} | {} |\n", e.code(), e.detail()));
        }
        s
    }
}

/// Exit codes as numbers, for `Ok(code)` returns and comparisons.
pub mod code {
    use super::Exit;
    pub const OK: u8 = Exit::Ok.code();
    pub const INTERNAL: u8 = Exit::Internal.code();
    pub const USAGE: u8 = Exit::Usage.code();
    pub const CONFIG: u8 = Exit::Config.code();
    pub const REFUSED: u8 = Exit::Refused.code();
    pub const TRANSPORT: u8 = Exit::Transport.code();
    pub const FUNCTION: u8 = Exit::Function.code();
    pub const EXPECTATION: u8 = Exit::Expectation.code();
    pub const INTERRUPTED: u8 = Exit::Interrupted.code();
}

/// A failure, already phrased for a person: one line naming the input and the fix.
///
/// A function that ran and failed is not an `Error`: it is an outcome, rendered as such,
/// and its command returns `Ok(code::FUNCTION)`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Config(String),
    /// The provider rejected the credentials (401/403, bad signature...).
    #[error("{0}")]
    Auth(String),
    /// The provider refused the request for another reason.
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Transport(String),
    /// A call was sent and its answer is unknown (a batch resumed from its journal): it may
    /// have run; exit 5, as a transport failure after sending.
    #[error("{0}")]
    Uncertain(String),
    #[error("interrupted")]
    Interrupted,
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// The exit class this error ends a run with.
    pub fn exit(&self) -> Exit {
        match self {
            Error::Usage(_) => Exit::Usage,
            Error::Config(_) | Error::Auth(_) => Exit::Config,
            Error::Refused(_) => Exit::Refused,
            Error::Transport(_) | Error::Uncertain(_) => Exit::Transport,
            Error::Interrupted => Exit::Interrupted,
            Error::Internal(_) => Exit::Internal,
        }
    }

    pub fn code(&self) -> u8 {
        self.exit().code()
    }

    /// Every `kind` an error envelope may carry (the schema's enum is checked against it).
    pub const KINDS: [&'static str; 8] = [
        "usage",
        "config",
        "auth",
        "refused",
        "transport",
        "uncertain",
        "interrupted",
        "internal",
    ];

    /// The `kind` of the JSON error envelope (`auth` and `config` share exit code 3).
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Usage(_) => "usage",
            Error::Config(_) => "config",
            Error::Auth(_) => "auth",
            Error::Refused(_) => "refused",
            Error::Transport(_) => "transport",
            Error::Uncertain(_) => "uncertain",
            Error::Interrupted => "interrupted",
            Error::Internal(_) => "internal",
        }
    }

    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        for e in Exit::ALL {
            assert_eq!(Exit::of(e.code()), e);
        }
        assert_eq!(Exit::of(77), Exit::Internal);
        let mut severities: Vec<u8> = Exit::ALL.iter().map(|e| e.severity()).collect();
        severities.sort();
        severities.dedup();
        assert_eq!(severities.len(), Exit::ALL.len());
    }

    #[test]
    fn severity_order() {
        let order = [
            code::INTERRUPTED,
            code::TRANSPORT,
            code::REFUSED,
            code::CONFIG,
            code::USAGE,
            code::INTERNAL,
            code::EXPECTATION,
            code::FUNCTION,
            code::OK,
        ];
        assert_eq!(Exit::severity_order(), "5 > 4 > 3 > 2 > 1 > 7 > 6");
        for (i, a) in order.iter().enumerate() {
            for b in &order[i..] {
                assert_eq!(Exit::worse(*a, *b), *a, "{a} vs {b}");
                assert_eq!(Exit::worse(*b, *a), *a, "{b} vs {a}");
            }
        }
    }

    #[test]
    fn help_table_lists_every_code() {
        let t = Exit::help_table();
        assert!(t.starts_with("Exit codes:\n  0    success"));
        assert!(t.ends_with("\n  130  interrupted"));
        assert_eq!(t.lines().count(), 1 + Exit::ALL.len());
    }

    /// The README's table is this table: change the classes, and the README with them.
    #[test]
    fn readme_holds_the_exit_code_table() {
        let readme = include_str!("../README.md");
        assert!(
            readme.contains(&Exit::markdown_table()),
            "README.md's exit-code table differs from error::Exit; it should read:\n{}",
            Exit::markdown_table()
        );
    }

    #[test]
    fn kinds_and_classes() {
        let cases = [
            (Error::Usage(String::new()), "usage", 2),
            (Error::Config(String::new()), "config", 3),
            (Error::Auth(String::new()), "auth", 3),
            (Error::Refused(String::new()), "refused", 4),
            (Error::Transport(String::new()), "transport", 5),
            (Error::Uncertain(String::new()), "uncertain", 5),
            (Error::Interrupted, "interrupted", 130),
            (Error::Internal(String::new()), "internal", 1),
        ];
        assert_eq!(cases.len(), Error::KINDS.len());
        for (e, kind, code) in cases {
            assert_eq!((e.kind(), e.code()), (kind, code));
            assert!(Error::KINDS.contains(&kind));
        }
    }
}
