//! Where the app connects to: the hosts and ports of the integrations' relation data, as
//! paas-charm's libraries read it ([`Plan::destinations`](crate::Plan::destinations)). A
//! deployment outside Juju narrows the pods' egress to these (the Helm chart's NetworkPolicy).

/// A host and port the app connects to.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Destination {
    /// The integration it comes from (`postgresql`, `redis`, ...; `model-proxy` for the Juju
    /// model's proxy settings).
    pub integration: String,
    /// The host name or IP address (lowercase, IPv6 without brackets).
    pub host: String,
    /// The TCP port.
    pub port: u16,
}

/// The port a client of `scheme` connects to when the URL names none.
fn default_port(scheme: &str) -> Option<u16> {
    Some(match scheme {
        "http" => 80,
        "https" => 443,
        "postgresql" | "postgres" => 5432,
        "mysql" => 3306,
        "mongodb" | "mongodb+srv" => 27017,
        "redis" | "valkey" => 6379,
        "amqp" => 5672,
        "amqps" => 5671,
        _ => return None,
    })
}

/// The hosts and ports of `url` (`scheme://[user@]host[:port][,host[:port]...]/...`, or a bare
/// `host:port` list read as `scheme`), dropping hosts without a known port.
pub(crate) fn of_url(url: &str, scheme: &str) -> Vec<(String, u16)> {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => (scheme.to_string(), url),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let hosts = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    hosts
        .split(',')
        .filter_map(|h| {
            let (host, port) = match h.strip_prefix('[') {
                Some(v6) => {
                    let (host, rest) = v6.split_once(']')?;
                    (host, rest.strip_prefix(':'))
                }
                None => match h.rsplit_once(':') {
                    Some((host, port)) => (host, Some(port)),
                    None => (h, None),
                },
            };
            let port = match port {
                Some(p) => p.parse::<u16>().ok()?,
                None => default_port(&scheme)?,
            };
            let host = host.trim().to_ascii_lowercase();
            (!host.is_empty() && host != "none" && port != 0).then_some((host, port))
        })
        .collect()
}

/// The hosts and ports of the proxies among `urls` (`http_proxy`, `https_proxy`; unset ones
/// skipped), as an HTTP client reaches them.
pub(crate) fn of_proxies<'a>(
    urls: impl IntoIterator<Item = &'a Option<String>> + 'a,
) -> impl Iterator<Item = (String, u16)> + 'a {
    urls.into_iter().flatten().flat_map(|u| of_url(u, "http"))
}

#[cfg(test)]
mod tests {
    use super::of_url;

    fn hosts(url: &str, scheme: &str) -> Vec<(String, u16)> {
        of_url(url, scheme)
    }

    #[test]
    fn reads_hosts_ports_and_defaults() {
        let one = |h: &str, p| vec![(h.to_string(), p)];
        assert_eq!(
            hosts("postgresql://u:p@db.example:6432/app", ""),
            one("db.example", 6432)
        );
        assert_eq!(
            hosts("postgresql://u:p@10.0.0.5/app", ""),
            one("10.0.0.5", 5432)
        );
        assert_eq!(hosts("https://S3.Example/", ""), one("s3.example", 443));
        assert_eq!(hosts("http://[fd00::1]:4318", ""), one("fd00::1", 4318));
        assert_eq!(
            hosts("mongodb://u:p@a:27018,b/db", ""),
            vec![("a".into(), 27018), ("b".into(), 27017)]
        );
        assert_eq!(hosts("v1:6379,v2:6380", "valkey").len(), 2);
        assert!(hosts("ftp://x", "").is_empty());
        assert!(hosts("redis://None:6379", "").is_empty());
        assert!(hosts("http://x:99999", "").is_empty());
        assert!(hosts("http://x:0", "").is_empty());
    }
}
