//! Typed models of `charmcraft.yaml` and `rockcraft.yaml`, lowered from the spanned tree, and the
//! pure `analyze` entry point that runs parse and lower over a project's files.
//!
//! **Invariant:** nothing here touches the file system; the CLI loads files into a
//! [`SourceDb`] first.

pub mod charmcraft;
pub mod lower;
pub mod parts;
pub mod platforms;
pub mod profile;
pub mod rockcraft;
pub mod spdx;

use lower::{Cx, MapReader, Spanned};
use paasc_diag::{Code, Diagnostic, FileId, SourceDb, Span};
use paasc_syntax::{Limits, Tree, Value};

/// Which project file a source is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// `rockcraft.yaml`.
    Rockcraft,
    /// `charmcraft.yaml`.
    Charmcraft,
}

/// The project's files as loaded by the CLI: ids into the [`SourceDb`].
#[derive(Clone, Copy, Debug, Default)]
pub struct ProjectFiles {
    /// `rockcraft.yaml`, if the project has one.
    pub rockcraft: Option<FileId>,
    /// `charmcraft.yaml`, if the project has one.
    pub charmcraft: Option<FileId>,
}

/// What parse and lower made of a project.
#[derive(Debug, Default)]
pub struct Analysis {
    /// The rock's model, when `rockcraft.yaml` could be read as a mapping.
    pub rockcraft: Option<rockcraft::Rockcraft>,
    /// The rock's tree (shared: each deployment's app holds it too).
    pub rock_tree: Option<std::sync::Arc<Tree>>,
    /// The charm's tree (shared: each deployment's resolved app holds it too).
    pub charm_tree: Option<std::sync::Arc<Tree>>,
    /// Every problem found, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses and lowers both project files.
pub fn analyze(db: &SourceDb, files: ProjectFiles) -> Analysis {
    let mut out = Analysis::default();
    if let Some(id) = files.rockcraft {
        let (tree, mut diags) = parse_file(db, id);
        let mut cx = Cx::new(&tree, id);
        out.rockcraft = rockcraft::lower(&mut cx);
        diags.append(&mut cx.diags);
        if let Some(rock) = &out.rockcraft {
            diags.extend(required_service_keys(id, &tree, rock));
        }
        out.diagnostics.append(&mut diags);
        out.rock_tree = Some(std::sync::Arc::new(tree));
    }
    if let Some(id) = files.charmcraft {
        let (tree, mut diags) = parse_file(db, id);
        let mut cx = Cx::new(&tree, id);
        // Nothing reads the charm's model after its checks (a charm may declare thousands of
        // options): it is dropped here, before the later passes allocate.
        drop(charmcraft::lower(&mut cx));
        diags.append(&mut cx.diags);
        out.diagnostics.append(&mut diags);
        out.charm_tree = Some(std::sync::Arc::new(tree));
    }
    paasc_diag::sort(&mut out.diagnostics);
    out
}

fn parse_file(db: &SourceDb, id: FileId) -> (Tree, Vec<Diagnostic>) {
    let text = &db.get(id).text;
    let (tree, mut diags) = paasc_syntax::parse(id, text, Limits::default());
    if tree.root().is_none() && !paasc_diag::has_errors(&diags) {
        diags.push(
            Diagnostic::new(Code::EMPTY_FILE, id, Span::point(0), "the file is empty")
                .label("nothing here but whitespace or comments")
                .help("`rockcraft init --profile flask-framework` and `charmcraft init --profile flask-framework` write a starting point"),
        );
    }
    (tree, diags)
}

/// Decodes file bytes as UTF-8. Invalid bytes give a diagnostic and a lossy text, so positions
/// before the first bad byte stay exact.
pub fn decode(file: FileId, bytes: Vec<u8>) -> (String, Option<Diagnostic>) {
    match String::from_utf8(bytes) {
        Ok(s) => (s, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bad = e.utf8_error().error_len().unwrap_or(1);
            let byte = e.as_bytes().get(at).copied().unwrap_or(0);
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let d = Diagnostic::new(
                Code::INVALID_UTF8,
                file,
                Span::new(at, at + bad.min(3)),
                format!("the file is not valid UTF-8: byte 0x{byte:02X} at offset {at}"),
            )
            .label("not UTF-8")
            .help(
                "re-save the file as UTF-8; if it was written in Latin-1: iconv -f latin1 -t utf-8",
            );
            (text, Some(d))
        }
    }
}

/// The services the framework extensions define, whose required keys the extension supplies.
pub(crate) fn extension_services(extension: &str) -> &'static [&'static str] {
    paasc_frameworks::Framework::from_extension(extension).map_or(&[], |f| f.spec().rock.services)
}

