//! OAuth (`charms.hydra.v0.oauth`, `PaaSOAuthRequirer`): one endpoint of interface `oauth`.

use super::{invalid, Ctx};
use crate::config::Value;
use crate::deployment::ConfigValue;
use crate::pyjson::{dumps, PyValue};
use crate::status::Stop;

/// The declared OAuth endpoint and, when the provider created the client, its data.
#[derive(Clone, Debug)]
pub(crate) struct Requirer {
    pub endpoint: String,
    pub scopes: String,
    pub related_app: Option<String>,
    pub data: Option<Data>,
}

/// `PaaSOAuthRelationData`.
#[derive(Clone, Debug)]
pub(crate) struct Data {
    pub client_id: String,
    pub client_secret: String,
    pub issuer_url: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub userinfo_endpoint: String,
    pub jwks_endpoint: String,
    pub scopes: String,
    pub provider_name: String,
    pub redirect_uri: String,
    pub user_name_attribute: String,
}

fn config_str(ctx: &Ctx, key: &str) -> Option<String> {
    match ctx.config.get(key)? {
        Value::Plain(ConfigValue::Str(s)) => Some(s.clone()),
        Value::Plain(ConfigValue::Int(i)) => Some(i.to_string()),
        Value::Plain(ConfigValue::Float(f)) => Some(crate::pyjson::float_json(*f)),
        Value::Plain(ConfigValue::Bool(b)) => Some(if *b { "True" } else { "False" }.into()),
        Value::Secret(_) => None,
    }
}

/// The requirer, when exactly one `oauth` endpoint is declared. Several relations on it raise
/// (`OAuthRequirer.is_client_created`).
pub(crate) fn requirer(ctx: &Ctx) -> Result<Option<Requirer>, Stop> {
    let eps: Vec<_> = ctx
        .requires
        .iter()
        .filter(|e| e.interface == "oauth")
        .collect();
    let [ep] = eps.as_slice() else {
        return Ok(None);
    };
    let name = ep.name.clone();
    let redirect_path =
        config_str(ctx, &format!("{name}-redirect-path")).unwrap_or_else(|| "/callback".into());
    let scopes = config_str(ctx, &format!("{name}-scopes")).unwrap_or_else(|| "None".into());
    let redirect_uri = format!(
        "{}/{}",
        ctx.base_url.trim_end_matches('/'),
        redirect_path.trim_start_matches('/')
    );
    let rel = ctx.unique_or_runtime_error(&name)?;
    let mut req = Requirer {
        endpoint: name.clone(),
        scopes: scopes.clone(),
        related_app: rel.map(|r| r.remote_app_name.clone()),
        data: None,
    };
    let Some(rel) = rel else {
        return Ok(Some(req));
    };
    let client_created = rel.app_data.contains_key("client_id");
    if !client_created {
        return Ok(Some(req));
    }
    let get = |k: &str| rel.app_data.get(k).cloned().ok_or_else(|| invalid("oauth"));
    let client_secret = rel
        .secrets
        .get("client_secret_id")
        .and_then(|c| c.get("secret"))
        .cloned()
        .ok_or_else(|| invalid("oauth"))?;
    req.data = Some(Data {
        client_id: get("client_id")?,
        client_secret,
        issuer_url: get("issuer_url")?,
        authorization_endpoint: get("authorization_endpoint")?,
        token_endpoint: get("token_endpoint")?,
        userinfo_endpoint: get("userinfo_endpoint")?,
        jwks_endpoint: get("jwks_endpoint")?,
        scopes,
        provider_name: name.clone(),
        redirect_uri,
        user_name_attribute: config_str(ctx, &format!("{name}-user-name-attribute"))
            .unwrap_or_else(|| "sub".into()),
    });
    Ok(Some(req))
}

/// Whether an OAuth variable is a credential (the client secret).
pub(crate) fn is_secret(name: &str) -> bool {
    name.ends_with("_CLIENT_SECRET") || name.ends_with(".client-secret")
}

/// `generate_oauth_env`: `<FLASK|DJANGO|APP>_<ENDPOINT>_*`.
pub(crate) fn env(framework: &str, d: &Data) -> Vec<(String, String)> {
    let fw = if framework == "flask" || framework == "django" {
        framework.to_uppercase()
    } else {
        "APP".into()
    };
    let p = format!("{fw}_{}", d.provider_name.to_uppercase());
    let kwargs = PyValue::Dict(vec![("scope".into(), PyValue::Str(d.scopes.clone()))]);
    vec![
        (format!("{p}_CLIENT_ID"), d.client_id.clone()),
        (format!("{p}_CLIENT_SECRET"), d.client_secret.clone()),
        (format!("{p}_API_BASE_URL"), d.issuer_url.clone()),
        (
            format!("{p}_AUTHORIZE_URL"),
            d.authorization_endpoint.clone(),
        ),
        (format!("{p}_ACCESS_TOKEN_URL"), d.token_endpoint.clone()),
        (format!("{p}_USER_URL"), d.userinfo_endpoint.clone()),
        (format!("{p}_CLIENT_KWARGS"), dumps(&kwargs)),
        (format!("{p}_JWKS_URL"), d.jwks_endpoint.clone()),
    ]
}

/// Spring Boot's `spring.security.oauth2.client.*`.
pub(crate) fn spring_env(d: &Data) -> Vec<(String, String)> {
    let n = &d.provider_name;
    let reg = format!("spring.security.oauth2.client.registration.{n}");
    let prov = format!("spring.security.oauth2.client.provider.{n}");
    let scope: Vec<&str> = d.scopes.split_whitespace().collect();
    vec![
        (format!("{reg}.client-id"), d.client_id.clone()),
        (format!("{reg}.client-secret"), d.client_secret.clone()),
        (format!("{reg}.redirect-uri"), d.redirect_uri.clone()),
        (format!("{reg}.scope"), scope.join(",")),
        (
            format!("{reg}.user-name-attribute"),
            d.user_name_attribute.clone(),
        ),
        (
            format!("{prov}.authorization-uri"),
            d.authorization_endpoint.clone(),
        ),
        (format!("{prov}.issuer-uri"), d.issuer_url.clone()),
        (format!("{prov}.jwk-set-uri"), d.jwks_endpoint.clone()),
        (format!("{prov}.token-uri"), d.token_endpoint.clone()),
        (format!("{prov}.user-info-uri"), d.userinfo_endpoint.clone()),
        (
            format!("{prov}.user-name-attribute"),
            d.user_name_attribute.clone(),
        ),
        (
            format!("{reg}.authorization-grant-type"),
            "authorization_code".into(),
        ),
    ]
}
