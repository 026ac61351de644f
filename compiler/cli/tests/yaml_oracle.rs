//! The YAML writer (`paasc_syntax::write`) against a real reader: PyYAML, through
//! `tools/yaml-roundtrip.py`, in the virtualenv `.ci/run` creates (`$PAASC_VENV`, default
//! `.venv`). Strings holding every character outside YAML's printable set (C0 and C1 controls,
//! DEL, U+FFFE, U+FFFF), line breaks YAML 1.1 knows (NEL, LS, PS), a byte order mark, and
//! random mixes of them with quotes and indicators (a fixed seed) must load back exactly, as
//! keys and as values; and so must every YAML file `paasc compile` writes for a profile value
//! holding them (PyYAML refuses these characters raw, as Helm's Go reader does).
//!
//! Without the virtualenv the test says so and checks only what needs no Python; with
//! `CI=true` a missing virtualenv fails the test.

#[path = "support/common.rs"]
mod common;
use common::{copy_dir, paasc, root, scratch, venv_python};

use paasc_syntax::Yaml;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Characters a YAML stream may not hold raw, or that a reader takes as a line break or a BOM.
fn special_chars() -> Vec<char> {
    let mut out: Vec<char> = ('\0'..='\u{1f}').chain('\u{7f}'..='\u{9f}').collect();
    out.extend(['\u{feff}', '\u{2028}', '\u{2029}', '\u{fffe}', '\u{ffff}']);
    out
}

/// Ordinary text around them: quotes, indicators, spaces, unicode at the edges of the printable
/// ranges.
const TOKENS: &[&str] = &[
    "a",
    " ",
    "'",
    "\"",
    "\\",
    ": ",
    " #",
    "-",
    "?",
    "{",
    "[",
    "*",
    "&",
    "!",
    "%",
    "@",
    "`",
    "\n",
    "\t",
    "é",
    "\u{d7ff}",
    "\u{e000}",
    "\u{fffd}",
    "😀",
    "\u{1b}[2J",
    "\u{9b}31m",
];

fn strings() -> Vec<String> {
    let mut out = Vec::new();
    for c in special_chars() {
        out.extend([
            format!("{c}"),
            format!("{c}lead"),
            format!("mid{c}dle"),
            format!("trail{c}"),
            format!("line one\nline{c}two\n"),
        ]);
    }
    let specials = special_chars();
    let mut rng = fastrand::Rng::with_seed(0x5eed_2026_1202_7a31);
    for _ in 0..2000 {
        let len = 1 + rng.usize(..8);
        let s: String = (0..len)
            .map(|_| {
                if rng.usize(..3) == 0 {
                    specials[rng.usize(..specials.len())].to_string()
                } else {
                    TOKENS[rng.usize(..TOKENS.len())].to_string()
                }
            })
            .collect();
        out.push(s);
    }
    out
}