fn required_service_keys(
    file: FileId,
    tree: &Tree,
    rock: &rockcraft::Rockcraft,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(services) = &rock.services else {
        return out;
    };
    let provided: Vec<&str> = rock
        .extensions
        .iter()
        .flatten()
        .flat_map(|e| extension_services(&e.value).iter().copied())
        .collect();
    for (name, svc) in services.iter() {
        if provided.contains(&name.value.as_str()) {
            continue;
        }
        for key in ["override", "command"] {
            if svc.node.is_some_and(|n| tree.get(n, key).is_none()) {
                out.push(
                    Diagnostic::new(
                        Code::MISSING_KEY,
                        file,
                        name.span,
                        format!(
                            "required key `{key}` is missing from service `{}`",
                            name.value
                        ),
                    )
                    .label(format!("`{key}` missing"))
                    .help(if key == "override" {
                        "add `override: replace` (or `merge`)".to_string()
                    } else {
                        "add the `command:` that starts the service".to_string()
                    }),
                );
            }
        }
    }
    out
}

/// craft-application's name pattern, `^([a-z0-9][a-z0-9-]?)*[a-z]+([a-z0-9-]?[a-z0-9])*$`, as
/// string code: lowercase ASCII letters, digits and hyphens, at least one letter, no hyphen first,
/// last or next to another.
fn valid_name(n: &str) -> bool {
    n.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && n.bytes().any(|b| b.is_ascii_lowercase())
        && !n.starts_with('-')
        && !n.ends_with('-')
        && !n.contains("--")
}

/// Checks a project `name` against craft-application's rule (both tools use it).
pub(crate) fn check_name(cx: &mut Cx, name: &Spanned<String>) {
    let n = &name.value;
    let message = if n.chars().count() > 40 {
        Some(format!(
            "the name `{n}` is {} characters long; the limit is 40",
            n.chars().count()
        ))
    } else if !valid_name(n) {
        Some(format!("invalid name `{n}`: names can only use ASCII lowercase letters, numbers, and hyphens, must have at least one letter, may not start or end with a hyphen, and may not have two hyphens in a row"))
    } else {
        None
    };
    if let Some(message) = message {
        let suggestion: String = n
            .to_ascii_lowercase()
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let suggestion = suggestion
            .split('-')
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("-");
        let help = if !suggestion.is_empty() && valid_name(&suggestion) && suggestion.len() <= 40 {
            format!("for example `{suggestion}`")
        } else {
            "use lowercase letters, digits and single hyphens, with at least one letter".to_string()
        };
        cx.push(
            Diagnostic::new(Code::INVALID_NAME, cx.file, name.span, message)
                .label("not a valid name")
                .help(help),
        );
    }
}

/// Checks a title's length (2 to 40 characters).
pub(crate) fn check_title(cx: &mut Cx, title: &Spanned<String>, defaulted_from_name: bool) {
    let len = title.value.chars().count();
    if (2..=40).contains(&len) {
        return;
    }
    let what = if defaulted_from_name {
        "the title (which defaults to the name)"
    } else {
        "the title"
    };
    cx.push(
        Diagnostic::new(
            Code::INVALID_NAME,
            cx.file,
            title.span,
            format!(
                "{what} must be 2 to 40 characters long, `{}` has {len}",
                title.value
            ),
        )
        .label("wrong length")
        .help(if defaulted_from_name {
            "add a `title:` of 2 to 40 characters"
        } else {
            "shorten or lengthen the title to 2 to 40 characters"
        }),
    );
}

