//! PostgreSQL, MySQL and MongoDB (data_platform_libs `data_interfaces`, `PaaSDatabaseRequires`).

use super::Ctx;
use crate::deployment::Relation;

/// The database interfaces paas-charm reads, with the endpoint name each must have.
pub(crate) const INTERFACES: [(&str, &str); 3] = [
    ("postgresql_client", "postgresql"),
    ("mysql_client", "mysql"),
    ("mongodb_client", "mongodb"),
];

const SECRET_GROUPS: [&str; 3] = ["secret-user", "secret-tls", "secret-extra"];

/// A database's connection URI, with the provider's fields it is made of.
#[derive(Clone, Debug)]
pub(crate) struct Uri {
    pub uri: String,
    pub fields: &'static [&'static str],
}

/// The database requirers in metadata order, each with its URI when the provider sent one.
/// Of several relations on an endpoint only the first is read (`relation_data[0]` in
/// `PaaSDatabaseRequires.to_relation_data`), even while it has no data yet.
pub(crate) fn read(ctx: &Ctx) -> Vec<(String, Option<Uri>)> {
    let mut out: Vec<(String, Option<Uri>)> = Vec::new();
    for ep in ctx.requires {
        let Some((_, name)) = INTERFACES.iter().find(|(i, _)| *i == ep.interface) else {
            continue;
        };
        if out.iter().any(|(n, _)| n == name) {
            continue;
        }
        let uri = ctx.relation(name).and_then(|r| uris(r, name, &ctx.dep.app));
        out.push((name.to_string(), uri));
    }
    out
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
