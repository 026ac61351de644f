//! Writing what `compile` produced: the only place that writes files.
//!
//! OUT looks as it always did (the artifacts at their paths); paasc keeps its own state in
//! `OUT/.paasc/`: `manifest`, the files it wrote and the directories it created, and, only
//! while a compile writes (or after one was killed), `staging/` (mode 0700).
//!
//! A write holds an exclusive `flock` on the OUT directory (a comparison a shared one; a
//! compile of several projects takes it before they are compiled, [`Locked`]), then:
//! 1. finishes or undoes a write that was interrupted ([`recover`]);
//! 2. plans: each file is compared with the disk (identical files are not touched), and the
//!    files paasc wrote before and no longer produces, with anything else in the directories
//!    it created, are to be removed;
//! 3. stages the changed files in `staging/new/` (secret files 0600) and writes
//!    `staging/journal` by a rename: the commit point. A failure before it deletes the staging
//!    directory, and OUT is as it was;
//! 4. applies the journal: moves what is removed to `staging/old/`, creates directories, and
//!    renames each staged file over its target (the old file hard-linked to `staging/old/`
//!    first); a failure undoes each step from what is on disk;
//! 5. deletes the journal, then the staging directory.
//!
//! Every step of 4 and of its undo can be repeated from the disk alone, so a run that finds a
//! journal (left by a killed compile) applies it, or undoes it when the undo had begun
//! (`staging/rollback`). Nothing is written through a symbolic link inside OUT.

use foldhash::{HashMap, HashMapExt as _, HashSet};
use paasc_emit::Files;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, ErrorKind, Write as _};
use std::os::unix::fs::{DirBuilderExt as _, MetadataExt as _, OpenOptionsExt as _};
use std::path::{Path, PathBuf};

mod stamps;
pub use stamps::Stamp;
use stamps::Stamps;

/// paasc's own directory in OUT.
pub const META: &str = ".paasc";
/// The record of what paasc wrote to OUT.
pub const MANIFEST: &str = ".paasc/manifest";
/// Where a write stages its files and keeps its journal.
pub const STAGING: &str = ".paasc/staging";
/// The mode of files that hold secret values (and of their staged copies).
pub const SECRET_MODE: u32 = 0o600;

/// What a compile puts in OUT.
pub struct Output<'a> {
    /// The artifacts, by path relative to OUT.
    pub files: &'a Files,
    /// Which of them hold secret values.
    pub secret: &'a [String],
    /// Project directories (OUT/<name> of a compile of several): like OUT itself, never
    /// owned by paasc as a whole, even when it created them.
    pub roots: &'a [String],
    /// For each of `files` (by index; missing ones [`Seen::Unknown`]), what
    /// [`Locked::settle`] found in OUT.
    pub seen: &'a [Seen],
}

/// What [`Locked::settle`] found in OUT at a file's path.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Seen {
    /// Not looked at, or not a regular file.
    #[default]
    Unknown,
    /// The file as it is to be written (as it looks now); its text was emptied.
    Current(Stamp),
    /// A regular file that differs.
    Differs,
}

/// Why OUT was not written or compared.
#[derive(Clone, Debug)]
pub struct WriteError {
    /// The path the failure is about.
    pub path: PathBuf,
    /// What is wrong with it: a predicate (`is a symbolic link`) or, for an I/O error, the
    /// error.
    reason: String,
    predicate: bool,
    /// What to do about it.
    pub help: &'static str,
}

const HELP_IO: &str = "check that OUT is a directory you can write, on a file system with space left, and run the compile again: OUT was left as it was";
const HELP_LINK: &str = "paasc never writes through a symbolic link inside OUT: remove the link (or point -o at the real directory)";
const HELP_STATE: &str = "paasc keeps its record of OUT in OUT/.paasc; if you changed it by hand, remove OUT/.paasc (paasc then forgets which old files it wrote) and compile again";

impl WriteError {
    fn io(path: &Path, e: &io::Error) -> WriteError {
        WriteError {
            path: path.to_path_buf(),
            reason: e.to_string(),
            predicate: false,
            help: HELP_IO,
        }
    }

    fn link(path: &Path) -> WriteError {
        WriteError {
            path: path.to_path_buf(),
            reason: "is a symbolic link".into(),
            predicate: true,
            help: HELP_LINK,
        }
    }

    fn kind(path: &Path, what: &str) -> WriteError {
        WriteError {
            path: path.to_path_buf(),
            reason: format!("is {what}"),
            predicate: true,
            help: "remove it or move it away: paasc writes there",
        }
    }

    fn state(path: &Path, what: &str) -> WriteError {
        WriteError {
            path: path.to_path_buf(),
            reason: what.to_string(),
            predicate: false,
            help: HELP_STATE,
        }
    }

    /// `cannot write to `OUT`: ...`, naming the path when it is not OUT itself.
    pub fn message(&self, out: &Path) -> String {
        let subject = (self.path != out).then(|| format!("`{}`", self.path.display()));
        let what = match (subject, self.predicate) {
            (Some(s), true) => format!("{s} {}", self.reason),
            (Some(s), false) => format!("{s}: {}", self.reason),
            (None, true) => format!("it {}", self.reason),
            (None, false) => self.reason.clone(),
        };
        format!("cannot write to `{}`: {what}", out.display())
    }
}

/// What a write did.
#[derive(Debug, Default)]
pub struct Written {
    /// Artifacts written (new or changed).
    pub changed: usize,
    /// Artifacts that were already current and left untouched.
    pub unchanged: usize,
    /// Entries removed: files paasc no longer writes, and others in directories it owns.
    pub removed: Vec<String>,
}

impl Written {
    /// The line saying what in `out` (holding `total` files) was left untouched or removed,
    /// the first ten removed entries named; `None` when everything was written anew.
    pub fn summary(&self, out: &Path, total: usize) -> Option<String> {
        if self.unchanged == 0 && self.removed.is_empty() {
            return None;
        }
        let mut removed = self.removed.clone();
        if removed.len() > 10 {
            let more = removed.len() - 10;
            removed.truncate(10);
            removed.push(format!("and {more} more"));
        }
        Some(format!(
            "{}: {} of {} files were current and left untouched{}\n",
            out.display(),
            self.unchanged,
            total,
            if removed.is_empty() {
                String::new()
            } else {
                format!(
                    "; removed what paasc no longer writes: {}",
                    removed.join(", ")
                )
            }
        ))
    }
}

/// The line saying that `files` (with `secret`, those holding secret values) were written to
/// `dir`; the files are named when `named`.
pub fn wrote(dir: &Path, files: &[&str], named: bool, secret: &[&str]) -> String {
    let count = files.len();
    format!(
        "wrote {count} file{} to {}{}{}\n",
        if count == 1 { "" } else { "s" },
        dir.display(),
        if named {
            format!(" ({})", files.join(", "))
        } else {
            String::new()
        },
        if secret.is_empty() {
            String::new()
        } else {
            format!(
                "; {} hold{} secret values (mode 0600): keep out of version control",
                secret.join(", "),
                if secret.len() == 1 { "s" } else { "" }
            )
        }
    )
}

/// `OUT/.paasc/manifest`: what the last compile wrote. Directories are those paasc created;
/// it owns them whole.
#[derive(Serialize, Deserialize, Default, PartialEq, Debug)]
struct Manifest<'a> {
    version: u32,
    #[serde(borrow)]
    files: Vec<Rel<'a>>,
    #[serde(borrow)]
    dirs: Vec<Rel<'a>>,
}

/// A path of the manifest, borrowed from its text unless JSON escapes it there.
#[derive(Serialize, Deserialize, PartialEq, Debug)]
#[serde(transparent)]
struct Rel<'a>(#[serde(borrow)] Cow<'a, str>);

impl std::ops::Deref for Rel<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'a> From<&'a str> for Rel<'a> {
    fn from(rel: &'a str) -> Self {
        Rel(Cow::Borrowed(rel))
    }
}

/// `OUT/.paasc/staging/journal`: the moves of one write. `put[i]` is staged as [`staged`] (the
/// file it replaces kept as `old/p<i>`), `del[i]` is moved to `old/d<i>`.
#[derive(Serialize, Deserialize, Debug)]
struct Journal {
    version: u32,
    del: Vec<String>,
    mkdir: Vec<String>,
    put: Vec<String>,
}

/// Why an entry of OUT is to be removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Why {
    /// paasc wrote it and no longer does.
    Stale,
    /// Something else, in a directory paasc created.
    Foreign,
}

/// A file to write.
struct Put<'a> {
    rel: &'a str,
    text: Cow<'a, str>,
    secret: bool,
    /// What is there now: `None` when nothing is.
    old: Option<Old>,
}

/// The state of a file that a write replaces.
enum Old {
    /// Its bytes and mode.
    File(Vec<u8>, u32),
    /// Something that is not a regular file (never read).
    Special,
    /// A regular file [`Locked::settle`] found different (its bytes were not kept).
    Differs,
}

/// What a compile would change in OUT.
struct Plan<'a> {
    puts: Vec<Put<'a>>,
    del: Vec<(String, Why)>,
    mkdir: Vec<String>,
    unchanged: usize,
    /// The stamps of the files found current and of the directories found to hold exactly
    /// what they are to hold (`DIR/`), by path, when the stamps file is to be written again
    /// with them.
    restamp: Option<Vec<(Cow<'a, str>, Stamp)>>,
}

#[cfg(not(test))]
fn fault() {}

/// In unit tests: a simulated `kill -9` (a panic with no clean-up) at the N-th file system
/// change, or an injected I/O error.
#[cfg(test)]
fn fault() {
    tests::fault();
}

#[cfg(not(test))]
fn failure() -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
fn failure() -> io::Result<()> {
    tests::failure()
}

/// Writes `want` to `out` (see the module's description): on success OUT holds exactly the
/// new artifacts (and the user's own files), on failure it is as it was.
pub fn write_all(out: &Path, want: &Output) -> Result<Written, WriteError> {
    let mut created: Vec<PathBuf> = Vec::new();
    let locked = lock(out, true, &mut created);
    let result = match &locked {
        Ok(_) => recover(out).and_then(|_| plan_and_apply(out, want, None)),
        Err(e) => Err(e.clone()),
    };
    if result.is_err() {
        remove_created(&created);
    }
    drop(locked);
    result
}

/// Steps 2 to 5 of the module's description, under the exclusive lock; then, when the files
/// found current were not all current by their stamps (`stamps`, or OUT's), their stamps are
/// written ([`stamps::save`]: a failure there costs the next compile reads, not this one's
/// result).
fn plan_and_apply(
    out: &Path,
    want: &Output,
    stamps: Option<&Stamps>,
) -> Result<Written, WriteError> {
    let mut plan = plan(out, want, stamps)?;
    let restamp = plan.restamp.take();
    let written = apply(out, plan)?;
    if let Some(now) = restamp {
        if fs::symlink_metadata(out.join(META)).is_ok_and(|m| m.is_dir()) {
            let _ = stamps::save(out, &now);
        }
    }
    Ok(written)
}

