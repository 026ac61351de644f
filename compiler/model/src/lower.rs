//! The lowering toolkit: read a spanned tree into typed values, collecting every problem.

use paasc_diag::{closest, Cap, Code, Diagnostic, FileId, Span};
use paasc_syntax::{Entry, Kind, NodeId, Tree, Value};
use std::fmt::Write as _;

/// A value with the span of the node it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    /// The value.
    pub value: T,
    /// Where it is written.
    pub span: Span,
}

/// An ordered map whose keys keep their spans.
#[derive(Clone, Debug, PartialEq)]
pub struct SpannedMap<T>(pub Vec<(Spanned<String>, T)>);

impl<T> Default for SpannedMap<T> {
    fn default() -> Self {
        SpannedMap(Vec::new())
    }
}

impl<T> SpannedMap<T> {
    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&T> {
        self.0.iter().find(|(k, _)| k.value == key).map(|(_, v)| v)
    }

    /// Entries in file order.
    pub fn iter(&self) -> impl Iterator<Item = (&Spanned<String>, &T)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is no entry.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Lowering context: the tree being read and the diagnostics found so far.
pub struct Cx<'a> {
    /// The tree.
    pub tree: &'a Tree,
    /// The file the tree came from.
    pub file: FileId,
    /// Problems found.
    pub diags: Vec<Diagnostic>,
    /// Whether the tree is an overlay (a `--set`): required keys may be missing, as they may
    /// come from what it is laid over.
    pub partial: bool,
    /// Bounds the unknown keys reported (see [`Cap`]).
    cap: Cap,
    /// The buffers of finished map readers, for the next ones (a mapping may hold thousands of
    /// mappings).
    spare: Vec<Buffers<'a>>,
}

/// What a [`MapReader`] allocates, kept for reuse.
#[derive(Default)]
struct Buffers<'a> {
    used: Vec<bool>,
    keys: Vec<Option<&'a str>>,
    known: Vec<&'static str>,
    path: String,
}

impl<'a> Cx<'a> {
    /// A context over `tree`.
    pub fn new(tree: &'a Tree, file: FileId) -> Cx<'a> {
        Cx {
            tree,
            file,
            diags: Vec::new(),
            partial: false,
            cap: Cap::default(),
            spare: Vec::new(),
        }
    }

    /// Records a diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// Reports a wrong type at `id`.
    pub fn wrong_type(&mut self, id: NodeId, path: &str, expected: &str) {
        let found = self.tree.describe(id);
        let what = if path.is_empty() {
            "the top level of the file".to_string()
        } else {
            format!("`{path}`")
        };
        let mut d = Diagnostic::new(
            Code::WRONG_TYPE,
            self.file,
            self.tree.span(id),
            format!("{what} must be {expected}, found {found}"),
        )
        .label(format!("expected {expected}"));
        d = d.help(type_help(self.tree, id, expected));
        self.push(d);
    }

    /// The integer at `id`, as decimal digits, when it is one and lies outside `min..=max`.
    pub fn int_beyond(&self, id: NodeId, min: i128, max: i128) -> Option<String> {
        match self.tree.value(id)? {
            Value::Int(i) if i < min || i > max => Some(i.to_string()),
            Value::BigInt(digits) => Some(digits),
            _ => None,
        }
    }

    /// Reports that the integer `value` at `id` is outside `min..=max`, with `help` or, by
    /// default, the range to use.
    pub fn out_of_range(
        &mut self,
        id: NodeId,
        path: &str,
        value: &str,
        min: i128,
        max: i128,
        help: Option<&str>,
    ) {
        let written = self.tree.text(id).unwrap_or_default();
        let value = if written == value {
            value.to_string()
        } else {
            format!("{value} (written `{written}`)")
        };
        let help = help.map_or_else(
            || format!("give an integer from {min} to {max}"),
            str::to_string,
        );
        self.push(
            Diagnostic::new(
                Code::INVALID_VALUE,
                self.file,
                self.tree.span(id),
                format!("`{path}` is {value}, out of range: it must be from {min} to {max}"),
            )
            .label("out of range")
            .help(help),
        );
    }

    /// Opens a mapping for reading, or reports that the node is not one.
    pub fn map(&mut self, id: NodeId, path: &str) -> Option<MapReader<'a>> {
        match self.tree.kind(id) {
            Kind::Map(entries) => {
                let Buffers {
                    mut used,
                    mut keys,
                    mut known,
                    path: mut own,
                } = self.spare.pop().unwrap_or_default();
                used.clear();
                used.resize(entries.len(), false);
                keys.clear();
                keys.extend(entries.iter().map(|e| self.tree.text(e.key)));
                known.clear();
                own.clear();
                // Room for the children's paths, which are made in place.
                own.reserve(path.len() + 32);
                own.push_str(path);
                Some(MapReader {
                    tree: self.tree,
                    id,
                    entries,
                    used,
                    keys,
                    known,
                    missing: Vec::new(),
                    path: own,
                })
            }
            _ => {
                self.wrong_type(id, path, "a mapping");
                None
            }
        }
    }

