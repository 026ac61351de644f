//! P004: paas-charm would not leave the unit active with this deployment. The verdict is
//! paas-charm's (the runtime's plan), pointed at the entry responsible for it: the profile's
//! value, or the charm's declaration, and the profile itself only when nothing more precise is
//! known. paasc adds the one check paas-charm makes inside the container: gevent workers need
//! gevent in the rock.

use super::{PlanCx, Stage};
use paasc_diag::{Diagnostic, FileId, Span};
use paasc_model::profile::{Profile, Scalar};
use paasc_runtime::{Status, StatusKind};
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
        return vec![not_active(
            &cx.plan.status,
            cx.profile,
            cx.anchor,
            cx.charm_file,
            cx.charm_tree,
        )];
    }
    if cx.plan.gunicorn_conf.is_none() {
        return Vec::new();
    }
    gevent(
        cx.profile,
        cx.charm,
        cx.charm_tree,
        cx.framework.name(),
        cx.rock_dir,
        cx.anchor,
        cx.charm_file,
    )
    .into_iter()
    .collect()
}

/// The spans of the key and the value at `path` in `tree`.
fn entry(tree: &Tree, path: &[&str]) -> Option<(Span, Span)> {
    tree.lookup(path)
        .map(|e| (tree.span(e.key), tree.span(e.value)))
}

/// The names after `prefix` up to the next `.` or the end, split on commas.
fn names<'a>(message: &'a str, prefix: &str) -> Vec<&'a str> {
    message
        .split_once(prefix)
        .map(|(_, rest)| {
            rest.split(['.', ','])
                .map(str::trim)
                .take_while(|n| !n.is_empty() && !n.contains(':'))
                .collect()
        })
        .unwrap_or_default()
}

/// The endpoint whose several relations stopped paas-charm, and the span of the second one.
fn second_relation<'a>(
    message: &str,
    profile: &'a Profile,
    charm: &Tree,
) -> Option<(&'a str, Span)> {
    let several = |name: &str| {
        profile
            .integrations
            .iter()
            .find(|(k, i)| k.value == name && !i.more.is_empty())
            .and_then(|(k, i)| Some((k.value.as_str(), i.more.first()?.span)))
    };
    if let Some((_, rest)) = message.split_once("Too many remote applications on ") {
        return several(rest.split(" (").next()?);
    }
    if message.contains("More than one relations are defined") {
        // openfga is read before the oauth endpoint, whatever its name.
        return several("openfga").or_else(|| {
            profile.integrations.iter().find_map(|(k, _)| {
                let interface = charm.lookup(&["requires", k.value.as_str(), "interface"])?;
                (charm.text(interface.value) == Some("oauth"))
                    .then(|| several(&k.value))
                    .flatten()
            })
        });
    }
    if message == "Invalid valkey relation data." {
        return several("valkey");
    }
    None
}

