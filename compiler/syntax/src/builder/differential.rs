//! The tree built from the PyYAML pass's events against the one saphyr-parser builds, on real,
//! mutated and generated texts: the nodes (text, style, span, order), the root and every
//! diagnostic must be the same.

use super::parse_by;
use crate::pyyaml::differential::{corpus_and_mutants, pick, Rng, FRAGMENTS};
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

impl Tally {
    /// Fails with the first few texts read differently.
    fn finish(&self) {
        let n = self.differ.len();
        let shown: Vec<&str> = self.differ.iter().take(3).map(String::as_str).collect();
        assert!(n == 0, "{n} texts read differently:\n{}", shown.join("\n"));
    }

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
    "k: |\n  a\n\n  b\n",
    "k: >\n  a\n  b\n\n   c\n  d\n",
    ": >-\n  a\n   b\n  c\n\n",
    "- |-\n  x\n",
    "- |+\n  x\n\n",
    ": |+\n  x\n  \n",
    ": >\n  x\n  # kept\n#c\n",
    ": | #c\n  x\n",
    ": |\n   x\n  y\n",
    ": |2\n   x\n",
    "\"\\x41\\u00e9\\n\\\"\"",
    "\"a\\\\b\\/\\ \\N\"",
    "\"\\ud800\"",
    "a\n  b\n\n  c",
    "a  b \n   c",
    "---\n",
];

#[test]
fn the_corpus_and_its_mutants_give_the_same_trees() {
    let mut tally = Tally::default();
    corpus_and_mutants(0x5DEE_CE66_D1CE_4E5B, |text| tally.same(text));
    tally.finish();
    assert!(
        tally.fast > tally.texts / 5,
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
    tally.finish();
    assert!(
        tally.fast > tally.texts / 16,
        "{} of {} fast",
        tally.fast,
        tally.texts
    );
}

/// The examples' files, like most project files, are read without saphyr-parser.
#[test]
fn every_example_is_read_in_one_pass() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut checked = 0;
    for app in std::fs::read_dir(&root).into_iter().flatten().flatten() {
        for name in ["rockcraft.yaml", "charm/charmcraft.yaml"] {
            let Ok(text) = std::fs::read_to_string(app.path().join(name)) else {
                continue;
            };
            let (tree, diags, fast) = parse_by(FileId(0), &text, Limits::default(), true);
            assert!(
                fast && tree.root.is_some(),
                "{:?}/{name}: {diags:?}",
                app.path()
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "{checked} files");
}
