//! One line's call in `fcall batch`: the invocation for the line (its payload, its own
//! qualifier), sent through the shared session, rendered as its envelope with the line's
//! number and id.

use std::time::{Duration, Instant};

use serde_json::Value as Json;

use super::input::Line;
use crate::commands::invoke::Target;
use crate::commands::session::Session;
use crate::error::{Error, Result};
use crate::expect::{self, Expr};
use crate::invocation::{Invocation, Outcome};
use crate::output::{self, Context, Envelope, ErrorEnvelope};

/// What every line's call shares: the session, the target, the invocation it starts
/// from, and the expectations its envelope is checked against.
pub(super) struct Each<'a> {
    pub(super) session: &'a Session<'a>,
    pub(super) target: &'a Target,
    pub(super) base: &'a Invocation,
    pub(super) checks: &'a [Expr],
    /// `--failures`: keep what it takes to write a line that did not succeed again.
    pub(super) keep_failures: bool,
}

/// A line in batch-input form (`{"id":…,"payload":…,"qualifier":…}`) that replays it: a
/// payload that is JSON (not a string) as written, anything else as a JSON string of its
/// text, which batch sends as that text.
pub(super) fn replay_line(payload: &[u8], id: &Json, qualifier: Option<&str>) -> Vec<u8> {
    let raw = std::str::from_utf8(payload)
        .ok()
        .and_then(|t| serde_json::from_str::<&serde_json::value::RawValue>(t).ok())
        .filter(|r| !r.get().starts_with('"') && !r.get().contains(['\n', '\r']));
    let payload = match raw {
        Some(r) => r.get().to_string(),
        None => Json::String(String::from_utf8_lossy(payload).into_owned()).to_string(),
    };
    let mut s = format!("{{\"id\":{id},\"payload\":{payload}");
    if let Some(q) = qualifier {
        s.push_str(&format!(",\"qualifier\":{}", Json::String(q.to_string())));
    }
    s.push_str("}\n");
    s.into_bytes()
}

/// A finished line: its envelope (one line of text) and its exit code.
pub(super) struct Done {
    /// The input line's number.
    pub(super) no: u64,
    pub(super) text: Vec<u8>,
    pub(super) code: u8,
    /// Whether an expectation of its envelope was not met.
    pub(super) unmet: bool,
    /// With `--failures`, when the line did not succeed: the line to replay it.
    pub(super) failure: Option<Vec<u8>>,
    /// With `--journal`: the hash of the line, when its end is to be recorded.
    pub(super) journal: Option<String>,
    /// It was sent by an earlier run whose answer is unknown.
    pub(super) uncertain: bool,
    /// How long the call took, when a request was made.
    pub(super) latency: Option<Duration>,
}

/// One line's invocation, rendered as its envelope.
pub(super) async fn call_line(each: &Each<'_>, line: Line) -> Done {
    let (session, target, base) = (each.session, each.target, each.base);
    let provider = session.provider;
    let mut inv = base.clone();
    let kept = each.keep_failures.then(|| line.payload.clone());
    let too_big = crate::providers::check_payload(provider.spec(), inv.mode, line.payload.len())
        .err()
        .map(|e| e.to_string());
    inv.payload = Some(line.payload);
    let function = match &line.qualifier {
        Some(q) => {
            inv.qualifier = Some(q.clone());
            provider.function_id(&inv)
        }
        None => Ok(target.function.clone()),
    };
    let shown = function
        .as_ref()
        .map_or_else(|_| target.function.clone(), Clone::clone);
    let mut latency = None;
    let result = match (line.error.or(too_big), function) {
        (Some(e), _) => Err(Error::Usage(format!("line {}: {e}", line.no))),
        (None, Err(e)) => Err(e),
        (None, Ok(_)) => {
            let (r, took) = send(session, &inv).await;
            latency = Some(took);
            r
        }
    };
    let rctx = Context {
        provider: provider.key(),
        profile: &target.profile,
        function: &shown,
        mode: inv.mode,
    };
    let id = kept.as_ref().map(|_| line.id.clone());
    let no = line.no;
    let (text, code, unmet) = render_line(&rctx, &result, line.no, line.id, each.checks);
    // every line that did not succeed: a failed function, a refusal, an unmet expectation
    let failure = match (kept, id) {
        (Some(p), Some(id)) if code != 0 => Some(replay_line(&p, &id, line.qualifier.as_deref())),
        _ => None,
    };
    Done {
        no,
        text,
        code,
        unmet,
        failure,
        latency,
        journal: None,
        uncertain: false,
    }
}

