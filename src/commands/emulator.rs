//! `fcall emulator`: the emulator's settings from the command line, and its run. The
//! emulator itself (`crate::emulator`) knows nothing of the command line.

use crate::cli::EmulatorArgs;
use crate::emulator::{self, Credentials, Settings};
use crate::error::Result;

impl From<&EmulatorArgs> for Credentials {
    fn from(a: &EmulatorArgs) -> Self {
        Credentials {
            token: a.token.clone(),
            access_key: a.access_key.clone(),
            secret_key: a.secret_key.clone(),
            iam_user: a.iam_user.clone(),
            iam_password: a.iam_password.clone(),
            iam_domain: a.iam_domain.clone(),
            client_id: a.client_id.clone(),
            client_secret: a.client_secret.clone(),
            token_ttl: a.token_ttl,
            credential_ttl: a.credential_ttl,
            basic_user: a.basic_user.clone(),
            basic_password: a.basic_password.clone(),
        }
    }
}

impl From<&EmulatorArgs> for Settings {
    fn from(a: &EmulatorArgs) -> Self {
        Settings {
            bind: a.bind.clone(),
            credentials: Credentials::from(a),
            limit: emulator::RateLimit {
                rate: a.limit_rate,
                burst: a.limit_burst,
            },
            log_delay: std::time::Duration::from_millis(a.log_delay_ms),
        }
    }
}

/// Serve until killed (or Ctrl-C); with `--write-profiles FILE`, first a profile for every
/// provider in FILE, pointed at this emulator with the credentials it takes.
pub async fn run(args: &EmulatorArgs) -> Result<u8> {
    let settings = Settings::from(args);
    let (listener, addr) = emulator::bind(&settings).await?;
    if let Some(file) = &args.write_profiles {
        write_profiles(file, &format!("http://{addr}"), &settings.credentials)?;
        emulator::announce(addr);
        eprintln!(
            "profiles {} for this emulator are in {}:\n  export FCALL_CONFIG={}",
            crate::providers::PROVIDERS
                .iter()
                .map(|p| p.key)
                .collect::<Vec<_>>()
                .join(", "),
            file.display(),
            file.display()
        );
    } else {
        emulator::announce(addr);
    }
    emulator::serve(listener, &settings).await.map(|_| 0)
}

/// A profile named after each provider, from its registry row (the first is the default).
fn write_profiles(file: &std::path::Path, url: &str, c: &Credentials) -> Result<()> {
    let fill = |name: &str| {
        Some(match name {
            "url" => url.to_string(),
            "token" => c.token.clone(),
            "access_key" => c.access_key.clone(),
            "secret_key" => c.secret_key.clone(),
            "client_id" => c.client_id.clone(),
            "client_secret" => c.client_secret.clone(),
            "basic_user" => c.basic_user.clone(),
            "basic_password" => c.basic_password.clone(),
            _ => return None,
        })
    };
    for spec in crate::providers::PROVIDERS {
        let values: Vec<(String, crate::config::Value)> =
            crate::providers::registry::emulator_values(spec, &fill)
                .into_iter()
                .map(|(k, v)| (k, crate::config::Value::Str(v)))
                .collect();
        crate::config::add_profile(file, spec.key, spec.key, &values, true)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};

    fn settings(args: &[&str]) -> Settings {
        let cli = Cli::try_parse_from([&["fcall", "emulator"], args].concat()).unwrap();
        let Command::Emulator(args) = cli.command else {
            panic!("not the emulator command");
        };
        Settings::from(&args)
    }

    #[test]
    fn every_flag_lands_in_its_setting() {
        let s = settings(&[
            "--bind=127.0.0.1:0",
            "--token=tk",
            "--access-key=ak",
            "--secret-key=sk",
            "--client-id=ci",
            "--client-secret=cs",
            "--token-ttl=7",
            "--iam-user=iu",
            "--iam-password=ip",
            "--iam-domain=id",
            "--basic-user=bu",
            "--basic-password=bp",
            "--log-delay-ms=1500",
        ]);
        let c = &s.credentials;
        assert_eq!(s.bind, "127.0.0.1:0");
        assert_eq!(
            [
                &c.token,
                &c.access_key,
                &c.secret_key,
                &c.client_id,
                &c.client_secret
            ],
            ["tk", "ak", "sk", "ci", "cs"]
        );
        assert_eq!(
            [
                &c.iam_user,
                &c.iam_password,
                &c.iam_domain,
                &c.basic_user,
                &c.basic_password
            ],
            ["iu", "ip", "id", "bu", "bp"]
        );
        assert_eq!(c.token_ttl, 7);
        assert_eq!(s.log_delay, std::time::Duration::from_millis(1500));
    }

    #[test]
    fn the_defaults_are_the_documented_test_credentials() {
        let s = settings(&[]);
        let c = &s.credentials;
        assert_eq!(s.bind, "127.0.0.1:9000");
        assert_eq!(s.log_delay, std::time::Duration::ZERO);
        assert_eq!((c.token.as_str(), c.token_ttl), ("testtoken", 3600));
        assert_eq!(
            (c.access_key.as_str(), c.secret_key.as_str()),
            ("testak", "testsk")
        );
        assert_eq!(
            (c.basic_user.as_str(), c.basic_password.as_str()),
            ("admin", "testpassword")
        );
    }
}
