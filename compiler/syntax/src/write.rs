//! Writes [`Yaml`] as block YAML that reads back identically under YAML 1.1 (PyYAML, Helm's Go
//! reader) and YAML 1.2. Layout follows PyYAML's `default_flow_style=False`: lists inside mappings
//! are not indented, multi-line strings use literal blocks.

use crate::scalar::{plain_reads_as_string, python_float_repr};
use crate::value::Yaml;
use std::fmt::Write as _;

// Everything is written straight into one `String`: rendering a large document (the Helm
// values of a 10,000-option charm) was dominated by the small strings built and dropped per
// scalar and per line.

/// Renders a document, ending with a newline.
pub fn to_string(doc: &Yaml) -> String {
    let mut out = String::new();
    match doc {
        Yaml::Map(m) if !m.is_empty() => write_map(&mut out, m, 0, true),
        Yaml::Seq(s) if !s.is_empty() => write_seq(&mut out, s, 0, true),
        other => {
            inline(&mut out, other, 0);
            out.push('\n');
        }
    }
    out
}

fn is_block(v: &Yaml) -> bool {
    matches!(v, Yaml::Map(m) if !m.is_empty()) || matches!(v, Yaml::Seq(s) if !s.is_empty())
}

/// Spaces for [`pad`].
const SPACES: &str = "                                                                ";

/// Writes `n` spaces of indentation at the end of `out`.
pub fn pad(out: &mut String, mut n: usize) {
    while n > SPACES.len() {
        out.push_str(SPACES);
        n -= SPACES.len();
    }
    out.push_str(&SPACES[..n]);
}

/// Writes the entries at `indent`; the first line without its indentation unless `pad_first`
/// (it follows a `- ` in a list).
fn write_map(out: &mut String, m: &[(Yaml, Yaml)], indent: usize, pad_first: bool) {
    for (i, (k, v)) in m.iter().enumerate() {
        if i > 0 || pad_first {
            pad(out, indent);
        }
        key(out, k);
        out.push(':');
        match v {
            Yaml::Map(inner) if !inner.is_empty() => {
                out.push('\n');
                write_map(out, inner, indent + 2, true);
            }
            Yaml::Seq(items) if !items.is_empty() => {
                out.push('\n');
                write_seq(out, items, indent, true);
            }
            other => {
                out.push(' ');
                inline(out, other, indent + 2);
                out.push('\n');
            }
        }
    }
}

/// Writes the items at `indent`, the first line as [`write_map`] does.
fn write_seq(out: &mut String, items: &[Yaml], indent: usize, pad_first: bool) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || pad_first {
            pad(out, indent);
        }
        out.push_str("- ");
        match item {
            Yaml::Map(inner) if !inner.is_empty() => write_map(out, inner, indent + 2, false),
            Yaml::Seq(inner) if !inner.is_empty() => write_seq(out, inner, indent + 2, false),
            other => {
                inline(out, other, indent + 2);
                out.push('\n');
            }
        }
    }
}

fn key(out: &mut String, k: &Yaml) {
    match k {
        Yaml::Str(s) => push_key(out, s),
        other if !is_block(other) => inline(out, other, 0),
        _ => out.push_str("? complex-key"),
    }
}

/// Writes the string `s` as a mapping key: as [`push_scalar`] writes it, but on one line (where
/// a value would be a literal block, a key is double-quoted).
pub fn push_key(out: &mut String, s: &str) {
    match style(s) {
        Style::Literal(_) => double_quoted(out, s),
        other => push_styled(out, s, other, 0),
    }
}

fn inline(out: &mut String, v: &Yaml, indent: usize) {
    match v {
        Yaml::Null => out.push_str("null"),
        Yaml::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Yaml::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Yaml::BigInt(d) => out.push_str(d),
        Yaml::Float(f) if f.is_nan() => out.push_str(".nan"),
        Yaml::Float(f) if f.is_infinite() => out.push_str(if *f > 0.0 { ".inf" } else { "-.inf" }),
        Yaml::Float(f) => out.push_str(&python_float_repr(*f)),
        Yaml::Timestamp(t) => out.push_str(t),
        Yaml::Str(s) => push_scalar(out, s, indent),
        Yaml::Seq(_) => out.push_str("[]"),
        Yaml::Map(_) => out.push_str("{}"),
    }
}

