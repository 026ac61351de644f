//! The `.env` writer (`paasc_emit::env::render`) against a real reader: python-dotenv, through
//! `tools/dotenv-roundtrip.py`, in the virtualenv `.ci/run` creates (`$PAASC_VENV`, default
//! `.venv`). Many random values (quotes, `$`, `#`, `=`, backslashes, unicode, line breaks, tabs;
//! a fixed seed) are rendered into one file, as `compile` renders a whole environment, and must
//! read back exactly. Values `render` refuses must be refused for a documented reason that
//! really holds, and a reader must really misread them.
//!
//! Without the virtualenv the test says so and checks only what needs no Python; with
//! `CI=true` a missing virtualenv fails the test.
//! No value may be refused needlessly either: a `$` refusal must be one docker compose would
//! really interpolate.

#[path = "support/common.rs"]
mod common;
use common::{root, venv_python};

use paasc_emit::env::render;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const SEED: u64 = 0x5eed_2026_1122_0e1f;
const RANDOM_VALUES: usize = 4000;

/// The refusal reasons `render` documents (a prefix of each), and when each applies.
const REASONS: &[(&str, Reason)] = &[
    ("is not a valid variable name", Reason::Name),
    ("holds a NUL character", Reason::Nul),
    (
        "holds `$` together with a quote, backslash or line break",
        Reason::Dollar,
    ),
    ("holds `${...}`", Reason::Expands),
    ("ends with a backslash", Reason::TrailingBackslash),
    ("ends with a double quote", Reason::TrailingQuote),
];

#[derive(Clone, Copy, Debug, PartialEq)]
enum Reason {
    Name,
    Nul,
    Dollar,
    Expands,
    TrailingBackslash,
    TrailingQuote,
}

/// A seeded generator: the same values on every run.
type Rng = fastrand::Rng;

/// What values are made of: the characters the two readers treat specially, in the
/// combinations that matter (`${`, `\n` as text, `\r\n`, ...), unicode, and plain text.
const TOKENS: &[&str] = &[
    "a",
    "Z",
    "x",
    "0",
    "9",
    "_",
    "-",
    ".",
    "/",
    ":",
    ",",
    " ",
    "  ",
    "\t",
    "'",
    "\"",
    "`",
    "$",
    "$$",
    "${",
    "}",
    "{",
    "${HOME}",
    "${A:-d}",
    "${X}y",
    "$HOME",
    "$1",
    "$ ",
    "$_",
    "#",
    " #c",
    "# ",
    "=",
    "==",
    "\\",
    "\\\\",
    "\\n",
    "\\t",
    "\\'",
    "\\\"",
    "\\$",
    "\n",
    "\r",
    "\r\n",
    "\n\n",
    "é",
    "✓",
    "ß",
    "日本",
    "🦀",
    "\u{2028}",
    "\u{85}",
    "\u{a0}",
    "\u{200d}",
    "\u{b}",
    "\u{c}",
    "\u{1c}",
    "\u{7f}",
    "export ",
    "null",
    "true",
    "[\"a\", \"b\"]",
    "{\"k\": 1}",
    "%2F",
    "p@ss",
    "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
];

fn random_value(rng: &mut Rng) -> String {
    let len = match rng.usize(..10) {
        0 => 0,
        1..=6 => 1 + rng.usize(..6),
        _ => 1 + rng.usize(..30),
    };
    let mut out = String::new();
    for _ in 0..len {
        if rng.usize(..200) == 0 {
            out.push('\0');
        } else {
            out.push_str(TOKENS[rng.usize(..TOKENS.len())]);
        }
    }
    out
}

