//! `batch --journal FILE`: an append-only record of each line's state, so that a batch run
//! again with the same input and options skips what finished and never re-sends a line
//! whose call may have run.
//!
//! One JSON object a line: a header `{"fcall_journal":1,"options":FP}`, then `{"s":N,"h":H}`
//! when line N is about to be sent and `{"f":N,"h":H,"c":CODE,"u":UNCERTAIN,"e":ENVELOPE}`
//! when it is printed (`H` hashes what the line holds, so a different input is refused).
//!
//! What `kill -9` can lose, and why no finished line is lost: records are handed to the
//! kernel with one write per group (the started records of the lines about to be sent,
//! before any of them is sent; the finished records of the lines printed, before they are
//! printed), and a killed process loses no written byte. What it can lose is what was not
//! yet written: lines answered but not yet printed (waiting for an earlier line in the
//! window). Those have a started record and no finished one, so the next run reports them
//! `uncertain` rather than send them again. A record cut in half by the kill is the last
//! line of the file, without its newline: it is dropped when the journal is opened.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::value::RawValue;

use super::input::Line;
use crate::error::{Error, Result};

/// What the journal knows of a line.
#[derive(Debug, PartialEq)]
pub(super) enum Known {
    /// Nothing: send it.
    New,
    /// It was printed: its exit code, whether it was uncertain, its envelope line.
    Finished {
        code: u8,
        uncertain: bool,
        envelope: Vec<u8>,
    },
    /// It was sent and never printed: it may have run.
    Unanswered,
}

#[derive(Deserialize)]
struct Record<'a> {
    #[serde(default)]
    fcall_journal: Option<u32>,
    #[serde(default)]
    options: Option<String>,
    #[serde(default)]
    s: Option<u64>,
    #[serde(default)]
    f: Option<u64>,
    #[serde(default)]
    h: Option<String>,
    #[serde(default)]
    c: Option<u8>,
    #[serde(default)]
    u: bool,
    #[serde(borrow, default)]
    e: Option<&'a RawValue>,
}

pub(super) struct Journal {
    path: PathBuf,
    file: File,
    /// For reading back the finished records of a resumed run.
    reader: File,
    /// Per line number (index n - 1): 1 + the offset of its last finished record, or 0.
    finished: Vec<u64>,
    /// Lines started and not finished: line → the hash of what it held.
    unanswered: HashMap<u64, String>,
    /// Records not yet written.
    pending: Vec<u8>,
    /// The file's length once `pending` is written.
    end: u64,
}

/// The hash of what a line holds: payload, id and qualifier.
pub(super) fn line_hash(line: &Line) -> String {
    let id = line.id.to_string();
    let payload = String::from_utf8_lossy(&line.payload);
    let q = line.qualifier.as_deref().unwrap_or("");
    crate::credentials::fingerprint(&[&payload, &id, q])[..16].to_string()
}

fn corrupt(path: &Path, line: u64, why: &str) -> Error {
    Error::Usage(format!(
        "--journal {}: line {line} is not a journal record ({why}): give the journal of this batch, or a new file",
        path.display()
    ))
}

impl Journal {
    /// Open (or create) the journal of a batch whose options hash to `options`.
    pub(super) fn open(path: &Path, options: &str) -> Result<Journal> {
        let io = |e: std::io::Error| Error::Usage(format!("--journal {}: {e}", path.display()));
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(path)
            .map_err(io)?;
        let mut j = Journal {
            path: path.to_path_buf(),
            reader: File::open(path).map_err(io)?,
            file: file.try_clone().map_err(io)?,
            finished: Vec::new(),
            unanswered: HashMap::new(),
            pending: Vec::new(),
            end: 0,
        };
        let valid = j.load(options)?;
        let len = file.seek(SeekFrom::End(0)).map_err(io)?;
        if valid < len {
            // a record the last run was killed in the middle of
            file.set_len(valid).map_err(io)?;
        }
        j.end = valid;
        if valid == 0 {
            j.pending.extend_from_slice(
                format!("{{\"fcall_journal\":1,\"options\":\"{options}\"}}\n").as_bytes(),
            );
            j.flush()?;
        }
        Ok(j)
    }

