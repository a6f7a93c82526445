//! What people read: the human stderr report (log box, function error, summary line), a
//! function's log read from its log service ([`log`]), and a JSON result on a terminal
//! ([`json`]). What scripts read is in
//! [`crate::output`].

pub mod json;
pub mod log;

use std::time::Duration;

use colored::Colorize;

use crate::invocation::{Mode, Outcome};
use crate::terminal::{escape_line, escape_text};

/// Whether to colour stderr: `--color always|never`; else as `gh` and `cargo` decide:
/// never with `NO_COLOR` set or `TERM=dumb`, always with `CLICOLOR_FORCE` set (not `0`), else
/// only on a terminal.
pub fn use_color(flag: &str, env: crate::env::Env, stderr_is_tty: bool) -> bool {
    let set = |k: &str| env(k).is_some_and(|v| !v.is_empty());
    match flag {
        "always" => true,
        "never" => false,
        _ if set("NO_COLOR") => false,
        _ if env("TERM").as_deref() == Some("dumb") => false,
        _ if set("CLICOLOR_FORCE") && env("CLICOLOR_FORCE").as_deref() != Some("0") => true,
        _ => stderr_is_tty,
    }
}

fn fmt_num(n: f64) -> String {
    decimals(n, 3)
}

/// An invocation's figures: duration, billed time, memory, and Lambda's init or restore time.
pub fn figures(s: &crate::decode::InvokeSummary) -> Vec<String> {
    let mut parts = Vec::new();
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
    parts
}

/// What the report is about beyond the outcome, and where it is shown.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    pub mode: Mode,
    /// The final status of an async invocation that was waited for.
    pub async_status: Option<&'a str>,
    /// How long the call took as the client saw it: sent, answered, the result read.
    pub round_trip: Option<Duration>,
    /// With `--wait`: from sending the call to learning how it ended.
    pub elapsed: Option<Duration>,
    pub color: bool,
    /// The terminal's width in columns: the summary wraps between its fields to fit, never
    /// inside one; `None` keeps it on one line.
    pub width: Option<usize>,
}

impl Report<'_> {
    /// A synchronous call's report, one line, no colour, nothing measured.
    pub fn plain(mode: Mode) -> Report<'static> {
        Report {
            mode,
            async_status: None,
            round_trip: None,
            elapsed: None,
            color: false,
            width: None,
        }
    }
}

/// A client-side time for people: `0.4 ms`, `12 ms`, `1.23 s`, `95 s`.
pub fn human_duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{} ms", decimals(ms, 1))
    } else if ms < 1000.0 {
        format!("{} ms", ms.round())
    } else if ms < 60_000.0 {
        format!("{} s", decimals(ms / 1000.0, 2))
    } else {
        format!("{} s", (ms / 1000.0).round())
    }
}

/// `x` with at most `places` decimals, trailing zeros dropped.
fn decimals(x: f64, places: usize) -> String {
    let s = format!("{x:.places$}");
    match s.contains('.') {
        true => s.trim_end_matches('0').trim_end_matches('.').to_string(),
        false => s,
    }
}

/// The columns `text` takes on a terminal: its characters' widths, colour codes left out.
fn visible_width(text: &str) -> usize {
    let mut width = 0;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // a colour code: ESC [ … letter
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
            continue;
        }
        width += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
    }
    width
}

/// Fields joined by ` · `, on lines of at most `width` columns where it can: a line breaks
/// between two fields (the next line indented by two spaces), never inside one, so a field
/// wider than the terminal has a line of its own.
pub fn fit(fields: &[String], width: Option<usize>) -> String {
    const SEP: &str = " · ";
    const SEP_COLUMNS: usize = 3;
    const INDENT: &str = "  ";
    let Some(width) = width else {
        return fields.join(SEP);
    };
    let mut out = String::new();
    let mut used = 0;
    for (i, field) in fields.iter().enumerate() {
        let w = visible_width(field);
        if i == 0 {
            used = w;
        } else if used + SEP_COLUMNS + w <= width {
            out.push_str(SEP);
            used += SEP_COLUMNS + w;
        } else {
            out.push('\n');
            out.push_str(INDENT);
            used = INDENT.len() + w;
        }
        out.push_str(field);
    }
    out
}

