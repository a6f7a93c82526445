//! The error type every command returns, and the exit-code contract it maps to.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success (async: accepted) |
//! | 1 | internal error |
//! | 2 | usage: bad flags, arguments or input |
//! | 3 | configuration or credentials, including credentials the provider rejects |
//! | 4 | the provider refused the request for another reason |
//! | 5 | transport: DNS, connect, TLS, timeout |
//! | 6 | the function ran and failed |
//! | 130 | interrupted |

use std::process::ExitCode;

/// Exit codes, in one place.
pub mod code {
    pub const OK: u8 = 0;
    pub const INTERNAL: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const CONFIG: u8 = 3;
    pub const REFUSED: u8 = 4;
    pub const TRANSPORT: u8 = 5;
    pub const FUNCTION: u8 = 6;
    pub const INTERRUPTED: u8 = 130;
}

/// A failure, already phrased for a person: one line naming the input and the fix.
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
    /// The function ran and failed; the outcome has been rendered already.
    #[error("{0}")]
    Function(String),
    #[error("interrupted")]
    Interrupted,
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn code(&self) -> u8 {
        match self {
            Error::Usage(_) => code::USAGE,
            Error::Config(_) | Error::Auth(_) => code::CONFIG,
            Error::Refused(_) => code::REFUSED,
            Error::Transport(_) => code::TRANSPORT,
            Error::Function(_) => code::FUNCTION,
            Error::Interrupted => code::INTERRUPTED,
            Error::Internal(_) => code::INTERNAL,
        }
    }

    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code())
    }
}

impl From<crate::config::ConfigError> for Error {
    fn from(e: crate::config::ConfigError) -> Self {
        Error::Config(e.to_string())
    }
}

impl From<crate::decode::DecodeError> for Error {
    fn from(e: crate::decode::DecodeError) -> Self {
        Error::Usage(e.to_string())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
