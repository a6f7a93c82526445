//! Alibaba Cloud Function Compute 2.0 native signing (`Authorization: FC …`), as the fc2
//! SDKs do it (`aliyun-fc2` `fc2/auth.py`, fc-go-sdk `signature.go`, @alicloud/fc2
//! `composeStringToSign`), plus the server-side check our emulator runs.
//!
//! ```text
//! string to sign = METHOD \n Content-MD5 \n Content-Type \n Date \n x-fc-a:v\n… + resource
//! resource       = decoded path                                  (API calls)
//!                | decoded path \n k=v\n…  (sorted "k=v" strings) (HTTP-trigger /proxy/ calls)
//! Authorization  = FC AccessKeyId:base64(hmac-sha256(AccessKeySecret, string to sign))
//! ```
//!
//! Headers other than `Content-MD5`, `Content-Type`, `Date` and `x-fc-*` (Host, User-Agent,
//! Accept, Content-Length…) are not signed, nor is the body unless a `Content-MD5` is sent.
//! The gateway accepts a `Date` 15 minutes either side of its clock.

use std::time::SystemTime;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use hmac::Mac;
use time::{Duration, OffsetDateTime};

use super::common::{self, keyed_mac, skew_beyond_limit};
use crate::http::{decode_component, HttpRequest};

/// The scheme name, first word of the `Authorization` header.
pub const SCHEME: &str = "FC";
/// How far `Date` may be from the server clock, either way.
pub const MAX_SKEW: Duration = common::MAX_SKEW;

const HEADER_DATE: &str = "Date";
const HEADER_SECURITY_TOKEN: &str = "x-fc-security-token";
const FC_HEADER_PREFIX: &str = "x-fc-";

/// An Alibaba Cloud AccessKey pair, with the STS token of temporary credentials.
#[derive(Debug, Clone, Copy)]
pub struct FcKey<'a> {
    pub access_key_id: &'a str,
    pub access_key_secret: &'a str,
    /// Sent and signed as `x-fc-security-token` (STS credentials).
    pub security_token: Option<&'a str>,
}

/// RFC 1123 GMT, e.g. `Mon, 02 Jan 2006 15:04:05 GMT`, as the `Date` header carries it.
pub fn http_date(now: OffsetDateTime) -> String {
    httpdate::fmt_http_date(SystemTime::from(now))
}

/// Sign in place as the fc2 SDKs do: set `x-fc-security-token` (when the key has one)
/// before signing, so it is signed; set `Date` from `now` (replacing any earlier one: every
/// attempt is re-signed); drop an `Authorization` left from an earlier attempt; then set
/// `Authorization: FC <AccessKeyId>:<signature>`.
pub fn sign(req: &mut HttpRequest, key: &FcKey, now: OffsetDateTime) {
    if let Some(token) = key.security_token {
        req.set_header(HEADER_SECURITY_TOKEN, token);
    }
    req.set_header(HEADER_DATE, http_date(now));
    req.headers
        .retain(|(name, _)| !name.eq_ignore_ascii_case("Authorization"));
    let signature = signature(key.access_key_secret, &string_to_sign(req));
    req.set_header(
        "Authorization",
        format!("{SCHEME} {}:{signature}", key.access_key_id),
    );
}

/// `METHOD\nContent-MD5\nContent-Type\nDate\n` + the `x-fc-*` headers + the resource.
///
/// Header lookups are case-insensitive and a missing header counts as an empty string;
/// values are used exactly as sent (not trimmed). Each `x-fc-*` header gives
/// `lower-cased-name:value\n`, sorted by name (the first one wins if a name repeats). The
/// resource is the percent-decoded path; for HTTP-trigger requests (`/<version>/proxy/…`,
/// the SDKs' `path.startsWith('/proxy/')` under the version prefix) it is followed by `\n`
/// and the decoded `key=value` query pairs, sorted as strings and joined with `\n`. Other
/// calls do not sign the query string.
pub fn string_to_sign(req: &HttpRequest) -> String {
    let header = |name: &str| req.header(name).unwrap_or("");
    let mut fc_headers: Vec<(String, &str)> = req
        .headers
        .iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), value.as_str()))
        .filter(|(name, _)| name.starts_with(FC_HEADER_PREFIX))
        .collect();
    fc_headers.sort_by(|a, b| a.0.cmp(&b.0));
    fc_headers.dedup_by(|later, earlier| later.0 == earlier.0);
    let fc_headers: String = fc_headers
        .iter()
        .map(|(name, value)| format!("{name}:{value}\n"))
        .collect();
    format!(
        "{}\n{}\n{}\n{}\n{fc_headers}{}",
        req.method.to_ascii_uppercase(),
        header("Content-MD5"),
        header("Content-Type"),
        header(HEADER_DATE),
        canonical_resource(req)
    )
}

