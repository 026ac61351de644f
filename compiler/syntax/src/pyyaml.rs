//! PyYAML 6's scanner, parser and the composer's anchor checks, ported to find the error the
//! craft tools' `yaml.safe_load` raises on a text, with PyYAML's message and marks.
//!
//! saphyr-parser builds the tree; it reads YAML 1.2 and words its errors after libyaml. This
//! pass answers the other question, "does PyYAML refuse this text, and how does it say so", so
//! that paasc refuses what the tools refuse (a `%YAML 2.0` directive, a byte order mark that is
//! not the first character, a tab that starts a token) and reports it in the tools' words. It
//! keeps no values: only the tokens' kinds and marks, the directives, anchors and tag handles.
//! The reader's printable-character check is [`crate::builder`]'s; the constructor's checks
//! (tags, merge keys, duplicate keys) are the tree builder's.
//!
//! Time and memory are linear in the text: nesting deeper than the caller's limit ends the pass
//! without a verdict (paasc refuses that depth itself; PyYAML's composer raises `RecursionError`
//! near 1,000 levels).

use crate::Style;
use foldhash::{HashMap, HashMapExt as _};

#[cfg(test)]
pub(crate) mod differential;
#[cfg(test)]
mod reference;

/// A position as PyYAML's reader counts it (characters, 0-based lines and columns; a byte order
/// mark takes no column), with its byte offset in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    /// Characters before the position.
    pub index: usize,
    /// 0-based line.
    pub line: usize,
    /// 0-based column, in characters.
    pub column: usize,
    /// Byte offset in the text.
    pub byte: usize,
}

/// PyYAML's `MarkedYAMLError` (a `ScannerError`, `ParserError` or `ComposerError`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarkedError {
    /// What PyYAML was doing, e.g. `while parsing a block mapping`.
    pub context: Option<String>,
    /// Where that started.
    pub context_mark: Option<Mark>,
    /// What went wrong, e.g. `expected <block end>, but found '<scalar>'`.
    pub problem: String,
    /// Where it went wrong.
    pub problem_mark: Mark,
}

impl MarkedError {
    /// PyYAML's `str(error)` for a stream named `name`, without the source snippet PyYAML puts
    /// under each mark when it read a string (a diagnostic shows the source itself).
    pub fn render(&self, name: &str) -> String {
        let at = |m: &Mark| {
            format!(
                "  in \"{name}\", line {}, column {}",
                m.line + 1,
                m.column + 1
            )
        };
        let mut lines = Vec::new();
        if let Some(c) = &self.context {
            lines.push(c.clone());
        }
        if let Some(m) = &self.context_mark {
            if (m.line, m.column) != (self.problem_mark.line, self.problem_mark.column) {
                lines.push(at(m));
            }
        }
        lines.push(self.problem.clone());
        lines.push(at(&self.problem_mark));
        lines.join("\n")
    }

    /// The context and the problem on one line, e.g. `while scanning a simple key, could not
    /// find expected ':'`.
    pub fn summary(&self) -> String {
        match &self.context {
            Some(c) => format!("{c}, {}", self.problem),
            None => self.problem.clone(),
        }
    }
}

/// The error `yaml.safe_load` raises while scanning, parsing or composing `text`, if any. Texts
/// that hold more than one document, or nest more than `max_depth` collections deep, get no
/// verdict past that point.
pub fn check(text: &str, max_depth: usize) -> Option<MarkedError> {
    let mut p = Parser::new(text, max_depth);
    match p.run(&mut ()) {
        Ok(()) | Err(Stop::GiveUp) => None,
        Err(Stop::Error(e)) => Some(*e),
    }
}

enum Stop {
    Error(Box<MarkedError>),
    GiveUp,
}

type R<T> = Result<T, Stop>;

#[cold]
fn error(context: Option<(&str, Mark)>, problem: String, problem_mark: Mark) -> Stop {
    Stop::Error(Box::new(MarkedError {
        context: context.map(|(c, _)| c.to_string()),
        context_mark: context.map(|(_, m)| m),
        problem,
        problem_mark,
    }))
}

/// The one error PyYAML raises with a context but no context mark.
#[cold]
fn no_token(ch: char, problem_mark: Mark) -> Stop {
    Stop::Error(Box::new(MarkedError {
        context: Some("while scanning for the next token".into()),
        context_mark: None,
        problem: format!(
            "found character {} that cannot start any token",
            repr_char(ch)
        ),
        problem_mark,
    }))
}

/// Python's `repr` of one character or a token id.
fn repr(s: &str) -> String {
    crate::python_str_repr(s)
}

/// Python's `repr` of the character PyYAML read: the tools open files in text mode, so every
/// `\r` (alone or before `\n`) reached PyYAML as `\n`.
fn repr_char(c: char) -> String {
    let mut buf = [0; 4];
    repr(if c == '\r' {
        "\n"
    } else {
        c.encode_utf8(&mut buf)
    })
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_break_or_end(c: char) -> bool {
    c == '\0' || is_break(c)
}

/// The end, a space or a line break (not a tab).
fn is_space_or_end(c: char) -> bool {
    c == '\0' || c == ' ' || is_break(c)
}

fn is_blank_or_end(c: char) -> bool {
    matches!(c, '\0' | ' ' | '\t') || is_break(c)
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// The character of `text` that starts at byte `i`, `'\0'` past the end.
fn char_at(text: &str, i: usize) -> char {
    match text.as_bytes().get(i) {
        Some(&b) if b < 0x80 => b as char,
        Some(_) => text.get(i..).and_then(|t| t.chars().next()).unwrap_or('\0'),
        None => '\0',
    }
}

/// Moves `m` past the character `c`, `next` being the byte after it (read only after a `\r`),
/// as PyYAML's reader counts:
/// a line break starts a line (`\r\n` once), and a byte order mark takes no column.
#[inline]
fn step(m: &mut Mark, c: char, next: u8) {
    m.index += 1;
    m.byte += c.len_utf8();
    if matches!(c, '\n' | '\u{85}' | '\u{2028}' | '\u{2029}') || (c == '\r' && next != b'\n') {
        m.line += 1;
        m.column = 0;
    } else if c != '\u{feff}' {
        m.column += 1;
    }
}

/// Which bytes a run goes on through: every ASCII character but the end (NUL), the line breaks
/// and `stops`. Other characters take the slow path.
const fn run_table(stops: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut b = 1;
    while b < 0x80 {
        t[b] = true;
        b += 1;
    }
    t[b'\n' as usize] = false;
    t[b'\r' as usize] = false;
    let mut k = 0;
    while k < stops.len() {
        t[stops[k] as usize] = false;
        k += 1;
    }
    t
}

/// The rest of a line.
const LINE: [bool; 256] = run_table(b"");

/// How many of `bytes`' first bytes [`LINE`] goes on through, counted eight at a time while
/// none of the eight stops it (comments are most of many files' bytes): at most the whole
/// eights, so the scan with the table then finishes the run.
fn line_run(bytes: &[u8]) -> usize {
    const ONES: u64 = u64::from_le_bytes([1; 8]);
    const HIGH: u64 = u64::from_le_bytes([0x80; 8]);
    // The high bit of each byte that is zero; a byte above a zero one may be marked too, which
    // does not move the first mark.
    let zero = |w: u64| w.wrapping_sub(ONES) & !w & HIGH;
    let mut i = 0;
    while let Some(Ok(eight)) = bytes.get(i..i + 8).map(<[u8; 8]>::try_from) {
        let w = u64::from_le_bytes(eight);
        let stops = (w & HIGH)
            | zero(w)
            | zero(w ^ (ONES * u64::from(b'\n')))
            | zero(w ^ (ONES * u64::from(b'\r')));
        if stops != 0 {
            return i + (stops.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i
}

/// A quoted scalar's characters up to a blank, a quote or an escape.
const QUOTED: [bool; 256] = run_table(b" \t'\"\\");
/// A plain scalar's characters up to a blank or a `:`, in block and flow context.
const PLAIN_BLOCK: [bool; 256] = run_table(b" \t:");
const PLAIN_FLOW: [bool; 256] = run_table(b" \t:,?[]{}");

/// The characters of a key [`Scanner::entry_line`] reads: letters, digits and `_./-`.
const KEY: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'/' | b'-');
        b += 1;
    }
    t
};

/// The characters of a plain value's words [`Scanner::entry_line`] reads: printable ASCII
/// but `:` and `#`.
const WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_graphic() && c != b':' && c != b'#';
        b += 1;
    }
    t
};

/// Where the run of bytes `goes_on` holds for from `i` ends.
#[inline(always)]
fn run_end(bytes: &[u8], i: usize, goes_on: impl Fn(u8) -> bool) -> usize {
    let rest = bytes.get(i..).unwrap_or_default();
    i + rest.iter().take_while(|&&b| goes_on(b)).count()
}

/// The length of the UTF-8 sequence that `lead` starts.
fn utf8_len(lead: u8) -> usize {
    match lead {
        0..=0x7F => 1,
        0x80..=0xDF => 2,
        0xE0..=0xEF => 3,
        _ => 4,
    }
}

/// PyYAML's token kinds; the few values the checks need are in [`Token`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    StreamStart,
    StreamEnd,
    Directive,
    DocumentStart,
    DocumentEnd,
    BlockSequenceStart,
    BlockMappingStart,
    BlockEnd,
    FlowSequenceStart,
    FlowMappingStart,
    FlowSequenceEnd,
    FlowMappingEnd,
    Key,
    Value,
    BlockEntry,
    FlowEntry,
    Alias,
    Anchor,
    Tag,
    Scalar,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Directive {
    /// `%YAML major.minor`.
    Yaml,
    /// `%TAG handle prefix`.
    Tag,
    Other,
}

impl Tok {
    /// PyYAML's `Token.id`.
    fn id(self) -> &'static str {
        match self {
            Tok::StreamStart => "<stream start>",
            Tok::StreamEnd => "<stream end>",
            Tok::Directive => "<directive>",
            Tok::DocumentStart => "<document start>",
            Tok::DocumentEnd => "<document end>",
            Tok::BlockSequenceStart => "<block sequence start>",
            Tok::BlockMappingStart => "<block mapping start>",
            Tok::BlockEnd => "<block end>",
            Tok::FlowSequenceStart => "[",
            Tok::FlowMappingStart => "{",
            Tok::FlowSequenceEnd => "]",
            Tok::FlowMappingEnd => "}",
            Tok::Key => "?",
            Tok::Value => ":",
            Tok::BlockEntry => "-",
            Tok::FlowEntry => ",",
            Tok::Alias => "<alias>",
            Tok::Anchor => "<anchor>",
            Tok::Tag => "<tag>",
            Tok::Scalar => "<scalar>",
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Token<'a> {
    kind: Tok,
    /// Where the token starts (its byte offset: [`Scanner::mark_at`] gives the mark).
    start: usize,
    /// An alias's or anchor's name, a tag's handle, a `%YAML` directive's major version (as
    /// written: it may not fit an integer) or a `%TAG` directive's handle.
    value: Option<&'a str>,
    directive: Directive,
    /// A scalar's end (past its closing quote) and style.
    end: usize,
    style: Style,
}

impl<'a> Token<'a> {
    fn new(kind: Tok, start: Mark) -> Token<'a> {
        Token {
            kind,
            start: start.byte,
            value: None,
            directive: Directive::Other,
            end: start.byte,
            style: Style::Plain,
        }
    }

