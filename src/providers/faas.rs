//! The OpenFaaS way of calling a function over HTTP, shared by OpenFaaS itself and by Altair
//! IoT Studio (OpenFaaS underneath): `NAME[/extra/path]` with the extra path and the query
//! passed to the function, any of five methods, the payload sent raw, async as a POST with
//! `X-Callback-Url` answered 202, `X-Call-Id` naming the call and `X-Duration-Seconds` (set
//! by the function's watchdog) timing it.

use crate::error::{Error, Result};
use crate::http::{encode_component, HttpRequest, HttpResponse};
use crate::invocation::{Invocation, Mode, Outcome};
use crate::logs::{self, LogEvent, LogPage, LogQuery};

/// The methods a function may be called with.
pub const METHODS: &[&str] = &["POST", "GET", "PUT", "PATCH", "DELETE"];

/// `name[/a/b…]`: the function and the extra path it receives.
#[derive(Debug, PartialEq, Eq)]
pub struct Target {
    pub name: String,
    pub extra: Vec<String>,
}

/// What a platform allows in a function reference.
pub struct Rules {
    pub product: &'static str,
    /// Whether a character may appear in a function name.
    pub name_char: fn(char) -> bool,
    /// The allowed characters, for the message.
    pub name_chars: &'static str,
    /// Extra path levels allowed after the name (`None`: any number).
    pub max_extra: Option<usize>,
    /// Whether an async call must name a callback URL (else its result is dropped).
    pub callback_required: bool,
}

impl Target {
    pub fn parse(function: &str, rules: &Rules) -> Result<Target> {
        let mut parts = function.trim_matches('/').split('/');
        let name = parts.next().unwrap_or_default().to_string();
        let extra: Vec<String> = parts.map(str::to_string).collect();
        if name.is_empty() || !name.chars().all(rules.name_char) {
            return Err(Error::Usage(format!(
                "invalid function name '{name}': {}",
                rules.name_chars
            )));
        }
        if let Some(max) = rules.max_extra.filter(|m| extra.len() > *m) {
            return Err(Error::Usage(format!(
                "'{function}' has {} extra path levels: {} passes at most {max} (NAME/a/b/c)",
                extra.len(),
                rules.product
            )));
        }
        if let Some(dot) = extra.iter().find(|s| crate::http::is_dot_segment(s)) {
            return Err(Error::Usage(format!(
                "'{function}' has a '{dot}' path level, which would reach another path of the {} API: remove it",
                rules.product
            )));
        }
        if extra.iter().any(String::is_empty) {
            return Err(Error::Usage(format!(
                "'{function}' has an empty path level: write NAME/a/b/c"
            )));
        }
        Ok(Target { name, extra })
    }

    /// `NAME/a/b` as the user wrote it, for output.
    pub fn display(&self) -> String {
        [std::slice::from_ref(&self.name), &self.extra[..]]
            .concat()
            .join("/")
    }

    /// `/a/b`: the extra path, each level percent-encoded, to append to the route.
    pub fn extra_path(&self) -> String {
        self.extra
            .iter()
            .map(|s| format!("/{}", encode_component(s)))
            .collect()
    }
}

/// The HTTP method: `-X` (one of [`METHODS`]; async is POST only), else POST.
pub fn method(inv: &Invocation, product: &str) -> Result<String> {
    let m = inv.method.as_deref().unwrap_or("POST").to_ascii_uppercase();
    if !METHODS.contains(&m.as_str()) {
        return Err(Error::Usage(format!(
            "-X {m}: {product} functions take {}",
            METHODS.join(", ")
        )));
    }
    if inv.mode == Mode::Async && m != "POST" {
        return Err(Error::Usage(format!(
            "-X {m}: async invocations are POST only"
        )));
    }
    Ok(m)
}

/// The request to `endpoint` + `path` (the route and extra path, encoded): query, payload,
/// `X-Callback-Url` for async and the user's `-H` headers; auth is the caller's to add.
pub fn request(
    inv: &Invocation,
    rules: &Rules,
    method: &str,
    endpoint: &str,
    path: &str,
) -> Result<HttpRequest> {
    if let Some(q) = &inv.qualifier {
        return Err(Error::Usage(format!(
            "--qualifier {q}: {} functions have no versions or aliases",
            rules.product
        )));
    }
    let mut req = HttpRequest::new(method, endpoint, path);
    req.query = inv.query.clone();
    if let Some(p) = inv.payload.as_ref().filter(|p| !p.is_empty()) {
        req.set_header("Content-Type", inv.content_type.clone());
        req.body = p.clone();
    }
    match (&inv.callback_url, inv.mode) {
        (Some(url), Mode::Async) => req.set_header("X-Callback-Url", url.clone()),
        (None, Mode::Async) if rules.callback_required => {
            return Err(Error::Usage(format!(
                "an async {} invocation needs --callback-url URL, or --wait --listen ADDR to receive the result",
                rules.product
            )))
        }
        _ => {}
    }
    for (k, v) in &inv.headers {
        req.set_header(k, v.clone());
    }
    Ok(req)
}

