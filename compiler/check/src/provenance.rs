//! Where each variable of a resolved app's environment comes from: paas-charm's provenance
//! ([`paasc_runtime::Provenance`]) with each source mapped to the entry of the profile or the
//! project file (charmcraft.yaml, rockcraft.yaml) that holds its value. Diagnostics about a
//! variable point there, and `paasc env --why` prints it.

use crate::Resolved;
use paasc_diag::{FileId, Span};
use paasc_model::lower::{Spanned, SpannedMap};
use paasc_model::profile::{DataValue, Integration, Scalar};
use paasc_runtime::{Given, Source};
use paasc_syntax::Tree;

/// Where a value is written: a file, the key path to it there, and its span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The profile (or the `--set` argument) or project file holding the value.
    pub file: FileId,
    /// The keys from the file's root to the value, e.g. `["config", "greeting"]` in a profile
    /// or `["config", "options", "greeting", "default"]` in charmcraft.yaml.
    pub path: Vec<String>,
    /// The value's span.
    pub span: Span,
}

/// One source of a variable, with where its value is written (nothing for what paas-charm
/// computes or sets itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Traced {
    /// The source, as paas-charm sees it.
    pub source: Source,
    /// Where its value is written.
    pub at: Vec<Origin>,
}

/// Where one variable of the environment comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Why {
    /// What the value is made of, the main source first.
    pub from: Vec<Traced>,
    /// The main sources of earlier values of the variable that this one replaced, the first
    /// set first.
    pub overrode: Vec<Traced>,
}

impl Why {
    /// Every place the value is written, the main source's first.
    pub fn origins(&self) -> impl Iterator<Item = &Origin> {
        self.from.iter().flat_map(|t| t.at.iter())
    }
}

impl Resolved {
    /// Where the environment variable `name` comes from, when the plan has it.
    pub fn why(&self, name: &str) -> Option<Why> {
        let p = self.plan.provenance_of(name)?;
        let trace = |sources: &[Source]| {
            sources
                .iter()
                .map(|s| Traced {
                    source: s.clone(),
                    at: self.origins(s),
                })
                .collect()
        };
        Some(Why {
            from: trace(&p.from),
            overrode: trace(&p.overrode),
        })
    }

    /// Where the value of `source` is written.
    pub fn origins(&self, source: &Source) -> Vec<Origin> {
        self.written(source).into_iter().map(|(o, _)| o).collect()
    }

    /// Where the value of the variable `name` is written: of the places its sources are
    /// written, the first whose value alone is `bad`, else the first.
    pub fn culprit(&self, name: &str, bad: impl Fn(&str) -> bool) -> Option<Origin> {
        let p = self.plan.provenance_of(name)?;
        let written: Vec<(Origin, Option<String>)> =
            p.from.iter().flat_map(|s| self.written(s)).collect();
        let pick = written
            .iter()
            .position(|(_, v)| v.as_deref().is_some_and(&bad))
            .unwrap_or(0);
        written.into_iter().nth(pick).map(|(o, _)| o)
    }

