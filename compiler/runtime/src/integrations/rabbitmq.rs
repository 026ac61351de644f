//! RabbitMQ (`paas_charm.rabbitmq`: rabbitmq-k8s app data, or rabbitmq-server unit data).

use super::url_env::url_env_vars;
use super::{relation, Ctx, EnvCx, Found, Read, Sample};
use crate::deployment::Relation;
use crate::provenance::{all_from, var, Source, Var};
use crate::status::PyError;
use crate::urlparse::{quote, unquote, urlparse};

/// `PaaSRabbitMQRelationData`.
#[derive(Clone, Debug)]
pub(crate) struct Data {
    pub vhost: String,
    pub port: u32,
    pub hostname: String,
    pub username: String,
    pub password: String,
    pub hostnames: Vec<String>,
}

impl Found for Data {
    fn destinations(&self) -> Vec<(String, u16)> {
        std::iter::once(&self.hostname)
            .chain(&self.hostnames)
            .flat_map(|h| crate::net::of_url(&format!("{h}:{}", self.port), "amqp"))
            .collect()
    }
}

impl Data {
    fn uri(&self, host: &str) -> String {
        format!(
            "amqp://{}:{}@{}:{}/{}",
            self.username,
            self.password,
            host,
            self.port,
            quote(&self.vhost, "")
        )
    }
}

/// The connection data, or `None` until a host and password are known. (The library reads the
/// relation with `Model.get_relation`, so several relations raise.)
pub(crate) fn read(ctx: &Ctx, _: &str, rel: &Relation) -> Read {
    let nonempty = |v: Option<&String>| v.filter(|s| !s.is_empty()).cloned();
    let k8s = match (
        nonempty(rel.app_data.get("hostname")),
        nonempty(rel.app_data.get("password")),
    ) {
        (Some(h), Some(p)) => Some((h, p)),
        _ => None,
    };
    let server = || {
        rel.units_data
            .values()
            .find_map(|u| Some((nonempty(u.get("hostname"))?, nonempty(u.get("password"))?)))
    };
    let Some((hostname, password)) = k8s.or_else(server) else {
        return Ok(None);
    };
    let mut hostnames: Vec<String> = rel
        .units_data
        .values()
        .filter_map(|u| nonempty(u.get("hostname")))
        .collect();
    if hostnames.is_empty() {
        hostnames.push(
            rel.app_data
                .get("hostname")
                .cloned()
                .unwrap_or_else(|| "None".into()),
        );
    }
    Ok(Some(Box::new(Data {
        vhost: "/".into(),
        port: 5672,
        hostname,
        username: ctx.dep.app.clone(),
        password,
        hostnames,
    })))
}

/// A rabbitmq-k8s at `host` with the app's password.
pub(crate) fn sample(s: &Sample) -> Relation {
    relation(&[("hostname", s.host), ("password", s.password)])
}

/// Whether a RabbitMQ variable carries credentials (the URIs, the user and the password).
pub(crate) fn is_secret(name: &str) -> bool {
    super::url_env::is_secret(name)
        || matches!(
            name,
            "spring.rabbitmq.username" | "spring.rabbitmq.password"
        )
}

/// The connection URI's sources: the provider's host and password, the app's name as the user.
fn uri_sources() -> Vec<Source> {
    vec![
        Source::relation("rabbitmq", &["hostname", "password"]),
        Source::App,
    ]
}

/// `generate_rabbitmq_env` (Spring Boot's `spring.rabbitmq.*` for Spring Boot).
pub(crate) fn env(cx: &EnvCx, found: Option<&dyn Found>) -> Result<Vec<Var>, PyError> {
    cx.map(found, plain_env, |d| Ok(spring_env(d)))
}

fn plain_env(d: &Data) -> Result<Vec<Var>, PyError> {
    let uri = d.uri(&d.hostname);
    let mut out = all_from(url_env_vars("RABBITMQ", &uri)?, &uri_sources());
    let path = urlparse(&uri)?.path;
    if path.chars().count() > 1 {
        let first = path.split('/').nth(1).unwrap_or("");
        out.push(var(
            "RABBITMQ_VHOST",
            unquote(first),
            vec![Source::Framework],
        ));
    }
    let uris: Vec<String> = d.hostnames.iter().map(|h| d.uri(h)).collect();
    if !uris.is_empty() {
        out.push(var(
            "RABBITMQ_CONNECT_STRINGS",
            uris.join(","),
            uri_sources(),
        ));
    }
    Ok(out)
}

/// Spring Boot's `spring.rabbitmq.*`.
fn spring_env(d: &Data) -> Vec<Var> {
    let field = |f: &'static str| vec![Source::relation("rabbitmq", &[f])];
    vec![
        var(
            "spring.rabbitmq.virtual-host",
            d.vhost.clone(),
            vec![Source::Framework],
        ),
        var(
            "spring.rabbitmq.username",
            d.username.clone(),
            vec![Source::App],
        ),
        var(
            "spring.rabbitmq.password",
            d.password.clone(),
            field("password"),
        ),
        var(
            "spring.rabbitmq.host",
            d.hostname.clone(),
            field("hostname"),
        ),
        var(
            "spring.rabbitmq.port",
            d.port.to_string(),
            vec![Source::Framework],
        ),
    ]
}
