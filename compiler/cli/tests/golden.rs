//! Golden tests: every `golden/errors/<case>` yields the diagnostics snapshotted beside it, in
//! both renderings; every `golden/ok/<case>` and every example yields none; and where a case
//! records what the real tool printed for it (`expected/charmcraft.expanded.yaml`), `paasc
//! expand` prints the same.

#[path = "support/common.rs"]
mod common;
use common::{dirs as cases, root, TERM};

use std::path::Path;

fn check(dir: &Path, format: &str) -> paasc::Outcome {
    let rel = dir.strip_prefix(root()).expect("under root");
    let arg = format!("{}/{}", root().display(), rel.display());
    let mut out = paasc::run(
        vec![
            "paasc".into(),
            "check".into(),
            arg,
            "--format".into(),
            format.into(),
        ],
        TERM,
    );
    let prefix = format!("{}/", root().display());
    out.stdout = out.stdout.replace(&prefix, "");
    out
}

fn schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("schema/diagnostics.json"))
        .expect("schema/diagnostics.json");
    let value: serde_json::Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::validator_for(&value).expect("schema compiles")
}

fn assert_valid(validator: &jsonschema::Validator, case: &str, doc: &serde_json::Value) {
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{case}: JSON output violates schema/diagnostics.json: {errors:#?}"
    );
}

#[test]
fn error_cases_match_their_snapshots() {
    let validator = schema();
    let all = cases("golden/errors");
    assert!(
        all.len() >= 30,
        "expected at least 30 error cases, found {}",
        all.len()
    );
    for dir in all {
        let name = dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("case name")
            .to_string();
        let json = check(&dir, "json");
        let human = check(&dir, "human");
        let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("valid JSON");
        assert_valid(&validator, &name, &doc);
        let n = doc["diagnostics"].as_array().map_or(0, Vec::len);
        assert!(n > 0, "{name}: no diagnostics");
        let errors = doc["summary"]["errors"].as_u64().unwrap_or(0);
        let want = if errors > 0 { 1 } else { 0 };
        assert_eq!(
            json.code, want,
            "{name}: exit code {} with {errors} errors (stderr: {})",
            json.code, json.stderr
        );
        assert_eq!(human.code, want, "{name}: human exit code");
        insta::with_settings!({
            snapshot_path => dir.clone(),
            prepend_module_to_snapshot => false,
            omit_expression => true,
            snapshot_suffix => "",
        }, {
            insta::assert_snapshot!("diagnostics.json", json.stdout);
            insta::assert_snapshot!("diagnostics.human", human.stdout);
        });
    }
}

/// `--format sarif` and `--format github` of every error case: one result (one workflow
/// command) per top-level diagnostic of `--format json`, with its code and region.
#[test]
fn sarif_and_github_have_one_result_per_diagnostic() {
    let rules = paasc::all_codes().len();
    for dir in cases("golden/errors") {
        let name = dir.display().to_string();
        let json = check(&dir, "json");
        let sarif = check(&dir, "sarif");
        let github = check(&dir, "github");
        assert_eq!(sarif.code, json.code, "{name}: exit code");
        assert_eq!(github.code, json.code, "{name}: exit code");
        let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("valid JSON");
        let log: serde_json::Value = serde_json::from_str(&sarif.stdout).expect("SARIF is JSON");
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        assert_eq!(
            run["tool"]["driver"]["rules"].as_array().map(Vec::len),
            Some(rules),
            "{name}: every code is a rule"
        );
        let diags = doc["diagnostics"].as_array().expect("diagnostics");
        let results = run["results"].as_array().expect("results");
        assert_eq!(
            results.len(),
            diags.len(),
            "{name}: one result per diagnostic"
        );
        for (r, d) in results.iter().zip(diags) {
            assert_eq!(r["ruleId"], d["code"], "{name}");
            let rule =
                &run["tool"]["driver"]["rules"][r["ruleIndex"].as_u64().unwrap_or(0) as usize];
            assert_eq!(rule["id"], d["code"], "{name}: ruleIndex");
            let region = &r["locations"][0]["physicalLocation"]["region"];
            let range = &d["range"];
            for (k, v) in [
                ("startLine", &range["start"]["line"]),
                ("startColumn", &range["start"]["character"]),
                ("endLine", &range["end"]["line"]),
                ("endColumn", &range["end"]["character"]),
            ] {
                assert_eq!(region[k].as_u64(), v.as_u64().map(|n| n + 1), "{name}: {k}");
            }
            let labels = d["labels"].as_array().map_or(0, Vec::len);
            let related = r["relatedLocations"].as_array().map_or(0, Vec::len);
            assert!(
                related >= labels,
                "{name}: secondary labels are related locations"
            );
        }
        let lines: Vec<&str> = github.stdout.lines().collect();
        assert_eq!(
            lines.len(),
            diags.len(),
            "{name}: one command per diagnostic"
        );
        for (line, d) in lines.iter().zip(diags) {
            let code = d["code"].as_str().unwrap_or_default();
            assert!(
                line.starts_with("::") && line.contains(&format!(",title={code}::")),
                "{name}: {line}"
            );
        }
    }
}