/// Characters a YAML reader does not take literally in a plain or single-quoted scalar: those
/// outside YAML's printable set (C0 and C1 controls, DEL, U+FFFE, U+FFFF), which PyYAML and
/// Helm's Go reader refuse anywhere in a stream, and the line breaks and byte order mark.
fn special(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{feff}' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{fffe}' | '\u{ffff}'
        )
}

/// Whether `s` can be written as a plain scalar and read back as the same string by YAML 1.1 and
/// YAML 1.2 readers.
pub fn plain_safe(s: &str) -> bool {
    plain_at_a_glance(s) || plain_by_rules(s)
}

/// [`plain_safe`] without the glance: the indicators, then YAML 1.1's, 1.2's and go-yaml's
/// resolvers.
fn plain_by_rules(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(&first) = b.first() else {
        return false;
    };
    let dash_word = first == b'-' && b.len() > 1 && b[1] != b' ' && b[1] != b'-';
    if b"-?:,[]{}#&*!|>'\"%@`".contains(&first) && !dash_word {
        return false;
    }
    if s == "<<" || s == "=" || first == b' ' || s.ends_with(' ') || s.ends_with(':') {
        return false;
    }
    let clean = if s.is_ascii() {
        printable_ascii(b) && !comment_or_value_indicator(b)
    } else {
        // One pass for `: `, ` #` and the special characters.
        let mut prev = '\0';
        s.chars().all(|c| {
            let ok = !(special(c) || prev == ':' && c == ' ' || prev == ' ' && c == '#');
            prev = c;
            ok
        })
    };
    clean && plain_reads_as_string(s) && go_yaml_reads_as_string(s)
}

/// Whether every byte is printable ASCII (a space to `~`); without an early exit, so that it is
/// vectorised.
fn printable_ascii(b: &[u8]) -> bool {
    b.iter().fold(true, |ok, &c| ok & matches!(c, b' '..=b'~'))
}

/// Whether `: ` or ` #` occurs (a value indicator or a comment inside a plain scalar); without
/// an early exit, as [`printable_ascii`].
fn comment_or_value_indicator(b: &[u8]) -> bool {
    let next = b.get(1..).unwrap_or_default();
    b.iter().zip(next).fold(false, |found, (&x, &y)| {
        found | ((x == b':') & (y == b' ')) | ((x == b' ') & (y == b'#'))
    })
}

/// Whether `s` is plain-safe at a glance, before the resolvers: printable ASCII without `: ` or
/// ` #` and not ending in a space or `:`, starting with `/` or with a letter that starts no
/// null or bool word (in YAML 1.1, 1.2 or go-yaml) unless it is longer than all of them
/// (`FALSE`); numbers start with a digit, a sign, `.` or `~`. Paths, URLs, images and commands
/// (`app:app`) are taken here: the rules decode every character and run the resolvers.
fn plain_at_a_glance(s: &str) -> bool {
    let b = s.as_bytes();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return false;
    };
    let starts = first == b'/'
        || (first.is_ascii_alphabetic() && (b.len() > 5 || !b"nNyYtToOfF".contains(&first)));
    starts && last != b' ' && last != b':' && printable_ascii(b) && !comment_or_value_indicator(b)
}

/// Whether go-yaml v2 (Helm reads values and Chart.yaml with it, through sigs.k8s.io/yaml)
/// reads the plain scalar `s` as a string. Beyond YAML 1.1 it takes `y`, `Y`, `n`, `N` as
/// booleans, and, after dropping `_`, whatever Go's `strconv.ParseInt(s, 0, 64)` parses (`0B101`,
/// `0X1F`, `0o17`), YAML-style floats (`1e5`) and dates from `YYYY-`. Conservative: a scalar
/// only possibly read otherwise counts as not a string (and is quoted).
fn go_yaml_reads_as_string(s: &str) -> bool {
    if matches!(s, "y" | "Y" | "n" | "N") {
        return false;
    }
    let bytes = s.as_bytes();
    match bytes.first() {
        Some(b'.') => !bytes.get(1).is_some_and(u8::is_ascii_digit),
        Some(b) if b.is_ascii_digit() || *b == b'+' || *b == b'-' => {
            let plain: std::borrow::Cow<str> = if bytes.contains(&b'_') {
                s.chars().filter(|&c| c != '_').collect::<String>().into()
            } else {
                s.into()
            };
            let body = plain.strip_prefix(['+', '-']).unwrap_or(&plain);
            let b = body.as_bytes();
            let prefixed = b.len() > 2
                && b[0] == b'0'
                && matches!(b[1], b'x' | b'X' | b'b' | b'B' | b'o' | b'O')
                && b[2..].iter().all(u8::is_ascii_hexdigit);
            let date =
                bytes.len() > 4 && bytes[..4].iter().all(u8::is_ascii_digit) && bytes[4] == b'-';
            !(prefixed || go_float(body) || date)
        }
        _ => true,
    }
}

