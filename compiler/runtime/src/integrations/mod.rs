//! Integrations: every integration paas-charm reads, as one row of [`TABLE`] each, with its
//! own module reading the provider's relation data as paas-charm and its charm libraries do and
//! turning it into environment variables.
//!
//! Everything that walks the integrations (reading them into the charm state, the missing
//! integrations, the environment and its secret variables, the endpoints `paasc check` knows)
//! walks the table: adding an integration is a new module and a new row.

pub(crate) mod databases;
pub(crate) mod http_proxy;
pub(crate) mod ingress;
pub(crate) mod oauth;
pub(crate) mod openfga;
pub(crate) mod prometheus;
pub(crate) mod rabbitmq;
pub(crate) mod redis;
pub(crate) mod s3;
pub(crate) mod saml;
pub(crate) mod smtp;
pub(crate) mod spring;
pub(crate) mod tracing;
pub(crate) mod url_env;
pub(crate) mod valkey;

use crate::config::FrameworkConfig;
use crate::deployment::{Deployment, Relation};
use crate::provenance::{Source, Var};
use crate::pyjson::PyValue;
use crate::status::{Cause, PyError, Stop};
use paasc_frameworks::{Mappers, Spec};
use paasc_syntax::Yaml;
use std::any::Any;

/// Every integration paas-charm 1.12.3 reads, in the order its charm state holds them and
/// `_generate_integration_environments` turns them into variables (the databases among
/// themselves in the order the charm declares them).
pub static TABLE: &[Integration] = &[
    Integration {
        name: "openfga",
        requirer: Requirer::Named("openfga"),
        interface: "openfga",
        library: Some("openfga_k8s.openfga"),
        variables: &["FGA_*", "openfga.*"],
        secret_fields: &["token"],
        several: Several::RuntimeError,
        missing: Some(4),
        init: 8,
        read: Reader::Relation(openfga::read),
        env: openfga::env,
        is_secret: openfga::is_secret,
        sample: Some(openfga::sample),
    },
    Integration {
        name: "rabbitmq",
        requirer: Requirer::Named("rabbitmq"),
        interface: "rabbitmq",
        library: None,
        variables: &["RABBITMQ_*", "spring.rabbitmq.*"],
        secret_fields: &["password"],
        several: Several::TooMany,
        missing: Some(1),
        init: 5,
        read: Reader::Relation(rabbitmq::read),
        env: rabbitmq::env,
        is_secret: rabbitmq::is_secret,
        sample: Some(rabbitmq::sample),
    },
    Integration {
        name: "redis",
        requirer: Requirer::Named("redis"),
        interface: "redis",
        library: Some("redis_k8s.redis"),
        variables: &["REDIS_DB_*", "spring.data.redis.*"],
        secret_fields: &[],
        several: Several::TooMany,
        missing: Some(2),
        init: 1,
        read: Reader::Relation(redis::read),
        env: redis::env,
        is_secret: spring::is_secret,
        sample: Some(redis::sample),
    },
    Integration {
        name: "valkey",
        requirer: Requirer::Named("valkey"),
        interface: "valkey_client",
        library: None,
        variables: &["VALKEY_*"],
        secret_fields: &["password"],
        several: Several::Invalid,
        missing: None,
        init: 2,
        read: Reader::Relation(valkey::read),
        env: valkey::env,
        is_secret: url_env::is_secret,
        sample: Some(valkey::sample),
    },
    Integration {
        name: "s3",
        requirer: Requirer::Named("s3"),
        interface: "s3",
        library: Some("data_platform_libs.s3"),
        variables: &["S3_*", "spring.cloud.aws.*"],
        secret_fields: &["access-key", "secret-key"],
        several: Several::First,
        missing: Some(3),
        init: 3,
        read: Reader::Relation(s3::read),
        env: s3::env,
        is_secret: s3::is_secret,
        sample: Some(s3::sample),
    },
    databases::row(
        "postgresql",
        "postgresql_client",
        &[
            "POSTGRESQL_DB_*",
            "spring.datasource.*",
            "spring.jpa.hibernate.ddl-auto",
        ],
        databases::sample::<5432>,
    ),
    databases::row(
        "mysql",
        "mysql_client",
        &[
            "MYSQL_DB_*",
            "spring.datasource.*",
            "spring.jpa.hibernate.ddl-auto",
        ],
        databases::sample::<3306>,
    ),
    databases::row(
        "mongodb",
        "mongodb_client",
        &["MONGODB_DB_*", "spring.data.mongodb.uri"],
        databases::sample::<27017>,
    ),
    Integration {
        name: "saml",
        requirer: Requirer::Named("saml"),
        interface: "saml",
        library: Some("saml_integrator.saml"),
        variables: &["SAML_*", "spring.security.saml2.*"],
        secret_fields: &[],
        several: Several::TooMany,
        missing: Some(5),
        init: 4,
        read: Reader::Relation(saml::read),
        env: saml::env,
        is_secret: never,
        sample: Some(saml::sample),
    },
    Integration {
        name: "smtp",
        requirer: Requirer::Named("smtp"),
        interface: "smtp",
        library: Some("smtp_integrator.smtp"),
        variables: &["SMTP_*", "spring.mail.*"],
        secret_fields: &["password"],
        several: Several::TooMany,
        missing: Some(7),
        init: 7,
        read: Reader::Relation(smtp::read),
        env: smtp::env,
        is_secret: smtp::is_secret,
        sample: Some(smtp::sample),
    },
    Integration {
        name: "tracing",
        requirer: Requirer::Named("tracing"),
        interface: "tracing",
        library: Some("tempo_coordinator_k8s.tracing"),
        variables: &["OTEL_*"],
        secret_fields: &[],
        several: Several::NeedsLimitOne(tracing::AMBIGUOUS),
        missing: Some(6),
        init: 6,
        read: Reader::Relation(tracing::read),
        env: tracing::env,
        is_secret: never,
        sample: Some(tracing::sample),
    },
    Integration {
        name: "prometheus",
        requirer: Requirer::Provided("metrics-endpoint"),
        interface: "prometheus_scrape",
        library: Some("prometheus_k8s.prometheus_scrape"),
        variables: &["management.endpoints.web.*"],
        secret_fields: &[],
        several: Several::First,
        missing: None,
        init: 12,
        read: Reader::Nothing,
        env: prometheus::env,
        is_secret: never,
        sample: None,
    },
    Integration {
        name: "oauth",
        requirer: Requirer::AnyName,
        interface: "oauth",
        library: Some("hydra.oauth"),
        variables: &[
            "*_CLIENT_ID",
            "*_CLIENT_SECRET",
            "*_API_BASE_URL",
            "*_AUTHORIZE_URL",
            "*_ACCESS_TOKEN_URL",
            "*_USER_URL",
            "*_CLIENT_KWARGS",
            "*_JWKS_URL",
            "spring.security.oauth2.client.*",
        ],
        secret_fields: &["secret"],
        several: Several::RuntimeError,
        missing: Some(8),
        init: 11,
        read: Reader::Endpoint(oauth::read),
        env: oauth::env,
        is_secret: oauth::is_secret,
        sample: Some(oauth::sample),
    },
    Integration {
        name: "http-proxy",
        requirer: Requirer::Named("http-proxy"),
        interface: "http_proxy",
        library: Some("squid_forward_proxy.http_proxy"),
        variables: &["http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"],
        secret_fields: &[],
        several: Several::TooManyInConstructor,
        missing: None,
        init: 9,
        read: Reader::Relation(http_proxy::read),
        env: no_env,
        is_secret: never,
        sample: Some(http_proxy::sample),
    },
    Integration {
        name: "ingress",
        requirer: Requirer::Always(ingress::ENDPOINT),
        interface: "ingress",
        library: Some("traefik_k8s.ingress"),
        variables: &["*_BASE_URL", "DJANGO_ALLOWED_HOSTS"],
        secret_fields: &[],
        several: Several::First,
        missing: None,
        init: 10,
        read: Reader::Relation(ingress::read),
        env: no_env,
        is_secret: never,
        sample: Some(ingress::sample),
    },
];

