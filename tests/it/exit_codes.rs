//! The exit-code contract, pinned: one case per exit code per provider, run against the
//! emulator. A change that shifts a code fails here.
//!
//! Providers: huawei, aliyun, altair, aws, openfaas.
//!
//! 0 ok · 2 usage · 3 config/credentials · 4 refused · 5 transport · 6 function failed ·
//! 7 expectation not met · 130 interrupted

use crate::support::*;

/// (profile, args, exit code, a piece of the one-line message on stderr)
type Case = (&'static str, &'static [&'static str], i32, &'static str);

const HUAWEI: &[Case] = &[
    ("token", &["invoke", "echo", "-d", "{}"], 0, "ok · HTTP 200"),
    (
        "token",
        &["invoke", "echo", "--async"],
        0,
        "accepted · HTTP 202",
    ),
    ("token", &["invoke", "urn:fss:x"], 2, "invalid function URN"),
    ("badtoken", &["invoke", "echo"], 3, "APIGW.0301"),
    ("nosuchprofile", &["invoke", "echo"], 3, "nosuchprofile"),
    ("token", &["invoke", "nosuch"], 4, "FSS.1051"),
    (
        "dead",
        &["invoke", "echo", "--retries", "0"],
        5,
        "could not connect",
    ),
    (
        "token",
        &["invoke", "fail"],
        6,
        "function error: ZeroDivisionError",
    ),
    (
        "token",
        &["invoke", "fail", "--async", "--wait"],
        6,
        "async status FAIL",
    ),
    (
        "token",
        &[
            "invoke",
            "echo",
            "-d",
            "{}",
            "--expect",
            ".result_json == 2",
        ],
        7,
        "expectation not met: .result_json == 2 yielded false",
    ),
];

const ALIYUN: &[Case] = &[
    ("fc", &["invoke", "svc/echo"], 0, "ok · HTTP 200"),
    (
        "fc",
        &["invoke", "svc/echo", "--async", "--invocation-id", "j1"],
        0,
        "accepted · HTTP 202",
    ),
    (
        "fc",
        &["invoke", "svc/echo", "--async", "--invocation-id", "1j"],
        2,
        "invalid invocation id",
    ),
    ("badkey", &["invoke", "svc/echo"], 3, "SignatureNotMatch"),
    ("fc", &["invoke", "svc/nosuch"], 4, "FunctionNotFound"),
    (
        "dead",
        &["invoke", "svc/echo", "--retries", "0"],
        5,
        "could not connect",
    ),
    (
        "fc",
        &["invoke", "svc/fail"],
        6,
        "function error: ZeroDivisionError",
    ),
    (
        "fc",
        &["invoke", "svc/fail", "--async", "--wait"],
        6,
        "async status Failed",
    ),
    (
        "fc",
        &[
            "invoke",
            "svc/echo",
            "-d",
            "{}",
            "--expect",
            ".result_json == 2",
        ],
        7,
        "expectation not met: .result_json == 2 yielded false",
    ),
];

const ALTAIR: &[Case] = &[
    ("iot", &["invoke", "echo", "-X", "GET"], 0, "ok · HTTP 200"),
    (
        "iot",
        &[
            "invoke",
            "echo",
            "--async",
            "--callback-url",
            "http://127.0.0.1:9/x",
        ],
        0,
        "accepted · HTTP 202",
    ),
    (
        "iot",
        &["invoke", "echo/a/b/c/d"],
        2,
        "Altair passes at most 3",
    ),
    ("badclient", &["invoke", "echo"], 3, "invalid_client"),
    ("iot", &["invoke", "nosuch"], 4, "function not found"),
    (
        "dead",
        &["invoke", "echo", "--retries", "0"],
        5,
        "could not connect",
    ),
    (
        "iot",
        &["invoke", "fail"],
        6,
        "function error: ZeroDivisionError",
    ),
    (
        "iot",
        &[
            "invoke",
            "fail",
            "--async",
            "--wait",
            "--listen",
            "127.0.0.1:0",
        ],
        6,
        "async status HTTP 500",
    ),
    (
        "iot",
        &[
            "invoke",
            "echo",
            "-d",
            "{}",
            "--expect",
            ".result_json == 2",
        ],
        7,
        "expectation not met: .result_json == 2 yielded false",
    ),
];

const AWS: &[Case] = &[
    (
        "lambda",
        &["invoke", "echo", "-d", "{}"],
        0,
        "ok · HTTP 200",
    ),
    (
        "lambda",
        &["invoke", "echo", "--async"],
        0,
        "accepted · HTTP 202",
    ),
    (
        "lambda",
        &["invoke", "echo", "--dry-run-remote"],
        0,
        "ok · HTTP 204",
    ),
    ("lambda", &["invoke", "a:b:c"], 2, "invalid Lambda function"),
    (
        "badkey",
        &["invoke", "echo"],
        3,
        "InvalidSignatureException",
    ),
    (
        "lambda",
        &["invoke", "nosuch"],
        4,
        "ResourceNotFoundException",
    ),
    (
        "dead",
        &["invoke", "echo", "--retries", "0"],
        5,
        "could not connect",
    ),
    (
        "lambda",
        &["invoke", "fail"],
        6,
        "function error: ZeroDivisionError",
    ),
    (
        "lambda",
        &[
            "invoke",
            "echo",
            "-d",
            "{}",
            "--expect",
            ".result_json == 2",
        ],
        7,
        "expectation not met: .result_json == 2 yielded false",
    ),
];

const OPENFAAS: &[Case] = &[
    ("of", &["invoke", "echo", "-X", "GET"], 0, "ok · HTTP 200"),
    (
        "of",
        &[
            "invoke",
            "echo",
            "--async",
            "--callback-url",
            "http://127.0.0.1:9/x",
        ],
        0,
        "accepted · HTTP 202",
    ),
    ("of", &["invoke", "Echo"], 2, "invalid function name"),
    ("badpass", &["invoke", "echo"], 3, "HTTP 401"),
    ("of", &["invoke", "nosuch"], 4, "Cannot find service"),
    (
        "dead",
        &["invoke", "echo", "--retries", "0"],
        5,
        "could not connect",
    ),
    ("of", &["invoke", "fail"], 6, "function error: HTTP 500"),
    (
        "of",
        &[
            "invoke",
            "fail",
            "--async",
            "--wait",
            "--listen",
            "127.0.0.1:0",
        ],
        6,
        "async status HTTP 500",
    ),
    (
        "of",
        &[
            "invoke",
            "echo",
            "-d",
            "{}",
            "--expect",
            ".result_json == 2",
        ],
        7,
        "expectation not met: .result_json == 2 yielded false",
    ),
];

/// `http://127.0.0.1:PORT` with a port that was free a moment ago: nothing listens there.
fn dead_endpoint() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}")
}

