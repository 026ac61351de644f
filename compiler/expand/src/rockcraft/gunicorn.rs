//! `flask-framework` and `django-framework` (rockcraft's `gunicorn.py`).

use super::python::{self, Module};
use super::requirements;
use super::{
    at_extension, logging_part, map, module_name, organize_by_prime, owned, prime_entries_match,
    python_locations, s, string_list, strs, Ctx, Failure, DATA_DIR,
};
use crate::{ExpandError, Location, ProjectDir};
use paasc_diag::Code;
use paasc_syntax::Yaml;

/// Default prime entries of flask's install-app part, when they exist.
const FLASK_DEFAULT_PRIME: [&str; 9] = [
    "app",
    "app.py",
    "main.py",
    "src",
    "migrate",
    "migrate.sh",
    "migrate.py",
    "static",
    "templates",
];

/// The variable names flask's discovery tries, in the order Python's `set` iterates
/// `{"app", "application"}` under `PYTHONHASHSEED=0` (the order the corpus recorded).
const WSGI_VARIABLES: [&str; 2] = ["application", "app"];

/// Requirement names from `requirements.txt` and `pyproject.toml`, as `_requirements()` reads them.
fn requirement_names(dir: &ProjectDir) -> Result<Vec<String>, ExpandError> {
    let mut names = Vec::new();
    if let Some(text) = dir.texts.get("requirements.txt") {
        names.extend(requirements::from_requirements_txt(text));
    }
    if let Some(text) = dir.texts.get("pyproject.toml") {
        let deps = requirements::from_pyproject(text).map_err(|(e, span)| {
            ExpandError::new(
                Code::ROCK_PYPROJECT_INVALID,
                format!("pyproject.toml is not valid TOML: {e}"),
                at_extension(),
                "fix pyproject.toml; rockcraft stops with a TOMLDecodeError on it",
            )
            .about("pyproject.toml", span.or(Some(0..0)))
        })?;
        names.extend(deps);
    }
    Ok(names)
}

fn worker_class(names: &[String]) -> &'static str {
    if names.iter().any(|n| n == "gevent") {
        "gevent"
    } else {
        "sync"
    }
}

/// Parses a candidate Python file, turning a syntax error into rockcraft's message.
fn scan_file(cx: &Ctx, path: &str) -> Result<Option<Module>, ExpandError> {
    let Some(text) = cx.dir.texts.get(path) else {
        return Ok(None);
    };
    python::scan(text).map(Some).map_err(|e| {
        let file = path.rsplit('/').next().unwrap_or(path);
        ExpandError::new(
            Code::ROCK_PYTHON_SYNTAX,
            format!("error parsing {file}: {}", e.message),
            at_extension(),
            format!(
                "fix the syntax error in {path}; rockcraft parses it to find the WSGI entry point"
            ),
        )
        .about(path, Some(e.span))
    })
}

/// `app.py` → `app`, `src/__init__.py` → `src`, `app/app.py` → `app.app`.
pub(super) fn module_path(path: &str) -> String {
    path.split('/')
        .filter(|p| *p != "__init__.py")
        .map(|p| p.strip_suffix(".py").unwrap_or(p))
        .collect::<Vec<_>>()
        .join(".")
}

/// Flask's WSGI discovery: a variable in any location first, then a factory.
fn flask_wsgi(cx: &Ctx, notes: &mut Vec<ExpandError>) -> Result<String, ExpandError> {
    let locations = python_locations(&cx.name);
    let mut modules = Vec::new();
    for path in &locations {
        if !cx.dir.exists(path) {
            continue;
        }
        let Some(module) = scan_file(cx, path)? else {
            continue;
        };
        let found: Vec<&str> = WSGI_VARIABLES
            .iter()
            .copied()
            .filter(|v| module.variables.iter().any(|m| m == v))
            .collect();
        if let Some(var) = found.first() {
            if found.len() > 1 {
                notes.push(
                    ExpandError::new(
                        Code::ROCK_AMBIGUOUS_ENTRYPOINT,
                        format!("{path} defines both `app` and `application`; rockcraft picks one at random (Python's hash seed), paasc uses `{var}`"),
                        at_extension(),
                        "keep one of the two names at module level, or set services.flask.command in rockcraft.yaml",
                    )
                    .about(path, None),
                );
            }
            return Ok(format!("{}:{var}", module_path(path)));
        }
        modules.push((path, module));
    }
    for (path, module) in &modules {
        for factory in ["create_app", "make_app"] {
            if module.functions.iter().any(|f| f == factory) {
                return Ok(format!("{}:{factory}()", module_path(path)));
            }
        }
    }
    Err(ExpandError::new(
        Code::ROCK_MISSING_ENTRYPOINT,
        "Missing WSGI entrypoint in default search locations",
        at_extension(),
        "define a module-level `app` (or `application`) or a `create_app()` factory in app.py, main.py, or __init__.py/app.py/main.py of app/, src/ or the package named after the rock; or set services.flask.command",
    ))
}

