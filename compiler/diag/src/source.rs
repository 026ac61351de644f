//! The files a run reads, and position conversions for them.

use line_index::{LineIndex, TextSize, WideEncoding};
use std::borrow::Cow;

/// Index of a file in a [`SourceDb`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A position in a file, in every unit a consumer might want.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    /// 0-based line.
    pub line0: u32,
    /// 0-based column in UTF-16 code units (LSP's default encoding).
    pub utf16_col0: u32,
    /// 1-based column in Unicode characters.
    pub col1: u32,
}

/// One input file: its display path and text.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as shown to the user.
    pub path: String,
    /// The text (lossily decoded if the bytes were not UTF-8).
    pub text: String,
    /// The line starts, found when a position is first asked for: a run that reports nothing
    /// about a file never needs them.
    index: std::sync::OnceLock<LineIndex>,
}

impl SourceFile {
    /// A file with the given display path and text.
    pub fn new(path: impl Into<String>, text: impl Into<String>) -> SourceFile {
        SourceFile {
            path: path.into(),
            text: text.into(),
            index: std::sync::OnceLock::new(),
        }
    }

    /// The position of a byte offset, clamped to the text and to a character boundary.
    pub fn position(&self, offset: u32) -> Position {
        let mut off = (offset as usize).min(self.text.len());
        while !self.text.is_char_boundary(off) {
            off -= 1;
        }
        let index = self.index.get_or_init(|| LineIndex::new(&self.text));
        let lc = index.line_col(TextSize::from(off as u32));
        let line_start = off - lc.col as usize;
        let col_chars = self.text[line_start..off].chars().count() as u32;
        let utf16 = index
            .to_wide(WideEncoding::Utf16, lc)
            .map_or(col_chars, |w| w.col);
        Position {
            line0: lc.line,
            utf16_col0: utf16,
            col1: col_chars + 1,
        }
    }
}

/// All files of one run, addressed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceDb {
    files: Vec<SourceFile>,
}

impl SourceDb {
    /// An empty database.
    pub fn new() -> SourceDb {
        SourceDb::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, path: impl Into<String>, text: impl Into<String>) -> FileId {
        self.files.push(SourceFile::new(path, text));
        FileId(self.files.len() as u32 - 1)
    }

    /// Hides every occurrence of each of `secrets` in file `id` (its text, and its display path
    /// when `path_too`, for files named after their content such as `--set key=value`) behind
    /// `*`s, byte for byte, so spans stay valid. A value spanning lines is hidden line by line,
    /// as a YAML block scalar holds it.
    pub fn redact(&mut self, id: FileId, secrets: &[String], path_too: bool) {
        let Some(file) = self.files.get_mut(id.0 as usize) else {
            return;
        };
        let (mut text, mut path): (Cow<str>, Cow<str>) =
            (Cow::Borrowed(&file.text), Cow::Borrowed(&file.path));
        for secret in secrets {
            for piece in secret.lines().map(str::trim).filter(|p| !p.is_empty()) {
                let stars = "*".repeat(piece.len());
                if let Cow::Owned(hidden) = hide(&text, piece, &stars) {
                    text = Cow::Owned(hidden);
                }
                if path_too {
                    if let Cow::Owned(hidden) = hide(&path, piece, &stars) {
                        path = Cow::Owned(hidden);
                    }
                }
            }
        }
        if text != file.text || path != file.path {
            *file = SourceFile::new(path.into_owned(), text.into_owned());
        }
    }

