//! The craft tools' merge rule for extension snippets (`_apply_extension_property`).

use paasc_syntax::Yaml;

/// Merges an extension's value into the user's: dicts merge recursively (user keys keep their
/// place, new keys are appended), lists become extension + user (deduplicated when all are
/// strings), and otherwise a non-empty user value wins.
pub fn apply(existing: Option<Yaml>, extension: Yaml) -> Yaml {
    let Some(existing) = existing.filter(Yaml::truthy) else {
        return extension;
    };
    match (existing, extension) {
        (Yaml::Seq(user), Yaml::Seq(ext)) => {
            let merged: Vec<Yaml> = ext.into_iter().chain(user).collect();
            if merged.iter().all(|i| matches!(i, Yaml::Str(_))) {
                let mut seen = Vec::new();
                for item in merged {
                    if !seen.contains(&item) {
                        seen.push(item);
                    }
                }
                Yaml::Seq(seen)
            } else {
                Yaml::Seq(merged)
            }
        }
        (Yaml::Map(mut user), Yaml::Map(ext)) => {
            let found = positions(&user, &ext);
            let written = user.len();
            // Room for the new keys at once: a large mapping (a charm's thousands of options)
            // then grows within its allocation, where growing by doubling copied it whole.
            user.reserve_exact(found.iter().filter(|at| at.is_none()).count());
            for ((k, v), at) in ext.into_iter().zip(found) {
                let at = at.or_else(|| position(&user[written..], &k).map(|i| written + i));
                match at {
                    Some(i) => {
                        let old = std::mem::replace(&mut user[i].1, Yaml::Null);
                        user[i].1 = apply(Some(old), v);
                    }
                    None => user.push((k, apply(None, v))),
                }
            }
            Yaml::Map(user)
        }
        (user, _) => user,
    }
}

/// What a set of string keys is quickly told apart by: a mask of their lengths (one bit for
/// every length from 127) and of their first and last bytes (taken modulo 128). A string with
/// a bit outside the masks is none of the keys.
#[derive(Default)]
struct KeyFilter {
    lengths: u128,
    firsts: u128,
    lasts: u128,
}

impl KeyFilter {
    /// The bit of `n` (at most 127) in a mask.
    fn bit(n: usize) -> u128 {
        1u128 << n.min(127)
    }

    /// The bits of `s`'s first and last byte (0 for the empty string).
    fn ends(s: &str) -> (u128, u128) {
        let bit = |b: Option<&u8>| KeyFilter::bit(b.map_or(0, |b| usize::from(b & 127)));
        (bit(s.as_bytes().first()), bit(s.as_bytes().last()))
    }

    /// The filter of the string keys of `entries`.
    fn of(entries: &[(Yaml, Yaml)]) -> KeyFilter {
        let mut f = KeyFilter::default();
        for (k, _) in entries {
            if let Yaml::Str(s) = k {
                let (first, last) = KeyFilter::ends(s);
                f.lengths |= KeyFilter::bit(s.len());
                f.firsts |= first;
                f.lasts |= last;
            }
        }
        f
    }

    /// Whether `s` may be one of the keys (its length tested first: most keys stop there).
    fn may_hold(&self, s: &str) -> bool {
        self.lengths & KeyFilter::bit(s.len()) != 0 && {
            let (first, last) = KeyFilter::ends(s);
            self.firsts & first != 0 && self.lasts & last != 0
        }
    }
}

/// For each key of the mapping `keys`, its [`position`] in `entries`, in one pass over
/// `entries` (a user's mapping may hold thousands of keys, an extension's a few), where a key
/// the [`KeyFilter`] of the keys rules out is passed over.
pub(crate) fn positions(entries: &[(Yaml, Yaml)], keys: &[(Yaml, Yaml)]) -> Vec<Option<usize>> {
    let mut found: Vec<Option<usize>> = vec![None; keys.len()];
    let mut left = 0;
    for (slot, (k, _)) in found.iter_mut().zip(keys) {
        match k {
            Yaml::Str(_) => left += 1,
            other => *slot = position(entries, other),
        }
    }
    let filter = KeyFilter::of(keys);
    for (at, (uk, _)) in entries.iter().enumerate() {
        if left == 0 {
            break;
        }
        let Yaml::Str(u) = uk else { continue };
        if !filter.may_hold(u) {
            continue;
        }
        for (slot, (k, _)) in found.iter_mut().zip(keys) {
            if slot.is_none() && matches!(k, Yaml::Str(s) if s == u) {
                *slot = Some(at);
                left -= 1;
            }
        }
    }
    found
}

