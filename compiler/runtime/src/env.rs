//! `App.gen_environment`: the workload's environment variables.

use crate::config::{option_var, FrameworkConfig, Value};
use crate::deployment::Deployment;
use crate::integrations::{self, spring, url_env::db_url_env, Integrations};
use crate::pyjson::{dumps, PyValue};
use crate::status::PyError;
use indexmap::IndexMap;
use paasc_frameworks::{Mappers, Spec};
use std::collections::BTreeSet;

/// The environment with the names of the variables whose values come from secrets: secret
/// options, the secret key, and the credentials, keys and connect strings of integrations.
pub(crate) struct Environment {
    pub vars: IndexMap<String, String>,
    pub secret: BTreeSet<String>,
}

/// Adds an integration's variables to `out`, marking those its module calls secret.
fn add(
    out: &mut Vec<(String, String)>,
    secret: &mut BTreeSet<String>,
    vars: Vec<(String, String)>,
    is_secret: fn(&str) -> bool,
) {
    for (k, v) in vars {
        if is_secret(&k) {
            secret.insert(k.clone());
        }
        out.push((k, v));
    }
}

/// Whether a proxy URL carries credentials (`http://user:pass@proxy:3128`).
fn has_userinfo(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#'])
        .next()
        .is_some_and(|netloc| netloc.contains('@'))
}

/// The charm state the environment is generated from.
pub(crate) struct State<'a> {
    pub spec: &'static Spec,
    pub dep: &'a Deployment,
    pub user_config: Vec<(String, Value)>,
    pub framework_config: FrameworkConfig,
    pub base_url: String,
    pub secret_key: String,
    pub integrations: Integrations,
    pub json_logging: bool,
}

/// `encode_env`: strings as-is, anything else through `json.dumps`.
fn encode(v: &PyValue) -> String {
    match v {
        PyValue::Str(s) => s.clone(),
        other => dumps(other),
    }
}

fn upper(s: &str) -> String {
    s.to_uppercase()
}

