//! `paasc env`: its arguments, and loading the project with a profile applied (which
//! `paasc graph` shares); the report itself is [`paasc_emit::why`].

use crate::load;
use crate::report::{emit_reports, load_project, Report};
use crate::shared::{FileArgs, Format, Outcome, Terminal, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE};
use paasc_check::{Project, Resolved};
use paasc_diag::FileId;
use paasc_emit::why;
use std::path::{Path, PathBuf};

/// `paasc env`'s arguments.
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
}

/// A project with a profile applied: its sources and the resolved deployment.
pub(crate) struct Deployed {
    /// The project (its `db` holds every file read, secrets starred out).
    pub project: Project,
    /// The deployment.
    pub resolved: Resolved,
    /// The profile file, when one was read.
    pub profile: Option<FileId>,
}

/// Loads the project in `dir`, checks it and applies the profile `profile` (default
/// `profiles/default.yaml` when there is one) with `sets`; or the outcome reporting why that
/// failed, in `files.format`.
pub(crate) fn deploy(
    dir: &Path,
    files: &FileArgs,
    profile: Option<&str>,
    sets: &[String],
    term: Terminal,
) -> Result<Deployed, Outcome> {
    let fail = |db, diags: Vec<paasc_diag::Diagnostic>, code| {
        let mut diags = diags;
        paasc_diag::sort(&mut diags);
        let report = Report {
            db,
            diags,
            suppressed: Vec::new(),
            files: 2,
            code,
            note: None,
            artifacts: None,
        };
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
    let path = load::profile_path(dir, profile);
    let file = match path {
        Some(p) => match load::profile(&mut project.db, &p, &load::Disk, &mut diags) {
            Some(id) => Some(id),
            None => return Err(fail(project.db, diags, EXIT_USAGE)),
        },
        None => None,
    };
    match paasc_check::apply_profile(&mut project, &checked, file, sets, &mut diags) {
        Some(resolved) => Ok(Deployed {
            project,
            resolved,
            profile: file,
        }),
        None => Err(fail(project.db, diags, EXIT_PROBLEMS)),
    }
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
    let d = match deploy(&dir, &a.files, a.profile.as_deref(), &a.set, term) {
        Ok(d) => d,
        Err(out) => return out,
    };
    let doc = why::document(&d.project.db, &d.resolved, d.profile, a.show_secrets);
    let printed = why::print(&doc, names, a.why, a.files.format == Format::Json);
    Outcome {
        stdout: printed.stdout,
        stderr: printed.stderr,
        code: if printed.complete {
            EXIT_OK
        } else {
            EXIT_PROBLEMS
        },
    }
}
