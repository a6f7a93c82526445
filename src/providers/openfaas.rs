//! OpenFaaS, through its gateway: `/function/NAME[.NAMESPACE][/path]` runs a function
//! synchronously with any method (extra path and query passed through);
//! `/async-function/…` queues it (202 with `X-Call-Id`) and POSTs the result to
//! `X-Callback-Url`, with the function's status in `X-Function-Status`.
//!
//! A non-2xx answer is the function's failure (exit 6) unless it is the gateway's own:
//! 401/403 (exit 3), one marked `X-OpenFaaS-Internal`, "Cannot find service" / "No
//! endpoints available", or an empty 502/503/504 without the watchdog's
//! `X-Duration-Seconds` (exit 4).
//!
//! Auth: the gateway's basic-auth user and password (as `faas-cli login` takes them) are sent
//! only when the gateway asks for them with a `WWW-Authenticate: Basic` challenge. An
//! OpenFaaS CE gateway protects only `/system/` and passes every request header on to the
//! function, so sending the admin password unasked would hand it to every function (which
//! is why faas-cli stopped doing so).

use crate::credentials::Credential;
use base64::Engine as _;

use super::faas::{self, Target};
use super::registry::{Key, PayloadLimit, ProviderSpec};
use super::{
    body_snippet, refusal_line, Callbacks, Capability, Env, Provider, ReadsLogs, Settings,
};
use crate::config::Profile;
use crate::error::{Error, Result};
use crate::http::{encode_component, HttpRequest, HttpResponse};
use crate::invocation::{FunctionError, Invocation, Mode, Outcome};
use crate::logs::{LogPage, LogQuery, LogSource};

/// OpenFaaS's row in the provider table.
pub const SPEC: ProviderSpec = ProviderSpec {
    key: "openfaas",
    product: "OpenFaaS",
    keys: &[
        Key::new(
            "endpoint",
            "the gateway URL (default: $OPENFAAS_URL, else http://127.0.0.1:8080)",
        ),
        Key::new("namespace", "the namespace of names given without one"),
        Key::new("username", "the gateway's basic-auth user (default: admin)"),
        Key::new("password", "the gateway's basic-auth password").secret(),
    ],
    env: &[ENV_URL, "OPENFAAS_CONFIG"],
    capabilities: &[Capability::Callbacks, Capability::ReadsLogs],
    success: super::FUNCTION_SUCCESS,
    // the gateway documents no limit: fcall's own, what it holds in memory
    max_payload: PayloadLimit {
        sync: super::MAX_PAYLOAD,
        asynchronous: super::MAX_PAYLOAD,
    },
    build: |p, env| Ok(Box::new(OpenFaas::from_profile(p, env)?)),
    emulator_profile: &[
        ("endpoint", "{url}"),
        ("username", "{basic_user}"),
        ("password", "{basic_password}"),
    ],
    tail: false,
    vendor_profiles: None,
};

/// faas-cli's default gateway, and the variable it reads one from.
const DEFAULT_ENDPOINT: &str = "http://127.0.0.1:8080";
const ENV_URL: &str = "OPENFAAS_URL";

const RULES: faas::Rules = faas::Rules {
    product: "OpenFaaS",
    name_char: |c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.',
    name_chars: "lowercase letters, digits and '-', with .NAMESPACE after it if you like",
    max_extra: None,
    callback_required: false,
};

/// Whether a non-2xx answer is the gateway's own rather than the function's.
fn from_gateway(resp: &HttpResponse) -> bool {
    let body = String::from_utf8_lossy(&resp.body[..resp.body.len().min(200)]).into_owned();
    matches!(resp.status, 401 | 403)
        || resp.header("X-OpenFaaS-Internal").is_some()
        || body.starts_with("Cannot find service")
        || body.starts_with("No endpoints available")
        || (matches!(resp.status, 502..=504)
            && faas::ran_for(resp).is_none()
            && body.trim().is_empty())
}

