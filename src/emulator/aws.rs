//! AWS Lambda's Invoke as the emulator plays it: SigV4 checked with our own verifier
//! (service `lambda`, any region), the function named by name, partial or full ARN, with a
//! qualifier in the name or `?Qualifier=` ($LATEST, 1, or the alias prod → 1),
//! RequestResponse / Event (202) / DryRun (204), a tail with START/END/REPORT lines,
//! `X-Amz-Function-Error` on a failure, and errors typed in `X-Amzn-ErrorType`. `busy` is
//! throttled (429 TooManyRequestsException) on every other call.

use serde_json::json;
use time::OffsetDateTime;

use super::issued::Refusal;
use super::{functions, query, Reply, State};
use crate::decode::AWS_TAIL_LIMIT;
use crate::http::{decode_component, HttpRequest, HttpResponse};
use crate::providers::aws::{parse_function, FunctionRef};
use crate::signing::sigv4::{self, VerifyError};

const ACCOUNT: &str = "123456789012";

pub(super) fn error(st: &State, status: u16, kind: &str, message: &str) -> Reply {
    let mut body = json!({"Type": "User", "message": message});
    if kind == "TooManyRequestsException" {
        body["Reason"] = json!("ReservedFunctionConcurrentInvocationLimitExceeded");
    }
    HttpResponse {
        status,
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            (
                "X-Amzn-ErrorType".into(),
                format!("{kind}:http://internal.amazon.com/coral/com.amazonaws.lambda/"),
            ),
            ("x-amzn-RequestId".into(), st.new_id()),
        ],
        body: body.to_string().into_bytes(),
    }
    .into()
}

/// The dated API versions of Lambda's paths.
const VERSIONS: &[&str] = &[
    "2015-03-31",
    "2017-03-31",
    "2017-10-31",
    "2018-10-31",
    "2019-09-25",
    "2019-09-30",
    "2020-04-22",
    "2020-06-30",
    "2021-10-31",
];

pub(super) fn handle(st: &State, req: &HttpRequest, now: OffsetDateTime) -> Option<Reply> {
    if let Some(function) = configuration_path(req) {
        return Some(configuration(st, req, &function, now).unwrap_or_else(|early| early));
    }
    let Some(function) = parse(req) else {
        // another Lambda operation: answered in Lambda's error shape, not an empty 404
        let version = req.path.trim_start_matches('/').split('/').next()?;
        return VERSIONS.contains(&version).then(|| {
            error(
                st,
                404,
                "UnknownOperationException",
                "the emulator implements Invoke only",
            )
        });
    };
    Some(invoke(st, req, &function, now).unwrap_or_else(|early| early))
}

/// The function of a `GET /2015-03-31/functions/F/configuration`.
fn configuration_path(req: &HttpRequest) -> Option<String> {
    let f = req
        .path
        .strip_prefix("/2015-03-31/functions/")?
        .strip_suffix("/configuration")?;
    (req.method == "GET").then(|| decode_component(f))
}

/// `GetFunctionConfiguration`: the function, its version and where it logs.
fn configuration(
    st: &State,
    req: &HttpRequest,
    function: &str,
    now: OffsetDateTime,
) -> Result<Reply, Reply> {
    let region = authenticate(st, req, now, "lambda")?;
    let target = resolve(st, req, function, &region)?;
    let known = ["busy", "private"].contains(&target.name.as_str());
    if functions::run(&target.name, b"{}").is_none() && !known {
        let msg = format!("Function not found: {}", target.arn);
        return Err(error(st, 404, "ResourceNotFoundException", &msg));
    }
    st.count("aws.configuration");
    let body = json!({"FunctionName": target.name, "FunctionArn": target.arn,
        "Version": target.version, "Runtime": "python3.12",
        "LoggingConfig": {"LogFormat": "Text", "LogGroup": format!("/aws/lambda/{}", target.name)}});
    Ok(super::json_response(200, &body).into())
}

