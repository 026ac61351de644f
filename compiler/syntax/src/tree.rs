//! The spanned YAML tree: an arena of nodes addressed by [`NodeId`].

use crate::scalar::{Scalar, Value};
use paasc_diag::Span;

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
        let mut node = &self.nodes[id.0 as usize];
        while let Kind::Alias(target) = node.kind {
            node = &self.nodes[target.0 as usize];
        }
        &node.kind
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
        self.as_map(map)?
            .iter()
            .copied()
            .find(|e| self.text(e.key) == Some(key))
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
