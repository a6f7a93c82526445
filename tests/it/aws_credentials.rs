//! End to end: every AWS credential source against the emulator's STS, SSO portal,
//! instance metadata service and container endpoint. Each test invokes Lambda with the
//! keys the source yields (the emulator takes issued keys only with their session token,
//! signed), and counts the fetches.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use crate::support::*;

const ROLE: &str = "arn:aws:iam::123456789012:role/deploy";

/// A Lambda profile for the emulator that leaves the credentials to the AWS chain.
fn lambda(emu: &Emulator, name: &str) -> Profile {
    profile(name, "aws")
        .set("region", "us-east-1")
        .set("endpoint", emu.url())
}

fn write(path: &std::path::Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// The AWS config and credentials files of the sandbox.
fn aws_files(sb: &Sandbox, credentials: &str, config: &str) {
    write(&sb.aws_file("credentials"), credentials);
    write(&sb.aws_file("config"), config);
}

fn base_keys() -> String {
    format!("[base]\naws_access_key_id = {AK}\naws_secret_access_key = {SK}\n")
}

fn invoke(sb: &Sandbox, name: &str, env: &[(&str, &str)]) -> Outcome {
    let mut c = sb.cmd();
    c.args(["-p", name, "invoke", "echo", "-d", r#"{"k":1}"#, "--tail"]);
    for (k, v) in env {
        c.env(k, v);
    }
    Outcome::of(c.assert())
}

#[test]
fn an_assumed_role_beats_the_environment_keys_when_its_profile_is_named() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.profiles(None, &[lambda(&emu, "role").set("aws_profile", "deploy")]);
    aws_files(
        &sb,
        &base_keys(),
        &format!(
            "[profile deploy]\nrole_arn = {ROLE}\nsource_profile = base\nrole_session_name = ci\n"
        ),
    );
    // keys in the environment that would be refused: a named profile negates them
    let env = [
        ("AWS_ACCESS_KEY_ID", "AKWRONG"),
        ("AWS_SECRET_ACCESS_KEY", "wrong"),
        ("AWS_ENDPOINT_URL_STS", &emu.url()),
    ];
    let o = invoke(&sb, "role", &env);
    o.code(0).stderr_has("ok · HTTP 200");
    assert_eq!(o.stdout, br#"{"k":1}"#);
    assert_eq!(emu.counter("credentials.issued.aws.sts.assume_role"), 1);
    assert_eq!(emu.counter("aws.sync.echo"), 1);
    // a second command takes the cached role credentials: no second AssumeRole
    invoke(&sb, "role", &env).code(0);
    assert_eq!(emu.counter("credentials.issued.aws.sts.assume_role"), 1);
    assert_eq!(emu.counter("credentials.refused.token"), 0);
}

#[test]
fn a_chain_of_roles_assumes_each_in_turn() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.profiles(None, &[lambda(&emu, "top").set("aws_profile", "top")]);
    aws_files(
        &sb,
        &base_keys(),
        &format!("[profile mid]\nrole_arn = {ROLE}-mid\nsource_profile = base\n[profile top]\nrole_arn = {ROLE}-top\nsource_profile = mid\n"),
    );
    invoke(&sb, "top", &[("AWS_ENDPOINT_URL_STS", &emu.url())]).code(0);
    assert_eq!(emu.counter("credentials.issued.aws.sts.assume_role"), 2);
}

#[test]
fn roles_that_cannot_be_assumed_and_loops_are_auth_errors() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.profiles(
        None,
        &[
            lambda(&emu, "denied").set("aws_profile", "denied"),
            lambda(&emu, "loop").set("aws_profile", "a"),
        ],
    );
    aws_files(
        &sb,
        &base_keys(),
        &format!("[profile denied]\nrole_arn = {ROLE}-denied\nsource_profile = base\n[profile a]\nrole_arn = {ROLE}\nsource_profile = b\n[profile b]\nrole_arn = {ROLE}\nsource_profile = a\n"),
    );
    let sts = [("AWS_ENDPOINT_URL_STS", emu.url())];
    let sts: Vec<(&str, &str)> = sts.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let o = invoke(&sb, "denied", &sts);
    o.code(3)
        .stderr_has("STS refused it: AccessDenied: User: arn:aws:iam::123456789012:user/emulator is not authorized to perform: sts:AssumeRole");
    assert_eq!(
        o.stderr.lines().filter(|l| l.contains("error")).count(),
        1,
        "{}",
        o.stderr
    );
    let o = invoke(&sb, "loop", &sts);
    o.code(3)
        .stderr_has("a loop of source_profile: a -> b -> a");
    assert_eq!(emu.counter("aws.sync.echo"), 0);
}

#[test]
fn web_identity_from_the_environment_as_github_and_gitlab_set_it() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.profiles(None, &[lambda(&emu, "ci")]);
    let token = sb.dir.path().join("oidc-token");
    write(&token, "wi-S3CRET-jwt\n");
    let token = token.display().to_string();
    let env = [
        ("AWS_ROLE_ARN", ROLE),
        ("AWS_WEB_IDENTITY_TOKEN_FILE", token.as_str()),
        ("AWS_ENDPOINT_URL_STS", &emu.url()),
    ];
    invoke(&sb, "ci", &env).code(0);
    assert_eq!(emu.counter("credentials.issued.aws.sts.web_identity"), 1);
    // a token the identity provider does not vouch for
    write(std::path::Path::new(&token), "bad");
    std::fs::remove_dir_all(sb.cache()).unwrap();
    let o = invoke(&sb, "ci", &env);
    o.code(3).stderr_has("InvalidIdentityToken");
    // an unreadable token file
    let env = [
        ("AWS_ROLE_ARN", ROLE),
        ("AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token"),
        ("AWS_ENDPOINT_URL_STS", &emu.url()),
    ];
    invoke(&sb, "ci", &env)
        .code(3)
        .stderr_has("cannot read the web identity token file /nonexistent/token");
}

