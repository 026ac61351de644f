//! `--emit compose`: every example compiles, with every profile, to a `compose.yaml` equal to
//! `golden/compose/<example>/<profile>/` (with the backing services' environment files); the
//! app's services read exactly `.env` and hold no environment of their own; no secret value is
//! in compose.yaml; and a provisioned service's credentials are those the app's `.env` was
//! computed from. (`.ci/compose.sh` runs the Compose schema and `docker-compose config`.)
//!
//! After an intended change: `PAASC_BLESS=1 cargo test -p paasc --test compose`, then read
//! `git diff golden/compose`.

#[path = "support/common.rs"]
mod common;
use common::{assert_success, copy_dir, files_under, paasc, root, scratch};

use paasc_syntax::Yaml;
use serde_json::Value;
use std::path::Path;

fn cases() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for ex in std::fs::read_dir(root().join("examples")).expect("examples") {
        let ex = ex.expect("entry").path();
        let name = ex
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name")
            .to_string();
        for p in std::fs::read_dir(ex.join("profiles")).expect("profiles") {
            let p = p.expect("entry").path();
            if p.extension().is_some_and(|e| e == "yaml") {
                let profile = p.file_stem().and_then(|n| n.to_str()).expect("stem");
                out.push((name.clone(), profile.to_string()));
            }
        }
    }
    out.sort();
    out
}

fn load(text: &str) -> Yaml {
    let (tree, diags) =
        paasc_syntax::parse(paasc_diag::FileId(0), text, paasc_syntax::Limits::default());
    assert!(diags.is_empty(), "{diags:?}");
    Yaml::from_tree(&tree, tree.root().expect("a document"))
}

/// The `.env` values, as the environment holds them.
fn secret_values(example: &str, profile: &str) -> Vec<String> {
    let out = paasc(&[
        "env",
        &format!("examples/{example}"),
        "--profile",
        profile,
        "--show-secrets",
        "--format",
        "json",
    ]);
    assert_success(&out);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    doc["variables"]
        .as_array()
        .expect("variables")
        .iter()
        .filter(|v| v["secret"] == true)
        .filter_map(|v| v["value"].as_str().map(str::to_string))
        .filter(|v| v.len() >= 4)
        .collect()
}

/// Compiles a copy of `examples/<example>` with `profile` and `--emit compose` into a scratch
/// directory named after `tag`: `<tag>/<example>` compiled to `<tag>/out`, so compose.yaml's
/// paths to the project (`../<example>`) are the same wherever the scratch directory is.
fn compile_compose(example: &str, profile: &str, tag: &str) -> std::path::PathBuf {
    let base = scratch(tag);
    let project = base.join(example);
    copy_dir(&root().join("examples").join(example), &project);
    let out_dir = base.join("out");
    compose_into(&project, &out_dir, &["--profile", profile]);
    out_dir
}

/// `paasc compile PROJECT -o OUT --emit compose EXTRA...`, which must succeed.
fn compose_into(project: &Path, out_dir: &Path, extra: &[&str]) {
    let mut args = vec![
        "compile",
        project.to_str().expect("path"),
        "-o",
        out_dir.to_str().expect("path"),
        "--emit",
        "compose",
    ];
    args.extend_from_slice(extra);
    assert_success(&paasc(&args));
}

