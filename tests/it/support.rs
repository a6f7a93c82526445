//! Shared test support: the emulator as a child process on an ephemeral loopback port,
//! a sandbox (config file, token cache, clean environment) for each test, and a profile
//! builder (`profile(..).set(..)`, `Sandbox::profiles`) that writes config files as TOML.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use assert_cmd::assert::Assert;

/// Secrets the emulator is started with; no test output may ever contain them.
pub const TOKEN: &str = "tok-S3CRET-7f3a";
pub const AK: &str = "AKEMU0000000001";
pub const SK: &str = "sk-S3CRET-9b1c";
pub const IAM_USER: &str = "ci-user";
pub const IAM_PASSWORD: &str = "pw-S3CRET-4d2e";
pub const IAM_DOMAIN: &str = "ci-domain";
pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";
pub const ACCOUNT: &str = "123456789012";
pub const CLIENT_ID: &str = "ci-client";
pub const CLIENT_SECRET: &str = "cs-S3CRET-5e6f";
pub const BASIC_PASSWORD: &str = "bp-S3CRET-8a9b";
/// `admin:BASIC_PASSWORD` as basic auth sends it.
pub const BASIC_B64: &str = "YWRtaW46YnAtUzNDUkVULThhOWI=";
pub const SECRETS: &[&str] = &[
    TOKEN,
    SK,
    IAM_PASSWORD,
    "sts-S3CRET-token",
    // what the emulator's STS, SSO and metadata services issue, and the tokens tests
    // hand them (web identity, SSO access token)
    "tmpsecret",
    "tmptoken",
    "wi-S3CRET",
    "sso-S3CRET",
    CLIENT_SECRET,
    BASIC_PASSWORD,
    BASIC_B64,
];

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_fcall"))
}

/// `fcall emulator --bind 127.0.0.1:0` with the test credentials; killed on drop.
pub struct Emulator {
    child: Child,
    pub addr: String,
}

impl Emulator {
    pub fn start() -> Emulator {
        Emulator::start_with(&[])
    }

