//! An OpenFaaS gateway as the emulator plays it, with basic auth in front of the functions
//! (`--basic-user`/`--basic-password`): `/function/NAME[.NAMESPACE][/path]` with any method,
//! `/async-function/…` (POST) answered 202 with the result POSTed to `X-Callback-Url`
//! (loopback only). Namespaces: `openfaas-fn` (the default) and `dev`. An unknown function
//! gets the gateway's `404 Cannot find service: NAME.NAMESPACE.`, with no
//! `X-Duration-Seconds`; a function's own answers carry it (the watchdog sets it), and a
//! failing function answers 500. A caller's `X-Call-Id` is kept. `inspect` returns the
//! method, extra path, query and namespace it was called with.

use base64::Engine as _;
use serde_json::json;

use super::{faas, functions, Reply, State};
use crate::http::{decode_component, HttpRequest, HttpResponse};

const NAMESPACES: &[&str] = &["openfaas-fn", "dev"];

fn text(status: u16, body: &str) -> Reply {
    HttpResponse {
        status,
        headers: vec![("Content-Type".into(), "text/plain; charset=utf-8".into())],
        body: body.as_bytes().to_vec(),
    }
    .into()
}

/// A gateway path: `/function/NAME[.NAMESPACE][/path]` or `/async-function/…`.
struct Route {
    sync: bool,
    name: String,
    namespace: String,
    /// What follows the name, `/` when nothing does.
    path: String,
}

fn parse(path: &str) -> Option<Route> {
    let (sync, rest) = match path.strip_prefix("/function/") {
        Some(rest) => (true, rest),
        None => (false, path.strip_prefix("/async-function/")?),
    };
    let mut segs = rest.split('/').map(decode_component);
    let first = segs.next().unwrap_or_default();
    let path = format!("/{}", segs.collect::<Vec<_>>().join("/"));
    let (name, namespace) = first
        .split_once('.')
        .map_or((first.as_str(), "openfaas-fn"), |(n, ns)| (n, ns));
    Some(Route {
        sync,
        name: name.to_string(),
        namespace: namespace.to_string(),
        path,
    })
}

pub(super) fn handle(st: &State, req: &HttpRequest, now: time::OffsetDateTime) -> Option<Reply> {
    if req.path == "/system/logs" && req.method == "GET" {
        return Some(logs(st, req, now));
    }
    let route = parse(&req.path)?;
    if let Err(r) = authenticate(st, req) {
        return Some(r);
    }
    let call_id = req
        .header("X-Call-Id")
        .map_or_else(|| st.new_id(), str::to_string);
    let answer = match run(st, req, &route, &call_id) {
        Ok(answer) => answer,
        Err(r) => return Some(r),
    };
    Some(if route.sync {
        respond(st, req, &route, call_id, answer)
    } else {
        queue(st, req, &route, call_id, answer)
    })
}

/// The gateway's basic auth.
fn authenticate(st: &State, req: &HttpRequest) -> Result<(), Reply> {
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            st.creds.basic_user, st.creds.basic_password
        ))
    );
    if req.header("Authorization") == Some(expected.as_str()) {
        return Ok(());
    }
    st.count("openfaas.unauthorized");
    let mut r = text(401, "Unauthorized\n");
    r.response.headers.push((
        "WWW-Authenticate".into(),
        "Basic realm=\"Restricted\"".into(),
    ));
    Err(r)
}

/// `/system/logs?name=&namespace=&since=&tail=&follow=`: the admin API, behind basic auth.
fn logs(st: &State, req: &HttpRequest, now: time::OffsetDateTime) -> Reply {
    if let Err(r) = authenticate(st, req) {
        return r;
    }
    let Some(name) = super::query(req, "name").filter(|n| !n.is_empty()) else {
        return text(400, "a function name is required\n");
    };
    let ns = super::query(req, "namespace")
        .filter(|n| !n.is_empty())
        .unwrap_or("openfaas-fn");
    if !NAMESPACES.contains(&ns) {
        return text(404, &format!("Cannot find service: {name}.{ns}."));
    }
    faas::log_lines(st, "openfaas", &format!("{name}.{ns}"), ns, req, now).into()
}

/// What the function answers, or the gateway's own answer when there is no such function;
/// a run's log is kept under `call_id`.
fn run(st: &State, req: &HttpRequest, route: &Route, call_id: &str) -> Result<faas::Answer, Reply> {
    let (name, ns) = (route.name.as_str(), route.namespace.as_str());
    // sync: the gateway's 404 at once; async: queued all the same (202), the 404 arriving
    // on the callback, as OpenFaaS does (openfaas/faas#1298)
    let missing = format!("Cannot find service: {name}.{ns}.");
    let not_found = || {
        if route.sync {
            Err(text(404, &missing))
        } else {
            Ok((404, missing.clone().into_bytes(), None))
        }
    };
    if !NAMESPACES.contains(&ns) {
        return not_found();
    }
    if name == "inspect" {
        let mut body = faas::request_echo(req, &route.path);
        body.insert("namespace".into(), json!(ns));
        let body = serde_json::Value::Object(body);
        return Ok((200, body.to_string().into_bytes(), None));
    }
    let run_name = if name == "job" { "echo" } else { name };
    let Some(run) = functions::run(run_name, &req.body) else {
        return not_found();
    };
    st.keep_log("openfaas", &format!("{name}.{ns}"), call_id, &run.log);
    Ok(match run.error {
        Some((kind, msg)) => (500, format!("{kind}: {msg}\n").into_bytes(), run.delay),
        None => (200, run.result, run.delay),
    })
}

/// An async call: 202 at once, the answer POSTed to `X-Callback-Url` when there is one.
fn queue(
    st: &State,
    req: &HttpRequest,
    route: &Route,
    call_id: String,
    answer: faas::Answer,
) -> Reply {
    if req.method != "POST" {
        return text(405, "Method Not Allowed\n");
    }
    st.count(&format!("openfaas.async.{}", route.name));
    let (status, body, delay) = answer;
    match req.header("X-Callback-Url") {
        Some(url) => {
            let function = format!("{}.{}", route.name, route.namespace);
            faas::accepted(url, call_id, &function, status, body, delay)
        }
        None => faas::queued(call_id).into(),
    }
}

/// A sync call: the function's answer with the watchdog's headers.
fn respond(
    st: &State,
    req: &HttpRequest,
    route: &Route,
    call_id: String,
    answer: faas::Answer,
) -> Reply {
    st.count(&format!("openfaas.sync.{}", route.name));
    let (status, body, delay) = answer;
    let content_type = req
        .header("Content-Type")
        .unwrap_or("text/plain")
        .to_string();
    let response = HttpResponse {
        status,
        headers: vec![
            ("X-Call-Id".into(), call_id),
            ("X-Duration-Seconds".into(), "0.004".into()),
            ("X-Start-Time".into(), "1704164645000000000".into()),
            ("Content-Type".into(), content_type),
        ],
        body,
    };
    Reply::delayed(response, delay)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sync_and_async_paths_with_their_namespace_and_extra_path() {
        let r = parse("/function/inspect.dev/orders/4%202").unwrap();
        assert!(r.sync);
        assert_eq!(
            (r.name.as_str(), r.namespace.as_str(), r.path.as_str()),
            ("inspect", "dev", "/orders/4 2")
        );
        let r = parse("/async-function/echo").unwrap();
        assert!(!r.sync);
        assert_eq!(
            (r.name.as_str(), r.namespace.as_str(), r.path.as_str()),
            ("echo", "openfaas-fn", "/")
        );
        assert!(parse("/system/functions").is_none());
    }
}
