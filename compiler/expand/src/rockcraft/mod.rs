//! `rockcraft expand-extensions` (rockcraft 1.20.0, V1 extensions).
//!
//! The extensions are ported one file per framework, as rockcraft has them; what they share
//! (parts, prime modes, entry-point discovery, the Project model's dump) lives here.

mod dump;
mod expressjs;
mod fastapi;
mod go;
mod gunicorn;
pub mod python;
pub mod requirements;
mod spring_boot;

use crate::merge::apply;
use crate::{ExpandError, Location, ProjectDir};
use paasc_diag::Code;
use paasc_frameworks::Framework;
use paasc_syntax::Yaml;

/// The uid and gid of `_daemon_`, the user every extension runs its service as.
pub const USER_UID: i128 = paasc_frameworks::DAEMON_UID as i128;

/// Where rockcraft's snap keeps the extension data files (`gunicorn.conf.py`, ...).
pub const DATA_DIR: &str = "/snap/rockcraft/current/share/rockcraft/extensions";

/// The `build-base` values a bare Python rock accepts, with the Python version each gives.
pub const PYTHON_BUILD_BASES: [(&str, &str); 4] = [
    ("ubuntu@22.04", "3.10"),
    ("ubuntu:22.04", "3.10"),
    ("ubuntu@24.04", "3.12"),
    ("ubuntu:24.04", "3.12"),
];

/// Settings that the real tool takes from its environment.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// `ROCKCRAFT_ENABLE_EXPERIMENTAL_EXTENSIONS` is set.
    pub experimental: bool,
}

/// A successful expansion.
#[derive(Clone, Debug, PartialEq)]
pub struct Expanded {
    /// The project as rockcraft's model dumps it (shared: each deployment's app holds it too).
    pub yaml: std::sync::Arc<Yaml>,
    /// Lines rockcraft prints before the YAML (the `Warning: use of ":" ...` deprecation).
    pub warnings: Vec<String>,
    /// Problems rockcraft does not report but paasc warns about (e.g. an ambiguous entry point).
    pub notes: Vec<ExpandError>,
}

/// A failed expansion.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    /// rockcraft's message, as it prints it (without the `For more information` trailer).
    pub message: String,
    /// Each problem, located.
    pub errors: Vec<ExpandError>,
}

impl Failure {
    fn single(e: ExpandError) -> Failure {
        Failure {
            message: e.message.clone(),
            errors: vec![e],
        }
    }

    /// rockcraft's collected form: each message prefixed with `- `, one per line.
    fn bulleted(errors: Vec<ExpandError>) -> Failure {
        Failure {
            message: errors
                .iter()
                .map(|e| format!("- {}", e.message))
                .collect::<Vec<_>>()
                .join("\n"),
            errors,
        }
    }
}

/// The relative paths of the files whose contents the extensions read, for a project named
/// `name` (the loader reads these into [`ProjectDir::texts`] when they exist).
pub fn files_read(name: &str) -> Vec<String> {
    let module = module_name(name);
    let mut files: Vec<String> = ["requirements.txt", "pyproject.toml", "app/package.json"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    files.extend(python_locations(name));
    files.push([&module, "/", &module, "/wsgi.py"].concat());
    files.push([&module, "/mysite/wsgi.py"].concat());
    files
}

/// Where flask and fastapi look for the app, in order: `app.py`, `main.py`, then
/// `{app,src,<name>}/{__init__,app,main}.py`.
fn python_locations(name: &str) -> Vec<String> {
    let mut out = vec!["app.py".to_string(), "main.py".to_string()];
    for dir in ["app", "src", &module_name(name)] {
        for file in ["__init__.py", "app.py", "main.py"] {
            out.push([dir, "/", file].concat());
        }
    }
    out
}

/// The project name as a Python module name: `-` becomes `_`, lowercased.
fn module_name(name: &str) -> String {
    name.replace('-', "_").to_lowercase()
}

/// What an extension sees: the user's YAML (extensions removed) and the project directory.
pub(crate) struct Ctx<'a> {
    pub doc: &'a Yaml,
    pub dir: &'a ProjectDir,
    pub name: String,
    pub base: String,
}