#[derive(Debug, Clone)]
pub struct OpenFaas {
    endpoint: String,
    namespace: Option<String>,
    /// `user:password` for basic auth.
    basic: Option<String>,
}

impl OpenFaas {
    pub fn from_profile(profile: &Profile, env: Env) -> Result<OpenFaas> {
        let s = Settings {
            profile,
            env,
            spec: &SPEC,
        };
        let endpoint = match (s.get("endpoint")?, env(ENV_URL).filter(|v| !v.is_empty())) {
            (Some(e), _) => super::endpoint_base(&profile.name, "'endpoint'", &e)?,
            (None, Some(e)) => super::endpoint_base(&profile.name, ENV_URL, &e)?,
            (None, None) => DEFAULT_ENDPOINT.to_string(),
        };
        let basic = match (s.get("username")?, s.has("password")) {
            (user, true) => Some(format!(
                "{}:{}",
                user.unwrap_or_else(|| "admin".into()),
                s.require("password")?
            )),
            (Some(_), false) => {
                s.require_because("password", "the password that goes with `username`")?;
                None
            }
            (None, false) => faas_cli_login(env, &endpoint),
        };
        Ok(OpenFaas {
            endpoint,
            namespace: s.get("namespace")?.filter(|n| !n.is_empty()),
            basic,
        })
    }

    /// The function and its `name.namespace` as the gateway routes it (a namespace written
    /// after the name wins over the profile's).
    fn target(&self, inv: &Invocation) -> Result<(Target, String)> {
        let t = Target::parse(&inv.function, &RULES)?;
        let (name, ns) = match t.name.split_once('.') {
            Some((n, ns)) => (n, Some(ns)),
            None => (t.name.as_str(), self.namespace.as_deref()),
        };
        if name.is_empty() || ns.is_some_and(|ns| ns.is_empty() || ns.contains('.')) {
            return Err(Error::Usage(format!(
                "invalid function '{}': write NAME or NAME.NAMESPACE",
                t.name
            )));
        }
        let routed = ns.map_or_else(|| name.to_string(), |ns| format!("{name}.{ns}"));
        Ok((t, routed))
    }
}

/// The basic-auth pair `faas-cli login` stored for `gateway` (`$OPENFAAS_CONFIG/config.yml`,
/// else `~/.openfaas/config.yml`), if any; an unreadable file counts as none.
fn faas_cli_login(env: Env, gateway: &str) -> Option<String> {
    let dir = env("OPENFAAS_CONFIG")
        .filter(|d| !d.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| dirs::home_dir().map(|h| h.join(".openfaas")))?;
    let text = std::fs::read_to_string(dir.join("config.yml")).ok()?;
    stored_basic_auth(&text, gateway)
}

/// In faas-cli's `config.yml`, the `auths` entry for `gateway` (trailing `/` ignored) with
/// `auth: basic`: its `token` is base64 of `user:password`.
///
/// ```yaml
/// auths:
/// - gateway: http://127.0.0.1:8080
///   auth: basic
///   token: YWRtaW46cGFzc3dvcmQ=
/// ```
fn stored_basic_auth(text: &str, gateway: &str) -> Option<String> {
    let want = gateway.trim_end_matches('/');
    let mut entries: Vec<std::collections::HashMap<&str, &str>> = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        let (fresh, kv) = match t.strip_prefix("- ") {
            Some(rest) => (true, rest),
            None => (false, t),
        };
        let Some((k, v)) = kv.split_once(':') else {
            continue;
        };
        if fresh {
            entries.push(Default::default());
        }
        if let Some(e) = entries.last_mut() {
            e.insert(k.trim(), v.trim().trim_matches(['"', '\'']));
        }
    }
    let entry = entries.iter().find(|e| {
        e.get("gateway").map(|g| g.trim_end_matches('/')) == Some(want)
            && e.get("auth") == Some(&"basic")
    })?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(entry.get("token")?)
        .ok()?;
    String::from_utf8(bytes).ok().filter(|p| p.contains(':'))
}

