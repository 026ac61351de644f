//! `paasc init`: its arguments, what it reads of the directory (the files that tell the
//! framework, whether an app is there), the defaults it takes from the environment, and
//! writing [`paasc_init::files`] without overwriting anything.

use crate::shared::{Outcome, EXIT_OK, EXIT_USAGE};
use paasc_frameworks::Framework;
use std::io::Write as _;
use std::path::{Path, PathBuf};

// `paasc init`'s arguments. (Not a doc comment: see `Command` in lib.rs.)
#[derive(clap::Args, Debug, Clone)]
pub struct InitArgs {
    /// The project directory (created when missing).
    #[arg(default_value = ".", value_name = "DIR")]
    dir: PathBuf,
    /// The framework; without it, detected from the files present (requirements.txt, go.mod,
    /// package.json, pom.xml or build.gradle).
    #[arg(long, value_parser = framework_parser())]
    framework: Option<Framework>,
    /// The rock's and the charm's name (default: the directory's name).
    #[arg(long)]
    name: Option<String>,
    /// The charm's author, for its copyright lines (default: the user's full name, as charmcraft
    /// finds it, else $USER).
    #[arg(long)]
    author: Option<String>,
}

fn framework_parser() -> impl clap::builder::TypedValueParser<Value = Framework> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(Framework::ALL.iter().map(|f| f.name()))
        .try_map(|name: String| Framework::from_name(&name).ok_or("not a framework"))
}

/// `paasc init`.
pub fn run(a: &InitArgs) -> Outcome {
    let fail = |message: String| Outcome {
        stderr: format!("error: {message}\n"),
        code: EXIT_USAGE,
        ..Outcome::default()
    };
    let mut notes = String::new();
    let fw = match a.framework {
        Some(f) => f,
        None => {
            let read = |name: &str| std::fs::read_to_string(a.dir.join(name)).ok();
            match paasc_init::detect(&a.dir.display().to_string(), &read) {
                Ok((f, why)) => {
                    notes.push_str(&format!("detected {} ({why})\n", f.name()));
                    f
                }
                Err(e) => return fail(format!("{e}; pass --framework")),
            }
        }
    };
    let name = match &a.name {
        Some(n) => n.clone(),
        None => std::fs::canonicalize(&a.dir)
            .ok()
            .or_else(|| Some(a.dir.clone()))
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_default(),
    };
    if !paasc_init::valid_name(&name) {
        return fail(format!(
            "`{name}` is not a valid rock and charm name (lower-case letters, digits and single hyphens, starting with a letter); pass --name"
        ));
    }
    let Some(author) = a
        .author
        .clone()
        .or_else(gecos_author)
        .or_else(|| std::env::var("USER").ok())
        .filter(|s| !s.is_empty())
    else {
        return fail("cannot tell the charm's author; pass --author".into());
    };
    let year = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1970, |d| paasc_init::year_of(d.as_secs()));
    let project = paasc_init::Project {
        framework: fw,
        name: &name,
        author: &author,
        year,
    };
    let (files, note) = paasc_init::files(&project, &|m| a.dir.join(m).exists());
    if let Some(note) = note {
        notes.push_str(note);
        notes.push('\n');
    }
    let mut out = notes;
    for (path, text, exec) in files {
        let target = a.dir.join(&path);
        if target.exists() || target.is_symlink() {
            out.push_str(&format!("kept {path} (it exists)\n"));
            continue;
        }
        match write_new(&target, &text, exec) {
            Ok(()) => out.push_str(&format!("wrote {path}\n")),
            Err(e) => {
                return Outcome {
                    stdout: out,
                    stderr: format!("error: cannot write `{}`: {e}\n", target.display()),
                    code: EXIT_USAGE,
                }
            }
        }
    }
    let experimental = if fw == Framework::SpringBoot {
        "CHARMCRAFT_ENABLE_EXPERIMENTAL_EXTENSIONS=1 ROCKCRAFT_ENABLE_EXPERIMENTAL_EXTENSIONS=True "
    } else {
        ""
    };
    out.push_str(&format!(
        "next: {experimental}paasc check {}\n",
        a.dir.display()
    ));
    Outcome {
        stdout: out,
        stderr: String::new(),
        code: EXIT_OK,
    }
}

/// Creates `path` (and its directories) with `text`; fails when it exists.
fn write_new(path: &Path, text: &str, exec: bool) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(if exec { 0o755 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = exec;
    options.open(path)?.write_all(text.as_bytes())
}

/// The current user's GECOS name, as charmcraft's `init` reads it (`/proc/self` is owned by the
/// process's uid).
#[cfg(unix)]
fn gecos_author() -> Option<String> {
    use std::os::unix::fs::MetadataExt as _;
    let uid = std::fs::metadata("/proc/self").ok()?.uid();
    let passwd = std::fs::read_to_string("/etc/passwd").ok()?;
    paasc_init::gecos_name(&passwd, uid)
}

#[cfg(not(unix))]
fn gecos_author() -> Option<String> {
    None
}
