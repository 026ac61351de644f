//! `compile --provision ENDPOINT`, pure: the relation data that runs a backing service for
//! the integration on ENDPOINT in `compose.yaml`, as if a provider named like the endpoint were
//! related.
//!
//! The relation data is the integration row's sample ([`paasc_runtime::Integration::sample`]),
//! at the host ENDPOINT, with credentials generated once: a later compile reads them back from
//! `OUT/compose/ENDPOINT.env` (the backing service's environment file, which compose reads; the
//! binary reads it) and reuses them, so a database keeps working across compiles. The data is
//! given to the profile as `--set integrations.ENDPOINT.data...` values (applied before the
//! user's own `--set`s), so paas-charm's environment is computed from it as from any relation,
//! and `compose.yaml` recognises the sample and provisions the service.

use super::{Value, BACKINGS};
use paasc_syntax::Yaml;

/// The user and database name paasc asks a provisioned service for.
const NAME: &str = "app";

/// The `--set` arguments that relate each of `endpoints` to a provisioned service, for the
/// charm whose `charmcraft.yaml` is `charm`; or what is wrong. `kept` gives the text of an
/// endpoint's `compose/<endpoint>.env` from an earlier compile (empty when there is none), whose
/// credentials are reused; `generate` makes a new password.
pub fn sets(
    charm: &str,
    endpoints: &[String],
    kept: &dyn Fn(&str) -> String,
    generate: &mut dyn FnMut() -> String,
) -> Result<Vec<String>, String> {
    let (tree, _) = paasc_syntax::parse(
        paasc_diag::FileId(0),
        charm,
        paasc_syntax::Limits::default(),
    );
    let doc = tree
        .root()
        .map(|r| Yaml::from_tree(&tree, r))
        .unwrap_or(Yaml::Null);
    let mut out_sets = Vec::new();
    for endpoint in endpoints {
        let interface = doc
            .get("requires")
            .and_then(|r| r.get(endpoint))
            .and_then(|e| e.get("interface"))
            .and_then(Yaml::as_str)
            .ok_or_else(|| {
                format!("--provision {endpoint}: charmcraft.yaml requires no endpoint `{endpoint}` with an interface")
            })?;
        let backing = BACKINGS
            .iter()
            .find(|b| b.interface == interface)
            .ok_or_else(|| {
                let known: Vec<&str> = BACKINGS.iter().map(|b| b.interface).collect();
                format!(
                    "--provision {endpoint}: paasc has no backing service for the `{interface}` interface (it has: {})",
                    known.join(", ")
                )
            })?;
        let sample = paasc_runtime::TABLE
            .iter()
            .find(|r| r.interface == interface)
            .and_then(|r| r.sample)
            .ok_or_else(|| {
                format!("--provision {endpoint}: paas-charm reads no `{interface}` relation data")
            })?;
        if endpoint.contains('.') {
            return Err(format!(
                "--provision {endpoint}: an endpoint name with `.` cannot be given with --set"
            ));
        }
        let kept = kept(endpoint);
        let kept = |role: fn(&Value) -> bool| -> Option<String> {
            let name = backing.env.iter().find(|(_, v)| role(v))?.0;
            kept.lines().find_map(|l| {
                let v = l
                    .strip_prefix(name)?
                    .strip_prefix("='")?
                    .strip_suffix('\'')?;
                (!v.is_empty() && v.chars().all(|c| c.is_ascii_alphanumeric()))
                    .then(|| v.to_string())
            })
        };
        let password = kept(|v| matches!(v, Value::Password)).unwrap_or_else(&mut *generate);
        let user = kept(|v| matches!(v, Value::User)).unwrap_or_else(|| NAME.into());
        let database = kept(|v| matches!(v, Value::Database)).unwrap_or_else(|| NAME.into());
        let relation = sample(&paasc_runtime::Sample {
            host: endpoint,
            user: &user,
            password: &password,
            database: &database,
        });
        let quoted = |v: &str| format!("'{}'", v.replace('\'', "''"));
        for (k, v) in &relation.app_data {
            out_sets.push(format!("integrations.{endpoint}.data.{k}={}", quoted(v)));
        }
        for (unit, bag) in &relation.units_data {
            for (k, v) in bag {
                out_sets.push(format!(
                    "integrations.{endpoint}.units.{unit}.{k}={}",
                    quoted(v)
                ));
            }
        }
    }
    Ok(out_sets)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHARM: &str = "name: web\nrequires:\n  db: {interface: postgresql_client}\n  mail: {interface: smtp}\n  other: {interface: nothing}\n";

    fn sets_of(endpoints: &[&str], kept: &str) -> Result<Vec<String>, String> {
        let endpoints: Vec<String> = endpoints.iter().map(|e| e.to_string()).collect();
        let kept = kept.to_string();
        sets(CHARM, &endpoints, &|_| kept.clone(), &mut || "new".into())
    }

    #[test]
    fn unknown_endpoints_and_interfaces_are_refused() {
        assert!(sets_of(&["nope"], "")
            .expect_err("refused")
            .contains("requires no endpoint"));
        assert!(sets_of(&["other"], "")
            .expect_err("refused")
            .contains("no backing service"));
        assert!(sets_of(&["mail"], "").is_ok());
    }

    #[test]
    fn kept_credentials_are_reused() {
        let fresh = sets_of(&["db"], "").expect("sets");
        assert!(fresh.contains(&"integrations.db.data.password='new'".to_string()));
        let kept = "POSTGRES_USER='u1'\nPOSTGRES_PASSWORD='pw1'\nPOSTGRES_DB='d1'\n";
        let again = sets_of(&["db"], kept).expect("sets");
        assert!(again.contains(&"integrations.db.data.password='pw1'".to_string()));
        assert!(again.contains(&"integrations.db.data.username='u1'".to_string()));
        assert!(again.contains(&"integrations.db.data.database='d1'".to_string()));
    }
}
