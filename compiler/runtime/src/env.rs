//! `App.gen_environment`: the workload's environment variables, each with its provenance.

use crate::config::{option_var, Config, FrameworkConfig, UserOption, Value};
use crate::deployment::ConfigValue;
use crate::deployment::Deployment;
use crate::integrations::http_proxy::Proxies;
use crate::integrations::{EnvCx, Integrations, Requirer};
use crate::provenance::{Given, Provenance, Source, Var};
use crate::pyjson::{dumps, PyValue};
use crate::status::{Cause, Stop};
use crate::NameMap;
use paasc_frameworks::Spec;
use std::collections::BTreeSet;

/// The environment, with where each variable comes from and the names of the variables whose
/// values come from secrets: secret options, the secret key, and the credentials, keys and
/// connect strings of integrations.
#[derive(Default)]
pub(crate) struct Environment {
    pub vars: NameMap<String>,
    /// Where each of `vars` comes from, in its order.
    pub provenance: Vec<Provenance>,
    pub secret: BTreeSet<String>,
}

impl Environment {
    /// Sets `name` (as a Python dict assignment: a name set again keeps its place), recording
    /// the sources of the value it replaces.
    fn set(&mut self, name: impl Into<String>, value: impl Into<String>, from: Vec<Source>) {
        let (i, _) = self.vars.insert_full(name.into(), value.into());
        match self.provenance.get_mut(i) {
            Some(old) => {
                let overrode = old
                    .overrode
                    .iter()
                    .chain(old.from.first())
                    .cloned()
                    .collect();
                *old = Provenance { from, overrode };
            }
            None => self.provenance.push(Provenance {
                from,
                overrode: Vec::new(),
            }),
        }
    }

