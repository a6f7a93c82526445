//! AWS Lambda: `POST /2015-03-31/functions/{FunctionName}/invocations[?Qualifier=]`, SigV4
//! signed. `X-Amz-Invocation-Type` RequestResponse (sync, 200), Event (async, 202) or
//! DryRun (a permission check, 204). With `X-Amz-Log-Type: Tail` the last 4 KB of the log
//! comes back base64 in `X-Amz-Log-Result`, its `REPORT` line holding the summary. A failed
//! function is still HTTP 200, flagged by `X-Amz-Function-Error` (Handled/Unhandled) with
//! `{"errorType","errorMessage"}` as the body. Platform errors name their type in
//! `X-Amzn-ErrorType` and carry `{"message"}`.
//!
//! Credentials as the AWS tools find them: `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`
//! (and `AWS_SESSION_TOKEN`), else the profile's keys, else the shared files' profile
//! (`aws_profile`, `AWS_PROFILE` or `default`). Region: `AWS_REGION`/`AWS_DEFAULT_REGION`,
//! the profile's, the shared config's; a full ARN's own region wins.

use crate::credentials::{Credential, Keys, Source};
use time::OffsetDateTime;

use std::sync::Arc;

use super::aws_chain;
use super::aws_files::SharedFiles;
use super::registry::Origin;
use super::registry::{Key, PayloadLimit, ProviderSpec};
use super::{
    body_snippet, json_field, refusal_line, runtime_error, tail_log, Capability, Env, Provider,
    RemoteCheck, Settings,
};
use crate::config::Profile;
use crate::decode::{self, AWS_TAIL_LIMIT};
use crate::error::{Error, Result};
use crate::http::{encode_component, HttpRequest, HttpResponse};
use crate::invocation::{Invocation, Mode, Outcome};
use crate::signing::sigv4::{self, AwsKey};

/// AWS Lambda's row in the provider table.
pub const SPEC: ProviderSpec = ProviderSpec {
    key: "aws",
    product: "AWS Lambda",
    keys: &[
        Key::new("region", "the AWS region, e.g. us-east-1")
            .env(&["AWS_REGION", "AWS_DEFAULT_REGION"]),
        Key::new("access_key_id", "the access key id"),
        Key::new("secret_access_key", "the secret access key").secret(),
        Key::new("session_token", "the session token of temporary keys").secret(),
        Key::new(
            "endpoint",
            "the Lambda endpoint, for the emulator or a private one",
        )
        .env(&["AWS_ENDPOINT_URL_LAMBDA", "AWS_ENDPOINT_URL"]),
        Key::new(
            "logs_endpoint",
            "the CloudWatch Logs endpoint, for the emulator or a private one",
        )
        .env(&["AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", "AWS_ENDPOINT_URL"]),
        Key::new(
            "aws_profile",
            "the profile in ~/.aws to take keys and region from",
        ),
    ],
    env: &[
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "AWS_CONFIG_FILE",
    ],
    capabilities: &[Capability::RemoteCheck, Capability::ReadsLogs],
    success: &[200, 202, 204],
    // Lambda: 6 MB (6,291,456 bytes) RequestResponse, 1 MB Event (since 2025; 256 KB before)
    max_payload: PayloadLimit {
        sync: 6 << 20,
        asynchronous: 1 << 20,
    },
    build: |p, env| Ok(Box::new(Aws::from_profile(p, env)?)),
    emulator_profile: &[
        ("region", "us-east-1"),
        ("endpoint", "{url}"),
        ("logs_endpoint", "{url}"),
        ("access_key_id", "{access_key}"),
        ("secret_access_key", "{secret_key}"),
    ],
    tail: true,
    vendor_profiles: Some(vendor_profiles),
};

/// Error types that mean the credentials (or their rights) are wrong: exit 3.
const AUTH_ERRORS: &[&str] = &[
    "InvalidSignatureException",
    "UnrecognizedClientException",
    "IncompleteSignatureException",
    "MissingAuthenticationTokenException",
    "ExpiredTokenException",
    "AccessDeniedException",
    "InvalidClientTokenId",
    "SignatureDoesNotMatch",
];

#[derive(Clone)]
pub struct Aws {
    region: Option<String>,
    endpoint: Option<String>,
    /// CloudWatch Logs' endpoint, when not the region's.
    logs_endpoint: Option<String>,
    /// The keys to sign with when they need no fetching.
    keys: Option<Keys>,
    /// Where the credentials come from: static keys yield themselves; STS, SSO, a
    /// process or a metadata service fetch them ([`super::aws_sources`]).
    credentials: Arc<dyn Source>,
    /// Where the keys came from, for messages ("AWS_ACCESS_KEY_ID", "~/.aws/credentials [prod]"…).
    source: String,
    origins: Vec<Origin>,
}

impl std::fmt::Debug for Aws {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Aws")
            .field("region", &self.region)
            .field("endpoint", &self.endpoint)
            .field("credentials", &self.credentials.describe())
            .finish()
    }
}

