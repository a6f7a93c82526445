//! Huawei Cloud FunctionGraph (and clouds running the same API, e.g. Open Telekom Cloud).
//!
//! Sync: `POST /v2/{project}/fgs/functions/{urn}/invocations` with `X-CFF-Request-Version: v1`;
//! async: `.../invocations-async` → 202 `{request_id}`; status: `GET .../async-invocations`.
//! Auth: `X-Auth-Token` (given, or fetched from IAM), or AK/SK `SDK-HMAC-SHA256` signing.

use crate::credentials::{Credential, Fetched};
use serde_json::Value as Json;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::OffsetDateTime;

use super::registry::{Key, PayloadLimit, ProviderSpec};
use super::{
    body_snippet, json_field, refusal_line, tail_log, AsyncStatus, Capability, Env, Provider,
    Settings,
};
use crate::config::Profile;
use crate::decode::{self, HUAWEI_TAIL_LIMIT};
use crate::error::{Error, Result};
use crate::http::{encode_component, HttpRequest, HttpResponse};
use crate::invocation::{AsyncState, FunctionError, Invocation, Mode, Outcome};
use crate::signing::huawei::{self as signer, AkSk};

/// FunctionGraph's row in the provider table.
pub const SPEC: ProviderSpec = ProviderSpec {
    key: "huawei",
    product: "FunctionGraph",
    keys: &[
        Key::new(
            "endpoint",
            "the FunctionGraph endpoint, for other clouds or the emulator",
        ),
        Key::new("region", "the FunctionGraph region, e.g. cn-north-4").required(),
        Key::new(
            "project_id",
            "the project id of that region, from the console's My Credentials page",
        )
        .required()
        .env(&[ENV_PROJECT]),
        Key::new(
            "package",
            "the package of short function names (default: default)",
        ),
        Key::new("token", "an IAM token").secret(),
        Key::new("access_key", "the AK of the AK/SK pair").env(&[ENV_AK]),
        Key::new("secret_key", "the SK of the AK/SK pair")
            .secret()
            .env(&[ENV_SK]),
        Key::new("security_token", "the security token of temporary AK/SK")
            .secret()
            .env(&[ENV_SECURITY_TOKEN]),
        Key::new("iam_user", "the IAM user name"),
        Key::new("iam_password", "the IAM user's password").secret(),
        Key::new("iam_domain", "the account (domain) name"),
        Key::new("iam_endpoint", "the IAM endpoint tokens are fetched from")
            .env(&[ENV_IAM_ENDPOINT]),
        Key::new(
            "lts_endpoint",
            "the LTS endpoint the function's log is read from, for other clouds or the emulator",
        ),
    ],
    env: &["HUAWEICLOUD_SDK_REGION_FUNCTIONGRAPH_<REGION>"],
    capabilities: &[
        Capability::FetchesToken,
        Capability::AsyncStatus,
        Capability::ReadsLogs,
    ],
    success: &[200, 201, 202],
    // FunctionGraph: 6 MB for a synchronous call, 256 KB for an async one
    max_payload: PayloadLimit {
        sync: 6 << 20,
        asynchronous: 256 << 10,
    },
    build: |p, env| Ok(Box::new(Huawei::from_profile(p, env)?)),
    emulator_profile: &[
        ("region", "cn-north-4"),
        ("project_id", "0123456789abcdef0123456789abcdef"),
        ("endpoint", "{url}"),
        ("lts_endpoint", "{url}"),
        ("token", "{token}"),
    ],
    tail: true,
    vendor_profiles: None,
};

const ENV_AK: &str = "HUAWEICLOUD_SDK_AK";
const ENV_SK: &str = "HUAWEICLOUD_SDK_SK";
const ENV_PROJECT: &str = "HUAWEICLOUD_SDK_PROJECT_ID";
const ENV_SECURITY_TOKEN: &str = "HUAWEICLOUD_SDK_SECURITY_TOKEN";
const ENV_IAM_ENDPOINT: &str = "HUAWEICLOUD_SDK_IAM_ENDPOINT";

