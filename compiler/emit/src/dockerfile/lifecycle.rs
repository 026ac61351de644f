//! The parts of the expanded rock as craft-parts runs them: one build stage per part, in
//! `after` order, each running pull, build, stage and prime through the `craft.sh` runtime
//! (with the part's scriptlets, its plugin's build commands, its organize map, filesets and
//! permissions written into the stage as files). A part's key the Dockerfile cannot translate
//! is reported with every other such key of the part, in one diagnostic.

use super::lex;
use super::plan::Problems;
use super::toolchains::{self, Resolved};
use crate::shown;
use crate::Mode;
use paasc_check::App as EmitInput;
use paasc_frameworks::Spec as Layout;
use paasc_syntax::Yaml;
use std::fmt::Write as _;
use std::sync::LazyLock;

/// Where a part's files live in its build stage (rockcraft's managed-mode layout).
pub const WORK: &str = "/root";
/// The project directory in a build stage (`CRAFT_PROJECT_DIR`).
pub const PROJECT: &str = "/root/project";

/// One part as a build stage.
#[derive(Debug, Clone)]
pub struct Part {
    /// The part's name.
    pub name: String,
    /// The Dockerfile stage (`part-...`).
    pub stage: String,
    /// The stages of the parts it is `after` (their stage directories are its `CRAFT_STAGE`).
    pub after: Vec<String>,
    /// apt packages for the build (the plugin's, then the part's `build-packages`).
    pub build_packages: Vec<String>,
    /// Toolchain images for `build-snaps`.
    pub toolchains: Vec<Resolved>,
    /// The source, relative to the project: a directory, or just the files the plugin reads.
    pub source: Option<Source>,
    /// The project is copied to `CRAFT_PROJECT_DIR` (a scriptlet reads it).
    pub project_dir: bool,
    /// The files of the part's run directory: name and text.
    pub files: Vec<(String, String)>,
    /// `--mount` flags of the step that runs the part: package managers' credentials as
    /// secrets, their caches.
    pub mounts: Vec<String>,
}

/// A part's local source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The whole directory (`.` for the project).
    Dir(String),
    /// Only these files of the project: what the plugin reads when nothing else does.
    Files(Vec<String>),
}

impl Part {
    /// The part's directory in its build stage.
    pub fn dir(&self) -> String {
        format!("{WORK}/parts/{}", self.name)
    }
}

/// What the parts give the image.
#[derive(Debug, Default)]
pub struct Parts {
    /// The parts, in the order they are built.
    pub list: Vec<Part>,
    /// apt packages for the image (every part's `stage-packages`; slices as their package).
    pub stage_packages: Vec<String>,
    /// Whether a part installs Python packages (the base's sitecustomize gives way).
    pub python: bool,
    /// Extension parts left out, with why (for the header).
    pub left_out: Vec<(String, String)>,
}

fn strs(v: Option<&Yaml>) -> Vec<&Yaml> {
    v.and_then(Yaml::as_seq)
        .map(|s| s.iter().collect())
        .unwrap_or_default()
}

/// A scalar as craft-parts reads it (pydantic's str coercion of YAML scalars).
pub fn text(v: &Yaml) -> Option<String> {
    match v {
        Yaml::Str(s) => Some(s.to_string()),
        Yaml::Int(i) => Some(i.to_string()),
        Yaml::Float(f) => Some(paasc_syntax::python_float_repr(*f)),
        Yaml::Bool(b) => Some(if *b { "True" } else { "False" }.to_string()),
        _ => None,
    }
}

fn push_unique(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|x| x == item) {
        list.push(item.to_string());
    }
}

/// Keys every part may have that the lifecycle translates, whatever the plugin.
const COMMON_KEYS: &[&str] = &[
    "plugin",
    "source",
    "source-type",
    "source-subdir",
    "after",
    "build-packages",
    "stage-packages",
    "build-snaps",
    "build-environment",
    "override-pull",
    "override-build",
    "override-stage",
    "override-prime",
    "organize",
    "stage",
    "prime",
    "permissions",
];

