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

pub(super) fn handle(st: &State, req: &HttpRequest) -> Option<Reply> {
    let (sync, rest) = match req.path.strip_prefix("/function/") {
        Some(rest) => (true, rest),
        None => (false, req.path.strip_prefix("/async-function/")?),
    };
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            st.creds.basic_user, st.creds.basic_password
        ))
    );
    if req.header("Authorization") != Some(expected.as_str()) {
        st.count("openfaas.unauthorized");
        let mut r = text(401, "Unauthorized\n");
        r.response.headers.push((
            "WWW-Authenticate".into(),
            "Basic realm=\"Restricted\"".into(),
        ));
        return Some(r);
    }
    let mut segs = rest.split('/').map(decode_component);
    let first = segs.next().unwrap_or_default();
    let path = format!("/{}", segs.collect::<Vec<_>>().join("/"));
    let (name, ns) = first
        .split_once('.')
        .map_or((first.as_str(), "openfaas-fn"), |(n, ns)| (n, ns));
    let call_id = req
        .header("X-Call-Id")
        .map_or_else(|| st.new_id(), str::to_string);
    // sync: the gateway's 404 at once; async: queued all the same (202), the 404 arriving
    // on the callback, as OpenFaaS does (openfaas/faas#1298)
    let missing = format!("Cannot find service: {name}.{ns}.");
    let not_found = || {
        if sync {
            Some(text(404, &missing))
        } else {
            None
        }
    };
    let (status, body, delay) = if !NAMESPACES.contains(&ns) {
        match not_found() {
            Some(r) => return Some(r),
            None => (404, missing.clone().into_bytes(), None),
        }
    } else if name == "inspect" {
        let mut body = faas::request_echo(req, &path);
        body.insert("namespace".into(), json!(ns));
        let body = serde_json::Value::Object(body);
        (200, body.to_string().into_bytes(), None)
    } else {
        let run_name = if name == "job" { "echo" } else { name };
        match functions::run(run_name, &req.body) {
            None => match not_found() {
                Some(r) => return Some(r),
                None => (404, missing.clone().into_bytes(), None),
            },
            Some(run) => match run.error {
                Some((kind, msg)) => (500, format!("{kind}: {msg}\n").into_bytes(), run.delay),
                None => (200, run.result, run.delay),
            },
        }
    };
    if !sync {
        if req.method != "POST" {
            return Some(text(405, "Method Not Allowed\n"));
        }
        st.count(&format!("openfaas.async.{name}"));
        return Some(match req.header("X-Callback-Url") {
            Some(url) => faas::accepted(url, call_id, &format!("{name}.{ns}"), status, body, delay),
            None => HttpResponse {
                status: 202,
                headers: vec![("X-Call-Id".into(), call_id)],
                body: Vec::new(),
            }
            .into(),
        });
    }
    st.count(&format!("openfaas.sync.{name}"));
    let content_type = req
        .header("Content-Type")
        .unwrap_or("text/plain")
        .to_string();
    Some(Reply {
        response: HttpResponse {
            status,
            headers: vec![
                ("X-Call-Id".into(), call_id),
                ("X-Duration-Seconds".into(), "0.004".into()),
                ("X-Start-Time".into(), "1704164645000000000".into()),
                ("Content-Type".into(), content_type),
            ],
            body,
        },
        delay,
        callback: None,
    })
}
