//! The `paasc` command line. This crate is the only one that does I/O or knows about JSON and
//! terminals; the passes it drives are pure.

pub mod compile;
pub mod emit;
pub mod expand;
pub mod human;
pub mod json;
pub mod load;

use clap::{Parser, Subcommand, ValueEnum};
use paasc_diag::{Code, Diagnostic, ALL_CODES};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// Exit code: no errors (warnings allowed).
pub const EXIT_OK: i32 = 0;
/// Exit code: problems were found in the inputs.
pub const EXIT_PROBLEMS: i32 = 1;
/// Exit code: bad usage, or an input could not be read.
pub const EXIT_USAGE: i32 = 2;
/// Exit code: paasc itself failed (a bug).
pub const EXIT_INTERNAL: i32 = 3;

/// Output format of diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// miette reports for people.
    Human,
    /// One JSON document (schema/diagnostics.json).
    Json,
}

#[derive(Parser, Debug)]
#[command(name = "paasc", version, about = "Compiler and checker for 12-factor web apps built with rockcraft and charmcraft", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Flags shared by the commands that read a project.
#[derive(clap::Args, Debug, Clone)]
struct FileArgs {
    /// Path of rockcraft.yaml, if not in DIR.
    #[arg(long, value_name = "FILE")]
    rockcraft: Option<PathBuf>,
    /// Path of charmcraft.yaml, if not in DIR or DIR/charm.
    #[arg(long, value_name = "FILE")]
    charmcraft: Option<PathBuf>,
    /// Output format of diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(clap::Args, Debug, Clone)]
struct ProjectArgs {
    /// Project directories: rockcraft.yaml in each, charmcraft.yaml there or in charm/. Several
    /// are processed in parallel.
    #[arg(default_value = ".", value_name = "DIR")]
    dirs: Vec<PathBuf>,
    #[command(flatten)]
    files: FileArgs,
}

#[derive(clap::Args, Debug, Clone)]
struct CompileArgs {
    #[command(flatten)]
    project: ProjectArgs,
    /// The deployment profile: a name (profiles/NAME.yaml in DIR) or a path. Default:
    /// profiles/default.yaml when it exists.
    #[arg(long, value_name = "NAME|FILE")]
    profile: Option<String>,
    /// Override a profile value, e.g. `--set config.greeting=hello` (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Output directory; with several projects, each one's artifacts go to OUT/<its directory name>.
    #[arg(short = 'o', long = "out", value_name = "OUT")]
    out: PathBuf,
    /// Which artifacts to write (default: all but docker-env).
    #[arg(long, value_enum, value_delimiter = ',')]
    emit: Vec<compile::Artifact>,
    /// Write nothing; compare what would be written with OUT, print a unified diff, and exit 1
    /// on any difference.
    #[arg(long)]
    check: bool,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Report every problem charmcraft, rockcraft or paas-charm would report, without writing anything.
    Check(ProjectArgs),
    /// Apply a deployment profile and write the artifacts: Pebble layers, .env, gunicorn.conf.py, a Dockerfile and a Helm chart.
    Compile(CompileArgs),
    /// Print the long description of a diagnostic code, with an example and the fix.
    Explain {
        /// A code such as S001, or its name such as unknown-key; `all` lists every code.
        code: String,
    },
    /// Print charmcraft.yaml or rockcraft.yaml with its extensions expanded, like `<tool> expand-extensions`.
    Expand {
        /// `[DIR] charmcraft|rockcraft`: the project directory (default `.`) and which file to expand.
        #[arg(num_args = 1..=2, required = true, value_name = "[DIR] TOOL")]
        args: Vec<String>,
        #[command(flatten)]
        files: FileArgs,
    },
    /// Print a JSON Schema.
    Schema {
        /// Which schema.
        #[arg(value_enum)]
        which: SchemaKind,
    },
}

/// The files `paasc expand` expands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Tool {
    /// `charmcraft expand-extensions`.
    Charmcraft,
    /// `rockcraft expand-extensions`.
    Rockcraft,
}

