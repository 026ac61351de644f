//! The typed model of `rockcraft.yaml` (rockcraft 1.20.0 `Project`), before extension expansion.

use crate::lower::{Cx, Lower, Platform, Raw, Spanned, SpannedMap};
use crate::{check_name, check_title, forbid, one_spelling, string_enum};
use paasc_diag::{Code, Diagnostic};
use paasc_syntax::shlex::split as shlex_split;
use paasc_syntax::NodeId;

string_enum! {
    /// `base` values rockcraft 1.20.0 accepts.
    pub enum RockBase {
        Bare = "bare", Focal = "ubuntu@20.04", Jammy = "ubuntu@22.04", Noble = "ubuntu@24.04",
        Questing = "ubuntu@25.10", Resolute = "ubuntu@26.04", U2610 = "ubuntu@26.10",
        FocalColon = "ubuntu:20.04", JammyColon = "ubuntu:22.04",
    }
}

string_enum! {
    /// `build-base` values rockcraft 1.20.0 accepts.
    pub enum RockBuildBase {
        Focal = "ubuntu@20.04", Jammy = "ubuntu@22.04", Noble = "ubuntu@24.04",
        Questing = "ubuntu@25.10", Resolute = "ubuntu@26.04", Devel = "devel",
        FocalColon = "ubuntu:20.04", JammyColon = "ubuntu:22.04",
    }
}

string_enum! {
    /// The only run user rocks support.
    pub enum RunUser { Daemon = "_daemon_" }
}

string_enum! {
    /// How a Pebble layer entry combines with earlier layers.
    pub enum Override { Merge = "merge", Replace = "replace" }
}

string_enum! {
    /// Whether Pebble starts a service or check automatically.
    pub enum Startup { Enabled = "enabled", Disabled = "disabled" }
}

string_enum! {
    /// What Pebble does when a service exits or a check fails. rockcraft 1.20.0's `Service` model
    /// takes only these three; newer Pebble's `success-shutdown` and `failure-shutdown` are refused.
    pub enum ServiceAction help "`success-shutdown` and `failure-shutdown` are newer Pebble, which rockcraft 1.20.0 refuses; `shutdown` exits with the service's own status" {
        Restart = "restart", Shutdown = "shutdown", Ignore = "ignore",
    }
}

string_enum! {
    /// The level of a Pebble check.
    pub enum CheckLevel { Alive = "alive", Ready = "ready" }
}

/// A Pebble service as rockcraft validates it.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Service {
    /// `override` (required once the extension has merged in its keys).
    pub override_: Option<Spanned<Override>>,
    /// The command line.
    pub command: Option<Spanned<String>>,
    /// `summary`.
    pub summary: Option<Spanned<String>>,
    /// `description`.
    pub description: Option<Spanned<String>>,
    /// `startup`.
    pub startup: Option<Spanned<Startup>>,
    /// Services this one starts after.
    pub after: Option<Vec<Spanned<String>>>,
    /// Services this one starts before.
    pub before: Option<Vec<Spanned<String>>>,
    /// Services this one requires.
    pub requires: Option<Vec<Spanned<String>>>,
    /// Environment variables.
    pub environment: Option<SpannedMap<Spanned<String>>>,
    /// `user`.
    pub user: Option<Spanned<String>>,
    /// `user-id`.
    pub user_id: Option<Spanned<i64>>,
    /// `group`.
    pub group: Option<Spanned<String>>,
    /// `group-id`.
    pub group_id: Option<Spanned<i64>>,
    /// `working-dir`.
    pub working_dir: Option<Spanned<String>>,
    /// `on-success`.
    pub on_success: Option<Spanned<ServiceAction>>,
    /// `on-failure`.
    pub on_failure: Option<Spanned<ServiceAction>>,
    /// `on-check-failure`: check name to action.
    pub on_check_failure: Option<SpannedMap<Spanned<ServiceAction>>>,
    /// `backoff-delay` (a duration).
    pub backoff_delay: Option<Spanned<String>>,
    /// `backoff-factor`.
    pub backoff_factor: Option<Spanned<crate::lower::Number>>,
    /// `backoff-limit` (a duration).
    pub backoff_limit: Option<Spanned<String>>,
    /// `kill-delay` (a duration).
    pub kill_delay: Option<Spanned<String>>,
    /// The mapping itself.
    pub node: Option<NodeId>,
}

