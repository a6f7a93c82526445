//! Faults injected by the emulator (`X-Emulator-Fault`): for each, the exit code, a one-line
//! message naming what happened, and — from the emulator's counters — that a synchronous
//! invocation reached the function exactly once.

use crate::support::*;

fn fault(name: &str) -> String {
    format!("X-Emulator-Fault: {name}")
}

/// (fault, extra args, exit code, message piece, retried requests expected at the fault)
type Case = (
    &'static str,
    &'static [&'static str],
    i32,
    &'static str,
    u64,
);

const HUAWEI_SYNC: &[Case] = &[
    ("reset", &[], 5, "the exchange with 127.0.0.1:", 1),
    (
        "stall",
        &["--timeout", "1"],
        5,
        "no answer from 127.0.0.1:",
        1,
    ),
    ("truncate", &[], 5, "the exchange with 127.0.0.1:", 1),
    ("bigheader", &[], 5, "the exchange with 127.0.0.1:", 1),
    ("redirect", &[], 4, "(HTTP 302", 1),
    // throttling means nothing ran: retried (twice by default), then reported
    ("429", &[], 4, "(HTTP 429", 3),
    ("503", &["--retries", "1"], 4, "(HTTP 503", 2),
    ("429-once", &[], 0, "ok · HTTP 200", 2),
    ("503-once", &[], 0, "ok · HTTP 200", 2),
];

#[test]
fn huawei_sync_faults() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.huawei_profiles(&emu);
    let mut ran = 0;
    for (name, extra, code, message, attempts) in HUAWEI_SYNC {
        let h = fault(name);
        let mut args = vec!["-p", "aksk", "invoke", "echo", "-d", "{}", "-H", &h];
        args.extend_from_slice(extra);
        let o = sb.run(&args);
        assert_eq!(o.code, *code, "fault {name}: {}", o.stderr);
        assert!(o.stderr.contains(message), "fault {name}: {}", o.stderr);
        // each retry says so in a line of its own; the error is one line
        let retries = o
            .stderr
            .lines()
            .filter(|l| l.starts_with("retrying in "))
            .count();
        assert_eq!(
            retries as u64,
            attempts - 1,
            "fault {name}: retry lines\n{}",
            o.stderr
        );
        if *code != 0 {
            assert_eq!(
                o.stderr.lines().count() - retries,
                1,
                "fault {name}: one line\n{}",
                o.stderr
            );
        }
        assert_eq!(
            emu.counter(&format!("faults.{name}")),
            *attempts,
            "fault {name}: requests"
        );
        // faults after the function ran must not make it run again
        if ["reset", "truncate", "bigheader"].contains(name) || *code == 0 {
            ran += 1;
        }
        assert_eq!(
            emu.counter("huawei.sync.echo"),
            ran,
            "fault {name}: the function ran once"
        );
    }
}

#[test]
fn spoiled_answers_still_deliver_the_result() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.huawei_profiles(&emu);
    let h = fault("badtail");
    let o = sb.run(&["invoke", "echo", "-d", "{\"a\":1}", "--tail", "-H", &h]);
    o.code(0).stderr_has("warning: X-Cff-Function-Log: ");
    assert_eq!(o.stdout, b"{\"a\":1}");

    let h = fault("binary");
    let o = sb.run(&["invoke", "echo", "-H", &h]);
    assert_eq!(o.code(0).stdout, [0xff, 0xfe, 0x00, 0x80]);
    let o = sb.run(&["invoke", "echo", "-H", &h, "--output", "json"]);
    assert_eq!(o.code(0).json()["result"], "//4AgA==");
    assert_eq!(o.json()["result_encoding"], "base64");
}

#[test]
fn function_compute_retries_throttling_for_async_only() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.aliyun_profiles(&emu);
    let h = fault("429");
    sb.run(&["invoke", "svc/echo", "-H", &h])
        .code(4)
        .stderr_has("(HTTP 429");
    assert_eq!(
        emu.counter("faults.429"),
        1,
        "a sync call is not sent again"
    );
    sb.run(&["invoke", "svc/echo", "--async", "-H", &h]).code(4);
    assert_eq!(emu.counter("faults.429"), 4, "an async one is, twice");
    let h = fault("503-once");
    sb.run(&[
        "invoke",
        "svc/echo",
        "--async",
        "--invocation-id",
        "r-1",
        "-H",
        &h,
    ])
    .code(0);
    assert_eq!(emu.counter("aliyun.async.echo"), 1);
}

#[test]
fn altair_reset_and_redirect() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.altair_profiles(&emu);
    let h = fault("reset");
    sb.run(&["invoke", "echo", "-H", &h])
        .code(5)
        .stderr_has("the exchange with");
    assert_eq!(emu.counter("altair.sync.echo"), 1);
    let h = fault("redirect");
    sb.run(&["invoke", "echo", "-H", &h])
        .code(4)
        .stderr_has("(HTTP 302)");
}