    /// Hides the bytes of file `id` within each of `spans` behind `*`s (line breaks are kept,
    /// so positions stay valid), and, when `name_too` and any span is non-empty, the part of
    /// the file's display path after its first `=` (a `--set key=value` file is named after
    /// its value).
    pub fn redact_spans(&mut self, id: FileId, spans: &[crate::Span], name_too: bool) {
        let Some(file) = self.files.get_mut(id.0 as usize) else {
            return;
        };
        let mut bytes = file.text.clone().into_bytes();
        let mut any = false;
        for span in spans {
            let (start, end) = (span.start as usize, (span.end as usize).min(bytes.len()));
            for b in bytes.iter_mut().take(end).skip(start) {
                if !matches!(*b, b'\n' | b'\r') {
                    *b = b'*';
                    any = true;
                }
            }
        }
        if !any {
            return;
        }
        // Whole UTF-8 sequences are replaced, byte for byte: the text stays valid UTF-8 only
        // if no span cut one in two, which spans of values never do; fall back to lossy.
        let text = lossy(bytes);
        let path = match (name_too, file.path.split_once('=')) {
            (true, Some((head, tail))) => format!("{head}={}", "*".repeat(tail.len())),
            _ => file.path.clone(),
        };
        *file = SourceFile::new(path, text);
    }

    /// The id the next added file will get.
    pub fn next_id(&self) -> FileId {
        FileId(self.files.len() as u32)
    }

    /// The file with this id.
    ///
    /// # Panics
    /// If the id did not come from this database (a programming error, never input data).
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// All files with their ids.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }
}

/// Secrets shorter than this are hidden only where they stand alone: starring every `x` of a
/// one-letter secret would garble every message while hiding nothing worth hiding.
const SHORT_SECRET: usize = 4;

/// `bytes` as text, each invalid UTF-8 sequence replaced by U+FFFD (as
/// [`String::from_utf8_lossy`]), without a copy or the slower lossy pass when they are valid.
pub fn lossy(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// `text` with each occurrence of `piece` replaced by `stars`; a piece shorter than
/// [`SHORT_SECRET`] bytes is replaced only where no letter or digit touches it. `text` itself
/// (borrowed) when it does not hold `piece`.
pub fn hide<'a>(text: &'a str, piece: &str, stars: &str) -> Cow<'a, str> {
    if piece.is_empty() || !text.contains(piece) {
        return Cow::Borrowed(text);
    }
    if piece.len() >= SHORT_SECRET {
        return Cow::Owned(text.replace(piece, stars));
    }
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    for (at, _) in text.match_indices(piece) {
        if at < rest {
            continue;
        }
        let end = at + piece.len();
        if word(text[..at].chars().next_back()) || word(text[end..].chars().next()) {
            continue;
        }
        out.push_str(&text[rest..at]);
        out.push_str(stars);
        rest = end;
    }
    out.push_str(&text[rest..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_secret_is_hidden_only_where_it_stands_alone() {
        assert_eq!(hide("an extended x: 'x'", "x", "*"), "an extended *: '*'");
        assert_eq!(hide("abc1234 abc123", "abc123", "######"), "######4 ######");
        assert_eq!(hide("ab-ab", "ab", "**"), "**-**");
    }

    #[test]
    fn redaction_keeps_offsets_and_hides_every_line() {
        let mut db = SourceDb::new();
        let id = db.add(
            "--set secret-key=s3cr3t",
            "a: s3cr3t\nb: |\n  line one\n  é-two\nc: x\n",
        );
        db.redact(id, &["s3cr3t".into(), "line one\né-two\n".into()], true);
        let f = db.get(id);
        assert_eq!(f.path, "--set secret-key=******");
        assert_eq!(f.text, "a: ******\nb: |\n  ********\n  ******\nc: x\n");
        assert_eq!(f.position(f.text.len() as u32 - 2).line0, 4);
        let named = db.add("profiles/dev.yaml", "secret-key: dev\n");
        db.redact(named, &["dev".into()], false);
        assert_eq!(db.get(named).path, "profiles/dev.yaml");
        assert_eq!(db.get(named).text, "secret-key: ***\n");
    }

    #[test]
    fn positions_count_utf16_and_chars() {
        let f = SourceFile::new("x", "a: é😀b\nc: d\r\ne: f");
        let b = f.text.find('b').unwrap() as u32;
        let p = f.position(b);
        assert_eq!((p.line0, p.utf16_col0, p.col1), (0, 6, 6));
        let e = f.text.find('e').unwrap() as u32;
        let p = f.position(e);
        assert_eq!((p.line0, p.utf16_col0, p.col1), (2, 0, 1));
        let p = f.position(10_000);
        assert_eq!(p.line0, 2);
    }
}
