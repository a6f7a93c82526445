//! `fcall invoke`: one invocation, whatever the provider.
//!
//! profile → provider → (token from cache or fetched) → build → send → interpret →
//! (async: poll until done with --wait) → render. Shared by every provider.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use super::{process_env, warn, write_stdout, Ctx};
use crate::cli::{InvokeArgs, OutputFormat};
use crate::credentials::TokenCache;
use crate::error::{code, Error, Result};
use crate::http::HttpRequest;
use crate::invocation::{AsyncState, FunctionError, Invocation, Mode, Outcome};
use crate::providers::{self, Provider};
use crate::render::{self, Context};
use crate::transport::{self, shown_value, Transport};

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// The payload from `-d` (literal, `@FILE`, `@-`), else piped stdin, else none.
fn read_payload(data: Option<&str>) -> Result<Option<Vec<u8>>> {
    let read_stdin = || {
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
            .map_err(|e| Error::Usage(format!("cannot read the payload from stdin: {e}")))?;
        Ok(buf)
    };
    match data {
        Some("@-") => read_stdin().map(Some),
        Some(d) if d.starts_with('@') => {
            let path = &d[1..];
            if std::path::Path::new(path).is_dir() {
                return Err(Error::Usage(format!(
                    "-d @{path}: is a directory: give a file after @, or @- for stdin"
                )));
            }
            std::fs::read(path).map(Some).map_err(|e| {
                Error::Usage(format!(
                    "-d @{path}: cannot read the payload file: {e}: give an existing file after @, or @- for stdin"
                ))
            })
        }
        Some(d) => Ok(Some(d.as_bytes().to_vec())),
        None if !std::io::stdin().is_terminal() => {
            let buf = read_stdin()?;
            Ok((!buf.is_empty()).then_some(buf))
        }
        None => Ok(None),
    }
}

/// `-H "Name: value"` → (name, value).
fn parse_header(h: &str) -> Result<(String, String)> {
    match h.split_once(':') {
        Some((k, v))
            if !k.trim().is_empty()
                && k.trim()
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b)) =>
        {
            Ok((k.trim().to_string(), v.trim().to_string()))
        }
        _ => Err(Error::Usage(format!(
            "-H '{h}': a header is written \"Name: value\" (e.g. -H 'X-Trace: 1')"
        ))),
    }
}

fn invocation(args: &InvokeArgs) -> Result<Invocation> {
    let mut inv = Invocation::new(&args.function);
    inv.payload = read_payload(args.data.as_deref())?;
    inv.content_type = args.content_type.clone();
    inv.mode = if args.async_ { Mode::Async } else { Mode::Sync };
    inv.tail = args.tail;
    inv.qualifier = args.qualifier.clone();
    inv.headers = args
        .headers
        .iter()
        .map(|h| parse_header(h))
        .collect::<Result<_>>()?;
    Ok(inv)
}

/// The request as text, secrets masked: what `--dry-run` prints.
fn describe(req: &HttpRequest, secret: &[&str]) -> String {
    let mut s = format!("{} {}\n", req.method, req.url());
    for (k, v) in &req.headers {
        s.push_str(&format!("{k}: {}\n", shown_value(k, v, secret)));
    }
    s.push('\n');
    s.push_str(&String::from_utf8_lossy(&req.body));
    if !req.body.is_empty() && !req.body.ends_with(b"\n") {
        s.push('\n');
    }
    s
}

/// Tokens for providers that fetch them, through the on-disk cache.
struct Tokens<'a> {
    provider: &'a dyn Provider,
    transport: &'a Transport,
    cache: Option<TokenCache>,
    verbose: bool,
}

impl Tokens<'_> {
    /// `(token, came_from_cache)`, or `None` when the auth mode needs no token.
    async fn get(&self, fresh: bool) -> Result<Option<(String, bool)>> {
        let Some(src) = self.provider.token_source() else {
            return Ok(None);
        };
        if !fresh {
            if let Some(t) = self
                .cache
                .as_ref()
                .and_then(|c| c.get(&src.cache_key, now().unix_timestamp()))
            {
                return Ok(Some((t.value, true)));
            }
        }
        let secret = ["x-subject-token"];
        let req = src.request.clone();
        let resp = self
            .transport
            .execute(|| Ok(req.clone()), &secret, None)
            .await?;
        let token = self.provider.parse_token(&resp, now())?;
        if let Some(cache) = &self.cache {
            if let Err(e) = cache.put(&src.cache_key, &token) {
                if self.verbose {
                    eprintln!("could not cache the token: {e}");
                }
            }
        }
        Ok(Some((token.value, false)))
    }

    fn forget(&self) {
        if let (Some(src), Some(cache)) = (self.provider.token_source(), &self.cache) {
            cache.remove(&src.cache_key);
        }
    }
}

