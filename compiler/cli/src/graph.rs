//! `paasc graph`: a picture of the deployment, drawn by [`paasc_emit::graph`]; this module
//! holds its arguments and loads the deployment.

use crate::env::{deploy, Request};
use crate::rules::RuleArgs;
use crate::shared::{FileArgs, Format, Outcome, Terminal};

/// The picture's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GraphFormat {
    /// A Mermaid flowchart (GitHub renders it in Markdown).
    Mermaid,
    /// Graphviz DOT.
    Dot,
}

// `paasc graph`'s arguments. (Not a doc comment: see `Command` in lib.rs.)
#[derive(clap::Args, Debug, Clone)]
pub struct GraphArgs {
    /// The project directory.
    #[arg(default_value = ".", value_name = "DIR")]
    dir: std::path::PathBuf,
    /// The deployment profile: a name (profiles/NAME.yaml in DIR) or a path.
    #[arg(long, value_name = "NAME|FILE")]
    profile: Option<String>,
    /// Override a profile value, e.g. `--set units=3` (repeatable).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    set: Vec<String>,
    /// Output format of the picture (diagnostics, on failure, are human-readable).
    #[arg(long = "format", value_enum, default_value_t = GraphFormat::Mermaid)]
    format: GraphFormat,
    /// Path of rockcraft.yaml, if not in DIR.
    #[arg(long, value_name = "FILE")]
    rockcraft: Option<std::path::PathBuf>,
    /// Path of charmcraft.yaml, if not in DIR or DIR/charm.
    #[arg(long, value_name = "FILE")]
    charmcraft: Option<std::path::PathBuf>,
    #[command(flatten)]
    rules: RuleArgs,
}

/// `paasc graph`.
pub fn run(a: &GraphArgs, term: Terminal) -> Outcome {
    let files = FileArgs {
        rockcraft: a.rockcraft.clone(),
        charmcraft: a.charmcraft.clone(),
        format: Format::Human,
    };
    let request = Request {
        command: "graph",
        files: &files,
        profile: a.profile.as_deref(),
        sets: &a.set,
        rules: &a.rules,
    };
    let d = match deploy(&a.dir, &request, term) {
        Ok(d) => d,
        Err(out) => return out,
    };
    Outcome {
        stdout: match a.format {
            GraphFormat::Mermaid => paasc_emit::graph::mermaid(&d.resolved),
            GraphFormat::Dot => paasc_emit::graph::dot(&d.resolved),
        },
        stderr: d.warnings,
        ..Outcome::default()
    }
}
