//! Alibaba Cloud Function Compute: FC 2.0 (`2021-04-06`, or `2016-08-15` as the FC SDKs
//! send it) with FC-native signing, and FC 3.0 (`2023-03-30`) with ACS3 signing.
//!
//! Sync: `X-Fc-Invocation-Type: Sync`, body = the function's output; a function error is a
//! 200 with `X-Fc-Error-Type`. Async: 202; stateful async invocations (2.0) or async tasks
//! (3.0) can be polled and stopped by id.

use crate::credentials::Credential;
use serde_json::Value as Json;
use time::OffsetDateTime;

use super::registry::{Key, PayloadLimit, ProviderSpec};
use super::{
    body_snippet, json_field, refusal_line, runtime_error, tail_log, AsyncStatus, AsyncStop,
    Capability, Env, Provider, Settings,
};
use crate::config::Profile;
use crate::decode::{self, FC_TAIL_LIMIT};
use crate::error::{Error, Result};
use crate::http::{encode_component, HttpRequest, HttpResponse};
use crate::invocation::{AsyncState, Invocation, Mode, Outcome};
use crate::signing::{acs3, fc};

/// Function Compute's row in the provider table.
pub const SPEC: ProviderSpec = ProviderSpec {
    key: "aliyun",
    product: "Function Compute",
    keys: &[
        Key::new(
            "endpoint",
            "the FC endpoint, instead of the one made of account and region",
        ),
        Key::new(
            "account_id",
            "the Alibaba Cloud account UID, part of the endpoint host",
        )
        .env(&[ENV_ACCOUNT]),
        Key::new("region", "the region, e.g. cn-hangzhou"),
        Key::new("service", "the FC 2.0 service of names given without one"),
        Key::new("access_key_id", "the AccessKey ID")
            .required()
            .env(&[ENV_AK]),
        Key::new("access_key_secret", "the AccessKey secret")
            .required()
            .secret()
            .env(&[ENV_SK]),
        Key::new("security_token", "the STS security token")
            .secret()
            .env(&[ENV_STS]),
        Key::new("internal", "true: the endpoint inside the region's network"),
        Key::new("api", "\"2.0\" (default) or \"3.0\""),
        Key::new(
            "api_version",
            "FC 2.0's path prefix: 2021-04-06 (default) or 2016-08-15",
        ),
        Key::new(
            "log_endpoint",
            "the Simple Log Service endpoint, for the emulator or a private one",
        ),
    ],
    env: &[],
    capabilities: &[
        Capability::AsyncStatus,
        Capability::AsyncStop,
        Capability::ReadsLogs,
    ],
    success: &[200, 202, 204],
    // Function Compute (2.0 and 3.0): 32 MB synchronous, 128 KB async
    max_payload: PayloadLimit {
        sync: 32 << 20,
        asynchronous: 128 << 10,
    },
    build: |p, env| Ok(Box::new(Aliyun::from_profile(p, env)?)),
    emulator_profile: &[
        ("account_id", "123456789012"),
        ("region", "cn-hangzhou"),
        ("endpoint", "{url}"),
        ("log_endpoint", "{url}"),
        ("access_key_id", "{access_key}"),
        ("access_key_secret", "{secret_key}"),
        ("service", "svc"),
    ],
    tail: true,
    vendor_profiles: None,
};

const ENV_AK: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
const ENV_SK: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
const ENV_STS: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";
const ENV_ACCOUNT: &str = "ALIBABA_CLOUD_ACCOUNT_ID";
const V3: &str = "2023-03-30";

/// Which API generation a profile speaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Api {
    /// FC 2.0 with its path prefix (`2021-04-06` or `2016-08-15`).
    V2(String),
    V3,
}

