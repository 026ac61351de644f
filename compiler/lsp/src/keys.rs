//! Hover on a key: its description from the input's JSON Schema (`paasc schema ...`).

use paasc_diag::FileId;
use serde_json::Value;
use std::path::Path;

/// The schema of the file at `path`, by its name: rockcraft.yaml, charmcraft.yaml, or a profile.
pub fn schema_for(path: &Path) -> Option<Value> {
    let name = path.file_name()?.to_str()?;
    let in_profiles = path
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|d| d == "profiles");
    match name {
        "rockcraft.yaml" => Some(paasc_schemas::rockcraft()),
        "charmcraft.yaml" => Some(paasc_schemas::charmcraft()),
        _ if in_profiles && (name.ends_with(".yaml") || name.ends_with(".yml")) => {
            Some(paasc_schemas::profile())
        }
        _ => None,
    }
}

/// The byte offset of an LSP position (0-based line, UTF-16 column) in `text`.
pub fn offset(text: &str, line: u32, character: u32) -> Option<usize> {
    let start = if line == 0 {
        0
    } else {
        text.match_indices('\n').nth(line as usize - 1)?.0 + 1
    };
    let mut units = 0u32;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return Some(start + i);
        }
        units += u32::try_from(c.len_utf16()).unwrap_or(2);
    }
    Some(text.len())
}

/// The path of keys to the key at byte `at` (sequence items as `None`), and the key's span.
fn key_path(text: &str, at: usize) -> Option<(Vec<Option<String>>, paasc_diag::Span)> {
    let (tree, _) = paasc_syntax::parse(FileId(0), text, paasc_syntax::Limits::default());
    let mut node = tree.root()?;
    let mut path = Vec::new();
    let inside = |s: paasc_diag::Span| s.start as usize <= at && at <= s.end as usize;
    loop {
        if let Some(entries) = tree.as_map(node) {
            let entry = entries
                .iter()
                .find(|e| inside(tree.span(e.key)) || inside(tree.span(e.value)))?;
            path.push(Some(tree.text(entry.key)?.to_string()));
            if inside(tree.span(entry.key)) {
                return Some((path, tree.span(entry.key)));
            }
            node = entry.value;
        } else if let Some(items) = tree.as_seq(node) {
            node = *items.iter().find(|i| inside(tree.span(**i)))?;
            path.push(None);
        } else {
            return None;
        }
    }
}

/// `schema` with its `$ref` into `root` followed.
pub(crate) fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    let mut s = schema;
    for _ in 0..16 {
        match s.get("$ref").and_then(Value::as_str) {
            Some(r) => match r
                .strip_prefix("#/")
                .and_then(|p| p.split('/').try_fold(root, |v, part| v.get(part)))
            {
                Some(target) => s = target,
                None => break,
            },
            None => break,
        }
    }
    s
}

/// The sub-schema for `step` of `schema`, looking into `allOf`/`anyOf`/`oneOf` branches.
pub(crate) fn child<'a>(
    root: &'a Value,
    schema: &'a Value,
    step: Option<&str>,
    depth: u32,
) -> Option<&'a Value> {
    let s = resolve(root, schema);
    if depth > 8 {
        return None;
    }
    let direct = match step {
        Some(key) => s
            .get("properties")
            .and_then(|p| p.get(key))
            .or_else(|| {
                s.get("patternProperties")
                    .and_then(Value::as_object)
                    .and_then(|m| m.values().next())
            })
            .or_else(|| s.get("additionalProperties").filter(|v| v.is_object())),
        None => s.get("items").filter(|v| v.is_object()),
    };
    direct.or_else(|| {
        ["allOf", "anyOf", "oneOf"]
            .iter()
            .filter_map(|k| s.get(*k).and_then(Value::as_array))
            .flatten()
            .find_map(|b| child(root, b, step, depth + 1))
    })
}

/// The description of the key at byte `at` of `text` in `schema`, with the key's span.
pub fn describe(schema: &Value, text: &str, at: usize) -> Option<(String, paasc_diag::Span)> {
    let (path, span) = key_path(text, at)?;
    let mut s = schema;
    for step in &path {
        s = child(schema, s, step.as_deref(), 0)?;
    }
    let own = s.get("description").and_then(Value::as_str);
    let text = own.or_else(|| {
        resolve(schema, s)
            .get("description")
            .and_then(Value::as_str)
    })?;
    let name = path.last().cloned().flatten().unwrap_or_default();
    Some((format!("**{name}**: {text}"), span))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_count_utf16_units() {
        let text = "a: é\nb: 😀x\n";
        assert_eq!(offset(text, 1, 0), Some(6));
        assert_eq!(offset(text, 1, 5), Some(13));
    }

    #[test]
    fn describes_nested_keys() {
        let schema = paasc_schemas::rockcraft();
        let text = "name: x\nbase: ubuntu@22.04\nservices:\n  web:\n    command: a\n";
        let (d, _) = describe(&schema, text, 9).expect("base");
        assert!(d.starts_with("**base**: The base image"), "{d}");
        let at = text.find("command").unwrap_or_default() + 1;
        let (d, _) = describe(&schema, text, at).expect("command");
        assert!(d.starts_with("**command**"), "{d}");
    }
}
