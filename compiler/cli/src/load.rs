//! Project discovery and loading: the only place that reads input files. Everything the pure
//! passes look at is read here, up front, into a [`paasc_check::Project`].

use paasc_check::paths::{self, directory_of, normalize, CODE_BYTES, CODE_FILES};
use paasc_check::{display, Dir, Project, Source, MAX_BYTES};
use paasc_diag::{Code, Diagnostic, FileId, SourceDb, Span};
use paasc_model::{decode, ProjectFiles};
use paasc_write::Kind;
use std::ffi::{OsStr, OsString};
#[cfg(not(unix))]
use std::path::Component;
use std::path::{Path, PathBuf};

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

/// Why a project could not be loaded at all (exit 2).
pub struct LoadError {
    /// A database holding the path that failed, so the error renders like any diagnostic.
    pub db: SourceDb,
    /// The diagnostic.
    pub diagnostic: Diagnostic,
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

/// The files on disk.
pub struct Disk;

impl Source for Disk {
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        read_limited(path)
    }

    fn is_file(&self, path: &Path) -> bool {
        kind_of(path) == Some(Kind::File)
    }

    /// A look at what `path` is, not a listing of it.
    fn is_dir(&self, path: &Path) -> bool {
        kind_of(path) == Some(Kind::Dir)
    }

    /// The listing says what each entry is; only a link needs a look at its target.
    fn list(&self, dir: &Path) -> std::io::Result<Vec<(String, bool)>> {
        Ok(entries(dir)?
            .into_iter()
            .map(|(name, kind)| {
                let is_dir = match kind {
                    Kind::Dir => true,
                    Kind::Link => kind_of(&dir.join(&name)) == Some(Kind::Dir),
                    Kind::File | Kind::Special | Kind::Absent => false,
                };
                (name.to_string_lossy().into_owned(), is_dir)
            })
            .collect())
    }
}