/// One integration paas-charm reads: a row of [`TABLE`].
pub struct Integration {
    /// Its name in paas-charm's state and in `missing integrations: ...`.
    pub name: &'static str,
    /// Which endpoint paas-charm reads it from, and when it creates its requirer.
    pub requirer: Requirer,
    /// The interface.
    pub interface: &'static str,
    /// The charm library the framework extensions add for it (`charm-libs`), when it has one.
    pub library: Option<&'static str>,
    /// The variables it can give, `*` standing for any text.
    pub variables: &'static [&'static str],
    /// The relation fields (databag keys or secret keys) the provider puts credentials in.
    pub secret_fields: &'static [&'static str],
    /// What its library does when the endpoint has several relations.
    pub several: Several,
    /// Whether the unit is blocked while it gives no data, unless the charm declares the
    /// endpoint `optional: true`: its place in `_missing_required_integrations` (the databases
    /// share one, in the order the charm declares them); `None` when it never blocks.
    pub missing: Option<u8>,
    /// Its place among the requirers the charm's constructor creates (the order `paasc check`
    /// lists the interfaces in).
    pub init: u8,
    /// Reads the relation on the endpoint into the charm state.
    pub(crate) read: Reader,
    /// The variables its data gives (`generate_<name>_env` of the framework's mappers); also
    /// called when the integration gave nothing, as some mappers set variables then.
    pub(crate) env: EnvFn,
    /// Whether one of its variables carries a credential.
    pub(crate) is_secret: fn(&str) -> bool,
    /// The relation data a provider would publish for a backing service at `host` with
    /// generated credentials, for paas-charm to read as it would the real provider's.
    pub sample: Option<fn(&Sample) -> Relation>,
}

