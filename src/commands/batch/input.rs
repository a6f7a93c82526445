//! The input side of `fcall batch`: opening `--input`, the reader thread that turns it into
//! [`Line`]s (a plain payload, or the `{"payload": …, "id": …, "qualifier": …}` form) and
//! hands them over in chunks, taking them one at a time on the main task, and counting a
//! file's lines for the progress bar.

use std::collections::{BTreeMap, VecDeque};
use std::io::{BufRead, BufReader, IsTerminal, Read};
use std::path::Path;

use serde_json::value::RawValue;
use serde_json::Value as Json;

use crate::error::{Error, Result};

/// One non-blank input line, ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// 1-based line number in the input (blank lines count).
    pub no: u64,
    /// The line's `id` (`{"payload":…,"id":…}` form), else null.
    pub id: Json,
    pub payload: Vec<u8>,
    /// A qualifier for this line only.
    pub qualifier: Option<String>,
    /// Why the line cannot be sent (a malformed `{"payload":…}` object).
    pub error: Option<String>,
}

/// Parse one input line (with or without its newline); `None` for a blank line.
pub fn parse_line(no: u64, raw: &[u8]) -> Option<Line> {
    let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
    if raw.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    let mut line = Line {
        no,
        id: Json::Null,
        payload: raw.to_vec(),
        qualifier: None,
        error: None,
    };
    match wrapped(raw) {
        None => {}
        Some(Ok((payload, id, qualifier))) => {
            line.payload = payload;
            line.id = id;
            line.qualifier = qualifier;
        }
        Some(Err(e)) => line.error = Some(e),
    }
    Some(line)
}

type Wrapped = (Vec<u8>, Json, Option<String>);

/// The `{"payload": P, "id": ID, "qualifier": Q}` form: `None` when the line is not a
/// JSON object with a `payload` key (it is then sent as is).
fn wrapped(raw: &[u8]) -> Option<std::result::Result<Wrapped, String>> {
    let first = raw.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first != b'{' || !raw.windows(9).any(|w| w == b"\"payload\"") {
        return None;
    }
    let map: BTreeMap<String, &RawValue> = serde_json::from_slice(raw).ok()?;
    let payload = map.get("payload")?;
    Some(unwrap_object(&map, payload))
}

fn unwrap_object(
    map: &BTreeMap<String, &RawValue>,
    payload: &RawValue,
) -> std::result::Result<Wrapped, String> {
    if let Some(k) = map
        .keys()
        .find(|k| !matches!(k.as_str(), "payload" | "id" | "qualifier"))
    {
        return Err(format!(
            "a {{\"payload\":…}} line may only have the keys payload, id and qualifier, not '{k}' \
             (to send an object with a payload key as is, wrap it: {{\"payload\": {{…}}}})"
        ));
    }
    let payload = match serde_json::from_str::<String>(payload.get()) {
        Ok(text) => text.into_bytes(),
        Err(_) => payload.get().as_bytes().to_vec(),
    };
    let id = match map.get("id").map(|v| serde_json::from_str::<Json>(v.get())) {
        None => Json::Null,
        Some(Ok(v @ (Json::Null | Json::String(_) | Json::Number(_)))) => v,
        Some(_) => return Err("\"id\" must be a string or a number".into()),
    };
    let qualifier = match map
        .get("qualifier")
        .map(|v| serde_json::from_str::<Json>(v.get()))
    {
        None | Some(Ok(Json::Null)) => None,
        Some(Ok(Json::String(q))) => Some(q),
        Some(_) => return Err("\"qualifier\" must be a string (a version or alias)".into()),
    };
    Ok((payload, id, qualifier))
}

pub(super) type Item = std::result::Result<Line, String>;

/// Lines handed from the reader thread to the main task at a time, at most.
pub(super) const CHUNK: usize = 256;

