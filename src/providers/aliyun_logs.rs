//! Function Compute's log, read from Simple Log Service: the project and logstore of the
//! service's (FC 2.0 `GetService`) or the function's (FC 3.0 `GetFunction`) `logConfig`, then
//! `GetLogs` (`GET /logstores/{logstore}?type=log&from=&to=&query=&line=&offset=`) on
//! `{project}.{region}.log.aliyuncs.com`, 100 lines a page, signed with SLS's own signature
//! ([`crate::signing::sls`]) as Alibaba's log SDK signs it.
//!
//! One request's log: FC's log items carry no request id field in 2.0 and a runtime's plain
//! lines carry none at all, so fcall finds the request's `FC Invoke Start RequestId: ID` line
//! (a full-text search for the id), then reads the function's lines from that second on,
//! from that line to its `FC Invoke End RequestId: ID`, leaving out the lines between another
//! request's start and end. The page token says which step it is in.

use crate::credentials::Credential;
use serde_json::Value as Json;
use time::OffsetDateTime;

use super::aliyun::{Aliyun, Api, Target};
use super::{json_field, refusal_line, ReadsLogs};
use crate::error::{Error, Result};
use crate::http::{encode_component, HttpRequest, HttpResponse};
use crate::invocation::Invocation;
use crate::logs::{LogEvent, LogPage, LogQuery, LogSource, Span, FC_MARKS};
use crate::signing::sls;

const PRODUCT: &str = "Simple Log Service";
/// Lines a page asks for (GetLogs' most).
const LINES: u64 = 100;

/// Where a reading stands.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    /// No request: the function's lines in the window.
    Window { offset: u64 },
    /// A request: the lines that name its id, looking for its start.
    Find { offset: u64 },
    /// A request: the function's lines from the second of its start; `state` 0 before its
    /// start line, 1 in its log, 2 in another request's log inside it.
    Read { from_s: i64, offset: u64, state: u8 },
}

impl Step {
    fn of(q: &LogQuery, page: Option<&str>) -> Step {
        let Some(page) = page else {
            return match q.request_id {
                Some(_) => Step::Find { offset: 0 },
                None => Step::Window { offset: 0 },
            };
        };
        let parts: Vec<&str> = page.split('\n').collect();
        let num = |i: usize| {
            parts
                .get(i)
                .and_then(|p| p.parse::<i64>().ok())
                .unwrap_or(0)
        };
        match parts[0] {
            "read" => Step::Read {
                from_s: num(1),
                offset: num(2) as u64,
                state: num(3) as u8,
            },
            "find" => Step::Find {
                offset: num(1) as u64,
            },
            _ => Step::Window {
                offset: num(1) as u64,
            },
        }
    }

    fn token(&self) -> String {
        match self {
            Step::Window { offset } => format!("window\n{offset}"),
            Step::Find { offset } => format!("find\n{offset}"),
            Step::Read {
                from_s,
                offset,
                state,
            } => format!("read\n{from_s}\n{offset}\n{state}"),
        }
    }
}

/// A quoted term of a query (`"` and `\` escaped).
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The query that selects the function's lines (and `--filter`'s text).
fn function_query(t: &Target, filter: Option<&str>) -> String {
    let mut q = format!("functionName: {}", quoted(&t.function));
    match &t.service {
        Some(s) => q.push_str(&format!(" and serviceName: {}", quoted(s))),
        // FC 3.0 writes a function's lines under the topic FCLogs:NAME
        None => q.push_str(&format!(
            " and __topic__: {}",
            quoted(&format!("FCLogs:{}", t.function))
        )),
    }
    if let Some(f) = filter {
        q.push_str(&format!(" and {}", quoted(f)));
    }
    q
}

impl Aliyun {
    fn log_target(&self, q: &LogQuery) -> Result<Target> {
        let mut inv = Invocation::new(&q.function);
        inv.qualifier = q.qualifier.clone();
        self.target(&inv)
    }

    /// `GetLogs` for `logstore` of `project`: the URL (the project in the host, or only in
    /// the `Host` header of an endpoint that is given), signed.
    fn get_logs(
        &self,
        src: &LogSource,
        params: Vec<(&str, String)>,
        now: OffsetDateTime,
    ) -> HttpRequest {
        let (project, logstore) = (src.part(0), src.part(1));
        let resource = format!("/logstores/{logstore}");
        let path = format!("/logstores/{}", encode_component(logstore));
        let mut req = match &self.log_endpoint {
            Some(e) => {
                let host = e.split_once("://").map_or(e.as_str(), |(_, h)| h);
                let mut r = HttpRequest::new("GET", e, &path);
                r.set_header("Host", format!("{project}.{host}"));
                r
            }
            None => {
                let region = self.region.as_deref().unwrap_or("cn-hangzhou");
                let host = format!("{project}.{region}.log.aliyuncs.com");
                let mut r = HttpRequest::new("GET", &format!("https://{host}"), &path);
                r.set_header("Host", host);
                r
            }
        };
        req.query = params
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        sls::sign(&mut req, &resource, &self.sls_key(), now);
        req
    }

