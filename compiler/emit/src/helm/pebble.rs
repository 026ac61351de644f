//! Pebble checks (`http`, `tcp`, `exec`) become Kubernetes probes: Juju's probes of a workload
//! container ask Pebble for the health of the `alive` (liveness) and `ready` (readiness) levels.

use k8s_openapi::api::core::v1::{ExecAction, HTTPGetAction, HTTPHeader, Probe, TCPSocketAction};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use paasc_syntax::Yaml;

/// A Go duration (`10s`, `1m30s`, `500ms`) in whole seconds, rounded up, at least 1.
pub fn duration_seconds(text: &str) -> Option<i32> {
    let mut total = 0f64;
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let n_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..n_end].parse().ok()?;
        rest = &rest[n_end..];
        let u_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..u_end] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += number * scale;
        rest = &rest[u_end..];
    }
    let secs = total.ceil().max(1.0);
    (secs <= f64::from(i32::MAX)).then_some(secs as i32)
}

fn scalar(y: Option<&Yaml>) -> Option<String> {
    match y? {
        Yaml::Str(s) => Some(s.clone()),
        Yaml::Int(i) => Some(i.to_string()),
        _ => None,
    }
}

/// The Kubernetes probe doing what a Pebble check does, or `None` when the check has no
/// `http`, `tcp` or `exec` part Kubernetes can run.
pub fn probe(check: &Yaml) -> Option<Probe> {
    let mut p = Probe {
        period_seconds: Some(
            scalar(check.get("period"))
                .and_then(|d| duration_seconds(&d))
                .unwrap_or(10),
        ),
        timeout_seconds: Some(
            scalar(check.get("timeout"))
                .and_then(|d| duration_seconds(&d))
                .unwrap_or(3),
        ),
        failure_threshold: Some(
            scalar(check.get("threshold"))
                .and_then(|t| t.parse().ok())
                .filter(|t| *t >= 1)
                .unwrap_or(3),
        ),
        ..Probe::default()
    };
    if let Some(http) = check.get("http") {
        let url = scalar(http.get("url"))?;
        let (scheme, rest) = url.split_once("://")?;
        let (authority, path) = match rest.find(['/', '?']) {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let default_port = match scheme.to_ascii_lowercase().as_str() {
            "http" => 80,
            "https" => 443,
            _ => return None,
        };
        let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
        let port = match host_port.rsplit_once(':') {
            Some((_, port)) if !host_port.ends_with(']') => port.parse().ok()?,
            _ => default_port,
        };
        let headers: Vec<HTTPHeader> = http
            .get("headers")
            .and_then(Yaml::as_map)
            .unwrap_or(&[])
            .iter()
            .filter_map(|(k, v)| {
                Some(HTTPHeader {
                    name: k.as_str()?.to_string(),
                    value: scalar(Some(v))?,
                })
            })
            .collect();
        p.http_get = Some(HTTPGetAction {
            path: Some(path.to_string()),
            port: IntOrString::Int(port),
            scheme: Some(scheme.to_ascii_uppercase()),
            http_headers: (!headers.is_empty()).then_some(headers),
            host: None,
        });
    } else if let Some(tcp) = check.get("tcp") {
        let port: i32 = scalar(tcp.get("port"))?.parse().ok()?;
        p.tcp_socket = Some(TCPSocketAction {
            port: IntOrString::Int(port),
            host: None,
        });
    } else if let Some(exec) = check.get("exec") {
        let command = crate::pebble::command::service_args(&scalar(exec.get("command"))?).ok()?;
        p.exec = Some(ExecAction {
            command: Some(command),
        });
    } else {
        return None;
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Yaml {
        let (tree, _) =
            paasc_syntax::parse(paasc_diag::FileId(0), text, paasc_syntax::Limits::default());
        tree.root()
            .map(|r| Yaml::from_tree(&tree, r))
            .unwrap_or(Yaml::Null)
    }

    #[test]
    fn checks_become_probes() {
        let p = probe(&yaml(
            "level: ready\nperiod: 1m30s\nthreshold: 5\nhttp:\n  url: http://localhost:8000/health?x=1\n  headers: {X-Probe: k8s}\n",
        ))
        .expect("probe");
        let get = p.http_get.expect("httpGet");
        assert_eq!(get.path.as_deref(), Some("/health?x=1"));
        assert_eq!(get.port, IntOrString::Int(8000));
        assert_eq!(get.scheme.as_deref(), Some("HTTP"));
        assert_eq!(p.period_seconds, Some(90));
        assert_eq!(p.failure_threshold, Some(5));
        assert_eq!(p.timeout_seconds, Some(3));
        let p = probe(&yaml("tcp: {port: 9000}\ntimeout: 500ms\n")).expect("probe");
        assert_eq!(p.tcp_socket.map(|t| t.port), Some(IntOrString::Int(9000)));
        assert_eq!(p.timeout_seconds, Some(1));
        let p = probe(&yaml("exec: {command: \"curl -f 'http://x/'\"}\n")).expect("probe");
        assert_eq!(
            p.exec.and_then(|e| e.command),
            Some(vec![
                "curl".to_string(),
                "-f".to_string(),
                "http://x/".to_string()
            ])
        );
        assert!(
            probe(&yaml("http: {url: 'https://h/'}\n")).is_some_and(|p| {
                p.http_get.is_some_and(|g| {
                    g.port == IntOrString::Int(443) && g.path.as_deref() == Some("/")
                })
            })
        );
        assert!(probe(&yaml("level: alive\n")).is_none());
        assert_eq!(duration_seconds("1h2m"), Some(3720));
        assert_eq!(duration_seconds("ten"), None);
    }
}
