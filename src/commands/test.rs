//! `fcall test`: read every suite and compile every expression first (a bad file is exit 2
//! before any case runs), then run the cases concurrently through one session per profile,
//! print each as it ends, and write the reports.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use futures_util::stream::{FuturesUnordered, StreamExt};
use serde_json::value::RawValue;

use super::invoke::{apply_state, wait};
use super::session::{now, Session};
use super::{write_stdout, Ctx};
use crate::cli::{TestArgs, TestReport};
use crate::error::{Error, Result};
use crate::expect::{self, Expr};
use crate::invocation::{Invocation, Mode, Outcome};
use crate::output::{self, Checked, Context, Envelope, TestLine};
use crate::providers::{self, Capability, Provider};
use crate::report::{self, CaseResult};
use crate::suite::{self, Case, Suite};

/// A case ready to run: where it came from, and its expressions compiled.
struct Planned<'s> {
    file: String,
    case: &'s Case,
    checks: Vec<Expr>,
}

/// Every `*.fcall.toml` under `paths` (a file is taken as given), in name order.
fn find_suites(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut found = Vec::new();
    for p in paths {
        if p.is_dir() {
            let before = found.len();
            walk(p, &mut found);
            if found.len() == before {
                return Err(Error::Usage(format!(
                    "{}: no *.fcall.toml in this folder: give a suite file, or write one (see `fcall test --help`)",
                    p.display()
                )));
            }
        } else if p.is_file() {
            found.push(p.clone());
        } else {
            return Err(Error::Usage(format!(
                "{}: no such file or folder: give a suite file or a folder of *.fcall.toml",
                p.display()
            )));
        }
    }
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if p.is_dir() && !name.starts_with('.') && name != "target" && name != "node_modules" {
            walk(&p, found);
        } else if p.is_file() && name.ends_with(".fcall.toml") {
            found.push(p);
        }
    }
}

/// Read and check every suite file.
fn read_suites(files: &[PathBuf]) -> Result<Vec<Suite>> {
    let env = crate::env::process;
    let uuid = || {
        let h = crate::credentials::random_hex();
        format!(
            "{}-{}-4{}-8{}-{}",
            &h[..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..32]
        )
    };
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default();
    let vars = suite::Vars {
        env: &env,
        uuid: &uuid,
        now,
    };
    files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).map_err(|e| {
                Error::Usage(format!("{}: cannot read the suite: {e}", f.display()))
            })?;
            suite::parse(f, &text, &|p| std::fs::read(p), &vars).map_err(Error::Usage)
        })
        .collect()
}

/// The cases `--filter` picks, their expressions compiled (an error names file:line:col).
fn plan<'s>(suites: &'s [Suite], filter: Option<&str>) -> Result<Vec<Planned<'s>>> {
    let mut planned = Vec::new();
    for s in suites {
        let file = s.path.display().to_string();
        for case in &s.cases {
            if filter.is_some_and(|f| !case.name.contains(f)) {
                continue;
            }
            let checks = case
                .expect
                .iter()
                .map(|(text, line, col)| {
                    Expr::compile(text)
                        .map_err(|e| Error::Usage(format!("{file}:{line}:{col}: {e}")))
                })
                .collect::<Result<_>>()?;
            planned.push(Planned {
                file: file.clone(),
                case,
                checks,
            });
        }
    }
    Ok(planned)
}

/// The invocation a case describes.
fn invocation(case: &Case) -> Result<Invocation> {
    let function = match &case.path {
        Some(p) => format!("{}/{}", case.function, p.trim_start_matches('/')),
        None => case.function.clone(),
    };
    let mut inv = Invocation::new(&function);
    inv.payload = case.payload.clone();
    if let Some(t) = &case.content_type {
        inv.content_type = t.clone();
    }
    inv.mode = case.mode;
    inv.wait = case.wait;
    inv.tail = case.log_contains.is_some() && case.mode == Mode::Sync;
    inv.qualifier = case.qualifier.clone();
    inv.method = case.method.clone();
    inv.query = case.query.clone();
    inv.headers = case.headers.clone();
    Ok(inv)
}

