//! Guided setup: `fcall profile add NAME` on a terminal, without keys, asks for the provider
//! and then its keys, from the provider table: each with what it is for, secrets without
//! echo, or as `@env=VAR` / `@command=…` so that no secret need be stored in the file.
//!
//! It asks only where a person answers: stdin and stderr terminals, and not under `CI=true`
//! ([`can_prompt`]). The questions go through [`Prompt`], so the interview itself
//! ([`interview`]) is tested with scripted answers; [`Terminal`] asks them with dialoguer.

use std::io::IsTerminal;

use crate::config::{self, Profile, Value};
use crate::error::{Error, Result};
use crate::providers::registry::{Key, ProviderSpec};
use crate::providers::PROVIDERS;

/// Whether to ask: stdin and stderr are terminals and `CI` does not say this is CI.
pub fn can_prompt() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal() && !super::in_ci()
}

/// The questions the interview asks, answered by a person or a script.
pub trait Prompt {
    /// One of `items`; `None` when the person backs out (Esc).
    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> Result<Option<usize>>;
    /// Any number of `items` (none is an answer).
    fn pick(&mut self, prompt: &str, items: &[String]) -> Result<Vec<usize>>;
    /// A line of text; empty only when `optional`; `default` is what Enter gives.
    fn text(&mut self, prompt: &str, default: Option<&str>, optional: bool) -> Result<String>;
    /// A secret, read without echo.
    fn secret(&mut self, prompt: &str) -> Result<String>;
    /// A line for the person (a heading, why an answer is not enough).
    fn say(&mut self, line: &str);
}

/// How one key was answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// The value itself (a secret typed without echo is one too).
    Literal(String),
    /// `@env=VAR`: read from the variable when the profile is used.
    Env(String),
    /// `@command=CMD`: the command's output when the profile is used.
    Command(String),
}

/// The profile values the answers make, as `profile add` reads the same on its command line
/// (`KEY=true` a boolean, `KEY=[A,B]` a list), except that a secret typed in is kept as
/// typed, whatever it looks like.
pub fn values(spec: &ProviderSpec, answers: &[(&str, Answer)]) -> Result<Vec<(String, Value)>> {
    answers
        .iter()
        .map(|(key, answer)| {
            let secret = spec.key(key).is_some_and(|k| k.secret);
            let arg = match answer {
                Answer::Literal(v) if secret => {
                    return Ok((key.to_string(), Value::Str(v.clone())))
                }
                Answer::Literal(v) => format!("{key}={v}"),
                Answer::Env(var) => format!("{key}@env={}", var.trim()),
                Answer::Command(cmd) => format!("{key}@command={cmd}"),
            };
            let (k, v) = config::parse_assignment(&arg).map_err(|e| Error::Usage(e.to_string()))?;
            if let Value::Env { env } | Value::Command { command: env } = &v {
                if env.trim().is_empty() {
                    return Err(Error::Usage(format!("{key}: the answer is empty")));
                }
            }
            Ok((k, v))
        })
        .collect()
}

/// The ways a secret can be kept, as the interview offers them.
const SECRET_WAYS: [&str; 3] = [
    "type it now (hidden; stored in the config file, which only you can read)",
    "read it from an environment variable each time (@env=VAR)",
    "run a command that prints it each time, e.g. a password manager (@command=CMD)",
];

/// Ask for one key: a secret's way of being kept first, then its value.
fn ask(p: &mut dyn Prompt, key: &Key, optional: bool) -> Result<Option<Answer>> {
    let prompt = format!("{} ({})", key.name, key.about);
    if !key.secret {
        let v = p.text(&prompt, None, optional)?;
        return Ok((!v.trim().is_empty()).then(|| Answer::Literal(v.trim().to_string())));
    }
    let ways: Vec<String> = SECRET_WAYS.iter().map(|w| w.to_string()).collect();
    let way = p
        .select(&format!("{}: how should fcall get it?", key.name), &ways, 0)?
        .ok_or(Error::Interrupted)?;
    Ok(Some(match way {
        0 => Answer::Literal(p.secret(&prompt)?),
        1 => Answer::Env(p.text(
            &format!("{}: the environment variable", key.name),
            key.env.first().copied(),
            false,
        )?),
        _ => Answer::Command(p.text(
            &format!("{}: the command (run with /bin/sh -c)", key.name),
            None,
            false,
        )?),
    }))
}

