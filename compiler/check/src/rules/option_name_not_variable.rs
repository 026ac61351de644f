//! C018: a user option whose name cannot be part of an environment variable's name (a control
//! character, `=`, a space): charmcraft and paas-charm accept it, but the variable paas-charm
//! makes of it cannot be written or read as one. `P009` refuses to compile it with a value.

use super::{CharmCx, Stage};
use paasc_diag::Diagnostic;
use paasc_runtime::{option_use, OptionUse};

paasc_diag::declare_code!(
    pub CODE = "C018", "option-name-not-variable", Warning,
    "A config option's name cannot become an environment variable.",
"paas-charm passes each user option to the app as a variable named after it (`greeting` becomes
`FLASK_GREETING`). charmcraft accepts any option name, but a name holding `=` is cut there by
every reader of the environment (the app sees `FLASK_A` with a value starting `B=`), and a name
holding a space or a control character is one no shell, `.env` file or Kubernetes manifest can
write. paasc warns when it checks the charm, and refuses to compile a deployment that gives
such an option a value (P009).

Example:

    config:
      options:
        \"page size\": {type: int}     # FLASK_PAGE SIZE

Fix: rename the option to letters, digits, `-` and `_`."
);

pub(super) const STAGE: Stage = Stage::Charm {
    reads: &["config"],
    run: check,
};

/// Whether `c` cannot be part of an environment variable's name.
fn refused(c: char) -> bool {
    c == '=' || c.is_whitespace() || c.is_control()
}

/// Whether the variable an option named `name` becomes may hold a character [`problem`]
/// finds: only if `name` does (the prefix is letters and `_`, and upper-casing a character
/// never gives `=`, a space or a control character), so most names need no variable made.
pub(super) fn may_have_problem(name: &str) -> bool {
    /// For each byte: 1 when it is an ASCII character [`refused`] refuses, 2 when it is not
    /// ASCII (its character is then looked at).
    const CLASS: [u8; 256] = {
        let mut class = [0u8; 256];
        let mut b = 0;
        while b < 256 {
            class[b] = if b >= 0x80 {
                2
            } else if b == b'=' as usize || b <= b' ' as usize || b == 0x7f {
                1
            } else {
                0
            };
            b += 1;
        }
        class
    };
    let found = name.bytes().fold(0, |acc, b| acc | CLASS[usize::from(b)]);
    if found & 2 != 0 {
        return name.chars().any(refused);
    }
    found != 0
}

pub(super) fn problem(var: &str) -> Option<String> {
    let c = var.chars().find(|c| refused(*c))?;
    Some(if c == '=' {
        "`=`, where every reader of the environment cuts the name".into()
    } else if c == ' ' {
        "a space, which no shell, .env file or Kubernetes manifest accepts in a name".into()
    } else {
        format!(
            "the character U+{:04X}, which no shell, .env file or Kubernetes manifest accepts in a name",
            u32::from(c)
        )
    })
}

/// `s` with control characters escaped, for a message.
pub(super) fn shown(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn check(cx: &mut CharmCx) -> Vec<Diagnostic> {
    let spec = cx.framework.spec();
    let mut out = Vec::new();
    let option_key = cx.option_keys();
    for name in cx.option_names() {
        if !may_have_problem(name) {
            continue;
        }
        let OptionUse::Env(var) = option_use(spec, name) else {
            continue;
        };
        let (Some(problem), Some(key)) = (problem(&var), option_key(name)) else {
            continue;
        };
        out.push(
            Diagnostic::new(
                CODE,
                cx.file,
                key,
                format!(
                    "the option `{}` becomes the variable `{}`: it holds {problem}",
                    shown(name),
                    shown(&var)
                ),
            )
            .label("not a variable name")
            .help("rename the option to letters, digits, `-` and `_`"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::charm_findings;

    #[test]
    fn names_with_a_control_character_an_equals_sign_or_a_space_are_found() {
        let found = charm_findings(&STAGE, "config:\n  options:\n    \"a b\": {type: string}\n    c=d: {type: string}\n    \"e\\x01f\": {type: int}\n    g_h-i: {type: int}\n    app-x y: {type: int}\n");
        assert_eq!(
            found,
            [
                (CODE, "\"a b\"".into()),
                (CODE, "c=d".into()),
                (CODE, "\"e\\x01f\"".into()),
            ]
        );
        assert_eq!(shown("e\u{1}f"), "e\\u{1}f");
        for b in 0..=0x7fu8 {
            let name = format!("a{}b", char::from(b));
            assert_eq!(may_have_problem(&name), refused(char::from(b)), "{b:#x}");
        }
        assert!(!may_have_problem("straße-ǆ"));
        assert!(may_have_problem("a\u{85}b") && may_have_problem("é\u{a0}"));
    }
}
