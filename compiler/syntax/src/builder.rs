//! Builds a [`Tree`] from saphyr-parser's event stream.

use crate::pyyaml::{Event, Shape, Sink};
use crate::scalar::{CoreTag, Scalar, Style};
use crate::tree::{Entry, Kind, Node, NodeId, Tree};
use compact_str::CompactString;
use foldhash::{HashMap, HashMapExt as _};
use paasc_diag::{Cap, Code, Diagnostic, FileId, Span};
use saphyr_parser::{Parser, ScalarStyle, ScanError, Tag};

/// Bounds that keep parsing linear in time and memory for any input.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest input accepted, in bytes.
    pub max_bytes: usize,
    /// Deepest nesting of collections, counting through aliases.
    pub max_depth: usize,
    /// Most nodes the document may stand for once every alias is expanded.
    pub max_expanded_nodes: u64,
    /// Most YAML 1.1/1.2 ambiguity warnings reported per file.
    pub max_ambiguity_warnings: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_bytes: 8 * 1024 * 1024,
            max_depth: 128,
            max_expanded_nodes: 100_000,
            max_ambiguity_warnings: 100,
        }
    }
}

/// Parses one YAML document. Never fails: problems come back as diagnostics, and the tree has
/// no root when the text is empty or not valid YAML.
pub fn parse(file: FileId, text: &str, limits: Limits) -> (Tree, Vec<Diagnostic>) {
    let (tree, diags, _) = parse_by(file, text, limits, true);
    (tree, diags)
}

/// [`parse`], building the tree from the PyYAML pass's events when `fast` allows and the text
/// permits (the last value tells), else with saphyr-parser.
fn parse_by(file: FileId, text: &str, limits: Limits, fast: bool) -> (Tree, Vec<Diagnostic>, bool) {
    let mut b = Builder::new(file, text, limits);
    if text.len() > limits.max_bytes {
        b.diags.push(
            Diagnostic::new(Code::FILE_TOO_LARGE, file, Span::new(0, 0), format!(
                "file is larger than {} bytes, the most paasc reads from a project file",
                limits.max_bytes
            ))
            .label("this file")
            .help("check that the right file is named; real charmcraft.yaml and rockcraft.yaml files are a few kilobytes"),
        );
        return (Tree::default(), b.diags, false);
    }
    if let Some((at, c)) = first_unprintable(text) {
        b.diags.push(
            Diagnostic::new(
                Code::YAML_SYNTAX,
                file,
                Span::new(at, at + c.len_utf8()),
                format!(
                    "unacceptable character #x{:04x}: special characters are not allowed",
                    u32::from(c)
                ),
            )
            .label("not a printable character")
            .help("PyYAML, which charmcraft and rockcraft use, refuses the whole file; remove the character, or write it as an escape in a double-quoted string (`\\x07`)"),
        );
        return (Tree::default(), b.diags, false);
    }
    let mut fast = Fast {
        b: Builder {
            measured: false,
            ..Builder::new(file, text, limits)
        },
        failed: !fast || !Fast::may_read(text),
        flow: 0,
    };
    if !fast.failed {
        // Reserved rather than grown (and copied) a dozen times over in a large file: about
        // two nodes a line (a key and its value) or one per ten bytes, whichever is more, up to
        // a million nodes (48 MiB of address space), which the 100,000-option charm of the
        // benchmarks needs: growing past 2^18 copied the array twice there. Room reserved but
        // not used costs no memory: its pages are never touched.
        let lines: usize = text
            .as_bytes()
            .chunks(CHUNK)
            .map(|c| usize::from(c.iter().fold(0, |n, &b| n + u8::from(b == b'\n'))))
            .sum();
        let nodes = (lines * 5 / 2).max(text.len() / 10).min(1 << 20);
        fast.b.tree.nodes.reserve(nodes);
    }
    let loaded = if fast.failed {
        crate::pyyaml::load(text, limits.max_depth, &mut ())
    } else {
        crate::pyyaml::load(text, limits.max_depth, &mut fast)
    };
    if let Some(e) = loaded.error {
        b.diags.push(refused(file, text, &e));
        return (Tree::default(), b.diags, false);
    }
    if loaded.complete && !fast.failed {
        return (fast.b.tree, fast.b.diags, true);
    }
    b.run();
    (b.tree, b.diags, false)
}

/// Builds the tree from the events of the PyYAML pass, which scans the text anyway, instead of
/// scanning it a second time with saphyr-parser. It gives up (and saphyr-parser builds the tree)
/// on anything whose tree or spans it does not know to be saphyr-parser's: see
/// [`crate::pyyaml::Loaded::complete`] and [`Fast::cook`].
struct Fast<'t> {
    b: Builder<'t>,
    failed: bool,
    /// How many flow collections the next event is in.
    flow: usize,
}

impl<'t> Fast<'t> {
    /// Whether the text holds none of the characters the two parsers read differently or this
    /// builder does not handle: tabs, carriage returns, byte order marks, YAML 1.1's other line
    /// breaks.
    fn may_read(text: &str) -> bool {
        let bytes = text.as_bytes();
        // A comment right after a quote or a bracket: saphyr-parser refuses it. (memchr jumps
        // to each `#`: scanning every byte of each chunk that held one, as a comment line's
        // chunk does, was 3% of `check` of an example with commented YAML.)
        let refused_comment = || {
            memchr::memchr_iter(b'#', bytes).any(|i| {
                i > 0
                    && matches!(
                        bytes[i - 1],
                        b'"' | b'\'' | b'[' | b']' | b'{' | b'}' | b','
                    )
            })
        };
        if memchr::memchr2(b'\t', b'\r', bytes).is_some() || refused_comment() {
            return false;
        }
        text.is_ascii()
            || !text
                .chars()
                .any(|c| matches!(c, '\u{feff}' | '\u{85}' | '\u{2028}' | '\u{2029}'))
    }

