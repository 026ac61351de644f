//! Reads the expanded rock (and what paas-charm writes for the charm's default config) into
//! what the Dockerfile builds: the base,
//! the packages, the Python dependencies, the app files, the directories, the commands and the
//! health check. Every value that will reach the Dockerfile is checked here; a value that
//! cannot be written safely is a diagnostic, never an escaped guess.

use super::frameworks;
use super::lex;
use crate::pebble::checks::Kind;
use crate::{shown, Mode};
use paasc_check::App as EmitInput;
use paasc_diag::{Code, Diagnostic};
use paasc_frameworks::Spec as Layout;
use paasc_syntax::Yaml;

use paasc_frameworks::DAEMON_UID as DAEMON_ID;

/// What the Dockerfile builds.
#[derive(Debug, Default)]
pub struct Image {
    /// `ubuntu:22.04` or `ubuntu:24.04`.
    pub base_image: String,
    /// The rock's `base`, as written (for the header).
    pub base: String,
    /// The parts, as build stages, and what they give the image.
    pub parts: super::lifecycle::Parts,
    /// `package-repositories`.
    pub repos: Vec<super::repositories::Repo>,
    /// Project variables `craftctl get` reads (`version`).
    pub vars: Vec<(String, String)>,
    /// The rock's `environment` (image environment; never the app's runtime environment).
    pub env: Vec<(String, String)>,
    /// The user the services run as (`_daemon_`), when the rock sets `run-user`.
    pub run_user: Option<(String, u32)>,
    /// Where `gunicorn.conf.py` goes and its text.
    pub gunicorn_conf: Option<(String, String)>,
    /// The working directory.
    pub workdir: String,
    /// The port.
    pub port: u16,
    /// The main service's command, split.
    pub cmd: Vec<String>,
    /// Other services reachable as alternate commands: (name, kind, command, working dir).
    pub alternates: Vec<Alternate>,
    /// Services of the rock that are not in the image, with why.
    pub sidecars: Vec<(String, String)>,
    /// The migration command, if the app directory gets a migration script.
    pub migrate: Option<Vec<String>>,
    /// The health check, if the rock declares checks.
    pub health: Option<Health>,
}

/// A service run with another command than `CMD`.
#[derive(Debug)]
pub struct Alternate {
    /// The Pebble service name.
    pub name: String,
    /// What paas-charm makes of it.
    pub role: paasc_frameworks::ServiceRole,
    /// The command.
    pub command: Vec<String>,
    /// Its working directory, when it differs from `WORKDIR`.
    pub workdir: Option<String>,
}

/// The dependencies stage.
#[derive(Debug, Default)]
pub struct Python {
    /// `python-packages`, in order.
    pub packages: Vec<String>,
    /// `python-requirements` files.
    pub requirements: Vec<String>,
    /// `python-constraints` files.
    pub constraints: Vec<String>,
    /// `pip install .` (the project has `pyproject.toml` or `setup.py`).
    pub install_project: bool,
    /// The project has a `Pipfile.lock` to install from as well.
    pub pipfile_lock: bool,
    /// The whole project must be in the stage (`pip install .`, or a requirements file that
    /// names other files or local paths); otherwise only the listed files are copied.
    pub whole_project: bool,
}

/// The app files, as the install part organizes, stages and primes them.
#[derive(Debug, Default)]
pub struct Health {
    /// The checks, as JSON objects for the checker script.
    pub checks: Vec<serde_json::Value>,
    /// `--interval`.
    pub interval_ns: u128,
    /// `--timeout`.
    pub timeout_ns: u128,
    /// `--retries`.
    pub retries: u64,
}

/// Collects the diagnostics of one emission.
pub struct Problems<'a> {
    input: &'a EmitInput,
    /// The diagnostics so far.
    pub list: Vec<Diagnostic>,
}

