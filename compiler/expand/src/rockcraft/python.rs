//! What rockcraft's Python helpers (`_python_utils.py`) see in a source file: `ast.parse` and a
//! walk over the module's top-level statements.
//!
//! The parser is ruff's; syntax errors are reported with CPython's wording where the cause is one
//! CPython's tokenizer names (`'(' was never closed`, `unmatched ')'`, ...), and as CPython's
//! generic `invalid syntax` otherwise.

use ruff_python_ast::token::TokenKind;
use ruff_python_ast::{Expr, PySourceType, Stmt};
use ruff_python_parser::{parse_unchecked_source, LexicalErrorType, ParseErrorType};
use ruff_text_size::Ranged;

/// The top-level names a module defines, as rockcraft looks for them.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Module {
    /// Names bound by a plain `name = ...` assignment or a `from x import name [as alias]`.
    pub variables: Vec<String>,
    /// Names of top-level (non-async) `def` statements.
    pub functions: Vec<String>,
}

/// A syntax error, worded as CPython's `SyntaxError.msg`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// CPython's message, e.g. `invalid syntax`.
    pub message: String,
    /// Byte range of the offending text.
    pub span: std::ops::Range<usize>,
}

/// Parses `source` like `ast.parse` and lists its top-level definitions.
pub fn scan(source: &str) -> Result<Module, SyntaxError> {
    let parsed = parse_unchecked_source(source, PySourceType::Python);
    if let Some(err) = cpython_error(source, &parsed) {
        return Err(err);
    }
    let mut module = Module::default();
    for stmt in parsed.suite() {
        match stmt {
            Stmt::Assign(assign) => {
                for target in &assign.targets {
                    if let Expr::Name(name) = target {
                        module.variables.push(name.id.to_string());
                    }
                }
            }
            Stmt::ImportFrom(import) => {
                for alias in &import.names {
                    let bound = alias.asname.as_ref().unwrap_or(&alias.name);
                    module.variables.push(bound.id.to_string());
                }
            }
            Stmt::FunctionDef(def) if !def.is_async => {
                module.functions.push(def.name.id.to_string())
            }
            _ => {}
        }
    }
    Ok(module)
}

fn closing_for(open: TokenKind) -> char {
    match open {
        TokenKind::Lpar => ')',
        TokenKind::Lsqb => ']',
        _ => '}',
    }
}

fn opening_char(open: TokenKind) -> char {
    match open {
        TokenKind::Lpar => '(',
        TokenKind::Lsqb => '[',
        _ => '{',
    }
}

/// The 1-based line of byte `offset`.
pub(crate) fn line_of(source: &str, offset: usize) -> usize {
    source[..offset.min(source.len())].matches('\n').count() + 1
}

fn cpython_error(
    source: &str,
    parsed: &ruff_python_parser::Parsed<ruff_python_ast::ModModule>,
) -> Option<SyntaxError> {
    let first = parsed.errors().iter().min_by_key(|e| e.location.start())?;
    let parse_at = usize::from(first.location.start());
    // CPython's tokenizer runs ahead of the parser: a bracket error before the parse error wins.
    // After a generic parse error CPython tokenizes the rest of the file, so a bracket error
    // there, or a bracket still open at the end and opened on an earlier line, wins too.
    let mut stack: Vec<(TokenKind, usize)> = Vec::new();
    let mut stack_at_error: Option<Vec<(TokenKind, usize)>> = None;
    let mut last_significant_end = 0usize;
    let mut late_bracket_error = None;
    for token in parsed.tokens() {
        let start = usize::from(token.start());
        let kind = token.kind();
        if start > parse_at && stack_at_error.is_none() {
            stack_at_error = Some(stack.clone());
        }
        if !matches!(
            kind,
            TokenKind::Newline
                | TokenKind::NonLogicalNewline
                | TokenKind::EndOfFile
                | TokenKind::Comment
                | TokenKind::Dedent
                | TokenKind::Indent
        ) {
            last_significant_end = last_significant_end.max(usize::from(token.end()));
        }
        if let Some(err) = bracket(source, &mut stack, kind, start) {
            if start <= parse_at {
                return Some(err);
            }
            late_bracket_error.get_or_insert(err);
        }
    }
    let before = stack_at_error.unwrap_or_else(|| stack.clone());
    let at_eof = parse_at >= last_significant_end;
    let span = parse_at..usize::from(first.location.end()).max(parse_at);
    let message = match &first.error {
        ParseErrorType::Lexical(LexicalErrorType::UnclosedStringError) => format!(
            "unterminated string literal (detected at line {})",
            line_of(source, parse_at)
        ),
        ParseErrorType::Lexical(LexicalErrorType::IndentationError) => {
            "unindent does not match any outer indentation level".to_string()
        }
        ParseErrorType::Lexical(LexicalErrorType::Eof) if !before.is_empty() => {
            return never_closed(before.last());
        }
        ParseErrorType::Lexical(LexicalErrorType::Eof) => {
            let line = line_of(source, source.len().saturating_sub(1));
            format!("unterminated triple-quoted string literal (detected at line {line})")
        }
        _ if at_eof && !before.is_empty() => return never_closed(before.last()),
        ParseErrorType::UnexpectedIndentation => "unexpected indent".to_string(),
        _ => {
            if let Some(err) = late_bracket_error {
                return Some(err);
            }
            if let Some(&(kind, at)) = stack.last() {
                if line_of(source, parse_at) > line_of(source, at) {
                    return never_closed(Some(&(kind, at)));
                }
            }
            "invalid syntax".to_string()
        }
    };
    Some(SyntaxError { message, span })
}