/// The stamps in `out`, when its `.paasc` is a directory.
fn load_stamps(out: &Path, probe: &mut Probe) -> Stamps {
    if probe.kind(META).ok() == Some(Kind::Dir) {
        Stamps::load(out)
    } else {
        Stamps::default()
    }
}

/// Removes the directories a failed write created (`created`, outermost first).
fn remove_created(created: &[PathBuf]) {
    for dir in created.iter().rev() {
        let _ = fs::remove_dir(dir);
    }
}

/// OUT locked for a write from before its files are made, so that each project of a compile
/// of several can be compared with OUT as soon as its files are ([`Locked::settle`]), on the
/// thread that made them and while they are in its caches, and the files found current need
/// not be kept until the write: a 1,000-project compile into a current OUT held 96 MB of
/// them, whose first touches were 23,500 page faults (docs/performance-log.md).
pub struct Locked<'a> {
    out: &'a Path,
    _dir: fs::File,
    /// The directories the lock created (OUT was removed after it was looked at), removed
    /// again unless [`Locked::write_all`] succeeds.
    created: Vec<PathBuf>,
    stamps: Stamps,
}

/// [`Locked`] on `out` when it is a directory already, after finishing a write that was
/// interrupted; `None` when it is not one (nothing in it can be current: [`write_all`] makes
/// it) or when it cannot be locked or recovered ([`write_all`] then reports why).
pub fn lock_existing(out: &Path) -> Option<Locked<'_>> {
    if !out.is_dir() {
        return None;
    }
    let mut created = Vec::new();
    let dir = match lock(out, true, &mut created) {
        Ok(Some(dir)) if recover(out).is_ok() => dir,
        _ => {
            remove_created(&created);
            return None;
        }
    };
    Some(Locked {
        out,
        _dir: dir,
        created,
        stamps: load_stamps(out, &mut Probe::new(out)),
    })
}

impl Locked<'_> {
    /// What OUT holds at each of `files` (paths under OUT; those in `secret` hold secret
    /// values), compared as [`write_all`] compares them: by its stamp when it has one, else
    /// only what its directory's listing says is a regular file is opened, and nothing in a
    /// directory reached through a link; it is current with the same bytes, and mode
    /// [`SECRET_MODE`] for a secret one. The text of each current file is emptied. The write
    /// looks at OUT again: a current file must still be a regular file there (its content is
    /// not read again).
    pub fn settle(&self, files: &mut Files, secret: &[String]) -> Vec<Seen> {
        let mut seen = vec![Seen::Unknown; files.len()];
        let mut order: Vec<usize> = (0..files.len()).collect();
        order.sort_by(|&a, &b| {
            let (a, b) = (&files[a].0, &files[b].0);
            (parent(a), a).cmp(&(parent(b), b))
        });
        let mut probe = Probe::new(self.out);
        for group in order.chunk_by(|&a, &b| parent(&files[a].0) == parent(&files[b].0)) {
            let dir = parent(&files[group[0]].0);
            // Nothing is read through a link (the write refuses one above a file).
            if !plain(dir) && !dir.is_empty() || probe.kind(dir).ok() != Some(Kind::Dir) {
                continue;
            }
            let mut unknown = 0;
            for &i in group {
                let (rel, text) = &files[i];
                let secret = secret.iter().any(|s| s == rel);
                match self.stamps.get(rel).and_then(|_| {
                    let meta = fs::symlink_metadata(under(self.out, rel)).ok()?;
                    self.stamps.current(rel, &meta, text, secret)
                }) {
                    Some(stamp) => seen[i] = Seen::Current(stamp),
                    None => unknown += 1,
                }
            }
            if unknown == 0 {
                continue;
            }
            let Ok(listed) = entries(&under(self.out, dir)) else {
                continue;
            };
            for &i in group {
                if seen[i] != Seen::Unknown {
                    continue;
                }
                let (rel, text) = &files[i];
                let name = rel.rsplit_once('/').map_or(rel.as_str(), |(_, n)| n);
                let regular = listed
                    .iter()
                    .any(|(n, k)| *k == Kind::File && n.as_encoded_bytes() == name.as_bytes());
                if !regular {
                    continue;
                }
                let secret = secret.iter().any(|s| s == rel);
                seen[i] = match read_regular(&under(self.out, rel)) {
                    Ok(Some((bytes, meta))) if written(&bytes, meta.mode(), text, secret) => {
                        Seen::Current(Stamp::of(&meta, stamps::hash(text)))
                    }
                    Ok(Some(_)) => Seen::Differs,
                    _ => Seen::Unknown,
                };
            }
        }
        for (file, seen) in files.iter_mut().zip(&seen) {
            if matches!(seen, Seen::Current(_)) {
                file.1 = Cow::Borrowed("");
            }
        }
        seen
    }

    /// [`write_all`] under this lock.
    pub fn write_all(mut self, want: &Output) -> Result<Written, WriteError> {
        let result = plan_and_apply(self.out, want, Some(&self.stamps));
        if result.is_ok() {
            self.created.clear();
        }
        result
    }
}

impl Drop for Locked<'_> {
    fn drop(&mut self) {
        remove_created(&self.created);
    }
}

/// How OUT differs from what a compile would write: a unified diff per changed file (only the
/// names for secret files) and a line per entry it would remove, or nothing when it is
/// current. Writes nothing, except to finish a compile that was interrupted.
pub fn drift(out: &Path, want: &Output) -> Result<String, WriteError> {
    let mut none = Vec::new();
    let mut guard = lock(out, false, &mut none)?;
    if guard.is_some() && lexists(&out.join(STAGING)).map_err(|e| WriteError::io(out, &e))? {
        drop(guard);
        guard = lock(out, true, &mut none)?;
        recover(out)?;
    }
    let plan = plan(out, want, None)?;
    let mut report = String::new();
    for put in &plan.puts {
        let rel = put.rel;
        let (have, mode) = match &put.old {
            Some(Old::File(bytes, mode)) => (Some(String::from_utf8_lossy(bytes)), Some(*mode)),
            Some(Old::Special | Old::Differs) => (Some("".into()), None),
            None => (None, None),
        };
        let state = if have.is_some() { "differs" } else { "missing" };
        if rel == MANIFEST {
            report.push_str(&format!(
                "{rel}: {state} (paasc's record of the files it wrote)\n"
            ));
        } else if put.secret {
            match mode {
                Some(m) if have.as_deref() == Some(&*put.text) => report.push_str(&format!(
                    "{rel}: mode {:04o}, compile writes it {SECRET_MODE:04o} (it holds secrets)\n",
                    m & 0o7777
                )),
                _ => report.push_str(&format!(
                    "{rel}: {state} (holds secrets: contents not shown)\n"
                )),
            }
        } else {
            let old = have.unwrap_or_default();
            let diff = similar::TextDiff::from_lines(old.as_ref(), &*put.text);
            let shown = diff
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{rel}"), &format!("b/{rel}"))
                .to_string();
            report.push_str(&paasc_render::human::terminal_safe(&shown, true));
        }
    }
    for (rel, why) in &plan.del {
        report.push_str(&format!(
            "{rel}: extra, compile removes it ({})\n",
            match why {
                Why::Stale => "paasc wrote it before and no longer does",
                Why::Foreign => "paasc did not write it, and it is in a directory paasc created",
            }
        ));
    }
    drop(guard);
    Ok(report)
}

/// Opens and locks the directory `out` (exclusive: creating it and its missing ancestors,
/// recorded in `created`). `None` when a shared lock finds no OUT. A lock taken on a directory
/// that was replaced or removed meanwhile is dropped and taken again.
fn lock(
    out: &Path,
    exclusive: bool,
    created: &mut Vec<PathBuf>,
) -> Result<Option<fs::File>, WriteError> {
    for _ in 0..100 {
        if exclusive {
            let mut missing: Vec<&Path> = out
                .ancestors()
                .take_while(|a| !a.as_os_str().is_empty() && fs::symlink_metadata(a).is_err())
                .collect();
            missing.reverse();
            for dir in missing {
                match fs::create_dir(dir) {
                    Ok(()) => created.push(dir.to_path_buf()),
                    Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
                    Err(e) => return Err(WriteError::io(dir, &e)),
                }
            }
        }
        let dir = match fs::File::open(out) {
            Ok(f) => f,
            Err(e) if e.kind() == ErrorKind::NotFound && !exclusive => return Ok(None),
            Err(e) => return Err(WriteError::io(out, &e)),
        };
        let held = dir.metadata().map_err(|e| WriteError::io(out, &e))?;
        if !held.is_dir() {
            return Err(WriteError::kind(out, "not a directory"));
        }
        let locked = if exclusive {
            dir.lock()
        } else {
            dir.lock_shared()
        };
        locked.map_err(|e| WriteError::io(out, &e))?;
        if fs::metadata(out).is_ok_and(|now| now.dev() == held.dev() && now.ino() == held.ino()) {
            return Ok(Some(dir));
        }
    }
    Err(WriteError::state(
        out,
        "the directory was replaced each time paasc locked it",
    ))
}

/// Whether anything (a link included) is at `path`.
fn lexists(path: &Path) -> io::Result<bool> {
    match fs::symlink_metadata(path) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Whether `rel` is a plain relative path (`a/b`): no `..`, `.`, empty or absolute part.
fn plain(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.as_bytes().contains(&0)
        && rel
            .as_bytes()
            .split(|&b| b == b'/')
            .all(|part| !part.is_empty() && part != b"." && part != b"..")
}

/// Whether `rel` is paasc's own directory or in it.
fn reserved(rel: &str) -> bool {
    rel == META || rel.starts_with(".paasc/")
}

/// The directories above `rel`, outermost first (OUT itself left out).
fn ancestors(rel: &str) -> impl Iterator<Item = &str> {
    rel.match_indices('/').map(move |(i, _)| &rel[..i])
}

fn parent(rel: &str) -> &str {
    rel.rfind('/').map_or("", |i| &rel[..i])
}

/// What is at a path (under OUT, or in a listing of [`entries`]), a symbolic link not followed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Nothing (never in a listing).
    Absent,
    /// A directory.
    Dir,
    /// A regular file.
    File,
    /// A symbolic link.
    Link,
    /// Anything else: a device, a socket, a FIFO.
    Special,
}