/// A function reference: a name, a partial ARN (`ACCOUNT:function:NAME`) or a full ARN,
/// each with an optional `:QUALIFIER`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct FunctionRef {
    pub name: String,
    pub qualifier: Option<String>,
    /// A full ARN's region.
    pub region: Option<String>,
}

fn valid_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn valid_qualifier(s: &str) -> bool {
    s == "$LATEST"
        || (!s.is_empty()
            && s.len() <= 128
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
}

/// Parse a function reference (the emulator checks the names it receives with it too).
pub(crate) fn parse_function(function: &str) -> Result<FunctionRef> {
    let bad = |why: &str| {
        Error::Usage(format!(
            "invalid Lambda function '{function}': {why}: write NAME[:QUALIFIER], ACCOUNT:function:NAME or arn:aws:lambda:REGION:ACCOUNT:function:NAME"
        ))
    };
    let parts: Vec<&str> = function.split(':').collect();
    let (name, qualifier, region) = match parts[..] {
        ["arn", partition, "lambda", region, account, "function", name, ref q @ ..]
            if q.len() <= 1 =>
        {
            if !partition.starts_with("aws") || region.is_empty() {
                return Err(bad("not a Lambda function ARN"));
            }
            super::host_part("region", region).map_err(|m| bad(&m))?;
            if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad("the account is not 12 digits"));
            }
            (name, q.first().copied(), Some(region.to_string()))
        }
        [account, "function", name, ref q @ ..] if q.len() <= 1 => {
            if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad("the account is not 12 digits"));
            }
            (name, q.first().copied(), None)
        }
        [name] => (name, None, None),
        [name, q] => (name, Some(q), None),
        _ => return Err(bad("too many ':' parts")),
    };
    if !valid_name(name) {
        return Err(bad("a name is 1-64 letters, digits, '-' or '_'"));
    }
    if let Some(q) = qualifier.filter(|q| !valid_qualifier(q)) {
        return Err(bad(&format!(
            "qualifier '{q}' is not $LATEST, a version or an alias"
        )));
    }
    Ok(FunctionRef {
        name: name.to_string(),
        qualifier: qualifier.map(str::to_string),
        region,
    })
}

impl Aws {
    pub fn from_profile(profile: &Profile, env: Env) -> Result<Aws> {
        Aws::with_files(profile, env, &|| SharedFiles::load(env))
    }

    /// `load` reads the shared files; it is called only if the environment and the profile
    /// leave the keys or the region open, so a broken `~/.aws` never blocks a profile that
    /// needs nothing from it.
    fn with_files(
        profile: &Profile,
        env: Env,
        load: &dyn Fn() -> Result<SharedFiles>,
    ) -> Result<Aws> {
        let s = Settings {
            profile,
            env,
            spec: &SPEC,
        };
        let var = |k: &str| env(k).filter(|v| !v.is_empty());
        let loaded = std::cell::OnceCell::new();
        let files = || -> Result<&SharedFiles> {
            if loaded.get().is_none() {
                let _ = loaded.set(load()?);
            }
            Ok(loaded.get().expect("set just above"))
        };
        // the fcall profile's own choice beats the shell's AWS_PROFILE, and negates the
        // environment's keys, as `aws --profile` does
        let named = s.get("aws_profile")?;
        let shared = named
            .clone()
            .or_else(|| var("AWS_PROFILE"))
            .unwrap_or_else(|| "default".to_string());
        let mut origins = Vec::new();
        let region = Aws::region_of(&s, named.is_some(), &shared, &files, &mut origins)?;
        if let Some(r) = &region {
            super::host_part("region", r)
                .map_err(|m| Error::Config(format!("profile '{}': {m}", profile.name)))?;
        }
        let found = Aws::credentials(&s, named.is_some(), &shared, region.as_deref(), &files)?;
        let how = format!("{} ({})", found.from, found.method);
        origins.insert(0, origin("credentials", None, how));
        let vendor = |env_id: &str, key: &str| -> Result<Option<String>> {
            // the vendor files' endpoints count only once they are read anyway
            if loaded.get().is_none() && named.is_none() {
                return Ok(None);
            }
            let files = files()?;
            let p = files.profile(&shared).unwrap_or_default();
            let chain = aws_chain::Chain {
                env,
                files,
                profile: &shared,
                explicit: named.is_some(),
                region: region.as_deref(),
            };
            Ok(chain.configured_endpoint(&p, env_id, key))
        };
        let endpoint = match s
            .get("endpoint")?
            .map_or_else(|| vendor("LAMBDA", "lambda"), |e| Ok(Some(e)))?
        {
            Some(e) => {
                origins.push(origin("endpoint", Some(&e), s.origin_of("endpoint")));
                Some(super::endpoint_base(&profile.name, "'endpoint'", &e)?)
            }
            None => None,
        };
        let logs_endpoint = match s.get("logs_endpoint")?.map_or_else(
            || vendor("CLOUDWATCH_LOGS", "cloudwatch_logs"),
            |e| Ok(Some(e)),
        )? {
            Some(e) => Some(super::endpoint_base(&profile.name, "'logs_endpoint'", &e)?),
            None => None,
        };
        Ok(Aws {
            region,
            endpoint,
            logs_endpoint,
            keys: found.keys,
            credentials: found.source,
            source: found.from,
            origins,
        })
    }

