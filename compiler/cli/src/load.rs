//! Project discovery and loading: the only place that reads input files.

use paasc_diag::{Code, Diagnostic, SourceDb, Span};
use paasc_model::{decode, ProjectFiles};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Largest file read; a larger one is refused with a diagnostic (and only this much is read).
pub const MAX_BYTES: u64 = 8 * 1024 * 1024;

/// Where to find the project files.
#[derive(Clone, Debug, Default)]
pub struct Locations {
    /// The project directory.
    pub dir: PathBuf,
    /// An explicit `rockcraft.yaml`.
    pub rockcraft: Option<PathBuf>,
    /// An explicit `charmcraft.yaml`.
    pub charmcraft: Option<PathBuf>,
}

/// A loaded project.
pub struct Loaded {
    /// The files' texts.
    pub db: SourceDb,
    /// Which file is which.
    pub files: ProjectFiles,
    /// Problems met while loading (invalid UTF-8, oversized files).
    pub diagnostics: Vec<Diagnostic>,
}

/// Why a project could not be loaded at all (exit 2).
pub struct LoadError {
    /// A database holding the path that failed, so the error renders like any diagnostic.
    pub db: SourceDb,
    /// The diagnostic.
    pub diagnostic: Diagnostic,
}

/// `p` as diagnostics show it: without a leading `./`.
pub fn display(p: &Path) -> String {
    let s = p.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

fn fail(path: &Path, message: String, help: &str) -> Box<LoadError> {
    let mut db = SourceDb::new();
    let id = db.add(display(path), "");
    Box::new(LoadError {
        db,
        diagnostic: Diagnostic::new(Code::MISSING_FILE, id, Span::point(0), message)
            .label("here")
            .help(help),
    })
}

/// Finds and reads `rockcraft.yaml` and `charmcraft.yaml`.
pub fn load(loc: &Locations) -> Result<Loaded, Box<LoadError>> {
    let dir = &loc.dir;
    if loc.rockcraft.is_none() && loc.charmcraft.is_none() && !dir.is_dir() {
        return Err(fail(
            dir,
            format!(
                "project directory `{}` does not exist or is not a directory",
                display(dir)
            ),
            "pass the directory that holds rockcraft.yaml",
        ));
    }
    let rock_path = match &loc.rockcraft {
        Some(p) => Some(p.clone()),
        None => Some(dir.join("rockcraft.yaml")).filter(|p| p.is_file()),
    };
    let charm_path = match &loc.charmcraft {
        Some(p) => Some(p.clone()),
        None => [
            dir.join("charmcraft.yaml"),
            dir.join("charm").join("charmcraft.yaml"),
        ]
        .into_iter()
        .find(|p| p.is_file()),
    };
    if rock_path.is_none() && charm_path.is_none() {
        return Err(fail(
            dir,
            format!("no rockcraft.yaml or charmcraft.yaml in `{}` (charmcraft.yaml is also looked for in `charm/`)", display(dir)),
            "run paasc in the project root, pass the project directory, or use --rockcraft/--charmcraft",
        ));
    }
    let mut db = SourceDb::new();
    let mut diagnostics = Vec::new();
    let mut files = ProjectFiles::default();
    for (path, slot) in [
        (rock_path, &mut files.rockcraft),
        (charm_path, &mut files.charmcraft),
    ] {
        let Some(path) = path else { continue };
        let bytes = read_limited(&path).map_err(|e| {
            fail(
                &path,
                format!("cannot read `{}`: {e}", display(&path)),
                "check that the file exists and is readable",
            )
        })?;
        let id = db.next_id();
        let text = if bytes.len() as u64 > MAX_BYTES {
            String::from_utf8_lossy(&bytes).into_owned()
        } else {
            let (text, diag) = decode(id, bytes);
            diagnostics.extend(diag);
            text
        };
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        };
        *slot = Some(db.add(display(&path), text));
    }
    Ok(Loaded {
        db,
        files,
        diagnostics,
    })
}