impl Kind {
    /// What a file of type `t` is.
    pub fn of(t: fs::FileType) -> Kind {
        if t.is_symlink() {
            Kind::Link
        } else if t.is_dir() {
            Kind::Dir
        } else if t.is_file() {
            Kind::File
        } else {
            Kind::Special
        }
    }
}

/// The entries of `dir`, without `.` and `..`, in the order the file system gives them, with
/// what each is (an entry gone before it could be looked at is left out). On Linux they are
/// read with `getdents64` into a buffer of paasc's allocator: musl's `opendir` allocates its
/// 2 KiB with `malloc`, which was the only reason a `check` started mimalloc's heap (a segment
/// mapped, and its pages first touched: 2 to 3 µs each here; docs/performance-log.md).
#[cfg(any(target_os = "linux", target_os = "android"))]
pub fn entries(dir: &Path) -> io::Result<Vec<(std::ffi::OsString, Kind)>> {
    use rustix::fs::{FileType, Mode, OFlags};
    #[cfg(test)]
    tests::LISTINGS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    use std::os::unix::ffi::OsStrExt as _;
    let fd = rustix::fs::open(
        dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    let mut read = rustix::fs::Dir::new(fd)?;
    let mut listed = Vec::new();
    while let Some(entry) = read.read() {
        let entry = entry?;
        let raw = entry.file_name().to_bytes();
        if raw == b"." || raw == b".." {
            continue;
        }
        let name = std::ffi::OsStr::from_bytes(raw).to_owned();
        let kind = match entry.file_type() {
            FileType::Unknown => match fs::symlink_metadata(dir.join(&name)) {
                Ok(m) => Kind::of(m.file_type()),
                Err(e) if e.kind() == ErrorKind::NotFound => continue,
                Err(e) => return Err(e),
            },
            FileType::Directory => Kind::Dir,
            FileType::RegularFile => Kind::File,
            FileType::Symlink => Kind::Link,
            _ => Kind::Special,
        };
        listed.push((name, kind));
    }
    Ok(listed)
}

/// The entries of `dir`, without `.` and `..`, with what each is.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub fn entries(dir: &Path) -> io::Result<Vec<(std::ffi::OsString, Kind)>> {
    fs::read_dir(dir)?
        .map(|e| {
            let e = e?;
            Ok((e.file_name(), Kind::of(e.file_type()?)))
        })
        .collect()
}

/// Looks paths under OUT up once each, and refuses a symbolic link on the way to one.
struct Probe<'a> {
    out: &'a Path,
    seen: HashMap<String, Kind>,
}

impl<'a> Probe<'a> {
    fn new(out: &'a Path) -> Probe<'a> {
        Probe {
            out,
            seen: HashMap::new(),
        }
    }

    /// What is at `rel` (`""`: OUT itself, followed if it is a link). A link above `rel` is
    /// an error; below anything but a directory, nothing can be.
    fn kind(&mut self, rel: &str) -> Result<Kind, WriteError> {
        if let Some(k) = self.seen.get(rel) {
            return Ok(*k);
        }
        let path = under(self.out, rel);
        let kind = if rel.is_empty() {
            match fs::metadata(self.out) {
                Ok(m) if m.is_dir() => Kind::Dir,
                Ok(_) => return Err(WriteError::kind(self.out, "not a directory")),
                Err(e) if e.kind() == ErrorKind::NotFound => Kind::Absent,
                Err(e) => return Err(WriteError::io(self.out, &e)),
            }
        } else {
            match self.kind(parent(rel))? {
                Kind::Dir => match fs::symlink_metadata(&path) {
                    Ok(m) => Kind::of(m.file_type()),
                    Err(e) if e.kind() == ErrorKind::NotFound => Kind::Absent,
                    Err(e) => return Err(WriteError::io(&path, &e)),
                },
                Kind::Link => return Err(WriteError::link(&self.out.join(parent(rel)))),
                Kind::Absent | Kind::File | Kind::Special => Kind::Absent,
            }
        };
        self.seen.insert(rel.to_string(), kind);
        Ok(kind)
    }

    /// Looks at the directories `dirs` (with their ancestors among them) in parallel when they
    /// are many (a monorepo's compile), a thread per top-level directory, and remembers what it
    /// found; [`Probe::kind`] then answers from memory. What fails to be looked at is left for
    /// [`Probe::kind`] to report, in the order its callers ask.
    fn prefill(&mut self, dirs: &[&str]) -> Result<(), WriteError> {
        if dirs.len() < PARALLEL_FROM || self.kind("")? != Kind::Dir {
            return Ok(());
        }
        let mut tops: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for &dir in dirs {
            let top = dir.split('/').next().unwrap_or(dir);
            tops.entry(top).or_default().push(dir);
        }
        let tops: Vec<Vec<&str>> = tops.into_values().collect();
        let (out, known) = (self.out, &self.seen);
        let found = each(&tops, |_, dirs| {
            let mut probe = Probe {
                out,
                seen: known.clone(),
            };
            for dir in dirs {
                if probe.kind(dir).is_err() {
                    break;
                }
            }
            probe.seen
        });
        for seen in found {
            self.seen.extend(seen);
        }
        Ok(())
    }

    /// Refuses `rel` when a directory above it is a symbolic link.
    fn no_link_above(&mut self, rel: &str) -> Result<(), WriteError> {
        self.kind(parent(rel)).and_then(|k| match k {
            Kind::Link => Err(WriteError::link(&self.out.join(parent(rel)))),
            _ => Ok(()),
        })
    }
}

/// The bytes of the regular file at `path`, which a listing or a look said is one, and what it
/// looked like before they were read (so that its stamp shows any change since): opened
/// without following a link (`ELOOP` when it is one now) and without blocking, and looked at
/// through the open file; `None` when it is no longer a regular file.
fn read_regular(path: &Path) -> io::Result<Option<(Vec<u8>, fs::Metadata)>> {
    #[cfg(test)]
    tests::READS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let file = open_read(path, true)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Ok(None);
    }
    Ok(Some((read_sized(file, meta.len(), u64::MAX)?, meta)))
}

/// `path` opened for reading and closed on `exec`, without blocking (a FIFO with no writer
/// would block the read) and, when `nofollow`, without following a link at its end (`ELOOP`).
/// On Linux with one system call: musl's `open` asks for close-on-exec again with `fcntl`,
/// 41 of the 304 system calls of a `compile` into an OUT already current. Interrupted by a
/// signal (`EINTR`, on NFS or FUSE), it is tried again, as std's `open` does.
#[cfg(any(target_os = "linux", target_os = "android"))]
pub fn open_read(path: &Path, nofollow: bool) -> io::Result<fs::File> {
    use rustix::fs::{Mode, OFlags};
    let mut flags = OFlags::RDONLY | OFlags::CLOEXEC | OFlags::NONBLOCK;
    if nofollow {
        flags |= OFlags::NOFOLLOW;
    }
    loop {
        match rustix::fs::open(path, flags, Mode::empty()) {
            Err(rustix::io::Errno::INTR) => {}
            opened => return Ok(fs::File::from(opened?)),
        }
    }
}

/// `path` opened for reading, without blocking and, when `nofollow`, without following a link
/// at its end.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub fn open_read(path: &Path, nofollow: bool) -> io::Result<fs::File> {
    let flags = libc::O_NONBLOCK | if nofollow { libc::O_NOFOLLOW } else { 0 };
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(path)
}

/// The bytes of `file`, at most `limit`, into a buffer sized for `len` (its size when it was
/// looked at). A file still `len` bytes long takes one read: asked for one byte more, a regular
/// file's read returns fewer only at its end, and when those are the `len` bytes looked at, the
/// read that would see the end is left out. Otherwise (the file changed since, or the read
/// stopped short) it reads on to the end as `read_to_end` does; an empty buffer would start at
/// 32 bytes (nine reads for 3 KB), and `File::read_to_end` would ask for the size again.
pub fn read_sized(file: fs::File, len: u64, limit: u64) -> io::Result<Vec<u8>> {
    use std::io::Read as _;
    let room = usize::try_from(len.min(limit))
        .unwrap_or(0)
        .saturating_add(1);
    let mut bytes = Vec::with_capacity(room);
    let mut got = 0;
    if len < limit {
        got = read_into_spare(&file, &mut bytes)?;
        if got < room && got as u64 == len {
            return Ok(bytes);
        }
    }
    file.take(limit - got as u64).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// One `read` into the room `bytes` has beyond its length, which it then takes in: the room is
/// not zeroed first (a `compile` into a current OUT reads its 24 files back to compare them,
/// 150 KB for an example). Interrupted by a signal, it is tried again.
#[cfg(unix)]
fn read_into_spare(file: &fs::File, bytes: &mut Vec<u8>) -> io::Result<usize> {
    loop {
        match rustix::io::read(file, rustix::buffer::spare_capacity(bytes)) {
            Err(rustix::io::Errno::INTR) => {}
            read => return Ok(read?),
        }
    }
}

/// [`read_into_spare`] where rustix does not reach: the room zeroed, then read into.
#[cfg(not(unix))]
fn read_into_spare(mut file: &fs::File, bytes: &mut Vec<u8>) -> io::Result<usize> {
    use std::io::Read as _;
    let start = bytes.len();
    bytes.resize(bytes.capacity(), 0);
    let got = loop {
        match file.read(&mut bytes[start..]) {
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            read => break read?,
        }
    };
    bytes.truncate(start + got);
    Ok(got)
}

/// `base/rel` in one allocation ([`Path::join`] copies `base`, then grows the copy).
fn under(base: &Path, rel: &str) -> PathBuf {
    let mut path = PathBuf::with_capacity(base.as_os_str().len() + 1 + rel.len());
    path.push(base);
    path.push(rel);
    path
}

/// Reads `OUT/.paasc/manifest`'s bytes: `None` when there is none.
fn read_manifest(out: &Path, probe: &mut Probe) -> Result<Option<Vec<u8>>, WriteError> {
    let path = out.join(MANIFEST);
    match probe.kind(META)? {
        Kind::Absent => return Ok(None),
        Kind::Dir => {}
        Kind::Link => return Err(WriteError::link(&out.join(META))),
        Kind::File | Kind::Special => {
            return Err(WriteError::kind(&out.join(META), "not a directory"))
        }
    }
    match probe.kind(MANIFEST)? {
        Kind::Absent => return Ok(None),
        Kind::File => {}
        Kind::Link => return Err(WriteError::link(&path)),
        Kind::Dir | Kind::Special => return Err(WriteError::kind(&path, "not a file")),
    }
    match read_regular(&path) {
        Ok(Some((bytes, _))) => Ok(Some(bytes)),
        Ok(None) => Err(WriteError::kind(&path, "not a file")),
        Err(e) => Err(WriteError::io(&path, &e)),
    }
}

/// Parses the manifest's `bytes`, borrowing its paths, and says whether `checked` held for its
/// files: they then need no check, being paths the write checked already.
fn parse_manifest<'a>(
    out: &Path,
    bytes: &'a [u8],
    checked: impl Fn(&[Rel]) -> bool,
) -> Result<(Manifest<'a>, bool), WriteError> {
    let path = out.join(MANIFEST);
    let manifest: Manifest = serde_json::from_slice(bytes)
        .map_err(|e| WriteError::state(&path, &format!("not a manifest paasc wrote ({e})")))?;
    let same = checked(&manifest.files);
    let files: &[Rel] = if same { &[] } else { &manifest.files };
    if manifest.version != 1
        || files
            .iter()
            .chain(&manifest.dirs)
            .any(|p| !plain(p) || reserved(p))
    {
        return Err(WriteError::state(
            &path,
            "not a manifest paasc wrote (an unknown version, or a path outside OUT)",
        ));
    }
    Ok((manifest, same))
}

