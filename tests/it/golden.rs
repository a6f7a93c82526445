//! Golden files for what people read: the human report on stderr (decoded log box,
//! function-error line, summary line, error lines) of each provider's main cases, run
//! against the emulator with `--color never` and `NO_COLOR=1`, pinned in
//! `tests/it/golden/TEST-NAME.stderr` (`huawei_sync_tail` → `huawei-sync-tail.stderr`).
//!
//! After an intended change to that output, refresh them and review the diff:
//!
//! ```sh
//! SNAPSHOTS=overwrite cargo test --test it golden:: && git diff tests/it/golden
//! ```
//!
//! Only what changes from run to run is redacted (see `normalise`): request ids (`[ID]`),
//! loopback addresses (`[ADDR]`), the latencies a batch measures and invoke's round trip,
//! `--wait` time and retry backoff (`[LATENCY]`), and the times `fcall test` and `batch`
//! measure (`[TIME]`). The
//! durations, billed time and memory of a summary are the emulator's fixed values and stay:
//! a changed summary line fails here. The comparison is exact (`Data::raw`: snapbox's
//! `[..]` and `...` wildcards mean nothing in these files).

use std::path::PathBuf;

use snapbox::Data;

use crate::support::*;

/// Replace what varies between runs with placeholders; nothing else.
fn normalise(stderr: &str) -> String {
    let id = regex::Regex::new(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
        .unwrap();
    let addr = regex::Regex::new(r"\b127\.0\.0\.1:[0-9]+\b").unwrap();
    let latency =
        regex::Regex::new(r"\b(latency p50|p95|p99) (?:[0-9]+(?:\.[0-9]+)? ms|-)").unwrap();
    // `fcall test`: how long each case and the run took
    let took = regex::Regex::new(r"\(([0-9]+(?:\.[0-9]+)?) ms\)$").unwrap();
    let finished = regex::Regex::new(r"finished in [0-9]+\.[0-9]+s").unwrap();
    // batch: its total time and throughput
    let total = regex::Regex::new(r"total [0-9]+\.[0-9]+ s · [0-9]+/s").unwrap();
    // invoke: the client's round trip, the time --wait took, a retry's backoff
    let client =
        regex::Regex::new(r"\b(round trip|elapsed|retrying in) [0-9]+(?:\.[0-9]+)? m?s\b").unwrap();
    let s = id.replace_all(stderr, "[ID]");
    let s = addr.replace_all(&s, "[ADDR]");
    let s = latency.replace_all(&s, "$1 [LATENCY]");
    let s = client.replace_all(&s, "$1 [LATENCY]");
    let s: Vec<String> = s
        .lines()
        .map(|l| took.replace(l, "([TIME])").into_owned())
        .collect();
    let mut s = s.join("\n");
    if stderr.ends_with('\n') {
        s.push('\n');
    }
    let s = finished.replace_all(&s, "finished in [TIME]");
    total.replace_all(&s, "total [TIME]").into_owned()
}

/// Run `fcall --color never ARGS` (after `tweak`) against a fresh emulator with the
/// profiles `profiles` writes; check the exit code, then stderr against the golden file.
fn pin(
    test: &str,
    profiles: fn(&Sandbox, &Emulator),
    code: i32,
    args: &[&str],
    tweak: impl FnOnce(&mut assert_cmd::Command),
) {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    profiles(&sb, &emu);
    let mut c = sb.cmd();
    c.env("NO_COLOR", "1").args(["--color", "never"]).args(args);
    tweak(&mut c);
    let o = Outcome::of(c.assert());
    o.code(code);
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/golden")
        .join(format!("{}.stderr", test.replace('_', "-")));
    snapbox::Assert::new()
        .action_env(snapbox::assert::DEFAULT_ACTION_ENV)
        .eq(normalise(&o.stderr), Data::read_from(&file, None).raw());
}

/// One test per golden file: `NAME: PROFILES, EXIT CODE, [ARGS]`, and optionally
/// `, |command| ...` to set its environment or stdin.
macro_rules! golden {
    (@tweak) => { |_: &mut assert_cmd::Command| {} };
    (@tweak $tweak:expr) => { $tweak };
    ($($name:ident: $profiles:path, $code:expr, [$($arg:expr),* $(,)?] $(, $tweak:expr)?;)*) => {
        $(
            #[test]
            fn $name() {
                pin(stringify!($name), $profiles, $code, &[$($arg),*], golden!(@tweak $($tweak)?));
            }
        )*
    };
}

/// Huawei profiles plus `dead`, whose endpoint nothing listens on.
fn huawei_and_a_dead_endpoint(sb: &Sandbox, emu: &Emulator) {
    sb.huawei_profiles(emu);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    sb.add_profiles(&[profile("dead", "huawei")
        .set("region", "cn-north-4")
        .set("project_id", PROJECT)
        .set("endpoint", format!("http://127.0.0.1:{port}"))
        .set("token", TOKEN)]);
}

golden! {
    huawei_sync_tail: Sandbox::huawei_profiles, 0, ["invoke", "echo", "-d", r#"{"name":"x"}"#, "--tail"];
    huawei_function_error: Sandbox::huawei_profiles, 6, ["invoke", "fail", "--tail"];
    huawei_bad_credentials: Sandbox::huawei_profiles, 3, ["-p", "badtoken", "invoke", "echo"];
    huawei_unknown_function: Sandbox::huawei_profiles, 4, ["invoke", "nosuch"];
    huawei_async_accepted: Sandbox::huawei_profiles, 0, ["invoke", "echo", "--async"];
    huawei_unreachable: huawei_and_a_dead_endpoint, 5, ["-p", "dead", "invoke", "echo", "--retries", "0"];
    huawei_batch_summary: Sandbox::huawei_profiles, 6, ["batch", "maybe", "-j", "1"],
        |c: &mut assert_cmd::Command| { c.write_stdin("{\"n\":1}\n{\"n\":2,\"fail\":true}\n{\"n\":3}\n"); };

    aliyun_sync_tail: Sandbox::aliyun_profiles, 0, ["invoke", "svc/echo", "-d", "hello bytes", "--tail"];
    aliyun_function_error: Sandbox::aliyun_profiles, 6, ["invoke", "svc/fail", "--tail"];
    aliyun_bad_credentials: Sandbox::aliyun_profiles, 3, ["invoke", "svc/echo"],
        |c: &mut assert_cmd::Command| { c.env("TEST_HW_SK", "wrong-secret"); };
    aliyun_unknown_function: Sandbox::aliyun_profiles, 4, ["invoke", "svc/nosuch"];
    aliyun_async_accepted: Sandbox::aliyun_profiles, 0, ["invoke", "svc/echo", "--async", "--invocation-id", "job-001"];

    // Altair and OpenFaaS return no log with the result: their sync case has no --tail
    altair_sync: Sandbox::altair_profiles, 0, ["invoke", "echo", "-d", "hi"];
    altair_function_error: Sandbox::altair_profiles, 6, ["invoke", "fail"];
    altair_bad_credentials: Sandbox::altair_profiles, 3, ["invoke", "echo"],
        |c: &mut assert_cmd::Command| { c.env("TEST_ALTAIR_SECRET", "wrong"); };
    altair_unknown_function: Sandbox::altair_profiles, 4, ["invoke", "nosuch"];
    altair_async_accepted: Sandbox::altair_profiles, 0, ["invoke", "echo", "--async", "--callback-url", "http://127.0.0.1:9/cb"];

    aws_sync_tail: Sandbox::aws_profiles, 0, ["invoke", "echo", "-d", r#"{"k":"v"}"#, "--tail"];
    aws_function_error: Sandbox::aws_profiles, 6, ["invoke", "fail", "--tail"];
    aws_bad_credentials: Sandbox::aws_profiles, 3, ["-p", "badkey", "invoke", "echo"];
    aws_unknown_function: Sandbox::aws_profiles, 4, ["invoke", "nosuch"];
    aws_async_accepted: Sandbox::aws_profiles, 0, ["invoke", "echo", "--async", "-d", "{}"];

    openfaas_sync: Sandbox::openfaas_profiles, 0, ["invoke", "echo", "-d", "hello"];
    openfaas_function_error: Sandbox::openfaas_profiles, 6, ["invoke", "fail"];
    openfaas_bad_credentials: Sandbox::openfaas_profiles, 3, ["-p", "badpass", "invoke", "echo"];
    openfaas_unknown_function: Sandbox::openfaas_profiles, 4, ["invoke", "nosuch"];
    openfaas_async_accepted: Sandbox::openfaas_profiles, 0, ["invoke", "echo", "--async", "--callback-url", "http://127.0.0.1:9/cb"];

    // what --expect adds to the report, and fcall test's case lines and summary (on
    // stderr with --report json; one case at a time, so in order)
    huawei_expectation_not_met: Sandbox::huawei_profiles, 7, ["invoke", "echo", "-d", r#"{"k":1}"#, "--expect", ".ok", "--expect", ".result_json.k == 2"];
    huawei_test_suite: Sandbox::huawei_profiles, 7, ["test", "--report", "json", "-j", "1", "smoke.fcall.toml"], |c: &mut assert_cmd::Command| {
        c.current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures"));
    };
    // the whole log from the log service (`--logs`), and the note under a cut tail
    aws_invoke_logs: Sandbox::aws_profiles, 6, ["invoke", "fail", "-d", "{}", "--logs"];
    aws_cut_tail_note: Sandbox::aws_profiles, 0, ["-p", "sts", "invoke", "longlog", "-d", "{}", "--tail"];
    aws_logs_no_group: Sandbox::aws_profiles, 4, ["logs", "slow"];
    aws_logs_denied: Sandbox::aws_profiles, 3, ["logs", "private"];
    openfaas_invoke_logs: Sandbox::openfaas_profiles, 6, ["invoke", "fail", "--logs"];
    aliyun_invoke_logs: Sandbox::aliyun_profiles, 6, ["invoke", "svc/fail", "--logs"];
    huawei_invoke_logs: Sandbox::huawei_profiles, 6, ["invoke", "fail", "--logs"];
    huawei_logs_no_lts: Sandbox::huawei_profiles, 4, ["logs", "quiet"];
    aliyun_logs_no_logconfig: Sandbox::aliyun_profiles, 4, ["logs", "quiet/echo"];
    altair_invoke_logs: Sandbox::altair_profiles, 0, ["invoke", "echo", "-d", "hi", "--logs"];
    openfaas_logs_request_id: Sandbox::openfaas_profiles, 0, ["logs", "echo", "--request-id", "abc"];

    // --async --wait ends with the final status and the time it took (Function Compute
    // also returns the result, on stdout); the summary fitted to an 60-column terminal,
    // wrapped between fields; each retry in a line of its own
    huawei_async_wait: Sandbox::huawei_profiles, 0, ["invoke", "echo", "--async", "--wait", "-d", "{}"];
    aliyun_async_wait: Sandbox::aliyun_profiles, 0, ["invoke", "svc/echo", "--async", "--wait", "--invocation-id", "job-002", "-d", "{}"];
    huawei_fitted_summary: Sandbox::huawei_profiles, 0, ["invoke", "echo", "-d", "{}"],
        |c: &mut assert_cmd::Command| { c.env("COLUMNS", "60"); };
    aliyun_fitted_summary: Sandbox::aliyun_profiles, 0, ["invoke", "svc/echo", "-d", "{}", "--tail"],
        |c: &mut assert_cmd::Command| { c.env("COLUMNS", "48"); };
    huawei_unreachable_retried: huawei_and_a_dead_endpoint, 5, ["-p", "dead", "invoke", "echo", "--retries", "2"];
}

/// `fcall logs` prints the log on stdout: one request's lines (no request column, the
/// REPORT folded) and the recent log (with it), times in UTC, pinned in `golden/*.stdout`.
#[test]
fn aws_logs_lines() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.aws_profiles(&emu);
    let o = sb.run(&["invoke", "fail", "-d", "{}", "--output", "json"]);
    let id = o.json()["request_id"].as_str().unwrap().to_string();
    let time = regex::Regex::new(r"\b\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC\b").unwrap();
    for (name, args) in [
        (
            "aws-logs-request",
            vec!["logs", "fail", "--request-id", &id, "--utc"],
        ),
        ("aws-logs-recent", vec!["logs", "fail", "--utc"]),
    ] {
        let mut c = sb.cmd();
        c.env("NO_COLOR", "1")
            .args(["--color", "never"])
            .args(&args);
        let o = Outcome::of(c.assert());
        o.code(0);
        let out = time.replace_all(&o.stdout_str(), "[TIME]").into_owned();
        let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/it/golden")
            .join(format!("{name}.stdout"));
        snapbox::Assert::new()
            .action_env(snapbox::assert::DEFAULT_ACTION_ENV)
            .eq(normalise(&out), Data::read_from(&file, None).raw());
    }
}

#[test]
fn normalise_redacts_ids_addresses_and_latencies_but_not_the_summary() {
    assert_eq!(
        normalise(
            "ok · HTTP 200 · request 00000001-18ed-4503-8012-503012fa0ea9 · duration 1.913 ms · billed 2 ms · memory 41.512 of 128 MB · round trip 4.2 ms\n\
             could not connect to 127.0.0.1:41767\n\
             retrying in 1.2 s: HTTP 429 (attempt 2 of 3)\n\
             ok · HTTP 202 · async status SUCCESS · elapsed 612 ms\n\
             batch: 3 invocations · ok 3 · latency p50 5.6 ms · p95 123 ms · p99 -\n"
        ),
        "ok · HTTP 200 · request [ID] · duration 1.913 ms · billed 2 ms · memory 41.512 of 128 MB · round trip [LATENCY]\n\
         could not connect to [ADDR]\n\
         retrying in [LATENCY]: HTTP 429 (attempt 2 of 3)\n\
         ok · HTTP 202 · async status SUCCESS · elapsed [LATENCY]\n\
         batch: 3 invocations · ok 3 · latency p50 [LATENCY] · p95 [LATENCY] · p99 [LATENCY]\n"
    );
}
