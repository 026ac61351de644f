//! The Helm back end (`paasc compile --emit helm`), through the real binary: every example's
//! chart against its own schema and the `.env`, secrets kept out of the chart, workers and
//! schedulers, the migration Job, and the committed `schema/helm-values.json`.
//!
//! CI also renders every chart with real Helm, lints it strictly and validates the manifests
//! with kubernetes-validate (`.ci/helm.sh`).

#[path = "support/common.rs"]
mod common;
use common::{copy_dir, files_under, paasc, root};

use paasc_syntax::Yaml;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// An empty output directory of its own for each compile (the tests run in parallel).
fn scratch() -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    common::scratch(&format!("helm-{}", N.fetch_add(1, Ordering::Relaxed)))
}

/// Every file under `dir`, as text, by `/`-separated relative path.
fn tree(dir: &Path) -> BTreeMap<String, String> {
    files_under(dir)
        .into_iter()
        .map(|(rel, bytes)| (rel, String::from_utf8(bytes).expect("utf-8 file")))
        .collect()
}

/// A compilation: the output tree, or the failure's stdout (diagnostics) and stderr.
fn compile(project: &Path, extra: &[&str]) -> Result<BTreeMap<String, String>, String> {
    compile_raw(project, extra).map_err(|(out, err)| format!("{out}{err}"))
}

fn compile_raw(
    project: &Path,
    extra: &[&str],
) -> Result<BTreeMap<String, String>, (String, String)> {
    let out = scratch();
    let mut args = vec![
        "compile",
        project.to_str().expect("utf-8 path"),
        "-o",
        out.to_str().expect("utf-8 path"),
    ];
    args.extend_from_slice(extra);
    let run = paasc(&args);
    if run.status.code() != Some(0) {
        return Err((
            String::from_utf8_lossy(&run.stdout).into_owned(),
            String::from_utf8_lossy(&run.stderr).into_owned(),
        ));
    }
    let files = tree(&out);
    let _ = std::fs::remove_dir_all(&out);
    Ok(files)
}

fn load_yaml(text: &str) -> Yaml {
    let (tree, diags) =
        paasc_syntax::parse(paasc_diag::FileId(0), text, paasc_syntax::Limits::default());
    assert!(
        diags
            .iter()
            .all(|d| d.severity != paasc_diag::Severity::Error),
        "{diags:?}"
    );
    tree.root()
        .map(|r| Yaml::from_tree(&tree, r))
        .unwrap_or(Yaml::Null)
}

/// paasc's `.env` format: `NAME='literal'` or `NAME="escaped"`.
fn read_dotenv(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(|line| {
            let (name, rest) = line.split_once('=').expect("NAME=value");
            let value = if let Some(v) = rest.strip_prefix('\'') {
                v.strip_suffix('\'').expect("closing quote").to_string()
            } else {
                let body = &rest[1..rest.len() - 1];
                let mut out = String::new();
                let mut chars = body.chars();
                while let Some(c) = chars.next() {
                    if c == '\\' {
                        match chars.next() {
                            Some('n') => out.push('\n'),
                            Some('r') => out.push('\r'),
                            Some(other) => out.push(other),
                            None => {}
                        }
                    } else {
                        out.push(c);
                    }
                }
                out
            };
            (name.to_string(), value)
        })
        .collect()
}

/// What a compiled chart says.
struct Chart {
    name: String,
    files: BTreeMap<String, String>,
    values: Value,
    /// The secret values written beside the chart (env file or directory), by name.
    secrets: Option<BTreeMap<String, String>>,
}

