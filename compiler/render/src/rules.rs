//! Rule control: which diagnostic codes a project reports. A project turns codes off in
//! `paasc.toml` (or `[tool.paasc]` in `pyproject.toml`), the command line with `--select` and
//! `--ignore`, and one line with a `# paasc: ignore[CODE]` comment. What is hidden is still
//! counted (the summary, JSON `suppressed`, SARIF `suppressions`); see README "Rule control".
//! Pure: the binary finds and reads the configuration file ([`Config`]).

use crate::Suppressed;
use foldhash::{HashMap, HashMapExt as _};
use paasc_diag::{Code, Diagnostic, FileId, SourceDb, Span};

paasc_diag::declare_code!(
    pub INVALID_CONFIG = "F004", "invalid-config", Error,
    "paasc.toml (or [tool.paasc] in pyproject.toml) is not valid.",
"paasc reads its rule selection from the nearest `paasc.toml`, or `pyproject.toml` with a
`[tool.paasc]` table, in the project directory or above it up to the repository root. That
file must be valid TOML and hold only `select` and `ignore`, each a list of strings.

Example:

    # paasc.toml
    ignore = \"C016\"
    exclude = [\"S001\"]

Fix: write lists of codes: `ignore = [\"C016\"]`; `select` and `ignore` are the only keys.");

paasc_diag::declare_code!(
    pub UNKNOWN_RULE = "F005", "unknown-rule", Warning,
    "A rule selection or an ignore comment names no diagnostic code.",
"`select` and `ignore` in paasc.toml and `# paasc: ignore[...]` comments take codes (`C016`),
their names (`unknown-key`), a code prefix (`S`, `C01`) or `ALL`. One that matches no code
selects or hides nothing, which is almost always a typo.

Example:

    services:
      web:  # paasc: ignore[C0166]

Fix: use a code from `paasc explain all`, or remove the entry.");

/// The codes this module reports.
pub const CODES: &[Code] = &[INVALID_CONFIG, UNKNOWN_RULE];

/// The codes `selector` stands for: `ALL`, a code or its name, or a code prefix; empty when
/// none.
pub fn matching(selector: &str, codes: &[Code]) -> Vec<Code> {
    let s = selector.trim();
    if s.eq_ignore_ascii_case("all") {
        return codes.to_vec();
    }
    if let Some(c) = Code::lookup_in(codes, s) {
        return vec![c];
    }
    let prefix = s.len() < 4
        && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().skip(1).all(|c| c.is_ascii_digit());
    if !prefix {
        return Vec::new();
    }
    codes
        .iter()
        .copied()
        .filter(|c| c.as_str()[..s.len()].eq_ignore_ascii_case(s))
        .collect()
}

/// A `select` or `ignore` entry and where it was written.
struct Entry {
    text: String,
    span: Option<std::ops::Range<usize>>,
}

/// The rule selection in force for a project.
#[derive(Default)]
struct Selection {
    /// Only these codes, when given.
    select: Option<Vec<Code>>,
    /// Never these.
    ignore: Vec<Code>,
    /// Where `select` came from, for the justification.
    select_from: String,
    /// Where each ignored code came from.
    ignore_from: Vec<String>,
}

impl Selection {
    /// Why `code` is hidden, or `None` when it is reported.
    fn hides(&self, code: Code) -> Option<String> {
        if let Some(i) = self.ignore.iter().position(|c| *c == code) {
            return Some(self.ignore_from[i].clone());
        }
        match &self.select {
            Some(only) if !only.contains(&code) => {
                Some(format!("not selected by {}", self.select_from))
            }
            _ => None,
        }
    }
}

/// The first selector of `--select` (`select`) or `--ignore` (`ignore`) that matches no code,
/// as a usage error.
pub fn validate(select: &[String], ignore: &[String], codes: &[Code]) -> Result<(), String> {
    let flags = [("--select", select), ("--ignore", ignore)];
    for (flag, list) in flags {
        if let Some(bad) = list.iter().find(|s| matching(s, codes).is_empty()) {
            return Err(format!(
                "error: `{flag} {bad}` names no diagnostic code; `paasc explain all` lists them\n"
            ));
        }
    }
    Ok(())
}

/// The configuration file in force: the nearest `paasc.toml`, or `pyproject.toml` with a
/// `[tool.paasc]` table.
#[derive(Clone)]
pub struct Config {
    /// Its path, as diagnostics show it.
    pub path: String,
    /// Its text.
    pub text: String,
    /// Whether it is a `pyproject.toml` (the table is then `[tool.paasc]`).
    pub pyproject: bool,
}

/// `--select` and `--ignore` as given.
#[derive(Clone, Copy, Default)]
pub struct Flags<'a> {
    /// `--select`.
    pub select: &'a [String],
    /// `--ignore`.
    pub ignore: &'a [String],
}

/// The `select` and `ignore` of a paasc.toml's table.
#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct Table {
    select: Option<Vec<toml::Spanned<String>>>,
    #[serde(default)]
    ignore: Vec<toml::Spanned<String>>,
}

#[derive(serde::Deserialize)]
struct PyProject {
    tool: Option<PyTool>,
}

#[derive(serde::Deserialize)]
struct PyTool {
    paasc: Option<Table>,
}

/// Reads the table of `text`; a TOML or shape error as a message and a span.
fn parse(text: &str, pyproject: bool) -> Result<Table, (String, Option<std::ops::Range<usize>>)> {
    let fail = |e: toml::de::Error| (e.message().trim().to_string(), e.span());
    if pyproject {
        let doc: PyProject = toml::from_str(text).map_err(fail)?;
        Ok(doc.tool.and_then(|t| t.paasc).unwrap_or_default())
    } else {
        toml::from_str(text).map_err(fail)
    }
}

/// The rule selection of the configuration and the command line, with the configuration's
/// diagnostics (its file added to `db`).
fn selection(
    config: Option<Config>,
    args: Flags,
    codes: fn() -> &'static [Code],
    db: &mut SourceDb,
    diags: &mut Vec<Diagnostic>,
) -> Selection {
    let mut sel = Selection::default();
    let mut select: Option<Vec<Entry>> = None;
    let mut ignore: Vec<(Entry, String)> = Vec::new();
    let mut file = None;
    if let Some(Config {
        path,
        text,
        pyproject,
    }) = config
    {
        let id = db.add(path, text.as_str());
        let short = if pyproject {
            "[tool.paasc] in pyproject.toml"
        } else {
            "paasc.toml"
        };
        match parse(&text, pyproject) {
            Ok(table) => {
                let entry = |s: toml::Spanned<String>| Entry {
                    span: Some(s.span()),
                    text: s.into_inner(),
                };
                select = table.select.map(|l| l.into_iter().map(entry).collect());
                ignore = table
                    .ignore
                    .into_iter()
                    .map(|s| (entry(s), format!("ignore in {short}")))
                    .collect();
                sel.select_from = format!("select in {short}");
            }
            Err((message, span)) => {
                let span = span.map_or(Span::point(0), |r| Span::new(r.start, r.end));
                diags.push(
                    Diagnostic::new(INVALID_CONFIG, id, span, format!("{short}: {message}"))
                        .label("here")
                        .help("`select` and `ignore` are lists of codes, e.g. `ignore = [\"C016\"]`; no rule is turned off until the file is valid"),
                );
            }
        }
        file = Some(id);
    }
    if !args.select.is_empty() {
        let flag = |t: &String| Entry {
            text: t.clone(),
            span: None,
        };
        select = Some(args.select.iter().map(flag).collect());
        sel.select_from = "--select".to_string();
    }
    ignore.extend(args.ignore.iter().map(|t| {
        (
            Entry {
                text: t.clone(),
                span: None,
            },
            "--ignore".to_string(),
        )
    }));
    let mut resolve = |e: &Entry| {
        let found = matching(&e.text, codes());
        if found.is_empty() {
            if let (Some(id), Some(r)) = (file, &e.span) {
                diags.push(unknown(id, Span::new(r.start, r.end), &e.text));
            }
        }
        found
    };
    if let Some(entries) = select {
        sel.select = Some(entries.iter().flat_map(&mut resolve).collect());
    }
    for (e, from) in &ignore {
        for c in resolve(e) {
            sel.ignore.push(c);
            sel.ignore_from.push(from.clone());
        }
    }
    sel
}

fn unknown(file: FileId, span: Span, text: &str) -> Diagnostic {
    Diagnostic::new(
        UNKNOWN_RULE,
        file,
        span,
        format!("`{text}` names no diagnostic code"),
    )
    .label("no such code")
    .help("use a code (`C016`), its name (`unknown-key`), a prefix (`S`) or `ALL`; `paasc explain all` lists them")
}

/// An ignore comment: the codes it names and the line it covers.
struct Directive {
    /// The 0-based line of the comment.
    line: u32,
    /// Whether the comment is alone on its line (it then covers the next line too).
    own_line: bool,
    /// The codes.
    codes: Vec<Code>,
    /// The comment's text, for the justification.
    text: String,
}

/// The `# paasc: ignore[A, B]` comments of `text`, and a diagnostic for each entry that names
/// no code.
fn directives(
    file: FileId,
    text: &str,
    codes: &[Code],
    diags: &mut Vec<Diagnostic>,
) -> Vec<Directive> {
    const MARK: &str = "paasc: ignore[";
    let mut out = Vec::new();
    let mut start = 0usize;
    for (line, l) in text.split_inclusive('\n').enumerate() {
        let base = start;
        start += l.len();
        let Some(hash) = l.find('#') else { continue };
        let after = l[hash + 1..].trim_start();
        if !after.starts_with(MARK) {
            continue;
        }
        let open = l.len() - after.len() + MARK.len();
        let Some(close) = l[open..].find(']').map(|c| c + open) else {
            continue;
        };
        let mut found = Vec::new();
        let mut at = open;
        for part in l[open..close].split(',') {
            let word = part.trim();
            let offset = at + (part.len() - part.trim_start().len());
            at += part.len() + 1;
            if word.is_empty() {
                continue;
            }
            let matched = matching(word, codes);
            if matched.is_empty() {
                let span = Span::new(base + offset, base + offset + word.len());
                diags.push(unknown(file, span, word));
            }
            found.extend(matched);
        }
        out.push(Directive {
            line: u32::try_from(line).unwrap_or(u32::MAX),
            own_line: l[..hash].trim().is_empty(),
            codes: found,
            text: format!("# {}", l[open - MARK.len()..=close].trim()),
        });
    }
    out
}

/// Applies rule control (the project's configuration `config` and the command line's `args`)
/// to the diagnostics of a project: returns those to report, sorted, and those hidden.
/// Diagnostics about the selection itself (`F004`, `F005`) are added and never hidden.
/// `codes` gives every code; it is asked only when a selector or an ignore comment names some
/// (making the list sorts it: a twentieth of a check's start-up).
pub fn apply(
    config: Option<Config>,
    args: Flags,
    codes: fn() -> &'static [Code],
    db: &mut SourceDb,
    mut diags: Vec<Diagnostic>,
) -> (Vec<Diagnostic>, Vec<Suppressed>) {
    let sel = selection(config, args, codes, db, &mut diags);
    let mut by_file: HashMap<FileId, Vec<Directive>> = HashMap::new();
    for (id, file) in db.iter() {
        if file.text.contains("paasc: ignore[") {
            by_file.insert(id, directives(id, &file.text, codes(), &mut diags));
        }
    }
    paasc_diag::sort(&mut diags);
    let mut kept = Vec::new();
    let mut hidden = Vec::new();
    for d in diags {
        let line = db.get(d.primary.file).position(d.primary.span.start).line0;
        let comment = by_file.get(&d.primary.file).and_then(|ds| {
            ds.iter().find(|x| {
                (x.line == line || (x.own_line && x.line + 1 == line)) && x.codes.contains(&d.code)
            })
        });
        // What is wrong with the selection itself is never hidden by it.
        let own = CODES.contains(&d.code);
        let why = match comment {
            Some(c) if !own => Some((true, c.text.clone())),
            _ if own => None,
            _ => sel.hides(d.code).map(|j| (false, j)),
        };
        match why {
            Some((in_source, justification)) => hidden.push(Suppressed {
                diagnostic: d,
                in_source,
                justification,
            }),
            None => kept.push(d),
        }
    }
    (kept, hidden)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes() -> Vec<Code> {
        paasc_diag::ALL_CODES.iter().chain(CODES).copied().collect()
    }

    #[test]
    fn selectors_take_codes_names_prefixes_and_all() {
        let all = codes();
        assert_eq!(matching("s001", &all), vec![Code::UNKNOWN_KEY]);
        assert_eq!(matching("unknown-key", &all), vec![Code::UNKNOWN_KEY]);
        assert!(matching("S", &all)
            .iter()
            .all(|c| c.as_str().starts_with('S')));
        assert!(matching("S", &all).len() > 1);
        assert_eq!(matching("ALL", &all).len(), all.len());
        assert!(matching("S9", &all).is_empty());
        assert!(matching("nope", &all).is_empty());
        assert!(matching("", &all).is_empty());
    }

    #[test]
    fn comments_name_codes_and_their_lines() {
        let all = codes();
        let text = "a: 1  # paasc: ignore[S001, unknown-key]\n  # paasc: ignore[ZZZ]\nb: 2\n";
        let mut diags = Vec::new();
        let found = directives(FileId(0), text, &all, &mut diags);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].line, 0);
        assert!(!found[0].own_line);
        assert_eq!(found[0].codes, vec![Code::UNKNOWN_KEY, Code::UNKNOWN_KEY]);
        assert_eq!(found[0].text, "# paasc: ignore[S001, unknown-key]");
        assert!(found[1].own_line && found[1].codes.is_empty());
        assert_eq!(diags.len(), 1);
        let s = diags[0].primary.span;
        assert_eq!(&text[s.start as usize..s.end as usize], "ZZZ");
    }
}