pub async fn run(ctx: &Ctx, args: &InvokeArgs) -> Result<u8> {
    let cfg = ctx.load_config()?;
    let profile = ctx.select_profile(&cfg)?;
    let provider = providers::from_profile(profile, &process_env)?;
    let inv = invocation(args)?;
    let function = provider.function_id(&inv)?;
    let rctx = Context {
        provider: provider.key(),
        profile: &profile.name,
        function: &function,
        mode: inv.mode,
    };
    let json = args.output == OutputFormat::Json;
    match execute(ctx, args, provider.as_ref(), &inv, &rctx).await {
        Ok(code) => Ok(code),
        Err(e) => {
            if json && !matches!(e, Error::Function(_)) {
                let mut line = render::error_envelope(&rctx, &e).to_string();
                line.push('\n');
                write_stdout(line.as_bytes())?;
            }
            Err(e)
        }
    }
}

async fn execute(
    ctx: &Ctx,
    args: &InvokeArgs,
    provider: &dyn Provider,
    inv: &Invocation,
    rctx: &Context<'_>,
) -> Result<u8> {
    let secret = provider.secret_headers();
    if args.dry_run {
        let placeholder = provider.token_source().map(|_| "(fetched when sent)");
        let req = provider.build(inv, placeholder, now())?;
        write_stdout(describe(&req, secret).as_bytes())?;
        return Ok(code::OK);
    }
    if args.tail && inv.mode == Mode::Async {
        warn("--tail has no effect on an async invocation: its log is not returned");
    }
    let transport = Transport::new(transport::Options {
        timeout: Duration::from_secs(args.timeout.max(1)),
        connect_timeout: Duration::from_secs(args.connect_timeout.max(1)),
        retries: args.retries,
        verbose: ctx.verbose,
    })?;
    let tokens = Tokens {
        provider,
        transport: &transport,
        cache: TokenCache::from_env(&process_env),
        verbose: ctx.verbose,
    };
    let mut token = tokens.get(false).await?;
    let submitted = now();
    let hint = provider.timeout_hint();
    let send = |tok: Option<String>| {
        let t = &transport;
        async move {
            t.execute(|| provider.build(inv, tok.as_deref(), now()), secret, hint)
                .await
        }
    };
    let mut resp = send(token.as_ref().map(|t| t.0.clone())).await?;
    if resp.status == 401 && token.as_ref().is_some_and(|t| t.1) {
        // a cached token the provider no longer takes: the call did not run, so fetch once more
        tokens.forget();
        token = tokens.get(true).await?;
        resp = send(token.as_ref().map(|t| t.0.clone())).await?;
    }
    let outcome = provider.interpret(inv, &resp)?;
    let token = token.map(|t| t.0);
    if inv.mode == Mode::Async && args.wait {
        let id = outcome.request_id.clone().unwrap_or_default();
        if args.output == OutputFormat::Human {
            eprintln!("accepted · request {id} · waiting for it to finish");
        }
        let state = wait(
            args,
            provider,
            inv,
            &transport,
            &id,
            submitted,
            token.as_deref(),
        )
        .await?;
        return finish(ctx, args, rctx, outcome, Some(state));
    }
    finish(ctx, args, rctx, outcome, None)
}

