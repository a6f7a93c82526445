//! `fcall status` and `fcall stop`: one look at, or the end of, an accepted async invocation.

use serde_json::json;

use super::invoke::{look, net_options, Target};
use super::session::{now, Session};
use super::{write_stdout, Ctx};
use crate::cli::{OutputFormat, TaskArgs};
use crate::error::{code, Error, Result};
use crate::invocation::{AsyncState, Invocation, Mode};
use crate::render::SCHEMA_VERSION;

fn invocation(args: &TaskArgs) -> Invocation {
    let mut inv = Invocation::new(&args.function);
    inv.mode = Mode::Async;
    inv.qualifier = args.qualifier.clone();
    inv.invocation_id = Some(args.id.clone());
    inv
}

/// Print the status (stdout); exit 0 when finished well or still going, 6 when it failed,
/// 4 when the provider does not know the id.
pub async fn status(ctx: &Ctx, args: &TaskArgs) -> Result<u8> {
    let inv = invocation(args);
    let target = Target::resolve(ctx, &inv)?;
    let session = Session::new(target.provider.as_ref(), &net_options(ctx, &args.net))?;
    // ids are looked up from a day back: the provider's status window starts there
    let since = now() - time::Duration::days(1);
    let state = look(&session, &inv, &args.id, since).await?;
    let (status, terminal, message, result, exit) = match &state {
        AsyncState::Pending(s) => (s.clone(), false, None, None, code::OK),
        AsyncState::Succeeded { status, result } => {
            (status.clone(), true, None, result.clone(), code::OK)
        }
        AsyncState::Failed { status, message } => (
            status.clone(),
            true,
            Some(message.clone()),
            None,
            code::FUNCTION,
        ),
        AsyncState::NotFound => {
            return Err(Error::Refused(format!(
                "{} does not know async invocation {} of {}",
                target.provider.product(),
                args.id,
                target.function
            )))
        }
    };
    match args.output {
        OutputFormat::Json => {
            let result = result
                .as_ref()
                .map(|r| String::from_utf8_lossy(r).into_owned());
            let line = json!({
                "schema_version": SCHEMA_VERSION,
                "provider": target.provider.key(),
                "profile": target.profile,
                "function": target.function,
                "invocation_id": args.id,
                "status": status,
                "terminal": terminal,
                "ok": exit == code::OK,
                "error_message": message,
                "result": result,
            });
            write_stdout(format!("{line}\n").as_bytes())?;
        }
        OutputFormat::Human => {
            write_stdout(format!("{status}\n").as_bytes())?;
            if let Some(m) = message {
                eprintln!("{}: {m}", args.id);
            }
        }
    }
    Ok(exit)
}

/// Ask the provider to stop the invocation.
pub async fn stop(ctx: &Ctx, args: &TaskArgs) -> Result<u8> {
    let inv = invocation(args);
    let target = Target::resolve(ctx, &inv)?;
    let provider = target.provider.as_ref();
    let session = Session::new(provider, &net_options(ctx, &args.net))?;
    let resp = session
        .send(
            |token, now| {
                provider
                    .stop_request(&inv, &args.id, token, now)?
                    .ok_or_else(|| {
                        Error::Usage(format!(
                            "{} cannot stop an async invocation from fcall",
                            provider.product()
                        ))
                    })
            },
            true,
        )
        .await?;
    if !(200..300).contains(&resp.status) {
        return Err(provider.refused(&resp));
    }
    eprintln!("asked {} to stop {}", provider.product(), args.id);
    Ok(code::OK)
}
