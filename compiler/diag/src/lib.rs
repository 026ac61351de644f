//! Diagnostics for paasc: spans, labels, severities, the source database and the registry of
//! stable codes with their long explanations.
//!
//! This crate knows nothing of YAML, JSON or terminals. Renderers live in the CLI.

mod codes;
mod source;

pub use codes::{Code, CodeInfo, ALL_CODES};
pub use source::{hide, lossy, FileId, Position, SourceDb, SourceFile};

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

/// The most diagnostics of one code a file reports; [`Cap`] counts the rest in one summary.
pub const MAX_PER_CODE: usize = 50;

/// Bounds the diagnostics of one file as they are created: the first [`MAX_PER_CODE`] of each
/// code are reported, then one summary diagnostic of that code counts the rest, so a hostile
/// file (100,000 unknown keys) costs what 51 diagnostics do.
#[derive(Debug, Default)]
pub struct Cap {
    /// Per code: how many were seen, and the summary's index in the file's list once there is one.
    codes: Vec<(&'static str, usize, Option<usize>)>,
}

impl Cap {
    /// Counts a diagnostic of `code` at `span` about to be pushed to `diags`; whether to push
    /// it. When not, the summary in `diags` (pushed at the first one over the cap) counts it.
    pub fn admit(
        &mut self,
        diags: &mut Vec<Diagnostic>,
        code: Code,
        file: FileId,
        span: Span,
    ) -> bool {
        let i = match self.codes.iter().position(|(c, ..)| *c == code.0.code) {
            Some(i) => i,
            None => {
                self.codes.push((code.0.code, 0, None));
                self.codes.len() - 1
            }
        };
        let entry = &mut self.codes[i];
        entry.1 += 1;
        if entry.1 <= MAX_PER_CODE {
            return true;
        }
        let message = format!(
            "and {} more {} ({}) in this file, not reported",
            entry.1 - MAX_PER_CODE,
            code.0.code,
            code.0.name
        );
        match entry.2.and_then(|at| diags.get_mut(at)) {
            Some(summary) => summary.message = message,
            None => {
                entry.2 = Some(diags.len());
                diags.push(
                    Diagnostic::new(code, file, span, message)
                        .label("the first not reported")
                        .help(format!(
                            "a file reports at most {MAX_PER_CODE} diagnostics of each code; fix these and run again"
                        )),
                );
            }
        }
        false
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

/// "Did you mean" candidates: the closest of `candidates` to `word`, if close enough (see
/// [`Suggestions`]; this one-off lookup compares every candidate).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let w = normalize(word);
    let mut norm = Vec::new();
    let mut best: Option<(f64, &'a str)> = None;
    for c in candidates {
        if !near_in_length(w.len(), c) {
            continue;
        }
        norm.clear();
        norm.extend(normalized(c));
        if let Some(score) = similarity(&w, &norm) {
            if best.is_none_or(|(b, _)| score >= b) {
                best = Some((score, c));
            }
        }
    }
    best.map(|(_, c)| c)
}

/// Whether a candidate's length allows a similarity of 0.7 with a word of `len` characters.
fn near_in_length(len: usize, candidate: &str) -> bool {
    if candidate.is_ascii() {
        let n = candidate.len();
        return n.abs_diff(len) <= bound(n.max(len));
    }
    let n = candidate.chars().count();
    n.abs_diff(len) <= bound(n.max(len))
}

/// The most edits a similarity of 0.7 allows between strings of which the longer has `longest`
/// characters (one more, to stay clear of rounding: the score decides).
fn bound(longest: usize) -> usize {
    longest * 3 / 10 + 1
}

/// How many candidates a lookup compares at most: all of them up to this many; beyond, the
/// nearest in spelling order (forwards and backwards), so a lookup costs the same whatever the
/// size of the set.
pub const SUGGESTION_CANDIDATES: usize = 128;

/// Candidates for "did you mean", made once and looked up many times. A candidate is close
/// enough when its normalized Levenshtein similarity to the word (case and `_`/`-` ignored) is
/// at least 0.7; the closest wins, the last one written on a tie. Sets of up to
/// [`SUGGESTION_CANDIDATES`] are searched whole; larger ones through two sorted indexes, so
/// 10,000 typos against 50,000 names stay linear (a typo that changes both the start and the
/// end of a long name may then go without a suggestion).
pub struct Suggestions<'a> {
    candidates: Vec<&'a str>,
    norms: Vec<Vec<char>>,
    /// Candidate indexes by normalized spelling, and by its reverse (only for large sets).
    forward: Vec<u32>,
    backward: Vec<u32>,
}

fn normalized(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().map(|c| {
        if c == '_' {
            '-'
        } else {
            c.to_ascii_lowercase()
        }
    })
}

fn normalize(s: &str) -> Vec<char> {
    normalized(s).collect()
}

/// The Levenshtein distance of `a` and `b` (in characters), if it is at most `k`.
fn distance_within(a: &[char], b: &[char], k: usize) -> Option<usize> {
    let (a, b) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if b.len() - a.len() > k {
        return None;
    }
    // Two rows of the table; on the stack for the short words suggestions are about.
    let (mut heap_prev, mut heap_cur);
    let (mut stack_prev, mut stack_cur) = ([0usize; 48], [0usize; 48]);
    let (prev, cur): (&mut [usize], &mut [usize]) = if a.len() < 48 {
        (&mut stack_prev[..=a.len()], &mut stack_cur[..=a.len()])
    } else {
        heap_prev = vec![0; a.len() + 1];
        heap_cur = vec![0; a.len() + 1];
        (&mut heap_prev, &mut heap_cur)
    };
    let (mut prev, mut cur) = (prev, cur);
    for (i, p) in prev.iter_mut().enumerate() {
        *p = i;
    }
    for (j, cb) in b.iter().enumerate() {
        cur[0] = j + 1;
        let mut row_min = cur[0];
        for (i, ca) in a.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[i + 1] = (prev[i] + cost).min(prev[i + 1] + 1).min(cur[i] + 1);
            row_min = row_min.min(cur[i + 1]);
        }
        if row_min > k {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[a.len()];
    (d <= k).then_some(d)
}

/// The normalized Levenshtein similarity of `a` and `b` when it is at least 0.7.
fn similarity(a: &[char], b: &[char]) -> Option<f64> {
    let longest = a.len().max(b.len());
    if longest == 0 {
        return Some(1.0);
    }
    let d = distance_within(a, b, bound(longest))?;
    let score = 1.0 - d as f64 / longest as f64;
    (score >= 0.7).then_some(score)
}

impl<'a> Suggestions<'a> {
    /// The candidates, in the order they are written.
    pub fn new(candidates: impl IntoIterator<Item = &'a str>) -> Suggestions<'a> {
        let candidates: Vec<&'a str> = candidates.into_iter().collect();
        let norms: Vec<Vec<char>> = candidates.iter().map(|c| normalize(c)).collect();
        let (mut forward, mut backward) = (Vec::new(), Vec::new());
        if candidates.len() > SUGGESTION_CANDIDATES {
            forward = (0..norms.len() as u32).collect();
            forward.sort_by(|&x, &y| norms[x as usize].cmp(&norms[y as usize]));
            backward = forward.clone();
            backward.sort_by(|&x, &y| {
                let (x, y) = (&norms[x as usize], &norms[y as usize]);
                x.iter().rev().cmp(y.iter().rev())
            });
        }
        Suggestions {
            candidates,
            norms,
            forward,
            backward,
        }
    }

    /// The closest candidate to `word`, if close enough.
    pub fn closest(&self, word: &str) -> Option<&'a str> {
        let w = normalize(word);
        let mut picked: Vec<u32> = Vec::new();
        if self.forward.is_empty() {
            picked.extend(0..self.candidates.len() as u32);
        } else {
            let half = SUGGESTION_CANDIDATES / 4;
            let at = self
                .forward
                .partition_point(|&i| self.norms[i as usize] < w);
            picked.extend(
                &self.forward[at.saturating_sub(half)..(at + half).min(self.forward.len())],
            );
            let rev: Vec<char> = w.iter().rev().copied().collect();
            let at = self
                .backward
                .partition_point(|&i| self.norms[i as usize].iter().rev().lt(rev.iter()));
            picked.extend(
                &self.backward[at.saturating_sub(half)..(at + half).min(self.backward.len())],
            );
            picked.sort_unstable();
            picked.dedup();
        }
        let mut best: Option<(f64, u32)> = None;
        for i in picked {
            if let Some(score) = similarity(&w, &self.norms[i as usize]) {
                if best.is_none_or(|(b, _)| score >= b) {
                    best = Some((score, i));
                }
            }
        }
        best.map(|(_, i)| self.candidates[i as usize])
    }
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
    fn cap_reports_the_first_of_each_code_then_one_summary() {
        let mut cap = Cap::default();
        let mut diags = Vec::new();
        for i in 0..1_000u32 {
            for code in [Code::UNKNOWN_KEY, Code::DUPLICATE_KEY] {
                let span = Span::new(i as usize, i as usize + 1);
                if cap.admit(&mut diags, code, FileId(0), span) {
                    diags.push(Diagnostic::new(code, FileId(0), span, "x"));
                }
            }
        }
        assert_eq!(diags.len(), 2 * (MAX_PER_CODE + 1));
        let summaries: Vec<&Diagnostic> = diags.iter().filter(|d| d.message != "x").collect();
        assert_eq!(summaries.len(), 2);
        assert_eq!(
            summaries[0].message,
            "and 950 more S001 (unknown-key) in this file, not reported"
        );
        assert_eq!(summaries[0].primary.span, Span::new(50, 51));
        assert_eq!(summaries[1].code.0.code, "Y003");
    }

    #[test]
    fn closest_finds_typos_and_separator_mixups() {
        let keys = ["summary", "description", "platforms", "run-user"];
        assert_eq!(closest("sumary", keys), Some("summary"));
        assert_eq!(closest("run_user", keys), Some("run-user"));
        assert_eq!(closest("zzz", keys), None);
    }

    /// strsim 0.11.1's `normalized_levenshtein` with paasc's normalization, the reference the
    /// bounded search must agree with.
    fn reference<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
        fn lev(a: &[char], b: &[char]) -> usize {
            let mut prev: Vec<usize> = (0..=b.len()).collect();
            for (i, ca) in a.iter().enumerate() {
                let mut cur = vec![i + 1; b.len() + 1];
                for (j, cb) in b.iter().enumerate() {
                    cur[j + 1] = (prev[j] + usize::from(ca != cb))
                        .min(prev[j + 1] + 1)
                        .min(cur[j] + 1);
                }
                prev = cur;
            }
            prev[b.len()]
        }
        let w = normalize(word);
        candidates
            .iter()
            .map(|c| {
                let n = normalize(c);
                let m = w.len().max(n.len());
                let score = if m == 0 {
                    1.0
                } else {
                    1.0 - lev(&w, &n) as f64 / m as f64
                };
                (score, *c)
            })
            .filter(|(score, _)| *score >= 0.7)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, c)| c)
    }

