//! Altair IoT Studio Functions (OpenFaaS underneath).
//!
//! Sync: any of POST GET PUT PATCH DELETE on `/spaces/{space}/functions/{name}/invoke[/a/b/c]`
//! with the query passed through; the body is the function's output. A response with
//! `X-Invoked` came from the function; one without it came from the platform. Async: POST
//! `/async-invoke` with `X-Callback-Url` → 202; the result arrives later as a callback.
//! Auth: OAuth2 client credentials (`/oauth2/token`) or a static bearer token.

use crate::credentials::{Credential, Fetched};
use serde_json::Value as Json;
use time::OffsetDateTime;

use super::faas::{self, Target};
use super::registry::{Key, PayloadLimit, ProviderSpec};
use super::{
    body_snippet, refusal_line, Callbacks, Capability, Env, Provider, ReadsLogs, Settings,
};
use crate::config::{Profile, Value};
use crate::error::{Error, Result};
use crate::http::{encode_component, HttpRequest, HttpResponse};
use crate::invocation::{FunctionError, Invocation, Mode, Outcome};
use crate::logs::{LogPage, LogQuery, LogSource};

/// Altair IoT Studio's row in the provider table.
pub const SPEC: ProviderSpec = ProviderSpec {
    key: "altair",
    product: "Altair IoT Studio",
    keys: &[
        Key::new(
            "endpoint",
            "the API endpoint (default: https://api.swx.altairone.com)",
        ),
        Key::new("space", "the IoT Studio space").required(),
        Key::new("client_id", "the OAuth2 client (app) id"),
        Key::new("client_secret", "the OAuth2 client secret").secret(),
        Key::new("scopes", "the OAuth2 scopes to ask for (default: function)"),
        Key::new("token", "a bearer token").secret(),
    ],
    env: &[],
    capabilities: &[
        Capability::FetchesToken,
        Capability::Callbacks,
        Capability::ReadsLogs,
    ],
    success: super::FUNCTION_SUCCESS,
    // no documented limit: fcall's own, what it holds in memory
    max_payload: PayloadLimit {
        sync: super::MAX_PAYLOAD,
        asynchronous: super::MAX_PAYLOAD,
    },
    build: |p, env| Ok(Box::new(Altair::from_profile(p, env)?)),
    emulator_profile: &[
        ("space", "my-space"),
        ("endpoint", "{url}"),
        ("client_id", "{client_id}"),
        ("client_secret", "{client_secret}"),
    ],
    tail: false,
    vendor_profiles: None,
};

const DEFAULT_ENDPOINT: &str = "https://api.swx.altairone.com";

#[derive(Debug, Clone)]
enum Auth {
    Token(String),
    Client(Client),
}

/// An OAuth2 client whose credentials buy a bearer token.
#[derive(Debug, Clone)]
struct Client {
    endpoint: String,
    id: String,
    secret: String,
    scopes: Vec<String>,
}

impl Client {
    fn scopes(&self) -> String {
        self.scopes.join(" ")
    }
}

#[derive(Debug, Clone)]
pub struct Altair {
    endpoint: String,
    space: String,
    auth: Auth,
}

const RULES: faas::Rules = faas::Rules {
    product: "Altair",
    name_char: |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-',
    name_chars: "lowercase letters, digits and '-'",
    max_extra: Some(3),
    callback_required: true,
};

/// `{"error":{"status","message","details"}}` → (message, details).
fn platform_error(body: &[u8]) -> (Option<String>, Option<Json>) {
    let json: Json = serde_json::from_slice(body).unwrap_or(Json::Null);
    let err = json.get("error");
    let msg = err
        .and_then(|e| e.get("message"))
        .and_then(Json::as_str)
        .map(str::to_string)
        .or_else(|| err.and_then(Json::as_str).map(str::to_string));
    (msg, err.and_then(|e| e.get("details")).cloned())
}

/// "function not ready": a 202 whose body says so.
pub fn not_ready(resp: &HttpResponse) -> bool {
    resp.status == 202
        && serde_json::from_slice::<Json>(&resp.body)
            .ok()
            .and_then(|j| j.get("details")?.as_str().map(|d| d.contains("not ready")))
            .unwrap_or(false)
}