    /// The region: the variables and the fcall profile, else the AWS profile's.
    fn region_of<'f>(
        s: &Settings,
        named: bool,
        shared: &str,
        files: &dyn Fn() -> Result<&'f SharedFiles>,
        origins: &mut Vec<Origin>,
    ) -> Result<Option<String>> {
        if let Some(r) = s.get("region")? {
            origins.push(origin("region", Some(&r), s.origin_of("region")));
            return Ok(Some(r));
        }
        let chain = aws_chain::Chain {
            env: s.env,
            files: files()?,
            profile: shared,
            explicit: named,
            region: None,
        };
        let found = chain.region();
        if let Some((r, from)) = &found {
            origins.push(origin("region", Some(r), from.clone()));
        }
        Ok(found.map(|f| f.0))
    }

    /// The credentials: the environment's keys (unless a profile was named), the fcall
    /// profile's keys, else the AWS tools' chain ([`aws_chain`]).
    fn credentials<'f>(
        s: &Settings,
        named: bool,
        shared: &str,
        region: Option<&str>,
        files: &dyn Fn() -> Result<&'f SharedFiles>,
    ) -> Result<aws_chain::Found> {
        use aws_chain::fixed;
        if !named {
            if let Some(keys) = aws_chain::env_keys(s.env)? {
                return Ok(fixed(keys, "AWS_ACCESS_KEY_ID".into(), "env"));
            }
        }
        if s.has("access_key_id") {
            let keys = Keys {
                id: s.require("access_key_id")?,
                secret: s.require("secret_access_key")?,
                token: s.get("session_token")?,
            };
            return Ok(fixed(
                keys,
                format!("profile '{}'", s.profile.name),
                "fcall-profile",
            ));
        }
        let files = files()?;
        let chain = aws_chain::Chain {
            env: s.env,
            files,
            profile: shared,
            explicit: named,
            region,
        };
        chain.resolve()?.ok_or_else(|| {
            Error::Config(format!(
                "no AWS credentials for profile '{}': set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, add [{shared}] to {}, or `fcall profile add {} --provider aws --force ... access_key_id=AKIA... secret_access_key@env=VAR`",
                s.profile.name,
                files.credentials_path.display(),
                s.profile.name
            ))
        })
    }

    /// The keys to sign with: those fetched (`token`), else the static ones.
    pub(super) fn key<'k>(&'k self, token: Option<&'k Credential>) -> Result<AwsKey<'k>> {
        let keys = token
            .and_then(Credential::keys)
            .or(self.keys.as_ref())
            .ok_or_else(|| Error::Internal("the AWS credentials were not fetched".into()))?;
        Ok(AwsKey {
            access_key_id: &keys.id,
            secret_access_key: &keys.secret,
            session_token: keys.token.as_deref(),
        })
    }

    /// Where the keys came from, for messages.
    pub(super) fn source(&self) -> &str {
        &self.source
    }

    /// CloudWatch Logs' endpoint in `region`.
    pub(super) fn logs_endpoint(&self, region: &str) -> String {
        self.logs_endpoint
            .clone()
            .unwrap_or_else(|| self.service_endpoint("logs", region))
    }

    /// `https://SERVICE.REGION.amazonaws.com` (`.com.cn` in China).
    fn service_endpoint(&self, service: &str, region: &str) -> String {
        let suffix = if region.starts_with("cn-") {
            "amazonaws.com.cn"
        } else {
            "amazonaws.com"
        };
        format!("https://{service}.{region}.{suffix}")
    }

    /// The region to call and sign for: a full ARN's, else the configured one.
    pub(super) fn region(&self, f: &FunctionRef) -> Result<String> {
        f.region.clone().or_else(|| self.region.clone()).ok_or_else(|| {
            Error::Config(
                "no AWS region: set AWS_REGION, add region=... to the profile, or give the function's full ARN".into(),
            )
        })
    }

    pub(super) fn endpoint(&self, region: &str) -> String {
        self.endpoint
            .clone()
            .unwrap_or_else(|| self.service_endpoint("lambda", region))
    }

    /// The qualifier to send as `?Qualifier=`: `--qualifier`, unless the function reference
    /// already carries one (then they must agree, and none is sent twice).
    pub(super) fn qualifier(f: &FunctionRef, inv: &Invocation) -> Result<Option<String>> {
        match (&f.qualifier, &inv.qualifier) {
            (Some(a), Some(b)) if a != b => Err(Error::Usage(format!(
                "'{}' names qualifier {a} but --qualifier says {b}: give one",
                inv.function
            ))),
            (Some(_), _) => Ok(None),
            (None, Some(q)) if !valid_qualifier(q) => Err(Error::Usage(format!(
                "--qualifier {q}: give $LATEST, a version number or an alias name"
            ))),
            (None, q) => Ok(q.clone()),
        }
    }
}

