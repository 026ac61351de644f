//! The fast pass against the reference one on real, mutated and generated texts: every result
//! (context, problem and every mark) must be the same.

use super::{check, reference, Event, Mark, MarkedError, Parser, Sink, Stop};
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// A seeded generator: the same cases on every run.
pub(crate) type Rng = fastrand::Rng;

/// One of `items` (never empty here).
pub(crate) fn pick<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    items[rng.usize(..items.len())]
}

/// Counts of the texts compared, and of those refused.
#[derive(Default)]
struct Tally {
    texts: usize,
    refused: usize,
}

impl Tally {
    fn same(&mut self, text: &str) {
        for depth in [128, 3] {
            let fast = check(text, depth);
            let slow = reference::check(text, depth);
            assert_eq!(fast, slow, "max_depth {depth}, text {text:?}");
            if depth == 128 {
                self.texts += 1;
                self.refused += usize::from(fast.is_some());
            }
        }
    }
}

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !(name.starts_with("target") || name == ".git") {
                yaml_files(&path, out);
            }
        } else if name.ends_with(".yaml") || name.ends_with(".yml") {
            out.push(path);
        }
    }
}

/// Every distinct YAML text of the repository and, when it is beside the clone, of the shared
/// conformance corpus.
pub(crate) fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut paths = Vec::new();
    yaml_files(&root, &mut paths);
    yaml_files(&root.join("../shared/conformance"), &mut paths);
    let mut seen = HashSet::new();
    paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter(|t| seen.insert(t.clone()))
        .collect()
}

const PIECES: &[&str] = &[
    ":",
    "-",
    "?",
    "[",
    "]",
    "{",
    "}",
    ",",
    "#",
    "&",
    "*",
    "!",
    "|",
    ">",
    "'",
    "\"",
    "%",
    "@",
    "`",
    "\\",
    "\t",
    " ",
    "  ",
    "\n",
    "\r",
    "\r\n",
    "\u{feff}",
    "é",
    "中",
    "\u{85}",
    "\u{2028}",
    "\u{2029}",
    "\0",
    "- ",
    ": ",
    "? ",
    "---\n",
    "...\n",
    "--- ",
    "&a ",
    "*a",
    "!!str ",
    "!<x>",
    "!h!x ",
    "%YAML 1.1\n",
    "%TAG !h! x\n",
    "\\x4",
    "\\u12",
    "\\U0011FFFF",
    "%2",
    "%C3",
    "0",
    "a",
    "#c",
    "|2\n",
    ">-\n",
    "'a''b'",
];

pub(crate) fn boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

pub(crate) fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut t = text.to_string();
    for _ in 0..1 + rng.usize(..3) {
        let at = boundary(&t, rng.usize(..t.len() + 1));
        let piece = pick(rng, PIECES);
        match rng.usize(..3) {
            0 => t.insert_str(at, piece),
            1 | 2 => {
                let len = t[at..].chars().next().map_or(0, char::len_utf8);
                let with = if rng.usize(..2) == 0 { "" } else { piece };
                t.replace_range(at..at + len, with);
            }
            _ => unreachable!(),
        }
    }
    t
}

/// `f` of each text of the [`corpus`] and of twelve mutants of its first 6,000 bytes, drawn
/// from `seed`.
pub(crate) fn corpus_and_mutants(seed: u64, mut f: impl FnMut(&str)) {
    let texts = corpus();
    assert!(texts.len() > 100, "only {} texts found", texts.len());
    let mut rng = Rng::with_seed(seed);
    for text in &texts {
        f(text);
        let head = &text[..boundary(text, text.len().min(6000))];
        for _ in 0..12 {
            f(&mutate(&mut rng, head));
        }
    }
}

#[test]
fn the_corpus_and_its_mutants_give_the_same_results() {
    let mut tally = Tally::default();
    corpus_and_mutants(0x9E37_79B9_7F4A_7C15, |text| tally.same(text));
    assert!(
        tally.refused > tally.texts / 10,
        "{} refused",
        tally.refused
    );
}

