//! The secrets a profile holds, kept out of sight: which keys are secret is the provider
//! table's to say (passed in as an [`IsSecret`]), [`render_masked`] hides literal secrets, [`permission_warning`] flags a
//! file others can read, and [`resolve`] turns a value into the string a provider uses (reading
//! a variable or running a command) with errors that never include a secret command's text or
//! output.

use std::path::Path;
use std::process::{Command, Stdio};

use toml_edit::{DocumentMut, Item};

use super::edit::{implicit_table, profile_table};
use super::{Config, ConfigError, Profile, Value};

/// Whether a profile key holds a secret (`providers::registry::is_secret_key`, passed in:
/// the config knows no providers).
pub type IsSecret<'a> = &'a dyn Fn(&str) -> bool;

/// What a literal secret looks like in `profile show`.
const MASK: &str = "****";

/// Whether `value`, under `key`, is a secret written in the file itself.
fn is_literal_secret(is_secret: IsSecret, key: &str, value: &Value) -> bool {
    is_secret(key) && value.is_literal()
}

/// A profile as TOML, for `profile show`: literal secrets are replaced by `"****"`; env and
/// command references stay visible, they are not secrets.
pub fn render_masked(p: &Profile, is_secret: IsSecret) -> String {
    let values = p.values.iter().map(|(key, value)| {
        let shown = if is_literal_secret(is_secret, key, value) {
            MASK.into()
        } else {
            value.to_toml()
        };
        (key.as_str(), shown)
    });
    let mut profiles = implicit_table();
    profiles.insert(&p.name, Item::Table(profile_table(&p.provider, values)));
    let mut doc = DocumentMut::new();
    doc.insert("profiles", Item::Table(profiles));
    doc.to_string()
}

/// A warning when the file at `path` is accessible to other users (unix mode & 0o077) and holds
/// a literal secret; `None` otherwise, and always on other platforms.
pub fn permission_warning(path: &Path, cfg: &Config, is_secret: IsSecret) -> Option<String> {
    let (profile, key) = cfg.profiles.values().find_map(|p| {
        p.values
            .iter()
            .find(|(key, value)| is_literal_secret(is_secret, key, value))
            .map(|(key, _)| (&p.name, key))
    })?;
    let mode = others_access(path)?;
    Some(format!(
        "{path} holds a secret (profile '{profile}', key '{key}') and other users can access it (mode {mode:03o}): run `chmod 600 {path}`",
        path = path.display()
    ))
}

/// The permission bits of the file for its group and others, when any is set.
#[cfg(unix)]
fn others_access(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    (mode & 0o077 != 0).then_some(mode)
}

#[cfg(not(unix))]
fn others_access(_path: &Path) -> Option<u32> {
    None
}