/// Whether `k` is a key of the mapping `keys`, a string key the [`KeyFilter`] of the keys
/// rules out answered without comparing.
pub(crate) fn is_key_of(keys: &[(Yaml, Yaml)]) -> impl Fn(&Yaml) -> bool + '_ {
    let filter = KeyFilter::of(keys);
    move |k| match k {
        Yaml::Str(s) if !filter.may_hold(s) => false,
        _ => position(keys, k).is_some(),
    }
}

/// The index of the key `k` in the mapping `entries`, comparing a string key's text directly.
pub(crate) fn position(entries: &[(Yaml, Yaml)], k: &Yaml) -> Option<usize> {
    match k {
        Yaml::Str(k) => entries
            .iter()
            .position(|(uk, _)| matches!(uk, Yaml::Str(u) if u.as_str() == k.as_str())),
        _ => entries.iter().position(|(uk, _)| uk == k),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Yaml {
        Yaml::str(x)
    }

    #[test]
    fn merge_rules() {
        let user = Yaml::Map(vec![
            (s("a"), Yaml::Seq(vec![s("x"), s("y")])),
            (s("c"), s("user")),
        ]);
        let ext = Yaml::Map(vec![
            (s("b"), s("new")),
            (s("a"), Yaml::Seq(vec![s("y"), s("z")])),
            (s("c"), s("ext")),
        ]);
        let merged = apply(Some(user), ext);
        assert_eq!(
            merged,
            Yaml::Map(vec![
                (s("a"), Yaml::Seq(vec![s("y"), s("z"), s("x")])),
                (s("c"), s("user")),
                (s("b"), s("new")),
            ])
        );
        assert_eq!(apply(Some(Yaml::Null), s("ext")), s("ext"));
        let many: Vec<(Yaml, Yaml)> = (0..300)
            .map(|i| (s(&"k".repeat(i % 140 + 1)), Yaml::Null))
            .chain([(Yaml::Int(7), Yaml::Null), (Yaml::Bool(true), Yaml::Null)])
            .collect();
        let keys: Vec<(Yaml, Yaml)> = [
            s("k"),
            s(&"k".repeat(139)),
            s(&"k".repeat(141)),
            s("x"),
            Yaml::Int(7),
            s("k"),
            Yaml::Bool(false),
        ]
        .into_iter()
        .map(|k| (k, Yaml::Null))
        .collect();
        let one_by_one: Vec<Option<usize>> = keys.iter().map(|(k, _)| position(&many, k)).collect();
        assert_eq!(positions(&many, &keys), one_by_one);
        assert_eq!(
            one_by_one,
            [Some(0), Some(138), None, None, Some(300), Some(0), None]
        );
        let known = is_key_of(&keys);
        let found: Vec<bool> = many.iter().map(|(k, _)| known(k)).collect();
        let expected: Vec<bool> = many
            .iter()
            .map(|(k, _)| keys.iter().any(|(key, _)| key == k))
            .collect();
        assert_eq!(found, expected);
        let names = [
            "",
            "a",
            "é",
            "ü",
            "opt-1",
            "opt-12",
            "opt-10000",
            "flask-env",
            "flask-enx",
            "glask-env",
            "fl",
            "lf",
            "Ā",
            "ā",
            "x\u{80}",
            "x\u{100}",
        ];
        let many: Vec<(Yaml, Yaml)> = names.iter().map(|n| (s(n), Yaml::Null)).collect();
        for name in names.iter().chain(&["flask-enw", "opt-99999", "b", "ĀĀ"]) {
            let keys = vec![(s(name), Yaml::Null), (s("opt-12"), Yaml::Null)];
            let one_by_one: Vec<Option<usize>> =
                keys.iter().map(|(k, _)| position(&many, k)).collect();
            assert_eq!(positions(&many, &keys), one_by_one, "{name:?}");
            let known = is_key_of(&keys);
            for (k, _) in &many {
                assert_eq!(known(k), keys.iter().any(|(key, _)| key == k), "{k:?}");
            }
        }
        let user = Yaml::Map(vec![(s("a"), s("user"))]);
        let ext = Yaml::Map(vec![(s("b"), s("1")), (s("b"), s("2")), (s("a"), s("ext"))]);
        assert_eq!(
            apply(Some(user), ext),
            Yaml::Map(vec![(s("a"), s("user")), (s("b"), s("1"))])
        );
        assert_eq!(apply(Some(Yaml::Map(vec![])), s("ext")), s("ext"));
    }
}