impl Provider for Aws {
    fn spec(&self) -> &'static ProviderSpec {
        &SPEC
    }

    fn function_id(&self, inv: &Invocation) -> Result<String> {
        let f = parse_function(&inv.function)?;
        Ok(match Aws::qualifier(&f, inv)? {
            Some(q) => format!("{}:{q}", inv.function),
            None => inv.function.clone(),
        })
    }

    fn build(
        &self,
        inv: &Invocation,
        token: Option<&Credential>,
        now: OffsetDateTime,
    ) -> Result<HttpRequest> {
        let f = parse_function(&inv.function)?;
        let qualifier = Aws::qualifier(&f, inv)?;
        if inv
            .method
            .as_deref()
            .is_some_and(|m| !m.eq_ignore_ascii_case("POST"))
            || !inv.query.is_empty()
        {
            return Err(Error::Usage(
                "-X and --query: a Lambda function is invoked with POST and its JSON payload only; put such values in the payload".into(),
            ));
        }
        if inv.callback_url.is_some() {
            return Err(Error::Usage(
                "--callback-url: AWS Lambda takes no callback URL; send async results on with a destination configured on the function".into(),
            ));
        }
        let region = self.region(&f)?;
        let mut req = HttpRequest::new(
            "POST",
            &self.endpoint(&region),
            &format!(
                "/2015-03-31/functions/{}/invocations",
                encode_component(&inv.function)
            ),
        );
        if let Some(q) = qualifier {
            req.query.push(("Qualifier".into(), q));
        }
        let kind = match (inv.validate_only, inv.mode) {
            (true, _) => "DryRun",
            (false, Mode::Sync) => "RequestResponse",
            (false, Mode::Async) => "Event",
        };
        req.set_header("X-Amz-Invocation-Type", kind);
        if inv.tail && kind == "RequestResponse" {
            req.set_header("X-Amz-Log-Type", "Tail");
        }
        if let Some(p) = inv.payload.as_ref().filter(|p| !p.is_empty()) {
            if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(p) {
                return Err(Error::Usage(format!(
                    "AWS Lambda takes a JSON payload and this one is not JSON ({e}): send text as a JSON string, e.g. -d '\"hello\"'"
                )));
            }
            req.body = p.clone();
        }
        for (k, v) in &inv.headers {
            req.set_header(k, v.clone());
        }
        sigv4::sign(&mut req, &self.key(token)?, &region, "lambda", now);
        Ok(req)
    }

    fn interpret(&self, inv: &Invocation, resp: &HttpResponse) -> Result<Outcome> {
        if !self.succeeded(resp.status) {
            return Err(self.refused(resp));
        }
        let mut out = Outcome {
            status: resp.status,
            request_id: resp.header("x-amzn-RequestId").map(str::to_string),
            ..Outcome::default()
        };
        if inv.validate_only {
            return self.interpret_check(resp);
        }
        if inv.mode == Mode::Async {
            out.async_id = out.request_id.clone();
            return Ok(out);
        }
        out.result = resp.body.clone();
        tail_log(resp, "X-Amz-Log-Result", AWS_TAIL_LIMIT, &mut out);
        if let Some(report) = out
            .log
            .as_ref()
            .and_then(|l| decode::parse_lambda_report(&l.text))
        {
            out.summary = report;
            out.summary.extra.remove("request_id");
        }
        if let Some(v) = resp.header("X-Amz-Executed-Version") {
            out.shown.push(("version".into(), v.to_string()));
            out.extra.insert("executed_version".into(), v.to_string());
        }
        if let Some(kind) = resp.header("X-Amz-Function-Error") {
            out.extra.insert("error_type".into(), kind.to_string());
            out.function_error = Some(runtime_error(kind, &resp.body));
        }
        Ok(out)
    }

    /// `AWS Lambda refused the request: ResourceNotFoundException Function not found: … (HTTP 404, request id …)`.
    fn refused(&self, resp: &HttpResponse) -> Error {
        let (kind, message) = error_of(resp);
        let line = refusal_line(
            self.product(),
            kind.as_deref(),
            message.as_deref(),
            resp,
            resp.header("x-amzn-RequestId"),
        );
        // the type decides (a 403 EFSMountFailureException is no credentials problem);
        // the status only when there is no type
        if is_auth_error(kind.as_deref(), resp.status) {
            Error::Auth(format!(
                "{line}: check the access key and secret (from {}) and their rights to lambda:InvokeFunction",
                self.source
            ))
        } else {
            Error::Refused(line)
        }
    }

    fn streams_result(&self, inv: &Invocation, head: &HttpResponse) -> bool {
        inv.mode == Mode::Sync
            && !inv.validate_only
            && self.succeeded(head.status)
            && head.header("X-Amz-Function-Error").is_none()
    }

    fn timeout_hint(&self) -> Option<&'static str> {
        Some("a synchronous Lambda call lasts as long as the function (up to 15 minutes): raise --timeout to the function's timeout, or use --async")
    }

    fn secret_headers(&self) -> &'static [&'static str] {
        &["authorization", "x-amz-security-token"]
    }

    fn remote_check(&self) -> Option<&dyn RemoteCheck> {
        Some(self)
    }

    fn tokens(&self) -> Option<&dyn Source> {
        self.keys.is_none().then_some(&*self.credentials)
    }

    fn origins(&self) -> Vec<Origin> {
        self.origins.clone()
    }

    fn credentials_rejected(&self, resp: &HttpResponse) -> bool {
        resp.status == 401
            || (resp.status == 403
                && matches!(
                    error_of(resp).0.as_deref(),
                    Some("ExpiredTokenException" | "UnrecognizedClientException")
                ))
    }

    fn logs(&self) -> Option<&dyn super::ReadsLogs> {
        Some(self)
    }
}

