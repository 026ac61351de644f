//! `paasc lsp`: a Language Server over stdio, synchronous (lsp-server, as rust-analyzer uses).
//! It owns no checking logic: a change to any file of a project re-runs the caller's `check`
//! (the one `paasc check` runs) on the project's root, reading open buffers before the disk,
//! and publishes the diagnostics of every file of that project.

mod complete;
pub mod facts;
mod hints;
mod keys;

use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types::{
    notification::Notification as _, request::Request as _, CodeAction, CodeActionKind,
    CodeActionOrCommand, CodeActionParams, CodeActionProviderCapability, CodeDescription,
    DiagnosticRelatedInformation, DiagnosticSeverity, DidChangeTextDocumentParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams, Hover,
    HoverContents, HoverParams, HoverProviderCapability, MarkupContent, MarkupKind, NumberOrString,
    Position, PublishDiagnosticsParams, Range, SaveOptions, ServerCapabilities,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, TextEdit, Uri, WorkspaceEdit,
};
use paasc_check::{Source, MAX_BYTES};
use paasc_diag::{Code, Diagnostic, Label, Severity, SourceDb};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// The check the server runs: `paasc check` of a project directory, reading through a source.
pub type Check<'a> = &'a (dyn Fn(&Path, &dyn Source) -> (SourceDb, Vec<Diagnostic>) + Sync);

/// What completion and inlay hints know of a project beyond its files' text (computed by the
/// caller from the expanded charm and rock).
#[derive(Clone, Debug, Default)]
pub struct Facts {
    /// The expanded charm's options.
    pub options: Vec<OptionFact>,
    /// The charm's `requires` endpoints: name and interface.
    pub endpoints: Vec<(String, String)>,
    /// The expanded rock's parts.
    pub parts: Vec<String>,
    /// The expanded rock's services.
    pub services: Vec<String>,
    /// Whether the charm expanded (else `options` and `endpoints` are empty, and the server
    /// keeps those of the last time it did).
    pub charm_ok: bool,
    /// Whether the rock expanded (likewise for `parts` and `services`).
    pub rock_ok: bool,
}

impl Facts {
    /// These facts, with those of `old` where the charm or the rock did not expand now (a
    /// buffer being edited is often invalid for a moment).
    fn or_last(mut self, old: &Facts) -> Facts {
        if !self.charm_ok && old.charm_ok {
            self.options = old.options.clone();
            self.endpoints = old.endpoints.clone();
            self.charm_ok = true;
        }
        if !self.rock_ok && old.rock_ok {
            self.parts = old.parts.clone();
            self.services = old.services.clone();
            self.rock_ok = true;
        }
        self
    }
}

/// A charm option and what paas-charm makes of it.
#[derive(Clone, Debug, Default)]
pub struct OptionFact {
    /// The option's name.
    pub name: String,
    /// Its `type`.
    pub kind: String,
    /// Its `description`.
    pub description: String,
    /// The environment variable the app sees it as, if any.
    pub env: Option<String>,
    /// What else paas-charm does with it (empty for a plain user option).
    pub note: String,
}

/// The facts of a project directory, reading through a source.
pub type FactsOf<'a> = &'a (dyn Fn(&Path, &dyn Source) -> Facts + Sync);

/// What the server is given.
pub struct Config<'a> {
    /// The check of a project directory.
    pub check: Check<'a>,
    /// The facts of a project directory, for completion and inlay hints.
    pub facts: FactsOf<'a>,
    /// The files on disk, read when no buffer is open.
    pub disk: &'a dyn Source,
    /// Every diagnostic code, for hover.
    pub codes: &'a [Code],
}

/// What the server announces.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(true),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(lsp_types::CompletionOptions {
            trigger_characters: Some(vec!["[".into(), ",".into(), " ".into()]),
            ..lsp_types::CompletionOptions::default()
        }),
        inlay_hint_provider: Some(lsp_types::OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..ServerCapabilities::default()
    }
}

/// Serves the protocol on standard input and output until `exit`.
pub fn stdio(config: &Config) -> Result<(), String> {
    let (connection, threads) = Connection::stdio();
    serve(&connection, config)?;
    drop(connection);
    threads.join().map_err(|e| e.to_string())
}

