//! What the Dockerfile needs to know per framework, as data. Everything else (parts, services,
//! checks, prime lists, packages) is read from the expanded rockcraft.yaml.

use paasc_runtime::Framework;

/// Where the app listens.
#[derive(Clone, Copy, Debug)]
pub enum Port {
    /// Always this port (gunicorn's `bind` in the rock).
    Fixed(u16),
    /// The value of this variable in the app's environment, or the default.
    Env(&'static str, u16),
}

/// One framework's image layout.
#[derive(Debug)]
pub struct Layout {
    /// The framework.
    pub framework: Framework,
    /// Its rockcraft extension, the prefix of the parts it adds (`flask-framework`).
    pub extension: &'static str,
    /// The service that runs the app (the image's `CMD`).
    pub service: &'static str,
    /// The app directory (`WORKDIR`, where migrations run).
    pub app_dir: &'static str,
    /// Where the rendered `gunicorn.conf.py` goes (gunicorn frameworks).
    pub gunicorn_conf: Option<&'static str>,
    /// The port.
    pub port: Port,
    /// Services of the extension that are not in the image, and why.
    pub sidecars: &'static [(&'static str, &'static str)],
}

const STATSD: &[(&str, &str)] = &[(
    "statsd-exporter",
    "gunicorn sends its statsd metrics to\n# localhost:9125; run a Prometheus statsd exporter beside the app to collect them",
)];

/// The frameworks the Dockerfile back end supports.
pub const LAYOUTS: &[Layout] = &[
    Layout {
        framework: Framework::Flask,
        extension: "flask-framework",
        service: "flask",
        app_dir: "/flask/app",
        gunicorn_conf: Some("/flask/gunicorn.conf.py"),
        port: Port::Fixed(8000),
        sidecars: STATSD,
    },
    Layout {
        framework: Framework::Django,
        extension: "django-framework",
        service: "django",
        app_dir: "/django/app",
        gunicorn_conf: Some("/django/gunicorn.conf.py"),
        port: Port::Fixed(8000),
        sidecars: STATSD,
    },
    Layout {
        framework: Framework::FastApi,
        extension: "fastapi-framework",
        service: "fastapi",
        app_dir: "/app",
        gunicorn_conf: None,
        port: Port::Env("UVICORN_PORT", 8080),
        sidecars: &[],
    },
];

/// The layout of `framework`, or `None` when the back end does not support it yet.
pub fn layout(framework: Framework) -> Option<&'static Layout> {
    LAYOUTS.iter().find(|l| l.framework == framework)
}

/// The image of a rock `base` (or of `build-base` for `bare`).
pub fn base_image(base: &str) -> Option<&'static str> {
    match base {
        "ubuntu@22.04" | "ubuntu:22.04" => Some("ubuntu:22.04"),
        "ubuntu@24.04" | "ubuntu:24.04" => Some("ubuntu:24.04"),
        _ => None,
    }
}

/// The migration command paas-charm runs in the app directory, from the files there; when
/// several exist the later entries win (paas-charm 1.12.3, `_get_migration_command`... spec §4.8).
pub const MIGRATIONS: &[(&str, &[&str])] = &[
    ("migrate", &["{app_dir}/migrate"]),
    ("migrate.sh", &["bash", "-eo", "pipefail", "migrate.sh"]),
    ("migrate.py", &["python3", "migrate.py"]),
    ("manage.py", &["python3", "manage.py", "migrate"]),
];

/// The suffixes paas-charm gives services that get the app's environment.
pub const WORKER_SUFFIX: &str = "-worker";
/// Schedulers: like workers, but run on one unit only.
pub const SCHEDULER_SUFFIX: &str = "-scheduler";
