//! A craft-parts part, as far as its shape holds whatever the plugin and the build.
//!
//! Which keys a part takes depends on its plugin (and, for charmcraft, a missing `plugin` is the
//! part's name), so unknown keys are left to `paasc check`. What the schema says is what both
//! of the tools' passes require of every part (`paasc_model::parts::key_shapes`, from the tools'
//! own models): a part is a mapping, its list keys are lists (of values or `on <arch>:` clauses),
//! `stage` and `prime` entries are relative paths, and `build-environment` entries are
//! one-entry mappings.

use paasc_model::parts::{key_shapes, KeyShape, Tool};
use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Map, Value};
use std::borrow::Cow;

fn part(tool: Tool) -> Value {
    let mut properties = Map::new();
    for (key, shape) in key_shapes(tool) {
        let schema = match shape {
            KeyShape::List => json!({
                "type": "array",
                "description": "A list, or `on <arch>:` / `else:` clauses giving lists."
            }),
            KeyShape::RelativePaths => json!({
                "type": "array",
                "description": "Paths relative to the part's directory (a leading `-` excludes), or `on <arch>:` clauses.",
                "items": {
                    "anyOf": [
                        { "type": "string", "minLength": 1, "pattern": "^[^/]" },
                        { "type": "object" }
                    ]
                }
            }),
            KeyShape::SingleEntryMaps => json!({
                "type": "array",
                "description": "One `- NAME: value` entry per variable, or `on <arch>:` clauses.",
                "items": { "type": "object", "minProperties": 1, "maxProperties": 1 }
            }),
        };
        properties.insert(key.to_string(), schema);
    }
    json!({
        "type": "object",
        "description": "A craft-parts part: a `plugin` (`nil`, `dump`, `python`, ...), its `<plugin>-*` keys, and the common keys (`source`, `build-packages`, `stage-packages`, `override-build`, `organize`, `stage`, `prime`, ...).",
        "properties": properties
    })
}

macro_rules! part_type {
    ($(#[$meta:meta])* $name:ident, $tool:expr) => {
        $(#[$meta])*
        pub struct $name;

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                Schema::try_from(part($tool)).unwrap_or_default()
            }
        }
    };
}

part_type!(
    /// A part of `charmcraft.yaml` (charmcraft 4.5.0's craft-parts 2.37.2).
    CharmPart,
    Tool::Charmcraft
);

part_type!(
    /// A part of `rockcraft.yaml` (rockcraft 1.20.0's craft-parts 2.33.1).
    RockPart,
    Tool::Rockcraft
);

/// Drops `null` from an optional `parts` (the tools refuse `parts:` with nothing after it).
pub fn parts_not_null(schema: &mut Schema) {
    crate::types::not_null(schema);
    if let Some(Value::Array(types)) = schema.as_object_mut().and_then(|o| o.get_mut("type")) {
        types.retain(|t| t != "null");
        if let [only] = types.as_slice() {
            let only = only.clone();
            schema.insert("type".into(), only);
        }
    }
}