    fn scalar(start: Mark, end: usize, style: Style) -> Token<'a> {
        Token {
            end,
            style,
            ..Token::new(Tok::Scalar, start)
        }
    }
}

/// The scanner's token queue: a `Vec` read from `head`, emptied whenever it is all read (it
/// rarely holds more than a few tokens).
#[derive(Default)]
struct Queue<'a> {
    items: Vec<Token<'a>>,
    head: usize,
}

impl<'a> Queue<'a> {
    #[inline]
    fn len(&self) -> usize {
        self.items.len() - self.head
    }

    #[inline]
    fn is_empty(&self) -> bool {
        self.head == self.items.len()
    }

    #[inline]
    fn front(&self) -> Option<&Token<'a>> {
        self.items.get(self.head)
    }

    #[inline]
    fn pop_front(&mut self) -> Option<Token<'a>> {
        let t = *self.items.get(self.head)?;
        self.head += 1;
        if self.head == self.items.len() {
            self.items.clear();
            self.head = 0;
        }
        Some(t)
    }

    #[inline]
    fn push_back(&mut self, t: Token<'a>) {
        if self.head >= 1024 && self.head * 2 >= self.items.len() {
            self.items.drain(..self.head);
            self.head = 0;
        }
        self.items.push(t);
    }

    /// Puts `t` at `at`, moving the tokens from there one place on (a simple key's are the
    /// last one or two: a swap each, without a call to move memory).
    fn insert(&mut self, at: usize, mut t: Token<'a>) {
        for slot in self.items.iter_mut().skip(self.head + at) {
            std::mem::swap(slot, &mut t);
        }
        self.items.push(t);
    }
}

/// A `key: value` or `key:` line read at once: where its key ends, where its value starts and
/// ends (past a closing quote) and its style, and where the scanner stops after it.
struct EntryLine {
    key_end: usize,
    value: Option<(usize, usize, Style)>,
    /// Past a `:` with no value on its line, past a quoted value, or past a plain one's line
    /// break, blank lines and the next line's indentation.
    stop: usize,
    /// The line breaks before `stop`.
    breaks: usize,
    /// The column at `stop`.
    column: usize,
    /// Whether a simple key may start at `stop`.
    allow_simple_key: bool,
}

#[derive(Clone, Copy, Debug)]
struct SimpleKey {
    flow_level: usize,
    token_number: usize,
    required: bool,
    mark: Mark,
}

