//! End to end: the built binary against the emulator's Altair IoT Studio: OAuth2 tokens
//! cached across runs, any-method sync invocation, errors, "not ready", and async results
//! received as callbacks.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::support::*;

fn setup() -> (Emulator, Sandbox) {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.altair_profiles(&emu);
    (emu, sb)
}

#[test]
fn get_with_path_and_query_and_one_token_for_three_calls() {
    let (emu, sb) = setup();
    for _ in 0..3 {
        let o = sb.run(&[
            "invoke",
            "stock-quote/market/today",
            "-X",
            "GET",
            "--query",
            "company=Google",
        ]);
        o.code(0);
        let j = o.json();
        assert_eq!(j["method"], "GET");
        assert_eq!(j["path"], "/market/today");
        assert_eq!(j["query"]["company"], "Google");
    }
    assert_eq!(
        emu.counter("altair.tokens"),
        1,
        "the token is cached across runs"
    );
    assert_eq!(emu.counter("altair.sync.stock-quote"), 3);
}

#[test]
fn every_method_reaches_the_function() {
    let (emu, sb) = setup();
    for m in ["POST", "GET", "PUT", "PATCH", "delete"] {
        let o = sb.run(&["invoke", "echo", "-X", m, "-d", "payload"]);
        o.code(0);
        assert_eq!(o.stdout, b"payload");
    }
    assert_eq!(emu.counter("altair.sync.echo"), 5);
    sb.run(&["invoke", "echo", "-X", "HEAD"])
        .code(2)
        .stderr_has("Altair IoT Studio functions take POST, GET, PUT, PATCH, DELETE");
    sb.run(&["invoke", "echo", "--query", "novalue"])
        .code(2)
        .stderr_has("KEY=VALUE");
}