/// Reads at most one byte more than paasc accepts (so an oversized file is seen as such).
pub fn read_limited(path: &Path) -> std::io::Result<Vec<u8>> {
    if path.is_dir() {
        return Err(std::io::Error::other("it is a directory"));
    }
    let f = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    f.take(MAX_BYTES + 1).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Lists what the extensions inspect in a project directory: the top-level entries, the
/// contents of `cos_custom/`, and the small text files they read. `skip` names top-level
/// entries to leave out (e.g. a test corpus's `expected/`).
pub fn project_dir(root: &Path, skip: &[&str]) -> paasc_expand::ProjectDir {
    const TEXTS: [&str; 3] = ["paas-config.yaml", "requirements.txt", "pyproject.toml"];
    let mut dir = paasc_expand::ProjectDir::default();
    let list = |rel: &str, path: &Path, dir: &mut paasc_expand::ProjectDir| {
        let Ok(read) = std::fs::read_dir(path) else {
            return;
        };
        let mut names: Vec<(String, bool)> = read
            .filter_map(Result::ok)
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    e.path().is_dir(),
                )
            })
            .filter(|(n, _)| !rel.is_empty() || !skip.contains(&n.as_str()))
            .collect();
        names.sort();
        for (name, is_dir) in names {
            dir.entries
                .push(format!("{rel}{name}{}", if is_dir { "/" } else { "" }));
        }
    };
    list("", root, &mut dir);
    list("cos_custom/", &root.join("cos_custom"), &mut dir);
    for name in TEXTS {
        if let Ok(bytes) = read_limited(&root.join(name)) {
            dir.texts.insert(
                name.to_string(),
                String::from_utf8_lossy(&bytes).into_owned(),
            );
        }
    }
    dir
}

/// [`project_dir`] plus what rockcraft's extensions read for a rock named `name`: the candidate
/// Python, JSON and requirement files, and which build wrappers are executable.
pub fn rock_project_dir(root: &Path, skip: &[&str], name: &str) -> paasc_expand::ProjectDir {
    let mut dir = project_dir(root, skip);
    for rel in paasc_expand::rockcraft::files_read(name) {
        let path = root.join(&rel);
        if !path.is_file() {
            continue;
        }
        if !dir.entries.contains(&rel) {
            dir.entries.push(rel.clone());
        }
        if dir.texts.contains_key(&rel) {
            continue;
        }
        if let Ok(bytes) = read_limited(&path) {
            dir.texts
                .insert(rel, String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    for wrapper in ["mvnw", "gradlew"] {
        if is_executable(&root.join(wrapper)) {
            dir.executables.insert(wrapper.to_string());
        }
    }
    dir
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// The entries of `root` among `rels` (as [`project_dir`] lists them) that are symbolic links
/// whose target lies outside `root`, each with its target as written.
pub fn links_leaving(root: &Path, rels: &[String]) -> Vec<(String, PathBuf)> {
    let Ok(base) = root.canonicalize() else {
        return Vec::new();
    };
    rels.iter()
        .filter_map(|rel| {
            let rel = rel.trim_end_matches('/');
            let path = root.join(rel);
            if !std::fs::symlink_metadata(&path)
                .ok()?
                .file_type()
                .is_symlink()
            {
                return None;
            }
            let target = std::fs::read_link(&path).ok()?;
            let inside = match path.canonicalize() {
                Ok(real) => real.starts_with(&base),
                Err(_) => {
                    let written = base.join(rel);
                    let from = written.parent().unwrap_or(&base);
                    normalize(&from.join(&target)).starts_with(&base)
                }
            };
            (!inside).then(|| (rel.to_string(), target))
        })
        .collect()
}

/// The files among `texts` (as [`project_dir`] read them, relative to `root`) larger than
/// [`MAX_BYTES`], with their sizes. Only a text longer than the limit can be one (its read
/// stopped one byte past it, and a lossy decoding never shortens it), so only those are stat-ed.
pub fn oversized(
    root: &Path,
    texts: &std::collections::BTreeMap<String, String>,
) -> Vec<(String, u64)> {
    texts
        .iter()
        .filter(|(_, text)| text.len() as u64 > MAX_BYTES)
        .filter_map(|(rel, _)| {
            let size = std::fs::metadata(root.join(rel)).ok()?.len();
            (size > MAX_BYTES).then(|| (rel.clone(), size))
        })
        .collect()
}

/// `path` with `.` and `..` resolved by name alone (for links whose target does not exist).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The directory holding the file at `path` (`.` for a bare file name).
pub fn directory_of(path: &str) -> std::path::PathBuf {
    Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| std::path::PathBuf::from("."), Path::to_path_buf)
}
