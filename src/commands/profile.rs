//! `fcall profile add|set|unset|list|show|remove|default`.

use std::io::IsTerminal;

use super::{write_stdout, Ctx};
use crate::cli::{OutputFormat, ProfileCommand};
use crate::config::{self, Config, Profile, Value};
use crate::error::{Error, Result};
use crate::providers::{self, registry, ProviderSpec};

pub fn run(ctx: &Ctx, cmd: ProfileCommand) -> Result<u8> {
    let path = ctx.config_path()?;
    match cmd {
        ProfileCommand::Add {
            name,
            provider,
            force,
            values,
        } => add(ctx, &path, &name, provider, force, &values),
        ProfileCommand::List { output } => {
            let cfg = ctx.load_config()?;
            if cfg.profiles.is_empty() && output == OutputFormat::Human {
                eprintln!(
                    "no profiles in {}: add one with `fcall profile add NAME --provider PROVIDER KEY=VALUE...` (see `fcall profile add --help`)",
                    path.display()
                );
            }
            write_stdout(list(&cfg, output, std::io::stdout().is_terminal()).as_bytes())?;
            Ok(0)
        }
        ProfileCommand::Set { name, values } => {
            let cfg = ctx.load_config()?;
            let mut profile = cfg.profile(&name)?.clone();
            let parsed = assignments(&profile.provider, &values)?;
            profile.values.extend(parsed.iter().cloned());
            check_usable(&profile, &Edit::Set)?;
            config::update_profile(&path, &name, &parsed, &[])?;
            eprintln!("updated profile '{name}' in {}", path.display());
            Ok(0)
        }
        ProfileCommand::Unset { name, keys } => {
            let cfg = ctx.load_config()?;
            let mut profile = cfg.profile(&name)?.clone();
            for key in &keys {
                profile.values.remove(key);
            }
            check_usable(&profile, &Edit::Unset(&keys))?;
            config::update_profile(&path, &name, &[], &keys)?;
            eprintln!("updated profile '{name}' in {}", path.display());
            Ok(0)
        }
        ProfileCommand::Show { name, resolve } => {
            let cfg = ctx.load_config()?;
            let p = cfg.profile(&name)?;
            let mut text = config::render_masked(p, &providers::registry::is_secret_key);
            if resolve {
                text.push_str(&super::profile_import::resolved(p, &crate::env::process)?);
            }
            write_stdout(text.as_bytes())?;
            Ok(0)
        }
        ProfileCommand::Import {
            names,
            all,
            provider,
            prefix,
            force,
        } => {
            let args = super::profile_import::Import {
                names: &names,
                all,
                provider: provider.as_deref(),
                prefix: &prefix,
                force,
            };
            super::profile_import::run(&path, &args, &crate::env::process)
        }
        ProfileCommand::Remove { name } => {
            config::remove_profile(&path, &name)?;
            eprintln!("removed profile '{name}' from {}", path.display());
            Ok(0)
        }
        ProfileCommand::Default { name } => {
            config::set_default(&path, &name)?;
            eprintln!("default profile is now '{name}'");
            Ok(0)
        }
    }
}

/// `profile add`: from the command line's keys, or on a terminal without keys, asked for.
fn add(
    ctx: &Ctx,
    path: &std::path::Path,
    name: &str,
    provider: Option<String>,
    force: bool,
    values: &[String],
) -> Result<u8> {
    refuse_existing(path, name, force)?;
    let (provider, parsed) = match provider {
        _ if values.is_empty() && super::setup::can_prompt() => {
            let spec = provider.as_deref().map(registry::find).transpose()?;
            let check = |p: &Profile| check_usable(p, &Edit::Add);
            let mut terminal = super::setup::Terminal::new(ctx.color);
            let (spec, parsed) = super::setup::interview(&mut terminal, name, spec, &check)?;
            (spec.key.to_string(), parsed)
        }
        None => return Err(no_provider(name)),
        Some(provider) => {
            let parsed = assignments(&provider, values)?;
            let profile = Profile {
                name: name.to_string(),
                provider: provider.clone(),
                values: parsed.iter().cloned().collect(),
            };
            check_usable(&profile, &Edit::Add)?;
            (provider, parsed)
        }
    };
    config::add_profile(path, name, &provider, &parsed, force)?;
    eprintln!("saved profile '{name}' ({provider}) in {}", path.display());
    Ok(0)
}

