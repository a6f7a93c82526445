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
mod aws_chain;
mod aws_files;
mod aws_logs;
mod aws_sources;
pub mod capability;
pub mod faas;
pub mod huawei;
mod huawei_logs;
pub mod openfaas;
mod python_json;
pub mod registry;

use time::OffsetDateTime;

pub use self::capability::{AsyncStatus, AsyncStop, Callbacks, Capability, ReadsLogs, RemoteCheck};
pub use self::registry::{from_profile, PayloadLimit, ProviderSpec, PROVIDERS};
use crate::config::Profile;
pub use crate::credentials::{Credential, Fetched, Source};
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

    /// Whether `status` is one of the provider's documented success statuses (its row's
    /// `success`): the one rule for every answer. Anything else is not a success: a
    /// refusal, or where the provider passes the function's own status on (OpenFaaS,
    /// Altair), the function's failure for a 4xx/5xx ([`functions_failure`]).
    fn succeeded(&self, status: u16) -> bool {
        self.spec().succeeded(status)
    }

    /// The function as the provider identifies it (a URN, `service/function`...), for output.
    fn function_id(&self, inv: &Invocation) -> Result<String>;

    /// The request for this invocation, signed for `now` where the auth mode signs.
    fn build(
        &self,
        inv: &Invocation,
        token: Option<&Credential>,
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

    /// Whether this answer refuses the credentials themselves (expired, revoked), so that
    /// credentials from the cache are dropped and fetched once more; nothing ran.
    fn credentials_rejected(&self, resp: &HttpResponse) -> bool {
        resp.status == 401
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

    /// The credentials to fetch first, in the auth modes that need them (a token, STS or
    /// metadata keys); `None` when the profile holds them.
    fn tokens(&self) -> Option<&dyn Source> {
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

    /// Where its settings came from (credentials, region, endpoint), for `profile show
    /// --resolve`: never a secret.
    fn origins(&self) -> Vec<registry::Origin> {
        Vec::new()
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

    /// The note for `--tail` on a provider that returns no log with the result.
    pub fn tail_note(&self, inv: &Invocation) -> Option<String> {
        (inv.tail && !self.spec().tail).then(|| {
            format!(
                "--tail: {} returns no log with the result: --logs reads the whole log from its log service",
                self.product()
            )
        })
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

/// The largest payload fcall reads at all (`-d @FILE`, stdin): the most any provider takes.
pub const MAX_PAYLOAD: usize = 256 << 20;

/// The largest payload `spec` takes in `mode`.
pub fn payload_limit(spec: &ProviderSpec, mode: crate::invocation::Mode) -> usize {
    match mode {
        crate::invocation::Mode::Sync => spec.max_payload.sync,
        crate::invocation::Mode::Async => spec.max_payload.asynchronous,
    }
}

/// Refuse a payload of `len` bytes that `spec` would refuse in `mode`, before it is sent,
/// saying the limit.
pub fn check_payload(spec: &ProviderSpec, mode: crate::invocation::Mode, len: usize) -> Result<()> {
    let limit = payload_limit(spec, mode);
    if len <= limit {
        return Ok(());
    }
    let what = match mode {
        crate::invocation::Mode::Sync => "a synchronous",
        crate::invocation::Mode::Async => "an async",
    };
    Err(Error::Usage(format!(
        "the payload is larger than {} takes in {what} call ({limit} bytes): send less, or a reference to the data",
        spec.product
    )))
}

/// The 2xx statuses a function behind an OpenFaaS-style gateway may answer with.
pub const FUNCTION_SUCCESS: &[u16] = &[200, 201, 202, 203, 204, 205, 206];

/// Whether a status that is not a success is the function's own failure, where a provider
/// passes the function's status on: a 4xx or 5xx. A 1xx or 3xx (a redirect, which fcall
/// never follows) is neither a success nor the function's failure: a refusal.
pub fn functions_failure(status: u16) -> bool {
    (400..600).contains(&status)
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

/// The text of the first `<tag>…</tag>` in an XML error body (`<Code>`, `<Message>`: what
/// STS, S3-style gateways and moto answer), entities for `&<>"'` decoded; `None` when the
/// body is not XML or has no such element.
pub fn xml_field(body: &[u8], tag: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    if !text.trim_start().starts_with('<') {
        return None;
    }
    let open = format!("<{tag}>");
    let start = text.find(&open)? + open.len();
    let end = start + text[start..].find(&format!("</{tag}>"))?;
    let value = text[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    Some(value.trim().to_string()).filter(|v| !v.is_empty())
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
    let redirect = if (300..400).contains(&resp.status) {
        ": fcall does not follow redirects; point the endpoint at where it leads"
    } else {
        ""
    };
    format!(
        "{product} refused the request: {what} (HTTP {}{}){redirect}",
        resp.status,
        request_id
            .map(|i| format!(", request id {i}"))
            .unwrap_or_default()
    )
}

/// The base URL `url` (from `source`: a profile key, a variable, or what a region made),
/// checked by [`crate::http::parse_base`], the one check of every endpoint: a URL it refuses
/// is a configuration error naming the profile and the source, never quoting the URL (it may
/// hold credentials).
pub fn endpoint_base(profile: &str, source: &str, url: &str) -> Result<String> {
    crate::http::parse_base(url).map_err(|why| {
        Error::Config(format!(
            "profile '{profile}': the endpoint from {source} cannot be used: {why}"
        ))
    })
}

/// Check a value that becomes part of a host name (a region, an account id): one DNS label,
/// so that it cannot move the request to another host. The reason names `what`; the caller
/// picks the exit class (a profile's value is configuration, a function reference's usage).
pub fn host_part(what: &str, value: &str) -> std::result::Result<(), String> {
    if crate::http::is_host_label(value) {
        Ok(())
    } else {
        Err(format!(
            "{what} {value:?} is not a valid {what}: it goes into the host name, so it may hold only letters, digits, '-' and '_'"
        ))
    }
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
                self.plain(key, &v)?;
                return Ok(Some(v));
            }
        }
        let value = match self.profile.values.get(key) {
            None => return Ok(None),
            Some(v) => crate::config::resolve(v, &self.profile.name, key, self.env)?,
        };
        self.plain(key, &value)?;
        Ok(Some(value))
    }

    /// A value (from the profile, a variable or a command) goes into headers, URLs and
    /// signatures: a control character in it (a secret command's stray `\r`) would break
    /// every request, so it is a configuration error naming the key, never the value.
    fn plain(&self, key: &str, value: &str) -> Result<()> {
        match value.chars().find(|c| c.is_control()) {
            None => Ok(()),
            Some(c) => Err(Error::Config(format!(
                "profile '{}', key '{key}': the value holds a control character (U+{:04X}): remove it",
                self.profile.name, c as u32
            ))),
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

    /// Where [`Settings::get`] finds `key`, for `profile show --resolve`: the variable
    /// that stands in for it, else the profile (and whether it is a literal, a variable
    /// or a command there).
    pub fn origin_of(&self, key: &str) -> String {
        let (env_vars, _) = self.spec_key(key);
        if let Some(var) = env_vars
            .iter()
            .find(|v| (self.env)(v).is_some_and(|x| !x.is_empty()))
        {
            return (*var).to_string();
        }
        let how = match self.profile.values.get(key) {
            Some(crate::config::Value::Env { env }) => format!(" (from ${env})"),
            Some(crate::config::Value::Command { .. }) => " (from its command)".into(),
            _ => String::new(),
        };
        format!("fcall profile '{}'{how}", self.profile.name)
    }
}