/// What the look at one file found: it is to be written, or it is current (with its stamp).
enum Checked<'a> {
    Put(Put<'a>),
    Same(Stamp),
}

/// Compares `want` with what is under `out` (a file current by its stamp in `stamps`, or in
/// OUT's stamps when `None`, is not read): the files to write, the entries to remove, the
/// directories to create.
fn plan<'a>(out: &Path, want: &'a Output, stamps: Option<&Stamps>) -> Result<Plan<'a>, WriteError> {
    let mut probe = Probe::new(out);
    let loaded;
    let stamps = match stamps {
        Some(given) => given,
        None => {
            loaded = load_stamps(out, &mut probe);
            &loaded
        }
    };
    let secret: HashSet<&str> = want.secret.iter().map(String::as_str).collect();
    if let Some((rel, _)) = want
        .files
        .iter()
        .find(|(rel, _)| !plain(rel) || reserved(rel))
    {
        return Err(WriteError::kind(
            &out.join(rel),
            "not a path paasc may write (it leaves OUT or is paasc's own)",
        ));
    }
    // By path, the last of equal paths kept (a stable sort of the reversed list keeps it first).
    let mut files: Vec<(&str, (&str, bool, Seen))> = want
        .files
        .iter()
        .enumerate()
        .rev()
        .map(|(i, (rel, text))| {
            let seen = want.seen.get(i).copied().unwrap_or_default();
            (rel.as_str(), (&**text, secret.contains(rel.as_str()), seen))
        })
        .collect();
    if files.len() >= PARALLEL_FROM {
        files.par_sort_by(|a, b| a.0.cmp(b.0));
    } else {
        files.sort_by(|a, b| a.0.cmp(b.0));
    }
    files.dedup_by(|a, b| a.0 == b.0);
    let wanted = |rel: &str| files.binary_search_by(|(f, _)| (*f).cmp(rel)).is_ok();
    let roots: BTreeSet<&str> = want.roots.iter().map(String::as_str).collect();
    // The files of the last compile are most often those of this one.
    let same_files = |old: &[Rel]| {
        old.len() == files.len() && old.iter().zip(&files).all(|(o, (f, _))| **o == **f)
    };
    let old_bytes = read_manifest(out, &mut probe)?;
    let (old, same) = match &old_bytes {
        Some(bytes) => parse_manifest(out, bytes, same_files)?,
        None => (Manifest::default(), same_files(&[])),
    };
    let old_dirs: BTreeSet<&str> = old.dirs.iter().map(|d| &**d).collect();
    let stale: BTreeSet<&str> = if same {
        BTreeSet::new()
    } else {
        old.files
            .iter()
            .map(|f| &**f)
            .filter(|f| !wanted(f))
            .collect()
    };
    // The directories above the files, by path. The files under a directory are contiguous in
    // `files` (by path), so one met before is above the previous file too; and its ancestors.
    let mut needed: Vec<&str> = Vec::new();
    let mut previous = "";
    for &(file, _) in &files {
        let mut dir = file;
        while let Some(i) = dir.rfind('/') {
            dir = &dir[..i];
            if previous.as_bytes().get(dir.len()) == Some(&b'/') && previous.starts_with(dir) {
                break;
            }
            needed.push(dir);
        }
        previous = file;
    }
    needed.sort_unstable();
    needed.dedup();
    let is_needed = |dir: &str| needed.binary_search(&dir).is_ok();

    probe.prefill(&needed)?;
    let mut mkdir = Vec::new();
    let mut owned: BTreeSet<&str> = BTreeSet::new();
    let mut kept_owned = Vec::new();
    for &dir in &needed {
        match probe.kind(dir)? {
            Kind::Dir => {
                if old_dirs.contains(dir) && !roots.contains(dir) {
                    owned.insert(dir);
                    kept_owned.push(dir);
                }
            }
            Kind::Absent => mkdir.push(dir.to_string()),
            Kind::File if stale.contains(dir) => mkdir.push(dir.to_string()),
            Kind::Link => return Err(WriteError::link(&out.join(dir))),
            Kind::File | Kind::Special => {
                return Err(WriteError::kind(&out.join(dir), "not a directory"));
            }
        }
    }
    owned.extend(
        mkdir
            .iter()
            .map(String::as_str)
            .filter(|d| !roots.contains(d)),
    );

    let mut del: BTreeMap<String, Why> = BTreeMap::new();
    let gone_dirs: BTreeSet<&str> = old_dirs
        .iter()
        .copied()
        .filter(|d| !is_needed(d) && !roots.contains(d))
        .collect();
    let in_gone_dir = |rel: &str| ancestors(rel).any(|a| gone_dirs.contains(a));
    for &dir in &gone_dirs {
        if in_gone_dir(dir) {
            continue;
        }
        if probe.kind(dir)? != Kind::Absent {
            del.insert(dir.to_string(), Why::Stale);
        }
    }
    for &file in &stale {
        if in_gone_dir(file) {
            continue;
        }
        if probe.kind(file)? != Kind::Absent {
            del.insert(file.to_string(), Why::Stale);
        }
    }
    // What each directory paasc owns is to hold, by name: the files and directories wanted there.
    let mut expected: Vec<Vec<(&str, Kind)>> = vec![Vec::new(); kept_owned.len()];
    let wanted_entries = files.iter().map(|&(f, _)| (f, Kind::File));
    for (rel, kind) in wanted_entries.chain(needed.iter().map(|&d| (d, Kind::Dir))) {
        if let Some((dir, name)) = rel.rsplit_once('/') {
            if let Ok(i) = kept_owned.binary_search(&dir) {
                expected[i].push((name, kind));
            }
        }
    }
    for entries in &mut expected {
        entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
    }
    // What is in the directories paasc owns, listed in parallel for many (one per directory of
    // each project in a monorepo's compile): what paasc did not put there is foreign, and the
    // kinds of the rest spare their files a look of their own below. A directory whose stamp
    // says it held exactly what it is to hold, and that has not changed since (creating,
    // removing or renaming an entry changes a directory's times), is not listed.
    let listed = each(&kept_owned, |i, &dir| {
        let path = out.join(dir);
        let want = &expected[i];
        let shape = stamps::listing_hash(want.iter().map(|&(n, k)| (n, k == Kind::Dir)));
        let key = [dir, "/"].concat();
        let meta = fs::symlink_metadata(&path).ok();
        if let Some(stamp) = meta.as_ref().and_then(|m| stamps.same(&key, m, shape)) {
            let kinds = want.iter().map(|&(n, k)| (Cow::Borrowed(n), k)).collect();
            return Ok((kinds, Vec::new(), Some((key, stamp))));
        }
        let listed = entries(&path).map_err(|e| WriteError::io(&path, &e))?;
        let (mut kinds, mut foreign) = (Vec::new(), Vec::new());
        for (name, kind) in listed {
            let name = match name.into_string() {
                Ok(name) => name,
                Err(name) => {
                    return Err(WriteError::kind(
                        &path.join(name),
                        "named in bytes that are not UTF-8, in a directory paasc owns",
                    ))
                }
            };
            let rel = [dir, "/", &name].concat();
            if !wanted(&rel) && !is_needed(&rel) {
                foreign.push(rel);
            } else {
                kinds.push((Cow::<str>::Owned(name), kind));
            }
        }
        kinds.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let exact = foreign.is_empty()
            && kinds.len() == want.len()
            && kinds
                .iter()
                .zip(want)
                .all(|((n, k), (w, wk))| n == w && k == wk);
        let stamp = meta.filter(|_| exact).map(|m| (key, Stamp::of(&m, shape)));
        Ok((kinds, foreign, stamp))
    });
    let mut kinds = Vec::with_capacity(listed.len());
    let mut now: Vec<(Cow<str>, Stamp)> = Vec::new();
    for found in listed {
        let (found, foreign, stamp) = found?;
        for rel in foreign {
            del.entry(rel).or_insert(Why::Foreign);
        }
        kinds.push(found);
        now.extend(stamp.map(|(key, stamp)| (Cow::Owned(key), stamp)));
    }
    // What the listing of its directory says is at `rel`, if it was listed.
    let listed = |rel: &str| -> Option<Kind> {
        let (dir, name) = rel.rsplit_once('/')?;
        let entries = &kinds[kept_owned.binary_search(&dir).ok()?];
        match entries.binary_search_by(|(n, _)| (**n).cmp(name)) {
            Ok(i) => Some(entries[i].1),
            Err(_) => Some(Kind::Absent),
        }
    };

    let parents = &probe;
    let checked: Vec<Result<Checked, WriteError>> =
        each(&files, |_, &(rel, (text, secret, seen))| {
            let put = |old| {
                Ok(Checked::Put(Put {
                    rel,
                    text: text.into(),
                    secret,
                    old,
                }))
            };
            let path = under(out, rel);
            // Found current under this lock, and its text emptied: anything else there now
            // was put by another program meanwhile.
            let changed = || {
                Err(WriteError::state(
                    &path,
                    "changed by another program while paasc compiled (compile again)",
                ))
            };
            if parents.seen.get(parent(rel)) != Some(&Kind::Dir) {
                return if matches!(seen, Seen::Current(_)) {
                    changed()
                } else {
                    put(None)
                };
            }
            // The listing of its directory says what is there; else (not listed) one look
            // at it. A file with a stamp is looked at, to compare it with the stamp.
            let stamped = seen == Seen::Unknown && stamps.get(rel).is_some();
            let (kind, meta) = match listed(rel) {
                Some(kind) if !stamped || kind != Kind::File => (kind, None),
                _ => match fs::symlink_metadata(&path) {
                    Ok(m) => (Kind::of(m.file_type()), Some(m)),
                    Err(e) if e.kind() == ErrorKind::NotFound => (Kind::Absent, None),
                    Err(e) => return Err(WriteError::io(&path, &e)),
                },
            };
            match (seen, kind) {
                (Seen::Current(stamp), Kind::File) => return Ok(Checked::Same(stamp)),
                (Seen::Current(_), _) => return changed(),
                (Seen::Differs, Kind::File) => return put(Some(Old::Differs)),
                _ => {}
            }
            if let Some(stamp) = meta.and_then(|m| stamps.current(rel, &m, text, secret)) {
                return Ok(Checked::Same(stamp));
            }
            let (bytes, meta) = match kind {
                Kind::Absent => return put(None),
                Kind::Link => return Err(WriteError::link(&path)),
                Kind::Dir if old_dirs.contains(rel) => return put(None),
                Kind::Dir => return Err(WriteError::kind(&path, "a directory")),
                Kind::Special => return put(Some(Old::Special)),
                Kind::File => match read_regular(&path) {
                    Ok(Some(read)) => read,
                    Ok(None) => return put(Some(Old::Special)),
                    Err(e) if e.kind() == ErrorKind::NotFound => return put(None),
                    Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
                        return Err(WriteError::link(&path))
                    }
                    Err(e) => return Err(WriteError::io(&path, &e)),
                },
            };
            if written(&bytes, meta.mode(), text, secret) {
                Ok(Checked::Same(Stamp::of(&meta, stamps::hash(text))))
            } else {
                put(Some(Old::File(bytes, meta.mode() & 0o7777)))
            }
        });
    let mut puts = Vec::new();
    for (c, &(rel, _)) in checked.into_iter().zip(&files) {
        match c? {
            Checked::Put(p) => puts.push(p),
            Checked::Same(stamp) => now.push((Cow::Borrowed(rel), stamp)),
        }
    }
    let unchanged = files.len() - puts.len();
    now.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let restamp = (!stamps.are(&now)).then_some(now);

    let manifest = Manifest {
        version: 1,
        files: files.iter().map(|&(f, _)| f.into()).collect(),
        dirs: owned.iter().map(|&d| d.into()).collect(),
    };
    if !old_bytes
        .as_deref()
        .is_some_and(|old| writes_as(&manifest, old))
    {
        let text = serde_json::to_string_pretty(&manifest)
            .map_err(|e| WriteError::state(&out.join(MANIFEST), &e.to_string()))?
            + "\n";
        puts.push(Put {
            rel: MANIFEST,
            text: text.into(),
            secret: false,
            old: old_bytes.map(|b| Old::File(b, 0o644)),
        });
    }
    Ok(Plan {
        puts,
        del: del.into_iter().collect(),
        mkdir,
        unchanged,
        restamp,
    })
}

