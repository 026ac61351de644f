//! The Helm back end: `helm/<chart>/` (the chart) and, when the profile does not name an
//! existing Secret, the secret variables' values beside it: `helm/<secret>.env` for
//! `kubectl create secret generic <secret> --from-env-file=...`, or `helm/<secret>/<NAME>` files
//! for `--from-file=` when a value spans lines. This module reads the project, the profile and
//! paas-charm's plan; the parent module builds the chart.

use super::values::{AntiAffinity, ServiceType};
use super::{App, IngressSettings, Process, Settings, Var};
use crate::pebble::checks::Level;
use crate::pebble::services::Service;
use crate::Files;
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
    pub INVALID_VALUE = "H002", "helm-invalid-value", Error,
    "A `kubernetes:` value of the profile is one Kubernetes would reject.",
"The profile's `kubernetes:` section becomes the Helm chart's values. paasc checks them with
Kubernetes' own rules, so the problem is reported at its line instead of by the API server
during `helm install`: names of volumes, Secrets and hosts are DNS names (lowercase letters,
digits, `-` and `.`), sizes and resources are quantities (`500m`, `256Mi`, `1Gi`), an image
reference is a lowercase repository with an optional tag or digest, replica counts are not
negative, and autoscaling's `min-replicas` is at least 1 and at most `max-replicas`.

Example:

    kubernetes:
      resources:
        limits: {memory: 512MB}    # Kubernetes writes megabytes as 512M or 512Mi

Fix: write the value the way the message says."
);

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
    match path.split('/').collect::<Vec<_>>().as_slice() {
        ["helm", file] => file.ends_with(".env"),
        ["helm", dir, _] => !chart(dir),
        _ => false,
    }
}

/// The files of this artifact.
pub fn files(input: &EmitInput) -> Result<Files, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let app = app(input, &mut diags);
    let settings = match &input.profile.kubernetes {
        Some(k) => settings(input, k, &mut diags),
        None => Settings::default(),
    };
    if !diags.is_empty() {
        return Err(diags);
    }
    let chart = super::chart(&app, &settings).map_err(|problems| {
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
            })
            .collect::<Vec<_>>()
    })?;
    let mut out: Files = chart
        .files
        .into_iter()
        .map(|(path, text)| (format!("helm/{}/{path}", chart.name), text))
        .collect();
    if let Some(s) = &chart.secrets {
        out.extend(
            s.files()
                .into_iter()
                .map(|(path, text)| (format!("helm/{path}"), text)),
        );
    }
    Ok(out)
}

fn str_of(y: Option<&Yaml>) -> Option<String> {
    match y? {
        Yaml::Str(s) | Yaml::Timestamp(s) => Some(s.clone()),
        Yaml::Null => None,
        other => Some(other.python_repr()),
    }
}