#[derive(Debug, Clone, PartialEq)]
enum Auth {
    Token(String),
    AkSk {
        access_key: String,
        secret_key: String,
        security_token: Option<String>,
    },
    Iam(Iam),
}

/// An IAM user whose password buys a project-scoped token.
#[derive(Debug, Clone, PartialEq)]
struct Iam {
    user: String,
    password: String,
    domain: String,
    endpoint: String,
    project_id: String,
}

/// A FunctionGraph account as a profile describes it, secrets resolved.
#[derive(Debug, Clone)]
pub struct Huawei {
    endpoint: String,
    /// LTS, where the function's log is read from.
    pub(super) lts_endpoint: String,
    region: String,
    pub(super) project_id: String,
    package: String,
    auth: Auth,
}

/// A function's URN: `urn:fss:{region}:{project}:function:{package}:{name}[:{qualifier}]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Urn {
    pub region: String,
    pub project_id: String,
    pub package: String,
    pub name: String,
    /// A version (`latest`, `v1`...) or an alias written `!alias`.
    pub qualifier: String,
}

impl std::fmt::Display for Urn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "urn:fss:{}:{}:function:{}:{}:{}",
            self.region, self.project_id, self.package, self.name, self.qualifier
        )
    }
}

fn valid(s: &str, first_alpha: bool, extra: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && (!first_alpha || s.starts_with(|c: char| c.is_ascii_alphabetic()))
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || extra.contains(c))
}

fn check(field: &str, value: &str, ok: bool, rule: &str) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "invalid function URN: {field} '{value}' must be {rule}"
        )))
    }
}

/// Turn `--qualifier` into the URN's last field: a version as is, an alias as `!alias`
/// (written `!prod` or `alias:prod`).
pub fn qualifier_field(q: &str) -> Result<String> {
    let (alias, name) = match q.strip_prefix('!').or_else(|| q.strip_prefix("alias:")) {
        Some(a) => (true, a),
        None => (false, q.strip_prefix("version:").unwrap_or(q)),
    };
    if alias {
        check(
            "alias",
            name,
            valid(name, true, "-_"),
            "a letter followed by letters, digits, '-' or '_' (e.g. --qualifier alias:prod)",
        )?;
        Ok(format!("!{name}"))
    } else {
        check(
            "version",
            name,
            valid(name, false, "-_."),
            "letters, digits, '.', '-' or '_' (e.g. latest, v1; an alias is written alias:NAME)",
        )?;
        Ok(name.to_string())
    }
}

impl Urn {
    /// Parse FUNCTION: `name`, `package/name` or a full URN (with or without qualifier).
    /// `qualifier` is `--qualifier`; it may not contradict one inside the URN.
    pub fn parse(
        function: &str,
        qualifier: Option<&str>,
        region: &str,
        project_id: &str,
        package: &str,
    ) -> Result<Urn> {
        let flag = qualifier.map(qualifier_field).transpose()?;
        let urn = if let Some(rest) = function.strip_prefix("urn:") {
            let f: Vec<&str> = rest.split(':').collect();
            if !(f.len() == 6 || f.len() == 7) || f[0] != "fss" || f[3] != "function" {
                return Err(Error::Usage(format!(
                    "invalid function URN '{function}': expected urn:fss:REGION:PROJECT_ID:function:PACKAGE:NAME[:VERSION|:!ALIAS]"
                )));
            }
            let in_urn = f.get(6).map(|q| {
                if let Some(a) = q.strip_prefix('!') {
                    qualifier_field(&format!("alias:{a}"))
                } else {
                    qualifier_field(&format!("version:{q}"))
                }
            });
            let qualifier = match (in_urn.transpose()?, flag) {
                (Some(a), Some(b)) if a != b => {
                    return Err(Error::Usage(format!(
                        "the URN names qualifier '{a}' and --qualifier says '{b}': give one of them"
                    )))
                }
                (Some(a), _) | (None, Some(a)) => a,
                (None, None) => "latest".to_string(),
            };
            Urn {
                region: f[1].to_string(),
                project_id: f[2].to_string(),
                package: f[4].to_string(),
                name: f[5].to_string(),
                qualifier,
            }
        } else {
            if function.contains(':') {
                return Err(Error::Usage(format!(
                    "invalid function '{function}': use NAME, PACKAGE/NAME or a full urn:fss:... URN"
                )));
            }
            let (pkg, name) = match function.split_once('/') {
                Some((p, n)) => (p, n),
                None => (package, function),
            };
            Urn {
                region: region.to_string(),
                project_id: project_id.to_string(),
                package: pkg.to_string(),
                name: name.to_string(),
                qualifier: flag.unwrap_or_else(|| "latest".to_string()),
            }
        };
        urn.validate()?;
        Ok(urn)
    }

