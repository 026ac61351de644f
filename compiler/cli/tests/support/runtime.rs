//! Runtime conformance: one `<framework>/runtime/<case>` directory against paasc_runtime.
//!
//! Inputs as the oracle had them: the expanded charmcraft.yaml, the rock's expanded
//! rockcraft.yaml (its services are the container's initial plan), `paas-config.yaml` and
//! `deployment.json`.

use paasc_runtime::{ConfigValue, Databag, Deployment, Framework, ProxySettings, Relation};
use paasc_syntax::Yaml;
use serde_json::Value as Json;
use std::collections::BTreeSet;
use std::path::Path;

/// Runs one runtime case; `Err` carries a readable diff.
pub fn run(case: &Path, framework: &str) -> Result<(), String> {
    let fw =
        Framework::from_name(framework).ok_or_else(|| format!("unknown framework {framework}"))?;
    let project = case.join("project");
    let text = std::fs::read_to_string(project.join("charmcraft.yaml"))
        .map_err(|e| format!("charmcraft.yaml: {e}"))?;
    let doc = super::load_yaml(&text)?;
    let dir = paasc::load::project_dir(&project, &[], &paasc::load::Disk);
    let opts = paasc_expand::charmcraft::Options {
        experimental: framework == "spring-boot",
    };
    let charm = paasc_expand::charmcraft::expand(&doc, &dir, opts)
        .map_err(|e| format!("charmcraft expansion failed: {}", e.message))?;
    let rock_text = std::fs::read_to_string(project.join("rockcraft.yaml"))
        .map_err(|e| format!("rockcraft.yaml: {e}"))?;
    let rock_doc = super::load_yaml(&rock_text)?;
    let rock_name = rock_doc
        .get("name")
        .and_then(Yaml::as_str)
        .unwrap_or_default();
    let rock_dir = paasc::load::rock_project_dir(&project, &[], rock_name, &paasc::load::Disk);
    let rock = paasc_expand::rockcraft::expand(
        &rock_doc,
        &rock_dir,
        paasc_expand::rockcraft::Options {
            experimental: framework == "spring-boot",
        },
    )
    .map_err(|e| format!("rockcraft expansion failed: {}", e.message))?
    .yaml;
    let paas_config = match std::fs::read_to_string(project.join("paas-config.yaml")) {
        Ok(t) => Some(super::load_yaml(&t)?),
        Err(_) => None,
    };
    let deployment = deployment(&read_json(&case.join("deployment.json"))?)?;
    let expected = read_json(&case.join("expected.json"))?;
    let plan = paasc_runtime::plan(fw, &charm, &rock, paas_config.as_ref(), &deployment);

    let mut problems = Vec::new();
    let want_status = (
        expected["status"]["name"].as_str().unwrap_or(""),
        expected["status"]["message"].as_str().unwrap_or(""),
    );
    let unordered = expected["status_message_unordered"].as_bool() == Some(true);
    let same_message = if unordered {
        canon_message(want_status.1) == canon_message(&plan.status.message)
    } else {
        want_status.1 == plan.status.message
    };
    if want_status.0 != plan.status.kind.name() || !same_message {
        problems.push(format!(
            "status: expected {} {:?}, got {} {:?}",
            want_status.0,
            want_status.1,
            plan.status.kind.name(),
            plan.status.message
        ));
    }
    let csv: Vec<&str> = expected["env_unordered_csv"]
        .as_array()
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    let want_env = expected["env"].as_object();
    match (want_env, &plan.env) {
        (None, None) => {}
        (Some(_), None) => problems.push("env: expected an environment, got none".into()),
        (None, Some(_)) => problems.push("env: expected none, got an environment".into()),
        (Some(want), Some(got)) => {
            let keys: BTreeSet<&str> = want
                .keys()
                .map(String::as_str)
                .chain(got.keys().map(String::as_str))
                .collect();
            for k in keys {
                let w = want.get(k).and_then(Json::as_str);
                let g = got.get(k).map(String::as_str);
                let same = match (w, g) {
                    (Some(w), Some(g)) if csv.contains(&k) => sorted_csv(w) == sorted_csv(g),
                    (w, g) => w == g,
                };
                if !same {
                    problems.push(format!("env {k}: expected {w:?}, got {g:?}"));
                }
            }
        }
    }
    let want_conf = expected["gunicorn_conf"].as_str();
    if want_conf != plan.gunicorn_conf.as_deref() {
        problems.push(format!(
            "gunicorn_conf:\n{}",
            super::diff(
                want_conf.unwrap_or("<null>"),
                plan.gunicorn_conf.as_deref().unwrap_or("<null>")
            )
        ));
    }
    let want_layer = normalise_layer(expected["layer"].clone(), &csv);
    let got_layer = normalise_layer(plan.layer.as_ref().map_or(Json::Null, to_json), &csv);
    if want_layer != got_layer {
        problems.push(format!(
            "layer:\n{}",
            super::diff(
                &serde_json::to_string_pretty(&want_layer).unwrap_or_default(),
                &serde_json::to_string_pretty(&got_layer).unwrap_or_default()
            )
        ));
    }
    if problems.is_empty() {
        return Ok(());
    }
    let why = problems.join("\n");
    if std::env::var_os("PAASC_RUNTIME_DEBUG").is_some() {
        eprintln!("RUNTIME FAIL {}\n{why}\n", case.display());
    }
    Err(why)
}