/// An invocation's whole log as Lambda writes it: START, the function's lines, END, REPORT.
fn whole_log(id: &str, version: &str, log: &str) -> String {
    format!(
        "START RequestId: {id} Version: {version}\n{log}END RequestId: {id}\nREPORT RequestId: {id}\tDuration: 1.62 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 39 MB\tInit Duration: 118.45 ms\t\n"
    )
}

/// Keep an invocation's log in its group, in a stream named as Lambda names them.
fn keep(st: &State, target: &Target, id: &str, log: &str, now: OffsetDateTime) {
    let stream = format!(
        "{:04}/{:02}/{:02}/[{}]{}",
        now.year(),
        u8::from(now.month()),
        now.day(),
        target.version,
        id.replace('-', "")
    );
    st.keep_log_in("aws", &target.name, id, &stream, log);
}

/// The function named by an Invoke path (`POST /2015-03-31/functions/F/invocations`).
fn parse(req: &HttpRequest) -> Option<String> {
    let f = req
        .path
        .strip_prefix("/2015-03-31/functions/")?
        .strip_suffix("/invocations")?;
    if req.method != "POST" {
        return None;
    }
    Some(decode_component(f))
}

/// The steps of an Invoke: the signature, the function and version, its run, the answer for
/// the invocation type. A refusal on the way is the `Err`.
fn invoke(
    st: &State,
    req: &HttpRequest,
    function: &str,
    now: OffsetDateTime,
) -> Result<Reply, Reply> {
    let region = authenticate(st, req, now, "lambda")?;
    let target = resolve(st, req, function, &region)?;
    let run = run(st, req, &target)?;
    let id = st.new_id();
    if req.header("X-Amz-Invocation-Type") != Some("DryRun") {
        keep(
            st,
            &target,
            &id,
            &whole_log(&id, target.version, &run.log),
            now,
        );
    }
    let headers = vec![("x-amzn-RequestId".to_string(), id.clone())];
    let status = match req
        .header("X-Amz-Invocation-Type")
        .unwrap_or("RequestResponse")
    {
        "RequestResponse" => return Ok(respond(st, req, &target, run, &id, headers)),
        "Event" => {
            st.count(&format!("aws.async.{}", target.name));
            202
        }
        "DryRun" => {
            st.count("aws.dryrun");
            204
        }
        other => {
            return Err(error(
                st,
                400,
                "InvalidParameterValueException",
                &format!("Unsupported invocation type {other}"),
            ))
        }
    };
    Ok(HttpResponse {
        status,
        headers,
        body: Vec::new(),
    }
    .into())
}

/// Check the SigV4 signature, scoped to `service`; the region it was made for.
pub(super) fn authenticate(
    st: &State,
    req: &HttpRequest,
    now: OffsetDateTime,
    service: &str,
) -> Result<String, Reply> {
    let secret_for = |ak: &str| st.secret_of(ak);
    let signer = sigv4::verify(req, secret_for, now).map_err(|e| {
        st.count("aws.refused.signature");
        let kind = match e {
            VerifyError::Missing => "MissingAuthenticationTokenException",
            VerifyError::UnknownAccessKey(_) => "UnrecognizedClientException",
            VerifyError::Malformed(_) => "IncompleteSignatureException",
            VerifyError::Expired { .. } | VerifyError::Mismatch => "InvalidSignatureException",
        };
        error(st, 403, kind, &e.to_string())
    })?;
    let token = req.header("X-Amz-Security-Token");
    match st.check_session(&signer.access_key_id, token, now) {
        Ok(()) => {}
        Err(Refusal::Expired) => {
            return Err(error(
                st,
                403,
                "ExpiredTokenException",
                "The security token included in the request is expired",
            ))
        }
        Err(Refusal::WrongToken) => {
            return Err(error(
                st,
                403,
                "UnrecognizedClientException",
                "The security token included in the request is invalid.",
            ))
        }
    }
    if signer.service != service {
        let msg = format!("Credential should be scoped to correct service: '{service}'.");
        return Err(error(st, 403, "InvalidSignatureException", &msg));
    }
    Ok(signer.region)
}

/// The function and version an Invoke names.
struct Target {
    name: String,
    arn: String,
    version: &'static str,
}

