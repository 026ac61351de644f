//! Leaf types of both files: how paasc reads a scalar (YAML 1.1, the craft models' coercions),
//! written as the JSON Schema an editor reading YAML 1.2 should apply.
//!
//! Enumerations come from `paasc_model`'s own lists, so the schema accepts exactly the values
//! the checker accepts.

use schemars::{json_schema, JsonSchema, Schema};
use serde_json::{json, Value};

/// The craft-application project name rule (`paasc_model::check_name`), as two linear patterns:
/// lowercase letters, digits and single inner hyphens...
pub const NAME_SHAPE: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";
/// ...with at least one letter.
pub const NAME_LETTER: &str = "[a-z]";
/// The longest accepted name, in characters.
pub const NAME_MAX: u64 = 40;

macro_rules! leaf {
    ($(#[$meta:meta])* $name:ident, $schema:expr) => {
        $(#[$meta])*
        pub struct $name;

        impl schemars::JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let v: serde_json::Value = $schema;
                schemars::Schema::try_from(v).unwrap_or_default()
            }
        }
    };
}
pub(crate) use leaf;

leaf!(
    /// A string field of a craft model that is not strict: a number is read as Python's `str()`
    /// of it (`version: 1.0` becomes `"1.0"`, with a paasc warning when the text changes).
    Text,
    json!({ "type": ["string", "number"] })
);

leaf!(
    /// A value of the rock's `environment`: like [`Text`], with no `$` before the last character
    /// (rockcraft does not expand variables there and refuses the attempt).
    EnvValue,
    json!({ "type": ["string", "number"], "pattern": "^[^$]*[$]?$" })
);

/// A pattern matching what rockcraft's `spdx_lookup.by_id` accepts: one id of
/// [`paasc_model::spdx::IDS`] in any case, with surrounding whitespace, or `proprietary`, or
/// nothing. JSON Schema patterns have no case-insensitive flag, so letters become `[Aa]`.
pub fn rock_license_pattern() -> String {
    let ids: Vec<String> = paasc_model::spdx::IDS
        .iter()
        .map(|id| {
            id.chars()
                .map(|c| {
                    if c.is_ascii_alphabetic() {
                        format!("[{}{}]", c.to_ascii_uppercase(), c.to_ascii_lowercase())
                    } else if ".+()".contains(c) {
                        format!("\\{c}")
                    } else {
                        c.to_string()
                    }
                })
                .collect()
        })
        .collect();
    format!("^(\\s*({})\\s*|proprietary|)$", ids.join("|"))
}

/// The rock's `license`.
pub struct RockLicense;

impl JsonSchema for RockLicense {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RockLicense".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> Schema {
        schema(json!({
            "type": "string",
            "pattern": rock_license_pattern(),
            "description": "One SPDX license id of the list rockcraft 1.20.0 checks against (no `-only`/`-or-later` ids, no expressions), in any case, or `proprietary`."
        }))
    }
}

leaf!(
    /// A string field the craft models declare strict: a number is refused.
    Strict,
    json!({ "type": "string" })
);

leaf!(
    /// An http or https URL, as pydantic's `AnyHttpUrl` takes it (the schema checks the scheme;
    /// paasc checks the rest as pydantic does).
    HttpUrl,
    json!({ "type": "string", "pattern": "^[\\u0000- ]*[Hh][Tt][Tt][Pp][Ss]?:" })
);

leaf!(
    /// One http or https URL, or a list of them.
    HttpUrls,
    json!({ "anyOf": [
        { "type": "string", "pattern": "^[\\u0000- ]*[Hh][Tt][Tt][Pp][Ss]?:" },
        { "type": "array", "items": { "type": "string", "pattern": "^[\\u0000- ]*[Hh][Tt][Tt][Pp][Ss]?:" } }
    ] })
);

leaf!(
    /// A string, or a list of strings (numbers refused).
    StrictTexts,
    json!({ "anyOf": [
        { "type": "string" },
        { "type": "array", "items": { "type": "string" } }
    ] })
);

