//! `fastapi-framework` (rockcraft's `fastapi.py`).

use super::gunicorn::runtime_parts;
use super::python;
use super::{
    at_extension, logging_part, map, organize_by_prime, owned, prime_entries_match,
    python_locations, s, string_list, strs, Ctx, Failure,
};
use crate::{ExpandError, Location};
use paasc_diag::Code;
use paasc_syntax::Yaml;

/// Finds the first search location defining a top-level `app`.
fn find_asgi(cx: &Ctx) -> Result<Option<String>, ExpandError> {
    for path in python_locations(&cx.name) {
        if !cx.dir.exists(&path) {
            continue;
        }
        let Some(text) = cx.dir.texts.get(&path) else {
            continue;
        };
        match python::scan(text) {
            Ok(m) if m.variables.iter().any(|v| v == "app") => return Ok(Some(path)),
            Ok(_) => {}
            Err(e) => {
                let line = python::line_of(text, e.span.start);
                return Err(ExpandError::new(
                    Code::ROCK_PYTHON_SYNTAX,
                    format!(
                        "Syntax error in  python file in ASGI search path: {} ({path}, line {line})",
                        e.message
                    ),
                    at_extension(),
                    format!("fix the syntax error in {path}; rockcraft parses it to find the ASGI entry point"),
                )
                .about(&path, Some(e.span)));
            }
        }
    }
    Ok(None)
}

fn missing_asgi() -> ExpandError {
    ExpandError::new(
        Code::ROCK_MISSING_ENTRYPOINT,
        "missing ASGI entrypoint\n  Cannot find 'app' global variable in the following places:\n  1. app.py.\n  2. In files __init__.py, and main.py in the 'app','src', and root project directories.",
        at_extension(),
        "define a module-level `app` in app.py, main.py, or __init__.py/app.py/main.py of app/, src/ or the package named after the rock; or set services.fastapi.command",
    )
}

/// The `fastapi-framework` root snippet.
#[inline(never)]
pub fn snippet(cx: &Ctx) -> Result<Yaml, Failure> {
    let mut errors = Vec::new();
    match cx.dir.texts.get("requirements.txt") {
        None if !cx.dir.exists("requirements.txt") => errors.push(ExpandError::new(
            Code::ROCK_MISSING_REQUIREMENTS,
            "missing a requirements.txt file. The fastapi-framework extension requires this file with 'fastapi'/'starlette' specified as a dependency.",
            at_extension(),
            "add requirements.txt beside rockcraft.yaml, listing `fastapi`",
        )),
        text => {
            let text = text.map(String::as_str).unwrap_or_default();
            let found = text.lines().any(|l| {
                let l = l.to_lowercase();
                l.contains("fastapi") || l.contains("starlette")
            });
            if !found {
                errors.push(
                    ExpandError::new(
                        Code::ROCK_MISSING_DEPENDENCY,
                        "missing fastapi or starlette package dependency in requirements.txt file.",
                        at_extension(),
                        "add `fastapi` (or `starlette`) to requirements.txt",
                    )
                    .about("requirements.txt", None),
                );
            }
        }
    }
    let mut asgi = None;
    if !cx.user_command("fastapi") {
        match find_asgi(cx) {
            Ok(Some(p)) => asgi = Some(p),
            Ok(None) => errors.push(missing_asgi()),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(Failure::bulleted(errors));
    }
    let mut service = vec![
        ("override", s("replace")),
        ("startup", s("enabled")),
        ("user", s("_daemon_")),
        ("working-dir", s("/app")),
        ("environment", map(vec![("UVICORN_HOST", s("0.0.0.0"))])),
    ];
    if let Some(path) = &asgi {
        let module = super::gunicorn::module_path(path);
        service.push((
            "command",
            s(&format!("/bin/python3 -m uvicorn {module}:app")),
        ));
    }
    let (stage_packages, build_environment) = cx
        .python_venv("fastapi-framework")
        .map_err(Failure::single)?;
    let prime = app_prime(cx, asgi.as_deref()).map_err(Failure::single)?;
    let (organize, stage) = organize_by_prime(cx.dir, &prime, "app");
    let mut dependencies = vec![
        ("plugin", s("python")),
        ("stage-packages", stage_packages),
        ("source", s(".")),
        ("python-packages", strs(&["uvicorn"])),
        ("python-requirements", strs(&["requirements.txt"])),
        ("build-environment", build_environment),
    ];
    if !cx.bare() {
        dependencies.push(("stage", strs(&["-etc/ssl/certs/ca-certificates.crt"])));
    }
    let mut parts = vec![
        (
            "fastapi-framework/dependencies".to_string(),
            map(dependencies),
        ),
        (
            "fastapi-framework/install-app".to_string(),
            map(vec![
                ("plugin", s("dump")),
                ("source", s(".")),
                ("organize", organize),
                ("stage", stage),
                ("permissions", Yaml::Seq(vec![owned(None)])),
            ]),
        ),
    ];
    parts.extend(runtime_parts(cx, "fastapi-framework"));
    parts.push(("fastapi-framework/logging".to_string(), logging_part(None)));
    Ok(map(vec![
        ("run_user", s("_daemon_")),
        ("services", map(vec![("fastapi", map(service))])),
        (
            "parts",
            Yaml::Map(parts.into_iter().map(|(k, v)| (s(&k), v)).collect()),
        ),
    ]))
}

fn app_prime(cx: &Ctx, asgi: Option<&str>) -> Result<Vec<String>, ExpandError> {
    let part = "fastapi-framework/install-app";
    let user = string_list(cx.user_part_key(part, "prime"));
    if let Some(i) = prime_entries_match(&user, "app", true) {
        return Err(ExpandError::new(
            Code::ROCK_PRIME_OUTSIDE_APP,
            "fastapi-framework extension requires the 'prime' entry in the fastapi-framework/install-app part to start with app/",
            Location::value(&["parts", part, "prime", &i.to_string()]),
            "write the entry as `app/<path>`: files of the project are primed under app/",
        ));
    }
    if !user.is_empty() {
        return Ok(user);
    }
    let mut prime: Vec<String> = ["migrate", "migrate.sh", "migrate.py", "static", "templates"]
        .iter()
        .filter(|f| cx.exists(f))
        .map(|f| format!("app/{f}"))
        .collect();
    if let Some(path) = asgi {
        prime.push(format!("app/{}", path.split('/').next().unwrap_or(path)));
    }
    Ok(prime)
}
