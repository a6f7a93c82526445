//! Base64 log tails and invocation summaries, from response headers or from a paste.
//!
//! Providers send the end of a function's log base64-encoded in a response header:
//! FunctionGraph's `X-Cff-Function-Log` holds the last 2,000 bytes (one Huawei page says
//! 4 KB), Alibaba FC's `X-Fc-Log-Result` and AWS Lambda's `X-Amz-Log-Result` (`LogResult`
//! in `aws lambda invoke` output) the last 4 KB. The cut is made on bytes, so a tail can
//! begin in the middle of a multi-byte character. FunctionGraph also sends an
//! `X-Cff-Invoke-Summary` JSON with duration, billed duration and memory.
//!
//! Everything here is pure and never panics, whatever the input (property-tested below).

use std::collections::BTreeMap;

use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine as _;
use serde_json::Value;

/// Bytes in FunctionGraph's `X-Cff-Function-Log` tail.
pub const HUAWEI_TAIL_LIMIT: usize = 2000;
/// Bytes in Alibaba Function Compute's `X-Fc-Log-Result` tail.
pub const FC_TAIL_LIMIT: usize = 4096;
/// Bytes in AWS Lambda's `X-Amz-Log-Result` (`LogResult`) tail.
pub const AWS_TAIL_LIMIT: usize = 4096;

/// Header (or JSON field) names that carry a base64 log tail, and the tail limit of each.
const TAIL_HEADERS: [(&str, usize); 4] = [
    ("X-Cff-Function-Log", HUAWEI_TAIL_LIMIT),
    ("X-Fc-Log-Result", FC_TAIL_LIMIT),
    ("X-Amz-Log-Result", AWS_TAIL_LIMIT),
    ("LogResult", AWS_TAIL_LIMIT),
];

/// The standard alphabet with padding optional and stray low bits in the last symbol
/// ignored. URL-safe input is mapped onto this alphabet first (see [`base64_symbols`]).
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// A decoded log tail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedLog {
    /// The log text; invalid UTF-8 sequences (other than a dropped leading fragment) are U+FFFD.
    pub text: String,
    /// How many bytes the base64 decoded to, counting a dropped leading fragment.
    pub bytes: usize,
    /// The provider cut earlier lines: the size reached the tail limit, or the tail began
    /// inside a character.
    pub truncated: bool,
    /// Bytes of a broken leading UTF-8 fragment that were dropped (0 to 3).
    pub dropped_leading: usize,
}

/// Why a pasted or received value could not be decoded. Each message is one line that
/// names what is wrong and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Nothing but whitespace, a header name, quotes or padding.
    #[error("nothing to decode: the value is empty; pass the header value (or the whole header line) as an argument or on stdin")]
    Empty,
    /// A character outside the base64 alphabets, or a length no byte string encodes to.
    #[error("the value is not valid base64 ({detail}): paste the header value itself, complete")]
    InvalidBase64 { detail: String },
    /// Not JSON, or JSON that is not an object.
    #[error("the invoke summary is not a JSON object ({detail}): paste the X-Cff-Invoke-Summary value, e.g. {{\"duration\":1.913,\"memorySize\":128}}")]
    InvalidSummary { detail: String },
    /// Pasted text that is none of the summaries fcall reads (`decode summary`).
    #[error("not a summary fcall reads ({detail}): paste a Lambda REPORT line, Function Compute's `Duration: … Billed Duration: …` line, or an X-Cff-Invoke-Summary JSON object such as {{\"duration\":1.913,\"memorySize\":128}}")]
    UnknownSummary { detail: String },
}

/// A value pasted or piped in that does not decode is bad input (exit 2).
impl From<DecodeError> for crate::error::Error {
    fn from(e: DecodeError) -> Self {
        crate::error::Error::Usage(e.to_string())
    }
}

/// The provider-neutral view of an invocation summary.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct InvokeSummary {
    /// Execution time in milliseconds.
    pub duration_ms: Option<f64>,
    /// Billed time in milliseconds.
    pub billed_ms: Option<f64>,
    /// Configured memory in MB.
    pub memory_limit_mb: Option<f64>,
    /// Memory used in MB.
    pub memory_used_mb: Option<f64>,
    /// Any other keys (e.g. `funcDigest`), and known keys whose value is not a number.
    pub extra: BTreeMap<String, Value>,
}

/// The tail limit a header name implies (case-insensitive): `X-Cff-Function-Log` → 2000,
/// `X-Fc-Log-Result` → 4096, `X-Amz-Log-Result` and `LogResult` → 4096; else `None`.
pub fn tail_limit_for_header(name: &str) -> Option<usize> {
    let name = name.trim();
    TAIL_HEADERS
        .iter()
        .find(|(known, _)| known.eq_ignore_ascii_case(name))
        .map(|&(_, limit)| limit)
}

/// Split a pasted `Header-Name: value` line into `(Some(name), value)`; a bare value gives
/// `(None, value)`.
///
/// Also accepted: a JSON-ish `"LogResult": "...",` line as printed by `aws lambda invoke`
/// (quotes and a trailing comma are removed from both sides) and a `< Name: value` line
/// from `curl -v`. A name is ASCII letters, digits, `-` and `_`, so a bare JSON object
/// such as an invoke summary is never split.
pub fn split_header_line(input: &str) -> (Option<&str>, &str) {
    let line = input.trim();
    let unprompted = line.strip_prefix('<').map_or(line, str::trim_start);
    if let Some((head, rest)) = unprompted.split_once(':') {
        let name = unquote(head);
        if is_header_name(name) {
            return (Some(name), unquote(rest));
        }
    }
    (None, unquote(line))
}

