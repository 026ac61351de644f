//! A picture of the deployment (Mermaid, or Graphviz DOT), for `paasc graph`: the app's
//! services (the main one, workers, schedulers, the migration), its integrations and the
//! applications that provide them, and the Kubernetes objects the Helm chart creates for the
//! profile. Pure, like the artifacts: a function of the resolved deployment.

use paasc_check::Resolved;
use paasc_frameworks::ServiceRole;
use paasc_syntax::Yaml;

/// The deployment as a Mermaid flowchart (GitHub renders it in Markdown).
pub fn mermaid(app: &Resolved) -> String {
    mermaid_of(&picture(app))
}

/// The deployment as Graphviz DOT.
pub fn dot(app: &Resolved) -> String {
    dot_of(&picture(app))
}

/// One node of the picture.
struct Node {
    id: String,
    label: String,
    /// The group it is drawn in.
    group: Group,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Group {
    App,
    Provider,
    Kubernetes,
}

impl Group {
    fn title(self) -> &'static str {
        match self {
            Group::App => "the app's services",
            Group::Provider => "integrations",
            Group::Kubernetes => "Kubernetes objects (Helm chart)",
        }
    }
    fn id(self) -> &'static str {
        match self {
            Group::App => "app",
            Group::Provider => "integrations",
            Group::Kubernetes => "k8s",
        }
    }
}

/// The picture: nodes and labelled edges.
struct Picture {
    title: String,
    nodes: Vec<Node>,
    edges: Vec<(String, String, String)>,
}

/// An identifier Mermaid and DOT both accept.
fn ident(prefix: &str, name: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("{prefix}_{clean}")
}

/// The value at the dotted `path` under `.Values`.
fn value_at<'a>(values: &'a Yaml, path: &str) -> Option<&'a Yaml> {
    path.split('.').try_fold(values, |v, key| v.get(key))
}

/// Whether Go templates would take `v` as true.
fn truthy(v: Option<&Yaml>) -> bool {
    match v {
        None | Some(Yaml::Null | Yaml::Bool(false)) => false,
        Some(Yaml::Seq(items)) => !items.is_empty(),
        Some(Yaml::Map(entries)) => !entries.is_empty(),
        Some(Yaml::Str(s)) => !s.is_empty(),
        Some(Yaml::Int(i)) => *i != 0,
        Some(_) => true,
    }
}

/// How many times a template renders its objects with `values`, and the names of the items
/// when it ranges over a list: its first `if`, `with` or `range` over `.Values` before any
/// object (comments skipped) decides; a template without one renders once.
/// Whether every term of a template's `and` holds: `.Values.path` (truthy) or
/// `(eq .Values.path "text")`. A term of another form is taken to hold.
fn all_hold(terms: &str, values: &Yaml) -> bool {
    let mut rest = terms.trim();
    while !rest.is_empty() {
        let (term, after) = match rest.strip_prefix('(') {
            Some(inner) => inner.split_once(')').unwrap_or((inner, "")),
            None => rest.split_once(' ').unwrap_or((rest, "")),
        };
        rest = after.trim();
        let holds = match term.split_whitespace().collect::<Vec<_>>().as_slice() {
            ["eq", path, text] => path.strip_prefix(".Values.").is_none_or(|p| {
                value_at(values, p).and_then(Yaml::as_str) == Some(text.trim_matches('"'))
            }),
            [path] => path
                .strip_prefix(".Values.")
                .is_none_or(|p| truthy(value_at(values, p))),
            _ => true,
        };
        if !holds {
            return false;
        }
    }
    true
}