impl Altair {
    pub fn from_profile(profile: &Profile, env: Env) -> Result<Altair> {
        let s = Settings {
            profile,
            env,
            spec: &SPEC,
        };
        let space = s.require("space")?;
        let endpoint = match s.get("endpoint")? {
            Some(e) => super::endpoint_base(&profile.name, "'endpoint'", &e)?,
            None => DEFAULT_ENDPOINT.to_string(),
        };
        let auth = if s.has("token") {
            Auth::Token(s.require("token")?)
        } else {
            let scopes = match profile.values.get("scopes") {
                Some(Value::List(l)) => l.clone(),
                Some(_) => s
                    .get("scopes")?
                    .unwrap_or_default()
                    .split([',', ' '])
                    .filter(|x| !x.is_empty())
                    .map(str::to_string)
                    .collect(),
                None => vec!["function".to_string()],
            };
            Auth::Client(Client {
                endpoint: endpoint.clone(),
                id: s.require("client_id")?,
                secret: s.require("client_secret")?,
                scopes,
            })
        };
        Ok(Altair {
            endpoint,
            space,
            auth,
        })
    }

    /// The bearer token: the profile's, or the one fetched for the client.
    fn bearer<'t>(&'t self, token: Option<&'t Credential>) -> Result<&'t str> {
        match (&self.auth, token.and_then(Credential::bearer)) {
            (Auth::Token(t), _) => Ok(t.as_str()),
            (Auth::Client(_), Some(t)) => Ok(t),
            (Auth::Client(_), None) => {
                Err(Error::Internal("the OAuth2 token was not fetched".into()))
            }
        }
    }

    fn scopes(&self) -> String {
        match &self.auth {
            Auth::Client(c) => c.scopes(),
            Auth::Token(_) => String::new(),
        }
    }
}

impl Provider for Altair {
    fn spec(&self) -> &'static ProviderSpec {
        &SPEC
    }

    fn function_id(&self, inv: &Invocation) -> Result<String> {
        let t = Target::parse(&inv.function, &RULES)?;
        faas::method(inv, self.product())?;
        Ok(format!("{}/{}", self.space, t.display()))
    }

    fn build(
        &self,
        inv: &Invocation,
        token: Option<&Credential>,
        _now: OffsetDateTime,
    ) -> Result<HttpRequest> {
        let t = Target::parse(&inv.function, &RULES)?;
        let method = faas::method(inv, self.product())?;
        let path = format!(
            "/spaces/{}/functions/{}/{}{}",
            encode_component(&self.space),
            encode_component(&t.name),
            if inv.mode == Mode::Async {
                "async-invoke"
            } else {
                "invoke"
            },
            t.extra_path()
        );
        let bearer = self.bearer(token)?;
        let mut req = faas::request(inv, &RULES, &method, &self.endpoint, &path)?;
        if req.header("Authorization").is_none() {
            req.set_header("Authorization", format!("Bearer {bearer}"));
        }
        Ok(req)
    }

    fn interpret(&self, inv: &Invocation, resp: &HttpResponse) -> Result<Outcome> {
        let invoked = resp.header("X-Invoked").is_some();
        if not_ready(resp) {
            return Err(Error::Refused(
                "Altair IoT Studio: function not ready (HTTP 202): it is still starting; retry, or pass --wait to retry until it is ready".into(),
            ));
        }
        let ok = self.succeeded(resp.status);
        if !ok && (!invoked || inv.mode == Mode::Async || !super::functions_failure(resp.status)) {
            return Err(self.refused(resp));
        }
        let mut out = faas::outcome(inv, resp);
        if !ok {
            out.function_error = Some(function_error(resp.status, &resp.body));
        }
        Ok(out)
    }

    /// `Altair IoT Studio refused the request: function not found (HTTP 404)`.
    fn refused(&self, resp: &HttpResponse) -> Error {
        let (msg, _) = platform_error(&resp.body);
        let line = refusal_line(self.product(), None, msg.as_deref(), resp, None);
        if matches!(resp.status, 401 | 403) {
            Error::Auth(format!(
                "{line}: check the profile's token, or its client's scopes ({})",
                self.scopes()
            ))
        } else {
            Error::Refused(line)
        }
    }

    /// A sync 2xx from the function itself (`X-Invoked`) carries its output as the body.
    fn streams_result(&self, inv: &Invocation, head: &HttpResponse) -> bool {
        inv.mode == Mode::Sync && self.succeeded(head.status) && head.header("X-Invoked").is_some()
    }

    fn not_ready(&self, resp: &HttpResponse) -> bool {
        not_ready(resp)
    }

    fn timeout_hint(&self) -> Option<&'static str> {
        Some("Altair cuts synchronous calls after 5-10 s: for longer functions use --async --wait --listen ADDR")
    }

    fn tokens(&self) -> Option<&dyn crate::credentials::Source> {
        match &self.auth {
            Auth::Client(c) => Some(c),
            Auth::Token(_) => None,
        }
    }

    fn callbacks(&self) -> Option<&dyn Callbacks> {
        Some(self)
    }

    fn logs(&self) -> Option<&dyn ReadsLogs> {
        Some(self)
    }
}