/// Decode a base64 log tail, pasted or received.
///
/// Tolerates surrounding and embedded whitespace and line breaks, missing or extra `=`
/// padding, the URL-safe alphabet, and a whole header line (see [`split_header_line`])
/// whose name, when known, sets the tail limit unless `limit` is given. The bytes are
/// then read as by [`log_from_bytes`].
pub fn decode_log(input: &str, limit: Option<usize>) -> Result<DecodedLog, DecodeError> {
    let (name, value) = split_header_line(input);
    let limit = limit.or_else(|| name.and_then(tail_limit_for_header));
    let symbols = base64_symbols(value);
    if symbols.is_empty() {
        return Err(DecodeError::Empty);
    }
    let bytes = LENIENT
        .decode(&symbols)
        .map_err(|e| base64_error(e, value))?;
    drop(symbols);
    Ok(log_from_bytes(&bytes, limit))
}

/// Read the bytes of a log tail (already decoded from base64) as text.
///
/// The provider cuts bytes, not characters, so the tail can begin inside a UTF-8
/// character: up to 3 leading continuation bytes are dropped. More than 3 cannot be a cut
/// character, so they are kept and shown as U+FFFD like any other invalid sequence.
/// `truncated` is set when the size reaches `limit` or a leading fragment was dropped.
pub fn log_from_bytes(bytes: &[u8], limit: Option<usize>) -> DecodedLog {
    let continuation = bytes
        .iter()
        .take(4)
        .take_while(|&&b| b & 0b1100_0000 == 0b1000_0000)
        .count();
    let dropped_leading = if continuation <= 3 { continuation } else { 0 };
    DecodedLog {
        text: String::from_utf8_lossy(&bytes[dropped_leading..]).into_owned(),
        bytes: bytes.len(),
        truncated: dropped_leading > 0 || limit.is_some_and(|limit| bytes.len() >= limit),
        dropped_leading,
    }
}

/// Parse an `X-Cff-Invoke-Summary` JSON object, bare or as a header line.
///
/// `duration`, `billingDuration`, `memorySize` and `memoryUsed` fill the known fields;
/// their numbers may also arrive as strings (`"7.894"`). Other keys, and known keys whose
/// value is not a finite number, are kept in [`InvokeSummary::extra`].
pub fn parse_cff_summary(input: &str) -> Result<InvokeSummary, DecodeError> {
    let (_, value) = split_header_line(input);
    if value.is_empty() {
        return Err(DecodeError::Empty);
    }
    let fields = match serde_json::from_str(value) {
        Ok(Value::Object(fields)) => fields,
        Ok(other) => {
            return Err(DecodeError::InvalidSummary {
                detail: format!("found {} instead", json_kind(&other)),
            })
        }
        Err(e) => {
            return Err(DecodeError::InvalidSummary {
                detail: e.to_string(),
            })
        }
    };
    let mut summary = InvokeSummary::default();
    for (key, value) in fields {
        let slot = match key.as_str() {
            "duration" => &mut summary.duration_ms,
            "billingDuration" => &mut summary.billed_ms,
            "memorySize" => &mut summary.memory_limit_mb,
            "memoryUsed" => &mut summary.memory_used_mb,
            _ => {
                summary.extra.insert(key, value);
                continue;
            }
        };
        match as_number(&value) {
            Some(number) => *slot = Some(number),
            None => {
                summary.extra.insert(key, value);
            }
        }
    }
    Ok(summary)
}

/// The summary in AWS Lambda's last `REPORT` line of `log`, e.g.
/// `REPORT RequestId: 8f5…\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\tInit Duration: 150.12 ms`.
///
/// The fields may be separated by tabs (as Lambda writes them) or by spaces (as a paste
/// may have them). Duration, billed duration, memory size and max memory used fill the
/// known fields; any other field goes to `extra` in snake case with its unit
/// (`init_duration_ms`), as a number when it is one. `None` when there is no REPORT line
/// (the tail was cut before it, or the log is not Lambda's).
pub fn parse_lambda_report(log: &str) -> Option<InvokeSummary> {
    let line = log.lines().rev().find_map(|l| {
        let l = l.trim_start();
        l.strip_prefix("REPORT ")
            .or_else(|| (l.starts_with('{') && l.contains("platform.report")).then_some(l))
    })?;
    if line.starts_with('{') {
        return json_report(line);
    }
    Some(report_fields(line))
}

/// Where Function Compute's runtime ends a request's log: `FC Invoke End RequestId: ID`.
const FC_END: &str = "FC Invoke End RequestId: ";

/// The figures Function Compute writes at the end of a request's log, the last ones in
/// `log`: after `FC Invoke End RequestId: ID` come (on the next line, or the one after a
/// blank line; some runtimes put them on the same line after a comma)
/// `Duration: 2.96 ms, Billed Duration: 3 ms, Memory Size: 128 MB, Max Memory Used: 10.83 MB`.
///
/// The fields fill the summary as [`parse_lambda_report`]'s do, and the request id, when
/// an end line names it, goes to `extra` as `request_id`. `None` when the log holds no
/// such line (the tail was cut before it, or the log is not Function Compute's).
pub fn parse_fc_report(log: &str) -> Option<InvokeSummary> {
    let lines: Vec<&str> = log.lines().map(str::trim).collect();
    let id_of = |end: &str| {
        let id = end.split(',').next().unwrap_or("").trim();
        (!id.is_empty()).then(|| id.to_string())
    };
    for (i, line) in lines.iter().enumerate().rev() {
        let (id, fields) = match line.strip_prefix(FC_END) {
            Some(rest) => match rest.split_once(',') {
                Some((id, fields)) => (id_of(id), fields.trim()),
                None => continue,
            },
            None if line.starts_with("Duration:") => {
                let above = lines[..i].iter().rev().find(|l| !l.is_empty());
                (
                    above.and_then(|l| l.strip_prefix(FC_END)).and_then(id_of),
                    *line,
                )
            }
            None => continue,
        };
        if !fields.starts_with("Duration:") || !fields.contains("Billed Duration:") {
            continue;
        }
        let mut summary = report_fields(&fields.replace(',', " "));
        if let Some(id) = id {
            summary.extra.insert("request_id".into(), Value::String(id));
        }
        return Some(summary);
    }
    None
}

