//! The AWS credential sources that fetch, as botocore fetches them: STS `AssumeRole`
//! (SigV4, service `sts`) with a source's keys, STS `AssumeRoleWithWebIdentity` (unsigned,
//! the token file read afresh each time), IAM Identity Center (the cached token in
//! `~/.aws/sso/cache/`, then `GetRoleCredentials`), `credential_process` (JSON version 1),
//! the container credentials endpoint (ECS, CodeBuild, EKS Pod Identity) and the instance
//! metadata service (IMDSv2 only: a token first). Each is a pure [`Source`]: the session
//! carries out its steps. Which source a profile uses is [`super::aws_chain`].

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use time::OffsetDateTime;

use super::{body_snippet, xml_field};
use crate::credentials::{
    after, fingerprint, rfc3339, source::placeholder_keys, Answer, Credential, Fetched, Given,
    Keys, Source, Step,
};
use crate::error::{Error, Result};
use crate::http::{encode_component, HttpRequest, HttpResponse};
use crate::signing::sigv4::{self, AwsKey};

/// How long a metadata service (IMDS) may take to answer: botocore's default, 1 second.
pub const IMDS_TIMEOUT: Duration = Duration::from_secs(1);
/// How long the container credentials endpoint may take: botocore's, 2 seconds.
pub const CONTAINER_TIMEOUT: Duration = Duration::from_secs(2);

/// An STS endpoint and the region its requests are signed for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sts {
    pub endpoint: String,
    pub region: String,
}

/// Keys for a source (static ones yield themselves).
pub fn given(keys: Keys, what: String) -> Arc<dyn Source> {
    Arc::new(Given {
        credential: Credential::Keys(keys),
        what,
    })
}

/// The cache identity of a source's credentials: its own key, or for static keys the
/// hashed keys themselves.
fn identity(src: &dyn Source, now: OffsetDateTime) -> String {
    let key = src.cache_key();
    if !key.is_empty() {
        return key;
    }
    match src.step(&[], now) {
        Ok(Step::Done(f)) => match f.credential {
            Credential::Keys(k) => {
                fingerprint(&[&k.id, &k.secret, k.token.as_deref().unwrap_or("")])
            }
            Credential::Bearer(t) => fingerprint(&[&t]),
        },
        _ => String::new(),
    }
}

/// A form-encoded STS query request (`Action`, `Version=2011-06-15`, the parameters).
fn sts_request(sts: &Sts, action: &str, params: &[(&str, &str)]) -> HttpRequest {
    let mut req = HttpRequest::new("POST", &sts.endpoint, "/");
    req.set_header(
        "Content-Type",
        "application/x-www-form-urlencoded; charset=utf-8",
    );
    let mut body = format!("Action={action}&Version=2011-06-15");
    for (k, v) in params {
        body.push_str(&format!("&{k}={}", encode_component(v)));
    }
    req.body = body.into_bytes();
    req
}

/// The role session's name: the configured one, else `fcall-session-<unix time>`.
fn session_name(configured: Option<&str>, now: OffsetDateTime) -> String {
    configured.map_or_else(
        || format!("fcall-session-{}", now.unix_timestamp()),
        str::to_string,
    )
}

/// STS's answer: the `Credentials` of an `…Result`, or its error as an auth error (code
/// and message: "AccessDenied: User … is not authorized to perform: sts:AssumeRole").
fn sts_credentials(resp: &HttpResponse, what: &str, now: OffsetDateTime) -> Result<Fetched> {
    if resp.status != 200 {
        let code = xml_field(&resp.body, "Code").unwrap_or_else(|| format!("HTTP {}", resp.status));
        let message = xml_field(&resp.body, "Message").unwrap_or_else(|| body_snippet(&resp.body));
        let line = format!("{what}: STS refused it: {code}: {message}");
        return Err(if resp.status >= 500 {
            Error::Refused(line)
        } else {
            Error::Auth(line)
        });
    }
    let field = |tag: &str| {
        xml_field(&resp.body, tag)
            .ok_or_else(|| Error::Refused(format!("{what}: STS answered without <{tag}>")))
    };
    let keys = Keys {
        id: field("AccessKeyId")?,
        secret: field("SecretAccessKey")?,
        token: Some(field("SessionToken")?),
    };
    let expires = rfc3339(&field("Expiration")?)
        .ok_or_else(|| Error::Refused(format!("{what}: STS gave an expiry that is not a time")))?;
    Ok(Fetched::until(Credential::Keys(keys), now, expires))
}

