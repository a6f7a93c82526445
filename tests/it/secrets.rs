//! The secret-leak harness: every provider and auth mode, with `-v`, `--dry-run`, `--curl`,
//! errors, async waits and the log commands (`fcall logs`, `invoke --logs`), run with recognisable secrets. `Outcome::of` fails any run whose
//! stdout or stderr holds one; afterwards no file but the config and the 0600 token cache
//! may hold one either. Group/world-readable configs with literal secrets get a warning.

use std::path::Path;

use crate::support::*;

fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn scenarios(sb: &Sandbox, runs: &[&[&str]]) {
    for args in runs {
        for extra in [&[][..], &["-v"][..]] {
            let mut a: Vec<&str> = extra.to_vec();
            a.extend_from_slice(args);
            sb.run(&a);
        }
        let mut a = args.to_vec();
        a.push("--dry-run");
        if a.contains(&"invoke") && !a.contains(&"--listen") {
            sb.run(&a).code(0);
            a.pop();
            a.push("--curl");
            sb.run(&a).code(0);
        }
    }
}

#[test]
fn no_secret_leaves_the_config_and_the_cache() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.huawei_profiles(&emu);
    scenarios(
        &sb,
        &[
            &["-p", "token", "invoke", "echo", "--tail"],
            &["-p", "aksk", "invoke", "fail", "--tail"],
            &["-p", "iam", "invoke", "echo", "--async", "--wait"],
            &["-p", "badtoken", "invoke", "echo"],
            &["-p", "iam", "invoke", "nosuch"],
            &["-p", "iam", "invoke", "longlog", "--logs"],
            &["-p", "aksk", "logs", "longlog", "--output", "json"],
            &["-p", "token", "logs", "echo", "--request-id", "x"],
            &["-p", "badtoken", "logs", "echo"],
            &["profile", "show", "token"],
            &["profile", "show", "iam"],
        ],
    );
    let sb2 = Sandbox::new();
    sb2.aliyun_profiles(&emu);
    scenarios(
        &sb2,
        &[
            &["invoke", "svc/echo", "--tail"],
            &["-p", "sts", "invoke", "svc/fail", "--async", "--wait"],
            &["-p", "fc3", "invoke", "echo"],
            &["-p", "sts", "status", "svc/echo", "nope"],
            &["-p", "sts", "invoke", "svc/longlog", "--logs"],
            &["-p", "sts", "logs", "svc/longlog", "--output", "json"],
            &["-p", "fc3", "logs", "echo", "--request-id", "x"],
            &["profile", "show", "sts"],
        ],
    );
    let sb3 = Sandbox::new();
    sb3.altair_profiles(&emu);
    scenarios(
        &sb3,
        &[
            &["invoke", "echo", "-X", "GET"],
            &[
                "invoke",
                "job",
                "--async",
                "--wait",
                "--listen",
                "127.0.0.1:0",
            ],
            &["-p", "badscope", "invoke", "echo"],
            &["-p", "static", "invoke", "nosuch"],
            &["invoke", "longlog", "--logs"],
            &["logs", "longlog", "--output", "json"],
            &["-p", "static", "logs", "echo", "--request-id", "x"],
            &["-p", "badscope", "logs", "echo"],
            &["profile", "show", "static"],
        ],
    );
    let sb4 = Sandbox::new();
    sb4.aws_profiles(&emu);
    scenarios(
        &sb4,
        &[
            &["invoke", "echo", "--tail", "-d", "{}"],
            &["-p", "sts", "invoke", "fail", "--tail"],
            &["-p", "sts", "invoke", "echo", "--dry-run-remote"],
            &["-p", "sts", "invoke", "longlog", "--logs", "-d", "{}"],
            &["-p", "sts", "logs", "longlog", "--output", "json"],
            &["-p", "badkey", "logs", "echo"],
            &["-p", "shared", "invoke", "echo", "--async"],
            &["-p", "badkey", "invoke", "echo"],
            &["profile", "show", "sts"],
        ],
    );
    let sb5 = Sandbox::new();
    sb5.openfaas_profiles(&emu);
    scenarios(
        &sb5,
        &[
            &["invoke", "echo", "-X", "GET"],
            &[
                "invoke",
                "job",
                "--async",
                "--wait",
                "--listen",
                "127.0.0.1:0",
            ],
            &["-p", "badpass", "invoke", "echo"],
            &["invoke", "longlog", "--logs"],
            &["logs", "longlog", "--output", "json"],
            &["-p", "badpass", "logs", "echo"],
            &["-p", "noauth", "logs", "echo"],
            &["profile", "show", "of"],
        ],
    );
    for sandbox in [&sb, &sb2, &sb3, &sb4, &sb5] {
        let mut files = Vec::new();
        files_under(sandbox.dir.path(), &mut files);
        for f in files {
            let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
            let holds = SECRETS.iter().any(|s| text.contains(s))
                || text.contains("MIIemu")
                || text.contains("ory_at_emu");
            if !holds {
                continue;
            }
            let is_config = f == sandbox.config();
            let is_cache = f.starts_with(sandbox.cache());
            let is_users_store = f == sandbox.secret_file() || f == sandbox.aws_file("credentials");
            assert!(
                is_config || is_cache || is_users_store,
                "{} holds a secret",
                f.display()
            );
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
                assert_eq!(
                    mode,
                    0o600,
                    "{} holds a secret with mode {mode:o}",
                    f.display()
                );
            }
        }
    }
}

