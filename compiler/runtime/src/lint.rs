//! Problems neither charmcraft nor paas-charm reports, found in the charm's own declarations:
//! options paas-charm never exports, options whose variables collide, and integrations it never
//! reads. Each finding names the declaration by its path in charmcraft.yaml.

use crate::config::is_user_defined;
use paasc_frameworks::Framework;
use paasc_syntax::Yaml;

/// What kind of problem a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// A user option paas-charm drops before building the environment.
    OptionNotExported,
    /// Two declarations that become the same environment variable.
    EnvCollision,
    /// A `requires` endpoint whose data paas-charm never reads.
    IntegrationNotRead,
}

/// One problem, at a path of keys in the unexpanded charmcraft.yaml.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The rule.
    pub rule: Rule,
    /// Keys from the root to the declaration, e.g. `["config", "options", "debug"]`.
    pub path: Vec<String>,
    /// Another declaration involved, for a secondary label.
    pub other: Option<Vec<String>>,
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub help: String,
}

/// The other integrations paas-charm reads (besides the databases): (endpoint name, interface);
/// `None` for any name.
const READ: &[(Option<&str>, &str)] = &[
    (Some("redis"), "redis"),
    (Some("valkey"), "valkey_client"),
    (Some("s3"), "s3"),
    (Some("saml"), "saml"),
    (Some("rabbitmq"), "rabbitmq"),
    (Some("tracing"), "tracing"),
    (Some("smtp"), "smtp"),
    (Some("openfga"), "openfga"),
    (Some("http-proxy"), "http_proxy"),
    (None, "oauth"),
];

fn option_path(name: &str) -> Vec<String> {
    vec!["config".into(), "options".into(), name.into()]
}

