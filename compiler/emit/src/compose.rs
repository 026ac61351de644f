//! `compose.yaml`: the deployment as a Compose Specification project, running the app as
//! paas-charm would without Juju.
//!
//! - The app's image is built from the generated Dockerfile (`docker/Dockerfile`) with the
//!   project directory as its context, both by paths relative to compose.yaml's directory
//!   and the context ([`Placement`]), so the file runs as written wherever the two sit, and its
//!   text depends only on how they sit. Every service of the app reads the deployment's environment
//!   from `.env` (the same file `--emit env` writes, so the two cannot differ) and the main
//!   service has `gunicorn.conf.py` mounted where paas-charm writes it.
//! - One service per `-worker` and `-scheduler` service of the rock, with the app's
//!   environment, as paas-charm's layer gives them.
//! - The migration paas-charm runs before starting the app, as a one-shot service the others
//!   wait for (`service_completed_successfully`).
//! - Backing services (PostgreSQL, MySQL, MongoDB, Redis, Valkey, MinIO for S3, Mailpit for
//!   SMTP, RabbitMQ, Jaeger for tracing): an integration whose relation data is what its
//!   provider would publish for a service named like the endpoint (the runtime's
//!   [`paasc_runtime::Integration::sample`], read back by probing it) is provisioned as a
//!   service of that name (see [`BACKINGS`]), with a health check (when the image has a shell)
//!   and a volume. Its credentials are those of that relation data, from which the runtime
//!   computed `.env`, written to `compose/<endpoint>.env` (mode 0600), so compose.yaml holds no
//!   secret.
//! - A development variant of the main service, `<service>-dev` under the Compose profile
//!   `dev` (`docker compose --profile dev up`): the project mounted over the app directory,
//!   gunicorn with `--reload`, on the next host port.

pub mod provision;

use crate::pebble::services;
use crate::{Files, Placement};
use paasc_check::Resolved;
use paasc_diag::Diagnostic;
use paasc_frameworks::ServiceRole;
use paasc_runtime::{Relation, Sample};
use paasc_syntax::Yaml;

/// The Compose file, in the output directory.
pub const COMPOSE: &str = "compose.yaml";

/// The directory of the backing services' environment files.
pub const PROVISION_DIR: &str = "compose/";

/// A value of a backing service's environment, from the [`Sample`] its relation data
/// describes.
#[derive(Clone, Copy, Debug)]
pub enum Value {
    /// The user (or access key) generated for the app.
    User,
    /// The password (or secret key).
    Password,
    /// The database (or bucket).
    Database,
    /// The app's name (RabbitMQ's user: paas-charm connects as the app).
    App,
    /// A fixed value.
    Fixed(&'static str),
}

/// A backing service paasc can provision for an interface. Which relation field holds the
/// host, user, password or database is not said here: the runtime's integration row says it
/// once, in the relation data its provider publishes ([`paasc_runtime::Integration::sample`]).
pub struct Backing {
    /// The interface the charm's endpoint declares.
    pub interface: &'static str,
    /// The image.
    pub image: &'static str,
    /// Where its data lives in the container (a named volume is mounted there).
    pub data: &'static str,
    /// The container's health check (`CMD-SHELL`), reading credentials from its environment;
    /// `None` for an image without a shell, which the app waits for only to start.
    pub health: Option<&'static str>,
    /// The command, when the image's default is not enough.
    pub command: &'static [&'static str],
    /// The container's environment (an empty value is left out).
    pub env: &'static [(&'static str, Value)],
    /// A one-shot service that prepares it for the app once it is healthy (MinIO's bucket),
    /// which the app waits for.
    pub setup: Option<Setup>,
}

/// A one-shot service run against a backing service, with its environment file.
#[derive(Clone, Copy, Debug)]
pub struct Setup {
    /// The image.
    pub image: &'static str,
    /// The `sh -c` script, `{host}` standing for the service's host name.
    pub script: &'static str,
}

