//! The six frameworks as one table: everything rockcraft's and charmcraft's extensions,
//! paas-charm and the back ends hard-code per framework. Adding a framework adds a variant, a
//! [`Spec`] here, its extension data and its own extension module; every `match` on
//! [`Framework`] is exhaustive, so a missed place does not compile.
//!
//! **Invariant:** data only: no I/O, no parsing, no dependency on another paasc crate.

mod migration;

pub use migration::{migration_command, MIGRATIONS};

/// The uid and gid of `_daemon_`, the user every extension runs its services as.
pub const DAEMON_UID: u32 = 584_792;

/// The name of the user the rocks' services run as.
pub const DAEMON_USER: &str = "_daemon_";

/// The suffix of services that get the app's environment from paas-charm (on every unit).
pub const WORKER_SUFFIX: &str = "-worker";

/// The suffix of services like workers that run on one unit only.
pub const SCHEDULER_SUFFIX: &str = "-scheduler";

/// What paas-charm makes of a service of the rock other than the app's own, by its name (the
/// suffix compared without case).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServiceRole {
    /// A [`WORKER_SUFFIX`] service: the app's environment, on every unit.
    Worker,
    /// A [`SCHEDULER_SUFFIX`] service: the app's environment, on unit 0 only.
    Scheduler,
    /// Any other service: left as the rock has it.
    Other,
}

impl ServiceRole {
    /// The role of the service called `name`.
    pub fn of(name: &str) -> ServiceRole {
        let lower = name.to_lowercase();
        if lower.ends_with(WORKER_SUFFIX) {
            ServiceRole::Worker
        } else if lower.ends_with(SCHEDULER_SUFFIX) {
            ServiceRole::Scheduler
        } else {
            ServiceRole::Other
        }
    }
}

/// The services rockcraft adds for metrics beside gunicorn (flask and django).
pub const STATSD_EXPORTER: &str = "statsd-exporter";

/// Every extension name (`django-framework`, ...), in name order.
pub const EXTENSION_NAMES: [&str; 6] = {
    let mut out = [""; 6];
    let mut i = 0;
    while i < out.len() {
        out[i] = Framework::ALL[i].extension();
        i += 1;
    }
    out
};

/// A supported framework.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Framework {
    /// `django-framework`.
    Django,
    /// `expressjs-framework`.
    ExpressJs,
    /// `fastapi-framework`.
    FastApi,
    /// `flask-framework`.
    Flask,
    /// `go-framework`.
    Go,
    /// `spring-boot-framework`.
    SpringBoot,
}

impl Framework {
    /// Every framework, in the order of their extension names.
    pub const ALL: [Framework; 6] = [
        Framework::Django,
        Framework::ExpressJs,
        Framework::FastApi,
        Framework::Flask,
        Framework::Go,
        Framework::SpringBoot,
    ];

    /// The framework's place in [`Framework::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// Everything known about the framework.
    pub const fn spec(self) -> &'static Spec {
        match self {
            Framework::Flask => &FLASK,
            Framework::Django => &DJANGO,
            Framework::FastApi => &FASTAPI,
            Framework::Go => &GO,
            Framework::ExpressJs => &EXPRESSJS,
            Framework::SpringBoot => &SPRING_BOOT,
        }
    }

    /// The paas-charm framework name (`flask`, ..., `spring-boot`).
    pub const fn name(self) -> &'static str {
        self.spec().name
    }

    /// The extension name, in rockcraft.yaml and charmcraft.yaml (`flask-framework`).
    pub const fn extension(self) -> &'static str {
        self.spec().extension
    }

    /// The framework of a name such as `flask` or an extension such as `flask-framework`.
    pub fn from_name(name: &str) -> Option<Framework> {
        let name = name.strip_suffix("-framework").unwrap_or(name);
        Framework::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The framework whose extension is exactly `extension` (`flask-framework`).
    pub fn from_extension(extension: &str) -> Option<Framework> {
        Framework::ALL
            .into_iter()
            .find(|f| f.extension() == extension)
    }

    /// The main Pebble service (`flask`, ..., `spring-boot`).
    pub fn service(self) -> &'static str {
        self.spec().service
    }

    /// The app's directory in the container, where migrations run (`/flask/app`, `/app`).
    pub fn app_dir(self) -> &'static str {
        self.spec().app_dir
    }
}

