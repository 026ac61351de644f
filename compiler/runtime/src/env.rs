//! `App.gen_environment`: the workload's environment variables.

use crate::config::{FrameworkConfig, Value};
use crate::deployment::Deployment;
use crate::frameworks::{Mappers, Spec};
use crate::integrations::{self, spring, url_env::db_url_env, Integrations};
use crate::pyjson::{dumps, PyValue};
use crate::status::PyError;
use indexmap::IndexMap;

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

    /// The environment, in paas-charm's insertion order.
    pub(crate) fn environment(&self) -> Result<IndexMap<String, String>, PyError> {
        let spec = self.spec;
        let prefix = spec.configuration_prefix;
        let mut env: IndexMap<String, String> = IndexMap::new();
        for (key, value) in &self.user_config {
            match value {
                Value::Secret(content) => {
                    for (k, v) in content {
                        let name =
                            format!("{prefix}{}_{}", upper(key), upper(&k.replace('-', "_")));
                        env.insert(name, v.clone());
                    }
                }
                Value::Plain(_) => {
                    env.insert(format!("{prefix}{}", upper(key)), encode(&value.to_py()));
                }
            }
        }
        for (field, value) in &self.framework_config {
            env.insert(
                format!("{}{}", spec.framework_config_prefix, upper(field)),
                encode(value),
            );
        }
        if !self.base_url.is_empty() {
            env.insert(format!("{prefix}BASE_URL"), self.base_url.clone());
        }
        let secret_key_env = format!("{prefix}SECRET_KEY");
        if !env.contains_key(&secret_key_env) {
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
                env.insert(name.to_string(), v.clone());
                env.insert(name.to_uppercase(), v);
            }
        }
        if let Some(peers) = self.peer_fqdns() {
            env.insert(format!("{prefix}PEER_FQDNS"), peers);
        }
        for (k, v) in self.integration_env()? {
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
        Ok(env)
    }

    /// `_generate_integration_environments`.
    fn integration_env(&self) -> Result<Vec<(String, String)>, PyError> {
        let i = &self.integrations;
        let spring = self.spec.mappers == Mappers::Spring;
        let mut out = Vec::new();
        if let Some(Some(d)) = &i.openfga {
            out.extend(if spring {
                integrations::openfga::spring_env(d)
            } else {
                integrations::openfga::env(d)
            });
        }
        if let Some(Some(d)) = &i.rabbitmq {
            out.extend(if spring {
                integrations::rabbitmq::spring_env(d)
            } else {
                integrations::rabbitmq::env(d)?
            });
        }
        if let Some(Some(url)) = &i.redis {
            out.extend(if spring {
                spring::redis_env(url)?
            } else {
                db_url_env("REDIS", url)?
            });
        }
        if let Some(Some(d)) = &i.valkey {
            out.extend(integrations::valkey::env(d)?);
        }
        if let Some(Some(d)) = &i.s3 {
            out.extend(if spring {
                integrations::s3::spring_env(d)
            } else {
                integrations::s3::env(d)
            });
        }
        for (name, uris) in &i.databases {
            if let Some(uris) = uris {
                out.extend(if spring {
                    spring::db_env(name, uris)?
                } else {
                    db_url_env(&name.to_uppercase(), uris)?
                });
            }
        }
        if let Some(Some(d)) = &i.saml {
            out.extend(if spring {
                integrations::saml::spring_env(d)?
            } else {
                integrations::saml::env(d)
            });
        }
        if let Some(Some(d)) = &i.smtp {
            out.extend(if spring {
                integrations::smtp::spring_env(d)
            } else {
                integrations::smtp::env(d)
            });
        }
        match &i.tracing {
            Some(Some(d)) => out.extend(integrations::tracing::env(d)),
            _ if spring => out.extend(spring::no_tracing_env()),
            _ => {}
        }
        if spring {
            let path = self.field("metrics_path").and_then(PyValue::as_str);
            out.extend(spring::prometheus_env(path)?);
        }
        if let Some(d) = i.oauth.as_ref().and_then(|o| o.data.as_ref()) {
            out.extend(if spring {
                integrations::oauth::spring_env(d)
            } else {
                integrations::oauth::env(self.spec.name, d)
            });
        }
        Ok(out)
    }
}

/// Python `str()` of a framework config value.
fn encode_str(v: &PyValue) -> String {
    encode(v)
}
