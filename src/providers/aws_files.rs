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
/// skipped, as are the indented sub-keys of a nested setting (`s3 =\n  max_… = 1`).
pub fn parse(text: &str) -> BTreeMap<String, Section> {
    let mut sections: BTreeMap<String, Section> = BTreeMap::new();
    let mut current: Option<String> = None;
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if raw.starts_with([' ', '\t']) {
            continue; // a nested sub-key
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let name = name.trim().to_string();
            sections.entry(name.clone()).or_default();
            current = Some(name);
            continue;
        }
        if let (Some(section), Some((k, v))) = (&current, line.split_once('=')) {
            sections
                .get_mut(section)
                .expect("the current section exists")
                .insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    sections
}

/// Both files, parsed, and where they are (for messages).
#[derive(Debug, Default, Clone)]
pub struct SharedFiles {
    pub credentials_path: PathBuf,
    pub config_path: PathBuf,
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
        assert!(!cfg.contains_key("max_concurrent_requests"));
        assert!(files.config("sso").unwrap().contains_key("sso_session"));
        assert!(files.config("nosuch").is_none());
        assert!(files.credentials("profile prod").is_none());
    }
}
