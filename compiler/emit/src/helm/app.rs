//! The Helm back end: `helm/<chart>/` (the chart) and, when the profile does not name an
//! existing Secret, the secret variables' values beside it: `helm/<secret>.env` for
//! `kubectl create secret generic <secret> --from-env-file=...`, or `helm/<secret>/<NAME>` files
//! for `--from-file=` when a value spans lines. This module reads the project, the profile and
//! paas-charm's plan; the parent module builds the chart.

use super::values::{AntiAffinity, Gateway, IngressKind, ServiceType};
use super::{App, AppMetrics, IngressSettings, Process, Settings, Var};
use crate::pebble::checks::Level;
use crate::pebble::services::Service;
use crate::{Files, Mode};
use paasc_check::Resolved as EmitInput;
use paasc_diag::{Diagnostic, Span};
use paasc_frameworks::ServiceRole;
use paasc_model::lower::Spanned;
use paasc_model::profile::{self, Kubernetes};
use paasc_syntax::Yaml;

paasc_diag::declare_code!(
    pub SECRET_UNREPRESENTABLE = "H001", "helm-secret-unrepresentable", Error,
    "A secret value cannot reach the app through a Kubernetes Secret.",
"The Helm chart takes every secret-derived variable from a Kubernetes Secret, through
`secretKeyRef`. When the profile does not name an existing Secret (`kubernetes.secret-name`),
paasc writes the values beside the chart for kubectl: `helm/<secret>.env` (one literal
`NAME=value` a line, for `--from-env-file`), or, when a value spans lines, `helm/<secret>/NAME`
files (for `--from-file`). A value holding a NUL character cannot be carried by any
environment variable, so there is nothing correct to write.

Example: a secret option whose content is `\"a\\0b\"` (a NUL byte written as an escape in a
double-quoted YAML string).

Fix: remove the NUL character from the value."
);

paasc_diag::declare_code!(
    pub CHART_TOO_LARGE = "H005", "helm-chart-too-large", Error,
    "A file of the Helm chart is larger than Helm loads.",
"Helm refuses to load a chart holding a file larger than 5 MiB (its `MaxDecompressedFileSize`),
so `helm install` would fail on the chart. `values.yaml` carries the app's environment and the
files paas-charm writes, so a profile with very large config values or integration data can push
it over. paasc writes no such chart.

Example: a config option whose value is a 6 MiB string.

Fix: keep large data out of config values (mount it from a volume, or fetch it at start-up)."
);

/// The largest file Helm loads from a chart (`MaxDecompressedFileSize`, 5 MiB).
pub const HELM_MAX_FILE: usize = 5 * 1024 * 1024;

paasc_diag::declare_code!(
    pub SERVICE_COMMAND = "H003", "helm-service-command", Error,
    "A Pebble service of the rock cannot be run by the Helm chart.",
"The Helm chart runs the rock's services without Pebble: the main service, and each `-worker`
and `-scheduler` service, becomes a container whose command is the service's `command` as
Pebble reads it (shell-style words, with `[ ... ]` default arguments). A command Pebble itself
would refuse (an unclosed quote, a misplaced `[ ... ]` group), or a missing main service,
leaves the chart nothing to run.

Example: `command: celery -A app worker [ --loglevel info ] -c 2` (Pebble allows no argument
after the `[ ... ]` group).

Fix: correct the service's `command` in rockcraft.yaml."
);

/// Whether `path` is one of the files `kubectl create secret` reads beside a chart
/// (`helm/<secret>.env`, `helm/<secret>/<NAME>`), not a file of a chart (`helm/<chart>/...`,
/// which holds `Chart.yaml`).
pub fn holds_secret(path: &str, files: &Files) -> bool {
    let chart = |dir: &str| {
        files.iter().any(|(p, _)| {
            p.strip_prefix("helm/")
                .and_then(|r| r.strip_suffix("/Chart.yaml"))
                == Some(dir)
        })
    };
    let Some(rest) = path.strip_prefix("helm/") else {
        return false;
    };
    match rest.split_once('/') {
        None => rest.ends_with(".env"),
        Some((dir, file)) => !file.contains('/') && !chart(dir),
    }
}

