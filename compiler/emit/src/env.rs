//! The `.env` file: the main service's environment, readable back exactly by docker compose
//! and python-dotenv (checked against python-dotenv 1.2.1 by `tests/env_oracle.rs`).
//!
//! Format, one variable per line, in the environment's order:
//! - `NAME='value'` when the value holds no `'`, `\`, CR or LF. Both readers take single-quoted
//!   text literally: no escapes, no `$VAR`, `#` is not a comment.
//! - `NAME="value"` otherwise, with `\\`, `\"`, `\n` and `\r` escaped. Both readers decode those
//!   escapes.
//!
//! Refused, because no quoting reads back the same in both readers:
//! - `${NAME}` or `${NAME:-default}` anywhere: python-dotenv expands it even in single quotes;
//! - in a value needing double quotes, `$` before `$`, `{`, `_` or a letter (compose
//!   interpolates it, python-dotenv does not) and a trailing backslash (python-dotenv's pattern
//!   runs past the closing quote when a later line holds one), and a trailing `"` (compose-go
//!   trims quote characters from both ends of a double-quoted value).
//!
//! Names are ASCII letters, digits, `_`, `.`, `-`, `[` and `]`, so Spring Boot's properties
//! (`management.endpoints.web.base-path`) can be written, as paas-charm hands them to Pebble.
//! That is what every reader takes as one name: compose-go's parser (`locateKeyName`) accepts
//! letters, digits and `_.-[]`, and stops a name at `=` or `:`; python-dotenv's unquoted key is
//! `[^=#\s]+` and one starting with `'` is a quoted key; `docker run --env-file` refuses only
//! whitespace. A name starting with `export` is refused: older compose-go releases trimmed that
//! prefix whatever followed it. Non-ASCII letters are refused: Go's `unicode.IsLetter` and Rust's classification
//! differ at the edges.

use crate::{Files, Mode};
use paasc_check::Resolved;
use paasc_diag::{Diagnostic, Span};

paasc_diag::declare_code!(
    pub UNREPRESENTABLE = "P005", "env-unrepresentable", Error,
    "An environment value cannot be written to the `.env` file.",
"paasc writes `.env` so that docker compose and python-dotenv read every value back exactly. A
value holding `$` together with a quote, a backslash or a line break is read differently by the
two (compose interpolates `$VAR` inside double quotes, dotenv only `${VAR}`), so paasc refuses
to write a file one of them would misread.

Example: a config value `it's $5`.

`docker.env` (`--emit docker-env`, for `docker run --env-file`) has no quoting at all, so a value
with a line break cannot be written to it.

Fix: change the value, or skip the .env artifact (`--emit pebble,gunicorn`) and use the charm
layer."
);

/// Why a variable cannot be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvError {
    /// The variable's name.
    pub name: String,
    /// What is wrong, without the value.
    pub reason: String,
}

/// NUL, which no environment can carry: one of the kinds of byte [`marks`] finds, a bit each.
const NUL: u8 = 1;
/// `$`.
const DOLLAR: u8 = 2;
/// `'` and `\`, which single quotes cannot carry.
const QUOTING: u8 = 4;
/// `\n` and `\r`.
const BREAK: u8 = 8;

/// Each byte's kind ([`NUL`], [`DOLLAR`], [`QUOTING`], [`BREAK`], or none).
static MARKS: [u8; 256] = {
    let mut table = [0; 256];
    table[0] = NUL;
    table[b'$' as usize] = DOLLAR;
    table[b'\'' as usize] = QUOTING;
    table[b'\\' as usize] = QUOTING;
    table[b'\n' as usize] = BREAK;
    table[b'\r' as usize] = BREAK;
    table
};

/// The kinds of special bytes `value` holds, found in one pass: most values hold none, and
/// each variable is checked for `.env` and for `docker.env` in every profile.
fn marks(value: &str) -> u8 {
    value.bytes().fold(0, |m, b| m | MARKS[usize::from(b)])
}

/// Whether python-dotenv would expand part of `value`: `${NAME}` or `${NAME:-default}`, with
/// `NAME` free of `}` and `:` (its `_posix_variable` pattern), quoted or not.
fn dotenv_expands(value: &str) -> bool {
    value.match_indices("${").any(|(i, _)| {
        let rest = &value[i + 2..];
        let name_end = rest.find(['}', ':']).unwrap_or(rest.len());
        let tail = &rest[name_end..];
        tail.starts_with('}') || tail.strip_prefix(":-").is_some_and(|d| d.contains('}'))
    })
}

