//! Alibaba Cloud signature V3 (`ACS3-HMAC-SHA256`), as the OpenAPI SDK core does it
//! (tea-openapi `do_request` + `get_authorization`, used by the FC 3.0 `2023-03-30` and
//! the fc-open `2021-04-06` SDKs), plus the server-side check our emulator runs.
//!
//! ```text
//! canonical request = METHOD \n URI \n sorted query \n name:value\n… \n a;b;c \n hex(sha256(body))
//! string to sign    = ACS3-HMAC-SHA256 \n hex(sha256(canonical request))
//! Authorization     = ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b;c,Signature=hex(hmac(secret, string to sign))
//! ```
//!
//! The key is the raw AccessKey secret (no derived key). Which headers are signed: the
//! Python SDK signs every header the request carries when it is signed (`host`, `x-acs-*`,
//! `content-type`, `x-fc-*`, and also `user-agent` and `accept`, which it sends); the Go,
//! Java and TypeScript SDKs sign only `host`, `content-type` and `x-acs-*`. The gateway
//! takes the list from `SignedHeaders`, so both work; we follow the Python SDK (the one
//! the test vector comes from), which also protects the `x-fc-*` headers.

use hmac::Mac;
use sha2::{Digest, Sha256};
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{Duration, OffsetDateTime, PrimitiveDateTime, UtcOffset};

use super::common::{self, auth_params, canonical_query, keyed_mac, skew_beyond_limit};
use crate::http::{HttpRequest, ENCODE_ALL_BUT_UNRESERVED};

/// The scheme name, first word of the `Authorization` header.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";
/// How far `x-acs-date` may be from the server clock, either way.
pub const MAX_SKEW: Duration = common::MAX_SKEW;

const HEADER_DATE: &str = "x-acs-date";
const ACS_HEADER_PREFIX: &str = "x-acs-";
const ACS_DATE_FORMAT: &[BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

/// An Alibaba Cloud AccessKey pair, with the STS token of temporary credentials.
#[derive(Debug, Clone, Copy)]
pub struct Acs3Key<'a> {
    pub access_key_id: &'a str,
    pub access_key_secret: &'a str,
    /// Sent and signed as `x-acs-security-token`, with `x-acs-accesskey-id` (STS).
    pub security_token: Option<&'a str>,
}

/// `YYYY-MM-DDTHH:MM:SSZ` in UTC (the SDK's `%Y-%m-%dT%H:%M:%SZ`).
pub fn acs_date(now: OffsetDateTime) -> String {
    let t = now.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Sign in place as tea-openapi's `do_request` does: add `host` (req.host()) if absent;
/// set `x-acs-version`, `x-acs-action`, `x-acs-date` (from `now`), `x-acs-signature-nonce`
/// (`nonce`: the caller derives a fresh one per attempt, so signing stays pure) and
/// `x-acs-content-sha256` (hex SHA-256 of the body); with an STS token set
/// `x-acs-accesskey-id` and `x-acs-security-token`; drop an `Authorization` left from an
/// earlier attempt; then sign every header present (names lower-cased, sorted, a repeated
/// name once) and set `Authorization`.
///
/// Every header the request carries at this point is signed, `user-agent` and `accept`
/// included, so set those before signing (or let the transport add them afterwards).
pub fn sign(
    req: &mut HttpRequest,
    key: &Acs3Key,
    action: &str,
    version: &str,
    nonce: &str,
    now: OffsetDateTime,
) {
    if req.header("host").is_none() {
        let host = req.host().to_string();
        req.set_header("host", host);
    }
    req.set_header("x-acs-version", version);
    req.set_header("x-acs-action", action);
    req.set_header(HEADER_DATE, acs_date(now));
    req.set_header("x-acs-signature-nonce", nonce);
    let payload_hash = hex::encode(Sha256::digest(&req.body));
    req.set_header("x-acs-content-sha256", payload_hash);
    if let Some(token) = key.security_token {
        req.set_header("x-acs-accesskey-id", key.access_key_id);
        req.set_header("x-acs-security-token", token);
    }
    req.headers
        .retain(|(name, _)| !name.eq_ignore_ascii_case("Authorization"));

    let signed = signed_headers(req);
    let to_sign = string_to_sign(&canonical_request(req, &signed));
    let signature = hex::encode(
        keyed_mac(key.access_key_secret, &to_sign)
            .finalize()
            .into_bytes(),
    );
    req.set_header(
        "Authorization",
        format!(
            "{ALGORITHM} Credential={},SignedHeaders={},Signature={signature}",
            key.access_key_id,
            signed.join(";")
        ),
    );
}

/// The canonical request over the given signed header names (lower-case, sorted).
///
/// The URI is the path with each `/`-separated segment percent-decoded and re-encoded
/// (only `A-Za-z0-9-_.~` literal, upper-case hex; `/` if empty), which leaves a path built
/// with `encode_component` as sent; the query is the decoded pairs sorted by key then
/// value, both encoded the same way, `k=v` joined with `&`; each header line is
/// `name:value` with every value of that name trimmed, sorted and joined with `,`; the
/// payload hash is hex SHA-256 of the body.
pub fn canonical_request(req: &HttpRequest, signed_headers: &[String]) -> String {
    let headers: String = signed_headers
        .iter()
        .map(|name| {
            let mut values: Vec<&str> = req
                .headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.trim())
                .collect();
            values.sort_unstable();
            format!("{name}:{}\n", values.join(","))
        })
        .collect();
    format!(
        "{}\n{}\n{}\n{headers}\n{}\n{}",
        req.method.to_ascii_uppercase(),
        canonical_uri(&req.path),
        canonical_query(&req.query),
        signed_headers.join(";"),
        hex::encode(Sha256::digest(&req.body))
    )
}