/// `role_arn` with `source_profile` or `credential_source`: STS `AssumeRole` signed with
/// the source's keys (themselves fetched first when the source is a role too).
pub struct AssumeRole {
    pub source: Arc<dyn Source>,
    pub role_arn: String,
    /// `role_session_name`; without it, `fcall-session-<unix time>` (botocore's is
    /// `botocore-session-<unix time>`).
    pub session_name: Option<String>,
    pub external_id: Option<String>,
    pub duration_seconds: Option<u32>,
    pub sts: Sts,
    /// The profile, for messages.
    pub profile: String,
}

impl Source for AssumeRole {
    fn cache_key(&self) -> String {
        let duration = self
            .duration_seconds
            .map(|d| d.to_string())
            .unwrap_or_default();
        let now = OffsetDateTime::UNIX_EPOCH;
        fingerprint(&[
            "aws-assume-role",
            &self.sts.endpoint,
            &self.role_arn,
            self.session_name.as_deref().unwrap_or(""),
            self.external_id.as_deref().unwrap_or(""),
            &duration,
            &identity(&*self.source, now),
        ])
    }

    fn describe(&self) -> String {
        format!(
            "STS AssumeRole {} (profile {}) with {}",
            self.role_arn,
            self.profile,
            self.source.describe()
        )
    }

    fn step(&self, answers: &[Answer], now: OffsetDateTime) -> Result<Step> {
        after(&*self.source, answers, now, |source, rest| {
            let Credential::Keys(k) = &source.credential else {
                return Err(Error::Internal("AssumeRole needs keys to sign with".into()));
            };
            match rest {
                [] => {
                    let duration = self.duration_seconds.map(|d| d.to_string());
                    let session = session_name(self.session_name.as_deref(), now);
                    let mut params = vec![
                        ("RoleArn", self.role_arn.as_str()),
                        ("RoleSessionName", session.as_str()),
                    ];
                    if let Some(e) = &self.external_id {
                        params.push(("ExternalId", e));
                    }
                    if let Some(d) = &duration {
                        params.push(("DurationSeconds", d));
                    }
                    let mut req = sts_request(&self.sts, "AssumeRole", &params);
                    let key = AwsKey {
                        access_key_id: &k.id,
                        secret_access_key: &k.secret,
                        session_token: k.token.as_deref(),
                    };
                    sigv4::sign(&mut req, &key, &self.sts.region, "sts", now);
                    Ok(Step::Send {
                        request: req,
                        timeout: None,
                    })
                }
                [a, ..] => {
                    let what = format!("assuming {} for profile {}", self.role_arn, self.profile);
                    sts_credentials(a.http()?, &what, now).map(Step::Done)
                }
            }
        })
    }

    fn placeholder(&self) -> Credential {
        placeholder_keys()
    }
}

/// `web_identity_token_file` + `role_arn` (or `AWS_WEB_IDENTITY_TOKEN_FILE` +
/// `AWS_ROLE_ARN`): STS `AssumeRoleWithWebIdentity`, unsigned, with the file's token,
/// read afresh each time (CI and EKS rotate it).
pub struct WebIdentity {
    pub token_file: PathBuf,
    pub role_arn: String,
    pub session_name: Option<String>,
    pub sts: Sts,
    /// Where the settings came from, for messages.
    pub origin: String,
}

