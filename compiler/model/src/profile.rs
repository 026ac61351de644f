//! The deployment profile: what Juju would supply at run time (names, units, config, secrets,
//! integration data, proxy) plus the Kubernetes settings of the Helm back end.
//!
//! ```yaml
//! app: web
//! model: prod
//! units: 3
//! secret-key: "..."
//! config:
//!   greeting: hello
//! secrets:
//!   api-token: {token: s3cr3t}
//! integrations:
//!   postgresql:
//!     app: postgresql-k8s
//!     data: {endpoints: "db:5432", username: u, password: p, database: d}
//! proxy:
//!   http-proxy: http://proxy:3128
//! kubernetes:
//!   image: ghcr.io/acme/web:1.0
//!   replicas: 2
//! ```

use crate::lower::{Cx, Lower, MapReader, Spanned, SpannedMap};
use paasc_diag::{Code, Diagnostic};
use paasc_syntax::{Kind, NodeId, Value};

/// A config value as written, with the type YAML 1.1 gives it.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar {
    /// A string.
    Str(String),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A boolean.
    Bool(bool),
}

impl Lower for Scalar {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        let (min, max) = (i64::MIN.into(), i64::MAX.into());
        if let Some(n) = cx.int_beyond(id, min, max) {
            let help = format!("Juju's integer options are 64-bit: give an integer from {min} to {max}, or quote the value if the option is a string");
            cx.out_of_range(id, path, &n, min, max, Some(&help));
            return None;
        }
        let v = match cx.tree.value(id) {
            Some(Value::Str(s)) => Some(Scalar::Str(s.to_string())),
            Some(Value::Timestamp(s)) => Some(Scalar::Str(s.to_string())),
            Some(Value::Int(i)) => i64::try_from(i).ok().map(Scalar::Int),
            Some(Value::Float(f)) => Some(Scalar::Float(f)),
            Some(Value::Bool(b)) => Some(Scalar::Bool(b)),
            _ => None,
        };
        if v.is_none() {
            cx.wrong_type(id, path, "a string, number or boolean");
        }
        v
    }
}

/// A relation databag value: Juju stores strings. Scalars are taken as written; a mapping or
/// list is stored as its JSON encoding (the libraries JSON-decode such fields).
#[derive(Clone, Debug, PartialEq)]
pub struct DataValue(pub String);

impl Lower for DataValue {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        match cx.tree.kind(id) {
            Kind::Map(_) | Kind::Seq(_) => {
                let v = paasc_syntax::Yaml::from_tree(cx.tree, id);
                Some(DataValue(json(&v)))
            }
            _ => match cx.tree.value(id) {
                Some(Value::Null) | None => {
                    cx.wrong_type(id, path, "a string");
                    None
                }
                Some(Value::Str(s)) => Some(DataValue(s.to_string())),
                Some(_) => Some(DataValue(cx.tree.text(id).unwrap_or_default().to_string())),
            },
        }
    }
}

/// JSON of a loaded value, keys in document order.
fn json(v: &paasc_syntax::Yaml) -> String {
    use paasc_syntax::Yaml;
    fn value(v: &Yaml) -> serde_json::Value {
        match v {
            Yaml::Null => serde_json::Value::Null,
            Yaml::Bool(b) => (*b).into(),
            Yaml::Int(i) => i64::try_from(*i)
                .map(Into::into)
                .unwrap_or_else(|_| i.to_string().into()),
            Yaml::BigInt(d) => d.clone().into(),
            Yaml::Float(f) => serde_json::Number::from_f64(*f)
                .map_or(serde_json::Value::Null, serde_json::Value::Number),
            Yaml::Str(s) | Yaml::Timestamp(s) => s.as_str().into(),
            Yaml::Seq(items) => items.iter().map(value).collect(),
            Yaml::Map(pairs) => serde_json::Value::Object(
                pairs
                    .iter()
                    .map(|(k, item)| {
                        let key = k.as_str().map_or_else(|| k.python_repr(), str::to_string);
                        (key, value(item))
                    })
                    .collect(),
            ),
        }
    }
    value(v).to_string()
}

/// One integrated remote application, in its interface's vocabulary.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Integration {
    /// The remote application's name.
    pub app: Option<Spanned<String>>,
    /// The remote application databag.
    pub data: SpannedMap<Spanned<DataValue>>,
    /// Databags of remote units, by unit number (`unit-data` is unit 0).
    pub units: Vec<(Spanned<u32>, SpannedMap<Spanned<DataValue>>)>,
    /// Provider-owned Juju secrets, by the databag field that holds their id.
    pub secrets: SpannedMap<SpannedMap<Spanned<String>>>,
    /// The interface the profile expects the endpoint to have.
    pub interface: Option<Spanned<String>>,
    /// The span of the whole entry.
    pub span: paasc_diag::Span,
    /// Further applications integrated on the same endpoint (the list form).
    pub more: Vec<Integration>,
}

impl Lower for Integration {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        if let Some(items) = cx.tree.as_seq(id) {
            let items = items.to_vec();
            let mut all = items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| Integration::lower(cx, *item, &format!("{path}[{i}]")));
            let mut first = all.next();
            let rest: Vec<Integration> = all.collect();
            if first.is_none() && items.is_empty() {
                cx.wrong_type(id, path, "an integration, or a list of them");
            }
            if let Some(f) = first.as_mut() {
                f.more = rest;
            }
            return first;
        }
        let mut m = cx.map(id, path)?;
        let mut out = Integration {
            app: juju_name(cx, &mut m, "app", JujuName::Application),
            interface: m.opt_spanned(cx, "interface"),
            data: m.opt(cx, "data").unwrap_or_default(),
            secrets: m.opt(cx, "secrets").unwrap_or_default(),
            span: cx.tree.span(id),
            ..Integration::default()
        };
        if let Some(unit0) = m.opt_spanned::<SpannedMap<Spanned<DataValue>>>(cx, "unit-data") {
            out.units.push((
                Spanned {
                    value: 0,
                    span: unit0.span,
                },
                unit0.value,
            ));
        }
        if let Some(e) = m.entry("units") {
            if let Some(units) = SpannedMap::<SpannedMap<Spanned<DataValue>>>::lower(
                cx,
                e.value,
                &format!("{path}.units"),
            ) {
                for (k, v) in units.0 {
                    match k.value.parse::<u32>() {
                        Ok(n) if out.units.iter().all(|(u, _)| u.value != n) => out.units.push((
                            Spanned {
                                value: n,
                                span: k.span,
                            },
                            v,
                        )),
                        Ok(n) => cx.push(
                            Diagnostic::new(
                                Code::CONFLICTING_KEYS,
                                cx.file,
                                k.span,
                                format!("remote unit {n} is given twice (`unit-data` is unit 0)"),
                            )
                            .label("again here")
                            .help("give unit 0 either as `unit-data` or under `units`, not both"),
                        ),
                        Err(_) => cx.push(
                            Diagnostic::new(
                                Code::INVALID_VALUE,
                                cx.file,
                                k.span,
                                format!(
                                    "`{path}.units` keys are unit numbers, found `{}`",
                                    k.value
                                ),
                            )
                            .label("not a unit number")
                            .help("write the remote unit's number, e.g. `0:` for postgresql-k8s/0"),
                        ),
                    }
                }
            }
        }
        m.finish(cx);
        Some(out)
    }
}

/// The model's proxy settings (Juju's `juju-*-proxy` model config).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Proxy {
    /// `JUJU_CHARM_HTTP_PROXY`.
    pub http_proxy: Option<Spanned<String>>,
    /// `JUJU_CHARM_HTTPS_PROXY`.
    pub https_proxy: Option<Spanned<String>>,
    /// `JUJU_CHARM_NO_PROXY`.
    pub no_proxy: Option<Spanned<String>>,
}