/// `base64(HMAC-SHA256(secret, string to sign))`, the part after `AccessKeyId:`.
pub fn signature(access_key_secret: &str, string_to_sign: &str) -> String {
    BASE64.encode(
        keyed_mac(access_key_secret, string_to_sign)
            .finalize()
            .into_bytes(),
    )
}

/// Why [`verify`] refused a request. No message ever contains a secret.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("no Authorization header")]
    Missing,
    #[error("malformed FC signature: {0}")]
    Malformed(String),
    #[error("unknown access key {0}")]
    UnknownAccessKey(String),
    #[error(
        "signature expired: Date {date} is {skew_seconds} s from the server clock (limit {} s)",
        MAX_SKEW.whole_seconds()
    )]
    Expired {
        date: String,
        /// Server clock minus `Date`: positive when the signature is old.
        skew_seconds: i64,
    },
    /// `string_to_sign` is what the server signed, to compare with the client's. It holds
    /// signed header values (a security token, say), so it is not in the message.
    #[error("signature does not match the request")]
    Mismatch { string_to_sign: String },
}

/// Server side (our emulator uses it): check the `Authorization: FC ak:signature` of a
/// received request. `secret_for(ak)` returns the secret of a known AccessKeyId. Checks:
/// header present and well-formed (base64 signature), AccessKeyId known, `Date` present,
/// an HTTP date and within 15 minutes of `now`, signature equal (constant-time compare).
/// Returns the AccessKeyId on success.
pub fn verify(
    req: &HttpRequest,
    secret_for: impl Fn(&str) -> Option<String>,
    now: OffsetDateTime,
) -> Result<String, VerifyError> {
    let auth = req.header("Authorization").ok_or(VerifyError::Missing)?;
    let (access_key_id, signature) = parse_authorization(auth)?;
    let secret = secret_for(access_key_id)
        .ok_or_else(|| VerifyError::UnknownAccessKey(access_key_id.to_string()))?;

    let date = req
        .header(HEADER_DATE)
        .ok_or_else(|| VerifyError::Malformed("no Date header".into()))?;
    let signed_at = httpdate::parse_http_date(date.trim())
        .map(OffsetDateTime::from)
        .map_err(|_| VerifyError::Malformed(format!("Date {date:?} is not an HTTP date")))?;
    if let Some(skew_seconds) = skew_beyond_limit(signed_at, now) {
        return Err(VerifyError::Expired {
            date: date.to_string(),
            skew_seconds,
        });
    }

    let string_to_sign = string_to_sign(req);
    keyed_mac(&secret, &string_to_sign)
        .verify_slice(&signature)
        .map_err(|_| VerifyError::Mismatch { string_to_sign })?;
    Ok(access_key_id.to_string())
}

/// `FC <AccessKeyId>:<base64 signature>` → (AccessKeyId, signature bytes).
fn parse_authorization(header: &str) -> Result<(&str, Vec<u8>), VerifyError> {
    let malformed = |what: &str| VerifyError::Malformed(what.to_string());
    let credential = header
        .strip_prefix(SCHEME)
        .and_then(|rest| rest.strip_prefix(' '))
        .ok_or_else(|| malformed("Authorization does not start with \"FC \""))?;
    let (access_key_id, signature) = credential
        .trim()
        .rsplit_once(':')
        .filter(|(id, sig)| !id.is_empty() && !sig.is_empty())
        .ok_or_else(|| malformed("Authorization is not FC <AccessKeyId>:<signature>"))?;
    let signature = BASE64
        .decode(signature)
        .map_err(|_| malformed("the signature is not base64"))?;
    Ok((access_key_id, signature))
}

/// The decoded path, plus the sorted decoded query for HTTP-trigger (`/proxy/`) requests.
fn canonical_resource(req: &HttpRequest) -> String {
    let path = decode_component(&req.path);
    if !is_http_trigger(&path) {
        return path;
    }
    let mut pairs: Vec<String> = req.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
    pairs.sort();
    format!("{path}\n{}", pairs.join("\n"))
}

