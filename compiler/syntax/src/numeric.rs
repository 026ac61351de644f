//! The shapes of YAML 1.1 (PyYAML's implicit resolvers) and YAML 1.2 core-schema numbers and
//! timestamps, as hand-written byte matchers. Each reads exactly the language of the pattern in
//! its doc comment; the tests hold the patterns themselves as the oracle. (Building the five
//! patterns cost about a tenth of a `check`.)

/// A cursor over a scalar's bytes, for the hand-written matchers below.
struct Bytes<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Bytes<'a> {
    fn new(t: &'a str) -> Self {
        Bytes {
            b: t.as_bytes(),
            i: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn done(&self) -> bool {
        self.i == self.b.len()
    }

    fn rest(&self) -> &'a [u8] {
        &self.b[self.i..]
    }

    /// Consumes one byte if it satisfies `f`.
    fn eat(&mut self, f: impl Fn(u8) -> bool) -> bool {
        let hit = self.peek().is_some_and(f);
        self.i += usize::from(hit);
        hit
    }

    /// Consumes bytes while they satisfy `f`; how many.
    fn eat_while(&mut self, f: impl Fn(u8) -> bool) -> usize {
        let start = self.i;
        while self.eat(&f) {}
        self.i - start
    }

    /// `[-+]?`
    fn sign(&mut self) -> bool {
        self.eat(|c| c == b'-' || c == b'+')
    }

    /// `[eE][-+][0-9]+` (YAML 1.1: the sign is required) or `[eE][-+]?[0-9]+` (1.2), if present.
    /// False when an exponent starts but is malformed.
    fn exponent(&mut self, sign_required: bool) -> bool {
        if !self.eat(|c| c == b'e' || c == b'E') {
            return true;
        }
        (self.sign() || !sign_required) && self.eat_while(digit) > 0
    }

    /// `(?::[0-5]?[0-9])+`: one or more sexagesimal groups.
    fn sexagesimal(&mut self) -> bool {
        let mut groups = 0;
        while self.eat(|c| c == b':') {
            let start = self.i;
            let ok = match self.eat_while(digit) {
                1 => true,
                2 => self.b[start] <= b'5',
                _ => false,
            };
            if !ok {
                return false;
            }
            groups += 1;
        }
        groups > 0
    }

    /// `[0-9][0-9]?` (one or two digits, followed by a non-digit or the end).
    fn one_or_two_digits(&mut self) -> bool {
        matches!(self.eat_while(digit), 1 | 2)
    }

    /// Exactly `n` digits, followed by a non-digit or the end.
    fn digits_exactly(&mut self, n: usize) -> bool {
        self.eat_while(digit) == n
    }
}

fn digit(c: u8) -> bool {
    c.is_ascii_digit()
}

fn digit_(c: u8) -> bool {
    c.is_ascii_digit() || c == b'_'
}

fn blank(c: u8) -> bool {
    c == b' ' || c == b'\t'
}

fn is_inf(b: &[u8]) -> bool {
    matches!(b, b".inf" | b".Inf" | b".INF")
}

fn is_nan(b: &[u8]) -> bool {
    matches!(b, b".nan" | b".NaN" | b".NAN")
}

/// PyYAML's int resolver: `[-+]?0b[0-1_]+ | [-+]?0[0-7_]+ | [-+]?(?:0|[1-9][0-9_]*)
/// | [-+]?0x[0-9a-fA-F_]+ | [-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+`, whole text.
pub(crate) fn is_int11(t: &str) -> bool {
    let mut s = Bytes::new(t);
    s.sign();
    match s.rest() {
        [b'0'] => true,
        [b'0', b'b', rest @ ..] => {
            !rest.is_empty() && rest.iter().all(|&c| matches!(c, b'0' | b'1' | b'_'))
        }
        [b'0', b'x', rest @ ..] => {
            !rest.is_empty() && rest.iter().all(|&c| c.is_ascii_hexdigit() || c == b'_')
        }
        [b'0', rest @ ..] => rest.iter().all(|&c| matches!(c, b'0'..=b'7' | b'_')),
        [b'1'..=b'9', ..] => {
            s.eat_while(digit_);
            s.done() || (s.sexagesimal() && s.done())
        }
        _ => false,
    }
}

/// PyYAML's float resolver: `[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?
/// | \.[0-9_]+(?:[eE][-+][0-9]+)? | [-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*
/// | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)`, whole text.
pub(crate) fn is_float11(t: &str) -> bool {
    let mut s = Bytes::new(t);
    if is_nan(s.rest()) {
        return true;
    }
    let signed = s.sign();
    if is_inf(s.rest()) {
        return true;
    }
    if s.eat(|c| c == b'.') {
        return !signed && s.eat_while(digit_) > 0 && s.exponent(true) && s.done();
    }
    if !s.eat(digit) {
        return false;
    }
    s.eat_while(digit_);
    if s.peek() == Some(b':') {
        return s.sexagesimal() && s.eat(|c| c == b'.') && {
            s.eat_while(digit_);
            s.done()
        };
    }
    s.eat(|c| c == b'.') && {
        s.eat_while(digit_);
        s.exponent(true) && s.done()
    }
}