/// Runs the handshake and the message loop on `connection` until `shutdown`.
pub fn serve(connection: &Connection, config: &Config) -> Result<(), String> {
    let caps = serde_json::to_value(capabilities()).map_err(|e| e.to_string())?;
    connection.initialize(caps).map_err(|e| e.to_string())?;
    let mut server = Server {
        config,
        docs: BTreeMap::new(),
        published: HashMap::new(),
        facts: HashMap::new(),
    };
    for msg in &connection.receiver {
        match msg {
            Message::Request(req) => {
                if connection
                    .handle_shutdown(&req)
                    .map_err(|e| e.to_string())?
                {
                    return Ok(());
                }
                let resp = server.request(req);
                send(connection, Message::Response(resp))?;
            }
            Message::Notification(n) => {
                for out in server.notification(n) {
                    send(connection, Message::Notification(out))?;
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

fn send(connection: &Connection, msg: Message) -> Result<(), String> {
    connection.sender.send(msg).map_err(|e| e.to_string())
}

struct Server<'a> {
    config: &'a Config<'a>,
    /// Open buffers by absolute path.
    docs: BTreeMap<PathBuf, String>,
    /// The diagnostics last published, by project root, then by file.
    published: HashMap<PathBuf, BTreeMap<PathBuf, Vec<lsp_types::Diagnostic>>>,
    /// The facts of each project root, computed on demand; marked stale (`true`) at its next
    /// re-check.
    facts: HashMap<PathBuf, (Facts, bool)>,
}

/// The open buffers over the disk.
struct Overlay<'a> {
    docs: &'a BTreeMap<PathBuf, String>,
    disk: &'a dyn Source,
}

impl Source for Overlay<'_> {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        match self.docs.get(path) {
            Some(text) => {
                let limit = usize::try_from(MAX_BYTES + 1).unwrap_or(usize::MAX);
                Ok(text.as_bytes()[..text.len().min(limit)].to_vec())
            }
            None => self.disk.read(path),
        }
    }

    fn is_file(&self, path: &Path) -> bool {
        self.docs.contains_key(path) || self.disk.is_file(path)
    }

    fn list(&self, dir: &Path) -> std::io::Result<Vec<(String, bool)>> {
        let mut out = self.disk.list(dir).ok();
        for path in self.docs.keys().filter(|p| p.parent() == Some(dir)) {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let entries = out.get_or_insert_with(Vec::new);
            if !entries.iter().any(|(n, _)| *n == name) {
                entries.push((name, false));
            }
        }
        out.ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
    }
}

/// The path of a `file:` URI, percent-decoded.
pub fn uri_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push(u8::try_from(hex(h)? * 16 + hex(l)?).ok()?);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    Some(PathBuf::from(String::from_utf8(out).ok()?))
}

/// The `file:` URI of an absolute path.
pub fn path_uri(path: &Path) -> Option<Uri> {
    let s = paasc_diag::uri_escape_path(&path.to_string_lossy());
    Uri::from_str(&format!("file://{s}")).ok()
}

/// The project directory a file belongs to, as `paasc check DIR` would be run: the nearest
/// directory holding `rockcraft.yaml`, `charmcraft.yaml` or `charm/charmcraft.yaml` (for a
/// `charm/` directory, its parent when that holds the rock).
fn project_root(file: &Path, src: &dyn Source) -> Option<PathBuf> {
    for dir in file.ancestors().skip(1) {
        let rock = src.is_file(&dir.join("rockcraft.yaml"));
        if rock || src.is_file(&dir.join("charm").join("charmcraft.yaml")) {
            return Some(dir.to_path_buf());
        }
        if src.is_file(&dir.join("charmcraft.yaml")) {
            let parent = dir.parent().filter(|p| {
                dir.file_name().is_some_and(|n| n == "charm")
                    && src.is_file(&p.join("rockcraft.yaml"))
            });
            return Some(parent.unwrap_or(dir).to_path_buf());
        }
    }
    None
}

fn position(db: &SourceDb, l: &Label, offset: u32) -> Position {
    let p = db.get(l.file).position(offset);
    Position::new(p.line0, p.utf16_col0)
}

fn range(db: &SourceDb, l: &Label) -> Range {
    Range::new(position(db, l, l.span.start), position(db, l, l.span.end))
}

