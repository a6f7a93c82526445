//! End to end: `fcall logs` and `invoke --logs` against the emulator's log APIs, for every
//! provider that reads logs: the whole log of `longlog` (far longer than any tail), in
//! order, once each line; the ingestion delay waited out with backoff; a log that does not
//! arrive in time is a warning, never the exit code; `--since/--filter/--limit`, NDJSON,
//! and a follow stopped with Ctrl-C (exit 130).

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::support::*;

/// Writes a provider's profiles for the emulator.
type Setup = fn(&Sandbox, &Emulator);

/// The providers that read logs, each with the profiles that reach the emulator and the
/// platform's own lines around a request's (Lambda: START, END, REPORT).
const PROVIDERS: &[(&str, Setup, usize)] = &[
    ("altair", Sandbox::altair_profiles, 0),
    ("openfaas", Sandbox::openfaas_profiles, 0),
    ("aws", Sandbox::aws_profiles, 3),
    ("aliyun", Sandbox::aliyun_profiles, 2),
    ("huawei", Sandbox::huawei_profiles, 2),
];

fn each_provider(emu_flags: &[&str], test: impl Fn(&str, &Emulator, &Sandbox)) {
    let emu = Emulator::start_with(emu_flags);
    for (name, setup, _) in PROVIDERS {
        let sb = Sandbox::new();
        setup(&sb, &emu);
        test(name, &emu, &sb);
    }
}

/// How many lines a request's log has around the function's own `n`.
fn with_platform_lines(provider: &str, n: usize) -> usize {
    let (_, _, extra) = PROVIDERS.iter().find(|p| p.0 == provider).unwrap();
    n + extra
}

/// Whether the provider's log lines carry the request id (else: a time window).
fn names_requests(provider: &str) -> bool {
    ["aws", "aliyun", "huawei"].contains(&provider)
}

/// The numbered lines of `longlog` found in `text`, in the order they appear.
fn longlog_lines(text: &str) -> Vec<u32> {
    text.lines()
        .filter_map(|l| {
            let at = l.find('第')? + '第'.len_utf8();
            l[at..at + 3].parse().ok()
        })
        .collect()
}

fn assert_every_longlog_line(provider: &str, text: &str) {
    let want: Vec<u32> = (1..=240).collect();
    assert_eq!(
        longlog_lines(text),
        want,
        "{provider}: every line once, in order:\n{text}"
    );
}

#[test]
fn invoke_logs_shows_the_whole_log_in_order() {
    each_provider(&[], |provider, _emu, sb| {
        let o = sb.run(&["invoke", "longlog", "-d", "{}", "--logs"]);
        let n = with_platform_lines(provider, 240);
        o.code(0).stderr_has(&format!("── log ({n} lines from "));
        assert_every_longlog_line(provider, &o.stderr);
        // exits as the invocation did, the log shown all the same
        let o = sb.run(&["invoke", "fail", "-d", "{}", "--logs"]);
        o.code(6).stderr_has("ZeroDivisionError: division by zero");
        let n = with_platform_lines(provider, 3);
        let title = format!("── log ({n} lines from ");
        assert!(o.stderr.contains(&title), "{provider}: {}", o.stderr);
    });
}

#[test]
fn invoke_logs_waits_out_the_ingestion_delay() {
    each_provider(&["--log-delay-ms", "300"], |provider, emu, sb| {
        let o = sb.run(&["invoke", "longlog", "-d", "{}", "--logs"]);
        o.code(0);
        assert_every_longlog_line(provider, &o.stderr);
        let key = format!("{provider}.logs");
        assert!(
            emu.counter(&key) >= 2,
            "{provider}: asked again until it was there"
        );
    });
}

#[test]
fn a_log_that_does_not_arrive_in_time_is_one_warning() {
    each_provider(&["--log-delay-ms", "600000"], |provider, _emu, sb| {
        let o = sb.run(&["invoke", "echo", "-d", "{}", "--logs", "--logs-wait", "0"]);
        o.code(0).stderr_has("warning: --logs: ");
        assert_eq!(o.stdout, b"{}", "{provider}");
        let warnings = o.stderr.matches("warning:").count();
        assert_eq!(warnings, 1, "{provider}: {}", o.stderr);
    });
}

