//! The pass as it was before it was made faster, kept verbatim so that the differential tests
//! can hold the fast one to exactly the same results.

use super::{Mark, MarkedError};
use std::collections::{BTreeMap, HashMap, VecDeque};

/// The reference `check`.
pub fn check(text: &str, max_depth: usize) -> Option<MarkedError> {
    let mut p = Parser::new(text, max_depth);
    match p.run() {
        Ok(()) | Err(Stop::GiveUp) => None,
        Err(Stop::Error(e)) => Some(e),
    }
}

enum Stop {
    Error(MarkedError),
    GiveUp,
}

type R<T> = Result<T, Stop>;

fn error(context: Option<(&str, Mark)>, problem: String, problem_mark: Mark) -> Stop {
    Stop::Error(MarkedError {
        context: context.map(|(c, _)| c.to_string()),
        context_mark: context.map(|(_, m)| m),
        problem,
        problem_mark,
    })
}

/// The one error PyYAML raises with a context but no context mark.
fn no_token(ch: char, problem_mark: Mark) -> Stop {
    Stop::Error(MarkedError {
        context: Some("while scanning for the next token".into()),
        context_mark: None,
        problem: format!(
            "found character {} that cannot start any token",
            repr_char(ch)
        ),
        problem_mark,
    })
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

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    StreamStart,
    StreamEnd,
    Directive(Directive),
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
    Alias(String),
    Anchor(String),
    Tag(Option<String>),
    Scalar,
}

#[derive(Clone, Debug, PartialEq)]
enum Directive {
    /// `%YAML major.minor`; the major version as written (it may not fit an integer).
    Yaml(String),
    /// `%TAG handle prefix`.
    Tag(String),
    Other,
}

impl Tok {
    /// PyYAML's `Token.id`.
    fn id(&self) -> &'static str {
        match self {
            Tok::StreamStart => "<stream start>",
            Tok::StreamEnd => "<stream end>",
            Tok::Directive(_) => "<directive>",
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
            Tok::Alias(_) => "<alias>",
            Tok::Anchor(_) => "<anchor>",
            Tok::Tag(_) => "<tag>",
            Tok::Scalar => "<scalar>",
        }
    }
}

#[derive(Clone, Debug)]
struct Token {
    kind: Tok,
    start: Mark,
}

#[derive(Clone, Copy, Debug)]
struct SimpleKey {
    token_number: usize,
    required: bool,
    index: usize,
    line: usize,
    column: usize,
    mark: Mark,
}

struct Scanner {
    max_depth: usize,
    chars: Vec<char>,
    at: Mark,
    done: bool,
    flow_level: usize,
    tokens: VecDeque<Token>,
    tokens_taken: usize,
    indent: isize,
    indents: Vec<isize>,
    allow_simple_key: bool,
    possible_simple_keys: BTreeMap<usize, SimpleKey>,
    /// After a staleness check: the line all remaining keys are on and the oldest one's index,
    /// so that the next check can tell in constant time that none has gone stale.
    fresh_keys: Option<(usize, usize)>,
}

impl Scanner {
    fn new(text: &str, max_depth: usize) -> Scanner {
        let mut s = Scanner {
            max_depth,
            chars: text.chars().collect(),
            at: Mark {
                index: 0,
                line: 0,
                column: 0,
                byte: 0,
            },
            done: false,
            flow_level: 0,
            tokens: VecDeque::new(),
            tokens_taken: 0,
            indent: -1,
            indents: Vec::new(),
            allow_simple_key: true,
            possible_simple_keys: BTreeMap::new(),
            fresh_keys: None,
        };
        let mark = s.at;
        s.tokens.push_back(Token {
            kind: Tok::StreamStart,
            start: mark,
        });
        s
    }

    fn peek(&self, k: usize) -> char {
        self.chars.get(self.at.index + k).copied().unwrap_or('\0')
    }

    fn prefix_is(&self, s: &str) -> bool {
        s.chars().enumerate().all(|(i, c)| self.peek(i) == c)
    }