fn renders(text: &str, values: &Yaml) -> Vec<Option<String>> {
    let mut in_comment = false;
    for line in text.lines() {
        let l = line.trim();
        if in_comment || l.starts_with("{{- /*") || l.starts_with("{{/*") {
            in_comment = !l.ends_with("*/ -}}") && !l.ends_with("*/}}");
            continue;
        }
        if l.starts_with("apiVersion:") || l.starts_with("kind:") {
            break;
        }
        let Some(directive) = l
            .strip_prefix("{{-")
            .or_else(|| l.strip_prefix("{{"))
            .map(str::trim)
        else {
            continue;
        };
        let (word, rest) = directive.split_once(' ').unwrap_or((directive, ""));
        let rest = rest.trim_end_matches("}}").trim_end_matches('-').trim();
        if let Some(terms) = rest.strip_prefix("and ").filter(|_| word == "if") {
            return if all_hold(terms, values) {
                vec![None]
            } else {
                Vec::new()
            };
        }
        let Some(path) = rest
            .trim_end_matches("}}")
            .trim_end_matches('-')
            .trim()
            .strip_prefix(".Values.")
        else {
            continue;
        };
        let v = value_at(values, path);
        return match (word, v) {
            ("range", Some(Yaml::Seq(items))) => items
                .iter()
                .map(|i| i.get("name").and_then(Yaml::as_str).map(str::to_string))
                .collect(),
            ("range", _) => Vec::new(),
            _ if truthy(v) => vec![None],
            _ => Vec::new(),
        };
    }
    vec![None]
}

/// The Kubernetes objects the chart creates with its `values.yaml` for this deployment, as
/// `Kind (template)` or `Kind name (template)`.
fn kubernetes_objects(app: &Resolved) -> Vec<String> {
    let Ok(files) = crate::helm::app::files(app, crate::Mode::Render) else {
        return Vec::new();
    };
    let values = files
        .iter()
        .find(|(p, _)| p.ends_with("/values.yaml"))
        .and_then(|(_, text)| {
            let (tree, _) =
                paasc_syntax::parse(paasc_diag::FileId(0), text, paasc_syntax::Limits::default());
            tree.root().map(|r| Yaml::from_tree(&tree, r))
        })
        .unwrap_or(Yaml::Null);
    let mut kinds = Vec::new();
    for (path, text) in &files {
        if !path.contains("/templates/") || !path.ends_with(".yaml") {
            continue;
        }
        let template = path.rsplit('/').next().unwrap_or(path);
        let objects: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("kind: "))
            .map(str::trim)
            .collect();
        for name in renders(text, &values) {
            for kind in &objects {
                kinds.push(match &name {
                    Some(n) => format!("{kind} {n} ({template})"),
                    None => format!("{kind} ({template})"),
                });
            }
        }
    }
    kinds
}

