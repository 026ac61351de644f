//! What `paasc compile` does to its output directory: nothing when it fails, exit 2 when it
//! cannot write, byte-identical artifacts whatever the environment, and `--check` for drift.

#[path = "support/common.rs"]
mod common;
use common::{assert_success, paasc, paasc_in, root, scratch};

use std::collections::BTreeMap;
use std::path::Path;

/// Every file under `dir` (names and bytes), and every directory (as `name/`).
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            let rel = p
                .strip_prefix(base)
                .expect("under base")
                .to_string_lossy()
                .into_owned();
            if p.is_dir() {
                out.insert(format!("{rel}/"), Vec::new());
                walk(base, &p, out);
            } else {
                out.insert(rel, std::fs::read(&p).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn example(name: &str) -> String {
    root()
        .join("examples")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn a_failed_compile_leaves_the_output_directory_as_it_was() {
    let out = scratch("failed");
    std::fs::create_dir_all(out.join("pebble")).expect("mkdir");
    std::fs::write(out.join(".env"), "OLD='1'\n").expect("write");
    std::fs::write(out.join("pebble/charm-layer.yaml"), "old: layer\n").expect("write");
    std::fs::write(out.join("notes.txt"), "mine\n").expect("write");
    let before = tree(&out);
    let ex = example("flask-postgresql");
    let o = out.to_string_lossy();
    for args in [
        vec!["compile", &ex, "-o", &o, "--set", "config.no-such=1"],
        vec!["compile", &ex, "-o", &o, "--profile", "missing-profile"],
        vec![
            "compile",
            &ex,
            "-o",
            &o,
            "--set",
            "integrations.postgresql.data.endpoints=x",
            "--set",
            "kubernetes.replicas=-3",
        ],
    ] {
        let r = paasc(&args);
        assert_ne!(r.status.code(), Some(0), "{args:?} should fail");
        assert_eq!(tree(&out), before, "{args:?} changed the output directory");
    }
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn an_unwritable_output_directory_is_exit_2_with_a_clear_message() {
    let base = scratch("unwritable");
    std::fs::create_dir_all(&base).expect("mkdir");
    let blocker = base.join("a-file");
    std::fs::write(&blocker, "not a directory\n").expect("write");
    let before = tree(&base);
    for out in [blocker.join("out"), blocker.clone()] {
        let r = paasc(&[
            "compile",
            &example("flask-minimal"),
            "-o",
            &out.to_string_lossy(),
        ]);
        assert_eq!(
            r.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&r.stderr)
        );
        let stderr = String::from_utf8_lossy(&r.stderr);
        assert!(
            stderr.contains("cannot write to") && stderr.contains(&*out.to_string_lossy()),
            "{stderr}"
        );
        assert_eq!(tree(&base), before, "a failed write left files behind");
    }
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn artifacts_are_byte_identical_whatever_the_environment() {
    let examples: Vec<(String, String)> = std::fs::read_dir(root().join("examples"))
        .expect("examples")
        .flatten()
        .flat_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            std::fs::read_dir(e.path().join("profiles"))
                .into_iter()
                .flatten()
                .flatten()
                .map(move |p| (name.clone(), p.path().to_string_lossy().into_owned()))
        })
        .collect();
    assert!(examples.len() >= 2);
    let elsewhere = scratch("cwd");
    std::fs::create_dir_all(&elsewhere).expect("mkdir");
    let runs: [(&Path, Vec<(&str, &str)>); 2] = [
        (&root(), vec![("LANG", "C"), ("TZ", "UTC")]),
        (
            &elsewhere,
            vec![
                ("LANG", "tr_TR.UTF-8"),
                ("LC_ALL", "de_DE.UTF-8"),
                ("TZ", "Pacific/Kiritimati"),
                ("PYTHONHASHSEED", "12345"),
                ("HOME", "/nonexistent"),
                ("PAASC_UNUSED", "x"),
            ],
        ),
    ];
    for (name, profile) in &examples {
        let mut trees = Vec::new();
        for (i, (cwd, env)) in runs.iter().enumerate() {
            let out = scratch(&format!("det-{i}"));
            let (ex, o) = (example(name), out.to_string_lossy().into_owned());
            let args = ["compile", &ex, "--profile", profile, "-o", &o];
            let every = "pebble,env,gunicorn,dockerfile,helm,docker-env";
            let r = paasc_in(cwd, env, &[&args[..], &["--emit", every]].concat());
            if r.status.code() != Some(0) {
                // docker.env refuses multi-line values; the other artifacts still must agree.
                let r = paasc_in(cwd, env, &args);
                assert_eq!(
                    r.status.code(),
                    Some(0),
                    "{name} {profile}: {}",
                    String::from_utf8_lossy(&r.stdout)
                );
            }
            trees.push(tree(&out));
            let _ = std::fs::remove_dir_all(&out);
        }
        assert!(!trees[0].is_empty());
        assert!(
            trees[0] == trees[1],
            "{name} {profile}: artifacts differ between runs"
        );
    }
    let _ = std::fs::remove_dir_all(&elsewhere);
}

#[test]
fn check_reports_drift_as_a_unified_diff_and_writes_nothing() {
    let out = scratch("check");
    let o = out.to_string_lossy().into_owned();
    let ex = example("flask-minimal");
    let emit = ["--emit", "pebble,env,gunicorn"];
    let mut args = vec!["compile", ex.as_str(), "-o", o.as_str()];
    args.extend(emit);
    assert_eq!(paasc(&args).status.code(), Some(0));
    let written = tree(&out);

    let mut check = args.clone();
    check.push("--check");
    let r = paasc(&check);
    assert_success(&r);
    assert!(r.stdout.is_empty());

    let mut drifted = check.clone();
    drifted.extend([
        "--set",
        "config.webserver-workers=7",
        "--set",
        "secret-key=another-dev-key-9f1c",
    ]);
    let r = paasc(&drifted);
    assert_eq!(r.status.code(), Some(1));
    let report = String::from_utf8_lossy(&r.stdout);
    assert!(
        report.contains("--- a/gunicorn.conf.py") && report.contains("+++ b/gunicorn.conf.py"),
        "{report}"
    );
    assert!(report.contains("+workers = 7"), "{report}");
    assert!(
        report.contains(".env: differs (holds secrets: contents not shown)"),
        "{report}"
    );
    assert!(!report.contains("another-dev-key-9f1c"), "{report}");
    assert_eq!(tree(&out), written, "--check wrote to the output directory");

    std::fs::remove_file(out.join("gunicorn.conf.py")).expect("rm");
    let r = paasc(&check);
    assert_eq!(r.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&r.stdout).contains("+++ b/gunicorn.conf.py"));
    let _ = std::fs::remove_dir_all(&out);
}