#[test]
fn logs_lists_filters_limits_and_prints_ndjson() {
    each_provider(&[], |provider, _emu, sb| {
        sb.run(&["invoke", "longlog", "-d", "{}"]).code(0);
        let o = sb.run(&["logs", "longlog", "--utc"]);
        o.code(0);
        assert_every_longlog_line(provider, &o.stdout_str());
        assert!(
            o.stdout_str().lines().all(|l| l.contains(" UTC  ")),
            "{provider}"
        );
        let o = sb.run(&["logs", "longlog", "--filter", "第007行"]);
        assert_eq!(longlog_lines(&o.code(0).stdout_str()), [7], "{provider}");
        let o = sb.run(&["logs", "longlog", "--filter", "行", "--limit", "5"]);
        assert_eq!(longlog_lines(&o.code(0).stdout_str()), [1, 2, 3, 4, 5]);
        let args = [
            "logs", "longlog", "--output", "json", "--limit", "2", "--filter", "行",
        ];
        let o = sb.run(&args);
        let lines: Vec<serde_json::Value> = o
            .code(0)
            .stdout_str()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        let keys: Vec<&str> = lines[0]
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(
            keys,
            ["message", "provider", "request_id", "stream", "timestamp"]
        );
        assert_eq!(lines[0]["provider"], *provider);
        assert!(lines[1]["message"].as_str().unwrap().contains("第002行"));
        assert!(lines[0]["timestamp"].as_str().unwrap().ends_with('Z'));
        sb.run(&["logs", "longlog", "--since", "yesterday"])
            .code(2)
            .stderr_has("--since 'yesterday': give a time back from now");
        sb.run(&["logs", "longlog", "--since", "1m", "--until", "2h"])
            .code(2)
            .stderr_has("is after --until");
        let o = sb.run(&["logs", "slow"]);
        if provider == "aws" {
            o.code(4)
                .stderr_has("there is no log group /aws/lambda/slow");
        } else {
            o.code(0)
                .stderr_has("no log lines for the window asked for");
        }
    });
}

#[test]
fn a_request_id_alone_finds_the_lines_that_name_it() {
    // OpenFaaS-style log lines carry no request id: `invoke --logs` picks a request's lines
    // by its time window; `fcall logs --request-id` finds those that print the id
    each_provider(&[], |provider, _emu, sb| {
        if names_requests(provider) {
            return;
        }
        let o = sb.run(&["invoke", "echo", "-d", "{}", "--output", "json"]);
        let id = o.code(0).json()["request_id"].as_str().unwrap().to_string();
        let o = sb.run(&["logs", "echo", "--request-id", &id]);
        o.code(0).stderr_has("carry no request id");
        assert!(o.stdout.is_empty(), "{provider}");
    });
}

#[test]
fn follow_prints_new_lines_and_stops_on_ctrl_c() {
    each_provider(&[], |provider, _emu, sb| {
        sb.run(&["invoke", "echo", "-d", "\"abc\""]).code(0);
        let mut cmd: Command = Command::new(bin());
        cmd.env("FCALL_CONFIG", sb.config())
            .env("FCALL_CACHE_DIR", sb.cache())
            .env("TEST_ALTAIR_SECRET", CLIENT_SECRET)
            .env("TEST_OF_PASSWORD", BASIC_PASSWORD)
            .env("TEST_HW_SK", SK)
            .env_remove("AWS_ENDPOINT_URL")
            .args(["logs", "echo", "--follow"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut until = |want: &str| {
            for _ in 0..10 {
                let line = lines.next().unwrap().unwrap();
                assert!(
                    !line.contains("received 5 bytes") || want.contains('5'),
                    "{provider}: printed twice: {line}"
                );
                if line.contains(want) {
                    return;
                }
            }
            panic!("{provider}: no {want:?} in the first ten lines");
        };
        until("received 5 bytes");
        sb.run(&["invoke", "echo", "-d", "\"second\""]).code(0);
        until("received 8 bytes");
        let int = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(int.success());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(130), "{provider}");
        // what was printed before Ctrl-C is whole lines, none twice
        for line in lines {
            let line = line.unwrap();
            assert!(!line.contains("received"), "{provider}: {line}");
        }
    });
}

#[test]
fn openfaas_sends_basic_auth_to_the_log_api_only() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.openfaas_profiles(&emu);
    sb.run(&["logs", "echo"]).code(0);
    assert_eq!(
        emu.counter("openfaas.unauthorized"),
        0,
        "sent from the start"
    );
    assert_eq!(emu.counter("openfaas.logs"), 1);
    sb.run(&["-p", "badpass", "logs", "echo"])
        .code(3)
        .stderr_has("/system/logs");
}