/// The schemas `paasc schema` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    /// The `--format json` diagnostics document.
    Diagnostics,
    /// `charmcraft.yaml`.
    Charmcraft,
    /// `rockcraft.yaml`.
    Rockcraft,
    /// A deployment profile (`profiles/NAME.yaml`).
    Profile,
    /// The `values.yaml` of the Helm charts `compile --emit helm` writes.
    HelmValues,
}

/// What a run produced.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Text for standard output.
    pub stdout: String,
    /// Text for standard error.
    pub stderr: String,
    /// The process exit code.
    pub code: i32,
}

/// Environment facts that change rendering and what the emulated tools accept.
#[derive(Clone, Copy, Debug)]
pub struct Terminal {
    /// Whether standard output is a terminal.
    pub stdout_tty: bool,
    /// Whether `NO_COLOR` is set to a non-empty value.
    pub no_color: bool,
    /// Whether `CHARMCRAFT_ENABLE_EXPERIMENTAL_EXTENSIONS` is set to a non-empty value.
    pub experimental: bool,
    /// Whether `ROCKCRAFT_ENABLE_EXPERIMENTAL_EXTENSIONS` is set to a non-empty value.
    pub rock_experimental: bool,
}

/// Runs paasc with `args` (including the program name).
pub fn run(args: Vec<String>, term: Terminal) -> Outcome {
    let cli = match Cli::try_parse_from(args) {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let text = e.render().to_string();
            return if e.use_stderr() {
                Outcome {
                    stderr: text,
                    code,
                    ..Outcome::default()
                }
            } else {
                Outcome {
                    stdout: text,
                    code,
                    ..Outcome::default()
                }
            };
        }
    };
    match cli.command {
        Command::Check(p) => check(&p, term),
        Command::Compile(a) => compile_cmd(&a, term),
        Command::Explain { code } => explain(&code),
        Command::Expand { args, files } => {
            let (dir, tool) = match args.as_slice() {
                [tool] => (".".to_string(), tool.clone()),
                [dir, tool] => (dir.clone(), tool.clone()),
                _ => (".".to_string(), String::new()),
            };
            let Ok(tool) = Tool::from_str(&tool, true) else {
                return Outcome {
                    stderr: format!("error: `{tool}` is not a file paasc expands; use `charmcraft` or `rockcraft`\n"),
                    code: EXIT_USAGE,
                    ..Outcome::default()
                };
            };
            expand_cmd(&PathBuf::from(dir), &files, tool, term)
        }
        Command::Schema { which } => Outcome {
            stdout: match which {
                SchemaKind::Diagnostics => json::schema(),
                SchemaKind::Charmcraft => paasc_schemas::render(&paasc_schemas::charmcraft()),
                SchemaKind::Rockcraft => paasc_schemas::render(&paasc_schemas::rockcraft()),
                SchemaKind::Profile => paasc_schemas::render(&paasc_schemas::profile()),
                SchemaKind::HelmValues => paasc_helm::render_json(&paasc_helm::values::schema()),
            },
            ..Outcome::default()
        },
    }
}

fn human_style(term: Terminal) -> human::Style {
    if term.no_color || !term.stdout_tty {
        human::Style::Narratable
    } else {
        human::Style::Graphical
    }
}

/// Loads the project in `dir`, or reports the load failure (exit 2).
fn load_project(dir: &Path, files: &FileArgs, only: Option<Tool>) -> Result<load::Loaded, Report> {
    let mut loc = load::Locations {
        dir: dir.to_path_buf(),
        rockcraft: files.rockcraft.clone(),
        charmcraft: files.charmcraft.clone(),
    };
    match only {
        Some(Tool::Charmcraft) => loc.rockcraft = None,
        Some(Tool::Rockcraft) => loc.charmcraft = None,
        None => {}
    }
    load::load(&loc).map_err(|e| Report {
        db: e.db,
        diags: vec![e.diagnostic],
        files: 0,
        code: EXIT_USAGE,
        note: None,
        artifacts: None,
    })
}

/// What `check` or `compile` found in one project.
struct Report {
    /// The project's sources.
    db: paasc_diag::SourceDb,
    /// Its problems, sorted.
    diags: Vec<Diagnostic>,
    /// How many files were read.
    files: usize,
    /// The exit code this project alone would give.
    code: i32,
    /// A line for standard error after the summary.
    note: Option<String>,
    /// The artifacts, when `compile` built them.
    artifacts: Option<compile::Files>,
}