/// Whether a file of `bytes` and mode `mode` is already what a compile writes: `text`, and for
/// a `secret` one, permission bits [`SECRET_MODE`].
fn written(bytes: &[u8], mode: u32, text: &str, secret: bool) -> bool {
    bytes == text.as_bytes() && mode_fits(mode, secret)
}

/// Whether a file of mode `mode` may stay as it is: any mode, unless it holds secrets, whose
/// permission bits must be [`SECRET_MODE`].
fn mode_fits(mode: u32, secret: bool) -> bool {
    !secret || mode & 0o7777 == SECRET_MODE
}

/// Whether `value` as pretty JSON and a line break is `bytes`, compared as it is serialized.
fn writes_as<T: Serialize>(value: &T, bytes: &[u8]) -> bool {
    let mut rest = Rest(bytes);
    serde_json::to_writer_pretty(&mut rest, value).is_ok() && rest.0 == b"\n"
}

/// The bytes not yet written: a write of other bytes fails.
struct Rest<'a>(&'a [u8]);

impl io::Write for Rest<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.0.strip_prefix(buf) {
            Some(rest) => {
                self.0 = rest;
                Ok(buf.len())
            }
            None => Err(io::Error::other("different bytes")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Stages, commits and applies `plan` (steps 3 to 5 of the module's description).
fn apply(out: &Path, plan: Plan) -> Result<Written, WriteError> {
    let written = Written {
        changed: plan.puts.iter().filter(|p| p.rel != MANIFEST).count(),
        unchanged: plan.unchanged,
        removed: plan.del.iter().map(|(rel, _)| rel.clone()).collect(),
    };
    if plan.puts.is_empty() && plan.del.is_empty() {
        return Ok(written);
    }
    let meta = out.join(META);
    let staging = out.join(STAGING);
    let made_meta = !lexists(&meta).map_err(|e| WriteError::io(&meta, &e))?;
    let journal = Journal {
        version: 1,
        del: plan.del.iter().map(|(rel, _)| rel.clone()).collect(),
        mkdir: plan.mkdir.clone(),
        put: plan.puts.iter().map(|p| p.rel.to_string()).collect(),
    };
    let staged = (|| -> io::Result<()> {
        if made_meta {
            fault();
            fs::create_dir(&meta)?;
        }
        fault();
        fs::DirBuilder::new().mode(0o700).create(&staging)?;
        fs::create_dir(staging.join("new"))?;
        for shard in 0..plan.puts.len().div_ceil(SHARD) {
            fs::create_dir(staging.join(format!("new/{shard}")))?;
        }
        fs::create_dir(staging.join("old"))?;
        try_each(&plan.puts, |i, put| {
            fault();
            failure()?;
            let mode = if put.secret { SECRET_MODE } else { 0o666 };
            fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(mode)
                .open(staged(&staging, i))?
                .write_all(put.text.as_bytes())
        })?;
        let text = serde_json::to_vec(&journal).map_err(io::Error::other)?;
        fault();
        fs::write(staging.join("journal.tmp"), text)?;
        fault();
        fs::rename(staging.join("journal.tmp"), staging.join("journal"))
    })();
    if let Err(e) = staged {
        let _ = fs::remove_dir_all(&staging);
        if made_meta {
            let _ = fs::remove_dir(&meta);
        }
        return Err(WriteError::io(out, &e));
    }
    let replaces: Vec<bool> = plan.puts.iter().map(|p| p.old.is_some()).collect();
    match roll_forward(out, &journal, Some(&replaces)) {
        Ok(()) => {
            // Complete: what finish leaves (if anything), the next run removes.
            let _ = finish(out);
            Ok(written)
        }
        Err(e) => {
            let e = WriteError::io(out, &e);
            roll_back(out, &journal)
                .and_then(|()| finish(out))
                .map_err(|undo| unfinished(out, &undo))?;
            if made_meta {
                let _ = fs::remove_dir(&meta);
            }
            Err(e)
        }
    }
}

/// The error when a write could neither be completed nor undone.
fn unfinished(out: &Path, e: &io::Error) -> WriteError {
    WriteError::state(
        &out.join(STAGING),
        &format!("a compile could neither be completed nor undone ({e}); OUT holds a mix of old and new files until a compile succeeds"),
    )
}

/// How many staged files share a directory of `staging/new/`: ext4 looks for a free inode for
/// a new file from its directory's place, so one directory for 24,000 files (1,000 projects)
/// made each creation search further (here about 10% more system time than 100 a directory).
const SHARD: usize = 100;

/// From how many files a step of a write runs on rayon's pool: below, starting the pool's
/// threads costs more than the step (an example's 25 files take about 0.1 ms).
const PARALLEL_FROM: usize = 256;

/// `f(i, item)` of each of `items`, in order; in parallel for many (see [`PARALLEL_FROM`]).
fn each<T: Sync, R: Send>(items: &[T], f: impl Fn(usize, &T) -> R + Sync + Send) -> Vec<R> {
    if items.len() >= PARALLEL_FROM {
        items.par_iter().enumerate().map(|(i, t)| f(i, t)).collect()
    } else {
        items.iter().enumerate().map(|(i, t)| f(i, t)).collect()
    }
}

/// `f(i, item)` of each of `items` until one fails; in parallel for many.
fn try_each<T: Sync>(
    items: &[T],
    f: impl Fn(usize, &T) -> io::Result<()> + Sync + Send,
) -> io::Result<()> {
    if items.len() >= PARALLEL_FROM {
        items.par_iter().enumerate().try_for_each(|(i, t)| f(i, t))
    } else {
        items.iter().enumerate().try_for_each(|(i, t)| f(i, t))
    }
}

/// Where the `i`-th file of a write is staged.
fn staged(staging: &Path, i: usize) -> PathBuf {
    let mut digits = itoa::Buffer::new();
    let mut path = std::ffi::OsString::with_capacity(staging.as_os_str().len() + 32);
    path.push(staging);
    path.push("/new/");
    path.push(digits.format(i / SHARD));
    path.push("/");
    path.push(digits.format(i));
    path.into()
}

/// Step 4: applies `j`. `fresh`: right after staging, when no step is done yet, with whether
/// each put replaces something (the plan saw it, under the lock: nothing else is to be kept);
/// otherwise (recovery) each step is skipped when the disk shows it done.
fn roll_forward(out: &Path, j: &Journal, fresh: Option<&[bool]>) -> io::Result<()> {
    let staging = out.join(STAGING);
    let replaces = |i: usize| fresh.is_none_or(|r| r.get(i).copied().unwrap_or(true));
    let fresh = fresh.is_some();
    let todo = |done: &Path, source: &Path| -> io::Result<bool> {
        Ok(fresh || (!lexists(done)? && lexists(source)?))
    };
    for (i, rel) in j.del.iter().enumerate() {
        let kept = staging.join(format!("old/d{i}"));
        let target = out.join(rel);
        if todo(&kept, &target)? {
            fault();
            failure()?;
            fs::rename(&target, &kept)?;
        }
    }
    for rel in &j.mkdir {
        let target = out.join(rel);
        if fresh || !lexists(&target)? {
            fault();
            failure()?;
            fs::create_dir(&target)?;
        }
    }
    try_each(&j.put, |i, rel| {
        let new = staged(&staging, i);
        if !fresh && !lexists(&new)? {
            return Ok(());
        }
        let target = under(out, rel);
        let kept = || staging.join(format!("old/p{i}"));
        if replaces(i) && todo(&kept(), &target)? {
            let kept = kept();
            fault();
            match fs::hard_link(&target, &kept) {
                Ok(()) => {}
                Err(e) if e.kind() == ErrorKind::NotFound => {}
                Err(_) => {
                    fault();
                    fs::rename(&target, &kept)?;
                }
            }
        }
        fault();
        failure()?;
        fs::rename(&new, &target)
    })
}

/// Undoes `j` from what is on disk: each step of [`roll_forward`] reversed, repeatable.
fn roll_back(out: &Path, j: &Journal) -> io::Result<()> {
    let staging = out.join(STAGING);
    let marker = staging.join("rollback");
    if !lexists(&marker)? {
        fault();
        fs::write(&marker, "")?;
    }
    try_each(&j.put, |i, rel| {
        let new = staged(&staging, i);
        let target = out.join(rel);
        let kept = staging.join(format!("old/p{i}"));
        if !lexists(&new)? && lexists(&target)? {
            fault();
            fs::rename(&target, &new)?;
        }
        if lexists(&kept)? {
            fault();
            if lexists(&target)? {
                fs::remove_file(&kept)?;
            } else {
                fs::rename(&kept, &target)?;
            }
        }
        Ok::<(), io::Error>(())
    })?;
    for rel in j.mkdir.iter().rev() {
        let target = out.join(rel);
        if lexists(&target)? {
            fault();
            let _ = fs::remove_dir(&target);
        }
    }
    for (i, rel) in j.del.iter().enumerate() {
        let kept = staging.join(format!("old/d{i}"));
        let target = out.join(rel);
        if lexists(&kept)? && !lexists(&target)? {
            fault();
            fs::rename(&kept, &target)?;
        }
    }
    Ok(())
}

/// Step 5: the journal, then the staging directory (with what was replaced or removed).
fn finish(out: &Path) -> io::Result<()> {
    let staging = out.join(STAGING);
    let journal = staging.join("journal");
    if lexists(&journal)? {
        fault();
        fs::remove_file(journal)?;
    }
    fault();
    fs::remove_dir_all(staging)
}

/// Step 1: completes the write a killed compile left committed (or undoes it, when its undo
/// had begun), and deletes a staging directory it left uncommitted. Needs the exclusive lock.
fn recover(out: &Path) -> Result<(), WriteError> {
    let staging = out.join(STAGING);
    let mut probe = Probe::new(out);
    match probe.kind(STAGING)? {
        Kind::Absent => return Ok(()),
        Kind::Dir => {}
        Kind::Link | Kind::File | Kind::Special => {
            return fs::remove_file(&staging).map_err(|e| WriteError::io(&staging, &e));
        }
    }
    let path = staging.join("journal");
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return fs::remove_dir_all(&staging).map_err(|e| WriteError::io(&staging, &e));
        }
        Err(e) => return Err(WriteError::io(&path, &e)),
    };
    let journal: Journal = serde_json::from_slice(&bytes)
        .ok()
        .filter(|j: &Journal| {
            j.version == 1 && j.del.iter().chain(&j.mkdir).chain(&j.put).all(|p| plain(p))
        })
        .ok_or_else(|| WriteError::state(&path, "not a journal paasc wrote"))?;
    for rel in journal.del.iter().chain(&journal.mkdir).chain(&journal.put) {
        probe.no_link_above(rel)?;
    }
    let undo = lexists(&staging.join("rollback")).map_err(|e| WriteError::io(&staging, &e))?;
    let done = if undo {
        roll_back(out, &journal)
    } else {
        roll_forward(out, &journal, None).or_else(|_| roll_back(out, &journal))
    };
    done.and_then(|()| finish(out))
        .map_err(|e| unfinished(out, &e))
}

#[cfg(test)]
mod tests {
    //! Every step of a write interrupted, by a simulated kill or an I/O error: OUT is then,
    //! after the next run's recovery, wholly the old or wholly the new artifacts.

    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    /// How many files were read ([`read_regular`]).
    pub(super) static READS: AtomicUsize = AtomicUsize::new(0);
    /// How many directories were listed ([`entries`]).
    pub(super) static LISTINGS: AtomicUsize = AtomicUsize::new(0);
    /// Counts down to the simulated kill (`usize::MAX`: none).
    static KILL_AT: AtomicUsize = AtomicUsize::new(usize::MAX);
    /// Counts down to the injected I/O error.
    static FAIL_AT: AtomicUsize = AtomicUsize::new(usize::MAX);
    /// One test at a time uses the counters.
    static SERIAL: Mutex<()> = Mutex::new(());

