//! jq expressions over an envelope (`--expect`, `--jq`, `fcall test`), run by jaq, a
//! maintained jq implementation; fcall only compiles, runs and explains them.
//!
//! An expectation passes when its expression yields `true`, and only `true` (at least one
//! output, every output `true`); anything else fails with what it yielded.

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{data, unwrap_valr, Compiler, Ctx, Vars};
use jaq_json::Val;

type Filter = jaq_core::compile::Filter<jaq_core::Native<data::JustLut<Val>>>;

/// A compiled jq expression, with its text for messages.
pub struct Expr {
    text: String,
    filter: Filter,
}

impl std::fmt::Debug for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Expr({:?})", self.text)
    }
}

/// Where in `code` a piece of it starts (0-based), when `part` is a slice of it.
fn offset(code: &str, part: &str) -> Option<usize> {
    let (start, at) = (code.as_ptr() as usize, part.as_ptr() as usize);
    (at >= start && at <= start + code.len()).then(|| at - start)
}

/// The one-line reason an expression does not compile, with the column it stops at.
fn compile_error(code: &str, at: Option<usize>, what: &str) -> String {
    match at {
        Some(i) => format!(
            "the jq expression '{code}' does not compile: {what} at column {}",
            code[..i].chars().count() + 1
        ),
        None => format!("the jq expression '{code}' does not compile: {what}"),
    }
}

impl Expr {
    /// Compile `text`, or say in one line why it does not compile.
    pub fn compile(text: &str) -> Result<Expr, String> {
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs());
        let loader = Loader::new(defs);
        let arena = Arena::default();
        let code: &str = arena.alloc(text.to_string());
        let modules = loader
            .load(&arena, File { code, path: () })
            .map_err(|errs| {
                let first = errs.into_iter().next().map(|(_, e)| e);
                match first {
                    Some(jaq_core::load::Error::Lex(l)) => {
                        let at = l.first().and_then(|(_, s)| offset(code, s));
                        compile_error(code, at, "unexpected character")
                    }
                    Some(jaq_core::load::Error::Parse(p)) => {
                        let at = p.first().and_then(|(_, s)| offset(code, s));
                        compile_error(code, at, "unexpected input")
                    }
                    _ => compile_error(code, None, "it cannot be read"),
                }
            })?;
        let filter = Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .map_err(|errs| {
                let first = errs
                    .into_iter()
                    .next()
                    .and_then(|(_, e)| e.into_iter().next());
                match first {
                    Some((name, undefined)) => compile_error(
                        code,
                        offset(code, name),
                        &format!("{} '{name}' is not defined", undefined_kind(&undefined)),
                    ),
                    None => compile_error(code, None, "it does not compile"),
                }
            })?;
        Ok(Expr {
            text: text.to_string(),
            filter,
        })
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Run on `input` (a JSON text): every output as JSON text, or the first error.
    pub fn run(&self, input: &[u8]) -> Result<Vec<Val>, String> {
        let input = jaq_json::read::parse_single(input)
            .map_err(|e| format!("the input is not JSON: {e}"))?;
        let ctx = Ctx::<data::JustLut<Val>>::new(&self.filter.lut, Vars::new([]));
        self.filter
            .id
            .run((ctx, input))
            .map(unwrap_valr)
            .map(|r| r.map_err(|e| format!("'{}' failed: {e}", self.text)))
            .collect()
    }

    /// Whether `input` meets the expectation; `Err` says what the expression yielded.
    pub fn check(&self, input: &[u8]) -> Result<(), String> {
        let outputs = self.run(input)?;
        if !outputs.is_empty() && outputs.iter().all(|v| matches!(v, Val::Bool(true))) {
            return Ok(());
        }
        let yielded = match outputs.as_slice() {
            [] => "no value".to_string(),
            [one] => one.to_string(),
            many => many
                .iter()
                .map(Val::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        };
        Err(format!("yielded {}", clip(&yielded, 200)))
    }
}

fn undefined_kind(u: &jaq_core::compile::Undefined) -> &'static str {
    use jaq_core::compile::Undefined;
    match u {
        Undefined::Mod => "module",
        Undefined::Var => "variable",
        Undefined::Label => "label",
        _ => "filter",
    }
}

/// Compile the expressions of a flag (`--expect`), or a usage error naming the flag.
pub fn compile_all(flag: &str, texts: &[String]) -> crate::error::Result<Vec<Expr>> {
    texts
        .iter()
        .map(|t| Expr::compile(t).map_err(|e| crate::error::Error::Usage(format!("{flag}: {e}"))))
        .collect()
}

/// Check every expression against an envelope (a JSON text).
pub fn check_all(exprs: &[Expr], envelope: &[u8]) -> Vec<crate::output::Checked> {
    exprs
        .iter()
        .map(|e| {
            let reason = e
                .check(envelope)
                .err()
                .map(|why| match relevant(e.text(), envelope) {
                    Some(part) => format!("{why} ({part})"),
                    None => why,
                });
            crate::output::Checked {
                expression: e.text().to_string(),
                ok: reason.is_none(),
                reason,
            }
        })
        .collect()
}