/// The next input line, once `--rate` allows another start: from the chunk at hand, else
/// from the next chunk the reader sends (`None` when the input has ended).
pub(super) async fn next_line(
    rx: &mut tokio::sync::mpsc::Receiver<Vec<Item>>,
    queued: &mut VecDeque<Item>,
    not_before: Option<tokio::time::Instant>,
) -> Option<Item> {
    if let Some(t) = not_before {
        tokio::time::sleep_until(t).await;
    }
    while queued.is_empty() {
        queued.extend(rx.recv().await?);
    }
    queued.pop_front()
}

/// A chunk is handed over once its lines hold this many bytes, however few they are.
const CHUNK_BYTES: usize = 4 << 20;

/// The longest input line for a provider and mode: room for its largest payload written as
/// a JSON string (escapes double it at most, for all but control characters) in a
/// `{"payload":…}` wrapper.
pub(super) fn max_line(
    spec: &crate::providers::ProviderSpec,
    mode: crate::invocation::Mode,
) -> usize {
    crate::providers::payload_limit(spec, mode)
        .saturating_mul(2)
        .saturating_add(64 << 10)
}

/// `--shard K/N`, resolved: this process takes the lines n with (n - 1) mod N = K - 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Shard {
    pub(super) k: u64,
    pub(super) n: u64,
}

impl Shard {
    /// Whether line `no` (1-based, blank lines counted) is this shard's. By line number,
    /// not by a hash of the line's id: every line has a number, the split is even however
    /// the ids look, and each shard knows its lines without reading another's.
    pub(super) fn takes(&self, no: u64) -> bool {
        (no - 1) % self.n == self.k - 1
    }

    /// `--shard`, with `auto/N` taking K from the index a job engine gives its task
    /// (Kubernetes Indexed Jobs, AWS Batch array jobs: both count from 0).
    pub(super) fn resolve(given: crate::cli::Shard, env: crate::env::Env) -> Result<Shard> {
        let k = match given.k {
            Some(k) => k,
            None => {
                let from = ["JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX"]
                    .iter()
                    .find_map(|v| env(v).filter(|x| !x.is_empty()).map(|x| (*v, x)));
                let (var, value) = from.ok_or_else(|| {
                    Error::Usage(format!(
                        "--shard auto/{}: neither JOB_COMPLETION_INDEX nor AWS_BATCH_JOB_ARRAY_INDEX is set: give the shard as K/{} (e.g. from a CI matrix)",
                        given.n, given.n
                    ))
                })?;
                let index: u64 = value.trim().parse().map_err(|_| {
                    Error::Usage(format!("--shard auto: {var}={value:?} is not a number"))
                })?;
                index + 1
            }
        };
        if k > given.n {
            return Err(Error::Usage(format!(
                "--shard: shard {k} of {} does not exist (the index counts from 0, so it must be below {})",
                given.n, given.n
            )));
        }
        Ok(Shard { k, n: given.n })
    }
}

/// Start the reader thread on `input`; the chunks of lines it sends, in order (only this
/// shard's lines, with `shard`). A line longer than `max_line` bytes is not held: it becomes
/// a bad line, and the next is read.
pub(super) fn spawn_reader(
    input: Box<dyn Read + Send>,
    max_line: usize,
    shard: Option<Shard>,
) -> tokio::sync::mpsc::Receiver<Vec<Item>> {
    let (tx, rx) = tokio::sync::mpsc::channel::<Vec<Item>>(2);
    std::thread::spawn(move || read_lines(input, max_line, tx, shard));
    rx
}

/// Read one line (with its newline) into `buf`, keeping at most `max` bytes of it: the
/// bytes read (0 at the end) and whether the line was longer (the rest was skipped).
fn read_line_bounded(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<(usize, bool)> {
    let (mut read, mut long) = (0, false);
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok((read, long));
        }
        let (part, done) = match available.iter().position(|b| *b == b'\n') {
            Some(i) => (&available[..=i], true),
            None => (available, false),
        };
        let n = part.len();
        if !long && buf.len() + n <= max {
            buf.extend_from_slice(part);
        } else {
            long = true;
            buf.clear();
        }
        reader.consume(n);
        read += n;
        if done {
            return Ok((read, long));
        }
    }
}

