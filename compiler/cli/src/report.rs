//! Loading a project for a command and rendering what commands found: one [`Report`] per
//! project, rendered in the requested format with one summary.

use crate::compile;
use crate::load;
use crate::rules;
use crate::shared::{
    all_codes, FileArgs, Format, Outcome, Terminal, Tool, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE,
};
use paasc_diag::Diagnostic;
use paasc_render::{github, human, json, sarif};
use std::path::Path;

/// Loads the project in `dir`, or reports the load failure (exit 2).
pub fn load_project(
    dir: &Path,
    files: &FileArgs,
    only: Option<Tool>,
    src: &dyn paasc_check::Source,
) -> Result<paasc_check::Project, Box<Report>> {
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
    load::load(&loc, src).map_err(|e| {
        Box::new(Report {
            db: e.db,
            diags: vec![e.diagnostic],
            suppressed: Vec::new(),
            files: 0,
            code: EXIT_USAGE,
            note: None,
            artifacts: None,
        })
    })
}

/// The report of `command` (`compile`, `env`, `graph`) on the project in `dir`, which needs
/// the profile applied: rule control hides what it selects out of `diags`, but a command that
/// failed (`code` 1) still fails, with a `note` naming the suppressed errors that stopped it
/// when none is left to show.
pub fn ruled(
    dir: &Path,
    command: &str,
    control: rules::Control,
    mut db: paasc_diag::SourceDb,
    diags: Vec<Diagnostic>,
    code: i32,
    note: Option<String>,
) -> Report {
    let (diags, suppressed) = rules::apply(dir, &load::Disk, control, all_codes, &mut db, diags);
    let note = note.or_else(|| {
        let blocked = code == EXIT_PROBLEMS && !paasc_diag::has_errors(&diags);
        let codes: Vec<&str> = suppressed
            .iter()
            .filter(|s| s.diagnostic.severity == paasc_diag::Severity::Error)
            .map(|s| s.diagnostic.code.as_str())
            .collect();
        blocked.then(|| {
            format!(
                "error: suppressed errors still stop {command}: {}",
                codes.join(", ")
            )
        })
    });
    Report {
        db,
        diags,
        suppressed,
        files: 2,
        code,
        note,
        artifacts: None,
    }
}

/// What `check` or `compile` found in one project.
pub struct Report {
    /// The project's sources.
    pub db: paasc_diag::SourceDb,
    /// Its problems, sorted.
    pub diags: Vec<Diagnostic>,
    /// The problems rule control hid.
    pub suppressed: Vec<paasc_render::Suppressed>,
    /// How many files were read.
    pub files: usize,
    /// The exit code this project alone would give.
    pub code: i32,
    /// A line for standard error after the summary.
    pub note: Option<String>,
    /// The artifacts, when `compile` built them.
    pub artifacts: Option<paasc_emit::Files>,
}

/// Renders the reports of every project in argument order: one summary, the worst exit code.
pub fn emit_reports(reports: &[Report], format: Format, term: Terminal) -> Outcome {
    let notes: String = reports
        .iter()
        .filter_map(|r| r.note.as_deref())
        .map(|n| format!("{n}\n"))
        .collect();
    let code = reports.iter().map(|r| r.code).max().unwrap_or(EXIT_OK);
    if let [r] = reports {
        let mut out = emit(&r.db, &r.diags, &r.suppressed, r.files, format, term);
        out.stderr.push_str(&notes);
        out.code = code;
        return out;
    }
    let mut summary = json::summary(&[], 0);
    for r in reports {
        summary.add(&counts(&r.diags, &r.suppressed, r.files));
    }
    let parts: Vec<Part> = reports
        .iter()
        .map(|r| (&r.db, r.diags.as_slice(), r.suppressed.as_slice(), r.files))
        .collect();
    Outcome {
        stdout: render(&parts, format, term),
        stderr: format!(
            "{} of {} projects\n{notes}",
            summary_line(&summary),
            reports.len()
        ),
        code,
    }
}

pub fn emit(
    db: &paasc_diag::SourceDb,
    diags: &[Diagnostic],
    suppressed: &[paasc_render::Suppressed],
    files: usize,
    format: Format,
    term: Terminal,
) -> Outcome {
    let summary = format!("{}\n", summary_line(&counts(diags, suppressed, files)));
    Outcome {
        stdout: render(&[(db, diags, suppressed, files)], format, term),
        stderr: summary,
        code: EXIT_OK,
    }
}

/// One project's sources, diagnostics, those rule control hid, and number of files read.
pub type Part<'a> = (
    &'a paasc_diag::SourceDb,
    &'a [Diagnostic],
    &'a [paasc_render::Suppressed],
    usize,
);

/// The summary counts of one project.
pub fn counts(
    diags: &[Diagnostic],
    suppressed: &[paasc_render::Suppressed],
    files: usize,
) -> json::Summary {
    let mut s = json::summary(diags, files);
    s.suppressed = suppressed.len();
    s
}

/// Standard output for the diagnostics of every project, in order, in `format`.
pub fn render(parts: &[Part], format: Format, term: Terminal) -> String {
    let base = std::env::current_dir().unwrap_or_default();
    match format {
        Format::Json => json::stream(
            parts
                .iter()
                .map(|(db, diags, hidden, files)| (*db, *diags, *hidden, *files)),
        ),
        Format::Sarif => {
            let projects: Vec<sarif::Project> = parts
                .iter()
                .map(|(db, diags, hidden, _)| (*db, *diags, *hidden))
                .collect();
            sarif::to_string(&sarif::log(&projects, all_codes(), &base))
        }
        Format::Github => parts
            .iter()
            .map(|(db, diags, _, _)| github::render(db, diags, &base))
            .collect(),
        Format::Human => compile::each(parts, |(db, diags, _, _)| {
            human::render_all(db, diags, human_style(term))
        })
        .concat(),
    }
}

/// `N errors, M warnings in K files`, and `(N suppressed)` when rule control hid any.
pub fn summary_line(s: &json::Summary) -> String {
    let hidden = if s.suppressed > 0 {
        format!(" ({} suppressed)", s.suppressed)
    } else {
        String::new()
    };
    format!(
        "{} error{}, {} warning{} in {} file{}{hidden}",
        s.errors,
        if s.errors == 1 { "" } else { "s" },
        s.warnings,
        if s.warnings == 1 { "" } else { "s" },
        s.files,
        if s.files == 1 { "" } else { "s" },
    )
}

pub fn human_style(term: Terminal) -> human::Style {
    if term.no_color || !term.stdout_tty {
        human::Style::Narratable
    } else {
        human::Style::Graphical
    }
}