    /// Lowers `id` as a `T`.
    pub fn lower<T: Lower>(&mut self, id: NodeId, path: &str) -> Option<T> {
        T::lower(self, id, path)
    }
}

fn type_help(tree: &Tree, id: NodeId, expected: &str) -> String {
    if expected.contains("string") {
        if let Some(s) = tree.as_scalar(id) {
            if !matches!(s.value(), Value::Str(_)) {
                return format!(
                    "the craft tools read YAML 1.1, where unquoted `{}` is not a string; quote it: '{}'",
                    s.text, s.text
                );
            }
        }
    }
    if let Some(s) = tree.as_scalar(id) {
        if matches!(s.value(), Value::Null) && s.text.is_empty() {
            return format!("the value is empty; give {expected}");
        }
    }
    format!("write {expected} here")
}

/// Reads the entries of one mapping, remembering which keys were read so that the rest can be
/// reported as unknown.
pub struct MapReader<'a> {
    tree: &'a Tree,
    id: NodeId,
    entries: &'a [Entry],
    used: Vec<bool>,
    /// Each entry's key text (none for a key that is not a scalar), read once.
    keys: Vec<Option<&'a str>>,
    known: Vec<&'static str>,
    missing: Vec<String>,
    path: String,
}

impl<'a> MapReader<'a> {
    /// The mapping node.
    pub fn id(&self) -> NodeId {
        self.id
    }

    /// The dotted path of this mapping, for messages.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Lowers `value` as the entry `key` of this mapping, its path (`<path>.<key>`) made in
    /// the reader's own buffer.
    fn lower_child<T: Lower>(&mut self, cx: &mut Cx, key: &str, value: NodeId) -> Option<T> {
        let len = self.path.len();
        if len > 0 {
            self.path.push('.');
        }
        self.path.push_str(key);
        let out = T::lower(cx, value, &self.path);
        self.path.truncate(len);
        out
    }

    /// Takes the entry for `key` (and marks the key known), if present.
    pub fn entry(&mut self, key: &'static str) -> Option<Entry> {
        self.known.push(key);
        let i = self.position(key)?;
        self.used[i] = true;
        Some(self.entries[i])
    }

    /// Index of `key`, or of its underscore spelling (the craft models accept both, and the
    /// dashed one wins when both are given). One pass: only a key of the same length can be
    /// either.
    fn position(&self, key: &str) -> Option<usize> {
        let mut alias = None;
        for (i, text) in self.keys.iter().enumerate() {
            let Some(text) = text.filter(|t| t.len() == key.len()) else {
                continue;
            };
            if text == key {
                return Some(i);
            }
            let underscored = || {
                text.bytes()
                    .zip(key.bytes())
                    .all(|(t, k)| t == if k == b'-' { b'_' } else { k })
            };
            if alias.is_none() && underscored() {
                alias = Some(i);
            }
        }
        alias
    }

    /// Marks a key as known without reading it.
    pub fn allow(&mut self, key: &'static str) {
        let _ = self.entry(key);
    }

    /// Reads an optional key. A null value counts as absent when `T` has no null form.
    pub fn opt<T: Lower>(&mut self, cx: &mut Cx, key: &'static str) -> Option<T> {
        let e = self.entry(key)?;
        if !T::ACCEPTS_NULL && matches!(self.tree.value(e.value), Some(Value::Null)) {
            return None;
        }
        self.lower_child(cx, key, e.value)
    }