/// The plugins the Dockerfile builds, with their own keys.
const PLUGINS: &[(&str, &[&str])] = &[
    ("nil", &[]),
    ("dump", &[]),
    (
        "python",
        &[
            "python-packages",
            "python-requirements",
            "python-constraints",
        ],
    ),
    ("go", &["go-buildtags", "go-generate"]),
    ("npm", &["npm-include-node"]),
    ("maven", &["maven-parameters"]),
    (
        "gradle",
        &["gradle-task", "gradle-parameters", "gradle-use-daemon"],
    ),
    ("jlink", &[]),
];

/// Why an extension's part is not built, when it is not: what replaces it.
fn left_out(layout: &Layout, name: &str) -> Option<&'static str> {
    match name.strip_prefix(layout.extension)?.strip_prefix('/')? {
        "config-files" => Some(
            "its gunicorn.conf.py is written from paas-charm's rendering for the default config",
        ),
        "statsd-exporter" => Some("the statsd exporter runs beside the app, not in its image"),
        _ => None,
    }
}

/// Reads every part of the expanded rock. With [`Mode::Check`] the problems are the same and the
/// parts are not built (the list is empty).
pub fn parts(input: &EmitInput, layout: &Layout, mode: Mode, p: &mut Problems<'_>) -> Parts {
    let mut out = Parts::default();
    let Some(map) = input.rock.get("parts").and_then(Yaml::as_map) else {
        return out;
    };
    let named: Vec<(&str, &Yaml)> = map
        .iter()
        .filter_map(|(k, v)| k.as_str().map(|k| (k, v)))
        .collect();
    let mut stages: Vec<(String, String)> = Vec::new();
    for (name, _) in &named {
        let mut slug: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        slug = ["part-", slug.trim_matches('-')].concat();
        while stages.iter().any(|(_, s)| *s == slug) {
            slug.push('x');
        }
        stages.push((name.to_string(), slug));
    }
    let order = match after_order(&named) {
        Ok(order) => order,
        Err(why) => {
            p.push(
                super::UNSUPPORTED,
                format!("rockcraft.yaml: {why}"),
                "list in `after` only parts of the rock, without cycles",
            );
            return out;
        }
    };
    for i in order {
        let (name, part) = named[i];
        if let Some(why) = left_out(layout, name) {
            out.left_out.push((name.to_string(), why.to_string()));
            continue;
        }
        if let Some(part) = one(input, name, part, &stages, mode, &mut out, p) {
            out.list.push(part);
        }
    }
    out
}

/// The parts in the order craft-parts runs them: each after the parts it names, otherwise in
/// name order (craft-parts sorts parts by name before resolving `after`).
fn after_order(named: &[(&str, &Yaml)]) -> Result<Vec<usize>, String> {
    let mut by_name: Vec<usize> = (0..named.len()).collect();
    by_name.sort_by_key(|&i| named[i].0);
    let deps: Vec<Vec<usize>> = named
        .iter()
        .map(|(name, part)| {
            strs(part.get("after"))
                .iter()
                .map(|a| {
                    let a = a.as_str().unwrap_or_default();
                    named.iter().position(|(n, _)| *n == a).ok_or_else(|| {
                        format!(
                            "part `{}` is after `{}`, which is not a part",
                            shown(name),
                            shown(a)
                        )
                    })
                })
                .collect::<Result<Vec<usize>, String>>()
        })
        .collect::<Result<_, _>>()?;
    let mut done = vec![false; named.len()];
    let mut order = Vec::new();
    while order.len() < named.len() {
        let next = by_name
            .iter()
            .copied()
            .find(|&i| !done[i] && deps[i].iter().all(|&d| done[d]));
        match next {
            Some(i) => {
                done[i] = true;
                order.push(i);
            }
            None => {
                let stuck: Vec<String> = by_name
                    .iter()
                    .filter(|&&i| !done[i])
                    .map(|&i| format!("`{}`", shown(named[i].0)))
                    .collect();
                return Err(format!(
                    "the parts {} are after each other in a cycle",
                    stuck.join(", ")
                ));
            }
        }
    }
    Ok(order)
}

