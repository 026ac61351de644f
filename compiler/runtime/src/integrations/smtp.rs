//! SMTP (`charms.smtp_integrator.v0.smtp`).

use super::{relation, Ctx, EnvCx, Found, Read, Sample};
use crate::deployment::Relation;
use crate::provenance::{var, Source, Var};
use crate::status::{PyError, Stop};
use crate::urlparse::py_repr;

/// `SmtpRelationData`.
#[derive(Clone, Debug)]
pub(crate) struct Data {
    pub host: String,
    pub port: i64,
    pub user: Option<String>,
    pub password: Option<String>,
    pub auth_type: String,
    pub transport_security: String,
    pub domain: Option<String>,
    pub skip_ssl_verify: bool,
}

impl Found for Data {
    fn destinations(&self) -> Vec<(String, u16)> {
        crate::net::of_url(&format!("{}:{}", self.host, self.port), "")
    }
}

fn enum_value(v: Option<&String>, class: &str, allowed: &[&str]) -> Result<String, PyError> {
    match v {
        Some(s) if allowed.contains(&s.as_str()) => Ok(s.clone()),
        Some(s) => Err(PyError::value(format!(
            "{} is not a valid {class}",
            py_repr(s)
        ))),
        None => Err(PyError::value(format!("None is not a valid {class}"))),
    }
}

fn validation_error() -> Stop {
    PyError::new("ValidationError", "1 validation error for SmtpRelationData").into()
}

/// The provider's data (the password from its secret when sent that way). (The library reads
/// the relation with `Model.get_relation`, so several relations raise.)
pub(crate) fn read(_: &Ctx, _: &str, rel: &Relation) -> Read {
    let d = &rel.app_data;
    if d.is_empty() && rel.secrets.is_empty() {
        return Ok(None);
    }
    let mut password = d.get("password").cloned();
    if password.is_none() && rel.app_field("password_id").is_some() {
        password = rel
            .secrets
            .get("password_id")
            .and_then(|c| c.get("password"))
            .cloned();
    }
    let auth_type = enum_value(
        d.get("auth_type"),
        "AuthType",
        &["none", "not_provided", "plain"],
    )?;
    let transport_security = enum_value(
        d.get("transport_security"),
        "TransportSecurity",
        &["none", "starttls", "tls"],
    )?;
    let host = d
        .get("host")
        .filter(|h| !h.is_empty())
        .cloned()
        .ok_or_else(validation_error)?;
    let port = match d.get("port").map(|p| p.trim().parse::<i64>()) {
        Some(Ok(p)) if (1..=65536).contains(&p) => p,
        _ => return Err(validation_error()),
    };
    let skip_ssl_verify = match d.get("skip_ssl_verify").map(|s| s.to_lowercase()) {
        None => false,
        Some(s) => match s.as_str() {
            "0" | "off" | "f" | "false" | "n" | "no" => false,
            "1" | "on" | "t" | "true" | "y" | "yes" => true,
            _ => return Err(validation_error()),
        },
    };
    Ok(Some(Box::new(Data {
        host,
        port,
        user: d.get("user").cloned(),
        password,
        auth_type,
        transport_security,
        domain: d.get("domain").cloned(),
        skip_ssl_verify,
    })))
}

/// What the Compose back end's Mailpit serves: `host:1025`, no TLS, plain authentication (Mailpit
/// accepts any credentials there).
pub(crate) fn sample(s: &Sample) -> Relation {
    relation(&[
        ("host", s.host),
        ("port", "1025"),
        ("user", s.user),
        ("password", s.password),
        ("auth_type", "plain"),
        ("transport_security", "none"),
        ("domain", s.host),
    ])
}

fn py_bool(b: bool) -> String {
    if b { "True" } else { "False" }.into()
}

/// Whether an SMTP variable is a credential (the password).
pub(crate) fn is_secret(name: &str) -> bool {
    matches!(name, "SMTP_PASSWORD" | "spring.mail.password")
}

/// The relation fields `names`.
fn fields(names: &[&'static str]) -> Vec<Source> {
    vec![Source::relation("smtp", names)]
}

/// `generate_smtp_env` (Spring Boot's `spring.mail.*` for Spring Boot).
pub(crate) fn env(cx: &EnvCx, found: Option<&dyn Found>) -> Result<Vec<Var>, PyError> {
    cx.map(found, |d: &Data| Ok(plain_env(d)), |d| Ok(spring_env(d)))
}

/// Values that are substrings of `"none"` are dropped.
fn plain_env(d: &Data) -> Vec<Var> {
    let vars = [
        ("SMTP_HOST", Some(d.host.clone()), "host"),
        ("SMTP_PORT", Some(d.port.to_string()), "port"),
        ("SMTP_USER", d.user.clone(), "user"),
        ("SMTP_PASSWORD", d.password.clone(), "password"),
        ("SMTP_AUTH_TYPE", Some(d.auth_type.clone()), "auth_type"),
        (
            "SMTP_TRANSPORT_SECURITY",
            Some(d.transport_security.clone()),
            "transport_security",
        ),
        ("SMTP_DOMAIN", d.domain.clone(), "domain"),
        (
            "SMTP_SKIP_SSL_VERIFY",
            Some(py_bool(d.skip_ssl_verify)),
            "skip_ssl_verify",
        ),
    ];
    vars.into_iter()
        .filter_map(|(k, v, f)| {
            v.filter(|v| !"none".contains(v.as_str()))
                .map(|v| var(k, v, fields(&[f])))
        })
        .collect()
}

/// Spring Boot's `spring.mail.*` (the port as a number, as paas-charm puts an int there).
fn spring_env(d: &Data) -> Vec<Var> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "None".into());
    vec![
        var("spring.mail.host", d.host.clone(), fields(&["host"])),
        var("spring.mail.port", d.port.to_string(), fields(&["port"])),
        var(
            "spring.mail.username",
            format!("{}@{}", opt(&d.user), opt(&d.domain)),
            fields(&["user", "domain"]),
        ),
        var(
            "spring.mail.password",
            opt(&d.password),
            fields(&["password"]),
        ),
        var(
            "spring.mail.properties.mail.smtp.auth",
            d.auth_type.clone(),
            fields(&["auth_type"]),
        ),
        var(
            "spring.mail.properties.mail.smtp.starttls.enable",
            (d.transport_security == "starttls").to_string(),
            fields(&["transport_security"]),
        ),
    ]
}