/// The rockcraft extension of a framework (rockcraft 1.20.0, V1).
#[derive(Debug)]
pub struct Rock {
    /// The `base` values it supports (compared as written, so `ubuntu:22.04` is listed apart).
    pub bases: &'static [&'static str],
    /// Whether rockcraft refuses it without `ROCKCRAFT_ENABLE_EXPERIMENTAL_EXTENSIONS`.
    pub experimental: bool,
    /// The services it defines.
    pub services: &'static [&'static str],
    /// Whether it installs Python, so that `base: bare` takes the version from `build-base`.
    pub python: bool,
    /// The parts it adds, with their plugins (`None`: the project decides, e.g. Maven or
    /// Gradle). A user part of the same name is merged into the extension's.
    pub parts: &'static [(&'static str, Option<&'static str>)],
}

/// Validation rule of a framework config field.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// `str`, with a minimum length.
    Str(usize),
    /// `int`, greater than the bound.
    IntGt(i64),
    /// `bool`.
    Bool,
    /// `(?i)^(HTTP|HTTPS)$`, then uppercased.
    UrlScheme,
    /// One of these strings.
    Literal(&'static [&'static str]),
    /// Django's comma-separated host list.
    HostList,
}

/// A field's default when the option is absent.
#[derive(Clone, Copy, Debug)]
pub enum Default {
    /// No default: the field is unset.
    None,
    /// A string.
    Str(&'static str),
    /// An integer.
    Int(i64),
    /// An empty list.
    EmptyList,
}

/// One field of a framework config model.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    /// The model's field name (`secret_key`).
    pub name: &'static str,
    /// The charm option it is read from (`flask-secret-key`).
    pub alias: &'static str,
    /// How it is validated.
    pub kind: Kind,
    /// Its value when the option is absent.
    pub default: Default,
}

const fn field(name: &'static str, alias: &'static str, kind: Kind, default: Default) -> Field {
    Field {
        name,
        alias,
        kind,
        default,
    }
}

/// Where the workload port comes from.
#[derive(Clone, Copy, Debug)]
pub enum Port {
    /// Always this port (gunicorn's `bind` in the rock).
    Fixed(u32),
    /// The value of this framework config field.
    Field(&'static str),
}

/// Which integration-to-env mappers the framework's App class uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mappers {
    /// `<NAME>_DB_CONNECT_STRING` and the like.
    Standard,
    /// Spring Boot's `spring.datasource.url` and the like.
    Spring,
}

/// Everything hard-coded per framework.
#[derive(Debug)]
pub struct Spec {
    /// paas-charm's name of the framework (`flask`).
    pub name: &'static str,
    /// The extension name (`flask-framework`).
    pub extension: &'static str,
    /// The rockcraft extension.
    pub rock: Rock,
    /// The main Pebble service (the container's and the image's command).
    pub service: &'static str,
    /// Where the app listens.
    pub port: Port,
    /// The app's directory in the container (`WORKDIR`, where migrations run).
    pub app_dir: &'static str,
    /// The prefix of user options' variables (`FLASK_`, `APP_`).
    pub configuration_prefix: &'static str,
    /// The prefix of the framework config's variables.
    pub framework_config_prefix: &'static str,
    /// The framework config model's fields.
    pub fields: &'static [Field],
    /// Gunicorn-based (flask, django): where the rock holds `gunicorn.conf.py`, which paas-charm
    /// writes from the `webserver-*` options.
    pub gunicorn_conf: Option<&'static str>,
    /// The framework config is validated in the charm constructor, so errors raise.
    pub config_in_constructor: bool,
    /// How integrations become variables.
    pub mappers: Mappers,
    /// Django: BASE_URL's hostname joins `allowed_hosts`, and a database is required.
    pub django: bool,
    /// FastAPI: JSON logging adds PYTHONPATH and UVICORN_LOG_CONFIG.
    pub fastapi_log_env: bool,
    /// Spring Boot: `spring.profiles.active` and the forward-headers strategy.
    pub spring_env: bool,
    /// `paas-config.yaml` JSON logging is allowed.
    pub json_logging: bool,
    /// Variables paas-charm puts in the Pebble layer as integers, not strings.
    pub int_env: &'static [&'static str],
}

