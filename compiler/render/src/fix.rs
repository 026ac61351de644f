//! The deterministic fixes of diagnostics: the one home of what `paasc check --fix` writes and
//! the language server's quick fixes offer. A fix only replaces the bytes of spans, so comments
//! and layout stay.

use paasc_diag::{Code, Diagnostic, FileId, SourceDb, Span};

/// A fix: a title and the replacements it makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    /// What it does, e.g. ``Replace with `summary` ``.
    pub title: String,
    /// The replacements: file, span, new text.
    pub edits: Vec<(FileId, Span, String)>,
}

/// The one fix `d` has, if it has a deterministic one: a did-you-mean label's suggestion
/// replaces the primary range; a number written where a string is expected (`S008`) is quoted
/// as written.
pub fn of(db: &SourceDb, d: &Diagnostic) -> Option<Fix> {
    let l = &d.primary;
    if let Some(new) = paasc_diag::suggestion(&l.message) {
        return Some(Fix {
            title: format!("Replace with `{new}`"),
            edits: vec![(l.file, l.span, new.to_string())],
        });
    }
    if d.code == Code::NUMBER_AS_STRING {
        let text = db
            .get(l.file)
            .text
            .get(l.span.start as usize..l.span.end as usize)?;
        let plain = !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+' | ':'));
        return plain.then(|| Fix {
            title: format!("Quote `{text}` as a string"),
            edits: vec![(l.file, l.span, format!("'{text}'"))],
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_and_numbers_as_strings() {
        let mut db = SourceDb::new();
        let f = db.add("rockcraft.yaml", "sumary: x\nversion: 1.10\n");
        let d = Diagnostic::new(Code::UNKNOWN_KEY, f, Span::new(0, 6), "unknown key")
            .label("did you mean `summary`?");
        let fix = of(&db, &d).expect("rename");
        assert_eq!(fix.edits, vec![(f, Span::new(0, 6), "summary".to_string())]);
        let d = Diagnostic::new(Code::NUMBER_AS_STRING, f, Span::new(19, 23), "number");
        let fix = of(&db, &d).expect("quote");
        assert_eq!(fix.edits[0].2, "'1.10'");
        let d = Diagnostic::new(Code::YAML11_AMBIGUITY, f, Span::new(19, 23), "ambiguous");
        assert_eq!(of(&db, &d), None);
    }
}