    fn forward(&mut self, n: usize) {
        for _ in 0..n {
            let Some(&c) = self.chars.get(self.at.index) else {
                return;
            };
            self.at.index += 1;
            self.at.byte += c.len_utf8();
            if matches!(c, '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
                || (c == '\r' && self.peek(0) != '\n')
            {
                self.at.line += 1;
                self.at.column = 0;
            } else if c != '\u{feff}' {
                self.at.column += 1;
            }
        }
    }

    fn mark(&self) -> Mark {
        self.at
    }

    fn push(&mut self, kind: Tok, start: Mark) {
        self.tokens.push_back(Token { kind, start });
    }

    fn need_more_tokens(&mut self) -> R<bool> {
        if self.done {
            return Ok(false);
        }
        if self.tokens.is_empty() {
            return Ok(true);
        }
        self.stale_possible_simple_keys()?;
        Ok(self.next_possible_simple_key() == Some(self.tokens_taken))
    }

    fn fill(&mut self) -> R<()> {
        while self.need_more_tokens()? {
            self.fetch_more_tokens()?;
        }
        Ok(())
    }

    fn peek_token(&mut self) -> R<&Token> {
        self.fill()?;
        let mark = self.mark();
        self.tokens
            .front()
            .ok_or_else(|| error(None, "unexpected end of the token stream".into(), mark))
    }

    fn get_token(&mut self) -> R<Token> {
        self.fill()?;
        let mark = self.mark();
        let t = self
            .tokens
            .pop_front()
            .ok_or_else(|| error(None, "unexpected end of the token stream".into(), mark))?;
        self.tokens_taken += 1;
        Ok(t)
    }

    fn fetch_more_tokens(&mut self) -> R<()> {
        self.scan_to_next_token();
        self.stale_possible_simple_keys()?;
        self.unwind_indent(self.at.column as isize);
        let ch = self.peek(0);
        match ch {
            '\0' => return self.fetch_stream_end(),
            '%' if self.at.column == 0 => return self.fetch_directive(),
            '-' if self.check_document_indicator("---") => {
                return self.fetch_document_indicator(Tok::DocumentStart)
            }
            '.' if self.check_document_indicator("...") => {
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

    fn next_possible_simple_key(&self) -> Option<usize> {
        self.possible_simple_keys
            .values()
            .map(|k| k.token_number)
            .min()
    }

    fn stale_possible_simple_keys(&mut self) -> R<()> {
        let (line, index) = (self.at.line, self.at.index);
        if let Some((fresh_line, oldest)) = self.fresh_keys {
            if fresh_line == line && index - oldest <= 1024 {
                return Ok(());
            }
        }
        let mut stale = Vec::new();
        for (&level, key) in &self.possible_simple_keys {
            if key.line != line || index - key.index > 1024 {
                if key.required {
                    return Err(error(
                        Some(("while scanning a simple key", key.mark)),
                        "could not find expected ':'".into(),
                        self.mark(),
                    ));
                }
                stale.push(level);
            }
        }
        for level in stale {
            self.possible_simple_keys.remove(&level);
        }
        self.fresh_keys = self
            .possible_simple_keys
            .values()
            .map(|k| k.index)
            .min()
            .map(|oldest| (line, oldest));
        Ok(())
    }

    fn save_possible_simple_key(&mut self) -> R<()> {
        let required = self.flow_level == 0 && self.indent == self.at.column as isize;
        if self.allow_simple_key {
            self.remove_possible_simple_key()?;
            let key = SimpleKey {
                token_number: self.tokens_taken + self.tokens.len(),
                required,
                index: self.at.index,
                line: self.at.line,
                column: self.at.column,
                mark: self.mark(),
            };
            self.possible_simple_keys.insert(self.flow_level, key);
            self.fresh_keys = match self.fresh_keys {
                Some((line, oldest)) if line == key.line => Some((line, oldest.min(key.index))),
                _ => None,
            };
        }
        Ok(())
    }

    fn remove_possible_simple_key(&mut self) -> R<()> {
        if let Some(key) = self.possible_simple_keys.remove(&self.flow_level) {
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

    fn unwind_indent(&mut self, column: isize) {
        if self.flow_level > 0 {
            return;
        }
        while self.indent > column {
            let mark = self.mark();
            self.indent = self.indents.pop().unwrap_or(-1);
            self.tokens.push_back(Token {
                kind: Tok::BlockEnd,
                start: mark,
            });
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

    /// A one-character indicator token.
    fn indicator(&mut self, kind: Tok) {
        let start = self.mark();
        self.forward(1);
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

    fn fetch_stream_end(&mut self) -> R<()> {
        self.unwind_indent(-1);
        self.remove_possible_simple_key()?;
        self.allow_simple_key = false;
        self.possible_simple_keys.clear();
        let mark = self.mark();
        self.push(Tok::StreamEnd, mark);
        self.done = true;
        Ok(())
    }

    fn fetch_directive(&mut self) -> R<()> {
        self.unwind_indent(-1);
        self.remove_possible_simple_key()?;
        self.allow_simple_key = false;
        let token = self.scan_directive()?;
        self.tokens.push_back(token);
        Ok(())
    }

    fn check_document_indicator(&self, indicator: &str) -> bool {
        self.at.column == 0 && self.prefix_is(indicator) && is_blank_or_end(self.peek(3))
    }

    fn fetch_document_indicator(&mut self, kind: Tok) -> R<()> {
        self.unwind_indent(-1);
        self.remove_possible_simple_key()?;
        self.allow_simple_key = false;
        let start = self.mark();
        self.forward(3);
        self.push(kind, start);
        Ok(())
    }

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
        if let Some(key) = self.possible_simple_keys.remove(&self.flow_level) {
            let at = key
                .token_number
                .saturating_sub(self.tokens_taken)
                .min(self.tokens.len());
            self.tokens.insert(
                at,
                Token {
                    kind: Tok::Key,
                    start: key.mark,
                },
            );
            if self.flow_level == 0 && self.add_indent(key.column) {
                self.tokens.insert(
                    at,
                    Token {
                        kind: Tok::BlockMappingStart,
                        start: key.mark,
                    },
                );
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

    fn fetch_anchor(&mut self, alias: bool) -> R<()> {
        self.save_possible_simple_key()?;
        self.allow_simple_key = false;
        let token = self.scan_anchor(alias)?;
        self.tokens.push_back(token);
        Ok(())
    }

    fn fetch_tag(&mut self) -> R<()> {
        self.save_possible_simple_key()?;
        self.allow_simple_key = false;
        let token = self.scan_tag()?;
        self.tokens.push_back(token);
        Ok(())
    }

    fn fetch_block_scalar(&mut self) -> R<()> {
        self.allow_simple_key = true;
        self.remove_possible_simple_key()?;
        let token = self.scan_block_scalar()?;
        self.tokens.push_back(token);
        Ok(())
    }

    fn fetch_flow_scalar(&mut self, double: bool) -> R<()> {
        self.save_possible_simple_key()?;
        self.allow_simple_key = false;
        let token = self.scan_flow_scalar(double)?;
        self.tokens.push_back(token);
        Ok(())
    }

    fn fetch_plain(&mut self) -> R<()> {
        self.save_possible_simple_key()?;
        self.allow_simple_key = false;
        let token = self.scan_plain();
        self.tokens.push_back(token);
        Ok(())
    }

    fn check_plain(&self) -> bool {
        let ch = self.peek(0);
        !(is_blank_or_end(ch) || "-?:,[]{}#&*!|>'\"%@`".contains(ch))
            || (!is_blank_or_end(self.peek(1))
                && (ch == '-' || (self.flow_level == 0 && matches!(ch, '?' | ':'))))
    }

    fn skip_comment(&mut self) {
        if self.peek(0) == '#' {
            while !is_break_or_end(self.peek(0)) {
                self.forward(1);
            }
        }
    }

    fn scan_to_next_token(&mut self) {
        if self.at.index == 0 && self.peek(0) == '\u{feff}' {
            self.forward(1);
        }
        loop {
            while self.peek(0) == ' ' {
                self.forward(1);
            }
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

    fn scan_directive(&mut self) -> R<Token> {
        let start = self.mark();
        self.forward(1);
        let name = self.scan_directive_name(start)?;
        let value = match name.as_str() {
            "YAML" => Directive::Yaml(self.scan_yaml_directive_value(start)?),
            "TAG" => Directive::Tag(self.scan_tag_directive_value(start)?),
            _ => Directive::Other,
        };
        if value == Directive::Other {
            while !is_break_or_end(self.peek(0)) {
                self.forward(1);
            }
        }
        self.scan_ignored_line("while scanning a directive", start)?;
        Ok(Token {
            kind: Tok::Directive(value),
            start,
        })
    }

    fn scan_directive_name(&mut self, start: Mark) -> R<String> {
        let mut length = 0;
        while is_word(self.peek(length)) {
            length += 1;
        }
        if length == 0 {
            let ch = self.peek(length);
            return Err(self.directive_error(
                start,
                format!(
                    "expected alphabetic or numeric character, but found {}",
                    repr_char(ch)
                ),
            ));
        }
        let value: String = (0..length).map(|i| self.peek(i)).collect();
        self.forward(length);
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

    fn scan_yaml_directive_value(&mut self, start: Mark) -> R<String> {
        while self.peek(0) == ' ' {
            self.forward(1);
        }
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

    fn scan_yaml_directive_number(&mut self, start: Mark) -> R<String> {
        let ch = self.peek(0);
        if !ch.is_ascii_digit() {
            return Err(self.directive_error(
                start,
                format!("expected a digit, but found {}", repr_char(ch)),
            ));
        }
        let mut length = 0;
        while self.peek(length).is_ascii_digit() {
            length += 1;
        }
        let value: String = (0..length).map(|i| self.peek(i)).collect();
        self.forward(length);
        Ok(value)
    }

    fn scan_tag_directive_value(&mut self, start: Mark) -> R<String> {
        while self.peek(0) == ' ' {
            self.forward(1);
        }
        let handle = self.scan_tag_handle("directive", start)?;
        if self.peek(0) != ' ' {
            return Err(self.directive_error(
                start,
                format!("expected ' ', but found {}", repr_char(self.peek(0))),
            ));
        }
        while self.peek(0) == ' ' {
            self.forward(1);
        }
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
        while self.peek(0) == ' ' {
            self.forward(1);
        }
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

    fn scan_anchor(&mut self, alias: bool) -> R<Token> {
        let start = self.mark();
        let context = if alias {
            "while scanning an alias"
        } else {
            "while scanning an anchor"
        };
        self.forward(1);
        let mut length = 0;
        while is_word(self.peek(length)) {
            length += 1;
        }
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
        if length == 0 {
            return Err(found(self, self.peek(0)));
        }
        let name: String = (0..length).map(|i| self.peek(i)).collect();
        self.forward(length);
        let ch = self.peek(0);
        if !(is_blank_or_end(ch) || "?:,]}%@`".contains(ch)) {
            return Err(found(self, ch));
        }
        let kind = if alias {
            Tok::Alias(name)
        } else {
            Tok::Anchor(name)
        };
        Ok(Token { kind, start })
    }

    fn scan_tag(&mut self) -> R<Token> {
        let start = self.mark();
        let mut ch = self.peek(1);
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
            let mut length = 1;
            let mut use_handle = false;
            while !is_space_or_end(ch) {
                if ch == '!' {
                    use_handle = true;
                    break;
                }
                length += 1;
                ch = self.peek(length);
            }
            let handle = if use_handle {
                self.scan_tag_handle("tag", start)?
            } else {
                self.forward(1);
                "!".to_string()
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
            kind: Tok::Tag(handle),
            start,
        })
    }

    fn block_scalar_error(&self, start: Mark, problem: String) -> Stop {
        error(
            Some(("while scanning a block scalar", start)),
            problem,
            self.mark(),
        )
    }

    fn scan_block_scalar(&mut self) -> R<Token> {
        let start = self.mark();
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
        while self.at.column == indent && self.peek(0) != '\0' {
            while !is_break_or_end(self.peek(0)) {
                self.forward(1);
            }
            self.scan_line_break();
            self.scan_block_scalar_breaks(indent);
        }
        Ok(Token {
            kind: Tok::Scalar,
            start,
        })
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
        while self.peek(0) == ' ' || is_break(self.peek(0)) {
            if self.peek(0) != ' ' {
                self.scan_line_break();
            } else {
                self.forward(1);
                max_indent = max_indent.max(self.at.column);
            }
        }
        max_indent
    }

    fn scan_block_scalar_breaks(&mut self, indent: usize) {
        while self.at.column < indent && self.peek(0) == ' ' {
            self.forward(1);
        }
        while is_break(self.peek(0)) {
            self.scan_line_break();
            while self.at.column < indent && self.peek(0) == ' ' {
                self.forward(1);
            }
        }
    }

    fn scan_flow_scalar(&mut self, double: bool) -> R<Token> {
        let start = self.mark();
        let quote = self.peek(0);
        self.forward(1);
        self.scan_flow_scalar_non_spaces(double, start)?;
        while self.peek(0) != quote {
            self.scan_flow_scalar_spaces(start)?;
            self.scan_flow_scalar_non_spaces(double, start)?;
        }
        self.forward(1);
        Ok(Token {
            kind: Tok::Scalar,
            start,
        })
    }

    fn scan_flow_scalar_non_spaces(&mut self, double: bool, start: Mark) -> R<()> {
        let context = "while scanning a double-quoted scalar";
        loop {
            while !(is_blank_or_end(self.peek(0)) || matches!(self.peek(0), '\'' | '"' | '\\')) {
                self.forward(1);
            }
            let ch = self.peek(0);
            if !double && ch == '\'' && self.peek(1) == '\'' {
                self.forward(2);
            } else if (double && ch == '\'') || (!double && (ch == '"' || ch == '\\')) {
                self.forward(1);
            } else if double && ch == '\\' {
                self.forward(1);
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
                        if !self.peek(k).is_ascii_hexdigit() {
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
                    let code: String = (0..length).map(|k| self.peek(k)).collect();
                    let value = u32::from_str_radix(&code, 16).unwrap_or(u32::MAX);
                    if value > 0x10FFFF {
                        // Python's chr() raises ValueError, which is not a YAMLError: the
                        // tools crash. Refuse it as PyYAML's scanner would have to.
                        return Err(error(
                            Some((context, start)),
                            format!("chr() arg not in range(0x110000): escape \\{ch}{code}"),
                            self.mark(),
                        ));
                    }
                    self.forward(length);
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
        while matches!(self.peek(0), ' ' | '\t') {
            self.forward(1);
        }
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
        (self.prefix_is("---") || self.prefix_is("...")) && is_blank_or_end(self.peek(3))
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
            while matches!(self.peek(0), ' ' | '\t') {
                self.forward(1);
            }
            if is_break(self.peek(0)) {
                self.scan_line_break();
            } else {
                return Ok(());
            }
        }
    }

    fn scan_plain(&mut self) -> Token {
        let start = self.mark();
        let indent = self.indent + 1;
        loop {
            if self.peek(0) == '#' {
                break;
            }
            let mut length = 0;
            loop {
                let ch = self.peek(length);
                let next = self.peek(length + 1);
                if is_blank_or_end(ch)
                    || (ch == ':'
                        && (is_blank_or_end(next)
                            || (self.flow_level > 0 && ",[]{}".contains(next))))
                    || (self.flow_level > 0 && ",?[]{}".contains(ch))
                {
                    break;
                }
                length += 1;
            }
            if length == 0 {
                break;
            }
            self.allow_simple_key = false;
            self.forward(length);
            let spaces = self.scan_plain_spaces();
            if !spaces
                || self.peek(0) == '#'
                || (self.flow_level == 0 && (self.at.column as isize) < indent)
            {
                break;
            }
        }
        Token {
            kind: Tok::Scalar,
            start,
        }
    }

    /// Whether spaces or line breaks follow (PyYAML's non-empty `chunks`).
    fn scan_plain_spaces(&mut self) -> bool {
        let mut length = 0;
        while self.peek(length) == ' ' {
            length += 1;
        }
        self.forward(length);
        if is_break(self.peek(0)) {
            self.scan_line_break();
            self.allow_simple_key = true;
            if self.at_document_separator() {
                return false;
            }
            while self.peek(0) == ' ' || is_break(self.peek(0)) {
                if self.peek(0) == ' ' {
                    self.forward(1);
                } else {
                    self.scan_line_break();
                    if self.at_document_separator() {
                        return false;
                    }
                }
            }
            return true;
        }
        length > 0
    }

    fn scan_tag_handle(&mut self, name: &str, start: Mark) -> R<String> {
        let context = format!("while scanning a {name}");
        let ch = self.peek(0);
        if ch != '!' {
            return Err(error(
                Some((&context, start)),
                format!("expected '!', but found {}", repr_char(ch)),
                self.mark(),
            ));
        }
        let mut length = 1;
        let mut ch = self.peek(length);
        if ch != ' ' {
            while is_word(ch) {
                length += 1;
                ch = self.peek(length);
            }
            if ch != '!' {
                self.forward(length);
                return Err(error(
                    Some((&context, start)),
                    format!("expected '!', but found {}", repr_char(ch)),
                    self.mark(),
                ));
            }
            length += 1;
        }
        let value: String = (0..length).map(|i| self.peek(i)).collect();
        self.forward(length);
        Ok(value)
    }

    fn scan_tag_uri(&mut self, name: &str, start: Mark) -> R<()> {
        let mut found = false;
        loop {
            let ch = self.peek(0);
            if ch == '%' {
                self.scan_uri_escapes(name, start)?;
                found = true;
            } else if ch.is_ascii_alphanumeric() || "-;/?:@&=+$,_.!~*'()[]".contains(ch) {
                self.forward(1);
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
        let context = format!("while scanning a {name}");
        let mark = self.mark();
        let mut bytes = Vec::new();
        while self.peek(0) == '%' {
            self.forward(1);
            for k in 0..2 {
                if !self.peek(k).is_ascii_hexdigit() {
                    return Err(error(
                        Some((&context, start)),
                        format!(
                            "expected URI escape sequence of 2 hexadecimal numbers, but found {}",
                            repr_char(self.peek(k))
                        ),
                        self.mark(),
                    ));
                }
            }
            let hex: String = (0..2).map(|k| self.peek(k)).collect();
            bytes.push(u8::from_str_radix(&hex, 16).unwrap_or(0));
            self.forward(2);
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
                Some((&context, start)),
                format!(
                    "'utf-8' codec can't decode byte 0x{:02x} {position}: {reason}",
                    bytes[at]
                ),
                mark,
            ));
        }
        Ok(())
    }

    fn scan_line_break(&mut self) -> Option<()> {
        let ch = self.peek(0);
        if ch == '\r' && self.peek(1) == '\n' {
            self.forward(2);
        } else if is_break(ch) {
            self.forward(1);
        } else {
            return None;
        }
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

#[derive(Clone, Debug, PartialEq)]
enum Event {
    StreamEnd,
    DocumentStart,
    DocumentEnd,
    Alias(String, Mark),
    /// A scalar, or the start of a collection (`true`), with its anchor and start mark.
    Node(Option<String>, Mark, bool),
    CollectionEnd,
}

struct Parser {
    scanner: Scanner,
    state: State,
    states: Vec<State>,
    marks: Vec<Mark>,
    tag_handles: HashMap<String, String>,
}

fn default_tags() -> HashMap<String, String> {
    HashMap::from([
        ("!".to_string(), "!".to_string()),
        ("!!".to_string(), "tag:yaml.org,2002:".to_string()),
    ])
}

impl Parser {
    fn new(text: &str, max_depth: usize) -> Parser {
        Parser {
            scanner: Scanner::new(text, max_depth),
            state: State::ImplicitDocumentStart,
            states: Vec::new(),
            marks: Vec::new(),
            tag_handles: HashMap::new(),
        }
    }

    /// The composer's `get_single_node`, keeping only what can fail.
    fn run(&mut self) -> R<()> {
        self.scanner.get_token()?;
        if self.next_event()? == Event::StreamEnd {
            return Ok(());
        }
        let mut anchors: HashMap<String, Mark> = HashMap::new();
        let mut depth = 0usize;
        loop {
            match self.next_event()? {
                Event::Alias(name, mark) => {
                    if !anchors.contains_key(&name) {
                        return Err(error(
                            None,
                            format!("found undefined alias {}", repr(&name)),
                            mark,
                        ));
                    }
                }
                Event::Node(anchor, mark, collection) => {
                    if let Some(name) = anchor {
                        if let Some(first) = anchors.get(&name) {
                            return Err(error(
                                Some((
                                    &format!(
                                        "found duplicate anchor {}; first occurrence",
                                        repr(&name)
                                    ),
                                    *first,
                                )),
                                "second occurrence".into(),
                                mark,
                            ));
                        }
                        anchors.insert(name, mark);
                    }
                    if collection {
                        depth += 1;
                        if depth > self.scanner.max_depth {
                            return Err(Stop::GiveUp);
                        }
                    }
                }
                Event::CollectionEnd => depth = depth.saturating_sub(1),
                Event::DocumentEnd | Event::StreamEnd => break,
                Event::DocumentStart => {}
            }
        }
        self.next_event()?;
        Ok(())
    }

    /// Whether the next token is of one of `kinds` (compared by kind, not value).
    fn check(&mut self, kinds: &[Tok]) -> R<bool> {
        let t = std::mem::discriminant(&self.scanner.peek_token()?.kind);
        Ok(kinds.iter().any(|k| std::mem::discriminant(k) == t))
    }

    /// After an entry's indicator (`-`, `?`, `:`): its node, or an empty scalar when one of
    /// `ends` follows; then `then`.
    fn entry(&mut self, ends: &[Tok], then: State, block: bool, indentless: bool) -> R<Event> {
        if !self.check(ends)? {
            self.states.push(then);
            return self.parse_node(block, indentless);
        }
        self.state = then;
        self.empty_scalar()
    }

    /// PyYAML's error for a token a collection cannot hold: `expected <what>, but <verb> ...`.
    fn unexpected(&mut self, context: &str, what: &str, verb: &str) -> Stop {
        match self.peek() {
            Ok(t) => error(
                Some((context, self.top_mark())),
                format!("expected {what}, but {verb} {}", repr(t.kind.id())),
                t.start,
            ),
            Err(e) => e,
        }
    }

    fn peek(&mut self) -> R<Token> {
        self.scanner.peek_token().cloned()
    }

    fn next_event(&mut self) -> R<Event> {
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
                Ok(Event::CollectionEnd)
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
                self.empty_scalar()
            }
            State::End => Ok(Event::StreamEnd),
        }
    }

    fn pop_state(&mut self) -> State {
        self.states.pop().unwrap_or(State::End)
    }

    fn empty_scalar(&mut self) -> R<Event> {
        let mark = self.scanner.mark();
        Ok(Event::Node(None, mark, false))
    }

    fn parse_implicit_document_start(&mut self) -> R<Event> {
        if !self.check(&[
            Tok::Directive(Directive::Other),
            Tok::DocumentStart,
            Tok::StreamEnd,
        ])? {
            self.tag_handles = default_tags();
            self.states.push(State::DocumentEnd);
            self.state = State::BlockNode;
            return Ok(Event::DocumentStart);
        }
        self.parse_document_start()
    }

    fn parse_document_start(&mut self) -> R<Event> {
        while self.check(&[Tok::DocumentEnd])? {
            self.scanner.get_token()?;
        }
        if self.check(&[Tok::StreamEnd])? {
            self.scanner.get_token()?;
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
                t.start,
            ));
        }
        self.scanner.get_token()?;
        self.states.push(State::DocumentEnd);
        self.state = State::DocumentContent;
        Ok(Event::DocumentStart)
    }

    fn parse_document_end(&mut self) -> R<Event> {
        if self.check(&[Tok::DocumentEnd])? {
            self.scanner.get_token()?;
        }
        self.state = State::DocumentStart;
        Ok(Event::DocumentEnd)
    }

    fn parse_document_content(&mut self) -> R<Event> {
        if self.check(&[
            Tok::Directive(Directive::Other),
            Tok::DocumentStart,
            Tok::DocumentEnd,
            Tok::StreamEnd,
        ])? {
            self.state = self.pop_state();
            return self.empty_scalar();
        }
        self.parse_node(true, false)
    }

    fn process_directives(&mut self) -> R<()> {
        let mut version_seen = false;
        self.tag_handles = HashMap::new();
        while self.check(&[Tok::Directive(Directive::Other)])? {
            let t = self.scanner.get_token()?;
            match t.kind {
                Tok::Directive(Directive::Yaml(major)) => {
                    if version_seen {
                        return Err(error(
                            None,
                            "found duplicate YAML directive".into(),
                            t.start,
                        ));
                    }
                    if major.trim_start_matches('0') != "1" {
                        return Err(error(
                            None,
                            "found incompatible YAML document (version 1.* is required)".into(),
                            t.start,
                        ));
                    }
                    version_seen = true;
                }
                Tok::Directive(Directive::Tag(handle)) => {
                    if self.tag_handles.contains_key(&handle) {
                        return Err(error(
                            None,
                            format!("duplicate tag handle {}", repr(&handle)),
                            t.start,
                        ));
                    }
                    self.tag_handles.insert(handle, String::new());
                }
                _ => {}
            }
        }
        for (k, v) in default_tags() {
            self.tag_handles.entry(k).or_insert(v);
        }
        Ok(())
    }

    fn parse_node(&mut self, block: bool, indentless_sequence: bool) -> R<Event> {
        if let Tok::Alias(name) = &self.peek()?.kind {
            let name = name.clone();
            let t = self.scanner.get_token()?;
            self.state = self.pop_state();
            return Ok(Event::Alias(name, t.start));
        }
        let mut anchor = None;
        let mut handle = None;
        let mut start = None;
        let mut tag_mark = None;
        let t = self.peek()?;
        match t.kind {
            Tok::Anchor(name) => {
                self.scanner.get_token()?;
                start = Some(t.start);
                anchor = Some(name);
                let t = self.peek()?;
                if let Tok::Tag(h) = t.kind {
                    self.scanner.get_token()?;
                    tag_mark = Some(t.start);
                    handle = Some(h);
                }
            }
            Tok::Tag(h) => {
                self.scanner.get_token()?;
                start = Some(t.start);
                tag_mark = Some(t.start);
                handle = Some(h);
                let t = self.peek()?;
                if let Tok::Anchor(name) = t.kind {
                    self.scanner.get_token()?;
                    anchor = Some(name);
                }
            }
            _ => {}
        }
        let tagged = handle.is_some();
        if let (Some(Some(h)), Some(start), Some(tag_mark)) = (&handle, start, tag_mark) {
            if !self.tag_handles.contains_key(h) {
                return Err(error(
                    Some(("while parsing a node", start)),
                    format!("found undefined tag handle {}", repr(h)),
                    tag_mark,
                ));
            }
        }
        let next = self.peek()?;
        let start = start.unwrap_or(next.start);
        if indentless_sequence && next.kind == Tok::BlockEntry {
            self.state = State::IndentlessSequenceEntry;
            return Ok(Event::Node(anchor, start, true));
        }
        match next.kind {
            Tok::Scalar => {
                self.scanner.get_token()?;
                self.state = self.pop_state();
                Ok(Event::Node(anchor, start, false))
            }
            Tok::FlowSequenceStart => {
                self.state = State::FlowSequenceFirstEntry;
                Ok(Event::Node(anchor, start, true))
            }
            Tok::FlowMappingStart => {
                self.state = State::FlowMappingFirstKey;
                Ok(Event::Node(anchor, start, true))
            }
            Tok::BlockSequenceStart if block => {
                self.state = State::BlockSequenceFirstEntry;
                Ok(Event::Node(anchor, start, true))
            }
            Tok::BlockMappingStart if block => {
                self.state = State::BlockMappingFirstKey;
                Ok(Event::Node(anchor, start, true))
            }
            _ if anchor.is_some() || tagged => {
                self.state = self.pop_state();
                Ok(Event::Node(anchor, start, false))
            }
            kind => Err(error(
                Some((
                    if block {
                        "while parsing a block node"
                    } else {
                        "while parsing a flow node"
                    },
                    start,
                )),
                format!("expected the node content, but found {}", repr(kind.id())),
                next.start,
            )),
        }
    }

    fn top_mark(&self) -> Mark {
        self.marks.last().copied().unwrap_or(self.scanner.at)
    }

    fn end_collection(&mut self) -> R<Event> {
        self.scanner.get_token()?;
        self.state = self.pop_state();
        self.marks.pop();
        Ok(Event::CollectionEnd)
    }

    fn parse_block_sequence_entry(&mut self) -> R<Event> {
        if self.check(&[Tok::BlockEntry])? {
            self.scanner.get_token()?;
            let ends = [Tok::BlockEntry, Tok::BlockEnd];
            return self.entry(&ends, State::BlockSequenceEntry, true, false);
        }
        if !self.check(&[Tok::BlockEnd])? {
            return Err(self.unexpected(
                "while parsing a block collection",
                "<block end>",
                "found",
            ));
        }
        self.end_collection()
    }

    fn parse_indentless_sequence_entry(&mut self) -> R<Event> {
        if self.check(&[Tok::BlockEntry])? {
            self.scanner.get_token()?;
            let ends = [Tok::BlockEntry, Tok::Key, Tok::Value, Tok::BlockEnd];
            return self.entry(&ends, State::IndentlessSequenceEntry, true, false);
        }
        self.state = self.pop_state();
        Ok(Event::CollectionEnd)
    }

    fn parse_block_mapping_key(&mut self) -> R<Event> {
        if self.check(&[Tok::Key])? {
            self.scanner.get_token()?;
            let ends = [Tok::Key, Tok::Value, Tok::BlockEnd];
            return self.entry(&ends, State::BlockMappingValue, true, true);
        }
        if !self.check(&[Tok::BlockEnd])? {
            return Err(self.unexpected("while parsing a block mapping", "<block end>", "found"));
        }
        self.end_collection()
    }

    fn parse_block_mapping_value(&mut self) -> R<Event> {
        if self.check(&[Tok::Value])? {
            self.scanner.get_token()?;
            let ends = [Tok::Key, Tok::Value, Tok::BlockEnd];
            return self.entry(&ends, State::BlockMappingKey, true, true);
        }
        self.state = State::BlockMappingKey;
        self.empty_scalar()
    }

    /// A flow collection's `,` between entries: required but before the first.
    fn flow_entry(&mut self, first: bool, context: &str, what: &str) -> R<()> {
        if first {
            return Ok(());
        }
        if !self.check(&[Tok::FlowEntry])? {
            return Err(self.unexpected(context, what, "got"));
        }
        self.scanner.get_token()?;
        Ok(())
    }

    fn parse_flow_sequence_entry(&mut self, first: bool) -> R<Event> {
        if !self.check(&[Tok::FlowSequenceEnd])? {
            self.flow_entry(first, "while parsing a flow sequence", "',' or ']'")?;
            if self.check(&[Tok::Key])? {
                let t = self.peek()?;
                self.state = State::FlowSequenceEntryMappingKey;
                return Ok(Event::Node(None, t.start, true));
            }
            if !self.check(&[Tok::FlowSequenceEnd])? {
                self.states.push(State::FlowSequenceEntry);
                return self.parse_node(false, false);
            }
        }
        self.end_collection()
    }

    fn parse_flow_sequence_entry_mapping_key(&mut self) -> R<Event> {
        self.scanner.get_token()?;
        let ends = [Tok::Value, Tok::FlowEntry, Tok::FlowSequenceEnd];
        self.entry(&ends, State::FlowSequenceEntryMappingValue, false, false)
    }

    fn parse_flow_sequence_entry_mapping_value(&mut self) -> R<Event> {
        if self.check(&[Tok::Value])? {
            self.scanner.get_token()?;
            let ends = [Tok::FlowEntry, Tok::FlowSequenceEnd];
            return self.entry(&ends, State::FlowSequenceEntryMappingEnd, false, false);
        }
        self.state = State::FlowSequenceEntryMappingEnd;
        self.empty_scalar()
    }

    fn parse_flow_mapping_key(&mut self, first: bool) -> R<Event> {
        if !self.check(&[Tok::FlowMappingEnd])? {
            self.flow_entry(first, "while parsing a flow mapping", "',' or '}'")?;
            if self.check(&[Tok::Key])? {
                self.scanner.get_token()?;
                let ends = [Tok::Value, Tok::FlowEntry, Tok::FlowMappingEnd];
                return self.entry(&ends, State::FlowMappingValue, false, false);
            }
            if !self.check(&[Tok::FlowMappingEnd])? {
                self.states.push(State::FlowMappingEmptyValue);
                return self.parse_node(false, false);
            }
        }
        self.end_collection()
    }

    fn parse_flow_mapping_value(&mut self) -> R<Event> {
        if self.check(&[Tok::Value])? {
            self.scanner.get_token()?;
            let ends = [Tok::FlowEntry, Tok::FlowMappingEnd];
            return self.entry(&ends, State::FlowMappingKey, false, false);
        }
        self.state = State::FlowMappingKey;
        self.empty_scalar()
    }
}
