//! The conformance runner: every case of the project's `conformance/` corpus (or of
//! `$PAASC_CONFORMANCE_DIR`, same layout, when set) run through paasc and compared with what the
//! real tools produced. A missing or empty corpus fails the test: it never passes having run
//! nothing.
//!
//! Each checked output is one result, named `<framework>/<kind>/<case>:<part>`. Results not yet
//! implemented are listed in `golden/conformance-pending.txt`; the test fails when a result
//! outside that list fails, and when a listed one passes (so the list only shrinks).

#[path = "support/common.rs"]
mod common;
use common::root;

#[path = "support/runtime.rs"]
mod runtime;

use paasc_diag::{FileId, SourceDb};
use paasc_syntax::{parse, write, Limits, Yaml};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn load_yaml(text: &str) -> Result<Yaml, String> {
    let (tree, diags) = parse(FileId(0), text, Limits::default());
    if let Some(d) = diags
        .iter()
        .find(|d| d.severity == paasc_diag::Severity::Error)
    {
        return Err(d.message.clone());
    }
    Ok(tree
        .root()
        .map(|r| Yaml::from_tree(&tree, r))
        .unwrap_or(Yaml::Null))
}

/// The tool's message without craft-cli trailers and the `exit:` line.
fn tool_message(text: &str) -> String {
    text.lines()
        .filter(|l| {
            !l.starts_with("exit: ")
                && !l.starts_with("For more information, check out:")
                && !l.starts_with("*EXPERIMENTAL*")
        })
        .collect::<Vec<_>>()
        .join("\n")
        .trim()
        .to_string()
}

/// Compares messages, reading `{'a', 'b'}` Python set literals as sets.
fn same_message(a: &str, b: &str) -> bool {
    fn canon(s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(start) = rest.find("{'") {
            let Some(len) = rest[start..].find("'}") else {
                break;
            };
            out.push_str(&rest[..start]);
            let inner = &rest[start + 1..start + len + 1];
            let mut items: Vec<&str> = inner.split(", ").collect();
            items.sort_unstable();
            out.push('{');
            out.push_str(&items.join(", "));
            out.push('}');
            rest = &rest[start + len + 2..];
        }
        out.push_str(rest);
        out
    }
    canon(a) == canon(b)
}

/// Reads `<case>/<file>` (charmcraft.yaml or rockcraft.yaml) and returns its text with the errors
/// paasc's own checker reports in it.
fn read_and_check(
    case: &Path,
    file: &str,
) -> Result<(String, Vec<paasc_diag::Diagnostic>), String> {
    let text = std::fs::read_to_string(case.join(file)).map_err(|e| format!("input: {e}"))?;
    let mut db = SourceDb::new();
    let id = db.add(file, text.clone());
    let files = if file == "charmcraft.yaml" {
        paasc_model::ProjectFiles {
            charmcraft: Some(id),
            rockcraft: None,
        }
    } else {
        paasc_model::ProjectFiles {
            charmcraft: None,
            rockcraft: Some(id),
        }
    };
    let errors = paasc_model::analyze(&db, files)
        .diagnostics
        .into_iter()
        .filter(|d| d.severity == paasc_diag::Severity::Error)
        .collect();
    Ok((text, errors))
}

fn run_charmcraft(case: &Path, experimental: bool) -> Result<(), String> {
    let expected_dir = case.join("expected");
    let (text, model_errors) = read_and_check(case, "charmcraft.yaml")?;
    let dir = paasc::load::project_dir(case, &["expected"]);
    let doc = load_yaml(&text)?;
    let ours = paasc_expand::charmcraft::expand(
        &doc,
        &dir,
        paasc_expand::charmcraft::Options { experimental },
    );
    if let Ok(expected) = std::fs::read_to_string(expected_dir.join("charmcraft.expanded.yaml")) {
        if let Some(d) = model_errors.first() {
            return Err(format!(
                "paasc reports an error where charmcraft succeeds: {} {}",
                d.code.0, d.message
            ));
        }
        let expected = load_yaml(&expected)?;
        return match ours {
            Ok(got) if got == expected => Ok(()),
            Ok(got) => Err(diff(&write::to_string(&expected), &write::to_string(&got))),
            Err(e) => Err(format!(
                "paasc failed where charmcraft succeeds: {}",
                e.message
            )),
        };
    }
    let expected = std::fs::read_to_string(expected_dir.join("charmcraft.error.txt"))
        .map_err(|e| format!("expected: {e}"))?;
    let want = tool_message(&expected);
    let mut got_messages: Vec<String> = model_errors.into_iter().map(|d| d.message).collect();
    if let Err(e) = ours {
        got_messages.push(e.message);
    }
    if got_messages.iter().any(|m| same_message(m, &want)) {
        Ok(())
    } else {
        Err(format!(
            "charmcraft fails with:\n  {want}\npaasc reports:\n  {}",
            got_messages.join("\n  ")
        ))
    }
}