/// The absolute path of a file the check read (its paths are relative to the working directory
/// when the root was).
fn absolute(path: &str) -> PathBuf {
    let p = PathBuf::from(path);
    if p.is_absolute() {
        p
    } else {
        std::env::current_dir().unwrap_or_default().join(p)
    }
}

/// A paasc diagnostic as LSP's: the same code and range, the help after the message, the
/// secondary labels and related diagnostics as related information, and its deterministic fix
/// (`paasc check --fix`'s) in `data` for the quick fix.
fn convert(db: &SourceDb, d: &Diagnostic) -> lsp_types::Diagnostic {
    let mut related = Vec::new();
    let mut push = |l: &Label, message: String| {
        if let Some(uri) = path_uri(&absolute(&db.get(l.file).path)) {
            related.push(DiagnosticRelatedInformation {
                location: lsp_types::Location::new(uri, range(db, l)),
                message,
            });
        }
    };
    for l in &d.labels {
        push(l, l.message.clone());
    }
    for r in &d.related {
        push(&r.primary, format!("{}: {}", r.code.as_str(), r.message));
    }
    let message = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    lsp_types::Diagnostic {
        range: range(db, &d.primary),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.code.as_str().to_string())),
        code_description: Uri::from_str(&d.url())
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some("paasc".to_string()),
        message,
        related_information: Some(related),
        tags: None,
        data: paasc_render::fix::of(db, d).map(|fix| {
            let edits: Vec<serde_json::Value> = fix
                .edits
                .iter()
                .filter_map(|(file, span, new)| {
                    let l = Label::new(*file, *span, "");
                    let uri = path_uri(&absolute(&db.get(*file).path))?;
                    Some(serde_json::json!({
                        "uri": uri.as_str(),
                        "edit": TextEdit::new(range(db, &l), new.clone()),
                    }))
                })
                .collect();
            serde_json::json!({ "fix": { "title": fix.title, "edits": edits } })
        }),
    }
}

fn params<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Option<T> {
    serde_json::from_value(v).ok()
}

