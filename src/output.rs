//! What scripts read: every JSON object fcall prints is a `Serialize` struct here, so the
//! output contract has one home. The invoke envelope ([`Envelope`], also `batch`'s line
//! with its `line` and `id`), the envelope of a request that failed before an outcome
//! ([`ErrorEnvelope`]), and `fcall status --output json` ([`StatusLine`]).
//!
//! Fields are declared in the order they print: alphabetical, as the first versions
//! (built as `serde_json` maps) printed them, so that the bytes stay what schema v1 says.

use std::borrow::Cow;
use std::collections::BTreeMap;

use base64::Engine;
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value as Json;

use crate::error::Error;
use crate::invocation::{FunctionError, Mode, Outcome};

/// Version of the `--output json` envelope; bump on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// Who invoked what, for the envelope.
pub struct Context<'a> {
    pub provider: &'a str,
    pub profile: &'a str,
    pub function: &'a str,
    pub mode: Mode,
}

/// `batch` only: the input line's number and its `id` (null when it has none).
pub type LineRef<'a> = Option<(u64, &'a Json)>;

/// The `--output json` envelope of an outcome.
#[derive(Serialize)]
pub struct Envelope<'a> {
    async_status: Option<&'a str>,
    billed_ms: Option<f64>,
    duration_ms: Option<f64>,
    error: (),
    /// With `--expect`: each expression and whether it held.
    #[serde(skip_serializing_if = "Option::is_none")]
    expectations: Option<&'a [Checked]>,
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
    /// The result again, as JSON, when it is valid JSON (else null).
    result_json: Option<JsonText<'a>>,
    schema_version: u32,
    status: u16,
}

impl<'a> Envelope<'a> {
    /// The same envelope with the verdicts of `--expect`.
    pub fn with_expectations(mut self, checked: &'a [Checked]) -> Envelope<'a> {
        self.expectations = Some(checked);
        self
    }
}

/// One `--expect` expression and what came of it.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq)]
pub struct Checked {
    pub expression: String,
    pub ok: bool,
    /// Why it failed: what it yielded, or its error.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
}

/// A JSON text as it was written, for embedding without a parse into values (big numbers
/// and key order stay as the function wrote them). Line breaks, which in valid JSON can
/// only be white space, become spaces, so the envelope stays one line.
pub enum JsonText<'a> {
    Borrowed(&'a RawValue),
    Owned(Box<RawValue>),
}

impl Serialize for JsonText<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            JsonText::Borrowed(r) => r.serialize(s),
            JsonText::Owned(r) => r.serialize(s),
        }
    }
}

impl<'a> JsonText<'a> {
    /// `text` when it is one valid JSON value, else `None`.
    pub fn parse(text: &'a str) -> Option<JsonText<'a>> {
        let raw: &RawValue = serde_json::from_str(text).ok()?;
        if !raw.get().contains(['\n', '\r']) {
            return Some(JsonText::Borrowed(raw));
        }
        let one_line = raw.get().replace(['\n', '\r'], " ");
        RawValue::from_string(one_line).ok().map(JsonText::Owned)
    }
}

impl<'a> Envelope<'a> {
    /// The envelope of `out` (`async_status` once `--wait` knows it; `line` for `batch`).
    pub fn new(
        ctx: &'a Context,
        out: &'a Outcome,
        async_status: Option<&'a str>,
        line: LineRef<'a>,
    ) -> Envelope<'a> {
        let (result, result_encoding): (Option<Cow<str>>, _) =
            if ctx.mode == Mode::Async && out.result.is_empty() {
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
        let result_json = match (&result, result_encoding) {
            (Some(Cow::Borrowed(text)), Some("utf-8")) => JsonText::parse(text),
            _ => None,
        };
        Envelope {
            async_status,
            billed_ms: out.summary.billed_ms,
            duration_ms: out.summary.duration_ms,
            error: (),
            expectations: None,
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
            result_json,
            schema_version: SCHEMA_VERSION,
            status: out.status,
        }
    }
}

/// What went wrong, inside an [`ErrorEnvelope`].
#[derive(Serialize)]
struct ErrorDetail {
    exit_code: u8,
    kind: &'static str,
    message: String,
}

/// The envelope of a request that failed before producing an outcome.
#[derive(Serialize)]
pub struct ErrorEnvelope<'a> {
    error: ErrorDetail,
    function: &'a str,
    function_error: (),
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a Json>,
    invocation_id: (),
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    mode: Mode,
    ok: bool,
    profile: &'a str,
    provider: &'a str,
    request_id: (),
    schema_version: u32,
    status: (),
}

