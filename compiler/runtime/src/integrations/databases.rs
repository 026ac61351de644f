//! PostgreSQL, MySQL and MongoDB (data_platform_libs `data_interfaces`, `PaaSDatabaseRequires`).

use super::url_env::db_url_env;
use super::{
    data, relation, spring, Ctx, EnvCx, Found, Integration, Read, Reader, Requirer, Sample, Several,
};
use crate::deployment::Relation;
use crate::provenance::{all_from, Source, Var};
use crate::status::PyError;

const SECRET_GROUPS: [&str; 3] = ["secret-user", "secret-tls", "secret-extra"];

/// The row of the database paas-charm reads from the endpoint `name` when the charm declares
/// any endpoint of `interface`, giving `variables`; its provider publishes `sample`. The
/// databases come first in `_missing_required_integrations` and in the constructor, in the
/// order the charm declares them.
pub(crate) const fn row(
    name: &'static str,
    interface: &'static str,
    variables: &'static [&'static str],
    sample: fn(&Sample) -> Relation,
) -> Integration {
    Integration {
        name,
        requirer: Requirer::ByInterface(name),
        interface,
        library: Some("data_platform_libs.data_interfaces"),
        variables,
        secret_fields: &["password", "uris"],
        several: Several::First,
        missing: Some(0),
        init: 0,
        read: Reader::Relation(read),
        env,
        is_secret: spring::is_secret,
        sample: Some(sample),
    }
}

/// A database's connection URI, with the provider's fields it is made of.
#[derive(Clone, Debug)]
pub(crate) struct Uri {
    pub uri: String,
    pub fields: &'static [&'static str],
}

impl Found for Uri {
    fn destinations(&self) -> Vec<(String, u16)> {
        crate::net::of_url(&self.uri, "")
    }
}

/// The URI when the provider sent one. Of several relations on an endpoint only the first is
/// read (`relation_data[0]` in `PaaSDatabaseRequires.to_relation_data`), even while it has no
/// data yet.
pub(crate) fn read(ctx: &Ctx, name: &str, rel: &Relation) -> Read {
    let uri = uris(rel, name, &ctx.dep.app);
    Ok(uri.map(|u| Box::new(u) as Box<dyn Found>))
}

/// `generate_db_env` (Spring Boot's for Spring Boot).
pub(crate) fn env(cx: &EnvCx, found: Option<&dyn Found>) -> Result<Vec<Var>, PyError> {
    let Some(uri) = data::<Uri>(found) else {
        return Ok(Vec::new());
    };
    let vars = if cx.spring() {
        spring::db_env(cx.endpoint, &uri.uri)
    } else {
        db_url_env(&cx.endpoint.to_uppercase(), &uri.uri)
    }?;
    Ok(all_from(vars, &[Source::relation(cx.endpoint, uri.fields)]))
}

/// What a database provider publishes for a database at `host:PORT`.
pub(crate) fn sample<const PORT: u16>(s: &Sample) -> Relation {
    relation(&[
        ("endpoints", &format!("{}:{PORT}", s.host)),
        ("username", s.user),
        ("password", s.password),
        ("database", s.database),
    ])
}

/// A provider field, read from its secret group when the provider uses Juju secrets.
fn field<'a>(rel: &'a Relation, key: &str) -> Option<&'a str> {
    for group in SECRET_GROUPS {
        if let Some(v) = rel.secrets.get(group).and_then(|c| c.get(key)) {
            return Some(v);
        }
    }
    rel.app_data.get(key).map(String::as_str)
}

fn uris(rel: &Relation, name: &str, app: &str) -> Option<Uri> {
    if let Some(u) = field(rel, "uris") {
        return Some(Uri {
            uri: u.to_string(),
            fields: &["uris"],
        });
    }
    let get = |k: &str| field(rel, k).filter(|v| !v.is_empty());
    let (endpoints, user, password) = (get("endpoints")?, get("username")?, get("password")?);
    let database = field(rel, "database").unwrap_or(app);
    let endpoint = endpoints.split(',').next().unwrap_or("");
    Some(Uri {
        uri: format!("{name}://{user}:{password}@{endpoint}/{database}"),
        fields: &["endpoints", "username", "password", "database"],
    })
}
