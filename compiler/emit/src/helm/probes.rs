//! Pebble checks ([`crate::pebble::checks`]) as Kubernetes probes: Juju's probes of a workload
//! container ask Pebble for the health of the `alive` (liveness) and `ready` (readiness) levels,
//! so the chart probes what the first check of each level checks, as often and as patiently.

use crate::pebble::checks::{Check, Kind};
use k8s_openapi::api::core::v1::{ExecAction, HTTPGetAction, HTTPHeader, Probe, TCPSocketAction};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// Nanoseconds in whole seconds, rounded up, at least 1 (a probe's unit).
fn seconds(ns: u128) -> i32 {
    i32::try_from(ns.div_ceil(1_000_000_000).max(1)).unwrap_or(i32::MAX)
}

/// The Kubernetes probe doing what a Pebble check does.
pub fn probe(check: &Check) -> Probe {
    let mut p = Probe {
        period_seconds: Some(seconds(check.period_ns)),
        timeout_seconds: Some(seconds(check.timeout_ns)),
        failure_threshold: Some(i32::try_from(check.threshold).unwrap_or(i32::MAX)),
        ..Probe::default()
    };
    match &check.kind {
        Kind::Http { url, headers } => {
            let headers: Vec<HTTPHeader> = headers
                .iter()
                .map(|(name, value)| HTTPHeader {
                    name: name.clone(),
                    value: value.clone(),
                })
                .collect();
            p.http_get = Some(HTTPGetAction {
                path: Some(url.path.clone()),
                port: IntOrString::Int(i32::from(url.port)),
                scheme: Some(url.scheme.to_ascii_uppercase()),
                http_headers: (!headers.is_empty()).then_some(headers),
                host: None,
            });
        }
        Kind::Tcp { port, .. } => {
            p.tcp_socket = Some(TCPSocketAction {
                port: IntOrString::Int(i32::from(*port)),
                host: None,
            });
        }
        Kind::Exec { command, .. } => {
            p.exec = Some(ExecAction {
                command: Some(command.clone()),
            });
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pebble::checks::{Level, Url};

    fn check(period_ns: u128, timeout_ns: u128, threshold: u64, kind: Kind) -> Check {
        Check {
            name: "c".into(),
            level: Level::Ready,
            period_ns,
            timeout_ns,
            threshold,
            kind,
        }
    }

    #[test]
    fn checks_become_probes() {
        let url = Url {
            text: "http://localhost:8000/health?x=1".into(),
            scheme: "http".into(),
            port: 8000,
            path: "/health?x=1".into(),
        };
        let headers = vec![("X-Probe".to_string(), "k8s".to_string())];
        let p = probe(&check(
            90_000_000_000,
            3_000_000_000,
            5,
            Kind::Http { url, headers },
        ));
        let get = p.http_get.expect("httpGet");
        assert_eq!(get.path.as_deref(), Some("/health?x=1"));
        assert_eq!(get.port, IntOrString::Int(8000));
        assert_eq!(get.scheme.as_deref(), Some("HTTP"));
        assert_eq!(get.http_headers.map(|h| h.len()), Some(1));
        assert_eq!(p.period_seconds, Some(90));
        assert_eq!(p.failure_threshold, Some(5));
        assert_eq!(p.timeout_seconds, Some(3));
        let tcp = Kind::Tcp {
            host: None,
            port: 9000,
        };
        let p = probe(&check(10_000_000_000, 500_000_000, 3, tcp));
        assert_eq!(p.tcp_socket.map(|t| t.port), Some(IntOrString::Int(9000)));
        assert_eq!(p.timeout_seconds, Some(1));
        let exec = Kind::Exec {
            command: vec!["curl".into(), "-f".into()],
            environment: Vec::new(),
            working_dir: None,
        };
        let p = probe(&check(1_500_000_000, 1, 3, exec));
        assert_eq!(p.period_seconds, Some(2));
        assert_eq!(
            p.exec.and_then(|e| e.command),
            Some(vec!["curl".to_string(), "-f".to_string()])
        );
    }
}