impl<'a> ErrorEnvelope<'a> {
    pub fn new(ctx: &'a Context, err: &Error, line: LineRef<'a>) -> ErrorEnvelope<'a> {
        ErrorEnvelope {
            error: ErrorDetail {
                exit_code: err.code(),
                kind: err.kind(),
                message: err.to_string(),
            },
            function: ctx.function,
            function_error: (),
            id: line.map(|(_, id)| id),
            invocation_id: (),
            line: line.map(|(no, _)| no),
            mode: ctx.mode,
            ok: false,
            profile: ctx.profile,
            provider: ctx.provider,
            request_id: (),
            schema_version: SCHEMA_VERSION,
            status: (),
        }
    }
}

/// `fcall logs --output json`: one log line (NDJSON, one object per line).
#[derive(Serialize)]
pub struct LogLine<'a> {
    pub message: &'a str,
    pub provider: &'a str,
    pub request_id: Option<&'a str>,
    /// The log stream, instance or pod that wrote it.
    pub stream: Option<&'a str>,
    /// RFC 3339, UTC, milliseconds.
    pub timestamp: String,
}

impl<'a> LogLine<'a> {
    pub fn new(e: &'a crate::logs::LogEvent, provider: &'a str) -> LogLine<'a> {
        let fmt = time::macros::format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
        );
        LogLine {
            message: &e.message,
            provider,
            request_id: e.request_id.as_deref(),
            stream: e.stream.as_deref(),
            timestamp: crate::logs::from_unix_ms(e.timestamp_ms)
                .format(&fmt)
                .unwrap_or_default(),
        }
    }
}

/// `fcall status --output json`: where an accepted async invocation stands.
#[derive(Serialize)]
pub struct StatusLine<'a> {
    pub error_message: Option<&'a str>,
    pub function: &'a str,
    pub invocation_id: &'a str,
    pub ok: bool,
    pub profile: &'a str,
    pub provider: &'a str,
    pub result: Option<Cow<'a, str>>,
    pub schema_version: u32,
    pub status: &'a str,
    pub terminal: bool,
}

/// `fcall test --report json`: one case, how it ended, and its envelope.
#[derive(Serialize)]
pub struct TestLine<'a> {
    pub file: &'a str,
    pub name: &'a str,
    pub line: usize,
    pub ok: bool,
    pub exit_code: u8,
    pub time_ms: f64,
    pub reasons: &'a [String],
    /// The case's envelope, when the call produced one.
    pub envelope: Option<&'a RawValue>,
}

/// One object as one line of JSON, newline included. Serialising these structs cannot
/// fail (string keys, plain numbers); should it ever, the line says so as JSON.
pub fn line(value: &impl Serialize) -> Vec<u8> {
    let mut buf = Vec::with_capacity(1024);
    write_line(value, &mut buf);
    buf
}

