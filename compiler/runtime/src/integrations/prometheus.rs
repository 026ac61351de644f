//! Prometheus (`metrics-endpoint`, provided by the framework extensions): paas-charm reads no
//! relation data, but Spring Boot's mappers point the actuator at the metrics path.

use super::{spring, EnvCx, Found};
use crate::provenance::{all_from, Var};
use crate::pyjson::PyValue;
use crate::status::PyError;

/// `generate_prometheus_env`: Spring Boot's `management.endpoints.web.*`, nothing for the
/// other frameworks.
pub(crate) fn env(cx: &EnvCx, _: Option<&dyn Found>) -> Result<Vec<Var>, PyError> {
    if !cx.spring() {
        return Ok(Vec::new());
    }
    let path = cx.field("metrics_path").and_then(PyValue::as_str);
    let vars = spring::prometheus_env(path)?;
    Ok(all_from(vars, &[(cx.field_source)("metrics_path")]))
}
