//! What completion and inlay hints know of a project beyond the text of its files, from the
//! checked project: the expanded charm's options (and the variable paas-charm makes of each),
//! its endpoints, and the expanded rock's parts and services.

use crate::{Facts, OptionFact};
use paasc_check::Checked;
use paasc_runtime::{option_use, OptionUse};
use paasc_syntax::Yaml;

/// The keys of the map at `path` in `doc`.
fn keys<'a>(doc: &'a Yaml, path: &[&str]) -> Vec<(&'a str, &'a Yaml)> {
    let mut v = doc;
    for step in path {
        let Some(next) = v.get(step) else {
            return Vec::new();
        };
        v = next;
    }
    v.as_map()
        .unwrap_or_default()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str()?, v)))
        .collect()
}

/// What paas-charm does with an option, in a few words and its variable.
fn option_fact(spec: Option<&paasc_frameworks::Spec>, name: &str, option: &Yaml) -> OptionFact {
    let text = |k: &str| option.get(k).and_then(Yaml::as_str).unwrap_or_default();
    let (env, note) = match spec.map(|s| (s, option_use(s, name))) {
        Some((_, OptionUse::Env(var))) => (Some(var), String::new()),
        Some((s, OptionUse::Framework)) => match s.fields.iter().find(|f| f.alias == name) {
            Some(f) => (
                Some(format!(
                    "{}{}",
                    s.framework_config_prefix,
                    f.name.to_uppercase()
                )),
                format!("read into the {} configuration", s.name),
            ),
            None => (None, format!("read by the {} framework itself", s.name)),
        },
        Some((_, OptionUse::Reserved)) => (
            None,
            "not passed to the app (`app-` and `webserver-` options are paas-charm's)".into(),
        ),
        Some((s, OptionUse::Shadowed(field))) => (
            None,
            format!(
                "not passed to the app: `{field}` is a field of the {} configuration",
                s.name
            ),
        ),
        None => (None, String::new()),
    };
    OptionFact {
        name: name.to_string(),
        kind: text("type").to_string(),
        description: text("description").to_string(),
        env,
        note,
    }
}

/// The facts of the checked project; empty parts where it did not expand.
pub fn of(checked: &Checked) -> Facts {
    let mut facts = Facts::default();
    if let Some(charm) = &checked.charm {
        facts.charm_ok = true;
        let spec = checked.framework.map(|f| f.spec());
        facts.options = keys(charm, &["config", "options"])
            .into_iter()
            .map(|(name, o)| option_fact(spec, name, o))
            .collect();
        facts.endpoints = keys(charm, &["requires"])
            .into_iter()
            .map(|(name, e)| {
                let interface = e
                    .get("interface")
                    .and_then(Yaml::as_str)
                    .unwrap_or_default();
                (name.to_string(), interface.to_string())
            })
            .collect();
    }
    if let Some(rock) = &checked.rock {
        facts.rock_ok = true;
        let names = |key| {
            keys(&rock.yaml, &[key])
                .into_iter()
                .map(|(n, _)| n.to_string())
                .collect()
        };
        facts.parts = names("parts");
        facts.services = names("services");
    }
    facts
}
