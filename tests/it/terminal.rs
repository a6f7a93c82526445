//! What fcall does on a terminal, driven through a real pseudo-terminal: a JSON result
//! pretty-printed and coloured (and left byte for byte when piped), the summary fitted to the
//! terminal's width, and the guided `profile add` (never under `CI=true`, never without a
//! terminal).

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use snapbox::Data;

use crate::support::*;

/// A pseudo-terminal of `cols` columns: what a program writes to its terminal side is read
/// from the other.
struct Pty {
    master: File,
    terminal: OwnedFd,
}

impl Pty {
    fn open(cols: u16) -> Pty {
        // SAFETY: plain libc calls on fds this function owns; every result is checked
        unsafe {
            let flags = libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC;
            let master = libc::posix_openpt(flags);
            assert!(
                master >= 0,
                "posix_openpt: {}",
                std::io::Error::last_os_error()
            );
            let master = OwnedFd::from_raw_fd(master);
            use std::os::fd::AsRawFd;
            assert_eq!(libc::grantpt(master.as_raw_fd()), 0);
            assert_eq!(libc::unlockpt(master.as_raw_fd()), 0);
            let mut name = [0 as libc::c_char; 128];
            assert_eq!(
                libc::ptsname_r(master.as_raw_fd(), name.as_mut_ptr(), name.len()),
                0
            );
            let terminal = libc::open(name.as_ptr(), flags);
            assert!(
                terminal >= 0,
                "open the pty: {}",
                std::io::Error::last_os_error()
            );
            let terminal = OwnedFd::from_raw_fd(terminal);
            let size = libc::winsize {
                ws_row: 24,
                ws_col: cols,
                ws_xpixel: 0,
                ws_ypixel: 0,
            };
            assert_eq!(
                libc::ioctl(terminal.as_raw_fd(), libc::TIOCSWINSZ, &size),
                0
            );
            Pty {
                master: File::from(master),
                terminal,
            }
        }
    }

    fn stdio(&self) -> Stdio {
        Stdio::from(self.terminal.try_clone().unwrap())
    }

    /// Start `cmd` (its stdio set by the caller, some of it `self.stdio()`), and read what it
    /// writes to the terminal until the program ends.
    fn start(self, mut cmd: Command) -> Session {
        let child = cmd.spawn().unwrap();
        // the terminal side stays open only in the child: when it ends, reads end
        drop(cmd);
        drop(self.terminal);
        let seen: Seen = Arc::new((Mutex::new((Vec::new(), false)), Condvar::new()));
        let mut master = self.master;
        let writer = master.try_clone().unwrap();
        let shared = seen.clone();
        let reader = std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            loop {
                // EIO once the terminal side is closed: the program ended
                let n = master.read(&mut buf).unwrap_or(0);
                let (lock, cvar) = &*shared;
                let mut seen = lock.lock().unwrap();
                seen.0.extend_from_slice(&buf[..n]);
                seen.1 = n == 0;
                cvar.notify_all();
                if n == 0 {
                    break;
                }
            }
        });
        Session {
            child,
            writer,
            seen,
            reader: Some(reader),
            from: 0,
        }
    }
}

/// What the terminal showed, and whether the program has ended; and who waits for more.
type Seen = Arc<(Mutex<(Vec<u8>, bool)>, Condvar)>;

/// A program running on a pseudo-terminal.
struct Session {
    child: Child,
    writer: File,
    seen: Seen,
    reader: Option<std::thread::JoinHandle<()>>,
    from: usize,
}

