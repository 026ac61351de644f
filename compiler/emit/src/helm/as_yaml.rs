//! Serialized data as [`Yaml`] directly: the value [`super::JsonYaml`] reads from the data's
//! JSON text, without writing and reading that text. What JSON would carry differently (floats,
//! integers beyond 64 bits, map keys other than strings, characters and integers) is
//! [`Unsupported`], and the caller goes through the JSON text instead.

use foldhash::{HashMap, HashMapExt as _};
use paasc_syntax::{static_compact, CompactString, Yaml};
use serde::ser::{self, Serialize};

/// `value` as [`Yaml`], or `None` when it holds what only the JSON text gives exactly.
pub fn to_yaml<T: Serialize + ?Sized>(value: &T) -> Option<Yaml> {
    value.serialize(Ser).ok()
}

/// Data a direct path does not take: this one, or [`super::bound`]'s count (map keys JSON
/// refuses, serializer errors).
#[derive(Debug)]
pub struct Unsupported;

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("data the direct path does not take")
    }
}

impl std::error::Error for Unsupported {}

impl ser::Error for Unsupported {
    fn custom<T: std::fmt::Display>(_: T) -> Unsupported {
        Unsupported
    }
}

/// A mapping as the YAML reader builds it: a key given twice keeps its first position and
/// takes the last value. Mappings up to [`SCANNED`] entries are scanned (comparing lengths
/// first, that is cheaper than hashing and owning each key), larger ones indexed.
#[derive(Default)]
pub struct Entries {
    list: Vec<(Yaml, Yaml)>,
    index: HashMap<CompactString, usize>,
}

impl Entries {
    /// An empty mapping with room for `n` entries.
    pub fn with_capacity(n: usize) -> Entries {
        Entries {
            list: Vec::with_capacity(n),
            index: HashMap::new(),
        }
    }

    /// Adds `key: value`.
    pub fn insert(&mut self, key: CompactString, value: Yaml) {
        let seen = if self.list.len() < SCANNED {
            self.list
                .iter()
                .position(|(k, _)| k.as_str() == Some(key.as_str()))
        } else {
            if self.index.is_empty() {
                self.index.extend(
                    self.list
                        .iter()
                        .enumerate()
                        .filter_map(|(i, (k, _))| k.as_str().map(|k| (k.into(), i))),
                );
            }
            self.index.get(&key).copied()
        };
        match seen {
            Some(i) => self.list[i].1 = value,
            None => {
                if !self.index.is_empty() {
                    self.index.insert(key.clone(), self.list.len());
                }
                self.list.push((Yaml::Str(key), value));
            }
        }
    }

    /// The mapping.
    pub fn into_yaml(self) -> Yaml {
        Yaml::Map(self.list)
    }
}

/// The most entries [`Entries`] scans for a key given twice before it indexes them.
const SCANNED: usize = 64;

struct Ser;

fn int<T: TryInto<i64>>(v: T) -> Result<Yaml, Unsupported> {
    v.try_into()
        .map(|i| Yaml::Int(i.into()))
        .map_err(|_| Unsupported)
}

impl ser::Serializer for Ser {
    type Ok = Yaml;
    type Error = Unsupported;
    type SerializeSeq = Seq;
    type SerializeTuple = Seq;
    type SerializeTupleStruct = Seq;
    type SerializeTupleVariant = Variant<Seq>;
    type SerializeMap = Map;
    type SerializeStruct = Map;
    type SerializeStructVariant = Variant<Map>;

