//! Wire types of a deployment profile (`profiles/NAME.yaml`), as `paasc_model::profile` reads it.

use crate::types::{underscore_aliases, Int, Text};
use schemars::JsonSchema;
use std::collections::BTreeMap;

/// A map from names to `T`.
type Map<T> = BTreeMap<String, T>;

crate::types::leaf!(
    /// A config option value: its YAML type must match the option's `type`.
    ConfigValue,
    serde_json::json!({ "type": ["string", "number", "boolean"] })
);

crate::types::leaf!(
    /// A relation databag field. Juju stores strings; a mapping or list is stored as its JSON.
    DataValue,
    serde_json::json!({ "type": ["string", "number", "boolean", "object", "array"] })
);

crate::types::leaf!(
    /// A unit number.
    UnitNumber,
    serde_json::json!({ "type": "integer", "minimum": 0, "maximum": paasc_model::profile::MAX_UNIT_NUMBER })
);

crate::types::leaf!(
    /// How many units the application has.
    UnitCount,
    serde_json::json!({ "type": "integer", "minimum": 1, "maximum": paasc_model::profile::MAX_UNITS })
);

crate::types::leaf!(
    /// The other units' numbers.
    PeerUnits,
    serde_json::json!({
        "type": "array",
        "items": { "type": "integer", "minimum": 0, "maximum": paasc_model::profile::MAX_UNIT_NUMBER },
        "maxItems": paasc_model::profile::MAX_UNITS - 1,
    })
);

/// A deployment profile: what Juju would give paas-charm at run time, plus the Kubernetes
/// settings of the Helm back end.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case", transform = underscore_aliases)]
#[schemars(extend("not" = { "required": ["units", "peer-units"] }))]
pub struct Profile {
    /// The Juju application name (default: the charm's name).
    pub app: Option<Text>,
    /// The Juju model name (default: `default`).
    pub model: Option<Text>,
    /// This unit's number (default 0).
    pub unit: Option<UnitNumber>,
    /// How many units the application has (default 1): units 0 to N-1.
    pub units: Option<UnitCount>,
    /// The other units' numbers, when they are not simply `0..units`.
    pub peer_units: Option<PeerUnits>,
    /// The framework's secret key (`FLASK_SECRET_KEY`...). Better passed with `--set` in CI.
    pub secret_key: Option<Text>,
    /// Config option values, typed as each option declares.
    pub config: Option<Map<ConfigValue>>,
    /// Contents of the secrets given to secret-typed options: option name to key/value pairs.
    pub secrets: Option<Map<Map<Text>>>,
    /// Integrated applications by the charm's endpoint name, in each interface's vocabulary:
    /// one application, or a list of them.
    pub integrations: Option<Map<Integrations>>,
    /// The model's proxy settings.
    pub proxy: Option<Proxy>,
    /// Kubernetes settings for the Helm chart.
    pub kubernetes: Option<Kubernetes>,
}

/// The applications integrated on one endpoint.
#[derive(JsonSchema)]
#[serde(untagged)]
pub enum Integrations {
    /// One application.
    One(Integration),
    /// Several applications (at most the endpoint's `limit`).
    Several(Vec<Integration>),
}

/// One integrated remote application.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case", transform = underscore_aliases)]
pub struct Integration {
    /// The remote application's name (default: the endpoint name).
    pub app: Option<Text>,
    /// The interface this data is written for; paasc checks the charm declares the same.
    pub interface: Option<Text>,
    /// The remote application's databag.
    pub data: Option<Map<DataValue>>,
    /// The databag of remote unit 0.
    pub unit_data: Option<Map<DataValue>>,
    /// Databags of remote units, by unit number.
    #[schemars(extend("propertyNames" = { "pattern": "^[0-9]+$" }))]
    pub units: Option<Map<Map<DataValue>>>,
    /// Provider-owned Juju secrets, by the databag field that holds their id.
    pub secrets: Option<Map<Map<Text>>>,
}

/// The model's proxy settings (Juju's `juju-*-proxy` model config).
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case", transform = underscore_aliases)]
pub struct Proxy {
    /// `JUJU_CHARM_HTTP_PROXY`.
    pub http_proxy: Option<Text>,
    /// `JUJU_CHARM_HTTPS_PROXY`.
    pub https_proxy: Option<Text>,
    /// `JUJU_CHARM_NO_PROXY`.
    pub no_proxy: Option<Text>,
}

/// Container resource quantities.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Resources {
    /// Requested quantities, e.g. `cpu: 250m`.
    pub requests: Option<Map<Text>>,
    /// Limits, e.g. `memory: 512Mi`.
    pub limits: Option<Map<Text>>,
}

/// Horizontal pod autoscaling.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case", transform = underscore_aliases)]
pub struct Autoscaling {
    /// Lowest replica count.
    pub min_replicas: Option<Int>,
    /// Highest replica count.
    pub max_replicas: Option<Int>,
    /// Target average CPU utilisation, percent.
    pub target_cpu_utilization: Option<Int>,
}

