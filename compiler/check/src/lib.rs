//! The pure core of `paasc check`: a loaded project's two files analysed and expanded, paasc's
//! own rules on them, and a deployment profile applied to the result, giving the resolved app
//! (the IR every back end reads).
//!
//! **Invariant:** pure. The binary reads every input up front into a [`Project`] (the files'
//! texts in a `SourceDb`, the directories the extensions inspect as listings); nothing here
//! touches the file system, the environment or the clock.

pub mod apply;
mod declared;
pub mod expand;
pub mod paths;
pub mod provenance;
mod rules;

pub use apply::{app, apply_profile, framework, App, Resolved};
pub use rules::CODES;
pub use rules::{peer_ordinals, split_image, SCRATCH_DIRS};

use paasc_diag::{Code, Diagnostic, FileId, SourceDb, Span};
use paasc_expand::ProjectDir;
use paasc_syntax::{Tree, Yaml};
use std::path::{Path, PathBuf};

/// Settings the real tools take from their environment.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// `CHARMCRAFT_ENABLE_EXPERIMENTAL_EXTENSIONS` is set.
    pub charm_experimental: bool,
    /// `ROCKCRAFT_ENABLE_EXPERIMENTAL_EXTENSIONS` is set.
    pub rock_experimental: bool,
}