impl<'a> Problems<'a> {
    /// An empty list for `input`.
    pub fn new(input: &'a EmitInput) -> Problems<'a> {
        Problems {
            input,
            list: Vec::new(),
        }
    }

    /// Adds a problem, at the last (most specific) value the message quotes (in backticks) that
    /// rockcraft.yaml holds, or else at charmcraft.yaml. A second problem of the same code at the
    /// same value (a prime entry rockcraft also turns into organize and stage entries) is
    /// dropped.
    pub fn push(&mut self, code: Code, message: impl Into<String>, help: impl Into<String>) {
        let message: String = message.into();
        let at = self.input.rock_source.as_ref().and_then(|(_, tree)| {
            message
                .split('`')
                .skip(1)
                .step_by(2)
                .filter_map(|quoted| tree.find_text(quoted))
                .last()
        });
        let d = self.input.rock_diagnostic(
            None,
            code,
            at,
            message,
            "the Dockerfile cannot take this",
            "while writing the Dockerfile",
        );
        let repeated = self.list.iter().any(|e| {
            e.code == d.code
                && e.primary.file == d.primary.file
                && e.primary.span == d.primary.span
                && at.is_some()
        });
        if !repeated {
            self.list.push(d.help(help));
        }
    }

    /// Whether `path` is a plain relative path; a D003 at it otherwise.
    pub fn path(&mut self, what: &str, path: &str, globs: bool) -> bool {
        match lex::path_problem(path, globs) {
            None => true,
            Some(why) => {
                self.push(
                    super::INVALID_NAME,
                    format!("rockcraft.yaml: {what} `{}` {why}", shown(path)),
                    "the Dockerfile takes plain relative paths (letters, digits and `._-+@,=%~:`); rename the file or change the entry",
                );
                false
            }
        }
    }
}

fn strs(v: Option<&Yaml>) -> Vec<&Yaml> {
    v.and_then(Yaml::as_seq)
        .map(|s| s.iter().collect())
        .unwrap_or_default()
}

/// What the Dockerfile builds, with its problems in `p`. With [`Mode::Check`] the problems are
/// the same and the parts are not built.
pub fn image(input: &EmitInput, layout: &Layout, mode: Mode, p: &mut Problems<'_>) -> Image {
    let rock = &input.rock;
    let mut img = Image {
        workdir: layout.app_dir.to_string(),
        ..Image::default()
    };
    base(&input.rock, &mut img, p);
    img.parts = super::lifecycle::parts(input, layout, mode, p);
    img.repos = super::repositories::read(rock, p);
    if let Some(v) = rock.get("version").and_then(super::lifecycle::text) {
        img.vars.push(("version".into(), v));
    }
    environment(&input.rock, &mut img, p);
    if let Some(user) = rock
        .get("run-user")
        .or_else(|| rock.get("run_user"))
        .and_then(Yaml::as_str)
    {
        if user == "_daemon_" {
            img.run_user = Some((user.to_string(), DAEMON_ID));
        } else {
            p.push(
                super::UNSUPPORTED,
                format!(
                    "rockcraft.yaml: run-user `{}` is not `_daemon_`",
                    shown(user)
                ),
                "rockcraft only accepts `_daemon_`",
            );
        }
    }
    match &input.defaults {
        Ok(d) => {
            if let (Some(path), Some(text)) = (layout.gunicorn_conf, &d.gunicorn_conf) {
                img.gunicorn_conf = Some((path.to_string(), text.clone()));
            }
            img.port = u16::try_from(d.port).unwrap_or(8000);
        }
        Err(status) => p.push(
            super::UNSUPPORTED,
            format!(
                "paas-charm refuses the charm's default config ({:?}: {}), so the image has no default rendering of what it writes",
                status.kind,
                shown(&status.message)
            ),
            "give the charm's options defaults paas-charm accepts (each deployment still sets its own)",
        ),
    }
    services(input, layout, &mut img, p);
    migrate(input, layout, &mut img);
    img.health = health(input, p);
    img
}

fn base(rock: &Yaml, img: &mut Image, p: &mut Problems<'_>) {
    let base = rock.get("base").and_then(Yaml::as_str).unwrap_or_default();
    let from = if base == "bare" {
        rock.get("build-base")
            .and_then(Yaml::as_str)
            .unwrap_or_default()
    } else {
        base
    };
    img.base = base.to_string();
    match frameworks::base_image(from) {
        Some(image) => img.base_image = image.to_string(),
        None => p.push(
            super::UNSUPPORTED,
            format!("rockcraft.yaml: there is no Ubuntu image for base `{}`", shown(from)),
            "use `base: ubuntu@22.04` or `ubuntu@24.04` (or `bare` with one of them as `build-base`)",
        ),
    }
}

pub fn python(input: &EmitInput, name: &str, part: &Yaml, p: &mut Problems<'_>) -> Python {
    let dir = &input.rock_dir;
    let mut py = Python::default();
    for (key, out) in [
        ("python-requirements", &mut py.requirements),
        ("python-constraints", &mut py.constraints),
    ] {
        for f in strs(part.get(key)) {
            match f.as_str() {
                Some(path) if p.path(&format!("`parts.{name}.{key}` entry"), path, false) => {
                    out.push(path.to_string());
                }
                Some(_) => {}
                None => p.push(
                    super::INVALID_NAME,
                    format!(
                        "rockcraft.yaml: `parts.{name}.{key}` holds a value that is not a string"
                    ),
                    "list file paths as strings",
                ),
            }
        }
    }
    for pkg in strs(part.get("python-packages")) {
        let Some(pkg) = super::lifecycle::text(pkg) else {
            continue;
        };
        if lex::has_control(&pkg) || pkg.starts_with('-') || pkg.trim().is_empty() {
            p.push(
                super::INVALID_NAME,
                format!(
                    "rockcraft.yaml: `parts.{name}.python-packages` holds `{}`, which is not a Python requirement",
                    shown(&pkg)
                ),
                "write one PEP 508 requirement per entry, such as `gunicorn~=23.0`; pip options do not belong here",
            );
        } else {
            py.packages.push(pkg);
        }
    }
    py.install_project = dir.exists("pyproject.toml") || dir.exists("setup.py");
    py.pipfile_lock = dir.exists("Pipfile.lock");
    py.whole_project = py.install_project
        || py
            .requirements
            .iter()
            .any(|r| dir.texts.get(r).is_none_or(|t| refers_to_files(t)));
    py
}

/// Whether a requirements file names other files or local paths (`-r`, `-c`, `-e`, `./pkg`),
/// so that pip needs more of the project than the file itself.
pub fn refers_to_files(text: &str) -> bool {
    const HARMLESS: &[&str] = &[
        "--hash",
        "-i",
        "--index-url",
        "--extra-index-url",
        "--trusted-host",
        "--pre",
        "--no-binary",
        "--only-binary",
        "--prefer-binary",
        "--no-index",
        "-f",
        "--find-links",
        "--use-feature",
    ];
    text.replace("\\\n", "")
        .lines()
        .map(|l| l.split(" #").next().unwrap_or_default().trim())
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .any(|l| {
            if l.starts_with('-') {
                let opt = l.split([' ', '=']).next().unwrap_or_default();
                !HARMLESS.contains(&opt)
            } else {
                l.starts_with('.') || l.starts_with('/') || l.starts_with("file:")
            }
        })
}

/// A craft-parts fileset (`stage` or `prime`): includes (empty means everything) and excludes.
fn environment(rock: &Yaml, img: &mut Image, p: &mut Problems<'_>) {
    for (k, v) in rock
        .get("environment")
        .and_then(Yaml::as_map)
        .unwrap_or_default()
    {
        let (Some(k), Some(v)) = (k.as_str(), super::lifecycle::text(v)) else {
            continue;
        };
        if lex::is_env_name(k) && !lex::has_control(&v) {
            img.env.push((k.to_string(), v));
        } else {
            p.push(
                super::INVALID_COMMAND,
                format!("rockcraft.yaml: `environment` entry `{}` cannot be written as an ENV instruction", shown(k)),
                "use a variable name of letters, digits and `_`, and a value on one line",
            );
        }
    }
}

/// A Pebble command as the process's argument vector ([`crate::pebble::command`]), on one line.
fn command(
    name: &str,
    args: Result<Vec<String>, String>,
    p: &mut Problems<'_>,
) -> Option<Vec<String>> {
    match args {
        Ok(words) if !words.iter().any(|w| lex::has_control(w)) => Some(words),
        Ok(_) => {
            p.push(
                super::INVALID_COMMAND,
                format!(
                    "rockcraft.yaml: the command of service `{}` holds a control character",
                    shown(name)
                ),
                "write the command on one line",
            );
            None
        }
        Err(why) => {
            p.push(
                super::INVALID_COMMAND,
                format!(
                    "rockcraft.yaml: Pebble cannot run the command of service `{}`: {why}",
                    shown(name)
                ),
                "Pebble splits commands like a shell, with one `[ ... ]` group of default arguments at the end",
            );
            None
        }
    }
}

fn services(input: &EmitInput, layout: &Layout, img: &mut Image, p: &mut Problems<'_>) {
    let mut services = crate::pebble::services::read(input, None);
    if let Some(main) = input
        .defaults
        .as_ref()
        .ok()
        .and_then(|d| d.command.as_ref())
    {
        for svc in services.iter_mut().filter(|s| s.main) {
            svc.command = Some(main.clone());
        }
    }
    if services.is_empty() {
        p.push(
            super::UNSUPPORTED,
            "rockcraft.yaml: the rock has no services",
            "the framework extension defines the app's service; keep `extensions:` in rockcraft.yaml",
        );
        return;
    }
    for svc in &services {
        let name = svc.name;
        if svc.command.is_none() {
            continue;
        }
        if let Some(w) = svc.working_dir {
            if !w.starts_with('/') || lex::path_problem(w.trim_start_matches('/'), false).is_some()
            {
                p.push(
                    super::INVALID_COMMAND,
                    format!("rockcraft.yaml: the working-dir of service `{}` is not a plain absolute path", shown(name)),
                    "use an absolute path of letters, digits and `._-+@,=%~:`",
                );
                continue;
            }
        }
        if svc.main {
            if let Some(words) = command(name, svc.args(), p) {
                img.cmd = words;
            }
            if let Some(w) = svc.working_dir {
                img.workdir = w.to_string();
            }
            continue;
        }
        if let Some(why) = frameworks::sidecar(name) {
            img.sidecars.push((name.to_string(), why.to_string()));
            continue;
        }
        if lex::has_control(name) {
            p.push(
                super::INVALID_COMMAND,
                format!(
                    "rockcraft.yaml: the service name `{}` holds a control character",
                    shown(name)
                ),
                "rename the service",
            );
            continue;
        }
        if let Some(words) = command(name, svc.args(), p) {
            img.alternates.push(Alternate {
                name: name.to_string(),
                role: svc.role,
                command: words,
                workdir: svc
                    .working_dir
                    .filter(|w| *w != img.workdir)
                    .map(str::to_string),
            });
        }
    }
    if img.cmd.is_empty() && !p.list.iter().any(|d| d.code == super::INVALID_COMMAND) {
        p.push(
            super::UNSUPPORTED,
            format!(
                "rockcraft.yaml: the rock has no `{}` service command",
                layout.service
            ),
            "keep the service the framework extension defines",
        );
    }
}

/// The migration command, when the app's part primes one of the framework's migration
/// scripts into the app directory: the part's source holds it and its `prime` list, when it
/// has includes, names it.
fn migrate(input: &EmitInput, layout: &Layout, img: &mut Image) {
    let Some(part) = input
        .rock
        .get("parts")
        .and_then(|parts| parts.get(&format!("{}/install-app", layout.extension)))
    else {
        return;
    };
    let source = part.get("source").and_then(Yaml::as_str).unwrap_or(".");
    let source = source.trim_end_matches('/');
    let dir = if source == "." || source.is_empty() {
        String::new()
    } else {
        format!("{source}/")
    };
    let entries: Vec<String> = input
        .rock_dir
        .children(&dir)
        .iter()
        .map(|e| e.trim_end_matches('/').to_string())
        .collect();
    let includes: Vec<&str> = strs(part.get("prime"))
        .iter()
        .filter_map(|v| v.as_str())
        .filter(|e| !e.starts_with('-'))
        .collect();
    let app_dir = layout.app_dir.trim_start_matches('/');
    let primed = |f: &str| {
        entries.iter().any(|e| e == f)
            && (includes.is_empty()
                || includes
                    .iter()
                    .any(|i| i.trim_end_matches('/') == format!("{app_dir}/{f}")))
    };
    img.migrate = paasc_frameworks::migration_command(input.framework, primed);
}

fn health(input: &EmitInput, p: &mut Problems<'_>) -> Option<Health> {
    let checks = match crate::pebble::checks::read(input, None) {
        Ok(checks) => checks,
        Err(found) => {
            p.list.extend(found);
            return None;
        }
    };
    let object = |pairs: &[(String, String)]| -> serde_json::Map<String, serde_json::Value> {
        pairs
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect()
    };
    let mut out = Vec::new();
    for c in &checks {
        let (name, secs) = (&c.name, c.timeout_ns as f64 / 1e9);
        out.push(match &c.kind {
            Kind::Http { url, headers } => {
                serde_json::json!({"name": name, "timeout": secs, "url": url.text, "headers": object(headers)})
            }
            Kind::Tcp { host, port } => {
                let host = host.as_deref().unwrap_or("localhost");
                serde_json::json!({"name": name, "timeout": secs, "host": host, "port": port})
            }
            Kind::Exec {
                command,
                environment,
                working_dir,
            } => {
                if command.iter().any(|w| lex::has_control(w)) {
                    p.push(
                        super::INVALID_COMMAND,
                        format!(
                            "rockcraft.yaml: the command of check `{}` holds a control character",
                            shown(name)
                        ),
                        "write the command on one line",
                    );
                    continue;
                }
                serde_json::json!({"name": name, "timeout": secs, "command": command, "environment": object(environment), "cwd": working_dir})
            }
        });
    }
    (!out.is_empty()).then(|| Health {
        checks: out,
        interval_ns: checks.iter().map(|c| c.period_ns).min().unwrap_or_default(),
        // The checks run one after the other in one process; a second covers its start.
        timeout_ns: checks.iter().map(|c| c.timeout_ns).sum::<u128>() + 1_000_000_000,
        retries: checks.iter().map(|c| c.threshold).min().unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirement_files_that_need_the_project() {
        assert!(!refers_to_files(
            "flask\n# comment\ngunicorn==23.0 # pinned\n"
        ));
        assert!(!refers_to_files(
            "--index-url https://example.org/simple\nflask\n"
        ));
        assert!(!refers_to_files("flask==3.0 \\\n    --hash=sha256:abc\n"));
        assert!(refers_to_files("-r base.txt\n"));
        assert!(refers_to_files("-c constraints.txt\nflask\n"));
        assert!(refers_to_files("-e .\n"));
        assert!(refers_to_files("./libs/mylib\n"));
        assert!(refers_to_files("file:///src/pkg\n"));
    }
}
