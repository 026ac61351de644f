//! The committed schemas are current, and they agree with `paasc check`: real inputs validate,
//! broken ones do not.

use paasc_diag::{FileId, Severity, SourceDb};
use paasc_syntax::{parse, Limits, Yaml};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// Loads YAML the way paasc does (YAML 1.1, PyYAML's reading).
fn load_yaml(text: &str) -> Yaml {
    let (tree, diags) = parse(FileId(0), text, Limits::default());
    assert!(
        !diags.iter().any(|d| d.severity == Severity::Error),
        "test input does not parse: {diags:?}"
    );
    tree.root()
        .map(|r| Yaml::from_tree(&tree, r))
        .unwrap_or(Yaml::Null)
}

/// Loads YAML the way paasc does and converts it to JSON.
fn load(text: &str) -> Value {
    paasc_schemas::yaml_to_json(&load_yaml(text))
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft202012::new(schema).expect("the schema compiles")
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{}: {}", e.instance_path(), e))
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Charm,
    Rock,
}

impl Kind {
    fn file(self) -> &'static str {
        match self {
            Kind::Charm => "charmcraft.yaml",
            Kind::Rock => "rockcraft.yaml",
        }
    }

    fn schema(self) -> Value {
        match self {
            Kind::Charm => paasc_schemas::charmcraft(),
            Kind::Rock => paasc_schemas::rockcraft(),
        }
    }
}

/// Whether `paasc_model` (parse and lower, no expansion) reports an error in `text`.
fn paasc_rejects(kind: Kind, text: &str) -> bool {
    let mut db = SourceDb::new();
    let id = db.add(kind.file(), text.to_string());
    let files = match kind {
        Kind::Charm => paasc_model::ProjectFiles {
            charmcraft: Some(id),
            rockcraft: None,
        },
        Kind::Rock => paasc_model::ProjectFiles {
            rockcraft: Some(id),
            charmcraft: None,
        },
    };
    paasc_model::analyze(&db, files)
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Error)
}

/// A flask project directory the rockcraft extension accepts.
fn flask_dir() -> paasc_expand::ProjectDir {
    let mut dir = paasc_expand::ProjectDir::default();
    for (path, text) in [
        ("requirements.txt", "flask\n"),
        ("app.py", "from flask import Flask\napp = Flask(__name__)\n"),
    ] {
        dir.entries.push(path.to_string());
        dir.texts.insert(path.to_string(), text.to_string());
    }
    dir
}

/// Whether `paasc check` would report an error: lowering, then the extensions (with
/// experimental ones allowed, and a minimal flask project directory).
fn paasc_check_rejects(kind: Kind, text: &str) -> bool {
    if paasc_rejects(kind, text) {
        return true;
    }
    let doc = load_yaml(text);
    match kind {
        Kind::Charm => {
            let options = paasc_expand::charmcraft::Options { experimental: true };
            paasc_expand::charmcraft::expand(&doc, &flask_dir(), options).is_err()
        }
        Kind::Rock => {
            // The test has no real project directory, so only the errors about the file's
            // shape count (not, say, a missing go.mod).
            let options = paasc_expand::rockcraft::Options { experimental: true };
            paasc_expand::rockcraft::expand(&doc, &flask_dir(), options)
                .is_err_and(|f| f.errors.iter().any(|e| SHAPE.contains(&e.code.info().name)))
        }
    }
}

