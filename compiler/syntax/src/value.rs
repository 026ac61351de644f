//! YAML data as PyYAML's safe loader builds it: ordered mappings, typed scalars. This is what the
//! craft tools see after loading, and what expansion works on.

use crate::scalar::{python_float_repr, Value};
use crate::tree::{Kind, NodeId, Tree};
use compact_str::CompactString;

/// A loaded YAML value.
#[derive(Clone, Debug, PartialEq)]
pub enum Yaml {
    /// `null`.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer (digits kept as text when beyond i128).
    Int(i128),
    /// An integer too large for i128, as decimal digits.
    BigInt(String),
    /// A float.
    Float(f64),
    /// A string: inline up to 24 bytes, so most keys and short values allocate nothing.
    Str(CompactString),
    /// A date or date-time, as written.
    Timestamp(CompactString),
    /// A list.
    Seq(Vec<Yaml>),
    /// A mapping, in insertion order. Keys are values too (PyYAML allows any hashable key).
    Map(Vec<(Yaml, Yaml)>),
}

impl Yaml {
    /// Builds the value of `id`, following aliases.
    pub fn from_tree(tree: &Tree, id: NodeId) -> Yaml {
        match tree.kind(id) {
            Kind::Scalar(s) => match s.value() {
                Value::Null => Yaml::Null,
                Value::Bool(b) => Yaml::Bool(b),
                Value::Int(i) => Yaml::Int(i),
                Value::BigInt(d) => Yaml::BigInt(d),
                Value::Float(f) => Yaml::Float(f),
                Value::Timestamp(t) => Yaml::Timestamp(t.into()),
                Value::Str(s) => Yaml::Str(s.into()),
            },
            Kind::Seq(items) => {
                Yaml::Seq(items.iter().map(|i| Yaml::from_tree(tree, *i)).collect())
            }
            Kind::Map(entries) => Yaml::Map(
                entries
                    .iter()
                    .map(|e| (Yaml::from_tree(tree, e.key), Yaml::from_tree(tree, e.value)))
                    .collect(),
            ),
            Kind::Alias(_) => Yaml::Null,
        }
    }

    /// A string value.
    pub fn str(s: impl Into<CompactString>) -> Yaml {
        Yaml::Str(s.into())
    }

    /// A string value holding the text of a constant: short ones inline, copied at once, longer
    /// ones pointing at the text.
    pub fn static_str(s: &'static str) -> Yaml {
        Yaml::Str(static_compact(s))
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Yaml::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The entries, if this is a mapping.
    pub fn as_map(&self) -> Option<&[(Yaml, Yaml)]> {
        match self {
            Yaml::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The items, if this is a list.
    pub fn as_seq(&self) -> Option<&[Yaml]> {
        match self {
            Yaml::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// The value under string key `key`, if this is a mapping holding it.
    pub fn get(&self, key: &str) -> Option<&Yaml> {
        self.as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
    }

    /// Mutable access to the value under `key`.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Yaml> {
        match self {
            Yaml::Map(m) => m
                .iter_mut()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// Python truthiness: null, false, 0, empty strings and collections are false.
    pub fn truthy(&self) -> bool {
        match self {
            Yaml::Null => false,
            Yaml::Bool(b) => *b,
            Yaml::Int(i) => *i != 0,
            Yaml::BigInt(_) | Yaml::Timestamp(_) => true,
            Yaml::Float(f) => *f != 0.0,
            Yaml::Str(s) => !s.is_empty(),
            Yaml::Seq(s) => !s.is_empty(),
            Yaml::Map(m) => !m.is_empty(),
        }
    }

    /// How Python's `repr` would show a scalar key (for messages that print Python sets).
    pub fn python_repr(&self) -> String {
        match self {
            Yaml::Null => "None".into(),
            Yaml::Bool(true) => "True".into(),
            Yaml::Bool(false) => "False".into(),
            Yaml::Int(i) => i.to_string(),
            Yaml::BigInt(d) => d.clone(),
            Yaml::Float(f) => python_float_repr(*f),
            Yaml::Str(s) => format!("'{s}'"),
            Yaml::Timestamp(t) => t.to_string(),
            Yaml::Seq(_) => "[...]".into(),
            Yaml::Map(_) => "{...}".into(),
        }
    }
}

/// `s` as a [`CompactString`] without copying a long text: [`CompactString::const_new`], which
/// at run time copies a short text byte by byte in a loop (it is a `const fn`), for texts too
/// long to be inline, and [`CompactString::new`] (one copy) for the others.
pub fn static_compact(s: &'static str) -> CompactString {
    if s.len() <= std::mem::size_of::<CompactString>() {
        CompactString::new(s)
    } else {
        CompactString::const_new(s)
    }
}
