//! Function Compute as the emulator plays it: FC 2.0 (`/2021-04-06/`, `/2016-08-15/`) with
//! FC-native signatures, or ACS3 ones as the 2.0 Tea SDK (`alibabacloud-fc-open20210406`)
//! sends them, and FC 3.0 (`/2023-03-30/`) with ACS3 signatures, all checked with our
//! signers; sync with tail logs, function errors, async with stateful invocations (tasks)
//! that move Enqueued → Running → Succeeded/Failed as they are polled, and stop (once).
//! Errors come in each version's own shape: 2.0 `{"ErrorCode","ErrorMessage"}`, 3.0
//! `{"Code","Message","RequestId"}`; a path under a version that is not an API answers 400
//! `PathNotSupported`, as Alibaba's error table says.

use serde_json::json;
use time::OffsetDateTime;

use super::issued::Refusal;
use super::{functions, json_response, query, Job, Reply, State};
use crate::decode::FC_TAIL_LIMIT;
use crate::http::{decode_component, HttpRequest, HttpResponse};
use crate::signing::{acs3, fc};

/// A parsed FC path.
struct Route<'a> {
    v3: bool,
    service: Option<String>,
    qualifier: String,
    function: String,
    /// What follows the function: `invocations`, `stateful-async-invocations/ID`, ...
    rest: Vec<&'a str>,
}

fn parse(path: &str) -> Option<Route<'_>> {
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segs.as_slice() {
        [v, "services", svc, "functions", f, rest @ ..]
            if *v == "2021-04-06" || *v == "2016-08-15" =>
        {
            let svc = decode_component(svc);
            let (service, qualifier) = match svc.split_once('.') {
                Some((s, q)) => (s.to_string(), q.to_string()),
                None => (svc.clone(), "LATEST".to_string()),
            };
            Some(Route {
                v3: false,
                service: Some(service),
                qualifier,
                function: decode_component(f),
                rest: rest.to_vec(),
            })
        }
        ["2023-03-30", "functions", f, rest @ ..] => Some(Route {
            v3: true,
            service: None,
            qualifier: String::new(),
            function: decode_component(f),
            rest: rest.to_vec(),
        }),
        _ => None,
    }
}

/// The API versions the emulator serves, and whether each is 3.0.
const VERSIONS: &[(&str, bool)] = &[
    ("2016-08-15", false),
    ("2021-04-06", false),
    ("2023-03-30", true),
];

/// An error in the shape of the API version (`v3`), with its request id in the header too.
fn error(st: &State, v3: bool, status: u16, code: &str, msg: &str) -> Reply {
    let id = st.new_id();
    let body = if v3 {
        json!({"Code": code, "Message": msg, "RequestId": id})
    } else {
        json!({"ErrorCode": code, "ErrorMessage": msg})
    };
    let mut r = json_response(status, &body);
    r.headers.push(("X-Fc-Request-Id".into(), id));
    r.into()
}

fn path_not_supported(st: &State, v3: bool) -> Reply {
    error(
        st,
        v3,
        400,
        "PathNotSupported",
        "the requested path is not supported",
    )
}

pub(super) fn handle(st: &State, req: &HttpRequest, now: OffsetDateTime) -> Option<Reply> {
    if let Some(reply) = log_config(st, req, now) {
        return Some(reply);
    }
    let Some(mut route) = parse(&req.path) else {
        let version = req.path.trim_start_matches('/').split('/').next()?;
        let &(_, v3) = VERSIONS.iter().find(|(v, _)| *v == version)?;
        return Some(path_not_supported(st, v3));
    };
    if let Err(r) = authenticate(st, req, route.v3, now) {
        return Some(r);
    }
    if req.header("x-fc-security-token").is_some() || req.header("x-acs-security-token").is_some() {
        st.count("aliyun.sts");
    }
    if route.v3 {
        route.qualifier = query(req, "qualifier").unwrap_or("LATEST").to_string();
    }
    if route.service.as_deref() == Some("missing-svc") {
        return Some(error(
            st,
            route.v3,
            404,
            "ServiceNotFound",
            "service 'missing-svc' does not exist",
        ));
    }
    Some(match (req.method.as_str(), route.rest.as_slice()) {
        ("POST", ["invocations"]) => invoke(st, req, &route),
        ("GET", [kind, id]) if is_tasks(kind) => task_status(st, &route, &decode_component(id)),
        ("PUT", ["stateful-async-invocations", id]) | ("PUT", ["async-tasks", id, "stop"]) => {
            stop(st, &route, &decode_component(id))
        }
        _ => path_not_supported(st, route.v3),
    })
}