#[derive(Debug, Clone)]
pub struct Aliyun {
    endpoint: String,
    /// The region (for the log service's endpoint), when the profile names it.
    pub(super) region: Option<String>,
    /// The log service's endpoint, when not the region's.
    pub(super) log_endpoint: Option<String>,
    account_id: Option<String>,
    service: Option<String>,
    access_key_id: String,
    access_key_secret: String,
    security_token: Option<String>,
    pub(super) api: Api,
}

/// `service/function` (2.0) or `function`, with the qualifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Target {
    pub service: Option<String>,
    pub function: String,
    pub qualifier: Option<String>,
}

/// A configuration error about `profile`.
fn config(profile: &Profile, m: String) -> Error {
    Error::Config(format!("profile '{}': {m}", profile.name))
}

fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Validate a stateful async invocation / task id as FC does: a letter or `_`, then
/// letters, digits, `_` or `-`, at most 128 characters.
pub fn check_invocation_id(id: &str) -> Result<()> {
    if valid_name(id) {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "invalid invocation id '{id}': start with a letter or '_', then letters, digits, '_' or '-', at most 128 characters"
        )))
    }
}

impl Aliyun {
    pub fn from_profile(profile: &Profile, env: Env) -> Result<Aliyun> {
        let s = Settings {
            profile,
            env,
            spec: &SPEC,
        };
        let api = match s.get("api")?.as_deref() {
            None | Some("2.0") | Some("2") => {
                let v = s.get("api_version")?.unwrap_or_else(|| "2021-04-06".into());
                if v != "2021-04-06" && v != "2016-08-15" {
                    return Err(Error::Config(format!(
                        "profile '{}': api_version '{v}' is not one of 2021-04-06, 2016-08-15",
                        profile.name
                    )));
                }
                Api::V2(v)
            }
            Some("3.0") | Some("3") => Api::V3,
            Some(other) => {
                return Err(Error::Config(format!(
                    "profile '{}': api '{other}' is not one of \"2.0\", \"3.0\"",
                    profile.name
                )))
            }
        };
        let account_id = s.get("account_id")?;
        let endpoint = match s.get("endpoint")? {
            Some(e) => super::endpoint_base(&profile.name, "'endpoint'", &e)?,
            None => {
                let region = s.require("region")?;
                super::host_part("region", &region).map_err(|m| config(profile, m))?;
                let account = account_id.clone().ok_or_else(|| {
                    Error::Config(format!(
                        "profile '{}' has no 'account_id' (the Alibaba Cloud account UID, part of the endpoint host)",
                        profile.name
                    ))
                })?;
                super::host_part("account_id", &account).map_err(|m| config(profile, m))?;
                let internal = matches!(s.get("internal")?.as_deref(), Some("true"));
                let url = format!(
                    "https://{account}.{region}{}.fc.aliyuncs.com",
                    if internal { "-internal" } else { "" }
                );
                super::endpoint_base(&profile.name, "'region' and 'account_id'", &url)?
            }
        };
        Ok(Aliyun {
            endpoint,
            region: match s.get("region")? {
                Some(r) => {
                    super::host_part("region", &r).map_err(|m| config(profile, m))?;
                    Some(r)
                }
                None => None,
            },
            log_endpoint: match s.get("log_endpoint")? {
                Some(e) => Some(super::endpoint_base(&profile.name, "'log_endpoint'", &e)?),
                None => None,
            },
            account_id,
            service: s.get("service")?,
            access_key_id: s.require("access_key_id")?,
            access_key_secret: s.require("access_key_secret")?,
            security_token: s.get("security_token")?,
            api,
        })
    }