impl Ctx<'_> {
    fn bare(&self) -> bool {
        self.base == "bare"
    }

    /// `yaml_data.get("parts", {}).get(part, {}).get(key)`.
    fn user_part_key(&self, part: &str, key: &str) -> Option<&Yaml> {
        self.doc.get("parts")?.get(part)?.get(key)
    }

    /// Whether the user set a (truthy) command on service `svc`.
    fn user_command(&self, svc: &str) -> bool {
        self.doc
            .get("services")
            .and_then(|s| s.get(svc))
            .and_then(|s| s.get("command"))
            .is_some_and(Yaml::truthy)
    }

    fn exists(&self, rel: &str) -> bool {
        self.dir.exists(rel) || self.dir.exists(&[rel, "/"].concat())
    }

    /// The `stage-packages` and `build-environment` of a Python `dependencies` part: the venv
    /// package, and on a bare base the interpreter version from `build-base`.
    fn python_venv(&self, extension: &str) -> Result<(Yaml, Yaml), ExpandError> {
        if !self.bare() {
            return Ok((strs(&["python3-venv"]), Yaml::Seq(vec![])));
        }
        let v = self.bare_python(extension)?;
        Ok((
            strs(&[&format!("python{v}-venv_ensurepip")]),
            Yaml::Seq(vec![map(vec![(
                "PARTS_PYTHON_INTERPRETER",
                s(&format!("python{v}")),
            )])]),
        ))
    }

    /// The Python version rockcraft picks for a bare base from `build-base`.
    fn bare_python(&self, slug: &str) -> Result<&'static str, ExpandError> {
        let build_base = self.doc.get("build-base").and_then(Yaml::as_str);
        let version = PYTHON_BUILD_BASES
            .iter()
            .find(|(b, _)| Some(*b) == build_base)
            .map(|(_, v)| *v);
        match (build_base, version) {
            (_, Some(v)) => Ok(v),
            (Some(other), None) => Err(ExpandError::new(
                Code::ROCK_BARE_PYTHON,
                format!("Unable to determine the Python version for the build-base {other}"),
                Location::value(&["build-base"]),
                format!("with `base: bare`, the {slug} extension takes Python from `build-base`: use `build-base: ubuntu@22.04` (Python 3.10) or `build-base: ubuntu@24.04` (Python 3.12)"),
            )),
            (None, None) => Err(ExpandError::new(
                Code::ROCK_BARE_PYTHON,
                "KeyError: 'build-base'",
                Location::value(&["base"]),
                "with `base: bare`, set `build-base: ubuntu@24.04` (or ubuntu@22.04); rockcraft crashes without it",
            )),
        }
    }
}

pub(crate) fn s(x: &str) -> Yaml {
    Yaml::str(x)
}

pub(crate) fn strs(items: &[&str]) -> Yaml {
    Yaml::Seq(items.iter().map(|i| s(i)).collect())
}

pub(crate) fn map(pairs: Vec<(&str, Yaml)>) -> Yaml {
    Yaml::Map(pairs.into_iter().map(|(k, v)| (s(k), v)).collect())
}

/// `{"owner": 584792, "group": 584792}`, with a `path` first when given.
pub(crate) fn owned(path: Option<&str>) -> Yaml {
    let mut pairs = Vec::new();
    if let Some(p) = path {
        pairs.push(("path", s(p)));
    }
    pairs.push(("owner", Yaml::Int(USER_UID)));
    pairs.push(("group", Yaml::Int(USER_UID)));
    map(pairs)
}

/// `gen_logging_part`: the promtail directories, plus the framework's own.
pub(crate) fn logging_part(extra_dir: Option<&str>) -> Yaml {
    let mut lines = vec![
        "craftctl default".to_string(),
        "mkdir -p $CRAFT_PART_INSTALL/opt/promtail".to_string(),
        "mkdir -p $CRAFT_PART_INSTALL/etc/promtail".to_string(),
    ];
    let mut perms = vec![owned(Some("opt/promtail")), owned(Some("etc/promtail"))];
    if let Some(dir) = extra_dir {
        lines.push(format!("mkdir -p $CRAFT_PART_INSTALL/{dir}"));
        perms.push(owned(Some(dir)));
    }
    map(vec![
        ("plugin", s("nil")),
        ("override-build", s(&lines.join("\n"))),
        ("permissions", Yaml::Seq(perms)),
    ])
}

