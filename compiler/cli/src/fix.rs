//! `paasc check --fix`: the deterministic fixes applied to the files on disk. Today: a
//! diagnostic whose label is `did you mean `x`?` has its range replaced with `x` (the language
//! server's quick fix); only those bytes change, so comments and layout stay.

use paasc_diag::{Diagnostic, SourceDb};
use std::collections::BTreeMap;

/// Applies the suggestions of `diags` to their files; returns one line per change (or per file
/// that could not be written).
pub fn apply(db: &SourceDb, diags: &[Diagnostic]) -> Vec<String> {
    let mut by_file: BTreeMap<u32, Vec<(u32, u32, &str)>> = BTreeMap::new();
    for d in diags {
        if let Some(new) = paasc_diag::suggestion(&d.primary.message) {
            let edits = by_file.entry(d.primary.file.0).or_default();
            let edit = (d.primary.span.start, d.primary.span.end, new);
            if !edits.contains(&edit) {
                edits.push(edit);
            }
        }
    }
    let mut report = Vec::new();
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
        let mut done = Vec::new();
        for (start, end, new) in edits {
            if end > floor || start == end {
                continue;
            }
            let (s, e) = (start as usize + bom, end as usize + bom);
            let Some(old) = text.get(s..e).map(str::to_string) else {
                continue;
            };
            text.replace_range(s..e, new);
            floor = start;
            let p = file.position(start);
            done.push(format!(
                "fixed {}:{}:{}: `{old}` -> `{new}`",
                file.path,
                p.line0 + 1,
                p.col1
            ));
        }
        match std::fs::write(&file.path, text) {
            Ok(()) => report.extend(done.into_iter().rev()),
            Err(e) => report.push(format!("error: cannot write `{}`: {e}", file.path)),
        }
    }
    report
}
