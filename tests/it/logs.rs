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

/// The providers that read logs, each with the profiles that reach the emulator.
const PROVIDERS: &[(&str, Setup)] = &[
    ("altair", Sandbox::altair_profiles),
    ("openfaas", Sandbox::openfaas_profiles),
];

fn each_provider(emu_flags: &[&str], test: impl Fn(&str, &Emulator, &Sandbox)) {
    let emu = Emulator::start_with(emu_flags);
    for (name, setup) in PROVIDERS {
        let sb = Sandbox::new();
        setup(&sb, &emu);
        test(name, &emu, &sb);
    }
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
        o.code(0).stderr_has("── log (240 lines from ");
        assert_every_longlog_line(provider, &o.stderr);
        // exits as the invocation did, the log shown all the same
        let o = sb.run(&["invoke", "fail", "--logs"]);
        o.code(6).stderr_has("ZeroDivisionError: division by zero");
        assert!(
            o.stderr.contains("── log (3 lines from "),
            "{provider}: {}",
            o.stderr
        );
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
        let o = sb.run(&["logs", "longlog", "--limit", "5"]);
        assert_eq!(longlog_lines(&o.code(0).stdout_str()), [1, 2, 3, 4, 5]);
        let o = sb.run(&["logs", "longlog", "--output", "json", "--limit", "2"]);
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
        let o = sb.run(&["logs", "nothing-here"]);
        o.code(0)
            .stderr_has("no log lines for the window asked for");
    });
}

#[test]
fn a_request_id_alone_finds_the_lines_that_name_it() {
    // OpenFaaS-style log lines carry no request id: `invoke --logs` picks a request's lines
    // by its time window; `fcall logs --request-id` finds those that print the id
    each_provider(&[], |provider, _emu, sb| {
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
        sb.run(&["invoke", "echo", "-d", "first"]).code(0);
        let mut cmd: Command = Command::new(bin());
        cmd.env("FCALL_CONFIG", sb.config())
            .env("FCALL_CACHE_DIR", sb.cache())
            .env("TEST_ALTAIR_SECRET", CLIENT_SECRET)
            .env("TEST_OF_PASSWORD", BASIC_PASSWORD)
            .args(["logs", "echo", "--follow"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        assert!(first.contains("received 5 bytes"), "{provider}: {first}");
        sb.run(&["invoke", "echo", "-d", "second!"]).code(0);
        let next = lines.next().unwrap().unwrap();
        assert!(next.contains("received 7 bytes"), "{provider}: {next}");
        let int = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(int.success());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(130), "{provider}");
        assert!(lines.next().is_none(), "{provider}: nothing after Ctrl-C");
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
