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
