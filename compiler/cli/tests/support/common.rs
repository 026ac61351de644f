//! What every integration test needs: the repository root, a plain terminal, and the binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The terminal of a test run: not a TTY, no colour, no experimental extensions.
pub const TERM: paasc::Terminal = paasc::Terminal {
    stdout_tty: false,
    no_color: true,
    experimental: false,
    rock_experimental: false,
};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// The directories in `group` (`examples`, `golden/errors`, ...) of the repository, sorted.
pub fn dirs(group: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(root().join(group))
        .expect("directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    out.sort();
    out
}

/// The path of `examples/<name>`.
pub fn example(name: &str) -> String {
    root()
        .join("examples")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// Runs the `paasc` binary in `cwd` with extra environment variables.
pub fn paasc_in(cwd: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_paasc"));
    cmd.current_dir(cwd).args(args).env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run paasc")
}

/// Runs the `paasc` binary from the repository root.
pub fn paasc(args: &[&str]) -> Output {
    paasc_in(&root(), &[], args)
}

/// Asserts that a run of the binary exited 0, showing its stderr when it did not.
#[track_caller]
pub fn assert_success(out: &Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The directory for the tests' scratch files: `target/tmp`, so a test run leaves nothing in
/// the system's temporary directory.
pub fn tmp() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(&dir).expect("target/tmp");
    dir
}

/// An empty path under [`tmp`], unique to this process and `name`.
pub fn scratch(name: &str) -> PathBuf {
    let dir = tmp().join(format!("paasc-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Every file under `dir` (none when it does not exist), by `/`-separated relative path.
pub fn files_under(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut std::collections::BTreeMap<String, Vec<u8>>) {
        let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let entry = entry.expect("directory entry");
            let path = entry.path();
            if entry.file_type().expect("file type").is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path
                    .strip_prefix(base)
                    .expect("under base")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                out.insert(rel, std::fs::read(&path).expect("read file"));
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    if dir.is_dir() {
        walk(dir, dir, &mut out);
    }
    out
}

/// Copies the tree at `from` to `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir").flatten() {
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &dest);
        } else {
            std::fs::copy(&path, &dest).expect("copy");
        }
    }
}

/// The Python of the virtualenv `.ci/run` creates (`$PAASC_VENV`, default `.venv`), if it can
/// import `module`.
pub fn venv_python(module: &str) -> Option<PathBuf> {
    let root = root();
    let venv = std::env::var_os("PAASC_VENV")
        .map(PathBuf::from)
        .map(|v| if v.is_absolute() { v } else { root.join(v) })
        .unwrap_or_else(|| root.join(".venv"));
    let python = venv.join("bin/python");
    let ok = Command::new(&python)
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(python)
}

/// The artifacts `compile` wrote under `out`: every file but paasc's own record of OUT
/// (`.paasc/`, tested in tests/out_dir.rs).
pub fn artifacts_under(out: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut files = files_under(out);
    files.retain(|name, _| !name.starts_with(".paasc/"));
    files
}

/// Every entry under `dir` (none when it does not exist): files (and links, unfollowed) with
/// their bytes and mode, directories as `name/` with their mode. `.paasc/stamps` is left out:
/// a cache of what compiles found current, written by those that compared files by reading
/// them (compiler/write/src/stamps.rs).
pub fn entries_under(dir: &Path) -> std::collections::BTreeMap<String, (Vec<u8>, u32)> {
    use std::os::unix::fs::MetadataExt as _;
    fn walk(base: &Path, dir: &Path, out: &mut std::collections::BTreeMap<String, (Vec<u8>, u32)>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            let rel = p
                .strip_prefix(base)
                .expect("under base")
                .to_string_lossy()
                .into_owned();
            if rel == ".paasc/stamps" {
                continue;
            }
            let m = std::fs::symlink_metadata(&p).expect("metadata");
            if m.is_dir() {
                out.insert(format!("{rel}/"), (Vec::new(), m.mode() & 0o777));
                walk(base, &p, out);
            } else {
                let bytes = if m.is_file() {
                    std::fs::read(&p).expect("read")
                } else {
                    Vec::new()
                };
                out.insert(rel, (bytes, m.mode() & 0o777));
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}
