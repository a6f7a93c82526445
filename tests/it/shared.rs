//! What FunctionGraph and Function Compute have in common, tested once: a table of cases
//! (the functions below) × one row per provider (`huawei()`, `aliyun()`, what each
//! provider's profiles, functions and answers are). `cells!` makes one test per case and
//! row, `shared::huawei::sync_echo` and `shared::aliyun::sync_echo`, each against its own
//! emulator. Every row asserts everything the cases assert; what only one provider does
//! stays in its own module.

use crate::support::*;

/// One provider, as the cases need it.
struct Row {
    /// The envelope's `provider`, and the prefix of the emulator's counters.
    provider: &'static str,
    /// How its refusals begin: "FunctionGraph", "Function Compute".
    platform: &'static str,
    /// Writes the provider's profiles (`Sandbox::huawei_profiles`, …).
    profiles: fn(&Sandbox, &Emulator),
    /// The default profile's name.
    profile: &'static str,
    /// The emulator's functions, as the default profile names them.
    echo: &'static str,
    longlog: &'static str,
    fail: &'static str,
    nosuch: &'static str,
    /// The envelope's `function` for `echo` and `longlog`.
    echo_id: String,
    longlog_id: String,

    /// A payload `echo` gives back, and pieces of the summary line its run prints.
    payload: &'static str,
    summary: &'static [&'static str],
    /// Pieces of the summary line with `--tail` (the tail may have figures of its own).
    tail_summary: &'static [&'static str],
    /// Pieces of the decoded log of `echo` with `--tail`.
    log: &'static [&'static str],
    /// The summary's numbers as the JSON envelope carries them.
    summary_json: &'static [(&'static str, f64)],

    /// `longlog`: the size the provider cuts its log tail to, a line near its end, how the
    /// log ends, and what the function returns with no payload.
    tail_bytes: usize,
    log_finish: &'static str,
    log_end: &'static str,
    longlog_stdout: &'static [u8],

    /// `--async`: extra arguments, and what the accepted line says of them; for `--output
    /// json`, extra arguments and the `invocation_id` expected (None: the request id).
    async_args: &'static [&'static str],
    async_says: &'static [&'static str],
    async_json_args: &'static [&'static str],
    async_invocation_id: Option<&'static str>,

    /// `--async --wait`: what the status is called on success, the emulator's status polls
    /// until then, what stdout carries (the result, where the status query returns it).
    succeeded: &'static str,
    polls: u64,
    wait_payload: &'static str,
    wait_stdout: &'static [u8],
    /// `fail` waited for: the arguments, the status, the message, the invocation id kept.
    wait_fail_args: &'static [&'static str],
    failed: &'static str,
    fail_message: &'static str,
    wait_fail_invocation_id: Option<&'static str>,

    /// A wrong `TEST_HW_SK` (the AK/SK secret): the profile that uses it, the refusal.
    signed_profile: &'static [&'static str],
    bad_secret_says: &'static [&'static str],
    /// The refusal of `nosuch`, from `fcall: error: ` to the request id.
    not_found: &'static str,

    /// Environment that breaks the default profile's credentials, and keys in the
    /// provider's own variables that then win over the profile.
    broken_env: &'static [(&'static str, &'static str)],
    key_env: &'static [(&'static str, &'static str)],
    env_payload: &'static str,

    /// `--dry-run` of `echo` with this qualifier: the path, the provider's headers, the
    /// header with the signing time.
    qualifier: &'static str,
    dry_path: String,
    dry_headers: Vec<String>,
    date_header: &'static str,
}