leaf!(
    /// Pydantic's lax boolean: a boolean, 0 or 1, or one of its strings in any case.
    LaxBool,
    json!({
        "anyOf": [
            { "type": "boolean" },
            { "type": "integer", "minimum": 0, "maximum": 1 },
            {
                "type": "string",
                "pattern": "^([yY][eE][sS]|[tT][rR][uU][eE]|[oO][nN]|1|[tT]|[yY]|[nN][oO]|[fF][aA][lL][sS][eE]|[oO][fF][fF]|0|[fF]|[nN])$"
            }
        ]
    })
);

leaf!(
    /// A project name.
    Name,
    json!({
        "type": "string",
        "maxLength": NAME_MAX,
        "allOf": [
            { "pattern": NAME_SHAPE },
            { "pattern": NAME_LETTER }
        ]
    })
);

leaf!(
    /// A title: 2 to 40 characters.
    Title,
    json!({ "type": ["string", "number"], "minLength": 2, "maxLength": 40 })
);

leaf!(
    /// charmcraft's summary: at most 200 characters.
    Summary200,
    json!({ "type": ["string", "number"], "maxLength": 200 })
);

leaf!(
    /// Any value (the models keep it unchecked).
    Any,
    json!(true)
);

leaf!(
    /// A key the tools refuse: only an empty value is tolerated.
    Refused,
    json!({ "type": "null" })
);

leaf!(
    /// An integer.
    Int,
    json!({ "type": "integer" })
);

leaf!(
    /// An integer or a float.
    Number,
    json!({ "type": "number" })
);

/// A string enumeration, with a short description per value for editors' completion lists.
pub fn enumeration(values: &[&str], describe: impl Fn(&str) -> Option<String>) -> Value {
    let notes: Vec<String> = values
        .iter()
        .map(|v| describe(v).unwrap_or_default())
        .collect();
    if notes.iter().all(String::is_empty) {
        return json!({ "type": "string", "enum": values });
    }
    json!({ "type": "string", "enum": values, "markdownEnumDescriptions": notes })
}

/// Declares a schema type for one of `paasc_model`'s string enums.
macro_rules! model_enum {
    ($(#[$meta:meta])* $name:ident = $values:expr, $describe:expr) => {
        $(#[$meta])*
        pub struct $name;

        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($name).into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                let describe: fn(&str) -> Option<String> = $describe;
                schemars::Schema::try_from($crate::types::enumeration($values, describe))
                    .unwrap_or_default()
            }
        }
    };
}
pub(crate) use model_enum;

fn none(_: &str) -> Option<String> {
    None
}

fn base_note(v: &str) -> Option<String> {
    let codename = match v {
        "ubuntu@18.04" => "Ubuntu 18.04 LTS (Bionic Beaver)",
        "ubuntu@20.04" | "ubuntu:20.04" => "Ubuntu 20.04 LTS (Focal Fossa)",
        "ubuntu@22.04" | "ubuntu:22.04" => "Ubuntu 22.04 LTS (Jammy Jellyfish)",
        "ubuntu@24.04" => "Ubuntu 24.04 LTS (Noble Numbat)",
        "ubuntu@25.04" => "Ubuntu 25.04 (Plucky Puffin)",
        "ubuntu@25.10" => "Ubuntu 25.10 (Questing Quokka)",
        "ubuntu@26.04" => "Ubuntu 26.04 LTS",
        "ubuntu@26.10" => "Ubuntu 26.10",
        "almalinux@9" => "AlmaLinux 9",
        "ubuntu@devel" | "devel" => "The Ubuntu development release",
        "bare" => "An empty base: only what the parts stage (needs `build-base`)",
        _ => return None,
    };
    Some(if v.contains(':') {
        format!("{codename}; deprecated spelling, rockcraft rewrites it to `@`")
    } else {
        codename.to_string()
    })
}

