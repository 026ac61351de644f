//! `paasc env`: the main service's environment equals `.env`, `--why` explains every variable
//! of every example's `.env` with the file and line behind it, secrets are starred unless
//! `--show-secrets`, and what paas-charm drops (the rock's own environment, dropped options) is
//! listed with its line.

#[path = "support/common.rs"]
mod common;
use common::{assert_success, copy_dir, paasc, root, scratch};

use serde_json::Value;
use std::path::Path;

fn profiles() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for ex in std::fs::read_dir(root().join("examples")).expect("examples") {
        let ex = ex.expect("entry").path();
        for p in std::fs::read_dir(ex.join("profiles")).expect("profiles") {
            let p = p.expect("entry").path();
            if p.extension().is_some_and(|e| e == "yaml") {
                out.push((
                    format!(
                        "examples/{}",
                        ex.file_name().and_then(|n| n.to_str()).expect("name")
                    ),
                    p.to_string_lossy().into_owned(),
                ));
            }
        }
    }
    out.sort();
    out
}

fn env_json(dir: &str, profile: &str, extra: &[&str]) -> Value {
    let mut args = vec!["env", dir, "--profile", profile, "--format", "json"];
    args.extend(extra);
    let out = paasc(&args);
    assert_success(&out);
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// The `.env` `compile` writes for the profile, as name/value pairs (unquoted as python-dotenv
/// reads the two forms paasc writes; `tests/env_oracle.rs` checks that reading).
fn dotenv(dir: &str, profile: &str, tag: &str) -> Vec<(String, String)> {
    let out_dir = scratch(tag);
    let out = paasc(&[
        "compile",
        dir,
        "--profile",
        profile,
        "-o",
        out_dir.to_str().expect("path"),
        "--emit",
        "env",
    ]);
    assert_success(&out);
    let text = std::fs::read_to_string(out_dir.join(".env")).expect(".env");
    text.lines()
        .map(|l| {
            let (k, v) = l.split_once('=').expect("=");
            let v = match v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) {
                Some(inner) => inner
                    .replace("\\n", "\n")
                    .replace("\\r", "\r")
                    .replace("\\\"", "\"")
                    .replace("\\\\", "\\"),
                None => v
                    .strip_prefix('\'')
                    .and_then(|v| v.strip_suffix('\''))
                    .unwrap_or(v)
                    .to_string(),
            };
            (k.to_string(), v)
        })
        .collect()
}

/// Sources whose value is written in a file: each must say where.
const LOCATED: &[&str] = &["secret", "secret-key", "relation", "proxy", "app", "rock"];