/// An AWS error answer's type (`X-Amzn-ErrorType`, else the body's `__type`, less any
/// namespace) and message: the JSON protocols of Lambda and CloudWatch Logs alike.
pub(super) fn error_of(resp: &HttpResponse) -> (Option<String>, Option<String>) {
    let json: serde_json::Value =
        serde_json::from_slice(&resp.body).unwrap_or(serde_json::Value::Null);
    let kind = resp
        .header("X-Amzn-ErrorType")
        .map(|t| t.split(':').next().unwrap_or(t).trim().to_string())
        .or_else(|| json_field(&json, &["__type", "code"]))
        .or_else(|| super::xml_field(&resp.body, "Code"))
        .map(|t| t.rsplit('#').next().unwrap_or(&t).to_string());
    let message = json_field(&json, &["message", "Message", "errorMessage"])
        .or_else(|| super::xml_field(&resp.body, "Message"))
        .or_else(|| (!resp.body.is_empty() && json.is_null()).then(|| body_snippet(&resp.body)));
    (kind, message)
}

/// Whether an AWS error type means the credentials, or their rights, are wrong (exit 3).
pub(super) fn is_auth_error(kind: Option<&str>, status: u16) -> bool {
    match kind {
        Some(k) => AUTH_ERRORS.contains(&k),
        None => matches!(status, 401 | 403),
    }
}

/// `DryRun`: 204 when the function exists and the caller may invoke it.
impl RemoteCheck for Aws {
    fn interpret_check(&self, resp: &HttpResponse) -> Result<Outcome> {
        if !self.succeeded(resp.status) {
            return Err(self.refused(resp));
        }
        let mut out = Outcome {
            status: resp.status,
            request_id: resp.header("x-amzn-RequestId").map(str::to_string),
            ..Outcome::default()
        };
        out.shown.push((
            "dry run".into(),
            "passed: the function exists and this call is allowed".into(),
        ));
        Ok(out)
    }
}

/// An origin line for `profile show --resolve`.
fn origin(setting: &str, value: Option<&str>, from: String) -> Origin {
    Origin {
        setting: setting.to_string(),
        value: value.map(str::to_string),
        from,
    }
}

