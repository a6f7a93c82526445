//! The provider table: one row per provider, read by everything that needs to know the
//! providers — building one from a profile, `profile add`'s checks and help, which profile
//! keys are secret, the docs and their tests, and the profiles that reach the bundled
//! emulator. Each provider's row is its `SPEC`, in its own file; adding a provider is that
//! file plus one line in [`PROVIDERS`].

use super::capability::Capability;
use super::{aliyun, altair, aws, huawei, openfaas, Provider};
use crate::config::Profile;
use crate::env::Env;
use crate::error::{Error, Result};

/// A key a profile of this provider may set.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub name: &'static str,
    /// What it is, for help and for the "profile has no 'KEY' (…)" error.
    pub about: &'static str,
    /// Needed in every profile (unless one of `env` stands in for it).
    pub required: bool,
    /// A secret: masked by `profile show`, and a literal one makes a world-readable
    /// config file worth a warning.
    pub secret: bool,
    /// Environment variables that stand in for it, in order; they win over the profile.
    pub env: &'static [&'static str],
}

impl Key {
    pub const fn new(name: &'static str, about: &'static str) -> Key {
        Key {
            name,
            about,
            required: false,
            secret: false,
            env: &[],
        }
    }

    pub const fn required(self) -> Key {
        Key {
            required: true,
            ..self
        }
    }

    pub const fn secret(self) -> Key {
        Key {
            secret: true,
            ..self
        }
    }

    pub const fn env(self, vars: &'static [&'static str]) -> Key {
        Key { env: vars, ..self }
    }
}

/// The largest payload a provider takes, in bytes, for a synchronous and an async call.
#[derive(Debug, Clone, Copy)]
pub struct PayloadLimit {
    pub sync: usize,
    pub asynchronous: usize,
}

/// Everything fcall knows about a provider before it has a profile.
pub struct ProviderSpec {
    /// The profile's `provider = "…"` value.
    pub key: &'static str,
    /// The product's name in messages ("FunctionGraph").
    pub product: &'static str,
    pub keys: &'static [Key],
    /// Environment variables it reads besides those that stand in for keys.
    pub env: &'static [&'static str],
    /// What it can do beyond a sync call; `FetchesToken` only in some auth modes.
    pub capabilities: &'static [Capability],
    /// The statuses its APIs document as success; every other status is not
    /// ([`Provider::succeeded`], the one rule).
    pub success: &'static [u16],
    /// The largest payload it takes, by mode (its documented request limits): larger ones
    /// are refused before sending ([`super::check_payload`]).
    pub max_payload: PayloadLimit,
    /// Build it from a profile, resolving secrets.
    pub build: fn(&Profile, Env) -> Result<Box<dyn Provider>>,
    /// The keys of a profile that reaches the bundled emulator: `{url}` stands for its base
    /// URL, `{token}`, `{access_key}`, `{secret_key}`, `{client_id}`, `{client_secret}`,
    /// `{basic_user}` and `{basic_password}` for the credentials it accepts.
    pub emulator_profile: &'static [(&'static str, &'static str)],
    /// Whether a synchronous result comes with a log tail (`--tail`); without one, `--tail`
    /// is a note, not an error, so one command line serves every profile.
    pub tail: bool,
    /// The profiles the vendor's own tools keep (`~/.aws`, `~/.aliyun/config.json`,
    /// KooCLI's `~/.hcloud/config.json`...), as fcall profiles that point at them
    /// (`fcall profile import`); `None` for a provider whose tools keep none.
    pub vendor_profiles: Option<VendorLister>,
}

/// Lists the vendor's profiles ([`ProviderSpec::vendor_profiles`]).
pub type VendorLister = fn(Env) -> Result<Vec<VendorProfile>>;

/// A profile of the vendor's own tools, as an fcall profile that points at it: its values
/// name the vendor profile (`aws_profile = "prod"`) and copy no secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VendorProfile {
    /// The vendor profile's name, also the suggested fcall profile name.
    pub name: String,
    /// Where it is ("~/.aws/config [profile prod]"), for the listing.
    pub location: String,
    /// How it gets credentials ("static keys", "SSO", "role via source_profile dev"...).
    pub kind: String,
    /// The fcall profile's keys and values (never a secret).
    pub values: Vec<(String, String)>,
}

/// Where one of a built provider's settings came from, for `profile show --resolve`: the
/// setting ("credentials", "region", "endpoint"...), its value when it is not a secret,
/// and its origin (a file and section, an environment variable, a metadata service).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub setting: String,
    pub value: Option<String>,
    pub from: String,
}

impl ProviderSpec {
    pub fn key(&self, name: &str) -> Option<&'static Key> {
        self.keys.iter().find(|k| k.name == name)
    }

    /// Whether `status` is one of its documented success statuses.
    pub fn succeeded(&self, status: u16) -> bool {
        self.success.contains(&status)
    }

    pub fn has(&self, cap: Capability) -> bool {
        self.capabilities.contains(&cap)
    }
}

/// A provider's emulator profile with its placeholders filled in by `fill` (which gets the
/// name between the braces); one it does not know stays as written.
pub fn emulator_values(
    spec: &ProviderSpec,
    fill: &dyn Fn(&str) -> Option<String>,
) -> Vec<(String, String)> {
    spec.emulator_profile
        .iter()
        .map(|(k, v)| {
            let mut out = String::new();
            let mut rest = *v;
            while let Some(i) = rest.find('{') {
                let Some(j) = rest[i..].find('}') else { break };
                out.push_str(&rest[..i]);
                let name = &rest[i + 1..i + j];
                match fill(name) {
                    Some(x) => out.push_str(&x),
                    None => out.push_str(&rest[i..=i + j]),
                }
                rest = &rest[i + j + 1..];
            }
            out.push_str(rest);
            (k.to_string(), out)
        })
        .collect()
}

