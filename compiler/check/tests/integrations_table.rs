//! The runtime's integrations table against the other facts about integrations: the framework
//! extensions' data (the charm libraries they add, the endpoints they declare and the options
//! they add per endpoint of an interface) and the profile's redaction of credentials.

use paasc_frameworks::Framework;
use paasc_runtime::{Requirer, TABLE};
use paasc_syntax::Yaml;

/// The `(name, interface)` of each endpoint under `key` of an extension's root.
fn endpoints(root: &Yaml, key: &str) -> Vec<(String, String)> {
    root.get(key)
        .and_then(Yaml::as_map)
        .unwrap_or(&[])
        .iter()
        .filter_map(|(k, v)| {
            let interface = v.get("interface")?.as_str()?;
            Some((k.as_str()?.to_string(), interface.to_string()))
        })
        .collect()
}

#[test]
fn every_row_is_in_the_extension_data_of_every_framework() {
    for framework in Framework::ALL {
        let ext = paasc_expand::charm_extension(framework);
        let libs: Vec<&str> = ext
            .root
            .get("charm-libs")
            .and_then(Yaml::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|l| l.get("lib")?.as_str())
            .collect();
        for row in TABLE {
            let at = format!("{} in {}", row.name, ext.extension);
            if let Some(lib) = row.library {
                assert!(libs.contains(&lib), "{at}: charm-libs lacks {lib}");
            }
            let declared = |key: &str, name: &str| {
                endpoints(&ext.root, key).contains(&(name.to_string(), row.interface.to_string()))
            };
            match row.requirer {
                Requirer::Always(name) => assert!(declared("requires", name), "{at}"),
                Requirer::Provided(name) => assert!(declared("provides", name), "{at}"),
                Requirer::AnyName => {
                    assert!(ext.dynamic_options.get(row.interface).is_some(), "{at}")
                }
                Requirer::Named(name) | Requirer::ByInterface(name) => {
                    assert!(
                        !declared("requires", name),
                        "{at}: the charm declares it, not the extension"
                    )
                }
            }
        }
    }
}

#[test]
fn profiles_redact_every_field_a_provider_puts_credentials_in() {
    for row in TABLE {
        for field in row.secret_fields {
            assert!(
                paasc_model::profile::is_secret_field(field),
                "{}: `{field}` is not redacted in profiles",
                row.name
            );
        }
    }
}
