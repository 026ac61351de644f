//! The bodies of paasc's fuzz targets, kept in a library so a crash can be replayed from a test
//! or a debugger as well as from libFuzzer.
//!
//! Input formats (both plain text, so seeds are readable and `tools/fuzz.sh` writes them with
//! `cat`):
//!
//! * [`front_end`]: `rockcraft.yaml`, [`SEP`], `charmcraft.yaml`, then any number of
//!   [`SEP`]-separated project files, each `relative/path` on its first line and the contents
//!   after it. An empty part is an absent file. Files under `charm/` form the charm's directory
//!   (as `charm/charmcraft.yaml` would see it); without any, the charm shares the rock's.
//! * [`profile_emit`]: a first line `PROJECT FORMAT` naming one of the [`projects`] (any other
//!   text picks one by hash) and `json` or `human`, then the profile's text, then optionally
//!   [`SEP`] and one `--set` argument per line.

use paasc_diag::{Diagnostic, FileId, SourceDb};
use paasc_expand::ProjectDir;
use paasc_model::ProjectFiles;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Separates the parts of an input.
pub const SEP: &[u8] = b"\n@@paasc@@\n";

/// Splits `data` on [`SEP`].
pub fn split(data: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while let Some(at) = rest.windows(SEP.len()).position(|w| w == SEP) {
        parts.push(&rest[..at]);
        rest = &rest[at + SEP.len()..];
    }
    parts.push(rest);
    parts
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Adds `path` (and its parent directories, ending with `/`) to `dir`'s listing.
fn add_entry(dir: &mut ProjectDir, path: &str) {
    let mut at = 0;
    while let Some(slash) = path[at..].find('/') {
        let parent = format!("{}/", &path[..at + slash]);
        if !dir.entries.contains(&parent) {
            dir.entries.push(parent);
        }
        at += slash + 1;
    }
    if !path.ends_with('/') && !dir.entries.iter().any(|e| e == path) {
        dir.entries.push(path.to_string());
    }
}

/// Adds a file with its text; build wrappers starting with `#!` are executable.
fn add_file(dir: &mut ProjectDir, path: &str, text: String) {
    add_entry(dir, path);
    if matches!(path, "mvnw" | "gradlew") && text.starts_with("#!") {
        dir.executables.insert(path.to_string());
    }
    dir.texts.insert(path.to_string(), text);
}

/// Loads one project file the way `paasc::load` does: decoded (invalid UTF-8 reported), byte
/// order mark dropped.
fn load(db: &mut SourceDb, name: &str, bytes: &[u8], diags: &mut Vec<Diagnostic>) -> FileId {
    let (text, bad) = paasc_model::decode(db.next_id(), bytes.to_vec());
    diags.extend(bad);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
    db.add(name, text)
}

/// `paasc check` without the file system: parse, lower, both expansions, the lints, and both
/// renderings of whatever was found. Panics (the fuzzer's crash) on any internal failure or
/// broken invariant.
pub fn front_end(data: &[u8]) {
    let parts = split(data);
    let mut db = SourceDb::new();
    let mut diags = Vec::new();
    let mut files = ProjectFiles::default();
    let mut rock_dir = ProjectDir::default();
    let mut charm_dir = ProjectDir::default();
    let mut charm_files = false;
    if let Some(rock) = parts.first().filter(|p| !p.is_empty()) {
        files.rockcraft = Some(load(&mut db, "rockcraft.yaml", rock, &mut diags));
        add_entry(&mut rock_dir, "rockcraft.yaml");
    }
    if let Some(charm) = parts.get(1).filter(|p| !p.is_empty()) {
        files.charmcraft = Some(load(&mut db, "charm/charmcraft.yaml", charm, &mut diags));
        add_entry(&mut charm_dir, "charmcraft.yaml");
        add_entry(&mut rock_dir, "charm/charmcraft.yaml");
    }
    for part in parts.iter().skip(2).filter(|p| !p.is_empty()) {
        let (path, text) = match part.iter().position(|&b| b == b'\n') {
            Some(nl) => (lossy(&part[..nl]), lossy(&part[nl + 1..])),
            None => (lossy(part), String::new()),
        };
        let path = path
            .trim_start_matches('/')
            .trim_end_matches('/')
            .to_string();
        if path.is_empty() {
            continue;
        }
        if let Some(inner) = path.strip_prefix("charm/") {
            charm_files = true;
            add_file(&mut charm_dir, inner, text.clone());
        }
        add_file(&mut rock_dir, &path, text);
    }
    if !charm_files {
        charm_dir = rock_dir.clone();
    }
    // Both settings of the experimental-extension variables, chosen by the input's length.
    let experimental = data.len() % 2 == 0;

    let mut project = paasc_check::Project {
        db,
        files,
        diagnostics: diags,
        charm_dir: files.charmcraft.map(|_| paasc_check::Dir {
            root: PathBuf::from("charm"),
            listing: charm_dir,
            ..paasc_check::Dir::default()
        }),
        rock_dir: files.rockcraft.map(|_| paasc_check::Dir {
            root: PathBuf::from("."),
            listing: rock_dir,
            ..paasc_check::Dir::default()
        }),
        analysis: None,
    };
    let opts = paasc_check::Options {
        charm_experimental: experimental,
        rock_experimental: !experimental,
    };
    let checked = paasc_check::check_project(&mut project, opts);
    if let Some(doc) = &checked.charm {
        assert_writes_back(doc);
    }
    if let Some(done) = &checked.rock {
        assert_writes_back(&done.yaml);
        let _ = paasc_check::expand::rock_output(done);
    }
    let (db, mut diags) = (project.db, checked.diags);
    paasc_diag::sort(&mut diags);
    render(&db, &diags);
}

/// Renders `diags` in every format, checking the JSON document reads back.
fn render(db: &SourceDb, diags: &[Diagnostic]) {
    let doc = paasc::json::document(db, diags, db.iter().count());
    let json = paasc::json::to_string(&doc);
    if let Err(e) = serde_json::from_str::<serde_json::Value>(&json) {
        panic!("the JSON document does not parse: {e}\n{json}");
    }
    let _ = paasc::human::render_all(db, diags, paasc::human::Style::Narratable);
    let _ = paasc::human::render_all(db, diags, paasc::human::Style::Graphical);
}

/// `paasc_syntax::write` promises text that reads back as the same data; writing that again
/// must give the same text (compared as text, so NaN compares equal to itself).
fn assert_writes_back(doc: &paasc_syntax::Yaml) {
    let text = paasc_syntax::write::to_string(doc);
    let (tree, found) = paasc_syntax::parse(FileId(0), &text, paasc_syntax::Limits::default());
    assert!(
        !paasc_diag::has_errors(&found),
        "written YAML does not parse:\n{text}\n{found:?}"
    );
    let again = tree.root().map_or(paasc_syntax::Yaml::Null, |r| {
        paasc_syntax::Yaml::from_tree(&tree, r)
    });
    let text2 = paasc_syntax::write::to_string(&again);
    assert_eq!(text, text2, "written YAML does not read back the same");
}

/// The projects [`profile_emit`] applies profiles to, copied once into a temporary directory
/// without their `profiles/`: every example, every `golden/ok` case, and the projects of the
/// `golden/errors/profile-*` cases. Sorted by name (`examples/flask-minimal`, ...).
pub fn projects() -> &'static [(String, PathBuf)] {
    static PROJECTS: OnceLock<Vec<(String, PathBuf)>> = OnceLock::new();
    PROJECTS.get_or_init(|| {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let tmp = std::env::temp_dir().join(format!("paasc-fuzz-{}", std::process::id()));
        let mut out = Vec::new();
        for group in ["examples", "golden/ok", "golden/errors"] {
            let Ok(read) = std::fs::read_dir(repo.join(group)) else {
                continue;
            };
            for entry in read.filter_map(Result::ok) {
                let name = entry.file_name().to_string_lossy().into_owned();
                if group == "golden/errors" && !name.starts_with("profile-") {
                    continue;
                }
                let key = format!("{group}/{name}");
                let dest = tmp.join(&key);
                copy_project(&entry.path(), &dest);
                std::fs::create_dir_all(dest.join("profiles")).expect("temporary directory");
                out.push((key, dest));
            }
        }
        out.sort();
        assert!(
            !out.is_empty(),
            "no projects found under {}",
            repo.display()
        );
        out
    })
}