/// `profile add` without `--force` for a name that is taken: said before anything is asked
/// or checked (a config that does not parse is said here too).
fn refuse_existing(path: &std::path::Path, name: &str, force: bool) -> Result<()> {
    let cfg = config::load(path)?;
    if !force && cfg.profiles.contains_key(name) {
        return Err(config::ConfigError::ProfileExists {
            path: path.to_path_buf(),
            name: name.to_string(),
        }
        .into());
    }
    Ok(())
}

/// `profile add NAME` without a provider where nobody can be asked for one.
fn no_provider(name: &str) -> Error {
    let names: Vec<&str> = providers::PROVIDERS.iter().map(|p| p.key).collect();
    Error::Usage(format!(
        "profile add {name}: give --provider ({}) and its keys, e.g. `fcall profile add {name} --provider huawei region=cn-north-4 project_id=ID token@env=HW_TOKEN` (`fcall profile add --help` lists every key; on a terminal, `fcall profile add {name}` asks for them)",
        names.join(", ")
    ))
}

/// The edit a profile is checked for, which names the fix.
enum Edit<'a> {
    Add,
    Set,
    Unset(&'a [String]),
}

impl Edit<'_> {
    /// How to give `keys` in this edit.
    fn fix(&self, p: &Profile, keys: &[&str]) -> String {
        let example: Vec<String> = keys.iter().map(|k| format!("{k}=VALUE")).collect();
        let them = if keys.len() == 1 { "it" } else { "them" };
        match self {
            Edit::Add => format!(
                "give {them} too, e.g. `fcall profile add {} --provider {} … {}`",
                p.name,
                p.provider,
                example.join(" ")
            ),
            Edit::Set => format!(
                "set {them} too, e.g. `fcall profile set {} {}`",
                p.name,
                example.join(" ")
            ),
            Edit::Unset(gone) if keys.iter().any(|k| gone.iter().any(|g| g == k)) => {
                format!("keep {them} (or set what replaces {them} first, with `fcall profile set`)")
            }
            Edit::Unset(_) => format!(
                "set {them} first, e.g. `fcall profile set {} {}`",
                p.name,
                example.join(" ")
            ),
        }
    }
}

/// Refuse (exit 2) to write a profile fcall could not use: one that lacks a key its provider
/// requires (a variable that stands in for the key counts when it is set), or that the
/// provider's own construction refuses, in this environment, with every `@env`/`@command`
/// reference taken as given (they are neither read nor run here).
fn check_usable(p: &Profile, edit: &Edit) -> Result<()> {
    let spec = registry::find(&p.provider)?;
    let set = |v: &&str| super::process_env(v).is_some_and(|x| !x.is_empty());
    let missing: Vec<&str> = spec
        .keys
        .iter()
        .filter(|k| k.required && !p.values.contains_key(k.name) && !k.env.iter().any(set))
        .map(|k| k.name)
        .collect();
    if !missing.is_empty() {
        return Err(lacks(spec, p, &missing, edit));
    }
    let probe = Profile {
        values: p
            .values
            .iter()
            .map(|(k, v)| (k.clone(), stand_in(spec, k, v)))
            .collect(),
        ..p.clone()
    };
    match registry::from_profile(&probe, &super::process_env) {
        Ok(_) => Ok(()),
        Err(Error::Interrupted) => Err(Error::Interrupted),
        Err(e) => {
            let text = e.to_string();
            // "profile 'x' has no 'KEY' (…): add it with …": one key the mode needs
            let named = text
                .split_once("has no '")
                .and_then(|(_, rest)| rest.split_once('\''))
                .map(|(key, _)| key)
                .filter(|key| spec.key(key).is_some());
            match named {
                Some(key) => Err(lacks(spec, p, &[key], edit)),
                None => Err(Error::Usage(format!(
                    "cannot save profile '{}': {text}",
                    p.name
                ))),
            }
        }
    }
}

