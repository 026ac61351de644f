//! A port of CPython 3.11's `urllib.parse` (`urlsplit`, `urlparse`, the netloc attributes,
//! `quote`, `unquote`). WHATWG parsers differ on many inputs, so this follows the Python code.

use crate::status::PyError;
use std::net::{IpAddr, Ipv6Addr};

const USES_PARAMS: [&str; 16] = [
    "", "ftp", "hdl", "prospero", "http", "imap", "https", "shttp", "rtsp", "rtsps", "rtspu",
    "sip", "sips", "mms", "sftp", "tel",
];

/// `urlparse`'s result: the six components, as strings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ParseResult {
    /// Lowercased scheme, or "".
    pub scheme: String,
    /// The authority, verbatim.
    pub netloc: String,
    /// The path.
    pub path: String,
    /// `;params` of the last path segment (only for schemes in `uses_params`).
    pub params: String,
    /// The query without `?`.
    pub query: String,
    /// The fragment without `#`.
    pub fragment: String,
}

/// `urllib.parse.urlsplit(url)`; `params` stays empty and inside `path`.
pub fn urlsplit(url: &str) -> Result<ParseResult, PyError> {
    let url = url.trim_start_matches(|c: char| (c as u32) <= 0x20);
    let mut url: String = url
        .chars()
        .filter(|c| !matches!(c, '\t' | '\r' | '\n'))
        .collect();
    let mut res = ParseResult::default();
    if let Some(i) = url.find(':') {
        let first = url.chars().next();
        if i > 0
            && first.is_some_and(|c| c.is_ascii_alphabetic())
            && url[..i]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        {
            res.scheme = url[..i].to_ascii_lowercase();
            url = url[i + 1..].to_string();
        }
    }
    if url.starts_with("//") {
        let rest = &url[2..];
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        res.netloc = rest[..end].to_string();
        url = rest[end..].to_string();
        let (open, close) = (res.netloc.contains('['), res.netloc.contains(']'));
        if open != close {
            return Err(PyError::value("Invalid IPv6 URL"));
        }
        if open {
            let after = res.netloc.split_once('[').map(|x| x.1).unwrap_or("");
            let host = after.split_once(']').map(|x| x.0).unwrap_or(after);
            check_bracketed_host(host)?;
        }
    }
    if let Some((before, frag)) = url.split_once('#') {
        res.fragment = frag.to_string();
        url = before.to_string();
    }
    if let Some((before, query)) = url.split_once('?') {
        res.query = query.to_string();
        url = before.to_string();
    }
    res.path = url;
    Ok(res)
}

/// `urllib.parse.urlparse(url)`.
pub fn urlparse(url: &str) -> Result<ParseResult, PyError> {
    let mut res = urlsplit(url)?;
    if USES_PARAMS.contains(&res.scheme.as_str()) && res.path.contains(';') {
        let path = std::mem::take(&mut res.path);
        let i = match path.rfind('/') {
            Some(slash) => path[slash..].find(';').map(|j| slash + j),
            None => path.find(';'),
        };
        match i {
            Some(i) => {
                res.params = path[i + 1..].to_string();
                res.path = path[..i].to_string();
            }
            None => res.path = path,
        }
    }
    Ok(res)
}

fn check_bracketed_host(host: &str) -> Result<(), PyError> {
    if let Some(rest) = host.strip_prefix('v') {
        let ok = rest.split_once('.').is_some_and(|(hex, tail)| {
            !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()) && !tail.is_empty()
        });
        return if ok {
            Ok(())
        } else {
            Err(PyError::value("IPvFuture address is invalid"))
        };
    }
    let (addr, scope) = match host.split_once('%') {
        Some((a, s)) => (a, Some(s)),
        None => (host, None),
    };
    if scope.is_none() {
        if let Ok(IpAddr::V4(_)) = host.parse::<IpAddr>() {
            return Err(PyError::value("An IPv4 address cannot be in brackets"));
        }
    }
    if addr.parse::<Ipv6Addr>().is_ok() && scope.is_none_or(|s| !s.is_empty() && !s.contains('%')) {
        return Ok(());
    }
    Err(PyError::value(format!(
        "{} does not appear to be an IPv4 or IPv6 address",
        py_repr(host)
    )))
}