/// Which endpoint paas-charm reads an integration from, and when it creates its requirer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Requirer {
    /// The endpoint of this name, when the charm declares it with the row's interface.
    Named(&'static str),
    /// The endpoint of this name, when the charm declares any endpoint with the row's interface
    /// (the databases: a `db` endpoint of `postgresql_client` makes paas-charm read
    /// `postgresql`).
    ByInterface(&'static str),
    /// The endpoint with the row's interface, whatever its name, when there is exactly one.
    AnyName,
    /// The endpoint of this name, always (the extension declares it).
    Always(&'static str),
    /// An endpoint the charm provides: paas-charm reads no relation data from it.
    Provided(&'static str),
}

impl Requirer {
    /// The name a charm's `requires` endpoint must have for paas-charm to read it: `Some(None)`
    /// for any name, `None` when paas-charm does not read the row from an endpoint the charm
    /// declares in `requires` (ingress, provided endpoints).
    pub const fn requires_name(self) -> Option<Option<&'static str>> {
        match self {
            Requirer::Named(n) | Requirer::ByInterface(n) => Some(Some(n)),
            Requirer::AnyName => Some(None),
            Requirer::Always(_) | Requirer::Provided(_) => None,
        }
    }
}

/// What an integration's library does when its endpoint has several relations.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Several {
    /// Reads the first relation.
    First,
    /// `Model.get_relation` raises ops' `TooManyRelatedAppsError`.
    TooMany,
    /// The library turns `TooManyRelatedAppsError` into a `RuntimeError`.
    RuntimeError,
    /// The library says the relation data is invalid.
    Invalid,
    /// The library raises `AmbiguousRelationUsageError` (this message) unless the endpoint is
    /// declared with `limit: 1`, however many relations it has.
    NeedsLimitOne(&'static str),
    /// The library's constructor raises `TooManyRelatedAppsError`, before paas-charm reads
    /// its configuration.
    TooManyInConstructor,
}

/// A backing service a provider would describe in its relation data: where it listens and the
/// credentials generated for the app.
#[derive(Clone, Copy, Debug)]
pub struct Sample<'a> {
    /// The service's host name.
    pub host: &'a str,
    /// The user (or access key) generated for the app.
    pub user: &'a str,
    /// The password (or secret key, token, client secret) generated for the app.
    pub password: &'a str,
    /// The database (or bucket, store) created for the app.
    pub database: &'a str,
}

/// How an integration's data is read into the charm state.
#[derive(Clone, Copy)]
pub(crate) enum Reader {
    /// From the relation on the endpoint, when it has one.
    Relation(fn(&Ctx, &str, &Relation) -> Read),
    /// Whether the endpoint has a relation or not: the requirer also holds the charm's options.
    Endpoint(fn(&Ctx, &str, Option<&Relation>) -> Read),
    /// Nothing: the charm provides the endpoint.
    Nothing,
}

/// What the charm state holds for an integration, `None` when its library gives nothing.
pub(crate) type Read = Result<Option<Box<dyn Found>>, Stop>;

/// The variables of an integration, given what it found when it is usable.
pub(crate) type EnvFn = fn(&EnvCx, Option<&dyn Found>) -> Result<Vec<Var>, PyError>;

/// What a reader found: the integration's data in the charm state.
pub(crate) trait Found: Any + std::fmt::Debug {
    /// Whether paas-charm counts the integration as given (else it is missing, when required).
    fn usable(&self) -> bool {
        true
    }

    /// The hosts and ports the app connects to with this data.
    fn destinations(&self) -> Vec<(String, u16)> {
        Vec::new()
    }
}

/// `found` as its module's type.
pub(crate) fn data<T: Found>(found: Option<&dyn Found>) -> Option<&T> {
    found.and_then(|f| (f as &dyn Any).downcast_ref::<T>())
}

fn no_env(_: &EnvCx, _: Option<&dyn Found>) -> Result<Vec<Var>, PyError> {
    Ok(Vec::new())
}

fn never(_: &str) -> bool {
    false
}

impl Integration {
    /// The endpoint paas-charm reads this integration from with the charm's `requires`, if it
    /// creates its requirer.
    pub(crate) fn endpoint(&self, req: &[Endpoint]) -> Option<String> {
        match self.requirer {
            Requirer::Named(name) => declared(req, name, self.interface).map(|_| name.into()),
            Requirer::ByInterface(name) => self.position(req).map(|_| name.into()),
            Requirer::AnyName => match self.of_interface(req).as_slice() {
                [one] => Some(one.name.clone()),
                _ => None,
            },
            Requirer::Always(name) => Some(name.into()),
            Requirer::Provided(_) => None,
        }
    }

    /// The endpoints the charm declares with this row's interface.
    fn of_interface<'a>(&self, req: &'a [Endpoint]) -> Vec<&'a Endpoint> {
        req.iter()
            .filter(|e| e.interface == self.interface)
            .collect()
    }

    /// Where the charm first declares the row's interface.
    fn position(&self, req: &[Endpoint]) -> Option<usize> {
        req.iter().position(|e| e.interface == self.interface)
    }

    /// Whether this is a database (paas-charm's `databases_relation_data`).
    pub const fn is_database(&self) -> bool {
        matches!(self.requirer, Requirer::ByInterface(_))
    }
}

