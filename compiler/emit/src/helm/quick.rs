//! A quick upper bound of what [`super::bound::count`] counts of [`super::values_but_env`],
//! taken from the strings and lists of the [`App`] and [`Settings`] the values are made of,
//! without building the values: `check` builds and counts them
//! ([`super::values_yaml_bound`]) only when this bound is over Helm's limit. Building and
//! counting them was about 40% of the Helm chart's part of a `check`, for a bound that is
//! kilobytes against a limit of megabytes.
//!
//! Every field of the app and the settings is named below (no `..`): a field added to either
//! does not compile here until it is counted or said to be counted elsewhere.

use super::bound;
use super::values::{Gateway, Peers};
use super::{App, AppMetrics, IngressSettings, Process, Settings};

/// The deepest a string of the values sits (the `{` and `[` around it): a probe's HTTP
/// header's value (`readinessProbe.httpGet.httpHeaders[].value`) and a destination's
/// integration are at 5.
const DEPTH: usize = 8;

/// Everything of the values that is neither a string of the app or the settings nor an item
/// of one of their lists: the keys, numbers, booleans and fixed strings (the default probes,
/// the scratch directories, the security contexts). The tests check it covers the count of
/// the values of an app and settings with every option set and every string empty.
const FIXED: usize = 16 * 1024;

/// An item of a list or mapping the app or the settings give (a worker, a command's argument,
/// a file, a volume, an annotation, a destination), besides its strings: its layout and its
/// fixed fields (a worker's replicas, a destination's address block and port, the statsd
/// exporter's resources).
const ITEM: usize = 1024;

/// A unit ordinal of `PEER_FQDNS`'s lists: its layout and ten digits.
const ORDINAL: usize = bound::layout(DEPTH) + 10;

/// What the count gives `s` at most wherever the values hold it ([`bound::string_count`] at
/// [`DEPTH`]), three times: the values hold a string of the app or the settings at most twice
/// (a file's path is its name and its mount path; the image reference's three parts together
/// are no longer than it), and once more is a margin.
fn string(s: &str) -> usize {
    bound::string_count(s, DEPTH).saturating_mul(3)
}

fn optional(s: &Option<String>) -> usize {
    s.as_deref().map_or(0, string)
}

fn strings<'a>(items: impl IntoIterator<Item = &'a String>) -> usize {
    items.into_iter().fold(0, |total: usize, s| {
        total.saturating_add(ITEM).saturating_add(string(s))
    })
}

fn process(p: &Process) -> usize {
    let Process {
        name,
        command,
        working_dir,
    } = p;
    ITEM.saturating_add(string(name))
        .saturating_add(strings(command))
        .saturating_add(optional(working_dir))
}

fn pairs<'a>(map: impl IntoIterator<Item = (&'a String, &'a String)>) -> usize {
    map.into_iter().fold(0, |total: usize, (k, v)| {
        total
            .saturating_add(ITEM)
            .saturating_add(string(k))
            .saturating_add(string(v))
    })
}

fn probe(p: &Option<k8s_openapi::api::core::v1::Probe>) -> usize {
    p.as_ref()
        .map_or(0, |p| bound::item_count(p, 1).unwrap_or(usize::MAX))
}

