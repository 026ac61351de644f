//! Wire types of `charmcraft.yaml` (charmcraft 4.5.0 `PlatformCharm` / `BasesCharm`, before
//! extension expansion), as `paasc_model::charmcraft` reads it.

use crate::types::{
    underscore_aliases, Any, CharmBase, CharmBuildBase, CharmPlatforms, CharmType, CharmUser,
    Extension, HttpUrl, HttpUrls, Int, LaxBool, Name, OptionType, Refused, Scope, Strict,
    StrictTexts, Summary200, Text, Title,
};
use schemars::JsonSchema;
use std::collections::BTreeMap;

/// A map from names to `T`.
type Map<T> = BTreeMap<String, T>;

/// A Charmcraft project: `charmcraft.yaml`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case", transform = underscore_aliases)]
#[schemars(extend("oneOf" = [
    { "required": ["platforms"], "description": "`base` + `platforms` (charmcraft 3 and later)" },
    { "required": ["bases"], "description": "the legacy `bases`" }
]))]
pub struct Charmcraft {
    /// The charm's name on Charmhub: lowercase letters, digits and single hyphens, at least one
    /// letter, at most 40 characters.
    pub name: Name,
    /// The kind of project: `charm`.
    #[schemars(rename = "type")]
    pub type_: CharmType,
    /// A human-readable title of 2 to 40 characters.
    pub title: Option<Title>,
    /// A one-line summary, at most 200 characters.
    pub summary: Summary200,
    /// What the charm does, for Charmhub.
    pub description: Text,
    /// The charm's version (informational).
    pub version: Option<Text>,
    /// The base the charm runs on, such as `ubuntu@24.04`.
    pub base: Option<CharmBase>,
    /// The base to build on, when it differs from `base`.
    pub build_base: Option<CharmBuildBase>,
    /// Where the charm is built and what it runs on: `<arch>:` (shorthand for building on and for
    /// that architecture), or a name with `build-on` and `build-for`. Cannot be used with `bases`.
    pub platforms: Option<CharmPlatforms>,
    /// The legacy (charmcraft 2) form of `base` + `platforms`. Cannot be used with `platforms`.
    pub bases: Option<Vec<LegacyBasesEntry>>,
    /// craft-parts parts that build the charm (the framework extensions supply `charm`).
    #[schemars(transform = crate::parts::parts_not_null)]
    pub parts: Option<Map<crate::parts::CharmPart>>,
    /// Extra APT repositories for the build.
    pub package_repositories: Option<Vec<Any>>,
    /// Chisel slices to install in the build environment.
    pub build_slices: Option<Any>,
    /// The part whose `craftctl set` provides the version.
    pub adopt_info: Option<Text>,
    /// Settings of the charm linters run by `charmcraft pack`.
    pub analysis: Option<Any>,
    /// Deprecated Charmhub settings.
    #[schemars(extend("deprecated" = true))]
    pub charmhub: Option<Any>,
    /// Charm libraries that `charmcraft fetch-libs` downloads.
    pub charm_libs: Option<Vec<CharmLib>>,
    /// Actions the charm offers (`juju run`).
    pub actions: Option<Map<Any>>,
    /// Juju features the charm needs, such as `k8s-api`.
    pub assumes: Option<Any>,
    /// Which user runs the charm code.
    pub charm_user: Option<CharmUser>,
    /// Workload containers of a Kubernetes charm.
    pub containers: Option<Map<Any>>,
    /// Devices the charm needs (not with the 12-factor extensions).
    pub devices: Option<Map<Any>>,
    /// Extra network bindings (not with the 12-factor extensions).
    pub extra_bindings: Option<Map<Any>>,
    /// Peer relations.
    pub peers: Option<Map<Relation>>,
    /// Relations the charm provides.
    pub provides: Option<Map<Relation>>,
    /// Relations the charm requires.
    pub requires: Option<Map<Relation>>,
    /// Resources, such as the OCI image of a container.
    pub resources: Option<Map<Any>>,
    /// Storage the charm needs (not with the 12-factor extensions).
    pub storage: Option<Map<Any>>,
    /// Whether the charm is a subordinate.
    pub subordinate: Option<LaxBool>,
    /// Terms users accept by deploying the charm.
    pub terms: Option<Vec<Text>>,
    /// Links shown on Charmhub.
    pub links: Option<Links>,
    /// Configuration options (`juju config`).
    pub config: Option<Config>,
    /// Extensions to apply, such as `flask-framework`.
    pub extensions: Option<Vec<Extension>>,
    /// Not accepted at the top level: use `links` instead.
    pub license: Option<Refused>,
    /// Not accepted at the top level: use `links.contact` instead.
    pub contact: Option<Refused>,
    /// Not accepted at the top level: use `links.issues` instead.
    pub issues: Option<Refused>,
    /// Not accepted at the top level: use `links.source` instead.
    pub source_code: Option<Refused>,
}