/// go-yaml's `yamlStyleFloat` (without the sign): `(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`,
/// which also matches decimal integers.
fn go_float(s: &str) -> bool {
    let (mantissa, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => digits(frac),
        Some((int, frac)) => digits(int) && (frac.is_empty() || digits(frac)),
        None => digits(mantissa),
    };
    mantissa_ok && exp.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)))
}

/// How [`push_scalar`] writes a string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Style {
    Plain,
    /// A literal block with this chomping indicator.
    Literal(&'static str),
    Single,
    Double,
}

fn style(s: &str) -> Style {
    if plain_safe(s) {
        Style::Plain
    } else if s.contains('\n') && literal_ok(s) {
        Style::Literal(if s.ends_with("\n\n") {
            "+"
        } else if s.ends_with('\n') {
            ""
        } else {
            "-"
        })
    } else if !s.chars().any(special) {
        Style::Single
    } else {
        Style::Double
    }
}

/// The body lines of a literal block: `s` without its final line break, split at the others.
fn literal_lines(s: &str) -> std::str::Split<'_, char> {
    s.strip_suffix('\n').unwrap_or(s).split('\n')
}

/// Writes the string `s` as a scalar whose own line is at `indent` (a literal block's lines are
/// indented by it, at least 2): plain when it reads back as the same string, else a literal
/// block, single-quoted or double-quoted.
pub fn push_scalar(out: &mut String, s: &str, indent: usize) {
    push_styled(out, s, style(s), indent);
}

/// [`push_scalar`] in the [`style`] of `s`, already known.
fn push_styled(out: &mut String, s: &str, style: Style, indent: usize) {
    match style {
        Style::Plain => out.push_str(s),
        Style::Literal(chomp) => {
            out.push('|');
            out.push_str(chomp);
            for line in literal_lines(s) {
                out.push('\n');
                if !line.is_empty() {
                    pad(out, indent.max(2));
                    out.push_str(line);
                }
            }
        }
        Style::Single => {
            out.push('\'');
            for (i, part) in s.split('\'').enumerate() {
                if i > 0 {
                    out.push_str("''");
                }
                out.push_str(part);
            }
            out.push('\'');
        }
        Style::Double => double_quoted(out, s),
    }
}

/// The length of what [`push_scalar`] writes for `s` at `indent`, without writing it.
pub fn scalar_len(s: &str, indent: usize) -> usize {
    match style(s) {
        Style::Plain => s.len(),
        Style::Literal(chomp) => {
            1 + chomp.len()
                + literal_lines(s)
                    .map(|line| match line.len() {
                        0 => 1,
                        n => 1 + indent.max(2) + n,
                    })
                    .sum::<usize>()
        }
        Style::Single => 2 + s.len() + quotes(s),
        Style::Double => 2 + s.chars().map(escaped_len).sum::<usize>(),
    }
}

/// An upper bound of [`scalar_len`], in one pass over the bytes for printable ASCII (`s` is then
/// plain or single-quoted: at most its length, the quotes and a doubled `'` each), which skips
/// deciding the style; [`scalar_len`] for anything else.
pub fn scalar_len_at_most(s: &str, indent: usize) -> usize {
    let mut quotes = 0;
    for &b in s.as_bytes() {
        if !matches!(b, b' '..=b'~') {
            return scalar_len(s, indent);
        }
        quotes += usize::from(b == b'\'');
    }
    s.len() + 2 + quotes
}

fn quotes(s: &str) -> usize {
    s.bytes().filter(|&b| b == b'\'').count()
}