impl Lower for Service {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        let mut m = cx.map(id, path)?;
        let s = Service {
            override_: m.opt_spanned(cx, "override"),
            command: m.opt_spanned(cx, "command"),
            summary: m.opt_spanned(cx, "summary"),
            description: m.opt_spanned(cx, "description"),
            startup: m.opt_spanned(cx, "startup"),
            after: m.opt(cx, "after"),
            before: m.opt(cx, "before"),
            requires: m.opt(cx, "requires"),
            environment: m.opt(cx, "environment"),
            user: m.opt_spanned(cx, "user"),
            user_id: m.opt_spanned(cx, "user-id"),
            group: m.opt_spanned(cx, "group"),
            group_id: m.opt_spanned(cx, "group-id"),
            working_dir: m.opt_spanned(cx, "working-dir"),
            on_success: m.opt_spanned(cx, "on-success"),
            on_failure: m.opt_spanned(cx, "on-failure"),
            on_check_failure: m.opt(cx, "on-check-failure"),
            backoff_delay: m.opt_spanned(cx, "backoff-delay"),
            backoff_factor: m.opt_spanned(cx, "backoff-factor"),
            backoff_limit: m.opt_spanned(cx, "backoff-limit"),
            kill_delay: m.opt_spanned(cx, "kill-delay"),
            node: Some(id),
        };
        m.finish(cx);
        Some(s)
    }
}

/// The kind-specific part of a check.
#[derive(Clone, Debug, PartialEq)]
pub enum CheckKind {
    /// An HTTP GET.
    Http {
        /// The URL.
        url: Option<Spanned<String>>,
    },
    /// A TCP connect.
    Tcp {
        /// The port.
        port: Option<Spanned<i64>>,
    },
    /// A command.
    Exec {
        /// The command line.
        command: Option<Spanned<String>>,
    },
}

/// A Pebble check, as rockcraft 1.20.0's `Check` model has it (no `startup`: newer Pebble's key
/// is refused as an unknown one).
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    /// `override`.
    pub override_: Option<Spanned<Override>>,
    /// `level`.
    pub level: Option<Spanned<CheckLevel>>,
    /// `period` (a duration).
    pub period: Option<Spanned<String>>,
    /// `timeout` (a duration).
    pub timeout: Option<Spanned<String>>,
    /// `threshold`.
    pub threshold: Option<Spanned<i64>>,
    /// The one kind the check has.
    pub kind: Option<CheckKind>,
}

fn lower_http(cx: &mut Cx, id: NodeId, path: &str) -> Option<CheckKind> {
    let mut m = cx.map(id, path)?;
    let url = m.req::<String>(cx, "url");
    let _: Option<SpannedMap<Spanned<String>>> = m.opt(cx, "headers");
    m.finish(cx);
    Some(CheckKind::Http { url })
}

fn lower_tcp(cx: &mut Cx, id: NodeId, path: &str) -> Option<CheckKind> {
    let mut m = cx.map(id, path)?;
    let port = m.req::<i64>(cx, "port");
    let _: Option<String> = m.opt(cx, "host");
    m.finish(cx);
    Some(CheckKind::Tcp { port })
}

fn lower_exec(cx: &mut Cx, id: NodeId, path: &str) -> Option<CheckKind> {
    let mut m = cx.map(id, path)?;
    let command = m.req::<String>(cx, "command");
    let _: Option<String> = m.opt(cx, "service-context");
    let _: Option<SpannedMap<Spanned<String>>> = m.opt(cx, "environment");
    let _: Option<String> = m.opt(cx, "user");
    let _: Option<i64> = m.opt(cx, "user-id");
    let _: Option<String> = m.opt(cx, "group");
    let _: Option<i64> = m.opt(cx, "group-id");
    let _: Option<String> = m.opt(cx, "working-dir");
    m.finish(cx);
    Some(CheckKind::Exec { command })
}