/// The files of this artifact. With [`Mode::Check`], the same problems and no files (the
/// chart is built only as far as [`super::chart_in`] needs to find them).
pub fn files(input: &EmitInput, mode: Mode) -> Result<Files, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let replanned = cluster_plan(input);
    let app = app(input, replanned.as_ref().unwrap_or(&input.plan), &mut diags);
    let settings = input
        .profile
        .kubernetes
        .as_ref()
        .map(settings)
        .unwrap_or_default();
    if !diags.is_empty() {
        return Err(diags);
    }
    let chart = super::chart_in(&app, &settings, mode).map_err(|problems| {
        problems
            .into_iter()
            .map(|p| match p {
                super::Problem::SecretUnrepresentable { name, reason } => {
                    let (file, span, label) = match input.culprit(&name, |v| v.contains('\0')) {
                        Some(o) => (o.file, o.span, format!("becomes `{name}`")),
                        None => (input.anchor, Span::point(0), "from this deployment".into()),
                    };
                    Diagnostic::new(
                        SECRET_UNREPRESENTABLE,
                        file,
                        span,
                        format!(
                            "the secret variable `{name}` cannot be given to the app through a Kubernetes Secret: its value {reason}"
                        ),
                    )
                    .label(label)
                    .help("remove the NUL character from the value in the profile")
                }
                super::Problem::TooLarge { path, size } => Diagnostic::new(
                    CHART_TOO_LARGE,
                    input.anchor,
                    Span::point(0),
                    format!(
                        "the chart's {path} would be {size} bytes; Helm loads no chart file over {HELM_MAX_FILE} bytes (5 MiB)"
                    ),
                )
                .label("from this deployment")
                .help("keep large data out of config values and integration data"),
            })
            .collect::<Vec<_>>()
    })?;
    if mode == Mode::Check {
        return Ok(Files::new());
    }
    let mut out: Files = chart
        .files
        .into_iter()
        .map(|(path, text)| (["helm/", &chart.name, "/", &path].concat(), text))
        .collect();
    if let Some(s) = &chart.secrets {
        out.extend(
            s.files()
                .into_iter()
                .map(|(path, text)| (format!("helm/{path}"), text.into())),
        );
    }
    Ok(out)
}

fn str_of(y: Option<&Yaml>) -> Option<String> {
    match y? {
        Yaml::Str(s) | Yaml::Timestamp(s) => Some(s.to_string()),
        Yaml::Null => None,
        other => Some(other.python_repr()),
    }
}

