//! The YAML front end: source text to a tree in which every node, keys included, carries its
//! byte span. Scalars keep their text, style and tag so that later passes read them as PyYAML
//! (YAML 1.1) does.
//!
//! **Invariant:** parsing never fails. [`parse`] always returns a [`Tree`] (possibly without a
//! root) and the diagnostics found on the way. Limits on size, depth and alias expansion keep
//! time and memory bounded for any input.

pub mod anyurl;
mod builder;
mod numeric;
pub mod pyyaml;
mod scalar;
pub mod shlex;
mod tree;
mod value;
pub mod write;

pub use builder::{parse, Limits};
pub use compact_str::CompactString;
pub use scalar::{
    python_float_repr, python_str_repr, resolve11_plain, CoreTag, Scalar, Style, Value,
};
pub use tree::{Entry, Kind, Node, NodeId, Tree};
pub use value::{static_compact, Yaml};
