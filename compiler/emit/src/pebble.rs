//! The Pebble layers: the rock's own (`services` and `checks` of the expanded rockcraft.yaml)
//! and the `charm` layer paas-charm adds for this deployment; and Pebble's reading of the rock,
//! which every back end that runs the rock's processes without Pebble shares.

pub mod checks;
pub mod command;
pub mod services;

use crate::Files;
use crate::Mode;
use paasc_check::Resolved;
use paasc_diag::Diagnostic;
use paasc_syntax::Yaml;
use std::borrow::Cow;

/// The rock's layer.
pub const ROCK_LAYER: &str = "pebble/rock-layer.yaml";

/// The charm's layer: it carries the environment, secrets included.
pub const CHARM_LAYER: &str = "pebble/charm-layer.yaml";

/// The files of this artifact. It has no problems of its own, so [`Mode::Check`] writes
/// nothing.
pub fn files(app: &Resolved, mode: Mode) -> Result<Files, Vec<Diagnostic>> {
    if mode == Mode::Check {
        return Ok(Files::new());
    }
    let layer: Vec<(&str, &Yaml)> = ["services", "checks"]
        .iter()
        .filter_map(|k| app.rock.get(k).map(|v| (*k, v)))
        .collect();
    let rock_layer = if layer.is_empty() {
        paasc_syntax::write::to_string(&Yaml::Map(Vec::new()))
    } else {
        let mut text = String::new();
        for (key, value) in layer {
            crate::kept::push_entry(&mut text, key, Cow::Borrowed(value));
        }
        text
    };
    let mut files: Files = vec![(ROCK_LAYER.to_string(), rock_layer.into())];
    if let Some(layer) = &app.plan.layer {
        files.push((
            CHARM_LAYER.into(),
            paasc_syntax::write::to_string(layer).into(),
        ));
    }
    Ok(files)
}

/// Whether `path` is the charm's layer, which holds the environment's secret values.
pub fn holds_secret(path: &str, _: &Files) -> bool {
    path == CHARM_LAYER
}

/// A scalar as rockcraft reads a string field: a string as it is, a number as Python writes it.
pub fn text(value: &Yaml) -> Option<String> {
    match value {
        Yaml::Str(s) => Some(s.to_string()),
        Yaml::Int(i) => Some(i.to_string()),
        Yaml::BigInt(d) => Some(d.clone()),
        Yaml::Float(f) => Some(paasc_syntax::python_float_repr(*f)),
        _ => None,
    }
}