/// What the project and `plan` (paas-charm's for the deployment, or [`cluster_plan`]'s) say
/// about the app.
fn app<'a>(
    input: &EmitInput,
    plan: &'a paasc_runtime::Plan,
    diags: &mut Vec<Diagnostic>,
) -> App<'a> {
    let rock = &input.rock;
    let fw = input.framework;
    let services = crate::pebble::services::read(input, input.plan.layer.as_ref());
    let process = |svc: &Service<'_>, diags: &mut Vec<Diagnostic>| Process {
        name: svc.name.to_string(),
        command: svc.args().unwrap_or_else(|why| {
            let message = format!(
                "the Pebble service `{}` has a command the chart cannot run: {why}",
                svc.name
            );
            let at = input.rock_source.as_ref().and_then(|(_, tree)| {
                let entry = tree.lookup(&["services", svc.name, "command"])?;
                Some(tree.span(entry.value))
            });
            let d = input.rock_diagnostic(
                SERVICE_COMMAND,
                at,
                message,
                "Pebble's shell-like split fails here",
                "compiling this deployment",
            );
            diags.push(d.help(format!(
                "correct `services.{}.command` in rockcraft.yaml",
                svc.name
            )));
            Vec::new()
        }),
        working_dir: svc.working_dir.map(str::to_string),
    };
    let main = services.iter().find(|s| s.main);
    let web = match main {
        Some(s) => process(s, diags),
        None => {
            diags.push(
                Diagnostic::new(
                    SERVICE_COMMAND,
                    input.anchor,
                    Span::point(0),
                    format!(
                        "the rock has no `{}` service for the chart to run",
                        fw.service()
                    ),
                )
                .label("compiling this deployment")
                .help("keep the framework extension's main service in rockcraft.yaml"),
            );
            Process::default()
        }
    };
    let mut workers = Vec::new();
    let mut schedulers = Vec::new();
    for s in services.iter().filter(|s| s.enabled) {
        match s.role {
            ServiceRole::Worker => workers.push(process(s, diags)),
            ServiceRole::Scheduler => schedulers.push(process(s, diags)),
            ServiceRole::Other => {}
        }
    }
    let exporter = services
        .iter()
        .find(|s| s.enabled && s.name == paasc_frameworks::STATSD_EXPORTER)
        .map(|s| process(s, diags));
    let main_service = main.map(|s| s.rock);
    let daemon_user = main_service
        .and_then(|s| s.get("user"))
        .and_then(Yaml::as_str)
        .or_else(|| rock.get("run-user").and_then(Yaml::as_str))
        .or_else(|| rock.get("run_user").and_then(Yaml::as_str))
        == Some("_daemon_")
        || main_service.and_then(|s| s.get("user-id"))
            == Some(&Yaml::Int(i128::from(super::DAEMON_UID)));
    let peer_var = [fw.spec().configuration_prefix, "PEER_FQDNS"].concat();
    let peers = paasc_check::peer_ordinals(&input.profile).ok();
    let env = plan
        .env
        .iter()
        .flatten()
        .filter(|(name, _)| **name != peer_var || peers.is_some())
        .map(|(name, value)| Var {
            name,
            value,
            secret: plan.secret_env.contains(name),
        })
        .collect();
    let app_dir = fw.app_dir();
    let files = plan
        .gunicorn_conf
        .iter()
        .map(|conf| {
            let base = app_dir.rsplit_once('/').map_or("", |(b, _)| b);
            ([base, "/gunicorn.conf.py"].concat(), conf.clone())
        })
        .collect();
    let in_app_dir = |file: &str| {
        let path = [app_dir.trim_start_matches('/'), "/", file].concat();
        rock_installs(&input.rock, &path)
    };
    let migration =
        paasc_runtime::migration_command(fw, in_app_dir).map(|cmd| (cmd, app_dir.to_string()));
    let checks = crate::pebble::checks::read(input, Some(input.anchor)).unwrap_or_else(|found| {
        diags.extend(found);
        Vec::new()
    });
    let check = |level: Level| {
        checks
            .iter()
            .find(|c| c.level == level)
            .map(super::probes::probe)
    };
    App {
        name: str_of(rock.get("name")).unwrap_or_else(|| "app".into()),
        version: str_of(rock.get("version")).unwrap_or_else(|| "0.1".into()),
        summary: str_of(rock.get("summary")).unwrap_or_default(),
        framework: fw.name().to_string(),
        app: input.deployment.app.clone(),
        units: i32::try_from(input.deployment.peer_units.len() + 1).unwrap_or(1),
        port: plan
            .port
            .and_then(|p| i32::try_from(p).ok())
            .unwrap_or(8000),
        daemon_user,
        web,
        workers,
        schedulers,
        env,
        peers: peers
            .filter(|_| plan.env.iter().flatten().any(|(n, _)| *n == peer_var))
            .map(|ordinals| {
                let me = input
                    .profile
                    .unit
                    .as_ref()
                    .and_then(|u| u32::try_from(u.value).ok())
                    .unwrap_or(0);
                let shell = rock.get("base").and_then(Yaml::as_str) != Some("bare");
                let mut units = ordinals.clone();
                units.push(me);
                super::values::Peers {
                    variable: peer_var.clone(),
                    ordinals: unit_order(ordinals),
                    units: if shell { unit_order(units) } else { Vec::new() },
                }
            }),
        files,
        migration,
        readiness: check(Level::Ready),
        liveness: check(Level::Alive),
        metrics: metrics(fw, |name| plan.env.as_ref()?.get(name).cloned(), exporter),
        destinations: plan.destinations.clone(),
    }
}

