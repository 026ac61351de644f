//! Several relations on one endpoint, as paas-charm 1.12.3 and its charm libraries see them:
//! the databases and S3 read the first relation, the libraries that call
//! `Model.get_relation` raise, valkey is invalid data, and tracing refuses any endpoint without
//! `limit: 1`.

use paasc_runtime::{plan, Deployment, Framework, Plan, Relation, StatusKind};
use paasc_syntax::Yaml;

fn yaml(text: &str) -> Yaml {
    let (tree, _) = paasc_syntax::parse(paasc_diag::FileId(0), text, Default::default());
    tree.root()
        .map(|r| Yaml::from_tree(&tree, r))
        .unwrap_or(Yaml::Null)
}

fn rock() -> Yaml {
    yaml("services:\n  flask:\n    command: gunicorn app:app\n")
}

fn deployment() -> Deployment {
    Deployment {
        app: "web".into(),
        model: "prod".into(),
        secret_key: Some("k".into()),
        ..Deployment::default()
    }
}

fn relation(app: &str, data: &[(&str, &str)]) -> Relation {
    Relation {
        remote_app_name: app.into(),
        app_data: data
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Relation::default()
    }
}

/// `dep` with `relations` on `endpoint`, the first one first.
fn relate(dep: &mut Deployment, endpoint: &str, relations: Vec<Relation>) {
    let mut it = relations.into_iter();
    if let Some(first) = it.next() {
        dep.relations.insert(endpoint.into(), first);
    }
    let more: Vec<Relation> = it.collect();
    if !more.is_empty() {
        dep.more_relations.insert(endpoint.into(), more);
    }
}

fn flask(requires: &str, dep: &Deployment) -> Plan {
    plan(
        Framework::Flask,
        &yaml(&format!("requires:\n{requires}")),
        &rock(),
        None,
        dep,
    )
}

fn env(p: &Plan, name: &str) -> Option<String> {
    p.env.as_ref().and_then(|e| e.get(name).cloned())
}

fn pg(host: &str) -> Relation {
    relation(
        &format!("pg-{host}"),
        &[
            ("endpoints", &format!("{host}:5432")),
            ("username", "u"),
            ("password", "p"),
            ("database", "shop"),
        ],
    )
}

#[test]
fn two_databases_use_the_first_relation() {
    let mut dep = deployment();
    relate(&mut dep, "postgresql", vec![pg("main"), pg("replica")]);
    let p = flask(
        "  postgresql: {interface: postgresql_client, limit: 2}\n",
        &dep,
    );
    assert_eq!(p.status.kind, StatusKind::Active, "{}", p.status.message);
    assert_eq!(
        env(&p, "POSTGRESQL_DB_CONNECT_STRING").as_deref(),
        Some("postgresql://u:p@main:5432/shop")
    );
    assert_eq!(env(&p, "POSTGRESQL_DB_HOSTNAME").as_deref(), Some("main"));
    let all = p.env.unwrap_or_default();
    assert!(all.values().all(|v| !v.contains("replica")));
}

#[test]
fn a_first_database_relation_without_data_is_missing_whatever_the_second_gives() {
    let mut dep = deployment();
    relate(
        &mut dep,
        "postgresql",
        vec![relation("pg-new", &[]), pg("main")],
    );
    let p = flask("  postgresql: {interface: postgresql_client}\n", &dep);
    assert_eq!(
        (p.status.kind, p.status.message.as_str()),
        (StatusKind::Blocked, "missing integrations: postgresql")
    );
}

fn s3(bucket: &str) -> Relation {
    relation(
        bucket,
        &[
            ("access-key", "ak"),
            ("secret-key", "sk"),
            ("bucket", bucket),
        ],
    )
}

#[test]
fn two_s3_relations_use_the_first() {
    let mut dep = deployment();
    relate(&mut dep, "s3", vec![s3("media"), s3("backups")]);
    let p = flask("  s3: {interface: s3, limit: 2}\n", &dep);
    assert_eq!(p.status.kind, StatusKind::Active, "{}", p.status.message);
    assert_eq!(env(&p, "S3_BUCKET").as_deref(), Some("media"));

    let mut dep = deployment();
    relate(
        &mut dep,
        "s3",
        vec![relation("half", &[("bucket", "b")]), s3("backups")],
    );
    let p = flask("  s3: {interface: s3}\n", &dep);
    assert_eq!(
        (p.status.kind, p.status.message.as_str()),
        (StatusKind::Blocked, "Invalid s3 relation data.")
    );
}