    fn validate(&self) -> Result<()> {
        check(
            "region",
            &self.region,
            valid(&self.region, true, "-"),
            "like cn-north-4 (set `region` in the profile)",
        )?;
        check(
            "project id",
            &self.project_id,
            valid(&self.project_id, false, ""),
            "letters and digits (set `project_id` in the profile)",
        )?;
        check(
            "package",
            &self.package,
            valid(&self.package, false, "-_"),
            "letters, digits, '-' or '_'",
        )?;
        check(
            "function name",
            &self.name,
            valid(&self.name, true, "-_") && self.name.len() <= 60,
            "1-60 letters, digits, '-' or '_', starting with a letter",
        )
    }
}

/// Keystone-style fields FunctionGraph and its gateway put in error bodies.
fn error_fields(body: &[u8]) -> (Option<String>, Option<String>, Option<String>) {
    let Ok(json) = serde_json::from_slice::<Json>(body) else {
        return (None, None, None);
    };
    let find = |v: &Json| {
        (
            json_field(v, &["error_code", "errorCode", "code"]),
            json_field(v, &["error_msg", "errorMsg", "message"]),
        )
    };
    let (mut code, mut msg) = find(&json);
    if code.is_none() && msg.is_none() {
        // one level down: {"error": {"code": 401, "message": "..."}}
        if let Some(inner) = json
            .as_object()
            .and_then(|o| o.values().find(|v| v.is_object()))
        {
            (code, msg) = find(inner);
        }
    }
    (code, msg, json_field(&json, &["request_id"]))
}

