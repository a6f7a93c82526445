//! Every change to the profiles file: [`edit`], a read-modify-write of the document
//! (comments and formatting kept) under an exclusive lock on the sibling `config.toml.lock`,
//! written to a private (0600) temporary file that is then renamed over the original. Two
//! `fcall profile` commands never lose each other's edits, and a crash never leaves a
//! half-written file. On top of it: [`add_profile`], [`remove_profile`], [`set_default`], the
//! `profile add` arguments ([`parse_assignment`]) and the `toml_edit` helpers that spell a
//! profile as TOML.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, InlineTable, Item, Table, TableLike};

use super::{io_error, parse_error, ConfigError, Value};

impl Value {
    /// The value as the file spells it.
    pub(super) fn to_toml(&self) -> toml_edit::Value {
        match self {
            Value::Str(s) => s.into(),
            Value::Bool(b) => (*b).into(),
            Value::Int(i) => (*i).into(),
            Value::List(items) => items.iter().collect::<toml_edit::Array>().into(),
            Value::Env { env } => reference("env", env),
            Value::Command { command } => reference("command", command),
        }
    }
}

/// `{ kind = "target" }`.
fn reference(kind: &str, target: &str) -> toml_edit::Value {
    let mut table = InlineTable::new();
    table.insert(kind, target.into());
    table.into()
}

/// Change the config at `path` with `f`, safely: under the lock on `<name>.lock`, written to a
/// private temporary file that is renamed over the original.
///
/// The parent directory is created (mode 0700) if missing. A file that is not valid TOML is
/// refused with a [`ConfigError::Parse`] and left as it is; so it is when `f` fails. When `path`
/// is a symbolic link, the file it points to is replaced and the link kept.
pub fn edit(
    path: &Path,
    f: impl FnOnce(&mut DocumentMut) -> Result<(), ConfigError>,
) -> Result<(), ConfigError> {
    let path = &follow_symlink(path)?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    create_private_dir(dir).map_err(|e| io_error("create directory", dir, e))?;
    let _lock = lock(path)?;
    remove_stale_temporaries(dir);

    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(io_error("read", path, e)),
    };
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| parse_error(path, &text, e.span(), e.message()))?;
    f(&mut doc)?;
    write_atomically(path, dir, doc.to_string().as_bytes())
}

/// The file a symbolic link points to, or `path` itself when it is not a link.
fn follow_symlink(path: &Path) -> Result<PathBuf, ConfigError> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            fs::canonicalize(path).map_err(|e| io_error("follow the link", path, e))
        }
        _ => Ok(path.to_path_buf()),
    }
}

/// Create `dir` and its missing parents, readable by the user only.
fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Take the exclusive advisory lock that serializes the edits of `path`, on the sibling file
/// `<name>.lock` (never deleted: removing a lock file races with its next user). The lock is
/// held until the returned file is dropped.
fn lock(path: &Path) -> Result<File, ConfigError> {
    let Some(name) = path.file_name() else {
        return Err(ConfigError::Structure {
            path: path.to_path_buf(),
            message: "not a file name: give a path such as ~/.config/fcall/config.toml".into(),
        });
    };
    let mut lock_name = name.to_os_string();
    lock_name.push(".lock");
    let lock_path = path.with_file_name(lock_name);

    let mut options = fs::OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options
        .open(&lock_path)
        .map_err(|e| io_error("open the lock file", &lock_path, e))?;
    file.lock().map_err(|e| io_error("lock", &lock_path, e))?;
    Ok(file)
}

/// Replace `path` (in `dir`) by `bytes`: write a temporary file in the same directory, flush it
/// to disk, rename it over `path`, and flush the directory so the rename survives a crash.
/// The prefix of the temporary copies [`write_atomically`] makes.
const TEMP_PREFIX: &str = ".fcall-config-";

/// Remove the temporary copies a writer killed before its rename left behind (they hold
/// the secrets of the config). Called with the lock held, so no writer is using one.
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let stale = entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX)
            && entry.file_type().is_ok_and(|t| t.is_file());
        if stale {
            let _ = fs::remove_file(entry.path());
        }
    }
}

