//! The rock's Pebble checks, read once for every back end that runs them without Pebble (the
//! Dockerfile's `HEALTHCHECK`, the Helm chart's probes), with Pebble's defaults and one set of
//! diagnostics ([`INVALID_CHECK`]).
//!
//! Pebble's rules (internals/plan/plan.go, `CombineLayers`): `period` and `timeout` are Go
//! durations, 10s and 3s when not given, neither zero, the timeout shorter than the period; a
//! `threshold` of 0 (or none) is 3; an exec check's command is split with Go shlex (no
//! `[ ... ]` group: that is a service's syntax). The model has already checked the shape (one
//! of `http`, `tcp`, `exec`; the level; the types).

use paasc_check::Resolved;
use paasc_diag::Diagnostic;
use paasc_syntax::Yaml;

paasc_diag::declare_code!(
    pub INVALID_CHECK = "E001", "pebble-invalid-check", Error,
    "A Pebble check of the rock is one Pebble refuses, or one that can never pass.",
"The back ends that run the app without Pebble turn the rock's `checks` into what their platform
runs instead: the Dockerfile into one `HEALTHCHECK`, the Helm chart into readiness and liveness
probes. Both read the checks the way Pebble does, so a check Pebble would refuse when it loads
the layer is refused here, at its line: a `period` or `timeout` that is not a positive Go
duration (`10s`, `1m30s`, `500ms`), a timeout not shorter than the period (10s when not given),
a negative `threshold`, an `http` URL that is not an http(s) URL with a valid port, a `tcp` port
outside 1-65535, or an `exec` command Go's shlex cannot split.

Example (rockcraft.yaml):

    checks:
      up:
        override: replace
        period: soon
        http: {url: http://localhost:8000/}

Fix: correct the check in rockcraft.yaml (durations are Go durations such as `10s`)."
);

/// Pebble's period when a check gives none.
pub const DEFAULT_PERIOD_NS: u128 = 10_000_000_000;
/// Pebble's timeout when a check gives none.
pub const DEFAULT_TIMEOUT_NS: u128 = 3_000_000_000;
/// Pebble's threshold when a check gives none (or 0).
pub const DEFAULT_THRESHOLD: u64 = 3;

/// A check's level: the health Pebble reports for `alive` or `ready` counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// No level: only the check's own status.
    Unset,
    /// `alive` (liveness).
    Alive,
    /// `ready` (readiness; a failing alive check fails ready too).
    Ready,
}

/// An `http` check's URL, split as a client reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    /// The URL as written.
    pub text: String,
    /// `http` or `https` (lower case).
    pub scheme: String,
    /// The port, the scheme's default when the URL gives none.
    pub port: u16,
    /// The path and query (`/` when the URL gives none).
    pub path: String,
}

/// What a check does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A GET that must answer 2xx.
    Http {
        /// The URL.
        url: Url,
        /// Extra headers.
        headers: Vec<(String, String)>,
    },
    /// A TCP connection that must open.
    Tcp {
        /// The host (`localhost` when not given).
        host: Option<String>,
        /// The port.
        port: u16,
    },
    /// A command that must exit 0.
    Exec {
        /// Its argument vector (Go shlex).
        command: Vec<String>,
        /// Its extra environment.
        environment: Vec<(String, String)>,
        /// Its working directory.
        working_dir: Option<String>,
    },
}

/// One check, with Pebble's defaults filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// Its name.
    pub name: String,
    /// Its level.
    pub level: Level,
    /// How often it runs, in nanoseconds.
    pub period_ns: u128,
    /// How long one run may take, in nanoseconds (less than the period).
    pub timeout_ns: u128,
    /// How many failures in a row make it fail (at least 1).
    pub threshold: u64,
    /// What it does.
    pub kind: Kind,
}

/// The rock's checks, in the rock's order, or every reason Pebble would refuse them.
pub fn read(app: &Resolved) -> Result<Vec<Check>, Vec<Diagnostic>> {
    let mut checks = Vec::new();
    let mut problems = Vec::new();
    for (name, check) in app
        .rock
        .get("checks")
        .and_then(Yaml::as_map)
        .unwrap_or_default()
    {
        let Some(name) = name.as_str() else { continue };
        match one(name, check) {
            Ok(c) => checks.push(c),
            Err(p) => problems.push(p.diagnostic(app, name)),
        }
    }
    if problems.is_empty() {
        Ok(checks)
    } else {
        Err(problems)
    }
}

/// Why a check is refused: the key path under the check, the message and the help.
struct Problem {
    at: &'static [&'static str],
    message: String,
    help: &'static str,
}

impl Problem {
    fn diagnostic(self, app: &Resolved, name: &str) -> Diagnostic {
        let span = app.rock_source.as_ref().and_then(|(_, tree)| {
            let path: Vec<&str> = ["checks", name].iter().chain(self.at).copied().collect();
            let entry = (0..=self.at.len()).find_map(|n| tree.lookup(&path[..path.len() - n]))?;
            Some(tree.span(entry.value))
        });
        let message = format!("rockcraft.yaml: {}", self.message);
        app.rock_diagnostic(
            INVALID_CHECK,
            span,
            message,
            "Pebble refuses this check",
            "while compiling this deployment",
        )
        .help(self.help)
    }
}