impl State<'_> {
    /// The `<prefix>PEER_FQDNS` value, if there are other units.
    fn peer_fqdns(&self) -> Option<String> {
        let app = &self.dep.app;
        let mut names: Vec<String> = self
            .dep
            .peer_units
            .iter()
            .map(|n| format!("{app}/{n}"))
            .collect();
        names.sort();
        names.dedup();
        if names.is_empty() {
            return None;
        }
        let fqdns: Vec<String> = names
            .iter()
            .map(|n| {
                format!(
                    "{}.{app}-endpoints.{}.svc.cluster.local",
                    n.replace('/', "-"),
                    self.dep.model
                )
            })
            .collect();
        Some(fqdns.join(","))
    }

    fn field(&self, name: &str) -> Option<&PyValue> {
        self.framework_config
            .iter()
            .find(|(f, _)| *f == name)
            .map(|(_, v)| v)
    }

    /// The environment, in paas-charm's insertion order, with its secret-derived names.
    pub(crate) fn environment(&self) -> Result<Environment, PyError> {
        let spec = self.spec;
        let prefix = spec.configuration_prefix;
        let mut env: IndexMap<String, String> = IndexMap::new();
        let mut secret = BTreeSet::new();
        for (key, value) in &self.user_config {
            match value {
                Value::Secret(content) => {
                    for (k, v) in content {
                        let name =
                            format!("{}_{}", option_var(spec, key), upper(&k.replace('-', "_")));
                        secret.insert(name.clone());
                        env.insert(name, v.clone());
                    }
                }
                Value::Plain(_) => {
                    env.insert(option_var(spec, key), encode(&value.to_py()));
                }
            }
        }
        let secret_field = spec.secret_key_field().map(|f| f.name);
        for (field, value) in &self.framework_config {
            let name = format!("{}{}", spec.framework_config_prefix, upper(field));
            if secret_field == Some(*field) {
                secret.insert(name.clone());
            }
            env.insert(name, encode(value));
        }
        if !self.base_url.is_empty() {
            env.insert(format!("{prefix}BASE_URL"), self.base_url.clone());
        }
        let secret_key_env = format!("{prefix}SECRET_KEY");
        if !env.contains_key(&secret_key_env) {
            secret.insert(secret_key_env.clone());
            env.insert(secret_key_env, self.secret_key.clone());
        }
        let proxy = &self.dep.proxy;
        let (http, https) = match &self.integrations.http_proxy {
            Some(p) => (p.http_proxy.clone(), p.https_proxy.clone()),
            None => (proxy.http_proxy.clone(), proxy.https_proxy.clone()),
        };
        for (name, value) in [
            ("http_proxy", http),
            ("https_proxy", https),
            ("no_proxy", proxy.no_proxy.clone()),
        ] {
            if let Some(v) = value.filter(|v| !v.is_empty()) {
                if has_userinfo(&v) {
                    secret.insert(name.to_string());
                    secret.insert(name.to_uppercase());
                }
                env.insert(name.to_string(), v.clone());
                env.insert(name.to_uppercase(), v);
            }
        }
        if let Some(peers) = self.peer_fqdns() {
            env.insert(format!("{prefix}PEER_FQDNS"), peers);
        }
        for (k, v) in self.integration_env(&mut secret)? {
            env.insert(k, v);
        }
        if spec.spring_env {
            if let Some(p) = self.field("app_profiles") {
                env.insert("spring.profiles.active".into(), encode_str(p));
            }
            env.insert("server.forward-headers-strategy".into(), "framework".into());
        }
        if spec.fastapi_log_env && self.json_logging {
            const DIR: &str = "/tmp/fastapi/log_config";
            let path = match env.get("PYTHONPATH").filter(|p| !p.is_empty()) {
                Some(existing) => format!("{DIR}:{existing}"),
                None => DIR.to_string(),
            };
            env.insert("PYTHONPATH".into(), path);
            env.insert(
                "UVICORN_LOG_CONFIG".into(),
                format!("{DIR}/uvicorn-log-config.json"),
            );
        }
        secret.retain(|name| env.contains_key(name));
        Ok(Environment { vars: env, secret })
    }

    /// `_generate_integration_environments`; the names of secret-derived variables are added
    /// to `secret`.
    fn integration_env(
        &self,
        secret: &mut BTreeSet<String>,
    ) -> Result<Vec<(String, String)>, PyError> {
        let i = &self.integrations;
        let spring = self.spec.mappers == Mappers::Spring;
        let mut out = Vec::new();
        let o = &mut out;
        use integrations::{oauth, openfga, rabbitmq, s3, saml, smtp, tracing, url_env, valkey};
        let none: fn(&str) -> bool = |_| false;
        if let Some(Some(d)) = &i.openfga {
            let vars = if spring {
                openfga::spring_env(d)
            } else {
                openfga::env(d)
            };
            add(o, secret, vars, openfga::is_secret);
        }
        if let Some(Some(d)) = &i.rabbitmq {
            let vars = if spring {
                rabbitmq::spring_env(d)
            } else {
                rabbitmq::env(d)?
            };
            add(o, secret, vars, rabbitmq::is_secret);
        }
        if let Some(Some(url)) = &i.redis {
            let vars = if spring {
                spring::redis_env(url)?
            } else {
                db_url_env("REDIS", url)?
            };
            add(o, secret, vars, spring::is_secret);
        }
        if let Some(Some(d)) = &i.valkey {
            add(o, secret, valkey::env(d)?, url_env::is_secret);
        }
        if let Some(Some(d)) = &i.s3 {
            let vars = if spring {
                s3::spring_env(d)
            } else {
                s3::env(d)
            };
            add(o, secret, vars, s3::is_secret);
        }
        for (name, uris) in &i.databases {
            if let Some(uris) = uris {
                let vars = if spring {
                    spring::db_env(name, uris)?
                } else {
                    db_url_env(&name.to_uppercase(), uris)?
                };
                add(o, secret, vars, spring::is_secret);
            }
        }
        if let Some(Some(d)) = &i.saml {
            let vars = if spring {
                saml::spring_env(d)?
            } else {
                saml::env(d)
            };
            add(o, secret, vars, none);
        }
        if let Some(Some(d)) = &i.smtp {
            let vars = if spring {
                smtp::spring_env(d)
            } else {
                smtp::env(d)
            };
            add(o, secret, vars, smtp::is_secret);
        }
        match &i.tracing {
            Some(Some(d)) => add(o, secret, tracing::env(d), none),
            _ if spring => add(o, secret, spring::no_tracing_env(), none),
            _ => {}
        }
        if spring {
            let path = self.field("metrics_path").and_then(PyValue::as_str);
            add(o, secret, spring::prometheus_env(path)?, none);
        }
        if let Some(d) = i.oauth.as_ref().and_then(|o| o.data.as_ref()) {
            let vars = if spring {
                oauth::spring_env(d)
            } else {
                oauth::env(self.spec.name, d)
            };
            add(o, secret, vars, oauth::is_secret);
        }
        Ok(out)
    }
}

/// Python `str()` of a framework config value.
fn encode_str(v: &PyValue) -> String {
    encode(v)
}
