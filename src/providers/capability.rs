//! What a provider can do beyond a call: each capability is a small trait that a provider
//! implements only when it has it, and returns from its accessor on [`Provider`]. Commands
//! ask for a capability with [`Capability::missing`] as the one error for its absence, so
//! no command tests a provider's name or a flag of its own.
//!
//! [`Provider`]: super::Provider

use time::OffsetDateTime;

use crate::callback::Callback;
use crate::credentials::Credential;
use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse};
use crate::invocation::{AsyncState, Invocation, Outcome};
use crate::logs::{LogPage, LogQuery, LogSource};

/// The capabilities, by name: the registry lists them, docs print them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    /// Fetches credentials (an IAM or OAuth2 token, STS or metadata keys) before its
    /// requests, cached on disk until shortly before they expire.
    FetchesToken,
    /// Keeps the status of accepted async invocations, to look up and wait on.
    AsyncStatus,
    /// Stops an accepted async invocation.
    AsyncStop,
    /// Sends an async invocation's result to a callback URL.
    Callbacks,
    /// Checks a call without running the function (`--dry-run-remote`).
    RemoteCheck,
    /// Reads a function's whole log from the platform's log service (`fcall logs`,
    /// `invoke --logs`).
    ReadsLogs,
}

impl Capability {
    pub const ALL: [Capability; 6] = [
        Capability::FetchesToken,
        Capability::AsyncStatus,
        Capability::AsyncStop,
        Capability::Callbacks,
        Capability::RemoteCheck,
        Capability::ReadsLogs,
    ];

    /// A short name for tables and docs.
    pub fn name(self) -> &'static str {
        match self {
            Capability::FetchesToken => "token",
            Capability::AsyncStatus => "async status",
            Capability::AsyncStop => "async stop",
            Capability::Callbacks => "callbacks",
            Capability::RemoteCheck => "remote check",
            Capability::ReadsLogs => "logs",
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
            Capability::ReadsLogs => format!(
                "fcall cannot read {product}'s log service yet: read the log in the platform's console (--tail shows what the provider returns with the result)"
            ),
        })
    }
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
        token: Option<&Credential>,
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
        token: Option<&Credential>,
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

/// A function's whole log, read from the log service the platform writes it to. Reading is
/// one optional lookup (where the log lives: a Lambda's `LoggingConfig`, a function's log
/// project or LTS stream), then pages asked for one after the other with the token the
/// previous page gave, each parsed into lines in time order.
pub trait ReadsLogs {
    /// Whether finding where the log lives takes a request first
    /// ([`ReadsLogs::locate_request`]).
    fn locates(&self) -> bool {
        false
    }

    /// The request that finds where the function's log lives, when [`ReadsLogs::locates`].
    fn locate_request(
        &self,
        _q: &LogQuery,
        _token: Option<&Credential>,
        _now: OffsetDateTime,
    ) -> Result<HttpRequest> {
        Err(Error::Internal("this provider needs no log lookup".into()))
    }

    /// Where the log lives, from the answer to [`ReadsLogs::locate_request`] (`None` when
    /// none was needed). A function that writes no log is a refusal (exit 4) saying how to
    /// turn it on.
    fn log_source(&self, q: &LogQuery, located: Option<&HttpResponse>) -> Result<LogSource>;

    /// The query for one page: the first (`page` `None`) or the one a page's token names.
    fn page_request(
        &self,
        q: &LogQuery,
        src: &LogSource,
        page: Option<&str>,
        token: Option<&Credential>,
        now: OffsetDateTime,
    ) -> Result<HttpRequest>;

    /// One page of the answer to the query for `page`. A refusal of the log service is an error naming the
    /// permission that is missing (exit 3) or what is wrong (exit 4).
    fn parse_page(
        &self,
        q: &LogQuery,
        src: &LogSource,
        page: Option<&str>,
        resp: &HttpResponse,
    ) -> Result<LogPage>;

    /// Whether the platform ends each request's log with a line of its own (Lambda `REPORT`,
    /// FunctionGraph `Finish invoke request`, FC `FC Invoke End`), so a reader knows when it
    /// has all of it; without one, a request's log is complete once a second look finds no
    /// more lines than the one before.
    fn marks_the_end(&self) -> bool {
        true
    }
}
