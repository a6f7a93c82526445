//! Altair IoT Studio as the emulator plays it: the OAuth2 token endpoint (client
//! credentials, expiry honoured), sync invocation with any of the five methods, extra path
//! and query passed to the function, function errors (`X-Invoked`) and platform errors,
//! "function not ready", and async invocation whose result is POSTed to `X-Callback-Url`
//! (loopback only) with `X-Function-Status`, `X-Call-Id`, `X-Duration-Seconds`, `X-Function-Name`.

use serde_json::json;
use time::OffsetDateTime;

use super::{faas, functions, json_response, Reply, State};
use crate::http::{decode_component, parse_query, HttpRequest, HttpResponse};

const SCOPES: &[&str] = &["function", "data", "thing"];

fn platform_error(status: u16, msg: &str) -> Reply {
    json_response(
        status,
        &json!({"error": {"status": status, "message": msg}}),
    )
    .into()
}

pub(super) fn handle(st: &State, req: &HttpRequest, now: OffsetDateTime) -> Option<Reply> {
    if req.path == "/oauth2/token" && req.method == "POST" {
        return Some(token(st, req, now));
    }
    if req.path == "/oauth2/revoke" && req.method == "POST" {
        return Some(revoke(st, req));
    }
    let rest = req.path.strip_prefix("/spaces/")?;
    let segs: Vec<String> = rest.split('/').map(decode_component).collect();
    if segs.len() < 4 || segs[1] != "functions" {
        return None;
    }
    let (name, kind, extra) = (&segs[2], segs[3].as_str(), &segs[4..]);
    let logs = kind == "logs" && extra.is_empty() && req.method == "GET";
    if kind != "invoke" && kind != "async-invoke" && !logs {
        return None;
    }
    let bearer = req
        .header("Authorization")
        .and_then(|a| a.strip_prefix("Bearer "));
    match bearer {
        None => return Some(platform_error(401, "No token provided")),
        Some(t) if t != st.creds.token && !st.token_valid(t, now) => {
            return Some(platform_error(401, "Unauthenticated"))
        }
        Some(_) => {}
    }
    if logs {
        return Some(faas::log_lines(st, "altair", name, &segs[0], req, now).into());
    }
    if extra.len() > 3 {
        return Some(platform_error(404, "path not found"));
    }
    let path = format!("/{}", extra.join("/"));
    Some(if kind == "invoke" {
        invoke(st, req, name, &path)
    } else if req.method != "POST" {
        platform_error(405, "method not allowed")
    } else {
        async_invoke(st, req, name, &path)
    })
}

/// `grant_type=client_credentials&client_id=…&client_secret=…&scope=…`.
fn token(st: &State, req: &HttpRequest, now: OffsetDateTime) -> Reply {
    st.count("altair.tokens");
    let form = parse_query(&String::from_utf8_lossy(&req.body));
    let field = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let oauth_error = |status: u16, code: &str, desc: &str| {
        json_response(status, &json!({"error": code, "error_description": desc})).into()
    };
    if field("grant_type") != Some("client_credentials") {
        return oauth_error(
            400,
            "unsupported_grant_type",
            "only client_credentials is supported",
        );
    }
    if field("client_id") != Some(&st.creds.client_id)
        || field("client_secret") != Some(&st.creds.client_secret)
    {
        return oauth_error(401, "invalid_client", "Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).");
    }
    let scope = field("scope").unwrap_or("");
    if let Some(bad) = scope
        .split(' ')
        .find(|s| !s.is_empty() && !SCOPES.contains(s))
    {
        return oauth_error(400, "invalid_scope", &format!("The requested scope is invalid, unknown, or malformed. The OAuth 2.0 Client is not allowed to request scope '{bad}'."));
    }
    let token = format!("ory_at_emu{}", st.new_id().replace('-', ""));
    st.issue(&token, now.unix_timestamp() + st.creds.token_ttl);
    json_response(
        200,
        &json!({"access_token": token, "expires_in": st.creds.token_ttl, "scope": scope, "token_type": "bearer"}),
    )
    .into()
}

