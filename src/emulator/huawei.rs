//! FunctionGraph and IAM, as the emulator plays them.
//!
//! Checks `X-Auth-Token` (the configured token or one it issued) or the AK/SK signature
//! with our own signer; answers with the headers FunctionGraph sends (summary, base64 log
//! tail of the last 2,000 bytes, billing duration, error flags) and a v1 body.

use serde_json::{json, Value as Json};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::issued::Refusal;
use super::{functions, json_response, query, Job, Reply, State};
use crate::decode::HUAWEI_TAIL_LIMIT;
use crate::http::{decode_component, HttpRequest, HttpResponse};
use crate::signing::huawei::{self as signer, VerifyError};

fn error(status: u16, code: &str, msg: &str) -> Reply {
    json_response(status, &json!({"error_code": code, "error_msg": msg})).into()
}

/// Route FunctionGraph and IAM paths; `None` for anything else. Every answer carries the
/// gateway's `X-Request-Id`, errors included.
pub(super) fn handle(st: &State, req: &HttpRequest, now: OffsetDateTime) -> Option<Reply> {
    let mut reply = route(st, req, now)?;
    let headers = &mut reply.response.headers;
    if !headers.iter().any(|(k, _)| k == "X-Request-Id") {
        headers.push(("X-Request-Id".into(), st.new_id()));
    }
    Some(reply)
}

fn route(st: &State, req: &HttpRequest, now: OffsetDateTime) -> Option<Reply> {
    if req.path == "/v3/auth/tokens" && req.method == "POST" {
        return Some(issue_token(st, req, now));
    }
    let rest = req.path.strip_prefix("/v2/")?;
    let parts: Vec<&str> = rest.split('/').collect();
    if let [_, "groups", group, "streams", stream, "content", "query"] = parts.as_slice() {
        if let Err(r) = authenticate(st, req, now) {
            return Some(r);
        }
        return Some(super::lts::query(
            st,
            req,
            &decode_component(group),
            &decode_component(stream),
            now,
        ));
    }
    if parts.len() != 5 || parts[1] != "fgs" || parts[2] != "functions" {
        return None;
    }
    let (project, urn, action) = (parts[0], decode_component(parts[3]), parts[4]);
    if let Err(r) = authenticate(st, req, now) {
        return Some(r);
    }
    let fields: Vec<&str> = urn.split(':').collect();
    if fields.len() != 8 || fields[0] != "urn" || fields[1] != "fss" || fields[3] != project {
        return Some(error(400, "FSS.1309", "Invalid function URN"));
    }
    let (name, qualifier) = (fields[6], fields[7]);
    Some(match (req.method.as_str(), action) {
        ("POST", "invocations") => invoke_sync(st, req, name, qualifier),
        ("POST", "invocations-async") => invoke_async(st, req, name),
        ("GET", "async-invocations") => status(st, req, name),
        ("POST", "cancel") => cancel(st, req, name),
        ("GET", "config") => config(st, &urn, name),
        _ => error(
            404,
            "APIGW.0101",
            "The API does not exist or has not been published",
        ),
    })
}

pub(super) fn authenticate(
    st: &State,
    req: &HttpRequest,
    now: OffsetDateTime,
) -> Result<(), Reply> {
    let deny = |m: &str| {
        error(
            401,
            "APIGW.0301",
            &format!("Incorrect IAM authentication information: {m}"),
        )
    };
    if req
        .header("Authorization")
        .is_some_and(|a| a.starts_with(signer::ALGORITHM))
    {
        return match signer::verify(req, |k| st.secret_of(k), now) {
            Ok(ak) => match st.check_session(&ak, req.header("X-Security-Token"), now) {
                Ok(()) => Ok(()),
                Err(Refusal::Expired) => Err(deny("the security token has expired")),
                Err(Refusal::WrongToken) => Err(deny("verify security token fail")),
            },
            Err(VerifyError::Expired { .. }) => {
                Err(deny("calc aksk signature fail: signature expired"))
            }
            Err(VerifyError::UnknownAccessKey(k)) => Err(deny(&format!("ak {k} not exist"))),
            Err(_) => Err(deny("verify aksk signature fail")),
        };
    }
    match req.header("X-Auth-Token") {
        None => Err(deny("x-auth-token not found")),
        Some(t) if t == st.creds.token || st.token_valid(t, now) => Ok(()),
        Some(_) => Err(deny("decrypt token fail")),
    }
}

