//! AWS Lambda's Invoke as the emulator plays it: SigV4 checked with our own verifier
//! (service `lambda`, any region), the function named by name, partial or full ARN, with a
//! qualifier in the name or `?Qualifier=` ($LATEST, 1, or the alias prod → 1),
//! RequestResponse / Event (202) / DryRun (204), a tail with START/END/REPORT lines,
//! `X-Amz-Function-Error` on a failure, and errors typed in `X-Amzn-ErrorType`. `busy` is
//! throttled (429 TooManyRequestsException) on every other call.

use serde_json::json;
use time::OffsetDateTime;

use super::{functions, Reply, State};
use crate::decode::AWS_TAIL_LIMIT;
use crate::http::{decode_component, HttpRequest, HttpResponse};
use crate::providers::aws::{parse_function, FunctionRef};
use crate::signing::sigv4::{self, VerifyError};

const ACCOUNT: &str = "123456789012";

fn error(st: &State, status: u16, kind: &str, message: &str) -> Reply {
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

pub(super) fn handle(st: &State, req: &HttpRequest, now: OffsetDateTime) -> Option<Reply> {
    let f = req
        .path
        .strip_prefix("/2015-03-31/functions/")?
        .strip_suffix("/invocations")?;
    if req.method != "POST" {
        return None;
    }
    let function = decode_component(f);
    let signer = match sigv4::verify(
        req,
        |ak| (ak == st.creds.access_key).then(|| st.creds.secret_key.clone()),
        now,
    ) {
        Ok(s) => s,
        Err(e) => {
            st.count("aws.refused.signature");
            let kind = match e {
                VerifyError::Missing => "MissingAuthenticationTokenException",
                VerifyError::UnknownAccessKey(_) => "UnrecognizedClientException",
                VerifyError::Malformed(_) => "IncompleteSignatureException",
                VerifyError::Expired { .. } | VerifyError::Mismatch => "InvalidSignatureException",
            };
            return Some(error(st, 403, kind, &e.to_string()));
        }
    };
    if signer.service != "lambda" {
        return Some(error(
            st,
            403,
            "InvalidSignatureException",
            "Credential should be scoped to correct service: 'lambda'.",
        ));
    }
    let Ok(FunctionRef {
        name,
        qualifier: in_name,
        ..
    }) = parse_function(&function)
    else {
        return Some(error(st, 400, "ValidationException", &format!("1 validation error detected: Value '{function}' at 'functionName' failed to satisfy constraint")));
    };
    let in_query = req
        .query
        .iter()
        .find(|(k, _)| k == "Qualifier")
        .map(|(_, v)| v.clone());
    if let (Some(a), Some(b)) = (&in_name, &in_query) {
        if a != b {
            return Some(error(st, 400, "InvalidParameterValueException", "The derived qualifier from the function name does not match the specified qualifier."));
        }
    }
    let qualifier = in_name.or(in_query);
    let arn = format!("arn:aws:lambda:{}:{ACCOUNT}:function:{name}", signer.region);
    let version = match qualifier.as_deref() {
        None | Some("$LATEST") => "$LATEST",
        Some("1") | Some("prod") => "1",
        Some(q) => {
            return Some(error(
                st,
                404,
                "ResourceNotFoundException",
                &format!("Function not found: {arn}:{q}"),
            ))
        }
    };
    Some(invoke(st, req, &name, &arn, version))
}

fn invoke(st: &State, req: &HttpRequest, name: &str, arn: &str, version: &str) -> Reply {
    if name == "busy" {
        st.count("aws.busy.calls");
        if st.counter("aws.busy.calls") % 2 == 1 {
            return error(st, 429, "TooManyRequestsException", "Rate Exceeded.");
        }
    }
    let run_name = if name == "busy" { "echo" } else { name };
    let Some(run) = functions::run(run_name, &req.body) else {
        return error(
            st,
            404,
            "ResourceNotFoundException",
            &format!("Function not found: {arn}"),
        );
    };
    if !req.body.is_empty() {
        if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(&req.body) {
            return error(
                st,
                400,
                "InvalidRequestContentException",
                &format!("Could not parse request body into json: {e}"),
            );
        }
    }
    let id = st.new_id();
    let mut headers = vec![("x-amzn-RequestId".to_string(), id.clone())];
    match req
        .header("X-Amz-Invocation-Type")
        .unwrap_or("RequestResponse")
    {
        "RequestResponse" => {}
        "Event" => {
            st.count(&format!("aws.async.{name}"));
            return HttpResponse {
                status: 202,
                headers,
                body: Vec::new(),
            }
            .into();
        }
        "DryRun" => {
            st.count("aws.dryrun");
            return HttpResponse {
                status: 204,
                headers,
                body: Vec::new(),
            }
            .into();
        }
        other => {
            return error(
                st,
                400,
                "InvalidParameterValueException",
                &format!("Unsupported invocation type {other}"),
            );
        }
    }
    st.count(&format!("aws.sync.{name}"));
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
        let mut log = format!(
            "START RequestId: {id} Version: {version}\n{}END RequestId: {id}\nREPORT RequestId: {id}\tDuration: 1.62 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 39 MB\tInit Duration: 118.45 ms\t\n",
            run.log
        );
        functions::cut_inside_a_character(&mut log, AWS_TAIL_LIMIT);
        headers.push((
            "X-Amz-Log-Result".into(),
            functions::tail_base64(&log, AWS_TAIL_LIMIT),
        ));
    }
    Reply {
        response: HttpResponse {
            status: 200,
            headers,
            body,
        },
        delay: run.delay,
        callback: None,
    }
}
