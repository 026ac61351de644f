//! The Pebble layer labelled `charm` that `App._app_layer` builds from the rock's services.

use crate::status::PyError;
use paasc_syntax::Yaml;

/// The rock's services (`original-services.json`), by name.
pub(crate) fn rock_services(rock: &Yaml) -> Vec<(String, Yaml)> {
    rock.get("services")
        .and_then(Yaml::as_map)
        .unwrap_or(&[])
        .iter()
        .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v.clone())))
        .collect()
}

/// The names of the variables the rock's service `service` sets in its `environment`, which
/// the charm's layer replaces.
pub(crate) fn rock_environment(rock: &Yaml, service: &str) -> Vec<String> {
    rock.get("services")
        .and_then(|s| s.get(service))
        .and_then(|s| s.get("environment"))
        .and_then(Yaml::as_map)
        .unwrap_or(&[])
        .iter()
        .filter_map(|(k, _)| k.as_str().map(str::to_string))
        .collect()
}

/// The main service's command.
pub(crate) fn command(rock: &Yaml, service: &str) -> Result<String, PyError> {
    let svc = rock
        .get("services")
        .and_then(|s| s.get(service))
        .ok_or_else(|| PyError::new("KeyError", format!("'{service}'")))?;
    match svc.get("command") {
        Some(Yaml::Str(c)) => Ok(c.to_string()),
        Some(_) => Err(PyError::new(
            "AttributeError",
            "'NoneType' object has no attribute 'read'",
        )),
        None => Err(PyError::new("KeyError", "'command'")),
    }
}

fn set(svc: &mut Yaml, key: &str, value: Yaml) {
    if let Yaml::Map(m) = svc {
        match m.iter_mut().find(|(k, _)| k.as_str() == Some(key)) {
            Some(slot) => slot.1 = value,
            None => m.push((Yaml::str(key), value)),
        }
    } else {
        *svc = Yaml::Map(vec![(Yaml::str(key), value)]);
    }
}

fn env_yaml(env: &crate::NameMap<String>, int_env: &[&str]) -> Yaml {
    let value = |k: &str, v: &str| match int_env.contains(&k).then(|| v.parse::<i128>()) {
        Some(Ok(i)) => Yaml::Int(i),
        _ => Yaml::str(v),
    };
    Yaml::Map(
        env.iter()
            .map(|(k, v)| (Yaml::str(k.as_str()), value(k, v)))
            .collect(),
    )
}

/// `{"services": ...}` with the main service replaced and workers/schedulers given the env
/// (`int_env` variables as integers, as paas-charm passes them).
pub(crate) fn build(
    rock: &Yaml,
    service: &str,
    env: &crate::NameMap<String>,
    alternate_command: Option<&str>,
    unit: u32,
    int_env: &[&str],
) -> Result<Yaml, PyError> {
    let mut services = rock_services(rock);
    let main = services
        .iter_mut()
        .find(|(n, _)| n == service)
        .ok_or_else(|| PyError::new("KeyError", format!("'{service}'")))?;
    set(&mut main.1, "override", Yaml::str("replace"));
    set(&mut main.1, "environment", env_yaml(env, int_env));
    if let Some(c) = alternate_command {
        set(&mut main.1, "command", Yaml::str(c));
    }
    for (name, svc) in services.iter_mut() {
        let lower = name.to_lowercase();
        if lower.ends_with(paasc_frameworks::WORKER_SUFFIX) {
            set(svc, "environment", env_yaml(env, int_env));
        }
        if lower.ends_with(paasc_frameworks::SCHEDULER_SUFFIX) {
            if unit == 0 {
                set(svc, "environment", env_yaml(env, int_env));
            } else {
                set(svc, "startup", Yaml::str("disabled"));
            }
        }
    }
    Ok(Yaml::Map(vec![(
        Yaml::str("services"),
        Yaml::Map(
            services
                .into_iter()
                .map(|(k, v)| (Yaml::str(k), v))
                .collect(),
        ),
    )]))
}
