//! Wire types of `rockcraft.yaml` (rockcraft 1.20.0 `Project`, before extension expansion), as
//! `paasc_model::rockcraft` reads it, with Pebble's service and check keys.

use crate::types::{
    not_null, underscore_aliases, Any, CheckLevel, EnvValue, Extension, Int, Name, Number,
    Override, Refused, RockBase, RockBuildBase, RockLicense, RockPlatforms, RunUser, ServiceAction,
    Startup, Text, Title,
};
use schemars::JsonSchema;
use std::collections::BTreeMap;

/// A map from names to `T`.
type Map<T> = BTreeMap<String, T>;

/// A Rockcraft project: `rockcraft.yaml`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case", transform = underscore_aliases)]
#[schemars(extend("anyOf" = [
    {
        "required": ["version"],
        "properties": { "version": { "not": { "type": "null" } } },
        "description": "a `version`"
    },
    { "required": ["adopt-info"], "description": "or `adopt-info` to take it from a part" },
    { "required": ["adopt_info"], "description": "or `adopt_info` to take it from a part" }
]))]
#[schemars(extend("allOf" = [{
    "anyOf": [
        { "required": ["parts"] },
        { "required": ["extensions"], "properties": { "extensions": { "minItems": 1 } } }
    ],
    "description": "`parts`, unless an extension supplies them (rockcraft: \"field 'parts' required in top-level configuration\")"
}]))]
#[schemars(extend("if" = { "properties": { "title": { "type": "null" } } }))]
#[schemars(extend("then" = { "properties": { "name": {
    "minLength": 2,
    "description": "Without a `title`, the name is the title, so it needs 2 characters or more."
} } }))]
pub struct Rockcraft {
    /// The rock's name: lowercase letters, digits and single hyphens, at least one letter, at
    /// most 40 characters.
    pub name: Name,
    /// A human-readable title of 2 to 40 characters (default: the name).
    pub title: Option<Title>,
    /// The rock's version; quote it (`'1.0'`), or use `adopt-info` instead.
    pub version: Option<Text>,
    /// A one-line summary.
    pub summary: Text,
    /// What the rock contains.
    pub description: Text,
    /// The base image: an Ubuntu release, or `bare` (then `build-base` is needed).
    pub base: RockBase,
    /// The release to build on (default: `base`; required with `base: bare`).
    pub build_base: Option<RockBuildBase>,
    /// Where the rock is built and what it runs on: `<arch>:` (shorthand), or a name with
    /// `build-on` and `build-for`.
    pub platforms: RockPlatforms,
    /// The license: one SPDX license id or `proprietary`.
    pub license: Option<RockLicense>,
    /// How to contact the maintainers.
    pub contact: Option<Any>,
    /// Where to report issues.
    pub issues: Option<Any>,
    /// The source code's URL.
    pub source_code: Option<Text>,
    /// The part whose `craftctl set` provides the version.
    pub adopt_info: Option<Text>,
    /// Extra APT repositories for the build.
    pub package_repositories: Option<Vec<Any>>,
    /// Default arguments of the entrypoint service.
    pub entrypoint_command: Option<Text>,
    /// craft-parts parts that build the rock (the framework extensions add theirs).
    #[schemars(transform = crate::parts::parts_not_null)]
    pub parts: Option<Map<crate::parts::RockPart>>,
    /// Environment variables of the rock (no `$` expansion, so no `$` but as the last character).
    pub environment: Option<Map<EnvValue>>,
    /// The user that runs the services: only `_daemon_` (uid 584792).
    pub run_user: Option<RunUser>,
    /// Pebble services, by name.
    pub services: Option<Map<Service>>,
    /// Pebble health checks, by name.
    pub checks: Option<Map<Check>>,
    /// The service `docker run` starts.
    pub entrypoint_service: Option<Text>,
    /// Extensions to apply, such as `flask-framework`.
    pub extensions: Option<Vec<Extension>>,
    /// Not accepted: rocks start Pebble; declare a service under `services`.
    pub cmd: Option<Refused>,
    /// Not accepted: rocks start Pebble; declare a service under `services`.
    pub entrypoint: Option<Refused>,
    /// Not accepted: use `environment`.
    pub env: Option<Refused>,
}