/// PyYAML's timestamp resolver: `[0-9]{4}-[0-9]{2}-[0-9]{2}` or
/// `[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?
/// (?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?`, whole text.
pub(crate) fn is_timestamp11(t: &str) -> bool {
    let mut s = Bytes::new(t);
    if !(s.digits_exactly(4) && s.eat(|c| c == b'-')) {
        return false;
    }
    let month = s.eat_while(digit);
    if !(matches!(month, 1 | 2) && s.eat(|c| c == b'-')) {
        return false;
    }
    let day = s.eat_while(digit);
    if !matches!(day, 1 | 2) {
        return false;
    }
    if s.done() {
        return month == 2 && day == 2;
    }
    if !(s.eat(|c| c == b'T' || c == b't') || s.eat_while(blank) > 0) {
        return false;
    }
    if !(s.one_or_two_digits()
        && s.eat(|c| c == b':')
        && s.digits_exactly(2)
        && s.eat(|c| c == b':')
        && s.digits_exactly(2))
    {
        return false;
    }
    if s.eat(|c| c == b'.') {
        s.eat_while(digit);
    }
    if s.done() {
        return true;
    }
    s.eat_while(blank);
    if s.eat(|c| c == b'Z') {
        return s.done();
    }
    s.sign() && s.one_or_two_digits() && (!s.eat(|c| c == b':') || s.digits_exactly(2)) && s.done()
}

/// The YAML 1.2 core schema's int: `[-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+`, whole text.
pub(crate) fn is_int12(t: &str) -> bool {
    let all = |b: &[u8], f: fn(&u8) -> bool| !b.is_empty() && b.iter().all(f);
    match t.as_bytes() {
        [b'0', b'o', rest @ ..] => all(rest, |c| matches!(c, b'0'..=b'7')),
        [b'0', b'x', rest @ ..] => all(rest, u8::is_ascii_hexdigit),
        [b'-' | b'+', rest @ ..] | rest => all(rest, u8::is_ascii_digit),
    }
}

/// The YAML 1.2 core schema's float: `[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?
/// | [-+]?\.(?:inf|Inf|INF) | \.(?:nan|NaN|NAN)`, whole text.
pub(crate) fn is_float12(t: &str) -> bool {
    let mut s = Bytes::new(t);
    if is_nan(s.rest()) {
        return true;
    }
    s.sign();
    if is_inf(s.rest()) {
        return true;
    }
    let mantissa = if s.eat(|c| c == b'.') {
        s.eat_while(digit) > 0
    } else if s.eat_while(digit) > 0 {
        if s.eat(|c| c == b'.') {
            s.eat_while(digit);
        }
        true
    } else {
        false
    };
    mantissa && s.exponent(false) && s.done()
}

/// PyYAML's resolver patterns and the YAML 1.2 core schema's, as the matchers' oracle.
#[cfg(test)]
pub(crate) mod patterns {
    use regex::Regex;
    use std::sync::LazyLock;

