//! The count [`super::values_yaml_bound`] takes of the values: what serde_json writes of them
//! outside strings (integers, `null` and booleans as YAML writes them, `{}` and `[]`, YAML's
//! empty collections, and `:` separators YAML has too), and instead of each string, at least
//! what [`paasc_syntax::write`] writes for it, and for each mapping entry and sequence item at
//! least the layout around it. With `d` the depth of the enclosing mapping or sequence, the
//! writer's indentation there is at most `2d`; so:
//! - an entry or item: indentation, `: ` or `- `, a line break (and a blank line between
//!   top-level keys): at most `2d + 8`;
//! - a string: plain, `'...'` (quotes doubled), `"..."` (escapes `\xNN`, `\uNNNN` for one to
//!   three bytes) or a literal block (`|-` and each line a line break and indentation): at most
//!   four bytes per byte, `2d + 2` per line break and `2d + 8` around it;
//! - a float (as Python writes it, or quoted): at most 64 more than its JSON.
//!
//! It was first counted by serializing to JSON through a formatter; the tests keep that count
//! and check this one equals it.

use super::as_yaml::Unsupported;
use serde::ser::{self, Serialize};

/// The bytes JSON writes of `value` outside strings plus the formatter's extra, or `None` when
/// it cannot be serialized.
pub fn count<T: Serialize + ?Sized>(value: &T) -> Option<usize> {
    let mut c = Count { depth: 0, total: 0 };
    value.serialize(&mut c).ok()?;
    Some(c.total)
}

/// What [`count`] adds for `value` as an item of a list whose items are at `depth`: its layout
/// and its count there.
pub fn item_count<T: Serialize + ?Sized>(value: &T, depth: usize) -> Option<usize> {
    let mut c = Count { depth, total: 0 };
    c.around();
    value.serialize(&mut c).ok()?;
    Some(c.total)
}

/// What the count adds for an entry's or item's layout at `depth`.
pub const fn layout(depth: usize) -> usize {
    2 * depth + 8
}

/// What the count adds for the string `s` at `depth`: its layout, four bytes a byte, and the
/// indentation of a line for each line break (which JSON escapes as one).
pub fn string_count(s: &str, depth: usize) -> usize {
    let breaks = s.bytes().filter(|&b| b == b'\n').count();
    layout(depth)
        .saturating_add((s.len() - breaks).saturating_mul(4))
        .saturating_add(breaks.saturating_mul(2 * depth + 2))
}

/// The length of `v` in decimal.
fn decimal_len(mut v: u128) -> usize {
    let mut n = 1;
    while v >= 10 {
        v /= 10;
        n += 1;
    }
    n
}

/// The length of `v` in decimal, with its sign.
fn signed_len(v: i128) -> usize {
    usize::from(v < 0) + decimal_len(v.unsigned_abs())
}

struct Count {
    depth: usize,
    total: usize,
}

impl Count {
    fn add(&mut self, n: usize) {
        self.total = self.total.saturating_add(n);
    }

    /// An entry's or item's layout.
    fn around(&mut self) {
        self.add(layout(self.depth));
    }

    fn string(&mut self, s: &str) {
        self.add(string_count(s, self.depth));
    }

    /// A `{` or `[`.
    fn open(&mut self) {
        self.depth += 1;
        self.add(1);
    }

    /// A `}` or `]`.
    fn close(&mut self) {
        self.depth = self.depth.saturating_sub(1);
        self.add(1);
    }

    fn digits(&mut self, text: &str) -> Result<(), Unsupported> {
        self.add(text.len());
        Ok(())
    }

    fn float(&mut self, v: f64) -> Result<(), Unsupported> {
        if v.is_finite() {
            let text = serde_json::to_string(&v).map_err(|_| Unsupported)?;
            self.add(text.len() + 64);
        } else {
            self.add("null".len());
        }
        Ok(())
    }

    /// `{"variant":` before a variant's data.
    fn variant(&mut self, variant: &str) {
        self.open();
        self.around();
        self.string(variant);
        self.add(1);
    }
}

