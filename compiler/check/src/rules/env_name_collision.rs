//! C015: two options that become the same environment variable, or an option that becomes a
//! variable paas-charm sets itself afterwards.

use super::{CharmCx, Stage};
use paasc_diag::Diagnostic;
use foldhash::{HashMap, HashMapExt as _};
use std::collections::hash_map::Entry;
use paasc_runtime::{option_kept_out, option_use, NameKey, OptionUse, OWN_VARIABLES};
use std::borrow::Cow;

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

/// The variable an option becomes, after the framework's prefix: an ASCII name as written (no
/// string made), another the variable's own spelling (upper-casing it is then the identity).
type VarKey<'a> = NameKey<'a, true>;

fn check(cx: &mut CharmCx) -> Vec<Diagnostic> {
    let spec = cx.framework.spec();
    let prefix = spec.configuration_prefix;
    let mut out = Vec::new();
    let names = cx.option_names();
    let mut exported: HashMap<VarKey, &str> = HashMap::with_capacity(names.len());
    let option_key = cx.option_keys();
    let own: Vec<VarKey> = OWN_VARIABLES.iter().map(|v| VarKey::from(*v)).collect();
    for name in names {
        if option_kept_out(spec, name).is_some() {
            continue;
        }
        let var = || match option_use(spec, name) {
            OptionUse::Env(var) => var,
            _ => String::new(),
        };
        let found = if name.is_ascii() {
            VarKey::from(name)
        } else {
            let var = var();
            NameKey(Cow::Owned(var.strip_prefix(prefix).unwrap_or(&var).to_string()))
        };
        let slot = match exported.entry(found) {
            Entry::Occupied(first) => {
                let first = *first.get();
                let Some(key) = option_key(name) else {
                    continue;
                };
                let var = var();
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
            Entry::Vacant(slot) => slot,
        };
        if own.contains(slot.key()) {
            let Some(key) = option_key(name) else {
                continue;
            };
            let var = var();
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
        slot.insert(name);
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
        let found = charm_findings(&STAGE, "config:\n  options:\n    straße: {type: string}\n    STRASSE: {type: int}\n    Peer_Fqdns: {type: int}\n    stra-e: {type: int}\n    ſ: {type: int}\n    s: {type: int}\n");
        assert_eq!(
            found,
            [
                (CODE, "STRASSE".into()),
                (CODE, "Peer_Fqdns".into()),
                (CODE, "s".into())
            ]
        );
    }
}
