//! `schema/profile.json` agrees with paasc's own reading of deployment profiles: the examples'
//! profiles validate, and the schema refuses what the profile reader refuses.

use paasc_diag::{FileId, Severity};
use paasc_syntax::{parse, Limits, Yaml};
use serde_json::Value;
use std::path::Path;

fn load(text: &str) -> Value {
    let (tree, _) = parse(FileId(0), text, Limits::default());
    let yaml = tree
        .root()
        .map(|r| Yaml::from_tree(&tree, r))
        .unwrap_or(Yaml::Null);
    paasc_schemas::yaml_to_json(&yaml)
}

/// Whether the profile reader reports an error.
fn paasc_rejects(text: &str) -> bool {
    let (tree, mut diags) = parse(FileId(0), text, Limits::default());
    if tree.root().is_some() {
        let mut cx = paasc_model::lower::Cx::new(&tree, FileId(0));
        let _ = paasc_model::profile::lower(&mut cx);
        diags.append(&mut cx.diags);
    }
    diags.iter().any(|d| d.severity == Severity::Error)
}

fn validator() -> jsonschema::Validator {
    jsonschema::draft202012::new(&paasc_schemas::profile()).expect("the schema compiles")
}

#[test]
fn every_example_profile_validates() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let v = validator();
    let mut seen = 0;
    for example in std::fs::read_dir(&root).expect("examples/").flatten() {
        let Ok(profiles) = std::fs::read_dir(example.path().join("profiles")) else {
            continue;
        };
        for p in profiles.flatten() {
            let text = std::fs::read_to_string(p.path()).expect("read profile");
            assert!(
                !paasc_rejects(&text),
                "{} is refused by paasc",
                p.path().display()
            );
            let doc = load(&text);
            let errs: Vec<String> = v.iter_errors(&doc).map(|e| e.to_string()).collect();
            assert!(errs.is_empty(), "{}: {errs:?}", p.path().display());
            seen += 1;
        }
    }
    assert!(seen >= 1, "no example profiles found");
}

#[test]
fn schema_and_reader_agree() {
    let v = validator();
    let cases = [
        "app: web\nmodel: prod\nunits: 3\nunit: 2\n",
        "units: 2\npeer-units: [1]\n",
        "peer-units: [1, 2]\n",
        "unit: -1\n",
        "units: 0\n",
        "units: 1000\n",
        "units: 1001\n",
        "units: 99999999999999999999999\n",
        "unit: 4294967295\n",
        "unit: 4294967296\n",
        "peer-units: [4294967296]\n",
        "config: {workers: 9223372036854775807}\n",
        "config: {greeting: hello, workers: 4, ratio: 0.5, debug: true}\n",
        "config: {greeting: }\n",
        "config: {greeting: [a]}\n",
        "secrets: {api-token: {token: abc, n: 1}}\n",
        "secrets: {api-token: token}\n",
        "integrations: {postgresql: {app: pg, data: {endpoints: 'db:5432', username: u}}}\n",
        "integrations: {ingress: {data: {ingress: {url: 'https://x/'}}}}\n",
        "integrations: {redis: {unit-data: {hostname: r, port: 6379}}}\n",
        "integrations: {redis: {units: {0: {hostname: r}, 1: {hostname: s}}}}\n",
        "integrations: {redis: {units: {first: {hostname: r}}}}\n",
        "integrations: {redis: {data: {hostname: }}}\n",
        "integrations: {redis: {host: r}}\n",
        "integrations: {pg: [{app: a, data: {x: y}}, {app: b}]}\n",
        "integrations: {pg: [{app: a, colour: red}]}\n",
        "integrations: {pg: {interface: postgresql_client}}\n",
        "integrations: {pg: 3}\n",
        "proxy: {http-proxy: 'http://p:3128', no-proxy: localhost}\n",
        "proxy: {ftp-proxy: x}\n",
        "kubernetes: {image: 'ghcr.io/a/b:1', replicas: 2, anti-affinity: soft, service-type: NodePort}\n",
        "kubernetes: {anti-affinity: always}\n",
        "kubernetes: {replicas: two}\n",
        "kubernetes: {ingress: {host: web.example.com, tls-secret: web-tls, annotations: {a: b}}}\n",
        "kubernetes: {ingress: {tls-secret: web-tls}}\n",
        "kubernetes: {storage: [{name: data, size: 1Gi, mount-path: /data}]}\n",
        "kubernetes: {storage: [{name: data, size: 1Gi}]}\n",
        "kubernetes: {resources: {requests: {cpu: 250m}, limits: {memory: 512Mi}}}\n",
        "kubernetes: {autoscaling: {min-replicas: 1, max-replicas: 5, target-cpu-utilization: 80}}\n",
        "secret_key: abc\n",
        "secret-key: abc\nsecret_key: abc\n",
        "colour: blue\n",
    ];
    let mut disagree = Vec::new();
    for text in cases {
        let reader = paasc_rejects(text);
        let schema = !v.is_valid(&load(text));
        if reader != schema {
            disagree.push(format!(
                "{text:?}: paasc {}, schema {}",
                if reader { "rejects" } else { "accepts" },
                if schema { "rejects" } else { "accepts" }
            ));
        }
    }
    assert!(
        disagree.is_empty(),
        "disagreements:\n{}",
        disagree.join("\n")
    );
}