impl Spec {
    /// Whether gunicorn serves the app (worker classes and `gunicorn.conf.py`).
    pub fn gunicorn(&self) -> bool {
        self.gunicorn_conf.is_some()
    }

    /// The field holding the secret key (`secret_key` or else `app_secret_key`).
    pub fn secret_key_field(&self) -> Option<&Field> {
        let find = |n: &str| self.fields.iter().find(|f| f.name == n);
        find("secret_key").or_else(|| find("app_secret_key"))
    }
}

const JAMMY_NOBLE: &[&str] = &["bare", "ubuntu@22.04", "ubuntu:22.04", "ubuntu@24.04"];
const NOBLE: &[&str] = &["bare", "ubuntu@24.04"];

const FLASK_PARTS: &[(&str, Option<&str>)] = &[
    ("flask-framework/dependencies", Some("python")),
    ("flask-framework/install-app", Some("dump")),
    ("flask-framework/config-files", Some("dump")),
    ("flask-framework/statsd-exporter", Some("go")),
    ("flask-framework/logging", Some("nil")),
    ("flask-framework/runtime", Some("nil")),
    ("flask-framework/runtime-libs", Some("nil")),
];

const DJANGO_PARTS: &[(&str, Option<&str>)] = &[
    ("django-framework/dependencies", Some("python")),
    ("django-framework/install-app", Some("dump")),
    ("django-framework/config-files", Some("dump")),
    ("django-framework/statsd-exporter", Some("go")),
    ("django-framework/logging", Some("nil")),
    ("django-framework/runtime", Some("nil")),
    ("django-framework/runtime-libs", Some("nil")),
];

const FASTAPI_PARTS: &[(&str, Option<&str>)] = &[
    ("fastapi-framework/dependencies", Some("python")),
    ("fastapi-framework/install-app", Some("dump")),
    ("fastapi-framework/logging", Some("nil")),
    ("fastapi-framework/runtime", Some("nil")),
];

const GO_PARTS: &[(&str, Option<&str>)] = &[
    ("go-framework/base-layout", Some("nil")),
    ("go-framework/install-app", Some("go")),
    ("go-framework/runtime", Some("nil")),
    ("go-framework/logging", Some("nil")),
    ("go-framework/assets", Some("dump")),
];

const EXPRESSJS_PARTS: &[(&str, Option<&str>)] = &[
    ("expressjs-framework/install-app", Some("npm")),
    ("expressjs-framework/runtime", Some("nil")),
    ("expressjs-framework/logging", Some("nil")),
];

const SPRING_BOOT_PARTS: &[(&str, Option<&str>)] = &[
    ("spring-boot-framework/gradle-init-script", Some("nil")),
    ("spring-boot-framework/install-app", None),
    ("spring-boot-framework/runtime", Some("jlink")),
    ("spring-boot-framework/assets", Some("dump")),
];

