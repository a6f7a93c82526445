//! `fcall decode log|summary`: turn pasted header values into text.

use super::{arg_or_stdin, write_stdout};
use crate::cli::DecodeCommand;
use crate::decode;
use crate::error::Result;

pub fn run(cmd: DecodeCommand) -> Result<u8> {
    match cmd {
        DecodeCommand::Log { value, limit } => {
            let input = arg_or_stdin(value.as_deref(), "log value")?;
            let log = decode::decode_log(&input, limit)?;
            let mut text = log.text.into_bytes();
            if !text.ends_with(b"\n") {
                text.push(b'\n');
            }
            write_stdout(&text)?;
            if log.dropped_leading > 0 {
                let n = log.dropped_leading;
                eprintln!(
                    "note: the tail starts inside a character the provider cut in half ({n} byte{} dropped): earlier log lines are missing",
                    if n == 1 { "" } else { "s" }
                );
            } else if log.truncated {
                eprintln!(
                    "note: {} bytes, the provider's tail limit: earlier log lines are missing",
                    log.bytes
                );
            }
            Ok(0)
        }
        DecodeCommand::Summary { value } => {
            let input = arg_or_stdin(value.as_deref(), "summary")?;
            let summary = decode::parse_summary_text(&input)?;
            let mut text = decode::render_summary(&summary);
            if !text.ends_with('\n') {
                text.push('\n');
            }
            write_stdout(text.as_bytes())?;
            Ok(0)
        }
    }
}