/// Loads each file with PyYAML, as JSON.
fn pyyaml_load(python: &Path, files: &[PathBuf]) -> Vec<serde_json::Value> {
    let out = Command::new(python)
        .arg(root().join("tools/yaml-roundtrip.py"))
        .args(files)
        .env_clear()
        .env("LC_ALL", "C.UTF-8")
        .env("PYTHONUTF8", "1")
        .output()
        .expect("run tools/yaml-roundtrip.py");
    assert!(
        out.status.success(),
        "PyYAML refuses a file paasc wrote: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    doc.as_array().cloned().expect("a list of documents")
}

fn python_or_skip() -> Option<PathBuf> {
    let python = venv_python("yaml");
    if python.is_none() {
        let msg =
            "PyYAML is not installed: create the virtualenv as .ci/run does, or set PAASC_VENV";
        assert!(std::env::var("CI").map_or(true, |v| v != "true"), "{msg}");
        eprintln!("skipping the PyYAML round trip: {msg}");
    }
    python
}

#[test]
fn strings_with_any_character_load_back_in_pyyaml() {
    let strings = strings();
    let doc = Yaml::Map(
        strings
            .iter()
            .enumerate()
            .flat_map(|(i, s)| {
                [
                    (Yaml::str(format!("k{i}")), Yaml::str(s.as_str())),
                    (Yaml::str(format!("{s}{i}")), Yaml::str(format!("v{i}"))),
                ]
            })
            .collect(),
    );
    let text = paasc_syntax::write::to_string(&doc);
    for c in [
        '\u{7f}', '\u{80}', '\u{85}', '\u{9f}', '\u{fffe}', '\u{ffff}',
    ] {
        assert!(!text.contains(c), "{c:?} is written raw");
    }
    let Some(python) = python_or_skip() else {
        return;
    };
    let dir = scratch("yaml-oracle-strings");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let file = dir.join("strings.yaml");
    std::fs::write(&file, &text).expect("write");
    let loaded = pyyaml_load(&python, std::slice::from_ref(&file));
    let mut want = serde_json::Map::new();
    for (i, s) in strings.iter().enumerate() {
        want.insert(format!("k{i}"), s.clone().into());
        want.insert(format!("{s}{i}"), format!("v{i}").into());
    }
    let got = loaded[0].as_object().expect("a mapping");
    let wrong: Vec<String> = want
        .iter()
        .filter(|(k, v)| got.get(*k) != Some(v))
        .map(|(k, v)| format!("{k:?}: want {v}, PyYAML read {:?}", got.get(k)))
        .take(10)
        .collect();
    assert!(
        wrong.is_empty() && got.len() == want.len(),
        "{}",
        wrong.join("\n")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn holds(v: &serde_json::Value, want: &str) -> bool {
    match v {
        serde_json::Value::String(s) => s == want,
        serde_json::Value::Array(items) => items.iter().any(|i| holds(i, want)),
        serde_json::Value::Object(m) => m.values().any(|i| holds(i, want)),
        _ => false,
    }
}

#[test]
fn compiled_yaml_files_load_in_pyyaml_whatever_the_values_hold() {
    let dir = scratch("yaml-oracle-compile");
    copy_dir(&root().join("examples/flask-minimal"), &dir);
    let value = "a\u{7f}b\u{85}c\u{9b}[2Jd\u{fffe}e\u{ffff}f";
    let escaped = "a\\x7Fb\\x85c\\x9B[2Jd\\uFFFEe\\uFFFFf";
    std::fs::write(
        dir.join("profiles/default.yaml"),
        format!("secret-key: dev\nconfig:\n  flask-env: \"{escaped}\"\n"),
    )
    .expect("profile");
    let rock = std::fs::read_to_string(dir.join("rockcraft.yaml")).expect("rockcraft.yaml");
    let summary = "A summary \\x9B\\uFFFE";
    let rock: String = rock
        .lines()
        .map(|l| {
            if l.starts_with("summary:") {
                format!("summary: \"{summary}\"\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(dir.join("rockcraft.yaml"), rock).expect("rockcraft.yaml");
    let out_dir = dir.join("out");
    let out = paasc(&[
        "compile",
        &dir.to_string_lossy(),
        "-o",
        &out_dir.to_string_lossy(),
        "--emit",
        "pebble,helm",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let files: Vec<PathBuf> = common::files_under(&out_dir)
        .into_keys()
        .filter(|p| p.ends_with(".yaml") && !p.contains("/templates/"))
        .map(|p| out_dir.join(p))
        .collect();
    assert!(files.len() >= 4, "{files:?}");
    for (path, bytes) in common::files_under(&out_dir) {
        let text = String::from_utf8(bytes).expect("UTF-8");
        if path.ends_with(".yaml") && !path.contains("/templates/") {
            assert!(
                !text.contains(['\u{7f}', '\u{85}', '\u{9b}', '\u{fffe}', '\u{ffff}']),
                "{path} holds a raw control or noncharacter"
            );
        }
    }
    let Some(python) = python_or_skip() else {
        return;
    };
    let loaded = pyyaml_load(&python, &files);
    for (file, doc) in files.iter().zip(&loaded) {
        let name = file.to_string_lossy();
        if name.ends_with("charm-layer.yaml") || name.ends_with("values.yaml") {
            assert!(holds(doc, value), "{name} does not hold the value: {doc}");
        }
        if name.ends_with("Chart.yaml") {
            assert_eq!(doc["description"], "A summary \u{9b}\u{fffe}", "{name}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
