//! `fcall test` suites: a TOML file of invocation cases, read and checked before anything
//! runs. Pure: the file's text, the reader of payload files and the variables' sources are
//! passed in.
//!
//! ```toml
//! profile = "prod"              # defaults for every case: profile, function, timeout
//! function = "hello"
//!
//! [[case]]
//! name = "greets by name"
//! payload = { name = "ada" }    # any TOML value, sent as JSON (or payload_file = "x.json")
//! expect = ['.result_json.greeting == "hello ada"', ".duration_ms < 500"]
//! ```
//!
//! Strings may hold `{{env.NAME}}`, `{{uuid}}` (one per case) and `{{now}}` (RFC 3339, UTC).
//! Every error names the file, line and column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::config::line_col;
use crate::env::Env;
use crate::invocation::Mode;

/// One case, as the file asks for it, variables filled in.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub name: String,
    /// Where its `[[case]]` table starts (1-based line, column).
    pub line: usize,
    pub col: usize,
    pub profile: Option<String>,
    pub function: String,
    pub payload: Option<Vec<u8>>,
    pub content_type: Option<String>,
    pub qualifier: Option<String>,
    pub mode: Mode,
    pub wait: bool,
    pub headers: Vec<(String, String)>,
    pub method: Option<String>,
    /// The extra path after the function's name (Altair, OpenFaaS).
    pub path: Option<String>,
    pub query: Vec<(String, String)>,
    /// jq expressions over the envelope, each with its line and column.
    pub expect: Vec<(String, usize, usize)>,
    pub max_duration_ms: Option<f64>,
    pub log_contains: Option<String>,
    /// Seconds this case may take in all.
    pub timeout: Option<u64>,
}

/// A suite file, read.
#[derive(Debug, Clone, PartialEq)]
pub struct Suite {
    pub path: PathBuf,
    pub cases: Vec<Case>,
}

/// Where the variables of `{{…}}` come from.
pub struct Vars<'a> {
    pub env: Env<'a>,
    /// A fresh id for `{{uuid}}` (called once per case).
    pub uuid: &'a dyn Fn() -> String,
    /// `{{now}}`.
    pub now: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuite {
    profile: Option<String>,
    function: Option<String>,
    timeout: Option<u64>,
    #[serde(default)]
    case: Vec<Spanned<RawCase>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    name: String,
    function: Option<String>,
    payload: Option<toml::Value>,
    payload_file: Option<String>,
    content_type: Option<String>,
    #[serde(default)]
    expect: Vec<Spanned<String>>,
    profile: Option<String>,
    qualifier: Option<String>,
    #[serde(rename = "async", default)]
    async_: bool,
    #[serde(default)]
    wait: bool,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    method: Option<String>,
    path: Option<String>,
    #[serde(default)]
    query: BTreeMap<String, String>,
    max_duration_ms: Option<f64>,
    log_contains: Option<String>,
    timeout: Option<u64>,
}

