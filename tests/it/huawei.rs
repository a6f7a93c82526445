//! End to end: the built binary against the emulator's FunctionGraph, every auth mode,
//! sync and async, and every exit code. What Function Compute does alike (sync, tail,
//! errors, async, wait, dry run) is in `shared`, run for both.

use crate::support::*;

fn setup() -> (Emulator, Sandbox) {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.huawei_profiles(&emu);
    (emu, sb)
}

#[test]
fn every_auth_mode_invokes_sync_and_async() {
    let (emu, sb) = setup();
    for profile in ["token", "aksk", "iam"] {
        let o = sb.run(&["-p", profile, "invoke", "echo", "-d", "[1,2]"]);
        o.code(0);
        assert_eq!(o.stdout, b"[1,2]", "profile {profile}");
        let o = sb.run(&["-p", profile, "invoke", "echo", "--async"]);
        o.code(0).stderr_has("accepted · HTTP 202 · request ");
        assert!(o.stdout.is_empty());
    }
    assert_eq!(emu.counter("huawei.sync.echo"), 3);
    assert_eq!(emu.counter("huawei.async.echo"), 3);
}

#[test]
fn wrong_token_exits_3() {
    let (_emu, sb) = setup();
    sb.run(&["-p", "badtoken", "invoke", "echo"])
        .code(3)
        .stderr_has("FunctionGraph refused the request: APIGW.0301 Incorrect IAM authentication information: decrypt token fail (HTTP 401")
        .stderr_has("check the profile's token");
}

#[test]
fn unreachable_endpoint_exits_5() {
    let sb = Sandbox::new();
    // a port that was free a moment ago: nothing listens there
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    sb.profiles(
        None,
        &[profile("p", "huawei")
            .set("region", "cn-north-4")
            .set("project_id", PROJECT)
            .set("endpoint", format!("http://127.0.0.1:{port}"))
            .set("token", TOKEN)],
    );
    sb.run(&["invoke", "echo", "--retries", "0"])
        .code(5)
        .stderr_has(&format!("could not connect to 127.0.0.1:{port}"));
}

#[test]
fn sync_timeout_exits_5_and_suggests_async() {
    let (emu, sb) = setup();
    sb.run(&[
        "invoke",
        "slow",
        "-d",
        r#"{"sleep_ms":20000}"#,
        "--timeout",
        "1",
    ])
    .code(5)
    .stderr_has("no answer from")
    .stderr_has("--async --wait");
    // timed-out sync calls are not retried: the function may have run
    assert_eq!(emu.counter("huawei.sync.slow"), 1);
}

#[test]
fn unknown_profile_exits_3() {
    let (_emu, sb) = setup();
    sb.run(&["-p", "nope", "invoke", "echo"])
        .code(3)
        .stderr_has("nope");
}

#[test]
fn no_config_at_all_exits_3_with_the_fix() {
    let sb = Sandbox::new();
    sb.run(&["invoke", "echo"])
        .code(3)
        .stderr_has("fcall profile add");
}

#[test]
fn wait_on_a_sync_call_changes_nothing() {
    let (emu, sb) = setup();
    let o = sb.run(&["invoke", "echo", "--wait", "-d", "1"]);
    assert_eq!(o.code(0).stdout, b"1");
    assert_eq!(emu.counter("huawei.sync.echo"), 1);
    sb.run(&["invoke", "echo", "--listen", "127.0.0.1:0", "--wait"])
        .code(2)
        .stderr_has("--listen receives callbacks");
}

