//! A deployment profile applied to a checked project: the profile lowered and checked against
//! the expanded charm, paas-charm's plan computed, and the result (the resolved app, the IR the
//! back ends read) returned only when nothing stops the deployment.

use crate::declared::{config_value, endpoint_names, OptionTypes};
use crate::rules::{self, PlanCx, ProfileCx};
use crate::{Checked, Project};
use paasc_diag::{Code, Diagnostic, FileId, SourceDb, Span};
use paasc_model::lower::Cx;
use paasc_model::profile::{self, Profile, Scalar};
use paasc_runtime::{Deployment, Framework, ProxySettings, Relation};
use paasc_syntax::{Limits, Yaml};
use std::borrow::Cow;
use std::path::PathBuf;

/// Lowers the profile already read into `db` as `file` and its `--set` overlays.
///
/// Each `--set` overlay's own profile goes to `read`, and with overlays the file's too (before
/// them), so that its secrets can be hidden where each writes them; without overlays the file's
/// is the profile returned. A `--set` that gives no value (empty or null) is refused
/// at the flag: `--set` sets values, it never removes one (a pipeline whose secret variable is
/// empty must not deploy the profile's placeholder).
pub fn load_profile(
    db: &mut SourceDb,
    file: Option<FileId>,
    sets: &[String],
    read: &mut Vec<(FileId, Profile)>,
    diags: &mut Vec<Diagnostic>,
) -> Option<(Profile, Option<FileId>)> {
    let mut out = Profile::default();
    let mut any = false;
    if let Some(id) = file {
        out = lower_text(db, id, false, diags)?;
        if !sets.is_empty() {
            read.push((id, out.clone()));
        }
        any = true;
    }
    let mut files: Vec<FileId> = file.into_iter().collect();
    for (n, arg) in sets.iter().enumerate() {
        files.push(db.next_id());
        let refuse = |db: &mut SourceDb, name: String, why: String, help: String| {
            Diagnostic::new(
                Code::INVALID_VALUE,
                db.add(name, String::new()),
                Span::point(0),
                why,
            )
            .label("here")
            .help(help)
        };
        let Some((path, value)) = arg.split_once('=') else {
            // The argument is not echoed: it may be a secret given without its path.
            let name = format!("--set (argument {})", n + 1);
            let why = format!("--set argument {} has no `=`", n + 1);
            let help = "write --set path.to.key=value, e.g. --set config.greeting=hello".into();
            diags.push(refuse(db, name, why, help));
            continue;
        };
        let name = format!("--set {arg}");
        if matches!(value.trim(), "" | "~" | "null" | "Null" | "NULL") {
            let hidden = format!("--set {path}={}", "*".repeat(value.len()));
            let why = format!("`--set {path}=` gives no value (it is empty or null): --set sets a value, it never removes one");
            let help = if profile::is_secret_path(&path.split('.').collect::<Vec<_>>()) {
                "pass the secret itself (is the variable meant to hold it empty?): the profile's placeholder is never deployed in its place".to_string()
            } else {
                format!("for an empty string write --set {path}=''; to remove a value, edit the profile")
            };
            diags.push(refuse(db, hidden, why, help));
            continue;
        }
        match profile::set_to_yaml(arg) {
            Ok(yaml) => {
                let id = db.add(name, yaml);
                if let Some(p) = lower_text(db, id, true, diags) {
                    read.push((id, p.clone()));
                    if !any {
                        out.file = p.file;
                        any = true;
                    }
                    out.overlay(p);
                }
            }
            Err(why) => {
                let hidden = format!("--set {path}={}", "*".repeat(value.len()));
                let help = "write --set path.to.key=value, e.g. --set config.greeting=hello".into();
                diags.push(refuse(db, hidden, why, help));
            }
        }
    }
    diags.extend(profile::missing_after_overlay(&out));
    out.sources = files;
    Some((out, file))
}

/// What must never appear in a diagnostic: the profile's secret values (each as written and as
/// read), and where the profile files write them.
#[derive(Default)]
struct Hidden {
    /// Secret texts, longest first.
    pieces: Vec<String>,
    /// The spans of secret values, by file.
    spans: Vec<(FileId, Span)>,
}

