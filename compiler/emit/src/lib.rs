//! The back ends: pure functions to the text of the files a deployment needs, from the checked
//! project ([`paasc_check::App`]: the image, the same for every deployment) or from a deployment
//! ([`paasc_check::Resolved`]: the project with a profile applied). [`ARTIFACTS`] is the one
//! registry of them: each artifact's `--emit` name, whether `compile` writes it by default, its
//! emitter (and so whether it reads a profile), and which of its files hold secret values by
//! design.
//!
//! **Invariant:** pure. Nothing here reads or writes files; the binary writes what these return.

pub mod compose;
pub mod dockerfile;
pub mod env;
pub mod graph;
pub mod gunicorn;
pub mod helm;
mod kept;
pub mod pebble;
pub mod why;

use paasc_check::{App, Resolved};
use paasc_diag::{Code, Diagnostic, Severity};

/// The files of a compilation, by path relative to the output directory.
pub type Files = Vec<(String, Text)>;

/// A file's text: borrowed when it is the same for every compile (the chart's schema), so
/// that many projects share one copy.
pub type Text = std::borrow::Cow<'static, str>;

/// An artifact `compile` can write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Artifact {
    /// `pebble/rock-layer.yaml` and `pebble/charm-layer.yaml`.
    Pebble,
    /// `.env`, the main service's environment.
    Env,
    /// `gunicorn.conf.py`, as paas-charm renders it (flask and django).
    Gunicorn,
    /// `docker.env`, the environment for `docker run --env-file`.
    DockerEnv,
    /// `docker/`: a Dockerfile equivalent to the rock, with its `.dockerignore`.
    Dockerfile,
    /// `helm/<app>/`: a Helm chart deploying the app without Juju.
    Helm,
    /// `compose.yaml` (with the files it reads): the app and its backing services for docker
    /// compose.
    Compose,
}

/// One artifact's entry in the registry.
pub struct ArtifactInfo {
    /// The artifact.
    pub artifact: Artifact,
    /// Its `--emit` name.
    pub name: &'static str,
    /// What messages call it.
    pub title: &'static str,
    /// What it writes, for `--help`.
    pub help: &'static str,
    /// Whether `compile` writes it when `--emit` is not given.
    pub default: bool,
    /// Renders its files, or says why it cannot.
    pub emit: Emitter,
    /// Problems that, when `--emit` is not given, leave it out with a warning instead of
    /// failing the compile (a project the back end cannot translate yet).
    pub optional_when: &'static [Code],
    /// Whether its file at `path` (among all the compile's `files`) holds secret values.
    pub secret: fn(path: &str, files: &Files) -> bool,
}

/// What an emitter returns: the files, or the problems that stop them.
pub type Rendered = Result<Files, Vec<Diagnostic>>;

/// What an artifact is rendered from. Each emitter takes the [`Mode`] it runs in.
#[derive(Clone, Copy)]
pub enum Emitter {
    /// The checked project alone: the same files whatever the profile (the image).
    Project(fn(&App, Mode, Projects) -> Rendered),
    /// A deployment: the project with a profile applied.
    Deployment(fn(&Resolved, Mode) -> Rendered),
    /// A deployment, in files that point back at the project from the output directory.
    Placed(fn(&Resolved, &Placement, Mode, Projects) -> Rendered),
}

/// What an emitter is asked for. Both modes run the same code up to each problem, so they find
/// the same problems: [`Mode::Check`] only skips building what no problem depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The files, or the problems that stop them (`compile`).
    Render,
    /// The problems alone (`check`): the same `Err` as [`Mode::Render`] gives, and on success
    /// files that may leave out any file or all of them.
    Check,
}

/// How many projects the run renders (a project's [`ImageMemo`] says it to the emitters that
/// read it): with several, texts most projects share (the Dockerfile's encoded part files) are
/// kept for the next ones.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Projects {
    /// One: there is nothing to reuse, and keeping texts would only cost copies.
    #[default]
    One,
    /// Several.
    Several,
}

/// Where the output directory is relative to the project, for files that point back at it
/// (compose.yaml's build context): `/`-separated relative paths, so the output does not
/// depend on where either directory is on the disk, only on how they sit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placement {
    /// The project directory, from the output directory (`..` for `-o DIR/out`).
    pub project: String,
    /// The output directory, from the project directory (`out` for `-o DIR/out`).
    pub out: String,
}

