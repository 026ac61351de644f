//! What charmcraft's part processing takes from the part schemas of both tools
//! ([`paasc_model::parts`], which validates parts with them): each plugin's properties, in their
//! order.

use paasc_model::parts::{plugin_properties, Tool};

/// The properties of charmcraft's plugin `name` (`plugin` and `source` first), in the order its
/// properties class declares them.
pub(crate) fn charm_plugin_properties(name: &str) -> Option<&'static [&'static str]> {
    plugin_properties(Tool::Charmcraft, name)
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
            charm_plugin_properties("charm").map(|p| p[2]),
            Some("charm-entrypoint")
        );
        assert_eq!(charm_plugin_properties("no-such-plugin"), None);
    }
}
