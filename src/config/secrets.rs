//! The secrets a profile holds, kept out of sight: which keys are secret is the provider
//! table's to say (passed in as an [`IsSecret`]), [`render_masked`] hides literal secrets, [`permission_warning`] flags a
//! file others can read, and [`resolve`] turns a value into the string a provider uses (reading
//! a variable or running a command) with errors that never include a secret command's text or
//! output.

use std::path::Path;

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

/// Why the config at `path` cannot be trusted to run commands or hold secrets, as ssh
/// judges its own files: it belongs to another user (other than root), or its group or
/// others may write it. `None` when it is fine, when `cfg` has neither a `{ command }` nor a
/// secret (nothing to run or to lose), and always on other platforms.
pub fn untrusted(path: &Path, cfg: &Config, is_secret: IsSecret) -> Option<ConfigError> {
    let risky = cfg.profiles.values().any(|p| {
        p.values
            .iter()
            .any(|(k, v)| is_secret(k) || matches!(v, Value::Command { .. }))
    });
    if !risky {
        return None;
    }
    let (problem, fix) = ownership_problem(path)?;
    Some(ConfigError::Untrusted {
        path: path.to_path_buf(),
        problem,
        fix,
    })
}

/// What is wrong with who owns or may write `path`, and the command that fixes it; `None`
/// when it is owned by the user (or root) and writable by its owner only. The one check for
/// the config file and the token cache.
#[cfg(unix)]
pub fn ownership_problem(path: &Path) -> Option<(String, String)> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    // SAFETY: geteuid has no preconditions and cannot fail
    let me = unsafe { libc::geteuid() };
    let shown = path.display();
    if meta.uid() != me && meta.uid() != 0 {
        return Some((
            format!("it belongs to another user (uid {})", meta.uid()),
            format!("chown {me} {shown}"),
        ));
    }
    let mode = meta.mode() & 0o777;
    (mode & 0o022 != 0).then(|| {
        (
            format!("its group or other users may write it (mode {mode:03o})"),
            format!("chmod go-w {shown}"),
        )
    })
}

#[cfg(not(unix))]
pub fn ownership_problem(_path: &Path) -> Option<(String, String)> {
    None
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
            let failed = |problem| ConfigError::Command {
                profile: profile.to_string(),
                key: key.to_string(),
                problem,
            };
            let timeout = secret_timeout(env).map_err(failed)?;
            run_command(command, timeout).map_err(|e| match e {
                RunError::Failed(problem) => failed(problem),
                RunError::Interrupted => ConfigError::Interrupted,
            })
        }
    }
}

/// The longest a `{ command }` may run, by default; `FCALL_SECRET_TIMEOUT` (seconds)
/// overrides it.
pub const SECRET_TIMEOUT_SECS: u64 = 30;
pub const SECRET_TIMEOUT_VAR: &str = "FCALL_SECRET_TIMEOUT";
/// The most a `{ command }` may print: a secret is a line, not a file.
pub const SECRET_OUTPUT_LIMIT: usize = 64 << 10;

/// Run `command` with `/bin/sh -c` (by its absolute path: `sh` is not looked up in `PATH`)
/// and return its output without the final line break, or what went wrong (without the
/// command or its output). Its stdin is empty (fcall's own may be the payload) and its stderr
/// is the user's, so that its complaints can be seen. It runs in a process group of its own,
/// bounded in time (`timeout`) and output ([`SECRET_OUTPUT_LIMIT`]); on either, or on
/// Ctrl-C, the whole group is killed.
fn run_command(command: &str, timeout: std::time::Duration) -> Result<String, RunError> {
    let out = bounded::run(command, timeout)?;
    let mut text = String::from_utf8(out)
        .map_err(|_| RunError::Failed("printed something that is not text".to_string()))?;
    text.truncate(text.trim_end_matches(['\n', '\r']).len());
    if text.is_empty() {
        // a command that failed was reported as such: this one exited 0
        return Err(RunError::Failed("printed nothing (exit status: 0)".into()));
    }
    Ok(text)
}

/// How a secret command went wrong.
#[derive(Debug)]
enum RunError {
    Failed(String),
    Interrupted,
}