/// Lints `charm`, the charmcraft.yaml as written (before expansion), for `framework`.
pub fn lint(framework: Framework, charm: &Yaml) -> Vec<Finding> {
    let spec = framework.spec();
    let mut out = Vec::new();
    let options: Vec<&str> = charm
        .get("config")
        .and_then(|c| c.get("options"))
        .and_then(Yaml::as_map)
        .map(|m| m.iter().filter_map(|(k, _)| k.as_str()).collect())
        .unwrap_or_default();
    // Variable name -> the first option giving it (a charm may declare thousands of options).
    let mut exported: std::collections::HashMap<String, &str> = std::collections::HashMap::new();
    for name in options {
        if name.starts_with(&format!("{}-", spec.name)) {
            continue;
        }
        let field = name.replace('-', "_");
        if !is_user_defined(name, spec.name) {
            out.push(Finding {
                rule: Rule::OptionNotExported,
                path: option_path(name),
                other: None,
                message: format!(
                    "paas-charm never passes `{name}` to the app: options starting with `app-` or `webserver-` are not user options"
                ),
                help: format!("rename it, e.g. `{}`", name.split_once('-').map_or(name, |(_, rest)| rest)),
            });
            continue;
        }
        if spec.fields.iter().any(|f| f.name == field) {
            out.push(Finding {
                rule: Rule::OptionNotExported,
                path: option_path(name),
                other: None,
                message: format!(
                    "paas-charm never passes `{name}` to the app: `{field}` is a field of its {} configuration",
                    spec.name
                ),
                help: format!(
                    "rename it; the framework's own `{}-{}` option sets that value",
                    spec.name,
                    field.replace('_', "-")
                ),
            });
            continue;
        }
        let var = format!("{}{}", spec.configuration_prefix, field.to_uppercase());
        if let Some(first) = exported.get(&var) {
            out.push(Finding {
                rule: Rule::EnvCollision,
                path: option_path(name),
                other: Some(option_path(first)),
                message: format!(
                    "`{name}` and `{first}` both become the variable `{var}`, so one value is lost"
                ),
                help: "rename one of them".into(),
            });
            continue;
        }
        for own in ["BASE_URL", "PEER_FQDNS"] {
            if var == format!("{}{own}", spec.configuration_prefix) {
                out.push(Finding {
                    rule: Rule::EnvCollision,
                    path: option_path(name),
                    other: None,
                    message: format!(
                        "`{name}` becomes `{var}`, which paas-charm itself sets afterwards, so the option's value never reaches the app"
                    ),
                    help: "rename the option".into(),
                });
            }
        }
        exported.insert(var, name);
    }
    let read: Vec<(Option<&str>, &str)> = crate::integrations::databases::INTERFACES
        .iter()
        .map(|(interface, name)| (Some(*name), *interface))
        .chain(READ.iter().copied())
        .collect();
    let requires = charm.get("requires").and_then(Yaml::as_map).unwrap_or(&[]);
    for (key, decl) in requires {
        let Some(name) = key.as_str() else { continue };
        let interface = decl.get("interface").and_then(Yaml::as_str).unwrap_or("");
        if read
            .iter()
            .any(|(n, i)| *i == interface && n.is_none_or(|n| n == name))
        {
            continue;
        }
        let expected = read.iter().find(|(_, i)| *i == interface);
        let help = match expected {
            Some((Some(n), _)) => format!(
                "paas-charm reads the `{interface}` interface only from an endpoint named `{n}`: rename `{name}` to `{n}`"
            ),
            _ => format!(
                "paas-charm 1.12.3 reads only these interfaces: {}; the app has to get this data some other way",
                read.iter().map(|(_, i)| *i).collect::<Vec<_>>().join(", ")
            ),
        };
        out.push(Finding {
            rule: Rule::IntegrationNotRead,
            path: vec!["requires".into(), name.into()],
            other: None,
            message: format!(
                "paas-charm never reads the `{name}` integration (interface `{interface}`), so its data never reaches the app"
            ),
            help,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charm(text: &str) -> Yaml {
        let (tree, _) = paasc_syntax::parse(paasc_diag::FileId(0), text, Default::default());
        tree.root()
            .map(|r| Yaml::from_tree(&tree, r))
            .unwrap_or(Yaml::Null)
    }

    fn rules(text: &str) -> Vec<(Rule, String)> {
        lint(Framework::Flask, &charm(text))
            .into_iter()
            .map(|f| (f.rule, f.path.join(".")))
            .collect()
    }

    #[test]
    fn dropped_options_are_found() {
        let found = rules("config:\n  options:\n    app-foo: {type: string}\n    debug: {type: boolean}\n    secret-key: {type: string}\n    greeting: {type: string}\n    flask-env: {type: string}\n");
        assert_eq!(
            found,
            [
                (Rule::OptionNotExported, "config.options.app-foo".into()),
                (Rule::OptionNotExported, "config.options.debug".into()),
                (Rule::OptionNotExported, "config.options.secret-key".into()),
            ]
        );
    }

    #[test]
    fn colliding_variables_are_found() {
        let found = rules("config:\n  options:\n    foo-bar: {type: string}\n    foo_bar: {type: string}\n    base-url: {type: string}\n    other: {type: int}\n");
        assert_eq!(
            found,
            [
                (Rule::EnvCollision, "config.options.foo_bar".into()),
                (Rule::EnvCollision, "config.options.base-url".into()),
            ]
        );
    }

    #[test]
    fn integrations_paas_charm_does_not_read_are_found() {
        let found = rules("requires:\n  postgresql: {interface: postgresql_client}\n  db: {interface: mysql_client}\n  login: {interface: oauth}\n  metrics: {interface: prometheus_remote_write}\n  cache: {interface: redis}\n");
        assert_eq!(
            found,
            [
                (Rule::IntegrationNotRead, "requires.db".into()),
                (Rule::IntegrationNotRead, "requires.metrics".into()),
                (Rule::IntegrationNotRead, "requires.cache".into()),
            ]
        );
    }
}
