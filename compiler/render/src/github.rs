//! GitHub Actions workflow commands (`--format github`): one `::error`, `::warning` or
//! `::notice` line per diagnostic, which GitHub shows as an annotation on the file.

use paasc_diag::{Diagnostic, Label, Severity, SourceDb};
use std::path::Path;

/// Escapes a command's message as GitHub's runner unescapes it.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value: as data, and `:` and `,` too.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// The file as GitHub wants it: relative to the working directory (the workspace) when inside.
fn file(db: &SourceDb, l: &Label, base: &Path) -> String {
    let path = &db.get(l.file).path;
    crate::sarif::relative(path, base).unwrap_or_else(|| path.clone())
}

fn command(db: &SourceDb, d: &Diagnostic, base: &Path) -> String {
    let f = db.get(d.primary.file);
    let s = f.position(d.primary.span.start);
    let e = f.position(d.primary.span.end);
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let mut also = |l: &Label, text: &str| {
        let p = db.get(l.file).position(l.span.start);
        message.push_str(&format!(
            "\n{}:{}:{}: {text}",
            file(db, l, base),
            p.line0 + 1,
            p.col1
        ));
    };
    for l in &d.labels {
        also(l, &l.message);
    }
    for r in &d.related {
        also(&r.primary, &format!("{}: {}", r.code.as_str(), r.message));
    }
    let kind = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    format!(
        "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
        escape_property(&file(db, &d.primary, base)),
        s.line0 + 1,
        s.col1,
        e.line0 + 1,
        e.col1,
        escape_property(d.code.as_str()),
        escape_data(&message)
    )
}

/// The workflow commands of `diags`, paths relative to `base` (the working directory).
pub fn render(db: &SourceDb, diags: &[Diagnostic], base: &Path) -> String {
    diags.iter().map(|d| command(db, d, base)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_runner_unescapes() {
        assert_eq!(escape_data("50%\r\nx: y, z"), "50%25%0D%0Ax: y, z");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn one_command_per_diagnostic() {
        let mut db = SourceDb::new();
        let id = db.add("/w/p/rockcraft.yaml", "name: x\nbse: y\n");
        let d = Diagnostic::new(
            paasc_diag::Code::UNKNOWN_KEY,
            id,
            paasc_diag::Span::new(8, 11),
            "unknown key `bse`",
        )
        .label("here")
        .help("did you mean `base`?");
        assert_eq!(
            render(&db, &[d], Path::new("/w")),
            "::error file=p/rockcraft.yaml,line=2,col=1,endLine=2,endColumn=4,title=S001::unknown key `bse`%0Ahelp: did you mean `base`?\n"
        );
    }
}