/// Unit ordinals in paas-charm's `PEER_FQDNS` order: by unit name (`<app>/<n>`) as a string,
/// each once.
fn unit_order(mut ordinals: Vec<u32>) -> Vec<u32> {
    ordinals.sort_by_key(u32::to_string);
    ordinals.dedup();
    ordinals
}

/// The default web port of `statsd_exporter` (`--web.listen-address`).
const EXPORTER_PORT: i32 = 9102;

/// Where the app's metrics are served, as the charm's `metrics-endpoint` scrapes them: the rock's
/// statsd exporter (port 9102, or its `--web.listen-address`), or the app's own metrics port and
/// path (the framework configuration's variables from the `metrics-port` and `metrics-path`
/// options). `None` when neither exists.
fn metrics(
    fw: paasc_frameworks::Framework,
    env: impl Fn(&str) -> Option<String>,
    exporter: Option<Process>,
) -> Option<AppMetrics> {
    if let Some(exporter) = exporter {
        let port = exporter
            .command
            .iter()
            .find_map(|a| a.strip_prefix("--web.listen-address="))
            .and_then(|a| a.rsplit_once(':'))
            .and_then(|(_, p)| p.parse::<i32>().ok())
            .unwrap_or(EXPORTER_PORT);
        return Some(AppMetrics {
            port,
            path: "/metrics".into(),
            exporter: Some(exporter),
        });
    }
    // The framework configuration fields read from the `metrics-port` and `metrics-path`
    // options, as paas-charm exports them (`<framework prefix><FIELD>`): METRICS_PORT for FastAPI
    // and Express.js, APP_METRICS_PORT for Go, MANAGEMENT_SERVER_PORT for Spring Boot (its
    // actuator's port; the path defaults to /actuator/prometheus).
    let spec = fw.spec();
    let variable = |option: &str| {
        let field = spec.fields.iter().find(|f| f.alias == option)?;
        Some(
            [
                spec.framework_config_prefix,
                &field.name.to_ascii_uppercase(),
            ]
            .concat(),
        )
    };
    let port = env(&variable("metrics-port")?)?
        .parse::<i32>()
        .ok()
        .filter(|p| (1..=65535).contains(p))?;
    let path = variable("metrics-path")
        .and_then(|v| env(&v))
        .filter(|p| p.starts_with('/'))
        .unwrap_or_else(|| "/metrics".into());
    Some(AppMetrics {
        port,
        path,
        exporter: None,
    })
}

/// paas-charm's plan with the chart's ingress as the ingress integration's URL, when the profile
/// gives the chart an ingress host: `<PREFIX>BASE_URL` (and what paas-charm derives from it, such
/// as Django's allowed hosts) is then the URL the chart's ingress serves. `None` when there is no
/// such host, when the profile's ingress integration data already names it (its URL is kept:
/// TLS may end before the Ingress), or when paas-charm would not plan the deployment with it.
fn cluster_plan(input: &EmitInput) -> Option<paasc_runtime::Plan> {
    let ingress = input.profile.kubernetes.as_ref()?.ingress.as_ref()?;
    let host = &ingress.host.as_ref()?.value;
    if host.starts_with("*.") {
        return None;
    }
    let scheme = if ingress.tls_secret.is_some() {
        "https"
    } else {
        "http"
    };
    let given = input
        .deployment
        .relations
        .get("ingress")
        .and_then(|r| r.app_data.get("ingress"))
        .and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok())
        .and_then(|d| d.get("url")?.as_str().map(url_host));
    if given.as_deref() == Some(host.as_str()) {
        return None;
    }
    let mut dep = input.deployment.clone();
    let path = ingress.path.as_ref().map_or("/", |p| p.value.as_str());
    let data = serde_json::json!({ "url": format!("{scheme}://{host}{path}") }).to_string();
    let relation = dep.relations.entry("ingress".into()).or_default();
    if relation.remote_app_name.is_empty() {
        relation.remote_app_name = "ingress".into();
    }
    relation.app_data.insert("ingress".into(), data);
    dep.more_relations.shift_remove("ingress");
    let plan = paasc_runtime::plan(
        input.framework,
        &input.charm,
        &input.rock,
        input.paas_config.as_ref(),
        &dep,
    );
    plan.env.is_some().then_some(plan)
}

