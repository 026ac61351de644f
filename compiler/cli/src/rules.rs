//! Rule control's command-line side: `--select`/`--ignore`, and finding and reading the
//! project's `paasc.toml` (or `pyproject.toml` with `[tool.paasc]`); what they select and
//! hide is [`paasc_render::rules`].

use paasc_check::{display, Source};
use paasc_diag::{Code, Diagnostic, SourceDb};
use paasc_render::rules::{Config, Flags};
use paasc_render::Suppressed;
use std::path::Path;

/// `--select` and `--ignore`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct RuleArgs {
    /// Report only these codes (comma-separated codes, names, prefixes such as `S` or `C01`, or
    /// `ALL`); replaces `select` of paasc.toml.
    #[arg(long, value_delimiter = ',', value_name = "CODE")]
    pub select: Vec<String>,
    /// Hide these codes (same forms), in addition to `ignore` of paasc.toml. Hidden diagnostics
    /// are counted in the summary as suppressed.
    #[arg(long, value_delimiter = ',', value_name = "CODE")]
    pub ignore: Vec<String>,
}

impl RuleArgs {
    /// The first selector of the flags that matches no code, as a usage error.
    pub fn validate(&self, codes: &[Code]) -> Result<(), String> {
        paasc_render::rules::validate(&self.select, &self.ignore, codes)
    }
}

/// The configuration file for `dir`: the nearest `paasc.toml`, or `pyproject.toml` with a
/// `[tool.paasc]` table, from `dir` up to the directory holding `.git`.
fn find_config(dir: &Path, src: &dyn Source) -> Option<Config> {
    let absolute = std::path::absolute(dir).ok()?;
    let dirs = std::iter::once(dir.to_path_buf())
        .chain(absolute.ancestors().skip(1).map(Path::to_path_buf));
    for d in dirs {
        let own = d.join("paasc.toml");
        if src.is_file(&own) {
            let text = read_text(&own, src)?;
            return Some(Config {
                path: display(&own),
                text,
                pyproject: false,
            });
        }
        let py = d.join("pyproject.toml");
        if src.is_file(&py) {
            if let Some(text) = read_text(&py, src).filter(|t| t.contains("tool.paasc")) {
                return Some(Config {
                    path: display(&py),
                    text,
                    pyproject: true,
                });
            }
        }
        let git = d.join(".git");
        if src.is_file(&git) || src.list(&git).is_ok() {
            break;
        }
    }
    None
}

fn read_text(path: &Path, src: &dyn Source) -> Option<String> {
    let bytes = src.read(path).ok()?;
    let limit = usize::try_from(paasc_check::MAX_BYTES).unwrap_or(usize::MAX);
    (bytes.len() <= limit).then(|| String::from_utf8_lossy(&bytes).into_owned())
}

/// Applies rule control to the diagnostics of the project in `dir`: returns those to report,
/// sorted, and those hidden (see [`paasc_render::rules::apply`]).
pub fn apply(
    dir: &Path,
    src: &dyn Source,
    args: &RuleArgs,
    codes: &[Code],
    db: &mut SourceDb,
    diags: Vec<Diagnostic>,
) -> (Vec<Diagnostic>, Vec<Suppressed>) {
    let flags = Flags {
        select: &args.select,
        ignore: &args.ignore,
    };
    paasc_render::rules::apply(find_config(dir, src), flags, codes, db, diags)
}
