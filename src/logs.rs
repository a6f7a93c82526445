//! A function's log as the platforms' log services keep it, provider-neutral: what to read
//! ([`LogQuery`]), one line of it ([`LogEvent`]), one page of an answer ([`LogPage`]),
//! where it lives ([`LogSource`]), and what every reader needs whatever the provider:
//! `--since`/`--until` times, the platform's own lines (start, end, report) and the marker
//! that ends a request's log, and the [`Cursor`] that keeps a follow from printing a line
//! twice with memory that stays flat. Pure: the clock is passed in.

use std::collections::HashSet;

use time::OffsetDateTime;

use crate::error::{Error, Result};

/// What to read from a function's log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogQuery {
    /// The function as written on the command line.
    pub function: String,
    pub qualifier: Option<String>,
    /// One request's lines only.
    pub request_id: Option<String>,
    /// From this time on (inclusive).
    pub since: Option<OffsetDateTime>,
    /// Up to this time (inclusive).
    pub until: Option<OffsetDateTime>,
    /// Lines that contain this text.
    pub filter: Option<String>,
    /// At most this many lines per page asked for (the reader stops at the user's `--limit`).
    pub page_size: Option<u64>,
}

/// One line of a function's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEvent {
    /// When it was written, in milliseconds since the Unix epoch.
    pub timestamp_ms: i64,
    /// The line, without its line end.
    pub message: String,
    pub request_id: Option<String>,
    /// The log stream, instance or pod that wrote it.
    pub stream: Option<String>,
}

/// One answer of a log service: its lines, in time order, and the token of the next page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogPage {
    pub events: Vec<LogEvent>,
    /// More lines follow: ask again with this token. A page may be short, or empty, and
    /// still have one.
    pub next: Option<String>,
}

/// Where a function's log lives, as a provider found it: a name for people ("CloudWatch
/// Logs group /aws/lambda/f") and the parts its queries need (group, stream, project...).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogSource {
    pub name: String,
    pub parts: Vec<String>,
}

impl LogSource {
    pub fn part(&self, i: usize) -> &str {
        self.parts.get(i).map_or("", String::as_str)
    }
}

/// `--since`/`--until`: a duration back from `now` (`90s`, `10m`, `2h`, `1d`, `1w`) or an
/// RFC 3339 time (`2024-01-02T03:04:05Z`). `flag` names the option in the error.
pub fn parse_time(value: &str, flag: &str, now: OffsetDateTime) -> Result<OffsetDateTime> {
    let v = value.trim();
    if let Ok(t) = OffsetDateTime::parse(v, &time::format_description::well_known::Rfc3339) {
        return Ok(t);
    }
    let bad = || {
        Error::Usage(format!(
            "{flag} '{value}': give a time back from now (30s, 10m, 2h, 1d, 1w) or an RFC 3339 time (2024-01-02T03:04:05Z)"
        ))
    };
    let split = v.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let (n, unit) = v.split_at(split);
    let n: i64 = n.parse().map_err(|_| bad())?;
    let secs = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return Err(bad()),
    };
    let back = n.checked_mul(secs).ok_or_else(bad)?;
    now.checked_sub(time::Duration::seconds(back))
        .ok_or_else(bad)
}

/// Milliseconds since the Unix epoch.
pub fn unix_ms(t: OffsetDateTime) -> i64 {
    (t.unix_timestamp_nanos() / 1_000_000) as i64
}