/// FC 2.0 `GetService` and FC 3.0 `GetFunction`, for where the logs go: every service and
/// function logs to `fc-logs/function-logs`, but `quiet`, which has no logConfig.
fn log_config(st: &State, req: &HttpRequest, now: OffsetDateTime) -> Option<Reply> {
    if req.method != "GET" {
        return None;
    }
    let segs: Vec<&str> = req.path.trim_start_matches('/').split('/').collect();
    let (v3, name) = match segs.as_slice() {
        [v, "services", svc] if *v == "2021-04-06" || *v == "2016-08-15" => {
            (false, decode_component(svc))
        }
        ["2023-03-30", "functions", f] => (true, decode_component(f)),
        _ => return None,
    };
    if let Err(r) = authenticate(st, req, v3, now) {
        return Some(r);
    }
    let name = name.split('.').next().unwrap_or_default().to_string();
    if name == "missing-svc" {
        return Some(error(
            st,
            v3,
            404,
            "ServiceNotFound",
            "service 'missing-svc' does not exist",
        ));
    }
    st.count("aliyun.logconfig");
    let config = if name == "quiet" {
        json!({"project": "", "logstore": ""})
    } else {
        json!({"project": "fc-logs", "logstore": "function-logs",
            "enableRequestMetrics": true, "enableInstanceMetrics": false, "logBeginRule": "DefaultRegex"})
    };
    let body = if v3 {
        json!({"functionName": name, "logConfig": config})
    } else {
        json!({"serviceName": name, "logConfig": config})
    };
    Some(json_response(200, &body).into())
}

/// The function as the log service keeps it: `service/function` (2.0) or `function`.
fn log_key(route: &Route) -> String {
    match &route.service {
        Some(s) => format!("{s}/{}", route.function),
        None => route.function.clone(),
    }
}

fn is_tasks(kind: &str) -> bool {
    kind == "stateful-async-invocations" || kind == "async-tasks"
}

fn authenticate(st: &State, req: &HttpRequest, v3: bool, now: OffsetDateTime) -> Result<(), Reply> {
    let secret_for = |k: &str| st.secret_of(k);
    // the 2.0 Tea SDK signs 2.0 paths with ACS3, which the service takes as well
    let acs3_signed = req
        .header("Authorization")
        .is_some_and(|a| a.starts_with("ACS3-"));
    let verdict = if v3 || acs3_signed {
        acs3::verify(req, secret_for, now).map_err(|e| e.to_string())
    } else {
        fc::verify(req, secret_for, now).map_err(|e| e.to_string())
    };
    let signer = verdict.map_err(|reason| {
        let (code, msg) = if reason.contains("access key") || reason.contains("AccessKey") {
            ("InvalidAccessKeyID", "Specified access key is not found.")
        } else {
            (
                "SignatureNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your access key and signing method.",
            )
        };
        error(st, v3, 403, code, msg)
    })?;
    // FC 2.0 and 3.0 both take an STS token in x-acs-security-token
    let token = req.header("x-acs-security-token");
    st.check_session(&signer, token, now).map_err(|r| match r {
        Refusal::Expired => error(
            st,
            v3,
            403,
            "InvalidSecurityToken.Expired",
            "Specified SecurityToken is expired.",
        ),
        Refusal::WrongToken => error(
            st,
            v3,
            403,
            "InvalidSecurityToken.Mismatch",
            "Specified SecurityToken is invalid.",
        ),
    })
}

/// Function Compute's log around the function's own lines.
fn function_log(run: &functions::Run, id: &str) -> String {
    format!(
        "FC Invoke Start RequestId: {id}\n{}FC Invoke End RequestId: {id}\nDuration: 2.96 ms, Billed Duration: 3 ms, Memory Size: 128 MB, Max Memory Used: 10.83 MB\n",
        run.log
    )
}

fn not_found(st: &State, v3: bool, function: &str) -> Reply {
    error(
        st,
        v3,
        404,
        "FunctionNotFound",
        &format!("function '{function}' does not exist"),
    )
}