    /// Read the records; the length of the file up to the last whole record.
    fn load(&mut self, options: &str) -> Result<u64> {
        let mut reader = BufReader::with_capacity(64 << 10, &self.reader);
        let mut buf = Vec::new();
        let (mut offset, mut no) = (0u64, 0u64);
        loop {
            buf.clear();
            let n = reader
                .read_until(b'\n', &mut buf)
                .map_err(|e| Error::Usage(format!("--journal {}: {e}", self.path.display())))?;
            if n == 0 || !buf.ends_with(b"\n") {
                return Ok(offset);
            }
            no += 1;
            let r: Record = serde_json::from_slice(&buf)
                .map_err(|e| corrupt(&self.path, no, &e.to_string()))?;
            if no == 1 {
                if r.fcall_journal != Some(1) {
                    return Err(corrupt(&self.path, no, "no journal header"));
                }
                if r.options.as_deref() != Some(options) {
                    return Err(Error::Usage(format!(
                        "--journal {}: it records a batch with other options (function, profile or flags): run that same command to resume it, or give a new journal",
                        self.path.display()
                    )));
                }
            } else if let (Some(line), Some(h)) = (r.s, &r.h) {
                self.unanswered.insert(line, h.clone());
            } else if let Some(line) = r.f {
                let i = (line as usize).saturating_sub(1);
                if self.finished.len() <= i {
                    self.finished.resize(i + 1, 0);
                }
                self.finished[i] = offset + 1;
                self.unanswered.remove(&line);
            } else {
                return Err(corrupt(&self.path, no, "neither started nor finished"));
            }
            offset += n as u64;
        }
    }

    /// What the journal knows of line `no`, whose content hashes to `hash`; a line that
    /// held something else in the journalled run is an error.
    pub(super) fn lookup(&mut self, no: u64, hash: &str) -> Result<Known> {
        let shown = self.path.display().to_string();
        let differs = || {
            Error::Usage(format!(
                "--journal {shown}: line {no} of the input is not the line the journal records: resume with the same input, or give a new journal"
            ))
        };
        if let Some(h) = self.unanswered.get(&no) {
            return if h == hash {
                Ok(Known::Unanswered)
            } else {
                Err(differs())
            };
        }
        let at = self
            .finished
            .get((no as usize).wrapping_sub(1))
            .copied()
            .unwrap_or(0);
        if at == 0 {
            return Ok(Known::New);
        }
        let text = self.read_at(at - 1)?;
        let r: Record =
            serde_json::from_slice(&text).map_err(|e| corrupt(&self.path, no, &e.to_string()))?;
        if r.h.as_deref() != Some(hash) {
            return Err(differs());
        }
        let mut envelope = r.e.map(|e| e.get().as_bytes().to_vec()).unwrap_or_default();
        envelope.push(b'\n');
        Ok(Known::Finished {
            code: r.c.unwrap_or(0),
            uncertain: r.u,
            envelope,
        })
    }

    fn read_at(&mut self, offset: u64) -> Result<Vec<u8>> {
        let io =
            |e: std::io::Error| Error::Usage(format!("--journal {}: {e}", self.path.display()));
        self.reader.seek(SeekFrom::Start(offset)).map_err(io)?;
        let mut reader = BufReader::new(&self.reader);
        let mut text = Vec::new();
        reader.read_until(b'\n', &mut text).map_err(io)?;
        Ok(text)
    }

    /// Line `no` is about to be sent (written at the next [`Journal::flush`]).
    pub(super) fn started(&mut self, no: u64, hash: &str) {
        self.pending
            .extend_from_slice(format!("{{\"s\":{no},\"h\":\"{hash}\"}}\n").as_bytes());
    }