impl Several {
    /// The relation the library reads on `endpoint`, or how it fails.
    fn relation<'a>(self, ctx: &'a Ctx, endpoint: &str) -> Result<Option<&'a Relation>, Stop> {
        let n = ctx.dep.relation_count(endpoint);
        let several = || Cause::SeveralRelations(endpoint.to_string());
        match self {
            Several::First | Several::TooManyInConstructor => {}
            Several::TooMany if n > 1 => return Err(too_many(endpoint, n)),
            Several::RuntimeError if n > 1 => {
                return Err(Stop::from(PyError::new(
                    "RuntimeError",
                    "More than one relations are defined. Please provide a relation_id",
                ))
                .because(several()))
            }
            Several::Invalid if n > 1 => return Err(invalid(endpoint).because(several())),
            Several::NeedsLimitOne(message) => {
                if !ctx
                    .requires
                    .iter()
                    .any(|e| e.name == endpoint && e.limit_one)
                {
                    return Err(
                        Stop::from(PyError::new("AmbiguousRelationUsageError", message)).because(
                            Cause::Declaration {
                                endpoint: endpoint.into(),
                                field: Some("limit"),
                            },
                        ),
                    );
                }
            }
            Several::TooMany | Several::RuntimeError | Several::Invalid => {}
        }
        Ok(ctx.relation(endpoint))
    }
}

/// Every integration paas-charm reads, as (the endpoint name it must have, or `None` for any
/// name; the interface), in the order the charm creates their requirers.
pub fn read_by_paas_charm() -> Vec<(Option<&'static str>, &'static str)> {
    let mut rows: Vec<&Integration> = TABLE.iter().collect();
    rows.sort_by_key(|r| r.init);
    rows.iter()
        .filter_map(|r| Some((r.requirer.requires_name()?, r.interface)))
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
fn declared<'a>(req: &'a [Endpoint], name: &str, interface: &str) -> Option<&'a Endpoint> {
    req.iter()
        .find(|e| e.name == name && e.interface == interface)
}

