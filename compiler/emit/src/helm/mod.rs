//! The Helm back end: a chart that deploys a 12-factor app on plain Kubernetes the way
//! paas-charm runs it under Juju: the same processes (main service, `-worker` and `-scheduler`
//! services), the same environment, the same `gunicorn.conf.py`, the migration before the app
//! starts; plus what Juju's Kubernetes substrate would provide (Service, Ingress, scaling,
//! storage).
//!
//! [`chart`] turns an [`App`] (what the project and paas-charm's plan say) and [`Settings`]
//! (the profile's `kubernetes:` section) into the chart's files. The templates are static and
//! driven entirely by `values.yaml`, whose type ([`values::Values`]) also gives
//! `values.schema.json`.
//!
//! **Secrets.** Variables the plan marks as secret-derived never reach `values.yaml` or the
//! templates: they are `secretKeyRef`s to one Kubernetes Secret, which the profile names
//! (`kubernetes.secret-name`) or which the user creates from the secrets env file written
//! beside the chart ([`Chart::secrets`]).
//!
//! **Invariant:** pure and deterministic: no I/O, and the same input gives the same bytes.

pub mod app;
mod as_text;
mod as_yaml;
mod bound;
pub mod probes;
mod quick;
pub mod values;

use crate::{Mode, Text};
use k8s_openapi::api::core::v1::{
    Capabilities, EnvVar, EnvVarSource, Probe, ResourceRequirements, SeccompProfile,
    SecretKeySelector, SecurityContext, TCPSocketAction,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use paasc_syntax::Yaml;
use std::collections::BTreeMap;
use values::{
    AccessMode, AntiAffinity, Autoscaling, File, Image, Ingress, Migration, PodDisruptionBudget,
    PullPolicy, Scheduler, Scrape, Service, ServiceAccount, ServiceType, Values, Volume, Web,
    Worker,
};

/// The user rocks run services as (`_daemon_`).
pub const DAEMON_UID: i64 = paasc_frameworks::DAEMON_UID as i64;

/// A process of the app: a Pebble service run directly.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Process {
    /// The Pebble service name.
    pub name: String,
    /// Its argument vector ([`crate::pebble::command::service_args`]).
    pub command: Vec<String>,
    /// Pebble's `working-dir`, if set.
    pub working_dir: Option<String>,
}

/// One variable of the environment, borrowed from paas-charm's plan (a charm with 10,000
/// options has as many variables: copying them cost 3.8M instructions of a `check`).
#[derive(Clone, Debug, PartialEq)]
pub struct Var<'a> {
    /// The name.
    pub name: &'a str,
    /// The value paas-charm gives it.
    pub value: &'a str,
    /// Whether the value comes from a secret (then only the secrets env file may hold it).
    pub secret: bool,
}

/// What the project and paas-charm's plan say about the app.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct App<'a> {
    /// The chart's name: the rock's name.
    pub name: String,
    /// The rock's version (the chart's `appVersion`).
    pub version: String,
    /// The rock's summary.
    pub summary: String,
    /// The framework (`flask`, ...).
    pub framework: String,
    /// The Juju application name (names the default Secret).
    pub app: String,
    /// How many units the deployment has (the default replica count).
    pub units: i32,
    /// The port the main service listens on.
    pub port: i32,
    /// Whether the services run as `_daemon_` (uid 584792).
    pub daemon_user: bool,
    /// The main service.
    pub web: Process,
    /// `-worker` services.
    pub workers: Vec<Process>,
    /// `-scheduler` services.
    pub schedulers: Vec<Process>,
    /// The environment, in paas-charm's order.
    pub env: Vec<Var<'a>>,
    /// `<PREFIX>PEER_FQDNS` and the ordinals of the pods it names, when the chart can make it
    /// true (the template writes the hosts from the release's names).
    pub peers: Option<values::Peers>,
    /// Files paas-charm writes into the container: (absolute path, content).
    pub files: Vec<(String, String)>,
    /// The migration command and the directory it runs in.
    pub migration: Option<(Vec<String>, String)>,
    /// The readiness probe from the rock's `ready` Pebble check (default: a TCP probe).
    pub readiness: Option<k8s_openapi::api::core::v1::Probe>,
    /// The liveness probe from the rock's `alive` Pebble check (default: a TCP probe).
    pub liveness: Option<k8s_openapi::api::core::v1::Probe>,
    /// Where the app's metrics are served, when it has any.
    pub metrics: Option<AppMetrics>,
    /// The hosts and ports the app connects to (its integrations').
    pub destinations: Vec<paasc_runtime::Destination>,
}

/// Where the app's metrics are served.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AppMetrics {
    /// The port.
    pub port: i32,
    /// The HTTP path.
    pub path: String,
    /// The rock's statsd exporter service, when it serves them (gunicorn frameworks).
    pub exporter: Option<Process>,
}

/// The profile's `kubernetes:` section, checked.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Settings {
    /// Image reference.
    pub image: Option<String>,
    /// Replica count.
    pub replicas: Option<i32>,
    /// Resource requests.
    pub requests: BTreeMap<String, String>,
    /// Resource limits.
    pub limits: BTreeMap<String, String>,
    /// Autoscaling: (min, max, target CPU percent).
    pub autoscaling: Option<(Option<i32>, Option<i32>, Option<i32>)>,
    /// Volumes: (name, size, mount path, storage class).
    pub storage: Vec<(String, String, String, Option<String>)>,
    /// Pod anti-affinity.
    pub anti_affinity: Option<AntiAffinity>,
    /// Ingress: host, TLS Secret, class, annotations.
    pub ingress: Option<IngressSettings>,
    /// Service type.
    pub service_type: Option<ServiceType>,
    /// An existing Secret holding the secret variables.
    pub secret_name: Option<String>,
    /// A read-only root file system (default true).
    pub read_only_root: Option<bool>,
    /// A NetworkPolicy (default true).
    pub network_policy: Option<bool>,
    /// Egress open to anywhere (default false: DNS, the release's pods and the integrations).
    pub open_egress: bool,
    /// A service-account token in the pods (default false).
    pub service_account_token: Option<bool>,
    /// The statsd exporter's image (default: the app's).
    pub metrics_image: Option<String>,
    /// A ServiceMonitor rather than scrape annotations.
    pub service_monitor: bool,
}

/// The profile's `kubernetes.ingress`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IngressSettings {
    /// Host name.
    pub host: String,
    /// TLS Secret name.
    pub tls_secret: Option<String>,
    /// Ingress class.
    pub class: Option<String>,
    /// Annotations.
    pub annotations: BTreeMap<String, String>,
    /// What routes the traffic.
    pub kind: values::IngressKind,
    /// Path prefix (default `/`).
    pub path: Option<String>,
    /// Request timeout, seconds.
    pub timeout: Option<i32>,
    /// The Gateway (`gateway-api`).
    pub gateway: values::Gateway,
    /// Whether to create an Emissary Listener.
    pub listener: bool,
}

/// The secret variables' values, for creating the Secret with kubectl.
#[derive(Clone, Debug, PartialEq)]
pub enum Secrets {
    /// `<secret>.env`, for `kubectl create secret generic <secret> --from-env-file=<secret>.env`:
    /// one literal `NAME=value` a line.
    EnvFile {
        /// The Secret's name (the file's stem).
        secret_name: String,
        /// The file's text.
        text: String,
    },
    /// `<secret>/<NAME>`, one file per variable holding its exact value, for
    /// `kubectl create secret generic <secret> --from-file=<secret>/`: used when a value spans
    /// lines, which an env file cannot carry.
    Directory {
        /// The Secret's name (the directory's name).
        secret_name: String,
        /// (variable name, value).
        files: Vec<(String, String)>,
    },
}

impl Secrets {
    /// The files, by path relative to the directory holding the chart.
    pub fn files(&self) -> Vec<(String, String)> {
        match self {
            Secrets::EnvFile { secret_name, text } => {
                vec![(format!("{secret_name}.env"), text.clone())]
            }
            Secrets::Directory { secret_name, files } => files
                .iter()
                .map(|(k, v)| (format!("{secret_name}/{k}"), v.clone()))
                .collect(),
        }
    }
}

/// A generated chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// The chart directory's name (the chart's name, as `helm lint` requires).
    pub name: String,
    /// The chart's files, by path relative to the chart directory.
    pub files: Vec<(String, Text)>,
    /// The secret values, when the Secret is not one the profile names.
    pub secrets: Option<Secrets>,
}

