//! The spanned YAML tree: an arena of nodes addressed by [`NodeId`].

use crate::scalar::{Scalar, Value};
use foldhash::{HashMap, HashMapExt as _};
use paasc_diag::Span;
use std::sync::OnceLock;

/// Mappings with more entries than this are looked up through an index, built on the first
/// lookup; smaller ones (most of them) are scanned.
const SCAN_ENTRIES: usize = 16;

/// Index of a node in a [`Tree`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub(crate) u32);

/// A mapping entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The key node.
    pub key: NodeId,
    /// The value node.
    pub value: NodeId,
}

/// What a node is.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// A scalar.
    Scalar(Scalar),
    /// A sequence of nodes.
    Seq(Vec<NodeId>),
    /// A mapping, as PyYAML builds it: merge keys (`<<`) applied, and for a key given twice one
    /// entry at the first key's position holding the last value.
    Map(Vec<Entry>),
    /// An alias (`*name`) of an earlier anchored node.
    Alias(NodeId),
}

/// One node.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// What it is.
    pub kind: Kind,
    /// Where it is written.
    pub span: Span,
}

/// A parsed document.
#[derive(Clone, Debug, Default)]
pub struct Tree {
    pub(crate) nodes: Vec<Node>,
    pub(crate) root: Option<NodeId>,
    /// For each mapping node with more than [`SCAN_ENTRIES`] entries, its entries by key text
    /// (the first entry of a text); built once, after the tree is complete.
    pub(crate) index: OnceLock<HashMap<NodeId, HashMap<Box<str>, Entry>>>,
}

impl Tree {
    /// The document's root node; `None` for an empty document or one that failed to parse.
    pub fn root(&self) -> Option<NodeId> {
        self.root
    }

    /// Where the node is written (for an alias, the alias itself).
    pub fn span(&self, id: NodeId) -> Span {
        self.nodes[id.0 as usize].span
    }

    /// The node's content, following aliases.
    pub fn kind(&self, id: NodeId) -> &Kind {
        &self.nodes[self.target(id).0 as usize].kind
    }

    /// The mapping entries, if the node is a mapping.
    pub fn as_map(&self, id: NodeId) -> Option<&[Entry]> {
        match self.kind(id) {
            Kind::Map(e) => Some(e),
            _ => None,
        }
    }

    /// The items, if the node is a sequence.
    pub fn as_seq(&self, id: NodeId) -> Option<&[NodeId]> {
        match self.kind(id) {
            Kind::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The scalar, if the node is one.
    pub fn as_scalar(&self, id: NodeId) -> Option<&Scalar> {
        match self.kind(id) {
            Kind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// The PyYAML value of a scalar node.
    pub fn value(&self, id: NodeId) -> Option<Value<'_>> {
        self.as_scalar(id).map(Scalar::value)
    }

    /// The text of a scalar key or value (`None` for collections).
    pub fn text(&self, id: NodeId) -> Option<&str> {
        self.as_scalar(id).map(|s| s.text.as_str())
    }

    /// Looks up a mapping entry by its key's text.
    pub fn get(&self, map: NodeId, key: &str) -> Option<Entry> {
        let entries = self.as_map(map)?;
        if entries.len() <= SCAN_ENTRIES {
            return entries
                .iter()
                .copied()
                .find(|e| self.text(e.key) == Some(key));
        }
        self.index()
            .get(&self.target(map))
            .and_then(|by_key| by_key.get(key).copied())
    }

    /// The node an alias stands for (the node itself when it is none).
    fn target(&self, mut id: NodeId) -> NodeId {
        while let Kind::Alias(target) = self.nodes[id.0 as usize].kind {
            id = target;
        }
        id
    }

    fn index(&self) -> &HashMap<NodeId, HashMap<Box<str>, Entry>> {
        self.index.get_or_init(|| {
            let mut index = HashMap::new();
            for (i, node) in self.nodes.iter().enumerate() {
                let (Kind::Map(entries), Ok(i)) = (&node.kind, u32::try_from(i)) else {
                    continue;
                };
                if entries.len() <= SCAN_ENTRIES {
                    continue;
                }
                let mut by_key: HashMap<Box<str>, Entry> = HashMap::with_capacity(entries.len());
                for e in entries {
                    if let Some(text) = self.text(e.key) {
                        by_key.entry(text.into()).or_insert(*e);
                    }
                }
                index.insert(NodeId(i), by_key);
            }
            index
        })
    }

    /// The entry at a path of keys from the root, e.g. `["config", "options", "greeting"]`.
    pub fn lookup<S: AsRef<str>>(&self, path: &[S]) -> Option<Entry> {
        let (first, rest) = path.split_first()?;
        let mut entry = self.get(self.root()?, first.as_ref())?;
        for key in rest {
            entry = self.get(entry.value, key.as_ref())?;
        }
        Some(entry)
    }

    /// What the node is, for messages: "a mapping", "a list", "a string", "the boolean true".
    pub fn describe(&self, id: NodeId) -> String {
        match self.kind(id) {
            Kind::Map(_) => "a mapping".into(),
            Kind::Seq(_) => "a list".into(),
            Kind::Scalar(s) => s.value().describe(),
            Kind::Alias(_) => "an alias".into(),
        }
    }

    /// The first scalar (a key or a value) written as `text`, in document order.
    pub fn find_text(&self, text: &str) -> Option<Span> {
        (0..self.nodes.len())
            .filter_map(|i| u32::try_from(i).ok().map(NodeId))
            .filter(|&id| self.text(id) == Some(text))
            .map(|id| self.span(id))
            .min_by_key(|s| s.start)
    }

    /// Number of nodes stored (aliases count once).
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the tree holds no node.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use crate::{parse, Limits};
    use paasc_diag::FileId;

    #[test]
    fn a_node_stays_small() {
        // A large file holds hundreds of thousands of nodes.
        assert!(std::mem::size_of::<crate::Node>() <= 48);
    }

    #[test]
    fn a_large_mapping_is_looked_up_like_a_small_one() {
        let mut text = String::from("base: &b\n");
        for i in 0..40 {
            text.push_str(&format!("  k{i}: {i}\n"));
        }
        text.push_str("big:\n  <<: *b\n  k3: three\n  extra: x\nalias: *b\n");
        let (tree, _) = parse(FileId(0), &text, Limits::default());
        let value = |path: &[&str]| {
            tree.lookup(path)
                .and_then(|e| tree.text(e.value))
                .map(str::to_string)
        };
        for i in 0..40 {
            assert_eq!(value(&["base", &format!("k{i}")]), Some(i.to_string()));
            assert_eq!(value(&["alias", &format!("k{i}")]), Some(i.to_string()));
        }
        assert_eq!(value(&["big", "k3"]).as_deref(), Some("three"));
        assert_eq!(value(&["big", "k39"]).as_deref(), Some("39"));
        assert_eq!(value(&["big", "extra"]).as_deref(), Some("x"));
        assert_eq!(value(&["big", "k40"]), None);
        assert_eq!(value(&["base", "<<"]), None);
    }
}