/// The interview for profile `name`: the provider (unless given), its required keys, then
/// the other keys the person picks, until `check` accepts the profile. A refusal is said and
/// more keys may be picked; picking nothing more after it ends the interview with it.
pub fn interview(
    p: &mut dyn Prompt,
    name: &str,
    provider: Option<&'static ProviderSpec>,
    check: &dyn Fn(&Profile) -> Result<()>,
) -> Result<(&'static ProviderSpec, Vec<(String, Value)>)> {
    let spec = match provider {
        Some(s) => s,
        None => {
            let items: Vec<String> = PROVIDERS
                .iter()
                .map(|s| format!("{:<9} {}", s.key, s.product))
                .collect();
            let i = p
                .select(&format!("Provider of profile '{name}'"), &items, 0)?
                .ok_or(Error::Interrupted)?;
            PROVIDERS[i]
        }
    };
    p.say(&format!(
        "{} keys for profile '{name}' (`fcall profile add --help` lists them all):",
        spec.product
    ));
    let mut answers: Vec<(&str, Answer)> = Vec::new();
    let mut told = false;
    for key in spec.keys.iter().filter(|k| k.required) {
        // a variable that stands in for it, set now, lets it be left out
        let stand_in = key
            .env
            .iter()
            .find(|v| super::process_env(v).is_some_and(|x| !x.is_empty()));
        if let Some(var) = stand_in {
            p.say(&format!("  {} comes from ${var} when left empty", key.name));
        }
        if let Some(a) = ask(p, key, stand_in.is_some())? {
            answers.push((key.name, a));
        }
    }
    loop {
        let rest: Vec<&Key> = spec
            .keys
            .iter()
            .filter(|k| !answers.iter().any(|(n, _)| *n == k.name))
            .collect();
        let items: Vec<String> = rest
            .iter()
            .map(|k| format!("{} ({})", k.name, k.about))
            .collect();
        let picked = match items.is_empty() {
            true => Vec::new(),
            false => p.pick("Other keys to set (Space picks, Enter goes on)", &items)?,
        };
        for i in &picked {
            if let Some(a) = ask(p, rest[*i], true)? {
                answers.push((rest[*i].name, a));
            }
        }
        // in the table's order, as `profile add --help` lists them
        answers.sort_by_key(|(n, _)| spec.keys.iter().position(|k| k.name == *n));
        let values = values(spec, &answers)?;
        let profile = Profile {
            name: name.to_string(),
            provider: spec.key.to_string(),
            values: values.iter().cloned().collect(),
        };
        match check(&profile) {
            Ok(()) => return Ok((spec, values)),
            // nothing left to pick, or told why and picked nothing more: the refusal stands
            Err(e) if items.is_empty() || (told && picked.is_empty()) => return Err(e),
            Err(e) => {
                p.say(&format!("not yet: {e}"));
                told = true;
            }
        }
    }
}

/// The interview on the terminal (stderr), with dialoguer.
pub struct Terminal {
    theme: Box<dyn dialoguer::theme::Theme>,
}

impl Terminal {
    pub fn new(color: bool) -> Terminal {
        let theme: Box<dyn dialoguer::theme::Theme> = match color {
            true => Box::new(dialoguer::theme::ColorfulTheme::default()),
            false => Box::new(dialoguer::theme::SimpleTheme),
        };
        Terminal { theme }
    }
}

fn asked(e: dialoguer::Error) -> Error {
    let dialoguer::Error::IO(e) = e;
    match e.kind() {
        std::io::ErrorKind::Interrupted => Error::Interrupted,
        _ => Error::Internal(format!("cannot ask on the terminal: {e}")),
    }
}

impl Prompt for Terminal {
    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> Result<Option<usize>> {
        dialoguer::Select::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .items(items)
            .default(default)
            .interact_opt()
            .map_err(asked)
    }

    fn pick(&mut self, prompt: &str, items: &[String]) -> Result<Vec<usize>> {
        dialoguer::MultiSelect::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .items(items)
            .interact()
            .map_err(asked)
    }

    fn text(&mut self, prompt: &str, default: Option<&str>, optional: bool) -> Result<String> {
        let mut input = dialoguer::Input::<String>::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .allow_empty(optional);
        if let Some(d) = default {
            input = input.default(d.to_string());
        }
        input.interact_text().map_err(asked)
    }

    fn secret(&mut self, prompt: &str) -> Result<String> {
        dialoguer::Password::with_theme(self.theme.as_ref())
            .with_prompt(prompt)
            .interact()
            .map_err(asked)
    }

