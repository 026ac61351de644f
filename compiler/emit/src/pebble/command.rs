//! Pebble's reading of a command, so a container can run it without Pebble.
//!
//! Pebble splits a command with Go's `shlex` (github.com/google/shlex, which Pebble vendors
//! through canonical/x-go). A service's command may then end in one `[ ... ]` group of default
//! arguments that `pebble run --args` may replace; with no replacement the process runs with the
//! base and the default arguments (Pebble's `Service.ParseCommand`).

/// A service command's argument vector: the base arguments followed by the `[ ... ]` defaults,
/// or Pebble's reason for refusing it.
pub fn service_args(command: &str) -> Result<Vec<String>, String> {
    let words = split(command)?;
    let mut base = Vec::with_capacity(words.len());
    let mut extra = Vec::new();
    let (mut inside, mut seen) = (false, false);
    for (i, word) in words.into_iter().enumerate() {
        if inside {
            match word.as_str() {
                "[" => return Err("cannot nest [ ... ] groups".into()),
                "]" => inside = false,
                _ => extra.push(word),
            }
            continue;
        }
        if seen {
            return Err("cannot have any arguments after [ ... ] group".into());
        }
        match word.as_str() {
            "[" if i == 0 => return Err("cannot start command with [ ... ] group".into()),
            "[" => (inside, seen) = (true, true),
            "]" => return Err("cannot have ] outside of [ ... ] group".into()),
            _ => base.push(word),
        }
    }
    // Pebble accepts an unclosed group: the rest of the words are its default arguments.
    if base.is_empty() {
        return Err("the command is empty".into());
    }
    base.extend(extra);
    Ok(base)
}

/// Whether `c` separates words.
const fn blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

/// The bytes of a word that are taken as they are: all but blanks, quotes and `\`.
const PLAIN: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = !blank(c) && !matches!(c, b'\\' | b'\'' | b'"');
        i += 1;
    }
    t
};

