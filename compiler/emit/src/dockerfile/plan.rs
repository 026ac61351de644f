//! Reads the expanded rock (and paas-charm's plan) into what the Dockerfile builds: the base,
//! the packages, the Python dependencies, the app files, the directories, the commands and the
//! health check. Every value that will reach the Dockerfile is checked here; a value that
//! cannot be written safely is a diagnostic, never an escaped guess.

use super::frameworks;
use super::lex;
use crate::pebble::checks::Kind;
use crate::shown;
use paasc_check::Resolved as EmitInput;
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
    /// apt packages for the dependencies stage.
    pub build_packages: Vec<String>,
    /// apt packages for the image (from every part's `stage-packages`).
    pub stage_packages: Vec<String>,
    /// The Python dependencies, when a part uses the python plugin.
    pub python: Option<Python>,
    /// The app files.
    pub app: App,
    /// Directories created and handed to an owner (the logging part's).
    pub dirs: Vec<(String, u32, u32)>,
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
    /// The part's `build-environment`, except the interpreter choice.
    pub build_env: Vec<(String, String)>,
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
pub struct App {
    /// The part's `source`, relative to the project (`.` for the project itself).
    pub source: String,
    /// Copies from `source` into the image root, in organize order.
    pub copies: Vec<Copy>,
    /// Paths (globs allowed) removed after organizing: the `-` entries of stage and prime.
    pub excludes: Vec<String>,
    /// Owner and group of the files.
    pub owner: (u32, u32),
    /// The top-level directories of the image that the app files go into.
    pub roots: Vec<String>,
}

/// One organize step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Copy {
    /// A file or directory (merged), or nothing when it does not exist, as craft-parts does.
    Path { from: String, to: String },
    /// The entries of the source directory (`*`: not hidden, `.*`: hidden) into a directory.
    Entries {
        to: String,
        hidden: bool,
        visible: bool,
    },
}

/// The image's health check.
#[derive(Debug)]
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
    /// rockcraft.yaml holds, or else at the profile. A second problem of the same code at the
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
            code,
            at,
            message,
            "the Dockerfile cannot take this",
            "while writing the Dockerfile for this deployment",
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

    fn path(&mut self, what: &str, path: &str, globs: bool) -> bool {
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

fn text(v: &Yaml) -> Option<String> {
    match v {
        Yaml::Str(s) => Some(s.clone()),
        Yaml::Int(i) => Some(i.to_string()),
        Yaml::Float(f) => Some(paasc_syntax::python_float_repr(*f)),
        Yaml::Bool(b) => Some(if *b { "True" } else { "False" }.to_string()),
        _ => None,
    }
}

fn push_unique(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|x| x == item) {
        list.push(item.to_string());
    }
}

/// Keys a part may have that do not change what the Dockerfile builds for it.
const INERT_KEYS: &[&str] = &[
    "plugin",
    "source",
    "after",
    "stage",
    "prime",
    "organize",
    "permissions",
];