/// The outcome of a response that came from the function (or an accepted async call):
/// the body as the result, `X-Call-Id` as the request id, `X-Duration-Seconds` as the
/// duration. The caller decides whether the status means the function failed.
pub fn outcome(inv: &Invocation, resp: &HttpResponse) -> Outcome {
    let mut out = Outcome {
        status: resp.status,
        request_id: resp.header("X-Call-Id").map(str::to_string),
        ..Outcome::default()
    };
    if inv.mode == Mode::Async {
        out.async_id = out.request_id.clone();
        return out;
    }
    out.result = resp.body.clone();
    out.summary.duration_ms = ran_for(resp).map(|d| d * 1000.0);
    out
}

/// `X-Duration-Seconds`: how long the function ran, in seconds. Only the function's
/// watchdog sets it, so its presence tells a function's answer from the gateway's.
pub fn ran_for(resp: &HttpResponse) -> Option<f64> {
    resp.header("X-Duration-Seconds")
        .and_then(|d| d.trim().parse::<f64>().ok())
        .filter(|d| d.is_finite())
}

/// The log route's query: `since` (RFC 3339) when the query starts somewhere, and `extra`
/// (the name, namespace, `follow=false`...). The route answers NDJSON, all of it at once.
pub fn log_request(
    endpoint: &str,
    path: &str,
    q: &LogQuery,
    extra: &[(&str, &str)],
) -> HttpRequest {
    let mut req = HttpRequest::new("GET", endpoint, path);
    for (k, v) in extra {
        req.query.push((k.to_string(), v.to_string()));
    }
    if let Some(since) = q.since {
        let since = since
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        req.query.push(("since".into(), since));
    }
    req.set_header("Accept", "application/x-ndjson");
    req
}

