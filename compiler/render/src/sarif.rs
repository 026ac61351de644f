//! SARIF 2.1.0 (`--format sarif`), for GitHub code scanning and other SARIF viewers: one run,
//! the whole code registry as its rules, one result per diagnostic. Columns are in UTF-16 code
//! units, SARIF's default column kind.

use paasc_diag::{Code, Diagnostic, Label, Severity, SourceDb};
use serde::Serialize;
use std::path::Path;

/// The SARIF log.
#[derive(Serialize)]
pub struct Log {
    /// The schema's URI.
    #[serde(rename = "$schema")]
    pub schema: &'static str,
    /// `2.1.0`.
    pub version: &'static str,
    /// One run.
    pub runs: Vec<Run>,
}

/// One run of paasc.
#[derive(Serialize)]
pub struct Run {
    /// paasc and its rules.
    pub tool: Tool,
    /// What was found.
    pub results: Vec<ResultItem>,
}

/// The tool.
#[derive(Serialize)]
pub struct Tool {
    /// paasc itself.
    pub driver: Driver,
}

/// The tool component that ran.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Driver {
    /// `paasc`.
    pub name: &'static str,
    /// paasc's version.
    pub version: &'static str,
    /// paasc's version, as semver.
    pub semantic_version: &'static str,
    /// Where paasc is documented.
    pub information_uri: &'static str,
    /// Every diagnostic code.
    pub rules: Vec<Rule>,
}

/// A message: plain text.
#[derive(Serialize)]
pub struct Message {
    /// The text, ending with a period.
    pub text: String,
}

/// A diagnostic code as a SARIF rule.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    /// The code, e.g. `S001`.
    pub id: &'static str,
    /// Its kebab-case name.
    pub name: &'static str,
    /// The one-line summary.
    pub short_description: Message,
    /// The explanation of `paasc explain`.
    pub full_description: Message,
    /// The documentation page.
    pub help_uri: String,
    /// The default level.
    pub default_configuration: Configuration,
}

/// A rule's default configuration.
#[derive(Serialize)]
pub struct Configuration {
    /// `error`, `warning` or `note`.
    pub level: &'static str,
}

/// One diagnostic.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultItem {
    /// The code.
    pub rule_id: &'static str,
    /// The code's index in the driver's rules.
    pub rule_index: usize,
    /// `error`, `warning` or `note`.
    pub level: &'static str,
    /// The message and its help.
    pub message: Message,
    /// The primary location.
    pub locations: Vec<SarifLocation>,
    /// Secondary labels and related diagnostics.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_locations: Vec<SarifLocation>,
    /// For a diagnostic rule control hid: what hid it (absent otherwise).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suppressions: Vec<Suppression>,
}

/// A SARIF suppression: a result that is reported but not to be acted on.
#[derive(Serialize)]
pub struct Suppression {
    /// `inSource` (a `# paasc: ignore[...]` comment) or `external` (configuration, flags).
    pub kind: &'static str,
    /// What hid it.
    pub justification: String,
}

/// A location.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifLocation {
    /// Its index among the result's related locations.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<usize>,
    /// File and region.
    pub physical_location: PhysicalLocation,
    /// What is there (related locations only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<Message>,
}

/// A file and a region of it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    /// The file.
    pub artifact_location: ArtifactLocation,
    /// The region.
    pub region: Region,
}

/// A file.
#[derive(Serialize)]
pub struct ArtifactLocation {
    /// Relative to the working directory when inside it, else a `file:` URI.
    pub uri: String,
}

/// A region: 1-based lines and UTF-16 columns, the end column exclusive.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    /// First line.
    pub start_line: u32,
    /// First column.
    pub start_column: u32,
    /// Last line.
    pub end_line: u32,
    /// Column after the last character.
    pub end_column: u32,
}