impl Huawei {
    pub fn from_profile(profile: &Profile, env: Env) -> Result<Huawei> {
        let s = Settings {
            profile,
            env,
            spec: &SPEC,
        };
        let region = s.require("region")?;
        super::host_part("region", &region)
            .map_err(|m| Error::Config(format!("profile '{}': {m}", profile.name)))?;
        let project_id = s.require("project_id")?;
        let env_key = format!(
            "HUAWEICLOUD_SDK_REGION_FUNCTIONGRAPH_{}",
            region.to_ascii_uppercase().replace('-', "_")
        );
        let endpoint = match s.get_with("endpoint", &[&env_key])? {
            // the SDK variable may list several, comma-separated: take the first
            Some(e) => super::endpoint_base(
                &profile.name,
                &format!("'endpoint' or {env_key}"),
                e.split(',').next().unwrap_or("").trim(),
            )?,
            None => format!("https://functiongraph.{region}.myhuaweicloud.com"),
        };
        let package = s.get("package")?.unwrap_or_else(|| "default".to_string());
        let env_aksk = env(ENV_AK).is_some_and(|v| !v.is_empty())
            && env(ENV_SK).is_some_and(|v| !v.is_empty());
        let modes = [
            s.has("token"),
            s.has("access_key") || s.has("secret_key"),
            s.has("iam_user") || s.has("iam_password"),
        ];
        if !env_aksk && modes.iter().filter(|m| **m).count() > 1 {
            return Err(Error::Config(format!(
                "profile '{}' sets more than one kind of credentials: keep one of token, access_key+secret_key, iam_user+iam_password+iam_domain",
                profile.name
            )));
        }
        let auth = if env_aksk || modes[1] {
            Auth::AkSk {
                access_key: s.require("access_key")?,
                secret_key: s.require("secret_key")?,
                security_token: s.get("security_token")?,
            }
        } else if modes[0] {
            Auth::Token(s.require("token")?)
        } else if modes[2] {
            Auth::Iam(Iam {
                user: s.require("iam_user")?,
                password: s.require("iam_password")?,
                domain: s.require("iam_domain")?,
                endpoint: match s.get("iam_endpoint")? {
                    Some(e) => super::endpoint_base(&profile.name, "'iam_endpoint'", &e)?,
                    None => format!("https://iam.{region}.myhuaweicloud.com"),
                },
                project_id: project_id.clone(),
            })
        } else {
            return Err(Error::Config(format!(
                "profile '{}' has no credentials: set token, or access_key and secret_key, or iam_user, iam_password and iam_domain (or export {ENV_AK} and {ENV_SK})",
                profile.name
            )));
        };
        let lts_endpoint = match s.get("lts_endpoint")? {
            Some(e) => super::endpoint_base(&profile.name, "'lts_endpoint'", &e)?,
            None => format!("https://lts.{region}.myhuaweicloud.com"),
        };
        Ok(Huawei {
            endpoint,
            lts_endpoint: lts_endpoint.trim_end_matches('/').to_string(),
            region,
            project_id,
            package,
            auth,
        })
    }

    pub(super) fn urn(&self, inv: &Invocation) -> Result<Urn> {
        Urn::parse(
            &inv.function,
            inv.qualifier.as_deref(),
            &self.region,
            &self.project_id,
            &self.package,
        )
    }

    /// `/v2/{project}/fgs/functions/{urn}/{action}`, the URN as one encoded segment.
    pub(super) fn path(&self, urn: &Urn, action: &str) -> String {
        format!(
            "/v2/{}/fgs/functions/{}/{action}",
            urn.project_id,
            encode_component(&urn.to_string())
        )
    }

    /// The function's base URL.
    pub(super) fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// Add credentials: the token header, or an AK/SK signature for `now`.
    pub(super) fn authorize(
        &self,
        req: &mut HttpRequest,
        token: Option<&Credential>,
        now: OffsetDateTime,
    ) -> Result<()> {
        match (&self.auth, token.and_then(Credential::bearer)) {
            (Auth::Token(t), _) => req.set_header("X-Auth-Token", t.clone()),
            (Auth::Iam(_), Some(t)) => req.set_header("X-Auth-Token", t),
            (Auth::Iam(_), None) => {
                return Err(Error::Internal("IAM token was not fetched".into()))
            }
            (
                Auth::AkSk {
                    access_key,
                    secret_key,
                    security_token,
                },
                _,
            ) => signer::sign(
                req,
                &AkSk {
                    access_key,
                    secret_key,
                    security_token: security_token.as_deref(),
                    project_id: Some(&self.project_id),
                },
                now,
            ),
        }
        Ok(())
    }

    pub(super) fn auth_hint(&self) -> &'static str {
        match self.auth {
            Auth::Token(_) => "check the profile's token (IAM tokens last 24 hours)",
            Auth::AkSk { .. } => "check the profile's access_key and secret_key (and the clock: signatures expire after 15 minutes)",
            Auth::Iam(_) => "check the IAM user's permissions for FunctionGraph in this project",
        }
    }
}

