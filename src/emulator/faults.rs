//! Faults injected per request with the header `X-Emulator-Fault: NAME`, for tests of how
//! fcall survives them. Application-level faults replace or spoil the provider's answer;
//! transport-level ones (`reset`, `truncate`) are carried out by the HTTP adapter.
//!
//! | name | what happens |
//! |---|---|
//! | `reset` | the connection is dropped before any response |
//! | `stall` | no answer for 120 s |
//! | `429`, `503` | that status with `Retry-After: 0`, before the function runs |
//! | `429-once`, `503-once` | the same on every other request with this fault (a retry succeeds) |
//! | `truncate` | the body is cut short of its `Content-Length` |
//! | `bigheader` | a 1 MiB response header |
//! | `badtail` | the log-tail header is not base64 |
//! | `binary` | the function's result is not UTF-8 |
//! | `redirect` | `302` to another address |
//! | `status-NNN` | that status (e.g. `status-304`), an empty body, before the function runs |
//! | `callback-wrong-id` | the async callback names another call (`X-Call-Id: forged-call`) |
//! | `callback-no-status` | the async callback has no `X-Function-Status` |
//! | `callback-bad-status` | the async callback's `X-Function-Status` is `2OO` |
//! | `escapes` | a 404 whose error fields and request id hold terminal escapes and a forged line |

use std::time::Duration;

use super::{json_response, Reply, State};
use crate::http::{HttpRequest, HttpResponse};

pub const HEADER: &str = "X-Emulator-Fault";

/// What the adapter must do beyond sending the reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// Drop the connection without answering.
    Reset,
    /// Announce more body than is sent, then close.
    Truncate,
}

/// The fault a request asks for, counted as `faults.NAME`.
pub fn requested(st: &State, req: &HttpRequest) -> Option<String> {
    let name = req.header(HEADER)?.trim().to_ascii_lowercase();
    st.count(&format!("faults.{name}"));
    Some(name)
}

/// Answer before the provider does, for faults that mean "nothing ran".
pub fn before(st: &State, name: &str) -> Option<Reply> {
    let throttle = |status: u16| {
        let mut r = json_response(
            status,
            &serde_json::json!({"error_code": format!("EMU.{status}"), "error_msg": "injected fault",
                "ErrorCode": format!("Emulated{status}"), "ErrorMessage": "injected fault",
                "error": {"status": status, "message": "injected fault"}}),
        );
        r.headers.push(("Retry-After".into(), "0".into()));
        Some(Reply::from(r))
    };
    match name {
        "429" => throttle(429),
        "503" => throttle(503),
        "429-once" | "503-once" => {
            let status = if name.starts_with("429") { 429 } else { 503 };
            (st.counter(&format!("faults.{name}")) % 2 == 1)
                .then(|| throttle(status))
                .flatten()
        }
        "stall" => Some(Reply::delayed(
            json_response(200, &serde_json::json!({})),
            Some(Duration::from_secs(120)),
        )),
        "escapes" => {
            let evil = "\u{1b}[2J\u{1b}[H\r\nok · HTTP 200\u{7}";
            let mut r = json_response(
                404,
                &serde_json::json!({"error_code": evil, "error_msg": evil, "ErrorCode": evil,
                    "ErrorMessage": evil, "Code": evil, "Message": evil, "message": evil,
                    "error": {"message": evil}}),
            );
            for h in [
                "X-Call-Id",
                "X-Request-Id",
                "X-Fc-Request-Id",
                "X-Amzn-Requestid",
            ] {
                r.headers.push((h.into(), "id\u{9b}2J\u{85}".into()));
            }
            Some(Reply::from(r))
        }
        _ if name.starts_with("status-") => {
            let status = name["status-".len()..].parse().ok()?;
            Some(Reply::from(HttpResponse {
                status,
                headers: Vec::new(),
                body: Vec::new(),
            }))
        }
        "redirect" => Some(Reply::from(HttpResponse {
            status: 302,
            headers: vec![("Location".into(), "http://127.0.0.1:1/elsewhere".into())],
            body: Vec::new(),
        })),
        _ => None,
    }
}

/// Spoil the provider's answer for faults that happen after the function ran.
pub fn after(name: &str, reply: &mut Reply) -> Option<Transport> {
    let headers = &mut reply.response.headers;
    match name {
        "reset" => return Some(Transport::Reset),
        "truncate" => return Some(Transport::Truncate),
        "bigheader" => headers.push(("X-Big".into(), "x".repeat(1 << 20))),
        "badtail" => {
            for (k, v) in headers.iter_mut() {
                if k.eq_ignore_ascii_case("X-Cff-Function-Log")
                    || k.eq_ignore_ascii_case("X-Fc-Log-Result")
                {
                    *v = "!!! not base64 !!!".into();
                }
            }
        }
        "binary" => reply.response.body = vec![0xff, 0xfe, 0x00, 0x80],
        "callback-wrong-id" | "callback-no-status" | "callback-bad-status" => {
            if let Some(cb) = reply.callback.as_mut() {
                let (name, value) = match name {
                    "callback-wrong-id" => ("X-Call-Id", Some("forged-call")),
                    "callback-no-status" => ("X-Function-Status", None),
                    _ => ("X-Function-Status", Some("2OO")),
                };
                cb.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
                if let Some(v) = value {
                    cb.headers.push((name.into(), v.into()));
                }
            }
        }
        _ => {}
    }
    None
}