/// `FCALL_SECRET_TIMEOUT`, else the default; a value that is not a number of seconds from 1
/// to a day is an error naming it.
fn secret_timeout(env: &dyn Fn(&str) -> Option<String>) -> Result<std::time::Duration, String> {
    match env(SECRET_TIMEOUT_VAR).filter(|v| !v.is_empty()) {
        None => Ok(std::time::Duration::from_secs(SECRET_TIMEOUT_SECS)),
        Some(v) => match v.trim().parse::<u64>() {
            Ok(n) if (1..=86_400).contains(&n) => Ok(std::time::Duration::from_secs(n)),
            _ => Err(format!(
                "could not be run: {SECRET_TIMEOUT_VAR}={v:?} is not a number of seconds from 1 to 86400"
            )),
        },
    }
}

#[cfg(unix)]
mod bounded {
    use std::io::Read;
    use std::os::unix::process::CommandExt;
    use std::process::{Command, Stdio};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::{Duration, Instant};

    use super::{RunError, SECRET_OUTPUT_LIMIT};

    static INTERRUPTED: AtomicBool = AtomicBool::new(false);

    extern "C" fn on_signal(_: libc::c_int) {
        INTERRUPTED.store(true, Ordering::SeqCst);
    }

    /// SIGINT and SIGTERM set [`INTERRUPTED`] while this lives; the previous handlers come
    /// back when it is dropped.
    struct Catch {
        old: [(libc::c_int, libc::sigaction); 2],
    }

    impl Catch {
        fn new() -> Catch {
            INTERRUPTED.store(false, Ordering::SeqCst);
            let mut old = [
                (libc::SIGINT, unsafe { std::mem::zeroed() }),
                (libc::SIGTERM, unsafe { std::mem::zeroed() }),
            ];
            for (sig, prev) in old.iter_mut() {
                // SAFETY: a handler that only stores to an atomic is async-signal-safe
                unsafe {
                    let mut act: libc::sigaction = std::mem::zeroed();
                    act.sa_sigaction = on_signal as *const () as usize;
                    libc::sigemptyset(&mut act.sa_mask);
                    libc::sigaction(*sig, &act, prev);
                }
            }
            Catch { old }
        }
    }

    impl Drop for Catch {
        fn drop(&mut self) {
            for (sig, prev) in &self.old {
                // SAFETY: restores the action saved by `new`
                unsafe {
                    libc::sigaction(*sig, prev, std::ptr::null_mut());
                }
            }
        }
    }

    /// Kill the process group `pid` leads.
    fn kill_group(pid: u32) {
        // SAFETY: kill(2) with a negative pid signals that process group only
        unsafe {
            libc::kill(-(pid as libc::pid_t), libc::SIGKILL);
        }
    }

