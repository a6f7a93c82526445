//! End to end: the built binary against the emulator's AWS Lambda (SigV4 checked by the
//! emulator), sync with the decoded tail and REPORT summary, Event, DryRun, qualifiers and
//! ARNs, function errors, platform errors, and where credentials come from.

use crate::support::*;

fn setup() -> (Emulator, Sandbox) {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.aws_profiles(&emu);
    (emu, sb)
}

#[test]
fn sync_with_tail_and_report_summary() {
    let (emu, sb) = setup();
    let o = sb.run(&[
        "-p",
        "lambda",
        "invoke",
        "echo",
        "-d",
        r#"{"k":"v"}"#,
        "--tail",
    ]);
    o.code(0);
    assert_eq!(o.stdout, br#"{"k":"v"}"#, "the result alone on stdout");
    o.stderr_has("START RequestId: ")
        .stderr_has("你好, función ✓")
        .stderr_has("REPORT RequestId: ")
        .stderr_has("ok · HTTP 200 · request ")
        .stderr_has("duration 1.62 ms · billed 2 ms · memory 39 of 128 MB · init 118.45 ms")
        .stderr_has("version $LATEST");
    assert_eq!(emu.counter("aws.sync.echo"), 1);
    assert_eq!(emu.counter("aws.refused.signature"), 0);
    // without --tail no log is asked for
    let o = sb.run(&["invoke", "echo", "-d", "{}"]);
    o.code(0);
    assert!(!o.stderr.contains("REPORT"), "{}", o.stderr);
}

#[test]
fn json_envelope_carries_the_parsed_report() {
    let (_emu, sb) = setup();
    let o = sb.run(&[
        "invoke", "echo", "-d", "[1,2]", "--tail", "--output", "json",
    ]);
    o.code(0);
    let j = o.json();
    assert_eq!(j["provider"], "aws");
    assert_eq!(j["result"], "[1,2]");
    assert_eq!(j["duration_ms"], 1.62);
    assert_eq!(j["billed_ms"], 2.0);
    assert_eq!(j["memory_mb"], 39.0);
    assert_eq!(j["memory_limit_mb"], 128.0);
    assert_eq!(j["provider_details"]["executed_version"], "$LATEST");
    assert!(j["log"].as_str().unwrap().contains("END RequestId: "));
}

#[test]
fn a_failing_function_exits_6_with_its_error() {
    let (_emu, sb) = setup();
    let o = sb.run(&["invoke", "fail", "--tail"]);
    o.code(6)
        .stderr_has("function error: ZeroDivisionError: division by zero")
        .stderr_has("failed · HTTP 200")
        .stderr_has("Traceback");
    // the error document is the function's result, on stdout as Lambda sent it
    o.stdout_has(r#""errorType":"ZeroDivisionError""#);
    let j = sb
        .run(&["invoke", "fail", "--output", "json"])
        .code(6)
        .json();
    assert_eq!(j["ok"], false);
    assert_eq!(j["function_error"]["kind"], "ZeroDivisionError");
    assert_eq!(j["provider_details"]["error_type"], "Unhandled");
}

#[test]
fn event_invocations_are_accepted_with_the_request_id() {
    let (emu, sb) = setup();
    sb.run(&["invoke", "echo", "--async", "-d", "{}"])
        .code(0)
        .stderr_has("accepted · HTTP 202 · request ");
    let j = sb
        .run(&["invoke", "echo", "--async", "--output", "json"])
        .code(0)
        .json();
    assert_eq!(j["status"], 202);
    assert!(j["request_id"].as_str().unwrap().len() > 10);
    assert_eq!(j["invocation_id"], j["request_id"]);
    assert_eq!(emu.counter("aws.async.echo"), 2);
    // Lambda keeps no status of Event invocations: --wait is refused before sending
    sb.run(&["invoke", "echo", "--async", "--wait"])
        .code(2)
        .stderr_has("keeps no status of async invocations");
    assert_eq!(emu.counter("aws.async.echo"), 2);
}

#[test]
fn dry_run_remote_checks_without_running() {
    let (emu, sb) = setup();
    sb.run(&["invoke", "echo", "--dry-run-remote"])
        .code(0)
        .stderr_has("ok · HTTP 204")
        .stderr_has("dry run passed");
    assert_eq!(emu.counter("aws.dryrun"), 1);
    assert_eq!(emu.counter("aws.sync.echo"), 0);
    sb.run(&["invoke", "nosuch", "--dry-run-remote"])
        .code(4)
        .stderr_has("ResourceNotFoundException");
    sb.run(&["-p", "badkey", "invoke", "echo", "--dry-run-remote"])
        .code(3)
        .stderr_has("InvalidSignatureException");
    sb.run(&["invoke", "echo", "--dry-run-remote", "--async"])
        .code(2);
    // a provider without the check says so, before sending
    let of = Sandbox::new();
    of.openfaas_profiles(&emu);
    of.run(&["invoke", "echo", "--dry-run-remote"])
        .code(2)
        .stderr_has("OpenFaaS cannot check a call without running it");
}

#[test]
fn qualifiers_and_arns_are_signed_as_botocore_signs_them() {
    let (emu, sb) = setup();
    sb.run(&["invoke", "echo", "--qualifier", "prod", "-d", "{}"])
        .code(0)
        .stderr_has("version 1");
    sb.run(&["invoke", "echo:prod", "-d", "{}"])
        .code(0)
        .stderr_has("version 1");
    sb.run(&["invoke", "echo", "--qualifier", "$LATEST", "-d", "{}"])
        .code(0)
        .stderr_has("version $LATEST");
    // a full ARN is sent %3A-encoded and signed %253A-encoded; its region is the one signed for
    let arn = "arn:aws:lambda:eu-central-1:123456789012:function:echo";
    sb.run(&["invoke", arn, "-d", "{}"]).code(0);
    sb.run(&["invoke", arn, "--dry-run", "--show-secrets"])
        .code(0)
        .stdout_has("functions/arn%3Aaws%3Alambda%3Aeu-central-1%3A123456789012%3Afunction%3Aecho/invocations")
        .stdout_has("/eu-central-1/lambda/aws4_request");
    sb.run(&["invoke", "123456789012:function:echo:1", "-d", "{}"])
        .code(0)
        .stderr_has("version 1");
    assert_eq!(emu.counter("aws.refused.signature"), 0);
    sb.run(&["invoke", "echo:nosuch"])
        .code(4)
        .stderr_has("ResourceNotFoundException Function not found: arn:aws:lambda:us-east-1:123456789012:function:echo:nosuch");
    sb.run(&["invoke", "echo:prod", "--qualifier", "1"])
        .code(2)
        .stderr_has("give one");
    sb.run(&["invoke", "echo", "-X", "GET"])
        .code(2)
        .stderr_has("POST and its JSON payload only");
    sb.run(&["invoke", "my:fn:is:odd"])
        .code(2)
        .stderr_has("invalid Lambda function");
}

#[test]
fn platform_errors_map_to_exit_codes() {
    let (emu, sb) = setup();
    sb.run(&["invoke", "nosuch"])
        .code(4)
        .stderr_has("AWS Lambda refused the request: ResourceNotFoundException");
    sb.run(&["-p", "badkey", "invoke", "echo"])
        .code(3)
        .stderr_has("InvalidSignatureException")
        .stderr_has("from profile 'badkey'");
    sb.run(&["-p", "unknownkey", "invoke", "echo"])
        .code(3)
        .stderr_has("UnrecognizedClientException");
    // not JSON: refused before anything is sent
    let before = emu.counter("requests");
    sb.run(&["invoke", "echo", "-d", "hello"])
        .code(2)
        .stderr_has("AWS Lambda takes a JSON payload");
    assert_eq!(emu.counter("requests"), before);
    // throttled (TooManyRequestsException): nothing ran, so it is retried
    sb.run(&["invoke", "busy", "-d", "{}"]).code(0);
    assert_eq!(emu.counter("aws.busy.calls"), 2);
    sb.run(&["invoke", "busy", "-d", "{}", "--retries", "0"])
        .code(4)
        .stderr_has("TooManyRequestsException Rate Exceeded.");
}

#[test]
fn session_tokens_are_sent_signed_and_masked() {
    let (emu, sb) = setup();
    let o = sb.run(&["-p", "sts", "-v", "invoke", "echo", "-d", "{}"]);
    o.code(0).stderr_has("X-Amz-Security-Token: ****");
    sb.run(&["-p", "sts", "invoke", "echo", "--dry-run"])
        .code(0)
        .stdout_has("X-Amz-Security-Token: ****")
        .stdout_has("Authorization: ****");
    assert_eq!(emu.counter("aws.refused.signature"), 0);
}

#[test]
fn credentials_come_from_the_environment_then_the_profile_then_aws_files() {
    let (_emu, sb) = setup();
    // keys and region from the shared files' [ci] profile (named in the fcall profile)
    sb.run(&["-p", "shared", "invoke", "echo", "-d", "{}"])
        .code(0);
    sb.run(&[
        "-p",
        "shared",
        "invoke",
        "echo",
        "--dry-run",
        "--show-secrets",
    ])
    .code(0)
    .stdout_has(&format!("Credential={AK}/"))
    .stdout_has("/eu-west-1/lambda/aws4_request");
    // AWS_PROFILE names it for a profile that does not
    let mut c = sb.cmd();
    c.env("AWS_PROFILE", "ci")
        .args(["-p", "bare", "invoke", "echo", "-d", "{}"]);
    Outcome::of(c.assert()).code(0);
    // the environment's keys win over the profile's
    let mut c = sb.cmd();
    c.env("AWS_ACCESS_KEY_ID", AK)
        .env("AWS_SECRET_ACCESS_KEY", SK)
        .args(["-p", "badkey", "invoke", "echo", "-d", "{}"]);
    Outcome::of(c.assert()).code(0);
    let mut c = sb.cmd();
    c.env("AWS_ACCESS_KEY_ID", AK)
        .env("AWS_SECRET_ACCESS_KEY", "wrong")
        .args(["-p", "lambda", "invoke", "echo"]);
    Outcome::of(c.assert())
        .code(3)
        .stderr_has("from AWS_ACCESS_KEY_ID");
    // AWS_REGION beats the profile's region; AWS_SESSION_TOKEN goes with the env keys
    let mut c = sb.cmd();
    c.env("AWS_REGION", "sa-east-1")
        .env("AWS_ACCESS_KEY_ID", AK)
        .env("AWS_SECRET_ACCESS_KEY", SK)
        .env("AWS_SESSION_TOKEN", "sts-S3CRET-token")
        .args([
            "-p",
            "lambda",
            "invoke",
            "echo",
            "--dry-run",
            "--show-secrets",
        ]);
    let o = Outcome::of_revealing(c.assert());
    o.code(0)
        .stdout_has("/sa-east-1/lambda/aws4_request")
        .stdout_has("X-Amz-Security-Token: sts-S3CRET-token");
    // the fcall profile's aws_profile beats the shell's AWS_PROFILE
    let mut c = sb.cmd();
    c.env("AWS_PROFILE", "nosuch")
        .args(["-p", "shared", "invoke", "echo", "-d", "{}"]);
    Outcome::of(c.assert()).code(0);
    // half the keys in the environment is an error, not a silent fallback
    let mut c = sb.cmd();
    c.env("AWS_ACCESS_KEY_ID", AK)
        .args(["-p", "lambda", "invoke", "echo"]);
    Outcome::of(c.assert())
        .code(3)
        .stderr_has("AWS_SECRET_ACCESS_KEY is not set");
    // nothing anywhere: one line naming every way to fix it
    let o = sb.run(&["-p", "bare", "invoke", "echo"]);
    o.code(3)
        .stderr_has("no AWS credentials for profile 'bare'");
    assert_eq!(o.stderr.lines().count(), 1);
}

#[test]
fn a_long_log_keeps_its_report_line() {
    let (_emu, sb) = setup();
    let o = sb.run(&["invoke", "longlog", "-d", "{}", "--tail"]);
    o.code(0)
        .stderr_has("earlier lines were cut by the provider")
        .stderr_has("duration 1.62 ms");
}

#[test]
fn decode_summary_reads_a_report_line() {
    let sb = Sandbox::new();
    let o = sb.run(&[
        "decode",
        "summary",
        "REPORT RequestId: r1\tDuration: 12.5 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\tInit Duration: 200 ms",
    ]);
    o.code(0);
    assert_eq!(
        o.stdout_str(),
        "duration: 12.5 ms\nbilled duration: 13 ms\nmemory used: 64 MB of 128 MB (50%)\ninit duration: 200 ms\nrequest id: r1\n"
    );
}

#[test]
fn batch_fans_out_to_lambda() {
    let (emu, sb) = setup();
    let mut c = sb.cmd();
    c.args(["batch", "echo", "-j", "4"])
        .write_stdin("{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
    let o = Outcome::of(c.assert());
    o.code(0);
    let lines: Vec<serde_json::Value> = o
        .stdout_str()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l["line"], i + 1);
        assert_eq!(l["result"], format!("{{\"n\":{}}}", i + 1));
    }
    assert_eq!(emu.counter("aws.sync.echo"), 3);
}

#[test]
fn a_large_result_streams_to_stdout_byte_for_byte() {
    let (_emu, sb) = setup();
    let o = sb.run(&["invoke", "big", "-d", r#"{"bytes":3000000}"#, "--tail"]);
    o.code(0).stderr_has("ok · HTTP 200");
    assert_eq!(o.stdout.len(), 3_000_000);
    let direct = sb.run(&[
        "invoke",
        "big",
        "-d",
        r#"{"bytes":3000000}"#,
        "--output",
        "json",
    ]);
    let j = direct.code(0).json();
    assert_eq!(j["result"].as_str().unwrap().as_bytes(), &o.stdout[..]);
}