/// A Pebble service. `override` and `command` are required, except in the services a framework
/// extension defines.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case", transform = underscore_aliases)]
pub struct Service {
    /// How this definition combines with the service's earlier layers.
    #[schemars(rename = "override")]
    pub override_: Option<Override>,
    /// The command line, with optional default arguments in `[ ]`.
    pub command: Option<Text>,
    /// A short summary.
    pub summary: Option<Text>,
    /// A description.
    pub description: Option<Text>,
    /// Whether Pebble starts the service automatically.
    pub startup: Option<Startup>,
    /// Services to start before this one.
    pub after: Option<Vec<Text>>,
    /// Services to start after this one.
    pub before: Option<Vec<Text>>,
    /// Services that must run with this one.
    pub requires: Option<Vec<Text>>,
    /// Environment variables of the service.
    pub environment: Option<Map<Text>>,
    /// The user that runs the service.
    pub user: Option<Text>,
    /// The uid that runs the service.
    pub user_id: Option<Int>,
    /// The group that runs the service.
    pub group: Option<Text>,
    /// The gid that runs the service.
    pub group_id: Option<Int>,
    /// The working directory.
    pub working_dir: Option<Text>,
    /// What to do when the service exits with status 0.
    pub on_success: Option<ServiceAction>,
    /// What to do when the service exits with another status.
    pub on_failure: Option<ServiceAction>,
    /// What to do when a check fails, by check name.
    pub on_check_failure: Option<Map<ServiceAction>>,
    /// The first restart delay, a duration such as `500ms` (default `500ms`).
    pub backoff_delay: Option<Text>,
    /// How much the delay grows on each restart (default 2.0).
    pub backoff_factor: Option<Number>,
    /// The longest restart delay, a duration (default `30s`).
    pub backoff_limit: Option<Text>,
    /// How long to wait after SIGTERM before SIGKILL, a duration (default `5s`).
    pub kill_delay: Option<Text>,
}

/// A Pebble health check: exactly one of `http`, `tcp` or `exec`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case", transform = underscore_aliases)]
#[schemars(extend("oneOf" = [
    { "required": ["http"] },
    { "required": ["tcp"] },
    { "required": ["exec"] }
]))]
pub struct Check {
    /// How this definition combines with the check's earlier layers.
    #[schemars(rename = "override")]
    pub override_: Override,
    /// `alive` or `ready`.
    pub level: Option<CheckLevel>,
    /// How often the check runs, a duration (default `10s`).
    pub period: Option<Text>,
    /// How long one run may take, a duration (default `3s`).
    pub timeout: Option<Text>,
    /// Failures in a row before the check is down (default 3).
    pub threshold: Option<Int>,
    /// An HTTP GET that must return 2xx.
    #[schemars(transform = not_null)]
    pub http: Option<HttpCheck>,
    /// A TCP connection that must open.
    #[schemars(transform = not_null)]
    pub tcp: Option<TcpCheck>,
    /// A command that must exit with status 0.
    #[schemars(transform = not_null)]
    pub exec: Option<ExecCheck>,
}

/// An HTTP check.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case", transform = underscore_aliases)]
pub struct HttpCheck {
    /// The URL to GET.
    pub url: Text,
    /// Request headers.
    pub headers: Option<Map<Text>>,
}

/// A TCP check.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case", transform = underscore_aliases)]
pub struct TcpCheck {
    /// The port to connect to.
    pub port: Int,
    /// The host (default `localhost`).
    pub host: Option<Text>,
}

/// An exec check.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case", transform = underscore_aliases)]
pub struct ExecCheck {
    /// The command line.
    pub command: Text,
    /// Run in the context of this service (its environment, user and directory).
    pub service_context: Option<Text>,
    /// Environment variables.
    pub environment: Option<Map<Text>>,
    /// The user that runs the command.
    pub user: Option<Text>,
    /// The uid that runs the command.
    pub user_id: Option<Int>,
    /// The group that runs the command.
    pub group: Option<Text>,
    /// The gid that runs the command.
    pub group_id: Option<Int>,
    /// The working directory.
    pub working_dir: Option<Text>,
}
