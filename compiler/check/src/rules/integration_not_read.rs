//! C016: a `requires` endpoint paas-charm never reads (another interface, or a known interface
//! on an endpoint with another name than the one paas-charm reads it from).

use super::{CharmCx, Stage};
use paasc_diag::Diagnostic;
use paasc_syntax::Yaml;

paasc_diag::declare_code!(
    pub CODE = "C016", "integration-not-read", Warning,
    "paas-charm never reads this integration's data.",
"paas-charm reads a fixed set of integrations, each from an endpoint with a fixed name:
`postgresql`, `mysql` and `mongodb` (the `*_client` interfaces), `redis`, `valkey`, `s3`,
`saml`, `rabbitmq`, `tracing`, `smtp`, `openfga`, `http-proxy`, and any endpoint with the `oauth`
interface. Any other `requires` endpoint is accepted by charmcraft and Juju, but its data never
reaches the app's environment.

Example:

    requires:
      db:
        interface: postgresql_client    # read only from an endpoint named `postgresql`

Fix: rename the endpoint to the name paas-charm reads, or get the data some other way."
);

pub(super) const STAGE: Stage = Stage::Charm {
    reads: &["requires"],
    run: check,
};

fn check(cx: &mut CharmCx) -> Vec<Diagnostic> {
    let read = paasc_runtime::read_by_paas_charm();
    let requires = cx.source.get("requires").and_then(Yaml::as_map).unwrap_or(&[]);
    let mut out = Vec::new();
    for (key, decl) in requires {
        let Some(name) = key.as_str() else { continue };
        let interface = decl.get("interface").and_then(Yaml::as_str).unwrap_or("");
        if read
            .iter()
            .any(|(n, i)| *i == interface && n.is_none_or(|n| n == name))
        {
            continue;
        }
        let help = match read.iter().find(|(_, i)| *i == interface) {
            Some((Some(n), _)) => format!(
                "paas-charm reads the `{interface}` interface only from an endpoint named `{n}`: rename `{name}` to `{n}`"
            ),
            _ => format!(
                "paas-charm 1.12.3 reads only these interfaces: {}; the app has to get this data some other way",
                read.iter().map(|(_, i)| *i).collect::<Vec<_>>().join(", ")
            ),
        };
        let Some(span) = cx.key(&["requires", name]) else {
            continue;
        };
        out.push(
            Diagnostic::new(
                CODE,
                cx.file,
                span,
                format!("paas-charm never reads the `{name}` integration (interface `{interface}`), so its data never reaches the app"),
            )
            .label("not read by paas-charm")
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
    fn integrations_paas_charm_does_not_read_are_found() {
        let found = charm_findings(&STAGE, "requires:\n  postgresql: {interface: postgresql_client}\n  db: {interface: mysql_client}\n  login: {interface: oauth}\n  metrics: {interface: prometheus_remote_write}\n  cache: {interface: redis}\n");
        assert_eq!(
            found,
            [(CODE, "db".into()), (CODE, "metrics".into()), (CODE, "cache".into())]
        );
    }
}
