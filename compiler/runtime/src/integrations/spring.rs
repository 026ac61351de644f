//! Spring Boot's replacements for the database, redis, tracing and prometheus mappers.

use super::url_env::db_url_env;
use crate::status::PyError;
use crate::urlparse::urlparse;

/// Whether a database or redis variable carries credentials: the `<P>_DB_*` ones
/// [`url_env::is_secret`](super::url_env::is_secret) names, and Spring's user names, passwords
/// and URLs that embed them.
pub(crate) fn is_secret(name: &str) -> bool {
    super::url_env::is_secret(name)
        || matches!(
            name,
            "spring.datasource.username"
                | "spring.datasource.password"
                | "spring.data.mongodb.uri"
                | "spring.data.redis.url"
                | "spring.data.redis.username"
                | "spring.data.redis.password"
        )
}

/// Spring's `generate_db_env`.
pub(crate) fn db_env(name: &str, uris: &str) -> Result<Vec<(String, String)>, PyError> {
    let mut out = db_url_env(&name.to_uppercase(), uris)?;
    let uri = uris.split(',').next().unwrap_or("");
    let p = urlparse(uri)?;
    match name {
        "mysql" | "postgresql" => {
            let host = p.hostname().unwrap_or_else(|| "None".into());
            let port = p.port()?.map_or("None".to_string(), |n| n.to_string());
            out.push((
                "spring.datasource.url".into(),
                format!("jdbc:{}://{host}:{port}{}", p.scheme, p.path),
            ));
            out.push(("spring.jpa.hibernate.ddl-auto".into(), "none".into()));
            if let Some(u) = p.username().filter(|u| !u.is_empty()) {
                out.push(("spring.datasource.username".into(), u.into()));
            }
            if let Some(pw) = p.password().filter(|pw| !pw.is_empty()) {
                out.push(("spring.datasource.password".into(), pw.into()));
            }
            Ok(out)
        }
        "mongodb" => Ok(vec![("spring.data.mongodb.uri".into(), uri.into())]),
        _ => Ok(Vec::new()),
    }
}

/// Spring's `generate_redis_env`.
pub(crate) fn redis_env(url: &str) -> Result<Vec<(String, String)>, PyError> {
    let p = urlparse(url)?;
    let mut out = vec![("spring.data.redis.url".to_string(), url.to_string())];
    if let Some(h) = p.hostname() {
        out.push(("spring.data.redis.host".into(), h));
    }
    if let Some(port) = p.port()?.filter(|n| *n != 0) {
        out.push(("spring.data.redis.port".into(), port.to_string()));
    }
    if let Some(u) = p.username().filter(|u| !u.is_empty()) {
        out.push(("spring.data.redis.username".into(), u.into()));
    }
    if let Some(pw) = p.password().filter(|pw| !pw.is_empty()) {
        out.push(("spring.data.redis.password".into(), pw.into()));
    }
    Ok(out)
}

/// Spring's `generate_prometheus_env` from the metrics path.
pub(crate) fn prometheus_env(metrics_path: Option<&str>) -> Result<Vec<(String, String)>, PyError> {
    let Some(path) = metrics_path.filter(|p| !p.is_empty()) else {
        return Ok(Vec::new());
    };
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let Some((last, init)) = parts.split_last() else {
        return Err(PyError::new("IndexError", "list index out of range"));
    };
    Ok(vec![
        (
            "management.endpoints.web.exposure.include".into(),
            "prometheus".into(),
        ),
        (
            "management.endpoints.web.base-path".into(),
            format!("/{}", init.join("/")),
        ),
        (
            "management.endpoints.web.path-mapping.prometheus".into(),
            last.to_string(),
        ),
    ])
}

/// Spring's tracing mapper when the relation is absent.
pub(crate) fn no_tracing_env() -> Vec<(String, String)> {
    [
        "OTEL_TRACES_EXPORTER",
        "OTEL_METRICS_EXPORTER",
        "OTEL_LOGS_EXPORTER",
    ]
    .into_iter()
    .map(|k| (k.to_string(), "none".to_string()))
    .collect()
}
