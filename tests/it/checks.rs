//! CI checks: `--expect` (exit 7, the verdict rule), `--jq`, and `batch --expect`.

use crate::support::*;

#[test]
fn expectations_decide_the_exit_code() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.huawei_profiles(&emu);
    // all true → 0
    sb.run(&["invoke", "echo", "-d", r#"{"k":1}"#, "--expect", ".ok"])
        .code(0)
        .stdout_has(r#"{"k":1}"#);
    sb.run(&[
        "invoke",
        "echo",
        "-d",
        r#"{"k":1}"#,
        "--expect",
        ".ok",
        "--expect",
        ".result_json.k == 1",
    ])
    .code(0);
    // one false → 7, naming the expression, what it yielded and the part looked at
    let o = sb.run(&[
        "invoke",
        "echo",
        "-d",
        r#"{"k":1}"#,
        "--expect",
        ".ok",
        "--expect",
        ".result_json == 2",
    ]);
    o.code(7).stderr_has(
        r#"expectation not met: .result_json == 2 yielded false (result_json = {"k":1})"#,
    );
    assert!(
        !o.stderr.contains("expectation not met: .ok"),
        "{}",
        o.stderr
    );
    // an expected failure of the function is a passing check
    sb.run(&["invoke", "fail", "--expect", ".function_error != null"])
        .code(0)
        .stderr_has("function error: ZeroDivisionError");
    // a failed function with an unmet expectation stays 6
    sb.run(&["invoke", "fail", "--expect", ".ok"])
        .code(6)
        .stderr_has("expectation not met: .ok yielded false");
    // no envelope: the request's own code
    sb.run(&["invoke", "nosuch", "--expect", ".ok"]).code(4);
    // an expression that does not compile: exit 2 before anything is sent
    let before = emu.counter("requests");
    sb.run(&["invoke", "echo", "--expect", ".ok =="])
        .code(2)
        .stderr_has("--expect: the jq expression '.ok ==' does not compile");
    assert_eq!(emu.counter("requests"), before);
}

#[test]
fn the_json_envelope_carries_the_verdicts() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.aws_profiles(&emu);
    let o = sb.run(&[
        "invoke",
        "echo",
        "-d",
        r#"{"k":"v"}"#,
        "--expect",
        r#".result_json.k == "v""#,
        "--expect",
        ".duration_ms > 1e9",
        "--output",
        "json",
    ]);
    o.code(7);
    let j = o.json();
    assert_eq!(j["expectations"][0]["ok"], true);
    assert_eq!(j["expectations"][1]["ok"], false);
    assert_eq!(j["expectations"][1]["expression"], ".duration_ms > 1e9");
    assert!(j["expectations"][1]["reason"]
        .as_str()
        .unwrap()
        .starts_with("yielded false (duration_ms = "));
    // without --expect, no such field
    let o = sb.run(&["invoke", "echo", "-d", "{}", "--output", "json"]);
    assert!(o.json().get("expectations").is_none());
}

#[test]
fn jq_prints_its_output_instead_of_the_result() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.openfaas_profiles(&emu);
    let o = sb.run(&[
        "invoke",
        "echo",
        "-d",
        r#"{"k":[1,2]}"#,
        "--jq",
        ".result_json.k[]",
    ]);
    o.code(0);
    assert_eq!(o.stdout_str(), "1\n2\n");
    o.stderr_has("ok · HTTP 200");
    // strings as text, as gh --jq prints them
    let o = sb.run(&["invoke", "echo", "-d", "x", "--jq", ".provider, .ok"]);
    assert_eq!(o.stdout_str(), "openfaas\ntrue\n");
    // exit codes unchanged
    sb.run(&["invoke", "fail", "--jq", ".ok"]).code(6);
    sb.run(&["invoke", "echo", "--jq", ".["])
        .code(2)
        .stderr_has("--jq: the jq expression");
}

#[test]
fn batch_checks_every_line_and_counts_the_unmet() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.aliyun_profiles(&emu);
    let mut c = sb.cmd();
    c.args([
        "batch",
        "svc/echo",
        "-j",
        "2",
        "--expect",
        ".result_json.n < 3",
    ])
    .write_stdin("{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n{\"n\":4}\n");
    let o = Outcome::of(c.assert());
    o.code(7)
        .stderr_has("ok 2")
        .stderr_has("expectations not met 2");
    let lines: Vec<serde_json::Value> = o
        .stdout_str()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    let held: Vec<bool> = lines
        .iter()
        .map(|l| l["expectations"][0]["ok"].as_bool().unwrap())
        .collect();
    assert_eq!(held, [true, true, false, false]);
}

/// The same check, `.ok and .result_json.k == "v"`, holds for every provider's echo.
#[test]
fn every_provider_passes_an_echo_check() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    type Setup<'a> = &'a dyn Fn(&Sandbox, &Emulator);
    let setups: [(Setup, &str); 5] = [
        (&|sb, emu| sb.huawei_profiles(emu), "echo"),
        (&|sb, emu| sb.aliyun_profiles(emu), "svc/echo"),
        (&|sb, emu| sb.altair_profiles(emu), "echo"),
        (&|sb, emu| sb.aws_profiles(emu), "echo"),
        (&|sb, emu| sb.openfaas_profiles(emu), "echo"),
    ];
    for (setup, function) in setups {
        setup(&sb, &emu);
        sb.run(&[
            "invoke",
            function,
            "-d",
            r#"{"k":"v"}"#,
            "--expect",
            r#".ok and .result_json.k == "v""#,
        ])
        .code(0);
    }
}
