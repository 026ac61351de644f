//! The one piece of `data/parts.json`'s type notation that both `build.rs` and the test oracle
//! of its output read with the same code.

/// Splits `s` at each `sep` outside brackets and parentheses (`int|list[a|b]`: `int`, `list[a|b]`).
pub fn split_top(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in s.char_indices() {
        match c {
            '[' | '(' => depth += 1,
            ']' | ')' => depth -= 1,
            c if c == sep && depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}