impl Session {
    /// Wait until the terminal shows `text` (after what was awaited before); a test that
    /// sees nothing in a minute fails with what it saw.
    fn expect(&mut self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let (lock, cvar) = &*self.seen;
        let mut seen = lock.lock().unwrap();
        loop {
            let shown = String::from_utf8_lossy(&seen.0[self.from..]).into_owned();
            if let Some(i) = shown.find(text) {
                self.from += shown[..i + text.len()].len();
                return;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(
                !left.is_zero() && !seen.1,
                "the terminal never showed {text:?}:\n{shown}"
            );
            seen = cvar.wait_timeout(seen, left).unwrap().0;
        }
    }

    /// Wait until the program reads a line without echo (a hidden prompt): it empties the
    /// terminal's input as it starts, so what is typed before that would be lost. There is
    /// nothing to block on: the terminal's mode is looked at until it changes.
    fn expect_hidden_input(&mut self) {
        use std::os::fd::AsRawFd;
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            // SAFETY: tcgetattr fills the termios it is given; the fd is the open master
            let mode = unsafe {
                let mut t = std::mem::zeroed::<libc::termios>();
                assert_eq!(libc::tcgetattr(self.writer.as_raw_fd(), &mut t), 0);
                t.c_lflag
            };
            if mode & libc::ICANON != 0 && mode & libc::ECHO == 0 {
                return;
            }
            assert!(Instant::now() < deadline, "no hidden prompt came");
            std::thread::yield_now();
        }
    }

    /// Type `keys`.
    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    /// Wait for the program to end: its exit code, and everything the terminal showed.
    fn finish(mut self) -> (i32, String) {
        let status = self.child.wait().unwrap();
        self.reader.take().unwrap().join().unwrap();
        let seen = self.seen.0.lock().unwrap().0.clone();
        let text = String::from_utf8_lossy(&seen).replace("\r\n", "\n");
        (status.code().unwrap_or(-1), text)
    }
}

/// Run fcall ARGS with stdout on a terminal of `cols` columns (stderr piped, no stdin):
/// the exit code, the terminal's text and stderr.
fn on_terminal(
    sb: &Sandbox,
    cols: u16,
    args: &[&str],
    env: &[(&str, &str)],
) -> (i32, String, String) {
    let pty = Pty::open(cols);
    let mut cmd = sb.std_cmd();
    cmd.args(args)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(pty.stdio())
        .stderr(Stdio::piped());
    let mut session = pty.start(cmd);
    let mut stderr = String::new();
    session
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let (code, text) = session.finish();
    (code, text, stderr)
}

/// A result with what a formatter may get wrong: a number past 64 bits, a decimal with a
/// trailing zero, escapes, nesting, empty containers.
const RESULT: &str = r#"{"name":"fcall","big":12345678901234567890123,"price":2.50,"text":"caf\u00e9 \"quoted\"","list":[1,{"ok":true,"none":null}],"empty":{},"nothing":[]}"#;

fn golden(name: &str, actual: &str) {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/golden")
        .join(name);
    snapbox::Assert::new()
        .action_env(snapbox::assert::DEFAULT_ACTION_ENV)
        .eq(actual, Data::read_from(&file, None).raw());
}

/// Colour codes taken out.
fn plain(text: &str) -> String {
    regex::Regex::new("\x1b\\[[0-9;]*m")
        .unwrap()
        .replace_all(text, "")
        .into_owned()
}