/// A directory the extensions inspect, as the loader read it.
#[derive(Clone, Debug, Default)]
pub struct Dir {
    /// Where it is.
    pub root: PathBuf,
    /// Its listing and the texts the extensions read.
    pub listing: ProjectDir,
    /// Entries that are symbolic links leading out of it, with their targets as written.
    pub links_leaving: Vec<(String, PathBuf)>,
    /// Files the extensions read that are larger than the loader reads, with their sizes.
    pub oversized: Vec<(String, u64)>,
    /// Files the extensions read that are not regular files (a FIFO, a socket, a device), which
    /// the loader does not read, with what they are.
    pub special: Vec<(String, &'static str)>,
    /// The charm's own Python code (`src/**/*.py`, as far as the loader reads it), by path
    /// relative to the directory: what the charm does besides paas-charm.
    pub code: std::collections::BTreeMap<String, String>,
}

/// A project as the loader read it: everything [`check_project`] looks at.
#[derive(Default)]
pub struct Project {
    /// The files' texts.
    pub db: SourceDb,
    /// Which file is which.
    pub files: paasc_model::ProjectFiles,
    /// Problems met while loading (invalid UTF-8, oversized files).
    pub diagnostics: Vec<Diagnostic>,
    /// The charm's directory (holding `charmcraft.yaml`), when there is a charm.
    pub charm_dir: Option<Dir>,
    /// The rock's directory (holding `rockcraft.yaml`), when there is a rock.
    pub rock_dir: Option<Dir>,
    /// Both files parsed and lowered, when the loader already did it (it reads the rock's
    /// `name` from it); [`check_project`] analyses them otherwise.
    pub analysis: Option<paasc_model::Analysis>,
}

/// The largest file the loader reads; the rest is cut off with a `Y008`.
pub const MAX_BYTES: u64 = 8 * 1024 * 1024;

/// Where the loader reads file contents from: the disk, or an editor's unsaved buffers over it.
/// The passes never read; only the loader calls this.
pub trait Source: Sync {
    /// At most [`MAX_BYTES`] + 1 bytes of the file at `path`.
    fn read(&self, path: &std::path::Path) -> std::io::Result<Vec<u8>>;
    /// Whether `path` is a file (or an open buffer).
    fn is_file(&self, path: &std::path::Path) -> bool;
    /// The entries of the directory `dir`: each name and whether it is a directory.
    fn list(&self, dir: &std::path::Path) -> std::io::Result<Vec<(String, bool)>>;
    /// Whether `path` is a directory (by default, whether it can be listed).
    fn is_dir(&self, path: &std::path::Path) -> bool {
        self.list(path).is_ok()
    }
}

/// Both files analysed and expanded: what `check` reports and `compile` builds on.
pub struct Checked {
    /// Every problem found (a caller may take them: [`Checked::errors`] keeps the verdict).
    pub diags: Vec<Diagnostic>,
    /// Whether any of them is an error.
    pub errors: bool,
    /// The lowered models and trees.
    pub analysis: paasc_model::Analysis,
    /// The framework whose extension charmcraft.yaml uses, when the file has no error.
    pub framework: Option<paasc_runtime::Framework>,
    /// `charmcraft expand-extensions`, when it succeeded (shared with each deployment's app).
    pub charm: Option<std::sync::Arc<Yaml>>,
    /// `rockcraft expand-extensions`, when it succeeded.
    pub rock: Option<paasc_expand::rockcraft::Expanded>,
    /// The project's [`App`], built by the first profile applied to it.
    app: std::sync::OnceLock<Option<std::sync::Arc<App>>>,
}

/// Applies rockcraft's extensions to the rock whose tree is `tree`, in `dir`.
pub fn expand_rock(
    tree: &Tree,
    dir: &ProjectDir,
    opts: Options,
) -> Result<paasc_expand::rockcraft::Expanded, paasc_expand::rockcraft::Failure> {
    let opts = paasc_expand::rockcraft::Options {
        experimental: opts.rock_experimental,
    };
    paasc_expand::rockcraft::expand(&expand::value(tree), dir, opts)
}

/// Applies charmcraft's extensions to `source` (which becomes the expanded document), looking
/// at the charm's directory `dir`.
pub fn expand_charm(
    dir: &ProjectDir,
    source: Yaml,
    opts: Options,
) -> Result<Yaml, paasc_expand::ExpandError> {
    let opts = paasc_expand::charmcraft::Options {
        experimental: opts.charm_experimental,
    };
    paasc_expand::charmcraft::expand_value(source, dir, opts)
}

/// `p` as diagnostics show it: without a leading `./`.
pub fn display(p: &Path) -> String {
    let s = p.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

/// F002 for each entry of `dir` that links outside it, Y008 for each file the extensions read
/// that is larger than paasc reads, and F001 for each that is not a regular file.
fn dir_checks(db: &mut SourceDb, dir: &Dir) -> Vec<Diagnostic> {
    let oversized: Vec<Diagnostic> = dir
        .oversized
        .iter()
        .map(|(rel, size)| {
            let id = db.add(display(&dir.root.join(rel)), "");
            Diagnostic::new(
                Code::FILE_TOO_LARGE,
                id,
                Span::point(0),
                format!(
                    "`{rel}` is {size} bytes; paasc read only its first {MAX_BYTES} bytes, so what the extension finds in it may be wrong"
                ),
            )
            .label("this file")
            .help("check that this is the right file: the files the extensions read (requirements, the app's entry point) are usually a few kilobytes")
        })
        .collect();
    let special: Vec<Diagnostic> = dir.special.iter().map(|(rel, kind)| {
        let id = db.add(display(&dir.root.join(rel)), "");
        Diagnostic::new(
            Code::MISSING_FILE,
            id,
            Span::point(0),
            format!("`{rel}` is {kind}, not a regular file; paasc does not read it"),
        )
        .label("this file")
        .help("make it a regular file: the tools read it when they pack, and a FIFO or a device would block or fail them")
    })
        .collect();
    dir.links_leaving
        .iter()
        .map(|(rel, target)| {
            let id = db.add(display(&dir.root.join(rel)), "");
            Diagnostic::new(
                Code::PATH_LEAVES_PROJECT,
                id,
                Span::point(0),
                format!(
                    "`{rel}` is a symbolic link to `{}`, outside the project directory",
                    target.display()
                ),
            )
            .label("this link")
            .help("copy the file into the project, or make the link point inside it: the tools pack in an instance that sees only the project directory, and copy links as links")
        })
        .chain(oversized)
        .chain(special)
        .collect()
}

/// S011 for an `entrypoint-service` whose command comes from an extension (the model checks
/// the commands rockcraft.yaml writes itself): rockcraft checks the expanded project, and only
/// the flask and django extensions give their service `[ ... ]` default arguments.
pub fn extension_entrypoint(file: FileId, tree: &Tree, rock: &Yaml) -> Option<Diagnostic> {
    let entry = tree.lookup(&["entrypoint-service"])?;
    let name = rock.get("entrypoint-service")?.as_str()?;
    if tree.lookup(&["services", name, "command"]).is_some() {
        return None;
    }
    let command = rock.get("services")?.get(name)?.get("command")?.as_str()?;
    let (message, label) = paasc_model::rockcraft::entrypoint_command_problem(name, command)?;
    Some(
        Diagnostic::new(Code::INVALID_ENTRYPOINT_SERVICE, file, tree.span(entry.value), message)
            .label(format!("the extension's `{name}` service: {label}"))
            .help(format!("give `services.{name}.command` in rockcraft.yaml with its default arguments in brackets (e.g. `... [ --port 8000 ]`), or remove `entrypoint-service`")),
    )
}

/// Whether the file of `tree` loaded as YAML holding a mapping: no problem of the file as
/// YAML (its syntax, keys, size or nesting) among `diags`, and a mapping at the top, which is
/// all an extension needs to run.
fn loads_as_mapping(diags: &[Diagnostic], file: FileId, tree: &Tree) -> bool {
    let yaml_errors = diags.iter().any(|d| {
        d.primary.file == file
            && d.severity == paasc_diag::Severity::Error
            && d.code.as_str().starts_with('Y')
    });
    !yaml_errors && tree.root().is_some_and(|r| tree.as_map(r).is_some())
}

/// Adds `d` unless an error already points at the same place (the schema and the extension
/// both refusing a `base`, say).
fn add_new(diags: &mut Vec<Diagnostic>, d: Diagnostic) {
    let known = diags.iter().any(|e| {
        e.severity == paasc_diag::Severity::Error
            && std::iter::once(&e.primary)
                .chain(&e.labels)
                .any(|l| l.file == d.primary.file && l.span == d.primary.span)
    });
    if !known {
        diags.push(d);
    }
}

/// Analyses and expands both files of `project`, collecting every problem.
///
/// Each pass runs when its inputs are sound, so that one problem does not hide another: the
/// extensions (and paasc's rules on the charm as written) run on a file that loaded as YAML,
/// whatever schema errors it has, as the real tools apply their extensions before they
/// validate the schema; only a file without errors gives the expanded project that profiles
/// are applied to.
pub fn check_project(project: &mut Project, opts: Options) -> Checked {
    let mut analysis = project
        .analysis
        .take()
        .unwrap_or_else(|| paasc_model::analyze(&project.db, project.files));
    let mut diags: Vec<Diagnostic> = std::mem::take(&mut project.diagnostics);
    diags.append(&mut analysis.diagnostics);
    let errors_in = |diags: &[Diagnostic], file| -> Vec<Span> {
        diags
            .iter()
            .filter(|d| d.primary.file == file && d.severity == paasc_diag::Severity::Error)
            .map(|d| d.primary.span)
            .collect()
    };
    let mut charm = None;
    let mut charm_framework = None;
    let mut rock = None;
    if let (Some(file), Some(tree), Some(dir)) = (
        project.files.charmcraft,
        analysis.charm_tree.as_ref(),
        project.charm_dir.as_ref(),
    ) {
        diags.extend(dir_checks(&mut project.db, dir));
        if loads_as_mapping(&diags, file, tree) {
            let clean = errors_in(&diags, file).is_empty();
            let source = expand::value(tree);
            let found = framework(&source);
            match expand_charm(&dir.listing, source, opts) {
                Ok(doc) if clean => charm = Some(std::sync::Arc::new(doc)),
                Ok(_) => {}
                Err(e) => add_new(
                    &mut diags,
                    expand::diagnostic_in(&e, file, tree, &dir.listing, &mut project.db),
                ),
            }
            if let Some(framework) = found {
                let errors = errors_in(&diags, file);
                diags.extend(rules::charm(&mut rules::CharmCx {
                    file,
                    tree,
                    framework,
                    errors,
                    dir,
                    db: &mut project.db,
                    options: Default::default(),
                }));
            }
            if clean {
                charm_framework = found;
            }
        }
    }
    if let (Some(file), Some(tree), Some(dir)) = (
        project.files.rockcraft,
        analysis.rock_tree.as_deref(),
        project.rock_dir.as_ref(),
    ) {
        if loads_as_mapping(&diags, file, tree) {
            let clean = errors_in(&diags, file).is_empty();
            let result = expand_rock(tree, &dir.listing, opts);
            diags.extend(dir_checks(&mut project.db, dir));
            let found = match &result {
                Ok(done) => &done.notes,
                Err(failure) => &failure.errors,
            };
            for e in found {
                let d = expand::diagnostic_in(e, file, tree, &dir.listing, &mut project.db);
                add_new(&mut diags, d);
            }
            if let Some(d) = result
                .as_ref()
                .ok()
                .and_then(|done| extension_entrypoint(file, tree, &done.yaml))
            {
                diags.retain(|e| e.code != Code::ATYPICAL_ENTRYPOINT || e.primary.file != file);
                diags.push(d);
            }
            rock = result.ok().filter(|_| clean);
        }
    }
    Checked {
        errors: paasc_diag::has_errors(&diags),
        diags,
        analysis,
        framework: charm_framework,
        charm,
        rock,
        app: std::sync::OnceLock::new(),
    }
}