/// Renders the reports of every project in argument order: one summary, the worst exit code.
fn emit_reports(reports: &[Report], format: Format, term: Terminal) -> Outcome {
    let notes: String = reports
        .iter()
        .filter_map(|r| r.note.as_deref())
        .map(|n| format!("{n}\n"))
        .collect();
    let code = reports.iter().map(|r| r.code).max().unwrap_or(EXIT_OK);
    if let [r] = reports {
        let mut out = emit(&r.db, &r.diags, r.files, format, term);
        out.stderr.push_str(&notes);
        out.code = code;
        return out;
    }
    let mut summary = json::summary(&[], 0);
    for r in reports {
        summary.add(&json::summary(&r.diags, r.files));
    }
    let stdout = match format {
        Format::Json => json::to_string(&json::merge(
            reports
                .par_iter()
                .map(|r| json::document(&r.db, &r.diags, r.files))
                .collect(),
        )),
        Format::Human => reports
            .par_iter()
            .map(|r| human::render_all(&r.db, &r.diags, human_style(term)))
            .collect::<Vec<String>>()
            .concat(),
    };
    Outcome {
        stdout,
        stderr: format!(
            "{} of {} projects\n{notes}",
            summary_line(&summary),
            reports.len()
        ),
        code,
    }
}

/// Refuses flags that name one project's files when several projects are given.
fn single_project_flags(p: &ProjectArgs) -> Option<Outcome> {
    (p.dirs.len() > 1 && (p.files.rockcraft.is_some() || p.files.charmcraft.is_some())).then(|| {
        Outcome {
            stderr: "error: --rockcraft and --charmcraft name one project's files; give a single project directory with them\n".into(),
            code: EXIT_USAGE,
            ..Outcome::default()
        }
    })
}

/// Applies rockcraft's extensions to `file`, looking at the directory that holds it.
fn expand_rock(
    db: &paasc_diag::SourceDb,
    file: paasc_diag::FileId,
    tree: &paasc_syntax::Tree,
    term: Terminal,
) -> (
    paasc_expand::ProjectDir,
    Result<paasc_expand::rockcraft::Expanded, paasc_expand::rockcraft::Failure>,
) {
    let root = load::directory_of(&db.get(file).path);
    let doc = expand::value(tree);
    let name = doc
        .get("name")
        .and_then(paasc_syntax::Yaml::as_str)
        .unwrap_or_default();
    let dir = load::rock_project_dir(&root, &[], name);
    let opts = paasc_expand::rockcraft::Options {
        experimental: term.rock_experimental,
    };
    let result = paasc_expand::rockcraft::expand(&doc, &dir, opts);
    (dir, result)
}

/// Applies charmcraft's extensions to `source`, looking at the charm's directory `dir`.
fn expand_charm(
    dir: &paasc_expand::ProjectDir,
    source: &paasc_syntax::Yaml,
    term: Terminal,
) -> Result<paasc_syntax::Yaml, paasc_expand::ExpandError> {
    let opts = paasc_expand::charmcraft::Options {
        experimental: term.experimental,
    };
    paasc_expand::charmcraft::expand(source, dir, opts)
}

/// Both files analysed and expanded: what `check` reports and `compile` builds on.
pub(crate) struct Checked {
    /// Every problem found.
    pub diags: Vec<Diagnostic>,
    /// The lowered models and trees.
    pub analysis: paasc_model::Analysis,
    /// charmcraft.yaml as written, loaded once for the expansion, the lints and the profiles.
    pub charm_source: Option<paasc_syntax::Yaml>,
    /// `charmcraft expand-extensions`, when it succeeded.
    pub charm: Option<paasc_syntax::Yaml>,
    /// `rockcraft expand-extensions`, when it succeeded.
    pub rock: Option<paasc_expand::rockcraft::Expanded>,
    /// The rock's directory as the expansion saw it.
    pub rock_dir: Option<paasc_expand::ProjectDir>,
}