    #[test]
    fn bounded_search_agrees_with_the_full_one_on_small_sets() {
        let words = [
            "",
            "a",
            "ab",
            "abc",
            "summary",
            "sumary",
            "smmary",
            "Run_User",
            "run-usr",
            "platform",
            "platfroms",
            "flask-env",
            "flsk-env",
            "é-ü",
            "e-u",
            "build-on",
            "build_for",
            "xyzxyzxyz",
        ];
        for w in words {
            assert_eq!(closest(w, words), reference(w, &words), "{w}");
            let without: Vec<&str> = words.iter().copied().filter(|c| *c != w).collect();
            assert_eq!(
                closest(w, without.iter().copied()),
                reference(w, &without),
                "{w}"
            );
        }
    }

    #[test]
    fn large_sets_find_typos_at_either_end() {
        let names: Vec<String> = (0..50_000).map(|i| format!("option-{i}")).collect();
        let s = Suggestions::new(names.iter().map(String::as_str));
        assert_eq!(s.closest("option-12345x"), Some("option-12345"));
        assert_eq!(s.closest("xoption-31337"), Some("option-31337"));
        assert_eq!(s.closest("OPTION_4242"), Some("option-4242"));
        assert_eq!(s.closest("zzzzzzzz"), None);
    }
}
