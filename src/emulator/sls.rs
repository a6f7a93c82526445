//! Simple Log Service as the emulator plays it, for Function Compute's logs: `GetLogs`
//! (`GET /logstores/{logstore}?type=log&from=&to=&query=&line=&offset=`, the project in the
//! `Host` header's first label), the log SDK's signature checked with our verifier, on the
//! one project and logstore every emulated service logs to (`fc-logs/function-logs`). Items
//! carry `__time__` (seconds), `__topic__`, `functionName`, `serviceName`, `message` and
//! `instanceID`; a query is terms joined by ` and `: `field: "value"` or a quoted text that
//! the message must contain.

use serde_json::{json, Value as Json};
use time::OffsetDateTime;

use super::{logs, query, Reply, State};
use crate::http::{decode_component, HttpRequest, HttpResponse};
use crate::signing::sls;

fn error(st: &State, status: u16, code: &str, message: &str) -> Reply {
    let mut r = super::json_response(status, &json!({"errorCode": code, "errorMessage": message}));
    r.headers.push(("x-log-requestid".into(), st.new_id()));
    r.into()
}

pub(super) fn handle(st: &State, req: &HttpRequest, now: OffsetDateTime) -> Option<Reply> {
    let logstore = decode_component(req.path.strip_prefix("/logstores/")?);
    if req.method != "GET" || query(req, "type") != Some("log") || logstore.contains('/') {
        return None;
    }
    Some(get_logs(st, req, &logstore, now).unwrap_or_else(|early| early))
}

fn get_logs(
    st: &State,
    req: &HttpRequest,
    logstore: &str,
    now: OffsetDateTime,
) -> Result<Reply, Reply> {
    let c = &st.creds;
    let secret_for = |k: &str| (k == c.access_key).then(|| c.secret_key.clone());
    if let Err(why) = sls::verify(req, &format!("/logstores/{logstore}"), secret_for) {
        st.count("aliyun.logs.refused");
        let code = if why.starts_with("unknown") {
            "Unauthorized"
        } else {
            "SignatureNotMatch"
        };
        return Err(error(
            st,
            401,
            code,
            &format!("signature verification failed: {why}"),
        ));
    }
    let project = req
        .header("Host")
        .and_then(|h| h.split('.').next())
        .unwrap_or_default();
    if project != "fc-logs" {
        return Err(error(
            st,
            404,
            "ProjectNotExist",
            &format!("Project {project} does not exist"),
        ));
    }
    if logstore != "function-logs" {
        return Err(error(
            st,
            404,
            "LogStoreNotExist",
            &format!("logstore {logstore} does not exist"),
        ));
    }
    st.count("aliyun.logs");
    let num = |k: &str| query(req, k).and_then(|v| v.parse::<i64>().ok());
    let sel = logs::Select {
        since_ms: num("from").map(|s| s * 1000),
        until_ms: num("to").map(|t| t * 1000 + 999),
        ..logs::Select::default()
    };
    let terms = terms(query(req, "query").unwrap_or_default());
    let (lines, _) = st.read_logs("aliyun", "*", &sel, now, 0, usize::MAX);
    let items: Vec<Json> = lines
        .iter()
        .map(item)
        .filter(|i| matches(i, &terms))
        .collect();
    let offset = num("offset").unwrap_or(0).max(0) as usize;
    let line = num("line").unwrap_or(100).clamp(0, 100) as usize;
    let page: Vec<&Json> = items.iter().skip(offset).take(line).collect();
    let response = HttpResponse {
        status: 200,
        headers: vec![
            ("Content-Type".into(), "application/json".into()),
            ("x-log-progress".into(), "Complete".into()),
            ("x-log-count".into(), page.len().to_string()),
            ("x-log-requestid".into(), st.new_id()),
        ],
        body: serde_json::to_vec(&page).unwrap_or_default(),
    };
    Ok(response.into())
}

/// A kept line as FC writes it to the logstore.
fn item(l: &logs::Line) -> Json {
    let (service, function) = match l.function.split_once('/') {
        Some((s, f)) => (Some(s), f),
        None => (None, l.function.as_str()),
    };
    let topic = service.map_or_else(|| format!("FCLogs:{function}"), str::to_string);
    json!({"__time__": (l.at_ms / 1000).to_string(), "__topic__": topic, "__source__": "",
        "functionName": function, "serviceName": service.unwrap_or_default(),
        "qualifier": "LATEST", "versionId": "", "instanceID": l.stream, "message": l.text})
}

/// A query's terms: (field, value), the field `None` for a text the message contains.
fn terms(q: &str) -> Vec<(Option<String>, String)> {
    let unquote = |v: &str| {
        let v = v.trim();
        v.strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .map_or_else(
                || v.to_string(),
                |v| v.replace("\\\"", "\"").replace("\\\\", "\\"),
            )
    };
    q.split(" and ")
        .filter(|t| !t.trim().is_empty())
        .map(|t| match t.split_once(':') {
            Some((k, v)) if !t.trim_start().starts_with('"') => {
                (Some(k.trim().to_string()), unquote(v))
            }
            _ => (None, unquote(t)),
        })
        .collect()
}

fn matches(item: &Json, terms: &[(Option<String>, String)]) -> bool {
    terms.iter().all(|(field, value)| match field {
        Some(f) => item[f.as_str()].as_str() == Some(value.as_str()),
        None => item["message"]
            .as_str()
            .is_some_and(|m| m.contains(value.as_str())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_are_fields_and_texts() {
        let t = terms(r#"functionName: "f" and serviceName: "svc" and "a \"b\"""#);
        assert_eq!(
            t,
            [
                (Some("functionName".into()), "f".into()),
                (Some("serviceName".into()), "svc".into()),
                (None, "a \"b\"".into()),
            ]
        );
        let i = json!({"functionName": "f", "serviceName": "svc", "message": "x a \"b\" y"});
        assert!(matches(&i, &t));
        assert!(!matches(&i, &terms(r#""RequestId: r""#)));
    }
}
