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

use super::common::{auth_params, canonical_query, skew_beyond_limit, HmacSha256};
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
            let values: Vec<String> = req
                .headers
                .iter()
                .filter(|(k, _)| k.eq_ignore_ascii_case(n))
                // botocore: ' '.join(value.split()), runs of blanks collapsed
                .map(|(_, v)| v.split_whitespace().collect::<Vec<_>>().join(" "))
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
    let signature = hex::encode(
        signing_mac(
            key.secret_access_key,
            &scope,
            &string_to_sign(&amz_date, &scope, &canonical_request(req, &signed)),
        )
        .finalize()
        .into_bytes(),
    );
    req.set_header(
        "Authorization",
        format!(
            "{ALGORITHM} Credential={}/{scope}, SignedHeaders={}, Signature={signature}",
            key.access_key_id,
            signed.join(";")
        ),
    );
}

/// `AWS4-HMAC-SHA256 \n X-Amz-Date \n scope \n hex(sha256(canonical request))`.
pub fn string_to_sign(amz_date: &str, scope: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{amz_date}\n{scope}\n{}",
        hex::encode(Sha256::digest(canonical_request))
    )
}

/// The HMAC keyed by the scope's derived key (`date/region/service/aws4_request`), fed the
/// string to sign: `finalize()` signs, `verify_slice()` checks in constant time.
fn signing_mac(secret: &str, scope: &str, string_to_sign: &str) -> HmacSha256 {
    let mut parts = scope.split('/');
    let mut k = mac(
        format!("AWS4{secret}").as_bytes(),
        parts.next().unwrap_or(""),
    );
    for part in parts {
        k = mac(&k, part);
    }
    let mut m = HmacSha256::new_from_slice(&k).expect("HMAC takes a key of any length");
    m.update(string_to_sign.as_bytes());
    m
}

/// Why [`verify`] refused a request, named as Lambda names it. No message holds a secret.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error("Missing Authentication Token")]
    Missing,
    #[error("Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters ({0})")]
    Malformed(String),
    #[error("The security token included in the request is invalid.")]
    UnknownAccessKey(String),
    #[error("Signature expired: {amz_date} is now earlier or later than the server clock by {skew_seconds} s (15 min allowed)")]
    Expired { amz_date: String, skew_seconds: i64 },
    #[error("The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.")]
    Mismatch,
}

/// Who signed a verified request, and for which region and service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    pub access_key_id: String,
    pub region: String,
    pub service: String,
}