    pub(super) fn target(&self, inv: &Invocation) -> Result<Target> {
        let (service, function) = match (inv.function.split_once('/'), &self.api) {
            (Some(_), Api::V3) => {
                return Err(Error::Usage(format!(
                    "invalid function '{}': FC 3.0 has no services, give the function name alone",
                    inv.function
                )))
            }
            (Some((s, f)), Api::V2(_)) => (Some(s.to_string()), f.to_string()),
            (None, Api::V2(_)) => match &self.service {
                Some(s) => (Some(s.clone()), inv.function.clone()),
                None => {
                    return Err(Error::Usage(format!(
                    "no service for '{}': write SERVICE/FUNCTION or set `service` in the profile",
                    inv.function
                )))
                }
            },
            (None, Api::V3) => (None, inv.function.clone()),
        };
        for (what, v) in [
            ("service", service.as_deref()),
            ("function", Some(&function)),
        ] {
            if let Some(v) = v.filter(|v| !valid_name(v)) {
                return Err(Error::Usage(format!(
                    "invalid {what} name '{v}': letters, digits, '_' and '-', starting with a letter or '_'"
                )));
            }
        }
        if let Some(q) = &inv.qualifier {
            if q.is_empty()
                || !q
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return Err(Error::Usage(format!(
                    "invalid qualifier '{q}': a version number, LATEST or an alias name"
                )));
            }
        }
        if let Some(id) = &inv.invocation_id {
            check_invocation_id(id)?;
        }
        Ok(Target {
            service,
            function,
            qualifier: inv.qualifier.clone(),
        })
    }

    /// The function's base path; FC 2.0 puts the qualifier in the path, 3.0 in the query.
    fn function_path(&self, t: &Target) -> String {
        match (&self.api, &t.service) {
            (Api::V2(v), Some(s)) => {
                let svc = match &t.qualifier {
                    Some(q) => format!("{s}.{q}"),
                    None => s.clone(),
                };
                format!(
                    "/{v}/services/{}/functions/{}",
                    encode_component(&svc),
                    encode_component(&t.function)
                )
            }
            _ => format!("/{V3}/functions/{}", encode_component(&t.function)),
        }
    }

    fn request(&self, method: &str, t: &Target, suffix: &str) -> HttpRequest {
        let mut req = HttpRequest::new(
            method,
            &self.endpoint,
            &format!("{}{suffix}", self.function_path(t)),
        );
        if self.api == Api::V3 {
            if let Some(q) = &t.qualifier {
                req.query.push(("qualifier".into(), q.clone()));
            }
        }
        req
    }

    /// The keys, for the log service's signature.
    pub(super) fn sls_key(&self) -> crate::signing::sls::SlsKey<'_> {
        crate::signing::sls::SlsKey {
            access_key_id: &self.access_key_id,
            access_key_secret: &self.access_key_secret,
            security_token: self.security_token.as_deref(),
        }
    }

    /// `GET` on `path` of the FC API (a service, a function), signed for `action`.
    pub(super) fn get(
        &self,
        path: &str,
        query: Option<(&str, String)>,
        action: &str,
        now: OffsetDateTime,
    ) -> HttpRequest {
        let mut req = HttpRequest::new("GET", &self.endpoint, path);
        if let Some((k, v)) = query {
            req.query.push((k.into(), v));
        }
        self.sign(&mut req, action, now);
        req
    }

    /// Sign for `now` with the profile's scheme; `action` names the FC 3.0 operation.
    fn sign(&self, req: &mut HttpRequest, action: &str, now: OffsetDateTime) {
        match &self.api {
            Api::V2(_) => {
                if let Some(a) = &self.account_id {
                    req.set_header("X-Fc-Account-Id", a.clone());
                }
                fc::sign(
                    req,
                    &fc::FcKey {
                        access_key_id: &self.access_key_id,
                        access_key_secret: &self.access_key_secret,
                        security_token: self.security_token.as_deref(),
                    },
                    now,
                )
            }
            Api::V3 => {
                // a nonce unique per request and attempt, derived so signing stays a pure function
                let nonce = crate::credentials::fingerprint(&[
                    &now.unix_timestamp_nanos().to_string(),
                    &req.method,
                    &req.path,
                    &std::process::id().to_string(),
                ]);
                acs3::sign(
                    req,
                    &acs3::Acs3Key {
                        access_key_id: &self.access_key_id,
                        access_key_secret: &self.access_key_secret,
                        security_token: self.security_token.as_deref(),
                    },
                    action,
                    V3,
                    &nonce,
                    now,
                )
            }
        }
    }

    fn task_suffix(&self, id: &str) -> String {
        match self.api {
            Api::V2(_) => format!("/stateful-async-invocations/{}", encode_component(id)),
            Api::V3 => format!("/async-tasks/{}", encode_component(id)),
        }
    }
}