pub(crate) const FRAGMENTS: &[&str] = &[
    "a",
    "key",
    "é",
    "中",
    "x y",
    "key: ",
    "- ",
    "? ",
    ": ",
    ":",
    "[",
    "]",
    "{",
    "}",
    ", ",
    ",",
    "&x ",
    "&y ",
    "*x",
    "*y",
    " *x ",
    "!t ",
    "!!str ",
    "!h!t ",
    "!<tag:x> ",
    "! ",
    "'q'",
    "'it''s'",
    "\"d\\n\"",
    "\"\\x41\\u00e9\"",
    "\"a\n  b\"",
    "|\n",
    ">-\n",
    "|2\n",
    "|+\n",
    "#c",
    " #c",
    "\n",
    "\n",
    "\n  ",
    "\n    ",
    "\n- ",
    "\r\n",
    "---",
    "--- ",
    "...",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "%YAML 1.2\n",
    "%YAML 2.0\n",
    "%TAG !h! tag:x,\n",
    "%FOO bar\n",
    "\t",
    " ",
    "\u{feff}",
    "\u{85}",
    "\u{2028}",
    "?x",
    "-x",
    ":x",
    "a:b",
    "a #b",
    "@",
    "`",
];

#[test]
fn generated_texts_give_the_same_results() {
    let mut tally = Tally::default();
    let mut rng = Rng::with_seed(0x0123_4567_89AB_CDEF);
    for _ in 0..30_000 {
        let mut t = String::new();
        for _ in 0..1 + rng.usize(..24) {
            t.push_str(pick(&mut rng, FRAGMENTS));
        }
        tally.same(&t);
    }
    let long = "x".repeat(1100);
    for text in [
        format!("{long}: 1\n"),
        format!("a: {long}\n"),
        format!("[{long}: 1]\n"),
        format!("? {long}\n: 1\n"),
        format!("{}x{}", "[".repeat(10), "]".repeat(9)),
        format!("{}x{}", "{a: ".repeat(10), "}".repeat(10)),
        "- ".repeat(10),
        format!("[{}]\n", "a, ".repeat(2000)),
        format!("{{{}}}\n", "a: b, ".repeat(1000)),
        format!("- [{}]\n", "[a], ".repeat(600)),
        format!("{}: x\n", "[a], ".repeat(600)),
        (0..10)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect(),
        (0..10)
            .map(|i| format!("{}- &a{i} x\n", " ".repeat(i)))
            .collect(),
        "&a a: *a\n&b b: [*a, *b]\n".into(),
        "%YAML 1.1\n%YAML 1.1\n---\n".into(),
        "%TAG !a! x\n%TAG !a! y\n---\n".into(),
        "a: 1\n--- \nb: 2\n".into(),
        "\u{feff}\u{feff}a: 1\n".into(),
    ] {
        tally.same(&text);
    }
    assert!(tally.refused > 1000 && tally.texts - tally.refused > 1000);
}

#[test]
fn every_mark_field_is_compared() {
    let e: Option<MarkedError> = check("é: [1\n", 128);
    assert_eq!(e, reference::check("é: [1\n", 128));
    let e = e.expect("refused");
    assert_eq!((e.problem_mark.index, e.problem_mark.byte), (6, 7), "{e:?}");
}

/// What the parser gives for `text` and where it leaves the scanner.
#[derive(Debug, PartialEq)]
struct Loading<'a> {
    events: Vec<Event<'a>>,
    error: Option<MarkedError>,
    gave_up: bool,
    unusual: bool,
    /// The scanner's position and how many tokens it gave out, unless the parser gave up in
    /// the middle of a line read at once.
    scanner: Option<(Mark, usize)>,
}

/// [`Loading`] of `text`, and how many lines were read at once (none without `entry_lines`).
fn load_events(text: &str, max_depth: usize, entry_lines: bool) -> (Loading<'_>, usize) {
    let mut p = Parser::new(text, max_depth);
    p.entry_lines = entry_lines;
    let mut events = Vec::new();
    let stop = p.run(&mut events);
    let gave_up = matches!(stop, Err(Stop::GiveUp));
    let loading = Loading {
        events,
        error: match stop {
            Err(Stop::Error(e)) => Some(*e),
            _ => None,
        },
        gave_up,
        unusual: p.unusual,
        scanner: (!gave_up).then_some((p.scanner.at, p.scanner.tokens_taken)),
    };
    (loading, p.lines_at_once)
}