fn copy_project(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("temporary directory");
    let Ok(read) = std::fs::read_dir(from) else {
        return;
    };
    for entry in read.filter_map(Result::ok) {
        let name = entry.file_name();
        let path = entry.path();
        let skip = ["profiles", "case.md"].iter().any(|s| name == *s)
            || name.to_string_lossy().ends_with(".snap");
        if skip {
            continue;
        }
        if path.is_dir() {
            copy_project(&path, &to.join(&name));
        } else {
            std::fs::copy(&path, to.join(&name)).expect("copy a project file");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                if let Ok(m) = std::fs::metadata(&path) {
                    let _ = std::fs::set_permissions(
                        to.join(&name),
                        std::fs::Permissions::from_mode(m.permissions().mode()),
                    );
                }
            }
        }
    }
}

const TERM: paasc::Terminal = paasc::Terminal {
    stdout_tty: false,
    no_color: true,
    experimental: false,
    rock_experimental: false,
};

fn run(args: &[&str]) -> paasc::Outcome {
    let out = paasc::run(args.iter().map(|s| s.to_string()).collect(), TERM);
    assert_ne!(
        out.code,
        paasc::EXIT_INTERNAL,
        "internal error: {}",
        out.stderr
    );
    out
}

/// A profile applied to a fixed project: `paasc check` (which lowers the profile, plans the
/// deployment and runs every default emitter without writing), then, when that passed or
/// `--set` arguments were given, `paasc compile` with those and every emitter (`docker-env`
/// included). Only the profile is written per input.
pub fn profile_emit(data: &[u8]) {
    let (head, rest) = match data.iter().position(|&b| b == b'\n') {
        Some(nl) => (&data[..nl], &data[nl + 1..]),
        None => (data, &[][..]),
    };
    let head = lossy(head);
    let mut words = head.split_whitespace();
    let (wanted, format) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
    let all = projects();
    let (_, dir) = all
        .iter()
        .find(|(name, _)| name == wanted)
        .unwrap_or_else(|| {
            let hash = head
                .bytes()
                .fold(0usize, |h, b| h.wrapping_mul(31).wrapping_add(b.into()));
            &all[hash % all.len()]
        });
    let format = if format == "json" { "json" } else { "human" };
    let parts = split(rest);
    let profile = parts.first().copied().unwrap_or_default();
    let sets: Vec<String> = parts
        .get(1)
        .map(|s| lossy(s).lines().map(str::to_string).collect())
        .unwrap_or_default();
    std::fs::write(dir.join("profiles/fuzz.yaml"), profile).expect("write the profile");
    let dir_arg = dir.to_string_lossy().into_owned();
    let checked = run(&["paasc", "check", &dir_arg, "--format", format]);
    if format == "json" {
        if let Err(e) = serde_json::from_str::<serde_json::Value>(&checked.stdout) {
            panic!("the JSON document does not parse: {e}\n{}", checked.stdout);
        }
    }
    if checked.code != paasc::EXIT_OK && sets.is_empty() {
        return;
    }
    let out = dir.with_extension("out");
    let out_arg = out.to_string_lossy().into_owned();
    let mut args = vec![
        "paasc",
        "compile",
        &dir_arg,
        "--profile",
        "fuzz",
        "-o",
        &out_arg,
        "--format",
        format,
        "--emit",
    ];
    // Without --set, check already ran the default emitters: only docker.env is new.
    args.push(if sets.is_empty() {
        "docker-env"
    } else {
        "pebble,env,docker-env,gunicorn,dockerfile,helm"
    });
    // `--set=VALUE`, so no line can be read as another flag (such as `-o /`).
    let sets: Vec<String> = sets.iter().map(|s| format!("--set={s}")).collect();
    args.extend(sets.iter().map(String::as_str));
    let compiled = run(&args);
    if sets.is_empty() && compiled.code == paasc::EXIT_USAGE {
        panic!("compile refused what check accepted: {}", compiled.stderr);
    }
}