/// Why a chart cannot be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// A secret variable's value cannot be carried by a Kubernetes Secret into the environment.
    SecretUnrepresentable {
        /// The variable.
        name: String,
        /// Why, without the value.
        reason: &'static str,
    },
    /// A file of the chart is larger than Helm loads ([`app::HELM_MAX_FILE`]); the first such
    /// file in the chart's order.
    TooLarge {
        /// Its path in the chart directory.
        path: String,
        /// Its size in bytes.
        size: usize,
    },
}

/// The chart's templates by path, each as the pieces between the `__CHART__`s the chart's name
/// replaces: the files of `chart/`, split at build time (`build.rs`).
const TEMPLATES: &[(&str, &[&str])] = include!(concat!(env!("OUT_DIR"), "/templates.rs"));

/// The default Secret name of an app: `<app>-secrets`, or `<app>-secret-env` when that is the
/// chart's name (the Secret's files sit beside the chart directory).
pub fn default_secret_name(app: &str, chart: &str) -> String {
    let name = [app, "-secrets"].concat();
    if name == chart {
        format!("{app}-secret-env")
    } else {
        name
    }
}

/// The NetworkPolicy's egress destinations: an IP address's port on its address alone (`/32`,
/// `/128`), a host name's port on any address (a NetworkPolicy cannot name DNS hosts), each
/// (address, port) once with every integration it serves, in the order first met.
fn destinations(found: &[paasc_runtime::Destination]) -> Vec<values::Destination> {
    let mut out: Vec<values::Destination> = Vec::new();
    for d in found {
        let cidr = match d.host.parse::<std::net::IpAddr>() {
            Ok(std::net::IpAddr::V4(ip)) => format!("{ip}/32"),
            Ok(std::net::IpAddr::V6(ip)) => format!("{ip}/128"),
            Err(_) => String::new(),
        };
        let port = i32::from(d.port);
        match out.iter_mut().find(|o| o.cidr == cidr && o.port == port) {
            Some(o) if !o.integrations.contains(&d.integration) => {
                o.integrations.push(d.integration.clone());
            }
            Some(_) => {}
            None => out.push(values::Destination {
                integrations: vec![d.integration.clone()],
                cidr,
                port,
            }),
        }
    }
    out
}

/// Builds the chart.
pub fn chart(app: &App, settings: &Settings) -> Result<Chart, Vec<Problem>> {
    chart_in(app, settings, Mode::Render)
}

/// [`chart`] in `mode`. With [`Mode::Check`] the problems are the same and the chart has only
/// the files whose text was needed to find them: a file whose size is known, or bounded,
/// within [`app::HELM_MAX_FILE`] without writing it (the templates, the schema, `values.yaml`
/// through [`values_yaml_at_most`]) is left out.
pub fn chart_in(app: &App, settings: &Settings, mode: Mode) -> Result<Chart, Vec<Problem>> {
    let secret_name = settings
        .secret_name
        .clone()
        .unwrap_or_else(|| default_secret_name(&app.app, &app.name));
    let secrets = match &settings.secret_name {
        Some(_) => None,
        None => secrets(app, &secret_name)?,
    };
    let mut files = Vec::new();
    // Each file with an upper bound of its length, counted only by `check`.
    let mut add = |path: &str, at_most: &dyn Fn() -> usize, text: &dyn Fn() -> Text| {
        if mode == Mode::Check && at_most() <= app::HELM_MAX_FILE {
            return Ok(());
        }
        let text = text();
        if text.len() > app::HELM_MAX_FILE {
            return Err(vec![Problem::TooLarge {
                path: path.to_string(),
                size: text.len(),
            }]);
        }
        files.push((path.to_string(), text));
        Ok(())
    };
    add("Chart.yaml", &|| chart_yaml_bound(app), &|| {
        chart_yaml(app).into()
    })?;
    add(
        "values.yaml",
        &|| values_yaml_at_most(app, settings, &secret_name),
        &|| values_yaml(app, &values_but_env(app, settings), &secret_name).into(),
    )?;
    let schema = values::schema_json();
    add("values.schema.json", &|| schema.len(), &|| schema.into())?;
    for (path, pieces) in TEMPLATES {
        let length = pieces.iter().map(|p| p.len()).sum::<usize>()
            + pieces.len().saturating_sub(1) * app.name.len();
        add(path, &|| length, &|| pieces.join(app.name.as_str()).into())?;
    }
    Ok(Chart {
        name: app.name.clone(),
        files,
        secrets,
    })
}

/// Pretty JSON with a trailing newline.
pub fn render_json(v: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// A chart version (SemVer 2) from the rock's version: `1.2.3` as is, `1.2` as `1.2.0`,
/// anything else `0.1.0`.
pub fn chart_version(rock_version: &str) -> String {
    let core = rock_version
        .split(['-', '+'])
        .next()
        .unwrap_or(rock_version);
    let parts: Vec<&str> = core.split('.').collect();
    let numeric = |p: &&str| {
        !p.is_empty()
            && p.bytes().all(|b| b.is_ascii_digit())
            && (p.len() == 1 || !p.starts_with('0'))
    };
    if !parts.iter().all(numeric) || parts.len() > 3 || core.is_empty() {
        return "0.1.0".into();
    }
    let mut out: Vec<&str> = parts.clone();
    while out.len() < 3 {
        out.push("0");
    }
    let suffix = &rock_version[core.len()..];
    let suffix_ok = suffix.is_empty()
        || suffix[1..]
            .split(['.', '+'])
            .all(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    if parts.len() == 3 && suffix_ok {
        return format!("{}{suffix}", out.join("."));
    }
    out.join(".")
}

/// An upper bound of the length of [`chart_yaml`]'s text, without writing it (`check` writes
/// it only when this bound is over [`app::HELM_MAX_FILE`]). Its strings are the name (twice),
/// the summary or a description from the name and the framework, the framework, the version
/// and the chart version (at most four bytes longer than the version): the YAML writer takes
/// at most four bytes and a line's indentation per byte of a string, and 8 around it; the
/// comment, the keys and the fixed values are less than 1 KiB.
fn chart_yaml_bound(app: &App) -> usize {
    let strings = 2 * app.name.len()
        + app.summary.len()
        + 2 * app.framework.len()
        + 2 * app.version.len()
        + 16;
    1024 + 8 * strings
}

fn chart_yaml(app: &App) -> String {
    let s = |v: &str| Yaml::str(v);
    let mut entries = vec![
        (s("apiVersion"), s("v2")),
        (s("name"), s(app.name.as_str())),
        (
            s("description"),
            Yaml::str(if app.summary.is_empty() {
                format!("{} ({} app)", app.name, app.framework)
            } else {
                app.summary.clone()
            }),
        ),
        (s("type"), s("application")),
        (s("version"), Yaml::str(chart_version(&app.version))),
        (s("appVersion"), s(app.version.as_str())),
        (s("kubeVersion"), s(">=1.23.0-0")),
    ];
    entries.push((
        s("annotations"),
        Yaml::Map(vec![
            (s("paasc.dev/framework"), s(app.framework.as_str())),
            (s("paasc.dev/generated"), s("paasc compile --emit helm")),
        ]),
    ));
    format!(
        "# Generated by paasc from rockcraft.yaml and the deployment profile.\n{}",
        paasc_syntax::write::to_string(&Yaml::Map(entries))
    )
}

fn tcp_probe(period: i32, failures: i32) -> Probe {
    Probe {
        tcp_socket: Some(TCPSocketAction {
            port: IntOrString::String("http".into()),
            host: None,
        }),
        period_seconds: Some(period),
        failure_threshold: Some(failures),
        ..Probe::default()
    }
}

fn process_values(p: &Process) -> (String, Vec<String>, String) {
    (
        dns_name(&p.name),
        p.command.clone(),
        p.working_dir.clone().unwrap_or_default(),
    )
}

/// A Pebble service name as a DNS-1123 label (lowercase, `-` for anything else).
pub fn dns_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            let c = c.to_ascii_lowercase();
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '-'
            }
        })
        .collect();
    out = out.trim_matches('-').to_string();
    out.truncate(63);
    if out.is_empty() {
        "app".into()
    } else {
        out.trim_end_matches('-').to_string()
    }
}

/// The values of the chart.
pub fn values_of(app: &App, settings: &Settings, secret_name: &str) -> Values {
    Values {
        env: app
            .env
            .iter()
            .map(|v| env_var(v.name, EnvSource::of(app, v, secret_name)))
            .collect(),
        ..values_but_env(app, settings)
    }
}

