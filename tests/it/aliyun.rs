//! End to end: the built binary against the emulator's Function Compute (FC 2.0 with
//! FC-native signing, FC 3.0 with ACS3), sync, async, stateful invocations, every exit code.

use crate::support::*;

fn setup() -> (Emulator, Sandbox) {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.aliyun_profiles(&emu);
    (emu, sb)
}

#[test]
fn sync_with_tail_and_summary() {
    let (emu, sb) = setup();
    let o = sb.run(&["invoke", "svc/echo", "-d", "hello bytes", "--tail"]);
    o.code(0);
    assert_eq!(o.stdout, b"hello bytes");
    o.stderr_has("FC Invoke Start RequestId: ")
        .stderr_has("你好, función ✓")
        .stderr_has("ok · HTTP 200 · request ")
        .stderr_has("duration 3 ms")
        .stderr_has("memory 10.83 MB")
        .stderr_has("version LATEST")
        .stderr_has("instance c-");
    assert_eq!(emu.counter("aliyun.sync.echo"), 1);
}

#[test]
fn qualifier_and_default_service() {
    let (_emu, sb) = setup();
    sb.run(&["invoke", "svc/echo", "--qualifier", "prod", "-d", "1"])
        .code(0)
        .stderr_has("version prod");
    // the profile's service completes a bare function name
    let o = sb.run(&["invoke", "echo", "-d", "2"]);
    o.code(0);
    assert_eq!(o.stdout, b"2");
    // the FC SDKs' path prefix
    sb.run(&[
        "-p",
        "fc2016",
        "invoke",
        "svc/echo",
        "--qualifier",
        "3",
        "-d",
        "3",
    ])
    .code(0)
    .stderr_has("version 3");
    sb.run(&["-p", "fc2016", "invoke", "echo"])
        .code(2)
        .stderr_has("write SERVICE/FUNCTION or set `service` in the profile");
    sb.run(&["invoke", "svc/echo", "--qualifier", "a.b"])
        .code(2)
        .stderr_has("invalid qualifier");
}

#[test]
fn long_tail_is_decoded_and_flagged_at_4kb() {
    let (_emu, sb) = setup();
    let o = sb.run(&["invoke", "svc/longlog", "--tail", "--output", "json"]);
    o.code(0);
    let j = o.json();
    assert_eq!(j["log_truncated"], true);
    let log = j["log"].as_str().unwrap();
    assert!(!log.contains('\u{FFFD}'));
    assert!(log.contains("日志 línea données ✓"));
    assert!(log.ends_with("Max Memory Used: 10.83 MB\n"));
    assert_eq!(j["provider"], "aliyun");
    assert_eq!(j["function"], "svc/longlog");
}

#[test]
fn function_error_exits_6() {
    let (_emu, sb) = setup();
    sb.run(&["invoke", "svc/fail", "--tail"])
        .code(6)
        .stderr_has("function error: ZeroDivisionError: division by zero")
        .stderr_has("Traceback");
}

#[test]
fn refusals_exit_3_and_4() {
    let (emu, sb) = setup();
    let mut c = sb.cmd();
    c.env("TEST_HW_SK", "wrong-secret")
        .args(["invoke", "svc/echo"]);
    Outcome::of(c.assert())
        .code(3)
        .stderr_has("Function Compute refused the request: SignatureNotMatch")
        .stderr_has("(HTTP 403, request id ")
        .stderr_has("check access_key_id and access_key_secret");
    sb.run(&["invoke", "svc/nosuch"])
        .code(4)
        .stderr_has("FunctionNotFound function 'nosuch' does not exist (HTTP 404, request id ");
    sb.run(&["invoke", "missing-svc/echo"])
        .code(4)
        .stderr_has("ServiceNotFound");
    // nothing reached a function
    assert_eq!(emu.counter("aliyun.sync.echo"), 0);
}

#[test]
fn async_with_an_invocation_id() {
    let (emu, sb) = setup();
    let o = sb.run(&[
        "invoke",
        "svc/echo",
        "--async",
        "--invocation-id",
        "job-001",
        "-d",
        "x",
    ]);
    o.code(0)
        .stderr_has("accepted · HTTP 202 · request ")
        .stderr_has("invocation job-001");
    assert!(o.stdout.is_empty());
    let o = sb.run(&[
        "invoke",
        "svc/echo",
        "--async",
        "--invocation-id",
        "_job-2",
        "--output",
        "json",
    ]);
    assert_eq!(o.code(0).json()["invocation_id"], "_job-2");
    assert_eq!(emu.counter("aliyun.async.echo"), 2);
}

#[test]
fn invalid_invocation_ids_are_refused_before_sending() {
    let (emu, sb) = setup();
    let long = "a".repeat(129);
    for bad in ["1job", "job 1", "job.1", "", long.as_str()] {
        sb.run(&["invoke", "svc/echo", "--async", "--invocation-id", bad])
            .code(2)
            .stderr_has("invalid invocation id");
    }
    assert_eq!(emu.counter("requests"), 0);
}

