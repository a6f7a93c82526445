//! Providers: each turns an [`Invocation`] into an [`HttpRequest`] and an
//! [`HttpResponse`] into an [`Outcome`], and never touches the network, the clock or files
//! itself.
//!
//! [`Provider`] is what every provider has (a call); what only some have is a capability
//! trait in [`capability`], returned by the provider's accessor for it. [`registry`] is the
//! table of providers. The shared mechanisms (OpenFaaS-style routes in [`faas`], the
//! helpers below) serve several providers, so no provider copies another.

pub mod aliyun;
mod aliyun_logs;
pub mod altair;
pub mod aws;
mod aws_files;
mod aws_logs;
pub mod capability;
pub mod faas;
pub mod huawei;
mod huawei_logs;
pub mod openfaas;
mod python_json;
pub mod registry;

use time::OffsetDateTime;

pub use self::capability::{
    AsyncStatus, AsyncStop, Callbacks, Capability, FetchesToken, ReadsLogs, RemoteCheck,
};
pub use self::registry::{from_profile, ProviderSpec, PROVIDERS};
use crate::config::Profile;
pub use crate::credentials::{Token, TokenSource};
pub use crate::env::Env;
use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse};
use crate::invocation::{Invocation, Outcome};

/// A provider built from a profile (secrets resolved, defaults applied): the call.
pub trait Provider {
    /// Its row in the registry.
    fn spec(&self) -> &'static ProviderSpec;

    /// The provider key (`huawei`, ...).
    fn key(&self) -> &'static str {
        self.spec().key
    }

    /// The provider's product name for messages ("FunctionGraph").
    fn product(&self) -> &'static str {
        self.spec().product
    }

    /// The function as the provider identifies it (a URN, `service/function`...), for output.
    fn function_id(&self, inv: &Invocation) -> Result<String>;

    /// The request for this invocation, signed for `now` where the auth mode signs.
    fn build(
        &self,
        inv: &Invocation,
        token: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<HttpRequest>;

    /// What the response means. `Err` for refusals (auth → exit 3, other → exit 4);
    /// a function error is an `Ok` outcome carrying `function_error`.
    fn interpret(&self, inv: &Invocation, resp: &HttpResponse) -> Result<Outcome>;

    /// A provider's refusal as an error (auth → exit 3, other → exit 4).
    fn refused(&self, resp: &HttpResponse) -> Error;

    /// Whether 429/503 may be retried for this invocation: they mean nothing ran, but some
    /// providers cannot promise that for a synchronous call.
    fn retry_throttled(&self, _inv: &Invocation) -> bool {
        true
    }

    /// Whether this answer's body is the function's result byte for byte, so that it may be
    /// copied to stdout as it arrives rather than read whole. `head` has the status and
    /// headers only (its body is empty), and [`Provider::interpret`] must give the same
    /// outcome for it, less the result. Only for a sync success with nothing in the body
    /// to interpret; by default nothing streams.
    fn streams_result(&self, _inv: &Invocation, _head: &HttpResponse) -> bool {
        false
    }

    /// The header that answers a 401 challenge (`WWW-Authenticate`), for credentials sent
    /// only to a server that asks for them; the request is then sent once more with it,
    /// and every later request of the command carries it from the start.
    fn challenge_response(&self, _resp: &HttpResponse) -> Option<(String, String)> {
        None
    }

    /// A "not ready yet" answer: nothing ran, and the same request may be sent again.
    fn not_ready(&self, _resp: &HttpResponse) -> bool {
        false
    }

    /// Extra advice when a synchronous call times out (gateway limits...).
    fn timeout_hint(&self) -> Option<&'static str> {
        None
    }

    /// Header names whose values are secrets (masked in `-v` and `--dry-run`).
    fn secret_headers(&self) -> &'static [&'static str] {
        &["authorization"]
    }

    /// A token to fetch first, in the auth modes that need one.
    fn tokens(&self) -> Option<&dyn FetchesToken> {
        None
    }

    fn async_status(&self) -> Option<&dyn AsyncStatus> {
        None
    }

    fn async_stop(&self) -> Option<&dyn AsyncStop> {
        None
    }

    fn callbacks(&self) -> Option<&dyn Callbacks> {
        None
    }

    fn remote_check(&self) -> Option<&dyn RemoteCheck> {
        None
    }

    /// Reading the function's whole log from the platform's log service.
    fn logs(&self) -> Option<&dyn ReadsLogs> {
        None
    }
}

impl dyn Provider + '_ {
    /// Whether this provider, as its profile made it, has `cap`.
    pub fn has(&self, cap: Capability) -> bool {
        match cap {
            Capability::FetchesToken => self.tokens().is_some(),
            Capability::AsyncStatus => self.async_status().is_some(),
            Capability::AsyncStop => self.async_stop().is_some(),
            Capability::Callbacks => self.callbacks().is_some(),
            Capability::RemoteCheck => self.remote_check().is_some(),
            Capability::ReadsLogs => self.logs().is_some(),
        }
    }

    /// The status query, or the one error for its absence.
    pub fn need_async_status(&self) -> Result<&dyn AsyncStatus> {
        self.async_status()
            .ok_or_else(|| Capability::AsyncStatus.missing(self.product()))
    }

    /// The log reader, or the one error for its absence.
    pub fn need_logs(&self) -> Result<&dyn ReadsLogs> {
        self.logs()
            .ok_or_else(|| Capability::ReadsLogs.missing(self.product()))
    }

    /// The stop request, or the one error for its absence.
    pub fn need_async_stop(&self) -> Result<&dyn AsyncStop> {
        self.async_stop()
            .ok_or_else(|| Capability::AsyncStop.missing(self.product()))
    }
}