fn run_table(sb: &Sandbox, cases: &[Case]) {
    for (profile, args, code, message) in cases {
        let mut all = vec!["-p", profile];
        all.extend_from_slice(args);
        let o = sb.run(&all);
        assert_eq!(
            o.code,
            *code,
            "fcall {}: exit code\nstderr:\n{}",
            all.join(" "),
            o.stderr
        );
        assert!(
            o.stderr.contains(message),
            "fcall {}: stderr lacks {message:?}:\n{}",
            all.join(" "),
            o.stderr
        );
        if ![0, 6, 7].contains(code) {
            // failures before an outcome (0, 6 and 7 have one) are one line on stderr
            assert_eq!(
                o.stderr.lines().count(),
                1,
                "fcall {}:\n{}",
                all.join(" "),
                o.stderr
            );
        }
    }
}

#[test]
fn huawei_exit_codes() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.huawei_profiles(&emu);
    sb.add_profiles(&[profile("dead", "huawei")
        .set("region", "cn-north-4")
        .set("project_id", PROJECT)
        .set("endpoint", dead_endpoint())
        .set("token", "x")]);
    run_table(&sb, HUAWEI);
}

#[test]
fn aliyun_exit_codes() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.aliyun_profiles(&emu);
    sb.add_profiles(&[
        profile("badkey", "aliyun")
            .set("account_id", ACCOUNT)
            .set("endpoint", emu.url())
            .set("access_key_id", AK)
            .set("access_key_secret", "wrong"),
        profile("dead", "aliyun")
            .set("endpoint", dead_endpoint())
            .set("access_key_id", "a")
            .set("access_key_secret", "b"),
    ]);
    run_table(&sb, ALIYUN);
}