fn one(
    input: &EmitInput,
    name: &str,
    part: &Yaml,
    stages: &[(String, String)],
    mode: Mode,
    out: &mut Parts,
    p: &mut Problems<'_>,
) -> Option<Part> {
    let render = mode == Mode::Render;
    let stage_of = |n: &str| {
        stages
            .iter()
            .find(|(x, _)| x == n)
            .map(|(_, s)| s.clone())
            .unwrap_or_default()
    };
    if !p.path("part name", name, false) {
        return None;
    }
    let plugin = part.get("plugin").and_then(Yaml::as_str).unwrap_or("nil");
    let keys: Vec<&str> = part
        .as_map()
        .map(|m| m.iter().filter_map(|(k, _)| k.as_str()).collect())
        .unwrap_or_default();
    let mut untranslatable: Vec<String> = Vec::new();
    let plugin_keys = PLUGINS.iter().find(|(n, _)| *n == plugin).map(|(_, k)| *k);
    if plugin_keys.is_none() {
        untranslatable.push(format!("plugin: {}", shown(plugin)));
    }
    for key in &keys {
        let own = plugin_keys.is_some_and(|k| k.contains(key));
        if !COMMON_KEYS.contains(key) && !own && *key != "plugin" {
            untranslatable.push(shown(key));
        }
    }
    let source = part.get("source").and_then(Yaml::as_str);
    let source_type = part.get("source-type").and_then(Yaml::as_str);
    if let Some(s) = source {
        let remote = s.contains("://") || s.starts_with("git@") || s.ends_with(".git");
        if remote || source_type.is_some_and(|t| t != "local") || s.starts_with('/') {
            untranslatable.push(format!("source: {}", shown(s)));
        }
    }
    if plugin == "npm"
        && part
            .get("npm-include-node")
            .is_some_and(|v| matches!(v, Yaml::Bool(true)))
    {
        untranslatable.push("npm-include-node: true".into());
    }
    let mut toolchains = Vec::new();
    for snap in strs(part.get("build-snaps")) {
        let entry = snap.as_str().unwrap_or_default();
        match toolchains::resolve(entry) {
            Some((_, r)) => {
                if !toolchains.contains(&r) {
                    toolchains.push(r);
                }
            }
            None => p.push(
                super::UNKNOWN_SNAP,
                format!(
                    "rockcraft.yaml: `parts.{name}.build-snaps` holds `{}`, a snap the Dockerfile has no toolchain image for",
                    shown(entry)
                ),
                format!(
                    "snaps cannot run in a container; the Dockerfile replaces these with toolchain images: {} (see the README); install the tool with `build-packages` instead",
                    toolchains::names()
                ),
            ),
        }
    }
    if !untranslatable.is_empty() {
        let list: Vec<String> = untranslatable.iter().map(|k| format!("`{k}`")).collect();
        p.push(
            super::UNSUPPORTED,
            format!(
                "rockcraft.yaml: the Dockerfile cannot translate {} of part `{}`",
                list.join(", "),
                shown(name)
            ),
            format!(
                "the Dockerfile builds parts with the plugins {} from local sources; build the rest into the project before `docker build`, or leave the Dockerfile out with --emit",
                PLUGINS.iter().map(|(n, _)| format!("`{n}`")).collect::<Vec<_>>().join(", ")
            ),
        );
        return None;
    }
    let mut build_packages: Vec<String> = Vec::new();
    if plugin == "python" {
        for pkg in ["findutils", "python3-dev", "python3-venv"] {
            push_unique(&mut build_packages, pkg);
        }
        out.python = true;
    }
    if plugin == "npm" {
        push_unique(&mut build_packages, "gcc");
    }
    packages(
        name,
        "build-packages",
        part.get("build-packages"),
        &mut build_packages,
        p,
    );
    packages(
        name,
        "stage-packages",
        part.get("stage-packages"),
        &mut out.stage_packages,
        p,
    );

    let dir = [WORK, "/parts/", name].concat();
    let subdir = part
        .get("source-subdir")
        .and_then(Yaml::as_str)
        .unwrap_or("");
    if !subdir.is_empty() {
        p.path(&format!("`parts.{name}.source-subdir`"), subdir, false);
    }
    let work = |d: &str| {
        if subdir.is_empty() {
            format!("{dir}/{d}")
        } else {
            format!("{dir}/{d}/{}", subdir.trim_end_matches('/'))
        }
    };
    let scriptlets: Vec<(&str, &str)> = [
        ("pull", "override-pull"),
        ("build", "override-build"),
        ("stage", "override-stage"),
        ("prime", "override-prime"),
    ]
    .iter()
    .filter_map(|(s, key)| part.get(key).and_then(Yaml::as_str).map(|t| (*s, t)))
    .collect();
    let mut plugin_env: Vec<(String, String)> = Vec::new();
    let mut build: Vec<String> = Vec::new();
    let mut source_files: Option<Vec<String>> = None;
    match plugin {
        "python" => {
            let py = super::plan::python(input, name, part, p);
            if !py.whole_project && scriptlets.is_empty() && subdir.is_empty() {
                let mut files: Vec<String> = py.requirements.clone();
                files.extend(py.constraints.iter().cloned());
                if py.pipfile_lock {
                    files.push("Pipfile.lock".into());
                }
                source_files = Some(files);
            }
            if render {
                build.extend(python_build(&py, &dir));
            }
        }
        _ if !render => {}
        "dump" => build.push(format!(
            "cp --archive --link --no-dereference . \"{dir}/install\""
        )),
        "go" => {
            plugin_env.push(("GOBIN".into(), format!("{dir}/install/bin")));
            build.push("go mod download all".into());
            for g in strs(part.get("go-generate")).iter().filter_map(|v| text(v)) {
                build.push(format!("go generate {g}"));
            }
            let tags: Vec<String> = strs(part.get("go-buildtags"))
                .iter()
                .filter_map(|v| text(v))
                .collect();
            let tags = if tags.is_empty() {
                String::new()
            } else {
                format!("-tags={}", tags.join(","))
            };
            build.push(format!(
                "go install -p \"${{CRAFT_PARALLEL_BUILD_COUNT}}\" {tags} ./..."
            ));
        }
        "npm" => {
            plugin_env.push(("NODE_ENV".into(), "production".into()));
            build.push(NPM_BUILD.into());
        }
        "maven" => {
            plugin_env.push(("JAVA_HOME".into(), JAVA_HOME.into()));
            let params: Vec<String> = strs(part.get("maven-parameters"))
                .iter()
                .filter_map(|v| text(v))
                .collect();
            build.push(format!(
                "mkdir -p \"${{CRAFT_PART_BUILD_WORK}}/.parts/.m2\"\nprintf '%s\\n' {} > \"${{CRAFT_PART_BUILD_WORK}}/.parts/.m2/settings.xml\"",
                lex::sh(&MAVEN_SETTINGS.replace("{repo}", &format!("{}/.parts/.m2/repository", work("build"))))
            ));
            build.push(
                format!(
                    "mvn package -s \"${{CRAFT_PART_BUILD_WORK}}/.parts/.m2/settings.xml\" {}",
                    params.join(" ")
                )
                .trim_end()
                .to_string(),
            );
            build.push(JAVA_POST_BUILD.replace("{exclude}", &format!("{}/.parts", work("build"))));
        }
        "gradle" => {
            plugin_env.push(("JAVA_HOME".into(), JAVA_HOME.into()));
            let task = part
                .get("gradle-task")
                .and_then(text)
                .unwrap_or_else(|| "build".into());
            let mut words: Vec<String> = paasc_syntax::shlex::split(&task)
                .unwrap_or_else(|_| vec![task.clone()])
                .iter()
                .map(|w| lex::sh(w))
                .collect();
            if !matches!(part.get("gradle-use-daemon"), Some(Yaml::Bool(true))) {
                words.push("--no-daemon".into());
            }
            words.extend(
                strs(part.get("gradle-parameters"))
                    .iter()
                    .filter_map(|v| text(v))
                    .map(|w| lex::sh(&w)),
            );
            // craft-parts picks the project's gradlew when the build directory has one.
            build.push(format!(
                "if [ -e gradlew ]; then GRADLE=\"$PWD/gradlew\"; else GRADLE=gradle; fi\n\"$GRADLE\" {}",
                words.join(" ")
            ));
            build.push("find . -name \"gradle-wrapper.jar\" -type f -delete".into());
            build.push(JAVA_POST_BUILD.replace("{exclude}", &format!("{}/.parts", work("build"))));
        }
        "jlink" => build.push(include_str!("jlink.sh").trim_end().to_string()),
        _ => {}
    }
    let source = match source {
        Some(s) if source_files.is_some() && s.trim_end_matches('/') == "." => {
            source_files.map(Source::Files)
        }
        Some(s) => {
            let s = s.trim_end_matches('/');
            let s = if s.is_empty() { "." } else { s };
            (s == "." || p.path(&format!("`parts.{name}.source`"), s, false))
                .then(|| Source::Dir(s.to_string()))
        }
        None => None,
    };

    let mut env = String::new();
    if render {
        env.reserve(1024 + 4 * dir.len());
        let project_name = input
            .rock
            .get("name")
            .and_then(Yaml::as_str)
            .unwrap_or_default();
        env.push_str("# Environment\n## Application environment\n");
        let export = |env: &mut String, k: &str, v: &[&str]| {
            env.push_str("export ");
            env.push_str(k);
            env.push('=');
            lex::sh_pieces_into(env, v);
            env.push('\n');
        };
        let sub = subdir.trim_end_matches('/');
        let in_subdir = |d: &'static str| -> [&str; 4] {
            if subdir.is_empty() {
                [dir.as_str(), d, "", ""]
            } else {
                [dir.as_str(), d, "/", sub]
            }
        };
        export(&mut env, "CRAFT_PROJECT_DIR", &[PROJECT]);
        export(&mut env, "CRAFT_STAGE", &[WORK, "/stage"]);
        export(&mut env, "CRAFT_PRIME", &[WORK, "/prime"]);
        export(&mut env, "CRAFT_PROJECT_NAME", &[project_name]);
        export(&mut env, "CRAFT_PART_NAME", &[name]);
        export(&mut env, "CRAFT_PART_SRC", &[&dir, "/src"]);
        export(&mut env, "CRAFT_PART_SRC_WORK", &in_subdir("/src"));
        export(&mut env, "CRAFT_PART_BUILD", &[&dir, "/build"]);
        export(&mut env, "CRAFT_PART_BUILD_WORK", &in_subdir("/build"));
        export(&mut env, "CRAFT_PART_INSTALL", &[&dir, "/install"]);
        env.push_str("## Part environment\n");
        env.push_str(PART_ENVIRONMENT);
        env.push_str("## Plugin environment\n");
        if !plugin_env.is_empty() {
            env.push_str("if [ \"${CRAFT_STEP_NAME:-}\" = BUILD ]; then\n");
            for (k, v) in &plugin_env {
                let _ = writeln!(env, "  export {k}=\"{v}\"");
            }
            env.push_str("fi\n");
        }
        env.push_str("## User environment\n");
    }
    for entry in strs(part.get("build-environment")) {
        for (k, v) in entry.as_map().unwrap_or_default() {
            let (Some(k), Some(v)) = (k.as_str(), text(v)) else {
                continue;
            };
            if lex::is_env_name(k) {
                // As craft-parts writes it: the value in double quotes, expanded by bash.
                if render {
                    let _ = writeln!(env, "export {k}=\"{v}\"");
                }
            } else {
                p.push(
                    super::INVALID_COMMAND,
                    format!("rockcraft.yaml: `parts.{name}.build-environment` entry `{}` is not a variable name", shown(k)),
                    "use a variable name of letters, digits and `_`",
                );
            }
        }
    }
    if !render {
        return None;
    }

    let mut environment_sh = String::with_capacity(dir.len() + 24);
    lex::sh_into(&mut environment_sh, &[&dir, "/run/environment.sh"].concat());
    let mut part_sh = String::with_capacity(1024);
    part_sh.push_str("# shellcheck shell=bash\nsource ");
    part_sh.push_str(&environment_sh);
    part_sh.push('\n');
    let mut organize: Vec<String> = Vec::new();
    for (k, v) in part
        .get("organize")
        .and_then(Yaml::as_map)
        .unwrap_or_default()
    {
        if let (Some(k), Some(v)) = (k.as_str(), v.as_str()) {
            organize.push(k.to_string());
            organize.push(v.to_string());
        }
    }
    array(&mut part_sh, "ORGANIZE", &organize);
    for key in ["stage", "prime"] {
        let entries: Vec<String> = strs(part.get(key))
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect();
        array(&mut part_sh, &key.to_ascii_uppercase(), &entries);
    }
    let mut perms: Vec<String> = Vec::new();
    for perm in strs(part.get("permissions")) {
        let field = |k: &str| perm.get(k).and_then(text).unwrap_or_default();
        let path = perm.get("path").and_then(Yaml::as_str).unwrap_or("*");
        perms.extend([
            path.to_string(),
            field("owner"),
            field("group"),
            field("mode"),
        ]);
    }
    array(&mut part_sh, "PERMISSIONS", &perms);

    let mut build_sh = String::from("#!/bin/bash\nset -euo pipefail\nsource ");
    build_sh.push_str(&environment_sh);
    build_sh.push_str("\nset -x\n");
    for c in &build {
        build_sh.push_str(c);
        build_sh.push('\n');
    }
    let mut files = vec![
        ("environment.sh".to_string(), env),
        ("part.sh".to_string(), part_sh),
        ("build.sh".to_string(), build_sh),
    ];
    let mut project_dir = false;
    for (step, text) in scriptlets {
        project_dir |= text.contains("CRAFT_PROJECT_DIR");
        files.push((format!("override-{step}.sh"), text.to_string()));
    }
    let mut mounts = Vec::new();
    let tools = std::iter::once(plugin).chain(toolchains.iter().map(|t| t.snap));
    for tool in tools {
        for (t, secrets, caches) in PACKAGE_MANAGERS {
            if *t != tool {
                continue;
            }
            for (id, target) in *secrets {
                let flag = format!("--mount=type=secret,id={id},target={target}");
                if !mounts.contains(&flag) {
                    mounts.push(flag);
                }
            }
            for target in *caches {
                let flag = format!("--mount=type=cache,target={target},sharing=locked");
                if !mounts.contains(&flag) {
                    mounts.push(flag);
                }
            }
        }
    }
    Some(Part {
        mounts,
        name: name.to_string(),
        stage: stage_of(name),
        after: strs(part.get("after"))
            .iter()
            .filter_map(|a| a.as_str())
            .map(stage_of)
            .collect(),
        build_packages,
        toolchains,
        source,
        project_dir,
        files,
    })
}

