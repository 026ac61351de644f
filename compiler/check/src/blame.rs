//! Points a unit status paas-charm would end in at the entry responsible for it: the profile's
//! value, or the charm's declaration, and the profile itself only when nothing more precise is
//! known.

use paasc_diag::{Code, Diagnostic, FileId, Span};
use paasc_model::profile::Profile;
use paasc_runtime::Status;
use paasc_syntax::Tree;

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
pub fn not_active(
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
        let d = Diagnostic::new(Code::UNIT_NOT_ACTIVE, file, span, message.clone())
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

#[cfg(test)]
mod tests {
    use super::names;

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
}
