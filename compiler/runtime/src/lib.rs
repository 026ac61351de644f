//! paas-charm 1.12.3's runtime, as pure functions: given the expanded charm, the rock's Pebble
//! layer and a deployment, what the unit's status, environment, charm layer and
//! `gunicorn.conf.py` would be after a `pebble-ready` hook on the leader.
//!
//! **Invariant:** pure; no I/O, clock or randomness. Never panics on any input.

mod config;
mod deployment;
mod env;
mod frameworks;
mod gunicorn;
mod integrations;
mod layer;
pub mod lint;
mod migration;
mod paas_config;
pub mod pyjson;
mod status;
pub mod urlparse;

pub use deployment::{ConfigValue, Databag, Deployment, ProxySettings, Relation, SecretContent};
pub use frameworks::Framework;
pub use migration::migration_command;
pub use status::{PyError, Status, StatusKind};

use config::{framework_config, juju_config, short_message, user_config};
use frameworks::Port;
use indexmap::IndexMap;
use integrations::{Ctx, Integrations};
use paasc_syntax::Yaml;
use pyjson::PyValue;
use status::Stop;
use std::collections::BTreeSet;

/// What paas-charm planned for the unit.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The unit status after the hook.
    pub status: Status,
    /// The main service's environment, when the workload was (re)planned.
    pub env: Option<IndexMap<String, String>>,
    /// The `charm` layer (`{services: ...}`), when the workload was (re)planned.
    pub layer: Option<Yaml>,
    /// `/<framework>/gunicorn.conf.py`, when it was written (flask and django).
    pub gunicorn_conf: Option<String>,
    /// The names in `env` whose values come from secrets: secret-typed options, the secret
    /// key, and integrations' credentials, keys and connect strings (and proxy URLs with a
    /// password). A deployment without Juju takes these from a secret store.
    pub secret_env: BTreeSet<String>,
    /// The port the main service listens on, when the workload was planned.
    pub port: Option<u32>,
}

/// Plans a `pebble-ready` hook. `charm` is the expanded charmcraft.yaml, `rock` the rock's
/// expanded rockcraft.yaml (its `services` are the container's initial plan), `paas_config`
/// the loaded `paas-config.yaml` if the charm has one.
pub fn plan(
    framework: Framework,
    charm: &Yaml,
    rock: &Yaml,
    paas_config: Option<&Yaml>,
    deployment: &Deployment,
) -> Plan {
    match run(framework, charm, rock, paas_config, deployment) {
        Ok(p) => p,
        Err(stop) => Plan {
            status: stop.status(),
            env: None,
            layer: None,
            gunicorn_conf: None,
            secret_env: BTreeSet::new(),
            port: None,
        },
    }
}

fn config_error(errors: &config::Errors) -> Stop {
    Stop::Blocked(short_message(errors))
}

fn port_of(spec: &frameworks::Spec, fc: &config::FrameworkConfig) -> u32 {
    match spec.port {
        Port::Fixed(p) => p,
        Port::Field(name) => fc
            .iter()
            .find(|(f, _)| *f == name)
            .and_then(|(_, v)| match v {
                PyValue::Int(i) => u32::try_from(*i).ok(),
                _ => None,
            })
            .unwrap_or(0),
    }
}