/// What a variable of the environment is in the values.
#[derive(Clone, Copy)]
enum EnvSource<'a> {
    /// The peers' variable: named only, the chart sets it.
    Peers,
    /// A secret one: its key in the Secret of this name.
    Secret(&'a str),
    /// A plain value.
    Plain(&'a str),
}

impl<'a> EnvSource<'a> {
    fn of(app: &App, v: &Var<'a>, secret_name: &'a str) -> Self {
        if app.peers.as_ref().is_some_and(|p| p.variable == v.name) {
            EnvSource::Peers
        } else if v.secret {
            EnvSource::Secret(secret_name)
        } else {
            EnvSource::Plain(v.value)
        }
    }

    /// The strings [`env_var`] writes of the variable `name` from this source.
    fn strings(self, name: &'a str) -> [&'a str; 3] {
        match self {
            EnvSource::Peers => [name, "", ""],
            EnvSource::Secret(secret_name) => [name, name, secret_name],
            EnvSource::Plain(value) => [name, value, ""],
        }
    }
}

/// The variable `name` of the values' environment.
fn env_var(name: &str, source: EnvSource) -> EnvVar {
    match source {
        EnvSource::Peers => EnvVar {
            name: name.to_string(),
            value: None,
            value_from: None,
        },
        EnvSource::Secret(secret_name) => EnvVar {
            name: name.to_string(),
            value: None,
            value_from: Some(EnvVarSource {
                secret_key_ref: Some(SecretKeySelector {
                    name: secret_name.to_string(),
                    key: name.to_string(),
                    optional: None,
                }),
                ..EnvVarSource::default()
            }),
        },
        EnvSource::Plain(value) => EnvVar {
            name: name.to_string(),
            value: Some(value.to_string()),
            value_from: None,
        },
    }
}

/// The values of the chart with an empty environment (`check` bounds the environment's part
/// of `values.yaml` apart: [`env_bound`]).
fn values_but_env(app: &App, settings: &Settings) -> Values {
    let replicas = settings.replicas.unwrap_or(app.units).max(0);
    let (repository, tag, digest) = match &settings.image {
        Some(reference) => paasc_check::split_image(reference),
        None => (app.name.clone(), String::new(), String::new()),
    };
    let autoscaling = match settings.autoscaling {
        Some((min, max, cpu)) => {
            let min = min.unwrap_or(replicas.max(1));
            Autoscaling {
                enabled: true,
                min_replicas: min,
                max_replicas: max.unwrap_or(min).max(min),
                target_cpu_utilization_percentage: cpu.unwrap_or(80),
            }
        }
        None => Autoscaling {
            enabled: false,
            min_replicas: replicas.max(1),
            max_replicas: replicas.max(1),
            target_cpu_utilization_percentage: 80,
        },
    };
    let shared = replicas > 1
        || autoscaling.enabled
        || !app.workers.is_empty()
        || !app.schedulers.is_empty();
    let quantities = |m: &BTreeMap<String, String>| {
        (!m.is_empty()).then(|| {
            m.iter()
                .map(|(k, v)| (k.clone(), Quantity(v.clone())))
                .collect()
        })
    };
    let (web_name, web_command, web_dir) = process_values(&app.web);
    let migration = match &app.migration {
        Some((command, dir)) => Migration {
            enabled: true,
            command: command.clone(),
            working_dir: dir.clone(),
            backoff_limit: 2,
            active_deadline_seconds: 600,
        },
        None => Migration {
            enabled: false,
            command: Vec::new(),
            working_dir: String::new(),
            backoff_limit: 2,
            active_deadline_seconds: 600,
        },
    };
    let ingress = match &settings.ingress {
        Some(i) => Ingress {
            enabled: true,
            kind: i.kind,
            path: i.path.clone().unwrap_or_else(|| "/".into()),
            timeout_seconds: i.timeout.unwrap_or(0),
            gateway: i.gateway.clone(),
            listener: i.listener,
            class_name: i.class.clone().unwrap_or_default(),
            host: i.host.clone(),
            annotations: i.annotations.clone(),
            tls_secret_name: i.tls_secret.clone().unwrap_or_default(),
        },
        None => Ingress {
            enabled: false,
            kind: values::IngressKind::Ingress,
            path: "/".into(),
            timeout_seconds: 0,
            gateway: values::Gateway::default(),
            listener: false,
            class_name: String::new(),
            host: String::new(),
            annotations: BTreeMap::new(),
            tls_secret_name: String::new(),
        },
    };
    Values {
        name_override: app.app.clone(),
        fullname_override: String::new(),
        image: Image {
            repository,
            tag,
            digest,
            pull_policy: PullPolicy::IfNotPresent,
        },
        image_pull_secrets: Vec::new(),
        replica_count: replicas,
        web: Web {
            name: web_name,
            command: web_command,
            working_dir: web_dir,
            port: app.port,
        },
        workers: app
            .workers
            .iter()
            .map(|p| {
                let (name, command, working_dir) = process_values(p);
                Worker {
                    name,
                    command,
                    working_dir,
                    replicas: replicas.max(1),
                    resources: None,
                }
            })
            .collect(),
        schedulers: app
            .schedulers
            .iter()
            .map(|p| {
                let (name, command, working_dir) = process_values(p);
                Scheduler {
                    name,
                    command,
                    working_dir,
                    resources: None,
                }
            })
            .collect(),
        env: Vec::new(),
        peers: app
            .peers
            .as_ref()
            .map(|p| {
                // Only units whose pods always run are named (H004 refused the others).
                let pods = if autoscaling.enabled {
                    autoscaling.min_replicas
                } else {
                    replicas
                };
                values::Peers {
                    units: p
                        .units
                        .iter()
                        .copied()
                        .filter(|&u| i64::from(u) < i64::from(pods))
                        .collect(),
                    ..p.clone()
                }
            })
            .unwrap_or_default(),
        files: app
            .files
            .iter()
            .map(|(path, content)| File {
                name: path.rsplit('/').next().unwrap_or(path).to_string(),
                mount_path: path.clone(),
                content: content.clone(),
            })
            .collect(),
        migration,
        service: Service {
            kind: settings.service_type.unwrap_or(ServiceType::ClusterIP),
            port: app.port,
        },
        ingress,
        metrics: match &app.metrics {
            Some(m) => values::Metrics {
                enabled: true,
                port: m.port,
                path: m.path.clone(),
                scrape: if settings.service_monitor {
                    Scrape::ServiceMonitor
                } else {
                    Scrape::Annotations
                },
                exporter: m.exporter.as_ref().map(|p| values::Exporter {
                    name: dns_name(&p.name),
                    command: p.command.clone(),
                    image: settings.metrics_image.clone().unwrap_or_default(),
                    resources: exporter_resources(),
                }),
            },
            None => values::Metrics {
                enabled: false,
                port: 9102,
                path: "/metrics".into(),
                scrape: Scrape::Annotations,
                exporter: None,
            },
        },
        pod_disruption_budget: PodDisruptionBudget {
            enabled: replicas > 1 || autoscaling.enabled,
            max_unavailable: 1,
        },
        autoscaling,
        persistence: settings
            .storage
            .iter()
            .map(|(name, size, mount_path, class)| Volume {
                name: name.clone(),
                size: size.clone(),
                mount_path: mount_path.clone(),
                storage_class_name: class.clone().unwrap_or_default(),
                access_modes: vec![if shared {
                    AccessMode::ReadWriteMany
                } else {
                    AccessMode::ReadWriteOnce
                }],
            })
            .collect(),
        scratch_dirs: paasc_check::SCRATCH_DIRS
            .iter()
            .map(|(name, path)| values::ScratchDir {
                name: name.to_string(),
                mount_path: path.to_string(),
            })
            .collect(),
        network_policy: values::NetworkPolicy {
            enabled: settings.network_policy.unwrap_or(true),
            egress: if settings.open_egress {
                values::Egress::Open
            } else {
                values::Egress::Integrations
            },
            destinations: destinations(&app.destinations),
            extra_egress: Vec::new(),
        },
        anti_affinity: settings.anti_affinity.unwrap_or(AntiAffinity::None),
        resources: ResourceRequirements {
            requests: quantities(&settings.requests),
            limits: quantities(&settings.limits),
            ..ResourceRequirements::default()
        },
        startup_probe: Some(tcp_probe(5, 24)),
        readiness_probe: Some(app.readiness.clone().unwrap_or_else(|| tcp_probe(10, 3))),
        liveness_probe: Some(app.liveness.clone().unwrap_or_else(|| tcp_probe(20, 3))),
        service_account: ServiceAccount {
            create: true,
            name: String::new(),
            annotations: BTreeMap::new(),
            automount: settings.service_account_token.unwrap_or(false),
        },
        pod_security_context: k8s_openapi::api::core::v1::PodSecurityContext {
            seccomp_profile: Some(SeccompProfile {
                type_: "RuntimeDefault".into(),
                localhost_profile: None,
            }),
            ..if app.daemon_user {
                k8s_openapi::api::core::v1::PodSecurityContext {
                    run_as_user: Some(DAEMON_UID),
                    run_as_group: Some(DAEMON_UID),
                    run_as_non_root: Some(true),
                    fs_group: Some(DAEMON_UID),
                    ..Default::default()
                }
            } else {
                Default::default()
            }
        },
        security_context: SecurityContext {
            allow_privilege_escalation: Some(false),
            read_only_root_filesystem: Some(settings.read_only_root.unwrap_or(true)),
            capabilities: Some(Capabilities {
                drop: Some(vec!["ALL".into()]),
                add: None,
            }),
            ..SecurityContext::default()
        },
        pod_annotations: BTreeMap::new(),
        pod_labels: BTreeMap::new(),
        node_selector: BTreeMap::new(),
        tolerations: Vec::new(),
        global: None,
    }
}

/// The statsd exporter's resources: a few MiB and little CPU in practice.
fn exporter_resources() -> ResourceRequirements {
    let q = |pairs: [(&str, &str); 2]| {
        Some(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), Quantity(v.to_string())))
                .collect(),
        )
    };
    ResourceRequirements {
        requests: q([("cpu", "10m"), ("memory", "32Mi")]),
        limits: q([("cpu", "200m"), ("memory", "128Mi")]),
        ..ResourceRequirements::default()
    }
}