#[test]
fn ok_cases_and_examples_are_clean() {
    let validator = schema();
    let mut all = cases("golden/ok");
    assert!(all.len() >= 3);
    all.extend(cases("examples"));
    for dir in all {
        let out = check(&dir, "json");
        let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("valid JSON");
        assert_valid(&validator, &dir.display().to_string(), &doc);
        assert_eq!(
            doc["diagnostics"],
            serde_json::json!([]),
            "{}: {}",
            dir.display(),
            out.stdout
        );
        assert_eq!(out.code, 0, "{}", dir.display());
    }
}

/// The loaded YAML of `text`, which must parse cleanly.
fn load(text: &str, what: &str) -> paasc_syntax::Yaml {
    let (tree, diags) =
        paasc_syntax::parse(paasc_diag::FileId(0), text, paasc_syntax::Limits::default());
    assert!(diags.is_empty(), "{what}: {diags:?}");
    tree.root()
        .map(|r| paasc_syntax::Yaml::from_tree(&tree, r))
        .unwrap_or(paasc_syntax::Yaml::Null)
}

/// `expected/charmcraft.expanded.yaml` is what `charmcraft expand-extensions` (4.5.0) printed for
/// the case; `paasc expand DIR charmcraft` must print the same data, key order included (the
/// text differs only where PyYAML folds lines longer than 80 columns).
#[test]
fn expand_equals_the_recorded_charmcraft_output() {
    let mut compared = 0;
    for dir in cases("golden/ok").into_iter().chain(cases("golden/errors")) {
        let Ok(want) = std::fs::read_to_string(dir.join("expected/charmcraft.expanded.yaml"))
        else {
            continue;
        };
        let out = paasc::run(
            vec![
                "paasc".into(),
                "expand".into(),
                dir.display().to_string(),
                "charmcraft".into(),
            ],
            TERM,
        );
        let name = dir.display().to_string();
        assert_eq!(out.code, 0, "{name}: {}{}", out.stdout, out.stderr);
        let (got, want) = (load(&out.stdout, &name), load(&want, &name));
        assert!(
            got == want,
            "{name}: paasc expand differs from charmcraft\n--- charmcraft\n{}\n+++ paasc\n{}",
            paasc_syntax::write::to_string(&want),
            paasc_syntax::write::to_string(&got)
        );
        compared += 1;
    }
    assert!(compared >= 1, "no case records charmcraft's output");
}

#[test]
fn committed_diagnostics_schema_is_current() {
    let committed =
        std::fs::read_to_string(root().join("schema/diagnostics.json")).unwrap_or_default();
    let current = paasc::run(
        vec!["paasc".into(), "schema".into(), "diagnostics".into()],
        TERM,
    )
    .stdout;
    assert!(committed == current, "schema/diagnostics.json is stale: run `cargo run -q -- schema diagnostics > schema/diagnostics.json`");
}

/// Codes no `paasc check` of a committed case can produce, and the test that covers each.
const TESTED_ELSEWHERE: &[(&str, &str)] = &[
    ("Y008", "tests/hostile.rs: 100 MB files are made on the fly, as sparse files"),
    ("H001", "tests/helm.rs: .env refuses a NUL first (P005), so only --emit helm reaches it"),
    ("H003", "tests/helm.rs: the Dockerfile refuses the same command first (D004)"),
    ("H005", "tests/helm.rs: a chart file over 5 MiB needs a profile of that size"),
    ("F003", "tests/out_dir.rs: only compile writes, and a golden case only runs check"),
    ("R012", "the conformance corpus (spring-boot ex-err-*): the extension is experimental, and golden cases run without ROCKCRAFT_ENABLE_EXPERIMENTAL_EXTENSIONS"),
];

#[test]
fn the_registry_of_every_pass_is_well_formed() {
    assert_eq!(paasc_diag::Code::check_registry(paasc::all_codes()), Ok(()));
}

#[test]
fn every_code_has_a_golden_case() {
    let mut seen = std::collections::BTreeSet::new();
    let codes = paasc::all_codes();
    for dir in cases("golden/errors") {
        let text = std::fs::read_to_string(dir.join("diagnostics.json.snap")).unwrap_or_default();
        for code in codes {
            if text.contains(&format!("\"code\": \"{}\"", code.as_str())) {
                seen.insert(code.as_str());
            }
        }
    }
    let missing: Vec<&str> = codes
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !seen.contains(c) && !TESTED_ELSEWHERE.iter().any(|(e, _)| e == c))
        .collect();
    assert!(
        missing.is_empty(),
        "codes without a golden case: {missing:?}"
    );
    for (code, _) in TESTED_ELSEWHERE {
        assert!(
            !seen.contains(code),
            "{code} has a golden case now: remove it from TESTED_ELSEWHERE"
        );
    }
}