    /// The value and span of the scalar token at `start..end`, as saphyr-parser reads them, if
    /// it is one this builder reads: a plain scalar (on several lines only in block context), a
    /// quoted one on one line, a block scalar without indentation indicator or leading blank
    /// lines in a text that ends with a line break.
    fn scalar(&self, start: usize, end: usize, style: Style) -> Option<(CompactString, Span)> {
        let raw = self.b.text.get(start..end)?;
        let text = match style {
            Style::Plain if !raw.bytes().any(|b| b == b'\n') => CompactString::new(raw),
            Style::Plain if self.flow == 0 => fold_plain(raw).into(),
            Style::SingleQuoted | Style::DoubleQuoted if raw.contains('\n') => return None,
            Style::SingleQuoted => {
                let inner = unquote(raw, '\'')?;
                if inner.contains('\'') {
                    inner.replace("''", "'").into()
                } else {
                    CompactString::new(inner)
                }
            }
            Style::DoubleQuoted => unescape(unquote(raw, '"')?)?,
            Style::Literal | Style::Folded => return self.block_scalar(start, end, style),
            Style::Plain => return None,
        };
        let end = if style == Style::Plain {
            end
        } else {
            self.past_blanks(end)
        };
        Some((text, Span::new(start, end)))
    }

    /// A block scalar whose indicator is at `start` and which PyYAML ends at `end`, as
    /// saphyr-parser reads it: its value, and its span from its first content character to
    /// past the indentation of the line after it.
    fn block_scalar(
        &self,
        start: usize,
        end: usize,
        style: Style,
    ) -> Option<(CompactString, Span)> {
        let text = self.b.text;
        let bytes = text.as_bytes();
        if !text.ends_with('\n') {
            return None;
        }
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        if bytes[line_start..start].iter().all(|&b| b == b' ') {
            // An indicator that starts its line: saphyr-parser refuses some.
            return None;
        }
        let mut at = start + 1;
        let chomp = bytes.get(at).copied();
        if matches!(chomp, Some(b'+' | b'-')) {
            at += 1;
        }
        let header_end = at + text[at..].find('\n')?;
        let rest = text[at..header_end].trim_start_matches(' ');
        if !(rest.is_empty() || (rest.starts_with('#') && rest.len() < header_end - at)) {
            return None;
        }
        let first = header_end + 1;
        let indent = bytes[first..].iter().take_while(|&&b| b == b' ').count();
        if indent == 0
            || matches!(bytes.get(first + indent), None | Some(b'\n'))
            || end <= first + indent
        {
            return None;
        }
        let folded = style == Style::Folded;
        let mut out = String::new();
        let (mut leading_break, mut leading_blank, mut trailing) = (false, false, 0);
        let mut pos = first + indent;
        let content = pos;
        loop {
            let trailing_blank = bytes[pos] == b' ';
            if folded && leading_break && !leading_blank && !trailing_blank {
                if trailing == 0 {
                    out.push(' ');
                }
            } else if leading_break {
                out.push('\n');
            }
            out.extend(std::iter::repeat_n('\n', trailing));
            trailing = 0;
            leading_blank = trailing_blank;
            let eol = pos + text[pos..].find('\n')?;
            out.push_str(&text[pos..eol]);
            leading_break = true;
            pos = eol + 1;
            let col = loop {
                let col = bytes[pos..]
                    .iter()
                    .take(indent)
                    .take_while(|&&b| b == b' ')
                    .count();
                pos += col;
                if bytes.get(pos) != Some(&b'\n') {
                    break col;
                }
                trailing += 1;
                pos += 1;
            };
            if col != indent || pos == bytes.len() {
                break;
            }
        }
        if chomp != Some(b'-') && leading_break {
            out.push('\n');
        }
        if chomp == Some(b'+') {
            out.extend(std::iter::repeat_n('\n', trailing));
        }
        Some((out.into(), Span::new(content, pos)))
    }

    /// Past the spaces from `at`, and past the rest of the line if a comment follows them:
    /// where saphyr-parser ends a quoted scalar that ends at `at`, and starts a sequence whose
    /// `-` is before `at` and stands at its key's column.
    fn past_blanks(&self, mut at: usize) -> usize {
        let bytes = self.b.text.as_bytes();
        let from = at;
        while bytes.get(at) == Some(&b' ') {
            at += 1;
        }
        if at > from && bytes.get(at) == Some(&b'#') {
            while !matches!(bytes.get(at), None | Some(b'\n')) {
                at += 1;
            }
        }
        at
    }

    /// Counts a flow collection that starts at `start`.
    fn enter(&mut self, start: usize) {
        if matches!(self.b.text.as_bytes().get(start), Some(b'[' | b'{')) {
            self.flow += 1;
        }
    }

    fn take(&mut self, ev: Event<'_>) -> Result<(), ()> {
        match ev {
            Event::StreamEnd | Event::DocumentStart | Event::DocumentEnd => Ok(()),
            Event::Alias(..) | Event::Node(Some(_), ..) => Err(()),
            Event::Node(None, start, shape) => match shape {
                Shape::Scalar(end, style) => {
                    let (text, span) = self.scalar(start, end, style).ok_or(())?;
                    self.b.add_scalar(span, text, style, None, 0)
                }
                Shape::Empty(Some(at)) => self.b.add_scalar(
                    Span::point(at),
                    CompactString::const_new(""),
                    Style::Plain,
                    None,
                    0,
                ),
                Shape::Map => {
                    self.enter(start);
                    self.b.push(
                        Frame::Map {
                            start,
                            anchor: 0,
                            first: self.b.pending.len(),
                        },
                        Span::point(start),
                    )
                }
                Shape::Seq | Shape::IndentlessSeq => {
                    self.enter(start);
                    let start = if shape == Shape::Seq {
                        start
                    } else {
                        self.past_blanks(start + 1)
                    };
                    self.b.push(
                        Frame::Seq {
                            start,
                            anchor: 0,
                            first: self.b.pending.len(),
                        },
                        Span::point(start),
                    )
                }
                Shape::Empty(None) | Shape::PairMap => Err(()),
            },
            Event::CollectionEnd(closer) => {
                let end = match closer {
                    Some(at) => {
                        self.flow = self.flow.saturating_sub(1);
                        Span::new(at, at + 1)
                    }
                    None => Span::point(self.b.text.len()),
                };
                self.b.pop(end)
            }
        }
    }
}

