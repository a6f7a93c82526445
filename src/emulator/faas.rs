//! What the Altair and OpenFaaS emulations share: an accepted async call whose result is
//! POSTed later to the caller's `X-Callback-Url`, as OpenFaaS's queue worker does, with
//! `X-Function-Status`, `X-Call-Id`, `X-Duration-Seconds` and `X-Function-Name`.

use std::time::Duration;

use serde_json::{json, Value as Json};

use crate::http::{HttpRequest, HttpResponse};

use super::Reply;

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
