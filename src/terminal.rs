//! What may reach a terminal: everything fcall itself prints for people from remote data
//! (error and refusal messages, headers in `-v`, log lines and fields in the report) goes
//! through [`escape_line`] or [`escape_text`], so no answer can move the cursor, clear the
//! screen or forge a line of fcall's own. The raw result on stdout is never escaped.

use std::borrow::Cow;

/// `s` with every control character (C0, DEL, C1, and the bidirectional overrides that
/// reorder what a line shows) written as a visible escape (`\x1b`, `\u{202e}`); newlines
/// and tabs too, so the result stays one line.
pub fn escape_line(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

/// Like [`escape_line`], but newlines and tabs stay: for multi-line text such as a log.
/// A carriage return is escaped (it would let a line overwrite itself).
pub fn escape_text(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

fn unsafe_char(c: char, keep_lines: bool) -> bool {
    if keep_lines && (c == '\n' || c == '\t') {
        return false;
    }
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn escape(s: &str, keep_lines: bool) -> Cow<'_, str> {
    if !s.chars().any(|c| unsafe_char(c, keep_lines)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !unsafe_char(c, keep_lines) {
            out.push(c);
        } else if (c as u32) < 0x80 {
            match c {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                _ => out.push_str(&format!("\\x{:02x}", c as u32)),
            }
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_shown_not_obeyed() {
        assert!(matches!(escape_line("ok · HTTP 200"), Cow::Borrowed(_)));
        assert_eq!(escape_line("a\x1b[2Jb"), "a\\x1b[2Jb");
        assert_eq!(escape_line("x\r\nok · HTTP 200"), "x\\r\\nok · HTTP 200");
        assert_eq!(escape_line("\u{9b}31m\u{7f}"), "\\u{9b}31m\\x7f");
        assert_eq!(escape_line("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(escape_text("line 1\n\tline 2\r"), "line 1\n\tline 2\\r");
        assert_eq!(escape_text("é ✓ 日本"), "é ✓ 日本");
    }
}
