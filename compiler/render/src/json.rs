//! The JSON diagnostics document (`--format json`). Its schema is `schema/diagnostics.json`;
//! editors and pipelines depend on it, so fields are only ever added.

use paasc_diag::{Diagnostic, Label, SourceDb};
use schemars::JsonSchema;
use serde::Serialize;

/// Version of the document format.
pub const FORMAT_VERSION: u32 = 1;

/// The whole document.
#[derive(Serialize, JsonSchema)]
#[schemars(title = "paasc diagnostics", deny_unknown_fields)]
pub struct Document {
    /// Format version; 1.
    pub version: u32,
    /// Every problem found, ordered by file and position.
    pub diagnostics: Vec<JsonDiagnostic>,
    /// Counts.
    pub summary: Summary,
    /// The problems rule control hid (`paasc.toml`, `--select`/`--ignore`, `# paasc: ignore[...]`
    /// comments), in the same order; absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub suppressed: Vec<JsonSuppressed>,
}

/// A hidden diagnostic and what hid it.
#[derive(Serialize, JsonSchema)]
pub struct JsonSuppressed {
    /// The diagnostic.
    #[serde(flatten)]
    pub diagnostic: JsonDiagnostic,
    /// `inSource` for a comment in the file, `external` for the configuration or the command
    /// line (SARIF's suppression kinds).
    pub suppression_kind: String,
    /// What hid it.
    pub justification: String,
}

/// Counts by severity.
#[derive(Serialize, JsonSchema)]
pub struct Summary {
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
    /// Number of informational notes.
    pub infos: usize,
    /// Number of files read.
    pub files: usize,
    /// Number of diagnostics rule control hid (not in the counts above); absent when none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub suppressed: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A position as LSP gives it: 0-based line and UTF-16 character.
#[derive(Serialize, JsonSchema)]
pub struct LspPosition {
    /// 0-based line.
    pub line: u32,
    /// 0-based column in UTF-16 code units.
    pub character: u32,
}

/// An LSP range.
#[derive(Serialize, JsonSchema)]
pub struct LspRange {
    /// Start (inclusive).
    pub start: LspPosition,
    /// End (exclusive).
    pub end: LspPosition,
}

/// A location in every unit a consumer may want.
#[derive(Serialize, JsonSchema)]
pub struct Location {
    /// File path, as given on the command line or discovered.
    pub file: String,
    /// LSP range (0-based, UTF-16).
    pub range: LspRange,
    /// 1-based start line.
    pub line: u32,
    /// 1-based start column, in Unicode characters.
    pub column: u32,
    /// 1-based end line.
    pub end_line: u32,
    /// 1-based end column (exclusive), in Unicode characters.
    pub end_column: u32,
    /// Byte offset of the start.
    pub offset: u32,
    /// Length in bytes.
    pub length: u32,
}

/// A secondary location with its message.
#[derive(Serialize, JsonSchema)]
pub struct JsonLabel {
    /// What is at this location.
    pub message: String,
    /// Where.
    #[serde(flatten)]
    pub location: Location,
}

/// Severity.
#[derive(Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum JsonSeverity {
    /// The tools would fail, or the unit would be Blocked.
    Error,
    /// Accepted by the tools, but probably a mistake.
    Warning,
    /// Worth knowing.
    Info,
}

/// One diagnostic.
#[derive(Serialize, JsonSchema)]
pub struct JsonDiagnostic {
    /// Stable code, e.g. `S001`.
    pub code: String,
    /// Stable kebab-case name of the code, e.g. `unknown-key`.
    pub name: String,
    /// Severity.
    pub severity: JsonSeverity,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: Option<String>,
    /// Documentation of the code.
    pub url: String,
    /// The primary label's message.
    pub label: String,
    /// The primary location.
    #[serde(flatten)]
    pub location: Location,
    /// Secondary locations.
    pub labels: Vec<JsonLabel>,
    /// Further diagnostics that belong to this one.
    pub related: Vec<JsonDiagnostic>,
}

fn location(db: &SourceDb, l: &Label) -> Location {
    let f = db.get(l.file);
    let s = f.position(l.span.start);
    let e = f.position(l.span.end);
    Location {
        file: f.path.clone(),
        range: LspRange {
            start: LspPosition {
                line: s.line0,
                character: s.utf16_col0,
            },
            end: LspPosition {
                line: e.line0,
                character: e.utf16_col0,
            },
        },
        line: s.line0 + 1,
        column: s.col1,
        end_line: e.line0 + 1,
        end_column: e.col1,
        offset: l.span.start,
        length: l.span.len(),
    }
}

fn convert(db: &SourceDb, d: &Diagnostic) -> JsonDiagnostic {
    JsonDiagnostic {
        code: d.code.0.to_string(),
        name: d.code.info().name.to_string(),
        severity: match d.severity {
            paasc_diag::Severity::Error => JsonSeverity::Error,
            paasc_diag::Severity::Warning => JsonSeverity::Warning,
            paasc_diag::Severity::Info => JsonSeverity::Info,
        },
        message: d.message.clone(),
        help: d.help.clone(),
        url: d.url(),
        label: d.primary.message.clone(),
        location: location(db, &d.primary),
        labels: d
            .labels
            .iter()
            .map(|l| JsonLabel {
                message: l.message.clone(),
                location: location(db, l),
            })
            .collect(),
        related: d.related.iter().map(|r| convert(db, r)).collect(),
    }
}

/// The counts of `diags`, over `files` files read.
pub fn summary(diags: &[Diagnostic], files: usize) -> Summary {
    let count = |s| diags.iter().filter(|d| d.severity == s).count();
    Summary {
        errors: count(paasc_diag::Severity::Error),
        warnings: count(paasc_diag::Severity::Warning),
        infos: count(paasc_diag::Severity::Info),
        files,
        suppressed: 0,
    }
}

