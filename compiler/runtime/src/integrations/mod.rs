//! Integrations: reading each provider's relation data as paas-charm and its charm libraries
//! do, and the environment variables each produces.

pub(crate) mod databases;
pub(crate) mod http_proxy;
pub(crate) mod ingress;
pub(crate) mod oauth;
pub(crate) mod openfga;
pub(crate) mod rabbitmq;
pub(crate) mod redis;
pub(crate) mod s3;
pub(crate) mod saml;
pub(crate) mod smtp;
pub(crate) mod spring;
pub(crate) mod tracing;
pub(crate) mod url_env;
pub(crate) mod valkey;

use crate::deployment::{Deployment, Relation};
use crate::status::{Cause, PyError, Stop};
use paasc_syntax::Yaml;

/// The integrations paas-charm reads besides the databases
/// ([`databases::INTERFACES`]): (endpoint name, interface); `None` for any name.
const READ: &[(Option<&str>, &str)] = &[
    (Some("redis"), "redis"),
    (Some("valkey"), "valkey_client"),
    (Some("s3"), "s3"),
    (Some("saml"), "saml"),
    (Some("rabbitmq"), "rabbitmq"),
    (Some("tracing"), "tracing"),
    (Some("smtp"), "smtp"),
    (Some("openfga"), "openfga"),
    (Some("http-proxy"), "http_proxy"),
    (None, "oauth"),
];

/// Every integration paas-charm reads, as (the endpoint name it must have, or `None` for any
/// name; the interface), the databases first.
pub fn read_by_paas_charm() -> Vec<(Option<&'static str>, &'static str)> {
    databases::INTERFACES
        .iter()
        .map(|(interface, name)| (Some(*name), *interface))
        .chain(READ.iter().copied())
        .collect()
}

/// A `requires` endpoint of the charm.
#[derive(Clone, Debug)]
pub(crate) struct Endpoint {
    pub name: String,
    pub interface: String,
    pub optional: bool,
    /// Whether the metadata says `limit: 1` (ops reads `limit`; Python's `True == 1`).
    pub limit_one: bool,
}

/// The charm's `requires`, sorted by name as in the packed `metadata.yaml`.
pub(crate) fn requires(charm: &Yaml) -> Vec<Endpoint> {
    let mut out: Vec<Endpoint> = charm
        .get("requires")
        .and_then(Yaml::as_map)
        .unwrap_or(&[])
        .iter()
        .filter_map(|(k, v)| {
            Some(Endpoint {
                name: k.as_str()?.to_string(),
                interface: v
                    .get("interface")
                    .and_then(Yaml::as_str)
                    .unwrap_or("")
                    .into(),
                optional: matches!(v.get("optional"), Some(Yaml::Bool(true))),
                limit_one: matches!(v.get("limit"), Some(Yaml::Int(1) | Yaml::Bool(true))),
            })
        })
        .collect();
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

/// The endpoint `name` when it is declared with `interface`.
pub(crate) fn declared<'a>(
    req: &'a [Endpoint],
    name: &str,
    interface: &str,
) -> Option<&'a Endpoint> {
    req.iter()
        .find(|e| e.name == name && e.interface == interface)
}

/// What every integration found in its relation data.
#[derive(Debug, Default)]
pub(crate) struct Integrations {
    pub databases: Vec<(String, Option<databases::Uri>)>,
    pub openfga: Option<Option<openfga::Data>>,
    pub rabbitmq: Option<Option<rabbitmq::Data>>,
    pub redis: Option<Option<String>>,
    pub valkey: Option<Option<valkey::Data>>,
    pub s3: Option<Option<s3::Data>>,
    pub saml: Option<Option<saml::Data>>,
    pub smtp: Option<Option<smtp::Data>>,
    pub tracing: Option<Option<tracing::Data>>,
    pub tracing_ready: bool,
    pub oauth: Option<oauth::Requirer>,
    pub http_proxy: Option<http_proxy::Proxies>,
}