impl Provider for OpenFaas {
    fn spec(&self) -> &'static ProviderSpec {
        &SPEC
    }

    fn function_id(&self, inv: &Invocation) -> Result<String> {
        let (t, routed) = self.target(inv)?;
        faas::method(inv, self.product())?;
        Ok(format!("{routed}{}", &t.display()[t.name.len()..]))
    }

    fn build(
        &self,
        inv: &Invocation,
        _token: Option<&Credential>,
        _now: time::OffsetDateTime,
    ) -> Result<HttpRequest> {
        let (t, routed) = self.target(inv)?;
        let method = faas::method(inv, self.product())?;
        let route = match inv.mode {
            Mode::Sync => "function",
            Mode::Async => "async-function",
        };
        let path = format!("/{route}/{}{}", encode_component(&routed), t.extra_path());
        faas::request(inv, &RULES, &method, &self.endpoint, &path)
    }

    fn challenge_response(&self, resp: &HttpResponse) -> Option<(String, String)> {
        let asks_basic = resp.status == 401
            && resp
                .header("WWW-Authenticate")
                .is_some_and(|c| c.trim_start().to_ascii_lowercase().starts_with("basic"));
        let basic = self.basic.as_ref().filter(|_| asks_basic)?;
        let b64 = base64::engine::general_purpose::STANDARD.encode(basic);
        Some(("Authorization".into(), format!("Basic {b64}")))
    }

    fn interpret(&self, inv: &Invocation, resp: &HttpResponse) -> Result<Outcome> {
        let ok = self.succeeded(resp.status);
        if !ok
            && (inv.mode == Mode::Async
                || from_gateway(resp)
                || !super::functions_failure(resp.status))
        {
            return Err(self.refused(resp));
        }
        let mut out = faas::outcome(inv, resp);
        if !ok {
            out.function_error = Some(FunctionError {
                kind: format!("HTTP {}", resp.status),
                message: body_snippet(&resp.body),
            });
        }
        Ok(out)
    }

    fn streams_result(&self, inv: &Invocation, head: &HttpResponse) -> bool {
        inv.mode == Mode::Sync && self.succeeded(head.status)
    }

    /// A throttled synchronous call may have reached the function (its own 429/503 looks
    /// the same): only async submissions are retried.
    fn retry_throttled(&self, inv: &Invocation) -> bool {
        inv.mode == Mode::Async
    }

    /// `OpenFaaS refused the request: Cannot find service: nope.openfaas-fn. (HTTP 404)`.
    fn refused(&self, resp: &HttpResponse) -> Error {
        let line = refusal_line(self.product(), None, None, resp, resp.header("X-Call-Id"));
        match resp.status {
            401 | 403 if self.basic.is_none() => Error::Auth(format!(
                "{line}: the gateway asks for credentials: add username and password (its basic auth, as for `faas-cli login`) to the profile"
            )),
            401 | 403 => Error::Auth(format!(
                "{line}: check the profile's username and password (the gateway's basic auth, as for `faas-cli login`)"
            )),
            404 => Error::Refused(format!(
                "{line}: check the function name and namespace (`faas-cli list -n NAMESPACE`)"
            )),
            _ => Error::Refused(line),
        }
    }

    fn timeout_hint(&self) -> Option<&'static str> {
        Some("the OpenFaaS gateway ends synchronous calls at its write_timeout (8 s by default): for longer functions use --async --wait --listen ADDR")
    }

    fn callbacks(&self) -> Option<&dyn Callbacks> {
        Some(self)
    }

    fn logs(&self) -> Option<&dyn ReadsLogs> {
        Some(self)
    }
}

impl OpenFaas {
    /// `Basic base64(user:password)`, for the `/system/` routes the gateway always guards.
    fn basic_header(&self) -> Option<String> {
        let b64 = base64::engine::general_purpose::STANDARD.encode(self.basic.as_ref()?);
        Some(format!("Basic {b64}"))
    }
}

