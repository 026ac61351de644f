//! YAML entries written once and kept for the process: a `key: value` entry's text is a
//! function of the key and the value, and the rock's Pebble layer (its `services` and `checks`)
//! is the same in most projects of a framework, while writing YAML was most of its cost. (The
//! Helm values are written as they serialize, `helm/as_text.rs`, with no value to key a kept
//! text by.)

use foldhash::HashMap;
use paasc_syntax::Yaml;
use std::borrow::Cow;
use std::sync::{LazyLock, Mutex};

/// How many values of one key are kept.
const KEPT_VALUES: usize = 8;
/// The longest text kept.
const KEPT_TEXT: usize = 4096;

/// Writes the top-level entry `key: value` at the end of `out`, as
/// [`paasc_syntax::write::to_string`] writes a mapping holding only it (and so as it writes
/// that entry of a larger top-level mapping). The text of the first few values of each key is
/// kept and reused for an equal value; values holding a float are never kept nor reused, since
/// equal floats may be written differently (`0.0 == -0.0`).
pub fn push_entry(out: &mut String, key: &str, value: Cow<'_, Yaml>) {
    type Kept = HashMap<String, Vec<(Yaml, String)>>;
    static KEPT: LazyLock<Mutex<Kept>> = LazyLock::new(Mutex::default);
    // A kept value holds no float, and neither does a value equal to it (a float equals only a
    // float): the lookup needs no check, and only a value about to be kept is searched for one.
    if let Ok(kept) = KEPT.lock() {
        let found = kept
            .get(key)
            .and_then(|values| values.iter().find(|(v, _)| *v == *value));
        if let Some((_, text)) = found {
            out.push_str(text);
            return;
        }
    }
    let entry = Yaml::Map(vec![(Yaml::str(key), value.into_owned())]);
    let text = paasc_syntax::write::to_string(&entry);
    out.push_str(&text);
    if text.len() > KEPT_TEXT {
        return;
    }
    let Yaml::Map(mut pairs) = entry else {
        return;
    };
    let Some((_, value)) = pairs.pop().filter(|(_, v)| !holds_float(v)) else {
        return;
    };
    let Ok(mut kept) = KEPT.lock() else {
        return;
    };
    let values = kept.entry(key.to_string()).or_default();
    if values.len() < KEPT_VALUES && !values.iter().any(|(v, _)| *v == value) {
        values.push((value, text));
    }
}

/// Whether `v` holds a float anywhere.
fn holds_float(v: &Yaml) -> bool {
    match v {
        Yaml::Float(_) => true,
        Yaml::Seq(items) => items.iter().any(holds_float),
        Yaml::Map(pairs) => pairs.iter().any(|(k, v)| holds_float(k) || holds_float(v)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A kept entry is written as the writer writes it; floats, which compare equal when
    /// written differently, are never taken from the kept texts.
    #[test]
    fn kept_entries_are_the_written_entries() {
        let write = |key: &str, value: Yaml| {
            let mut out = String::new();
            push_entry(&mut out, key, Cow::Owned(value));
            out
        };
        let direct = |key: &str, value: Yaml| {
            paasc_syntax::write::to_string(&Yaml::Map(vec![(Yaml::str(key), value)]))
        };
        let values = [
            Yaml::Seq(vec![Yaml::str("a"), Yaml::Int(1)]),
            Yaml::Map(vec![(Yaml::str("x"), Yaml::str("line\n"))]),
            Yaml::Seq(vec![Yaml::str("a"), Yaml::Int(2)]),
            Yaml::Null,
            Yaml::str(""),
            Yaml::Seq(vec![Yaml::str("a"), Yaml::Int(1)]),
        ];
        for _ in 0..2 {
            for v in &values {
                assert_eq!(
                    write("keptEntriesTest", v.clone()),
                    direct("keptEntriesTest", v.clone())
                );
            }
        }
        for f in [0.0, -0.0, 0.0, -0.0] {
            let v = Yaml::Seq(vec![Yaml::Float(f)]);
            assert_eq!(
                write("keptFloatTest", v.clone()),
                direct("keptFloatTest", v)
            );
        }
        assert_ne!(
            direct("k", Yaml::Float(0.0)),
            direct("k", Yaml::Float(-0.0))
        );
    }
}