#[test]
fn iam_token_is_fetched_once_and_cached_privately() {
    let (emu, sb) = setup();
    sb.run(&["-p", "iam", "invoke", "echo"]).code(0);
    sb.run(&["-p", "iam", "invoke", "echo"]).code(0);
    assert_eq!(emu.counter("huawei.iam.tokens"), 1);
    let files: Vec<_> = std::fs::read_dir(sb.cache().join("tokens"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&files[0]).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn stale_cached_iam_token_is_refetched_once() {
    let (emu, sb) = setup();
    sb.run(&["-p", "iam", "invoke", "echo"]).code(0);
    // replace the cached token by one the emulator never issued, still "valid" by its date
    let dir = sb.cache().join("tokens");
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::fs::write(
        &file,
        r#"{"value":"revoked-token","expires_at":4102444800}"#,
    )
    .unwrap();
    sb.run(&["-p", "iam", "invoke", "echo"]).code(0);
    assert_eq!(emu.counter("huawei.iam.tokens"), 2);
    // the 401 did not run the function: one run per successful invocation
    assert_eq!(emu.counter("huawei.sync.echo"), 2);
}

#[test]
fn wrong_iam_password_exits_3() {
    let (_emu, sb) = setup();
    std::fs::write(sb.secret_file(), "wrong").unwrap();
    sb.run(&["-p", "iam", "invoke", "echo"])
        .code(3)
        .stderr_has("IAM refused the token request: The username or password is wrong. (HTTP 401)");
}

#[test]
fn payload_from_file_stdin_and_pipe() {
    let (_emu, sb) = setup();
    let file = sb.dir.path().join("event.json");
    std::fs::write(&file, "{\"from\":\"file\"}").unwrap();
    let at = format!("@{}", file.display());
    assert_eq!(
        sb.run(&["invoke", "echo", "-d", &at]).stdout,
        b"{\"from\":\"file\"}"
    );

    let mut c = sb.cmd();
    c.args(["invoke", "echo", "-d", "@-"])
        .write_stdin("{\"from\":\"stdin\"}");
    assert_eq!(
        Outcome::of(c.assert()).code(0).stdout,
        b"{\"from\":\"stdin\"}"
    );

    let mut c = sb.cmd();
    c.args(["invoke", "echo"])
        .write_stdin("{\"from\":\"pipe\"}");
    assert_eq!(
        Outcome::of(c.assert()).code(0).stdout,
        b"{\"from\":\"pipe\"}"
    );

    sb.run(&["invoke", "echo", "-d", "@/no/such/file.json"])
        .code(2)
        .stderr_has("-d @/no/such/file.json: cannot read the payload file");
    sb.run(&[
        "invoke",
        "echo",
        "-d",
        &format!("@{}", sb.dir.path().display()),
    ])
    .code(2)
    .stderr_has("is a directory");
}

// the AK/SK dry run is `shared::huawei::dry_run_shows_the_signed_request`
#[test]
fn dry_run_masks_tokens_and_fetches_none() {
    let (emu, sb) = setup();
    let o = sb.run(&["invoke", "echo", "--dry-run"]);
    o.code(0).stdout_has("X-Auth-Token: ****\n");
    let o = sb.run(&["-p", "iam", "invoke", "echo", "--dry-run"]);
    o.code(0).stdout_has("X-Auth-Token: ****\n");
    assert_eq!(
        emu.counter("requests"),
        0,
        "dry runs touch neither the API nor IAM"
    );
}

#[test]
fn alias_and_version_qualifiers_reach_the_function() {
    let (_emu, sb) = setup();
    for q in ["!prod", "alias:prod", "v2", "latest"] {
        sb.run(&["-p", "aksk", "invoke", "echo", "--qualifier", q, "-d", "1"])
            .code(0);
    }
    let urn = format!("urn:fss:cn-north-4:{PROJECT}:function:pkg:echo:!blue");
    sb.run(&["invoke", &urn, "-d", "1"]).code(0);
    sb.run(&["invoke", "pkg/echo", "-d", "1"]).code(0);
}

#[test]
fn malformed_functions_are_usage_errors_naming_the_field() {
    let (emu, sb) = setup();
    sb.run(&["invoke", "urn:fss:cn-north-4:p:func:default:echo"])
        .code(2)
        .stderr_has("expected urn:fss:REGION:PROJECT_ID:function:PACKAGE:NAME");
    sb.run(&["invoke", "9lives"])
        .code(2)
        .stderr_has("function name '9lives'");
    sb.run(&["invoke", "echo", "--qualifier", "alias:"])
        .code(2)
        .stderr_has("alias ''");
    sb.run(&["invoke", "echo", "--qualifier", "v 1"])
        .code(2)
        .stderr_has("version 'v 1'");
    let urn = format!("urn:fss:cn-north-4:{PROJECT}:function:default:echo:v1");
    sb.run(&["invoke", &urn, "--qualifier", "v2"])
        .code(2)
        .stderr_has("give one of them");
    sb.run(&["invoke", "echo", "-H", "novalue"])
        .code(2)
        .stderr_has("Name: value");
    assert_eq!(emu.counter("requests"), 0);
}

#[test]
fn verbose_shows_the_exchange_with_secrets_masked() {
    let (_emu, sb) = setup();
    for p in ["token", "aksk", "iam"] {
        sb.run(&["-v", "-p", p, "invoke", "echo"])
            .code(0)
            .stderr_has("> POST ")
            .stderr_has("< HTTP 200");
    }
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let (_emu, sb) = setup();
    let o = sb.run(&["invoke", "fail"]);
    assert!(!o.stderr.contains('\x1b'), "not a terminal: no colour");
    let o = sb.run(&["--color", "always", "invoke", "fail"]);
    assert!(o.stderr.contains('\x1b'), "--color always colours");
    let mut c = sb.cmd();
    c.env("NO_COLOR", "1").args(["invoke", "fail"]);
    assert!(!Outcome::of(c.assert()).stderr.contains('\x1b'));
}

#[test]
fn status_looks_once_and_stop_is_not_offered() {
    let (_emu, sb) = setup();
    let o = sb.run(&["invoke", "fail", "--async", "--output", "json"]);
    let id = o.json()["invocation_id"].as_str().unwrap().to_string();
    assert_eq!(o.json()["request_id"], id.as_str());
    // the emulator reports RUNNING first, then the outcome
    assert_eq!(
        sb.run(&["status", "fail", &id]).code(0).stdout_str(),
        "RUNNING\n"
    );
    let o = sb.run(&["status", "fail", &id, "--output", "json"]);
    o.code(6);
    let j = o.json();
    assert_eq!(j["status"], "FAIL");
    assert_eq!(j["terminal"], true);
    assert_eq!(j["error_message"], "ZeroDivisionError: division by zero");
    sb.run(&["status", "echo", "no-such-id"])
        .code(4)
        .stderr_has("does not know");
    sb.run(&["stop", "echo", &id])
        .code(2)
        .stderr_has("cannot stop");
}

#[test]
fn a_reader_that_goes_away_is_not_an_error() {
    use std::io::Read;
    let (_emu, sb) = setup();
    let file = sb.dir.path().join("big.json");
    std::fs::write(&file, format!("\"{}\"", "x".repeat(2 << 20))).unwrap();
    let mut child = std::process::Command::new(bin())
        .env("FCALL_CONFIG", sb.config())
        .env("FCALL_CACHE_DIR", sb.cache())
        .args(["invoke", "echo", "-d", &format!("@{}", file.display())])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // like `| head -c1`: read one byte, then close the pipe
    let mut stdout = child.stdout.take().unwrap();
    let mut one = [0u8; 1];
    stdout.read_exact(&mut one).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
}