fn run(
    framework: Framework,
    charm: &Yaml,
    rock: &Yaml,
    paas_config: Option<&Yaml>,
    dep: &Deployment,
) -> Result<Plan, Stop> {
    let spec = framework.spec();
    let config = juju_config(charm, dep);

    // The charm constructor. The http-proxy library reads its relation with
    // `Model.get_relation` in its own constructor, before the framework config is read.
    let requires = integrations::requires(charm);
    if integrations::declared(&requires, "http-proxy", "http_proxy").is_some() {
        let n = dep.relation_count("http-proxy");
        if n > 1 {
            return Err(integrations::too_many("http-proxy", n).into());
        }
    }
    if spec.config_in_constructor {
        framework_config(spec, &config).map_err(|e| {
            Stop::Raised(PyError::new("CharmConfigInvalidError", short_message(&e)))
        })?;
    }
    let paas = paas_config::read(paas_config)?;
    if paas.json_logging && !spec.json_logging {
        let fmt = if charm.get("base").and_then(Yaml::as_str) == Some("ubuntu@22.04") {
            "json"
        } else {
            "LoggingFormat.JSON"
        };
        return Err(PyError::new(
            "CharmConfigInvalidError",
            format!(
                "framework_logging_format '{fmt}' is not supported for the '{}' framework. Supported frameworks: ['django', 'fastapi', 'flask'].",
                spec.name
            ),
        )
        .into());
    }

    // `_create_charm_state`, first from `block_if_invalid_data`.
    let mut fc = framework_config(spec, &config).map_err(|e| config_error(&e))?;
    let ingress_url = integrations::ingress::url(dep);
    let base_url = ingress_url
        .clone()
        .unwrap_or_else(|| format!("http://{}.{}:{}", dep.app, dep.model, port_of(spec, &fc)));
    if spec.django {
        let host = urlparse::urlsplit(&base_url)?
            .hostname()
            .map_or(PyValue::None, PyValue::Str);
        if let Some((_, PyValue::List(hosts))) = fc.iter_mut().find(|(f, _)| *f == "allowed_hosts")
        {
            if !hosts.contains(&host) {
                hosts.push(host);
            }
        }
    }
    let user = user_config(charm, spec, &config).map_err(|e| config_error(&e))?;
    let ctx = Ctx {
        dep,
        requires: &requires,
        config: &config,
        base_url: &base_url,
    };
    let integ = integrations::read(&ctx)?;

    // `is_ready`.
    let Some(secret_key) = dep.secret_key.clone().filter(|k| !k.is_empty()) else {
        return Err(Stop::Waiting("Waiting for peer integration".into()));
    };
    let missing = missing_integrations(&requires, &integ)?;
    if !missing.is_empty() {
        return Err(Stop::Blocked(format!(
            "missing integrations: {}",
            missing.join(", ")
        )));
    }
    if let Some(o) = &integ.oauth {
        if let Some(app) = &o.related_app {
            if o.data.is_none() {
                return Err(Stop::Blocked(format!("Please check {app} charm!")));
            }
            if ingress_url.is_none() {
                return Err(Stop::Blocked(
                    "Ingress relation is required for OIDC to work correctly!".into(),
                ));
            }
        }
    }
    if requires.iter().filter(|e| e.interface == "oauth").count() > 1 {
        return Err(Stop::Blocked(
            "Multiple OAuth relations are not supported at the moment".into(),
        ));
    }
    if spec.django && !integ.databases.iter().any(|(_, u)| u.is_some()) {
        return Err(Stop::Blocked(
            "Django requires a database integration to work".into(),
        ));
    }

    // `restart`.
    if let Some(o) = &integ.oauth {
        if !o.scopes.contains("openid") {
            return Err(Stop::Blocked(
                "The 'openid' scope is required for OAuth integration, please add it to the scopes."
                    .into(),
            ));
        }
    }
    let webserver = if spec.gunicorn {
        let w = gunicorn::WebserverConfig::from_config(&config)?;
        w.check_worker_class(spec.name)?;
        Some(w)
    } else {
        None
    };
    let tracing_ready = integ.tracing_ready;
    let port = port_of(spec, &fc);
    let state = env::State {
        spec,
        dep,
        user_config: user,
        framework_config: fc,
        base_url,
        secret_key,
        integrations: integ,
        json_logging: paas.json_logging,
    };
    let mut alternate = None;
    if let Some(class) = webserver
        .as_ref()
        .and_then(|w| w.worker_class.as_deref())
        .filter(|c| !c.is_empty())
    {
        state.environment()?;
        let command = layer::command(rock, spec.service)?;
        alternate = gunicorn::alternate_command(&command, class)?;
    }
    let env::Environment {
        vars: environment,
        secret: secret_env,
    } = state.environment()?;
    let layer = layer::build(
        rock,
        spec.service,
        &environment,
        alternate.as_deref(),
        dep.unit,
        spec.int_env,
    )?;
    let gunicorn_conf = webserver.as_ref().map(|w| {
        gunicorn::render(&gunicorn::Conf {
            port,
            app_dir: spec.app_dir,
            tracing: tracing_ready,
            json_logging: paas.json_logging,
            webserver: w,
        })
    });
    Ok(Plan {
        status: Status {
            kind: StatusKind::Active,
            message: String::new(),
        },
        env: Some(environment),
        layer: Some(layer),
        gunicorn_conf,
        secret_env,
        port: Some(port),
    })
}

