//! AWS Signature Version 4 (`AWS4-HMAC-SHA256`), as botocore's `SigV4Auth` signs a Lambda
//! request: the first piece of the `aws` provider (issue 8), tested against the botocore
//! vector in SIGNING-VECTORS.md.
//!
//! ```text
//! canonical request = METHOD \n URI \n QUERY \n name:value\n… \n signed;names \n hex(sha256(body))
//! URI               = the path as sent, percent-encoded once more (`%3A` → `%253A`)
//! string to sign    = AWS4-HMAC-SHA256 \n X-Amz-Date \n date/region/service/aws4_request \n hex(sha256(canonical))
//! key               = HMAC chain "AWS4"+secret → date → region → service → "aws4_request"
//! ```
//! Every header present is signed except `user-agent`, `expect` and `x-amzn-trace-id`, as in
//! botocore; `host` and `x-amz-date` always are.

use hmac::Mac;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};
use time::macros::format_description;
use time::OffsetDateTime;

use super::common::{canonical_query, HmacSha256};
use crate::http::HttpRequest;

pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
const UNSIGNED: &[&str] = &["user-agent", "expect", "x-amzn-trace-id", "authorization"];
/// botocore re-quotes the path with `quote(path, safe='/~')`.
const PATH_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// An AWS key pair, with the session token of temporary credentials.
#[derive(Debug, Clone, Copy)]
pub struct AwsKey<'a> {
    pub access_key_id: &'a str,
    pub secret_access_key: &'a str,
    /// Sent and signed as `X-Amz-Security-Token`.
    pub session_token: Option<&'a str>,
}

fn mac(key: &[u8], data: &str) -> Vec<u8> {
    let mut m = HmacSha256::new_from_slice(key).expect("HMAC takes a key of any length");
    m.update(data.as_bytes());
    m.finalize().into_bytes().to_vec()
}

/// Header names to sign: every one present (lower-cased, sorted, once) but the unsigned few.
fn signed_headers(req: &HttpRequest) -> Vec<String> {
    let mut names: Vec<String> = req
        .headers
        .iter()
        .map(|(n, _)| n.to_ascii_lowercase())
        .filter(|n| !UNSIGNED.contains(&n.as_str()))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The canonical request over `signed` (lower-case, sorted) header names.
pub fn canonical_request(req: &HttpRequest, signed: &[String]) -> String {
    let headers: String = signed
        .iter()
        .map(|n| {
            let values: Vec<&str> = req
                .headers
                .iter()
                .filter(|(k, _)| k.eq_ignore_ascii_case(n))
                .map(|(_, v)| v.trim())
                .collect();
            format!("{n}:{}\n", values.join(","))
        })
        .collect();
    format!(
        "{}\n{}\n{}\n{headers}\n{}\n{}",
        req.method,
        utf8_percent_encode(&req.path, PATH_SET),
        canonical_query(&req.query),
        signed.join(";"),
        hex::encode(Sha256::digest(&req.body))
    )
}

/// Sign in place for `region`/`service` at `now`: set `X-Amz-Date`, `Host` (if absent) and
/// `X-Amz-Security-Token` (with a session token), drop an earlier `Authorization`, then set it.
pub fn sign(req: &mut HttpRequest, key: &AwsKey, region: &str, service: &str, now: OffsetDateTime) {
    let now = now.to_offset(time::UtcOffset::UTC);
    let amz_date = now
        .format(format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .expect("a UTC date formats");
    let date = &amz_date[..8];
    req.set_header("X-Amz-Date", amz_date.clone());
    if req.header("Host").is_none() {
        let host = req.host().to_string();
        req.set_header("Host", host);
    }
    if let Some(t) = key.session_token {
        req.set_header("X-Amz-Security-Token", t);
    }
    req.headers
        .retain(|(n, _)| !n.eq_ignore_ascii_case("Authorization"));
    let signed = signed_headers(req);
    let scope = format!("{date}/{region}/{service}/aws4_request");
    let string_to_sign = format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        hex::encode(Sha256::digest(canonical_request(req, &signed)))
    );
    let mut k = mac(format!("AWS4{}", key.secret_access_key).as_bytes(), date);
    for part in [region, service, "aws4_request"] {
        k = mac(&k, part);
    }
    let signature = hex::encode(mac(&k, &string_to_sign));
    req.set_header(
        "Authorization",
        format!(
            "{ALGORITHM} Credential={}/{scope}, SignedHeaders={}, Signature={signature}",
            key.access_key_id,
            signed.join(";")
        ),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const KEY: AwsKey = AwsKey {
        access_key_id: "AKIDTEST",
        secret_access_key: "testsecret",
        session_token: None,
    };

    fn invoke(path: &str) -> HttpRequest {
        let mut r = HttpRequest::new("POST", "https://lambda.us-east-1.amazonaws.com", path);
        r.set_header("X-Amz-Invocation-Type", "RequestResponse");
        r.set_header("X-Amz-Log-Type", "Tail");
        r.body = br#"{"k":"v"}"#.to_vec();
        r
    }

    #[test]
    fn botocore_vector() {
        let mut r = invoke("/2015-03-31/functions/echo/invocations");
        sign(
            &mut r,
            &KEY,
            "us-east-1",
            "lambda",
            datetime!(2024-01-02 03:04:05 UTC),
        );
        assert_eq!(
            canonical_request(&r, &signed_headers(&r)),
            "POST\n/2015-03-31/functions/echo/invocations\n\nhost:lambda.us-east-1.amazonaws.com\nx-amz-date:20240102T030405Z\nx-amz-invocation-type:RequestResponse\nx-amz-log-type:Tail\n\nhost;x-amz-date;x-amz-invocation-type;x-amz-log-type\n666c1aa02e8068c6d5cc1d3295009432c16790bec28ec8ce119d0d1a18d61319"
        );
        assert_eq!(
            r.header("Authorization").unwrap(),
            "AWS4-HMAC-SHA256 Credential=AKIDTEST/20240102/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date;x-amz-invocation-type;x-amz-log-type, Signature=5b949a50ef1b7f824da8a2b0f1083897445e6d7f4afa5ce3a2b67bba858c1226"
        );
    }

    #[test]
    fn an_arn_path_is_encoded_twice_and_tokens_are_signed() {
        let mut r = invoke("/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Aecho/invocations");
        let key = AwsKey {
            session_token: Some("tok"),
            ..KEY
        };
        sign(
            &mut r,
            &key,
            "us-east-1",
            "lambda",
            datetime!(2024-01-02 03:04:05 UTC),
        );
        let c = canonical_request(&r, &signed_headers(&r));
        assert!(c.contains("/functions/arn%253Aaws%253Alambda"), "{c}");
        assert!(c.contains("x-amz-security-token:tok\n"), "{c}");
        let auth = r.header("Authorization").unwrap();
        assert!(
            auth.contains("x-amz-log-type;x-amz-security-token"),
            "{auth}"
        );
        // signing again replaces, never stacks
        sign(
            &mut r,
            &key,
            "us-east-1",
            "lambda",
            datetime!(2024-01-02 03:04:06 UTC),
        );
        assert_eq!(
            r.headers
                .iter()
                .filter(|(n, _)| n == "Authorization")
                .count(),
            1
        );
    }
}
