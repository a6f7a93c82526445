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

/// Serve until killed (or Ctrl-C).
pub async fn run(args: &EmulatorArgs) -> Result<u8> {
    emulator::run(&Settings::from(args)).await.map(|_| 0)
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