#[test]
fn examples_compile_to_their_golden_compose_files() {
    let bless = std::env::var_os("PAASC_BLESS").is_some_and(|v| !v.is_empty() && v != "0");
    let mut failures = Vec::new();
    for (example, profile) in cases() {
        let case = format!("{example}/{profile}");
        let out_dir = compile_compose(&example, &profile, &format!("compose-{example}-{profile}"));
        let written = files_under(&out_dir);
        for needed in [".env", "compose.yaml", "docker/Dockerfile"] {
            assert!(written.contains_key(needed), "{case}: no {needed}");
        }
        let text = String::from_utf8(written["compose.yaml"].clone()).expect("UTF-8");
        for secret in secret_values(&example, &profile) {
            assert!(
                !text.contains(&secret),
                "{case}: compose.yaml holds a secret value"
            );
        }
        let doc = load(&text);
        let services = doc
            .get("services")
            .and_then(Yaml::as_map)
            .expect("services");
        for (name, svc) in services {
            let name = name.as_str().expect("name");
            let env_file = svc.get("env_file").and_then(Yaml::as_seq).unwrap_or(&[]);
            assert!(
                svc.get("environment").is_none(),
                "{case}: {name} has an environment"
            );
            if svc.get("build").is_some() {
                assert_eq!(env_file, [Yaml::Str(".env".into())], "{case}: {name}");
            }
        }
        let golden: std::collections::BTreeMap<String, Vec<u8>> = written
            .into_iter()
            .filter(|(p, _)| p == "compose.yaml" || p.starts_with("compose/"))
            .collect();
        let dir = root().join("golden/compose").join(&example).join(&profile);
        if bless {
            let _ = std::fs::remove_dir_all(&dir);
            for (p, bytes) in &golden {
                let path = dir.join(p);
                std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
                std::fs::write(path, bytes).expect("write");
            }
        } else if files_under_or_empty(&dir) != golden {
            failures.push(format!("{case}: differs from golden/compose/{case}/"));
        }
    }
    assert!(
        failures.is_empty(),
        "{failures:#?}\n(PAASC_BLESS=1 to update)"
    );
}

fn files_under_or_empty(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    if dir.is_dir() {
        files_under(dir)
    } else {
        Default::default()
    }
}

/// The value of `key` in a `.env` line list (single-quoted values only, as these are).
fn env_value(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        (k == key).then(|| v.trim_matches('\'').to_string())
    })
}

