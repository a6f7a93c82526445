//! `fcall listen`: print async callbacks as they arrive.

use super::write_stdout;
use crate::callback::Receiver;
use crate::cli::ListenArgs;
use crate::error::{code, Result};

/// Bodies go to stdout (one per line), a status line per callback to stderr.
pub async fn run(args: &ListenArgs) -> Result<u8> {
    let mut receiver = Receiver::bind(&args.bind).await?;
    let url = receiver.new_url(args.public_url.as_deref());
    eprintln!("listening on {url}");
    let mut seen = 0;
    while let Some(cb) = receiver.next().await {
        let mut body = cb.body.clone();
        if !body.ends_with(b"\n") {
            body.push(b'\n');
        }
        write_stdout(&body)?;
        let mut parts = vec![format!(
            "callback · status {}",
            cb.status.map_or("unknown".into(), |s| s.to_string())
        )];
        if let Some(id) = &cb.call_id {
            parts.push(format!("call id {id}"));
        }
        if let Some(d) = cb.duration_secs {
            parts.push(format!("{d} s"));
        }
        if let Some(f) = &cb.function {
            parts.push(format!("function {f}"));
        }
        eprintln!("{}", crate::terminal::escape_line(&parts.join(" · ")));
        seen += 1;
        if args.count.is_some_and(|n| seen >= n) {
            break;
        }
    }
    Ok(code::OK)
}
