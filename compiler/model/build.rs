//! Decodes `data/parts.json` into the Rust source of `src/parts.rs`'s `DATA` table
//! (`$OUT_DIR/parts_data.rs`), so the part schemas cost nothing at run time. A malformed file is
//! a build error naming it.
//!
//! Objects keep the JSON text's order only where a list says so (`declared`); every other list of
//! names is sorted, as the table was when it was read into `serde_json::Value` maps at run time.

#[path = "src/parts/split.rs"]
mod split;

use serde_json::{Map, Value};
use split::split_top;
use std::path::Path;

const FILE: &str = "data/parts.json";

fn main() {
    println!("cargo::rerun-if-changed={FILE}");
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let code = std::fs::read_to_string(Path::new(&dir).join(FILE))
        .map_err(|e| e.to_string())
        .and_then(|text| data(&text));
    match code {
        Ok(code) => {
            if let Err(e) = std::fs::write(Path::new(&out).join("parts_data.rs"), code) {
                fail(&format!("cannot write parts_data.rs: {e}"));
            }
        }
        Err(e) => fail(&format!("compiler/model/{FILE}: {e}")),
    }
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1)
}

fn data(text: &str) -> Result<String, String> {
    let doc: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    Ok(format!(
        "Data {{\n    charmcraft: {},\n    rockcraft: {},\n}}\n",
        schema(&doc["charmcraft"]).map_err(|e| format!("charmcraft: {e}"))?,
        schema(&doc["rockcraft"]).map_err(|e| format!("rockcraft: {e}"))?,
    ))
}

/// The entries of an object, sorted by key.
fn sorted(map: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

/// A `&[&str]` of the strings of an array (other entries are skipped; no array: empty).
fn strings(v: &Value) -> String {
    let items: Vec<&str> = v
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    format!("&{items:?}")
}

fn flag(v: &Value, default: bool) -> bool {
    v.as_bool().unwrap_or(default)
}

fn fields(v: &Value) -> Result<String, String> {
    let map = v.as_object().ok_or("fields are not an object")?;
    let mut out = String::from("&[\n");
    for (name, f) in sorted(map) {
        let ty = f["type"].as_str().ok_or(format!("{name}: no type"))?;
        out += &format!(
            "        Field {{ name: {name:?}, ty: {}, required: {} }},\n",
            ty_expr(ty).map_err(|e| format!("{name}: {e}"))?,
            flag(&f["required"], false)
        );
    }
    Ok(out + "    ]")
}

fn schema(v: &Value) -> Result<String, String> {
    let mut groups = String::from("&[\n");
    for g in v["groups"].as_array().ok_or("no groups")? {
        let mut plugins = String::from("&[\n");
        for (name, p) in sorted(g["plugins"].as_object().ok_or("group without plugins")?) {
            let properties = &p["properties"];
            let declared: Vec<&str> = properties
                .as_object()
                .map(|m| m.keys().map(String::as_str).collect())
                .unwrap_or_default();
            plugins += &format!(
                "    ({name:?}, Plugin {{ prefix: {:?}, properties: {}, declared: &{declared:?}, coerce_numbers: {}, build_attributes: {} }}),\n",
                p["prefix"].as_str().unwrap_or_default(),
                fields(properties).map_err(|e| format!("plugin {name}: {e}"))?,
                flag(&p["coerce-numbers"], false),
                strings(&p["build-attributes"]),
            );
        }
        let bases = if g["bases"].is_array() {
            format!("Some({})", strings(&g["bases"]))
        } else {
            "None".to_string()
        };
        groups += &format!(
            "    Group {{ bases: {bases}, strict: {}, plugins: {plugins}], refused: {} }},\n",
            flag(&g["strict"], true),
            strings(&g["refused"]),
        );
    }
    let features = &v["features"];
    Ok(format!(
        "Schema {{\n    grammar: {},\n    part: {},\n    part_coerce_numbers: {},\n    permissions: {},\n    overlay: {},\n    build_slices: {},\n    implicit_plugin: {},\n    slash_bases: {},\n    groups: {groups}],\n}}",
        fields(&v["grammar"]).map_err(|e| format!("grammar: {e}"))?,
        fields(&v["part"]).map_err(|e| format!("part: {e}"))?,
        flag(&v["part-coerce-numbers"], false),
        fields(&v["permissions"]).map_err(|e| format!("permissions: {e}"))?,
        flag(&features["overlay"], false),
        flag(&features["build-slices"], false),
        flag(&v["implicit-plugin"], false),
        strings(&v["slash-part-name-bases"]),
    ))
}

/// The `Ty` expression of a type as the generator writes it (`grammar[list[str]]?`, `int|str`,
/// `literal(a|b)`, `dict[str,T]` ...).
fn ty_expr(s: &str) -> Result<String, String> {
    if let Some(inner) = s.strip_suffix('?') {
        return Ok(format!("Ty::Optional(&{})", ty_expr(inner)?));
    }
    let alternatives = split_top(s, '|');
    if alternatives.len() > 1 {
        let types = alternatives
            .into_iter()
            .map(ty_expr)
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(format!("Ty::Union(&[{}])", types.join(", ")));
    }
    if let Some(values) = s.strip_prefix("literal(").and_then(|r| r.strip_suffix(')')) {
        let values: Vec<&str> = values.split('|').collect();
        return Ok(format!("Ty::Literal(&{values:?})"));
    }
    let leaf = match s {
        "str" => Some("Str"),
        "int" => Some("Int"),
        "bool" => Some("Bool"),
        "relpath" => Some("RelPath"),
        "slice" => Some("Slice"),
        "permissions" => Some("Permissions"),
        _ => None,
    };
    if let Some(leaf) = leaf {
        return Ok(format!("Ty::{leaf}"));
    }
    const GENERICS: [(&str, &str); 6] = [
        ("list", "List"),
        ("ulist", "UniqueList"),
        ("set", "Set"),
        ("dict1", "SingleDict"),
        ("dict", "Dict"),
        ("grammar", "Grammar"),
    ];
    for (name, variant) in GENERICS {
        let Some(args) = s
            .strip_prefix(name)
            .and_then(|r| r.strip_prefix('['))
            .and_then(|r| r.strip_suffix(']'))
        else {
            continue;
        };
        let inner = match (variant, split_top(args, ',').as_slice()) {
            ("Dict" | "SingleDict", ["str", value]) => value,
            ("Dict" | "SingleDict", _) => {
                return Err(format!("dictionary keys other than str: {s}"))
            }
            _ => args,
        };
        return Ok(format!("Ty::{variant}(&{})", ty_expr(inner)?));
    }
    Err(format!("unknown type `{s}`"))
}