#[test]
fn expired_or_revoked_tokens_are_fetched_again() {
    let (emu, sb) = setup();
    sb.run(&["invoke", "echo"]).code(0);
    let dir = sb.cache().join("tokens");
    let file = std::fs::read_dir(&dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    // expired: fetched anew before the call
    let cached: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    std::fs::write(
        &file,
        format!(r#"{{"value":{},"expires_at":1}}"#, cached["value"]),
    )
    .unwrap();
    sb.run(&["invoke", "echo"]).code(0);
    assert_eq!(emu.counter("altair.tokens"), 2);
    // revoked (unknown to the server) but not expired: a 401, then one more fetch
    std::fs::write(&file, r#"{"value":"revoked","expires_at":4102444800}"#).unwrap();
    sb.run(&["invoke", "echo", "-d", "x"]).code(0);
    assert_eq!(emu.counter("altair.tokens"), 3);
    assert_eq!(emu.counter("altair.sync.echo"), 3);
}

#[test]
fn oauth_errors_are_explained() {
    let (_emu, sb) = setup();
    let mut c = sb.cmd();
    c.env("TEST_ALTAIR_SECRET", "wrong")
        .args(["invoke", "echo"]);
    Outcome::of(c.assert())
        .code(3)
        .stderr_has("invalid_client")
        .stderr_has("check the profile's client_id and client_secret");
    sb.run(&["-p", "badscope", "invoke", "echo"])
        .code(3)
        .stderr_has("invalid_scope")
        .stderr_has("(function admin)");
}

#[test]
fn platform_and_function_errors() {
    let (_emu, sb) = setup();
    sb.run(&["invoke", "nosuch"])
        .code(4)
        .stderr_has("Altair IoT Studio refused the request: function not found (HTTP 404)");
    let o = sb.run(&["invoke", "fail"]);
    o.code(6).stderr_has(
        "function error: ZeroDivisionError: ZeroDivisionError at line 9: division by zero (at: return 1 / 0)",
    );
    // the function's own output is still on stdout
    assert!(o.stdout_str().contains("exception_type"));
    sb.run(&["-p", "static", "invoke", "echo", "-d", "s"])
        .code(0);
    let mut bad = sb.cmd();
    bad.args(["-p", "static", "invoke", "echo"]);
    std::fs::write(
        sb.config(),
        std::fs::read_to_string(sb.config())
            .unwrap()
            .replace(TOKEN, "not-a-token"),
    )
    .unwrap();
    Outcome::of(bad.assert())
        .code(3)
        .stderr_has("Unauthenticated (HTTP 401)");
}

#[test]
fn four_extra_levels_are_refused_before_sending() {
    let (emu, sb) = setup();
    sb.run(&["invoke", "echo/a/b/c/d"])
        .code(2)
        .stderr_has("Altair passes at most 3");
    sb.run(&["invoke", "Echo"]).code(2).stderr_has("lowercase");
    assert_eq!(emu.counter("requests"), 0);
}

#[test]
fn not_ready_is_reported_and_waited_out() {
    let (emu, sb) = setup();
    sb.run(&["invoke", "notready"])
        .code(4)
        .stderr_has("function not ready");
    let o = sb.run(&["invoke", "notready", "--wait", "-d", "ready now"]);
    o.code(0).stderr_has("function not ready yet; asking again");
    assert_eq!(o.stdout, b"ready now");
    assert_eq!(emu.counter("altair.notready.calls"), 3);
}

#[test]
fn async_needs_a_callback_and_shows_the_call_id() {
    let (emu, sb) = setup();
    sb.run(&["invoke", "echo", "--async"])
        .code(2)
        .stderr_has("--callback-url");
    sb.run(&["invoke", "echo", "--async", "--wait"])
        .code(2)
        .stderr_has("--listen");
    sb.run(&[
        "invoke",
        "echo",
        "--async",
        "-X",
        "GET",
        "--callback-url",
        "http://127.0.0.1:9/cb",
    ])
    .code(2)
    .stderr_has("POST only");
    let o = sb.run(&[
        "invoke",
        "echo",
        "--async",
        "--callback-url",
        "http://127.0.0.1:9/cb",
        "--output",
        "json",
    ]);
    o.code(0);
    assert_eq!(o.json()["status"], 202);
    assert!(
        o.json()["invocation_id"].as_str().is_some(),
        "X-Call-Id shown"
    );
    // the emulator calls back only on loopback
    sb.run(&[
        "invoke",
        "echo",
        "--async",
        "--callback-url",
        "http://192.0.2.1/cb",
    ])
    .code(0);
    assert_eq!(emu.counter("altair.async.echo"), 2);
}

#[test]
fn async_wait_receives_the_callback() {
    let (_emu, sb) = setup();
    let o = sb.run(&[
        "invoke",
        "job",
        "--async",
        "--wait",
        "--listen",
        "127.0.0.1:0",
        "-d",
        "job done",
    ]);
    o.code(0).stderr_has("async status HTTP 200");
    assert_eq!(o.stdout, b"job done");
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
    assert_eq!(j["function_error"]["kind"], "HTTP 500");
    assert!(j["function_error"]["message"]
        .as_str()
        .unwrap()
        .contains("division by zero"));
    assert_eq!(j["duration_ms"], 12.0);
    sb.run(&["invoke", "echo", "--listen", "127.0.0.1:0"])
        .code(2);
}

#[test]
fn listen_prints_fire_and_forget_callbacks() {
    let (_emu, sb) = setup();
    let mut listen = Command::new(bin())
        .args(["listen", "--bind", "127.0.0.1:0", "--count", "1"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(listen.stderr.take().unwrap());
    let mut line = String::new();
    err.read_line(&mut line).unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_string();
    assert!(
        url.starts_with("http://127.0.0.1:") && url.contains("/callback/"),
        "{url}"
    );
    sb.run(&[
        "invoke",
        "echo",
        "--async",
        "--callback-url",
        &url,
        "-d",
        "fired",
    ])
    .code(0);
    let out = listen.wait_with_output().unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, b"fired\n");
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut err, &mut rest).unwrap();
    assert!(rest.contains("callback · status 200 · call id "), "{rest}");
}
