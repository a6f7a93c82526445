//! One line's call in `fcall batch`: the invocation for the line (its payload, its own
//! qualifier), sent through the shared session, rendered as its envelope with the line's
//! number and id.

use std::time::{Duration, Instant};

use serde_json::Value as Json;

use super::input::Line;
use crate::commands::invoke::Target;
use crate::commands::session::Session;
use crate::error::{code, Error, Result};
use crate::invocation::{Invocation, Outcome};
use crate::output::{self, Context, Envelope, ErrorEnvelope};

/// A finished line: its envelope (one line of text) and its exit code.
pub(super) struct Done {
    pub(super) text: Vec<u8>,
    pub(super) code: u8,
    /// How long the call took, when a request was made.
    pub(super) latency: Option<Duration>,
}

/// One line's invocation, rendered as its envelope.
pub(super) async fn call_line(
    session: &Session<'_>,
    target: &Target,
    base: &Invocation,
    line: Line,
) -> Done {
    let provider = session.provider;
    let mut inv = base.clone();
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
    let (text, code) = render_line(&rctx, &result, line.no, line.id);
    Done {
        text,
        code,
        latency,
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

/// A line's envelope (one line of text, with its line number and id) and its exit code.
fn render_line(rctx: &Context, result: &Result<Outcome>, no: u64, id: Json) -> (Vec<u8>, u8) {
    let line = Some((no, &id));
    match result {
        Ok(out) => {
            let code = if out.function_error.is_some() {
                code::FUNCTION
            } else {
                code::OK
            };
            (output::line(&Envelope::new(rctx, out, None, line)), code)
        }
        Err(e) => (output::line(&ErrorEnvelope::new(rctx, e, line)), e.code()),
    }
}