impl Lower for Proxy {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        let mut m = cx.map(id, path)?;
        let out = Proxy {
            http_proxy: m.opt_spanned(cx, "http-proxy"),
            https_proxy: m.opt_spanned(cx, "https-proxy"),
            no_proxy: m.opt_spanned(cx, "no-proxy"),
        };
        m.finish(cx);
        Some(out)
    }
}

/// Resource quantities of a container (`cpu: 500m`, `memory: 256Mi`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resources {
    /// Requested quantities.
    pub requests: SpannedMap<Spanned<String>>,
    /// Limits.
    pub limits: SpannedMap<Spanned<String>>,
}

impl Lower for Resources {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        let mut m = cx.map(id, path)?;
        let out = Resources {
            requests: m.opt(cx, "requests").unwrap_or_default(),
            limits: m.opt(cx, "limits").unwrap_or_default(),
        };
        m.finish(cx);
        Some(out)
    }
}

/// Horizontal pod autoscaling.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Autoscaling {
    /// Lowest replica count.
    pub min_replicas: Option<Spanned<i64>>,
    /// Highest replica count.
    pub max_replicas: Option<Spanned<i64>>,
    /// Target average CPU utilisation, percent.
    pub target_cpu: Option<Spanned<i64>>,
}

impl Lower for Autoscaling {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        let mut m = cx.map(id, path)?;
        let out = Autoscaling {
            min_replicas: m.opt_spanned(cx, "min-replicas"),
            max_replicas: m.opt_spanned(cx, "max-replicas"),
            target_cpu: m.opt_spanned(cx, "target-cpu-utilization"),
        };
        m.finish(cx);
        Some(out)
    }
}

/// A persistent volume the app mounts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Volume {
    /// Claim name.
    pub name: Option<Spanned<String>>,
    /// Size, e.g. `1Gi`.
    pub size: Option<Spanned<String>>,
    /// Where it is mounted in the container.
    pub mount_path: Option<Spanned<String>>,
    /// Storage class.
    pub storage_class: Option<Spanned<String>>,
}

impl Lower for Volume {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        let mut m = cx.map(id, path)?;
        let out = Volume {
            name: m.req(cx, "name"),
            size: m.req(cx, "size"),
            mount_path: m.req(cx, "mount-path"),
            storage_class: m.opt_spanned(cx, "storage-class"),
        };
        m.finish(cx);
        Some(out)
    }
}

crate::string_enum! {
    /// What routes traffic to the app's Service.
    pub enum IngressKind { Ingress = "ingress", GatewayApi = "gateway-api", Emissary = "emissary" }
}

/// The Gateway an HTTPRoute attaches to (`kubernetes.ingress.gateway`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Gateway {
    /// The Gateway's name.
    pub name: Option<Spanned<String>>,
    /// Its namespace (default: the release's).
    pub namespace: Option<Spanned<String>>,
    /// The listener (`sectionName`) to attach to.
    pub section: Option<Spanned<String>>,
}

impl Lower for Gateway {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        let mut m = cx.map(id, path)?;
        let out = Gateway {
            name: m.req(cx, "name"),
            namespace: m.opt_spanned(cx, "namespace"),
            section: m.opt_spanned(cx, "section"),
        };
        m.finish(cx);
        Some(out)
    }
}

/// Ingress for the app's Service.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ingress {
    /// What routes the traffic (default `ingress`).
    pub kind: Option<Spanned<IngressKind>>,
    /// Host name.
    pub host: Option<Spanned<String>>,
    /// The path prefix served (default `/`).
    pub path: Option<Spanned<String>>,
    /// Request timeout, seconds.
    pub timeout: Option<Spanned<i64>>,
    /// The Gateway (`gateway-api`).
    pub gateway: Option<Gateway>,
    /// Whether to create an Emissary Listener too (`emissary`).
    pub listener: Option<Spanned<bool>>,
    /// Name of the TLS Secret; TLS is on when set.
    pub tls_secret: Option<Spanned<String>>,
    /// Ingress class.
    pub class: Option<Spanned<String>>,
    /// Annotations.
    pub annotations: SpannedMap<Spanned<String>>,
}

impl Lower for Ingress {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        let mut m = cx.map(id, path)?;
        let out = Ingress {
            kind: m.opt_spanned(cx, "kind"),
            host: m.req(cx, "host"),
            path: m.opt_spanned(cx, "path"),
            timeout: m.opt_spanned(cx, "timeout"),
            gateway: m.opt(cx, "gateway"),
            listener: m.opt_spanned(cx, "listener"),
            tls_secret: m.opt_spanned(cx, "tls-secret"),
            class: m.opt_spanned(cx, "class"),
            annotations: m.opt(cx, "annotations").unwrap_or_default(),
        };
        m.finish(cx);
        Some(out)
    }
}

/// Pod hardening: each setting defaults to the hardened choice.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Security {
    /// A read-only root file system, with writable `emptyDir`s at `/tmp` and `/var/log`
    /// (default true).
    pub read_only_root_filesystem: Option<Spanned<bool>>,
    /// A NetworkPolicy admitting traffic only to the app's ports (default true).
    pub network_policy: Option<Spanned<bool>>,
    /// Where the NetworkPolicy lets the pods connect (default `integrations`).
    pub egress: Option<Spanned<Egress>>,
    /// Whether pods get a service-account token (default false).
    pub service_account_token: Option<Spanned<bool>>,
}

impl Lower for Security {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        let mut m = cx.map(id, path)?;
        let out = Security {
            read_only_root_filesystem: m.opt_spanned(cx, "read-only-root-filesystem"),
            network_policy: m.opt_spanned(cx, "network-policy"),
            egress: m.opt_spanned(cx, "egress"),
            service_account_token: m.opt_spanned(cx, "service-account-token"),
        };
        m.finish(cx);
        Some(out)
    }
}

crate::string_enum! {
    /// Where the NetworkPolicy lets the pods connect: DNS, the other pods of the release and
    /// the integrations' hosts and ports (`integrations`), or anywhere (`open`).
    pub enum Egress { Integrations = "integrations", Open = "open" }
}

crate::string_enum! {
    /// How Prometheus finds the metrics port.
    pub enum Scrape { ServiceMonitor = "service-monitor", Annotations = "annotations" }
}

/// Metrics: the statsd exporter beside gunicorn and the Prometheus scrape target.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metrics {
    /// The exporter's image (default: the app's own image, which ships `/bin/statsd_exporter`).
    pub image: Option<Spanned<String>>,
    /// How Prometheus finds the target (default `annotations`).
    pub scrape: Option<Spanned<Scrape>>,
}

impl Lower for Metrics {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        let mut m = cx.map(id, path)?;
        let out = Metrics {
            image: m.opt_spanned(cx, "image"),
            scrape: m.opt_spanned(cx, "scrape"),
        };
        m.finish(cx);
        Some(out)
    }
}

crate::string_enum! {
    /// How strongly replicas avoid sharing a node.
    pub enum AntiAffinity { Off = "none", Soft = "soft", Hard = "hard" }
}

crate::string_enum! {
    /// The Kubernetes Service type.
    pub enum ServiceType { ClusterIp = "ClusterIP", NodePort = "NodePort", LoadBalancer = "LoadBalancer" }
}