/// Hides the profile's secret values (and plain values given to secret-typed options) in every
/// file the profile was read from (`files`), so no snippet can quote them: where each file
/// writes them (whatever the quoting or escapes, found in the lowered profile and, line by
/// line, in text that did not load), and wherever else their text appears. A `--set` is shown
/// with its value only when its path names a known entry that is not secret. Returns what was
/// hidden, for [`scrub`].
fn redact(
    db: &mut SourceDb,
    files: std::ops::Range<u32>,
    read: &[(FileId, &Profile)],
    types: &OptionTypes,
) -> Hidden {
    let secret_option = |name: &str| types.get(name) == Some("secret");
    let mut hidden = Hidden::default();
    for (_, p) in read.iter() {
        hidden.pieces.extend(p.secret_values());
        for (key, value) in p.config.iter() {
            if let (true, Scalar::Str(v)) = (secret_option(&key.value), &value.value) {
                hidden.pieces.push(v.clone());
            }
        }
    }
    for id in files.clone().map(FileId) {
        let mut spans = profile::secret_lines(&db.get(id).text);
        if let Some((_, p)) = read.iter().find(|(r, _)| *r == id) {
            spans.extend(p.secret_spans(secret_option));
        }
        let path = db.get(id).path.clone();
        if let Some((key, value)) = path.strip_prefix("--set ").and_then(|a| a.split_once('=')) {
            if !public_path(key, types) {
                let len = db.get(id).text.len();
                let start = len.saturating_sub(value.len() + 1);
                spans.push(Span::new(start, len));
            }
        }
        let text = &db.get(id).text;
        for span in &spans {
            let written = text
                .get(span.start as usize..span.end as usize)
                .unwrap_or("");
            hidden.pieces.extend(written_pieces(written));
        }
        hidden.spans.extend(spans.iter().map(|s| (id, *s)));
    }
    hidden.pieces.retain(|p| !p.trim().is_empty());
    hidden.pieces.sort_by_key(|v| std::cmp::Reverse(v.len()));
    hidden.pieces.dedup();
    for id in files.map(FileId) {
        let set = db.get(id).path.starts_with("--set ");
        let spans: Vec<Span> = hidden
            .spans
            .iter()
            .filter(|(f, _)| *f == id)
            .map(|(_, s)| *s)
            .collect();
        db.redact_spans(id, &spans, set);
        db.redact(id, &hidden.pieces, set);
    }
    hidden
}

/// The texts a secret written as `written` (a value to the end of its line) can be quoted as:
/// the whole, unquoted, and in a flow collection, each item and each value of a credential
/// field (not the other fields' values, which are hidden only where they are written).
fn written_pieces(written: &str) -> Vec<String> {
    let unquote = |s: &str| {
        let s = s.trim();
        s.strip_prefix(['"', '\''])
            .map(|r| r.strip_suffix(['"', '\'']).unwrap_or(r))
            .unwrap_or(s)
            .to_string()
    };
    let mut out = vec![written.trim().to_string(), unquote(written)];
    if written.trim_start().starts_with(['{', '[']) {
        for part in written.split([',', '{', '}', '[', ']']) {
            match part.split_once(": ") {
                Some((key, value)) if profile::is_secret_field(&unquote(key)) => {
                    out.push(unquote(value))
                }
                Some(_) => {}
                None => out.push(unquote(part)),
            }
        }
    }
    out
}