/// The rows in paas-charm's order for the charm's `requires`, each with the endpoint it reads
/// when paas-charm creates its requirer: the table's order, the databases in the order the
/// charm declares their interfaces (paas-charm's dict of database requirers).
fn ordered(req: &[Endpoint]) -> Vec<(&'static Integration, Option<String>)> {
    let first_db = TABLE.iter().position(Integration::is_database);
    let mut rows: Vec<(usize, usize, &'static Integration)> = TABLE
        .iter()
        .enumerate()
        .map(|(i, row)| match (row.is_database(), first_db) {
            (true, Some(db)) => (db, row.position(req).unwrap_or(usize::MAX), row),
            _ => (i, 0, row),
        })
        .collect();
    rows.sort_by_key(|(i, at, _)| (*i, *at));
    rows.into_iter()
        .map(|(_, _, row)| (row, row.endpoint(req)))
        .collect()
}

/// One row of the charm state: the endpoint read, when paas-charm created the requirer, and
/// what was found there.
#[derive(Debug)]
pub(crate) struct Reading {
    pub row: &'static Integration,
    pub endpoint: Option<String>,
    pub found: Option<Box<dyn Found>>,
}

impl Reading {
    /// What was found, when paas-charm counts it as given.
    pub(crate) fn usable(&self) -> Option<&dyn Found> {
        self.found.as_deref().filter(|f| f.usable())
    }
}

impl std::fmt::Debug for Integration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

/// What every integration found in its relation data (`IntegrationsState`).
#[derive(Debug, Default)]
pub(crate) struct Integrations {
    /// Every row, in paas-charm's order.
    pub rows: Vec<Reading>,
}

impl Integrations {
    /// What the integration whose data has type `T` found, if its requirer exists.
    pub(crate) fn find<T: Found>(&self) -> Option<&T> {
        self.rows.iter().find_map(|r| data(r.found.as_deref()))
    }

    /// The hosts and ports the app connects to: every usable integration's, then the model's
    /// proxies, each once.
    pub(crate) fn destinations(&self, dep: &Deployment) -> Vec<crate::Destination> {
        let proxies = crate::net::of_proxies([&dep.proxy.http_proxy, &dep.proxy.https_proxy])
            .map(|hp| ("model-proxy", hp));
        let mut out: Vec<crate::Destination> = Vec::new();
        for (integration, (host, port)) in self
            .rows
            .iter()
            .filter_map(|r| Some((r.row.name, r.usable()?)))
            .flat_map(|(name, f)| f.destinations().into_iter().map(move |hp| (name, hp)))
            .chain(proxies)
        {
            let d = crate::Destination {
                integration: integration.to_string(),
                host,
                port,
            };
            if !out.contains(&d) {
                out.push(d);
            }
        }
        out
    }

    /// Whether any database gave its URI.
    pub(crate) fn has_database(&self) -> bool {
        self.rows
            .iter()
            .any(|r| r.row.is_database() && r.usable().is_some())
    }

    /// `_missing_required_integrations`, in paas-charm's order: the integrations that block
    /// the unit while their declared endpoint gives no data.
    pub(crate) fn missing(&self, requires: &[Endpoint]) -> Result<Vec<String>, PyError> {
        let optional = |name: &str| {
            requires
                .iter()
                .find(|e| e.name == name)
                .map(|e| e.optional)
                .ok_or_else(|| PyError::new("KeyError", format!("'{name}'")))
        };
        let mut rows: Vec<(u8, &Reading)> = self
            .rows
            .iter()
            .filter_map(|r| Some((r.row.missing?, r)))
            .collect();
        rows.sort_by_key(|(at, _)| *at);
        let mut out = Vec::new();
        for (_, r) in rows {
            let Some(endpoint) = &r.endpoint else {
                continue;
            };
            if r.usable().is_none() && !optional(endpoint)? {
                out.push(r.row.name.to_string());
            }
        }
        Ok(out)
    }
}

/// Context shared by the readers.
pub(crate) struct Ctx<'a> {
    pub dep: &'a Deployment,
    pub requires: &'a [Endpoint],
    pub config: &'a crate::config::Config<'a>,
    pub base_url: &'a str,
}