fn one(name: &str, check: &Yaml) -> Result<Check, Problem> {
    let shown = crate::shown(name);
    let duration = |key: &'static str, default: u128| -> Result<u128, Problem> {
        match check.get(key) {
            None => Ok(default),
            Some(v) => super::text(v)
                .as_deref()
                .and_then(duration_ns)
                .ok_or(Problem {
                    at: if key == "period" {
                        &["period"]
                    } else {
                        &["timeout"]
                    },
                    message: format!("`checks.{shown}.{key}` is not a duration"),
                    help: "write a positive Go duration such as `10s` or `1m30s`",
                }),
        }
    };
    let period_ns = duration("period", DEFAULT_PERIOD_NS)?;
    let timeout_ns = duration("timeout", DEFAULT_TIMEOUT_NS)?;
    if timeout_ns >= period_ns {
        let written = |key: &str, default: &str| {
            check
                .get(key)
                .and_then(super::text)
                .unwrap_or_else(|| format!("{default} by default"))
        };
        return Err(Problem {
            at: &["timeout"],
            message: format!(
                "the timeout of check `{shown}` ({}) is not shorter than its period ({})",
                crate::shown(&written("timeout", "3s")),
                crate::shown(&written("period", "10s")),
            ),
            help: "Pebble refuses a check whose `timeout` is not less than its `period`; shorten the timeout or lengthen the period",
        });
    }
    let threshold = match check.get("threshold") {
        None | Some(Yaml::Int(0)) => DEFAULT_THRESHOLD,
        Some(Yaml::Int(i)) if *i > 0 => u64::try_from(*i).unwrap_or(u64::MAX),
        Some(_) => {
            return Err(Problem {
                at: &["threshold"],
                message: format!("`checks.{shown}.threshold` is not a positive integer"),
                help: "give the number of failures in a row that make the check fail",
            })
        }
    };
    let level = match check.get("level").and_then(Yaml::as_str) {
        Some("alive") => Level::Alive,
        Some("ready") => Level::Ready,
        _ => Level::Unset,
    };
    let kind = if let Some(http) = check.get("http") {
        let url = http.get("url").and_then(Yaml::as_str).unwrap_or_default();
        let url = parse_url(url).ok_or(Problem {
            at: &["http", "url"],
            message: format!("`checks.{shown}.http.url` is not an http(s) URL"),
            help: "write the URL the check requests, such as http://localhost:8000/",
        })?;
        Kind::Http {
            url,
            headers: pairs(http.get("headers")),
        }
    } else if let Some(tcp) = check.get("tcp") {
        let port = match tcp.get("port") {
            Some(Yaml::Int(i)) => u16::try_from(*i).ok().filter(|p| *p > 0),
            _ => None,
        };
        Kind::Tcp {
            port: port.ok_or(Problem {
                at: &["tcp", "port"],
                message: format!("`checks.{shown}.tcp.port` is not a port number"),
                help: "give the port as an integer from 1 to 65535",
            })?,
            host: tcp.get("host").and_then(super::text),
        }
    } else if let Some(exec) = check.get("exec") {
        let text = exec
            .get("command")
            .and_then(super::text)
            .unwrap_or_default();
        let command = super::command::split(&text)
            .and_then(|words| {
                if words.is_empty() {
                    Err("the command is empty".to_string())
                } else {
                    Ok(words)
                }
            })
            .map_err(|why| Problem {
                at: &["exec", "command"],
                message: format!("Pebble cannot run the command of check `{shown}`: {why}"),
                help: "Pebble splits a check's command like a shell (without a `[ ... ]` group)",
            })?;
        Kind::Exec {
            command,
            environment: pairs(exec.get("environment")),
            working_dir: exec.get("working-dir").and_then(super::text),
        }
    } else {
        return Err(Problem {
            at: &[],
            message: format!("check `{shown}` has no `http`, `tcp` or `exec`"),
            help: "give the check one of `http`, `tcp` or `exec`",
        });
    };
    Ok(Check {
        name: name.to_string(),
        level,
        period_ns,
        timeout_ns,
        threshold,
        kind,
    })
}

/// A string-to-string mapping (headers, environment), its entries that are strings.
fn pairs(map: Option<&Yaml>) -> Vec<(String, String)> {
    map.and_then(Yaml::as_map)
        .unwrap_or_default()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str()?.to_string(), super::text(v)?)))
        .collect()
}

/// An http(s) URL on one line, split into its scheme, port and path.
fn parse_url(text: &str) -> Option<Url> {
    if text.chars().any(crate::is_control) {
        return None;
    }
    let (scheme, rest) = text.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        _ => return None,
    };
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host_port.is_empty() {
        return None;
    }
    let port = match host_port.rsplit_once(':') {
        Some((_, port)) if !host_port.ends_with(']') => port.parse().ok().filter(|p| *p > 0)?,
        _ => default_port,
    };
    Some(Url {
        text: text.to_string(),
        scheme,
        port,
        path: path.to_string(),
    })
}