/// Whether docker compose would interpolate part of a double-quoted `value`: `$$`, `${`, or `$`
/// before a name.
fn compose_interpolates(value: &str) -> bool {
    value.match_indices('$').any(|(i, _)| {
        value[i + 1..]
            .chars()
            .next()
            .is_some_and(|c| c == '$' || c == '{' || c == '_' || c.is_ascii_alphabetic())
    })
}

/// The bytes of a name every environment file reader accepts (see [`check`]), by value.
static NAME_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-' | b'[' | b']');
        b += 1;
    }
    table
};

/// Refuses a name no reader accepts and a value no environment can carry (`marks`: the
/// value's [`marks`]).
fn check(name: &str, marks: u8) -> Result<(), EnvError> {
    let valid_name = !name.is_empty()
        && !name.starts_with("export")
        && name.bytes().all(|b| NAME_BYTES[usize::from(b)]);
    if !valid_name {
        return Err(EnvError {
            name: name.to_string(),
            reason: "is not a valid variable name for every environment file reader (ASCII letters, digits, `_`, `.`, `-`, `[` and `]`, as docker compose's parser accepts, not starting with `export`, which older compose-go strips)".into(),
        });
    }
    if marks & NUL != 0 {
        return Err(EnvError {
            name: name.to_string(),
            reason: "holds a NUL character, which no environment can carry".into(),
        });
    }
    Ok(())
}

/// Renders `vars` for `docker run --env-file`, which takes each line's text after the first `=`
/// literally (no quotes, no escapes, no interpolation): a value with a line break cannot be
/// written, and is refused rather than cut.
pub fn render_docker<'a>(
    vars: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<String, EnvError> {
    let mut out = String::new();
    for (name, value) in vars {
        refuse_docker(name, value)?;
        out.push_str(name);
        out.push('=');
        out.push_str(value);
        out.push('\n');
    }
    Ok(out)
}

/// Why the `docker.env` line of `name` and `value` cannot be written.
fn refuse_docker(name: &str, value: &str) -> Result<(), EnvError> {
    let marks = marks(value);
    check(name, marks)?;
    if marks & BREAK != 0 {
        return Err(EnvError {
            name: name.to_string(),
            reason:
                "holds a line break, which `docker run --env-file` cannot carry (it has no quoting)"
                    .into(),
        });
    }
    Ok(())
}