    /// Reads an optional key keeping the value's span.
    pub fn opt_spanned<T: Lower>(&mut self, cx: &mut Cx, key: &'static str) -> Option<Spanned<T>> {
        let e = self.entry(key)?;
        if !T::ACCEPTS_NULL && matches!(self.tree.value(e.value), Some(Value::Null)) {
            return None;
        }
        let value = self.lower_child(cx, key, e.value)?;
        Some(Spanned {
            value,
            span: self.tree.span(e.value),
        })
    }

    /// Reads a required key, reporting it as missing if absent.
    pub fn req<T: Lower>(&mut self, cx: &mut Cx, key: &'static str) -> Option<Spanned<T>> {
        self.known.push(key);
        let Some(i) = self.position(key) else {
            if !cx.partial {
                self.missing(key);
            }
            return None;
        };
        self.used[i] = true;
        let e = self.entries[i];
        let value = self.lower_child(cx, key, e.value)?;
        Some(Spanned {
            value,
            span: self.tree.span(e.value),
        })
    }

    /// Records `key` as missing from this mapping; reported by [`MapReader::finish`].
    pub fn missing(&mut self, key: &str) {
        self.missing.push(key.to_string());
    }

    /// Takes a key without listing it among the known keys (for keys that are refused).
    pub fn take_hidden(&mut self, key: &str) -> Option<Entry> {
        let i = self.keys.iter().position(|k| *k == Some(key))?;
        self.used[i] = true;
        Some(self.entries[i])
    }

    fn report_missing(&self, cx: &mut Cx) {
        if self.missing.is_empty() {
            return;
        }
        let (span, label) = self.anchor();
        let within = if self.path.is_empty() {
            "the top level".to_string()
        } else {
            format!("`{}`", self.path)
        };
        let keys = self
            .missing
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>();
        let (message, help) = if keys.len() == 1 {
            (
                format!("required key {} is missing from {within}", keys[0]),
                format!("add `{}:` to this mapping", self.missing[0]),
            )
        } else {
            (
                format!(
                    "required keys {} are missing from {within}",
                    keys.join(", ")
                ),
                format!("add {} to this mapping", keys.join(", ")),
            )
        };
        cx.push(
            Diagnostic::new(Code::MISSING_KEY, cx.file, span, message)
                .label(label)
                .help(help),
        );
    }

    fn anchor(&self) -> (Span, String) {
        match self.entries.first() {
            Some(e) => (
                self.tree.span(e.key),
                "in the mapping that starts here".into(),
            ),
            None => (self.tree.span(self.id), "this mapping is empty".into()),
        }
    }

    /// The entry of `key` if present, without marking anything.
    pub fn peek(&self, key: &str) -> Option<Entry> {
        self.position(key).map(|i| self.entries[i])
    }

    /// Whether the mapping holds exactly this key text (no underscore alias).
    pub fn has_exact(&self, key: &str) -> bool {
        self.keys.contains(&Some(key))
    }

    /// All entries not read so far, marking them read.
    pub fn rest(&mut self) -> Vec<Entry> {
        let mut out = Vec::new();
        for (i, e) in self.entries.iter().enumerate() {
            if !self.used[i] {
                self.used[i] = true;
                out.push(*e);
            }
        }
        out
    }

    /// Reports every entry not read as an unknown key (with the given severity's code default).
    pub fn finish(self, cx: &mut Cx<'a>) {
        self.report_missing(cx);
        for (i, e) in self.entries.iter().enumerate() {
            if self.used[i] {
                continue;
            }
            let span = self.tree.span(e.key);
            if !cx
                .cap
                .admit(&mut cx.diags, Code::UNKNOWN_KEY, cx.file, span)
            {
                continue;
            }
            let key = self.tree.text(e.key).unwrap_or("?");
            let within = if self.path.is_empty() {
                "at the top level".to_string()
            } else {
                format!("in `{}`", self.path)
            };
            let mut d = Diagnostic::new(
                Code::UNKNOWN_KEY,
                cx.file,
                span,
                format!("unknown key `{key}` {within}"),
            );
            d = match closest(key, self.known.iter().copied()) {
                Some(best) => d
                    .label(format!("did you mean `{best}`?"))
                    .help(format!("rename it to `{best}`")),
                None => {
                    let mut keys: Vec<&str> = self.known.clone();
                    keys.sort_unstable();
                    keys.dedup();
                    d.label("not a known key")
                        .help(format!("known keys: {}", keys.join(", ")))
                }
            };
            cx.push(d);
        }
        cx.spare.push(Buffers {
            used: self.used,
            keys: self.keys,
            known: self.known,
            path: self.path,
        });
    }
}

