//! OAuth (`charms.hydra.v0.oauth`, `PaaSOAuthRequirer`): one endpoint of interface `oauth`.

use super::{invalid, Ctx};
use crate::config::Value;
use crate::deployment::ConfigValue;
use crate::provenance::{var, Given, Source, Var};
use crate::pyjson::{dumps, PyValue};
use crate::status::{Cause, Stop};

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
    /// Where the options the data takes (scopes, redirect path, user name attribute) got their
    /// values, by option name.
    pub options: Vec<(String, Given)>,
}

/// Where the option `key` has its value, if it has one.
fn given(ctx: &Ctx, key: &str) -> Option<(String, Given)> {
    let how = if ctx.dep.config.contains_key(key) {
        Given::Set
    } else if ctx.config.contains_key(key) {
        Given::Default
    } else {
        return None;
    };
    Some((key.to_string(), how))
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
    let bad = || invalid("oauth").because(Cause::RelationData(name.clone()));
    let get = |k: &str| rel.app_data.get(k).cloned().ok_or_else(bad);
    let client_secret = rel
        .secrets
        .get("client_secret_id")
        .and_then(|c| c.get("secret"))
        .cloned()
        .ok_or_else(bad)?;
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
        options: ["scopes", "redirect-path", "user-name-attribute"]
            .iter()
            .filter_map(|o| given(ctx, &format!("{name}-{o}")))
            .collect(),
    });
    Ok(Some(req))
}

/// Whether an OAuth variable is a credential (the client secret).
pub(crate) fn is_secret(name: &str) -> bool {
    name.ends_with("_CLIENT_SECRET") || name.ends_with(".client-secret")
}

impl Data {
    /// The relation field `name`.
    fn field(&self, name: &str) -> Vec<Source> {
        vec![Source::relation(&self.provider_name, &[name])]
    }

    /// The option `<endpoint>-<option>` when it has a value, else paas-charm's default.
    fn option(&self, option: &str) -> Vec<Source> {
        let name = format!("{}-{option}", self.provider_name);
        let from = self.options.iter().find(|(o, _)| *o == name);
        vec![
            from.map_or(Source::Framework, |(name, given)| Source::Option {
                name: name.clone(),
                given: *given,
            }),
        ]
    }
}

/// `generate_oauth_env`: `<FLASK|DJANGO|APP>_<ENDPOINT>_*`.
pub(crate) fn env(framework: &str, d: &Data) -> Vec<Var> {
    let fw = if framework == "flask" || framework == "django" {
        framework.to_uppercase()
    } else {
        "APP".into()
    };
    let p = format!("{fw}_{}", d.provider_name.to_uppercase());
    let kwargs = PyValue::Dict(vec![("scope".into(), PyValue::Str(d.scopes.clone()))]);
    vec![
        var(
            format!("{p}_CLIENT_ID"),
            d.client_id.clone(),
            d.field("client_id"),
        ),
        var(
            format!("{p}_CLIENT_SECRET"),
            d.client_secret.clone(),
            d.field("secret"),
        ),
        var(
            format!("{p}_API_BASE_URL"),
            d.issuer_url.clone(),
            d.field("issuer_url"),
        ),
        var(
            format!("{p}_AUTHORIZE_URL"),
            d.authorization_endpoint.clone(),
            d.field("authorization_endpoint"),
        ),
        var(
            format!("{p}_ACCESS_TOKEN_URL"),
            d.token_endpoint.clone(),
            d.field("token_endpoint"),
        ),
        var(
            format!("{p}_USER_URL"),
            d.userinfo_endpoint.clone(),
            d.field("userinfo_endpoint"),
        ),
        var(
            format!("{p}_CLIENT_KWARGS"),
            dumps(&kwargs),
            d.option("scopes"),
        ),
        var(
            format!("{p}_JWKS_URL"),
            d.jwks_endpoint.clone(),
            d.field("jwks_endpoint"),
        ),
    ]
}

/// Spring Boot's `spring.security.oauth2.client.*`.
pub(crate) fn spring_env(d: &Data) -> Vec<Var> {
    let n = &d.provider_name;
    let reg = format!("spring.security.oauth2.client.registration.{n}");
    let prov = format!("spring.security.oauth2.client.provider.{n}");
    let scope: Vec<&str> = d.scopes.split_whitespace().collect();
    let mut redirect = vec![Source::BaseUrl { ingress: true }];
    redirect.extend(d.option("redirect-path"));
    vec![
        var(
            format!("{reg}.client-id"),
            d.client_id.clone(),
            d.field("client_id"),
        ),
        var(
            format!("{reg}.client-secret"),
            d.client_secret.clone(),
            d.field("secret"),
        ),
        var(
            format!("{reg}.redirect-uri"),
            d.redirect_uri.clone(),
            redirect,
        ),
        var(format!("{reg}.scope"), scope.join(","), d.option("scopes")),
        var(
            format!("{reg}.user-name-attribute"),
            d.user_name_attribute.clone(),
            d.option("user-name-attribute"),
        ),
        var(
            format!("{prov}.authorization-uri"),
            d.authorization_endpoint.clone(),
            d.field("authorization_endpoint"),
        ),
        var(
            format!("{prov}.issuer-uri"),
            d.issuer_url.clone(),
            d.field("issuer_url"),
        ),
        var(
            format!("{prov}.jwk-set-uri"),
            d.jwks_endpoint.clone(),
            d.field("jwks_endpoint"),
        ),
        var(
            format!("{prov}.token-uri"),
            d.token_endpoint.clone(),
            d.field("token_endpoint"),
        ),
        var(
            format!("{prov}.user-info-uri"),
            d.userinfo_endpoint.clone(),
            d.field("userinfo_endpoint"),
        ),
        var(
            format!("{prov}.user-name-attribute"),
            d.user_name_attribute.clone(),
            d.option("user-name-attribute"),
        ),
        var(
            format!("{reg}.authorization-grant-type"),
            "authorization_code",
            vec![Source::Framework],
        ),
    ]
}