/// Poll the status API with backoff until the invocation ends or `--timeout` runs out.
#[allow(clippy::too_many_arguments)]
async fn wait(
    args: &InvokeArgs,
    provider: &dyn Provider,
    inv: &Invocation,
    transport: &Transport,
    id: &str,
    submitted: OffsetDateTime,
    token: Option<&str>,
) -> Result<AsyncState> {
    let spinner = if std::io::stderr().is_terminal() && args.output == OutputFormat::Human {
        let s = indicatif::ProgressBar::new_spinner();
        s.enable_steady_tick(Duration::from_millis(120));
        s
    } else {
        indicatif::ProgressBar::hidden()
    };
    let started = Instant::now();
    let limit = Duration::from_secs(args.timeout.max(1));
    let mut delay = Duration::from_millis(200);
    let mut not_found = 0;
    loop {
        let build = || {
            provider
                .status_request(inv, id, submitted, token, now())?
                .ok_or_else(|| {
                    Error::Usage(format!(
                        "{} has no status query for async invocations: --wait is not available",
                        provider.product()
                    ))
                })
        };
        let resp = transport
            .execute(build, provider.secret_headers(), None)
            .await?;
        let state = provider.interpret_status(id, &resp)?;
        match &state {
            AsyncState::Pending(s) => {
                spinner.set_message(format!("{s} · {:.0?} elapsed", started.elapsed()));
            }
            AsyncState::NotFound => {
                not_found += 1;
                if not_found >= 10 {
                    spinner.finish_and_clear();
                    return Err(Error::Refused(format!(
                        "{} does not know request {id}: for FunctionGraph, enable async status logs (enable_async_status_log) on the function",
                        provider.product()
                    )));
                }
            }
            _ => {
                spinner.finish_and_clear();
                return Ok(state);
            }
        }
        if started.elapsed() + delay > limit {
            spinner.finish_and_clear();
            return Err(Error::Transport(format!(
                "request {id} was still running after {} s (raise --timeout to wait longer)",
                limit.as_secs()
            )));
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(Duration::from_secs(5));
    }
}

/// Whether stdout and stderr are the same file or pipe (`2>&1`).
fn stdout_is_stderr() -> bool {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::MetadataExt;
        let id = |fd: u8| {
            std::fs::metadata(format!("/proc/self/fd/{fd}"))
                .ok()
                .map(|m| (m.dev(), m.ino()))
        };
        matches!((id(1), id(2)), (Some(a), Some(b)) if a == b)
    }
    #[cfg(not(target_os = "linux"))]
    false
}

/// Print the outcome: result on stdout (or the envelope), report on stderr; the exit code.
fn finish(
    ctx: &Ctx,
    args: &InvokeArgs,
    rctx: &Context,
    mut outcome: Outcome,
    state: Option<AsyncState>,
) -> Result<u8> {
    let status_word = match &state {
        Some(AsyncState::Succeeded { .. }) => Some("SUCCESS".to_string()),
        Some(AsyncState::Failed { status, message }) => {
            outcome.function_error = Some(FunctionError {
                kind: status.clone(),
                message: message.clone(),
            });
            Some(status.clone())
        }
        _ => None,
    };
    let failed = outcome.function_error.is_some();
    match args.output {
        OutputFormat::Json => {
            let mut line = render::envelope(rctx, &outcome, status_word.as_deref()).to_string();
            line.push('\n');
            write_stdout(line.as_bytes())?;
        }
        OutputFormat::Human => {
            let mut report = String::new();
            if rctx.mode == Mode::Sync {
                let mut out = outcome.result.clone();
                let stdout_tty = std::io::stdout().is_terminal();
                if stdout_tty && !out.is_empty() && !out.ends_with(b"\n") {
                    out.push(b'\n');
                }
                // stdout stays byte-exact; when both streams land in one place, start the
                // report on a line of its own
                if !stdout_tty && !out.is_empty() && !out.ends_with(b"\n") && stdout_is_stderr() {
                    report.push('\n');
                }
                write_stdout(&out)?;
            }
            report.push_str(&render::human_report(
                &outcome,
                rctx.mode,
                status_word.as_deref(),
                ctx.color,
            ));
            eprint!("{report}");
        }
    }
    Ok(if failed { code::FUNCTION } else { code::OK })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_parse_or_explain() {
        assert_eq!(
            parse_header("X-Trace:  1 ").unwrap(),
            ("X-Trace".to_string(), "1".to_string())
        );
        assert_eq!(parse_header("A: b: c").unwrap().1, "b: c");
        for bad in ["novalue", ": x", "bad header: x"] {
            let e = parse_header(bad).unwrap_err();
            assert_eq!(e.code(), code::USAGE, "{bad}");
            assert!(e.to_string().contains("Name: value"));
        }
    }

    #[test]
    fn describe_masks_secrets() {
        let mut r = HttpRequest::new("POST", "https://h", "/p");
        r.set_header("X-Auth-Token", "s3cret");
        r.set_header("Content-Type", "application/json");
        r.body = b"{}".to_vec();
        let d = describe(&r, &["x-auth-token"]);
        assert_eq!(
            d,
            "POST https://h/p\nX-Auth-Token: ****\nContent-Type: application/json\n\n{}\n"
        );
    }
}