/// Hides the secrets in what `diags` say: their text in every message, label and help, and
/// for a diagnostic about a secret value's own reading (`Y006`), the reading too.
fn scrub(diags: &mut [Diagnostic], hidden: &Hidden) {
    let masks: Vec<(&str, String)> = hidden
        .pieces
        .iter()
        .map(|piece| (piece.as_str(), "*".repeat(piece.chars().count())))
        .collect();
    let clean = |text: &mut String| {
        for (piece, stars) in &masks {
            if let Cow::Owned(hidden) = paasc_diag::hide(text, piece, stars) {
                *text = hidden;
            }
        }
    };
    for d in diags {
        let at_secret = hidden.spans.iter().any(|(f, s)| {
            *f == d.primary.file
                && d.primary.span.start < s.end.max(s.start + 1)
                && s.start < d.primary.span.end.max(d.primary.span.start + 1)
        });
        if at_secret && d.code == Code::YAML11_AMBIGUITY {
            d.message = "this secret value is read differently by YAML 1.1 (charmcraft, rockcraft, paas-charm) and YAML 1.2 tools; its value is not shown".into();
            d.primary.message = "a secret value".into();
            d.help = Some("quote the secret value so that every tool reads the same string".into());
        }
        clean(&mut d.message);
        clean(&mut d.primary.message);
        d.labels.iter_mut().for_each(|l| clean(&mut l.message));
        if let Some(h) = d.help.as_mut() {
            clean(h);
        }
        scrub(&mut d.related, hidden);
    }
}

/// Whether `--set key=...` names a known profile entry that is not secret, so that its value
/// may be shown. Anything else (a secret, a secret-typed option, a misspelt or unknown path,
/// which may be a secret's misspelling) is hidden.
fn public_path(key: &str, types: &OptionTypes) -> bool {
    let segments: Vec<&str> = key.split('.').collect();
    if profile::is_secret_path(&segments) {
        return false;
    }
    match segments.as_slice() {
        ["app" | "model" | "unit" | "units" | "peer-units"] => true,
        ["proxy", "http-proxy" | "https-proxy" | "no-proxy"] => true,
        ["kubernetes", ..] => true,
        ["config", option] => types.get(option).is_some_and(|t| t != "secret"),
        ["integrations", _, "app" | "interface"] => true,
        ["integrations", _, "data" | "unit-data", field]
        | ["integrations", _, "units", _, field] => !profile::is_secret_field(field),
        _ => false,
    }
}

/// Lowers the profile in file `id`; an overlay (`partial`) may leave out required keys.
fn lower_text(
    db: &SourceDb,
    id: FileId,
    partial: bool,
    diags: &mut Vec<Diagnostic>,
) -> Option<Profile> {
    let (tree, mut found) = paasc_syntax::parse(id, &db.get(id).text, Limits::default());
    diags.append(&mut found);
    if tree.root().is_none() {
        return Some(Profile::default());
    }
    let mut cx = Cx::new(&tree, id);
    cx.partial = partial;
    let p = profile::lower(&mut cx);
    diags.append(&mut cx.diags);
    p
}

/// A checked project before any profile: everything the image is built from (the rock, and
/// what paas-charm writes for the charm's default config). A deployment's [`Resolved`] holds
/// one and reads through to it.
pub struct App {
    /// The framework of the app.
    pub framework: Framework,
    /// The project directory (the rock's build context).
    pub project_dir: PathBuf,
    /// The rock's files, as the loader read them.
    pub rock_dir: paasc_expand::ProjectDir,
    /// The expanded charmcraft.yaml.
    pub charm: std::sync::Arc<Yaml>,
    /// The expanded rockcraft.yaml (shared by the project's deployments).
    pub rock: std::sync::Arc<Yaml>,
    /// The charm's `paas-config.yaml`, loaded, when it has one.
    pub paas_config: Option<Yaml>,
    /// What paas-charm gives the workload with the charm's default config, or the status it
    /// sets when it refuses the defaults.
    pub defaults: Result<paasc_runtime::Defaults, paasc_runtime::Status>,
    /// charmcraft.yaml, where diagnostics about the charm point when no better span is known.
    pub charm_file: FileId,
    /// rockcraft.yaml and its tree, for diagnostics about the rock's own values.
    pub rock_source: Option<(FileId, std::sync::Arc<paasc_syntax::Tree>)>,
}