/// `GET /spaces/{space}/functions/{name}/logs?since=` answers the function's NDJSON log
/// lines (the platform's OpenFaaS underneath); the bearer token needs the `function` scope.
impl ReadsLogs for Altair {
    fn log_source(&self, q: &LogQuery, _located: Option<&HttpResponse>) -> Result<LogSource> {
        let t = Target::parse(&q.function, &RULES)?;
        Ok(LogSource {
            name: format!("the log of {}/{}", self.space, t.name),
            parts: vec![t.name],
        })
    }

    fn page_request(
        &self,
        q: &LogQuery,
        src: &LogSource,
        _page: Option<&str>,
        token: Option<&Credential>,
        _now: OffsetDateTime,
    ) -> Result<HttpRequest> {
        let path = format!(
            "/spaces/{}/functions/{}/logs",
            encode_component(&self.space),
            encode_component(src.part(0))
        );
        let mut req = faas::log_request(&self.endpoint, &path, q, &[]);
        req.set_header("Authorization", format!("Bearer {}", self.bearer(token)?));
        Ok(req)
    }

    fn parse_page(
        &self,
        q: &LogQuery,
        _src: &LogSource,
        _page: Option<&str>,
        resp: &HttpResponse,
    ) -> Result<LogPage> {
        if !crate::providers::Provider::succeeded(self, resp.status) {
            return Err(match self.refused(resp) {
                Error::Auth(m) => Error::Auth(format!(
                    "{m}: reading a function's log needs the 'function' scope"
                )),
                e => e,
            });
        }
        faas::parse_log_lines(q, resp, self.product())
    }

    fn marks_the_end(&self) -> bool {
        false
    }
}

impl crate::credentials::Source for Client {
    fn cache_key(&self) -> String {
        let scopes = self.scopes();
        crate::credentials::fingerprint(&[
            "altair",
            &self.endpoint,
            &self.id,
            &scopes,
            &self.secret,
        ])
    }

    fn describe(&self) -> String {
        format!(
            "an OAuth2 token for client {} from {}",
            self.id, self.endpoint
        )
    }

    fn step(
        &self,
        answers: &[crate::credentials::Answer],
        now: OffsetDateTime,
    ) -> Result<crate::credentials::Step> {
        crate::credentials::one_request(
            || self.token_request(),
            answers,
            |r| self.parse_token(r, now),
        )
    }
}

