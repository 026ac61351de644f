//! The Helm back end: a chart deploying the app without Juju.

use crate::compile::{EmitInput, Files};
use paasc_diag::Diagnostic;

/// The files of this artifact (none yet).
pub fn files(_input: &EmitInput<'_>) -> Result<Files, Vec<Diagnostic>> {
    Ok(Files::new())
}