fn huawei() -> Row {
    let urn = |name: &str| format!("urn:fss:cn-north-4:{PROJECT}:function:default:{name}:latest");
    Row {
        provider: "huawei",
        platform: "FunctionGraph",
        profiles: Sandbox::huawei_profiles,
        profile: "token",
        echo: "echo",
        longlog: "longlog",
        fail: "fail",
        nosuch: "nosuch",
        echo_id: urn("echo"),
        longlog_id: urn("longlog"),
        payload: r#"{"name":"x"}"#,
        summary: &["duration 1.913 ms", "billed 2 ms", "memory 41.512 of 128 MB"],
        tail_summary: &["duration 1.913 ms", "billed 2 ms", "memory 41.512 of 128 MB"],
        log: &["Start invoke request '", "你好, función ✓"],
        summary_json: &[
            ("duration_ms", 1.913),
            ("billed_ms", 2.0),
            ("memory_limit_mb", 128.0),
        ],
        tail_bytes: 2000,
        log_finish: "Finish invoke request",
        log_end: "billing memory: 128MB\n",
        // no payload given: the API needs a body, so {} was sent and echoed
        longlog_stdout: b"{}",
        async_args: &[],
        async_says: &[],
        async_json_args: &[],
        async_invocation_id: None,
        succeeded: "SUCCESS",
        // the emulator answers RUNNING first
        polls: 2,
        wait_payload: "1",
        // FunctionGraph's async status carries no result
        wait_stdout: b"",
        wait_fail_args: &["-p", "aksk", "invoke", "fail", "--async", "--wait"],
        failed: "FAIL",
        fail_message: "ZeroDivisionError: division by zero",
        wait_fail_invocation_id: None,
        signed_profile: &["-p", "aksk"],
        bad_secret_says: &[
            "FunctionGraph refused the request: APIGW.0301 Incorrect IAM authentication information: verify aksk signature fail",
            "(HTTP 401, request id ",
            "access_key and secret_key",
        ],
        not_found: "fcall: error: FunctionGraph refused the request: FSS.1051 Not found the function (HTTP 404, request id ",
        // the badtoken profile would fail; the SDK variables make it sign with AK/SK instead
        broken_env: &[("FCALL_PROFILE", "badtoken")],
        key_env: &[("HUAWEICLOUD_SDK_AK", AK), ("HUAWEICLOUD_SDK_SK", SK)],
        env_payload: "1",
        qualifier: "alias:prod",
        dry_path: format!(
            "/v2/{PROJECT}/fgs/functions/urn%3Afss%3Acn-north-4%3A{PROJECT}%3Afunction%3Adefault%3Aecho%3A%21prod/invocations"
        ),
        dry_headers: vec![
            "X-Cff-Log-Type: tail\n".into(),
            "X-CFF-Request-Version: v1\n".into(),
            format!("X-Project-Id: {PROJECT}\n"),
        ],
        date_header: "\nX-Sdk-Date: ",
    }
}

fn aliyun() -> Row {
    Row {
        provider: "aliyun",
        platform: "Function Compute",
        profiles: Sandbox::aliyun_profiles,
        profile: "fc",
        echo: "svc/echo",
        longlog: "svc/longlog",
        fail: "svc/fail",
        nosuch: "svc/nosuch",
        echo_id: "svc/echo".into(),
        longlog_id: "svc/longlog".into(),
        payload: "hello bytes",
        summary: &[
            "duration 3 ms",
            "memory 10.83 MB",
            "version LATEST",
            "instance c-",
        ],
        // the headers' whole milliseconds made exact, and the billed time and memory limit
        // added, from the tail's `Duration: … Billed Duration: …` line
        tail_summary: &[
            "duration 2.96 ms · billed 3 ms · memory 10.83 of 128 MB",
            "version LATEST",
        ],
        log: &["FC Invoke Start RequestId: ", "你好, función ✓"],
        summary_json: &[
            ("duration_ms", 2.96),
            ("billed_ms", 3.0),
            ("memory_mb", 10.83),
            ("memory_limit_mb", 128.0),
        ],
        tail_bytes: 4096,
        log_finish: "FC Invoke End RequestId: ",
        log_end: "Max Memory Used: 10.83 MB\n",
        longlog_stdout: b"",
        async_args: &["--invocation-id", "job-001", "-d", "x"],
        async_says: &["invocation job-001"],
        async_json_args: &["--invocation-id", "_job-2"],
        async_invocation_id: Some("_job-2"),
        succeeded: "Succeeded",
        // Enqueued, Running, Succeeded
        polls: 3,
        wait_payload: "task output",
        wait_stdout: b"task output",
        wait_fail_args: &[
            "invoke",
            "svc/fail",
            "--async",
            "--wait",
            "--invocation-id",
            "job-f",
        ],
        failed: "Failed",
        fail_message: "UnhandledInvocationError: division by zero",
        wait_fail_invocation_id: Some("job-f"),
        signed_profile: &[],
        bad_secret_says: &[
            "Function Compute refused the request: SignatureNotMatch",
            "(HTTP 403, request id ",
            "check access_key_id and access_key_secret",
        ],
        not_found: "fcall: error: Function Compute refused the request: FunctionNotFound function 'nosuch' does not exist (HTTP 404, request id ",
        broken_env: &[("TEST_HW_SK", "wrong-secret")],
        key_env: &[
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", AK),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SK),
        ],
        env_payload: "env",
        qualifier: "prod",
        dry_path: "/2021-04-06/services/svc.prod/functions/echo/invocations".into(),
        dry_headers: vec![
            "X-Fc-Invocation-Type: Sync\n".into(),
            "X-Fc-Log-Type: Tail\n".into(),
            format!("X-Fc-Account-Id: {ACCOUNT}\n"),
        ],
        date_header: "\nDate: ",
    }
}