/// Reads everything the Dockerfile needs, or says what cannot be written.
pub fn image(input: &EmitInput, layout: &Layout, p: &mut Problems<'_>) -> Image {
    let rock = &input.rock;
    let mut img = Image {
        workdir: layout.app_dir.to_string(),
        ..Image::default()
    };
    base(&input.rock, &mut img, p);
    parts(input, layout, &mut img, p);
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
    if let (Some(path), Some(text)) = (layout.gunicorn_conf, &input.plan.gunicorn_conf) {
        img.gunicorn_conf = Some((path.to_string(), text.clone()));
    }
    services(input, layout, &mut img, p);
    let (default, var) = layout.default_port();
    img.port = var
        .and_then(|name| input.plan.env.as_ref()?.get(&name)?.parse::<u16>().ok())
        .unwrap_or_else(|| u16::try_from(default).unwrap_or(8000));
    migrate(input.framework, &input.rock_dir, &mut img);
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

fn packages(
    part: &str,
    key: &str,
    list: Option<&Yaml>,
    into: &mut Vec<String>,
    p: &mut Problems<'_>,
) {
    for entry in strs(list) {
        let Some(name) = entry.as_str() else {
            p.push(
                super::INVALID_NAME,
                format!("rockcraft.yaml: `parts.{part}.{key}` holds a value that is not a string"),
                "list package names as strings",
            );
            continue;
        };
        match lex::debian_package(name) {
            Some(pkg) => push_unique(into, pkg),
            None => p.push(
                super::INVALID_NAME,
                format!(
                    "rockcraft.yaml: `parts.{part}.{key}` holds `{}`, which is not a Debian package name (or a chisel slice)",
                    shown(name)
                ),
                "package names are lower case letters, digits, `+`, `-` and `.`; a slice is `package_slice`",
            ),
        }
    }
}

fn parts(input: &EmitInput, layout: &Layout, img: &mut Image, p: &mut Problems<'_>) {
    let Some(parts) = input.rock.get("parts").and_then(Yaml::as_map) else {
        return;
    };
    let prefix = format!("{}/", layout.extension);
    for (name, part) in parts {
        let name = name.as_str().unwrap_or_default();
        let plugin = part
            .get("plugin")
            .and_then(Yaml::as_str)
            .unwrap_or_default();
        let role = name.strip_prefix(&prefix);
        let keys: Vec<&str> = part
            .as_map()
            .map(|m| m.iter().filter_map(|(k, _)| k.as_str()).collect())
            .unwrap_or_default();
        let unsupported = |p: &mut Problems<'_>, why: String| {
            p.push(
                super::UNSUPPORTED,
                format!("rockcraft.yaml: part `{}` {why}", shown(name)),
                "the Dockerfile reproduces the extension's parts and `nil` parts with `stage-packages`; build the rest into the project before `docker build`, or leave the Dockerfile out with --emit",
            );
        };
        let no_overrides = |p: &mut Problems<'_>| {
            for key in keys.iter().filter(|k| k.starts_with("override-")) {
                unsupported(p, format!("has `{key}`, which the Dockerfile does not run"));
            }
        };
        let stage_packages = |img: &mut Image, p: &mut Problems<'_>| {
            packages(
                name,
                "stage-packages",
                part.get("stage-packages"),
                &mut img.stage_packages,
                p,
            );
        };
        match (role, plugin) {
            (Some("dependencies"), "python") => {
                no_overrides(p);
                packages(
                    name,
                    "build-packages",
                    part.get("build-packages"),
                    &mut img.build_packages,
                    p,
                );
                stage_packages(img, p);
                img.python = Some(python(input, name, part, p));
            }
            (Some("install-app"), "dump") => {
                no_overrides(p);
                stage_packages(img, p);
                img.app = app(layout, name, part, p);
            }
            // The rendered gunicorn.conf.py comes from the plan; statsd-mapping.conf belongs
            // to the exporter sidecar.
            (Some("config-files"), _) => {}
            (Some("statsd-exporter"), _) => {}
            (Some("logging"), _) => {
                for perm in strs(part.get("permissions")) {
                    let Some(path) = perm.get("path").and_then(Yaml::as_str) else {
                        continue;
                    };
                    if !p.path(&format!("`parts.{name}.permissions` path"), path, false) {
                        continue;
                    }
                    let id = |k: &str| {
                        perm.get(k)
                            .and_then(|v| match v {
                                Yaml::Int(i) => u32::try_from(*i).ok(),
                                _ => None,
                            })
                            .unwrap_or(DAEMON_ID)
                    };
                    img.dirs.push((
                        format!("/{}", path.trim_end_matches('/')),
                        id("owner"),
                        id("group"),
                    ));
                }
            }
            // The runtime parts stage packages; on bare they also link sh to bash and make
            // /tmp, which an Ubuntu image already has.
            (Some("runtime" | "runtime-libs"), "nil") => {
                stage_packages(img, p);
            }
            (None, "nil") => {
                if let Some(key) = keys.iter().find(|k| {
                    !INERT_KEYS.contains(k) && **k != "stage-packages" && **k != "build-packages"
                }) {
                    unsupported(
                        p,
                        format!("has `{key}`, which the Dockerfile does not reproduce"),
                    );
                } else {
                    stage_packages(img, p);
                }
            }
            (_, plugin) => unsupported(
                p,
                format!(
                    "uses the `{}` plugin, which the Dockerfile back end does not build yet",
                    shown(if plugin.is_empty() { "(none)" } else { plugin })
                ),
            ),
        }
    }
    if input.rock.get("package-repositories").is_some() {
        p.push(
            super::UNSUPPORTED,
            "rockcraft.yaml: `package-repositories` is not reproduced by the Dockerfile yet",
            "install the packages from the Ubuntu archive, or leave the Dockerfile out with --emit",
        );
    }
}

