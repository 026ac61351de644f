//! `paasc graph`: the Mermaid and DOT pictures of every example's deployments equal
//! `golden/graph/<example>/<profile>.{mmd,dot}`. (`.ci/compose.sh` also renders the DOT with
//! Graphviz when it is installed.)
//!
//! After an intended change: `PAASC_BLESS=1 cargo test -p paasc --test graph`, then read
//! `git diff golden/graph`.

#[path = "support/common.rs"]
mod common;
use common::{assert_success, copy_dir, paasc, root, scratch};

#[test]
fn examples_draw_their_golden_pictures() {
    let bless = std::env::var_os("PAASC_BLESS").is_some_and(|v| !v.is_empty() && v != "0");
    let mut failures = Vec::new();
    let mut examples: Vec<_> = std::fs::read_dir(root().join("examples"))
        .expect("examples")
        .map(|e| e.expect("entry").path())
        .collect();
    examples.sort();
    for ex in examples {
        let name = ex
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name")
            .to_string();
        let mut profiles: Vec<_> = std::fs::read_dir(ex.join("profiles"))
            .expect("profiles")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        profiles.sort();
        for profile in profiles {
            let stem = profile.file_stem().and_then(|n| n.to_str()).expect("stem");
            for (format, ext) in [("mermaid", "mmd"), ("dot", "dot")] {
                let out = paasc(&[
                    "graph",
                    &format!("examples/{name}"),
                    "--profile",
                    stem,
                    "--format",
                    format,
                ]);
                assert_success(&out);
                let text = String::from_utf8(out.stdout).expect("UTF-8");
                assert!(
                    !text.contains("dev-only"),
                    "{name}/{stem}: a secret in the picture"
                );
                let path = root()
                    .join("golden/graph")
                    .join(&name)
                    .join(format!("{stem}.{ext}"));
                if bless {
                    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
                    std::fs::write(&path, &text).expect("write");
                } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                    failures.push(format!("{name}/{stem}.{ext}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "differ from golden/graph: {failures:#?} (PAASC_BLESS=1 to update)"
    );
}

#[test]
fn the_readme_shows_the_current_picture() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let picture = std::fs::read_to_string(root().join("golden/graph/flask-workers/prod.mmd"))
        .expect("golden picture");
    assert!(
        readme.contains(&format!("```mermaid\n{picture}```")),
        "README.md's picture is not golden/graph/flask-workers/prod.mmd: paste it in"
    );
}

#[test]
fn rule_control_hides_the_diagnostics_of_graph() {
    let stderr = |out: &std::process::Output| String::from_utf8_lossy(&out.stderr).into_owned();
    let dir = scratch("graph-rules");
    copy_dir(&root().join("golden/errors/profile-unknown-option"), &dir);
    let dir_s = dir.to_str().expect("utf8");
    let out = paasc(&["graph", dir_s, "--profile", "dev"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!stderr(&out).contains("suppressed"), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("P001"));
    std::fs::write(dir.join("paasc.toml"), "ignore = [\"P001\"]\n").expect("write");
    let out = paasc(&["graph", dir_s, "--profile", "dev"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("P001"));
    assert!(
        stderr(&out).contains("(1 suppressed)")
            && stderr(&out).contains("suppressed errors still stop graph: P001"),
        "{}",
        stderr(&out)
    );

    let dir = scratch("graph-rules-warn");
    copy_dir(&root().join("golden/errors/lint-option-not-exported"), &dir);
    let dir_s = dir.to_str().expect("utf8");
    let out = paasc(&["graph", dir_s, "--set", "secret-key=k"]);
    assert_success(&out);
    assert!(stderr(&out).contains("C014"), "{}", stderr(&out));
    std::fs::write(dir.join("paasc.toml"), "ignore = [\"C014\"]\n").expect("write");
    let out = paasc(&["graph", dir_s, "--set", "secret-key=k"]);
    assert_success(&out);
    assert_eq!(stderr(&out), "");
    let _ = std::fs::remove_dir_all(&dir);
}
