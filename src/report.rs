//! What `fcall test` reports, as text: the cargo-style lines, the JUnit XML that GitLab,
//! Jenkins and GitHub test reporters read, GitHub Actions annotations and the step
//! summary. Pure: results in, text out.

use std::time::Duration;

use quick_xml::events::BytesText;
use quick_xml::Writer;

use crate::error::{Exit, Result};

/// How one case ended.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The suite file, as given.
    pub file: String,
    pub name: String,
    /// The line of its `[[case]]` table.
    pub line: usize,
    /// Its exit code: 0 passed; 6 or 7 failed a check; anything else could not run.
    pub code: u8,
    /// Why it did not pass, one line each.
    pub reasons: Vec<String>,
    pub time: Duration,
}

/// How a case ended, in JUnit's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    /// A check did not hold (exit 6 or 7).
    Failed,
    /// The case could not run (exit 2 to 5, 1).
    Error,
}

impl CaseResult {
    pub fn verdict(&self) -> Verdict {
        match Exit::of(self.code) {
            Exit::Ok => Verdict::Passed,
            Exit::Function | Exit::Expectation => Verdict::Failed,
            _ => Verdict::Error,
        }
    }

    /// `file::name`, as the case lines and JUnit name it.
    pub fn id(&self) -> String {
        format!("{}::{}", self.file, self.name)
    }
}