#[test]
fn why_explains_every_variable_of_every_example() {
    for (i, (dir, profile)) in profiles().into_iter().enumerate() {
        let doc = env_json(&dir, &profile, &["--why", "--show-secrets"]);
        let vars = doc["variables"].as_array().expect("variables");
        let want = dotenv(&dir, &profile, &format!("envwhy{i}"));
        let got: Vec<(String, String)> = vars
            .iter()
            .map(|v| {
                (
                    v["name"].as_str().expect("name").to_string(),
                    v["value"].as_str().expect("value").to_string(),
                )
            })
            .collect();
        assert_eq!(got, want, "{profile}: env and .env differ");
        for v in vars {
            let from = v["from"].as_array().expect("from");
            assert!(!from.is_empty(), "{profile}: {} has no source", v["name"]);
            for s in from {
                let kind = s["kind"].as_str().expect("kind");
                let set_option = kind == "option"
                    && s["source"]
                        .as_str()
                        .is_some_and(|t| t.contains("set in the profile"));
                if LOCATED.contains(&kind) || set_option {
                    let at = s["at"].as_array().expect("at");
                    assert!(
                        !at.is_empty(),
                        "{profile}: {} ({kind}) has no location",
                        v["name"]
                    );
                    for a in at {
                        assert!(a["line"].as_u64().is_some_and(|l| l > 0), "{a}");
                        assert!(
                            Path::new(&root())
                                .join(a["file"].as_str().expect("file"))
                                .is_file(),
                            "{a}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn secrets_are_starred_unless_asked_for() {
    let dir = "examples/flask-postgresql";
    let profile = "examples/flask-postgresql/profiles/default.yaml";
    let out = paasc(&["env", dir, "--profile", profile, "--why"]);
    assert_success(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    for secret in [
        "dev-only-password",
        "dev-only-secret-key-not-for-production",
    ] {
        assert!(!text.contains(secret), "{text}");
    }
    assert!(text.contains("FLASK_SECRET_KEY=********"), "{text}");
    assert!(text.contains("POSTGRESQL_DB_NAME=notes"), "{text}");
    let shown = env_json(dir, profile, &["--show-secrets"]);
    let key = shown["variables"]
        .as_array()
        .expect("variables")
        .iter()
        .find(|v| v["name"] == "FLASK_SECRET_KEY")
        .expect("secret key");
    assert_eq!(key["value"], "dev-only-secret-key-not-for-production");
    assert_eq!(key["secret"], true);
}

#[test]
fn names_select_variables_and_unknown_names_fail() {
    let out = paasc(&[
        "env",
        "examples/flask-postgresql",
        "FLASK_PAGE_SIZE",
        "NOT_THERE",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "FLASK_PAGE_SIZE=5\n");
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("`NOT_THERE` is not in the main service's environment"));
}

/// A project whose rock sets environment on the main service and whose charm declares options
/// paas-charm drops.
fn dropping_project() -> std::path::PathBuf {
    let dir = scratch("env-dropped");
    let src = root().join("examples/flask-minimal");
    std::fs::create_dir_all(dir.join("charm")).expect("mkdir");
    std::fs::copy(src.join("app.py"), dir.join("app.py")).expect("app.py");
    std::fs::copy(src.join("requirements.txt"), dir.join("requirements.txt")).expect("req");
    std::fs::write(
        dir.join("rockcraft.yaml"),
        "name: dropping\nbase: ubuntu@24.04\nversion: '0.1'\nsummary: s\ndescription: d\nplatforms:\n  amd64:\nextensions:\n  - flask-framework\nservices:\n  flask:\n    override: merge\n    environment:\n      FLASK_GREETING: from-the-rock\n      ROCK_ONLY: kept-nowhere\n",
    )
    .expect("rockcraft.yaml");
    std::fs::write(
        dir.join("charm/charmcraft.yaml"),
        "name: dropping\ntype: charm\nbase: ubuntu@24.04\nplatforms:\n  amd64:\nsummary: s\ndescription: d\nextensions:\n  - flask-framework\nconfig:\n  options:\n    greeting:\n      type: string\n      default: hello\n    app-colour:\n      type: string\n      default: blue\n",
    )
    .expect("charmcraft.yaml");
    std::fs::create_dir_all(dir.join("profiles")).expect("profiles");
    std::fs::write(dir.join("profiles/default.yaml"), "secret-key: k\n").expect("profile");
    dir
}

#[test]
fn why_lists_what_paas_charm_drops_and_what_a_value_overrode() {
    let dir = dropping_project();
    let out = paasc(&[
        "env",
        dir.to_str().expect("path"),
        "--why",
        "--format",
        "json",
    ]);
    assert_success(&out);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let greeting = doc["variables"]
        .as_array()
        .expect("variables")
        .iter()
        .find(|v| v["name"] == "FLASK_GREETING")
        .expect("FLASK_GREETING");
    assert_eq!(greeting["value"], "hello");
    let overrode = &greeting["overrode"][0];
    assert_eq!(overrode["kind"], "rock");
    assert_eq!(overrode["at"][0]["line"], 14);
    let dropped = doc["dropped"].as_array().expect("dropped");
    let names: Vec<(&str, &str)> = dropped
        .iter()
        .map(|d| {
            (
                d["kind"].as_str().expect("kind"),
                d["name"].as_str().expect("name"),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            ("rock-environment", "FLASK_GREETING"),
            ("rock-environment", "ROCK_ONLY"),
            ("option", "app-colour"),
        ]
    );
    assert_eq!(dropped[1]["at"][0]["line"], 15);
    assert_eq!(dropped[2]["at"][0]["line"], 15);
    let human = paasc(&["env", dir.to_str().expect("path"), "--why"]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("dropped by paas-charm:"), "{text}");
    assert!(
        text.contains("rock environment ROCK_ONLY=kept-nowhere"),
        "{text}"
    );
}

/// `env --why` of every example's default profile, as people read it, equals
/// `golden/env/<example>.txt` (`PAASC_BLESS=1` to update; then read `git diff golden/env`).
#[test]
fn why_of_each_example_equals_its_golden_text() {
    let bless = std::env::var_os("PAASC_BLESS").is_some_and(|v| !v.is_empty() && v != "0");
    let mut failures = Vec::new();
    for (dir, profile) in profiles() {
        if !profile.ends_with("/default.yaml") {
            continue;
        }
        let out = paasc(&["env", &dir, "--profile", &profile, "--why"]);
        assert_success(&out);
        let text = String::from_utf8(out.stdout)
            .expect("UTF-8")
            .replace(&format!("{}/", root().display()), "");
        let name = dir.trim_start_matches("examples/");
        let path = root().join("golden/env").join(format!("{name}.txt"));
        if bless {
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&path, &text).expect("write");
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            failures.push(name.to_string());
        }
    }
    assert!(
        failures.is_empty(),
        "differ from golden/env: {failures:?} (PAASC_BLESS=1 to update)"
    );
}

/// A copy of `golden/errors/<case>` in a scratch directory, with `paasc.toml` holding `toml`.
fn with_config(case: &str, tag: &str, toml: &str) -> String {
    let dir = scratch(tag);
    copy_dir(&root().join("golden/errors").join(case), &dir);
    std::fs::write(dir.join("paasc.toml"), toml).expect("paasc.toml");
    dir.to_string_lossy().into_owned()
}

#[test]
fn rule_control_hides_warnings_and_errors_of_env() {
    let stderr = |out: &std::process::Output| String::from_utf8_lossy(&out.stderr).into_owned();
    // A project whose only problems are C014 warnings: `env` succeeds and shows them.
    let dir = with_config("lint-option-not-exported", "env-rules-warn", "");
    let out = paasc(&["env", &dir, "--set", "secret-key=k"]);
    assert_success(&out);
    assert!(stderr(&out).contains("C014"), "{}", stderr(&out));
    std::fs::write(Path::new(&dir).join("paasc.toml"), "ignore = [\"C014\"]\n").expect("write");
    let out = paasc(&["env", &dir, "--set", "secret-key=k"]);
    assert_success(&out);
    assert!(!stderr(&out).contains("C014"), "{}", stderr(&out));
    std::fs::write(Path::new(&dir).join("paasc.toml"), "").expect("write");
    let out = paasc(&["env", &dir, "--set", "secret-key=k", "--ignore", "C014"]);
    assert_success(&out);
    assert!(!stderr(&out).contains("C014"), "{}", stderr(&out));

    // A profile error (P001): hidden by paasc.toml it is counted as suppressed, and still stops
    // `env`, as it stops `compile`.
    let dir = with_config(
        "profile-unknown-option",
        "env-rules-err",
        "ignore = [\"P001\"]\n",
    );
    let out = paasc(&["env", &dir, "--profile", "dev", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert!(doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .all(|d| d["code"] != "P001"));
    assert_eq!(doc["suppressed"][0]["code"], "P001", "{doc}");
    assert!(
        stderr(&out).contains("suppressed errors still stop env: P001"),
        "{}",
        stderr(&out)
    );
    let out = paasc(&["env", &dir, "--ignore", "Z999"]);
    assert_eq!(out.status.code(), Some(2));
}