/// `NAME=( 'a' 'b' )`.
fn array(out: &mut String, name: &str, items: &[String]) {
    out.push_str(name);
    out.push_str("=(");
    lex::sh_words_into(out, items);
    out.push_str(")\n");
}

/// craft-parts' part environment: the part's and the stage's `bin` directories first on
/// `PATH`, when they exist.
const PART_ENVIRONMENT: &str = r#"for d in "$CRAFT_PART_INSTALL" "$CRAFT_STAGE"; do
  for b in usr/sbin usr/bin sbin bin; do
    if [ -d "$d/$b" ]; then PATH="$d/$b:$PATH"; fi
  done
done
export PATH
"#;

/// A plugin or snap, the secrets its package manager reads (id, mount target) and its caches.
pub type PackageManager = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static [&'static str],
);

/// What a package manager reads its private index credentials from (a BuildKit secret: `id`
/// and where it is mounted, never an `ARG` or `ENV`) and what it caches, by plugin or
/// `build-snaps` snap. `docker build --secret id=pip.conf,src=$HOME/.config/pip/pip.conf ...`.
pub const PACKAGE_MANAGERS: &[PackageManager] = &[
    ("python", &[("pip.conf", "/etc/pip.conf")], &[]),
    ("npm", &[("npmrc", "/root/.npmrc")], &["/root/.npm"]),
    ("node", &[("npmrc", "/root/.npmrc")], &["/root/.npm"]),
    (
        "go",
        &[("netrc", "/root/.netrc")],
        &["/root/.cache/go-build", "/root/go/pkg/mod"],
    ),
    (
        "maven",
        &[("maven-settings", "/etc/maven/settings.xml")],
        &[],
    ),
    (
        "gradle",
        &[("gradle.properties", "/root/.gradle/gradle.properties")],
        &["/root/.gradle/caches"],
    ),
];

