//! P002: a profile value that does not have its option's type (a secret option's content given
//! as a plain value included).

use super::{ProfileCx, Stage};
use crate::declared::config_value;
use paasc_diag::Diagnostic;
use paasc_model::profile::Scalar;

paasc_diag::declare_code!(
    pub CODE = "P002", "profile-wrong-type", Error,
    "A profile value does not have the option's type.",
"Config values are typed as the option declares: `string`, `int`, `float` (an integer is
accepted), `boolean`. Secret-typed options take their content under `secrets:`, not a value
under `config:`. Juju refuses a value of the wrong type.

Example: `workers: four` for an option of `type: int`.

Fix: write a value of the declared type; quote numbers meant as strings."
);

pub(super) const STAGE: Stage = Stage::Profile(check);

fn check(cx: &ProfileCx) -> Vec<Diagnostic> {
    let types = cx.option_types;
    let mut out = Vec::new();
    for (key, value) in cx.profile.config.iter() {
        let Some(kind) = types.get(key.value.as_str()) else {
            continue;
        };
        let file = cx.origin("config", &key.value);
        if kind == "secret" {
            out.push(
                Diagnostic::new(
                    CODE,
                    file,
                    key.span,
                    format!(
                        "`{}` is a secret option; its content belongs under `secrets:`",
                        key.value
                    ),
                )
                .label("secret option given a plain value")
                .help(format!(
                    "write it as\nsecrets:\n  {}:\n    <key>: <value>",
                    key.value
                )),
            );
            continue;
        }
        if config_value(kind, &value.value).is_some() {
            continue;
        }
        out.push(
            Diagnostic::new(
                CODE,
                file,
                value.span,
                format!(
                    "option `{}` has type {kind}, but the profile gives {}",
                    key.value,
                    describe(&value.value)
                ),
            )
            .label(format!("not {}", article(kind)))
            .help(match kind {
                "string" => "quote the value to make it a string".to_string(),
                other => format!(
                    "give {} value, as `juju config` would accept it",
                    article(other)
                ),
            }),
        );
    }
    out
}

/// `a boolean`, `an int`.
fn article(kind: &str) -> String {
    let an = kind.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {kind}", if an { "an" } else { "a" })
}

fn describe(v: &Scalar) -> String {
    match v {
        Scalar::Str(_) => "a string".into(),
        Scalar::Int(i) => format!("the integer {i}"),
        Scalar::Float(f) => format!("the float {}", paasc_syntax::python_float_repr(*f)),
        Scalar::Bool(b) => format!("the boolean {b}"),
    }
}