/// F002 for each entry of the project directory `dir` (rooted at `root`) that links outside it,
/// and Y008 for each file the extensions read that is larger than paasc reads.
fn project_dir_checks(
    db: &mut paasc_diag::SourceDb,
    root: &Path,
    dir: &paasc_expand::ProjectDir,
) -> Vec<Diagnostic> {
    let oversized: Vec<Diagnostic> = load::oversized(root, &dir.texts)
        .into_iter()
        .map(|(rel, size)| {
            let id = db.add(load::display(&root.join(&rel)), "");
            Diagnostic::new(
                Code::FILE_TOO_LARGE,
                id,
                paasc_diag::Span::point(0),
                format!(
                    "`{rel}` is {size} bytes; paasc read only its first {} bytes, so what the extension finds in it may be wrong",
                    load::MAX_BYTES
                ),
            )
            .label("this file")
            .help("check that this is the right file: the files the extensions read (requirements, the app's entry point) are usually a few kilobytes")
        })
        .collect();
    load::links_leaving(root, &dir.entries)
        .into_iter()
        .map(|(rel, target)| {
            let id = db.add(load::display(&root.join(&rel)), "");
            Diagnostic::new(
                Code::PATH_LEAVES_PROJECT,
                id,
                paasc_diag::Span::point(0),
                format!(
                    "`{rel}` is a symbolic link to `{}`, outside the project directory",
                    target.display()
                ),
            )
            .label("this link")
            .help("copy the file into the project, or make the link point inside it: the tools pack in an instance that sees only the project directory, and copy links as links")
        })
        .chain(oversized)
        .collect()
}