const FLASK: Spec = Spec {
    name: "flask",
    extension: "flask-framework",
    rock: Rock {
        bases: JAMMY_NOBLE,
        experimental: false,
        services: &["flask", STATSD_EXPORTER],
        python: true,
        parts: FLASK_PARTS,
    },
    service: "flask",
    port: Port::Fixed(8000),
    app_dir: "/flask/app",
    configuration_prefix: "FLASK_",
    framework_config_prefix: "FLASK_",
    fields: &[
        field("env", "flask-env", Kind::Str(1), Default::None),
        field("debug", "flask-debug", Kind::Bool, Default::None),
        field(
            "secret_key",
            "flask-secret-key",
            Kind::Str(1),
            Default::None,
        ),
        field(
            "permanent_session_lifetime",
            "flask-permanent-session-lifetime",
            Kind::IntGt(0),
            Default::None,
        ),
        field(
            "application_root",
            "flask-application-root",
            Kind::Str(1),
            Default::None,
        ),
        field(
            "session_cookie_secure",
            "flask-session-cookie-secure",
            Kind::Bool,
            Default::None,
        ),
        field(
            "preferred_url_scheme",
            "flask-preferred-url-scheme",
            Kind::UrlScheme,
            Default::None,
        ),
    ],
    gunicorn_conf: Some("/flask/gunicorn.conf.py"),
    config_in_constructor: false,
    mappers: Mappers::Standard,
    django: false,
    fastapi_log_env: false,
    spring_env: false,
    json_logging: true,
    int_env: &[],
};

const DJANGO: Spec = Spec {
    name: "django",
    extension: "django-framework",
    rock: Rock {
        bases: JAMMY_NOBLE,
        experimental: false,
        services: &["django", STATSD_EXPORTER],
        python: true,
        parts: DJANGO_PARTS,
    },
    service: "django",
    port: Port::Fixed(8000),
    app_dir: "/django/app",
    configuration_prefix: "DJANGO_",
    framework_config_prefix: "DJANGO_",
    fields: &[
        field("debug", "django-debug", Kind::Bool, Default::None),
        field(
            "secret_key",
            "django-secret-key",
            Kind::Str(1),
            Default::None,
        ),
        field(
            "allowed_hosts",
            "django-allowed-hosts",
            Kind::HostList,
            Default::EmptyList,
        ),
    ],
    gunicorn_conf: Some("/django/gunicorn.conf.py"),
    config_in_constructor: false,
    mappers: Mappers::Standard,
    django: true,
    fastapi_log_env: false,
    spring_env: false,
    json_logging: true,
    int_env: &[],
};

const LOG_LEVELS: &[&str] = &["critical", "error", "warning", "info", "debug", "trace"];

const FASTAPI: Spec = Spec {
    name: "fastapi",
    extension: "fastapi-framework",
    rock: Rock {
        bases: NOBLE,
        experimental: false,
        services: &["fastapi"],
        python: true,
        parts: FASTAPI_PARTS,
    },
    service: "fastapi",
    port: Port::Field("uvicorn_port"),
    app_dir: "/app",
    configuration_prefix: "APP_",
    framework_config_prefix: "",
    fields: &[
        field(
            "uvicorn_port",
            "webserver-port",
            Kind::IntGt(0),
            Default::Int(8080),
        ),
        field(
            "uvicorn_host",
            "webserver-host",
            Kind::Str(0),
            Default::Str("0.0.0.0"),
        ),
        field(
            "web_concurrency",
            "webserver-workers",
            Kind::IntGt(0),
            Default::Int(1),
        ),
        field(
            "uvicorn_log_level",
            "webserver-log-level",
            Kind::Literal(LOG_LEVELS),
            Default::Str("info"),
        ),
        field(
            "metrics_port",
            "metrics-port",
            Kind::IntGt(0),
            Default::None,
        ),
        field("metrics_path", "metrics-path", Kind::Str(1), Default::None),
        field(
            "app_secret_key",
            "app-secret-key",
            Kind::Str(1),
            Default::None,
        ),
    ],
    gunicorn_conf: None,
    config_in_constructor: true,
    mappers: Mappers::Standard,
    django: false,
    fastapi_log_env: true,
    spring_env: false,
    json_logging: true,
    int_env: &[],
};