#[test]
fn provisioned_services_share_the_credentials_the_app_env_was_computed_from() {
    let out_dir = compile_compose("flask-postgresql", "compose", "compose-provisioned");
    let app = std::fs::read_to_string(out_dir.join(".env")).expect(".env");
    let db = std::fs::read_to_string(out_dir.join("compose/postgresql.env")).expect("db env");
    assert_eq!(
        env_value(&app, "POSTGRESQL_DB_HOSTNAME").as_deref(),
        Some("postgresql")
    );
    for (app_key, db_key) in [
        ("POSTGRESQL_DB_USERNAME", "POSTGRES_USER"),
        ("POSTGRESQL_DB_PASSWORD", "POSTGRES_PASSWORD"),
        ("POSTGRESQL_DB_NAME", "POSTGRES_DB"),
    ] {
        assert_eq!(
            env_value(&app, app_key),
            env_value(&db, db_key),
            "{app_key}"
        );
    }
    let text = std::fs::read_to_string(out_dir.join("compose.yaml")).expect("compose.yaml");
    let doc = load(&text);
    let migrate = doc
        .get("services")
        .and_then(|s| s.get("migrate"))
        .expect("migrate");
    assert_eq!(
        migrate.get("entrypoint"),
        Some(&Yaml::Seq(vec![
            Yaml::Str("python3".into()),
            Yaml::Str("migrate.py".into())
        ]))
    );
    let flask = doc
        .get("services")
        .and_then(|s| s.get("flask"))
        .expect("flask");
    let waits = flask.get("depends_on").expect("depends_on");
    assert_eq!(
        waits.get("migrate").and_then(|m| m.get("condition")),
        Some(&Yaml::Str("service_completed_successfully".into()))
    );
    assert_eq!(
        waits.get("postgresql").and_then(|m| m.get("condition")),
        Some(&Yaml::Str("service_healthy".into()))
    );
    let dev = doc
        .get("services")
        .and_then(|s| s.get("flask-dev"))
        .expect("dev");
    let args = dev.get("entrypoint").and_then(Yaml::as_seq).expect("args");
    assert_eq!(args.last(), Some(&Yaml::Str("--reload".into())));
    assert_eq!(
        dev.get("profiles"),
        Some(&Yaml::Seq(vec![Yaml::Str("dev".into())]))
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(out_dir.join("compose/postgresql.env"))
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn workers_and_schedulers_get_services_of_their_own() {
    let out_dir = compile_compose("flask-workers", "compose", "compose-workers");
    let doc = load(&std::fs::read_to_string(out_dir.join("compose.yaml")).expect("compose"));
    let names: Vec<&str> = doc
        .get("services")
        .and_then(Yaml::as_map)
        .expect("services")
        .iter()
        .filter_map(|(k, _)| k.as_str())
        .collect();
    assert!(names.iter().any(|n| n.ends_with("-worker")), "{names:?}");
    assert!(names.iter().any(|n| n.ends_with("-scheduler")), "{names:?}");
    assert!(names.contains(&"redis"), "{names:?}");
}

#[test]
fn every_kind_of_backing_service_is_provisioned_without_secrets_in_compose_yaml() {
    let dir = scratch("compose-many");
    std::fs::create_dir_all(dir.join("charm")).expect("mkdir");
    std::fs::create_dir_all(dir.join("profiles")).expect("mkdir");
    let minimal = root().join("examples/flask-minimal");
    for f in ["app.py", "requirements.txt"] {
        std::fs::copy(minimal.join(f), dir.join(f)).expect("copy");
    }
    let rock = std::fs::read_to_string(minimal.join("rockcraft.yaml")).expect("rock");
    let rock: String = rock
        .lines()
        .map(|l| {
            if l.starts_with("name:") {
                "name: many"
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(dir.join("rockcraft.yaml"), rock + "\n").expect("write");
    std::fs::write(
        dir.join("charm/charmcraft.yaml"),
        "name: many\ntype: charm\nbase: ubuntu@24.04\nplatforms:\n  amd64:\nsummary: s\ndescription: d\nextensions:\n  - flask-framework\nrequires:\n  mysql: {interface: mysql_client, optional: false, limit: 1}\n  mongodb: {interface: mongodb_client, optional: false, limit: 1}\n  valkey: {interface: valkey_client, optional: false, limit: 1}\n  smtp: {interface: smtp, optional: false, limit: 1}\n  rabbitmq: {interface: rabbitmq, optional: false, limit: 1}\n  tracing: {interface: tracing, optional: false, limit: 1}\n",
    )
    .expect("write");
    std::fs::write(
        dir.join("profiles/default.yaml"),
        "secret-key: k-dev-only\nintegrations:\n  mysql:\n    data: {endpoints: \"mysql:3306\", username: app, password: dev-mysql-pw, database: app}\n  mongodb:\n    data: {endpoints: \"mongodb:27017\", username: app, password: dev-mongo-pw, database: app}\n  valkey:\n    data: {endpoints: \"valkey:6379\", username: default, password: dev-valkey-pw}\n  smtp:\n    data: {host: smtp, port: \"1025\", user: app, password: dev-smtp-pw, auth_type: plain, transport_security: none, domain: smtp}\n  rabbitmq:\n    data: {hostname: rabbitmq, password: dev-rabbit-pw}\n  tracing:\n    data: {receivers: '[{\"protocol\": {\"name\": \"otlp_http\", \"type\": \"http\"}, \"url\": \"http://tracing:4318\"}]'}\n",
    )
    .expect("write");
    let out_dir = scratch("compose-many-out");
    compose_into(&dir, &out_dir, &[]);
    let text = std::fs::read_to_string(out_dir.join("compose.yaml")).expect("compose");
    assert!(!text.contains("-pw"), "{text}");
    let doc = load(&text);
    for (service, env) in [
        ("mysql", Some("MYSQL_PASSWORD='dev-mysql-pw'")),
        ("mongodb", Some("MONGO_INITDB_ROOT_PASSWORD='dev-mongo-pw'")),
        ("valkey", Some("VALKEY_PASSWORD='dev-valkey-pw'")),
        ("smtp", None),
        (
            "rabbitmq",
            Some("RABBITMQ_DEFAULT_USER='many'\nRABBITMQ_DEFAULT_PASS='dev-rabbit-pw'"),
        ),
        ("tracing", None),
    ] {
        let svc = doc.get("services").and_then(|s| s.get(service));
        assert!(svc.is_some(), "{service} is not provisioned: {text}");
        assert_eq!(
            svc.and_then(|s| s.get("healthcheck")).is_some(),
            service != "tracing",
            "{service}"
        );
        if let Some(line) = env {
            let file = std::fs::read_to_string(out_dir.join(format!("compose/{service}.env")))
                .expect("env file");
            assert!(file.contains(line), "{file}");
        }
    }
    let app = std::fs::read_to_string(out_dir.join(".env")).expect(".env");
    assert_eq!(
        env_value(&app, "MONGODB_DB_PATH").as_deref(),
        Some("/app"),
        "the app authenticates against its database"
    );
    let setup = doc
        .get("services")
        .and_then(|s| s.get("mongodb-setup"))
        .and_then(|s| s.get("entrypoint"))
        .and_then(Yaml::as_seq)
        .and_then(|a| a.last())
        .and_then(Yaml::as_str)
        .expect("mongodb-setup creates the user in the app's database");
    assert!(setup.contains("createUser"), "{setup}");
}

#[test]
fn provision_generates_credentials_once_and_keeps_them() {
    let out_dir = scratch("compose-provision");
    let compile = || {
        let out = paasc(&[
            "compile",
            "examples/flask-postgresql",
            "-o",
            out_dir.to_str().expect("path"),
            "--emit",
            "compose",
            "--provision",
            "postgresql",
        ]);
        assert_success(&out);
        (
            std::fs::read_to_string(out_dir.join(".env")).expect(".env"),
            std::fs::read_to_string(out_dir.join("compose/postgresql.env")).expect("db env"),
            std::fs::read_to_string(out_dir.join("compose.yaml")).expect("compose.yaml"),
        )
    };
    let (app, db, text) = compile();
    let password = env_value(&db, "POSTGRES_PASSWORD").expect("a password");
    assert_eq!(password.len(), 24);
    assert_eq!(
        env_value(&app, "POSTGRESQL_DB_PASSWORD"),
        Some(password.clone())
    );
    assert_eq!(
        env_value(&app, "POSTGRESQL_DB_HOSTNAME").as_deref(),
        Some("postgresql")
    );
    assert!(!text.contains(&password));
    let doc = load(&text);
    assert!(doc
        .get("services")
        .and_then(|s| s.get("postgresql"))
        .is_some());
    assert_eq!(compile(), (app, db, text), "a second compile keeps them");

    let refused = paasc(&[
        "compile",
        "examples/flask-postgresql",
        "-o",
        out_dir.to_str().expect("path"),
        "--provision",
        "nope",
    ]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("requires no endpoint `nope`"));
}

#[test]
fn a_provisioned_smtp_relation_points_at_what_mailpit_serves() {
    let dir = scratch("compose-smtp");
    copy_dir(&root().join("examples/flask-minimal"), &dir);
    let charm = dir.join("charm/charmcraft.yaml");
    let text = std::fs::read_to_string(&charm).expect("charmcraft.yaml");
    std::fs::write(
        &charm,
        text + "requires:\n  smtp: {interface: smtp, optional: false, limit: 1}\n",
    )
    .expect("write");
    let out_dir = scratch("compose-smtp-out");
    compose_into(&dir, &out_dir, &["--provision", "smtp"]);
    let app = std::fs::read_to_string(out_dir.join(".env")).expect(".env");
    assert_eq!(env_value(&app, "SMTP_HOST").as_deref(), Some("smtp"));
    assert_eq!(
        env_value(&app, "SMTP_PORT").as_deref(),
        Some("1025"),
        "Mailpit's SMTP port"
    );
    assert_eq!(
        env_value(&app, "SMTP_TRANSPORT_SECURITY"),
        None,
        "Mailpit serves no TLS, and paas-charm drops a `none` transport security"
    );
    let compose = load(&std::fs::read_to_string(out_dir.join("compose.yaml")).expect("compose"));
    let image = compose
        .get("services")
        .and_then(|s| s.get("smtp"))
        .and_then(|s| s.get("image"))
        .and_then(Yaml::as_str);
    assert!(
        image.is_some_and(|i| i.starts_with("axllent/mailpit:")),
        "{image:?}"
    );
}
