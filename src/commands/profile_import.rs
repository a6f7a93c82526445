//! `fcall profile import` (the vendors' own profiles as fcall profiles that point at them)
//! and `fcall profile show --resolve` (where a profile's settings come from).

use std::fmt::Write as _;

use super::write_stdout;
use crate::config::{self, Profile, Value};
use crate::error::{Error, Result};
use crate::providers::registry::{VendorProfile, PROVIDERS};
use crate::providers::Env;

/// What `profile import` was asked.
pub struct Import<'a> {
    pub names: &'a [String],
    pub all: bool,
    pub provider: Option<&'a str>,
    pub prefix: &'a str,
    pub force: bool,
}

/// Every vendor profile the providers' tools keep, with its provider's key.
fn found(env: Env, only: Option<&str>) -> Result<Vec<(&'static str, VendorProfile)>> {
    if let Some(p) = only {
        crate::providers::registry::find(p)?;
    }
    let mut all = Vec::new();
    for spec in PROVIDERS.iter().filter(|s| only.is_none_or(|p| p == s.key)) {
        if let Some(list) = spec.vendor_profiles {
            all.extend(list(env)?.into_iter().map(|v| (spec.key, v)));
        }
    }
    Ok(all)
}

/// The listing: provider, name, how it gets credentials, where it is.
pub fn listing(found: &[(&str, VendorProfile)]) -> String {
    let mut out = String::new();
    let width = found
        .iter()
        .map(|(_, v)| v.name.len())
        .max()
        .unwrap_or(4)
        .max(4);
    let _ = writeln!(
        out,
        "{:<9} {:<width$}  {:<22} WHERE",
        "PROVIDER", "NAME", "CREDENTIALS"
    );
    for (provider, v) in found {
        let _ = writeln!(
            out,
            "{provider:<9} {:<width$}  {:<22} {}",
            v.name, v.kind, v.location
        );
    }
    out
}

pub fn run(path: &std::path::Path, args: &Import, env: Env) -> Result<u8> {
    let found = found(env, args.provider)?;
    if args.names.is_empty() && !args.all {
        if found.is_empty() {
            let listed: Vec<&str> = PROVIDERS
                .iter()
                .filter(|s| s.vendor_profiles.is_some())
                .map(|s| s.product)
                .collect();
            eprintln!(
                "no vendor profiles found for {}: set them up with the vendor's CLI first",
                listed.join(", ")
            );
        } else {
            write_stdout(listing(&found).as_bytes())?;
            eprintln!(
                "import them with `fcall profile import NAME...` or `fcall profile import --all`"
            );
        }
        return Ok(0);
    }
    let chosen = choose(&found, args)?;
    for (provider, v) in chosen {
        let name = format!("{}{}", args.prefix, v.name);
        let values: Vec<(String, Value)> = v
            .values
            .iter()
            .map(|(k, val)| (k.clone(), Value::Str(val.clone())))
            .collect();
        config::add_profile(path, &name, provider, &values, args.force)?;
        eprintln!(
            "imported {provider} profile '{name}' pointing at {}",
            v.location
        );
    }
    Ok(0)
}

/// The vendor profiles named (each once, in one provider), or all.
fn choose<'f>(
    found: &'f [(&'static str, VendorProfile)],
    args: &Import,
) -> Result<Vec<&'f (&'static str, VendorProfile)>> {
    if args.all {
        return Ok(found.iter().collect());
    }
    args.names
        .iter()
        .map(|n| {
            let hits: Vec<_> = found.iter().filter(|(_, v)| &v.name == n).collect();
            match hits[..] {
                [one] => Ok(one),
                [] => Err(Error::Usage(format!(
                    "no vendor profile '{n}': `fcall profile import` lists the ones found"
                ))),
                _ => Err(Error::Usage(format!(
                    "vendor profile '{n}' is in the files of {}: pick one with --provider",
                    hits.iter()
                        .map(|(p, _)| *p)
                        .collect::<Vec<_>>()
                        .join(" and ")
                ))),
            }
        })
        .collect()
}

/// `profile show --resolve`: the profile built (secrets resolved, nothing fetched) and
/// where each of its settings comes from.
pub fn resolved(p: &Profile, env: Env) -> Result<String> {
    let provider = crate::providers::from_profile(p, env)?;
    let origins = provider.origins();
    let mut out = String::from("# where its settings come from (nothing fetched)\n");
    if origins.is_empty() {
        let _ = writeln!(out, "# credentials and settings: this fcall profile");
    }
    for o in &origins {
        match &o.value {
            Some(v) => writeln!(out, "# {:<12} {v}  ← {}", o.setting, o.from),
            None => writeln!(out, "# {:<12} {}", o.setting, o.from),
        }
        .expect("writing to a String");
    }
    if let Some(src) = provider.tokens() {
        let _ = writeln!(out, "# fetched from  {}", src.describe());
    }
    Ok(out)
}