/// Every provider, in the order help lists them.
pub const PROVIDERS: &[&ProviderSpec] = &[
    &huawei::SPEC,
    &aliyun::SPEC,
    &altair::SPEC,
    &aws::SPEC,
    &openfaas::SPEC,
];

fn names() -> String {
    PROVIDERS
        .iter()
        .map(|p| p.key)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The provider a profile names, or a usage error listing the known ones.
pub fn find(provider: &str) -> Result<&'static ProviderSpec> {
    PROVIDERS
        .iter()
        .copied()
        .find(|p| p.key == provider)
        .ok_or_else(|| {
            Error::Usage(format!(
                "unknown provider '{provider}': use one of {}",
                names()
            ))
        })
}

/// Build the provider a profile describes, resolving its secrets.
pub fn from_profile(profile: &Profile, env: Env) -> Result<Box<dyn Provider>> {
    let spec = PROVIDERS
        .iter()
        .find(|p| p.key == profile.provider)
        .ok_or_else(|| {
            Error::Config(format!(
                "profile '{}' has unknown provider '{}': use one of {}",
                profile.name,
                profile.provider,
                names()
            ))
        })?;
    (spec.build)(profile, env)
}

/// Whether a profile key holds a secret: a key that is secret for any provider counts as
/// one in every profile, so that nothing is shown that might be one (a key put in the wrong
/// provider's profile, a provider fcall does not know).
pub fn is_secret_key(key: &str) -> bool {
    PROVIDERS
        .iter()
        .any(|p| p.key(key).is_some_and(|k| k.secret))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Value;

    fn emulator_profile(spec: &ProviderSpec) -> Profile {
        Profile {
            name: "emu".into(),
            provider: spec.key.into(),
            values: emulator_values(spec, &|name| {
                Some(match name {
                    "url" => "http://127.0.0.1:9000".to_string(),
                    other => format!("test-{other}"),
                })
            })
            .into_iter()
            .map(|(k, v)| {
                assert!(!v.contains('{'), "{}: {k} = {v}", spec.key);
                (k, Value::Str(v))
            })
            .collect(),
        }
    }

    #[test]
    fn keys_are_unique_and_emulator_profiles_use_known_keys() {
        for spec in PROVIDERS {
            for (i, k) in spec.keys.iter().enumerate() {
                assert!(
                    !spec.keys[..i].iter().any(|o| o.name == k.name),
                    "{}: '{}' twice",
                    spec.key,
                    k.name
                );
                assert!(
                    !k.about.is_empty(),
                    "{}: '{}' has no about",
                    spec.key,
                    k.name
                );
            }
            for (k, _) in spec.emulator_profile {
                assert!(spec.key(k).is_some(), "{}: emulator key '{k}'", spec.key);
            }
        }
    }

    /// What a provider built from a profile can do is what its row says (a token only in
    /// the auth modes that fetch one).
    #[test]
    fn capabilities_match_the_rows() {
        let none = |_: &str| None;
        for spec in PROVIDERS {
            let p = (spec.build)(&emulator_profile(spec), &none)
                .unwrap_or_else(|e| panic!("{}: the emulator profile: {e}", spec.key));
            assert_eq!(p.spec().key, spec.key);
            for cap in Capability::ALL {
                let has = p.has(cap);
                if cap == Capability::FetchesToken {
                    assert!(!has || spec.has(cap), "{}: {cap:?}", spec.key);
                } else {
                    assert_eq!(has, spec.has(cap), "{}: {cap:?}", spec.key);
                }
            }
        }
    }

    /// The README shows how to set every key of every provider (`key = …`, `key=…`,
    /// `key@env=…` or `` `key` ``), and names every product.
    #[test]
    fn the_readme_documents_every_provider_and_key() {
        let readme = include_str!("../../README.md");
        for spec in PROVIDERS {
            assert!(
                readme.contains(spec.product),
                "README lacks {}",
                spec.product
            );
            for k in spec.keys {
                let n = k.name;
                let shown = [
                    format!("`{n}`"),
                    format!("{n} ="),
                    format!("{n}="),
                    format!("{n}@"),
                ]
                .iter()
                .any(|form| {
                    readme.match_indices(form.as_str()).any(|(i, _)| {
                        !readme[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
                    })
                });
                assert!(
                    shown,
                    "README does not show how to set {}'s '{n}'",
                    spec.key
                );
            }
        }
    }

    #[test]
    fn secret_keys() {
        for key in [
            "token",
            "secret_key",
            "security_token",
            "iam_password",
            "access_key_secret",
            "client_secret",
            "password",
            "secret_access_key",
            "session_token",
        ] {
            assert!(is_secret_key(key), "{key}");
        }
        for key in [
            "region",
            "access_key",
            "access_key_id",
            "client_id",
            "tokens",
            "username",
        ] {
            assert!(!is_secret_key(key), "{key}");
        }
    }

    #[test]
    fn unknown_providers_are_named_with_the_known_ones() {
        let e = find("nimbus").err().unwrap().to_string();
        assert_eq!(
            e,
            "unknown provider 'nimbus': use one of huawei, aliyun, altair, aws, openfaas"
        );
    }
}