#[test]
fn committed_schemas_are_current() {
    let dir = root().join("schema");
    let bless = std::env::var_os("PAASC_BLESS").is_some_and(|v| v == "1");
    let mut stale = Vec::new();
    for (name, schema) in paasc_schemas::all() {
        let path = dir.join(name);
        let want = paasc_schemas::render(&schema);
        if bless {
            std::fs::write(&path, &want).expect("write schema");
            continue;
        }
        let got = std::fs::read_to_string(&path).unwrap_or_default();
        if got != want {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "schema/{stale:?} differ from the Rust types; regenerate with `PAASC_BLESS=1 cargo test -p paasc_schemas` and review the diff"
    );
}

#[test]
fn schemas_have_their_identity_and_compile() {
    for (schema, id) in [
        (paasc_schemas::charmcraft(), paasc_schemas::CHARMCRAFT_ID),
        (paasc_schemas::rockcraft(), paasc_schemas::ROCKCRAFT_ID),
    ] {
        assert_eq!(schema["$id"], id);
        assert_eq!(
            schema["$schema"],
            "https://json-schema.org/draft/2020-12/schema"
        );
        assert!(schema["title"]
            .as_str()
            .is_some_and(|t| t.ends_with(".yaml")));
        assert_eq!(schema["additionalProperties"], false);
        assert!(
            jsonschema::meta::is_valid(&schema),
            "{id} is not a valid schema"
        );
        let _ = validator(&schema);
    }
}

#[test]
fn every_dashed_key_has_its_underscore_spelling() {
    let s = paasc_schemas::rockcraft();
    let svc = &s["$defs"]["Service"]["properties"];
    assert!(svc["working-dir"].is_object() && svc["working_dir"].is_object());
    assert!(s["properties"]["run_user"].is_object());
    let v = validator(&s);
    let base = "name: app\nversion: '1'\nsummary: s\ndescription: d\nbase: ubuntu@24.04\nplatforms: {amd64: }\nparts: {a: {plugin: nil}}\n";
    assert!(v.is_valid(&load(&format!("{base}run_user: _daemon_\n"))));
    assert!(!v.is_valid(&load(&format!(
        "{base}run_user: _daemon_\nrun-user: _daemon_\n"
    ))));
}

/// A project file paasc may meet: the file, or `charm/charmcraft.yaml`.
fn project_file(dir: &Path, kind: Kind) -> Option<PathBuf> {
    [dir.join(kind.file()), dir.join("charm").join(kind.file())]
        .into_iter()
        .find(|p| p.is_file())
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| p.is_dir());
    out.sort();
    out
}

/// Every input the real tools (or paasc) accept: valid corpus cases, runtime projects, examples
/// and `golden/ok`.
fn valid_inputs(kind: Kind) -> Vec<PathBuf> {
    let repo = root();
    let mut out = Vec::new();
    for dir in subdirs(&repo.join("examples"))
        .into_iter()
        .chain(subdirs(&repo.join("golden/ok")))
    {
        out.extend(project_file(&dir, kind));
    }
    let corpus = std::env::var_os("PAASC_CONFORMANCE_DIR")
        .map_or_else(|| repo.join("conformance"), PathBuf::from);
    let expanded = match kind {
        Kind::Charm => "charmcraft.expanded.yaml",
        Kind::Rock => "rockcraft.expanded.yaml",
    };
    for fw in subdirs(&corpus) {
        for case in subdirs(&fw.join("expand")) {
            if case.join("expected").join(expanded).is_file() {
                out.extend(project_file(&case, kind));
            }
        }
        for case in subdirs(&fw.join("runtime")) {
            out.extend(project_file(&case.join("project"), kind));
        }
    }
    out
}