fn flask_requirement_errors(cx: &Ctx) -> Result<Vec<String>, ExpandError> {
    let (txt, toml) = (
        cx.dir.exists("requirements.txt"),
        cx.dir.exists("pyproject.toml"),
    );
    if !txt && !toml {
        return Err(ExpandError::new(
            Code::ROCK_MISSING_REQUIREMENTS,
            "missing a requirements file (requirements.txt or pyproject.toml). The flask-framework extension requires one of these files with 'flask' specified as a dependency.",
            at_extension(),
            "add requirements.txt (or pyproject.toml) beside rockcraft.yaml, listing `flask`",
        ));
    }
    requirement_names(cx.dir)
}

/// The `flask-framework` root snippet.
#[inline(never)]
pub fn flask(cx: &Ctx, notes: &mut Vec<ExpandError>) -> Result<Yaml, Failure> {
    let mut errors = Vec::new();
    let mut names = Vec::new();
    match flask_requirement_errors(cx) {
        Ok(n) if !n.iter().any(|n| n == "flask") => {
            let file = if cx.dir.exists("requirements.txt") {
                "requirements.txt"
            } else {
                "pyproject.toml"
            };
            let wrapper = n.iter().find(|n| n.contains("flask"));
            let help = match wrapper {
                Some(w) => format!("add `flask` to {file}: rockcraft looks for the requirement name `flask` itself, and `{w}` does not count even if it depends on Flask"),
                None => format!("add `flask` to {file}"),
            };
            errors.push(
                ExpandError::new(
                    Code::ROCK_MISSING_DEPENDENCY,
                    "missing flask package dependency in requirements file.",
                    at_extension(),
                    help,
                )
                .about(file, None),
            );
            names = n;
        }
        Ok(n) => names = n,
        Err(e) => errors.push(e),
    }
    let mut wsgi = String::new();
    if !cx.user_command("flask") {
        match flask_wsgi(cx, notes) {
            Ok(w) => wsgi = w,
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(Failure::bulleted(errors));
    }
    let mut service = vec![
        ("override", s("replace")),
        ("startup", s("enabled")),
        ("after", strs(&["statsd-exporter"])),
        ("user", s("_daemon_")),
    ];
    if !cx.user_command("flask") {
        service.push((
            "command",
            s(&format!(
                "/bin/python3 -m gunicorn -c /flask/gunicorn.conf.py '{wsgi}' -k [ {} ]",
                worker_class(&names)
            )),
        ));
    }
    let parts = gen_parts(cx, "flask", || flask_install_app(cx)).map_err(Failure::single)?;
    Ok(root_snippet("flask", service, parts))
}

/// The user's prime list for flask's install-app part, or the defaults.
fn flask_prime(cx: &Ctx) -> Result<Vec<String>, ExpandError> {
    let part = "flask-framework/install-app";
    let user = string_list(cx.user_part_key(part, "prime"));
    if let Some(i) = prime_entries_match(&user, "flask/app", false) {
        return Err(ExpandError::new(
            Code::ROCK_PRIME_OUTSIDE_APP,
            "flask-framework extension requires the 'prime' entry in the flask-framework/install-app part to start with flask/app",
            Location::value(&["parts", part, "prime", &i.to_string()]),
            format!("write the entry as `flask/app/{}`: files of the project are primed under flask/app/", user[i].trim_start_matches(['-', ' '])),
        ));
    }
    if !user.is_empty() {
        return Ok(user);
    }
    Ok(FLASK_DEFAULT_PRIME
        .iter()
        .filter(|f| cx.exists(f))
        .map(|f| ["flask/app/", f].concat())
        .collect())
}

fn flask_install_app(cx: &Ctx) -> Result<Vec<(&'static str, Yaml)>, ExpandError> {
    let prime = flask_prime(cx)?;
    let (organize, stage) = organize_by_prime(cx.dir, &prime, "flask/app");
    Ok(vec![
        ("plugin", s("dump")),
        ("source", s(".")),
        ("organize", organize),
        ("stage", stage),
        ("prime", Yaml::Seq(prime.iter().map(|p| s(p)).collect())),
    ])
}

/// The parts of `_GunicornBase._gen_parts`, in its order of checks: the bare base's Python
/// version first, then the install-app part.
fn gen_parts(
    cx: &Ctx,
    fw: &str,
    install_app: impl FnOnce() -> Result<Vec<(&'static str, Yaml)>, ExpandError>,
) -> Result<Yaml, ExpandError> {
    let (stage_packages, build_environment) = cx.python_venv(&[fw, "-framework"].concat())?;
    let mut install_app = install_app()?;
    let requirements = if cx.dir.exists("requirements.txt") {
        strs(&["requirements.txt"])
    } else {
        Yaml::Seq(vec![])
    };
    let mut dependencies = vec![
        ("plugin", s("python")),
        ("stage-packages", stage_packages),
        ("source", s(".")),
        ("python-packages", strs(&["gunicorn~=23.0"])),
        ("python-requirements", requirements),
        ("build-environment", build_environment),
    ];
    if !cx.bare() {
        dependencies.push(("stage", strs(&["-etc/ssl/certs/ca-certificates.crt"])));
    }
    install_app.push(("permissions", Yaml::Seq(vec![owned(None)])));
    let conf = [fw, "/gunicorn.conf.py"].concat();
    let mut parts = vec![
        ([fw, "-framework/dependencies"].concat(), map(dependencies)),
        ([fw, "-framework/install-app"].concat(), map(install_app)),
        (
            [fw, "-framework/config-files"].concat(),
            map(vec![
                ("plugin", s("dump")),
                ("source", s(&[DATA_DIR, "/", fw, "-framework"].concat())),
                ("organize", map(vec![("gunicorn.conf.py", s(&conf))])),
                ("permissions", Yaml::Seq(vec![owned(Some(&conf))])),
            ]),
        ),
        (
            [fw, "-framework/statsd-exporter"].concat(),
            map(vec![
                ("build-snaps", strs(&["go"])),
                ("source-tag", s("v0.26.0")),
                ("plugin", s("go")),
                (
                    "source",
                    s("https://github.com/prometheus/statsd_exporter.git"),
                ),
            ]),
        ),
        (
            [fw, "-framework/logging"].concat(),
            logging_part(Some(&["var/log/", fw].concat())),
        ),
    ];
    parts.extend(runtime_parts(cx, &[fw, "-framework"].concat()));
    Ok(Yaml::Map(
        parts.into_iter().map(|(k, v)| (s(&k), v)).collect(),
    ))
}

/// The `runtime` part of the Python frameworks (and `runtime-libs` on bare, for gunicorn).
pub(super) fn runtime_parts(cx: &Ctx, prefix: &str) -> Vec<(String, Yaml)> {
    if cx.bare() {
        let mut parts = vec![(
            [prefix, "/runtime"].concat(),
            map(vec![
                ("plugin", s("nil")),
                (
                    "override-build",
                    s("mkdir -m 777 ${CRAFT_PART_INSTALL}/tmp\nln -sf /usr/bin/bash ${CRAFT_PART_INSTALL}/usr/bin/sh"),
                ),
                (
                    "stage-packages",
                    strs(&["bash_bins", "coreutils_bins", "ca-certificates_data"]),
                ),
            ]),
        )];
        if prefix != "fastapi-framework" {
            parts.push((
                [prefix, "/runtime-libs"].concat(),
                map(vec![
                    ("plugin", s("nil")),
                    ("stage-packages", strs(&["libstdc++6"])),
                ]),
            ));
        }
        parts
    } else {
        vec![(
            [prefix, "/runtime"].concat(),
            map(vec![
                ("plugin", s("nil")),
                ("stage-packages", strs(&["ca-certificates_data"])),
            ]),
        )]
    }
}

fn root_snippet(fw: &str, service: Vec<(&str, Yaml)>, parts: Yaml) -> Yaml {
    map(vec![
        ("run_user", s("_daemon_")),
        (
            "services",
            Yaml::Map(vec![
                (s(fw), map(service)),
                (
                    s("statsd-exporter"),
                    map(vec![
                        ("override", s("merge")),
                        ("command", s("/bin/statsd_exporter --statsd.mapping-config=/statsd-mapping.conf --statsd.listen-udp=localhost:9125 --statsd.listen-tcp=localhost:9125")),
                        ("summary", s("statsd exporter service")),
                        ("startup", s("enabled")),
                        ("user", s("_daemon_")),
                    ]),
                ),
            ]),
        ),
        ("parts", parts),
    ])
}

/// The `django-framework` root snippet.
#[inline(never)]
pub fn django(cx: &Ctx) -> Result<Yaml, Failure> {
    if !cx.dir.exists("requirements.txt") {
        return Err(Failure::single(ExpandError::new(
            Code::ROCK_MISSING_REQUIREMENTS,
            "missing requirements.txt file, django-framework extension requires this file with Django specified as a dependency",
            at_extension(),
            "add requirements.txt beside rockcraft.yaml, listing `Django`",
        )));
    }
    let name = module_name(&cx.name);
    let mut wsgi = String::new();
    if !cx.user_command("django") {
        let candidates = [
            format!("{name}/{name}/wsgi.py"),
            format!("{name}/mysite/wsgi.py"),
        ];
        for path in &candidates {
            if !cx.dir.exists(path) {
                continue;
            }
            let module = scan_file(cx, path).map_err(Failure::single)?;
            if module.is_some_and(|m| m.variables.iter().any(|v| v == "application")) {
                let package = path.split('/').nth(1).unwrap_or(&name);
                wsgi = format!("{package}.wsgi:application");
                break;
            }
        }
        if wsgi.is_empty() {
            return Err(Failure::single(ExpandError::new(
                Code::ROCK_MISSING_ENTRYPOINT,
                format!(
                    "django application can not be imported, unable to locate a wsgi.py with an 'application' callable in the default discovery locations (./{}, ./{}).",
                    candidates[0], candidates[1]
                ),
                at_extension(),
                format!("put the Django project in {name}/ (with {name}/{name}/wsgi.py defining `application`), or set services.django.command"),
            )));
        }
    }
    let names = requirement_names(cx.dir).map_err(Failure::single)?;
    let mut service = vec![
        ("override", s("replace")),
        ("startup", s("enabled")),
        ("after", strs(&["statsd-exporter"])),
        ("user", s("_daemon_")),
    ];
    if !cx.user_command("django") {
        service.push((
            "command",
            s(&format!(
                "/bin/python3 -m gunicorn -c /django/gunicorn.conf.py '{wsgi}' -k [ {} ]",
                worker_class(&names)
            )),
        ));
    }
    let user_part = cx
        .doc
        .get("parts")
        .and_then(|p| p.get("django-framework/install-app"))
        .is_some();
    let install = || {
        Ok(if user_part {
            Vec::new()
        } else {
            vec![
                ("plugin", s("dump")),
                ("source", s(&name)),
                (
                    "organize",
                    map(vec![("*", s("django/app/")), (".*", s("django/app/"))]),
                ),
                ("stage", strs(&["-django/app/db.sqlite3"])),
            ]
        })
    };
    let parts = gen_parts(cx, "django", install).map_err(Failure::single)?;
    Ok(root_snippet("django", service, parts))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths() {
        assert_eq!(module_path("app.py"), "app");
        assert_eq!(module_path("src/__init__.py"), "src");
        assert_eq!(module_path("app/app.py"), "app.app");
        assert_eq!(module_path("my_app/main.py"), "my_app.main");
    }
}
