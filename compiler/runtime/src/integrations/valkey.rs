//! Valkey (`dpcharmlibs.interfaces`, `ValkeyResponseModel`), read from the provider's app
//! databag with secret-held credentials.

use super::url_env::db_url_env;
use super::{data, invalid, relation, Ctx, EnvCx, Found, Read, Sample};
use crate::deployment::Relation;
use crate::provenance::{all_from, var, Source, Var};
use crate::status::PyError;

/// The fields of `ValkeyResponseModel` paas-charm uses.
#[derive(Clone, Debug, Default)]
pub(crate) struct Data {
    pub endpoints: String,
    pub username: Option<String>,
    pub password: Option<String>,
    pub read_only_endpoints: Option<String>,
    pub sentinel_endpoints: Option<String>,
    pub mode: Option<String>,
    pub version: Option<String>,
}

impl Found for Data {
    fn destinations(&self) -> Vec<(String, u16)> {
        [
            Some(&self.endpoints),
            self.read_only_endpoints.as_ref(),
            self.sentinel_endpoints.as_ref(),
        ]
        .into_iter()
        .flatten()
        .flat_map(|e| crate::net::of_url(e, "valkey"))
        .collect()
    }
}

/// The response, `None` before the provider published endpoints. (Several relations are
/// `ValkeyMultipleRelationsNotSupportedError`, an invalid-data error.)
pub(crate) fn read(_: &Ctx, _: &str, rel: &Relation) -> Read {
    let field = |k: &str| {
        rel.secrets
            .values()
            .find_map(|c| c.get(k))
            .or_else(|| rel.app_data.get(k))
            .cloned()
    };
    let Some(endpoints) = field("endpoints").filter(|e| !e.is_empty()) else {
        return Ok(None);
    };
    if field("tls").is_some_and(|t| t == "true") {
        return Err(invalid("valkey"));
    }
    Ok(Some(Box::new(Data {
        endpoints,
        username: field("username"),
        password: field("password"),
        read_only_endpoints: field("read-only-endpoints"),
        sentinel_endpoints: field("sentinel-endpoints"),
        mode: field("mode"),
        version: field("version"),
    })))
}

/// A Valkey server at `host:6379`.
pub(crate) fn sample(s: &Sample) -> Relation {
    relation(&[
        ("endpoints", &format!("{}:6379", s.host)),
        ("username", s.user),
        ("password", s.password),
    ])
}

/// `generate_valkey_env`.
pub(crate) fn env(_: &EnvCx, found: Option<&dyn Found>) -> Result<Vec<Var>, PyError> {
    let Some(d) = data::<Data>(found) else {
        return Ok(Vec::new());
    };
    let user_info = match d.username.as_deref().filter(|u| !u.is_empty()) {
        Some(u) => format!("{u}:{}@", d.password.as_deref().unwrap_or("None")),
        None => String::new(),
    };
    let endpoint = match d.endpoints.split_once("://") {
        Some((scheme, netloc)) => format!("{scheme}://{user_info}{netloc}"),
        None => format!("valkey://{user_info}{}", d.endpoints),
    };
    let field = |names: &[&'static str]| vec![Source::relation("valkey", names)];
    let mut out = all_from(
        db_url_env("VALKEY", &endpoint)?,
        &field(&["endpoints", "username", "password"]),
    );
    let or_empty = |v: &Option<String>| v.clone().unwrap_or_default();
    out.push(var(
        "VALKEY_DB_READ_ONLY_ENDPOINTS",
        or_empty(&d.read_only_endpoints),
        field(&["read-only-endpoints"]),
    ));
    out.push(var(
        "VALKEY_DB_SENTINEL_ENDPOINTS",
        or_empty(&d.sentinel_endpoints),
        field(&["sentinel-endpoints"]),
    ));
    out.push(var("VALKEY_MODE", or_empty(&d.mode), field(&["mode"])));
    out.push(var(
        "VALKEY_VERSION",
        or_empty(&d.version),
        field(&["version"]),
    ));
    Ok(out)
}