/// Types that can be read from a node.
pub trait Lower: Sized {
    /// Whether an explicit null is a value of this type (otherwise it reads as absent).
    const ACCEPTS_NULL: bool = false;
    /// Reads the node, reporting problems to `cx`; `path` names the value in messages.
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self>;
}

fn scalar<T>(
    cx: &mut Cx,
    id: NodeId,
    path: &str,
    expected: &str,
    read: impl Fn(Value) -> Option<T>,
) -> Option<T> {
    let v = cx.tree.value(id).and_then(read);
    if v.is_none() {
        cx.wrong_type(id, path, expected);
    }
    v
}

impl Lower for String {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        let value = cx.tree.value(id);
        let coerced = match &value {
            Some(Value::Int(i)) => Some(i.to_string()),
            Some(Value::BigInt(d)) => Some(d.clone()),
            Some(Value::Float(f)) => Some(paasc_syntax::python_float_repr(*f)),
            _ => None,
        };
        if let Some(text) = coerced {
            let written = cx.tree.text(id).unwrap_or_default().to_string();
            if written != text {
                cx.push(
                    Diagnostic::new(Code::NUMBER_AS_STRING, cx.file, cx.tree.span(id), format!("`{path}` is written `{written}` but read as the number {text}, so the tools use the string \"{text}\""))
                        .label(format!("becomes \"{text}\""))
                        .help(format!("quote it to keep it as written: '{written}'")),
                );
            }
            return Some(text);
        }
        match value {
            Some(Value::Str(s)) => Some(s.to_string()),
            _ => {
                cx.wrong_type(id, path, "a string");
                None
            }
        }
    }
}

/// A string field the models declare strict: numbers are refused, not converted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StrictString(pub String);

impl Lower for StrictString {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        scalar(cx, id, path, "a quoted string", |v| match v {
            Value::Str(s) => Some(StrictString(s.to_string())),
            _ => None,
        })
    }
}

impl Lower for bool {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        scalar(cx, id, path, "a boolean", |v| match v {
            Value::Bool(b) => Some(b),
            Value::Int(0) => Some(false),
            Value::Int(1) => Some(true),
            Value::Str(s) => match s.to_ascii_lowercase().as_str() {
                "yes" | "true" | "on" | "1" | "t" | "y" => Some(true),
                "no" | "false" | "off" | "0" | "f" | "n" => Some(false),
                _ => None,
            },
            _ => None,
        })
    }
}

impl Lower for i64 {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        if let Some(n) = cx.int_beyond(id, i64::MIN.into(), i64::MAX.into()) {
            cx.out_of_range(id, path, &n, i64::MIN.into(), i64::MAX.into(), None);
            return None;
        }
        scalar(cx, id, path, "an integer", |v| match v {
            Value::Int(i) => i64::try_from(i).ok(),
            _ => None,
        })
    }
}

/// A number as YAML gives it: an int or a float.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Number {
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
}

impl Lower for Number {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        // Beyond 64 bits an integer is a float, as pydantic makes Python's int one.
        scalar(cx, id, path, "a number", |v| match v {
            Value::Int(i) => Some(i64::try_from(i).map_or(Number::Float(i as f64), Number::Int)),
            Value::BigInt(d) => d
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(Number::Float),
            Value::Float(f) => Some(Number::Float(f)),
            _ => None,
        })
    }
}

/// One `platforms` entry of either file.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Platform {
    /// Architectures (or `base:arch`) to build on; a single string is a one-entry list, as in
    /// craft-application's `Platform`.
    pub build_on: Option<Spanned<Vec<Spanned<String>>>>,
    /// Architectures (or `base:arch`) to build for (a string or a list).
    pub build_for: Option<Spanned<Vec<Spanned<String>>>>,
}