/// The `stage`-style list of strings at `part.key` in the user's YAML (non-strings dropped).
fn string_list(v: Option<&Yaml>) -> Vec<String> {
    v.and_then(Yaml::as_seq)
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// `os.path.relpath(path, start)` for the relative paths the extensions use.
fn relpath(path: &str, start: &str) -> String {
    let norm = |p: &str| -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for part in p.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    if out.last().is_some_and(|l| l != "..") {
                        out.pop();
                    } else {
                        out.push("..".into());
                    }
                }
                other => out.push(other.to_string()),
            }
        }
        out
    };
    let (p, s) = (norm(path.trim_start()), norm(start));
    let common = p.iter().zip(&s).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); s.len() - common];
    parts.extend(p[common..].iter().cloned());
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// `fnmatch.fnmatch(name, pattern)` for the simple patterns rockcraft uses.
fn fnmatch(name: &str, pattern: &str) -> bool {
    match pattern.strip_prefix('*') {
        Some(suffix) => name.ends_with(suffix),
        None => name == pattern,
    }
}

/// Whether a prime (or stage) list selects files (include mode) rather than excluding them:
/// its first entry is non-empty and does not start with `-`.
fn include_mode(entries: &[String]) -> bool {
    entries
        .first()
        .is_some_and(|p| !p.is_empty() && !p.starts_with('-'))
}

/// `{os.path.relpath(entry, prefix): entry for entry in entries}`: a later entry with the same
/// key replaces the value and keeps the first one's place, as in a Python dict.
fn renaming_map(entries: &[String], prefix: &str) -> Vec<(String, String)> {
    let mut map: Vec<(String, String)> = Vec::new();
    for entry in entries {
        let key = relpath(entry, prefix);
        match map.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = entry.clone(),
            None => map.push((key, entry.clone())),
        }
    }
    map
}

/// The `organize` map, `stage` list and prime list of an install part, as flask and fastapi
/// build them from the prime entries: include mode maps each entry back to the project,
/// exclude mode organizes every top-level entry of the project under `prefix`.
fn organize_by_prime(dir: &ProjectDir, prime: &[String], prefix: &str) -> (Yaml, Yaml) {
    let pairs: Vec<(String, String)> = if include_mode(prime) {
        renaming_map(prime, prefix)
    } else {
        dir.children("")
            .into_iter()
            .map(|n| n.trim_end_matches('/').to_string())
            .filter(|n| {
                !["node_modules", ".git", ".yarn", "*.rock"]
                    .iter()
                    .any(|p| fnmatch(n, p))
            })
            .map(|n| (n.clone(), format!("{prefix}/{n}")))
            .collect()
    };
    let organize = Yaml::Map(pairs.iter().map(|(k, v)| (s(k), s(v))).collect());
    let stage = Yaml::Seq(pairs.iter().map(|(_, v)| s(v)).collect());
    (organize, stage)
}

/// Checks every user prime entry against rockcraft's `re.match(pattern, entry)`.
fn prime_entries_match(entries: &[String], prefix: &str, need_slash: bool) -> Option<usize> {
    entries.iter().position(|p| {
        let rest = p.strip_prefix('-').unwrap_or(p).trim_start_matches(' ');
        let Some(after) = rest.strip_prefix(prefix) else {
            return true;
        };
        need_slash && !after.starts_with('/')
    })
}

/// Applies the extensions of `doc` (a loaded rockcraft.yaml) like `rockcraft expand-extensions`.
pub fn expand(doc: &Yaml, dir: &ProjectDir, opts: Options) -> Result<Expanded, Failure> {
    let mut data = doc.clone();
    let declared: Vec<String> = match &mut data {
        Yaml::Map(pairs) => match pairs
            .iter()
            .position(|(k, _)| k.as_str() == Some("extensions"))
        {
            Some(i) => string_list(Some(&pairs.remove(i).1)),
            None => Vec::new(),
        },
        _ => Vec::new(),
    };
    let mut sorted = declared.clone();
    sorted.sort();
    let mut notes = Vec::new();
    for name in &sorted {
        let index = declared
            .iter()
            .position(|d| d == name)
            .unwrap_or(0)
            .to_string();
        let snippet = extension_snippet(name, &index, &data, dir, opts, &mut notes)?;
        if let (Yaml::Map(pairs), Yaml::Map(snip)) = (&mut data, snippet) {
            for (k, v) in snip {
                match pairs.iter().position(|(pk, _)| *pk == k) {
                    Some(i) => {
                        let old = std::mem::replace(&mut pairs[i].1, Yaml::Null);
                        pairs[i].1 = apply(Some(old), v);
                    }
                    None => pairs.push((k, v)),
                }
            }
            if !pairs.iter().any(|(k, _)| k.as_str() == Some("parts")) {
                pairs.push((s("parts"), Yaml::Map(vec![])));
            }
        }
    }
    let (yaml, warnings) = dump::project(data)
        .map_err(Failure::single)
        .map_err(|mut f| {
            f.message = format!("Bad rockcraft.yaml content:\n- {}", f.message);
            f
        })?;
    Ok(Expanded {
        yaml: std::sync::Arc::new(yaml),
        warnings,
        notes,
    })
}