/// What the Helm back end needs beyond what Juju would know.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Kubernetes {
    /// Image reference, e.g. `ghcr.io/acme/web:1.0`.
    pub image: Option<Spanned<String>>,
    /// Replica count (without autoscaling).
    pub replicas: Option<Spanned<i64>>,
    /// Container resources.
    pub resources: Option<Resources>,
    /// Autoscaling.
    pub autoscaling: Option<Autoscaling>,
    /// Persistent volumes.
    pub storage: Vec<Volume>,
    /// Pod anti-affinity.
    pub anti_affinity: Option<Spanned<AntiAffinity>>,
    /// Ingress.
    pub ingress: Option<Ingress>,
    /// Service type.
    pub service_type: Option<Spanned<ServiceType>>,
    /// An existing Secret holding the secret environment variables.
    pub secret_name: Option<Spanned<String>>,
    /// Pod hardening.
    pub security: Option<Security>,
    /// Metrics.
    pub metrics: Option<Metrics>,
}

impl Lower for Kubernetes {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        let mut m = cx.map(id, path)?;
        let out = Kubernetes {
            image: m.opt_spanned(cx, "image"),
            replicas: m.opt_spanned(cx, "replicas"),
            resources: m.opt(cx, "resources"),
            autoscaling: m.opt(cx, "autoscaling"),
            storage: m.opt(cx, "storage").unwrap_or_default(),
            anti_affinity: m.opt_spanned(cx, "anti-affinity"),
            ingress: m.opt(cx, "ingress"),
            service_type: m.opt_spanned(cx, "service-type"),
            secret_name: m.opt_spanned(cx, "secret-name"),
            security: m.opt(cx, "security"),
            metrics: m.opt(cx, "metrics"),
        };
        m.finish(cx);
        Some(out)
    }
}

/// A deployment profile.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Profile {
    /// Juju application name; defaults to the charm's name.
    pub app: Option<Spanned<String>>,
    /// Juju model name.
    pub model: Option<Spanned<String>>,
    /// This unit's number (default 0).
    pub unit: Option<Spanned<i64>>,
    /// How many units the application has (default 1).
    pub units: Option<Spanned<i64>>,
    /// The other units' numbers, when they are not simply `0..units`.
    pub peer_units: Option<Spanned<Vec<Spanned<i64>>>>,
    /// The charm-managed secret key (`<FRAMEWORK>_SECRET_KEY`).
    pub secret_key: Option<Spanned<String>>,
    /// Config option values.
    pub config: SpannedMap<Spanned<Scalar>>,
    /// Contents of the secrets given to secret-typed options.
    pub secrets: SpannedMap<SpannedMap<Spanned<String>>>,
    /// Integrated applications, by the charm's endpoint name.
    pub integrations: SpannedMap<Integration>,
    /// Proxy settings.
    pub proxy: Proxy,
    /// Kubernetes settings for the Helm chart.
    pub kubernetes: Option<Kubernetes>,
    /// The file this profile was read from.
    pub file: Option<paasc_diag::FileId>,
    /// Where overlaid entries come from: (`config`|`secrets`|`integrations`|`proxy`, key, file),
    /// (a top-level key such as `secret-key`, an empty key, file), and (`kubernetes`, field
    /// name such as `image` or `anti_affinity`, file).
    pub origins: Vec<(&'static str, String, paasc_diag::FileId)>,
    /// Every file the profile was read from (the profile file and each `--set`).
    pub sources: Vec<paasc_diag::FileId>,
}

/// The most units a profile may give an application. paas-charm puts every other unit's
/// FQDN (about 100 bytes each) in `<FRAMEWORK>_PEER_FQDNS`, and Linux refuses to start a
/// process with an environment string over 128 KiB (`MAX_ARG_STRLEN`), so a larger application
/// could not run; this also bounds what a profile number can make paasc build.
pub const MAX_UNITS: i64 = 1000;

/// The largest unit number paasc represents.
pub const MAX_UNIT_NUMBER: i64 = u32::MAX as i64;

fn units_help() -> String {
    format!("an application has from 1 to {MAX_UNITS} units here: every unit gets the FQDN of each other unit in one environment variable, which Linux limits to 128 KiB")
}

/// Reads the integer `key`, reporting a value outside `min..=max` at the value, with the range.
fn bounded(
    cx: &mut Cx,
    m: &mut MapReader,
    key: &'static str,
    min: i64,
    max: i64,
    help: Option<fn() -> String>,
) -> Option<Spanned<i64>> {
    let e = m.peek(key)?;
    if let Some(n) = cx.int_beyond(e.value, min.into(), max.into()) {
        m.allow(key);
        let help = help.map(|h| h());
        cx.out_of_range(e.value, key, &n, min.into(), max.into(), help.as_deref());
        return None;
    }
    m.opt_spanned(cx, key)
}

/// The kinds of Juju names a profile gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JujuName {
    /// An application name (juju/names `IsValidApplication`).
    Application,
    /// A model name (juju/names `IsValidModelName`).
    Model,
}

impl JujuName {
    /// Why `name` is not a valid Juju name of this kind, or `None` when it is.
    ///
    /// Applications follow juju/names' `ApplicationSnippet`,
    /// `[a-z][a-z0-9]*(-[a-z0-9]*[a-z][a-z0-9]*)*`: lowercase letters, digits and single hyphens,
    /// starting with a letter, each part after a hyphen holding a letter. Models follow
    /// `validModelName`, `[a-z0-9]+[a-z0-9-]*`, at most 128 characters.
    pub fn problem(self, name: &str) -> Option<&'static str> {
        let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-';
        if name.is_empty() {
            return Some("it is empty");
        }
        if !name.chars().all(allowed) {
            return Some("it may only use ASCII lowercase letters, digits and hyphens");
        }
        match self {
            JujuName::Application => {
                let mut parts = name.split('-');
                if !parts
                    .next()
                    .is_some_and(|p| p.starts_with(|c: char| c.is_ascii_lowercase()))
                {
                    return Some("it must start with a letter");
                }
                if !parts.all(|p| p.contains(|c: char| c.is_ascii_lowercase())) {
                    return Some("each part after a hyphen must hold a letter (no `--`, no trailing hyphen, no all-digit part such as `-2`)");
                }
                None
            }
            JujuName::Model if name.starts_with('-') => Some("it may not start with a hyphen"),
            JujuName::Model if name.len() > 128 => Some("it is longer than 128 characters"),
            JujuName::Model => None,
        }
    }

    fn what(self) -> &'static str {
        match self {
            JujuName::Application => "a Juju application name",
            JujuName::Model => "a Juju model name",
        }
    }
}

/// Reads the string `key`, refusing (at the value) one that is not a valid Juju name of `kind`:
/// the application name becomes a file name, a Kubernetes object's name and part of every
/// unit's name, so nothing else may reach them.
fn juju_name(
    cx: &mut Cx,
    m: &mut MapReader,
    key: &'static str,
    kind: JujuName,
) -> Option<Spanned<String>> {
    let name: Spanned<String> = m.opt_spanned(cx, key)?;
    let Some(why) = kind.problem(&name.value) else {
        return Some(name);
    };
    let path = match m.path() {
        "" => key.to_string(),
        outer => format!("{outer}.{key}"),
    };
    const SHOWN: usize = 64;
    let shown: String = name.value.chars().take(SHOWN).collect();
    let more = if name.value.chars().nth(SHOWN).is_some() {
        "…"
    } else {
        ""
    };
    let example = match kind {
        JujuName::Application => "`web` or `my-app`",
        JujuName::Model => "`prod` or `2024-staging`",
    };
    cx.push(
        Diagnostic::new(
            Code::INVALID_NAME,
            cx.file,
            name.span,
            format!(
                "`{path}` must be {}, and `{shown}{more}` is not: {why}",
                kind.what()
            ),
        )
        .label("not a valid name")
        .help(format!(
            "use lowercase letters, digits and single hyphens, starting with a letter, e.g. {example}"
        )),
    );
    None
}

