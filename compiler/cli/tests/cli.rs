//! Tests of the `paasc` process: exit codes, streams, and hostile inputs.

#[path = "support/common.rs"]
mod common;
use common::{assert_success, example, paasc, root, scratch};

use std::path::PathBuf;

fn temp_project(name: &str, rockcraft: &[u8]) -> PathBuf {
    let dir = common::tmp().join(format!("paasc-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("rockcraft.yaml"), rockcraft).expect("write");
    dir
}

#[test]
fn clean_example_exits_zero_with_empty_stdout() {
    let out = paasc(&[
        "check",
        root()
            .join("examples/flask-minimal")
            .to_str()
            .expect("utf8"),
    ]);
    assert_success(&out);
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("0 errors"));
}

#[test]
fn problems_exit_one_and_json_goes_to_stdout() {
    let dir = temp_project("problems", b"name: x\nsumary: y\n");
    let out = paasc(&["check", dir.to_str().expect("utf8"), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("stdout is one JSON document");
    let codes: Vec<&str> = doc["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"S001") && codes.contains(&"S003"),
        "{codes:?}"
    );
}

#[test]
fn usage_errors_and_unreadable_input_exit_two() {
    assert_eq!(paasc(&["check", "--format", "xml"]).status.code(), Some(2));
    assert_eq!(paasc(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(paasc(&["explain", "Z999"]).status.code(), Some(2));
    let missing = paasc(&["check", "/nonexistent/paasc/project", "--format", "json"]);
    assert_eq!(missing.status.code(), Some(2));
    let doc: serde_json::Value =
        serde_json::from_slice(&missing.stdout).expect("JSON even for exit 2");
    assert_eq!(doc["diagnostics"][0]["code"], "F001");
    let out = scratch("cli-out");
    let example = root().join("examples/flask-minimal");
    for profile in ["no-such-profile", "/nonexistent/prod.yaml"] {
        let r = paasc(&[
            "compile",
            example.to_str().expect("utf8"),
            "--profile",
            profile,
            "-o",
            out.to_str().expect("utf8"),
            "--format",
            "json",
        ]);
        assert_eq!(r.status.code(), Some(2), "--profile {profile}");
        let doc: serde_json::Value = serde_json::from_slice(&r.stdout).expect("one JSON document");
        assert_eq!(doc["diagnostics"][0]["code"], "F001");
        assert!(!out.exists(), "--profile {profile} wrote");
    }
    let empty = common::tmp().join(format!("paasc-cli-{}-no-project", std::process::id()));
    let _ = std::fs::remove_dir_all(&empty);
    std::fs::create_dir_all(&empty).expect("mkdir");
    assert_eq!(
        paasc(&["check", empty.to_str().expect("utf8")])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn version_help_and_explain() {
    let v = paasc(&["--version"]);
    assert_eq!(v.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&v.stdout).starts_with("paasc "));
    for sub in ["check", "explain", "schema"] {
        let h = paasc(&[sub, "--help"]);
        assert_eq!(h.status.code(), Some(0), "{sub} --help");
    }
    let e = paasc(&["explain", "unknown-key"]);
    let text = String::from_utf8_lossy(&e.stdout);
    assert!(
        text.starts_with("S001 (unknown-key)") && text.contains("Fix:"),
        "{text}"
    );
    let all = paasc(&["explain", "all"]);
    assert_eq!(
        String::from_utf8_lossy(&all.stdout).lines().count(),
        paasc::all_codes().len()
    );
}

#[test]
fn hostile_inputs_give_diagnostics_never_crashes() {
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        bomb.push_str(&format!(
            "a{i}: &a{i} [{}]\n",
            vec![format!("*a{}", i - 1); 10].join(", ")
        ));
    }
    let deep_flow = format!("name: {}{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let mut deep_block = String::new();
    for i in 0..5_000 {
        deep_block.push_str(&" ".repeat(i));
        deep_block.push_str("k:\n");
    }
    let inputs: Vec<(&str, Vec<u8>)> = vec![
        ("bomb", bomb.into_bytes()),
        ("deep-flow", deep_flow.into_bytes()),
        ("deep-block", deep_block.into_bytes()),
        ("utf8", b"name: caf\xe9\n".to_vec()),
        ("nul", b"name: a\0b\n".to_vec()),
        ("tabs", b"name: x\n\tsummary: y\n".to_vec()),
        ("quote", b"name: \"x\n".to_vec()),
        ("bracket", b"name: [x\n".to_vec()),
        (
            "dollar",
            b"name: $x\nsummary: \"a\\nb\"\nenvironment: {A: '${B}'}\n".to_vec(),
        ),
        ("scalar", b"hello".to_vec()),
        ("empty", Vec::new()),
        ("bom-only", b"\xef\xbb\xbf".to_vec()),
        ("anchor-loop", b"a: &a [*a]\n".to_vec()),
        (
            "huge-key",
            format!("{}: x\n", "k".repeat(100_000)).into_bytes(),
        ),
    ];
    for (name, bytes) in inputs {
        let dir = temp_project(name, &bytes);
        let out = paasc(&["check", dir.to_str().expect("utf8"), "--format", "json"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{name}: exit {:?}, stderr: {stderr}",
            out.status.code()
        );
        assert!(!stderr.contains("internal error"), "{name}: {stderr}");
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert!(doc["summary"]["errors"].as_u64().unwrap_or(0) > 0, "{name}");
    }
}

#[test]
fn compile_writes_artifacts_and_a_failed_compile_writes_nothing() {
    let example = root().join("examples/flask-minimal");
    let out_dir = common::tmp().join(format!("paasc-compile-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out_dir);
    let ex = example.to_str().expect("utf8");
    let od = out_dir.to_str().expect("utf8");

    let failed = paasc(&[
        "compile",
        ex,
        "-o",
        od,
        "--profile",
        "/dev/null",
        "--set",
        "config.no-such-option=1",
    ]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(
        !out_dir.exists(),
        "a failed compile created the output directory"
    );
    let report = String::from_utf8_lossy(&failed.stdout);
    assert!(
        report.contains("P001") && report.contains("P006"),
        "{report}"
    );
    // An option the charm does not declare may be a secret option misspelt: its value is
    // hidden (issue 14).
    assert!(report.contains("--set config.no-such-option=*"), "{report}");

    let ok = paasc(&[
        "compile",
        ex,
        "-o",
        od,
        "--set",
        "secret-key=k3y'\"x",
        "--set",
        "app=web",
    ]);
    assert_success(&ok);
    let env = std::fs::read_to_string(out_dir.join(".env")).expect(".env");
    assert!(
        env.contains("FLASK_BASE_URL='http://web.dev:8000'")
            && env.contains("FLASK_SECRET_KEY=\"k3y'\\\"x\""),
        "{env}"
    );
    let layer = std::fs::read_to_string(out_dir.join("pebble/charm-layer.yaml")).expect("layer");
    assert!(layer.contains("'app:app' -k [ sync ]"), "{layer}");
    assert!(out_dir.join("gunicorn.conf.py").is_file());
    assert!(out_dir.join("pebble/rock-layer.yaml").is_file());

    let before = std::fs::read_to_string(out_dir.join(".env")).expect(".env");
    let blocked = paasc(&[
        "compile",
        ex,
        "-o",
        od,
        "--set",
        "secret-key=x",
        "--set",
        "config.flask-debug=maybe",
    ]);
    assert_eq!(blocked.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(out_dir.join(".env")).expect(".env"),
        before
    );
    let _ = std::fs::remove_dir_all(&out_dir);
}

#[test]
fn fix_applies_did_you_mean_renames_keeping_comments() {
    let case = root().join("golden/errors/unknown-top-level-key-charmcraft");
    let dir = common::tmp().join(format!("paasc-cli-{}-fix", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("charm")).expect("mkdir");
    for rel in [
        "app.py",
        "requirements.txt",
        "rockcraft.yaml",
        "charm/charmcraft.yaml",
    ] {
        std::fs::copy(case.join(rel), dir.join(rel)).expect("copy");
    }
    let before = std::fs::read_to_string(dir.join("charm/charmcraft.yaml")).expect("read");
    let out = paasc(&[
        "check",
        dir.to_str().expect("utf8"),
        "--fix",
        "--format",
        "json",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("charmcraft.yaml:6:1: `sumary` -> `summary`"),
        "{stderr}"
    );
    let after = std::fs::read_to_string(dir.join("charm/charmcraft.yaml")).expect("read");
    assert_eq!(after, before.replacen("sumary:", "summary:", 1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(doc["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .all(|d| d["code"] != "S001"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The overlay rules: a `--set` into a mapping merges with the profile's (the ingress keeps its
/// host), and a required key the merged profile still lacks is S003 at the `--set`.
#[test]
fn set_merges_into_the_profiles_mappings() {
    let ex = example("flask-secrets");
    let out = scratch("set-merges");
    let o = out.to_string_lossy().into_owned();
    let merged = paasc(&[
        "compile",
        &ex,
        "--profile",
        "prod",
        "-o",
        &o,
        "--set",
        "kubernetes.ingress.class=nginx",
    ]);
    assert_success(&merged);
    let values =
        std::fs::read_to_string(out.join("helm/flask-secrets/values.yaml")).expect("values.yaml");
    assert!(values.contains("nginx"), "{values}");
    let prod = std::fs::read_to_string(root().join("examples/flask-secrets/profiles/prod.yaml"))
        .expect("prod");
    let host = prod
        .lines()
        .find_map(|l| l.trim().strip_prefix("host: "))
        .expect("the prod profile has an ingress host");
    assert!(values.contains(host.trim_matches('"')), "{values}");
    let _ = std::fs::remove_dir_all(&out);
    let missing = paasc(&[
        "compile",
        &ex,
        "-o",
        &o,
        "--format",
        "json",
        "--set",
        "kubernetes.ingress.class=nginx",
    ]);
    assert_eq!(missing.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&missing.stdout).expect("JSON");
    let d = &doc["diagnostics"][0];
    assert_eq!(d["code"], "S003", "{d}");
    assert_eq!(d["file"], "--set kubernetes.ingress.class=nginx", "{d}");
    assert!(!out.exists());
}

/// paasc starts at C's `main`, without std's `lang_start` (main.rs), and took over its
/// start-up duties. With its standard streams closed, a run exits as it would and writes the
/// same OUT (paasc writes its streams only once every file is closed, so this holds with or
/// without std's `/dev/null` on a closed descriptor, which main.rs keeps for what comes later).
/// A reader that has gone away is a write error paasc ignores, not a `SIGPIPE` that kills it
/// after OUT is written.
#[test]
fn closed_standard_streams_and_a_closed_pipe_change_nothing() {
    use std::process::{Command, Stdio};
    let bin = env!("CARGO_BIN_EXE_paasc");
    let ex = example("flask-minimal");
    let reference = scratch("streams-reference");
    let closed = scratch("streams-closed");
    let refd = reference.to_str().expect("utf8");
    assert_success(&paasc(&["compile", &ex, "-o", refd]));
    for args in [
        vec!["check", &ex],
        vec!["compile", &ex, "-o", closed.to_str().expect("utf8")],
    ] {
        let status = Command::new("sh")
            .arg("-c")
            .arg(r#"exec "$@" <&- >&- 2>&-"#)
            .arg("sh")
            .arg(bin)
            .args(&args)
            .status()
            .expect("run sh");
        assert_eq!(
            status.code(),
            Some(0),
            "{args:?} with 0, 1 and 2 closed: {status:?}"
        );
    }
    assert_eq!(
        common::files_under(&closed),
        common::files_under(&reference)
    );

    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let status = Command::new(bin)
        .args(["check", &ex, "--format", "json"])
        .stdout(writer)
        .stderr(Stdio::null())
        .status()
        .expect("run paasc");
    assert_eq!(
        status.code(),
        Some(0),
        "with no reader on stdout: {status:?}"
    );
}
