//! How pydantic 2 validates and prints an `AnyUrl` / `AnyHttpUrl` (charmcraft's `links`,
//! paas-charm's integration data). pydantic-core parses URLs with the WHATWG URL standard: the
//! scheme and a special scheme's host are lowercased, tabs and newlines dropped, a special
//! scheme's default port and `.`/`..` path segments removed, an empty path written `/`, and
//! characters outside each component's set percent-encoded, a non-ASCII host label written in
//! punycode. Not ported: UTS #46's mappings beyond lowercasing, IPv6 address compression, and
//! `file:` URLs' own rules.

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
    match plain(url) {
        Some(out) => Some(out),
        None => parsed(url),
    }
}

/// [`any_url`] of a URL already in the form it prints as (but perhaps for the `/` of an http(s)
/// URL's empty path), read with one look at each byte: `http://`, `https://` or `<scheme>://`
/// for a lowercase scheme that is not one of WHATWG's other special ones (`redis://`,
/// `amqp://`), a host of lowercase letters, digits, `-` and `.` whose last label starts with a
/// letter (so it is no IPv4 address), for a non-special scheme a port of digits without a
/// leading zero (printed as written), and a path, if any, of letters, digits and `-._~/` with
/// no segment starting with `.` (so none is `.` or `..`). No credentials, query or fragment.
/// Such URLs are most of what profiles and relation data hold, and [`parsed`] took about 6,000
/// instructions for one.
fn plain(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let http = matches!(scheme, "http" | "https");
    if scheme.is_empty()
        || !scheme.bytes().all(|b| b.is_ascii_lowercase())
        || (!http && SPECIAL.iter().any(|(s, _)| *s == scheme))
    {
        return None;
    }
    let bytes = rest.as_bytes();
    let authority_end = bytes.iter().position(|&b| b == b'/').unwrap_or(bytes.len());
    let (authority, path) = bytes.split_at(authority_end);
    let (host, port) = match authority.iter().position(|&b| b == b':') {
        Some(colon) if !http => (&authority[..colon], Some(&authority[colon + 1..])),
        Some(_) => return None,
        None => (authority, None),
    };
    let hostname = host.strip_suffix(b".").unwrap_or(host);
    let last = hostname.rsplit(|&b| b == b'.').next()?;
    let host_ok = host
        .iter()
        .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.');
    if !host_ok || !last.first().is_some_and(u8::is_ascii_lowercase) {
        return None;
    }
    if let Some(port) = port {
        let digits = port.iter().all(u8::is_ascii_digit);
        let value = std::str::from_utf8(port).ok()?.parse::<u32>().ok()?;
        if !digits || port.len() > 5 || (port[0] == b'0' && port.len() > 1) || value > 65535 {
            return None;
        }
    }
    let path_ok = path.iter().enumerate().all(|(i, &b)| {
        b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'_' | b'~' | b'/')
            || (b == b'.' && path[i - 1] != b'/')
    });
    if !path_ok {
        return None;
    }
    let mut out = String::with_capacity(url.len() + 1);
    out.push_str(url);
    if http && path.is_empty() {
        out.push('/');
    }
    Some(out)
}

/// [`any_url`] by the WHATWG parser's steps.
fn parsed(url: &str) -> Option<String> {
    let url: String = url
        .trim_matches(|c: char| (c as u32) <= 0x20)
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let colon = url.find(':')?;
    let scheme = &url[..colon];
    if !scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        || !scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return None;
    }
    let scheme = scheme.to_ascii_lowercase();
    let special = SPECIAL.iter().find(|(s, _)| *s == scheme);
    let rest = &url[colon + 1..];
    let is_sep = |c: char| c == '/' || (special.is_some() && c == '\\');
    let (before_fragment, fragment) = match rest.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (rest, None),
    };
    let (before_query, query) = match before_fragment.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (before_fragment, None),
    };
    let mut out = [scheme.as_str(), ":"].concat();
    // A special scheme (but `file`) takes any number of slashes before the host, even none.
    let skip_slashes = special.is_some_and(|(s, _)| *s != "file");
    if skip_slashes || before_query.starts_with("//") {
        let after = if skip_slashes {
            before_query.trim_start_matches(is_sep)
        } else {
            &before_query[2..]
        };
        let end = after.find(is_sep).unwrap_or(after.len());
        let (authority, path) = after.split_at(end);
        out.push_str("//");
        authority_into(&mut out, authority, special)?;
        path_into(&mut out, path, special.is_some(), is_sep);
    } else if special.is_some() {
        return None;
    } else if before_query.starts_with('/') {
        path_into(&mut out, before_query, false, is_sep);
    } else {
        encode_into(&mut out, before_query, |_| false);
    }
    if let Some(q) = query {
        out.push('?');
        let special_quote = special.is_some();
        encode_into(&mut out, q, |c| {
            matches!(c, ' ' | '"' | '#' | '<' | '>') || (special_quote && c == '\'')
        });
    }
    if let Some(f) = fragment {
        out.push('#');
        encode_into(&mut out, f, |c| matches!(c, ' ' | '"' | '<' | '>' | '`'));
    }
    Some(out)
}