fn chart(out: &BTreeMap<String, String>) -> Chart {
    let chart_yaml = out
        .iter()
        .find(|(p, _)| p.starts_with("helm/") && p.ends_with("/Chart.yaml"))
        .map(|(p, t)| (p.clone(), t.clone()))
        .expect("a Chart.yaml");
    let name = chart_yaml.0["helm/".len()..chart_yaml.0.len() - "/Chart.yaml".len()].to_string();
    let prefix = format!("helm/{name}/");
    let files: BTreeMap<String, String> = out
        .iter()
        .filter_map(|(p, t)| Some((p.strip_prefix(&prefix)?.to_string(), t.clone())))
        .collect();
    let values = paasc_schemas::yaml_to_json(&load_yaml(&files["values.yaml"]));
    let env_file = out.iter().find(|(p, _)| {
        p.starts_with("helm/") && p.ends_with(".env") && p.matches('/').count() == 1
    });
    let secrets = match env_file {
        Some((_, text)) => Some(
            text.lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        ),
        None => {
            let dir: BTreeMap<String, String> = out
                .iter()
                .filter(|(p, _)| p.starts_with("helm/") && !p.starts_with(&prefix))
                .filter_map(|(p, t)| Some((p.rsplit_once('/')?.1.to_string(), t.clone())))
                .collect();
            (!dir.is_empty()).then_some(dir)
        }
    };
    Chart {
        name,
        files,
        values,
        secrets,
    }
}

fn examples() -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples/")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("rockcraft.yaml").is_file())
        .collect();
    dirs.sort();
    for dir in dirs {
        let mut profiles: Vec<String> = std::fs::read_dir(dir.join("profiles"))
            .map(|r| {
                r.flatten()
                    .filter_map(|e| {
                        e.file_name()
                            .to_str()?
                            .strip_suffix(".yaml")
                            .map(str::to_string)
                    })
                    .collect()
            })
            .unwrap_or_default();
        profiles.sort();
        for p in profiles {
            out.push((dir.clone(), p));
        }
    }
    out
}

/// Checks one compiled chart against its schema, its typed values and the `.env`; returns the
/// secret values it references.
fn check_chart(what: &str, out: &BTreeMap<String, String>) -> Vec<String> {
    let c = chart(out);
    let schema: Value = serde_json::from_str(&c.files["values.schema.json"]).expect("JSON");
    let validator = jsonschema::draft7::new(&schema).expect("values.schema.json compiles");
    let errors: Vec<String> = validator
        .iter_errors(&c.values)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: values.yaml vs schema: {errors:#?}"
    );
    let typed: paasc_emit::helm::values::Values =
        serde_json::from_value(c.values.clone()).expect("values.yaml reads as the values type");
    let chart_yaml = load_yaml(&c.files["Chart.yaml"]);
    assert_eq!(
        chart_yaml.get("name").and_then(Yaml::as_str),
        Some(c.name.as_str())
    );

    let dotenv = read_dotenv(&out[".env"]);
    let names: Vec<&str> = typed.env.iter().map(|e| e.name.as_str()).collect();
    let want: Vec<&str> = dotenv.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, want, "{what}: env names differ from .env");
    let mut secret_values = Vec::new();
    for (e, (name, value)) in typed.env.iter().zip(&dotenv) {
        match &e.value_from {
            Some(from) => {
                let r = from.secret_key_ref.as_ref().expect("a secretKeyRef");
                assert_eq!(&r.key, name, "{what}");
                assert!(
                    e.value.is_none(),
                    "{what}: {name} has a value and a reference"
                );
                if let Some(s) = &c.secrets {
                    assert_eq!(
                        s.get(name),
                        Some(value),
                        "{what}: {name} in the secrets file"
                    );
                }
                secret_values.push(value.clone());
            }
            None if typed.peers.variable == *name => {
                // The templates write the hosts from the release; the .env's are Juju's
                // `<app>-<unit>.<app>-endpoints.<model>...`: the same pods.
                assert!(
                    e.value.is_none(),
                    "{what}: {name} has a value in values.yaml"
                );
                let ordinals: Vec<u32> = value
                    .split(',')
                    .filter_map(|h| h.split('.').next()?.rsplit('-').next()?.parse().ok())
                    .collect();
                assert_eq!(ordinals, typed.peers.ordinals, "{what}: {name}");
            }
            None => assert_eq!(e.value.as_ref(), Some(value), "{what}: {name}"),
        }
    }
    let plain: Vec<&String> = dotenv
        .iter()
        .map(|(_, v)| v)
        .filter(|v| !secret_values.contains(v))
        .collect();
    for v in &secret_values {
        if v.len() < 4 || plain.iter().any(|p| p.contains(v.as_str())) {
            continue;
        }
        for (path, text) in &c.files {
            assert!(
                !text.contains(v.as_str()),
                "{what}: a secret value is in {path}"
            );
        }
    }
    secret_values
}

