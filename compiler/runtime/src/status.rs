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
    /// What stopped the charm, as data, when the status is not active and the cause is known.
    pub cause: Option<Cause>,
}

/// What stopped paas-charm before it (re)planned the workload: the input responsible for a
/// status that is not active. Names are as the charm declares them (the message may spell
/// them otherwise: paas-charm writes option names with `-` for `_`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cause {
    /// Required integrations the deployment gives no data for, in paas-charm's order.
    MissingIntegrations(Vec<String>),
    /// Options paas-charm's configuration models refuse: required ones without a value, and
    /// those whose value is invalid.
    Options {
        /// Required options without a value.
        missing: Vec<String>,
        /// Options with an invalid value.
        invalid: Vec<String>,
    },
    /// More relations on the endpoint than its library reads.
    SeveralRelations(String),
    /// The endpoint's relation data is incomplete or invalid.
    RelationData(String),
    /// The charm's declaration of the endpoint: `field` of it when named (the tracing library
    /// needs `limit: 1`), or the endpoint itself (a second `oauth` endpoint).
    Declaration {
        /// The endpoint.
        endpoint: String,
        /// The field of its declaration.
        field: Option<&'static str>,
    },
    /// The rock's service of this name: missing, or with a command paas-charm cannot use.
    RockService(String),
    /// `paas-config.yaml`.
    PaasConfig,
    /// The peer relation holds no secret key yet.
    SecretKey,
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

/// Why planning stopped before the workload was replanned, with its cause when known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Stop {
    Blocked(String),
    Waiting(String),
    Raised(PyError),
    Because(Box<Stop>, Cause),
}

impl From<PyError> for Stop {
    fn from(e: PyError) -> Stop {
        Stop::Raised(e)
    }
}

impl Stop {
    /// This stop, caused by `cause`.
    pub(crate) fn because(self, cause: Cause) -> Stop {
        match self {
            Stop::Because(stop, _) => Stop::Because(stop, cause),
            stop => Stop::Because(Box::new(stop), cause),
        }
    }

    /// This stop, caused by `cause` unless its cause is already known.
    pub(crate) fn or_because(self, cause: Cause) -> Stop {
        match self {
            Stop::Because(..) => self,
            stop => Stop::Because(Box::new(stop), cause),
        }
    }

    pub(crate) fn status(self) -> Status {
        let (kind, message, cause) = match self {
            Stop::Blocked(message) => (StatusKind::Blocked, message, None),
            Stop::Waiting(message) => (StatusKind::Waiting, message, None),
            Stop::Raised(e) => (StatusKind::Error, e.to_string(), None),
            Stop::Because(stop, cause) => {
                let inner = stop.status();
                (inner.kind, inner.message, Some(cause))
            }
        };
        Status {
            kind,
            message,
            cause,
        }
    }
}
