//! Renders diagnostics for people with miette: graphical on a terminal, narratable otherwise.

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, NarratableReportHandler,
    SourceSpan,
};
use paasc_diag::{Diagnostic, Label, Severity, SourceDb};
use std::fmt;

/// Which miette handler to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Box-drawing snippets, with colour.
    Graphical,
    /// Box-drawing snippets without colour.
    GraphicalNoColor,
    /// Plain sentences, for screen readers, pipes and `NO_COLOR`.
    Narratable,
}

struct Report {
    message: String,
    code: String,
    severity: Severity,
    help: Option<String>,
    url: String,
    source: NamedSource<String>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.url))
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
}

fn span(l: &Label) -> SourceSpan {
    SourceSpan::new((l.span.start as usize).into(), l.span.len() as usize)
}

fn labeled(l: &Label, primary: bool) -> LabeledSpan {
    let text = (!l.message.is_empty()).then(|| l.message.clone());
    if primary {
        LabeledSpan::new_primary_with_span(text, span(l))
    } else {
        LabeledSpan::new_with_span(text, span(l))
    }
}

fn report(db: &SourceDb, d: &Diagnostic) -> Report {
    let file = db.get(d.primary.file);
    let mut labels = vec![labeled(&d.primary, true)];
    let mut related = Vec::new();
    for l in &d.labels {
        if l.file == d.primary.file {
            labels.push(labeled(l, false));
        } else {
            let other = db.get(l.file);
            related.push(Report {
                message: l.message.clone(),
                code: d.code.0.to_string(),
                severity: Severity::Info,
                help: None,
                url: d.url(),
                source: NamedSource::new(other.path.clone(), visible(&other.text)),
                labels: vec![labeled(l, true)],
                related: Vec::new(),
            });
        }
    }
    related.extend(d.related.iter().map(|r| report(db, r)));
    Report {
        message: d.message.clone(),
        code: d.code.0.to_string(),
        severity: d.severity,
        help: d.help.clone(),
        url: d.url(),
        source: NamedSource::new(file.path.clone(), visible(&file.text)),
        labels,
        related,
    }
}

/// Renders one diagnostic.
pub fn render(db: &SourceDb, d: &Diagnostic, style: Style) -> String {
    let r = report(db, d);
    let mut out = String::new();
    let result = match style {
        Style::Narratable => NarratableReportHandler::new().render_report(&mut out, &r),
        Style::Graphical | Style::GraphicalNoColor => {
            let theme = if style == Style::Graphical {
                GraphicalTheme::unicode()
            } else {
                GraphicalTheme::unicode_nocolor()
            };
            GraphicalReportHandler::new_themed(theme)
                .with_links(false)
                .with_width(100)
                .render_report(&mut out, &r)
        }
    };
    if result.is_err() {
        out = format!("{}[{}]: {}\n", d.severity.as_str(), d.code.0, d.message);
    }
    out
}

/// Renders all diagnostics, separated by blank lines.
pub fn render_all(db: &SourceDb, diags: &[Diagnostic], style: Style) -> String {
    diags
        .iter()
        .map(|d| render(db, d, style))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The text with ASCII control characters (but tab and line breaks) shown as `?`, byte for byte,
/// so a hostile file cannot send terminal escape sequences through a snippet.
fn visible(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_control() && !matches!(c, '\t' | '\n' | '\r') {
                '?'
            } else {
                c
            }
        })
        .collect()
}