impl Lower for Platform {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        let mut m = cx.map(id, path)?;
        let mut arches = |cx: &mut Cx, key: &'static str| {
            let e = m.entry(key)?;
            let span = cx.tree.span(e.value);
            if cx.tree.as_seq(e.value).is_none()
                && !matches!(cx.tree.value(e.value), Some(Value::Null))
            {
                let one: Option<Spanned<String>> = m.opt_spanned(cx, key);
                return one.map(|s| Spanned {
                    value: vec![s],
                    span,
                });
            }
            m.opt(cx, key).map(|value| Spanned { value, span })
        };
        let p = Platform {
            build_on: arches(cx, "build-on"),
            build_for: arches(cx, "build-for"),
        };
        m.finish(cx);
        Some(p)
    }
}

/// Any node, kept as is for later passes (e.g. parts, which the project models leave open).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Raw(pub NodeId);

impl Lower for Raw {
    const ACCEPTS_NULL: bool = true;
    fn lower(_: &mut Cx, id: NodeId, _: &str) -> Option<Self> {
        Some(Raw(id))
    }
}

/// A mapping whose value may be null (YAML `key:` with nothing after it).
impl<T: Lower> Lower for Option<T> {
    const ACCEPTS_NULL: bool = true;
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        if matches!(cx.tree.value(id), Some(Value::Null)) {
            return Some(None);
        }
        T::lower(cx, id, path).map(Some)
    }
}

impl<T: Lower> Lower for Spanned<T> {
    const ACCEPTS_NULL: bool = T::ACCEPTS_NULL;
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        let value = T::lower(cx, id, path)?;
        Some(Spanned {
            value,
            span: cx.tree.span(id),
        })
    }
}

impl<T: Lower> Lower for Vec<T> {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        let Some(items) = cx.tree.as_seq(id) else {
            cx.wrong_type(id, path, "a list");
            return None;
        };
        let mut out = Vec::with_capacity(items.len());
        let mut ok = true;
        let mut child = String::with_capacity(path.len() + 8);
        for (i, &item) in items.iter().enumerate() {
            child.clear();
            let _ = write!(child, "{path}[{i}]");
            match T::lower(cx, item, &child) {
                Some(v) => out.push(v),
                None => ok = false,
            }
        }
        ok.then_some(out)
    }
}

impl<T: Lower> Lower for SpannedMap<T> {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        let Some(entries) = cx.tree.as_map(id) else {
            cx.wrong_type(id, path, "a mapping");
            return None;
        };
        let mut out = Vec::with_capacity(entries.len());
        let mut ok = true;
        // One buffer for every entry's path (a mapping may hold thousands of entries).
        let mut child = String::with_capacity(path.len() + 32);
        child.push_str(path);
        for e in entries {
            // A string key is the common case, lowered without the key's path made.
            let key = match cx.tree.value(e.key) {
                Some(Value::Str(s)) => Some(s.to_string()),
                _ => {
                    child.truncate(path.len());
                    child.push_str(" key");
                    String::lower(cx, e.key, &child)
                }
            };
            let Some(key) = key else {
                ok = false;
                continue;
            };
            child.truncate(path.len());
            child.push('.');
            child.push_str(&key);
            match T::lower(cx, e.value, &child) {
                Some(v) => out.push((
                    Spanned {
                        value: key,
                        span: cx.tree.span(e.key),
                    },
                    v,
                )),
                None => ok = false,
            }
        }
        ok.then_some(SpannedMap(out))
    }
}

