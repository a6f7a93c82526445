//! The `--output json` envelopes of every provider, success and failure, validate against
//! the JSON Schemas in schema/; `--curl` prints a command that really works; the man page
//! in the repo is current.

use std::path::Path;

use crate::support::*;

fn validator(file: &str) -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schema")
        .join(file);
    let schema: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("a valid schema")
}

fn check(v: &jsonschema::Validator, o: &Outcome) {
    let j = o.json();
    let errors: Vec<String> = v.iter_errors(&j).map(|e| e.to_string()).collect();
    assert!(
        errors.is_empty(),
        "{j}\ndoes not match the schema: {errors:?}"
    );
}

#[test]
fn every_provider_envelope_matches_the_schema() {
    let env = validator("envelope.schema.json");
    let emu = Emulator::start();
    let sb = Sandbox::new();

    sb.huawei_profiles(&emu);
    for args in [
        vec!["invoke", "echo", "--tail"],
        vec!["invoke", "longlog", "--tail"],
        vec!["invoke", "fail", "--tail"],
        vec!["invoke", "echo", "--async"],
        vec!["invoke", "fail", "--async", "--wait"],
        vec!["invoke", "nosuch"],
        vec!["-p", "badtoken", "invoke", "echo"],
        vec!["-p", "iam", "invoke", "echo"],
    ] {
        let mut a = args.clone();
        a.extend(["--output", "json"]);
        check(&env, &sb.run(&a));
    }

    sb.aliyun_profiles(&emu);
    for args in [
        vec!["invoke", "svc/echo", "--tail", "-d", "x"],
        vec!["invoke", "svc/fail"],
        vec!["invoke", "svc/echo", "--async", "--wait"],
        vec!["invoke", "svc/nosuch"],
        vec!["-p", "fc3", "invoke", "echo", "--qualifier", "prod"],
    ] {
        let mut a = args.clone();
        a.extend(["--output", "json"]);
        check(&env, &sb.run(&a));
    }
    // a binary result is carried as base64
    let bin = sb.dir.path().join("payload.bin");
    std::fs::write(&bin, [0u8, 0xff, 0xfe, 1]).unwrap();
    let o = sb.run(&[
        "invoke",
        "svc/echo",
        "-t",
        "application/octet-stream",
        "-d",
        &format!("@{}", bin.display()),
        "--output",
        "json",
    ]);
    assert_eq!(o.json()["result_encoding"], "base64");
    assert_eq!(o.json()["result"], "AP/+AQ==");
    check(&env, &o);

    sb.altair_profiles(&emu);
    for args in [
        vec!["invoke", "stock-quote/a", "-X", "GET", "--query", "k=v"],
        vec!["invoke", "fail"],
        vec!["invoke", "nosuch"],
        vec![
            "invoke",
            "job",
            "--async",
            "--wait",
            "--listen",
            "127.0.0.1:0",
        ],
    ] {
        let mut a = args.clone();
        a.extend(["--output", "json"]);
        check(&env, &sb.run(&a));
    }

    sb.aws_profiles(&emu);
    for args in [
        vec!["invoke", "echo", "--tail", "-d", "{}"],
        vec!["invoke", "fail", "--tail"],
        vec!["invoke", "echo", "--async"],
        vec!["invoke", "echo", "--dry-run-remote"],
        vec!["invoke", "nosuch"],
        vec!["-p", "badkey", "invoke", "echo"],
    ] {
        let mut a = args.clone();
        a.extend(["--output", "json"]);
        check(&env, &sb.run(&a));
    }

    sb.openfaas_profiles(&emu);
    for args in [
        vec!["invoke", "inspect/a", "-X", "GET", "--query", "k=v"],
        vec!["invoke", "fail"],
        vec!["invoke", "nosuch"],
        vec!["-p", "badpass", "invoke", "echo"],
        vec![
            "invoke",
            "job",
            "--async",
            "--wait",
            "--listen",
            "127.0.0.1:0",
        ],
    ] {
        let mut a = args.clone();
        a.extend(["--output", "json"]);
        check(&env, &sb.run(&a));
    }
}

#[test]
fn status_output_matches_its_schema() {
    let status = validator("status.schema.json");
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.aliyun_profiles(&emu);
    sb.run(&["invoke", "svc/echo", "--async", "--invocation-id", "s-1"])
        .code(0);
    for _ in 0..3 {
        check(
            &status,
            &sb.run(&["status", "svc/echo", "s-1", "--output", "json"]),
        );
    }
}

