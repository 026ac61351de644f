//! `paasc graph`: the Mermaid and DOT pictures of every example's deployments equal
//! `golden/graph/<example>/<profile>.{mmd,dot}`. (`.ci/compose.sh` also renders the DOT with
//! Graphviz when it is installed.)
//!
//! After an intended change: `PAASC_BLESS=1 cargo test -p paasc --test graph`, then read
//! `git diff golden/graph`.

#[path = "support/common.rs"]
mod common;
use common::{assert_success, paasc, root};

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
