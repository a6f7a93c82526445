//! The AWS tools' shared files, read as they read them for static keys and a region:
//! `~/.aws/credentials` (`[NAME]`, or `$AWS_SHARED_CREDENTIALS_FILE`) and `~/.aws/config`
//! (`[default]`, `[profile NAME]`, or `$AWS_CONFIG_FILE`). Parsing is pure; [`SharedFiles::load`]
//! is the only part that touches the disk, and a missing file is simply empty.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::Env;
use crate::error::{Error, Result};

type Section = BTreeMap<String, String>;

/// `[section]` → `key = value`, keys lower-cased. Comments (`#`, `;`) and blank lines are
/// skipped. The indented sub-keys of a nested setting (`lambda =\n  endpoint_url = …`, as
/// a `services` section holds them) are kept as `lambda.endpoint_url`.
pub fn parse(text: &str) -> BTreeMap<String, Section> {
    let mut sections: BTreeMap<String, Section> = BTreeMap::new();
    let mut current: Option<String> = None;
    let mut parent: Option<String> = None;
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        let nested = raw.starts_with([' ', '\t']);
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
            sections.entry(name.clone()).or_default();
            current = Some(name);
            parent = None;
            continue;
        }
        let (Some(section), Some((k, v))) = (&current, line.split_once('=')) else {
            continue;
        };
        let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_string());
        let entries = sections
            .get_mut(section)
            .expect("the current section exists");
        match (&parent, nested) {
            (Some(p), true) => {
                entries.insert(format!("{p}.{k}"), v);
            }
            (None, true) => {}
            (_, false) => {
                parent = v.is_empty().then(|| k.clone());
                entries.insert(k, v);
            }
        }
    }
    sections
}

/// Both files, parsed, and where they are (for messages).
#[derive(Debug, Default, Clone)]
pub struct SharedFiles {
    pub credentials_path: PathBuf,
    pub config_path: PathBuf,
    /// Where `aws sso login` caches its tokens (`~/.aws/sso/cache`).
    pub sso_cache_dir: PathBuf,
    credentials: BTreeMap<String, Section>,
    config: BTreeMap<String, Section>,
}

impl SharedFiles {
    #[cfg(test)]
    pub fn from_texts(credentials: &str, config: &str) -> SharedFiles {
        SharedFiles {
            credentials: parse(credentials),
            config: parse(config),
            ..SharedFiles::default()
        }
    }

