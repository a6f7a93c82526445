//! Huawei Cloud AK/SK signing (`SDK-HMAC-SHA256`), as `huaweicloudsdkcore`'s `Signer`
//! and `BasicCredentials` do it, plus the server-side check our emulator runs.
//!
//! ```text
//! canonical request = METHOD \n URI/ \n sorted query \n name:value\n… \n a;b;c \n payload hash
//! string to sign    = SDK-HMAC-SHA256 \n X-Sdk-Date \n hex(sha256(canonical request))
//! Authorization     = SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b;c, Signature=hex(hmac(SK, string to sign))
//! ```
//!
//! The key is the raw SK (no derived key, unlike AWS SigV4) and the gateway accepts a
//! signature for 15 minutes either side of its clock.

use hmac::Mac;
use sha2::{Digest, Sha256};
use time::format_description::BorrowedFormatItem;
use time::macros::format_description;
use time::{Duration, OffsetDateTime, PrimitiveDateTime, UtcOffset};

use super::common::{auth_params, canonical_query, keyed_mac, skew_beyond_limit};
use crate::http::{decode_component, encode_component, HttpRequest};

/// The scheme name, first word of the `Authorization` header.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// How far `X-Sdk-Date` may be from the server clock, either way.
pub const MAX_SKEW: Duration = super::common::MAX_SKEW;

const HEADER_DATE: &str = "X-Sdk-Date";
const HEADER_CONTENT_SHA256: &str = "X-Sdk-Content-Sha256";
const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
const SDK_DATE_FORMAT: &[BorrowedFormatItem<'static>] =
    format_description!("[year][month][day]T[hour][minute][second]Z");

/// An AK/SK pair, with what the SDK's credential objects add to every request.
#[derive(Debug, Clone, Copy)]
pub struct AkSk<'a> {
    pub access_key: &'a str,
    pub secret_key: &'a str,
    /// Sent and signed as `X-Security-Token` (temporary credentials).
    pub security_token: Option<&'a str>,
    /// Sent and signed as `X-Project-Id`.
    pub project_id: Option<&'a str>,
}