/// An upper bound of [`super::bound::count`] of [`super::values_but_env`]`(app, settings)`.
pub fn values_but_env(app: &App, settings: &Settings) -> usize {
    let App {
        name,
        version,
        summary,
        framework,
        app: app_name,
        units: _,
        port: _,
        daemon_user: _,
        web,
        workers,
        schedulers,
        env: _, // counted apart: super::env_bound
        peers,
        files,
        migration,
        readiness,
        liveness,
        metrics,
        destinations,
    } = app;
    let Settings {
        image,
        replicas: _,
        requests,
        limits,
        autoscaling: _,
        storage,
        anti_affinity: _,
        ingress,
        service_type: _,
        secret_name,
        read_only_root: _,
        network_policy: _,
        open_egress: _,
        service_account_token: _,
        metrics_image,
        service_monitor: _,
    } = settings;
    let peers = peers.as_ref().map_or(0, |p| {
        let Peers {
            variable,
            ordinals,
            units,
        } = p;
        string(variable)
            .saturating_add(ORDINAL.saturating_mul(ordinals.len().saturating_add(units.len())))
    });
    let metrics = metrics.as_ref().map_or(0, |m| {
        let AppMetrics {
            port: _,
            path,
            exporter,
        } = m;
        string(path).saturating_add(exporter.as_ref().map_or(0, process))
    });
    let ingress = ingress.as_ref().map_or(0, |i| {
        let IngressSettings {
            host,
            tls_secret,
            class,
            annotations,
            kind: _,
            path,
            timeout: _,
            gateway:
                Gateway {
                    name,
                    namespace,
                    section_name,
                },
            listener: _,
        } = i;
        [host, name, namespace, section_name]
            .into_iter()
            .map(|s| string(s))
            .chain([tls_secret, class, path].into_iter().map(optional))
            .fold(pairs(annotations), usize::saturating_add)
    });
    let counts = [
        FIXED,
        string(name),
        string(version),
        string(summary),
        string(framework),
        string(app_name),
        optional(image),
        optional(secret_name),
        optional(metrics_image),
        process(web),
        workers
            .iter()
            .chain(schedulers)
            .map(process)
            .fold(0, usize::saturating_add),
        peers,
        files
            .iter()
            .map(|(path, content)| {
                ITEM.saturating_add(string(path))
                    .saturating_add(string(content))
            })
            .fold(0, usize::saturating_add),
        migration.as_ref().map_or(0, |(command, dir)| {
            strings(command).saturating_add(string(dir))
        }),
        probe(readiness),
        probe(liveness),
        metrics,
        destinations
            .iter()
            .map(|d| {
                let paasc_runtime::Destination {
                    integration,
                    host,
                    port: _,
                } = d;
                ITEM.saturating_add(string(integration))
                    .saturating_add(string(host))
            })
            .fold(0, usize::saturating_add),
        pairs(requests),
        pairs(limits),
        storage
            .iter()
            .map(|(name, size, mount_path, class)| {
                strings([name, size, mount_path]).saturating_add(optional(class))
            })
            .fold(0, usize::saturating_add),
        ingress,
    ];
    counts.into_iter().fold(0, usize::saturating_add)
}

#[cfg(test)]
mod tests {
    use super::super::values::{AntiAffinity, IngressKind, ServiceType};
    use super::super::{bound, tcp_probe, values_but_env as built};
    use super::*;
    use k8s_openapi::api::core::v1::{ExecAction, HTTPGetAction, HTTPHeader, Probe};
    use std::collections::BTreeMap;