#[test]
fn libraries_that_call_get_relation_raise_on_two() {
    for (endpoint, interface) in [
        ("redis", "redis"),
        ("rabbitmq", "rabbitmq"),
        ("saml", "saml"),
        ("smtp", "smtp"),
        ("http-proxy", "http_proxy"),
    ] {
        let mut dep = deployment();
        relate(
            &mut dep,
            endpoint,
            vec![relation("a", &[]), relation("b", &[])],
        );
        let p = flask(&format!("  {endpoint}: {{interface: {interface}}}\n"), &dep);
        assert_eq!(p.status.kind, StatusKind::Error, "{endpoint}");
        assert_eq!(
            p.status.message,
            format!("TooManyRelatedAppsError: Too many remote applications on {endpoint} (2 > 1)")
        );
        assert!(p.env.is_none());
    }
}

#[test]
fn openfga_and_oauth_wrap_the_error_in_runtime_error() {
    for (endpoint, interface) in [("openfga", "openfga"), ("oidc", "oauth")] {
        let mut dep = deployment();
        relate(
            &mut dep,
            endpoint,
            vec![relation("a", &[]), relation("b", &[]), relation("c", &[])],
        );
        let p = flask(&format!("  {endpoint}: {{interface: {interface}}}\n"), &dep);
        assert_eq!(
            (p.status.kind, p.status.message.as_str()),
            (
                StatusKind::Error,
                "RuntimeError: More than one relations are defined. Please provide a relation_id"
            ),
            "{endpoint}"
        );
    }
}

#[test]
fn two_valkey_relations_are_invalid_data() {
    let mut dep = deployment();
    let valkey = |host: &str| relation(host, &[("endpoints", &format!("{host}:6379"))]);
    relate(&mut dep, "valkey", vec![valkey("a"), valkey("b")]);
    let p = flask("  valkey: {interface: valkey_client, limit: 2}\n", &dep);
    assert_eq!(
        (p.status.kind, p.status.message.as_str()),
        (StatusKind::Blocked, "Invalid valkey relation data.")
    );
}

#[test]
fn the_first_integration_read_decides_when_several_have_two() {
    let mut dep = deployment();
    for endpoint in ["saml", "openfga", "redis"] {
        relate(
            &mut dep,
            endpoint,
            vec![relation("a", &[]), relation("b", &[])],
        );
    }
    let p = flask(
        "  saml: {interface: saml}\n  redis: {interface: redis}\n  openfga: {interface: openfga}\n",
        &dep,
    );
    assert!(p.status.message.starts_with("RuntimeError: "));
    dep.more_relations.shift_remove("openfga");
    let p = flask(
        "  saml: {interface: saml}\n  redis: {interface: redis}\n  openfga: {interface: openfga}\n",
        &dep,
    );
    assert!(p.status.message.ends_with(" on redis (2 > 1)"));
}

#[test]
fn http_proxy_raises_in_the_constructor_before_the_config_is_read() {
    let mut dep = deployment();
    dep.config
        .insert("app-port".into(), paasc_runtime::ConfigValue::Int(0));
    let charm = yaml("config:\n  options:\n    app-port: {type: int, default: 8080}\nrequires:\n  http-proxy: {interface: http_proxy}\n");
    let p = plan(Framework::Go, &charm, &Yaml::Null, None, &dep);
    assert!(p.status.message.starts_with("CharmConfigInvalidError:"));
    relate(
        &mut dep,
        "http-proxy",
        vec![relation("a", &[]), relation("b", &[])],
    );
    let p = plan(Framework::Go, &charm, &Yaml::Null, None, &dep);
    assert_eq!(
        p.status.message,
        "TooManyRelatedAppsError: Too many remote applications on http-proxy (2 > 1)"
    );
}

#[test]
fn tracing_needs_limit_one_whatever_the_relations() {
    let p = flask(
        "  tracing: {interface: tracing, optional: true}\n",
        &deployment(),
    );
    assert_eq!(p.status.kind, StatusKind::Error);
    assert!(
        p.status.message.starts_with(
            "AmbiguousRelationUsageError: This PaaSTracingEndpointRequirer wraps a tracing endpoint that has limit != 1."
        ),
        "{}",
        p.status.message
    );
    let p = flask(
        "  tracing: {interface: tracing, optional: true, limit: 2}\n",
        &deployment(),
    );
    assert_eq!(p.status.kind, StatusKind::Error);
    let p = flask(
        "  tracing: {interface: tracing, optional: true, limit: 1}\n",
        &deployment(),
    );
    assert_eq!(p.status.kind, StatusKind::Active, "{}", p.status.message);
}

#[test]
fn one_relation_is_read_as_before() {
    let mut dep = deployment();
    relate(&mut dep, "postgresql", vec![pg("main")]);
    relate(&mut dep, "s3", vec![s3("media")]);
    let p = flask(
        "  postgresql: {interface: postgresql_client, limit: 3}\n  s3: {interface: s3, limit: 3}\n",
        &dep,
    );
    assert_eq!(p.status.kind, StatusKind::Active, "{}", p.status.message);
    assert_eq!(dep.relation_count("postgresql"), 1);
    assert_eq!(env(&p, "S3_BUCKET").as_deref(), Some("media"));
}