impl App {
    /// A diagnostic at `at` in rockcraft.yaml (found in [`App::rock_source`]'s tree), with the
    /// `profile` compiled (if any) as a secondary label; or at the profile (charmcraft.yaml
    /// without one), labelled `otherwise`, when rockcraft.yaml does not hold the value.
    pub fn rock_diagnostic(
        &self,
        profile: Option<FileId>,
        code: Code,
        at: Option<Span>,
        message: String,
        label: &str,
        otherwise: &str,
    ) -> Diagnostic {
        match self.rock_source.as_ref().map(|(f, _)| *f).zip(at) {
            Some((file, span)) => {
                let d = Diagnostic::new(code, file, span, message).label(label);
                match profile {
                    Some(p) => d.secondary(p, Span::point(0), "while compiling this profile"),
                    None => d,
                }
            }
            None => Diagnostic::new(
                code,
                profile.unwrap_or(self.charm_file),
                Span::point(0),
                message,
            )
            .label(otherwise),
        }
    }
}

/// The framework of the checked charm, or `C001` at charmcraft.yaml when it uses no framework
/// extension (there is no 12-factor app to compile).
fn framework_of(
    checked: &Checked,
    charm_file: FileId,
    diags: &mut Vec<Diagnostic>,
) -> Option<Framework> {
    let found = checked.framework;
    if found.is_none() {
        diags.push(
            Diagnostic::new(
                Code::EXTENSION_UNKNOWN,
                charm_file,
                Span::point(0),
                "charmcraft.yaml uses no framework extension, so there is no 12-factor app to compile",
            )
            .label("here")
            .help("add `extensions: [flask-framework]` (or another framework)"),
        );
    }
    found
}

/// The checked project as the image sees it, or `None` (the reasons in `diags`) when it has
/// errors or uses no framework extension.
pub fn app(project: &Project, checked: &Checked, diags: &mut Vec<Diagnostic>) -> Option<App> {
    let parts = parts(project, checked)?;
    if paasc_diag::has_errors(diags) {
        return None;
    }
    let framework = framework_of(checked, parts.charm_file, diags)?;
    build_app(project, checked, framework)
}

/// What an [`App`] is made of: the two files and their expansions.
struct Parts<'a> {
    charm_file: FileId,
    rock_file: FileId,
    charm: &'a std::sync::Arc<Yaml>,
    rock: &'a paasc_expand::rockcraft::Expanded,
}

/// The [`Parts`] of the checked project, when it has them all.
fn parts<'a>(project: &Project, checked: &'a Checked) -> Option<Parts<'a>> {
    Some(Parts {
        charm_file: project.files.charmcraft?,
        rock_file: project.files.rockcraft?,
        charm: checked.charm.as_ref()?,
        rock: checked.rock.as_ref()?,
    })
}

/// The project's [`App`], built once and shared by every profile applied to it.
fn shared_app(
    project: &Project,
    checked: &Checked,
    framework: Framework,
) -> Option<std::sync::Arc<App>> {
    let app = checked
        .app
        .get_or_init(|| build_app(project, checked, framework).map(std::sync::Arc::new));
    app.clone()
}

/// [`app`] once the project is known to be sound and to use `framework`.
fn build_app(project: &Project, checked: &Checked, framework: Framework) -> Option<App> {
    let Parts {
        charm_file,
        rock_file,
        charm,
        rock,
    } = parts(project, checked)?;
    let paas_config = project
        .charm_dir
        .as_ref()
        .and_then(|d| d.listing.texts.get("paas-config.yaml"))
        .and_then(|t| {
            let (tree, _) = paasc_syntax::parse(charm_file, t, Limits::default());
            tree.root().map(|r| Yaml::from_tree(&tree, r))
        });
    let (rock_dir, project_dir) = project
        .rock_dir
        .as_ref()
        .map(|d| (d.listing.clone(), d.root.clone()))
        .unwrap_or_default();
    Some(App {
        framework,
        project_dir,
        rock_dir,
        charm: charm.clone(),
        rock: rock.yaml.clone(),
        defaults: paasc_runtime::defaults(framework, charm, &rock.yaml, paas_config.as_ref()),
        paas_config,
        charm_file,
        rock_source: checked
            .analysis
            .rock_tree
            .clone()
            .map(|tree| (rock_file, tree)),
    })
}

