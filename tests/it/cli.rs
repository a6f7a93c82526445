//! End to end: profiles, decoding, completions, help, and config errors.

use crate::support::*;

#[test]
fn profile_lifecycle() {
    let sb = Sandbox::new();
    sb.run(&[
        "profile",
        "add",
        "hw",
        "--provider",
        "huawei",
        "region=cn-north-4",
        &format!("project_id={PROJECT}"),
        "access_key=AKID",
        &format!("secret_key={SK}"),
    ])
    .code(0)
    .stderr_has("saved profile 'hw'");
    sb.run(&[
        "profile",
        "add",
        "other",
        "--provider",
        "huawei",
        "region=cn-north-4",
        &format!("project_id={PROJECT}"),
        "token@env=MY_TOKEN_VAR",
    ])
    .code(0);

    let o = sb.run(&["profile", "list"]);
    o.code(0);
    assert_eq!(o.stdout_str(), "* hw\thuawei\n  other\thuawei\n");

    // show masks the literal secret and keeps references visible
    let o = sb.run(&["profile", "show", "hw"]);
    o.code(0).stdout_has("AKID").stdout_has("****");
    sb.run(&["profile", "show", "other"])
        .code(0)
        .stdout_has("MY_TOKEN_VAR");

    // the file is private
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(sb.config()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // adding an existing name needs --force
    sb.run(&["profile", "add", "hw", "--provider", "huawei", "region=x"])
        .code(3)
        .stderr_has("--force");

    sb.run(&["profile", "default", "other"]).code(0);
    assert_eq!(
        sb.run(&["profile", "list"]).stdout_str(),
        "  hw\thuawei\n* other\thuawei\n"
    );
    sb.run(&["profile", "remove", "hw"]).code(0);
    assert_eq!(
        sb.run(&["profile", "list"]).stdout_str(),
        "* other\thuawei\n"
    );
    sb.run(&["profile", "show", "hw"]).code(3);
    sb.run(&["profile", "default", "nope"]).code(3);
}

#[test]
fn profile_add_refuses_unknown_providers_and_keys() {
    let sb = Sandbox::new();
    sb.run(&["profile", "add", "x", "--provider", "gcp"])
        .code(2)
        .stderr_has("unknown provider 'gcp'")
        .stderr_has("huawei");
    sb.run(&[
        "profile",
        "add",
        "x",
        "--provider",
        "huawei",
        "regoin=cn-north-4",
    ])
    .code(2)
    .stderr_has("'regoin' is not a profile key for provider huawei");
    sb.run(&["profile", "add", "x", "--provider", "huawei", "novalue"])
        .code(2);
    assert!(!sb.config().exists(), "nothing written on refusal");
}

#[test]
fn malformed_config_names_path_line_and_column() {
    let sb = Sandbox::new();
    sb.write_config("default_profile = \"a\"\n[profiles.a]\nprovider = huawei\n");
    let o = sb.run(&["invoke", "echo"]);
    o.code(3)
        .stderr_has(&format!("{}:3:", sb.config().display()));
    // and it is never overwritten by an edit
    sb.run(&["profile", "add", "b", "--provider", "huawei", "region=x"])
        .code(3);
    assert!(std::fs::read_to_string(sb.config())
        .unwrap()
        .contains("provider = huawei"));
}

#[test]
fn missing_keys_and_unset_secrets_are_config_errors() {
    let sb = Sandbox::new();
    let region_only = || profile("a", "huawei").set("region", "cn-north-4");
    sb.profiles(None, &[region_only()]);
    sb.run(&["invoke", "echo"]).code(3).stderr_has("project_id");
    let a = || region_only().set("project_id", PROJECT);
    sb.profiles(None, &[a()]);
    sb.run(&["invoke", "echo"])
        .code(3)
        .stderr_has("no credentials");
    sb.profiles(None, &[a().env("token", "FCALL_TEST_UNSET_VAR")]);
    sb.run(&["invoke", "echo"])
        .code(3)
        .stderr_has("FCALL_TEST_UNSET_VAR");
    sb.profiles(
        None,
        &[a().command("token", &format!("echo {TOKEN}; exit 3"))],
    );
    // the failing command's text and output (which hold the secret) are never shown
    sb.run(&["invoke", "echo"]).code(3).stderr_has("token");
    sb.profiles(None, &[profile("a", "nimbus")]);
    sb.run(&["invoke", "echo"])
        .code(3)
        .stderr_has("unknown provider 'nimbus'");
}

#[test]
fn decode_log_accepts_pasted_values_cut_mid_character() {
    use base64::Engine;
    let sb = Sandbox::new();
    let text = "2024-01-02 第一行 日志 ✓\n第二行 données\n";
    // cut the first character in half, as a provider cutting bytes does
    let cut = &text.as_bytes()[12..];
    let b64 = base64::engine::general_purpose::STANDARD.encode(cut);
    let expected = &text[text.char_indices().find(|(i, _)| *i >= 12).unwrap().0..];

    let o = sb.run(&["decode", "log", &b64]);
    o.code(0);
    assert_eq!(o.stdout_str(), expected);

    let header = format!("X-Cff-Function-Log: {}", b64.trim_end_matches('='));
    assert_eq!(
        sb.run(&["decode", "log", &header]).code(0).stdout_str(),
        expected
    );

    // from stdin, wrapped over lines
    let wrapped: String = b64
        .as_bytes()
        .chunks(8)
        .map(|c| format!("{}\n", std::str::from_utf8(c).unwrap()))
        .collect();
    let mut c = sb.cmd();
    c.args(["decode", "log"]).write_stdin(wrapped);
    assert_eq!(Outcome::of(c.assert()).code(0).stdout_str(), expected);

    sb.run(&["decode", "log", "not base64 at all!"]).code(2);
}

#[test]
fn decode_summary_renders_units() {
    let sb = Sandbox::new();
    let o = sb.run(&[
        "decode",
        "summary",
        r#"X-Cff-Invoke-Summary: {"funcDigest":"abc","duration":7.894,"billingDuration":100,"memorySize":128,"memoryUsed":64.390625}"#,
    ]);
    o.code(0)
        .stdout_has("7.894 ms")
        .stdout_has("100 ms")
        .stdout_has("128 MB")
        .stdout_has("function digest: abc");
    sb.run(&["decode", "summary", "{oops"]).code(2);
}

#[test]
fn completions_in_the_repo_are_current() {
    let sb = Sandbox::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    for (shell, file) in [
        ("bash", "fcall.bash"),
        ("zsh", "_fcall"),
        ("fish", "fcall.fish"),
        ("powershell", "_fcall.ps1"),
        ("elvish", "fcall.elv"),
    ] {
        let o = sb.run(&["completions", shell]);
        o.code(0);
        let committed = std::fs::read(dir.join(file)).unwrap_or_default();
        assert!(
            committed == o.stdout,
            "completions/{file} is stale: run `cargo run -q -- completions {shell} > completions/{file}`"
        );
    }
}

#[test]
fn help_shows_examples_and_exit_codes() {
    let sb = Sandbox::new();
    for args in [
        vec!["--help"],
        vec!["invoke", "--help"],
        vec!["profile", "--help"],
        vec!["profile", "add", "--help"],
        vec!["profile", "list", "--help"],
        vec!["profile", "show", "--help"],
        vec!["profile", "remove", "--help"],
        vec!["profile", "default", "--help"],
        vec!["decode", "--help"],
        vec!["decode", "log", "--help"],
        vec!["decode", "summary", "--help"],
        vec!["completions", "--help"],
        vec!["emulator", "--help"],
    ] {
        let o = sb.run(&args);
        o.code(0).stdout_has("Example");
    }
    sb.run(&["--help"]).stdout_has("130  interrupted");
    sb.run(&["invoke", "--help"])
        .stdout_has("6    the function ran and failed");
    sb.run(&["frobnicate"]).code(2);
}

#[test]
fn emulator_refuses_a_port_in_use() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    Sandbox::new()
        .run(&["emulator", "--bind", &addr])
        .code(2)
        .stderr_has("cannot listen on");
}

