//! The command lines pipelines and editors run most, read without clap: `check DIR...` and
//! `compile DIR... -o OUT`, each with an optional `--format FORMAT`. Building clap's parser
//! for one of them ran about a tenth of the distinct code of an example's `check` (clap's
//! builder, parser and the derived argument definitions), which a new process fetches from
//! memory line by line; the rest of the work was a twentieth of its instructions.
//!
//! [`parse`] answers only for a line whose meaning is certain, and then exactly what clap
//! would (a test compares the two over every short line of the tokens that matter); anything
//! else, including every error and `--help`, goes to clap.

use crate::{CheckArgs, Command, CompileArgs, FileArgs, Format, ProjectArgs};
use clap::ValueEnum;
use std::path::PathBuf;

/// The command of `args` (the program's name first) when it is one of the forms above.
pub(crate) fn parse(args: &[String]) -> Option<Command> {
    let (sub, rest) = args.get(1..)?.split_first()?;
    let compile = match sub.as_str() {
        "check" => false,
        "compile" => true,
        _ => return None,
    };
    let mut dirs = Vec::new();
    let mut format = None;
    let mut out = None;
    let mut tokens = rest.iter();
    while let Some(token) = tokens.next() {
        match token.as_str() {
            "--format" if format.is_none() => {
                format = Some(Format::from_str(value(tokens.next())?, false).ok()?);
            }
            "-o" | "--out" if compile && out.is_none() => {
                out = Some(PathBuf::from(value(tokens.next())?));
            }
            _ => dirs.push(PathBuf::from(value(Some(token))?)),
        }
    }
    if dirs.is_empty() {
        dirs.push(PathBuf::from("."));
    }
    let project = ProjectArgs {
        dirs,
        files: FileArgs {
            rockcraft: None,
            charmcraft: None,
            format: format.unwrap_or(Format::Human),
        },
        rules: crate::rules::RuleArgs::default(),
    };
    Some(if compile {
        Command::Compile(CompileArgs {
            project,
            profile: None,
            set: Vec::new(),
            out: out?,
            emit: Vec::new(),
            provision: Vec::new(),
            check: false,
        })
    } else {
        Command::Check(CheckArgs {
            project,
            fix: false,
            diff: false,
            check: false,
        })
    })
}

/// A value that clap reads as a value whatever precedes it: not empty, not an option.
fn value(token: Option<&String>) -> Option<&str> {
    token
        .map(String::as_str)
        .filter(|t| !t.is_empty() && !t.starts_with('-'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    /// Every line of up to four tokens after `check`, `compile` and others, over the tokens
    /// whose handling differs: where [`parse`] answers, clap must parse the line to the same
    /// command.
    #[test]
    fn parses_as_clap_does() {
        const TOKENS: &[&str] = &[
            "d",
            "-o",
            "--out",
            "o",
            "--format",
            "json",
            "JSON",
            "-",
            "",
            "--",
            "--fix",
            "-od",
            "--out=o",
            "--format=json",
            "help",
            "--profile",
        ];
        let mut answered = 0;
        let mut lines: Vec<Vec<&str>> = vec![vec![]];
        let mut longest = lines.clone();
        for _ in 0..4 {
            longest = longest
                .iter()
                .flat_map(|l| TOKENS.iter().map(move |t| [&l[..], &[*t]].concat()))
                .collect();
            lines.extend(longest.iter().cloned());
        }
        for sub in ["check", "compile", "env", "--version"] {
            for line in &lines {
                let args: Vec<String> = ["paasc", sub]
                    .iter()
                    .chain(line)
                    .map(|s| s.to_string())
                    .collect();
                let Some(quick) = parse(&args) else {
                    continue;
                };
                answered += 1;
                let clap = crate::Cli::try_parse_from(&args)
                    .unwrap_or_else(|e| panic!("{args:?}: clap refuses what quick took: {e}"));
                assert_eq!(
                    format!("{quick:?}"),
                    format!("{:?}", clap.command),
                    "{args:?}"
                );
            }
        }
        assert!(answered > 500, "only {answered} lines taken");
    }

    #[test]
    fn takes_the_common_lines() {
        let args = |s: &str| -> Vec<String> { s.split(' ').map(str::to_string).collect() };
        for line in [
            "paasc check",
            "paasc check examples/a examples/b",
            "paasc check . --format json",
            "paasc compile . -o out",
            "paasc compile a b --out out --format sarif",
        ] {
            assert!(parse(&args(line)).is_some(), "{line}");
        }
        for line in [
            "paasc check --fix",
            "paasc compile .",
            "paasc compile . -o a -o b",
            "paasc check --format JSON",
            "paasc check --help",
            "paasc explain S001",
        ] {
            assert!(parse(&args(line)).is_none(), "{line}");
        }
    }
}