/// What is between the quotes of a quoted scalar.
fn unquote(raw: &str, quote: char) -> Option<&str> {
    raw.strip_prefix(quote)?.strip_suffix(quote)
}

/// A multi-line plain scalar's value: its lines trimmed, one line break read as a space and
/// more as one fewer line breaks.
fn fold_plain(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut breaks = 0;
    for (i, line) in raw.split('\n').enumerate() {
        let line = line.trim_matches(' ');
        if line.is_empty() {
            breaks += 1;
            continue;
        }
        if i > 0 {
            match breaks {
                0 => out.push(' '),
                n => out.extend(std::iter::repeat_n('\n', n)),
            }
        }
        breaks = 0;
        out.push_str(line);
    }
    out
}

/// The value of a double-quoted scalar's one line of content (between the quotes), with its
/// escapes read as saphyr-parser reads them; `None` for an escape that is not a character.
fn unescape(inner: &str) -> Option<CompactString> {
    if !inner.contains('\\') {
        return Some(CompactString::new(inner));
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = chars.next()?;
        let code_length = match e {
            'x' => 2,
            'u' => 4,
            'U' => 8,
            _ => 0,
        };
        if code_length > 0 {
            let digits: String = chars.by_ref().take(code_length).collect();
            if digits.len() != code_length || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            out.push(char::from_u32(u32::from_str_radix(&digits, 16).ok()?)?);
            continue;
        }
        out.push(match e {
            '0' => '\0',
            'a' => '\x07',
            'b' => '\x08',
            't' => '\t',
            'n' => '\n',
            'v' => '\x0b',
            'f' => '\x0c',
            'r' => '\r',
            'e' => '\x1b',
            ' ' => ' ',
            '"' => '"',
            '/' => '/',
            '\\' => '\\',
            'N' => '\u{85}',
            '_' => '\u{a0}',
            'L' => '\u{2028}',
            'P' => '\u{2029}',
            _ => return None,
        });
    }
    Some(out.into())
}

impl<'a> Sink<'a> for Fast<'_> {
    fn event(&mut self, ev: Event<'a>) {
        if !self.failed && self.take(ev).is_err() {
            self.failed = true;
        }
    }
}

/// The span of the character at byte `at` of `text`; empty at the end and for a byte order mark,
/// which takes no column.
fn char_span(text: &str, at: usize) -> Span {
    let at = at.min(text.len());
    match text[at..].chars().next() {
        Some(c) if c != '\u{feff}' => Span::new(at, at + c.len_utf8()),
        _ => Span::point(at),
    }
}

/// Y001 for what PyYAML refuses, in its words: the problem where it found it, and what it was
/// reading since the context mark.
fn refused(file: FileId, text: &str, e: &crate::pyyaml::MarkedError) -> Diagnostic {
    // PyYAML's mark past a final line break is on a line of its own; the diagnostic points at
    // the end of the file's last line.
    let at_end = e.problem_mark.byte >= text.len() && text.ends_with(['\n', '\r']);
    let (span, label) = if at_end {
        let last = text.len() - if text.ends_with("\r\n") { 2 } else { 1 };
        (Span::point(last), "the file ends here")
    } else {
        (
            char_span(text, e.problem_mark.byte),
            "the parser stopped here",
        )
    };
    let at = |m: &crate::pyyaml::Mark| text.get(m.byte..).and_then(|t| t.chars().next());
    let help = syntax_help(
        &e.summary(),
        at(&e.problem_mark),
        e.context_mark.as_ref().and_then(at),
    );
    let mut d = Diagnostic::new(
        Code::YAML_SYNTAX,
        file,
        span,
        format!("YAML syntax error: {}", e.summary()),
    )
    .label(label)
    .help(help);
    if let (Some(context), Some(mark)) = (&e.context, &e.context_mark) {
        if mark.byte != e.problem_mark.byte {
            let what = context
                .strip_prefix("while parsing ")
                .or_else(|| context.strip_prefix("while scanning "))
                .map_or("first occurrence".to_string(), |w| {
                    format!("{w} starts here")
                });
            d = d.secondary(file, char_span(text, mark.byte), what);
        }
    }
    d
}

/// The first character a YAML stream may not hold, and its byte offset.
fn first_unprintable(text: &str) -> Option<(usize, char)> {
    // ASCII text (nearly every project file) is checked a byte at a time, without decoding.
    // (A chunk at a time: a whole chunk of printable characters is found without branches.)
    if text.is_ascii() {
        // (Comparisons only, so that a chunk's are done side by side.)
        let bad = |b: u8| {
            (u8::from(b < b' ')
                & u8::from(b != b'\t')
                & u8::from(b != b'\n')
                & u8::from(b != b'\r'))
                | u8::from(b == 0x7f)
        };
        let bytes = text.as_bytes();
        return first_flagged(bytes, bad).map(|i| (i, char::from(bytes[i])));
    }
    text.char_indices().find(|&(_, c)| !pyyaml_printable(c))
}

/// How many bytes the scans of the whole text look at together.
const CHUNK: usize = 32;

/// The offset of the first byte where `flag` is not 0. A whole chunk of unflagged bytes is
/// passed over without a branch.
fn first_flagged(bytes: &[u8], flag: impl Fn(u8) -> u8) -> Option<usize> {
    let chunks = bytes.chunks_exact(CHUNK);
    let mut at = 0;
    for chunk in chunks {
        if chunk.iter().fold(0, |any, &b| any | flag(b)) != 0 {
            break;
        }
        at += CHUNK;
    }
    (at..bytes.len()).find(|&i| flag(bytes[i]) != 0)
}

/// PyYAML's `Reader.NON_PRINTABLE` complement: what a YAML stream may hold.
fn pyyaml_printable(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        || c >= '\u{10000}'
}

/// An open collection; its children so far are [`Builder::pending`]'s from `first` on (for a
/// mapping, keys and values in turn).
enum Frame {
    Seq {
        start: usize,
        anchor: usize,
        first: usize,
    },
    Map {
        start: usize,
        anchor: usize,
        first: usize,
    },
}

