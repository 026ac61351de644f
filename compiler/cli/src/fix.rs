//! `paasc check --fix`: the deterministic fixes ([`paasc_render::fix`], the language server's
//! quick fixes) applied to the files on disk, or shown as a diff (`--diff`) or only detected
//! (`--check`). Only the bytes of each fix's span change, so comments and layout stay.

use paasc_diag::{Diagnostic, SourceDb};
use std::collections::BTreeMap;

/// The fixed text of one file.
pub struct Planned {
    /// The file's path as diagnostics show it.
    pub path: String,
    /// The text on disk.
    pub before: String,
    /// The text with the fixes.
    pub after: String,
    /// One line per change: `path:line:col: `old` -> `new``.
    pub changes: Vec<String>,
}

/// The fixes of `diags`, file by file. A file whose disk text is no longer the text checked
/// is left alone; overlapping fixes keep the later one.
pub fn plan(db: &SourceDb, diags: &[Diagnostic]) -> Vec<Planned> {
    let mut by_file: BTreeMap<u32, Vec<(u32, u32, String)>> = BTreeMap::new();
    for fix in diags.iter().filter_map(|d| paasc_render::fix::of(db, d)) {
        for (file, span, new) in fix.edits {
            let edits = by_file.entry(file.0).or_default();
            let edit = (span.start, span.end, new);
            if !edits.contains(&edit) {
                edits.push(edit);
            }
        }
    }
    let mut out = Vec::new();
    for (id, mut edits) in by_file {
        let file = db.get(paasc_diag::FileId(id));
        let Ok(bytes) = std::fs::read(&file.path) else {
            continue;
        };
        let Ok(disk) = String::from_utf8(bytes) else {
            continue;
        };
        let bom = if disk.starts_with('\u{feff}') { 3 } else { 0 };
        if disk[bom..] != file.text {
            continue;
        }
        edits.sort_by_key(|e| std::cmp::Reverse(e.0));
        let mut text = disk.clone();
        let mut floor = u32::MAX;
        let mut changes = Vec::new();
        for (start, end, new) in edits {
            if end > floor || (start == end && new.is_empty()) {
                continue;
            }
            let (s, e) = (start as usize + bom, end as usize + bom);
            let Some(old) = text.get(s..e).map(str::to_string) else {
                continue;
            };
            text.replace_range(s..e, &new);
            floor = start;
            let p = file.position(start);
            changes.push(format!(
                "{}:{}:{}: `{old}` -> `{new}`",
                file.path,
                p.line0 + 1,
                p.col1
            ));
        }
        changes.reverse();
        if !changes.is_empty() {
            out.push(Planned {
                path: file.path.clone(),
                before: disk,
                after: text,
                changes,
            });
        }
    }
    out
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

/// The unified diff of every planned file (`a/PATH`, `b/PATH` headers for a relative path, the
/// path itself for an absolute one; 3 lines of context).
pub fn diff(plans: &[Planned]) -> String {
    plans
        .iter()
        .map(|p| {
            let (a, b) = if p.path.starts_with('/') {
                (p.path.clone(), p.path.clone())
            } else {
                (format!("a/{}", p.path), format!("b/{}", p.path))
            };
            similar::TextDiff::from_lines(&p.before, &p.after)
                .unified_diff()
                .context_radius(3)
                .header(&a, &b)
                .to_string()
        })
        .collect()
}