/// The layer as JSON (objects compare regardless of key order).
fn to_json(y: &Yaml) -> Json {
    match y {
        Yaml::Null => Json::Null,
        Yaml::Bool(b) => Json::Bool(*b),
        Yaml::Int(i) => i64::try_from(*i).map_or_else(|_| Json::String(i.to_string()), Json::from),
        Yaml::BigInt(d) => Json::String(d.clone()),
        Yaml::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
        Yaml::Str(s) | Yaml::Timestamp(s) => Json::String(s.to_string()),
        Yaml::Seq(items) => Json::Array(items.iter().map(to_json).collect()),
        Yaml::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().map_or_else(|| k.python_repr(), str::to_string),
                        to_json(v),
                    )
                })
                .collect(),
        ),
    }
}

/// Sorts the `env_unordered_csv` variables of every service environment.
fn normalise_layer(mut layer: Json, csv: &[&str]) -> Json {
    if let Some(services) = layer.get_mut("services").and_then(Json::as_object_mut) {
        for svc in services.values_mut() {
            let Some(env) = svc.get_mut("environment").and_then(Json::as_object_mut) else {
                continue;
            };
            for k in csv {
                if let Some(Json::String(v)) = env.get_mut(*k) {
                    *v = sorted_csv(v).join(",");
                }
            }
        }
    }
    layer
}

fn read_json(path: &Path) -> Result<Json, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

fn sorted_csv(s: &str) -> Vec<&str> {
    let mut v: Vec<&str> = s.split(',').collect();
    v.sort_unstable();
    v
}

/// The message with its `missing options:` / `invalid options:` lists sorted.
fn canon_message(m: &str) -> String {
    let mut out = m.to_string();
    for label in ["missing options: ", "invalid options: "] {
        if let Some(start) = out.find(label) {
            let from = start + label.len();
            let end = out[from..].find("        ").map_or(out.len(), |i| from + i);
            let mut items: Vec<&str> = out[from..end].split(", ").collect();
            items.sort_unstable();
            out = format!("{}{}{}", &out[..from], items.join(", "), &out[end..]);
        }
    }
    out
}

fn databag(v: &Json) -> Databag {
    v.as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().map_or_else(|| v.to_string(), str::to_string),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn deployment(d: &Json) -> Result<Deployment, String> {
    let str_of = |k: &str| d[k].as_str().unwrap_or_default().to_string();
    let mut dep = Deployment {
        app: str_of("app"),
        model: str_of("model"),
        unit: d["unit"]
            .as_u64()
            .and_then(|u| u32::try_from(u).ok())
            .unwrap_or(0),
        peer_units: d["peer_units"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|u| u.as_u64().and_then(|u| u32::try_from(u).ok()))
                    .collect()
            })
            .unwrap_or_default(),
        secret_key: d["secret_key"].as_str().map(str::to_string),
        proxy: ProxySettings {
            http_proxy: d["proxy"]["JUJU_CHARM_HTTP_PROXY"]
                .as_str()
                .map(str::to_string),
            https_proxy: d["proxy"]["JUJU_CHARM_HTTPS_PROXY"]
                .as_str()
                .map(str::to_string),
            no_proxy: d["proxy"]["JUJU_CHARM_NO_PROXY"]
                .as_str()
                .map(str::to_string),
        },
        ..Deployment::default()
    };
    for (k, v) in d["config"].as_object().into_iter().flatten() {
        let value = match v {
            Json::String(s) => ConfigValue::Str(s.clone()),
            Json::Bool(b) => ConfigValue::Bool(*b),
            Json::Number(n) if n.is_i64() => ConfigValue::Int(n.as_i64().unwrap_or(0)),
            Json::Number(n) => ConfigValue::Float(n.as_f64().unwrap_or(0.0)),
            other => return Err(format!("config {k}: unsupported value {other}")),
        };
        dep.config.insert(k.clone(), value);
    }
    for (k, v) in d["secrets"].as_object().into_iter().flatten() {
        dep.secrets.insert(k.clone(), databag(v));
    }
    for (ep, r) in d["relations"].as_object().into_iter().flatten() {
        let mut rel = Relation {
            remote_app_name: r["remote_app_name"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
            app_data: databag(&r["app_data"]),
            ..Relation::default()
        };
        if r.get("unit_data").is_some() {
            rel.units_data.insert(0, databag(&r["unit_data"]));
        }
        for (n, data) in r["units_data"].as_object().into_iter().flatten() {
            let n: u32 = n.parse().map_err(|_| format!("unit number {n}"))?;
            rel.units_data.insert(n, databag(data));
        }
        for (field, content) in r["secrets"].as_object().into_iter().flatten() {
            rel.secrets.insert(field.clone(), databag(content));
        }
        dep.relations.insert(ep.clone(), rel);
    }
    Ok(dep)
}