/// Reads `peer-units`: at most [`MAX_UNITS`] - 1 unit numbers.
fn peer_units(cx: &mut Cx, m: &mut MapReader) -> Option<Spanned<Vec<Spanned<i64>>>> {
    let e = m.peek("peer-units")?;
    if let Some(items) = cx.tree.as_seq(e.value) {
        let most = MAX_UNITS - 1;
        if items.len() as u64 > most as u64 {
            m.allow("peer-units");
            cx.push(
                Diagnostic::new(
                    Code::INVALID_VALUE,
                    cx.file,
                    cx.tree.span(e.value),
                    format!(
                        "`peer-units` lists {} units, out of range: it must list from 0 to {most}",
                        items.len()
                    ),
                )
                .label("too many units")
                .help(units_help()),
            );
            return None;
        }
        let mut bad = false;
        for (i, &item) in items.iter().enumerate() {
            if let Some(n) = cx.int_beyond(item, 0, MAX_UNIT_NUMBER.into()) {
                let path = format!("peer-units[{i}]");
                cx.out_of_range(item, &path, &n, 0, MAX_UNIT_NUMBER.into(), None);
                bad = true;
            }
        }
        if bad {
            m.allow("peer-units");
            return None;
        }
    }
    m.opt_spanned(cx, "peer-units")
}

/// Lowers a profile tree, reporting every problem.
pub fn lower(cx: &mut Cx) -> Option<Profile> {
    let root = cx.tree.root()?;
    let mut m: MapReader = cx.map(root, "")?;
    let out = Profile {
        app: juju_name(cx, &mut m, "app", JujuName::Application),
        model: juju_name(cx, &mut m, "model", JujuName::Model),
        unit: bounded(cx, &mut m, "unit", 0, MAX_UNIT_NUMBER, None),
        units: bounded(cx, &mut m, "units", 1, MAX_UNITS, Some(units_help)),
        peer_units: peer_units(cx, &mut m),
        secret_key: m.opt_spanned(cx, "secret-key"),
        config: m.opt(cx, "config").unwrap_or_default(),
        secrets: m.opt(cx, "secrets").unwrap_or_default(),
        integrations: m.opt(cx, "integrations").unwrap_or_default(),
        proxy: m.opt(cx, "proxy").unwrap_or_default(),
        kubernetes: m.opt(cx, "kubernetes"),
        file: Some(cx.file),
        origins: Vec::new(),
        sources: Vec::new(),
    };
    m.finish(cx);
    if let (Some(units), Some(peers)) = (&out.units, &out.peer_units) {
        cx.push(
            Diagnostic::new(
                Code::CONFLICTING_KEYS,
                cx.file,
                peers.span,
                "`peer-units` and `units` both say which units exist",
            )
            .label("here")
            .secondary(cx.file, units.span, "and here")
            .help(
                "keep `units: N` (units 0..N-1), or list the other units' numbers in `peer-units`",
            ),
        );
    }
    if let (Some(unit), Some(units)) = (&out.unit, &out.units) {
        if unit.value >= units.value && units.value >= 1 {
            cx.push(
                Diagnostic::new(
                    Code::INVALID_VALUE,
                    cx.file,
                    unit.span,
                    format!(
                        "unit {} does not exist in an application of {} unit(s)",
                        unit.value, units.value
                    ),
                )
                .label("no such unit")
                .secondary(cx.file, units.span, "the application's size")
                .help(format!("use a unit number from 0 to {}", units.value - 1)),
            );
        }
    }
    Some(out)
}

/// Whether a relation databag field holds a credential (passwords, keys, tokens, connection
/// URIs that embed them).
pub fn is_secret_field(name: &str) -> bool {
    // `name` read in ASCII lower case with `_` as `-`, compared without building that copy.
    let n = name.as_bytes();
    let at = |i: usize, word: &str| {
        n[i..].len() >= word.len()
            && n[i..]
                .iter()
                .zip(word.bytes())
                .all(|(&a, b)| a.to_ascii_lowercase() == b || (a, b) == (b'_', b'-'))
    };
    let ends_with = |word: &str| n.len() >= word.len() && at(n.len() - word.len(), word);
    let words = ["password", "secret", "token", "credential", "private"];
    (0..n.len()).any(|i| {
        let c = n[i].to_ascii_lowercase();
        words.iter().any(|w| w.as_bytes()[0] == c && at(i, w))
    }) || ends_with("key")
        || (n.len() == 4 && at(0, "uris"))
        || ends_with("-uri")
        || ends_with("connect-string")
}

/// Whether the profile entry at `path` (keys from the top, list items left out) is, or holds,
/// a secret value: `secret-key`, anything under `secrets` or an integration's `secrets`, the
/// credential fields of an integration's databags, and a top-level key named like a secret
/// (a misspelled `Secret-Key` is refused by S001, whose snippet must not show its value).
pub fn is_secret_path(path: &[&str]) -> bool {
    // `s` is `dashed` with any of its `-` written `_`.
    let key = |s: &str, dashed: &str| {
        s.len() == dashed.len()
            && s.bytes()
                .zip(dashed.bytes())
                .all(|(a, b)| a == b || (a, b) == (b'_', b'-'))
    };
    match path {
        [top, ..] if key(top, "secret-key") || *top == "secrets" => true,
        [top] if is_secret_field(top) => true,
        [first, _, rest @ ..] if *first == "integrations" => match rest {
            [section, ..] if *section == "secrets" => true,
            [bag, field] if *bag == "data" || key(bag, "unit-data") => is_secret_field(field),
            [units, _, field] if *units == "units" => is_secret_field(field),
            _ => false,
        },
        _ => false,
    }
}

/// Whether the flow collection `flow`, written at `path`, holds a secret value: at a secret
/// path, or in an integration under a key that names one (`{username: u, password: p}`); it
/// is hidden whole. Elsewhere (annotations, labels) a key's name says nothing of its value.
fn flow_holds_secrets(path: &[&str], flow: &str) -> bool {
    is_secret_path(path)
        || path.first() == Some(&"integrations")
            && flow.split(['{', ',', '[']).any(|part| {
                part.split_once(':').is_some_and(|(key, _)| {
                    let key = key.trim().trim_matches(['"', '\'']);
                    is_secret_field(key)
                })
            })
}

/// The key of a block mapping entry starting `content` (a plain or quoted key followed by `:`
/// and a space or the end), with the offset just past the `:`.
fn entry_key(content: &str) -> Option<(&str, usize)> {
    let (key, after) = match content.chars().next()? {
        q @ ('"' | '\'') => {
            let end = content[1..].find(q)? + 1;
            (&content[1..end], end + 1)
        }
        '{' | '[' | '#' | '|' | '>' | '&' | '*' | '!' => return None,
        _ => {
            let bytes = content.as_bytes();
            let colon = (0..bytes.len()).find(|&i| {
                bytes[i] == b':' && matches!(bytes.get(i + 1), None | Some(b' ' | b'\t'))
            })?;
            (content[..colon].trim_end(), colon)
        }
    };
    let rest = &content[after..];
    let rest_trimmed = rest.trim_start_matches([' ', '\t']);
    let colon = after + (rest.len() - rest_trimmed.len());
    (rest_trimmed.starts_with(':')
        && matches!(rest_trimmed.as_bytes().get(1), None | Some(b' ' | b'\t')))
    .then_some((key, colon + 1))
}

/// YAML's line breaks, as PyYAML reads them.
const LINE_BREAKS: [char; 5] = ['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'];

