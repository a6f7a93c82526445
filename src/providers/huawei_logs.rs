//! FunctionGraph's log, read from LTS: the function's log group and stream
//! (`log_group_id`/`log_stream_id` of `GET /v2/{project}/fgs/functions/{urn}/config`), then
//! `POST /v2/{project}/groups/{group}/streams/{stream}/content/query` (`ListLogs`) 100 lines a
//! page, the next page after the last line's `line_num` (`search_type: forwards`), signed
//! with the SDK-HMAC-SHA256 signer (or the IAM token) as every FunctionGraph request is.
//!
//! One request's log: a search for its id finds its `Start invoke request 'ID'` line; the
//! stream is read from that line on to its `Finish invoke request 'ID'`, leaving out another
//! request's start-to-end inside it ([`Span`]), as the stream's lines carry no request id.

use crate::credentials::Credential;
use serde_json::Value as Json;
use time::OffsetDateTime;

use super::huawei::Huawei;
use super::python_json::python_object;
use super::{json_field, refusal_line, Provider, ReadsLogs};
use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse};
use crate::invocation::Invocation;
use crate::logs::{unix_ms, LogEvent, LogPage, LogQuery, LogSource, Span, FUNCTIONGRAPH_MARKS};

const PRODUCT: &str = "LTS";
const LIMIT: u64 = 100;

/// Where a reading stands; `after` is the `line_num` of the last line read.
#[derive(Debug, PartialEq, Eq)]
enum Step<'a> {
    Window {
        after: Option<&'a str>,
    },
    Find {
        after: Option<&'a str>,
    },
    Read {
        from_ms: i64,
        after: Option<&'a str>,
        state: u8,
    },
}

impl<'a> Step<'a> {
    fn of(q: &LogQuery, page: Option<&'a str>) -> Step<'a> {
        let Some(page) = page else {
            return match q.request_id {
                Some(_) => Step::Find { after: None },
                None => Step::Window { after: None },
            };
        };
        let parts: Vec<&'a str> = page.split('\n').collect();
        let after = parts.last().copied().filter(|a| !a.is_empty());
        match parts[0] {
            "read" => Step::Read {
                from_ms: parts.get(1).and_then(|p| p.parse().ok()).unwrap_or(0),
                state: parts.get(2).and_then(|p| p.parse().ok()).unwrap_or(0),
                after,
            },
            "find" => Step::Find { after },
            _ => Step::Window { after },
        }
    }

    fn token(&self, after: &str) -> String {
        match self {
            Step::Window { .. } => format!("window\n{after}"),
            Step::Find { .. } => format!("find\n{after}"),
            Step::Read { from_ms, state, .. } => format!("read\n{from_ms}\n{state}\n{after}"),
        }
    }
}

/// The `ListLogs` body, its members in the SDK model's order.
fn query_body(q: &LogQuery, step: &Step, now: OffsetDateTime) -> String {
    let from = match step {
        Step::Read { from_ms, .. } => *from_ms,
        _ => q.since.map_or(0, unix_ms),
    };
    let to = unix_ms(q.until.unwrap_or(now + time::Duration::minutes(1)));
    let (keywords, after) = match step {
        Step::Window { after } => (q.filter.clone(), *after),
        Step::Find { after } => (q.request_id.clone(), *after),
        Step::Read { after, .. } => (None, *after),
    };
    let mut m: Vec<(&str, Json)> = vec![
        ("start_time", from.to_string().into()),
        ("end_time", to.to_string().into()),
    ];
    if let Some(k) = keywords {
        m.push(("keywords", k.into()));
    }
    if let Some(a) = after {
        m.push(("line_num", a.into()));
    }
    m.push(("is_desc", false.into()));
    m.push((
        "search_type",
        if after.is_some() { "forwards" } else { "init" }.into(),
    ));
    m.push(("limit", LIMIT.into()));
    python_object(&m)
}

/// A line's time: `line_num` is its time in nanoseconds (the part LTS adds after the
/// milliseconds keeps lines of one millisecond apart).
fn time_of(line_num: &str) -> i64 {
    line_num.parse::<i64>().map_or(0, |n| n / 1_000_000)
}

fn event(log: &Json, request_id: Option<&str>) -> LogEvent {
    let message = log["content"]
        .as_str()
        .unwrap_or_default()
        .trim_end_matches(['\n', '\r'])
        .to_string();
    LogEvent {
        timestamp_ms: time_of(log["line_num"].as_str().unwrap_or_default()),
        request_id: request_id
            .map(str::to_string)
            .or_else(|| crate::logs::request_id_in(&message)),
        stream: log["labels"]["hostName"].as_str().map(str::to_string),
        message,
    }
}

impl Huawei {
    fn logs_refused(&self, resp: &HttpResponse, src: &LogSource) -> Error {
        let body: Json = serde_json::from_slice(&resp.body).unwrap_or(Json::Null);
        let code = json_field(&body, &["errorCode", "error_code"]);
        let msg = json_field(&body, &["errorMessage", "error_msg"]);
        let line = refusal_line(PRODUCT, code.as_deref(), msg.as_deref(), resp, None);
        if matches!(resp.status, 401 | 403) {
            return Error::Auth(format!(
                "{line}: reading the log needs LTS rights on group {} (lts:logs:list, e.g. the LTS ReadOnlyAccess policy); {}",
                src.part(0),
                self.auth_hint()
            ));
        }
        Error::Refused(line)
    }
}

impl ReadsLogs for Huawei {
    fn locates(&self) -> bool {
        true
    }

