//! OAuth (`charms.hydra.v0.oauth`, `PaaSOAuthRequirer`): one endpoint of interface `oauth`.

use super::{invalid, relation, Ctx, Endpoint, EnvCx, Found, Read, Sample};
use crate::config::Value;
use crate::deployment::{ConfigValue, Relation};
use crate::provenance::{var, Given, Source, Var};
use crate::pyjson::{dumps, PyValue};
use crate::status::{Cause, PyError, Stop};

/// The declared OAuth endpoint and, when the provider created the client, its data.
#[derive(Clone, Debug)]
pub(crate) struct Requirer {
    pub endpoint: String,
    pub scopes: String,
    pub related_app: Option<String>,
    pub data: Option<Data>,
}

impl Found for Requirer {
    fn usable(&self) -> bool {
        self.data.is_some()
    }

    /// The identity provider's endpoints the app calls itself (not the browser's
    /// authorization endpoint).
    fn destinations(&self) -> Vec<(String, u16)> {
        self.data
            .iter()
            .flat_map(|d| {
                [
                    &d.issuer_url,
                    &d.token_endpoint,
                    &d.userinfo_endpoint,
                    &d.jwks_endpoint,
                ]
            })
            .flat_map(|u| crate::net::of_url(u, "https"))
            .collect()
    }
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

/// The requirer on the one `oauth` endpoint `name`, with the client's data when the provider
/// created it. (Several relations on it raise: `OAuthRequirer.is_client_created`.)
pub(crate) fn read(ctx: &Ctx, name: &str, rel: Option<&Relation>) -> Read {
    let name = name.to_string();
    let redirect_path =
        config_str(ctx, &format!("{name}-redirect-path")).unwrap_or_else(|| "/callback".into());
    let scopes = config_str(ctx, &format!("{name}-scopes")).unwrap_or_else(|| "None".into());
    let redirect_uri = format!(
        "{}/{}",
        ctx.base_url.trim_end_matches('/'),
        redirect_path.trim_start_matches('/')
    );
    let mut req = Requirer {
        endpoint: name.clone(),
        scopes: scopes.clone(),
        related_app: rel.map(|r| r.remote_app_name.clone()),
        data: None,
    };
    let Some(rel) = rel else {
        return Ok(Some(Box::new(req)));
    };
    let client_created = rel.app_data.contains_key("client_id");
    if !client_created {
        return Ok(Some(Box::new(req)));
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
    Ok(Some(Box::new(req)))
}

/// Hydra at `host`, having created the client `user` with the secret `password`.
pub(crate) fn sample(s: &Sample) -> Relation {
    let url = |path: &str| format!("https://{}{path}", s.host);
    let mut rel = relation(&[
        ("client_id", s.user),
        ("client_secret_id", "secret:oauth-client"),
        ("issuer_url", &url("")),
        ("authorization_endpoint", &url("/oauth2/auth")),
        ("token_endpoint", &url("/oauth2/token")),
        ("userinfo_endpoint", &url("/userinfo")),
        ("jwks_endpoint", &url("/.well-known/jwks.json")),
    ]);
    let secret = [("secret".to_string(), s.password.to_string())];
    rel.secrets
        .insert("client_secret_id".into(), secret.into_iter().collect());
    rel
}

/// Before `restart`, in `is_ready`: a related provider that has not created the client yet,
/// or OAuth without the ingress that gives its redirect URL, block the unit.
pub(crate) fn ready(requirer: Option<&Requirer>, ingress: bool) -> Result<(), Stop> {
    let Some(o) = requirer else {
        return Ok(());
    };
    let Some(app) = &o.related_app else {
        return Ok(());
    };
    if o.data.is_none() {
        return Err(Stop::Blocked(format!("Please check {app} charm!"))
            .because(Cause::RelationData(o.endpoint.clone())));
    }
    if !ingress {
        return Err(Stop::Blocked(
            "Ingress relation is required for OIDC to work correctly!".into(),
        )
        .because(Cause::MissingIntegrations(vec!["ingress".into()])));
    }
    Ok(())
}

/// In `is_ready`: a second endpoint of the interface blocks the unit.
pub(crate) fn one_endpoint(requires: &[Endpoint]) -> Result<(), Stop> {
    let Some(second) = requires.iter().filter(|e| e.interface == "oauth").nth(1) else {
        return Ok(());
    };
    Err(
        Stop::Blocked("Multiple OAuth relations are not supported at the moment".into()).because(
            Cause::Declaration {
                endpoint: second.name.clone(),
                field: None,
            },
        ),
    )
}

/// In `restart`: the scopes must include `openid`.
pub(crate) fn scopes(requirer: Option<&Requirer>) -> Result<(), Stop> {
    match requirer {
        Some(o) if !o.scopes.contains("openid") => Err(Stop::Blocked(
            "The 'openid' scope is required for OAuth integration, please add it to the scopes."
                .into(),
        )
        .because(Cause::Options {
            missing: Vec::new(),
            invalid: vec![format!("{}-scopes", o.endpoint)],
        })),
        _ => Ok(()),
    }
}

/// Whether an OAuth variable is a credential (the client secret).
pub(crate) fn is_secret(name: &str) -> bool {
    name.ends_with("_CLIENT_SECRET") || name.ends_with(".client-secret")
}

impl Data {
    /// The relation field `name`.
    fn field(&self, name: &'static str) -> Vec<Source> {
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

/// `generate_oauth_env` (Spring Boot's `spring.security.oauth2.client.*` for Spring Boot).
pub(crate) fn env(cx: &EnvCx, found: Option<&dyn Found>) -> Result<Vec<Var>, PyError> {
    let framework = cx.spec.name;
    cx.map(
        found,
        |r: &Requirer| {
            Ok(r.data
                .as_ref()
                .map_or_else(Vec::new, |d| plain_env(framework, d)))
        },
        |r| Ok(r.data.as_ref().map_or_else(Vec::new, spring_env)),
    )
}

/// `<FLASK|DJANGO|APP>_<ENDPOINT>_*`.
fn plain_env(framework: &str, d: &Data) -> Vec<Var> {
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
fn spring_env(d: &Data) -> Vec<Var> {
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