/// The SARIF level of a severity.
fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `text` as a sentence: trimmed, ending with a period unless it ends with `.`, `?` or `!`
/// (SARIF's messages are sentences).
fn sentence(text: &str) -> String {
    let t = text.trim_end();
    if t.ends_with(['.', '?', '!']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

/// `path` relative to `base` when it lies inside it, with `/` separators; `None` when outside.
pub fn relative(path: &str, base: &Path) -> Option<String> {
    let p = Path::new(path);
    let rel = if p.is_absolute() {
        p.strip_prefix(base).ok()?
    } else {
        p
    };
    let parts: Vec<String> = rel
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.iter().any(|c| c == "..") {
        return None;
    }
    Some(parts.join("/"))
}

/// The URI of `path`: relative to `base` when inside it, else an absolute `file:` URI; every
/// byte outside RFC 3986's unreserved set and `/` is percent-encoded.
pub fn uri(path: &str, base: &Path) -> String {
    let (prefix, text) = match relative(path, base) {
        Some(rel) => ("", rel),
        None => {
            let abs = base.join(path);
            ("file://", abs.to_string_lossy().replace('\\', "/"))
        }
    };
    format!("{prefix}{}", paasc_diag::uri_escape_path(&text))
}

fn physical(db: &SourceDb, l: &Label, base: &Path) -> PhysicalLocation {
    let f = db.get(l.file);
    let s = f.position(l.span.start);
    let e = f.position(l.span.end);
    PhysicalLocation {
        artifact_location: ArtifactLocation {
            uri: uri(&f.path, base),
        },
        region: Region {
            start_line: s.line0 + 1,
            start_column: s.utf16_col0 + 1,
            end_line: e.line0 + 1,
            end_column: e.utf16_col0 + 1,
        },
    }
}

fn result(db: &SourceDb, d: &Diagnostic, rules: &[Code], base: &Path) -> ResultItem {
    let mut text = sentence(&d.message);
    if let Some(help) = &d.help {
        text.push_str(&format!(" Help: {}", sentence(help)));
    }
    let mut related: Vec<SarifLocation> = Vec::new();
    let mut push = |l: &Label, message: &str| {
        related.push(SarifLocation {
            id: Some(related.len()),
            physical_location: physical(db, l, base),
            message: Some(Message {
                text: sentence(message),
            }),
        });
    };
    for l in &d.labels {
        push(l, &l.message);
    }
    for r in &d.related {
        push(&r.primary, &format!("{}: {}", r.code.as_str(), r.message));
        for l in &r.labels {
            push(l, &l.message);
        }
    }
    ResultItem {
        rule_id: d.code.as_str(),
        rule_index: rules
            .iter()
            .position(|c| c.as_str() == d.code.as_str())
            .unwrap_or_default(),
        level: level(d.severity),
        message: Message { text },
        locations: vec![SarifLocation {
            id: None,
            physical_location: physical(db, &d.primary, base),
            message: None,
        }],
        related_locations: related,
        suppressions: Vec::new(),
    }
}

/// One project for [`log`]: its sources, its diagnostics and those rule control hid.
pub type Project<'a> = (&'a SourceDb, &'a [Diagnostic], &'a [crate::Suppressed]);

/// The log of every project's diagnostics, then the suppressed ones (with `suppressions`), with
/// URIs relative to `base` (the working directory) and `rules` (the code registry) as the
/// driver's rules.
pub fn log(projects: &[Project], rules: &[Code], base: &Path) -> Log {
    Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: vec![Run {
            tool: Tool {
                driver: Driver {
                    name: "paasc",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: "https://paasc.dev/",
                    rules: rules
                        .iter()
                        .map(|c| c.info())
                        .map(|c| Rule {
                            id: c.code,
                            name: c.name,
                            short_description: Message {
                                text: sentence(c.summary),
                            },
                            full_description: Message {
                                text: sentence(c.explanation),
                            },
                            help_uri: Code(c).url(),
                            default_configuration: Configuration {
                                level: level(c.severity),
                            },
                        })
                        .collect(),
                },
            },
            results: projects
                .iter()
                .flat_map(|(db, diags, hidden)| {
                    let shown = diags.iter().map(|d| result(db, d, rules, base));
                    let hidden = hidden.iter().map(|s| ResultItem {
                        suppressions: vec![Suppression {
                            kind: if s.in_source { "inSource" } else { "external" },
                            justification: s.justification.clone(),
                        }],
                        ..result(db, &s.diagnostic, rules, base)
                    });
                    shown.chain(hidden)
                })
                .collect(),
        }],
    }
}

/// The log as pretty JSON with a final newline.
pub fn to_string(log: &Log) -> String {
    let mut s =
        serde_json::to_string_pretty(log).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_relative_inside_the_base_and_encoded() {
        let base = Path::new("/w");
        assert_eq!(uri("/w/a b/rockcraft.yaml", base), "a%20b/rockcraft.yaml");
        assert_eq!(uri("./x/charmcraft.yaml", base), "x/charmcraft.yaml");
        assert_eq!(uri("/elsewhere/r.yaml", base), "file:///elsewhere/r.yaml");
        assert_eq!(uri("../r.yaml", base), "file:///w/../r.yaml");
    }

    #[test]
    fn messages_are_sentences() {
        assert_eq!(sentence("did you mean `x`?"), "did you mean `x`?");
        assert_eq!(sentence("unknown key `x` "), "unknown key `x`.");
        assert_eq!(sentence("done."), "done.");
    }
}
