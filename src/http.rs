//! Plain, provider-neutral HTTP request and response values.
//!
//! Providers build an [`HttpRequest`] and interpret an [`HttpResponse`]; neither
//! touches the network, so both are unit-testable and printable (`--dry-run`).

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but `A-Z a-z 0-9 - _ . ~` is percent-encoded (RFC 3986 unreserved),
/// with upper-case hex: what Huawei's and Alibaba's signers expect.
pub const ENCODE_ALL_BUT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encode one path segment or query component (unreserved characters only stay literal).
pub fn encode_component(s: &str) -> String {
    utf8_percent_encode(s, ENCODE_ALL_BUT_UNRESERVED).to_string()
}

/// Decode percent-escapes; invalid UTF-8 is replaced lossily.
pub fn decode_component(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// A request as it goes on the wire. `path` is already percent-encoded exactly as it
/// appears on the request line; `query` holds decoded pairs in the order to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub method: String,
    /// `scheme://host[:port]`, no trailing slash.
    pub base: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpRequest {
    pub fn new(method: &str, base: &str, path: &str) -> Self {
        HttpRequest {
            method: method.to_ascii_uppercase(),
            base: base.trim_end_matches('/').to_string(),
            path: path.to_string(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// Set a header, replacing any of the same name (case-insensitive).
    pub fn set_header(&mut self, name: &str, value: impl Into<String>) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_string(), value.into()));
    }

    /// `host[:port]` of `base`, as a `Host` header carries it.
    pub fn host(&self) -> &str {
        let rest = self
            .base
            .split_once("://")
            .map(|(_, r)| r)
            .unwrap_or(&self.base);
        rest.split('/').next().unwrap_or(rest)
    }

    /// The query string as sent: pairs encoded with [`encode_component`], joined by `&`.
    pub fn query_string(&self) -> String {
        self.query
            .iter()
            .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The full URL as sent.
    pub fn url(&self) -> String {
        let q = self.query_string();
        if q.is_empty() {
            format!("{}{}", self.base, self.path)
        } else {
            format!("{}{}?{}", self.base, self.path, q)
        }
    }
}

/// A response as received (body read whole).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }
}

/// Split a raw query string (`a=1&b=x%3Ay`) into decoded pairs, in order.
pub fn parse_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode_component(k), decode_component(v))
        })
        .collect()
}

pub fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_urn_as_one_segment() {
        assert_eq!(
            encode_component("urn:fss:cn-north-4:p:function:default:hello:!prod"),
            "urn%3Afss%3Acn-north-4%3Ap%3Afunction%3Adefault%3Ahello%3A%21prod"
        );
        assert_eq!(encode_component("a b/é~"), "a%20b%2F%C3%A9~");
    }

    #[test]
    fn url_and_host() {
        let mut r = HttpRequest::new("post", "http://127.0.0.1:8080/", "/v2/x");
        r.query.push(("t".into(), "2024-01-01T00:00:00".into()));
        assert_eq!(r.method, "POST");
        assert_eq!(r.host(), "127.0.0.1:8080");
        assert_eq!(
            r.url(),
            "http://127.0.0.1:8080/v2/x?t=2024-01-01T00%3A00%3A00"
        );
        r.set_header("Content-Type", "a");
        r.set_header("content-type", "b");
        assert_eq!(r.header("CONTENT-TYPE"), Some("b"));
        assert_eq!(r.headers.len(), 1);
    }
}
