//! paas-charm 1.12.3's runtime, as pure functions: given the expanded charm, the rock's Pebble
//! layer and a deployment, what the unit's status, environment, charm layer and
//! `gunicorn.conf.py` would be after a `pebble-ready` hook on the leader.
//!
//! **Invariant:** pure; no I/O, clock or randomness. Never panics on any input.

mod config;
mod deployment;
mod env;
mod gunicorn;
mod integrations;
mod layer;
mod net;
mod paas_config;
mod provenance;
pub mod pyjson;
mod status;
pub mod urlparse;

pub use config::{distinct, option_kept_out, option_use, NameKey, OptionUse, OWN_VARIABLES};
pub use deployment::{ConfigValue, Databag, Deployment, ProxySettings, Relation, SecretContent};
pub use integrations::ingress::base_url_source;
pub use integrations::{read_by_paas_charm, Integration, Requirer, Sample, Several, TABLE};
pub use net::Destination;
pub use paasc_frameworks::{migration_command, Framework};
pub use provenance::{Given, Provenance, Source};
pub use status::{Cause, PyError, Status, StatusKind};

use config::{framework_config, juju_config, short_message, user_config};

use indexmap::IndexMap;
use integrations::{oauth, tracing, Ctx};
use paasc_frameworks::Port;
use paasc_syntax::Yaml;
use pyjson::PyValue;
use status::Stop;
use std::collections::BTreeSet;

/// A map keyed by name, in insertion order, hashed with foldhash (a charm may declare
/// thousands of options, each a variable).
pub type NameMap<V> = IndexMap<String, V, foldhash::fast::RandomState>;

/// What paas-charm planned for the unit.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    /// The unit status after the hook.
    pub status: Status,
    /// The main service's environment, when the workload was (re)planned.
    pub env: Option<NameMap<String>>,
    /// Where each variable of `env` comes from, in `env`'s order (found by name with
    /// [`Plan::provenance_of`]).
    pub provenance: Vec<Provenance>,
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
    /// The hosts and ports the app connects to, from the integrations' relation data and the
    /// model's proxy settings, in paas-charm's order of the integrations, each once.
    pub destinations: Vec<Destination>,
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
            provenance: Vec::new(),
            layer: None,
            gunicorn_conf: None,
            secret_env: BTreeSet::new(),
            port: None,
            destinations: Vec::new(),
        },
    }
}

impl Plan {
    /// Where the variable `name` of `env` comes from.
    pub fn provenance_of(&self, name: &str) -> Option<&Provenance> {
        let i = self.env.as_ref()?.get_index_of(name)?;
        self.provenance.get(i)
    }
}

/// What paas-charm gives the workload with the charm's default config, whatever the deployment:
/// the image's share of a [`Plan`].
#[derive(Clone, Debug, PartialEq)]
pub struct Defaults {
    /// The port the main service listens on.
    pub port: u32,
    /// `/<framework>/gunicorn.conf.py` (flask and django), with no tracing integration.
    pub gunicorn_conf: Option<String>,
    /// The main service's command, when paas-charm changes the rock's (the worker class).
    pub command: Option<String>,
}

/// The port, `gunicorn.conf.py` and main command paas-charm gives the workload with the charm's
/// default config (`charm` and `rock` expanded, as for [`plan`]): what an image built once for
/// every deployment holds. No secret key or integration is read; an error is the status
/// paas-charm sets when it refuses the defaults.
pub fn defaults(
    framework: Framework,
    charm: &Yaml,
    rock: &Yaml,
    paas_config: Option<&Yaml>,
) -> Result<Defaults, Status> {
    let spec = framework.spec();
    let config = config::defaults_config(spec, charm);
    let run = || -> Result<Defaults, Stop> {
        let fc = framework_config(spec, &config).map_err(|e| config_error(&e))?;
        let paas = paas_config::read(paas_config)?;
        let port = port_of(spec, &fc);
        let webserver = webserver(spec, &config)?;
        let command = worker_command(rock, spec, webserver.as_ref())?;
        Ok(Defaults {
            port,
            gunicorn_conf: webserver
                .as_ref()
                .map(|w| gunicorn_conf(spec, port, false, paas.json_logging, w)),
            command,
        })
    };
    run().map_err(Stop::status)
}

/// The `webserver-*` options, for the frameworks gunicorn serves.
fn webserver(
    spec: &paasc_frameworks::Spec,
    config: &config::Config<'_>,
) -> Result<Option<gunicorn::WebserverConfig>, Stop> {
    if !spec.gunicorn() {
        return Ok(None);
    }
    let w = gunicorn::WebserverConfig::from_config(config)?;
    w.check_worker_class(spec.name).map_err(|e| {
        e.because(Cause::Options {
            missing: Vec::new(),
            invalid: vec!["webserver-worker-class".into()],
        })
    })?;
    Ok(Some(w))
}