impl Server<'_> {
    fn notification(&mut self, n: Notification) -> Vec<Notification> {
        use lsp_types::notification::{
            DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
        };
        let path =
            match n.method.as_str() {
                DidOpenTextDocument::METHOD => params::<DidOpenTextDocumentParams>(n.params)
                    .and_then(|p| {
                        let path = uri_path(&p.text_document.uri)?;
                        self.docs.insert(path.clone(), p.text_document.text);
                        Some(path)
                    }),
                DidChangeTextDocument::METHOD => params::<DidChangeTextDocumentParams>(n.params)
                    .and_then(|p| {
                        let path = uri_path(&p.text_document.uri)?;
                        if let Some(change) = p.content_changes.into_iter().last() {
                            self.docs.insert(path.clone(), change.text);
                        }
                        Some(path)
                    }),
                DidSaveTextDocument::METHOD => params::<DidSaveTextDocumentParams>(n.params)
                    .and_then(|p| {
                        let path = uri_path(&p.text_document.uri)?;
                        if let Some(text) = p.text {
                            self.docs.insert(path.clone(), text);
                        }
                        Some(path)
                    }),
                DidCloseTextDocument::METHOD => params::<DidCloseTextDocumentParams>(n.params)
                    .and_then(|p| {
                        let path = uri_path(&p.text_document.uri)?;
                        self.docs.remove(&path);
                        Some(path)
                    }),
                _ => None,
            };
        path.map(|p| self.recheck(&p)).unwrap_or_default()
    }

    /// Checks the project `file` belongs to and publishes every file's diagnostics, clearing
    /// those of files that have none now.
    fn recheck(&mut self, file: &Path) -> Vec<Notification> {
        let overlay = Overlay {
            docs: &self.docs,
            disk: self.config.disk,
        };
        let Some(root) = project_root(file, &overlay) else {
            return Vec::new();
        };
        if let Some(f) = self.facts.get_mut(&root) {
            f.1 = true;
        }
        let (db, diags) = (self.config.check)(&root, &overlay);
        let mut now: BTreeMap<PathBuf, Vec<lsp_types::Diagnostic>> = BTreeMap::new();
        for d in &diags {
            now.entry(absolute(&db.get(d.primary.file).path))
                .or_default()
                .push(convert(&db, d));
        }
        let before = self.published.remove(&root).unwrap_or_default();
        let open = self.docs.keys().filter(|p| p.starts_with(&root));
        let files: BTreeSet<PathBuf> = before
            .keys()
            .chain(now.keys())
            .chain(open)
            .cloned()
            .collect();
        let out = files
            .iter()
            .filter_map(|f| {
                let params = PublishDiagnosticsParams {
                    uri: path_uri(f)?,
                    diagnostics: now.get(f).cloned().unwrap_or_default(),
                    version: None,
                };
                Some(Notification::new(
                    lsp_types::notification::PublishDiagnostics::METHOD.to_string(),
                    params,
                ))
            })
            .collect();
        self.published.insert(root, now);
        out
    }

    fn diagnostics_of<'s>(
        &'s self,
        path: &'s Path,
    ) -> impl Iterator<Item = &'s lsp_types::Diagnostic> + 's {
        self.published
            .values()
            .filter_map(move |files| files.get(path))
            .flatten()
    }

    fn request(&mut self, req: Request) -> Response {
        use lsp_types::request::{CodeActionRequest, Completion, HoverRequest, InlayHintRequest};
        let result = match req.method.as_str() {
            Completion::METHOD => params::<lsp_types::CompletionParams>(req.params)
                .map(|p| serde_json::to_value(self.completion(&p)).unwrap_or_default()),
            InlayHintRequest::METHOD => params::<lsp_types::InlayHintParams>(req.params)
                .map(|p| serde_json::to_value(self.inlay_hints(&p)).unwrap_or_default()),
            HoverRequest::METHOD => params::<HoverParams>(req.params)
                .map(|p| serde_json::to_value(self.hover(&p)).unwrap_or_default()),
            CodeActionRequest::METHOD => params::<CodeActionParams>(req.params)
                .map(|p| serde_json::to_value(self.code_actions(&p)).unwrap_or_default()),
            _ => {
                return Response::new_err(
                    req.id,
                    lsp_server::ErrorCode::MethodNotFound as i32,
                    format!("paasc lsp does not handle `{}`", req.method),
                )
            }
        };
        match result {
            Some(v) => Response::new_ok(req.id, v),
            None => Response::new_err(
                req.id,
                lsp_server::ErrorCode::InvalidParams as i32,
                "invalid parameters".to_string(),
            ),
        }
    }

    /// The facts of the project `path` belongs to, computed once per re-check.
    fn facts_for(&mut self, path: &Path) -> Facts {
        let overlay = Overlay {
            docs: &self.docs,
            disk: self.config.disk,
        };
        let Some(root) = project_root(path, &overlay) else {
            return Facts::default();
        };
        let old = match self.facts.get(&root) {
            Some((f, false)) => return f.clone(),
            Some((f, true)) => f.clone(),
            None => Facts::default(),
        };
        let f = (self.config.facts)(&root, &overlay).or_last(&old);
        self.facts.insert(root, (f.clone(), false));
        f
    }

    /// Completion in an open buffer: see [`complete`].
    fn completion(&mut self, p: &lsp_types::CompletionParams) -> Vec<lsp_types::CompletionItem> {
        let at = &p.text_document_position;
        let Some(path) = uri_path(&at.text_document.uri) else {
            return Vec::new();
        };
        let Some(text) = self.docs.get(&path).cloned() else {
            return Vec::new();
        };
        let Some(offset) = keys::offset(&text, at.position.line, at.position.character) else {
            return Vec::new();
        };
        let context = complete::context(&text, offset);
        let schema = keys::schema_for(&path);
        let kind = match path.file_name().and_then(|n| n.to_str()) {
            Some("rockcraft.yaml") => complete::FileKind::Rock,
            Some("charmcraft.yaml") => complete::FileKind::Charm,
            _ if schema.is_some() => complete::FileKind::Profile,
            _ => complete::FileKind::Other,
        };
        let needs_facts = matches!(kind, complete::FileKind::Rock | complete::FileKind::Profile)
            && matches!(context, complete::Context::Key(..));
        let facts = if needs_facts {
            self.facts_for(&path)
        } else {
            Facts::default()
        };
        complete::items(&context, kind, schema.as_ref(), &facts, self.config.codes)
    }

    /// The variable of each option in charmcraft.yaml or a profile.
    fn inlay_hints(&mut self, p: &lsp_types::InlayHintParams) -> Vec<lsp_types::InlayHint> {
        let Some(path) = uri_path(&p.text_document.uri) else {
            return Vec::new();
        };
        let profile = match path.file_name().and_then(|n| n.to_str()) {
            Some("charmcraft.yaml") => false,
            Some("rockcraft.yaml") => return Vec::new(),
            _ if keys::schema_for(&path).is_some() => true,
            _ => return Vec::new(),
        };
        let Some(text) = self.docs.get(&path).cloned() else {
            return Vec::new();
        };
        let facts = self.facts_for(&path);
        hints::hints(&text, profile, &facts)
            .into_iter()
            .filter(|h| p.range.start <= h.position && h.position <= p.range.end)
            .collect()
    }

    /// The explanation of the code of each diagnostic under the cursor, else the schema's
    /// description of the key under it.
    fn hover(&self, p: &HoverParams) -> Option<Hover> {
        let at = &p.text_document_position_params;
        let path = uri_path(&at.text_document.uri)?;
        let pos = at.position;
        let mut text = Vec::new();
        let mut span = None;
        for d in self
            .diagnostics_of(&path)
            .filter(|d| d.range.start <= pos && pos <= d.range.end)
        {
            let Some(NumberOrString::String(code)) = &d.code else {
                continue;
            };
            if let Some(c) = Code::lookup_in(self.config.codes, code).map(Code::info) {
                text.push(format!(
                    "**{}** `{}`: {}\n\n{}\n\n[{}]({})",
                    c.code,
                    c.name,
                    c.summary,
                    c.explanation,
                    Code(c).url(),
                    Code(c).url()
                ));
                span.get_or_insert(d.range);
            }
        }
        if text.is_empty() {
            let doc = self.docs.get(&path)?;
            let at = keys::offset(doc, pos.line, pos.character)?;
            let (description, key) = keys::describe(&keys::schema_for(&path)?, doc, at)?;
            let file = paasc_diag::SourceFile::new("", doc.as_str());
            let (s, e) = (file.position(key.start), file.position(key.end));
            text.push(description);
            span = Some(Range::new(
                Position::new(s.line0, s.utf16_col0),
                Position::new(e.line0, e.utf16_col0),
            ));
        }
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: text.join("\n\n---\n\n"),
            }),
            range: span,
        })
    }

    /// A quick fix for each diagnostic in the range that has a deterministic fix (the one
    /// `paasc check --fix` applies).
    // lsp-types keys a workspace edit's changes by `Uri`, which clippy deems mutable.
    #[allow(clippy::mutable_key_type)]
    fn code_actions(&self, p: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let Some(path) = uri_path(&p.text_document.uri) else {
            return Vec::new();
        };
        let overlaps = |r: &Range| r.start <= p.range.end && p.range.start <= r.end;
        self.diagnostics_of(&path)
            .filter(|d| overlaps(&d.range))
            .filter_map(|d| {
                let fix = d.data.as_ref()?.get("fix")?;
                let title = fix.get("title")?.as_str()?.to_string();
                let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
                for e in fix.get("edits")?.as_array()? {
                    let uri = Uri::from_str(e.get("uri")?.as_str()?).ok()?;
                    let edit: TextEdit = serde_json::from_value(e.get("edit")?.clone()).ok()?;
                    changes.entry(uri).or_default().push(edit);
                }
                Some(CodeActionOrCommand::CodeAction(CodeAction {
                    title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![d.clone()]),
                    edit: Some(WorkspaceEdit {
                        changes: Some(changes),
                        ..WorkspaceEdit::default()
                    }),
                    is_preferred: Some(true),
                    ..CodeAction::default()
                }))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_round_trip() {
        let p = Path::new("/a b/ü/rockcraft.yaml");
        let uri = path_uri(p).expect("uri");
        assert_eq!(uri.as_str(), "file:///a%20b/%C3%BC/rockcraft.yaml");
        assert_eq!(uri_path(&uri).as_deref(), Some(p));
    }

    #[test]
    fn suggestions_come_from_did_you_mean_labels() {
        assert_eq!(
            paasc_diag::suggestion("did you mean `summary`?"),
            Some("summary")
        );
        assert_eq!(paasc_diag::suggestion("here"), None);
    }
}
