//! C015: two options that become the same environment variable, or an option that becomes a
//! variable paas-charm sets itself afterwards.

use super::{CharmCx, Stage};
use paasc_diag::Diagnostic;
use foldhash::{HashMap, HashMapExt as _};
use std::collections::hash_map::Entry;
use paasc_runtime::{
    distinct as runtime_distinct, option_kept_out, option_use, NameKey, OptionUse, OWN_VARIABLES,
};
use paasc_frameworks::Spec;
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

/// The variable the option `name` becomes.
fn var(spec: &Spec, name: &str) -> String {
    match option_use(spec, name) {
        OptionUse::Env(var) => var,
        _ => String::new(),
    }
}

/// [`var`] after the framework's prefix, as a key.
fn key<'n>(spec: &Spec, name: &'n str) -> VarKey<'n> {
    if name.is_ascii() {
        VarKey::from(name)
    } else {
        let var = var(spec, name);
        let bare = var.strip_prefix(spec.configuration_prefix).unwrap_or(&var);
        NameKey(Cow::Owned(bare.to_string()))
    }
}

fn check(cx: &mut CharmCx) -> Vec<Diagnostic> {
    let spec = cx.framework.spec();
    let var = |name: &str| var(spec, name);
    let key = |name| key(spec, name);
    let own: Vec<VarKey> = OWN_VARIABLES.iter().map(|v| VarKey::from(*v)).collect();
    let option_key = cx.option_keys();
    let overwritten = |name: &str| {
        let key = option_key(name)?;
        Some(
            Diagnostic::new(
                CODE,
                cx.file,
                key,
                format!("`{name}` becomes `{}`, which paas-charm itself sets afterwards, so the option's value never reaches the app", var(name)),
            )
            .label("same variable")
            .help("rename the option"),
        )
    };
    let count = cx.option_names().len();
    let passed = || {
        cx.option_names()
            .filter(|name| option_kept_out(spec, name).is_none())
    };
    // Most charms have no two options that become one variable, and that is told from the
    // variables' hashes alone; only the variables paas-charm sets itself are then looked for.
    let mut own_names = Vec::new();
    let keys = passed().map(|name| {
        let key = key(name);
        if own.contains(&key) {
            own_names.push(name);
        }
        key
    });
    if runtime_distinct(keys, count) {
        return own_names.into_iter().filter_map(overwritten).collect();
    }
    let mut out = Vec::new();
    let mut exported: HashMap<VarKey, &str> = HashMap::with_capacity(count);
    for name in passed() {
        let slot = match exported.entry(key(name)) {
            Entry::Occupied(first) => {
                let first = *first.get();
                let Some(at) = option_key(name) else {
                    continue;
                };
                let mut d = Diagnostic::new(
                    CODE,
                    cx.file,
                    at,
                    format!("`{name}` and `{first}` both become the variable `{}`, so one value is lost", var(name)),
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
            out.extend(overwritten(name));
        }
        slot.insert(name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::charm_findings;

    /// Without two options of one variable, the variables paas-charm sets itself are still
    /// found, in file order, and options kept out of the environment are not.
    #[test]
    fn own_variables_are_found_without_a_collision() {
        let found = charm_findings(&STAGE, "config:\n  options:\n    peer-fqdns: {type: string}\n    flask-base-url: {type: string}\n    other: {type: int}\n    Base_URL: {type: string}\n    straße: {type: string}\n");
        assert_eq!(
            found,
            [(CODE, "peer-fqdns".into()), (CODE, "Base_URL".into())]
        );
        let found = charm_findings(&STAGE, "config:\n  options:\n    a: {type: string}\n    b-c: {type: string}\n");
        assert_eq!(found, []);
    }

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
