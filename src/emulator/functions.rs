//! The emulated functions, whatever the provider: what each one returns, logs and how it
//! fails. Provider modules wrap these runs in their own wire format.

use std::time::Duration;

use serde_json::{json, Value as Json};

/// One run of a function.
pub struct Run {
    pub result: Vec<u8>,
    /// The function's own log lines (each ending in a newline).
    pub log: String,
    /// `(errorType, errorMessage)` when the function failed.
    pub error: Option<(String, String)>,
    /// How long the function takes.
    pub delay: Option<Duration>,
}

pub const TS: &str = "2024-01-02T03:04:05Z";

/// Run `name` on `payload`; `None` when there is no such function.
///
/// - `echo` returns the payload and logs a line with non-ASCII text;
/// - `fail` raises ZeroDivisionError (a function error) after a traceback;
/// - `longlog` logs more than any provider's tail holds, in several scripts;
/// - `slow` sleeps `{"sleep_ms": N}` (default 3000) and then echoes;
/// - `maybe` fails like `fail` when the payload is a JSON object with `"fail": true`, else echoes;
/// - `big` returns `{"bytes": N}` bytes (default 1 MiB) of numbered lines, see [`big_result`]
///   (for streaming tests and memory benchmarks);
/// - `flood` logs `{"lines": N}` numbered lines (default 100,000), for the log readers'
///   memory benchmark.
pub fn run(name: &str, payload: &[u8]) -> Option<Run> {
    let echo = |log: String| Run {
        result: payload.to_vec(),
        log,
        error: None,
        delay: None,
    };
    Some(match name {
        "echo" => echo(format!(
            "{TS} received {} bytes · 你好, función ✓\n",
            payload.len()
        )),
        "fail" => Run {
            result: json!({"errorMessage": "division by zero", "errorType": "ZeroDivisionError",
                "stackTrace": ["File \"index.py\", line 3, in handler"]})
            .to_string()
            .into_bytes(),
            log: format!(
                "{TS} Traceback (most recent call last):\n{TS}   File \"index.py\", line 3, in handler\n{TS} ZeroDivisionError: division by zero\n"
            ),
            error: Some(("ZeroDivisionError".into(), "division by zero".into())),
            delay: None,
        },
        "longlog" => echo(
            (1..=240)
                .map(|i| format!("{TS} 第{i:03}行 日志 línea données ✓ — {}\n", "x".repeat(i % 7)))
                .collect(),
        ),
        "big" => {
            let n = serde_json::from_slice::<Json>(payload)
                .ok()
                .and_then(|j| j.get("bytes")?.as_u64())
                .unwrap_or(1 << 20);
            Run {
                result: big_result(n.min(1 << 30) as usize),
                ..echo(format!("{TS} returned {n} bytes\n"))
            }
        }
        "flood" => {
            let n = serde_json::from_slice::<Json>(payload)
                .ok()
                .and_then(|j| j.get("lines")?.as_u64())
                .unwrap_or(100_000)
                .min(1_000_000);
            echo((0..n).map(|i| format!("{TS} flood line {i:07}\n")).collect())
        }
        "maybe" => {
            let fails = serde_json::from_slice::<Json>(payload)
                .ok()
                .and_then(|j| j.get("fail")?.as_bool())
                .unwrap_or(false);
            return run(if fails { "fail" } else { "echo" }, payload);
        }
        "slow" => {
            let ms = serde_json::from_slice::<Json>(payload)
                .ok()
                .and_then(|j| j.get("sleep_ms")?.as_u64())
                .unwrap_or(3000)
                .min(3_600_000);
            Run {
                delay: Some(Duration::from_millis(ms)),
                ..echo(format!("{TS} slept {ms} ms\n"))
            }
        }
        _ => return None,
    })
}

/// `n` bytes of 16-byte numbered lines, `000000000000000\n000000000000001\n…`, the last one
/// cut at `n`: every byte depends on where it is, so a lost, repeated or reordered piece shows.
pub fn big_result(n: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(n + 16);
    let mut line = [b'0'; 16];
    line[15] = b'\n';
    while out.len() < n {
        out.extend_from_slice(&line);
        // count up in decimal, in place
        for d in line[..15].iter_mut().rev() {
            if *d == b'9' {
                *d = b'0';
            } else {
                *d += 1;
                break;
            }
        }
    }
    out.truncate(n);
    out
}

/// Make the `limit`-byte tail of `log` begin inside a multi-byte character, as a provider's
/// byte cut can, by padding the line before the last one. Logs shorter than `limit` are left alone.
pub fn cut_inside_a_character(log: &mut String, limit: usize) {
    let Some(last_line) = log.trim_end_matches('\n').rfind('\n') else {
        return;
    };
    let mut at = last_line;
    while log.len() > limit && log.is_char_boundary(log.len() - limit) && at > 0 {
        log.insert(at, '.');
        at += 1;
    }
}

/// The last `limit` bytes of `log`, base64-encoded, as providers send a tail in a header.
pub fn tail_base64(log: &str, limit: usize) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(tail(log, limit))
}

/// The last `limit` bytes, cut wherever they fall (as providers do).
pub fn tail(log: &str, limit: usize) -> &[u8] {
    let b = log.as_bytes();
    &b[b.len().saturating_sub(limit)..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longlog_tails_start_inside_a_character() {
        for limit in [2000, 4096] {
            let mut log = format!("start\n{}finish line\n", run("longlog", b"{}").unwrap().log);
            assert!(log.len() > 2 * limit);
            cut_inside_a_character(&mut log, limit);
            let t = tail(&log, limit);
            assert_eq!(t.len(), limit);
            assert!(
                std::str::from_utf8(t).is_err(),
                "the cut should split a character"
            );
            assert!(log.ends_with("finish line\n"));
        }
    }

    #[test]
    fn known_and_unknown_functions() {
        assert_eq!(run("echo", b"abc").unwrap().result, b"abc");
        assert!(run("fail", b"").unwrap().error.is_some());
        assert_eq!(
            run("slow", br#"{"sleep_ms":5}"#).unwrap().delay,
            Some(Duration::from_millis(5))
        );
        assert!(run("nosuch", b"").is_none());
        let big = run("big", br#"{"bytes": 40}"#).unwrap().result;
        assert_eq!(big, b"000000000000000\n000000000000001\n00000000");
        assert_eq!(
            big_result(16 * 1000 + 1)[16 * 999..],
            *b"000000000000999\n0"
        );
        assert_eq!(run("big", b"").unwrap().result.len(), 1 << 20);
        assert!(run("maybe", br#"{"fail":true}"#).unwrap().error.is_some());
        let flood = run("flood", br#"{"lines": 3}"#).unwrap().log;
        assert_eq!(flood.lines().count(), 3);
        assert!(flood.ends_with("flood line 0000002\n"));
        assert!(run("maybe", br#"{"fail":false}"#).unwrap().error.is_none());
    }
}
