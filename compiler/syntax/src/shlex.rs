//! Python's `shlex.split(s)` (POSIX mode, no comments): how rockcraft reads a Pebble service's
//! command for `entrypoint-service`, and how paas-charm rewrites gunicorn's command line.

/// The words of `s`, or Python's `ValueError` message when it cannot be split.
pub fn split(s: &str) -> Result<Vec<String>, &'static str> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\r' | '\n' => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '\\' => {
                cur.push(chars.next().ok_or("No escaped character")?);
                in_word = true;
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next().ok_or("No closing quotation")? {
                        '\'' => break,
                        x => cur.push(x),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next().ok_or("No closing quotation")? {
                        '"' => break,
                        '\\' => match chars.next().ok_or("No closing quotation")? {
                            x @ ('"' | '\\') => cur.push(x),
                            x => {
                                cur.push('\\');
                                cur.push(x);
                            }
                        },
                        x => cur.push(x),
                    }
                }
            }
            c => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn splits_like_python() {
        assert_eq!(
            split("/bin/python3 -m gunicorn 'app:create_app()' -k [ sync ]").ok(),
            Some(
                [
                    "/bin/python3",
                    "-m",
                    "gunicorn",
                    "app:create_app()",
                    "-k",
                    "[",
                    "sync",
                    "]"
                ]
                .map(String::from)
                .to_vec()
            )
        );
        assert_eq!(
            split(r#"a "b\"c" '' "\$x" x\ y"#).ok(),
            Some(["a", "b\"c", "", "\\$x", "x y"].map(String::from).to_vec())
        );
        assert_eq!(split("a 'b"), Err("No closing quotation"));
        assert_eq!(split("a \"b\\"), Err("No closing quotation"));
        assert_eq!(split("a\\"), Err("No escaped character"));
    }
}