impl<'a> Sink<'a> for Vec<Event<'a>> {
    fn event(&mut self, ev: Event<'a>) {
        self.push(ev);
    }
}

/// Lines read at once against the same lines read token by token.
#[derive(Default)]
struct Lines {
    texts: usize,
    lines_at_once: usize,
}

impl Lines {
    fn same(&mut self, text: &str) {
        for depth in [128, 3] {
            let (got, lines) = load_events(text, depth, true);
            let (want, none) = load_events(text, depth, false);
            assert_eq!(got, want, "max_depth {depth}, text {text:?}");
            assert_eq!(none, 0);
            self.texts += 1;
            self.lines_at_once += lines;
        }
    }
}

/// Lines of block mappings as generated files have them, and lines that nearly are.
const ENTRY_LINES: &[&str] = &[
    "k: v\n",
    "key: value\n",
    "opt-1: 1\n",
    "a_b.c/d-e: x y  z\n",
    "_k: v\n",
    "0: 1\n",
    "k: v  \n",
    "k: \"value 0\"\n",
    "k: 'v'\n",
    "k: \"\"\n",
    "k: ''\n",
    "k: \"a'b\"\n",
    "k: 'a\"b\\c'\n",
    "k:\n",
    "k: \n",
    "k:  \n",
    "k: # c\n",
    "k:#c\n",
    "k:\t\n",
    "k:\r\n",
    "k: \r\n",
    "k:",
    "k: ",
    "k: [a]\n",
    "k: \"a\" \"b\"\n",
    "k:v\n",
    "k :v\n",
    "k : v\n",
    "k: v #c\n",
    "k: v#c\n",
    "k: a: b\n",
    "k: a:b\n",
    "k: v\n   more\n",
    "k: v\n\n  # c\n",
    "k: v\n  # c\n",
    "k: v\n---\n",
    "k: v\n...\n",
    "k: v\n--- x\n",
    "k: \"a\\n\"\n",
    "k: 'it''s'\n",
    "k: 'it'\n",
    "k: \"v\" x\n",
    "k: \"v\": x\n",
    "k: \"v\n",
    "k:\tv\n",
    "k: \tv\n",
    "k: v\t\n",
    "k: v\r\n",
    "k: v\r",
    "é: v\n",
    "k: é\n",
    "k: vé\n",
    "k: v\u{85}",
    "k: v\n\u{2028}",
    "k: v\n  \u{2028}",
    "k: v\n \t",
    "k: v\0",
    "k: -v\n",
    "k: [v]\n",
    "k: {a: b}\n",
    "k: &a v\n",
    "k: *a\n",
    "k: !t v\n",
    "k: |\n  x\n",
    "k: >\n  x\n",
    "- k: v\n",
    "- ",
    "? k\n",
    ": v\n",
    "k",
    "k: v",
    "k: v  ",
    "k: 'v'",
    "#c\n",
    "\n",
    "  \n",
    "\t\n",
];

/// Indentations to put before a line.
const INDENTS: &[&str] = &["", "", "  ", "  ", "    ", "      ", " ", "   "];