/// The java plugins' `JAVA_HOME`: the newest JDK with a `javac` under /usr/lib/jvm.
const JAVA_HOME: &str =
    "$(dirname $(dirname $(find /usr/lib/jvm -path '*/bin/javac' -print | sort -V | tail -n1)))";

/// craft-parts' Maven settings: no proxy, the part's own local repository.
const MAVEN_SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<settings xmlns="http://maven.apache.org/SETTINGS/1.0.0"
        xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
        xsi:schemaLocation="http://maven.apache.org/SETTINGS/1.0.0 http://maven.apache.org/xsd/settings-1.0.0.xsd">
    <interactiveMode>false</interactiveMode>
    <localRepository>{repo}</localRepository>
</settings>"#;

/// The java plugins' last commands (craft-parts' `_get_java_post_build_commands`).
const JAVA_POST_BUILD: &str = r#"# Find the "java" executable and make a link to it in $CRAFT_PART_INSTALL/bin/java
mkdir -p ${CRAFT_PART_INSTALL}/bin
java_bin=$(find ${CRAFT_PART_INSTALL} -name java -type f -executable)
ln -s --relative $java_bin ${CRAFT_PART_INSTALL}/bin/java
# Find all the generated jars and hardlink them inside CRAFT_PART_INSTALL/jar/
mkdir -p ${CRAFT_PART_INSTALL}/jar
find "${CRAFT_PART_BUILD}/" -iname "*.jar" -not -path "{exclude}/*" -exec ln {} "${CRAFT_PART_INSTALL}/jar" \;"#;