/// The function's error as FunctionGraph reports it in the v1 `result`.
fn function_error(result: &[u8], code: Option<&str>) -> FunctionError {
    let parsed = serde_json::from_slice::<Json>(result).ok();
    let field = |k: &str| {
        parsed
            .as_ref()
            .and_then(|j| j.get(k))
            .and_then(Json::as_str)
            .map(str::to_string)
    };
    let kind = field("errorType")
        .or_else(|| {
            code.filter(|c| *c != "0")
                .map(|c| format!("error code {c}"))
        })
        .unwrap_or_else(|| "FunctionError".to_string());
    let message = field("errorMessage").unwrap_or_else(|| body_snippet(result));
    FunctionError { kind, message }
}

impl Provider for Huawei {
    fn spec(&self) -> &'static ProviderSpec {
        &SPEC
    }

    fn function_id(&self, inv: &Invocation) -> Result<String> {
        Ok(self.urn(inv)?.to_string())
    }

    fn build(
        &self,
        inv: &Invocation,
        token: Option<&Credential>,
        now: OffsetDateTime,
    ) -> Result<HttpRequest> {
        let urn = self.urn(inv)?;
        let action = match inv.mode {
            Mode::Sync => "invocations",
            Mode::Async => "invocations-async",
        };
        let mut req = HttpRequest::new("POST", &self.endpoint, &self.path(&urn, action));
        req.set_header("Content-Type", inv.content_type.clone());
        if inv.mode == Mode::Sync {
            if inv.tail {
                req.set_header("X-Cff-Log-Type", "tail");
            }
            req.set_header("X-CFF-Request-Version", "v1");
        }
        for (k, v) in &inv.headers {
            req.set_header(k, v.clone());
        }
        // the API refuses an empty body
        req.body = match &inv.payload {
            Some(p) if !p.is_empty() => p.clone(),
            _ => b"{}".to_vec(),
        };
        self.authorize(&mut req, token, now)?;
        Ok(req)
    }

    fn interpret(&self, inv: &Invocation, resp: &HttpResponse) -> Result<Outcome> {
        if !self.succeeded(resp.status) {
            return Err(self.refused(resp));
        }
        let body: Option<Json> = serde_json::from_slice(&resp.body).ok();
        let body_str = |k: &str| {
            body.as_ref()
                .and_then(|b| b.get(k))
                .and_then(Json::as_str)
                .map(str::to_string)
        };
        let mut out = Outcome {
            status: resp.status,
            request_id: resp
                .header("X-Cff-Request-Id")
                .map(str::to_string)
                .or_else(|| body_str("request_id")),
            ..Outcome::default()
        };
        if let Some(gw) = resp.header("X-Request-Id") {
            out.extra.insert("gateway_request_id".into(), gw.into());
        }
        if inv.mode == Mode::Async {
            if out.request_id.is_none() {
                return Err(Error::Refused(format!(
                    "FunctionGraph accepted the call (HTTP {}) but returned no request id",
                    resp.status
                )));
            }
            out.async_id = out.request_id.clone();
            return Ok(out);
        }
        // v1 envelope {request_id, result, log, status}; anything else is a v0 raw body
        let is_v1 = body.as_ref().is_some_and(|b| b.get("result").is_some());
        out.result = match body.as_ref().and_then(|b| b.get("result")) {
            Some(Json::String(s)) => s.clone().into_bytes(),
            Some(Json::Null) => Vec::new(),
            Some(other) => other.to_string().into_bytes(),
            None => resp.body.clone(),
        };
        if let Some(st) = body
            .as_ref()
            .and_then(|b| b.get("status"))
            .and_then(Json::as_i64)
        {
            out.extra.insert("function_status".into(), st.to_string());
        }
        tail_log(resp, "X-Cff-Function-Log", HUAWEI_TAIL_LIMIT, &mut out);
        if out.log.is_none() && !out.extra.contains_key("log_error") && inv.tail && is_v1 {
            if let Some(log) = body_str("log").filter(|l| !l.is_empty()) {
                out.log = Some(decode::log_from_bytes(log.as_bytes(), None));
            }
        }
        if let Some(s) = resp
            .header("X-Cff-Invoke-Summary")
            .filter(|s| !s.trim().is_empty())
        {
            match decode::parse_cff_summary(s) {
                Ok(sum) => out.summary = sum,
                Err(e) => {
                    out.extra
                        .insert("summary_error".into(), format!("X-Cff-Invoke-Summary: {e}"));
                }
            }
        }
        if let Some(b) = resp.header("X-CFF-Billing-Duration") {
            match b.trim().parse::<f64>() {
                Ok(ms) if out.summary.billed_ms.is_none() => out.summary.billed_ms = Some(ms),
                Ok(_) => {}
                Err(_) => {
                    out.extra.insert("billing_duration".into(), b.to_string());
                }
            }
        }
        let code = resp.header("X-Func-Err-Code").map(str::trim);
        let is_err = resp
            .header("X-Is-Func-Err")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
            || code.is_some_and(|c| !c.is_empty() && c != "0");
        if is_err {
            if let Some(c) = code {
                out.extra.insert("func_err_code".into(), c.to_string());
            }
            out.function_error = Some(function_error(&out.result, code));
        }
        Ok(out)
    }

    /// A refusal: `FunctionGraph refused the request: FSS.1051 Not found the function (HTTP 404, request id …)`.
    fn refused(&self, resp: &HttpResponse) -> Error {
        let (code, msg, body_id) = error_fields(&resp.body);
        let id = resp
            .header("X-Cff-Request-Id")
            .or(resp.header("X-Request-Id"))
            .map(str::to_string)
            .or(body_id);
        let mut line = refusal_line(
            self.product(),
            code.as_deref(),
            msg.as_deref(),
            resp,
            id.as_deref(),
        );
        match resp.status {
            401 | 403 => {
                line.push_str(": ");
                line.push_str(
                    if line.contains("expired") && matches!(self.auth, Auth::AkSk { .. }) {
                        "the signature expired: check this machine's clock"
                    } else {
                        self.auth_hint()
                    },
                );
                Error::Auth(line)
            }
            408 | 504 => {
                line.push_str(": ");
                line.push_str(self.timeout_hint().unwrap_or_default());
                Error::Refused(line)
            }
            _ => Error::Refused(line),
        }
    }

    fn timeout_hint(&self) -> Option<&'static str> {
        Some("FunctionGraph's gateway cuts synchronous calls at about 90 s: for longer functions use --async --wait")
    }

    fn secret_headers(&self) -> &'static [&'static str] {
        &[
            "authorization",
            "x-auth-token",
            "x-security-token",
            "x-subject-token",
        ]
    }

    fn tokens(&self) -> Option<&dyn crate::credentials::Source> {
        match &self.auth {
            Auth::Iam(iam) => Some(iam),
            _ => None,
        }
    }

    fn async_status(&self) -> Option<&dyn AsyncStatus> {
        Some(self)
    }

    fn logs(&self) -> Option<&dyn super::ReadsLogs> {
        Some(self)
    }
}

