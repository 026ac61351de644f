//! The lexical side of the Dockerfile: what a value may hold before it is written, and how it
//! is written so that it stays one word of one instruction.
//!
//! Every value from the project reaches the Dockerfile through exactly one of these:
//! - [`sh`]: a single-quoted shell word inside a `RUN` (Docker does no substitution in `RUN`;
//!   the shell takes single-quoted text literally). Values holding a control character are
//!   refused before, so a value can never end the instruction.
//! - [`json_array`]: the exec form (`CMD`, `HEALTHCHECK`, `RUN [...]`), JSON-escaped.
//! - [`env_value`]: a double-quoted `ENV` value with `\`, `"` and `$` escaped (`ENV` is the one
//!   instruction here that substitutes variables).
//! - [`base64`]: file contents, which then hold only `A-Za-z0-9+/=`.

use std::fmt::Write as _;

/// Whether `s` holds a character that could end a Dockerfile line or confuse a terminal:
/// C0 and C1 controls (LF, CR, NUL, ESC, ...), DEL, and the Unicode line and paragraph separators.
pub fn has_control(s: &str) -> bool {
    s.chars().any(crate::is_control)
}

/// `s` as one single-quoted POSIX shell word. Callers refuse control characters first.
pub fn sh(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    sh_into(&mut out, s);
    out
}

/// [`sh`], written at the end of `out`.
pub fn sh_into(out: &mut String, s: &str) {
    sh_pieces_into(out, &[s]);
}

/// [`sh`] of the concatenation of `pieces`, written at the end of `out`.
pub fn sh_pieces_into(out: &mut String, pieces: &[&str]) {
    out.push('\'');
    for piece in pieces {
        for (i, part) in piece.split('\'').enumerate() {
            if i > 0 {
                out.push_str(r#"'\''"#);
            }
            out.push_str(part);
        }
    }
    out.push('\'');
}

/// Each of `items` as [`sh`] words, separated by spaces, at the end of `out`.
pub fn sh_words_into<S: AsRef<str>>(out: &mut String, items: &[S]) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        sh_into(out, item.as_ref());
    }
}

/// `s` as a shell word, quoted only when it needs it (for the commands shown in comments).
pub fn sh_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '/' | '.' | '_' | '-' | ':' | '=' | ',' | '@' | '+' | '%')
        });
    if plain {
        s.to_string()
    } else {
        sh(s)
    }
}

/// The exec form: a JSON array of strings. A backslash is written `\u005c` (and a control
/// character `\uXXXX`), so that no `\\` ever precedes a quote: hadolint 2.15 reads `["a\\"]`
/// as shell form (DL3025), while BuildKit's JSON parser reads every spelling alike.
pub fn json_array<S: AsRef<str>>(words: &[S]) -> String {
    let len: usize = words.iter().map(|w| w.as_ref().len() + 3).sum();
    let mut out = String::with_capacity(len + 2);
    out.push('[');
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        let w = w.as_ref();
        // Printable ASCII without a quote or a backslash (a command word, a base64 text) is
        // written as it is; the bytes are tested without an early exit, so side by side.
        let plain = w.bytes().fold(true, |ok, b| {
            ok & matches!(b, b' '..=b'~') & (b != b'"') & (b != b'\\')
        });
        if plain {
            out.push_str(w);
            out.push('"');
            continue;
        }
        let mut run = 0;
        for (at, c) in w.char_indices() {
            let escape = match c {
                '"' => "\\\"",
                '\\' => "\\u005c",
                '\n' => "\\n",
                c if crate::is_control(c) => "",
                _ => continue,
            };
            out.push_str(&w[run..at]);
            run = at + c.len_utf8();
            if escape.is_empty() {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            } else {
                out.push_str(escape);
            }
        }
        out.push_str(&w[run..]);
        out.push('"');
    }
    out.push(']');
    out
}