/// The value as a string: a literal as it is (booleans and integers in their TOML form, lists
/// joined with `,`), an `env` reference as the variable's value, a `command` reference as the
/// command's output without its final line break.
///
/// An unset or empty variable is an error naming the key, the profile and the variable. A
/// command that fails or prints nothing is an error naming the key, the profile and the exit
/// status, but never the command or its output: either may hold a secret.
pub fn resolve(
    value: &Value,
    profile: &str,
    key: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<String, ConfigError> {
    match value {
        Value::Str(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Int(i) => Ok(i.to_string()),
        Value::List(items) => Ok(items.join(",")),
        Value::Env { env: var } => match env(var) {
            Some(v) if !v.is_empty() => Ok(v),
            found => Err(ConfigError::Env {
                profile: profile.to_string(),
                key: key.to_string(),
                var: var.clone(),
                problem: if found.is_some() { "empty" } else { "not set" },
            }),
        },
        Value::Command { command } => {
            run_command(command).map_err(|problem| ConfigError::Command {
                profile: profile.to_string(),
                key: key.to_string(),
                problem,
            })
        }
    }
}

/// Run `command` with `sh -c` and return its output without the final line break, or what went
/// wrong (without the command or its output). Its stdin is empty (fcall's own may be the
/// payload) and its stderr is the user's, so that its complaints can be seen.
fn run_command(command: &str) -> Result<String, String> {
    let out = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("could not be started (sh: {e})"))?;
    if !out.status.success() {
        return Err(format!("failed ({})", out.status));
    }
    let mut text = String::from_utf8(out.stdout)
        .map_err(|_| "printed something that is not text".to_string())?;
    text.truncate(text.trim_end_matches(['\n', '\r']).len());
    if text.is_empty() {
        return Err(format!("printed nothing ({})", out.status));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::test_support::*;
    use std::collections::BTreeMap;

    use crate::config::{add_profile, load};

    // which keys are secret is tested with the provider table, in providers/registry.rs
    use crate::providers::registry::is_secret_key;

    #[test]
    fn render_masked_hides_literal_secrets_only() {
        let p = Profile {
            name: "hw".into(),
            provider: "huawei".into(),
            values: BTreeMap::from([
                ("region".to_string(), str_value("cn-north-4")),
                ("token".to_string(), str_value("hunter2")),
                ("password".to_string(), Value::Int(1234)),
                (
                    "secret_key".to_string(),
                    Value::Env {
                        env: "HW_SK".into(),
                    },
                ),
                (
                    "iam_password".to_string(),
                    Value::Command {
                        command: "pass show hw".into(),
                    },
                ),
            ]),
        };
        assert_eq!(
            render_masked(&p, &is_secret_key),
            r#"[profiles.hw]
provider = "huawei"
iam_password = { command = "pass show hw" }
password = "****"
region = "cn-north-4"
secret_key = { env = "HW_SK" }
token = "****"
"#
        );
    }

    #[cfg(unix)]
    #[test]
    fn permission_warning_only_for_readable_literal_secrets() {
        let (_dir, path) = new_config();
        add_profile(
            &path,
            "hw",
            "huawei",
            &[("token".into(), str_value("t"))],
            false,
        )
        .unwrap();
        let cfg = load(&path).unwrap();
        assert_eq!(
            permission_warning(&path, &cfg, &is_secret_key),
            None,
            "0600"
        );

        chmod(&path, 0o644);
        let warning = permission_warning(&path, &cfg, &is_secret_key).expect("a warning");
        assert!(
            warning.contains(&format!("chmod 600 {}", path.display())),
            "{warning}"
        );
        assert!(warning.contains("profile 'hw', key 'token'"), "{warning}");
        assert!(warning.contains("644"), "{warning}");

        let env_only = [(
            "token".to_string(),
            Value::Env {
                env: "HW_TOKEN".into(),
            },
        )];
        add_profile(&path, "hw", "huawei", &env_only, true).unwrap();
        chmod(&path, 0o644);
        assert_eq!(
            permission_warning(&path, &load(&path).unwrap(), &is_secret_key),
            None
        );
    }

    #[test]
    fn resolve_literals() {
        let r = |v: Value| resolve(&v, "p", "k", &no_env).unwrap();
        assert_eq!(r(str_value("x")), "x");
        assert_eq!(r(Value::Bool(true)), "true");
        assert_eq!(r(Value::Int(-3)), "-3");
        assert_eq!(r(Value::List(vec!["a".into(), "b".into()])), "a,b");
    }

    #[test]
    fn resolve_env() {
        let env = |k: &str| match k {
            "SET" => Some("secret".to_string()),
            "EMPTY" => Some(String::new()),
            _ => None,
        };
        let r = |var: &str| {
            let value = Value::Env { env: var.into() };
            resolve(&value, "hw", "secret_key", &env)
        };
        assert_eq!(r("SET").unwrap(), "secret");
        for (var, problem) in [("UNSET", "is not set"), ("EMPTY", "is empty")] {
            let err = r(var).unwrap_err().to_string();
            assert!(err.contains("profile 'hw', key 'secret_key'"), "{err}");
            assert!(
                err.contains(&format!("environment variable {var} {problem}")),
                "{err}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn resolve_command() {
        let r = |command: &str| {
            let value = Value::Command {
                command: command.into(),
            };
            resolve(&value, "hw", "iam_password", &no_env)
        };
        assert_eq!(r("printf 'pa ss\\n'").unwrap(), "pa ss");
        assert_eq!(r("printf %s pass").unwrap(), "pass");
        assert_eq!(
            r("read x; echo \"in:$x\"").unwrap(),
            "in:",
            "stdin is empty"
        );

        let cases = [
            ("echo leaked-output; exit 3", "failed (exit status: 3)"),
            (
                "printf '\\n'; : silent-command",
                "printed nothing (exit status: 0)",
            ),
        ];
        for (command, problem) in cases {
            let err = r(command).unwrap_err().to_string();
            assert!(err.contains("profile 'hw', key 'iam_password'"), "{err}");
            assert!(err.contains(problem), "{err}");
            for secret in ["leaked", "silent-command", "printf", "echo"] {
                assert!(!err.contains(secret), "{err}");
            }
        }
    }
}
