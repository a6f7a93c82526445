//! What people and scripts see: the human stderr report, and the `--output json` envelope.

use std::borrow::Cow;
use std::collections::BTreeMap;

use base64::Engine;
use colored::Colorize;
use serde::Serialize;
use serde_json::{json, Value as Json};

use crate::error::Error;
use crate::invocation::{FunctionError, Mode, Outcome};

/// Version of the `--output json` envelope; bump on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Whether to colour stderr: `--color always|never`, else only on a terminal and without `NO_COLOR`.
pub fn use_color(flag: &str, no_color_env: bool, stderr_is_tty: bool) -> bool {
    match flag {
        "always" => true,
        "never" => false,
        _ => stderr_is_tty && !no_color_env,
    }
}

/// Who invoked what, for the envelope.
pub struct Context<'a> {
    pub provider: &'a str,
    pub profile: &'a str,
    pub function: &'a str,
    pub mode: Mode,
}

/// The `--output json` envelope's fields, in the order they print (alphabetical, as a
/// `serde_json` map orders them): one definition for [`envelope`] and [`write_envelope`].
#[derive(Serialize)]
struct Envelope<'a> {
    async_status: Option<&'a str>,
    billed_ms: Option<f64>,
    duration_ms: Option<f64>,
    error: (),
    function: &'a str,
    function_error: &'a Option<FunctionError>,
    /// `batch` only: the input line's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a Json>,
    invocation_id: &'a Option<String>,
    /// `batch` only: the input line's number.
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    log: Option<&'a str>,
    log_truncated: bool,
    memory_limit_mb: Option<f64>,
    memory_mb: Option<f64>,
    mode: Mode,
    ok: bool,
    profile: &'a str,
    provider: &'a str,
    provider_details: &'a BTreeMap<String, String>,
    request_id: &'a Option<String>,
    result: Option<Cow<'a, str>>,
    result_encoding: Option<&'static str>,
    schema_version: u32,
    status: u16,
}

fn fields<'a>(
    ctx: &'a Context,
    out: &'a Outcome,
    async_status: Option<&'a str>,
    line: Option<(u64, &'a Json)>,
) -> Envelope<'a> {
    let (result, result_encoding) = if ctx.mode == Mode::Async && out.result.is_empty() {
        (None, None)
    } else {
        match std::str::from_utf8(&out.result) {
            Ok(s) => (Some(Cow::Borrowed(s)), Some("utf-8")),
            Err(_) => (
                Some(Cow::Owned(
                    base64::engine::general_purpose::STANDARD.encode(&out.result),
                )),
                Some("base64"),
            ),
        }
    };
    Envelope {
        async_status,
        billed_ms: out.summary.billed_ms,
        duration_ms: out.summary.duration_ms,
        error: (),
        function: ctx.function,
        function_error: &out.function_error,
        id: line.map(|(_, id)| id),
        invocation_id: &out.async_id,
        line: line.map(|(no, _)| no),
        log: out.log.as_ref().map(|l| l.text.as_str()),
        log_truncated: out.log.as_ref().is_some_and(|l| l.truncated),
        memory_limit_mb: out.summary.memory_limit_mb,
        memory_mb: out.summary.memory_used_mb,
        mode: ctx.mode,
        ok: out.function_error.is_none(),
        profile: ctx.profile,
        provider: ctx.provider,
        provider_details: &out.extra,
        request_id: &out.request_id,
        result,
        result_encoding,
        schema_version: SCHEMA_VERSION,
        status: out.status,
    }
}

/// The `--output json` envelope for an outcome (`async_status` once `--wait` knows it).
pub fn envelope(ctx: &Context, out: &Outcome, async_status: Option<&str>) -> Json {
    // cannot fail: every key is a string and every number a plain one
    serde_json::to_value(fields(ctx, out, async_status, None)).unwrap_or_default()
}

/// The envelope written straight to `buf` as one line of JSON (no newline), with the
/// input line's number and id for `batch`: no intermediate [`Json`] value is built.
pub fn write_envelope(
    ctx: &Context,
    out: &Outcome,
    line: Option<(u64, &Json)>,
    buf: &mut Vec<u8>,
) -> serde_json::Result<()> {
    serde_json::to_writer(buf, &fields(ctx, out, None, line))
}

/// The envelope for a request that failed before producing an outcome.
pub fn error_envelope(ctx: &Context, err: &Error) -> Json {
    let kind = match err {
        Error::Usage(_) => "usage",
        Error::Config(_) => "config",
        Error::Auth(_) => "auth",
        Error::Refused(_) => "refused",
        Error::Transport(_) => "transport",
        Error::Function(_) => "function",
        Error::Interrupted => "interrupted",
        Error::Internal(_) => "internal",
    };
    json!({
        "schema_version": SCHEMA_VERSION,
        "provider": ctx.provider,
        "profile": ctx.profile,
        "function": ctx.function,
        "mode": ctx.mode,
        "status": Json::Null,
        "ok": false,
        "request_id": Json::Null,
        "invocation_id": Json::Null,
        "function_error": Json::Null,
        "error": {"kind": kind, "message": err.to_string(), "exit_code": err.code()},
    })
}