/// The npm plugin's build command (craft-parts 2.33, without `npm-include-node`).
const NPM_BUILD: &str = r#"NPM_VERSION="$(npm --version)"
# use the new-style install command if npm >= 10.0.0
if ((${NPM_VERSION%%.*}>=10)); then
    npm install -g --prefix "${CRAFT_PART_INSTALL}" --install-links "${PWD}"
else
    npm install -g --prefix "${CRAFT_PART_INSTALL}" "$(npm pack . | tail -1)"
fi"#;

fn packages(
    part: &str,
    key: &str,
    list: Option<&Yaml>,
    into: &mut Vec<String>,
    p: &mut Problems<'_>,
) {
    for entry in strs(list) {
        let Some(name) = entry.as_str() else {
            p.push(
                super::INVALID_NAME,
                format!("rockcraft.yaml: `parts.{part}.{key}` holds a value that is not a string"),
                "list package names as strings",
            );
            continue;
        };
        match lex::debian_package(name) {
            Some(pkg) => push_unique(into, pkg),
            None => p.push(
                super::INVALID_NAME,
                format!(
                    "rockcraft.yaml: `parts.{part}.{key}` holds `{}`, which is not a Debian package name (or a chisel slice)",
                    shown(name)
                ),
                "package names are lower case letters, digits, `+`, `-` and `.`; a slice is `package_slice` (the image gets the slice's whole package)",
            ),
        }
    }
}

