//! rockcraft's `Project` model, as `expand-extensions` dumps it: fields in model order, only the
//! ones set, shorthand platforms expanded, deprecated `ubuntu:XX.04` bases rewritten.

use super::{s, strs};
use crate::{ExpandError, Location};
use paasc_diag::Code;
use paasc_syntax::Yaml;

/// The fields `rockcraft.models.Project` adds after craft-application's, in order.
const ROCK_FIELDS: &[&str] = &[
    "environment",
    "run-user",
    "services",
    "checks",
    "entrypoint-service",
    "entrypoint-command",
];

/// Pebble `Service` fields, in order.
const SERVICE: &[&str] = &[
    "override",
    "command",
    "summary",
    "description",
    "startup",
    "after",
    "before",
    "requires",
    "environment",
    "user",
    "user-id",
    "group",
    "group-id",
    "working-dir",
    "on-success",
    "on-failure",
    "on-check-failure",
    "backoff-delay",
    "backoff-factor",
    "backoff-limit",
    "kill-delay",
];

/// Pebble `Check` fields, in order, and those of its three kinds.
const CHECK: &[&str] = &[
    "override",
    "level",
    "period",
    "timeout",
    "threshold",
    "http",
    "tcp",
    "exec",
];
const HTTP: &[&str] = &["url", "headers"];
const TCP: &[&str] = &["port", "host"];
const EXEC: &[&str] = &[
    "command",
    "service-context",
    "environment",
    "user",
    "user-id",
    "group",
    "group-id",
    "working-dir",
];

/// The bases rockcraft still reads with a `:` and rewrites to `@`, with a warning.
const DEPRECATED_COLON_BASES: [&str; 2] = ["ubuntu:20.04", "ubuntu:22.04"];

/// Reorders the fields of map `v` as `order` lists them; unknown keys follow in their order.
fn ordered(v: Yaml, order: &[&str]) -> Yaml {
    let Yaml::Map(mut rest) = v else {
        return v;
    };
    let mut out = Vec::with_capacity(rest.len());
    for field in order {
        let underscored = field.replace('-', "_");
        if let Some(i) = rest
            .iter()
            .position(|(k, _)| k.as_str() == Some(field) || k.as_str() == Some(&underscored))
        {
            let (_, v) = rest.remove(i);
            out.push((s(field), v));
        }
    }
    out.extend(rest);
    Yaml::Map(out)
}

fn each_value(v: Yaml, f: impl Fn(Yaml) -> Yaml) -> Yaml {
    match v {
        Yaml::Map(pairs) => Yaml::Map(pairs.into_iter().map(|(k, v)| (k, f(v))).collect()),
        other => other,
    }
}

fn service(v: Yaml) -> Yaml {
    let v = ordered(v, SERVICE);
    match v {
        Yaml::Map(pairs) => Yaml::Map(
            pairs
                .into_iter()
                .map(|(k, v)| match (k.as_str(), v) {
                    (Some("backoff-factor"), Yaml::Int(i)) => (k, Yaml::Float(i as f64)),
                    (_, v) => (k, v),
                })
                .collect(),
        ),
        other => other,
    }
}

fn check(v: Yaml) -> Yaml {
    match ordered(v, CHECK) {
        Yaml::Map(pairs) => Yaml::Map(
            pairs
                .into_iter()
                .map(|(k, v)| {
                    let v = match k.as_str() {
                        Some("http") => ordered(v, HTTP),
                        Some("tcp") => ordered(v, TCP),
                        Some("exec") => ordered(v, EXEC),
                        _ => v,
                    };
                    (k, v)
                })
                .collect(),
        ),
        other => other,
    }
}

/// craft-application's platform shorthand: an empty entry builds on and for its label, and
/// single strings become lists.
pub fn platforms(v: Yaml) -> Yaml {
    let Yaml::Map(entries) = v else {
        return v;
    };
    Yaml::Map(
        entries
            .into_iter()
            .map(|(label, p)| {
                let value = if p.truthy() {
                    let listed = |v: Yaml| match v {
                        Yaml::Str(_) => Yaml::Seq(vec![v]),
                        other => other,
                    };
                    match ordered(p, &["build-on", "build-for"]) {
                        Yaml::Map(fields) => {
                            Yaml::Map(fields.into_iter().map(|(k, v)| (k, listed(v))).collect())
                        }
                        other => other,
                    }
                } else {
                    let name = label.as_str().unwrap_or_default();
                    Yaml::Map(vec![
                        (s("build-on"), strs(&[name])),
                        (s("build-for"), strs(&[name])),
                    ])
                };
                (label, value)
            })
            .collect(),
    )
}

/// Validates what the model checks after the extensions ran and dumps the project.
pub fn project(data: Yaml) -> Result<(Yaml, Vec<String>), ExpandError> {
    let Yaml::Map(mut pairs) = data else {
        return Ok((data, Vec::new()));
    };
    let dash = pairs.iter().any(|(k, _)| k.as_str() == Some("run-user"));
    if let Some((_, v)) = pairs
        .iter()
        .find(|(k, _)| dash && k.as_str() == Some("run_user"))
    {
        return Err(ExpandError::new(
            Code::ROCK_RUN_USER_SPELLING,
            format!(
                "extra inputs are not permitted (in field 'run_user', input: {})",
                v.python_repr()
            ),
            Location::key(&["run-user"]),
            "the extension sets this key itself in its other spelling (`run_user`/`run-user`); remove `run-user` from rockcraft.yaml",
        ));
    }
    if !pairs.iter().any(|(k, _)| k.as_str() == Some("parts")) {
        return Err(ExpandError::new(
            Code::MISSING_KEY,
            "field 'parts' required in top-level configuration",
            Location::root(),
            "a rock without an extension builds only the parts it lists: add `parts:`, or the framework's extension (e.g. `extensions: [flask-framework]`), which supplies them",
        ));
    }
    let mut warnings = Vec::new();
    for field in ["base", "build-base"] {
        if let Some((_, v)) = pairs.iter_mut().find(|(k, _)| k.as_str() == Some(field)) {
            if let Some(old) = v.as_str().filter(|b| DEPRECATED_COLON_BASES.contains(b)) {
                let new = old.replace(':', "@");
                warnings.push(format!(
                    "Warning: use of \":\" in field \"{field}\" is deprecated. Prefer \"{new}\" instead."
                ));
                *v = s(&new);
            }
        }
    }
    let title_set = pairs
        .iter()
        .any(|(k, v)| k.as_str() == Some("title") && v.truthy());
    if !title_set {
        let name = pairs
            .iter()
            .find(|(k, _)| k.as_str() == Some("name"))
            .map(|(_, v)| v.clone())
            .unwrap_or(Yaml::Null);
        match pairs.iter_mut().find(|(k, _)| k.as_str() == Some("title")) {
            Some(slot) => slot.1 = name,
            None => pairs.push((s("title"), name)),
        }
    }
    let pairs = pairs
        .into_iter()
        .map(|(k, v)| {
            let v = match k.as_str() {
                Some("platforms") => platforms(v),
                Some("services") => each_value(v, service),
                Some("checks") => each_value(v, check),
                _ => v,
            };
            (k, v)
        })
        .collect();
    let order: Vec<&str> = crate::CRAFT_PROJECT_FIELDS
        .iter()
        .chain(ROCK_FIELDS)
        .copied()
        .collect();
    Ok((ordered(Yaml::Map(pairs), &order), warnings))
}
