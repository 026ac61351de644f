//! The framework extensions of charmcraft 4.5.0 and rockcraft 1.20.0, applied to loaded YAML.
//!
//! Framework specifics are data (`data/charmcraft/*.yaml`, generated from charmcraft's own
//! extension classes); the code here is the tools' merge and validation logic.
//!
//! **Invariant:** pure. The project directory is passed in as a [`ProjectDir`] listing.

mod charm_data;
pub mod charmcraft;
pub mod merge;
pub mod parts;
pub mod rockcraft;

pub use charm_data::{charm_extension, framework, CharmExtension};
pub use paasc_frameworks::{Framework, EXTENSION_NAMES as FRAMEWORK_NAMES};

use std::collections::BTreeMap;

/// The fields of craft-application's `Project` model, in its order: both tools' models start
/// with these (`expand-extensions` prints fields in model order).
pub(crate) const CRAFT_PROJECT_FIELDS: [&str; 16] = [
    "name",
    "title",
    "version",
    "summary",
    "description",
    "base",
    "build-base",
    "platforms",
    "contact",
    "issues",
    "source-code",
    "license",
    "adopt-info",
    "parts",
    "package-repositories",
    "build-slices",
];

/// What the extensions may look at in the project directory, loaded by the CLI.
#[derive(Clone, Debug, Default)]
pub struct ProjectDir {
    /// Relative paths (with `/`) of the files and directories the extensions inspect; directories
    /// end with `/`.
    pub entries: Vec<String>,
    /// Contents of the small text files the extensions read, by relative path.
    pub texts: BTreeMap<String, String>,
    /// Relative paths of the files among `entries` that are executable.
    pub executables: std::collections::BTreeSet<String>,
}

impl ProjectDir {
    /// Whether `path` (a file, or a directory when it ends with `/`) exists.
    pub fn exists(&self, path: &str) -> bool {
        self.entries.iter().any(|e| e == path)
    }

    /// The direct children of directory `dir` (ending with `/`), as names; directories keep `/`.
    pub fn children(&self, dir: &str) -> Vec<&str> {
        self.entries
            .iter()
            .filter_map(|e| e.strip_prefix(dir))
            .filter(|rest| !rest.is_empty() && !rest.trim_end_matches('/').contains('/'))
            .collect()
    }
}

/// Where in the input file an expansion error belongs: a path of mapping keys from the root
/// (`["config", "options", "flask-foo"]`), pointing at the key when `key` is true.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// Keys from the root.
    pub path: Vec<String>,
    /// Point at the last key itself rather than its value.
    pub key: bool,
}

impl Location {
    /// The key at `path`.
    pub fn key(path: &[&str]) -> Location {
        Location {
            path: path.iter().map(|s| s.to_string()).collect(),
            key: true,
        }
    }

    /// The value at `path`.
    pub fn value(path: &[&str]) -> Location {
        Location {
            path: path.iter().map(|s| s.to_string()).collect(),
            key: false,
        }
    }

    /// The whole document.
    pub fn root() -> Location {
        Location {
            path: Vec::new(),
            key: false,
        }
    }
}

/// An expansion failure, carrying the real tool's message.
#[derive(Clone, Debug, PartialEq)]
pub struct ExpandError {
    /// The diagnostic code.
    pub code: paasc_diag::Code,
    /// The tool's own message, verbatim.
    pub message: String,
    /// Where it belongs.
    pub at: Location,
    /// A file other than the YAML being expanded that the error is about (e.g. `paas-config.yaml`).
    pub other: Option<Box<OtherFile>>,
    /// What the user can do.
    pub help: String,
}

/// A project file other than the YAML being expanded that an error is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtherFile {
    /// Path relative to the project directory, e.g. `paas-config.yaml`.
    pub path: String,
    /// The byte range the error is about, when known.
    pub span: Option<std::ops::Range<usize>>,
}

impl ExpandError {
    /// An error at `at` in the YAML being expanded.
    pub fn new(
        code: paasc_diag::Code,
        message: impl Into<String>,
        at: Location,
        help: impl Into<String>,
    ) -> ExpandError {
        ExpandError {
            code,
            message: message.into(),
            at,
            other: None,
            help: help.into(),
        }
    }

    /// The same error, about `file` (relative to the project) and optionally a span in it.
    pub fn about(mut self, file: &str, span: Option<std::ops::Range<usize>>) -> ExpandError {
        self.other = Some(Box::new(OtherFile {
            path: file.to_string(),
            span,
        }));
        self
    }
}
