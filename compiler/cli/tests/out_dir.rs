//! What `paasc compile` guarantees about OUT: secret files 0600, no writing through a link in
//! OUT, identical files untouched, files it no longer writes removed (and reported by
//! `--check`), one JSON document when OUT cannot be written, and, with the `paasc` binary
//! killed at random moments or racing another, OUT always wholly the old or the new artifacts.

#[path = "support/common.rs"]
mod common;
use common::{copy_dir, entries_under as tree, example, paasc, root, scratch};

use std::collections::BTreeMap;
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The files of `tree` (directories left out), without their modes.
fn contents(tree: &BTreeMap<String, (Vec<u8>, u32)>) -> BTreeMap<&str, &[u8]> {
    tree.iter()
        .filter(|(k, _)| !k.ends_with('/'))
        .map(|(k, (v, _))| (k.as_str(), v.as_slice()))
        .collect()
}

fn text(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `paasc compile EXAMPLE -o OUT ARGS...`.
fn compile(ex: &str, out: &Path, args: &[&str]) -> Output {
    let ex = example(ex);
    let o = out.to_string_lossy();
    let mut all = vec!["compile", ex.as_str(), "-o", &o];
    all.extend(args);
    paasc(&all)
}

/// The report of `compile --check` that finds OUT differs (exit 1).
fn drift(ex: &str, out: &Path, args: &[&str]) -> String {
    let r = compile(ex, out, &[args, &["--check"]].concat());
    assert_eq!(r.status.code(), Some(1), "{}", text(&r));
    String::from_utf8_lossy(&r.stdout).into_owned()
}

fn ok(o: Output) -> Output {
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    o
}

const ALL: [&str; 2] = ["--emit", "pebble,env,gunicorn,dockerfile,helm,docker-env"];

#[test]
fn secret_files_are_0600_and_a_wider_mode_is_drift() {
    let out = scratch("modes");
    let args = [
        &ALL[..],
        &["--profile", "prod", "--set", "secret-key=k-8c1d0e"],
    ]
    .concat();
    ok(compile("flask-minimal", &out, &args));
    let files: paasc_emit::Files = tree(&out)
        .into_iter()
        .filter(|(k, _)| !k.ends_with('/') && !k.starts_with(".paasc/"))
        .map(|(k, (v, _))| (k, String::from_utf8(v).expect("utf-8").into()))
        .collect();
    let secret = paasc_emit::holding_secrets(&files);
    for want in [
        ".env",
        "docker.env",
        "pebble/charm-layer.yaml",
        "helm/hello-secrets.env",
    ] {
        assert!(secret.contains(&want), "{want} not in {secret:?}");
    }
    for (rel, _) in &files {
        let mode = std::fs::metadata(out.join(rel)).expect("stat").mode() & 0o777;
        if secret.contains(&rel.as_str()) {
            assert_eq!(mode, 0o600, "{rel}: {mode:o}");
        } else {
            assert_ne!(mode & 0o044, 0, "{rel}: {mode:o} (the umask decides)");
        }
    }

    // An .env an older paasc wrote with the umask's mode.
    std::fs::set_permissions(out.join(".env"), std::fs::Permissions::from_mode(0o644))
        .expect("chmod");
    let report = drift("flask-minimal", &out, &args);
    assert!(
        report.contains(".env: mode 0644, compile writes it 0600"),
        "{report}"
    );
    ok(compile("flask-minimal", &out, &args));
    let mode = std::fs::metadata(out.join(".env")).expect("stat").mode() & 0o777;
    assert_eq!(mode, 0o600);
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn symbolic_links_inside_out_are_refused_and_nothing_is_written() {
    let base = scratch("links");
    let victim = base.join("victim");
    let out = base.join("out");
    std::fs::create_dir_all(&victim).expect("mkdir");
    std::fs::create_dir_all(&out).expect("mkdir");
    std::fs::write(victim.join(".env"), "precious\n").expect("write");
    let args = [
        "--profile",
        "prod",
        "--emit",
        "env,helm",
        "--format",
        "json",
    ];

    std::os::unix::fs::symlink("../victim", out.join("helm")).expect("symlink");
    let before = tree(&base);
    let r = compile("flask-minimal", &out, &args);
    assert_eq!(r.status.code(), Some(2), "{}", text(&r));
    let doc: serde_json::Value = serde_json::from_slice(&r.stdout).expect("one JSON document");
    let d = &doc["diagnostics"][0];
    assert_eq!(d["code"], "F003", "{doc}");
    assert!(
        d["message"]
            .as_str()
            .is_some_and(|m| m.contains("helm` is a symbolic link")),
        "{doc}"
    );
    assert_eq!(tree(&base), before, "a refused compile changed something");
    std::fs::remove_file(out.join("helm")).expect("rm");

    std::os::unix::fs::symlink("../victim/.env", out.join(".env")).expect("symlink");
    let before = tree(&base);
    let r = compile("flask-minimal", &out, &args);
    assert_eq!(r.status.code(), Some(2), "{}", text(&r));
    assert_eq!(tree(&base), before, "a refused compile changed something");
    assert_eq!(
        std::fs::read(victim.join(".env")).expect("read"),
        b"precious\n"
    );
    std::fs::remove_file(out.join(".env")).expect("rm");

    // OUT itself may be a link: it is the user's choice of where OUT is.
    let linked = base.join("linked-out");
    std::os::unix::fs::symlink("out", &linked).expect("symlink");
    ok(compile("flask-minimal", &linked, &args));
    assert!(out.join("helm/flask-minimal/Chart.yaml").is_file());
    let _ = std::fs::remove_dir_all(&base);
}

#[test]
fn a_compile_that_changes_nothing_touches_nothing() {
    let out = scratch("mtime");
    let args = [&ALL[..], &["--profile", "prod", "--set", "secret-key=k-1"]].concat();
    ok(compile("flask-minimal", &out, &args));
    let old = std::time::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    let stamp = |out: &Path| -> BTreeMap<String, (u64, std::time::SystemTime)> {
        tree(out)
            .into_keys()
            .filter(|k| !k.ends_with('/'))
            .map(|k| {
                let m = std::fs::metadata(out.join(&k)).expect("stat");
                (k, (m.ino(), m.modified().expect("mtime")))
            })
            .collect()
    };
    for rel in tree(&out).into_keys().filter(|k| !k.ends_with('/')) {
        std::fs::File::options()
            .write(true)
            .open(out.join(&rel))
            .and_then(|f| f.set_modified(old))
            .expect("set mtime");
    }
    let before = stamp(&out);
    // A directory's mtime changes when an entry is created, renamed or removed in it: the
    // same mtimes say the compile staged nothing either (no `.paasc/staging`).
    let dirs = |out: &Path| -> Vec<(String, std::time::SystemTime)> {
        std::iter::once(String::new())
            .chain(tree(out).into_keys().filter(|k| k.ends_with('/')))
            .map(|k| {
                let m = std::fs::metadata(out.join(&k)).expect("stat");
                (k, m.modified().expect("mtime"))
            })
            .collect()
    };
    let artifact_dirs = |out: &Path| {
        let mut d = dirs(out);
        d.retain(|(k, _)| k != ".paasc/");
        d
    };
    let dirs_before = artifact_dirs(&out);
    let r = ok(compile("flask-minimal", &out, &args));
    assert_eq!(stamp(&out), before, "an identical compile touched files");
    // It compared the files by reading them, and stamped them (`.paasc/stamps`).
    assert_eq!(
        artifact_dirs(&out),
        dirs_before,
        "an identical compile changed a directory"
    );
    assert!(out.join(".paasc/stamps").is_file(), "no stamps");
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(stderr.contains("30 of 30 files were current"), "{stderr}");
    // Once the stamps are older than the clock's tick they were taken in, an identical compile
    // writes nothing at all, not even them.
    std::thread::sleep(Duration::from_millis(50));
    ok(compile("flask-minimal", &out, &args));
    std::thread::sleep(Duration::from_millis(50));
    let (all_dirs, stamps) = (dirs(&out), std::fs::metadata(out.join(".paasc/stamps")));
    let r = ok(compile("flask-minimal", &out, &args));
    assert_eq!(stamp(&out), before, "an identical compile touched files");
    assert_eq!(
        dirs(&out),
        all_dirs,
        "an identical compile changed a directory"
    );
    let same = |m: std::io::Result<std::fs::Metadata>| m.map(|m| (m.ino(), m.modified().ok())).ok();
    assert_eq!(
        same(std::fs::metadata(out.join(".paasc/stamps"))),
        same(stamps),
        "current stamps written again"
    );
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(stderr.contains("30 of 30 files were current"), "{stderr}");
    // A stamped file changed in place to the same size, its mtime set back, is still found:
    // `--check` reports it (and writes no stamps); put back, it is current again, untouched.
    let conf = out.join("gunicorn.conf.py");
    let original = std::fs::read(&conf).expect("read");
    let mut other = original.clone();
    other[0] = if other[0] == b'#' { b' ' } else { b'#' };
    let rewrite = |bytes: &[u8]| {
        let mut f = std::fs::File::options()
            .write(true)
            .open(&conf)
            .expect("open");
        std::io::Write::write_all(&mut f, bytes).expect("write");
        f.set_modified(old).expect("set mtime");
    };
    rewrite(&other);
    let report = drift("flask-minimal", &out, &args);
    assert!(report.contains("a/gunicorn.conf.py"), "{report}");
    rewrite(&original);
    ok(compile("flask-minimal", &out, &args));
    assert_eq!(stamp(&out), before, "a file put back was rewritten");

    let changed = [&ALL[..], &["--profile", "prod", "--set", "secret-key=k-2"]].concat();
    ok(compile("flask-minimal", &out, &changed));
    let after = stamp(&out);
    let touched: Vec<&str> = after
        .iter()
        .filter(|(k, v)| before.get(*k) != Some(v))
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(
        touched,
        [
            ".env",
            "docker.env",
            "helm/hello-secrets.env",
            "pebble/charm-layer.yaml"
        ],
        "only the files whose contents changed are rewritten"
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn files_paasc_no_longer_writes_are_removed_and_check_reports_them() {
    let out = scratch("stale");
    let prod = ["--profile", "prod", "--set", "secret-key=k-3"];
    let full = [&ALL[..], &prod[..]].concat();
    ok(compile("flask-minimal", &out, &full));
    std::fs::write(out.join("notes.txt"), "mine\n").expect("write");
    std::fs::write(
        out.join("helm/flask-minimal/templates/extra.yaml"),
        "kind: Pod\n",
    )
    .expect("write");

    let report = drift("flask-minimal", &out, &full);
    assert!(
        report.contains("helm/flask-minimal/templates/extra.yaml: extra, compile removes it (paasc did not write it, and it is in a directory paasc created)"),
        "{report}"
    );
    assert!(!report.contains("notes.txt"), "{report}");

    // `kubernetes.secret-name`: the Secret's values are no longer written beside the chart.
    let named = [&full[..], &["--set", "kubernetes.secret-name=mine"]].concat();
    let report = drift("flask-minimal", &out, &named);
    assert!(
        report.contains("helm/hello-secrets.env: extra, compile removes it (paasc wrote it before and no longer does)"),
        "{report}"
    );
    assert!(!report.contains("k-3"), "a secret in the report: {report}");
    ok(compile("flask-minimal", &out, &named));
    assert!(!out.join("helm/hello-secrets.env").exists());
    assert!(!out.join("helm/flask-minimal/templates/extra.yaml").exists());
    assert_eq!(
        std::fs::read(out.join("notes.txt")).expect("the user's file stays"),
        b"mine\n"
    );
    ok(compile(
        "flask-minimal",
        &out,
        &[&named[..], &["--check"]].concat(),
    ));

    // Fewer artifacts: the directories paasc created for the others go with them.
    let few = [
        "--emit",
        "pebble,env",
        "--profile",
        "prod",
        "--set",
        "secret-key=k-3",
    ];
    let r = ok(compile("flask-minimal", &out, &few));
    assert!(
        String::from_utf8_lossy(&r.stderr).contains(
            "removed what paasc no longer writes: docker, docker.env, gunicorn.conf.py, helm"
        ),
        "{}",
        text(&r)
    );
    let left: Vec<String> = tree(&out).into_keys().collect();
    assert_eq!(
        left,
        [
            ".env",
            ".paasc/",
            ".paasc/manifest",
            "notes.txt",
            "pebble/",
            "pebble/charm-layer.yaml",
            "pebble/rock-layer.yaml"
        ]
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join(".paasc/manifest")).expect("manifest"))
            .expect("JSON");
    assert_eq!(
        manifest,
        serde_json::json!({
            "version": 1,
            "files": [".env", "pebble/charm-layer.yaml", "pebble/rock-layer.yaml"],
            "dirs": ["pebble"]
        })
    );
    ok(compile(
        "flask-minimal",
        &out,
        &[&few[..], &["--check"]].concat(),
    ));

    // A directory that was there before paasc wrote into it is the user's: only paasc's
    // files in it are removed.
    let mine = scratch("stale-mine");
    std::fs::create_dir_all(mine.join("pebble")).expect("mkdir");
    std::fs::write(mine.join("pebble/README"), "mine\n").expect("write");
    ok(compile("flask-minimal", &mine, &few));
    ok(compile("flask-minimal", &mine, &["--emit", "env"]));
    let left: Vec<String> = tree(&mine).into_keys().collect();
    assert_eq!(
        left,
        [
            ".env",
            ".paasc/",
            ".paasc/manifest",
            "pebble/",
            "pebble/README"
        ]
    );
    let _ = std::fs::remove_dir_all(&out);
    let _ = std::fs::remove_dir_all(&mine);
}

#[test]
fn a_write_that_fails_is_exit_2_with_one_json_document_and_out_unchanged() {
    let base = scratch("write-errors");
    std::fs::create_dir_all(&base).expect("mkdir");
    let file = base.join("a-file");
    std::fs::write(&file, "not a directory\n").expect("write");
    let read_only = base.join("read-only");
    std::fs::create_dir_all(&read_only).expect("mkdir");
    std::fs::write(read_only.join(".env"), "OLD=1\n").expect("write");
    std::fs::set_permissions(&read_only, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    // Root writes to a 0555 directory anyway; the case then proves nothing and is skipped.
    let enforced = std::fs::write(read_only.join("probe"), "").is_err();
    let mut outs: Vec<PathBuf> = vec![file.clone(), file.join("out")];
    if enforced {
        outs.push(read_only.clone());
    } else {
        let _ = std::fs::remove_file(read_only.join("probe"));
    }
    for out in outs {
        let before = tree(&base);
        let r = compile("flask-minimal", &out, &["--format", "json"]);
        assert_eq!(r.status.code(), Some(2), "{}: {}", out.display(), text(&r));
        let doc: serde_json::Value = serde_json::from_slice(&r.stdout).expect("one JSON document");
        assert_eq!(doc["diagnostics"][0]["code"], "F003", "{doc}");
        assert_eq!(doc["summary"]["errors"], 1, "{doc}");
        let r = compile("flask-minimal", &out, &[]);
        assert_eq!(r.status.code(), Some(2), "{}: {}", out.display(), text(&r));
        let human = String::from_utf8_lossy(&r.stdout);
        assert!(
            human.contains(&format!("cannot write to `{}`", out.display()))
                && human.contains("F003"),
            "{human}"
        );
        assert_eq!(
            tree(&base),
            before,
            "{}: a failed write changed files",
            out.display()
        );
    }
    let _ = std::fs::set_permissions(&read_only, std::fs::Permissions::from_mode(0o755));
    let _ = std::fs::remove_dir_all(&base);
}

/// A generator seeded per run (or from `PAASC_CRASH_SEED`), the seed printed for a failure.
fn crash_rng() -> fastrand::Rng {
    let seed = std::env::var("PAASC_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    eprintln!("PAASC_CRASH_SEED={seed}");
    fastrand::Rng::with_seed(seed)
}

/// Several projects (copies of the examples) and three compiles of them into one OUT, each
/// with its own secret key and artifacts, with a reference tree of each.
struct Monorepo {
    base: PathBuf,
    projects: Vec<String>,
    secrets: [String; 3],
    refs: [BTreeMap<String, (Vec<u8>, u32)>; 3],
}

impl Monorepo {
    fn new(name: &str, copies: usize) -> Monorepo {
        let base = scratch(name);
        let mut projects = Vec::new();
        for entry in std::fs::read_dir(root().join("examples"))
            .expect("examples")
            .flatten()
        {
            for k in 0..copies {
                let to = base
                    .join("projects")
                    .join(format!("{}-{k}", entry.file_name().to_string_lossy()));
                copy_dir(&entry.path(), &to);
                projects.push(to.to_string_lossy().into_owned());
            }
        }
        projects.sort();
        let nonce = std::process::id();
        let secrets = [0, 1, 2].map(|g| format!("generation-{g}-secret-{nonce}"));
        let mut m = Monorepo {
            base,
            projects,
            secrets,
            refs: Default::default(),
        };
        for g in 0..3 {
            let out = m.base.join(format!("ref-{g}"));
            let r = m.command(g, &out).output().expect("run paasc");
            assert_eq!(r.status.code(), Some(0), "reference {g}: {}", text(&r));
            m.refs[g] = tree(&out);
            assert!(m.refs[g].keys().any(|k| k.ends_with(".env")));
        }
        m
    }

    /// The compile of generation `g` into `out`: 0 writes every default artifact and the
    /// Dockerfile, 1 drops the Dockerfile and gunicorn.conf.py, 2 the chart.
    fn command(&self, g: usize, out: &Path) -> Command {
        let emit = [
            "pebble,env,gunicorn,dockerfile,helm",
            "pebble,env,helm",
            "pebble,env,gunicorn",
        ][g];
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_paasc"));
        cmd.arg("compile")
            .args(&self.projects)
            .args(["--profile", "prod", "--emit", emit, "--set"])
            .arg(format!("secret-key={}", self.secrets[g]))
            .arg("-o")
            .arg(out)
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        cmd
    }

    /// A fresh OUT holding generation `g`, as a compile left it.
    fn out_at(&self, g: usize, name: &str) -> PathBuf {
        let out = self.base.join(name);
        let _ = std::fs::remove_dir_all(&out);
        copy_dir(&self.base.join(format!("ref-{g}")), &out);
        assert_eq!(tree(&out), self.refs[g]);
        out
    }

    /// Which generation OUT holds, wholly (contents and modes); panics on a mix.
    fn generation(&self, out: &Path, among: &[usize], what: &str) -> usize {
        let got = tree(out);
        for &g in among {
            if got == self.refs[g] {
                return g;
            }
        }
        let diff: Vec<String> = among
            .iter()
            .map(|&g| {
                let want = contents(&self.refs[g]);
                let have = contents(&got);
                let differ = want
                    .keys()
                    .chain(have.keys())
                    .filter(|k| want.get(*k) != have.get(*k))
                    .count();
                format!("generation {g}: {differ} files differ")
            })
            .collect();
        panic!("{what}: OUT is neither of {among:?}: {diff:?}");
    }

    /// Files under `out` holding a secret of any generation, except the artifacts where
    /// secrets belong (0600): each must be staged (0600, in the 0700 staging directory).
    fn assert_no_stray_secret(&self, out: &Path, what: &str) {
        let artifacts: std::collections::BTreeSet<&String> =
            self.refs.iter().flat_map(|r| r.keys()).collect();
        for (rel, (bytes, mode)) in tree(out) {
            let text = String::from_utf8_lossy(&bytes);
            if !self.secrets.iter().any(|s| text.contains(s.as_str())) {
                continue;
            }
            assert_eq!(
                mode, 0o600,
                "{what}: {rel} holds a secret with mode {mode:o}"
            );
            if !artifacts.contains(&rel) {
                assert!(
                    rel.starts_with(".paasc/staging/"),
                    "{what}: a stray file holds a secret: {rel}"
                );
                let staging = std::fs::metadata(out.join(".paasc/staging")).expect("staging");
                assert_eq!(staging.mode() & 0o777, 0o700, "{what}: staging mode");
            }
        }
    }
}

impl Drop for Monorepo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.base);
    }
}

#[test]
fn a_compile_killed_at_any_moment_leaves_out_wholly_old_or_new() {
    let repo = Monorepo::new("killed", 1);
    let mut rng = crash_rng();
    let started = Instant::now();
    // The shortest of three runs: the first of a fresh binary, or one slowed by the other test
    // binaries, would put every kill after the end (and no trial would see OUT's old state).
    let full = (0..3)
        .map(|i| {
            let out = repo.out_at(0, &format!("timing{i}"));
            let t0 = Instant::now();
            let r = repo.command(1, &out).status().expect("run paasc");
            assert!(r.success());
            t0.elapsed()
        })
        .min()
        .unwrap_or_default();
    let strata = 15;
    let mut seen = [0usize; 2];
    let mut mid_write = 0;
    for trial in 0..2 * strata {
        let out = repo.out_at(0, "out");
        let mut child = repo.command(1, &out).spawn().expect("spawn paasc");
        let t0 = Instant::now();
        if trial % 2 == 0 {
            // At a random moment of a stratum, from the end of start-up to past the end of
            // the run; the strata in an order whose every prefix is spread out.
            let k = (trial / 2 * 7) % strata;
            let at = full.mul_f64(0.3 + 0.85 * (k as f64 + rng.f64()) / strata as f64);
            std::thread::sleep(at);
        } else {
            // While it writes: once the staging directory appears, within 50 ms.
            while !out.join(".paasc/staging").exists()
                && t0.elapsed() < full * 4
                && child.try_wait().ok().flatten().is_none()
            {
                std::thread::sleep(Duration::from_micros(200));
            }
            std::thread::sleep(Duration::from_micros((rng.f64() * 50_000.0) as u64));
        }
        let _ = child.kill();
        let _ = child.wait();
        let what = format!(
            "trial {trial}, killed after {:?} (a full run: {full:?})",
            t0.elapsed()
        );
        if out.join(".paasc/staging").exists() {
            mid_write += 1;
        }
        repo.assert_no_stray_secret(&out, &what);
        // The next run recovers OUT first; --check then compares it with generation 1.
        let check = repo
            .command(1, &out)
            .arg("--check")
            .status()
            .expect("run paasc");
        let g = repo.generation(&out, &[0, 1], &what);
        assert_eq!(
            check.code(),
            Some(if g == 1 { 0 } else { 1 }),
            "{what}: --check disagrees with OUT"
        );
        seen[g] += 1;
        if started.elapsed() > Duration::from_secs(25) {
            eprintln!("stopping after {} trials: time is up", trial + 1);
            break;
        }
    }
    eprintln!(
        "old: {}, new: {}, killed while writing: {mid_write}",
        seen[0], seen[1]
    );
    assert!(seen[0] > 0 && seen[1] > 0, "{seen:?}");
}

#[test]
fn two_compiles_racing_into_one_out_leave_one_of_them_whole() {
    let repo = Monorepo::new("racing", 1);
    let mut rng = crash_rng();
    let started = Instant::now();
    for trial in 0..20 {
        if trial >= 5 && started.elapsed() > Duration::from_secs(20) {
            eprintln!("stopping after {trial} races: time is up");
            break;
        }
        let out = repo.out_at(0, "out");
        let mut first = repo.command(1, &out).spawn().expect("spawn paasc");
        std::thread::sleep(Duration::from_millis((rng.f64() * 30.0) as u64));
        let second = repo.command(2, &out).status().expect("run paasc");
        let first = first.wait().expect("wait");
        let what = format!("trial {trial}");
        assert_eq!(first.code(), Some(0), "{what}: first");
        assert_eq!(second.code(), Some(0), "{what}: second");
        repo.generation(&out, &[1, 2], &what);
        repo.assert_no_stray_secret(&out, &what);
        assert!(!out.join(".paasc/staging").exists(), "{what}: staging left");
    }
}