/// The `P004` diagnostic for a unit paas-charm would not leave active.
fn not_active(
    status: &Status,
    profile: &Profile,
    anchor: FileId,
    charm_file: FileId,
    charm: &Tree,
) -> Diagnostic {
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
    let at = |file, span, label: String, help: String| {
        let d = Diagnostic::new(CODE, file, span, message.clone())
            .label(label)
            .help(help);
        if file == anchor {
            d
        } else {
            d.secondary(anchor, Span::point(0), "with this profile")
        }
    };
    let missing = names(&status.message, "missing integrations:");
    if let Some(first) = missing.first() {
        if let Some((key, _)) = entry(charm, &["requires", first]) {
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
            return d;
        }
    }
    let invalid = names(&status.message, "invalid options:");
    for name in &invalid {
        if let Some((_, value)) = profile.config.iter().find(|(k, _)| k.value == *name) {
            return at(
                profile.origin("config", name).unwrap_or(anchor),
                value.span,
                format!("paas-charm refuses this value of `{name}`"),
                "see the option's description in charmcraft.yaml for the values it accepts".into(),
            );
        }
        if let Some((_, value)) = entry(charm, &["config", "options", name, "default"]) {
            return at(
                charm_file,
                value,
                format!("paas-charm refuses this default of `{name}`"),
                format!("set `config: {{{name}: ...}}` in the profile, or fix the default"),
            );
        }
    }
    let required = names(&status.message, "missing options:");
    if let Some(first) = required.first() {
        if let Some((key, _)) = entry(charm, &["config", "options", first]) {
            return at(
                charm_file,
                key,
                "declared without a default".into(),
                format!("give it a value in the profile: `config: {{{first}: ...}}`"),
            );
        }
        return at(
            anchor,
            Span::point(0),
            format!("no value for `{first}`"),
            format!("give it a value in the profile: `config: {{{first}: ...}}`"),
        );
    }
    if let Some((endpoint, second)) = second_relation(&status.message, profile, charm) {
        return at(
            profile.origin("integrations", endpoint).unwrap_or(anchor),
            second,
            format!("paas-charm reads one `{endpoint}` relation; this is a second"),
            format!(
                "integrate one application on `{endpoint}`, and declare `limit: 1` on it in charmcraft.yaml so that Juju refuses a second"
            ),
        );
    }
    if status.message.starts_with("AmbiguousRelationUsageError:") {
        let limit = entry(charm, &["requires", "tracing", "limit"]).map(|(_, v)| v);
        if let Some(span) = limit.or_else(|| entry(charm, &["requires", "tracing"]).map(|(k, _)| k))
        {
            return at(
                charm_file,
                span,
                "the tracing library needs `limit: 1` here".into(),
                "declare `limit: 1` on `tracing` in charmcraft.yaml".into(),
            );
        }
    }
    if let Some(rest) = status.message.strip_prefix("Invalid ") {
        let endpoint = rest.trim_end_matches(" relation data.");
        if let Some((key, _)) = profile
            .integrations
            .iter()
            .find(|(k, _)| k.value == endpoint)
        {
            return at(
                profile.origin("integrations", endpoint).unwrap_or(anchor),
                key.span,
                "this integration's data is incomplete or invalid".into(),
                format!("give the fields the `{endpoint}` interface requires; see the spec's integration table"),
            );
        }
    }
    at(
        anchor,
        Span::point(0),
        "with this deployment".into(),
        "give what the message names in the profile, or with --set".into(),
    )
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
fn gevent(
    profile: &Profile,
    charm: &Yaml,
    charm_tree: &Tree,
    framework: &str,
    rock_dir: &paasc_expand::ProjectDir,
    anchor: FileId,
    charm_file: FileId,
) -> Option<Diagnostic> {
    const OPTION: &str = "webserver-worker-class";
    let given = profile.config.iter().find(|(k, _)| k.value == OPTION);
    let class = match given {
        Some((_, v)) => match &v.value {
            Scalar::Str(s) => Some(s.as_str()),
            _ => None,
        },
        None => charm
            .get("config")
            .and_then(|c| c.get("options"))
            .and_then(|o| o.get(OPTION))
            .and_then(|o| o.get("default"))
            .and_then(Yaml::as_str),
    };
    if class != Some("gevent") || rock_has_gevent(rock_dir) {
        return None;
    }
    let (file, span) = match given {
        Some((_, v)) => (profile.origin("config", OPTION).unwrap_or(anchor), v.span),
        None => {
            let default = charm_tree
                .lookup(&["config", "options", OPTION, "default"])
                .map(|e| charm_tree.span(e.value));
            default.map_or((anchor, Span::point(0)), |s| (charm_file, s))
        }
    };
    let d = Diagnostic::new(
            CODE,
            file,
            span,
            format!(
                "paas-charm would leave the unit blocked: gunicorn[gevent] must be installed in the rock. https://bit.ly/{framework}-async-doc"
            ),
        )
        .label("gevent workers, but the rock's requirements do not install gevent")
        .help("add `gevent` to requirements.txt (rockcraft then also starts gunicorn with `-k gevent`), or use `sync`");
    Some(if file == anchor {
        d
    } else {
        d.secondary(anchor, Span::point(0), "with this profile")
    })
}

#[cfg(test)]
mod tests {
    use super::{names, rock_has_gevent};

    #[test]
    fn option_and_integration_names_are_read_from_the_message() {
        assert_eq!(
            names(
                "missing options: a, b-c        , invalid options: d",
                "missing options:"
            ),
            ["a", "b-c"]
        );
        assert_eq!(
            names(
                "missing options: a        , invalid options: d, e",
                "invalid options:"
            ),
            ["d", "e"]
        );
        assert_eq!(
            names("missing integrations: pg, redis", "missing integrations:"),
            ["pg", "redis"]
        );
        assert!(names("Invalid s3 relation data.", "missing options:").is_empty());
    }

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
