//! `compose.yaml`: the deployment as a Compose Specification project, running the app as
//! paas-charm would without Juju.
//!
//! - The app's image is built from the generated Dockerfile (`docker/Dockerfile`) with the
//!   project directory as its context. Neither path is known when paasc writes the file (compose
//!   reads the Dockerfile relative to the context), so both come from the environment:
//!   `PAASC_PROJECT_DIR` and `PAASC_OUT_DIR` (compose refuses to start without them). Every service of the app reads the deployment's environment
//!   from `.env` (the same file `--emit env` writes, so the two cannot differ) and the main
//!   service has `gunicorn.conf.py` mounted where paas-charm writes it.
//! - One service per `-worker` and `-scheduler` service of the rock, with the app's
//!   environment, as paas-charm's layer gives them.
//! - The migration paas-charm runs before starting the app, as a one-shot service the others
//!   wait for (`service_completed_successfully`).
//! - Backing services (PostgreSQL, MySQL, MongoDB, Redis, Valkey, MinIO for S3, Mailpit for
//!   SMTP): an integration whose relation data points at a host named like its
//!   endpoint (`postgresql: {data: {endpoints: postgresql:5432, ...}}`) is provisioned as a
//!   service of that name (see [`BACKINGS`]), with a health check and a volume. Its credentials
//!   are the relation data the runtime computed `.env` from, written to
//!   `compose/<endpoint>.env` (mode 0600), so compose.yaml holds no secret.
//! - A development variant of the main service, `<service>-dev` under the Compose profile
//!   `dev` (`docker compose --profile dev up`): the project mounted over the app directory,
//!   gunicorn with `--reload`, on the next host port.

use crate::pebble::services;
use crate::Files;
use paasc_check::Resolved;
use paasc_diag::Diagnostic;
use paasc_frameworks::ServiceRole;
use paasc_runtime::Relation;
use paasc_syntax::Yaml;

/// The Compose file, in the output directory.
pub const COMPOSE: &str = "compose.yaml";

/// The directory of the backing services' environment files.
pub const PROVISION_DIR: &str = "compose/";

/// The build context: the project directory, which only the person running compose knows.
pub const CONTEXT: &str = "${PAASC_PROJECT_DIR:?set PAASC_PROJECT_DIR to the project directory}";

/// The generated Dockerfile (compose reads it relative to the context, so it is given in full).
pub const DOCKERFILE: &str =
    "${PAASC_OUT_DIR:?set PAASC_OUT_DIR to the directory of compose.yaml}/docker/Dockerfile";