/// `ACS3-HMAC-SHA256\n<hex sha256(canonical request)>`.
pub fn string_to_sign(canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    )
}

/// Why [`verify`] refused a request. No message ever contains a secret.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("no Authorization header")]
    Missing,
    #[error("malformed ACS3 signature: {0}")]
    Malformed(String),
    #[error("unknown access key {0}")]
    UnknownAccessKey(String),
    #[error(
        "signature expired: x-acs-date {acs_date} is {skew_seconds} s from the server clock (limit {} s)",
        MAX_SKEW.whole_seconds()
    )]
    Expired {
        acs_date: String,
        /// Server clock minus `x-acs-date`: positive when the signature is old.
        skew_seconds: i64,
    },
    /// `canonical_request` is what the server signed, to compare with the client's. It
    /// holds signed header values (a security token, say), so it is not in the message.
    #[error("signature does not match the request")]
    Mismatch { canonical_request: String },
}

/// Server side (our emulator uses it): check the `Authorization` of a received request.
/// `secret_for(ak)` returns the secret of a known AccessKeyId. Checks: header present and
/// well-formed, AccessKeyId known, `x-acs-date` present, `YYYY-MM-DDTHH:MM:SSZ` and within
/// 15 minutes of `now`, `host`, `content-type` (when sent) and every `x-acs-*` header
/// among SignedHeaders (and every signed header present), signature equal (constant-time
/// compare) with the payload hash taken from the body received. Returns the AccessKeyId.
pub fn verify(
    req: &HttpRequest,
    secret_for: impl Fn(&str) -> Option<String>,
    now: OffsetDateTime,
) -> Result<String, VerifyError> {
    let auth = req.header("Authorization").ok_or(VerifyError::Missing)?;
    let Authorization {
        access_key_id,
        signed_headers,
        signature,
    } = Authorization::parse(auth)?;
    let secret = secret_for(access_key_id)
        .ok_or_else(|| VerifyError::UnknownAccessKey(access_key_id.to_string()))?;

    let date = req
        .header(HEADER_DATE)
        .map(str::trim)
        .ok_or_else(|| VerifyError::Malformed("no x-acs-date header".into()))?;
    let signed_at = PrimitiveDateTime::parse(date, ACS_DATE_FORMAT)
        .map_err(|_| {
            VerifyError::Malformed(format!("x-acs-date {date:?} is not YYYY-MM-DDTHH:MM:SSZ"))
        })?
        .assume_utc();
    if let Some(skew_seconds) = skew_beyond_limit(signed_at, now) {
        return Err(VerifyError::Expired {
            acs_date: date.to_string(),
            skew_seconds,
        });
    }

    let must_sign = req
        .headers
        .iter()
        .map(|(name, _)| name.to_ascii_lowercase())
        .filter(|name| name.starts_with(ACS_HEADER_PREFIX) || name == "content-type")
        .chain(["host".to_string()]);
    for required in must_sign {
        if !signed_headers.contains(&required) {
            return Err(VerifyError::Malformed(format!(
                "{required} is not among SignedHeaders"
            )));
        }
    }
    if let Some(absent) = signed_headers.iter().find(|h| req.header(h).is_none()) {
        return Err(VerifyError::Malformed(format!(
            "signed header {absent} is not in the request"
        )));
    }

    let canonical_request = canonical_request(req, &signed_headers);
    keyed_mac(&secret, &string_to_sign(&canonical_request))
        .verify_slice(&signature)
        .map_err(|_| VerifyError::Mismatch { canonical_request })?;
    Ok(access_key_id.to_string())
}