/// `/<version>/proxy/…` (what the SDKs test as `path.startsWith('/proxy/')` before they put
/// the version in front), or `/proxy/…` itself.
fn is_http_trigger(path: &str) -> bool {
    path.starts_with("/proxy/")
        || path
            .strip_prefix('/')
            .and_then(|rest| rest.split_once('/'))
            .is_some_and(|(_, after_version)| after_version.starts_with("proxy/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const BASE: &str = "https://123456789012.cn-hangzhou.fc.aliyuncs.com";
    const INVOKE: &str = "/2021-04-06/services/my-service.prod/functions/my-func/invocations";
    /// The research note's keys and clock (`Mon, 02 Jan 2006 15:04:05 GMT`).
    const KEY: FcKey<'static> = FcKey {
        access_key_id: "LTAI5tTestAccessKeyId",
        access_key_secret: "TestAccessKeySecret0123456789abc",
        security_token: None,
    };
    const NOW: OffsetDateTime = datetime!(2006-01-02 15:04:05 UTC);

    fn push(req: &mut HttpRequest, name: &str, value: &str) {
        req.headers.push((name.into(), value.into()));
    }

    fn secrets(ak: &str) -> Option<String> {
        (ak == KEY.access_key_id).then(|| KEY.access_key_secret.to_string())
    }

    /// Vector A's request, signed: what our provider sends for a sync invoke.
    fn signed_invoke() -> HttpRequest {
        let mut req = HttpRequest::new("POST", BASE, INVOKE);
        push(&mut req, "Content-Type", "application/octet-stream");
        push(&mut req, "X-Fc-Invocation-Type", "Sync");
        push(&mut req, "X-Fc-Log-Type", "Tail");
        push(&mut req, "X-Fc-Account-Id", "123456789012");
        push(&mut req, "User-Agent", "fcall/0.1.0");
        req.body = br#"{"key":"value"}"#.to_vec();
        sign(&mut req, &KEY, NOW);
        req
    }

    #[test]
    fn signing_vectors_main_vector() {
        let mut req = HttpRequest::new(
            "POST",
            BASE,
            "/2021-04-06/services/svc.LATEST/functions/echo/invocations",
        );
        push(&mut req, "content-type", "application/json");
        push(&mut req, "x-fc-invocation-type", "Sync");
        push(&mut req, "x-fc-log-type", "Tail");
        let key = FcKey {
            access_key_id: "testak",
            access_key_secret: "testsk",
            security_token: None,
        };
        sign(&mut req, &key, datetime!(2024-01-02 03:04:05 UTC));

        assert_eq!(req.header("Date"), Some("Tue, 02 Jan 2024 03:04:05 GMT"));
        assert_eq!(
            string_to_sign(&req),
            "POST\n\
             \n\
             application/json\n\
             Tue, 02 Jan 2024 03:04:05 GMT\n\
             x-fc-invocation-type:Sync\n\
             x-fc-log-type:Tail\n\
             /2021-04-06/services/svc.LATEST/functions/echo/invocations"
        );
        assert_eq!(
            req.header("Authorization"),
            Some("FC testak:7M5L3+atbyLXDCIBz/0fXS2wcYArPp514f7TmDjK1z0=")
        );
    }

    #[test]
    fn vector_a_sync_tail_qualifier_in_path() {
        let req = signed_invoke();
        assert_eq!(
            string_to_sign(&req),
            "POST\n\napplication/octet-stream\nMon, 02 Jan 2006 15:04:05 GMT\nx-fc-account-id:123456789012\nx-fc-invocation-type:Sync\nx-fc-log-type:Tail\n/2021-04-06/services/my-service.prod/functions/my-func/invocations"
        );
        assert_eq!(
            req.header("Authorization"),
            Some("FC LTAI5tTestAccessKeyId:i3xK1fHQuFd7p/DgTk4cTQzReMz1MuYvDHPb7EogwQY=")
        );
    }

    #[test]
    fn vector_b_async_stateful_sts_content_md5() {
        let mut req = HttpRequest::new(
            "POST",
            BASE,
            "/2021-04-06/services/my-service/functions/my-func/invocations",
        );
        push(&mut req, "Content-Type", "application/octet-stream");
        push(&mut req, "Content-MD5", "pzU/fN3OgI3gAydHoLe+UA==");
        push(&mut req, "X-Fc-Invocation-Type", "Async");
        push(&mut req, "X-Fc-Stateful-Async-Invocation-Id", "job-001");
        push(&mut req, "X-Fc-Account-Id", "123456789012");
        req.body = br#"{"key":"value"}"#.to_vec();
        let sts = FcKey {
            security_token: Some("CAISTestSecurityToken"),
            ..KEY
        };
        sign(&mut req, &sts, NOW);

        assert_eq!(
            req.header("X-Fc-Security-Token"),
            Some("CAISTestSecurityToken")
        );
        assert_eq!(
            string_to_sign(&req),
            "POST\npzU/fN3OgI3gAydHoLe+UA==\napplication/octet-stream\nMon, 02 Jan 2006 15:04:05 GMT\nx-fc-account-id:123456789012\nx-fc-invocation-type:Async\nx-fc-security-token:CAISTestSecurityToken\nx-fc-stateful-async-invocation-id:job-001\n/2021-04-06/services/my-service/functions/my-func/invocations"
        );
        assert_eq!(
            req.header("Authorization"),
            Some("FC LTAI5tTestAccessKeyId:zMQm+6fLs6nUxHZxNSKR9Jc3VXuf7UfUHcC13lk5xZU=")
        );
        assert_eq!(verify(&req, secrets, NOW).unwrap(), KEY.access_key_id);
    }

    #[test]
    fn vector_c_get_task_without_body_or_content_type() {
        let mut req = HttpRequest::new(
            "GET",
            BASE,
            "/2021-04-06/services/my-service/functions/my-func/stateful-async-invocations/job-001",
        );
        push(&mut req, "X-Fc-Account-Id", "123456789012");
        sign(&mut req, &KEY, NOW);

        assert_eq!(
            string_to_sign(&req),
            "GET\n\n\nMon, 02 Jan 2006 15:04:05 GMT\nx-fc-account-id:123456789012\n/2021-04-06/services/my-service/functions/my-func/stateful-async-invocations/job-001"
        );
        assert_eq!(
            req.header("Authorization"),
            Some("FC LTAI5tTestAccessKeyId:Zs4N8SXny4lvbj5AsGhgcIws4ixJF36vaYz/cQQ9i4M=")
        );
    }

    #[test]
    fn vector_d_python_sdk_header_set() {
        let mut req = HttpRequest::new("POST", BASE, INVOKE);
        push(&mut req, "host", "123456789012.cn-hangzhou.fc.aliyuncs.com");
        push(&mut req, "content-type", "application/json");
        push(&mut req, "content-length", "15");
        push(&mut req, "user-agent", "aliyun-fc-sdk-v2.5.2.python-3");
        push(&mut req, "x-fc-invocation-type", "Sync");
        push(&mut req, "x-fc-log-type", "Tail");
        req.body = br#"{"key":"value"}"#.to_vec();
        sign(&mut req, &KEY, NOW);

        assert_eq!(
            string_to_sign(&req),
            "POST\n\napplication/json\nMon, 02 Jan 2006 15:04:05 GMT\nx-fc-invocation-type:Sync\nx-fc-log-type:Tail\n/2021-04-06/services/my-service.prod/functions/my-func/invocations"
        );
        assert_eq!(
            req.header("Authorization"),
            Some("FC LTAI5tTestAccessKeyId:R+gZtEIXne9MvQ6aNq3845myi94Z7VNqIQunGIjsAMQ=")
        );
    }

    #[test]
    fn vector_e_go_sdk_http_trigger_with_query() {
        // fc-go-sdk signature_test.go: its "date" is the x-fc-expires value, not an HTTP
        // date, so the string to sign and the HMAC are checked without sign().
        let mut req = HttpRequest::new(
            "GET",
            BASE,
            "/2016-08-15/proxy/service.LATEST/func/abc%20123",
        );
        for (k, v) in [
            ("x", "xyz"),
            ("x", "456"),
            ("a", "123 45"),
            ("x-fc-expires", "1583221068"),
            ("x-fc-access-key-id", "akID"),
            ("x-fc-security-token", "stsToken"),
        ] {
            req.query.push((k.into(), v.into()));
        }
        push(&mut req, "x-fc-trace-id", "trace-id");
        push(&mut req, "content-type", "text/json");
        push(&mut req, "content-md5", "ef5b43a0fe1d5b401b62c3ba33a7a3d6");
        push(&mut req, "date", "1583221068");

        let to_sign = string_to_sign(&req);
        assert_eq!(
            to_sign,
            "GET\nef5b43a0fe1d5b401b62c3ba33a7a3d6\ntext/json\n1583221068\nx-fc-trace-id:trace-id\n/2016-08-15/proxy/service.LATEST/func/abc 123\na=123 45\nx-fc-access-key-id=akID\nx-fc-expires=1583221068\nx-fc-security-token=stsToken\nx=456\nx=xyz"
        );
        assert_eq!(
            signature("S9MWOBG0AOWHSO9HPASP216QOPHT5YR4NLH3A", &to_sign),
            "QFdNhz0Dl+onUM/MvpX940WFH3H8OHayZHbby1c01aI="
        );
    }

    #[test]
    fn query_is_signed_only_for_http_triggers() {
        let mut api = HttpRequest::new("GET", BASE, "/2021-04-06/services/s/functions");
        api.query.push(("limit".into(), "10".into()));
        assert!(string_to_sign(&api).ends_with("\n/2021-04-06/services/s/functions"));

        let mut trigger = HttpRequest::new("GET", BASE, "/2021-04-06/proxy/s.LATEST/f/");
        assert!(string_to_sign(&trigger).ends_with("\n/2021-04-06/proxy/s.LATEST/f/\n"));
        trigger.query.push(("b".into(), "2".into()));
        trigger.query.push(("a".into(), "x y".into()));
        assert!(string_to_sign(&trigger).ends_with("\n/2021-04-06/proxy/s.LATEST/f/\na=x y\nb=2"));

        assert!(is_http_trigger("/proxy/s/f"));
        assert!(!is_http_trigger("/2021-04-06/services/proxy/functions"));
        assert!(!is_http_trigger("/2021-04-06/proxyx/s"));
    }

    #[test]
    fn header_names_are_case_insensitive_and_values_untrimmed() {
        let mut req = HttpRequest::new("post", BASE, "/p");
        push(&mut req, "CONTENT-TYPE", "application/json; charset=utf-8");
        push(&mut req, "X-FC-Log-Type", "Tail");
        push(&mut req, "x-fc-log-type", "None");
        push(&mut req, "x-fc-a", " spaced ");
        push(&mut req, "DATE", "Mon, 02 Jan 2006 15:04:05 GMT");
        assert_eq!(
            string_to_sign(&req),
            "POST\n\napplication/json; charset=utf-8\nMon, 02 Jan 2006 15:04:05 GMT\nx-fc-a: spaced \nx-fc-log-type:Tail\n/p"
        );
    }

    #[test]
    fn http_date_is_rfc1123_gmt() {
        assert_eq!(
            http_date(datetime!(2006-01-02 23:04:05 +08:00)),
            "Mon, 02 Jan 2006 15:04:05 GMT"
        );
    }

    #[test]
    fn re_signing_replaces_date_and_authorization() {
        let mut req = signed_invoke();
        push(&mut req, "date", "Sun, 01 Jan 2006 00:00:00 GMT");
        let later = NOW + Duration::minutes(30);
        sign(&mut req, &KEY, later);

        let count = |name: &str| {
            req.headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                .count()
        };
        assert_eq!((count("Date"), count("Authorization")), (1, 1));
        assert_eq!(req.header("Date"), Some("Mon, 02 Jan 2006 15:34:05 GMT"));
        assert!(verify(&req, secrets, later).is_ok());
    }

    #[test]
    fn verify_accepts_what_sign_produced() {
        let req = signed_invoke();
        assert_eq!(verify(&req, secrets, NOW).unwrap(), KEY.access_key_id);
        for minutes in [-15, 15] {
            assert!(verify(&req, secrets, NOW + Duration::minutes(minutes)).is_ok());
        }
        // Unsigned parts may change: the body (no Content-MD5), Host, User-Agent, Accept.
        let mut req = signed_invoke();
        req.body = b"other".to_vec();
        req.set_header("User-Agent", "curl/8");
        req.set_header("Host", "elsewhere.example");
        req.set_header("Accept", "*/*");
        assert!(verify(&req, secrets, NOW).is_ok());
    }

    #[test]
    fn verify_rejects_tampering() {
        type Tamper = fn(&mut HttpRequest);
        let tampered: [(&str, Tamper); 8] = [
            ("path", |r| r.path = r.path.replace("my-func", "my-fun")),
            ("qualifier", |r| r.path = r.path.replace(".prod", ".test")),
            ("method", |r| r.method = "PUT".into()),
            ("x-fc header", |r| {
                r.set_header("X-Fc-Invocation-Type", "Async")
            }),
            ("new x-fc header", |r| r.set_header("X-Fc-Trace-Id", "t")),
            ("content-type", |r| {
                r.set_header("Content-Type", "application/json")
            }),
            ("date", |r| {
                r.set_header("Date", "Mon, 02 Jan 2006 15:04:06 GMT")
            }),
            ("content-md5", |r| r.set_header("Content-MD5", "AAAA")),
        ];
        for (what, tamper) in tampered {
            let mut req = signed_invoke();
            tamper(&mut req);
            match verify(&req, secrets, NOW) {
                Err(VerifyError::Mismatch { string_to_sign: s }) => {
                    assert_eq!(s, string_to_sign(&req))
                }
                other => panic!("tampered {what}: {other:?}"),
            }
        }
    }

    #[test]
    fn verify_checks_the_security_token() {
        let sts = FcKey {
            security_token: Some("CAISTestSecurityToken"),
            ..KEY
        };
        let mut req = signed_invoke();
        sign(&mut req, &sts, NOW);
        assert!(string_to_sign(&req).contains("\nx-fc-security-token:CAISTestSecurityToken\n"));
        assert!(verify(&req, secrets, NOW).is_ok());

        req.set_header("x-fc-security-token", "OTHER");
        assert!(matches!(
            verify(&req, secrets, NOW),
            Err(VerifyError::Mismatch { .. })
        ));
        req.headers.retain(|(n, _)| n != "x-fc-security-token");
        assert!(matches!(
            verify(&req, secrets, NOW),
            Err(VerifyError::Mismatch { .. })
        ));
    }

    #[test]
    fn verify_rejects_unknown_key_and_stale_date() {
        let req = signed_invoke();
        assert!(matches!(
            verify(&req, |_| None, NOW),
            Err(VerifyError::UnknownAccessKey(ak)) if ak == KEY.access_key_id
        ));
        for minutes in [-16, 16] {
            match verify(&req, secrets, NOW + Duration::minutes(minutes)) {
                Err(VerifyError::Expired { date, skew_seconds }) => {
                    assert_eq!(date, "Mon, 02 Jan 2006 15:04:05 GMT");
                    assert_eq!(skew_seconds, minutes * 60);
                }
                other => panic!("{minutes} min: {other:?}"),
            }
        }
    }

    #[test]
    fn verify_rejects_missing_and_malformed() {
        let mut req = signed_invoke();
        let good = req.header("Authorization").unwrap().to_string();
        let broken = [
            good.replacen("FC ", "FCX ", 1),
            good.replacen("FC ", "ACS3-HMAC-SHA256 ", 1),
            good.replacen(':', "", 1),
            good.replacen(':', ":!!", 1),
            good.split(':').next().unwrap().to_string() + ":",
            "FC :abcd".to_string(),
            "FC".to_string(),
        ];
        for auth in &broken {
            assert_ne!(*auth, good);
            req.set_header("Authorization", auth.as_str());
            assert!(
                matches!(verify(&req, secrets, NOW), Err(VerifyError::Malformed(_))),
                "{auth}"
            );
        }

        let mut req = signed_invoke();
        req.set_header("Date", "2006-01-02T15:04:05Z");
        assert!(matches!(
            verify(&req, secrets, NOW),
            Err(VerifyError::Malformed(_))
        ));
        req.headers.retain(|(n, _)| n != "Date");
        assert!(matches!(
            verify(&req, secrets, NOW),
            Err(VerifyError::Malformed(_))
        ));
        req.headers.retain(|(n, _)| n != "Authorization");
        assert!(matches!(
            verify(&req, secrets, NOW),
            Err(VerifyError::Missing)
        ));
    }

    #[test]
    fn errors_never_show_the_secret() {
        let mut req = signed_invoke();
        req.set_header("X-Fc-Log-Type", "None");
        let errors = [
            verify(&req, secrets, NOW).unwrap_err(),
            verify(&req, secrets, NOW + Duration::hours(1)).unwrap_err(),
            verify(&req, |_| None, NOW).unwrap_err(),
        ];
        for e in errors {
            for text in [e.to_string(), format!("{e:?}")] {
                assert!(!text.contains(KEY.access_key_secret), "{text}");
            }
        }
        // The emulator tells a bad key from a bad signature by the words "access key".
        assert!(!verify(&req, secrets, NOW)
            .unwrap_err()
            .to_string()
            .contains("access key"));
    }
}