impl Client {
    fn token_request(&self) -> HttpRequest {
        let Client {
            endpoint,
            id,
            secret,
            ..
        } = self;
        let scopes = self.scopes();
        let mut request = HttpRequest::new("POST", endpoint, "/oauth2/token");
        request.set_header("Content-Type", "application/x-www-form-urlencoded");
        request.set_header("Accept", "application/json");
        request.body = [
            ("grant_type", "client_credentials"),
            ("client_id", id),
            ("client_secret", secret),
            ("scope", &scopes),
        ]
        .iter()
        .map(|(k, v)| format!("{k}={}", encode_component(v)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes();
        request
    }

    fn parse_token(&self, resp: &HttpResponse, now: OffsetDateTime) -> Result<Fetched> {
        let json: Json = serde_json::from_slice(&resp.body).unwrap_or(Json::Null);
        if !SPEC.succeeded(resp.status) {
            let code = json.get("error").and_then(Json::as_str).unwrap_or("");
            let desc = json
                .get("error_description")
                .and_then(Json::as_str)
                .unwrap_or("");
            let line = format!(
                "Altair IoT Studio refused the token request: {code}{}{desc} (HTTP {})",
                if desc.is_empty() { "" } else { ": " },
                resp.status
            );
            return Err(match code {
                "invalid_client" | "unauthorized_client" => {
                    Error::Auth(format!("{line}: check the profile's client_id and client_secret"))
                }
                "invalid_scope" => Error::Auth(format!(
                    "{line}: the client may not have the scopes asked for ({}): change `scopes` in the profile",
                    self.scopes()
                )),
                _ if matches!(resp.status, 400 | 401 | 403) => Error::Auth(line),
                _ => Error::Refused(line),
            });
        }
        let value = json
            .get("access_token")
            .and_then(Json::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                Error::Refused("the token endpoint answered without an access_token".into())
            })?;
        let expires_in = json
            .get("expires_in")
            .and_then(Json::as_i64)
            .unwrap_or(3600);
        Ok(Fetched::until(
            Credential::Bearer(value.to_string()),
            now,
            now.unix_timestamp().saturating_add(expires_in),
        ))
    }
}

impl Callbacks for Altair {
    fn callback_failure(&self, status: u16, body: &[u8]) -> String {
        let fe = function_error(status, body);
        format!("{}: {}", fe.kind, fe.message)
    }
}

/// A function's failure: its status and the platform's `details` (exception type, line).
pub fn function_error(status: u16, body: &[u8]) -> FunctionError {
    let (msg, details) = platform_error(body);
    let field = |k: &str| {
        details
            .as_ref()
            .and_then(|d| d.get(k))
            .and_then(Json::as_str)
            .map(str::to_string)
    };
    let kind = field("exception_type").unwrap_or_else(|| format!("HTTP {status}"));
    let mut message = msg.unwrap_or_else(|| body_snippet(body));
    if let Some(code) = field("exception_line_code").or_else(|| field("panic_line")) {
        message.push_str(&format!(" (at: {})", code.trim()));
    }
    FunctionError { kind, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn altair_passes_three_path_levels_of_lowercase_names() {
        assert!(Target::parse("stock-quote/market/today/x", &RULES).is_ok());
        let e = Target::parse("f/a/b/c/d", &RULES).unwrap_err();
        assert!(e.to_string().contains("Altair passes at most 3"), "{e}");
        assert!(Target::parse("Bad_Name", &RULES).is_err());
    }

    #[test]
    fn function_error_uses_details() {
        let body = br#"{"error":{"status":500,"message":"ZeroDivisionError at line 9: division by zero","details":{"exception_type":"ZeroDivisionError","exception_line_code":"  return 1/0","exception_line_number":9}}}"#;
        let fe = function_error(500, body);
        assert_eq!(fe.kind, "ZeroDivisionError");
        assert_eq!(
            fe.message,
            "ZeroDivisionError at line 9: division by zero (at: return 1/0)"
        );
        assert_eq!(function_error(404, b"nope").kind, "HTTP 404");
    }

    #[test]
    fn not_ready_is_a_202_that_says_so() {
        let mut r = HttpResponse {
            status: 202,
            body: br#"{"details":"function not ready"}"#.to_vec(),
            ..Default::default()
        };
        assert!(not_ready(&r));
        r.body = b"".to_vec();
        assert!(!not_ready(&r));
    }
}