struct Scanner<'a> {
    max_depth: usize,
    text: &'a str,
    bytes: &'a [u8],
    at: Mark,
    done: bool,
    flow_level: usize,
    tokens: Queue<'a>,
    tokens_taken: usize,
    indent: isize,
    indents: Vec<isize>,
    allow_simple_key: bool,
    /// PyYAML's `possible_simple_keys`, at most one per flow level, lowest level first.
    possible_simple_keys: Vec<SimpleKey>,
    /// The lowest token number of those keys (`usize::MAX` when there is none): PyYAML's
    /// `next_possible_simple_key`, kept up to date as the keys change.
    next_key: usize,
    /// After a staleness check: the line all remaining keys are on and the oldest one's index,
    /// so that the next check can tell in constant time that none has gone stale.
    fresh_keys: Option<(usize, usize)>,
    /// Whether the keys were checked for staleness since the scanner last moved.
    keys_checked: bool,
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str, max_depth: usize) -> Scanner<'a> {
        let mut s = Scanner {
            max_depth,
            text,
            bytes: text.as_bytes(),
            at: Mark {
                index: 0,
                line: 0,
                column: 0,
                byte: 0,
            },
            done: false,
            flow_level: 0,
            tokens: Queue::default(),
            tokens_taken: 0,
            indent: -1,
            indents: Vec::new(),
            allow_simple_key: true,
            possible_simple_keys: Vec::new(),
            next_key: usize::MAX,
            fresh_keys: None,
            keys_checked: false,
        };
        let mark = s.at;
        s.push(Tok::StreamStart, mark);
        s
    }

    /// The byte at `i`, 0 past the end.
    fn byte(&self, i: usize) -> u8 {
        self.bytes.get(i).copied().unwrap_or(0)
    }

    /// The character that starts at byte `i`, `'\0'` past the end.
    fn char_at(&self, i: usize) -> char {
        char_at(self.text, i)
    }

    fn peek(&self, k: usize) -> char {
        let mut i = self.at.byte;
        for _ in 0..k {
            match self.bytes.get(i) {
                Some(&b) => i += utf8_len(b),
                None => return '\0',
            }
        }
        self.char_at(i)
    }

    /// Whether the three characters from byte `i` are `c` (an ASCII character).
    fn three(&self, i: usize, c: u8) -> bool {
        self.byte(i) == c && self.byte(i + 1) == c && self.byte(i + 2) == c
    }

    fn forward(&mut self, n: usize) {
        for _ in 0..n {
            let i = self.at.byte;
            if i >= self.bytes.len() {
                return;
            }
            let c = self.char_at(i);
            let next = if c == '\r' { self.byte(i + 1) } else { 0 };
            step(&mut self.at, c, next);
        }
    }

    /// Moves past `n` ASCII characters that are not line breaks.
    fn forward_ascii(&mut self, n: usize) {
        self.at.index += n;
        self.at.column += n;
        self.at.byte += n;
    }

    /// Moves past the characters before the next line break, the end (or a NUL), or an ASCII
    /// character that `table` stops at.
    fn skip_until(&mut self, table: &[bool; 256]) {
        self.skip_run(table, |_, _| false);
    }

    /// [`Self::skip_until`] with [`LINE`]: the rest of the line.
    fn skip_line(&mut self) {
        let n = line_run(self.bytes.get(self.at.byte..).unwrap_or_default());
        self.forward_ascii(n);
        self.skip_until(&LINE);
    }

    /// Moves past a run of characters: the ASCII ones `table` goes on through, the non-ASCII
    /// ones but line breaks, and those for which `goes_on` (given the byte and its offset)
    /// holds; whether there were any.
    fn skip_run(&mut self, table: &[bool; 256], goes_on: impl Fn(u8, usize) -> bool) -> bool {
        let bytes = self.bytes;
        let start = self.at.byte;
        let mut i = start;
        let mut extra = 0;
        let mut boms = 0;
        loop {
            while i < bytes.len() && table[bytes[i] as usize] {
                i += 1;
            }
            let b = self.byte(i);
            if b >= 0x80 {
                let c = self.char_at(i);
                if is_break(c) {
                    break;
                }
                let len = c.len_utf8();
                i += len;
                extra += len - 1;
                boms += usize::from(c == '\u{feff}');
            } else if i < bytes.len() && goes_on(b, i) {
                i += 1;
            } else {
                break;
            }
        }
        let chars = i - start - extra;
        self.at.byte = i;
        self.at.index += chars;
        self.at.column += chars - boms;
        chars > 0
    }

    /// Moves past spaces; how many.
    fn skip_spaces(&mut self) -> usize {
        let n = self.ascii_len(|b| b == b' ');
        self.forward_ascii(n);
        n
    }

    /// Moves past spaces and tabs.
    fn skip_blanks(&mut self) {
        let n = self.ascii_len(|b| b == b' ' || b == b'\t');
        self.forward_ascii(n);
    }

    fn mark(&self) -> Mark {
        self.at
    }

    /// The mark at byte `byte` (where a token started): the reader's count of the characters
    /// before it, as `forward` keeps it.
    #[cold]
    fn mark_at(&self, byte: usize) -> Mark {
        let mut m = Mark {
            index: 0,
            line: 0,
            column: 0,
            byte: 0,
        };
        for (i, c) in self.text.get(..byte).unwrap_or("").char_indices() {
            step(&mut m, c, if c == '\r' { self.byte(i + 1) } else { 0 });
        }
        m.byte = byte;
        m
    }

    fn push(&mut self, kind: Tok, start: Mark) {
        self.tokens.push_back(Token::new(kind, start));
    }

    #[inline(never)]
    fn fill_more(&mut self) -> R<()> {
        loop {
            if self.done {
                return Ok(());
            }
            if !self.tokens.is_empty() {
                if !self.keys_checked {
                    self.stale_possible_simple_keys()?;
                    self.keys_checked = true;
                }
                if self.next_key != self.tokens_taken {
                    return Ok(());
                }
            }
            self.keys_checked = false;
            self.fetch_more_tokens()?;
        }
    }

    /// The next token (PyYAML's `peek_token`): the queue's first when it holds one that no
    /// possible simple key may still put a token before, else fetched.
    #[inline]
    fn peek_token(&mut self) -> R<Token<'a>> {
        if self.keys_checked && self.next_key != self.tokens_taken {
            if let Some(t) = self.tokens.front() {
                return Ok(*t);
            }
        }
        self.fetch_token()
    }

    #[inline(never)]
    fn fetch_token(&mut self) -> R<Token<'a>> {
        self.fill_more()?;
        match self.tokens.front() {
            Some(t) => Ok(*t),
            None => Err(error(
                None,
                "unexpected end of the token stream".into(),
                self.mark(),
            )),
        }
    }

    #[inline]
    fn peek_kind(&mut self) -> R<Tok> {
        Ok(self.peek_token()?.kind)
    }

    /// Takes the next token.
    #[inline]
    fn get_token(&mut self) -> R<Token<'a>> {
        let t = self.peek_token()?;
        self.tokens.pop_front();
        self.tokens_taken += 1;
        Ok(t)
    }

    /// Takes the next token, which the caller has seen.
    #[inline]
    fn skip_token(&mut self) -> R<()> {
        self.get_token().map(|_| ())
    }

    #[inline(never)]
    fn fetch_more_tokens(&mut self) -> R<()> {
        self.scan_to_next_token();
        self.stale_possible_simple_keys()?;
        self.unwind_indent(self.at.column as isize);
        let ch = self.peek(0);
        match ch {
            '\0' => return self.fetch_stream_end(),
            '%' if self.at.column == 0 => return self.fetch_directive(),
            '-' if self.check_document_indicator(b'-') => {
                return self.fetch_document_indicator(Tok::DocumentStart)
            }
            '.' if self.check_document_indicator(b'.') => {
                return self.fetch_document_indicator(Tok::DocumentEnd)
            }
            '[' => return self.fetch_flow_collection_start(Tok::FlowSequenceStart),
            '{' => return self.fetch_flow_collection_start(Tok::FlowMappingStart),
            ']' => return self.fetch_flow_collection_end(Tok::FlowSequenceEnd),
            '}' => return self.fetch_flow_collection_end(Tok::FlowMappingEnd),
            ',' => return self.fetch_flow_entry(),
            '-' if is_blank_or_end(self.peek(1)) => return self.fetch_block_entry(),
            '?' if self.flow_level > 0 || is_blank_or_end(self.peek(1)) => return self.fetch_key(),
            ':' if self.flow_level > 0 || is_blank_or_end(self.peek(1)) => {
                return self.fetch_value()
            }
            '*' => return self.fetch_anchor(true),
            '&' => return self.fetch_anchor(false),
            '!' => return self.fetch_tag(),
            '|' | '>' if self.flow_level == 0 => return self.fetch_block_scalar(),
            '\'' | '"' => return self.fetch_flow_scalar(ch == '"'),
            _ => {}
        }
        if self.check_plain() {
            return self.fetch_plain();
        }
        Err(no_token(ch, self.mark()))
    }

    /// Updates [`Scanner::next_key`] after a change to the possible simple keys.
    fn keys_changed(&mut self) {
        self.next_key = self
            .possible_simple_keys
            .iter()
            .map(|k| k.token_number)
            .min()
            .unwrap_or(usize::MAX);
    }

    #[inline]
    fn stale_possible_simple_keys(&mut self) -> R<()> {
        if self.possible_simple_keys.is_empty() {
            return Ok(());
        }
        if let Some((fresh_line, oldest)) = self.fresh_keys {
            if fresh_line == self.at.line && self.at.index - oldest <= 1024 {
                return Ok(());
            }
        }
        self.drop_stale_possible_simple_keys()
    }

    fn drop_stale_possible_simple_keys(&mut self) -> R<()> {
        let (line, index) = (self.at.line, self.at.index);
        let stale = |k: &SimpleKey| k.mark.line != line || index - k.mark.index > 1024;
        if let Some(key) = self
            .possible_simple_keys
            .iter()
            .find(|k| k.required && stale(k))
        {
            return Err(error(
                Some(("while scanning a simple key", key.mark)),
                "could not find expected ':'".into(),
                self.mark(),
            ));
        }
        self.possible_simple_keys.retain(|k| !stale(k));
        self.keys_changed();
        self.fresh_keys = self
            .possible_simple_keys
            .iter()
            .map(|k| k.mark.index)
            .min()
            .map(|oldest| (line, oldest));
        Ok(())
    }

    fn save_possible_simple_key(&mut self) -> R<()> {
        let required = self.flow_level == 0 && self.indent == self.at.column as isize;
        if self.allow_simple_key {
            self.remove_possible_simple_key()?;
            let key = SimpleKey {
                flow_level: self.flow_level,
                token_number: self.tokens_taken + self.tokens.len(),
                required,
                mark: self.mark(),
            };
            match self.possible_simple_keys.last() {
                Some(k) if k.flow_level >= key.flow_level => {
                    let at = self
                        .possible_simple_keys
                        .iter()
                        .rposition(|k| k.flow_level < key.flow_level)
                        .map_or(0, |i| i + 1);
                    self.possible_simple_keys.insert(at, key);
                }
                _ => self.possible_simple_keys.push(key),
            }
            self.keys_changed();
            self.fresh_keys = match self.fresh_keys {
                Some((line, oldest)) if line == key.mark.line => {
                    Some((line, oldest.min(key.mark.index)))
                }
                _ => None,
            };
        }
        Ok(())
    }

    /// The possible simple key at the current flow level, removed.
    fn take_possible_simple_key(&mut self) -> Option<SimpleKey> {
        let level = self.flow_level;
        let i = self
            .possible_simple_keys
            .iter()
            .rposition(|k| k.flow_level == level)?;
        let key = self.possible_simple_keys.remove(i);
        self.keys_changed();
        Some(key)
    }

    fn remove_possible_simple_key(&mut self) -> R<()> {
        if let Some(key) = self.take_possible_simple_key() {
            if key.required {
                return Err(error(
                    Some(("while scanning a simple key", key.mark)),
                    "could not find expected ':'".into(),
                    self.mark(),
                ));
            }
        }
        Ok(())
    }

    #[inline]
    fn unwind_indent(&mut self, column: isize) {
        if self.flow_level == 0 && self.indent > column {
            self.unwind_indent_more(column);
        }
    }

    fn unwind_indent_more(&mut self, column: isize) {
        while self.indent > column {
            let mark = self.mark();
            self.indent = self.indents.pop().unwrap_or(-1);
            self.push(Tok::BlockEnd, mark);
        }
    }

    fn add_indent(&mut self, column: usize) -> bool {
        if self.indent < column as isize {
            self.indents.push(self.indent);
            self.indent = column as isize;
            return true;
        }
        false
    }

    /// A one-character indicator token (an ASCII punctuation character).
    fn indicator(&mut self, kind: Tok) {
        let start = self.mark();
        self.forward_ascii(1);
        self.push(kind, start);
    }

    /// In block context, a `-`, `?` or `:` may stand only where a simple key could, and may
    /// open a collection (`start`) at its column.
    fn block_indicator(&mut self, problem: &str, start: Tok) -> R<()> {
        if self.flow_level > 0 {
            return Ok(());
        }
        if !self.allow_simple_key {
            return Err(error(None, problem.into(), self.mark()));
        }
        if self.add_indent(self.at.column) {
            let mark = self.mark();
            self.push(start, mark);
        }
        Ok(())
    }

    #[inline(never)]
    fn fetch_stream_end(&mut self) -> R<()> {
        self.unwind_indent(-1);
        self.remove_possible_simple_key()?;
        self.allow_simple_key = false;
        self.possible_simple_keys.clear();
        self.keys_changed();
        let mark = self.mark();
        self.push(Tok::StreamEnd, mark);
        self.done = true;
        Ok(())
    }

    #[inline(never)]
    fn fetch_directive(&mut self) -> R<()> {
        self.unwind_indent(-1);
        self.remove_possible_simple_key()?;
        self.allow_simple_key = false;
        let token = self.scan_directive()?;
        self.tokens.push_back(token);
        Ok(())
    }

    /// `---` or `...` (three `c`) at the start of a line, then a blank or the end.
    fn check_document_indicator(&self, c: u8) -> bool {
        self.at.column == 0
            && self.three(self.at.byte, c)
            && is_blank_or_end(self.char_at(self.at.byte + 3))
    }

    #[inline(never)]
    fn fetch_document_indicator(&mut self, kind: Tok) -> R<()> {
        self.unwind_indent(-1);
        self.remove_possible_simple_key()?;
        self.allow_simple_key = false;
        let start = self.mark();
        self.forward_ascii(3);
        self.push(kind, start);
        Ok(())
    }

    #[inline(never)]
    fn fetch_flow_collection_start(&mut self, kind: Tok) -> R<()> {
        self.save_possible_simple_key()?;
        self.flow_level += 1;
        if self.flow_level > self.max_depth {
            return Err(Stop::GiveUp);
        }
        self.allow_simple_key = true;
        self.indicator(kind);
        Ok(())
    }

    #[inline(never)]
    fn fetch_flow_collection_end(&mut self, kind: Tok) -> R<()> {
        self.remove_possible_simple_key()?;
        self.flow_level = self.flow_level.saturating_sub(1);
        self.allow_simple_key = false;
        self.indicator(kind);
        Ok(())
    }

    fn fetch_flow_entry(&mut self) -> R<()> {
        self.allow_simple_key = true;
        self.remove_possible_simple_key()?;
        self.indicator(Tok::FlowEntry);
        Ok(())
    }

    fn fetch_block_entry(&mut self) -> R<()> {
        self.block_indicator(
            "sequence entries are not allowed here",
            Tok::BlockSequenceStart,
        )?;
        self.allow_simple_key = true;
        self.remove_possible_simple_key()?;
        self.indicator(Tok::BlockEntry);
        Ok(())
    }

    fn fetch_key(&mut self) -> R<()> {
        self.block_indicator("mapping keys are not allowed here", Tok::BlockMappingStart)?;
        self.allow_simple_key = self.flow_level == 0;
        self.remove_possible_simple_key()?;
        self.indicator(Tok::Key);
        Ok(())
    }

    fn fetch_value(&mut self) -> R<()> {
        if let Some(key) = self.take_possible_simple_key() {
            let at = key
                .token_number
                .saturating_sub(self.tokens_taken)
                .min(self.tokens.len());
            self.tokens.insert(at, Token::new(Tok::Key, key.mark));
            if self.flow_level == 0 && self.add_indent(key.mark.column) {
                self.tokens
                    .insert(at, Token::new(Tok::BlockMappingStart, key.mark));
            }
            self.allow_simple_key = false;
        } else {
            self.block_indicator(
                "mapping values are not allowed here",
                Tok::BlockMappingStart,
            )?;
            self.allow_simple_key = self.flow_level == 0;
            self.remove_possible_simple_key()?;
        }
        self.indicator(Tok::Value);
        Ok(())
    }

    #[inline(never)]
    fn fetch_anchor(&mut self, alias: bool) -> R<()> {
        self.save_possible_simple_key()?;
        self.allow_simple_key = false;
        let token = self.scan_anchor(alias)?;
        self.tokens.push_back(token);
        Ok(())
    }

    #[inline(never)]
    fn fetch_tag(&mut self) -> R<()> {
        self.save_possible_simple_key()?;
        self.allow_simple_key = false;
        let token = self.scan_tag()?;
        self.tokens.push_back(token);
        Ok(())
    }

    #[inline(never)]
    fn fetch_block_scalar(&mut self) -> R<()> {
        self.allow_simple_key = true;
        self.remove_possible_simple_key()?;
        let token = self.scan_block_scalar()?;
        self.tokens.push_back(token);
        Ok(())
    }

    #[inline(never)]
    fn fetch_flow_scalar(&mut self, double: bool) -> R<()> {
        self.save_possible_simple_key()?;
        self.allow_simple_key = false;
        let token = self.scan_flow_scalar(double)?;
        self.tokens.push_back(token);
        Ok(())
    }

    fn fetch_plain(&mut self) -> R<()> {
        let key = self.allow_simple_key.then_some(self.at);
        self.save_possible_simple_key()?;
        self.allow_simple_key = false;
        let token = self.scan_plain();
        self.tokens.push_back(token);
        match key {
            Some(start) if self.flow_level == 0 => self.fetch_value_after_key(start),
            _ => Ok(()),
        }
    }

    /// After a possible simple key in block context (the only possible key there) that starts
    /// at `start`, its `:` if that comes next on its line: fetched now, as the next round would
    /// (the key is not stale yet, so that round's staleness check does nothing, and nothing in
    /// it can fail). Then the value too, when it starts with a letter or digit on that line: a
    /// plain scalar, whose round cannot fail either (no key is left to go stale, and none is
    /// saved after a `:`).
    fn fetch_value_after_key(&mut self, start: Mark) -> R<()> {
        if self.at.line != start.line
            || self.at.index - start.index > 1024
            || self.byte(self.at.byte) != b':'
            || !is_blank_or_end(self.peek(1))
        {
            return Ok(());
        }
        self.unwind_indent(self.at.column as isize);
        self.fetch_value()?;
        let spaces = self.ascii_len(|b| b == b' ');
        if !self.byte(self.at.byte + spaces).is_ascii_alphanumeric() {
            return Ok(());
        }
        self.forward_ascii(spaces);
        self.stale_possible_simple_keys()?;
        self.unwind_indent(self.at.column as isize);
        self.fetch_plain()
    }

    /// A `key: value` or `key:` line from here, read ahead without moving (see
    /// [`Parser::entry_line`]): an ASCII key of `[A-Za-z0-9_][A-Za-z0-9_./-]*` of at most 1,000
    /// bytes and `:`; then spaces and a line break, the end or a comment (the value is on a
    /// later line), or spaces and a one-line value. Either plain: a letter or digit, then words of
    /// printable ASCII but `#`, and `:` only before another such character (`https://…`,
    /// `image:tag`), with spaces between, then spaces and a comment (which ends the value), or a
    /// line break or the end; and it must end there, as PyYAML's would: the next line that is
    /// not blank starts with `#` or is indented `value_indent` or less (or is a document
    /// marker). Or quoted: `"…"` without `\`, or `'…'` not followed by `'`, of printable ASCII
    /// with no quote inside.
    fn entry_line(&self, value_indent: usize) -> Option<EntryLine> {
        let bytes = self.bytes;
        let at = |i: usize| bytes.get(i).copied();
        let word = |b: u8| WORD[b as usize];
        let space = |b: u8| b == b' ';
        let start = self.at.byte;
        if !at(start).is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return None;
        }
        let key_end = run_end(bytes, start, |b| KEY[b as usize]);
        if key_end - start > 1000 || at(key_end) != Some(b':') {
            return None;
        }
        let value = run_end(bytes, key_end + 1, space);
        let stop_at = |value: Option<(usize, usize, Style)>, stop: usize| EntryLine {
            key_end,
            value,
            stop,
            breaks: 0,
            column: self.at.column + (stop - start),
            allow_simple_key: false,
        };
        let line = |end: usize, style: Style, stop: usize| stop_at(Some((value, end, style)), stop);
        let spaced = value > key_end + 1;
        let Some(first) = at(value).filter(|&b| b != b'\n' && !(spaced && b == b'#')) else {
            return Some(stop_at(None, key_end + 1));
        };
        if !spaced {
            return None;
        }
        if first == b'"' || first == b'\'' {
            let inside =
                |b: u8| (b' '..=b'~').contains(&b) && b != first && (first == b'\'' || b != b'\\');
            let close = run_end(bytes, value + 1, inside);
            let end = close + 1;
            if at(close) != Some(first) || (first == b'\'' && at(end) == Some(b'\'')) {
                return None;
            }
            let style = if first == b'"' {
                Style::DoubleQuoted
            } else {
                Style::SingleQuoted
            };
            return Some(line(end, style, end));
        }
        if !first.is_ascii_alphanumeric() {
            return None;
        }
        // A word runs on over a `:` that a word character or another `:` follows: PyYAML's
        // plain scalar ends at a `:` only before a blank or the end, in block context.
        let word_end = |from: usize| {
            let mut j = run_end(bytes, from, word);
            while at(j) == Some(b':') && at(j + 1).is_some_and(|b| word(b) || b == b':') {
                j = run_end(bytes, j + 1, word);
            }
            j
        };
        let mut end = word_end(value);
        let mut i = run_end(bytes, end, space);
        while at(i).is_some_and(word) {
            end = word_end(i);
            i = run_end(bytes, end, space);
        }
        match at(i) {
            None => return Some(line(end, Style::Plain, i)),
            Some(b'\n') => {}
            // A comment after a blank ends the value; the round goes on from it.
            Some(b'#') if i > end => return Some(line(end, Style::Plain, i)),
            Some(_) => return None,
        }
        let mut breaks = 1;
        loop {
            let line_start = i + 1;
            i = line_start;
            if !self.separator_at(i) {
                i = run_end(bytes, i, space);
                match at(i) {
                    Some(b'\n') => {
                        breaks += 1;
                        continue;
                    }
                    Some(b) if b == b'\r' || b >= 0x80 => return None,
                    b if i - line_start > value_indent && b != Some(b'#') => return None,
                    _ => {}
                }
            }
            return Some(EntryLine {
                breaks,
                column: i - line_start,
                allow_simple_key: true,
                ..line(end, Style::Plain, i)
            });
        }
    }

    /// Moves past a line [`Scanner::entry_line`] read, whose rounds took `tokens` tokens. The
    /// `:` of a line with no value stays queued.
    fn take_entry_line(&mut self, line: &EntryLine, tokens: usize) {
        if line.value.is_none() {
            let colon = Mark {
                index: self.at.index + (line.key_end - self.at.byte),
                column: self.at.column + (line.key_end - self.at.byte),
                byte: line.key_end,
                ..self.at
            };
            self.push(Tok::Value, colon);
        }
        self.at = Mark {
            index: self.at.index + (line.stop - self.at.byte),
            line: self.at.line + line.breaks,
            column: line.column,
            byte: line.stop,
        };
        self.allow_simple_key = line.allow_simple_key;
        self.keys_checked = false;
        self.tokens_taken += tokens;
    }

    fn check_plain(&self) -> bool {
        let ch = self.peek(0);
        !(is_blank_or_end(ch)
            || matches!(
                ch,
                '-' | '?'
                    | ':'
                    | ','
                    | '['
                    | ']'
                    | '{'
                    | '}'
                    | '#'
                    | '&'
                    | '*'
                    | '!'
                    | '|'
                    | '>'
                    | '\''
                    | '"'
                    | '%'
                    | '@'
                    | '`'
            ))
            || (!is_blank_or_end(self.peek(1))
                && (ch == '-' || (self.flow_level == 0 && matches!(ch, '?' | ':'))))
    }

    fn skip_comment(&mut self) {
        if self.byte(self.at.byte) == b'#' {
            self.skip_line();
        }
    }

    fn scan_to_next_token(&mut self) {
        if self.at.index == 0 && self.peek(0) == '\u{feff}' {
            self.forward(1);
        }
        loop {
            self.skip_spaces();
            self.skip_comment();
            if self.scan_line_break().is_some() {
                if self.flow_level == 0 {
                    self.allow_simple_key = true;
                }
            } else {
                return;
            }
        }
    }

    fn directive_error(&self, start: Mark, problem: String) -> Stop {
        error(
            Some(("while scanning a directive", start)),
            problem,
            self.mark(),
        )
    }

    fn scan_directive(&mut self) -> R<Token<'a>> {
        let start = self.mark();
        self.forward(1);
        let name = self.scan_directive_name(start)?;
        let (directive, value) = match name {
            "YAML" => (
                Directive::Yaml,
                Some(self.scan_yaml_directive_value(start)?),
            ),
            "TAG" => (Directive::Tag, Some(self.scan_tag_directive_value(start)?)),
            _ => {
                self.skip_line();
                (Directive::Other, None)
            }
        };
        self.scan_ignored_line("while scanning a directive", start)?;
        Ok(Token {
            kind: Tok::Directive,
            start: start.byte,
            value,
            directive,
            ..Token::new(Tok::Directive, start)
        })
    }

    /// How many ASCII characters from here `ok` holds for.
    fn ascii_len(&self, ok: impl Fn(u8) -> bool) -> usize {
        let i = self.at.byte;
        self.bytes[i.min(self.bytes.len())..]
            .iter()
            .take_while(|&&b| ok(b))
            .count()
    }

    /// The ASCII characters from here for which `ok` holds.
    fn ascii_run(&self, ok: impl Fn(u8) -> bool) -> &'a str {
        let i = self.at.byte;
        self.text.get(i..i + self.ascii_len(ok)).unwrap_or("")
    }

    fn scan_directive_name(&mut self, start: Mark) -> R<&'a str> {
        let value = self.ascii_run(is_word_byte);
        if value.is_empty() {
            let ch = self.peek(0);
            return Err(self.directive_error(
                start,
                format!(
                    "expected alphabetic or numeric character, but found {}",
                    repr_char(ch)
                ),
            ));
        }
        self.forward_ascii(value.len());
        let ch = self.peek(0);
        if !is_space_or_end(ch) {
            return Err(self.directive_error(
                start,
                format!(
                    "expected alphabetic or numeric character, but found {}",
                    repr_char(ch)
                ),
            ));
        }
        Ok(value)
    }

    fn scan_yaml_directive_value(&mut self, start: Mark) -> R<&'a str> {
        self.skip_spaces();
        let major = self.scan_yaml_directive_number(start)?;
        if self.peek(0) != '.' {
            return Err(self.directive_error(
                start,
                format!(
                    "expected a digit or '.', but found {}",
                    repr_char(self.peek(0))
                ),
            ));
        }
        self.forward(1);
        self.scan_yaml_directive_number(start)?;
        let ch = self.peek(0);
        if !is_space_or_end(ch) {
            return Err(self.directive_error(
                start,
                format!("expected a digit or ' ', but found {}", repr_char(ch)),
            ));
        }
        Ok(major)
    }

    fn scan_yaml_directive_number(&mut self, start: Mark) -> R<&'a str> {
        let value = self.ascii_run(|b| b.is_ascii_digit());
        if value.is_empty() {
            let ch = self.peek(0);
            return Err(self.directive_error(
                start,
                format!("expected a digit, but found {}", repr_char(ch)),
            ));
        }
        self.forward_ascii(value.len());
        Ok(value)
    }

    fn scan_tag_directive_value(&mut self, start: Mark) -> R<&'a str> {
        self.skip_spaces();
        let handle = self.scan_tag_handle("directive", start)?;
        if self.peek(0) != ' ' {
            return Err(self.directive_error(
                start,
                format!("expected ' ', but found {}", repr_char(self.peek(0))),
            ));
        }
        self.skip_spaces();
        self.scan_tag_uri("directive", start)?;
        let ch = self.peek(0);
        if !is_space_or_end(ch) {
            return Err(
                self.directive_error(start, format!("expected ' ', but found {}", repr_char(ch)))
            );
        }
        Ok(handle)
    }

    /// The rest of a directive's or block scalar header's line: spaces, a comment, a line break.
    fn scan_ignored_line(&mut self, context: &str, start: Mark) -> R<()> {
        self.skip_spaces();
        self.skip_comment();
        let ch = self.peek(0);
        if !is_break_or_end(ch) {
            return Err(error(
                Some((context, start)),
                format!(
                    "expected a comment or a line break, but found {}",
                    repr_char(ch)
                ),
                self.mark(),
            ));
        }
        self.scan_line_break();
        Ok(())
    }

    fn scan_anchor(&mut self, alias: bool) -> R<Token<'a>> {
        let start = self.mark();
        let context = if alias {
            "while scanning an alias"
        } else {
            "while scanning an anchor"
        };
        self.forward(1);
        let found = |s: &Scanner, ch: char| {
            error(
                Some((context, start)),
                format!(
                    "expected alphabetic or numeric character, but found {}",
                    repr_char(ch)
                ),
                s.mark(),
            )
        };
        let name = self.ascii_run(is_word_byte);
        if name.is_empty() {
            return Err(found(self, self.peek(0)));
        }
        self.forward_ascii(name.len());
        let ch = self.peek(0);
        if !(is_blank_or_end(ch) || matches!(ch, '?' | ':' | ',' | ']' | '}' | '%' | '@' | '`')) {
            return Err(found(self, ch));
        }
        Ok(Token {
            kind: if alias { Tok::Alias } else { Tok::Anchor },
            start: start.byte,
            value: Some(name),
            ..Token::new(Tok::Alias, start)
        })
    }

    fn scan_tag(&mut self) -> R<Token<'a>> {
        let start = self.mark();
        let ch = self.peek(1);
        let handle = if ch == '<' {
            self.forward(2);
            self.scan_tag_uri("tag", start)?;
            if self.peek(0) != '>' {
                return Err(error(
                    Some(("while parsing a tag", start)),
                    format!("expected '>', but found {}", repr_char(self.peek(0))),
                    self.mark(),
                ));
            }
            self.forward(1);
            None
        } else if is_blank_or_end(ch) {
            self.forward(1);
            None
        } else {
            let mut i = self.at.byte + 1;
            let mut ch = ch;
            let mut use_handle = false;
            while !is_space_or_end(ch) {
                if ch == '!' {
                    use_handle = true;
                    break;
                }
                i += ch.len_utf8();
                ch = self.char_at(i);
            }
            let handle = if use_handle {
                self.scan_tag_handle("tag", start)?
            } else {
                self.forward(1);
                "!"
            };
            self.scan_tag_uri("tag", start)?;
            Some(handle)
        };
        let ch = self.peek(0);
        if !is_space_or_end(ch) {
            return Err(error(
                Some(("while scanning a tag", start)),
                format!("expected ' ', but found {}", repr_char(ch)),
                self.mark(),
            ));
        }
        Ok(Token {
            kind: Tok::Tag,
            start: start.byte,
            value: handle,
            ..Token::new(Tok::Tag, start)
        })
    }

    fn block_scalar_error(&self, start: Mark, problem: String) -> Stop {
        error(
            Some(("while scanning a block scalar", start)),
            problem,
            self.mark(),
        )
    }

    fn scan_block_scalar(&mut self) -> R<Token<'a>> {
        let start = self.mark();
        let style = if self.byte(start.byte) == b'|' {
            Style::Literal
        } else {
            Style::Folded
        };
        self.forward(1);
        let increment = self.scan_block_scalar_indicators(start)?;
        self.scan_ignored_line("while scanning a block scalar", start)?;
        let min_indent = (self.indent + 1).max(1) as usize;
        let indent = match increment {
            None => min_indent.max(self.scan_block_scalar_indentation()),
            Some(i) => {
                let indent = min_indent + i - 1;
                self.scan_block_scalar_breaks(indent);
                indent
            }
        };
        while self.at.column == indent && self.byte(self.at.byte) != 0 {
            self.skip_line();
            self.scan_line_break();
            self.scan_block_scalar_breaks(indent);
        }
        Ok(Token::scalar(start, self.at.byte, style))
    }

    /// The explicit indentation, if any; checks the chomping and indentation indicators.
    fn scan_block_scalar_indicators(&mut self, start: Mark) -> R<Option<usize>> {
        let zero = "expected indentation indicator in the range 1-9, but found 0";
        let mut increment = None;
        let ch = self.peek(0);
        if ch == '+' || ch == '-' {
            self.forward(1);
            if let Some(d) = self.peek(0).to_digit(10) {
                if d == 0 {
                    return Err(self.block_scalar_error(start, zero.into()));
                }
                increment = Some(d as usize);
                self.forward(1);
            }
        } else if let Some(d) = ch.to_digit(10) {
            if d == 0 {
                return Err(self.block_scalar_error(start, zero.into()));
            }
            increment = Some(d as usize);
            self.forward(1);
            if matches!(self.peek(0), '+' | '-') {
                self.forward(1);
            }
        }
        let ch = self.peek(0);
        if !is_space_or_end(ch) {
            return Err(self.block_scalar_error(
                start,
                format!(
                    "expected chomping or indentation indicators, but found {}",
                    repr_char(ch)
                ),
            ));
        }
        Ok(increment)
    }

    /// The deepest indentation of the blank lines before the content.
    fn scan_block_scalar_indentation(&mut self) -> usize {
        let mut max_indent = 0;
        loop {
            if self.skip_spaces() > 0 {
                max_indent = max_indent.max(self.at.column);
            }
            if self.scan_line_break().is_none() {
                return max_indent;
            }
        }
    }

    /// Moves past spaces while the column is below `indent`.
    fn skip_indentation(&mut self, indent: usize) {
        while self.at.column < indent && self.byte(self.at.byte) == b' ' {
            self.forward_ascii(1);
        }
    }

    fn scan_block_scalar_breaks(&mut self, indent: usize) {
        self.skip_indentation(indent);
        while self.scan_line_break().is_some() {
            self.skip_indentation(indent);
        }
    }

    fn scan_flow_scalar(&mut self, double: bool) -> R<Token<'a>> {
        let start = self.mark();
        let quote = self.byte(self.at.byte);
        self.forward_ascii(1);
        self.scan_flow_scalar_non_spaces(double, start)?;
        while self.byte(self.at.byte) != quote {
            self.scan_flow_scalar_spaces(start)?;
            self.scan_flow_scalar_non_spaces(double, start)?;
        }
        self.forward_ascii(1);
        let style = if double {
            Style::DoubleQuoted
        } else {
            Style::SingleQuoted
        };
        Ok(Token::scalar(start, self.at.byte, style))
    }

    fn scan_flow_scalar_non_spaces(&mut self, double: bool, start: Mark) -> R<()> {
        let context = "while scanning a double-quoted scalar";
        loop {
            self.skip_until(&QUOTED);
            let ch = self.byte(self.at.byte);
            if !double && ch == b'\'' && self.byte(self.at.byte + 1) == b'\'' {
                self.forward_ascii(2);
            } else if (double && ch == b'\'') || (!double && (ch == b'"' || ch == b'\\')) {
                self.forward_ascii(1);
            } else if double && ch == b'\\' {
                self.forward_ascii(1);
                let ch = self.peek(0);
                let length = match ch {
                    'x' => 2,
                    'u' => 4,
                    'U' => 8,
                    _ => 0,
                };
                if "0abt\tnvfre \"\\/N_LP".contains(ch) && ch != '\0' {
                    self.forward(1);
                } else if length > 0 {
                    self.forward(1);
                    for k in 0..length {
                        if !self.byte(self.at.byte + k).is_ascii_hexdigit() {
                            return Err(error(
                                Some((context, start)),
                                format!(
                                    "expected escape sequence of {length} hexadecimal numbers, but found {}",
                                    repr_char(self.peek(k))
                                ),
                                self.mark(),
                            ));
                        }
                    }
                    let i = self.at.byte;
                    let code = self.text.get(i..i + length).unwrap_or("");
                    let value = u32::from_str_radix(code, 16).unwrap_or(u32::MAX);
                    if value > 0x10FFFF {
                        // Python's chr() raises ValueError, which is not a YAMLError: the
                        // tools crash. Refuse it as PyYAML's scanner would have to.
                        return Err(error(
                            Some((context, start)),
                            format!("chr() arg not in range(0x110000): escape \\{ch}{code}"),
                            self.mark(),
                        ));
                    }
                    self.forward_ascii(length);
                } else if is_break(ch) {
                    self.scan_line_break();
                    self.scan_flow_scalar_breaks(start)?;
                } else {
                    return Err(error(
                        Some((context, start)),
                        format!("found unknown escape character {}", repr_char(ch)),
                        self.mark(),
                    ));
                }
            } else {
                return Ok(());
            }
        }
    }

    fn scan_flow_scalar_spaces(&mut self, start: Mark) -> R<()> {
        self.skip_blanks();
        let ch = self.peek(0);
        if ch == '\0' {
            return Err(error(
                Some(("while scanning a quoted scalar", start)),
                "found unexpected end of stream".into(),
                self.mark(),
            ));
        }
        if is_break(ch) {
            self.scan_line_break();
            self.scan_flow_scalar_breaks(start)?;
        }
        Ok(())
    }

    fn at_document_separator(&self) -> bool {
        self.separator_at(self.at.byte)
    }

    /// Whether `---` or `...` and a blank or the end start at byte `i`.
    fn separator_at(&self, i: usize) -> bool {
        (self.three(i, b'-') || self.three(i, b'.')) && is_blank_or_end(self.char_at(i + 3))
    }

    fn scan_flow_scalar_breaks(&mut self, start: Mark) -> R<()> {
        loop {
            if self.at_document_separator() {
                return Err(error(
                    Some(("while scanning a quoted scalar", start)),
                    "found unexpected document separator".into(),
                    self.mark(),
                ));
            }
            self.skip_blanks();
            if self.scan_line_break().is_none() {
                return Ok(());
            }
        }
    }

    /// Moves past the characters of a plain scalar's word (PyYAML's `length` loop in
    /// `scan_plain`); whether there were any.
    fn skip_plain_word(&mut self) -> bool {
        let flow = self.flow_level > 0;
        let table = if flow { &PLAIN_FLOW } else { &PLAIN_BLOCK };
        let text = self.text;
        self.skip_run(table, |b, i| {
            b == b':' && {
                let next = char_at(text, i + 1);
                !(is_blank_or_end(next) || (flow && matches!(next, ',' | '[' | ']' | '{' | '}')))
            }
        })
    }

    fn scan_plain(&mut self) -> Token<'a> {
        let start = self.mark();
        let indent = self.indent + 1;
        let mut end = start.byte;
        loop {
            if self.byte(self.at.byte) == b'#' {
                break;
            }
            if !self.skip_plain_word() {
                break;
            }
            end = self.at.byte;
            self.allow_simple_key = false;
            let spaces = self.scan_plain_spaces();
            if !spaces
                || self.byte(self.at.byte) == b'#'
                || (self.flow_level == 0 && (self.at.column as isize) < indent)
            {
                break;
            }
        }
        Token::scalar(start, end, Style::Plain)
    }

    /// Whether spaces or line breaks follow (PyYAML's non-empty `chunks`).
    fn scan_plain_spaces(&mut self) -> bool {
        let length = self.skip_spaces();
        if self.scan_line_break().is_some() {
            self.allow_simple_key = true;
            if self.at_document_separator() {
                return false;
            }
            loop {
                self.skip_spaces();
                if self.scan_line_break().is_none() {
                    return true;
                }
                if self.at_document_separator() {
                    return false;
                }
            }
        }
        length > 0
    }

    fn scan_tag_handle(&mut self, name: &str, start: Mark) -> R<&'a str> {
        let context = || format!("while scanning a {name}");
        let ch = self.peek(0);
        if ch != '!' {
            return Err(error(
                Some((&context(), start)),
                format!("expected '!', but found {}", repr_char(ch)),
                self.mark(),
            ));
        }
        let i = self.at.byte;
        let mut length = 1;
        if self.byte(i + 1) != b' ' {
            while is_word_byte(self.byte(i + length)) {
                length += 1;
            }
            let ch = self.char_at(i + length);
            if ch != '!' {
                self.forward_ascii(length);
                return Err(error(
                    Some((&context(), start)),
                    format!("expected '!', but found {}", repr_char(ch)),
                    self.mark(),
                ));
            }
            length += 1;
        }
        let value = self.text.get(i..i + length).unwrap_or("");
        self.forward_ascii(length);
        Ok(value)
    }

    fn scan_tag_uri(&mut self, name: &str, start: Mark) -> R<()> {
        let mut found = false;
        loop {
            let b = self.byte(self.at.byte);
            if b == b'%' {
                self.scan_uri_escapes(name, start)?;
                found = true;
            } else if b.is_ascii_alphanumeric() || b"-;/?:@&=+$,_.!~*'()[]".contains(&b) {
                self.forward_ascii(1);
                found = true;
            } else {
                break;
            }
        }
        if !found {
            return Err(error(
                Some((&format!("while parsing a {name}"), start)),
                format!("expected URI, but found {}", repr_char(self.peek(0))),
                self.mark(),
            ));
        }
        Ok(())
    }

    fn scan_uri_escapes(&mut self, name: &str, start: Mark) -> R<()> {
        let context = || format!("while scanning a {name}");
        let mark = self.mark();
        let mut bytes = Vec::new();
        while self.byte(self.at.byte) == b'%' {
            self.forward_ascii(1);
            for k in 0..2 {
                if !self.byte(self.at.byte + k).is_ascii_hexdigit() {
                    return Err(error(
                        Some((&context(), start)),
                        format!(
                            "expected URI escape sequence of 2 hexadecimal numbers, but found {}",
                            repr_char(self.peek(k))
                        ),
                        self.mark(),
                    ));
                }
            }
            let i = self.at.byte;
            let hex = self.text.get(i..i + 2).unwrap_or("");
            bytes.push(u8::from_str_radix(hex, 16).unwrap_or(0));
            self.forward_ascii(2);
        }
        if let Err(e) = std::str::from_utf8(&bytes) {
            let at = e.valid_up_to();
            let reason = if e.error_len().is_none() {
                "unexpected end of data"
            } else if bytes[at] >= 0x80 && bytes[at] < 0xC2 || bytes[at] > 0xF4 {
                "invalid start byte"
            } else {
                "invalid continuation byte"
            };
            let end = at + e.error_len().unwrap_or(bytes.len() - at);
            let position = if end - at == 1 {
                format!("in position {at}")
            } else {
                format!("in position {at}-{}", end - 1)
            };
            return Err(error(
                Some((&context(), start)),
                format!(
                    "'utf-8' codec can't decode byte 0x{:02x} {position}: {reason}",
                    bytes[at]
                ),
                mark,
            ));
        }
        Ok(())
    }

    #[inline(always)]
    fn scan_line_break(&mut self) -> Option<()> {
        let i = self.at.byte;
        match self.byte(i) {
            b'\n' => {
                self.at.byte = i + 1;
                self.at.index += 1;
            }
            b'\r' if self.byte(i + 1) == b'\n' => {
                self.at.byte = i + 2;
                self.at.index += 2;
            }
            b'\r' => {
                self.at.byte = i + 1;
                self.at.index += 1;
            }
            b if b < 0x80 => return None,
            _ => {
                let c = self.char_at(i);
                if !is_break(c) {
                    return None;
                }
                self.at.byte = i + c.len_utf8();
                self.at.index += 1;
            }
        }
        self.at.line += 1;
        self.at.column = 0;
        Some(())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    ImplicitDocumentStart,
    DocumentStart,
    DocumentEnd,
    DocumentContent,
    BlockNode,
    BlockSequenceFirstEntry,
    BlockSequenceEntry,
    IndentlessSequenceEntry,
    BlockMappingFirstKey,
    BlockMappingKey,
    BlockMappingValue,
    FlowSequenceFirstEntry,
    FlowSequenceEntry,
    FlowSequenceEntryMappingKey,
    FlowSequenceEntryMappingValue,
    FlowSequenceEntryMappingEnd,
    FlowMappingFirstKey,
    FlowMappingKey,
    FlowMappingValue,
    FlowMappingEmptyValue,
    End,
}

