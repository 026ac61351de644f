//! What the framework extensions refuse, as conditional schemas: `if` the file lists the
//! extension, `then` its rules apply.
//!
//! The charmcraft rules are read from `paasc_expand`'s extension data (charmcraft's own classes);
//! the rockcraft rules from the frameworks table (`paasc_frameworks`).
//! Rules that need the project directory (requirements files, `cos_custom/`) or the
//! environment (experimental extensions) are left to `paasc check`.

use crate::yaml_to_json;
use serde_json::{json, Map, Value};

use paasc_expand::rockcraft::PYTHON_BUILD_BASES;
use paasc_frameworks::Framework;

/// `if` condition: the file lists one of `extensions`.
fn uses(extensions: &[&str]) -> Value {
    json!({
        "required": ["extensions"],
        "properties": { "extensions": { "type": "array", "contains": { "enum": extensions } } }
    })
}

fn push_all(root: &mut Value, rules: Vec<Value>) {
    if let Value::Object(m) = root {
        let all = m.entry("allOf").or_insert_with(|| json!([]));
        if let Value::Array(a) = all {
            a.extend(rules);
        }
    }
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            let escape = ".+*?()[]{}|^$\\".contains(c);
            escape.then_some('\\').into_iter().chain([c])
        })
        .collect()
}

fn keys(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

fn refuse(keys: &[String], why: &str) -> Value {
    let mut m = Map::new();
    for k in keys {
        m.insert(k.clone(), json!({ "not": true, "description": why }));
    }
    Value::Object(m)
}

/// The charmcraft extensions' rules (charmcraft 4.5.0 `_check_input` and base validation).
pub fn charm_rules(root: &mut Value) {
    let mut rules = Vec::new();
    for ext in paasc_expand::FRAMEWORK_NAMES {
        let Some(fw) = paasc_expand::framework(ext) else {
            continue;
        };
        let snippet = yaml_to_json(&fw.root);
        let mut props = Map::new();
        let fixed =
            format!("the {ext} extension generates this; remove it or write exactly its value");
        for key in ["assumes", "containers", "resources", "peers"] {
            let value = snippet.get(key).cloned().unwrap_or(Value::Null);
            props.insert(key.into(), json!({ "const": value, "description": fixed }));
        }
        let incompatible =
            format!("not allowed with {ext}: 12-factor charms keep state in integrations");
        for key in ["devices", "extra-bindings", "storage"] {
            props.insert(
                key.into(),
                json!({ "not": true, "description": incompatible }),
            );
        }
        props.insert(
            "parts".into(),
            json!({ "properties": refuse(&["charm".into()], &format!("{ext} supplies the `charm` part; use another part name")) }),
        );
        let overlap = format!("{ext} defines this already");
        for key in ["actions", "requires", "provides"] {
            props.insert(
                key.into(),
                json!({ "properties": refuse(&keys(snippet.get(key)), &overlap) }),
            );
        }
        let options = snippet.get("config").and_then(|c| c.get("options"));
        let prefix = format!("^(webserver-|{}-)", regex_escape(fw.name));
        props.insert(
            "config".into(),
            json!({ "properties": { "options": {
                "properties": refuse(&keys(options), &overlap),
                "propertyNames": {
                    "not": { "pattern": prefix },
                    "description": format!("`webserver-` and `{}-` are reserved for {ext}'s options", fw.name)
                },
                "additionalProperties": {
                    "if": { "properties": { "optional": { "const": false } }, "required": ["optional"] },
                    "then": { "properties": { "default": {
                        "enum": [null, false, 0, "", [], {}],
                        "description": "a non-optional option cannot have a default"
                    } } }
                }
            } } }),
        );
        props.insert(
            "base".into(),
            json!({ "enum": fw.bases, "description": format!("{ext} supports {}", fw.bases.join(", ")) }),
        );
        let allowed = fw
            .bases
            .iter()
            .map(|b| regex_escape(b))
            .collect::<Vec<_>>()
            .join("|");
        props.insert(
            "platforms".into(),
            json!({ "propertyNames": { "anyOf": [
                { "not": { "pattern": "^[^:@]+@[^:]" } },
                { "pattern": format!("^({allowed})(:|$)") }
            ] } }),
        );
        let pairs: Vec<Value> = fw
            .bases
            .iter()
            .filter_map(|b| b.split_once('@'))
            .map(|(name, channel)| {
                json!({ "properties": { "name": { "const": name }, "channel": { "const": channel } } })
            })
            .collect();
        let legacy_ok = json!({ "required": ["name", "channel"], "anyOf": pairs });
        props.insert(
            "bases".into(),
            json!({ "items": { "anyOf": [
                { "required": ["build-on"], "properties": { "build-on": { "items": legacy_ok } } },
                { "not": { "required": ["build-on"] }, "allOf": [legacy_ok] }
            ] } }),
        );
        rules.push(json!({
            "if": uses(&[ext]),
            "then": { "properties": props },
            "description": format!("what {ext} refuses")
        }));
    }
    push_all(root, rules);
}

/// The rockcraft extensions' rules (rockcraft 1.20.0), and the required keys of the services
/// they do not define.
pub fn rock_rules(root: &mut Value) {
    let mut rules = Vec::new();
    let mut provided: Vec<&str> = Framework::ALL
        .iter()
        .flat_map(|f| f.spec().rock.services.iter().copied())
        .collect();
    provided.sort_unstable();
    provided.dedup();
    let lax: Map<String, Value> = provided
        .iter()
        .map(|s| (s.to_string(), json!(true)))
        .collect();
    rules.push(json!({
        "properties": { "services": {
            "properties": lax,
            "additionalProperties": { "required": ["override", "command"] }
        } },
        "description": "every service needs `override` and `command`, except those an extension defines"
    }));
    for service in provided {
        let by: Vec<&str> = Framework::ALL
            .iter()
            .filter(|f| f.spec().rock.services.contains(&service))
            .map(|f| f.extension())
            .collect();
        rules.push(json!({
            "if": { "not": uses(&by) },
            "then": { "properties": { "services": { "properties": { service: { "required": ["override", "command"] } } } } }
        }));
    }
    let python_build_bases: Vec<&str> = PYTHON_BUILD_BASES.iter().map(|(b, _)| *b).collect();
    for framework in Framework::ALL {
        let (ext, fw) = (framework.extension(), &framework.spec().rock);
        let mut then = json!({ "properties": { "base": {
            "enum": fw.bases,
            "description": format!("{ext} supports base {}", fw.bases.join(", "))
        } } });
        if fw.python {
            then["if"] =
                json!({ "properties": { "base": { "const": "bare" } }, "required": ["base"] });
            then["then"] = json!({
                "required": ["build-base"],
                "properties": { "build-base": {
                    "enum": python_build_bases,
                    "description": format!("with `base: bare`, {ext} takes the Python version from `build-base`")
                } }
            });
        }
        rules.push(json!({
            "if": uses(&[ext]),
            "then": then,
            "description": format!("what {ext} refuses")
        }));
    }
    push_all(root, rules);
}