impl Provider for Aliyun {
    fn spec(&self) -> &'static ProviderSpec {
        &SPEC
    }

    fn function_id(&self, inv: &Invocation) -> Result<String> {
        let t = self.target(inv)?;
        let base = match &t.service {
            Some(s) => format!("{s}/{}", t.function),
            None => t.function.clone(),
        };
        Ok(match &t.qualifier {
            Some(q) => format!("{base}@{q}"),
            None => base,
        })
    }

    fn build(
        &self,
        inv: &Invocation,
        _token: Option<&Credential>,
        now: OffsetDateTime,
    ) -> Result<HttpRequest> {
        let t = self.target(inv)?;
        let mut req = self.request("POST", &t, "/invocations");
        req.set_header("Content-Type", inv.content_type.clone());
        let v3 = self.api == Api::V3;
        let (kind, log) = match inv.mode {
            Mode::Sync => ("Sync", inv.tail.then_some("Tail")),
            Mode::Async => ("Async", None),
        };
        req.set_header(
            if v3 {
                "x-fc-invocation-type"
            } else {
                "X-Fc-Invocation-Type"
            },
            kind,
        );
        if let Some(l) = log {
            req.set_header(if v3 { "x-fc-log-type" } else { "X-Fc-Log-Type" }, l);
        }
        if let (Mode::Async, Some(id)) = (inv.mode, &inv.invocation_id) {
            if v3 {
                req.set_header("x-fc-async-task-id", id.clone());
            } else {
                req.set_header("X-Fc-Stateful-Async-Invocation-Id", id.clone());
                req.set_header("X-Fc-Stateful-Async-Invocation-Enable", "true");
            }
        }
        for (k, v) in &inv.headers {
            req.set_header(k, v.clone());
        }
        req.body = inv.payload.clone().unwrap_or_default();
        self.sign(&mut req, "InvokeFunction", now);
        Ok(req)
    }

    fn interpret(&self, inv: &Invocation, resp: &HttpResponse) -> Result<Outcome> {
        if !self.succeeded(resp.status) {
            return Err(self.refused(resp));
        }
        let mut out = Outcome {
            status: resp.status,
            request_id: resp.header("X-Fc-Request-Id").map(str::to_string),
            ..Outcome::default()
        };
        if inv.mode == Mode::Async {
            out.async_id = resp
                .header("X-Fc-Stateful-Async-Invocation-Id")
                .or(resp.header("X-Fc-Async-Task-Id"))
                .map(str::to_string)
                .or_else(|| inv.invocation_id.clone());
            if let Some(id) = &out.async_id {
                out.shown.push(("invocation".into(), id.clone()));
                out.extra.insert("invocation_id".into(), id.clone());
            }
            return Ok(out);
        }
        out.result = resp.body.clone();
        tail_log(resp, "X-Fc-Log-Result", FC_TAIL_LIMIT, &mut out);
        let number = |h: &str| resp.header(h).and_then(|v| v.trim().parse::<f64>().ok());
        out.summary.duration_ms = number("X-Fc-Invocation-Duration");
        out.summary.memory_used_mb = number("X-Fc-Max-Memory-Usage");
        tail_figures(&mut out);
        for (header, label) in [
            ("X-Fc-Invocation-Service-Version", "version"),
            ("X-Fc-Instance-Id", "instance"),
        ] {
            if let Some(v) = resp.header(header) {
                out.shown.push((label.into(), v.to_string()));
                out.extra.insert(label.into(), v.to_string());
            }
        }
        if let Some(kind) = resp.header("X-Fc-Error-Type") {
            out.extra.insert("error_type".into(), kind.to_string());
            out.function_error = Some(runtime_error(kind, &resp.body));
        }
        Ok(out)
    }

    /// A sync 2xx without `X-Fc-Error-Type` carries the function's output as its body.
    fn streams_result(&self, inv: &Invocation, head: &HttpResponse) -> bool {
        inv.mode == Mode::Sync
            && self.succeeded(head.status)
            && head.header("X-Fc-Error-Type").is_none()
    }

    /// `Function Compute refused the request: FunctionNotFound ... (HTTP 404, request id …)`.
    fn refused(&self, resp: &HttpResponse) -> Error {
        let body: Json = serde_json::from_slice(&resp.body).unwrap_or(Json::Null);
        let code = json_field(&body, &["ErrorCode", "errorCode", "Code"]);
        let msg = json_field(&body, &["ErrorMessage", "errorMessage", "Message"]);
        let id = resp
            .header("X-Fc-Request-Id")
            .map(str::to_string)
            .or_else(|| json_field(&body, &["RequestId", "requestId"]));
        let line = refusal_line(
            self.product(),
            code.as_deref(),
            msg.as_deref(),
            resp,
            id.as_deref(),
        );
        let auth_codes = [
            "SignatureNotMatch",
            "InvalidAccessKeyID",
            "AccessDenied",
            "InvalidSecurityToken",
        ];
        if code.as_deref().is_some_and(|c| auth_codes.contains(&c))
            || matches!(resp.status, 401 | 403)
        {
            Error::Auth(format!(
                "{line}: check access_key_id and access_key_secret (and security_token for STS), and this machine's clock (requests more than 15 minutes off are refused)"
            ))
        } else {
            Error::Refused(line)
        }
    }

    fn retry_throttled(&self, inv: &Invocation) -> bool {
        // a throttled sync call may already have run: only async ones are sent again
        inv.mode == Mode::Async
    }

    fn secret_headers(&self) -> &'static [&'static str] {
        &[
            "authorization",
            "x-fc-security-token",
            "x-acs-security-token",
        ]
    }

    fn async_status(&self) -> Option<&dyn AsyncStatus> {
        Some(self)
    }

    fn async_stop(&self) -> Option<&dyn AsyncStop> {
        Some(self)
    }

    fn logs(&self) -> Option<&dyn super::ReadsLogs> {
        Some(self)
    }
}