#[cfg(unix)]
#[test]
fn a_readable_config_with_a_literal_secret_is_warned_about() {
    use std::os::unix::fs::PermissionsExt;
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.huawei_profiles(&emu);
    std::fs::set_permissions(sb.config(), std::fs::Permissions::from_mode(0o644)).unwrap();
    sb.run(&["invoke", "echo"])
        .code(0)
        .stderr_has("warning: ")
        .stderr_has("chmod 600");
    std::fs::set_permissions(sb.config(), std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(!sb
        .run(&["invoke", "echo"])
        .code(0)
        .stderr
        .contains("warning"));
}

/// Credentials written into an endpoint URL (`http://user:password@host`), in a profile or
/// in `OPENFAAS_URL`, are refused before anything is sent, and no output (`-v`, `--dry-run`,
/// `--curl`, the error) shows them, in clear or as the basic-auth header the HTTP client
/// would have made of them.
#[test]
fn credentials_in_an_endpoint_are_refused_and_never_shown() {
    let emu = Emulator::start();
    let host = emu.url().trim_start_matches("http://").to_string();
    let with_creds = format!("http://admin:{BASIC_PASSWORD}@{host}");
    let sb = Sandbox::new();
    sb.profiles(
        Some("of"),
        &[
            profile("of", "openfaas").set("endpoint", with_creds.as_str()),
            profile("fc", "aliyun")
                .set("endpoint", with_creds.as_str())
                .set("access_key_id", AK)
                .env("access_key_secret", "TEST_HW_SK"),
            profile("env", "openfaas"),
        ],
    );
    for args in [
        &["invoke", "echo"][..],
        &["-v", "invoke", "echo"],
        &["invoke", "echo", "--dry-run"],
        &["invoke", "echo", "--curl"],
        &["-p", "fc", "-v", "invoke", "svc/echo"],
        &["-p", "fc", "invoke", "svc/echo", "--curl"],
    ] {
        sb.run(args)
            .code(3)
            .stderr_has("credentials before the host (user:password@)");
    }
    let mut c = sb.cmd();
    c.env("OPENFAAS_URL", &with_creds)
        .args(["-p", "env", "-v", "invoke", "echo"]);
    Outcome::of(c.assert())
        .code(3)
        .stderr_has("the endpoint from OPENFAAS_URL cannot be used");
    assert_eq!(
        emu.counter("openfaas.sync.echo") + emu.counter("aliyun.sync.echo"),
        0,
        "nothing was sent"
    );
}

/// A config or token cache another user may write is not trusted with secrets or commands
/// (issue 18: its `{ command }` secrets ran as the invoking user): one line, exit 3, the fix.
#[cfg(unix)]
#[test]
fn a_config_or_cache_others_may_write_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let emu = Emulator::start();
    let sb = Sandbox::new();
    let marker = sb.dir.path().join("ran");
    sb.profiles(
        Some("p"),
        &[profile("p", "huawei")
            .set("region", "cn-north-4")
            .set("project_id", PROJECT)
            .set("endpoint", emu.url())
            .command(
                "token",
                &format!("touch '{}'; echo {TOKEN}", marker.display()),
            )],
    );
    std::fs::set_permissions(sb.config(), std::fs::Permissions::from_mode(0o666)).unwrap();
    let o = sb.run(&["invoke", "echo"]);
    o.code(3).stderr_has("chmod go-w");
    assert_eq!(o.stderr.lines().count(), 1, "{}", o.stderr);
    assert!(!marker.exists(), "the command of an untrusted config ran");
    std::fs::set_permissions(sb.config(), std::fs::Permissions::from_mode(0o600)).unwrap();
    sb.run(&["invoke", "echo"]).code(0);
    assert!(marker.exists());

    let alt = Sandbox::new();
    alt.altair_profiles(&emu);
    alt.run(&["invoke", "echo"]).code(0);
    let tokens = alt.cache().join("tokens");
    std::fs::set_permissions(&tokens, std::fs::Permissions::from_mode(0o777)).unwrap();
    let o = alt.run(&["invoke", "echo"]);
    o.code(3).stderr_has("token cache").stderr_has("chmod go-w");
    assert_eq!(o.stderr.lines().count(), 1, "{}", o.stderr);
}