impl Lower for Check {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        let mut m = cx.map(id, path)?;
        let override_ = m.req::<Override>(cx, "override");
        let level = m.opt_spanned(cx, "level");
        let period = m.opt_spanned(cx, "period");
        let timeout = m.opt_spanned(cx, "timeout");
        let threshold = m.opt_spanned(cx, "threshold");
        let kinds: Vec<(&'static str, NodeId)> = ["http", "tcp", "exec"]
            .into_iter()
            .filter_map(|k| m.entry(k).map(|e| (k, e.value)))
            .collect();
        let kind = match kinds.as_slice() {
            [] => {
                cx.push(
                    Diagnostic::new(
                        Code::MISSING_KEY,
                        cx.file,
                        cx.tree.span(id),
                        "Must specify exactly one of http, tcp, exec for each check.",
                    )
                    .label(format!("check `{path}` has no kind"))
                    .help("add `http: {url: ...}`, `tcp: {port: ...}` or `exec: {command: ...}`"),
                );
                None
            }
            [(k, v)] => match *k {
                "http" => lower_http(cx, *v, &format!("{path}.http")),
                "tcp" => lower_tcp(cx, *v, &format!("{path}.tcp")),
                _ => lower_exec(cx, *v, &format!("{path}.exec")),
            },
            [(first, fv), rest @ ..] => {
                let mut names: Vec<&str> = kinds.iter().map(|(k, _)| *k).collect();
                names.sort_unstable();
                let mut d = Diagnostic::new(Code::CONFLICTING_KEYS, cx.file, cx.tree.span(rest[0].1), format!(
                    "Multiple check types specified ({}). Each check must have exactly one type.",
                    names.join(", ")
                ))
                .label(format!("`{}` given as well", rest[0].0))
                .secondary(cx.file, cx.tree.span(*fv), format!("`{first}` given here"))
                .help(format!("check `{path}` must have exactly one of `http`, `tcp` or `exec`; split it into two checks"));
                for (k, v) in &rest[1..] {
                    d = d.secondary(cx.file, cx.tree.span(*v), format!("`{k}` given here"));
                }
                cx.push(d);
                None
            }
        };
        m.finish(cx);
        Some(Check {
            override_,
            level,
            period,
            timeout,
            threshold,
            kind,
        })
    }
}

/// `rockcraft.yaml` as written.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Rockcraft {
    /// `name`.
    pub name: Option<Spanned<String>>,
    /// `title`.
    pub title: Option<Spanned<String>>,
    /// `version`.
    pub version: Option<Spanned<String>>,
    /// `summary`.
    pub summary: Option<Spanned<String>>,
    /// `description`.
    pub description: Option<Spanned<String>>,
    /// `base`.
    pub base: Option<Spanned<RockBase>>,
    /// `build-base`.
    pub build_base: Option<Spanned<RockBuildBase>>,
    /// `platforms`; a null entry is the shorthand `amd64:`.
    pub platforms: Option<SpannedMap<Option<Platform>>>,
    /// `license`.
    pub license: Option<Spanned<String>>,
    /// `parts`, kept as nodes; [`crate::parts::check`] validates them as craft-parts does.
    pub parts: Option<SpannedMap<Raw>>,
    /// `environment`.
    pub environment: Option<SpannedMap<Spanned<String>>>,
    /// `run-user` (or `run_user`).
    pub run_user: Option<Spanned<RunUser>>,
    /// `services`.
    pub services: Option<SpannedMap<Service>>,
    /// `checks`.
    pub checks: Option<SpannedMap<Check>>,
    /// `entrypoint-service`.
    pub entrypoint_service: Option<Spanned<String>>,
    /// `entrypoint-command`.
    pub entrypoint_command: Option<Spanned<String>>,
    /// `extensions`.
    pub extensions: Option<Vec<Spanned<String>>>,
    /// The root mapping.
    pub root: Option<NodeId>,
}

