//! What people read: the human stderr report (log box, function error, summary line), and
//! a function's log read from its log service ([`log`]). What scripts read is in
//! [`crate::output`].

pub mod log;

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
    let s = format!("{n:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
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
        parts.push(format!("request {}", escape_line(id)));
    }
    parts.extend(figures(&out.summary));
    for (label, value) in &out.shown {
        parts.push(format!("{label} {}", escape_line(value)));
    }
    if let Some(st) = async_status {
        parts.push(format!("async status {}", escape_line(st)));
    }
    parts.join(" · ")
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
}