model_enum!(
    /// `base` of charmcraft.yaml.
    CharmBase = paasc_model::charmcraft::CharmBase::ALL, base_note
);
model_enum!(
    /// `build-base` of charmcraft.yaml.
    CharmBuildBase = paasc_model::charmcraft::CharmBuildBase::ALL, base_note
);
model_enum!(
    /// `base` of rockcraft.yaml.
    RockBase = paasc_model::rockcraft::RockBase::ALL, base_note
);
model_enum!(
    /// `build-base` of rockcraft.yaml.
    RockBuildBase = paasc_model::rockcraft::RockBuildBase::ALL, base_note
);
model_enum!(
    /// `charm-user`.
    CharmUser = paasc_model::charmcraft::CharmUser::ALL,
    |v| Some(
        match v {
            "root" => "The charm runs as root",
            "sudoer" => "The charm runs as a non-root user that may use sudo",
            _ => "The charm runs as a non-root user",
        }
        .to_string()
    )
);
model_enum!(
    /// A config option's type.
    OptionType = paasc_model::charmcraft::OptionType::ALL,
    |v| Some(
        match v {
            "string" => "A string",
            "int" => "An integer",
            "float" => "A number",
            "boolean" => "true or false",
            _ => "A Juju secret id (`secret:` and 20 lowercase letters or digits)",
        }
        .to_string()
    )
);
model_enum!(
    /// A relation's scope.
    Scope = paasc_model::charmcraft::Scope::ALL, none
);
model_enum!(
    /// `run-user`.
    RunUser = paasc_model::rockcraft::RunUser::ALL,
    |_| Some("The shared non-root user `_daemon_` (uid and gid 584792)".to_string())
);
model_enum!(
    /// How a Pebble layer entry combines with the same entry of earlier layers.
    Override = paasc_model::rockcraft::Override::ALL,
    |v| Some(
        if v == "merge" {
            "Merge into the earlier definition"
        } else {
            "Replace the earlier definition"
        }
        .to_string()
    )
);
model_enum!(
    /// Whether Pebble starts the service or check automatically.
    Startup = paasc_model::rockcraft::Startup::ALL, none
);
model_enum!(
    /// What Pebble does when a service exits or a check fails.
    ServiceAction = paasc_model::rockcraft::ServiceAction::ALL,
    |v| Some(
        match v {
            "restart" => "Restart the service (with backoff)",
            "shutdown" => "Shut Pebble down, exiting with the service's status",
            _ => "Do nothing",
        }
        .to_string()
    )
);
model_enum!(
    /// The level of a Pebble check.
    CheckLevel = paasc_model::rockcraft::CheckLevel::ALL, none
);
model_enum!(
    /// A framework extension name.
    Extension = &paasc_expand::FRAMEWORK_NAMES,
    |v| Some(format!(
        "The 12-factor {} extension",
        v.trim_end_matches("-framework")
    ))
);

leaf!(
    /// charmcraft.yaml's `type`: only `charm` (charmcraft 4 removed bundles).
    CharmType,
    enumeration(&["charm"], |_| Some(
        "A charm (`bundle` was removed in charmcraft 4)".to_string()
    ))
);

/// Removes `null` from an optional field's schema: the key may be absent but not empty.
pub fn not_null(schema: &mut Schema) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    if let Some(Value::Array(any)) = obj.get_mut("anyOf") {
        any.retain(|s| s.get("type") != Some(&json!("null")));
        if any.len() == 1 {
            let only = any.remove(0);
            obj.remove("anyOf");
            if let Value::Object(m) = only {
                obj.extend(m);
            }
        }
    }
}

/// Adds the underscore spelling of every dashed property, as paasc's reader (and the craft
/// models, with `populate_by_name`) accept it; giving both spellings is refused.
pub fn underscore_aliases(schema: &mut Schema) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    let Some(Value::Object(props)) = obj.get("properties").cloned() else {
        return;
    };
    let mut new_props = serde_json::Map::new();
    let mut exclusive = serde_json::Map::new();
    let mut required: Vec<Value> = Vec::new();
    let mut either: Vec<Value> = Vec::new();
    let old_required: Vec<String> = obj
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    for (key, sub) in props {
        new_props.insert(key.clone(), sub.clone());
        let refused = sub.get("type") == Some(&json!("null"));
        if !key.contains('-') || refused {
            continue;
        }
        let alias = key.replace('-', "_");
        let mut alias_schema = sub;
        let note = format!("Same as `{key}`, which is the usual spelling.");
        if let Value::Object(m) = &mut alias_schema {
            m.insert("description".into(), json!(note));
            m.remove("markdownDescription");
        } else {
            alias_schema = json!({ "allOf": [alias_schema], "description": note });
        }
        new_props.insert(alias.clone(), alias_schema);
        exclusive.insert(key.clone(), json!({ "not": { "required": [alias] } }));
        if old_required.contains(&key) {
            either.push(json!({ "anyOf": [ { "required": [key] }, { "required": [alias] } ] }));
        }
    }
    for key in &old_required {
        if !key.contains('-') {
            required.push(json!(key));
        }
    }
    obj.insert("properties".into(), Value::Object(new_props));
    if !exclusive.is_empty() {
        obj.insert("dependentSchemas".into(), Value::Object(exclusive));
    }
    if !old_required.is_empty() {
        obj.insert("required".into(), Value::Array(required));
    }
    if !either.is_empty() {
        let all = obj.entry("allOf").or_insert_with(|| json!([]));
        if let Value::Array(a) = all {
            a.extend(either);
        }
    }
}

