//! The provider trait and the lookup from a profile to a provider.
//!
//! A provider is built from a profile (secrets resolved, defaults applied) and then
//! only translates: [`Invocation`] → [`HttpRequest`] and [`HttpResponse`] → [`Outcome`].
//! It never touches the network, the clock or files itself.

pub mod aliyun;
pub mod altair;
pub mod aws;
mod aws_files;
pub mod faas;
pub mod huawei;
pub mod openfaas;

use time::OffsetDateTime;

use crate::config::Profile;
use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse};
use crate::invocation::{AsyncState, Invocation, Outcome};

/// Looks up environment variables; passed in so tests need not touch the process environment.
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// A bearer-style token a provider needs fetched before it can build requests.
#[derive(Debug, Clone)]
pub struct TokenSource {
    /// Stable key for the on-disk cache: endpoint + identity + scope, hashed (no secret in clear).
    pub cache_key: String,
    /// The request that fetches a fresh token (holds the password: never print it unmasked).
    pub request: HttpRequest,
}

/// A fetched token and when it stops working (unix seconds).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Token {
    pub value: String,
    pub expires_at: i64,
}

pub trait Provider {
    /// The provider key (`huawei`, ...).
    fn key(&self) -> &'static str;

    /// The provider's product name for messages ("FunctionGraph").
    fn product(&self) -> &'static str;

    /// The function as the provider identifies it (a URN, `service/function`...), for output.
    fn function_id(&self, inv: &Invocation) -> Result<String>;

    /// A token to fetch (and cache) before building requests, if this auth mode needs one.
    fn token_source(&self) -> Option<TokenSource> {
        None
    }

    /// Interpret the token endpoint's answer.
    fn parse_token(&self, _resp: &HttpResponse, _now: OffsetDateTime) -> Result<Token> {
        Err(Error::Internal("this provider fetches no token".into()))
    }

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

    /// A status query for an accepted async invocation, if the provider has one.
    fn status_request(
        &self,
        _inv: &Invocation,
        _id: &str,
        _submitted: OffsetDateTime,
        _token: Option<&str>,
        _now: OffsetDateTime,
    ) -> Result<Option<HttpRequest>> {
        Ok(None)
    }

    fn interpret_status(&self, _id: &str, _resp: &HttpResponse) -> Result<AsyncState> {
        Err(Error::Internal("this provider has no status query".into()))
    }

    /// A request that stops an accepted async invocation, if the provider can.
    fn stop_request(
        &self,
        _inv: &Invocation,
        _id: &str,
        _token: Option<&str>,
        _now: OffsetDateTime,
    ) -> Result<Option<HttpRequest>> {
        Ok(None)
    }

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

    /// Whether async results arrive as a callback (to `--listen`) rather than by polling.
    fn delivers_by_callback(&self) -> bool {
        false
    }

    /// What a callback says about the invocation.
    fn interpret_callback(&self, cb: &crate::callback::Callback) -> AsyncState {
        match cb.status {
            Some(s) if s >= 400 => AsyncState::Failed {
                status: format!("HTTP {s}"),
                message: String::from_utf8_lossy(&cb.body)
                    .trim()
                    .chars()
                    .take(300)
                    .collect(),
            },
            s => AsyncState::Succeeded {
                status: s.map_or("received".into(), |s| format!("HTTP {s}")),
                result: Some(cb.body.clone()),
            },
        }
    }

    /// A "not ready yet" answer: nothing ran, and the same request may be sent again.
    fn not_ready(&self, _resp: &HttpResponse) -> bool {
        false
    }

    /// Whether `--wait` needs a caller-chosen invocation id (fcall then makes one up).
    fn wait_needs_invocation_id(&self) -> bool {
        false
    }

    /// Whether the provider can check a call without running it (`--dry-run-remote`).
    fn validates_remotely(&self) -> bool {
        false
    }

    /// Whether an accepted async invocation can be looked up (status, `--wait`) by
    /// polling; providers that deliver by callback say so with `delivers_by_callback`.
    fn has_async_status(&self) -> bool {
        true
    }

    /// Extra advice when a synchronous call times out (gateway limits...).
    fn timeout_hint(&self) -> Option<&'static str> {
        None
    }

    /// Header names whose values are secrets (masked in `-v` and `--dry-run`).
    fn secret_headers(&self) -> &'static [&'static str] {
        &["authorization"]
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

/// Every provider key and the profile keys it accepts.
pub const PROVIDERS: &[(&str, &[&str])] = &[
    ("huawei", huawei::PROFILE_KEYS),
    ("aliyun", aliyun::PROFILE_KEYS),
    ("altair", altair::PROFILE_KEYS),
    ("aws", aws::PROFILE_KEYS),
    ("openfaas", openfaas::PROFILE_KEYS),
];

/// The keys a provider accepts in a profile, or a usage error naming the known providers.
pub fn profile_keys(provider: &str) -> Result<&'static [&'static str]> {
    PROVIDERS
        .iter()
        .find(|(k, _)| *k == provider)
        .map(|(_, keys)| *keys)
        .ok_or_else(|| {
            Error::Usage(format!(
                "unknown provider '{provider}': use one of {}",
                PROVIDERS
                    .iter()
                    .map(|(k, _)| *k)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })
}

/// Build the provider a profile describes, resolving its secrets.
pub fn from_profile(profile: &Profile, env: Env) -> Result<Box<dyn Provider>> {
    match profile.provider.as_str() {
        "huawei" => Ok(Box::new(huawei::Huawei::from_profile(profile, env)?)),
        "aliyun" => Ok(Box::new(aliyun::Aliyun::from_profile(profile, env)?)),
        "altair" => Ok(Box::new(altair::Altair::from_profile(profile, env)?)),
        "aws" => Ok(Box::new(aws::Aws::from_profile(profile, env)?)),
        "openfaas" => Ok(Box::new(openfaas::OpenFaas::from_profile(profile, env)?)),
        other => Err(Error::Config(format!(
            "profile '{}' has unknown provider '{other}': use one of {}",
            profile.name,
            PROVIDERS
                .iter()
                .map(|(k, _)| *k)
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// Reads profile values, applying environment overrides and resolving secrets.
pub struct Settings<'a> {
    pub profile: &'a Profile,
    pub env: Env<'a>,
}

impl Settings<'_> {
    /// The value of `key`: the first set environment variable of `env_vars`, else the profile's
    /// (literal, `{ env }` or `{ command }`), else `None`.
    pub fn get(&self, key: &str, env_vars: &[&str]) -> Result<Option<String>> {
        for var in env_vars {
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

    /// Like [`Settings::get`], but a missing value is a configuration error naming the key.
    pub fn require(&self, key: &str, env_vars: &[&str], why: &str) -> Result<String> {
        self.get(key, env_vars)?.ok_or_else(|| {
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