/// The summary: outcome, request id, duration, billed time, memory, what the provider adds;
/// for an async invocation that was waited for, its final status; the client's round trip
/// (or, waited for, the time elapsed). Fitted to `report.width`.
pub fn summary_line(out: &Outcome, report: &Report) -> String {
    let mut parts = Vec::new();
    let head = match (&out.function_error, report.mode, report.async_status) {
        (Some(_), _, _) => "failed".to_string(),
        (None, Mode::Async, None) => "accepted".to_string(),
        (None, _, _) => "ok".to_string(),
    };
    parts.push(if !report.color {
        head
    } else if out.function_error.is_some() {
        head.red().bold().to_string()
    } else {
        head.green().bold().to_string()
    });
    parts.push(format!("HTTP {}", out.status));
    if let Some(id) = &out.request_id {
        parts.push(format!("request {}", escape_line(id)));
    }
    parts.extend(figures(&out.summary));
    for (label, value) in &out.shown {
        parts.push(format!("{label} {}", escape_line(value)));
    }
    if let Some(st) = report.async_status {
        parts.push(format!("async status {}", escape_line(st)));
    }
    let client = match (report.elapsed, report.round_trip) {
        (Some(e), _) => Some(format!("elapsed {}", human_duration(e))),
        (None, Some(r)) => Some(format!("round trip {}", human_duration(r))),
        (None, None) => None,
    };
    if let Some(c) = client {
        parts.push(if report.color {
            c.dimmed().to_string()
        } else {
            c
        });
    }
    fit(&parts, report.width)
}

/// One line per expectation that was not met, for stderr.
pub fn unmet_expectations(checked: &[crate::output::Checked], color: bool) -> String {
    let mut s = String::new();
    for c in checked.iter().filter(|c| !c.ok) {
        // the reason quotes the envelope: remote text, made safe for a terminal
        let line = format!(
            "expectation not met: {} {}",
            crate::terminal::escape_line(&c.expression),
            crate::terminal::escape_line(c.reason.as_deref().unwrap_or(""))
        );
        s.push_str(&if color { line.red().to_string() } else { line });
        s.push('\n');
    }
    s
}

