//! Decodes the charmcraft extensions' data (`data/charmcraft/<extension>.yaml`) into Rust source
//! (`$OUT_DIR/charm_data.rs`): one function per file that builds its `CharmExtension` from
//! constants (charm_data.rs's `K`), so a project pays for a few allocations instead of the
//! checking YAML parser. The files are read with paasc_syntax, as PyYAML reads them; one that
//! does not parse cleanly is a build error naming it.

use paasc_diag::FileId;
use paasc_syntax::{parse, Limits, Yaml};
use std::fmt::Write;
use std::path::Path;

const DIR: &str = "data/charmcraft";

fn main() {
    println!("cargo::rerun-if-changed={DIR}");
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let code = extensions(&Path::new(&dir).join(DIR));
    let written = code.and_then(|code| {
        std::fs::write(Path::new(&out).join("charm_data.rs"), code)
            .map_err(|e| format!("cannot write charm_data.rs: {e}"))
    });
    if let Err(e) = written {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}

/// The functions of every `.yaml` file of `dir`, in file name order.
fn extensions(dir: &Path) -> Result<String, String> {
    let listing = std::fs::read_dir(dir).map_err(|e| format!("compiler/expand/{DIR}: {e}"))?;
    let mut files = Vec::new();
    for entry in listing {
        let path = entry
            .map_err(|e| format!("compiler/expand/{DIR}: {e}"))?
            .path();
        if path.extension().is_some_and(|x| x == "yaml") {
            files.push(path);
        }
    }
    files.sort();
    let mut code = String::new();
    for path in files {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        let file = format!("compiler/expand/{DIR}/{stem}.yaml");
        println!("cargo::rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{file}: {e}"))?;
        code += &extension(stem, &text).map_err(|e| format!("{file}: {e}"))?;
    }
    Ok(code)
}

/// The function `<stem>()` (dashes as underscores) that builds the extension of one file.
fn extension(stem: &str, text: &str) -> Result<String, String> {
    let (tree, diags) = parse(FileId(0), text, Limits::default());
    if let Some(d) = diags.first() {
        return Err(format!(
            "does not parse: {} (at byte {})",
            d.message, d.primary.span.start
        ));
    }
    let doc = tree
        .root()
        .map(|r| Yaml::from_tree(&tree, r))
        .unwrap_or(Yaml::Null);
    let bases: Vec<&str> = doc
        .get("bases")
        .and_then(Yaml::as_seq)
        .unwrap_or_default()
        .iter()
        .filter_map(Yaml::as_str)
        .collect();
    let mut code = format!(
        "/// `{stem}`.\npub(super) fn {}() -> CharmExtension {{\n    static ROOT: K = ",
        stem.replace('-', "_"),
    );
    constant(doc.get("root").unwrap_or(&Yaml::Null), &mut code);
    code += ";\n    static DYNAMIC_OPTIONS: K = ";
    constant(doc.get("dynamic-options").unwrap_or(&Yaml::Null), &mut code);
    _ = write!(
        code,
        ";\n    CharmExtension {{\n        extension: {stem:?},\n        name: {:?},\n        bases: &{bases:?},\n        experimental: {},\n        root: ROOT.yaml(),\n        dynamic_options: DYNAMIC_OPTIONS.yaml(),\n    }}\n}}\n\n",
        doc.get("framework").and_then(Yaml::as_str).unwrap_or_default(),
        doc.get("experimental") == Some(&Yaml::Bool(true)),
    );
    Ok(code)
}

/// The constant `K` expression of `v` (charm_data.rs's `K`, which builds the `Yaml`).
fn constant(v: &Yaml, out: &mut String) {
    match v {
        Yaml::Null => *out += "K::Null",
        Yaml::Bool(b) => _ = write!(out, "K::Bool({b})"),
        Yaml::Int(i) if *i == i128::MIN => *out += "K::Int(i128::MIN)",
        Yaml::Int(i) => _ = write!(out, "K::Int({i})"),
        Yaml::BigInt(d) => _ = write!(out, "K::BigInt({d:?})"),
        Yaml::Float(f) => _ = write!(out, "K::Float({:#x})", f.to_bits()),
        Yaml::Str(text) => _ = write!(out, "K::Str({text:?})"),
        Yaml::Timestamp(t) => _ = write!(out, "K::Timestamp({t:?})"),
        Yaml::Seq(items) => {
            *out += "K::Seq(&[";
            for item in items {
                constant(item, out);
                *out += ", ";
            }
            *out += "])";
        }
        Yaml::Map(entries) => {
            *out += "K::Map(&[";
            for (key, value) in entries {
                *out += "(";
                constant(key, out);
                *out += ", ";
                constant(value, out);
                *out += "), ";
            }
            *out += "])";
        }
    }
}