    /// An app and settings with every option set and `n` items in each list, whose strings
    /// are `text` (those of `only`, when given: the `only`th string field met, counted from 1,
    /// else empty), and how many string fields they have.
    fn full(text: &str, n: usize, only: Option<usize>) -> (App<'static>, Settings, usize) {
        let field = std::cell::Cell::new(0);
        let s = || {
            field.set(field.get() + 1);
            match only {
                Some(k) if k != field.get() => String::new(),
                _ => text.to_string(),
            }
        };
        let process = |name: &str| Process {
            name: [name, &s()].concat(),
            command: vec![s(); n],
            working_dir: Some(s()),
        };
        let probe = Probe {
            http_get: Some(HTTPGetAction {
                path: Some(s()),
                http_headers: Some(vec![
                    HTTPHeader {
                        name: s(),
                        value: s(),
                    };
                    n
                ]),
                ..Default::default()
            }),
            exec: Some(ExecAction {
                command: Some(vec![s(); n]),
            }),
            ..tcp_probe(i32::MIN, i32::MAX)
        };
        let app = App {
            name: s(),
            version: s(),
            summary: s(),
            framework: s(),
            app: s(),
            units: i32::MAX,
            port: i32::MIN,
            daemon_user: true,
            web: process("web"),
            workers: (0..n).map(|i| process(&format!("w{i}"))).collect(),
            schedulers: (0..n).map(|i| process(&format!("s{i}"))).collect(),
            env: Vec::new(),
            peers: Some(Peers {
                variable: s(),
                ordinals: vec![u32::MAX; n],
                units: (0..u32::try_from(n).unwrap_or(0)).collect(),
            }),
            files: vec![
                (
                    {
                        let s = s();
                        format!("/{s}/{s}")
                    },
                    s()
                );
                n
            ],
            migration: Some((vec![s(); n], s())),
            readiness: Some(probe.clone()),
            liveness: Some(probe),
            metrics: Some(AppMetrics {
                port: i32::MIN,
                path: s(),
                exporter: Some(process("statsd")),
            }),
            destinations: (0..n)
                .map(|i| paasc_runtime::Destination {
                    integration: s(),
                    host: if i % 2 == 0 {
                        format!("ffff:{i}::ffff:1.2.3.4")
                    } else {
                        s()
                    },
                    port: u16::MAX,
                })
                .collect(),
        };
        let map = |n: usize| {
            (0..n)
                .map(|i| (format!("{}{i}", s()), s()))
                .collect::<BTreeMap<_, _>>()
        };
        let settings = Settings {
            image: Some({
                let s = s();
                format!("{s}/{s}:{s}@{s}")
            }),
            replicas: Some(i32::MAX),
            requests: map(n),
            limits: map(n),
            autoscaling: Some((Some(i32::MIN), Some(i32::MAX), Some(i32::MIN))),
            storage: vec![(s(), s(), s(), Some(s())); n],
            anti_affinity: Some(AntiAffinity::Hard),
            ingress: Some(IngressSettings {
                host: s(),
                tls_secret: Some(s()),
                class: Some(s()),
                annotations: map(n),
                kind: IngressKind::GatewayApi,
                path: Some(s()),
                timeout: Some(i32::MIN),
                gateway: Gateway {
                    name: s(),
                    namespace: s(),
                    section_name: s(),
                },
                listener: true,
            }),
            service_type: Some(ServiceType::LoadBalancer),
            secret_name: Some(s()),
            read_only_root: Some(false),
            network_policy: Some(true),
            open_egress: true,
            service_account_token: Some(true),
            metrics_image: Some(s()),
            service_monitor: true,
        };
        (app, settings, field.get())
    }

    /// `check` trusts the quick bound when it is within Helm's limit, so it must never be below
    /// the count of the values built whole: with every string empty (the fixed part), with
    /// strings the writer quotes, escapes or breaks into lines, and with many items in every
    /// list; and on the plain defaults it must be of use (far below the limit).
    #[test]
    fn the_quick_bound_is_never_below_the_count_of_the_values() {
        let strings = [
            String::new(),
            "a".into(),
            "\n".repeat(40),
            "a\nb\n".repeat(30),
            "'\"\\\0\u{85}\u{2028}é😀 #: -".repeat(20),
            "x".repeat(3000),
        ];
        let count = |(app, settings, _): &(App, Settings, usize)| {
            let counted = bound::count(&built(app, settings)).expect("counts");
            (counted, values_but_env(app, settings))
        };
        for s in &strings {
            for n in [0, 1, 7] {
                let (counted, quick) = count(&full(s, n, None));
                assert!(counted <= quick, "{s:?} x{n}: {counted} > {quick}");
            }
        }
        // Field by field: what a string adds to the count, the quick bound adds at least,
        // whether its cost is its bytes or its line breaks.
        let (empty_count, empty_quick) = count(&full("", 2, None));
        let fields = full("", 2, None).2;
        assert!(fields > 50, "{fields}");
        for big in ["x".repeat(60_000), "a\nb".repeat(20_000)] {
            for k in 1..=fields {
                let (counted, quick) = count(&full(&big, 2, Some(k)));
                let (added, bounded) = (counted - empty_count, quick - empty_quick);
                assert!(added <= bounded, "field {k}: {added} > {bounded}");
            }
        }
        let (app, settings) = (App::default(), Settings::default());
        let counted = bound::count(&built(&app, &settings)).expect("counts");
        assert!(counted <= values_but_env(&app, &settings));
        assert!(
            values_but_env(&app, &settings) < super::super::app::HELM_MAX_FILE / 64,
            "a useless bound"
        );
    }
}