#[test]
fn wait_turns_a_task_into_its_result() {
    let (emu, sb) = setup();
    let o = sb.run(&[
        "invoke",
        "svc/echo",
        "--async",
        "--wait",
        "-d",
        "task output",
    ]);
    o.code(0).stderr_has("async status Succeeded");
    assert_eq!(o.stdout, b"task output");
    // Enqueued, Running, Succeeded
    assert_eq!(emu.counter("aliyun.status"), 3);

    let o = sb.run(&[
        "invoke",
        "svc/fail",
        "--async",
        "--wait",
        "--invocation-id",
        "job-f",
        "--output",
        "json",
    ]);
    o.code(6);
    let j = o.json();
    assert_eq!(j["async_status"], "Failed");
    assert_eq!(j["invocation_id"], "job-f");
    assert_eq!(
        j["function_error"]["message"],
        "UnhandledInvocationError: division by zero"
    );
}

#[test]
fn status_and_stop() {
    let (emu, sb) = setup();
    sb.run(&["invoke", "svc/slow", "--async", "--invocation-id", "job-s"])
        .code(0);
    assert_eq!(
        sb.run(&["status", "svc/slow", "job-s"])
            .code(0)
            .stdout_str(),
        "Enqueued\n"
    );
    sb.run(&["stop", "svc/slow", "job-s"])
        .code(0)
        .stderr_has("asked Function Compute to stop job-s");
    assert_eq!(emu.counter("aliyun.stop"), 1);
    let o = sb.run(&["status", "svc/slow", "job-s", "--output", "json"]);
    o.code(6);
    assert_eq!(o.json()["status"], "Stopped");
    sb.run(&["status", "svc/slow", "nope"]).code(4);
    sb.run(&["stop", "svc/slow", "nope"])
        .code(4)
        .stderr_has("StatefulAsyncInvocationNotFound");
    sb.run(&["status", "svc/slow", "9bad"]).code(2);
}

#[test]
fn sts_token_is_sent_and_signed() {
    let (emu, sb) = setup();
    sb.run(&["-p", "sts", "invoke", "svc/echo", "-d", "1"])
        .code(0);
    assert_eq!(emu.counter("aliyun.sts"), 1);
    let o = sb.run(&["-p", "sts", "invoke", "svc/echo", "--dry-run"]);
    o.code(0)
        .stdout_has("x-fc-security-token: ****\n")
        .stdout_has("Authorization: ****\n");
}

#[test]
fn fc3_invokes_waits_and_stops() {
    let (emu, sb) = setup();
    let o = sb.run(&[
        "-p",
        "fc3",
        "invoke",
        "echo",
        "--qualifier",
        "prod",
        "-d",
        "v3",
        "--tail",
    ]);
    o.code(0).stderr_has("version prod");
    assert_eq!(o.stdout, b"v3");
    let o = sb.run(&[
        "-p", "fc3", "invoke", "echo", "--async", "--wait", "-d", "t",
    ]);
    o.code(0).stderr_has("async status Succeeded");
    assert_eq!(o.stdout, b"t");
    sb.run(&[
        "-p",
        "fc3",
        "invoke",
        "slow",
        "--async",
        "--invocation-id",
        "t-1",
    ])
    .code(0);
    sb.run(&["-p", "fc3", "stop", "slow", "t-1"]).code(0);
    sb.run(&["-p", "fc3", "invoke", "svc/echo"])
        .code(2)
        .stderr_has("FC 3.0 has no services");
    sb.run(&["-p", "fc3", "invoke", "fail"]).code(6);
    assert_eq!(emu.counter("aliyun.stop"), 1);
}

#[test]
fn environment_keys_override_the_profile() {
    let (_emu, sb) = setup();
    let mut c = sb.cmd();
    c.env("TEST_HW_SK", "wrong-secret")
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", AK)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SK)
        .args(["invoke", "svc/echo", "-d", "env"]);
    let o = Outcome::of(c.assert());
    o.code(0);
    assert_eq!(o.stdout, b"env");
}

#[test]
fn dry_run_shows_the_signed_fc_request() {
    let (emu, sb) = setup();
    let o = sb.run(&[
        "invoke",
        "svc/echo",
        "--qualifier",
        "prod",
        "--tail",
        "-d",
        "{}",
        "--dry-run",
    ]);
    o.code(0);
    let out = o.stdout_str();
    assert!(out.starts_with(&format!(
        "POST {}/2021-04-06/services/svc.prod/functions/echo/invocations\n",
        emu.url()
    )));
    for h in [
        "X-Fc-Invocation-Type: Sync\n",
        "X-Fc-Log-Type: Tail\n",
        &format!("X-Fc-Account-Id: {ACCOUNT}\n"),
        "Authorization: ****\n",
    ] {
        assert!(out.contains(h), "missing {h:?} in\n{out}");
    }
    assert!(out.contains("\nDate: "), "{out}");
    assert_eq!(emu.counter("requests"), 0);
}

#[test]
fn throttling_is_retried_for_async_only() {
    let (emu, sb) = setup();
    // `busy` answers 429 ResourceExhausted to every other call
    sb.run(&["invoke", "svc/busy", "--async", "--invocation-id", "b-1"])
        .code(0);
    assert_eq!(
        emu.counter("aliyun.busy.calls"),
        2,
        "the async call was sent again"
    );
    sb.run(&["invoke", "svc/busy", "-d", "x"])
        .code(4)
        .stderr_has("ResourceExhausted");
    assert_eq!(emu.counter("aliyun.busy.calls"), 3, "the sync call was not");
}