fn worker_class(webserver: Option<&gunicorn::WebserverConfig>) -> Option<&str> {
    webserver
        .and_then(|w| w.worker_class.as_deref())
        .filter(|c| !c.is_empty())
}

/// `WsgiApp.__init__`: the main service's command with the configured worker class, when it
/// differs from the rock's.
fn worker_command(
    rock: &Yaml,
    spec: &paasc_frameworks::Spec,
    webserver: Option<&gunicorn::WebserverConfig>,
) -> Result<Option<String>, Stop> {
    match worker_class(webserver) {
        Some(class) => gunicorn::alternate_command(&layer::command(rock, spec.service)?, class),
        None => Ok(None),
    }
}

fn gunicorn_conf(
    spec: &paasc_frameworks::Spec,
    port: u32,
    tracing: bool,
    json_logging: bool,
    webserver: &gunicorn::WebserverConfig,
) -> String {
    gunicorn::render(&gunicorn::Conf {
        port,
        app_dir: spec.app_dir,
        tracing,
        json_logging,
        webserver,
    })
}

fn config_error(errors: &config::Errors) -> Stop {
    Stop::Blocked(short_message(errors)).because(config::cause(errors))
}

fn port_of(spec: &paasc_frameworks::Spec, fc: &config::FrameworkConfig) -> u32 {
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
    let declared = config::declared_options(charm);
    let config = juju_config(&declared, dep);

    // The charm constructor. The http-proxy library reads its relation with
    // `Model.get_relation` in its own constructor, before the framework config is read.
    let requires = integrations::requires(charm);
    integrations::construct(&requires, dep)?;
    if spec.config_in_constructor {
        framework_config(spec, &config).map_err(|e| {
            Stop::Raised(PyError::new("CharmConfigInvalidError", short_message(&e)))
                .because(config::cause(&e))
        })?;
    }
    let paas =
        paas_config::read(paas_config).map_err(|e| Stop::from(e).because(Cause::PaasConfig))?;
    if paas.json_logging && !spec.json_logging {
        let fmt = if charm.get("base").and_then(Yaml::as_str) == Some("ubuntu@22.04") {
            "json"
        } else {
            "LoggingFormat.JSON"
        };
        return Err(Stop::from(PyError::new(
            "CharmConfigInvalidError",
            format!(
                "framework_logging_format '{fmt}' is not supported for the '{}' framework. Supported frameworks: ['django', 'fastapi', 'flask'].",
                spec.name
            ),
        ))
        .because(Cause::PaasConfig));
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
    let user = user_config(&declared, spec, &config).map_err(|e| config_error(&e))?;
    drop(declared);
    let ctx = Ctx {
        dep,
        requires: &requires,
        config: &config,
        base_url: &base_url,
    };
    let integ = integrations::read(&ctx)?;
    let destinations = integ.destinations(dep);

    // `is_ready`.
    let Some(secret_key) = dep.secret_key.clone().filter(|k| !k.is_empty()) else {
        return Err(Stop::Waiting("Waiting for peer integration".into()).because(Cause::SecretKey));
    };
    let missing = integ.missing(&requires)?;
    if !missing.is_empty() {
        return Err(
            Stop::Blocked(format!("missing integrations: {}", missing.join(", ")))
                .because(Cause::MissingIntegrations(missing)),
        );
    }
    oauth::ready(integ.find(), ingress_url.is_some())?;
    oauth::one_endpoint(&requires)?;
    if spec.django && !integ.has_database() {
        return Err(Stop::Blocked(
            "Django requires a database integration to work".into(),
        ));
    }

    // `restart`.
    oauth::scopes(integ.find())?;
    let webserver = webserver(spec, &config)?;
    let tracing_ready = integ.find::<tracing::Ready>().is_some();
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
        config: &config,
        ingress: ingress_url.is_some(),
    };
    let rock_service = |e: Stop| e.or_because(Cause::RockService(spec.service.to_string()));
    if worker_class(webserver.as_ref()).is_some() {
        state.environment()?;
    }
    let alternate = worker_command(rock, spec, webserver.as_ref()).map_err(rock_service)?;
    let env::Environment {
        vars: environment,
        mut provenance,
        secret: secret_env,
    } = state.environment()?;
    // The config read for it (a charm may declare thousands of options) is no longer needed:
    // the layer reuses its memory.
    drop(state);
    drop(config);
    for name in layer::rock_environment(rock, spec.service) {
        if let Some(p) = environment
            .get_index_of(&name)
            .and_then(|i| provenance.get_mut(i))
        {
            p.overrode.insert(
                0,
                Source::Rock {
                    service: spec.service.to_string(),
                    name,
                },
            );
        }
    }
    let layer = layer::build(
        rock,
        spec.service,
        &environment,
        alternate.as_deref(),
        dep.unit,
        spec.int_env,
    )
    .map_err(Stop::from)
    .map_err(rock_service)?;
    let gunicorn_conf = webserver
        .as_ref()
        .map(|w| gunicorn_conf(spec, port, tracing_ready, paas.json_logging, w));
    Ok(Plan {
        status: Status {
            kind: StatusKind::Active,
            message: String::new(),
            cause: None,
        },
        env: Some(environment),
        provenance,
        layer: Some(layer),
        gunicorn_conf,
        secret_env,
        port: Some(port),
        destinations,
    })
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

    /// A relation whose application databag holds `data`.
    fn app_relation(data: &[(&str, &str)]) -> Relation {
        let mut r = Relation::default();
        for (k, v) in data {
            r.app_data.insert(k.to_string(), v.to_string());
        }
        r
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
        let rel = app_relation(&[
            ("endpoints", "pg:5432"),
            ("username", "u"),
            ("password", "a#b"),
        ]);
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
        let pg = app_relation(&[
            ("endpoints", "pg:5432"),
            ("username", "u"),
            ("password", "p"),
        ]);
        dep.relations.insert("postgresql".into(), pg);
        let s3 = app_relation(&[("access-key", "ak"), ("secret-key", "sk"), ("bucket", "b")]);
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
    fn defaults_need_no_secret_key_or_integration() {
        let charm = flask_charm(
            vec![("webserver-workers", option("int", Some(Yaml::Int(3)), true))],
            vec![("postgresql", "postgresql_client")],
        );
        let d = defaults(
            Framework::Flask,
            &charm,
            &rock("g app:app -k [ sync ]"),
            None,
        );
        let conf = d.as_ref().ok().and_then(|d| d.gunicorn_conf.clone());
        assert_eq!(d.as_ref().map(|d| d.port).ok(), Some(8000));
        assert!(conf.is_some_and(
            |c| c.starts_with("bind = ['0.0.0.0:8000']") && c.ends_with("workers = 3")
        ));
        let charm = flask_charm(
            vec![(
                "webserver-worker-class",
                option("string", Some(Yaml::str("eventlet")), true),
            )],
            vec![],
        );
        assert_eq!(
            defaults(Framework::Flask, &charm, &rock("g"), None).map_err(|s| s.kind),
            Err(StatusKind::Blocked)
        );
        let charm = flask_charm(
            vec![(
                "webserver-worker-class",
                option("string", Some(Yaml::str("gevent")), true),
            )],
            vec![],
        );
        assert_eq!(
            defaults(
                Framework::Flask,
                &charm,
                &rock("g app:app -k [ sync ]"),
                None
            )
            .ok()
            .and_then(|d| d.command),
            Some("g app:app -k [ gevent ]".to_string())
        );
        assert_eq!(
            defaults(
                Framework::Go,
                &flask_charm(vec![], vec![]),
                &Yaml::Null,
                None
            )
            .map(|d| d.gunicorn_conf),
            Ok(None)
        );
    }

    #[test]
    fn every_variable_says_where_it_comes_from() {
        let charm = flask_charm(
            vec![
                ("greeting", option("string", Some(Yaml::str("hi")), true)),
                ("page_size", option("int", Some(Yaml::Int(10)), true)),
                ("base-url", option("string", Some(Yaml::str("x")), true)),
                ("api-token", option("secret", None, true)),
            ],
            vec![("s3", "s3")],
        );
        let mut dep = deployment();
        dep.config.insert("page_size".into(), ConfigValue::Int(20));
        dep.secrets.insert(
            "api-token".into(),
            [("value".to_string(), "t".to_string())]
                .into_iter()
                .collect(),
        );
        let s3 = app_relation(&[("access-key", "ak"), ("secret-key", "sk"), ("bucket", "b")]);
        dep.relations.insert("s3".into(), s3);
        let p = plan(Framework::Flask, &charm, &rock("g app:app"), None, &dep);
        assert_eq!(p.status.kind, StatusKind::Active, "{}", p.status.message);
        let env = p.env.clone().unwrap_or_default();
        assert_eq!(env.len(), p.provenance.len());
        let from = |name: &str| p.provenance_of(name).map(|w| w.from.clone());
        let option = |name: &str, given| Source::Option {
            name: name.into(),
            given,
        };
        assert_eq!(
            from("FLASK_GREETING"),
            Some(vec![option("greeting", Given::Default)])
        );
        assert_eq!(
            from("FLASK_PAGE_SIZE"),
            Some(vec![option("page_size", Given::Set)])
        );
        assert_eq!(
            from("FLASK_API_TOKEN_VALUE"),
            Some(vec![Source::Secret {
                option: "api-token".into(),
                key: "value".into()
            }])
        );
        assert_eq!(from("FLASK_SECRET_KEY"), Some(vec![Source::SecretKey]));
        assert_eq!(
            from("S3_BUCKET"),
            Some(vec![Source::relation("s3", &["bucket"])])
        );
        let base = p.provenance_of("FLASK_BASE_URL");
        assert_eq!(
            base.map(|w| (w.from.clone(), w.overrode.clone())),
            Some((
                vec![Source::BaseUrl { ingress: false }],
                vec![option("base-url", Given::Default)]
            ))
        );
    }

    #[test]
    fn a_variable_the_rock_also_sets_overrides_the_rocks() {
        let charm = flask_charm(
            vec![("greeting", option("string", Some(Yaml::str("hi")), true))],
            vec![],
        );
        let env = map(vec![("FLASK_GREETING", Yaml::str("from the rock"))]);
        let rock = map(vec![(
            "services",
            map(vec![(
                "flask",
                map(vec![
                    ("command", Yaml::str("g app:app")),
                    ("environment", env),
                ]),
            )]),
        )]);
        let p = plan(Framework::Flask, &charm, &rock, None, &deployment());
        let rock_value = Source::Rock {
            service: "flask".into(),
            name: "FLASK_GREETING".into(),
        };
        assert_eq!(
            p.provenance_of("FLASK_GREETING")
                .map(|w| w.overrode.clone()),
            Some(vec![rock_value])
        );
    }

    #[test]
    fn a_framework_field_without_an_option_is_paas_charms_default() {
        let go_rock = map(vec![(
            "services",
            map(vec![("go", map(vec![("command", Yaml::str("app"))]))]),
        )]);
        let p = plan(
            Framework::Go,
            &flask_charm(vec![], vec![]),
            &go_rock,
            None,
            &deployment(),
        );
        assert_eq!(p.status.kind, StatusKind::Active, "{}", p.status.message);
        assert_eq!(
            p.provenance_of("APP_PORT").map(|w| w.from.clone()),
            Some(vec![Source::FrameworkDefault { field: "port" }])
        );
    }

    #[test]
    fn a_status_that_is_not_active_names_its_cause() {
        let charm = flask_charm(
            vec![("needed_thing", option("string", None, false))],
            vec![],
        );
        let p = plan(Framework::Flask, &charm, &rock("g"), None, &deployment());
        assert_eq!(p.status.message, "missing options: needed-thing        ");
        assert_eq!(
            p.status.cause,
            Some(Cause::Options {
                missing: vec!["needed_thing".into()],
                invalid: vec![]
            })
        );
        let charm = flask_charm(vec![], vec![("postgresql", "postgresql_client")]);
        let p = plan(Framework::Flask, &charm, &rock("g"), None, &deployment());
        assert_eq!(
            p.status.cause,
            Some(Cause::MissingIntegrations(vec!["postgresql".into()]))
        );
        let no_service = map(vec![("services", map(vec![]))]);
        let p = plan(Framework::Flask, &charm, &no_service, None, &deployment());
        assert_eq!(
            p.status.cause,
            Some(Cause::MissingIntegrations(vec!["postgresql".into()]))
        );
        let p = plan(
            Framework::Flask,
            &flask_charm(vec![], vec![]),
            &no_service,
            None,
            &deployment(),
        );
        assert_eq!(p.status.message, "KeyError: 'flask'");
        assert_eq!(p.status.cause, Some(Cause::RockService("flask".into())));
    }

    /// paas-charm 1.12.3's `InvalidOAuthRelationDataError` names its relation `oauth` (a class
    /// attribute, whatever the endpoint's name): the message says `oauth`, the cause names the
    /// endpoint.
    #[test]
    fn invalid_oauth_data_is_named_oauth_as_paas_charm_names_it() {
        let charm = flask_charm(vec![], vec![("sso", "oauth")]);
        let mut rel = integrations::oauth::sample(&Sample {
            host: "hydra",
            user: "client",
            password: "secret",
            database: "",
        });
        rel.app_data.shift_remove("jwks_endpoint");
        let mut dep = deployment();
        dep.relations.insert("sso".into(), rel);
        let p = plan(Framework::Flask, &charm, &rock("g"), None, &dep);
        assert_eq!(
            (p.status.kind, p.status.message.as_str()),
            (StatusKind::Blocked, "Invalid oauth relation data.")
        );
        assert_eq!(p.status.cause, Some(Cause::RelationData("sso".into())));
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