/// The emulator's count of `what` (`sync.echo`, `status`, …) for the row's provider.
fn count(emu: &Emulator, row: &Row, what: &str) -> u64 {
    emu.counter(&format!("{}.{what}", row.provider))
}

fn setup(row: &Row) -> (Emulator, Sandbox) {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    (row.profiles)(&sb, &emu);
    (emu, sb)
}

fn run_with_env(sb: &Sandbox, env: &[(&str, &str)], args: &[&str]) -> Outcome {
    let mut c = sb.cmd();
    for (k, v) in env {
        c.env(k, v);
    }
    c.args(args);
    Outcome::of(c.assert())
}

/// The result alone on stdout, the summary on stderr; the log only when asked for; each
/// call reaches the function exactly once.
fn sync_echo(row: &Row) {
    let (emu, sb) = setup(row);
    let o = sb.run(&["invoke", row.echo, "-d", row.payload]);
    o.code(0);
    assert_eq!(o.stdout, row.payload.as_bytes());
    o.stderr_has("ok · HTTP 200 · request ");
    for s in row.summary {
        o.stderr_has(s);
    }
    // no tail asked: no log shown
    assert!(!o.stderr.contains("── log"), "{}", o.stderr);
    assert_eq!(count(&emu, row, "sync.echo"), 1);

    let o = sb.run(&["invoke", row.echo, "-d", row.payload, "--tail"]);
    o.code(0);
    assert_eq!(o.stdout, row.payload.as_bytes());
    o.stderr_has("── log ──\n").stderr_has("── end of log ──\n");
    for s in row.log {
        o.stderr_has(s);
    }
    o.stderr_has("ok · HTTP 200 · request ");
    for s in row.tail_summary {
        o.stderr_has(s);
    }
    assert_eq!(count(&emu, row, "sync.echo"), 2);
}

/// A log the provider cut to its limit, even mid-character, is decoded without a U+FFFD
/// and flagged as cut, in the report and in the envelope.
fn long_tail(row: &Row) {
    let (_emu, sb) = setup(row);
    let o = sb.run(&["invoke", row.longlog, "--tail"]);
    o.code(0);
    o.stderr_has(&format!(
        "── log tail ({} bytes; earlier lines were cut by the provider) ──",
        row.tail_bytes
    ))
    .stderr_has("日志 línea données ✓")
    .stderr_has(row.log_finish)
    .stderr_has(row.log_end);
    assert!(!o.stderr.contains('\u{FFFD}'), "{}", o.stderr);
    assert_eq!(o.stdout, row.longlog_stdout);

    let o = sb.run(&["invoke", row.longlog, "--tail", "--output", "json"]);
    o.code(0);
    let j = o.json();
    assert_eq!(j["log_truncated"], true);
    let log = j["log"].as_str().unwrap();
    assert!(!log.contains('\u{FFFD}'));
    assert!(log.contains("日志 línea données ✓"));
    assert!(log.contains(row.log_finish));
    assert!(log.ends_with(row.log_end), "{log}");
    assert_eq!(j["provider"], row.provider);
    assert_eq!(j["function"], row.longlog_id.as_str());
}

