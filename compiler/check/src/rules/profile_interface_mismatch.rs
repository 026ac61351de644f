//! P007: the profile says its integration data is for another interface than the charm
//! declares on the endpoint.

use super::{ProfileCx, Stage};
use crate::declared::endpoint_field;
use paasc_diag::Diagnostic;
use paasc_syntax::Yaml;

paasc_diag::declare_code!(
    pub CODE = "P007", "profile-interface-mismatch", Error,
    "The profile's integration is for another interface than the charm declares.",
"A profile entry under `integrations:` may say which interface its data is written for
(`interface: postgresql_client`). When the charm declares the endpoint with another interface,
the data is in the wrong vocabulary: Juju would refuse to integrate the two applications.

Example: `integrations: {cache: {interface: redis, ...}}` for an endpoint declared
`interface: valkey_client`.

Fix: integrate the endpoint that has this interface, or write the data for the declared one."
);

pub(super) const STAGE: Stage = Stage::Profile(check);

fn check(cx: &ProfileCx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (key, integration) in cx.profile.integrations.iter() {
        let declared = endpoint_field(cx.charm, &key.value, "interface").and_then(Yaml::as_str);
        let (Some(want), Some(have)) = (&integration.interface, declared) else {
            continue;
        };
        if want.value == have {
            continue;
        }
        out.push(
            Diagnostic::new(
                CODE,
                cx.origin("integrations", &key.value),
                want.span,
                format!(
                    "the charm declares `{}` with interface `{have}`, not `{}`",
                    key.value, want.value
                ),
            )
            .label(format!("the charm says `{have}`"))
            .help(format!(
                "write the data in the `{have}` vocabulary and say `interface: {have}`, or integrate another endpoint"
            )),
        );
    }
    out
}
