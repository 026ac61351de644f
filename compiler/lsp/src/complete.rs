//! Completion: keys and enum values from the input's JSON Schema, the expanded rock's parts and
//! services, a profile's option and endpoint names, and codes in `# paasc: ignore[...]`.
//! The context comes from indentation, so a buffer that does not parse yet still completes.

use crate::keys::{child, resolve};
use crate::Facts;
use lsp_types::{CompletionItem, CompletionItemKind, Documentation, MarkupContent, MarkupKind};
use paasc_diag::Code;
use serde_json::Value;

/// What the cursor is on.
#[derive(Debug, PartialEq)]
pub enum Context {
    /// A code inside `# paasc: ignore[`.
    Code,
    /// A key of the map at this path (sequence items as `None`); the keys already there.
    Key(Vec<Option<String>>, Vec<String>),
    /// The value of the key at this path.
    Value(Vec<Option<String>>),
}

/// A line's indentation, its key (`key:` after an optional `- `), and whether it opens a
/// sequence item.
struct Line<'a> {
    indent: usize,
    key: Option<&'a str>,
    item: bool,
    /// The column of the key (after `- `).
    key_col: usize,
}

fn parse_line(l: &str) -> Option<Line<'_>> {
    let trimmed = l.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return None;
    }
    let indent = l.len() - trimmed.len();
    let (item, rest) = match trimmed.strip_prefix("- ") {
        Some(r) => (true, r.trim_start()),
        None => (trimmed == "-", trimmed),
    };
    let key_col = l.len() - rest.len();
    let key = rest
        .split_once(':')
        .filter(|(_, after)| after.is_empty() || after.starts_with([' ', '\t', '\r', '\n']))
        .map(|(k, _)| k.trim().trim_matches(['"', '\'']))
        .filter(|k| !k.is_empty() && !k.contains([' ', '{', '[', '#']));
    Some(Line {
        indent,
        key,
        item,
        key_col,
    })
}

/// The context at byte `at` of `text`.
pub fn context(text: &str, at: usize) -> Context {
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[start..at];
    if let Some(hash) = before.find('#') {
        let comment = before[hash + 1..].trim_start();
        if comment.starts_with("paasc: ignore[") && !comment.contains(']') {
            return Context::Code;
        }
    }
    let trimmed = before.trim_start();
    let indent = before.len() - trimmed.len();
    let (item, rest) = match trimmed.strip_prefix("- ") {
        Some(r) => (true, r.trim_start()),
        None => (false, trimmed),
    };
    let value_key = rest
        .split_once(": ")
        .map(|(k, _)| k.trim().trim_matches(['"', '\'']).to_string());
    // The path is built from the leaf up; `col` is the column of the current map's keys, or
    // of the current sequence's dashes when `seq`.
    let mut path: Vec<Option<String>> = Vec::new();
    if let Some(k) = &value_key {
        path.push(Some(k.clone()));
    }
    let (mut col, mut seq) = if item {
        path.push(None);
        (indent, true)
    } else {
        (indent, false)
    };
    let mut siblings = Vec::new();
    let mut immediate = !item;
    for l in text[..start].lines().rev().filter_map(parse_line) {
        let parent = if seq {
            if l.indent > col || (l.item && l.indent == col) {
                continue;
            }
            l.key_col < col || (l.key_col == col && !l.item)
        } else {
            if l.key_col > col {
                continue;
            }
            if l.key_col == col {
                if immediate {
                    siblings.extend(l.key.map(str::to_string));
                }
                if l.item {
                    path.push(None);
                    col = l.indent;
                    seq = true;
                    immediate = false;
                }
                continue;
            }
            true
        };
        if !parent {
            continue;
        }
        let Some(k) = l.key else { break };
        path.push(Some(k.to_string()));
        immediate = false;
        if l.item {
            path.push(None);
            col = l.indent;
            seq = true;
        } else {
            col = l.key_col;
            seq = false;
            if col == 0 {
                break;
            }
        }
    }
    path.reverse();
    if value_key.is_some() || item {
        Context::Value(path)
    } else {
        Context::Key(path, siblings)
    }
}