#[test]
fn altair_exit_codes() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.altair_profiles(&emu);
    sb.add_profiles(&[
        profile("badclient", "altair")
            .set("space", "s")
            .set("endpoint", emu.url())
            .set("client_id", CLIENT_ID)
            .set("client_secret", "wrong"),
        profile("dead", "altair")
            .set("space", "s")
            .set("endpoint", dead_endpoint())
            .set("token", "t"),
    ]);
    run_table(&sb, ALTAIR);
}

#[test]
fn aws_exit_codes() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.aws_profiles(&emu);
    sb.add_profiles(&[profile("dead", "aws")
        .set("region", "us-east-1")
        .set("endpoint", dead_endpoint())
        .set("access_key_id", "a")
        .set("secret_access_key", "b")]);
    run_table(&sb, AWS);
}

#[test]
fn openfaas_exit_codes() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.openfaas_profiles(&emu);
    sb.add_profiles(&[profile("dead", "openfaas").set("endpoint", dead_endpoint())]);
    run_table(&sb, OPENFAAS);
}

/// Start a slow invocation, interrupt it once it is in flight, expect 130 and no output.
#[cfg(unix)]
fn interrupted(sb: &Sandbox, emu: &Emulator, args: &[&str], counter: &str) {
    let child = std::process::Command::new(bin())
        .env("FCALL_CONFIG", sb.config())
        .env("FCALL_CACHE_DIR", sb.cache())
        .env("TEST_HW_SK", SK)
        .env("TEST_ALTAIR_SECRET", CLIENT_SECRET)
        .env("TEST_OF_PASSWORD", BASIC_PASSWORD)
        .env("AWS_SHARED_CREDENTIALS_FILE", sb.aws_file("credentials"))
        .env("AWS_CONFIG_FILE", sb.aws_file("config"))
        .args(args)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // wait until the call is in flight at the emulator
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while emu.counter(counter) == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the call never arrived"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let kill = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{args:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted"));
    assert!(out.stdout.is_empty(), "no half-written result");
}

#[cfg(unix)]
#[test]
fn ctrl_c_exits_130_for_every_provider() {
    let emu = Emulator::start();
    let slow = r#"{"sleep_ms":30000}"#;
    let sb = Sandbox::new();
    sb.huawei_profiles(&emu);
    interrupted(
        &sb,
        &emu,
        &["invoke", "slow", "-d", slow],
        "huawei.sync.slow",
    );
    let sb = Sandbox::new();
    sb.aliyun_profiles(&emu);
    interrupted(
        &sb,
        &emu,
        &["invoke", "svc/slow", "-d", slow],
        "aliyun.sync.slow",
    );
    let sb = Sandbox::new();
    sb.altair_profiles(&emu);
    interrupted(
        &sb,
        &emu,
        &["invoke", "slow", "-d", slow],
        "altair.sync.slow",
    );
    let sb = Sandbox::new();
    sb.aws_profiles(&emu);
    interrupted(&sb, &emu, &["invoke", "slow", "-d", slow], "aws.sync.slow");
    let sb = Sandbox::new();
    sb.openfaas_profiles(&emu);
    interrupted(
        &sb,
        &emu,
        &["invoke", "slow", "-d", slow],
        "openfaas.sync.slow",
    );
}
