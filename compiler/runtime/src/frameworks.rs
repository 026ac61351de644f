//! The six paas-charm frameworks as data: workload constants, env prefixes and the fields of
//! each framework's pydantic config model.

/// A supported framework.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Framework {
    /// `flask-framework`.
    Flask,
    /// `django-framework`.
    Django,
    /// `fastapi-framework`.
    FastApi,
    /// `go-framework`.
    Go,
    /// `expressjs-framework`.
    ExpressJs,
    /// `spring-boot-framework`.
    SpringBoot,
}

impl Framework {
    /// Every framework.
    pub const ALL: [Framework; 6] = [
        Framework::Flask,
        Framework::Django,
        Framework::FastApi,
        Framework::Go,
        Framework::ExpressJs,
        Framework::SpringBoot,
    ];

    /// The paas-charm framework name (`flask`, ..., `spring-boot`).
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The framework of a name such as `flask` or an extension such as `flask-framework`.
    pub fn from_name(name: &str) -> Option<Framework> {
        let name = name.strip_suffix("-framework").unwrap_or(name);
        Framework::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The main Pebble service (`flask`, ..., `spring-boot`).
    pub fn service(self) -> &'static str {
        self.spec().service
    }

    /// The app's directory in the container, where migrations run (`/flask/app`, `/app`).
    pub fn app_dir(self) -> &'static str {
        self.spec().app_dir
    }

    pub(crate) fn spec(self) -> &'static Spec {
        match self {
            Framework::Flask => &FLASK,
            Framework::Django => &DJANGO,
            Framework::FastApi => &FASTAPI,
            Framework::Go => &GO,
            Framework::ExpressJs => &EXPRESSJS,
            Framework::SpringBoot => &SPRING_BOOT,
        }
    }
}

/// Validation rule of a framework config field.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
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
pub(crate) enum Default {
    None,
    Str(&'static str),
    Int(i64),
    EmptyList,
}

/// One field of a framework config model.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Field {
    pub name: &'static str,
    pub alias: &'static str,
    pub kind: Kind,
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
pub(crate) enum Port {
    Fixed(u32),
    Field(&'static str),
}

/// Which integration-to-env mappers the framework's App class uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mappers {
    Standard,
    Spring,
}

/// Everything paas-charm hard-codes per framework.
#[derive(Debug)]
pub(crate) struct Spec {
    pub name: &'static str,
    pub service: &'static str,
    pub port: Port,
    pub app_dir: &'static str,
    pub configuration_prefix: &'static str,
    pub framework_config_prefix: &'static str,
    pub fields: &'static [Field],
    /// Gunicorn-based (flask, django): worker classes and `gunicorn.conf.py`.
    pub gunicorn: bool,
    /// The framework config is validated in the charm constructor, so errors raise.
    pub config_in_constructor: bool,
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
    /// The field holding the secret key (`secret_key` or else `app_secret_key`).
    pub fn secret_key_field(&self) -> Option<&Field> {
        let find = |n: &str| self.fields.iter().find(|f| f.name == n);
        find("secret_key").or_else(|| find("app_secret_key"))
    }
}

static FLASK: Spec = Spec {
    name: "flask",
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
    gunicorn: true,
    config_in_constructor: false,
    mappers: Mappers::Standard,
    django: false,
    fastapi_log_env: false,
    spring_env: false,
    json_logging: true,
    int_env: &[],
};

static DJANGO: Spec = Spec {
    name: "django",
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
    gunicorn: true,
    config_in_constructor: false,
    mappers: Mappers::Standard,
    django: true,
    fastapi_log_env: false,
    spring_env: false,
    json_logging: true,
    int_env: &[],
};

const LOG_LEVELS: &[&str] = &["critical", "error", "warning", "info", "debug", "trace"];

static FASTAPI: Spec = Spec {
    name: "fastapi",
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
    gunicorn: false,
    config_in_constructor: true,
    mappers: Mappers::Standard,
    django: false,
    fastapi_log_env: true,
    spring_env: false,
    json_logging: true,
    int_env: &[],
};

static GO: Spec = Spec {
    name: "go",
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
    gunicorn: false,
    config_in_constructor: true,
    mappers: Mappers::Standard,
    django: false,
    fastapi_log_env: false,
    spring_env: false,
    json_logging: false,
    int_env: &[],
};

static EXPRESSJS: Spec = Spec {
    name: "expressjs",
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
    gunicorn: false,
    config_in_constructor: true,
    mappers: Mappers::Standard,
    django: false,
    fastapi_log_env: false,
    spring_env: false,
    json_logging: false,
    int_env: &[],
};

static SPRING_BOOT: Spec = Spec {
    name: "spring-boot",
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
    gunicorn: false,
    config_in_constructor: true,
    mappers: Mappers::Spring,
    django: false,
    fastapi_log_env: false,
    spring_env: true,
    json_logging: false,
    int_env: &["spring.mail.port"],
};