/// `ShowFunctionConfig`, for the function's LTS log group and stream: every function logs to
/// the group `fg-group`, stream `fg-stream-NAME`, but `quiet`, which writes no log to LTS.
fn config(st: &State, urn: &str, name: &str) -> Reply {
    st.count("huawei.config");
    let (group, stream) = if name == "quiet" {
        (String::new(), String::new())
    } else {
        ("fg-group".to_string(), super::lts::stream_of(name))
    };
    let body = json!({"func_urn": urn, "func_name": name, "runtime": "Python3.9",
        "memory_size": 128, "timeout": 30, "log_group_id": group, "log_stream_id": stream,
        "enable_lts_log": name != "quiet"});
    json_response(200, &body).into()
}

/// FunctionGraph's log around the function's own lines.
fn function_log(run: &functions::Run, id: &str, qualifier: &str) -> String {
    let ts = functions::TS;
    format!(
        "{ts} Start invoke request '{id}', version: {qualifier}\n{}{ts} Finish invoke request '{id}', duration: 1.913ms, billing duration: 2ms, memory used: 41.512MB, billing memory: 128MB\n",
        run.log
    )
}

fn invoke_sync(st: &State, req: &HttpRequest, name: &str, qualifier: &str) -> Reply {
    if req.body.is_empty() {
        return error(400, "FSS.0400", "function event body is empty");
    }
    let Some(run) = functions::run(name, &req.body) else {
        return error(404, "FSS.1051", "Not found the function");
    };
    st.count(&format!("huawei.sync.{name}"));
    let id = st.new_id();
    let mut log = function_log(&run, &id, qualifier);
    st.keep_log("huawei", name, &id, &log);
    functions::cut_inside_a_character(&mut log, HUAWEI_TAIL_LIMIT);
    let failed = run.error.is_some();
    let result = String::from_utf8_lossy(&run.result).into_owned();
    let tail_wanted = req
        .header("X-Cff-Log-Type")
        .is_some_and(|v| v.eq_ignore_ascii_case("tail"));
    let v1 = req.header("X-CFF-Request-Version") == Some("v1");
    let mut headers = sync_headers(&id, failed, v1);
    if tail_wanted {
        headers.push((
            "X-Cff-Function-Log".to_string(),
            functions::tail_base64(&log, HUAWEI_TAIL_LIMIT),
        ));
    }
    let (content_type, body) = if v1 {
        let envelope = json!({"request_id": id, "result": result,
            "log": if tail_wanted { log.as_str() } else { "" }, "status": if failed { 500 } else { 200 }});
        ("application/json", envelope.to_string().into_bytes())
    } else {
        ("text/plain", result.into_bytes())
    };
    headers.push(("Content-Type".to_string(), content_type.to_string()));
    let response = HttpResponse {
        status: 200,
        headers,
        body,
    };
    Reply::delayed(response, run.delay)
}

/// The headers of every sync answer: the request id, the summary and billing, the error flags
/// and the response version.
fn sync_headers(id: &str, failed: bool, v1: bool) -> Vec<(String, String)> {
    vec![
        ("X-Cff-Request-Id".to_string(), id.to_string()),
        (
            "X-Cff-Invoke-Summary".to_string(),
            json!({"funcDigest": "a1b2c3d4e5f6", "duration": 1.913, "billingDuration": 2,
                   "memorySize": 128, "memoryUsed": 41.51171875})
            .to_string(),
        ),
        ("X-CFF-Billing-Duration".to_string(), "2".to_string()),
        (
            "X-Func-Err-Code".to_string(),
            if failed { "1" } else { "0" }.to_string(),
        ),
        ("X-Is-Func-Err".to_string(), failed.to_string()),
        (
            "X-Cff-Response-Version".to_string(),
            if v1 { "v1" } else { "v0" }.to_string(),
        ),
        ("X-Request-Id".to_string(), format!("gw-{id}")),
    ]
}

fn invoke_async(st: &State, req: &HttpRequest, name: &str) -> Reply {
    if req.body.is_empty() {
        return error(400, "FSS.0400", "function event body is empty");
    }
    let Some(run) = functions::run(name, &req.body) else {
        return error(404, "FSS.1051", "Not found the function");
    };
    st.count(&format!("huawei.async.{name}"));
    let id = st.new_id();
    st.keep_log("huawei", name, &id, &function_log(&run, &id, "latest"));
    st.jobs.lock().unwrap().insert(
        id.clone(),
        Job {
            function: name.to_string(),
            polls: 0,
            stopped: false,
            payload: req.body.clone(),
            request_id: id.clone(),
        },
    );
    json_response(202, &json!({ "request_id": id })).into()
}

