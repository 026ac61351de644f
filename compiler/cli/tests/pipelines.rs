//! What pipelines take from paasc: the checked-in man page is current, `check --fix --diff` and
//! `--fix --check` write nothing, and `paasc ci github` writes a workflow (actionlint checks it
//! in `.ci/run`).

#[path = "support/common.rs"]
mod common;
use common::{paasc, root, scratch};

#[test]
fn man_pages_are_current() {
    let dir = scratch("man");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    let out = paasc(&["man", "--dir", dir.to_str().expect("utf8")]);
    assert_eq!(out.status.code(), Some(0));
    let list = |d: &std::path::Path| -> Vec<(String, Vec<u8>)> {
        let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(d)
            .map(|r| {
                r.filter_map(Result::ok)
                    .map(|e| {
                        let name = e.file_name().to_string_lossy().into_owned();
                        (name, std::fs::read(e.path()).unwrap_or_default())
                    })
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    };
    let now = list(&dir);
    assert!(
        now.iter().any(|(n, _)| n == "paasc-check.1"),
        "{:?}",
        now.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    assert!(
        list(&root().join("docs/man")) == now,
        "docs/man is stale: run `rm -rf docs/man && mkdir docs/man && cargo run -q -- man --dir docs/man`"
    );
    assert_eq!(
        paasc(&["man"]).stdout,
        now.iter()
            .find(|(n, _)| n == "paasc.1")
            .map(|(_, t)| t.clone())
            .unwrap_or_default()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn fix_diff_and_fix_check_write_nothing() {
    let dir = scratch("fix-preview");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    let rock = "name: x\nsumary: y  # keep me\nversion: 1.10\n";
    std::fs::write(dir.join("rockcraft.yaml"), rock).expect("write");
    let d = dir.to_str().expect("utf8");

    let out = paasc(&["check", d, "--fix", "--diff"]);
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&out.stdout);
    for line in [
        "-sumary: y  # keep me\n",
        "+summary: y  # keep me\n",
        "-version: 1.10\n",
        "+version: '1.10'\n",
        "@@ -1,3 +1,3 @@\n",
    ] {
        assert!(diff.contains(line), "{line}: {diff}");
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("would fix "), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.join("rockcraft.yaml")).expect("read"),
        rock
    );

    let out = paasc(&["check", d, "--fix", "--check", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(doc["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .any(|x| x["code"] == "S001"));
    assert_eq!(
        std::fs::read_to_string(dir.join("rockcraft.yaml")).expect("read"),
        rock
    );

    assert_eq!(paasc(&["check", d, "--diff"]).status.code(), Some(2));

    let out = paasc(&["check", d, "--fix"]);
    let fixed = std::fs::read_to_string(dir.join("rockcraft.yaml")).expect("read");
    assert_eq!(
        fixed, "name: x\nsummary: y  # keep me\nversion: '1.10'\n",
        "{out:?}"
    );
    let out = paasc(&["check", d, "--fix", "--check"]);
    assert!(String::from_utf8_lossy(&out.stderr)
        .lines()
        .all(|l| !l.starts_with("would fix")));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ci_github_writes_a_workflow_for_each_project() {
    let out = paasc(&["ci", "github", ".", "apps/web/"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("project: ['.', 'apps/web']"), "{text}");
    assert_eq!(paasc(&["ci", "github", "../x"]).status.code(), Some(2));
    assert_eq!(paasc(&["ci", "gitlab"]).status.code(), Some(2));
}
