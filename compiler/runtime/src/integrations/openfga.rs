//! OpenFGA (`charms.openfga_k8s.v1.openfga`).

use super::{relation, Ctx, EnvCx, Found, Read, Sample};
use crate::deployment::Relation;
use crate::provenance::{var, Source, Var};
use crate::pyjson::{dumps, loads, PyValue};
use crate::status::PyError;

/// `OpenfgaProviderAppData`.
#[derive(Clone, Debug)]
pub(crate) struct Data {
    pub store_id: Option<String>,
    pub token: Option<String>,
    pub grpc_api_url: String,
    pub http_api_url: String,
}

impl Found for Data {
    fn destinations(&self) -> Vec<(String, u16)> {
        [&self.grpc_api_url, &self.http_api_url]
            .into_iter()
            .flat_map(|u| crate::net::of_url(u, "http"))
            .collect()
    }
}

const BUILTIN: [&str; 3] = ["ingress-address", "private-address", "egress-subnets"];

/// The store info, or `None` when the databag does not validate. (Several relations raise:
/// `OpenFGARequires._get_relation`.)
pub(crate) fn read(_: &Ctx, _: &str, rel: &Relation) -> Read {
    let values: Vec<(&str, PyValue)> = rel
        .app_data
        .iter()
        .filter(|(k, _)| !BUILTIN.contains(&k.as_str()))
        .map(|(k, v)| {
            (
                k.as_str(),
                loads(v).unwrap_or_else(|_| PyValue::Str(v.clone())),
            )
        })
        .collect();
    let get = |k: &str| values.iter().find(|(key, _)| *key == k).map(|(_, v)| v);
    let opt = |k: &str| match get(k) {
        None | Some(PyValue::None) => Ok(None),
        Some(PyValue::Str(s)) => Ok(Some(s.clone())),
        _ => Err(()),
    };
    let req = |k: &str| match get(k) {
        Some(PyValue::Str(s)) => Ok(s.clone()),
        _ => Err(()),
    };
    let parsed = (|| {
        Ok::<_, ()>((
            opt("store_id")?,
            opt("token")?,
            opt("token_secret_id")?,
            req("grpc_api_url")?,
            req("http_api_url")?,
        ))
    })();
    let Ok((store_id, mut token, secret_id, grpc_api_url, http_api_url)) = parsed else {
        return Ok(None);
    };
    if secret_id.is_some_and(|s| !s.is_empty()) || rel.secrets.contains_key("token_secret_id") {
        let content = rel.secrets.get("token_secret_id");
        token = Some(
            content
                .and_then(|c| c.get("token"))
                .cloned()
                .ok_or_else(|| PyError::new("KeyError", "'token'"))?,
        );
    }
    Ok(Some(Box::new(Data {
        store_id,
        token,
        grpc_api_url,
        http_api_url,
    })))
}

/// An OpenFGA server at `host` with the store `database` and the token `password`.
pub(crate) fn sample(s: &Sample) -> Relation {
    let json = |v: String| dumps(&PyValue::Str(v));
    let data = [
        ("store_id", json(s.database.into())),
        ("token", json(s.password.into())),
        ("grpc_api_url", json(format!("http://{}:8081", s.host))),
        ("http_api_url", json(format!("http://{}:8080", s.host))),
    ];
    relation(
        &data
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect::<Vec<_>>(),
    )
}

/// Whether an OpenFGA variable is a credential (the API token).
pub(crate) fn is_secret(name: &str) -> bool {
    matches!(name, "FGA_TOKEN" | "openfga.credentials.config.api-token")
}

/// The relation field `field`.
fn field(name: &'static str) -> Vec<Source> {
    vec![Source::relation("openfga", &[name])]
}

/// `generate_openfga_env` (Spring Boot's `openfga.*` for Spring Boot).
pub(crate) fn env(cx: &EnvCx, found: Option<&dyn Found>) -> Result<Vec<Var>, PyError> {
    cx.map(found, |d: &Data| Ok(plain_env(d)), |d| Ok(spring_env(d)))
}

fn plain_env(d: &Data) -> Vec<Var> {
    let vars = [
        ("FGA_STORE_ID", d.store_id.clone(), "store_id"),
        ("FGA_TOKEN", d.token.clone(), "token"),
        (
            "FGA_GRPC_API_URL",
            Some(d.grpc_api_url.clone()),
            "grpc_api_url",
        ),
        (
            "FGA_HTTP_API_URL",
            Some(d.http_api_url.clone()),
            "http_api_url",
        ),
    ];
    vars.into_iter()
        .filter_map(|(k, v, f)| Some(var(k, v?, field(f))))
        .collect()
}

/// Spring Boot's `openfga.*`.
fn spring_env(d: &Data) -> Vec<Var> {
    let vars = [
        ("openfga.store-id", d.store_id.clone(), field("store_id")),
        (
            "openfga.credentials.method",
            Some("API_TOKEN".to_string()),
            vec![Source::Framework],
        ),
        (
            "openfga.credentials.config.api-token",
            d.token.clone(),
            field("token"),
        ),
        (
            "openfga.api-url",
            Some(d.http_api_url.clone()),
            field("http_api_url"),
        ),
    ];
    vars.into_iter()
        .filter_map(|(k, v, from)| Some(var(k, v?, from)))
        .collect()
}
