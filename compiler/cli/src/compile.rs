//! The artifacts of a checked project: the image's from the project alone, a deployment's with
//! one profile applied. What `compile` writes and `check` verifies for every profile.

use crate::load;
use paasc_check::{apply_profile, Checked, Project, Source};
use paasc_diag::Diagnostic;
use paasc_emit::{artifacts, needs_profile, Artifact, Files};
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
/// Problems (and warnings) go to `diags`.
pub fn build(
    project: &mut Project,
    checked: &Checked,
    path: Option<&Path>,
    sets: &[String],
    emit: &[Artifact],
    src: &dyn Source,
    diags: &mut Vec<Diagnostic>,
) -> Option<Files> {
    project.files.charmcraft?;
    project.files.rockcraft?;
    let rendered = if needs_profile(emit) {
        let profile = match path {
            Some(path) => Some(load::profile(&mut project.db, path, src, diags)?),
            None => None,
        };
        let resolved = apply_profile(project, checked, profile, sets, diags)?;
        artifacts(emit, &resolved, Some(&resolved), diags)
    } else {
        let app = paasc_check::app(project, checked, diags)?;
        artifacts(emit, &app, None, diags)
    };
    match rendered {
        Ok(files) => Some(files),
        Err(mut found) => {
            diags.append(&mut found);
            None
        }
    }
}