/// A schema from a literal; used by the derive attributes.
pub fn schema(v: Value) -> Schema {
    Schema::try_from(v).unwrap_or_else(|_| json_schema!(true))
}

/// The architectures, as one regex alternation.
fn arch_alternation() -> String {
    paasc_model::platforms::ARCHITECTURES.join("|")
}

/// A base prefix as craft-platforms parses it: `devel` or `<distribution>@<series>`.
const BASE: &str = "(devel|[^:@]*@[^:@]*)";

/// `build-on` or `build-for`: one entry as a string, or a list of them (craft-application
/// vectorises a string). `build-for` holds exactly one entry; `build-on` distinct ones.
fn arch_list(item: Value, target: bool) -> Value {
    let list = if target {
        json!({ "type": "array", "items": item, "minItems": 1, "maxItems": 1 })
    } else {
        json!({ "type": "array", "items": item, "minItems": 1, "uniqueItems": true })
    };
    json!({ "anyOf": [item, list] })
}

/// One platform given as a mapping, requiring `required` of its two keys.
fn platform_entry(on: &Value, target: &Value, required: &[&str]) -> Value {
    let mut entry = schema(json!({
        "type": "object",
        "properties": {
            "build-on": on,
            "build-for": target,
        },
        "required": required,
        "additionalProperties": false
    }));
    underscore_aliases(&mut entry);
    entry.to_value()
}

/// `platforms` of either file, as craft-application's `Platform` and project service read it:
/// an entry named after an architecture may be empty (charms: also after a base,
/// `ubuntu@24.04:amd64`) or leave out `build-for`; any other needs both keys. Rocks take no
/// base prefix and no `all`, and an entry named after an architecture builds for it.
pub fn platforms(rock: bool) -> Value {
    let arch = arch_alternation();
    let prefix = if rock {
        String::new()
    } else {
        format!("({BASE}:)?")
    };
    let on_item = json!({ "type": "string", "pattern": format!("^{prefix}({arch})$") });
    let target_alt = if rock {
        arch.clone()
    } else {
        format!("{arch}|all")
    };
    let target_item = json!({ "type": "string", "pattern": format!("^{prefix}({target_alt})$") });
    let on = arch_list(on_item, false);
    let target = arch_list(target_item, true);
    let mut named = serde_json::Map::new();
    if rock {
        for a in paasc_model::platforms::ARCHITECTURES {
            let itself = arch_list(json!({ "const": a }), true);
            named.insert(
                format!("^{a}$"),
                json!({ "anyOf": [ { "type": "null" }, platform_entry(&on, &itself, &["build-on"]) ] }),
            );
        }
    } else {
        named.insert(
            format!("^({arch})$"),
            json!({ "anyOf": [ { "type": "null" }, platform_entry(&on, &target, &["build-on"]) ] }),
        );
        named.insert("^all$".into(), platform_entry(&on, &target, &["build-on"]));
        named.insert(
            format!("^{BASE}:({arch})$"),
            json!({ "anyOf": [ { "type": "null" }, platform_entry(&on, &target, &["build-on", "build-for"]) ] }),
        );
    }
    json!({
        "type": "object",
        "propertyNames": { "not": { "enum": ["any", "*"] }, "pattern": "^[^/]*$" },
        "patternProperties": named,
        "additionalProperties": platform_entry(&on, &target, &["build-on", "build-for"])
    })
}

leaf!(
    /// A rock's `platforms`: see [`platforms`].
    RockPlatforms,
    platforms(true)
);

leaf!(
    /// A charm's `platforms`: see [`platforms`].
    CharmPlatforms,
    platforms(false)
);