/// Context shared by the readers.
pub(crate) struct Ctx<'a> {
    pub dep: &'a Deployment,
    pub requires: &'a [Endpoint],
    pub config: &'a indexmap::IndexMap<String, crate::config::Value>,
    pub base_url: &'a str,
}

impl Ctx<'_> {
    /// The relation ops lists first on `name`.
    pub(crate) fn relation(&self, name: &str) -> Option<&Relation> {
        self.dep.relations.get(name)
    }

    /// `Model.get_relation(name)`: the only relation on `name`; several raise ops'
    /// `TooManyRelatedAppsError`.
    pub(crate) fn unique(&self, name: &str) -> Result<Option<&Relation>, Stop> {
        match self.dep.relation_count(name) {
            0 | 1 => Ok(self.relation(name)),
            n => Err(too_many(name, n)),
        }
    }

    /// `Model.get_relation(name)` in the openfga and hydra libraries, which turn
    /// `TooManyRelatedAppsError` into a `RuntimeError`.
    pub(crate) fn unique_or_runtime_error(&self, name: &str) -> Result<Option<&Relation>, Stop> {
        self.unique(name).map_err(|_| {
            Stop::from(PyError::new(
                "RuntimeError",
                "More than one relations are defined. Please provide a relation_id",
            ))
            .because(Cause::SeveralRelations(name.to_string()))
        })
    }
}

/// ops' `TooManyRelatedAppsError` for `n` relations on `name`.
pub(crate) fn too_many(name: &str, n: usize) -> Stop {
    Stop::from(PyError::new(
        "TooManyRelatedAppsError",
        format!("Too many remote applications on {name} ({n} > 1)"),
    ))
    .because(Cause::SeveralRelations(name.to_string()))
}

/// `IntegrationsState` as `CharmState.from_charm` builds it (requirers of undeclared
/// endpoints are `None`; a declared one without usable data is `Some(None)`).
pub(crate) fn read(ctx: &Ctx) -> Result<Integrations, Stop> {
    let req = ctx.requires;
    let when = |name: &str, iface: &str| declared(req, name, iface).is_some();
    let data =
        |name: &'static str| move |stop: Stop| stop.or_because(Cause::RelationData(name.into()));
    let mut out = Integrations {
        databases: databases::read(ctx),
        ..Integrations::default()
    };
    if when("openfga", "openfga") {
        out.openfga = Some(openfga::read(ctx).map_err(data("openfga"))?);
    }
    if when("rabbitmq", "rabbitmq") {
        out.rabbitmq = Some(rabbitmq::read(ctx).map_err(data("rabbitmq"))?);
    }
    if when("redis", "redis") {
        out.redis = Some(redis::read(ctx).map_err(data("redis"))?);
    }
    if when("valkey", "valkey_client") {
        out.valkey = Some(valkey::read(ctx).map_err(data("valkey"))?);
    }
    if when("s3", "s3") {
        out.s3 = Some(s3::read(ctx).map_err(data("s3"))?);
    }
    if when("saml", "saml") {
        out.saml = Some(saml::read(ctx).map_err(data("saml"))?);
    }
    if when("smtp", "smtp") {
        out.smtp = Some(smtp::read(ctx).map_err(data("smtp"))?);
    }
    if when("tracing", "tracing") {
        let (ready, found) = tracing::read(ctx).map_err(data("tracing"))?;
        out.tracing_ready = ready;
        out.tracing = Some(found);
    }
    out.oauth = oauth::requirer(ctx)?;
    if when("http-proxy", "http_proxy") && ctx.relation("http-proxy").is_some() {
        out.http_proxy = Some(http_proxy::read(ctx).map_err(data("http-proxy"))?);
    }
    Ok(out)
}

/// `Invalid <relation> relation data.`, caused by the data on the endpoint `relation`.
pub(crate) fn invalid(relation: &str) -> Stop {
    Stop::Blocked(format!("Invalid {relation} relation data."))
        .because(Cause::RelationData(relation.to_string()))
}
