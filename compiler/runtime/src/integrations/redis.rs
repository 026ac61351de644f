//! Redis (`charms.redis_k8s.v0.redis`, `PaaSRedisRequires`).

use super::{invalid, Ctx};
use crate::status::Stop;
use paasc_syntax::anyurl::any_url;

/// The fields the URL is made of: the unit's host and port, and the leader's host.
pub(crate) const FIELDS: [&str; 3] = ["hostname", "port", "leader-host"];

/// `redis://<host>:<port>` as the library builds it, or `None` when not usable yet. The library
/// reads the relation with `Model.get_relation`, so several relations raise.
pub(crate) fn read(ctx: &Ctx) -> Result<Option<String>, Stop> {
    let Some(rel) = ctx.unique("redis")? else {
        return Ok(None);
    };
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
    let url = format!("redis://{host}:{port}");
    if port == "None" && !host.is_empty() && !host.contains([':', '/']) {
        return Ok(None);
    }
    any_url(&url).map(Some).ok_or_else(|| invalid("redis"))
}