#[test]
fn altair_reads_logs_with_a_static_token_too() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.altair_profiles(&emu);
    sb.run(&["invoke", "echo", "-d", "{}"]).code(0);
    let o = sb.run(&["-p", "static", "logs", "echo"]);
    o.code(0).stdout_has("received 2 bytes");
}

#[test]
fn lambda_reads_one_request_from_its_stream_across_pages() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.aws_profiles(&emu);
    let o = sb.run(&["invoke", "longlog", "-d", "{}", "--output", "json"]);
    let id = o.code(0).json()["request_id"].as_str().unwrap().to_string();
    sb.run(&["invoke", "longlog", "-d", "{}"]).code(0);
    let before = emu.counter("aws.logs");
    let o = sb.run(&["logs", "longlog", "--request-id", &id, "--utc"]);
    let out = o.code(0).stdout_str();
    assert_every_longlog_line("aws", &out);
    assert_eq!(
        out.lines().count(),
        243,
        "START, 240 lines, END, REPORT: {out}"
    );
    assert!(out
        .lines()
        .next()
        .unwrap()
        .contains(&format!("START RequestId: {id}")));
    assert!(
        out.lines()
            .last()
            .unwrap()
            .contains("REPORT duration 1.62 ms · billed 2 ms"),
        "the REPORT folded: {out}"
    );
    assert!(
        !out.contains(&format!("  {id}  ")),
        "no request column for one request"
    );
    // found on the second page of the search (the first is empty), then 5 pages of 50
    assert!(emu.counter("aws.logs") - before >= 7);
    assert_eq!(
        emu.counter("aws.configuration"),
        1,
        "the group from LoggingConfig"
    );
}

#[test]
fn lambda_log_errors_name_the_fix() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.aws_profiles(&emu);
    sb.run(&["logs", "private"])
        .code(3)
        .stderr_has("need logs:FilterLogEvents on /aws/lambda/private");
    // a failure to read the log is one warning; the invocation's exit code stands
    let o = sb.run(&["-p", "badkey", "logs", "echo"]);
    o.code(3);
    sb.run(&["invoke", "echo", "-d", "{}"]).code(0);
    let o = sb.run(&["-p", "unknownkey", "logs", "echo"]);
    o.code(3);
}

#[test]
fn lambda_waits_for_the_report_line() {
    let emu = Emulator::start_with(&["--log-delay-ms", "300"]);
    let sb = Sandbox::new();
    sb.aws_profiles(&emu);
    let o = sb.run(&["invoke", "longlog", "-d", "{}", "--logs"]);
    o.code(0);
    assert_every_longlog_line("aws", &o.stderr);
    assert!(!o.stderr.contains("warning"), "{}", o.stderr);
}

#[test]
fn lambda_logs_endpoint_comes_from_the_aws_variables() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.aws_profiles(&emu);
    sb.run(&["invoke", "echo", "-d", "{}"]).code(0);
    let mut c = sb.cmd();
    c.env("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", emu.url())
        .args(["-p", "shared", "logs", "echo"]);
    let o = Outcome::of(c.assert());
    o.code(0).stdout_has("received 2 bytes");
}

#[test]
fn a_cut_tail_names_the_command_that_reads_the_rest() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.aws_profiles(&emu);
    let o = sb.run(&["-p", "sts", "invoke", "longlog", "-d", "{}", "--tail"]);
    let id = o
        .code(0)
        .stderr
        .split("request ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_string();
    o.stderr_has(&format!(
        "the whole log: fcall -p sts logs longlog --request-id {id}\n"
    ));
    let o = sb.run(&["-p", "sts", "logs", "longlog", "--request-id", &id]);
    assert_every_longlog_line("aws", &o.code(0).stdout_str());
}

