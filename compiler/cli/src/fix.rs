//! `paasc check --fix`: the deterministic fixes ([`paasc_render::fix`], the language server's
//! quick fixes) planned against the files on disk and written, or shown as a diff (`--diff`)
//! or only detected (`--check`). Only the bytes of each fix's span change, so comments and
//! layout stay.

use paasc_diag::{Diagnostic, SourceDb};
pub use paasc_render::fix::{diff, Planned};

/// The fixes of `diags`, file by file, against the files' texts on disk.
pub fn plan(db: &SourceDb, diags: &[Diagnostic]) -> Vec<Planned> {
    let disk = |path: &str| {
        std::fs::read(path)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
    };
    paasc_render::fix::plan(db, diags, &disk)
}

/// Writes the fixed files; returns one `fixed ...` line per change (or an error line per file
/// that could not be written).
pub fn write(plans: &[Planned]) -> Vec<String> {
    let mut report = Vec::new();
    for p in plans {
        match std::fs::write(&p.path, &p.after) {
            Ok(()) => report.extend(p.changes.iter().map(|c| format!("fixed {c}"))),
            Err(e) => report.push(format!("error: cannot write `{}`: {e}", p.path)),
        }
    }
    report
}
