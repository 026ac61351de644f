//! P004: paas-charm would not leave the unit active with this deployment. The verdict is
//! paas-charm's (the runtime's plan); its cause points it at the entry responsible: the
//! profile's value, the charm's declaration or the rock (a project problem is never blamed on
//! the profile), and at the profile itself only when nothing more precise is known. paasc adds
//! the one check paas-charm makes inside the container: gevent workers need gevent in the rock.

use super::{PlanCx, Stage};
use paasc_diag::{Diagnostic, FileId, Span};
use paasc_model::profile::Scalar;
use paasc_runtime::{Cause, StatusKind};
use paasc_syntax::{Tree, Yaml};

paasc_diag::declare_code!(
    pub CODE = "P004", "unit-not-active", Error,
    "paas-charm would not start the workload with this deployment.",
"paasc runs paas-charm's logic on the project and the profile (`paasc check` does it for every
`profiles/*.yaml`, `paasc compile` for the profile it compiles). When the charm would set the
unit to Blocked or Waiting (missing integrations, missing or invalid options, gevent workers
without gevent in the rock) or fail in a hook, nothing is deployed, and paasc writes no
artifacts. The diagnostic points at what is responsible: the profile's value, or the charm's
declaration (a required integration, an option without a default) with the profile as a
secondary label.

Example: a charm requiring `postgresql` with a profile that does not integrate it gives
`missing integrations: postgresql`.

Fix: provide what the message names in the profile (or with --set)."
);

pub(super) const STAGE: Stage = Stage::Plan(check);

fn check(cx: &PlanCx) -> Vec<Diagnostic> {
    if cx.plan.status.kind != StatusKind::Active {
        return vec![not_active(cx)];
    }
    if cx.plan.gunicorn_conf.is_none() {
        return Vec::new();
    }
    gevent(cx).into_iter().collect()
}

/// The spans of the key and the value at `path` in `tree`.
fn entry(tree: &Tree, path: &[&str]) -> Option<(Span, Span)> {
    tree.lookup(path)
        .map(|e| (tree.span(e.key), tree.span(e.value)))
}

/// A P004 at `span` in `file`, with the profile as a secondary label when `file` is not it.
fn at(cx: &PlanCx, message: &str, file: FileId, span: Span, label: String, help: String) -> Diagnostic {
    let d = Diagnostic::new(CODE, file, span, message)
        .label(label)
        .help(help);
    if file == cx.anchor {
        d
    } else {
        d.secondary(cx.anchor, Span::point(0), "with this profile")
    }
}

/// The `P004` diagnostic for a unit paas-charm would not leave active.
fn not_active(cx: &PlanCx) -> Diagnostic {
    let status = &cx.plan.status;
    let said = status
        .message
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" ,", ",");
    let message = format!(
        "paas-charm would leave the unit {}: {said}",
        status.kind.name()
    );
    let found = status.cause.as_ref().and_then(|cause| blame(cx, &message, cause));
    found.unwrap_or_else(|| {
        at(
            cx,
            &message,
            cx.anchor,
            Span::point(0),
            "with this deployment".into(),
            "give what the message names in the profile, or with --set".into(),
        )
    })
}

