//! Checks of the source tree itself, as ARCHITECTURE.md states its rules: which module may
//! import which (so the import graph has no circle and nothing imports upward), and how
//! long a function may grow.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module and the modules it may import (`crate::X`), lowest layer first.
/// ARCHITECTURE.md's module map says the same in prose; change both together.
const ALLOWED: &[(&str, &[&str])] = &[
    ("error", &[]),
    ("env", &[]),
    ("http", &[]),
    ("terminal", &[]),
    ("signing", &["http"]),
    ("decode", &["error"]),
    ("credentials", &["env", "error", "http"]),
    ("config", &["env", "error"]),
    ("invocation", &["decode"]),
    ("logs", &["error"]),
    ("transport", &["error", "http", "terminal"]),
    ("callback", &["credentials", "error"]),
    (
        "providers",
        &[
            "callback",
            "config",
            "credentials",
            "decode",
            "env",
            "error",
            "http",
            "invocation",
            "logs",
            "signing",
            "terminal",
        ],
    ),
    ("output", &["error", "invocation", "logs"]),
    ("expect", &["error", "output"]),
    ("suite", &["config", "env", "invocation"]),
    ("report", &["error", "terminal"]),
    (
        "render",
        &[
            "decode",
            "env",
            "error",
            "invocation",
            "logs",
            "output",
            "terminal",
        ],
    ),
    (
        "emulator",
        &[
            "credentials",
            "decode",
            "error",
            "http",
            "logs",
            "providers",
            "signing",
        ],
    ),
    ("cli", &["error", "providers", "transport"]),
    (
        "commands",
        &[
            "callback",
            "cli",
            "config",
            "credentials",
            "decode",
            "emulator",
            "env",
            "error",
            "expect",
            "http",
            "invocation",
            "logs",
            "output",
            "providers",
            "render",
            "report",
            "suite",
            "terminal",
            "transport",
        ],
    ),
];