impl Source for WebIdentity {
    fn cache_key(&self) -> String {
        fingerprint(&[
            "aws-web-identity",
            &self.sts.endpoint,
            &self.role_arn,
            self.session_name.as_deref().unwrap_or(""),
            &self.token_file.display().to_string(),
        ])
    }

    fn describe(&self) -> String {
        format!(
            "STS AssumeRoleWithWebIdentity {} with the token in {} ({})",
            self.role_arn,
            self.token_file.display(),
            self.origin
        )
    }

    fn step(&self, answers: &[Answer], now: OffsetDateTime) -> Result<Step> {
        match answers {
            [] => Ok(Step::Read {
                path: self.token_file.clone(),
            }),
            [file] => {
                let what = format!("the web identity token file {}", self.token_file.display());
                let token = String::from_utf8_lossy(file.file(&what)?)
                    .trim()
                    .to_string();
                if token.is_empty() {
                    return Err(Error::Auth(format!("{what} is empty")));
                }
                let session = session_name(self.session_name.as_deref(), now);
                let params = [
                    ("RoleArn", self.role_arn.as_str()),
                    ("RoleSessionName", session.as_str()),
                    ("WebIdentityToken", token.as_str()),
                ];
                Ok(Step::Send {
                    request: sts_request(&self.sts, "AssumeRoleWithWebIdentity", &params),
                    timeout: None,
                })
            }
            [_, a, ..] => {
                let what = format!("assuming {} with a web identity", self.role_arn);
                sts_credentials(a.http()?, &what, now).map(Step::Done)
            }
        }
    }

    fn placeholder(&self) -> Credential {
        placeholder_keys()
    }
}

/// IAM Identity Center: the access token `aws sso login` cached, then the portal's
/// `GetRoleCredentials` for the account and role.
pub struct Sso {
    /// `~/.aws/sso/cache/<sha1 of the session name or start URL>.json`.
    pub cache_file: PathBuf,
    pub portal: String,
    pub account_id: String,
    pub role_name: String,
    /// The AWS profile, for the `aws sso login --profile` hint.
    pub profile: String,
}

impl Sso {
    fn login_hint(&self, why: &str) -> Error {
        Error::Auth(format!(
            "AWS SSO for profile {}: {why}: run `aws sso login --profile {}`",
            self.profile, self.profile
        ))
    }
}

/// The SSO token cache's file name for a session name (or, in the legacy form, the start
/// URL): botocore's `SSOTokenLoader` key, the SHA-1 of it in hex.
pub fn sso_cache_name(session_or_start_url: &str) -> String {
    use sha1::{Digest, Sha1};
    format!(
        "{}.json",
        hex::encode(Sha1::digest(session_or_start_url.as_bytes()))
    )
}

impl Source for Sso {
    fn cache_key(&self) -> String {
        fingerprint(&[
            "aws-sso",
            &self.portal,
            &self.account_id,
            &self.role_name,
            &self.cache_file.display().to_string(),
        ])
    }

    fn describe(&self) -> String {
        format!(
            "IAM Identity Center role {} in account {} (profile {})",
            self.role_name, self.account_id, self.profile
        )
    }

    fn step(&self, answers: &[Answer], now: OffsetDateTime) -> Result<Step> {
        match answers {
            [] => Ok(Step::Read {
                path: self.cache_file.clone(),
            }),
            [file] => {
                let Answer::Read(Ok(bytes)) = file else {
                    return Err(self.login_hint("no cached SSO token"));
                };
                let cached: serde_json::Value = serde_json::from_slice(bytes)
                    .map_err(|_| self.login_hint("the cached SSO token is not JSON"))?;
                let token = cached["accessToken"].as_str().unwrap_or("");
                let expires = cached["expiresAt"].as_str().and_then(rfc3339);
                if token.is_empty() || expires.is_none_or(|e| e <= now.unix_timestamp()) {
                    return Err(self.login_hint("the SSO session has expired"));
                }
                let mut req = HttpRequest::new("GET", &self.portal, "/federation/credentials");
                req.query
                    .push(("account_id".into(), self.account_id.clone()));
                req.query.push(("role_name".into(), self.role_name.clone()));
                req.set_header("x-amz-sso_bearer_token", token);
                Ok(Step::Send {
                    request: req,
                    timeout: None,
                })
            }
            [_, a, ..] => self.parse(a.http()?, now).map(Step::Done),
        }
    }

