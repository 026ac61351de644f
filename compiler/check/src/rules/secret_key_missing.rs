//! P006: the profile gives no secret key (paas-charm keeps one in a peer relation; paasc never
//! invents secrets).

use super::{ProfileCx, Stage};
use paasc_diag::{Diagnostic, Span};

paasc_diag::declare_code!(
    pub CODE = "P006", "secret-key-missing", Error,
    "The profile does not give the app's secret key.",
"paas-charm generates the framework's secret key once, at deploy time, and keeps it in a peer
relation. A compile has no deploy, and paasc never invents secrets, so the profile must give it
(`secret-key:`), or the pipeline must pass it with `--set secret-key=...`.

Example: a profile without `secret-key`.

Fix: `--set secret-key=$(openssl rand -hex 32)` in the pipeline, from a secret store."
);

pub(super) const STAGE: Stage = Stage::Profile(check);

fn check(cx: &ProfileCx) -> Vec<Diagnostic> {
    if cx.profile.secret_key.is_some() {
        return Vec::new();
    }
    vec![Diagnostic::new(
        CODE,
        cx.anchor,
        Span::point(0),
        "the profile gives no `secret-key`",
    )
    .label("secret-key is needed here")
    .help("pass it from your secret store: --set secret-key=$(openssl rand -hex 32)")]
}