    fn serialize_bool(self, v: bool) -> Result<Yaml, Unsupported> {
        Ok(Yaml::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Yaml, Unsupported> {
        int(v)
    }
    fn serialize_i16(self, v: i16) -> Result<Yaml, Unsupported> {
        int(v)
    }
    fn serialize_i32(self, v: i32) -> Result<Yaml, Unsupported> {
        int(v)
    }
    fn serialize_i64(self, v: i64) -> Result<Yaml, Unsupported> {
        int(v)
    }
    fn serialize_i128(self, v: i128) -> Result<Yaml, Unsupported> {
        int(v)
    }
    fn serialize_u8(self, v: u8) -> Result<Yaml, Unsupported> {
        int(v)
    }
    fn serialize_u16(self, v: u16) -> Result<Yaml, Unsupported> {
        int(v)
    }
    fn serialize_u32(self, v: u32) -> Result<Yaml, Unsupported> {
        int(v)
    }
    fn serialize_u64(self, v: u64) -> Result<Yaml, Unsupported> {
        Ok(Yaml::Int(v.into()))
    }
    fn serialize_u128(self, v: u128) -> Result<Yaml, Unsupported> {
        u64::try_from(v)
            .map(|u| Yaml::Int(u.into()))
            .map_err(|_| Unsupported)
    }
    fn serialize_f32(self, _: f32) -> Result<Yaml, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_f64(self, _: f64) -> Result<Yaml, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_char(self, v: char) -> Result<Yaml, Unsupported> {
        Ok(Yaml::str(v.to_string()))
    }
    fn serialize_str(self, v: &str) -> Result<Yaml, Unsupported> {
        Ok(Yaml::str(v))
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Yaml, Unsupported> {
        Ok(Yaml::Seq(
            v.iter().map(|b| Yaml::Int((*b).into())).collect(),
        ))
    }
    fn serialize_none(self) -> Result<Yaml, Unsupported> {
        Ok(Yaml::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<Yaml, Unsupported> {
        v.serialize(Ser)
    }
    fn serialize_unit(self) -> Result<Yaml, Unsupported> {
        Ok(Yaml::Null)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Yaml, Unsupported> {
        Ok(Yaml::Null)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<Yaml, Unsupported> {
        Ok(Yaml::Str(static_compact(variant)))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<Yaml, Unsupported> {
        v.serialize(Ser)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<Yaml, Unsupported> {
        Ok(Yaml::Map(vec![(
            Yaml::Str(static_compact(variant)),
            v.serialize(Ser)?,
        )]))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq, Unsupported> {
        Ok(Seq(Vec::with_capacity(len.unwrap_or(0))))
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq, Unsupported> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq, Unsupported> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Variant<Seq>, Unsupported> {
        Ok(Variant(variant, Seq(Vec::with_capacity(len))))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Map, Unsupported> {
        Ok(Map(Entries::with_capacity(len.unwrap_or(0)), None))
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Map, Unsupported> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Variant<Map>, Unsupported> {
        Ok(Variant(variant, Map(Entries::with_capacity(len), None)))
    }
}

/// A sequence's items.
struct Seq(Vec<Yaml>);

impl ser::SerializeSeq for Seq {
    type Ok = Yaml;
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unsupported> {
        self.0.push(v.serialize(Ser)?);
        Ok(())
    }
    fn end(self) -> Result<Yaml, Unsupported> {
        Ok(Yaml::Seq(self.0))
    }
}

impl ser::SerializeTuple for Seq {
    type Ok = Yaml;
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unsupported> {
        ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> Result<Yaml, Unsupported> {
        ser::SerializeSeq::end(self)
    }
}

impl ser::SerializeTupleStruct for Seq {
    type Ok = Yaml;
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unsupported> {
        ser::SerializeSeq::serialize_element(self, v)
    }
    fn end(self) -> Result<Yaml, Unsupported> {
        ser::SerializeSeq::end(self)
    }
}

/// A mapping's entries, and the key of the entry whose value comes next.
struct Map(Entries, Option<CompactString>);

impl ser::SerializeMap for Map {
    type Ok = Yaml;
    type Error = Unsupported;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unsupported> {
        self.1 = Some(key.serialize(Key)?);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unsupported> {
        let key = self.1.take().ok_or(Unsupported)?;
        self.0.insert(key, v.serialize(Ser)?);
        Ok(())
    }
    fn end(self) -> Result<Yaml, Unsupported> {
        Ok(self.0.into_yaml())
    }
}

impl ser::SerializeStruct for Map {
    type Ok = Yaml;
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Unsupported> {
        self.0.insert(static_compact(key), v.serialize(Ser)?);
        Ok(())
    }
    fn end(self) -> Result<Yaml, Unsupported> {
        Ok(self.0.into_yaml())
    }
}

/// An enum variant with data: `{variant: data}`.
struct Variant<T>(&'static str, T);

impl<T> Variant<T> {
    fn wrap(variant: &str, inner: Yaml) -> Yaml {
        Yaml::Map(vec![(Yaml::str(variant), inner)])
    }
}

impl ser::SerializeTupleVariant for Variant<Seq> {
    type Ok = Yaml;
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unsupported> {
        ser::SerializeSeq::serialize_element(&mut self.1, v)
    }
    fn end(self) -> Result<Yaml, Unsupported> {
        Ok(Self::wrap(self.0, Yaml::Seq(self.1 .0)))
    }
}

impl ser::SerializeStructVariant for Variant<Map> {
    type Ok = Yaml;
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Unsupported> {
        ser::SerializeStruct::serialize_field(&mut self.1, key, v)
    }
    fn end(self) -> Result<Yaml, Unsupported> {
        Ok(Self::wrap(self.0, self.1 .0.into_yaml()))
    }
}

/// A map key as JSON writes it: strings, characters, integers (as their decimal text) and
/// unit variants (their names).
pub(super) struct Key;

impl ser::Serializer for Key {
    type Ok = CompactString;
    type Error = Unsupported;
    type SerializeSeq = ser::Impossible<CompactString, Unsupported>;
    type SerializeTuple = ser::Impossible<CompactString, Unsupported>;
    type SerializeTupleStruct = ser::Impossible<CompactString, Unsupported>;
    type SerializeTupleVariant = ser::Impossible<CompactString, Unsupported>;
    type SerializeMap = ser::Impossible<CompactString, Unsupported>;
    type SerializeStruct = ser::Impossible<CompactString, Unsupported>;
    type SerializeStructVariant = ser::Impossible<CompactString, Unsupported>;

    fn serialize_bool(self, _: bool) -> Result<CompactString, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_i8(self, v: i8) -> Result<CompactString, Unsupported> {
        Ok(v.to_string().into())
    }
    fn serialize_i16(self, v: i16) -> Result<CompactString, Unsupported> {
        Ok(v.to_string().into())
    }
    fn serialize_i32(self, v: i32) -> Result<CompactString, Unsupported> {
        Ok(v.to_string().into())
    }
    fn serialize_i64(self, v: i64) -> Result<CompactString, Unsupported> {
        Ok(v.to_string().into())
    }
    fn serialize_u8(self, v: u8) -> Result<CompactString, Unsupported> {
        Ok(v.to_string().into())
    }
    fn serialize_u16(self, v: u16) -> Result<CompactString, Unsupported> {
        Ok(v.to_string().into())
    }
    fn serialize_u32(self, v: u32) -> Result<CompactString, Unsupported> {
        Ok(v.to_string().into())
    }
    fn serialize_u64(self, v: u64) -> Result<CompactString, Unsupported> {
        Ok(v.to_string().into())
    }
    fn serialize_f32(self, _: f32) -> Result<CompactString, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_f64(self, _: f64) -> Result<CompactString, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_char(self, v: char) -> Result<CompactString, Unsupported> {
        Ok(v.to_string().into())
    }
    fn serialize_str(self, v: &str) -> Result<CompactString, Unsupported> {
        Ok(v.into())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<CompactString, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_none(self) -> Result<CompactString, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<CompactString, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_unit(self) -> Result<CompactString, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<CompactString, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<CompactString, Unsupported> {
        Ok(static_compact(variant))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<CompactString, Unsupported> {
        v.serialize(Key)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<CompactString, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Unsupported> {
        Err(Unsupported)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use std::collections::BTreeMap;

    #[derive(Serialize)]
    enum Shape {
        Unit,
        Newtype(Vec<u8>),
        Tuple(i32, String),
        Struct { a: Option<char>, b: () },
    }

    #[derive(Serialize)]
    struct Inner {
        k0: u64,
        dup: &'static str,
    }

    #[derive(Serialize)]
    struct Data {
        shapes: Vec<Shape>,
        by_number: BTreeMap<u32, Vec<i64>>,
        by_name: BTreeMap<String, Option<bool>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<String>,
        dup: &'static str,
        #[serde(flatten)]
        inner: Inner,
        wide: (u64, i64, i128),
        bytes: &'static [u8],
        many: BTreeMap<String, i32>,
    }

    /// A key given twice keeps its first position and takes the last value, before and after
    /// the entries are indexed.
    #[test]
    fn entries_keep_the_first_position_and_the_last_value() {
        let mut e = Entries::with_capacity(0);
        e.insert("k3".into(), Yaml::Int(0));
        for i in 0..100 {
            e.insert(format!("k{i}").into(), Yaml::Int(i));
        }
        e.insert("k90".into(), Yaml::Null);
        let Yaml::Map(list) = e.into_yaml() else {
            panic!("a mapping");
        };
        assert_eq!(list.len(), 100);
        assert_eq!(list[0], (Yaml::str("k3"), Yaml::Int(3)));
        assert_eq!(list[1], (Yaml::str("k0"), Yaml::Int(0)));
        assert_eq!(list[90], (Yaml::str("k90"), Yaml::Null));
    }

    /// The direct path gives what the JSON text read as YAML gives, keys given twice included.
    #[test]
    fn direct_yaml_is_the_json_reading() {
        let data = Data {
            shapes: vec![
                Shape::Unit,
                Shape::Newtype(vec![0, 255]),
                Shape::Tuple(-3, "x\ny".into()),
                Shape::Struct {
                    a: Some('é'),
                    b: (),
                },
            ],
            by_number: BTreeMap::from([(7, vec![i64::MIN, i64::MAX]), (10, vec![])]),
            by_name: BTreeMap::from([("on".into(), None), ("".into(), Some(true))]),
            skipped: None,
            dup: "first",
            inner: Inner {
                k0: u64::MAX,
                dup: "second",
            },
            wide: (u64::MAX, i64::MIN, -5),
            bytes: b"ab",
            many: (0..100).map(|i| (format!("k{i}"), i)).collect(),
        };
        let direct = to_yaml(&data).expect("no float");
        assert_eq!(
            format!("{direct:?}"),
            format!("{:?}", super::super::to_yaml_through_json(&data))
        );
        assert!(format!("{direct:?}").contains("second"));
        assert!(to_yaml(&[1.5f64]).is_none());
        assert!(to_yaml(&u128::MAX).is_none());
        assert!(to_yaml(&BTreeMap::from([(true, 1)])).is_none());
    }
}
