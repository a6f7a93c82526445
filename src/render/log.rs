//! A function's log, for people: one line per event, its time in local time (or UTC), the
//! request id (dropped when reading one request), the level coloured, a structured JSON
//! line shown compactly with its message first, and the platform's own lines (start, end,
//! report) dimmed, the report's figures folded into one summary.

use colored::Colorize;
use time::UtcOffset;

use crate::decode::parse_lambda_report;
use crate::logs::{from_unix_ms, is_platform_line, LogEvent};

/// How to show log lines.
#[derive(Debug, Clone, Copy)]
pub struct LogStyle {
    pub color: bool,
    /// The offset to show times in: the local one, or UTC (`--utc`).
    pub offset: UtcOffset,
    /// Whether to show each line's request id (not when reading one request).
    pub request_column: bool,
}

const LEVELS: &[&str] = &[
    "FATAL", "CRITICAL", "ERROR", "WARNING", "WARN", "INFO", "DEBUG", "TRACE",
];

/// `2024-01-02 03:04:05.678` in the style's offset (` UTC` added when that is UTC).
fn time_of(ms: i64, offset: UtcOffset) -> String {
    let t = from_unix_ms(ms).to_offset(offset);
    let fmt = time::macros::format_description!(
        "[year]-[month]-[day] [hour]:[minute]:[second].[subsecond digits:3]"
    );
    let s = t.format(&fmt).unwrap_or_default();
    if offset.is_utc() {
        format!("{s} UTC")
    } else {
        s
    }
}

fn paint_level(level: &str, color: bool) -> String {
    if !color {
        return level.to_string();
    }
    match level {
        "FATAL" | "CRITICAL" | "ERROR" => level.red().bold().to_string(),
        "WARNING" | "WARN" => level.yellow().bold().to_string(),
        _ => level.dimmed().to_string(),
    }
}

/// A level word, upper-cased, if `w` is one (`error`, `[ERROR]`, `WARN:`).
fn level_word(w: &str) -> Option<&'static str> {
    let w = w.trim_matches(|c: char| c == '[' || c == ']' || c == ':');
    LEVELS.iter().copied().find(|l| l.eq_ignore_ascii_case(w))
}

/// `{"level","message",…}` (Lambda's JSON log format, most JSON loggers): `LEVEL message
/// key=value…`, the time and request id left out (they have their own columns).
fn structured(message: &str, color: bool) -> Option<String> {
    let serde_json::Value::Object(map) = serde_json::from_str(message.trim()).ok()? else {
        return None;
    };
    let text = |k: &str| map.get(k).and_then(|v| v.as_str());
    let msg = ["message", "msg"].iter().find_map(|k| text(k))?;
    let level = ["level", "levelname", "severity"]
        .iter()
        .find_map(|k| text(k))
        .and_then(level_word);
    let skip = [
        "message",
        "msg",
        "level",
        "levelname",
        "severity",
        "timestamp",
        "time",
        "requestId",
        "request_id",
        "AWSRequestId",
    ];
    let mut out = String::new();
    if let Some(l) = level {
        out.push_str(&paint_level(l, color));
        out.push(' ');
    }
    out.push_str(msg);
    for (k, v) in map.iter().filter(|(k, _)| !skip.contains(&k.as_str())) {
        let v = v.as_str().map_or_else(|| v.to_string(), str::to_string);
        out.push_str(&format!(" {k}={v}"));
    }
    Some(out)
}

/// A runtime's `TIME\tREQUEST_ID\tLEVEL\tmessage` (Lambda's Node and Python runtimes): the
/// level and message.
fn runtime_line(message: &str, color: bool) -> Option<String> {
    let mut f = message.splitn(4, '\t');
    let (_, _, level, rest) = (f.next()?, f.next()?, f.next()?, f.next()?);
    let level = level_word(level)?;
    Some(format!("{} {rest}", paint_level(level, color)))
}

/// A plain line, with a leading level word coloured.
fn plain_line(message: &str, color: bool) -> String {
    let first = message.split_whitespace().next().unwrap_or("");
    match level_word(first) {
        Some(l) if color => {
            let at = message.find(first).unwrap_or(0);
            format!(
                "{}{}{}",
                &message[..at],
                paint_level(l, color),
                &message[at + first.len()..]
            )
        }
        _ => message.to_string(),
    }
}