fn invoke(st: &State, req: &HttpRequest, route: &Route) -> Reply {
    // throttled on every other call: 429 on the 1st, 3rd, ... (with Retry-After: 0)
    if route.function == "busy" && st.every_other("aliyun.busy.calls") {
        let mut r = error(
            st,
            route.v3,
            429,
            "ResourceExhausted",
            "the concurrency limit was reached",
        );
        r.response.headers.push(("Retry-After".into(), "0".into()));
        return r;
    }
    let run_name = if route.function == "busy" {
        "echo"
    } else {
        route.function.as_str()
    };
    let Some(run) = functions::run(run_name, &req.body) else {
        return not_found(st, route.v3, &route.function);
    };
    let id = st.new_id();
    st.keep_log("aliyun", &log_key(route), &id, &function_log(&run, &id));
    let kind = req.header("x-fc-invocation-type").unwrap_or("Sync");
    if kind.eq_ignore_ascii_case("Async") {
        return enqueue(st, req, route, id);
    }
    respond(st, req, route, run, &id)
}

/// An async invocation: remembered as a task (its id the caller's, or a new one) and
/// answered 202 at once.
fn enqueue(st: &State, req: &HttpRequest, route: &Route, id: String) -> Reply {
    st.count(&format!("aliyun.async.{}", route.function));
    let task = req
        .header("x-fc-stateful-async-invocation-id")
        .or(req.header("x-fc-async-task-id"))
        .map(str::to_string)
        .unwrap_or_else(|| format!("auto-{}", st.new_id()));
    st.jobs.lock().unwrap().insert(
        task.clone(),
        Job {
            function: route.function.clone(),
            polls: 0,
            stopped: false,
            payload: req.body.clone(),
            request_id: id.clone(),
        },
    );
    let task_header = if route.v3 {
        "x-fc-async-task-id"
    } else {
        "X-Fc-Stateful-Async-Invocation-Id"
    };
    HttpResponse {
        status: 202,
        headers: vec![("X-Fc-Request-Id".into(), id), (task_header.into(), task)],
        body: Vec::new(),
    }
    .into()
}

/// A sync invocation: the function's result, its error flag, and the log's tail when asked for.
fn respond(st: &State, req: &HttpRequest, route: &Route, run: functions::Run, id: &str) -> Reply {
    st.count(&format!("aliyun.sync.{}", route.function));
    let mut log = function_log(&run, id);
    functions::cut_inside_a_character(&mut log, FC_TAIL_LIMIT);
    let mut headers = sync_headers(route, id);
    if run.error.is_some() {
        headers.push(("X-Fc-Error-Type".into(), "UnhandledInvocationError".into()));
    }
    if req
        .header("x-fc-log-type")
        .is_some_and(|v| v.eq_ignore_ascii_case("Tail"))
    {
        headers.push((
            "X-Fc-Log-Result".into(),
            functions::tail_base64(&log, FC_TAIL_LIMIT),
        ));
    }
    let response = HttpResponse {
        status: 200,
        headers,
        body: run.result,
    };
    Reply::delayed(response, run.delay)
}

/// The headers of every sync answer.
fn sync_headers(route: &Route, id: &str) -> Vec<(String, String)> {
    vec![
        ("X-Fc-Request-Id".to_string(), id.to_string()),
        ("X-Fc-Invocation-Duration".to_string(), "3".to_string()),
        ("X-Fc-Max-Memory-Usage".to_string(), "10.83".to_string()),
        (
            "X-Fc-Invocation-Service-Version".to_string(),
            route.qualifier.clone(),
        ),
        ("X-Fc-Instance-Id".to_string(), format!("c-{}", &id[..8])),
        (
            "X-Fc-Code-Checksum".to_string(),
            "5697641582914695457".to_string(),
        ),
        (
            "Content-Type".to_string(),
            "application/octet-stream".to_string(),
        ),
    ]
}

/// The code for an async invocation that does not exist, in the version's own words.
fn task_not_found(st: &State, v3: bool, id: &str) -> Reply {
    let code = if v3 {
        "AsyncTaskNotFound"
    } else {
        "StatefulAsyncInvocationNotFound"
    };
    error(
        st,
        v3,
        404,
        code,
        &format!("async invocation '{id}' does not exist"),
    )
}

