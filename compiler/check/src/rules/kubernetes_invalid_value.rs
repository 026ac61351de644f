//! H002: a value of the profile's `kubernetes:` section that the API server would refuse, checked
//! the way Kubernetes' own validation (`k8s.io/apimachinery/pkg/util/validation`,
//! `pkg/apis/core/validation`) checks it, so it is reported at its line instead of during
//! `helm install`.

use super::{ProfileCx, Stage};
use paasc_diag::{Diagnostic, Span};
use paasc_model::lower::Spanned;
use paasc_model::profile::Kubernetes;

paasc_diag::declare_code!(
    pub CODE = "H002", "helm-invalid-value", Error,
    "A `kubernetes:` value of the profile is one Kubernetes would reject.",
"The profile's `kubernetes:` section becomes the Helm chart's values. paasc checks them with
Kubernetes' own rules, so the problem is reported at its line instead of by the API server
during `helm install`: names of volumes, Secrets and hosts are DNS names (lowercase letters,
digits, `-` and `.`), annotation keys are qualified names (`example.com/name`), sizes and
resources are non-negative quantities (`500m`, `256Mi`, `1Gi`) of a known resource (`cpu`,
`memory`, `ephemeral-storage`, `hugepages-*` or a `domain/name`), a request is at most its
limit, an image reference is a lowercase repository with an optional tag and at most one
digest, each volume has its own name and mount path (not one the chart itself uses), replica
counts are not negative, and autoscaling's `min-replicas` is at least 1 and at most
`max-replicas`.

Example:

    kubernetes:
      resources:
        limits: {memory: 512MB}    # Kubernetes writes megabytes as 512M or 512Mi

Fix: write the value the way the message says."
);

pub(super) const STAGE: Stage = Stage::Profile(check);

/// The writable `emptyDir` volumes the chart mounts under a read-only root file system: (name,
/// mount path). gunicorn and the app write to `/tmp`; the log directories are under `/var/log`.
pub const SCRATCH_DIRS: [(&str, &str); 2] = [("tmp", "/tmp"), ("logs", "/var/log")];

/// The volume holding the files paas-charm writes (`gunicorn.conf.py`), from a ConfigMap (the
/// name the chart templates give it).
const FILES_VOLUME: &str = "files";

fn reserved_volume(name: &str) -> bool {
    name == FILES_VOLUME || SCRATCH_DIRS.iter().any(|(n, _)| *n == name)
}

fn check(cx: &ProfileCx) -> Vec<Diagnostic> {
    let Some(k) = &cx.profile.kubernetes else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut bad = |field: &str, span: Span, message: String, help: &str| {
        out.push(
            Diagnostic::new(CODE, cx.origin("kubernetes", field), span, message)
                .label("Kubernetes rejects this")
                .help(help.to_string()),
        );
    };
    values(k, cx.framework.app_dir(), &mut bad);
    out
}

type Bad<'a> = dyn FnMut(&str, Span, String, &str) + 'a;