/// A function that raised: exit 6, its error, its traceback in the log, a failed summary.
fn function_error(row: &Row) {
    let (_emu, sb) = setup(row);
    sb.run(&["invoke", row.fail, "--tail"])
        .code(6)
        .stderr_has("function error: ZeroDivisionError: division by zero")
        .stderr_has("Traceback (most recent call last)")
        .stderr_has("failed · HTTP 200");
}

/// The JSON envelope of a success and of a function error; stderr stays quiet.
fn json_envelope(row: &Row) {
    let (_emu, sb) = setup(row);
    let o = sb.run(&[
        "invoke",
        row.echo,
        "-d",
        r#"{"a":1}"#,
        "--tail",
        "--output",
        "json",
    ]);
    o.code(0);
    let j = o.json();
    assert_eq!(j["schema_version"], 1);
    assert_eq!(j["provider"], row.provider);
    assert_eq!(j["profile"], row.profile);
    assert_eq!(j["function"], row.echo_id.as_str());
    assert_eq!(j["mode"], "sync");
    assert_eq!(j["status"], 200);
    assert_eq!(j["ok"], true);
    assert_eq!(j["result"], r#"{"a":1}"#);
    for (field, value) in row.summary_json {
        assert_eq!(j[field], *value, "{field}");
    }
    assert!(j["log"].as_str().unwrap().contains("你好"));
    assert_eq!(j["log_truncated"], false);
    assert!(j["request_id"].as_str().is_some());
    assert!(
        o.stderr.is_empty(),
        "json mode keeps stderr quiet: {}",
        o.stderr
    );

    let o = sb.run(&["invoke", row.fail, "--output", "json"]);
    o.code(6);
    let j = o.json();
    assert_eq!(j["ok"], false);
    assert_eq!(j["function_error"]["kind"], "ZeroDivisionError");
    assert_eq!(j["function_error"]["message"], "division by zero");
}

/// A signature made with the wrong secret: exit 3, the platform's refusal in one line with
/// its request id and what to check; nothing ran.
fn wrong_secret_exits_3(row: &Row) {
    let (emu, sb) = setup(row);
    let mut args = row.signed_profile.to_vec();
    args.extend(["invoke", row.echo]);
    let o = run_with_env(&sb, &[("TEST_HW_SK", "wrong-secret")], &args);
    o.code(3).stderr_has(&format!(
        "fcall: error: {} refused the request: ",
        row.platform
    ));
    for s in row.bad_secret_says {
        o.stderr_has(s);
    }
    assert_eq!(o.stderr.lines().count(), 1, "{}", o.stderr);
    assert_eq!(count(&emu, row, "sync.echo"), 0);
}

/// A function the platform does not have: exit 4 with the platform's message.
fn unknown_function_exits_4(row: &Row) {
    let (emu, sb) = setup(row);
    let o = sb.run(&["invoke", row.nosuch]);
    o.code(4).stderr_has(row.not_found);
    assert_eq!(o.stderr.lines().count(), 1, "{}", o.stderr);
    assert_eq!(count(&emu, row, "sync.echo"), 0);
}

/// `--async`: accepted (202) with the request id, nothing on stdout; the envelope says so.
fn async_accepted(row: &Row) {
    let (emu, sb) = setup(row);
    let mut args = vec!["invoke", row.echo, "--async"];
    args.extend(row.async_args);
    let o = sb.run(&args);
    o.code(0).stderr_has("accepted · HTTP 202 · request ");
    for s in row.async_says {
        o.stderr_has(s);
    }
    assert!(o.stdout.is_empty());

    let mut args = vec!["invoke", row.echo, "--async"];
    args.extend(row.async_json_args);
    args.extend(["--output", "json"]);
    let o = sb.run(&args);
    o.code(0);
    let j = o.json();
    assert_eq!(j["mode"], "async");
    assert_eq!(j["status"], 202);
    assert_eq!(j["ok"], true);
    assert!(j["request_id"].as_str().unwrap().len() >= 32);
    assert!(j["result"].is_null());
    match row.async_invocation_id {
        Some(id) => assert_eq!(j["invocation_id"], id),
        None => assert_eq!(j["invocation_id"], j["request_id"]),
    }
    assert_eq!(count(&emu, row, "async.echo"), 2);
}

/// `--async --wait` polls the status until the outcome: success exits 0, a failure 6 with
/// the status and the function's message.
fn async_wait(row: &Row) {
    let (emu, sb) = setup(row);
    let o = sb.run(&[
        "invoke",
        row.echo,
        "--async",
        "--wait",
        "-d",
        row.wait_payload,
    ]);
    o.code(0)
        .stderr_has("ok · HTTP 202 · request ")
        .stderr_has(&format!(" · async status {}", row.succeeded));
    assert_eq!(o.stdout, row.wait_stdout);
    assert_eq!(count(&emu, row, "status"), row.polls);

    let mut args = row.wait_fail_args.to_vec();
    args.extend(["--output", "json"]);
    let o = sb.run(&args);
    o.code(6);
    let j = o.json();
    assert_eq!(j["async_status"], row.failed);
    assert_eq!(j["function_error"]["message"], row.fail_message);
    if let Some(id) = row.wait_fail_invocation_id {
        assert_eq!(j["invocation_id"], id);
    }
}

/// Keys in the provider's own environment variables win over the profile's credentials.
fn environment_keys_override_the_profile(row: &Row) {
    let (_emu, sb) = setup(row);
    let args = ["invoke", row.echo, "-d", row.env_payload];
    // the profile alone fails
    run_with_env(&sb, row.broken_env, &args).code(3);
    let env: Vec<_> = row.broken_env.iter().chain(row.key_env).copied().collect();
    let o = run_with_env(&sb, &env, &args);
    o.code(0);
    assert_eq!(o.stdout, row.env_payload.as_bytes());
}

/// `--dry-run` prints the signed request, secrets masked, and sends nothing.
fn dry_run_shows_the_signed_request(row: &Row) {
    let (emu, sb) = setup(row);
    let mut args = row.signed_profile.to_vec();
    args.extend([
        "invoke",
        row.echo,
        "--qualifier",
        row.qualifier,
        "--tail",
        "-H",
        "X-Trace: 7",
        "-d",
        "{}",
        "--dry-run",
    ]);
    let o = sb.run(&args);
    o.code(0);
    let out = o.stdout_str();
    let start = format!("POST {}{}\n", emu.url(), row.dry_path);
    assert!(out.starts_with(&start), "{out}");
    let common = [
        "Content-Type: application/json\n",
        "X-Trace: 7\n",
        "Authorization: ****\n",
    ];
    for h in row.dry_headers.iter().map(String::as_str).chain(common) {
        assert!(out.contains(h), "missing {h:?} in\n{out}");
    }
    assert!(out.contains(row.date_header), "{out}");
    assert!(out.ends_with("\n\n{}\n"), "{out}");
    assert_eq!(emu.counter("requests"), 0);
}

/// One test per case and row: `shared::huawei::CASE`, `shared::aliyun::CASE`.
macro_rules! cells {
    ($($case:ident),* $(,)?) => {
        mod huawei {
            $(#[test] fn $case() { super::$case(&super::huawei()) })*
        }
        mod aliyun {
            $(#[test] fn $case() { super::$case(&super::aliyun()) })*
        }
    };
}

cells!(
    sync_echo,
    long_tail,
    function_error,
    json_envelope,
    wrong_secret_exits_3,
    unknown_function_exits_4,
    async_accepted,
    async_wait,
    environment_keys_override_the_profile,
    dry_run_shows_the_signed_request,
);