/// The profiles in `~/.aws` as fcall profiles that point at them (`aws_profile`).
fn vendor_profiles(env: Env) -> Result<Vec<super::registry::VendorProfile>> {
    let files = SharedFiles::load(env)?;
    Ok(files
        .profile_names()
        .into_iter()
        .map(|name| {
            let p = files.profile(&name).unwrap_or_default();
            let kind = if p.contains_key("role_arn") && !p.contains_key("web_identity_token_file") {
                match p.get("source_profile") {
                    Some(sp) => format!("role via {sp}"),
                    None => "role".into(),
                }
            } else if p.contains_key("web_identity_token_file") {
                "web identity".into()
            } else if p.contains_key("sso_role_name") || p.contains_key("sso_account_id") {
                "SSO".into()
            } else if p.contains_key("credential_process") {
                "credential_process".into()
            } else if p.contains_key("aws_access_key_id") {
                "static keys".into()
            } else {
                "settings only".into()
            };
            super::registry::VendorProfile {
                location: files.location(&name),
                values: vec![("aws_profile".into(), name.clone())],
                name,
                kind,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use time::macros::datetime;

    fn profile(values: &[(&str, &str)]) -> Profile {
        Profile {
            name: "lambda".into(),
            provider: "aws".into(),
            values: values
                .iter()
                .map(|(k, v)| (k.to_string(), crate::config::Value::Str(v.to_string())))
                .collect::<BTreeMap<_, _>>(),
        }
    }

    fn aws(values: &[(&str, &str)], env: &[(&str, &str)], files: &SharedFiles) -> Result<Aws> {
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let lookup = move |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let files = files.clone();
        Aws::with_files(&profile(values), &lookup, &move || Ok(files.clone()))
    }

    /// The static key id and session token a built provider signs with.
    fn id(a: &Aws) -> &str {
        &a.keys.as_ref().expect("static keys").id
    }

    const KEYS: &[(&str, &str)] = &[
        ("region", "us-east-1"),
        ("access_key_id", "AKIDTEST"),
        ("secret_access_key", "testsecret"),
    ];

    #[test]
    fn function_references() {
        assert_eq!(
            parse_function("echo").unwrap(),
            FunctionRef {
                name: "echo".into(),
                qualifier: None,
                region: None
            }
        );
        assert_eq!(
            parse_function("echo:$LATEST").unwrap().qualifier.as_deref(),
            Some("$LATEST")
        );
        assert_eq!(
            parse_function("123456789012:function:echo:prod")
                .unwrap()
                .qualifier
                .as_deref(),
            Some("prod")
        );
        let arn = parse_function("arn:aws:lambda:eu-west-1:123456789012:function:echo").unwrap();
        assert_eq!(
            (arn.name.as_str(), arn.region.as_deref()),
            ("echo", Some("eu-west-1"))
        );
        for bad in [
            "",
            "a b",
            "echo:1:2",
            "12345:function:echo",
            "arn:aws:s3:eu-west-1:123456789012:function:echo",
            "echo:bad.q",
            &"x".repeat(65),
        ] {
            let e = parse_function(bad).unwrap_err();
            assert_eq!(e.code(), crate::error::code::USAGE, "{bad}");
        }
    }

    #[test]
    fn builds_the_botocore_vector_request() {
        let p = aws(KEYS, &[], &SharedFiles::default()).unwrap();
        let mut inv = Invocation::new("echo");
        inv.tail = true;
        inv.payload = Some(br#"{"k":"v"}"#.to_vec());
        let r = p
            .build(&inv, None, datetime!(2024-01-02 03:04:05 UTC))
            .unwrap();
        assert_eq!(
            r.url(),
            "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/echo/invocations"
        );
        assert_eq!(
            r.header("Authorization").unwrap(),
            "AWS4-HMAC-SHA256 Credential=AKIDTEST/20240102/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date;x-amz-invocation-type;x-amz-log-type, Signature=5b949a50ef1b7f824da8a2b0f1083897445e6d7f4afa5ce3a2b67bba858c1226"
        );
    }

    #[test]
    fn arns_qualifiers_and_invocation_types() {
        let p = aws(KEYS, &[], &SharedFiles::default()).unwrap();
        let mut inv = Invocation::new("arn:aws:lambda:cn-north-1:123456789012:function:echo");
        inv.qualifier = Some("$LATEST".into());
        inv.mode = Mode::Async;
        inv.tail = true;
        let r = p
            .build(&inv, None, datetime!(2024-01-02 03:04:05 UTC))
            .unwrap();
        assert_eq!(
            r.url(),
            "https://lambda.cn-north-1.amazonaws.com.cn/2015-03-31/functions/arn%3Aaws%3Alambda%3Acn-north-1%3A123456789012%3Afunction%3Aecho/invocations?Qualifier=%24LATEST"
        );
        assert_eq!(r.header("X-Amz-Invocation-Type"), Some("Event"));
        assert_eq!(r.header("X-Amz-Log-Type"), None);
        assert!(r
            .header("Authorization")
            .unwrap()
            .contains("/cn-north-1/lambda/"));
        inv.validate_only = true;
        let r = p
            .build(&inv, None, datetime!(2024-01-02 03:04:05 UTC))
            .unwrap();
        assert_eq!(r.header("X-Amz-Invocation-Type"), Some("DryRun"));
        let mut both = Invocation::new("echo:prod");
        both.qualifier = Some("1".into());
        assert!(p
            .function_id(&both)
            .unwrap_err()
            .to_string()
            .contains("give one"));
        both.qualifier = Some("prod".into());
        let r = p
            .build(&both, None, datetime!(2024-01-02 03:04:05 UTC))
            .unwrap();
        assert!(r.query.is_empty());
        let mut text = Invocation::new("echo");
        text.payload = Some(b"hello".to_vec());
        let e = p
            .build(&text, None, datetime!(2024-01-02 03:04:05 UTC))
            .unwrap_err();
        assert!(e.to_string().contains("JSON string"), "{e}");
    }

    #[test]
    fn credentials_come_from_env_then_profile_then_shared_files() {
        let files = SharedFiles::from_texts(
            "[default]\naws_access_key_id = AKFILE\naws_secret_access_key = sfile\n[prod]\naws_access_key_id = AKPROD\naws_secret_access_key = sprod\naws_session_token = tprod\n",
            "[profile prod]\nregion = ap-south-1\n[profile sso]\nsso_session = corp\nsso_account_id = 111122223333\n[profile half]\naws_access_key_id = AKHALF\n",
        );
        let env = [
            ("AWS_ACCESS_KEY_ID", "AKENV"),
            ("AWS_SECRET_ACCESS_KEY", "senv"),
            ("AWS_REGION", "us-west-1"),
        ];
        let a = aws(KEYS, &env, &files).unwrap();
        assert_eq!((id(&a), a.region.as_deref()), ("AKENV", Some("us-west-1")));
        let a = aws(KEYS, &[], &files).unwrap();
        assert_eq!(id(&a), "AKIDTEST");
        let a = aws(&[], &[], &files).unwrap();
        assert_eq!((id(&a), a.region.clone()), ("AKFILE", None));
        let a = aws(&[], &[("AWS_PROFILE", "prod")], &files).unwrap();
        assert_eq!(id(&a), "AKPROD");
        assert_eq!(a.keys.as_ref().unwrap().token.as_deref(), Some("tprod"));
        assert_eq!(a.region.as_deref(), Some("ap-south-1"));
        assert!(a.source.contains("[prod]"), "{}", a.source);
        let a = aws(
            &[("aws_profile", "prod")],
            &[("AWS_PROFILE", "default")],
            &files,
        )
        .unwrap();
        assert_eq!(
            id(&a),
            "AKPROD",
            "the profile's aws_profile beats AWS_PROFILE"
        );
        let e = aws(KEYS, &[("AWS_ACCESS_KEY_ID", "AKENV")], &files).unwrap_err();
        assert!(
            e.to_string().contains("AWS_SECRET_ACCESS_KEY is not set"),
            "{e}"
        );
        // the shared files are read only when needed: broken ones do not block a full profile
        let broken = |_: &str| None;
        let a = Aws::with_files(&profile(KEYS), &broken, &|| {
            Err(Error::Config("cannot read ~/.aws/credentials".into()))
        })
        .unwrap();
        assert_eq!(id(&a), "AKIDTEST");
        let e = aws(&[("aws_profile", "sso")], &[], &files).unwrap_err();
        assert!(e.to_string().contains("not in"), "{e}");
        let e = aws(&[("aws_profile", "half")], &[], &files).unwrap_err();
        assert!(e.to_string().contains("no aws_secret_access_key"), "{e}");
        let e = aws(&[("aws_profile", "none")], &[], &files).unwrap_err();
        assert_eq!(e.code(), crate::error::code::CONFIG);
        assert!(e.to_string().contains("is in neither"), "{e}");
        let off = [("AWS_EC2_METADATA_DISABLED", "true")];
        let e = aws(&[], &[("AWS_PROFILE", "none"), off[0]], &files).unwrap_err();
        assert!(e.to_string().contains("no AWS credentials"), "{e}");
        let p = aws(
            &[("access_key_id", "A"), ("secret_access_key", "s")],
            &[],
            &SharedFiles::default(),
        )
        .unwrap();
        let e = p
            .build(
                &Invocation::new("echo"),
                None,
                datetime!(2024-01-02 03:04:05 UTC),
            )
            .unwrap_err();
        assert!(e.to_string().contains("no AWS region"), "{e}");
    }

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    #[test]
    fn interprets_results_tails_and_function_errors() {
        use base64::Engine as _;
        let p = aws(KEYS, &[], &SharedFiles::default()).unwrap();
        let log = "START RequestId: r1 Version: $LATEST\nhi\nEND RequestId: r1\nREPORT RequestId: r1\tDuration: 1.50 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tInit Duration: 99.1 ms\t\n";
        let b64 = base64::engine::general_purpose::STANDARD.encode(log);
        let ok = response(
            200,
            &[
                ("x-amzn-RequestId", "r1"),
                ("X-Amz-Executed-Version", "$LATEST"),
                ("X-Amz-Log-Result", &b64),
            ],
            "{\"a\":1}",
        );
        let out = p.interpret(&Invocation::new("echo"), &ok).unwrap();
        assert_eq!(out.result, b"{\"a\":1}");
        assert_eq!(out.request_id.as_deref(), Some("r1"));
        assert_eq!(out.summary.duration_ms, Some(1.5));
        assert_eq!(out.summary.billed_ms, Some(2.0));
        assert_eq!(
            out.summary.extra["init_duration_ms"],
            serde_json::json!(99.1)
        );
        assert!(!out.summary.extra.contains_key("request_id"));
        assert_eq!(out.extra["executed_version"], "$LATEST");
        assert!(out.function_error.is_none());
        let failed = response(
            200,
            &[("X-Amz-Function-Error", "Unhandled")],
            r#"{"errorMessage":"division by zero","errorType":"ZeroDivisionError"}"#,
        );
        let fe = p
            .interpret(&Invocation::new("echo"), &failed)
            .unwrap()
            .function_error
            .unwrap();
        assert_eq!(
            (fe.kind.as_str(), fe.message.as_str()),
            ("ZeroDivisionError", "division by zero")
        );
        let timeout = response(
            200,
            &[("X-Amz-Function-Error", "Unhandled")],
            r#"{"errorMessage":"Task timed out after 3.00 seconds"}"#,
        );
        let fe = p
            .interpret(&Invocation::new("echo"), &timeout)
            .unwrap()
            .function_error
            .unwrap();
        assert_eq!(fe.kind, "Unhandled");
        let mut inv = Invocation::new("echo");
        inv.mode = Mode::Async;
        let out = p
            .interpret(&inv, &response(202, &[("x-amzn-RequestId", "r2")], ""))
            .unwrap();
        assert_eq!(out.async_id.as_deref(), Some("r2"));
    }

    #[test]
    fn maps_platform_errors_to_exit_codes() {
        let p = aws(KEYS, &[], &SharedFiles::default()).unwrap();
        let inv = Invocation::new("echo");
        let cases = [
            (403, "InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/", 3),
            (403, "UnrecognizedClientException", 3),
            (404, "ResourceNotFoundException", 4),
            (429, "TooManyRequestsException", 4),
            (400, "InvalidRequestContentException", 4),
        ];
        for (status, kind, code) in cases {
            let e = p
                .interpret(
                    &inv,
                    &response(
                        status,
                        &[("X-Amzn-ErrorType", kind), ("x-amzn-RequestId", "r9")],
                        r#"{"Type":"User","message":"it went wrong"}"#,
                    ),
                )
                .unwrap_err();
            assert_eq!(e.code(), code, "{kind}");
            let name = kind.split(':').next().unwrap();
            assert!(
                e.to_string().contains(&format!(
                    "{name} it went wrong (HTTP {status}, request id r9)"
                )),
                "{e}"
            );
        }
        let efs = p
            .interpret(
                &inv,
                &response(
                    403,
                    &[("X-Amzn-ErrorType", "EFSMountFailureException")],
                    r#"{"message":"mount"}"#,
                ),
            )
            .unwrap_err();
        assert_eq!(
            efs.code(),
            crate::error::code::REFUSED,
            "a 403 that is not about credentials"
        );
        let e = p
            .interpret(
                &inv,
                &response(
                    403,
                    &[],
                    r#"{"__type":"com.amazon#AccessDeniedException","Message":"no"}"#,
                ),
            )
            .unwrap_err();
        assert!(e.to_string().contains("AccessDeniedException no"), "{e}");
        assert!(e.to_string().contains("profile 'lambda'"), "{e}");
    }

    /// Requests botocore itself serialized and signed (scripts/botocore_vectors.py): fcall
    /// builds each one byte for byte, the URL, the body and every signed header.
    #[test]
    fn matches_what_botocore_sends() {
        let fixture: serde_json::Value = serde_json::from_str(include_str!(
            "../../tests/fixtures/lambda-sigv4-botocore.json"
        ))
        .unwrap();
        let cases = fixture["cases"].as_array().unwrap();
        assert!(cases.len() >= 5);
        for c in cases {
            let name = c["name"].as_str().unwrap();
            let text = |k: &str| c[k].as_str().map(str::to_string);
            let mut values = vec![
                ("region", text("region").unwrap()),
                ("access_key_id", "AKIDTEST".to_string()),
                ("secret_access_key", "testsecret".to_string()),
            ];
            if let Some(t) = text("session_token") {
                values.push(("session_token", t));
            }
            let values: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let p = aws(&values, &[], &SharedFiles::default()).unwrap();
            let mut inv = Invocation::new(c["function"].as_str().unwrap());
            inv.qualifier = text("qualifier");
            inv.payload = text("payload").map(String::into_bytes);
            inv.tail = text("log_type").as_deref() == Some("Tail");
            for (k, v) in c["extra_headers"].as_object().unwrap() {
                inv.headers
                    .push((k.clone(), v.as_str().unwrap().to_string()));
            }
            match c["invocation_type"].as_str().unwrap() {
                "Event" => inv.mode = Mode::Async,
                "DryRun" => inv.validate_only = true,
                _ => {}
            }
            let r = p
                .build(&inv, None, datetime!(2024-01-02 03:04:05 UTC))
                .unwrap();
            assert_eq!(r.method, c["method"], "{name}");
            assert_eq!(r.url(), c["url"], "{name}");
            assert_eq!(r.body, c["body"].as_str().unwrap().as_bytes(), "{name}");
            let theirs = c["headers"].as_object().unwrap();
            for (k, v) in theirs {
                if k == "Content-Length" {
                    continue; // the HTTP client sets it from the body
                }
                assert_eq!(r.header(k), v.as_str(), "{name}: {k}");
            }
            for (k, _) in &r.headers {
                assert!(
                    k == "Host" || theirs.keys().any(|t| t.eq_ignore_ascii_case(k)),
                    "{name}: fcall sends {k}, botocore does not"
                );
            }
        }
    }

    #[test]
    fn xml_errors_give_their_code_and_message() {
        let p = aws(KEYS, &[], &SharedFiles::default()).unwrap();
        let resp = HttpResponse {
            status: 403,
            headers: vec![],
            body: br#"<?xml version="1.0"?><ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error><RequestId>r-1</RequestId></ErrorResponse>"#.to_vec(),
        };
        let e = p.refused(&resp).to_string();
        assert!(
            e.contains("refused the request: InvalidClientTokenId The security token included in the request is invalid. (HTTP 403)"),
            "{e}"
        );
        assert!(!e.contains("<Error>"), "{e}");
    }
}