/// One entry of the legacy `bases` list.
#[derive(JsonSchema)]
#[schemars(untagged)]
pub enum LegacyBasesEntry {
    /// The short form: one base to build on and run on.
    Short(LegacyBase),
    /// The long form.
    Long(LegacyBuildRun),
}

/// A base in the legacy form.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case", transform = underscore_aliases)]
pub struct LegacyBase {
    /// The distribution, such as `ubuntu`.
    pub name: Strict,
    /// The release, such as `"22.04"`: a string, so quote it.
    pub channel: Strict,
    /// Architectures.
    pub architectures: Option<Vec<Strict>>,
}

/// The long legacy form: bases to build on and to run on.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case", transform = underscore_aliases)]
pub struct LegacyBuildRun {
    /// Bases to build on.
    pub build_on: Vec<LegacyBase>,
    /// Bases the charm runs on (default: `build-on`).
    pub run_on: Option<Vec<LegacyBase>>,
}

/// A charm library to fetch.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case", transform = underscore_aliases)]
pub struct CharmLib {
    /// `<charm>.<library>`, such as `traefik_k8s.ingress`.
    #[schemars(schema_with = "lib_name")]
    pub lib: Text,
    /// The API version `N` or `N.M`, as a quoted string.
    #[schemars(schema_with = "lib_version")]
    pub version: Strict,
}

/// charmcraft 4.5.0's `CharmLib.lib`: a charm name (`_` read as `-`), a dot, a Python module
/// name, each of at least two characters from a letter on.
fn lib_name(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    crate::types::schema(serde_json::json!({
        "type": "string",
        "pattern": "^[a-z0-9_-]*[a-z][a-z0-9_-]+[.][a-z][a-z0-9_]+$"
    }))
}

/// charmcraft 4.5.0's `CharmLib.version`: a Python integer, optionally a dot and another.
fn lib_version(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    crate::types::schema(serde_json::json!({
        "type": "string",
        "pattern": "^\\s*[+-]?[0-9]+(_[0-9]+)*\\s*([.]\\s*[+-]?[0-9]+(_[0-9]+)*\\s*)?$"
    }))
}

/// A relation endpoint. Other keys are kept for Juju.
#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", transform = underscore_aliases)]
pub struct Relation {
    /// The interface name, such as `postgresql_client`.
    pub interface: Text,
    /// The most relations this endpoint accepts.
    pub limit: Option<Int>,
    /// Whether the charm works without this relation (informational).
    pub optional: Option<LaxBool>,
    /// `global` or `container` (for subordinates).
    pub scope: Option<Scope>,
}

/// `config`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case", transform = underscore_aliases)]
pub struct Config {
    /// The options, by name.
    pub options: Option<Map<ConfigOption>>,
}

/// A configuration option. Other keys pass through to Juju unchecked.
#[derive(JsonSchema)]
#[schemars(rename_all = "kebab-case", transform = underscore_aliases, transform = default_matches_type)]
pub struct ConfigOption {
    /// The option's type.
    #[schemars(rename = "type")]
    pub type_: OptionType,
    /// What the option does.
    pub description: Option<Text>,
    /// The default value; it must match the option's `type` (Juju refuses it otherwise).
    pub default: Option<Any>,
    /// Whether the option may be left unset.
    pub optional: Option<LaxBool>,
}

/// Juju rejects an option whose default does not match its type; charmcraft copies it as is.
fn default_matches_type(schema: &mut schemars::Schema) {
    use serde_json::json;
    let rules: Vec<serde_json::Value> = paasc_model::charmcraft::OptionType::ALL
        .iter()
        .map(|t| {
            let default = match *t {
                "string" => json!({ "type": ["string", "null"] }),
                "int" => json!({ "type": ["integer", "null"] }),
                "float" => json!({ "type": ["number", "null"] }),
                "boolean" => json!({ "type": ["boolean", "null"] }),
                _ => json!({ "anyOf": [
                    { "type": "null" },
                    { "type": "string", "pattern": "^secret:[a-z0-9]{20}$" }
                ] }),
            };
            json!({
                "if": { "properties": { "type": { "const": t } }, "required": ["type"] },
                "then": { "properties": { "default": default } }
            })
        })
        .collect();
    if let Some(obj) = schema.as_object_mut() {
        obj.insert("allOf".into(), serde_json::Value::Array(rules));
    }
}

/// `links`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case", transform = underscore_aliases)]
pub struct Links {
    /// How to contact the maintainers: a string, or a list of them.
    pub contact: Option<StrictTexts>,
    /// The documentation: an http or https URL.
    pub documentation: Option<HttpUrl>,
    /// The issue tracker: an http or https URL, or a list of them.
    pub issues: Option<HttpUrls>,
    /// The source code: an http or https URL, or a list of them.
    pub source: Option<HttpUrls>,
    /// The project's website: an http or https URL, or a list of them.
    pub website: Option<HttpUrls>,
}
