//! `_url_env_vars` and `_db_url_to_env_variables`: a URL decomposed into variables.

use crate::status::PyError;
use crate::urlparse::{urlparse, ParseResult};

/// Whether a variable of a decomposed URL carries credentials: the whole URL, its netloc
/// (`user:password@host`), the user name and the password.
pub(crate) fn is_secret(name: &str) -> bool {
    [
        "_CONNECT_STRING",
        "_CONNECT_STRINGS",
        "_NETLOC",
        "_USERNAME",
        "_PASSWORD",
    ]
    .iter()
    .any(|s| name.ends_with(s))
}

/// `<P>_CONNECT_STRING`, `<P>_SCHEME`, ... for `url`; nothing for an empty URL.
pub(crate) fn url_env_vars(prefix: &str, url: &str) -> Result<Vec<(String, String)>, PyError> {
    if url.is_empty() {
        return Ok(Vec::new());
    }
    vars_of(prefix, url, &urlparse(url)?)
}

/// [`url_env_vars`] of a non-empty `url` that parsed as `p`.
fn vars_of(prefix: &str, url: &str, p: &ParseResult) -> Result<Vec<(String, String)>, PyError> {
    let var = |name: &str| [prefix, "_", name].concat();
    let mut out = vec![
        (var("CONNECT_STRING"), url.to_string()),
        (var("SCHEME"), p.scheme.clone()),
        (var("NETLOC"), p.netloc.clone()),
        (var("PATH"), p.path.clone()),
        (var("PARAMS"), p.params.clone()),
        (var("QUERY"), p.query.clone()),
        (var("FRAGMENT"), p.fragment.clone()),
    ];
    let optional = [
        ("USERNAME", p.username().map(str::to_string)),
        ("PASSWORD", p.password().map(str::to_string)),
        ("HOSTNAME", p.hostname()),
        ("PORT", p.port()?.map(|n| n.to_string())),
    ];
    for (name, value) in optional {
        if let Some(v) = value {
            out.push((var(name), v));
        }
    }
    Ok(out)
}

/// The `<P>_DB_*` variables plus `<P>_DB_NAME` (the path without one leading `/`).
pub(crate) fn db_url_env(prefix: &str, url: &str) -> Result<Vec<(String, String)>, PyError> {
    let db = [prefix, "_DB"].concat();
    let p = urlparse(url)?;
    let mut out = if url.is_empty() {
        Vec::new()
    } else {
        vars_of(&db, url, &p)?
    };
    let path = p.path;
    if !path.is_empty() {
        let name = path.strip_prefix('/').unwrap_or(&path);
        out.push((format!("{db}_NAME"), name.to_string()));
    }
    Ok(out)
}