    fn placeholder(&self) -> Credential {
        placeholder_keys()
    }
}

impl Sso {
    fn parse(&self, resp: &HttpResponse, now: OffsetDateTime) -> Result<Fetched> {
        let json: serde_json::Value = serde_json::from_slice(&resp.body).unwrap_or_default();
        if resp.status == 401 || resp.status == 403 {
            return Err(self.login_hint("the portal refused the SSO token"));
        }
        if resp.status != 200 {
            let msg = json["message"]
                .as_str()
                .map_or_else(|| body_snippet(&resp.body), str::to_string);
            return Err(Error::Auth(format!(
                "AWS SSO for profile {}: GetRoleCredentials failed: {msg} (HTTP {})",
                self.profile, resp.status
            )));
        }
        let c = &json["roleCredentials"];
        let text = |k: &str| c[k].as_str().filter(|v| !v.is_empty()).map(str::to_string);
        let (Some(id), Some(secret), Some(token), Some(ms)) = (
            text("accessKeyId"),
            text("secretAccessKey"),
            text("sessionToken"),
            c["expiration"].as_i64(),
        ) else {
            return Err(Error::Refused(
                "the SSO portal answered without roleCredentials".into(),
            ));
        };
        let keys = Keys {
            id,
            secret,
            token: Some(token),
        };
        Ok(Fetched::until(Credential::Keys(keys), now, ms / 1000))
    }
}

/// `credential_process`: a program that prints JSON version 1 credentials.
pub struct Process {
    pub command: String,
    pub profile: String,
}

impl Source for Process {
    fn cache_key(&self) -> String {
        fingerprint(&["aws-process", &self.command])
    }

    fn describe(&self) -> String {
        format!("credential_process of profile {}", self.profile)
    }

    fn step(&self, answers: &[Answer], now: OffsetDateTime) -> Result<Step> {
        let fail = |why: String| {
            Error::Auth(format!(
                "credential_process of AWS profile {}: {why}",
                self.profile
            ))
        };
        match answers {
            [] => {
                let argv = shlex::split(&self.command)
                    .filter(|a| !a.is_empty())
                    .ok_or_else(|| {
                        fail(
                            "cannot be split into a program and its arguments: check its quotes"
                                .into(),
                        )
                    })?;
                Ok(Step::Run { argv })
            }
            [Answer::Ran {
                code,
                stdout,
                stderr,
            }, ..] => {
                if *code != Some(0) {
                    let stderr = String::from_utf8_lossy(stderr);
                    let said = crate::terminal::escape_line(stderr.trim());
                    let status = code.map_or("a signal".to_string(), |c| format!("status {c}"));
                    return Err(fail(format!("exited with {status}: {said}")));
                }
                parse_process(stdout, now).map(Step::Done).map_err(fail)
            }
            [other, ..] => Err(Error::Internal(format!("credential_process got {other:?}"))),
        }
    }

    fn placeholder(&self) -> Credential {
        placeholder_keys()
    }
}