/// Renders `vars` as a `.env` file.
pub fn render<'a>(vars: impl IntoIterator<Item = (&'a str, &'a str)>) -> Result<String, EnvError> {
    let mut out = String::new();
    for (name, value) in vars {
        let quoted = refuse(name, value)?;
        out.push_str(name);
        out.push('=');
        if !quoted {
            out.push('\'');
            out.push_str(value);
            out.push('\'');
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

/// Why the `.env` line of `name` and `value` cannot be written, or whether it takes double
/// quotes (else single quotes).
fn refuse(name: &str, value: &str) -> Result<bool, EnvError> {
    let marks = marks(value);
    check(name, marks)?;
    let refused = |reason: &str| {
        Err(EnvError {
            name: name.to_string(),
            reason: reason.into(),
        })
    };
    if marks & DOLLAR != 0 && dotenv_expands(value) {
        return refused("holds `${...}`, which python-dotenv expands even inside single quotes while docker compose does not");
    }
    if marks & (QUOTING | BREAK) == 0 {
        Ok(false)
    } else if value.ends_with('"') {
        refused("ends with a double quote, which docker compose's parser trims from a double-quoted value")
    } else if value.ends_with('\\') {
        refused("ends with a backslash, which python-dotenv misreads inside double quotes when a later line holds a quote")
    } else if compose_interpolates(value) {
        refused("holds `$` together with a quote, backslash or line break; docker compose and python-dotenv read such a value differently")
    } else {
        Ok(true)
    }
}

/// The `.env` file, for docker compose and python-dotenv.
pub const DOTENV: &str = ".env";

/// The `docker.env` file, for `docker run --env-file`.
pub const DOCKER_ENV: &str = "docker.env";

/// The `.env` artifact. With [`Mode::Check`], the same problems and no file.
pub fn dotenv_files(app: &Resolved, mode: Mode) -> Result<Files, Vec<Diagnostic>> {
    file(
        app,
        DOTENV,
        false,
        "leave .env out with --emit pebble,gunicorn",
        mode,
    )
}

/// The `docker.env` artifact. With [`Mode::Check`], the same problems and no file.
pub fn docker_files(app: &Resolved, mode: Mode) -> Result<Files, Vec<Diagnostic>> {
    file(
        app,
        DOCKER_ENV,
        true,
        "use .env (docker compose reads its quoting), or pass this variable another way",
        mode,
    )
}

/// The environment file `name` (for `docker run` when `docker`), or P005 at the value that
/// cannot be written.
fn file(
    app: &Resolved,
    name: &str,
    docker: bool,
    way_out: &str,
    mode: Mode,
) -> Result<Files, Vec<Diagnostic>> {
    let Some(vars) = app.plan.env.as_ref() else {
        return Ok(Files::new());
    };
    let refuse_line = |k: &str, v: &str| {
        if docker {
            refuse_docker(k, v)
        } else {
            refuse(k, v).map(drop)
        }
    };
    let mut pairs = vars.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    let rendered = match (mode, docker) {
        (Mode::Check, _) => pairs
            .try_for_each(|(k, v)| refuse_line(k, v))
            .map(|()| None),
        (Mode::Render, true) => render_docker(pairs).map(Some),
        (Mode::Render, false) => render(pairs).map(Some),
    };
    let text = rendered.map_err(|e| {
        let alone = |v: &str| refuse_line(&e.name, v).is_err();
        let (file, span, label) = match app.culprit(&e.name, alone) {
            Some(o) => (o.file, o.span, format!("becomes `{}`", e.name)),
            None => (app.anchor, Span::point(0), "from this deployment".into()),
        };
        vec![Diagnostic::new(
            UNREPRESENTABLE,
            file,
            span,
            format!("`{}` cannot be written to {name}: it {}", e.name, e.reason),
        )
        .label(label)
        .help(format!("change the value, or {way_out}"))]
    })?;
    Ok(text
        .map(|text| vec![(name.to_string(), text.into())])
        .unwrap_or_default())
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
            "double \" quote!",
            "dollar $HOME ${X",
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
    fn docker_env_file_is_literal_and_refuses_line_breaks() {
        let text = render_docker([("A", "it's $HOME # x = \"y\""), ("B", "")]).expect("renders");
        assert_eq!(text, "A=it's $HOME # x = \"y\"\nB=\n");
        let e = render_docker([("A", "multi\nline")]).expect_err("refused");
        assert!(e.reason.contains("line break"));
        assert!(render_docker([("A", "cr\r")]).is_err());
    }

    #[test]
    fn refuses_what_readers_disagree_on() {
        assert!(render([("A", "it's $HOME")]).is_err());
        assert!(render([("A", "it's $5")]).is_ok());
        assert!(render([("A", "${HOME}")]).is_err());
        assert!(render([("A", "${HOME:-x}")]).is_err());
        assert!(render([("A", "${HOME")]).is_ok());
        assert!(render([("A", "C:\\dir\\")]).is_err());
        assert!(render([("A B", "x")]).is_err());
        assert!(render([("A=B", "x")]).is_err());
        assert!(render([("A:B", "x")]).is_err());
        assert!(render([("A#B", "x")]).is_err());
        assert!(render([("'A'", "x")]).is_err());
        assert!(render([("", "x")]).is_err());
        assert!(render([("ÜBER", "x")]).is_err());
        assert!(render([("exporter", "x")]).is_err());
        assert!(render_docker([("A B", "x")]).is_err());
        assert!(render([("A", "it's \"hi\"")]).is_err());
        assert!(render([("A", "say \"hi\"")]).is_ok());
        assert!(render([("management.endpoints.web.exposure.include", "*")]).is_ok());
        for name in [
            "management.endpoints.web.base-path",
            "A-B",
            "a[1]",
            "1A",
            "_",
        ] {
            assert!(render([(name, "x")]).is_ok(), "{name}");
            assert!(render_docker([(name, "x")]).is_ok(), "{name}");
        }
        assert!(render([("A", "nul\0")]).is_err());
    }
}
