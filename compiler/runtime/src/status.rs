//! The unit status paas-charm ends a hook with, and the ways a hook stops early.

use std::fmt;

/// Juju unit status kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusKind {
    /// The workload was (re)planned.
    Active,
    /// Waiting for the operator (config, relations).
    Blocked,
    /// Waiting for something that will come by itself.
    Waiting,
    /// Work in progress.
    Maintenance,
    /// The charm raised: Juju marks the unit `error`.
    Error,
}

impl StatusKind {
    /// The lowercase Juju name (`active`, `blocked`, ...).
    pub fn name(self) -> &'static str {
        match self {
            StatusKind::Active => "active",
            StatusKind::Blocked => "blocked",
            StatusKind::Waiting => "waiting",
            StatusKind::Maintenance => "maintenance",
            StatusKind::Error => "error",
        }
    }
}

/// A unit status. For [`StatusKind::Error`] the message is `<ExceptionType>: <first line>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    /// The kind.
    pub kind: StatusKind,
    /// The message.
    pub message: String,
}

/// A Python exception the charm would raise (and not catch).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PyError {
    /// The exception class name, e.g. `ValueError`.
    pub kind: String,
    /// The exception message.
    pub message: String,
}

impl PyError {
    /// A `ValueError`.
    pub fn value(message: impl Into<String>) -> PyError {
        PyError::new("ValueError", message)
    }

    /// An exception of class `kind`.
    pub fn new(kind: &str, message: impl Into<String>) -> PyError {
        PyError {
            kind: kind.to_string(),
            message: message.into(),
        }
    }
}

impl fmt::Display for PyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let first = self.message.lines().next().unwrap_or("");
        write!(f, "{}: {first}", self.kind)
    }
}

/// Why planning stopped before the workload was replanned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    Blocked(String),
    Waiting(String),
    Raised(PyError),
}

impl From<PyError> for Stop {
    fn from(e: PyError) -> Stop {
        Stop::Raised(e)
    }
}

impl Stop {
    pub(crate) fn status(self) -> Status {
        match self {
            Stop::Blocked(message) => Status {
                kind: StatusKind::Blocked,
                message,
            },
            Stop::Waiting(message) => Status {
                kind: StatusKind::Waiting,
                message,
            },
            Stop::Raised(e) => Status {
                kind: StatusKind::Error,
                message: e.to_string(),
            },
        }
    }
}
