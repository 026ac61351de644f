//! S3 (`charms.data_platform_libs.v0.s3`, `PaaSS3RelationData`).

use super::{invalid, relation, Ctx, EnvCx, Found, Read, Sample};
use crate::deployment::Relation;
use crate::provenance::{var, Source, Var};
use crate::pyjson::{dumps, loads, PyValue};
use crate::status::PyError;

/// `PaaSS3RelationData`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Data {
    pub access_key: String,
    pub secret_key: String,
    pub region: Option<String>,
    pub storage_class: Option<String>,
    pub bucket: String,
    pub endpoint: Option<String>,
    pub path: Option<String>,
    pub api_version: Option<String>,
    pub uri_style: Option<String>,
    pub tls_ca_chain: Option<Vec<String>>,
    pub attributes: Option<Vec<String>>,
}

impl Found for Data {
    /// The endpoint, or AWS's (boto3's default, `https://s3.amazonaws.com`).
    fn destinations(&self) -> Vec<(String, u16)> {
        let endpoint = self
            .endpoint
            .as_deref()
            .unwrap_or("https://s3.amazonaws.com");
        crate::net::of_url(endpoint, "https")
    }
}

/// The validated connection info; `Invalid s3 relation data.` when pydantic rejects it. (Of
/// several relations only the first is read: `S3Requirer.get_s3_connection_info`.)
pub(crate) fn read(_: &Ctx, _: &str, rel: &Relation) -> Read {
    if rel.app_data.is_empty() {
        return Ok(None);
    }
    let info: Vec<(&str, PyValue)> = rel
        .app_data
        .iter()
        .map(|(k, v)| {
            (
                k.as_str(),
                loads(v).unwrap_or_else(|_| PyValue::Str(v.clone())),
            )
        })
        .collect();
    let get = |k: &str| info.iter().find(|(key, _)| *key == k).map(|(_, v)| v);
    let req = |k: &str| match get(k) {
        Some(PyValue::Str(s)) => Ok(s.clone()),
        _ => Err(invalid("s3")),
    };
    let opt = |k: &str| match get(k) {
        None | Some(PyValue::None) => Ok(None),
        Some(PyValue::Str(s)) => Ok(Some(s.clone())),
        _ => Err(invalid("s3")),
    };
    let list = |k: &str| match get(k) {
        None | Some(PyValue::None) => Ok(None),
        Some(PyValue::List(items)) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string).ok_or_else(|| invalid("s3")))
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        _ => Err(invalid("s3")),
    };
    let (access_key, secret_key, bucket) = (req("access-key"), req("secret-key"), req("bucket"));
    Ok(Some(Box::new(Data {
        access_key: access_key?,
        secret_key: secret_key?,
        region: opt("region")?,
        storage_class: opt("storage-class")?,
        bucket: bucket?,
        endpoint: opt("endpoint")?,
        path: opt("path")?,
        api_version: opt("s3-api-version")?,
        uri_style: opt("s3-uri-style")?,
        tls_ca_chain: list("tls-ca-chain")?,
        attributes: list("attributes")?,
    })))
}

/// An S3 server at `host:9000` with the bucket `database` and the keys `user` and `password`.
pub(crate) fn sample(s: &Sample) -> Relation {
    relation(&[
        ("access-key", s.user),
        ("secret-key", s.password),
        ("bucket", s.database),
        ("endpoint", &format!("http://{}:9000", s.host)),
    ])
}

fn str_list(items: &[String]) -> PyValue {
    PyValue::List(items.iter().map(|s| PyValue::Str(s.clone())).collect())
}

/// Whether an S3 variable is a credential (the access and secret keys).
pub(crate) fn is_secret(name: &str) -> bool {
    matches!(
        name,
        "S3_ACCESS_KEY"
            | "S3_SECRET_KEY"
            | "spring.cloud.aws.credentials.accessKey"
            | "spring.cloud.aws.credentials.secretKey"
    )
}

/// The relation field `name`.
fn field(name: &'static str) -> Vec<Source> {
    vec![Source::relation("s3", &[name])]
}

/// `generate_s3_env` (Spring Boot's `spring.cloud.aws.*` for Spring Boot).
pub(crate) fn env(cx: &EnvCx, found: Option<&dyn Found>) -> Result<Vec<Var>, PyError> {
    cx.map(found, |d: &Data| Ok(plain_env(d)), |d| Ok(spring_env(d)))
}

fn plain_env(d: &Data) -> Vec<Var> {
    let addressing = match d.uri_style.as_deref() {
        Some("host") => Some("virtual".to_string()),
        other => other.map(str::to_string),
    };
    let attrs = d.attributes.as_ref().filter(|a| !a.is_empty());
    let chain = attrs.map(|_| match &d.tls_ca_chain {
        Some(c) => dumps(&str_list(c)),
        None => "null".to_string(),
    });
    let vars = [
        ("S3_ACCESS_KEY", Some(d.access_key.clone()), "access-key"),
        ("S3_SECRET_KEY", Some(d.secret_key.clone()), "secret-key"),
        ("S3_REGION", d.region.clone(), "region"),
        ("S3_STORAGE_CLASS", d.storage_class.clone(), "storage-class"),
        ("S3_BUCKET", Some(d.bucket.clone()), "bucket"),
        ("S3_ENDPOINT", d.endpoint.clone(), "endpoint"),
        ("S3_PATH", d.path.clone(), "path"),
        ("S3_API_VERSION", d.api_version.clone(), "s3-api-version"),
        ("S3_URI_STYLE", d.uri_style.clone(), "s3-uri-style"),
        ("S3_ADDRESSING_STYLE", addressing, "s3-uri-style"),
        (
            "S3_ATTRIBUTES",
            attrs.map(|a| dumps(&str_list(a))),
            "attributes",
        ),
        ("S3_TLS_CA_CHAIN", chain, "tls-ca-chain"),
    ];
    vars.into_iter()
        .filter_map(|(k, v, f)| Some(var(k, v?, field(f))))
        .collect()
}

/// Spring Boot's `spring.cloud.aws.*`.
fn spring_env(d: &Data) -> Vec<Var> {
    let mut out = vec![
        var(
            "spring.cloud.aws.credentials.accessKey",
            d.access_key.clone(),
            field("access-key"),
        ),
        var(
            "spring.cloud.aws.credentials.secretKey",
            d.secret_key.clone(),
            field("secret-key"),
        ),
        var(
            "spring.cloud.aws.s3.bucket",
            d.bucket.clone(),
            field("bucket"),
        ),
    ];
    if let Some(r) = d.region.as_ref().filter(|r| !r.is_empty()) {
        out.push(var(
            "spring.cloud.aws.region.static",
            r.clone(),
            field("region"),
        ));
    }
    if let Some(e) = d.endpoint.as_ref().filter(|e| !e.is_empty()) {
        out.push(var(
            "spring.cloud.aws.s3.endpoint",
            e.clone(),
            field("endpoint"),
        ));
    }
    out
}
