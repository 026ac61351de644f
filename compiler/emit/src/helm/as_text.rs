//! Serialized data written straight as YAML text: the text [`paasc_syntax::write::to_string`]
//! writes for the value [`super::as_yaml::to_yaml`] builds, without building that value and
//! walking it again (for a `compile`, building and writing `values.yaml` that way was a sixth
//! of the instructions). What `as_yaml` does not take, and a mapping naming a key twice (which
//! `as_yaml` merges as the YAML reader would), is [`Unsupported`]: the caller then goes
//! through the value.

use super::as_yaml::{Key, Unsupported};
use paasc_syntax::write::{pad, push_key, push_scalar};
use paasc_syntax::CompactString;
use serde::ser::{self, Serialize};

/// Writes the top-level entry `key: value` at the end of `out`, as `to_string` writes a
/// mapping holding only it. On [`Unsupported`], `out` is left as it was.
pub fn push_entry<T: Serialize + ?Sized>(
    out: &mut String,
    key: &str,
    value: &T,
) -> Result<(), Unsupported> {
    let start = out.len();
    push_key(out, key);
    out.push(':');
    let written = value.serialize(Ser {
        out: &mut *out,
        at: At::Key(0),
    });
    if written.is_err() {
        out.truncate(start);
    }
    written
}

/// Writes each field of the struct `value` as a top-level entry at the end of `out`, as
/// [`push_entry`] writes it. `before(out, key)` runs before each field; when it returns true it
/// has written the field itself. On [`Unsupported`] (or when `value` is not a struct), `out`
/// is left as it was.
pub fn push_fields<T: Serialize + ?Sized>(
    out: &mut String,
    value: &T,
    before: impl FnMut(&mut String, &str) -> bool,
) -> Result<(), Unsupported> {
    let start = out.len();
    let written = value.serialize(Fields {
        out: &mut *out,
        before,
    });
    if written.is_err() {
        out.truncate(start);
    }
    written
}

/// The serializer of [`push_fields`]: a struct, and nothing else.
struct Fields<'o, F> {
    out: &'o mut String,
    before: F,
}

impl<F: FnMut(&mut String, &str) -> bool> ser::SerializeStruct for Fields<'_, F> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Unsupported> {
        if (self.before)(self.out, key) {
            return Ok(());
        }
        push_entry(self.out, key, v)
    }
    fn end(self) -> Result<(), Unsupported> {
        Ok(())
    }
}

/// `fn NAME(self, ARG...) -> Result<RET, Unsupported>` that refuse: what [`Fields`] or [`Ser`]
/// does not take.
macro_rules! refuse {
    ($($name:ident($($arg:ty),*) -> $ret:ty;)*) => {
        $(fn $name(self, $(_: $arg),*) -> Result<$ret, Unsupported> {
            Err(Unsupported)
        })*
    };
}

impl<'o, F: FnMut(&mut String, &str) -> bool> ser::Serializer for Fields<'o, F> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = ser::Impossible<(), Unsupported>;
    type SerializeTuple = ser::Impossible<(), Unsupported>;
    type SerializeTupleStruct = ser::Impossible<(), Unsupported>;
    type SerializeTupleVariant = ser::Impossible<(), Unsupported>;
    type SerializeMap = ser::Impossible<(), Unsupported>;
    type SerializeStruct = Self;
    type SerializeStructVariant = ser::Impossible<(), Unsupported>;

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Unsupported> {
        Ok(self)
    }
    refuse! {
        serialize_bool(bool) -> ();
        serialize_i8(i8) -> ();
        serialize_i16(i16) -> ();
        serialize_i32(i32) -> ();
        serialize_i64(i64) -> ();
        serialize_u8(u8) -> ();
        serialize_u16(u16) -> ();
        serialize_u32(u32) -> ();
        serialize_u64(u64) -> ();
        serialize_f32(f32) -> ();
        serialize_f64(f64) -> ();
        serialize_char(char) -> ();
        serialize_str(&str) -> ();
        serialize_bytes(&[u8]) -> ();
        serialize_none() -> ();
        serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> ();
        serialize_unit_variant(&'static str, u32, &'static str) -> ();
        serialize_seq(Option<usize>) -> Self::SerializeSeq;
        serialize_tuple(usize) -> Self::SerializeTuple;
        serialize_tuple_struct(&'static str, usize) -> Self::SerializeTupleStruct;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_map(Option<usize>) -> Self::SerializeMap;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
}

/// Where a value is written: after `key:` of an entry at this indentation, or after `- ` of
/// an item at this indentation.
#[derive(Clone, Copy)]
enum At {
    Key(usize),
    Dash(usize),
}

impl At {
    /// The indentation of a scalar's continuation lines (a literal block's body).
    fn inner(self) -> usize {
        match self {
            At::Key(i) | At::Dash(i) => i + 2,
        }
    }
}

/// Writes one value at [`At`].
struct Ser<'o> {
    out: &'o mut String,
    at: At,
}

