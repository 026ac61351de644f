//! paasc's own rules: problems charmcraft and rockcraft do not report, and those paas-charm
//! would meet only at deploy time. One rule per file, each holding its code (with the
//! `paasc explain` text), a short description, and its logic.
//!
//! A rule runs at one [`Stage`]: on the charm as written (during `check`), on a deployment
//! profile against the expanded charm (before the deployment is built from it), or on
//! paas-charm's plan of that deployment.
//!
//! Adding a rule: a file here, its name in `rules!` below, and a golden case.

use paasc_diag::{Code, Diagnostic, FileId, SourceDb, Span};
use paasc_model::profile::Profile;
use paasc_runtime::{Framework, Plan};
use paasc_syntax::{NodeId, Tree, Value, Yaml};

/// The charm as written, for the rules of [`Stage::Charm`].
pub(crate) struct CharmCx<'a> {
    /// charmcraft.yaml.
    pub file: FileId,
    /// Its tree (read as PyYAML loads it, before the extension is applied: see
    /// [`CharmCx::entries`]).
    pub tree: &'a Tree,
    /// The framework its extension names.
    pub framework: Framework,
    /// The spans of the errors already found in charmcraft.yaml.
    pub errors: Vec<Span>,
    /// The charm's directory, with its own code.
    pub dir: &'a crate::Dir,
    /// The run's files, for rules that point into other files of the project.
    pub db: &'a mut SourceDb,
    /// [`CharmCx::options`], read once.
    pub options: std::cell::OnceCell<Vec<(&'a str, NodeId)>>,
}

impl<'a> CharmCx<'a> {
    /// The node under the string key `key` of the mapping `node`, as the loaded document reads
    /// it (the first entry whose key loads as that string, as [`Yaml::get`] finds it).
    pub fn get(&self, node: NodeId, key: &str) -> Option<NodeId> {
        // A key that loads as a string loads as its text.
        self.tree
            .as_map(node)?
            .iter()
            .find(|e| self.tree.text(e.key) == Some(key) && self.str(e.key).is_some())
            .map(|e| e.value)
    }

    /// The string a scalar node loads as (`None` for any other value).
    pub fn str(&self, node: NodeId) -> Option<&'a str> {
        match self.tree.value(node)? {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The entries of the mapping at `path` whose keys load as strings, in file order: each
    /// key's string and the value's node (none when `path` holds no mapping).
    pub fn entries(&self, path: &[&str]) -> Vec<(&'a str, NodeId)> {
        let map = self
            .tree
            .root()
            .and_then(|root| path.iter().try_fold(root, |node, key| self.get(node, key)));
        let entries = map.and_then(|m| self.tree.as_map(m)).unwrap_or(&[]);
        let mut out = Vec::with_capacity(entries.len());
        out.extend(
            entries
                .iter()
                .filter_map(|e| Some((self.str(e.key)?, e.value))),
        );
        out
    }

    /// The options (`config.options`), each name with its declaration's node, in file order.
    pub fn options(&self) -> &[(&'a str, NodeId)] {
        self.options
            .get_or_init(|| self.entries(&["config", "options"]))
    }

    /// The options' names, in file order.
    pub fn option_names(&self) -> impl ExactSizeIterator<Item = &'a str> + '_ {
        self.options().iter().map(|(n, _)| *n)
    }
}

impl CharmCx<'_> {
    /// The span of the key at `path` in charmcraft.yaml.
    pub fn key(&self, path: &[&str]) -> Option<Span> {
        self.tree.lookup(path).map(|e| self.tree.span(e.key))
    }

    /// The span of the option `name`'s key (`config.options.<name>`), as [`CharmCx::key`]
    /// finds it, with the options' mapping looked up once.
    pub fn option_keys<'s>(&'s self) -> impl Fn(&str) -> Option<Span> + 's {
        let tree: &'s Tree = self.tree;
        let options = tree.lookup(&["config", "options"]);
        move |name| {
            let e = tree.get(options?.value, name)?;
            Some(tree.span(e.key))
        }
    }

    /// Whether no error was found in the entries of the top-level keys `keys`.
    fn sound(&self, keys: &[&str]) -> bool {
        keys.iter().all(|key| {
            let Some(e) = self.tree.lookup(&[key]) else {
                return true;
            };
            let entry = self.tree.span(e.key).cover(self.tree.span(e.value));
            !self.errors.iter().any(|s| {
                s.start < entry.end.max(entry.start + 1) && entry.start < s.end.max(s.start + 1)
            })
        })
    }
}

/// A profile and the expanded charm, for the rules of [`Stage::Profile`].
pub(crate) struct ProfileCx<'a, 't> {
    /// The profile, with `--set` applied.
    pub profile: &'a Profile,
    /// The expanded charmcraft.yaml.
    pub charm: &'a Yaml,
    /// Its options' types, by name.
    pub option_types: &'a crate::declared::OptionTypes<'t>,
    /// Where a problem of the whole profile points: the profile file, or charmcraft.yaml
    /// when there is none.
    pub anchor: FileId,
    /// The framework.
    pub framework: Framework,
    /// charmcraft.yaml.
    pub charm_file: FileId,
    /// Its tree.
    pub charm_tree: &'a Tree,
}

