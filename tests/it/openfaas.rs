//! End to end: the built binary against the emulator's OpenFaaS gateway: sync with any
//! method, extra path, query and namespace; function failures against gateway refusals;
//! basic auth; async with the result received on a callback.

use crate::support::*;

fn setup() -> (Emulator, Sandbox) {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.openfaas_profiles(&emu);
    (emu, sb)
}

#[test]
fn sync_passes_method_path_query_and_payload() {
    let (emu, sb) = setup();
    let o = sb.run(&["invoke", "echo", "-d", "hello", "-t", "text/plain"]);
    o.code(0)
        .stderr_has("ok · HTTP 200 · request ")
        .stderr_has("duration 4 ms");
    assert_eq!(o.stdout, b"hello");
    let o = sb.run(&[
        "invoke",
        "inspect/orders/42",
        "-X",
        "DELETE",
        "--query",
        "dry=yes",
        "--query",
        "a b=c",
    ]);
    o.code(0);
    assert_eq!(
        o.json(),
        serde_json::json!({"method": "DELETE", "path": "/orders/42", "query": {"dry": "yes", "a b": "c"}, "namespace": "openfaas-fn"})
    );
    sb.run(&["invoke", "echo", "-X", "TRACE"])
        .code(2)
        .stderr_has("OpenFaaS functions take POST, GET, PUT, PATCH, DELETE");
    assert_eq!(emu.counter("openfaas.sync.echo"), 1);
}

#[test]
fn namespaces_from_the_profile_or_the_name() {
    let (_emu, sb) = setup();
    let ns = |o: &Outcome| o.json()["namespace"].as_str().unwrap().to_string();
    assert_eq!(
        ns(sb.run(&["-p", "dev", "invoke", "inspect"]).code(0)),
        "dev"
    );
    assert_eq!(ns(sb.run(&["invoke", "inspect.dev"]).code(0)), "dev");
    sb.run(&["invoke", "inspect.prod"])
        .code(4)
        .stderr_has("Cannot find service: inspect.prod.");
    sb.run(&["invoke", "echo.", "-d", "x"])
        .code(2)
        .stderr_has("write NAME or NAME.NAMESPACE");
}

#[test]
fn function_failures_exit_6_and_gateway_refusals_4() {
    let (_emu, sb) = setup();
    let o = sb.run(&["invoke", "fail"]);
    o.code(6)
        .stderr_has("function error: HTTP 500: ZeroDivisionError: division by zero")
        .stderr_has("failed · HTTP 500");
    let j = sb
        .run(&["invoke", "fail", "--output", "json"])
        .code(6)
        .json();
    assert_eq!(j["function_error"]["kind"], "HTTP 500");
    let o = sb.run(&["invoke", "nosuch"]);
    o.code(4).stderr_has(
        "OpenFaaS refused the request: Cannot find service: nosuch.openfaas-fn. (HTTP 404)",
    );
    assert_eq!(o.stderr.lines().count(), 1);
}

#[test]
fn basic_auth_is_sent_only_when_the_gateway_asks() {
    let (emu, sb) = setup();
    let o = sb.run(&["invoke", "echo", "--dry-run"]);
    o.code(0);
    assert!(
        !o.stdout_str().contains("Authorization"),
        "{}",
        o.stdout_str()
    );
    // the first call meets the challenge and answers it; later calls of the command send it
    sb.run(&["invoke", "echo", "-d", "x"]).code(0);
    assert_eq!(emu.counter("openfaas.unauthorized"), 1);
    let mut c = sb.cmd();
    c.args(["batch", "echo", "-j", "1"])
        .write_stdin("1\n2\n3\n");
    Outcome::of(c.assert()).code(0);
    assert_eq!(emu.counter("openfaas.unauthorized"), 2);
    assert_eq!(emu.counter("openfaas.sync.echo"), 4);
    sb.run(&["-p", "badpass", "invoke", "echo"])
        .code(3)
        .stderr_has("HTTP 401")
        .stderr_has("check the profile's username and password");
    sb.run(&["-p", "noauth", "invoke", "echo"])
        .code(3)
        .stderr_has("add username and password");
}

