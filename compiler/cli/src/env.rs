//! `paasc env`: its arguments, and loading the project with a profile applied (which
//! `paasc graph` shares); the report itself is [`paasc_emit::why`].

use crate::load;
use crate::report::{emit_reports, human_style, load_project, ruled};
use crate::rules::RuleArgs;
use crate::shared::{
    all_codes, FileArgs, Format, Outcome, Terminal, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE,
};
use paasc_check::{Project, Resolved};
use paasc_diag::FileId;
use paasc_emit::why;
use std::path::{Path, PathBuf};

// `paasc env`'s arguments. (Not a doc comment: see `Command` in lib.rs.)
#[derive(clap::Args, Debug, Clone)]
pub struct EnvArgs {
    /// `[DIR] [NAME]...`: the project directory (default `.`; the first argument when it is a
    /// directory or holds a `/`), then the variables to show (default: all).
    #[arg(value_name = "[DIR] [NAME]")]
    args: Vec<String>,
    /// The deployment profile: a name (profiles/NAME.yaml in DIR) or a path.
    #[arg(long, value_name = "NAME|FILE")]
    profile: Option<String>,
    /// Override a profile value, e.g. `--set config.greeting=hello` (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// For each variable: its sources, with the file and line of each, and what it overrode;
    /// then what paas-charm drops.
    #[arg(long)]
    why: bool,
    /// Print secret values instead of stars.
    #[arg(long)]
    show_secrets: bool,
    #[command(flatten)]
    files: FileArgs,
    #[command(flatten)]
    rules: RuleArgs,
}

/// A project with a profile applied: its sources and the resolved deployment.
pub(crate) struct Deployed {
    /// The project (its `db` holds every file read, secrets starred out).
    pub project: Project,
    /// The deployment.
    pub resolved: Resolved,
    /// The profile file, when one was read.
    pub profile: Option<FileId>,
    /// The warnings rule control left, rendered for standard error (as `compile` shows them).
    pub warnings: String,
}

/// What `deploy` is asked for: the command's name (for messages), its file flags, profile,
/// `--set` values and rule control.
pub(crate) struct Request<'a> {
    pub command: &'a str,
    pub files: &'a FileArgs,
    pub profile: Option<&'a str>,
    pub sets: &'a [String],
    pub rules: &'a RuleArgs,
}

/// Loads the project in `dir`, checks it and applies the profile (default
/// `profiles/default.yaml` when there is one) with the `--set` values; or the outcome reporting
/// why that failed, in `files.format`. Rule control (paasc.toml, `[tool.paasc]`,
/// `--select`/`--ignore`) hides diagnostics as for `compile`: a hidden error still stops the
/// command (exit 1, with a note naming it), as it stops `compile`.
pub(crate) fn deploy(dir: &Path, r: &Request, term: Terminal) -> Result<Deployed, Outcome> {
    if let Err(stderr) = r.rules.validate(all_codes) {
        return Err(Outcome {
            stderr,
            code: EXIT_USAGE,
            ..Outcome::default()
        });
    }
    let files = r.files;
    let configs = crate::rules::Configs::default();
    let control = crate::rules::Control {
        args: r.rules,
        configs: &configs,
    };
    let fail = |db, diags, code| {
        let report = ruled(dir, r.command, control, db, diags, code, None);
        emit_reports(&[report], files.format, term)
    };
    let mut project = load_project(dir, files, None, &load::Disk)
        .map_err(|r| emit_reports(&[*r], files.format, term))?;
    let mut checked = paasc_check::check_project(&mut project, term.options());
    let mut diags = std::mem::take(&mut checked.diags);
    if project.files.charmcraft.is_none() || project.files.rockcraft.is_none() {
        let mut out = fail(project.db, diags, EXIT_USAGE);
        out.stderr
            .push_str("error: this command needs both rockcraft.yaml and charmcraft.yaml\n");
        return Err(out);
    }
    let path = load::profile_path(dir, r.profile);
    let file = match path {
        Some(p) => match load::profile(&mut project.db, &p, &load::Disk, &mut diags) {
            Some(id) => Some(id),
            None => return Err(fail(project.db, diags, EXIT_USAGE)),
        },
        None => None,
    };
    let Some(resolved) =
        paasc_check::apply_profile(&mut project, &checked, file, r.sets, &mut diags)
    else {
        return Err(fail(project.db, diags, EXIT_PROBLEMS));
    };
    let shown = ruled(dir, r.command, control, project.db, diags, EXIT_OK, None);
    project.db = shown.db;
    let warnings = paasc_render::human::render_all(&project.db, &shown.diags, human_style(term));
    Ok(Deployed {
        project,
        resolved,
        profile: file,
        warnings,
    })
}

/// Splits `[DIR] [NAME]...`: the first argument is the directory when it is one on disk, is
/// `.`/`..`, or holds a `/` (a variable name never does).
pub(crate) fn split_dir(args: &[String]) -> (PathBuf, &[String]) {
    match args.split_first() {
        Some((first, rest)) if first.contains('/') || Path::new(first).is_dir() => {
            (PathBuf::from(first), rest)
        }
        _ => (PathBuf::from("."), args),
    }
}

/// `paasc env`.
pub fn run(a: &EnvArgs, term: Terminal) -> Outcome {
    let (dir, names) = split_dir(&a.args);
    let request = Request {
        command: "env",
        files: &a.files,
        profile: a.profile.as_deref(),
        sets: &a.set,
        rules: &a.rules,
    };
    let d = match deploy(&dir, &request, term) {
        Ok(d) => d,
        Err(out) => return out,
    };
    let doc = why::document(&d.project.db, &d.resolved, d.profile, a.show_secrets);
    let printed = why::print(&doc, names, a.why, a.files.format == Format::Json);
    Outcome {
        stdout: printed.stdout,
        stderr: d.warnings + &printed.stderr,
        code: if printed.complete {
            EXIT_OK
        } else {
            EXIT_PROBLEMS
        },
    }
}