    /// `ShowFunctionConfig`: the function's `log_group_id` and `log_stream_id`.
    fn locate_request(
        &self,
        q: &LogQuery,
        token: Option<&Credential>,
        now: OffsetDateTime,
    ) -> Result<HttpRequest> {
        let mut inv = Invocation::new(&q.function);
        inv.qualifier = q.qualifier.clone();
        let urn = self.urn(&inv)?;
        let mut req = HttpRequest::new("GET", self.endpoint(), &self.path(&urn, "config"));
        req.set_header("Content-Type", "application/json");
        self.authorize(&mut req, token, now)?;
        Ok(req)
    }

    fn log_source(&self, q: &LogQuery, located: Option<&HttpResponse>) -> Result<LogSource> {
        let resp =
            located.ok_or_else(|| Error::Internal("no function config was looked up".into()))?;
        if !super::Provider::succeeded(self, resp.status) {
            return Err(self.refused(resp));
        }
        let config: Json = serde_json::from_slice(&resp.body).unwrap_or(Json::Null);
        let field = |k: &str| config[k].as_str().filter(|v| !v.is_empty());
        let (Some(group), Some(stream)) = (field("log_group_id"), field("log_stream_id")) else {
            return Err(Error::Refused(format!(
                "FunctionGraph writes no log of '{}' to LTS: turn on its logs (the console's Configuration > Logs, or the EnableLtsLogs API) and invoke it again",
                q.function
            )));
        };
        Ok(LogSource {
            name: format!("LTS log stream {stream}"),
            parts: vec![group.to_string(), stream.to_string()],
        })
    }