/// Where the host a relation points the app at is written.
#[derive(Clone, Copy, Debug)]
pub enum Host {
    /// The first of the application databag's `endpoints` (`host:port,...`).
    Endpoints,
    /// A unit databag's `hostname`.
    UnitHostname,
    /// The application databag's field, a host name.
    Field(&'static str),
    /// The host of the URL in the application databag's field.
    Url(&'static str),
}

impl Host {
    /// The host `r` points at.
    fn of(self, r: &Relation) -> Option<String> {
        let strip_port = |hp: &str| hp.rsplit_once(':').map_or(hp, |(h, _)| h).to_string();
        match self {
            Host::Endpoints => Some(strip_port(r.app_data.get("endpoints")?.split(',').next()?)),
            Host::UnitHostname => r
                .units_data
                .values()
                .find_map(|u| u.get("hostname"))
                .cloned(),
            Host::Field(field) => r.app_data.get(field).cloned(),
            Host::Url(field) => {
                let url = r.app_data.get(field)?;
                let rest = url.split_once("://").map_or(url.as_str(), |(_, r)| r);
                Some(strip_port(rest.split('/').next()?))
            }
        }
    }
}

/// A value of a backing service's environment.
#[derive(Clone, Copy, Debug)]
pub enum Value {
    /// A field of the relation data (from a secret's content or the application databag, where
    /// the database libraries read credentials).
    Field(&'static str),
    /// A fixed value.
    Fixed(&'static str),
}

/// A backing service paasc can provision for an interface.
pub struct Backing {
    /// The interface the charm's endpoint declares.
    pub interface: &'static str,
    /// The image.
    pub image: &'static str,
    /// Where its data lives in the container (a named volume is mounted there).
    pub data: &'static str,
    /// The container's health check (`CMD-SHELL`), reading credentials from its environment.
    pub health: &'static str,
    /// The command, when the image's default is not enough.
    pub command: &'static [&'static str],
    /// Where the relation data says the app finds it.
    pub host: Host,
    /// The container's environment (an empty value is left out).
    pub env: &'static [(&'static str, Value)],
}

impl Backing {
    /// The container's environment for the relation `r`.
    fn env_of(&self, r: &Relation) -> Vec<(String, String)> {
        self.env
            .iter()
            .map(|(name, v)| {
                let value = match v {
                    Value::Fixed(text) => text.to_string(),
                    Value::Field(key) => r
                        .secrets
                        .values()
                        .find_map(|c| c.get(*key))
                        .or_else(|| r.app_data.get(*key))
                        .cloned()
                        .unwrap_or_default(),
                };
                (name.to_string(), value)
            })
            .filter(|(_, v)| !v.is_empty())
            .collect()
    }
}

/// What paasc provisions, by interface. The relation fields each reads are those the
/// runtime's integrations read for the same interface (paasc_runtime::integrations); when
/// that table learns sample relation data per interface, this one belongs beside it.
pub const BACKINGS: &[Backing] = &[
    Backing {
        interface: "postgresql_client",
        image: "postgres:16",
        data: "/var/lib/postgresql/data",
        health: "pg_isready -U \"$$POSTGRES_USER\" -d \"$$POSTGRES_DB\"",
        command: &[],
        host: Host::Endpoints,
        env: &[
            ("POSTGRES_USER", Value::Field("username")),
            ("POSTGRES_PASSWORD", Value::Field("password")),
            ("POSTGRES_DB", Value::Field("database")),
        ],
    },
    Backing {
        interface: "mysql_client",
        image: "mysql:8.4",
        data: "/var/lib/mysql",
        health: "mysqladmin ping -h 127.0.0.1 -u\"$$MYSQL_USER\" -p\"$$MYSQL_PASSWORD\"",
        command: &[],
        host: Host::Endpoints,
        env: &[
            ("MYSQL_USER", Value::Field("username")),
            ("MYSQL_PASSWORD", Value::Field("password")),
            ("MYSQL_DATABASE", Value::Field("database")),
            ("MYSQL_RANDOM_ROOT_PASSWORD", Value::Fixed("yes")),
        ],
    },
    Backing {
        interface: "mongodb_client",
        image: "mongo:7",
        data: "/data/db",
        health: "mongosh --quiet --eval \"db.adminCommand('ping')\"",
        command: &[],
        host: Host::Endpoints,
        env: &[
            ("MONGO_INITDB_ROOT_USERNAME", Value::Field("username")),
            ("MONGO_INITDB_ROOT_PASSWORD", Value::Field("password")),
            ("MONGO_INITDB_DATABASE", Value::Field("database")),
        ],
    },
    Backing {
        interface: "redis",
        image: "redis:7",
        data: "/data",
        health: "redis-cli ping",
        command: &[],
        host: Host::UnitHostname,
        env: &[],
    },
    Backing {
        interface: "valkey_client",
        image: "valkey/valkey:8",
        data: "/data",
        health: "valkey-cli -a \"$$VALKEY_PASSWORD\" --no-auth-warning ping",
        command: &[
            "sh",
            "-c",
            "exec valkey-server --requirepass \"$$VALKEY_PASSWORD\"",
        ],
        host: Host::Endpoints,
        env: &[("VALKEY_PASSWORD", Value::Field("password"))],
    },
    Backing {
        interface: "s3",
        image: "minio/minio:RELEASE.2025-04-22T22-12-26Z",
        data: "/data",
        health: "mc ready local",
        command: &["server", "/data"],
        host: Host::Url("endpoint"),
        env: &[
            ("MINIO_ROOT_USER", Value::Field("access-key")),
            ("MINIO_ROOT_PASSWORD", Value::Field("secret-key")),
        ],
    },
    Backing {
        interface: "smtp",
        image: "axllent/mailpit:v1.27",
        data: "/data",
        health: "/mailpit readyz",
        command: &[],
        host: Host::Field("host"),
        env: &[
            ("MP_DATABASE", Value::Fixed("/data/mailpit.db")),
            ("MP_SMTP_AUTH_ACCEPT_ANY", Value::Fixed("1")),
            ("MP_SMTP_AUTH_ALLOW_INSECURE", Value::Fixed("1")),
        ],
    },
];

/// The endpoints the charm requires, with their interfaces.
fn interfaces(app: &Resolved) -> Vec<(String, String)> {
    app.charm
        .get("requires")
        .and_then(Yaml::as_map)
        .unwrap_or(&[])
        .iter()
        .filter_map(|(k, v)| {
            Some((
                k.as_str()?.to_string(),
                v.get("interface")?.as_str()?.to_string(),
            ))
        })
        .collect()
}

/// The backing services this deployment asks for: endpoint, what provisions it, and its
/// relation data.
pub fn provisioned(app: &Resolved) -> Vec<(String, &'static Backing, &Relation)> {
    interfaces(app)
        .into_iter()
        .filter_map(|(endpoint, interface)| {
            let backing = BACKINGS.iter().find(|b| b.interface == interface)?;
            let relation = app.deployment.relations.get(&endpoint)?;
            (backing.host.of(relation).as_deref() == Some(endpoint.as_str()))
                .then_some((endpoint, backing, relation))
        })
        .collect()
}

fn s(v: &str) -> Yaml {
    Yaml::Str(v.to_string())
}

fn seq<'a>(items: impl IntoIterator<Item = &'a str>) -> Yaml {
    Yaml::Seq(items.into_iter().map(s).collect())
}