/// The figures at the end of the tail (`Duration: 2.96 ms, Billed Duration: 3 ms, Memory
/// Size: 128 MB, …`), when they are this request's: the headers carry the duration in whole
/// milliseconds and neither the billed time nor the memory limit.
fn tail_figures(out: &mut Outcome) {
    let Some(report) = out
        .log
        .as_ref()
        .and_then(|l| decode::parse_fc_report(&l.text))
    else {
        return;
    };
    let id = report.extra.get("request_id").and_then(Json::as_str);
    if id.is_some_and(|id| Some(id) != out.request_id.as_deref()) {
        return;
    }
    let s = &mut out.summary;
    s.duration_ms = report.duration_ms.or(s.duration_ms);
    s.billed_ms = s.billed_ms.or(report.billed_ms);
    s.memory_limit_mb = s.memory_limit_mb.or(report.memory_limit_mb);
    s.memory_used_mb = s.memory_used_mb.or(report.memory_used_mb);
}

impl AsyncStatus for Aliyun {
    fn status_request(
        &self,
        inv: &Invocation,
        id: &str,
        _submitted: OffsetDateTime,
        _token: Option<&Credential>,
        now: OffsetDateTime,
    ) -> Result<HttpRequest> {
        check_invocation_id(id)?;
        let t = self.target(inv)?;
        let mut req = self.request("GET", &t, &self.task_suffix(id));
        let action = if self.api == Api::V3 {
            "GetAsyncTask"
        } else {
            "GetStatefulAsyncInvocation"
        };
        self.sign(&mut req, action, now);
        Ok(req)
    }

