//! `fcall batch merge`: the outputs of `batch --shard` runs, each in line order, merged
//! into one output in line order (a k-way merge: one line of each file in memory), with the
//! summary and exit code of the whole batch.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;

use serde::Deserialize;

use super::call::Done;
use super::stats::Stats;
use crate::error::{Error, Result};
use crate::output::Checked;

/// What the merge reads of an envelope: its line number and how it ended.
#[derive(Deserialize)]
struct Seen {
    line: u64,
    #[serde(default)]
    error: Option<ErrorPart>,
    #[serde(default)]
    function_error: Option<serde::de::IgnoredAny>,
    #[serde(default)]
    expectations: Option<Vec<Checked>>,
}

#[derive(Deserialize)]
struct ErrorPart {
    exit_code: u8,
    #[serde(default)]
    kind: String,
}

/// An envelope's exit code, by the rule it was printed by.
fn code_of(seen: &Seen) -> (u8, bool) {
    if let Some(e) = &seen.error {
        return (e.exit_code, false);
    }
    let checked = seen.expectations.as_deref().unwrap_or(&[]);
    let unmet = checked.iter().any(|c| !c.ok);
    (
        crate::expect::verdict(seen.function_error.is_some(), checked),
        unmet,
    )
}

struct Input {
    name: String,
    reader: BufReader<Box<dyn std::io::Read>>,
    /// The line read last: its text and its envelope's number.
    head: Option<(Vec<u8>, u64)>,
    read: u64,
}

impl Input {
    /// Read the next envelope (blank lines skipped); `None` at the end.
    fn advance(&mut self) -> Result<()> {
        let mut buf = Vec::new();
        loop {
            buf.clear();
            let n = self
                .reader
                .read_until(b'\n', &mut buf)
                .map_err(|e| Error::Usage(format!("{}: cannot read: {e}", self.name)))?;
            self.read += 1;
            if n == 0 {
                self.head = None;
                return Ok(());
            }
            if buf.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            if !buf.ends_with(b"\n") {
                buf.push(b'\n');
            }
            let seen: Seen = serde_json::from_slice(&buf).map_err(|e| {
                Error::Usage(format!(
                    "{} line {}: not a batch envelope with a \"line\" ({e}): give the outputs of `fcall batch --shard`",
                    self.name, self.read
                ))
            })?;
            if let Some((_, before)) = &self.head {
                if seen.line <= *before {
                    return Err(Error::Usage(format!(
                        "{} line {}: line {} comes after line {before}: each input must be one batch's output, in order",
                        self.name, self.read, seen.line
                    )));
                }
            }
            self.head = Some((buf, seen.line));
            return Ok(());
        }
    }
}

pub(super) fn run(files: &[PathBuf]) -> Result<u8> {
    let mut inputs = Vec::new();
    for f in files {
        let file = std::fs::File::open(f).map_err(|e| {
            Error::Usage(format!(
                "{}: cannot open: {e}: give the shards' output files",
                f.display()
            ))
        })?;
        let mut input = Input {
            name: f.display().to_string(),
            reader: BufReader::new(Box::new(file)),
            head: None,
            read: 0,
        };
        input.advance()?;
        inputs.push(input);
    }
    let mut heap: BinaryHeap<Reverse<(u64, usize)>> = inputs
        .iter()
        .enumerate()
        .filter_map(|(i, inp)| inp.head.as_ref().map(|(_, n)| Reverse((*n, i))))
        .collect();
    let mut stats = Stats::default();
    let mut out = std::io::BufWriter::with_capacity(64 << 10, std::io::stdout().lock());
    let mut last: Option<u64> = None;
    while let Some(Reverse((no, i))) = heap.pop() {
        if last == Some(no) {
            return Err(Error::Usage(format!(
                "line {no} is in two inputs ({} among them): merge the outputs of one batch's shards, each once",
                inputs[i].name
            )));
        }
        last = Some(no);
        let (text, _) = inputs[i].head.take().expect("a head for each heap entry");
        let seen: Seen =
            serde_json::from_slice(&text).map_err(|e| Error::Internal(e.to_string()))?;
        let (code, unmet) = code_of(&seen);
        stats.add(&Done {
            no,
            journal: None,
            uncertain: seen.error.as_ref().is_some_and(|e| e.kind == "uncertain"),
            text: Vec::new(),
            code,
            unmet,
            failure: None,
            latency: None,
        });
        match out.write_all(&text) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(stats.exit),
            r => r.map_err(|e| Error::Internal(format!("cannot write to stdout: {e}")))?,
        }
        inputs[i].advance()?;
        if let Some((_, n)) = &inputs[i].head {
            heap.push(Reverse((*n, i)));
        }
    }
    match out.flush() {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(Error::Internal(format!("cannot write to stdout: {e}")))
        }
        _ => {}
    }
    eprintln!(
        "{}",
        stats
            .summary(None, None)
            .replacen("batch:", "batch merge:", 1)
    );
    Ok(stats.exit)
}