/// Values worth checking every time, whatever the seed.
fn fixed_values() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        " ",
        "'",
        "\"",
        "\\",
        "a\\",
        "\\\\",
        "$",
        "${",
        "${}",
        "#",
        "=",
        " leading and trailing ",
        "\n",
        "\r",
        "x\r\ny",
        "tab\there",
        "'quoted'",
        "\"quoted\"",
        "a'b\"c",
        "it's",
        "C:\\dir\\file",
        "postgresql://relation-6:p@ss#w:rd@pg-0.pg-endpoints:5432/my-flask",
        "[\"x-amz-server-side-encryption:AES256\"]",
        "[\"-----BEGIN CERTIFICATE-----\\nMIIBszCCAVmg\\n-----END CERTIFICATE-----\"]",
        "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUb3JhY2xl\n-----END CERTIFICATE-----\n",
        "pässwörd ✓",
        "price: 5 $",
        "a $ b",
        "$HOME",
        "${HOME}",
        "a\\ $",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("long ".repeat(2000));
    v
}

/// A name compose-go reads whole (`[A-Za-z0-9_.\-\[\]]`, ASCII here), which python-dotenv's
/// `[^=#\s]+` and `docker run --env-file` also take; not starting with `export`, a prefix older
/// compose-go trimmed from any name.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with("export")
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '[' | ']'))
}

/// The documented reason of a refusal, checking that it really applies.
fn check_refusal(name: &str, value: &str, reason: &str) -> Result<Reason, String> {
    let Some(&(_, kind)) = REASONS.iter().find(|(text, _)| reason.starts_with(text)) else {
        return Err(format!(
            "{name}={value:?} refused for an undocumented reason: {reason}"
        ));
    };
    let holds = match kind {
        Reason::Name => !valid_name(name),
        Reason::Nul => value.contains('\0'),
        Reason::Dollar => compose_interpolates(value) && value.contains(['\'', '\\', '\n', '\r']),
        Reason::Expands => dotenv_interpolate(value, &BTreeMap::new()) != value,
        Reason::TrailingBackslash => value.ends_with('\\'),
        Reason::TrailingQuote => value.ends_with('"'),
    };
    if holds {
        Ok(kind)
    } else {
        Err(format!(
            "{name}={value:?} refused because it {reason}, which is not so"
        ))
    }
}

/// python-dotenv's interpolation (`dotenv.variables`): `${NAME}` and `${NAME:-default}`, with
/// `NAME` made of anything but `}` and `:`; unknown names read as the default or "".
fn dotenv_interpolate(value: &str, env: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let name_len = after.find(['}', ':']).unwrap_or(after.len());
        let name = &after[..name_len];
        let tail = &after[name_len..];
        let (default, consumed) = if let Some(d) = tail.strip_prefix(":-") {
            match d.find('}') {
                Some(end) => (Some(&d[..end]), name_len + 2 + end + 1),
                None => (None, usize::MAX),
            }
        } else if tail.starts_with('}') {
            (None, name_len + 1)
        } else {
            (None, usize::MAX)
        };
        if consumed == usize::MAX {
            // Not a variable: `${` stays as written, and scanning resumes after the `$`.
            out.push('$');
            rest = &rest[start + 1..];
            continue;
        }
        out.push_str(
            env.get(name)
                .map(String::as_str)
                .or(default)
                .unwrap_or_default(),
        );
        rest = &after[consumed..];
    }
    out.push_str(rest);
    out
}

/// Whether docker compose (compose-go's `template.Substitute`, applied to double-quoted values)
/// gives any `$` of `value` a meaning: `$$`, `${...}` or `$name` with `name` = `[_a-zA-Z]...`.
fn compose_interpolates(value: &str) -> bool {
    value
        .match_indices('$')
        .any(|(i, _)| match value[i + 1..].chars().next() {
            Some(c) => c == '$' || c == '{' || c == '_' || c.is_ascii_alphabetic(),
            None => false,
        })
}

/// What `render` would write for a value needing double quotes if it did not refuse `$`.
fn naive_double_quoted(name: &str, value: &str) -> String {
    let mut out = format!("{name}=\"");
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push_str("\"\n");
    out
}

type Parsed = BTreeMap<String, Option<String>>;

