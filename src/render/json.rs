//! A JSON result for people on a terminal: indented and coloured (`--pretty`), as `jq` and
//! `xh` show it. Only whitespace and colour codes are added or taken away: every string,
//! number and literal is written as its raw text, so big numbers (`12345678901234567890`,
//! `1.10`) and escapes (`\u00e9`) stay exactly as the function wrote them.

/// What `--pretty` does to a JSON result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pretty {
    /// Indent by two spaces, one member or element a line.
    pub format: bool,
    /// Colour keys, strings, numbers and literals.
    pub colors: bool,
}

impl Pretty {
    pub const NONE: Pretty = Pretty {
        format: false,
        colors: false,
    };

    /// Whether it changes anything (else the result is written byte for byte).
    pub fn any(self) -> bool {
        self.format || self.colors
    }
}

const KEY: &str = "\x1b[1;34m";
const STRING: &str = "\x1b[32m";
const NUMBER: &str = "\x1b[36m";
const BOOL: &str = "\x1b[33m";
const NULL: &str = "\x1b[90m";
const RESET: &str = "\x1b[0m";

/// The deepest nesting shown indented: past it, the indentation alone would outgrow the
/// result many times over (each line repeats it).
const MAX_DEPTH: usize = 128;

/// `text` pretty-printed as `how` says, ending with a line break; `None` when it is not a
/// JSON object or array (a scalar, text, invalid JSON, or nested deeper than
/// [`MAX_DEPTH`]), which is then written as it is.
pub fn pretty(text: &[u8], how: Pretty) -> Option<Vec<u8>> {
    let body = text.trim_ascii();
    if !how.any() || !matches!(body.first(), Some(b'{' | b'[')) {
        return None;
    }
    // the walk below assumes valid JSON
    serde_json::from_slice::<serde::de::IgnoredAny>(body).ok()?;
    let mut w = Writer {
        out: Vec::with_capacity(body.len() + body.len() / 2),
        how,
        depth: 0,
    };
    w.walk(body)?;
    w.out.push(b'\n');
    Some(w.out)
}

struct Writer {
    out: Vec<u8>,
    how: Pretty,
    depth: usize,
}

impl Writer {
    fn newline(&mut self) {
        self.out.push(b'\n');
        for _ in 0..self.depth {
            self.out.extend_from_slice(b"  ");
        }
    }

    fn painted(&mut self, colour: &str, raw: &[u8]) {
        if self.how.colors {
            self.out.extend_from_slice(colour.as_bytes());
            self.out.extend_from_slice(raw);
            self.out.extend_from_slice(RESET.as_bytes());
        } else {
            self.out.extend_from_slice(raw);
        }
    }

    /// Walk valid JSON `s`, copying each token's raw text; `None` past [`MAX_DEPTH`].
    fn walk(&mut self, s: &[u8]) -> Option<()> {
        // per open object or array: whether it is an object, and whether a key comes next
        let mut stack: Vec<(bool, bool)> = Vec::new();
        let mut i = 0;
        while i < s.len() {
            let b = s[i];
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => {
                    if !self.how.format {
                        self.out.push(b);
                    }
                    i += 1;
                }
                b'{' | b'[' => {
                    if stack.len() == MAX_DEPTH {
                        return None;
                    }
                    stack.push((b == b'{', b == b'{'));
                    self.out.push(b);
                    i += 1;
                    let next = skip_space(s, i);
                    if matches!(s.get(next), Some(b'}' | b']')) {
                        // empty: `{}`, `[]`
                        if !self.how.format {
                            self.out.extend_from_slice(&s[i..next]);
                        }
                        self.out.push(s[next]);
                        stack.pop();
                        i = next + 1;
                    } else if self.how.format {
                        self.depth += 1;
                        self.newline();
                    }
                }
                b'}' | b']' => {
                    stack.pop();
                    if self.how.format {
                        self.depth = self.depth.saturating_sub(1);
                        self.newline();
                    }
                    self.out.push(b);
                    i += 1;
                }
                b',' => {
                    if let Some(top) = stack.last_mut() {
                        top.1 = top.0;
                    }
                    self.out.push(b);
                    if self.how.format {
                        self.newline();
                    }
                    i += 1;
                }
                b':' => {
                    self.out.push(b);
                    if self.how.format {
                        self.out.push(b' ');
                    }
                    i += 1;
                }
                b'"' => {
                    let end = string_end(s, i);
                    let key = stack.last_mut().is_some_and(|top| {
                        let key = top.1;
                        top.1 = false;
                        key
                    });
                    self.painted(if key { KEY } else { STRING }, &s[i..end]);
                    i = end;
                }
                _ => {
                    let end = s[i..]
                        .iter()
                        .position(|c| b",:]} \t\n\r".contains(c))
                        .map_or(s.len(), |p| i + p);
                    let colour = match b {
                        b't' | b'f' => BOOL,
                        b'n' => NULL,
                        _ => NUMBER,
                    };
                    self.painted(colour, &s[i..end]);
                    i = end;
                }
            }
        }
        Some(())
    }
}

