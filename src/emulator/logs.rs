//! The log service behind every emulated provider: each invocation's complete log, kept in
//! memory (bounded: the oldest invocations go first past [`MAX_LINES`]), visible once the
//! ingestion delay (`--log-delay-ms`) has passed since it was written, as log services
//! ingest seconds late. Each provider's module serves it in its own wire format; this
//! module selects the lines (function, time window, request id, text) and pages them.

use std::collections::VecDeque;

use time::OffsetDateTime;

use crate::logs::unix_ms;

/// The most log lines kept, all invocations together.
pub const MAX_LINES: usize = 200_000;

/// One line as the log service keeps it.
#[derive(Debug, Clone)]
pub struct Line {
    /// The function that wrote it.
    pub function: String,
    /// Milliseconds since the epoch: every line of an invocation at the time it was kept.
    pub at_ms: i64,
    pub request_id: String,
    /// Its place among every line kept, counting up (LTS's `line_num` is made of it).
    pub seq: u64,
    /// The stream (CloudWatch), instance (OpenFaaS) that wrote it.
    pub stream: String,
    pub text: String,
}

/// One invocation's log.
#[derive(Debug)]
struct Entry {
    provider: &'static str,
    function: String,
    lines: Vec<Line>,
}

/// Every kept log, oldest first.
#[derive(Debug, Default)]
pub struct Store {
    entries: VecDeque<Entry>,
    lines: usize,
    seq: u64,
}

/// What a log query selects; `None` selects everything.
#[derive(Debug, Default)]
pub struct Select<'a> {
    pub since_ms: Option<i64>,
    pub until_ms: Option<i64>,
    pub request_id: Option<&'a str>,
    pub contains: Option<&'a str>,
}

impl Store {
    /// Keep the log of one invocation, its last line written at `at`.
    pub fn keep(
        &mut self,
        provider: &'static str,
        function: &str,
        request_id: &str,
        stream: &str,
        log: &str,
        at: OffsetDateTime,
    ) {
        // all written at `at` (in order, as a fast function writes them): none is in the
        // future, and the logs of calls one after the other do not interleave
        let at_ms = unix_ms(at);
        let first = self.seq;
        let lines: Vec<Line> = log
            .lines()
            .enumerate()
            .map(|(i, text)| Line {
                function: function.to_string(),
                seq: first + i as u64,
                at_ms,
                request_id: request_id.to_string(),
                stream: stream.to_string(),
                text: text.to_string(),
            })
            .collect();
        self.lines += lines.len();
        self.seq += lines.len() as u64;
        self.entries.push_back(Entry {
            provider,
            function: function.to_string(),
            lines,
        });
        while self.lines > MAX_LINES {
            match self.entries.pop_front() {
                Some(e) => self.lines -= e.lines.len(),
                None => break,
            }
        }
    }

    /// Whether `provider`'s `function` has kept a log.
    pub fn has(&self, provider: &str, function: &str) -> bool {
        self.entries
            .iter()
            .any(|e| e.provider == provider && e.function == function)
    }

    /// The lines of `provider`'s `function` (`*`: every function's) that `sel` selects and
    /// that were ingested by
    /// `now` (written at least `delay_ms` before it), in time order, from the `skip`th on,
    /// at most `max`; and whether more follow.
    #[allow(clippy::too_many_arguments)]
    pub fn read(
        &self,
        provider: &str,
        function: &str,
        sel: &Select,
        now: OffsetDateTime,
        delay_ms: i64,
        skip: usize,
        max: usize,
    ) -> (Vec<Line>, bool) {
        let visible_until = unix_ms(now) - delay_ms;
        let mut all: Vec<&Line> = self
            .entries
            .iter()
            .filter(|e| e.provider == provider && (function == "*" || e.function == function))
            .flat_map(|e| e.lines.iter())
            .filter(|l| {
                l.at_ms <= visible_until
                    && sel.since_ms.is_none_or(|s| l.at_ms >= s)
                    && sel.until_ms.is_none_or(|u| l.at_ms <= u)
                    && sel.request_id.is_none_or(|r| l.request_id == r)
                    && sel.contains.is_none_or(|c| l.text.contains(c))
            })
            .collect();
        all.sort_by_key(|l| l.at_ms);
        let more = all.len() > skip.saturating_add(max);
        let page = all.into_iter().skip(skip).take(max).cloned().collect();
        (page, more)
    }
}

/// RFC 3339 with nanoseconds, as OpenFaaS's log lines carry their time.
pub fn rfc3339(ms: i64) -> String {
    crate::logs::from_unix_ms(ms)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn keeps_bounded_logs_and_shows_them_after_the_delay() {
        let mut s = Store::default();
        let t = datetime!(2024-01-02 03:04:05 UTC);
        s.keep("aws", "f", "r1", "st", "a\nb\nc\n", t);
        assert!(s.entries[0].lines.iter().all(|l| l.at_ms == unix_ms(t)));
        s.keep(
            "aws",
            "f",
            "r2",
            "st",
            "d\n",
            t + time::Duration::seconds(1),
        );
        s.keep("aws", "g", "r3", "st", "x\n", t);
        let all = Select::default();
        let (lines, more) = s.read("aws", "f", &all, t + time::Duration::seconds(9), 0, 0, 10);
        let texts: Vec<_> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!((texts, more), (vec!["a", "b", "c", "d"], false));
        let (lines, more) = s.read("aws", "f", &all, t + time::Duration::seconds(9), 0, 1, 2);
        assert_eq!((lines.len(), lines[0].text.as_str(), more), (2, "b", true));
        let (lines, _) = s.read("aws", "f", &all, t + time::Duration::seconds(1), 500, 0, 10);
        assert_eq!(lines.len(), 3, "r2 is not ingested yet");
        let r1 = Select {
            request_id: Some("r1"),
            contains: Some("b"),
            ..Select::default()
        };
        let (lines, _) = s.read("aws", "f", &r1, t + time::Duration::seconds(9), 0, 0, 10);
        assert_eq!(lines.len(), 1);
        let (lines, _) = s.read("aws", "*", &all, t + time::Duration::seconds(9), 0, 0, 10);
        assert_eq!(lines.len(), 5, "every function's");
        let big = "l\n".repeat(MAX_LINES);
        s.keep("aws", "f", "r4", "st", &big, t);
        assert_eq!(s.lines, MAX_LINES);
        assert_eq!(s.entries.len(), 1);
        assert_eq!(rfc3339(1_704_164_645_001), "2024-01-02T03:04:05.001Z");
    }
}