/// Reports through `bad` (field, span, message, help) each value of `k` Kubernetes refuses.
/// `app_dir` is the framework's app directory (the chart mounts `gunicorn.conf.py` beside it).
fn values(k: &Kubernetes, app_dir: &str, bad: &mut Bad) {
    let images = [
        (k.image.as_ref(), "image"),
        (k.metrics.as_ref().and_then(|m| m.image.as_ref()), "metrics"),
    ];
    for (image, field) in images {
        if let Some(image) = image {
            valid(
                image,
                (field, is_image),
                "an image reference",
                "write REPOSITORY[:TAG][@DIGEST] in lowercase, e.g. ghcr.io/acme/web:1.0",
                bad,
            );
        }
    }
    if let Some(r) = &k.replicas {
        count(r, "replicas", 0, bad);
    }
    if let Some(res) = &k.resources {
        resources(res, bad);
    }
    if let Some(a) = &k.autoscaling {
        let min = a
            .min_replicas
            .as_ref()
            .and_then(|m| count(m, "autoscaling", 1, bad));
        let max = a
            .max_replicas
            .as_ref()
            .and_then(|m| count(m, "autoscaling", 1, bad));
        if let Some(c) = &a.target_cpu {
            if !(1..=i64::from(i32::MAX)).contains(&c.value) {
                bad(
                    "autoscaling",
                    c.span,
                    format!("{} is not a CPU utilisation target", c.value),
                    "give a percentage of the CPU request, e.g. 70",
                );
            }
        }
        if let (Some(lo), Some(hi), Some(m)) = (min, max, &a.max_replicas) {
            if hi < lo {
                bad(
                    "autoscaling",
                    m.span,
                    format!("`max-replicas` ({hi}) is below `min-replicas` ({lo})"),
                    "raise max-replicas to at least min-replicas",
                );
            }
        }
        if a.max_replicas.is_none() {
            bad(
                "autoscaling",
                a.min_replicas
                    .as_ref()
                    .map_or(Span::point(0), |m| m.span),
                "autoscaling needs `max-replicas`".into(),
                "add max-replicas: the most replicas the autoscaler may run",
            );
        }
    }
    storage(k, app_dir, bad);
    if let Some(i) = &k.ingress {
        if let Some(host) = &i.host {
            valid(
                host,
                ("ingress", is_ingress_host),
                "a host name",
                "give the bare DNS name in lowercase, e.g. web.example.com (no scheme, port or path)",
                bad,
            );
        }
        for (field, what) in [(&i.tls_secret, "Secret"), (&i.class, "IngressClass")] {
            if let Some(v) = field {
                valid(
                    v,
                    ("ingress", is_dns_subdomain),
                    &format!("a {what} name"),
                    "use lowercase letters, digits, `-` and `.`",
                    bad,
                );
            }
        }
        ingress_kind(i, bad);
        let mut total = 0;
        for (key, value) in i.annotations.iter() {
            total += key.value.len() + value.value.len();
            valid(
                key,
                ("ingress", is_qualified_name),
                "an annotation key (a qualified name)",
                "write NAME or PREFIX/NAME: NAME is at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit; PREFIX is a lowercase DNS name",
                bad,
            );
        }
        if total > 256 * 1024 {
            if let Some((key, _)) = i.annotations.iter().next() {
                bad(
                    "ingress",
                    key.span,
                    format!("the annotations hold {total} bytes; Kubernetes allows 262144"),
                    "shorten the annotations",
                );
            }
        }
    }
    if let Some(name) = &k.secret_name {
        valid(
            name,
            ("secret_name", is_dns_subdomain),
            "a Secret name",
            "use lowercase letters, digits, `-` and `.`",
            bad,
        );
    }
}

fn count(v: &Spanned<i64>, field: &str, min: i64, bad: &mut Bad) -> Option<i32> {
    match i32::try_from(v.value) {
        Ok(n) if i64::from(n) >= min => Some(n),
        _ => {
            bad(
                field,
                v.span,
                format!("{} is not a replica count (at least {min})", v.value),
                "give a whole number of replicas",
            );
            None
        }
    }
}

fn resources(res: &paasc_model::profile::Resources, bad: &mut Bad) {
    let mut amounts = [Vec::new(), Vec::new()];
    for (map, amounts) in [&res.requests, &res.limits].into_iter().zip(&mut amounts) {
        for (key, value) in map.iter() {
            valid(
                key,
                ("resources", is_resource_name),
                "a resource name",
                "use cpu, memory, ephemeral-storage, hugepages-<size>, or an extended resource as DOMAIN/NAME",
                bad,
            );
            let q = valid(
                value,
                ("resources", is_quantity),
                "a Kubernetes quantity",
                "write e.g. 250m or 0.5 for CPU, 256Mi or 1Gi for memory",
                bad,
            )
            .and_then(quantity_value);
            match q {
                Some(n) if n < 0.0 => bad(
                    "resources",
                    value.span,
                    format!("`{}` is negative", value.value),
                    "resources are amounts of at least 0",
                ),
                Some(n) => amounts.push((key.value.as_str(), n, value)),
                None => {}
            }
        }
    }
    let [requests, limits] = &amounts;
    for (name, want, value) in requests {
        if let Some((_, limit, lv)) = limits.iter().find(|(n, ..)| n == name) {
            if want > limit {
                bad(
                    "resources",
                    value.span,
                    format!(
                        "the request `{}` of {name} is above its limit `{}`",
                        value.value, lv.value
                    ),
                    "Kubernetes requires requests <= limits: lower the request or raise the limit",
                );
            }
        }
    }
}

