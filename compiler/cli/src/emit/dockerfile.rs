//! The Dockerfile back end: an image equivalent to the rock.

use crate::compile::{EmitInput, Files};
use paasc_diag::Diagnostic;

/// The files of this artifact (none yet).
pub fn files(_input: &EmitInput<'_>) -> Result<Files, Vec<Diagnostic>> {
    Ok(Files::new())
}
