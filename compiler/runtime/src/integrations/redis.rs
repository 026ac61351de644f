//! Redis (`charms.redis_k8s.v0.redis`, `PaaSRedisRequires`).

use super::url_env::db_url_env;
use super::{data, invalid, spring, Ctx, EnvCx, Found, Read, Sample};
use crate::deployment::Relation;
use crate::provenance::{all_from, Source, Var};
use crate::status::PyError;
use paasc_syntax::anyurl::any_url;

/// The fields the URL is made of: the unit's host and port, and the leader's host.
const FIELDS: [&str; 3] = ["hostname", "port", "leader-host"];

/// `redis://<host>:<port>`.
#[derive(Clone, Debug)]
pub(crate) struct Url(String);

impl Found for Url {
    fn destinations(&self) -> Vec<(String, u16)> {
        crate::net::of_url(&self.0, "redis")
    }
}

/// `redis://<host>:<port>` as the library builds it, or `None` when not usable yet.
pub(crate) fn read(_: &Ctx, _: &str, rel: &Relation) -> Read {
    let Some((_, unit)) = rel.units_data.iter().next() else {
        return Ok(None);
    };
    if unit.is_empty() {
        return Ok(None);
    }
    let mut host = unit.get("hostname").map_or("None", String::as_str);
    if !rel.app_data.is_empty() {
        if let Some(leader) = rel.app_data.get("leader-host") {
            host = leader;
        }
    }
    let port = unit.get("port").map_or("None", String::as_str);
    let url = ["redis://", host, ":", port].concat();
    if port == "None" && !host.is_empty() && !host.contains([':', '/']) {
        return Ok(None);
    }
    let url = any_url(&url).ok_or_else(|| invalid("redis"))?;
    Ok(Some(Box::new(Url(url))))
}

/// `generate_redis_env` (Spring Boot's for Spring Boot).
pub(crate) fn env(cx: &EnvCx, found: Option<&dyn Found>) -> Result<Vec<Var>, PyError> {
    let Some(Url(url)) = data::<Url>(found) else {
        return Ok(Vec::new());
    };
    let vars = if cx.spring() {
        spring::redis_env(url)
    } else {
        db_url_env("REDIS", url)
    }?;
    Ok(all_from(vars, &[Source::relation(cx.endpoint, &FIELDS)]))
}

/// A Redis unit at `host:6379`.
pub(crate) fn sample(s: &Sample) -> Relation {
    let unit = [("hostname", s.host), ("port", "6379")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Relation {
        units_data: [(0, unit)].into_iter().collect(),
        ..Relation::default()
    }
}