/// Credentials over plain http:// to a host that is not loopback get one warning line per
/// command. (0.0.0.0 is not a loopback address, yet Linux connects it to this machine: the
/// test reaches nothing beyond it.)
#[cfg(target_os = "linux")]
#[test]
fn credentials_in_clear_to_another_host_are_warned_about_once() {
    let emu = Emulator::start();
    let port = emu.url().rsplit(':').next().unwrap().to_string();
    let sb = Sandbox::new();
    sb.profiles(
        Some("p"),
        &[profile("p", "huawei")
            .set("region", "cn-north-4")
            .set("project_id", PROJECT)
            .set("endpoint", format!("http://0.0.0.0:{port}"))
            .set("token", TOKEN)],
    );
    let o = sb.run(&["invoke", "echo", "--async", "--wait"]);
    o.code(0);
    let warnings = o.stderr.matches("over plain http://").count();
    assert_eq!(warnings, 1, "{}", o.stderr);
    let loopback = Sandbox::new();
    loopback.huawei_profiles(&emu);
    let o = loopback.run(&["invoke", "echo"]);
    assert!(!o.code(0).stderr.contains("plain http"), "{}", o.stderr);
}

/// `-v` shows every header that goes on the wire, the HTTP client's own included (issue 18:
/// it hid the `Authorization: Basic` made of an endpoint's userinfo). A server of the test's
/// own, on loopback, records the request as received.
#[test]
fn verbose_shows_exactly_the_headers_on_the_wire() {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && s.read(&mut byte).unwrap() == 1 {
            head.push(byte[0]);
        }
        s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok")
            .unwrap();
        String::from_utf8(head).unwrap()
    });
    let sb = Sandbox::new();
    sb.profiles(
        Some("of"),
        &[profile("of", "openfaas").set("endpoint", format!("http://{addr}"))],
    );
    let o = sb.run(&["-v", "invoke", "echo", "-d", "hi", "-H", "X-Trace: 1"]);
    o.code(0);
    let wire = server.join().unwrap();
    let names = |lines: Vec<&str>| {
        let mut v: Vec<String> = lines
            .iter()
            .filter_map(|l| {
                l.split_once(':')
                    .map(|(k, _)| k.trim().to_ascii_lowercase())
            })
            .collect();
        v.sort();
        v
    };
    let sent = names(wire.lines().skip(1).filter(|l| !l.is_empty()).collect());
    let shown = names(
        o.stderr
            .lines()
            .filter_map(|l| l.strip_prefix("> "))
            .filter(|l| !l.starts_with('(') && !l.starts_with("POST "))
            .collect(),
    );
    assert_eq!(sent, shown, "on the wire:\n{wire}\nshown:\n{}", o.stderr);
}