/// `credential_process` output: `{"Version": 1, "AccessKeyId", "SecretAccessKey",
/// "SessionToken"?, "Expiration"?}`; the message never quotes it (it holds the secret).
pub fn parse_process(stdout: &[u8], now: OffsetDateTime) -> std::result::Result<Fetched, String> {
    let json: serde_json::Value = serde_json::from_slice(stdout).map_err(|_| {
        "printed something that is not JSON (its output is not shown: it may hold a secret)"
            .to_string()
    })?;
    if json["Version"].as_i64() != Some(1) {
        return Err(format!(
            "printed Version {}, and only version 1 is supported",
            json.get("Version")
                .map_or("(none)".into(), |v| v.to_string())
        ));
    }
    let text = |k: &str| {
        json[k]
            .as_str()
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let (Some(id), Some(secret)) = (text("AccessKeyId"), text("SecretAccessKey")) else {
        return Err("printed no AccessKeyId or SecretAccessKey".into());
    };
    let keys = Credential::Keys(Keys {
        id,
        secret,
        token: text("SessionToken"),
    });
    match text("Expiration") {
        None => Ok(Fetched::lasting(keys, now)),
        Some(e) => rfc3339(&e)
            .map(|t| Fetched::until(keys, now, t))
            .ok_or_else(|| "printed an Expiration that is not an RFC 3339 time".into()),
    }
}

/// The JSON the container endpoint and IMDS give: `AccessKeyId`, `SecretAccessKey`,
/// `Token`, `Expiration` (IMDS adds `"Code": "Success"`).
fn metadata_credentials(resp: &HttpResponse, what: &str, now: OffsetDateTime) -> Result<Fetched> {
    if resp.status != 200 {
        return Err(Error::Auth(format!(
            "{what} refused to give credentials (HTTP {}): {}",
            resp.status,
            body_snippet(&resp.body)
        )));
    }
    let json: serde_json::Value = serde_json::from_slice(&resp.body).unwrap_or_default();
    if json.get("Code").is_some_and(|c| c != "Success") {
        return Err(Error::Auth(format!(
            "{what} answered Code {}",
            json["Code"]
        )));
    }
    let text = |k: &str| {
        json[k]
            .as_str()
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let (Some(id), Some(secret), Some(exp)) = (
        text("AccessKeyId"),
        text("SecretAccessKey"),
        text("Expiration").and_then(|e| rfc3339(&e)),
    ) else {
        return Err(Error::Refused(format!(
            "{what} answered without AccessKeyId, SecretAccessKey and Expiration"
        )));
    };
    let keys = Keys {
        id,
        secret,
        token: text("Token"),
    };
    Ok(Fetched::until(Credential::Keys(keys), now, exp))
}

/// The container credentials endpoint (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` on
/// 169.254.170.2, or `…_FULL_URI`), with `AWS_CONTAINER_AUTHORIZATION_TOKEN` or the
/// token in `…_TOKEN_FILE` as `Authorization`.
pub struct Container {
    pub uri: String,
    pub token: Option<String>,
    pub token_file: Option<PathBuf>,
}

/// botocore's rule for a container credentials URI: https anywhere; plain http only to a
/// loopback address or the ECS and EKS hosts.
pub fn container_uri_allowed(uri: &str) -> std::result::Result<(), String> {
    let lower = uri.to_ascii_lowercase();
    if lower.starts_with("https://") {
        return Ok(());
    }
    let Some(rest) = lower.strip_prefix("http://") else {
        return Err(format!("{uri} is not an http:// or https:// URL"));
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    if crate::http::is_loopback_host(authority)
        || [
            "169.254.170.2",
            "169.254.170.23",
            "fd00:ec2::23",
            "localhost",
        ]
        .contains(&host)
    {
        Ok(())
    } else {
        Err(format!(
            "{uri}: plain http:// is taken only for a loopback address, 169.254.170.2, 169.254.170.23, fd00:ec2::23 or localhost (as botocore does): use https://"
        ))
    }
}

impl Source for Container {
    fn cache_key(&self) -> String {
        let file = self
            .token_file
            .as_ref()
            .map(|f| f.display().to_string())
            .unwrap_or_default();
        fingerprint(&[
            "aws-container",
            &self.uri,
            self.token.as_deref().unwrap_or(""),
            &file,
        ])
    }

    fn describe(&self) -> String {
        format!("the container credentials endpoint {}", self.uri)
    }

    fn step(&self, answers: &[Answer], now: OffsetDateTime) -> Result<Step> {
        let request = |token: Option<String>| -> Result<Step> {
            let base_end = self.uri.find("://").map_or(0, |i| i + 3);
            let path_at = self.uri[base_end..]
                .find('/')
                .map_or(self.uri.len(), |i| base_end + i);
            let (base, rest) = self.uri.split_at(path_at);
            let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
            let mut req = HttpRequest::new("GET", base, if path.is_empty() { "/" } else { path });
            req.query = crate::http::parse_query(query);
            req.set_header("Accept", "application/json");
            if let Some(t) = token {
                if t.contains(['\r', '\n']) {
                    return Err(Error::Auth(
                        "the container authorization token holds a line break: it cannot be sent"
                            .into(),
                    ));
                }
                req.set_header("Authorization", t);
            }
            Ok(Step::Send {
                request: req,
                timeout: Some(CONTAINER_TIMEOUT),
            })
        };
        match (&self.token_file, answers) {
            (Some(path), []) => Ok(Step::Read { path: path.clone() }),
            (Some(path), [file]) => {
                let what = format!("the container authorization token file {}", path.display());
                request(Some(
                    String::from_utf8_lossy(file.file(&what)?)
                        .trim()
                        .to_string(),
                ))
            }
            (None, []) => request(self.token.clone()),
            (_, [.., a]) => metadata_credentials(a.http()?, &self.describe(), now).map(Step::Done),
        }
    }

    fn placeholder(&self) -> Credential {
        placeholder_keys()
    }
}

/// The EC2 instance metadata service, IMDSv2 only: `PUT /latest/api/token`, then the
/// role's name, then its credentials, each with the token.
pub struct Imds {
    pub endpoint: String,
}

impl Source for Imds {
    fn cache_key(&self) -> String {
        fingerprint(&["aws-imds", &self.endpoint])
    }

    fn describe(&self) -> String {
        format!("the instance metadata service at {}", self.endpoint)
    }

    fn step(&self, answers: &[Answer], now: OffsetDateTime) -> Result<Step> {
        let what = self.describe();
        let get = |path: &str, token: &str| {
            let mut req = HttpRequest::new("GET", &self.endpoint, path);
            req.set_header("x-aws-ec2-metadata-token", token);
            Ok(Step::Send {
                request: req,
                timeout: Some(IMDS_TIMEOUT),
            })
        };
        let text = |a: &Answer, of: &str| -> Result<String> {
            let r = a.http()?;
            let body = String::from_utf8_lossy(&r.body).trim().to_string();
            if r.status != 200 || body.is_empty() {
                return Err(Error::Auth(format!(
                    "{what} gave no {of} (HTTP {}): does this instance have an instance profile?",
                    r.status
                )));
            }
            Ok(body)
        };
        const ROLES: &str = "/latest/meta-data/iam/security-credentials/";
        match answers {
            [] => {
                let mut req = HttpRequest::new("PUT", &self.endpoint, "/latest/api/token");
                req.set_header("x-aws-ec2-metadata-token-ttl-seconds", "21600");
                Ok(Step::Send {
                    request: req,
                    timeout: Some(IMDS_TIMEOUT),
                })
            }
            [t] => get(ROLES, &text(t, "session token")?),
            [t, role] => {
                let role = text(role, "role")?;
                let role = role.lines().next().unwrap_or("").trim().to_string();
                get(
                    &format!("{ROLES}{}", encode_component(&role)),
                    &text(t, "session token")?,
                )
            }
            [_, _, c, ..] => metadata_credentials(c.http()?, &what, now).map(Step::Done),
        }
    }

    fn placeholder(&self) -> Credential {
        placeholder_keys()
    }
}

#[cfg(test)]
mod tests;
