//! What the expanded charm declares, as the profile rules and the deployment builder read it:
//! its options with their types, its endpoints with their fields, and a profile value taken as
//! the option's type.

use foldhash::{HashMap, HashMapExt};
use paasc_model::profile::Scalar;
use paasc_runtime::ConfigValue;
use paasc_syntax::Yaml;

fn options(charm: &Yaml) -> &[(Yaml, Yaml)] {
    charm
        .get("config")
        .and_then(|c| c.get("options"))
        .and_then(Yaml::as_map)
        .unwrap_or(&[])
}

/// Each option's declared `type`, by name (an index: a charm may declare thousands).
fn option_types(charm: &Yaml) -> HashMap<&str, &str> {
    let options = options(charm);
    let mut types: HashMap<&str, &str> = HashMapExt::with_capacity(options.len());
    types.extend(
        options
            .iter()
            .filter_map(|(k, v)| Some((k.as_str()?, v.get("type")?.as_str()?))),
    );
    types
}

/// Each option's declared `type`, by name, indexed at the first look-up: a charm may declare
/// thousands of options, and a profile often names none.
pub(crate) struct OptionTypes<'a> {
    charm: Option<&'a Yaml>,
    index: std::cell::OnceCell<HashMap<&'a str, &'a str>>,
}

impl<'a> OptionTypes<'a> {
    /// The types of the options of the expanded charm `charm` (none without one).
    pub(crate) fn new(charm: Option<&'a Yaml>) -> OptionTypes<'a> {
        OptionTypes {
            charm,
            index: std::cell::OnceCell::new(),
        }
    }

    /// The type the option `name` declares.
    pub(crate) fn get(&self, name: &str) -> Option<&'a str> {
        self.index
            .get_or_init(|| self.charm.map(option_types).unwrap_or_default())
            .get(name)
            .copied()
    }

    /// Whether the charm declares the option `name` with a type.
    pub(crate) fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
}

/// The options' names, in file order.
pub(crate) fn option_names(charm: &Yaml) -> Vec<&str> {
    let options = options(charm);
    let mut names = Vec::with_capacity(options.len());
    names.extend(options.iter().filter_map(|(k, _)| k.as_str()));
    names
}

/// The `requires` and `provides` endpoints' names.
pub(crate) fn endpoint_names(charm: &Yaml) -> Vec<&str> {
    ["requires", "provides"]
        .iter()
        .filter_map(|k| charm.get(k).and_then(Yaml::as_map))
        .flat_map(|m| m.iter().filter_map(|(k, _)| k.as_str()))
        .collect()
}

/// The field `field` of the endpoint `endpoint` (under `requires`, else `provides`).
pub(crate) fn endpoint_field<'a>(charm: &'a Yaml, endpoint: &str, field: &str) -> Option<&'a Yaml> {
    ["requires", "provides"].iter().find_map(|section| {
        charm
            .get(section)
            .and_then(|s| s.get(endpoint))
            .and_then(|e| e.get(field))
    })
}

/// A profile value as Juju delivers it for an option of type `kind`, or `None` when Juju
/// refuses it (secret options take no plain value).
pub(crate) fn config_value(kind: &str, value: &Scalar) -> Option<ConfigValue> {
    match (kind, value) {
        ("string", Scalar::Str(s)) => Some(ConfigValue::Str(s.clone())),
        ("int", Scalar::Int(i)) => Some(ConfigValue::Int(*i)),
        ("float", Scalar::Float(f)) => Some(ConfigValue::Float(*f)),
        ("float", Scalar::Int(i)) => Some(ConfigValue::Float(*i as f64)),
        ("boolean", Scalar::Bool(b)) => Some(ConfigValue::Bool(*b)),
        _ => None,
    }
}
