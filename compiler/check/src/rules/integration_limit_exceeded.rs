//! P008: the profile integrates more applications on an endpoint than its `limit` allows.

use super::{ProfileCx, Stage};
use crate::declared::endpoint_field;
use paasc_diag::Diagnostic;
use paasc_syntax::Yaml;

paasc_diag::declare_code!(
    pub CODE = "P008", "integration-limit-exceeded", Error,
    "The profile integrates more applications on an endpoint than its `limit` allows.",
"An endpoint's `limit` in charmcraft.yaml is the most applications Juju lets integrate on it
(`juju integrate` refuses the next one). A profile listing more applications for the endpoint
describes a deployment Juju would not create.

Example: `limit: 1` on `postgresql` and a profile listing two postgresql applications.

Fix: remove the extra applications, or raise the endpoint's `limit`."
);

pub(super) const STAGE: Stage = Stage::Profile(check);

fn check(cx: &ProfileCx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (key, integration) in cx.profile.integrations.iter() {
        let Some(Yaml::Int(limit)) = endpoint_field(cx.charm, &key.value, "limit") else {
            continue;
        };
        let limit = *limit;
        let count = 1 + integration.more.len();
        let Some(extra) = usize::try_from(limit)
            .ok()
            .and_then(|l| integration.more.get(l.saturating_sub(1)))
        else {
            continue;
        };
        out.push(
            Diagnostic::new(
                CODE,
                cx.origin("integrations", &key.value),
                extra.span,
                format!(
                    "`{}` allows {limit} integrated application{}, the profile gives {count}",
                    key.value,
                    if limit == 1 { "" } else { "s" }
                ),
            )
            .label("one too many")
            .help(format!(
                "keep at most {limit}, or raise `limit` on `{}` in charmcraft.yaml",
                key.value
            )),
        );
    }
    out
}
