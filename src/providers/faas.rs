//! The OpenFaaS way of calling a function over HTTP, shared by OpenFaaS itself and by Altair
//! IoT Studio (OpenFaaS underneath): `NAME[/extra/path]` with the extra path and the query
//! passed to the function, any of five methods, the payload sent raw, async as a POST with
//! `X-Callback-Url` answered 202, `X-Call-Id` naming the call and `X-Duration-Seconds` (set
//! by the function's watchdog) timing it.

use crate::error::{Error, Result};
use crate::http::{encode_component, HttpRequest, HttpResponse};
use crate::invocation::{Invocation, Mode, Outcome};

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
    if inv.tail {
        return Err(Error::Usage(format!(
            "--tail: {} returns no log with the result (read it from the platform's logs)",
            rules.product
        )));
    }
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
        inv.tail = true;
        assert!(request(&inv, &optional, "POST", "http://gw", "/f").is_err());
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
}