impl Default for Placement {
    /// `paasc compile DIR -o DIR/out`.
    fn default() -> Placement {
        Placement {
            project: "..".into(),
            out: "out".into(),
        }
    }
}

/// Whether `c` could end a line or confuse a terminal: C0 and C1 controls (LF, CR, NUL, ESC,
/// ...), DEL, and the Unicode line and paragraph separators.
pub fn is_control(c: char) -> bool {
    c.is_control() || c == '\u{2028}' || c == '\u{2029}'
}

/// A value as diagnostics show it: control characters escaped, so a message stays one line.
pub fn shown(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if is_control(c) {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

fn never(_: &str, _: &Files) -> bool {
    false
}

/// Every artifact, in the order `compile` renders them.
pub const ARTIFACTS: &[ArtifactInfo] = &[
    ArtifactInfo {
        artifact: Artifact::Pebble,
        name: "pebble",
        title: "the Pebble layers",
        help: "pebble/rock-layer.yaml and pebble/charm-layer.yaml",
        default: true,
        emit: Emitter::Deployment(pebble::files),
        optional_when: &[],
        secret: pebble::holds_secret,
    },
    ArtifactInfo {
        artifact: Artifact::Env,
        name: "env",
        title: ".env",
        help: ".env, the main service's environment",
        default: true,
        emit: Emitter::Deployment(env::dotenv_files),
        optional_when: &[],
        secret: |path, _| path == env::DOTENV,
    },
    ArtifactInfo {
        artifact: Artifact::Gunicorn,
        name: "gunicorn",
        title: "gunicorn.conf.py",
        help: "gunicorn.conf.py, as paas-charm renders it (flask and django)",
        default: true,
        emit: Emitter::Deployment(gunicorn::files),
        optional_when: &[],
        secret: never,
    },
    ArtifactInfo {
        artifact: Artifact::DockerEnv,
        name: "docker-env",
        title: "docker.env",
        help: "docker.env, the environment for `docker run --env-file` (only when asked for: it cannot carry line breaks)",
        default: false,
        emit: Emitter::Deployment(env::docker_files),
        optional_when: &[],
        secret: |path, _| path == env::DOCKER_ENV,
    },
    ArtifactInfo {
        artifact: Artifact::Dockerfile,
        name: "dockerfile",
        title: "Dockerfile",
        help: "docker/: a Dockerfile equivalent to the rock, with its .dockerignore",
        default: true,
        emit: Emitter::Project(dockerfile::files),
        optional_when: &[dockerfile::UNSUPPORTED, dockerfile::UNKNOWN_SNAP],
        secret: never,
    },
    ArtifactInfo {
        artifact: Artifact::Helm,
        name: "helm",
        title: "Helm chart",
        help: "helm/<app>/: a Helm chart deploying the app without Juju, and the Secret's values beside it",
        default: true,
        emit: Emitter::Deployment(helm::app::files),
        optional_when: &[],
        secret: helm::app::holds_secret,
    },
    ArtifactInfo {
        artifact: Artifact::Compose,
        name: "compose",
        title: "compose.yaml",
        help: "compose.yaml: the app, its workers, migration and backing services for docker compose (with .env, gunicorn.conf.py and docker/ it reads)",
        default: false,
        emit: Emitter::Placed(compose::with_inputs),
        optional_when: &[],
        secret: compose::holds_secret,
    },
];

impl Artifact {
    /// The artifact called `name` (its `--emit` name).
    pub fn from_name(name: &str) -> Option<Artifact> {
        ARTIFACTS
            .iter()
            .find(|a| a.name == name)
            .map(|a| a.artifact)
    }
}

/// The codes of problems the back ends find, with their explanations.
pub const CODES: &[Code] = &[
    pebble::checks::INVALID_CHECK,
    env::UNREPRESENTABLE,
    helm::app::SECRET_UNREPRESENTABLE,
    helm::app::SERVICE_COMMAND,
    helm::app::CHART_TOO_LARGE,
    dockerfile::UNSUPPORTED,
    dockerfile::UNKNOWN_SNAP,
    dockerfile::INVALID_NAME,
    dockerfile::INVALID_COMMAND,
];

fn wanted(emit: &[Artifact]) -> impl Iterator<Item = &'static ArtifactInfo> + '_ {
    ARTIFACTS.iter().filter(move |info| {
        if emit.is_empty() {
            info.default
        } else {
            emit.contains(&info.artifact)
        }
    })
}

/// Whether an artifact `emit` asks for (all defaults when empty) reads a profile.
pub fn needs_profile(emit: &[Artifact]) -> bool {
    wanted(emit).any(|info| matches!(info.emit, Emitter::Deployment(_) | Emitter::Placed(_)))
}

/// Renders the artifacts `emit` asks for (all defaults when empty) of the checked project
/// `app` and, for those that read a profile, of its `deployment` (none: see
/// [`needs_profile`]), or says why one cannot be written. With the default set, an artifact
/// this project cannot have yet (see [`ArtifactInfo::optional_when`]) is left out with a
/// warning in `notes`.
pub fn artifacts(
    emit: &[Artifact],
    app: &App,
    deployment: Option<&Resolved>,
    placement: &Placement,
    notes: &mut Vec<Diagnostic>,
) -> Result<Files, Vec<Diagnostic>> {
    artifacts_of(
        emit,
        app,
        deployment,
        placement,
        Mode::Render,
        notes,
        &mut ImageMemo::default(),
    )
}

/// What the [`Emitter::Project`] artifacts (the image's) found in [`Mode::Check`] for one
/// checked project, kept while [`artifacts_of`] checks several deployments of it: they do not
/// read the profile, so `check`, which checks every profile, checks the Dockerfile once, not
/// once per profile. Valid for one [`App`] only. Rendered files are not kept (`compile` renders
/// one deployment, and keeping them would copy them). It also says how many projects the run
/// renders ([`Projects`]; the default: one).
#[derive(Default)]
pub struct ImageMemo {
    done: Vec<(Artifact, Mode, Result<Files, Vec<Diagnostic>>)>,
    projects: Projects,
}

impl ImageMemo {
    /// An empty memo for a project of a run rendering `projects`.
    pub fn new(projects: Projects) -> ImageMemo {
        ImageMemo {
            done: Vec::new(),
            projects,
        }
    }
}

/// [`artifacts`] in `mode`, with the image's artifacts checked in [`Mode::Check`] taken from
/// `memo` when it has them (and kept there when it has not). `memo` must have been filled from the same `app`. With
/// [`Mode::Check`] (`check`) the problems and warnings are those [`Mode::Render`] gives, and
/// the files are not to be used.
pub fn artifacts_of(
    emit: &[Artifact],
    app: &App,
    deployment: Option<&Resolved>,
    placement: &Placement,
    mode: Mode,
    notes: &mut Vec<Diagnostic>,
    memo: &mut ImageMemo,
) -> Result<Files, Vec<Diagnostic>> {
    let mut files = Files::new();
    for info in wanted(emit) {
        let rendered = match (info.emit, deployment) {
            (Emitter::Project(f), _) => match memo
                .done
                .iter()
                .find(|(a, m, _)| *a == info.artifact && *m == mode)
            {
                Some((_, _, done)) => done.clone(),
                None => {
                    let done = f(app, mode, memo.projects);
                    if mode == Mode::Check {
                        memo.done.push((info.artifact, mode, done.clone()));
                    }
                    done
                }
            },
            (Emitter::Deployment(f), Some(d)) => f(d, mode),
            (Emitter::Placed(f), Some(d)) => f(d, placement, mode, memo.projects),
            (Emitter::Deployment(_) | Emitter::Placed(_), None) => continue,
        };
        match rendered {
            Ok(f) => {
                for (path, text) in f {
                    if !files.iter().any(|(p, _)| *p == path) {
                        files.push((path, text));
                    }
                }
            }
            Err(found)
                if emit.is_empty()
                    && !info.optional_when.is_empty()
                    && found.iter().all(|d| info.optional_when.contains(&d.code)) =>
            {
                notes.extend(found.into_iter().map(|d| {
                    let help = d.help.clone().unwrap_or_default();
                    d.severity(Severity::Warning).help(format!(
                        "{help}\nthe {} was left out; the other artifacts were written (ask for it with --emit {} to make this an error)",
                        info.title, info.name
                    ))
                }));
            }
            Err(found) => return Err(found),
        }
    }
    Ok(files)
}

/// The files of `files` that hold secret values by design, by the registry's policy: the
/// environment files, the charm's Pebble layer, and the files `kubectl create secret` reads
/// beside the Helm chart.
pub fn holding_secrets(files: &Files) -> Vec<&str> {
    files
        .iter()
        .map(|(p, _)| p.as_str())
        .filter(|p| ARTIFACTS.iter().any(|a| (a.secret)(p, files)))
        .collect()
}
