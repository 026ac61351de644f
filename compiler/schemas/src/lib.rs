//! JSON Schemas (draft 2020-12) of `charmcraft.yaml` and `rockcraft.yaml` as paasc accepts them,
//! for editors (yaml-language-server) and CI (check-jsonschema).
//!
//! The shapes are Rust wire types deriving [`schemars::JsonSchema`] (`charmcraft.rs`,
//! `rockcraft.rs`); doc comments become descriptions. Enumerations come from `paasc_model`, and
//! the framework extensions' rules from `paasc_expand`'s data ([`frameworks`]), so the schemas
//! follow the checker.
//!
//! **Invariant:** every file `paasc check` finds clean validates. The schemas are permissive
//! where editors read YAML 1.2 but the craft tools read YAML 1.1 and coerce (a number in a
//! string field, `yes` in a boolean one).

pub mod charmcraft;
pub mod frameworks;
pub mod parts;
pub mod profile;
pub mod rockcraft;
pub mod types;

use paasc_syntax::Yaml;
use schemars::generate::SchemaSettings;
use schemars::JsonSchema;
use serde_json::{json, Map, Value};

/// Where the published charmcraft schema lives.
pub const CHARMCRAFT_ID: &str = "https://paasc.dev/schema/charmcraft.json";
/// Where the published rockcraft schema lives.
pub const ROCKCRAFT_ID: &str = "https://paasc.dev/schema/rockcraft.json";

/// The schema of `charmcraft.yaml`.
pub fn charmcraft() -> Value {
    let mut v = generate::<charmcraft::Charmcraft>(
        CHARMCRAFT_ID,
        "charmcraft.yaml",
        "A charm project (charmcraft 4.5.0), as paasc checks it before the 12-factor framework extensions are applied.",
    );
    frameworks::charm_rules(&mut v);
    v
}

/// The schema of `rockcraft.yaml`.
pub fn rockcraft() -> Value {
    let mut v = generate::<rockcraft::Rockcraft>(
        ROCKCRAFT_ID,
        "rockcraft.yaml",
        "A rock project (rockcraft 1.20.0) with Pebble services and checks, as paasc checks it before the 12-factor framework extensions are applied.",
    );
    frameworks::rock_rules(&mut v);
    v
}

/// Where the published profile schema lives.
pub const PROFILE_ID: &str = "https://paasc.dev/schema/profile.json";

/// The schema of a deployment profile (`profiles/NAME.yaml`).
pub fn profile() -> Value {
    generate::<profile::Profile>(
        PROFILE_ID,
        "paasc deployment profile",
        "What Juju would give paas-charm at run time (names, units, config, secrets, integration data, proxy), plus the Kubernetes settings of the Helm back end.",
    )
}

/// Every schema with the file name it is committed under in `schema/`.
pub fn all() -> Vec<(&'static str, Value)> {
    vec![
        ("charmcraft.json", charmcraft()),
        ("rockcraft.json", rockcraft()),
        ("profile.json", profile()),
    ]
}

/// A schema as committed: pretty-printed JSON with a trailing newline.
pub fn render(schema: &Value) -> String {
    let mut s = serde_json::to_string_pretty(schema).unwrap_or_default();
    s.push('\n');
    s
}

fn generate<T: JsonSchema>(id: &str, title: &str, description: &str) -> Value {
    let schema = SchemaSettings::draft2020_12()
        .into_generator()
        .into_root_schema_for::<T>();
    let mut v = schema.to_value();
    if let Value::Object(m) = &mut v {
        let mut out = Map::new();
        for key in ["$schema"] {
            if let Some(x) = m.remove(key) {
                out.insert(key.into(), x);
            }
        }
        out.insert("$id".into(), json!(id));
        out.insert("title".into(), json!(title));
        out.insert("description".into(), json!(description));
        m.remove("title");
        m.remove("description");
        out.append(m);
        v = Value::Object(out);
    }
    add_markdown(&mut v);
    v
}

/// Adds `markdownDescription` (which yaml-language-server renders in hovers) beside each
/// description that uses Markdown.
fn add_markdown(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(d)) = m.get_mut("description") {
                *d = unwrap_lines(d);
            }
            if let Some(Value::String(d)) = m.get("description") {
                if d.contains('`') && !m.contains_key("markdownDescription") {
                    let d = d.clone();
                    m.insert("markdownDescription".into(), json!(d));
                }
            }
            for (_, sub) in m.iter_mut() {
                add_markdown(sub);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(add_markdown),
        _ => {}
    }
}

/// Joins the lines of a wrapped doc comment into one paragraph (blank lines are kept).
fn unwrap_lines(text: &str) -> String {
    text.split("\n\n")
        .map(|p| p.split('\n').map(str::trim).collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Loaded YAML as JSON, as an editor reading the same text would see it: keys become strings,
/// dates stay as written, non-finite floats become strings.
pub fn yaml_to_json(y: &Yaml) -> Value {
    match y {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => json!(b),
        Yaml::Int(i) => i64::try_from(*i)
            .map(Value::from)
            .or_else(|_| u64::try_from(*i).map(Value::from))
            .unwrap_or_else(|_| json!(*i as f64)),
        Yaml::BigInt(d) => d.parse::<f64>().map(|f| json!(f)).unwrap_or(json!(d)),
        Yaml::Float(f) => serde_json::Number::from_f64(*f)
            .map(Value::Number)
            .unwrap_or_else(|| json!(paasc_syntax::python_float_repr(*f))),
        Yaml::Str(s) | Yaml::Timestamp(s) => json!(s.as_str()),
        Yaml::Seq(items) => Value::Array(items.iter().map(yaml_to_json).collect()),
        Yaml::Map(entries) => {
            let mut m = Map::new();
            for (k, v) in entries {
                let key = match k {
                    Yaml::Str(s) | Yaml::Timestamp(s) => s.to_string(),
                    Yaml::Null => "null".into(),
                    other => match yaml_to_json(other) {
                        Value::String(s) => s,
                        j => j.to_string(),
                    },
                };
                m.insert(key, yaml_to_json(v));
            }
            Value::Object(m)
        }
    }
}