/// `YYYYMMDDTHHMMSSZ` in UTC.
pub fn sdk_date(now: OffsetDateTime) -> String {
    let t = now.to_offset(UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// Sign in place exactly as huaweicloudsdkcore's Signer + BasicCredentials do: add
/// `X-Project-Id` (when project_id is Some) and `X-Security-Token` (when Some); add
/// `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` when a Content-Type is present and does not
/// start with application/json or application/bson; set `X-Sdk-Date` from `now` (replace
/// any existing one: every attempt is re-signed); add `Host` (req.host()) if absent; then
/// sign all headers present (lower-cased, sorted, skipping names containing '_') and set
/// `Authorization`.
///
/// An `Authorization` left from an earlier attempt is dropped first, so it is never signed.
pub fn sign(req: &mut HttpRequest, creds: &AkSk, now: OffsetDateTime) {
    if let Some(project_id) = creds.project_id {
        req.set_header("X-Project-Id", project_id);
    }
    if let Some(token) = creds.security_token {
        req.set_header("X-Security-Token", token);
    }
    let unsigned_body = req.header("Content-Type").is_some_and(|ct| {
        !ct.starts_with("application/json") && !ct.starts_with("application/bson")
    });
    if unsigned_body {
        req.set_header(HEADER_CONTENT_SHA256, UNSIGNED_PAYLOAD);
    }
    let date = sdk_date(now);
    req.set_header(HEADER_DATE, date.as_str());
    if req.header("Host").is_none() {
        let host = req.host().to_string();
        req.set_header("Host", host);
    }
    req.headers
        .retain(|(name, _)| !name.eq_ignore_ascii_case("Authorization"));

    let signed = signed_headers(req);
    let to_sign = string_to_sign(&canonical_request(req, &signed), &date);
    let signature = hex::encode(
        keyed_mac(creds.secret_key, &to_sign)
            .finalize()
            .into_bytes(),
    );
    req.set_header(
        "Authorization",
        format!(
            "{ALGORITHM} Access={}, SignedHeaders={}, Signature={signature}",
            creds.access_key,
            signed.join(";")
        ),
    );
}

/// The canonical request over the given signed header names (lower-case, sorted).
///
/// The URI is the path percent-decoded, split on `/`, each segment re-encoded (only
/// `A-Za-z0-9-_.~` literal, upper-case hex) and always ending in `/`; the query is the
/// decoded pairs sorted by key then value and encoded the same way; each header line is
/// `name:trimmed-value`; the payload hash is hex SHA-256 of the body, or the literal value
/// of `X-Sdk-Content-Sha256` when that header is present.
pub fn canonical_request(req: &HttpRequest, signed_headers: &[String]) -> String {
    let headers: String = signed_headers
        .iter()
        .map(|name| format!("{name}:{}\n", req.header(name).unwrap_or("").trim()))
        .collect();
    let payload_hash = match req.header(HEADER_CONTENT_SHA256) {
        Some(literal) => literal.trim().to_string(),
        None => hex::encode(Sha256::digest(&req.body)),
    };
    format!(
        "{}\n{}\n{}\n{headers}\n{}\n{payload_hash}",
        req.method.to_ascii_uppercase(),
        canonical_uri(&req.path),
        canonical_query(&req.query),
        signed_headers.join(";")
    )
}

/// `SDK-HMAC-SHA256\n<date>\n<hex sha256(canonical request)>`.
pub fn string_to_sign(canonical_request: &str, sdk_date: &str) -> String {
    format!(
        "{ALGORITHM}\n{sdk_date}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    )
}

/// Why [`verify`] refused a request. No message ever contains a secret key.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("no Authorization header")]
    Missing,
    #[error("malformed AK/SK signature: {0}")]
    Malformed(String),
    #[error("unknown access key {0}")]
    UnknownAccessKey(String),
    #[error(
        "signature expired: X-Sdk-Date {sdk_date} is {skew_seconds} s from the server clock (limit {} s)",
        MAX_SKEW.whole_seconds()
    )]
    Expired {
        sdk_date: String,
        /// Server clock minus `X-Sdk-Date`: positive when the signature is old.
        skew_seconds: i64,
    },
    /// `canonical_request` is what the server signed, to compare with the client's. It
    /// holds signed header values (a security token, say), so it is not in the message.
    #[error("signature does not match the request")]
    Mismatch { canonical_request: String },
}