/// S011 for an `entrypoint-service` whose command comes from an extension (the model checks
/// the commands rockcraft.yaml writes itself): rockcraft checks the expanded project, and only
/// the flask and django extensions give their service `[ ... ]` default arguments.
fn extension_entrypoint(
    file: paasc_diag::FileId,
    tree: &paasc_syntax::Tree,
    rock: &paasc_syntax::Yaml,
) -> Option<Diagnostic> {
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

pub(crate) fn check_project(loaded: &mut load::Loaded, term: Terminal) -> Checked {
    let mut analysis = paasc_model::analyze(&loaded.db, loaded.files);
    let mut diags: Vec<Diagnostic> = std::mem::take(&mut loaded.diagnostics);
    diags.append(&mut analysis.diagnostics);
    let clean = |diags: &[Diagnostic], file| {
        !diags
            .iter()
            .any(|d| d.primary.file == file && d.severity == paasc_diag::Severity::Error)
    };
    let mut charm = None;
    let mut charm_source = None;
    let mut rock = None;
    let mut rock_dir = None;
    if let (Some(file), Some(tree)) = (loaded.files.charmcraft, analysis.charm_tree.as_ref()) {
        let root = load::directory_of(&loaded.db.get(file).path);
        let dir = load::project_dir(&root, &[]);
        diags.extend(project_dir_checks(&mut loaded.db, &root, &dir));
        if clean(&diags, file) {
            let source = expand::value(tree);
            match expand_charm(&dir, &source, term) {
                Ok(doc) => {
                    diags.extend(compile::lint(file, tree, &source));
                    charm = Some(doc);
                }
                Err(e) => diags.push(expand::diagnostic_in(&e, file, tree, &dir, &mut loaded.db)),
            }
            charm_source = Some(source);
        }
    }
    if let (Some(file), Some(tree)) = (loaded.files.rockcraft, analysis.rock_tree.as_ref()) {
        if clean(&diags, file) {
            let (dir, result) = expand_rock(&loaded.db, file, tree, term);
            let root = load::directory_of(&loaded.db.get(file).path);
            diags.extend(project_dir_checks(&mut loaded.db, &root, &dir));
            let found = match &result {
                Ok(done) => &done.notes,
                Err(failure) => &failure.errors,
            };
            for e in found {
                diags.push(expand::diagnostic_in(e, file, tree, &dir, &mut loaded.db));
            }
            if let Some(d) = result
                .as_ref()
                .ok()
                .and_then(|done| extension_entrypoint(file, tree, &done.yaml))
            {
                diags.retain(|e| e.code != Code::ATYPICAL_ENTRYPOINT || e.primary.file != file);
                diags.push(d);
            }
            rock = result.ok();
            rock_dir = Some(dir);
        }
    }
    Checked {
        diags,
        analysis,
        charm_source,
        charm,
        rock,
        rock_dir,
    }
}

fn check(p: &ProjectArgs, term: Terminal) -> Outcome {
    if let Some(out) = single_project_flags(p) {
        return out;
    }
    let reports: Vec<Report> = p
        .dirs
        .par_iter()
        .map(|dir| check_one(dir, &p.files, term))
        .collect();
    emit_reports(&reports, p.files.format, term)
}

/// `check` of the project in `dir`, with every profile it has.
fn check_one(dir: &Path, args: &FileArgs, term: Terminal) -> Report {
    let mut loaded = match load_project(dir, args, None) {
        Ok(l) => l,
        Err(report) => return report,
    };
    let checked = check_project(&mut loaded, term);
    let mut diags = checked.diags.clone();
    let mut files = usize::from(loaded.files.rockcraft.is_some())
        + usize::from(loaded.files.charmcraft.is_some());
    if !paasc_diag::has_errors(&diags) {
        for profile in compile::profiles(dir) {
            files += 1;
            compile::build(
                &mut loaded.db,
                &checked,
                loaded.files,
                Some(&profile),
                &[],
                &[],
                &mut diags,
            );
        }
    }
    paasc_diag::sort(&mut diags);
    let code = if paasc_diag::has_errors(&diags) {
        EXIT_PROBLEMS
    } else {
        EXIT_OK
    };
    Report {
        db: loaded.db,
        diags,
        files,
        code,
        note: None,
        artifacts: None,
    }
}

/// `compile` of the project in `dir`: its diagnostics, and its artifacts when it has no errors.
fn compile_one(dir: &Path, a: &CompileArgs, several: bool, term: Terminal) -> Report {
    let mut loaded = match load_project(dir, &a.project.files, None) {
        Ok(l) => l,
        Err(report) => return report,
    };
    let checked = check_project(&mut loaded, term);
    let mut diags = checked.diags.clone();
    let report = |db, mut diags: Vec<Diagnostic>, code, note, artifacts| {
        paasc_diag::sort(&mut diags);
        Report {
            db,
            diags,
            files: 2,
            code,
            note,
            artifacts,
        }
    };
    if loaded.files.charmcraft.is_none() || loaded.files.rockcraft.is_none() {
        let whose = if several {
            format!(" (in `{}`)", dir.display())
        } else {
            String::new()
        };
        let note = format!("error: compile needs both rockcraft.yaml and charmcraft.yaml{whose}");
        return report(loaded.db, diags, EXIT_USAGE, Some(note), None);
    }
    let path = compile::profile_path(dir, a.profile.as_deref());
    let built = compile::build(
        &mut loaded.db,
        &checked,
        loaded.files,
        path.as_deref(),
        &a.set,
        &a.emit,
        &mut diags,
    );
    let code = if built.is_some() {
        EXIT_OK
    } else {
        EXIT_PROBLEMS
    };
    report(loaded.db, diags, code, None, built)
}

/// The directory under OUT each project's artifacts go to: its directory's name.
fn output_names(dirs: &[PathBuf]) -> Result<Vec<String>, Outcome> {
    let names: Vec<String> = dirs
        .iter()
        .map(|d| {
            std::fs::canonicalize(d)
                .ok()
                .and_then(|p| p.file_name().map(std::ffi::OsStr::to_os_string))
                .or_else(|| d.file_name().map(std::ffi::OsStr::to_os_string))
                .map_or_else(
                    || "project".to_string(),
                    |n| n.to_string_lossy().into_owned(),
                )
        })
        .collect();
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, name) in names.iter().enumerate() {
        if let Some(&j) = seen.get(name.as_str()) {
            return Err(Outcome {
                stderr: format!(
                    "error: projects `{}` and `{}` would both be written to OUT/{name}; compile them in separate invocations\n",
                    dirs[j].display(),
                    dirs[i].display()
                ),
                code: EXIT_USAGE,
                ..Outcome::default()
            });
        }
        seen.insert(name, i);
    }
    Ok(names)
}

