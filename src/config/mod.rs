//! The profiles file: where it lives, the types it is loaded into, loading it and checking
//! what was loaded, and choosing the profile a command uses.
//!
//! ```toml
//! default_profile = "hw"
//!
//! [profiles.hw]
//! provider = "huawei"
//! region = "cn-north-4"
//! secret_key = { env = "HUAWEICLOUD_SDK_SK" }   # or { command = "pass show hw/sk" }, or a literal
//! ```
//!
//! Reading is [`load`], and [`Config::select_profile`] picks the profile a command uses. The
//! file's two other jobs live beside this module: every change goes
//! through [`edit()`] (`edit.rs`: the lock, the atomic write, `profile add|remove|default`),
//! and secrets are kept out of sight and resolved by [`render_masked`], [`permission_warning`]
//! and [`resolve`] (`secrets.rs`).

mod edit;
mod secrets;

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

pub use edit::{add_profile, edit, parse_assignment, remove_profile, set_default};
pub use secrets::{
    ownership_problem, permission_warning, render_masked, resolve, untrusted, IsSecret,
    SECRET_OUTPUT_LIMIT, SECRET_TIMEOUT_SECS, SECRET_TIMEOUT_VAR,
};

/// The forms of a `profile add` argument, shown in its errors.
const ASSIGNMENT_FORMS: &str =
    "KEY=VALUE, KEY=true|false, KEY=[A,B], KEY@env=VARIABLE or KEY@command=COMMAND";

/// The shapes a profile value may take, shown in load errors.
const VALUE_SHAPES: &str = "a string, true/false, an integer, an array of strings, \
     { env = \"VARIABLE\" } or { command = \"COMMAND\" }";

/// A profile value: a literal, or a reference to where a secret really lives.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum Value {
    /// A literal string.
    Str(String),
    /// A literal boolean, e.g. `internal = true`.
    Bool(bool),
    /// A literal integer.
    Int(i64),
    /// A literal array of strings, e.g. `scopes = ["function"]`.
    List(Vec<String>),
    /// `{ env = "VARIABLE" }`: the value of an environment variable, read when needed.
    Env { env: String },
    /// `{ command = "COMMAND" }`: the output of a shell command, run when needed.
    Command { command: String },
}

impl Value {
    /// Whether the value is written in the file itself, rather than referring to a variable or a
    /// command.
    fn is_literal(&self) -> bool {
        !matches!(self, Value::Env { .. } | Value::Command { .. })
    }

    /// What makes the value unusable, if anything: a reference to nothing.
    fn problem(&self) -> Option<&'static str> {
        match self {
            Value::Env { env } if env.is_empty() => Some("the variable name is empty"),
            Value::Command { command } if command.trim().is_empty() => Some("the command is empty"),
            _ => None,
        }
    }
}

/// One provider account.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    pub name: String,
    /// The provider key (`huawei`, `aliyun`, `altair`...).
    pub provider: String,
    /// Every key of the profile but `provider`.
    pub values: BTreeMap<String, Value>,
}

/// The profiles file, as loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Where it was loaded from (it may not exist).
    pub path: PathBuf,
    pub default_profile: Option<String>,
    pub profiles: BTreeMap<String, Profile>,
}

impl Config {
    /// The profile called `name`.
    pub fn profile(&self, name: &str) -> Result<&Profile, ConfigError> {
        self.profiles
            .get(name)
            .ok_or_else(|| ConfigError::UnknownProfile {
                path: self.path.clone(),
                name: name.to_string(),
                known: self.profiles.keys().cloned().collect(),
            })
    }

    /// The profile a command uses: the one `chosen` (`-p`/`FCALL_PROFILE`), else the default,
    /// else the only one. A choice or a default that names no profile is an error, not a reason
    /// to fall back.
    pub fn select_profile(&self, chosen: Option<&str>) -> Result<&Profile, ConfigError> {
        if let Some(name) = chosen {
            return self.profile(name);
        }
        if let Some(name) = &self.default_profile {
            return self.profile(name);
        }
        match self.profiles.len() {
            1 => Ok(self.profiles.values().next().expect("one profile")),
            0 => Err(ConfigError::NoProfiles {
                path: self.path.clone(),
            }),
            _ => Err(ConfigError::NoDefault {
                path: self.path.clone(),
            }),
        }
    }
}