fn doc(text: &str) -> Option<Documentation> {
    (!text.is_empty()).then(|| {
        Documentation::MarkupContent(MarkupContent {
            kind: MarkupKind::Markdown,
            value: text.to_string(),
        })
    })
}

fn item(label: &str, kind: CompletionItemKind, detail: &str, text: &str) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: (!detail.is_empty()).then(|| detail.to_string()),
        documentation: doc(text),
        ..CompletionItem::default()
    }
}

/// The properties of `schema` and of its `allOf`/`anyOf`/`oneOf` branches, with their
/// descriptions.
fn properties(root: &Value, schema: &Value, depth: u32, out: &mut Vec<(String, String)>) {
    if depth > 8 {
        return;
    }
    let s = resolve(root, schema);
    if let Some(props) = s.get("properties").and_then(Value::as_object) {
        for (k, v) in props {
            if out.iter().all(|(n, _)| n != k) {
                let d = v
                    .get("description")
                    .or_else(|| resolve(root, v).get("description"))
                    .and_then(Value::as_str)
                    .unwrap_or_default();
                out.push((k.clone(), d.to_string()));
            }
        }
    }
    for b in ["allOf", "anyOf", "oneOf"]
        .iter()
        .filter_map(|k| s.get(*k).and_then(Value::as_array))
        .flatten()
    {
        properties(root, b, depth + 1, out);
    }
}

/// The enum values (and booleans) `schema` allows.
fn values(root: &Value, schema: &Value, depth: u32, out: &mut Vec<String>) {
    if depth > 8 {
        return;
    }
    let s = resolve(root, schema);
    let mut add = |v: &Value| {
        let text = match v {
            Value::String(s) => s.clone(),
            Value::Bool(_) | Value::Number(_) => v.to_string(),
            _ => return,
        };
        if !out.contains(&text) {
            out.push(text);
        }
    };
    if let Some(e) = s.get("enum").and_then(Value::as_array) {
        e.iter().for_each(&mut add);
    }
    if let Some(c) = s.get("const") {
        add(c);
    }
    if s.get("type").and_then(Value::as_str) == Some("boolean") {
        add(&Value::Bool(true));
        add(&Value::Bool(false));
    }
    for b in ["allOf", "anyOf", "oneOf"]
        .iter()
        .filter_map(|k| s.get(*k).and_then(Value::as_array))
        .flatten()
    {
        values(root, b, depth + 1, out);
    }
}

/// The schema at `path` of `root`.
fn at<'a>(root: &'a Value, path: &[Option<String>]) -> Option<&'a Value> {
    let mut s = root;
    for step in path {
        s = child(root, s, step.as_deref(), 0)?;
    }
    Some(s)
}

/// Which file is being completed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// rockcraft.yaml.
    Rock,
    /// charmcraft.yaml.
    Charm,
    /// A deployment profile.
    Profile,
    /// Anything else (only codes complete).
    Other,
}