/// An `ENV` value as BuildKit's word lexer reads it: text in single quotes (no escapes, no
/// substitution), each `'` as `"'"` and each backslash unquoted as `\\`, with `''` after a
/// final backslash (a line ending in `\` continues). hadolint 2.15 cannot parse a `\\`
/// before a quote (`"C:\\dir\\"`), which this never writes.
pub fn env_value(s: &str) -> String {
    let mut out = String::new();
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if !run.is_empty() {
            out.push('\'');
            out.push_str(run);
            out.push('\'');
            run.clear();
        }
    };
    for c in s.chars() {
        match c {
            '\\' => {
                flush(&mut run, &mut out);
                out.push_str("\\\\");
            }
            '\'' => {
                flush(&mut run, &mut out);
                out.push_str("\"'\"");
            }
            c => run.push(c),
        }
    }
    flush(&mut run, &mut out);
    if out.is_empty() || out.ends_with('\\') {
        out.push_str("''");
    }
    out
}

/// Whether `s` is an environment variable name (`[A-Za-z_][A-Za-z0-9_]*`).
pub fn is_env_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A Debian package as apt installs it, from a `stage-packages` entry: `name` or a chisel slice
/// `name_slice` (the image gets the whole package). `None` when it is neither.
pub fn debian_package(entry: &str) -> Option<&str> {
    let (name, slice) = match entry.split_once('_') {
        Some((n, s)) => (n, Some(s)),
        None => (entry, None),
    };
    // Debian policy 5.6.1: lower case letters, digits, `+`, `-`, `.`; at least two characters,
    // starting with an alphanumeric.
    let name_ok = name.len() >= 2
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '+' | '-' | '.'));
    // chisel: `^[a-z](-?[a-z0-9]){2,}$`.
    let slice_ok = slice.is_none_or(|s| {
        s.len() >= 3
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && !s.ends_with('-')
            && !s.contains("--")
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    });
    (name_ok && slice_ok).then_some(name)
}

/// Why a path from `organize`, `stage`, `prime`, `source` or `python-requirements` cannot be
/// written, or `None` when it is a plain relative path. Plain means: components of letters,
/// digits and `._-+@,=%~:` (no spaces, quotes, `$`, `\`, glob or control characters), none of
/// them `.` or `..`, not absolute. A trailing `/` is allowed. `globs` also allows `*` and `?`.
pub fn path_problem(path: &str, globs: bool) -> Option<&'static str> {
    if path.is_empty() {
        return Some("is empty");
    }
    if path.starts_with('/') {
        return Some("is absolute");
    }
    if has_control(path) {
        return Some("holds a control character (such as a line break)");
    }
    let trimmed = path.strip_suffix('/').unwrap_or(path);
    for comp in trimmed.split('/') {
        match comp {
            "" => return Some("has an empty component (`//`)"),
            "." | ".." => return Some("has a `.` or `..` component"),
            _ => {}
        }
        for c in comp.chars() {
            let ok = c.is_ascii_alphanumeric()
                || matches!(c, '.' | '_' | '-' | '+' | '@' | ',' | '=' | '%' | '~' | ':')
                || (globs && matches!(c, '*' | '?'));
            if !ok {
                return Some(if c == ' ' {
                    "holds a space"
                } else if matches!(c, '\'' | '"' | '`') {
                    "holds a quote"
                } else if matches!(c, '*' | '?' | '[' | ']') {
                    "holds a wildcard"
                } else {
                    "holds a character outside letters, digits and `._-+@,=%~:`"
                });
            }
        }
    }
    None
}

/// Nanoseconds as a Docker duration flag value, in the largest unit that is exact.
pub fn duration_flag(ns: u128) -> String {
    for (unit, size) in [("s", 1_000_000_000), ("ms", 1_000_000), ("us", 1_000)] {
        if (ns / size) * size == ns {
            return format!("{}{unit}", ns / size);
        }
    }
    format!("{ns}ns")
}

/// Standard base64 (RFC 4648, with padding).
pub fn base64(bytes: &[u8]) -> String {
    let mut out = String::new();
    base64_into(&mut out, bytes);
    out
}