fn secs(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

fn ms(d: Duration) -> String {
    let v = d.as_secs_f64() * 1000.0;
    if v < 100.0 {
        format!("{v:.1} ms")
    } else {
        format!("{v:.0} ms")
    }
}

/// `test FILE::NAME ... ok (12.3 ms)`, and the reasons under a case that did not pass.
pub fn case_lines(r: &CaseResult) -> String {
    let word = match r.verdict() {
        Verdict::Passed => "ok",
        Verdict::Failed => "FAILED",
        Verdict::Error => "ERROR",
    };
    let mut s = format!("test {} ... {word} ({})\n", r.id(), ms(r.time));
    for reason in &r.reasons {
        // a reason may quote the provider's answer: shown, never obeyed by the terminal
        s.push_str(&format!("    {}\n", crate::terminal::escape_line(reason)));
    }
    s
}

/// Counts of the three verdicts.
pub fn counts(results: &[CaseResult]) -> (usize, usize, usize) {
    let n = |v| results.iter().filter(|r| r.verdict() == v).count();
    (n(Verdict::Passed), n(Verdict::Failed), n(Verdict::Error))
}

/// `test result: ok. 3 passed; 0 failed; finished in 0.41s` (errors only when there are).
pub fn summary_line(results: &[CaseResult], elapsed: Duration) -> String {
    let (passed, failed, errors) = counts(results);
    let word = if failed + errors == 0 { "ok" } else { "FAILED" };
    let errors = match errors {
        0 => String::new(),
        1 => "; 1 error".to_string(),
        n => format!("; {n} errors"),
    };
    format!(
        "test result: {word}. {passed} passed; {failed} failed{errors}; finished in {:.2}s",
        elapsed.as_secs_f64()
    )
}

/// The exit code of a run: 7 when a case failed a check (the suite's answer: something
/// is not as expected), else the most severe class of a case that could not run, else 0.
pub fn exit_code(results: &[CaseResult]) -> u8 {
    if results.iter().any(|r| r.verdict() == Verdict::Failed) {
        return Exit::Expectation.code();
    }
    results
        .iter()
        .fold(0, |worst, r| Exit::worse(worst, r.code))
}

/// JUnit XML: one `<testsuite>` per file, one `<testcase>` per case, a `<failure>` for a
/// check that did not hold and an `<error>` for a case that could not run.
pub fn junit(results: &[CaseResult], elapsed: Duration) -> Result<Vec<u8>> {
    let mut files: Vec<&str> = Vec::new();
    for r in results {
        if !files.contains(&r.file.as_str()) {
            files.push(&r.file);
        }
    }
    let (_, failed, errors) = counts(results);
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let io =
        |e: std::io::Error| crate::error::Error::Internal(format!("cannot write JUnit XML: {e}"));
    w.write_event(quick_xml::events::Event::Decl(
        quick_xml::events::BytesDecl::new("1.0", Some("UTF-8"), None),
    ))
    .map_err(io)?;
    w.create_element("testsuites")
        .with_attributes([
            ("name", "fcall test"),
            ("tests", &results.len().to_string()),
            ("failures", &failed.to_string()),
            ("errors", &errors.to_string()),
            ("time", &secs(elapsed)),
        ])
        .write_inner_content(|w| {
            for file in &files {
                let cases: Vec<&CaseResult> = results.iter().filter(|r| r.file == *file).collect();
                write_suite(w, file, &cases)?;
            }
            Ok(())
        })
        .map_err(io)?;
    let mut xml = w.into_inner();
    xml.push(b'\n');
    Ok(xml)
}

fn write_suite(w: &mut Writer<Vec<u8>>, file: &str, cases: &[&CaseResult]) -> std::io::Result<()> {
    let owned: Vec<CaseResult> = cases.iter().map(|c| (*c).clone()).collect();
    let (_, failed, errors) = counts(&owned);
    let time: Duration = cases.iter().map(|c| c.time).sum();
    w.create_element("testsuite")
        .with_attributes([
            ("name", file),
            ("tests", &cases.len().to_string()),
            ("failures", &failed.to_string()),
            ("errors", &errors.to_string()),
            ("skipped", "0"),
            ("time", &secs(time)),
        ])
        .write_inner_content(|w| {
            for c in cases {
                write_case(w, c)?;
            }
            Ok(())
        })?;
    Ok(())
}

fn write_case(w: &mut Writer<Vec<u8>>, c: &CaseResult) -> std::io::Result<()> {
    let element = w.create_element("testcase").with_attributes([
        ("name", c.name.as_str()),
        ("classname", c.file.as_str()),
        ("file", c.file.as_str()),
        ("line", &c.line.to_string()),
        ("time", &secs(c.time)),
    ]);
    let tag = match c.verdict() {
        Verdict::Passed => {
            element.write_empty()?;
            return Ok(());
        }
        Verdict::Failed => "failure",
        Verdict::Error => "error",
    };
    let message = c.reasons.first().cloned().unwrap_or_default();
    let kind = format!("exit {}", c.code);
    element.write_inner_content(|w| {
        w.create_element(tag)
            .with_attributes([("message", message.as_str()), ("type", kind.as_str())])
            .write_text_content(BytesText::new(&c.reasons.join("\n")))?;
        Ok(())
    })?;
    Ok(())
}

/// GitHub Actions workflow commands: an error annotation at each failing case's line.
pub fn github_annotations(results: &[CaseResult]) -> String {
    // workflow command data escapes %, CR and LF; properties also : and ,
    let data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let prop = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
    let mut s = String::new();
    for r in results.iter().filter(|r| r.verdict() != Verdict::Passed) {
        s.push_str(&format!(
            "::error file={},line={},title={}::{}\n",
            prop(&r.file),
            r.line,
            prop(&format!("fcall test: {}", r.name)),
            data(&r.reasons.join("\n"))
        ));
    }
    s
}

/// A Markdown table for `$GITHUB_STEP_SUMMARY`.
pub fn step_summary(results: &[CaseResult], elapsed: Duration) -> String {
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut s = format!("### fcall test\n\n{}\n\n", summary_line(results, elapsed));
    s.push_str("| case | result | time | why |\n|---|---|---|---|\n");
    for r in results {
        let word = match r.verdict() {
            Verdict::Passed => "✅ ok",
            Verdict::Failed => "❌ failed",
            Verdict::Error => "⚠️ error",
        };
        s.push_str(&format!(
            "| {} | {word} | {} | {} |\n",
            cell(&r.id()),
            ms(r.time),
            cell(&r.reasons.join("; "))
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(name: &str, code: u8, reasons: &[&str]) -> CaseResult {
        CaseResult {
            file: "smoke/api.fcall.toml".into(),
            name: name.into(),
            line: 4,
            code,
            reasons: reasons.iter().map(|r| r.to_string()).collect(),
            time: Duration::from_millis(12),
        }
    }

    fn results() -> Vec<CaseResult> {
        vec![
            result("greets", 0, &[]),
            result(
                "answers <2>",
                7,
                &["expectation not met: .result_json == 2 yielded false"],
            ),
            result(
                "refused",
                4,
                &["Function Compute refused the request: FunctionNotFound"],
            ),
        ]
    }

    #[test]
    fn lines_summary_and_exit() {
        let r = results();
        assert_eq!(
            case_lines(&r[0]),
            "test smoke/api.fcall.toml::greets ... ok (12.0 ms)\n"
        );
        assert_eq!(
            case_lines(&r[1]),
            "test smoke/api.fcall.toml::answers <2> ... FAILED (12.0 ms)\n    expectation not met: .result_json == 2 yielded false\n"
        );
        assert_eq!(
            summary_line(&r, Duration::from_millis(410)),
            "test result: FAILED. 1 passed; 1 failed; 1 error; finished in 0.41s"
        );
        assert_eq!(
            summary_line(&r[..1], Duration::from_millis(5)),
            "test result: ok. 1 passed; 0 failed; finished in 0.01s"
        );
        // a failed check is the suite's answer, whatever else could not run
        assert_eq!(exit_code(&r), 7);
        assert_eq!(exit_code(&r[..2]), 7);
        assert_eq!(exit_code(&[r[0].clone(), r[2].clone()]), 4);
        assert_eq!(exit_code(&[result("function failed", 6, &[])]), 7);
        assert_eq!(exit_code(&r[..1]), 0);
    }

    #[test]
    fn junit_counts_and_escapes() {
        let xml = String::from_utf8(junit(&results(), Duration::from_millis(40)).unwrap()).unwrap();
        assert!(
            xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
            "{xml}"
        );
        assert!(
            xml.contains(
                r#"<testsuites name="fcall test" tests="3" failures="1" errors="1" time="0.040">"#
            ),
            "{xml}"
        );
        assert!(xml.contains(r#"<testsuite name="smoke/api.fcall.toml" tests="3" failures="1" errors="1" skipped="0" time="0.036">"#), "{xml}");
        assert!(
            xml.contains(r#"<testcase name="answers &lt;2&gt;""#),
            "{xml}"
        );
        assert!(xml.contains(r#"<failure message="expectation not met: .result_json == 2 yielded false" type="exit 7">"#), "{xml}");
        assert!(
            xml.contains(r#"<error message="Function Compute refused"#),
            "{xml}"
        );
    }

    #[test]
    fn github_annotations_point_at_the_case() {
        let a = github_annotations(&results());
        assert_eq!(
            a.lines().next().unwrap(),
            "::error file=smoke/api.fcall.toml,line=4,title=fcall test%3A answers <2>::expectation not met: .result_json == 2 yielded false"
        );
        assert_eq!(a.lines().count(), 2);
        let md = step_summary(&results(), Duration::from_millis(40));
        assert!(
            md.contains("| smoke/api.fcall.toml::greets | ✅ ok | 12.0 ms |  |"),
            "{md}"
        );
    }
}