/// The fields of `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…`.
struct Authorization<'a> {
    access_key_id: &'a str,
    signed_headers: Vec<String>,
    signature: Vec<u8>,
}

impl<'a> Authorization<'a> {
    fn parse(header: &'a str) -> Result<Self, VerifyError> {
        let params = header
            .strip_prefix(ALGORITHM)
            .filter(|rest| rest.starts_with(' '))
            .ok_or_else(|| {
                VerifyError::Malformed("Authorization does not start with ACS3-HMAC-SHA256".into())
            })?;
        let [access_key_id, signed_headers, signature] =
            auth_params(params, ["Credential", "SignedHeaders", "Signature"])
                .map_err(VerifyError::Malformed)?;
        Ok(Authorization {
            access_key_id,
            signed_headers: signed_headers.split(';').map(str::to_string).collect(),
            signature: hex::decode(signature)
                .map_err(|_| VerifyError::Malformed("no hex Signature".into()))?,
        })
    }
}

/// All header names present, lower-cased, sorted, without duplicates (tea-openapi's
/// `get_canonicalized_headers` over the whole header map).
fn signed_headers(req: &HttpRequest) -> Vec<String> {
    let mut names: Vec<String> = req
        .headers
        .iter()
        .map(|(name, _)| name.to_ascii_lowercase())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Each `/`-separated segment of the path as sent, decoded to bytes and re-encoded; `/`
/// for an empty path. An encoded `%2F` stays inside its segment.
fn canonical_uri(path: &str) -> String {
    if path.is_empty() {
        return "/".into();
    }
    path.split('/')
        .map(|segment| {
            let bytes: Vec<u8> = percent_encoding::percent_decode_str(segment).collect();
            percent_encoding::percent_encode(&bytes, ENCODE_ALL_BUT_UNRESERVED).to_string()
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::encode_component;
    use time::macros::datetime;

    const BASE: &str = "https://123456789012.cn-hangzhou.fc.aliyuncs.com";
    const INVOKE: &str = "/2023-03-30/functions/my-func/invocations";
    const KEY: Acs3Key<'static> = Acs3Key {
        access_key_id: "LTAI5tTestAccessKeyId",
        access_key_secret: "TestAccessKeySecret0123456789abc",
        security_token: None,
    };
    const NOW: OffsetDateTime = datetime!(2006-01-02 15:04:05 UTC);
    const NONCE: &str = "3156853299f313e23d1673dc12e1703d";
    const ACTION: &str = "InvokeFunction";
    const VERSION: &str = "2023-03-30";

    fn push(req: &mut HttpRequest, name: &str, value: &str) {
        req.headers.push((name.into(), value.into()));
    }

    fn secrets(ak: &str) -> Option<String> {
        (ak == KEY.access_key_id).then(|| KEY.access_key_secret.to_string())
    }

    /// The research note's FC 3.0 invoke, unsigned.
    fn invoke() -> HttpRequest {
        let mut req = HttpRequest::new("POST", BASE, INVOKE);
        req.query.push(("qualifier".into(), "prod".into()));
        push(&mut req, "content-type", "application/octet-stream");
        push(&mut req, "x-fc-invocation-type", "Sync");
        push(&mut req, "x-fc-log-type", "Tail");
        req.body = br#"{"key":"value"}"#.to_vec();
        req
    }

    fn signed_invoke() -> HttpRequest {
        let mut req = invoke();
        sign(&mut req, &KEY, ACTION, VERSION, NONCE, NOW);
        req
    }

    fn canonical(req: &HttpRequest) -> String {
        let signed = auth_parts(req).0;
        let names: Vec<String> = signed.split(';').map(str::to_string).collect();
        canonical_request(req, &names)
    }

    /// `(SignedHeaders, Signature)` of a signed request.
    fn auth_parts(req: &HttpRequest) -> (String, String) {
        let auth = req.header("Authorization").unwrap();
        let Authorization {
            signed_headers,
            signature,
            ..
        } = Authorization::parse(auth).unwrap();
        (signed_headers.join(";"), hex::encode(signature))
    }

    #[test]
    fn research_vector_fc3_invoke() {
        let req = signed_invoke();
        assert_eq!(
            req.header("x-acs-content-sha256"),
            Some("e43abcf3375244839c012f9633f95862d232a95b00d5bc7348b3098b9fed7f32")
        );
        assert_eq!(req.header("x-acs-date"), Some("2006-01-02T15:04:05Z"));
        assert_eq!(
            canonical(&req),
            "POST\n\
             /2023-03-30/functions/my-func/invocations\n\
             qualifier=prod\n\
             content-type:application/octet-stream\n\
             host:123456789012.cn-hangzhou.fc.aliyuncs.com\n\
             x-acs-action:InvokeFunction\n\
             x-acs-content-sha256:e43abcf3375244839c012f9633f95862d232a95b00d5bc7348b3098b9fed7f32\n\
             x-acs-date:2006-01-02T15:04:05Z\n\
             x-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\n\
             x-acs-version:2023-03-30\n\
             x-fc-invocation-type:Sync\n\
             x-fc-log-type:Tail\n\
             \n\
             content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version;x-fc-invocation-type;x-fc-log-type\n\
             e43abcf3375244839c012f9633f95862d232a95b00d5bc7348b3098b9fed7f32"
        );
        assert_eq!(
            req.header("Authorization"),
            Some("ACS3-HMAC-SHA256 Credential=LTAI5tTestAccessKeyId,SignedHeaders=content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version;x-fc-invocation-type;x-fc-log-type,Signature=3005bc757621879e182752037c02f6ebbd9f7f13ae6a8aae7b8801b6ce572d07")
        );
    }

    #[test]
    fn every_header_present_is_signed_as_the_python_sdk_does() {
        // tea-openapi sends user-agent and accept too, and signs them with the rest.
        let mut req = invoke();
        push(&mut req, "User-Agent", "fcall/0.1.0");
        push(&mut req, "Accept", "application/json");
        sign(&mut req, &KEY, ACTION, VERSION, NONCE, NOW);
        assert_eq!(
            auth_parts(&req).0,
            "accept;content-type;host;user-agent;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version;x-fc-invocation-type;x-fc-log-type"
        );
        assert!(canonical(&req).contains("\nuser-agent:fcall/0.1.0\n"));
        assert!(verify(&req, secrets, NOW).is_ok());
    }

    #[test]
    fn repeated_header_values_are_sorted_and_joined() {
        let mut req = invoke();
        push(&mut req, "X-Fc-Trace-Id", " b ");
        push(&mut req, "x-fc-trace-id", "a");
        sign(&mut req, &KEY, ACTION, VERSION, NONCE, NOW);
        assert!(canonical(&req).contains("\nx-fc-trace-id:a,b\n"));
        assert!(auth_parts(&req).0.contains(";x-fc-log-type;x-fc-trace-id"));
        assert!(verify(&req, secrets, NOW).is_ok());
    }

    #[test]
    fn sts_token_and_key_id_are_sent_and_signed() {
        let sts = Acs3Key {
            security_token: Some("CAISTestSecurityToken"),
            ..KEY
        };
        let mut req = invoke();
        sign(&mut req, &sts, ACTION, VERSION, NONCE, NOW);

        assert_eq!(
            req.header("x-acs-security-token"),
            Some("CAISTestSecurityToken")
        );
        assert_eq!(req.header("x-acs-accesskey-id"), Some(KEY.access_key_id));
        assert_eq!(
            auth_parts(&req).0,
            "content-type;host;x-acs-accesskey-id;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version;x-fc-invocation-type;x-fc-log-type"
        );
        assert_eq!(verify(&req, secrets, NOW).unwrap(), KEY.access_key_id);

        req.set_header("x-acs-security-token", "OTHER");
        assert!(matches!(
            verify(&req, secrets, NOW),
            Err(VerifyError::Mismatch { .. })
        ));
    }

    #[test]
    fn acs_date_is_utc() {
        assert_eq!(
            acs_date(datetime!(2006-01-02 23:04:05 +08:00)),
            "2006-01-02T15:04:05Z"
        );
    }

    #[test]
    fn canonical_uri_reencodes_each_segment() {
        assert_eq!(canonical_uri(INVOKE), INVOKE);
        assert_eq!(canonical_uri(""), "/");
        // Lower-case hex and needless escapes are normalised; %2F stays in its segment;
        // bytes that are not UTF-8 survive.
        assert_eq!(canonical_uri("/a/b%7ec/%e5%87%bd!"), "/a/b~c/%E5%87%BD%21");
        assert_eq!(canonical_uri("/a%2Fb/%FF"), "/a%2Fb/%FF");
        let name = "函数 x:1";
        let path = format!(
            "/2023-03-30/functions/{}/invocations",
            encode_component(name)
        );
        assert_eq!(canonical_uri(&path), path);
    }

    #[test]
    fn query_is_sorted_and_encoded() {
        let mut req = HttpRequest::new("GET", BASE, "/2023-03-30/functions/f/async-tasks");
        for (k, v) in [
            ("qualifier", "prod"),
            ("limit", "10"),
            ("prefix", "a b:c/é"),
            ("nextToken", ""),
        ] {
            req.query.push((k.into(), v.into()));
        }
        sign(&mut req, &KEY, "ListAsyncTasks", VERSION, NONCE, NOW);
        assert_eq!(
            canonical(&req).lines().nth(2),
            Some("limit=10&nextToken=&prefix=a%20b%3Ac%2F%C3%A9&qualifier=prod")
        );
        // GET without a body hashes the empty string.
        assert_eq!(
            req.header("x-acs-content-sha256"),
            Some("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        );
        assert!(verify(&req, secrets, NOW).is_ok());
    }

    #[test]
    fn host_keeps_the_port_and_an_existing_host_is_kept() {
        let mut req = HttpRequest::new("POST", "http://127.0.0.1:8080", INVOKE);
        sign(&mut req, &KEY, ACTION, VERSION, NONCE, NOW);
        assert_eq!(req.header("host"), Some("127.0.0.1:8080"));
        assert!(canonical(&req).contains("\nhost:127.0.0.1:8080\n"));

        let mut req = invoke();
        push(&mut req, "Host", "fcv3.cn-hangzhou.aliyuncs.com");
        sign(&mut req, &KEY, ACTION, VERSION, NONCE, NOW);
        assert_eq!(req.header("host"), Some("fcv3.cn-hangzhou.aliyuncs.com"));
        assert_eq!(
            req.headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case("host"))
                .count(),
            1
        );
    }

    #[test]
    fn re_signing_replaces_date_nonce_and_authorization() {
        let mut req = signed_invoke();
        let later = NOW + Duration::minutes(30);
        sign(&mut req, &KEY, ACTION, VERSION, "another-nonce", later);

        let count = |name: &str| {
            req.headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                .count()
        };
        for name in ["x-acs-date", "x-acs-signature-nonce", "Authorization"] {
            assert_eq!(count(name), 1, "{name}");
        }
        assert_eq!(req.header("x-acs-date"), Some("2006-01-02T15:34:05Z"));
        assert_eq!(req.header("x-acs-signature-nonce"), Some("another-nonce"));
        assert!(!auth_parts(&req).0.contains("authorization"));
        assert!(verify(&req, secrets, later).is_ok());
    }

    #[test]
    fn verify_accepts_what_sign_produced() {
        let req = signed_invoke();
        assert_eq!(verify(&req, secrets, NOW).unwrap(), KEY.access_key_id);
        for minutes in [-15, 15] {
            assert!(verify(&req, secrets, NOW + Duration::minutes(minutes)).is_ok());
        }
        // Headers the transport adds after signing are not signed and do not matter.
        let mut req = signed_invoke();
        push(&mut req, "user-agent", "fcall/0.1.0");
        push(&mut req, "content-length", "15");
        push(&mut req, "accept-encoding", "gzip");
        assert!(verify(&req, secrets, NOW).is_ok());
    }

    #[test]
    fn verify_rejects_tampering() {
        type Tamper = fn(&mut HttpRequest);
        let tampered: [(&str, Tamper); 9] = [
            ("body", |r| r.body = br#"{"key":"other"}"#.to_vec()),
            ("path", |r| r.path = r.path.replace("my-func", "my-fun")),
            ("query", |r| r.query[0].1 = "test".into()),
            ("method", |r| r.method = "PUT".into()),
            ("x-fc header", |r| {
                r.set_header("x-fc-invocation-type", "Async")
            }),
            ("action", |r| r.set_header("x-acs-action", "DeleteFunction")),
            ("content-type", |r| {
                r.set_header("content-type", "text/plain")
            }),
            ("host", |r| r.set_header("host", "evil.example")),
            ("nonce", |r| {
                r.set_header("x-acs-signature-nonce", "replayed")
            }),
        ];
        for (what, tamper) in tampered {
            let mut req = signed_invoke();
            tamper(&mut req);
            match verify(&req, secrets, NOW) {
                Err(VerifyError::Mismatch { canonical_request }) => {
                    assert_eq!(canonical_request, canonical(&req))
                }
                other => panic!("tampered {what}: {other:?}"),
            }
        }
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
                Err(VerifyError::Expired {
                    acs_date,
                    skew_seconds,
                }) => {
                    assert_eq!(acs_date, "2006-01-02T15:04:05Z");
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
            good.replace("ACS3-HMAC-SHA256 ", "ACS3-HMAC-SHA256x "),
            good.replace("ACS3-HMAC-SHA256 ", "FC "),
            good.replace(
                "SignedHeaders=content-type;host;",
                "SignedHeaders=content-type;",
            ),
            good.replace("SignedHeaders=content-type;", "SignedHeaders="),
            good.replace(";x-acs-date;", ";"),
            good.replace(";x-fc-log-type,", ";x-fc-log-type;x-fc-absent,"),
            good.replace("Signature=", "Signature=zz"),
            good.replace(",Signature=", ",Credential=x,Signature="),
            good.split(",Signature").next().unwrap().to_string(),
            "ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=00".to_string(),
        ];
        for auth in &broken {
            assert_ne!(*auth, good);
            req.set_header("Authorization", auth.as_str());
            assert!(
                matches!(verify(&req, secrets, NOW), Err(VerifyError::Malformed(_))),
                "{auth}"
            );
        }

        // An x-acs-* header (or a content-type) added after signing must have been signed.
        for (name, value) in [
            ("x-acs-security-token", "smuggled"),
            ("Content-Type", "a/b"),
        ] {
            let mut req = signed_invoke();
            if name == "Content-Type" {
                req.headers.retain(|(n, _)| n != "content-type");
                sign(&mut req, &KEY, ACTION, VERSION, NONCE, NOW);
            }
            push(&mut req, name, value);
            assert!(
                matches!(verify(&req, secrets, NOW), Err(VerifyError::Malformed(_))),
                "{name}"
            );
        }

        let mut req = signed_invoke();
        req.set_header("x-acs-date", "Mon, 02 Jan 2006 15:04:05 GMT");
        assert!(matches!(
            verify(&req, secrets, NOW),
            Err(VerifyError::Malformed(_))
        ));
        req.headers.retain(|(n, _)| n != "x-acs-date");
        assert!(matches!(
            verify(&req, secrets, NOW),
            Err(VerifyError::Malformed(_))
        ));

        let mut req = signed_invoke();
        req.headers.retain(|(n, _)| n != "x-fc-log-type");
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
        req.body.push(b' ');
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