/// The time `ms` milliseconds after the epoch (the epoch itself when out of range).
pub fn from_unix_ms(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The lines a platform writes around a request: the start of each (Lambda, Function
/// Compute), or what follows a time in it (FunctionGraph: `TIME Start invoke request 'ID'`).
const PLATFORM_LINES: &[&str] = &[
    // Lambda
    "START RequestId:",
    "END RequestId:",
    "REPORT RequestId:",
    "INIT_START ",
    // Function Compute
    "FC Invoke Start",
    "FC Invoke End",
    "FC Initialize Start",
    "FC Initialize End",
];

/// FunctionGraph's, after the time.
const FUNCTIONGRAPH_LINES: &[&str] = &["Start invoke request '", "Finish invoke request '"];

/// The lines that end a request's log: once seen, nothing more of it will come.
const END_MARKERS: &[&str] = &["REPORT RequestId:", "FC Invoke End"];
const FUNCTIONGRAPH_END: &str = "Finish invoke request '";

/// `message` less a leading time (`2024-01-02T03:04:05Z `, as FunctionGraph writes it).
fn after_time(message: &str) -> &str {
    let m = message.trim_start();
    match m.split_once(' ') {
        Some((first, rest))
            if first.starts_with(|c: char| c.is_ascii_digit()) && first.contains(':') =>
        {
            rest
        }
        _ => m,
    }
}

/// Whether `message` is the platform's line (start, end, report) rather than the function's.
pub fn is_platform_line(message: &str) -> bool {
    let m = message.trim_start();
    PLATFORM_LINES.iter().any(|p| m.starts_with(p))
        || FUNCTIONGRAPH_LINES
            .iter()
            .any(|p| after_time(message).starts_with(p))
}

/// Whether `message` ends a request's log (Lambda `REPORT`, FunctionGraph `Finish invoke
/// request`, Function Compute `FC Invoke End`).
pub fn ends_request(message: &str) -> bool {
    let m = message.trim_start();
    END_MARKERS.iter().any(|p| m.starts_with(p))
        || after_time(message).starts_with(FUNCTIONGRAPH_END)
}

/// How a platform marks the start and the end of a request's lines (any request's).
pub struct Marks {
    pub start: fn(&str) -> bool,
    pub end: fn(&str) -> bool,
}

/// Function Compute: `FC Invoke Start RequestId: ID` … `FC Invoke End RequestId: ID`.
pub const FC_MARKS: Marks = Marks {
    start: |m| m.trim_start().starts_with("FC Invoke Start RequestId: "),
    end: |m| m.trim_start().starts_with("FC Invoke End RequestId: "),
};

/// FunctionGraph: `TIME Start invoke request 'ID'` … `TIME Finish invoke request 'ID'`.
pub const FUNCTIONGRAPH_MARKS: Marks = Marks {
    start: |m| after_time(m).starts_with(FUNCTIONGRAPH_LINES[0]),
    end: |m| after_time(m).starts_with(FUNCTIONGRAPH_END),
};

/// Where a reading of one request stands among all of a function's lines (in time order),
/// on a platform whose lines carry no request id but that marks each request's start and
/// end: before its start, in its lines, or in the lines of another request that started
/// inside it (left out until that one ends). Concurrent requests whose lines interleave
/// without such nesting cannot be told apart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Span {
    #[default]
    Before,
    In,
    Other,
}

impl Span {
    /// Whether `message` is one of request `id`'s lines, and whether it is its last.
    pub fn take(&mut self, message: &str, id: &str, marks: &Marks) -> (bool, bool) {
        let ours = message.contains(id);
        let (starts, ends) = ((marks.start)(message), (marks.end)(message));
        match *self {
            Span::Before if starts && ours => *self = Span::In,
            Span::Before => return (false, false),
            Span::In if starts && !ours => {
                *self = Span::Other;
                return (false, false);
            }
            Span::Other => {
                if ends && !ours {
                    *self = Span::In;
                }
                return (false, false);
            }
            Span::In => {}
        }
        (true, ends && ours)
    }

    /// As a digit, for a page token.
    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn from_code(c: u8) -> Span {
        match c {
            1 => Span::In,
            2 => Span::Other,
            _ => Span::Before,
        }
    }
}

/// The request id a line names: `RequestId: ID` in the platform's lines, or the second
/// tab-separated field of a runtime's line (`TIME\tID\tLEVEL\tmessage`, Lambda's Node and
/// Python runtimes).
pub fn request_id_in(message: &str) -> Option<String> {
    if let Some(at) = message.find("invoke request '") {
        let rest = &message[at + "invoke request '".len()..];
        return rest.split_once('\'').map(|(id, _)| id.to_string());
    }
    if let Some(at) = message.find("RequestId: ") {
        let rest = &message[at + "RequestId: ".len()..];
        let id: String = rest
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != ',')
            .collect();
        return (!id.is_empty()).then_some(id);
    }
    let mut fields = message.split('\t');
    let (_, id) = (fields.next()?, fields.next()?);
    let looks_like_id = id.len() >= 8
        && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
        && fields.next().is_some();
    looks_like_id.then(|| id.to_string())
}

/// What a reader has printed at the latest time it has seen, so that asking again from
/// that time (a follow, a poll) skips what it printed: it remembers only the lines of that
/// one millisecond, so memory stays flat however long the log.
#[derive(Debug, Default)]
pub struct Cursor {
    last_ms: Option<i64>,
    at_last: HashSet<(Option<String>, String)>,
}

impl Cursor {
    /// Whether `e` is new (and remember it). Lines older than the latest seen are old.
    pub fn fresh(&mut self, e: &LogEvent) -> bool {
        match self.last_ms {
            Some(last) if e.timestamp_ms < last => false,
            Some(last) if e.timestamp_ms == last => {
                self.at_last.insert((e.stream.clone(), e.message.clone()))
            }
            _ => {
                self.last_ms = Some(e.timestamp_ms);
                self.at_last.clear();
                self.at_last.insert((e.stream.clone(), e.message.clone()));
                true
            }
        }
    }

    /// The time to ask from next.
    pub fn since(&self) -> Option<OffsetDateTime> {
        self.last_ms.map(from_unix_ms)
    }