/// Lowers a whole `rockcraft.yaml`.
pub fn lower(cx: &mut Cx) -> Option<Rockcraft> {
    let root = cx.tree.root()?;
    let mut m = cx.map(root, "")?;
    let mut r = Rockcraft {
        name: m.req(cx, "name"),
        title: m.opt_spanned(cx, "title"),
        version: m.opt_spanned(cx, "version"),
        summary: m.req(cx, "summary"),
        description: m.req(cx, "description"),
        base: m.req(cx, "base"),
        build_base: m.opt_spanned(cx, "build-base"),
        platforms: m.req(cx, "platforms").map(|s: Spanned<_>| s.value),
        license: m.opt_spanned(cx, "license"),
        ..Rockcraft::default()
    };
    for key in ["contact", "issues"] {
        let _: Option<Raw> = m.opt(cx, key);
    }
    let _: Option<String> = m.opt(cx, "source-code");
    let _: Option<String> = m.opt(cx, "adopt-info");
    let _: Option<Vec<Raw>> = m.opt(cx, "package-repositories");
    r.parts = m.opt(cx, "parts");
    r.environment = m.opt(cx, "environment");
    r.run_user = one_spelling(cx, &mut m, "run-user", "run_user");
    r.services = m.opt(cx, "services");
    r.checks = m.opt(cx, "checks");
    r.entrypoint_service = m.opt_spanned(cx, "entrypoint-service");
    r.entrypoint_command = m.opt_spanned(cx, "entrypoint-command");
    r.extensions = m.opt(cx, "extensions");
    forbid(cx, &mut m, "cmd", || {
        "rocks have no `cmd`; declare a Pebble service under `services` instead".into()
    });
    forbid(cx, &mut m, "entrypoint", || {
        "rocks have no `entrypoint`; declare a Pebble service under `services` instead".into()
    });
    forbid(cx, &mut m, "env", || {
        "rocks have no `env`; use `environment` instead".into()
    });
    if let Some(name) = &r.name {
        check_name(cx, name);
        match &r.title {
            Some(title) => check_title(cx, title, false),
            None => check_title(cx, name, true),
        }
    }
    if r.version.is_none() && m.peek("adopt-info").is_none() {
        let start = cx.tree.span(root).start as usize;
        cx.push(
            Diagnostic::new(
                Code::MISSING_KEY,
                cx.file,
                paasc_diag::Span::new(start, start),
                "'adopt-info' not set and required fields are missing: 'version'",
            )
            .label("`version` is missing from this file")
            .help("add `version: '0.1'` (quoted), or `adopt-info: <part>` to take it from a part"),
        );
    }
    if let Some(platforms) = &r.platforms {
        crate::platforms::check(cx, platforms, crate::platforms::Tool::Rock);
    }
    if let Some(license) = &r.license {
        check_license(cx, license);
    }
    if let Some(env) = &r.environment {
        check_environment(cx, env);
    }
    check_entrypoint(cx, &r, m.peek("services").is_some());
    crate::parts::check(cx, root, crate::parts::Tool::Rockcraft);
    r.root = Some(root);
    m.finish(cx);
    Some(r)
}

/// What rockcraft 1.20.0 prints for either entrypoint key, before checking it.
const ATYPICAL_ENTRYPOINT: &str = "rockcraft warns that such a rock needs prior approval before it is submitted to a Canonical registry namespace; keep the key only for testing or personal use (a charm never uses the image's entrypoint)";

