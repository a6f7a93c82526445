//! What the Altair and OpenFaaS emulations share: an accepted async call whose result is
//! POSTed later to the caller's `X-Callback-Url`, as OpenFaaS's queue worker does, with
//! `X-Function-Status`, `X-Call-Id`, `X-Duration-Seconds` and `X-Function-Name`.

use std::time::Duration;

use serde_json::{json, Value as Json};

use crate::http::{HttpRequest, HttpResponse};

use super::{logs, query, Reply, State};

/// What a function answers through the gateway: its status, its body and how long it runs.
pub type Answer = (u16, Vec<u8>, Option<Duration>);

/// The 202 for an accepted call, and the callback carrying the function's answer.
pub fn accepted(
    url: &str,
    call_id: String,
    function_name: &str,
    status: u16,
    body: Vec<u8>,
    delay: Option<Duration>,
) -> Reply {
    let mut callback = HttpRequest::new("POST", "", "");
    // the URL is kept whole in `base`; HttpRequest::url() gives it back unchanged
    callback.base = url.to_string();
    callback.headers = vec![
        ("X-Function-Status".into(), status.to_string()),
        ("X-Call-Id".into(), call_id.clone()),
        ("X-Duration-Seconds".into(), "0.012".into()),
        ("X-Function-Name".into(), function_name.to_string()),
        ("Content-Type".into(), "application/json".into()),
    ];
    callback.body = body;
    Reply {
        response: queued(call_id),
        delay: Some(delay.unwrap_or(Duration::from_millis(20))),
        callback: Some(Box::new(callback)),
    }
}

/// The 202 for a call taken in: its `X-Call-Id`, no body.
pub fn queued(call_id: String) -> HttpResponse {
    HttpResponse {
        status: 202,
        headers: vec![("X-Call-Id".into(), call_id)],
        body: Vec::new(),
    }
}

/// What a function that reports its own call sees: `{"method", "path", "query"}` (the
/// extra path after the name, the query as an object), for Altair's `stock-quote` and
/// OpenFaaS's `inspect`.
pub fn request_echo(req: &HttpRequest, path: &str) -> serde_json::Map<String, Json> {
    let query: serde_json::Map<String, Json> = req
        .query
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    let mut echo = serde_json::Map::new();
    echo.insert("method".into(), json!(req.method));
    echo.insert("path".into(), json!(path));
    echo.insert("query".into(), Json::Object(query));
    echo
}

/// The NDJSON log route Altair and OpenFaaS share: `{"name","namespace","instance",
/// "timestamp","text"}` per line, in time order, from `since` (RFC 3339) on, the last
/// `tail` lines when asked (`follow` is answered as a snapshot: what is there now).
pub fn log_lines(
    st: &State,
    provider: &'static str,
    function: &str,
    namespace: &str,
    req: &HttpRequest,
    now: time::OffsetDateTime,
) -> HttpResponse {
    let since_ms = query(req, "since").and_then(|s| {
        time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
            .ok()
            .map(crate::logs::unix_ms)
    });
    if query(req, "since").is_some() && since_ms.is_none() {
        return HttpResponse {
            status: 400,
            headers: vec![],
            body: b"invalid since: want an RFC 3339 time\n".to_vec(),
        };
    }
    let sel = logs::Select {
        since_ms,
        ..logs::Select::default()
    };
    let (mut lines, _) = st.read_logs(provider, function, &sel, now, 0, usize::MAX);
    if let Some(n) = query(req, "tail").and_then(|t| t.parse::<usize>().ok()) {
        lines.drain(..lines.len().saturating_sub(n));
    }
    st.count(&format!("{provider}.logs"));
    let mut body = String::new();
    for l in lines {
        let line = json!({"name": function, "namespace": namespace, "instance": l.stream,
            "timestamp": logs::rfc3339(l.at_ms), "text": l.text});
        body.push_str(&line.to_string());
        body.push('\n');
    }
    HttpResponse {
        status: 200,
        headers: vec![("Content-Type".into(), "application/x-ndjson".into())],
        body: body.into_bytes(),
    }
}
