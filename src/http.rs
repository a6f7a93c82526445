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

/// Why `url` cannot be the base of requests, or the base as sent: `scheme://host[:port]`
/// plus an optional path prefix, without a trailing slash. The one check every endpoint
/// passes through, whether a profile, a variable or a region made it: the scheme is http or
/// https; no credentials before the host (the HTTP client would send them as basic auth on
/// every request, unasked and unshown); the host is a DNS name or an IP address, so no
/// value spliced into it (a region, an account id) can move it elsewhere; no control
/// characters, query, fragment or dot segments. The reason never quotes the URL, which may
/// hold a secret.
pub fn parse_base(url: &str) -> Result<String, String> {
    if let Some(c) = url.chars().find(|c| c.is_control() || c.is_whitespace()) {
        return Err(format!(
            "it holds a control or space character (U+{:04X})",
            c as u32
        ));
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err("it is not a URL: write http://HOST[:PORT] or https://HOST[:PORT]".into());
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return Err("its scheme is not http or https".into());
    }
    let (authority, path) = match rest.find(['/', '?', '#']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    if authority.contains('@') {
        return Err(
            "it has credentials before the host (user:password@): take them out of the URL and put them in the profile's own keys (username and password for OpenFaaS)"
                .into(),
        );
    }
    check_authority(authority)?;
    if path.contains(['?', '#']) {
        return Err("it has a query or fragment: give the base URL only".into());
    }
    let path = path.trim_end_matches('/');
    if path.split('/').any(is_dot_segment) {
        return Err("its path has a '.' or '..' segment".into());
    }
    Ok(format!(
        "{}://{authority}{path}",
        scheme.to_ascii_lowercase()
    ))
}

/// `host[:port]`: a DNS name (letters, digits, '-', '_' and dots), an IPv4 address or a
/// bracketed IPv6 one, and a port of 1 to 65535.
fn check_authority(authority: &str) -> Result<(), String> {
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (addr, after) = v6
            .split_once(']')
            .ok_or("its IPv6 host has no closing ']'")?;
        if addr.parse::<std::net::Ipv6Addr>().is_err() {
            return Err("its host is not an IPv6 address".into());
        }
        (None, after.strip_prefix(':').map(Some).unwrap_or(None))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (Some(h), Some(p)),
            None => (Some(authority), None),
        }
    };
    if let Some(host) = host {
        if !is_host_name(host) {
            return Err("its host is not a host name or IP address".into());
        }
    }
    if let Some(p) = port {
        if !matches!(p.parse::<u16>(), Ok(n) if n > 0) {
            return Err("its port is not a number from 1 to 65535".into());
        }
    }
    Ok(())
}

/// A DNS name or an IPv4 address: dot-separated labels of ASCII letters, digits, '-' and
/// '_', none empty (a trailing dot allowed), none starting or ending with '-'.
pub fn is_host_name(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    !host.is_empty() && host.len() <= 253 && host.split('.').all(is_host_label)
}

/// One label of a host name: what a region, an account id or any other value spliced into a
/// host must be (ASCII letters, digits, '-' and '_', 1 to 63 of them, no '-' at either end).
pub fn is_host_label(label: &str) -> bool {
    !label.is_empty()
        && label.len() <= 63
        && !label.starts_with('-')
        && !label.ends_with('-')
        && label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `.` or `..`, literally or percent-encoded (`%2e`, `.%2E`...): a path segment that a
/// server, or a proxy in front of it, resolves to another path.
pub fn is_dot_segment(segment: &str) -> bool {
    let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
    decoded == "." || decoded == ".."
}

/// Refuse a request path with a dot segment (`.`, `..`, or one percent-encoded): the
/// client or a proxy would resolve it to another API path, with the user's credentials.
/// Every user-supplied path part (a function's extra path, a name, an async id) ends up in
/// the path, so this one check on the path as sent covers them all.
pub fn check_path(path: &str) -> Result<(), String> {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    match path.split('/').find(|s| is_dot_segment(s)) {
        Some(seg) => Err(format!(
            "the request path would have a '{seg}' segment, which the server resolves to another path: a function name, path level or id may not be '.' or '..' (nor %2e%2e)"
        )),
        None => Ok(()),
    }
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
/// Whether an authority (`host`, `host:port`, `[v6]:port`) names this machine: `localhost`
/// or a loopback address.
pub fn is_loopback_host(authority: &str) -> bool {
    let name = match authority.rsplit_once(':') {
        Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) && !h.is_empty() => h,
        _ => authority,
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

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
    fn loopback_hosts() {
        for yes in [
            "localhost",
            "LOCALHOST:8080",
            "127.0.0.1",
            "127.3.4.5:9",
            "[::1]",
            "[::1]:80",
        ] {
            assert!(is_loopback_host(yes), "{yes}");
        }
        for no in [
            "example.com",
            "10.0.0.1:80",
            "169.254.169.254",
            "[fd00:ec2::23]:80",
            "localhost.evil",
        ] {
            assert!(!is_loopback_host(no), "{no}");
        }
    }

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

    #[test]
    fn bases_are_checked_in_one_place() {
        assert_eq!(
            parse_base("http://127.0.0.1:8080/").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            parse_base("HTTPS://Gw.Example.com/of/").unwrap(),
            "https://Gw.Example.com/of"
        );
        assert_eq!(parse_base("http://[::1]:9").unwrap(), "http://[::1]:9");
        for bad in [
            "http://admin:s3cret@gw:8080",
            "http://u@gw",
            "https://lambda.x@127.0.0.1/.amazonaws.com",
            "gw:8080",
            "ftp://gw",
            "http://gw:0",
            "http://gw:99999",
            "http://gw\r\nX: y",
            "http://gw/a/../system",
            "http://gw/%2e%2E",
            "http://gw?x=1",
            "http://g w",
            "http://-gw",
            "http://",
        ] {
            let e = parse_base(bad).expect_err(bad);
            assert!(!e.contains("s3cret") && !e.contains("admin"), "{e}");
        }
    }

    #[test]
    fn dot_segments_in_every_spelling() {
        for dot in [".", "..", "%2e", "%2E%2e", ".%2e", "%2e."] {
            assert!(is_dot_segment(dot), "{dot}");
        }
        for fine in ["...", "a..", ".a", "%2f", ""] {
            assert!(!is_dot_segment(fine), "{fine}");
        }
        assert!(check_path("/function/f/a/b").is_ok());
        assert!(check_path("/function/f/..").is_err());
        assert!(check_path("/function/f/%2E%2e/system").is_err());
        assert!(check_path("/function/f/%252e%252e").is_ok());
        assert!(is_host_label("cn-north-4") && is_host_label("1234567890"));
        assert!(!is_host_label("x@127.0.0.1/") && !is_host_label("a.b") && !is_host_label(""));
    }
}
