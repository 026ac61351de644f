//! The charmcraft framework extensions as data, generated from charmcraft's own classes
//! (`data/charmcraft/`, which `build.rs` turns into the constants each one is built from).

use paasc_frameworks::Framework;
use paasc_syntax::{static_compact, Yaml};

/// One framework's charmcraft extension data.
#[derive(Debug, PartialEq)]
pub struct CharmExtension {
    /// The extension name, e.g. `flask-framework`.
    pub extension: &'static str,
    /// The framework, e.g. `flask`.
    pub name: &'static str,
    /// Supported V1 bases, e.g. `ubuntu@24.04`.
    pub bases: &'static [&'static str],
    /// Whether the V1 extension is experimental.
    pub experimental: bool,
    /// The root snippet, in charmcraft's key order.
    pub root: Yaml,
    /// Options added per `requires` endpoint of a given interface: interface → options.
    pub dynamic_options: Yaml,
}

/// One function per data file, named after it (`flask-framework.yaml`: `flask_framework`).
mod generated {
    use super::{CharmExtension, K};

    include!(concat!(env!("OUT_DIR"), "/charm_data.rs"));
}

/// A [`Yaml`] value as a constant, which `build.rs` writes for each extension's data and
/// [`K::yaml`] builds. The data was once built by straight-line generated code, which ran each
/// of its instructions once: flask's alone was 15 KiB of code that a new process fetched from
/// memory, about a fortieth of the distinct code an example's `check` runs. As constants, it is
/// a few kilobytes of data read by this one small function.
// build.rs writes whichever variants the data files hold; today none holds a null, a float, a
// timestamp or a big integer.
#[allow(dead_code)]
enum K {
    Null,
    Bool(bool),
    Int(i128),
    BigInt(&'static str),
    /// The float's bits.
    Float(u64),
    Str(&'static str),
    Timestamp(&'static str),
    Seq(&'static [K]),
    Map(&'static [(K, K)]),
}

impl K {
    /// The value.
    fn yaml(&self) -> Yaml {
        match *self {
            K::Null => Yaml::Null,
            K::Bool(b) => Yaml::Bool(b),
            K::Int(i) => Yaml::Int(i),
            K::BigInt(digits) => Yaml::BigInt(digits.to_string()),
            K::Float(bits) => Yaml::Float(f64::from_bits(bits)),
            K::Str(text) => Yaml::static_str(text),
            K::Timestamp(text) => Yaml::Timestamp(static_compact(text)),
            K::Seq(items) => Yaml::Seq(items.iter().map(K::yaml).collect()),
            K::Map(pairs) => Yaml::Map(pairs.iter().map(|(k, v)| (k.yaml(), v.yaml())).collect()),
        }
    }
}

/// Builds the data of `framework`'s charmcraft extension.
fn build(framework: Framework) -> CharmExtension {
    match framework {
        Framework::Django => generated::django_framework(),
        Framework::ExpressJs => generated::expressjs_framework(),
        Framework::FastApi => generated::fastapi_framework(),
        Framework::Flask => generated::flask_framework(),
        Framework::Go => generated::go_framework(),
        Framework::SpringBoot => generated::spring_boot_framework(),
    }
}

/// The charmcraft extension data of `framework`, built anew: its one use in an expansion takes
/// the root snippet and changes it, so building it costs what copying a kept one did (about
/// 15,000 instructions of the 480,000 of `check` on a Go app).
pub fn charm_extension(framework: Framework) -> CharmExtension {
    build(framework)
}

/// The charmcraft extension data of the extension called `extension`, if it exists.
pub fn framework(extension: &str) -> Option<CharmExtension> {
    Framework::from_extension(extension).map(charm_extension)
}

/// The run-time decoding that `build.rs` replaced, kept as the oracle of the generated code.
#[cfg(test)]
mod oracle {
    use super::CharmExtension;
    use paasc_diag::FileId;
    use paasc_frameworks::Framework;
    use paasc_syntax::{parse, Limits, Yaml};

    /// The data file of `framework`'s charmcraft extension.
    fn source(framework: Framework) -> &'static str {
        match framework {
            Framework::Django => include_str!("../data/charmcraft/django-framework.yaml"),
            Framework::ExpressJs => include_str!("../data/charmcraft/expressjs-framework.yaml"),
            Framework::FastApi => include_str!("../data/charmcraft/fastapi-framework.yaml"),
            Framework::Flask => include_str!("../data/charmcraft/flask-framework.yaml"),
            Framework::Go => include_str!("../data/charmcraft/go-framework.yaml"),
            Framework::SpringBoot => {
                include_str!("../data/charmcraft/spring-boot-framework.yaml")
            }
        }
    }

    pub(super) fn load(framework: Framework) -> CharmExtension {
        let ext = framework.extension();
        let (tree, diags) = parse(FileId(0), source(framework), Limits::default());
        assert!(
            diags.is_empty(),
            "built-in data for {ext} does not parse: {diags:?}"
        );
        let doc = tree
            .root()
            .map(|r| Yaml::from_tree(&tree, r))
            .unwrap_or(Yaml::Null);
        let strs = |k: &str| -> Vec<&'static str> {
            doc.get(k)
                .and_then(Yaml::as_seq)
                .unwrap_or_default()
                .iter()
                .filter_map(|v| v.as_str().map(|s| &*s.to_string().leak()))
                .collect()
        };
        CharmExtension {
            extension: ext,
            name: doc
                .get("framework")
                .and_then(Yaml::as_str)
                .unwrap_or_default()
                .to_string()
                .leak(),
            bases: strs("bases").leak(),
            experimental: doc.get("experimental") == Some(&Yaml::Bool(true)),
            root: doc.get("root").cloned().unwrap_or(Yaml::Null),
            dynamic_options: doc.get("dynamic-options").cloned().unwrap_or(Yaml::Null),
        }
    }
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
        assert_eq!(framework("flask-framework").map(|f| f.name), Some("flask"));
        assert!(framework("spring-boot-framework").is_some_and(|f| f.experimental));
    }

    /// `build.rs` builds exactly what parsing the data files at run time gave.
    #[test]
    fn the_generated_data_is_the_parsed_files() {
        for fw in Framework::ALL {
            assert_eq!(charm_extension(fw), oracle::load(fw), "{}", fw.extension());
        }
    }
}
