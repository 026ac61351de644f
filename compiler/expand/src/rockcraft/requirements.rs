//! Requirement names as rockcraft reads them: `packaging.requirements.Requirement(line).name`,
//! lowercased, for every line of `requirements.txt` and every `[project].dependencies` entry of
//! `pyproject.toml`. Lines `Requirement` rejects (comments, options, bare URLs, trailing
//! comments) are skipped, as rockcraft does.

/// The lowercased requirement names of a `requirements.txt`, in file order.
pub fn from_requirements_txt(text: &str) -> Vec<String> {
    text.lines().filter_map(name).collect()
}

/// The lowercased requirement names of `pyproject.toml`'s `[project].dependencies`.
///
/// `Err` carries the TOML error and where it is (rockcraft crashes on it).
pub fn from_pyproject(text: &str) -> Result<Vec<String>, (String, Option<std::ops::Range<usize>>)> {
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| (e.message().trim().to_string(), e.span()))?;
    Ok(table
        .get("project")
        .and_then(|p| p.get("dependencies"))
        .and_then(toml::Value::as_array)
        .map(|deps| {
            deps.iter()
                .filter_map(toml::Value::as_str)
                .filter_map(name)
                .collect()
        })
        .unwrap_or_default())
}

/// The lowercased name of a PEP 508 requirement, or `None` where `packaging` rejects the line.
pub fn name(line: &str) -> Option<String> {
    let mut p = Parser {
        s: line.as_bytes(),
        i: 0,
    };
    p.ws();
    let name = p.identifier()?;
    p.ws();
    if p.eat(b'[') {
        p.ws();
        if !p.eat(b']') {
            loop {
                p.identifier()?;
                p.ws();
                if p.eat(b']') {
                    break;
                }
                if !p.eat(b',') {
                    return None;
                }
                p.ws();
            }
        }
        p.ws();
    }
    if p.eat(b'@') {
        p.ws();
        let start = p.i;
        while p.peek().is_some_and(|c| !c.is_ascii_whitespace()) {
            p.i += 1;
        }
        if p.i == start {
            return None;
        }
        let had_ws = p.ws();
        if p.at_end() {
            return Some(name);
        }
        if !had_ws {
            return None;
        }
    } else if p.peek() == Some(b'(') {
        p.i += 1;
        p.ws();
        p.specifiers()?;
        p.ws();
        if !p.eat(b')') {
            return None;
        }
        p.ws();
    } else if p.peek().is_some_and(|c| b"<>=!~".contains(&c)) {
        p.specifiers()?;
        p.ws();
    }
    if p.at_end() {
        return Some(name);
    }
    if p.eat(b';') && !line[p.i..].trim().is_empty() && !line[p.i..].contains('#') {
        return Some(name);
    }
    None
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn at_end(&self) -> bool {
        self.i >= self.s.len()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn ws(&mut self) -> bool {
        let start = self.i;
        while self.peek().is_some_and(|c| c == b' ' || c == b'\t') {
            self.i += 1;
        }
        self.i > start
    }

    fn identifier(&mut self) -> Option<String> {
        let start = self.i;
        if !self.peek().is_some_and(|c| c.is_ascii_alphanumeric()) {
            return None;
        }
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || b"._-".contains(&c))
        {
            self.i += 1;
        }
        while self.i > start + 1 && !self.s[self.i - 1].is_ascii_alphanumeric() {
            self.i -= 1;
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).ok()?;
        Some(text.to_ascii_lowercase())
    }

    fn specifiers(&mut self) -> Option<()> {
        loop {
            self.ws();
            let op_start = self.i;
            while self.peek().is_some_and(|c| b"<>=!~".contains(&c)) {
                self.i += 1;
            }
            let op = std::str::from_utf8(&self.s[op_start..self.i]).ok()?;
            if !["~=", "==", "!=", "<=", ">=", "<", ">", "==="].contains(&op) {
                return None;
            }
            self.ws();
            let v_start = self.i;
            while self
                .peek()
                .is_some_and(|c| !c.is_ascii_whitespace() && !b",;)#".contains(&c))
            {
                self.i += 1;
            }
            let version = &self.s[v_start..self.i];
            let starts_ok = match version.first() {
                Some(b'v') => version.get(1).is_some_and(u8::is_ascii_digit),
                Some(c) => c.is_ascii_digit() || op == "===",
                None => false,
            };
            if !starts_ok {
                return None;
            }
            self.ws();
            if !self.eat(b',') {
                return Some(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_packaging_reads_them() {
        let cases = [
            ("flask", Some("flask")),
            ("Flask==3.0.0", Some("flask")),
            ("  Flask >= 2, <4", Some("flask")),
            ("flask[async]>=2", Some("flask")),
            ("gunicorn[gevent]", Some("gunicorn")),
            ("flask (>=2.0)", Some("flask")),
            (
                "canonicalwebteam.flask-base==1.0",
                Some("canonicalwebteam.flask-base"),
            ),
            ("Flask_Cors", Some("flask_cors")),
            ("flask ; python_version > '3.8'", Some("flask")),
            ("flask @ https://example.com/flask.whl", Some("flask")),
            ("flask==2.0 # pinned", None),
            ("# comment", None),
            ("", None),
            ("-r other.txt", None),
            ("git+https://github.com/x/flask-base", None),
            ("flask==abc", None),
        ];
        for (line, want) in cases {
            assert_eq!(name(line).as_deref(), want, "{line:?}");
        }
    }

    #[test]
    fn pyproject_dependencies() {
        let deps = from_pyproject("[project]\nname = 'x'\ndependencies = ['Flask>=3', 'gevent']\n")
            .expect("valid toml");
        assert_eq!(deps, ["flask", "gevent"]);
        assert!(from_pyproject("[project\n").is_err());
        assert_eq!(from_pyproject("[tool.x]\na = 1\n"), Ok(vec![]));
    }
}