/// `str(AnyHttpUrl(url))`: as [`any_url`], for http and https only.
pub fn any_http_url(url: &str) -> Option<String> {
    let out = any_url(url)?;
    (out.starts_with("http://") || out.starts_with("https://")).then_some(out)
}

/// Writes `s`, percent-encoding C0 controls, non-ASCII characters and those `extra` names.
fn encode_into(out: &mut String, s: &str, extra: impl Fn(char) -> bool) {
    for c in s.chars() {
        if c.is_ascii() && !c.is_ascii_control() && !extra(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
}

fn userinfo_char(c: char) -> bool {
    " \"#<>?`{}/:;=@[\\]^|".contains(c)
}

/// Writes `userinfo@host:port`, or `None` when the authority is not valid.
fn authority_into(
    out: &mut String,
    authority: &str,
    special: Option<&(&str, Option<u32>)>,
) -> Option<()> {
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, authority),
    };
    if let Some(u) = userinfo {
        let (user, password) = u.split_once(':').unwrap_or((u, ""));
        if !user.is_empty() || !password.is_empty() {
            encode_into(out, user, userinfo_char);
            if !password.is_empty() {
                out.push(':');
                encode_into(out, password, userinfo_char);
            }
            out.push('@');
        }
    }
    let (host, port) = if let Some(inner) = hostport.strip_prefix('[') {
        let (h, after) = inner.split_once(']')?;
        if after.is_empty() {
            (format!("[{}]", h.to_ascii_lowercase()), None)
        } else {
            (
                format!("[{}]", h.to_ascii_lowercase()),
                Some(after.strip_prefix(':')?),
            )
        }
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (hostport.to_string(), None),
        }
    };
    let host = if host.starts_with('[') {
        host
    } else if special.is_some() {
        let decoded = percent_decode(&host)?;
        if decoded
            .chars()
            .any(|c| c.is_control() || " #%/:<>?@[\\]^|".contains(c))
        {
            return None;
        }
        let lower = idna(&decoded.to_lowercase());
        match if lower.is_empty() {
            Ipv4::NotNumeric
        } else {
            ipv4(&lower)
        } {
            Ipv4::Address(a) => a,
            Ipv4::Invalid => return None,
            Ipv4::NotNumeric => lower,
        }
    } else {
        if host.chars().any(|c| " <>^|#/?\\".contains(c)) {
            return None;
        }
        let mut opaque = String::new();
        encode_into(&mut opaque, &host, |_| false);
        opaque
    };
    let credentials = userinfo.is_some() || port.is_some_and(|p| !p.is_empty());
    if host.is_empty() && (credentials || special.is_some_and(|(s, _)| *s != "file")) {
        return None;
    }
    out.push_str(&host);
    match port {
        Some("") | None => {}
        Some(p) if p.bytes().all(|b| b.is_ascii_digit()) => {
            let digits = p.trim_start_matches('0');
            if digits.len() > 5 {
                return None;
            }
            let n: u32 = digits.parse().unwrap_or(0);
            if n > 65535 {
                return None;
            }
            if special.and_then(|(_, d)| *d) != Some(n) {
                out.push_str(&format!(":{n}"));
            }
        }
        Some(_) => return None,
    }
    Some(())
}

/// The host with each label that holds non-ASCII characters in punycode (`xn--...`).
fn idna(host: &str) -> String {
    host.split('.')
        .map(|label| {
            if label.is_ascii() {
                label.to_string()
            } else {
                format!("xn--{}", punycode(label))
            }
        })
        .collect::<Vec<_>>()
        .join(".")
}

