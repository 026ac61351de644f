//! H004: a variable paas-charm gives the app that the Helm chart cannot make true in the
//! cluster, so the chart leaves it out.

use super::{ProfileCx, Stage};
use paasc_diag::{Diagnostic, Span};
use paasc_model::profile::Profile;

paasc_diag::declare_code!(
    pub CODE = "H004", "helm-value-left-out", Warning,
    "The Helm chart leaves out a variable it cannot make true in the cluster.",
"The Helm chart gives the app the environment paas-charm gives it, made true for the cluster:
`<PREFIX>PEER_FQDNS` names the pods of the chart's StatefulSet through its headless
`<release>-endpoints` Service (`<pod>.<release>-endpoints.<namespace>.svc.cluster.local`), one
host per other unit of the profile. A unit number is a pod's ordinal, so every listed pod must be
one the chart always runs: below `kubernetes.replicas`, or below `autoscaling.min-replicas`
when the autoscaler may scale the StatefulSet down. Otherwise a listed host would not resolve,
and the chart leaves the variable out.

Example:

    units: 3
    kubernetes:
      autoscaling: {min-replicas: 1, max-replicas: 5}

Fix: raise `min-replicas` (or `replicas`) to the number of units, or list fewer units."
);

pub(super) const STAGE: Stage = Stage::Profile(check);

/// The ordinals of the pods `<PREFIX>PEER_FQDNS` names (the profile's other units), or, when one
/// is not a pod the chart always runs, that unit and the number of pods that always run.
pub fn peer_ordinals(profile: &Profile) -> Result<Vec<u32>, (u32, i64)> {
    let peers = profile.peers();
    let k = profile.kubernetes.as_ref();
    let replicas = k
        .and_then(|k| k.replicas.as_ref())
        .map_or(peers.len() as i64 + 1, |r| r.value);
    let pods = match k.and_then(|k| k.autoscaling.as_ref()) {
        Some(a) => a
            .min_replicas
            .as_ref()
            .map_or(replicas.max(1), |m| m.value),
        None => replicas,
    };
    match peers.iter().find(|&&n| i64::from(n) >= pods) {
        Some(&n) => Err((n, pods)),
        None => Ok(peers),
    }
}

fn check(cx: &ProfileCx) -> Vec<Diagnostic> {
    let Some(k) = &cx.profile.kubernetes else {
        return Vec::new();
    };
    let Err((unit, pods)) = peer_ordinals(cx.profile) else {
        return Vec::new();
    };
    let at = k
        .autoscaling
        .as_ref()
        .and_then(|a| a.min_replicas.as_ref())
        .map(|m| ("autoscaling", m.span))
        .or(k.replicas.as_ref().map(|r| ("replicas", r.span)));
    let (file, span) = match at {
        Some((field, span)) => (cx.origin("kubernetes", field), span),
        None => (cx.anchor, Span::point(0)),
    };
    let prefix = cx.framework.spec().configuration_prefix;
    vec![Diagnostic::new(
        CODE,
        file,
        span,
        format!(
            "the Helm chart leaves out {prefix}PEER_FQDNS: unit {unit} is a peer, but only {pods} pod(s) of the StatefulSet always run, so its host would not resolve"
        ),
    )
    .label("fewer pods than units")
    .help("run at least as many pods as units (replicas, or autoscaling's min-replicas)")]
}