/// Run what `fcall ... --curl --show-secrets` prints with sh; the response body.
fn run_curl(sb: &Sandbox, args: &[&str]) -> Vec<u8> {
    let mut c = sb.cmd();
    c.args(args).args(["--curl", "--show-secrets"]);
    let out = c.assert().success().get_output().stdout.clone();
    let script = String::from_utf8(out).unwrap();
    assert!(script.starts_with("curl -sS "), "{script}");
    let run = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{} --fail-with-body", script.trim_end()))
        .output()
        .expect("sh and curl");
    assert!(
        run.status.success(),
        "{script}\n{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    run.stdout
}

#[test]
fn curl_output_is_a_working_command_for_every_provider() {
    let emu = Emulator::start();
    let payload = "{\"k\":\"it's\"}";

    let sb = Sandbox::new();
    sb.huawei_profiles(&emu);
    // masked by default, and nothing is sent
    let o = sb.run(&["-p", "aksk", "invoke", "echo", "-d", payload, "--curl"]);
    o.code(0).stdout_has("-H 'Authorization: ****'");
    sb.run(&["-p", "token", "invoke", "echo", "--curl"])
        .code(0)
        .stdout_has("-H 'X-Auth-Token: ****'");
    assert_eq!(emu.counter("requests"), 0);
    for profile in ["token", "aksk"] {
        let body = run_curl(
            &sb,
            &["-p", profile, "invoke", "echo", "-d", payload, "--tail"],
        );
        let v1: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v1["result"], payload, "huawei {profile}");
    }
    assert_eq!(emu.counter("huawei.sync.echo"), 2);

    let sb = Sandbox::new();
    sb.aliyun_profiles(&emu);
    let body = run_curl(
        &sb,
        &["invoke", "svc/echo", "--qualifier", "prod", "-d", payload],
    );
    assert_eq!(body, payload.as_bytes(), "FC 2.0");
    let body = run_curl(&sb, &["-p", "sts", "invoke", "svc/echo", "-d", payload]);
    assert_eq!(body, payload.as_bytes(), "FC 2.0 with STS");
    let body = run_curl(
        &sb,
        &[
            "-p",
            "fc3",
            "invoke",
            "echo",
            "--qualifier",
            "prod",
            "-d",
            payload,
        ],
    );
    assert_eq!(body, payload.as_bytes(), "FC 3.0");
    assert_eq!(emu.counter("aliyun.sync.echo"), 3);

    let sb = Sandbox::new();
    sb.altair_profiles(&emu);
    let body = run_curl(
        &sb,
        &[
            "-p",
            "static",
            "invoke",
            "stock-quote/a/b",
            "-X",
            "GET",
            "--query",
            "q=1 2",
        ],
    );
    let j: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        (j["path"].as_str(), j["query"]["q"].as_str()),
        (Some("/a/b"), Some("1 2"))
    );
    let body = run_curl(
        &sb,
        &["-p", "static", "invoke", "echo", "-X", "PUT", "-d", payload],
    );
    assert_eq!(body, payload.as_bytes(), "Altair");

    let sb = Sandbox::new();
    sb.aws_profiles(&emu);
    for profile in ["lambda", "sts"] {
        let body = run_curl(&sb, &["-p", profile, "invoke", "echo", "-d", payload]);
        assert_eq!(body, payload.as_bytes(), "Lambda {profile}");
    }
    let arn = "arn:aws:lambda:us-east-1:123456789012:function:echo";
    let body = run_curl(
        &sb,
        &["invoke", arn, "--qualifier", "$LATEST", "-d", payload],
    );
    assert_eq!(body, payload.as_bytes(), "Lambda ARN and qualifier");
    assert_eq!(emu.counter("aws.sync.echo"), 3);
    assert_eq!(emu.counter("aws.refused.signature"), 0);

    let sb = Sandbox::new();
    sb.openfaas_profiles(&emu);
    // fcall sends basic auth only when challenged; the replay brings its own
    let auth = format!("Authorization: Basic {BASIC_B64}");
    let body = run_curl(
        &sb,
        &["invoke", "echo", "-X", "PUT", "-d", payload, "-H", &auth],
    );
    assert_eq!(body, payload.as_bytes(), "OpenFaaS");
}

#[test]
fn man_page_in_the_repo_is_current() {
    let o = Sandbox::new().run(&["man"]);
    o.code(0);
    let committed = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("man/fcall.1"))
        .unwrap_or_default();
    assert!(
        committed == o.stdout,
        "man/fcall.1 is stale: run `cargo run -q -- man > man/fcall.1`"
    );
}

/// `--output json | jq .result_json.k`: every provider's echo, parsed in the envelope.
#[test]
fn result_json_carries_a_json_result_for_every_provider() {
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
        let o = sb.run(&["invoke", function, "-d", r#"{"k":"v"}"#, "--output", "json"]);
        o.code(0);
        let j = o.json();
        assert_eq!(j["result_json"]["k"], "v", "{j}");
        assert_eq!(j["result"], r#"{"k":"v"}"#, "{j}");
        // text that is not JSON: null, and the text stays in result
        let o = sb.run(&["invoke", function, "-d", "plain", "--output", "json"]);
        let j = o.json();
        assert!(j["result_json"].is_null(), "{j}");
    }
}

/// The schema's error kinds and exit codes are the contract's (src/error.rs).
#[test]
fn the_schema_lists_the_contracts_error_kinds_and_codes() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/envelope.schema.json");
    let schema: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let error = &schema["properties"]["error"]["oneOf"][1]["properties"];
    let kinds: Vec<&str> = error["kind"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert_eq!(kinds, fcall::error::Error::KINDS);
    let codes: Vec<u64> = error["exit_code"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_u64().unwrap())
        .collect();
    // what an error (no outcome) can end with: every class but success and the outcomes'
    let want: Vec<u64> = fcall::error::Exit::ALL
        .iter()
        .filter(|e| !e.is_outcome())
        .map(|e| u64::from(e.code()))
        .collect();
    assert_eq!(codes, want);
}