fn compile_cmd(a: &CompileArgs, term: Terminal) -> Outcome {
    if let Some(out) = single_project_flags(&a.project) {
        return out;
    }
    let dirs = &a.project.dirs;
    let several = dirs.len() > 1;
    let names = if several {
        match output_names(dirs) {
            Ok(n) => n,
            Err(out) => return out,
        }
    } else {
        vec![String::new()]
    };
    let mut reports: Vec<Report> = dirs
        .par_iter()
        .map(|dir| compile_one(dir, a, several, term))
        .collect();
    let mut out = emit_reports(&reports, a.project.files.format, term);
    if out.code != EXIT_OK {
        return out;
    }
    let warnings = if matches!(a.project.files.format, Format::Json) {
        String::new()
    } else {
        std::mem::take(&mut out.stdout)
    };
    let mut all: compile::Files = Vec::new();
    let mut secret: Vec<String> = Vec::new();
    let mut written: Vec<(PathBuf, usize, String, Vec<String>)> = Vec::new();
    for (name, report) in names.iter().zip(&mut reports) {
        let files = report.artifacts.take().unwrap_or_default();
        let prefix = if name.is_empty() {
            String::new()
        } else {
            format!("{name}/")
        };
        let mine: Vec<String> = compile::holding_secrets(&files)
            .into_iter()
            .map(String::from)
            .collect();
        secret.extend(mine.iter().map(|s| format!("{prefix}{s}")));
        let list = if several {
            String::new()
        } else {
            format!(
                " ({})",
                files
                    .iter()
                    .map(|(p, _)| p.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        written.push((a.out.join(name), files.len(), list, mine));
        all.extend(files.into_iter().map(|(p, t)| (format!("{prefix}{p}"), t)));
    }
    if a.check {
        let report = compile::drift(&a.out, &all, &secret);
        if report.is_empty() {
            out.stderr = format!(
                "{warnings}{} files in {} are current\n",
                all.len(),
                a.out.display()
            );
        } else {
            out.stdout.push_str(&report);
            out.stderr = format!(
                "{warnings}{} differs from what paasc compile would write\n",
                a.out.display()
            );
            out.code = EXIT_PROBLEMS;
        }
        return out;
    }
    if let Err(e) = compile::write_all(&a.out, &all) {
        return Outcome {
            stderr: format!("error: cannot write to `{}`: {e}\n", a.out.display()),
            code: EXIT_USAGE,
            ..Outcome::default()
        };
    }
    out.stderr = warnings;
    for (dir, count, list, secret) in written {
        out.stderr.push_str(&format!(
            "wrote {count} file{} to {}{list}{}\n",
            if count == 1 { "" } else { "s" },
            dir.display(),
            if secret.is_empty() {
                String::new()
            } else {
                format!(
                    "; {} hold{} secret values: keep out of version control",
                    secret.join(", "),
                    if secret.len() == 1 { "s" } else { "" }
                )
            }
        ));
    }
    out
}

fn expand_cmd(dir: &Path, args: &FileArgs, tool: Tool, term: Terminal) -> Outcome {
    let mut loaded = match load_project(dir, args, Some(tool)) {
        Ok(l) => l,
        Err(r) => return emit_reports(&[r], args.format, term),
    };
    let files = match tool {
        Tool::Charmcraft => paasc_model::ProjectFiles {
            charmcraft: loaded.files.charmcraft,
            rockcraft: None,
        },
        Tool::Rockcraft => paasc_model::ProjectFiles {
            rockcraft: loaded.files.rockcraft,
            charmcraft: None,
        },
    };
    let Some(file) = files.charmcraft.or(files.rockcraft) else {
        let mut db = paasc_diag::SourceDb::new();
        let name = if tool == Tool::Charmcraft {
            "charmcraft.yaml"
        } else {
            "rockcraft.yaml"
        };
        let id = db.add(dir.join(name).to_string_lossy().into_owned(), "");
        let d = Diagnostic::new(
            Code::MISSING_FILE,
            id,
            paasc_diag::Span::point(0),
            format!("no {name} found"),
        )
        .help("pass the project directory, or point at the file with --charmcraft/--rockcraft");
        let mut out = emit(&db, &[d], 0, args.format, term);
        out.code = EXIT_USAGE;
        return out;
    };
    let mut analysis = paasc_model::analyze(&loaded.db, files);
    let mut diags = loaded.diagnostics;
    diags.append(&mut analysis.diagnostics);
    // What only Juju refuses at deploy time is `check`'s to report: the tools print the file.
    diags.retain(|d| !d.code.deploy_time());
    if !paasc_diag::has_errors(&diags) {
        let tree = analysis.charm_tree.as_ref().or(analysis.rock_tree.as_ref());
        if let Some(tree) = tree {
            let result = match tool {
                Tool::Charmcraft => {
                    let root = load::directory_of(&loaded.db.get(file).path);
                    let dir = load::project_dir(&root, &[]);
                    expand_charm(&dir, &expand::value(tree), term)
                        .map(|doc| paasc_syntax::write::to_string(&doc))
                        .map_err(|e| {
                            vec![expand::diagnostic_in(&e, file, tree, &dir, &mut loaded.db)]
                        })
                }
                Tool::Rockcraft => {
                    let (dir, result) = expand_rock(&loaded.db, file, tree, term);
                    match result {
                        Ok(done) => {
                            for e in &done.notes {
                                diags.push(expand::diagnostic_in(
                                    e,
                                    file,
                                    tree,
                                    &dir,
                                    &mut loaded.db,
                                ));
                            }
                            match extension_entrypoint(file, tree, &done.yaml) {
                                Some(d) => {
                                    diags.retain(|e| e.code != Code::ATYPICAL_ENTRYPOINT);
                                    Err(vec![d])
                                }
                                None => Ok(expand::rock_output(&done)),
                            }
                        }
                        Err(failure) => Err(failure
                            .errors
                            .iter()
                            .map(|e| expand::diagnostic_in(e, file, tree, &dir, &mut loaded.db))
                            .collect()),
                    }
                }
            };
            match result {
                Ok(text) => {
                    let mut out = emit(&loaded.db, &diags, 1, args.format, term);
                    out.stdout = text;
                    if diags.is_empty() {
                        out.stderr.clear();
                    }
                    out.code = EXIT_OK;
                    return out;
                }
                Err(mut found) => diags.append(&mut found),
            }
        }
    }
    paasc_diag::sort(&mut diags);
    let mut out = emit(&loaded.db, &diags, 1, args.format, term);
    out.code = EXIT_PROBLEMS;
    out
}

fn emit(
    db: &paasc_diag::SourceDb,
    diags: &[Diagnostic],
    files: usize,
    format: Format,
    term: Terminal,
) -> Outcome {
    let summary = format!("{}\n", summary_line(&json::summary(diags, files)));
    let stdout = match format {
        Format::Json => json::to_string(&json::document(db, diags, files)),
        Format::Human => human::render_all(db, diags, human_style(term)),
    };
    Outcome {
        stdout,
        stderr: summary,
        code: EXIT_OK,
    }
}

/// `N errors, M warnings in K files`.
fn summary_line(s: &json::Summary) -> String {
    format!(
        "{} error{}, {} warning{} in {} file{}",
        s.errors,
        if s.errors == 1 { "" } else { "s" },
        s.warnings,
        if s.warnings == 1 { "" } else { "s" },
        s.files,
        if s.files == 1 { "" } else { "s" },
    )
}

fn explain(code: &str) -> Outcome {
    if code.eq_ignore_ascii_case("all") {
        let mut s = String::new();
        for c in ALL_CODES {
            s.push_str(&format!(
                "{}  {:<24} {:<8} {}\n",
                c.code,
                c.name,
                c.severity.as_str(),
                c.summary
            ));
        }
        return Outcome {
            stdout: s,
            ..Outcome::default()
        };
    }
    match Code::lookup(code) {
        Some(c) => Outcome {
            stdout: format!(
                "{} ({}), {}: {}\n\n{}\n\nMore: {}\n",
                c.code,
                c.name,
                c.severity.as_str(),
                c.summary,
                c.explanation,
                Code(c.code).url()
            ),
            ..Outcome::default()
        },
        None => Outcome {
            stderr: format!(
                "error: unknown diagnostic code `{code}`; `paasc explain all` lists them\n"
            ),
            code: EXIT_USAGE,
            ..Outcome::default()
        },
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn cli_definition_is_consistent() {
        <super::Cli as clap::CommandFactory>::command().debug_assert();
    }
}