#[test]
fn every_example_chart_matches_its_schema_and_env() {
    let mut checked = 0;
    for (dir, profile) in examples() {
        let what = format!("{}/{profile}", dir.display());
        let out = compile(&dir, &["--profile", &profile, "--emit", "helm,env"])
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        check_chart(&what, &out);
        checked += 1;
    }
    assert!(checked >= 2, "no example profiles found");
}

#[test]
fn secret_values_never_reach_the_chart() {
    let dir = root().join("examples/flask-postgresql");
    let key = "k3y-only-in-the-secret-store";
    let password = "pa55-only-in-the-secret-store";
    let sets = [
        format!("secret-key={key}"),
        format!("integrations.postgresql.data.password={password}"),
    ];
    let out = compile(
        &dir,
        &[
            "--profile",
            "default",
            "--emit",
            "helm,env",
            "--set",
            &sets[0],
            "--set",
            &sets[1],
        ],
    )
    .expect("compiles");
    let secrets = check_chart("flask-postgresql", &out);
    assert!(secrets.iter().any(|s| s == key));
    assert!(secrets.iter().any(|s| s.contains(password)));
    let c = chart(&out);
    for (path, text) in &c.files {
        assert!(!text.contains(key) && !text.contains(password), "{path}");
    }
    let s = c.secrets.expect("a secrets env file");
    assert_eq!(s.get("FLASK_SECRET_KEY").map(String::as_str), Some(key));
    assert_eq!(
        s.get("POSTGRESQL_DB_PASSWORD").map(String::as_str),
        Some(password)
    );
    let env_file = out
        .keys()
        .find(|p| p.ends_with(".env") && p.starts_with("helm/"))
        .expect("helm/<secret>.env");
    assert_eq!(env_file, "helm/flask-postgresql-secrets.env");

    // A Secret the profile names: references to it, and no values written anywhere.
    let out = compile(
        &dir,
        &[
            "--emit",
            "helm",
            "--set",
            &sets[0],
            "--set",
            "kubernetes.secret-name=from-vault",
        ],
    )
    .expect("compiles");
    assert!(out.keys().all(|p| !p.ends_with(".env")));
    for (path, text) in &out {
        assert!(!text.contains(key), "{path}");
    }
    let c = chart(&out);
    let refs: Vec<&str> = c.values["env"]
        .as_array()
        .expect("env")
        .iter()
        .filter_map(|e| e["valueFrom"]["secretKeyRef"]["name"].as_str())
        .collect();
    assert!(!refs.is_empty() && refs.iter().all(|n| *n == "from-vault"));
}

#[test]
fn multi_line_secrets_go_to_a_directory() {
    let out = compile(
        &root().join("examples/flask-secrets"),
        &["--profile", "default", "--emit", "helm,env"],
    )
    .expect("compiles");
    check_chart("flask-secrets", &out);
    let c = chart(&out);
    let s = c.secrets.expect("secret files");
    assert!(s.values().any(|v| v.contains('\n')), "a multi-line value");
    assert!(out.keys().all(|p| !p.ends_with(".env") || p == ".env"));
}

#[test]
fn workers_and_schedulers_get_their_own_deployments() {
    let out = compile(
        &root().join("examples/flask-workers"),
        &["--profile", "prod", "--emit", "helm,env"],
    )
    .expect("compiles");
    let c = chart(&out);
    let v = &c.values;
    let workers = v["workers"].as_array().expect("workers");
    let schedulers = v["schedulers"].as_array().expect("schedulers");
    assert_eq!(workers.len(), 1);
    assert_eq!(schedulers.len(), 1);
    assert_eq!(workers[0]["name"], "celery-worker");
    assert_eq!(workers[0]["command"][0], "celery");
    assert_eq!(workers[0]["workingDir"], "/flask/app");
    assert_eq!(workers[0]["replicas"], v["replicaCount"]);
    assert_eq!(schedulers[0]["name"], "celery-beat-scheduler");
    assert!(
        schedulers[0].get("replicas").is_none(),
        "schedulers run once"
    );
    let sched = &c.files["templates/schedulers.yaml"];
    assert!(sched.contains("replicas: 1") && sched.contains("type: Recreate"));
    assert!(c.files["templates/workers.yaml"].contains("range .Values.workers"));
    // the main service runs the rock's command, `[ ... ]` defaults included
    let web: Vec<&str> = v["web"]["command"]
        .as_array()
        .expect("command")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(web.first(), Some(&"/bin/python3"));
    assert!(web.ends_with(&["-k", "sync"]), "{web:?}");
}

