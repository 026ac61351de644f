//! What every command module shares: the exit codes, the outcome of a run, the terminal, the
//! diagnostic format and the file flags, and the code registry. It imports nothing from its
//! sibling modules, so that none of them depends on another through it.

use clap::ValueEnum;
use paasc_diag::Code;
use std::path::PathBuf;

/// Every diagnostic code: those of parsing, lowering and expansion, of the rules, and of the
/// back ends, in code order.
pub fn all_codes() -> &'static [Code] {
    static ALL: std::sync::LazyLock<Vec<Code>> = std::sync::LazyLock::new(|| {
        let mut all: Vec<Code> = paasc_diag::ALL_CODES
            .iter()
            .chain(paasc_check::CODES)
            .chain(paasc_emit::CODES)
            .chain(paasc_render::rules::CODES)
            .copied()
            .collect();
        all.sort();
        all
    });
    &ALL
}

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
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...`), shown as annotations.
    Github,
}

// Flags shared by the commands that read a project. (Not a doc comment: see `Command` in lib.rs.)
#[derive(clap::Args, Debug, Clone)]
pub struct FileArgs {
    /// Path of rockcraft.yaml, if not in DIR.
    #[arg(long, value_name = "FILE")]
    pub rockcraft: Option<PathBuf>,
    /// Path of charmcraft.yaml, if not in DIR or DIR/charm.
    #[arg(long, value_name = "FILE")]
    pub charmcraft: Option<PathBuf>,
    /// Output format of diagnostics.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// The files `paasc expand` expands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Tool {
    /// `charmcraft expand-extensions`.
    Charmcraft,
    /// `rockcraft expand-extensions`.
    Rockcraft,
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

impl Terminal {
    /// What the emulated tools take from the environment.
    pub fn options(self) -> paasc_check::Options {
        paasc_check::Options {
            charm_experimental: self.experimental,
            rock_experimental: self.rock_experimental,
        }
    }
}
