//! The language server's facts of a project on disk: loaded and checked here, read by
//! [`paasc_lsp::facts::of`].

use crate::load;
use crate::shared::Terminal;
use paasc_lsp::Facts;
use std::path::Path;

/// The facts of the project in `dir`, its files read from `src` (the server's buffers over
/// the disk); empty parts where the project does not load or expand.
pub fn of(dir: &Path, src: &dyn paasc_check::Source, term: Terminal) -> Facts {
    let loc = load::Locations {
        dir: dir.to_path_buf(),
        ..load::Locations::default()
    };
    let Ok(mut project) = load::load(&loc, src) else {
        return Facts::default();
    };
    let checked = paasc_check::check_project(&mut project, term.options());
    paasc_lsp::facts::of(&checked)
}