struct Builder<'t> {
    file: FileId,
    text: &'t str,
    body_offset: usize,
    limits: Limits,
    tree: Tree,
    diags: Vec<Diagnostic>,
    stack: Vec<Frame>,
    /// The children of the open collections, innermost last.
    pending: Vec<NodeId>,
    anchors: HashMap<usize, NodeId>,
    /// Whether each node's expanded size and height are kept (in `weight` and `height`): only
    /// aliases read them, and the fast builder gives up on those.
    measured: bool,
    weight: Vec<u64>,
    height: Vec<u32>,
    expanded: u64,
    alias_limit_hit: bool,
    ambiguity_warnings: usize,
    checkpoints: Vec<u32>,
    cap: Cap,
}

const CHECKPOINT_EVERY: usize = 64;

/// Mappings with at most this many keys find duplicates by scanning, larger ones by hashing.
const SCAN_KEYS: usize = 16;

impl<'t> Builder<'t> {
    fn new(file: FileId, text: &'t str, limits: Limits) -> Self {
        Builder {
            file,
            text,
            body_offset: 0,
            limits,
            tree: Tree::default(),
            diags: Vec::new(),
            stack: Vec::new(),
            pending: Vec::new(),
            anchors: HashMap::new(),
            measured: true,
            weight: Vec::new(),
            height: Vec::new(),
            expanded: 0,
            alias_limit_hit: false,
            ambiguity_warnings: 0,
            checkpoints: Vec::new(),
            cap: Cap::default(),
        }
    }