/// A job as `async-invocations` lists it: RUNNING when first asked about (`look`), then
/// SUCCESS (or FAIL for `fail`); DISCARD once cancelled.
fn record(id: &str, job: &mut Job, look: bool) -> Json {
    if look {
        job.polls += 1;
    }
    let (status, code, msg) = match (job.stopped, job.polls, job.function.as_str()) {
        (true, _, _) => ("DISCARD", 4208, "function invocation canceled"),
        (_, 0 | 1, _) => ("RUNNING", 0, ""),
        (_, _, "fail") => ("FAIL", 1, "ZeroDivisionError: division by zero"),
        _ => ("SUCCESS", 0, ""),
    };
    let end = if status == "RUNNING" {
        ""
    } else {
        "2024-01-02T03:04:06"
    };
    json!({"request_id": id, "status": status, "error_code": code, "error_message": msg,
        "start_time": "2024-01-02T03:04:05", "end_time": end})
}

/// `async-invocations`: the one asked for with `request_id` (a look moves it on), else
/// every one of the function, newest last.
fn status(st: &State, req: &HttpRequest, name: &str) -> Reply {
    st.count("huawei.status");
    let mut jobs = st.jobs.lock().unwrap();
    let invocations: Vec<Json> = match query(req, "request_id") {
        Some(id) => jobs
            .get_mut(id)
            .filter(|j| j.function == name)
            .map(|job| record(id, job, true))
            .into_iter()
            .collect(),
        None => jobs
            .iter_mut()
            .filter(|(_, j)| j.function == name)
            .map(|(id, job)| record(id, job, false))
            .collect(),
    };
    json_response(
        200,
        &json!({"count": invocations.len(), "invocations": invocations, "next_marker": 0}),
    )
    .into()
}

/// `POST …/cancel` with `{"request_id"}`: stops an invocation that has not finished.
fn cancel(st: &State, req: &HttpRequest, name: &str) -> Reply {
    let body: Json = serde_json::from_slice(&req.body).unwrap_or(Json::Null);
    let Some(id) = body.get("request_id").and_then(Json::as_str) else {
        return error(400, "FSS.0400", "request_id is required");
    };
    let mut jobs = st.jobs.lock().unwrap();
    match jobs.get_mut(id).filter(|j| j.function == name) {
        Some(job) if !job.stopped && job.polls < 2 => {
            job.stopped = true;
            drop(jobs);
            st.count("huawei.cancel");
            json_response(200, &json!({})).into()
        }
        Some(_) => error(400, "FSS.0400", "the invocation has already finished"),
        None => error(404, "FSS.1051", "Not found the async invocation"),
    }
}

/// IAM `POST /v3/auth/tokens` with the password method.
fn issue_token(st: &State, req: &HttpRequest, now: OffsetDateTime) -> Reply {
    st.count("huawei.iam.tokens");
    let body: Json = serde_json::from_slice(&req.body).unwrap_or(Json::Null);
    let user = body.pointer("/auth/identity/password/user");
    let field = |p: &str| user.and_then(|u| u.pointer(p)).and_then(Json::as_str);
    let c = &st.creds;
    if field("/name") != Some(c.iam_user.as_str())
        || field("/password") != Some(c.iam_password.as_str())
        || field("/domain/name") != Some(c.iam_domain.as_str())
    {
        return json_response(
            401,
            &json!({"error": {"code": 401, "message": "The username or password is wrong.", "title": "Unauthorized"}}),
        )
        .into();
    }
    let token = format!("MIIemu{}", st.new_id().replace('-', ""));
    st.issue(&token, (now + time::Duration::hours(24)).unix_timestamp());
    let expires = (now + time::Duration::hours(24))
        .format(&Rfc3339)
        .unwrap_or_default();
    let project = body
        .pointer("/auth/scope/project/id")
        .cloned()
        .unwrap_or(Json::Null);
    let mut r = json_response(
        201,
        &json!({"token": {"expires_at": expires, "methods": ["password"], "project": {"id": project}}}),
    );
    r.headers.push(("X-Subject-Token".into(), token));
    r.into()
}