#[test]
fn twenty_concurrent_writers_lose_nothing() {
    let sb = Sandbox::new();
    let children: Vec<_> = (0..20)
        .map(|i| {
            std::process::Command::new(bin())
                .env("FCALL_CONFIG", sb.config())
                .args([
                    "profile",
                    "add",
                    &format!("p{i}"),
                    "--provider",
                    "huawei",
                    "region=cn-north-4",
                    &format!("project_id=p{i}"),
                    "token@env=HW_TOKEN",
                ])
                .stdin(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    let o = sb.run(&["profile", "list"]);
    o.code(0);
    assert_eq!(o.stdout_str().lines().count(), 20, "{}", o.stdout_str());
    for i in 0..20 {
        assert!(
            o.stdout_str().contains(&format!("p{i}\thuawei")),
            "p{i} lost"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_killed_writer_leaves_the_old_or_the_new_file() {
    let sb = Sandbox::new();
    // a config big enough that writing it takes a moment
    let filler: Vec<Profile> = (0..2000)
        .map(|i| profile(&format!("f{i}"), "huawei").set("region", "r"))
        .collect();
    sb.profiles(None, &filler);
    for round in 0..15 {
        let mut child = std::process::Command::new(bin())
            .env("FCALL_CONFIG", sb.config())
            .args([
                "profile",
                "add",
                &format!("k{round}"),
                "--provider",
                "huawei",
                "region=r",
            ])
            .stdin(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // kill it at a different moment each round, wherever it is
        std::thread::sleep(std::time::Duration::from_micros(300 * round));
        let _ = child.kill();
        let _ = child.wait();
        let text = std::fs::read_to_string(sb.config()).unwrap();
        let parsed: toml::Table = text.parse().expect("the config is never left broken");
        let profiles = parsed["profiles"].as_table().unwrap();
        assert!(profiles.len() >= 2000, "round {round}: profiles lost");
    }
}

/// Ctrl-C while a `{ command }` secret runs: the command and all it started are stopped, and
/// fcall exits 130 (issue 18: the signal was lost, or killed fcall and left the child running).
#[cfg(unix)]
#[test]
fn ctrl_c_during_a_secret_command_stops_it_and_exits_130() {
    let sb = Sandbox::new();
    let pidfile = sb.dir.path().join("secret.pid");
    sb.profiles(
        Some("p"),
        &[profile("p", "huawei")
            .set("region", "cn-north-4")
            .set("project_id", PROJECT)
            .set("endpoint", "http://127.0.0.1:9")
            .command(
                "token",
                &format!("sleep 300 & echo $! > '{}'; wait", pidfile.display()),
            )],
    );
    let child = std::process::Command::new(bin())
        .env("FCALL_CONFIG", sb.config())
        .env("FCALL_CACHE_DIR", sb.cache())
        .args(["invoke", "f"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // the command announces itself by writing its pid: nothing to await but the file
    let pid: i32 = loop {
        if let Some(pid) = std::fs::read_to_string(&pidfile)
            .ok()
            .and_then(|s| s.trim().parse().ok())
        {
            break pid;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    // SAFETY: signals the fcall process this test started
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    // SIGKILL went to the command's group before fcall exited; the kernel reaps it
    let stopped = (0..2000).any(|_| {
        let alive = std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
            !s.rsplit(')')
                .next()
                .unwrap_or("")
                .trim_start()
                .starts_with('Z')
        });
        if alive {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        !alive
    });
    assert!(stopped, "the secret command's child {pid} still runs");
}

/// fcall holds secrets in memory: it runs with no core dumps (issue 18).
#[cfg(target_os = "linux")]
#[test]
fn fcall_runs_without_core_dumps() {
    let sb = Sandbox::new();
    sb.profiles(
        Some("p"),
        &[profile("p", "huawei")
            .set("region", "cn-north-4")
            .set("project_id", PROJECT)
            .command("token", "grep '^Max core' /proc/$PPID/limits >&2; exit 1")],
    );
    let o = sb.run(&["invoke", "f"]);
    o.code(3);
    let core = o
        .stderr
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap_or_else(|| panic!("{}", o.stderr));
    let fields: Vec<&str> = core.split_whitespace().collect();
    assert_eq!(&fields[4..6], ["0", "0"], "{core}");
}

/// `fcall emulator --write-profiles FILE`: a working profile for every provider, from the
/// provider table, with the credentials this emulator takes.
#[test]
fn the_emulator_writes_a_profile_for_every_provider() {
    let sb = Sandbox::new();
    std::fs::create_dir_all(sb.config().parent().unwrap()).unwrap();
    let file = sb.config().display().to_string();
    let _emu = Emulator::start_with(&["--write-profiles", &file]);
    for (profile, function) in [
        ("huawei", "echo"),
        ("aliyun", "svc/echo"),
        ("altair", "echo"),
        ("aws", "echo"),
        ("openfaas", "echo"),
    ] {
        sb.run(&[
            "-p",
            profile,
            "invoke",
            function,
            "-d",
            r#"{"k":1}"#,
            "--expect",
            ".result_json.k == 1",
        ])
        .code(0);
    }
    // the first is the default
    sb.run(&["invoke", "echo", "-d", "1"])
        .code(0)
        .stderr_has("ok · HTTP 200");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(sb.config()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

/// `profile set` and `unset` edit in place (comments kept); `profile list --output json`.
#[test]
fn profiles_are_edited_in_place_and_listed_as_json() {
    let sb = Sandbox::new();
    sb.write_config(
        "default_profile = \"hw\"\n\n# my FunctionGraph account\n[profiles.hw]\nprovider = \"huawei\"\nregion = \"cn-north-4\" # Beijing\nproject_id = \"p\"\ntoken = \"t\"\n",
    );
    sb.run(&[
        "profile",
        "set",
        "hw",
        "region=eu-west-101",
        "security_token@env=HW_STS",
    ])
    .code(0)
    .stderr_has("updated profile 'hw'");
    let text = std::fs::read_to_string(sb.config()).unwrap();
    assert!(text.contains("# my FunctionGraph account"), "{text}");
    assert!(
        text.contains("region = \"eu-west-101\" # Beijing"),
        "{text}"
    );
    assert!(
        text.contains("security_token = { env = \"HW_STS\" }"),
        "{text}"
    );
    sb.run(&["profile", "unset", "hw", "security_token"])
        .code(0);
    assert!(!std::fs::read_to_string(sb.config())
        .unwrap()
        .contains("security_token"));
    // keys are checked against the provider's row; unknown names and keys are refused
    sb.run(&["profile", "set", "hw", "client_id=x"])
        .code(2)
        .stderr_has("'client_id' is not a profile key for provider huawei");
    sb.run(&["profile", "set", "nope", "region=x"]).code(3);
    sb.run(&["profile", "unset", "hw", "iam_user"])
        .code(3)
        .stderr_has("'iam_user' is not set in it");
    let o = sb.run(&["profile", "list", "--output", "json"]);
    o.code(0);
    assert_eq!(
        o.json(),
        serde_json::json!([{"name": "hw", "provider": "huawei", "default": true, "region": "eu-west-101", "endpoint": null}])
    );
}

/// `--ignore-stdin`: a `while read` loop's input is not taken as the payload.
#[test]
fn ignore_stdin_keeps_the_loop_input_for_the_loop() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.huawei_profiles(&emu);
    let mut c = sb.cmd();
    c.args(["invoke", "echo", "--ignore-stdin"])
        .write_stdin("the loop's next lines\n");
    let o = Outcome::of(c.assert());
    // no payload: FunctionGraph's empty event, not the loop's lines
    o.code(0);
    assert_eq!(o.stdout_str(), "{}");
    let mut c = sb.cmd();
    c.args(["invoke", "echo"]).write_stdin("taken\n");
    Outcome::of(c.assert()).code(0).stdout_has("taken");
}

/// Colour as gh and cargo decide it: CLICOLOR_FORCE on a pipe, never with TERM=dumb.
#[test]
fn colour_follows_clicolor_force_and_term_dumb() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.huawei_profiles(&emu);
    let mut c = sb.cmd();
    c.args(["invoke", "echo", "-d", "1"])
        .env("CLICOLOR_FORCE", "1");
    assert!(Outcome::of(c.assert()).stderr.contains("\u{1b}["));
    let mut c = sb.cmd();
    c.args(["invoke", "echo", "-d", "1"])
        .env("CLICOLOR_FORCE", "1")
        .env("TERM", "dumb");
    assert!(!Outcome::of(c.assert()).stderr.contains("\u{1b}["));
}

#[test]
fn profiles_are_checked_when_written() {
    let sb = Sandbox::new();
    // the required keys, named with the variables that stand in for them
    sb.run(&["profile", "add", "hw", "--provider", "huawei", "region=cn-north-4"])
        .code(2)
        .stderr_has("profile 'hw' lacks project_id (or $HUAWEICLOUD_SDK_PROJECT_ID), which FunctionGraph needs: give it too");
    // then the provider's own rule: some credentials, one kind at a time
    let base = [
        "profile",
        "add",
        "hw",
        "--provider",
        "huawei",
        "region=cn-north-4",
        "project_id=p1",
    ];
    sb.run(&base).code(2).stderr_has("has no credentials");
    let mut with_token = base.to_vec();
    with_token.push("token@command=exit 3");
    sb.run(&with_token).code(0);
    sb.run(&["profile", "set", "hw", "access_key=AK"])
        .code(2)
        .stderr_has("more than one kind of credentials");
    sb.run(&["profile", "unset", "hw", "token"])
        .code(2)
        .stderr_has("has no credentials");
    // a stand-in variable set now counts for a key the profile lacks
    let mut c = sb.cmd();
    c.env("HUAWEICLOUD_SDK_PROJECT_ID", "p2").args([
        "profile",
        "add",
        "env",
        "--provider",
        "huawei",
        "region=cn-north-4",
        "token@env=T",
    ]);
    Outcome::of(c.assert()).code(0);
    // every auth mode a provider takes is taken: Lambda's keys from ~/.aws, say; with none
    // anywhere, the provider's own message says where they may come from
    sb.run(&["profile", "add", "l", "--provider", "aws"])
        .code(2)
        .stderr_has("no AWS credentials");
    std::fs::create_dir_all(sb.aws_file("credentials").parent().unwrap()).unwrap();
    std::fs::write(
        sb.aws_file("credentials"),
        "[prod]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n",
    )
    .unwrap();
    sb.run(&[
        "profile",
        "add",
        "l",
        "--provider",
        "aws",
        "aws_profile=prod",
        "region=eu-west-1",
    ])
    .code(0);
    let shown = sb.run(&["profile", "show", "hw"]);
    shown.code(0).stdout_has("token");
    assert!(
        !shown.stdout_str().contains("access_key"),
        "a refused edit writes nothing"
    );
}