    fn body(&self) -> &'t str {
        &self.text[self.body_offset..]
    }

    /// Byte offset in the whole text of a character index into the body.
    fn byte(&self, char_index: usize) -> usize {
        let body = self.body();
        if self.checkpoints.is_empty() {
            return self.body_offset + char_index.min(body.len());
        }
        let cp = (char_index / CHECKPOINT_EVERY).min(self.checkpoints.len() - 1);
        let mut byte = self.checkpoints[cp] as usize;
        let mut left = char_index - cp * CHECKPOINT_EVERY;
        let mut chars = body[byte..].chars();
        while left > 0 {
            match chars.next() {
                Some(c) => byte += c.len_utf8(),
                None => break,
            }
            left -= 1;
        }
        self.body_offset + byte
    }

    fn span(&self, s: saphyr_parser::Span) -> Span {
        Span::new(self.byte(s.start.index()), self.byte(s.end.index()))
    }

    fn run(&mut self) {
        if self.text.starts_with('\u{feff}') {
            self.body_offset = '\u{feff}'.len_utf8();
        }
        let body = self.body();
        if !body.is_ascii() {
            self.checkpoints = body
                .char_indices()
                .step_by(CHECKPOINT_EVERY)
                .map(|(i, _)| i as u32)
                .collect();
        }
        let parser = Parser::new_from_str(body).keep_tags(true);
        let mut documents = 0;
        for next in parser {
            let (event, span) = match next {
                Ok(ev) => ev,
                Err(e) => {
                    self.syntax_error(&e);
                    self.tree.root = None;
                    return;
                }
            };
            let sp = self.span(span);
            let outcome = match event {
                saphyr_parser::Event::DocumentStart(_) => {
                    documents += 1;
                    if documents > 1 {
                        self.diags.push(
                            Diagnostic::new(Code::MULTIPLE_DOCUMENTS, self.file, Span::new(sp.start as usize, sp.start as usize + 3), "the file holds more than one YAML document")
                                .label("a second document starts here")
                                .help("charmcraft and rockcraft read exactly one document; remove this `---` and what follows, or move it to its own file"),
                        );
                        return;
                    }
                    Ok(())
                }
                saphyr_parser::Event::Scalar(text, style, anchor, tag) => {
                    // The scanner reserves room to grow each scalar; a large file's tree
                    // would keep several times its text in unused capacity. (A copy, inline
                    // when short, is cheaper than shrinking in place, which splits the block.)
                    let text = CompactString::new(&*text);
                    self.scalar(sp, text, style, anchor, tag.as_deref())
                }
                saphyr_parser::Event::SequenceStart(anchor, tag) => {
                    self.check_collection_tag(sp, tag.as_deref(), &["seq", "set", "omap", "pairs"]);
                    self.push(
                        Frame::Seq {
                            start: sp.start as usize,
                            anchor,
                            first: self.pending.len(),
                        },
                        sp,
                    )
                }
                saphyr_parser::Event::MappingStart(anchor, tag) => {
                    self.check_collection_tag(sp, tag.as_deref(), &["map", "set", "omap"]);
                    self.push(
                        Frame::Map {
                            start: sp.start as usize,
                            anchor,
                            first: self.pending.len(),
                        },
                        sp,
                    )
                }
                saphyr_parser::Event::SequenceEnd | saphyr_parser::Event::MappingEnd => {
                    self.pop(sp)
                }
                saphyr_parser::Event::Alias(id) => self.alias(sp, id),
                saphyr_parser::Event::StreamStart
                | saphyr_parser::Event::StreamEnd
                | saphyr_parser::Event::DocumentEnd
                | saphyr_parser::Event::Nothing => Ok(()),
            };
            if outcome.is_err() {
                self.tree.root = None;
                return;
            }
        }
    }

    fn syntax_error(&mut self, e: &ScanError) {
        let mut at = self.byte(e.marker().index());
        if e.info().contains("recursion limit") {
            self.depth_error(Span::point(at));
            return;
        }
        if e.info().contains("tab") {
            let window: String = self.text[at..].chars().take(4096).collect();
            let limit = window
                .match_indices('\n')
                .nth(1)
                .map_or(window.len(), |(i, _)| i);
            if let Some(i) = window[..limit].find('\t') {
                at += i;
            }
        }
        let span = char_span(self.text, at);
        let help = syntax_help(e.info(), self.text[at..].chars().next(), None);
        self.diags.push(
            Diagnostic::new(
                Code::YAML_SYNTAX,
                self.file,
                span,
                format!("YAML syntax error: {}", e.info()),
            )
            .label("the parser stopped here")
            .help(help),
        );
    }

    fn check_collection_tag(&mut self, sp: Span, tag: Option<&Tag>, allowed: &[&str]) {
        if let Some(tag) = tag {
            if let Some(core) = core_suffix(tag) {
                if allowed.contains(&core) {
                    return;
                }
            }
            self.unsupported_tag(sp, tag);
        }
    }

    fn unsupported_tag(&mut self, sp: Span, tag: &Tag) {
        self.diags.push(
            Diagnostic::new(
                Code::UNSUPPORTED_TAG,
                self.file,
                Span::new(sp.start as usize, sp.start as usize),
                format!(
                    "the craft tools cannot construct a value tagged `{}`",
                    display_tag(tag)
                ),
            )
            .label("tagged here")
            .help("remove the tag; charmcraft and rockcraft only load the standard YAML tags"),
        );
    }

    fn add(&mut self, node: Node, weight: u64, height: u32) -> NodeId {
        let id = NodeId(self.tree.nodes.len() as u32);
        self.tree.nodes.push(node);
        if self.measured {
            self.weight.push(weight);
            self.height.push(height);
        }
        id
    }

    /// Whether the block scalar at `sp` takes in the last line of a file that has no final line
    /// break: saphyr then adds a line break PyYAML's clip and keep chomping do not. A last line
    /// of fewer spaces than the scalar's indentation is not part of it.
    fn ends_unterminated_block(&self, sp: Span) -> bool {
        let (start, end) = (sp.start as usize, sp.end as usize);
        if end != self.text.len() || self.text.ends_with(['\n', '\r']) {
            return false;
        }
        let line_start = |at: usize| self.text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let last = &self.text[line_start(end)..];
        let indent = start - line_start(start);
        !(last.bytes().all(|b| b == b' ') && last.len() < indent)
    }

    fn scalar(
        &mut self,
        sp: Span,
        text: CompactString,
        style: ScalarStyle,
        anchor: usize,
        tag: Option<&Tag>,
    ) -> Result<(), ()> {
        let mut text = text;
        if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded)
            && self.ends_unterminated_block(sp)
            && text.ends_with('\n')
        {
            text.pop();
        }
        let style = match style {
            ScalarStyle::Plain => Style::Plain,
            ScalarStyle::SingleQuoted => Style::SingleQuoted,
            ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
            ScalarStyle::Literal => Style::Literal,
            ScalarStyle::Folded => Style::Folded,
        };
        let mut core_tag = None;
        if let Some(tag) = tag {
            match core_suffix(tag).and_then(CoreTag::from_suffix) {
                Some(core) => core_tag = Some(core),
                None if tag.handle == "!" && tag.suffix.is_empty() => core_tag = Some(CoreTag::Str),
                None => self.unsupported_tag(sp, tag),
            }
        }
        self.add_scalar(sp, text, style, core_tag, anchor)
    }

    fn add_scalar(
        &mut self,
        sp: Span,
        text: CompactString,
        style: Style,
        core_tag: Option<CoreTag>,
        anchor: usize,
    ) -> Result<(), ()> {
        let scalar = Scalar::of(text, style, core_tag);
        if let Some(other) = scalar.yaml12_difference() {
            self.ambiguity(sp, &scalar, &other);
        }
        self.expanded += 1;
        let id = self.add(
            Node {
                kind: Kind::Scalar(scalar),
                span: sp,
            },
            1,
            0,
        );
        self.finish_node(id, anchor)
    }

    fn ambiguity(&mut self, sp: Span, scalar: &Scalar, other: &str) {
        if self.ambiguity_warnings >= self.limits.max_ambiguity_warnings {
            return;
        }
        self.ambiguity_warnings += 1;
        let reading = match scalar.value() {
            crate::Value::Int(i) => format!("the integer {i}"),
            crate::Value::Float(f) => format!("the float {}", crate::python_float_repr(f)),
            v => v.describe(),
        };
        let quoted = format!("'{}'", scalar.text);
        self.diags.push(
            Diagnostic::new(Code::YAML11_AMBIGUITY, self.file, sp, format!(
                "`{}` is {reading} to charmcraft and rockcraft (YAML 1.1), but {other} to YAML 1.2 tools",
                scalar.text
            ))
            .label(format!("read as {reading}"))
            .help(format!("quote it ({quoted}) if you mean the string; otherwise write a value both YAML versions read alike")),
        );
    }

    fn push(&mut self, frame: Frame, sp: Span) -> Result<(), ()> {
        if self.stack.len() >= self.limits.max_depth {
            self.depth_error(sp);
            return Err(());
        }
        self.stack.push(frame);
        Ok(())
    }

    fn depth_error(&mut self, sp: Span) {
        self.diags.push(
            Diagnostic::new(
                Code::NESTING_LIMIT,
                self.file,
                Span::new(sp.start as usize, sp.start as usize + 1),
                format!(
                    "the document is nested more than {} levels deep",
                    self.limits.max_depth
                ),
            )
            .label("this level is too deep")
            .help("no charmcraft.yaml or rockcraft.yaml needs this depth; flatten the structure"),
        );
    }

    fn pop(&mut self, end_sp: Span) -> Result<(), ()> {
        let Some(frame) = self.stack.pop() else {
            return Ok(());
        };
        match frame {
            Frame::Seq {
                start,
                anchor,
                first,
            } => {
                let items = self.pending.split_off(first.min(self.pending.len()));
                let end = self.collection_end(start, end_sp, items.last().copied());
                let (weight, height) = self.measure(&items);
                self.expanded += 1;
                let id = self.add(
                    Node {
                        kind: Kind::Seq(items),
                        span: Span::new(start, end),
                    },
                    weight,
                    height,
                );
                self.finish_node(id, anchor)
            }
            Frame::Map {
                start,
                anchor,
                first,
            } => {
                let mut pending = std::mem::take(&mut self.pending);
                let pairs = &pending[first.min(pending.len())..];
                let last = pairs
                    .len()
                    .checked_sub(1 + pairs.len() % 2)
                    .map(|i| pairs[i]);
                let end = self.collection_end(start, end_sp, last);
                let (weight, height) = self.measure(pairs);
                let entries = self.build_map(pairs);
                pending.truncate(first);
                self.pending = pending;
                self.expanded += 1;
                let id = self.add(
                    Node {
                        kind: Kind::Map(entries),
                        span: Span::new(start, end),
                    },
                    weight,
                    height,
                );
                self.finish_node(id, anchor)
            }
        }
    }

    /// Expanded size and height of a collection with these children.
    fn measure(&self, children: &[NodeId]) -> (u64, u32) {
        if !self.measured {
            return (0, 0);
        }
        children.iter().fold((1, 1), |(w, h), c| {
            let i = c.0 as usize;
            (w.saturating_add(self.weight[i]), h.max(1 + self.height[i]))
        })
    }

    fn collection_end(&self, start: usize, end_sp: Span, last: Option<NodeId>) -> usize {
        let closer = self.text.as_bytes().get(end_sp.start as usize);
        if matches!(closer, Some(b'}' | b']')) {
            // saphyr-parser's span of the bracket runs on over the blanks and a comment after
            // it on its line.
            end_sp.start as usize + 1
        } else {
            last.map_or(start, |l| self.tree.span(l).end as usize)
                .max(start)
        }
    }

    /// Reports duplicate keys, applies merge keys, and returns the entries PyYAML's dict holds.
    /// `pairs`: keys and values in turn.
    fn build_map(&mut self, pairs: &[NodeId]) -> Vec<Entry> {
        let has_merge = pairs
            .iter()
            .step_by(2)
            .any(|&k| self.tree.as_scalar(k).is_some_and(is_merge_key));
        if has_merge {
            return self.build_merged_map(pairs);
        }
        let keys = pairs.len().div_ceil(2);
        // Without merge keys, the entries are the pairs in order, a duplicate key updating the
        // first key's entry. One index from key text to entry serves both the duplicate report
        // and that update; small mappings (most of them) scan their entries instead of hashing.
        let tree = &self.tree;
        let mut out: Vec<Entry> = Vec::with_capacity(keys);
        let mut index: Option<HashMap<&str, usize>> =
            (keys > SCAN_KEYS).then(|| HashMap::with_capacity(keys));
        let mut dups = Vec::new();
        for pair in pairs.chunks_exact(2) {
            let (k, v) = (pair[0], pair[1]);
            let Some(text) = tree.as_scalar(k).map(|s| s.text.as_str()) else {
                out.push(Entry { key: k, value: v });
                continue;
            };
            let seen = match &index {
                Some(index) => index.get(text).copied(),
                None => out
                    .iter()
                    .position(|e| tree.as_scalar(e.key).is_some_and(|s| s.text == text)),
            };
            match seen {
                Some(i) => {
                    dups.push((k, out[i].key, text.to_string()));
                    out[i].value = v;
                }
                None => {
                    if let Some(index) = &mut index {
                        index.insert(text, out.len());
                    }
                    out.push(Entry { key: k, value: v });
                }
            }
        }
        for (dup, first, text) in dups {
            self.duplicate_key(dup, first, &text);
        }
        out
    }

    fn duplicate_key(&mut self, dup: NodeId, first: NodeId, text: &str) {
        let span = self.tree.span(dup);
        if !self
            .cap
            .admit(&mut self.diags, Code::DUPLICATE_KEY, self.file, span)
        {
            return;
        }
        let d = Diagnostic::new(
            Code::DUPLICATE_KEY,
            self.file,
            span,
            format!("key `{text}` is defined twice in this mapping"),
        )
        .label("defined again here")
        .secondary(self.file, self.tree.span(first), "first defined here")
        .help("the craft tools refuse duplicate keys; remove one entry or merge the two");
        self.diags.push(d);
    }

    /// [`Builder::build_map`] for a mapping with merge keys (`<<`).
    fn build_merged_map(&mut self, pairs: &[NodeId]) -> Vec<Entry> {
        let mut first_seen: HashMap<&str, NodeId> = HashMap::new();
        let mut dups = Vec::new();
        for &k in pairs.iter().step_by(2) {
            if let Some(s) = self.tree.as_scalar(k) {
                if is_merge_key(s) {
                    continue;
                }
                if let Some(&first) = first_seen.get(s.text.as_str()) {
                    dups.push((k, first, s.text.to_string()));
                } else {
                    first_seen.insert(s.text.as_str(), k);
                }
            }
        }
        for (dup, first, text) in dups {
            self.duplicate_key(dup, first, &text);
        }
        let mut merged: Vec<Entry> = Vec::new();
        let mut explicit: Vec<Entry> = Vec::new();
        for pair in pairs.chunks_exact(2) {
            let (k, v) = (pair[0], pair[1]);
            let is_merge = self.tree.as_scalar(k).is_some_and(is_merge_key);
            if !is_merge {
                explicit.push(Entry { key: k, value: v });
                continue;
            }
            match self.tree.kind(v).clone() {
                Kind::Map(e) => merged.extend(e),
                Kind::Seq(items) => {
                    let mut groups = Vec::new();
                    for item in items {
                        match self.tree.kind(item) {
                            Kind::Map(e) => groups.push(e.clone()),
                            _ => self.merge_error(item),
                        }
                    }
                    for g in groups.into_iter().rev() {
                        merged.extend(g);
                    }
                }
                _ => self.merge_error(v),
            }
        }
        let mut out: Vec<Entry> = Vec::with_capacity(merged.len() + explicit.len());
        let mut pos: HashMap<String, usize> = HashMap::new();
        for e in merged.into_iter().chain(explicit) {
            match self.tree.as_scalar(e.key).map(|s| s.text.to_string()) {
                Some(text) => match pos.get(&text) {
                    Some(&i) => out[i].value = e.value,
                    None => {
                        pos.insert(text, out.len());
                        out.push(e);
                    }
                },
                None => out.push(e),
            }
        }
        out
    }

    fn merge_error(&mut self, at: NodeId) {
        self.diags.push(
            Diagnostic::new(
                Code::YAML_SYNTAX,
                self.file,
                self.tree.span(at),
                format!(
                    "a merge key (`<<`) needs a mapping or a list of mappings, found {}",
                    self.tree.describe(at)
                ),
            )
            .label("cannot be merged")
            .help("point `<<` at an anchored mapping, e.g. `<<: *defaults`"),
        );
    }

    fn alias(&mut self, sp: Span, anchor: usize) -> Result<(), ()> {
        let Some(&target) = self.anchors.get(&anchor) else {
            self.diags.push(
                Diagnostic::new(
                    Code::YAML_SYNTAX,
                    self.file,
                    sp,
                    "alias to an unknown anchor",
                )
                .label("no anchor of this name comes before")
                .help("define the anchor (`&name`) before using the alias (`*name`)"),
            );
            return Err(());
        };
        if self.stack.len() + self.height[target.0 as usize] as usize > self.limits.max_depth {
            self.depth_error(sp);
            return Err(());
        }
        let w = self.weight[target.0 as usize];
        self.expanded = self.expanded.saturating_add(w);
        if self.expanded > self.limits.max_expanded_nodes {
            if !self.alias_limit_hit {
                self.alias_limit_hit = true;
                self.diags.push(
                    Diagnostic::new(Code::ALIAS_LIMIT, self.file, sp, format!(
                        "aliases expand this document past {} nodes",
                        self.limits.max_expanded_nodes
                    ))
                    .label("the limit is passed at this alias")
                    .help("nested aliases grow exponentially (a \"billion laughs\" document); write the content out or use fewer levels of aliases"),
                );
            }
            return Err(());
        }
        let h = self.height[target.0 as usize];
        let id = self.add(
            Node {
                kind: Kind::Alias(target),
                span: sp,
            },
            w,
            h,
        );
        self.finish_node(id, 0)
    }

    #[inline]
    fn finish_node(&mut self, id: NodeId, anchor: usize) -> Result<(), ()> {
        if anchor != 0 {
            self.anchors.insert(anchor, id);
        }
        match self.stack.last_mut() {
            None => self.tree.root = Some(id),
            Some(_) => self.pending.push(id),
        }
        Ok(())
    }
}

