//! `fcall test`: suites of cases against the emulator, their lines, summary, exit code and
//! reports (JUnit XML checked against a JUnit schema with xmllint, NDJSON, GitHub).

use std::path::{Path, PathBuf};

use crate::support::*;

const SUITE: &str = r#"profile = "token"
function = "echo"

[[case]]
name = "echo answers"
payload = { k = "v", id = "{{uuid}}" }
expect = ['.result_json.k == "v"', '.result_json.id | length == 36']

[[case]]
name = "wrong answer"
payload = 1
expect = [".result_json == 2"]

[[case]]
name = "expected failure"
function = "fail"
expect = [".function_error != null"]

[[case]]
name = "unknown function"
function = "nosuch"

[[case]]
name = "async then wait"
async = true
wait = true
payload = { x = 1 }
expect = ['.async_status == "SUCCESS"']

[[case]]
name = "log and time"
log_contains = "received"
max_duration_ms = 60000
"#;

fn write(sb: &Sandbox, name: &str, text: &str) -> PathBuf {
    let dir = sb.dir.path().join("smoke");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// `xmllint --schema tests/fixtures/junit.xsd FILE`: the JUnit schema accepts it.
fn assert_valid_junit(file: &Path) {
    let xsd = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/junit.xsd");
    let out = std::process::Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&xsd)
        .arg(file)
        .output()
        .expect("xmllint (Debian: libxml2-utils; .ci/run installs it)");
    assert!(
        out.status.success(),
        "the JUnit schema refuses the report:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_suite_with_passing_failing_and_erroring_cases() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.huawei_profiles(&emu);
    write(&sb, "api.fcall.toml", SUITE);
    let junit = sb.dir.path().join("report.xml");
    let mut c = sb.cmd();
    c.current_dir(sb.dir.path())
        .args(["test", "smoke", "--junit"])
        .arg(&junit);
    let o = Outcome::of(c.assert());
    o.code(7)
        .stdout_has("test smoke/api.fcall.toml::echo answers ... ok (")
        .stdout_has("test smoke/api.fcall.toml::wrong answer ... FAILED (")
        .stdout_has("    expectation not met: .result_json == 2 yielded false (result_json = 1)")
        .stdout_has("test smoke/api.fcall.toml::expected failure ... ok (")
        .stdout_has("test smoke/api.fcall.toml::unknown function ... ERROR (")
        .stdout_has("    FunctionGraph refused the request: FSS.1051")
        .stdout_has("test smoke/api.fcall.toml::async then wait ... ok (")
        .stdout_has("test smoke/api.fcall.toml::log and time ... ok (")
        .stdout_has("test result: FAILED. 4 passed; 1 failed; 1 error; finished in ");
    assert_valid_junit(&junit);
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains(r#"<testsuites name="fcall test" tests="6" failures="1" errors="1""#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<testsuite name="smoke/api.fcall.toml" tests="6" failures="1" errors="1" skipped="0""#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<testcase name="wrong answer" classname="smoke/api.fcall.toml" file="smoke/api.fcall.toml" line="9""#),
        "{xml}"
    );
    assert_eq!(xml.matches("<failure ").count(), 1);
    assert_eq!(xml.matches("<error ").count(), 1);
}

#[test]
fn an_all_passing_suite_exits_0_and_a_run_that_only_errors_keeps_its_class() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.huawei_profiles(&emu);
    let file = write(&sb, "api.fcall.toml", SUITE);
    let f = file.to_str().unwrap();
    sb.run(&["test", f, "--filter", "echo answers"])
        .code(0)
        .stdout_has("test result: ok. 1 passed; 0 failed; finished in ");
    sb.run(&["test", f, "--filter", "unknown"])
        .code(4)
        .stdout_has("test result: FAILED. 0 passed; 0 failed; 1 error;");
    // no case matches: nothing to fail
    sb.run(&["test", f, "--filter", "no such case"])
        .code(0)
        .stdout_has("test result: ok. 0 passed; 0 failed;");
}

#[test]
fn bad_suites_are_exit_2_before_any_case_runs() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.huawei_profiles(&emu);
    let good = write(&sb, "a-good.fcall.toml", SUITE);
    for (text, want) in [
        ("function = \"echo\"\n[[case]]\nname = \"x\"\nexpct = [\".ok\"]\n", "bad.fcall.toml:4:1: unknown field `expct`"),
        ("[[case]]\nname = \"x\"\n", "bad.fcall.toml:1:1: case 'x' has no function"),
        ("function = \"echo\"\n[[case]]\nname = \"x\"\nexpect = [\".ok ==\"]\n", "bad.fcall.toml:4:11: the jq expression '.ok ==' does not compile"),
        ("function = \"echo\"\n[[case]]\nname = \"x\"\npayload = \"{{env.FCALL_NO_SUCH_VAR}}\"\n", "bad.fcall.toml:2:1: case 'x': {{env.FCALL_NO_SUCH_VAR}} has no value"),
    ] {
        let bad = write(&sb, "bad.fcall.toml", text);
        let before = emu.counter("requests");
        let o = sb.run(&["test", good.to_str().unwrap(), bad.to_str().unwrap()]);
        o.code(2).stderr_has(want);
        assert_eq!(o.stderr.lines().count(), 1, "{}", o.stderr);
        assert_eq!(emu.counter("requests"), before, "{want}: a case ran");
    }
    sb.run(&["test", sb.dir.path().join("nowhere").to_str().unwrap()])
        .code(2)
        .stderr_has("no such file or folder");
}