fn run_rockcraft(case: &Path, experimental: bool) -> Result<(), String> {
    let expected_dir = case.join("expected");
    let (text, model_errors) = read_and_check(case, "rockcraft.yaml")?;
    let doc = load_yaml(&text)?;
    let name = doc.get("name").and_then(Yaml::as_str).unwrap_or_default();
    let dir = paasc::load::rock_project_dir(case, &["expected"], name);
    let ours = paasc_expand::rockcraft::expand(
        &doc,
        &dir,
        paasc_expand::rockcraft::Options { experimental },
    );
    if let Ok(expected) = std::fs::read_to_string(expected_dir.join("rockcraft.expanded.yaml")) {
        if let Some(d) = model_errors.first() {
            return Err(format!(
                "paasc reports an error where rockcraft succeeds: {} {}",
                d.code.0, d.message
            ));
        }
        let expected = load_yaml(&expected)?;
        return match ours {
            Ok(got) => {
                let printed = paasc::expand::rock_output(&got);
                let got = load_yaml(&printed)?;
                if got == expected {
                    Ok(())
                } else {
                    Err(diff(&write::to_string(&expected), &write::to_string(&got)))
                }
            }
            Err(e) => Err(format!(
                "paasc failed where rockcraft succeeds: {}",
                e.message
            )),
        };
    }
    let expected = std::fs::read_to_string(expected_dir.join("rockcraft.error.txt"))
        .map_err(|e| format!("expected: {e}"))?;
    let want = tool_message(&expected);
    match ours {
        Err(f) if same_message(&f.message, &want) => Ok(()),
        Err(f) => Err(format!(
            "rockcraft fails with:\n  {want}\npaasc reports:\n  {}",
            f.message
        )),
        Ok(_) => Err(format!("rockcraft fails with:\n  {want}\npaasc succeeds")),
    }
}

fn diff(expected: &str, got: &str) -> String {
    let mut out = String::from("--- charmcraft\n+++ paasc\n");
    let (e, g): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), got.lines().collect());
    for i in 0..e.len().max(g.len()) {
        match (e.get(i), g.get(i)) {
            (Some(a), Some(b)) if a == b => {}
            (a, b) => {
                if let Some(a) = a {
                    out.push_str(&format!("-{a}\n"));
                }
                if let Some(b) = b {
                    out.push_str(&format!("+{b}\n"));
                }
            }
        }
    }
    out
}

/// The corpus: `$PAASC_CONFORMANCE_DIR` when set, else the copy committed in `conformance/`.
fn corpus_root() -> PathBuf {
    std::env::var_os("PAASC_CONFORMANCE_DIR")
        .map_or_else(|| root().join("conformance"), PathBuf::from)
}

fn subdirs(p: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(p)
        .map(|r| {
            r.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn conformance() {
    let verbose = std::env::var_os("PAASC_CONFORMANCE_VERBOSE").is_some();
    let pending: BTreeSet<String> =
        std::fs::read_to_string(root().join("golden/conformance-pending.txt"))
            .unwrap_or_default()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_string)
            .collect();
    let (mut passed, mut failed) = (0, 0);
    let mut unexpected = Vec::new();
    let mut now_passing = Vec::new();
    let corpus = corpus_root();
    assert!(
        corpus.is_dir(),
        "conformance corpus {} is missing",
        corpus.display()
    );
    for fw in subdirs(&corpus) {
        let fw_name = fw
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let mut results: Vec<(String, Result<(), String>)> = Vec::new();
        for case in subdirs(&fw.join("expand")) {
            let name = case
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            // The corpus ran charmcraft with CHARMCRAFT_ENABLE_EXPERIMENTAL_EXTENSIONS for spring-boot.
            let experimental = fw_name == "spring-boot";
            results.push((
                format!("{fw_name}/expand/{name}:charmcraft"),
                run_charmcraft(&case, experimental),
            ));
            results.push((
                format!("{fw_name}/expand/{name}:rockcraft"),
                run_rockcraft(&case, experimental),
            ));
        }
        for case in subdirs(&fw.join("runtime")) {
            let name = case
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            results.push((
                format!("{fw_name}/runtime/{name}"),
                runtime::run(&case, &fw_name),
            ));
        }
        for (id, result) in results {
            match result {
                Ok(()) => {
                    passed += 1;
                    if pending.contains(&id) {
                        now_passing.push(id);
                    }
                }
                Err(why) => {
                    failed += 1;
                    if verbose && pending.contains(&id) {
                        eprintln!("PENDING {id}\n{why}\n");
                    }
                    if !pending.contains(&id) {
                        eprintln!("FAIL {id}\n{why}\n");
                        unexpected.push(id);
                    }
                }
            }
        }
    }
    println!("conformance: {passed} passed, {failed} failed");
    assert!(
        passed + failed > 0,
        "conformance corpus {} holds no case",
        corpus.display()
    );
    assert!(
        unexpected.is_empty(),
        "{} results fail that are not in golden/conformance-pending.txt: {unexpected:#?}",
        unexpected.len()
    );
    assert!(
        now_passing.is_empty(),
        "these now pass; remove them from golden/conformance-pending.txt: {now_passing:#?}"
    );
}
