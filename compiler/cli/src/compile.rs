//! One profile applied to a checked project, and its artifacts rendered: what `compile` writes
//! and `check` verifies for every profile.

use crate::load;
use paasc_check::{apply_profile, Checked, Project, Source};
use paasc_diag::Diagnostic;
use paasc_emit::{artifacts, Artifact, Files};
use std::path::Path;

/// Reads the profile at `path` (none: no profile) from `src`, applies it and `sets` to the checked
/// project, and renders the `emit` artifacts. Problems (and warnings) go to `diags`.
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
    let profile = match path {
        Some(path) => Some(load::profile(&mut project.db, path, src, diags)?),
        None => None,
    };
    let app = apply_profile(project, checked, profile, sets, diags)?;
    match artifacts(emit, &app, diags) {
        Ok(files) => Some(files),
        Err(mut found) => {
            diags.append(&mut found);
            None
        }
    }
}