/// A profile applied to a checked project: the resolved app, everything the back ends of a
/// deployment read. The project's own values are its [`App`]'s (`resolved.rock`, ...).
pub struct Resolved {
    /// The checked project (shared by the project's deployments).
    pub app: std::sync::Arc<App>,
    /// The profile, with `--set` applied.
    pub profile: Profile,
    /// What paas-charm is given.
    pub deployment: Deployment,
    /// What paas-charm does with it.
    pub plan: paasc_runtime::Plan,
    /// Where diagnostics about the deployment point when no better span is known: the
    /// profile file, or charmcraft.yaml when there is none.
    pub anchor: FileId,
    /// charmcraft.yaml and its tree, for diagnostics about the charm's own values.
    pub charm_source: (FileId, std::sync::Arc<paasc_syntax::Tree>),
}

impl std::ops::Deref for Resolved {
    type Target = App;
    fn deref(&self) -> &App {
        &self.app
    }
}

impl Resolved {
    /// [`App::rock_diagnostic`] for this deployment's profile.
    pub fn rock_diagnostic(
        &self,
        code: Code,
        at: Option<Span>,
        message: String,
        label: &str,
        otherwise: &str,
    ) -> Diagnostic {
        self.app
            .rock_diagnostic(Some(self.anchor), code, at, message, label, otherwise)
    }
}

/// Applies the profile read into the project's sources as `profile` (and the `--set` overlays
/// `sets`) to a checked project and plans the deployment as paas-charm would. Returns `None`,
/// with the reasons in `diags`, when any error is found. The profile is checked against the
/// charm whenever the charm expanded cleanly; the deployment is planned only for a project
/// without errors.
pub fn apply_profile(
    project: &mut Project,
    checked: &Checked,
    profile: Option<FileId>,
    sets: &[String],
    diags: &mut Vec<Diagnostic>,
) -> Option<Resolved> {
    project.files.charmcraft?;
    project.files.rockcraft?;
    let db = &mut project.db;
    let start = diags.len();
    let first = profile.unwrap_or(db.next_id()).0;
    let mut read = Vec::new();
    let loaded = load_profile(db, profile, sets, &mut read, diags);
    let types = OptionTypes::new(checked.charm.as_deref());
    let alone = match &loaded {
        Some((p, Some(id))) if sets.is_empty() => Some((*id, p)),
        _ => None,
    };
    let read: Vec<(FileId, &Profile)> = read.iter().map(|(id, p)| (*id, p)).chain(alone).collect();
    let hidden = redact(db, first..db.next_id().0, &read, &types);
    let resolved = resolve(project, checked, loaded, &types, diags, start);
    scrub(&mut diags[start..], &hidden);
    resolved
}

/// [`apply_profile`] once the profile is loaded (`loaded`) and its secrets hidden.
fn resolve(
    project: &mut Project,
    checked: &Checked,
    loaded: Option<(Profile, Option<FileId>)>,
    option_types: &OptionTypes,
    diags: &mut Vec<Diagnostic>,
    start: usize,
) -> Option<Resolved> {
    let (charm_file, rock_file) = (project.files.charmcraft?, project.files.rockcraft?);
    let (Some(charm), Some((profile, profile_file))) = (&checked.charm, loaded) else {
        return None;
    };
    if paasc_diag::has_errors(&diags[start..]) {
        return None;
    }
    let charm_tree = checked.analysis.charm_tree.as_ref()?;
    let framework = framework_of(checked, charm_file, diags)?;
    let anchor = profile_file.or(profile.file).unwrap_or(charm_file);
    diags.extend(rules::profile(&ProfileCx {
        profile: &profile,
        charm,
        option_types,
        anchor,
        framework,
        charm_file,
        charm_tree,
    }));
    if paasc_diag::has_errors(&diags[start..]) || checked.errors {
        return None;
    }
    let app = shared_app(project, checked, framework)?;
    let deployment = deployment_with(&profile, charm, option_types);
    let plan = paasc_runtime::plan(
        framework,
        charm,
        &app.rock,
        app.paas_config.as_ref(),
        &deployment,
    );
    let rock_file_tree = checked
        .analysis
        .rock_tree
        .as_deref()
        .map(|tree| (rock_file, tree));
    let found = rules::plan(&PlanCx {
        profile: &profile,
        plan: &plan,
        framework,
        charm,
        charm_file,
        charm_tree,
        rock: rock_file_tree,
        rock_yaml: &app.rock,
        rock_dir: &app.rock_dir,
        anchor,
    });
    let stop = paasc_diag::has_errors(&found);
    diags.extend(found);
    if stop {
        return None;
    }
    Some(Resolved {
        app,
        profile,
        deployment,
        plan,
        anchor,
        charm_source: (charm_file, charm_tree.clone()),
    })
}

