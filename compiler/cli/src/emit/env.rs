//! The `.env` file: the main service's environment, readable back exactly by docker compose
//! and python-dotenv.
//!
//! Format, one variable per line, in the environment's order:
//! - `NAME='value'` when the value holds no `'`, `\`, CR or LF. Both readers take single-quoted
//!   text literally: no escapes, no `$` interpolation, `#` is not a comment.
//! - `NAME="value"` otherwise, with `\\`, `\"`, `\n` and `\r` escaped. Both readers decode those
//!   escapes; they disagree on `$` inside double quotes (compose interpolates `$VAR`, dotenv only
//!   `${VAR}`), so a value needing double quotes that also holds `$` cannot be written for both,
//!   and is refused.

/// Why a variable cannot be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvError {
    /// The variable's name.
    pub name: String,
    /// What is wrong, without the value.
    pub reason: String,
}

/// Renders `vars` as a `.env` file.
pub fn render<'a>(vars: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<String, EnvError> {
    let mut out = String::new();
    for (name, value) in vars {
        let valid_name = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid_name {
            return Err(EnvError {
                name: name.to_string(),
                reason: "is not a valid variable name (letters, digits and `_`, not starting with a digit)".into(),
            });
        }
        if value.contains('\0') {
            return Err(EnvError {
                name: name.to_string(),
                reason: "holds a NUL character, which no environment can carry".into(),
            });
        }
        out.push_str(name);
        out.push('=');
        if !value.contains(['\'', '\\', '\n', '\r']) {
            out.push('\'');
            out.push_str(value);
            out.push('\'');
        } else if value.contains('$') {
            return Err(EnvError {
                name: name.to_string(),
                reason: "holds `$` together with a quote, backslash or line break; docker compose and python-dotenv read such a value differently".into(),
            });
        } else {
            out.push('"');
            for c in value.chars() {
                match c {
                    '\\' => out.push_str("\\\\"),
                    '"' => out.push_str("\\\""),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    c => out.push(c),
                }
            }
            out.push('"');
        }
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// python-dotenv's reading of one line (quoted forms only, as `render` writes them).
    fn dotenv_read(line: &str) -> (String, String) {
        let (name, rest) = line.split_once('=').expect("=");
        let value = if let Some(inner) = rest.strip_prefix('\'').and_then(|r| r.strip_suffix('\''))
        {
            inner.replace("\\'", "'").replace("\\\\", "\\")
        } else {
            let inner = rest
                .strip_prefix('"')
                .and_then(|r| r.strip_suffix('"'))
                .expect("quoted");
            let mut out = String::new();
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                if c == '\\' {
                    match chars.next() {
                        Some('n') => out.push('\n'),
                        Some('r') => out.push('\r'),
                        Some(other) => out.push(other),
                        None => out.push('\\'),
                    }
                } else {
                    out.push(c);
                }
            }
            out
        };
        (name.to_string(), value)
    }

    #[test]
    fn values_read_back() {
        let values = [
            "plain",
            "with space",
            "quote ' single",
            "double \" quote",
            "dollar $HOME ${X}",
            "hash # not a comment",
            "eq = sign",
            "back\\slash",
            "multi\nline",
            "unicode é ✓",
            "",
        ];
        for v in values {
            let text = render([("NAME", v)]).expect("renders");
            let (name, got) = dotenv_read(text.trim_end_matches('\n'));
            assert_eq!((name.as_str(), got.as_str()), ("NAME", v), "{text}");
        }
    }

    #[test]
    fn refuses_what_readers_disagree_on() {
        assert!(render([("A", "it's $HOME")]).is_err());
        assert!(render([("1A", "x")]).is_err());
        assert!(render([("A", "nul\0")]).is_err());
    }
}
