//! `check` builds the artifacts in [`Mode::Check`], which skips what no diagnostic depends on
//! (the Pebble layers, gunicorn.conf.py, the Dockerfile's text, the Helm chart's files): for
//! every example, every golden case and hostile projects that trigger each back end's problems,
//! each profile's diagnostics in that mode are the ones `compile` finds in [`Mode::Render`].

#[path = "support/common.rs"]
mod common;
use common::{copy_dir, dirs, root, TERM};

use paasc::compile::build;
use paasc::load::Disk;
use paasc::FileArgs;
use paasc_diag::Diagnostic;
use paasc_emit::{Artifact, ImageMemo, Mode, Placement, ARTIFACTS};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The diagnostics of building the `emit` artifacts (the default ones, as `check` does, when
/// empty) of the project in `dir` with `profile` and `sets` in `mode`, and whether the build
/// succeeded.
fn built(
    dir: &Path,
    profile: Option<&Path>,
    sets: &[String],
    emit: &[Artifact],
    mode: Mode,
) -> (Vec<Diagnostic>, bool) {
    let args = FileArgs {
        rockcraft: None,
        charmcraft: None,
        format: paasc::Format::Json,
    };
    let Ok(mut project) = paasc::report::load_project(dir, &args, None, &Disk) else {
        return (Vec::new(), false);
    };
    let mut checked = paasc_check::check_project(&mut project, TERM.options());
    let mut diags = std::mem::take(&mut checked.diags);
    let ok = build(
        &mut project,
        &checked,
        profile,
        sets,
        emit,
        &Placement::default(),
        mode,
        &Disk,
        &mut diags,
        &mut ImageMemo::default(),
        paasc::compile::Ending::Free,
    )
    .is_some();
    (diags, ok)
}

/// Asserts that both modes agree for `dir` with `profile` and `sets` building `emit`, and
/// returns the codes found.
#[track_caller]
fn same_for(dir: &Path, profile: Option<&Path>, sets: &[String], emit: &[Artifact]) -> Vec<String> {
    let (render, rendered) = built(dir, profile, sets, emit, Mode::Render);
    let (check, checked) = built(dir, profile, sets, emit, Mode::Check);
    assert_eq!(
        check,
        render,
        "{} with {profile:?} {sets:?} {emit:?}: check's diagnostics differ from compile's",
        dir.display()
    );
    assert_eq!(
        checked,
        rendered,
        "{} with {profile:?} {emit:?}",
        dir.display()
    );
    render.iter().map(|d| d.code.as_str().to_string()).collect()
}

/// [`same_for`] the default artifacts (what `check` builds) and each artifact alone.
#[track_caller]
fn same(dir: &Path, profile: Option<&Path>, sets: &[String]) -> Vec<String> {
    let mut codes = same_for(dir, profile, sets, &[]);
    for info in ARTIFACTS {
        codes.extend(same_for(dir, profile, sets, &[info.artifact]));
    }
    codes
}

/// [`same_for`] the default artifacts with each profile of `dir` (and with none), as `check`
/// builds them.
fn every_profile(dir: &Path) -> usize {
    let profiles = paasc::load::profiles(dir, &Disk);
    same_for(dir, None, &[], &[]);
    for p in &profiles {
        same_for(dir, Some(p), &[], &[]);
    }
    profiles.len() + 1
}

#[test]
fn every_example_and_golden_case_has_the_same_diagnostics_in_both_modes() {
    let mut runs = 0;
    for group in ["examples", "golden/errors", "golden/ok"] {
        for dir in dirs(group) {
            runs += every_profile(&dir);
        }
    }
    assert!(runs > 150, "only {runs} builds compared");
}

/// A copy of `examples/<name>` of its own.
fn copy(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = common::scratch(&format!("check-mode-{}", N.fetch_add(1, Ordering::Relaxed)));
    copy_dir(&root().join("examples").join(name), &dir);
    dir
}

/// A copy of `examples/<name>` with `edit` applied to its rockcraft.yaml.
fn edited(name: &str, edit: impl Fn(&str) -> String) -> PathBuf {
    let dir = copy(name);
    let rock = dir.join("rockcraft.yaml");
    let text = std::fs::read_to_string(&rock).expect("rockcraft.yaml");
    let changed = edit(&text);
    assert_ne!(changed, text, "the example changed: {name}");
    std::fs::write(&rock, changed).expect("write");
    dir
}

/// A profile of `dir` setting flask-minimal's `flask-env` option to `value`.
fn flask_env(dir: &Path, value: &str) -> PathBuf {
    let profile = dir.join("profiles/hostile.yaml");
    std::fs::create_dir_all(profile.parent().expect("a directory")).expect("mkdir");
    std::fs::write(
        &profile,
        format!("secret-key: k\nconfig:\n  flask-env: {value}\n"),
    )
    .expect("profile");
    profile
}

#[test]
fn each_back_end_problem_is_found_in_both_modes() {
    let mut found = Vec::new();
    // H003: a worker command Pebble refuses.
    let dir = edited("flask-workers", |t| {
        t.replacen("worker -c 2", "worker ] -c 2", 1)
    });
    found.extend(same(&dir, Some(&dir.join("profiles/default.yaml")), &[]));
    // E001: a check Pebble refuses (the Dockerfile and the chart read it).
    let dir = edited("flask-minimal", |t| {
        format!("{t}\nchecks:\n  up:\n    override: replace\n    level: ready\n    period: soon\n    http: {{url: 'http://localhost:8000/'}}\n")
    });
    let default = paasc::load::profile_path(&dir, None);
    found.extend(same(&dir, default.as_deref(), &[]));
    // H001 (and P005 before it in .env): a secret holding NUL.
    let secrets = root().join("examples/flask-secrets");
    let nul = [r#"secrets.flask-secret-key-id.value="before\0after""#.to_string()];
    let default = paasc::load::profile_path(&secrets, None);
    found.extend(same(&secrets, default.as_deref(), &nul));
    // P005: a value .env cannot carry.
    let dollar = ["config.flask-env=\"a'${B}\"".to_string()];
    let minimal = root().join("examples/flask-minimal");
    let default = paasc::load::profile_path(&minimal, None);
    found.extend(same(&minimal, default.as_deref(), &dollar));
    // H005: values.yaml over 5 MiB, by its length and by its quoting (each `'` doubled), and
    // values.yaml just under it (check writes it: the bound does not rule it out). Only the
    // artifacts that include the chart: the other builds of a 6 MiB profile are slow.
    let dir = copy("flask-minimal");
    for value in [
        "a".repeat(6 * 1024 * 1024),
        format!("\"{}\"", "'".repeat(3 * 1024 * 1024)),
        "a".repeat(5 * 1024 * 1024 - 64 * 1024),
    ] {
        let profile = flask_env(&dir, &value);
        for emit in [&[][..], &[Artifact::Helm]] {
            found.extend(same_for(&dir, Some(&profile), &[], emit));
        }
    }
    for code in ["H001", "H003", "H005", "E001", "P005"] {
        assert!(found.iter().any(|c| c == code), "no {code} in {found:?}");
    }
    // Twice each (the default artifacts and the chart alone), for the first two values only.
    let h005 = found.iter().filter(|c| *c == "H005").count();
    assert_eq!(h005, 4, "{found:?}");
}