fn extension_snippet(
    name: &str,
    index: &str,
    data: &Yaml,
    dir: &ProjectDir,
    opts: Options,
    notes: &mut Vec<ExpandError>,
) -> Result<Yaml, Failure> {
    let Some(framework) = Framework::from_extension(name) else {
        return Err(Failure::single(ExpandError::new(
            Code::EXTENSION_UNKNOWN,
            format!("Extension '{name}' does not exist"),
            Location::value(&["extensions", index]),
            "use one of flask-framework, django-framework, fastapi-framework, go-framework, expressjs-framework or spring-boot-framework",
        )));
    };
    let (bases, experimental) = (
        framework.spec().rock.bases,
        framework.spec().rock.experimental,
    );
    if experimental && !opts.experimental {
        return Err(Failure::single(ExpandError::new(
            Code::ROCK_EXTENSION_EXPERIMENTAL,
            format!("Extension is experimental: '{name}'"),
            Location::value(&["extensions", index]),
            "rockcraft accepts it only with ROCKCRAFT_ENABLE_EXPERIMENTAL_EXTENSIONS=True in the environment; paasc reads the same variable",
        )));
    }
    let base = data.get("base").and_then(Yaml::as_str).map(str::to_string);
    if let Some(b) = &base {
        if !bases.contains(&b.as_str()) {
            return Err(Failure::single(ExpandError::new(
                Code::ROCK_UNSUPPORTED_BASE,
                format!("Extension '{name}' does not support base: '{b}'"),
                Location::value(&["base"]),
                format!("{name} supports base: {}", bases.join(", ")),
            )));
        }
    }
    let cx = Ctx {
        doc: data,
        dir,
        name: data
            .get("name")
            .and_then(Yaml::as_str)
            .unwrap_or_default()
            .to_string(),
        base: base.unwrap_or_default(),
    };
    // Each framework's snippet is out of line (`#[inline(never)]`): inlined here, all six
    // made one 3.6 KiB stack frame, under which the Python parser of Flask's and Django's
    // entry-point search runs (docs/performance-log.md, session 32).
    match framework {
        Framework::Flask => gunicorn::flask(&cx, notes),
        Framework::Django => gunicorn::django(&cx),
        Framework::FastApi => fastapi::snippet(&cx),
        Framework::Go => go::snippet(&cx),
        Framework::ExpressJs => expressjs::snippet(&cx),
        Framework::SpringBoot => spring_boot::snippet(&cx),
    }
}

