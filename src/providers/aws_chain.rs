//! Which AWS credentials a profile uses, in botocore's order and with its rules
//! (`botocore/credentials.py`, `create_credential_resolver`):
//!
//! 1. the environment's keys (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
//!    `AWS_SESSION_TOKEN`), unless a profile was named explicitly (`aws_profile`), which
//!    negates them as `aws --profile` does (`AWS_PROFILE` does not);
//! 2. `role_arn` with `source_profile` or `credential_source` (STS `AssumeRole`; chains of
//!    roles; a loop of source profiles is an error);
//! 3. web identity: `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN` (not when a profile
//!    was named), else the profile's `web_identity_token_file` + `role_arn`;
//! 4. IAM Identity Center (`sso_session`, or the legacy `sso_start_url` form);
//! 5. the credentials file's keys; 6. `credential_process`; 7. the config file's keys;
//! 8. the container endpoint (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` / `…_FULL_URI`);
//! 9. the instance metadata service, IMDSv2 (not with `AWS_EC2_METADATA_DISABLED=true`).
//!
//! Profiles are botocore's `full_config`: the credentials file merged over the config file.
//! Endpoints are the SDKs' configured endpoints: `AWS_ENDPOINT_URL_<SERVICE>`, then
//! `AWS_ENDPOINT_URL`, then the profile's `services` section, then its `endpoint_url`.
//! Everything here is pure: the files are parsed already, the environment is passed in.

use std::path::PathBuf;
use std::sync::Arc;

use super::aws_files::SharedFiles;
use super::aws_sources::{
    container_uri_allowed, given, sso_cache_name, AssumeRole, Container, Imds, Process, Sso, Sts,
    WebIdentity,
};
use super::Env;
use crate::credentials::{Keys, Source};
use crate::error::{Error, Result};

type Section = std::collections::BTreeMap<String, String>;

/// Credentials as found: the source (static keys yield themselves), the static keys when
/// nothing is fetched, and where they were found.
pub struct Found {
    pub source: Arc<dyn Source>,
    /// The keys themselves when they need no fetching (the source then yields them).
    pub keys: Option<Keys>,
    pub from: String,
    /// botocore's name for the method ("env", "assume-role", "sso"...).
    pub method: &'static str,
}

/// What the chain needs besides the files: the environment, the profile, and the region
/// STS is called in.
pub struct Chain<'a> {
    pub env: Env<'a>,
    pub files: &'a SharedFiles,
    pub profile: &'a str,
    /// Named explicitly (`aws_profile`): the environment's keys and web identity are not used.
    pub explicit: bool,
    pub region: Option<&'a str>,
}

fn var(env: Env, k: &str) -> Option<String> {
    env(k).filter(|v| !v.is_empty())
}

fn truthy(v: Option<&String>) -> bool {
    v.is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// The environment's key pair, if both halves are set; half a pair is an error.
pub fn env_keys(env: Env) -> Result<Option<Keys>> {
    match (
        var(env, "AWS_ACCESS_KEY_ID"),
        var(env, "AWS_SECRET_ACCESS_KEY"),
    ) {
        (Some(id), Some(secret)) => Ok(Some(Keys {
            id,
            secret,
            token: var(env, "AWS_SESSION_TOKEN"),
        })),
        (Some(_), None) => Err(partial("AWS_SECRET_ACCESS_KEY")),
        (None, Some(_)) => Err(partial("AWS_ACCESS_KEY_ID")),
        (None, None) => Ok(None),
    }
}

fn partial(missing: &str) -> Error {
    Error::Config(format!(
        "partial AWS credentials in the environment: {missing} is not set: set both, or unset the other"
    ))
}

fn static_keys(s: &Section, location: &str) -> Result<Option<Keys>> {
    let Some(id) = s.get("aws_access_key_id").filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let secret = s
        .get("aws_secret_access_key")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            Error::Config(format!(
                "{location} has aws_access_key_id but no aws_secret_access_key: add it there"
            ))
        })?;
    Ok(Some(Keys {
        id: id.clone(),
        secret: secret.clone(),
        token: s
            .get("aws_session_token")
            .filter(|v| !v.is_empty())
            .cloned(),
    }))
}

fn has_static(s: &Section) -> bool {
    s.contains_key("aws_access_key_id") || s.contains_key("aws_secret_access_key")
}

fn has_role(s: &Section) -> bool {
    s.contains_key("role_arn") && !s.contains_key("web_identity_token_file")
}