/// Finds and reads `rockcraft.yaml` and `charmcraft.yaml` from `src`, and the directories
/// holding them as the extensions see them.
pub fn load(loc: &Locations, src: &dyn Source) -> Result<Project, Box<LoadError>> {
    let dir = &loc.dir;
    let found = loc.rockcraft.is_none() && loc.charmcraft.is_none();
    // Listed first, the project directory (and `charm/`, where charmcraft.yaml usually is)
    // answers the looks below at the files that may be in it, without a system call each
    // (inside [`remembering`]); [`project_dir`] lists them anyway.
    if found && remembered() && entries(dir).is_ok() {
        if listed(&dir.join("charmcraft.yaml")) == Some(None) {
            let _ = entries(&dir.join("charm"));
        }
    } else if found && !dir.is_dir() {
        return Err(fail(
            dir,
            format!(
                "project directory `{}` does not exist or is not a directory",
                display(dir)
            ),
            "pass the directory that holds rockcraft.yaml",
        ));
    }
    // Files found in the project directory must lie in it; a file named on the command line
    // is read where it is.
    let rock_path = match &loc.rockcraft {
        Some(p) => Some((p.clone(), None)),
        None => Some(dir.join("rockcraft.yaml"))
            .filter(|p| present(p, src))
            .map(|p| (p, Some(dir.as_path()))),
    };
    let charm_path = match &loc.charmcraft {
        Some(p) => Some((p.clone(), None)),
        None => [
            dir.join("charmcraft.yaml"),
            dir.join("charm").join("charmcraft.yaml"),
        ]
        .into_iter()
        .find(|p| present(p, src))
        .map(|p| (p, Some(dir.as_path()))),
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
        let Some((path, root)) = path else { continue };
        if let Some(why) = refusal(&path, root) {
            return Err(fail(
                &path,
                format!("cannot read `{}`: {why}", display(&path)),
                "copy the file into the project (or name it with --rockcraft/--charmcraft)",
            ));
        }
        let bytes = src.read(&path).map_err(|e| {
            fail(
                &path,
                format!("cannot read `{}`: {e}", display(&path)),
                "check that the file exists and is readable",
            )
        })?;
        let id = db.next_id();
        let text = if bytes.len() as u64 > MAX_BYTES {
            paasc_diag::lossy(bytes)
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
    let charm_dir = files
        .charmcraft
        .map(|id| read_dir(&directory_of(&db.get(id).path), None, src));
    let analysis = paasc_model::analyze(&db, files);
    let rock_dir = files.rockcraft.map(|id| {
        let name = analysis
            .rock_tree
            .as_ref()
            .and_then(|tree| tree.lookup(&["name"]).and_then(|e| tree.text(e.value)))
            .unwrap_or_default();
        read_dir(&directory_of(&db.get(id).path), Some(name), src)
    });
    Ok(Project {
        db,
        files,
        diagnostics,
        charm_dir,
        rock_dir,
        analysis: Some(analysis),
    })
}

/// The directory `root` as the extensions see it: the rock's named `name` (what rockcraft's
/// extensions read), or the charm's when `name` is `None`, with the charm's own code; with the
/// links that leave it and the files too large to read whole.
pub fn read_dir(root: &Path, name: Option<&str>, src: &dyn Source) -> Dir {
    let (listing, code) = match name {
        Some(name) => (rock_project_dir(root, &[], name, src), Default::default()),
        None => (project_dir(root, &[], src), charm_code(root)),
    };
    let read: Vec<String> = TEXTS
        .iter()
        .map(|t| t.to_string())
        .chain(
            name.map(paasc_expand::rockcraft::files_read)
                .unwrap_or_default(),
        )
        .collect();
    Dir {
        root: root.to_path_buf(),
        links_leaving: links_leaving(root, &listing.entries),
        oversized: oversized(root, &listing.texts),
        special: special_files(
            root,
            read.into_iter()
                .filter(|rel| maybe_listed(&listing, &[], rel))
                .collect(),
        ),
        listing,
        code,
    }
}

/// The charm's Python code: the regular `.py` files in `src/` and its subdirectories (two
/// levels; symbolic links are not followed), `src/charm.py` first, then the shallower first, in
/// path order ([`paths::code_order`]), at most [`CODE_FILES`] files and [`CODE_BYTES`] bytes in
/// all; a file that does
/// not fit is cut there.
pub fn charm_code(root: &Path) -> std::collections::BTreeMap<String, String> {
    let mut found = Vec::new();
    let mut dirs = vec![(root.join("src"), "src".to_string(), 0)];
    while let Some((dir, rel, depth)) = dirs.pop() {
        let Ok(read) = entries(&dir) else {
            continue;
        };
        for (os_name, kind) in read {
            let name = os_name.to_string_lossy();
            if kind == Kind::Dir && depth < 2 {
                dirs.push((dir.join(&os_name), format!("{rel}/{name}"), depth + 1));
            } else if kind == Kind::File && name.ends_with(".py") {
                found.push(format!("{rel}/{name}"));
            }
        }
    }
    paths::code_order(&mut found);
    let mut left = CODE_BYTES;
    let mut out = std::collections::BTreeMap::new();
    for rel in found.into_iter().take(CODE_FILES) {
        if left == 0 {
            break;
        }
        let Ok(f) = paasc_write::open_read(&root.join(&rel), false) else {
            continue;
        };
        let len = f.metadata().map_or(0, |m| m.len());
        if let Ok(bytes) = paasc_write::read_sized(f, len, left) {
            left -= bytes.len() as u64;
            out.insert(rel, paasc_diag::lossy(bytes));
        }
    }
    out
}

/// What [`remembering`] keeps about the files while it runs.
#[derive(Default)]
struct Memo {
    /// Canonical paths, by the path asked for. Keyed by the path's bytes as spelt: hashing a
    /// `Path` walks its components, and two spellings of one path (`a/` and `a`) may not even
    /// have the same answer.
    canonical: foldhash::HashMap<OsString, PathBuf>,
    /// [`kind_of`]'s answers: the framework's entry-point search, the extensions and the test
    /// for special files ask about the same few files several times per project.
    kind: foldhash::HashMap<OsString, Option<Kind>>,
    /// The paths found not to exist (the error a look at them gave, by its OS code), so that
    /// reading or listing one costs no failed system call more.
    missing: foldhash::HashMap<OsString, i32>,
    /// The directories listed, by [`split_entry`]'s key: their entries by name, sorted, with
    /// what each is. A look at an entry (or at a name that is not one) is answered from here:
    /// such looks (is there a `pyproject.toml`, is `charm` a link, ...) were 40 of the 50
    /// `stat` and `lstat` calls of an example's `check`, each 1.0 to 1.5 µs on the README's
    /// KVM guest.
    listings: foldhash::HashMap<OsString, Vec<(OsString, Kind)>>,
}

thread_local! {
    /// What is remembered while [`remembering`] runs on this thread. Without drop glue, so
    /// that its first use registers no destructor: std keeps the destructors of a musl
    /// thread in a list it allocates with `malloc`, which started mimalloc's heap for this
    /// one list. [`remembering`] leaves it `None`, holding nothing to drop.
    static MEMO: std::mem::ManuallyDrop<std::cell::RefCell<Option<Memo>>> =
        const { std::mem::ManuallyDrop::new(std::cell::RefCell::new(None)) };
}

/// Runs `f`, with the canonical paths and file tests it asks for remembered until it returns: a
/// project's files share a few directories, and resolving every component of every file's path
/// again, several times per file (the file rules ask before each read), was most of a check's
/// system calls. Outside `f` nothing is remembered, so a long-running `paasc lsp` sees links and
/// files that change between requests.
pub fn remembering<T>(f: impl FnOnce() -> T) -> T {
    let outer = MEMO.with(|m| m.borrow_mut().replace(Memo::default()));
    let result = f();
    MEMO.with(|m| *m.borrow_mut() = outer);
    result
}

/// Whether [`remembering`] runs on this thread.
fn remembered() -> bool {
    MEMO.with(|m| m.borrow().is_some())
}

/// `Err` when [`remembering`] has seen that nothing is at `path` (a missing file is asked
/// about and resolved before it is opened, a missing `.git` tested before it is listed, or its
/// directory's listing has no such name); else `look` at it, through [`noting_missing`].
fn unless_missing<T>(path: &Path, look: impl FnOnce() -> std::io::Result<T>) -> std::io::Result<T> {
    let known = MEMO.with(|m| {
        m.borrow()
            .as_ref()
            .and_then(|m| m.missing.get(path.as_os_str()).copied())
    });
    match known {
        Some(code) => Err(std::io::Error::from_raw_os_error(code)),
        None if listed(path) == Some(None) => Err(not_found()),
        None => noting_missing(path, look()),
    }
}

/// The error a look at a path that does not exist gives (`ENOENT`, worded by the system).
fn not_found() -> std::io::Error {
    std::io::Error::from_raw_os_error(libc::ENOENT)
}

/// The directory part of `path` and its last name, when it ends in a name (not `.` or `..`):
/// the directory, as written but without the separators that end it, is the key of its
/// listing in [`Memo::listings`] (a listing of `dir` is filed under the key of
/// `dir.join(name)`, so that `a/b/` and `a/b` share it). Split on the bytes: parsed into
/// [`Component`]s, half of a look's 700 instructions went to the parse.
#[cfg(unix)]
fn split_entry(path: &Path) -> Option<(&OsStr, &OsStr)> {
    use std::os::unix::ffi::OsStrExt as _;
    let bytes = path.as_os_str().as_bytes();
    let (dir, name) = match bytes.iter().rposition(|&b| b == b'/') {
        Some(at) => (&bytes[..=at], &bytes[at + 1..]),
        None => (&bytes[..0], bytes),
    };
    if matches!(name, b"" | b"." | b"..") {
        return None;
    }
    let end = dir
        .iter()
        .rposition(|&b| b != b'/')
        .map_or(dir.len().min(1), |at| at + 1);
    Some((OsStr::from_bytes(&dir[..end]), OsStr::from_bytes(name)))
}

/// The directory part of `path` and its last name, when it ends in a name.
#[cfg(not(unix))]
fn split_entry(path: &Path) -> Option<(&OsStr, &OsStr)> {
    let mut components = path.components();
    match components.next_back()? {
        Component::Normal(name) => Some((components.as_path().as_os_str(), name)),
        _ => None,
    }
}

/// The entries of the directory `dir` in name order, with what each is, links not followed;
/// listed once inside [`remembering`], and then answering [`listed`].
fn entries(dir: &Path) -> std::io::Result<Vec<(OsString, Kind)>> {
    let probe = dir.join("-");
    let key = split_entry(&probe).map(|(key, _)| key);
    if let Some(found) =
        key.and_then(|key| MEMO.with(|m| m.borrow().as_ref()?.listings.get(key).cloned()))
    {
        return Ok(found);
    }
    let mut found = unless_missing(dir, || paasc_write::entries(dir))?;
    found.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    if let Some(key) = key {
        MEMO.with(|m| {
            if let Some(m) = m.borrow_mut().as_mut() {
                m.listings.insert(key.to_owned(), found.clone());
            }
        });
    }
    Ok(found)
}

/// What the listing of `path`'s directory says is at `path`, a link not followed: `Some(None)`
/// when the listing has no such name, `None` when the directory was not listed (inside
/// [`remembering`]).
fn listed(path: &Path) -> Option<Option<Kind>> {
    let (dir, name) = split_entry(path)?;
    MEMO.with(|m| {
        let m = m.borrow();
        let entries = m.as_ref()?.listings.get(dir)?;
        Some(
            entries
                .binary_search_by(|(n, _)| n.as_os_str().cmp(name))
                .ok()
                .map(|i| entries[i].1),
        )
    })
}

/// What is at `path`, a link not followed, as `lstat` says (from its directory's listing when
/// there is one).
fn link_kind(path: &Path) -> std::io::Result<Kind> {
    match listed(path) {
        Some(Some(kind)) => Ok(kind),
        Some(None) => Err(not_found()),
        None => {
            noting_missing(path, std::fs::symlink_metadata(path)).map(|m| Kind::of(m.file_type()))
        }
    }
}

/// `found`, a look at `path`, with its finding nothing there remembered for
/// [`unless_missing`].
#[inline]
fn noting_missing<T>(path: &Path, found: std::io::Result<T>) -> std::io::Result<T> {
    if let Err(e) = &found {
        note_missing(path, e);
    }
    found
}

/// Remembers that `path` was not found, when `e` says so.
fn note_missing(path: &Path, e: &std::io::Error) {
    if let (std::io::ErrorKind::NotFound, Some(code)) = (e.kind(), e.raw_os_error()) {
        MEMO.with(|m| {
            if let Some(m) = m.borrow_mut().as_mut() {
                m.missing.insert(path.as_os_str().to_owned(), code);
            }
        });
    }
}

/// What is at `path`, links followed: a directory, a regular file or something else (`None`:
/// nothing, or nothing that can be looked at), remembered inside [`remembering`].
fn kind_of(path: &Path) -> Option<Kind> {
    match listed(path) {
        Some(None) => return None,
        Some(Some(kind @ (Kind::File | Kind::Dir))) => return Some(kind),
        _ => {}
    }
    if let Some(hit) = MEMO.with(|m| {
        m.borrow()
            .as_ref()
            .and_then(|m| m.kind.get(path.as_os_str()).copied())
    }) {
        return hit;
    }
    let kind = noting_missing(path, std::fs::metadata(path))
        .ok()
        .map(|m| Kind::of(m.file_type()));
    MEMO.with(|m| {
        if let Some(m) = m.borrow_mut().as_mut() {
            m.kind.insert(path.as_os_str().to_owned(), kind);
        }
    });
    kind
}

/// `path` with every symbolic link resolved, as [`std::fs::canonicalize`] gives it (and failing
/// where it fails): a file that is not itself a link is its directory's canonical path joined
/// with its name, and directories are remembered inside [`remembering`].
pub fn canonical(path: &Path) -> std::io::Result<PathBuf> {
    if let Some(hit) = MEMO.with(|m| {
        m.borrow()
            .as_ref()
            .and_then(|m| m.canonical.get(path.as_os_str()).cloned())
    }) {
        return Ok(hit);
    }
    // `path.parent()` and `path.file_name()`, from one parse of the components.
    let mut components = path.components();
    let split = match components.next_back() {
        Some(std::path::Component::Normal(name)) => Some((components.as_path(), name)),
        _ => None,
    };
    let real = match split {
        Some((parent, name)) if link_kind(path)? != Kind::Link => {
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            let mut real = canonical(parent)?;
            real.push(name);
            real
        }
        // Resolved without `realpath`, whose result musl allocates with `malloc` (see
        // `MEMO`): the root is itself, and the working directory is what the kernel says.
        None if path.as_os_str() == "/" => PathBuf::from("/"),
        None if path.as_os_str() == "." => std::env::current_dir()?,
        _ => path.canonicalize()?,
    };
    MEMO.with(|m| {
        if let Some(m) = m.borrow_mut().as_mut() {
            m.canonical
                .insert(path.as_os_str().to_owned(), real.clone());
        }
    });
    Ok(real)
}

/// Where no project file can live: reading there would disclose the machine's state (the
/// environment, a CI token) or block.
const SYSTEM_DIRS: [&str; 3] = ["/proc", "/dev", "/sys"];

/// The one device read, as an empty file (`--profile /dev/null`: no profile values).
const EMPTY: &str = "/dev/null";

/// Why the file at `path` is not read, decided before any byte is: it resolves into
/// [`SYSTEM_DIRS`], or (with `root`, the project directory it was found in) it is reached
/// through a symbolic link that leads outside `root`. `None` when it may be read (or does not
/// exist, which the read reports).
pub fn refusal(path: &Path, root: Option<&Path>) -> Option<String> {
    refusal_of(path, &canonical(path).ok()?, root)
}

/// [`refusal`] of `path`, whose canonical path is `real`.
fn refusal_of(path: &Path, real: &Path, root: Option<&Path>) -> Option<String> {
    if real.as_os_str() == EMPTY {
        return None;
    }
    if let Some(sys) = SYSTEM_DIRS.iter().find(|d| within(real, Path::new(d))) {
        return Some(format!(
            "it resolves into {sys}, which holds no project file; paasc does not read it"
        ));
    }
    let base = canonical(root?).ok()?;
    (!within(real, &base)).then(|| {
        let target = std::fs::read_link(path).unwrap_or_else(|_| real.to_path_buf());
        format!(
            "it is reached through a symbolic link to `{}`, outside the project directory; paasc does not read it",
            display(&target)
        )
    })
}

/// Whether `path` is `dir` or lies under it, as [`Path::starts_with`] answers for canonical
/// paths (no `.` or `..` components, no repeated or trailing separator but the root's), by
/// comparing bytes: `starts_with` parses both paths into components, and a check asks this
/// about thirty times (3% of `check` of the Go example).
fn within(path: &Path, dir: &Path) -> bool {
    let (p, d) = (
        path.as_os_str().as_encoded_bytes(),
        dir.as_os_str().as_encoded_bytes(),
    );
    let separator = |b: u8| std::path::is_separator(char::from(b));
    p.starts_with(d)
        && (p.len() == d.len() || d.last().copied().is_some_and(separator) || separator(p[d.len()]))
}

/// Reads at most one byte more than paasc accepts (so an oversized file is seen as such).
/// Only a regular file is read: the file is opened without blocking (a FIFO with no writer
/// would block forever) and checked before any read, and a path into [`SYSTEM_DIRS`] is not
/// opened at all.
pub fn read_limited(path: &Path) -> std::io::Result<Vec<u8>> {
    // A path that does not resolve is not refused: opening it reports why.
    if let Ok(real) = canonical(path) {
        if let Some(why) = refusal_of(path, &real, None) {
            return Err(std::io::Error::other(why));
        }
        if real.as_os_str() == EMPTY {
            return Ok(Vec::new());
        }
    }
    let f = unless_missing(path, || paasc_write::open_read(path, false))?;
    let meta = f.metadata()?;
    let kind = meta.file_type();
    if !kind.is_file() {
        return Err(std::io::Error::other(format!(
            "it is {}, not a regular file",
            kind_name(&kind)
        )));
    }
    paasc_write::read_sized(f, meta.len(), MAX_BYTES + 1)
}

/// What a file that is not a regular file is, for messages.
fn kind_name(kind: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    if kind.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

/// Whether something that is not a directory is at `path` (a FIFO or a dangling link too), so
/// that it is reported rather than skipped.
fn present(path: &Path, src: &dyn Source) -> bool {
    src.is_file(path) || link_kind(path).is_ok_and(|k| k != Kind::Dir)
}

/// The files of a project directory the extensions of both tools read.
const TEXTS: [&str; 3] = ["paas-config.yaml", "requirements.txt", "pyproject.toml"];

/// Those of `rels` (relative to `root`) that exist but are neither regular files nor
/// directories (a FIFO, a socket, a device), which paasc does not read, with what they are.
fn special_files(root: &Path, rels: Vec<String>) -> Vec<(String, &'static str)> {
    rels.into_iter()
        .filter_map(|rel| {
            let path = root.join(&rel);
            if kind_of(&path)? != Kind::Special {
                return None;
            }
            let kind = std::fs::metadata(&path).ok()?.file_type();
            Some((rel, kind_name(&kind)))
        })
        .collect()
}

/// Lists what the extensions inspect in a project directory: the top-level entries, the
/// contents of `cos_custom/`, and the small text files they read. `skip` names top-level
/// entries to leave out (e.g. a test corpus's `expected/`).
pub fn project_dir(root: &Path, skip: &[&str], src: &dyn Source) -> paasc_expand::ProjectDir {
    let mut dir = paasc_expand::ProjectDir::default();
    let list = |rel: &str, path: &Path, dir: &mut paasc_expand::ProjectDir| {
        let Ok(read) = src.list(path) else {
            return;
        };
        let mut names: Vec<(String, bool)> = read
            .into_iter()
            .filter(|(n, _)| !rel.is_empty() || !skip.contains(&n.as_str()))
            .collect();
        names.sort();
        for (name, is_dir) in names {
            dir.entries
                .push([rel, &name, if is_dir { "/" } else { "" }].concat());
        }
    };
    list("", root, &mut dir);
    list("cos_custom/", &root.join("cos_custom"), &mut dir);
    for name in TEXTS {
        if let Ok(bytes) = src.read(&root.join(name)) {
            dir.texts.insert(name.to_string(), paasc_diag::lossy(bytes));
        }
    }
    dir
}

/// [`project_dir`] plus what rockcraft's extensions read for a rock named `name`: the candidate
/// Python, JSON and requirement files, and which build wrappers are executable.
pub fn rock_project_dir(
    root: &Path,
    skip: &[&str],
    name: &str,
    src: &dyn Source,
) -> paasc_expand::ProjectDir {
    let mut dir = project_dir(root, skip, src);
    for rel in paasc_expand::rockcraft::files_read(name) {
        if !maybe_listed(&dir, skip, &rel) {
            continue;
        }
        let path = root.join(&rel);
        if !src.is_file(&path) {
            continue;
        }
        if !dir.entries.contains(&rel) {
            dir.entries.push(rel.clone());
        }
        if dir.texts.contains_key(&rel) {
            continue;
        }
        if let Ok(bytes) = src.read(&path) {
            dir.texts.insert(rel, paasc_diag::lossy(bytes));
        }
    }
    for wrapper in ["mvnw", "gradlew"] {
        if is_executable(&root.join(wrapper)) {
            dir.executables.insert(wrapper.to_string());
        }
    }
    dir
}

/// Whether `rel` can exist as far as `dir`'s listing of the top level tells: its first
/// component is listed (as a directory when more follows), or left out by `skip`, or the
/// listing is empty (the directory could not be listed).
fn maybe_listed(dir: &paasc_expand::ProjectDir, skip: &[&str], rel: &str) -> bool {
    let (first, below) = match rel.split_once('/') {
        Some((first, _)) => (first, true),
        None => (rel, false),
    };
    let listed = |entry: &String| match entry.strip_suffix('/') {
        Some(d) => below && d == first,
        None => !below && entry == first,
    };
    dir.entries.is_empty() || skip.contains(&first) || dir.entries.iter().any(listed)
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    unless_missing(path, || std::fs::metadata(path))
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// The entries of `root` among `rels` (as [`project_dir`] lists them) that are symbolic links
/// whose target lies outside `root`, each with its target as written.
pub fn links_leaving(root: &Path, rels: &[String]) -> Vec<(String, PathBuf)> {
    let Ok(base) = canonical(root) else {
        return Vec::new();
    };
    rels.iter()
        .filter_map(|rel| {
            let rel = rel.trim_end_matches('/');
            let path = root.join(rel);
            if link_kind(&path).ok()? != Kind::Link {
                return None;
            }
            let target = std::fs::read_link(&path).ok()?;
            let inside = match canonical(&path) {
                Ok(real) => within(&real, &base),
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

/// Finds the profile file for `--profile NAME|FILE` in project `dir`.
pub fn profile_path(dir: &Path, arg: Option<&str>) -> Option<PathBuf> {
    let (path, named) = paths::profile_file(dir, arg);
    (named || present(&path, &Disk)).then_some(path)
}

/// The project's profiles, `profiles/*.yaml` (and `.yml`), in name order; a dangling link is
/// listed too, so that it is reported rather than skipped.
pub fn profiles(dir: &Path, src: &dyn Source) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = src
        .list(&dir.join("profiles"))
        .map(|names| {
            names
                .into_iter()
                .map(|(name, _)| dir.join("profiles").join(name))
                .filter(|p| {
                    present(p, src) && p.extension().is_some_and(|x| x == "yaml" || x == "yml")
                })
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// Reads the profile at `path` into `db`; when it cannot be read, the reason is an `F001` in
/// `diags`.
pub fn profile(
    db: &mut SourceDb,
    path: &Path,
    src: &dyn Source,
    diags: &mut Vec<Diagnostic>,
) -> Option<FileId> {
    let name = path.to_string_lossy().into_owned();
    let refused = refusal(path, paths::profile_root(path));
    let read = match &refused {
        Some(why) => Err(std::io::Error::other(why.clone())),
        None => src.read(path),
    };
    let bytes = match read {
        Ok(b) => b,
        Err(e) => {
            let id = db.add(name, String::new());
            let (message, help) = match std::fs::read_link(path) {
                _ if refused.is_some() => (
                    format!("cannot read the profile `{}`: {e}", display(path)),
                    "copy the profile into the project's profiles/, or pass a profile kept elsewhere (a secret store's mount, say) with --profile PATH",
                ),
                Ok(target) if !path.exists() => (
                    format!(
                        "the profile `{}` is a symbolic link to `{}`, which does not exist",
                        path.display(),
                        target.display()
                    ),
                    "put the file where the link points, or pass a profile kept outside the project (from a secret store, say) with --profile PATH",
                ),
                _ => (
                    format!("cannot read the profile `{}`: {e}", display(path)),
                    "profiles live in profiles/<name>.yaml; pass --profile NAME or --profile path/to/file.yaml",
                ),
            };
            let d = Diagnostic::new(Code::MISSING_FILE, id, Span::point(0), message).help(help);
            diags.push(d.label("here"));
            return None;
        }
    };
    let (text, bad) = decode(db.next_id(), bytes);
    diags.extend(bad);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
    Some(db.add(name, text))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn within_is_starts_with_for_canonical_paths() {
        let paths = [
            "/",
            "/proc",
            "/proc/self",
            "/procfs",
            "/pro",
            "/dev/null",
            "/devices",
            "/a/b",
            "/a/bc",
            "/a/b/c",
            "/a",
            "/ab",
            "/a/b/c/d",
        ];
        for p in paths {
            for d in paths {
                let (p, d) = (Path::new(p), Path::new(d));
                assert_eq!(within(p, d), p.starts_with(d), "{p:?} in {d:?}");
            }
        }
    }

    /// A symbolic link `base/at` to `target`.
    fn symlink(base: &Path, target: &str, at: &str) {
        std::os::unix::fs::symlink(target, base.join(at)).expect("symlink");
    }

    /// A new, empty directory in the system's temporary one, named after `what` and this
    /// process, with the directories `dirs` in it.
    fn scratch(what: &str, dirs: &[&str]) -> PathBuf {
        let base = std::env::temp_dir().join(format!("paasc-{what}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        for dir in dirs {
            std::fs::create_dir_all(base.join(dir)).expect("mkdir");
        }
        base
    }

    #[test]
    fn canonical_paths_are_std_canonicalize_remembered_or_not() {
        let base = scratch("canonical", &["real/sub"]);
        std::fs::write(base.join("real/sub/f.yaml"), "x").expect("write");
        let link = |target: &str, at: &str| symlink(&base, target, at);
        link("real", "to-dir");
        link("real/sub/f.yaml", "to-file");
        link("to-file", "to-link");
        link("nowhere", "dangling");
        link("loop-b", "loop-a");
        link("loop-a", "loop-b");
        link("real/sub/..", "to-parent");
        let paths = [
            "real/sub/f.yaml",
            "real/sub/./f.yaml",
            "real/sub/../sub/f.yaml",
            "to-dir/sub/f.yaml",
            "to-dir/sub/../sub",
            "to-file",
            "to-link",
            "to-parent/sub/f.yaml",
            "dangling",
            "loop-a",
            "real/missing",
            "real/sub/f.yaml/x",
            "real/sub/",
            "real/.",
            "..",
            "",
        ];
        let check = || {
            let whole = paths.iter().map(|p| base.join(p));
            for path in whole.chain(["/", ".", "./real", ""].map(PathBuf::from)) {
                let p = path.display();
                let (ours, std) = (canonical(&path), path.canonicalize());
                assert_eq!(ours.as_ref().ok(), std.as_ref().ok(), "{p}");
                assert_eq!(ours.is_err(), std.is_err(), "{p}");
            }
        };
        check();
        remembering(|| {
            check();
            check();
        });
        remembering(|| {
            for dir in ["", "real", "real/sub", "to-dir", "to-dir/sub"] {
                entries(&base.join(dir)).expect("listed");
            }
            check();
        });
        std::fs::remove_file(base.join("to-dir")).expect("rm");
        link("real/sub", "to-dir");
        remembering(check);
        let _ = std::fs::remove_dir_all(&base);
    }

    #[test]
    fn an_entry_is_filed_under_its_directory_as_written() {
        fn split(p: &str) -> Option<(&str, &str)> {
            split_entry(Path::new(p))
                .map(|(d, n)| (d.to_str().expect("utf-8"), n.to_str().expect("utf-8")))
        }
        assert_eq!(split("a/b/c"), Some(("a/b", "c")));
        assert_eq!(split("a/b//c"), Some(("a/b", "c")));
        assert_eq!(split("/c"), Some(("/", "c")));
        assert_eq!(split("//c"), Some(("/", "c")));
        assert_eq!(split("c"), Some(("", "c")));
        assert_eq!(split("./c"), Some((".", "c")));
        assert_eq!(split("a/./c"), Some(("a/.", "c")));
        assert_eq!(split("a/../c"), Some(("a/..", "c")));
        for none in ["", "/", "a/", "a/.", "a/..", ".", ".."] {
            assert_eq!(split(none), None, "{none}");
        }
        for dir in ["a/b", "a/b/", "a/b//", "/", ".", ""] {
            let probe = Path::new(dir).join("-");
            let key = split_entry(&probe).map(|(d, _)| d.to_owned());
            let looked = split_entry(&Path::new(dir).join("x")).map(|(d, _)| d.to_owned());
            assert_eq!(key, looked, "{dir}");
        }
    }

    #[test]
    fn looks_answered_by_a_listing_are_what_the_system_calls_say() {
        let base = scratch("looks", &["dir"]);
        std::fs::write(base.join("file"), "x").expect("write");
        symlink(&base, "file", "to-file");
        symlink(&base, "dir", "to-dir");
        symlink(&base, "nowhere", "dangling");
        let made = std::process::Command::new("mkfifo")
            .arg(base.join("fifo"))
            .status()
            .expect("mkfifo");
        assert!(made.success(), "mkfifo");
        let names = [
            "dir", "file", "to-file", "to-dir", "dangling", "fifo", "missing", "dir/x",
        ];
        let looks = || -> Vec<_> {
            names
                .iter()
                .map(|n| {
                    let path = base.join(n);
                    (
                        kind_of(&path),
                        link_kind(&path).map_err(|e| e.to_string()),
                        present(&path, &Disk),
                        is_executable(&path),
                        unless_missing(&path, || std::fs::metadata(&path).map(drop))
                            .map_err(|e| e.to_string()),
                    )
                })
                .collect()
        };
        let system = looks();
        assert_eq!(system[2].0, Some(Kind::File), "followed");
        assert_eq!(system[2].1, Ok(Kind::Link), "not followed");
        assert_eq!(system[5].0, Some(Kind::Special));
        let enoent = std::io::Error::from_raw_os_error(libc::ENOENT).to_string();
        assert_eq!(
            system[6].1,
            Err(enoent),
            "the system's words, compared below"
        );
        let listed_looks = remembering(|| {
            entries(&base).expect("listed");
            entries(&base.join("dir")).expect("listed");
            assert_eq!(listed(&base.join("missing")), Some(None), "answered");
            assert_eq!(listed(&base.join("to-dir")), Some(Some(Kind::Link)));
            looks()
        });
        assert_eq!(listed_looks, system);
        let _ = std::fs::remove_dir_all(&base);
    }

    #[test]
    fn a_listing_is_what_std_lists() {
        let base = scratch("listing", &["dir/inner"]);
        std::fs::write(base.join("file.yaml"), "x").expect("write");
        std::fs::write(base.join(".hidden"), "x").expect("write");
        let link = |target: &str, at: &str| symlink(&base, target, at);
        link("dir", "to-dir");
        link("file.yaml", "to-file");
        link("nowhere", "dangling");
        link(".", "to-self");
        let many: Vec<String> = (0..300)
            .map(|i| format!("n{i:03}-{}", "x".repeat(i % 90)))
            .collect();
        for name in &many {
            std::fs::write(base.join("dir").join(name), "").expect("write");
        }
        for dir in [base.clone(), base.join("dir"), base.join("to-dir")] {
            let mut ours = Disk.list(&dir).expect("listed");
            let mut std: Vec<(String, bool)> = std::fs::read_dir(&dir)
                .expect("read_dir")
                .map(|e| {
                    let e = e.expect("entry");
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        e.path().is_dir(),
                    )
                })
                .collect();
            ours.sort();
            std.sort();
            assert_eq!(ours, std, "{}", dir.display());
        }
        let top = Disk.list(&base).expect("listed");
        for (name, is_dir) in [
            ("dir", true),
            ("to-dir", true),
            ("to-self", true),
            ("to-file", false),
            ("dangling", false),
        ] {
            assert!(top.contains(&(name.to_string(), is_dir)), "{name}: {top:?}");
        }
        let missing = Disk
            .list(&base.join("missing"))
            .map(|_| ())
            .map_err(|e| e.kind());
        assert_eq!(missing, Err(std::io::ErrorKind::NotFound));
        let not_a_dir = Disk.list(&base.join("file.yaml")).map(|_| ());
        assert!(not_a_dir.is_err());
        let _ = std::fs::remove_dir_all(&base);
    }
}