/// rockcraft's `sitecustomize.py` (rockcraft/plugins/python_common.py): the venv's
/// site-packages are found whether Python is called as `/bin/python3` or `python3`.
const SITECUSTOMIZE: &[&str] = &[
    "# sitecustomize added by Rockcraft.",
    "import site",
    "import sys",
    "",
    "major, minor = sys.version_info.major, sys.version_info.minor",
    "site_dir = f\"/lib/python{major}.{minor}/site-packages\"",
    "dist_dir = \"/usr/lib/python3/dist-packages\"",
    "",
    "# Add the directory that contains the venv-installed packages.",
    "site.addsitedir(site_dir)",
    "",
    "if dist_dir in sys.path:",
    "    # Make sure that this site-packages dir comes *before* the base-provided",
    "    # dist-packages dir in sys.path.",
    "    path = sys.path",
    "    site_index = path.index(site_dir)",
    "    dist_index = path.index(dist_dir)",
    "",
    "    if dist_index < site_index:",
    "        path[dist_index], path[site_index] = path[site_index], path[dist_index]",
];

/// Converts `Pipfile.lock` (argv[1]) to a requirements file (argv[2]): the `default` packages
/// with their versions, extras, markers and, when every entry has them, hashes.
const PIPFILE_LOCK_TO_REQUIREMENTS: &str = r#"import json, sys
lock = json.load(open(sys.argv[1]))
pkgs = lock.get("default", {})
hashed = bool(pkgs) and all(p.get("hashes") and "version" in p for p in pkgs.values())
lines = []
for name, p in sorted(pkgs.items()):
    if "git" in p:
        req = name + " @ git+" + p["git"] + ("@" + p["ref"] if p.get("ref") else "")
    elif "file" in p or "path" in p:
        req = p.get("file") or p["path"]
    else:
        extras = "[" + ",".join(p["extras"]) + "]" if p.get("extras") else ""
        req = name + extras + p.get("version", "")
    if p.get("markers"):
        req += "; " + p["markers"]
    if hashed:
        req += "".join(" --hash=" + h for h in p["hashes"])
    lines.append(req)