/// rockcraft 1.20.0's `_validate_entrypoint_service` and `_validate_entrypoint_command`: the
/// service must exist and its command must end in `[ default arguments ]`, and the two keys
/// exclude each other; either one draws a warning. `services_written` says whether the file
/// has a `services` key (when it does but could not be read, the service is not looked up).
///
/// A service only an extension defines is known to exist, but its command is not known before
/// the expansion, so it is not checked here.
///
/// The warning is left out when the key is refused anyway.
fn check_entrypoint(cx: &mut Cx, r: &Rockcraft, services_written: bool) {
    if let Some(service) = &r.entrypoint_service {
        let before = cx.diags.len();
        check_entrypoint_service(cx, r, service, services_written);
        if cx.diags.len() == before && r.entrypoint_command.is_none() {
            cx.push(
                Diagnostic::new(
                    Code::ATYPICAL_ENTRYPOINT,
                    cx.file,
                    service.span,
                    "'entrypoint-service' is defined: the rock gets an atypical OCI entrypoint",
                )
                .label(format!(
                    "`docker run` arguments replace the `[ ... ]` defaults of `{}`",
                    service.value
                ))
                .help(ATYPICAL_ENTRYPOINT),
            );
        }
    }
    if let Some(command) = &r.entrypoint_command {
        if let Some(service) = &r.entrypoint_service {
            cx.push(
                Diagnostic::new(
                    Code::CONFLICTING_KEYS,
                    cx.file,
                    command.span,
                    "The option 'entrypoint-command' cannot be used along 'entrypoint-service'.",
                )
                .label("`entrypoint-command` given here")
                .secondary(cx.file, service.span, "`entrypoint-service` given here")
                .help("keep one of the two: `entrypoint-service` to start one Pebble service, `entrypoint-command` to replace Pebble"),
            );
        } else {
            cx.push(
                Diagnostic::new(
                    Code::ATYPICAL_ENTRYPOINT,
                    cx.file,
                    command.span,
                    "'entrypoint-command' is defined: the rock gets an atypical OCI entrypoint",
                )
                .label("replaces `pebble enter` as the entrypoint")
                .help(ATYPICAL_ENTRYPOINT),
            );
        }
    }
}

fn check_entrypoint_service(
    cx: &mut Cx,
    r: &Rockcraft,
    service: &Spanned<String>,
    services_written: bool,
) {
    let name = service.value.as_str();
    let own = r.services.as_ref().and_then(|s| s.get(name));
    let by_extension = r
        .extensions
        .iter()
        .flatten()
        .any(|e| crate::extension_services(&e.value).contains(&name));
    if own.is_none() && !by_extension {
        if services_written && r.services.is_none() {
            return;
        }
        let mut names: Vec<&str> = r
            .services
            .iter()
            .flat_map(|s| s.iter().map(|(k, _)| k.value.as_str()))
            .collect();
        names.extend(
            r.extensions
                .iter()
                .flatten()
                .flat_map(|e| crate::extension_services(&e.value).iter().copied()),
        );
        let d = Diagnostic::new(
            Code::INVALID_ENTRYPOINT_SERVICE,
            cx.file,
            service.span,
            format!("The provided entrypoint-service '{name}' is not a valid Pebble service."),
        );
        let d = match paasc_diag::closest(name, names.iter().copied()) {
            Some(best) => d
                .label(format!("did you mean `{best}`?"))
                .help(format!("use `{best}`")),
            None if names.is_empty() => d
                .label("the rock has no services")
                .help("declare the service under `services`, or remove `entrypoint-service`"),
            None => d.label("not a service of the rock").help(format!(
                "name one of the rock's services: {}",
                crate::lower::quote_list(&names)
            )),
        };
        cx.push(d);
        return;
    }
    let Some(command) = own.and_then(|s| s.command.as_ref()) else {
        return;
    };
    let problem = entrypoint_command_problem(name, &command.value);
    if let Some((message, label)) = problem {
        cx.push(
            Diagnostic::new(Code::INVALID_ENTRYPOINT_SERVICE, cx.file, command.span, message)
                .label(label)
                .secondary(cx.file, service.span, "the entrypoint service")
                .help("end the command with its default arguments in brackets, e.g. `/bin/server [ --port 8000 ]`; they become the image's CMD"),
        );
    }
}

/// Why rockcraft refuses service `name`, whose command is `command`, as the entrypoint
/// service (its message and a label), if it does: the command must split like a shell line and
/// end in a `[ ... ]` group of default arguments.
pub fn entrypoint_command_problem(name: &str, command: &str) -> Option<(String, &'static str)> {
    match shlex_split(command) {
        Err(e) => Some((
            format!("The command of Pebble service '{name}' cannot be split into words: {e}"),
            "not a shell-like command line",
        )),
        Ok(words) => {
            let open = words.iter().position(|w| w == "[");
            let close = words.iter().position(|w| w == "]");
            match (open, close) {
                (Some(o), Some(c)) if o < c => None,
                (Some(_), Some(_)) => Some((
                    format!("The Pebble service '{name}' has a command whose `]` comes before its `[`."),
                    "`]` before `[`",
                )),
                _ => Some((
                    format!(
                        "The Pebble service '{name}' has a command {} without default arguments and thus cannot be used as the entrypoint-service.",
                        words.join(" ")
                    ),
                    "no `[ ... ]` group of default arguments",
                )),
            }
        }
    }
}