impl Ctx<'_> {
    /// The relation ops lists first on `name`.
    pub(crate) fn relation(&self, name: &str) -> Option<&Relation> {
        self.dep.relations.get(name)
    }
}

/// What an integration's variables are made from besides its data.
pub(crate) struct EnvCx<'a> {
    pub spec: &'static Spec,
    /// The endpoint the data was read from.
    pub endpoint: &'a str,
    /// The framework configuration.
    pub framework_config: &'a FrameworkConfig,
    /// Where the framework configuration's field got its value.
    pub field_source: &'a dyn Fn(&'static str) -> Source,
}

impl EnvCx<'_> {
    /// Whether the framework has Spring Boot's mappers.
    pub(crate) fn spring(&self) -> bool {
        self.spec.mappers == Mappers::Spring
    }

    /// The variables of `found`, read as `T`, by the framework's mappers: Spring Boot's
    /// `spring`, the other frameworks' `standard`; none when the integration gave nothing.
    pub(crate) fn map<T: Found>(
        &self,
        found: Option<&dyn Found>,
        standard: impl FnOnce(&T) -> Result<Vec<Var>, PyError>,
        spring: impl FnOnce(&T) -> Result<Vec<Var>, PyError>,
    ) -> Result<Vec<Var>, PyError> {
        match data::<T>(found) {
            Some(d) if self.spring() => spring(d),
            Some(d) => standard(d),
            None => Ok(Vec::new()),
        }
    }

    /// The framework configuration's field `name`.
    pub(crate) fn field(&self, name: &str) -> Option<&PyValue> {
        self.framework_config
            .iter()
            .find(|(f, _)| *f == name)
            .map(|(_, v)| v)
    }
}

/// The charm's constructor: the libraries that read their relation there and raise.
pub(crate) fn construct(requires: &[Endpoint], dep: &Deployment) -> Result<(), Stop> {
    for row in TABLE {
        if row.several != Several::TooManyInConstructor {
            continue;
        }
        if let Some(endpoint) = row.endpoint(requires) {
            let n = dep.relation_count(&endpoint);
            if n > 1 {
                return Err(too_many(&endpoint, n));
            }
        }
    }
    Ok(())
}

/// `IntegrationsState` as `CharmState.from_charm` builds it: every row whose requirer the
/// charm creates reads its endpoint; an error is blamed on the endpoint's relation data unless
/// its cause is known.
pub(crate) fn read(ctx: &Ctx) -> Result<Integrations, Stop> {
    let mut rows = Vec::new();
    for (row, endpoint) in ordered(ctx.requires) {
        let found = match &endpoint {
            Some(ep) => {
                let blame = |stop: Stop| stop.or_because(Cause::RelationData(ep.clone()));
                let rel = row.several.relation(ctx, ep).map_err(blame)?;
                match (row.read, rel) {
                    (Reader::Relation(read), Some(rel)) => read(ctx, ep, rel),
                    (Reader::Endpoint(read), rel) => read(ctx, ep, rel),
                    (Reader::Relation(_) | Reader::Nothing, _) => Ok(None),
                }
                .map_err(blame)?
            }
            None => None,
        };
        rows.push(Reading {
            row,
            endpoint,
            found,
        });
    }
    Ok(Integrations { rows })
}

/// A relation whose application databag holds `data`.
fn relation(data: &[(&str, &str)]) -> Relation {
    Relation {
        app_data: data
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Relation::default()
    }
}

/// ops' `TooManyRelatedAppsError` for `n` relations on `name`.
fn too_many(name: &str, n: usize) -> Stop {
    Stop::from(PyError::new(
        "TooManyRelatedAppsError",
        format!("Too many remote applications on {name} ({n} > 1)"),
    ))
    .because(Cause::SeveralRelations(name.to_string()))
}

/// `Invalid <relation> relation data.`, caused by the data on the endpoint `relation`.
pub(crate) fn invalid(relation: &str) -> Stop {
    Stop::Blocked(format!("Invalid {relation} relation data."))
        .because(Cause::RelationData(relation.to_string()))
}
