//! Diagnostics for paasc: spans, labels, severities, the source database and the registry of
//! stable codes with their long explanations.
//!
//! This crate knows nothing of YAML, JSON or terminals. Renderers live in the CLI.

mod codes;
mod source;

pub use codes::{Code, CodeInfo, ALL_CODES};
pub use source::{FileId, Position, SourceDb, SourceFile};

/// A half-open byte range `start..end` in one source file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// Byte offset of the first byte.
    pub start: u32,
    /// Byte offset one past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from `start` to `end`, swapped if given backwards.
    pub fn new(start: usize, end: usize) -> Span {
        let (a, b) = if start <= end {
            (start, end)
        } else {
            (end, start)
        };
        Span {
            start: u32::try_from(a).unwrap_or(u32::MAX),
            end: u32::try_from(b).unwrap_or(u32::MAX),
        }
    }

    /// An empty span at `offset`.
    pub fn point(offset: usize) -> Span {
        Span::new(offset, offset)
    }

    /// Length in bytes.
    pub fn len(&self) -> u32 {
        self.end - self.start
    }

    /// Whether the span covers no bytes.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The real tools would fail, or the unit would be Blocked; nothing is emitted.
    Error,
    /// Probably a mistake, but the tools accept it.
    Warning,
    /// Worth knowing.
    Info,
}

impl Severity {
    /// The lowercase name used in JSON and in text.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A span in a file with a short message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    /// The file the span is in.
    pub file: FileId,
    /// Where.
    pub span: Span,
    /// What is there (may be empty).
    pub message: String,
}

impl Label {
    /// A label in `file` at `span`.
    pub fn new(file: FileId, span: Span, message: impl Into<String>) -> Label {
        Label {
            file,
            span,
            message: message.into(),
        }
    }
}

/// One problem found in the inputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable code, e.g. `Y001`.
    pub code: Code,
    /// Severity; defaults to the code's own.
    pub severity: Severity,
    /// One sentence saying what is wrong.
    pub message: String,
    /// The primary location.
    pub primary: Label,
    /// Secondary locations.
    pub labels: Vec<Label>,
    /// What the user can do about it.
    pub help: Option<String>,
    /// Further notes that belong to this problem.
    pub related: Vec<Diagnostic>,
}

impl Diagnostic {
    /// A diagnostic with the code's default severity, pointing at `span` in `file`.
    pub fn new(code: Code, file: FileId, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            severity: code.info().severity,
            message: message.into(),
            primary: Label::new(file, span, ""),
            labels: Vec::new(),
            help: None,
            related: Vec::new(),
        }
    }

    /// Sets the primary label's text.
    pub fn label(mut self, message: impl Into<String>) -> Self {
        self.primary.message = message.into();
        self
    }

    /// Adds a secondary label.
    pub fn secondary(mut self, file: FileId, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label::new(file, span, message));
        self
    }

    /// Sets the help line.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Overrides the severity.
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// The documentation URL of the code.
    pub fn url(&self) -> String {
        self.code.url()
    }
}

/// Orders diagnostics by file, position, then code, so output is stable.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (
            a.primary.file,
            a.primary.span.start,
            a.primary.span.end,
            a.code.0,
        )
            .cmp(&(
                b.primary.file,
                b.primary.span.start,
                b.primary.span.end,
                b.code.0,
            ))
    });
}

/// Whether any diagnostic is an error.
pub fn has_errors(diags: &[Diagnostic]) -> bool {
    diags.iter().any(|d| d.severity == Severity::Error)
}

/// "Did you mean" candidates: the closest of `candidates` to `word`, if close enough.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let norm = |s: &str| s.to_ascii_lowercase().replace('_', "-");
    let w = norm(word);
    candidates
        .into_iter()
        .map(|c| (strsim::normalized_levenshtein(&w, &norm(c)), c))
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// `x` of a label `did you mean `x`?`: the replacement a quick fix and `--fix` apply.
pub fn suggestion(label: &str) -> Option<&str> {
    label
        .strip_prefix("did you mean `")?
        .strip_suffix("`?")
        .filter(|s| !s.contains('`'))
}

/// `path` as the path of a URI: every byte outside RFC 3986's unreserved set and `/`
/// percent-encoded (SARIF's artifact locations, the language server's `file:` URIs).
pub fn uri_escape_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_finds_typos_and_separator_mixups() {
        let keys = ["summary", "description", "platforms", "run-user"];
        assert_eq!(closest("sumary", keys), Some("summary"));
        assert_eq!(closest("run_user", keys), Some("run-user"));
        assert_eq!(closest("zzz", keys), None);
    }
}
