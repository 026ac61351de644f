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
            Yaml::Str(s) | Yaml::Timestamp(s) => s.clone().into(),
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
            app: m.opt_spanned(cx, "app"),
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

/// Ingress for the app's Service.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Ingress {
    /// Host name.
    pub host: Option<Spanned<String>>,
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
            host: m.req(cx, "host"),
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
    /// Whether pods get a service-account token (default false).
    pub service_account_token: Option<Spanned<bool>>,
}

impl Lower for Security {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        let mut m = cx.map(id, path)?;
        let out = Security {
            read_only_root_filesystem: m.opt_spanned(cx, "read-only-root-filesystem"),
            network_policy: m.opt_spanned(cx, "network-policy"),
            service_account_token: m.opt_spanned(cx, "service-account-token"),
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
    help: Option<&str>,
) -> Option<Spanned<i64>> {
    let e = m.peek(key)?;
    if let Some(n) = cx.int_beyond(e.value, min.into(), max.into()) {
        m.allow(key);
        cx.out_of_range(e.value, key, &n, min.into(), max.into(), help);
        return None;
    }
    m.opt_spanned(cx, key)
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
        app: m.opt_spanned(cx, "app"),
        model: m.opt_spanned(cx, "model"),
        unit: bounded(cx, &mut m, "unit", 0, MAX_UNIT_NUMBER, None),
        units: bounded(cx, &mut m, "units", 1, MAX_UNITS, Some(&units_help())),
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
    let n = name.to_ascii_lowercase().replace('_', "-");
    ["password", "secret", "token", "credential", "private"]
        .iter()
        .any(|w| n.contains(w))
        || n.ends_with("key")
        || n == "uris"
        || n.ends_with("-uri")
        || n.ends_with("connect-string")
}

impl Profile {
    /// Every secret value the profile holds: the secret key, secret contents, provider secrets,
    /// and databag credentials. Diagnostics and non-secret artifacts must never show them.
    pub fn secret_values(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .secret_entries()
            .into_iter()
            .map(|(v, _)| v.to_string())
            .collect();
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

    /// Applies `other` on top of this profile (used for `--set` overrides): values it sets win,
    /// maps merge key by key.
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
        for (slot, v) in [
            (&mut self.proxy.http_proxy, other.proxy.http_proxy),
            (&mut self.proxy.https_proxy, other.proxy.https_proxy),
            (&mut self.proxy.no_proxy, other.proxy.no_proxy),
        ] {
            if v.is_some() {
                *slot = v;
            }
        }
        if let Some(k) = other.kubernetes {
            let base = self.kubernetes.get_or_insert_with(Kubernetes::default);
            let mut taken = Vec::new();
            macro_rules! take_k {
                ($($f:ident),*) => { $( if k.$f.is_some() { base.$f = k.$f; taken.push(stringify!($f)); } )* };
            }
            take_k!(
                image,
                replicas,
                resources,
                autoscaling,
                anti_affinity,
                ingress,
                service_type,
                secret_name,
                security
            );
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

/// Turns `--set path=value` into the YAML of a one-key profile: `config.debug=true` becomes
/// `config:\n  debug: true\n`. `Err` explains a malformed argument.
pub fn set_to_yaml(arg: &str) -> Result<String, String> {
    let Some((path, value)) = arg.split_once('=') else {
        return Err(format!(
            "`--set {arg}` has no `=`; write --set path.to.key=value"
        ));
    };
    let keys: Vec<&str> = path.split('.').collect();
    if keys.iter().any(|k| k.is_empty()) {
        return Err(format!("`--set {arg}`: the path `{path}` has an empty key"));
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
}