    fn say(&mut self, line: &str) {
        eprintln!("{}", crate::terminal::escape_line(line));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::registry::find;

    /// A person who answers from a script, and what they were asked and told.
    #[derive(Default)]
    struct Script {
        answers: std::collections::VecDeque<&'static str>,
        heard: Vec<String>,
    }

    impl Script {
        fn new(answers: &[&'static str]) -> Script {
            Script {
                answers: answers.iter().copied().collect(),
                heard: Vec::new(),
            }
        }

        fn next(&mut self, prompt: &str) -> &'static str {
            self.heard.push(prompt.to_string());
            self.answers
                .pop_front()
                .unwrap_or_else(|| panic!("no answer left for {prompt:?}; heard {:?}", self.heard))
        }
    }

    impl Prompt for Script {
        fn select(&mut self, prompt: &str, items: &[String], _: usize) -> Result<Option<usize>> {
            let a = self.next(prompt);
            Ok(items.iter().position(|i| i.starts_with(a)))
        }
        fn pick(&mut self, prompt: &str, items: &[String]) -> Result<Vec<usize>> {
            let a = self.next(prompt);
            Ok(a.split_whitespace()
                .map(|k| {
                    items
                        .iter()
                        .position(|i| i.starts_with(&format!("{k} ")))
                        .unwrap()
                })
                .collect())
        }
        fn text(&mut self, prompt: &str, default: Option<&str>, _: bool) -> Result<String> {
            let a = self.next(prompt);
            Ok(match (a, default) {
                ("", Some(d)) => d.to_string(),
                _ => a.to_string(),
            })
        }
        fn secret(&mut self, prompt: &str) -> Result<String> {
            Ok(self.next(prompt).to_string())
        }
        fn say(&mut self, line: &str) {
            self.heard.push(line.to_string());
        }
    }

    /// The check `profile add` makes, in short: Huawei needs credentials of some kind.
    fn needs_credentials(p: &Profile) -> Result<()> {
        let has = |k: &str| p.values.contains_key(k);
        match has("token") || (has("access_key") && has("secret_key")) {
            true => Ok(()),
            false => Err(Error::Usage("profile 'hw' has no credentials".into())),
        }
    }

    #[test]
    fn answers_become_the_values_profile_add_would_write() {
        let spec = find("aliyun").unwrap();
        let v = values(
            spec,
            &[
                ("internal", Answer::Literal("true".into())),
                (
                    "access_key_id",
                    Answer::Env("ALIBABA_CLOUD_ACCESS_KEY_ID ".into()),
                ),
                ("access_key_secret", Answer::Literal("[not, a list]".into())),
                ("security_token", Answer::Command("pass show sts".into())),
            ],
        )
        .unwrap();
        assert_eq!(
            v,
            [
                ("internal".to_string(), Value::Bool(true)),
                (
                    "access_key_id".to_string(),
                    Value::Env {
                        env: "ALIBABA_CLOUD_ACCESS_KEY_ID".into()
                    }
                ),
                // a secret is kept as typed
                (
                    "access_key_secret".to_string(),
                    Value::Str("[not, a list]".into())
                ),
                (
                    "security_token".to_string(),
                    Value::Command {
                        command: "pass show sts".into()
                    }
                ),
            ]
        );
        for empty in [Answer::Env(" ".into()), Answer::Command("".into())] {
            let e = values(spec, &[("security_token", empty)]).unwrap_err();
            assert_eq!(e.code(), crate::error::code::USAGE, "{e}");
        }
    }

    #[test]
    fn the_interview_asks_the_provider_then_required_then_picked_keys() {
        let mut p = Script::new(&[
            "huawei",                // the provider
            "cn-north-4",            // region
            "0123456789abcdef",      // project_id
            "access_key secret_key", // picked
            "AKID",                  // access_key
            "read it from",          // secret_key: from a variable…
            "",                      // …its default, the SDK's
        ]);
        let (spec, values) = interview(&mut p, "hw", None, &needs_credentials).unwrap();
        assert_eq!(spec.key, "huawei");
        let keys: Vec<&str> = values.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["region", "project_id", "access_key", "secret_key"]);
        assert_eq!(
            values[3].1,
            Value::Env {
                env: "HUAWEICLOUD_SDK_SK".into()
            }
        );
        assert!(p
            .heard
            .iter()
            .any(|h| h.starts_with("region (the FunctionGraph region")));
        assert!(p
            .heard
            .iter()
            .any(|h| h == "secret_key: how should fcall get it?"));
    }

    #[test]
    fn a_refusal_is_said_once_and_more_keys_may_be_picked() {
        let mut p = Script::new(&["cn-north-4", "0123", "", "token", "type it", "tok-1"]);
        let spec = find("huawei").unwrap();
        let (_, values) = interview(&mut p, "hw", Some(spec), &needs_credentials).unwrap();
        assert!(p
            .heard
            .iter()
            .any(|h| h == "not yet: profile 'hw' has no credentials"));
        assert_eq!(
            values.last().unwrap(),
            &("token".to_string(), Value::Str("tok-1".into()))
        );
        // picking nothing again after being told ends it with the refusal
        let mut p = Script::new(&["cn-north-4", "0123", "", ""]);
        let e = interview(&mut p, "hw", Some(spec), &needs_credentials)
            .err()
            .unwrap();
        assert_eq!(e.to_string(), "profile 'hw' has no credentials");
    }

    #[test]
    fn backing_out_of_a_choice_saves_nothing() {
        let mut p = Script::new(&["nimbus"]);
        let e = interview(&mut p, "x", None, &|_| Ok(())).err().unwrap();
        assert!(matches!(e, Error::Interrupted));
    }
}