/// The diagnostic at the entry `cause` names, when it is written somewhere.
fn blame(cx: &PlanCx, message: &str, cause: &Cause) -> Option<Diagnostic> {
    let (charm_file, charm) = (cx.charm_file, cx.charm_tree);
    let profile = cx.profile;
    let at = |file, span, label: String, help: String| at(cx, message, file, span, label, help);
    match cause {
        Cause::MissingIntegrations(missing) => {
            let first = missing.first()?;
            let (key, _) = entry(charm, &["requires", first])?;
            let mut d = at(
                charm_file,
                key,
                "a required integration the profile does not give".into(),
                format!(
                    "give its data in the profile under `integrations: {{{first}: {{data: ...}}}}`, or declare it `optional: true`"
                ),
            );
            for other in &missing[1..] {
                if let Some((k, _)) = entry(charm, &["requires", other]) {
                    d = d.secondary(charm_file, k, "also missing");
                }
            }
            Some(d)
        }
        Cause::Options { missing, invalid } => {
            for name in invalid {
                if let Some((_, value)) = profile.config.iter().find(|(k, _)| k.value == *name) {
                    return Some(at(
                        profile.origin("config", name).unwrap_or(cx.anchor),
                        value.span,
                        format!("paas-charm refuses this value of `{name}`"),
                        "see the option's description in charmcraft.yaml for the values it accepts"
                            .into(),
                    ));
                }
                if let Some((_, value)) = entry(charm, &["config", "options", name, "default"]) {
                    return Some(at(
                        charm_file,
                        value,
                        format!("paas-charm refuses this default of `{name}`"),
                        format!("set `config: {{{name}: ...}}` in the profile, or fix the default"),
                    ));
                }
            }
            let first = missing.first()?;
            let help = format!("give it a value in the profile: `config: {{{first}: ...}}`");
            Some(match entry(charm, &["config", "options", first]) {
                Some((key, _)) => at(charm_file, key, "declared without a default".into(), help),
                None => at(cx.anchor, Span::point(0), format!("no value for `{first}`"), help),
            })
        }
        Cause::SeveralRelations(endpoint) => {
            let (key, integration) = profile
                .integrations
                .iter()
                .find(|(k, i)| k.value == *endpoint && !i.more.is_empty())?;
            Some(at(
                profile.origin("integrations", &key.value).unwrap_or(cx.anchor),
                integration.more.first()?.span,
                format!("paas-charm reads one `{endpoint}` relation; this is a second"),
                format!(
                    "integrate one application on `{endpoint}`, and declare `limit: 1` on it in charmcraft.yaml so that Juju refuses a second"
                ),
            ))
        }
        Cause::Declaration {
            endpoint,
            field: Some(field),
        } => {
            let span = entry(charm, &["requires", endpoint, field])
                .map(|(_, v)| v)
                .or_else(|| entry(charm, &["requires", endpoint]).map(|(k, _)| k))?;
            Some(at(
                charm_file,
                span,
                format!("the {endpoint} library needs `{field}: 1` here"),
                format!("declare `{field}: 1` on `{endpoint}` in charmcraft.yaml"),
            ))
        }
        Cause::Declaration {
            endpoint,
            field: None,
        } => {
            let (key, _) = entry(charm, &["requires", endpoint])?;
            Some(at(
                charm_file,
                key,
                "another endpoint with the same interface".into(),
                "paas-charm reads one endpoint of this interface: keep one in charmcraft.yaml"
                    .into(),
            ))
        }
        Cause::RelationData(endpoint) => {
            let (key, _) = profile
                .integrations
                .iter()
                .find(|(k, _)| k.value == *endpoint)?;
            Some(at(
                profile.origin("integrations", endpoint).unwrap_or(cx.anchor),
                key.span,
                "this integration's data is incomplete or invalid".into(),
                format!("give the fields the `{endpoint}` interface requires; see the spec's integration table"),
            ))
        }
        Cause::RockService(service) => rock_service(cx, message, service),
        Cause::PaasConfig => {
            let span = entry(charm, &["extensions"]).map_or(Span::point(0), |(k, _)| k);
            Some(at(
                charm_file,
                span,
                "paas-charm refuses the paas-config.yaml beside this file".into(),
                "correct paas-config.yaml (`paasc explain C013`)".into(),
            ))
        }
        Cause::SecretKey => None,
    }
}