impl crate::credentials::Source for Iam {
    fn cache_key(&self) -> String {
        let Iam {
            user,
            password,
            domain,
            endpoint,
            project_id,
        } = self;
        crate::credentials::fingerprint(&[
            "huawei-iam",
            endpoint,
            domain,
            user,
            project_id,
            password,
        ])
    }

    fn describe(&self) -> String {
        format!(
            "an IAM token for user {} of domain {} from {}",
            self.user, self.domain, self.endpoint
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

impl Iam {
    fn token_request(&self) -> HttpRequest {
        let Iam {
            user,
            password,
            domain,
            endpoint,
            project_id,
        } = self;
        let body = serde_json::json!({"auth": {
            "identity": {"methods": ["password"], "password": {"user": {
                "name": user, "password": password, "domain": {"name": domain}}}},
            "scope": {"project": {"id": project_id}}}});
        let mut request = HttpRequest::new("POST", endpoint, "/v3/auth/tokens");
        request.query.push(("nocatalog".into(), "true".into()));
        request.set_header("Content-Type", "application/json;charset=utf8");
        request.body = body.to_string().into_bytes();
        request
    }

    fn parse_token(&self, resp: &HttpResponse, now: OffsetDateTime) -> Result<Fetched> {
        if !SPEC.succeeded(resp.status) {
            let (_, msg, _) = error_fields(&resp.body);
            let msg = msg.unwrap_or_else(|| body_snippet(&resp.body));
            let line = format!(
                "IAM refused the token request: {msg} (HTTP {})",
                resp.status
            );
            return Err(if matches!(resp.status, 400 | 401 | 403) {
                Error::Auth(format!(
                    "{line}: check iam_user, iam_password and iam_domain"
                ))
            } else {
                Error::Refused(line)
            });
        }
        let value = resp
            .header("X-Subject-Token")
            .filter(|t| !t.is_empty())
            .ok_or_else(|| Error::Refused("IAM answered without an X-Subject-Token header".into()))?
            .to_string();
        let expires_at = serde_json::from_slice::<Json>(&resp.body)
            .ok()
            .and_then(|j| j.pointer("/token/expires_at")?.as_str().map(str::to_string))
            .and_then(|s| OffsetDateTime::parse(&s, &Rfc3339).ok())
            .map(|t| t.unix_timestamp())
            // IAM tokens last 24 hours; assume less if the body does not say
            .unwrap_or(now.unix_timestamp() + 23 * 3600);
        Ok(Fetched::until(Credential::Bearer(value), now, expires_at))
    }
}

impl AsyncStatus for Huawei {
    fn status_request(
        &self,
        inv: &Invocation,
        id: &str,
        submitted: OffsetDateTime,
        token: Option<&Credential>,
        now: OffsetDateTime,
    ) -> Result<HttpRequest> {
        let urn = self.urn(inv)?;
        let mut req =
            HttpRequest::new("GET", &self.endpoint, &self.path(&urn, "async-invocations"));
        // the default window is only the last hour: start a minute before submission
        let begin = (submitted - time::Duration::minutes(1))
            .to_offset(time::UtcOffset::UTC)
            .format(format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second]"
            ))
            .map_err(|e| Error::Internal(e.to_string()))?;
        req.query.push(("query_begin_time".into(), begin));
        req.query.push(("request_id".into(), id.to_string()));
        req.set_header("Content-Type", "application/json");
        self.authorize(&mut req, token, now)?;
        Ok(req)
    }

    fn interpret_status(&self, id: &str, resp: &HttpResponse) -> Result<AsyncState> {
        if !self.succeeded(resp.status) {
            return Err(Provider::refused(self, resp));
        }
        let body: Json = serde_json::from_slice(&resp.body).map_err(|_| {
            Error::Refused(format!(
                "FunctionGraph answered the status query with something that is not JSON: {}",
                body_snippet(&resp.body)
            ))
        })?;
        let found = body
            .get("invocations")
            .and_then(Json::as_array)
            .and_then(|list| {
                list.iter()
                    .find(|i| i.get("request_id").and_then(Json::as_str) == Some(id))
            });
        let Some(inv) = found else {
            return Ok(AsyncState::NotFound);
        };
        let field = |k: &str| inv.get(k).and_then(Json::as_str).unwrap_or("").to_string();
        let status = field("status");
        Ok(match status.as_str() {
            "SUCCESS" => AsyncState::Succeeded {
                status,
                result: None,
            },
            "FAIL" | "DISCARD" => {
                let msg = field("error_message");
                AsyncState::Failed {
                    status: status.clone(),
                    message: if msg.is_empty() {
                        format!("the invocation ended with status {status}")
                    } else {
                        msg
                    },
                }
            }
            other => AsyncState::Pending(other.to_string()),
        })
    }
}
