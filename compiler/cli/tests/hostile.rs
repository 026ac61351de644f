//! Hostile inputs too big to commit as golden cases: 100 MB project files, profiles and files
//! the extensions read. Each ends in a Y008 diagnostic naming the file, and nothing is written.
//! The charm's own code is read within a file count and a byte budget. The files are sparse (a
//! real head, then zeros), so the test itself stays quick.

#[path = "support/common.rs"]
mod common;
use common::{copy_dir, paasc, root, scratch};

use std::path::{Path, PathBuf};

const HUNDRED_MB: u64 = 100 * 1024 * 1024;

fn project(name: &str) -> PathBuf {
    let dir = scratch(&format!("hostile-{name}"));
    let example = root().join("examples/flask-minimal");
    copy_dir(&example, &dir);
    dir
}

/// Grows `path` to 100 MB, keeping its text as the head.
fn inflate(path: &Path) {
    let f = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .expect("open");
    f.set_len(HUNDRED_MB).expect("set_len");
}

fn diagnostics(out: &std::process::Output) -> Vec<serde_json::Value> {
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    doc["diagnostics"].as_array().cloned().unwrap_or_default()
}

fn y008_for(diags: &[serde_json::Value], file: &str) -> serde_json::Value {
    diags
        .iter()
        .find(|d| d["code"] == "Y008" && d["file"].as_str().is_some_and(|f| f.ends_with(file)))
        .cloned()
        .unwrap_or_else(|| panic!("no Y008 for {file}: {diags:#?}"))
}

#[test]
fn a_100_mb_project_file_is_refused_with_y008() {
    for file in ["rockcraft.yaml", "charmcraft.yaml"] {
        let dir = project(&format!("project-{file}"));
        let path = if file == "charmcraft.yaml" {
            dir.join("charm").join(file)
        } else {
            dir.join(file)
        };
        inflate(&path);
        let out = paasc(&["check", &dir.to_string_lossy(), "--format", "json"]);
        assert_eq!(out.status.code(), Some(1), "{file}");
        let diags = diagnostics(&out);
        let d = y008_for(&diags, file);
        assert_eq!(d["severity"], "error");
        assert_eq!(d["line"], 1);
        assert!(
            d["message"]
                .as_str()
                .is_some_and(|m| m.contains("8388608 bytes")),
            "{d}"
        );
        assert_eq!(
            diags.len(),
            1,
            "only the size is reported for {file}, no follow-on errors: {diags:#?}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn a_100_mb_profile_is_refused_and_nothing_is_written() {
    let dir = project("profile");
    inflate(&dir.join("profiles/default.yaml"));
    let out_dir = dir.join("out");
    let out = paasc(&[
        "compile",
        &dir.to_string_lossy(),
        "-o",
        &out_dir.to_string_lossy(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let d = y008_for(&diagnostics(&out), "profiles/default.yaml");
    assert_eq!(d["severity"], "error");
    assert!(!out_dir.exists(), "nothing may be written");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_100_mb_file_the_extension_reads_is_named() {
    let dir = project("app");
    inflate(&dir.join("requirements.txt"));
    let out = paasc(&["check", &dir.to_string_lossy(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let d = y008_for(&diagnostics(&out), "requirements.txt");
    let message = d["message"].as_str().unwrap_or_default();
    assert!(message.contains(&HUNDRED_MB.to_string()), "{message}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_charm_code_read_is_bounded() {
    let dir = scratch("hostile-charm-code");
    let src = dir.join("src");
    std::fs::create_dir_all(src.join("deep/deeper/deepest")).expect("mkdir");
    for i in 0..100 {
        std::fs::write(src.join(format!("a{i:03}.py")), "x = 1\n").expect("write");
    }
    std::fs::write(src.join("charm.py"), "RELATION = \"amqp\"\n").expect("write");
    std::fs::write(src.join("deep/deeper/deepest/far.py"), "").expect("write");
    let code = paasc::load::charm_code(&dir);
    assert_eq!(code.len(), 64, "{:?}", code.keys().collect::<Vec<_>>());
    assert!(code.contains_key("src/charm.py"));
    assert!(!code.keys().any(|k| k.contains("deepest")));
    inflate(&src.join("a000.py"));
    let code = paasc::load::charm_code(&dir);
    let bytes: usize = code.values().map(String::len).sum();
    assert_eq!(bytes, 4 * 1024 * 1024);
    assert!(code.contains_key("src/charm.py"));
}
