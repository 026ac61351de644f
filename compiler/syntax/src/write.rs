//! Writes [`Yaml`] as block YAML that reads back identically under YAML 1.1 (PyYAML, Helm's Go
//! reader) and YAML 1.2. Layout follows PyYAML's `default_flow_style=False`: lists inside mappings
//! are not indented, multi-line strings use literal blocks.

use crate::scalar::{python_float_repr, resolve11_plain, Scalar, Style, Value};
use crate::value::Yaml;

/// Renders a document, ending with a newline.
pub fn to_string(doc: &Yaml) -> String {
    let mut out = String::new();
    match doc {
        Yaml::Map(m) if !m.is_empty() => write_map(&mut out, m, 0),
        Yaml::Seq(s) if !s.is_empty() => write_seq(&mut out, s, 0),
        other => {
            out.push_str(&inline(other, 0));
            out.push('\n');
        }
    }
    out
}

fn is_block(v: &Yaml) -> bool {
    matches!(v, Yaml::Map(m) if !m.is_empty()) || matches!(v, Yaml::Seq(s) if !s.is_empty())
}

fn write_map(out: &mut String, m: &[(Yaml, Yaml)], indent: usize) {
    for (k, v) in m {
        out.push_str(&" ".repeat(indent));
        out.push_str(&key(k));
        out.push(':');
        match v {
            Yaml::Map(inner) if !inner.is_empty() => {
                out.push('\n');
                write_map(out, inner, indent + 2);
            }
            Yaml::Seq(items) if !items.is_empty() => {
                out.push('\n');
                write_seq(out, items, indent);
            }
            other => {
                out.push(' ');
                out.push_str(&inline(other, indent + 2));
                out.push('\n');
            }
        }
    }
}

fn write_seq(out: &mut String, items: &[Yaml], indent: usize) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push_str("- ");
        match item {
            Yaml::Map(inner) if !inner.is_empty() => {
                let mut nested = String::new();
                write_map(&mut nested, inner, indent + 2);
                out.push_str(nested.trim_start_matches(' '));
            }
            Yaml::Seq(inner) if !inner.is_empty() => {
                let mut nested = String::new();
                write_seq(&mut nested, inner, indent + 2);
                out.push_str(nested.trim_start_matches(' '));
            }
            other => {
                out.push_str(&inline(other, indent + 2));
                out.push('\n');
            }
        }
    }
}

fn key(k: &Yaml) -> String {
    match k {
        Yaml::Str(s) if !s.contains('\n') => string(s, 0),
        Yaml::Str(s) => double_quoted(s),
        other if !is_block(other) => inline(other, 0),
        _ => "? complex-key".into(),
    }
}

fn inline(v: &Yaml, indent: usize) -> String {
    match v {
        Yaml::Null => "null".into(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Int(i) => i.to_string(),
        Yaml::BigInt(d) => d.clone(),
        Yaml::Float(f) if f.is_nan() => ".nan".into(),
        Yaml::Float(f) if f.is_infinite() => {
            if *f > 0.0 {
                ".inf".into()
            } else {
                "-.inf".into()
            }
        }
        Yaml::Float(f) => python_float_repr(*f),
        Yaml::Timestamp(t) => t.clone(),
        Yaml::Str(s) => string(s, indent),
        Yaml::Seq(_) => "[]".into(),
        Yaml::Map(_) => "{}".into(),
    }
}

/// Whether `s` can be written as a plain scalar and read back as the same string by YAML 1.1 and
/// YAML 1.2 readers.
pub fn plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let dash_word = first == '-' && s.len() > 1 && !s.starts_with("- ") && !s.starts_with("--");
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) && !dash_word {
        return false;
    }
    if s == "<<" || s == "=" || s.starts_with(' ') || s.ends_with(' ') || s.ends_with(':') {
        return false;
    }
    if s.contains(": ")
        || s.contains(" #")
        || s.chars().any(|c| {
            c.is_control() || c == '\u{feff}' || c == '\u{85}' || c == '\u{2028}' || c == '\u{2029}'
        })
    {
        return false;
    }
    if !matches!(resolve11_plain(s), Value::Str(_)) {
        return false;
    }
    let probe = Scalar {
        text: s.to_string(),
        style: Style::Plain,
        core_tag: None,
    };
    probe.yaml12_difference().is_none()
}

fn string(s: &str, indent: usize) -> String {
    if plain_safe(s) {
        return s.to_string();
    }
    if s.contains('\n') && literal_ok(s) {
        let chomp = if s.ends_with("\n\n") {
            "+"
        } else if s.ends_with('\n') {
            ""
        } else {
            "-"
        };
        let pad = " ".repeat(indent.max(2));
        let body = s.strip_suffix('\n').unwrap_or(s);
        let mut out = format!("|{chomp}");
        for line in body.split('\n') {
            out.push('\n');
            if !line.is_empty() {
                out.push_str(&pad);
                out.push_str(line);
            }
        }
        return out;
    }
    if s.chars().all(|c| {
        !c.is_control() && c != '\u{feff}' && c != '\u{85}' && c != '\u{2028}' && c != '\u{2029}'
    }) {
        return format!("'{}'", s.replace('\'', "''"));
    }
    double_quoted(s)
}

fn literal_ok(s: &str) -> bool {
    !s.starts_with([' ', '\n'])
        && s.chars().all(|c| {
            c == '\n'
                || (!c.is_control()
                    && c != '\u{feff}'
                    && c != '\u{85}'
                    && c != '\u{2028}'
                    && c != '\u{2029}')
        })
        && s.split('\n')
            .all(|l| !l.ends_with(' ') && !l.ends_with('\t'))
}

fn double_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() || matches!(c, '\u{feff}' | '\u{85}' | '\u{2028}' | '\u{2029}') => {
                let n = c as u32;
                if n <= 0xFF {
                    out.push_str(&format!("\\x{n:02X}"));
                } else {
                    out.push_str(&format!("\\u{n:04X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
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

    #[test]
    fn strings_that_yaml_11_would_mistype_are_quoted_and_round_trip() {
        let tricky = [
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
        ];
        for s in tricky {
            let v = Yaml::Map(vec![
                (Yaml::str("k"), Yaml::str(s)),
                (Yaml::str(s), Yaml::Int(1)),
            ]);
            assert_eq!(roundtrip(&v), v, "{s:?} -> {}", to_string(&v));
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
}
