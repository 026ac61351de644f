//! `paas-config.yaml` as paas-charm reads it from the charm directory.

use crate::status::PyError;
use paasc_syntax::Yaml;

/// What the runtime uses from `paas-config.yaml`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct PaasConfig {
    pub json_logging: bool,
}

fn invalid(what: &str) -> PyError {
    PyError::new(
        "PaasConfigError",
        format!("Invalid paas-config.yaml:         invalid options: {what}"),
    )
}

/// `read_paas_config()`: `None` input means no file.
pub(crate) fn read(doc: Option<&Yaml>) -> Result<PaasConfig, PyError> {
    let Some(doc) = doc else {
        return Ok(PaasConfig::default());
    };
    let entries = match doc {
        Yaml::Null => return Ok(PaasConfig::default()),
        v if !v.truthy() => return Ok(PaasConfig::default()),
        Yaml::Map(m) => m,
        _ => {
            return Err(PyError::new(
                "TypeError",
                "paas_charm.paas_config.PaasConfig() argument after ** must be a mapping",
            ))
        }
    };
    let mut out = PaasConfig::default();
    for (k, v) in entries {
        match k.as_str() {
            Some("framework_logging_format") => match v {
                Yaml::Null => {}
                Yaml::Str(s) if s == "none" => {}
                Yaml::Str(s) if s == "json" => out.json_logging = true,
                _ => return Err(invalid("framework-logging-format")),
            },
            Some("prometheus") => {}
            Some(other) => return Err(invalid(&other.replace('_', "-"))),
            None => return Err(invalid("")),
        }
    }
    Ok(out)
}