/// A persistent volume the app mounts.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case", transform = underscore_aliases)]
pub struct Volume {
    /// Claim name.
    pub name: Text,
    /// Size, e.g. `1Gi`.
    pub size: Text,
    /// Where it is mounted in the container.
    pub mount_path: Text,
    /// Storage class.
    pub storage_class: Option<Text>,
}

crate::types::model_enum!(
    /// What routes traffic to the app's Service.
    IngressKind = paasc_model::profile::IngressKind::ALL,
    |_| None
);

/// The Gateway an HTTPRoute attaches to.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case", transform = underscore_aliases)]
pub struct Gateway {
    /// The Gateway's name.
    pub name: Text,
    /// Its namespace (default: the release's).
    pub namespace: Option<Text>,
    /// The listener (`sectionName`) to attach to.
    pub section: Option<Text>,
}

/// Ingress for the app's Service.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case", transform = underscore_aliases)]
pub struct Ingress {
    /// `ingress` (a networking.k8s.io Ingress, the default), `gateway-api` (an HTTPRoute on a
    /// named Gateway) or `emissary` (an Emissary-ingress Host and Mapping).
    pub kind: Option<IngressKind>,
    /// Host name.
    pub host: Text,
    /// The path prefix served (default `/`).
    pub path: Option<Text>,
    /// Request timeout, seconds.
    pub timeout: Option<Int>,
    /// The Gateway an HTTPRoute attaches to (`gateway-api`; required there).
    pub gateway: Option<Gateway>,
    /// Also create an Emissary Listener (`emissary`).
    pub listener: Option<bool>,
    /// Name of the TLS Secret; TLS is on when set.
    pub tls_secret: Option<Text>,
    /// Ingress class.
    pub class: Option<Text>,
    /// Annotations.
    pub annotations: Option<Map<Text>>,
}

crate::types::model_enum!(
    /// How strongly replicas avoid sharing a node.
    AntiAffinity = paasc_model::profile::AntiAffinity::ALL,
    |_| None
);

crate::types::model_enum!(
    /// The Kubernetes Service type.
    ServiceType = paasc_model::profile::ServiceType::ALL,
    |_| None
);

/// What the Helm back end needs beyond what Juju would know.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case", transform = underscore_aliases)]
pub struct Kubernetes {
    /// Image reference, e.g. `ghcr.io/acme/web:1.0`.
    pub image: Option<Text>,
    /// Replica count (without autoscaling).
    pub replicas: Option<Int>,
    /// Container resources.
    pub resources: Option<Resources>,
    /// Autoscaling.
    pub autoscaling: Option<Autoscaling>,
    /// Persistent volumes.
    pub storage: Option<Vec<Volume>>,
    /// Pod anti-affinity.
    pub anti_affinity: Option<AntiAffinity>,
    /// Ingress.
    pub ingress: Option<Ingress>,
    /// Service type.
    pub service_type: Option<ServiceType>,
    /// An existing Secret holding the secret environment variables.
    pub secret_name: Option<Text>,
    /// Pod hardening: each setting defaults to the hardened choice.
    pub security: Option<Security>,
    /// Metrics: the statsd exporter beside gunicorn and the Prometheus scrape target.
    pub metrics: Option<Metrics>,
}

crate::types::model_enum!(
    /// Where the NetworkPolicy lets the pods connect.
    Egress = paasc_model::profile::Egress::ALL,
    |_| None
);

crate::types::model_enum!(
    /// How Prometheus finds the metrics port.
    Scrape = paasc_model::profile::Scrape::ALL,
    |_| None
);

/// Metrics.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case", transform = underscore_aliases)]
pub struct Metrics {
    /// The statsd exporter's image (default: the app's own image, which ships
    /// /bin/statsd_exporter).
    pub image: Option<Text>,
    /// `service-monitor` (a prometheus-operator ServiceMonitor) or `annotations` (prometheus.io/*
    /// on the Service; the default).
    pub scrape: Option<Scrape>,
}

/// Pod hardening.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, rename_all = "kebab-case", transform = underscore_aliases)]
pub struct Security {
    /// A read-only root file system, with writable emptyDirs at /tmp and /var/log (default true).
    pub read_only_root_filesystem: Option<bool>,
    /// A NetworkPolicy admitting traffic only to the app's ports from anywhere, and letting the
    /// pods reach only DNS, each other and their integrations (see `egress`) (default true).
    pub network_policy: Option<bool>,
    /// Where the NetworkPolicy lets the pods connect: `integrations` (the default: DNS on port
    /// 53, the release's own pods, and the host and port of each integration's relation data,
    /// as an IP /32 when the host is an address, else the port to any address) or `open`
    /// (anywhere).
    pub egress: Option<Egress>,
    /// Whether pods get a service-account token (default false).
    pub service_account_token: Option<bool>,
}