/// The exit code of a call that produced an envelope, once its expectations are checked:
/// all met → 0, even for a failed function (its failure was expected); some not met → 6
/// when the function failed, else 7. Without expectations, 6 or 0 as the function went.
pub fn verdict(function_failed: bool, checked: &[crate::output::Checked]) -> u8 {
    use crate::error::code;
    let unmet = checked.iter().any(|c| !c.ok);
    match (checked.is_empty(), unmet, function_failed) {
        (true, _, true) => code::FUNCTION,
        (true, _, false) => code::OK,
        (false, false, _) => code::OK,
        (false, true, true) => code::FUNCTION,
        (false, true, false) => code::EXPECTATION,
    }
}

/// A value as `--jq` prints it: strings as their text, the rest as JSON.
pub fn plain(v: &Val) -> String {
    match v {
        Val::TStr(b) => String::from_utf8_lossy(b).into_owned(),
        other => other.to_string(),
    }
}

/// At most `max` characters of `s`, with `…` when cut.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}

/// The part of the envelope an expression looks at, for its failure message: the value
/// of its leading path (`.result_json.k == 1` → `result_json.k = …`), else nothing.
pub fn relevant(expr: &str, envelope: &[u8]) -> Option<String> {
    let path: String = expr
        .trim_start()
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
        .collect();
    let path = path.trim_end_matches('.');
    if !path.starts_with('.') || path.len() < 2 {
        return None;
    }
    let value: serde_json::Value = serde_json::from_slice(envelope).ok()?;
    let pointer = path.replace('.', "/");
    let found = value.pointer(&pointer)?;
    Some(format!(
        "{} = {}",
        &path[1..],
        clip(&found.to_string(), 200)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENVELOPE: &[u8] =
        br#"{"ok":true,"status":200,"result_json":{"k":1,"list":[1,2]},"function_error":null}"#;

    #[test]
    fn expectations_pass_only_on_true() {
        for (expr, ok) in [
            (".ok", true),
            (".result_json.k == 1", true),
            (".result_json.list | length == 2", true),
            (".function_error == null", true),
            (".result_json.k == 2", false),
            (".status", false),
            (".result_json.list[]", false),
            ("empty", false),
            (".ok, false", false),
            (".ok, .ok", true),
        ] {
            let e = Expr::compile(expr).unwrap();
            assert_eq!(e.check(ENVELOPE).is_ok(), ok, "{expr}");
        }
        let e = Expr::compile(".result_json.k == 2").unwrap();
        assert_eq!(e.check(ENVELOPE).unwrap_err(), "yielded false");
        let e = Expr::compile("empty").unwrap();
        assert_eq!(e.check(ENVELOPE).unwrap_err(), "yielded no value");
        let e = Expr::compile(".result_json.list[]").unwrap();
        assert_eq!(e.check(ENVELOPE).unwrap_err(), "yielded 1, 2");
    }

    #[test]
    fn the_verdict_rule() {
        use crate::error::code;
        let met = |ok: bool| crate::output::Checked {
            expression: ".ok".into(),
            ok,
            reason: None,
        };
        assert_eq!(verdict(false, &[]), code::OK);
        assert_eq!(verdict(true, &[]), code::FUNCTION);
        assert_eq!(verdict(true, &[met(true)]), code::OK);
        assert_eq!(verdict(false, &[met(true), met(false)]), code::EXPECTATION);
        assert_eq!(verdict(true, &[met(false)]), code::FUNCTION);
        let checked = check_all(&[Expr::compile(".result_json.k == 2").unwrap()], ENVELOPE);
        assert_eq!(
            checked[0].reason.as_deref(),
            Some("yielded false (result_json.k = 1)")
        );
    }

    #[test]
    fn runtime_errors_are_failures() {
        let e = Expr::compile(".status | keys").unwrap();
        let err = e.check(ENVELOPE).unwrap_err();
        assert!(err.starts_with("'.status | keys' failed"), "{err}");
    }

    #[test]
    fn compile_errors_name_the_column() {
        let err = Expr::compile(".ok ==").unwrap_err();
        assert!(
            err.starts_with("the jq expression '.ok ==' does not compile"),
            "{err}"
        );
        let err = Expr::compile(".a | nosuchfn").unwrap_err();
        assert!(
            err.contains("'nosuchfn' is not defined at column 6"),
            "{err}"
        );
        let err = Expr::compile(".a ; §").unwrap_err();
        assert!(err.contains("column"), "{err}");
    }

    #[test]
    fn plain_prints_strings_as_text() {
        let e = Expr::compile(r#""a\"b", 1, {"x": [true]}"#).unwrap();
        let out: Vec<String> = e.run(b"null").unwrap().iter().map(plain).collect();
        assert_eq!(out, ["a\"b", "1", r#"{"x":[true]}"#]);
    }

    #[test]
    fn the_relevant_part_is_the_leading_path() {
        assert_eq!(
            relevant(".result_json.k == 2", ENVELOPE).as_deref(),
            Some("result_json.k = 1")
        );
        assert_eq!(relevant("length > 1", ENVELOPE), None);
        assert_eq!(relevant(".nosuch == 1", ENVELOPE), None);
        assert_eq!(clip("abcdef", 3), "abc…");
    }
}