/// A summary from any of the forms a person may paste: a Lambda `REPORT` line (or a log
/// holding one), Function Compute's `Duration: … Billed Duration: …` line (or a log
/// holding one), or an `X-Cff-Invoke-Summary` JSON object (bare or as a header line).
pub fn parse_summary_text(input: &str) -> Result<InvokeSummary, DecodeError> {
    if let Some(report) = parse_lambda_report(input) {
        return Ok(report);
    }
    if let Some(report) = parse_fc_report(input) {
        return Ok(report);
    }
    parse_cff_summary(input).map_err(|e| match e {
        DecodeError::InvalidSummary { detail } => DecodeError::UnknownSummary { detail },
        other => other,
    })
}

/// The `Name: value [unit]` fields of a report line (Lambda's REPORT line after `REPORT `,
/// Function Compute's figures with their commas made spaces), separated by tabs or spaces.
fn report_fields(line: &str) -> InvokeSummary {
    let mut summary = InvokeSummary::default();
    let mut tokens = line.split_whitespace().peekable();
    let mut label: Vec<&str> = Vec::new();
    while let Some(token) = tokens.next() {
        let Some(word) = token.strip_suffix(':') else {
            label.push(token);
            continue;
        };
        label.push(word);
        let name = label.join(" ");
        label.clear();
        let Some(value) = tokens.next() else { break };
        let number = value.parse::<f64>().ok().filter(|n| n.is_finite());
        let unit = match (number, tokens.peek()) {
            (Some(_), Some(&u)) if u == "ms" || u == "MB" => tokens.next(),
            _ => None,
        };
        let slot = match name.as_str() {
            "Duration" => Some(&mut summary.duration_ms),
            "Billed Duration" => Some(&mut summary.billed_ms),
            "Memory Size" => Some(&mut summary.memory_limit_mb),
            "Max Memory Used" => Some(&mut summary.memory_used_mb),
            _ => None,
        };
        match (slot, number) {
            (Some(slot), Some(n)) => *slot = Some(n),
            _ => {
                let mut key = match name.as_str() {
                    "RequestId" => "request_id".to_string(),
                    _ => name.to_ascii_lowercase().replace(' ', "_"),
                };
                if let Some(u) = unit {
                    key = format!("{key}_{}", u.to_ascii_lowercase());
                }
                let value = match number {
                    Some(n) if n.fract() == 0.0 && n.abs() < 1e15 => Value::from(n as i64),
                    Some(n) => serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number),
                    None => Value::String(value.to_string()),
                };
                summary.extra.insert(key, value);
            }
        }
    }
    summary
}

/// The `platform.report` record a function with Lambda's JSON log format writes instead of
/// the REPORT line: `{"type":"platform.report","record":{"metrics":{"durationMs":…}}}`.
fn json_report(line: &str) -> Option<InvokeSummary> {
    let v: Value = serde_json::from_str(line).ok()?;
    if v.get("type")?.as_str()? != "platform.report" {
        return None;
    }
    let record = v.get("record")?;
    let mut summary = InvokeSummary::default();
    if let Some(Value::Object(metrics)) = record.get("metrics") {
        for (key, value) in metrics {
            let slot = match key.as_str() {
                "durationMs" => &mut summary.duration_ms,
                "billedDurationMs" => &mut summary.billed_ms,
                "memorySizeMB" => &mut summary.memory_limit_mb,
                "maxMemoryUsedMB" => &mut summary.memory_used_mb,
                "initDurationMs" => {
                    summary
                        .extra
                        .insert("init_duration_ms".into(), value.clone());
                    continue;
                }
                _ => {
                    summary.extra.insert(key.clone(), value.clone());
                    continue;
                }
            };
            *slot = as_number(value);
        }
    }
    for key in ["requestId", "status"] {
        if let Some(value) = record.get(key) {
            let key = if key == "requestId" {
                "request_id"
            } else {
                key
            };
            summary.extra.insert(key.into(), value.clone());
        }
    }
    Some(summary)
}

/// A key of [`InvokeSummary::extra`] in words, and the unit its name ends with:
/// `init_duration_ms` → (`init duration`, `ms`), `request_id` → `request id`,
/// `restoreDurationMs` → (`restore duration`, `ms`), `funcDigest` → `function digest`.
pub fn human_name(key: &str) -> (String, Option<&'static str>) {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        let boundary = c == '_' || c == '-' || c == ' ' || (c.is_uppercase() && prev_lower);
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if c != '_' && c != '-' && c != ' ' {
            word.extend(c.to_lowercase());
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
    }
    if !word.is_empty() {
        words.push(word);
    }
    let unit = match words.last().map(String::as_str) {
        Some("ms") if words.len() > 1 => Some("ms"),
        Some("mb") if words.len() > 1 => Some("MB"),
        _ => None,
    };
    if unit.is_some() {
        words.pop();
    }
    if words.first().map(String::as_str) == Some("func") {
        words[0] = "function".into();
    }
    match words.is_empty() {
        true => (key.to_string(), None),
        false => (words.join(" "), unit),
    }
}