fn write_atomically(path: &Path, dir: &Path, bytes: &[u8]) -> Result<(), ConfigError> {
    let write_error = |e| io_error("write", path, e);
    // On unix tempfile creates its files with mode 0600, so the secrets are never readable by
    // others, not even for a moment.
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(dir)
        .map_err(write_error)?;
    tmp.write_all(bytes).map_err(write_error)?;
    tmp.as_file().sync_all().map_err(write_error)?;
    tmp.persist(path).map_err(|e| write_error(e.error))?;
    sync_dir(dir).map_err(|e| io_error("sync directory", dir, e))
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> io::Result<()> {
    Ok(())
}

/// An implicit table: one that has no `[header]` of its own, like `profiles` above
/// `[profiles.hw]`.
pub(super) fn implicit_table() -> Table {
    let mut table = Table::new();
    table.set_implicit(true);
    table
}

/// The document's `profiles` table, created when missing.
fn profiles_mut<'d>(
    doc: &'d mut DocumentMut,
    path: &Path,
) -> Result<&'d mut dyn TableLike, ConfigError> {
    doc.entry("profiles")
        .or_insert_with(|| Item::Table(implicit_table()))
        .as_table_like_mut()
        .ok_or_else(|| ConfigError::Structure {
            path: path.to_path_buf(),
            message:
                "'profiles' is not a table: fix the file, e.g. make it [profiles.NAME] sections"
                    .into(),
        })
}

/// A [`ConfigError::UnknownProfile`] for a document's `profiles` table.
fn unknown_in(path: &Path, name: &str, profiles: &dyn TableLike) -> ConfigError {
    ConfigError::UnknownProfile {
        path: path.to_path_buf(),
        name: name.to_string(),
        known: profiles.iter().map(|(k, _)| k.to_string()).collect(),
    }
}

/// Set `default_profile`, keeping the comment that may follow the old value.
fn set_default_profile(doc: &mut DocumentMut, name: &str) {
    match doc.get_mut("default_profile").and_then(Item::as_value_mut) {
        Some(value) => {
            let decor = value.decor().clone();
            *value = name.into();
            *value.decor_mut() = decor;
        }
        None => {
            doc.insert("default_profile", toml_edit::value(name));
        }
    }
}

/// A profile as a table: `provider` first, then the values in the order given.
pub(super) fn profile_table<'v>(
    provider: &str,
    values: impl Iterator<Item = (&'v str, toml_edit::Value)>,
) -> Table {
    let mut table = Table::new();
    table.insert("provider", toml_edit::value(provider));
    for (key, value) in values {
        table.insert(key, Item::Value(value));
    }
    table
}

/// Add the profile `name`, or replace it when `replace` (`--force`); otherwise an existing
/// profile of that name is an error. The first profile added becomes the default; a later
/// one never does by itself.
pub fn add_profile(
    path: &Path,
    name: &str,
    provider: &str,
    values: &[(String, Value)],
    replace: bool,
) -> Result<(), ConfigError> {
    check_new_profile(name, provider, values)?;
    let mut table = profile_table(
        provider,
        values.iter().map(|(k, v)| (k.as_str(), v.to_toml())),
    );
    edit(path, |doc| {
        let profiles = profiles_mut(doc, path)?;
        match profiles.get(name) {
            Some(_) if !replace => {
                return Err(ConfigError::ProfileExists {
                    path: path.to_path_buf(),
                    name: name.to_string(),
                })
            }
            // Replace in place, keeping the comment above the old header.
            Some(Item::Table(old)) => {
                *table.decor_mut() = old.decor().clone();
                if let Some(position) = old.position() {
                    table.set_position(position);
                }
            }
            _ => {}
        }
        // the first profile becomes the default; with others and no default, the choice
        // stays the user's (an only profile was the default by being the only one)
        let first = profiles.iter().all(|(k, _)| k == name);
        profiles.insert(name, Item::Table(table));
        let has_default = doc
            .get("default_profile")
            .and_then(Item::as_str)
            .is_some_and(|d| !d.is_empty());
        if !has_default && first {
            set_default_profile(doc, name);
        }
        Ok(())
    })
}

