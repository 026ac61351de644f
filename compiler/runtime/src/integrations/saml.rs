//! SAML (`charms.saml_integrator.v0.saml`, `PaaSSAMLRelationData`).

use super::{invalid, relation, Ctx, EnvCx, Found, Read, Sample};
use crate::deployment::Relation;
use crate::provenance::{var, Source, Var};
use crate::status::{PyError, Stop};
use paasc_syntax::anyurl::any_http_url;

/// `PaaSSAMLRelationData`, with URLs already in pydantic's string form.
#[derive(Clone, Debug)]
pub(crate) struct Data {
    pub entity_id: String,
    pub metadata_url: Option<String>,
    pub signing_certificate: String,
    pub sso_redirect_url: Option<String>,
    /// The field the single sign-on redirect URL was read from.
    pub sso_redirect_field: &'static str,
}

impl Found for Data {
    /// The metadata URL, which the app fetches (the sign-on URLs are the browser's).
    fn destinations(&self) -> Vec<(String, u16)> {
        self.metadata_url
            .iter()
            .flat_map(|u| crate::net::of_url(u, "https"))
            .collect()
    }
}

/// The provider's data; `Invalid saml relation data.` when pydantic rejects it. (The library
/// reads the relation with `Model.get_relation`, so several relations raise.)
pub(crate) fn read(_: &Ctx, _: &str, rel: &Relation) -> Read {
    let data = &rel.app_data;
    if data.is_empty() {
        return Ok(None);
    }
    let Some(certs) = data.get("x509certs") else {
        return Err(PyError::new(
            "AttributeError",
            "'NoneType' object has no attribute 'split'",
        )
        .into());
    };
    let entity_id = data
        .get("entity_id")
        .cloned()
        .ok_or_else(|| invalid("saml"))?;
    let url = |v: Option<&String>| -> Result<Option<String>, Stop> {
        match v {
            None => Ok(None),
            Some(u) => any_http_url(u).map(Some).ok_or_else(|| invalid("saml")),
        }
    };
    let metadata_url = url(data.get("metadata_url"))?;
    let mut sso_redirect_url = None;
    let mut sso_redirect_field = "";
    for service in ["single_sign_on_service", "single_logout_service"] {
        for method in ["redirect", "post"] {
            let prefix = format!("{service}_{method}_");
            let Some(u) = data.get(&format!("{prefix}url")) else {
                continue;
            };
            let binding = data
                .get(&format!("{prefix}binding"))
                .ok_or_else(|| invalid("saml"))?;
            let u = url(Some(u))?;
            url(data.get(&format!("{prefix}response_url")))?;
            if service == "single_sign_on_service"
                && sso_redirect_url.is_none()
                && binding.to_lowercase().contains("redirect")
            {
                sso_redirect_url = u;
                sso_redirect_field = if method == "redirect" {
                    "single_sign_on_service_redirect_url"
                } else {
                    "single_sign_on_service_post_url"
                };
            }
        }
    }
    let signing_certificate = certs.split(',').next().unwrap_or("").to_string();
    Ok(Some(Box::new(Data {
        entity_id,
        metadata_url,
        signing_certificate,
        sso_redirect_url,
        sso_redirect_field,
    })))
}

/// A SAML identity provider at `host`.
pub(crate) fn sample(s: &Sample) -> Relation {
    let url = |path: &str| format!("https://{}/{path}", s.host);
    relation(&[
        ("entity_id", &url("metadata")),
        ("metadata_url", &url("metadata")),
        ("x509certs", "MIIC"),
        ("single_sign_on_service_redirect_url", &url("sso")),
        (
            "single_sign_on_service_redirect_binding",
            "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
        ),
    ])
}

/// The relation field `name`.
fn field(name: &'static str) -> Vec<Source> {
    vec![Source::relation("saml", &[name])]
}

/// `generate_saml_env` (Spring Boot's `spring.security.saml2.*` for Spring Boot).
pub(crate) fn env(cx: &EnvCx, found: Option<&dyn Found>) -> Result<Vec<Var>, PyError> {
    cx.map(found, |d: &Data| Ok(plain_env(d)), spring_env)
}

fn plain_env(d: &Data) -> Vec<Var> {
    let mut out = vec![var(
        "SAML_ENTITY_ID",
        d.entity_id.clone(),
        field("entity_id"),
    )];
    if let Some(u) = &d.metadata_url {
        out.push(var("SAML_METADATA_URL", u.clone(), field("metadata_url")));
    }
    if let Some(u) = &d.sso_redirect_url {
        out.push(var(
            "SAML_SINGLE_SIGN_ON_REDIRECT_URL",
            u.clone(),
            field(d.sso_redirect_field),
        ));
    }
    out.push(var(
        "SAML_SIGNING_CERTIFICATE",
        d.signing_certificate.clone(),
        field("x509certs"),
    ));
    out
}

/// Spring Boot's `spring.security.saml2.*` (registration id `testentity`).
fn spring_env(d: &Data) -> Result<Vec<Var>, PyError> {
    const P: &str = "spring.security.saml2.relyingparty.registration.testentity";
    let metadata = d.metadata_url.clone().ok_or_else(|| {
        PyError::new(
            "AttributeError",
            "'NoneType' object has no attribute 'unicode_string'",
        )
    })?;
    let mut out = vec![
        var(
            format!("{P}.assertingparty.metadata-uri"),
            metadata,
            field("metadata_url"),
        ),
        var(
            format!("{P}.entity-id"),
            d.entity_id.clone(),
            field("entity_id"),
        ),
    ];
    if let Some(u) = &d.sso_redirect_url {
        out.push(var(
            format!("{P}.assertingparty.singlesignin.url"),
            u.clone(),
            field(d.sso_redirect_field),
        ));
    }
    if !d.signing_certificate.is_empty() {
        out.push(var(
            format!("{P}.assertingparty.verification.credentials[0].certificate-location"),
            "file:/app/saml.cert",
            vec![Source::Framework],
        ));
    }
    Ok(out)
}
