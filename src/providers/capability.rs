//! What a provider can do beyond a call: each capability is a small trait that a provider
//! implements only when it has it, and returns from its accessor on [`Provider`]. Commands
//! ask for a capability with [`Capability::missing`] as the one error for its absence, so
//! no command tests a provider's name or a flag of its own.
//!
//! [`Provider`]: super::Provider

use time::OffsetDateTime;

use crate::callback::Callback;
use crate::credentials::{Token, TokenSource};
use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse};
use crate::invocation::{AsyncState, Invocation, Outcome};

/// The capabilities, by name: the registry lists them, docs print them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    /// Fetches a token (IAM, OAuth2) before its requests, cached on disk.
    FetchesToken,
    /// Keeps the status of accepted async invocations, to look up and wait on.
    AsyncStatus,
    /// Stops an accepted async invocation.
    AsyncStop,
    /// Sends an async invocation's result to a callback URL.
    Callbacks,
    /// Checks a call without running the function (`--dry-run-remote`).
    RemoteCheck,
}

impl Capability {
    pub const ALL: [Capability; 5] = [
        Capability::FetchesToken,
        Capability::AsyncStatus,
        Capability::AsyncStop,
        Capability::Callbacks,
        Capability::RemoteCheck,
    ];

    /// A short name for tables and docs.
    pub fn name(self) -> &'static str {
        match self {
            Capability::FetchesToken => "token",
            Capability::AsyncStatus => "async status",
            Capability::AsyncStop => "async stop",
            Capability::Callbacks => "callbacks",
            Capability::RemoteCheck => "remote check",
        }
    }

    /// The one error for asking `product` for a capability it lacks (exit 2: the command
    /// line asked for something this provider cannot do).
    pub fn missing(self, product: &str) -> Error {
        Error::Usage(match self {
            Capability::FetchesToken => {
                return Error::Internal(format!("{product} fetches no token"))
            }
            Capability::AsyncStatus => format!(
                "{product} keeps no status of async invocations to wait on (it has no status query): invoke synchronously to wait for the result"
            ),
            Capability::AsyncStop => {
                format!("{product} cannot stop an async invocation from fcall")
            }
            Capability::Callbacks => format!(
                "--listen receives callbacks of async invocations: use it with --async --wait on a provider that sends them, not {product}"
            ),
            Capability::RemoteCheck => format!(
                "--dry-run-remote: {product} cannot check a call without running it; --dry-run prints the request without sending it"
            ),
        })
    }
}

/// A token to fetch (and cache) before building requests: the auth modes that exchange a
/// password or client secret for a bearer token.
pub trait FetchesToken {
    /// The request that fetches a fresh token, and its cache key.
    fn token_source(&self) -> TokenSource;

    /// Interpret the token endpoint's answer.
    fn parse_token(&self, resp: &HttpResponse, now: OffsetDateTime) -> Result<Token>;
}

/// A status query for accepted async invocations.
pub trait AsyncStatus {
    /// The query for invocation `id`, submitted at `submitted` (providers that list by
    /// time window start there).
    fn status_request(
        &self,
        inv: &Invocation,
        id: &str,
        submitted: OffsetDateTime,
        token: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<HttpRequest>;

    fn interpret_status(&self, id: &str, resp: &HttpResponse) -> Result<AsyncState>;

    /// Whether `--wait` needs a caller-chosen invocation id (fcall then makes one up).
    fn needs_caller_id(&self) -> bool {
        false
    }
}

/// A request that stops an accepted async invocation.
pub trait AsyncStop {
    fn stop_request(
        &self,
        inv: &Invocation,
        id: &str,
        token: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<HttpRequest>;
}

/// Async results delivered to a callback URL (to `--listen`, or `fcall listen`).
pub trait Callbacks {
    /// What a callback says about the invocation, by the one status rule: a 2xx
    /// `X-Function-Status` succeeded with the body as its result; any other status failed
    /// ([`Callbacks::callback_failure`] says how); a missing or malformed one is a failure
    /// too, since how the function ended is unknown.
    fn interpret_callback(&self, cb: &Callback) -> AsyncState {
        match cb.status {
            Some(s) if super::FUNCTION_SUCCESS.contains(&s) => AsyncState::Succeeded {
                status: format!("HTTP {s}"),
                result: Some(cb.body.clone()),
            },
            Some(s) => AsyncState::Failed {
                status: format!("HTTP {s}"),
                message: self.callback_failure(s, &cb.body),
            },
            None => AsyncState::Failed {
                status: "unknown".into(),
                message: "the callback has no valid X-Function-Status, so how the function ended is unknown".into(),
            },
        }
    }

    /// The message of a failed callback with this status and body.
    fn callback_failure(&self, _status: u16, body: &[u8]) -> String {
        super::body_snippet(body)
    }
}

/// A check of a call without running the function: [`super::Provider::build`] asks for it
/// when [`Invocation::validate_only`] is set, and this reads the answer.
pub trait RemoteCheck {
    fn interpret_check(&self, resp: &HttpResponse) -> Result<Outcome>;
}