impl ProfileCx<'_, '_> {
    /// The file the profile's entry `section.key` comes from.
    pub fn origin(&self, section: &str, key: &str) -> FileId {
        self.profile.origin(section, key).unwrap_or(self.anchor)
    }
}

/// paas-charm's plan of a deployment, for the rules of [`Stage::Plan`].
pub(crate) struct PlanCx<'a> {
    /// The profile the deployment was built from.
    pub profile: &'a Profile,
    /// The plan.
    pub plan: &'a Plan,
    /// The framework.
    pub framework: Framework,
    /// The expanded charmcraft.yaml.
    pub charm: &'a Yaml,
    /// charmcraft.yaml.
    pub charm_file: FileId,
    /// The tree of charmcraft.yaml.
    pub charm_tree: &'a Tree,
    /// rockcraft.yaml and its tree.
    pub rock: Option<(FileId, &'a Tree)>,
    /// The expanded rockcraft.yaml.
    pub rock_yaml: &'a Yaml,
    /// The rock's directory as the loader read it.
    pub rock_dir: &'a paasc_expand::ProjectDir,
    /// Where a problem of the whole profile points.
    pub anchor: FileId,
}

/// When a rule runs, and what it looks at.
pub(crate) enum Stage {
    /// On the charm as written, when the entries of the top-level keys it `reads` hold no
    /// error (whatever else is wrong in the file).
    Charm {
        /// The top-level keys of charmcraft.yaml the rule reads.
        reads: &'static [&'static str],
        /// The rule.
        run: fn(&mut CharmCx) -> Vec<Diagnostic>,
    },
    /// On a profile, before the deployment is built from it.
    Profile(fn(&ProfileCx) -> Vec<Diagnostic>),
    /// On paas-charm's plan of the deployment.
    Plan(fn(&PlanCx) -> Vec<Diagnostic>),
}

macro_rules! rules {
    ($($rule:ident),* $(,)?) => {
        $(mod $rule;)*
        /// When each rule runs.
        const RULES: &[Stage] = &[$($rule::STAGE),*];
        /// The codes of the rules, with their explanations.
        pub const CODES: &[Code] = &[$($rule::CODE),*];
    };
}

rules! {
    option_not_exported,
    env_name_collision,
    integration_not_read,
    profile_unknown_option,
    profile_wrong_type,
    profile_unknown_endpoint,
    unit_not_active,
    secret_key_missing,
    profile_interface_mismatch,
    integration_limit_exceeded,
    option_required_ignored,
    option_name_not_variable,
    option_variable_invalid,
    kubernetes_invalid_value,
    kubernetes_value_left_out,
}

pub use kubernetes_invalid_value::{split_image, SCRATCH_DIRS};
pub use kubernetes_value_left_out::peer_ordinals;

/// The diagnostics of the charm rules.
pub(crate) fn charm(cx: &mut CharmCx) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for stage in RULES {
        if let Stage::Charm { reads, run } = stage {
            if cx.sound(reads) {
                out.extend(run(cx));
            }
        }
    }
    out
}

/// The diagnostics of the rules `pick` runs on `cx`.
fn each<C>(cx: &C, pick: impl Fn(&Stage) -> Option<fn(&C) -> Vec<Diagnostic>>) -> Vec<Diagnostic> {
    RULES
        .iter()
        .filter_map(pick)
        .flat_map(|run| run(cx))
        .collect()
}

/// The diagnostics of the profile rules.
pub(crate) fn profile(cx: &ProfileCx) -> Vec<Diagnostic> {
    each(cx, |stage| match stage {
        Stage::Profile(run) => Some(*run),
        _ => None,
    })
}

/// The diagnostics of the plan rules.
pub(crate) fn plan(cx: &PlanCx) -> Vec<Diagnostic> {
    each(cx, |stage| match stage {
        Stage::Plan(run) => Some(*run),
        _ => None,
    })
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::{CharmCx, Stage};
    use paasc_diag::{Code, Diagnostic, FileId, SourceDb};
    use paasc_runtime::Framework;

    /// The code and the text of the key of each finding of `stage` on the flask charm `text`.
    pub fn charm_findings(stage: &Stage, text: &str) -> Vec<(Code, String)> {
        charm_diagnostics(stage, text, &crate::Dir::default())
            .into_iter()
            .map(|d| {
                let start = d.primary.span.start as usize;
                let end = d.primary.span.end as usize;
                (d.code, text[start..end].to_string())
            })
            .collect()
    }

    /// The diagnostics of `stage` on the flask charm `text` in `dir`.
    pub fn charm_diagnostics(stage: &Stage, text: &str, dir: &crate::Dir) -> Vec<Diagnostic> {
        let Stage::Charm { run, .. } = stage else {
            return Vec::new();
        };
        let mut db = SourceDb::new();
        let file = db.add("charmcraft.yaml", text);
        let (tree, _) = paasc_syntax::parse(FileId(0), text, Default::default());
        let mut cx = CharmCx {
            file,
            tree: &tree,
            framework: Framework::Flask,
            errors: Vec::new(),
            dir,
            db: &mut db,
            options: Default::default(),
        };
        run(&mut cx)
    }
}
