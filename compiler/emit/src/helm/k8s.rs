//! Kubernetes' own validation rules for the names and quantities a profile gives, so a bad value
//! is reported by `paasc compile` at its line instead of by the API server at install time.

/// A DNS-1123 label (`[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters): names of volumes,
/// containers and ports.
pub fn is_dns_label(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// A DNS-1123 subdomain (labels joined by `.`, at most 253 characters): names of Secrets and
/// most objects.
pub fn is_dns_subdomain(s: &str) -> bool {
    s.len() <= 253
        && s.split('.').all(|l| {
            !l.is_empty()
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

/// An Ingress host: a DNS-1123 subdomain, optionally starting with `*.`.
pub fn is_ingress_host(s: &str) -> bool {
    is_dns_subdomain(s.strip_prefix("*.").unwrap_or(s))
}

/// A resource quantity as the API server parses it (`500m`, `1.5Gi`, `2e3`, `128974848`).
pub fn is_quantity(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let digits_end = body
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(body.len());
    let (number, suffix) = body.split_at(digits_end);
    let valid_number = !number.is_empty()
        && number != "."
        && number.matches('.').count() <= 1
        && number.chars().any(|c| c.is_ascii_digit());
    let valid_suffix = match suffix {
        "" | "Ki" | "Mi" | "Gi" | "Ti" | "Pi" | "Ei" | "n" | "u" | "m" | "k" | "M" | "G" | "T"
        | "P" | "E" => true,
        exp => exp
            .strip_prefix(['e', 'E'])
            .map(|e| e.strip_prefix(['+', '-']).unwrap_or(e))
            .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())),
    };
    valid_number && valid_suffix
}

/// An image reference split into repository, tag and digest (`host:5000/a/b:1.0@sha256:...`).
pub fn split_image(reference: &str) -> (String, String, String) {
    let (rest, digest) = match reference.split_once('@') {
        Some((r, d)) => (r, d.to_string()),
        None => (reference, String::new()),
    };
    let name_start = rest.rfind('/').map_or(0, |i| i + 1);
    match rest[name_start..].rfind(':') {
        Some(i) => (
            rest[..name_start + i].to_string(),
            rest[name_start + i + 1..].to_string(),
            digest,
        ),
        None => (rest.to_string(), String::new(), digest),
    }
}

/// Whether `reference` is an image reference Kubernetes and container runtimes accept: a
/// lowercase repository path, an optional tag (`[\w][\w.-]{0,127}`) and an optional digest.
pub fn is_image(reference: &str) -> bool {
    let (repo, tag, digest) = split_image(reference);
    let parts: Vec<&str> = repo.split('/').collect();
    let has_domain = parts.len() > 1 && (parts[0].contains(['.', ':']) || parts[0] == "localhost");
    let repo_ok = !repo.is_empty()
        && parts.iter().enumerate().all(|(i, part)| {
            let domain = i == 0 && has_domain;
            !part.is_empty()
                && part.chars().all(|c| {
                    c.is_ascii_lowercase()
                        || c.is_ascii_digit()
                        || matches!(c, '.' | '_' | '-')
                        || (domain && (c == ':' || c.is_ascii_uppercase()))
                })
        });
    let tag_ok = tag.is_empty()
        || tag.len() <= 128
            && tag
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            && tag
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    let digest_ok = digest.is_empty()
        || digest.split_once(':').is_some_and(|(alg, hex)| {
            !alg.is_empty() && hex.len() >= 32 && hex.chars().all(|c| c.is_ascii_hexdigit())
        });
    repo_ok && tag_ok && digest_ok && !reference.ends_with(':') && !reference.contains(":@")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        for ok in [
            "500m",
            "1",
            "1.5Gi",
            "2e3",
            "0.5",
            "+1",
            "128974848",
            "1E-3",
            ".5",
            "5.",
        ] {
            assert!(is_quantity(ok), "{ok}");
        }
        for bad in ["", "lots", "1GB", "1.2.3", "m", "1 Gi", "1e", "-"] {
            assert!(!is_quantity(bad), "{bad}");
        }
    }

    #[test]
    fn names() {
        assert!(is_dns_label("data-1"));
        assert!(!is_dns_label("Data"));
        assert!(!is_dns_label("-a"));
        assert!(!is_dns_label(&"a".repeat(64)));
        assert!(is_dns_subdomain("web.example.com"));
        assert!(!is_dns_subdomain("web..example"));
        assert!(is_ingress_host("*.example.com"));
        assert!(is_ingress_host("notes.example.com"));
        assert!(!is_ingress_host("Notes.example.com"));
        assert!(!is_ingress_host("https://notes.example.com/"));
    }

    #[test]
    fn images() {
        let s = |a: &str, b: &str, c: &str| (a.to_string(), b.to_string(), c.to_string());
        assert_eq!(
            split_image("ghcr.io/acme/web:1.0"),
            s("ghcr.io/acme/web", "1.0", "")
        );
        assert_eq!(
            split_image("localhost:5000/web"),
            s("localhost:5000/web", "", "")
        );
        assert_eq!(
            split_image("web@sha256:0123456789abcdef0123456789abcdef"),
            s("web", "", "sha256:0123456789abcdef0123456789abcdef")
        );
        assert!(is_image("ghcr.io/acme/web:1.0"));
        assert!(is_image("localhost:5000/web"));
        assert!(!is_image("Web:1"));
        assert!(!is_image("web:"));
        assert!(!is_image("web:bad tag"));
    }
}
