//! Ingress (`charms.traefik_k8s.v2.ingress`): the URL the provider published.

use crate::deployment::Deployment;
use crate::pyjson::loads;
use paasc_syntax::anyurl::any_http_url;

/// The ingress URL when the `ingress` relation carries a valid one.
pub(crate) fn url(dep: &Deployment) -> Option<String> {
    let rel = dep.relations.get("ingress")?;
    let data = loads(rel.app_data.get("ingress")?).ok()?;
    any_http_url(data.get("url")?.as_str()?)
}