fn skip_space(s: &[u8], mut i: usize) -> usize {
    while matches!(s.get(i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        i += 1;
    }
    i
}

/// The index just past the string that opens at `start` (its closing quote included).
fn string_end(s: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < s.len() {
        match s[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    s.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FORMAT: Pretty = Pretty {
        format: true,
        colors: false,
    };
    const ALL: Pretty = Pretty {
        format: true,
        colors: true,
    };

    fn text(json: &str, how: Pretty) -> Option<String> {
        pretty(json.as_bytes(), how).map(|b| String::from_utf8(b).unwrap())
    }

    #[test]
    fn indents_by_two_and_keeps_every_token_raw() {
        let json = r#"{"n":12345678901234567890123,"f":1.10,"e":-2E+3,"s":"a\"b\u00e9,:{","list":[1,{"k":null}],"empty":{},"none":[ ],"t":true}"#;
        assert_eq!(
            text(json, FORMAT).unwrap(),
            r#"{
  "n": 12345678901234567890123,
  "f": 1.10,
  "e": -2E+3,
  "s": "a\"b\u00e9,:{",
  "list": [
    1,
    {
      "k": null
    }
  ],
  "empty": {},
  "none": [],
  "t": true
}
"#
        );
    }

    #[test]
    fn formatting_again_changes_nothing_and_whitespace_in_the_input_is_dropped() {
        let json = "\n { \"a\" : [ 1 , 2 ] ,\r\n\t\"b\":{ \"c\" :\"x y\"} }\n";
        let once = text(json, FORMAT).unwrap();
        assert_eq!(
            once,
            "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {\n    \"c\": \"x y\"\n  }\n}\n"
        );
        assert_eq!(text(&once, FORMAT).unwrap(), once);
        // and the data is the same
        let a: serde_json::Value = serde_json::from_str(json).unwrap();
        let b: serde_json::Value = serde_json::from_str(&once).unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn colours_keys_strings_numbers_and_literals() {
        let out = text(r#"{"k":"v","n":1,"b":false,"z":null,"a":["s"]}"#, ALL).unwrap();
        assert_eq!(
            out,
            "{\n  \x1b[1;34m\"k\"\x1b[0m: \x1b[32m\"v\"\x1b[0m,\n  \x1b[1;34m\"n\"\x1b[0m: \x1b[36m1\x1b[0m,\n  \x1b[1;34m\"b\"\x1b[0m: \x1b[33mfalse\x1b[0m,\n  \x1b[1;34m\"z\"\x1b[0m: \x1b[90mnull\x1b[0m,\n  \x1b[1;34m\"a\"\x1b[0m: [\n    \x1b[32m\"s\"\x1b[0m\n  ]\n}\n"
        );
        // colours alone keep the layout as it was
        let colours = Pretty {
            format: false,
            colors: true,
        };
        assert_eq!(
            text(r#"{"k": [1, "x"]}"#, colours).unwrap(),
            "{\x1b[1;34m\"k\"\x1b[0m: [\x1b[36m1\x1b[0m, \x1b[32m\"x\"\x1b[0m]}\n"
        );
    }

    #[test]
    fn anything_but_a_json_object_or_array_is_left_alone() {
        for raw in [
            "",
            "hello",
            "42",
            "\"text\"",
            "true",
            "{\"a\":",
            "[1,]",
            "{} {}",
            "{\"a\":1}x",
        ] {
            assert_eq!(text(raw, ALL), None, "{raw:?}");
        }
        assert_eq!(text("{\"a\":1}", Pretty::NONE), None);
        let deep = |n: usize| "[".repeat(n) + &"]".repeat(n);
        assert_eq!(
            text(&deep(MAX_DEPTH + 1), FORMAT),
            None,
            "too deep to indent"
        );
        assert!(text(&deep(MAX_DEPTH), FORMAT).is_some());
        assert_eq!(text("[[]]", FORMAT).unwrap(), "[\n  []\n]\n");
    }
}