impl<'a> ser::Serializer for &'a mut Count {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = Items<'a>;
    type SerializeTuple = Items<'a>;
    type SerializeTupleStruct = Items<'a>;
    type SerializeTupleVariant = Items<'a>;
    type SerializeMap = Items<'a>;
    type SerializeStruct = Items<'a>;
    type SerializeStructVariant = Items<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Unsupported> {
        self.digits(if v { "true" } else { "false" })
    }
    fn serialize_i8(self, v: i8) -> Result<(), Unsupported> {
        self.add(signed_len(v.into()));
        Ok(())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Unsupported> {
        self.add(signed_len(v.into()));
        Ok(())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Unsupported> {
        self.add(signed_len(v.into()));
        Ok(())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Unsupported> {
        self.add(signed_len(v.into()));
        Ok(())
    }
    fn serialize_i128(self, v: i128) -> Result<(), Unsupported> {
        self.add(signed_len(v));
        Ok(())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Unsupported> {
        self.add(decimal_len(v.into()));
        Ok(())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Unsupported> {
        self.add(decimal_len(v.into()));
        Ok(())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Unsupported> {
        self.add(decimal_len(v.into()));
        Ok(())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Unsupported> {
        self.add(decimal_len(v.into()));
        Ok(())
    }
    fn serialize_u128(self, v: u128) -> Result<(), Unsupported> {
        self.add(decimal_len(v));
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), Unsupported> {
        self.float(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), Unsupported> {
        self.float(v)
    }
    fn serialize_char(self, v: char) -> Result<(), Unsupported> {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        self.string(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Unsupported> {
        self.open();
        for b in v {
            self.around();
            self.add(decimal_len((*b).into()));
        }
        self.close();
        Ok(())
    }
    fn serialize_none(self) -> Result<(), Unsupported> {
        self.digits("null")
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Result<(), Unsupported> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Unsupported> {
        self.digits("null")
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Unsupported> {
        self.digits("null")
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Unsupported> {
        self.string(variant);
        Ok(())
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
        self.variant(variant);
        v.serialize(&mut *self)?;
        self.close();
        Ok(())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Items<'a>, Unsupported> {
        self.open();
        Ok(Items(self, 0))
    }
    fn serialize_tuple(self, len: usize) -> Result<Items<'a>, Unsupported> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Items<'a>, Unsupported> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Items<'a>, Unsupported> {
        self.variant(variant);
        self.open();
        Ok(Items(self, 1))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Items<'a>, Unsupported> {
        self.open();
        Ok(Items(self, 0))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Items<'a>, Unsupported> {
        self.open();
        Ok(Items(self, 0))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Items<'a>, Unsupported> {
        self.variant(variant);
        self.open();
        Ok(Items(self, 1))
    }
}

/// The items or entries of an open sequence or mapping, and how many more brackets close it
/// (a variant's data closes its `{"variant":` too).
pub struct Items<'a>(&'a mut Count, usize);

impl Items<'_> {
    fn item<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unsupported> {
        self.0.around();
        v.serialize(&mut *self.0)
    }

    fn key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unsupported> {
        self.0.around();
        key.serialize(Key(&mut *self.0))
    }

    fn value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unsupported> {
        self.0.add(1);
        v.serialize(&mut *self.0)
    }

    fn end(self) -> Result<(), Unsupported> {
        for _ in 0..=self.1 {
            self.0.close();
        }
        Ok(())
    }
}

impl ser::SerializeSeq for Items<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unsupported> {
        self.item(v)
    }
    fn end(self) -> Result<(), Unsupported> {
        Items::end(self)
    }
}

impl ser::SerializeTuple for Items<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unsupported> {
        self.item(v)
    }
    fn end(self) -> Result<(), Unsupported> {
        Items::end(self)
    }
}

impl ser::SerializeTupleStruct for Items<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unsupported> {
        self.item(v)
    }
    fn end(self) -> Result<(), Unsupported> {
        Items::end(self)
    }
}

impl ser::SerializeTupleVariant for Items<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unsupported> {
        self.item(v)
    }
    fn end(self) -> Result<(), Unsupported> {
        Items::end(self)
    }
}

impl ser::SerializeMap for Items<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Unsupported> {
        self.key(key)
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Unsupported> {
        self.value(v)
    }
    fn end(self) -> Result<(), Unsupported> {
        Items::end(self)
    }
}

impl ser::SerializeStruct for Items<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Unsupported> {
        self.key(key)?;
        self.value(v)
    }
    fn end(self) -> Result<(), Unsupported> {
        Items::end(self)
    }
}

impl ser::SerializeStructVariant for Items<'_> {
    type Ok = ();
    type Error = Unsupported;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Unsupported> {
        self.key(key)?;
        self.value(v)
    }
    fn end(self) -> Result<(), Unsupported> {
        Items::end(self)
    }
}

/// A map key as JSON writes it: a string, or an integer or boolean in quotes. Other keys are
/// refused (the caller then writes the file to know its size).
struct Key<'a>(&'a mut Count);

impl Key<'_> {
    fn quoted(self, text: &str) -> Result<(), Unsupported> {
        self.0.around();
        self.0.digits(text)
    }
}

type KeyRefused = ser::Impossible<(), Unsupported>;

impl ser::Serializer for Key<'_> {
    type Ok = ();
    type Error = Unsupported;
    type SerializeSeq = KeyRefused;
    type SerializeTuple = KeyRefused;
    type SerializeTupleStruct = KeyRefused;
    type SerializeTupleVariant = KeyRefused;
    type SerializeMap = KeyRefused;
    type SerializeStruct = KeyRefused;
    type SerializeStructVariant = KeyRefused;

    fn serialize_bool(self, v: bool) -> Result<(), Unsupported> {
        self.quoted(if v { "true" } else { "false" })
    }
    fn serialize_i8(self, v: i8) -> Result<(), Unsupported> {
        self.quoted(&v.to_string())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Unsupported> {
        self.quoted(&v.to_string())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Unsupported> {
        self.quoted(&v.to_string())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Unsupported> {
        self.quoted(&v.to_string())
    }
    fn serialize_u8(self, v: u8) -> Result<(), Unsupported> {
        self.quoted(&v.to_string())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Unsupported> {
        self.quoted(&v.to_string())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Unsupported> {
        self.quoted(&v.to_string())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Unsupported> {
        self.quoted(&v.to_string())
    }
    fn serialize_f32(self, _: f32) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_f64(self, _: f64) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_char(self, v: char) -> Result<(), Unsupported> {
        self.0.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Unsupported> {
        self.0.string(v);
        Ok(())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_none(self) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_unit(self) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Unsupported> {
        self.0.string(variant);
        Ok(())
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
        _: &'static str,
        _: &T,
    ) -> Result<(), Unsupported> {
        Err(Unsupported)
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<KeyRefused, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_tuple(self, _: usize) -> Result<KeyRefused, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<KeyRefused, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<KeyRefused, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<KeyRefused, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<KeyRefused, Unsupported> {
        Err(Unsupported)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<KeyRefused, Unsupported> {
        Err(Unsupported)
    }
}