/// Server side (the emulator): check a received request's SigV4 `Authorization`.
/// `secret_for(key id)` gives a known key's secret. Checks: well-formed, key known,
/// `X-Amz-Date` within 15 minutes of `now` and the scope's date equal to its day, `host`,
/// `x-amz-date` and every `x-amz-*` header signed, every signed header present, and the
/// signature (constant-time) over the body received.
pub fn verify(
    req: &HttpRequest,
    secret_for: impl Fn(&str) -> Option<String>,
    now: OffsetDateTime,
) -> Result<Signer, VerifyError> {
    let auth = req.header("Authorization").ok_or(VerifyError::Missing)?;
    let params = auth
        .strip_prefix(ALGORITHM)
        .filter(|rest| rest.starts_with(' '))
        .ok_or_else(|| VerifyError::Malformed("not AWS4-HMAC-SHA256".into()))?;
    let [credential, signed, signature] =
        auth_params(params, ["Credential", "SignedHeaders", "Signature"])
            .map_err(VerifyError::Malformed)?;
    let (key_id, scope) = credential
        .split_once('/')
        .ok_or_else(|| VerifyError::Malformed("Credential is not KEY/SCOPE".into()))?;
    let parts: Vec<&str> = scope.split('/').collect();
    let [day, region, service, "aws4_request"] = parts[..] else {
        return Err(VerifyError::Malformed(
            "the scope is not date/region/service/aws4_request".into(),
        ));
    };
    let secret =
        secret_for(key_id).ok_or_else(|| VerifyError::UnknownAccessKey(key_id.to_string()))?;
    let amz_date = req
        .header("X-Amz-Date")
        .map(str::trim)
        .ok_or_else(|| VerifyError::Malformed("no X-Amz-Date".into()))?;
    let signed_at = time::PrimitiveDateTime::parse(
        amz_date,
        format_description!("[year][month][day]T[hour][minute][second]Z"),
    )
    .map_err(|_| {
        VerifyError::Malformed(format!("X-Amz-Date {amz_date:?} is not YYYYMMDDTHHMMSSZ"))
    })?
    .assume_utc();
    if !amz_date.starts_with(day) {
        return Err(VerifyError::Malformed(format!(
            "the scope's date {day} is not X-Amz-Date's"
        )));
    }
    if let Some(skew_seconds) = skew_beyond_limit(signed_at, now) {
        return Err(VerifyError::Expired {
            amz_date: amz_date.to_string(),
            skew_seconds,
        });
    }
    let signed: Vec<String> = signed.split(';').map(str::to_string).collect();
    let must_sign = req
        .headers
        .iter()
        .map(|(n, _)| n.to_ascii_lowercase())
        .filter(|n| n.starts_with("x-amz-"))
        .chain(["host".to_string()]);
    for required in must_sign {
        if !signed.contains(&required) {
            return Err(VerifyError::Malformed(format!(
                "{required} is not among SignedHeaders"
            )));
        }
    }
    if let Some(absent) = signed.iter().find(|h| req.header(h).is_none()) {
        return Err(VerifyError::Malformed(format!(
            "signed header {absent} is not in the request"
        )));
    }
    let signature = hex::decode(signature)
        .map_err(|_| VerifyError::Malformed("the Signature is not hex".into()))?;
    signing_mac(
        &secret,
        scope,
        &string_to_sign(amz_date, scope, &canonical_request(req, &signed)),
    )
    .verify_slice(&signature)
    .map_err(|_| VerifyError::Mismatch)?;
    Ok(Signer {
        access_key_id: key_id.to_string(),
        region: region.to_string(),
        service: service.to_string(),
    })
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

    fn secrets(id: &str) -> Option<String> {
        (id == "AKIDTEST").then(|| "testsecret".to_string())
    }

    #[test]
    fn verify_accepts_what_sign_produced_and_names_each_refusal() {
        let at = datetime!(2024-01-02 03:04:05 UTC);
        let mut r = invoke("/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A1%3Afunction%3Aecho/invocations");
        r.query.push(("Qualifier".into(), "$LATEST".into()));
        let key = AwsKey {
            session_token: Some("tok"),
            ..KEY
        };
        sign(&mut r, &key, "us-east-1", "lambda", at);
        let who = verify(&r, secrets, at + time::Duration::minutes(14)).unwrap();
        assert_eq!(
            who,
            Signer {
                access_key_id: "AKIDTEST".into(),
                region: "us-east-1".into(),
                service: "lambda".into()
            }
        );
        // the botocore vector's own header verifies too
        let mut v = invoke("/2015-03-31/functions/echo/invocations");
        sign(&mut v, &KEY, "us-east-1", "lambda", at);
        assert!(verify(&v, secrets, at).is_ok());

        let mut body = r.clone();
        body.body = b"{}".to_vec();
        assert!(matches!(
            verify(&body, secrets, at),
            Err(VerifyError::Mismatch)
        ));
        let mut query = r.clone();
        query.query[0].1 = "1".into();
        assert!(matches!(
            verify(&query, secrets, at),
            Err(VerifyError::Mismatch)
        ));
        assert!(matches!(
            verify(&r, secrets, at + time::Duration::minutes(16)),
            Err(VerifyError::Expired { .. })
        ));
        assert!(matches!(
            verify(&r, |_| None, at),
            Err(VerifyError::UnknownAccessKey(_))
        ));
        let mut extra = r.clone();
        extra.set_header("X-Amz-Invocation-Type", "Event");
        assert!(matches!(
            verify(&extra, secrets, at),
            Err(VerifyError::Mismatch)
        ));
        let mut unsigned = r.clone();
        unsigned
            .headers
            .push(("X-Amz-Client-Context".into(), "e30=".into()));
        assert!(matches!(
            verify(&unsigned, secrets, at),
            Err(VerifyError::Malformed(_))
        ));
        let mut none = r.clone();
        none.headers.retain(|(n, _)| n != "Authorization");
        assert!(matches!(
            verify(&none, secrets, at),
            Err(VerifyError::Missing)
        ));
        for bad in [
            "AWS4-HMAC-SHA256 Credential=AKIDTEST, SignedHeaders=host, Signature=00",
            "AWS4-HMAC-SHA256 Credential=AKIDTEST/20240102/us-east-1/lambda/x, SignedHeaders=host, Signature=00",
            "AWS4-HMAC-SHA256 Credential=AKIDTEST/20240101/us-east-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
            "AWS4-HMAC-SHA256 Credential=AKIDTEST/20240102/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=zz",
            "Bearer x",
        ] {
            let mut m = r.clone();
            m.set_header("Authorization", bad);
            assert!(
                matches!(verify(&m, secrets, at), Err(VerifyError::Malformed(_))),
                "{bad}"
            );
        }
    }
}
