//! Reads the description of each top-level key of the chart's values schema
//! (`schema/helm-values.json`, which charts carry as `values.schema.json`) into
//! `$OUT_DIR/key_descriptions.rs`: `values.yaml` comments each key with it, and decoding the
//! 79 KB schema at run time was a sixth of a `compile`'s instructions. A schema that does not
//! decode is a build error naming it.

use std::fmt::Write;
use std::path::Path;

const SCHEMA: &str = "../../schema/helm-values.json";

fn main() {
    println!("cargo::rerun-if-changed={SCHEMA}");
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let written = descriptions(&Path::new(&dir).join(SCHEMA)).and_then(|code| {
        std::fs::write(Path::new(&out).join("key_descriptions.rs"), code)
            .map_err(|e| format!("cannot write key_descriptions.rs: {e}"))
    });
    if let Err(e) = written {
        eprintln!("error: schema/helm-values.json: {e}");
        std::process::exit(1);
    }
}

/// `&[(key, description)]` for every top-level property that has a description, by key.
fn descriptions(path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let schema: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let properties = schema["properties"]
        .as_object()
        .ok_or("no `properties` object")?;
    let mut described: Vec<(&String, &str)> = properties
        .iter()
        .filter_map(|(k, p)| Some((k, p["description"].as_str()?)))
        .collect();
    described.sort();
    let mut code = String::from("&[\n");
    for (key, description) in described {
        let _ = writeln!(code, "    ({key:?}, {description:?}),");
    }
    code.push(']');
    Ok(code)
}