impl Chain<'_> {
    /// The credentials for the profile, or `None` when no source has any.
    pub fn resolve(&self) -> Result<Option<Found>> {
        if !self.explicit {
            if let Some(keys) = env_keys(self.env)? {
                return Ok(Some(fixed(keys, "AWS_ACCESS_KEY_ID".into(), "env")));
            }
        }
        let profile = self.files.profile(self.profile);
        if profile.is_none() && self.explicit {
            return Err(Error::Config(format!(
                "AWS profile '{}' is in neither {} nor {}: add it there, or fix aws_profile",
                self.profile,
                self.files.config_path.display(),
                self.files.credentials_path.display()
            )));
        }
        let p = profile.unwrap_or_default();
        if has_role(&p) {
            let mut visited = vec![self.profile.to_string()];
            return self.assume_role(self.profile, &p, &mut visited).map(Some);
        }
        if let Some(found) = self.profile_providers(self.profile, &p, !self.explicit)? {
            return Ok(Some(found));
        }
        if let Some(found) = self.container()? {
            return Ok(Some(found));
        }
        Ok(self.imds())
    }

    /// botocore's profile providers, in order: web identity, SSO, the credentials file's
    /// keys, `credential_process`, the config file's keys.
    fn profile_providers(&self, name: &str, p: &Section, use_env: bool) -> Result<Option<Found>> {
        if let Some(found) = self.web_identity(p, use_env)? {
            return Ok(Some(found));
        }
        if let Some(found) = self.sso(name, p)? {
            return Ok(Some(found));
        }
        let in_credentials = self.files.credentials(name);
        let location = format!("{} [{name}]", self.files.credentials_path.display());
        if let Some(keys) = in_credentials
            .map(|s| static_keys(s, &location))
            .transpose()?
            .flatten()
        {
            return Ok(Some(fixed(keys, location, "shared-credentials-file")));
        }
        if let Some(command) = p.get("credential_process").filter(|c| !c.trim().is_empty()) {
            return Ok(Some(Found {
                source: Arc::new(Process {
                    command: command.clone(),
                    profile: name.to_string(),
                }),
                keys: None,
                from: format!("credential_process in {}", self.files.location(name)),
                method: "custom-process",
            }));
        }
        let location = self.files.location(name);
        if let Some(keys) = self
            .files
            .config(name)
            .map(|s| static_keys(s, &location))
            .transpose()?
            .flatten()
        {
            return Ok(Some(fixed(keys, location, "config-file")));
        }
        Ok(None)
    }

    /// `role_arn` in profile `name`: AssumeRole with the source's credentials.
    fn assume_role(&self, name: &str, p: &Section, visited: &mut Vec<String>) -> Result<Found> {
        let role_arn = p["role_arn"].clone();
        let bad = |why: String| {
            Error::Config(format!(
                "AWS profile '{name}' ({}): {why}",
                self.files.location(name)
            ))
        };
        let source = match (p.get("source_profile"), p.get("credential_source")) {
            (Some(_), Some(_)) => {
                return Err(bad("it has both source_profile and credential_source: keep one".into()))
            }
            (None, None) => {
                return Err(bad("it has role_arn but no source_profile or credential_source to assume it with: add one".into()))
            }
            (None, Some(cs)) => self.credential_source(name, cs)?,
            (Some(sp), None) => self.source_profile(name, sp, visited)?,
        };
        let duration_seconds = p
            .get("duration_seconds")
            .map(|d| {
                d.trim()
                    .parse::<u32>()
                    .map_err(|_| bad(format!("duration_seconds = {d} is not a number of seconds")))
            })
            .transpose()?;
        if p.contains_key("mfa_serial") {
            return Err(bad("it needs an MFA code (mfa_serial), which fcall cannot prompt for: run `aws configure export-credentials --profile NAME --format env` and eval it first".into()));
        }
        Ok(Found {
            from: format!("role_arn in {}", self.files.location(name)),
            keys: None,
            method: "assume-role",
            source: Arc::new(AssumeRole {
                source: source.source,
                role_arn,
                session_name: p.get("role_session_name").cloned(),
                external_id: p.get("external_id").cloned(),
                duration_seconds,
                sts: self.sts(p),
                profile: name.to_string(),
            }),
        })
    }

    /// `source_profile = SP` of profile `parent`, with botocore's loop rule: a profile may
    /// name itself only to use its own static keys.
    fn source_profile(&self, parent: &str, sp: &str, visited: &mut Vec<String>) -> Result<Found> {
        let Some(p) = self.files.profile(sp) else {
            return Err(Error::Config(format!(
                "AWS profile '{parent}' names source_profile '{sp}', which does not exist: add it to {}",
                self.files.config_path.display()
            )));
        };
        if visited.iter().any(|v| v == sp) && (sp != parent || !has_static(&p)) {
            visited.push(sp.to_string());
            return Err(Error::Auth(format!(
                "AWS profiles form a loop of source_profile: {}: break it",
                visited.join(" -> ")
            )));
        }
        visited.push(sp.to_string());
        if has_static(&p) || !has_role(&p) {
            return self.profile_providers(sp, &p, false)?.ok_or_else(|| {
                Error::Config(format!(
                    "the source profile '{sp}' of AWS profile '{parent}' has no credentials: add keys, a role or SSO to it"
                ))
            });
        }
        self.assume_role(sp, &p, visited)
    }

    /// `credential_source`: `Environment`, `Ec2InstanceMetadata` or `EcsContainer`.
    fn credential_source(&self, name: &str, cs: &str) -> Result<Found> {
        let none = || {
            Error::Auth(format!(
                "AWS profile '{name}': credential_source {cs} has no credentials here"
            ))
        };
        match cs {
            "Environment" => env_keys(self.env)?
                .map(|k| fixed(k, "AWS_ACCESS_KEY_ID".into(), "env"))
                .ok_or_else(none),
            "EcsContainer" => self.container()?.ok_or_else(none),
            "Ec2InstanceMetadata" => Ok(self.imds_source()),
            other => Err(Error::Config(format!(
                "AWS profile '{name}': credential_source {other} is not Environment, Ec2InstanceMetadata or EcsContainer"
            ))),
        }
    }

    fn web_identity(&self, p: &Section, use_env: bool) -> Result<Option<Found>> {
        let get = |key: &str, var_name: &str| -> Option<(String, String)> {
            if use_env {
                if let Some(v) = var(self.env, var_name) {
                    return Some((v, var_name.to_string()));
                }
            }
            p.get(key).filter(|v| !v.is_empty()).map(|v| {
                (
                    v.clone(),
                    format!("{key} in {}", self.files.location(self.profile)),
                )
            })
        };
        let Some((file, origin)) = get("web_identity_token_file", "AWS_WEB_IDENTITY_TOKEN_FILE")
        else {
            return Ok(None);
        };
        let Some((role_arn, _)) = get("role_arn", "AWS_ROLE_ARN") else {
            return Err(Error::Config(format!(
                "a web identity token file is set ({origin}) but no role ARN: set AWS_ROLE_ARN or role_arn in the profile"
            )));
        };
        Ok(Some(Found {
            source: Arc::new(WebIdentity {
                token_file: PathBuf::from(file),
                role_arn,
                session_name: get("role_session_name", "AWS_ROLE_SESSION_NAME").map(|v| v.0),
                sts: self.sts(p),
                origin: origin.clone(),
            }),
            keys: None,
            from: origin,
            method: "assume-role-with-web-identity",
        }))
    }

    fn sso(&self, name: &str, p: &Section) -> Result<Option<Found>> {
        if !p.contains_key("sso_role_name") && !p.contains_key("sso_account_id") {
            return Ok(None);
        }
        let mut config = p.clone();
        let key = match p.get("sso_session") {
            Some(session) => {
                let s = self.files.sso_session(session).ok_or_else(|| {
                    Error::Config(format!(
                        "AWS profile '{name}' names sso_session '{session}', which is not in {}: add [sso-session {session}]",
                        self.files.config_path.display()
                    ))
                })?;
                for (k, v) in s {
                    if config.get(k).is_some_and(|mine| mine != v) {
                        return Err(Error::Config(format!(
                            "AWS profile '{name}': {k} differs between the profile and sso-session {session}: keep one"
                        )));
                    }
                    config.insert(k.clone(), v.clone());
                }
                session.clone()
            }
            None => config.get("sso_start_url").cloned().unwrap_or_default(),
        };
        let missing: Vec<&str> = [
            "sso_role_name",
            "sso_account_id",
            "sso_start_url",
            "sso_region",
        ]
        .into_iter()
        .filter(|k| !config.contains_key(*k))
        .collect();
        if !missing.is_empty() {
            return Err(Error::Config(format!(
                "AWS profile '{name}' is set up for SSO but lacks {}: run `aws configure sso --profile {name}`",
                missing.join(", ")
            )));
        }
        let region = &config["sso_region"];
        super::host_part("sso_region", region).map_err(Error::Config)?;
        let portal = self
            .configured_endpoint(p, "SSO", "sso")
            .unwrap_or_else(|| format!("https://portal.sso.{region}.{}", suffix(region)));
        Ok(Some(Found {
            source: Arc::new(Sso {
                cache_file: self.files.sso_cache_dir.join(sso_cache_name(&key)),
                portal,
                account_id: config["sso_account_id"].clone(),
                role_name: config["sso_role_name"].clone(),
                profile: name.to_string(),
            }),
            keys: None,
            from: format!("SSO in {}", self.files.location(name)),
            method: "sso",
        }))
    }

    fn container(&self) -> Result<Option<Found>> {
        let uri = match (
            var(self.env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"),
            var(self.env, "AWS_CONTAINER_CREDENTIALS_FULL_URI"),
        ) {
            (Some(rel), _) => format!("http://169.254.170.2{rel}"),
            (None, Some(full)) => {
                container_uri_allowed(&full).map_err(|m| {
                    Error::Config(format!("AWS_CONTAINER_CREDENTIALS_FULL_URI: {m}"))
                })?;
                full
            }
            (None, None) => return Ok(None),
        };
        let token_file = var(self.env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE").map(PathBuf::from);
        let token = var(self.env, "AWS_CONTAINER_AUTHORIZATION_TOKEN");
        Ok(Some(Found {
            source: Arc::new(Container {
                uri,
                token,
                token_file,
            }),
            keys: None,
            from: "the container credentials endpoint (AWS_CONTAINER_CREDENTIALS_…_URI)".into(),
            method: "container-role",
        }))
    }

    fn imds_source(&self) -> Found {
        let endpoint = var(self.env, "AWS_EC2_METADATA_SERVICE_ENDPOINT")
            .unwrap_or_else(|| "http://169.254.169.254".into());
        Found {
            source: Arc::new(Imds {
                endpoint: endpoint.trim_end_matches('/').to_string(),
            }),
            keys: None,
            from: "the instance metadata service (IMDSv2)".into(),
            method: "iam-role",
        }
    }

    fn imds(&self) -> Option<Found> {
        if truthy(var(self.env, "AWS_EC2_METADATA_DISABLED").as_ref()) {
            return None;
        }
        Some(self.imds_source())
    }

    /// The region the AWS tools would use for the profile: `AWS_REGION`, then
    /// `AWS_DEFAULT_REGION` (botocore reads only this one), then the profile's `region`
    /// (the credentials file's over the config file's); and where it was found.
    pub fn region(&self) -> Option<(String, String)> {
        for v in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
            if let Some(r) = var(self.env, v) {
                return Some((r, v.to_string()));
            }
        }
        let r = self
            .files
            .profile(self.profile)?
            .get("region")
            .cloned()
            .filter(|r| !r.is_empty())?;
        Some((r, self.files.location(self.profile)))
    }

    /// Where STS is: a configured endpoint, else the regional one (`sts_regional_endpoints
    /// = legacy`, or no region: the global `sts.amazonaws.com`, signed for us-east-1).
    fn sts(&self, p: &Section) -> Sts {
        let region = self.region.unwrap_or("us-east-1").to_string();
        if let Some(endpoint) = self.configured_endpoint(p, "STS", "sts") {
            return Sts { endpoint, region };
        }
        let legacy = var(self.env, "AWS_STS_REGIONAL_ENDPOINTS")
            .or_else(|| p.get("sts_regional_endpoints").cloned())
            .is_some_and(|v| v == "legacy");
        match self.region {
            Some(r) if !legacy => Sts {
                endpoint: format!("https://sts.{r}.{}", suffix(r)),
                region,
            },
            _ => Sts {
                endpoint: "https://sts.amazonaws.com".into(),
                region: "us-east-1".into(),
            },
        }
    }

    /// The SDKs' configured endpoint for a service: `AWS_ENDPOINT_URL_<ENV>`, then
    /// `AWS_ENDPOINT_URL`, then `<key>.endpoint_url` in the profile's `services` section,
    /// then the profile's `endpoint_url`; none with `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS`.
    pub fn configured_endpoint(&self, p: &Section, env_id: &str, key: &str) -> Option<String> {
        if truthy(var(self.env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS").as_ref())
            || truthy(p.get("ignore_configured_endpoint_urls"))
        {
            return None;
        }
        var(self.env, &format!("AWS_ENDPOINT_URL_{env_id}"))
            .or_else(|| var(self.env, "AWS_ENDPOINT_URL"))
            .or_else(|| {
                let services = self.files.services(p.get("services")?)?;
                services.get(&format!("{key}.endpoint_url")).cloned()
            })
            .or_else(|| p.get("endpoint_url").cloned())
            .filter(|e| !e.is_empty())
            .map(|e| e.trim_end_matches('/').to_string())
    }
}

/// Static keys found at `from`.
pub fn fixed(keys: Keys, from: String, method: &'static str) -> Found {
    Found {
        source: given(keys.clone(), from.clone()),
        keys: Some(keys),
        from,
        method,
    }
}

/// The DNS suffix of a region's endpoints.
pub fn suffix(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "amazonaws.com.cn"
    } else {
        "amazonaws.com"
    }
}

#[cfg(test)]
mod tests;