    /// The emulator with extra flags (`--limit-rate 400`, `--log-delay-ms 300`...).
    pub fn start_with(extra: &[&str]) -> Emulator {
        let mut child = Command::new(bin())
            .arg("emulator")
            .args([
                "--bind",
                "127.0.0.1:0",
                "--token",
                TOKEN,
                "--access-key",
                AK,
                "--secret-key",
                SK,
                "--iam-user",
                IAM_USER,
                "--iam-password",
                IAM_PASSWORD,
                "--iam-domain",
                IAM_DOMAIN,
                "--client-id",
                CLIENT_ID,
                "--client-secret",
                CLIENT_SECRET,
                "--basic-password",
                BASIC_PASSWORD,
            ])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the emulator");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("read the emulator's first line");
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
            .to_string();
        Emulator { child, addr }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The emulator's request counters.
    pub fn stats(&self) -> serde_json::Value {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        write!(
            s,
            "GET /_emulator/stats HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            self.addr
        )
        .unwrap();
        let mut resp = String::new();
        s.read_to_string(&mut resp).unwrap();
        let body = resp.split("\r\n\r\n").nth(1).unwrap();
        serde_json::from_str(body).unwrap()
    }

    pub fn counter(&self, key: &str) -> u64 {
        self.stats()["counters"][key].as_u64().unwrap_or(0)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A private config file and token cache, and a clean environment.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn config(&self) -> PathBuf {
        self.dir.path().join("config").join("config.toml")
    }

    pub fn cache(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    /// The sandbox's home directory (`HOME` of every command it runs).
    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// The sandbox's stand-in for `~/.aws/NAME` (absent until written).
    pub fn aws_file(&self, name: &str) -> PathBuf {
        self.dir.path().join("aws").join(name)
    }

    /// `fcall` with this sandbox's config and cache, no inherited provider variables, no stdin.
    pub fn cmd(&self) -> assert_cmd::Command {
        let mut c = assert_cmd::Command::from_std(self.std_cmd());
        c.write_stdin("")
            .timeout(std::time::Duration::from_secs(60));
        c
    }

    /// [`Sandbox::cmd`]'s environment on a plain `Command`, whose stdio the caller sets (a
    /// terminal, say).
    pub fn std_cmd(&self) -> Command {
        let mut c = Command::new(bin());
        c.env("FCALL_CONFIG", self.config())
            .env("FCALL_CACHE_DIR", self.cache())
            .env("TEST_HW_SK", SK)
            .env("TEST_ALTAIR_SECRET", CLIENT_SECRET)
            .env("TEST_OF_PASSWORD", BASIC_PASSWORD)
            .env("AWS_SHARED_CREDENTIALS_FILE", self.aws_file("credentials"))
            .env("AWS_CONFIG_FILE", self.aws_file("config"))
            .env("OPENFAAS_CONFIG", self.dir.path().join("openfaas"))
            // the vendors' files in ~ are the sandbox's, and no test asks a real
            // instance metadata service
            .env("HOME", self.home())
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("FCALL_PROFILE")
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env_remove("COLUMNS")
            .env_remove("HUAWEICLOUD_SDK_AK")
            .env_remove("HUAWEICLOUD_SDK_SK")
            .env_remove("HUAWEICLOUD_SDK_PROJECT_ID")
            .env_remove("HUAWEICLOUD_SDK_SECURITY_TOKEN")
            .env_remove("HUAWEICLOUD_SDK_IAM_ENDPOINT")
            .env_remove("OPENFAAS_URL");
        for var in [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
            "AWS_PROFILE",
            "AWS_ENDPOINT_URL",
            "AWS_ENDPOINT_URL_LAMBDA",
            "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS",
            "AWS_ENDPOINT_URL_STS",
            "AWS_ENDPOINT_URL_SSO",
            "AWS_ROLE_ARN",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_ROLE_SESSION_NAME",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            "AWS_EC2_METADATA_SERVICE_ENDPOINT",
        ] {
            c.env_remove(var);
        }
        c
    }

    /// Run `fcall ARGS`, check that no secret leaked, and return the outcome.
    pub fn run(&self, args: &[&str]) -> Outcome {
        let mut c = self.cmd();
        c.args(args);
        Outcome::of(c.assert())
    }

    /// Write a raw config file.
    pub fn write_config(&self, text: &str) {
        std::fs::create_dir_all(self.config().parent().unwrap()).unwrap();
        std::fs::write(self.config(), text).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(self.config(), std::fs::Permissions::from_mode(0o600))
                .unwrap();
        }
    }

    /// The user's own secret store: a 0600 file a `{ command = "cat ..." }` reads.
    pub fn secret_file(&self) -> PathBuf {
        self.dir.path().join("iam-password.txt")
    }

    /// Write a config file of `profiles`, with `default_profile` when `default` names one.
    pub fn profiles(&self, default: Option<&str>, profiles: &[Profile]) {
        self.write_config(&config_toml(default, profiles));
    }

    /// Add `profiles` to the config file written before (replacing any of the same name).
    pub fn add_profiles(&self, profiles: &[Profile]) {
        let text = std::fs::read_to_string(self.config()).unwrap_or_default();
        let mut doc: toml_edit::DocumentMut = text.parse().expect("the sandbox's config parses");
        insert_profiles(&mut doc, profiles);
        self.write_config(&doc.to_string());
    }

    /// Profiles for every Huawei auth mode, pointed at the emulator.
    pub fn huawei_profiles(&self, emu: &Emulator) {
        let secret = self.secret_file();
        std::fs::write(&secret, IAM_PASSWORD).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let hw = |name: &str| {
            profile(name, "huawei")
                .set("region", "cn-north-4")
                .set("project_id", PROJECT)
                .set("endpoint", emu.url())
                .set("lts_endpoint", emu.url())
        };
        self.profiles(
            Some("token"),
            &[
                hw("token").set("token", TOKEN),
                hw("aksk")
                    .set("access_key", AK)
                    .env("secret_key", "TEST_HW_SK"),
                hw("iam")
                    .set("iam_endpoint", emu.url())
                    .set("iam_user", IAM_USER)
                    .command("iam_password", &format!("cat '{}'", secret.display()))
                    .set("iam_domain", IAM_DOMAIN),
                hw("badtoken").set("token", "not-the-token"),
            ],
        );
    }

    /// Function Compute profiles (2.0, 2.0 with the FC SDKs' prefix, STS, 3.0) for the emulator.
    pub fn aliyun_profiles(&self, emu: &Emulator) {
        let fc = |name: &str| {
            profile(name, "aliyun")
                .set("account_id", ACCOUNT)
                .set("region", "cn-hangzhou")
                .set("endpoint", emu.url())
                .set("log_endpoint", emu.url())
                .set("access_key_id", AK)
                .env("access_key_secret", "TEST_HW_SK")
        };
        self.profiles(
            Some("fc"),
            &[
                fc("fc").set("service", "svc"),
                fc("fc2016").set("api_version", "2016-08-15"),
                fc("sts").set("security_token", "sts-S3CRET-token"),
                fc("fc3").set("api", "3.0"),
            ],
        );
    }

    /// Altair profiles (client credentials, a bad scope, a static token) for the emulator.
    pub fn altair_profiles(&self, emu: &Emulator) {
        let iot = |name: &str| {
            profile(name, "altair")
                .set("space", "my-space")
                .set("endpoint", emu.url())
        };
        self.profiles(
            Some("iot"),
            &[
                iot("iot")
                    .set("client_id", CLIENT_ID)
                    .env("client_secret", "TEST_ALTAIR_SECRET"),
                iot("badscope")
                    .set("client_id", CLIENT_ID)
                    .env("client_secret", "TEST_ALTAIR_SECRET")
                    .set("scopes", toml_edit::Array::from_iter(["function", "admin"])),
                iot("static").set("token", TOKEN),
            ],
        );
    }

    /// AWS Lambda profiles for the emulator: keys in the profile, with a session token, a
    /// wrong secret, and keys from the shared files' `[ci]` profile (written here too).
    pub fn aws_profiles(&self, emu: &Emulator) {
        let lambda = |name: &str| {
            profile(name, "aws")
                .set("region", "us-east-1")
                .set("endpoint", emu.url())
                .set("logs_endpoint", emu.url())
        };
        let keys = |p: Profile| {
            p.set("access_key_id", AK)
                .env("secret_access_key", "TEST_HW_SK")
        };
        self.profiles(
            Some("lambda"),
            &[
                keys(lambda("lambda")),
                keys(lambda("sts")).set("session_token", "sts-S3CRET-token"),
                lambda("badkey")
                    .set("access_key_id", AK)
                    .set("secret_access_key", "wrong"),
                lambda("unknownkey")
                    .set("access_key_id", "AKNOBODY")
                    .set("secret_access_key", "x"),
                profile("shared", "aws")
                    .set("endpoint", emu.url())
                    .set("aws_profile", "ci"),
                profile("bare", "aws").set("endpoint", emu.url()),
            ],
        );
        // the shared files are AWS's INI format, not fcall's TOML
        std::fs::create_dir_all(self.aws_file("x").parent().unwrap()).unwrap();
        std::fs::write(
            self.aws_file("credentials"),
            format!("[ci]\naws_access_key_id = {AK}\naws_secret_access_key = {SK}\n"),
        )
        .unwrap();
        std::fs::write(
            self.aws_file("config"),
            "[profile ci]\nregion = eu-west-1\n",
        )
        .unwrap();
        #[cfg(unix)]
        {
            // as `aws configure` leaves it
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(
                self.aws_file("credentials"),
                std::fs::Permissions::from_mode(0o600),
            )
            .unwrap();
        }
    }

    /// OpenFaaS profiles for the emulator's gateway: basic auth (default namespace and
    /// `dev`), a wrong password, none at all.
    pub fn openfaas_profiles(&self, emu: &Emulator) {
        let of = |name: &str| profile(name, "openfaas").set("endpoint", emu.url());
        let auth = |p: Profile| {
            p.set("username", "admin")
                .env("password", "TEST_OF_PASSWORD")
        };
        self.profiles(
            Some("of"),
            &[
                auth(of("of")),
                auth(of("dev")).set("namespace", "dev"),
                of("badpass").set("password", "wrong"),
                of("noauth"),
            ],
        );
    }
}

/// One `[profiles.NAME]` table of a config file, built key by key; `config_toml` and
/// `Sandbox::profiles` turn a list of them into TOML, so every value is quoted right.
#[derive(Clone, Debug)]
pub struct Profile {
    name: String,
    table: toml_edit::Table,
}

/// A profile `name` of `provider`.
pub fn profile(name: &str, provider: &str) -> Profile {
    Profile::without_provider(name).set("provider", provider)
}

impl Profile {
    /// A profile with no `provider` key (a config error, for the tests of those).
    pub fn without_provider(name: &str) -> Profile {
        Profile {
            name: name.to_string(),
            table: toml_edit::Table::new(),
        }
    }

    /// `key = value`: a string, number, boolean or array.
    pub fn set(mut self, key: &str, value: impl Into<toml_edit::Value>) -> Self {
        self.table.insert(key, toml_edit::value(value));
        self
    }

    /// `key = { env = "VAR" }`: the secret is read from the environment.
    pub fn env(self, key: &str, var: &str) -> Self {
        self.reference(key, "env", var)
    }

    /// `key = { command = "CMD" }`: the secret is what a shell command prints.
    pub fn command(self, key: &str, cmd: &str) -> Self {
        self.reference(key, "command", cmd)
    }

    fn reference(self, key: &str, kind: &str, target: &str) -> Self {
        let mut t = toml_edit::InlineTable::new();
        t.insert(kind, target.into());
        self.set(key, t)
    }
}

/// A config file's text: `default_profile` when given, then the profiles in order.
pub fn config_toml(default: Option<&str>, profiles: &[Profile]) -> String {
    let mut doc = toml_edit::DocumentMut::new();
    if let Some(name) = default {
        doc.insert("default_profile", toml_edit::value(name));
    }
    insert_profiles(&mut doc, profiles);
    doc.to_string()
}

fn insert_profiles(doc: &mut toml_edit::DocumentMut, profiles: &[Profile]) {
    let all = doc
        .entry("profiles")
        .or_insert_with(|| {
            let mut t = toml_edit::Table::new();
            t.set_implicit(true);
            toml_edit::Item::Table(t)
        })
        .as_table_mut()
        .expect("`profiles` is a table");
    for p in profiles {
        let mut t = p.table.clone();
        t.decor_mut().set_prefix("\n");
        all.insert(&p.name, toml_edit::Item::Table(t));
    }
}

/// What a run printed and how it ended.
pub struct Outcome {
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

impl Outcome {
    /// For runs asked to reveal a secret (`--show-secrets`): still no panic.
    pub fn of_revealing(a: Assert) -> Outcome {
        let out = a.get_output();
        let o = Outcome {
            code: out.status.code().unwrap_or(-1),
            stdout: out.stdout.clone(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        assert!(
            !o.stderr.contains("panicked"),
            "fcall panicked:\n{}",
            o.stderr
        );
        o
    }

    pub fn of(a: Assert) -> Outcome {
        let out = a.get_output();
        let o = Outcome {
            code: out.status.code().unwrap_or(-1),
            stdout: out.stdout.clone(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        let all = format!("{}{}", o.stdout_str(), o.stderr);
        for s in SECRETS {
            assert!(!all.contains(s), "secret {s} leaked in output:\n{all}");
        }
        assert!(
            !o.stderr.contains("panicked"),
            "fcall panicked:\n{}",
            o.stderr
        );
        o
    }

    pub fn stdout_str(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", self.stdout_str()))
    }

    /// Assert the exit code, showing the output when it differs.
    pub fn code(&self, want: i32) -> &Self {
        assert_eq!(
            self.code,
            want,
            "exit code; stdout:\n{}\nstderr:\n{}",
            self.stdout_str(),
            self.stderr
        );
        self
    }

    pub fn stderr_has(&self, s: &str) -> &Self {
        assert!(
            self.stderr.contains(s),
            "stderr lacks {s:?}:\n{}",
            self.stderr
        );
        self
    }

    pub fn stdout_has(&self, s: &str) -> &Self {
        assert!(
            self.stdout_str().contains(s),
            "stdout lacks {s:?}:\n{}",
            self.stdout_str()
        );
        self
    }
}
