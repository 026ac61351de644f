//! The run-time decoding of `data/parts.json` that `build.rs` replaced, kept as the oracle of
//! the generated table: `serde_json::Value` maps (sorted keys), with the plugins' declaration
//! order read by a visitor that keeps an object's keys as written. Leaks what it decodes.

#[path = "split.rs"]
mod split;

use super::{Data, Field, Group, Plugin, Schema, Ty};
use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use split::split_top;
use std::collections::BTreeMap;

/// The data file the table is generated from.
pub(super) const JSON: &str = include_str!("../../data/parts.json");

fn leak<T>(v: T) -> &'static T {
    Box::leak(Box::new(v))
}

pub(super) fn parse_ty(s: &str) -> Result<Ty, String> {
    if let Some(inner) = s.strip_suffix('?') {
        return Ok(Ty::Optional(leak(parse_ty(inner)?)));
    }
    let alternatives = split_top(s, '|');
    if alternatives.len() > 1 {
        return alternatives
            .into_iter()
            .map(parse_ty)
            .collect::<Result<Vec<_>, _>>()
            .map(|ts| Ty::Union(ts.leak()));
    }
    if let Some(values) = s.strip_prefix("literal(").and_then(|r| r.strip_suffix(')')) {
        let values: Vec<&'static str> = values.split('|').map(|v| &*v.to_string().leak()).collect();
        return Ok(Ty::Literal(values.leak()));
    }
    let generic = |name: &str| {
        s.strip_prefix(name)
            .and_then(|r| r.strip_prefix('['))
            .and_then(|r| r.strip_suffix(']'))
    };
    let boxed = |inner: &str| parse_ty(inner).map(leak);
    let dict_value = |args: &str| match split_top(args, ',').as_slice() {
        ["str", value] => boxed(value),
        _ => Err(format!("dictionary keys other than str: {s}")),
    };
    Ok(match s {
        "str" => Ty::Str,
        "int" => Ty::Int,
        "bool" => Ty::Bool,
        "relpath" => Ty::RelPath,
        "slice" => Ty::Slice,
        "permissions" => Ty::Permissions,
        _ => {
            if let Some(a) = generic("list") {
                Ty::List(boxed(a)?)
            } else if let Some(a) = generic("ulist") {
                Ty::UniqueList(boxed(a)?)
            } else if let Some(a) = generic("set") {
                Ty::Set(boxed(a)?)
            } else if let Some(a) = generic("dict1") {
                Ty::SingleDict(dict_value(a)?)
            } else if let Some(a) = generic("dict") {
                Ty::Dict(dict_value(a)?)
            } else if let Some(a) = generic("grammar") {
                Ty::Grammar(boxed(a)?)
            } else {
                return Err(format!("unknown type `{s}`"));
            }
        }
    })
}

/// The keys of a JSON object, in the order it lists them.
struct Keys(Vec<String>);

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Keys, D::Error> {
        struct KeysVisitor;
        impl<'de> Visitor<'de> for KeysVisitor {
            type Value = Keys;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::new();
                while let Some((k, IgnoredAny)) = map.next_entry::<String, IgnoredAny>()? {
                    keys.push(k);
                }
                Ok(Keys(keys))
            }
        }
        d.deserialize_map(KeysVisitor)
    }
}

#[derive(Deserialize)]
struct DeclaredPlugin {
    properties: Keys,
}

#[derive(Deserialize)]
struct DeclaredGroup {
    plugins: BTreeMap<String, DeclaredPlugin>,
}

#[derive(Deserialize)]
struct DeclaredTool {
    groups: Vec<DeclaredGroup>,
}

/// Each tool's plugin groups: the plugins' properties in declaration order.
#[derive(Deserialize)]
struct Declared {
    charmcraft: DeclaredTool,
    rockcraft: DeclaredTool,
}

fn leak_str(s: &str) -> &'static str {
    s.to_string().leak()
}

pub(super) fn load(text: &str) -> Result<Data, String> {
    let doc: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let declared: Declared = serde_json::from_str(text).map_err(|e| e.to_string())?;
    Ok(Data {
        charmcraft: schema(&doc["charmcraft"], declared.charmcraft)?,
        rockcraft: schema(&doc["rockcraft"], declared.rockcraft)?,
    })
}

fn strings(v: &Value) -> &'static [&'static str] {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(leak_str))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
        .leak()
}

fn fields(v: &Value) -> Result<&'static [Field], String> {
    let map = v.as_object().ok_or("fields are not an object")?;
    map.iter()
        .map(|(name, f)| {
            let ty = f["type"].as_str().ok_or(format!("{name}: no type"))?;
            Ok(Field {
                name: leak_str(name),
                ty: parse_ty(ty)?,
                required: f["required"].as_bool().unwrap_or(false),
            })
        })
        .collect::<Result<Vec<_>, String>>()
        .map(Vec::leak)
        .map(|f| &*f)
}

fn schema(v: &Value, mut declared: DeclaredTool) -> Result<Schema, String> {
    let groups = v["groups"]
        .as_array()
        .ok_or("no groups")?
        .iter()
        .zip(declared.groups.iter_mut())
        .map(|(g, d)| {
            let plugins = g["plugins"]
                .as_object()
                .ok_or("group without plugins")?
                .iter()
                .map(|(name, p)| {
                    let order = d.plugins.remove(name).map(|p| p.properties.0);
                    Ok((
                        leak_str(name),
                        Plugin {
                            prefix: leak_str(p["prefix"].as_str().unwrap_or_default()),
                            properties: fields(&p["properties"])?,
                            declared: order
                                .unwrap_or_default()
                                .iter()
                                .map(|k| leak_str(k))
                                .collect::<Vec<_>>()
                                .leak(),
                            coerce_numbers: p["coerce-numbers"].as_bool().unwrap_or(false),
                            build_attributes: strings(&p["build-attributes"]),
                        },
                    ))
                })
                .collect::<Result<Vec<_>, String>>()?;
            Ok(Group {
                bases: g["bases"].is_array().then(|| strings(&g["bases"])),
                strict: g["strict"].as_bool().unwrap_or(true),
                plugins: plugins.leak(),
                refused: strings(&g["refused"]),
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Schema {
        grammar: fields(&v["grammar"])?,
        part: fields(&v["part"])?,
        part_coerce_numbers: v["part-coerce-numbers"].as_bool().unwrap_or(false),
        permissions: fields(&v["permissions"])?,
        overlay: v["features"]["overlay"].as_bool().unwrap_or(false),
        build_slices: v["features"]["build-slices"].as_bool().unwrap_or(false),
        implicit_plugin: v["implicit-plugin"].as_bool().unwrap_or(false),
        slash_bases: strings(&v["slash-part-name-bases"]),
        groups: groups.leak(),
    })
}