fn map(entries: Vec<(&str, Yaml)>) -> Yaml {
    Yaml::Map(entries.into_iter().map(|(k, v)| (s(k), v)).collect())
}

/// The `.env` file of the backing service on `endpoint`.
fn env_file(endpoint: &str) -> String {
    format!("{PROVISION_DIR}{endpoint}.env")
}

/// Whether `path` is one of this artifact's files holding secrets (the backing services'
/// environment files).
pub fn holds_secret(path: &str, _: &Files) -> bool {
    path.starts_with(PROVISION_DIR) && path.ends_with(".env")
}

/// The artifact's files: `compose.yaml` and the backing services' environment files.
pub fn files(app: &Resolved) -> Result<Files, Vec<Diagnostic>> {
    let mut out = Files::new();
    let backing = provisioned(app);
    let mut needs: Vec<(&str, Yaml)> = backing
        .iter()
        .map(|(e, _, _)| (e.as_str(), map(vec![("condition", s("service_healthy"))])))
        .collect();
    let fw = app.framework;
    let app_dir = fw.app_dir();
    let image = format!("{}:compose", app.deployment.app);
    let build = map(vec![("context", s(CONTEXT)), ("dockerfile", s(DOCKERFILE))]);
    let base = |entry: Vec<(&'static str, Yaml)>| -> Vec<(&'static str, Yaml)> {
        let mut all = vec![
            ("image", s(&image)),
            ("build", build.clone()),
            ("env_file", seq([crate::env::DOTENV])),
        ];
        all.extend(entry);
        all
    };
    let mut compose: Vec<(&str, Yaml)> = Vec::new();
    let migration =
        paasc_runtime::migration_command(fw, |f| app.rock_dir.entries.iter().any(|e| e == f));
    if let Some(cmd) = &migration {
        let mut entry = base(vec![
            ("entrypoint", seq(cmd.iter().map(String::as_str))),
            ("working_dir", s(app_dir)),
            ("restart", s("no")),
        ]);
        if !needs.is_empty() {
            entry.push(("depends_on", map(needs.clone())));
        }
        compose.push(("migrate", map(entry)));
        needs.insert(
            0,
            (
                "migrate",
                map(vec![("condition", s("service_completed_successfully"))]),
            ),
        );
    }
    let conf = app.plan.gunicorn_conf.as_ref().map(|_| {
        let parent = app_dir.rsplit_once('/').map_or("", |(b, _)| b);
        format!(
            "./{}:{parent}/{}:ro",
            crate::gunicorn::GUNICORN_CONF,
            crate::gunicorn::GUNICORN_CONF
        )
    });
    let port = app.plan.port.unwrap_or(8000);
    let mut dev = None;
    let mut problems = Vec::new();
    for svc in services::read(app, app.plan.layer.as_ref()) {
        if !svc.main && svc.role == ServiceRole::Other {
            continue;
        }
        let args = match svc.args() {
            Ok(a) => a,
            Err(why) => {
                problems.push(why);
                continue;
            }
        };
        let mut entry = base(vec![("entrypoint", seq(args.iter().map(String::as_str)))]);
        if let Some(dir) = svc.working_dir {
            entry.push(("working_dir", s(dir)));
        }
        if !needs.is_empty() {
            entry.push(("depends_on", map(needs.clone())));
        }
        entry.push(("restart", s("unless-stopped")));
        if svc.main {
            let mut volumes: Vec<String> = conf.iter().cloned().collect();
            entry.push(("ports", seq([format!("{port}:{port}").as_str()])));
            if !volumes.is_empty() {
                entry.push(("volumes", seq(volumes.iter().map(String::as_str))));
            }
            let mut reload = args.clone();
            if fw.spec().gunicorn() {
                reload.push("--reload".into());
            }
            volumes.push(format!("{CONTEXT}:{app_dir}"));
            let mut d = base(vec![("entrypoint", seq(reload.iter().map(String::as_str)))]);
            if let Some(dir) = svc.working_dir {
                d.push(("working_dir", s(dir)));
            }
            if !needs.is_empty() {
                d.push(("depends_on", map(needs.clone())));
            }
            d.push(("ports", seq([format!("{}:{port}", port + 1).as_str()])));
            d.push(("volumes", seq(volumes.iter().map(String::as_str))));
            d.push(("profiles", seq(["dev"])));
            dev = Some((format!("{}-dev", svc.name), map(d)));
        }
        compose.push((svc.name, map(entry)));
    }
    if !problems.is_empty() {
        return Err(problems
            .into_iter()
            .map(|why| {
                Diagnostic::new(
                    crate::helm::app::SERVICE_COMMAND,
                    app.anchor,
                    paasc_diag::Span::point(0),
                    format!("a service's command cannot be run by compose: {why}"),
                )
            })
            .collect());
    }
    let mut volumes = Vec::new();
    for (endpoint, b, relation) in &backing {
        let volume = format!("{endpoint}-data");
        let mut entry = vec![("image", s(b.image))];
        if !b.command.is_empty() {
            entry.push(("command", seq(b.command.iter().copied())));
        }
        let env = b.env_of(relation);
        if !env.is_empty() {
            entry.push(("env_file", seq([env_file(endpoint).as_str()])));
            let text = crate::env::render(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                .map_err(|e| {
                    vec![Diagnostic::new(
                        crate::env::UNREPRESENTABLE,
                        app.anchor,
                        paasc_diag::Span::point(0),
                        format!(
                            "`{}` of the {endpoint} service cannot be written to {}: it {}",
                            e.name,
                            env_file(endpoint),
                            e.reason
                        ),
                    )]
                })?;
            out.push((env_file(endpoint), text));
        }
        entry.push(("volumes", seq([format!("{volume}:{}", b.data).as_str()])));
        entry.push((
            "healthcheck",
            map(vec![
                ("test", seq(["CMD-SHELL", b.health])),
                ("interval", s("5s")),
                ("timeout", s("5s")),
                ("retries", Yaml::Int(20)),
            ]),
        ));
        entry.push(("restart", s("unless-stopped")));
        volumes.push((volume, Yaml::Map(Vec::new())));
        compose.push((endpoint.as_str(), map(entry)));
    }
    if let Some((name, d)) = &dev {
        compose.push((name.as_str(), d.clone()));
    }
    let mut doc = vec![("services", map(compose))];
    if !volumes.is_empty() {
        doc.push((
            "volumes",
            Yaml::Map(
                volumes
                    .into_iter()
                    .map(|(k, v)| (Yaml::Str(k), v))
                    .collect(),
            ),
        ));
    }
    let text = format!(
        "# Generated by paasc: the app as paas-charm runs it, without Juju (`docker compose up`;\n# `docker compose --profile dev up` adds {}). Secrets are in .env and compose/*.env.\n{}",
        dev.as_ref()
            .map_or("nothing".to_string(), |(n, _)| format!("`{n}`, with the source mounted and reloading")),
        paasc_syntax::write::to_string(&map(doc))
    );
    out.insert(0, (COMPOSE.to_string(), text));
    Ok(out)
}

/// The artifact: [`files`] and the files compose.yaml reads (`.env`, `gunicorn.conf.py`,
/// `docker/`), rendered by their own back ends.
pub fn with_inputs(app: &Resolved) -> Result<Files, Vec<Diagnostic>> {
    let mut out = files(app)?;
    out.extend(crate::env::dotenv_files(app)?);
    out.extend(crate::gunicorn::files(app)?);
    out.extend(crate::dockerfile::files(app)?);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_credentials_come_from_the_relation_data() {
        let mut r = Relation::default();
        r.app_data
            .insert("endpoints".into(), "db:5432,db-replica:5432".into());
        r.app_data.insert("username".into(), "u".into());
        r.secrets.insert(
            "secret-user".into(),
            [("password".to_string(), "p".to_string())]
                .into_iter()
                .collect(),
        );
        assert_eq!(Host::Endpoints.of(&r).as_deref(), Some("db"));
        let pg = &BACKINGS[0];
        assert_eq!(
            pg.env_of(&r),
            [
                ("POSTGRES_USER".to_string(), "u".to_string()),
                ("POSTGRES_PASSWORD".to_string(), "p".to_string()),
            ]
        );
        r.app_data
            .insert("endpoint".into(), "http://s3:9000/bucket".into());
        assert_eq!(Host::Url("endpoint").of(&r).as_deref(), Some("s3"));
        r.units_data.insert(
            0,
            [("hostname".to_string(), "cache".to_string())]
                .into_iter()
                .collect(),
        );
        assert_eq!(Host::UnitHostname.of(&r).as_deref(), Some("cache"));
        r.app_data.insert("host".into(), "smtp".into());
        assert_eq!(Host::Field("host").of(&r).as_deref(), Some("smtp"));
        assert!(BACKINGS.iter().all(|b| b
            .interface
            .chars()
            .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())));
    }
}