/// Where a requirement-file problem points: the extension entry.
fn at_extension() -> Location {
    Location::key(&["extensions"])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relpath_like_python() {
        assert_eq!(relpath("flask/app/app.py", "flask/app"), "app.py");
        assert_eq!(relpath("flask/app/static/", "flask/app"), "static");
        assert_eq!(relpath("flask/app", "flask/app"), ".");
        assert_eq!(relpath("flask/apps/x", "flask/app"), "../apps/x");
        assert_eq!(relpath("app/migrate.sh", "app"), "migrate.sh");
    }

    #[test]
    fn prime_patterns() {
        let v = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(
            prime_entries_match(&v(&["flask/app/a", "-flask/apps"]), "flask/app", false),
            None
        );
        assert_eq!(
            prime_entries_match(&v(&["flask/app/a", "static"]), "flask/app", false),
            Some(1)
        );
        assert_eq!(prime_entries_match(&v(&["app"]), "app", true), Some(0));
        assert_eq!(prime_entries_match(&v(&["- app/x"]), "app", true), None);
    }

    /// Runs the rockcraft expansion port for every extension and checks that each part it adds
    /// is in the frameworks table (`Rock::parts`) with the plugin it has.
    #[test]
    fn extension_part_table_matches_the_expansion() {
        use crate::ProjectDir;
        use paasc_diag::FileId;
        use paasc_syntax::Limits;
        let texts = [
            ("requirements.txt", "flask\ndjango\nfastapi\nuvicorn\n"),
            ("app.py", "from flask import Flask\napp = Flask(__name__)\n"),
            ("go.mod", "module example.com/app\n"),
            (
                "app/package.json",
                "{\"name\": \"app\", \"scripts\": {\"start\": \"node app.js\"}}\n",
            ),
            ("app/app/wsgi.py", "application = 1\n"),
        ];
        let entries = [
            "app/",
            "app/app.js",
            "main.go",
            "migrate",
            "migrate.sh",
            "app/manage.py",
            "app/app/",
            "app/app/settings.py",
        ];
        let mut seen = Vec::new();
        // Spring Boot builds with Maven, or with Gradle and the user-enabled init script part.
        let variants = Framework::ALL
            .into_iter()
            .map(|f| (f, false))
            .chain([(Framework::SpringBoot, true)]);
        for (ext, gradle) in variants {
            for base in ["base: ubuntu@24.04", "base: bare\nbuild-base: ubuntu@24.04"] {
                let mut dir = ProjectDir::default();
                for (path, text) in texts {
                    dir.entries.push(path.to_string());
                    dir.texts.insert(path.to_string(), text.to_string());
                }
                dir.entries.extend(entries.iter().map(|e| e.to_string()));
                let (build, wrapper, parts) = if gradle {
                    ("build.gradle", "gradlew", "parts:\n  spring-boot-framework/gradle-init-script:\n    override-build: echo\n")
                } else {
                    ("pom.xml", "mvnw", "")
                };
                dir.entries.extend([build.to_string(), wrapper.to_string()]);
                dir.executables.insert(wrapper.into());
                let text = format!("name: app\nsummary: s\ndescription: d\nversion: '1'\n{base}\nplatforms:\n  amd64:\nextensions: [{}]\n{parts}", ext.extension());
                let (tree, _) = paasc_syntax::parse(FileId(0), &text, Limits::default());
                let Some(root) = tree.root() else { continue };
                let doc = Yaml::from_tree(&tree, root);
                let expanded = match expand(&doc, &dir, Options { experimental: true }) {
                    Ok(e) => e,
                    Err(e) => panic!("{}: {}", ext.extension(), e.message),
                };
                let parts = expanded
                    .yaml
                    .get("parts")
                    .and_then(Yaml::as_map)
                    .unwrap_or_default();
                for (part, body) in parts {
                    let part = part.as_str().unwrap_or_default();
                    if !part.starts_with(&format!("{}/", ext.extension())) {
                        continue;
                    }
                    let plugin = body.get("plugin").and_then(Yaml::as_str);
                    seen.push(part.to_string());
                    let entry = ext.spec().rock.parts.iter().find(|(p, _)| *p == part);
                    match entry {
                        Some((_, Some(want))) => assert_eq!(plugin, Some(*want), "{part}"),
                        Some((_, None)) => {}
                        None => panic!("{part} (plugin {plugin:?}) is missing from the table"),
                    }
                }
            }
        }
        for part in Framework::ALL
            .iter()
            .flat_map(|f| f.spec().rock.parts.iter().map(|(p, _)| p))
        {
            assert!(seen.iter().any(|s| s == part), "{part} is never generated");
        }
    }

    #[test]
    fn a_rock_without_extensions_needs_parts() {
        let rock = |text: &str| {
            let (tree, _) = paasc_syntax::parse(paasc_diag::FileId(0), text, Default::default());
            let doc = Yaml::from_tree(&tree, tree.root().expect("a document"));
            expand(&doc, &ProjectDir::default(), Options::default())
        };
        let head = "name: app\nbase: ubuntu@24.04\nversion: '1'\nsummary: s\ndescription: d\nplatforms:\n  amd64:\n";
        let Err(failure) = rock(head) else {
            panic!("rockcraft refuses a rock without parts")
        };
        assert_eq!(
            failure.message,
            "Bad rockcraft.yaml content:\n- field 'parts' required in top-level configuration"
        );
        assert_eq!(failure.errors[0].code, Code::MISSING_KEY);
        assert!(rock(&format!("{head}parts:\n  hello:\n    plugin: nil\n")).is_ok());
    }
}