    /// How many lines it remembers (for the flat-memory test).
    pub fn remembered(&self) -> usize {
        self.at_last.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn times_are_durations_back_or_rfc3339() {
        let now = datetime!(2024-01-02 03:04:05 UTC);
        assert_eq!(
            parse_time("10m", "--since", now).unwrap(),
            datetime!(2024-01-02 02:54:05 UTC)
        );
        assert_eq!(
            parse_time("1d", "--since", now).unwrap(),
            datetime!(2024-01-01 03:04:05 UTC)
        );
        assert_eq!(
            parse_time("2024-01-01T00:00:00+08:00", "--until", now).unwrap(),
            datetime!(2023-12-31 16:00:00 UTC)
        );
        for bad in [
            "",
            "m",
            "10",
            "10y",
            "-5m",
            "99999999999999999999s",
            "yesterday",
        ] {
            let e = parse_time(bad, "--since", now).unwrap_err();
            assert_eq!(e.code(), crate::error::code::USAGE, "{bad}");
            assert!(e.to_string().starts_with("--since '"), "{e}");
        }
        assert_eq!(unix_ms(from_unix_ms(1_704_164_645_123)), 1_704_164_645_123);
    }

    #[test]
    fn platform_lines_and_end_markers() {
        let id = "8f5b3c2a-1d2e-4f5a-9b8c-7d6e5f4a3b2c";
        assert!(is_platform_line(&format!(
            "START RequestId: {id} Version: $LATEST"
        )));
        assert!(ends_request(&format!(
            "REPORT RequestId: {id}\tDuration: 1.2 ms"
        )));
        assert!(!ends_request(&format!("END RequestId: {id}")));
        assert!(ends_request(
            "2024-01-02T03:04:05Z Finish invoke request 'abc', duration: 1.9ms"
        ));
        assert!(is_platform_line(
            "2024-01-02T03:04:05Z Start invoke request 'abc', version: latest"
        ));
        assert!(!is_platform_line("2024-01-02T03:04:05Z hello"));
        assert_eq!(
            request_id_in("2024-01-02T03:04:05Z Start invoke request 'abc-1', version: x")
                .as_deref(),
            Some("abc-1")
        );
        assert!(ends_request("FC Invoke End RequestId: abc"));
        assert!(!is_platform_line("hello START RequestId: x"));
        assert_eq!(
            request_id_in(&format!("END RequestId: {id}")).as_deref(),
            Some(id)
        );
        assert_eq!(
            request_id_in(&format!("2024-01-02T03:04:05.678Z\t{id}\tINFO\thi")).as_deref(),
            Some(id)
        );
        assert_eq!(request_id_in("a\tb\tc"), None);
        assert_eq!(request_id_in("plain"), None);
    }

    #[test]
    fn a_span_takes_one_request_without_the_others_inside_it() {
        let lines = [
            "before",
            "FC Invoke Start RequestId: r1",
            "one",
            "FC Invoke Start RequestId: r2",
            "theirs",
            "FC Invoke End RequestId: r2",
            "two",
            "FC Invoke End RequestId: r1",
        ];
        let mut span = Span::default();
        let taken: Vec<(&str, bool)> = lines
            .iter()
            .filter_map(|l| match span.take(l, "r1", &FC_MARKS) {
                (true, last) => Some((*l, last)),
                _ => None,
            })
            .collect();
        assert_eq!(
            taken,
            [
                ("FC Invoke Start RequestId: r1", false),
                ("one", false),
                ("two", false),
                ("FC Invoke End RequestId: r1", true)
            ]
        );
        let mut fg = Span::default();
        let start = "2024-01-02T03:04:05Z Start invoke request 'r', version: latest";
        assert_eq!(fg.take(start, "r", &FUNCTIONGRAPH_MARKS), (true, false));
        let end = "2024-01-02T03:04:05Z Finish invoke request 'r', duration: 1ms";
        assert_eq!(fg.take(end, "r", &FUNCTIONGRAPH_MARKS), (true, true));
        for s in [Span::Before, Span::In, Span::Other] {
            assert_eq!(Span::from_code(s.code()), s);
        }
    }

    #[test]
    fn the_cursor_skips_what_it_printed_and_forgets_the_rest() {
        let ev = |ms, m: &str| LogEvent {
            timestamp_ms: ms,
            message: m.into(),
            request_id: None,
            stream: Some("s".into()),
        };
        let mut c = Cursor::default();
        assert!(c.fresh(&ev(10, "a")));
        assert!(c.fresh(&ev(10, "b")));
        assert!(!c.fresh(&ev(10, "a")));
        assert!(!c.fresh(&ev(9, "z")));
        assert!(c.fresh(&ev(11, "a")));
        assert_eq!(c.remembered(), 1);
        assert_eq!(c.since().map(unix_ms), Some(11));
        for i in 0..100_000 {
            c.fresh(&ev(12 + i, "line"));
        }
        assert_eq!(c.remembered(), 1);
    }
}
