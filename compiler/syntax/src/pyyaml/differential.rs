//! The fast pass against the reference one on real, mutated and generated texts: every result
//! (context, problem and every mark) must be the same.

use super::{check, reference, MarkedError};
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