/// Read lines into the channel, in chunks, until the input ends, fails, or nobody listens.
/// A chunk is sent when it is full (in lines or bytes) or when the next read would have to
/// wait for input.
fn read_lines(
    input: Box<dyn Read + Send>,
    max_line: usize,
    tx: tokio::sync::mpsc::Sender<Vec<Item>>,
    shard: Option<Shard>,
) {
    let mut reader = BufReader::with_capacity(64 << 10, input);
    let mut buf = Vec::new();
    let mut no = 0u64;
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut bytes = 0;
    loop {
        buf.clear();
        match read_line_bounded(&mut reader, &mut buf, max_line) {
            Ok((0, _)) => break,
            Ok((_, long)) => {
                no += 1;
                if long && shard.is_none_or(|s| s.takes(no)) {
                    chunk.push(Ok(long_line(no, max_line)));
                }
            }
            Err(e) => {
                chunk.push(Err(format!("cannot read the input after line {no}: {e}")));
                break;
            }
        }
        if shard.is_none_or(|s| s.takes(no)) {
            if let Some(line) = parse_line(no, &buf) {
                bytes += line.payload.len();
                chunk.push(Ok(line));
            }
        }
        let ready = chunk.len() >= CHUNK || bytes >= CHUNK_BYTES;
        if ready || (!chunk.is_empty() && reader.buffer().is_empty()) {
            bytes = 0;
            let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
            if tx.blocking_send(full).is_err() {
                return;
            }
        }
    }
    if !chunk.is_empty() {
        let _ = tx.blocking_send(chunk);
    }
}

/// The bad line that stands for one longer than `max` bytes.
fn long_line(no: u64, max: usize) -> Line {
    Line {
        no,
        id: Json::Null,
        payload: Vec::new(),
        qualifier: None,
        error: Some(format!(
            "the line is longer than {max} bytes, more than its payload may be: it was skipped"
        )),
    }
}

/// Count the non-blank lines of a file (for the progress bar's total).
pub(super) fn count_lines(path: &Path) -> Option<u64> {
    let mut reader = BufReader::with_capacity(64 << 10, std::fs::File::open(path).ok()?);
    let mut buf = Vec::new();
    let mut n = 0;
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) => return Some(n),
            Ok(_) if !buf.iter().all(u8::is_ascii_whitespace) => n += 1,
            Ok(_) => {}
            Err(_) => return None,
        }
    }
}