fn storage(k: &Kubernetes, app_dir: &str, bad: &mut Bad) {
    let chart_files = chart_mounts(app_dir);
    let mut names: Vec<&str> = Vec::new();
    let mut mounts: Vec<&str> = Vec::new();
    for v in &k.storage {
        if let Some(name) = &v.name {
            let ok = valid(
                name,
                ("storage", is_dns_label),
                "a volume name",
                "use lowercase letters, digits and `-` (at most 63), starting and ending with a letter or digit",
                bad,
            )
            .is_some();
            if ok && reserved_volume(&name.value) {
                bad(
                    "storage",
                    name.span,
                    format!("the chart already has a volume named `{}`", name.value),
                    "give the volume another name",
                );
            } else if ok && names.contains(&name.value.as_str()) {
                bad(
                    "storage",
                    name.span,
                    format!("the volume `{}` is given twice", name.value),
                    "give each volume its own name",
                );
            }
            names.push(&name.value);
        }
        if let Some(size) = &v.size {
            let q = valid(
                size,
                ("storage", is_quantity),
                "a storage size",
                "write a quantity such as 1Gi or 500Mi",
                bad,
            );
            if q.and_then(quantity_value).is_some_and(|n| n <= 0.0) {
                bad(
                    "storage",
                    size.span,
                    format!("`{}` is not a positive size", size.value),
                    "write a quantity such as 1Gi or 500Mi",
                );
            }
        }
        if let Some(mount) = &v.mount_path {
            let path = mount.value.trim_end_matches('/');
            if valid(
                mount,
                ("storage", |m| m.starts_with('/')),
                "an absolute path",
                "mount volumes at an absolute path, e.g. /var/lib/app",
                bad,
            )
            .is_none()
            {
            } else if chart_files.iter().any(|f| f == path) {
                bad(
                    "storage",
                    mount.span,
                    format!("the chart mounts its own file at `{path}`"),
                    "mount the volume elsewhere",
                );
            } else if mounts.contains(&path) {
                bad(
                    "storage",
                    mount.span,
                    format!("two volumes are mounted at `{path}`"),
                    "give each volume its own mount path",
                );
            }
            mounts.push(path);
        }
        if let Some(c) = &v.storage_class {
            valid(
                c,
                ("storage", is_dns_subdomain),
                "a StorageClass name",
                "use the name `kubectl get storageclass` shows",
                bad,
            );
        }
    }
}

/// The paths the chart mounts for itself in the main container: `gunicorn.conf.py` beside the
/// app directory and the [`SCRATCH_DIRS`].
fn chart_mounts(app_dir: &str) -> Vec<String> {
    let base = app_dir.rsplit_once('/').map_or("", |(b, _)| b);
    std::iter::once(format!("{base}/gunicorn.conf.py"))
        .chain(SCRATCH_DIRS.iter().map(|(_, p)| p.to_string()))
        .collect()
}

/// `value` when Kubernetes accepts it (`rule`: the profile field and the test), or H002 at it,
/// saying it is not `what`.
fn valid<'a>(
    value: &'a Spanned<String>,
    rule: (&str, fn(&str) -> bool),
    what: &str,
    help: &str,
    bad: &mut Bad,
) -> Option<&'a str> {
    let (field, accepts) = rule;
    if accepts(&value.value) {
        return Some(&value.value);
    }
    bad(
        field,
        value.span,
        format!("`{}` is not {what}", super::option_name_not_variable::shown(&value.value)),
        help,
    );
    None
}

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
    s.len() <= 253 && s.split('.').all(|l| !l.is_empty() && is_dns_label(l))
}

