//! Several projects in one invocation: `paasc check DIR...` and `paasc compile DIR... -o OUT`
//! give what one invocation per project gives, in argument order, with one exit code.

#[path = "support/common.rs"]
mod common;
use common::{artifacts_under as files, assert_success, entries_under, paasc, root, scratch};

use std::collections::BTreeMap;

fn path(rel: &str) -> String {
    root().join(rel).to_string_lossy().into_owned()
}

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("JSON document")
}

const EXAMPLES: [&str; 6] = [
    "flask-async",
    "flask-minimal",
    "flask-postgresql",
    "flask-redis-s3",
    "flask-secrets",
    "flask-workers",
];

#[test]
fn compile_of_several_projects_equals_one_compile_each() {
    let together = scratch("together");
    let dirs: Vec<String> = EXAMPLES
        .iter()
        .map(|e| path(&format!("examples/{e}")))
        .collect();
    let mut args = vec!["compile".to_string()];
    args.extend(dirs.iter().cloned());
    args.extend(["-o".into(), together.to_string_lossy().into_owned()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let r = paasc(&args);
    assert_success(&r);
    let stderr = String::from_utf8_lossy(&r.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), EXAMPLES.len(), "{stderr}");
    for (line, example) in lines.iter().zip(EXAMPLES) {
        assert!(
            line.starts_with("wrote ") && line.contains(&format!("/{example};")),
            "one line per project, in argument order: {line}"
        );
    }
    let all = files(&together);
    for (example, dir) in EXAMPLES.iter().zip(&dirs) {
        let alone = scratch(&format!("alone-{example}"));
        let r = paasc(&["compile", dir, "-o", &alone.to_string_lossy()]);
        assert_eq!(r.status.code(), Some(0));
        let want = files(&alone);
        let got: BTreeMap<String, Vec<u8>> = all
            .iter()
            .filter_map(|(k, v)| {
                Some((
                    k.strip_prefix(&format!("{example}/"))?.to_string(),
                    v.clone(),
                ))
            })
            .collect();
        assert!(!want.is_empty());
        assert_eq!(
            got, want,
            "{example}: artifacts differ from a compile of it alone"
        );
        let _ = std::fs::remove_dir_all(&alone);
    }
    let mut check = args.clone();
    check.push("--check");
    let r = paasc(&check);
    assert_success(&r);
    std::fs::write(together.join("flask-minimal/gunicorn.conf.py"), "changed\n").expect("write");
    std::fs::write(together.join("flask-secrets/.env"), "X=1\n").expect("write");
    let r = paasc(&check);
    assert_eq!(r.status.code(), Some(1));
    let report = String::from_utf8_lossy(&r.stdout);
    assert!(
        report.contains("a/flask-minimal/gunicorn.conf.py"),
        "{report}"
    );
    assert!(
        report.contains("flask-secrets/.env: differs (holds secrets: contents not shown)"),
        "{report}"
    );
    assert!(
        !report.contains("X=1"),
        "secret file contents must not be shown: {report}"
    );
    let _ = std::fs::remove_dir_all(&together);
}

/// Several projects into an OUT that holds them already: each is compared with OUT as it is
/// compiled (under the write's lock), and only what differs is written: a changed file, a
/// secret file left readable to others, a removed file; a file not paasc's in a directory it
/// made is removed; every other file keeps its inode. A failing project then writes nothing.
#[test]
fn several_projects_into_an_existing_out_rewrite_only_what_differs() {
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
    let out = scratch("several-current");
    let mut args = vec!["compile".to_string()];
    args.extend(EXAMPLES.iter().map(|e| path(&format!("examples/{e}"))));
    args.extend(["-o".into(), out.to_string_lossy().into_owned()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_success(&paasc(&args));
    let want = entries_under(&out);
    let inodes = || -> BTreeMap<String, u64> {
        want.keys()
            .filter(|k| !k.ends_with('/'))
            .filter_map(|k| Some((k.clone(), std::fs::metadata(out.join(k)).ok()?.ino())))
            .collect()
    };
    let before = inodes();
    let changed = [
        "flask-minimal/gunicorn.conf.py",
        "flask-secrets/.env",
        "flask-async/docker/Dockerfile",
    ];
    std::fs::write(out.join(changed[0]), "changed\n").expect("write");
    let readable = std::fs::Permissions::from_mode(0o644);
    std::fs::set_permissions(out.join(changed[1]), readable).expect("chmod");
    std::fs::remove_file(out.join(changed[2])).expect("remove");
    let foreign = "flask-workers/helm/flask-workers/templates/mine.yaml";
    std::fs::write(out.join(foreign), "not paasc's\n").expect("write");

    let r = paasc(&args);
    assert_success(&r);
    assert_eq!(entries_under(&out), want);
    let after = inodes();
    // (The removed file's inode number may be given to its new copy.)
    for (rel, ino) in before.iter().filter(|(rel, _)| *rel != changed[2]) {
        let rewritten = changed.contains(&rel.as_str());
        assert_eq!(after.get(rel) != Some(ino), rewritten, "{rel}");
    }
    let stderr = String::from_utf8_lossy(&r.stderr);
    let total = before.len() - 1;
    assert!(
        stderr.contains(&format!(
            "{} of {total} files were current and left untouched; removed what paasc no longer writes: {foreign}",
            total - changed.len()
        )),
        "{stderr}"
    );

    let mut failing = args.clone();
    let bad = path("golden/errors/lint-env-collision");
    failing.insert(2, &bad);
    assert_eq!(paasc(&failing).status.code(), Some(1));
    assert_eq!(entries_under(&out), want, "a failing compile changed OUT");
    assert_eq!(inodes(), after, "a failing compile replaced files");
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn one_failing_project_writes_nothing_for_any() {
    let out = scratch("failing");
    let r = paasc(&[
        "compile",
        &path("examples/flask-minimal"),
        &path("golden/errors/lint-env-collision"),
        &path("examples/flask-workers"),
        "-o",
        &out.to_string_lossy(),
    ]);
    assert_eq!(r.status.code(), Some(1));
    assert!(!out.exists(), "nothing may be written when a project fails");
    let stdout = String::from_utf8_lossy(&r.stdout);
    assert!(stdout.contains("C015"), "{stdout}");
    let stderr = String::from_utf8_lossy(&r.stderr);
    // The two C015, and P006: the charm expanded, so the (absent) profile is checked too.
    assert!(
        stderr.starts_with("3 errors, 0 warnings in 6 files of 3 projects"),
        "{stderr}"
    );
}

#[test]
fn check_of_several_projects_merges_their_documents_in_order() {
    let a = path("golden/errors/lint-env-collision");
    let b = path("examples/flask-minimal");
    let c = path("golden/errors/rock-missing-entrypoint");
    let together = paasc(&["check", &a, &b, &c, "--format", "json"]);
    assert_eq!(together.status.code(), Some(1));
    let doc = json(&together);
    let mut diagnostics = Vec::new();
    let mut files = 0;
    for dir in [&a, &b, &c] {
        let alone = json(&paasc(&["check", dir, "--format", "json"]));
        diagnostics.extend(
            alone["diagnostics"]
                .as_array()
                .expect("array")
                .iter()
                .cloned(),
        );
        files += alone["summary"]["files"].as_u64().expect("files");
    }
    assert!(diagnostics.len() >= 3);
    assert_eq!(doc["diagnostics"].as_array().expect("array"), &diagnostics);
    assert_eq!(doc["summary"]["files"].as_u64(), Some(files));
    assert_eq!(
        doc["summary"]["errors"].as_u64(),
        Some(diagnostics.len() as u64)
    );
    let human = paasc(&["check", &a, &b, &c]);
    assert_eq!(human.status.code(), Some(1));
    let alone: String = [&a, &b, &c]
        .iter()
        .map(|d| String::from_utf8_lossy(&paasc(&["check", d]).stdout).into_owned())
        .collect();
    assert_eq!(String::from_utf8_lossy(&human.stdout), alone);
}

#[test]
fn the_worst_exit_code_wins() {
    let clean = path("examples/flask-minimal");
    let r = paasc(&["check", &clean, &path("examples/flask-workers")]);
    assert_eq!(r.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&r.stderr).ends_with("of 2 projects\n"));
    let r = paasc(&[
        "check",
        &clean,
        &path("no/such/dir"),
        &path("golden/errors/alias-bomb"),
    ]);
    assert_eq!(
        r.status.code(),
        Some(2),
        "a project that cannot be read is a usage error"
    );
    assert!(String::from_utf8_lossy(&r.stdout).contains("does not exist"));
}

#[test]
fn several_projects_with_one_name_or_one_file_flag_are_refused() {
    let out = scratch("refused");
    let r = paasc(&[
        "compile",
        &path("examples/flask-minimal"),
        &path("golden/examples/flask-minimal"),
        "-o",
        &out.to_string_lossy(),
    ]);
    assert_eq!(r.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&r.stderr).contains("would both be written to OUT/flask-minimal"),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    assert!(!out.exists());
    let r = paasc(&[
        "check",
        &path("examples/flask-minimal"),
        &path("examples/flask-workers"),
        "--rockcraft",
        &path("examples/flask-minimal/rockcraft.yaml"),
    ]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("single project directory"));
}
