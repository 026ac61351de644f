//! Ingress (`charms.traefik_k8s.v2.ingress`): the URL the provider published, which becomes the
//! app's base URL.

use super::{relation, Ctx, Found, Read, Sample};
use crate::deployment::{Deployment, Relation};
use crate::provenance::Source;
use crate::pyjson::{dumps, loads, PyValue};
use paasc_syntax::anyurl::any_http_url;

/// The relation carries a valid URL.
#[derive(Clone, Debug)]
pub(crate) struct Valid;

impl Found for Valid {}

/// The endpoint, which the framework extensions declare.
pub(crate) const ENDPOINT: &str = "ingress";

/// The provider's field holding the URL (a JSON object with a `url`).
const FIELD: &str = "ingress";

/// The ingress URL when the `ingress` relation carries a valid one.
pub(crate) fn url(dep: &Deployment) -> Option<String> {
    parse(dep.relations.get(ENDPOINT)?)
}

/// Where an ingress base URL comes from: the provider's field.
pub fn base_url_source() -> Source {
    Source::relation(ENDPOINT, &[FIELD])
}

fn parse(rel: &Relation) -> Option<String> {
    let data = loads(rel.app_data.get(FIELD)?).ok()?;
    any_http_url(data.get("url")?.as_str()?)
}

/// The URL as the charm state's row (paas-charm reads it for the base URL first, [`url`]).
pub(crate) fn read(_: &Ctx, _: &str, rel: &Relation) -> Read {
    Ok(parse(rel).map(|_| Box::new(Valid) as Box<dyn Found>))
}

/// An ingress publishing `http://<host>/`.
pub(crate) fn sample(s: &Sample) -> Relation {
    let url = PyValue::Dict(vec![(
        "url".into(),
        PyValue::Str(format!("http://{}/", s.host)),
    )]);
    relation(&[(FIELD, &dumps(&url))])
}
