//! Renders diagnostics for people with miette: graphical on a terminal, narratable otherwise.
//!
//! Everything quoted from the input (messages, labels, help, file names, snippets) is shown with
//! its control characters escaped (`\u{1b}`), so no input can send a terminal an escape
//! sequence. Each file is prepared once per report (escaped, with its line starts), and miette
//! reads snippets through that index, so rendering is linear in the number of diagnostics. At
//! most [`MAX_PER_FILE`] diagnostics of each file are shown; a line counts the rest.

use foldhash::{HashMap, HashMapExt as _};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    NarratableReportHandler, SourceCode, SourceSpan, SpanContents,
};
use paasc_diag::{Diagnostic, FileId, Label, Severity, SourceDb};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::sync::Arc;

/// The most diagnostics the human report shows per file (by primary location); `--format json`
/// lists every one.
pub const MAX_PER_FILE: usize = 100;

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

/// `text` with every control character but line feed and tab (and a carriage return before a
/// line feed) written as `\u{..}`: C0, DEL and C1. `breaks` false escapes those too.
pub fn terminal_safe(text: &str, breaks: bool) -> Cow<'_, str> {
    // Every control character is a byte below 0x20, DEL, or a C1 control (0xC2, then 0x80 to
    // 0x9F): text without those bytes, but for kept breaks, is returned as it is, unscanned.
    // Without short-circuits, so that each chunk is tested in a few vector instructions.
    let control = |b: u8| {
        ((b < 0x20) & !(breaks & ((b == b'\n') | (b == b'\t')))) | (b == 0x7f) | (b == 0xc2)
    };
    if !text
        .as_bytes()
        .chunks(32)
        .any(|chunk| chunk.iter().fold(false, |found, &b| found | control(b)))
    {
        return Cow::Borrowed(text);
    }
    let mut shifts = Vec::new();
    let escaped = escape(text, breaks, &mut shifts);
    if shifts.is_empty() {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(escaped)
    }
}

/// Escapes as [`terminal_safe`] does, recording for each escaped character its offset in `text`
/// and the bytes added so far, after it.
fn escape(text: &str, breaks: bool, shifts: &mut Vec<(usize, usize)>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut added = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let kept = !c.is_control()
            || (breaks
                && (c == '\n'
                    || c == '\t'
                    || (c == '\r' && matches!(chars.peek(), Some((_, '\n'))))));
        if kept {
            out.push(c);
            continue;
        }
        let before = out.len();
        let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        added += out.len() - before - c.len_utf8();
        shifts.push((i, added));
    }
    out
}

/// One file as the report shows it: escaped, with its line starts.
struct Prepared {
    name: String,
    text: String,
    /// Offset of each line's first byte.
    lines: Vec<usize>,
    /// (offset in the original text of an escaped character, bytes added up to and with it).
    shifts: Vec<(usize, usize)>,
}

impl Prepared {
    fn new(path: &str, text: &str) -> Prepared {
        let mut shifts = Vec::new();
        let text = escape(text, true, &mut shifts);
        let lines = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Prepared {
            name: terminal_safe(path, false).into_owned(),
            text,
            lines,
            shifts,
        }
    }

    /// Where the original byte `offset` is in the escaped text.
    fn map(&self, offset: usize) -> usize {
        let n = self.shifts.partition_point(|&(at, _)| at < offset);
        offset + n.checked_sub(1).map_or(0, |i| self.shifts[i].1)
    }

    fn span(&self, l: &Label) -> SourceSpan {
        let start = self.map(l.span.start as usize).min(self.text.len());
        let end = self.map(l.span.end as usize).clamp(start, self.text.len());
        SourceSpan::new(start.into(), end - start)
    }

    /// The line holding byte `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.lines
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }
}

/// A prepared file as miette reads it: only the lines around a span are scanned.
#[derive(Clone)]
struct Source(Arc<Prepared>);

impl SourceCode for Source {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let file = &self.0;
        let (start, end) = (span.offset(), span.offset() + span.len());
        if end > file.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let first = file.line_of(start).saturating_sub(before);
        let last = file.line_of(end.saturating_sub(1).max(start)) + after + 2;
        let from = file.lines[first];
        let to = file.lines.get(last).copied().unwrap_or(file.text.len());
        let window = &file.text.as_bytes()[from..to];
        let inner = SourceSpan::new((start - from).into(), span.len());
        let c = <[u8] as SourceCode>::read_span(window, &inner, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            file.name.clone(),
            c.data(),
            SourceSpan::new((c.span().offset() + from).into(), c.span().len()),
            c.line() + first,
            c.column(),
            c.line_count() + first,
        )))
    }
}

