//! JSON as Python's `json.dumps` writes it, for request bodies that must be the bytes the
//! vendors' Python SDKs (botocore, huaweicloudsdkcore) send and sign: `", "` and `": "`
//! between items, members in the order given, every character beyond ASCII as `\uXXXX`.

use serde_json::Value as Json;

/// JSON as the vendors' Python SDKs write a request body (botocore, Huawei's SDK: `json.dumps`): `", "` and `": "`
/// between items, and every character beyond ASCII escaped as `\uXXXX` (UTF-16, so a
/// character beyond the BMP is a surrogate pair).
pub(super) fn python_json(v: &Json) -> String {
    match v {
        Json::Object(m) => {
            let items: Vec<(&str, Json)> = m.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
            python_object(&items)
        }
        Json::Array(a) => {
            let items: Vec<String> = a.iter().map(python_json).collect();
            format!("[{}]", items.join(", "))
        }
        Json::String(s) => python_string(s),
        other => other.to_string(),
    }
}

/// An object with its members in this order.
pub(super) fn python_object(items: &[(&str, Json)]) -> String {
    let items: Vec<String> = items
        .iter()
        .map(|(k, v)| format!("{}: {}", python_string(k), python_json(v)))
        .collect();
    format!("{{{}}}", items.join(", "))
}

pub(super) fn python_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7f => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{:04x}", u));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