/// A line an earlier run sent and never saw answered (from its journal): reported, not sent
/// again, since it may have run.
pub(super) fn unanswered(each: &Each<'_>, line: &Line) -> Done {
    let rctx = Context {
        provider: each.session.provider.key(),
        profile: &each.target.profile,
        function: &each.target.function,
        mode: each.base.mode,
    };
    let e = Error::Uncertain(format!(
        "line {} was sent by an earlier run that stopped before its answer: it may have run; --retry-uncertain sends it again",
        line.no
    ));
    Done {
        no: line.no,
        text: output::line(&ErrorEnvelope::new(&rctx, &e, Some((line.no, &line.id)))),
        code: e.code(),
        unmet: false,
        failure: each
            .keep_failures
            .then(|| replay_line(&line.payload, &line.id, line.qualifier.as_deref())),
        latency: None,
        journal: None,
        uncertain: true,
    }
}

/// Send the line's invocation and read what it did; how long that took.
async fn send(session: &Session<'_>, inv: &Invocation) -> (Result<Outcome>, Duration) {
    let provider = session.provider;
    let started = Instant::now();
    let r = session
        .send(
            |token, now| provider.build(inv, token, now),
            provider.retry_throttled(inv),
        )
        .await
        .and_then(|resp| provider.interpret(inv, &resp));
    (r, started.elapsed())
}

/// A line's envelope (one line of text, with its line number and id, and the verdicts of
/// its expectations), its exit code, and whether an expectation was not met.
fn render_line(
    rctx: &Context,
    result: &Result<Outcome>,
    no: u64,
    id: Json,
    checks: &[Expr],
) -> (Vec<u8>, u8, bool) {
    let line = Some((no, &id));
    match result {
        Ok(out) => {
            let envelope = Envelope::new(rctx, out, None, line);
            let failed = out.function_error.is_some();
            if checks.is_empty() {
                return (output::line(&envelope), expect::verdict(failed, &[]), false);
            }
            let checked = expect::check_all(checks, &output::line(&envelope));
            let unmet = checked.iter().any(|c| !c.ok);
            let code = expect::verdict(failed, &checked);
            (
                output::line(&envelope.with_expectations(&checked)),
                code,
                unmet,
            )
        }
        Err(e) => (
            output::line(&ErrorEnvelope::new(rctx, e, line)),
            e.code(),
            false,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn replay_lines_send_the_same_payload_again() {
        for (payload, id, q) in [
            (&br#"{"a": 1}"#[..], json!("x-1"), None),
            (b"hello world", json!(7), Some("v2")),
            (br#""a json string""#, Json::Null, None),
            (b"{\n \"multi\": 1\n}", Json::Null, None),
            (b"12", Json::Null, None),
        ] {
            let text = replay_line(payload, &id, q);
            assert!(text.ends_with(b"\n") && text.iter().filter(|b| **b == b'\n').count() == 1);
            let line = super::super::input::parse_line(1, &text).unwrap();
            assert_eq!(line.payload, payload, "{}", String::from_utf8_lossy(&text));
            assert_eq!(line.id, id);
            assert_eq!(line.qualifier.as_deref(), q);
            assert_eq!(line.error, None);
        }
    }
}
