//! Rule control through the binary: paasc.toml, `[tool.paasc]`, `--select`/`--ignore` and
//! `# paasc: ignore[...]` comments; hidden diagnostics counted in the summary, JSON and SARIF.

#[path = "support/common.rs"]
mod common;
use common::{paasc, scratch};

use serde_json::Value;
use std::path::{Path, PathBuf};

/// A rock with an unknown key (S001 at line 2) and missing keys (S003, twice).
const ROCK: &str = "name: my-app\nsumary: y\n";

fn project(name: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = scratch(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    for (rel, text) in files {
        std::fs::write(dir.join(rel), text).expect("write");
    }
    dir
}

fn json(dir: &Path, extra: &[&str]) -> (Option<i32>, Value, String) {
    let mut args = vec!["check", dir.to_str().expect("utf8"), "--format", "json"];
    args.extend_from_slice(extra);
    let out = paasc(&args);
    let doc = serde_json::from_slice(&out.stdout).expect("one JSON document");
    (
        out.status.code(),
        doc,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn codes(doc: &Value, field: &str) -> Vec<String> {
    doc[field]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|d| d["code"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn paasc_toml_ignores_a_code_and_counts_it() {
    let dir = project(
        "rules-toml",
        &[
            ("rockcraft.yaml", ROCK),
            ("paasc.toml", "ignore = [\"S001\"]\n"),
        ],
    );
    let (code, doc, stderr) = json(&dir, &[]);
    assert_eq!(code, Some(1));
    assert!(
        !codes(&doc, "diagnostics").contains(&"S001".into()),
        "{doc}"
    );
    assert_eq!(codes(&doc, "suppressed"), ["S001"]);
    assert_eq!(doc["suppressed"][0]["suppression_kind"], "external");
    assert_eq!(
        doc["suppressed"][0]["justification"],
        "ignore in paasc.toml"
    );
    assert_eq!(doc["summary"]["suppressed"], 1);
    assert!(stderr.contains("(1 suppressed)"), "{stderr}");

    let out = paasc(&["check", dir.to_str().expect("utf8"), "--format", "sarif"]);
    let log: Value = serde_json::from_slice(&out.stdout).expect("sarif");
    let results = log["runs"][0]["results"].as_array().expect("results");
    let s001 = results
        .iter()
        .find(|r| r["ruleId"] == "S001")
        .expect("suppressed results stay in SARIF");
    assert_eq!(s001["suppressions"][0]["kind"], "external");
    assert!(results
        .iter()
        .filter(|r| r["ruleId"] != "S001")
        .all(|r| r.get("suppressions").is_none()));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn comments_ignore_their_line_or_the_next() {
    let same = "name: my-app\nsumary: y  # paasc: ignore[S001]\n";
    let above = "name: my-app\n# paasc: ignore[unknown-key]\nsumary: y\n";
    let elsewhere = "# paasc: ignore[S001]\nname: my-app\nsumary: y\n";
    for (text, hidden) in [(same, true), (above, true), (elsewhere, false)] {
        let dir = project("rules-comment", &[("rockcraft.yaml", text)]);
        let (_, doc, _) = json(&dir, &[]);
        assert_eq!(
            codes(&doc, "suppressed").contains(&"S001".into()),
            hidden,
            "{text}: {doc}"
        );
        if hidden {
            assert_eq!(doc["suppressed"][0]["suppression_kind"], "inSource");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn hiding_every_error_exits_zero() {
    let dir = project("rules-all", &[("rockcraft.yaml", ROCK)]);
    let (code, doc, stderr) = json(&dir, &["--ignore", "S001,S003"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(codes(&doc, "diagnostics"), Vec::<String>::new());
    assert_eq!(doc["summary"]["suppressed"], 3);
    let (code, doc, _) = json(&dir, &["--select", "S003"]);
    assert_eq!(code, Some(1));
    assert_eq!(codes(&doc, "diagnostics"), ["S003", "S003"]);
    assert_eq!(
        doc["suppressed"][0]["justification"],
        "not selected by --select"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unknown_codes_and_bad_config_are_diagnostics() {
    let dir = project(
        "rules-unknown",
        &[
            (
                "rockcraft.yaml",
                "name: my-app\nsumary: y  # paasc: ignore[S001, S0001]\n",
            ),
            ("paasc.toml", "select = [\"S\", \"Q\"]\n"),
        ],
    );
    let (_, doc, _) = json(&dir, &[]);
    let f005: Vec<&Value> = doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "F005")
        .collect();
    assert_eq!(f005.len(), 2, "{doc}");
    assert!(f005.iter().any(|d| d["file"]
        .as_str()
        .is_some_and(|f| f.ends_with("paasc.toml"))
        && d["line"] == 1
        && d["column"] == 16));
    assert!(f005.iter().any(|d| d["line"] == 2 && d["column"] == 34));

    std::fs::write(dir.join("paasc.toml"), "ignore = \"S001\"\n").expect("write");
    let (_, doc, _) = json(&dir, &[]);
    assert!(codes(&doc, "diagnostics").contains(&"F004".into()), "{doc}");
    std::fs::write(dir.join("paasc.toml"), "exclude = []\n").expect("write");
    let (_, doc, _) = json(&dir, &[]);
    assert!(codes(&doc, "diagnostics").contains(&"F004".into()), "{doc}");

    let out = paasc(&["check", dir.to_str().expect("utf8"), "--ignore", "Z999"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("`--ignore Z999` names no diagnostic code")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn pyproject_tool_table_and_parent_directories() {
    let dir = project(
        "rules-pyproject",
        &[(
            "pyproject.toml",
            "[project]\nname = \"x\"\n\n[tool.paasc]\nignore = [\"S003\"]\n",
        )],
    );
    std::fs::create_dir_all(dir.join("app")).expect("mkdir");
    std::fs::write(dir.join("app/rockcraft.yaml"), ROCK).expect("write");
    let (_, doc, _) = json(&dir.join("app"), &[]);
    assert_eq!(codes(&doc, "suppressed"), ["S003", "S003"], "{doc}");
    assert_eq!(
        doc["suppressed"][0]["justification"],
        "ignore in [tool.paasc] in pyproject.toml"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The search for a configuration stops at a repository's root: a `.git` directory, or the
/// `.git` file of a worktree or submodule. A paasc.toml above it does not apply.
#[test]
fn the_search_stops_at_a_repository_root() {
    for (name, git_is_dir) in [("rules-git-dir", true), ("rules-git-file", false)] {
        let dir = project(name, &[("paasc.toml", "ignore = [\"S001\"]\n")]);
        let repo = dir.join("repo");
        std::fs::create_dir_all(repo.join("app")).expect("mkdir");
        std::fs::write(repo.join("app/rockcraft.yaml"), ROCK).expect("write");
        let (_, doc, _) = json(&repo.join("app"), &[]);
        assert_eq!(codes(&doc, "suppressed"), ["S001"], "no .git yet: {doc}");
        if git_is_dir {
            std::fs::create_dir_all(repo.join(".git")).expect("mkdir");
        } else {
            std::fs::write(repo.join(".git"), "gitdir: ../.git/worktrees/repo\n").expect("write");
        }
        let (_, doc, _) = json(&repo.join("app"), &[]);
        assert!(codes(&doc, "suppressed").is_empty(), "{name}: {doc}");
        assert!(codes(&doc, "diagnostics").contains(&"S001".into()), "{doc}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