#[test]
fn retry_sync_is_the_only_way_to_send_a_sync_call_again() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.huawei_profiles(&emu);
    let h = fault("reset");
    sb.run(&["invoke", "echo", "-H", &h, "--retry-sync", "--retries", "2"])
        .code(5)
        .stderr_has("the exchange with");
    // asked for: three attempts, and the function ran three times
    assert_eq!(emu.counter("faults.reset"), 3);
    assert_eq!(emu.counter("huawei.sync.echo"), 3);
    let h = fault("429");
    let sb2 = Sandbox::new();
    sb2.aliyun_profiles(&emu);
    sb2.run(&[
        "invoke",
        "svc/echo",
        "-H",
        &h,
        "--retry-sync",
        "--retries",
        "1",
    ])
    .code(4);
    assert_eq!(
        emu.counter("faults.429"),
        2,
        "FC sync throttling retried only when asked"
    );
}

#[test]
fn insecure_warns_every_time() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.huawei_profiles(&emu);
    for _ in 0..2 {
        sb.run(&["invoke", "echo", "--insecure"])
            .code(0)
            .stderr_has("warning: --insecure: TLS certificates are not verified");
    }
}

/// Only a provider's documented success statuses are success (issue 18: OpenFaaS took any
/// status below 400 for one): a 1xx or 3xx is a refusal for every provider, by one rule.
#[test]
fn statuses_outside_the_documented_successes_are_refusals() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.openfaas_profiles(&emu);
    sb.add_profiles(&[
        profile("alt", "altair")
            .set("space", "demo")
            .set("endpoint", emu.url())
            .set("token", TOKEN),
        profile("hw", "huawei")
            .set("region", "cn-north-4")
            .set("project_id", PROJECT)
            .set("endpoint", emu.url())
            .set("token", TOKEN),
    ]);
    for (p, f) in [("of", "echo"), ("alt", "echo"), ("hw", "echo")] {
        for status in ["301", "302", "304", "307", "308", "399"] {
            let h = fault(&format!("status-{status}"));
            let o = sb.run(&["-p", p, "invoke", f, "-H", &h]);
            o.code(4).stderr_has(&format!("(HTTP {status}"));
            assert_eq!(o.stderr.lines().count(), 1, "{p} {status}: {}", o.stderr);
            assert!(o.stdout.is_empty(), "{p} {status}: no result");
        }
    }
    sb.run(&["-p", "of", "invoke", "echo", "-H", &fault("redirect")])
        .code(4)
        .stderr_has("does not follow redirects");
}

/// No answer can put a control character on the terminal through fcall's own messages
/// (issue 18: an error message could clear the screen and forge an `ok · HTTP 200` line).
#[test]
fn remote_text_reaches_the_terminal_escaped() {
    let emu = Emulator::start();
    let all = Sandbox::new();
    all.huawei_profiles(&emu);
    let runs: Vec<(Sandbox, Vec<&str>)> = vec![
        (all, vec!["invoke", "echo"]),
        (
            {
                let s = Sandbox::new();
                s.aliyun_profiles(&emu);
                s
            },
            vec!["invoke", "svc/echo"],
        ),
        (
            {
                let s = Sandbox::new();
                s.altair_profiles(&emu);
                s
            },
            vec!["invoke", "echo"],
        ),
        (
            {
                let s = Sandbox::new();
                s.aws_profiles(&emu);
                s
            },
            vec!["invoke", "echo"],
        ),
        (
            {
                let s = Sandbox::new();
                s.openfaas_profiles(&emu);
                s
            },
            vec!["invoke", "echo"],
        ),
    ];
    let h = fault("escapes");
    for (sb, args) in &runs {
        for verbose in [false, true] {
            let mut a: Vec<&str> = if verbose { vec!["-v"] } else { vec![] };
            a.extend(args.iter().copied());
            a.extend(["-H", &h]);
            let o = sb.run(&a);
            // a refusal (4), or for OpenFaaS a 404 the function gave (6)
            assert!([4, 6].contains(&o.code), "{a:?}: {}", o.stderr);
            let bad = o.stderr.chars().find(|c| c.is_control() && *c != '\n');
            assert_eq!(
                bad, None,
                "{a:?}: a control character reached stderr:\n{}",
                o.stderr
            );
            assert!(
                !o.stderr.lines().any(|l| l.starts_with("ok · HTTP 200")),
                "{a:?}: a forged line:\n{}",
                o.stderr
            );
        }
    }
}

/// A callback is the result only when it names the call the provider accepted and says how
/// the function ended (issue 18: a forged or status-less callback counted as success).
#[test]
fn callbacks_must_name_the_call_and_its_status() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.openfaas_profiles(&emu);
    let wait = [
        "invoke",
        "job",
        "--async",
        "--wait",
        "--listen",
        "127.0.0.1:0",
    ];
    for (name, says) in [
        ("callback-no-status", "no valid X-Function-Status"),
        ("callback-bad-status", "no valid X-Function-Status"),
    ] {
        let h = fault(name);
        let mut a = wait.to_vec();
        a.extend(["-H", &h]);
        let o = sb.run(&a);
        o.code(6).stderr_has(says);
        assert!(o.stdout.is_empty(), "{name}: no result");
    }
    let h = fault("callback-wrong-id");
    let mut a = wait.to_vec();
    a.extend(["-H", &h, "--timeout", "2"]);
    let o = sb.run(&a);
    o.code(5)
        .stderr_has("ignored a callback for call forged-call")
        .stderr_has("no callback arrived");
    assert!(o.stdout.is_empty(), "a forged callback is not the result");
}