/// The keys of `kubernetes.ingress` that depend on its `kind`: an HTTPRoute needs its Gateway
/// (a name, namespace and listener as Gateway API names them); `gateway`, `listener` and `class`
/// belong to one kind each; the path is an absolute URL path and the timeout positive.
fn ingress_kind(i: &paasc_model::profile::Ingress, bad: &mut Bad) {
    use paasc_model::profile::IngressKind;
    let kind = i.kind.as_ref().map_or(IngressKind::Ingress, |k| k.value);
    let kind_span = i.kind.as_ref().map_or(Span::point(0), |k| k.span);
    match (&i.gateway, kind) {
        (None, IngressKind::GatewayApi) => bad(
            "ingress",
            kind_span,
            "`kind: gateway-api` needs the Gateway the HTTPRoute attaches to".into(),
            "add gateway: {name: GATEWAY, namespace: NAMESPACE, section: LISTENER}",
        ),
        (Some(g), IngressKind::GatewayApi) => {
            for (v, rule, what) in [
                (&g.name, is_dns_subdomain as fn(&str) -> bool, "a Gateway name"),
                (&g.namespace, is_dns_label, "a namespace"),
                (&g.section, is_dns_subdomain, "a Gateway listener name"),
            ] {
                if let Some(v) = v {
                    valid(v, ("ingress", rule), what, "use lowercase letters, digits and `-`", bad);
                }
            }
        }
        (Some(g), _) => {
            if let Some(name) = &g.name {
                bad(
                    "ingress",
                    name.span,
                    "`gateway` is read only with `kind: gateway-api`".into(),
                    "set kind: gateway-api, or remove gateway",
                );
            }
        }
        (None, _) => {}
    }
    if let Some(l) = &i.listener {
        if kind != IngressKind::Emissary {
            bad(
                "ingress",
                l.span,
                "`listener` is read only with `kind: emissary`".into(),
                "set kind: emissary, or remove listener",
            );
        }
    }
    if let Some(c) = &i.class {
        if kind != IngressKind::Ingress {
            bad(
                "ingress",
                c.span,
                "`class` (an IngressClass) is read only with `kind: ingress`".into(),
                "remove class: the Gateway or the Emissary Listener chooses the controller",
            );
        }
    }
    if let Some(p) = &i.path {
        let ok = p.value.starts_with('/')
            && p.value.len() <= 1024
            && !p.value.chars().any(|c| c.is_whitespace() || c.is_control() || c == '?' || c == '#');
        if !ok {
            bad(
                "ingress",
                p.span,
                format!("`{}` is not a URL path prefix", p.value),
                "write an absolute path without spaces, query or fragment, e.g. /app",
            );
        }
    }
    if let Some(t) = &i.timeout {
        if !(1..=86_400).contains(&t.value) {
            bad(
                "ingress",
                t.span,
                format!("a timeout of {} seconds", t.value),
                "give the request timeout in seconds, from 1 to 86400",
            );
        }
    }
}

/// An Ingress host: a DNS-1123 subdomain, optionally starting with `*.`.
pub fn is_ingress_host(s: &str) -> bool {
    is_dns_subdomain(s.strip_prefix("*.").unwrap_or(s))
}

/// A qualified name (`IsQualifiedName`): `[prefix/]name`, the prefix a DNS-1123 subdomain, the
/// name at most 63 characters of `[-A-Za-z0-9_.]`, starting and ending alphanumeric. Annotation
/// and label keys.
pub fn is_qualified_name(s: &str) -> bool {
    let (prefix, name) = match s.split_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, s),
    };
    let name_ok = !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && name.as_bytes()[0].is_ascii_alphanumeric()
        && name.as_bytes()[name.len() - 1].is_ascii_alphanumeric();
    name_ok && prefix.is_none_or(|p| !p.is_empty() && is_dns_subdomain(p))
}

/// A container resource name (`validateContainerResourceName`): a standard one, or an extended
/// resource written as a qualified name with a domain.
pub fn is_resource_name(s: &str) -> bool {
    matches!(s, "cpu" | "memory" | "ephemeral-storage")
        || s.strip_prefix("hugepages-").is_some_and(is_quantity)
        || (s.contains('/') && is_qualified_name(s) && !s.starts_with("kubernetes.io/"))
}

/// A resource quantity as the API server parses it (`500m`, `1.5Gi`, `2e3`, `128974848`).
pub fn is_quantity(s: &str) -> bool {
    split_quantity(s).is_some()
}

fn split_quantity(s: &str) -> Option<(f64, f64)> {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let sign = if s.starts_with('-') { -1.0 } else { 1.0 };
    let digits_end = body
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(body.len());
    let (number, suffix) = body.split_at(digits_end);
    let valid_number = !number.is_empty()
        && number != "."
        && number.matches('.').count() <= 1
        && number.chars().any(|c| c.is_ascii_digit());
    if !valid_number {
        return None;
    }
    let scale = match suffix {
        "" => 1.0,
        "Ki" => 1024f64,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        exp => {
            let e = exp.strip_prefix(['e', 'E'])?;
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            10f64.powi(e.parse::<i32>().unwrap_or(i32::MAX).clamp(-400, 400))
        }
    };
    let n: f64 = number.parse().ok().or_else(|| format!("0{number}0").parse().ok())?;
    Some((sign * n, scale))
}