    /// Adds an integration's variables, marking those its module calls secret.
    fn add(&mut self, vars: Vec<Var>, is_secret: fn(&str) -> bool) {
        for v in vars {
            if is_secret(&v.name) {
                self.secret.insert(v.name.clone());
            }
            self.set(v.name, v.value, v.from);
        }
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
    pub user_config: Vec<UserOption<'a>>,
    pub framework_config: FrameworkConfig,
    pub base_url: String,
    pub secret_key: String,
    pub integrations: Integrations,
    pub json_logging: bool,
    /// The charm's config as paas-charm reads it (set values and defaults).
    pub config: &'a Config<'a>,
    /// Whether the base URL is the ingress relation's.
    pub ingress: bool,
}

/// `encode_env`: strings as-is, anything else through `json.dumps`.
fn encode(v: &PyValue) -> String {
    match v {
        PyValue::Str(s) => s.clone(),
        other => dumps(other),
    }
}

/// [`encode`] of a plain config value, written directly.
fn encode_plain(v: &ConfigValue) -> String {
    match v {
        ConfigValue::Str(s) => s.clone(),
        ConfigValue::Int(i) => {
            let mut out = String::with_capacity(20);
            if *i < 0 {
                out.push('-');
            }
            crate::pyjson::push_digits(&mut out, i.unsigned_abs(), 1);
            out
        }
        ConfigValue::Bool(b) => if *b { "true" } else { "false" }.to_string(),
        ConfigValue::Float(f) => crate::pyjson::float_json(*f),
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

    /// Where the option `name` has its value.
    fn option(&self, name: &str) -> Source {
        let given = if self.dep.config.contains_key(name) {
            Given::Set
        } else {
            Given::Default
        };
        Source::Option {
            name: name.to_string(),
            given,
        }
    }

    /// Where the framework configuration's field `field` got its value: its option, the
    /// secret its `-id` option names (the secret key), or paas-charm's default.
    fn field_source(&self, field: &'static str) -> Source {
        let Some(f) = self.spec.fields.iter().find(|f| f.name == field) else {
            return Source::FrameworkDefault { field };
        };
        let id = [f.alias, "-id"].concat();
        let secret_id = self.spec.secret_key_field().map(|k| k.alias) == Some(f.alias)
            && self.config.contains_key(id.as_str());
        if secret_id {
            Source::Secret {
                option: id,
                key: "value".into(),
            }
        } else if self.config.contains_key(f.alias) {
            self.option(f.alias)
        } else {
            Source::FrameworkDefault { field }
        }
    }

    /// The environment, in paas-charm's insertion order, with its provenance and its
    /// secret-derived names.
    pub(crate) fn environment(&self) -> Result<Environment, Stop> {
        let spec = self.spec;
        let prefix = spec.configuration_prefix;
        let capacity = self.user_config.len() + self.framework_config.len() + 16;
        let mut env = Environment {
            vars: NameMap::with_capacity_and_hasher(capacity, Default::default()),
            provenance: Vec::with_capacity(capacity),
            secret: BTreeSet::new(),
        };
        for UserOption { option, value } in &self.user_config {
            match value {
                Value::Secret(content) => {
                    for (k, v) in content {
                        let name = format!(
                            "{}_{}",
                            option_var(spec, option),
                            upper(&k.replace('-', "_"))
                        );
                        env.secret.insert(name.clone());
                        let from = Source::Secret {
                            option: option.to_string(),
                            key: k.clone(),
                        };
                        env.set(name, v.clone(), vec![from]);
                    }
                }
                Value::Plain(plain) => {
                    let from = self.option(option);
                    env.set(option_var(spec, option), encode_plain(plain), vec![from]);
                }
            }
        }
        let secret_field = spec.secret_key_field().map(|f| f.name);
        let base_url = Source::BaseUrl {
            ingress: self.ingress,
        };
        for (field, value) in &self.framework_config {
            let name = [spec.framework_config_prefix, &upper(field)].concat();
            if secret_field == Some(*field) {
                env.secret.insert(name.clone());
            }
            let mut from = vec![self.field_source(field)];
            if spec.django && *field == "allowed_hosts" {
                from.push(base_url.clone());
            }
            env.set(name, encode(value), from);
        }
        if !self.base_url.is_empty() {
            env.set(
                [prefix, "BASE_URL"].concat(),
                self.base_url.clone(),
                vec![base_url],
            );
        }
        let secret_key_env = [prefix, "SECRET_KEY"].concat();
        if !env.vars.contains_key(&secret_key_env) {
            env.secret.insert(secret_key_env.clone());
            env.set(
                secret_key_env,
                self.secret_key.clone(),
                vec![Source::SecretKey],
            );
        }
        let proxy = &self.dep.proxy;
        let model = |p: &'static str| vec![Source::ModelProxy(p)];
        let (http, https) = match self.integrations.find::<Proxies>() {
            Some(p) => p.with_sources(),
            None => (
                (proxy.http_proxy.clone(), model("http_proxy")),
                (proxy.https_proxy.clone(), model("https_proxy")),
            ),
        };
        for (name, (value, from)) in [
            ("http_proxy", http),
            ("https_proxy", https),
            ("no_proxy", (proxy.no_proxy.clone(), model("no_proxy"))),
        ] {
            if let Some(v) = value.filter(|v| !v.is_empty()) {
                if has_userinfo(&v) {
                    env.secret.insert(name.to_string());
                    env.secret.insert(name.to_uppercase());
                }
                env.set(name, v.clone(), from.clone());
                env.set(name.to_uppercase(), v, from);
            }
        }
        if let Some(peers) = self.peer_fqdns() {
            env.set(
                format!("{prefix}PEER_FQDNS"),
                peers,
                vec![Source::PeerUnits],
            );
        }
        self.integration_env(&mut env)?;
        if spec.spring_env {
            if let Some(p) = self.field("app_profiles") {
                env.set(
                    "spring.profiles.active",
                    encode_str(p),
                    vec![self.field_source("app_profiles")],
                );
            }
            env.set(
                "server.forward-headers-strategy",
                "framework",
                vec![Source::Framework],
            );
        }
        if spec.fastapi_log_env && self.json_logging {
            const DIR: &str = "/tmp/fastapi/log_config";
            let mut from = vec![Source::PaasConfig];
            let path = match env.vars.get("PYTHONPATH").filter(|p| !p.is_empty()) {
                Some(existing) => {
                    from.extend(
                        env.vars
                            .get_index_of("PYTHONPATH")
                            .and_then(|i| env.provenance.get(i))
                            .and_then(|p| p.from.first())
                            .cloned(),
                    );
                    format!("{DIR}:{existing}")
                }
                None => DIR.to_string(),
            };
            env.set("PYTHONPATH", path, from);
            env.set(
                "UVICORN_LOG_CONFIG",
                format!("{DIR}/uvicorn-log-config.json"),
                vec![Source::PaasConfig],
            );
        }
        let vars = &env.vars;
        env.secret.retain(|name| vars.contains_key(name));
        Ok(env)
    }

    /// `_generate_integration_environments`, added to `env`: every integration's variables,
    /// in the table's order. A value paas-charm cannot turn into variables is blamed on its
    /// endpoint's relation data.
    fn integration_env(&self, env: &mut Environment) -> Result<(), Stop> {
        let field_source = |f: &'static str| self.field_source(f);
        for r in &self.integrations.rows {
            let endpoint = r.endpoint.as_deref().unwrap_or(r.row.name);
            let cx = EnvCx {
                spec: self.spec,
                endpoint,
                framework_config: &self.framework_config,
                field_source: &field_source,
            };
            let vars = (r.row.env)(&cx, r.usable()).map_err(|e| match r.row.requirer {
                Requirer::Provided(_) => Stop::from(e),
                _ => Stop::from(e).because(Cause::RelationData(endpoint.to_string())),
            })?;
            env.add(vars, r.row.is_secret);
        }
        Ok(())
    }
}

/// Python `str()` of a framework config value.
fn encode_str(v: &PyValue) -> String {
    encode(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_values_are_encoded_as_encode_env_does() {
        for i in [0, 7, -42, 1_000_000, i64::MAX, i64::MIN] {
            let v = ConfigValue::Int(i);
            assert_eq!(encode_plain(&v), encode(&PyValue::Int(i.into())), "{i}");
        }
        for f in [2.0, -0.5, 3.5, 1e-7, 1e20, 12345.678] {
            assert_eq!(
                encode_plain(&ConfigValue::Float(f)),
                encode(&PyValue::Float(f))
            );
        }
        assert_eq!(encode_plain(&ConfigValue::Bool(true)), "true");
        assert_eq!(encode_plain(&ConfigValue::Str("x y".into())), "x y");
    }
}