/// The framework a charm uses, from its unexpanded `extensions`.
pub fn framework(charm_source: &Yaml) -> Option<Framework> {
    charm_source
        .get("extensions")?
        .as_seq()?
        .iter()
        .filter_map(Yaml::as_str)
        .find_map(Framework::from_name)
}

/// The deployment paas-charm sees for the profile `p`: its entries the profile rules accept
/// (those they refuse are left out), with the charm's name as the default application name.
pub fn deployment(p: &Profile, charm: &Yaml) -> Deployment {
    deployment_with(p, charm, &OptionTypes::new(Some(charm)))
}

/// [`deployment`] with the charm's options' types already indexed.
fn deployment_with(p: &Profile, charm: &Yaml, types: &OptionTypes) -> Deployment {
    let mut d = Deployment {
        app: p.app.as_ref().map_or_else(
            || {
                charm
                    .get("name")
                    .and_then(Yaml::as_str)
                    .unwrap_or("app")
                    .to_string()
            },
            |a| a.value.clone(),
        ),
        model: p
            .model
            .as_ref()
            .map_or_else(|| "default".to_string(), |m| m.value.clone()),
        unit: p
            .unit
            .as_ref()
            .and_then(|u| u32::try_from(u.value).ok())
            .unwrap_or(0),
        peer_units: p.peers(),
        secret_key: p.secret_key.as_ref().map(|k| k.value.clone()),
        proxy: ProxySettings {
            http_proxy: p.proxy.http_proxy.as_ref().map(|v| v.value.clone()),
            https_proxy: p.proxy.https_proxy.as_ref().map(|v| v.value.clone()),
            no_proxy: p.proxy.no_proxy.as_ref().map(|v| v.value.clone()),
        },
        ..Deployment::default()
    };
    for (key, value) in p.config.iter() {
        if let Some(v) = types
            .get(key.value.as_str())
            .and_then(|kind| config_value(kind, &value.value))
        {
            d.config.insert(key.value.clone(), v);
        }
    }
    for (key, content) in p.secrets.iter() {
        if types.get(key.value.as_str()) == Some("secret") {
            d.secrets.insert(
                key.value.clone(),
                content
                    .iter()
                    .map(|(k, v)| (k.value.clone(), v.value.clone()))
                    .collect(),
            );
        }
    }
    let endpoints = endpoint_names(charm);
    for (key, integration) in p.integrations.iter() {
        if !endpoints.contains(&key.value.as_str()) {
            continue;
        }
        let bag = |m: &paasc_model::lower::SpannedMap<
            paasc_model::lower::Spanned<profile::DataValue>,
        >| {
            m.iter()
                .map(|(k, v)| (k.value.clone(), v.value.0.clone()))
                .collect()
        };
        let relation = |integration: &profile::Integration| Relation {
            remote_app_name: integration
                .app
                .as_ref()
                .map_or_else(|| key.value.clone(), |a| a.value.clone()),
            app_data: bag(&integration.data),
            units_data: integration
                .units
                .iter()
                .map(|(u, data)| (u.value, bag(data)))
                .collect(),
            secrets: integration
                .secrets
                .iter()
                .map(|(k, c)| {
                    (
                        k.value.clone(),
                        c.iter()
                            .map(|(ck, cv)| (ck.value.clone(), cv.value.clone()))
                            .collect(),
                    )
                })
                .collect(),
        };
        d.relations.insert(key.value.clone(), relation(integration));
        // The list form: later entries are the relations ops lists after the first.
        if !integration.more.is_empty() {
            d.more_relations.insert(
                key.value.clone(),
                integration.more.iter().map(relation).collect(),
            );
        }
    }
    d
}
