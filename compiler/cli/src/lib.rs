//! The `paasc` command line. This crate is the only one that does I/O or knows about JSON and
//! terminals; the passes it drives are pure.

pub mod compile;
pub mod env;
pub mod facts;
pub mod fix;
pub mod graph;
pub mod init;
pub mod load;
pub mod provision;
mod quick;
pub mod report;
pub mod rules;
pub mod shared;

pub use paasc_render::{github, human, json, sarif};
pub use paasc_write as write;
pub use shared::{
    all_codes, FileArgs, Format, Outcome, Terminal, Tool, EXIT_INTERNAL, EXIT_OK, EXIT_PROBLEMS,
    EXIT_USAGE,
};

use clap::{Parser, Subcommand, ValueEnum};
use compile::{release, Ending};
use paasc_check::expand;
use paasc_diag::{Code, Diagnostic};
use paasc_emit::Artifact;
use paasc_init::ci;
use report::{emit, emit_reports, load_project, Report};
use std::path::{Path, PathBuf};

/// Parses an `--emit` name with the artifact registry.
fn artifact_parser() -> impl clap::builder::TypedValueParser<Value = Artifact> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(
        paasc_emit::ARTIFACTS
            .iter()
            .map(|a| clap::builder::PossibleValue::new(a.name).help(a.help)),
    )
    .try_map(|name: String| Artifact::from_name(&name).ok_or("not an artifact"))
}

#[derive(Parser, Debug)]
#[command(name = "paasc", version, about = "Compiler and checker for 12-factor web apps built with rockcraft and charmcraft", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args, Debug, Clone)]
struct ProjectArgs {
    /// Project directories: rockcraft.yaml in each, charmcraft.yaml there or in charm/. Several
    /// are processed in parallel.
    #[arg(default_value = ".", value_name = "DIR")]
    dirs: Vec<PathBuf>,
    #[command(flatten)]
    files: FileArgs,
    #[command(flatten)]
    rules: rules::RuleArgs,
}

#[derive(clap::Args, Debug, Clone)]
struct CheckArgs {
    #[command(flatten)]
    project: ProjectArgs,
    /// Apply the deterministic fixes (did-you-mean renames, quoting numbers meant as strings)
    /// to the files, keeping comments and layout; report each on standard error, then check
    /// again.
    #[arg(long)]
    fix: bool,
    /// With --fix: write nothing; print the fixes as a unified diff instead of the diagnostics;
    /// exit 1 when there is one.
    #[arg(long, requires = "fix")]
    diff: bool,
    /// With --fix: write nothing; report what would be fixed on standard error; exit 1 when
    /// anything would be.
    #[arg(long, requires = "fix")]
    check: bool,
}

#[derive(clap::Args, Debug, Clone)]
struct CompileArgs {
    #[command(flatten)]
    project: ProjectArgs,
    /// The deployment profile: a name (profiles/NAME.yaml in DIR) or a path. Default:
    /// profiles/default.yaml when it exists.
    #[arg(long, value_name = "NAME|FILE")]
    profile: Option<String>,
    /// Override a profile value, e.g. `--set config.greeting=hello` (repeatable, applied in
    /// order, the last one winning). The value is read as YAML 1.1 (quote to force a string);
    /// mappings merge key by key with the profile, lists and scalars replace its value; an
    /// empty or null value is an error (`--set` cannot remove a value).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Output directory; with several projects, each one's artifacts go to OUT/<its directory name>.
    #[arg(short = 'o', long = "out", value_name = "OUT")]
    out: PathBuf,
    /// Which artifacts to write (default: all but docker-env).
    #[arg(long, value_parser = artifact_parser(), value_delimiter = ',')]
    emit: Vec<Artifact>,
    /// Relate the endpoint to a backing service that compose.yaml runs (PostgreSQL, MySQL,
    /// MongoDB, Redis, Valkey, S3, SMTP, RabbitMQ, tracing), with credentials generated once
    /// and kept in OUT/compose/ENDPOINT.env (repeatable; before the --set values).
    #[arg(long, value_name = "ENDPOINT", value_delimiter = ',')]
    provision: Vec<String>,
    /// Write nothing; compare what would be written with OUT, print a unified diff, and exit 1
    /// on any difference.
    #[arg(long)]
    check: bool,
}

