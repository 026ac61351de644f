//! P003: the profile integrates an endpoint the charm does not declare.

use super::{ProfileCx, Stage};
use crate::declared::endpoint_names;
use paasc_diag::{Diagnostic, Suggestions};

paasc_diag::declare_code!(
    pub CODE = "P003", "profile-unknown-endpoint", Error,
    "The profile integrates an endpoint the charm does not declare.",
"Each key under `integrations:` names one of the charm's endpoints (`requires` or `provides`,
including those the extension adds such as `ingress`). Juju cannot relate an endpoint the charm
does not have.

Example:

    integrations:
      postgres:
        data: {endpoints: db:5432}

Fix: use the endpoint's name from charmcraft.yaml, e.g. `postgresql`."
);

pub(super) const STAGE: Stage = Stage::Profile(check);

fn check(cx: &ProfileCx) -> Vec<Diagnostic> {
    let endpoints = endpoint_names(cx.charm);
    let known: foldhash::HashSet<&str> = endpoints.iter().copied().collect();
    let names = std::cell::OnceCell::new();
    let mut out = Vec::new();
    for (key, _) in cx.profile.integrations.iter() {
        if known.contains(key.value.as_str()) {
            continue;
        }
        let d = Diagnostic::new(
            CODE,
            cx.origin("integrations", &key.value),
            key.span,
            format!("the charm declares no endpoint `{}`", key.value),
        )
        .label("no such integration");
        let names = names.get_or_init(|| Suggestions::new(endpoints.iter().copied()));
        out.push(match names.closest(&key.value) {
            Some(near) => d.help(format!("did you mean `{near}`?")),
            None => d.help("declare it under `requires:` in charmcraft.yaml, or remove it from the profile"),
        });
    }
    out
}