/// The host of an `http(s)://host[:port]/...` URL, in lowercase.
fn url_host(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    host.split(':').next().unwrap_or("").to_ascii_lowercase()
}

/// Whether a part of the rock puts a file at `path` (relative to the root of the image): an
/// `organize` target or a `stage`/`prime` entry.
fn rock_installs(rock: &Yaml, path: &str) -> bool {
    let parts = rock.get("parts").and_then(Yaml::as_map).unwrap_or(&[]);
    parts.iter().any(|(_, part)| {
        let organized = part
            .get("organize")
            .and_then(Yaml::as_map)
            .unwrap_or(&[])
            .iter()
            .any(|(_, to)| to.as_str() == Some(path));
        let listed = ["stage", "prime"].iter().any(|k| {
            part.get(k)
                .and_then(Yaml::as_seq)
                .unwrap_or(&[])
                .iter()
                .any(|e| e.as_str() == Some(path))
        });
        organized || listed
    })
}

/// The profile's `kubernetes:` section as the chart's settings. The values are valid: H002
/// (`paasc_check`) refused the profile otherwise.
fn settings(k: &Kubernetes) -> Settings {
    let count = |v: &Spanned<i64>| i32::try_from(v.value).ok();
    let flag = |field: fn(&profile::Security) -> &Option<Spanned<bool>>| {
        k.security
            .as_ref()
            .and_then(|s| field(s).as_ref())
            .map(|b| b.value)
    };
    let text = |v: &Option<Spanned<String>>| v.as_ref().map(|v| v.value.clone());
    let quantities = |m: &paasc_model::lower::SpannedMap<Spanned<String>>| {
        m.iter()
            .map(|(k, v)| (k.value.clone(), v.value.clone()))
            .collect()
    };
    Settings {
        image: text(&k.image),
        replicas: k.replicas.as_ref().and_then(count),
        requests: k
            .resources
            .as_ref()
            .map(|r| quantities(&r.requests))
            .unwrap_or_default(),
        limits: k
            .resources
            .as_ref()
            .map(|r| quantities(&r.limits))
            .unwrap_or_default(),
        autoscaling: k.autoscaling.as_ref().map(|a| {
            (
                a.min_replicas.as_ref().and_then(count),
                a.max_replicas.as_ref().and_then(count),
                a.target_cpu.as_ref().and_then(count),
            )
        }),
        storage: k
            .storage
            .iter()
            .filter_map(|v| {
                Some((
                    v.name.as_ref()?.value.clone(),
                    v.size.as_ref()?.value.clone(),
                    v.mount_path.as_ref()?.value.clone(),
                    text(&v.storage_class),
                ))
            })
            .collect(),
        anti_affinity: k.anti_affinity.as_ref().map(|a| match a.value {
            profile::AntiAffinity::Off => AntiAffinity::None,
            profile::AntiAffinity::Soft => AntiAffinity::Soft,
            profile::AntiAffinity::Hard => AntiAffinity::Hard,
        }),
        ingress: k.ingress.as_ref().map(|i| IngressSettings {
            host: text(&i.host).unwrap_or_default(),
            tls_secret: text(&i.tls_secret),
            class: text(&i.class),
            annotations: i
                .annotations
                .iter()
                .map(|(k, v)| (k.value.clone(), v.value.clone()))
                .collect(),
            kind: match i.kind.as_ref().map(|k| k.value) {
                None | Some(profile::IngressKind::Ingress) => IngressKind::Ingress,
                Some(profile::IngressKind::GatewayApi) => IngressKind::GatewayApi,
                Some(profile::IngressKind::Emissary) => IngressKind::Emissary,
            },
            path: text(&i.path),
            timeout: i.timeout.as_ref().and_then(count),
            gateway: i
                .gateway
                .as_ref()
                .map(|g| Gateway {
                    name: text(&g.name).unwrap_or_default(),
                    namespace: text(&g.namespace).unwrap_or_default(),
                    section_name: text(&g.section).unwrap_or_default(),
                })
                .unwrap_or_default(),
            listener: i.listener.as_ref().is_some_and(|l| l.value),
        }),
        service_type: k.service_type.as_ref().map(|t| match t.value {
            profile::ServiceType::ClusterIp => ServiceType::ClusterIP,
            profile::ServiceType::NodePort => ServiceType::NodePort,
            profile::ServiceType::LoadBalancer => ServiceType::LoadBalancer,
        }),
        secret_name: text(&k.secret_name),
        read_only_root: flag(|s| &s.read_only_root_filesystem),
        network_policy: flag(|s| &s.network_policy),
        open_egress: k
            .security
            .as_ref()
            .and_then(|s| s.egress.as_ref())
            .is_some_and(|e| e.value == profile::Egress::Open),
        service_account_token: flag(|s| &s.service_account_token),
        metrics_image: k.metrics.as_ref().and_then(|m| text(&m.image)),
        service_monitor: k
            .metrics
            .as_ref()
            .and_then(|m| m.scrape.as_ref())
            .is_some_and(|s| s.value == profile::Scrape::ServiceMonitor),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use paasc_frameworks::Framework;

    /// Each framework's scrape target is where paas-charm's `metrics-endpoint` scrapes it: the
    /// variables of the framework configuration fields read from `metrics-port`/`metrics-path`.
    #[test]
    fn metrics_follow_each_frameworks_configuration() {
        let spring = [
            ("APP_METRICS_PORT", "9000"),
            ("MANAGEMENT_SERVER_PORT", "9000"),
            ("METRICS_PATH", "/actuator/prometheus"),
        ];
        type Case<'a> = (Framework, &'a [(&'a str, &'a str)], Option<(i32, &'a str)>);
        let cases: [Case; 6] = [
            (
                Framework::SpringBoot,
                &spring,
                Some((9000, "/actuator/prometheus")),
            ),
            (Framework::SpringBoot, &[("APP_METRICS_PORT", "9000")], None),
            (
                Framework::FastApi,
                &[("METRICS_PORT", "8081"), ("METRICS_PATH", "/m")],
                Some((8081, "/m")),
            ),
            (
                Framework::ExpressJs,
                &[("METRICS_PORT", "8080")],
                Some((8080, "/metrics")),
            ),
            (
                Framework::Go,
                &[("APP_METRICS_PORT", "8081"), ("APP_METRICS_PATH", "/x")],
                Some((8081, "/x")),
            ),
            (Framework::Go, &[("METRICS_PORT", "8081")], None),
        ];
        for (fw, pairs, want) in cases {
            let env = |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.to_string())
            };
            let got = metrics(fw, env, None).map(|m| (m.port, m.path));
            assert_eq!(
                got,
                want.map(|(p, path)| (p, path.to_string())),
                "{fw:?} {pairs:?}"
            );
        }
    }

    #[test]
    fn rock_installs_reads_organize_and_prime() {
        let rock = paasc_syntax::parse(
            paasc_diag::FileId(0),
            "parts:\n  install-app:\n    organize: {migrate.py: flask/app/migrate.py}\n    prime: [flask/app/app.py]\n",
            paasc_syntax::Limits::default(),
        )
        .0;
        let doc = rock
            .root()
            .map(|r| Yaml::from_tree(&rock, r))
            .unwrap_or(Yaml::Null);
        assert!(rock_installs(&doc, "flask/app/migrate.py"));
        assert!(rock_installs(&doc, "flask/app/app.py"));
        assert!(!rock_installs(&doc, "flask/app/migrate.sh"));
    }
}