    pub(super) fn run(command: &str, timeout: Duration) -> Result<Vec<u8>, RunError> {
        let _catch = Catch::new();
        let mut child = Command::new("/bin/sh")
            .arg("-c")
            .arg(command)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .process_group(0)
            .spawn()
            .map_err(|e| RunError::Failed(format!("could not be started (/bin/sh: {e})")))?;
        let pid = child.id();
        let stop = |child: &mut std::process::Child, e: RunError| {
            kill_group(pid);
            let _ = child.wait();
            Err(e)
        };
        let Some(mut stdout) = child.stdout.take() else {
            return stop(&mut child, RunError::Failed("could not be read".into()));
        };
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let read = (&mut stdout)
                .take(SECRET_OUTPUT_LIMIT as u64 + 1)
                .read_to_end(&mut buf);
            let _ = tx.send(read.map(|_| buf));
        });
        let started = Instant::now();
        let (mut out, mut status) = (None, None);
        loop {
            if INTERRUPTED.load(Ordering::SeqCst) {
                return stop(&mut child, RunError::Interrupted);
            }
            if out.is_none() {
                match rx.try_recv() {
                    Ok(Ok(buf)) if buf.len() > SECRET_OUTPUT_LIMIT => {
                        let why = format!(
                            "printed more than {} KiB, more than a secret holds, and was stopped",
                            SECRET_OUTPUT_LIMIT >> 10
                        );
                        return stop(&mut child, RunError::Failed(why));
                    }
                    Ok(Ok(buf)) => out = Some(buf),
                    Ok(Err(e)) => {
                        return stop(
                            &mut child,
                            RunError::Failed(format!("could not be read ({e})")),
                        )
                    }
                    Err(_) => {}
                }
            }
            if status.is_none() {
                status = child.try_wait().ok().flatten();
                if status.is_some() {
                    // what it left running in its group (holding its output open) goes too
                    kill_group(pid);
                }
            }
            if let (Some(st), Some(_)) = (status, &out) {
                if !st.success() {
                    return Err(RunError::Failed(format!("failed ({st})")));
                }
                return Ok(out.unwrap_or_default());
            }
            if started.elapsed() >= timeout {
                let why = format!(
                    "did not finish within {} s and was stopped (raise the limit with {}=SECS)",
                    timeout.as_secs(),
                    super::SECRET_TIMEOUT_VAR
                );
                return stop(&mut child, RunError::Failed(why));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

#[cfg(not(unix))]
mod bounded {
    use super::RunError;

    pub(super) fn run(command: &str, _timeout: std::time::Duration) -> Result<Vec<u8>, RunError> {
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(command)
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::inherit())
            .output()
            .map_err(|e| RunError::Failed(format!("could not be started (sh: {e})")))?;
        if !out.status.success() {
            return Err(RunError::Failed(format!("failed ({})", out.status)));
        }
        Ok(out.stdout)
    }
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
        let too_much = r("yes leaked-output").unwrap_err().to_string();
        assert!(too_much.contains("more than 64 KiB"), "{too_much}");
        assert!(!too_much.contains("leaked"), "{too_much}");
        assert!(secret_timeout(&|_| Some("0".into())).is_err());
        assert!(secret_timeout(&|_| Some("1e9".into())).is_err());
        assert_eq!(
            secret_timeout(&|_| Some("7".into())).unwrap(),
            std::time::Duration::from_secs(7)
        );
        for (command, problem) in cases {
            let err = r(command).unwrap_err().to_string();
            assert!(err.contains("profile 'hw', key 'iam_password'"), "{err}");
            assert!(err.contains(problem), "{err}");
            for secret in ["leaked", "silent-command", "printf", "echo"] {
                assert!(!err.contains(secret), "{err}");
            }
        }
    }

    /// A command that outlives its limit is stopped with everything it started (its process
    /// group), and the message says how to raise the limit.
    #[cfg(unix)]
    #[test]
    fn a_slow_command_is_stopped_with_its_group() {
        let dir = tempfile::tempdir().unwrap();
        let pidfile = dir.path().join("pid");
        let command = format!("sleep 300 & echo $! > {}; wait", pidfile.display());
        let env = |k: &str| (k == SECRET_TIMEOUT_VAR).then(|| "1".to_string());
        let value = Value::Command { command };
        let err = resolve(&value, "hw", "token", &env)
            .unwrap_err()
            .to_string();
        assert!(err.contains("did not finish within 1 s"), "{err}");
        assert!(err.contains(SECRET_TIMEOUT_VAR), "{err}");
        let pid: i32 = std::fs::read_to_string(&pidfile)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert!(
            gone(pid),
            "the command's background process {pid} still runs"
        );
    }

    /// Whether `pid` has ended (gone, or a zombie waiting for init to reap it). The kill was
    /// sent before `resolve` returned; what is left is the kernel tearing the process down.
    #[cfg(unix)]
    fn gone(pid: i32) -> bool {
        for _ in 0..2000 {
            match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
                Err(_) => return true,
                Ok(stat)
                    if stat
                        .rsplit(')')
                        .next()
                        .is_some_and(|r| r.trim_start().starts_with('Z')) =>
                {
                    return true
                }
                Ok(_) => std::thread::sleep(std::time::Duration::from_millis(5)),
            }
        }
        false
    }

    #[cfg(unix)]
    #[test]
    fn a_config_others_may_write_is_not_trusted_with_secrets() {
        let (_dir, path) = new_config();
        add_profile(
            &path,
            "hw",
            "huawei",
            &[("region".into(), str_value("r"))],
            false,
        )
        .unwrap();
        chmod(&path, 0o666);
        let cfg = load(&path).unwrap();
        assert!(
            untrusted(&path, &cfg, &is_secret_key).is_none(),
            "nothing to run or lose"
        );
        add_profile(
            &path,
            "t",
            "huawei",
            &[(
                "token".into(),
                Value::Command {
                    command: "pass hw".into(),
                },
            )],
            false,
        )
        .unwrap();
        for mode in [0o620, 0o602, 0o666] {
            chmod(&path, mode);
            let cfg = load(&path).unwrap();
            let e = untrusted(&path, &cfg, &is_secret_key).unwrap().to_string();
            assert!(e.contains("chmod go-w"), "{e}");
            assert!(!e.contains("pass hw"), "{e}");
        }
        for mode in [0o600, 0o644, 0o400] {
            chmod(&path, mode);
            let cfg = load(&path).unwrap();
            assert!(untrusted(&path, &cfg, &is_secret_key).is_none(), "{mode:o}");
        }
    }
}