    /// Read the files the AWS tools would (the variables, else `~/.aws/…`).
    pub fn load(env: Env) -> Result<SharedFiles> {
        let home = || dirs::home_dir().unwrap_or_default().join(".aws");
        let path = |var: &str, file: &str| {
            env(var)
                .filter(|v| !v.is_empty())
                .map_or_else(|| home().join(file), PathBuf::from)
        };
        let credentials_path = path("AWS_SHARED_CREDENTIALS_FILE", "credentials");
        let config_path = path("AWS_CONFIG_FILE", "config");
        let read = |p: &PathBuf| {
            match std::fs::read_to_string(p) {
            Ok(t) => Ok(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(String::new()),
            Err(e) => Err(Error::Config(format!(
                "cannot read {}: {e}: fix its permissions, or point AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE elsewhere",
                p.display()
            ))),
        }
        };
        Ok(SharedFiles {
            credentials: parse(&read(&credentials_path)?),
            config: parse(&read(&config_path)?),
            credentials_path,
            config_path,
            sso_cache_dir: home().join("sso").join("cache"),
        })
    }

    /// `[NAME]` of the credentials file.
    pub fn credentials(&self, name: &str) -> Option<&Section> {
        self.credentials.get(name)
    }

    /// `[profile NAME]` of the config file (`[default]` for default).
    pub fn config(&self, name: &str) -> Option<&Section> {
        let key = format!("profile {name}");
        self.config.get(&key).or_else(|| {
            (name == "default")
                .then(|| self.config.get("default"))
                .flatten()
        })
    }

    /// Profile `name` as botocore's `full_config` has it: the config file's section with
    /// the credentials file's `[NAME]` merged over it (so a `region` written only in
    /// `~/.aws/credentials` counts); `None` if neither file has it.
    pub fn profile(&self, name: &str) -> Option<Section> {
        let (config, credentials) = (self.config(name), self.credentials(name));
        if config.is_none() && credentials.is_none() {
            return None;
        }
        let mut merged = config.cloned().unwrap_or_default();
        merged.extend(credentials.cloned().unwrap_or_default());
        Some(merged)
    }

    /// Where profile `name` is written, for messages: the config file's section, else the
    /// credentials file's.
    pub fn location(&self, name: &str) -> String {
        if self.config(name).is_some() {
            let section = if name == "default" && !self.config.contains_key("profile default") {
                "default".to_string()
            } else {
                format!("profile {name}")
            };
            format!("{} [{section}]", self.config_path.display())
        } else {
            format!("{} [{name}]", self.credentials_path.display())
        }
    }

    /// Every profile either file names, sorted.
    pub fn profile_names(&self) -> Vec<String> {
        let mut names: std::collections::BTreeSet<String> = self
            .config
            .keys()
            .filter_map(|k| match k.strip_prefix("profile ") {
                Some(n) => Some(n.to_string()),
                None => (k == "default").then(|| k.clone()),
            })
            .collect();
        names.extend(self.credentials.keys().cloned());
        names.into_iter().collect()
    }

    /// `[sso-session NAME]` of the config file.
    pub fn sso_session(&self, name: &str) -> Option<&Section> {
        self.config.get(&format!("sso-session {name}"))
    }

    /// `[services NAME]` of the config file.
    pub fn services(&self, name: &str) -> Option<&Section> {
        self.config.get(&format!("services {name}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sections_as_the_aws_tools_do() {
        let files = SharedFiles::from_texts(
            "# keys\n[default]\naws_access_key_id = AKDEF\naws_secret_access_key=sdef\n\n[prod]\nAWS_ACCESS_KEY_ID = AKPROD\naws_secret_access_key = s=prod\naws_session_token = tok\n",
            "[default]\nregion = eu-west-1\n[profile prod]\nregion = us-west-2\ns3 =\n  max_concurrent_requests = 20\n; comment\n[profile sso]\nsso_session = corp\n",
        );
        assert_eq!(
            files.credentials("default").unwrap()["aws_access_key_id"],
            "AKDEF"
        );
        let prod = files.credentials("prod").unwrap();
        assert_eq!(prod["aws_access_key_id"], "AKPROD");
        assert_eq!(prod["aws_secret_access_key"], "s=prod");
        assert_eq!(files.config("default").unwrap()["region"], "eu-west-1");
        let cfg = files.config("prod").unwrap();
        assert_eq!(cfg["region"], "us-west-2");
        assert_eq!(cfg["s3"], "");
        assert_eq!(cfg["s3.max_concurrent_requests"], "20");
        assert!(!cfg.contains_key("max_concurrent_requests"));
        assert!(files.config("sso").unwrap().contains_key("sso_session"));
        assert!(files.config("nosuch").is_none());
        assert!(files.credentials("profile prod").is_none());
    }

    #[test]
    fn profiles_merge_the_credentials_file_over_the_config_file() {
        let files = SharedFiles::from_texts(
            "[dev]\nregion = eu-north-1\naws_access_key_id = AKDEV\n[only-creds]\naws_access_key_id = X\n",
            "[profile dev]\nregion = us-west-1\noutput = json\n[sso-session corp]\nsso_region = us-east-1\n[services local]\nlambda =\n  endpoint_url = http://127.0.0.1:9\nsts =\n  endpoint_url = http://127.0.0.1:8\n[default]\nregion = ap-east-1\n",
        );
        let dev = files.profile("dev").unwrap();
        assert_eq!(
            dev["region"], "eu-north-1",
            "the credentials file wins, as in botocore"
        );
        assert_eq!(dev["output"], "json");
        assert!(files.profile("only-creds").is_some());
        assert!(files.profile("nosuch").is_none());
        assert_eq!(
            files.sso_session("corp").unwrap()["sso_region"],
            "us-east-1"
        );
        let svc = files.services("local").unwrap();
        assert_eq!(svc["lambda.endpoint_url"], "http://127.0.0.1:9");
        assert_eq!(svc["sts.endpoint_url"], "http://127.0.0.1:8");
        assert_eq!(files.profile_names(), ["default", "dev", "only-creds"]);
        assert!(files.location("dev").ends_with("[profile dev]"));
        assert!(files.location("default").ends_with("[default]"));
        assert!(files.location("only-creds").ends_with("[only-creds]"));
    }
}