#[test]
fn lines_read_at_once_give_the_same_events() {
    let mut lines = Lines::default();
    corpus_and_mutants(0x2F6B_1D3C_9A48_E571, |text| lines.same(text));
    let mut rng = Rng::with_seed(0x7A3C_55E1_0B9D_24F6);
    for _ in 0..20_000 {
        let mut t = String::new();
        for _ in 0..1 + rng.usize(..24) {
            t.push_str(pick(&mut rng, FRAGMENTS));
        }
        lines.same(&t);
    }
    for _ in 0..40_000 {
        let mut t = String::new();
        for _ in 0..1 + rng.usize(..12) {
            t.push_str(pick(&mut rng, INDENTS));
            t.push_str(pick(&mut rng, ENTRY_LINES));
        }
        lines.same(&t);
        lines.same(&mutate(&mut rng, &t));
    }
    let long = |n: usize| "k".repeat(n);
    for text in [
        format!("{}: v\n", long(1000)),
        format!("{}: v\n", long(1001)),
        format!("{}: v\n", long(1025)),
        format!("a: 1\n{}: v\n", long(1000)),
        format!("a: 1\n{}: v\n", long(1025)),
        format!("a:\n  {}: v\n", long(1025)),
        format!("a: 1\nb: {}\n", long(2000)),
        "a:\n  b:\n    c: 1\n    d: 2\ne: 3\n".into(),
        "a:\n  b:\n    c:\n      d: 1\nf: 2\n".into(),
        "a:\n  b:\n    c:\n      d: 1\n  e: 2\n".into(),
        "a:\n      b: 1\n      c: 2\n".into(),
        "a:\n  b: 1\n c: 2\n".into(),
        "a:\n  b: 1\n   c: 2\n".into(),
        "a:\n\n  # c\n\n  b: 1\n  c: 2\n".into(),
        "a: 1\nb: 2".into(),
        "a: 1\r\nb: 2\r\n".into(),
        "- a: 1\n  b: 2\n- c:\n    d: 3\n".into(),
        "a:\n- b\nc: 1\n".into(),
        "a: [1]\nb: 2\n".into(),
        "a: {b: 1}\nc:\n  d: 1\n".into(),
        "a: \"x\"\nb: 'y'\nc:\n  d: \"z\"\n".into(),
        "a: 1\n  b: 2\n".into(),
        "a: 1\nb: 2\n  c: 3\n".into(),
        "? a\n: b: c\n".into(),
        "? a\n:\n  b: c\n".into(),
        "&x a: 1\nb: 2\n".into(),
        "a: &x\n  b: 1\n".into(),
        "a: !t\n  b: 1\n".into(),
        "a: 1\nb:\n  c: d\n  e: f\ng: h\n".into(),
        "a:\n  b:\n    c:\n      d:\n        e: 1\n".into(),
        "a: 1\nb: 2\na: 3\n".into(),
        "a:\n    b: 1\n  c: 2\n".into(),
        "a:\n  b:\n    c: 1\n d: 2\n".into(),
        "- a:\n    b: 1\n  c: 2\n- d: 3\n".into(),
        "a:\n  - b: 1\n    c: 2\n  - d\ne: 1\n".into(),
        "a:\n- b:\n    c: 1\n  d: 2\ne: 3\n".into(),
        "a:\n  b: {c: 1}\n  d:\n    e: 1\nf: 2\n".into(),
        "a:\n  b:\n    c: |\n      x\n  d: 1\n".into(),
        "a:\n  b:\n    c: 1\n\n# c\n\nd: 2\n".into(),
        "a:\n  b:\n    c: 1\n---\nd: 2\n".into(),
        "  a:\n    b: 1\nc: 2\n".into(),
        "a:\n  b:\n    c: 1\n  d:\n    e: 1\nf:\n  g: 1\n".into(),
    ] {
        lines.same(&text);
    }
    assert!(
        lines.lines_at_once > lines.texts / 4,
        "{} lines read at once in {} texts",
        lines.lines_at_once,
        lines.texts
    );
}

/// A charm's `config` and `provides` as `tools/gen` writes them.
fn generated_charm(options: usize, integrations: usize) -> String {
    let mut t = String::from("name: bench\ntype: charm\nconfig:\n  options:\n");
    for i in 0..options {
        let (kind, default) = match i % 4 {
            0 => ("string", format!("\"value {i}\"")),
            1 => ("int", i.to_string()),
            2 => ("boolean", "true".into()),
            _ => ("float", format!("{i}.5")),
        };
        t.push_str(&format!(
            "    opt-{i}:\n      type: {kind}\n      default: {default}\n"
        ));
    }
    t.push_str("provides:\n");
    for i in 0..integrations {
        t.push_str(&format!(
            "  api-{i}:\n    interface: api-{}\n    optional: true\n    limit: 1\n",
            i % 7
        ));
    }
    t
}

#[test]
fn most_lines_of_a_generated_charm_are_read_at_once() {
    let text = generated_charm(1000, 100);
    let (got, at_once) = load_events(&text, 128, true);
    assert_eq!(
        (&got.error, got.gave_up, got.unusual),
        (&None, false, false)
    );
    assert_eq!(got, load_events(&text, 128, false).0);
    let lines = text.lines().count();
    assert!(at_once * 100 >= lines * 99, "{at_once} of {lines} lines");
}
