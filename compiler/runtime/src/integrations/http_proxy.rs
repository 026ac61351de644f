//! HTTP proxy (`charms.squid_forward_proxy.v0.http_proxy`). The provider's answer is read from
//! `http_proxy` / `https_proxy` keys of its app databag.

use super::Ctx;
use crate::status::Stop;

/// The proxies the provider returned.
#[derive(Clone, Debug, Default)]
pub(crate) struct Proxies {
    pub http_proxy: Option<String>,
    pub https_proxy: Option<String>,
}

/// The proxies, or the "unavailable" Blocked status when the provider sent none.
pub(crate) fn read(ctx: &Ctx) -> Result<Proxies, Stop> {
    let rel = ctx.relation("http-proxy");
    let get = |k: &str| {
        rel.and_then(|r| r.app_data.get(k))
            .filter(|v| !v.is_empty())
            .cloned()
    };
    let p = Proxies {
        http_proxy: get("http_proxy"),
        https_proxy: get("https_proxy"),
    };
    if p.http_proxy.is_none() && p.https_proxy.is_none() {
        return Err(Stop::Blocked(
            "http-proxy relation data is either unavailable, invalid or not usable.".into(),
        ));
    }
    Ok(p)
}