/// The completions at `context` of a `kind` file with `schema`.
pub fn items(
    context: &Context,
    kind: FileKind,
    schema: Option<&Value>,
    facts: &Facts,
    codes: &[Code],
) -> Vec<CompletionItem> {
    let path_is = |path: &[Option<String>], want: &[&str]| {
        path.len() == want.len() && path.iter().zip(want).all(|(a, b)| a.as_deref() == Some(*b))
    };
    match context {
        Context::Code => codes
            .iter()
            .map(|c| c.info())
            .map(|c| {
                item(
                    c.code,
                    CompletionItemKind::VALUE,
                    &format!("{} ({})", c.name, c.severity.as_str()),
                    c.summary,
                )
            })
            .collect(),
        Context::Key(path, present) => {
            let fresh = |name: &str| !present.iter().any(|p| p == name);
            let mut out: Vec<CompletionItem> = Vec::new();
            if kind == FileKind::Profile && path_is(path, &["config"]) {
                out.extend(facts.options.iter().filter(|o| fresh(&o.name)).map(|o| {
                    let detail = match &o.env {
                        Some(var) => format!("{} → {var}", o.kind),
                        None => o.kind.clone(),
                    };
                    item(&o.name, CompletionItemKind::FIELD, &detail, &o.description)
                }));
            }
            if kind == FileKind::Profile && path_is(path, &["integrations"]) {
                out.extend(
                    facts
                        .endpoints
                        .iter()
                        .filter(|(n, _)| fresh(n))
                        .map(|(n, i)| item(n, CompletionItemKind::INTERFACE, i, "")),
                );
            }
            for (key, names) in [("parts", &facts.parts), ("services", &facts.services)] {
                if kind == FileKind::Rock && path_is(path, &[key]) {
                    out.extend(
                        names
                            .iter()
                            .filter(|n| fresh(n))
                            .map(|n| item(n, CompletionItemKind::MODULE, "from the extension", "")),
                    );
                }
            }
            if let Some(s) = schema.and_then(|root| Some((root, at(root, path)?))) {
                let mut props = Vec::new();
                properties(s.0, s.1, 0, &mut props);
                out.extend(props.iter().filter(|(n, _)| fresh(n)).map(|(n, d)| {
                    let first = d.lines().next().unwrap_or_default();
                    item(n, CompletionItemKind::PROPERTY, first, d)
                }));
            }
            out
        }
        Context::Value(path) => {
            let mut vals = Vec::new();
            if let Some((root, s)) = schema.and_then(|root| Some((root, at(root, path)?))) {
                values(root, s, 0, &mut vals);
            }
            vals.iter()
                .map(|v| item(v, CompletionItemKind::ENUM_MEMBER, "", ""))
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(text: &str) -> Context {
        let at = text.find('|').expect("cursor");
        let text = text.replacen('|', "", 1);
        context(&text, at)
    }

    fn key(path: &[&str]) -> Vec<Option<String>> {
        path.iter()
            .map(|p| (*p != "-").then(|| p.to_string()))
            .collect()
    }

    #[test]
    fn contexts_from_indentation() {
        assert_eq!(ctx("name: x\n|"), Context::Key(vec![], vec!["name".into()]));
        assert_eq!(
            ctx("name: x\nservices:\n  web:\n    command: a\n    ov|\n"),
            Context::Key(key(&["services", "web"]), vec!["command".into()])
        );
        assert_eq!(ctx("base: |"), Context::Value(key(&["base"])));
        assert_eq!(
            ctx("parts:\n  a:\n    plugin: |"),
            Context::Value(key(&["parts", "a", "plugin"]))
        );
        assert_eq!(
            ctx("platforms:\n  amd64:\nextensions:\n  - |"),
            Context::Value(key(&["extensions", "-"]))
        );
        assert_eq!(
            ctx("parts:\n- a: 1\n  b: 2\n  |"),
            Context::Key(key(&["parts", "-"]), vec!["b".into(), "a".into()])
        );
        assert_eq!(
            ctx("x:\n  - a:\n      b|"),
            Context::Key(key(&["x", "-", "a"]), vec![])
        );
        assert_eq!(
            ctx("config:\n  options:\n    port:\n      type: int\n      |"),
            Context::Key(key(&["config", "options", "port"]), vec!["type".into()])
        );
        assert_eq!(ctx("a: 1 # paasc: ignore[C0|"), Context::Code);
        assert_eq!(
            ctx("run-user: _daemon_\nservices:\n  web:\n    override: replace\n\n|"),
            Context::Key(vec![], vec!["services".into(), "run-user".into()])
        );
    }

    #[test]
    fn keys_and_values_from_the_schema() {
        let schema = paasc_schemas::rockcraft();
        let facts = Facts::default();
        let labels = |c: &Context| -> Vec<String> {
            items(c, FileKind::Rock, Some(&schema), &facts, &[])
                .into_iter()
                .map(|i| i.label)
                .collect()
        };
        let top = labels(&Context::Key(vec![], vec!["name".into()]));
        assert!(
            top.contains(&"base".into()) && !top.contains(&"name".into()),
            "{top:?}"
        );
        let service = labels(&Context::Key(key(&["services", "web"]), vec![]));
        assert!(service.contains(&"override".into()), "{service:?}");
        let over = labels(&Context::Value(key(&["services", "web", "override"])));
        assert_eq!(over, ["merge", "replace"]);
    }
}