#[test]
fn the_json_envelope_carries_the_whole_log_and_its_source() {
    each_provider(&[], |provider, _emu, sb| {
        let o = sb.run(&[
            "invoke", "longlog", "-d", "{}", "--logs", "--output", "json",
        ]);
        let env = o.code(0).json();
        assert_every_longlog_line(provider, env["log"].as_str().unwrap());
        assert_eq!(env["log_truncated"], false, "{provider}");
        let source = env["provider_details"]["log_source"].as_str().unwrap();
        let n = with_platform_lines(provider, 240);
        assert!(
            source.starts_with(&format!("{n} lines from ")),
            "{provider}: {source}"
        );
        assert!(o.stderr.is_empty(), "{provider}: {}", o.stderr);
    });
}

#[test]
fn function_compute_reads_from_the_logconfig_of_either_generation() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.aliyun_profiles(&emu);
    for profile in ["fc", "fc3", "sts"] {
        let function = if profile == "sts" {
            "svc/longlog"
        } else {
            "longlog"
        };
        let o = sb.run(&["-p", profile, "invoke", function, "-d", "{}", "--logs"]);
        o.code(0)
            .stderr_has("lines from Simple Log Service fc-logs/function-logs) ──");
        assert_every_longlog_line(profile, &o.stderr);
    }
    assert!(emu.counter("aliyun.logconfig") >= 3);
    assert!(emu.counter("aliyun.sts") >= 1);
    // the lines of a request found by its id, read page by page (100 a page)
    let o = sb.run(&["invoke", "longlog", "-d", "{}", "--output", "json"]);
    let id = o.code(0).json()["request_id"].as_str().unwrap().to_string();
    let o = sb.run(&["logs", "longlog", "--request-id", &id]);
    let out = o.code(0).stdout_str();
    assert_every_longlog_line("aliyun", &out);
    assert!(out
        .lines()
        .next()
        .unwrap()
        .contains(&format!("FC Invoke Start RequestId: {id}")));
    assert!(out
        .lines()
        .last()
        .unwrap()
        .contains(&format!("FC Invoke End RequestId: {id}")));
}

#[test]
fn function_compute_without_a_logconfig_says_how_to_enable_it() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.aliyun_profiles(&emu);
    sb.run(&["logs", "quiet/echo"])
        .code(4)
        .stderr_has("keeps no log of the service 'quiet': it has no logConfig");
    let o = sb.run(&["invoke", "quiet/echo", "-d", "{}", "--logs"]);
    o.code(0).stderr_has(
        "warning: --logs: the whole log could not be read: Function Compute keeps no log",
    );
    let o = sb.run(&["logs", "echo"]);
    o.code(0);
    let mut c = sb.cmd();
    c.env("TEST_HW_SK", "wrong").args(["logs", "echo"]);
    Outcome::of(c.assert()).code(3);
}

#[test]
fn functiongraph_reads_its_lts_stream_in_every_auth_mode() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.huawei_profiles(&emu);
    for profile in ["token", "aksk", "iam"] {
        let o = sb.run(&["-p", profile, "invoke", "longlog", "--logs"]);
        o.code(0)
            .stderr_has("lines from LTS log stream fg-stream-longlog) ──");
        assert_every_longlog_line(profile, &o.stderr);
    }
    let o = sb.run(&["-p", "aksk", "invoke", "longlog", "--output", "json"]);
    let id = o.code(0).json()["request_id"].as_str().unwrap().to_string();
    let o = sb.run(&["-p", "aksk", "logs", "longlog", "--request-id", &id]);
    let out = o.code(0).stdout_str();
    assert_every_longlog_line("huawei", &out);
    assert_eq!(out.lines().count(), 242, "{out}");
    assert!(out
        .lines()
        .last()
        .unwrap()
        .contains(&format!("Finish invoke request '{id}'")));
    assert!(emu.counter("huawei.config") >= 4);
    sb.run(&["logs", "quiet"])
        .code(4)
        .stderr_has("FunctionGraph writes no log of 'quiet' to LTS: turn on its logs");
    sb.run(&["-p", "badtoken", "logs", "echo"]).code(3);
}