struct Report {
    message: String,
    code: String,
    severity: Severity,
    help: Option<String>,
    url: String,
    source: Source,
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
    fn source_code(&self) -> Option<&dyn SourceCode> {
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

/// The prepared files of one rendering, made on first use.
struct Files<'a> {
    db: &'a SourceDb,
    prepared: HashMap<FileId, Arc<Prepared>>,
}

impl Files<'_> {
    fn get(&mut self, id: FileId) -> Arc<Prepared> {
        let db = self.db;
        self.prepared
            .entry(id)
            .or_insert_with(|| {
                let f = db.get(id);
                Arc::new(Prepared::new(&f.path, &f.text))
            })
            .clone()
    }
}

fn text(s: &str) -> String {
    terminal_safe(s, true).into_owned()
}

fn labeled(file: &Prepared, l: &Label, primary: bool) -> LabeledSpan {
    let message = (!l.message.is_empty()).then(|| text(&l.message));
    if primary {
        LabeledSpan::new_primary_with_span(message, file.span(l))
    } else {
        LabeledSpan::new_with_span(message, file.span(l))
    }
}

fn report(files: &mut Files, d: &Diagnostic) -> Report {
    let file = files.get(d.primary.file);
    let mut labels = vec![labeled(&file, &d.primary, true)];
    let mut related = Vec::new();
    for l in &d.labels {
        if l.file == d.primary.file {
            labels.push(labeled(&file, l, false));
        } else {
            let other = files.get(l.file);
            related.push(Report {
                message: text(&l.message),
                code: d.code.0.to_string(),
                severity: Severity::Info,
                help: None,
                url: d.url(),
                labels: vec![labeled(&other, l, true)],
                source: Source(other),
                related: Vec::new(),
            });
        }
    }
    related.extend(d.related.iter().map(|r| report(files, r)));
    Report {
        message: text(&d.message),
        code: d.code.0.to_string(),
        severity: d.severity,
        help: d.help.as_deref().map(text),
        url: d.url(),
        source: Source(file),
        labels,
        related,
    }
}

/// Renders diagnostics of one source database, each file prepared once.
pub struct Renderer<'a> {
    files: Files<'a>,
    style: Style,
}

