//! The deterministic fixes of diagnostics: the one home of what `paasc check --fix` writes and
//! the language server's quick fixes offer. A fix only replaces the bytes of spans, so comments
//! and layout stay.

use paasc_diag::{Code, Diagnostic, FileId, SourceDb, Span};
use std::collections::BTreeMap;

/// A fix: a title and the replacements it makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What it does, e.g. ``Replace with `summary` ``.
    pub title: String,
    /// The replacements: file, span, new text.
    pub edits: Vec<(FileId, Span, String)>,
}

/// The one fix `d` has, if it has a deterministic one: a did-you-mean label's suggestion
/// replaces the primary range; a number written where a string is expected (`S008`) is quoted
/// as written.
pub fn of(db: &SourceDb, d: &Diagnostic) -> Option<Fix> {
    let l = &d.primary;
    if let Some(new) = paasc_diag::suggestion(&l.message) {
        return Some(Fix {
            title: format!("Replace with `{new}`"),
            edits: vec![(l.file, l.span, new.to_string())],
        });
    }
    if d.code == Code::NUMBER_AS_STRING {
        let text = db
            .get(l.file)
            .text
            .get(l.span.start as usize..l.span.end as usize)?;
        let plain = !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | ':'));
        return plain.then(|| Fix {
            title: format!("Quote `{text}` as a string"),
            edits: vec![(l.file, l.span, format!("'{text}'"))],
        });
    }
    None
}

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

/// The fixes of `diags`, file by file, applied to the files' texts on disk (`disk` reads one by
/// its path; `None` when it cannot be read as UTF-8). A file whose disk text is no longer the
/// text checked is left alone; overlapping fixes keep the later one.
pub fn plan(
    db: &SourceDb,
    diags: &[Diagnostic],
    disk: &dyn Fn(&str) -> Option<String>,
) -> Vec<Planned> {
    let mut by_file: BTreeMap<u32, Vec<(u32, u32, String)>> = BTreeMap::new();
    for fix in diags.iter().filter_map(|d| of(db, d)) {
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
        let Some(disk) = disk(&file.path) else {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_and_numbers_as_strings() {
        let mut db = SourceDb::new();
        let f = db.add("rockcraft.yaml", "sumary: x\nversion: 1.10\n");
        let d = Diagnostic::new(Code::UNKNOWN_KEY, f, Span::new(0, 6), "unknown key")
            .label("did you mean `summary`?");
        let fix = of(&db, &d).expect("rename");
        assert_eq!(fix.edits, vec![(f, Span::new(0, 6), "summary".to_string())]);
        let d = Diagnostic::new(Code::NUMBER_AS_STRING, f, Span::new(19, 23), "number");
        let fix = of(&db, &d).expect("quote");
        assert_eq!(fix.edits[0].2, "'1.10'");
        let d = Diagnostic::new(Code::YAML11_AMBIGUITY, f, Span::new(19, 23), "ambiguous");
        assert_eq!(of(&db, &d), None);
    }
}
