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
//! Stages, the craft-parts lifecycle ([`lifecycle`]):
//! - toolchain images for `build-snaps` ([`toolchains`]) and, for `package-repositories`, an
//!   `apt-repositories` stage with their keys and sources ([`repositories`]);
//! - `craft`: the base with `/craft/craft.sh` (pull, build, stage and prime of one part, as
//!   craft-parts 2.33 runs them) and `/craft/bin/craftctl`;
//! - one `part-NAME` stage per part, in `after` order: its toolchains and `build-packages`,
//!   the stage directories of the parts it is after, its run directory (scriptlets, the
//!   plugin's build commands, environment, organize map, filesets, permissions: base64, so no
//!   value can become an instruction), its local source, then `craft.sh run` with the package
//!   managers' secrets and caches mounted;
//! - the image: every part's `stage-packages` through apt, user `_daemon_` (584792:584792),
//!   every part's prime, `gunicorn.conf.py` as paas-charm renders it for the charm's default
//!   config (Python frameworks), then `USER`, `WORKDIR`, `EXPOSE` (the port of the default
//!   config), `HEALTHCHECK` (when the rock has checks and the image has Python) and the rock's
//!   main service command as `CMD`.
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
#[path = "dockerfile/lifecycle.rs"]
pub mod lifecycle;
#[path = "dockerfile/plan.rs"]
pub mod plan;
#[path = "dockerfile/repositories.rs"]
pub mod repositories;
#[path = "dockerfile/toolchains.rs"]
pub mod toolchains;

use crate::{Files, Mode, Projects};
use lifecycle::{Part, Source, PROJECT, WORK};
use paasc_check::App as EmitInput;
use paasc_diag::Diagnostic;
use paasc_frameworks::ServiceRole;
use plan::{Image, Problems};
use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::{LazyLock, Mutex};

paasc_diag::declare_code!(
    pub UNSUPPORTED = "D002", "dockerfile-unsupported", Error,
    "The rock needs something the Dockerfile cannot reproduce.",
"The Dockerfile runs every part of the expanded rock as craft-parts does, one build stage per
part in `after` order: its scriptlets, its plugin's build (`nil`, `dump`, `python`, `go`,
`npm`, `maven`, `gradle`, `jlink`), `organize`, `stage`, `prime` and `permissions`, from a
local source. A part built by another plugin, or from a remote source, or with a key the
Dockerfile does not translate would be left out of the image, so paasc stops instead of
writing an image that differs from the rock, and names every such key of the part at once. A base with no Ubuntu image, a `run-user`
other than `_daemon_`, and a `package-repositories` entry that is not an apt repository with a
key fingerprint (a PPA, a `priority`) are reported too.

Example (rockcraft.yaml):

    parts:
      ui:
        plugin: make
        source: https://example.com/ui.git

Fix: build that output into the project before `docker build` and remove the part, or leave
the Dockerfile out with `--emit pebble,env,gunicorn`."
);

paasc_diag::declare_code!(
    pub UNKNOWN_SNAP = "D005", "dockerfile-unknown-snap", Error,
    "A `build-snaps` entry has no toolchain image.",
"Snaps cannot run in a container. The Dockerfile replaces each known snap of a part's
`build-snaps` with a toolchain image pinned to the snap's track (`node/20/stable` is `node:20`,
`go/1.22/stable` is `golang:1.22`; the README lists them), a build argument that a build can
point elsewhere. Another snap has no such image.

Example (rockcraft.yaml):

    parts:
      ui:
        plugin: nil
        build-snaps: [rustup]

