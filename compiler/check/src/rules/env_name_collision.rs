//! C015: two options that become the same environment variable, or an option that becomes a
//! variable paas-charm sets itself afterwards.

use super::{CharmCx, Stage};
use paasc_diag::Diagnostic;
use paasc_runtime::{option_use, OptionUse, OWN_VARIABLES};
use foldhash::{HashMap, HashMapExt as _};

paasc_diag::declare_code!(
    pub CODE = "C015", "env-name-collision", Error,
    "Two declarations become the same environment variable.",
"paas-charm turns option `foo-bar` into `FLASK_FOO_BAR` (the framework's prefix, `-` replaced by
`_`, upper case). Two options that differ only by `-` and `_` or by case give one variable, and
the later silently wins. An option that becomes `<PREFIX>BASE_URL` or `<PREFIX>PEER_FQDNS` is
overwritten by the value paas-charm sets itself.

Example:

    config:
      options:
        page-size: {type: int}
        page_size: {type: int}     # both FLASK_PAGE_SIZE

Fix: rename one of them."
);

pub(super) const STAGE: Stage = Stage::Charm {
    reads: &["config"],
    run: check,
};

fn check(cx: &mut CharmCx) -> Vec<Diagnostic> {
    let spec = cx.framework.spec();
    let prefix = spec.configuration_prefix;
    let mut out = Vec::new();
    // Variable name -> the first option giving it (a charm may declare thousands of options).
    let names = crate::declared::option_names(cx.source);
    let mut exported: HashMap<String, &str> = HashMap::with_capacity(names.len());
    let option_key = cx.option_keys();
    for name in names {
        let OptionUse::Env(var) = option_use(spec, name) else {
            continue;
        };
        let Some(key) = option_key(name) else {
            continue;
        };
        if let Some(first) = exported.get(&var) {
            let mut d = Diagnostic::new(
                CODE,
                cx.file,
                key,
                format!("`{name}` and `{first}` both become the variable `{var}`, so one value is lost"),
            )
            .label("same variable")
            .help("rename one of them");
            if let Some(other) = option_key(first) {
                d = d.secondary(cx.file, other, "this one");
            }
            out.push(d);
            continue;
        }
        if var
            .strip_prefix(prefix)
            .is_some_and(|own| OWN_VARIABLES.contains(&own))
        {
            out.push(
                Diagnostic::new(
                    CODE,
                    cx.file,
                    key,
                    format!("`{name}` becomes `{var}`, which paas-charm itself sets afterwards, so the option's value never reaches the app"),
                )
                .label("same variable")
                .help("rename the option"),
            );
        }
        exported.insert(var, name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::charm_findings;

    #[test]
    fn colliding_variables_are_found() {
        let found = charm_findings(&STAGE, "config:\n  options:\n    foo-bar: {type: string}\n    foo_bar: {type: string}\n    base-url: {type: string}\n    other: {type: int}\n");
        assert_eq!(found, [(CODE, "foo_bar".into()), (CODE, "base-url".into())]);
    }
}
