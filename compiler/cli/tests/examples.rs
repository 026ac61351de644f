//! Golden artifacts of the examples: every `examples/<example>/profiles/<profile>.yaml` is
//! compiled with the real binary (all artifacts, the default `--emit`) and the whole output tree
//! (file names and bytes) must equal `golden/examples/<example>/<profile>/`, except the image
//! (`docker/`), which must be the same for every profile and equal `golden/examples/<example>/docker/`.
//!
//! After an intended change, `PAASC_BLESS=1 cargo test -p paasc --test examples` rewrites the
//! golden trees (and removes those of deleted examples or profiles); read `git diff golden/`
//! before committing. Blessing is refused when `CI=true`.

#[path = "support/common.rs"]
mod common;
use common::{artifacts_under, assert_success, copy_dir, files_under, paasc, root, scratch};

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

/// Sorted names of the subdirectories (or, with `ext`, of the files ending in `.ext`, without
/// it) of `dir`.
fn names(dir: &Path, ext: Option<&str>) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let is_dir = e.file_type().ok()?.is_dir();
            match ext {
                None => is_dir.then_some(name),
                Some(ext) => {
                    let stem = name.strip_suffix(&format!(".{ext}"))?;
                    (!is_dir).then(|| stem.to_string())
                }
            }
        })
        .collect();
    out.sort();
    out
}

/// A line diff with three lines of context, `-` for the golden text and `+` for the new one.
fn diff(want: &str, got: &str) -> String {
    const CONTEXT: usize = 3;
    const MAX_LINES: usize = 4000;
    let a: Vec<&str> = want.split_inclusive('\n').collect();
    let b: Vec<&str> = got.split_inclusive('\n').collect();
    if a.len() > MAX_LINES || b.len() > MAX_LINES {
        let first = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
        return format!(
            "  (too long to diff; first difference at line {})\n",
            first + 1
        );
    }
    // Longest common subsequence, then a walk that emits the edit script.
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut ops: Vec<(char, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            ops.push((' ', a[i]));
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', a[i]));
            i += 1;
        } else {
            ops.push(('+', b[j]));
            j += 1;
        }
    }
    let changed: Vec<usize> = (0..ops.len()).filter(|&k| ops[k].0 != ' ').collect();
    let near = |k: usize| {
        changed
            .iter()
            .any(|&c| k + CONTEXT >= c && k <= c + CONTEXT)
    };
    let mut out = String::new();
    let mut skipped = false;
    for (k, (tag, line)) in ops.iter().enumerate() {
        if !near(k) {
            skipped = true;
            continue;
        }
        if skipped {
            out.push_str("  @@\n");
            skipped = false;
        }
        let shown = line.strip_suffix('\n').unwrap_or(line);
        let eol = if line.ends_with('\n') {
            ""
        } else {
            "  (no newline at end)"
        };
        let _ = writeln!(out, "  {tag}{shown}{eol}");
    }
    out
}