/// What the project and the plan say about the app.
fn app(input: &EmitInput, diags: &mut Vec<Diagnostic>) -> App {
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
    let main_service = main.map(|s| s.rock);
    let daemon_user = main_service
        .and_then(|s| s.get("user"))
        .and_then(Yaml::as_str)
        .or_else(|| rock.get("run-user").and_then(Yaml::as_str))
        .or_else(|| rock.get("run_user").and_then(Yaml::as_str))
        == Some("_daemon_")
        || main_service.and_then(|s| s.get("user-id"))
            == Some(&Yaml::Int(i128::from(super::DAEMON_UID)));
    let plan = &input.plan;
    let env = plan
        .env
        .iter()
        .flatten()
        .map(|(name, value)| Var {
            name: name.clone(),
            value: value.clone(),
            secret: plan.secret_env.contains(name),
        })
        .collect();
    let app_dir = fw.app_dir();
    let files = plan
        .gunicorn_conf
        .iter()
        .map(|conf| {
            let base = app_dir.rsplit_once('/').map_or("", |(b, _)| b);
            (format!("{base}/gunicorn.conf.py"), conf.clone())
        })
        .collect();
    let in_app_dir = |file: &str| {
        let path = format!("{}/{file}", app_dir.trim_start_matches('/'));
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
        files,
        migration,
        readiness: check(Level::Ready),
        liveness: check(Level::Alive),
    }
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

/// The profile's `kubernetes:` section, checked with Kubernetes' rules.
fn settings(input: &EmitInput, k: &Kubernetes, diags: &mut Vec<Diagnostic>) -> Settings {
    let p = &input.profile;
    let file = |field: &str| p.origin("kubernetes", field).unwrap_or(input.anchor);
    let mut bad = |field: &str, span: Span, message: String, help: &str| {
        diags.push(
            Diagnostic::new(INVALID_VALUE, file(field), span, message)
                .label("Kubernetes rejects this")
                .help(help.to_string()),
        );
    };
    let mut s = Settings::default();
    if let Some(image) = &k.image {
        s.image = valid(
            image,
            ("image", super::k8s::is_image),
            "an image reference",
            "write REPOSITORY[:TAG][@DIGEST] in lowercase, e.g. ghcr.io/acme/web:1.0",
            &mut bad,
        );
    }
    let count =
        |v: &Spanned<i64>, field: &str, min: i64, bad: &mut dyn FnMut(&str, Span, String, &str)| {
            match i32::try_from(v.value) {
                Ok(n) if i64::from(n) >= min => Some(n),
                _ => {
                    bad(
                        field,
                        v.span,
                        format!("{} is not a replica count (at least {min})", v.value),
                        "give a whole number of replicas",
                    );
                    None
                }
            }
        };
    if let Some(r) = &k.replicas {
        s.replicas = count(r, "replicas", 0, &mut bad);
    }
    if let Some(res) = &k.resources {
        for (map, out) in [
            (&res.requests, &mut s.requests),
            (&res.limits, &mut s.limits),
        ] {
            for (key, value) in map.iter() {
                if let Some(q) = valid(
                    value,
                    ("resources", super::k8s::is_quantity),
                    "a Kubernetes quantity",
                    "write e.g. 250m or 0.5 for CPU, 256Mi or 1Gi for memory",
                    &mut bad,
                ) {
                    out.insert(key.value.clone(), q);
                }
            }
        }
    }
    if let Some(a) = &k.autoscaling {
        let min = a
            .min_replicas
            .as_ref()
            .and_then(|m| count(m, "autoscaling", 1, &mut bad));
        let max = a
            .max_replicas
            .as_ref()
            .and_then(|m| count(m, "autoscaling", 1, &mut bad));
        let cpu = a
            .target_cpu
            .as_ref()
            .and_then(|c| match i32::try_from(c.value) {
                Ok(n) if n >= 1 => Some(n),
                _ => {
                    bad(
                        "autoscaling",
                        c.span,
                        format!("{} is not a CPU utilisation target", c.value),
                        "give a percentage of the CPU request, e.g. 70",
                    );
                    None
                }
            });
        if let (Some(lo), Some(hi), Some(span)) =
            (min, max, a.max_replicas.as_ref().map(|m| m.span))
        {
            if hi < lo {
                bad(
                    "autoscaling",
                    span,
                    format!("`max-replicas` ({hi}) is below `min-replicas` ({lo})"),
                    "raise max-replicas to at least min-replicas",
                );
            }
        }
        if a.max_replicas.is_none() {
            diags_missing_max(&mut bad, a.min_replicas.as_ref().map(|m| m.span));
        }
        s.autoscaling = Some((min, max, cpu));
    }
    let mut names: Vec<&str> = Vec::new();
    for v in &k.storage {
        let (Some(name), Some(size), Some(mount)) = (&v.name, &v.size, &v.mount_path) else {
            continue;
        };
        let mut ok = valid(
            name,
            ("storage", super::k8s::is_dns_label),
            "a volume name",
            "use lowercase letters, digits and `-` (at most 63), starting and ending with a letter or digit",
            &mut bad,
        )
        .is_some();
        if ok && names.contains(&name.value.as_str()) {
            ok = false;
            bad(
                "storage",
                name.span,
                format!("the volume `{}` is given twice", name.value),
                "give each volume its own name",
            );
        }
        names.push(&name.value);
        ok &= valid(
            size,
            ("storage", super::k8s::is_quantity),
            "a storage size",
            "write a quantity such as 1Gi or 500Mi",
            &mut bad,
        )
        .is_some();
        ok &= valid(
            mount,
            ("storage", |m| m.starts_with('/')),
            "an absolute path",
            "mount volumes at an absolute path, e.g. /var/lib/app",
            &mut bad,
        )
        .is_some();
        let class = v.storage_class.as_ref().and_then(|c| {
            let class = valid(
                c,
                ("storage", super::k8s::is_dns_subdomain),
                "a StorageClass name",
                "use the name `kubectl get storageclass` shows",
                &mut bad,
            );
            ok &= class.is_some();
            class
        });
        if ok {
            s.storage.push((
                name.value.clone(),
                size.value.clone(),
                mount.value.clone(),
                class,
            ));
        }
    }
    s.anti_affinity = k.anti_affinity.as_ref().map(|a| match a.value {
        profile::AntiAffinity::Off => AntiAffinity::None,
        profile::AntiAffinity::Soft => AntiAffinity::Soft,
        profile::AntiAffinity::Hard => AntiAffinity::Hard,
    });
    s.service_type = k.service_type.as_ref().map(|t| match t.value {
        profile::ServiceType::ClusterIp => ServiceType::ClusterIP,
        profile::ServiceType::NodePort => ServiceType::NodePort,
        profile::ServiceType::LoadBalancer => ServiceType::LoadBalancer,
    });
    if let Some(i) = &k.ingress {
        let mut out = IngressSettings::default();
        if let Some(host) = &i.host {
            out.host = valid(
                host,
                ("ingress", super::k8s::is_ingress_host),
                "a host name",
                "give the bare DNS name in lowercase, e.g. web.example.com (no scheme, port or path)",
                &mut bad,
            )
            .unwrap_or_default();
        }
        for (field, slot, what) in [
            (&i.tls_secret, &mut out.tls_secret, "Secret"),
            (&i.class, &mut out.class, "IngressClass"),
        ] {
            if let Some(v) = field {
                *slot = valid(
                    v,
                    ("ingress", super::k8s::is_dns_subdomain),
                    &format!("a {what} name"),
                    "use lowercase letters, digits, `-` and `.`",
                    &mut bad,
                );
            }
        }
        out.annotations = i
            .annotations
            .iter()
            .map(|(k, v)| (k.value.clone(), v.value.clone()))
            .collect();
        s.ingress = Some(out);
    }
    if let Some(name) = &k.secret_name {
        s.secret_name = valid(
            name,
            ("secret_name", super::k8s::is_dns_subdomain),
            "a Secret name",
            "use lowercase letters, digits, `-` and `.`",
            &mut bad,
        );
    }
    s
}

/// The profile's `value` when Kubernetes accepts it (`rule`: the profile field and the test), or
/// H002 at it, saying it is not `what`.
fn valid(
    value: &Spanned<String>,
    rule: (&str, fn(&str) -> bool),
    what: &str,
    help: &str,
    bad: &mut dyn FnMut(&str, Span, String, &str),
) -> Option<String> {
    let (field, accepts) = rule;
    if accepts(&value.value) {
        return Some(value.value.clone());
    }
    bad(
        field,
        value.span,
        format!("`{}` is not {what}", value.value),
        help,
    );
    None
}

fn diags_missing_max(bad: &mut dyn FnMut(&str, Span, String, &str), near: Option<Span>) {
    bad(
        "autoscaling",
        near.unwrap_or(Span::point(0)),
        "autoscaling needs `max-replicas`".into(),
        "add max-replicas: the most replicas the autoscaler may run",
    );
}

#[cfg(test)]
mod tests {
    use super::*;

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