#[test]
fn migration_job_only_with_a_migrate_script() {
    let with = compile(
        &root().join("examples/flask-postgresql"),
        &["--profile", "default", "--emit", "helm"],
    )
    .expect("compiles");
    let m = &chart(&with).values["migration"];
    assert_eq!(m["enabled"], true);
    assert_eq!(m["command"], serde_json::json!(["python3", "migrate.py"]));
    assert_eq!(m["workingDir"], "/flask/app");
    let without = compile(
        &root().join("examples/flask-minimal"),
        &["--profile", "default", "--emit", "helm"],
    )
    .expect("compiles");
    assert_eq!(chart(&without).values["migration"]["enabled"], false);
    let job = &chart(&with).files["templates/migration-job.yaml"];
    assert!(job.contains("helm.sh/hook: pre-install,pre-upgrade"));
}

#[test]
fn profile_kubernetes_settings_become_values() {
    let out = compile(
        &root().join("examples/flask-postgresql"),
        &["--profile", "prod", "--emit", "helm"],
    )
    .expect("compiles");
    let v = chart(&out).values;
    assert_eq!(v["image"]["repository"], "ghcr.io/example/flask-postgresql");
    assert_eq!(v["image"]["tag"], "0.1");
    assert_eq!(v["autoscaling"]["enabled"], true);
    assert_eq!(v["autoscaling"]["maxReplicas"], 10);
    assert_eq!(v["podDisruptionBudget"]["enabled"], true);
    assert_eq!(v["antiAffinity"], "soft");
    assert_eq!(v["ingress"]["host"], "notes.example.com");
    assert_eq!(v["ingress"]["tlsSecretName"], "notes-example-com-tls");
    assert_eq!(v["ingress"]["className"], "nginx");
    assert_eq!(v["resources"]["limits"]["memory"], "512Mi");
    assert_eq!(v["service"]["port"], 8000);

    // `$` is kept as paas-charm gives it; the templates escape it for Kubernetes.
    let out = compile(
        &root().join("examples/flask-minimal"),
        &["--emit", "helm", "--set", "config.flask-env=$(HOME)$$x"],
    )
    .expect("compiles");
    let c = chart(&out);
    let env = c.values["env"].as_array().expect("env");
    assert!(env
        .iter()
        .any(|e| e["name"] == "FLASK_ENV" && e["value"] == "$(HOME)$$x"));
    assert!(c.files["templates/_helpers.tpl"].contains(r#"replace "$" "$$""#));

    let out = compile(
        &root().join("examples/flask-minimal"),
        &[
            "--emit",
            "helm",
            "--set",
            "kubernetes.storage=[{name: data, size: 1Gi, mount-path: /srv/data}]",
        ],
    )
    .expect("compiles");
    let v = chart(&out).values;
    assert_eq!(
        v["persistence"][0]["accessModes"],
        serde_json::json!(["ReadWriteOnce"])
    );
    assert_eq!(v["persistence"][0]["mountPath"], "/srv/data");
}

fn diagnostics(project: &Path, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let (json, err) = compile_raw(project, &args).expect_err("the compilation fails");
    let doc: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}{err}"));
    doc["diagnostics"].as_array().cloned().unwrap_or_default()
}

#[test]
fn invalid_kubernetes_values_are_reported_where_they_are_written() {
    let dir = root().join("examples/flask-minimal");
    let d = diagnostics(
        &dir,
        &[
            "--emit",
            "helm",
            "--set",
            "kubernetes.resources.limits.memory=512MB",
            "--set",
            "kubernetes.image=Acme/Web:1",
            "--set",
            "kubernetes.autoscaling={min-replicas: 4, max-replicas: 2}",
        ],
    );
    let h002: Vec<&Value> = d.iter().filter(|d| d["code"] == "H002").collect();
    assert_eq!(h002.len(), 3, "{d:#?}");
    for diag in &h002 {
        assert!(
            diag["file"]
                .as_str()
                .is_some_and(|f| f.starts_with("--set kubernetes.")),
            "{diag}"
        );
    }
    assert!(h002
        .iter()
        .any(|d| d["message"].as_str().is_some_and(|m| m.contains("512MB"))));
    assert!(h002.iter().any(|d| d["message"]
        .as_str()
        .is_some_and(|m| m.contains("below `min-replicas`"))));

    let prod = dir.join("profiles/prod.yaml");
    let text = std::fs::read_to_string(&prod).expect("prod profile");
    if text.contains("host:") {
        // a host with a scheme, from the profile file itself
        let bad = scratch().with_extension("yaml");
        std::fs::write(&bad, text.replacen("host: ", "host: https://", 1)).expect("write");
        let d = diagnostics(
            &dir,
            &["--profile", bad.to_str().expect("utf-8"), "--emit", "helm"],
        );
        let _ = std::fs::remove_file(&bad);
        let host = d.iter().find(|d| d["code"] == "H002").expect("H002");
        assert!(host["message"]
            .as_str()
            .is_some_and(|m| m.contains("host name")));
        assert!(host["line"].as_u64().is_some_and(|l| l > 1), "{host}");
    }
}

#[test]
fn committed_schema_is_current() {
    let path = root().join("schema/helm-values.json");
    let run = paasc(&["schema", "helm-values"]);
    assert_eq!(run.status.code(), Some(0));
    let want = String::from_utf8(run.stdout).expect("utf-8");
    if std::env::var_os("PAASC_BLESS").is_some_and(|v| v == "1") {
        std::fs::write(&path, &want).expect("write schema/helm-values.json");
    }
    let got = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        got == want,
        "schema/helm-values.json differs from `paasc schema helm-values`; regenerate with `PAASC_BLESS=1 cargo test -p paasc --test helm` and review the diff"
    );
    // every chart carries the same schema
    let out =
        compile(&root().join("examples/flask-minimal"), &["--emit", "helm"]).expect("compiles");
    assert_eq!(chart(&out).files["values.schema.json"], want);
    let schema: Value = serde_json::from_str(&want).expect("JSON");
    assert!(jsonschema::meta::is_valid(&schema));
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    assert_eq!(schema["additionalProperties"], false);
}