/// Whatever is wrong with the config or a value in it ends a command with exit 3.
impl From<ConfigError> for crate::error::Error {
    fn from(e: ConfigError) -> Self {
        match e {
            ConfigError::Interrupted => crate::error::Error::Interrupted,
            e => crate::error::Error::Config(e.to_string()),
        }
    }
}

/// What can go wrong with the profiles file or its values. Every message is one line that names
/// the file, profile or key concerned and says how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Neither `$FCALL_CONFIG` nor a platform config directory is available.
    #[error("cannot tell where the config file is (no config directory is known for this user): set FCALL_CONFIG=FILE or pass --config FILE")]
    NoConfigDir,

    /// A file system operation on the config file, its directory or its lock failed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },

    /// The file is not valid TOML, or not a valid config. `line` and `col` are 1-based.
    #[error("{}:{line}:{col}: {message}", path.display())]
    Parse {
        path: PathBuf,
        line: usize,
        col: usize,
        message: String,
    },

    /// The file is valid TOML but its shape keeps an edit from being made.
    #[error("{}: {message}", path.display())]
    Structure { path: PathBuf, message: String },

    /// No profile has this name.
    #[error("{}", unknown_profile_message(path, name, known))]
    UnknownProfile {
        path: PathBuf,
        name: String,
        known: Vec<String>,
    },

    /// No profile was chosen and the file has none.
    #[error("no profiles in {}: add one with `fcall profile add NAME --provider huawei KEY=VALUE...`", path.display())]
    NoProfiles { path: PathBuf },

    /// No profile was chosen, and the file has several and no default.
    #[error("several profiles and no default in {}: pass -p NAME or run `fcall profile default NAME`", path.display())]
    NoDefault { path: PathBuf },

    /// `profile add` without `--force` for a name already taken.
    #[error("profile '{name}' already exists in {}: pass --force to replace it", path.display())]
    ProfileExists { path: PathBuf, name: String },

    /// A profile to add is not valid: its name, its provider or one of its keys.
    #[error("cannot add profile '{name}': {message}")]
    BadProfile { name: String, message: String },

    /// A `profile add` argument is not in one of the accepted forms. `arg` shows the argument
    /// without its value, which may be a secret.
    #[error("invalid argument '{arg}': {message}; expected {ASSIGNMENT_FORMS}")]
    BadAssignment { arg: String, message: String },

    /// A `{ env = "..." }` value whose variable is unset or empty.
    #[error("profile '{profile}', key '{key}': environment variable {var} is {problem}: set it, or change the profile with `fcall profile add {profile} --force ...`")]
    Env {
        profile: String,
        key: String,
        var: String,
        problem: &'static str,
    },

    /// A `{ command = "..." }` value whose command did not print a value. Neither the command's
    /// text nor its output is part of the message: either may hold a secret.
    #[error("profile '{profile}', key '{key}': the command {problem}; run it by hand to see why (`fcall profile show {profile}` shows it)")]
    Command {
        profile: String,
        key: String,
        problem: String,
    },

    /// Ctrl-C (or a termination signal) while a secret command ran: it was killed.
    #[error("interrupted while a secret command ran (it was stopped)")]
    Interrupted,

    /// A config or token cache another user could have written: nothing in it is trusted.
    #[error("{}: {problem}: nothing is run or read from a file another user could have written; fix it with `{fix}`", path.display())]
    Untrusted {
        path: PathBuf,
        problem: String,
        fix: String,
    },
}

/// The message of [`ConfigError::UnknownProfile`].
fn unknown_profile_message(path: &Path, name: &str, known: &[String]) -> String {
    let known = if known.is_empty() {
        "it has no profiles".to_string()
    } else {
        format!("known profiles: {}", known.join(", "))
    };
    format!(
        "no profile '{name}' in {} ({known}): add it with `fcall profile add {name} --provider PROVIDER KEY=VALUE...`",
        path.display()
    )
}