#[test]
fn a_503_with_a_body_is_not_sent_again() {
    // a 503 with a body may be the function's own answer: it may have run, so no retry
    let (emu, sb) = setup();
    sb.run(&["invoke", "echo", "-H", "X-Emulator-Fault: 503"])
        .code(6)
        .stderr_has("HTTP 503");
    assert_eq!(emu.counter("faults.503"), 1);
}

#[test]
fn a_callers_call_id_is_kept() {
    let (_emu, sb) = setup();
    sb.run(&["invoke", "echo", "-H", "X-Call-Id: my-call-1", "-d", "x"])
        .code(0)
        .stderr_has("request my-call-1");
}

#[test]
fn async_with_a_callback_url_is_accepted() {
    let (emu, sb) = setup();
    sb.run(&[
        "invoke",
        "echo",
        "--async",
        "--callback-url",
        "http://127.0.0.1:9/cb",
    ])
    .code(0)
    .stderr_has("accepted · HTTP 202 · request ");
    assert_eq!(emu.counter("openfaas.async.echo"), 1);
    // OpenFaaS takes an async call without a callback (its result is dropped)
    sb.run(&["invoke", "echo", "--async"])
        .code(0)
        .stderr_has("accepted · HTTP 202");
    // one command line for every profile (issue 17): --tail is a note here, not an error
    let o = sb.run(&["invoke", "echo", "--tail", "--output", "json"]);
    o.code(0)
        .stderr_has("--tail: OpenFaaS returns no log with the result");
    assert!(o.json()["log"].is_null());
    sb.run(&["invoke", "echo", "--async", "--wait"])
        .code(2)
        .stderr_has("--listen");
}

#[test]
fn async_wait_receives_the_result_on_a_callback() {
    let (emu, sb) = setup();
    let o = sb.run(&[
        "invoke",
        "job",
        "--async",
        "--wait",
        "--listen",
        "127.0.0.1:0",
        "-d",
        r#"{"job":7}"#,
    ]);
    o.code(0)
        .stderr_has("accepted · ")
        .stderr_has("async status HTTP 200");
    assert_eq!(o.stdout, br#"{"job":7}"#);
    assert_eq!(emu.counter("callbacks.delivered"), 1);
    let o = sb.run(&[
        "invoke",
        "fail",
        "--async",
        "--wait",
        "--listen",
        "127.0.0.1:0",
        "--output",
        "json",
    ]);
    o.code(6);
    let j = o.json();
    assert_eq!(j["async_status"], "HTTP 500");
    assert!(j["function_error"]["message"]
        .as_str()
        .unwrap()
        .contains("division by zero"));
}

#[test]
fn an_unknown_function_queued_async_fails_on_its_callback() {
    // OpenFaaS queues a call to a function it does not have (202) and reports the 404 only
    // on the callback: with --wait the run ends failed, saying so
    let (_emu, sb) = setup();
    sb.run(&[
        "invoke",
        "nosuch",
        "--async",
        "--callback-url",
        "http://127.0.0.1:9/cb",
    ])
    .code(0)
    .stderr_has("accepted · HTTP 202");
    sb.run(&[
        "invoke",
        "nosuch",
        "--async",
        "--wait",
        "--listen",
        "127.0.0.1:0",
    ])
    .code(6)
    .stderr_has("HTTP 404")
    .stderr_has("Cannot find service: nosuch.openfaas-fn.");
}

#[test]
fn credentials_stored_by_faas_cli_login_are_used() {
    let (emu, sb) = setup();
    let dir = sb.dir.path().join("openfaas");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.yml"),
        format!(
            "auths:\n- gateway: {}\n  auth: basic\n  token: {BASIC_B64}\n",
            emu.url()
        ),
    )
    .unwrap();
    sb.run(&["-p", "noauth", "invoke", "echo", "-d", "x"])
        .code(0);
}
