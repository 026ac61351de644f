//! P001: the profile sets a config option the charm does not declare, or gives secret content
//! to an option that is not secret-typed.

use super::{ProfileCx, Stage};
use crate::declared::option_names;
use paasc_diag::{Diagnostic, Suggestions};

paasc_diag::declare_code!(
    pub CODE = "P001", "profile-unknown-option", Error,
    "The profile sets an option the charm does not declare.",
"Every key under `config:` in a deployment profile must be a config option of the expanded
charm (the user's options plus those the framework extension adds), and every key under
`secrets:` must be an option declared with `type: secret`. `juju config` would refuse any other
name.

Example (profiles/prod.yaml):

    config:
      greting: hello

Fix: correct the name, or declare the option in charmcraft.yaml."
);

pub(super) const STAGE: Stage = Stage::Profile(check);

fn check(cx: &ProfileCx) -> Vec<Diagnostic> {
    let types = cx.option_types;
    let names = std::cell::OnceCell::new();
    let mut out = Vec::new();
    for (key, _) in cx.profile.config.iter() {
        if types.contains_key(key.value.as_str()) {
            continue;
        }
        let d = Diagnostic::new(
            CODE,
            cx.origin("config", &key.value),
            key.span,
            format!("the charm has no config option `{}`", key.value),
        )
        .label("not an option of this charm");
        let names = names.get_or_init(|| Suggestions::new(option_names(cx.charm)));
        out.push(match names.closest(&key.value) {
            Some(near) => d.help(format!("did you mean `{near}`?")),
            None => d.help("declare it under config.options in charmcraft.yaml, or remove it from the profile"),
        });
    }
    for (key, _) in cx.profile.secrets.iter() {
        if types.get(key.value.as_str()) == Some("secret") {
            continue;
        }
        out.push(
            Diagnostic::new(
                CODE,
                cx.origin("secrets", &key.value),
                key.span,
                format!("the charm has no secret-typed option `{}`", key.value),
            )
            .label("not a secret option")
            .help("`secrets:` gives the content of options declared with `type: secret`; put plain values under `config:`"),
        );
    }
    out
}