fn picture(app: &Resolved) -> Picture {
    let mut nodes = Vec::new();
    let mut edges = Vec::new();
    let port = app
        .plan
        .port
        .map_or(String::new(), |p| format!(", port {p}"));
    let mut main_id = String::new();
    for s in crate::pebble::services::read(app, app.plan.layer.as_ref()) {
        let role = match (s.main, s.role) {
            (true, _) => format!("main service{port}"),
            (false, ServiceRole::Worker) => "worker".into(),
            (false, ServiceRole::Scheduler) => "scheduler (unit 0)".into(),
            (false, ServiceRole::Other) => "service".into(),
        };
        let id = ident("svc", s.name);
        if s.main {
            main_id = id.clone();
        }
        nodes.push(Node {
            id,
            label: format!("{}: {role}", s.name),
            group: Group::App,
        });
    }
    let migration = paasc_runtime::migration_command(app.framework, |f| {
        app.rock_dir.entries.iter().any(|e| e == f)
    });
    if let Some(cmd) = migration {
        nodes.push(Node {
            id: "svc_migration".into(),
            label: format!("migration: {}", cmd.join(" ")),
            group: Group::App,
        });
        if !main_id.is_empty() {
            edges.push((
                "svc_migration".into(),
                main_id.clone(),
                "runs before".into(),
            ));
        }
    }
    let requires = app
        .charm
        .get("requires")
        .and_then(Yaml::as_map)
        .unwrap_or(&[]);
    for (k, v) in requires {
        let Some(endpoint) = k.as_str() else { continue };
        let interface = v.get("interface").and_then(Yaml::as_str).unwrap_or("?");
        let provided = app
            .deployment
            .relations_on(endpoint)
            .map(|r| r.remote_app_name.clone())
            .collect::<Vec<_>>();
        let optional = v.get("optional") == Some(&Yaml::Bool(true));
        let id = ident("int", endpoint);
        let by = if provided.is_empty() {
            "not integrated".to_string()
        } else {
            format!("from {}", provided.join(", "))
        };
        nodes.push(Node {
            id: id.clone(),
            label: format!(
                "{endpoint} ({interface}{}): {by}",
                if optional { ", optional" } else { "" }
            ),
            group: Group::Provider,
        });
        if !main_id.is_empty() {
            edges.push((main_id.clone(), id, interface.to_string()));
        }
    }
    for (i, kind) in kubernetes_objects(app).into_iter().enumerate() {
        let id = format!("k8s_{i}");
        let runs = if kind.starts_with("StatefulSet (statefulset.yaml") {
            Some(main_id.clone())
        } else if kind.starts_with("Job (migration-job.yaml") {
            Some("svc_migration".to_string())
        } else {
            kind.strip_prefix("Deployment ")
                .and_then(|rest| rest.split_once(' '))
                .map(|(name, _)| ident("svc", name))
        };
        if let Some(target) = runs.filter(|t| nodes.iter().any(|n| n.id == *t)) {
            edges.push((id.clone(), target, "runs".into()));
        }
        nodes.push(Node {
            id,
            label: kind,
            group: Group::Kubernetes,
        });
    }
    Picture {
        title: format!(
            "{} ({}), model {}",
            app.deployment.app,
            app.framework.name(),
            app.deployment.model
        ),
        nodes,
        edges,
    }
}

/// Text safe inside a double-quoted Mermaid or DOT label.
fn label(s: &str) -> String {
    s.replace('"', "'")
        .replace(['\\', '\n', '\r'], " ")
        .replace(['<', '>'], "")
}

fn mermaid_of(p: &Picture) -> String {
    let mut out = format!("---\ntitle: \"{}\"\n---\nflowchart LR\n", label(&p.title));
    for g in [Group::App, Group::Provider, Group::Kubernetes] {
        let members: Vec<&Node> = p.nodes.iter().filter(|n| n.group == g).collect();
        if members.is_empty() {
            continue;
        }
        out.push_str(&format!("  subgraph {}[\"{}\"]\n", g.id(), g.title()));
        for n in members {
            let (open, close) = match g {
                Group::Provider => ("([\"", "\"])"),
                _ => ("[\"", "\"]"),
            };
            out.push_str(&format!("    {}{open}{}{close}\n", n.id, label(&n.label)));
        }
        out.push_str("  end\n");
    }
    for (a, b, l) in &p.edges {
        out.push_str(&format!("  {a} -->|\"{}\"| {b}\n", label(l)));
    }
    out
}

fn dot_of(p: &Picture) -> String {
    let mut out = format!(
        "digraph deployment {{\n  label=\"{}\";\n  rankdir=LR;\n  node [shape=box];\n",
        label(&p.title)
    );
    for g in [Group::App, Group::Provider, Group::Kubernetes] {
        let members: Vec<&Node> = p.nodes.iter().filter(|n| n.group == g).collect();
        if members.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "  subgraph cluster_{} {{\n    label=\"{}\";\n",
            g.id(),
            g.title()
        ));
        for n in members {
            let shape = if g == Group::Provider {
                " shape=ellipse"
            } else {
                ""
            };
            out.push_str(&format!(
                "    {} [label=\"{}\"{shape}];\n",
                n.id,
                label(&n.label)
            ));
        }
        out.push_str("  }\n");
    }
    for (a, b, l) in &p.edges {
        out.push_str(&format!("  {a} -> {b} [label=\"{}\"];\n", label(l)));
    }
    out.push_str("}\n");
    out
}
