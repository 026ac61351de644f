//! Reads the description of each top-level key of the chart's values schema
//! (`schema/helm-values.json`, which charts carry as `values.schema.json`) into
//! `$OUT_DIR/key_descriptions.rs`, and the comment `values.yaml` puts above each key (the
//! description wrapped at 96 columns) into `$OUT_DIR/key_comments.rs`: decoding the 79 KB
//! schema at run time was a sixth of a `compile`'s instructions, and wrapping the descriptions
//! 0.17M instructions of the 2.4M of a `compile` of an example. A schema that does not decode is
//! a build error naming it.
//!
//! It writes the chart's templates (`chart/`) into `$OUT_DIR/templates.rs`, each as the pieces
//! between the `__CHART__`s the chart's name replaces: splitting them at run time took 73,000
//! instructions of a `compile`.
//!
//! It also writes the Dockerfile's lifecycle scripts (`src/dockerfile/craft.sh`, `craftctl`)
//! without their comment lines, in base64, into `$OUT_DIR` (`craft.sh.b64`, `craftctl.b64`):
//! the Dockerfile carries them so, and stripping and encoding them at run time took 0.11M
//! instructions of a `compile`.

use std::fmt::Write;
use std::path::Path;

const SCHEMA: &str = "../../schema/helm-values.json";
/// The chart's templates, in `chart/`, by path.
const TEMPLATES: [&str; 19] = [
    ".helmignore",
    "templates/NOTES.txt",
    "templates/_helpers.tpl",
    "templates/configmap.yaml",
    "templates/emissary.yaml",
    "templates/hpa.yaml",
    "templates/httproute.yaml",
    "templates/ingress.yaml",
    "templates/migration-job.yaml",
    "templates/networkpolicy.yaml",
    "templates/pdb.yaml",
    "templates/pvc.yaml",
    "templates/schedulers.yaml",
    "templates/service-endpoints.yaml",
    "templates/service.yaml",
    "templates/serviceaccount.yaml",
    "templates/servicemonitor.yaml",
    "templates/statefulset.yaml",
    "templates/workers.yaml",
];
/// The lifecycle scripts, in `src/dockerfile/`.
const SCRIPTS: [&str; 2] = ["craft.sh", "craftctl"];

fn main() {
    println!("cargo::rerun-if-changed={SCHEMA}");
    for script in SCRIPTS {
        println!("cargo::rerun-if-changed=src/dockerfile/{script}");
    }
    for template in TEMPLATES {
        println!("cargo::rerun-if-changed=chart/{template}");
    }
    let dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let write = |name: &str, code: String| {
        std::fs::write(Path::new(&out).join(name), code)
            .map_err(|e| format!("cannot write {name}: {e}"))
    };
    let written = descriptions(&Path::new(&dir).join(SCHEMA)).and_then(|described| {
        write("key_descriptions.rs", table(&described, |d| d.to_string()))?;
        write("key_comments.rs", table(&described, comment))
    });
    if let Err(e) = written {
        eprintln!("error: schema/helm-values.json: {e}");
        std::process::exit(1);
    }
    let templates = TEMPLATES
        .iter()
        .map(|t| {
            std::fs::read_to_string(Path::new(&dir).join("chart").join(t))
                .map(|text| {
                    format!(
                        "    ({t:?}, &{:?}),\n",
                        text.split("__CHART__").collect::<Vec<_>>()
                    )
                })
                .map_err(|e| format!("chart/{t}: {e}"))
        })
        .collect::<Result<String, String>>()
        .and_then(|rows| write("templates.rs", format!("&[\n{rows}]")));
    if let Err(e) = templates {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
    for script in SCRIPTS {
        let path = Path::new(&dir).join("src/dockerfile").join(script);
        let written = std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|text| {
                use base64::Engine as _;
                let encoded = base64::engine::general_purpose::STANDARD.encode(uncommented(&text));
                write(&format!("{script}.b64"), encoded)
            });
        if let Err(e) = written {
            eprintln!("error: src/dockerfile/{script}: {e}");
            std::process::exit(1);
        }
    }
}

/// A shell script without its comment lines (the shebang stays): the source documents it.
fn uncommented(script: &str) -> String {
    let mut out = String::with_capacity(script.len());
    for l in script
        .lines()
        .filter(|l| l.starts_with("#!") || !l.trim_start().starts_with('#'))
    {
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// `(key, description)` for every top-level property that has a description, by key.
fn descriptions(path: &Path) -> Result<Vec<(String, String)>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let schema: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let properties = schema["properties"]
        .as_object()
        .ok_or("no `properties` object")?;
    let mut described: Vec<(String, String)> = properties
        .iter()
        .filter_map(|(k, p)| Some((k.clone(), p["description"].as_str()?.to_string())))
        .collect();
    described.sort();
    Ok(described)
}

/// `&[(key, text)]`, the text of each key made from its description by `text`.
fn table(described: &[(String, String)], text: impl Fn(&str) -> String) -> String {
    let mut code = String::from("&[\n");
    for (key, description) in described {
        let _ = writeln!(code, "    ({key:?}, {:?}),", text(description));
    }
    code.push(']');
    code
}

/// The comment above a key of `values.yaml`: its description wrapped at 96 columns, each line
/// as `# line`.
fn comment(description: &str) -> String {
    wrap(description, 96)
        .iter()
        .map(|line| format!("# {line}\n"))
        .collect()
}

/// `text`'s words in lines of at most `width` bytes (a longer word alone on its line), each
/// paragraph (`\n\n`) starting a line.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split("\n\n") {
        let mut line = String::new();
        for word in para.split_whitespace() {
            if !line.is_empty() && line.len() + 1 + word.len() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
    lines
}