    /// A refusal of the log service: rights (exit 3, naming `log:GetLogStoreLogs`), no such
    /// project or logstore (exit 4).
    fn logs_refused(&self, resp: &HttpResponse, src: &LogSource) -> Error {
        let body: Json = serde_json::from_slice(&resp.body).unwrap_or(Json::Null);
        let code = json_field(&body, &["errorCode"]);
        let msg = json_field(&body, &["errorMessage"]);
        let id = resp.header("x-log-requestid");
        let line = refusal_line(PRODUCT, code.as_deref(), msg.as_deref(), resp, id);
        let auth = [
            "Unauthorized",
            "SignatureNotMatch",
            "InvalidAccessKeyId",
            "SecurityTokenExpired",
        ];
        if code.as_deref().is_some_and(|c| auth.contains(&c)) || matches!(resp.status, 401 | 403) {
            return Error::Auth(format!(
                "{line}: the AccessKey needs log:GetLogStoreLogs on {}/{}",
                src.part(0),
                src.part(1)
            ));
        }
        Error::Refused(line)
    }
}

impl ReadsLogs for Aliyun {
    fn locates(&self) -> bool {
        true
    }

    /// FC 2.0 `GetService` (its `logConfig` serves all its functions), FC 3.0 `GetFunction`.
    fn locate_request(
        &self,
        q: &LogQuery,
        _token: Option<&Credential>,
        now: OffsetDateTime,
    ) -> Result<HttpRequest> {
        let t = self.log_target(q)?;
        Ok(match (&self.api, &t.service) {
            (Api::V2(v), Some(s)) => {
                let svc = match &t.qualifier {
                    Some(q) => format!("{s}.{q}"),
                    None => s.clone(),
                };
                let path = format!("/{v}/services/{}", encode_component(&svc));
                self.get(&path, None, "GetService", now)
            }
            _ => {
                let path = format!("/2023-03-30/functions/{}", encode_component(&t.function));
                let qual = t.qualifier.clone().map(|q| ("qualifier", q));
                self.get(&path, qual, "GetFunction", now)
            }
        })
    }

    fn log_source(&self, q: &LogQuery, located: Option<&HttpResponse>) -> Result<LogSource> {
        let t = self.log_target(q)?;
        let resp = located.ok_or_else(|| Error::Internal("no logConfig was looked up".into()))?;
        if !super::Provider::succeeded(self, resp.status) {
            return Err(super::Provider::refused(self, resp));
        }
        let body: Json = serde_json::from_slice(&resp.body).unwrap_or(Json::Null);
        let config = &body["logConfig"];
        let field = |k: &str| config[k].as_str().filter(|v| !v.is_empty());
        let (Some(project), Some(logstore)) = (field("project"), field("logstore")) else {
            let whose = match &t.service {
                Some(s) => format!("the service '{s}'"),
                None => format!("the function '{}'", t.function),
            };
            return Err(Error::Refused(format!(
                "Function Compute keeps no log of {whose}: it has no logConfig; give it a Simple Log Service project and logstore (console: Logging, or `s` / the API's logConfig) and invoke it again"
            )));
        };
        // the project becomes part of the log service's host name: one DNS label only
        super::host_part("project", project).map_err(|m| {
            Error::Refused(format!("Function Compute's logConfig cannot be used: {m}"))
        })?;
        Ok(LogSource {
            name: format!("{PRODUCT} {project}/{logstore}"),
            parts: vec![project.to_string(), logstore.to_string()],
        })
    }

    fn page_request(
        &self,
        q: &LogQuery,
        src: &LogSource,
        page: Option<&str>,
        _token: Option<&Credential>,
        now: OffsetDateTime,
    ) -> Result<HttpRequest> {
        let t = self.log_target(q)?;
        let since = q.since.map_or(0, |s| s.unix_timestamp());
        let until = q
            .until
            .unwrap_or(now + time::Duration::minutes(1))
            .unix_timestamp();
        let (from, offset, query) = match Step::of(q, page) {
            Step::Window { offset } => (since, offset, function_query(&t, q.filter.as_deref())),
            Step::Find { offset } => (since, offset, quoted(q.request_id.as_deref().unwrap_or(""))),
            Step::Read { from_s, offset, .. } => (from_s, offset, function_query(&t, None)),
        };
        // the parameters, in the order the log SDK sends them
        let params = vec![
            ("from", from.to_string()),
            ("to", until.to_string()),
            ("line", LINES.to_string()),
            ("offset", offset.to_string()),
            ("powerSql", "False".to_string()),
            ("accurate", "True".to_string()),
            ("fromNs", "0".to_string()),
            ("toNs", "0".to_string()),
            ("query", query),
            ("type", "log".to_string()),
            ("reverse", "false".to_string()),
        ];
        Ok(self.get_logs(src, params, now))
    }

