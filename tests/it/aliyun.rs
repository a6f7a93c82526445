//! End to end: the built binary against the emulator's Function Compute (FC 2.0 with
//! FC-native signing, FC 3.0 with ACS3), sync, async, stateful invocations, every exit code.
//! What FunctionGraph does alike (sync, tail, errors, async, wait, dry run) is in `shared`,
//! run for both.

use crate::support::*;

fn setup() -> (Emulator, Sandbox) {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.aliyun_profiles(&emu);
    (emu, sb)
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

// a wrong secret and an unknown function are `shared::aliyun::wrong_secret_exits_3` and
// `shared::aliyun::unknown_function_exits_4`
#[test]
fn unknown_service_exits_4() {
    let (emu, sb) = setup();
    sb.run(&["invoke", "missing-svc/echo"])
        .code(4)
        .stderr_has("ServiceNotFound");
    // nothing reached a function
    assert_eq!(emu.counter("aliyun.sync.echo"), 0);
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