    /// Where the value of `source` is written, with the text written there when it is a
    /// scalar of the profile.
    fn written(&self, source: &Source) -> Vec<(Origin, Option<String>)> {
        let p = &self.profile;
        let (charm_file, charm_tree) = (self.charm_source.0, &self.charm_source.1);
        let charm = |path: &[&str]| {
            in_tree(charm_file, charm_tree, path)
                .map(|o| (o, None))
                .into_iter()
                .collect()
        };
        let top = |key: &str, value: Option<(Span, Option<String>)>| {
            value.map(|(span, text)| {
                let file = p.origin(key, "").unwrap_or(self.anchor);
                let path = vec![key.to_string()];
                (Origin { file, path, span }, text)
            })
        };
        match source {
            Source::Option {
                name,
                given: Given::Set,
            } => p
                .config
                .iter()
                .filter(|(k, _)| k.value == *name)
                .map(|(_, v)| {
                    let origin = Origin {
                        file: p.origin("config", name).unwrap_or(self.anchor),
                        path: vec!["config".into(), name.clone()],
                        span: v.span,
                    };
                    let text = match &v.value {
                        Scalar::Str(s) => Some(s.clone()),
                        _ => None,
                    };
                    (origin, text)
                })
                .collect(),
            Source::Option {
                name,
                given: Given::Default,
            } => charm(&["config", "options", name, "default"]),
            Source::Secret { option, key } => p
                .secrets
                .iter()
                .filter(|(k, _)| k.value == *option)
                .flat_map(|(_, content)| content.iter().filter(|(k, _)| k.value == *key))
                .map(|(_, v)| {
                    let origin = Origin {
                        file: p.origin("secrets", option).unwrap_or(self.anchor),
                        path: vec!["secrets".into(), option.clone(), key.clone()],
                        span: v.span,
                    };
                    (origin, Some(v.value.clone()))
                })
                .collect(),
            Source::SecretKey => top(
                "secret-key",
                p.secret_key
                    .as_ref()
                    .map(|k| (k.span, Some(k.value.clone()))),
            )
            .into_iter()
            .collect(),
            Source::BaseUrl { ingress: true } => self.written(&paasc_runtime::base_url_source()),
            Source::BaseUrl { ingress: false } => {
                let model = p.model.as_ref().map(|m| (m.span, Some(m.value.clone())));
                let mut out = self.written(&Source::App);
                out.extend(top("model", model));
                out
            }
            Source::App => match &p.app {
                Some(app) => top("app", Some((app.span, Some(app.value.clone()))))
                    .into_iter()
                    .collect(),
                None => charm(&["name"]),
            },
            Source::ModelProxy(var) => {
                let key = var.replace('_', "-");
                let value = match *var {
                    "http_proxy" => &p.proxy.http_proxy,
                    "https_proxy" => &p.proxy.https_proxy,
                    _ => &p.proxy.no_proxy,
                };
                value
                    .iter()
                    .map(|v| {
                        let origin = Origin {
                            file: p.origin("proxy", &key).unwrap_or(self.anchor),
                            path: vec!["proxy".into(), key.clone()],
                            span: v.span,
                        };
                        (origin, Some(v.value.clone()))
                    })
                    .collect()
            }
            Source::PeerUnits => top("peer-units", p.peer_units.as_ref().map(|u| (u.span, None)))
                .or_else(|| top("units", p.units.as_ref().map(|u| (u.span, None))))
                .into_iter()
                .collect(),
            Source::Relation { endpoint, fields } => {
                let Some((_, integration)) =
                    p.integrations.iter().find(|(k, _)| *k.value == **endpoint)
                else {
                    return Vec::new();
                };
                let file = p.origin("integrations", endpoint).unwrap_or(self.anchor);
                fields
                    .iter()
                    .filter_map(|f| relation_field(integration, f))
                    .map(|(mut path, span, text)| {
                        path.insert(0, endpoint.to_string());
                        path.insert(0, "integrations".into());
                        (Origin { file, path, span }, Some(text))
                    })
                    .collect()
            }
            Source::Rock { service, name } => self
                .rock_source
                .as_ref()
                .and_then(|(file, tree)| {
                    in_tree(*file, tree, &["services", service, "environment", name])
                })
                .map(|o| (o, None))
                .into_iter()
                .collect(),
            Source::FrameworkDefault { .. } | Source::PaasConfig | Source::Framework => Vec::new(),
        }
    }
}

/// The value at `path` in `tree`, as an origin in `file`.
fn in_tree(file: FileId, tree: &Tree, path: &[&str]) -> Option<Origin> {
    let entry = tree.lookup(path)?;
    Some(Origin {
        file,
        path: path.iter().map(|s| s.to_string()).collect(),
        span: tree.span(entry.value),
    })
}

/// Where the relation's provider writes `field` in the profile's entry for its first
/// relation: in a secret's content (the libraries read those first), the application
/// databag, or a unit's databag; the key path below the endpoint, the value's span and text.
fn relation_field(i: &Integration, field: &str) -> Option<(Vec<String>, Span, String)> {
    let find = |bag: &SpannedMap<Spanned<DataValue>>| {
        bag.iter()
            .find(|(k, _)| k.value == field)
            .map(|(_, v)| (v.span, v.value.0.clone()))
    };
    let secret = i.secrets.iter().find_map(|(id, content)| {
        let (_, v) = content.iter().find(|(k, _)| k.value == field)?;
        let path = vec!["secrets".into(), id.value.clone(), field.into()];
        Some((path, v.span, v.value.clone()))
    });
    let data = || find(&i.data).map(|(span, text)| (vec!["data".into(), field.into()], span, text));
    let unit = || {
        i.units.iter().find_map(|(n, bag)| {
            let (span, text) = find(bag)?;
            let path = vec!["units".into(), n.value.to_string(), field.into()];
            Some((path, span, text))
        })
    };
    secret.or_else(data).or_else(unit)
}