/// RFC 3492's encoding of `label`.
fn punycode(label: &str) -> String {
    const BASE: u32 = 36;
    const T_MIN: u32 = 1;
    const T_MAX: u32 = 26;
    let adapt = |mut delta: u32, points: u32, first: bool| {
        delta /= if first { 700 } else { 2 };
        delta += delta / points;
        let mut k = 0;
        while delta > ((BASE - T_MIN) * T_MAX) / 2 {
            delta /= BASE - T_MIN;
            k += BASE;
        }
        k + (BASE - T_MIN + 1) * delta / (delta + 38)
    };
    let digit = |d: u32| {
        char::from(if d < 26 {
            b'a' + d as u8
        } else {
            b'0' + (d - 26) as u8
        })
    };
    let chars: Vec<u32> = label.chars().map(u32::from).collect();
    let mut out: String = label.chars().filter(char::is_ascii).collect();
    let basic = out.len() as u32;
    if basic > 0 {
        out.push('-');
    }
    let (mut n, mut delta, mut bias, mut h) = (128u32, 0u32, 72u32, basic);
    while (h as usize) < chars.len() {
        let Some(&m) = chars.iter().filter(|&&c| c >= n).min() else {
            break;
        };
        delta = delta.saturating_add((m - n).saturating_mul(h + 1));
        n = m;
        for &c in &chars {
            if c < n {
                delta = delta.saturating_add(1);
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = k.saturating_sub(bias).clamp(T_MIN, T_MAX);
                    if q < t {
                        break;
                    }
                    out.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(digit(q));
                bias = adapt(delta, h + 1, h == basic);
                delta = 0;
                h += 1;
            }
        }
        delta = delta.saturating_add(1);
        n += 1;
    }
    out
}

/// `%XX` decoded; `None` for a `%` not followed by two hex digits, or bytes that are not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

enum Ipv4 {
    Address(String),
    Invalid,
    NotNumeric,
}

/// WHATWG's IPv4 parser: a host whose last label is a number is an address (`0x7f.1` is
/// `127.0.0.1`), or invalid.
fn ipv4(host: &str) -> Ipv4 {
    let trimmed = host.strip_suffix('.').unwrap_or(host);
    let parts: Vec<&str> = trimmed.split('.').collect();
    let number = |p: &str| -> Option<u64> {
        let (digits, radix) = if let Some(h) = p.strip_prefix("0x").or(p.strip_prefix("0X")) {
            (h, 16)
        } else if p.len() > 1 && p.starts_with('0') {
            (&p[1..], 8)
        } else {
            (p, 10)
        };
        if digits.is_empty() {
            return Some(0);
        }
        u64::from_str_radix(digits, radix).ok()
    };
    let last = parts.last().copied().unwrap_or_default();
    let last_numeric = !last.is_empty()
        && (last.bytes().all(|b| b.is_ascii_digit())
            || number(last).is_some() && last.starts_with("0x"));
    if !last_numeric {
        return Ipv4::NotNumeric;
    }
    if parts.len() > 4 || parts.contains(&"") {
        return Ipv4::Invalid;
    }
    let Some(numbers) = parts
        .iter()
        .map(|p| number(p))
        .collect::<Option<Vec<u64>>>()
    else {
        return Ipv4::Invalid;
    };
    let (init, last) = numbers.split_at(numbers.len() - 1);
    if init.iter().any(|n| *n > 255) || last[0] >= 256u64.pow(5 - numbers.len() as u32) {
        return Ipv4::Invalid;
    }
    let mut value = last[0];
    for (i, n) in init.iter().enumerate() {
        value += n << (8 * (3 - i));
    }
    Ipv4::Address(format!(
        "{}.{}.{}.{}",
        (value >> 24) & 255,
        (value >> 16) & 255,
        (value >> 8) & 255,
        value & 255
    ))
}

