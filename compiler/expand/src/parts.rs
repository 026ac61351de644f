//! What charmcraft's part processing takes from the part schemas of both tools
//! ([`paasc_model::parts::JSON`], which `paasc_model::parts` validates parts with): each plugin's
//! properties, in their order.

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::LazyLock;

use paasc_model::parts::JSON as DATA;

/// The keys of a JSON object, in the order it lists them.
struct Keys(Vec<String>);

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Keys, D::Error> {
        struct KeysVisitor;
        impl<'de> Visitor<'de> for KeysVisitor {
            type Value = Keys;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::new();
                while let Some((k, IgnoredAny)) = map.next_entry::<String, IgnoredAny>()? {
                    keys.push(k);
                }
                Ok(Keys(keys))
            }
        }
        d.deserialize_map(KeysVisitor)
    }
}

#[derive(Deserialize)]
struct Plugin {
    properties: Keys,
}

#[derive(Deserialize)]
struct Group {
    plugins: BTreeMap<String, Plugin>,
}

#[derive(Deserialize)]
struct Tool {
    groups: Vec<Group>,
}

#[derive(Deserialize)]
struct Data {
    charmcraft: Tool,
}

/// charmcraft's plugins and their properties, in declaration order.
static CHARM_PLUGINS: LazyLock<BTreeMap<String, Vec<String>>> = LazyLock::new(|| {
    let data: Data = serde_json::from_str(DATA)
        .unwrap_or_else(|e| panic!("compiler/model/data/parts.json: {e}"));
    let mut out = BTreeMap::new();
    for group in data.charmcraft.groups {
        for (name, plugin) in group.plugins {
            out.entry(name).or_insert(plugin.properties.0);
        }
    }
    out
});

/// The properties of charmcraft's plugin `name` (`plugin` and `source` first), in the order its
/// properties class declares them.
pub(crate) fn charm_plugin_properties(name: &str) -> Option<&'static [String]> {
    CHARM_PLUGINS.get(name).map(Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_keep_their_declaration_order() {
        let python = charm_plugin_properties("python").expect("python plugin");
        assert_eq!(
            python,
            [
                "plugin",
                "source",
                "python-requirements",
                "python-constraints",
                "python-packages",
                "python-keep-bins"
            ]
        );
        assert_eq!(
            charm_plugin_properties("charm").map(|p| p[2].as_str()),
            Some("charm-entrypoint")
        );
        assert_eq!(charm_plugin_properties("no-such-plugin"), None);
    }
}