/// The lines of `text`, each with its break, split at every one of [`LINE_BREAKS`] (a `\r\n`
/// gives a line and an empty one). A text of ASCII without `\r`, as most are, is split at `\n`
/// by `find`, which searches it fast.
fn yaml_lines(text: &str) -> impl Iterator<Item = &str> {
    let only_newlines = text.is_ascii() && !text.contains('\r');
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = if only_newlines {
            memchr::memchr(b'\n', rest.as_bytes()).map_or(rest.len(), |n| n + 1)
        } else {
            line_end(rest.as_bytes())
        };
        let (line, tail) = rest.split_at(end);
        rest = tail;
        Some(line)
    })
}

/// Where the first line of `b` ends: past its first break of [`LINE_BREAKS`], or at the end.
fn line_end(b: &[u8]) -> usize {
    let mut i = 0;
    loop {
        match b.get(i..).unwrap_or_default() {
            [] => return b.len(),
            [b'\n' | b'\r', ..] => return i + 1,
            [0xC2, 0x85, ..] => return i + 2,
            [0xE2, 0x80, 0xA8 | 0xA9, ..] => return i + 3,
            _ => i += 1,
        }
    }
}

/// Where the profile `text` writes secret values, found line by line (block style, as profiles
/// are written) so that it works where the YAML does not load: a secret's line with a syntax
/// error, a duplicated key, a secret written as a list or a mapping. Each span covers a value
/// to the end of its line; the lines below a secret entry that are more indented, and the lines
/// in a section holding secrets that are not `key: value` entries, are covered whole.
pub fn secret_lines(text: &str) -> Vec<paasc_diag::Span> {
    let mut out = Vec::new();
    // The keys of the entries the line is below, and their indents.
    let (mut keys, mut indents): (Vec<&str>, Vec<usize>) = (Vec::new(), Vec::new());
    let mut hidden_below: Option<usize> = None;
    let mut offset = 0;
    for line in yaml_lines(text) {
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(LINE_BREAKS);
        let mut content = body.trim_start_matches([' ', '\t']);
        let mut indent = body.len() - content.len();
        let whole = paasc_diag::Span::new(start + indent, start + body.len());
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let raw_indent = indent;
        if let Some(level) = hidden_below {
            if indent > level || (indent == level && content.starts_with('-')) {
                out.push(whole);
                continue;
            }
            hidden_below = None;
        }
        while let Some(rest) = content
            .strip_prefix('-')
            .filter(|r| r.is_empty() || r.starts_with([' ', '\t']))
        {
            let trimmed = rest.trim_start_matches([' ', '\t']);
            indent += content.len() - trimmed.len();
            content = trimmed;
        }
        while indents.last().is_some_and(|i| *i >= indent) {
            indents.pop();
            keys.pop();
        }
        let Some((key, colon)) = entry_key(content) else {
            if !content.is_empty() && is_secret_path(&keys) {
                out.push(whole);
            }
            continue;
        };
        let value = &content[colon..];
        let value_trimmed = value.trim_start_matches([' ', '\t']);
        let value_start =
            start + (body.len() - content.len()) + colon + (value.len() - value_trimmed.len());
        keys.push(key);
        indents.push(indent);
        let full = keys.as_slice();
        let inline = !value_trimmed.is_empty() && !value_trimmed.starts_with('#');
        let flow = value_trimmed.starts_with(['{', '[']);
        if is_secret_path(full) || (flow && flow_holds_secrets(full, value_trimmed)) {
            if inline {
                out.push(paasc_diag::Span::new(value_start, start + body.len()));
            }
            let block = !inline || value_trimmed.starts_with(['|', '>']);
            if block && is_secret_path(full) && !holds_secrets_below(full) {
                hidden_below = Some(raw_indent);
            }
        }
    }
    out
}

/// Whether the secret entry at `path` is a section whose own keys are names (the secrets of
/// `secrets` and of an integration's `secrets`), rather than a value.
fn holds_secrets_below(path: &[&str]) -> bool {
    match path {
        ["secrets"] | ["secrets", _] => true,
        [first, _, "secrets"] | [first, _, "secrets", _] => *first == "integrations",
        _ => false,
    }
}

impl Profile {
    /// Every secret value the profile holds: the secret key, secret contents, provider secrets,
    /// and databag credentials. Diagnostics and non-secret artifacts must never show them.
    pub fn secret_values(&self) -> Vec<String> {
        fn leaves(v: &serde_json::Value, out: &mut Vec<String>) {
            match v {
                serde_json::Value::Array(items) => items.iter().for_each(|i| leaves(i, out)),
                serde_json::Value::Object(m) => m.values().for_each(|i| leaves(i, out)),
                serde_json::Value::String(s) => out.push(s.clone()),
                _ => {}
            }
        }
        let mut out: Vec<String> = Vec::new();
        for (v, _) in self.secret_entries() {
            out.push(v.to_string());
            // A databag credential written as a list or mapping is stored as JSON: its
            // strings can be quoted on their own (a Python repr in paas-charm's message).
            if v.starts_with(['[', '{']) {
                if let Ok(parsed) = serde_json::from_str::<serde_json::Value>(v) {
                    leaves(&parsed, &mut out);
                }
            }
        }
        out.retain(|v| !v.trim().is_empty());
        out.sort_by_key(|v| std::cmp::Reverse(v.len()));
        out.dedup();
        out
    }

    /// Where the profile writes each secret value (spans in the file it was read from; meant
    /// for a profile lowered from one file, before any overlay), plus the config values of the
    /// options `secret_option` says are secret-typed.
    pub fn secret_spans(&self, secret_option: impl Fn(&str) -> bool) -> Vec<paasc_diag::Span> {
        let mut out: Vec<paasc_diag::Span> =
            self.secret_entries().into_iter().map(|(_, s)| s).collect();
        out.extend(
            self.config
                .iter()
                .filter(|(k, _)| secret_option(&k.value))
                .map(|(_, v)| v.span),
        );
        out
    }

    /// Each secret value with its span.
    fn secret_entries(&self) -> Vec<(&str, paasc_diag::Span)> {
        let mut out: Vec<(&str, paasc_diag::Span)> = Vec::new();
        out.extend(self.secret_key.iter().map(|k| (k.value.as_str(), k.span)));
        for (_, content) in self.secrets.iter() {
            out.extend(content.iter().map(|(_, v)| (v.value.as_str(), v.span)));
        }
        let mut integrations: Vec<&Integration> = Vec::new();
        for (_, i) in self.integrations.iter() {
            integrations.push(i);
            integrations.extend(i.more.iter());
        }
        for i in integrations {
            for (_, content) in i.secrets.iter() {
                out.extend(content.iter().map(|(_, v)| (v.value.as_str(), v.span)));
            }
            let bags = std::iter::once(&i.data).chain(i.units.iter().map(|(_, b)| b));
            for bag in bags {
                for (k, v) in bag.iter() {
                    if is_secret_field(&k.value) {
                        out.push((v.value.0.as_str(), v.span));
                    }
                }
            }
        }
        out
    }

    /// The file the entry `section.key` was last set in.
    pub fn origin(&self, section: &str, key: &str) -> Option<paasc_diag::FileId> {
        self.origins
            .iter()
            .rev()
            .find(|(s, k, _)| *s == section && k == key)
            .map(|(_, _, f)| *f)
            .or(self.file)
    }

    /// The other units' numbers: `peer-units` as given, or every unit of `0..units` but this one.
    pub fn peers(&self) -> Vec<u32> {
        let me = self.unit.as_ref().map_or(0, |u| u.value);
        if let Some(p) = &self.peer_units {
            return p
                .value
                .iter()
                .filter_map(|n| u32::try_from(n.value).ok())
                .collect();
        }
        let n = self.units.as_ref().map_or(1, |u| u.value);
        (0..n)
            .filter(|&u| u != me)
            .filter_map(|u| u32::try_from(u).ok())
            .collect()
    }