    pub(crate) static FLOAT11: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        )
    });
    pub(crate) static INT11: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$",
        )
    });
    pub(crate) static TIMESTAMP11: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$",
        )
    });
    pub(crate) static INT12: LazyLock<Regex> =
        LazyLock::new(|| re(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"));
    pub(crate) static FLOAT12: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        )
    });

    pub(crate) fn re(pattern: &str) -> Regex {
        Regex::new(pattern).unwrap_or_else(|e| panic!("built-in pattern {pattern}: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::patterns::{FLOAT11, FLOAT12, INT11, INT12, TIMESTAMP11};
    use super::*;
    use regex::Regex;

    type Matcher = (&'static str, fn(&str) -> bool, &'static Regex);

    fn matchers() -> [Matcher; 5] {
        [
            ("int11", is_int11, &INT11),
            ("float11", is_float11, &FLOAT11),
            ("timestamp11", is_timestamp11, &TIMESTAMP11),
            ("int12", is_int12, &INT12),
            ("float12", is_float12, &FLOAT12),
        ]
    }

    /// Asserts every matcher agrees with its pattern on `t`; how many of them match it.
    fn agree(t: &str, all: &[Matcher]) -> usize {
        let mut hits = 0;
        for (name, matcher, pattern) in all {
            let want = pattern.is_match(t);
            assert_eq!(matcher(t), want, "{name} on {t:?}: the pattern says {want}");
            hits += usize::from(want);
        }
        hits
    }

    /// Every string up to `len` characters over `alphabet`.
    fn every_string(alphabet: &[&str], len: usize, mut each: impl FnMut(&str)) {
        let mut level = vec![String::new()];
        each("");
        for _ in 0..len {
            level = level
                .iter()
                .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
                .collect();
            level.iter().for_each(|s| each(s));
        }
    }

    #[test]
    fn every_short_string_over_the_number_characters() {
        let all = matchers();
        let alphabet = [
            "0", "1", "5", "6", "8", ".", "_", ":", "+", "-", "e", "E", "x", "o", "b", "a", "F",
            "T", "t", "Z", "z", " ", "\t", "é",
        ];
        let (mut seen, mut hits) = (0, 0);
        every_string(&alphabet, 4, |s| {
            seen += 1;
            hits += agree(s, &all);
        });
        assert!(
            seen > 300_000 && hits > 5_000,
            "{seen} strings, {hits} matches"
        );
    }

    #[test]
    fn every_string_of_five_over_each_patterns_characters() {
        let all = matchers();
        let ints = ["0", "1", "7", "8", "_", ":", "-", "b", "x", "6"];
        let floats = ["0", "6", "9", ".", "_", ":", "+", "e", "E", "n"];
        for alphabet in [&ints[..], &floats[..]] {
            let mut hits = 0;
            every_string(alphabet, 5, |s| hits += agree(s, &all));
            assert!(hits > 2_000, "{hits}");
        }
    }

    /// Every timestamp shape with one or two characters changed, inserted or removed.
    #[test]
    fn timestamps_and_their_neighbours() {
        let all = matchers();
        let seeds = [
            "2002-12-14",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10 -5",
            "2001-12-15T02:59:43.1Z",
            "2001-1-2\t \t1:00:00 Z",
            "2001-12-15 2:59:43.",
        ];
        let edits = |s: &str, alphabet: &[&str]| -> Vec<String> {
            let mut out = Vec::new();
            for i in (0..=s.len()).filter(|i| s.is_char_boundary(*i)) {
                let next = s[i..].chars().next().map_or(i, |c| i + c.len_utf8());
                for c in alphabet {
                    out.push(format!("{}{c}{}", &s[..i], &s[i..]));
                    if next > i {
                        out.push(format!("{}{c}{}", &s[..i], &s[next..]));
                    }
                }
            }
            out
        };
        let once = [
            "0", "1", "9", "-", "+", ":", ".", "T", "t", "Z", "z", " ", "\t", "x", "",
        ];
        let twice = ["1", ":", " ", ""];
        let mut hits = 0;
        for seed in seeds {
            for one in edits(seed, &once) {
                for two in edits(&one, &twice) {
                    hits += agree(&two, &all[2..3]);
                }
                hits += agree(&one, &all);
            }
        }
        assert!(hits > 1_000, "{hits}");
    }

    /// Strings of random number-like pieces (a fixed-seed xorshift, so a failure reproduces).
    #[test]
    fn random_strings_of_number_pieces() {
        let all = matchers();
        let pieces = [
            "0", "1", "5", "6", "7", "9", "12", "59", "60", "2002", "0b", "0x", "0o", "_", ".",
            ":", "+", "-", "e", "E", "a", "F", "inf", "Inf", "INF", "nan", "NaN", "NAN", "T", "t",
            "Z", " ", "\t", "x", "b", "o", "é", "١",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut hits = 0;
        for _ in 0..200_000 {
            let n = 1 + next() % 12;
            let s: String = (0..n)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            hits += agree(&s, &all);
        }
        assert!(hits > 5_000, "{hits}");
    }

    /// Every scalar of every YAML file in the repository (examples, conformance cases, golden
    /// inputs).
    #[test]
    fn every_scalar_of_the_corpus() {
        let all = matchers();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut dirs: Vec<_> = ["examples", "conformance", "golden", "tests"]
            .iter()
            .map(|d| root.join(d))
            .collect();
        let (mut files, mut scalars) = (0, 0);
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                if !path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                files += 1;
                let (tree, _) =
                    crate::parse(paasc_diag::FileId(0), &text, crate::Limits::default());
                for node in &tree.nodes {
                    if let crate::Kind::Scalar(s) = &node.kind {
                        scalars += 1;
                        agree(&s.text, &all);
                    }
                }
                for word in text.split([' ', '\n', ',', '[', ']', '{', '}', '"', '\'']) {
                    agree(word, &all);
                }
            }
        }
        assert!(
            files > 500 && scalars > 50_000,
            "{files} files, {scalars} scalars"
        );
    }
}
