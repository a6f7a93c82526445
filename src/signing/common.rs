//! Small pieces the signing schemes share: the keyed HMAC, the clock-skew window, the
//! canonical query string and the `name=value, …` parameters of an `Authorization` header.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use time::{Duration, OffsetDateTime};

use crate::http::encode_component;

/// How far a signature's date may be from the server clock, either way (Huawei, Alibaba FC
/// and Alibaba ACS3 all allow 15 minutes).
pub(crate) const MAX_SKEW: Duration = Duration::minutes(15);

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// HMAC-SHA256 keyed by the raw secret, fed the string to sign. Finish it with
/// `finalize()` to sign, or `verify_slice()` to check a signature in constant time.
pub(crate) fn keyed_mac(secret: &str, string_to_sign: &str) -> HmacSha256 {
    let mut mac =
        HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
    mac.update(string_to_sign.as_bytes());
    mac
}

/// `Some(now - signed_at in whole seconds)` when that is more than [`MAX_SKEW`] either way
/// (positive when the signature is old), `None` when the date is acceptable.
pub(crate) fn skew_beyond_limit(signed_at: OffsetDateTime, now: OffsetDateTime) -> Option<i64> {
    let skew = now - signed_at;
    (skew.abs() > MAX_SKEW).then(|| skew.whole_seconds())
}

/// Decoded pairs sorted by (key, value), each part encoded with [`encode_component`]
/// (only `A-Za-z0-9-_.~` literal), `key=value` joined with `&`; an empty value gives `key=`.
pub(crate) fn canonical_query(query: &[(String, String)]) -> String {
    let mut pairs: Vec<&(String, String)> = query.iter().collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Split the `name=value` parameters of an `Authorization` header (after the scheme word)
/// on `,`, trimming blanks, and return their values in the order of `names`. Every name
/// must appear exactly once with a non-empty value, and no other name may appear.
pub(crate) fn auth_params<'a, const N: usize>(
    params: &'a str,
    names: [&str; N],
) -> Result<[&'a str; N], String> {
    let mut values: [Option<&'a str>; N] = [None; N];
    for param in params.split(',') {
        let (name, value) = param
            .trim()
            .split_once('=')
            .filter(|(_, v)| !v.is_empty())
            .ok_or("Authorization parameters are not name=value")?;
        let slot = names
            .iter()
            .position(|n| *n == name)
            .ok_or("unknown Authorization parameter")?;
        if values[slot].replace(value).is_some() {
            return Err("repeated Authorization parameter".into());
        }
    }
    let mut found = [""; N];
    for (i, value) in values.into_iter().enumerate() {
        found[i] = value.ok_or_else(|| format!("no {}", names[i]))?;
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn keyed_mac_is_plain_hmac_sha256() {
        // RFC 4231 test case 2.
        let mac = keyed_mac("Jefe", "what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert!(keyed_mac("Jefe", "what do ya want for nothing?")
            .verify_slice(&[0; 32])
            .is_err());
    }

    #[test]
    fn skew_window_is_inclusive() {
        let t = datetime!(2024-01-02 03:04:05 UTC);
        assert_eq!(skew_beyond_limit(t, t + MAX_SKEW), None);
        assert_eq!(skew_beyond_limit(t, t - MAX_SKEW), None);
        assert_eq!(skew_beyond_limit(t, t + Duration::seconds(901)), Some(901));
        assert_eq!(skew_beyond_limit(t, t - Duration::seconds(901)), Some(-901));
    }

    #[test]
    fn canonical_query_sorts_and_encodes() {
        let q = vec![
            ("b".to_string(), "x y:z".to_string()),
            ("a".to_string(), "2".to_string()),
            ("a".to_string(), "1".to_string()),
            ("e".to_string(), String::new()),
        ];
        assert_eq!(canonical_query(&q), "a=1&a=2&b=x%20y%3Az&e=");
        assert_eq!(canonical_query(&[]), "");
    }

    #[test]
    fn auth_params_in_order() {
        let names = ["Credential", "SignedHeaders", "Signature"];
        assert_eq!(
            auth_params("Signature=ab, Credential=AK,SignedHeaders=host", names),
            Ok(["AK", "host", "ab"])
        );
        for bad in [
            "Credential=AK,SignedHeaders=host",
            "Credential=AK,SignedHeaders=host,Signature=",
            "Credential=AK,SignedHeaders=host,Signature=ab,Other=x",
            "Credential=AK,Credential=AK,SignedHeaders=host,Signature=ab",
            "Credential",
        ] {
            assert!(auth_params(bad, names).is_err(), "{bad}");
        }
    }
}
