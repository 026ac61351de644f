//! The tree built from the PyYAML pass's events against the one saphyr-parser builds, on real,
//! mutated and generated texts: the nodes (text, style, span, order), the root and every
//! diagnostic must be the same.

use super::parse_by;
use crate::pyyaml::differential::{boundary, corpus, mutate, pick, Rng, FRAGMENTS};
use crate::Limits;
use paasc_diag::FileId;

/// Counts of the texts compared, and of those whose tree came from the PyYAML pass.
#[derive(Default)]
struct Tally {
    texts: usize,
    fast: usize,
    /// The texts read differently, with both readings.
    differ: Vec<String>,
}

impl Drop for Tally {
    fn drop(&mut self) {
        let n = self.differ.len();
        let shown: Vec<&str> = self.differ.iter().take(6).map(String::as_str).collect();
        assert!(n == 0, "{n} texts read differently:\n{}", shown.join("\n"));
    }
}

impl Tally {
    fn same(&mut self, text: &str) {
        for limits in [
            Limits::default(),
            Limits {
                max_depth: 3,
                max_expanded_nodes: 40,
                max_ambiguity_warnings: 2,
                ..Limits::default()
            },
        ] {
            let (tree, diags, fast) = parse_by(FileId(0), text, limits, true);
            let (want, want_diags, _) = parse_by(FileId(0), text, limits, false);
            if (&tree.root, &tree.nodes, &diags) != (&want.root, &want.nodes, &want_diags) {
                self.differ.push(format!(
                    "text {text:?}\n  fast {:?} {:?}\n  {diags:?}\n  want {:?} {:?}\n  {want_diags:?}",
                    tree.root, tree.nodes, want.root, want.nodes
                ));
            }
            self.texts += 1;
            self.fast += usize::from(fast);
        }
    }
}

/// Pieces of the texts the PyYAML pass's tree is built for, and of some it gives up on.
const PLAIN: &[&str] = &[
    "a",
    "key",
    "x y",
    "é",
    "1",
    "0o17",
    "1.5",
    "yes",
    "~",
    "null",
    "2001-12-14",
    "<<",
    ": ",
    ":",
    "key: ",
    "- ",
    "-",
    "\n",
    "\n",
    "\n  ",
    "\n    ",
    "\n- ",
    "\n  - ",
    " ",
    "  ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    ",",
    "'q'",
    "'it''s'",
    "''",
    "\"d\"",
    "\"\"",
    "\"a\\tb\"",
    "\"a\n  b\"",
    "'a\n  b'",
    "a\n  b",
    "#c",
    " #c",
    "?x",
    "-x",
    ":x",
    "a:b",
    "a #b",
    "&x ",
    "*x",
    "!!str ",
    "? ",
    "|\n  x\n",
    "---\n",
];

#[test]
fn the_corpus_and_its_mutants_give_the_same_trees() {
    let texts = corpus();
    assert!(texts.len() > 100, "only {} texts found", texts.len());
    let mut tally = Tally::default();
    let mut rng = Rng::with_seed(0x5DEE_CE66_D1CE_4E5B);
    for text in &texts {
        tally.same(text);
        let head = &text[..boundary(text, text.len().min(6000))];
        for _ in 0..12 {
            tally.same(&mutate(&mut rng, head));
        }
    }
    assert!(
        tally.fast > tally.texts / 20,
        "{} of {} fast",
        tally.fast,
        tally.texts
    );
}

#[test]
fn generated_texts_give_the_same_trees() {
    let mut tally = Tally::default();
    let mut rng = Rng::with_seed(0x2545_F491_4F6C_DD1D);
    for n in 0..40_000 {
        let pieces = if n % 2 == 0 { PLAIN } else { FRAGMENTS };
        let mut t = String::new();
        for _ in 0..1 + rng.usize(..24) {
            t.push_str(pick(&mut rng, pieces));
        }
        tally.same(&t);
    }
    assert!(
        tally.fast > tally.texts / 20,
        "{} of {} fast",
        tally.fast,
        tally.texts
    );
}