#[test]
fn json_report_and_github_actions() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.huawei_profiles(&emu);
    let file = write(&sb, "api.fcall.toml", SUITE);
    let summary = sb.dir.path().join("step-summary.md");
    let mut c = sb.cmd();
    c.args([
        "test",
        file.to_str().unwrap(),
        "--report",
        "json",
        "-j",
        "1",
    ])
    .env("GITHUB_ACTIONS", "true")
    .env("GITHUB_STEP_SUMMARY", &summary);
    let o = Outcome::of(c.assert());
    o.code(7)
        .stderr_has("test result: FAILED. 4 passed; 1 failed; 1 error;")
        .stderr_has("wrong answer ... FAILED")
        .stderr_has(&format!(
            "::error file={},line=9,title=fcall test%3A wrong answer::expectation not met: .result_json == 2 yielded false",
            file.display()
        ));
    let lines: Vec<serde_json::Value> = o
        .stdout_str()
        .lines()
        .map(|l| serde_json::from_str(l).expect("NDJSON"))
        .collect();
    assert_eq!(lines.len(), 6);
    let wrong = lines.iter().find(|l| l["name"] == "wrong answer").unwrap();
    assert_eq!(
        (wrong["ok"].as_bool(), wrong["exit_code"].as_u64()),
        (Some(false), Some(7))
    );
    assert_eq!(wrong["line"], 9);
    assert_eq!(wrong["envelope"]["result_json"], 1);
    assert_eq!(wrong["envelope"]["expectations"][0]["ok"], false);
    let unknown = lines
        .iter()
        .find(|l| l["name"] == "unknown function")
        .unwrap();
    assert!(unknown["envelope"].is_null());
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(md.contains("| case | result | time | why |"), "{md}");
    assert!(md.contains("wrong answer | ❌ failed"), "{md}");
}

/// The README's suite for every provider runs as written against the emulator, with the
/// profiles named as it names them.
#[test]
fn the_readme_suite_passes_for_every_provider() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    let mut combined = toml_edit::DocumentMut::new();
    let mut profiles = toml_edit::Table::new();
    type Setup<'a> = &'a dyn Fn(&Sandbox, &Emulator);
    let picks: [(Setup, &str, &str); 5] = [
        (&|sb, emu| sb.huawei_profiles(emu), "token", "hw"),
        (&|sb, emu| sb.aliyun_profiles(emu), "fc", "fc"),
        (&|sb, emu| sb.altair_profiles(emu), "iot", "iot"),
        (&|sb, emu| sb.aws_profiles(emu), "lambda", "lambda"),
        (&|sb, emu| sb.openfaas_profiles(emu), "of", "of"),
    ];
    for (setup, from, to) in picks {
        setup(&sb, &emu);
        let doc: toml_edit::DocumentMut = std::fs::read_to_string(sb.config())
            .unwrap()
            .parse()
            .unwrap();
        profiles.insert(to, doc["profiles"][from].clone());
    }
    combined.insert("profiles", toml_edit::Item::Table(profiles));
    sb.write_config(&combined.to_string());

    let readme = include_str!("../../README.md");
    let start = readme
        .find("Against the emulator, one suite per provider")
        .expect("the README's suite");
    let block = &readme[start..];
    let block = &block[block.find("```toml\n").unwrap() + 8..];
    let suite = &block[..block.find("```").unwrap()];
    let file = write(&sb, "readme.fcall.toml", suite);
    sb.run(&["test", file.to_str().unwrap()])
        .code(0)
        .stdout_has("test result: ok. 5 passed; 0 failed;");
}

/// A suite's case meets the same input rules as `invoke` (issue 18): a framing header or an
/// over-limit payload is the case's usage error (exit 2), and nothing is sent.
#[test]
fn a_case_with_a_framing_header_or_a_payload_too_big_is_an_error_before_sending() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.aliyun_profiles(&emu);
    let big = "x".repeat((128 << 10) + 1);
    let suite = format!(
        "function = \"svc/echo\"\n\n[[case]]\nname = \"framing\"\nheaders = {{ Content-Length = \"1\" }}\n\n[[case]]\nname = \"too big\"\nasync = true\npayload = \"{big}\"\n"
    );
    let file = write(&sb, "limits.fcall.toml", &suite);
    let o = sb.run(&["test", file.to_str().unwrap()]);
    o.code(2)
        .stdout_has("fcall sets Content-Length from the request itself")
        .stdout_has("larger than Function Compute takes in an async call (131072 bytes)");
    assert_eq!(
        emu.counter("aliyun.sync.echo") + emu.counter("aliyun.async.echo"),
        0
    );
}