/// A parser event, with its start byte.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Event<'a> {
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias(&'a str, usize),
    /// A scalar or the start of a collection, with its anchor and start.
    Node(Option<&'a str>, usize, Shape),
    /// The end of a collection: a flow collection's closing bracket.
    CollectionEnd(Option<usize>),
}

/// What a node event stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A scalar token, with its end and style.
    Scalar(usize, Style),
    /// An empty scalar, and where saphyr-parser puts it when this module knows.
    Empty(Option<usize>),
    /// A block mapping or a flow mapping (`{`).
    Map,
    /// A block sequence (at its first `-`) or a flow sequence (`[`).
    Seq,
    /// A sequence whose `-` stand at the column of the mapping key it is the value of.
    IndentlessSeq,
    /// A single-pair mapping in a flow sequence (`[a: b]`).
    PairMap,
}

impl Shape {
    fn collection(self) -> bool {
        !matches!(self, Shape::Scalar(..) | Shape::Empty(_))
    }
}

/// Receives the parser's events while it checks the text.
pub(crate) trait Sink<'a> {
    /// One event, while every construct so far is one [`Parser::unusual`] leaves unflagged.
    fn event(&mut self, ev: Event<'a>);
}

impl<'a> Sink<'a> for () {
    #[inline(always)]
    fn event(&mut self, _: Event<'a>) {}
}

/// The verdict of [`load`].
pub(crate) struct Loaded {
    /// PyYAML's error, if it refuses the text.
    pub error: Option<MarkedError>,
    /// Whether the sink saw the whole of a single-document text built only of constructs whose
    /// trees this module's events describe fully: no directives, document markers, anchors,
    /// aliases, tags, complex keys or single-pair mappings, and no empty node whose place
    /// saphyr-parser gives otherwise.
    pub complete: bool,
}

/// [`check`], passing the events to `sink`.
pub(crate) fn load<'a>(text: &'a str, max_depth: usize, sink: &mut impl Sink<'a>) -> Loaded {
    let mut p = Parser::new(text, max_depth);
    match p.run(sink) {
        Ok(()) => Loaded {
            error: None,
            complete: !p.unusual,
        },
        Err(Stop::GiveUp) => Loaded {
            error: None,
            complete: false,
        },
        Err(Stop::Error(e)) => Loaded {
            error: Some(*e),
            complete: false,
        },
    }
}