/// A [`ConfigError::Io`]: `action` failed on `path`.
fn io_error(action: &'static str, path: &Path, source: io::Error) -> ConfigError {
    ConfigError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

/// `$FCALL_CONFIG` if set and not empty, else `<config dir>/fcall/config.toml`.
pub fn default_path(env: &dyn Fn(&str) -> Option<String>) -> Result<PathBuf, ConfigError> {
    if let Some(path) = env("FCALL_CONFIG").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    dirs::config_dir()
        .map(|dir| dir.join("fcall").join("config.toml"))
        .ok_or(ConfigError::NoConfigDir)
}

/// Load and check the config at `path`; a missing file is an empty config.
///
/// A file that is not valid TOML, or holds a profile without a `provider` or a value of a shape
/// other than [`Value`]'s, is a [`ConfigError::Parse`] that points at the offending place.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    match fs::read_to_string(path) {
        Ok(text) => parse(path, &text),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Config {
            path: path.to_path_buf(),
            default_profile: None,
            profiles: BTreeMap::new(),
        }),
        Err(e) => Err(io_error("read", path, e)),
    }
}

/// The file as serde sees it. The spans locate the errors found after deserializing.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    default_profile: Option<String>,
    #[serde(default)]
    profiles: BTreeMap<String, Spanned<BTreeMap<String, Spanned<toml::Value>>>>,
}

fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    let error_at = |span: Range<usize>, message: &str| parse_error(path, text, Some(span), message);
    let raw: RawConfig =
        toml::from_str(text).map_err(|e| parse_error(path, text, e.span(), e.message()))?;

    let mut profiles = BTreeMap::new();
    for (name, table) in raw.profiles {
        let table_span = table.span();
        let mut provider = None;
        let mut values = BTreeMap::new();
        for (key, value) in table.into_inner() {
            let span = value.span();
            let invalid = |problem: &str| {
                error_at(
                    span.clone(),
                    &format!("profile '{name}', key '{key}': {problem}"),
                )
            };
            if key == "provider" {
                match value.into_inner() {
                    toml::Value::String(p) if !p.is_empty() => provider = Some(p),
                    _ => return Err(invalid("use a provider name, e.g. provider = \"huawei\"")),
                }
                continue;
            }
            let unsupported = || invalid(&format!("unsupported value: use {VALUE_SHAPES}"));
            // toml hands a date over as a string: refuse it here, it is no string in the file.
            if value.get_ref().is_datetime() {
                return Err(unsupported());
            }
            let value = Value::deserialize(value.into_inner()).map_err(|_| unsupported())?;
            if let Some(problem) = value.problem() {
                return Err(invalid(problem));
            }
            values.insert(key, value);
        }
        let provider = provider.ok_or_else(|| {
            error_at(
                table_span,
                &format!("profile '{name}' has no provider: add e.g. provider = \"huawei\" to it"),
            )
        })?;
        profiles.insert(
            name.clone(),
            Profile {
                name,
                provider,
                values,
            },
        );
    }
    Ok(Config {
        path: path.to_path_buf(),
        default_profile: raw.default_profile.filter(|d| !d.is_empty()),
        profiles,
    })
}

/// A [`ConfigError::Parse`] at the start of `span` (the start of the file if unknown), with a
/// one-line message.
fn parse_error(path: &Path, text: &str, span: Option<Range<usize>>, message: &str) -> ConfigError {
    let (line, col) = line_col(text, span.map_or(0, |s| s.start));
    let message = message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(": ");
    ConfigError::Parse {
        path: path.to_path_buf(),
        line,
        col,
        message: if message.is_empty() {
            "invalid TOML".to_string()
        } else {
            message
        },
    }
}

/// The 1-based line and column (counted in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        before.matches('\n').count() + 1,
        before[line_start..].chars().count() + 1,
    )
}

/// What the tests of this module and its children share.
#[cfg(test)]
mod test_support {
    use super::*;

    pub(super) fn no_env(_: &str) -> Option<String> {
        None
    }

    pub(super) fn str_value(s: &str) -> Value {
        Value::Str(s.to_string())
    }

