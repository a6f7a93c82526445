//! LTS as the emulator plays it, for FunctionGraph's logs: `ListLogs` (`POST
//! /v2/{project}/groups/{group}/streams/{stream}/content/query`, authenticated as
//! FunctionGraph's requests are) on the group `fg-group` and one stream per function
//! (`fg-stream-NAME`). `keywords` must appear in a line; `line_num` is the line's time in
//! nanoseconds (its milliseconds, then its place); `search_type: forwards` pages after the
//! `line_num` given; `limit` lines a page (at most 100).

use serde_json::{json, Value as Json};
use time::OffsetDateTime;

use super::{json_response, logs, Reply, State};
use crate::http::HttpRequest;

/// The stream a function logs to.
pub fn stream_of(function: &str) -> String {
    format!("fg-stream-{function}")
}

fn line_num(l: &logs::Line) -> i64 {
    l.at_ms * 1_000_000 + (l.seq % 1_000_000) as i64
}

pub(super) fn query(
    st: &State,
    req: &HttpRequest,
    group: &str,
    stream: &str,
    now: OffsetDateTime,
) -> Reply {
    let not_found = |what: &str| {
        json_response(
            404,
            &json!({"errorCode": "LTS.0208", "errorMessage": format!("The {what} does not exist")}),
        )
        .into()
    };
    let Some(function) = stream.strip_prefix("fg-stream-") else {
        return not_found("log stream");
    };
    if group != "fg-group" {
        return not_found("log group");
    }
    let body: Json = serde_json::from_slice(&req.body).unwrap_or(Json::Null);
    let ms = |k: &str| body[k].as_str().and_then(|v| v.parse::<i64>().ok());
    let (Some(from), Some(to)) = (ms("start_time"), ms("end_time")) else {
        return json_response(400, &json!({"errorCode": "LTS.0009", "errorMessage": "start_time and end_time are required"})).into();
    };
    st.count("huawei.logs");
    let sel = logs::Select {
        since_ms: Some(from),
        until_ms: Some(to),
        contains: body["keywords"].as_str().filter(|k| !k.is_empty()),
        ..logs::Select::default()
    };
    let (lines, _) = st.read_logs("huawei", function, &sel, now, 0, usize::MAX);
    let after = body["line_num"]
        .as_str()
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|_| body["search_type"] == "forwards");
    let limit = body["limit"].as_u64().unwrap_or(50).clamp(1, 100) as usize;
    let page: Vec<Json> = lines
        .iter()
        .filter(|l| after.is_none_or(|a| line_num(l) > a))
        .take(limit)
        .map(|l| {
            json!({"content": l.text, "line_num": line_num(l).to_string(),
                "labels": {"hostName": l.stream, "category": "LTS", "appName": "FunctionGraph"}})
        })
        .collect();
    json_response(
        200,
        &json!({"count": page.len(), "logs": page, "isQueryComplete": true}),
    )
    .into()
}