    fn page_request(
        &self,
        q: &LogQuery,
        src: &LogSource,
        page: Option<&str>,
        token: Option<&Credential>,
        now: OffsetDateTime,
    ) -> Result<HttpRequest> {
        let path = format!(
            "/v2/{}/groups/{}/streams/{}/content/query",
            self.project_id,
            crate::http::encode_component(src.part(0)),
            crate::http::encode_component(src.part(1))
        );
        let mut req = HttpRequest::new("POST", &self.lts_endpoint, &path);
        req.set_header("Content-Type", "application/json");
        req.body = query_body(q, &Step::of(q, page), now).into_bytes();
        self.authorize(&mut req, token, now)?;
        Ok(req)
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
        let body: Json = serde_json::from_slice(&resp.body)
            .map_err(|e| Error::Refused(format!("{PRODUCT}'s answer is not JSON ({e})")))?;
        let logs = body["logs"].as_array().cloned().unwrap_or_default();
        let last = logs
            .last()
            .and_then(|l| l["line_num"].as_str())
            .unwrap_or_default();
        let full = logs.len() as u64 >= LIMIT;
        let step = Step::of(q, page);
        let id = q.request_id.as_deref().unwrap_or_default();
        Ok(match step {
            Step::Window { .. } => LogPage {
                events: logs.iter().map(|l| event(l, None)).collect(),
                next: full.then(|| step.token(last)),
            },
            Step::Find { .. } => {
                let start = |l: &&Json| {
                    let c = l["content"].as_str().unwrap_or_default();
                    (FUNCTIONGRAPH_MARKS.start)(c) && c.contains(id)
                };
                let next = match logs.iter().find(start) {
                    Some(l) => {
                        let from_ms = time_of(l["line_num"].as_str().unwrap_or_default());
                        Some(format!("read\n{from_ms}\n0\n"))
                    }
                    None => full.then(|| step.token(last)),
                };
                LogPage {
                    events: Vec::new(),
                    next,
                }
            }
            Step::Read { state, .. } => {
                let mut span = Span::from_code(state);
                let mut events = Vec::new();
                for l in &logs {
                    let (ours, end) = span.take(
                        l["content"].as_str().unwrap_or_default(),
                        id,
                        &FUNCTIONGRAPH_MARKS,
                    );
                    let e = event(l, Some(id));
                    if ours && q.filter.as_deref().is_none_or(|f| e.message.contains(f)) {
                        events.push(e);
                    }
                    if ours && end {
                        return Ok(LogPage { events, next: None });
                    }
                }
                let next = full.then(|| match step {
                    Step::Read { from_ms, .. } => {
                        format!("read\n{from_ms}\n{}\n{last}", span.code())
                    }
                    _ => unreachable!(),
                });
                LogPage { events, next }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_and_bodies() {
        let q = LogQuery {
            request_id: Some("r".into()),
            since: Some(time::macros::datetime!(2024-01-02 03:04:05 UTC)),
            ..LogQuery::default()
        };
        let now = time::macros::datetime!(2024-01-02 03:05:05 UTC);
        assert_eq!(Step::of(&q, None), Step::Find { after: None });
        assert_eq!(
            query_body(&q, &Step::Find { after: None }, now),
            r#"{"start_time": "1704164645000", "end_time": "1704164765000", "keywords": "r", "is_desc": false, "search_type": "init", "limit": 100}"#
        );
        let read = Step::of(&q, Some("read\n17\n1\n99"));
        assert_eq!(
            read,
            Step::Read {
                from_ms: 17,
                after: Some("99"),
                state: 1
            }
        );
        assert_eq!(read.token("100"), "read\n17\n1\n100");
        assert_eq!(
            Step::of(&q, Some("read\n17\n0\n")),
            Step::Read {
                from_ms: 17,
                after: None,
                state: 0
            }
        );
        assert_eq!(time_of("1704164645123456789"), 1_704_164_645_123);
    }

    /// The requests of a log reading as Huawei's Python SDK builds and signs them (the
    /// fixture is `scripts/huawei_lts_vectors.py`'s output): the same URL and body, byte for
    /// byte, and the same signature once the SDK's User-Agent (which it signs) is added.
    #[test]
    fn matches_what_the_huawei_sdk_sends() {
        use crate::config::{Profile, Value};
        use crate::signing::huawei::{self as signer, AkSk};
        let fixture: Json = serde_json::from_str(include_str!(
            "../../tests/fixtures/lts-huaweicloud-sdk.json"
        ))
        .unwrap();
        let now = time::macros::datetime!(2024-01-02 03:04:05 UTC);
        let project = fixture["project_id"].as_str().unwrap();
        let cases = fixture["cases"].as_array().unwrap();
        assert!(cases.len() >= 4);
        for c in cases {
            let name = c["name"].as_str().unwrap();
            let token = c["security_token"].as_str();
            let mut values = vec![
                ("region", "cn-north-4"),
                ("project_id", project),
                ("access_key", "AKIDTEST"),
                ("secret_key", "testsecret"),
            ];
            if let Some(t) = token {
                values.push(("security_token", t));
            }
            let profile = Profile {
                name: "t".into(),
                provider: "huawei".into(),
                values: values
                    .iter()
                    .map(|(k, v)| (k.to_string(), Value::Str(v.to_string())))
                    .collect(),
            };
            let p = Huawei::from_profile(&profile, &|_| None).unwrap();
            let r = if c["kind"] == "config" {
                let q = LogQuery {
                    function: c["urn"].as_str().unwrap().into(),
                    ..LogQuery::default()
                };
                p.locate_request(&q, None, now).unwrap()
            } else {
                let params = &c["params"];
                let ms = |k: &str| {
                    params[k]
                        .as_str()
                        .and_then(|v| v.parse().ok())
                        .map(crate::logs::from_unix_ms)
                };
                let keywords = params["keywords"].as_str().map(str::to_string);
                let q = LogQuery {
                    since: ms("start_time"),
                    until: ms("end_time"),
                    request_id: keywords.clone(),
                    ..LogQuery::default()
                };
                let after = params["line_num"].as_str();
                let page = after.map(|a| format!("find\n{a}"));
                let src = LogSource {
                    name: String::new(),
                    parts: vec![
                        fixture["group"].as_str().unwrap().into(),
                        fixture["stream"].as_str().unwrap().into(),
                    ],
                };
                let mut lts = p;
                lts.lts_endpoint = "https://lts.cn-north-4.myhuaweicloud.com".into();
                lts.page_request(&q, &src, page.as_deref(), None, now)
                    .unwrap()
            };
            assert_eq!(r.method, c["method"], "{name}");
            assert_eq!(r.url(), c["url"], "{name}");
            assert_eq!(
                String::from_utf8_lossy(&r.body),
                c["body"].as_str().unwrap(),
                "{name}"
            );
            let theirs = c["headers"].as_object().unwrap();
            let mut resigned = r.clone();
            resigned.headers.retain(|(k, _)| {
                !k.eq_ignore_ascii_case("Authorization") && !k.eq_ignore_ascii_case("X-Sdk-Date")
            });
            resigned.set_header("User-Agent", theirs["User-Agent"].as_str().unwrap());
            let key = AkSk {
                access_key: "AKIDTEST",
                secret_key: "testsecret",
                security_token: token,
                project_id: Some(project),
            };
            signer::sign(&mut resigned, &key, now);
            for (k, v) in theirs {
                assert_eq!(resigned.header(k), v.as_str(), "{name}: {k}");
            }
            for (k, _) in &r.headers {
                assert!(theirs.contains_key(k.as_str()), "{name}: fcall sends {k}");
            }
        }
    }
}