/// The secret values: an env file when every value fits on its line, else a directory.
///
/// `kubectl --from-env-file` reads `NAME=value` lines literally (no quotes, no escapes), after
/// dropping leading blanks of the line and the `\r` of a CRLF line end; `#` lines are comments.
fn secrets(app: &App, secret_name: &str) -> Result<Option<Secrets>, Vec<Problem>> {
    let secret: Vec<&Var> = app.env.iter().filter(|v| v.secret).collect();
    if secret.is_empty() {
        return Ok(None);
    }
    let problems: Vec<Problem> = secret
        .iter()
        .filter(|v| v.value.contains('\0'))
        .map(|v| Problem::SecretUnrepresentable {
            name: v.name.to_string(),
            reason: "holds a NUL character, which no environment variable can carry",
        })
        .collect();
    if !problems.is_empty() {
        return Err(problems);
    }
    if secret
        .iter()
        .any(|v| v.value.contains('\n') || v.value.ends_with('\r'))
    {
        return Ok(Some(Secrets::Directory {
            secret_name: secret_name.to_string(),
            files: secret
                .iter()
                .map(|v| (v.name.to_string(), v.value.to_string()))
                .collect(),
        }));
    }
    let mut text = format!(
        "# The secret environment of {app}. Create the Secret before installing the chart:\n#   kubectl create secret generic {secret_name} --from-env-file={secret_name}.env\n# kubectl reads each value literally up to the end of its line. Keep this file out of version control.\n",
        app = app.app
    );
    for v in secret {
        text.push_str(v.name);
        text.push('=');
        text.push_str(v.value);
        text.push('\n');
    }
    Ok(Some(Secrets::EnvFile {
        secret_name: secret_name.to_string(),
        text,
    }))
}

/// Serialized data as [`Yaml`], keeping the field order of Rust structs: serde_json writes
/// fields in declaration order, and [`JsonYaml`] reads the JSON text back in that order. The
/// same value is built directly ([`as_yaml`]) when the data holds nothing JSON would change.
fn to_yaml<T: serde::Serialize>(value: &T) -> Yaml {
    as_yaml::to_yaml(value).unwrap_or_else(|| to_yaml_through_json(value))
}

/// [`to_yaml`] through the JSON text.
fn to_yaml_through_json<T: serde::Serialize>(value: &T) -> Yaml {
    let text = serde_json::to_string(value).unwrap_or_default();
    serde_json::from_str::<JsonYaml>(&text).map_or(Yaml::Null, |v| v.0)
}

/// JSON text read as [`Yaml`], the value paasc's YAML reader gives the same text (JSON is
/// YAML), without building a syntax tree: strings are strings, numbers are read from their JSON
/// text as YAML 1.1 plain scalars (so `1e20` stays a string, as PyYAML reads it).
struct JsonYaml(Yaml);

impl<'de> serde::Deserialize<'de> for JsonYaml {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<JsonYaml, D::Error> {
        d.deserialize_any(JsonYamlVisitor).map(JsonYaml)
    }
}

struct JsonYamlVisitor;