/// A P004 caused by the rock's service `service`: missing (paas-charm's `KeyError`), or with
/// a command paas-charm cannot rewrite. A project problem: it points at rockcraft.yaml.
fn rock_service(cx: &PlanCx, message: &str, service: &str) -> Option<Diagnostic> {
    let (file, tree) = cx.rock?;
    let has = cx
        .rock_yaml
        .get("services")
        .and_then(|s| s.get(service))
        .is_some();
    let (span, label, help) = if has {
        let span = entry(tree, &["services", service, "command"])
            .or_else(|| entry(tree, &["services", service]))
            .map_or(Span::point(0), |(k, _)| k);
        (
            span,
            format!("paas-charm cannot use the command of the `{service}` service"),
            format!("give `services.{service}.command` the form the framework extension writes"),
        )
    } else {
        let span = entry(tree, &["services"])
            .or_else(|| entry(tree, &["extensions"]))
            .map_or(Span::point(0), |(k, _)| k);
        (
            span,
            format!("the rock has no `{service}` service, which paas-charm starts"),
            format!(
                "use the framework's extension in rockcraft.yaml (`extensions: [{}]`), which defines the `{service}` service",
                cx.framework.extension()
            ),
        )
    };
    Some(at(cx, message, file, span, label, help))
}

/// Whether a requirement file of the rock names gevent (as a package or an extra, such as
/// `gunicorn[gevent]`).
fn rock_has_gevent(dir: &paasc_expand::ProjectDir) -> bool {
    let mentions = |line: &str| {
        let line = line
            .split('#')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
            .any(|word| word == "gevent")
    };
    ["requirements.txt", "pyproject.toml"]
        .iter()
        .filter_map(|f| dir.texts.get(*f))
        .any(|text| text.lines().any(mentions))
}

/// The `P004` diagnostic when the configured worker class is gevent and the rock lacks it.
fn gevent(cx: &PlanCx) -> Option<Diagnostic> {
    const OPTION: &str = "webserver-worker-class";
    let (profile, anchor, charm_file) = (cx.profile, cx.anchor, cx.charm_file);
    let given = profile.config.iter().find(|(k, _)| k.value == OPTION);
    let class = match given {
        Some((_, v)) => match &v.value {
            Scalar::Str(s) => Some(s.as_str()),
            _ => None,
        },
        None => cx
            .charm
            .get("config")
            .and_then(|c| c.get("options"))
            .and_then(|o| o.get(OPTION))
            .and_then(|o| o.get("default"))
            .and_then(Yaml::as_str),
    };
    if class != Some("gevent") || rock_has_gevent(cx.rock_dir) {
        return None;
    }
    let (file, span) = match given {
        Some((_, v)) => (profile.origin("config", OPTION).unwrap_or(anchor), v.span),
        None => {
            let default = cx
                .charm_tree
                .lookup(&["config", "options", OPTION, "default"])
                .map(|e| cx.charm_tree.span(e.value));
            default.map_or((anchor, Span::point(0)), |s| (charm_file, s))
        }
    };
    let framework = cx.framework.name();
    Some(at(
        cx,
        &format!(
            "paas-charm would leave the unit blocked: gunicorn[gevent] must be installed in the rock. https://bit.ly/{framework}-async-doc"
        ),
        file,
        span,
        "gevent workers, but the rock's requirements do not install gevent".into(),
        "add `gevent` to requirements.txt (rockcraft then also starts gunicorn with `-k gevent`), or use `sync`".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::rock_has_gevent;

    fn dir(text: &str) -> paasc_expand::ProjectDir {
        let mut d = paasc_expand::ProjectDir::default();
        d.texts.insert("requirements.txt".into(), text.into());
        d
    }

    #[test]
    fn gevent_is_found_as_a_package_or_an_extra_but_not_in_comments_or_other_names() {
        assert!(rock_has_gevent(&dir("flask\ngevent==24.2\n")));
        assert!(rock_has_gevent(&dir("gunicorn[gevent]~=23.0\n")));
        assert!(!rock_has_gevent(&dir("flask\n# gevent later\n")));
        assert!(!rock_has_gevent(&dir("flask\ngevent-websocket\n")));
        assert!(!rock_has_gevent(&paasc_expand::ProjectDir::default()));
    }
}