/// Server side (our emulator uses it): check the Authorization header of a received
/// request. `secret_for(ak)` returns the SK for a known AK. Checks: header present and
/// well-formed, AK known, X-Sdk-Date present and parseable and within 15 minutes of `now`,
/// `x-sdk-date` and `host` among SignedHeaders (and every signed header present), signature
/// equal (constant-time compare). Returns the AK on success.
pub fn verify(
    req: &HttpRequest,
    secret_for: impl Fn(&str) -> Option<String>,
    now: OffsetDateTime,
) -> Result<String, VerifyError> {
    let auth = req.header("Authorization").ok_or(VerifyError::Missing)?;
    let Authorization {
        access_key,
        signed_headers,
        signature,
    } = Authorization::parse(auth)?;
    let secret = secret_for(access_key)
        .ok_or_else(|| VerifyError::UnknownAccessKey(access_key.to_string()))?;

    let date = req
        .header(HEADER_DATE)
        .map(str::trim)
        .ok_or_else(|| VerifyError::Malformed("no X-Sdk-Date header".into()))?;
    let signed_at = PrimitiveDateTime::parse(date, SDK_DATE_FORMAT)
        .map_err(|_| {
            VerifyError::Malformed(format!("X-Sdk-Date {date:?} is not YYYYMMDDTHHMMSSZ"))
        })?
        .assume_utc();
    if let Some(skew_seconds) = skew_beyond_limit(signed_at, now) {
        return Err(VerifyError::Expired {
            sdk_date: date.to_string(),
            skew_seconds,
        });
    }

    for required in ["host", "x-sdk-date"] {
        if !signed_headers.iter().any(|h| h == required) {
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
    keyed_mac(&secret, &string_to_sign(&canonical_request, date))
        .verify_slice(&signature)
        .map_err(|_| VerifyError::Mismatch { canonical_request })?;
    Ok(access_key.to_string())
}

/// The fields of `SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…`.
struct Authorization<'a> {
    access_key: &'a str,
    signed_headers: Vec<String>,
    signature: Vec<u8>,
}

impl<'a> Authorization<'a> {
    fn parse(header: &'a str) -> Result<Self, VerifyError> {
        let malformed = |what: &str| VerifyError::Malformed(what.to_string());
        let params = header
            .strip_prefix(ALGORITHM)
            .filter(|rest| rest.starts_with(' '))
            .ok_or_else(|| malformed("Authorization does not start with SDK-HMAC-SHA256"))?;
        let [access_key, signed_headers, signature] =
            auth_params(params, ["Access", "SignedHeaders", "Signature"])
                .map_err(VerifyError::Malformed)?;
        Ok(Authorization {
            access_key,
            signed_headers: signed_headers.split(';').map(str::to_string).collect(),
            signature: hex::decode(signature).map_err(|_| malformed("Signature is not hex"))?,
        })
    }
}

/// All header names present, lower-cased, sorted, without duplicates, skipping names
/// that contain `_` (as the Python SDK does).
fn signed_headers(req: &HttpRequest) -> Vec<String> {
    let mut names: Vec<String> = req
        .headers
        .iter()
        .filter(|(name, _)| !name.contains('_'))
        .map(|(name, _)| name.to_ascii_lowercase())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The path decoded, split on `/`, each segment re-encoded, always with a trailing `/`
/// (`unquote(path).split('/')` in the SDK, so an encoded `%2F` splits too).
fn canonical_uri(path: &str) -> String {
    let mut uri = decode_component(path)
        .split('/')
        .map(encode_component)
        .collect::<Vec<_>>()
        .join("/");
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const BASE: &str = "https://functiongraph.cn-north-4.myhuaweicloud.com";
    const PID: &str = "0123456789abcdef0123456789abcdef";
    const EXAMPLE: AkSk<'static> = AkSk {
        access_key: "HPUAEXAMPLEAK0000001",
        secret_key: "exampleSecretKey0000000000000000000000001",
        security_token: None,
        project_id: Some(PID),
    };
    const EXAMPLE_NOW: OffsetDateTime = datetime!(2024-01-01 00:00:00 UTC);

    /// A FunctionGraph request as the provider builds it: the URN as one encoded segment.
    fn fg_request(method: &str, function: &str, action: &str) -> HttpRequest {
        let urn = format!("urn:fss:cn-north-4:{PID}:function:default:{function}");
        HttpRequest::new(
            method,
            BASE,
            &format!(
                "/v2/{PID}/fgs/functions/{}/{action}",
                encode_component(&urn)
            ),
        )
    }

    fn push(req: &mut HttpRequest, name: &str, value: &str) {
        req.headers.push((name.into(), value.into()));
    }

    /// `(SignedHeaders, Signature)` of a signed request.
    fn auth_parts(req: &HttpRequest) -> (String, String) {
        let auth = req.header("Authorization").unwrap();
        let rest = auth.strip_prefix(ALGORITHM).unwrap();
        let (_, rest) = rest.split_once("SignedHeaders=").unwrap();
        let (signed, signature) = rest.split_once(", Signature=").unwrap();
        (signed.to_string(), signature.to_string())
    }

    /// The canonical request over the headers the request's Authorization lists.
    fn canonical(req: &HttpRequest) -> String {
        let signed: Vec<String> = auth_parts(req).0.split(';').map(String::from).collect();
        canonical_request(req, &signed)
    }

    fn secrets(ak: &str) -> Option<String> {
        (ak == EXAMPLE.access_key).then(|| EXAMPLE.secret_key.to_string())
    }

    /// A signed sync invoke with every optional header, for the verify tests.
    fn signed_invoke() -> HttpRequest {
        let mut req = fg_request("POST", "hello:latest", "invocations");
        push(&mut req, "Content-Type", "application/json");
        push(&mut req, "X-Cff-Log-Type", "tail");
        req.query.push(("x".into(), "a b:c".into()));
        req.body = br#"{"k":"v"}"#.to_vec();
        let creds = AkSk {
            security_token: Some("EXAMPLE-SECURITY-TOKEN"),
            ..EXAMPLE
        };
        sign(&mut req, &creds, EXAMPLE_NOW);
        req
    }

    #[test]
    fn shared_vector_testak() {
        let mut req = fg_request("POST", "echo:latest", "invocations");
        push(&mut req, "Content-Type", "application/json");
        push(&mut req, "X-Cff-Log-Type", "tail");
        push(&mut req, "X-CFF-Request-Version", "v1");
        req.body = br#"{"k":"v"}"#.to_vec();
        let creds = AkSk {
            access_key: "testak",
            secret_key: "testsk",
            security_token: None,
            project_id: None,
        };
        sign(&mut req, &creds, datetime!(2024-01-02 03:04:05 UTC));

        let canonical = canonical(&req);
        assert_eq!(
            canonical,
            "POST\n\
             /v2/0123456789abcdef0123456789abcdef/fgs/functions/urn%3Afss%3Acn-north-4%3A0123456789abcdef0123456789abcdef%3Afunction%3Adefault%3Aecho%3Alatest/invocations/\n\
             \n\
             content-type:application/json\n\
             host:functiongraph.cn-north-4.myhuaweicloud.com\n\
             x-cff-log-type:tail\n\
             x-cff-request-version:v1\n\
             x-sdk-date:20240102T030405Z\n\
             \n\
             content-type;host;x-cff-log-type;x-cff-request-version;x-sdk-date\n\
             666c1aa02e8068c6d5cc1d3295009432c16790bec28ec8ce119d0d1a18d61319"
        );
        assert_eq!(
            string_to_sign(&canonical, "20240102T030405Z"),
            "SDK-HMAC-SHA256\n20240102T030405Z\n4b0bdff7d7765908a6d3b5841e62b526b3a375cebe4efd24c7a8b4968dfb61c1"
        );
        assert_eq!(
            req.header("Authorization").unwrap(),
            "SDK-HMAC-SHA256 Access=testak, SignedHeaders=content-type;host;x-cff-log-type;x-cff-request-version;x-sdk-date, Signature=3762aed3c1fa8e2172413ed6ecdedafc9e5cd1a1d61360d1f07684cd6ba5d2e9"
        );
    }

    #[test]
    fn vector_a_sync_invoke() {
        let mut req = fg_request("POST", "hello:latest", "invocations");
        push(&mut req, "Content-Type", "application/json");
        push(&mut req, "X-Cff-Log-Type", "tail");
        push(&mut req, "X-CFF-Request-Version", "v1");
        req.body = br#"{"k":"v"}"#.to_vec();
        sign(&mut req, &EXAMPLE, EXAMPLE_NOW);

        let canonical = canonical(&req);
        assert_eq!(
            canonical,
            "POST\n\
             /v2/0123456789abcdef0123456789abcdef/fgs/functions/urn%3Afss%3Acn-north-4%3A0123456789abcdef0123456789abcdef%3Afunction%3Adefault%3Ahello%3Alatest/invocations/\n\
             \n\
             content-type:application/json\n\
             host:functiongraph.cn-north-4.myhuaweicloud.com\n\
             x-cff-log-type:tail\n\
             x-cff-request-version:v1\n\
             x-project-id:0123456789abcdef0123456789abcdef\n\
             x-sdk-date:20240101T000000Z\n\
             \n\
             content-type;host;x-cff-log-type;x-cff-request-version;x-project-id;x-sdk-date\n\
             666c1aa02e8068c6d5cc1d3295009432c16790bec28ec8ce119d0d1a18d61319"
        );
        assert_eq!(
            string_to_sign(&canonical, "20240101T000000Z"),
            "SDK-HMAC-SHA256\n20240101T000000Z\na3081f7d30c86c9ea2b0a205ed9f52a31b35a1ab8a7eb43797e617df6b5b35bc"
        );
        assert_eq!(
            req.header("Authorization").unwrap(),
            "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK0000001, SignedHeaders=content-type;host;x-cff-log-type;x-cff-request-version;x-project-id;x-sdk-date, Signature=ed1ca63271da91ef6e6d172ccfce69c8615f061c5604bcdc55a82fbceb6118eb"
        );
    }

    #[test]
    fn vector_b_async_status_with_security_token() {
        let mut req = fg_request("GET", "hello:latest", "async-invocations");
        req.query.push(("limit".into(), "10".into()));
        req.query.push((
            "request_id".into(),
            "5a5b6c7d-0000-4000-8000-000000000001".into(),
        ));
        push(&mut req, "Content-Type", "application/json");
        let creds = AkSk {
            security_token: Some("EXAMPLE-SECURITY-TOKEN"),
            ..EXAMPLE
        };
        sign(&mut req, &creds, EXAMPLE_NOW);

        let canonical = canonical(&req);
        let lines: Vec<&str> = canonical.lines().collect();
        assert_eq!(
            lines[2],
            "limit=10&request_id=5a5b6c7d-0000-4000-8000-000000000001"
        );
        assert!(canonical
            .ends_with("\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        assert_eq!(
            auth_parts(&req),
            (
                "content-type;host;x-project-id;x-sdk-date;x-security-token".into(),
                "5646cd19a7823848ddd234fa550aec1cee2a9ae749cc436ee06ddaab27935a58".into()
            )
        );
    }

    #[test]
    fn vector_c_text_body_is_unsigned_payload() {
        let mut req = fg_request("POST", "hello:latest", "invocations-async");
        push(&mut req, "Content-Type", "text/plain");
        req.body = b"hello".to_vec();
        sign(&mut req, &EXAMPLE, EXAMPLE_NOW);

        assert_eq!(req.header("X-Sdk-Content-Sha256"), Some("UNSIGNED-PAYLOAD"));
        assert!(canonical(&req).ends_with("\nUNSIGNED-PAYLOAD"));
        assert_eq!(
            auth_parts(&req),
            (
                "content-type;host;x-project-id;x-sdk-content-sha256;x-sdk-date".into(),
                "5f51143d1e6e2f30459908e856088b05756d2cf06ab38b5e2c2c8d64f0bff633".into()
            )
        );
    }

    #[test]
    fn vector_d_alias_urn() {
        let mut req = fg_request("POST", "hello:!prod", "invocations");
        push(&mut req, "Content-Type", "application/json");
        req.body = b"{}".to_vec();
        sign(&mut req, &EXAMPLE, EXAMPLE_NOW);

        let canonical = canonical(&req);
        assert!(canonical.contains(
            "/urn%3Afss%3Acn-north-4%3A0123456789abcdef0123456789abcdef%3Afunction%3Adefault%3Ahello%3A%21prod/invocations/\n"
        ));
        assert!(canonical
            .ends_with("\n44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"));
        assert_eq!(
            auth_parts(&req),
            (
                "content-type;host;x-project-id;x-sdk-date".into(),
                "fd68324092f983025f41e182335a41d54c2bae4ac721ae8880f1a65f0e81ab1c".into()
            )
        );
    }

    #[test]
    fn vector_e_query_with_colons_no_content_type() {
        let mut req = fg_request("GET", "hello:latest", "async-invocations");
        req.query.push(("status".into(), "SUCCESS".into()));
        req.query
            .push(("query_begin_time".into(), "2024-01-01T00:00:00".into()));
        req.query.push(("limit".into(), "10".into()));
        sign(&mut req, &EXAMPLE, EXAMPLE_NOW);

        assert_eq!(req.header("X-Sdk-Content-Sha256"), None);
        let canonical = canonical(&req);
        assert_eq!(
            canonical.lines().nth(2),
            Some("limit=10&query_begin_time=2024-01-01T00%3A00%3A00&status=SUCCESS")
        );
        assert_eq!(
            auth_parts(&req),
            (
                "host;x-project-id;x-sdk-date".into(),
                "e974a0d4cc068b5871550f5b5c4ba7a3cdbb5d462f29047d250396f60eab45ac".into()
            )
        );
    }

    #[test]
    fn sdk_date_is_utc() {
        let t = datetime!(2024-01-02 11:04:05 +08:00);
        assert_eq!(sdk_date(t), "20240102T030405Z");
    }

    #[test]
    fn canonical_uri_reencodes_each_segment() {
        // Lower-case hex is normalised, `%7E` becomes `~`, a trailing `/` is not doubled.
        assert_eq!(canonical_uri("/v2/caf%c3%a9/%7Ex/"), "/v2/caf%C3%A9/~x/");
        assert_eq!(canonical_uri(""), "/");
        // As in the SDK, the path is decoded before it is split.
        assert_eq!(canonical_uri("/a%2Fb"), "/a/b/");
    }

    #[test]
    fn non_ascii_and_space_in_path() {
        let mut req = fg_request("POST", "函数 x:latest", "invocations");
        push(&mut req, "Content-Type", "application/json");
        req.body = b"{}".to_vec();
        sign(&mut req, &EXAMPLE, EXAMPLE_NOW);

        let canonical = canonical(&req);
        assert!(canonical.contains("%3Adefault%3A%E5%87%BD%E6%95%B0%20x%3Alatest/invocations/\n"));
        assert_eq!(
            verify(&req, secrets, EXAMPLE_NOW).unwrap(),
            EXAMPLE.access_key
        );
    }

    #[test]
    fn host_keeps_the_port() {
        let mut req = HttpRequest::new("POST", "http://127.0.0.1:8080", "/v2/p/fgs/functions");
        sign(&mut req, &EXAMPLE, EXAMPLE_NOW);
        assert_eq!(req.header("Host"), Some("127.0.0.1:8080"));
        assert!(canonical(&req).contains("\nhost:127.0.0.1:8080\n"));
    }

    #[test]
    fn an_existing_host_is_kept() {
        let mut req = fg_request("GET", "hello:latest", "async-invocations");
        push(&mut req, "host", "example.com");
        sign(&mut req, &EXAMPLE, EXAMPLE_NOW);
        assert_eq!(req.header("Host"), Some("example.com"));
        assert_eq!(
            req.headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case("host"))
                .count(),
            1
        );
    }

    #[test]
    fn json_with_charset_stays_signed_and_underscore_names_are_skipped() {
        let mut req = fg_request("POST", "hello:latest", "invocations");
        push(&mut req, "Content-Type", "application/json;charset=UTF-8");
        push(&mut req, "X_Custom", "not signed");
        push(&mut req, "X-Cff-Log-Type", "  tail  ");
        sign(&mut req, &EXAMPLE, EXAMPLE_NOW);

        assert_eq!(req.header("X-Sdk-Content-Sha256"), None);
        let (signed, _) = auth_parts(&req);
        assert_eq!(
            signed,
            "content-type;host;x-cff-log-type;x-project-id;x-sdk-date"
        );
        assert!(canonical(&req).contains("\nx-cff-log-type:tail\n"));
        assert!(verify(&req, secrets, EXAMPLE_NOW).is_ok());
    }

    #[test]
    fn re_signing_replaces_date_and_authorization() {
        let mut req = signed_invoke();
        let later = EXAMPLE_NOW + Duration::minutes(30);
        sign(&mut req, &EXAMPLE, later);

        let count = |name: &str| {
            req.headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                .count()
        };
        assert_eq!((count("X-Sdk-Date"), count("Authorization")), (1, 1));
        assert_eq!(req.header("X-Sdk-Date"), Some("20240101T003000Z"));
        assert!(!auth_parts(&req).0.contains("authorization"));
        assert!(verify(&req, secrets, later).is_ok());
    }

    #[test]
    fn verify_accepts_what_sign_produced() {
        let req = signed_invoke();
        assert_eq!(
            verify(&req, secrets, EXAMPLE_NOW).unwrap(),
            EXAMPLE.access_key
        );
        // Within 15 minutes either way is still fine.
        for minutes in [-15, 15] {
            assert!(verify(&req, secrets, EXAMPLE_NOW + Duration::minutes(minutes)).is_ok());
        }
    }

    #[test]
    fn verify_rejects_tampering() {
        type Tamper = fn(&mut HttpRequest);
        let tampered: [(&str, Tamper); 5] = [
            ("body", |r| r.body = br#"{"k":"w"}"#.to_vec()),
            ("path", |r| r.path = r.path.replace("hello", "hellx")),
            ("query", |r| r.query[0].1.push('!')),
            ("header", |r| r.set_header("X-Cff-Log-Type", "none")),
            ("token", |r| r.set_header("X-Security-Token", "OTHER")),
        ];
        for (what, tamper) in tampered {
            let mut req = signed_invoke();
            tamper(&mut req);
            match verify(&req, secrets, EXAMPLE_NOW) {
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
            verify(&req, |_| None, EXAMPLE_NOW),
            Err(VerifyError::UnknownAccessKey(ak)) if ak == EXAMPLE.access_key
        ));
        for minutes in [-16, 16] {
            match verify(&req, secrets, EXAMPLE_NOW + Duration::minutes(minutes)) {
                Err(VerifyError::Expired {
                    sdk_date,
                    skew_seconds,
                }) => {
                    assert_eq!(sdk_date, "20240101T000000Z");
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
            good.replace("SDK-HMAC-SHA256 ", "SDK-HMAC-SHA256x "),
            good.replace(
                "SignedHeaders=content-type;host;",
                "SignedHeaders=content-type;",
            ),
            good.replace(";x-sdk-date;", ";"),
            good.replace("Signature=", "Signature=zz"),
            good.replace(", Signature=", ", Access=x, Signature="),
            good.split(", Signature").next().unwrap().to_string(),
            "SDK-HMAC-SHA256 Access=, SignedHeaders=host, Signature=00".to_string(),
        ];
        for auth in &broken {
            assert_ne!(*auth, good);
            req.set_header("Authorization", auth.as_str());
            assert!(
                matches!(
                    verify(&req, secrets, EXAMPLE_NOW),
                    Err(VerifyError::Malformed(_))
                ),
                "{auth}"
            );
        }

        let mut req = signed_invoke();
        req.set_header("X-Sdk-Date", "2024-01-01T00:00:00Z");
        assert!(matches!(
            verify(&req, secrets, EXAMPLE_NOW),
            Err(VerifyError::Malformed(_))
        ));
        req.headers.retain(|(n, _)| n != "X-Sdk-Date");
        assert!(matches!(
            verify(&req, secrets, EXAMPLE_NOW),
            Err(VerifyError::Malformed(_))
        ));

        let mut req = signed_invoke();
        req.headers.retain(|(n, _)| n != "X-Cff-Log-Type");
        assert!(matches!(
            verify(&req, secrets, EXAMPLE_NOW),
            Err(VerifyError::Malformed(_))
        ));
        req.headers.retain(|(n, _)| n != "Authorization");
        assert!(matches!(
            verify(&req, secrets, EXAMPLE_NOW),
            Err(VerifyError::Missing)
        ));
    }

    #[test]
    fn errors_never_show_the_secret() {
        let mut req = signed_invoke();
        req.body.push(b' ');
        let errors = [
            verify(&req, secrets, EXAMPLE_NOW).unwrap_err(),
            verify(&req, secrets, EXAMPLE_NOW + Duration::hours(1)).unwrap_err(),
            verify(&req, |_| None, EXAMPLE_NOW).unwrap_err(),
        ];
        for e in errors {
            for text in [e.to_string(), format!("{e:?}")] {
                assert!(!text.contains(EXAMPLE.secret_key), "{text}");
            }
        }
    }
}