impl<'o> Ser<'o> {
    /// Writes a scalar's text (`write` puts it at the end of the string).
    fn scalar(self, write: impl FnOnce(&mut String, usize)) -> Result<(), Unsupported> {
        if let At::Key(_) = self.at {
            self.out.push(' ');
        }
        write(self.out, self.at.inner());
        self.out.push('\n');
        Ok(())
    }

    fn int(self, v: impl itoa::Integer) -> Result<(), Unsupported> {
        self.scalar(|out, _| out.push_str(itoa::Buffer::new().format(v)))
    }

    fn text(self, s: &str) -> Result<(), Unsupported> {
        self.scalar(|out, indent| push_scalar(out, s, indent))
    }

    fn null(self) -> Result<(), Unsupported> {
        self.scalar(|out, _| out.push_str("null"))
    }

    /// A mapping (`seq` false) or a sequence, whose entries or items come next.
    fn collection(self, seq: bool) -> Coll<'o> {
        let (indent, pad_first) = match (self.at, seq) {
            (At::Key(i), true) => (i, true),
            (At::Key(i), false) => (i + 2, true),
            (At::Dash(i), _) => (i + 2, false),
        };
        Coll {
            out: self.out,
            indent,
            pad_first,
            after_key: matches!(self.at, At::Key(_)),
            seq,
            count: 0,
            keys: None,
            key: None,
        }
    }
}

/// A collection being written: its children's indentation, whether its first line is indented
/// (not when it follows `- `), and how many children it has so far. A mapping's keys are
/// remembered when it is a serde map (a struct's fields are distinct).
struct Coll<'o> {
    out: &'o mut String,
    indent: usize,
    pad_first: bool,
    after_key: bool,
    seq: bool,
    count: usize,
    keys: Option<Vec<CompactString>>,
    key: Option<CompactString>,
}

impl<'o> Coll<'o> {
    /// Starts the next child: the line break after `key:` before the first, then its
    /// indentation.
    fn next(&mut self) {
        if self.count == 0 && self.after_key {
            self.out.push('\n');
        }
        if self.count > 0 || self.pad_first {
            pad(self.out, self.indent);
        }
        self.count += 1;
    }

    fn item<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unsupported> {
        self.next();
        self.out.push_str("- ");
        v.serialize(Ser {
            out: &mut *self.out,
            at: At::Dash(self.indent),
        })
    }

    fn entry<T: Serialize + ?Sized>(&mut self, key: &str, v: &T) -> Result<(), Unsupported> {
        self.next();
        push_key(self.out, key);
        self.out.push(':');
        v.serialize(Ser {
            out: &mut *self.out,
            at: At::Key(self.indent),
        })
    }

    /// Ends it: an empty one is written inline.
    fn end(self) -> Result<(), Unsupported> {
        if self.count == 0 {
            if self.after_key {
                self.out.push(' ');
            }
            self.out.push_str(if self.seq { "[]\n" } else { "{}\n" });
        }
        Ok(())
    }
}