// Each subcommand's arguments are defined only when it is the one run (`defer`): defining all
// of them took a tenth of a small project's `check`. Their `Args` structs (here and in env.rs,
// graph.rs, init.rs, rules.rs, shared.rs) have no doc comments, nor has this enum: the arguments
// being defined after the subcommand's own about, clap would show such a comment as the about.
#[derive(Subcommand, Debug)]
#[command(defer = true)]
enum Command {
    /// Report every problem charmcraft, rockcraft or paas-charm would report, without writing anything.
    Check(CheckArgs),
    /// Apply a deployment profile and write the artifacts: Pebble layers, .env, gunicorn.conf.py, a Dockerfile and a Helm chart.
    Compile(CompileArgs),
    /// Print the environment paas-charm gives the main service; with --why, where each
    /// variable comes from and what paas-charm drops.
    Env(env::EnvArgs),
    /// Print a picture of the deployment (Mermaid, or DOT): services, integrations and what
    /// provides them, and the Kubernetes objects of the Helm chart.
    Graph(graph::GraphArgs),
    /// Start a project: what `rockcraft init` and `charmcraft init` write for the framework
    /// (the charm in charm/), a development profile and a minimal app; never overwrites.
    Init(init::InitArgs),
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
    /// Run the Language Server on standard input and output (for editors): diagnostics as
    /// `check` reports them, from unsaved buffers; hover, completion, inlay hints, quick fixes.
    Lsp,
    /// Print a CI configuration: `paasc ci github DIR... > .github/workflows/paasc.yml` (check
    /// with SARIF upload and annotations, compile, image build, Helm lint).
    Ci {
        /// The CI system.
        #[arg(value_enum)]
        system: CiSystem,
        /// Project directories, relative to the repository root.
        #[arg(default_value = ".", value_name = "DIR")]
        dirs: Vec<String>,
    },
    /// Print the man page (roff): `paasc man > paasc.1`; with --dir, write it and one page per
    /// subcommand (paasc-check.1, ...) there.
    Man {
        /// Write every page into this directory instead.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Print a shell completion script: `paasc completions bash > /etc/bash_completion.d/paasc`.
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a JSON Schema.
    Schema {
        /// Which schema.
        #[arg(value_enum)]
        which: SchemaKind,
    },
}

/// The CI systems `paasc ci` writes for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CiSystem {
    /// A GitHub Actions workflow.
    Github,
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

/// Runs paasc with `args` (including the program name).
pub fn run(args: Vec<String>, term: Terminal) -> Outcome {
    let command = match quick::parse(&args) {
        Some(command) => command,
        None => match parse(args) {
            Ok(command) => command,
            Err(outcome) => return outcome,
        },
    };
    match command {
        Command::Check(c) => check(&c, term),
        Command::Compile(a) => compile_cmd(&a, term),
        other => run_other(other, term),
    }
}

/// The command of `args` as clap reads it, or what to print when it reads none (`--help`,
/// `--version`, a usage error). Out of line, as [`run_other`] is, so that neither clap's nor
/// the rarer commands' locals take room in [`run`]'s stack frame under every `check` and
/// `compile` (docs/performance-log.md, session 32).
#[inline(never)]
fn parse(args: Vec<String>) -> Result<Command, Outcome> {
    match Cli::try_parse_from(args) {
        Ok(c) => Ok(c.command),
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let text = e.render().to_string();
            Err(if e.use_stderr() {
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
            })
        }
    }
}

