//! The craft tools' merge rule for extension snippets (`_apply_extension_property`).

use paasc_syntax::Yaml;

/// Merges an extension's value into the user's: dicts merge recursively (user keys keep their
/// place, new keys are appended), lists become extension + user (deduplicated when all are
/// strings), and otherwise a non-empty user value wins.
pub fn apply(existing: Option<Yaml>, extension: &Yaml) -> Yaml {
    let Some(existing) = existing.filter(Yaml::truthy) else {
        return extension.clone();
    };
    match (existing, extension) {
        (Yaml::Seq(user), Yaml::Seq(ext)) => {
            let merged: Vec<Yaml> = ext.iter().cloned().chain(user).collect();
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
            for (k, v) in ext {
                match position(&user, k) {
                    Some(i) => {
                        let old = std::mem::replace(&mut user[i].1, Yaml::Null);
                        user[i].1 = apply(Some(old), v);
                    }
                    None => user.push((k.clone(), apply(None, v))),
                }
            }
            Yaml::Map(user)
        }
        (user, _) => user,
    }
}

/// The index of the key `k` in the mapping `entries`, comparing a string key's text directly
/// (a user's mapping may hold thousands of keys).
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
        let merged = apply(Some(user), &ext);
        assert_eq!(
            merged,
            Yaml::Map(vec![
                (s("a"), Yaml::Seq(vec![s("y"), s("z"), s("x")])),
                (s("c"), s("user")),
                (s("b"), s("new")),
            ])
        );
        assert_eq!(apply(Some(Yaml::Null), &s("ext")), s("ext"));
        assert_eq!(apply(Some(Yaml::Map(vec![])), &s("ext")), s("ext"));
    }
}