const GO: Spec = Spec {
    name: "go",
    extension: "go-framework",
    rock: Rock {
        bases: NOBLE,
        experimental: false,
        services: &["go"],
        python: false,
        parts: GO_PARTS,
    },
    service: "go",
    port: Port::Field("port"),
    app_dir: "/app",
    configuration_prefix: "APP_",
    framework_config_prefix: "APP_",
    fields: &[
        field("port", "app-port", Kind::IntGt(0), Default::Int(8080)),
        field(
            "metrics_port",
            "metrics-port",
            Kind::IntGt(0),
            Default::None,
        ),
        field("metrics_path", "metrics-path", Kind::Str(1), Default::None),
        field("secret_key", "app-secret-key", Kind::Str(1), Default::None),
    ],
    gunicorn_conf: None,
    config_in_constructor: true,
    mappers: Mappers::Standard,
    django: false,
    fastapi_log_env: false,
    spring_env: false,
    json_logging: false,
    int_env: &[],
};

const EXPRESSJS: Spec = Spec {
    name: "expressjs",
    extension: "expressjs-framework",
    rock: Rock {
        bases: NOBLE,
        experimental: false,
        services: &["expressjs"],
        python: false,
        parts: EXPRESSJS_PARTS,
    },
    service: "expressjs",
    port: Port::Field("port"),
    app_dir: "/app",
    configuration_prefix: "APP_",
    framework_config_prefix: "",
    fields: &[
        field(
            "node_env",
            "node-env",
            Kind::Str(1),
            Default::Str("production"),
        ),
        field("port", "app-port", Kind::IntGt(0), Default::Int(8080)),
        field(
            "metrics_port",
            "metrics-port",
            Kind::IntGt(0),
            Default::None,
        ),
        field("metrics_path", "metrics-path", Kind::Str(1), Default::None),
        field(
            "app_secret_key",
            "app-secret-key",
            Kind::Str(1),
            Default::None,
        ),
    ],
    gunicorn_conf: None,
    config_in_constructor: true,
    mappers: Mappers::Standard,
    django: false,
    fastapi_log_env: false,
    spring_env: false,
    json_logging: false,
    int_env: &[],
};

const SPRING_BOOT: Spec = Spec {
    name: "spring-boot",
    extension: "spring-boot-framework",
    rock: Rock {
        bases: NOBLE,
        experimental: true,
        services: &["spring-boot"],
        python: false,
        parts: SPRING_BOOT_PARTS,
    },
    service: "spring-boot",
    port: Port::Field("server_port"),
    app_dir: "/app",
    configuration_prefix: "APP_",
    framework_config_prefix: "",
    fields: &[
        field(
            "server_port",
            "app-port",
            Kind::IntGt(0),
            Default::Int(8080),
        ),
        field("app_profiles", "app-profiles", Kind::Str(1), Default::None),
        field(
            "management_server_port",
            "metrics-port",
            Kind::IntGt(0),
            Default::Int(8080),
        ),
        field(
            "metrics_path",
            "metrics-path",
            Kind::Str(1),
            Default::Str("/actuator/prometheus"),
        ),
        field("secret_key", "app-secret-key", Kind::Str(1), Default::None),
    ],
    gunicorn_conf: None,
    config_in_constructor: true,
    mappers: Mappers::Spring,
    django: false,
    fastapi_log_env: false,
    spring_env: true,
    json_logging: false,
    int_env: &["spring.mail.port"],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_roles_by_suffix_without_case() {
        assert_eq!(ServiceRole::of("celery-worker"), ServiceRole::Worker);
        assert_eq!(ServiceRole::of("Beat-Scheduler"), ServiceRole::Scheduler);
        assert_eq!(ServiceRole::of("worker"), ServiceRole::Other);
        assert_eq!(ServiceRole::of(STATSD_EXPORTER), ServiceRole::Other);
    }

    #[test]
    fn names_round_trip_and_are_sorted() {
        for (i, f) in Framework::ALL.into_iter().enumerate() {
            assert_eq!(f.index(), i);
            assert_eq!(Framework::from_name(f.name()), Some(f));
            assert_eq!(Framework::from_extension(f.extension()), Some(f));
            assert!(f.spec().rock.services.contains(&f.service()));
        }
        let mut sorted = EXTENSION_NAMES;
        sorted.sort_unstable();
        assert_eq!(sorted, EXTENSION_NAMES);
    }
}
