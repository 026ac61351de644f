//! `compile --provision ENDPOINT`'s I/O: the credentials kept in `OUT/compose/ENDPOINT.env`
//! by an earlier compile, and new passwords from the operating system's randomness; the
//! relation data itself is [`paasc_emit::compose::provision`].

use paasc_emit::compose::PROVISION_DIR;
use std::path::Path;

/// The `--set` arguments that relate each of `endpoints` to a provisioned service, for the
/// charm whose `charmcraft.yaml` is `charm`, compiling into `out`; or what is wrong.
pub fn sets(charm: &str, endpoints: &[String], out: &Path) -> Result<Vec<String>, String> {
    let kept = |endpoint: &str| {
        std::fs::read_to_string(out.join(format!("{PROVISION_DIR}{endpoint}.env")))
            .unwrap_or_default()
    };
    paasc_emit::compose::provision::sets(charm, endpoints, &kept, &mut generate)
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
}
