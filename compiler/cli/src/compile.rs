//! The artifacts of a checked project: the image's from the project alone, a deployment's with
//! one profile applied. What `compile` writes and `check` verifies for every profile.

use crate::load;
use paasc_check::{apply_profile, Checked, Project, Source};
use paasc_diag::Diagnostic;
use paasc_emit::{artifacts_of, needs_profile, Artifact, Files, ImageMemo, Mode, Placement};
use rayon::prelude::*;
use std::path::Path;

/// `f` of each of `items`, in order: on rayon's pool when there are several, on this thread
/// when there is one, so that a single project does not start the pool's threads.
pub fn each<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    if items.len() > 1 {
        items.par_iter().map(f).collect()
    } else {
        items.iter().map(f).collect()
    }
}

/// Renders the `emit` artifacts of the checked project. Only when one of them reads a profile
/// is the profile at `path` (none: no profile) read from `src` and applied with `sets`.
/// Problems (and warnings) go to `diags`. `placement` says where the output directory is;
/// `memo` keeps the image's artifacts across the profiles of one checked project; `ending`
/// says whether the deployment is freed. With [`Mode::Check`] only the problems count: the
/// files returned are not the artifacts.
///
/// Never inlined: inlined into `check`'s loop over the profiles, its locals and those of what it
/// inlines in turn sat in that function's stack frame under every call it makes, the Python
/// parser's deepest included (docs/performance-log.md, session 32).
#[allow(clippy::too_many_arguments)]
#[inline(never)]
pub fn build(
    project: &mut Project,
    checked: &Checked,
    path: Option<&Path>,
    sets: &[String],
    emit: &[Artifact],
    placement: &Placement,
    mode: Mode,
    src: &dyn Source,
    diags: &mut Vec<Diagnostic>,
    memo: &mut ImageMemo,
    ending: Ending,
) -> Option<Files> {
    project.files.charmcraft?;
    project.files.rockcraft?;
    let rendered = if needs_profile(emit) {
        let profile = match path {
            Some(path) => Some(load::profile(&mut project.db, path, src, diags)?),
            None => None,
        };
        let resolved = apply_profile(project, checked, profile, sets, diags)?;
        let rendered = artifacts_of(
            emit,
            &resolved,
            Some(&resolved),
            placement,
            mode,
            diags,
            memo,
        );
        release(resolved, ending);
        rendered
    } else {
        let app = paasc_check::app(project, checked, diags)?;
        let rendered = artifacts_of(emit, &app, None, placement, mode, diags, memo);
        release(app, ending);
        rendered
    };
    match rendered {
        Ok(files) => Some(files),
        Err(mut found) => {
            diags.append(&mut found);
            None
        }
    }
}

/// What comes after a project's check or compile: the process exits, or more work (the
/// language server, other projects) that the memory would add up in.
#[derive(Clone, Copy)]
pub enum Ending {
    /// A single-project run: the process exits right after the report.
    Exit,
    /// The memory is freed as usual.
    Free,
}

/// Drops `value`, or with [`Ending::Exit`] leaves it to the operating system, which takes a
/// process's memory back at once: freeing a large project's values node by node costs about a
/// twentieth of a one-shot `check` (10.5M instructions of 190M on a 10,000-option charm).
pub fn release<T>(value: T, ending: Ending) {
    match ending {
        Ending::Exit => std::mem::forget(value),
        Ending::Free => drop(value),
    }
}

/// Where `out` (made [`absolute`]) is relative to the project directory `dir`, as
/// [`Placement`] says it; the default (`-o DIR/out`) when the two have no relative path
/// (another drive).
pub fn placement(dir: &Path, out: Option<&Path>) -> Placement {
    match (absolute(dir), out) {
        (Some(d), Some(o)) => match (relative(o, &d), relative(&d, o)) {
            (Some(project), Some(out)) => Placement { project, out },
            _ => Placement::default(),
        },
        _ => Placement::default(),
    }
}

/// `path` made absolute, with symbolic links of the part that exists resolved (OUT may not
/// exist yet).
pub fn absolute(path: &Path) -> Option<std::path::PathBuf> {
    let path = std::path::absolute(path).ok()?;
    let mut existing = path.as_path();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = load::canonical(existing) {
            return Some(rest.iter().rev().fold(real, |p, c| p.join(c)));
        }
        rest.push(existing.file_name()?.to_os_string());
        existing = existing.parent()?;
    }
}

/// The `/`-separated path from the directory `from` to `to` (both absolute), starting with
/// `.` or `..` as compose wants a relative bind mount to.
fn relative(from: &Path, to: &Path) -> Option<String> {
    use std::path::Component;
    let parts = |p: &Path| -> Option<Vec<String>> {
        p.components()
            .filter(|c| !matches!(c, Component::CurDir))
            .map(|c| match c {
                Component::Normal(s) => s.to_str().map(str::to_string),
                Component::ParentDir => None,
                other => other.as_os_str().to_str().map(str::to_string),
            })
            .collect()
    };
    let (f, t) = (parts(from)?, parts(to)?);
    if f.first() != t.first() {
        return None;
    }
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut out: Vec<&str> = vec![".."; f.len() - common];
    out.extend(t[common..].iter().map(String::as_str));
    Some(if out.first() == Some(&"..") {
        out.join("/")
    } else {
        std::iter::once(".")
            .chain(out)
            .collect::<Vec<_>>()
            .join("/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_between_the_project_and_out() {
        let r = |a: &str, b: &str| relative(Path::new(a), Path::new(b));
        assert_eq!(r("/w/p/out", "/w/p").as_deref(), Some(".."));
        assert_eq!(r("/w/p", "/w/p/out").as_deref(), Some("./out"));
        assert_eq!(r("/tmp/o", "/w/p").as_deref(), Some("../../w/p"));
        assert_eq!(r("/w/p", "/w/p").as_deref(), Some("."));
        let dir = std::env::temp_dir().join(format!("paasc-placement-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("proj")).expect("mkdir");
        assert_eq!(
            placement(&dir.join("proj"), absolute(&dir.join("out/new")).as_deref()),
            Placement {
                project: "../../proj".into(),
                out: "../out/new".into()
            }
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