    /// A config path in a directory that does not exist yet.
    pub(super) fn new_config() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fcall").join("config.toml");
        (dir, path)
    }

    pub(super) fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[cfg(unix)]
    pub(super) fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[cfg(unix)]
    pub(super) fn chmod(path: &Path, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    /// A config (never written) with these profiles and this default.
    fn config(names: &[&str], default: Option<&str>) -> Config {
        let profile = |name: &str| Profile {
            name: name.into(),
            provider: "huawei".into(),
            values: BTreeMap::new(),
        };
        Config {
            path: PathBuf::from("/x/config.toml"),
            default_profile: default.map(String::from),
            profiles: names.iter().map(|n| (n.to_string(), profile(n))).collect(),
        }
    }

    #[test]
    fn select_profile_takes_the_choice_then_the_default_then_the_only_one() {
        let two = config(&["a", "b"], Some("b"));
        assert_eq!(two.select_profile(Some("a")).unwrap().name, "a");
        assert_eq!(two.select_profile(None).unwrap().name, "b");
        let one = config(&["a"], None);
        assert_eq!(one.select_profile(None).unwrap().name, "a");
        assert_eq!(one.select_profile(Some("a")).unwrap().name, "a");

        // a choice or a default naming no profile is an error, never a fallback
        for err in [
            one.select_profile(Some("c")).unwrap_err(),
            config(&["a"], Some("gone"))
                .select_profile(None)
                .unwrap_err(),
        ] {
            assert!(matches!(err, ConfigError::UnknownProfile { .. }), "{err}");
            assert!(err.to_string().contains("known profiles: a"), "{err}");
        }
    }

    #[test]
    fn select_profile_without_a_choice_explains_none_and_several() {
        let none = config(&[], None).select_profile(None).unwrap_err();
        assert!(matches!(none, ConfigError::NoProfiles { .. }), "{none}");
        assert_eq!(
            none.to_string(),
            "no profiles in /x/config.toml: add one with `fcall profile add NAME --provider huawei KEY=VALUE...`"
        );
        let several = config(&["a", "b"], None).select_profile(None).unwrap_err();
        assert!(
            matches!(several, ConfigError::NoDefault { .. }),
            "{several}"
        );
        assert_eq!(
            several.to_string(),
            "several profiles and no default in /x/config.toml: pass -p NAME or run `fcall profile default NAME`"
        );
    }

    #[test]
    fn default_path_prefers_a_non_empty_fcall_config() {
        let set = |k: &str| (k == "FCALL_CONFIG").then(|| "/x/c.toml".to_string());
        assert_eq!(default_path(&set).unwrap(), PathBuf::from("/x/c.toml"));
        let empty = |_: &str| Some(String::new());
        if let Some(dir) = dirs::config_dir() {
            let expected = dir.join("fcall").join("config.toml");
            assert_eq!(default_path(&empty).unwrap(), expected);
            assert_eq!(default_path(&no_env).unwrap(), expected);
        }
    }

    #[test]
    fn a_missing_file_is_an_empty_config() {
        let (_dir, path) = new_config();
        let cfg = load(&path).unwrap();
        assert_eq!(cfg.path, path);
        assert_eq!(cfg.default_profile, None);
        assert!(cfg.profiles.is_empty());
    }

    #[test]
    fn loads_every_value_shape() {
        let (_dir, path) = new_config();
        write(
            &path,
            r#"default_profile = "hw"
[profiles.hw]
provider = "huawei"
region = "cn-north-4"
secret_key = { env = "HUAWEICLOUD_SDK_SK" }
iam_password = { command = "pass show hw" }
internal = true
retries = 3
scopes = ["function", "x"]
"#,
        );
        let cfg = load(&path).unwrap();
        assert_eq!(cfg.default_profile.as_deref(), Some("hw"));
        let p = cfg.profile("hw").unwrap();
        assert_eq!(p.name, "hw");
        assert_eq!(p.provider, "huawei");
        let expected = BTreeMap::from([
            ("region".to_string(), str_value("cn-north-4")),
            (
                "secret_key".to_string(),
                Value::Env {
                    env: "HUAWEICLOUD_SDK_SK".into(),
                },
            ),
            (
                "iam_password".to_string(),
                Value::Command {
                    command: "pass show hw".into(),
                },
            ),
            ("internal".to_string(), Value::Bool(true)),
            ("retries".to_string(), Value::Int(3)),
            (
                "scopes".to_string(),
                Value::List(vec!["function".into(), "x".into()]),
            ),
        ]);
        assert_eq!(p.values, expected);
    }

    #[test]
    fn malformed_toml_is_located_and_never_overwritten() {
        let (_dir, path) = new_config();
        let text = "default_profile = \"hw\"\n[profiles.hw]\nregion = \n";
        write(&path, text);
        let expected = format!(
            "{}:3:10: invalid string: expected `\"`, `'`",
            path.display()
        );

        let err = load(&path).unwrap_err();
        assert!(
            matches!(
                err,
                ConfigError::Parse {
                    line: 3,
                    col: 10,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(err.to_string(), expected);

        let err = add_profile(&path, "ali", "aliyun", &[], false).unwrap_err();
        assert_eq!(err.to_string(), expected);
        assert_eq!(fs::read_to_string(&path).unwrap(), text);
    }

    #[test]
    fn columns_count_characters() {
        let (_dir, path) = new_config();
        write(
            &path,
            "[profiles.hw]\nprovider = \"huawei\"\nnote = \"é\" x\n",
        );
        let err = load(&path).unwrap_err();
        assert!(
            matches!(
                err,
                ConfigError::Parse {
                    line: 3,
                    col: 12,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn invalid_profiles_name_the_profile_and_the_key() {
        let (_dir, path) = new_config();
        let cases = [
            (
                "[profiles.hw]\nregion = \"x\"\n",
                "1:1: profile 'hw' has no provider",
            ),
            (
                "[profiles.hw]\nprovider = \"huawei\"\nsecret_key = { env = \"X\", other = 1 }\n",
                "3:14: profile 'hw', key 'secret_key': unsupported value",
            ),
            (
                "[profiles.hw]\nprovider = \"huawei\"\nsince = 2024-01-01\n",
                "3:9: profile 'hw', key 'since': unsupported value",
            ),
            (
                "[profiles.hw]\nprovider = \"huawei\"\nratio = 1.5\n",
                "3:9: profile 'hw', key 'ratio': unsupported value",
            ),
            (
                "[profiles.hw]\nprovider = \"huawei\"\nscopes = [\"a\", 1]\n",
                "3:10: profile 'hw', key 'scopes': unsupported value",
            ),
            (
                "[profiles.hw]\nprovider = \"huawei\"\ntoken = { command = \" \" }\n",
                "3:9: profile 'hw', key 'token': the command is empty",
            ),
            (
                "[profiles.hw]\nprovider = { env = \"P\" }\n",
                "2:12: profile 'hw', key 'provider': use a provider name",
            ),
            (
                "default-profile = \"hw\"\n",
                "1:1: unknown field `default-profile`",
            ),
        ];
        for (text, expected) in cases {
            write(&path, text);
            let err = load(&path).unwrap_err().to_string();
            let expected = format!("{}:{expected}", path.display());
            assert!(
                err.starts_with(&expected),
                "{err}\ndoes not start with\n{expected}"
            );
        }
    }

    #[test]
    fn an_unknown_profile_lists_the_known_ones() {
        let (_dir, path) = new_config();
        let err = load(&path)
            .unwrap()
            .profile("nope")
            .unwrap_err()
            .to_string();
        assert!(err.contains("no profile 'nope'"), "{err}");
        assert!(err.contains("has no profiles"), "{err}");
        assert!(err.contains("`fcall profile add nope --provider"), "{err}");

        add_profile(&path, "hw", "huawei", &[], false).unwrap();
        add_profile(&path, "ali", "aliyun", &[], false).unwrap();
        let err = load(&path)
            .unwrap()
            .profile("nope")
            .unwrap_err()
            .to_string();
        assert!(err.contains("known profiles: ali, hw"), "{err}");
        assert!(err.contains(&path.display().to_string()), "{err}");
    }
}