/// Human rendering for `fcall decode summary`: one `label: value unit` line per known
/// field, e.g. `memory used: 64.39 MB of 128 MB (50.3%)`, then the extra keys in words
/// with their units (`init duration: 118.45 ms`, [`human_name`]). Every line ends with
/// `\n`; none has trailing spaces. Strings that would be ambiguous on one line (empty,
/// padded, control characters) are JSON-quoted.
pub fn render_summary(s: &InvokeSummary) -> String {
    let mut lines = Vec::new();
    if let Some(duration) = s.duration_ms {
        lines.push(format!("duration: {} ms", decimal(duration, 3)));
    }
    if let Some(billed) = s.billed_ms {
        lines.push(format!("billed duration: {} ms", decimal(billed, 3)));
    }
    match (s.memory_used_mb, s.memory_limit_mb) {
        (Some(used), limit) => {
            let mut line = format!("memory used: {} MB", decimal(used, 2));
            if let Some(limit) = limit {
                line += &format!(" of {} MB", decimal(limit, 2));
                if limit > 0.0 {
                    line += &format!(" ({}%)", decimal(used / limit * 100.0, 1));
                }
            }
            lines.push(line);
        }
        (None, Some(limit)) => lines.push(format!("memory limit: {} MB", decimal(limit, 2))),
        (None, None) => {}
    }
    for (key, value) in &s.extra {
        let (name, unit) = human_name(key);
        let value = match (value, unit) {
            (Value::Number(n), Some(unit)) => match n.as_f64() {
                Some(x) => format!("{} {unit}", decimal(x, 3)),
                None => format!("{n} {unit}"),
            },
            (Value::String(text), _) => one_line(text),
            (other, _) => other.to_string(),
        };
        lines.push(format!("{}: {value}", one_line(&name)));
    }
    lines.into_iter().map(|line| line + "\n").collect()
}

/// `value` without surrounding whitespace, a trailing comma, and one pair of matching
/// quotes, as found in JSON output.
fn unquote(value: &str) -> &str {
    let value = value.trim();
    let value = value.strip_suffix(',').map_or(value, str::trim_end);
    ['"', '\'']
        .into_iter()
        .find_map(|q| value.strip_prefix(q)?.strip_suffix(q))
        .unwrap_or(value)
}

/// Whether `name` can be a header (or JSON field) name: ASCII letters, digits, `-`, `_`.
fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The base64 symbols of `value`, ready for [`LENIENT`], and the origin of each: its
/// 1-based character position in `value` and the character itself, so that an engine
/// error can name what the user pasted.
///
/// Whitespace anywhere is skipped, trailing `=` padding (any amount) is dropped, and the
/// URL-safe `-` and `_` become `+` and `/`.
fn base64_symbols(value: &str) -> Vec<u8> {
    // one byte per symbol: where a bad one was pasted is found again only on error, so that
    // a large input costs its size, not sixteen times that
    let mut symbols = Vec::with_capacity(value.len());
    for ch in value.chars().filter(|c| !c.is_whitespace()) {
        symbols.push(match ch {
            '-' => b'+',
            '_' => b'/',
            // One ASCII byte per character; anything else is outside every base64 alphabet,
            // and 0xFF stands in for it so the engine reports it at the right place.
            _ => u8::try_from(ch).ok().filter(u8::is_ascii).unwrap_or(0xFF),
        });
    }
    while symbols.last() == Some(&b'=') {
        symbols.pop();
    }
    symbols
}

/// The character of `value` behind symbol `offset`, and its 1-based position as pasted.
fn origin(value: &str, offset: usize) -> Option<(usize, char)> {
    value
        .chars()
        .enumerate()
        .filter(|(_, c)| !c.is_whitespace())
        .nth(offset)
        .map(|(i, c)| (i + 1, c))
}

/// Turn an engine error into a [`DecodeError`] naming the character as pasted.
fn base64_error(error: base64::DecodeError, value: &str) -> DecodeError {
    let detail = match error {
        base64::DecodeError::InvalidByte(offset, _) => match origin(value, offset) {
            Some((position, ch)) => format!("bad character {ch:?} at position {position}"),
            None => error.to_string(),
        },
        base64::DecodeError::InvalidLength(symbols) => format!(
            "{symbols} base64 characters cannot encode whole bytes, so one is missing or extra"
        ),
        // Padding and trailing bits are tolerated by LENIENT; kept for completeness.
        other => other.to_string(),
    };
    DecodeError::InvalidBase64 { detail }
}

/// A finite number from a JSON number or a numeric string such as `"7.894"`.
fn as_number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
    .filter(|number: &f64| number.is_finite())
}