/// Find the function and its version from the name (or ARN) and `?Qualifier=`.
fn resolve(st: &State, req: &HttpRequest, function: &str, region: &str) -> Result<Target, Reply> {
    let Ok(FunctionRef {
        name,
        qualifier: in_name,
        ..
    }) = parse_function(function)
    else {
        return Err(error(st, 400, "ValidationException", &format!("1 validation error detected: Value '{function}' at 'functionName' failed to satisfy constraint")));
    };
    let in_query = query(req, "Qualifier").map(str::to_string);
    if let (Some(a), Some(b)) = (&in_name, &in_query) {
        if a != b {
            return Err(error(st, 400, "InvalidParameterValueException", "The derived qualifier from the function name does not match the specified qualifier."));
        }
    }
    let qualifier = in_name.or(in_query);
    let arn = format!("arn:aws:lambda:{region}:{ACCOUNT}:function:{name}");
    let version = match qualifier.as_deref() {
        None | Some("$LATEST") => "$LATEST",
        Some("1") | Some("prod") => "1",
        Some(q) => {
            return Err(error(
                st,
                404,
                "ResourceNotFoundException",
                &format!("Function not found: {arn}:{q}"),
            ))
        }
    };
    Ok(Target { name, arn, version })
}

/// The function's run, unless it is throttled (`busy`), unknown, or the payload is no JSON.
fn run(st: &State, req: &HttpRequest, target: &Target) -> Result<functions::Run, Reply> {
    let name = target.name.as_str();
    if name == "busy" && st.every_other("aws.busy.calls") {
        return Err(error(st, 429, "TooManyRequestsException", "Rate Exceeded."));
    }
    if name == "limited" {
        // a function of 20 ms behind a rate limit: Lambda's own throttling answer beyond it
        if !st.take_token() {
            st.count("aws.limited.throttled");
            return Err(error(st, 429, "TooManyRequestsException", "Rate Exceeded."));
        }
        st.count("aws.limited.calls");
        let mut run = functions::run("echo", &req.body).expect("echo");
        run.delay = Some(std::time::Duration::from_millis(20));
        return Ok(run);
    }
    let run_name = if name == "busy" { "echo" } else { name };
    let Some(run) = functions::run(run_name, &req.body) else {
        return Err(error(
            st,
            404,
            "ResourceNotFoundException",
            &format!("Function not found: {}", target.arn),
        ));
    };
    if !req.body.is_empty() {
        if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(&req.body) {
            return Err(error(
                st,
                400,
                "InvalidRequestContentException",
                &format!("Could not parse request body into json: {e}"),
            ));
        }
    }
    Ok(run)
}

/// A RequestResponse answer: the result or the error, and the log's tail when asked for.
fn respond(
    st: &State,
    req: &HttpRequest,
    target: &Target,
    run: functions::Run,
    id: &str,
    mut headers: Vec<(String, String)>,
) -> Reply {
    st.count(&format!("aws.sync.{}", target.name));
    let version = target.version;
    headers.push(("X-Amz-Executed-Version".into(), version.into()));
    headers.push(("Content-Type".into(), "application/json".into()));
    let body = match &run.error {
        Some((kind, msg)) => {
            headers.push(("X-Amz-Function-Error".into(), "Unhandled".into()));
            json!({"errorMessage": msg, "errorType": kind, "requestId": id,
                "stackTrace": ["  File \"/var/task/lambda_function.py\", line 3, in lambda_handler"]})
            .to_string()
            .into_bytes()
        }
        None => run.result,
    };
    if req.header("X-Amz-Log-Type") == Some("Tail") {
        let mut log = whole_log(id, version, &run.log);
        functions::cut_inside_a_character(&mut log, AWS_TAIL_LIMIT);
        headers.push((
            "X-Amz-Log-Result".into(),
            functions::tail_base64(&log, AWS_TAIL_LIMIT),
        ));
    }
    let response = HttpResponse {
        status: 200,
        headers,
        body,
    };
    Reply::delayed(response, run.delay)
}