#[test]
fn sso_uses_the_cached_login_and_asks_for_a_new_one_when_it_expired() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.profiles(None, &[lambda(&emu, "dev").set("aws_profile", "dev")]);
    aws_files(
        &sb,
        "",
        "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Developer\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n",
    );
    // `aws sso login` names the cache file after the SHA-1 of the session name
    use sha1::Digest;
    let name = hex::encode(sha1::Sha1::digest(b"corp"));
    let cached = sb
        .home()
        .join(".aws/sso/cache")
        .join(format!("{name}.json"));
    write(
        &cached,
        r#"{"startUrl": "https://corp.awsapps.com/start", "region": "us-east-1", "accessToken": "sso-S3CRET-access", "expiresAt": "2099-01-01T00:00:00Z"}"#,
    );
    let env = [("AWS_ENDPOINT_URL_SSO", emu.url())];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    invoke(&sb, "dev", &env).code(0);
    assert_eq!(emu.counter("credentials.issued.aws.sso"), 1);
    write(
        &cached,
        r#"{"accessToken": "sso-S3CRET-access", "expiresAt": "2020-01-01T00:00:00Z"}"#,
    );
    std::fs::remove_dir_all(sb.cache()).unwrap();
    invoke(&sb, "dev", &env)
        .code(3)
        .stderr_has("the SSO session has expired: run `aws sso login --profile dev`");
}

#[test]
fn credential_process_output_is_read_and_its_failures_shown_without_its_stdout() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.profiles(
        None,
        &[
            lambda(&emu, "proc").set("aws_profile", "proc"),
            lambda(&emu, "fails").set("aws_profile", "fails"),
            lambda(&emu, "garbage").set("aws_profile", "garbage"),
        ],
    );
    let script = sb.dir.path().join("creds.sh");
    write(
        &script,
        &format!("#!/bin/sh\nprintf '%s' '{{\"Version\": 1, \"AccessKeyId\": \"{AK}\", \"SecretAccessKey\": \"{SK}\"}}'\n"),
    );
    let fails = sb.dir.path().join("fails.sh");
    write(
        &fails,
        &format!("#!/bin/sh\necho 'token expired, run login' >&2\necho '{SK}'\nexit 2\n"),
    );
    let garbage = sb.dir.path().join("garbage.sh");
    write(&garbage, &format!("#!/bin/sh\necho 'not json {SK}'\n"));
    aws_files(
        &sb,
        "",
        &format!(
            "[profile proc]\ncredential_process = sh {}\n[profile fails]\ncredential_process = sh {}\n[profile garbage]\ncredential_process = sh {}\n",
            script.display(),
            fails.display(),
            garbage.display()
        ),
    );
    invoke(&sb, "proc", &[]).code(0);
    let o = invoke(&sb, "fails", &[]);
    o.code(3).stderr_has(
        "credential_process of AWS profile fails: exited with status 2: token expired, run login",
    );
    let o = invoke(&sb, "garbage", &[]);
    o.code(3).stderr_has("printed something that is not JSON");
}