/// Check a profile before adding it: a name that is easy to type, a provider, valid keys given
/// once each (`provider` excepted), and values that refer to something.
fn check_new_profile(
    name: &str,
    provider: &str,
    values: &[(String, Value)],
) -> Result<(), ConfigError> {
    let bad = |message: String| ConfigError::BadProfile {
        name: name.to_string(),
        message,
    };
    let mut chars = name.chars();
    let name_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !name_ok {
        return Err(bad(
            "a profile name is letters, digits, '-' and '_', starting with a letter or digit"
                .into(),
        ));
    }
    if provider.is_empty() {
        return Err(bad(
            "the provider is empty: pass --provider, e.g. --provider huawei".into(),
        ));
    }
    for (i, (key, value)) in values.iter().enumerate() {
        if key == "provider" {
            return Err(bad("give the provider with --provider, not as a key".into()));
        }
        if !is_key(key) {
            return Err(bad(format!(
                "'{key}' is not a key: keys are lower-case letters, digits and '_', starting with a letter"
            )));
        }
        if values[..i].iter().any(|(k, _)| k == key) {
            return Err(bad(format!("'{key}' is given twice")));
        }
        if let Some(problem) = value.problem() {
            return Err(bad(format!("'{key}': {problem}")));
        }
    }
    Ok(())
}

/// Set `values` and remove the `unset` keys of the existing profile `name`, in place: its
/// comments, its other keys and their order stay.
pub fn update_profile(
    path: &Path,
    name: &str,
    values: &[(String, Value)],
    unset: &[String],
) -> Result<(), ConfigError> {
    let bad = |message: String| ConfigError::BadProfile {
        name: name.to_string(),
        message,
    };
    for (key, value) in values {
        if key == "provider" {
            return Err(bad(
                "the provider is set by `profile add --force`, not as a key".into(),
            ));
        }
        if let Some(problem) = value.problem() {
            return Err(bad(format!("'{key}': {problem}")));
        }
    }
    edit(path, |doc| {
        let profiles = profiles_mut(doc, path)?;
        if !profiles.contains_key(name) {
            return Err(unknown_in(path, name, profiles));
        }
        let Some(Item::Table(table)) = profiles.get_mut(name) else {
            return Err(bad("it is not a table: fix the file by hand".into()));
        };
        for (key, value) in values {
            match table.get_mut(key) {
                Some(Item::Value(v)) => {
                    let decor = v.decor().clone();
                    *v = value.to_toml();
                    *v.decor_mut() = decor;
                }
                _ => {
                    table.insert(key, Item::Value(value.to_toml()));
                }
            }
        }
        for key in unset {
            if table.remove(key).is_none() {
                return Err(bad(format!("'{key}' is not set in it")));
            }
        }
        Ok(())
    })
}

/// Remove the profile `name`, and the default if it was this profile.
pub fn remove_profile(path: &Path, name: &str) -> Result<(), ConfigError> {
    edit(path, |doc| {
        let profiles = profiles_mut(doc, path)?;
        if profiles.remove(name).is_none() {
            return Err(unknown_in(path, name, profiles));
        }
        if doc.get("default_profile").and_then(Item::as_str) == Some(name) {
            doc.remove("default_profile");
        }
        Ok(())
    })
}

/// Make the existing profile `name` the default.
pub fn set_default(path: &Path, name: &str) -> Result<(), ConfigError> {
    edit(path, |doc| {
        let profiles = profiles_mut(doc, path)?;
        if !profiles.contains_key(name) {
            return Err(unknown_in(path, name, profiles));
        }
        set_default_profile(doc, name);
        Ok(())
    })
}