/// [`line`] appended to `buf`: straight into bytes, no intermediate JSON value.
pub fn write_line(value: &impl Serialize, buf: &mut Vec<u8>) {
    let start = buf.len();
    if let Err(e) = serde_json::to_writer(&mut *buf, value) {
        buf.truncate(start);
        let detail = serde_json::json!({"schema_version": SCHEMA_VERSION, "ok": false,
            "error": {"kind": "internal", "message": format!("cannot write the JSON line: {e}"), "exit_code": 1}});
        buf.extend_from_slice(detail.to_string().as_bytes());
    }
    buf.push(b'\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::{DecodedLog, InvokeSummary};
    use serde_json::json;

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

    fn value(v: &impl Serialize) -> Json {
        serde_json::from_slice(&line(v)).unwrap()
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
            "result_json": result.as_str().and_then(|r| serde_json::from_str::<Json>(r).ok()),
            "result": result,
            "result_encoding": encoding,
            "async_status": async_status,
            "error": Json::Null,
            "provider_details": out.extra,
        })
    }

    /// The error envelope as it was first written (a `json!` map).
    fn reference_error(ctx: &Context, err: &Error) -> Json {
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
            "error": {"kind": err.kind(), "message": err.to_string(), "exit_code": err.code()},
        })
    }

    fn text(v: &Json) -> Vec<u8> {
        let mut s = v.to_string().into_bytes();
        s.push(b'\n');
        s
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
                    assert_eq!(line(&Envelope::new(&ctx, out, status, None)), text(&want));
                    // batch's line and id land where the map would sort them
                    let mut with_line = want.clone();
                    with_line["line"] = json!(7);
                    with_line["id"] = Json::Null;
                    let null = Json::Null;
                    assert_eq!(
                        line(&Envelope::new(&ctx, out, status, Some((7, &null)))),
                        text(&with_line)
                    );
                }
            }
        }
    }

    #[test]
    fn error_envelope_matches_the_reference_byte_for_byte() {
        let ctx = Context {
            provider: "openfaas",
            profile: "of",
            function: "f\"n",
            mode: Mode::Async,
        };
        for err in [
            Error::Usage("bad \"-H\"\n".into()),
            Error::Auth("denied".into()),
            Error::Interrupted,
        ] {
            let want = reference_error(&ctx, &err);
            assert_eq!(line(&ErrorEnvelope::new(&ctx, &err, None)), text(&want));
            let mut with_line = want.clone();
            with_line["line"] = json!(3);
            with_line["id"] = json!("a-1");
            let id = json!("a-1");
            assert_eq!(
                line(&ErrorEnvelope::new(&ctx, &err, Some((3, &id)))),
                text(&with_line)
            );
        }
    }

    #[test]
    fn status_line_matches_the_reference_byte_for_byte() {
        let s = StatusLine {
            error_message: Some("boom"),
            function: "svc/f",
            invocation_id: "job-1",
            ok: false,
            profile: "fc",
            provider: "aliyun",
            result: None,
            schema_version: SCHEMA_VERSION,
            status: "FAILED",
            terminal: true,
        };
        let want = json!({
            "schema_version": SCHEMA_VERSION, "provider": "aliyun", "profile": "fc",
            "function": "svc/f", "invocation_id": "job-1", "status": "FAILED", "terminal": true,
            "ok": false, "error_message": "boom", "result": Json::Null,
        });
        assert_eq!(line(&s), text(&want));
    }

    #[test]
    fn result_json_is_the_result_as_written_when_it_is_json() {
        let ctx = Context {
            provider: "aws",
            profile: "l",
            function: "f",
            mode: Mode::Sync,
        };
        let cases: [(&[u8], Json); 6] = [
            (b"{\"k\": 12345678901234567890123}", json!(null)),
            (b"{\n  \"a\": [1,\r\n 2]\n}\n", json!({"a": [1, 2]})),
            (b"\"text\"", json!("text")),
            (b"hello", Json::Null),
            (b"", Json::Null),
            (&[0xff, b'1'], Json::Null),
        ];
        for (result, want) in cases {
            let mut o = outcome();
            o.result = result.to_vec();
            let text = line(&Envelope::new(&ctx, &o, None, None));
            assert_eq!(text.iter().filter(|b| **b == b'\n').count(), 1, "one line");
            let e: Json = serde_json::from_slice(&text).unwrap();
            if result.starts_with(b"{\"k\"") {
                // big numbers are kept as written, not rounded through f64
                let s = String::from_utf8(text).unwrap();
                assert!(
                    s.contains("\"result_json\":{\"k\": 12345678901234567890123}"),
                    "{s}"
                );
            } else {
                assert_eq!(
                    e["result_json"],
                    want,
                    "{:?}",
                    String::from_utf8_lossy(result)
                );
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
        let e = value(&Envelope::new(&ctx, &outcome(), None, None));
        assert_eq!(e["schema_version"], 1);
        assert_eq!(e["ok"], true);
        assert_eq!(e["result"], "{\"k\":\"v\"}");
        assert_eq!(e["result_encoding"], "utf-8");
        assert_eq!(e["billed_ms"], 2.0);
        assert_eq!(e["log"], "line one\nline two");
        let mut o = outcome();
        o.result = vec![0xff, 0x00];
        let e = value(&Envelope::new(&ctx, &o, None, None));
        assert_eq!(e["result"], "/wA=");
        assert_eq!(e["result_encoding"], "base64");
    }
}