/// The probe: a sample whose every field is a marker no real value holds.
const PROBE: Sample<'static> = Sample {
    host: "<<paasc-probe-host>>",
    user: "<<paasc-probe-user>>",
    password: "<<paasc-probe-password>>",
    database: "<<paasc-probe-database>>",
};

/// The fields of a relation, as (where, value): the application databag (a provider secret
/// holding the same key counts as the field), then each unit's databag.
fn fields(r: &Relation) -> Vec<(Option<u32>, &str, &str)> {
    let mut out: Vec<(Option<u32>, &str, &str)> = r
        .app_data
        .iter()
        .map(|(k, v)| (None, k.as_str(), v.as_str()))
        .collect();
    for (unit, bag) in &r.units_data {
        out.extend(
            bag.iter()
                .map(|(k, v)| (Some(*unit), k.as_str(), v.as_str())),
        );
    }
    out
}

/// The value of the field `(unit, key)` of `r` (for the application databag, a provider
/// secret's key of that name first, where the database libraries read credentials).
fn field<'a>(r: &'a Relation, unit: Option<u32>, key: &str) -> Option<&'a str> {
    match unit {
        None => r
            .secrets
            .values()
            .find_map(|c| c.get(key))
            .or_else(|| r.app_data.get(key))
            .map(String::as_str),
        Some(n) => r.units_data.get(&n)?.get(key).map(String::as_str),
    }
}

/// Reads `actual` against `pattern` (a probe value: text with markers), giving each marker's
/// text, or `None` when the literal text differs.
fn read_pattern<'a>(pattern: &str, actual: &'a str) -> Option<Vec<(&'static str, &'a str)>> {
    let markers = [PROBE.host, PROBE.user, PROBE.password, PROBE.database];
    let mut out = Vec::new();
    let (mut p, mut a) = (pattern, actual);
    loop {
        let next = markers
            .iter()
            .filter_map(|m| p.find(m).map(|i| (i, *m)))
            .min_by_key(|(i, _)| *i);
        let Some((i, marker)) = next else {
            return (p == a).then_some(out);
        };
        a = a.strip_prefix(&p[..i])?;
        p = &p[i + marker.len()..];
        let lit_end = markers
            .iter()
            .filter_map(|m| p.find(m))
            .min()
            .unwrap_or(p.len());
        let lit = &p[..lit_end];
        let take = if lit.is_empty() && lit_end == p.len() {
            a.len()
        } else if lit.is_empty() {
            return None;
        } else {
            a.find(lit)?
        };
        out.push((marker, &a[..take]));
        a = &a[take..];
    }
}

/// The sample `r` is, as `sample` publishes it: each field `sample` writes must read back the
/// same from the values found, so a relation of another shape (another port, a URI with more
/// in it) is no sample.
fn sample_of(sample: fn(&Sample) -> Relation, r: &Relation) -> Option<[String; 4]> {
    let probe = sample(&PROBE);
    let mut found: [Option<String>; 4] = Default::default();
    let slot = |m: &str| {
        [PROBE.host, PROBE.user, PROBE.password, PROBE.database]
            .iter()
            .position(|x| *x == m)
    };
    for (unit, key, pattern) in fields(&probe) {
        for (marker, text) in read_pattern(pattern, field(r, unit, key)?)? {
            let i = slot(marker)?;
            match &found[i] {
                Some(v) if v != text => return None,
                _ => found[i] = Some(text.to_string()),
            }
        }
    }
    let [host, user, password, database] = found.map(Option::unwrap_or_default);
    let again = sample(&Sample {
        host: &host,
        user: &user,
        password: &password,
        database: &database,
    });
    let same = fields(&again)
        .into_iter()
        .all(|(unit, key, v)| field(r, unit, key) == Some(v));
    same.then_some([host, user, password, database])
}

/// A provisioned backing service: its endpoint, what runs it, and the credentials its relation
/// data gives the app.
pub struct Provisioned {
    /// The endpoint, also the service's host name.
    pub endpoint: String,
    /// What runs it.
    pub backing: &'static Backing,
    /// The user, password and database its relation data gives.
    pub user: String,
    /// See [`Provisioned::user`].
    pub password: String,
    /// See [`Provisioned::user`].
    pub database: String,
}

