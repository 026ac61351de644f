//! Emitters: pure functions from the compiled plan to file contents, one module per artifact.

pub mod dockerfile;
pub mod env;
pub mod helm;