impl ParseResult {
    fn userinfo(&self) -> Option<&str> {
        self.netloc.rsplit_once('@').map(|(u, _)| u)
    }

    fn hostinfo(&self) -> (&str, Option<&str>) {
        let hostinfo = self
            .netloc
            .rsplit_once('@')
            .map_or(self.netloc.as_str(), |x| x.1);
        let (host, port) = match hostinfo.split_once('[') {
            Some((_, bracketed)) => {
                let (h, rest) = bracketed.split_once(']').unwrap_or((bracketed, ""));
                (h, rest.split_once(':').map_or("", |x| x.1))
            }
            None => hostinfo.split_once(':').unwrap_or((hostinfo, "")),
        };
        (host, (!port.is_empty()).then_some(port))
    }

    /// `.username`.
    pub fn username(&self) -> Option<&str> {
        self.userinfo()
            .map(|u| u.split_once(':').map_or(u, |x| x.0))
    }

    /// `.password` (not percent-decoded).
    pub fn password(&self) -> Option<&str> {
        self.userinfo().and_then(|u| u.split_once(':').map(|x| x.1))
    }

    /// `.hostname`: lowercased (the IPv6 zone excepted), `None` when empty.
    pub fn hostname(&self) -> Option<String> {
        let (host, _) = self.hostinfo();
        if host.is_empty() {
            return None;
        }
        Some(match host.split_once('%') {
            Some((h, zone)) => format!("{}%{zone}", h.to_lowercase()),
            None => host.to_lowercase(),
        })
    }

    /// `.port`, raising Python's `ValueError`s.
    pub fn port(&self) -> Result<Option<u32>, PyError> {
        let Some(port) = self.hostinfo().1 else {
            return Ok(None);
        };
        if !port.bytes().all(|b| b.is_ascii_digit()) {
            return Err(PyError::value(format!(
                "Port could not be cast to integer value as {}",
                py_repr(port)
            )));
        }
        let digits = port.trim_start_matches('0');
        match digits.parse::<u32>() {
            Ok(p) if p <= 65535 => Ok(Some(p)),
            _ if digits.is_empty() => Ok(Some(0)),
            _ => Err(PyError::value("Port out of range 0-65535")),
        }
    }
}

/// Python's `repr()` of a string.
pub use paasc_syntax::python_str_repr as py_repr;