/// `--input`: the file, or stdin for `-`.
pub(super) fn open_input(path: &Path) -> Result<(Box<dyn Read + Send>, Option<&Path>)> {
    if path == Path::new("-") {
        if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
            eprintln!("reading NDJSON lines from the terminal; end with Ctrl-D");
        }
        return Ok((Box::new(std::io::stdin()), None));
    }
    let shown = path.display();
    if path.is_dir() {
        return Err(Error::Usage(format!(
            "--input {shown}: is a directory: give an NDJSON file, or - for stdin"
        )));
    }
    let file = std::fs::File::open(path).map_err(|e| {
        Error::Usage(format!(
            "--input {shown}: cannot open the input: {e}: give an existing NDJSON file, or - for stdin"
        ))
    })?;
    Ok((Box::new(file), Some(path)))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn line(raw: &str) -> Line {
        parse_line(3, raw.as_bytes()).expect("not blank")
    }

    #[test]
    fn shards_split_by_line_number() {
        let shards: Vec<Shard> = (1..=3).map(|k| Shard { k, n: 3 }).collect();
        for no in 1..=30 {
            assert_eq!(
                shards.iter().filter(|s| s.takes(no)).count(),
                1,
                "line {no}"
            );
        }
        assert!(shards[0].takes(1) && shards[0].takes(4) && shards[2].takes(3));
        let env = |k: &str| (k == "JOB_COMPLETION_INDEX").then(|| "2".to_string());
        let auto = crate::cli::Shard { k: None, n: 4 };
        assert_eq!(Shard::resolve(auto, &env).unwrap(), Shard { k: 3, n: 4 });
        let batch = |k: &str| (k == "AWS_BATCH_JOB_ARRAY_INDEX").then(|| "0".to_string());
        assert_eq!(Shard::resolve(auto, &batch).unwrap(), Shard { k: 1, n: 4 });
        let none = |_: &str| None;
        let e = Shard::resolve(auto, &none).unwrap_err().to_string();
        assert!(e.contains("give the shard as K/4"), "{e}");
        let big = |_: &str| Some("4".to_string());
        let e = Shard::resolve(auto, &big).unwrap_err().to_string();
        assert!(e.contains("shard 5 of 4 does not exist"), "{e}");
    }

    #[test]
    fn plain_lines_are_sent_as_is() {
        let l = line("{\"a\": 1}\r\n");
        assert_eq!(l.payload, b"{\"a\": 1}");
        assert_eq!(
            (l.no, &l.id, &l.qualifier, &l.error),
            (3, &Json::Null, &None, &None)
        );
        assert_eq!(line("hello world").payload, b"hello world");
        // not an object, or not valid JSON, or no payload key: as is
        assert_eq!(line("[\"payload\"]").payload, b"[\"payload\"]");
        assert_eq!(line("{\"payload\": oops").payload, b"{\"payload\": oops");
        assert_eq!(line("{\"payloads\":1}").payload, b"{\"payloads\":1}");
        for blank in ["", "\n", "  \t\r\n", "\r"] {
            assert_eq!(parse_line(1, blank.as_bytes()), None, "{blank:?}");
        }
    }

    #[test]
    fn payload_objects_are_unwrapped() {
        let l = line(r#"{"id": "a-1", "payload": {"b": 1, "a": 12345678901234567890123}}"#);
        assert_eq!(l.payload, br#"{"b": 1, "a": 12345678901234567890123}"#);
        assert_eq!(l.id, json!("a-1"));
        let l = line(r#"{"payload":"some \"text\"\n","id":7,"qualifier":"v2"}"#);
        assert_eq!(l.payload, b"some \"text\"\n");
        assert_eq!(l.id, json!(7));
        assert_eq!(l.qualifier.as_deref(), Some("v2"));
        let l = line(r#"{"payload":{"payload":1},"id":null,"qualifier":null}"#);
        assert_eq!(l.payload, br#"{"payload":1}"#);
        assert_eq!((l.id, l.qualifier, l.error), (Json::Null, None, None));
    }

    #[test]
    fn malformed_payload_objects_are_bad_lines() {
        for (raw, want) in [
            (r#"{"payload":1,"ID":2}"#, "not 'ID'"),
            (r#"{"payload":1,"id":[2]}"#, "\"id\" must be"),
            (r#"{"payload":1,"qualifier":3}"#, "\"qualifier\" must be"),
        ] {
            let e = line(raw).error.unwrap_or_default();
            assert!(e.contains(want), "{raw}: {e}");
        }
    }

    #[test]
    fn long_lines_are_skipped_not_held() {
        let input = format!("short\n{}\nafter\n{}", "x".repeat(100), "y".repeat(50));
        let mut r = BufReader::with_capacity(7, input.as_bytes());
        let mut buf = Vec::new();
        let mut got = Vec::new();
        loop {
            buf.clear();
            match read_line_bounded(&mut r, &mut buf, 20).unwrap() {
                (0, _) => break,
                (_, long) => got.push((String::from_utf8(buf.clone()).unwrap(), long)),
            }
        }
        assert_eq!(
            got,
            [
                ("short\n".to_string(), false),
                (String::new(), true),
                ("after\n".to_string(), false),
                (String::new(), true),
            ]
        );
    }
}