/// `_missing_required_integrations`, in paas-charm's order.
fn missing_integrations(
    requires: &[integrations::Endpoint],
    i: &Integrations,
) -> Result<Vec<String>, PyError> {
    let optional = |name: &str| {
        requires
            .iter()
            .find(|e| e.name == name)
            .map(|e| e.optional)
            .ok_or_else(|| PyError::new("KeyError", format!("'{name}'")))
    };
    let mut out = Vec::new();
    for (name, uri) in &i.databases {
        if uri.is_none() && !optional(name)? {
            out.push(name.clone());
        }
    }
    let checks: [(&str, bool); 7] = [
        ("rabbitmq", matches!(i.rabbitmq, Some(None))),
        ("redis", matches!(i.redis, Some(None))),
        ("s3", matches!(i.s3, Some(None))),
        ("openfga", matches!(i.openfga, Some(None))),
        ("saml", matches!(i.saml, Some(None))),
        ("tracing", matches!(i.tracing, Some(None))),
        ("smtp", matches!(i.smtp, Some(None))),
    ];
    for (name, absent) in checks {
        if absent && !optional(name)? {
            out.push(name.to_string());
        }
    }
    if let Some(o) = &i.oauth {
        if o.data.is_none() && !optional(&o.endpoint)? {
            out.push("oauth".into());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: Vec<(&str, Yaml)>) -> Yaml {
        Yaml::Map(
            entries
                .into_iter()
                .map(|(k, v)| (Yaml::str(k), v))
                .collect(),
        )
    }

    fn option(kind: &str, default: Option<Yaml>, optional: bool) -> Yaml {
        let mut e = vec![("type", Yaml::str(kind))];
        if let Some(d) = default {
            e.push(("default", d));
        }
        if !optional {
            e.push(("optional", Yaml::Bool(false)));
        }
        map(e)
    }

    fn flask_charm(options: Vec<(&str, Yaml)>, requires: Vec<(&str, &str)>) -> Yaml {
        map(vec![
            ("config", map(vec![("options", map(options))])),
            (
                "requires",
                map(requires
                    .into_iter()
                    .map(|(n, i)| (n, map(vec![("interface", Yaml::str(i))])))
                    .collect()),
            ),
        ])
    }

    fn rock(command: &str) -> Yaml {
        map(vec![(
            "services",
            map(vec![("flask", map(vec![("command", Yaml::str(command))]))]),
        )])
    }

    fn deployment() -> Deployment {
        Deployment {
            app: "web".into(),
            model: "m".into(),
            secret_key: Some("k".into()),
            ..Deployment::default()
        }
    }

    #[test]
    fn never_panics_on_empty_or_odd_inputs() {
        for fw in Framework::ALL {
            let p = plan(
                fw,
                &Yaml::Null,
                &Yaml::Null,
                Some(&Yaml::Int(3)),
                &deployment(),
            );
            assert_ne!(p.status.kind, StatusKind::Active);
            let p = plan(
                fw,
                &Yaml::Seq(vec![]),
                &rock(""),
                None,
                &Deployment::default(),
            );
            assert!(p.env.is_none() || p.status.kind == StatusKind::Active);
        }
    }

    #[test]
    fn flask_env_layer_and_peers() {
        let charm = flask_charm(
            vec![
                ("greeting", option("string", Some(Yaml::str("hi")), true)),
                ("ratio", option("float", Some(Yaml::Float(2.0)), true)),
                (
                    "app-foo",
                    option("string", Some(Yaml::str("dropped")), true),
                ),
            ],
            vec![],
        );
        let mut dep = deployment();
        dep.peer_units = vec![10, 2];
        let p = plan(
            Framework::Flask,
            &charm,
            &rock("gunicorn app:app"),
            None,
            &dep,
        );
        assert_eq!(p.status.kind, StatusKind::Active);
        let env = p.env.unwrap_or_default();
        assert_eq!(env.get("FLASK_GREETING").map(String::as_str), Some("hi"));
        assert_eq!(env.get("FLASK_RATIO").map(String::as_str), Some("2.0"));
        assert!(!env.contains_key("FLASK_APP_FOO"));
        assert_eq!(
            env.get("FLASK_BASE_URL").map(String::as_str),
            Some("http://web.m:8000")
        );
        assert_eq!(
            env.get("FLASK_PEER_FQDNS").map(String::as_str),
            Some(
                "web-10.web-endpoints.m.svc.cluster.local,web-2.web-endpoints.m.svc.cluster.local"
            )
        );
        let layer = p.layer.unwrap_or(Yaml::Null);
        let svc = layer.get("services").and_then(|s| s.get("flask"));
        assert_eq!(
            svc.and_then(|s| s.get("override")),
            Some(&Yaml::str("replace"))
        );
    }

    #[test]
    fn required_option_and_missing_integration_block() {
        let charm = flask_charm(
            vec![("needed", option("string", None, false))],
            vec![("postgresql", "postgresql_client")],
        );
        let p = plan(Framework::Flask, &charm, &rock("g"), None, &deployment());
        assert_eq!(p.status.message, "missing options: needed        ");
        let charm = flask_charm(vec![], vec![("postgresql", "postgresql_client")]);
        let p = plan(Framework::Flask, &charm, &rock("g"), None, &deployment());
        assert_eq!(
            (p.status.kind, p.status.message.as_str()),
            (StatusKind::Blocked, "missing integrations: postgresql")
        );
    }

    #[test]
    fn unparseable_database_port_raises() {
        let charm = flask_charm(vec![], vec![("postgresql", "postgresql_client")]);
        let mut dep = deployment();
        let mut rel = Relation::default();
        for (k, v) in [
            ("endpoints", "pg:5432"),
            ("username", "u"),
            ("password", "a#b"),
        ] {
            rel.app_data.insert(k.into(), v.into());
        }
        dep.relations.insert("postgresql".into(), rel);
        let p = plan(Framework::Flask, &charm, &rock("g"), None, &dep);
        assert_eq!(p.status.kind, StatusKind::Error);
        assert_eq!(
            p.status.message,
            "ValueError: Port could not be cast to integer value as 'a'"
        );
    }

    #[test]
    fn secret_derived_variables_are_marked() {
        let charm = flask_charm(
            vec![
                ("greeting", option("string", Some(Yaml::str("hi")), true)),
                ("api-token", option("secret", None, true)),
            ],
            vec![("postgresql", "postgresql_client"), ("s3", "s3")],
        );
        let mut dep = deployment();
        dep.secrets.insert(
            "api-token".into(),
            [("value".to_string(), "t0k".to_string())]
                .into_iter()
                .collect(),
        );
        dep.proxy.http_proxy = Some("http://u:pw@proxy:3128".into());
        dep.proxy.no_proxy = Some("localhost".into());
        let mut pg = Relation::default();
        for (k, v) in [
            ("endpoints", "pg:5432"),
            ("username", "u"),
            ("password", "p"),
        ] {
            pg.app_data.insert(k.into(), v.into());
        }
        dep.relations.insert("postgresql".into(), pg);
        let mut s3 = Relation::default();
        for (k, v) in [("access-key", "ak"), ("secret-key", "sk"), ("bucket", "b")] {
            s3.app_data.insert(k.into(), v.into());
        }
        dep.relations.insert("s3".into(), s3);
        let p = plan(Framework::Flask, &charm, &rock("g app:app"), None, &dep);
        assert_eq!(p.status.kind, StatusKind::Active, "{}", p.status.message);
        assert_eq!(p.port, Some(8000));
        let secret: Vec<&str> = p.secret_env.iter().map(String::as_str).collect();
        assert_eq!(
            secret,
            [
                "FLASK_API_TOKEN_VALUE",
                "FLASK_SECRET_KEY",
                "HTTP_PROXY",
                "POSTGRESQL_DB_CONNECT_STRING",
                "POSTGRESQL_DB_NETLOC",
                "POSTGRESQL_DB_PASSWORD",
                "POSTGRESQL_DB_USERNAME",
                "S3_ACCESS_KEY",
                "S3_SECRET_KEY",
                "http_proxy",
            ]
        );
        let env = p.env.unwrap_or_default();
        assert!(p.secret_env.iter().all(|n| env.contains_key(n)));
        for public in [
            "FLASK_GREETING",
            "FLASK_BASE_URL",
            "S3_BUCKET",
            "POSTGRESQL_DB_HOSTNAME",
            "no_proxy",
        ] {
            assert!(
                env.contains_key(public) && !p.secret_env.contains(public),
                "{public}"
            );
        }
    }

    #[test]
    fn no_secret_key_waits() {
        let mut dep = deployment();
        dep.secret_key = None;
        let p = plan(
            Framework::Go,
            &flask_charm(vec![], vec![]),
            &Yaml::Null,
            None,
            &dep,
        );
        assert_eq!(p.status.kind, StatusKind::Waiting);
    }
}
