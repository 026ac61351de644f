//! `compile --provision ENDPOINT`: run a backing service for the integration on ENDPOINT in
//! `compose.yaml`, as if a provider named like the endpoint were related.
//!
//! The relation data is the integration row's sample ([`paasc_runtime::Integration::sample`]),
//! at the host ENDPOINT, with credentials paasc generates once: a later compile reads them back
//! from `OUT/compose/ENDPOINT.env` (the backing service's environment file, which compose
//! reads) and reuses them, so a database keeps working across compiles. The data is given to
//! the profile as `--set integrations.ENDPOINT.data...` values (applied before the user's own
//! `--set`s), so paas-charm's environment is computed from it as from any relation, and
//! `compose.yaml` recognises the sample and provisions the service.

use paasc_emit::compose::{Value, BACKINGS, PROVISION_DIR};
use paasc_syntax::Yaml;
use std::path::Path;

/// The user and database name paasc asks a provisioned service for.
const NAME: &str = "app";

/// The `--set` arguments that relate each of `endpoints` to a provisioned service, for the
/// charm whose `charmcraft.yaml` is `charm`, compiling into `out`; or what is wrong.
pub fn sets(charm: &str, endpoints: &[String], out: &Path) -> Result<Vec<String>, String> {
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
        let kept = std::fs::read_to_string(out.join(format!("{PROVISION_DIR}{endpoint}.env")))
            .unwrap_or_default();
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
        let password = kept(|v| matches!(v, Value::Password)).unwrap_or_else(generate);
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

/// A new password: 24 letters and digits from the operating system's randomness.
fn generate() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = [0u8; 24];
    let from_os = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut bytes))
        .is_ok();
    if !from_os {
        use std::hash::{BuildHasher, Hasher};
        for chunk in bytes.chunks_mut(8) {
            let mut h = std::collections::hash_map::RandomState::new().build_hasher();
            h.write_usize(chunk.as_ptr() as usize);
            let n = h.finish().to_le_bytes();
            chunk.copy_from_slice(&n[..chunk.len()]);
        }
    }
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHARM: &str = "name: web\nrequires:\n  db: {interface: postgresql_client}\n  mail: {interface: smtp}\n  other: {interface: nothing}\n";

    #[test]
    fn credentials_are_generated_once_then_read_back() {
        let dir = std::env::temp_dir().join(format!("paasc-provision-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let first = sets(CHARM, &["db".into()], &dir).expect("sets");
        assert!(first.contains(&"integrations.db.data.endpoints='db:5432'".to_string()));
        let pw = first
            .iter()
            .find_map(|s| s.strip_prefix("integrations.db.data.password="))
            .expect("password")
            .trim_matches('\'')
            .to_string();
        assert_eq!(pw.len(), 24);
        assert_ne!(sets(CHARM, &["db".into()], &dir).expect("sets"), first);
        std::fs::create_dir_all(dir.join("compose")).expect("mkdir");
        std::fs::write(
            dir.join("compose/db.env"),
            format!("POSTGRES_USER='app'\nPOSTGRES_PASSWORD='{pw}'\nPOSTGRES_DB='app'\n"),
        )
        .expect("write");
        assert_eq!(sets(CHARM, &["db".into()], &dir).expect("sets"), first);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn unknown_endpoints_and_interfaces_are_refused() {
        let dir = Path::new("/nonexistent");
        assert!(sets(CHARM, &["nope".into()], dir)
            .expect_err("refused")
            .contains("requires no endpoint"));
        assert!(sets(CHARM, &["other".into()], dir)
            .expect_err("refused")
            .contains("no backing service"));
        assert!(sets(CHARM, &["mail".into()], dir).is_ok());
    }
}
