//! `paasc expand`: the extension-expanded YAML, as the craft tools print it.

use paasc_diag::{Diagnostic, FileId, Span};
use paasc_expand::{ExpandError, Location};
use paasc_syntax::{Kind, Tree, Yaml};

/// Finds the span a [`Location`] points at, falling back to the deepest node found.
pub fn locate(tree: &Tree, at: &Location) -> Span {
    let Some(mut node) = tree.root() else {
        return Span::point(0);
    };
    let mut span = Span::new(
        tree.span(node).start as usize,
        tree.span(node).start as usize,
    );
    for (i, seg) in at.path.iter().enumerate() {
        let last = i + 1 == at.path.len();
        match tree.kind(node) {
            Kind::Map(_) => match tree.get(node, seg) {
                Some(e) => {
                    span = if last && !at.key {
                        tree.span(e.value)
                    } else {
                        tree.span(e.key)
                    };
                    node = e.value;
                }
                None => break,
            },
            Kind::Seq(items) => match seg.parse::<usize>().ok().and_then(|n| items.get(n)) {
                Some(&item) => {
                    span = tree.span(item);
                    node = item;
                }
                None => break,
            },
            _ => break,
        }
    }
    span
}

/// Turns an expansion error into a diagnostic on `file`.
pub fn diagnostic(e: &ExpandError, file: FileId, tree: &Tree) -> Diagnostic {
    let span = locate(tree, &e.at);
    let label = match e.other.as_ref().map(|o| &o.path) {
        Some(f) => format!("the extension checks {f} in the project"),
        None => "here".to_string(),
    };
    Diagnostic::new(e.code, file, span, e.message.clone())
        .label(label)
        .help(e.help.clone())
}

/// Turns an expansion error into a diagnostic: in the other file it is about when the error
/// carries a span there (that file is added to `db`), otherwise on `file`.
pub fn diagnostic_in(
    e: &ExpandError,
    file: FileId,
    tree: &Tree,
    dir: &paasc_expand::ProjectDir,
    db: &mut paasc_diag::SourceDb,
) -> Diagnostic {
    let Some((other, Some(span))) = e.other.as_ref().map(|o| (&o.path, &o.span)) else {
        return diagnostic(e, file, tree);
    };
    let Some(text) = dir.texts.get(other) else {
        return diagnostic(e, file, tree);
    };
    let base = std::path::Path::new(&db.get(file).path)
        .parent()
        .map(|p| p.join(other).to_string_lossy().into_owned())
        .unwrap_or_else(|| other.clone());
    let id = db.add(base, text.clone());
    let end = span.end.min(text.len());
    let start = span.start.min(end);
    Diagnostic::new(e.code, id, Span::new(start, end), e.message.clone())
        .label("here")
        .secondary(
            file,
            locate(tree, &e.at),
            format!("the extension reads {other}"),
        )
        .help(e.help.clone())
}

/// What `paasc expand rockcraft` prints: rockcraft's warning lines, then the YAML.
pub fn rock_output(e: &paasc_expand::rockcraft::Expanded) -> String {
    let mut out = String::new();
    for w in &e.warnings {
        out.push_str(w);
        out.push('\n');
    }
    out.push_str(&paasc_syntax::write::to_string(&e.yaml));
    out
}

/// `paasc expand` of one file of a loaded project: the diagnostics (sorted when the expansion
/// failed) and, when the file expanded, the text the tool prints; `None` when the project has
/// no such file (`charm`: `charmcraft.yaml`, else `rockcraft.yaml`).
pub fn file(
    project: &mut crate::Project,
    charm: bool,
    opts: crate::Options,
) -> Option<(Vec<Diagnostic>, Option<String>)> {
    use paasc_diag::Code;
    let files = paasc_model::ProjectFiles {
        charmcraft: project.files.charmcraft.filter(|_| charm),
        rockcraft: project.files.rockcraft.filter(|_| !charm),
    };
    let file = files.charmcraft.or(files.rockcraft)?;
    let mut analysis = paasc_model::analyze(&project.db, files);
    let mut diags = std::mem::take(&mut project.diagnostics);
    diags.append(&mut analysis.diagnostics);
    // What only Juju refuses at deploy time is `check`'s to report: the tools print the file.
    diags.retain(|d| !d.code.deploy_time());
    let tree = analysis
        .charm_tree
        .as_deref()
        .or(analysis.rock_tree.as_deref());
    if let Some(tree) = tree.filter(|_| !paasc_diag::has_errors(&diags)) {
        let db = &mut project.db;
        let result = if charm {
            let dir = project.charm_dir.take().unwrap_or_default().listing;
            crate::expand_charm(&dir, value(tree), opts)
                .map(|doc| paasc_syntax::write::to_string(&doc))
                .map_err(|e| vec![diagnostic_in(&e, file, tree, &dir, db)])
        } else {
            let dir = project.rock_dir.take().unwrap_or_default().listing;
            match crate::expand_rock(tree, &dir, opts) {
                Ok(done) => {
                    for e in &done.notes {
                        diags.push(diagnostic_in(e, file, tree, &dir, db));
                    }
                    match crate::extension_entrypoint(file, tree, &done.yaml) {
                        Some(d) => {
                            diags.retain(|e| e.code != Code::ATYPICAL_ENTRYPOINT);
                            Err(vec![d])
                        }
                        None => Ok(rock_output(&done)),
                    }
                }
                Err(failure) => Err(failure
                    .errors
                    .iter()
                    .map(|e| diagnostic_in(e, file, tree, &dir, db))
                    .collect()),
            }
        };
        match result {
            Ok(text) => return Some((diags, Some(text))),
            Err(mut found) => diags.append(&mut found),
        }
    }
    paasc_diag::sort(&mut diags);
    Some((diags, None))
}

/// The root value of a tree.
pub fn value(tree: &Tree) -> Yaml {
    tree.root()
        .map(|r| Yaml::from_tree(tree, r))
        .unwrap_or(Yaml::Null)
}

#[cfg(test)]
mod tests {
    use super::*;
    use paasc_syntax::{parse, Limits};

    #[test]
    fn locations_point_at_keys_and_values() {
        let text = "a:\n  b: 1\nlist:\n- x\n- y\n";
        let (tree, _) = parse(FileId(0), text, Limits::default());
        let at = |loc: Location| {
            let s = locate(&tree, &loc);
            &text[s.start as usize..s.end as usize]
        };
        assert_eq!(at(Location::key(&["a", "b"])), "b");
        assert_eq!(at(Location::value(&["a", "b"])), "1");
        assert_eq!(at(Location::value(&["list", "1"])), "y");
        assert_eq!(at(Location::key(&["a", "missing"])), "a");
    }
}