fn literal_ok(s: &str) -> bool {
    !s.starts_with([' ', '\n'])
        && s.chars().all(|c| c == '\n' || !special(c))
        && s.split('\n')
            .all(|l| !l.ends_with(' ') && !l.ends_with('\t'))
}

fn double_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if special(c) => {
                let n = c as u32;
                let _ = if n <= 0xFF {
                    write!(out, "\\x{n:02X}")
                } else {
                    write!(out, "\\u{n:04X}")
                };
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// The length of `c` in [`double_quoted`].
fn escaped_len(c: char) -> usize {
    match c {
        '"' | '\\' | '\n' | '\r' | '\t' | '\0' => 2,
        c if special(c) && u32::from(c) <= 0xFF => 4,
        c if special(c) => 6,
        c => c.len_utf8(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{parse, Limits};
    use paasc_diag::FileId;

    fn roundtrip(v: &Yaml) -> Yaml {
        let text = to_string(v);
        let (tree, diags) = parse(FileId(0), &text, Limits::default());
        assert!(diags.is_empty(), "{text}\n{diags:?}");
        Yaml::from_tree(&tree, tree.root().expect("root"))
    }

    /// Strings each writer style must take, and the resolvers and indicators must not mistake.
    const TRICKY: &[&str] = &[
        "on",
        "yes",
        "no",
        "off",
        "y",
        "0755",
        "1_000",
        "12:30",
        "1e5",
        "2024-01-31",
        "null",
        "~",
        "",
        " lead",
        "trail ",
        "a: b",
        "a #b",
        "-",
        "- x",
        "#x",
        "@x",
        "`x",
        "x:",
        "true",
        "1.0",
        ".inf",
        "multi\nline\n",
        "no-newline\nend",
        "two\n\n",
        "tab\there",
        "quote's",
        "dq\"",
        "back\\slash",
        "\u{1}ctl",
        "del\u{7f}",
        "c1 \u{80}\u{85}\u{9b}\u{9f}",
        "nonchar \u{fffe}\u{ffff}",
        "bom\u{feff} ls\u{2028} ps\u{2029}",
        "multi\nline \u{9b}[2J\n",
        "é ü 😀",
        "$HOME ${X}",
        " \n leading",
        "line \ntrailing space",
        "\r\n",
        "<<",
        "=",
        "--",
        "-1",
        "-x",
        "a-b",
        "FALSE",
        "Falsey",
        "Nope",
        "tRUE",
        "OFFx",
        "a'b'c\nd",
        "x\n\n\n",
        "'\n'",
        "k: v\n# c\n",
        "\ttab\nx",
        "é\n",
        "app:app",
        "http://h:8000/p?q=1#f",
        "redis://localhost:6379",
        "/flask/app",
        "/a: b",
        "/a #c",
        "/x:",
        "/ ",
        "/",
        "a#b",
        "y:n",
        "n:y",
        "on:off",
        "ghcr.io/o/app:0.1",
    ];

    #[test]
    fn strings_go_yaml_would_mistype_are_quoted() {
        for s in [
            "y", "Y", "n", "N", "0B101", "0X1F", "0o17", "0O17", "-0b1", "+0x_1F", "1e5", "1E+5",
            ".5", "0.", "2024-1-2", "1_0",
        ] {
            assert!(!plain_safe(s), "{s}");
        }
        for s in [
            "yy", "0x", "0xg", "v1.0", "1.0.0", "1-2", "web", "e5", ".x", "-x",
        ] {
            assert!(plain_safe(s), "{s}");
        }
    }

    #[test]
    fn strings_that_yaml_11_would_mistype_are_quoted_and_round_trip() {
        for &s in TRICKY {
            let v = Yaml::Map(vec![
                (Yaml::str("k"), Yaml::str(s)),
                (Yaml::str(s), Yaml::Int(1)),
            ]);
            assert_eq!(roundtrip(&v), v, "{s:?} -> {}", to_string(&v));
        }
    }

    #[test]
    fn characters_outside_yamls_printable_set_are_escaped() {
        for c in ('\0'..='\u{ffff}').filter(|&c| {
            !matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        }) {
            let text = to_string(&Yaml::Map(vec![(Yaml::str(format!("k{c}")), Yaml::str(format!("v{c}\nw")))]));
            assert!(!text.contains(c), "{c:?} is written raw: {text:?}");
        }
    }

    #[test]
    fn nested_layout_matches_pyyaml() {
        let v = Yaml::Map(vec![
            (
                Yaml::str("platforms"),
                Yaml::Map(vec![(
                    Yaml::str("amd64"),
                    Yaml::Map(vec![(
                        Yaml::str("build-on"),
                        Yaml::Seq(vec![Yaml::str("amd64")]),
                    )]),
                )]),
            ),
            (
                Yaml::str("libs"),
                Yaml::Seq(vec![Yaml::Map(vec![
                    (Yaml::str("lib"), Yaml::str("a.b")),
                    (Yaml::str("version"), Yaml::str("0")),
                ])]),
            ),
            (Yaml::str("empty"), Yaml::Map(vec![])),
            (Yaml::str("f"), Yaml::Float(2.0)),
        ]);
        assert_eq!(
            to_string(&v),
            "platforms:\n  amd64:\n    build-on:\n    - amd64\nlibs:\n- lib: a.b\n  version: '0'\nempty: {}\nf: 2.0\n"
        );
        assert_eq!(roundtrip(&v), v);
    }

    /// Checks [`scalar_len`] against what [`push_scalar`] writes for `s`, [`scalar_len_at_most`]
    /// against both, and [`plain_at_a_glance`] against the rules; whether the glance took it.
    fn check_lengths(s: &str) -> bool {
        for indent in [0, 2, 4, 8] {
            let mut out = String::new();
            push_scalar(&mut out, s, indent);
            assert_eq!(
                scalar_len(s, indent),
                out.len(),
                "{s:?} at {indent}: {out:?}"
            );
            let at_most = scalar_len_at_most(s, indent);
            assert!(
                out.len() <= at_most && at_most <= out.len() + 2 + quotes(s),
                "{s:?} at {indent}: {at_most} for {out:?}"
            );
        }
        let glance = plain_at_a_glance(s);
        assert!(!glance || plain_by_rules(s), "{s:?} is not plain");
        glance
    }

    /// The string scalars, keys too, of `v`.
    fn strings<'a>(v: &'a Yaml, out: &mut Vec<&'a str>) {
        match v {
            Yaml::Str(s) => out.push(s),
            Yaml::Seq(items) => items.iter().for_each(|i| strings(i, out)),
            Yaml::Map(pairs) => pairs.iter().for_each(|(k, v)| {
                strings(k, out);
                strings(v, out);
            }),
            _ => {}
        }
    }

    /// `check` sums [`scalar_len_at_most`] instead of writing a large `values.yaml`, and
    /// [`scalar_len`] must be exact: over the tricky strings, every character, the strings of
    /// the YAML corpus, and every short string over characters that change the style.
    #[test]
    fn scalar_lengths_are_the_written_lengths() {
        let mut glanced = 0;
        for s in TRICKY {
            check_lengths(s);
        }
        let above = (0x1_0000..=0x10_ffff)
            .step_by(0x7ff)
            .filter_map(char::from_u32);
        for c in ('\0'..='\u{ffff}').chain(above) {
            for s in [
                format!("{c}"),
                format!("k{c}"),
                format!("v{c}\nw"),
                format!("{c} x"),
            ] {
                check_lengths(&s);
            }
        }
        let corpus = crate::pyyaml::differential::corpus();
        let mut scalars = 0;
        for text in &corpus {
            let (tree, _) = parse(FileId(0), text, Limits::default());
            let Some(root) = tree.root() else {
                continue;
            };
            let doc = Yaml::from_tree(&tree, root);
            let mut found = Vec::new();
            strings(&doc, &mut found);
            for s in found {
                glanced += usize::from(check_lengths(s));
                scalars += 1;
            }
        }
        assert!(scalars > 1000, "{scalars} strings in the corpus");
        assert!(
            glanced * 2 > scalars,
            "{glanced} of {scalars} taken at a glance"
        );
        let alphabet = [
            "a", "n", "1", " ", "\n", "'", "\"", "\\", "#", ":", "-", "\t", "\u{85}", "é",
        ];
        let mut level = vec![String::new()];
        for _ in 0..4 {
            level = level
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            for s in &level {
                check_lengths(s);
            }
        }
    }
}
