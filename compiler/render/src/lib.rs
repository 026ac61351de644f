//! Diagnostics as text: for people (`human`, miette's graphical and narratable reports, with
//! control characters made visible) and for editors and pipelines (`json`, whose schema is
//! committed as `schema/diagnostics.json`; `sarif`, SARIF 2.1.0; `github`, workflow commands).
//!
//! **Invariant:** pure: every renderer is a function of the sources and the diagnostics.
//! Wire formats are types of their own, separate from the internal ones.

pub mod explain;
pub mod fix;
pub mod github;
pub mod human;
pub mod json;
pub mod rules;
pub mod sarif;

/// A diagnostic that rule control hid: not shown or counted as a problem, but counted in the
/// summary and listed in JSON (`suppressed`) and SARIF (`suppressions`).
#[derive(Clone, Debug)]
pub struct Suppressed {
    /// The diagnostic as it would have been reported.
    pub diagnostic: paasc_diag::Diagnostic,
    /// Whether a comment in the file hid it (`# paasc: ignore[...]`); else the configuration
    /// or the command line did.
    pub in_source: bool,
    /// What hid it, e.g. `# paasc: ignore[C016]` or `ignore in paasc.toml`.
    pub justification: String,
}