fn check_valid(kind: Kind, at_least: usize) {
    let v = validator(&kind.schema());
    let inputs = valid_inputs(kind);
    assert!(
        inputs.len() >= at_least,
        "only {} {} inputs found; is conformance/ there?",
        inputs.len(),
        kind.file()
    );
    let mut failures = Vec::new();
    for path in &inputs {
        let text = std::fs::read_to_string(path).expect("read input");
        let errs = errors(&v, &load(&text));
        if !errs.is_empty() {
            failures.push(format!("{}:\n  {}", path.display(), errs.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} valid inputs fail the schema:\n{}",
        failures.len(),
        inputs.len(),
        failures.join("\n")
    );
}

#[test]
fn every_valid_charmcraft_input_validates() {
    check_valid(Kind::Charm, 50);
}

#[test]
fn every_valid_rockcraft_input_validates() {
    check_valid(Kind::Rock, 60);
}

const CHARM: &str = "name: my-app\ntype: charm\nsummary: s\ndescription: d\nbase: ubuntu@24.04\nplatforms:\n  amd64:\n";
const ROCK: &str = "name: my-app\nversion: '0.1'\nsummary: s\ndescription: d\nbase: ubuntu@24.04\nplatforms:\n  amd64:\nparts:\n  hello: {plugin: nil}\n";

/// Small documents, each the base file plus one change, with whether paasc accepts them. The
/// schema must say the same.
const CASES: &[(Kind, &str, bool)] = &[
    (Kind::Charm, "", true),
    (Kind::Charm, "version: 1.0\n", true),
    (Kind::Charm, "title: null\nsubordinate: 'yes'\n", true),
    (Kind::Charm, "build_base: ubuntu@24.04\n", true),
    (Kind::Charm, "extensions: [flask-framework]\nrequires:\n  db: {interface: postgresql_client, optional: 'True', extra: 1}\n", true),
    (Kind::Charm, "config:\n  options:\n    n: {type: int, default: 3}\n    s: {type: secret, default: 'secret:abcdefghij0123456789'}\n", true),
    (Kind::Charm, "charm-libs:\n- {lib: data_platform_libs.data_interfaces, version: '0'}\n- {lib: 1ab.cd, version: ' 1_0 '}\n- {lib: ab.cd, version: '0.14'}\n", true),
    (Kind::Charm, "charm-libs:\n- {lib: a.b, version: '1'}\n", false),
    (Kind::Charm, "charm-libs:\n- {lib: ingress, version: '1'}\n", false),
    (Kind::Charm, "charm-libs:\n- {lib: Traefik.ingress, version: '1'}\n", false),
    (Kind::Charm, "charm-libs:\n- {lib: traefik.ingress.v2, version: '1'}\n", false),
    (Kind::Charm, "charm-libs:\n- {lib: ab.cd, version: '1.x'}\n", false),
    (Kind::Charm, "charm-libs:\n- {lib: ab.cd, version: '1.2.3'}\n", false),
    (Kind::Charm, "charm-libs:\n- {lib: ab.cd, version: v1}\n", false),
    (Kind::Charm, "links:\n  website: https://example.com\n", true),
    (Kind::Charm, "license: \n", true),
    (Kind::Charm, "colour: blue\n", false),
    (Kind::Charm, "summary2: x\n", false),
    (Kind::Charm, "subordinate: maybe\n", false),
    (Kind::Charm, "charm-user: admin\n", false),
    (Kind::Charm, "build-base: ubuntu@24.04\nbuild_base: ubuntu@24.04\n", false),
    (Kind::Charm, "license: Apache-2.0\n", false),
    (Kind::Charm, "extensions: [rails-framework]\n", false),
    (Kind::Charm, "config:\n  options:\n    n: {type: integer}\n", false),
    (Kind::Charm, "config:\n  options:\n    n: {type: int, default: three}\n", false),
    (Kind::Charm, "config:\n  options:\n    s: {type: secret, default: 'secret:nope'}\n", false),
    (Kind::Charm, "charm-libs:\n- {lib: a.b, version: 1}\n", false),
    (Kind::Charm, "requires:\n  db: {limit: 1}\n", false),
    (Kind::Charm, "bases:\n- {name: ubuntu, channel: '22.04'}\n", false),
    (Kind::Charm, "#legacy\nbases:\n- {name: ubuntu, channel: '22.04'}\n", true),
    (Kind::Charm, "#legacy\nbases:\n- build_on: [{name: ubuntu, channel: '22.04'}]\n", true),
    (Kind::Charm, "#legacy\nbases:\n- {name: ubuntu, channel: 22.04}\n", false),
    (Kind::Charm, "#legacy\nbases:\n- {run-on: [{name: ubuntu, channel: '22.04'}]}\n", false),
    (Kind::Charm, "#legacy\n", false),
    (Kind::Charm, "platforms:\n  amd64: {build-on: [amd64], build-for: [amd64], build-at: x}\n", false),
    (Kind::Charm, "title: X\n", false),
    (Kind::Charm, "platforms:\n  amd64:\n  x: {build-on: amd64, build-for: all}\n  riscv64: {build-on: [amd64, riscv64]}\n  y: {build_on: [amd64], build_for: arm64}\n", true),
    (Kind::Charm, "platforms:\n  amd64: {build-on: [amd64], build-for: [arm64]}\n", true),
    (Kind::Charm, "platforms:\n  web:\n", false),
    (Kind::Charm, "platforms:\n  all:\n", false),
    (Kind::Charm, "platforms:\n  amd64: {build-for: [amd64]}\n", false),
    (Kind::Charm, "platforms:\n  web: {build-on: [amd64]}\n", false),
    (Kind::Charm, "platforms:\n  web: {build-on: [x86_64], build-for: [amd64]}\n", false),
    (Kind::Charm, "platforms:\n  web: {build-on: [all], build-for: [all]}\n", false),
    (Kind::Charm, "platforms:\n  web: {build-on: [amd64, amd64], build-for: [amd64]}\n", false),
    (Kind::Charm, "platforms:\n  web: {build-on: [amd64], build-for: [amd64, arm64]}\n", false),
    (Kind::Charm, "platforms:\n  any: {build-on: [amd64], build-for: [amd64]}\n", false),
    (Kind::Charm, "base: \nplatforms:\n  ubuntu@22.04:amd64:\n  web: {build-on: ['ubuntu@24.04:arm64'], build-for: ['ubuntu@24.04:arm64']}\n", true),
    (Kind::Charm, "extensions: [flask-framework]\nparts: {charm: {plugin: charm}}\n", false),
    (Kind::Charm, "extensions: [flask-framework]\nparts: {ui: {plugin: nil}}\n", true),
    (Kind::Charm, "parts: {a: {plugin: nil, stage: [/etc/passwd]}}\n", false),
    (Kind::Charm, "parts: {a: {plugin: nil, stage: [etc, -usr/share/doc, {on amd64: [x]}], prime: ['*'], build-environment: [{A: b}, {on arm64: [{C: d}]}]}}\n", true),
    (Kind::Charm, "parts: {a: {plugin: nil, prime: ['']}}\n", false),
    (Kind::Charm, "parts:\n", false),
    (Kind::Rock, "parts: {a: {plugin: nil, build-environment: [{A: b, C: d}]}}\n", false),
    (Kind::Rock, "parts: {a: {plugin: nil, stage-packages: curl}}\n", false),
    (Kind::Rock, "parts: {a: {plugin: nil, stage-packages: [curl], after: [b]}, b: {plugin: dump, source: ., organize: {x: y}}}\n", true),
    (Kind::Rock, "parts: {a: }\n", false),
    (Kind::Charm, "extensions: [flask-framework]\nstorage: {data: {type: filesystem}}\n", false),
    (Kind::Charm, "extensions: [flask-framework]\nassumes: [k8s-api]\n", true),
    (Kind::Charm, "extensions: [flask-framework]\nassumes: [k8s-api, juju]\n", false),
    (Kind::Charm, "extensions: [flask-framework]\npeers: {secret-storage: {interface: secret-storage}}\n", true),
    (Kind::Charm, "extensions: [flask-framework]\nactions: {rotate-secret-key: {}}\n", false),
    (Kind::Charm, "extensions: [flask-framework]\nrequires: {ingress: {interface: ingress}}\n", false),
    (Kind::Charm, "extensions: [flask-framework]\nconfig: {options: {flask-x: {type: string}}}\n", false),
    (Kind::Charm, "extensions: [flask-framework]\nconfig: {options: {webserver-x: {type: string}}}\n", false),
    (Kind::Charm, "extensions: [go-framework]\nconfig: {options: {flask-x: {type: string}, app-y: {type: int}}}\n", true),
    (Kind::Charm, "extensions: [flask-framework]\nconfig: {options: {x: {type: string, optional: false, default: v}}}\n", false),
    (Kind::Charm, "extensions: [flask-framework]\nconfig: {options: {x: {type: string, optional: false, default: ''}}}\n", true),
    (Kind::Charm, "extensions: [go-framework]\nbase: ubuntu@22.04\n", false),
    (Kind::Charm, "extensions: [flask-framework]\nbase: ubuntu@22.04\n", true),
    (Kind::Charm, "#legacy\nextensions: [go-framework]\nbases:\n- {name: ubuntu, channel: '22.04'}\n", false),
    (Kind::Charm, "#legacy\nextensions: [go-framework]\nbases:\n- build-on: [{name: ubuntu, channel: '24.04'}]\n", true),
    (Kind::Charm, "extensions: [go-framework]\nplatforms: {'ubuntu@22.04:amd64': }\n", false),
    (Kind::Rock, "", true),
    (Kind::Rock, "extensions: [flask-framework]\nbase: bare\n", false),
    (Kind::Rock, "extensions: [flask-framework]\nbase: bare\nbuild-base: ubuntu@24.04\n", true),
    (Kind::Rock, "extensions: [go-framework]\nbase: bare\n", true),
    (Kind::Rock, "extensions: [fastapi-framework]\nbase: ubuntu@22.04\n", false),
    (Kind::Rock, "extensions: [django-framework]\nservices: {statsd-exporter: {startup: disabled}}\n", true),
    (Kind::Rock, "extensions: [go-framework]\nservices: {flask: {startup: disabled}}\n", false),
    (Kind::Rock, "run_user: _daemon_\nservices:\n  web: {override: replace, command: a, working_dir: /x, user-id: 5}\n", true),
    (Kind::Rock, "checks:\n  up: {override: replace, level: alive, tcp: {port: 80}}\n", true),
    (Kind::Rock, "environment: {A: 1, B: b}\n", true),
    (Kind::Rock, "extensions: [flask-framework]\nservices:\n  flask: {command: x}\n", true),
    (Kind::Rock, "cmd: \n", true),
    (Kind::Rock, "cmd: [python3]\n", false),
    (Kind::Rock, "run-user: root\n", false),
    (Kind::Rock, "base: ubuntu@21.04\n", false),
    (Kind::Rock, "services:\n  web: {command: a}\n", false),
    (Kind::Rock, "services:\n  web: {override: replace, command: a, restart: always}\n", false),
    (Kind::Rock, "services:\n  web: {override: replace, command: a, startup: auto}\n", false),
    (Kind::Rock, "checks:\n  up: {override: replace, level: alive}\n", false),
    (Kind::Rock, "platforms:\n  amd64:\n  riscv64: {build-on: [amd64]}\n  web: {build-on: [amd64, arm64], build-for: s390x}\n", true),
    (Kind::Rock, "platforms:\n  amd64: {build-on: [amd64], build-for: [arm64]}\n", false),
    (Kind::Rock, "platforms:\n  web: {build-on: [amd64], build-for: [all]}\n", false),
    (Kind::Rock, "platforms:\n  all: {build-on: [amd64]}\n", false),
    (Kind::Rock, "platforms:\n  ubuntu@24.04:amd64:\n", false),
    (Kind::Rock, "platforms:\n  web: {build-on: ['ubuntu@24.04:amd64'], build-for: ['ubuntu@24.04:amd64']}\n", false),
    (Kind::Rock, "platforms:\n  web:\n", false),
    (Kind::Rock, "services:\n  web: {override: replace, command: a, on-failure: shutdown, on-success: ignore}\n", true),
    (Kind::Rock, "services:\n  web: {override: replace, command: a, on-success: success-shutdown}\n", false),
    (Kind::Rock, "services:\n  web: {override: replace, command: a, on-check-failure: {up: failure-shutdown}}\n", false),
    (Kind::Rock, "checks:\n  up: {override: replace, startup: enabled, tcp: {port: 80}}\n", false),
    (Kind::Rock, "checks:\n  up: {override: replace, tcp: {port: 80}, exec: {command: x}}\n", false),
    (Kind::Rock, "checks:\n  up: {override: replace, tcp: {port: eighty}}\n", false),
    (Kind::Rock, "environment: {A: [1]}\n", false),
    (Kind::Rock, "environment: {A: 'US$', B: $, C: 'a b'}\n", true),
    (Kind::Rock, "environment: {PATH: '/bin:$PATH'}\n", false),
    (Kind::Rock, "services: {web: {override: replace, command: 'srv [ -v ]'}}\nentrypoint-service: web\n", true),
    (Kind::Rock, "entrypoint-command: 'echo [ hi ]'\n", true),
    (Kind::Rock, "license: Apache-2.0\n", true),
    (Kind::Rock, "license: ' mit'\n", true),
    (Kind::Rock, "license: proprietary\n", true),
    (Kind::Rock, "license: Proprietary\n", false),
    (Kind::Rock, "license: GPL-3.0-or-later\n", false),
    (Kind::Rock, "license: MIT OR Apache-2.0\n", false),
    (Kind::Rock, "environment: {A: \"${B}\"}\n", false),
    (Kind::Rock, "name: My_App\n", false),
    (Kind::Rock, "name: a\n", false),
    (Kind::Rock, "name: a\ntitle: An app\n", true),
    (Kind::Rock, "name: 2048-4096\n", false),
    (Kind::Rock, "#no-parts\n", false),
    (Kind::Rock, "#no-parts\nextensions: []\n", false),
    (Kind::Rock, "#no-parts\nextensions: [flask-framework]\n", true),
    (Kind::Charm, "links: {contact: [a, b], documentation: 'HTTP://a', issues: [https://b], source: https://c, website: http:d}\n", true),
    (Kind::Charm, "links: {documentation: [https://a]}\n", false),
    (Kind::Charm, "links: {website: ftp://a}\n", false),
    (Kind::Charm, "links: {source: [https://a, b]}\n", false),
    (Kind::Charm, "links: {contact: 1}\n", false),
];

/// Replaces or adds the top-level keys of `change` in `base`.
fn apply(base: &str, change: &str) -> String {
    let changed: Vec<&str> = change
        .lines()
        .filter(|l| !l.starts_with([' ', '-']))
        .filter_map(|l| l.split(':').next())
        .collect();
    let mut out = String::new();
    let mut skipping = false;
    for line in base.lines() {
        if !line.starts_with([' ', '-']) {
            let key = line.split(':').next().unwrap_or_default();
            skipping = changed.contains(&key);
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    if change.starts_with("#legacy") {
        out = out.replace("platforms:\n  amd64:\n", "");
    }
    if change.starts_with("#no-parts") {
        out = out.replace("parts:\n  hello: {plugin: nil}\n", "");
    }
    out + change
}

#[test]
fn schema_and_checker_agree_on_small_documents() {
    let charm = validator(&paasc_schemas::charmcraft());
    let rock = validator(&paasc_schemas::rockcraft());
    let mut disagreements = Vec::new();
    for &(kind, change, valid) in CASES {
        let base = if kind == Kind::Charm { CHARM } else { ROCK };
        let text = apply(base, change);
        let v = if kind == Kind::Charm { &charm } else { &rock };
        let schema_errors = errors(v, &load(&text));
        let paasc_ok = !paasc_check_rejects(kind, &text);
        if paasc_ok != valid {
            disagreements.push(format!(
                "paasc says valid={paasc_ok}, expected {valid}:\n{text}"
            ));
        }
        if schema_errors.is_empty() != valid {
            disagreements.push(format!(
                "schema says valid={}, expected {valid}:\n{text}{}",
                schema_errors.is_empty(),
                schema_errors.join("\n")
            ));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{}",
        disagreements.join("\n---\n")
    );
}

/// Diagnostic names that describe the file's shape, which the schema can express.
const SHAPE: &[&str] = &[
    "conflicting-keys",
    "extension-charm-part",
    "extension-charm-type",
    "extension-incompatible-field",
    "extension-overlapping-key",
    "extension-reserved-field",
    "extension-reserved-prefix",
    "extension-unsupported-base",
    "forbidden-key",
    "invalid-name",
    "invalid-value",
    "missing-key",
    "nonoptional-default",
    "unknown-extension",
    "unknown-key",
    "wrong-type",
    "rock-unsupported-base",
    "bare-python-version",
];

/// Golden error cases: a file with an error of a shape the schema expresses is rejected; a file
/// with no error at all validates.
#[test]
fn schema_agrees_with_golden_error_cases() {
    let repo = root();
    let charm = validator(&paasc_schemas::charmcraft());
    let rock = validator(&paasc_schemas::rockcraft());
    let mut problems = Vec::new();
    let mut rejected = 0;
    for case in subdirs(&repo.join("golden/errors")) {
        let Ok(snap) = std::fs::read_to_string(case.join("diagnostics.json.snap")) else {
            continue;
        };
        let json_text = snap.splitn(3, "---").nth(2).unwrap_or_default();
        let Ok(doc) = serde_json::from_str::<Value>(json_text) else {
            continue;
        };
        let diags = doc["diagnostics"].as_array().cloned().unwrap_or_default();
        for kind in [Kind::Charm, Kind::Rock] {
            let Some(path) = project_file(&case, kind) else {
                continue;
            };
            let rel = path
                .strip_prefix(&repo)
                .unwrap_or(&path)
                .display()
                .to_string();
            let in_file: Vec<&Value> = diags
                .iter()
                .filter(|d| d["file"] == rel.as_str() && d["severity"] == "error")
                .collect();
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let (tree, parse_diags) = parse(FileId(0), &text, Limits::default());
            if parse_diags.iter().any(|d| d.severity == Severity::Error) || tree.root().is_none() {
                continue;
            }
            let v = if kind == Kind::Charm { &charm } else { &rock };
            let valid = v.is_valid(&load(&text));
            let shape = in_file
                .iter()
                .any(|d| d["name"].as_str().is_some_and(|n| SHAPE.contains(&n)));
            if shape && valid {
                problems.push(format!(
                    "{rel}: paasc reports a shape error, the schema accepts it"
                ));
            }
            if shape {
                rejected += 1;
            }
            if in_file.is_empty() && !valid {
                problems.push(format!(
                    "{rel}: paasc finds no error, the schema rejects it: {}",
                    errors(v, &load(&text)).join("; ")
                ));
            }
        }
    }
    assert!(rejected >= 20, "only {rejected} golden error files checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The schema's two name patterns accept exactly what craft-application's name regex accepts.
#[test]
fn name_patterns_match_the_craft_rule() {
    let craft = regex::Regex::new(r"^([a-z0-9][a-z0-9-]?)*[a-z]+([a-z0-9-]?[a-z0-9])*$")
        .expect("craft regex");
    let shape = regex::Regex::new(paasc_schemas::types::NAME_SHAPE).expect("shape");
    let letter = regex::Regex::new(paasc_schemas::types::NAME_LETTER).expect("letter");
    let alphabet = ['a', 'z', '0', '9', '-', 'A', '_'];
    let mut words = vec![String::new()];
    let mut all = Vec::new();
    for _ in 0..5 {
        words = words
            .iter()
            .flat_map(|w| alphabet.iter().map(move |c| format!("{w}{c}")))
            .collect();
        all.extend(words.iter().cloned());
    }
    for w in &all {
        let ours = shape.is_match(w) && letter.is_match(w);
        assert_eq!(ours, craft.is_match(w), "{w:?}");
    }
}

/// The broken samples `.ci/schemas.sh` feeds check-jsonschema: the schema and paasc reject each.
#[test]
fn schema_invalid_samples_are_rejected_by_both() {
    let mut checked = 0;
    for kind in [Kind::Charm, Kind::Rock] {
        let dir = root()
            .join("golden/schema-invalid")
            .join(kind.file().trim_end_matches(".yaml"));
        let v = validator(&kind.schema());
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("golden/schema-invalid")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .collect();
        files.sort();
        for path in files {
            let text = std::fs::read_to_string(&path).expect("read sample");
            assert!(
                !v.is_valid(&load(&text)),
                "schema accepts {}",
                path.display()
            );
            assert!(
                paasc_check_rejects(kind, &text),
                "paasc accepts {}",
                path.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} samples");
}
