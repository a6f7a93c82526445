//! `fcall profile add|list|show|remove|default`.

use super::{write_stdout, Ctx};
use crate::cli::ProfileCommand;
use crate::config;
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
            let spec = providers::registry::find(&provider)?;
            let mut parsed = Vec::new();
            for v in &values {
                let (key, value) =
                    config::parse_assignment(v).map_err(|e| Error::Usage(e.to_string()))?;
                if spec.key(&key).is_none() {
                    let known: Vec<&str> = spec.keys.iter().map(|k| k.name).collect();
                    return Err(Error::Usage(format!(
                        "'{key}' is not a profile key for provider {provider}: use one of {}",
                        known.join(", ")
                    )));
                }
                parsed.push((key, value));
            }
            config::add_profile(&path, &name, &provider, &parsed, force)?;
            eprintln!("saved profile '{name}' ({provider}) in {}", path.display());
            Ok(0)
        }
        ProfileCommand::List => {
            let cfg = ctx.load_config()?;
            let mut out = String::new();
            for (name, p) in &cfg.profiles {
                let mark = if cfg.default_profile.as_deref() == Some(name) {
                    "*"
                } else {
                    " "
                };
                out.push_str(&format!("{mark} {name}\t{}\n", p.provider));
            }
            if cfg.profiles.is_empty() {
                eprintln!(
                    "no profiles in {}: add one with `fcall profile add NAME --provider huawei KEY=VALUE...`",
                    path.display()
                );
            }
            write_stdout(out.as_bytes())?;
            Ok(0)
        }
        ProfileCommand::Show { name } => {
            let cfg = ctx.load_config()?;
            let p = cfg.profile(&name)?;
            write_stdout(config::render_masked(p, &providers::registry::is_secret_key).as_bytes())?;
            Ok(0)
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