/// [`base64`], written at the end of `out`.
pub fn base64_into(out: &mut String, bytes: &[u8]) {
    use base64::Engine as _;
    out.reserve(bytes.len().div_ceil(3) * 4);
    base64::engine::general_purpose::STANDARD.encode_string(bytes, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quoting_keeps_one_word() {
        assert_eq!(sh("a b"), "'a b'");
        assert_eq!(sh("it's"), r#"'it'\''s'"#);
        assert_eq!(sh("'a''"), r#"''\''a'\'''\'''"#);
        let mut words = String::new();
        sh_words_into(&mut words, &["a b", "", "c"]);
        assert_eq!(words, "'a b' '' 'c'");
        let mut joined = String::new();
        sh_pieces_into(&mut joined, &["it'", "", "s '", "x"]);
        assert_eq!(joined, sh("it's 'x"));
        assert_eq!(sh_word("app:app"), "app:app");
        assert_eq!(sh_word("a;b"), "'a;b'");
        assert_eq!(sh_word(""), "''");
    }

    #[test]
    fn env_values_are_single_quoted_runs() {
        assert_eq!(env_value(r#"a"b$c\d"#), r#"'a"b$c'\\'d'"#);
        assert_eq!(env_value(r"C:\dir\"), r"'C:'\\'dir'\\''");
        assert_eq!(env_value("it's"), r#"'it'"'"'s'"#);
        assert_eq!(env_value(""), "''");
    }

    #[test]
    fn json_arrays_never_put_a_backslash_before_a_quote() {
        assert_eq!(
            json_array(&["a\\", "b\"c", "x\ny"]),
            r#"["a\u005c","b\"c","x\ny"]"#
        );
        assert_eq!(json_array(&["é\u{85}😀"]), r#"["é\u0085😀"]"#);
        assert_eq!(
            json_array(&["/bin/python3", "YmluZCA9+/=", "a b~", ""]),
            r#"["/bin/python3","YmluZCA9+/=","a b~",""]"#
        );
        assert_eq!(
            json_array(&["tab\there", "del\u{7f}"]),
            r#"["tab\u0009here","del\u007f"]"#
        );
        let words = ["a\\\"", "\u{1b}[0m", "\u{2028}", "é\u{85}x\"\n😀\u{7f}", ""];
        let back: Vec<String> = serde_json::from_str(&json_array(&words)).expect("JSON");
        assert_eq!(back, words);
    }

    #[test]
    fn debian_names_and_slices() {
        assert_eq!(debian_package("libpq5"), Some("libpq5"));
        assert_eq!(
            debian_package("ca-certificates_data"),
            Some("ca-certificates")
        );
        assert_eq!(
            debian_package("python3.12-venv_ensurepip"),
            Some("python3.12-venv")
        );
        assert_eq!(debian_package("libstdc++6"), Some("libstdc++6"));
        for bad in [
            "Libpq",
            "a",
            "lib pq",
            "libpq\nRUN x",
            "-x",
            "pkg=1.0",
            "pkg_",
            "pkg_a",
        ] {
            assert_eq!(debian_package(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn paths() {
        assert_eq!(path_problem("flask/app/static/", false), None);
        assert_eq!(path_problem("flask/app/*.pyc", true), None);
        assert!(path_problem("flask/app/*.pyc", false).is_some());
        assert!(path_problem("flask/app/../../etc", false).is_some());
        assert!(path_problem("flask/app/a b", false).is_some());
        assert!(path_problem("flask/app/'x'", false).is_some());
        assert!(path_problem("/etc/passwd", false).is_some());
        assert!(path_problem("a\nRUN x", false).is_some());
        assert!(path_problem("a$HOME", false).is_some());
    }

    #[test]
    fn duration_flags() {
        assert_eq!(duration_flag(90_000_000_000), "90s");
        assert_eq!(duration_flag(1_500_000_000), "1500ms");
    }

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }
}
