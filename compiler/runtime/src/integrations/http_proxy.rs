//! HTTP proxy (`charms.squid_forward_proxy.v0.http_proxy`). The provider's answer is read from
//! `http_proxy` / `https_proxy` keys of its app databag; paas-charm gives the app these proxies
//! instead of the model's.

use super::{relation, Ctx, Found, Read, Sample};
use crate::deployment::Relation;
use crate::provenance::Source;
use crate::status::Stop;

/// The proxies the provider returned.
#[derive(Clone, Debug, Default)]
pub(crate) struct Proxies {
    pub http_proxy: Option<String>,
    pub https_proxy: Option<String>,
}

impl Found for Proxies {
    fn destinations(&self) -> Vec<(String, u16)> {
        crate::net::of_proxies([&self.http_proxy, &self.https_proxy]).collect()
    }
}

/// A proxy URL, with the provider's field it comes from.
pub(crate) type Proxy = (Option<String>, Vec<Source>);

impl Proxies {
    /// The HTTP and the HTTPS proxy, which replace the model's.
    pub(crate) fn with_sources(&self) -> (Proxy, Proxy) {
        let field = |f: &'static str| vec![Source::relation("http-proxy", &[f])];
        (
            (self.http_proxy.clone(), field("http_proxy")),
            (self.https_proxy.clone(), field("https_proxy")),
        )
    }
}

/// The proxies when the endpoint has a relation, or the "unavailable" Blocked status when the
/// provider sent none.
pub(crate) fn read(_: &Ctx, _: &str, rel: &Relation) -> Read {
    let get = |k: &str| rel.app_data.get(k).filter(|v| !v.is_empty()).cloned();
    let p = Proxies {
        http_proxy: get("http_proxy"),
        https_proxy: get("https_proxy"),
    };
    if p.http_proxy.is_none() && p.https_proxy.is_none() {
        return Err(Stop::Blocked(
            "http-proxy relation data is either unavailable, invalid or not usable.".into(),
        ));
    }
    Ok(Some(Box::new(p)))
}

/// A forward proxy at `host:3128`.
pub(crate) fn sample(s: &Sample) -> Relation {
    let url = format!("http://{}:3128", s.host);
    relation(&[("http_proxy", &url), ("https_proxy", &url)])
}