fn is_merge_key(s: &Scalar) -> bool {
    s.style == Style::Plain && s.core_tag.is_none() && s.text == "<<"
}

fn display_tag(tag: &Tag) -> String {
    match core_suffix(tag) {
        Some(suffix) => format!("!!{suffix}"),
        None => format!("{}{}", tag.handle, tag.suffix),
    }
}

fn core_suffix(tag: &Tag) -> Option<&str> {
    if tag.handle == "!!" || tag.handle == "tag:yaml.org,2002:" {
        Some(tag.suffix.as_str())
    } else {
        None
    }
}

/// Turns the scanner's terse messages into a sentence and a help line.
/// The help line of a YAML syntax error, from its message and the characters at the problem
/// and at the start of what was being read.
fn syntax_help(info: &str, at: Option<char>, context: Option<char>) -> String {
    let lower = info.to_ascii_lowercase();
    let has = |s: &str| lower.contains(s);
    let help = if at == Some('\u{feff}') || context == Some('\u{feff}') {
        "a byte order mark (U+FEFF) is allowed only as the first character of the file; PyYAML reads any other one as text: remove it"
    } else if has("unprintable") {
        "remove the control character; in a double-quoted string write it as an escape such as `\\x07`"
    } else if at == Some('\t') || has(" tab") || lower.starts_with("tab") {
        "YAML does not allow tabs for indentation; indent with spaces"
    } else if has("incompatible yaml document") || has("yaml directive") {
        "PyYAML reads YAML 1.x only: write `%YAML 1.1`, or remove the directive"
    } else if has("escape") {
        "in a double-quoted string a backslash starts an escape (`\\n`, `\\t`, `\\x41`); write `\\\\` for a backslash, or use single quotes"
    } else if has("undefined alias") {
        "define the anchor (`&name`) before using the alias (`*name`)"
    } else if has("duplicate anchor") {
        "give each anchor a name of its own: PyYAML refuses the same `&name` twice in a document"
    } else if has("tag handle") {
        "declare the handle with a `%TAG` directive, or use `!` or `!!`"
    } else if has("mapping values are not allowed") {
        "a `key: value` pair is indented differently from its siblings, or a plain value contains `: `; align the keys, or quote the value"
    } else if has("could not find expected ':'") {
        "this line stands where a key of the mapping above is expected, but has no `:`; indent it under its key, or add `: value`"
    } else if has("sequence entries are not allowed") {
        "a `- ` item is indented differently from its siblings, or follows a value on the same line"
    } else if has("did not find expected key")
        || has("block mapping")
        || has("block collection")
        || has("block end")
    {
        "check the indentation of this line against the keys above it"
    } else if has("quote") || has("quoted") {
        "a quoted string is not closed; add the closing quote"
    } else if has("flow sequence") || has("flow mapping") || has("']'") || has("'}'") {
        "a `[` or `{` is not closed, or an item in it is malformed; check the brackets"
    } else if has("end of stream") || has("unexpected eof") {
        "the file ends in the middle of a construct; close any open quote or bracket"
    } else {
        "charmcraft and rockcraft would stop at this point too; fix the YAML here or on the line above"
    };
    help.to_string()
}

