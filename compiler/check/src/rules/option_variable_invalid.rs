//! P009: the deployment gives a value to an option whose variable cannot be written (see
//! `C018`), so no artifact can carry the app's environment.

use super::option_name_not_variable::{may_have_problem, problem, shown};
use super::{ProfileCx, Stage};
use crate::declared::option_names;
use paasc_diag::{Diagnostic, Span};
use paasc_runtime::{option_use, OptionUse};
use paasc_syntax::Yaml;

paasc_diag::declare_code!(
    pub CODE = "P009", "option-variable-invalid", Error,
    "An option with a value becomes a variable that cannot be written.",
"An option whose name holds `=`, a space or a control character (C018) becomes an environment
variable that no artifact can carry: `.env` and `docker.env` cannot name it, Kubernetes refuses
it, and in the charm's Pebble layer a name holding `=` is cut there. An option without a value
never reaches the environment, so paasc compiles it; once the profile or the option's default
gives it a value, `compile` stops at the option.

Example:

    config:
      options:
        \"page size\": {type: int, default: 20}

Fix: rename the option to letters, digits, `-` and `_`."
);

pub(super) const STAGE: Stage = Stage::Profile(check);

fn check(cx: &ProfileCx) -> Vec<Diagnostic> {
    let spec = cx.framework.spec();
    let options = cx
        .charm
        .get("config")
        .and_then(|c| c.get("options"));
    let mut out = Vec::new();
    for name in option_names(cx.charm) {
        if !may_have_problem(name) {
            continue;
        }
        let OptionUse::Env(var) = option_use(spec, name) else {
            continue;
        };
        let Some(problem) = problem(&var) else {
            continue;
        };
        let set = cx
            .profile
            .config
            .iter()
            .find(|(k, _)| k.value == name)
            .map(|(k, _)| ("config", k.span))
            .or_else(|| {
                let (k, _) = cx.profile.secrets.iter().find(|(k, _)| k.value == name)?;
                Some(("secrets", k.span))
            });
        let default = options.and_then(|o| o.get(name)).and_then(|o| o.get("default"));
        if set.is_none() && default.is_none_or(|d| *d == Yaml::Null) {
            continue;
        }
        let message = format!(
            "the option `{}` has a value, but its variable `{}` holds {problem}",
            shown(name),
            shown(&var)
        );
        let at = |path: &[&str]| {
            let e = cx.charm_tree.lookup(path)?;
            Some((cx.charm_tree.span(e.key), cx.charm_tree.span(e.value)))
        };
        let declared = at(&["config", "options", name]).map(|(key, _)| key);
        let d = match (declared, set) {
            (Some(key), Some((section, span))) => {
                Diagnostic::new(CODE, cx.charm_file, key, message)
                    .label("not a variable name")
                    .secondary(cx.origin(section, name), span, "gives it a value")
            }
            (Some(key), None) => {
                let d = Diagnostic::new(CODE, cx.charm_file, key, message)
                    .label("not a variable name");
                match at(&["config", "options", name, "default"]) {
                    Some((_, value)) => d.secondary(cx.charm_file, value, "gives it a value"),
                    None => d.secondary(cx.anchor, Span::point(0), "with this profile"),
                }
            }
            (None, Some((section, at))) => {
                Diagnostic::new(CODE, cx.origin(section, name), at, message)
                    .label("not a variable name")
            }
            (None, None) => Diagnostic::new(CODE, cx.anchor, Span::point(0), message)
                .label("with this profile"),
        };
        out.push(d.help("rename the option in charmcraft.yaml to letters, digits, `-` and `_`"));
    }
    out
}