/// The gateway's `GET /system/logs?name=&namespace=&since=&follow=false`, as `faas-cli logs`
/// reads it: NDJSON lines. `/system/` is the admin API, guarded by basic auth, so the
/// credentials are sent to it from the start (and only to it: never to a function).
impl ReadsLogs for OpenFaas {
    fn log_source(&self, q: &LogQuery, _located: Option<&HttpResponse>) -> Result<LogSource> {
        let inv = Invocation::new(&q.function);
        let (_, routed) = self.target(&inv)?;
        let (name, ns) = routed
            .split_once('.')
            .map_or((routed.as_str(), ""), |(n, ns)| (n, ns));
        Ok(LogSource {
            name: format!("the gateway's log of {routed}"),
            parts: vec![name.to_string(), ns.to_string()],
        })
    }

    fn page_request(
        &self,
        q: &LogQuery,
        src: &LogSource,
        _page: Option<&str>,
        _token: Option<&Credential>,
        _now: time::OffsetDateTime,
    ) -> Result<HttpRequest> {
        let mut extra = vec![("name", src.part(0))];
        if !src.part(1).is_empty() {
            extra.push(("namespace", src.part(1)));
        }
        extra.push(("follow", "false"));
        let mut req = faas::log_request(&self.endpoint, "/system/logs", q, &extra);
        if let Some(basic) = self.basic_header() {
            req.set_header("Authorization", basic);
        }
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
            let line = refusal_line(self.product(), None, None, resp, None);
            return Err(match resp.status {
                401 | 403 => Error::Auth(format!(
                    "{line}: the gateway's log API (/system/logs) needs its basic auth: set the profile's username and password (as for `faas-cli login`)"
                )),
                404 => Error::Refused(format!(
                    "{line}: check the function name and namespace (`faas-cli list -n NAMESPACE`)"
                )),
                _ => Error::Refused(line),
            });
        }
        faas::parse_log_lines(q, resp, self.product())
    }

    fn marks_the_end(&self) -> bool {
        false
    }
}

/// The gateway's queue worker posts the result with `X-Function-Status`.
impl Callbacks for OpenFaas {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn provider(values: &[(&str, &str)]) -> Result<OpenFaas> {
        let profile = Profile {
            name: "of".into(),
            provider: "openfaas".into(),
            values: values
                .iter()
                .map(|(k, v)| (k.to_string(), crate::config::Value::Str(v.to_string())))
                .collect::<BTreeMap<_, _>>(),
        };
        OpenFaas::from_profile(&profile, &|_| None)
    }

    #[test]
    fn routes_name_namespace_and_extra_path() {
        let p = provider(&[("endpoint", "http://gw:8080/"), ("namespace", "dev")]).unwrap();
        let mut inv = Invocation::new("echo/a b");
        inv.query.push(("q".into(), "1".into()));
        let r = p
            .build(&inv, None, time::OffsetDateTime::UNIX_EPOCH)
            .unwrap();
        assert_eq!(r.url(), "http://gw:8080/function/echo.dev/a%20b?q=1");
        assert_eq!(r.header("Authorization"), None);
        assert_eq!(p.function_id(&inv).unwrap(), "echo.dev/a b");
        inv.function = "echo.prod".into();
        inv.mode = Mode::Async;
        inv.callback_url = Some("http://cb".into());
        let r = p
            .build(&inv, None, time::OffsetDateTime::UNIX_EPOCH)
            .unwrap();
        assert_eq!(r.url(), "http://gw:8080/async-function/echo.prod?q=1");
        for bad in ["echo.", ".dev", "a.b.c", "Echo"] {
            inv.function = bad.into();
            assert!(p.function_id(&inv).is_err(), "{bad}");
        }
    }