/// Parse a `profile add` argument:
///
/// - `key=value`: a literal; `true` and `false` are booleans, `[a,b]` an array of strings, and
///   anything else (digits too: account ids are strings) a string;
/// - `key@env=VARIABLE`: the value of an environment variable, read when needed;
/// - `key@command=COMMAND`: the output of a shell command, run when needed.
///
/// Keys are `[a-z][a-z0-9_]*`. Errors do not repeat a literal value: it may be a secret.
pub fn parse_assignment(arg: &str) -> Result<(String, Value), ConfigError> {
    let Some((target, raw)) = arg.split_once('=') else {
        return Err(ConfigError::BadAssignment {
            arg: arg.to_string(),
            message: "missing '='".into(),
        });
    };
    let bad = |message: &str| ConfigError::BadAssignment {
        arg: if raw.is_empty() {
            format!("{target}=")
        } else {
            format!("{target}=…")
        },
        message: message.to_string(),
    };
    let (key, source) = match target.split_once('@') {
        Some((key, source)) => (key, Some(source)),
        None => (target, None),
    };
    if !is_key(key) {
        return Err(bad(&format!(
            "'{key}' is not a key: keys are lower-case letters, digits and '_', starting with a letter"
        )));
    }
    let value = match source {
        None => parse_literal(raw).map_err(bad)?,
        Some("env") if is_env_name(raw) => Value::Env { env: raw.into() },
        Some("env") => {
            return Err(bad(
                "after '@env=' give a variable name (letters, digits and '_')",
            ))
        }
        Some("command") if !raw.trim().is_empty() => Value::Command {
            command: raw.into(),
        },
        Some("command") => return Err(bad("after '@command=' give a command")),
        Some(other) => {
            return Err(bad(&format!(
                "unknown source '@{other}': use @env or @command"
            )))
        }
    };
    Ok((key.to_string(), value))
}

/// The literal value of a `key=value` argument.
fn parse_literal(raw: &str) -> Result<Value, &'static str> {
    match raw {
        "" => Err("the value is empty"),
        "true" => Ok(Value::Bool(true)),
        "false" => Ok(Value::Bool(false)),
        _ => match raw.strip_prefix('[').and_then(|r| r.strip_suffix(']')) {
            None => Ok(Value::Str(raw.to_string())),
            Some(inner) if inner.trim().is_empty() => Ok(Value::List(Vec::new())),
            Some(inner) => inner
                .split(',')
                .map(|item| {
                    Some(item.trim())
                        .filter(|i| !i.is_empty())
                        .map(String::from)
                })
                .collect::<Option<Vec<_>>>()
                .map(Value::List)
                .ok_or("the list has an empty item"),
        },
    }
}