/// Runs `command`. [`run`] runs `check` and `compile` itself and every other command here;
/// this match takes those two as well, so that it stays whole.
#[inline(never)]
fn run_other(command: Command, term: Terminal) -> Outcome {
    match command {
        Command::Check(c) => check(&c, term),
        Command::Compile(a) => compile_cmd(&a, term),
        Command::Env(a) => env::run(&a, term),
        Command::Graph(a) => graph::run(&a, term),
        Command::Init(a) => init::run(&a),
        Command::Explain { code } => explain(&code),
        Command::Lsp => lsp(term),
        Command::Ci { system, dirs } => {
            let CiSystem::Github = system;
            match dirs
                .iter()
                .map(|d| ci::project_entry(d))
                .collect::<Result<Vec<String>, String>>()
            {
                Ok(dirs) => Outcome {
                    stdout: ci::github(&dirs),
                    ..Outcome::default()
                },
                Err(stderr) => Outcome {
                    stderr,
                    code: EXIT_USAGE,
                    ..Outcome::default()
                },
            }
        }
        Command::Man { dir } => {
            let mut out = Vec::new();
            let cmd = <Cli as clap::CommandFactory>::command();
            let done = match &dir {
                Some(d) => clap_mangen::generate_to(cmd, d),
                None => clap_mangen::Man::new(cmd.disable_help_subcommand(true)).render(&mut out),
            };
            match done {
                Ok(()) => Outcome {
                    stdout: String::from_utf8_lossy(&out).into_owned(),
                    ..Outcome::default()
                },
                Err(e) => Outcome {
                    stderr: format!("error: paasc man: {e}\n"),
                    code: EXIT_USAGE,
                    ..Outcome::default()
                },
            }
        }
        Command::Completions { shell } => {
            let mut out = Vec::new();
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut cmd, "paasc", &mut out);
            Outcome {
                stdout: String::from_utf8_lossy(&out).into_owned(),
                ..Outcome::default()
            }
        }
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
                SchemaKind::HelmValues => {
                    paasc_emit::helm::render_json(&paasc_emit::helm::values::schema())
                }
            },
            ..Outcome::default()
        },
    }
}

/// Refuses flags that name one project's files when several projects are given, and
/// `--select`/`--ignore` entries that name no code.
fn single_project_flags(p: &ProjectArgs) -> Option<Outcome> {
    if let Err(stderr) = p.rules.validate(all_codes) {
        return Some(Outcome {
            stderr,
            code: EXIT_USAGE,
            ..Outcome::default()
        });
    }
    (p.dirs.len() > 1 && (p.files.rockcraft.is_some() || p.files.charmcraft.is_some())).then(|| {
        Outcome {
            stderr: "error: --rockcraft and --charmcraft name one project's files; give a single project directory with them\n".into(),
            code: EXIT_USAGE,
            ..Outcome::default()
        }
    })
}

#[inline(never)]
fn check(c: &CheckArgs, term: Terminal) -> Outcome {
    let p = &c.project;
    if let Some(out) = single_project_flags(p) {
        return out;
    }
    let ending = if p.dirs.len() == 1 {
        Ending::Exit
    } else {
        Ending::Free
    };
    let run = || -> Vec<Report> {
        let configs = rules::Configs::default();
        compile::each(&p.dirs, |dir| {
            load::remembering(|| {
                let control = rules::Control {
                    args: &p.rules,
                    configs: &configs,
                };
                check_one(dir, &p.files, control, term, &load::Disk, ending)
            })
        })
    };
    let mut reports = run();
    let mut fixed = String::new();
    if c.fix {
        let plans: Vec<fix::Planned> = reports
            .iter()
            .flat_map(|r| fix::plan(&r.db, &r.diags))
            .collect();
        if c.diff || c.check {
            let mut out = emit_reports(&reports, p.files.format, term);
            if c.diff {
                out.stdout = fix::diff(&plans);
            }
            let would: String = plans
                .iter()
                .flat_map(|p| &p.changes)
                .map(|c| format!("would fix {c}\n"))
                .collect();
            out.stderr.insert_str(0, &would);
            if !plans.is_empty() {
                out.code = out.code.max(EXIT_PROBLEMS);
            }
            return out;
        }
        for line in fix::write(&plans) {
            fixed.push_str(&line);
            fixed.push('\n');
        }
        if !fixed.is_empty() {
            reports = run();
        }
    }
    let mut out = emit_reports(&reports, p.files.format, term);
    out.stderr.insert_str(0, &fixed);
    out
}

/// `paasc check` of the project in `dir` (no `--rockcraft`/`--charmcraft`), its files read from
/// `src`: the sources read and the sorted diagnostics `--format json` reports. The language
/// server calls this with its open buffers over the disk.
pub fn check_dir(
    dir: &Path,
    src: &dyn paasc_check::Source,
    term: Terminal,
) -> (paasc_diag::SourceDb, Vec<Diagnostic>) {
    let args = FileArgs {
        rockcraft: None,
        charmcraft: None,
        format: Format::Json,
    };
    let report = load::remembering(|| {
        check_one(
            dir,
            &args,
            rules::Control {
                args: &rules::RuleArgs::default(),
                configs: &rules::Configs::default(),
            },
            term,
            src,
            Ending::Free,
        )
    });
    (report.db, report.diags)
}

