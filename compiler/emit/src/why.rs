//! `paasc env`'s report, pure: the environment paas-charm gives the main service and, with
//! `--why`, where each variable comes from (the runtime's provenance, mapped by
//! [`Resolved::why`] to the file and line holding each value), what it overrode, and what
//! paas-charm drops on the way: the rock's own `environment` of the main service and the user
//! options it never passes on. It reads the resolved deployment as the artifacts do and shows
//! values as they do ([`crate::shown`]), so it lives beside them, downstream of `check`.

use paasc_check::provenance::{Origin, Traced};
use paasc_check::Resolved;
use paasc_diag::{FileId, SourceDb};
use paasc_runtime::{option_use, Given, OptionUse, Source};
use serde_json::{json, Value};

/// The stars a secret value is shown as (the same whatever its length).
pub const STARS: &str = "********";

/// What `paasc env` prints for a [`document`].
pub struct Printed {
    /// Standard output.
    pub stdout: String,
    /// Standard error: one line per name asked for that is not in the environment.
    pub stderr: String,
    /// Whether every name asked for was found.
    pub complete: bool,
}

/// The variables of `doc` named in `names` (all when empty), as JSON or as text; with `why`,
/// their sources and what paas-charm drops.
pub fn print(doc: &Value, names: &[String], why: bool, as_json: bool) -> Printed {
    let vars = doc["variables"].as_array().cloned().unwrap_or_default();
    let mut missing = Vec::new();
    let chosen: Vec<&Value> = if names.is_empty() {
        vars.iter().collect()
    } else {
        names
            .iter()
            .filter_map(|n| {
                let found = vars.iter().find(|v| v["name"] == n.as_str());
                if found.is_none() {
                    missing.push(n.clone());
                }
                found
            })
            .collect()
    };
    let dropped: Vec<&Value> = doc["dropped"]
        .as_array()
        .map(|all| {
            all.iter()
                .filter(|v| names.is_empty() || names.iter().any(|n| v["name"] == n.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let stdout = if as_json {
        let mut out = json!({
            "profile": doc["profile"],
            "variables": chosen,
        });
        if why {
            out["dropped"] = json!(dropped);
        } else if let Some(vars) = out["variables"].as_array_mut() {
            for v in vars {
                if let Some(o) = v.as_object_mut() {
                    o.retain(|k, _| matches!(k.as_str(), "name" | "value" | "secret"));
                }
            }
        }
        format!(
            "{}\n",
            serde_json::to_string_pretty(&out).unwrap_or_default()
        )
    } else {
        human(&chosen, why.then_some(dropped.as_slice()))
    };
    let dropped_names: Vec<&str> = dropped.iter().filter_map(|v| v["name"].as_str()).collect();
    let stderr: String = missing
        .iter()
        .map(|n| {
            let also = if dropped_names.contains(&n.as_str()) {
                " (paas-charm drops it: see --why)"
            } else {
                ""
            };
            format!("error: `{n}` is not in the main service's environment{also}\n")
        })
        .collect();
    Printed {
        stdout,
        stderr,
        complete: missing.is_empty(),
    }
}

/// The whole report as JSON: every variable with its value (starred when secret, unless
/// `show_secrets`), sources and what it overrode; and what paas-charm drops.
pub fn document(
    db: &SourceDb,
    resolved: &Resolved,
    profile: Option<FileId>,
    show_secrets: bool,
) -> Value {
    let plan = &resolved.plan;
    let variables: Vec<Value> = plan
        .env
        .iter()
        .flatten()
        .map(|(name, value)| {
            let secret = plan.secret_env.contains(name);
            let shown = if secret && !show_secrets {
                STARS
            } else {
                value
            };
            let (from, overrode) = match resolved.why(name) {
                Some(w) => (
                    traced(db, resolved, &w.from),
                    traced(db, resolved, &w.overrode),
                ),
                None => (Vec::new(), Vec::new()),
            };
            json!({
                "name": name,
                "value": shown,
                "secret": secret,
                "from": from,
                "overrode": overrode,
            })
        })
        .collect();
    json!({
        "profile": profile.map(|f| db.get(f).path.clone()),
        "variables": variables,
        "dropped": dropped(db, resolved),
    })
}

/// Where `origin` is, as JSON: file, 1-based line and column, and the key path.
fn at(db: &SourceDb, origin: &Origin) -> Value {
    located(db, origin.file, origin.span.start, &origin.path)
}

fn located(db: &SourceDb, file: FileId, offset: u32, path: &[String]) -> Value {
    let f = db.get(file);
    let pos = f.position(offset);
    json!({
        "file": f.path,
        "line": pos.line0 + 1,
        "column": pos.col1,
        "path": path.join("."),
    })
}

/// The sources as JSON. Where the value is not written anywhere, says why: an option the
/// framework extension declares, or a relation field the provider left out (the integration's
/// entry is shown).
fn traced(db: &SourceDb, r: &Resolved, sources: &[Traced]) -> Vec<Value> {
    sources
        .iter()
        .map(|t| {
            let mut source = describe(&t.source);
            let mut places: Vec<Value> = t.at.iter().map(|o| at(db, o)).collect();
            match &t.source {
                Source::Option {
                    name,
                    given: Given::Default,
                } if places.is_empty() => {
                    source = format!(
                        "option `{name}`, its default in the {} extension",
                        r.framework.extension()
                    );
                }
                Source::Relation { endpoint, .. } if places.is_empty() => {
                    let entry = r
                        .profile
                        .integrations
                        .iter()
                        .find(|(k, _)| *k.value == **endpoint);
                    if let Some((key, _)) = entry {
                        let file = r
                            .profile
                            .origin("integrations", endpoint)
                            .unwrap_or(r.anchor);
                        let path = ["integrations".to_string(), endpoint.to_string()];
                        places.push(located(db, file, key.span.start, &path));
                        source.push_str(" (not in the relation data: the library's default)");
                    }
                }
                _ => {}
            }
            json!({
                "kind": t.source.kind(),
                "source": source,
                "at": places,
            })
        })
        .collect()
}

/// A source in words.
pub fn describe(source: &Source) -> String {
    match source {
        Source::Option {
            name,
            given: Given::Set,
        } => format!("option `{name}`, set in the profile"),
        Source::Option {
            name,
            given: Given::Default,
        } => format!("option `{name}`, its default in charmcraft.yaml"),
        Source::Secret { option, key } => {
            format!("key `{key}` of the secret given to option `{option}`")
        }
        Source::FrameworkDefault { field } => {
            format!("paas-charm's default for `{field}` (no option sets it)")
        }
        Source::SecretKey => {
            "the secret key paas-charm keeps in its peer relation (the profile's `secret-key`)"
                .into()
        }
        Source::BaseUrl { ingress: true } => "the ingress relation's URL".into(),
        Source::BaseUrl { ingress: false } => {
            "http://<app>.<model>:<port>, as there is no ingress relation".into()
        }
        Source::ModelProxy(var) => format!("the Juju model's proxy setting (`{var}`)"),
        Source::PeerUnits => "the application's other units (the profile's `units`)".into(),
        Source::App => "the application's name".into(),
        Source::Relation { endpoint, fields } => format!(
            "integration `{endpoint}`, field{} {}",
            if fields.len() == 1 { "" } else { "s" },
            fields
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Source::PaasConfig => "`framework_logging_format` in paas-config.yaml".into(),
        Source::Rock { service, name } => {
            format!("the rock's `services.{service}.environment.{name}`")
        }
        Source::Framework => "set by paas-charm for the framework".into(),
    }
}

/// What paas-charm drops: the main service's own `environment` in the rock (its layer replaces
/// it), and the user options it never passes to the app.
fn dropped(db: &SourceDb, r: &Resolved) -> Vec<Value> {
    let spec = r.framework.spec();
    let env = r.plan.env.as_ref();
    let mut out = Vec::new();
    let rock_env = r
        .rock
        .get("services")
        .and_then(|s| s.get(spec.service))
        .and_then(|s| s.get("environment"))
        .and_then(paasc_syntax::Yaml::as_map)
        .unwrap_or(&[]);
    for (k, v) in rock_env {
        let Some(name) = k.as_str() else { continue };
        let path = ["services", spec.service, "environment", name];
        let at: Vec<Value> = r
            .rock_source
            .as_ref()
            .and_then(|(file, tree)| {
                let e = tree.lookup(&path)?;
                Some(located(
                    db,
                    *file,
                    tree.span(e.key).start,
                    &path.map(String::from),
                ))
            })
            .into_iter()
            .collect();
        let replaced = env.is_some_and(|e| e.contains_key(name));
        out.push(json!({
            "kind": "rock-environment",
            "name": name,
            "value": v.as_str().map(str::to_string).unwrap_or_else(|| paasc_syntax::write::to_string(v).trim_end().to_string()),
            "why": if replaced {
                format!("paas-charm replaces the `{}` service's environment; `{name}` is set again from another source", spec.service)
            } else {
                format!("paas-charm replaces the `{}` service's environment with its own, which lacks `{name}`", spec.service)
            },
            "at": at,
        }));
    }
    let (charm_file, charm_tree) = (&r.charm_source.0, &r.charm_source.1);
    let options = r
        .charm
        .get("config")
        .and_then(|c| c.get("options"))
        .and_then(paasc_syntax::Yaml::as_map)
        .unwrap_or(&[]);
    for (k, _) in options {
        let Some(name) = k.as_str() else { continue };
        let path = ["config", "options", name];
        let Some(entry) = charm_tree.lookup(&path) else {
            continue;
        };
        let why = match option_use(spec, name) {
            OptionUse::Reserved => {
                "options starting with `app-` or `webserver-` are not user options".to_string()
            }
            OptionUse::Shadowed(field) => format!(
                "`{field}` is a field of paas-charm's {} configuration, so the option is dropped before the environment is built",
                spec.name
            ),
            OptionUse::Framework | OptionUse::Env(_) => continue,
        };
        out.push(json!({
            "kind": "option",
            "name": name,
            "why": why,
            "at": [located(db, *charm_file, charm_tree.span(entry.key).start, &path.map(String::from))],
        }));
    }
    out
}

/// `file:line:col`.
fn place(at: &Value) -> String {
    format!(
        "{}:{}:{} ({})",
        at["file"].as_str().unwrap_or(""),
        at["line"],
        at["column"],
        at["path"].as_str().unwrap_or("")
    )
}

fn human_sources(out: &mut String, label: &str, sources: &Value) {
    for s in sources.as_array().into_iter().flatten() {
        let places: Vec<String> = s["at"]
            .as_array()
            .into_iter()
            .flatten()
            .map(place)
            .collect();
        let source = s["source"].as_str().unwrap_or("");
        if places.is_empty() {
            out.push_str(&format!("    {label} {source}\n"));
        } else {
            out.push_str(&format!("    {label} {source}: {}\n", places.join(", ")));
        }
    }
}

/// The text output: `NAME=value` lines; with `dropped` (`--why`), each variable's sources
/// below it, then what paas-charm drops.
fn human(vars: &[&Value], dropped: Option<&[&Value]>) -> String {
    let mut out = String::new();
    for v in vars {
        out.push_str(&format!(
            "{}={}\n",
            v["name"].as_str().unwrap_or(""),
            crate::shown(v["value"].as_str().unwrap_or(""))
        ));
        if dropped.is_some() {
            human_sources(&mut out, "from", &v["from"]);
            human_sources(&mut out, "overrode", &v["overrode"]);
        }
    }
    if let Some(dropped) = dropped.filter(|d| !d.is_empty()) {
        out.push_str("\ndropped by paas-charm:\n");
        for d in dropped {
            let what = match d["kind"].as_str() {
                Some("option") => format!("option `{}`", d["name"].as_str().unwrap_or("")),
                _ => format!(
                    "rock environment {}={}",
                    d["name"].as_str().unwrap_or(""),
                    crate::shown(d["value"].as_str().unwrap_or(""))
                ),
            };
            let places: Vec<String> = d["at"]
                .as_array()
                .into_iter()
                .flatten()
                .map(place)
                .collect();
            out.push_str(&format!(
                "  {what}{}\n    {}\n",
                if places.is_empty() {
                    String::new()
                } else {
                    format!(" at {}", places.join(", "))
                },
                d["why"].as_str().unwrap_or("")
            ));
        }
    }
    out
}