struct Parser<'a> {
    scanner: Scanner<'a>,
    state: State,
    states: Vec<State>,
    marks: Vec<usize>,
    tag_handles: Vec<&'a str>,
    /// Whether a construct [`Loaded::complete`] excludes was met.
    unusual: bool,
    /// Whether [`Parser::entry_line`] may read lines at once (the tests compare without).
    entry_lines: bool,
    /// The events of a line read at once not given out yet: how many collection ends, then
    /// the key's and the value's.
    ends_ahead: usize,
    ahead: [Option<Event<'a>>; 2],
    /// How many lines were read at once.
    #[cfg(test)]
    lines_at_once: usize,
}

const DEFAULT_TAGS: [&str; 2] = ["!", "!!"];

impl<'a> Parser<'a> {
    fn new(text: &'a str, max_depth: usize) -> Parser<'a> {
        Parser {
            scanner: Scanner::new(text, max_depth),
            state: State::ImplicitDocumentStart,
            states: Vec::new(),
            marks: Vec::new(),
            tag_handles: Vec::new(),
            unusual: false,
            entry_lines: true,
            ends_ahead: 0,
            ahead: [None; 2],
            #[cfg(test)]
            lines_at_once: 0,
        }
    }

    /// The composer's `get_single_node`, keeping only what can fail.
    fn run(&mut self, sink: &mut impl Sink<'a>) -> R<()> {
        self.scanner.skip_token()?;
        if self.next_event()? == Event::StreamEnd {
            return Ok(());
        }
        let mut anchors: HashMap<&'a str, usize> = HashMap::new();
        let mut depth = 0usize;
        loop {
            let ev = match self.event_ahead() {
                Some(ev) => ev,
                None => match self.entry_line() {
                    Some(ev) => ev,
                    None => self.next_event()?,
                },
            };
            if !self.unusual {
                sink.event(ev);
            }
            match ev {
                Event::Alias(name, mark) => {
                    if !anchors.contains_key(name) {
                        return Err(error(
                            None,
                            format!("found undefined alias {}", repr(name)),
                            self.scanner.mark_at(mark),
                        ));
                    }
                }
                Event::Node(anchor, mark, shape) => {
                    if let Some(name) = anchor {
                        if let Some(first) = anchors.get(name) {
                            return Err(error(
                                Some((
                                    &format!(
                                        "found duplicate anchor {}; first occurrence",
                                        repr(name)
                                    ),
                                    self.scanner.mark_at(*first),
                                )),
                                "second occurrence".into(),
                                self.scanner.mark_at(mark),
                            ));
                        }
                        anchors.insert(name, mark);
                    }
                    if shape.collection() {
                        depth += 1;
                        if depth > self.scanner.max_depth {
                            return Err(Stop::GiveUp);
                        }
                    }
                }
                Event::CollectionEnd(_) => depth = depth.saturating_sub(1),
                Event::DocumentEnd | Event::StreamEnd => break,
                Event::DocumentStart => {}
            }
        }
        if self.next_event()? != Event::StreamEnd {
            self.unusual = true;
        }
        Ok(())
    }

    /// The next event of a line read at once, if one is left.
    fn event_ahead(&mut self) -> Option<Event<'a>> {
        if self.ends_ahead > 0 {
            self.ends_ahead -= 1;
            return Some(Event::CollectionEnd(None));
        }
        self.ahead.iter_mut().find_map(Option::take)
    }