/// The longest a function in `src/` may be, in lines.
const MAX_FN_LINES: usize = 100;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The source with comments, strings and char literals blanked (newlines kept), so that
/// what is left is code whose braces and paths can be read.
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    let blank = |out: &mut Vec<u8>, s: &[u8]| {
        out.extend(s.iter().map(|c| if *c == b'\n' { b'\n' } else { b' ' }))
    };
    while i < b.len() {
        let rest = &b[i..];
        if rest.starts_with(b"//") {
            let end = rest.iter().position(|c| *c == b'\n').unwrap_or(rest.len());
            blank(&mut out, &rest[..end]);
            i += end;
        } else if rest.starts_with(b"/*") {
            let end = rest
                .windows(2)
                .position(|w| w == b"*/")
                .map_or(rest.len(), |p| p + 2);
            blank(&mut out, &rest[..end]);
            i += end;
        } else if rest.starts_with(b"r#\"") || rest.starts_with(b"r\"") || rest.starts_with(b"br\"")
        {
            let start = rest.iter().position(|c| *c == b'"').unwrap();
            let hashes = rest[..start].iter().filter(|c| **c == b'#').count();
            let close: Vec<u8> = std::iter::once(b'"')
                .chain(std::iter::repeat_n(b'#', hashes))
                .collect();
            let end = rest[start + 1..]
                .windows(close.len())
                .position(|w| w == close.as_slice())
                .map_or(rest.len(), |p| start + 1 + p + close.len());
            blank(&mut out, &rest[..end]);
            i += end;
        } else if rest[0] == b'"' {
            let mut j = 1;
            while j < rest.len() && rest[j] != b'"' {
                j += if rest[j] == b'\\' { 2 } else { 1 };
            }
            let end = (j + 1).min(rest.len());
            blank(&mut out, &rest[..end]);
            i += end;
        } else if rest[0] == b'\'' {
            // a char literal ('x', '\n', '\u{1F600}', '✓'), else a lifetime
            let len = if rest.get(1) == Some(&b'\\') {
                rest[2..].iter().position(|c| *c == b'\'').map(|p| p + 3)
            } else {
                let ch = std::str::from_utf8(&rest[1..rest.len().min(5)])
                    .ok()
                    .or_else(|| {
                        (2..5)
                            .rev()
                            .find_map(|n| std::str::from_utf8(rest.get(1..n)?).ok())
                    })
                    .and_then(|s| s.chars().next());
                ch.map(char::len_utf8)
                    .filter(|n| rest.get(1 + n) == Some(&b'\''))
                    .map(|n| n + 2)
            };
            let end = len.unwrap_or(1);
            blank(&mut out, &rest[..end]);
            i += end;
        } else {
            out.push(rest[0]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The top-level module a file belongs to (`providers` for `src/providers/aws.rs`).
fn top_module(path: &Path) -> String {
    let rel = path.strip_prefix(src()).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// The code of a file without its `#[cfg(test)]` module (tests may reach anywhere).
fn non_test_code(text: &str) -> String {
    let code = code_only(text);
    match code.find("#[cfg(test)]\nmod tests") {
        Some(i) => code[..i].to_string(),
        None => code,
    }
}

/// Every `crate::X` a piece of code names (also inside `crate::{X, Y::z}`).
fn crate_paths(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        if code[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue; // `fcall_crate::`, not ours
        }
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let body = &group[..group.find('}').unwrap_or(group.len())];
            for part in body.split(',') {
                let name = part.trim().split("::").next().unwrap_or("").trim();
                if !name.is_empty() {
                    found.insert(name.to_string());
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            found.insert(name);
        }
    }
    found
}

fn import_graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let top = top_module(&f);
        if matches!(top.as_str(), "lib" | "main" | "tidy") {
            continue;
        }
        let code = non_test_code(&std::fs::read_to_string(&f).unwrap());
        let deps = graph.entry(top.clone()).or_default();
        deps.extend(crate_paths(&code).into_iter().filter(|d| *d != top));
    }
    graph
}

#[test]
fn imports_follow_the_layers() {
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut wrong = Vec::new();
    for (module, deps) in import_graph() {
        let Some(ok) = allowed.get(module.as_str()) else {
            wrong.push(format!(
                "{module}: not in tidy::ALLOWED (add it, and to ARCHITECTURE.md)"
            ));
            continue;
        };
        for d in deps {
            if !ok.contains(&d.as_str()) {
                wrong.push(format!("{module} imports crate::{d}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports outside ARCHITECTURE.md's layers:\n{}",
        wrong.join("\n")
    );
}

/// The allowed imports point only at modules listed before: no circle is possible.
#[test]
fn the_layers_have_no_circle() {
    for (i, (module, deps)) in ALLOWED.iter().enumerate() {
        for d in *deps {
            assert!(
                ALLOWED[..i].iter().any(|(m, _)| m == d),
                "{module} may import {d}, which is not in a lower layer"
            );
        }
    }
}

#[test]
fn the_emulator_does_not_import_the_command_line() {
    let graph = import_graph();
    let emulator = &graph["emulator"];
    assert!(!emulator.contains("cli") && !emulator.contains("commands"));
}

/// `(first line, length in lines, name)` of every function in `code`.
fn functions(code: &str) -> Vec<(usize, usize, String)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut found = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        let Some(at) = t.find("fn ") else { continue };
        let head = &t[..at];
        let words_ok = head.split_whitespace().all(|w| {
            matches!(
                w,
                "pub" | "pub(crate)" | "pub(super)" | "async" | "const" | "unsafe" | "extern"
            )
        });
        if !words_ok {
            continue;
        }
        let name: String = t[at + 3..]
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let mut depth = 0i32;
        let mut opened = false;
        for (end, l) in lines.iter().enumerate().skip(start) {
            for c in l.chars() {
                match c {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    ';' if !opened && depth == 0 => break,
                    _ => {}
                }
            }
            if !opened && l.trim_end().ends_with(';') {
                break; // a declaration without a body
            }
            if opened && depth <= 0 {
                found.push((start + 1, end - start + 1, name.clone()));
                break;
            }
        }
    }
    found
}

#[test]
fn no_function_is_over_a_hundred_lines() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut long = Vec::new();
    for f in files {
        let code = code_only(&std::fs::read_to_string(&f).unwrap());
        for (line, len, name) in functions(&code) {
            if len > MAX_FN_LINES {
                long.push(format!("{}:{line} {name}: {len} lines", f.display()));
            }
        }
    }
    assert!(
        long.is_empty(),
        "cut these along their steps:\n{}",
        long.join("\n")
    );
}

#[test]
fn the_checks_read_code_as_code() {
    let code = code_only("let a = \"{ crate::x }\"; // crate::y {\nlet c = '{'; fn f<'a>(x: &'a str) {}\n/* } */ r#\"}\"#");
    assert!(!code.contains("crate::"));
    assert_eq!(code.matches('{').count(), code.matches('}').count());
    assert_eq!(
        crate_paths("use crate::{a, b::c};\nlet x = crate::d::e(); my_crate::f;"),
        ["a", "b", "d"].iter().map(|s| s.to_string()).collect()
    );
    let f = functions("fn short() {\n}\npub async fn two(\n  x: u8,\n) -> u8 {\n  x\n}\n");
    assert_eq!(
        f,
        vec![(1, 2, "short".to_string()), (3, 5, "two".to_string())]
    );
}
