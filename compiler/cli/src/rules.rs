//! Rule control's command-line side: `--select`/`--ignore`, and finding and reading the
//! project's `paasc.toml` (or `pyproject.toml` with `[tool.paasc]`); what they select and
//! hide is [`paasc_render::rules`].

use paasc_check::{display, Source};
use paasc_diag::{Code, Diagnostic, SourceDb};
use paasc_render::rules::{Config, Flags};
use paasc_render::Suppressed;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

// `--select` and `--ignore`. (Not a doc comment: see `Command` in lib.rs.)
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
    /// The first selector of the flags that matches no code of `codes`, as a usage error
    /// (`codes` is asked only when there is a selector).
    pub fn validate(&self, codes: fn() -> &'static [Code]) -> Result<(), String> {
        if self.select.is_empty() && self.ignore.is_empty() {
            return Ok(());
        }
        paasc_render::rules::validate(&self.select, &self.ignore, codes())
    }
}

/// What [`find_config`] found in the directories it looked in, kept for the projects of one
/// command: projects side by side share their parents, and looking for the three files in each
/// parent again for each project was half the failed system calls of a compile of 100 apps.
/// Keyed by the directory as [`find_config`] spells it (the project's as given, its parents
/// absolute), as the path a configuration is shown with depends on it.
#[derive(Default)]
pub struct Configs(Mutex<HashMap<PathBuf, Here, foldhash::fast::RandomState>>);

/// What one directory says about the configuration.
#[derive(Clone)]
enum Here {
    /// The search ends here, with this configuration or none (`.git` is here, or the
    /// `paasc.toml` here cannot be read).
    Ends(Option<Config>),
    /// Nothing: the search goes on to the parent.
    Next,
}

/// The configuration file for `dir`: the nearest `paasc.toml`, or `pyproject.toml` with a
/// `[tool.paasc]` table, from `dir` up to the directory holding `.git`.
fn find_config(dir: &Path, src: &dyn Source, configs: &Configs) -> Option<Config> {
    let absolute = std::path::absolute(dir).ok()?;
    let dirs = std::iter::once(dir.to_path_buf())
        .chain(absolute.ancestors().skip(1).map(Path::to_path_buf));
    for d in dirs {
        let known = configs.0.lock().ok().and_then(|m| m.get(&d).cloned());
        let here = match known {
            Some(here) => here,
            None => {
                let here = look(&d, src);
                if let Ok(mut m) = configs.0.lock() {
                    m.insert(d, here.clone());
                }
                here
            }
        };
        if let Here::Ends(config) = here {
            return config;
        }
    }
    None
}

/// What the directory `d` says about the configuration.
fn look(d: &Path, src: &dyn Source) -> Here {
    let own = d.join("paasc.toml");
    if src.is_file(&own) {
        return Here::Ends(read_text(&own, src).map(|text| Config {
            path: display(&own),
            text,
            pyproject: false,
        }));
    }
    let py = d.join("pyproject.toml");
    if src.is_file(&py) {
        if let Some(text) = read_text(&py, src).filter(|t| t.contains("tool.paasc")) {
            return Here::Ends(Some(Config {
                path: display(&py),
                text,
                pyproject: true,
            }));
        }
    }
    let git = d.join(".git");
    if src.is_file(&git) || src.is_dir(&git) {
        return Here::Ends(None);
    }
    Here::Next
}

fn read_text(path: &Path, src: &dyn Source) -> Option<String> {
    let bytes = src.read(path).ok()?;
    let limit = usize::try_from(paasc_check::MAX_BYTES).unwrap_or(usize::MAX);
    (bytes.len() <= limit).then(|| paasc_diag::lossy(bytes))
}

/// Rule control for a command's projects: its `--select`/`--ignore`, and the configuration
/// files found so far.
#[derive(Clone, Copy)]
pub struct Control<'a> {
    /// `--select` and `--ignore`.
    pub args: &'a RuleArgs,
    /// The configuration files found, kept for the command's other projects.
    pub configs: &'a Configs,
}

/// Applies rule control to the diagnostics of the project in `dir`: returns those to report,
/// sorted, and those hidden (see [`paasc_render::rules::apply`]).
pub fn apply(
    dir: &Path,
    src: &dyn Source,
    control: Control,
    codes: fn() -> &'static [Code],
    db: &mut SourceDb,
    diags: Vec<Diagnostic>,
) -> (Vec<Diagnostic>, Vec<Suppressed>) {
    let flags = Flags {
        select: &control.args.select,
        ignore: &control.args.ignore,
    };
    let config = find_config(dir, src, control.configs);
    paasc_render::rules::apply(config, flags, codes, db, diags)
}