/// Fill in `{{env.NAME}}`, `{{uuid}}` and `{{now}}`; an unknown or unset one is an error.
fn expand(s: &str, vars: &Vars, uuid: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| format!("'{{{{' without '}}}}' in \"{s}\""))?;
        let name = after[..end].trim();
        match name {
            "uuid" => out.push_str(uuid),
            "now" => out.push_str(&vars.now),
            _ => match name.strip_prefix("env.") {
                Some(var) => match (vars.env)(var) {
                    Some(v) => out.push_str(&v),
                    None => {
                        return Err(format!(
                            "{{{{env.{var}}}}} has no value: ${var} is not set (set it, or change the case)"
                        ))
                    }
                },
                None => {
                    return Err(format!(
                        "unknown variable {{{{{name}}}}}: use {{{{env.NAME}}}}, {{{{uuid}}}} or {{{{now}}}}"
                    ))
                }
            },
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A TOML value as JSON, its strings expanded (a date-time becomes its RFC 3339 text).
fn to_json(v: &toml::Value, vars: &Vars, uuid: &str) -> Result<serde_json::Value, String> {
    use serde_json::Value as J;
    Ok(match v {
        toml::Value::String(s) => J::String(expand(s, vars, uuid)?),
        toml::Value::Integer(i) => J::from(*i),
        toml::Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(
            a.iter()
                .map(|x| to_json(x, vars, uuid))
                .collect::<Result<_, _>>()?,
        ),
        toml::Value::Table(t) => J::Object(
            t.iter()
                .map(|(k, x)| Ok((k.clone(), to_json(x, vars, uuid)?)))
                .collect::<Result<_, String>>()?,
        ),
    })
}

/// Read a suite file's text. `read` reads a `payload_file` (relative to the suite's folder).
pub fn parse(
    path: &Path,
    text: &str,
    read: &dyn Fn(&Path) -> std::io::Result<Vec<u8>>,
    vars: &Vars,
) -> Result<Suite, String> {
    let at = |offset: usize, message: &str| {
        let (line, col) = line_col(text, offset);
        format!("{}:{line}:{col}: {message}", path.display())
    };
    let raw: RawSuite = toml::from_str(text).map_err(|e| {
        let message = e.message().lines().next().unwrap_or("invalid TOML").trim();
        at(e.span().map_or(0, |s| s.start), message)
    })?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut cases = Vec::new();
    for spanned in &raw.case {
        let start = spanned.span().start;
        let case = case(&raw, spanned.get_ref(), dir, read, vars)
            .map_err(|(offset, m)| at(offset.unwrap_or(start), &m))?;
        let (line, col) = line_col(text, start);
        if cases.iter().any(|c: &Case| c.name == case.name) {
            return Err(at(
                start,
                &format!(
                    "a second case named '{}': give each case its own name",
                    case.name
                ),
            ));
        }
        cases.push(Case { line, col, ..case });
    }
    if cases.is_empty() {
        return Err(at(
            0,
            "no [[case]] in the file: add one with name, function, payload and expect",
        ));
    }
    // the expressions' own places, for their compile errors
    for (c, raw_case) in cases.iter_mut().zip(&raw.case) {
        for (e, s) in c.expect.iter_mut().zip(&raw_case.get_ref().expect) {
            let (line, col) = line_col(text, s.span().start);
            (e.1, e.2) = (line, col);
        }
    }
    Ok(Suite {
        path: path.to_path_buf(),
        cases,
    })
}

type CaseError = (Option<usize>, String);

/// One case from its table and the file's defaults.
fn case(
    suite: &RawSuite,
    raw: &RawCase,
    dir: &Path,
    read: &dyn Fn(&Path) -> std::io::Result<Vec<u8>>,
    vars: &Vars,
) -> Result<Case, CaseError> {
    let uuid = (vars.uuid)();
    let x =
        |s: &str| expand(s, vars, &uuid).map_err(|m| (None, format!("case '{}': {m}", raw.name)));
    let xo = |s: &Option<String>| s.as_deref().map(x).transpose();
    let function = raw.function.as_ref().or(suite.function.as_ref()).ok_or_else(|| {
        (None, format!("case '{}' has no function: add function = \"…\" to it, or to the top of the file for every case", raw.name))
    })?;
    let payload = match (&raw.payload, &raw.payload_file) {
        (Some(_), Some(_)) => {
            return Err((
                None,
                format!(
                    "case '{}' has both payload and payload_file: keep one",
                    raw.name
                ),
            ))
        }
        (Some(p), None) => {
            let json =
                to_json(p, vars, &uuid).map_err(|m| (None, format!("case '{}': {m}", raw.name)))?;
            Some(json.to_string().into_bytes())
        }
        (None, Some(f)) => {
            let file = dir.join(x(f)?);
            Some(read(&file).map_err(|e| {
                (
                    None,
                    format!("case '{}': payload_file {}: {e}", raw.name, file.display()),
                )
            })?)
        }
        (None, None) => None,
    };
    let pairs = |m: &BTreeMap<String, String>| -> Result<Vec<(String, String)>, CaseError> {
        m.iter().map(|(k, v)| Ok((k.clone(), x(v)?))).collect()
    };
    let expect = raw
        .expect
        .iter()
        .map(|e| {
            Ok((
                x(e.get_ref()).map_err(|(_, m)| (Some(e.span().start), m))?,
                0,
                0,
            ))
        })
        .collect::<Result<_, CaseError>>()?;
    if raw.wait && !raw.async_ {
        return Err((
            None,
            format!("case '{}': wait = true goes with async = true", raw.name),
        ));
    }
    Ok(Case {
        name: raw.name.clone(),
        line: 0,
        col: 0,
        profile: xo(&raw.profile)?.or(suite.profile.clone()),
        function: x(function)?,
        payload,
        content_type: xo(&raw.content_type)?,
        qualifier: xo(&raw.qualifier)?,
        mode: if raw.async_ { Mode::Async } else { Mode::Sync },
        wait: raw.wait,
        headers: pairs(&raw.headers)?,
        method: xo(&raw.method)?,
        path: xo(&raw.path)?,
        query: pairs(&raw.query)?,
        expect,
        max_duration_ms: raw.max_duration_ms,
        log_contains: xo(&raw.log_contains)?,
        timeout: raw.timeout.or(suite.timeout),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(_: &Path) -> std::io::Result<Vec<u8>> {
        Ok(b"file bytes".to_vec())
    }

    fn parse_text(text: &str) -> Result<Suite, String> {
        let env = |k: &str| (k == "STAGE").then(|| "prod".to_string());
        let n = std::cell::Cell::new(0);
        let uuid = || {
            n.set(n.get() + 1);
            format!("uuid-{}", n.get())
        };
        let vars = Vars {
            env: &env,
            uuid: &uuid,
            now: "2026-12-02T03:04:05Z".into(),
        };
        parse(Path::new("smoke/api.fcall.toml"), text, &read, &vars)
    }

    #[test]
    fn cases_take_the_defaults_and_fill_in_variables() {
        let s = parse_text(
            r#"profile = "fc"
function = "svc/echo"
timeout = 30

[[case]]
name = "echo"
payload = { id = "{{uuid}}", stage = "{{env.STAGE}}", at = "{{now}}", n = [1, 2.5, true] }
expect = ['.result_json.id == "{{uuid}}"']

[[case]]
name = "raw"
function = "svc/fail"
profile = "other"
payload_file = "body.bin"
async = true
wait = true
headers = { X-Trace = "{{env.STAGE}}" }
query = { k = "v" }
method = "GET"
path = "a/b"
max_duration_ms = 250
log_contains = "done"
"#,
        )
        .unwrap();
        let [a, b] = &s.cases[..] else {
            panic!("two cases")
        };
        assert_eq!((a.line, a.col), (5, 1));
        assert_eq!(a.profile.as_deref(), Some("fc"));
        assert_eq!(a.function, "svc/echo");
        assert_eq!(a.timeout, Some(30));
        let payload: serde_json::Value =
            serde_json::from_slice(a.payload.as_ref().unwrap()).unwrap();
        assert_eq!(
            payload,
            serde_json::json!({"id": "uuid-1", "stage": "prod", "at": "2026-12-02T03:04:05Z", "n": [1, 2.5, true]})
        );
        // one uuid per case: the payload's and the expectation's are the same
        assert_eq!(
            a.expect,
            vec![(r#".result_json.id == "uuid-1""#.to_string(), 8, 11)]
        );
        assert_eq!(b.function, "svc/fail");
        assert_eq!(b.profile.as_deref(), Some("other"));
        assert_eq!(b.payload.as_deref(), Some(&b"file bytes"[..]));
        assert_eq!((b.mode, b.wait), (Mode::Async, true));
        assert_eq!(b.headers, vec![("X-Trace".to_string(), "prod".to_string())]);
        assert_eq!(b.query, vec![("k".to_string(), "v".to_string())]);
        assert_eq!(b.path.as_deref(), Some("a/b"));
        assert_eq!(b.max_duration_ms, Some(250.0));
    }

    #[test]
    fn bad_files_name_the_file_line_and_column() {
        for (text, want) in [
            (
                "[[case]]\nname = \"a\"\nfunction = \"f\"\nexpct = [\".ok\"]\n",
                "smoke/api.fcall.toml:4:1: unknown field `expct`",
            ),
            (
                "[[case]]\nname = \"a\"\n",
                "smoke/api.fcall.toml:1:1: case 'a' has no function",
            ),
            (
                "function = \"f\"\n[[case]]\nname = \"a\"\npayload = \"{{env.NOPE}}\"\n",
                "smoke/api.fcall.toml:2:1: case 'a': {{env.NOPE}} has no value: $NOPE is not set",
            ),
            (
                "function = \"f\"\n[[case]]\nname = \"a\"\nexpect = [\"{{oops}} == 1\"]\n",
                "smoke/api.fcall.toml:4:11: case 'a': unknown variable {{oops}}",
            ),
            (
                "function = \"f\"\n",
                "smoke/api.fcall.toml:1:1: no [[case]] in the file",
            ),
            (
                "function = \"f\"\n[[case]]\nname = \"a\"\n[[case]]\nname = \"a\"\n",
                "smoke/api.fcall.toml:4:1: a second case named 'a'",
            ),
            (
                "function = \"f\"\n[[case]]\nname = \"a\"\npayload = 1\npayload_file = \"x\"\n",
                "has both payload and payload_file",
            ),
            (
                "function = \"f\"\n[[case]]\nname = \"a\"\nwait = true\n",
                "wait = true goes with async = true",
            ),
            ("[[case]\n", "smoke/api.fcall.toml:1:"),
        ] {
            let e = parse_text(text).unwrap_err();
            assert!(e.contains(want), "{text:?}\n  gave: {e}\n  want: {want}");
            assert_eq!(e.lines().count(), 1, "{e}");
        }
    }
}
