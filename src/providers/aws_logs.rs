//! AWS Lambda's log, read from CloudWatch Logs: the function's log group (its
//! `LoggingConfig.LogGroup` from `GetFunctionConfiguration`, else `/aws/lambda/NAME`), then
//! `FilterLogEvents` (JSON 1.1, `X-Amz-Target: Logs_20140328.FilterLogEvents`, SigV4 service
//! `logs`) page by page with `nextToken`: a page may be short or empty and still have one.
//!
//! One request's log is read in two steps, since a runtime's plain lines (Python's `print`)
//! carry no request id: find the request's `START RequestId: ID` line, or in Lambda's JSON log
//! format its `platform.start` record (the search is for the id alone, which both name): which
//! stream, from when; then read that stream from there up to its `REPORT RequestId: ID` (or
//! `platform.report`) (a stream is one
//! execution environment, which runs one request at a time). The page token fcall hands
//! round says which step it is in, with CloudWatch's own token inside.

use crate::credentials::Credential;
use serde_json::Value as Json;
use time::OffsetDateTime;

use super::aws::{error_of, is_auth_error, parse_function, Aws};
use super::python_json::python_object;
use super::{refusal_line, Provider, ReadsLogs};
use crate::error::{Error, Result};
use crate::http::{encode_component, HttpRequest, HttpResponse};
use crate::invocation::Invocation;
use crate::logs::{request_id_in, unix_ms, LogEvent, LogPage, LogQuery, LogSource};
use crate::signing::sigv4;

const PRODUCT: &str = "CloudWatch Logs";
const TARGET: &str = "Logs_20140328.FilterLogEvents";

