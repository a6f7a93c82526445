//! The profiles file: where it lives, loading and checking it, editing it safely, and resolving
//! the values it holds.
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
//! Reading is [`load`]. Every change goes through [`edit`]: a read-modify-write of the document
//! (comments and formatting kept) under an exclusive lock on the sibling `config.toml.lock`,
//! written to a private (0600) temporary file that is then renamed over the original. Two
//! `fcall profile` commands never lose each other's edits, and a crash never leaves a half-written
//! file.
//!
//! Secrets are kept out of sight: [`render_masked`] hides literal secrets, [`permission_warning`]
//! flags a file others can read, and the errors of [`resolve`] never include a secret command's
//! text or output.

use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;
use toml::Spanned;
use toml_edit::{DocumentMut, InlineTable, Item, Table, TableLike};

/// Keys whose literal values are secrets.
const SECRET_KEYS: &[&str] = &[
    "token",
    "secret_key",
    "security_token",
    "iam_password",
    "access_key_secret",
    "client_secret",
    "password",
    "secret_access_key",
    "session_token",
];

/// The forms of a `profile add` argument, shown in its errors.
const ASSIGNMENT_FORMS: &str =
    "KEY=VALUE, KEY=true|false, KEY=[A,B], KEY@env=VARIABLE or KEY@command=COMMAND";

/// The shapes a profile value may take, shown in load errors.
const VALUE_SHAPES: &str = "a string, true/false, an integer, an array of strings, \
     { env = \"VARIABLE\" } or { command = \"COMMAND\" }";

/// What a literal secret looks like in `profile show`.
const MASK: &str = "****";

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

    /// The value as the file spells it.
    fn to_toml(&self) -> toml_edit::Value {
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
fn line_col(text: &str, offset: usize) -> (usize, usize) {
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

/// Change the config at `path` with `f`, safely: see the [module documentation](self).
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
fn write_atomically(path: &Path, dir: &Path, bytes: &[u8]) -> Result<(), ConfigError> {
    let write_error = |e| io_error("write", path, e);
    // On unix tempfile creates its files with mode 0600, so the secrets are never readable by
    // others, not even for a moment.
    let mut tmp = tempfile::Builder::new()
        .prefix(".fcall-config-")
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
fn implicit_table() -> Table {
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
fn profile_table<'v>(
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
/// profile of that name is an error. The first profile added becomes the default.
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
        profiles.insert(name, Item::Table(table));
        let has_default = doc
            .get("default_profile")
            .and_then(Item::as_str)
            .is_some_and(|d| !d.is_empty());
        if !has_default {
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

/// Whether the values of `key` are secrets.
pub fn is_secret_key(key: &str) -> bool {
    SECRET_KEYS.contains(&key)
}

/// Whether `value`, under `key`, is a secret written in the file itself.
fn is_literal_secret(key: &str, value: &Value) -> bool {
    is_secret_key(key) && value.is_literal()
}

/// A profile as TOML, for `profile show`: literal secrets are replaced by `"****"`; env and
/// command references stay visible, they are not secrets.
pub fn render_masked(p: &Profile) -> String {
    let values = p.values.iter().map(|(key, value)| {
        let shown = if is_literal_secret(key, value) {
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
pub fn permission_warning(path: &Path, cfg: &Config) -> Option<String> {
    let (profile, key) = cfg.profiles.values().find_map(|p| {
        p.values
            .iter()
            .find(|(key, value)| is_literal_secret(key, value))
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
    let mode = fs::metadata(path).ok()?.permissions().mode() & 0o777;
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

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn str_value(s: &str) -> Value {
        Value::Str(s.to_string())
    }

    /// A config path in a directory that does not exist yet.
    fn new_config() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fcall").join("config.toml");
        (dir, path)
    }

    fn write(path: &Path, text: &str) {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[cfg(unix)]
    fn chmod(path: &Path, mode: u32) {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
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
    fn secret_keys() {
        for key in SECRET_KEYS {
            assert!(is_secret_key(key));
        }
        for key in [
            "region",
            "access_key",
            "access_key_id",
            "client_id",
            "tokens",
        ] {
            assert!(!is_secret_key(key), "{key}");
        }
    }

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
            render_masked(&p),
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
        assert_eq!(permission_warning(&path, &cfg), None, "0600");

        chmod(&path, 0o644);
        let warning = permission_warning(&path, &cfg).expect("a warning");
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
        assert_eq!(permission_warning(&path, &load(&path).unwrap()), None);
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