/// What differs between the golden tree and the compiled one, or `None`.
fn compare(want: &BTreeMap<String, Vec<u8>>, got: &BTreeMap<String, Vec<u8>>) -> Option<String> {
    let mut out = String::new();
    for name in want.keys().filter(|n| !got.contains_key(*n)) {
        let _ = writeln!(
            out,
            "missing (golden has it, compile did not write it): {name}"
        );
    }
    for name in got.keys().filter(|n| !want.contains_key(*n)) {
        let _ = writeln!(out, "new (compile wrote it, golden lacks it): {name}");
    }
    for (name, bytes) in got {
        let Some(golden) = want.get(name) else {
            continue;
        };
        if golden == bytes {
            continue;
        }
        let _ = writeln!(out, "differs: {name}");
        match (std::str::from_utf8(golden), std::str::from_utf8(bytes)) {
            (Ok(w), Ok(g)) => out.push_str(&diff(w, g)),
            _ => {
                let _ = writeln!(
                    out,
                    "  (binary: {} bytes golden, {} bytes now)",
                    golden.len(),
                    bytes.len()
                );
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

fn compile(example: &Path, profile: &str, out: &Path) -> Result<(), String> {
    let _ = std::fs::remove_dir_all(out);
    let result = Command::new(env!("CARGO_BIN_EXE_paasc"))
        .arg("compile")
        .arg(example)
        .arg("--profile")
        .arg(profile)
        .arg("-o")
        .arg(out)
        .env("NO_COLOR", "1")
        .env_remove("CHARMCRAFT_ENABLE_EXPERIMENTAL_EXTENSIONS")
        .env_remove("ROCKCRAFT_ENABLE_EXPERIMENTAL_EXTENSIONS")
        .output()
        .map_err(|e| format!("cannot run paasc: {e}"))?;
    if result.status.success() {
        Ok(())
    } else {
        Err(format!(
            "paasc compile exited {:?}\n--- stdout\n{}--- stderr\n{}",
            result.status.code(),
            String::from_utf8_lossy(&result.stdout),
            String::from_utf8_lossy(&result.stderr)
        ))
    }
}

fn write_tree(dir: &Path, files: &BTreeMap<String, Vec<u8>>) {
    let _ = std::fs::remove_dir_all(dir);
    for (name, bytes) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir golden");
        std::fs::write(&path, bytes).expect("write golden file");
    }
}

/// A compiled or golden tree: relative path to bytes.
type Files = BTreeMap<String, Vec<u8>>;

/// The golden directory of an example's image: `golden/examples/<example>/docker/`, once per
/// example, since the image does not depend on the deployment profile.
const IMAGE: &str = "docker";

/// Splits a compiled tree into the profile's artifacts and the image's (`docker/...`, with that
/// prefix removed).
fn split_image(files: Files) -> (Files, Files) {
    let prefix = format!("{IMAGE}/");
    let (docker, rest): (Files, Files) =
        files.into_iter().partition(|(k, _)| k.starts_with(&prefix));
    let docker = docker
        .into_iter()
        .map(|(k, v)| (k[prefix.len()..].to_string(), v))
        .collect();
    (rest, docker)
}

#[test]
fn examples_compile_to_their_golden_artifacts() {
    let root = root();
    let bless = std::env::var_os("PAASC_BLESS").is_some_and(|v| !v.is_empty() && v != "0");
    if bless && std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("PAASC_BLESS is refused when CI=true: bless locally and commit the golden files");
    }
    let golden_root = root.join("golden/examples");
    let scratch = common::tmp().join(format!("paasc-examples-{}", std::process::id()));
    let examples = names(&root.join("examples"), None);
    assert!(!examples.is_empty(), "no examples under examples/");

    let mut failures = Vec::new();
    let mut checked = 0;
    let mut blessed = Vec::new();
    for example in &examples {
        let dir = root.join("examples").join(example);
        let profiles = names(&dir.join("profiles"), Some("yaml"));
        if !profiles.iter().any(|p| p == "default") || profiles.len() < 2 {
            failures.push(format!(
                "{example}: every example needs profiles/default.yaml and at least one more profile, found {profiles:?}"
            ));
        }
        let mut image: Option<(String, Files)> = None;
        for profile in &profiles {
            let case = format!("{example}/{profile}");
            let out = scratch.join(example).join(profile);
            if let Err(why) = compile(&dir, profile, &out) {
                failures.push(format!("{case}: {why}"));
                continue;
            }
            checked += 1;
            let (got, docker) = split_image(artifacts_under(&out));
            match &image {
                None => image = Some((profile.clone(), docker)),
                Some((first, want)) => {
                    if let Some(report) = compare(want, &docker) {
                        failures.push(format!(
                            "{case}: the image differs from profile {first}'s, but the Dockerfile must not depend on the profile\n{report}"
                        ));
                    }
                }
            }
            let golden_dir = golden_root.join(example).join(profile);
            let want = files_under(&golden_dir);
            if let Some(report) = compare(&want, &got) {
                if bless {
                    write_tree(&golden_dir, &got);
                    blessed.push(case);
                } else {
                    failures.push(format!(
                        "{case}: output differs from golden/examples/{case}/\n{report}"
                    ));
                }
            }
        }
        if let Some((_, got)) = &image {
            let golden_dir = golden_root.join(example).join(IMAGE);
            let want = files_under(&golden_dir);
            if let Some(report) = compare(&want, got) {
                if bless {
                    write_tree(&golden_dir, got);
                    blessed.push(format!("{example}/{IMAGE}"));
                } else {
                    failures.push(format!(
                        "{example}: the image differs from golden/examples/{example}/{IMAGE}/\n{report}"
                    ));
                }
            }
        }
        // Golden trees of profiles that no longer exist.
        for stale in names(&golden_root.join(example), None)
            .into_iter()
            .filter(|p| p != IMAGE && !profiles.contains(p))
        {
            if bless {
                let _ = std::fs::remove_dir_all(golden_root.join(example).join(&stale));
                blessed.push(format!("{example}/{stale} (removed)"));
            } else {
                failures.push(format!(
                    "golden/examples/{example}/{stale}/ has no profile examples/{example}/profiles/{stale}.yaml"
                ));
            }
        }
    }
    for stale in names(&golden_root, None)
        .into_iter()
        .filter(|e| !examples.contains(e))
    {
        if bless {
            let _ = std::fs::remove_dir_all(golden_root.join(&stale));
            blessed.push(format!("{stale} (removed)"));
        } else {
            failures.push(format!(
                "golden/examples/{stale}/ has no example examples/{stale}/"
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    for case in &blessed {
        eprintln!("blessed golden/examples/{case}");
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} example compilations do not match (PAASC_BLESS=1 rewrites the golden files after an intended change):\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn diff_shows_changed_lines_with_context() {
    let want = "a\nb\nc\nd\ne\nf\ng\nh\ni\n";
    let got = "a\nb\nc\nd\nE\nf\ng\nh\ni\nj";
    let d = diff(want, got);
    assert!(d.contains("  -e\n  +E\n"), "{d}");
    assert!(d.contains("  +j  (no newline at end)\n"), "{d}");
    assert!(
        !d.contains("  a\n"),
        "context is limited to three lines: {d}"
    );
    assert!(d.contains("  @@\n"), "{d}");
    let mut w = BTreeMap::new();
    w.insert("x".to_string(), b"1\n".to_vec());
    w.insert("gone".to_string(), Vec::new());
    let mut g = w.clone();
    g.remove("gone");
    g.insert("x".to_string(), b"2\n".to_vec());
    g.insert("new".to_string(), Vec::new());
    let report = compare(&w, &g).expect("differs");
    assert!(report.contains("missing (golden has it, compile did not write it): gone"));
    assert!(report.contains("new (compile wrote it, golden lacks it): new"));
    assert!(report.contains("differs: x\n  -1\n  +2\n"), "{report}");
    assert_eq!(compare(&w, &w), None);
}

/// The image is the rock: `--emit dockerfile` reads no profile (it compiles with none), and
/// the Dockerfile is the same bytes whatever the profile.
#[test]
fn the_dockerfile_is_one_for_every_profile_and_needs_none() {
    let example = root().join("examples/flask-workers");
    let dockerfile = |out: &Path| std::fs::read(out.join("docker/Dockerfile")).expect("Dockerfile");
    let base = scratch("one-image");
    let mut seen = Vec::new();
    for profile in names(&example.join("profiles"), Some("yaml")) {
        let out = base.join(&profile);
        compile(&example, &profile, &out).unwrap_or_else(|why| panic!("{profile}: {why}"));
        seen.push((profile, dockerfile(&out)));
    }
    assert!(seen.len() >= 2, "flask-workers has several profiles");
    let bare = base.join("no-profiles");
    copy_dir(&example, &bare);
    std::fs::remove_dir_all(bare.join("profiles")).expect("remove profiles/");
    let out = base.join("out");
    let (dir, to) = (bare.to_string_lossy(), out.to_string_lossy());
    assert_success(&paasc(&[
        "compile",
        &dir,
        "--emit",
        "dockerfile",
        "-o",
        &to,
    ]));
    let alone = dockerfile(&out);
    for (profile, text) in &seen {
        assert!(
            *text == alone,
            "profile {profile} gives another Dockerfile than no profile:\n{}",
            diff(
                &String::from_utf8_lossy(&alone),
                &String::from_utf8_lossy(text)
            )
        );
    }
    let _ = std::fs::remove_dir_all(&base);
}