/// `profile 'hw' lacks region, project_id (FunctionGraph needs them): give them too, e.g. …`
fn lacks(spec: &ProviderSpec, p: &Profile, keys: &[&str], edit: &Edit) -> Error {
    let what: Vec<String> = keys
        .iter()
        .map(
            |k| match spec.key(k).map(|key| key.env).unwrap_or_default() {
                [] => k.to_string(),
                vars => format!("{k} (or ${})", vars.join(", $")),
            },
        )
        .collect();
    Error::Usage(format!(
        "profile '{}' lacks {}, which {} needs: {} (KEY=VALUE, KEY@env=VAR or KEY@command=CMD)",
        p.name,
        what.join(", "),
        spec.product,
        edit.fix(p, keys)
    ))
}

/// What an `@env`/`@command` reference stands for in the check: a value of the right shape
/// (a URL for an endpoint, the emulator profile's for a key it sets), never read or run.
fn stand_in(spec: &ProviderSpec, key: &str, value: &Value) -> Value {
    if !matches!(value, Value::Env { .. } | Value::Command { .. }) {
        return value.clone();
    }
    const URL: &str = "https://placeholder.invalid";
    let filled = registry::emulator_values(spec, &|name| {
        Some(if name == "url" { URL } else { "placeholder" }.to_string())
    });
    match filled.into_iter().find(|(k, _)| k == key) {
        Some((_, v)) => Value::Str(v),
        None if key.ends_with("endpoint") => Value::Str(URL.into()),
        None => Value::Str("placeholder".into()),
    }
}

/// `KEY=VALUE` arguments, each a key of `provider`'s row.
fn assignments(provider: &str, values: &[String]) -> Result<Vec<(String, Value)>> {
    let spec = providers::registry::find(provider)?;
    values
        .iter()
        .map(|v| {
            let (key, value) =
                config::parse_assignment(v).map_err(|e| Error::Usage(e.to_string()))?;
            if spec.key(&key).is_none() {
                let known: Vec<&str> = spec.keys.iter().map(|k| k.name).collect();
                return Err(Error::Usage(format!(
                    "'{key}' is not a profile key for provider {provider}: use one of {}",
                    known.join(", ")
                )));
            }
            Ok((key, value))
        })
        .collect()
}

/// A profile's literal value of `key`, for the list (references are not resolved).
fn literal(p: &config::Profile, key: &str) -> Option<String> {
    match p.values.get(key)? {
        Value::Str(s) => Some(s.clone()),
        _ => None,
    }
}

/// `profile list`: JSON, aligned columns on a terminal, or `* NAME<TAB>PROVIDER` piped.
fn list(cfg: &Config, output: OutputFormat, tty: bool) -> String {
    let rows: Vec<crate::output::ProfileLine> = cfg
        .profiles
        .iter()
        .map(|(name, p)| crate::output::ProfileLine {
            name: name.clone(),
            provider: p.provider.clone(),
            default: cfg.default_profile.as_deref() == Some(name),
            region: literal(p, "region"),
            endpoint: literal(p, "endpoint"),
        })
        .collect();
    let mark = |r: &crate::output::ProfileLine| if r.default { "*" } else { " " };
    match (output, tty) {
        (OutputFormat::Json, _) => {
            let mut s = serde_json::to_string(&rows).unwrap_or_else(|_| "[]".into());
            s.push('\n');
            s
        }
        (OutputFormat::Human, false) => rows
            .iter()
            .map(|r| format!("{} {}\t{}\n", mark(r), r.name, r.provider))
            .collect(),
        (OutputFormat::Human, true) => {
            let w = |f: &dyn Fn(&crate::output::ProfileLine) -> usize, title: usize| {
                rows.iter().map(f).max().unwrap_or(0).max(title)
            };
            let (wn, wp) = (w(&|r| r.name.len(), 4), w(&|r| r.provider.len(), 8));
            let mut s = format!("  {:wn$}  {:wp$}  REGION / ENDPOINT\n", "NAME", "PROVIDER");
            for r in &rows {
                let place = match (&r.region, &r.endpoint) {
                    (Some(g), Some(e)) => format!("{g} · {e}"),
                    (Some(x), None) | (None, Some(x)) => x.clone(),
                    (None, None) => "-".into(),
                };
                s.push_str(&format!(
                    "{} {:wn$}  {:wp$}  {place}\n",
                    mark(r),
                    r.name,
                    r.provider
                ));
            }
            s
        }
    }
}