    /// The events of a whole `key: value` or `key:` line of a block mapping, read at once when
    /// PyYAML's rounds for it could only give its tokens: the first, the others put in
    /// [`Parser::ahead`]. Either the next entry of the mapping or of one it is nested in (in
    /// state `BlockMappingKey`, at that mapping's column), or the first of a mapping a `key:`
    /// line opens (in state `BlockMappingValue` with only that `:` queued, on a later line and
    /// deeper). With no token queued and no possible simple key, PyYAML would unwind the
    /// indents to the line's column (a `BLOCK-END` each, which the parser takes for the end of
    /// a mapping whose enclosing one then waits for its next key), save the key (required in
    /// the first case), scan it, take it at its `:` (inserting `KEY`, and in the second case
    /// `BLOCK-MAPPING-START`, where the indent becomes the key's column), and scan the value
    /// after the `:` with no simple key allowed: nothing in those rounds can fail, and in
    /// ASCII the marks move a column a byte. A `key:` line's `:` stays queued, as PyYAML's
    /// round leaves it when no value follows on its line.
    fn entry_line(&mut self) -> Option<Event<'a>> {
        let s = &mut self.scanner;
        if !self.entry_lines || s.done || s.flow_level > 0 || !s.possible_simple_keys.is_empty() {
            return None;
        }
        let opens = match self.state {
            State::BlockMappingKey if s.tokens.is_empty() => false,
            State::BlockMappingValue
                if s.tokens.len() == 1
                    && s.tokens.front().is_some_and(|t| t.kind == Tok::Value) =>
            {
                true
            }
            _ => return None,
        };
        let line = s.at.line;
        s.scan_to_next_token();
        let column = s.at.column;
        let ends = if opens {
            (s.at.line > line && column as isize > s.indent).then_some(0)?
        } else {
            self.mappings_closed_at(column as isize)?
        };
        let s = &mut self.scanner;
        if !s.allow_simple_key {
            return None;
        }
        let l = s.entry_line(column)?;
        let key = s.at.byte;
        let value = l
            .value
            .map(|(start, end, style)| Event::Node(None, start, Shape::Scalar(end, style)));
        self.ahead = [
            Some(Event::Node(
                None,
                key,
                Shape::Scalar(l.key_end, Style::Plain),
            )),
            value,
        ];
        #[cfg(test)]
        {
            self.lines_at_once += 1;
        }
        let (tokens, first) = if opens {
            s.tokens.pop_front();
            s.indents.push(s.indent);
            s.indent = column as isize;
            self.states.push(State::BlockMappingKey);
            self.marks.push(key);
            (4, Some(Event::Node(None, key, Shape::Map)))
        } else {
            if ends > 0 {
                let keep = s.indents.len() - ends;
                s.indent = s.indents[keep];
                s.indents.truncate(keep);
                self.states.truncate(self.states.len() - ends);
                self.marks.truncate(self.marks.len().saturating_sub(ends));
                self.ends_ahead = ends;
            }
            (ends + 2, None)
        };
        if value.is_some() {
            s.take_entry_line(&l, tokens + 2);
            self.state = State::BlockMappingKey;
        } else {
            s.take_entry_line(&l, tokens);
            self.state = State::BlockMappingValue;
        }
        first.or_else(|| self.event_ahead())
    }

    /// How many block mappings a line at `column` ends when it holds the next key of the
    /// current one or of one it is nested in: the indents unwinding pops, when each pops the
    /// parser into the state of an enclosing mapping's next key.
    fn mappings_closed_at(&self, column: isize) -> Option<usize> {
        let s = &self.scanner;
        let mut indent = s.indent;
        let mut ends = 0;
        while indent > column {
            ends += 1;
            indent = *s.indents.get(s.indents.len().checked_sub(ends)?)?;
            let state = self.states.get(self.states.len().checked_sub(ends)?)?;
            if *state != State::BlockMappingKey {
                return None;
            }
        }
        (indent == column).then_some(ends)
    }

    /// Whether the next token is of one of `kinds`.
    fn check(&mut self, kinds: &[Tok]) -> R<bool> {
        let t = self.scanner.peek_kind()?;
        Ok(kinds.contains(&t))
    }

    /// After an entry's indicator (`-`, `?`, `:`): its node, or an empty scalar when one of
    /// `ends` follows; then `then`.
    /// `empty_at`: where saphyr-parser puts the empty scalar, if known.
    fn entry(
        &mut self,
        ends: &[Tok],
        then: State,
        block: bool,
        indentless: bool,
        empty_at: Option<usize>,
    ) -> R<Event<'a>> {
        let t = self.peek()?;
        if t.kind == Tok::Scalar {
            self.state = then;
            return self.scalar_node(t);
        }
        if !ends.contains(&t.kind) {
            self.states.push(then);
            return self.parse_node(block, indentless);
        }
        self.state = then;
        self.empty_scalar(empty_at)
    }

    /// The event of `t`, the next token, a scalar without anchor or tag (the caller sets the
    /// state that follows).
    fn scalar_node(&mut self, t: Token<'a>) -> R<Event<'a>> {
        self.scanner.skip_token()?;
        Ok(Event::Node(None, t.start, Shape::Scalar(t.end, t.style)))
    }

    /// PyYAML's error for a token a collection cannot hold: `expected <what>, but <verb> ...`.
    #[cold]
    fn unexpected(&mut self, context: &str, what: &str, verb: &str) -> Stop {
        match self.peek() {
            Ok(t) => error(
                Some((context, self.scanner.mark_at(self.top_mark()))),
                format!("expected {what}, but {verb} {}", repr(t.kind.id())),
                self.scanner.mark_at(t.start),
            ),
            Err(e) => e,
        }
    }

    fn peek(&mut self) -> R<Token<'a>> {
        self.scanner.peek_token()
    }

    fn next_event(&mut self) -> R<Event<'a>> {
        match self.state {
            State::ImplicitDocumentStart => self.parse_implicit_document_start(),
            State::DocumentStart => self.parse_document_start(),
            State::DocumentEnd => self.parse_document_end(),
            State::DocumentContent => self.parse_document_content(),
            State::BlockNode => self.parse_node(true, false),
            State::BlockSequenceFirstEntry => {
                let t = self.scanner.get_token()?;
                self.marks.push(t.start);
                self.parse_block_sequence_entry()
            }
            State::BlockSequenceEntry => self.parse_block_sequence_entry(),
            State::IndentlessSequenceEntry => self.parse_indentless_sequence_entry(),
            State::BlockMappingFirstKey => {
                let t = self.scanner.get_token()?;
                self.marks.push(t.start);
                self.parse_block_mapping_key()
            }
            State::BlockMappingKey => self.parse_block_mapping_key(),
            State::BlockMappingValue => self.parse_block_mapping_value(),
            State::FlowSequenceFirstEntry => {
                let t = self.scanner.get_token()?;
                self.marks.push(t.start);
                self.parse_flow_sequence_entry(true)
            }
            State::FlowSequenceEntry => self.parse_flow_sequence_entry(false),
            State::FlowSequenceEntryMappingKey => self.parse_flow_sequence_entry_mapping_key(),
            State::FlowSequenceEntryMappingValue => self.parse_flow_sequence_entry_mapping_value(),
            State::FlowSequenceEntryMappingEnd => {
                self.state = State::FlowSequenceEntry;
                Ok(Event::CollectionEnd(None))
            }
            State::FlowMappingFirstKey => {
                let t = self.scanner.get_token()?;
                self.marks.push(t.start);
                self.parse_flow_mapping_key(true)
            }
            State::FlowMappingKey => self.parse_flow_mapping_key(false),
            State::FlowMappingValue => self.parse_flow_mapping_value(),
            State::FlowMappingEmptyValue => {
                self.state = State::FlowMappingKey;
                self.empty_scalar(None)
            }
            State::End => Ok(Event::StreamEnd),
        }
    }

    fn pop_state(&mut self) -> State {
        self.states.pop().unwrap_or(State::End)
    }

    fn empty_scalar(&mut self, at: Option<usize>) -> R<Event<'a>> {
        if at.is_none() {
            self.unusual = true;
        }
        Ok(Event::Node(None, self.scanner.at.byte, Shape::Empty(at)))
    }

    fn parse_implicit_document_start(&mut self) -> R<Event<'a>> {
        if !self.check(&[Tok::Directive, Tok::DocumentStart, Tok::StreamEnd])? {
            self.tag_handles = DEFAULT_TAGS.to_vec();
            self.states.push(State::DocumentEnd);
            self.state = State::BlockNode;
            return Ok(Event::DocumentStart);
        }
        self.parse_document_start()
    }

    fn parse_document_start(&mut self) -> R<Event<'a>> {
        while self.check(&[Tok::DocumentEnd])? {
            self.scanner.skip_token()?;
        }
        if self.check(&[Tok::StreamEnd])? {
            self.scanner.skip_token()?;
            self.state = State::End;
            return Ok(Event::StreamEnd);
        }
        self.process_directives()?;
        if !self.check(&[Tok::DocumentStart])? {
            let t = self.peek()?;
            return Err(error(
                None,
                format!(
                    "expected '<document start>', but found {}",
                    repr(t.kind.id())
                ),
                self.scanner.mark_at(t.start),
            ));
        }
        self.scanner.skip_token()?;
        self.unusual = true;
        self.states.push(State::DocumentEnd);
        self.state = State::DocumentContent;
        Ok(Event::DocumentStart)
    }

    fn parse_document_end(&mut self) -> R<Event<'a>> {
        if self.check(&[Tok::DocumentEnd])? {
            self.unusual = true;
            self.scanner.skip_token()?;
        }
        self.state = State::DocumentStart;
        Ok(Event::DocumentEnd)
    }

    fn parse_document_content(&mut self) -> R<Event<'a>> {
        if self.check(&[
            Tok::Directive,
            Tok::DocumentStart,
            Tok::DocumentEnd,
            Tok::StreamEnd,
        ])? {
            self.state = self.pop_state();
            return self.empty_scalar(None);
        }
        self.parse_node(true, false)
    }

    fn process_directives(&mut self) -> R<()> {
        let mut version_seen = false;
        self.tag_handles.clear();
        while self.check(&[Tok::Directive])? {
            let t = self.scanner.get_token()?;
            let value = t.value.unwrap_or("");
            match t.directive {
                Directive::Yaml => {
                    if version_seen {
                        return Err(error(
                            None,
                            "found duplicate YAML directive".into(),
                            self.scanner.mark_at(t.start),
                        ));
                    }
                    if value.trim_start_matches('0') != "1" {
                        return Err(error(
                            None,
                            "found incompatible YAML document (version 1.* is required)".into(),
                            self.scanner.mark_at(t.start),
                        ));
                    }
                    version_seen = true;
                }
                Directive::Tag => {
                    if self.tag_handles.contains(&value) {
                        return Err(error(
                            None,
                            format!("duplicate tag handle {}", repr(value)),
                            self.scanner.mark_at(t.start),
                        ));
                    }
                    self.tag_handles.push(value);
                }
                Directive::Other => {}
            }
        }
        for handle in DEFAULT_TAGS {
            if !self.tag_handles.contains(&handle) {
                self.tag_handles.push(handle);
            }
        }
        Ok(())
    }

    fn parse_node(&mut self, block: bool, indentless_sequence: bool) -> R<Event<'a>> {
        let t = self.peek()?;
        if t.kind == Tok::Scalar {
            self.state = self.pop_state();
            return self.scalar_node(t);
        }
        if t.kind == Tok::Alias {
            self.scanner.skip_token()?;
            self.state = self.pop_state();
            return Ok(Event::Alias(t.value.unwrap_or(""), t.start));
        }
        let mut anchor = None;
        let mut handle = None;
        let mut start = None;
        let mut tag_mark = None;
        match t.kind {
            Tok::Anchor => {
                self.scanner.skip_token()?;
                start = Some(t.start);
                anchor = t.value;
                let t = self.peek()?;
                if t.kind == Tok::Tag {
                    self.scanner.skip_token()?;
                    tag_mark = Some(t.start);
                    handle = Some(t.value);
                }
            }
            Tok::Tag => {
                self.scanner.skip_token()?;
                start = Some(t.start);
                tag_mark = Some(t.start);
                handle = Some(t.value);
                let t = self.peek()?;
                if t.kind == Tok::Anchor {
                    self.scanner.skip_token()?;
                    anchor = t.value;
                }
            }
            _ => {}
        }
        let tagged = handle.is_some();
        if tagged || anchor.is_some() {
            self.unusual = true;
        }
        if let (Some(Some(h)), Some(start), Some(tag_mark)) = (handle, start, tag_mark) {
            if !self.tag_handles.contains(&h) {
                return Err(error(
                    Some(("while parsing a node", self.scanner.mark_at(start))),
                    format!("found undefined tag handle {}", repr(h)),
                    self.scanner.mark_at(tag_mark),
                ));
            }
        }
        let next = if start.is_some() { self.peek()? } else { t };
        let start = start.unwrap_or(next.start);
        if indentless_sequence && next.kind == Tok::BlockEntry {
            self.state = State::IndentlessSequenceEntry;
            return Ok(Event::Node(anchor, start, Shape::IndentlessSeq));
        }
        match next.kind {
            Tok::Scalar => {
                self.scanner.skip_token()?;
                self.state = self.pop_state();
                Ok(Event::Node(
                    anchor,
                    start,
                    Shape::Scalar(next.end, next.style),
                ))
            }
            Tok::FlowSequenceStart => {
                self.state = State::FlowSequenceFirstEntry;
                Ok(Event::Node(anchor, start, Shape::Seq))
            }
            Tok::FlowMappingStart => {
                self.state = State::FlowMappingFirstKey;
                Ok(Event::Node(anchor, start, Shape::Map))
            }
            Tok::BlockSequenceStart if block => {
                self.state = State::BlockSequenceFirstEntry;
                Ok(Event::Node(anchor, start, Shape::Seq))
            }
            Tok::BlockMappingStart if block => {
                self.state = State::BlockMappingFirstKey;
                Ok(Event::Node(anchor, start, Shape::Map))
            }
            _ if anchor.is_some() || tagged => {
                self.state = self.pop_state();
                Ok(Event::Node(anchor, start, Shape::Empty(None)))
            }
            kind => Err(error(
                Some((
                    if block {
                        "while parsing a block node"
                    } else {
                        "while parsing a flow node"
                    },
                    self.scanner.mark_at(start),
                )),
                format!("expected the node content, but found {}", repr(kind.id())),
                self.scanner.mark_at(next.start),
            )),
        }
    }

    fn top_mark(&self) -> usize {
        self.marks.last().copied().unwrap_or(self.scanner.at.byte)
    }

    fn end_collection(&mut self) -> R<Event<'a>> {
        let t = self.scanner.get_token()?;
        self.state = self.pop_state();
        self.marks.pop();
        let closer = matches!(t.kind, Tok::FlowSequenceEnd | Tok::FlowMappingEnd);
        Ok(Event::CollectionEnd(closer.then_some(t.start)))
    }

    fn parse_block_sequence_entry(&mut self) -> R<Event<'a>> {
        let kind = self.scanner.peek_kind()?;
        if kind == Tok::BlockEntry {
            self.scanner.skip_token()?;
            let ends = [Tok::BlockEntry, Tok::BlockEnd];
            return self.entry(&ends, State::BlockSequenceEntry, true, false, None);
        }
        if kind != Tok::BlockEnd {
            return Err(self.unexpected(
                "while parsing a block collection",
                "<block end>",
                "found",
            ));
        }
        self.end_collection()
    }

    fn parse_indentless_sequence_entry(&mut self) -> R<Event<'a>> {
        if self.check(&[Tok::BlockEntry])? {
            self.scanner.skip_token()?;
            let ends = [Tok::BlockEntry, Tok::Key, Tok::Value, Tok::BlockEnd];
            return self.entry(&ends, State::IndentlessSequenceEntry, true, false, None);
        }
        self.state = self.pop_state();
        Ok(Event::CollectionEnd(None))
    }

    fn parse_block_mapping_key(&mut self) -> R<Event<'a>> {
        let kind = self.scanner.peek_kind()?;
        if kind == Tok::Key {
            let t = self.scanner.get_token()?;
            self.complex_key(t.start);
            let ends = [Tok::Key, Tok::Value, Tok::BlockEnd];
            return self.entry(&ends, State::BlockMappingValue, true, true, None);
        }
        if kind != Tok::BlockEnd {
            return Err(self.unexpected("while parsing a block mapping", "<block end>", "found"));
        }
        self.end_collection()
    }

    fn parse_block_mapping_value(&mut self) -> R<Event<'a>> {
        if self.check(&[Tok::Value])? {
            let t = self.scanner.get_token()?;
            let ends = [Tok::Key, Tok::Value, Tok::BlockEnd];
            return self.entry(&ends, State::BlockMappingKey, true, true, Some(t.start));
        }
        self.state = State::BlockMappingKey;
        let t = self.peek()?;
        let at = matches!(t.kind, Tok::Key | Tok::BlockEnd).then_some(t.start);
        self.empty_scalar(at)
    }

    /// Flags a `?` key.
    fn complex_key(&mut self, at: usize) {
        if self.scanner.byte(at) == b'?' {
            self.unusual = true;
        }
    }

    /// A flow collection's `,` between entries: required but before the first.
    fn flow_entry(&mut self, first: bool, context: &str, what: &str) -> R<()> {
        if first {
            return Ok(());
        }
        if !self.check(&[Tok::FlowEntry])? {
            return Err(self.unexpected(context, what, "got"));
        }
        self.scanner.skip_token()?;
        Ok(())
    }

    fn parse_flow_sequence_entry(&mut self, first: bool) -> R<Event<'a>> {
        if !self.check(&[Tok::FlowSequenceEnd])? {
            self.flow_entry(first, "while parsing a flow sequence", "',' or ']'")?;
            if self.check(&[Tok::Key])? {
                let t = self.peek()?;
                self.state = State::FlowSequenceEntryMappingKey;
                self.unusual = true;
                return Ok(Event::Node(None, t.start, Shape::PairMap));
            }
            if !self.check(&[Tok::FlowSequenceEnd])? {
                self.states.push(State::FlowSequenceEntry);
                return self.parse_node(false, false);
            }
        }
        self.end_collection()
    }

    fn parse_flow_sequence_entry_mapping_key(&mut self) -> R<Event<'a>> {
        self.scanner.skip_token()?;
        let ends = [Tok::Value, Tok::FlowEntry, Tok::FlowSequenceEnd];
        self.entry(
            &ends,
            State::FlowSequenceEntryMappingValue,
            false,
            false,
            None,
        )
    }

    fn parse_flow_sequence_entry_mapping_value(&mut self) -> R<Event<'a>> {
        if self.check(&[Tok::Value])? {
            self.scanner.skip_token()?;
            let ends = [Tok::FlowEntry, Tok::FlowSequenceEnd];
            return self.entry(
                &ends,
                State::FlowSequenceEntryMappingEnd,
                false,
                false,
                None,
            );
        }
        self.state = State::FlowSequenceEntryMappingEnd;
        self.empty_scalar(None)
    }

    fn parse_flow_mapping_key(&mut self, first: bool) -> R<Event<'a>> {
        if !self.check(&[Tok::FlowMappingEnd])? {
            self.flow_entry(first, "while parsing a flow mapping", "',' or '}'")?;
            if self.check(&[Tok::Key])? {
                let t = self.scanner.get_token()?;
                self.complex_key(t.start);
                let ends = [Tok::Value, Tok::FlowEntry, Tok::FlowMappingEnd];
                return self.entry(&ends, State::FlowMappingValue, false, false, None);
            }
            if !self.check(&[Tok::FlowMappingEnd])? {
                self.states.push(State::FlowMappingEmptyValue);
                return self.parse_node(false, false);
            }
        }
        self.end_collection()
    }

    fn parse_flow_mapping_value(&mut self) -> R<Event<'a>> {
        if self.check(&[Tok::Value])? {
            self.scanner.skip_token()?;
            let ends = [Tok::FlowEntry, Tok::FlowMappingEnd];
            return self.entry(&ends, State::FlowMappingKey, false, false, None);
        }
        self.state = State::FlowMappingKey;
        self.empty_scalar(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The eight-at-a-time scan stops where the table's would, or before the last eight.
    #[test]
    fn line_runs_stop_where_the_table_does() {
        for len in 0..=24 {
            for stop_at in 0..=len {
                for stop in [0, b'\n', b'\r', 0x80, 0xc3, 0xff] {
                    for filler in [b'a', b'#', 0x01, 0x7f, b' '] {
                        let mut bytes = vec![filler; len];
                        if stop_at < len {
                            bytes[stop_at] = stop;
                            if stop_at + 1 < len {
                                bytes[stop_at + 1] = 0;
                            }
                        }
                        let by_table = bytes.iter().take_while(|&&b| LINE[b as usize]).count();
                        let run = line_run(&bytes);
                        let whole = len / 8 * 8;
                        assert!(
                            run == by_table || (run == whole && by_table >= whole),
                            "{bytes:?}: {run} against {by_table}"
                        );
                    }
                }
            }
        }
    }

    /// (context, context mark, problem, problem mark) with marks as (line, column, byte), as
    /// PyYAML 6.0 reports them (marks 0-based).
    type Want<'a> = (
        Option<&'a str>,
        Option<(usize, usize)>,
        &'a str,
        (usize, usize, usize),
    );

    fn refused(text: &str) -> Want<'_> {
        let e = check(text, 128).unwrap_or_else(|| panic!("PyYAML refuses {text:?}"));
        let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        (
            e.context.map(leak),
            e.context_mark.map(|m| (m.line, m.column)),
            leak(e.problem),
            (
                e.problem_mark.line,
                e.problem_mark.column,
                e.problem_mark.byte,
            ),
        )
    }

    #[test]
    fn what_pyyaml_refuses() {
        let cases: &[(&str, Want)] = &[
            (
                "%YAML 2.0\n---\nname: x\n",
                (
                    None,
                    None,
                    "found incompatible YAML document (version 1.* is required)",
                    (0, 0, 0),
                ),
            ),
            (
                "name: x\n\u{feff}",
                (
                    Some("while scanning a simple key"),
                    Some((1, 0)),
                    "could not find expected ':'",
                    (1, 0, 11),
                ),
            ),
            (
                "a:\n\tb: 1\n",
                (
                    Some("while scanning for the next token"),
                    None,
                    "found character '\\t' that cannot start any token",
                    (1, 0, 3),
                ),
            ),
            (
                "a:\n  b: 1\n c: 2\n",
                (
                    Some("while parsing a block mapping"),
                    Some((0, 0)),
                    "expected <block end>, but found '<block mapping start>'",
                    (2, 1, 11),
                ),
            ),
            (
                "a: [1, 2\nb: 3\n",
                (
                    Some("while parsing a flow sequence"),
                    Some((0, 3)),
                    "expected ',' or ']', but got ':'",
                    (1, 1, 10),
                ),
            ),
            (
                "a: &x 1\nb: &x 2\n",
                (
                    Some("found duplicate anchor 'x'; first occurrence"),
                    Some((0, 3)),
                    "second occurrence",
                    (1, 3, 11),
                ),
            ),
            (
                "a: *x\n",
                (None, None, "found undefined alias 'x'", (0, 3, 3)),
            ),
            (
                "a: \"\\q\"\n",
                (
                    Some("while scanning a double-quoted scalar"),
                    Some((0, 3)),
                    "found unknown escape character 'q'",
                    (0, 5, 5),
                ),
            ),
            (
                "a: 1\n...\nb: 2\n",
                (
                    None,
                    None,
                    "expected '<document start>', but found '<block mapping start>'",
                    (2, 0, 9),
                ),
            ),
            (
                "k: é\n  x: 1\n",
                (None, None, "mapping values are not allowed here", (1, 3, 9)),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(refused(text), *want, "{text:?}");
        }
    }

    #[test]
    fn what_pyyaml_reads() {
        for text in [
            "",
            "\u{feff}a: 1\n",
            "%YAML 1.1\n---\na: 1\n",
            "%YAML 1.2\n---\na: 1\n",
            "a: x\u{feff}y\n",
            "a: |\n  x\n  y",
            "- &a x\n- *a\n- !!str 1\n- !<tag:yaml.org,2002:int> 2\n",
            "{a: [1, {b: c}], ? d : e}\n",
            "a: 1\n---\nb: 2\n",
        ] {
            assert_eq!(check(text, 128), None, "{text:?}");
        }
    }

    #[test]
    fn the_message_is_pyyaml_str() {
        let e = check("framework_logging_format: json\n  extra: [1, 2\n", 128).expect("refused");
        assert_eq!(
            e.render("<unicode string>"),
            "mapping values are not allowed here\n  in \"<unicode string>\", line 2, column 8"
        );
        let e = check("a:\n  b: 1\n c: 2\n", 128).expect("refused");
        assert_eq!(
            e.render("f"),
            "while parsing a block mapping\n  in \"f\", line 1, column 1\nexpected <block end>, but found '<block mapping start>'\n  in \"f\", line 3, column 2"
        );
        assert_eq!(
            e.summary(),
            "while parsing a block mapping, expected <block end>, but found '<block mapping start>'"
        );
    }

    #[test]
    fn nesting_past_the_limit_gets_no_verdict() {
        let deep = format!("{}x{}", "[".repeat(200), "]".repeat(199));
        assert_eq!(check(&deep, 128), None);
        assert!(check(&deep, 1000).is_some());
    }
}
