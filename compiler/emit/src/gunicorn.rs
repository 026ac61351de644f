//! `gunicorn.conf.py`, as paas-charm renders it from the `webserver-*` options (flask, django).

use crate::{Files, Mode};
use paasc_check::Resolved;
use paasc_diag::Diagnostic;

/// The file's name in the output directory.
pub const GUNICORN_CONF: &str = "gunicorn.conf.py";

/// The files of this artifact: none for frameworks gunicorn does not serve. It has no problems
/// of its own, so [`Mode::Check`] writes nothing.
pub fn files(app: &Resolved, mode: Mode) -> Result<Files, Vec<Diagnostic>> {
    if mode == Mode::Check {
        return Ok(Files::new());
    }
    Ok(app
        .plan
        .gunicorn_conf
        .iter()
        .map(|conf| (GUNICORN_CONF.to_string(), conf.clone().into()))
        .collect())
}