/// Writes the path: `.` and `..` segments resolved, characters outside WHATWG's path set
/// percent-encoded; a special URL's empty path is `/`.
fn path_into(out: &mut String, path: &str, special: bool, is_sep: impl Fn(char) -> bool) {
    let mut segments: Vec<&str> = Vec::new();
    if !path.is_empty() {
        let inner = &path[1..];
        let parts: Vec<&str> = inner.split(&is_sep).collect();
        let n = parts.len();
        for (i, seg) in parts.into_iter().enumerate() {
            let last = i + 1 == n;
            let lower = seg.to_ascii_lowercase();
            let double = matches!(lower.as_str(), ".." | ".%2e" | "%2e." | "%2e%2e");
            let single = matches!(lower.as_str(), "." | "%2e");
            if double {
                segments.pop();
                if last {
                    segments.push("");
                }
            } else if single {
                if last {
                    segments.push("");
                }
            } else {
                segments.push(seg);
            }
        }
    }
    if segments.is_empty() {
        if special || !path.is_empty() {
            out.push('/');
        }
        return;
    }
    for seg in segments {
        out.push('/');
        encode_into(out, seg, |c| {
            matches!(c, ' ' | '"' | '#' | '<' | '>' | '?' | '`' | '{' | '}')
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (input, `str(AnyUrl(input))` under pydantic 2.14, `str(AnyHttpUrl(input))`).
    const PYDANTIC: &[(&str, Option<&str>, Option<&str>)] = &[
        (
            "https://example.com",
            Some("https://example.com/"),
            Some("https://example.com/"),
        ),
        (
            "https://Example.COM:443",
            Some("https://example.com/"),
            Some("https://example.com/"),
        ),
        (
            "http://a/b/../c/./d",
            Some("http://a/c/d"),
            Some("http://a/c/d"),
        ),
        (
            "http://a/b c",
            Some("http://a/b%20c"),
            Some("http://a/b%20c"),
        ),
        (
            "https://a/é?x=é y#ü",
            Some("https://a/%C3%A9?x=%C3%A9%20y#%C3%BC"),
            Some("https://a/%C3%A9?x=%C3%A9%20y#%C3%BC"),
        ),
        ("HTTP://A", Some("http://a/"), Some("http://a/")),
        ("https://a?x", Some("https://a/?x"), Some("https://a/?x")),
        ("https://a#", Some("https://a/#"), Some("https://a/#")),
        ("  https://a  ", Some("https://a/"), Some("https://a/")),
        ("https://a\\b", Some("https://a/b"), Some("https://a/b")),
        (
            "https://a:8080",
            Some("https://a:8080/"),
            Some("https://a:8080/"),
        ),
        (
            "https://user:p w@a/",
            Some("https://user:p%20w@a/"),
            Some("https://user:p%20w@a/"),
        ),
        (
            "https://a/%7e",
            Some("https://a/%7e"),
            Some("https://a/%7e"),
        ),
        ("https://a//b", Some("https://a//b"), Some("https://a//b")),
        ("http://a/b/..", Some("http://a/"), Some("http://a/")),
        ("http://a/b/.", Some("http://a/b/"), Some("http://a/b/")),
        ("http://a/%2e%2E/c", Some("http://a/c"), Some("http://a/c")),
        ("http://a/b/%2e./c", Some("http://a/c"), Some("http://a/c")),
        (
            "http:example.com",
            Some("http://example.com/"),
            Some("http://example.com/"),
        ),
        ("https:/a/b", Some("https://a/b"), Some("https://a/b")),
        ("https:\\\\a\\b", Some("https://a/b"), Some("https://a/b")),
        (
            "https://a:080/",
            Some("https://a:80/"),
            Some("https://a:80/"),
        ),
        ("HTTPS://A:0443", Some("https://a/"), Some("https://a/")),
        (
            "http://a/?q=\"x'<>`",
            Some("http://a/?q=%22x%27%3C%3E`"),
            Some("http://a/?q=%22x%27%3C%3E`"),
        ),
        (
            "http://a/#f \"<>`'",
            Some("http://a/#f%20%22%3C%3E%60'"),
            Some("http://a/#f%20%22%3C%3E%60'"),
        ),
        (
            "http://a/p\"<>`{}|^",
            Some("http://a/p%22%3C%3E%60%7B%7D|^"),
            Some("http://a/p%22%3C%3E%60%7B%7D|^"),
        ),
        (
            "http://a\tb.c/\nx",
            Some("http://ab.c/x"),
            Some("http://ab.c/x"),
        ),
        ("http://", None, None),
        ("http://:80", None, None),
        ("http://a b", None, None),
        ("http://a%41/", Some("http://aa/"), Some("http://aa/")),
        (
            "http://[FD00::1]:80/",
            Some("http://[fd00::1]/"),
            Some("http://[fd00::1]/"),
        ),
        (
            "http://user:pa@ss@h/",
            Some("http://user:pa%40ss@h/"),
            Some("http://user:pa%40ss@h/"),
        ),
        (
            "redis://10.1.88.132:6379",
            Some("redis://10.1.88.132:6379"),
            None,
        ),
        ("redis://h:None", None, None),
        ("urn:example:idp", Some("urn:example:idp"), None),
        ("redis://H/a/../b", Some("redis://H/b"), None),
        ("redis://h/a b", Some("redis://h/a%20b"), None),
        ("tempo:4317x", Some("tempo:4317x"), None),
        ("no-scheme", None, None),
        ("http://h:99999/", None, None),
        (
            "http://a/b?c#d#e",
            Some("http://a/b?c#d#e"),
            Some("http://a/b?c#d#e"),
        ),
        ("http://a./", Some("http://a./"), Some("http://a./")),
        ("ftp://a:21/", Some("ftp://a/"), None),
        ("ws://a:80/x", Some("ws://a/x"), None),
        ("http://@a/", Some("http://a/"), Some("http://a/")),
        ("http://u@a/", Some("http://u@a/"), Some("http://u@a/")),
        ("http://a:/", Some("http://a/"), Some("http://a/")),
        ("http://%zz/", None, None),
        ("http://a/%zz", Some("http://a/%zz"), Some("http://a/%zz")),
        (
            "http://a/x%2Fy",
            Some("http://a/x%2Fy"),
            Some("http://a/x%2Fy"),
        ),
        ("http://-a/", Some("http://-a/"), Some("http://-a/")),
        ("http://a_b/", Some("http://a_b/"), Some("http://a_b/")),
        ("http://1.2.3.256/", None, None),
        (
            "http://0x7f.1/",
            Some("http://127.0.0.1/"),
            Some("http://127.0.0.1/"),
        ),
        (
            "http://a/b?c d#e f",
            Some("http://a/b?c%20d#e%20f"),
            Some("http://a/b?c%20d#e%20f"),
        ),
        (
            "http://tempo:4318",
            Some("http://tempo:4318/"),
            Some("http://tempo:4318/"),
        ),
        (
            "HTTPS://a/otlp",
            Some("https://a/otlp"),
            Some("https://a/otlp"),
        ),
        ("file:///a/b", Some("file:///a/b"), None),
        (
            "http://0é;&1!/",
            Some("http://xn--0;&1!-bsa/"),
            Some("http://xn--0;&1!-bsa/"),
        ),
        (
            "https://münchen.de",
            Some("https://xn--mnchen-3ya.de/"),
            Some("https://xn--mnchen-3ya.de/"),
        ),
        ("urn:/ {-!", Some("urn:/%20%7B-!"), None),
        ("redis://é", Some("redis://%C3%A9"), None),
    ];

    /// The one-pass reading gives what the parser gives, on URLs it takes and on near misses.
    #[test]
    fn plain_urls_print_as_parsed() {
        let hosts = [
            "example.com",
            "a",
            "a.b.",
            "a..b",
            "x-1.y",
            "1.2.3.4",
            "1.2.3.x",
            "0x7f.1",
            "a.0x1",
            "Example.com",
            "a_b.c",
            "a.b-",
            "-a",
            "é.com",
            "a.b:443",
            "a.b:80",
            "u@a.b",
            "",
            ".",
            "a.1b",
            "a.b1",
        ];
        let paths = [
            "",
            "/",
            "/a",
            "/a/",
            "/a//b",
            "/a.b",
            "/.well-known",
            "/a/../b",
            "/a/./b",
            "/..",
            "/a b",
            "/a%20b",
            "/A_B~c-d",
            "/a?x=1",
            "/a#f",
            "/a\\b",
            "/é",
            "/a.",
            "/a/.",
            "/_",
        ];
        let ports = [
            "", ":", ":0", ":6379", ":06379", ":65535", ":65536", ":123456", ":x", ":80",
        ];
        let schemes = [
            "http://",
            "https://",
            "HTTP://",
            "ftp://",
            "ws://",
            "file://",
            "http:/",
            "http:///",
            "redis://",
            "amqp://",
            "postgresql://",
            "Redis://",
            "a1://",
        ];
        let mut taken = 0;
        for scheme in schemes {
            for host in hosts {
                for port in ports {
                    for path in paths {
                        let url = format!("{scheme}{host}{port}{path}");
                        if let Some(fast) = plain(&url) {
                            taken += 1;
                            assert_eq!(Some(fast), parsed(&url), "{url:?}");
                        }
                    }
                }
            }
        }
        assert!(taken > 1000, "the one-pass reading took only {taken} URLs");
        assert_eq!(plain("https://a.b/.x"), None);
        assert_eq!(plain("http://10.0.0.1/"), None);
        assert_eq!(
            plain("https://hello.example.com").as_deref(),
            Some("https://hello.example.com/")
        );
        assert_eq!(
            plain("redis://localhost:6379").as_deref(),
            Some("redis://localhost:6379")
        );
    }

    #[test]
    fn urls_print_as_pydantic_prints_them() {
        for (input, any, http) in PYDANTIC {
            assert_eq!(any_url(input).as_deref(), *any, "AnyUrl({input:?})");
            assert_eq!(
                any_http_url(input).as_deref(),
                *http,
                "AnyHttpUrl({input:?})"
            );
        }
    }
}
