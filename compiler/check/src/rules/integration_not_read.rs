//! C016: a `requires` endpoint paas-charm never reads (another interface, or a known interface
//! on an endpoint with another name than the one paas-charm reads it from). When the charm's own
//! code mentions the endpoint, the charm may hand its data to the app itself, so this is only
//! noted.

use super::{CharmCx, Stage};
use paasc_diag::{Diagnostic, Severity, Span};
use paasc_syntax::Yaml;

paasc_diag::declare_code!(
    pub CODE = "C016", "integration-not-read", Warning,
    "paas-charm never reads this integration's data.",
"paas-charm reads a fixed set of integrations, each from an endpoint with a fixed name:
`postgresql`, `mysql` and `mongodb` (the `*_client` interfaces), `redis`, `valkey`, `s3`,
`saml`, `rabbitmq`, `tracing`, `smtp`, `openfga`, `http-proxy`, and any endpoint with the `oauth`
interface. Any other `requires` endpoint is accepted by charmcraft and Juju, but its data never
reaches the app's environment.

Charms often subclass paas-charm's charm class in `src/charm.py` and handle such an endpoint
themselves (an `amqp` endpoint, an `nginx-route` requirer). When the charm's code mentions the
endpoint (its name in quotes, or `<name>_relation_...` events), paasc only notes, as information,
that paas-charm does not read it.

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
        let Some(span) = cx.key(&["requires", name]) else {
            continue;
        };
        let reads = match read.iter().find(|(_, i)| *i == interface) {
            Some((Some(n), _)) => format!(
                "paas-charm reads the `{interface}` interface only from an endpoint named `{n}`: rename `{name}` to `{n}`"
            ),
            _ => format!(
                "paas-charm 1.12.3 reads only these interfaces: {}; the app has to get this data some other way",
                read.iter().map(|(_, i)| *i).collect::<Vec<_>>().join(", ")
            ),
        };
        if let Some((path, at, what)) = mention(cx, name, interface) {
            let id = cx.db.add(
                crate::display(&cx.dir.root.join(&path)),
                cx.dir.code.get(&path).cloned().unwrap_or_default(),
            );
            out.push(
                Diagnostic::new(
                    CODE,
                    cx.file,
                    span,
                    format!("paas-charm does not read the `{name}` integration (interface `{interface}`); the charm's own code handles it"),
                )
                .severity(Severity::Info)
                .label("read by the charm's code, not by paas-charm")
                .secondary(id, at, what)
                .help(format!("nothing to do if {path} passes the data on to the app; otherwise: {reads}")),
            );
            continue;
        }
        out.push(
            Diagnostic::new(
                CODE,
                cx.file,
                span,
                format!("paas-charm never reads the `{name}` integration (interface `{interface}`), so its data never reaches the app"),
            )
            .label("not read by paas-charm")
            .help(reads),
        );
    }
    out
}

/// The first place the charm's code handles the endpoint `name` of `interface`, with what it
/// does there: names it as a string literal (`"amqp"`, `'nginx-route'`) or in an event name
/// (`amqp_relation_changed`), or imports a charm library of the interface
/// (`from charms.nginx_ingress_integrator.v0.nginx_route import ...`). `src/charm.py` is looked
/// at first.
fn mention(cx: &CharmCx, name: &str, interface: &str) -> Option<(String, Span, String)> {
    let event = format!("{}_relation_", name.replace('-', "_"));
    let needles = [format!("\"{name}\""), format!("'{name}'"), event];
    let first = "src/charm.py";
    let files = cx
        .dir
        .code
        .get_key_value(first)
        .into_iter()
        .chain(cx.dir.code.iter().filter(|(p, _)| p.as_str() != first));
    for (path, text) in files {
        let named = needles
            .iter()
            .filter_map(|n| text.find(n.as_str()).map(|i| (i, n.len())))
            .min()
            .map(|(start, len)| (start, len, "the charm's code uses the endpoint here".to_string()));
        let found = named.or_else(|| {
            library_import(text, interface).map(|(start, len)| {
                let what = format!("the charm's code uses a `{interface}` library here");
                (start, len, what)
            })
        });
        if let Some((start, len, what)) = found {
            return Some((path.clone(), Span::new(start, start + len), what));
        }
    }
    None
}

/// Where `text` imports a charm library of `interface` (a `charms.` module whose path has a
/// component named after it), as the offset and length of the module path.
fn library_import(text: &str, interface: &str) -> Option<(usize, usize)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let module = trimmed
            .strip_prefix("from ")
            .or_else(|| trimmed.strip_prefix("import "))
            .and_then(|rest| rest.split_whitespace().next())
            .filter(|m| m.starts_with("charms."));
        if let Some(m) = module.filter(|m| m.split('.').any(|part| part == interface)) {
            let start = offset + (line.len() - trimmed.len()) + trimmed.find(m).unwrap_or(0);
            return Some((start, m.len()));
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::{charm_diagnostics, charm_findings};

    #[test]
    fn integrations_paas_charm_does_not_read_are_found() {
        let found = charm_findings(&STAGE, "requires:\n  postgresql: {interface: postgresql_client}\n  db: {interface: mysql_client}\n  login: {interface: oauth}\n  metrics: {interface: prometheus_remote_write}\n  cache: {interface: redis}\n");
        assert_eq!(
            found,
            [(CODE, "db".into()), (CODE, "metrics".into()), (CODE, "cache".into())]
        );
    }

    #[test]
    fn an_endpoint_the_charm_code_handles_is_only_noted() {
        let mut dir = crate::Dir::default();
        dir.code.insert(
            "src/charm.py".into(),
            "class Charm(paas_charm.flask.Charm):\n    def __init__(self, *args):\n        self.framework.observe(self.on.amqp_relation_changed, self._on_amqp)\n".into(),
        );
        dir.code
            .insert("src/routes.py".into(), "ROUTE = \"nginx-route\"\n".into());
        dir.code.insert(
            "src/web.py".into(),
            "import ops\nfrom charms.traefik_route_k8s.v0.traefik_route import TraefikRouteRequirer\n".into(),
        );
        let text = "requires:\n  amqp: {interface: rabbitmq}\n  nginx-route: {interface: nginx_route}\n  route: {interface: traefik_route}\n  metrics: {interface: prometheus_remote_write}\n";
        let found: Vec<(Severity, Option<String>)> = charm_diagnostics(&STAGE, text, &dir)
            .into_iter()
            .map(|d| (d.severity, d.labels.first().map(|l| l.message.clone())))
            .collect();
        let handled = Some("the charm's code uses the endpoint here".to_string());
        let library = Some("the charm's code uses a `traefik_route` library here".to_string());
        assert_eq!(
            found,
            [
                (Severity::Info, handled.clone()),
                (Severity::Info, handled),
                (Severity::Info, library),
                (Severity::Warning, None),
            ]
        );
    }
}