Fix: install the tool with `build-packages` (or from the part's scriptlet), or leave the
Dockerfile out with `--emit pebble,env`."
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

/// The files of this artifact, or why they cannot be written. Every problem is the plan's
/// ([`plan::image`]), so [`Mode::Check`] writes nothing after it. `projects`: how many
/// projects the run renders (with several, [`echo_base64`] keeps texts for the next ones).
pub fn files(input: &EmitInput, mode: Mode, projects: Projects) -> Result<Files, Vec<Diagnostic>> {
    let mut p = Problems::new(input);
    let layout = frameworks::layout(input.framework);
    let img = plan::image(input, layout, mode, &mut p);
    if !p.list.is_empty() {
        return Err(p.list);
    }
    if mode == Mode::Check {
        return Ok(Files::new());
    }
    let name = input
        .rock
        .get("name")
        .and_then(paasc_syntax::Yaml::as_str)
        .filter(|n| lex::path_problem(n, false).is_none() && !n.contains('/'))
        .unwrap_or("app");
    Ok(vec![
        (
            DOCKERFILE.to_string(),
            dockerfile(&img, layout, name, projects).into(),
        ),
        (DOCKERIGNORE.to_string(), dockerignore(&img).into()),
    ])
}

/// One instruction of a stage; consecutive `RUN`s are joined into one (hadolint DL3059).
enum Ins {
    /// Shell-form commands, joined with `&&`; `true` when apt installs unpinned versions; the
    /// `--mount` flags.
    Run(Vec<Cow<'static, str>>, bool, Vec<String>),
    /// Any other line, as written.
    Line(String),
}

fn write_stage(out: &mut String, ins: Vec<Ins>) {
    let mut merged: Vec<Ins> = Vec::new();
    for i in ins {
        match (merged.last_mut(), i) {
            (Some(Ins::Run(cmds, apt, flags)), Ins::Run(more, more_apt, more_flags)) => {
                cmds.extend(more);
                *apt |= more_apt;
                for f in more_flags {
                    if !flags.contains(&f) {
                        flags.push(f);
                    }
                }
            }
            (_, i) => merged.push(i),
        }
    }
    for i in merged {
        match i {
            Ins::Line(l) => {
                out.push_str(&l);
                out.push('\n');
            }
            Ins::Run(cmds, apt, flags) => {
                if apt {
                    out.push_str(
                        "# Versions come from the base image's archive, as for the rock's packages.\n# hadolint ignore=DL3008\n",
                    );
                }
                for (i, c) in cmds.iter().enumerate() {
                    if i == 0 {
                        out.push_str("RUN ");
                        for f in &flags {
                            out.push_str(f);
                            out.push(' ');
                        }
                    } else {
                        out.push_str("    && ");
                    }
                    out.push_str(c);
                    out.push_str(if i + 1 < cmds.len() { " \\\n" } else { "\n" });
                }
            }
        }
    }
    out.push('\n');
}

fn apt_install(packages: &[String]) -> Ins {
    let mut install =
        String::from("DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ");
    lex::sh_words_into(&mut install, packages);
    Ins::Run(
        vec![
            "apt-get update".into(),
            install.into(),
            "rm -rf /var/lib/apt/lists/*".into(),
        ],
        true,
        Vec::new(),
    )
}

/// Commands that write `text` to `path` (base64, so no byte of it can reach the instruction),
/// in a run rendering `projects`.
fn write_file(path: &str, text: &str, projects: Projects) -> [Cow<'static, str>; 3] {
    write_echoed(path, echo_base64(text, projects))
}

/// Commands that write to `path` what `echo` (an [`echo`] command) encodes.
fn write_echoed(path: &str, echo: String) -> [Cow<'static, str>; 3] {
    let mut decode = String::from("base64 -d /tmp/paasc.b64 > ");
    lex::sh_into(&mut decode, path);
    [echo.into(), decode.into(), "rm /tmp/paasc.b64".into()]
}

/// `echo '<base64>' > /tmp/paasc.b64`, with the `len` bytes of base64 that `encode` writes.
fn echo(len: usize, encode: impl FnOnce(&mut String)) -> String {
    let mut echo = String::with_capacity(len + 30);
    echo.push_str("echo '");
    encode(&mut echo);
    echo.push_str("' > /tmp/paasc.b64");
    echo
}

/// How many of [`echo_base64`]'s commands are kept, and the longest text kept.
const KEPT_ECHOES: usize = 128;
const KEPT_ECHO_TEXT: usize = 8 * 1024;

/// `echo '<text in base64>' > /tmp/paasc.b64`. When the run renders several projects
/// ([`Projects::Several`]) the first few are kept: the extensions' parts, and so most of their
/// files, are the same in every project of a framework, and encoding them was most of the
/// Dockerfile's cost.
fn echo_base64(text: &str, projects: Projects) -> String {
    type Kept = foldhash::HashMap<String, String>;
    static KEPT: LazyLock<Mutex<Kept>> = LazyLock::new(Mutex::default);
    let keep = text.len() <= KEPT_ECHO_TEXT && projects == Projects::Several;
    if keep {
        if let Some(echo) = KEPT.lock().ok().and_then(|k| k.get(text).cloned()) {
            return echo;
        }
    }
    let echo = echo(text.len().div_ceil(3) * 4, |e| {
        lex::base64_into(e, text.as_bytes());
    });
    if let (true, Ok(mut kept)) = (keep, KEPT.lock()) {
        if kept.len() < KEPT_ECHOES {
            kept.insert(text.to_string(), echo.clone());
        }
    }
    echo
}

/// The commands that write the lifecycle runtime into the `craft` stage: [`write_echoed`]'s
/// three for each of the two scripts, from the base64 `build.rs` wrote (without their comment
/// lines), put together at build time.
const CRAFT_FILES: [&str; 6] = [
    concat!(
        "echo '",
        include_str!(concat!(env!("OUT_DIR"), "/craft.sh.b64")),
        "' > /tmp/paasc.b64"
    ),
    "base64 -d /tmp/paasc.b64 > '/craft/craft.sh'",
    "rm /tmp/paasc.b64",
    concat!(
        "echo '",
        include_str!(concat!(env!("OUT_DIR"), "/craftctl.b64")),
        "' > /tmp/paasc.b64"
    ),
    "base64 -d /tmp/paasc.b64 > '/craft/bin/craftctl'",
    "rm /tmp/paasc.b64",
];

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
    let mut digits = itoa::Buffer::new();
    let port = digits.format(img.port);
    let mut line = |pieces: &[&str]| {
        for piece in pieces {
            out.push_str(piece);
        }
        out.push('\n');
    };
    line(&[
        "# Generated by paasc from the rock `",
        name,
        "` (",
        layout.extension,
        ", base ",
        &img.base,
        ").",
    ]);
    line(&["# An image equivalent to the rock, built without rockcraft. Do not edit: change the"]);
    line(&["# project and run `paasc compile` again."]);
    line(&["#"]);
    line(&["# The build context is the project directory, the one holding rockcraft.yaml:"]);
    line(&[
        "#   docker build -f OUT/docker/Dockerfile -t ",
        name,
        " PROJECT",
    ]);
    line(&[
        "#   buildah bud --format docker -f OUT/docker/Dockerfile --ignorefile OUT/docker/Dockerfile.dockerignore -t ",
        name,
        " PROJECT",
    ]);
    line(&["# (Docker's BuildKit reads Dockerfile.dockerignore beside this file by itself.)"]);
    line(&[
        "# --build-arg BASE_IMAGE=... builds on another image of the same release as ",
        &img.base_image,
        ".",
    ]);
    line(&["#"]);
    line(&["# The app's environment, secrets included, is not in the image: give it at run time,"]);
    line(&[
        "# from `paasc compile --emit docker-env` (OUT/docker.env, for `docker run --env-file`)",
    ]);
    line(&["# or from OUT/.env with docker compose (`env_file:`):"]);
    let run = [
        "#   docker run --rm -p ",
        port,
        ":",
        port,
        " --env-file OUT/docker.env ",
    ]
    .concat();
    line(&[&run, name]);
    if let Some((path, _)) = &img.gunicorn_conf {
        line(&["#"]);
        line(&[
            "# The image is the same for every deployment: its gunicorn.conf.py is paas-charm's",
        ]);
        line(&["# rendering for the charm's default config. Mount the deployment's over it:"]);
        line(&[&run, "-v OUT/gunicorn.conf.py:", path, ":ro ", name]);
        line(&["# (the Helm chart mounts it from its ConfigMap)."]);
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
    for (part, why) in &img.parts.left_out {
        let _ = writeln!(out, "#\n# Not built: the extension's part `{part}`: {why}.");
    }
    for (svc, why) in &img.sidecars {
        let _ = writeln!(
            out,
            "#\n# Not in the image: the rock's `{svc}` service: {why}."
        );
    }
    out.push('\n');
}

fn craft_stage(out: &mut String, img: &Image) {
    let mut cmds: Vec<Cow<'static, str>> = vec!["mkdir -p /craft/bin /craft/vars".into()];
    cmds.extend(CRAFT_FILES.map(Cow::Borrowed));
    cmds.push("chmod 755 /craft/craft.sh /craft/bin/craftctl".into());
    for (k, v) in &img.vars {
        let mut c = String::from("printf '%s' ");
        lex::sh_into(&mut c, v);
        c.push_str(" > /craft/vars/");
        c.push_str(k);
        cmds.push(c.into());
    }
    write_stage(
        out,
        vec![
            Ins::Line("# The craft-parts lifecycle: craft.sh runs a part's steps, craftctl serves its scriptlets.".into()),
            Ins::Line("FROM ${BASE_IMAGE} AS craft".into()),
            Ins::Run(cmds, false, Vec::new()),
            Ins::Line("ENV PATH=/craft/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into()),
        ],
    );
}

/// The `COPY` lines that give a stage the rock's apt repositories before it runs apt.
fn repository_copies(img: &Image) -> Vec<Ins> {
    if img.repos.is_empty() {
        return Vec::new();
    }
    ["/etc/apt/keyrings/", "/etc/apt/sources.list.d/"]
        .iter()
        .map(|d| Ins::Line(format!("COPY --from={} {d} {d}", repositories::STAGE)))
        .collect()
}

fn part_stage(out: &mut String, img: &Image, part: &Part, projects: Projects) {
    let dir = part.dir();
    let run_dir = lex::sh(&[&dir, "/run"].concat());
    let mut ins = vec![
        Ins::Line(["# Part `", &part.name.replace('\n', " "), "`."].concat()),
        Ins::Line(["FROM craft AS ", &part.stage].concat()),
        Ins::Line("ARG TARGETARCH".into()),
        Ins::Line("ARG BUILDARCH".into()),
    ];
    for t in &part.toolchains {
        ins.push(Ins::Line(
            ["COPY --from=", &t.stage, " /usr/local/ /usr/local/"].concat(),
        ));
    }
    if !part.build_packages.is_empty() {
        ins.extend(repository_copies(img));
        ins.push(apt_install(&part.build_packages));
    }
    for after in &part.after {
        ins.push(Ins::Line(
            [
                "COPY --from=",
                after,
                " ",
                WORK,
                "/stage/ ",
                WORK,
                "/stage/",
            ]
            .concat(),
        ));
    }
    let mut cmds = Vec::with_capacity(1 + 3 * part.files.len());
    cmds.push(["mkdir -p ", &run_dir].concat().into());
    for (name, text) in &part.files {
        cmds.extend(write_file(&[&dir, "/run/", name].concat(), text, projects));
    }
    ins.push(Ins::Run(cmds, false, Vec::new()));
    if part.project_dir {
        ins.push(Ins::Line(format!("COPY . {PROJECT}/")));
    }
    match &part.source {
        Some(Source::Dir(d)) => {
            let from = if d == "." {
                ".".to_string()
            } else {
                format!("{d}/")
            };
            ins.push(Ins::Line(format!("COPY {from} {dir}/src/")));
        }
        Some(Source::Files(files)) => {
            for f in files {
                ins.push(Ins::Line(format!("COPY {f} {dir}/src/{f}")));
            }
        }
        None => {}
    }
    ins.push(Ins::Run(
        vec![["bash /craft/craft.sh run ", &run_dir].concat().into()],
        false,
        part.mounts.clone(),
    ));
    write_stage(out, ins);
}

fn final_stage(out: &mut String, img: &Image) {
    let mut ins = vec![Ins::Line("FROM ${BASE_IMAGE}".into())];
    for (k, v) in &img.env {
        ins.push(Ins::Line(format!("ENV {k}={}", lex::env_value(v))));
    }
    let mut cmds: Vec<Cow<'static, str>> = Vec::new();
    if !img.parts.stage_packages.is_empty() {
        ins.extend(repository_copies(img));
        ins.push(apt_install(&img.parts.stage_packages));
        if !img.repos.is_empty() {
            // The rock has the base's apt configuration only.
            cmds.push(
                "rm -f /etc/apt/sources.list.d/craft-*.sources /etc/apt/keyrings/craft-*.gpg"
                    .into(),
            );
        }
    }
    if img.parts.python {
        // The base's own sitecustomize (a link into /etc on Ubuntu) gives way to the rock's.
        cmds.push("rm -f /usr/lib/python3*/sitecustomize.py".into());
    }
    if let Some((user, id)) = &img.run_user {
        cmds.push(format!("groupadd --gid {id} {}", lex::sh(user)).into());
        cmds.push(format!(
            "useradd -l --uid {id} --gid {id} --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin {}",
            lex::sh(user)
        ).into());
    }
    if !cmds.is_empty() {
        ins.push(Ins::Run(cmds, false, Vec::new()));
    }
    for part in &img.parts.list {
        ins.push(Ins::Line(
            ["COPY --from=", &part.stage, " ", WORK, "/prime/ /"].concat(),
        ));
    }
    let (o, g) = (paasc_frameworks::DAEMON_UID, paasc_frameworks::DAEMON_UID);
    if let Some((path, text)) = &img.gunicorn_conf {
        ins.push(Ins::Line(format!(
            "# {path}: paas-charm's rendering for the charm's default config (a deployment mounts its own over it)."
        )));
        let script = format!(
            "import base64, os, sys\nopen(sys.argv[1], 'wb').write(base64.b64decode(sys.argv[2]))\nos.chown(sys.argv[1], {o}, {g})\n"
        );
        ins.push(Ins::Line(format!(
            "RUN {}",
            lex::json_array(&[
                "/bin/python3".to_string(),
                "-c".to_string(),
                script,
                path.clone(),
                lex::base64(text.as_bytes()),
            ])
        )));
    }
    if let Some((_, id)) = &img.run_user {
        ins.push(Ins::Line(format!("USER {id}:{id}")));
    }
    ins.push(Ins::Line(format!("WORKDIR {}", img.workdir)));
    ins.push(Ins::Line(format!("EXPOSE {}", img.port)));
    if img.health.is_some() && !img.parts.python {
        ins.push(Ins::Line(
            "# The rock's checks are not a HEALTHCHECK: its checker is Python, which this image does not have.".into(),
        ));
    }
    if let Some(h) = img.health.as_ref().filter(|_| img.parts.python) {
        let mut words = vec![
            "/bin/python3".to_string(),
            "-c".to_string(),
            HEALTH_SCRIPT.to_string(),
        ];
        words.extend(h.checks.iter().map(|c| c.to_string()));
        ins.push(Ins::Line(format!(
            "HEALTHCHECK --interval={} --timeout={} --retries={} CMD {}",
            lex::duration_flag(h.interval_ns),
            lex::duration_flag(h.timeout_ns),
            h.retries,
            lex::json_array(&words)
        )));
    }
    ins.push(Ins::Line(format!("CMD {}", lex::json_array(&img.cmd))));
    write_stage(out, ins);
    out.pop();
}

fn dockerfile(
    img: &Image,
    layout: &paasc_frameworks::Spec,
    name: &str,
    projects: Projects,
) -> String {
    // Most Dockerfiles are under 64 KiB: one allocation instead of a copy at each doubling.
    let mut out = String::with_capacity(64 * 1024);
    header(&mut out, img, layout, name);
    let _ = writeln!(out, "ARG BASE_IMAGE={}", img.base_image);
    let mut chains: Vec<&toolchains::Resolved> = Vec::new();
    for t in img.parts.list.iter().flat_map(|p| &p.toolchains) {
        if !chains.contains(&t) {
            chains.push(t);
        }
    }
    for t in &chains {
        let _ = writeln!(out, "ARG {}={}", t.arg, t.image);
    }
    out.push('\n');
    for t in &chains {
        let _ = writeln!(
            out,
            "# build-snaps: the toolchain image that stands for the snap.\n# hadolint ignore=DL3006\nFROM ${{{}}} AS {}\n",
            t.arg, t.stage
        );
    }
    if !img.repos.is_empty() {
        let mut cmds =
            match apt_install(&["ca-certificates".into(), "dirmngr".into(), "gnupg".into()]) {
                Ins::Run(cmds, _, _) => cmds,
                Ins::Line(_) => Vec::new(),
            };
        cmds.extend(
            repositories::stage_commands(&img.repos)
                .into_iter()
                .map(Cow::Owned),
        );
        write_stage(
            &mut out,
            vec![
                Ins::Line(
                    "# package-repositories: their keys from the key server, their deb822 sources."
                        .into(),
                ),
                Ins::Line(format!("FROM ${{BASE_IMAGE}} AS {}", repositories::STAGE)),
                Ins::Run(cmds, true, Vec::new()),
            ],
        );
    }
    craft_stage(&mut out, img);
    for part in &img.parts.list {
        part_stage(&mut out, img, part, projects);
    }
    final_stage(&mut out, img);
    out
}

/// What the build reads from the project: everything rockcraft packs (less what it never
/// does) when a part's source is a directory, otherwise exactly the files the parts copy.
fn dockerignore(img: &Image) -> String {
    let mut out = String::from(
        "# Generated by paasc: the files of the project (the build context) the Dockerfile reads.\n",
    );
    let whole = img
        .parts
        .list
        .iter()
        .any(|p| p.project_dir || matches!(p.source, Some(Source::Dir(_))));
    if whole {
        out.push_str(".git\nnode_modules\n.yarn\n*.rock\n");
        return out;
    }
    out.push_str("*\n");
    let mut seen: Vec<&String> = Vec::new();
    for part in &img.parts.list {
        if let Some(Source::Files(files)) = &part.source {
            for f in files {
                if !seen.contains(&f) {
                    let _ = writeln!(out, "!{f}");
                    seen.push(f);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lifecycle runtime's commands, put together at build time, are what [`write_echoed`]
    /// and [`echo`] write for the two scripts, and their base64 decodes to shell scripts.
    #[test]
    fn craft_files_are_the_echoed_scripts() {
        use base64::Engine as _;
        for (at, path) in [(0, "/craft/craft.sh"), (3, "/craft/bin/craftctl")] {
            let b64 = CRAFT_FILES[at]
                .strip_prefix("echo '")
                .and_then(|rest| rest.strip_suffix("' > /tmp/paasc.b64"))
                .expect("an echo of base64");
            let echoed = write_echoed(path, echo(b64.len(), |e| e.push_str(b64)));
            assert_eq!(echoed.map(|c| c.into_owned()), CRAFT_FILES[at..at + 3]);
            let script = base64::engine::general_purpose::STANDARD
                .decode(b64)
                .expect("base64");
            assert!(script.starts_with(b"#!"), "{path}");
        }
    }
}
