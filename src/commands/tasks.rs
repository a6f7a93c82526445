//! `fcall status` and `fcall stop`: one look at, or the end of, an accepted async invocation.

use super::invoke::{look, Target};
use super::session::{now, Session};
use super::{write_stdout, Ctx};
use crate::cli::{OutputFormat, TaskArgs};
use crate::error::{code, Error, Result};
use crate::invocation::{AsyncState, Invocation, Mode};
use crate::output::{self, StatusLine, SCHEMA_VERSION};

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
    let human = args.output == OutputFormat::Human;
    let options = args.net.options(ctx.verbose).announcing_retries(human);
    let session = Session::new(target.provider.as_ref(), &options)?;
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
            let line = StatusLine {
                error_message: message.as_deref(),
                function: &target.function,
                invocation_id: &args.id,
                ok: exit == code::OK,
                profile: &target.profile,
                provider: target.provider.key(),
                result: result.as_ref().map(|r| String::from_utf8_lossy(r)),
                schema_version: SCHEMA_VERSION,
                status: &status,
                terminal,
            };
            write_stdout(&output::line(&line))?;
        }
        OutputFormat::Human => {
            write_stdout(format!("{}\n", crate::terminal::escape_line(&status)).as_bytes())?;
            if let Some(m) = message {
                eprintln!(
                    "{}",
                    crate::terminal::escape_line(&format!("{}: {m}", args.id))
                );
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
    let human = args.output == OutputFormat::Human;
    let options = args.net.options(ctx.verbose).announcing_retries(human);
    let session = Session::new(provider, &options)?;
    let stop = provider.need_async_stop()?;
    let resp = session
        .send(
            |token, now| stop.stop_request(&inv, &args.id, token, now),
            true,
        )
        .await?;
    if !(200..300).contains(&resp.status) {
        return Err(provider.refused(&resp));
    }
    eprintln!("asked {} to stop {}", provider.product(), args.id);
    Ok(code::OK)
}