/// The checks beyond jq: `max_duration_ms` (the provider's duration, else the round trip)
/// and `log_contains`.
fn built_in_checks(case: &Case, out: &Outcome, took: Duration) -> Vec<Checked> {
    let mut checked = Vec::new();
    if let Some(max) = case.max_duration_ms {
        let ms = out
            .summary
            .duration_ms
            .unwrap_or(took.as_secs_f64() * 1000.0);
        checked.push(Checked {
            expression: format!("max_duration_ms = {max}"),
            ok: ms <= max,
            reason: (ms > max).then(|| format!("took {ms:.1} ms")),
        });
    }
    if let Some(text) = &case.log_contains {
        let log = out.log.as_ref().map(|l| l.text.as_str());
        let ok = log.is_some_and(|l| l.contains(text.as_str()));
        checked.push(Checked {
            expression: format!("log_contains = {text:?}"),
            ok,
            reason: (!ok).then(|| match log {
                Some(_) => "the log does not contain it".to_string(),
                None => "no log came back".to_string(),
            }),
        });
    }
    checked
}

/// Send a case's call (and wait for it, with `wait`), to its outcome and final status.
async fn call(
    session: &Session<'_>,
    inv: &mut Invocation,
    limit: Duration,
) -> Result<(Outcome, Option<String>)> {
    let provider = session.provider;
    let len = inv.payload.as_ref().map_or(0, Vec::len);
    providers::check_payload(provider.spec(), inv.mode, len)?;
    for (name, value) in &inv.headers {
        super::invoke::check_header(&format!("header '{name}'"), name, value)?;
    }
    if inv.mode == Mode::Async && inv.wait {
        if provider.has(Capability::Callbacks) {
            return Err(Error::Usage(format!(
                "{} sends async results to a callback, which fcall test does not receive: drop wait = true, or test the call synchronously",
                provider.product()
            )));
        }
        let status = provider.need_async_status()?;
        if status.needs_caller_id() && inv.invocation_id.is_none() {
            inv.invocation_id = Some(format!("fcall-{}", &crate::credentials::random_hex()[..20]));
        }
    }
    let inv = &*inv;
    let submitted = now();
    let resp = session
        .send(
            |token, now| provider.build(inv, token, now),
            provider.retry_throttled(inv),
        )
        .await?;
    let mut outcome = provider.interpret(inv, &resp)?;
    if inv.mode == Mode::Async && inv.wait {
        let id = outcome.async_id.clone().ok_or_else(|| {
            Error::Refused(format!(
                "{} accepted the call but gave no id to wait on",
                provider.product()
            ))
        })?;
        let state = wait(session, inv, &id, submitted, limit, false).await?;
        let word = apply_state(&mut outcome, Some(state));
        return Ok((outcome, word));
    }
    Ok((outcome, None))
}

/// One case, start to verdict; the envelope when there is one.
async fn run_case(
    session: &Session<'_>,
    profile: &str,
    p: &Planned<'_>,
    limit: Duration,
) -> (CaseResult, Option<Vec<u8>>) {
    let started = Instant::now();
    let provider = session.provider;
    let result = async {
        let mut inv = invocation(p.case)?;
        let function = provider.function_id(&inv)?;
        let (outcome, word) = tokio::time::timeout(limit, call(session, &mut inv, limit))
            .await
            .map_err(|_| {
                Error::Transport(format!(
                    "the case did not finish within {} s (raise timeout)",
                    limit.as_secs()
                ))
            })??;
        Ok::<_, Error>((inv.mode, function, outcome, word))
    }
    .await;
    let time = started.elapsed();
    let mut r = CaseResult {
        file: p.file.clone(),
        name: p.case.name.clone(),
        line: p.case.line,
        code: 0,
        reasons: Vec::new(),
        time,
    };
    let (mode, function, outcome, word) = match result {
        Ok(x) => x,
        Err(e) => {
            r.code = e.code();
            r.reasons.push(e.to_string());
            return (r, None);
        }
    };
    let ctx = Context {
        provider: provider.key(),
        profile,
        function: &function,
        mode,
    };
    let envelope = Envelope::new(&ctx, &outcome, word.as_deref(), None);
    let mut checked = expect::check_all(&p.checks, &output::line(&envelope));
    checked.extend(built_in_checks(p.case, &outcome, time));
    let failed = outcome.function_error.as_ref();
    r.code = expect::verdict(failed.is_some(), &checked);
    for c in checked.iter().filter(|c| !c.ok) {
        r.reasons.push(format!(
            "expectation not met: {} {}",
            c.expression,
            c.reason.as_deref().unwrap_or("")
        ));
    }
    if let (Some(fe), 6) = (failed, r.code) {
        r.reasons
            .push(format!("function error: {}: {}", fe.kind, fe.message));
    }
    let mut text = output::line(&envelope.with_expectations(&checked));
    text.pop();
    (r, Some(text))
}