    /// Applies `other` on top of this profile (used for `--set` overrides), by these rules:
    /// a scalar it sets replaces this one; mappings merge key by key, at every depth (`config`,
    /// `secrets` and each secret's content, `integrations` and each one's `data`, `units` and
    /// `secrets`, `proxy`, `kubernetes` and its `ingress`, `resources` and `autoscaling`); a
    /// list replaces the list (`peer-units`, `kubernetes.storage`, an integration's list form).
    /// A null never reaches here (an overlay cannot remove a value).
    pub fn overlay(&mut self, other: Profile) {
        fn merge_map<T>(base: &mut SpannedMap<T>, top: SpannedMap<T>, merge: impl Fn(&mut T, T)) {
            for (k, v) in top.0 {
                match base.0.iter_mut().find(|(bk, _)| bk.value == k.value) {
                    Some(slot) => merge(&mut slot.1, v),
                    None => base.0.push((k, v)),
                }
            }
        }
        fn replace<T>(a: &mut T, b: T) {
            *a = b;
        }
        let mut top: Vec<&'static str> = Vec::new();
        macro_rules! take {
            ($($f:ident = $key:literal),*) => { $( if other.$f.is_some() { self.$f = other.$f; top.push($key); } )* };
        }
        take!(
            app = "app",
            model = "model",
            unit = "unit",
            units = "units",
            peer_units = "peer-units",
            secret_key = "secret-key"
        );
        if let Some(file) = other.file {
            for (section, keys) in [
                (
                    "config",
                    other
                        .config
                        .iter()
                        .map(|(k, _)| k.value.clone())
                        .collect::<Vec<_>>(),
                ),
                (
                    "secrets",
                    other.secrets.iter().map(|(k, _)| k.value.clone()).collect(),
                ),
                (
                    "integrations",
                    other
                        .integrations
                        .iter()
                        .map(|(k, _)| k.value.clone())
                        .collect(),
                ),
            ] {
                for key in keys {
                    self.origins.push((section, key, file));
                }
            }
            for key in top {
                self.origins.push((key, String::new(), file));
            }
            for (key, given) in [
                ("http-proxy", &other.proxy.http_proxy),
                ("https-proxy", &other.proxy.https_proxy),
                ("no-proxy", &other.proxy.no_proxy),
            ] {
                if given.is_some() {
                    self.origins.push(("proxy", key.to_string(), file));
                }
            }
        }
        merge_map(&mut self.config, other.config, replace);
        merge_map(&mut self.secrets, other.secrets, |a, b| {
            merge_map(a, b, replace)
        });
        merge_map(&mut self.integrations, other.integrations, |a, b| {
            if b.app.is_some() {
                a.app = b.app;
            }
            if b.interface.is_some() {
                a.interface = b.interface;
            }
            if !b.more.is_empty() {
                a.more = b.more;
            }
            merge_map(&mut a.data, b.data, replace);
            merge_map(&mut a.secrets, b.secrets, |x, y| merge_map(x, y, replace));
            for (unit, data) in b.units {
                match a.units.iter_mut().find(|(u, _)| u.value == unit.value) {
                    Some(slot) => merge_map(&mut slot.1, data, replace),
                    None => a.units.push((unit, data)),
                }
            }
        });
        take_given([
            (&mut self.proxy.http_proxy, other.proxy.http_proxy),
            (&mut self.proxy.https_proxy, other.proxy.https_proxy),
            (&mut self.proxy.no_proxy, other.proxy.no_proxy),
        ]);
        if let Some(k) = other.kubernetes {
            let base = self.kubernetes.get_or_insert_with(Kubernetes::default);
            let mut taken = Vec::new();
            macro_rules! take_k {
                ($($f:ident),*) => { $( if k.$f.is_some() { base.$f = k.$f; taken.push(stringify!($f)); } )* };
            }
            take_k!(image, replicas, anti_affinity, service_type, secret_name);
            if let Some(top) = k.ingress {
                let ingress = base.ingress.get_or_insert_with(Ingress::default);
                take_given([
                    (&mut ingress.host, top.host),
                    (&mut ingress.path, top.path),
                    (&mut ingress.tls_secret, top.tls_secret),
                    (&mut ingress.class, top.class),
                ]);
                take_given([(&mut ingress.kind, top.kind)]);
                take_given([(&mut ingress.timeout, top.timeout)]);
                take_given([(&mut ingress.listener, top.listener)]);
                if let Some(g) = top.gateway {
                    let gateway = ingress.gateway.get_or_insert_with(Gateway::default);
                    take_given([
                        (&mut gateway.name, g.name),
                        (&mut gateway.namespace, g.namespace),
                        (&mut gateway.section, g.section),
                    ]);
                }
                merge_map(&mut ingress.annotations, top.annotations, replace);
                taken.push("ingress");
            }
            if let Some(top) = k.resources {
                let resources = base.resources.get_or_insert_with(Resources::default);
                merge_map(&mut resources.requests, top.requests, replace);
                merge_map(&mut resources.limits, top.limits, replace);
                taken.push("resources");
            }
            if let Some(top) = k.autoscaling {
                let scaling = base.autoscaling.get_or_insert_with(Autoscaling::default);
                take_given([
                    (&mut scaling.min_replicas, top.min_replicas),
                    (&mut scaling.max_replicas, top.max_replicas),
                    (&mut scaling.target_cpu, top.target_cpu),
                ]);
                taken.push("autoscaling");
            }
            if let Some(top) = k.security {
                let security = base.security.get_or_insert_with(Security::default);
                take_given([
                    (
                        &mut security.read_only_root_filesystem,
                        top.read_only_root_filesystem,
                    ),
                    (&mut security.network_policy, top.network_policy),
                    (
                        &mut security.service_account_token,
                        top.service_account_token,
                    ),
                ]);
                take_given([(&mut security.egress, top.egress)]);
                taken.push("security");
            }
            if let Some(top) = k.metrics {
                let metrics = base.metrics.get_or_insert_with(Metrics::default);
                take_given([(&mut metrics.image, top.image)]);
                take_given([(&mut metrics.scrape, top.scrape)]);
                taken.push("metrics");
            }
            if !k.storage.is_empty() {
                base.storage = k.storage;
                taken.push("storage");
            }
            if let Some(file) = other.file {
                for field in taken {
                    self.origins.push(("kubernetes", field.to_string(), file));
                }
            }
        }
    }
}

/// Sets each slot to its value when one is given (an overlay's fields).
fn take_given<T, const N: usize>(pairs: [(&mut Option<T>, Option<T>); N]) {
    for (slot, v) in pairs {
        if v.is_some() {
            *slot = v;
        }
    }
}

/// The required keys a profile laid over with partial overlays still lacks (a `--set
/// kubernetes.ingress.class=nginx` on a profile without an ingress host), each reported at
/// the file that gave the entry.
pub fn missing_after_overlay(p: &Profile) -> Vec<Diagnostic> {
    let Some(k) = &p.kubernetes else {
        return Vec::new();
    };
    let overlaid = |field: &str| {
        p.origins
            .iter()
            .rev()
            .find(|(s, f, _)| *s == "kubernetes" && f == field)
            .map(|(_, _, file)| *file)
    };
    let mut missing: Vec<(String, paasc_diag::FileId)> = Vec::new();
    if let Some(file) = overlaid("ingress") {
        if k.ingress.as_ref().is_some_and(|i| i.host.is_none()) {
            missing.push(("kubernetes.ingress.host".into(), file));
        }
    }
    if let Some(file) = overlaid("storage") {
        for (i, v) in k.storage.iter().enumerate() {
            for (key, given) in [
                ("name", v.name.is_some()),
                ("size", v.size.is_some()),
                ("mount-path", v.mount_path.is_some()),
            ] {
                if !given {
                    missing.push((format!("kubernetes.storage[{i}].{key}"), file));
                }
            }
        }
    }
    missing
        .into_iter()
        .map(|(path, file)| {
            Diagnostic::new(
                Code::MISSING_KEY,
                file,
                paasc_diag::Span::point(0),
                format!("required key `{path}` is missing from the profile and its --set overlays"),
            )
            .label("given here without it")
            .help(format!("add `{path}` to the profile, or --set it"))
        })
        .collect()
}