/// The NDJSON lines of a log route, `{"name","namespace"?,"instance","timestamp","text"}`
/// (as `faas-cli logs` reads them), as events in time order, with what the route cannot
/// select applied here: `until`, `--filter`, and the request.
///
/// These lines carry no request id. The lines of a request are those written in its time
/// window (a query with a request id, a start and an end: `invoke --logs`); a request id
/// with no window selects the lines that mention it.
pub fn parse_log_lines(q: &LogQuery, resp: &HttpResponse, product: &str) -> Result<LogPage> {
    let until = q.until.map(logs::unix_ms);
    let window = q.since.is_some() && q.until.is_some();
    let mut events = Vec::new();
    for (no, line) in String::from_utf8_lossy(&resp.body).lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line).map_err(|e| {
            Error::Refused(format!(
                "{product}'s log answer, line {}: not a JSON log line ({e})",
                no + 1
            ))
        })?;
        let text = v.get("text").and_then(|t| t.as_str()).unwrap_or_default();
        let message = text.trim_end_matches(['\n', '\r']).to_string();
        let at = v
            .get("timestamp")
            .and_then(|t| t.as_str())
            .and_then(|t| {
                time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
            })
            .map_or(0, logs::unix_ms);
        let mentions = |id: &String| message.contains(id.as_str());
        let keep = until.is_none_or(|u| at <= u)
            && q.filter
                .as_ref()
                .is_none_or(|f| message.contains(f.as_str()))
            && (window || q.request_id.as_ref().is_none_or(mentions));
        if keep {
            events.push(LogEvent {
                timestamp_ms: at,
                request_id: q.request_id.clone().filter(|_| window),
                stream: v
                    .get("instance")
                    .and_then(|i| i.as_str())
                    .map(str::to_string),
                message,
            });
        }
    }
    events.sort_by_key(|e| e.timestamp_ms);
    Ok(LogPage { events, next: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: Rules = Rules {
        product: "Test",
        name_char: |c| c.is_ascii_lowercase() || c == '-',
        name_chars: "lowercase letters and '-'",
        max_extra: Some(3),
        callback_required: true,
    };

    #[test]
    fn targets_parse_with_their_extra_path() {
        let t = Target::parse("stock-quote/market/to day", &RULES).unwrap();
        assert_eq!(t.name, "stock-quote");
        assert_eq!(t.extra_path(), "/market/to%20day");
        assert_eq!(t.display(), "stock-quote/market/to day");
        assert!(Target::parse("f/a/b/c", &RULES).is_ok());
        let e = Target::parse("f/a/b/c/d", &RULES).unwrap_err();
        assert!(e.to_string().contains("at most 3"), "{e}");
        assert!(Target::parse("Bad", &RULES).is_err());
        assert!(Target::parse("f//a", &RULES).is_err());
        for dots in [
            "f/..",
            "f/../../system/functions",
            "f/a/%2e%2E",
            "f/.",
            "f/.%2e/x",
        ] {
            let e = Target::parse(dots, &RULES).unwrap_err();
            assert!(e.to_string().contains("path level"), "{dots}: {e}");
        }
        let any = Rules {
            max_extra: None,
            ..RULES
        };
        assert_eq!(Target::parse("f/1/2/3/4/5", &any).unwrap().extra.len(), 5);
    }

    #[test]
    fn methods_and_async() {
        let mut inv = Invocation::new("f");
        assert_eq!(method(&inv, "T").unwrap(), "POST");
        inv.method = Some("get".into());
        assert_eq!(method(&inv, "T").unwrap(), "GET");
        inv.method = Some("TRACE".into());
        assert!(method(&inv, "T").is_err());
        inv.method = Some("GET".into());
        inv.mode = Mode::Async;
        assert!(method(&inv, "T")
            .unwrap_err()
            .to_string()
            .contains("POST only"));
        inv.method = None;
        let e = request(&inv, &RULES, "POST", "http://gw", "/async-function/f").unwrap_err();
        assert!(e.to_string().contains("--callback-url"), "{e}");
        inv.callback_url = Some("http://cb/x".into());
        inv.payload = Some(b"hi".to_vec());
        inv.content_type = "text/plain".into();
        let r = request(&inv, &RULES, "POST", "http://gw", "/async-function/f").unwrap();
        let optional = Rules {
            callback_required: false,
            ..RULES
        };
        inv.callback_url = None;
        let r2 = request(&inv, &optional, "POST", "http://gw", "/async-function/f").unwrap();
        assert_eq!(r2.header("X-Callback-Url"), None);
        // --tail is the command's note to print, not the request's error
        inv.tail = true;
        assert!(request(&inv, &optional, "POST", "http://gw", "/f").is_ok());
        assert_eq!(r.header("X-Callback-Url"), Some("http://cb/x"));
        assert_eq!(r.header("Content-Type"), Some("text/plain"));
        assert_eq!(r.body, b"hi");
    }

    #[test]
    fn outcomes_take_the_call_id_and_duration() {
        let resp = HttpResponse {
            status: 200,
            headers: vec![
                ("X-Call-Id".into(), "c1".into()),
                ("X-Duration-Seconds".into(), "0.5".into()),
            ],
            body: b"ok".to_vec(),
        };
        let out = outcome(&Invocation::new("f"), &resp);
        assert_eq!(out.request_id.as_deref(), Some("c1"));
        assert_eq!(out.summary.duration_ms, Some(500.0));
        assert_eq!(out.result, b"ok");
        let mut inv = Invocation::new("f");
        inv.mode = Mode::Async;
        assert_eq!(outcome(&inv, &resp).async_id.as_deref(), Some("c1"));
    }

    #[test]
    fn log_lines_are_read_in_time_order_with_what_the_route_cannot_select() {
        let body = concat!(
            "{\"name\":\"f\",\"instance\":\"f-1\",\"timestamp\":\"2024-01-02T03:04:06.5Z\",\"text\":\"second id-7\\n\"}\n",
            "{\"name\":\"f\",\"instance\":\"f-2\",\"timestamp\":\"2024-01-02T03:04:05Z\",\"text\":\"first\"}\n",
            "\n",
            "{\"name\":\"f\",\"instance\":\"f-1\",\"timestamp\":\"2024-01-02T03:09:00Z\",\"text\":\"late\"}\n",
        );
        let resp = HttpResponse {
            status: 200,
            headers: vec![],
            body: body.as_bytes().to_vec(),
        };
        let mut q = LogQuery::default();
        let page = parse_log_lines(&q, &resp, "T").unwrap();
        let texts: Vec<_> = page.events.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(texts, ["first", "second id-7", "late"]);
        assert_eq!(page.events[0].stream.as_deref(), Some("f-2"));
        assert_eq!(page.events[0].timestamp_ms, 1_704_164_645_000);
        assert_eq!(page.next, None);
        q.request_id = Some("id-7".into());
        let page = parse_log_lines(&q, &resp, "T").unwrap();
        assert_eq!(
            page.events.len(),
            1,
            "a request id alone: the lines that name it"
        );
        assert_eq!(page.events[0].request_id, None);
        q.since = Some(time::macros::datetime!(2024-01-02 03:04:00 UTC));
        q.until = Some(time::macros::datetime!(2024-01-02 03:05:00 UTC));
        let page = parse_log_lines(&q, &resp, "T").unwrap();
        assert_eq!(
            page.events.len(),
            2,
            "with a window: the lines written in it"
        );
        assert_eq!(page.events[1].request_id.as_deref(), Some("id-7"));
        q.filter = Some("sec".into());
        assert_eq!(parse_log_lines(&q, &resp, "T").unwrap().events.len(), 1);
        let req = log_request("http://gw", "/system/logs", &q, &[("name", "f")]);
        assert_eq!(
            req.url(),
            "http://gw/system/logs?name=f&since=2024-01-02T03%3A04%3A00Z"
        );
        let broken = HttpResponse {
            body: b"{\"text\":1}\nnot json\n".to_vec(),
            ..resp
        };
        let e = parse_log_lines(&LogQuery::default(), &broken, "T").unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
    }
}