/// `fn NAME(self, v: INT)` writing the integer, for each of serde's integer types.
macro_rules! ints {
    ($($name:ident($t:ty),)*) => {$(
        fn $name(self, v: $t) -> Result<(), Unsupported> {
            self.int(v)
        }
    )*};
}

impl<'o> ser::Serializer for Ser<'o> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Coll<'o>;
    type SerializeTuple = Coll<'o>;
    type SerializeTupleStruct = Coll<'o>;
    type SerializeTupleVariant = ser::Impossible<(), Unsupported>;
    type SerializeMap = Coll<'o>;
    type SerializeStruct = Coll<'o>;
    type SerializeStructVariant = ser::Impossible<(), Unsupported>;

    fn serialize_bool(self, v: bool) -> Result<(), Unsupported> {
        self.scalar(|out, _| out.push_str(if v { "true" } else { "false" }))
    }
    ints! {
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
    }
    fn serialize_i128(self, v: i128) -> Result<(), Unsupported> {
        self.int(i64::try_from(v).map_err(|_| Unsupported)?)
    }
    ints! {
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
    }
    fn serialize_u128(self, v: u128) -> Result<(), Unsupported> {
        self.int(u64::try_from(v).map_err(|_| Unsupported)?)
    }
    fn serialize_f32(self, _: f32) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_f64(self, _: f64) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_char(self, v: char) -> Result<(), Unsupported> {
        self.text(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        self.text(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Unsupported> {
        let mut items = self.collection(true);
        for b in v {
            ser::SerializeSeq::serialize_element(&mut items, b)?;
        }
        items.end()
    }
    fn serialize_none(self) -> Result<(), Unsupported> {
        self.null()
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), Unsupported> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Unsupported> {
        self.null()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Unsupported> {
        self.null()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Unsupported> {
        self.text(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), Unsupported> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<(), Unsupported> {
        let mut map = self.collection(false);
        map.entry(variant, v)?;
        map.end()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Coll<'o>, Unsupported> {
        Ok(self.collection(true))
    }
    fn serialize_tuple(self, _: usize) -> Result<Coll<'o>, Unsupported> {
        Ok(self.collection(true))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Coll<'o>, Unsupported> {
        Ok(self.collection(true))
    }
    refuse! {
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Self::SerializeTupleVariant;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Self::SerializeStructVariant;
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Coll<'o>, Unsupported> {
        let mut map = self.collection(false);
        map.keys = Some(Vec::new());
        Ok(map)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Coll<'o>, Unsupported> {
        Ok(self.collection(false))
    }
}

/// serde's three sequence traits, each adding an item.
macro_rules! items {
    ($($trait_:ident::$method:ident),*) => {$(
        impl ser::$trait_ for Coll<'_> {
            type Ok = ();
            type Error = Unsupported;
            fn $method<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unsupported> {
                self.item(v)
            }
            fn end(self) -> Result<(), Unsupported> {
                Coll::end(self)
            }
        }
    )*};
}

items!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field
);

/// The most keys of one serde map looked through for a repeated one; a larger map goes
/// through the value.
const SCANNED: usize = 64;

impl ser::SerializeMap for Coll<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unsupported> {
        let key = key.serialize(Key)?;
        let keys = self.keys.get_or_insert_with(Vec::new);
        if keys.len() >= SCANNED || keys.contains(&key) {
            return Err(Unsupported);
        }
        keys.push(key.clone());
        self.key = Some(key);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unsupported> {
        let key = self.key.take().ok_or(Unsupported)?;
        self.entry(&key, v)
    }
    fn end(self) -> Result<(), Unsupported> {
        Coll::end(self)
    }
}

impl ser::SerializeStruct for Coll<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Unsupported> {
        self.entry(key, v)
    }
    fn end(self) -> Result<(), Unsupported> {
        Coll::end(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use paasc_syntax::Yaml;
    use serde::Serialize;
    use std::collections::BTreeMap;

    /// What the value path writes for the entry `key: value`.
    fn through_value<T: Serialize>(key: &str, value: &T) -> String {
        let value = super::super::as_yaml::to_yaml(value).expect("as_yaml takes it");
        paasc_syntax::write::to_string(&Yaml::Map(vec![(Yaml::str(key), value)]))
    }

    fn direct<T: Serialize>(key: &str, value: &T) -> Option<String> {
        let mut out = "x".to_string();
        push_entry(&mut out, key, value).ok()?;
        Some(out.split_off(1))
    }

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Inner {
        name: String,
        count: u32,
        flag: bool,
        empty_list: Vec<String>,
        empty_map: BTreeMap<String, String>,
        maybe: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<String>,
        nested: Vec<Vec<u8>>,
        unit: (),
    }

    #[derive(Serialize)]
    enum Kind {
        Plain,
        Wrapped(String),
    }

    #[derive(Serialize)]
    struct Outer {
        items: Vec<Inner>,
        map: BTreeMap<String, Inner>,
        kinds: Vec<Kind>,
        strings: Vec<String>,
        deep: Vec<BTreeMap<String, Vec<String>>>,
        newtype: Wrap,
    }

    #[derive(Serialize)]
    struct Wrap(i64);

    #[derive(Serialize)]
    struct Flat {
        a: String,
        #[serde(flatten)]
        rest: BTreeMap<String, String>,
    }

    fn inner(name: &str, nested: Vec<Vec<u8>>) -> Inner {
        Inner {
            name: name.into(),
            count: 7,
            flag: true,
            empty_list: Vec::new(),
            empty_map: BTreeMap::new(),
            maybe: None,
            skipped: None,
            nested,
            unit: (),
        }
    }

    /// The direct text is the value path's text, for every shape the values use and the
    /// strings that need quoting or literal blocks.
    #[test]
    fn writes_what_the_value_path_writes() {
        let awkward = [
            "plain",
            "",
            "yes",
            "007",
            "1e3",
            "a: b",
            "# not a comment",
            "line one\nline two\n",
            "trailing\n\n",
            " lead",
            "tab\there",
            "quote ' and \"",
            "unicode é ✓",
            "- dash",
            "null",
            "~",
        ];
        let strings: Vec<String> = awkward.iter().map(|s| s.to_string()).collect();
        let value = Outer {
            items: vec![
                inner("first", vec![vec![1, 2], vec![]]),
                inner("a: b", vec![]),
            ],
            map: awkward
                .iter()
                .map(|k| (k.to_string(), inner(k, vec![vec![3]])))
                .collect(),
            kinds: vec![Kind::Plain, Kind::Wrapped("x\ny".into())],
            strings: strings.clone(),
            deep: vec![
                BTreeMap::new(),
                [("k".to_string(), strings.clone())].into_iter().collect(),
            ],
            newtype: Wrap(-3),
        };
        for key in ["top", "line\nbreak", "yes", ""] {
            assert_eq!(
                direct(key, &value),
                Some(through_value(key, &value)),
                "{key:?}"
            );
            assert_eq!(direct(key, &strings), Some(through_value(key, &strings)));
            assert_eq!(
                direct(key, &Vec::<u8>::new()),
                Some(through_value(key, &Vec::<u8>::new()))
            );
            assert_eq!(direct(key, &"a\nb"), Some(through_value(key, &"a\nb")));
            assert_eq!(
                direct(key, &None::<u8>),
                Some(through_value(key, &None::<u8>))
            );
        }
    }

    /// What the value path merges or refuses is refused here, leaving the text as it was.
    #[test]
    fn leaves_merged_keys_and_floats_to_the_value_path() {
        let repeated = Flat {
            a: "1".into(),
            rest: [("a".to_string(), "2".to_string())].into_iter().collect(),
        };
        let mut out = "kept".to_string();
        assert!(push_entry(&mut out, "k", &repeated).is_err());
        assert!(push_entry(&mut out, "k", &vec![1.5]).is_err());
        assert_eq!(out, "kept");
        let distinct = Flat {
            a: "1".into(),
            rest: [("b".to_string(), "2".to_string())].into_iter().collect(),
        };
        assert_eq!(direct("k", &distinct), Some(through_value("k", &distinct)));
    }
}