/// A positive Go duration (`time.ParseDuration`: `10s`, `1m30s`, `1.5h`, `500ms`) in
/// nanoseconds; `None` for anything else, zero and negative durations included.
pub fn duration_ns(s: &str) -> Option<u128> {
    const UNITS: [(&str, u128); 8] = [
        ("ns", 1),
        ("us", 1_000),
        ("µs", 1_000),
        ("μs", 1_000),
        ("ms", 1_000_000),
        ("s", 1_000_000_000),
        ("m", 60_000_000_000),
        ("h", 3_600_000_000_000),
    ];
    let mut rest = s;
    let mut total: u128 = 0;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (num, tail) = rest.split_at(num_len);
        let (int, frac) = num.split_once('.').unwrap_or((num, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        let unit = UNITS
            .iter()
            .filter(|(u, _)| tail.starts_with(u))
            .max_by_key(|(u, _)| u.len())?;
        let int: u128 = if int.is_empty() { 0 } else { int.parse().ok()? };
        let mut part = int.checked_mul(unit.1)?;
        let mut scale = unit.1;
        for d in frac.chars() {
            scale /= 10;
            part = part.checked_add(u128::from(d.to_digit(10)?) * scale)?;
        }
        total = total.checked_add(part)?;
        rest = &tail[unit.0.len()..];
    }
    (total > 0 && total < u128::from(u64::MAX)).then_some(total)
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

    fn check(text: &str) -> Result<Check, String> {
        one("c", &yaml(text)).map_err(|p| p.message)
    }

    #[test]
    fn durations() {
        assert_eq!(duration_ns("10s"), Some(10_000_000_000));
        assert_eq!(duration_ns("1m30s"), Some(90_000_000_000));
        assert_eq!(duration_ns("1.5s"), Some(1_500_000_000));
        assert_eq!(duration_ns("500ms"), Some(500_000_000));
        assert_eq!(duration_ns("1h2m"), Some(3_720_000_000_000));
        for bad in ["", "10", "s", "-1s", "1x", "0s", "1s\nRUN", "ten"] {
            assert_eq!(duration_ns(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn pebble_defaults_fill_what_is_not_given() {
        let c = check("http: {url: 'http://localhost:8000/'}\n").expect("check");
        assert_eq!(
            (c.level, c.period_ns, c.timeout_ns, c.threshold),
            (Level::Unset, DEFAULT_PERIOD_NS, DEFAULT_TIMEOUT_NS, 3)
        );
        let c = check("level: ready\nthreshold: 0\ntcp: {port: 9000}\n").expect("check");
        assert_eq!((c.level, c.threshold), (Level::Ready, 3));
        assert_eq!(
            c.kind,
            Kind::Tcp {
                host: None,
                port: 9000
            }
        );
    }

    #[test]
    fn urls_split_as_a_client_reads_them() {
        let url = |t: &str| parse_url(t).map(|u| (u.scheme, u.port, u.path));
        assert_eq!(
            url("http://localhost:8000/health?x=1"),
            Some(("http".into(), 8000, "/health?x=1".into()))
        );
        assert_eq!(url("HTTPS://h"), Some(("https".into(), 443, "/".into())));
        assert_eq!(url("http://[::1]/"), Some(("http".into(), 80, "/".into())));
        assert_eq!(
            url("http://u:p@h:81?q"),
            Some(("http".into(), 81, "?q".into()))
        );
        for bad in [
            "ftp://h/",
            "localhost:8000",
            "http://h:x/",
            "http://h:0/",
            "http:///",
            "http://h/\n",
        ] {
            assert_eq!(url(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn what_pebble_refuses() {
        for (text, why) in [
            ("period: soon\nhttp: {url: 'http://h/'}\n", "not a duration"),
            ("timeout: 0s\nhttp: {url: 'http://h/'}\n", "not a duration"),
            ("timeout: 10s\nhttp: {url: 'http://h/'}\n", "not shorter"),
            (
                "period: 2s\ntimeout: 3s\nhttp: {url: 'http://h/'}\n",
                "not shorter",
            ),
            (
                "threshold: -1\nhttp: {url: 'http://h/'}\n",
                "not a positive integer",
            ),
            ("tcp: {port: 70000}\n", "not a port number"),
            ("tcp: {port: 0}\n", "not a port number"),
            ("exec: {command: \"a 'b\"}\n", "closing quote"),
            ("exec: {command: ''}\n", "empty"),
            ("level: alive\n", "no `http`"),
        ] {
            let got = check(text).expect_err(text);
            assert!(got.contains(why), "{text:?}: {got}");
        }
    }

    #[test]
    fn exec_commands_are_split_without_a_default_arguments_group() {
        let c = check("exec: {command: \"curl -f 'http://x/' [ a ]\", working-dir: /srv}\n")
            .expect("check");
        assert_eq!(
            c.kind,
            Kind::Exec {
                command: ["curl", "-f", "http://x/", "[", "a", "]"]
                    .map(String::from)
                    .to_vec(),
                environment: Vec::new(),
                working_dir: Some("/srv".into()),
            }
        );
    }
}
