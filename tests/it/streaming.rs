//! A function's raw result is copied to stdout as it arrives (Function Compute, Altair):
//! the bytes are exact, the log tail and summary still come from the headers, answers that
//! need their body read (function errors, refusals, `--output json`) are still interpreted,
//! and nothing is sent again once part of a result has been written.

use crate::support::*;

/// What the emulator's `big` function returns: 16-byte numbered lines, cut at `n`.
fn numbered_lines(n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n + 16);
    let mut i = 0u64;
    while out.len() < n {
        out.extend_from_slice(format!("{i:015}\n").as_bytes());
        i += 1;
    }
    out.truncate(n);
    out
}

const EIGHT_MB: usize = 8 << 20;

fn big(n: usize) -> String {
    format!("{{\"bytes\":{n}}}")
}

#[test]
fn function_compute_streams_a_large_result_byte_for_byte() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.aliyun_profiles(&emu);
    // one byte short of a line, so the result does not end with a newline
    let n = EIGHT_MB + 15;
    let o = sb.run(&["invoke", "svc/big", "-d", &big(n), "--tail"]);
    o.code(0)
        .stderr_has("ok · HTTP 200 · request ")
        .stderr_has(&format!("returned {n} bytes"));
    assert_eq!(o.stdout.len(), n);
    assert!(o.stdout == numbered_lines(n), "the bytes on stdout differ");
    assert_eq!(emu.counter("aliyun.sync.big"), 1);

    // FC 3.0 too
    let o = sb.run(&["-p", "fc3", "invoke", "big", "-d", &big(1 << 20)]);
    assert!(o.code(0).stdout == numbered_lines(1 << 20));
}

#[test]
fn altair_streams_a_large_result_byte_for_byte() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.altair_profiles(&emu);
    let o = sb.run(&["invoke", "big", "-d", &big(EIGHT_MB)]);
    o.code(0).stderr_has("ok · HTTP 200");
    assert!(
        o.stdout == numbered_lines(EIGHT_MB),
        "the bytes on stdout differ"
    );
}

#[test]
fn errors_are_still_interpreted_not_streamed() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.aliyun_profiles(&emu);
    // a function error (200 with X-Fc-Error-Type): the body is read and explained
    let o = sb.run(&["invoke", "svc/fail", "--tail"]);
    o.code(6)
        .stderr_has("ZeroDivisionError")
        .stderr_has("division by zero");
    assert_eq!(o.json()["errorType"], "ZeroDivisionError");
    // a refusal: the provider's message, nothing on stdout
    let o = sb.run(&["invoke", "svc/nosuch"]);
    o.code(4).stderr_has("Function Compute refused the request");
    assert!(o.stdout.is_empty());

    let sb = Sandbox::new();
    sb.altair_profiles(&emu);
    sb.run(&["invoke", "fail"])
        .code(6)
        .stderr_has("ZeroDivisionError");
    sb.run(&["invoke", "nosuch"])
        .code(4)
        .stderr_has("function not found");
}

#[test]
fn json_output_embeds_the_whole_result() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.aliyun_profiles(&emu);
    let n = (1 << 20) + 3;
    let o = sb.run(&["invoke", "svc/big", "-d", &big(n), "--output", "json"]);
    let result = o.code(0).json()["result"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(result.as_bytes() == numbered_lines(n));
}

#[test]
fn a_result_cut_off_while_streaming_is_not_sent_again() {
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.aliyun_profiles(&emu);
    // the emulator announces the whole body, sends half, then drops the connection; even
    // --retry-sync must not run the function again once part of its result was written
    let n = 1 << 20;
    let o = sb.run(&[
        "invoke",
        "svc/big",
        "-d",
        &big(n),
        "-H",
        "X-Emulator-Fault: truncate",
        "--retry-sync",
        "--retries",
        "2",
    ]);
    o.code(5)
        .stderr_has("the exchange with 127.0.0.1:")
        .stderr_has("bytes of the result)");
    assert_eq!(o.stderr.lines().count(), 1, "{}", o.stderr);
    assert!(o.stdout.len() < n);
    assert!(o.stdout == numbered_lines(n)[..o.stdout.len()]);
    assert_eq!(emu.counter("faults.truncate"), 1);
    assert_eq!(emu.counter("aliyun.sync.big"), 1);
}

#[test]
fn a_reader_that_goes_away_mid_stream_is_not_an_error() {
    use std::io::Read;
    let emu = Emulator::start();
    let sb = Sandbox::new();
    sb.aliyun_profiles(&emu);
    let mut child = std::process::Command::new(bin())
        .env("FCALL_CONFIG", sb.config())
        .env("FCALL_CACHE_DIR", sb.cache())
        .env("TEST_HW_SK", SK)
        .args(["invoke", "svc/big", "-d", &big(EIGHT_MB)])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // like `| head -c16`: read one line, then close the pipe
    let mut stdout = child.stdout.take().unwrap();
    let mut line = [0u8; 16];
    stdout.read_exact(&mut line).unwrap();
    assert_eq!(&line, b"000000000000000\n");
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("error"), "{stderr}");
}