impl<'a> Renderer<'a> {
    /// A renderer for diagnostics about the files of `db`.
    pub fn new(db: &'a SourceDb, style: Style) -> Renderer<'a> {
        Renderer {
            files: Files {
                db,
                prepared: HashMap::new(),
            },
            style,
        }
    }

    /// Renders one diagnostic.
    pub fn render(&mut self, d: &Diagnostic) -> String {
        let r = report(&mut self.files, d);
        let mut out = String::new();
        let result = match self.style {
            Style::Narratable => NarratableReportHandler::new().render_report(&mut out, &r),
            Style::Graphical | Style::GraphicalNoColor => {
                let theme = if self.style == Style::Graphical {
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
            out = format!("{}[{}]: {}\n", d.severity.as_str(), d.code.0, r.message);
        }
        out
    }
}

/// Renders the diagnostics, separated by blank lines: the first [`MAX_PER_FILE`] of each file,
/// then a line per file counting those not shown.
pub fn render_all(db: &SourceDb, diags: &[Diagnostic], style: Style) -> String {
    let mut renderer = Renderer::new(db, style);
    let mut shown: HashMap<FileId, usize> = HashMap::new();
    let mut hidden: BTreeMap<FileId, usize> = BTreeMap::new();
    let mut out = String::new();
    for d in diags {
        let n = shown.entry(d.primary.file).or_default();
        if *n == MAX_PER_FILE {
            *hidden.entry(d.primary.file).or_default() += 1;
            continue;
        }
        *n += 1;
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&renderer.render(d));
    }
    for (file, n) in hidden {
        let _ = writeln!(
            out,
            "\n{n} more diagnostic{} in {} not shown: the first {MAX_PER_FILE} of each file are; `--format json` lists every one",
            if n == 1 { "" } else { "s" },
            terminal_safe(&db.get(file).path, false)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use paasc_diag::{Code, Span};

    #[test]
    fn escapes_controls_but_keeps_line_breaks_and_tabs() {
        assert_eq!(
            terminal_safe("a\u{1b}]0;x\u{7}b\tc\nd\r\ne\rf\u{7f}\u{9b}", true),
            "a\\u{1b}]0;x\\u{7}b\tc\nd\r\ne\\u{d}f\\u{7f}\\u{9b}"
        );
        assert_eq!(terminal_safe("a\nb\tc", false), "a\\u{a}b\\u{9}c");
        assert!(matches!(terminal_safe("plain é", true), Cow::Borrowed(_)));
        // Kept breaks, a carriage return before a line feed, and characters whose encoding
        // starts with 0xC2 without being controls leave the text as it is; C1 controls do not.
        assert!(matches!(
            terminal_safe("a\nb\tc\r\nd \u{a0}\u{bf}", true),
            Cow::Borrowed(_)
        ));
        assert_eq!(
            terminal_safe("\u{80}\u{9f}\u{a0}", true),
            "\\u{80}\\u{9f}\u{a0}"
        );
        assert_eq!(terminal_safe("x\r", true), "x\\u{d}");
    }

    #[test]
    fn spans_move_with_the_escapes() {
        let p = Prepared::new("f", "a\u{1b}b\ncd");
        assert_eq!(p.text, "a\\u{1b}b\ncd");
        assert_eq!(p.map(0), 0);
        assert_eq!(p.map(1), 1);
        assert_eq!(p.map(2), 7);
        assert_eq!(p.map(4), 9);
        assert_eq!(p.line_of(p.map(4)), 1);
    }

    #[test]
    fn snippets_show_escapes_and_keep_their_lines() {
        let mut db = SourceDb::new();
        let f = db.add("x\u{1b}[2J.yaml", "a: 1\n\"\u{1b}]0;PWN\u{7}\": 2\nc: 3\n");
        let d = Diagnostic::new(
            Code::UNKNOWN_KEY,
            f,
            Span::new(5, 15),
            "key `\u{1b}]0;PWN\u{7}`",
        )
        .label("here \u{9b}")
        .help("rename \u{1b}");
        for style in [Style::Narratable, Style::GraphicalNoColor, Style::Graphical] {
            let out = Renderer::new(&db, style).render(&d);
            let bare = out.replace("\u{1b}[", "");
            assert!(
                !bare.contains(['\u{1b}', '\u{7}', '\u{9b}']),
                "{style:?}: {out:?}"
            );
            assert!(out.contains("\\u{1b}]0;PWN\\u{7}"), "{style:?}: {out}");
            assert!(out.contains("x\\u{1b}[2J.yaml"), "{style:?}: {out}");
            assert!(out.contains("c: 3"), "{style:?}: {out}");
        }
    }

    #[test]
    fn the_report_shows_the_first_of_each_file_and_counts_the_rest() {
        let mut db = SourceDb::new();
        let text: String = (0..MAX_PER_FILE + 5)
            .map(|i| format!("k{i}: 1\n"))
            .collect();
        let f = db.add("big.yaml", text.as_str());
        let g = db.add("small.yaml", "a: 1\n");
        let mut diags: Vec<Diagnostic> = (0..MAX_PER_FILE + 5)
            .map(|i| {
                let at = text.find(&format!("k{i}:")).unwrap_or(0);
                Diagnostic::new(
                    Code::UNKNOWN_KEY,
                    f,
                    Span::new(at, at + 2),
                    format!("key {i}"),
                )
            })
            .collect();
        diags.push(Diagnostic::new(
            Code::UNKNOWN_KEY,
            g,
            Span::new(0, 1),
            "key a",
        ));
        let out = render_all(&db, &diags, Style::Narratable);
        assert!(out.contains(&format!("key {}\n", MAX_PER_FILE - 1)));
        assert!(!out.contains(&format!("key {}\n", MAX_PER_FILE)));
        assert!(out.contains("key a\n"));
        assert!(out.ends_with("\n5 more diagnostics in big.yaml not shown: the first 100 of each file are; `--format json` lists every one\n"), "{out}");
    }
}
