//! The integrations table, walked row by row: its ranks are consistent, and every row's reader
//! and mappers, fed the relation data its provider would publish (`sample`), leave the unit
//! active with variables the row lists, made of its endpoint's data, secret where they carry a
//! credential.

use paasc_runtime::{
    plan, Deployment, Framework, Integration, Plan, Relation, Requirer, Sample, Source, StatusKind,
    TABLE,
};
use paasc_syntax::Yaml;
use std::collections::BTreeSet;

const SAMPLE: Sample = Sample {
    host: "backing.internal",
    user: "app-user",
    password: "pw-Zq81x",
    database: "appdb",
};

fn yaml(text: &str) -> Yaml {
    let (tree, diags) = paasc_syntax::parse(paasc_diag::FileId(0), text, Default::default());
    assert!(diags.is_empty(), "{text}: {diags:?}");
    tree.root()
        .map(|r| Yaml::from_tree(&tree, r))
        .unwrap_or(Yaml::Null)
}

/// Whether `name` matches `pattern`, where `*` stands for any text.
fn matches(pattern: &str, name: &str) -> bool {
    let mut parts = pattern.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = name.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i + 1 == parts.len() {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// The endpoint a test charm declares for `row`.
fn endpoint(row: &Integration) -> &'static str {
    match row.requirer {
        Requirer::Named(n) | Requirer::ByInterface(n) | Requirer::Always(n) => n,
        Requirer::AnyName => "login",
        Requirer::Provided(n) => n,
    }
}

/// Plans `framework` with the charm declaring `row`'s endpoint (and ingress) and the
/// deployment relating it to the row's sample provider.
fn plan_with(framework: Framework, row: &Integration) -> Option<Plan> {
    let sample = row.sample?;
    let ep = endpoint(row);
    let service = framework.spec().service;
    let mut charm = format!(
        "requires:\n  {ep}: {{interface: {}, limit: 1}}\n",
        row.interface
    );
    if ep != "ingress" {
        charm.push_str("  ingress: {interface: ingress, limit: 1}\n");
    }
    charm.push_str(&format!(
        "config:\n  options:\n    {ep}-scopes: {{type: string, default: openid profile}}\n"
    ));
    let rock = format!("services:\n  {service}:\n    command: serve app:app\n");
    let mut dep = Deployment {
        app: "web".into(),
        model: "prod".into(),
        secret_key: Some("k".into()),
        ..Deployment::default()
    };
    let mut related = |name: &str, mut rel: Relation| {
        rel.remote_app_name = format!("{name}-provider");
        dep.relations.insert(name.into(), rel);
    };
    related(ep, sample(&SAMPLE));
    if ep != "ingress" {
        if let Some(ingress) = TABLE.iter().find(|r| r.interface == "ingress") {
            related("ingress", (ingress.sample?)(&SAMPLE));
        }
    }
    Some(plan(framework, &yaml(&charm), &yaml(&rock), None, &dep))
}

#[test]
fn ranks_and_endpoints_are_consistent() {
    let mut names = BTreeSet::new();
    let mut init = BTreeSet::new();
    let mut missing = BTreeSet::new();
    for row in TABLE {
        assert!(names.insert(row.name), "{}: two rows", row.name);
        if let Requirer::ByInterface(_) = row.requirer {
            continue;
        }
        assert!(init.insert(row.init), "{}: init rank taken", row.name);
        if let Some(m) = row.missing {
            assert!(missing.insert(m), "{}: missing rank taken", row.name);
        }
    }
    let dbs: Vec<&Integration> = TABLE
        .iter()
        .filter(|r| matches!(r.requirer, Requirer::ByInterface(_)))
        .collect();
    assert!(dbs
        .iter()
        .all(|r| r.init == dbs[0].init && r.missing == dbs[0].missing));
    assert!(!init.contains(&dbs[0].init));
    assert!(dbs[0].missing.is_some_and(|m| !missing.contains(&m)));
}

#[test]
fn every_row_reads_its_providers_data_into_the_variables_it_lists() {
    for row in TABLE {
        let Some(_) = row.sample else {
            assert!(
                matches!(row.requirer, Requirer::Provided(_)),
                "{}",
                row.name
            );
            continue;
        };
        let ep = endpoint(row);
        for framework in [Framework::Flask, Framework::Go, Framework::SpringBoot] {
            let Some(p) = plan_with(framework, row) else {
                continue;
            };
            let at = format!("{} on {}", row.name, framework.spec().name);
            assert_eq!(
                p.status.kind,
                StatusKind::Active,
                "{at}: {}",
                p.status.message
            );
            let env = p.env.clone().unwrap_or_default();
            let mut read = 0;
            for (name, value) in &env {
                let why = p
                    .provenance_of(name)
                    .map(|w| w.from.clone())
                    .unwrap_or_default();
                let main_field = why.iter().find_map(|s| match s {
                    Source::Relation { endpoint, fields } if &**endpoint == ep => fields.first(),
                    _ => None,
                });
                let from_ingress =
                    ep == "ingress" && why.contains(&Source::BaseUrl { ingress: true });
                if main_field.is_some() || from_ingress {
                    read += 1;
                    assert!(
                        row.variables.iter().any(|v| matches(v, name)),
                        "{at}: {name} is not among the row's variables"
                    );
                }
                if main_field.is_some_and(|f| row.secret_fields.contains(f)) {
                    assert!(p.secret_env.contains(name), "{at}: {name} is a credential");
                }
                if value.contains(SAMPLE.password) {
                    assert!(
                        p.secret_env.contains(name),
                        "{at}: {name} holds the password"
                    );
                }
            }
            assert!(read > 0, "{at}: no variable from the relation: {env:?}");
        }
    }
}

#[test]
fn the_provided_metrics_endpoint_gives_spring_boot_its_actuator_settings() {
    let Some(row) = TABLE
        .iter()
        .find(|r| matches!(r.requirer, Requirer::Provided(_)))
    else {
        panic!("no provided row");
    };
    let rock = yaml("services:\n  spring-boot:\n    command: java -jar app.jar\n");
    let dep = Deployment {
        app: "web".into(),
        model: "prod".into(),
        secret_key: Some("k".into()),
        ..Deployment::default()
    };
    let charm = yaml("name: web\n");
    let p = plan(Framework::SpringBoot, &charm, &rock, None, &dep);
    assert_eq!(p.status.kind, StatusKind::Active, "{}", p.status.message);
    let env = p.env.unwrap_or_default();
    let given: Vec<&String> = env
        .keys()
        .filter(|k| row.variables.iter().any(|v| matches(v, k)))
        .collect();
    assert_eq!(given.len(), 3, "{env:?}");
}

#[test]
fn the_glob_matches_as_documented() {
    assert!(matches("S3_*", "S3_BUCKET"));
    assert!(matches("*_CLIENT_ID", "FLASK_LOGIN_CLIENT_ID"));
    assert!(matches("http_proxy", "http_proxy"));
    assert!(!matches("http_proxy", "http_proxy2"));
    assert!(!matches("S3_*", "XS3_A"));
    assert!(matches("a*b*c", "aXbYc"));
}