impl Summary {
    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: &Summary) {
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.infos += other.infos;
        self.files += other.files;
        self.suppressed += other.suppressed;
    }
}

/// Builds the document for `diags` over the files of `db`.
pub fn document(db: &SourceDb, diags: &[Diagnostic], files: usize) -> Document {
    Document {
        version: FORMAT_VERSION,
        diagnostics: diags.iter().map(|d| convert(db, d)).collect(),
        summary: summary(diags, files),
        suppressed: Vec::new(),
    }
}

impl Document {
    /// The document with the diagnostics rule control hid, counted and listed.
    pub fn with_suppressed(mut self, db: &SourceDb, hidden: &[crate::Suppressed]) -> Document {
        self.summary.suppressed += hidden.len();
        self.suppressed
            .extend(hidden.iter().map(|s| suppressed_item(db, s)));
        self
    }
}

fn suppressed_item(db: &SourceDb, s: &crate::Suppressed) -> JsonSuppressed {
    JsonSuppressed {
        diagnostic: convert(db, &s.diagnostic),
        suppression_kind: if s.in_source { "inSource" } else { "external" }.to_string(),
        justification: s.justification.clone(),
    }
}

/// One document for several projects' documents, in their order.
pub fn merge(docs: Vec<Document>) -> Document {
    let mut all = Document {
        version: FORMAT_VERSION,
        diagnostics: Vec::new(),
        summary: summary(&[], 0),
        suppressed: Vec::new(),
    };
    for mut d in docs {
        all.diagnostics.append(&mut d.diagnostics);
        all.suppressed.append(&mut d.suppressed);
        all.summary.add(&d.summary);
    }
    all
}

/// The JSON document for several projects' diagnostics (and what rule control hid), written
/// one diagnostic at a time instead of built whole: byte for byte what [`to_string`] of
/// [`merge`] of their [`document`]s gives.
pub fn stream<'a>(
    parts: impl IntoIterator<
        Item = (
            &'a SourceDb,
            &'a [Diagnostic],
            &'a [crate::Suppressed],
            usize,
        ),
    >,
) -> String {
    use std::fmt::Write;
    fn item(out: &mut String, first: &mut bool, value: &impl Serialize) {
        let text = serde_json::to_string_pretty(value)
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
        out.push_str(if *first { "\n" } else { ",\n" });
        *first = false;
        // JSON strings hold no raw line break, so each line is indented as a whole.
        for (i, line) in text.lines().enumerate() {
            let _ = write!(out, "{}    {line}", if i == 0 { "" } else { "\n" });
        }
    }
    let mut out = format!("{{\n  \"version\": {FORMAT_VERSION},\n  \"diagnostics\": [");
    let mut total = summary(&[], 0);
    let mut first = true;
    let mut hidden = String::new();
    let mut first_hidden = true;
    for (db, diags, suppressed, files) in parts {
        total.add(&summary(diags, files));
        total.suppressed += suppressed.len();
        for d in diags {
            item(&mut out, &mut first, &convert(db, d));
        }
        for s in suppressed {
            item(&mut hidden, &mut first_hidden, &suppressed_item(db, s));
        }
    }
    out.push_str(if first { "],\n" } else { "\n  ],\n" });
    let summary = serde_json::to_string_pretty(&total).unwrap_or_default();
    let _ = write!(out, "  \"summary\": ");
    for (i, line) in summary.lines().enumerate() {
        let _ = write!(out, "{}{line}", if i == 0 { "" } else { "\n  " });
    }
    if !first_hidden {
        let _ = write!(out, ",\n  \"suppressed\": [{hidden}\n  ]");
    }
    out.push_str("\n}\n");
    out
}

/// The document as pretty JSON with a final newline.
pub fn to_string(doc: &Document) -> String {
    let mut s =
        serde_json::to_string_pretty(doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// The JSON Schema of [`Document`].
pub fn schema() -> String {
    let schema = schemars::schema_for!(Document);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use paasc_diag::{Code, Span};

    #[test]
    fn the_stream_is_the_document() {
        let mut db = SourceDb::new();
        let a = db.add("a.yaml", "x: 1\ny: \"\\u0001\"\n");
        let b = db.add("b.yaml", "z: [\n");
        let d1 = Diagnostic::new(
            Code::UNKNOWN_KEY,
            a,
            Span::new(0, 1),
            "unknown `x`\n\"quoted\"",
        )
        .label("here")
        .help("remove it")
        .secondary(b, Span::new(3, 4), "and there");
        let mut d2 = Diagnostic::new(Code::YAML_SYNTAX, b, Span::point(5), "unclosed");
        d2.related.push(d1.clone());
        let hid = [crate::Suppressed {
            diagnostic: d2.clone(),
            in_source: true,
            justification: "# paasc: ignore[Y001]".into(),
        }];
        let one = [d1.clone()];
        let two = [d1, d2];
        let none: &[crate::Suppressed] = &[];
        for parts in [
            vec![],
            vec![(&db, &[][..], none, 0)],
            vec![(&db, &one[..], none, 1)],
            vec![(&db, &[][..], &hid[..], 1)],
            vec![
                (&db, &two[..], none, 2),
                (&db, &[][..], &hid[..], 1),
                (&db, &one[..], &hid[..], 3),
            ],
        ] {
            let whole = to_string(&merge(
                parts
                    .iter()
                    .map(|(db, d, h, n)| document(db, d, *n).with_suppressed(db, h))
                    .collect(),
            ));
            assert_eq!(stream(parts.iter().copied()), whole);
        }
    }
}