    /// Line `no` is printed with `envelope` (one line of JSON, with its newline).
    pub(super) fn finished(
        &mut self,
        no: u64,
        hash: &str,
        code: u8,
        uncertain: bool,
        envelope: &[u8],
    ) {
        let envelope = envelope.strip_suffix(b"\n").unwrap_or(envelope);
        self.pending.extend_from_slice(
            format!("{{\"f\":{no},\"h\":\"{hash}\",\"c\":{code},\"u\":{uncertain},\"e\":")
                .as_bytes(),
        );
        self.pending.extend_from_slice(envelope);
        self.pending.extend_from_slice(b"}\n");
    }

    pub(super) fn has_pending(&self) -> bool {
        !self.pending.is_empty()
    }

    /// Hand the pending records to the kernel, in one write.
    pub(super) fn flush(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        self.file.write_all(&self.pending).map_err(|e| {
            Error::Transport(format!(
                "--journal {}: cannot write: {e}",
                self.path.display()
            ))
        })?;
        self.end += self.pending.len() as u64;
        self.pending.clear();
        Ok(())
    }
}

/// The fingerprint of what a batch does, so a journal is resumed only by the same batch.
pub(super) fn options_fingerprint(parts: &[&str]) -> String {
    crate::credentials::fingerprint(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value as Json;

    fn line(no: u64, payload: &str) -> Line {
        Line {
            no,
            id: Json::Null,
            payload: payload.as_bytes().to_vec(),
            qualifier: None,
            error: None,
        }
    }

    #[test]
    fn a_journal_remembers_what_finished_and_what_was_left_unanswered() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.ndjson");
        let (a, b, c) = (line(1, "a"), line(2, "b"), line(3, "c"));
        {
            let mut j = Journal::open(&path, "opts").unwrap();
            assert_eq!(j.lookup(1, &line_hash(&a)).unwrap(), Known::New);
            j.started(1, &line_hash(&a));
            j.started(2, &line_hash(&b));
            j.flush().unwrap();
            j.finished(1, &line_hash(&a), 0, false, b"{\"line\":1}\n");
            j.flush().unwrap();
        }
        // a record cut in half by kill -9
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        f.write_all(b"{\"f\":2,\"h\":\"x").unwrap();
        drop(f);
        let mut j = Journal::open(&path, "opts").unwrap();
        assert_eq!(
            j.lookup(1, &line_hash(&a)).unwrap(),
            Known::Finished {
                code: 0,
                uncertain: false,
                envelope: b"{\"line\":1}\n".to_vec()
            }
        );
        assert_eq!(j.lookup(2, &line_hash(&b)).unwrap(), Known::Unanswered);
        assert_eq!(j.lookup(3, &line_hash(&c)).unwrap(), Known::New);
        // the cut record is gone, and what is written next is whole
        j.finished(2, &line_hash(&b), 5, true, b"{\"line\":2}\n");
        j.flush().unwrap();
        drop(j);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.ends_with("\"u\":true,\"e\":{\"line\":2}}\n"), "{text}");
        assert_eq!(text.lines().count(), 5);
        let mut j = Journal::open(&path, "opts").unwrap();
        assert!(matches!(
            j.lookup(2, &line_hash(&b)).unwrap(),
            Known::Finished {
                uncertain: true,
                code: 5,
                ..
            }
        ));
        // another input, or other options, are refused
        let e = j
            .lookup(1, &line_hash(&line(1, "other")))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 1 of the input is not the line the journal records"),
            "{e}"
        );
        let e = Journal::open(&path, "other options")
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("it records a batch with other options"), "{e}");
        std::fs::write(&path, "not json\n").unwrap();
        let e = Journal::open(&path, "opts").err().unwrap().to_string();
        assert!(e.contains("line 1 is not a journal record"), "{e}");
    }
}
