//! Where each variable of the app's environment comes from, as paas-charm builds it:
//! [`Plan::provenance`](crate::Plan::provenance) gives every variable its sources and the
//! sources of the values it replaced. The names are the deployment's (option, secret, endpoint
//! and relation field names); `paasc_check` maps them to the profile or project entry behind
//! each.

/// Whether an option has a value because the deployment set it or because the charm declares
/// a default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Given {
    /// Set in the deployment (`juju config`; the profile's `config:`).
    Set,
    /// The option's `default` in charmcraft.yaml.
    Default,
}

/// One source of an environment variable's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A config option's value.
    Option {
        /// The option's name.
        name: String,
        /// Where its value comes from.
        given: Given,
    },
    /// A key of the content of the secret given to a secret-typed option.
    Secret {
        /// The option's name.
        option: String,
        /// The key in the secret's content.
        key: String,
    },
    /// A field of the framework's configuration that no option sets: paas-charm's default.
    FrameworkDefault {
        /// The field, e.g. `preferred_url_scheme`.
        field: &'static str,
    },
    /// The secret key paas-charm keeps in its peer relation.
    SecretKey,
    /// The app's base URL: the ingress relation's `url` (`ingress`), or
    /// `http://<app>.<model>:<port>`.
    BaseUrl {
        /// Whether it comes from the ingress relation.
        ingress: bool,
    },
    /// A proxy setting of the Juju model, by its lower-case variable (`http_proxy`).
    ModelProxy(&'static str),
    /// The numbers of the application's other units.
    PeerUnits,
    /// The application's name.
    App,
    /// Fields of the relation data on an endpoint (the first relation, the one paas-charm
    /// reads), by the names the provider writes them under: in the application or a unit
    /// databag, or in a secret's content.
    Relation {
        /// The endpoint.
        endpoint: std::sync::Arc<str>,
        /// The fields, the main one first.
        fields: std::sync::Arc<[&'static str]>,
    },
    /// `framework_logging_format` in `paas-config.yaml`.
    PaasConfig,
    /// The `environment` of the rock's service: paas-charm's layer replaces it, so this is only
    /// ever a value that was overridden.
    Rock {
        /// The service.
        service: String,
        /// The variable.
        name: String,
    },
    /// A value paas-charm sets itself for the framework.
    Framework,
}

impl Source {
    /// Fields `fields` of the relation data on `endpoint`. Cloned by every variable made of
    /// them, so both are shared rather than copied.
    pub fn relation(endpoint: &str, fields: &[&'static str]) -> Source {
        Source::Relation {
            endpoint: endpoint.into(),
            fields: fields.into(),
        }
    }

    /// What kind of source this is, in a word (`option`, `secret`, `relation`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            Source::Option { .. } => "option",
            Source::Secret { .. } => "secret",
            Source::FrameworkDefault { .. } => "framework-default",
            Source::SecretKey => "secret-key",
            Source::BaseUrl { .. } => "base-url",
            Source::ModelProxy(_) => "proxy",
            Source::PeerUnits => "peer-units",
            Source::App => "app",
            Source::Relation { .. } => "relation",
            Source::PaasConfig => "paas-config",
            Source::Rock { .. } => "rock",
            Source::Framework => "framework",
        }
    }
}

/// Where one variable of the environment comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provenance {
    /// What its value is made of, the main source first.
    pub from: Vec<Source>,
    /// The main sources of earlier values of the same variable that this one replaced, the
    /// first set first.
    pub overrode: Vec<Source>,
}

/// One variable with its value and sources, as the environment is built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Var {
    pub name: String,
    pub value: String,
    pub from: Vec<Source>,
}

/// `vars` (names and values) all made of `from`.
pub(crate) fn all_from(vars: Vec<(String, String)>, from: &[Source]) -> Vec<Var> {
    vars.into_iter()
        .map(|(name, value)| Var {
            name,
            value,
            from: from.to_vec(),
        })
        .collect()
}

/// A variable made of `from`.
pub(crate) fn var(name: impl Into<String>, value: impl Into<String>, from: Vec<Source>) -> Var {
    Var {
        name: name.into(),
        value: value.into(),
        from,
    }
}
