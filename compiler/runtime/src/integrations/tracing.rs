//! Tracing (`charms.tempo_coordinator_k8s.v0.tracing`, `PaaSTracingRelationData`).

use super::{data, relation, spring, Ctx, EnvCx, Found, Read, Sample};
use crate::deployment::Relation;
use crate::provenance::{all_from, var, Source, Var};
use crate::pyjson::{dumps, loads, PyValue};
use crate::status::PyError;
use paasc_syntax::anyurl::any_url;

/// `PaaSTracingRelationData`.
#[derive(Clone, Debug)]
pub(crate) struct Data {
    pub endpoint: String,
    pub service_name: String,
}

/// The library's answer when it is ready: the otlp_http endpoint, if the provider has one.
#[derive(Clone, Debug)]
pub(crate) struct Ready(pub Option<Data>);

impl Found for Ready {
    fn usable(&self) -> bool {
        self.0.is_some()
    }

    fn destinations(&self) -> Vec<(String, u16)> {
        self.0
            .iter()
            .flat_map(|d| crate::net::of_url(&d.endpoint, "http"))
            .collect()
    }
}

/// The library's message for an endpoint without `limit: 1`, with `type(self).__name__` of
/// paas-charm's subclass.
pub(crate) const AMBIGUOUS: &str =
    "This PaaSTracingEndpointRequirer wraps a tracing endpoint that has \
limit != 1. We can't determine what relation, of the possibly many, you are talking about. \
Please pass a relation instance while calling PaaSTracingEndpointRequirer, or set limit=1 in the \
charm metadata.";

/// Whether the library considers the relation ready (`None` when not), and the otlp_http
/// endpoint if any. (`is_ready()` without a relation argument raises unless the endpoint says
/// `limit: 1`, however many relations there are: `TracingEndpointRequirer._relation`.)
pub(crate) fn read(ctx: &Ctx, _: &str, rel: &Relation) -> Read {
    let Some(receivers) = receivers(&rel.app_data) else {
        return Ok(None);
    };
    let Some(url) = receivers
        .iter()
        .find(|(name, _)| name == "otlp_http")
        .map(|(_, u)| u.clone())
    else {
        return Ok(Some(Box::new(Ready(None))));
    };
    match any_url(&url) {
        Some(endpoint) => Ok(Some(Box::new(Ready(Some(Data {
            endpoint,
            service_name: ctx.dep.app.clone(),
        }))))),
        None => Err(PyError::new(
            "InvalidTracingRelationDataError",
            "Invalid PaaSTracingRelationData:         invalid options: endpoint",
        )
        .into()),
    }
}

/// A Tempo with an otlp_http receiver at `host:4318`.
pub(crate) fn sample(s: &Sample) -> Relation {
    let receiver = PyValue::Dict(vec![
        (
            "protocol".into(),
            PyValue::Dict(vec![
                ("name".into(), PyValue::Str("otlp_http".into())),
                ("type".into(), PyValue::Str("http".into())),
            ]),
        ),
        (
            "url".into(),
            PyValue::Str(format!("http://{}:4318", s.host)),
        ),
    ]);
    relation(&[("receivers", &dumps(&PyValue::List(vec![receiver])))])
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

/// `generate_tempo_env`; Spring Boot's turns the exporters off without the relation.
pub(crate) fn env(cx: &EnvCx, found: Option<&dyn Found>) -> Result<Vec<Var>, PyError> {
    let Some(Ready(Some(d))) = data::<Ready>(found) else {
        let off = if cx.spring() {
            all_from(spring::no_tracing_env(), &[Source::Framework])
        } else {
            Vec::new()
        };
        return Ok(off);
    };
    Ok(vec![
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
    ])
}