impl Provisioned {
    /// The container's environment, for the app `app`.
    fn env(&self, app: &str) -> Vec<(String, String)> {
        self.backing
            .env
            .iter()
            .map(|(name, v)| {
                let value = match v {
                    Value::User => &self.user,
                    Value::Password => &self.password,
                    Value::Database => &self.database,
                    Value::App => app,
                    Value::Fixed(text) => *text,
                };
                (name.to_string(), value.to_string())
            })
            .filter(|(_, v)| !v.is_empty())
            .collect()
    }
}

/// What paasc provisions, by interface.
pub const BACKINGS: &[Backing] = &[
    Backing {
        interface: "postgresql_client",
        image: "postgres:16",
        data: "/var/lib/postgresql/data",
        health: Some("pg_isready -U \"$$POSTGRES_USER\" -d \"$$POSTGRES_DB\""),
        command: &[],
        env: &[
            ("POSTGRES_USER", Value::User),
            ("POSTGRES_PASSWORD", Value::Password),
            ("POSTGRES_DB", Value::Database),
        ],
        setup: None,
    },
    Backing {
        interface: "mysql_client",
        image: "mysql:8.4",
        data: "/var/lib/mysql",
        health: Some("mysqladmin ping -h 127.0.0.1 -u\"$$MYSQL_USER\" -p\"$$MYSQL_PASSWORD\""),
        command: &[],
        env: &[
            ("MYSQL_USER", Value::User),
            ("MYSQL_PASSWORD", Value::Password),
            ("MYSQL_DATABASE", Value::Database),
            ("MYSQL_RANDOM_ROOT_PASSWORD", Value::Fixed("yes")),
        ],
        setup: None,
    },
    Backing {
        interface: "mongodb_client",
        image: "mongo:7",
        data: "/data/db",
        health: Some("mongosh --quiet --eval \"db.adminCommand('ping')\""),
        command: &[],
        env: &[
            ("MONGO_INITDB_ROOT_USERNAME", Value::User),
            ("MONGO_INITDB_ROOT_PASSWORD", Value::Password),
            ("MONGO_INITDB_DATABASE", Value::Database),
        ],
        // The image creates the user in `admin`; the app's connect string (no `authSource`)
        // authenticates against its own database, so the user is created there too.
        setup: Some(Setup {
            image: "mongo:7",
            script: "mongosh --quiet \"mongodb://{host}:27017/admin\" -u \"$$MONGO_INITDB_ROOT_USERNAME\" -p \"$$MONGO_INITDB_ROOT_PASSWORD\" --eval 'const e = process.env; const d = db.getSiblingDB(e.MONGO_INITDB_DATABASE); if (!d.getUser(e.MONGO_INITDB_ROOT_USERNAME)) d.createUser({user: e.MONGO_INITDB_ROOT_USERNAME, pwd: e.MONGO_INITDB_ROOT_PASSWORD, roles: [{role: \"readWrite\", db: e.MONGO_INITDB_DATABASE}]})'",
        }),
    },
    Backing {
        interface: "redis",
        image: "redis:7",
        data: "/data",
        health: Some("redis-cli ping"),
        command: &[],
        env: &[],
        setup: None,
    },
    Backing {
        interface: "valkey_client",
        image: "valkey/valkey:8",
        data: "/data",
        health: Some("valkey-cli -a \"$$VALKEY_PASSWORD\" --no-auth-warning ping"),
        command: &[
            "sh",
            "-c",
            "exec valkey-server --requirepass \"$$VALKEY_PASSWORD\"",
        ],
        env: &[("VALKEY_PASSWORD", Value::Password)],
        setup: None,
    },
    Backing {
        interface: "s3",
        image: "minio/minio:RELEASE.2025-04-22T22-12-26Z",
        data: "/data",
        health: Some("mc ready local"),
        command: &["server", "/data"],
        env: &[
            ("MINIO_ROOT_USER", Value::User),
            ("MINIO_ROOT_PASSWORD", Value::Password),
            ("MINIO_BUCKET", Value::Database),
        ],
        setup: Some(Setup {
            image: "minio/mc:RELEASE.2025-04-16T18-13-26Z",
            script: "mc alias set local http://{host}:9000 \"$$MINIO_ROOT_USER\" \"$$MINIO_ROOT_PASSWORD\" && mc mb --ignore-existing \"local/$$MINIO_BUCKET\"",
        }),
    },
    Backing {
        interface: "smtp",
        image: "axllent/mailpit:v1.27",
        data: "/data",
        health: Some("/mailpit readyz"),
        command: &[],
        env: &[
            ("MP_DATABASE", Value::Fixed("/data/mailpit.db")),
            ("MP_SMTP_AUTH_ACCEPT_ANY", Value::Fixed("1")),
            ("MP_SMTP_AUTH_ALLOW_INSECURE", Value::Fixed("1")),
        ],
        setup: None,
    },
    Backing {
        interface: "rabbitmq",
        image: "rabbitmq:3.13-management",
        data: "/var/lib/rabbitmq",
        health: Some("rabbitmq-diagnostics -q ping"),
        command: &[],
        env: &[
            ("RABBITMQ_DEFAULT_USER", Value::App),
            ("RABBITMQ_DEFAULT_PASS", Value::Password),
        ],
        setup: None,
    },
    Backing {
        interface: "tracing",
        image: "jaegertracing/all-in-one:1.62.0",
        data: "/tmp",
        health: None,
        command: &[],
        env: &[("COLLECTOR_OTLP_ENABLED", Value::Fixed("true"))],
        setup: None,
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

/// The backing services this deployment asks for: each endpoint whose relation data is what
/// its integration's provider would publish for a service named like the endpoint.
pub fn provisioned(app: &Resolved) -> Vec<Provisioned> {
    interfaces(app)
        .into_iter()
        .filter_map(|(endpoint, interface)| {
            let backing = BACKINGS.iter().find(|b| b.interface == interface)?;
            let sample = paasc_runtime::TABLE
                .iter()
                .find(|row| row.interface == interface)?
                .sample?;
            let relation = app.deployment.relations.get(&endpoint)?;
            let [host, user, password, database] = sample_of(sample, relation)?;
            (host == endpoint).then_some(Provisioned {
                endpoint,
                backing,
                user,
                password,
                database,
            })
        })
        .collect()
}

fn s(v: &str) -> Yaml {
    Yaml::str(v)
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
pub fn files(app: &Resolved, placement: &Placement) -> Result<Files, Vec<Diagnostic>> {
    let mut out = Files::new();
    let backing = provisioned(app);
    let setups: Vec<(String, &Provisioned, Setup)> = backing
        .iter()
        .filter_map(|p| Some((format!("{}-setup", p.endpoint), p, p.backing.setup?)))
        .collect();
    let mut needs: Vec<(&str, Yaml)> = backing
        .iter()
        .map(|p| {
            let ready = if p.backing.health.is_some() {
                "service_healthy"
            } else {
                "service_started"
            };
            (p.endpoint.as_str(), map(vec![("condition", s(ready))]))
        })
        .collect();
    needs.extend(setups.iter().map(|(name, _, _)| {
        (
            name.as_str(),
            map(vec![("condition", s("service_completed_successfully"))]),
        )
    }));
    let fw = app.framework;
    let app_dir = fw.app_dir();
    let image = format!("{}:compose", app.deployment.app);
    let dockerfile = format!("{}/{}", placement.out, crate::dockerfile::DOCKERFILE);
    let build = map(vec![
        ("context", s(&placement.project)),
        ("dockerfile", s(&dockerfile)),
    ]);
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
            volumes.push(format!("{}:{app_dir}", placement.project));
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
    for p in &backing {
        let (endpoint, b) = (&p.endpoint, p.backing);
        let volume = format!("{endpoint}-data");
        let mut entry = vec![("image", s(b.image))];
        if !b.command.is_empty() {
            entry.push(("command", seq(b.command.iter().copied())));
        }
        let env = p.env(&app.deployment.app);
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
            out.push((env_file(endpoint), text.into()));
        }
        entry.push(("volumes", seq([format!("{volume}:{}", b.data).as_str()])));
        if let Some(health) = b.health {
            entry.push((
                "healthcheck",
                map(vec![
                    ("test", seq(["CMD-SHELL", health])),
                    ("interval", s("5s")),
                    ("timeout", s("5s")),
                    ("retries", Yaml::Int(20)),
                ]),
            ));
        }
        entry.push(("restart", s("unless-stopped")));
        volumes.push((volume, Yaml::Map(Vec::new())));
        compose.push((endpoint.as_str(), map(entry)));
    }
    for (name, p, setup) in &setups {
        let script = setup.script.replace("{host}", &p.endpoint);
        compose.push((
            name.as_str(),
            map(vec![
                ("image", s(setup.image)),
                ("env_file", seq([env_file(&p.endpoint).as_str()])),
                ("entrypoint", seq(["sh", "-c", script.as_str()])),
                (
                    "depends_on",
                    map(vec![(
                        p.endpoint.as_str(),
                        map(vec![("condition", s("service_healthy"))]),
                    )]),
                ),
                ("restart", s("no")),
            ]),
        ));
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
                    .map(|(k, v)| (Yaml::str(k), v))
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
    out.insert(0, (COMPOSE.to_string(), text.into()));
    Ok(out)
}

/// The artifact: [`files`] and the files compose.yaml reads (`.env`, `gunicorn.conf.py`,
/// `docker/`), rendered by their own back ends in `mode` for a run rendering `projects`
/// (compose.yaml itself is always written: its problems are found in writing it).
pub fn with_inputs(
    app: &Resolved,
    placement: &Placement,
    mode: crate::Mode,
    projects: crate::Projects,
) -> Result<Files, Vec<Diagnostic>> {
    let mut out = files(app, placement)?;
    out.extend(crate::env::dotenv_files(app, mode)?);
    out.extend(crate::gunicorn::files(app, mode)?);
    out.extend(crate::dockerfile::files(app, mode, projects)?);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(interface: &str) -> fn(&Sample) -> Relation {
        paasc_runtime::TABLE
            .iter()
            .find(|r| r.interface == interface)
            .and_then(|r| r.sample)
            .expect("a sample")
    }

    #[test]
    fn every_backing_reads_its_sample_back() {
        for b in BACKINGS {
            let sample = row(b.interface);
            let given = Sample {
                host: "db",
                user: "u",
                password: "p:w@x/y",
                database: "d",
            };
            let got = sample_of(sample, &sample(&given)).expect(b.interface);
            assert_eq!(got[0], "db", "{}", b.interface);
            let r = sample(&given);
            for (i, v) in [(1, "u"), (2, "p:w@x/y"), (3, "d")] {
                let probed = fields(&sample(&PROBE)).iter().any(|(_, _, f)| {
                    f.contains([PROBE.user, PROBE.password, PROBE.database][i - 1])
                });
                if probed {
                    assert_eq!(got[i], v, "{} {i} {r:?}", b.interface);
                }
            }
        }
    }

    #[test]
    fn credentials_in_a_provider_secret_count_and_other_shapes_do_not() {
        let sample = row("postgresql_client");
        let mut r = sample(&Sample {
            host: "postgresql",
            user: "u",
            password: "p",
            database: "d",
        });
        let pw = r.app_data.shift_remove("password").expect("password");
        r.secrets.insert(
            "secret-user".into(),
            [("password".to_string(), pw)].into_iter().collect(),
        );
        let got = sample_of(sample, &r).expect("read");
        assert_eq!(got, ["postgresql", "u", "p", "d"].map(String::from));
        r.app_data
            .insert("endpoints".into(), "postgresql:5433".into());
        assert!(sample_of(sample, &r).is_none());
        assert!(sample_of(sample, &Relation::default()).is_none());
    }
}