fn fmt_num(n: f64) -> String {
    let s = format!("{n:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The one-line summary: outcome, request id, duration, billed time, memory, and for an
/// async invocation that was waited for, its final status.
pub fn summary_line(out: &Outcome, mode: Mode, async_status: Option<&str>, color: bool) -> String {
    let mut parts = Vec::new();
    let head = match (&out.function_error, mode, async_status) {
        (Some(_), _, _) => "failed".to_string(),
        (None, Mode::Async, None) => "accepted".to_string(),
        (None, _, _) => "ok".to_string(),
    };
    parts.push(if !color {
        head
    } else if out.function_error.is_some() {
        head.red().bold().to_string()
    } else {
        head.green().bold().to_string()
    });
    parts.push(format!("HTTP {}", out.status));
    if let Some(id) = &out.request_id {
        parts.push(format!("request {id}"));
    }
    let s = &out.summary;
    if let Some(d) = s.duration_ms {
        parts.push(format!("duration {} ms", fmt_num(d)));
    }
    if let Some(b) = s.billed_ms {
        parts.push(format!("billed {} ms", fmt_num(b)));
    }
    match (s.memory_used_mb, s.memory_limit_mb) {
        (Some(u), Some(l)) => parts.push(format!("memory {} of {} MB", fmt_num(u), fmt_num(l))),
        (Some(u), None) => parts.push(format!("memory {} MB", fmt_num(u))),
        (None, Some(l)) => parts.push(format!("memory limit {} MB", fmt_num(l))),
        (None, None) => {}
    }
    // Lambda's REPORT: init 99.1 ms, restore 12 ms…
    for (key, value) in &s.extra {
        if let (Some(what), Some(n)) = (key.strip_suffix("_duration_ms"), value.as_f64()) {
            parts.push(format!("{} {} ms", what.replace('_', " "), fmt_num(n)));
        }
    }
    for (label, value) in &out.shown {
        parts.push(format!("{label} {value}"));
    }
    if let Some(st) = async_status {
        parts.push(format!("async status {st}"));
    }
    parts.join(" · ")
}

/// Everything for stderr in human mode: decoded log tail, function error, summary, notes.
pub fn human_report(out: &Outcome, mode: Mode, async_status: Option<&str>, color: bool) -> String {
    let mut s = String::new();
    let rule = |t: &str| {
        let line = format!("── {t} ──");
        if color {
            line.dimmed().to_string()
        } else {
            line
        }
    };
    if let Some(log) = &out.log {
        let title = if log.truncated {
            format!(
                "log tail ({} bytes; earlier lines were cut by the provider)",
                log.bytes
            )
        } else {
            "log".to_string()
        };
        s.push_str(&rule(&title));
        s.push('\n');
        s.push_str(&log.text);
        if !log.text.ends_with('\n') {
            s.push('\n');
        }
        s.push_str(&rule("end of log"));
        s.push('\n');
    }
    for (k, v) in &out.extra {
        if k.ends_with("_error") {
            s.push_str(&format!("warning: {v}\n"));
        }
    }
    if let Some(fe) = &out.function_error {
        let line = format!("function error: {}: {}", fe.kind, fe.message);
        s.push_str(&if color { line.red().to_string() } else { line });
        s.push('\n');
    }
    s.push_str(&summary_line(out, mode, async_status, color));
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{DecodedLog, InvokeSummary};
    use crate::invocation::FunctionError;

    fn outcome() -> Outcome {
        Outcome {
            status: 200,
            result: b"{\"k\":\"v\"}".to_vec(),
            request_id: Some("r-1".into()),
            log: Some(DecodedLog {
                text: "line one\nline two".into(),
                bytes: 17,
                truncated: false,
                dropped_leading: 0,
            }),
            summary: InvokeSummary {
                duration_ms: Some(1.913),
                billed_ms: Some(2.0),
                memory_limit_mb: Some(128.0),
                memory_used_mb: Some(41.5),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn colour_rules() {
        assert!(use_color("always", true, false));
        assert!(!use_color("never", false, true));
        assert!(use_color("auto", false, true));
        assert!(!use_color("auto", true, true));
        assert!(!use_color("auto", false, false));
    }

    #[test]
    fn human_report_plain() {
        let r = human_report(&outcome(), Mode::Sync, None, false);
        assert_eq!(
            r,
            "── log ──\nline one\nline two\n── end of log ──\nok · HTTP 200 · request r-1 · duration 1.913 ms · billed 2 ms · memory 41.5 of 128 MB\n"
        );
    }

    #[test]
    fn human_report_function_error() {
        let mut o = outcome();
        o.log = None;
        o.function_error = Some(FunctionError {
            kind: "ZeroDivisionError".into(),
            message: "division by zero".into(),
        });
        let r = human_report(&o, Mode::Sync, None, false);
        assert!(
            r.starts_with("function error: ZeroDivisionError: division by zero\nfailed · HTTP 200")
        );
    }

    /// The envelope as it was first written, field by field: the reference the struct
    /// must reproduce byte for byte.
    fn reference_envelope(ctx: &Context, out: &Outcome, async_status: Option<&str>) -> Json {
        let number = |v: Option<f64>| v.map_or(Json::Null, |n| json!(n));
        let (result, encoding) = if ctx.mode == Mode::Async && out.result.is_empty() {
            (Json::Null, Json::Null)
        } else {
            match std::str::from_utf8(&out.result) {
                Ok(s) => (json!(s), json!("utf-8")),
                Err(_) => (
                    json!(base64::engine::general_purpose::STANDARD.encode(&out.result)),
                    json!("base64"),
                ),
            }
        };
        json!({
            "schema_version": SCHEMA_VERSION,
            "provider": ctx.provider,
            "profile": ctx.profile,
            "function": ctx.function,
            "mode": ctx.mode,
            "status": out.status,
            "ok": out.function_error.is_none(),
            "request_id": out.request_id,
            "invocation_id": out.async_id,
            "function_error": out.function_error,
            "duration_ms": number(out.summary.duration_ms),
            "billed_ms": number(out.summary.billed_ms),
            "memory_mb": number(out.summary.memory_used_mb),
            "memory_limit_mb": number(out.summary.memory_limit_mb),
            "log": out.log.as_ref().map(|l| l.text.as_str()),
            "log_truncated": out.log.as_ref().is_some_and(|l| l.truncated),
            "result": result,
            "result_encoding": encoding,
            "async_status": async_status,
            "error": Json::Null,
            "provider_details": out.extra,
        })
    }

    #[test]
    fn envelope_matches_the_reference_byte_for_byte() {
        let mut outcomes = vec![outcome(), Outcome::default()];
        let mut o = outcome();
        o.result = vec![0xff, 0x00, b'"'];
        o.function_error = Some(FunctionError {
            kind: "E\"x".into(),
            message: "m\n✓".into(),
        });
        o.async_id = Some("a-1".into());
        o.extra.insert("z".into(), "1".into());
        o.extra.insert("a".into(), "\u{1}".into());
        o.summary.duration_ms = Some(f64::NAN);
        o.summary.memory_used_mb = Some(1e21);
        o.log.as_mut().unwrap().truncated = true;
        outcomes.push(o);
        for out in &outcomes {
            for mode in [Mode::Sync, Mode::Async] {
                for status in [None, Some("SUCCESS")] {
                    let ctx = Context {
                        provider: "aliyun",
                        profile: "p\"1",
                        function: "svc/f@v1",
                        mode,
                    };
                    let want = reference_envelope(&ctx, out, status);
                    assert_eq!(envelope(&ctx, out, status), want);
                    if status.is_none() {
                        let mut buf = Vec::new();
                        write_envelope(&ctx, out, None, &mut buf).unwrap();
                        assert_eq!(String::from_utf8(buf).unwrap(), want.to_string());
                        // batch's line and id land where the map would sort them
                        let mut with_line = want.clone();
                        with_line["line"] = json!(7);
                        with_line["id"] = Json::Null;
                        let mut buf = Vec::new();
                        write_envelope(&ctx, out, Some((7, &Json::Null)), &mut buf).unwrap();
                        assert_eq!(String::from_utf8(buf).unwrap(), with_line.to_string());
                    }
                }
            }
        }
    }

    #[test]
    fn envelope_fields() {
        let ctx = Context {
            provider: "huawei",
            profile: "hw",
            function: "urn:x",
            mode: Mode::Sync,
        };
        let e = envelope(&ctx, &outcome(), None);
        assert_eq!(e["schema_version"], 1);
        assert_eq!(e["ok"], true);
        assert_eq!(e["result"], "{\"k\":\"v\"}");
        assert_eq!(e["result_encoding"], "utf-8");
        assert_eq!(e["billed_ms"], 2.0);
        assert_eq!(e["log"], "line one\nline two");
        let mut o = outcome();
        o.result = vec![0xff, 0x00];
        let e = envelope(&ctx, &o, None);
        assert_eq!(e["result"], "/wA=");
        assert_eq!(e["result_encoding"], "base64");
    }
}