#[test]
fn a_service_command_pebble_would_refuse_is_reported() {
    let project = scratch();
    copy_dir(&root().join("examples/flask-workers"), &project);
    let rock = project.join("rockcraft.yaml");
    let text = std::fs::read_to_string(&rock).expect("rockcraft.yaml");
    assert!(text.contains("worker -c 2"), "the example changed");
    std::fs::write(&rock, text.replacen("worker -c 2", "worker ] -c 2", 1)).expect("write");
    let d = diagnostics(&project, &["--profile", "default", "--emit", "helm"]);
    let _ = std::fs::remove_dir_all(&project);
    let h003 = d.iter().find(|d| d["code"] == "H003").expect("H003");
    let message = h003["message"].as_str().unwrap_or_default();
    assert!(message.contains("celery-worker"), "{message}");
}

#[test]
fn a_service_command_error_points_at_the_command_in_rockcraft_yaml() {
    let project = scratch();
    copy_dir(&root().join("examples/flask-workers"), &project);
    let rock = project.join("rockcraft.yaml");
    let text = std::fs::read_to_string(&rock).expect("rockcraft.yaml");
    std::fs::write(&rock, text.replacen("worker -c 2", "worker ] -c 2", 1)).expect("write");
    let line = text
        .lines()
        .position(|l| l.contains("worker -c 2"))
        .expect("the command's line")
        + 1;
    let d = diagnostics(&project, &["--profile", "default", "--emit", "helm"]);
    let _ = std::fs::remove_dir_all(&project);
    let h003 = d.iter().find(|d| d["code"] == "H003").expect("H003");
    assert!(
        h003["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("rockcraft.yaml")),
        "{h003}"
    );
    assert_eq!(h003["line"].as_u64(), Some(line as u64), "{h003}");
}

/// flask-minimal with `checks` added to its rockcraft.yaml.
fn with_checks(checks: &str) -> PathBuf {
    let project = scratch();
    copy_dir(&root().join("examples/flask-minimal"), &project);
    let rock = project.join("rockcraft.yaml");
    let text = std::fs::read_to_string(&rock).expect("rockcraft.yaml");
    std::fs::write(&rock, format!("{text}\nchecks:\n{checks}")).expect("write");
    project
}

#[test]
fn pebble_checks_become_the_probes() {
    let project = with_checks(
        "  up:\n    override: replace\n    level: ready\n    period: 1m30s\n    threshold: 5\n    http: {url: 'http://localhost:8000/health'}\n  alive:\n    override: replace\n    level: alive\n    timeout: 500ms\n    tcp: {port: 8000}\n",
    );
    let out = compile(&project, &["--emit", "helm"]);
    let _ = std::fs::remove_dir_all(&project);
    let v = chart(&out.expect("compiles")).values;
    let ready = &v["readinessProbe"];
    assert_eq!(ready["httpGet"]["path"], "/health", "{ready}");
    assert_eq!(ready["httpGet"]["port"], 8000);
    assert_eq!(ready["periodSeconds"], 90);
    assert_eq!(ready["failureThreshold"], 5);
    let alive = &v["livenessProbe"];
    assert_eq!(alive["tcpSocket"]["port"], 8000, "{alive}");
    assert_eq!(alive["timeoutSeconds"], 1);
    assert_eq!(alive["periodSeconds"], 10);
}

/// The Dockerfile refused a check Pebble refuses (D004, now E001); the chart used to replace a
/// bad period by 10s without a word. Both read the checks through one parser now.
#[test]
fn a_check_pebble_would_refuse_is_reported_for_the_chart_too() {
    let project = with_checks(
        "  up:\n    override: replace\n    level: ready\n    period: soon\n    http: {url: 'http://localhost:8000/'}\n",
    );
    let text = std::fs::read_to_string(project.join("rockcraft.yaml")).expect("rockcraft.yaml");
    let line = text
        .lines()
        .position(|l| l.contains("period: soon"))
        .expect("the period's line")
        + 1;
    let d = diagnostics(&project, &["--emit", "helm"]);
    let _ = std::fs::remove_dir_all(&project);
    let codes: Vec<&Value> = d.iter().map(|d| &d["code"]).collect();
    assert_eq!(codes, ["E001"], "{d:?}");
    assert!(
        d[0]["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("rockcraft.yaml")),
        "{}",
        d[0]
    );
    assert_eq!(d[0]["line"].as_u64(), Some(line as u64), "{}", d[0]);
}

#[test]
fn a_secret_kubernetes_cannot_hold_is_reported_at_the_profile_value() {
    let dir = root().join("examples/flask-secrets");
    let d = diagnostics(
        &dir,
        &[
            "--emit",
            "helm",
            "--set",
            r#"secrets.flask-secret-key-id.value="before\0after""#,
        ],
    );
    let h001 = d.iter().find(|d| d["code"] == "H001").expect("H001");
    assert!(
        h001["message"]
            .as_str()
            .is_some_and(|m| m.contains("FLASK_SECRET_KEY")),
        "{h001}"
    );
    assert!(
        h001["file"]
            .as_str()
            .is_some_and(|f| f.starts_with("--set ")),
        "at the --set that gave the value: {h001}"
    );
    let all = serde_json::to_string(&d).unwrap_or_default();
    assert!(!all.contains("before"), "the secret must not leak: {all}");
}

/// Helm loads no chart file over 5 MiB: a profile that would make `values.yaml` larger gets H005
/// instead of a chart `helm install` refuses.
#[test]
fn a_chart_helm_cannot_load_is_refused() {
    let dir = root().join("examples/flask-minimal");
    let profile = scratch().join("big.yaml");
    let _ = std::fs::create_dir_all(profile.parent().expect("a directory"));
    let big = "a".repeat(6 * 1024 * 1024);
    std::fs::write(
        &profile,
        format!("secret-key: k\nconfig:\n  flask-env: {big}\n"),
    )
    .expect("profile");
    let d = diagnostics(
        &dir,
        &[
            "--emit",
            "helm",
            "--profile",
            profile.to_str().expect("utf-8"),
        ],
    );
    let _ = std::fs::remove_file(&profile);
    let codes: Vec<&Value> = d.iter().map(|d| &d["code"]).collect();
    assert_eq!(codes, ["H005"], "{d:?}");
    assert!(
        d[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("values.yaml")),
        "{}",
        d[0]
    );
}

#[test]
fn metrics_follow_the_rock_and_the_profile() {
    // flask: the rock's statsd-exporter service as a sidecar of the web pods, scraped by
    // annotations unless the profile asks for a ServiceMonitor.
    let flask = root().join("examples/flask-minimal");
    let v = chart(&compile(&flask, &["--emit", "helm"]).expect("compiles")).values;
    let m = &v["metrics"];
    assert_eq!(
        (m["enabled"].clone(), m["port"].clone()),
        (true.into(), 9102.into())
    );
    assert_eq!(m["scrape"], "annotations");
    assert_eq!(m["exporter"]["name"], "statsd-exporter");
    assert!(m["exporter"]["command"]
        .as_array()
        .expect("command")
        .iter()
        .any(|a| a == "--statsd.listen-udp=localhost:9125"));
    assert_eq!(m["exporter"]["image"], "");
    let out = compile(
        &flask,
        &[
            "--emit",
            "helm",
            "--set",
            "kubernetes.metrics={scrape: service-monitor, image: prom/statsd-exporter:v0.28.0}",
        ],
    )
    .expect("compiles");
    let m = chart(&out).values["metrics"].clone();
    assert_eq!(m["scrape"], "serviceMonitor");
    assert_eq!(m["exporter"]["image"], "prom/statsd-exporter:v0.28.0");
    let d = diagnostics(
        &flask,
        &[
            "--emit",
            "helm",
            "--set",
            "kubernetes.metrics.image=Prom/X:1",
        ],
    );
    assert!(
        d.iter()
            .any(|d| d["code"] == "H002" && d["message"] == "`Prom/X:1` is not an image reference"),
        "{d:#?}"
    );

    // A rock that disables the exporter has none, and no scrape target.
    let dir = scratch();
    copy_dir(&flask, &dir);
    let rock = dir.join("rockcraft.yaml");
    let text = std::fs::read_to_string(&rock).expect("rockcraft.yaml");
    std::fs::write(
        &rock,
        format!(
            "{text}\nservices:\n  statsd-exporter:\n    override: merge\n    startup: disabled\n"
        ),
    )
    .expect("write");
    let v = chart(&compile(&dir, &["--emit", "helm"]).expect("compiles")).values;
    assert_eq!(v["metrics"]["enabled"], false);
    let _ = std::fs::remove_dir_all(&dir);

    // go: the app's own metrics port (metrics-port), no sidecar.
    let v = chart(
        &compile(
            &root().join("examples/go-app"),
            &["--emit", "helm", "--set", "config.metrics-port=9000"],
        )
        .expect("compiles"),
    )
    .values;
    assert_eq!(v["metrics"]["port"], 9000);
    assert_eq!(v["metrics"]["exporter"], Value::Null);
}

#[test]
fn ingress_kinds_are_checked_against_their_keys() {
    let dir = root().join("examples/flask-minimal");
    let d = diagnostics(
        &dir,
        &[
            "--emit",
            "helm",
            "--profile",
            "prod",
            "--set",
            "kubernetes.ingress.kind=gateway-api",
            "--set",
            "kubernetes.ingress.path=no-slash",
            "--set",
            "kubernetes.ingress.listener=true",
            "--set",
            "kubernetes.ingress.timeout=0",
        ],
    );
    let messages: Vec<&str> = d
        .iter()
        .filter(|d| d["code"] == "H002")
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert_eq!(messages.len(), 4, "{messages:#?}");
    assert!(messages.iter().any(|m| m.contains("needs the Gateway")));
    assert!(messages
        .iter()
        .any(|m| m.contains("only with `kind: emissary`")));
    assert!(messages.iter().any(|m| m.contains("not a URL path prefix")));
    assert!(messages.iter().any(|m| m.contains("timeout of 0 seconds")));

    for (profile, kind, want) in [
        ("gateway", "HTTPRoute", "gateway.networking.k8s.io/v1"),
        ("emissary", "Mapping", "getambassador.io/v3alpha1"),
    ] {
        let out = compile(&dir, &["--emit", "helm", "--profile", profile]).expect("compiles");
        let c = chart(&out);
        assert_eq!(c.values["ingress"]["enabled"], true);
        let template = if kind == "HTTPRoute" {
            "templates/httproute.yaml"
        } else {
            "templates/emissary.yaml"
        };
        assert!(c.files[template].contains(want), "{profile}");
        let base = c.values["env"]
            .as_array()
            .expect("env")
            .iter()
            .find(|e| e["name"] == "FLASK_BASE_URL")
            .and_then(|e| e["value"].as_str())
            .map(str::to_string);
        assert!(
            base.as_deref()
                .is_some_and(|b| b.starts_with("https://hello.example.com/")),
            "{base:?}"
        );
    }
}

/// Whether the NetworkPolicy the chart's values describe lets a pod connect to `ip:port` over
/// TCP, read as `templates/networkpolicy.yaml` writes the rules (checked against the rendered
/// manifests by `.ci/helm.sh`).
fn egress_allows(values: &Value, ip: &str, port: i64) -> bool {
    let np = &values["networkPolicy"];
    if np["enabled"] != true || np["egress"] == "open" {
        return true;
    }
    port == 53
        || np["destinations"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|d| {
                d["port"] == port
                    && (d["cidr"] == "" || d["cidr"].as_str() == Some(&format!("{ip}/32")))
            })
}

/// `--profile prod --emit helm`, then `--set` each of `set`.
fn prod_with<'a>(set: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["--profile", "prod", "--emit", "helm"];
    for s in set {
        args.extend(["--set", s]);
    }
    args
}

#[test]
fn egress_reaches_the_integrations_only_unless_opened() {
    let pg = root().join("examples/flask-postgresql");
    let out = compile(&pg, &prod_with(&[])).expect("compiles");
    let c = chart(&out);
    let np = &c.files["templates/networkpolicy.yaml"];
    assert!(
        np.contains("eq .Values.networkPolicy.egress \"open\""),
        "{np}"
    );
    assert_eq!(c.values["networkPolicy"]["egress"], "integrations");
    // postgresql-k8s-primary.prod.svc.cluster.local:5432 is a host name: its port, anywhere.
    assert!(egress_allows(&c.values, "10.9.9.9", 5432));
    assert!(!egress_allows(&c.values, "10.9.9.9", 6379));
    assert!(!egress_allows(&c.values, "10.9.9.9", 443));

    // An IP address is the only address its port is open to.
    let out = compile(
        &pg,
        &prod_with(&["integrations.postgresql.data.endpoints=10.1.2.3:6432"]),
    )
    .expect("compiles");
    let v = chart(&out).values;
    assert_eq!(
        v["networkPolicy"]["destinations"],
        serde_json::json!([{"integrations": ["postgresql"], "cidr": "10.1.2.3/32", "port": 6432}])
    );
    assert!(egress_allows(&v, "10.1.2.3", 6432));
    assert!(!egress_allows(&v, "10.1.2.4", 6432));
    assert!(!egress_allows(&v, "10.1.2.3", 5432));

    // The profile opens it again.
    let out = compile(&pg, &prod_with(&["kubernetes.security.egress=open"])).expect("compiles");
    let v = chart(&out).values;
    assert_eq!(v["networkPolicy"]["egress"], "open");
    assert!(egress_allows(&v, "10.9.9.9", 6379));

    // A value it does not know is an error at the value.
    let d = diagnostics(&pg, &prod_with(&["kubernetes.security.egress=closed"]));
    let bad = d
        .iter()
        .find(|d| d["message"].as_str().is_some_and(|m| m.contains("closed")))
        .unwrap_or_else(|| panic!("{d:#?}"));
    assert_eq!(bad["code"], "S004", "{bad}");
    assert_eq!(
        bad["file"], "--set kubernetes.security.egress=closed",
        "{bad}"
    );
    assert_eq!(bad["line"], 3, "{bad}");
    assert!(
        bad["help"].as_str().is_some_and(|h| h.contains("open")),
        "{bad}"
    );
}
