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
use std::path::PathBuf;

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
    /// Project directory: rockcraft.yaml here, charmcraft.yaml here or in charm/.
    #[arg(default_value = ".")]
    dir: PathBuf,
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
    /// Output directory.
    #[arg(short = 'o', long = "out", value_name = "DIR")]
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
    /// Apply a deployment profile and write the artifacts: Pebble layers, .env, gunicorn.conf.py.
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
            let project = ProjectArgs {
                dir: PathBuf::from(dir),
                files,
            };
            expand_cmd(&project, tool, term)
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

/// Loads the project, or renders the load failure as an exit-2 outcome.
fn load_project(
    p: &ProjectArgs,
    only: Option<Tool>,
    term: Terminal,
) -> Result<load::Loaded, Outcome> {
    let mut loc = load::Locations {
        dir: p.dir.clone(),
        rockcraft: p.files.rockcraft.clone(),
        charmcraft: p.files.charmcraft.clone(),
    };
    match only {
        Some(Tool::Charmcraft) => loc.rockcraft = None,
        Some(Tool::Rockcraft) => loc.charmcraft = None,
        None => {}
    }
    load::load(&loc).map_err(|e| {
        let mut out = emit(&e.db, &[e.diagnostic], 0, p.files.format, term);
        out.code = EXIT_USAGE;
        out
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

/// Applies charmcraft's extensions to `file`, looking at the directory that holds it.
fn expand_charm(
    db: &paasc_diag::SourceDb,
    file: paasc_diag::FileId,
    source: &paasc_syntax::Yaml,
    term: Terminal,
) -> Result<paasc_syntax::Yaml, paasc_expand::ExpandError> {
    let root = load::directory_of(&db.get(file).path);
    let dir = load::project_dir(&root, &[]);
    let opts = paasc_expand::charmcraft::Options {
        experimental: term.experimental,
    };
    paasc_expand::charmcraft::expand(source, &dir, opts)
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
        if clean(&diags, file) {
            let source = expand::value(tree);
            match expand_charm(&loaded.db, file, &source, term) {
                Ok(doc) => {
                    diags.extend(compile::lint(file, tree, &source));
                    charm = Some(doc);
                }
                Err(e) => diags.push(expand::diagnostic(&e, file, tree)),
            }
            charm_source = Some(source);
        }
    }
    if let (Some(file), Some(tree)) = (loaded.files.rockcraft, analysis.rock_tree.as_ref()) {
        if clean(&diags, file) {
            let (dir, result) = expand_rock(&loaded.db, file, tree, term);
            let found = match &result {
                Ok(done) => &done.notes,
                Err(failure) => &failure.errors,
            };
            for e in found {
                diags.push(expand::diagnostic_in(e, file, tree, &dir, &mut loaded.db));
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
    let mut loaded = match load_project(p, None, term) {
        Ok(l) => l,
        Err(out) => return out,
    };
    let checked = check_project(&mut loaded, term);
    let mut diags = checked.diags.clone();
    let mut files = usize::from(loaded.files.rockcraft.is_some())
        + usize::from(loaded.files.charmcraft.is_some());
    if !paasc_diag::has_errors(&diags) {
        for profile in compile::profiles(&p.dir) {
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
    let mut out = emit(&loaded.db, &diags, files, p.files.format, term);
    out.code = if paasc_diag::has_errors(&diags) {
        EXIT_PROBLEMS
    } else {
        EXIT_OK
    };
    out
}

fn compile_cmd(a: &CompileArgs, term: Terminal) -> Outcome {
    let mut loaded = match load_project(&a.project, None, term) {
        Ok(l) => l,
        Err(out) => return out,
    };
    let checked = check_project(&mut loaded, term);
    let mut diags = checked.diags.clone();
    let fail = |db: &paasc_diag::SourceDb, mut diags: Vec<Diagnostic>, code: i32| {
        paasc_diag::sort(&mut diags);
        let mut out = emit(db, &diags, 2, a.project.files.format, term);
        out.code = code;
        out
    };
    if loaded.files.charmcraft.is_none() || loaded.files.rockcraft.is_none() {
        let mut out = fail(&loaded.db, diags, EXIT_USAGE);
        out.stderr
            .push_str("error: compile needs both rockcraft.yaml and charmcraft.yaml\n");
        return out;
    }
    let path = compile::profile_path(&a.project.dir, a.profile.as_deref());
    let Some(files) = compile::build(
        &mut loaded.db,
        &checked,
        loaded.files,
        path.as_deref(),
        &a.set,
        &a.emit,
        &mut diags,
    ) else {
        return fail(&loaded.db, diags, EXIT_PROBLEMS);
    };
    let mut out = fail(&loaded.db, diags, EXIT_OK);
    let warnings = if matches!(a.project.files.format, Format::Json) {
        String::new()
    } else {
        std::mem::take(&mut out.stdout)
    };
    if a.check {
        let report = compile::drift(&a.out, &files);
        if report.is_empty() {
            out.stderr = format!(
                "{warnings}{} files in {} are current\n",
                files.len(),
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
    if let Err(e) = compile::write_all(&a.out, &files) {
        return Outcome {
            stderr: format!("error: cannot write to `{}`: {e}\n", a.out.display()),
            code: EXIT_USAGE,
            ..Outcome::default()
        };
    }
    let secret = compile::holding_secrets(&files);
    out.stderr = format!(
        "{warnings}wrote {} file{} to {} ({}){}\n",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        a.out.display(),
        files
            .iter()
            .map(|(p, _)| p.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        if secret.is_empty() {
            String::new()
        } else {
            format!(
                "; {} hold{} secret values: keep out of version control",
                secret.join(", "),
                if secret.len() == 1 { "s" } else { "" }
            )
        }
    );
    out
}

fn expand_cmd(p: &ProjectArgs, tool: Tool, term: Terminal) -> Outcome {
    let mut loaded = match load_project(p, Some(tool), term) {
        Ok(l) => l,
        Err(out) => return out,
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
        let id = db.add(p.dir.join(name).to_string_lossy().into_owned(), "");
        let d = Diagnostic::new(
            Code::MISSING_FILE,
            id,
            paasc_diag::Span::point(0),
            format!("no {name} found"),
        )
        .help("pass the project directory, or point at the file with --charmcraft/--rockcraft");
        let mut out = emit(&db, &[d], 0, p.files.format, term);
        out.code = EXIT_USAGE;
        return out;
    };
    let mut analysis = paasc_model::analyze(&loaded.db, files);
    let mut diags = loaded.diagnostics;
    diags.append(&mut analysis.diagnostics);
    if !paasc_diag::has_errors(&diags) {
        let tree = analysis.charm_tree.as_ref().or(analysis.rock_tree.as_ref());
        if let Some(tree) = tree {
            let result = match tool {
                Tool::Charmcraft => expand_charm(&loaded.db, file, &expand::value(tree), term)
                    .map(|doc| paasc_syntax::write::to_string(&doc))
                    .map_err(|e| vec![expand::diagnostic(&e, file, tree)]),
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
                            Ok(expand::rock_output(&done))
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
                    let mut out = emit(&loaded.db, &diags, 1, p.files.format, term);
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
    let mut out = emit(&loaded.db, &diags, 1, p.files.format, term);
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
    let doc = json::document(db, diags, files);
    let s = &doc.summary;
    let summary = format!(
        "{} error{}, {} warning{} in {} file{}\n",
        s.errors,
        if s.errors == 1 { "" } else { "s" },
        s.warnings,
        if s.warnings == 1 { "" } else { "s" },
        s.files,
        if s.files == 1 { "" } else { "s" },
    );
    let stdout = match format {
        Format::Json => json::to_string(&doc),
        Format::Human => human::render_all(db, diags, human_style(term)),
    };
    Outcome {
        stdout,
        stderr: summary,
        code: EXIT_OK,
    }
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
