//! paas-charm 1.12.3's runtime, as pure functions: given the expanded charm, the rock's Pebble
//! layer and a deployment, what the unit's status, environment, charm layer and
//! `gunicorn.conf.py` would be after a `pebble-ready` hook on the leader.
//!
//! **Invariant:** pure; no I/O, clock or randomness. Never panics on any input.

mod anyurl;
mod config;
mod deployment;
mod env;
mod frameworks;
mod gunicorn;
mod integrations;
mod layer;
mod paas_config;
pub mod pyjson;
mod status;
pub mod urlparse;

pub use deployment::{ConfigValue, Databag, Deployment, ProxySettings, Relation, SecretContent};
pub use frameworks::Framework;
pub use status::{PyError, Status, StatusKind};

use config::{framework_config, juju_config, short_message, user_config};
use frameworks::Port;
use indexmap::IndexMap;
use integrations::{Ctx, Integrations};
use paasc_syntax::Yaml;
use pyjson::PyValue;
use status::Stop;

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

    // The charm constructor.
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
    let requires = integrations::requires(charm);
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
    let environment = state.environment()?;
    let layer = layer::build(
        rock,
        spec.service,
        &environment,
        alternate.as_deref(),
        dep.unit,
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
