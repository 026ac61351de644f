//! C014: a user option paas-charm drops before building the app's environment (an `app-` or
//! `webserver-` option, or one named like a field of the framework's own configuration).

use super::{CharmCx, Stage};
use paasc_diag::Diagnostic;
use paasc_runtime::{option_kept_out, OptionUse};

paasc_diag::declare_code!(
    pub CODE = "C014", "option-not-exported", Warning,
    "paas-charm never passes this option to the app.",
"paas-charm builds the app's environment from the user options: those not starting with
`<framework>-`, `webserver-` or `app-`. It then drops every option whose name, with `-` replaced
by `_`, is a field of the framework's own configuration (for flask: `env`, `debug`, `secret_key`,
`permanent_session_lifetime`, `application_root`, `session_cookie_secure`,
`preferred_url_scheme`). charmcraft accepts such options and `juju config` sets them, but the
app never sees the value. paasc warns because nothing else will.

Example:

    config:
      options:
        debug: {type: boolean, default: true}   # dropped: flask-debug sets FLASK_DEBUG

Fix: rename the option, or use the framework's own option (`flask-debug`)."
);

pub(super) const STAGE: Stage = Stage::Charm {
    reads: &["config"],
    run: check,
};

fn check(cx: &mut CharmCx) -> Vec<Diagnostic> {
    let spec = cx.framework.spec();
    let mut out = Vec::new();
    for name in cx.option_names() {
        let (message, help) = match option_kept_out(spec, name) {
            Some(OptionUse::Reserved) => (
                format!("paas-charm never passes `{name}` to the app: options starting with `app-` or `webserver-` are not user options"),
                format!("rename it, e.g. `{}`", name.split_once('-').map_or(name, |(_, rest)| rest)),
            ),
            Some(OptionUse::Shadowed(field)) => (
                format!(
                    "paas-charm never passes `{name}` to the app: `{field}` is a field of its {} configuration",
                    spec.name
                ),
                format!(
                    "rename it; the framework's own `{}-{}` option sets that value",
                    spec.name,
                    field.replace('_', "-")
                ),
            ),
            Some(OptionUse::Framework | OptionUse::Env(_)) | None => continue,
        };
        if let Some(key) = cx.key(&["config", "options", name]) {
            out.push(
                Diagnostic::new(CODE, cx.file, key, message)
                    .label("never reaches the app")
                    .help(help),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::charm_findings;

    #[test]
    fn dropped_options_are_found() {
        let found = charm_findings(&STAGE, "config:\n  options:\n    app-foo: {type: string}\n    debug: {type: boolean}\n    secret-key: {type: string}\n    greeting: {type: string}\n    flask-env: {type: string}\n");
        assert_eq!(
            found,
            [
                (CODE, "app-foo".into()),
                (CODE, "debug".into()),
                (CODE, "secret-key".into()),
            ]
        );
    }
}