/// The first of `keys` that `v` has as a string (or a number, as text): providers spell the
/// same field several ways (`ErrorCode`/`errorCode`/`Code`...).
pub fn json_field(v: &serde_json::Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match v.get(*k)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// Decode the base64 log tail in `header` into `out.log` (a tail that does not decode is
/// noted in `log_error`, never fatal: the function's result still stands).
pub fn tail_log(resp: &HttpResponse, header: &str, limit: usize, out: &mut Outcome) {
    let Some(v) = resp.header(header).filter(|v| !v.trim().is_empty()) else {
        return;
    };
    match crate::decode::decode_log(v, Some(limit)) {
        Ok(log) => out.log = Some(log),
        Err(e) => {
            out.extra
                .insert("log_error".into(), format!("{header}: {e}"));
        }
    }
}

/// A function error whose body is the runtime's `{"errorType","errorMessage"}` (Lambda's
/// and Function Compute's runtimes both write it); `signal` (the error header's value)
/// stands in for a missing type, the body for a missing message.
pub fn runtime_error(signal: &str, body: &[u8]) -> crate::invocation::FunctionError {
    let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let field = |k: &str| json.as_ref().and_then(|b| json_field(b, &[k]));
    crate::invocation::FunctionError {
        kind: field("errorType").unwrap_or_else(|| signal.to_string()),
        message: field("errorMessage").unwrap_or_else(|| body_snippet(body)),
    }
}

/// At most 300 characters of a body, for messages.
pub fn body_snippet(body: &[u8]) -> String {
    String::from_utf8_lossy(body)
        .trim()
        .chars()
        .take(300)
        .collect()
}

/// The one line every refusal starts with:
/// `PRODUCT refused the request: CODE MESSAGE (HTTP 404, request id …)`. Without a code or a
/// message, the body (or "no details") stands in.
pub fn refusal_line(
    product: &str,
    code: Option<&str>,
    message: Option<&str>,
    resp: &HttpResponse,
    request_id: Option<&str>,
) -> String {
    let what = match (code, message) {
        (Some(c), Some(m)) => format!("{c} {m}"),
        (Some(x), None) | (None, Some(x)) => x.to_string(),
        (None, None) if resp.body.is_empty() => "no details".to_string(),
        (None, None) => body_snippet(&resp.body),
    };
    format!(
        "{product} refused the request: {what} (HTTP {}{})",
        resp.status,
        request_id
            .map(|i| format!(", request id {i}"))
            .unwrap_or_default()
    )
}

/// Reads profile values, applying environment overrides and resolving secrets; which
/// variables stand in for a key, and what a key is for, come from the provider's row.
pub struct Settings<'a> {
    pub profile: &'a Profile,
    pub env: Env<'a>,
    pub spec: &'static ProviderSpec,
}

impl Settings<'_> {
    fn spec_key(&self, key: &str) -> (&'static [&'static str], &'static str) {
        match self.spec.key(key) {
            Some(k) => (k.env, k.about),
            None => {
                debug_assert!(false, "{}: '{key}' is not in its row", self.spec.key);
                (&[], "")
            }
        }
    }

    /// The value of `key`: the first set variable of the key's `env`, else the profile's
    /// (literal, `{ env }` or `{ command }`), else `None`.
    pub fn get(&self, key: &str) -> Result<Option<String>> {
        self.get_with(key, &[])
    }

    /// Like [`Settings::get`], with `vars` (made from other values) tried first.
    pub fn get_with(&self, key: &str, vars: &[&str]) -> Result<Option<String>> {
        let (env_vars, _) = self.spec_key(key);
        for var in vars.iter().chain(env_vars) {
            if let Some(v) = (self.env)(var).filter(|v| !v.is_empty()) {
                return Ok(Some(v));
            }
        }
        match self.profile.values.get(key) {
            None => Ok(None),
            Some(v) => Ok(Some(crate::config::resolve(
                v,
                &self.profile.name,
                key,
                self.env,
            )?)),
        }
    }

    /// Like [`Settings::get`], but a missing value is a configuration error naming the key
    /// and what it is for.
    pub fn require(&self, key: &str) -> Result<String> {
        let (_, about) = self.spec_key(key);
        self.require_because(key, about)
    }

    /// [`Settings::require`] with a reason of the caller's.
    pub fn require_because(&self, key: &str, why: &str) -> Result<String> {
        self.get(key)?.ok_or_else(|| {
            Error::Config(format!(
                "profile '{}' has no '{key}' ({why}): add it with `fcall profile add {} --provider {} --force ... {key}=VALUE`",
                self.profile.name, self.profile.name, self.profile.provider
            ))
        })
    }

    /// Whether the profile itself sets `key` (whatever its source).
    pub fn has(&self, key: &str) -> bool {
        self.profile.values.contains_key(key)
    }
}