    #[test]
    fn basic_auth_answers_a_challenge_only() {
        let p = provider(&[("password", "pw")]).unwrap();
        let r = p
            .build(
                &Invocation::new("f"),
                None,
                time::OffsetDateTime::UNIX_EPOCH,
            )
            .unwrap();
        assert_eq!(r.header("Authorization"), None, "never sent unasked");
        assert!(r.url().starts_with(DEFAULT_ENDPOINT));
        let mut challenge = HttpResponse {
            status: 401,
            headers: vec![(
                "WWW-Authenticate".into(),
                "Basic realm=\"Restricted\"".into(),
            )],
            body: Vec::new(),
        };
        // admin:pw
        assert_eq!(
            p.challenge_response(&challenge),
            Some(("Authorization".into(), "Basic YWRtaW46cHc=".into()))
        );
        challenge.headers[0].1 = "Bearer realm=\"IAM\"".into();
        assert_eq!(p.challenge_response(&challenge), None);
        let e = provider(&[("username", "u")]).unwrap_err();
        assert!(e.to_string().contains("'password'"), "{e}");
    }

    #[test]
    fn reads_what_faas_cli_login_stored() {
        let cfg = "auths:\n- gateway: http://other:8080\n  auth: basic\n  token: b3RoZXI6eA==\n- gateway: \"http://gw:8080/\"\n  auth: basic\n  token: YWRtaW46cGFzc3dvcmQ=\n- gateway: http://iam\n  auth: oauth2\n  token: eyJ\n";
        assert_eq!(
            stored_basic_auth(cfg, "http://gw:8080").as_deref(),
            Some("admin:password")
        );
        assert_eq!(stored_basic_auth(cfg, "http://iam"), None);
        assert_eq!(stored_basic_auth(cfg, "http://nope"), None);
        assert_eq!(stored_basic_auth("garbage: [", "http://gw"), None);
    }

    #[test]
    fn the_watchdog_header_tells_function_from_gateway() {
        let p = provider(&[]).unwrap();
        let inv = Invocation::new("f");
        let mut resp = HttpResponse {
            status: 500,
            headers: vec![("X-Duration-Seconds".into(), "0.1".into())],
            body: b"boom".to_vec(),
        };
        let out = p.interpret(&inv, &resp).unwrap();
        assert_eq!(out.function_error.unwrap().kind, "HTTP 500");
        resp.headers.clear();
        resp.status = 404;
        resp.body = b"Cannot find service: f.openfaas-fn.".to_vec();
        let e = p.interpret(&inv, &resp).unwrap_err();
        assert_eq!(e.code(), crate::error::code::REFUSED);
        assert!(e.to_string().contains("Cannot find service"), "{e}");
        resp.status = 401;
        assert_eq!(
            p.interpret(&inv, &resp).unwrap_err().code(),
            crate::error::code::CONFIG
        );
        // the classic watchdog's failure carries no X-Duration-Seconds: still the function's
        resp.status = 500;
        resp.body = b"exit status 1".to_vec();
        assert_eq!(
            p.interpret(&inv, &resp)
                .unwrap()
                .function_error
                .unwrap()
                .kind,
            "HTTP 500"
        );
        resp.headers = vec![("X-OpenFaaS-Internal".into(), "gateway".into())];
        assert!(p.interpret(&inv, &resp).is_err());
        resp.headers.clear();
        resp.status = 502;
        resp.body.clear();
        assert_eq!(
            p.interpret(&inv, &resp).unwrap_err().code(),
            crate::error::code::REFUSED
        );
        // only a 2xx is a success; a 1xx or 3xx is neither that nor the function's failure
        for status in [100, 301, 302, 304, 307, 308, 399] {
            resp.status = status;
            let e = p.interpret(&inv, &resp).unwrap_err();
            assert_eq!(e.code(), crate::error::code::REFUSED, "{status}");
        }
        resp.status = 302;
        let e = p.interpret(&inv, &resp).unwrap_err().to_string();
        assert!(e.contains("does not follow redirects"), "{e}");
        resp.status = 204;
        assert!(p.interpret(&inv, &resp).unwrap().function_error.is_none());
    }
}