    fn parse_page(
        &self,
        q: &LogQuery,
        src: &LogSource,
        page: Option<&str>,
        resp: &HttpResponse,
    ) -> Result<LogPage> {
        if !super::Provider::succeeded(self, resp.status) {
            return Err(self.logs_refused(resp, src));
        }
        let items: Vec<Json> = serde_json::from_slice(&resp.body)
            .map_err(|e| Error::Refused(format!("{PRODUCT}'s answer is not a JSON list ({e})")))?;
        let full = items.len() as u64 >= LINES;
        let id = q.request_id.as_deref().unwrap_or_default();
        Ok(match Step::of(q, page) {
            Step::Window { offset } => LogPage {
                events: items.iter().map(|i| event(i, None)).collect(),
                next: full.then(|| {
                    Step::Window {
                        offset: offset.saturating_add(LINES),
                    }
                    .token()
                }),
            },
            Step::Find { offset } => {
                let start = format!("FC Invoke Start RequestId: {id}");
                let found = items.iter().find(|i| message(i).starts_with(&start));
                let next = match found {
                    Some(i) => Some(
                        Step::Read {
                            from_s: seconds(i),
                            offset: 0,
                            state: 0,
                        }
                        .token(),
                    ),
                    None => full.then(|| {
                        Step::Find {
                            offset: offset.saturating_add(LINES),
                        }
                        .token()
                    }),
                };
                LogPage {
                    events: Vec::new(),
                    next,
                }
            }
            Step::Read {
                from_s,
                offset,
                state,
            } => read_request(&items, q, id, (from_s, offset, state), full),
        })
    }
}

fn message(item: &Json) -> &str {
    item["message"].as_str().unwrap_or_default()
}

fn seconds(item: &Json) -> i64 {
    json_field(item, &["__time__"])
        .and_then(|t| t.parse().ok())
        .unwrap_or(0)
}

fn event(item: &Json, request_id: Option<&str>) -> LogEvent {
    let message = message(item).trim_end_matches(['\n', '\r']).to_string();
    LogEvent {
        timestamp_ms: seconds(item).saturating_mul(1000),
        request_id: request_id
            .map(str::to_string)
            .or_else(|| crate::logs::request_id_in(&message)),
        stream: json_field(item, &["instanceID", "instanceId", "__source__"])
            .filter(|s| !s.is_empty()),
        message,
    }
}

/// The read step's page: the request's lines among the function's, from its start line to
/// its end line, without another request's that start and end inside it ([`Span`]).
fn read_request(
    items: &[Json],
    q: &LogQuery,
    id: &str,
    (from_s, offset, state): (i64, u64, u8),
    full: bool,
) -> LogPage {
    let mut span = Span::from_code(state);
    let mut events = Vec::new();
    for item in items {
        let (ours, last) = span.take(message(item), id, &FC_MARKS);
        if !ours {
            continue;
        }
        let e = event(item, Some(id));
        if q.filter.as_deref().is_none_or(|f| e.message.contains(f)) {
            events.push(e);
        }
        if last {
            return LogPage { events, next: None };
        }
    }
    let next = full.then(|| {
        Step::Read {
            from_s,
            offset: offset.saturating_add(LINES),
            state: span.code(),
        }
        .token()
    });
    LogPage { events, next }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn steps_round_trip() {
        let q = LogQuery::default();
        assert_eq!(Step::of(&q, None), Step::Window { offset: 0 });
        for s in [
            Step::Window { offset: 100 },
            Step::Find { offset: 200 },
            Step::Read {
                from_s: 17,
                offset: 300,
                state: 2,
            },
        ] {
            assert_eq!(Step::of(&q, Some(&s.token())), s);
        }
    }

    #[test]
    fn a_request_is_read_from_its_start_to_its_end_without_others() {
        let item = |m: &str| json!({"__time__": "1704164645", "message": m, "functionName": "f"});
        let items = [
            item("before"),
            item("FC Invoke Start RequestId: r1"),
            item("one"),
            item("FC Invoke Start RequestId: r2"),
            item("theirs"),
            item("FC Invoke End RequestId: r2"),
            item("two"),
            item("FC Invoke End RequestId: r1"),
            item("after"),
        ];
        let q = LogQuery {
            request_id: Some("r1".into()),
            ..LogQuery::default()
        };
        let page = read_request(&items, &q, "r1", (0, 0, 0), true);
        let texts: Vec<&str> = page.events.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            texts,
            [
                "FC Invoke Start RequestId: r1",
                "one",
                "two",
                "FC Invoke End RequestId: r1"
            ]
        );
        assert_eq!(page.next, None);
        assert_eq!(page.events[1].request_id.as_deref(), Some("r1"));
        assert_eq!(page.events[1].timestamp_ms, 1_704_164_645_000);
        // a page that ends inside the request goes on where it stopped
        let page = read_request(&items[..3], &q, "r1", (5, 0, 0), true);
        assert_eq!(page.next.as_deref(), Some("read\n5\n100\n1"));
        assert_eq!(
            function_query(
                &Target {
                    service: Some("svc".into()),
                    function: "f".into(),
                    qualifier: None
                },
                Some("a \"b\"")
            ),
            r#"functionName: "f" and serviceName: "svc" and "a \"b\"""#
        );
    }
}