/// The platform's line: a REPORT folded into its figures, the others as they are; dimmed.
fn platform(message: &str, color: bool) -> String {
    let m = message.trim();
    let text = match parse_lambda_report(m).filter(|_| m.starts_with("REPORT")) {
        Some(s) => {
            let figures = super::figures(&s);
            if figures.is_empty() {
                m.to_string()
            } else {
                format!("REPORT {}", figures.join(" · "))
            }
        }
        None => m.to_string(),
    };
    if color {
        text.dimmed().to_string()
    } else {
        text
    }
}

/// The message as shown: platform line, structured, runtime or plain; its control
/// characters escaped first (line breaks and tabs kept), so that only fcall's own colours
/// reach the terminal.
pub fn message(e: &LogEvent, color: bool) -> String {
    let text = crate::terminal::escape_text(&e.message);
    if is_platform_line(&text) {
        return platform(&text, color);
    }
    structured(&text, color)
        .or_else(|| runtime_line(&text, color))
        .unwrap_or_else(|| plain_line(&text, color))
}

/// One event as a line (ending in `\n`): time, request id (if shown), message.
pub fn line(e: &LogEvent, style: &LogStyle) -> String {
    let time = time_of(e.timestamp_ms, style.offset);
    let time = if style.color {
        time.dimmed().to_string()
    } else {
        time
    };
    let mut s = time;
    // remote text: shown, never obeyed by the terminal (colours are added after escaping)
    if style.request_column {
        s.push_str("  ");
        s.push_str(&crate::terminal::escape_line(
            e.request_id.as_deref().unwrap_or("-"),
        ));
    }
    s.push_str("  ");
    s.push_str(&message(e, style.color));
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(m: &str) -> LogEvent {
        LogEvent {
            timestamp_ms: 1_704_164_645_678,
            message: m.into(),
            request_id: Some("r-1".into()),
            stream: None,
        }
    }

    const UTC: LogStyle = LogStyle {
        color: false,
        offset: UtcOffset::UTC,
        request_column: true,
    };

    #[test]
    fn lines_show_time_request_and_message() {
        assert_eq!(
            line(&ev("hello"), &UTC),
            "2024-01-02 03:04:05.678 UTC  r-1  hello\n"
        );
        let east = LogStyle {
            offset: UtcOffset::from_hms(8, 0, 0).unwrap(),
            request_column: false,
            ..UTC
        };
        assert_eq!(
            line(&ev("hello"), &east),
            "2024-01-02 11:04:05.678  hello\n"
        );
    }

    #[test]
    fn structured_runtime_and_platform_lines_read_compactly() {
        assert_eq!(
            message(
                &ev(
                    r#"{"timestamp":"x","level":"ERROR","message":"boom","requestId":"r","code":7}"#
                ),
                false
            ),
            "ERROR boom code=7"
        );
        assert_eq!(
            message(&ev("2024-01-02T03:04:05.678Z\tr-1\tWARN\tlow disk"), false),
            "WARN low disk"
        );
        assert_eq!(
            message(
                &ev("REPORT RequestId: r-1\tDuration: 1.50 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 41 MB\tInit Duration: 99.10 ms\t"),
                false
            ),
            "REPORT duration 1.5 ms · billed 2 ms · memory 41 of 128 MB · init 99.1 ms"
        );
        assert_eq!(
            message(&ev("END RequestId: r-1"), false),
            "END RequestId: r-1"
        );
        assert_eq!(message(&ev("[1, 2]"), false), "[1, 2]");
        let coloured = message(&ev("ERROR: it broke"), true);
        colored::control::set_override(true);
        assert!(message(&ev("ERROR: it broke"), true).contains("\u{1b}["));
        colored::control::unset_override();
        assert!(coloured.ends_with(" it broke"));
        assert_eq!(message(&ev("ERROR: it broke"), false), "ERROR: it broke");
    }

    #[test]
    fn remote_control_characters_are_shown_not_obeyed() {
        let mut e = ev("boom\u{1b}[2J\r\nok · HTTP 200");
        e.request_id = Some("r\u{1b}]0;x\u{7}".into());
        let style = LogStyle {
            color: false,
            request_column: true,
            offset: UtcOffset::UTC,
        };
        let l = line(&e, &style);
        assert!(
            !l.trim_end().chars().any(|c| c.is_control() && c != '\n'),
            "{l:?}"
        );
        assert!(l.contains("\\x1b[2J\\r"), "{l:?}");
    }
}