#[cfg(test)]
mod tests {
    use crate::{apply_profile, check_project, Dir, Options, Project};
    use paasc_diag::SourceDb;
    use paasc_model::ProjectFiles;

    const CHARM: &str = "name: shop\ntype: charm\nbase: ubuntu@24.04\nplatforms:\n  amd64:\nsummary: s\ndescription: d\nextensions:\n- flask-framework\nconfig:\n  options:\n    greeting: {type: string, description: g, default: hello}\n    page-size: {type: int, description: p}\nrequires:\n  s3: {interface: s3}\n";
    const ROCK: &str = "name: shop\nbase: ubuntu@24.04\nversion: '0.1'\nsummary: s\ndescription: d\nplatforms:\n  amd64:\nextensions:\n- flask-framework\nservices:\n  flask:\n    environment:\n      FLASK_GREETING: rock\n";
    const PROFILE: &str = "secret-key: k\nconfig:\n  page-size: 3\nintegrations:\n  s3:\n    data:\n      access-key: ak\n      secret-key: sk\n      bucket: b\n";

    fn project() -> Project {
        let mut db = SourceDb::new();
        let rock = db.add("rockcraft.yaml", ROCK);
        let charm = db.add("charmcraft.yaml", CHARM);
        let mut rock_dir = Dir::default();
        for (name, text) in [
            ("app.py", "from flask import Flask\napp = Flask(__name__)\n"),
            ("requirements.txt", "flask\n"),
        ] {
            rock_dir.listing.entries.push(name.into());
            rock_dir.listing.texts.insert(name.into(), text.into());
        }
        Project {
            db,
            files: ProjectFiles {
                rockcraft: Some(rock),
                charmcraft: Some(charm),
            },
            diagnostics: Vec::new(),
            charm_dir: Some(Dir::default()),
            rock_dir: Some(rock_dir),
            analysis: None,
        }
    }

    /// Where the variable `name` comes from.
    fn why(name: &str) -> (Project, super::Why) {
        let mut p = project();
        let checked = check_project(&mut p, Options::default());
        let profile = p.db.add("profiles/dev.yaml", PROFILE);
        let mut diags = Vec::new();
        let Some(app) = apply_profile(&mut p, &checked, Some(profile), &[], &mut diags) else {
            panic!("{diags:?}");
        };
        let why = app.why(name).expect("a variable of the plan");
        (p, why)
    }

    /// The file, key path and text of `origins` (secret values are starred out in the sources
    /// diagnostics quote).
    fn shown<'a>(
        p: &Project,
        origins: impl Iterator<Item = &'a super::Origin>,
    ) -> Vec<(String, Vec<String>, String)> {
        origins
            .map(|o| {
                let f = p.db.get(o.file);
                let text = f.text[o.span.start as usize..o.span.end as usize].to_string();
                (f.path.clone(), o.path.clone(), text)
            })
            .collect()
    }

    /// Where the sources of the variable `name` are written.
    fn written(name: &str) -> Vec<(String, Vec<String>, String)> {
        let (p, why) = why(name);
        shown(&p, why.origins())
    }

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn each_source_is_mapped_to_the_entry_that_holds_its_value() {
        assert_eq!(
            written("FLASK_PAGE_SIZE"),
            [(
                "profiles/dev.yaml".into(),
                strings(&["config", "page-size"]),
                "3".into()
            )]
        );
        assert_eq!(
            written("FLASK_GREETING"),
            [(
                "charmcraft.yaml".into(),
                strings(&["config", "options", "greeting", "default"]),
                "hello".into()
            )]
        );
        assert_eq!(
            written("S3_SECRET_KEY"),
            [(
                "profiles/dev.yaml".into(),
                strings(&["integrations", "s3", "data", "secret-key"]),
                "**".into()
            )]
        );
        assert_eq!(
            written("FLASK_SECRET_KEY"),
            [(
                "profiles/dev.yaml".into(),
                strings(&["secret-key"]),
                "*".into()
            )]
        );
        let (p, greeting) = why("FLASK_GREETING");
        assert_eq!(
            shown(&p, greeting.overrode.iter().flat_map(|t| t.at.iter())),
            [(
                "rockcraft.yaml".into(),
                strings(&["services", "flask", "environment", "FLASK_GREETING"]),
                "rock".into()
            )]
        );
        assert_eq!(
            written("FLASK_BASE_URL"),
            [("charmcraft.yaml".into(), strings(&["name"]), "shop".into())]
        );
    }
}
