//! Inlay hints: the environment variable paas-charm makes of each option, beside the option's
//! key in `charmcraft.yaml` (`config.options.NAME`) and in a profile (`config.NAME`).

use crate::{Facts, OptionFact};
use lsp_types::{InlayHint, InlayHintLabel, InlayHintTooltip, Position};
use paasc_diag::{FileId, SourceFile, Span};

/// The option keys at `path` of `text` (a map of option names), with their spans.
fn option_keys(text: &str, path: &[&str]) -> Vec<(String, Span)> {
    let (tree, _) = paasc_syntax::parse(FileId(0), text, paasc_syntax::Limits::default());
    let Some(mut node) = tree.root() else {
        return Vec::new();
    };
    for step in path {
        let Some(next) = tree
            .as_map(node)
            .and_then(|m| m.iter().find(|e| tree.text(e.key) == Some(*step)))
        else {
            return Vec::new();
        };
        node = next.value;
    }
    tree.as_map(node)
        .unwrap_or_default()
        .iter()
        .filter_map(|e| Some((tree.text(e.key)?.to_string(), tree.span(e.key))))
        .collect()
}

fn hint(file: &SourceFile, span: Span, o: &OptionFact) -> InlayHint {
    let p = file.position(span.end);
    let (label, tooltip) = match &o.env {
        Some(var) => (
            format!("→ {var}"),
            format!(
                "paas-charm passes `{}` to the app as `{var}`{}",
                o.name,
                if o.note.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", o.note)
                }
            ),
        ),
        None => ("→ (not in the environment)".to_string(), o.note.clone()),
    };
    InlayHint {
        position: Position::new(p.line0, p.utf16_col0),
        label: InlayHintLabel::String(label),
        kind: None,
        text_edits: None,
        tooltip: (!tooltip.is_empty()).then_some(InlayHintTooltip::String(tooltip)),
        padding_left: Some(true),
        padding_right: None,
        data: None,
    }
}

/// The hints of a buffer: `profile` for a profile, else charmcraft.yaml.
pub fn hints(text: &str, profile: bool, facts: &Facts) -> Vec<InlayHint> {
    let path: &[&str] = if profile {
        &["config"]
    } else {
        &["config", "options"]
    };
    let file = SourceFile::new("", text);
    option_keys(text, path)
        .into_iter()
        .filter_map(|(name, span)| {
            let o = facts.options.iter().find(|o| o.name == name)?;
            (o.env.is_some() || !o.note.is_empty()).then(|| hint(&file, span, o))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_follow_the_option_keys() {
        let facts = Facts {
            options: vec![OptionFact {
                name: "greeting".into(),
                kind: "string".into(),
                description: String::new(),
                env: Some("FLASK_GREETING".into()),
                note: String::new(),
            }],
            ..Facts::default()
        };
        let charm =
            "name: x\nconfig:\n  options:\n    greeting:\n      type: string\n    other: {}\n";
        let h = hints(charm, false, &facts);
        assert_eq!(h.len(), 1);
        assert_eq!(h[0].position, Position::new(3, 12));
        assert!(
            matches!(&h[0].label, InlayHintLabel::String(l) if l == "→ FLASK_GREETING"),
            "{:?}",
            h[0].label
        );
        let profile = "app: x\nconfig:\n  greeting: hi\n";
        assert_eq!(
            hints(profile, true, &facts)[0].position,
            Position::new(2, 10)
        );
    }
}