fn python(input: &EmitInput, name: &str, part: &Yaml, p: &mut Problems<'_>) -> Python {
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
        let Some(pkg) = text(pkg) else {
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
    for entry in strs(part.get("build-environment")) {
        for (k, v) in entry.as_map().unwrap_or_default() {
            let (Some(k), Some(v)) = (k.as_str(), text(v)) else {
                continue;
            };
            if k == "PARTS_PYTHON_INTERPRETER" {
                continue;
            }
            if !lex::is_env_name(k) || lex::has_control(&v) {
                p.push(
                    super::INVALID_COMMAND,
                    format!("rockcraft.yaml: `parts.{name}.build-environment` entry `{}` cannot be written", shown(k)),
                    "use a variable name of letters, digits and `_`, and a value on one line",
                );
            } else {
                py.build_env.push((k.to_string(), v));
            }
        }
    }
    let source = part.get("source").and_then(Yaml::as_str).unwrap_or(".");
    if source != "." {
        p.push(
            super::UNSUPPORTED,
            format!(
                "rockcraft.yaml: part `{}` builds from `{}`, not the project directory",
                shown(name),
                shown(source)
            ),
            "the Dockerfile installs the Python dependencies from the project directory",
        );
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
struct Fileset {
    includes: Vec<String>,
    excludes: Vec<String>,
}

fn fileset(name: &str, key: &str, list: Option<&Yaml>, p: &mut Problems<'_>) -> Fileset {
    let mut set = Fileset {
        includes: Vec::new(),
        excludes: Vec::new(),
    };
    for entry in strs(list) {
        let Some(entry) = entry.as_str() else {
            continue;
        };
        let what = format!("`parts.{name}.{key}` entry");
        if let Some(ex) = entry.strip_prefix('-') {
            if p.path(&what, ex, true) {
                set.excludes.push(ex.trim_end_matches('/').to_string());
            }
        } else if entry == "*" {
            set.includes.push("*".into());
        } else if p.path(&what, entry, false) {
            set.includes.push(entry.trim_end_matches('/').to_string());
        }
    }
    if set.includes.iter().any(|i| i == "*") {
        set.includes.clear();
    }
    set
}

fn under(path: &str, dir: &str) -> bool {
    path == dir || path.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// Narrows `copies` to what `set` includes: a copy inside an include stays, a copy holding
/// includes becomes copies of just those, the rest goes.
fn select(copies: Vec<Copy>, set: &Fileset) -> Vec<Copy> {
    if set.includes.is_empty() {
        return copies;
    }
    let mut out = Vec::new();
    for copy in copies {
        let (from, to) = match &copy {
            Copy::Path { from, to } => (Some(from.as_str()), to.as_str()),
            Copy::Entries { to, .. } => (None, to.as_str()),
        };
        if set.includes.iter().any(|i| under(to, i)) {
            out.push(copy);
            continue;
        }
        for inc in set
            .includes
            .iter()
            .filter(|i| under(i, to) && i.as_str() != to)
        {
            let rest = &inc[to.len() + 1..];
            let hidden = rest.starts_with('.');
            let keep = match &copy {
                Copy::Entries {
                    hidden: h,
                    visible: v,
                    ..
                } => (hidden && *h) || (!hidden && *v),
                Copy::Path { .. } => true,
            };
            if keep {
                out.push(Copy::Path {
                    from: match from {
                        Some(f) => format!("{f}/{rest}"),
                        None => rest.to_string(),
                    },
                    to: inc.clone(),
                });
            }
        }
    }
    out
}

fn app(layout: &Layout, name: &str, part: &Yaml, p: &mut Problems<'_>) -> App {
    let source = part.get("source").and_then(Yaml::as_str).unwrap_or(".");
    let mut app = App {
        source: source.trim_end_matches('/').to_string(),
        owner: (DAEMON_ID, DAEMON_ID),
        ..App::default()
    };
    if source != "." {
        p.path(&format!("`parts.{name}.source`"), source, false);
    }
    let written = p
        .input
        .rock_source
        .as_ref()
        .is_some_and(|(_, tree)| tree.lookup(&["parts", name, "organize"]).is_some());
    let what = if written {
        format!("`parts.{name}.organize` entry")
    } else {
        format!("`parts.{name}.prime` entry")
    };
    let mut copies = Vec::new();
    let mut entries: Option<usize> = None;
    for (key, value) in part
        .get("organize")
        .and_then(Yaml::as_map)
        .unwrap_or_default()
    {
        let (Some(key), Some(value)) = (key.as_str(), value.as_str()) else {
            continue;
        };
        // In include mode rockcraft maps every prime entry, `-` ones too, to an organize key
        // outside the part (`../../-flask/app/x`): craft-parts finds nothing there, and the
        // entry works as the stage exclusion it also becomes.
        if value.starts_with('-') {
            continue;
        }
        if !p.path(&what, value, false) {
            continue;
        }
        let to = value.trim_end_matches('/').to_string();
        match key {
            "*" | ".*" => {
                let hidden = key == ".*";
                match entries.and_then(|i| copies.get_mut(i)) {
                    Some(Copy::Entries {
                        to: t,
                        hidden: h,
                        visible: v,
                    }) if *t == to => {
                        *h |= hidden;
                        *v |= !hidden;
                    }
                    _ => {
                        entries = Some(copies.len());
                        copies.push(Copy::Entries {
                            to,
                            hidden,
                            visible: !hidden,
                        });
                    }
                }
            }
            _ => {
                if p.path(&what, key, false) {
                    copies.push(Copy::Path {
                        from: key.trim_end_matches('/').to_string(),
                        to,
                    });
                }
            }
        }
    }
    for key in ["stage", "prime"] {
        let set = fileset(name, key, part.get(key), p);
        copies = select(copies, &set);
        for ex in set.excludes {
            push_unique(&mut app.excludes, &ex);
        }
    }
    for perm in strs(part.get("permissions")) {
        if perm.get("path").is_none() {
            let id = |k: &str| match perm.get(k) {
                Some(Yaml::Int(i)) => u32::try_from(*i).ok(),
                _ => None,
            };
            if let (Some(o), Some(g)) = (id("owner"), id("group")) {
                app.owner = (o, g);
            }
        }
    }
    let mut roots = vec![top(layout.app_dir.trim_start_matches('/'))];
    for c in &copies {
        let to = match c {
            Copy::Path { to, .. } | Copy::Entries { to, .. } => to,
        };
        push_unique(&mut roots, &top(to));
    }
    app.roots = roots;
    app.copies = copies;
    app
}

fn top(path: &str) -> String {
    path.split('/').next().unwrap_or_default().to_string()
}

fn environment(rock: &Yaml, img: &mut Image, p: &mut Problems<'_>) {
    for (k, v) in rock
        .get("environment")
        .and_then(Yaml::as_map)
        .unwrap_or_default()
    {
        let (Some(k), Some(v)) = (k.as_str(), text(v)) else {
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
    let services = crate::pebble::services::read(input);
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

/// The app directory's files after priming, as far as the Dockerfile knows them (for the
/// migration script): top-level names of the copies that land directly in it.
fn app_files(img: &Image, app_dir: &str, entries: &[String]) -> Vec<String> {
    let dir = app_dir.trim_start_matches('/');
    let mut names = Vec::new();
    for c in &img.app.copies {
        match c {
            Copy::Path { to, .. } => {
                if let Some(rest) = to.strip_prefix(dir).and_then(|r| r.strip_prefix('/')) {
                    names.push(rest.split('/').next().unwrap_or_default().to_string());
                }
            }
            Copy::Entries { to, .. } if to == dir => {
                names.extend(entries.iter().map(|e| e.trim_end_matches('/').to_string()));
            }
            Copy::Entries { .. } => {}
        }
    }
    names.retain(|n| !img.app.excludes.iter().any(|e| e == &format!("{dir}/{n}")));
    names
}

fn migrate(
    framework: paasc_frameworks::Framework,
    dir: &paasc_expand::ProjectDir,
    img: &mut Image,
) {
    let source = if img.app.source == "." {
        String::new()
    } else {
        format!("{}/", img.app.source)
    };
    let entries: Vec<String> = dir
        .children(&source)
        .iter()
        .map(|e| e.to_string())
        .collect();
    let files = app_files(img, framework.app_dir(), &entries);
    img.migrate = paasc_frameworks::migration_command(framework, |f| files.iter().any(|n| n == f));
}

fn health(input: &EmitInput, p: &mut Problems<'_>) -> Option<Health> {
    let checks = match crate::pebble::checks::read(input) {
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

    fn path(from: &str, to: &str) -> Copy {
        Copy::Path {
            from: from.into(),
            to: to.into(),
        }
    }

    fn set(includes: &[&str]) -> Fileset {
        Fileset {
            includes: includes.iter().map(|s| s.to_string()).collect(),
            excludes: Vec::new(),
        }
    }

    #[test]
    fn filesets_narrow_the_organized_copies_like_craft_parts() {
        let copies = vec![
            path("app.py", "flask/app/app.py"),
            path("static", "flask/app/static"),
            path("notes", "flask/app/notes"),
        ];
        // No includes: everything.
        assert_eq!(select(copies.clone(), &set(&[])), copies);
        // A parent include keeps a copy whole; a child include narrows it; the rest goes.
        assert_eq!(
            select(
                copies.clone(),
                &set(&["flask/app/app.py", "flask/app/static/css"])
            ),
            [
                path("app.py", "flask/app/app.py"),
                path("static/css", "flask/app/static/css")
            ]
        );
        assert_eq!(select(copies.clone(), &set(&["flask"])), copies);
        // `flask/apps` is not under `flask/app`.
        assert!(select(copies, &set(&["flask/apps"])).is_empty());
        // The entries of a directory: a child include keeps one entry, hidden or not.
        let all = vec![Copy::Entries {
            to: "django/app".into(),
            hidden: true,
            visible: true,
        }];
        assert_eq!(
            select(all, &set(&["django/app/manage.py", "django/app/.env"])),
            [
                path("manage.py", "django/app/manage.py"),
                path(".env", "django/app/.env")
            ]
        );
        let visible = vec![Copy::Entries {
            to: "django/app".into(),
            hidden: false,
            visible: true,
        }];
        assert_eq!(
            select(visible, &set(&["django/app/manage.py", "django/app/.env"])),
            [path("manage.py", "django/app/manage.py")]
        );
    }

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