/// Turns `--set path=value` into the YAML of a one-key profile: `config.debug=true` becomes
/// `config:\n  debug: true\n`. `Err` explains a malformed argument.
pub fn set_to_yaml(arg: &str) -> Result<String, String> {
    let Some((path, value)) = arg.split_once('=') else {
        return Err("a --set argument has no `=`; write --set path.to.key=value".to_string());
    };
    let keys: Vec<&str> = path.split('.').collect();
    if keys.iter().any(|k| k.is_empty()) {
        return Err(format!("`--set {path}=...`: the path has an empty key"));
    }
    let mut out = String::new();
    for (depth, key) in keys.iter().enumerate() {
        out.push_str(&"  ".repeat(depth));
        out.push_str(&quote_key(key));
        out.push(':');
        if depth + 1 < keys.len() {
            out.push('\n');
        }
    }
    if value.contains('\n') {
        return Err(format!("`--set {path}=...`: the value has a line break; put multi-line values in the profile file"));
    }
    out.push(' ');
    out.push_str(value);
    out.push('\n');
    Ok(out)
}

fn quote_key(key: &str) -> String {
    if key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        key.to_string()
    } else {
        format!("'{}'", key.replace('\'', "''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use paasc_diag::FileId;
    use paasc_syntax::{parse, Limits};

    fn load(text: &str) -> (Option<Profile>, Vec<Diagnostic>) {
        let (tree, mut diags) = parse(FileId(0), text, Limits::default());
        let mut cx = Cx::new(&tree, FileId(0));
        let p = lower(&mut cx);
        diags.append(&mut cx.diags);
        (p, diags)
    }

    #[test]
    fn secret_fields_read_as_the_lowered_dashed_name() {
        let by_copy = |name: &str| {
            let n = name.to_ascii_lowercase().replace('_', "-");
            ["password", "secret", "token", "credential", "private"]
                .iter()
                .any(|w| n.contains(w))
                || n.ends_with("key")
                || n == "uris"
                || n.ends_with("-uri")
                || n.ends_with("connect-string")
        };
        let parts = [
            "",
            "a",
            "-",
            "_",
            "key",
            "KEY",
            "Key",
            "uri",
            "URI",
            "uris",
            "Uris",
            "-uri",
            "_uri",
            "_URI",
            "password",
            "PassWord",
            "secret",
            "token",
            "credential",
            "private",
            "connect",
            "connect-string",
            "connect_string",
            "string",
            "é",
            "ü_",
            "x",
            "pass",
            "word",
            "ke",
            "y",
            "ur",
            "is",
        ];
        for a in parts {
            for b in parts {
                for c in ["", "_", "-", "s", "é"] {
                    let name = format!("{a}{c}{b}");
                    assert_eq!(is_secret_field(&name), by_copy(&name), "{name:?}");
                }
            }
        }
    }

    #[test]
    fn reads_a_full_profile() {
        let (p, diags) = load(
            "app: web\nmodel: prod\nunits: 3\nconfig:\n  greeting: hi\n  workers: 4\n  ratio: 2.0\n  debug: false\nsecrets:\n  token: {value: x}\nintegrations:\n  postgresql:\n    app: pg\n    data: {endpoints: 'db:5432', port: 5432}\n  ingress:\n    data:\n      ingress: {url: 'https://x/'}\n  redis:\n    units:\n      0: {hostname: r0}\n      1: {hostname: r1}\nproxy:\n  http-proxy: http://p:3128\nkubernetes:\n  image: web:1\n  replicas: 2\n  anti-affinity: soft\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let p = p.expect("profile");
        assert_eq!(p.peers(), [1, 2]);
        assert_eq!(
            p.config.get("workers").map(|v| &v.value),
            Some(&Scalar::Int(4))
        );
        assert_eq!(
            p.config.get("ratio").map(|v| &v.value),
            Some(&Scalar::Float(2.0))
        );
        let pg = p.integrations.get("postgresql").expect("pg");
        assert_eq!(
            pg.data.get("port").map(|v| v.value.0.as_str()),
            Some("5432")
        );
        let ing = p.integrations.get("ingress").expect("ingress");
        assert_eq!(
            ing.data.get("ingress").map(|v| v.value.0.as_str()),
            Some("{\"url\":\"https://x/\"}")
        );
        assert_eq!(p.integrations.get("redis").map(|r| r.units.len()), Some(2));
    }

    #[test]
    fn reports_every_problem() {
        let (_, diags) = load("app: web\nunit: 5\nunits: 2\nconfg: {}\nintegrations:\n  redis:\n    units: {zero: {}}\nkubernetes:\n  anti-affinity: maybe\n");
        let codes: Vec<&str> = diags.iter().map(|d| d.code.as_str()).collect();
        assert!(codes.contains(&"S001"), "{codes:?}");
        assert!(codes.contains(&"S004"), "{codes:?}");
        assert!(diags
            .iter()
            .any(|d| d.message.contains("unit 5 does not exist")));
        assert!(diags.iter().any(|d| d.message.contains("unit numbers")));
    }

    #[test]
    fn numbers_out_of_range_say_so_with_the_range() {
        for (text, want) in [
            ("units: 99999999999999999999999\n", "from 1 to 1000"),
            ("units: 1001\n", "from 1 to 1000"),
            (
                "config: {webserver-workers: 99999999999999999999999}\n",
                "from -9223372036854775808 to 9223372036854775807",
            ),
            (
                "kubernetes: {replicas: 9223372036854775808}\n",
                "from -9223372036854775808 to 9223372036854775807",
            ),
        ] {
            let (_, diags) = load(text);
            assert_eq!(diags.len(), 1, "{text}: {diags:?}");
            let m = &diags[0].message;
            assert!(
                m.contains("out of range") && m.contains(want),
                "{text}: {m}"
            );
        }
        let (_, diags) = load("peer-units: [1, 2, 3]\n");
        assert!(diags.is_empty(), "{diags:?}");
        let many = format!("peer-units: [{}]\n", vec!["1"; 1000].join(", "));
        let (_, diags) = load(&many);
        assert!(
            diags
                .iter()
                .any(|d| d.message.contains("lists 1000 units, out of range")),
            "{diags:?}"
        );
    }

    #[test]
    fn set_arguments_become_yaml() {
        assert_eq!(
            set_to_yaml("config.flask-debug=true").as_deref(),
            Ok("config:\n  flask-debug: true\n")
        );
        assert_eq!(
            set_to_yaml("integrations.pg.data.password=p@ss=1").as_deref(),
            Ok("integrations:\n  pg:\n    data:\n      password: p@ss=1\n")
        );
        assert!(set_to_yaml("novalue").is_err());
        assert!(set_to_yaml("a..b=1").is_err());
    }

    fn overlay_of(text: &str) -> Profile {
        let (tree, diags) = parse(FileId(1), text, Limits::default());
        assert!(diags.is_empty(), "{diags:?}");
        let mut cx = Cx::new(&tree, FileId(1));
        cx.partial = true;
        let p = lower(&mut cx).expect("overlay");
        assert!(cx.diags.is_empty(), "{:?}", cx.diags);
        p
    }

    #[test]
    fn overlays_merge_mappings_and_replace_lists() {
        let (base, diags) = load(
            "peer-units: [1, 2]\nkubernetes:\n  ingress: {host: web.example.com, annotations: {a: '1'}}\n  resources: {limits: {cpu: '1'}}\n  storage: [{name: d, size: 1Gi, mount-path: /d}]\nintegrations:\n  pg:\n    data: {user: u, password: p}\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let mut p = base.expect("base");
        for top in [
            "kubernetes:\n  ingress:\n    class: nginx\n",
            "kubernetes:\n  ingress:\n    annotations:\n      b: '2'\n",
            "kubernetes:\n  resources:\n    limits:\n      memory: 1Gi\n",
            "kubernetes:\n  storage: [{name: e, size: 2Gi, mount-path: /e}]\n",
            "peer-units: [3]\n",
            "integrations:\n  pg:\n    data:\n      password: q\n",
        ] {
            p.overlay(overlay_of(top));
        }
        assert!(missing_after_overlay(&p).is_empty());
        let k = p.kubernetes.as_ref().expect("kubernetes");
        let ingress = k.ingress.as_ref().expect("ingress");
        assert_eq!(
            ingress.host.as_ref().map(|h| h.value.as_str()),
            Some("web.example.com")
        );
        assert_eq!(
            ingress.class.as_ref().map(|h| h.value.as_str()),
            Some("nginx")
        );
        assert_eq!(ingress.annotations.len(), 2);
        let limits = &k.resources.as_ref().expect("resources").limits;
        assert_eq!(limits.len(), 2);
        let names: Vec<&str> = k
            .storage
            .iter()
            .filter_map(|v| v.name.as_ref())
            .map(|n| n.value.as_str())
            .collect();
        assert_eq!(names, ["e"]);
        assert_eq!(p.peers(), [3]);
        let data = &p.integrations.get("pg").expect("pg").data;
        assert_eq!(data.get("user").map(|v| v.value.0.as_str()), Some("u"));
        assert_eq!(data.get("password").map(|v| v.value.0.as_str()), Some("q"));

        let mut bare = Profile::default();
        bare.overlay(overlay_of("kubernetes:\n  ingress:\n    class: nginx\n"));
        let missing = missing_after_overlay(&bare);
        assert_eq!(missing.len(), 1, "{missing:?}");
        assert!(missing[0].message.contains("kubernetes.ingress.host"));
        assert_eq!(missing[0].primary.file, FileId(1));
    }

    #[test]
    fn juju_names_follow_juju() {
        for ok in ["web", "my-app", "a1-b2c", "x"] {
            assert_eq!(JujuName::Application.problem(ok), None, "{ok}");
        }
        for bad in [
            "", "a/b", "Web", "1web", "web-", "web--x", "web-2", "../x", "a_b", "a.b",
        ] {
            assert!(JujuName::Application.problem(bad).is_some(), "{bad}");
        }
        for ok in ["prod", "2024-staging", "0", "a-"] {
            assert_eq!(JujuName::Model.problem(ok), None, "{ok}");
        }
        let long = "m".repeat(129);
        for bad in ["-prod", "Prod", "a/b", long.as_str()] {
            assert!(JujuName::Model.problem(bad).is_some(), "{bad}");
        }
        let (_, diags) = load("app: flask-minimal/templates/x\n");
        assert_eq!(diags.len(), 1, "{diags:?}");
        assert_eq!(diags[0].code.as_str(), "S009");
        assert_eq!(diags[0].primary.span, paasc_diag::Span::new(5, 30));
    }

    /// The texts [`secret_lines`] hides in `text`.
    fn hidden_texts(text: &str) -> Vec<&str> {
        secret_lines(text)
            .iter()
            .map(|s| &text[s.start as usize..s.end as usize])
            .collect()
    }

    #[test]
    fn secret_lines_are_found_in_broken_text() {
        let text = "app: web\nsecret-key: \"UNTERMINATED\nconfig:\n  greeting: hi\nsecret-key:\n- LISTED\nsecrets:\n  token:\n    value: A: B\n    other: |\n      BLOCK\n  tok2: {value: FLOW}\nintegrations:\n  pg:\n    - app: pg\n      data:\n        password: [PW]\n        host: db\n";
        assert_eq!(
            hidden_texts(text),
            [
                "\"UNTERMINATED",
                "- LISTED",
                "A: B",
                "|",
                "BLOCK",
                "{value: FLOW}",
                "[PW]"
            ]
        );
    }

    /// A top-level key named like a secret is hidden though it is unknown: it is most likely a
    /// misspelled `secret-key`, which S001 refuses with a snippet of its line.
    #[test]
    fn misspelled_secret_keys_are_hidden() {
        let text = "app: web\nSecret-Key: S3CRET\nsecret_Key: S4\napi-token: T\nmodel: dev\nkubernetes:\n  image: x\n";
        assert_eq!(hidden_texts(text), ["S3CRET", "S4", "T"]);
        for eol in ["\r", "\r\n", "\u{85}", "\u{2028}"] {
            let text = text.replace('\n', eol);
            assert_eq!(
                hidden_texts(&text),
                ["S3CRET", "S4", "T"],
                "lines ending {eol:?}"
            );
        }
        for text in [
            "a\r\nb\u{85}c\u{2028}d\u{2029}e\rf\né\u{2027}",
            "a\n\nb: c\n",
            "a\nb",
        ] {
            let by_chars: Vec<&str> = text.split_inclusive(LINE_BREAKS).collect();
            assert_eq!(yaml_lines(text).collect::<Vec<_>>(), by_chars);
        }
        assert!(!is_secret_path(&["kubernetes", "image"]));
        assert!(!is_secret_path(&["model"]));
    }

    #[test]
    fn overlay_overrides_and_merges() {
        let (base, _) = load("app: web\nconfig: {a: 1, b: 2}\n");
        let (top, _) = load("config: {b: 3, c: 4}\n");
        let mut p = base.expect("base");
        p.overlay(top.expect("top"));
        let keys: Vec<(&str, &Scalar)> = p
            .config
            .iter()
            .map(|(k, v)| (k.value.as_str(), &v.value))
            .collect();
        assert_eq!(
            keys,
            [
                ("a", &Scalar::Int(1)),
                ("b", &Scalar::Int(3)),
                ("c", &Scalar::Int(4))
            ]
        );
        assert_eq!(p.app.map(|a| a.value).as_deref(), Some("web"));
    }

    #[test]
    fn overlays_merge_metrics_and_ingress_kind_keys() {
        let (base, _) = load(
            "kubernetes:\n  metrics: {image: a:1}\n  ingress:\n    host: web.example.com\n    kind: gateway-api\n    gateway: {name: public, section: https}\n",
        );
        let mut p = base.expect("base");
        p.overlay(overlay_of(
            "kubernetes:\n  metrics: {scrape: service-monitor}\n  ingress:\n    path: /app\n    gateway: {namespace: infra}\n",
        ));
        let k = p.kubernetes.expect("kubernetes");
        let m = k.metrics.expect("metrics");
        assert_eq!(m.image.map(|i| i.value).as_deref(), Some("a:1"));
        assert_eq!(m.scrape.map(|s| s.value), Some(Scrape::ServiceMonitor));
        let i = k.ingress.expect("ingress");
        assert_eq!(i.kind.map(|k| k.value), Some(IngressKind::GatewayApi));
        assert_eq!(i.path.map(|p| p.value).as_deref(), Some("/app"));
        let g = i.gateway.expect("gateway");
        let text = |v: Option<Spanned<String>>| v.map(|v| v.value);
        assert_eq!(
            (text(g.name), text(g.namespace), text(g.section)),
            (
                Some("public".into()),
                Some("infra".into()),
                Some("https".into())
            )
        );
    }
}