/// Reads each file with python-dotenv; also returns whether python-dotenv warned.
fn dotenv_read(python: &Path, files: &[PathBuf]) -> (Vec<Parsed>, String) {
    let out = Command::new(python)
        .arg(root().join("tools/dotenv-roundtrip.py"))
        .args(files)
        .env_clear()
        .env("LC_ALL", "C.UTF-8")
        .env("PYTHONUTF8", "1")
        .output()
        .expect("run tools/dotenv-roundtrip.py");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "dotenv-roundtrip.py failed: {stderr}"
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let maps = match doc {
        serde_json::Value::Array(items) => items,
        single => vec![single],
    };
    let parsed = maps
        .into_iter()
        .map(|m| {
            m.as_object()
                .expect("a mapping")
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().map(str::to_string)))
                .collect()
        })
        .collect();
    (parsed, stderr)
}

fn expected(vars: &[(String, String)]) -> Parsed {
    vars.iter()
        .map(|(k, v)| (k.clone(), Some(v.clone())))
        .collect()
}

fn differences(want: &Parsed, got: &Parsed) -> Vec<String> {
    let mut out = Vec::new();
    for (k, v) in want {
        match got.get(k) {
            None => out.push(format!("{k}: missing, want {v:?}")),
            Some(g) if g != v => out.push(format!("{k}: read {g:?}, wrote {v:?}")),
            Some(_) => {}
        }
    }
    for k in got.keys().filter(|k| !want.contains_key(*k)) {
        out.push(format!("{k}: read but never written"));
    }
    out
}