/// `paasc lsp`: serves until the client exits.
fn lsp(term: Terminal) -> Outcome {
    let codes = all_codes();
    let check = |dir: &Path, src: &dyn paasc_check::Source| check_dir(dir, src, term);
    let facts = |dir: &Path, src: &dyn paasc_check::Source| facts::of(dir, src, term);
    let config = paasc_lsp::Config {
        check: &check,
        facts: &facts,
        disk: &load::Disk,
        codes,
    };
    match paasc_lsp::stdio(&config) {
        Ok(()) => Outcome::default(),
        Err(e) => Outcome {
            stderr: format!("error: paasc lsp: {e}\n"),
            code: EXIT_USAGE,
            ..Outcome::default()
        },
    }
}

/// `check` of the project in `dir`, with every profile it has; `ending` says whether its
/// values are freed; `control` is its rule control.
fn check_one(
    dir: &Path,
    args: &FileArgs,
    control: rules::Control,
    term: Terminal,
    src: &dyn paasc_check::Source,
    ending: Ending,
) -> Report {
    let mut loaded = match load_project(dir, args, None, src) {
        Ok(l) => l,
        Err(report) => return *report,
    };
    let mut checked = paasc_check::check_project(&mut loaded, term.options());
    let mut diags = std::mem::take(&mut checked.diags);
    let mut files = usize::from(loaded.files.rockcraft.is_some())
        + usize::from(loaded.files.charmcraft.is_some());
    if checked.charm.is_some() {
        let mut memo = paasc_emit::ImageMemo::default();
        let profiles = load::profiles(dir, src);
        let count = profiles.len();
        for (i, profile) in profiles.into_iter().enumerate() {
            files += 1;
            // Each deployment but the last is freed, so the next one reuses its memory.
            let ending = if i + 1 < count { Ending::Free } else { ending };
            compile::build(
                &mut loaded,
                &checked,
                Some(&profile),
                &[],
                &[],
                &paasc_emit::Placement::default(),
                paasc_emit::Mode::Check,
                src,
                &mut diags,
                &mut memo,
                ending,
            );
        }
    }
    paasc_diag::sort(&mut diags);
    // The image's problems do not depend on the profile: each profile finds them again.
    diags.dedup();
    let (diags, suppressed) = rules::apply(dir, src, control, all_codes, &mut loaded.db, diags);
    let code = if paasc_diag::has_errors(&diags) {
        EXIT_PROBLEMS
    } else {
        EXIT_OK
    };
    let db = std::mem::take(&mut loaded.db);
    release((checked, loaded), ending);
    Report {
        db,
        diags,
        suppressed,
        files,
        code,
        note: None,
        artifacts: None,
    }
}