/// Everything for stderr in human mode: decoded log tail, function error, summary, notes.
pub fn human_report(out: &Outcome, report: &Report) -> String {
    let color = report.color;
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
        let title = if let Some(source) = out.extra.get("log_source") {
            format!("log ({source})")
        } else if log.truncated {
            format!(
                "log tail ({} bytes; earlier lines were cut by the provider)",
                log.bytes
            )
        } else {
            "log".to_string()
        };
        s.push_str(&rule(&title));
        s.push('\n');
        let text = escape_text(&log.text);
        s.push_str(&text);
        if !text.ends_with('\n') {
            s.push('\n');
        }
        s.push_str(&rule("end of log"));
        s.push('\n');
    }
    if let Some(note) = out.extra.get("log_note") {
        s.push_str(note);
        s.push('\n');
    }
    for (k, v) in &out.extra {
        if k.ends_with("_error") {
            s.push_str(&format!("warning: {}\n", escape_line(v)));
        }
    }
    if let Some(fe) = &out.function_error {
        let line = format!(
            "function error: {}: {}",
            escape_line(&fe.kind),
            escape_line(&fe.message)
        );
        s.push_str(&if color { line.red().to_string() } else { line });
        s.push('\n');
    }
    s.push_str(&summary_line(out, report));
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
        let none = |_: &str| None;
        let no_color = |k: &str| (k == "NO_COLOR").then(|| "1".to_string());
        let dumb = |k: &str| (k == "TERM").then(|| "dumb".to_string());
        let force = |k: &str| (k == "CLICOLOR_FORCE").then(|| "1".to_string());
        let force_off = |k: &str| (k == "CLICOLOR_FORCE").then(|| "0".to_string());
        assert!(use_color("always", &no_color, false));
        assert!(!use_color("never", &none, true));
        assert!(use_color("auto", &none, true));
        assert!(!use_color("auto", &no_color, true));
        assert!(!use_color("auto", &none, false));
        assert!(!use_color("auto", &dumb, true));
        assert!(use_color("auto", &force, false));
        assert!(!use_color("auto", &force_off, false));
    }

    #[test]
    fn unmet_expectations_escape_what_they_quote() {
        let checked = [crate::output::Checked {
            expression: ".result == 1".into(),
            ok: false,
            reason: Some("yielded \"\u{1b}[2J\" (result = \u{1b}[2J)".into()),
        }];
        let text = unmet_expectations(&checked, false);
        assert!(!text.contains('\u{1b}'), "{text:?}");
        assert!(text.starts_with("expectation not met: .result == 1 yielded"));
    }

    #[test]
    fn human_report_plain() {
        let r = human_report(&outcome(), &Report::plain(Mode::Sync));
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
        let r = human_report(&o, &Report::plain(Mode::Sync));
        assert!(
            r.starts_with("function error: ZeroDivisionError: division by zero\nfailed · HTTP 200")
        );
    }

    #[test]
    fn the_client_round_trip_ends_the_line_and_waiting_shows_the_time_elapsed() {
        let mut o = outcome();
        o.log = None;
        let mut report = Report::plain(Mode::Sync);
        report.round_trip = Some(Duration::from_micros(12_400));
        assert!(summary_line(&o, &report).ends_with("· memory 41.5 of 128 MB · round trip 12 ms"));
        report.mode = Mode::Async;
        report.async_status = Some("SUCCESS");
        report.elapsed = Some(Duration::from_millis(1234));
        assert!(summary_line(&o, &report).ends_with("· async status SUCCESS · elapsed 1.23 s"));
    }

    #[test]
    fn durations_for_people() {
        for (micros, text) in [
            (400, "0.4 ms"),
            (2_000, "2 ms"),
            (12_400, "12 ms"),
            (999_400, "999 ms"),
            (1_230_000, "1.23 s"),
            (95_400_000, "95 s"),
        ] {
            assert_eq!(human_duration(Duration::from_micros(micros)), text);
        }
    }

    #[test]
    fn lines_fit_the_width_between_fields_never_inside_one() {
        let fields: Vec<String> = [
            "ok",
            "HTTP 200",
            "request r-1",
            "duration 1.913 ms",
            "billed 2 ms",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            fit(&fields, None),
            "ok · HTTP 200 · request r-1 · duration 1.913 ms · billed 2 ms"
        );
        assert_eq!(
            fit(&fields, Some(34)),
            "ok · HTTP 200 · request r-1\n  duration 1.913 ms · billed 2 ms"
        );
        // exactly the width fits; one column less does not
        assert_eq!(fit(&fields[..3], Some(27)), "ok · HTTP 200 · request r-1");
        assert_eq!(fit(&fields[..3], Some(26)), "ok · HTTP 200\n  request r-1");
        // a field wider than the terminal has a line of its own, whole
        let long = vec![
            "ok".to_string(),
            "request ".to_string() + &"x".repeat(40),
            "HTTP 200".into(),
        ];
        assert_eq!(
            fit(&long, Some(20)),
            format!("ok\n  request {}\n  HTTP 200", "x".repeat(40))
        );
        // colour codes take no columns; wide characters take two
        let coloured = vec!["\u{1b}[1;32mok\u{1b}[0m".to_string(), "HTTP 200".into()];
        assert_eq!(
            fit(&coloured, Some(13)),
            "\u{1b}[1;32mok\u{1b}[0m · HTTP 200"
        );
        assert_eq!(visible_width("版本 v1"), 7);
    }
}