/// rockcraft 1.20.0's `_validate_license`: empty, `proprietary`, or one id of the SPDX list it
/// ships (see [`crate::spdx`]), in any case.
fn check_license(cx: &mut Cx, license: &Spanned<String>) {
    let text = license.value.as_str();
    if text.is_empty() || text == "proprietary" || crate::spdx::lookup(text).is_some() {
        return;
    }
    let trimmed = text.trim();
    let older = ["-only", "-or-later"].iter().find_map(|suffix| {
        let stem = trimmed.strip_suffix(suffix)?;
        crate::spdx::lookup(stem).map(|id| (*suffix, id))
    });
    let expression = trimmed.contains(['(', ')', '+'])
        || trimmed
            .split_whitespace()
            .any(|w| ["and", "or", "with"].contains(&w.to_ascii_lowercase().as_str()));
    let known = crate::spdx::IDS.iter().copied().chain(["proprietary"]);
    let (label, help) = if let Some((suffix, id)) = older {
        (
            "not in rockcraft's license list".to_string(),
            format!("rockcraft 1.20.0 checks against the SPDX list of 2017, which has no `{suffix}` ids; the nearest id it knows is `{id}`"),
        )
    } else if expression {
        (
            "an SPDX expression, not one license id".to_string(),
            "rockcraft 1.20.0 takes a single SPDX license id (or `proprietary`), not an expression; give the main license's id".to_string(),
        )
    } else if let Some(best) = paasc_diag::closest(trimmed, known) {
        (
            format!("did you mean `{best}`?"),
            if best == "proprietary" {
                "write `proprietary` exactly: it is the one spelling rockcraft accepts".to_string()
            } else {
                format!("use `{best}`, or `proprietary`")
            },
        )
    } else {
        (
            "not an SPDX license id".to_string(),
            "give an id from the SPDX license list (such as `Apache-2.0` or `MIT`), or `proprietary`".to_string(),
        )
    };
    cx.push(
        Diagnostic::new(
            Code::INVALID_VALUE,
            cx.file,
            license.span,
            format!("License {text} not valid. It must be either 'proprietary' or in SPDX format."),
        )
        .label(label)
        .help(help),
    );
}

/// rockcraft 1.20.0's `_forbid_env_var_bash_interpolation`: a `$` anywhere but in the last
/// character of a value is refused (the image's environment is not expanded).
fn check_environment(cx: &mut Cx, env: &SpannedMap<Spanned<String>>) {
    for (name, value) in env.iter() {
        let mut chars = value.value.chars();
        chars.next_back();
        if !chars.as_str().contains('$') {
            continue;
        }
        cx.push(
            Diagnostic::new(
                Code::ENV_INTERPOLATION,
                cx.file,
                value.span,
                format!("String interpolation not allowed for: {}", value.value),
            )
            .label(format!("`{}` would reach the image with the `$` as written", name.value))
            .help("write the value out in full: rockcraft refuses a `$` anywhere but at the end of an `environment` value"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_split_as_python_shlex_does() {
        let words = |s: &str| shlex_split(s).map(|w| w.join("|"));
        assert_eq!(
            words("/bin/python3 -m gunicorn 'app:app' -k [ sync ]").as_deref(),
            Ok("/bin/python3|-m|gunicorn|app:app|-k|[|sync|]")
        );
        assert_eq!(words(r#"a "b\"c" '' x\ y"#).as_deref(), Ok(r#"a|b"c||x y"#));
        assert_eq!(words("a 'b"), Err("No closing quotation"));
        assert_eq!(words("a \\"), Err("No escaped character"));
    }
}