    struct Killed;

    /// Counts `counter` down; true once, when it reaches zero (it is then disarmed).
    fn fires(counter: &AtomicUsize) -> bool {
        counter.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| match n {
            usize::MAX => None,
            0 => Some(usize::MAX),
            n => Some(n - 1),
        }) == Ok(0)
    }

    pub(super) fn fault() {
        if fires(&KILL_AT) {
            std::panic::panic_any(Killed);
        }
    }

    pub(super) fn failure() -> io::Result<()> {
        if fires(&FAIL_AT) {
            return Err(io::Error::new(ErrorKind::StorageFull, "injected"));
        }
        Ok(())
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("paasc-write-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    /// Every entry under `dir`: files with their bytes and mode, directories as `name/`,
    /// anything else (a link, a FIFO) with its kind, unread. The stamps (a cache of what
    /// compiles found current) are left out.
    fn tree(dir: &Path) -> BTreeMap<String, (Vec<u8>, u32)> {
        fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, (Vec<u8>, u32)>) {
            for e in fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = e.path();
                let rel = p
                    .strip_prefix(base)
                    .expect("under base")
                    .to_string_lossy()
                    .into_owned();
                if rel == stamps::STAMPS {
                    continue;
                }
                let m = fs::symlink_metadata(&p).expect("metadata");
                if m.is_dir() {
                    out.insert(format!("{rel}/"), (Vec::new(), 0));
                    walk(base, &p, out);
                } else if m.is_file() {
                    out.insert(rel, (fs::read(&p).expect("read"), m.mode() & 0o777));
                } else {
                    let kind = format!("<{:?}>", m.file_type()).into_bytes();
                    out.insert(rel, (kind, m.mode() & 0o777));
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(dir, dir, &mut out);
        out
    }

    /// What [`Locked::settle`] found, without the stamp.
    fn label(seen: &Seen) -> &'static str {
        match seen {
            Seen::Unknown => "unknown",
            Seen::Current(_) => "current",
            Seen::Differs => "differs",
        }
    }

    fn files(list: &[(&str, &str)]) -> Files {
        list.iter()
            .map(|(p, t)| (p.to_string(), t.to_string().into()))
            .collect()
    }

    /// The old and the new artifacts: changed, unchanged, removed and added files, a
    /// directory that goes away and one that appears.
    fn generations() -> (Files, Files) {
        let old = files(&[
            (".env", "SECRET='old'\n"),
            ("gunicorn.conf.py", "workers = 2\n"),
            ("helm/web/Chart.yaml", "name: web\n"),
            ("helm/web/templates/deployment.yaml", "kind: Deployment\n"),
            ("helm/web-secrets.env", "KEY=old\n"),
            ("docker/Dockerfile", "FROM ubuntu\n"),
        ]);
        let new = files(&[
            (".env", "SECRET='new'\n"),
            ("gunicorn.conf.py", "workers = 2\n"),
            ("helm/web/Chart.yaml", "name: web\nversion: 2\n"),
            ("helm/web/templates/deployment.yaml", "kind: Deployment\n"),
            ("helm/web/templates/ingress.yaml", "kind: Ingress\n"),
            ("helm/web/values.yaml", "replicas: 1\n"),
            ("pebble/charm-layer.yaml", "secret: new\n"),
        ]);
        (old, new)
    }

    fn secret(files: &Files) -> Vec<String> {
        files
            .iter()
            .map(|(p, _)| p.clone())
            .filter(|p| p.ends_with(".env") || p.ends_with("charm-layer.yaml"))
            .collect()
    }

    fn write(out: &Path, f: &Files) -> Result<Written, WriteError> {
        let secret = secret(f);
        write_all(
            out,
            &Output {
                files: f,
                secret: &secret,
                roots: &[],
                seen: &[],
            },
        )
    }

    /// [`write`] as a compile of several projects writes: OUT, if it exists, locked first and
    /// the files settled ([`Locked::settle`]) before the write.
    fn write_settled(out: &Path, f: &Files) -> Result<Written, WriteError> {
        let Some((locked, f, secret, seen)) = settled(out, f) else {
            return write(out, f);
        };
        write_locked(locked, &f, &secret, &seen)
    }

    /// [`write_settled`] when `settled`, else [`write`].
    fn write_either(settled: bool, out: &Path, f: &Files) -> Result<Written, WriteError> {
        if settled {
            write_settled(out, f)
        } else {
            write(out, f)
        }
    }

    /// Asserts that `out` holds what a write of `f` into a fresh directory holds.
    fn assert_written(out: &Path, f: &Files, why: &str) {
        let reference = scratch("reference");
        write(&reference, f).expect("reference");
        assert_eq!(tree(out), tree(&reference), "{why}");
        let _ = fs::remove_dir_all(&reference);
    }

    /// OUT locked early ([`lock_existing`], `None` when it is not a directory) and `f` settled
    /// against it: the lock, the files with the text of the current ones let go, the secret
    /// ones among them, and what was seen of each.
    fn settled<'o>(
        out: &'o Path,
        f: &Files,
    ) -> Option<(Locked<'o>, Files, Vec<String>, Vec<Seen>)> {
        let secret = secret(f);
        let locked = lock_existing(out)?;
        let mut f = f.clone();
        let seen = locked.settle(&mut f, &secret);
        Some((locked, f, secret, seen))
    }

    /// [`Locked::write_all`] of `files`, settled as `seen`.
    fn write_locked(
        locked: Locked,
        files: &Files,
        secret: &[String],
        seen: &[Seen],
    ) -> Result<Written, WriteError> {
        locked.write_all(&Output {
            files,
            secret,
            roots: &[],
            seen,
        })
    }

    type Tree = BTreeMap<String, (Vec<u8>, u32)>;

    /// OUT holding the old artifacts and a file of the user's, and reference trees of the old
    /// and the new artifacts, each written to a fresh directory.
    struct Case {
        out: PathBuf,
        old: Files,
        new: Files,
        want: [Tree; 2],
        /// The new artifacts are written as [`write_settled`] writes them.
        settled: bool,
        _serial: std::sync::MutexGuard<'static, ()>,
    }

    /// Which artifacts OUT holds.
    #[derive(Debug, PartialEq)]
    enum Held {
        Old,
        New,
    }

    impl Case {
        fn new(name: &str, settled: bool) -> Case {
            let serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
            let default = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                if info.payload().downcast_ref::<Killed>().is_none() {
                    default(info);
                }
            }));
            let (old, new) = generations();
            let want = [&old, &new].map(|f| {
                let dir = scratch(&format!("{name}-reference"));
                write(&dir, f).expect("reference write");
                let mut t = tree(&dir);
                let _ = fs::remove_dir_all(&dir);
                t.insert("mine.txt".into(), (b"the user's\n".to_vec(), 0o644));
                t
            });
            Case {
                out: scratch(name),
                old,
                new,
                want,
                settled,
                _serial: serial,
            }
        }

        /// Writes the new artifacts over the old with a kill at the `kill`-th step and an
        /// I/O error at the `fail`-th (`usize::MAX`: none): `None` when it was killed.
        fn write(&self, kill: usize, fail: usize) -> Option<Result<Written, WriteError>> {
            let _ = fs::remove_dir_all(&self.out);
            write(&self.out, &self.old).expect("old");
            let mine = self.out.join("mine.txt");
            fs::write(&mine, "the user's\n").expect("user file");
            fs::set_permissions(&mine, std::os::unix::fs::PermissionsExt::from_mode(0o644))
                .expect("chmod");
            FAIL_AT.store(fail, Ordering::SeqCst);
            KILL_AT.store(kill, Ordering::SeqCst);
            let result =
                std::panic::catch_unwind(|| write_either(self.settled, &self.out, &self.new)).ok();
            KILL_AT.store(usize::MAX, Ordering::SeqCst);
            let failed =
                fail != usize::MAX && FAIL_AT.swap(usize::MAX, Ordering::SeqCst) == usize::MAX;
            match &result {
                None => {
                    if let Ok(m) = fs::symlink_metadata(self.out.join(STAGING)) {
                        assert_eq!(m.mode() & 0o777, 0o700, "staging mode");
                    }
                }
                Some(r) => assert_eq!(r.is_err(), failed, "error {fail}: the result"),
            }
            result
        }

        /// What OUT holds (after the recovery of the next run, when `recovering`); panics on
        /// a mix.
        fn held(&self, recovering: bool, what: &str) -> Held {
            if recovering {
                recover(&self.out).expect("recovery");
            }
            let got = tree(&self.out);
            if got == self.want[0] {
                Held::Old
            } else {
                assert_eq!(got, self.want[1], "{what}: neither old nor new");
                Held::New
            }
        }
    }

    impl Drop for Case {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.out);
        }
    }

    /// The manifest is rewritten unless its bytes are exactly what this compile would write.
    #[test]
    fn a_manifest_is_the_same_only_byte_for_byte() {
        let manifest = Manifest {
            version: 1,
            files: vec!["a/b".into(), "c\"d".into()],
            dirs: vec!["a".into()],
        };
        let text = serde_json::to_string_pretty(&manifest).expect("serializes") + "\n";
        assert!(writes_as(&manifest, text.as_bytes()));
        let read = parse_manifest(Path::new("/out"), text.as_bytes(), |_| false);
        let (read, same) = read.expect("a manifest");
        assert_eq!(read, manifest);
        assert!(!same);
        assert!(!writes_as(&manifest, text.trim_end().as_bytes()));
        assert!(!writes_as(&manifest, (text.clone() + "\n").as_bytes()));
        assert!(!writes_as(
            &manifest,
            text.replacen("  ", " \t", 1).as_bytes()
        ));
        assert!(!writes_as(&manifest, b""));
    }

    #[test]
    fn a_kill_at_any_step_leaves_the_old_or_the_new_artifacts_after_recovery() {
        for settled in [false, true] {
            let case = Case::new("kill", settled);
            let mut held = Vec::new();
            for step in 0.. {
                if case.write(step, usize::MAX).is_some() {
                    assert!(step > 10, "too few steps: {step}");
                    break;
                }
                held.push(case.held(true, &format!("kill at step {step}, settled {settled}")));
            }
            assert!(
                held.contains(&Held::Old) && held.contains(&Held::New),
                "{held:?}"
            );
        }
    }

    #[test]
    fn an_error_at_any_step_leaves_the_old_artifacts_and_a_kill_during_the_undo_is_recovered() {
        for settled in [false, true] {
            let case = Case::new("fail", settled);
            for fail in 0.. {
                let Some(result) = case.write(usize::MAX, fail) else {
                    panic!("no kill was armed");
                };
                if result.is_ok() {
                    assert_eq!(case.held(false, "no error"), Held::New);
                    assert!(fail > 5, "too few steps: {fail}");
                    break;
                }
                let what = format!("error {fail}, settled {settled}");
                assert_eq!(case.held(false, &what), Held::Old);
                for kill in 0.. {
                    if case.write(kill, fail).is_some() {
                        break;
                    }
                    case.held(true, &format!("{what}, kill {kill}"));
                }
            }
        }
    }

    /// Files settled before the write ([`Locked::settle`]) are found as the write compares
    /// them: only the same bytes (and mode 0600 for a secret) are current, and only what the
    /// listing says is a regular file is opened (a FIFO, a link, a missing file: not known).
    /// The write then leaves the current files alone and makes OUT what a plain write makes.
    #[test]
    fn settled_files_are_found_and_written_as_a_write_compares_them() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let (_, new) = generations();
        let reference = scratch("settle-reference");
        write(&reference, &new).expect("reference");
        let want = tree(&reference);
        let _ = fs::remove_dir_all(&reference);
        let out = scratch("settle");
        write(&out, &new).expect("first write");
        let kept = fs::metadata(out.join("gunicorn.conf.py"))
            .expect("stat")
            .ino();
        fs::write(out.join("helm/web/Chart.yaml"), "name: changed\n").expect("change");
        let open = <fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o644);
        fs::set_permissions(out.join(".env"), open).expect("chmod");
        fs::remove_file(out.join("helm/web/templates/ingress.yaml")).expect("remove");
        let fifo = out.join("pebble/charm-layer.yaml");
        fs::remove_file(&fifo).expect("remove");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        assert!(made.is_ok_and(|s| s.success()), "mkfifo");
        let link = out.join("helm/web/templates/deployment.yaml");
        fs::write(out.join("helm/web/copy.yaml"), "kind: Deployment\n").expect("copy");
        fs::remove_file(&link).expect("remove");
        std::os::unix::fs::symlink("../copy.yaml", &link).expect("link");

        let (locked, files, secret, seen) = settled(&out, &new).expect("OUT exists");
        let by_path: BTreeMap<&str, (&str, &str)> = files
            .iter()
            .zip(&seen)
            .map(|((rel, text), seen)| (rel.as_str(), (label(seen), &**text)))
            .collect();
        let expect = [
            (".env", "differs"),
            ("gunicorn.conf.py", "current"),
            ("helm/web/Chart.yaml", "differs"),
            ("helm/web/templates/deployment.yaml", "unknown"),
            ("helm/web/templates/ingress.yaml", "unknown"),
            ("pebble/charm-layer.yaml", "unknown"),
        ];
        for (rel, want) in expect {
            let (got, text) = by_path[rel];
            assert_eq!(got, want, "{rel}");
            assert_eq!(text.is_empty(), want == "current", "{rel}: its text");
        }
        // A link where a file goes is refused, settled or not, and nothing is written.
        let before = tree(&out);
        let err = write_locked(locked, &files, &secret, &seen).expect_err("a link in OUT");
        assert_eq!((err.path.as_path(), err.help), (link.as_path(), HELP_LINK));
        assert_eq!(tree(&out), before);
        fs::remove_file(&link).expect("remove");
        let written = write_settled(&out, &new).expect("write");
        assert_eq!((written.changed, written.unchanged), (5, 2));
        assert_eq!(written.removed, ["helm/web/copy.yaml"]);
        assert_eq!(tree(&out), want);
        let now = fs::metadata(out.join("gunicorn.conf.py"))
            .expect("stat")
            .ino();
        assert_eq!(now, kept, "a current file was replaced");
        let _ = fs::remove_dir_all(&out);
    }

    /// A file settled current whose text was let go, then removed by another program (or its
    /// directory) before the write: the write is refused (naming it) and changes nothing; OUT
    /// that does not exist is not locked early (nothing in it can be current) and is not made
    /// by trying. (A change of its content in place is not seen: it is not read again.)
    #[test]
    fn a_current_file_removed_before_the_write_is_refused() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let (_, new) = generations();
        let out = scratch("settle-changed");
        assert!(lock_existing(&out).is_none());
        assert!(!out.exists(), "OUT made by an early lock");
        // At OUT's top, in a directory paasc made, and the directory itself.
        for gone in [
            "gunicorn.conf.py",
            "helm/web/Chart.yaml",
            "helm/web/templates",
        ] {
            let _ = fs::remove_dir_all(&out);
            write(&out, &new).expect("first write");
            let (locked, files, secret, seen) = settled(&out, &new).expect("OUT exists");
            assert!(seen.iter().all(|s| label(s) == "current"), "{seen:?}");
            let path = out.join(gone);
            if path.is_dir() {
                fs::remove_dir_all(&path).expect("remove");
            } else {
                fs::remove_file(&path).expect("remove");
            }
            let before = tree(&out);
            let err =
                write_locked(locked, &files, &secret, &seen).expect_err("a current file gone");
            assert!(err.path.starts_with(&path), "{}", err.path.display());
            assert!(
                err.reason.contains("changed by another program"),
                "{}",
                err.reason
            );
            assert_eq!(tree(&out), before, "{gone}: a refused write changed OUT");
        }
        let _ = fs::remove_dir_all(&out);
    }

    /// A file settled as different, then replaced by a directory before the write, is refused
    /// as a directory is (and the directory is left), as without the early comparison.
    #[test]
    fn a_differing_file_replaced_by_a_directory_is_refused() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let (_, new) = generations();
        let out = scratch("settle-dir");
        write(&out, &new).expect("first write");
        let chart = out.join("helm/web/Chart.yaml");
        fs::write(&chart, "name: changed\n").expect("change");
        let (locked, files, secret, seen) = settled(&out, &new).expect("OUT exists");
        let at = files.iter().position(|(r, _)| r == "helm/web/Chart.yaml");
        assert_eq!(at.map(|i| seen[i]), Some(Seen::Differs));
        fs::remove_file(&chart).expect("remove");
        fs::create_dir(&chart).expect("mkdir");
        fs::write(chart.join("mine.txt"), "mine\n").expect("write");
        let before = tree(&out);
        let err = write_locked(locked, &files, &secret, &seen).expect_err("a directory");
        assert_eq!(err.path, chart);
        assert_eq!(tree(&out), before);
        let _ = fs::remove_dir_all(&out);
    }

    /// Nothing is read through a link to a directory in OUT (the write refuses it): files
    /// there are not known, though a link's target holds the same bytes.
    #[test]
    fn settle_reads_nothing_through_a_linked_directory() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let (_, new) = generations();
        let out = scratch("settle-link");
        let elsewhere = scratch("settle-link-target");
        write(&out, &new).expect("first write");
        fs::rename(out.join("helm"), &elsewhere).expect("move");
        std::os::unix::fs::symlink(&elsewhere, out.join("helm")).expect("link");
        let (locked, files, secret, seen) = settled(&out, &new).expect("OUT exists");
        for ((rel, _), seen) in files.iter().zip(&seen) {
            let want = if rel.starts_with("helm/") {
                "unknown"
            } else {
                "current"
            };
            assert_eq!(label(seen), want, "{rel}");
        }
        let err = write_locked(locked, &files, &secret, &seen).expect_err("a link");
        assert_eq!(err.path, out.join("helm"));
        let _ = fs::remove_dir_all(&out);
        let _ = fs::remove_dir_all(&elsewhere);
    }

    /// A compile of `projects` projects (as `paasc compile DIR...` writes them, each under its
    /// root) finds the same whether OUT is looked at on one thread or, past
    /// [`PARALLEL_FROM`] directories, on several: a changed file rewritten, a foreign file in a
    /// directory paasc made removed, every other file left alone; and a link in place of one
    /// of its directories refused, naming that link.
    #[test]
    fn many_projects_are_compared_as_few_are() {
        // The fault injection of the other tests counts every write's steps, this one's too.
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        for projects in [3, PARALLEL_FROM] {
            let out = scratch(&format!("many-{projects}"));
            let roots: Vec<String> = (0..projects).map(|i| format!("p{i:03}")).collect();
            let mut want = Files::new();
            for root in &roots {
                for (rel, text) in [("a.txt", "a\n"), ("d/b.txt", "b\n"), ("d/e/c.txt", "c\n")] {
                    want.push((format!("{root}/{rel}"), format!("{root} {text}").into()));
                }
            }
            let write = || {
                write_all(
                    &out,
                    &Output {
                        files: &want,
                        secret: &[],
                        roots: &roots,
                        seen: &[],
                    },
                )
            };
            let first = write().expect("first write");
            assert_eq!(first.changed, 3 * projects);
            let before = tree(&out);
            fs::write(out.join("p001/d/e/foreign.txt"), "not paasc's").expect("foreign");
            fs::write(out.join("p002/a.txt"), "changed").expect("change");
            let again = write().expect("second write");
            assert_eq!(again.changed, 1, "{projects} projects");
            assert_eq!(again.unchanged, 3 * projects - 1, "{projects} projects");
            assert_eq!(
                again.removed,
                ["p001/d/e/foreign.txt"],
                "{projects} projects"
            );
            assert_eq!(tree(&out), before, "{projects} projects");
            fs::remove_dir_all(out.join("p002/d")).expect("remove");
            std::os::unix::fs::symlink(std::env::temp_dir(), out.join("p002/d")).expect("link");
            let err = write().expect_err("a link in OUT");
            assert_eq!(err.path, out.join("p002/d"), "{projects} projects");
            assert_eq!(err.help, HELP_LINK);
            let _ = fs::remove_dir_all(&out);
        }
    }

    /// A compile into an OUT it found current by reading stamps its files and the directories
    /// it owns; the next reads none of them (the manifest only) and lists none of those
    /// directories, as a plain write or settled (a compile of several projects), and still
    /// finds every file current.
    #[test]
    fn a_current_out_is_compared_by_its_stamps_without_reading_it() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let (_, new) = generations();
        for settled in [false, true] {
            let out = scratch(&format!("stamps-{settled}"));
            let again = || {
                READS.store(0, Ordering::SeqCst);
                LISTINGS.store(0, Ordering::SeqCst);
                let done = write_either(settled, &out, &new);
                let done = done.expect("write");
                assert_eq!((done.changed, done.unchanged), (0, new.len()));
                READS.load(Ordering::SeqCst)
            };
            write(&out, &new).expect("first write");
            assert!(
                !out.join(stamps::STAMPS).exists(),
                "stamps of files just written"
            );
            assert_eq!(again(), 1 + new.len(), "the manifest and each file read");
            assert!(out.join(stamps::STAMPS).exists(), "no stamps");
            let stamped = fs::metadata(out.join(stamps::STAMPS)).expect("stamps");
            // Until the clock's tick after the stamps were taken, they are checked by reading.
            std::thread::sleep(std::time::Duration::from_millis(20));
            let _ = again();
            std::thread::sleep(std::time::Duration::from_millis(20));
            assert_eq!(again(), 1, "only the manifest read");
            assert_eq!(LISTINGS.load(Ordering::SeqCst), 0, "a directory listed");
            let restamped = fs::metadata(out.join(stamps::STAMPS)).expect("stamps");
            assert!(restamped.modified().ok() >= stamped.modified().ok());
            let kept = fs::metadata(out.join(stamps::STAMPS)).expect("stamps");
            assert_eq!(again(), 1, "only the manifest read");
            let now = fs::metadata(out.join(stamps::STAMPS)).expect("stamps");
            assert_eq!(
                (now.ino(), now.mtime_nsec()),
                (kept.ino(), kept.mtime_nsec()),
                "current stamps written again"
            );
            let _ = fs::remove_dir_all(&out);
        }
    }

    /// A stamped file changed in any way since is compared by reading it, whenever the change
    /// came: at once (within the clock's tick of the stamps) or later. Its content changed to
    /// the same size with its modification time set back, its mode, or the file replaced by
    /// another of the same bytes; or the stamps damaged. The file is then rewritten when it
    /// differs and left alone when it does not.
    #[test]
    fn a_file_changed_since_its_stamp_is_read_again() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let (_, new) = generations();
        let chart = "helm/web/Chart.yaml";
        let text = new
            .iter()
            .find(|(r, _)| r == chart)
            .map(|(_, t)| t.to_string());
        let text = text.expect("a chart");
        type Change = fn(&Path, &str);
        let changes: [(&str, Change, bool); 4] = [
            (
                "same size, time set back",
                |out, text| {
                    let path = out.join("helm/web/Chart.yaml");
                    let before = fs::metadata(&path)
                        .expect("stat")
                        .modified()
                        .expect("mtime");
                    let other = text.replace("web", "wob");
                    assert_eq!(other.len(), text.len());
                    let f = fs::OpenOptions::new()
                        .write(true)
                        .open(&path)
                        .expect("open");
                    (&f).write_all(other.as_bytes()).expect("write");
                    f.set_modified(before).expect("set back");
                },
                true,
            ),
            (
                "mode",
                |out, _| {
                    let open =
                        <fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o644);
                    fs::set_permissions(out.join(".env"), open).expect("chmod");
                },
                true,
            ),
            (
                "replaced by the same bytes",
                |out, text| {
                    let path = out.join("helm/web/Chart.yaml");
                    fs::write(out.join("helm/web/x"), text).expect("copy");
                    fs::rename(out.join("helm/web/x"), path).expect("rename");
                },
                false,
            ),
            (
                "stamps damaged",
                |out, _| {
                    let path = out.join(stamps::STAMPS);
                    let mut bytes = fs::read(&path).expect("stamps");
                    bytes.truncate(bytes.len() - 3);
                    fs::write(&path, bytes).expect("damage");
                },
                false,
            ),
        ];
        for (what, change, differs) in changes {
            for (settled, wait) in [(false, 0), (true, 0), (false, 30), (true, 30)] {
                let out = scratch("stamps-changed");
                write(&out, &new).expect("first write");
                write(&out, &new).expect("stamped");
                assert!(out.join(stamps::STAMPS).exists(), "no stamps");
                std::thread::sleep(std::time::Duration::from_millis(wait));
                change(&out, &text);
                READS.store(0, Ordering::SeqCst);
                let done = write_either(settled, &out, &new);
                let done = done.expect("write");
                let why = format!("{what}, settled {settled}, after {wait} ms");
                assert_eq!(done.changed, usize::from(differs), "{why}");
                assert!(READS.load(Ordering::SeqCst) > 1, "{why}: nothing read");
                assert_written(&out, &new, &why);
                let _ = fs::remove_dir_all(&out);
            }
        }
    }

    /// An entry put in a stamped directory paasc owns (or one removed from it) is found: the
    /// directory is listed again, at once or later, its times set back or not.
    #[test]
    fn a_directory_changed_since_its_stamp_is_listed_again() {
        let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let (_, new) = generations();
        for (settled, wait, set_back, remove) in [
            (false, 0, false, false),
            (true, 0, true, false),
            (false, 30, true, false),
            (true, 30, false, true),
            (false, 0, true, true),
        ] {
            let why =
                format!("settled {settled}, after {wait} ms, set back {set_back}, remove {remove}");
            let out = scratch("stamps-dir");
            write(&out, &new).expect("first write");
            write(&out, &new).expect("stamped");
            std::thread::sleep(std::time::Duration::from_millis(20));
            write(&out, &new).expect("stamps trusted");
            std::thread::sleep(std::time::Duration::from_millis(wait));
            let dir = out.join("helm/web/templates");
            let before = fs::metadata(&dir).expect("dir").modified().expect("mtime");
            if remove {
                fs::remove_file(dir.join("ingress.yaml")).expect("remove");
            } else {
                fs::write(dir.join("stray.yaml"), "kind: Pod\n").expect("stray");
            }
            if set_back {
                fs::File::open(&dir)
                    .and_then(|d| d.set_modified(before))
                    .expect("set back");
            }
            LISTINGS.store(0, Ordering::SeqCst);
            let done = write_either(settled, &out, &new);
            let done = done.expect("write");
            assert!(LISTINGS.load(Ordering::SeqCst) > 0, "{why}: nothing listed");
            if remove {
                assert_eq!(done.changed, 1, "{why}");
            } else {
                assert_eq!(done.removed, ["helm/web/templates/stray.yaml"], "{why}");
            }
            assert_written(&out, &new, &why);
            let _ = fs::remove_dir_all(&out);
        }
    }

    /// A sized read returns the file's bytes whatever size it was given (a stale look at the
    /// file, larger or smaller, or none), and never more than its limit.
    #[test]
    fn sized_reads_take_the_file_not_the_size_they_were_given() {
        let dir = scratch("sized");
        fs::create_dir_all(&dir).expect("scratch");
        for len in [0usize, 1, 31, 32, 33, 4095, 4096, 70_000] {
            let path = dir.join(format!("f{len}"));
            let bytes: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            fs::write(&path, &bytes).expect("write");
            let real = len as u64;
            for told in [0, real / 2, real, real + 1, real * 3 + 7] {
                let open = || fs::File::open(&path).expect("open");
                assert_eq!(read_sized(open(), told, u64::MAX).expect("read"), bytes);
                for limit in [0, 1, real.saturating_sub(1), real, real + 1] {
                    let got = read_sized(open(), told, limit).expect("read");
                    assert_eq!(
                        got,
                        bytes[..len.min(limit as usize)],
                        "{len} {told} {limit}"
                    );
                }
            }
        }
        let _ = fs::remove_dir_all(&dir);
    }
}
