//! Diagnostics as text: for people (`human`, miette's graphical and narratable reports, with
//! control characters made visible) and for editors and pipelines (`json`, whose schema is
//! committed as `schema/diagnostics.json`; `sarif`, SARIF 2.1.0; `github`, workflow commands).
//!
//! **Invariant:** pure: every renderer is a function of the sources and the diagnostics.
//! Wire formats are types of their own, separate from the internal ones.

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