/// Each profile a case names (`None`: the usual choice), with its name and provider.
type Built = BTreeMap<Option<String>, (String, Box<dyn Provider>)>;

/// The provider of each profile the cases name, each built once.
fn providers_for(ctx: &Ctx, planned: &[Planned]) -> Result<Built> {
    let cfg = ctx.load_config()?;
    let mut built = BTreeMap::new();
    for p in planned {
        let key = p.case.profile.clone();
        if built.contains_key(&key) {
            continue;
        }
        let chosen = key.as_deref().or(ctx.profile.as_deref());
        let profile = cfg.select_profile(chosen)?;
        let provider = providers::from_profile(profile, &crate::env::process)?;
        built.insert(key, (profile.name.clone(), provider));
    }
    Ok(built)
}

/// Print a finished case: its line(s), or its NDJSON line with the case lines on stderr.
fn print_case(args: &TestArgs, r: &CaseResult, envelope: Option<&[u8]>) -> Result<()> {
    let lines = report::case_lines(r);
    match args.report {
        TestReport::Human => write_stdout(lines.as_bytes()),
        TestReport::Json => {
            eprint!("{lines}");
            let raw = envelope
                .and_then(|e| std::str::from_utf8(e).ok())
                .and_then(|e| serde_json::from_str::<&RawValue>(e).ok());
            let line = TestLine {
                file: &r.file,
                name: &r.name,
                line: r.line,
                ok: r.code == 0,
                exit_code: r.code,
                time_ms: r.time.as_secs_f64() * 1000.0,
                reasons: &r.reasons,
                envelope: raw,
            };
            write_stdout(&output::line(&line))
        }
    }
}

pub async fn run(ctx: &Ctx, args: &TestArgs) -> Result<u8> {
    let files = find_suites(&args.paths)?;
    let suites = read_suites(&files)?;
    let planned = plan(&suites, args.filter.as_deref())?;
    let started = Instant::now();
    let built = if planned.is_empty() {
        BTreeMap::new()
    } else {
        providers_for(ctx, &planned)?
    };
    let options = args.net.options(ctx.verbose);
    let sessions: BTreeMap<&Option<String>, (&str, Session)> = built
        .iter()
        .map(|(k, (name, p))| Ok((k, (name.as_str(), Session::new(p.as_ref(), &options)?))))
        .collect::<Result<_>>()?;
    let mut results: Vec<(usize, CaseResult)> = Vec::new();
    let mut running = FuturesUnordered::new();
    let mut next = planned.iter().enumerate();
    loop {
        while running.len() < args.jobs.max(1) as usize {
            let Some((i, p)) = next.next() else { break };
            let (profile, session) = &sessions[&p.case.profile];
            let limit = Duration::from_secs(p.case.timeout.unwrap_or(args.net.timeout).max(1));
            running.push(async move { (i, run_case(session, profile, p, limit).await) });
        }
        let Some((i, (r, envelope))) = running.next().await else {
            break;
        };
        print_case(args, &r, envelope.as_deref())?;
        results.push((i, r));
    }
    results.sort_by_key(|(i, _)| *i);
    let results: Vec<CaseResult> = results.into_iter().map(|(_, r)| r).collect();
    finish(args, &results, started.elapsed())
}

/// The summary line, the reports, and the run's exit code.
fn finish(args: &TestArgs, results: &[CaseResult], elapsed: Duration) -> Result<u8> {
    let summary = format!("\n{}\n", report::summary_line(results, elapsed));
    match args.report {
        TestReport::Human => write_stdout(summary.as_bytes())?,
        TestReport::Json => eprint!("{summary}"),
    }
    if let Some(path) = &args.junit {
        let xml = report::junit(results, elapsed)?;
        std::fs::write(path, xml).map_err(|e| {
            Error::Usage(format!(
                "--junit {}: cannot write the report: {e}",
                path.display()
            ))
        })?;
    }
    if crate::env::process("GITHUB_ACTIONS").as_deref() == Some("true") {
        let annotations = report::github_annotations(results);
        match args.report {
            TestReport::Human => write_stdout(annotations.as_bytes())?,
            TestReport::Json => eprint!("{annotations}"),
        }
        if let Some(file) = crate::env::process("GITHUB_STEP_SUMMARY").filter(|f| !f.is_empty()) {
            append(Path::new(&file), &report::step_summary(results, elapsed))?;
        }
    }
    Ok(report::exit_code(results))
}

fn append(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| {
            Error::Usage(format!(
                "GITHUB_STEP_SUMMARY {}: cannot append: {e}",
                path.display()
            ))
        })
}