/// Where a reading stands: its step and CloudWatch's token for the step's next page.
#[derive(Debug, PartialEq, Eq)]
enum Step<'a> {
    /// No request: the window's lines (with `--filter` as the pattern).
    Window { next: Option<&'a str> },
    /// A request: looking for its START line.
    Find { next: Option<&'a str> },
    /// A request: its stream, from its START line on.
    Read {
        stream: &'a str,
        from_ms: i64,
        next: Option<&'a str>,
    },
}

impl<'a> Step<'a> {
    fn of(q: &LogQuery, page: Option<&'a str>) -> Step<'a> {
        let Some(page) = page else {
            return match q.request_id {
                Some(_) => Step::Find { next: None },
                None => Step::Window { next: None },
            };
        };
        let mut parts = page.splitn(4, '\n');
        let kind = parts.next().unwrap_or_default();
        let token = |t: Option<&'a str>| t.filter(|t| !t.is_empty());
        match kind {
            "read" => {
                let from_ms = parts.next().and_then(|m| m.parse().ok()).unwrap_or(0);
                let stream = parts.next().unwrap_or_default();
                Step::Read {
                    stream,
                    from_ms,
                    next: token(parts.next()),
                }
            }
            "find" => Step::Find {
                next: token(parts.next()),
            },
            _ => Step::Window {
                next: token(parts.next()),
            },
        }
    }

    /// The page token for the step after this page.
    fn token(&self) -> String {
        match self {
            Step::Window { next } => format!("window\n{}", next.unwrap_or_default()),
            Step::Find { next } => format!("find\n{}", next.unwrap_or_default()),
            Step::Read {
                stream,
                from_ms,
                next,
            } => format!("read\n{from_ms}\n{stream}\n{}", next.unwrap_or_default()),
        }
    }
}

/// A term of a filter pattern: quoted, as an exact phrase (`None` when it holds a quote,
/// which a pattern cannot: that text is matched by fcall instead).
fn term(text: &str) -> Option<String> {
    (!text.contains('"')).then(|| format!("\"{text}\""))
}

/// The `FilterLogEvents` input, its members in the model's order (as botocore sends them).
fn filter_input(q: &LogQuery, group: &str, step: &Step) -> Vec<(&'static str, Json)> {
    let mut m: Vec<(&'static str, Json)> = Vec::new();
    m.push(("logGroupName", group.into()));
    let (pattern, next) = match step {
        Step::Window { next } => (q.filter.as_deref().and_then(term), *next),
        Step::Find { next } => (q.request_id.as_deref().and_then(term), *next),
        Step::Read { stream, next, .. } => {
            m.push(("logStreamNames", Json::Array(vec![(*stream).into()])));
            (None, *next)
        }
    };
    let from = match step {
        Step::Read { from_ms, .. } => Some(*from_ms),
        _ => q.since.map(unix_ms),
    };
    if let Some(s) = from {
        m.push(("startTime", s.into()));
    }
    if let (Some(u), false) = (q.until, matches!(step, Step::Read { .. })) {
        m.push(("endTime", unix_ms(u).into()));
    }
    if let Some(p) = pattern {
        m.push(("filterPattern", p.into()));
    }
    if let Some(n) = next {
        m.push(("nextToken", n.into()));
    }
    if let Some(l) = q.page_size {
        m.push(("limit", l.into()));
    }
    m
}

/// One event of an answer.
fn event(e: &Json, request_id: Option<&str>) -> LogEvent {
    let message = e["message"]
        .as_str()
        .unwrap_or_default()
        .trim_end_matches(['\n', '\r'])
        .to_string();
    LogEvent {
        timestamp_ms: e["timestamp"].as_i64().unwrap_or(0),
        request_id: request_id
            .map(str::to_string)
            .or_else(|| request_id_in(&message)),
        stream: e["logStreamName"].as_str().map(str::to_string),
        message,
    }
}

impl Aws {
    /// A CloudWatch Logs refusal: no such group (the function has not logged, or logs
    /// elsewhere: exit 4), missing rights (exit 3, naming `logs:FilterLogEvents`).
    fn logs_refused(&self, resp: &HttpResponse, group: &str) -> Error {
        let (kind, message) = error_of(resp);
        let line = refusal_line(
            PRODUCT,
            kind.as_deref(),
            message.as_deref(),
            resp,
            resp.header("x-amzn-RequestId"),
        );
        if kind.as_deref() == Some("ResourceNotFoundException") {
            return Error::Refused(format!(
                "{line}: there is no log group {group}: the function has not logged yet, or its role may not write logs (logs:CreateLogStream, logs:PutLogEvents), or its LoggingConfig names another group"
            ));
        }
        if is_auth_error(kind.as_deref(), resp.status) {
            return Error::Auth(format!(
                "{line}: the keys (from {}) need logs:FilterLogEvents on {group}",
                self.source()
            ));
        }
        Error::Refused(line)
    }
}

impl ReadsLogs for Aws {
    fn locates(&self) -> bool {
        true
    }

    /// `GetFunctionConfiguration`, for the group its `LoggingConfig` names.
    fn locate_request(
        &self,
        q: &LogQuery,
        token: Option<&Credential>,
        now: OffsetDateTime,
    ) -> Result<HttpRequest> {
        let f = parse_function(&q.function)?;
        let region = self.region(&f)?;
        let mut inv = Invocation::new(&q.function);
        inv.qualifier = q.qualifier.clone();
        let path = format!(
            "/2015-03-31/functions/{}/configuration",
            encode_component(&q.function)
        );
        let mut req = HttpRequest::new("GET", &self.endpoint(&region), &path);
        if let Some(qual) = Aws::qualifier(&f, &inv)? {
            req.query.push(("Qualifier".into(), qual));
        }
        sigv4::sign(&mut req, &self.key(token)?, &region, "lambda", now);
        Ok(req)
    }

    fn log_source(&self, q: &LogQuery, located: Option<&HttpResponse>) -> Result<LogSource> {
        let f = parse_function(&q.function)?;
        let region = self.region(&f)?;
        let default = format!("/aws/lambda/{}", f.name);
        let group = match located {
            Some(r) if super::Provider::succeeded(self, r.status) => {
                let config: Json = serde_json::from_slice(&r.body).unwrap_or(Json::Null);
                config["LoggingConfig"]["LogGroup"]
                    .as_str()
                    .filter(|g| !g.is_empty())
                    .map_or(default, str::to_string)
            }
            // keys that may read the log but not the configuration: the default group
            Some(r) if is_auth_error(error_of(r).0.as_deref(), r.status) => default,
            Some(r) => return Err(self.refused(r)),
            None => default,
        };
        Ok(LogSource {
            name: format!("{PRODUCT} group {group}"),
            parts: vec![group, region],
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
        let region = src.part(1);
        let body = filter_input(q, src.part(0), &Step::of(q, page));
        let mut req = HttpRequest::new("POST", &self.logs_endpoint(region), "/");
        req.set_header("X-Amz-Target", TARGET);
        req.set_header("Content-Type", "application/x-amz-json-1.1");
        req.body = python_object(&body).into_bytes();
        sigv4::sign(&mut req, &self.key(token)?, region, "logs", now);
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
            return Err(self.logs_refused(resp, src.part(0)));
        }
        let answer: Json = serde_json::from_slice(&resp.body)
            .map_err(|e| Error::Refused(format!("{PRODUCT}'s answer is not JSON ({e})")))?;
        let events = answer["events"].as_array().cloned().unwrap_or_default();
        let cw_next = answer["nextToken"].as_str().filter(|t| !t.is_empty());
        let wanted = |e: &LogEvent| q.filter.as_deref().is_none_or(|f| e.message.contains(f));
        let id = q.request_id.as_deref().unwrap_or_default();
        match Step::of(q, page) {
            Step::Window { .. } => Ok(LogPage {
                events: events
                    .iter()
                    .map(|e| event(e, None))
                    .filter(wanted)
                    .collect(),
                next: cw_next.map(|n| Step::Window { next: Some(n) }.token()),
            }),
            Step::Find { .. } => Ok(find_start(&events, id, cw_next)),
            Step::Read {
                stream, from_ms, ..
            } => {
                let mut out = Vec::new();
                for e in &events {
                    let ev = event(e, Some(id));
                    let ends = is_report(&ev.message) && ev.message.contains(id);
                    let other = is_start(&ev.message) && !ev.message.contains(id);
                    if other {
                        return Ok(LogPage {
                            events: out,
                            next: None,
                        });
                    }
                    if wanted(&ev) {
                        out.push(ev);
                    }
                    if ends {
                        return Ok(LogPage {
                            events: out,
                            next: None,
                        });
                    }
                }
                let next = cw_next.map(|n| {
                    Step::Read {
                        stream,
                        from_ms,
                        next: Some(n),
                    }
                    .token()
                });
                Ok(LogPage { events: out, next })
            }
        }
    }
}

/// A request's first line: `START RequestId: ID` in the text log format, the
/// `platform.start` record in the JSON one.
fn is_start(m: &str) -> bool {
    m.starts_with("START RequestId: ") || (m.starts_with('{') && m.contains("\"platform.start\""))
}

/// A request's last line: `REPORT RequestId: ID`, or the `platform.report` record.
fn is_report(m: &str) -> bool {
    m.starts_with("REPORT RequestId: ") || (m.starts_with('{') && m.contains("\"platform.report\""))
}

/// The find step's page: on the request's START line, the read of its stream from there;
/// else the next page of the search, or nothing yet (a log not ingested so far).
fn find_start(events: &[Json], id: &str, cw_next: Option<&str>) -> LogPage {
    let found = events.iter().find(|e| {
        e["message"]
            .as_str()
            .is_some_and(|m| is_start(m) && m.contains(id))
    });
    let next = match found {
        Some(e) => Some(
            Step::Read {
                stream: e["logStreamName"].as_str().unwrap_or_default(),
                from_ms: e["timestamp"].as_i64().unwrap_or(0),
                next: None,
            }
            .token(),
        ),
        None => cw_next.map(|n| Step::Find { next: Some(n) }.token()),
    };
    LogPage {
        events: Vec::new(),
        next,
    }
}

#[cfg(test)]
mod tests {
    use super::super::python_json::python_string;
    use super::*;

    #[test]
    fn the_group_is_the_one_logging_config_names() {
        use crate::config::{Profile, Value};
        let profile = Profile {
            name: "t".into(),
            provider: "aws".into(),
            values: [
                ("region", "eu-west-1"),
                ("access_key_id", "a"),
                ("secret_access_key", "s"),
            ]
            .iter()
            .map(|(k, v)| (k.to_string(), Value::Str(v.to_string())))
            .collect(),
        };
        let p = Aws::from_profile(&profile, &|_| None).unwrap();
        let q = LogQuery {
            function: "f".into(),
            ..LogQuery::default()
        };
        let answer = |status: u16, kind: Option<&str>, body: &str| HttpResponse {
            status,
            headers: kind
                .map(|k| vec![("X-Amzn-ErrorType".to_string(), k.to_string())])
                .unwrap_or_default(),
            body: body.as_bytes().to_vec(),
        };
        let custom = answer(
            200,
            None,
            r#"{"LoggingConfig":{"LogFormat":"JSON","LogGroup":"/custom/g"}}"#,
        );
        let src = p.log_source(&q, Some(&custom)).unwrap();
        assert_eq!(src.parts, ["/custom/g", "eu-west-1"]);
        assert_eq!(src.name, "CloudWatch Logs group /custom/g");
        let plain = answer(200, None, r#"{"FunctionName":"f"}"#);
        assert_eq!(
            p.log_source(&q, Some(&plain)).unwrap().part(0),
            "/aws/lambda/f"
        );
        // keys that may read logs but not the configuration: the default group
        let denied = answer(403, Some("AccessDeniedException"), r#"{"message":"no"}"#);
        assert_eq!(
            p.log_source(&q, Some(&denied)).unwrap().part(0),
            "/aws/lambda/f"
        );
        let missing = answer(
            404,
            Some("ResourceNotFoundException"),
            r#"{"message":"Function not found"}"#,
        );
        let e = p.log_source(&q, Some(&missing)).unwrap_err();
        assert_eq!(e.code(), crate::error::code::REFUSED, "{e}");
    }

    #[test]
    fn steps_round_trip_through_their_tokens() {
        let mut q = LogQuery::default();
        assert_eq!(Step::of(&q, None), Step::Window { next: None });
        q.request_id = Some("r".into());
        assert_eq!(Step::of(&q, None), Step::Find { next: None });
        let read = Step::Read {
            stream: "2024/01/02/[$LATEST]abc",
            from_ms: 17,
            next: Some("tok\nen?"),
        };
        let t = read.token();
        assert_eq!(Step::of(&q, Some(&t)), read);
        let find = Step::Find { next: Some("x") };
        assert_eq!(Step::of(&q, Some(&find.token())), find);
        assert_eq!(
            Step::of(&q, Some("read\n5\ns\n")),
            Step::Read {
                stream: "s",
                from_ms: 5,
                next: None
            }
        );
    }

    #[test]
    fn filter_inputs_per_step() {
        let q = LogQuery {
            request_id: Some("r-1".into()),
            since: Some(time::macros::datetime!(2024-01-02 03:04:05 UTC)),
            filter: Some("say \"hi\"".into()),
            ..LogQuery::default()
        };
        let find = filter_input(&q, "/aws/lambda/f", &Step::of(&q, None));
        assert_eq!(
            python_object(&find),
            r#"{"logGroupName": "/aws/lambda/f", "startTime": 1704164645000, "filterPattern": "\"r-1\""}"#
        );
        let read = Step::Read {
            stream: "s",
            from_ms: 9,
            next: Some("n"),
        };
        assert_eq!(
            python_object(&filter_input(&q, "g", &read)),
            r#"{"logGroupName": "g", "logStreamNames": ["s"], "startTime": 9, "nextToken": "n"}"#
        );
        let window = LogQuery {
            request_id: None,
            ..q
        };
        let w = filter_input(&window, "g", &Step::Window { next: None });
        assert!(
            w.iter().all(|(k, _)| *k != "filterPattern"),
            "a quote: matched by fcall"
        );
        assert_eq!(
            python_string("é\u{1f680}\u{1}"),
            r#""\u00e9\ud83d\ude80\u0001""#
        );
    }

    #[test]
    fn a_request_is_found_then_read_up_to_its_report() {
        let ev = |m: &str, s: &str, t: i64| serde_json::json!({"message": format!("{m}\n"), "logStreamName": s, "timestamp": t});
        let page = find_start(
            &[
                ev("END RequestId: r", "a", 1),
                ev("START RequestId: r Version: $LATEST", "b", 2),
            ],
            "r",
            Some("cw"),
        );
        assert_eq!(page.events, []);
        assert_eq!(page.next.as_deref(), Some("read\n2\nb\n"));
        let json_start = r#"{"time":"2024-01-02T03:04:05.000Z","type":"platform.start","record":{"requestId":"r","version":"$LATEST"}}"#;
        let page = find_start(&[ev(json_start, "j", 5)], "r", None);
        assert_eq!(
            page.next.as_deref(),
            Some("read\n5\nj\n"),
            "the JSON log format"
        );
        assert!(is_report(
            r#"{"type":"platform.report","record":{"requestId":"r"}}"#
        ));
        let page = find_start(&[], "r", Some("cw"));
        assert_eq!(page.next.as_deref(), Some("find\ncw"));
        assert_eq!(find_start(&[], "r", None).next, None);
    }

    /// Every request of a log reading, as botocore builds and signs it (the fixture is
    /// `scripts/botocore_logs_vectors.py`'s output): same URL, body and headers, byte for byte.
    #[test]
    fn matches_what_botocore_sends() {
        use crate::config::{Profile, Value};
        let fixture: Json = serde_json::from_str(include_str!(
            "../../tests/fixtures/logs-sigv4-botocore.json"
        ))
        .unwrap();
        let cases = fixture["cases"].as_array().unwrap();
        assert!(cases.len() >= 6);
        let now = time::macros::datetime!(2024-01-02 03:04:05 UTC);
        for c in cases {
            let name = c["name"].as_str().unwrap();
            let text = |k: &str| c[k].as_str().map(str::to_string);
            let mut values = vec![
                ("region", text("region").unwrap()),
                ("access_key_id", "AKIDTEST".to_string()),
                ("secret_access_key", "testsecret".to_string()),
            ];
            if let Some(t) = text("session_token") {
                values.push(("session_token", t));
            }
            let profile = Profile {
                name: "t".into(),
                provider: "aws".into(),
                values: values
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), Value::Str(v)))
                    .collect(),
            };
            let endpoint_env = text("endpoint_env");
            let env = |k: &str| {
                (k == "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS")
                    .then(|| endpoint_env.clone())
                    .flatten()
            };
            let p = Aws::from_profile(&profile, &env).unwrap();
            let params = &c["params"];
            let r = if c["service"] == "lambda" {
                let q = LogQuery {
                    function: params["FunctionName"].as_str().unwrap().into(),
                    qualifier: params["Qualifier"].as_str().map(str::to_string),
                    ..LogQuery::default()
                };
                p.locate_request(&q, None, now).unwrap()
            } else {
                let (q, step) = query_of(params);
                let src = LogSource {
                    name: String::new(),
                    parts: vec![
                        params["logGroupName"].as_str().unwrap().into(),
                        text("region").unwrap(),
                    ],
                };
                let token = step.as_deref();
                p.page_request(&q, &src, token, None, now).unwrap()
            };
            assert_eq!(r.method, c["method"], "{name}");
            assert_eq!(r.url(), c["url"], "{name}");
            assert_eq!(
                String::from_utf8_lossy(&r.body),
                c["body"].as_str().unwrap(),
                "{name}"
            );
            let theirs = c["headers"].as_object().unwrap();
            for (k, v) in theirs {
                if k != "Content-Length" {
                    assert_eq!(r.header(k), v.as_str(), "{name}: {k}");
                }
            }
            for (k, _) in &r.headers {
                assert!(
                    k == "Host" || theirs.keys().any(|t| t.eq_ignore_ascii_case(k)),
                    "{name}: fcall sends {k}, botocore does not"
                );
            }
        }
    }

    /// The query and page token that make fcall ask for `params`.
    fn query_of(params: &Json) -> (LogQuery, Option<String>) {
        let mut q = LogQuery {
            since: params["startTime"].as_i64().map(crate::logs::from_unix_ms),
            until: params["endTime"].as_i64().map(crate::logs::from_unix_ms),
            ..LogQuery::default()
        };
        let pattern = params["filterPattern"].as_str();
        let next = params["nextToken"].as_str();
        if let Some(stream) = params["logStreamNames"][0].as_str() {
            q.request_id = Some("r".into());
            let step = Step::Read {
                stream,
                from_ms: params["startTime"].as_i64().unwrap(),
                next,
            };
            return (q, Some(step.token()));
        }
        // the find step searches for the id alone; a window for --filter's text
        match pattern.map(|p| p.trim_matches('"')) {
            Some(id) if id.len() == 36 && id.matches('-').count() == 4 => {
                q.request_id = Some(id.into())
            }
            other => q.filter = other.map(str::to_string),
        }
        (q, None)
    }
}