/// Go `shlex.Split`: words separated by blanks; `'...'` literal; `"..."` where `\` takes the
/// next character literally; `\` outside quotes escapes the next character; `#` at the start
/// of a word begins a comment to the end of the line. The characters with a meaning are ASCII,
/// so the text is scanned by bytes and copied a run at a time.
pub fn split(s: &str) -> Result<Vec<String>, String> {
    const CLOSE: &str = "EOF found when expecting closing quote";
    let b = s.as_bytes();
    // The character at `i`, whole.
    let char_at = |i: usize| s.get(i..)?.chars().next().map(|c| &s[i..i + c.len_utf8()]);
    let plain = |c: u8| PLAIN[usize::from(c)];
    // Room for most commands' words at once rather than a copy at each doubling.
    let mut words = Vec::with_capacity(8);
    let mut i = 0;
    loop {
        while i < b.len() && blank(b[i]) {
            i += 1;
        }
        if i == b.len() {
            return Ok(words);
        }
        if b[i] == b'#' {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        // A word without quotes or escapes (most are) is its text, copied once.
        let start = i;
        while i < b.len() && plain(b[i]) {
            i += 1;
        }
        if i == b.len() || blank(b[i]) {
            words.push(s[start..i].to_string());
            continue;
        }
        let mut word = String::from(&s[start..i]);
        while i < b.len() {
            match b[i] {
                c if blank(c) => break,
                b'\\' => {
                    let c = char_at(i + 1).ok_or("EOF found after escape character")?;
                    word.push_str(c);
                    i += 1 + c.len();
                }
                b'\'' => {
                    let end = s[i + 1..].find('\'').ok_or(CLOSE)?;
                    word.push_str(&s[i + 1..i + 1 + end]);
                    i += end + 2;
                }
                b'"' => {
                    i += 1;
                    loop {
                        let j = s[i..].find(['"', '\\']).ok_or(CLOSE)?;
                        word.push_str(&s[i..i + j]);
                        i += j + 1;
                        if b[i - 1] == b'"' {
                            break;
                        }
                        let c = char_at(i).ok_or(CLOSE)?;
                        word.push_str(c);
                        i += c.len();
                    }
                }
                _ => {
                    let start = i;
                    while i < b.len() && plain(b[i]) {
                        i += 1;
                    }
                    word.push_str(&s[start..i]);
                }
            }
        }
        words.push(word);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rockcraft_commands() {
        assert_eq!(
            service_args("/bin/python3 -m gunicorn -c /flask/gunicorn.conf.py 'app:create_app()' -k [ sync ]"),
            Ok(["/bin/python3", "-m", "gunicorn", "-c", "/flask/gunicorn.conf.py", "app:create_app()", "-k", "sync"]
                .map(String::from)
                .to_vec())
        );
        assert_eq!(
            service_args("celery -A app worker"),
            Ok(["celery", "-A", "app", "worker"].map(String::from).to_vec())
        );
    }

    #[test]
    fn go_shlex_rules() {
        assert_eq!(
            split(r#"a "b \x c" 'd\e' f\ g #comment"#),
            Ok(["a", "b x c", r"d\e", "f g"].map(String::from).to_vec())
        );
        assert_eq!(split("a#b"), Ok(vec!["a#b".to_string()]));
        assert!(split("a 'b").is_err());
        assert!(split("a \\").is_err());
    }

    /// The char-by-char reading `split` was first written as, for comparison.
    fn split_by_chars(s: &str) -> Result<Vec<String>, String> {
        let mut words = Vec::new();
        let mut chars = s.chars().peekable();
        loop {
            while chars
                .next_if(|c| matches!(c, ' ' | '\t' | '\r' | '\n'))
                .is_some()
            {}
            let Some(&first) = chars.peek() else {
                return Ok(words);
            };
            if first == '#' {
                while chars.next_if(|c| *c != '\n').is_some() {}
                continue;
            }
            let mut word = String::new();
            while let Some(c) = chars.next() {
                match c {
                    ' ' | '\t' | '\r' | '\n' => break,
                    '\\' => word.push(chars.next().ok_or("EOF found after escape character")?),
                    '\'' => loop {
                        match chars.next() {
                            Some('\'') => break,
                            Some(c) => word.push(c),
                            None => return Err("EOF found when expecting closing quote".into()),
                        }
                    },
                    '"' => loop {
                        match chars.next() {
                            Some('"') => break,
                            Some('\\') => word.push(
                                chars
                                    .next()
                                    .ok_or("EOF found when expecting closing quote")?,
                            ),
                            Some(c) => word.push(c),
                            None => return Err("EOF found when expecting closing quote".into()),
                        }
                    },
                    c => word.push(c),
                }
            }
            words.push(word);
        }
    }

    /// Every string of up to five characters from an alphabet of the characters with a
    /// meaning, a letter and multi-byte ones splits as the char-by-char reading splits it.
    #[test]
    fn byte_scanning_reads_as_chars_do() {
        let alphabet = [' ', '\t', '\n', '\\', '\'', '"', '#', 'a', 'é', '😀'];
        let mut texts = vec![String::new()];
        let mut layer = texts.clone();
        for _ in 0..5 {
            layer = layer
                .iter()
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            texts.extend(layer.iter().cloned());
        }
        assert!(texts.len() > 100_000);
        for t in &texts {
            assert_eq!(split(t), split_by_chars(t), "{t:?}");
        }
    }

    #[test]
    fn bracket_errors() {
        assert!(service_args("[ a ]").is_err());
        assert!(service_args("a [ b ] c").is_err());
        assert!(service_args("a [ b [ c ] ]").is_err());
        assert!(service_args("a ]").is_err());
        assert_eq!(
            service_args("a [ b"),
            Ok(vec!["a".to_string(), "b".to_string()])
        );
        assert!(service_args("").is_err());
    }
}