#[test]
fn names_are_refused_only_when_invalid() {
    let names = [
        ("A", true),
        ("_", true),
        ("a_1", true),
        ("http_proxy", true),
        ("FLASK_SECRET_KEY", true),
        ("", false),
        ("1A", true),
        ("A-B", true),
        ("a.b", true),
        ("a[1]", true),
        ("spring.datasource.url", true),
        ("management.endpoints.web.base-path", true),
        ("export.x", false),
        ("exporter", false),
        ("EXPORT", true),
        ("A B", false),
        ("A=B", false),
        ("A:B", false),
        ("A#B", false),
        ("'A'", false),
        ("\"A\"", false),
        ("A\nB", false),
        ("É", false),
    ];
    let mut written = Vec::new();
    for (name, ok) in names {
        match render([(name, "v")]) {
            Ok(text) => {
                assert!(ok, "{name:?} should be refused, got {text:?}");
                assert_eq!(text, format!("{name}='v'\n"));
                written.push((name.to_string(), "v".to_string()));
            }
            Err(e) => {
                assert!(!ok, "{name:?} refused: {}", e.reason);
                assert_eq!(e.name, name);
                assert_eq!(check_refusal(name, "v", &e.reason), Ok(Reason::Name));
            }
        }
    }
    let Some(python) = venv_python("dotenv") else {
        eprintln!("skipping the python-dotenv reading of the names: no virtualenv");
        return;
    };
    let dir = common::tmp().join(format!("paasc-env-names-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("names.env");
    let text = render(written.iter().map(|(k, v)| (k.as_str(), v.as_str()))).expect("renders");
    std::fs::write(&file, text).expect("write");
    let (read, warnings) = dotenv_read(&python, std::slice::from_ref(&file));
    let diffs = differences(&expected(&written), &read[0]);
    assert!(
        diffs.is_empty() && warnings.is_empty(),
        "{diffs:#?}\n{warnings}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn interpolation_model_matches_python_dotenv_rules() {
    let env: BTreeMap<String, String> = [("A".to_string(), "1".to_string())].into();
    for (value, want) in [
        ("${A}", "1"),
        ("${B}", ""),
        ("${B:-d}", "d"),
        ("${A:-d}", "1"),
        ("x${A}y${A}", "x1y1"),
        ("$A ${", "$A ${"),
        ("${a:b}", "${a:b}"),
        ("${:-}", ""),
        ("${${A}}", "}"),
    ] {
        assert_eq!(dotenv_interpolate(value, &env), want, "{value:?}");
    }
    assert!(compose_interpolates("a $b"));
    assert!(compose_interpolates("$$"));
    assert!(compose_interpolates("${"));
    assert!(!compose_interpolates("5 $"));
    assert!(!compose_interpolates("$1 $ $-"));
}

#[test]
fn env_files_read_back_exactly_with_python_dotenv() {
    let mut rng = Rng::with_seed(SEED);
    let mut values = fixed_values();
    values.extend((0..RANDOM_VALUES).map(|_| random_value(&mut rng)));

    // Sort every value: refused (with a checked reason), covered by a known issue (read in a
    // file of its own), or part of the shared file.
    let mut problems = Vec::new();
    let mut shared: Vec<(String, String)> = Vec::new();
    let mut refused_dollar: Vec<String> = Vec::new();
    for (i, value) in values.iter().enumerate() {
        let name = format!("V{i}");
        match render([(name.as_str(), value.as_str())]) {
            Ok(_) => shared.push((name, value.clone())),
            Err(e) => match check_refusal(&name, value, &e.reason) {
                Ok(Reason::Dollar) => refused_dollar.push(value.clone()),
                Ok(_) => {}
                Err(why) => problems.push(why),
            },
        }
    }
    assert!(problems.is_empty(), "refusals:\n{}", problems.join("\n"));
    assert!(
        shared.len() > RANDOM_VALUES / 2 && !refused_dollar.is_empty(),
        "the generator no longer covers both written and refused values ({} written, {} refused)",
        shared.len(),
        refused_dollar.len()
    );

    let Some(python) = venv_python("dotenv") else {
        let msg = "python-dotenv is not installed: create the virtualenv as .ci/run does \
                   (python3 -m venv .venv && .venv/bin/pip install python-dotenv==1.2.1), \
                   or set PAASC_VENV";
        assert!(std::env::var("CI").map_or(true, |v| v != "true"), "{msg}");
        eprintln!("skipping the python-dotenv round trip: {msg}");
        return;
    };
    let dir = common::tmp().join(format!("paasc-env-oracle-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");

    // 1. One file holding every value `render` writes, as `compile` writes an environment.
    let text = render(shared.iter().map(|(k, v)| (k.as_str(), v.as_str()))).expect("renders");
    let file = dir.join("shared.env");
    std::fs::write(&file, &text).expect("write");
    let (read, warnings) = dotenv_read(&python, std::slice::from_ref(&file));
    let diffs = differences(&expected(&shared), &read[0]);
    if !diffs.is_empty() || !warnings.is_empty() {
        problems.push(format!(
            "{} of {} values do not read back (file kept at {}):\n{}\n{warnings}",
            diffs.len(),
            shared.len(),
            file.display(),
            diffs
                .iter()
                .take(30)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        ));
    }

    // 2. Refused values: the double-quoted form `render` would need must really be misread, by
    // python-dotenv (read here) or by docker compose (its `$` syntax, modelled).
    let mut files = Vec::new();
    for (i, value) in refused_dollar.iter().enumerate() {
        let path = dir.join(format!("refused-{i}.env"));
        let text = naive_double_quoted("V", value) + "AFTER=plain\n";
        std::fs::write(&path, text).expect("write");
        files.push(path);
    }
    let (read, _) = dotenv_read(&python, &files);
    let mut over_refused = Vec::new();
    for (value, got) in refused_dollar.iter().zip(&read) {
        let dotenv_misreads = got.get("V") != Some(&Some(value.clone()));
        if !dotenv_misreads && !compose_interpolates(value) {
            over_refused.push(value.clone());
        }
    }
    if !over_refused.is_empty() {
        problems.push(format!(
            "{} values are refused for `$` although both readers read them alike, e.g. {:?}",
            over_refused.len(),
            over_refused.first()
        ));
    }
    if problems.is_empty() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    eprintln!(
        "env oracle: {} values read back exactly from one file; {} refused for `$`",
        shared.len(),
        refused_dollar.len(),
    );
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