/// `[a-z][a-z0-9_]*`
fn is_key(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// `[A-Za-z_][A-Za-z0-9_]*`
fn is_env_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::load;
    use crate::config::test_support::*;

    #[test]
    fn a_later_profile_never_becomes_the_default_by_itself() {
        let (_dir, path) = new_config();
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, "[profiles.only]\nprovider = \"huawei\"\n").unwrap();
        // a copy a killed writer left behind
        let stale = path.with_file_name(".fcall-config-dead1");
        fs::write(&stale, "secret = 1").unwrap();
        add_profile(&path, "new", "huawei", &[], false).unwrap();
        assert_eq!(load(&path).unwrap().default_profile, None);
        assert!(!stale.exists(), "the stale temporary copy is removed");
    }

    #[test]
    fn round_trip_add_list_default_remove() {
        let (_dir, path) = new_config();
        let hw_values = vec![
            ("region".to_string(), str_value("cn-north-4")),
            (
                "secret_key".to_string(),
                Value::Env {
                    env: "HW_SK".into(),
                },
            ),
            ("internal".to_string(), Value::Bool(true)),
            ("scopes".to_string(), Value::List(vec!["function".into()])),
        ];
        add_profile(&path, "hw", "huawei", &hw_values, false).unwrap();
        add_profile(&path, "ali", "aliyun", &[], false).unwrap();

        let cfg = load(&path).unwrap();
        assert_eq!(
            cfg.default_profile.as_deref(),
            Some("hw"),
            "the first profile is the default"
        );
        assert_eq!(cfg.profiles.keys().collect::<Vec<_>>(), ["ali", "hw"]);
        let hw = cfg.profile("hw").unwrap();
        assert_eq!(hw.provider, "huawei");
        assert_eq!(hw.values, hw_values.into_iter().collect());
        assert!(cfg.profile("ali").unwrap().values.is_empty());

        set_default(&path, "ali").unwrap();
        assert_eq!(load(&path).unwrap().default_profile.as_deref(), Some("ali"));

        let err = add_profile(&path, "hw", "huawei", &[], false).unwrap_err();
        assert!(matches!(err, ConfigError::ProfileExists { .. }));
        assert!(err.to_string().contains("--force"), "{err}");
        let region = [("region".to_string(), str_value("ap-southeast-1"))];
        add_profile(&path, "hw", "huawei", &region, true).unwrap();
        let hw = load(&path).unwrap().profiles["hw"].clone();
        assert_eq!(hw.values, region.into_iter().collect());

        remove_profile(&path, "ali").unwrap();
        let cfg = load(&path).unwrap();
        assert_eq!(
            cfg.default_profile, None,
            "the default went with its profile"
        );
        assert_eq!(cfg.profiles.keys().collect::<Vec<_>>(), ["hw"]);

        for err in [remove_profile(&path, "ali"), set_default(&path, "ali")] {
            let err = err.unwrap_err();
            assert!(matches!(err, ConfigError::UnknownProfile { .. }), "{err}");
            assert!(err.to_string().contains("known profiles: hw"), "{err}");
        }
    }

    #[test]
    fn add_profile_rejects_bad_names_and_keys_without_writing() {
        let (_dir, path) = new_config();
        let region = || ("region".to_string(), str_value("x"));
        let cases = [
            ("a b", "huawei", vec![], "profile name"),
            ("", "huawei", vec![], "profile name"),
            ("hw", "", vec![], "--provider"),
            (
                "hw",
                "huawei",
                vec![("provider".into(), str_value("x"))],
                "--provider",
            ),
            (
                "hw",
                "huawei",
                vec![region(), region()],
                "'region' is given twice",
            ),
            (
                "hw",
                "huawei",
                vec![("Region".into(), str_value("x"))],
                "'Region' is not a key",
            ),
        ];
        for (name, provider, values, expected) in cases {
            let err = add_profile(&path, name, provider, &values, false).unwrap_err();
            assert!(matches!(err, ConfigError::BadProfile { .. }), "{err}");
            assert!(err.to_string().contains(expected), "{err}");
        }
        assert!(!path.exists());
    }

    #[test]
    fn edits_keep_comments_and_formatting() {
        let (_dir, path) = new_config();
        let original = r#"# my clouds
default_profile = "hw" # the usual one

# production account
[profiles.hw]
provider = "huawei"
region   = "cn-north-4"   # aligned on purpose

# test account
[profiles.old]
provider = "huawei"
"#;
        write(&path, original);
        add_profile(
            &path,
            "ali",
            "aliyun",
            &[("region".into(), str_value("cn-hangzhou"))],
            false,
        )
        .unwrap();
        set_default(&path, "ali").unwrap();
        remove_profile(&path, "old").unwrap();
        add_profile(
            &path,
            "hw",
            "huawei",
            &[("region".into(), str_value("x"))],
            true,
        )
        .unwrap();

        let text = fs::read_to_string(&path).unwrap();
        assert_eq!(
            text,
            r#"# my clouds
default_profile = "ali" # the usual one

# production account
[profiles.hw]
provider = "huawei"
region = "x"

[profiles.ali]
provider = "aliyun"
region = "cn-hangzhou"
"#
        );
    }

    #[test]
    fn a_new_file_reads_well() {
        let (_dir, path) = new_config();
        let values = [
            ("region".to_string(), str_value("cn-north-4")),
            (
                "secret_key".to_string(),
                Value::Command {
                    command: "pass show hw/sk".into(),
                },
            ),
        ];
        add_profile(&path, "hw", "huawei", &values, false).unwrap();
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            r#"default_profile = "hw"

[profiles.hw]
provider = "huawei"
region = "cn-north-4"
secret_key = { command = "pass show hw/sk" }
"#
        );
    }

    #[cfg(unix)]
    #[test]
    fn writing_creates_a_private_directory_and_a_private_file() {
        let (_dir, path) = new_config();
        add_profile(
            &path,
            "hw",
            "huawei",
            &[("token".into(), str_value("t"))],
            false,
        )
        .unwrap();
        assert_eq!(mode(path.parent().unwrap()), 0o700);
        assert_eq!(mode(&path), 0o600);
        assert!(path.with_file_name("config.toml.lock").exists());

        // a file others could read becomes private on the next write
        chmod(&path, 0o644);
        set_default(&path, "hw").unwrap();
        assert_eq!(mode(&path), 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn editing_through_a_symlink_replaces_its_target() {
        let (dir, path) = new_config();
        let target = dir.path().join("dotfiles").join("fcall.toml");
        write(&target, "");
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&target, &path).unwrap();
        add_profile(&path, "hw", "huawei", &[], false).unwrap();
        assert!(fs::symlink_metadata(&path)
            .unwrap()
            .file_type()
            .is_symlink());
        assert!(load(&target).unwrap().profiles.contains_key("hw"));
    }

    #[test]
    fn parse_assignment_accepts_every_form() {
        let cases = [
            ("region=cn-north-4", "region", str_value("cn-north-4")),
            (
                "account_id=1234567890",
                "account_id",
                str_value("1234567890"),
            ),
            ("cmd=a=b", "cmd", str_value("a=b")),
            ("internal=true", "internal", Value::Bool(true)),
            ("internal=false", "internal", Value::Bool(false)),
            (
                "scopes=[function, iot]",
                "scopes",
                Value::List(vec!["function".into(), "iot".into()]),
            ),
            ("scopes=[]", "scopes", Value::List(vec![])),
            (
                "secret_key@env=HUAWEICLOUD_SDK_SK",
                "secret_key",
                Value::Env {
                    env: "HUAWEICLOUD_SDK_SK".into(),
                },
            ),
            (
                "client_secret@command=pass show a=b",
                "client_secret",
                Value::Command {
                    command: "pass show a=b".into(),
                },
            ),
        ];
        for (arg, key, value) in cases {
            assert_eq!(
                parse_assignment(arg).unwrap(),
                (key.to_string(), value),
                "{arg}"
            );
        }
    }

    #[test]
    fn parse_assignment_explains_bad_forms_without_echoing_values() {
        let cases = [
            ("region", "'region': missing '='"),
            ("=x", "'=…': '' is not a key"),
            ("Token=hunter2", "'Token=…': 'Token' is not a key"),
            ("9lives=x", "'9lives=…': '9lives' is not a key"),
            ("token=", "'token=': the value is empty"),
            ("scopes=[a,,b]", "the list has an empty item"),
            ("sk@env=", "after '@env=' give a variable name"),
            ("sk@env=NOT-A-NAME", "after '@env=' give a variable name"),
            ("sk@command= ", "after '@command=' give a command"),
            ("sk@file=/x", "unknown source '@file'"),
        ];
        for (arg, expected) in cases {
            let err = parse_assignment(arg).unwrap_err();
            assert!(matches!(err, ConfigError::BadAssignment { .. }));
            let err = err.to_string();
            assert!(err.contains(expected), "{arg}: {err}");
            assert!(err.contains("KEY@env=VARIABLE"), "{arg}: {err}");
            assert!(!err.contains("hunter2"), "{arg}: {err}");
        }
    }

    #[test]
    fn concurrent_writers_lose_nothing() {
        let (_dir, path) = new_config();
        let threads: Vec<_> = (0..20)
            .map(|i| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let values = [("region".to_string(), str_value(&format!("r{i}")))];
                    add_profile(&path, &format!("p{i}"), "huawei", &values, false)
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap().unwrap();
        }
        let cfg = load(&path).unwrap();
        assert_eq!(cfg.profiles.len(), 20);
        for i in 0..20 {
            let p = cfg.profile(&format!("p{i}")).unwrap();
            assert_eq!(p.values["region"], str_value(&format!("r{i}")));
        }
        assert!(cfg.default_profile.is_some());
    }
}