impl<'de> serde::de::Visitor<'de> for JsonYamlVisitor {
    type Value = Yaml;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JSON")
    }

    fn visit_unit<E>(self) -> Result<Yaml, E> {
        Ok(Yaml::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Yaml, E> {
        Ok(Yaml::Bool(b))
    }

    fn visit_i64<E>(self, i: i64) -> Result<Yaml, E> {
        Ok(Yaml::Int(i.into()))
    }

    fn visit_u64<E>(self, u: u64) -> Result<Yaml, E> {
        Ok(Yaml::Int(u.into()))
    }

    fn visit_f64<E>(self, f: f64) -> Result<Yaml, E> {
        let text = serde_json::to_string(&f).unwrap_or_default();
        Ok(match paasc_syntax::resolve11_plain(&text) {
            paasc_syntax::Value::Null => Yaml::Null,
            paasc_syntax::Value::Bool(b) => Yaml::Bool(b),
            paasc_syntax::Value::Int(i) => Yaml::Int(i),
            paasc_syntax::Value::BigInt(d) => Yaml::BigInt(d),
            paasc_syntax::Value::Float(f) => Yaml::Float(f),
            paasc_syntax::Value::Timestamp(t) => Yaml::Timestamp(t.into()),
            paasc_syntax::Value::Str(s) => Yaml::str(s),
        })
    }

    fn visit_str<E>(self, s: &str) -> Result<Yaml, E> {
        Ok(Yaml::str(s))
    }

    fn visit_string<E>(self, s: String) -> Result<Yaml, E> {
        Ok(Yaml::str(s))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Yaml, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(JsonYaml(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Yaml::Seq(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Yaml, A::Error> {
        let mut entries = as_yaml::Entries::with_capacity(map.size_hint().unwrap_or(0));
        while let Some((key, JsonYaml(value))) = map.next_entry::<String, JsonYaml>()? {
            entries.insert(key.into(), value);
        }
        Ok(entries.into_yaml())
    }
}

/// `values.yaml`: the values with a comment above each top-level key (its schema description).
fn values_header(app: &App) -> String {
    format!(
        "# Values of the {} chart, generated by paasc from the deployment profile.\n\
         # values.schema.json describes every key; helm lint, install and upgrade check against it.\n\
         # No secret values are here: secret-derived variables are secretKeyRef references.\n",
        app.name
    )
}

/// `values.yaml` of the values `but_env` (whose environment is empty) with the app's
/// environment: its items are written from the app ([`env_items`]), not built as values.
fn values_yaml(app: &App, but_env: &Values, secret_name: &str) -> String {
    let mut out = values_header(app);
    // Before each top-level entry: its line break and comment; the environment is written here.
    let mut before = |out: &mut String, key: &str| {
        out.push('\n');
        if let Some(comment) = key_comment(key) {
            out.push_str(comment);
        }
        let env = key == "env" && !app.env.is_empty();
        if env {
            out.push_str("env:\n");
            env_items(out, app, secret_name);
        }
        env
    };
    if as_text::push_fields(&mut out, but_env, &mut before).is_ok() {
        return out;
    }
    let Yaml::Map(entries) = to_yaml(but_env) else {
        return out;
    };
    for (key, value) in entries {
        if !before(&mut out, key.as_str().unwrap_or_default()) {
            out.push_str(&paasc_syntax::write::to_string(&Yaml::Map(vec![(
                key, value,
            )])));
        }
    }
    out
}

/// Where [`env_items`] puts the environment's items: their text, or a count of it.
trait EnvOut {
    /// Layout, as written.
    fn layout(&mut self, text: &'static str);
    /// A string whose line is at `indent`, as [`paasc_syntax::write`] writes it there.
    fn string(&mut self, s: &str, indent: usize);
}

impl EnvOut for String {
    fn layout(&mut self, text: &'static str) {
        self.push_str(text);
    }

    fn string(&mut self, s: &str, indent: usize) {
        paasc_syntax::write::push_scalar(self, s, indent);
    }
}

/// An upper bound of the length of what [`env_items`] writes: the layout, and
/// [`paasc_syntax::write::scalar_len_at_most`] of each string.
struct AtMost(usize);

impl EnvOut for AtMost {
    fn layout(&mut self, text: &'static str) {
        self.0 = self.0.saturating_add(text.len());
    }

    fn string(&mut self, s: &str, indent: usize) {
        self.0 = self
            .0
            .saturating_add(paasc_syntax::write::scalar_len_at_most(s, indent));
    }
}

/// The items of the values' `env` list, as the YAML writer writes the [`env_var`] of each
/// variable in the top-level mapping (a test checks it): each a mapping at indentation 2 after
/// `- `, the `secretKeyRef` two levels deeper, keys in the order serde gives them.
fn env_items(out: &mut impl EnvOut, app: &App, secret_name: &str) {
    for v in &app.env {
        out.layout("- name: ");
        out.string(v.name, 4);
        match EnvSource::of(app, v, secret_name) {
            EnvSource::Peers => out.layout("\n"),
            EnvSource::Secret(secret_name) => {
                out.layout("\n  valueFrom:\n    secretKeyRef:\n      key: ");
                out.string(v.name, 8);
                out.layout("\n      name: ");
                out.string(secret_name, 8);
                out.layout("\n");
            }
            EnvSource::Plain(value) => {
                out.layout("\n  value: ");
                out.string(value, 4);
                out.layout("\n");
            }
        }
    }
}

/// An upper bound of the length of [`values_yaml`]'s text, without writing it: `check` needs
/// only to know that `values.yaml` stays within [`app::HELM_MAX_FILE`], and writes it only when
/// this bound does not say so.
///
/// The document is the JSON of the values read back as YAML ([`to_yaml`]), so the bound is
/// counted over the same serialization ([`bound::count`]), after the header and the key
/// comments ([`values_comments`]). The environment, most of the values of a charm with many
/// options, is counted from the app ([`env_bound`]) rather than built.
///
/// When that is over the limit, the environment is counted again, closer, from what
/// [`env_items`] writes of it ([`AtMost`]): a charm with 100,000 options has 100,000
/// variables, for which [`env_bound`] says about 23 MB and the text is about 4 MB.
fn values_yaml_bound(app: &App, settings: &Settings, secret_name: &str) -> usize {
    let Some(counted) = bound::count(&values_but_env(app, settings)) else {
        return usize::MAX;
    };
    let but_env = values_comments(app).saturating_add(counted);
    let bound = env_bound(app, secret_name, but_env);
    if bound <= app::HELM_MAX_FILE {
        return bound;
    }
    let mut items = AtMost(0);
    env_items(&mut items, app, secret_name);
    but_env.saturating_add(items.0)
}

/// The header and the key comments of [`values_yaml`]'s text, at most: the comments are at
/// most three times the schema they are wrapped from (each comment line adds `# ` and a line
/// break to at least one word and the space or escape after it).
fn values_comments(app: &App) -> usize {
    values_header(app)
        .len()
        .saturating_add(3 * values::schema_json().len())
}

/// What `check` takes as the length of [`values_yaml`]'s text, at most: the quick bound
/// ([`quick::values_but_env`] with [`env_bound`]) when it is within [`app::HELM_MAX_FILE`],
/// else [`values_yaml_bound`], which builds the values to count them.
fn values_yaml_at_most(app: &App, settings: &Settings, secret_name: &str) -> usize {
    let but_env = values_comments(app).saturating_add(quick::values_but_env(app, settings));
    let quick = env_bound(app, secret_name, but_env);
    if quick <= app::HELM_MAX_FILE {
        quick
    } else {
        values_yaml_bound(app, settings, secret_name)
    }
}

/// The depth of the values' `env` items in [`bound::count`]: an item of a list (2) in the
/// top-level mapping (1).
const ENV_DEPTH: usize = 2;

/// What [`bound::count`] adds for the values' environment to its count with an empty one: for
/// each variable, the count of the same variable with empty strings plus four bytes a byte of
/// its strings, or when one of them breaks lines (each break costing a line's indentation),
/// its count. The count is added to `total`, and stops once the sum is over
/// [`app::HELM_MAX_FILE`]: the sum is then returned as it is, of no use as a bound.
fn env_bound(app: &App, secret_name: &str, total: usize) -> usize {
    let empty = |source| bound::item_count(&env_var("", source), ENV_DEPTH).unwrap_or(usize::MAX);
    let peers = empty(EnvSource::Peers);
    let secret = empty(EnvSource::Secret(""));
    let plain = empty(EnvSource::Plain(""));
    let sum = app.env.iter().try_fold(total, |total: usize, v| {
        let source = EnvSource::of(app, v, secret_name);
        let strings = source.strings(v.name);
        let counted = if strings.iter().any(|s| s.contains('\n')) {
            bound::item_count(&env_var(v.name, source), ENV_DEPTH).unwrap_or(usize::MAX)
        } else {
            let empty = match source {
                EnvSource::Peers => peers,
                EnvSource::Secret(_) => secret,
                EnvSource::Plain(_) => plain,
            };
            let bytes = strings.iter().map(|s| s.len()).sum::<usize>();
            empty.saturating_add(bytes.saturating_mul(4))
        };
        let total = total.saturating_add(counted);
        if total > app::HELM_MAX_FILE {
            Err(total)
        } else {
            Ok(total)
        }
    });
    sum.unwrap_or_else(|over| over)
}

/// The description of each top-level key of `values.schema.json` ([`values::schema_json`]), by
/// key: decoded from the schema's text at build time (`build.rs`); the tests check them.
#[cfg(test)]
const KEY_DESCRIPTIONS: &[(&str, &str)] =
    include!(concat!(env!("OUT_DIR"), "/key_descriptions.rs"));

/// The comment above each top-level key of `values.yaml`, by key: its schema description,
/// wrapped at 96 columns, as `# ` lines (made at build time, `build.rs`).
const KEY_COMMENTS: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/key_comments.rs"));

/// The comment above the top-level key `key` of `values.yaml` ([`KEY_COMMENTS`]).
fn key_comment(key: &str) -> Option<&'static str> {
    KEY_COMMENTS
        .binary_search_by(|(k, _)| (*k).cmp(key))
        .ok()
        .map(|i| KEY_COMMENTS[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io;

    fn app() -> App<'static> {
        App {
            name: "web".into(),
            version: "1.2".into(),
            framework: "flask".into(),
            app: "shop".into(),
            units: 2,
            port: 8000,
            daemon_user: true,
            web: Process {
                name: "flask".into(),
                command: vec!["gunicorn".into()],
                working_dir: None,
            },
            env: vec![
                Var {
                    name: "FLASK_BASE_URL",
                    value: "http://shop.prod:8000",
                    secret: false,
                },
                Var {
                    name: "FLASK_SECRET_KEY",
                    value: "s3cr3t-value",
                    secret: true,
                },
            ],
            ..App::default()
        }
    }

    /// [`values_yaml_bound`]'s count as it was first taken: serde_json's serialization through
    /// the [`YamlBound`] formatter.
    fn json_count(values: &Values) -> usize {
        let mut counted = Counted(0);
        let mut extra = 0;
        let fmt = YamlBound {
            depth: 0,
            extra: &mut extra,
        };
        let mut ser = serde_json::Serializer::with_formatter(&mut counted, fmt);
        serde::Serialize::serialize(values, &mut ser).expect("serializes");
        counted.0 + extra
    }

    /// [`values_yaml`] as `chart` calls it (which writes the values without building them),
    /// checked against the values built whole and written as YAML, as it was first written.
    fn written_values(app: &App, settings: &Settings, secret_name: &str) -> String {
        let but_env = values_but_env(app, settings);
        let direct = as_text::push_fields(&mut String::new(), &but_env, |_, _| false);
        assert!(
            direct.is_ok(),
            "the values are written without building them"
        );
        let written = values_yaml(app, &but_env, secret_name);
        let values = values_of(app, settings, secret_name);
        let mut whole = values_header(app);
        let Yaml::Map(entries) = to_yaml(&values) else {
            panic!("the values are a mapping");
        };
        for (key, value) in entries {
            whole.push('\n');
            let key = key.as_str().expect("string keys");
            whole.push_str(key_comment(key).unwrap_or_default());
            whole.push_str(&paasc_syntax::write::to_string(&Yaml::Map(vec![(
                Yaml::str(key),
                value,
            )])));
        }
        assert_eq!(written, whole);
        written
    }

    /// What [`env_items`] writes and counts for `app`'s environment: the text, and its bound.
    fn env_text(app: &App, secret_name: &str) -> (String, usize) {
        let mut text = String::new();
        env_items(&mut text, app, secret_name);
        let mut at_most = AtMost(0);
        env_items(&mut at_most, app, secret_name);
        (text, at_most.0)
    }

    /// The environment's items are written as the YAML writer writes the values built whole,
    /// and counted within each string's quotes (two, and one for each `'` doubled) of what is
    /// written, whatever the names, values and secret name hold, and from all three sources.
    #[test]
    fn the_env_is_written_as_the_values_and_counted_closely() {
        let hostile = [
            "a\nb\n".repeat(20),
            "\n".repeat(30),
            "x\n".repeat(3) + "\n\n",
            "'".repeat(10),
            "\u{7f}\u{85}\u{2028}\u{feff}\u{1}\t\r\0\"\\".repeat(5),
            " lead".into(),
            "trail ".into(),
            "- a".into(),
            "1e5".into(),
            "y".into(),
            "true".into(),
            "FLASK_OPT_1".into(),
            "value 1".into(),
            "3.5".into(),
            String::new(),
            "é€😀".repeat(4),
            "a: b # c".into(),
            "it's".into(),
            "{x}".into(),
        ];
        let quotes = |s: &str| 2 + s.matches('\'').count();
        for s in &hostile {
            for secret_name in [s.as_str(), "x"] {
                let app = App {
                    env: vec![
                        Var {
                            name: s,
                            value: s,
                            secret: false,
                        },
                        Var {
                            name: "P",
                            value: s,
                            secret: false,
                        },
                        Var {
                            name: s,
                            value: s,
                            secret: true,
                        },
                        Var {
                            name: "PEERS",
                            value: s,
                            secret: false,
                        },
                    ],
                    peers: Some(values::Peers {
                        variable: "PEERS".into(),
                        ..values::Peers::default()
                    }),
                    ..app()
                };
                let settings = Settings::default();
                let written = written_values(&app, &settings, secret_name).len();
                let empty = written_values(
                    &App {
                        env: Vec::new(),
                        ..app.clone()
                    },
                    &settings,
                    secret_name,
                )
                .len();
                let (text, at_most) = env_text(&app, secret_name);
                assert_eq!(written - empty, text.len() - " []".len(), "{s:?}");
                let slack = 5 * quotes(s) + quotes("P") + quotes(secret_name) + quotes("PEERS");
                assert!(
                    text.len() <= at_most && at_most <= text.len() + slack,
                    "{s:?}: {at_most} for {}",
                    text.len()
                );
                let bound = values_yaml_bound(&app, &settings, secret_name);
                assert!(written <= bound, "{s:?}: {written} > {bound}");
            }
        }
    }

    /// `check` of a charm with 100,000 options bounds `values.yaml` within Helm's limit without
    /// writing it, as it should: the text is about 4.2 MB, and the bound must stay close to it.
    #[test]
    fn the_values_of_100000_variables_are_bounded_within_helms_limit() {
        let names: Vec<String> = (0..100_003).map(|i| format!("FLASK_OPT_{i}")).collect();
        let values: Vec<String> = (0..100_003)
            .map(|i| match i % 4 {
                0 => format!("value {i}"),
                1 => i.to_string(),
                2 => (i % 8 == 2).to_string(),
                _ => format!("{i}.5"),
            })
            .collect();
        let app = App {
            env: names
                .iter()
                .zip(&values)
                .map(|(name, value)| Var {
                    name,
                    value,
                    secret: false,
                })
                .collect(),
            ..app()
        };
        let settings = Settings::default();
        let bound = values_yaml_bound(&app, &settings, "x");
        let written = values_yaml(&app, &values_but_env(&app, &settings), "x").len();
        assert!(written <= bound, "{written} > {bound}");
        assert!(bound <= app::HELM_MAX_FILE, "{bound} for {written} bytes");
    }

    /// [`values_yaml_bound`] as it was first taken, over the values built whole.
    fn first_bound(app: &App, values: &Values) -> usize {
        values_header(app).len() + 3 * values::schema_json().len() + json_count(values)
    }

    /// Counts the bytes written to it.
    struct Counted(usize);

    impl io::Write for Counted {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// A JSON formatter that, instead of writing strings, adds to `extra` what [`bound`] adds
    /// for them, and for each mapping entry and sequence item the layout around it: the count
    /// as it was first taken, which [`bound::count`] must equal.
    struct YamlBound<'a> {
        depth: usize,
        extra: &'a mut usize,
    }

    impl YamlBound<'_> {
        fn add(&mut self, n: usize) -> io::Result<()> {
            *self.extra = self.extra.saturating_add(n);
            Ok(())
        }

        fn around(&mut self) -> io::Result<()> {
            self.add(2 * self.depth + 8)
        }

        fn open<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
            self.depth += 1;
            w.write_all(bracket)
        }

        fn close<W: ?Sized + io::Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
            self.depth = self.depth.saturating_sub(1);
            w.write_all(bracket)
        }
    }

    impl serde_json::ser::Formatter for YamlBound<'_> {
        fn write_f32<W: ?Sized + io::Write>(&mut self, w: &mut W, v: f32) -> io::Result<()> {
            self.write_f64(w, f64::from(v))
        }

        fn write_f64<W: ?Sized + io::Write>(&mut self, w: &mut W, v: f64) -> io::Result<()> {
            w.write_all(serde_json::to_string(&v).unwrap_or_default().as_bytes())?;
            self.add(64)
        }

        fn begin_string<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
            self.around()
        }

        fn end_string<W: ?Sized + io::Write>(&mut self, _: &mut W) -> io::Result<()> {
            Ok(())
        }

        fn write_string_fragment<W: ?Sized + io::Write>(
            &mut self,
            _: &mut W,
            fragment: &str,
        ) -> io::Result<()> {
            self.add(fragment.len().saturating_mul(4))
        }

        fn write_char_escape<W: ?Sized + io::Write>(
            &mut self,
            _: &mut W,
            escape: serde_json::ser::CharEscape,
        ) -> io::Result<()> {
            self.add(match escape {
                serde_json::ser::CharEscape::LineFeed => 2 * self.depth + 2,
                _ => 4,
            })
        }

        fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
            self.open(w, b"[")
        }

        fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
            self.close(w, b"]")
        }

        fn begin_array_value<W: ?Sized + io::Write>(
            &mut self,
            _: &mut W,
            _: bool,
        ) -> io::Result<()> {
            self.around()
        }

        fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
            self.open(w, b"{")
        }

        fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
            self.close(w, b"}")
        }

        fn begin_object_key<W: ?Sized + io::Write>(
            &mut self,
            _: &mut W,
            _: bool,
        ) -> io::Result<()> {
            self.around()
        }
    }

    /// `check` leaves `values.yaml` unwritten when [`values_yaml_bound`] keeps it within Helm's
    /// limit, so the bound must hold for every string the writer quotes, escapes or breaks into
    /// indented lines, wherever it sits in the values.
    #[test]
    fn the_values_bound_is_never_below_the_written_length() {
        let hostile = [
            "a\nb\n".repeat(200),
            "\n".repeat(300),
            "x\n".repeat(300) + "\n\n",
            "'".repeat(100),
            "\u{7f}\u{85}\u{2028}\u{feff}\u{1}\t\r\0\"\\".repeat(50),
            " lead".into(),
            "- a".into(),
            "1e5".into(),
            "y".into(),
            String::new(),
            "é€😀".repeat(40),
            "a: b # c".into(),
        ];
        let process = |name: &str, s: &str| Process {
            name: name.into(),
            command: vec![s.into(), "[".into(), s.into()],
            working_dir: Some(s.into()),
        };
        for s in &hostile {
            let app = App {
                name: "web".into(),
                summary: s.clone(),
                workers: vec![process("w", s), process(s, s)],
                schedulers: vec![process("s", s)],
                env: vec![
                    Var {
                        name: s,
                        value: s,
                        secret: false,
                    },
                    Var {
                        name: "S",
                        value: s,
                        secret: true,
                    },
                ],
                files: vec![(format!("/a/{s}"), s.clone())],
                migration: Some((vec![s.clone()], s.clone())),
                metrics: Some(AppMetrics {
                    port: 9102,
                    path: s.clone(),
                    exporter: Some(process("e", s)),
                }),
                ..app()
            };
            let settings = Settings {
                image: Some(format!("reg/{s}:1")),
                requests: BTreeMap::from([(s.clone(), s.clone())]),
                storage: vec![(s.clone(), s.clone(), s.clone(), Some(s.clone()))],
                ingress: Some(IngressSettings {
                    host: s.clone(),
                    annotations: BTreeMap::from([(s.clone(), s.clone()), ("k".into(), s.clone())]),
                    path: Some(s.clone()),
                    ..IngressSettings::default()
                }),
                secret_name: Some(s.clone()),
                metrics_image: Some(s.clone()),
                ..Settings::default()
            };
            let values = values_of(&app, &settings, "x");
            assert_eq!(
                format!("{:?}", as_yaml::to_yaml(&values)),
                format!("{:?}", Some(to_yaml_through_json(&values))),
                "{s:?}"
            );
            assert_eq!(bound::count(&values), Some(json_count(&values)), "{s:?}");
            let written = written_values(&app, &settings, "x").len();
            let bound = values_yaml_bound(&app, &settings, "x");
            assert_eq!(bound, first_bound(&app, &values), "{s:?}");
            assert!(written <= bound, "{s:?}: {written} > {bound}");
        }
        let probe = Probe {
            http_get: Some(k8s_openapi::api::core::v1::HTTPGetAction {
                path: Some("/health\n'x'".into()),
                port: IntOrString::Int(8000),
                http_headers: Some(vec![k8s_openapi::api::core::v1::HTTPHeader {
                    name: "X-A".into(),
                    value: "\"v\"".into(),
                }]),
                ..Default::default()
            }),
            exec: Some(k8s_openapi::api::core::v1::ExecAction {
                command: Some(vec!["sh".into(), "-c".into(), "a\\b\n".into()]),
            }),
            period_seconds: Some(-7),
            ..tcp_probe(1, 2)
        };
        let full = App {
            readiness: Some(probe.clone()),
            liveness: Some(probe),
            env: [
                app().env,
                vec![Var {
                    name: "FLASK_PEER_FQDNS",
                    value: "a\nb",
                    secret: false,
                }],
            ]
            .concat(),
            peers: Some(values::Peers {
                variable: "FLASK_PEER_FQDNS".into(),
                ordinals: vec![1, 20],
                units: vec![0, 1, 300],
            }),
            destinations: vec![paasc_runtime::Destination {
                integration: "redis".into(),
                host: "10.0.0.1".into(),
                port: 6379,
            }],
            ..app()
        };
        let settings = Settings {
            replicas: Some(3),
            autoscaling: Some((Some(2), Some(9), Some(50))),
            limits: BTreeMap::from([("cpu".into(), "1".into())]),
            storage: vec![("d".into(), "1Gi".into(), "/d".into(), None)],
            anti_affinity: Some(AntiAffinity::Hard),
            service_type: Some(ServiceType::NodePort),
            service_monitor: true,
            ..Settings::default()
        };
        let values = values_of(&full, &settings, "s");
        assert_eq!(bound::count(&values), Some(json_count(&values)));
        let bound = values_yaml_bound(&full, &settings, "s");
        assert_eq!(bound, first_bound(&full, &values));
        assert!(written_values(&full, &settings, "s").len() <= bound);
        let bound = values_yaml_bound(&app(), &Settings::default(), "x");
        assert!(bound < app::HELM_MAX_FILE / 16, "a useless bound: {bound}");
    }

    /// `check` leaves `Chart.yaml` unwritten when [`chart_yaml_bound`] keeps it within Helm's
    /// limit, so the bound must hold whatever the name, summary, framework and version hold.
    #[test]
    fn the_chart_yaml_bound_is_never_below_the_written_length() {
        let hostile = [
            "a\nb\n".repeat(200),
            "\n".repeat(300),
            "'".repeat(100),
            "\u{7f}\u{85}\u{2028}\u{feff}\u{1}\t\r\0\"\\".repeat(50),
            "\u{1}".repeat(100),
            " lead".into(),
            "1.2.3-rc.1+b5".into(),
            "1".into(),
            String::new(),
            "é€😀".repeat(40),
            "a: b # c".into(),
        ];
        for s in &hostile {
            for app in [
                App {
                    summary: s.clone(),
                    ..app()
                },
                App {
                    name: s.clone(),
                    framework: s.clone(),
                    summary: String::new(),
                    version: s.clone(),
                    ..app()
                },
            ] {
                let (written, bound) = (chart_yaml(&app).len(), chart_yaml_bound(&app));
                assert!(written <= bound, "{s:?}: {written} > {bound}");
            }
        }
        assert!(chart_yaml_bound(&app()) < app::HELM_MAX_FILE / 16);
    }

    #[test]
    fn egress_names_ip_addresses_and_opens_ports_of_host_names() {
        let d = |integration: &str, host: &str, port| paasc_runtime::Destination {
            integration: integration.into(),
            host: host.into(),
            port,
        };
        let found = [
            d("postgresql", "10.1.2.3", 5432),
            d("redis", "redis.prod.svc", 6379),
            d("s3", "fd00::7", 443),
            d("tracing", "tempo.cos.svc", 6379),
        ];
        let app = App {
            destinations: found.to_vec(),
            ..app()
        };
        let v = values_of(&app, &Settings::default(), "s");
        let got: Vec<(String, i32, Vec<String>)> = v
            .network_policy
            .destinations
            .iter()
            .map(|d| (d.cidr.clone(), d.port, d.integrations.clone()))
            .collect();
        let want = |cidr: &str, port, names: &[&str]| {
            (
                cidr.to_string(),
                port,
                names.iter().map(|n| n.to_string()).collect::<Vec<_>>(),
            )
        };
        assert_eq!(
            got,
            [
                want("10.1.2.3/32", 5432, &["postgresql"]),
                want("", 6379, &["redis", "tracing"]),
                want("fd00::7/128", 443, &["s3"]),
            ]
        );
        assert_eq!(v.network_policy.egress, values::Egress::Integrations);
        let open = Settings {
            open_egress: true,
            ..Settings::default()
        };
        assert_eq!(
            values_of(&app, &open, "s").network_policy.egress,
            values::Egress::Open
        );
    }

    #[test]
    fn chart_versions_are_semver() {
        assert_eq!(chart_version("1.2"), "1.2.0");
        assert_eq!(chart_version("1"), "1.0.0");
        assert_eq!(chart_version("1.2.3-rc.1+b5"), "1.2.3-rc.1+b5");
        assert_eq!(chart_version("1.2-beta"), "1.2.0");
        assert_eq!(chart_version("01.2.3"), "0.1.0");
        assert_eq!(chart_version("latest"), "0.1.0");
        assert_eq!(chart_version(""), "0.1.0");
    }

    #[test]
    fn secrets_go_to_an_env_file_or_a_directory() {
        let c = super::chart(&app(), &Settings::default()).expect("chart");
        match &c.secrets {
            Some(Secrets::EnvFile { secret_name, text }) => {
                assert_eq!(secret_name, "shop-secrets");
                assert!(text.lines().any(|l| l == "FLASK_SECRET_KEY=s3cr3t-value"));
                assert!(!text.contains("FLASK_BASE_URL"));
            }
            other => panic!("{other:?}"),
        }
        for (path, text) in &c.files {
            assert!(!text.contains("s3cr3t-value"), "{path}");
        }
        let mut multi = app();
        multi.env[1].value = "line 1\nline 2\n";
        let c = super::chart(&multi, &Settings::default()).expect("chart");
        assert_eq!(
            c.secrets.map(|s| s.files()),
            Some(vec![(
                "shop-secrets/FLASK_SECRET_KEY".to_string(),
                "line 1\nline 2\n".to_string()
            )])
        );
        let mut nul = app();
        nul.env[1].value = "a\0b";
        assert!(super::chart(&nul, &Settings::default()).is_err());
        let named = Settings {
            secret_name: Some("vault".into()),
            ..Settings::default()
        };
        let c = super::chart(&app(), &named).expect("chart");
        assert!(c.secrets.is_none());
        assert!(c
            .files
            .iter()
            .any(|(p, t)| p == "values.yaml" && t.contains("name: vault")));
    }

    #[test]
    fn default_secret_name_avoids_the_chart_directory() {
        assert_eq!(default_secret_name("shop", "web"), "shop-secrets");
        assert_eq!(default_secret_name("web", "web-secrets"), "web-secret-env");
    }

    #[test]
    fn values_follow_the_settings() {
        let settings = Settings {
            image: Some("reg:5000/acme/web@sha256:0123456789abcdef0123456789abcdef".into()),
            autoscaling: Some((None, Some(5), None)),
            storage: vec![("data".into(), "1Gi".into(), "/data".into(), None)],
            ..Settings::default()
        };
        let v = values_of(&app(), &settings, "s");
        assert_eq!(v.image.repository, "reg:5000/acme/web");
        assert_eq!(v.image.digest, "sha256:0123456789abcdef0123456789abcdef");
        assert_eq!(v.replica_count, 2);
        assert!(v.autoscaling.enabled);
        assert_eq!(
            (v.autoscaling.min_replicas, v.autoscaling.max_replicas),
            (2, 5)
        );
        assert!(v.pod_disruption_budget.enabled);
        assert_eq!(v.persistence[0].access_modes, [AccessMode::ReadWriteMany]);
        assert_eq!(v.pod_security_context.run_as_user, Some(DAEMON_UID));
        assert_eq!(v.security_context.read_only_root_filesystem, Some(true));
        assert!(v.network_policy.enabled && !v.service_account.automount);
        assert_eq!(v.scratch_dirs.len(), paasc_check::SCRATCH_DIRS.len());
        let open = Settings {
            read_only_root: Some(false),
            network_policy: Some(false),
            service_account_token: Some(true),
            ..Settings::default()
        };
        let v = values_of(&app(), &open, "s");
        assert_eq!(v.security_context.read_only_root_filesystem, Some(false));
        assert!(!v.network_policy.enabled && v.service_account.automount);
        let one = App { units: 1, ..app() };
        let v = values_of(
            &one,
            &Settings {
                storage: settings.storage.clone(),
                ..Settings::default()
            },
            "s",
        );
        assert_eq!(v.persistence[0].access_modes, [AccessMode::ReadWriteOnce]);
        assert!(!v.pod_disruption_budget.enabled);
        assert_eq!(v.image.repository, "web");
        assert_eq!(v.image.tag, "");
    }

    /// The web pods' `PEER_FQDNS` lists only units whose pods always run.
    #[test]
    fn web_pods_list_the_units_whose_pods_always_run() {
        let peers = values::Peers {
            variable: "FLASK_PEER_FQDNS".into(),
            ordinals: vec![1],
            units: vec![0, 1, 2],
        };
        let a = App {
            peers: Some(peers),
            ..app()
        };
        let v = values_of(&a, &Settings::default(), "s");
        assert_eq!((v.peers.ordinals, v.peers.units), (vec![1], vec![0, 1]));
        let three = Settings {
            replicas: Some(3),
            ..Settings::default()
        };
        assert_eq!(values_of(&a, &three, "s").peers.units, [0, 1, 2]);
        let scaled = Settings {
            replicas: Some(3),
            autoscaling: Some((Some(2), Some(6), None)),
            ..Settings::default()
        };
        assert_eq!(values_of(&a, &scaled, "s").peers.units, [0, 1]);
        assert_eq!(
            values_of(&app(), &three, "s").peers,
            values::Peers::default()
        );
    }

    #[test]
    fn values_yaml_round_trips_and_is_commented() {
        let c = super::chart(&app(), &Settings::default()).expect("chart");
        let text = &c
            .files
            .iter()
            .find(|(p, _)| p == "values.yaml")
            .expect("values.yaml")
            .1;
        assert!(text.contains("# The environment of every process"));
        let (tree, diags) =
            paasc_syntax::parse(paasc_diag::FileId(0), text, paasc_syntax::Limits::default());
        assert!(diags.is_empty(), "{diags:?}");
        let root = tree.root().expect("a document");
        let json = yaml_json(&Yaml::from_tree(&tree, root));
        let back: Values = serde_json::from_value(json).expect("reads back");
        assert_eq!(
            back,
            values_of(&app(), &Settings::default(), "shop-secrets")
        );
    }

    /// The chart's `values.schema.json` (the committed `schema/helm-values.json`) is the schema
    /// schemars builds from [`Values`], and each key's comment is its description.
    #[test]
    fn committed_schema_is_the_built_schema() {
        assert_eq!(values::schema_json(), render_json(&values::schema()));
        let described = values::schema()["properties"]
            .as_object()
            .map(|p| p.values().filter(|v| v["description"].is_string()).count());
        assert_eq!(Some(KEY_COMMENTS.len()), described);
        assert!(KEY_COMMENTS.is_sorted_by_key(|(k, _)| *k));
        assert!(key_comment("replicaCount").is_some_and(|c| c.starts_with("# ")));
        let schema = values::schema();
        for (key, description) in KEY_DESCRIPTIONS {
            assert_eq!(
                schema["properties"][key]["description"], *description,
                "{key}"
            );
        }
    }

    /// The chart's files are written in [`TEMPLATES`]' order: by path.
    #[test]
    fn templates_are_by_path() {
        assert!(TEMPLATES.is_sorted_by_key(|(path, _)| *path));
    }

    /// `to_yaml` reads JSON text as paasc's YAML reader reads it, without the tree.
    #[test]
    fn json_reads_as_the_yaml_reader_reads_it() {
        let values =
            serde_json::to_string(&values_of(&app(), &Settings::default(), "s")).expect("values");
        // Floats as serde_json writes them, as they are in `to_yaml`'s text.
        for f in [1e20, 0.1, 1e-7, -0.0, 2.5e300, -1e-300, 1.0] {
            let text = serde_json::to_string(&f).expect("float");
            assert!(texts_of_floats().contains(&text.as_str()), "{text}");
        }
        // A large mapping with keys given twice, before and after it is indexed.
        let mut large: Vec<String> = (0..100).map(|i| format!(r#""k{i}":{i}"#)).collect();
        large.insert(10, r#""k3":"again""#.into());
        large.push(r#""k20":"again""#.into());
        let large = format!("{{{}}}", large.join(","));
        let texts = [
            values.as_str(),
            large.as_str(),
            r#"{"a":1,"b":-2,"c":1.5,"d":1e+20,"e":null,"f":true,"g":"on","a":3,"h":[1,"x",{"k":"v"},[]],"i":{}}"#,
            r#"{"u":18446744073709551615,"n":-9223372036854775808,"z":"\u00e9 \n\t\"\\ \u0001","f":-0.0,"g":0.1,"h":1e-7,"k":"12:30"}"#,
            r#"[1.0,2.5e+300,-1e-300,"",{"":""}]"#,
        ];
        for text in texts {
            let (tree, _) =
                paasc_syntax::parse(paasc_diag::FileId(0), text, paasc_syntax::Limits::default());
            let by_tree = Yaml::from_tree(&tree, tree.root().expect("a document"));
            let direct = serde_json::from_str::<JsonYaml>(text).expect("JSON").0;
            assert_eq!(format!("{direct:?}"), format!("{by_tree:?}"), "{text}");
        }
    }

    fn texts_of_floats() -> [&'static str; 7] {
        ["1e+20", "0.1", "1e-7", "-0.0", "2.5e+300", "-1e-300", "1.0"]
    }

    fn yaml_json(y: &Yaml) -> serde_json::Value {
        match y {
            Yaml::Null => serde_json::Value::Null,
            Yaml::Bool(b) => (*b).into(),
            Yaml::Int(i) => i64::try_from(*i).map_or(serde_json::Value::Null, Into::into),
            Yaml::Str(s) => s.as_str().into(),
            Yaml::Seq(items) => items.iter().map(yaml_json).collect(),
            Yaml::Map(m) => serde_json::Value::Object(
                m.iter()
                    .map(|(k, v)| (k.as_str().unwrap_or_default().to_string(), yaml_json(v)))
                    .collect(),
            ),
            other => panic!("unexpected {other:?}"),
        }
    }
}
