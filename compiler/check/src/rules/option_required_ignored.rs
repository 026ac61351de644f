//! C017: a config option says `required: true`, which neither Juju nor paas-charm reads: the
//! unit goes active without a value. paas-charm requires a value for `optional: false`.

use super::{CharmCx, Stage};
use paasc_diag::Diagnostic;
use paasc_syntax::Value;

paasc_diag::declare_code!(
    pub CODE = "C017", "option-required-ignored", Warning,
    "A config option's `required: true` does nothing.",
"charmcraft passes `required` through to the packed charm, but neither Juju nor paas-charm reads
it: a unit whose option has no value goes active all the same. paas-charm 1.12.3 makes a user
option required with `optional: false` (the unit is blocked with `missing options: ...` until
the option is set).

Example:

    config:
      options:
        api-url:
          type: string
          required: true     # ignored

Fix: write `optional: false` instead (and drop the option's default: a required option has
none)."
);

pub(super) const STAGE: Stage = Stage::Charm {
    reads: &["config"],
    run: check,
};

fn check(cx: &mut CharmCx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let is = |decl, key, value| cx.get(decl, key).and_then(|n| cx.tree.value(n)) == Some(Value::Bool(value));
    for &(name, decl) in cx.options() {
        if !is(decl, "required", true) || is(decl, "optional", false) {
            continue;
        }
        let Some(span) = cx.key(&["config", "options", name, "required"]) else {
            continue;
        };
        let help = if cx.get(decl, "default").is_some() {
            "write `optional: false` instead, and remove the default: paas-charm then blocks the unit until the option is set"
        } else {
            "write `optional: false` instead: paas-charm then blocks the unit until the option is set"
        };
        out.push(
            Diagnostic::new(
                CODE,
                cx.file,
                span,
                format!("`required: true` does nothing: the unit goes active without a value for `{name}`, as neither Juju nor paas-charm reads `required`"),
            )
            .label("ignored")
            .help(help),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::charm_findings;

    #[test]
    fn required_is_reported_unless_optional_false_says_it() {
        let found = charm_findings(&STAGE, "config:\n  options:\n    a: {type: string, required: true}\n    b: {type: string, required: true, optional: false}\n    c: {type: string, required: false}\n");
        assert_eq!(found, [(CODE, "required".into())]);
    }

    /// The file is read as PyYAML loads it: YAML 1.1 booleans, quoted keys, and only the
    /// options whose names load as strings.
    #[test]
    fn the_file_is_read_as_loaded() {
        let found = charm_findings(&STAGE, "config:\n  options:\n    1: {type: string, required: true}\n    a: {type: string, 'required': yes}\n    b: {type: string, required: on, optional: no}\n");
        assert_eq!(found, [(CODE, "'required'".into())]);
    }
}