/// What a non-object JSON value is, for an error message.
fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `x` with at most `places` decimals and no trailing zeros: 64.390625 → `64.39`, 128.0 → `128`.
fn decimal(x: f64, places: usize) -> String {
    let text = format!("{x:.places$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// `text` as is when it reads unambiguously on one line; JSON-quoted otherwise.
fn one_line(text: &str) -> String {
    let plain = !text.is_empty() && text.trim() == text && !text.chars().any(char::is_control);
    if plain {
        text.to_string()
    } else {
        Value::from(text).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambda_report_lines_parse_with_tabs_or_spaces() {
        let log = "START RequestId: r1 Version: $LATEST\nhello\nEND RequestId: r1\nREPORT RequestId: r1\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\tInit Duration: 150.12 ms\t\n";
        let s = parse_lambda_report(log).unwrap();
        assert_eq!(s.duration_ms, Some(1.23));
        assert_eq!(s.billed_ms, Some(2.0));
        assert_eq!(s.memory_limit_mb, Some(128.0));
        assert_eq!(s.memory_used_mb, Some(64.0));
        assert_eq!(s.extra["init_duration_ms"], serde_json::json!(150.12));
        assert_eq!(s.extra["request_id"], serde_json::json!("r1"));
        let pasted = "REPORT RequestId: r2 Duration: 9 ms Billed Duration: 10 ms Memory Size: 256 MB Max Memory Used: 70 MB Status: timeout";
        let s = parse_lambda_report(pasted).unwrap();
        assert_eq!((s.duration_ms, s.billed_ms), (Some(9.0), Some(10.0)));
        assert_eq!(s.extra["status"], serde_json::json!("timeout"));
        assert!(parse_lambda_report("no report here\n").is_none());
        // Lambda's JSON log format
        let json = r#"{"time":"2024-01-02T03:04:05Z","type":"platform.report","record":{"requestId":"r4","metrics":{"durationMs":3.5,"billedDurationMs":4,"memorySizeMB":256,"maxMemoryUsedMB":80,"initDurationMs":120.5},"status":"success"}}"#;
        let s = parse_lambda_report(&format!("{{\"type\":\"platform.start\"}}\n{json}\n")).unwrap();
        assert_eq!((s.duration_ms, s.billed_ms), (Some(3.5), Some(4.0)));
        assert_eq!(
            (s.memory_limit_mb, s.memory_used_mb),
            (Some(256.0), Some(80.0))
        );
        assert_eq!(s.extra["init_duration_ms"], serde_json::json!(120.5));
        assert_eq!(s.extra["status"], serde_json::json!("success"));
        // a cut line keeps what it has
        let s = parse_lambda_report("REPORT RequestId: r3\tDuration: 4").unwrap();
        assert_eq!(s.duration_ms, Some(4.0));
        // the last REPORT wins
        let two = "REPORT RequestId: a\tDuration: 1 ms\nREPORT RequestId: b\tDuration: 2 ms\n";
        assert_eq!(parse_lambda_report(two).unwrap().duration_ms, Some(2.0));
    }
    use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
    use proptest::prelude::*;

    /// A log of at least `bytes` bytes, full of 2- and 3-byte characters, whose last line
    /// ends with `pad` spaces (to move where a byte cut falls).
    fn multibyte_log(bytes: usize, pad: usize) -> String {
        let mut log = String::new();
        for n in 1.. {
            log.push_str(&format!(
                "2024-01-02T03:04:05Z INFO 日志 línea {n} données é ✓\n"
            ));
            if log.len() >= bytes {
                break;
            }
        }
        log + &" ".repeat(pad)
    }

    fn ok(input: &str, limit: Option<usize>) -> DecodedLog {
        decode_log(input, limit).unwrap_or_else(|e| panic!("{input:?}: {e}"))
    }

    fn err(input: &str) -> String {
        let e = decode_log(input, None).expect_err(input);
        let message = e.to_string();
        assert!(!message.contains('\n'), "{message}");
        message
    }

    #[test]
    fn plain_value() {
        let log = ok("aGVsbG8gd29ybGQ=", None);
        assert_eq!(
            log,
            DecodedLog {
                text: "hello world".into(),
                bytes: 11,
                truncated: false,
                dropped_leading: 0
            }
        );
    }

    #[test]
    fn tolerates_surrounding_and_embedded_whitespace() {
        let text = "START RequestId: 1\nhello\nEND RequestId: 1\n";
        let encoded = STANDARD.encode(text);
        let (a, b) = encoded.split_at(10);
        let (b, c) = b.split_at(7);
        for input in [
            format!("  {encoded}\n"),
            format!("\t{a}\n{b}\r\n {c} \n"),
            format!("{a} {b}\u{a0}{c}"),
        ] {
            assert_eq!(ok(&input, None).text, text, "{input:?}");
        }
    }

    #[test]
    fn tolerates_missing_and_extra_padding() {
        for (input, text) in [
            ("aGk", "hi"),
            ("aGk=", "hi"),
            ("aGk==", "hi"),
            ("aGk= = =", "hi"),
            ("aA", "h"),
            ("aA=", "h"),
            ("aA==", "h"),
            ("aGVsbG8", "hello"),
            ("aGVsbG8===", "hello"),
        ] {
            assert_eq!(ok(input, None).text, text, "{input:?}");
        }
    }

    #[test]
    fn tolerates_the_url_safe_alphabet() {
        let text = "日志 é ~~~ ??? >>>";
        let standard = STANDARD.encode(text);
        let url_safe = URL_SAFE_NO_PAD.encode(text);
        assert!(
            standard.contains('+') && standard.contains('/'),
            "{standard}"
        );
        assert!(
            url_safe.contains('-') && url_safe.contains('_'),
            "{url_safe}"
        );
        assert_eq!(ok(&url_safe, None).text, text);
        assert_eq!(ok(&standard, None).text, text);
    }

    #[test]
    fn tolerates_a_whole_header_line() {
        let encoded = STANDARD.encode("line one\nline two\n");
        for input in [
            format!("X-Cff-Function-Log: {encoded}"),
            format!("x-fc-log-result:{encoded}\r\n"),
            format!("< x-amz-log-result: {encoded}"),
            format!("    \"LogResult\": \"{encoded}\",\n"),
            format!("'{encoded}'"),
        ] {
            assert_eq!(ok(&input, None).text, "line one\nline two\n", "{input:?}");
        }
    }

    #[test]
    fn header_name_sets_the_limit_unless_one_is_given() {
        let bytes = "x".repeat(HUAWEI_TAIL_LIMIT);
        let encoded = STANDARD.encode(&bytes);
        assert!(ok(&format!("X-Cff-Function-Log: {encoded}"), None).truncated);
        assert!(!ok(&format!("X-Fc-Log-Result: {encoded}"), None).truncated);
        assert!(!ok(&format!("X-Cff-Function-Log: {encoded}"), Some(4096)).truncated);
        assert!(ok(&format!("X-Other: {encoded}"), Some(HUAWEI_TAIL_LIMIT)).truncated);
        assert!(!ok(&format!("X-Other: {encoded}"), None).truncated);
        assert!(!ok(&encoded, None).truncated);
    }

    #[test]
    fn tail_limits_by_header_name() {
        assert_eq!(tail_limit_for_header("X-Cff-Function-Log"), Some(2000));
        assert_eq!(tail_limit_for_header("x-cff-function-log"), Some(2000));
        assert_eq!(tail_limit_for_header("X-FC-LOG-RESULT"), Some(4096));
        assert_eq!(tail_limit_for_header("X-Amz-Log-Result"), Some(4096));
        assert_eq!(tail_limit_for_header("logResult"), Some(4096));
        assert_eq!(tail_limit_for_header("X-Cff-Invoke-Summary"), None);
        assert_eq!(tail_limit_for_header(""), None);
    }

    #[test]
    fn splits_header_lines_and_leaves_bare_values() {
        assert_eq!(split_header_line("aGk="), (None, "aGk="));
        assert_eq!(
            split_header_line(" X-Fc-Log-Result:  aGk= \n"),
            (Some("X-Fc-Log-Result"), "aGk=")
        );
        assert_eq!(
            split_header_line(r#"  "LogResult": "aGk=","#),
            (Some("LogResult"), "aGk=")
        );
        assert_eq!(
            split_header_line("< x-cff-function-log: aGk="),
            (Some("x-cff-function-log"), "aGk=")
        );
        let summary = r#"{"duration":1.913,"memorySize":128}"#;
        assert_eq!(split_header_line(summary), (None, summary));
        assert_eq!(split_header_line("not a name: x"), (None, "not a name: x"));
        assert_eq!(split_header_line("\""), (None, "\""));
    }

    #[test]
    fn tail_cut_in_the_middle_of_a_character() {
        let mut dropped = Vec::new();
        // One pass per byte of a log line, so the cut falls on every byte of it.
        for pad in 0..64 {
            let log = multibyte_log(3 * HUAWEI_TAIL_LIMIT, pad);
            let tail = &log.as_bytes()[log.len() - HUAWEI_TAIL_LIMIT..];
            let header = format!("X-Cff-Function-Log: {}", STANDARD.encode(tail));
            let decoded = ok(&header, None);
            assert_eq!(decoded.bytes, HUAWEI_TAIL_LIMIT);
            assert!(decoded.truncated);
            assert!(!decoded.text.contains('\u{FFFD}'), "pad {pad}");
            assert_eq!(
                decoded.text.len(),
                HUAWEI_TAIL_LIMIT - decoded.dropped_leading
            );
            assert!(log.ends_with(&decoded.text), "pad {pad}");
            dropped.push(decoded.dropped_leading);
        }
        // Cuts fell on boundaries, after the first byte of a character and after the second.
        for n in 0..=2 {
            assert!(dropped.contains(&n), "{dropped:?}");
        }
    }

    #[test]
    fn drops_one_two_or_three_continuation_bytes() {
        let text = "😀 ok";
        for cut in 1..=3 {
            let log = log_from_bytes(&text.as_bytes()[cut..], None);
            assert_eq!((log.text.as_str(), log.dropped_leading), (" ok", 4 - cut));
            assert!(log.truncated);
        }
    }

    #[test]
    fn more_than_three_continuation_bytes_are_not_a_cut_character() {
        let log = log_from_bytes(b"\x80\x80\x80\x80ok", None);
        assert_eq!(log.dropped_leading, 0);
        assert_eq!(log.text, "\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}ok");
        assert!(!log.truncated);
    }

    #[test]
    fn invalid_sequences_elsewhere_become_replacement_characters() {
        let log = log_from_bytes(b"a\xffb\xe6\x97", None);
        assert_eq!(log.text, "a\u{FFFD}b\u{FFFD}");
        assert_eq!((log.dropped_leading, log.truncated), (0, false));
    }

    #[test]
    fn truncation_flag_at_exactly_the_limit() {
        for (header, limit) in [
            ("X-Cff-Function-Log", HUAWEI_TAIL_LIMIT),
            ("X-Fc-Log-Result", FC_TAIL_LIMIT),
            ("X-Amz-Log-Result", AWS_TAIL_LIMIT),
        ] {
            for (size, truncated) in [(limit - 1, false), (limit, true)] {
                let line = format!("{header}: {}", STANDARD.encode("a".repeat(size)));
                let log = ok(&line, None);
                assert_eq!(
                    (log.bytes, log.truncated),
                    (size, truncated),
                    "{header} {size}"
                );
                let log = log_from_bytes("a".repeat(size).as_bytes(), Some(limit));
                assert_eq!(log.truncated, truncated, "{header} {size}");
            }
        }
    }

    #[test]
    fn invalid_character_is_named_with_its_position() {
        assert_eq!(
            err("aGVsbG8!d29ybGQ="),
            "the value is not valid base64 (bad character '!' at position 8): paste the header value itself, complete"
        );
        assert!(err("X-Cff-Function-Log: aGV€sbG8").contains("bad character '€' at position 4"));
        assert!(err("aGV!b").contains("bad character '!' at position 4"));
        assert!(err("QQ==QQ==").contains("bad character '=' at position 3"));
        assert!(err("{\"duration\":1}").contains("bad character '{' at position 1"));
    }

    #[test]
    fn impossible_length_is_reported() {
        assert!(err("aGVsb").contains("5 base64 characters cannot encode whole bytes"));
    }

    #[test]
    fn empty_input_is_an_error() {
        for input in [
            "",
            "  \n\t",
            "X-Cff-Function-Log:",
            "\"LogResult\": \"\",",
            "==",
        ] {
            assert_eq!(
                decode_log(input, None),
                Err(DecodeError::Empty),
                "{input:?}"
            );
        }
        assert_eq!(parse_cff_summary(" "), Err(DecodeError::Empty));
        assert!(!DecodeError::Empty.to_string().contains('\n'));
    }

    const DOCUMENTED: &str = r#"{"funcDigest":"*****","duration":7.894,"billingDuration":100,"memorySize":128,"memoryUsed":64.390625}"#;

    #[test]
    fn summary_documented_example() {
        let s = parse_cff_summary(DOCUMENTED).unwrap();
        assert_eq!(s.duration_ms, Some(7.894));
        assert_eq!(s.billed_ms, Some(100.0));
        assert_eq!(s.memory_limit_mb, Some(128.0));
        assert_eq!(s.memory_used_mb, Some(64.390625));
        assert_eq!(s.extra.len(), 1);
        assert_eq!(s.extra["funcDigest"], "*****");
        let line = format!("X-Cff-Invoke-Summary: {DOCUMENTED}");
        assert_eq!(parse_cff_summary(&line).unwrap(), s);
    }

    #[test]
    fn summary_numbers_may_be_strings() {
        let s = parse_cff_summary(
            r#"{"duration":"1.913","billingDuration":" 2 ","memorySize":"128","memoryUsed":41.51171875}"#,
        )
        .unwrap();
        assert_eq!(
            (
                s.duration_ms,
                s.billed_ms,
                s.memory_limit_mb,
                s.memory_used_mb
            ),
            (Some(1.913), Some(2.0), Some(128.0), Some(41.51171875))
        );
        assert!(s.extra.is_empty());
    }

    #[test]
    fn summary_keeps_non_numeric_known_keys_in_extra() {
        let s = parse_cff_summary(r#"{"duration":"fast","memoryUsed":null,"memorySize":"NaN"}"#)
            .unwrap();
        assert_eq!(
            (s.duration_ms, s.memory_used_mb, s.memory_limit_mb),
            (None, None, None)
        );
        assert_eq!(s.extra["duration"], "fast");
        assert_eq!(s.extra["memoryUsed"], Value::Null);
        assert_eq!(s.extra["memorySize"], "NaN");
    }

    #[test]
    fn summary_garbage_is_an_error() {
        for (input, detail) in [
            ("not json", "expected ident"),
            (r#"{"duration":"#, "EOF"),
            ("[1,2]", "found an array instead"),
            ("42", "found a number instead"),
            ("aGk=", "expected value"),
        ] {
            let e = parse_cff_summary(input).expect_err(input);
            assert!(matches!(e, DecodeError::InvalidSummary { .. }), "{input:?}");
            let message = e.to_string();
            assert!(message.contains(detail), "{input:?}: {message}");
            assert!(
                message.starts_with("the invoke summary is not a JSON object ("),
                "{message}"
            );
            assert!(!message.contains('\n'), "{message}");
        }
    }

    #[test]
    fn render_documented_example() {
        let s = parse_cff_summary(DOCUMENTED).unwrap();
        assert_eq!(
            render_summary(&s),
            "duration: 7.894 ms\n\
             billed duration: 100 ms\n\
             memory used: 64.39 MB of 128 MB (50.3%)\n\
             function digest: *****\n"
        );
    }

    const FC_LOG: &str = "FC Invoke Start RequestId: 1-65dd\n2024-02-27T08:35:26Z 1-65dd [INFO] hi\nFC Invoke End RequestId: 1-65dd\n\nDuration: 2.96 ms, Billed Duration: 3 ms, Memory Size: 128 MB, Max Memory Used: 10.83 MB\n";

    #[test]
    fn fc_figures_after_the_end_line_or_on_it() {
        let s = parse_fc_report(FC_LOG).unwrap();
        assert_eq!(
            (
                s.duration_ms,
                s.billed_ms,
                s.memory_limit_mb,
                s.memory_used_mb
            ),
            (Some(2.96), Some(3.0), Some(128.0), Some(10.83))
        );
        assert_eq!(s.extra["request_id"], "1-65dd");
        assert_eq!(s.extra.len(), 1);
        // on the end line itself, after a comma
        let same = parse_fc_report("FC Invoke End RequestId: r9, Duration: 7.94 ms, Billed Duration: 8 ms, Memory Size: 512 MB, Max Memory Used: 28.96 MB").unwrap();
        assert_eq!((same.duration_ms, same.billed_ms), (Some(7.94), Some(8.0)));
        assert_eq!(same.extra["request_id"], "r9");
        // the line alone, as pasted: no request id
        let alone = parse_fc_report("Duration: 117.00 ms, Billed Duration: 117 ms, Memory Size: 128 MB, Max Memory Used: 37.05 MB").unwrap();
        assert_eq!(
            (alone.duration_ms, alone.memory_used_mb),
            (Some(117.0), Some(37.05))
        );
        assert!(alone.extra.is_empty());
        // the last request's figures win
        let two = format!("{FC_LOG}FC Invoke End RequestId: 2-aa\nDuration: 1.5 ms, Billed Duration: 2 ms, Memory Size: 256 MB, Max Memory Used: 9 MB\n");
        assert_eq!(parse_fc_report(&two).unwrap().extra["request_id"], "2-aa");
        for none in [
            "",
            "FC Invoke End RequestId: r1\n",
            "Duration: 3 ms\n",
            "a log line: Duration: 3 ms, Billed Duration: 3 ms",
        ] {
            assert_eq!(parse_fc_report(none), None, "{none:?}");
        }
    }

    #[test]
    fn summary_text_in_any_form() {
        let lambda = "REPORT RequestId: r1\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\tInit Duration: 150.12 ms";
        assert_eq!(parse_summary_text(lambda).unwrap().duration_ms, Some(1.23));
        assert_eq!(parse_summary_text(FC_LOG).unwrap().duration_ms, Some(2.96));
        assert_eq!(
            parse_summary_text(DOCUMENTED).unwrap().duration_ms,
            Some(7.894)
        );
        let e = parse_summary_text("Duration: fast")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("not a summary fcall reads ("), "{e}");
        assert!(
            e.contains("REPORT") && e.contains("Billed Duration") && !e.contains('\n'),
            "{e}"
        );
        assert_eq!(parse_summary_text("  "), Err(DecodeError::Empty));
    }

    #[test]
    fn extra_keys_read_as_words_with_their_units() {
        for (key, name, unit) in [
            ("init_duration_ms", "init duration", Some("ms")),
            ("restoreDurationMs", "restore duration", Some("ms")),
            ("request_id", "request id", None),
            ("funcDigest", "function digest", None),
            ("status", "status", None),
            ("ms", "ms", None),
            ("_", "_", None),
        ] {
            assert_eq!(human_name(key), (name.to_string(), unit), "{key}");
        }
        let lambda = "REPORT RequestId: r1\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\tInit Duration: 150.12 ms";
        assert_eq!(
            render_summary(&parse_lambda_report(lambda).unwrap()),
            "duration: 1.23 ms\nbilled duration: 2 ms\nmemory used: 64 MB of 128 MB (50%)\ninit duration: 150.12 ms\nrequest id: r1\n"
        );
    }

    #[test]
    fn render_partial_summaries_and_awkward_extras() {
        let s = parse_cff_summary(
            r#"{"memorySize":256,"note":"","tag":" padded ","multi":"a\nb","n":3,"list":[1,"x"]}"#,
        )
        .unwrap();
        assert_eq!(
            render_summary(&s),
            "memory limit: 256 MB\n\
             list: [1,\"x\"]\n\
             multi: \"a\\nb\"\n\
             n: 3\n\
             note: \"\"\n\
             tag: \" padded \"\n"
        );
        let used_only = InvokeSummary {
            memory_used_mb: Some(41.5),
            ..Default::default()
        };
        assert_eq!(render_summary(&used_only), "memory used: 41.5 MB\n");
        assert_eq!(render_summary(&InvokeSummary::default()), "");
    }

    /// Strings of any characters, control characters included (`any::<String>()` has none).
    fn any_text(max: usize) -> impl Strategy<Value = String> {
        prop::collection::vec(any::<char>(), 0..max).prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        #[test]
        fn lambda_report_never_panics(input in prop_oneof![any_text(200), "(REPORT |Duration: |ms |MB |[0-9. \t\n])*"]) {
            let _ = parse_lambda_report(&input);
        }

        #[test]
        fn decode_log_never_panics(
            input in prop_oneof![any_text(200), "[A-Za-z0-9+/=_ \n:\"<-]{0,200}"],
            limit in prop::option::of(0usize..5000),
        ) {
            if let Err(e) = decode_log(&input, limit) {
                prop_assert!(!e.to_string().contains('\n'));
            }
        }

        #[test]
        fn log_from_bytes_never_panics(
            bytes in prop::collection::vec(any::<u8>(), 0..5000),
            limit in prop::option::of(0usize..5000),
        ) {
            let log = log_from_bytes(&bytes, limit);
            prop_assert_eq!(log.bytes, bytes.len());
            prop_assert!(log.dropped_leading <= 3);
        }

        #[test]
        fn split_header_line_never_panics(input in prop_oneof![any_text(200), "[ <\"'A-Za-z:,-]{0,40}"]) {
            let (name, value) = split_header_line(&input);
            prop_assert!(input.contains(value));
            if let Some(name) = name {
                prop_assert!(is_header_name(name) && input.contains(name));
            }
        }

        #[test]
        fn parse_cff_summary_never_panics(
            input in prop_oneof![any_text(200), r#"\{("[a-zA-Z]{1,12}":("[0-9.]{0,6}"|[0-9.e-]{1,8}|null|true),?){0,5}\}"#],
        ) {
            if let Ok(summary) = parse_cff_summary(&input) {
                render_summary(&summary);
            }
        }

        #[test]
        fn render_has_one_line_per_field_and_no_trailing_spaces(
            numbers in prop::array::uniform4(prop::option::of(any::<f64>())),
            extra in prop::collection::btree_map(any_text(12), any_text(12), 0..5),
        ) {
            let summary = InvokeSummary {
                duration_ms: numbers[0],
                billed_ms: numbers[1],
                memory_limit_mb: numbers[2],
                memory_used_mb: numbers[3],
                extra: extra.into_iter().map(|(k, v)| (k, Value::from(v))).collect(),
            };
            let text = render_summary(&summary);
            let memory = usize::from(summary.memory_used_mb.is_some() || summary.memory_limit_mb.is_some());
            let fields = usize::from(summary.duration_ms.is_some())
                + usize::from(summary.billed_ms.is_some())
                + memory
                + summary.extra.len();
            prop_assert_eq!(text.matches('\n').count(), fields);
            for line in text.split_terminator('\n') {
                prop_assert!(!line.ends_with(char::is_whitespace), "{:?}", line);
            }
        }

        #[test]
        fn base64_of_short_text_round_trips(text in any_text(500)) {
            // At most 4 bytes a character: always under the limit. Empty input is an error.
            prop_assume!(!text.is_empty());
            let log = decode_log(&STANDARD.encode(&text), Some(HUAWEI_TAIL_LIMIT)).unwrap();
            prop_assert_eq!(log, DecodedLog { bytes: text.len(), text, truncated: false, dropped_leading: 0 });
        }

        #[test]
        fn url_safe_wrapped_base64_round_trips(text in any_text(300), width in 1usize..80) {
            prop_assume!(!text.is_empty());
            let encoded = URL_SAFE_NO_PAD.encode(&text);
            let wrapped: Vec<String> = encoded
                .as_bytes()
                .chunks(width)
                .map(|chunk| String::from_utf8(chunk.to_vec()).unwrap())
                .collect();
            let line = format!("X-Fc-Log-Result: {}\n", wrapped.join("\r\n "));
            prop_assert_eq!(decode_log(&line, None).unwrap().text, text);
        }

        #[test]
        fn any_suffix_of_valid_text_decodes_without_replacement(
            // U+FFFD of its own would be indistinguishable from a decoding error
            text in any_text(300).prop_map(|text| text.replace('\u{FFFD}', "?")),
            cut in any::<prop::sample::Index>(),
        ) {
            let bytes = text.as_bytes();
            let suffix = &bytes[cut.index(bytes.len() + 1)..];
            let mut logs = vec![log_from_bytes(suffix, None)];
            if !suffix.is_empty() {
                logs.push(decode_log(&STANDARD.encode(suffix), None).unwrap());
            }
            for log in logs {
                prop_assert!(!log.text.contains('\u{FFFD}'), "{:?}", log.text);
                prop_assert!(text.ends_with(&log.text));
                prop_assert_eq!(log.text.len() + log.dropped_leading, suffix.len());
            }
        }
    }
}