#[test]
fn a_json_result_on_a_terminal_is_indented_and_coloured() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.huawei_profiles(&emu);
    let args = ["invoke", "echo", "-d", RESULT];
    let (code, shown, _) = on_terminal(&sb, 80, &args, &[("NO_COLOR", "1")]);
    assert_eq!(code, 0);
    golden("huawei-pretty-result.stdout", &shown);

    // coloured where colour is allowed: the same text, keys and values painted
    let (code, coloured, _) = on_terminal(&sb, 80, &args, &[("TERM", "xterm-256color")]);
    assert_eq!(code, 0);
    assert!(
        coloured.contains("\x1b[1;34m\"name\"\x1b[0m: \x1b[32m\"fcall\"\x1b[0m"),
        "{coloured}"
    );
    assert!(
        coloured.contains("\x1b[36m12345678901234567890123\x1b[0m"),
        "{coloured}"
    );
    assert_eq!(plain(&coloured), shown);
    for no_colour in [
        &[("TERM", "dumb")][..],
        &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")],
    ] {
        let (_, text, _) = on_terminal(&sb, 80, &args, no_colour);
        assert_eq!(text, shown, "{no_colour:?}");
    }
    let (_, text, _) = on_terminal(
        &sb,
        80,
        &["--color", "never", "invoke", "echo", "-d", RESULT],
        &[],
    );
    assert_eq!(text, shown);

    // --pretty chooses: none is the result as sent (and a line break for the prompt)
    let (_, raw, _) = on_terminal(
        &sb,
        80,
        &["invoke", "echo", "-d", RESULT, "--pretty", "none"],
        &[],
    );
    assert_eq!(raw, format!("{RESULT}\n"));
    let (_, colours, _) = on_terminal(
        &sb,
        80,
        &["invoke", "echo", "-d", RESULT, "--pretty", "colors"],
        &[("NO_COLOR", "1")],
    );
    assert_eq!(plain(&colours), format!("{RESULT}\n"));
    assert!(
        colours.contains("\x1b[1;34m"),
        "--pretty colors is asked for"
    );

    // text that is not JSON is shown as it is
    let (_, text, _) = on_terminal(&sb, 80, &["invoke", "echo", "-d", "plain words"], &[]);
    assert_eq!(text, "plain words\n");

    // the JSON envelope is indented too
    let (_, envelope, _) = on_terminal(
        &sb,
        80,
        &["invoke", "echo", "-d", RESULT, "--output", "json"],
        &[("NO_COLOR", "1")],
    );
    assert!(
        envelope.starts_with("{\n  \"async_status\": null,\n"),
        "{envelope}"
    );
    let v: serde_json::Value = serde_json::from_str(&envelope).unwrap();
    assert_eq!(v["result"], RESULT);
}

#[test]
fn piped_the_result_stays_byte_for_byte() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.huawei_profiles(&emu);
    let spaced = "{ \"a\" : [1, 2.50],\n \"b\": 12345678901234567890123 }";
    let mut c = sb.cmd();
    c.env("CLICOLOR_FORCE", "1")
        .args(["invoke", "echo", "-d", spaced]);
    let o = Outcome::of(c.assert());
    o.code(0);
    assert_eq!(o.stdout_str(), spaced);
    // unless --pretty asks
    let o = sb.run(&["invoke", "echo", "-d", spaced, "--pretty", "format"]);
    assert_eq!(
        o.stdout_str(),
        "{\n  \"a\": [\n    1,\n    2.50\n  ],\n  \"b\": 12345678901234567890123\n}\n"
    );
}