/// Declares a string enum read from YAML, with its allowed spellings.
#[macro_export]
macro_rules! string_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)? }) => {
        $crate::string_enum!($(#[$meta])* $vis enum $name help "" { $( $(#[$vmeta])* $variant = $text ),+ });
    };
    ($(#[$meta:meta])* $vis:vis enum $name:ident help $help:literal { $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        $vis enum $name { $( $(#[$vmeta])* $variant ),+ }

        impl $name {
            /// Every accepted spelling, in declaration order.
            pub const ALL: &'static [&'static str] = &[$($text),+];

            /// The spelling of this value.
            pub fn as_str(self) -> &'static str {
                match self { $( $name::$variant => $text ),+ }
            }

            /// Parses a spelling.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $( $text => Some($name::$variant), )+ _ => None }
            }
        }

        impl $crate::lower::Lower for $name {
            fn lower(cx: &mut $crate::lower::Cx, id: paasc_syntax::NodeId, path: &str) -> Option<Self> {
                let before = cx.diags.len();
                let v = $crate::lower::lower_enum(cx, id, path, Self::ALL, Self::parse);
                if !$help.is_empty() {
                    for d in &mut cx.diags[before..] {
                        let h = d.help.take().unwrap_or_default();
                        d.help = Some(format!("{h}; {}", $help));
                    }
                }
                v
            }
        }
    };
}

/// Reads a string that must be one of `allowed`.
pub fn lower_enum<T>(
    cx: &mut Cx,
    id: NodeId,
    path: &str,
    allowed: &[&'static str],
    parse: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    let text = match cx.tree.value(id) {
        Some(Value::Str(s)) => {
            if let Some(v) = parse(s) {
                return Some(v);
            }
            s.to_string()
        }
        Some(_) => {
            let raw = cx.tree.text(id).unwrap_or_default().to_string();
            if let Some(v) = parse(&raw) {
                cx.wrong_type(id, path, "a string");
                return Some(v);
            }
            cx.wrong_type(id, path, &format!("one of {}", quote_list(allowed)));
            return None;
        }
        None => {
            cx.wrong_type(id, path, &format!("one of {}", quote_list(allowed)));
            return None;
        }
    };
    if let Some(v) = parse(&text) {
        return Some(v);
    }
    let mut d = Diagnostic::new(
        Code::INVALID_VALUE,
        cx.file,
        cx.tree.span(id),
        format!(
            "`{path}` is `{text}`, which is not one of {}",
            quote_list(allowed)
        ),
    );
    d = match closest(&text, allowed.iter().copied()) {
        Some(best) => d
            .label(format!("did you mean `{best}`?"))
            .help(format!("use `{best}`")),
        None => d
            .label("not an allowed value")
            .help(format!("use one of {}", quote_list(allowed))),
    };
    cx.push(d);
    None
}

/// `a`, `b` and `c` as "`a`, `b`, `c`".
pub fn quote_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use paasc_syntax::{parse, Limits};

    fn number(text: &str) -> (Option<Number>, Vec<Diagnostic>) {
        let (tree, _) = parse(FileId(0), text, Limits::default());
        let mut cx = Cx::new(&tree, FileId(0));
        let root = tree.root().expect("root");
        let n = Number::lower(&mut cx, root, "n");
        (n, cx.diags)
    }

    #[test]
    fn a_dashed_key_is_found_as_written_first_then_underscored() {
        let found = |text: &str, key: &str| {
            let (tree, _) = parse(FileId(0), text, Limits::default());
            let mut cx = Cx::new(&tree, FileId(0));
            let root = tree.root().expect("root");
            let m = cx.map(root, "").expect("a mapping");
            m.peek(key)
                .and_then(|e| tree.text(e.value))
                .map(str::to_string)
        };
        let both = "build_on: a\nbuild-on: b\nbuild-o: c\n";
        assert_eq!(found(both, "build-on").as_deref(), Some("b"));
        assert_eq!(found(both, "build_on").as_deref(), Some("a"));
        assert_eq!(
            found("x: 1\nbuild_on: a\n", "build-on").as_deref(),
            Some("a")
        );
        assert_eq!(found("build_on: a\n", "buildon"), None);
        assert_eq!(found("a_b_c: 1\na-b_c: 2\n", "a-b-c").as_deref(), Some("1"));
    }

    #[test]
    fn numbers_beyond_64_bits_are_floats() {
        assert_eq!(number("3\n").0, Some(Number::Int(3)));
        assert_eq!(
            number("99999999999999999999999\n").0,
            Some(Number::Float(1e23))
        );
        let (n, diags) = number("x\n");
        assert!(
            n.is_none()
                && diags[0]
                    .message
                    .contains("must be a number, found a string")
        );
    }
}
