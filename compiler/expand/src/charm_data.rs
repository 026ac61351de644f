//! The charmcraft framework extensions as data, generated from charmcraft's own classes.

use paasc_diag::FileId;
use paasc_frameworks::Framework;
use paasc_syntax::{parse, Limits, Yaml};
use std::sync::OnceLock;

/// One framework's charmcraft extension data.
#[derive(Debug)]
pub struct CharmExtension {
    /// The extension name, e.g. `flask-framework`.
    pub extension: &'static str,
    /// The framework, e.g. `flask`.
    pub name: String,
    /// Supported V1 bases, e.g. `ubuntu@24.04`.
    pub bases: Vec<String>,
    /// Whether the V1 extension is experimental.
    pub experimental: bool,
    /// The root snippet, in charmcraft's key order.
    pub root: Yaml,
    /// Options added per `requires` endpoint of a given interface: interface → options.
    pub dynamic_options: Yaml,
}

/// The data file of `framework`'s charmcraft extension.
fn source(framework: Framework) -> &'static str {
    match framework {
        Framework::Django => include_str!("../data/charmcraft/django-framework.yaml"),
        Framework::ExpressJs => include_str!("../data/charmcraft/expressjs-framework.yaml"),
        Framework::FastApi => include_str!("../data/charmcraft/fastapi-framework.yaml"),
        Framework::Flask => include_str!("../data/charmcraft/flask-framework.yaml"),
        Framework::Go => include_str!("../data/charmcraft/go-framework.yaml"),
        Framework::SpringBoot => include_str!("../data/charmcraft/spring-boot-framework.yaml"),
    }
}

/// Each framework's data, parsed the first time it is asked for: a project uses one, and
/// parsing all six was most of the work of checking a small project.
static DATA: [OnceLock<CharmExtension>; 6] = [const { OnceLock::new() }; 6];

fn load(ext: &'static str, text: &str) -> CharmExtension {
    let (tree, diags) = parse(FileId(0), text, Limits::default());
    assert!(
        diags.is_empty(),
        "built-in data for {ext} does not parse: {diags:?}"
    );
    let doc = tree
        .root()
        .map(|r| Yaml::from_tree(&tree, r))
        .unwrap_or(Yaml::Null);
    let strs = |k: &str| -> Vec<String> {
        doc.get(k)
            .and_then(Yaml::as_seq)
            .unwrap_or_default()
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    CharmExtension {
        extension: ext,
        name: doc
            .get("framework")
            .and_then(Yaml::as_str)
            .unwrap_or_default()
            .to_string(),
        bases: strs("bases"),
        experimental: doc.get("experimental") == Some(&Yaml::Bool(true)),
        root: doc.get("root").cloned().unwrap_or(Yaml::Null),
        dynamic_options: doc.get("dynamic-options").cloned().unwrap_or(Yaml::Null),
    }
}

/// The charmcraft extension data of `framework`.
pub fn charm_extension(framework: Framework) -> &'static CharmExtension {
    DATA[framework.index()].get_or_init(|| load(framework.extension(), source(framework)))
}

/// The charmcraft extension data of the extension called `extension`, if it exists.
pub fn framework(extension: &str) -> Option<&'static CharmExtension> {
    Framework::from_extension(extension).map(charm_extension)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_framework_loads() {
        for name in paasc_frameworks::EXTENSION_NAMES {
            let f = framework(name).expect("registered");
            assert!(f.root.get("config").is_some(), "{name}");
            assert!(!f.bases.is_empty(), "{name}");
        }
        assert_eq!(
            framework("flask-framework").map(|f| f.name.as_str()),
            Some("flask")
        );
        assert!(framework("spring-boot-framework").is_some_and(|f| f.experimental));
    }
}