#[test]
fn the_summary_fits_the_terminal() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.huawei_profiles(&emu);
    // stderr on a 40-column terminal (no COLUMNS): wrapped between fields
    let pty = Pty::open(40);
    let mut cmd = sb.std_cmd();
    cmd.args(["--color", "never", "invoke", "echo", "-d", "{}"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(pty.stdio());
    let (code, shown) = pty.start(cmd).finish();
    assert_eq!(code, 0);
    let lines: Vec<&str> = shown.lines().collect();
    assert!(lines.len() >= 3, "{shown}");
    assert!(lines[0].starts_with("ok · HTTP 200"), "{shown}");
    for l in &lines[1..] {
        assert!(l.starts_with("  ") && !l.starts_with("   "), "{shown}");
    }
    for l in lines.iter().filter(|l| !l.contains("request ")) {
        assert!(l.chars().count() <= 40, "{l:?} is wider than the terminal");
    }
    assert!(
        shown.contains("duration 1.913 ms"),
        "no field is cut: {shown}"
    );
}

/// `fcall profile add NAME` on a terminal: stdin, stdout and stderr on it.
fn guided(sb: &Sandbox, args: &[&str], env: &[(&str, &str)]) -> Session {
    let pty = Pty::open(100);
    let mut cmd = sb.std_cmd();
    cmd.env_remove("CI")
        .env("TERM", "xterm")
        .args(args)
        .envs(env.iter().copied())
        .stdin(pty.stdio())
        .stdout(pty.stdio())
        .stderr(pty.stdio());
    pty.start(cmd)
}

const DOWN: &str = "\x1b[B";

#[test]
fn profile_add_on_a_terminal_asks_for_the_provider_and_its_keys() {
    let sb = Sandbox::new();
    let mut t = guided(&sb, &["profile", "add", "faas"], &[]);
    t.expect("Provider of profile 'faas'");
    t.expect("openfaas");
    // huawei, aliyun, altair, aws, openfaas
    t.send(&DOWN.repeat(4));
    t.send("\r");
    t.expect("OpenFaaS keys for profile 'faas'");
    t.expect("Other keys to set");
    // endpoint, namespace, username, password: pick the first and the last
    t.send(" ");
    t.send(&DOWN.repeat(3));
    t.send(" \r");
    t.expect("endpoint (the gateway URL");
    t.send("http://127.0.0.1:8080\r");
    t.expect("password: how should fcall get it?");
    t.send("\r");
    t.expect("password (the gateway's basic-auth password)");
    t.expect_hidden_input();
    t.send("typed-S3CRET\r");
    t.expect("saved profile 'faas' (openfaas)");
    let (code, shown) = t.finish();
    assert_eq!(code, 0, "{shown}");
    assert!(
        !shown.contains("typed-S3CRET"),
        "the secret is not echoed:\n{shown}"
    );
    let config = std::fs::read_to_string(sb.config()).unwrap();
    assert!(
        config.contains("endpoint = \"http://127.0.0.1:8080\""),
        "{config}"
    );
    assert!(config.contains("password = \"typed-S3CRET\""), "{config}");
    assert!(!config.contains("username"), "{config}");

    // a secret kept as a variable's name; the provider given on the command line
    let mut t = guided(&sb, &["profile", "add", "hw", "--provider", "huawei"], &[]);
    t.expect("region (");
    t.send("cn-north-4\r");
    t.expect("project_id (");
    t.send(&format!("{PROJECT}\r"));
    t.expect("Other keys to set");
    // nothing picked: told what is missing, and asked again
    t.send("\r");
    t.expect("not yet: ");
    t.expect("has no credentials");
    t.expect("Other keys to set");
    // endpoint, package, token, …: pick token
    t.send(&format!("{}{} \r", DOWN, DOWN));
    t.expect("token: how should fcall get it?");
    t.send(&format!("{DOWN}\r"));
    t.expect("token: the environment variable");
    t.send("HW_TOKEN\r");
    t.expect("saved profile 'hw' (huawei)");
    let (code, shown) = t.finish();
    assert_eq!(code, 0, "{shown}");
    let config = std::fs::read_to_string(sb.config()).unwrap();
    assert!(
        config.contains("token = { env = \"HW_TOKEN\" }"),
        "{config}"
    );
    assert!(
        config.contains(&format!("project_id = \"{PROJECT}\"")),
        "{config}"
    );
}

#[test]
fn no_questions_under_ci_or_without_a_terminal() {
    let sb = Sandbox::new();
    let t = guided(&sb, &["profile", "add", "x"], &[("CI", "true")]);
    let (code, shown) = t.finish();
    assert_eq!(code, 2, "{shown}");
    assert_eq!(shown.lines().count(), 1, "one line: {shown}");
    assert!(
        shown.contains("give --provider (huawei, aliyun, altair, aws, openfaas)"),
        "{shown}"
    );
    // piped stdin (the sandbox's): the same line, nothing asked
    let o = sb.run(&["profile", "add", "x"]);
    o.code(2).stderr_has("give --provider");
    assert_eq!(o.stderr.lines().count(), 1, "{}", o.stderr);
    let o = sb.run(&["profile", "add", "x", "--provider", "aliyun"]);
    o.code(2).stderr_has("lacks access_key_id");
    assert!(!sb.config().exists(), "nothing written");
}