#[cfg(test)]
mod differential;

#[cfg(test)]
mod tests {
    use super::*;

    /// (key, value) texts of the root mapping's entries.
    type Pairs = Vec<(String, String)>;

    #[test]
    fn the_fast_builder_leaves_out_tabs_returns_and_comments_after_quotes_or_brackets() {
        for ok in [
            "# top\na: 1 # c\n",
            "a: b#c\n",
            "#\n",
            "a: 'x' # c\n",
            "a: [1] #c\n",
        ] {
            assert!(Fast::may_read(ok), "{ok:?}");
        }
        for odd in [
            "a:\tb\n",
            "a: b\r\n",
            "a: \"x\"# c\n",
            "a: 'x'#c\n",
            "a: [1]#c\n",
            "a: {b: 1}#\n",
            "a: [1,#c\n 2]\n",
            "a: 1\n\u{feff}b: 2\n",
            "a: b\u{2028}\n",
        ] {
            assert!(!Fast::may_read(odd), "{odd:?}");
        }
    }

    /// The entries of the root mapping, and the duplicate-key reports as (again, first) byte
    /// offsets.
    fn entries(text: &str) -> (Pairs, Vec<(u32, u32)>) {
        let (tree, diags) = parse(FileId(0), text, Limits::default());
        let root = tree.root().expect("a document");
        let pairs = tree
            .as_map(root)
            .expect("a mapping")
            .iter()
            .map(|e| {
                let text = |id| tree.text(id).unwrap_or("?").to_string();
                (text(e.key), text(e.value))
            })
            .collect();
        let dups = diags
            .iter()
            .filter(|d| d.code == Code::DUPLICATE_KEY)
            .map(|d| (d.primary.span.start, d.labels[0].span.start))
            .collect();
        (pairs, dups)
    }