    fn interpret_status(&self, _id: &str, resp: &HttpResponse) -> Result<AsyncState> {
        if resp.status == 404 {
            let body: Json = serde_json::from_slice(&resp.body).unwrap_or(Json::Null);
            let code = json_field(&body, &["ErrorCode", "errorCode", "Code"]).unwrap_or_default();
            if code.contains("NotFound")
                && !code.starts_with("Function")
                && !code.starts_with("Service")
            {
                return Ok(AsyncState::NotFound);
            }
        }
        if !self.succeeded(resp.status) {
            return Err(Provider::refused(self, resp));
        }
        let body: Json = serde_json::from_slice(&resp.body).map_err(|_| {
            Error::Refused(format!(
                "Function Compute answered the status query with something that is not JSON: {}",
                body_snippet(&resp.body)
            ))
        })?;
        let status = json_field(&body, &["status"]).unwrap_or_default();
        Ok(match status.as_str() {
            "Succeeded" => AsyncState::Succeeded {
                status,
                result: json_field(&body, &["returnPayload"]).map(String::into_bytes),
            },
            "Failed" | "Stopped" | "Invalid" | "Expired" => {
                let message = json_field(
                    &body,
                    &["invocationErrorMessage", "taskErrorMessage", "errorMessage"],
                )
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| format!("the invocation ended with status {status}"));
                AsyncState::Failed { status, message }
            }
            _ => AsyncState::Pending(status),
        })
    }

    /// A stateful async invocation is looked up by the id its caller gave it.
    fn needs_caller_id(&self) -> bool {
        true
    }
}

impl AsyncStop for Aliyun {
    fn stop_request(
        &self,
        inv: &Invocation,
        id: &str,
        _token: Option<&Credential>,
        now: OffsetDateTime,
    ) -> Result<HttpRequest> {
        check_invocation_id(id)?;
        let t = self.target(inv)?;
        let (suffix, action) = match self.api {
            Api::V2(_) => (self.task_suffix(id), "StopStatefulAsyncInvocation"),
            Api::V3 => (format!("{}/stop", self.task_suffix(id)), "StopAsyncTask"),
        };
        let mut req = self.request("PUT", &t, &suffix);
        self.sign(&mut req, action, now);
        Ok(req)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_tail(request_id: &str, log: &str) -> Outcome {
        Outcome {
            request_id: Some(request_id.into()),
            log: Some(decode::log_from_bytes(log.as_bytes(), None)),
            summary: decode::InvokeSummary {
                duration_ms: Some(3.0),
                memory_used_mb: Some(10.83),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    const TAIL: &str = "FC Invoke Start RequestId: r1\nhi\nFC Invoke End RequestId: r1\nDuration: 2.96 ms, Billed Duration: 3 ms, Memory Size: 128 MB, Max Memory Used: 10.83 MB\n";

    #[test]
    fn the_tail_gives_exact_duration_billed_time_and_memory_limit() {
        let mut out = with_tail("r1", TAIL);
        tail_figures(&mut out);
        let s = &out.summary;
        assert_eq!(
            (
                s.duration_ms,
                s.billed_ms,
                s.memory_limit_mb,
                s.memory_used_mb
            ),
            (Some(2.96), Some(3.0), Some(128.0), Some(10.83))
        );
        assert!(s.extra.is_empty(), "{:?}", s.extra);
    }

    #[test]
    fn another_requests_figures_are_not_taken() {
        let mut out = with_tail("r2", TAIL);
        tail_figures(&mut out);
        assert_eq!(out.summary.duration_ms, Some(3.0));
        assert_eq!(out.summary.billed_ms, None);
    }
}
