//! How pydantic 2's `AnyUrl` / `AnyHttpUrl` serialise a URL (pydantic-core follows the WHATWG
//! URL standard): lowercased scheme and special-scheme host, default port dropped, `/` as the
//! empty path of special schemes. Covers the common shapes, not all of WHATWG.

use crate::urlparse::urlsplit;

const SPECIAL: [(&str, Option<u32>); 6] = [
    ("http", Some(80)),
    ("https", Some(443)),
    ("ws", Some(80)),
    ("wss", Some(443)),
    ("ftp", Some(21)),
    ("file", None),
];

/// `str(AnyUrl(url))`, or `None` when pydantic would reject the URL.
pub fn any_url(url: &str) -> Option<String> {
    let trimmed = url.trim_matches(|c: char| (c as u32) <= 0x20);
    let colon = trimmed.find(':')?;
    let scheme = &trimmed[..colon];
    if !scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return None;
    }
    let scheme = scheme.to_ascii_lowercase();
    let special = SPECIAL.iter().find(|(s, _)| *s == scheme);
    let parts = urlsplit(trimmed).ok()?;
    let rest = &trimmed[colon + 1..];
    if !rest.starts_with("//") {
        return special.is_none().then(|| format!("{scheme}:{rest}"));
    }
    let netloc = parts.netloc.as_str();
    let (userinfo, hostport) = match netloc.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, netloc),
    };
    let (host, port) = if let Some(inner) = hostport.strip_prefix('[') {
        let (h, after) = inner.split_once(']')?;
        (
            format!("[{}]", h.to_ascii_lowercase()),
            after.strip_prefix(':'),
        )
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (hostport.to_string(), None),
        }
    };
    if host.chars().any(|c| " <>^|%#/?\\".contains(c)) {
        return None;
    }
    let host = if special.is_some() {
        host.to_lowercase()
    } else {
        host
    };
    if special.is_some_and(|(s, _)| *s != "file") && host.is_empty() {
        return None;
    }
    let port = match port {
        Some("") | None => None,
        Some(p) if p.bytes().all(|b| b.is_ascii_digit()) => {
            let n: u32 = p.trim_start_matches('0').parse().unwrap_or(0);
            if n > 65535 {
                return None;
            }
            (special.and_then(|(_, d)| *d) != Some(n)).then_some(n)
        }
        Some(_) => return None,
    };
    let mut out = format!("{scheme}://");
    if let Some(u) = userinfo {
        let (user, password) = match u.split_once(':') {
            Some((n, p)) => (n, Some(p)),
            None => (u, None),
        };
        out.push_str(&encode_userinfo(user));
        if let Some(p) = password {
            out.push(':');
            out.push_str(&encode_userinfo(p));
        }
        out.push('@');
    }
    out.push_str(&host);
    if let Some(p) = port {
        out.push_str(&format!(":{p}"));
    }
    let path = &parts.path;
    if path.is_empty() && special.is_some() {
        out.push('/');
    } else {
        out.push_str(path);
    }
    if trimmed.contains('?') {
        out.push('?');
        out.push_str(&parts.query);
    }
    if trimmed.contains('#') {
        out.push('#');
        out.push_str(&parts.fragment);
    }
    Some(out)
}

/// WHATWG's userinfo percent-encode set.
fn encode_userinfo(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii() && !c.is_ascii_control() && !" \"#<>?`{}/:;=@[\\]^|".contains(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// `str(AnyHttpUrl(url))`: as [`any_url`], for http and https only.
pub fn any_http_url(url: &str) -> Option<String> {
    let out = any_url(url)?;
    (out.starts_with("http://") || out.starts_with("https://")).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_schemes_normalise() {
        assert_eq!(
            any_url("http://tempo:4318").as_deref(),
            Some("http://tempo:4318/")
        );
        assert_eq!(
            any_url("https://Tempo.Example.com:443/").as_deref(),
            Some("https://tempo.example.com/")
        );
        assert_eq!(any_url("HTTPS://a/otlp").as_deref(), Some("https://a/otlp"));
        assert_eq!(
            any_url("http://a:80/x?q#f").as_deref(),
            Some("http://a/x?q#f")
        );
    }

    #[test]
    fn userinfo_is_percent_encoded() {
        assert_eq!(
            any_url("http://user:pa@ss@h/").as_deref(),
            Some("http://user:pa%40ss@h/")
        );
        assert_eq!(
            any_url("http://[FD00::1]:80/").as_deref(),
            Some("http://[fd00::1]/")
        );
    }

    #[test]
    fn other_schemes_keep_their_shape() {
        assert_eq!(
            any_url("redis://10.1.88.132:6379").as_deref(),
            Some("redis://10.1.88.132:6379")
        );
        assert_eq!(
            any_url("urn:example:idp").as_deref(),
            Some("urn:example:idp")
        );
    }

    #[test]
    fn rejects_what_pydantic_rejects() {
        assert_eq!(any_url("tempo:4317x"), Some("tempo:4317x".into()));
        assert_eq!(any_url("no-scheme"), None);
        assert_eq!(any_url("http://"), None);
        assert_eq!(any_url("http://h:99999/"), None);
        assert_eq!(any_url("redis://h:None"), None);
        assert_eq!(any_http_url("redis://h:1"), None);
    }
}
