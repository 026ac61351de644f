//! The framework extensions as data.

use paasc_diag::FileId;
use paasc_syntax::{parse, Limits, Yaml};
use std::sync::OnceLock;

/// One framework's charmcraft extension data.
#[derive(Debug)]
pub struct Framework {
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

/// Every registered extension name.
pub const FRAMEWORK_NAMES: [&str; 6] = [
    "django-framework",
    "expressjs-framework",
    "fastapi-framework",
    "flask-framework",
    "go-framework",
    "spring-boot-framework",
];

const SOURCES: [(&str, &str); 6] = [
    (
        "django-framework",
        include_str!("../data/charmcraft/django-framework.yaml"),
    ),
    (
        "expressjs-framework",
        include_str!("../data/charmcraft/expressjs-framework.yaml"),
    ),
    (
        "fastapi-framework",
        include_str!("../data/charmcraft/fastapi-framework.yaml"),
    ),
    (
        "flask-framework",
        include_str!("../data/charmcraft/flask-framework.yaml"),
    ),
    (
        "go-framework",
        include_str!("../data/charmcraft/go-framework.yaml"),
    ),
    (
        "spring-boot-framework",
        include_str!("../data/charmcraft/spring-boot-framework.yaml"),
    ),
];

/// Each framework's data, parsed the first time it is asked for: a project uses one, and
/// parsing all six was most of the work of checking a small project.
static FRAMEWORKS: [OnceLock<Framework>; 6] = [const { OnceLock::new() }; 6];

fn load(ext: &'static str, text: &str) -> Framework {
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
    Framework {
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

/// The data of the extension called `extension`, if it exists.
pub fn framework(extension: &str) -> Option<&'static Framework> {
    let ((ext, text), slot) = SOURCES
        .iter()
        .zip(&FRAMEWORKS)
        .find(|((ext, _), _)| *ext == extension)?;
    Some(slot.get_or_init(|| load(ext, text)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_framework_loads() {
        for name in FRAMEWORK_NAMES {
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