/// Tracks one token on the bracket stack, returning CPython's tokenizer error if it is one.
fn bracket(
    source: &str,
    stack: &mut Vec<(TokenKind, usize)>,
    kind: TokenKind,
    start: usize,
) -> Option<SyntaxError> {
    let close = match kind {
        TokenKind::Lpar | TokenKind::Lsqb | TokenKind::Lbrace => {
            stack.push((kind, start));
            return None;
        }
        TokenKind::Rpar => ')',
        TokenKind::Rsqb => ']',
        TokenKind::Rbrace => '}',
        _ => return None,
    };
    match stack.pop() {
        None => Some(SyntaxError {
            message: format!("unmatched '{close}'"),
            span: start..start + 1,
        }),
        Some((open, open_at)) if closing_for(open) != close => {
            let (open_line, close_line) = (line_of(source, open_at), line_of(source, start));
            let on_line = if open_line == close_line {
                String::new()
            } else {
                format!(" on line {open_line}")
            };
            Some(SyntaxError {
                message: format!(
                    "closing parenthesis '{close}' does not match opening parenthesis '{}'{on_line}",
                    opening_char(open)
                ),
                span: start..start + 1,
            })
        }
        Some(_) => None,
    }
}

fn never_closed(open: Option<&(TokenKind, usize)>) -> Option<SyntaxError> {
    let &(kind, at) = open?;
    Some(SyntaxError {
        message: format!("'{}' was never closed", opening_char(kind)),
        span: at..at + 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(src: &str) -> String {
        scan(src).err().map(|e| e.message).unwrap_or_default()
    }

    #[test]
    fn finds_top_level_names_only() {
        let m = scan(
            "from flask import Flask\nfrom x import y as app\napp2: int = 1\napplication = x = Flask()\na, b = 1, 2\nif True:\n    inner = 1\ndef create_app():\n    pass\nasync def make_app():\n    pass\n",
        )
        .expect("valid");
        assert_eq!(m.variables, ["Flask", "app", "application", "x"]);
        assert_eq!(m.functions, ["create_app"]);
    }

    #[test]
    fn cpython_messages() {
        assert_eq!(msg("def broken(:\n    pass\n"), "invalid syntax");
        assert_eq!(
            msg("from flask import Flask\napp = Flask(__name__\n"),
            "'(' was never closed"
        );
        assert_eq!(msg("x = 1)\n"), "unmatched ')'");
        assert_eq!(
            msg("x = [1, 2)\n"),
            "closing parenthesis ')' does not match opening parenthesis '['"
        );
        assert_eq!(
            msg("x = 'abc\n"),
            "unterminated string literal (detected at line 1)"
        );
        assert_eq!(msg("x = 1\n    y = 2\n"), "unexpected indent");
        assert_eq!(msg("app = Flask(__name__)\n"), "");
        assert_eq!(
            msg("from flask import Flask\n\napp = Flask(__name__\n\n\n@app.route(\"/\")\ndef index():\n    return \"x\"\n"),
            "'(' was never closed"
        );
        assert_eq!(msg("app = Flask(__name__\nx = 1\n"), "'(' was never closed");
    }

    #[test]
    fn never_closed_points_at_the_bracket() {
        let src = "app = Flask(__name__\n";
        let e = scan(src).expect_err("syntax error");
        assert_eq!(&src[e.span.clone()], "(");
    }
}