#[test]
fn container_credentials_with_a_token_or_a_token_file() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.profiles(None, &[lambda(&emu, "task")]);
    let uri = format!("{}/v2/credentials/task-1", emu.url());
    invoke(
        &sb,
        "task",
        &[
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri.as_str()),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", TOKEN),
        ],
    )
    .code(0);
    assert_eq!(emu.counter("credentials.issued.aws.container"), 1);
    let file = sb.dir.path().join("eks-pod-identity-token");
    write(&file, TOKEN);
    std::fs::remove_dir_all(sb.cache()).unwrap();
    let file = file.display().to_string();
    invoke(
        &sb,
        "task",
        &[
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", uri.as_str()),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", file.as_str()),
        ],
    )
    .code(0);
    assert_eq!(emu.counter("credentials.issued.aws.container"), 2);
    invoke(
        &sb,
        "task",
        &[(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "http://example.com/creds",
        )],
    )
    .code(3)
    .stderr_has("use https://");
}

#[test]
fn instance_metadata_v2_and_a_metadata_service_that_does_not_answer() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.profiles(None, &[lambda(&emu, "ec2")]);
    let imds = [
        ("AWS_EC2_METADATA_DISABLED", "false"),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &emu.url()),
    ];
    invoke(&sb, "ec2", &imds).code(0);
    assert_eq!(emu.counter("aws.imds.token"), 1);
    assert_eq!(emu.counter("aws.imds.refused"), 0);
    assert_eq!(emu.counter("credentials.issued.aws.imds"), 1);
    // a listener that never answers: given up on after the metadata timeout, exit 3
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    let o = invoke(
        &sb,
        "ec2",
        &[
            ("AWS_EC2_METADATA_DISABLED", "false"),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", &url),
        ],
    );
    o.code(3).stderr_has("did not answer within 1000 ms");
}

