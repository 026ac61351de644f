//! Tracing (`charms.tempo_coordinator_k8s.v0.tracing`, `PaaSTracingRelationData`).

use super::Ctx;
use crate::provenance::{var, Source, Var};
use crate::pyjson::{loads, PyValue};
use crate::status::{Cause, PyError, Stop};
use paasc_syntax::anyurl::any_url;

/// `PaaSTracingRelationData`.
#[derive(Clone, Debug)]
pub(crate) struct Data {
    pub endpoint: String,
    pub service_name: String,
}

/// The library's message, with `type(self).__name__` of paas-charm's subclass.
const AMBIGUOUS: &str = "This PaaSTracingEndpointRequirer wraps a tracing endpoint that has \
limit != 1. We can't determine what relation, of the possibly many, you are talking about. \
Please pass a relation instance while calling PaaSTracingEndpointRequirer, or set limit=1 in the \
charm metadata.";

/// Whether the library considers the relation ready, and the otlp_http endpoint if any.
/// `is_ready()` without a relation argument raises unless the endpoint says `limit: 1`, however
/// many relations there are (`TracingEndpointRequirer._relation`).
pub(crate) fn read(ctx: &Ctx) -> Result<(bool, Option<Data>), Stop> {
    if !ctx
        .requires
        .iter()
        .any(|e| e.name == "tracing" && e.limit_one)
    {
        return Err(
            Stop::from(PyError::new("AmbiguousRelationUsageError", AMBIGUOUS)).because(
                Cause::Declaration {
                    endpoint: "tracing".into(),
                    field: Some("limit"),
                },
            ),
        );
    }
    let Some(rel) = ctx.relation("tracing") else {
        return Ok((false, None));
    };
    let Some(receivers) = receivers(&rel.app_data) else {
        return Ok((false, None));
    };
    let Some(url) = receivers
        .iter()
        .find(|(name, _)| name == "otlp_http")
        .map(|(_, u)| u.clone())
    else {
        return Ok((true, None));
    };
    match any_url(&url) {
        Some(endpoint) => Ok((
            true,
            Some(Data {
                endpoint,
                service_name: ctx.dep.app.clone(),
            }),
        )),
        None => Err(PyError::new(
            "InvalidTracingRelationDataError",
            "Invalid PaaSTracingRelationData:         invalid options: endpoint",
        )
        .into()),
    }
}

/// `TracingProviderAppData.load`: every value JSON, `receivers` a list of
/// `{protocol: {name, type}, url}`.
fn receivers(data: &crate::deployment::Databag) -> Option<Vec<(String, String)>> {
    let mut found = None;
    for (k, v) in data {
        let value = loads(v).ok()?;
        if k == "receivers" {
            found = Some(value);
        }
    }
    let PyValue::List(items) = found? else {
        return None;
    };
    items
        .iter()
        .map(|r| {
            let proto = r.get("protocol")?;
            let name = proto.get("name")?.as_str()?;
            let kind = proto.get("type")?.as_str()?;
            if kind != "grpc" && kind != "http" {
                return None;
            }
            Some((name.to_string(), r.get("url")?.as_str()?.to_string()))
        })
        .collect()
}

/// `generate_tempo_env`.
pub(crate) fn env(d: &Data) -> Vec<Var> {
    vec![
        var(
            "OTEL_SERVICE_NAME",
            d.service_name.clone(),
            vec![Source::App],
        ),
        var(
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            d.endpoint.clone(),
            vec![Source::relation("tracing", &["receivers"])],
        ),
    ]
}
