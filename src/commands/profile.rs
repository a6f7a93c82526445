//! `fcall profile add|set|unset|list|show|remove|default`.

use std::io::IsTerminal;

use super::{write_stdout, Ctx};
use crate::cli::{OutputFormat, ProfileCommand};
use crate::config::{self, Config, Value};
use crate::error::{Error, Result};
use crate::providers;

pub fn run(ctx: &Ctx, cmd: ProfileCommand) -> Result<u8> {
    let path = ctx.config_path()?;
    match cmd {
        ProfileCommand::Add {
            name,
            provider,
            force,
            values,
        } => {
            let parsed = assignments(&provider, &values)?;
            config::add_profile(&path, &name, &provider, &parsed, force)?;
            eprintln!("saved profile '{name}' ({provider}) in {}", path.display());
            Ok(0)
        }
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
            let provider = cfg.profile(&name)?.provider.clone();
            let parsed = assignments(&provider, &values)?;
            config::update_profile(&path, &name, &parsed, &[])?;
            eprintln!("updated profile '{name}' in {}", path.display());
            Ok(0)
        }
        ProfileCommand::Unset { name, keys } => {
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