/// The amount a valid quantity stands for (approximate: enough to compare two).
pub fn quantity_value(s: &str) -> Option<f64> {
    split_quantity(s).map(|(n, scale)| n * scale)
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

/// Whether `reference` is an image reference container runtimes accept (the grammar of
/// `distribution/reference`): a lowercase repository path, an optional tag
/// (`[\w][\w.-]{0,127}`) and an optional digest (`algorithm:hex`, one `@`).
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
            alg.split(['+', '.', '_', '-']).all(|c| {
                c.chars().next().is_some_and(|f| f.is_ascii_alphabetic())
                    && c.chars().all(|ch| ch.is_ascii_alphanumeric())
            }) && hex.len() >= 32
                && hex.chars().all(|c| c.is_ascii_hexdigit())
        });
    repo_ok
        && tag_ok
        && digest_ok
        && reference.matches('@').count() <= 1
        && !reference.ends_with(':')
        && !reference.contains(":@")
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
        assert_eq!(quantity_value("500m"), Some(0.5));
        assert_eq!(quantity_value("1Ki"), Some(1024.0));
        assert_eq!(quantity_value("-1"), Some(-1.0));
        assert_eq!(quantity_value("2e3"), Some(2000.0));
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
        assert!(is_qualified_name("nginx.ingress.kubernetes.io/proxy-body-size"));
        assert!(is_qualified_name("Team_Name"));
        assert!(!is_qualified_name("a b"));
        assert!(!is_qualified_name("/x"));
        assert!(!is_qualified_name("Example.com/x"));
        assert!(!is_qualified_name("x/"));
        assert!(is_resource_name("cpu"));
        assert!(is_resource_name("hugepages-2Mi"));
        assert!(is_resource_name("nvidia.com/gpu"));
        assert!(!is_resource_name("INJ"));
        assert!(!is_resource_name("gpu"));
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
        assert!(is_image("web@sha256:0123456789abcdef0123456789abcdef"));
        assert!(!is_image("Web:1"));
        assert!(!is_image("web:"));
        assert!(!is_image("web:bad tag"));
        assert!(!is_image("web@x@sha256:0123456789abcdef0123456789abcdef"));
    }

    fn findings(yaml: &str) -> Vec<String> {
        let file = paasc_diag::FileId(0);
        let (tree, diags) = paasc_syntax::parse(file, yaml, paasc_syntax::Limits::default());
        assert!(diags.is_empty(), "{diags:?}");
        let mut cx = paasc_model::lower::Cx::new(&tree, file);
        let p = paasc_model::profile::lower(&mut cx).expect("a profile");
        assert!(cx.diags.is_empty(), "{:?}", cx.diags);
        let mut out = Vec::new();
        let k = p.kubernetes.expect("kubernetes");
        values(&k, "/flask/app", &mut |_, span, message, _| {
            out.push(format!("{}: {message}", &yaml[span.start as usize..span.end as usize]));
        });
        out
    }

    #[test]
    fn what_the_api_server_refuses() {
        let got = findings(
            "kubernetes:\n  image: web@a@sha256:0123456789abcdef0123456789abcdef\n  resources:\n    requests: {cpu: '2', memory: -1Mi}\n    limits: {INJ: '2', cpu: 500m}\n  storage:\n    - {name: files, size: 1Gi, mount-path: /data}\n    - {name: a, size: 1Gi, mount-path: /data/}\n    - {name: b, size: 1Gi, mount-path: /flask/gunicorn.conf.py}\n  ingress:\n    host: web.example.com\n    annotations: {'bad key': x}\n",
        );
        let want = [
            "web@a@sha256:0123456789abcdef0123456789abcdef: `web@a@sha256:0123456789abcdef0123456789abcdef` is not an image reference",
            "-1Mi: `-1Mi` is negative",
            "INJ: `INJ` is not a resource name",
            "'2': the request `2` of cpu is above its limit `500m`",
            "files: the chart already has a volume named `files`",
            "/data/: two volumes are mounted at `/data`",
            "/flask/gunicorn.conf.py: the chart mounts its own file at `/flask/gunicorn.conf.py`",
            "'bad key': `bad key` is not an annotation key (a qualified name)",
        ];
        assert_eq!(got, want);
    }
}