/// RFC 7009 revocation: the client authenticates (form fields or basic auth) and the token
/// stops working; an unknown token is no error (200 either way).
fn revoke(st: &State, req: &HttpRequest) -> Reply {
    st.count("altair.revocations");
    let form = parse_query(&String::from_utf8_lossy(&req.body));
    let field = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let basic = req
        .header("Authorization")
        .and_then(|a| a.strip_prefix("Basic "))
        .and_then(|b| {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|pair| {
            pair.split_once(':')
                .map(|(i, s)| (i.to_string(), s.to_string()))
        });
    let (id, secret) = match basic {
        Some(pair) => (Some(pair.0), Some(pair.1)),
        None => (field("client_id"), field("client_secret")),
    };
    if id.as_deref() != Some(&st.creds.client_id)
        || secret.as_deref() != Some(&st.creds.client_secret)
    {
        return json_response(401, &json!({"error": "invalid_client", "error_description": "Client authentication failed."})).into();
    }
    if let Some(token) = field("token") {
        st.issued_tokens.lock().unwrap().remove(&token);
    }
    json_response(200, &json!({})).into()
}

/// What a function answers, or a platform reply; the run's log is kept under `call_id`.
fn run(
    st: &State,
    req: &HttpRequest,
    name: &str,
    path: &str,
    call_id: &str,
) -> Result<faas::Answer, Reply> {
    if name == "notready" {
        st.count("altair.notready.calls");
        if st.counter("altair.notready.calls") <= 2 {
            return Err(json_response(202, &json!({"details": "function not ready"})).into());
        }
    }
    if name == "stock-quote" {
        let mut body = faas::request_echo(req, path);
        body.insert("price".into(), json!(123.45));
        return Ok((
            200,
            serde_json::Value::Object(body).to_string().into_bytes(),
            None,
        ));
    }
    let function = if name == "notready" || name == "job" {
        "echo"
    } else {
        name
    };
    let Some(run) = functions::run(function, &req.body) else {
        return Err(platform_error(404, "function not found"));
    };
    st.keep_log("altair", name, call_id, &run.log);
    match run.error {
        Some((kind, msg)) => {
            let body = json!({"error": {"status": 500, "message": format!("{kind} at line 9: {msg}"),
                "details": {"exception_type": kind, "exception_info": msg,
                    "exception_line_number": 9, "exception_line_code": "    return 1 / 0"}}});
            Ok((500, body.to_string().into_bytes(), run.delay))
        }
        None => Ok((200, run.result, run.delay)),
    }
}

fn invoke(st: &State, req: &HttpRequest, name: &str, path: &str) -> Reply {
    let call_id = st.new_id();
    let (status, body, delay) = match run(st, req, name, path, &call_id) {
        Ok(r) => r,
        Err(reply) => return reply,
    };
    st.count(&format!("altair.sync.{name}"));
    let response = HttpResponse {
        status,
        headers: vec![
            ("X-Invoked".into(), "true".into()),
            ("X-Call-Id".into(), call_id),
            ("X-Duration-Seconds".into(), "0.012".into()),
            ("Content-Type".into(), "application/json".into()),
        ],
        body,
    };
    Reply::delayed(response, delay)
}

fn async_invoke(st: &State, req: &HttpRequest, name: &str, path: &str) -> Reply {
    let Some(url) = req.header("X-Callback-Url") else {
        return platform_error(400, "the X-Callback-Url header is required");
    };
    let call_id = st.new_id();
    let (status, body, delay) = match run(st, req, name, path, &call_id) {
        Ok(r) => r,
        Err(reply) => return reply,
    };
    st.count(&format!("altair.async.{name}"));
    faas::accepted(url, call_id, &format!("{name}.space"), status, body, delay)
}