/// A batch of 1,000 lines fetches the role's credentials once; with 12-second credentials
/// (refreshed after 6 s, half their life), lines sent after that point use a second set.
#[test]
fn a_batch_fetches_once_and_again_only_after_the_credentials_expire() {
    let emu = Emulator::start_with(&["--credential-ttl", "12"]);
    let sb = Sandbox::new();
    sb.profiles(None, &[lambda(&emu, "role").set("aws_profile", "deploy")]);
    aws_files(
        &sb,
        &base_keys(),
        &format!("[profile deploy]\nrole_arn = {ROLE}\nsource_profile = base\n"),
    );
    let mut child = Command::new(bin())
        .args(["-p", "role", "batch", "echo", "-j", "8"])
        .env("FCALL_CONFIG", sb.config())
        .env("FCALL_CACHE_DIR", sb.cache())
        .env("HOME", sb.home())
        .env("AWS_SHARED_CREDENTIALS_FILE", sb.aws_file("credentials"))
        .env("AWS_CONFIG_FILE", sb.aws_file("config"))
        .env("AWS_ENDPOINT_URL_STS", emu.url())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_PROFILE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let mut ok = 0;
    let mut read = |n: usize, ok: &mut usize| {
        for _ in 0..n {
            line.clear();
            stdout.read_line(&mut line).unwrap();
            let env: serde_json::Value = serde_json::from_str(&line).unwrap();
            *ok += usize::from(env["ok"] == true);
        }
    };
    for i in 0..500 {
        writeln!(stdin, "{{\"i\":{i}}}").unwrap();
    }
    stdin.flush().unwrap();
    read(500, &mut ok);
    assert_eq!(emu.counter("credentials.issued.aws.sts.assume_role"), 1);
    // past the first credentials' refresh point (half of their 12 s): a deadline, not a race
    let issued = std::time::Instant::now();
    while issued.elapsed() < std::time::Duration::from_millis(6_100) {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    for i in 500..1000 {
        writeln!(stdin, "{{\"i\":{i}}}").unwrap();
    }
    drop(stdin);
    read(500, &mut ok);
    let status = child.wait().unwrap();
    assert_eq!(ok, 1000);
    assert_eq!(status.code(), Some(0));
    assert_eq!(emu.counter("credentials.issued.aws.sts.assume_role"), 2);
    assert_eq!(emu.counter("credentials.refused.expired"), 0);
    assert_eq!(emu.counter("aws.sync.echo"), 1000);
}

/// `-v` and `--dry-run` with fetched credentials: the web identity token, the issued
/// secret and the session token never show (the harness in `Outcome::of` looks for them).
#[test]
fn verbose_and_dry_run_never_show_fetched_secrets() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.profiles(None, &[lambda(&emu, "ci")]);
    let token = sb.dir.path().join("oidc-token");
    write(&token, "wi-S3CRET-jwt");
    let token = token.display().to_string();
    let env = [
        ("AWS_ROLE_ARN", ROLE),
        ("AWS_WEB_IDENTITY_TOKEN_FILE", token.as_str()),
        ("AWS_ENDPOINT_URL_STS", &emu.url()),
    ];
    let mut c = sb.cmd();
    c.args(["-v", "-p", "ci", "invoke", "echo", "-d", "{}"]);
    for (k, v) in env {
        c.env(k, v);
    }
    let o = Outcome::of(c.assert());
    o.code(0).stderr_has("> X-Amz-Security-Token: ****");
    let mut c = sb.cmd();
    c.args(["-p", "ci", "invoke", "echo", "--dry-run"]);
    for (k, v) in env {
        c.env(k, v);
    }
    Outcome::of(c.assert()).code(0);
    assert_eq!(
        emu.counter("credentials.issued"),
        1,
        "--dry-run fetches nothing"
    );
}

#[test]
fn profile_import_lists_and_points_at_the_aws_profiles() {
    let sb = Sandbox::new();
    sb.profiles(None, &[]);
    aws_files(
        &sb,
        &base_keys(),
        &format!(
            "[profile deploy]\nrole_arn = {ROLE}\nsource_profile = base\nregion = eu-west-1\n"
        ),
    );
    let o = sb.run(&["profile", "import"]);
    o.code(0)
        .stdout_has("aws       deploy  role via base")
        .stdout_has("aws       base    static keys");
    sb.run(&["profile", "import", "deploy", "--prefix", "aws-"])
        .code(0);
    let o = sb.run(&["profile", "show", "aws-deploy", "--resolve"]);
    o.code(0)
        .stdout_has("aws_profile = \"deploy\"")
        .stdout_has("(assume-role)")
        .stdout_has("# region       eu-west-1  ← ")
        .stdout_has("fetched from  STS AssumeRole arn:aws:iam::123456789012:role/deploy");
    assert!(!o.stdout_str().contains(SK));
    sb.run(&["profile", "import", "nosuch"])
        .code(2)
        .stderr_has("no vendor profile 'nosuch'");
}

/// One batch of 1,000 lines on web identity credentials: one AssumeRoleWithWebIdentity.
#[test]
fn a_thousand_line_batch_fetches_the_credentials_once() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.profiles(None, &[lambda(&emu, "ci")]);
    let token = sb.dir.path().join("oidc-token");
    write(&token, "wi-S3CRET-jwt");
    let input: String = (0..1000).map(|i| format!("{{\"i\":{i}}}\n")).collect();
    let o = Outcome::of(
        sb.cmd()
            .args(["-p", "ci", "batch", "echo", "-j", "16"])
            .env("AWS_ROLE_ARN", ROLE)
            .env("AWS_WEB_IDENTITY_TOKEN_FILE", &token)
            .env("AWS_ENDPOINT_URL_STS", emu.url())
            .write_stdin(input)
            .assert(),
    );
    o.code(0).stderr_has("ok 1000");
    assert_eq!(emu.counter("credentials.issued.aws.sts.web_identity"), 1);
    assert_eq!(emu.counter("aws.sync.echo"), 1000);
}