/// Reports a string longer than `max` characters.
pub(crate) fn check_max_len(cx: &mut Cx, value: &Spanned<String>, key: &str, max: usize) {
    let len = value.value.chars().count();
    if len > max {
        cx.push(
            Diagnostic::new(
                Code::INVALID_VALUE,
                cx.file,
                value.span,
                format!("`{key}` is {len} characters long; the limit is {max}"),
            )
            .label("too long")
            .help(format!(
                "shorten `{key}` to at most {max} characters; put the detail in `description`"
            )),
        );
    }
}

/// Reports a key the tools refuse (unless its value is null), and marks it read. The help is
/// written only when the key is there.
pub(crate) fn forbid(
    cx: &mut Cx,
    m: &mut MapReader,
    key: &'static str,
    help: impl FnOnce() -> String,
) {
    if let Some(e) = m.take_hidden(key) {
        if matches!(cx.tree.value(e.value), Some(Value::Null)) {
            return;
        }
        cx.push(
            Diagnostic::new(
                Code::FORBIDDEN_KEY,
                cx.file,
                cx.tree.span(e.key),
                format!("`{key}` is not accepted here"),
            )
            .label("not accepted")
            .help(help()),
        );
    }
}

/// Reads a key whose underscore spelling the reader also accepts (`run-user` / `run_user`), and
/// reports the two given at once as a conflict rather than as an unknown key.
pub(crate) fn one_spelling<T: lower::Lower>(
    cx: &mut Cx,
    m: &mut MapReader,
    dash: &'static str,
    underscore: &'static str,
) -> Option<Spanned<T>> {
    if m.has_exact(dash) && m.has_exact(underscore) {
        if let (Some(a), Some(b)) = (m.peek(dash), m.peek(underscore)) {
            cx.push(
                Diagnostic::new(
                    Code::CONFLICTING_KEYS,
                    cx.file,
                    cx.tree.span(b.key),
                    format!("`{dash}` is given twice, as `{dash}` and as `{underscore}`"),
                )
                .label("second spelling")
                .secondary(cx.file, cx.tree.span(a.key), "first spelling")
                .help(format!("keep only `{dash}`")),
            );
        }
    }
    let value = m.opt_spanned(cx, dash);
    let _ = m.take_hidden(underscore);
    value
}

/// Asserts that `matcher` reads every string of one to `len` characters over `alphabet`, for
/// each `(alphabet, len)`, as the regex `pattern` it replaces does; how many strings matched.
#[cfg(test)]
pub(crate) fn assert_same_as_pattern(
    matcher: fn(&str) -> bool,
    pattern: &str,
    cases: &[(&[char], usize)],
) -> usize {
    let pattern = regex::Regex::new(pattern).expect("pattern");
    let mut hits = 0;
    for (alphabet, len) in cases {
        let mut level = vec![String::new()];
        for _ in 0..*len {
            level = level
                .iter()
                .flat_map(|n| alphabet.iter().map(move |c| format!("{n}{c}")))
                .collect();
            for s in &level {
                let want = pattern.is_match(s);
                assert_eq!(matcher(s), want, "{s:?}: the pattern {pattern} says {want}");
                hits += usize::from(want);
            }
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::valid_name;

    /// Every string of up to five characters over an alphabet that covers each case of the
    /// pattern reads the same through [`valid_name`] as through the regex it replaces.
    #[test]
    fn valid_name_is_the_craft_pattern() {
        let hits = super::assert_same_as_pattern(
            valid_name,
            r"^([a-z0-9][a-z0-9-]?)*[a-z]+([a-z0-9-]?[a-z0-9])*$",
            &[(&['a', 'z', '0', '9', '-', 'A', '_', 'é'], 5)],
        );
        assert!(hits > 1_000, "{hits}");
        assert!(valid_name("flask-hello-world") && !valid_name("12-34"));
    }
}
