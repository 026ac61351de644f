//! What Juju gives paas-charm for one hook: the unit, its config, secrets and relations.

use crate::NameMap;
use std::collections::BTreeMap;

/// A Juju relation databag: string keys to string values.
pub type Databag = NameMap<String>;

/// The content of a Juju secret.
pub type SecretContent = NameMap<String>;

/// A config value as Juju delivers it for the option's declared type.
#[derive(Clone, Debug, PartialEq)]
pub enum ConfigValue {
    /// `string` options.
    Str(String),
    /// `int` options.
    Int(i64),
    /// `float` options (integral values stay floats: `2.0`).
    Float(f64),
    /// `boolean` options.
    Bool(bool),
}

/// One related remote application on an endpoint.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Relation {
    /// The remote application's name.
    pub remote_app_name: String,
    /// The remote application databag.
    pub app_data: Databag,
    /// Databags of the remote units, by unit number.
    pub units_data: BTreeMap<u32, Databag>,
    /// Provider-owned secrets, by the app-databag field that holds their id.
    pub secrets: NameMap<SecretContent>,
}

impl Relation {
    /// The app-databag value of `key`; a field naming a provider secret counts as present.
    pub fn app_field(&self, key: &str) -> Option<&str> {
        match self.app_data.get(key) {
            Some(v) => Some(v),
            None if self.secrets.contains_key(key) => Some(""),
            None => None,
        }
    }
}

/// The Juju model proxy settings the charm sees (`JUJU_CHARM_*_PROXY`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProxySettings {
    /// `JUJU_CHARM_HTTP_PROXY`.
    pub http_proxy: Option<String>,
    /// `JUJU_CHARM_HTTPS_PROXY`.
    pub https_proxy: Option<String>,
    /// `JUJU_CHARM_NO_PROXY`.
    pub no_proxy: Option<String>,
}

/// A deployment of the charm as one hook sees it, on a unit that is the leader and whose
/// workload container is reachable.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Deployment {
    /// Juju application name (may differ from the charm name).
    pub app: String,
    /// Juju model name.
    pub model: String,
    /// This unit's number.
    pub unit: u32,
    /// Numbers of the other units in the `secret-storage` peer relation.
    pub peer_units: Vec<u32>,
    /// The charm-managed secret key (peer app databag `<framework>_secret_key`); `None` while
    /// the peer relation is not initialised.
    pub secret_key: Option<String>,
    /// Values set for the plain (non-secret) options; unset options take their defaults.
    pub config: NameMap<ConfigValue>,
    /// Contents of the secrets given to secret-typed options, by option name.
    pub secrets: NameMap<SecretContent>,
    /// Related applications, by the charm's endpoint name: the relation ops lists first.
    pub relations: NameMap<Relation>,
    /// Further relations on an endpoint, after its entry in `relations`, in the order ops lists
    /// them (Juju sorts `relation-ids` output as strings, so `db:10` comes before `db:9`).
    pub more_relations: NameMap<Vec<Relation>>,
    /// The model's proxy settings.
    pub proxy: ProxySettings,
}

impl Deployment {
    /// The relations on `endpoint`, in the order ops lists them.
    pub fn relations_on<'a>(&'a self, endpoint: &str) -> impl Iterator<Item = &'a Relation> + 'a {
        let first = self.relations.get(endpoint);
        let more = first
            .and_then(|_| self.more_relations.get(endpoint))
            .into_iter()
            .flatten();
        first.into_iter().chain(more)
    }

    /// How many relations `endpoint` has.
    pub fn relation_count(&self, endpoint: &str) -> usize {
        self.relations_on(endpoint).count()
    }
}