    /// Small mappings (scanned) and large ones (hashed) keep a duplicate key's first position
    /// with its last value, as PyYAML's dict does, and report every repetition.
    #[test]
    fn duplicate_keys_small_and_large() {
        for n in [3, SCAN_KEYS + 5] {
            let mut text: String = (0..n).map(|i| format!("k{i}: {i}\n")).collect();
            let again = text.len() as u32;
            text.push_str("k1: again\n'k2': quoted\n");
            let (pairs, dups) = entries(&text);
            assert_eq!(pairs.len(), n, "{text}");
            assert_eq!(pairs[1], ("k1".to_string(), "again".to_string()));
            assert_eq!(pairs[2], ("k2".to_string(), "quoted".to_string()));
            assert_eq!(pairs[n - 1].0, format!("k{}", n - 1));
            assert_eq!(dups, vec![(again, 6), (again + 10, 12)], "{text}");
        }
    }

    /// The chunked scans find every byte they look for, wherever it falls in a chunk.
    #[test]
    fn scans_find_bytes_at_any_offset() {
        for at in [0, 1, 30, 31, 32, 33, 63, 64, 65, 100] {
            for b in 0..=0x7f_u8 {
                let mut text = "a".repeat(at);
                text.push(char::from(b));
                text.push_str(&"b".repeat(40));
                let printable = matches!(b, b'\t' | b'\n' | b'\r' | b' '..=b'~');
                let want = (!printable).then_some((at, char::from(b)));
                assert_eq!(first_unprintable(&text), want, "{at} {b:#x}");
                let readable = !matches!(b, b'\t' | b'\r');
                assert_eq!(Fast::may_read(&text), readable, "{at} {b:#x}");
            }
            let quoted_comment = format!("{}'x'#c\n", "a".repeat(at));
            assert!(!Fast::may_read(&quoted_comment), "{at}");
        }
    }

    /// A block collection ends with its last child, a flow one at its bracket (even with
    /// blanks or a comment after it); a sequence whose `-` stand at their key's column starts
    /// at its first item.
    #[test]
    fn collection_spans() {
        let text = "a: 1\nb:\n- x\n- y\nc: {k: v}\nd:\n  - [1, 2]\ne: [x, y]  # c\nf: {k: v}  \n";
        for fast in [true, false] {
            let (tree, diags, _) = parse_by(FileId(0), text, Limits::default(), fast);
            assert!(diags.is_empty(), "{diags:?}");
            let root = tree.root().expect("a document");
            let span = |path: &[&str]| tree.span(tree.lookup(path).expect("an entry").value);
            assert_eq!(tree.span(root), Span::new(0, 64));
            assert_eq!(span(&["b"]), Span::new(10, 15));
            assert_eq!(span(&["c"]), Span::new(19, 25));
            assert_eq!(span(&["d"]), Span::new(31, 39));
            assert_eq!(span(&["e"]), Span::new(43, 49), "fast: {fast}");
            assert_eq!(span(&["f"]), Span::new(58, 64), "fast: {fast}");
        }
    }

    fn value(text: &str) -> crate::Yaml {
        let (tree, diags) = parse(FileId(0), text, Limits::default());
        assert!(diags.is_empty(), "{text:?}: {diags:?}");
        crate::Yaml::from_tree(&tree, tree.root().expect("a document"))
    }

    /// As PyYAML 6 loads them (`yaml.safe_load(text)["a"]`).
    #[test]
    fn block_scalars_at_the_end_of_a_file_without_a_line_break() {
        for (text, want) in [
            ("a: |\n  x\n  y", "x\ny"),
            ("a: |+\n  x\n  y", "x\ny"),
            ("a: |-\n  x\n  y", "x\ny"),
            ("a: >\n  x\n  y", "x y"),
            ("a: |\n  x\n  y\n", "x\ny\n"),
            ("a: |\n  x\n  y\n  ", "x\ny\n"),
            ("a: |+\n  x\n  y\n\n  ", "x\ny\n\n"),
            ("a: |\n  x\n  y\n ", "x\ny\n"),
            ("a: |\n\n    x\n  ", "\nx\n"),
            ("a: |\n  x\n  y  ", "x\ny  "),
            ("a: |\r\n  x\r\n  y", "x\ny"),
        ] {
            assert_eq!(
                value(text).get("a"),
                Some(&crate::Yaml::str(want)),
                "{text:?}"
            );
        }
    }

    #[test]
    fn what_pyyaml_refuses_is_y001_in_its_words() {
        let refused = |text: &str| {
            let (tree, diags) = parse(FileId(0), text, Limits::default());
            assert!(tree.root().is_none());
            let d = diags.into_iter().next().expect("a diagnostic");
            assert_eq!(d.code, Code::YAML_SYNTAX);
            d
        };
        let d = refused("%YAML 2.0\n---\nname: x\n");
        assert_eq!(
            d.message,
            "YAML syntax error: found incompatible YAML document (version 1.* is required)"
        );
        assert_eq!(d.primary.span, Span::new(0, 1));
        let d = refused("name: x\n\u{feff}");
        assert_eq!(
            d.message,
            "YAML syntax error: while scanning a simple key, could not find expected ':'"
        );
        assert!(d
            .help
            .as_deref()
            .unwrap_or_default()
            .contains("byte order mark"));
        assert_eq!(d.labels[0].span, Span::point(8));
        let d = refused("a: \"x\n");
        assert_eq!(d.primary.span, Span::point(5));
        assert_eq!(d.primary.message, "the file ends here");
    }
}