/// `compile` of the project in `dir` to `out` (`out_abs`, made [`compile::absolute`]): its
/// diagnostics, and its artifacts when it has no errors. `several`: one of several projects
/// (their values are then freed); `configs` keeps the configuration files found.
fn compile_one(
    dir: &Path,
    (out, out_abs): (&Path, Option<&Path>),
    a: &CompileArgs,
    several: bool,
    term: Terminal,
    configs: &rules::Configs,
) -> Report {
    let mut loaded = match load_project(dir, &a.project.files, None, &load::Disk) {
        Ok(l) => l,
        Err(report) => return *report,
    };
    let mut checked = paasc_check::check_project(&mut loaded, term.options());
    let mut diags = std::mem::take(&mut checked.diags);
    let report = |db, diags, code, note, artifacts| Report {
        artifacts,
        ..report::ruled(
            dir,
            "compile",
            rules::Control {
                args: &a.project.rules,
                configs,
            },
            db,
            diags,
            code,
            note,
        )
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
    let path = load::profile_path(dir, a.profile.as_deref());
    let mut sets = Vec::new();
    if !a.provision.is_empty() {
        let charm = loaded
            .files
            .charmcraft
            .map(|id| loaded.db.get(id).text.clone())
            .unwrap_or_default();
        match provision::sets(&charm, &a.provision, out) {
            Ok(s) => sets = s,
            Err(why) => {
                return report(
                    loaded.db,
                    diags,
                    EXIT_USAGE,
                    Some(format!("error: {why}")),
                    None,
                )
            }
        }
    }
    sets.extend(a.set.iter().cloned());
    let (ending, projects) = if several {
        (Ending::Free, paasc_emit::Projects::Several)
    } else {
        (Ending::Exit, paasc_emit::Projects::One)
    };
    let built = compile::build(
        &mut loaded,
        &checked,
        path.as_deref(),
        &sets,
        &a.emit,
        &compile::placement(dir, out_abs),
        paasc_emit::Mode::Render,
        &load::Disk,
        &mut diags,
        &mut paasc_emit::ImageMemo::new(projects),
        ending,
    );
    let code = if built.is_some() {
        EXIT_OK
    } else {
        compile_failure_code(&diags)
    };
    let db = std::mem::take(&mut loaded.db);
    release((checked, loaded), ending);
    report(db, diags, code, None, built)
}

/// One project's share of a compile's output, gathered by the worker that compiled it (the
/// main thread then only joins the shares).
struct Part {
    /// Its artifacts, their paths under OUT (`NAME/...` with several projects).
    files: paasc_emit::Files,
    /// Those of them that hold secret values.
    secret: Vec<String>,
    /// The line that says what was written for it.
    wrote: String,
    /// Which of its files OUT already holds (`write::Locked::settle`; empty: not looked at).
    seen: Vec<write::Seen>,
}

impl Part {
    /// The share of the project whose artifacts (`None`: it failed) go to `out/name`.
    fn of(out: &Path, name: &str, files: Option<paasc_emit::Files>, several: bool) -> Part {
        let files = files.unwrap_or_default();
        let prefix = if name.is_empty() {
            String::new()
        } else {
            format!("{name}/")
        };
        let mine = paasc_emit::holding_secrets(&files);
        let secret = mine.iter().map(|s| [prefix.as_str(), s].concat()).collect();
        let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        let wrote = write::wrote(&out.join(name), &paths, !several, &mine);
        let files = files
            .into_iter()
            .map(|(p, t)| ([prefix.as_str(), &p].concat(), t))
            .collect();
        Part {
            files,
            secret,
            wrote,
            seen: Vec::new(),
        }
    }
}

/// The exit code of a compile that failed with `diags`: 2 when the profile it was given (or
/// `profiles/default.yaml`) could not be found or read (`F001`), as for a project directory;
/// 1 for problems in the inputs.
fn compile_failure_code(diags: &[Diagnostic]) -> i32 {
    if diags
        .iter()
        .any(|d| d.code == Code::MISSING_FILE && d.severity == paasc_diag::Severity::Error)
    {
        EXIT_USAGE
    } else {
        EXIT_PROBLEMS
    }
}

/// The directory under OUT each project's artifacts go to: its directory's name.
fn output_names(dirs: &[PathBuf]) -> Result<Vec<String>, Outcome> {
    // Remembered: the projects' directories mostly share their parent, resolved once.
    let names: Vec<String> = load::remembering(|| {
        dirs.iter()
            .map(|d| {
                load::canonical(d)
                    .ok()
                    .and_then(|p| p.file_name().map(std::ffi::OsStr::to_os_string))
                    .or_else(|| d.file_name().map(std::ffi::OsStr::to_os_string))
                    .map_or_else(
                        || "project".to_string(),
                        |n| n.to_string_lossy().into_owned(),
                    )
            })
            .collect()
    });
    let mut seen: foldhash::HashMap<&str, usize> = foldhash::HashMap::default();
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

#[inline(never)]
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
    let jobs: Vec<(&PathBuf, &String)> = dirs.iter().zip(&names).collect();
    // OUT/<name> is below OUT: a link there is refused when writing, so it need not be resolved.
    let out_abs = compile::absolute(&a.out);
    let configs = rules::Configs::default();
    // Several projects are compared with an OUT that exists as each is compiled, under the
    // write's lock (`write::Locked`): those found current are not kept for the write.
    let early = (several && !a.check)
        .then(|| write::lock_existing(&a.out))
        .flatten();
    let (reports, parts): (Vec<Report>, Vec<Part>) = compile::each(&jobs, |(dir, name)| {
        let out = a.out.join(name);
        let out_abs = out_abs.as_ref().map(|o| o.join(name));
        let mut report = load::remembering(|| {
            compile_one(dir, (&out, out_abs.as_deref()), a, several, term, &configs)
        });
        let mut part = Part::of(&a.out, name, report.artifacts.take(), several);
        if let Some(locked) = &early {
            part.seen = locked.settle(&mut part.files, &part.secret);
        }
        (report, part)
    })
    .into_iter()
    .unzip();
    let mut out = emit_reports(&reports, a.project.files.format, term);
    if out.code != EXIT_OK {
        return out;
    }
    let warnings = if a.project.files.format != Format::Human {
        String::new()
    } else {
        std::mem::take(&mut out.stdout)
    };
    let mut all: paasc_emit::Files = Vec::with_capacity(parts.iter().map(|p| p.files.len()).sum());
    let mut secret: Vec<String> = Vec::new();
    let mut seen: Vec<write::Seen> = Vec::new();
    let mut written = String::new();
    for part in parts {
        all.extend(part.files);
        secret.extend(part.secret);
        seen.extend(part.seen);
        written.push_str(&part.wrote);
    }
    let target = write::Output {
        files: &all,
        secret: &secret,
        roots: &names,
        seen: &seen,
    };
    let format = a.project.files.format;
    if a.check {
        let report = match write::drift(&a.out, &target) {
            Ok(r) => r,
            Err(e) => return write_failure(reports, &a.out, &e, format, term),
        };
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
    let done = match early.map_or_else(
        || write::write_all(&a.out, &target),
        |locked| locked.write_all(&target),
    ) {
        Ok(done) => done,
        Err(e) => return write_failure(reports, &a.out, &e, format, term),
    };
    out.stderr = warnings + &written;
    out.stderr.extend(done.summary(&a.out, all.len()));
    // The command's last values, as a single project's are (`compile_one`): the artifacts and
    // reports of every project, allocated on the worker threads, which the main thread would
    // free one by one through the allocator's cross-thread path (3% of a 1,000-app compile).
    release((all, reports, secret), Ending::Exit);
    out
}

/// The outcome of a compile whose output could not be written (or compared): its diagnostics
/// with an `F003` at the path concerned, in the requested format, and exit 2.
fn write_failure(
    mut reports: Vec<Report>,
    out: &Path,
    e: &write::WriteError,
    format: Format,
    term: Terminal,
) -> Outcome {
    if let Some(first) = reports.first_mut() {
        let id = first.db.add(e.path.to_string_lossy().into_owned(), "");
        first.diags.push(
            Diagnostic::new(
                Code::OUTPUT_NOT_WRITTEN,
                id,
                paasc_diag::Span::point(0),
                e.message(out),
            )
            .help(e.help),
        );
        first.code = EXIT_USAGE;
    }
    emit_reports(&reports, format, term)
}

fn expand_cmd(dir: &Path, args: &FileArgs, tool: Tool, term: Terminal) -> Outcome {
    let mut loaded = match load_project(dir, args, Some(tool), &load::Disk) {
        Ok(l) => l,
        Err(r) => return emit_reports(&[*r], args.format, term),
    };
    let charm = tool == Tool::Charmcraft;
    let Some((diags, text)) = expand::file(&mut loaded, charm, term.options()) else {
        let mut db = paasc_diag::SourceDb::new();
        let name = if charm {
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
        let mut out = emit(&db, &[d], &[], 0, args.format, term);
        out.code = EXIT_USAGE;
        return out;
    };
    let mut out = emit(&loaded.db, &diags, &[], 1, args.format, term);
    match text {
        Some(text) => {
            out.stdout = text;
            if diags.is_empty() {
                out.stderr.clear();
            }
        }
        None => out.code = EXIT_PROBLEMS,
    }
    out
}

fn explain(code: &str) -> Outcome {
    match paasc_render::explain::text(all_codes(), code) {
        Ok(stdout) => Outcome {
            stdout,
            ..Outcome::default()
        },
        Err(stderr) => Outcome {
            stderr,
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

    #[test]
    fn completions_name_the_subcommands() {
        for shell in ["bash", "zsh", "fish"] {
            let out = super::run(
                vec!["paasc".into(), "completions".into(), shell.into()],
                super::Terminal {
                    stdout_tty: false,
                    no_color: true,
                    experimental: false,
                    rock_experimental: false,
                },
            );
            assert_eq!(out.code, 0, "{shell}");
            for word in ["check", "compile", "lsp", "sarif"] {
                assert!(out.stdout.contains(word), "{shell}: {word}");
            }
        }
        let bad = super::run(
            vec!["paasc".into(), "completions".into(), "tcsh".into()],
            super::Terminal {
                stdout_tty: false,
                no_color: true,
                experimental: false,
                rock_experimental: false,
            },
        );
        assert_eq!(bad.code, super::EXIT_USAGE);
    }
}