/// Started and finished, in the milliseconds FC reports times in (fixed: the emulator's
/// tasks run in no time at a known moment).
const STARTED_MS: u64 = 1_704_164_645_000;
const ENDED_MS: u64 = STARTED_MS + 3;

/// Enqueued on the first look, Running on the second, then the outcome (Stopped if stopped).
fn task_status(st: &State, route: &Route, id: &str) -> Reply {
    st.count("aliyun.status");
    let mut jobs = st.jobs.lock().unwrap();
    let Some(job) = jobs.get_mut(id).filter(|j| j.function == route.function) else {
        drop(jobs);
        return task_not_found(st, route.v3, id);
    };
    job.polls += 1;
    let run = functions::run(&job.function, &job.payload);
    let failed = run.as_ref().is_some_and(|r| r.error.is_some());
    let status = match (job.stopped, job.polls, failed) {
        (true, _, _) => "Stopped",
        (_, 1, _) => "Enqueued",
        (_, 2, _) => "Running",
        (_, _, true) => "Failed",
        _ => "Succeeded",
    };
    let error_message = match status {
        "Failed" => "UnhandledInvocationError: division by zero",
        "Stopped" => "stopped by the user",
        _ => "",
    };
    let payload = (status == "Succeeded")
        .then(|| run.map(|r| String::from_utf8_lossy(&r.result).into_owned()))
        .flatten();
    let finished = matches!(status, "Stopped" | "Failed" | "Succeeded");
    let sent = String::from_utf8_lossy(&job.payload).into_owned();
    let mut record = json!({"functionName": route.function, "qualifier": route.qualifier,
        "status": status, "returnPayload": payload, "requestId": job.request_id,
        "alreadyRetriedTimes": 0,
        "startedTime": (status != "Enqueued").then_some(STARTED_MS),
        "endTime": finished.then_some(ENDED_MS),
        "durationMs": finished.then_some(ENDED_MS - STARTED_MS)});
    let fields = if route.v3 {
        [
            ("taskId", id),
            ("taskErrorMessage", error_message),
            ("taskPayload", &sent),
        ]
    } else {
        [
            ("invocationId", id),
            ("invocationErrorMessage", error_message),
            ("invocationPayload", &sent),
        ]
    };
    for (k, v) in fields {
        record[k] = json!(v);
    }
    if !route.v3 {
        record["serviceName"] = json!(route.service);
    }
    let request_id = job.request_id.clone();
    drop(jobs);
    let mut r = json_response(200, &record);
    r.headers.push(("X-Fc-Request-Id".into(), request_id));
    r.into()
}

/// Stop a task that has not finished; one already stopped (or done) cannot be stopped again.
fn stop(st: &State, route: &Route, id: &str) -> Reply {
    let mut jobs = st.jobs.lock().unwrap();
    let Some(job) = jobs.get_mut(id).filter(|j| j.function == route.function) else {
        drop(jobs);
        return task_not_found(st, route.v3, id);
    };
    if job.stopped || job.polls > 2 {
        drop(jobs);
        return error(
            st,
            route.v3,
            400,
            "InvalidArgument",
            &format!("async invocation '{id}' has already finished and cannot be stopped"),
        );
    }
    job.stopped = true;
    drop(jobs);
    st.count("aliyun.stop");
    HttpResponse {
        status: 200,
        headers: vec![("X-Fc-Request-Id".into(), st.new_id())],
        body: Vec::new(),
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_api_generations() {
        let r = parse("/2021-04-06/services/svc.prod/functions/echo/invocations").unwrap();
        assert_eq!(
            (r.v3, r.service.as_deref(), r.qualifier.as_str()),
            (false, Some("svc"), "prod")
        );
        assert_eq!(r.rest, vec!["invocations"]);
        let r =
            parse("/2016-08-15/services/svc/functions/echo/stateful-async-invocations/j1").unwrap();
        assert_eq!((r.qualifier.as_str(), r.rest.len()), ("LATEST", 2));
        let r = parse("/2023-03-30/functions/echo/async-tasks/t1/stop").unwrap();
        assert!(r.v3 && r.service.is_none());
        assert_eq!(r.rest, vec!["async-tasks", "t1", "stop"]);
        assert!(parse("/v2/p/fgs/functions/x/invocations").is_none());
    }
}