open(sys.argv[2], "w").write("\n".join(lines) + "\n")
"#;

/// The python plugin (rockcraft's, over craft-parts'): a venv in the install directory with
/// `python-packages`, the requirements, `Pipfile.lock` and the project itself, then rockcraft's
/// finishing touches: no venv python links, `#!/bin/python3` scripts, its sitecustomize.py.
fn python_build(py: &super::plan::Python, dir: &str) -> Vec<String> {
    let install = [dir, "/install"].concat();
    let pip = ["\"", &install, "/bin/pip\" install --no-cache-dir"].concat();
    let mut constraints = String::new();
    for c in &py.constraints {
        constraints.push_str(" -c ");
        lex::sh_into(&mut constraints, c);
    }
    let mut cmds = vec![["python3 -m venv \"", &install, "\""].concat()];
    if !py.packages.is_empty() {
        let mut c = [&pip, &constraints, " -U "].concat();
        lex::sh_words_into(&mut c, &py.packages);
        cmds.push(c);
    }
    if !py.requirements.is_empty() {
        let mut c = [&pip, &constraints, " -U"].concat();
        for r in &py.requirements {
            c.push_str(" -r ");
            lex::sh_into(&mut c, r);
        }
        cmds.push(c);
    }
    if py.pipfile_lock {
        cmds.push(format!(
            "python3 -c {} Pipfile.lock /tmp/pipfile-requirements.txt",
            lex::sh(PIPFILE_LOCK_TO_REQUIREMENTS)
        ));
        cmds.push(format!(
            "{pip}{constraints} -U -r /tmp/pipfile-requirements.txt"
        ));
    }
    if py.install_project {
        cmds.push(format!("{pip}{constraints} -U ."));
    }
    cmds.push(format!(
        "rm -f \"{install}\"/bin/python \"{install}\"/bin/python3* \"{install}\"/bin/activate* \"{install}\"/bin/Activate.ps1 \"{install}/pyvenv.cfg\""
    ));
    cmds.push(format!(
        "find \"{install}/bin\" -type f -exec sed -i '1 s|^#!.*/bin/python.*$|#!/bin/python3|' {{}} +"
    ));
    static LINES: LazyLock<String> = LazyLock::new(|| {
        let mut words = String::new();
        lex::sh_words_into(&mut words, SITECUSTOMIZE);
        words
    });
    cmds.push(format!(
        "for d in \"{install}\"/lib/python3.*; do printf '%s\\n' {} > \"$d/sitecustomize.py\"; done",
        *LINES
    ));
    cmds
}
