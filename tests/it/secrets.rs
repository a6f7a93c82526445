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