/// `urllib.parse.quote(s, safe=safe)`.
pub fn quote(s: &str, safe: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"_.-~".contains(&b) || safe.as_bytes().contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `urllib.parse.unquote(s)`: `%XX` runs decoded as UTF-8 with replacement.
pub fn unquote(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let mut out = String::new();
    let mut pending: Vec<u8> = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b >= 0x80 {
            out.push_str(&String::from_utf8_lossy(&pending));
            pending.clear();
            let len = s[i..].chars().next().map_or(1, char::len_utf8);
            out.push_str(&s[i..i + len]);
            i += len;
            continue;
        }
        let hex = s
            .get(i + 1..i + 3)
            .filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit()));
        match (b, hex) {
            (b'%', Some(h)) => {
                pending.push(u8::from_str_radix(h, 16).unwrap_or(b'%'));
                i += 3;
            }
            _ => {
                pending.push(b);
                i += 1;
            }
        }
    }
    out.push_str(&String::from_utf8_lossy(&pending));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(url: &str) -> [String; 6] {
        let r = urlparse(url).unwrap_or_default();
        [r.scheme, r.netloc, r.path, r.params, r.query, r.fragment]
    }

    #[test]
    fn password_split_at_last_at_and_first_colon() {
        let r = urlparse("postgresql://relation-6:p@ss@pg-0.pg:5432/db").unwrap_or_default();
        assert_eq!(r.netloc, "relation-6:p@ss@pg-0.pg:5432");
        assert_eq!(r.username(), Some("relation-6"));
        assert_eq!(r.password(), Some("p@ss"));
        assert_eq!(r.hostname().as_deref(), Some("pg-0.pg"));
        assert_eq!(r.port(), Ok(Some(5432)));
        let r = urlparse("pg://admin:p%40ss:w0rd@h/db").unwrap_or_default();
        assert_eq!(r.password(), Some("p%40ss:w0rd"));
    }

    #[test]
    fn slash_in_password_ends_the_netloc() {
        let r = urlparse("amqp://web:p@ss/w:rd@rmq:5672/%2F").unwrap_or_default();
        assert_eq!(r.netloc, "web:p@ss");
        assert_eq!(r.path, "/w:rd@rmq:5672/%2F");
        assert_eq!(r.hostname().as_deref(), Some("ss"));
        assert_eq!(r.password(), Some("p"));
        assert_eq!(r.port(), Ok(None));
    }

    #[test]
    fn params_only_for_uses_params_schemes() {
        assert_eq!(parts("postgresql://h/a;v=2?q=1#f")[2], "/a;v=2");
        let p = parts("http://h/x;y/a;v=2?q=1#f");
        assert_eq!((p[2].as_str(), p[3].as_str()), ("/x;y/a", "v=2"));
        assert_eq!(p[4], "q=1");
        assert_eq!(p[5], "f");
    }

    #[test]
    fn ports_and_their_errors() {
        let port = |u: &str| urlparse(u).and_then(|r| r.port());
        assert_eq!(
            port("pg://u:pa#ss@pg:5432/db").map_err(|e| e.to_string()),
            Err("ValueError: Port could not be cast to integer value as 'pa'".into())
        );
        assert_eq!(
            port("m://u:p@a:27017,b:27017/db").map_err(|e| e.message),
            Err("Port could not be cast to integer value as '27017,b:27017'".into())
        );
        assert_eq!(
            port("h://a:70000").map_err(|e| e.message),
            Err("Port out of range 0-65535".into())
        );
        assert_eq!(port("h://a:/x"), Ok(None));
        assert_eq!(port("h://a:00080"), Ok(Some(80)));
    }

    #[test]
    fn ipv6_and_case() {
        let r = urlparse("pg://u:p@[FD00:1::2]:5432/d").unwrap_or_default();
        assert_eq!(r.hostname().as_deref(), Some("fd00:1::2"));
        assert_eq!(r.port(), Ok(Some(5432)));
        assert!(urlparse("pg://[fd00::1/x").is_err());
        assert_eq!(
            urlparse("pg://[1.2.3.4]/").map_err(|e| e.message),
            Err("An IPv4 address cannot be in brackets".into())
        );
        let r = urlparse("PostgreSQL://User@Host.COM/Db").unwrap_or_default();
        assert_eq!(r.scheme, "postgresql");
        assert_eq!(r.hostname().as_deref(), Some("host.com"));
    }

    #[test]
    fn no_scheme_and_odd_inputs() {
        assert_eq!(parts("valkey:6379")[0], "valkey");
        assert_eq!(parts("1abc:x")[0], "");
        assert_eq!(parts(" \thttp://a\n/b")[1], "a");
        assert_eq!(parts("")[2], "");
        let r = urlparse("mongodb://foobar/").unwrap_or_default();
        assert_eq!((r.path.as_str(), r.username()), ("/", None));
    }

    #[test]
    fn quote_and_unquote() {
        assert_eq!(quote("/", ""), "%2F");
        assert_eq!(quote("a b/é", "/"), "a%20b/%C3%A9");
        assert_eq!(unquote("%2F"), "/");
        assert_eq!(unquote("%C3%A9%zz%"), "é%zz%");
        assert_eq!(unquote("%ff"), "\u{fffd}");
    }
}
