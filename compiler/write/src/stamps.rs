//! `OUT/.paasc/stamps`: what each file paasc found current looked like on disk, so that a
//! compile into an OUT already current looks at each file (`lstat`) instead of reading it
//! back: one system call instead of four, and no comparison of its bytes.
//!
//! A stamp is the content's hash (XXH3-128 of the text paasc writes there) with the file's
//! device, inode, size, mode, modification and change times, taken from the open file before
//! its bytes were read and found equal to that text. A file is current by its stamp when the
//! hash of the text to be written is the stamp's and `lstat` gives the same metadata. Writing a
//! file changes its change time (which no program can set back) and a file put by a rename has
//! another inode, so a file that changed since it was stamped does not match its stamp, as
//! git's index finds changed files without reading them.
//!
//! A change within the same tick of the file system's clock as the stamp keeps the change time;
//! so, as git does with a "racily clean" entry, a stamp is trusted only when the file's change
//! time is before the stamps file's own modification time: a stamp taken in the same tick as
//! the stamps file was written is checked by reading the file again, and written again.
//!
//! The file is mode 0600, as the secret files are: a hash of a file's content is a way to test
//! guesses of a secret in it (XXH3 is fast to compute), and only the user who can read those
//! files may read their hashes.
//!
//! The file is a cache, outside the write's journal: it is written after the artifacts, under
//! the write's lock, and a stamps file that is missing, stale, truncated or not paasc's costs
//! only the reads it would have spared. So it is written in place, with no temporary file for
//! a killed compile to leave in `.paasc`: cut short, it holds whole entries of the new stamps,
//! each still checked against its file, or a part of one, which makes it no stamps at all. It is written by
//! a compile that found files current by reading them, never with the files a compile writes:
//! their next compile reads them once.

use std::fs;
use std::io::{self, ErrorKind, Write as _};
use std::os::unix::fs::{MetadataExt as _, OpenOptionsExt as _};
use std::path::Path;

/// Where the stamps are kept.
pub const STAMPS: &str = ".paasc/stamps";
/// The first bytes of a stamps file: its format, version 1.
const MAGIC: &[u8; 16] = b"paasc stamps 1\n\0";
/// The most bytes of stamps read (about 600,000 files'); a longer file is not paasc's.
const LIMIT: u64 = 64 << 20;
/// An entry's bytes before its path: [`Stamp`]'s fields, then the path's length.
const FIXED: usize = 16 + 8 * 5 + 4 * 2 + 4 + 4;

/// What a file found current looked like: its content's hash and its metadata.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    hash: u128,
    dev: u64,
    ino: u64,
    size: u64,
    mode: u32,
    mtime: (i64, u32),
    ctime: (i64, u32),
}

/// The hash a stamp keeps of a file's content.
pub fn hash(text: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(text.as_bytes())
}

/// The hash a directory's stamp keeps of its entries: their names (sorted) and whether each is
/// a directory.
pub fn listing_hash<'a>(entries: impl Iterator<Item = (&'a str, bool)>) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3Default::new();
    for (name, dir) in entries {
        h.update(name.as_bytes());
        h.update(if dir { b"\0d" } else { b"\0f" });
    }
    h.digest128()
}

impl Stamp {
    /// The stamp of a file whose metadata is `meta` and content hashes to `hash`.
    pub fn of(meta: &fs::Metadata, hash: u128) -> Stamp {
        Stamp {
            hash,
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.size(),
            mode: meta.mode(),
            mtime: (meta.mtime(), nanos(meta.mtime_nsec())),
            ctime: (meta.ctime(), nanos(meta.ctime_nsec())),
        }
    }

    /// Whether `meta` is what the file (or directory) looked like when stamped: its type is
    /// part of its mode.
    fn looks_as(&self, meta: &fs::Metadata) -> bool {
        *self == Stamp::of(meta, self.hash)
    }
}

fn nanos(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The stamps a compile found in OUT, by path.
#[derive(Default)]
pub struct Stamps {
    bytes: Vec<u8>,
    /// Each entry's start in `bytes` and its path's range, by path.
    entries: Vec<(usize, std::ops::Range<usize>)>,
    /// The stamps file's modification time: a file changed then or later may have changed
    /// again within the same tick.
    at: (i64, u32),
}

impl Stamps {
    /// The stamps in `out` (none when there are none, or when they cannot be read as paasc
    /// wrote them). `.paasc` must have been found to be a directory, not a link.
    pub fn load(out: &Path) -> Stamps {
        let path = out.join(STAMPS);
        let Ok(file) = crate::open_read(&path, true) else {
            return Stamps::default();
        };
        let Ok(meta) = file.metadata() else {
            return Stamps::default();
        };
        if !meta.is_file() {
            return Stamps::default();
        }
        let Ok(bytes) = crate::read_sized(file, meta.len(), LIMIT) else {
            return Stamps::default();
        };
        let at = (meta.mtime(), nanos(meta.mtime_nsec()));
        Stamps::parse(bytes, at).unwrap_or_default()
    }

    fn parse(bytes: Vec<u8>, at: (i64, u32)) -> Option<Stamps> {
        let mut entries = Vec::new();
        if !bytes.starts_with(MAGIC) {
            return None;
        }
        let mut i = MAGIC.len();
        let mut previous: &[u8] = &[];
        while i < bytes.len() {
            let fixed = bytes.get(i..i + FIXED)?;
            let len = u32::from_le_bytes(fixed[FIXED - 4..].try_into().ok()?) as usize;
            let path = i + FIXED..(i + FIXED).checked_add(len)?;
            let rel = bytes.get(path.clone())?;
            std::str::from_utf8(rel).ok()?;
            if !entries.is_empty() && rel <= previous {
                return None;
            }
            previous = rel;
            entries.push((i, path.clone()));
            i = path.end;
        }
        Some(Stamps { bytes, entries, at })
    }

    fn stamp(&self, start: usize) -> Stamp {
        let b = &self.bytes[start..start + FIXED];
        let u64_at = |o: usize| u64::from_le_bytes(b[o..o + 8].try_into().unwrap_or_default());
        let u32_at = |o: usize| u32::from_le_bytes(b[o..o + 4].try_into().unwrap_or_default());
        Stamp {
            hash: u128::from_le_bytes(b[..16].try_into().unwrap_or_default()),
            dev: u64_at(16),
            ino: u64_at(24),
            size: u64_at(32),
            mtime: (u64_at(40) as i64, u32_at(56)),
            ctime: (u64_at(48) as i64, u32_at(60)),
            mode: u32_at(64),
        }
    }

    /// The stamp kept for `rel`.
    pub fn get(&self, rel: &str) -> Option<Stamp> {
        let i = self
            .entries
            .binary_search_by(|(_, p)| self.bytes[p.clone()].cmp(rel.as_bytes()))
            .ok()?;
        Some(self.stamp(self.entries[i].0))
    }

    /// Whether `stamp` was taken long enough before the stamps were written that a later
    /// change of its file would show in its change time.
    fn trusted(&self, stamp: &Stamp) -> bool {
        stamp.ctime < self.at
    }

    /// The stamp of the file at `rel`, when by it the file is current with `text` (and, for a
    /// `secret` one, mode 0600): `meta` is what `lstat` gives for it now.
    pub fn current(
        &self,
        rel: &str,
        meta: &fs::Metadata,
        text: &str,
        secret: bool,
    ) -> Option<Stamp> {
        let stamp = self.get(rel)?;
        (self.trusted(&stamp)
            && stamp.looks_as(meta)
            && crate::mode_fits(stamp.mode, secret)
            && stamp.hash == hash(text))
        .then_some(stamp)
    }

    /// The stamp of the directory `key` (`DIR/`), when by it the directory holds the entries
    /// whose [`listing_hash`] is `shape`: `meta` is what `lstat` gives for it now.
    pub fn same(&self, key: &str, meta: &fs::Metadata, shape: u128) -> Option<Stamp> {
        let stamp = self.get(key)?;
        (self.trusted(&stamp) && meta.is_dir() && stamp.looks_as(meta) && stamp.hash == shape)
            .then_some(stamp)
    }

    /// Whether these stamps are `now` (by path, sorted): the same entries, none of them one
    /// that is not trusted yet. Otherwise they are to be written again.
    pub fn are<S: AsRef<str>>(&self, now: &[(S, Stamp)]) -> bool {
        now.len() == self.entries.len()
            && now
                .iter()
                .zip(&self.entries)
                .all(|((rel, stamp), (start, path))| {
                    self.bytes[path.clone()] == *rel.as_ref().as_bytes()
                        && self.stamp(*start) == *stamp
                        && self.trusted(stamp)
                })
    }
}

/// Writes `stamps` (sorted by path) to `out`'s stamps file, replacing it; on failure, leaves
/// none.
pub fn save<S: AsRef<str>>(out: &Path, stamps: &[(S, Stamp)]) -> io::Result<()> {
    let mut bytes = Vec::with_capacity(MAGIC.len() + stamps.len() * (FIXED + 48));
    bytes.extend_from_slice(MAGIC);
    for (rel, s) in stamps {
        let rel = rel.as_ref();
        let Ok(len) = u32::try_from(rel.len()) else {
            continue;
        };
        bytes.extend_from_slice(&s.hash.to_le_bytes());
        for n in [s.dev, s.ino, s.size, s.mtime.0 as u64, s.ctime.0 as u64] {
            bytes.extend_from_slice(&n.to_le_bytes());
        }
        for n in [s.mtime.1, s.ctime.1, s.mode, len] {
            bytes.extend_from_slice(&n.to_le_bytes());
        }
        bytes.extend_from_slice(rel.as_bytes());
    }
    let path = out.join(STAMPS);
    // Created anew, so that nothing is written through a link (or into another name of the
    // file) left at its name.
    match fs::remove_file(&path) {
        Err(e) if e.kind() != ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let written = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(crate::SECRET_MODE)
        .open(&path)
        .and_then(|mut f| f.write_all(&bytes));
    if written.is_err() {
        let _ = fs::remove_file(&path);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(hash: u128, ctime: (i64, u32)) -> Stamp {
        Stamp {
            hash,
            dev: 1,
            ino: 2,
            size: 3,
            mode: 0o100600,
            mtime: (ctime.0 - 1, 5),
            ctime,
        }
    }

    /// What is written is read back, into a file only its owner reads; anything else is no
    /// stamps at all.
    #[test]
    fn stamps_are_read_as_written_and_nothing_else_is_read() {
        let dir = std::env::temp_dir().join(format!("paasc-stamps-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join(".paasc")).expect("dir");
        let now = [
            ("a b/c", stamp(7, (100, 1))),
            ("a b/d", stamp(u128::MAX, (-3, 999_999_999))),
            ("z", stamp(0, (i64::MAX, 0))),
        ];
        // A link left at the stamps' name is replaced, not written through.
        let elsewhere = dir.join("elsewhere");
        fs::write(&elsewhere, "mine\n").expect("elsewhere");
        std::os::unix::fs::symlink(&elsewhere, dir.join(STAMPS)).expect("link");
        save(&dir, &now).expect("saved");
        assert_eq!(fs::read_to_string(&elsewhere).expect("read"), "mine\n");
        let mode = fs::metadata(dir.join(STAMPS)).expect("stamps").mode();
        assert_eq!(mode & 0o077, 0, "stamps readable by others: {mode:o}");
        let read = Stamps::load(&dir);
        assert_eq!(read.get("a b/c"), Some(now[0].1));
        assert_eq!(read.get("a b/d"), Some(now[1].1));
        assert_eq!(read.get("z"), Some(now[2].1));
        assert_eq!(read.get("a"), None);
        assert_eq!(
            fs::read_dir(dir.join(".paasc")).expect("list").count(),
            1,
            "a file beside the stamps"
        );
        let bytes = fs::read(dir.join(STAMPS)).expect("bytes");
        // Truncated anywhere, or out of order, or of another version: no stamps.
        for cut in [0, 5, MAGIC.len() + 3, bytes.len() - 1] {
            let parsed = Stamps::parse(bytes[..cut].to_vec(), (0, 0));
            assert!(parsed.is_none_or(|s| s.entries.is_empty()), "cut at {cut}");
        }
        let mut reordered = Vec::from(MAGIC.as_slice());
        let first = MAGIC.len();
        let second = first + FIXED + "a b/c".len();
        reordered.extend_from_slice(&bytes[second..second + FIXED + "a b/d".len()]);
        reordered.extend_from_slice(&bytes[first..second]);
        assert!(Stamps::parse(reordered, (0, 0)).is_none());
        let mut other = bytes.clone();
        other[13] = b'2';
        assert!(Stamps::parse(other, (0, 0)).is_none());
        let _ = fs::remove_dir_all(&dir);
    }

    /// A stamp taken in the tick the stamps were written in (or later) is not trusted, and
    /// stamps holding one are written again.
    #[test]
    fn a_stamp_as_recent_as_the_stamps_file_is_not_trusted() {
        let kept = [("f", stamp(1, (10, 500)))];
        let dir = std::env::temp_dir().join(format!("paasc-stamps-racy-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join(".paasc")).expect("dir");
        save(&dir, &kept).expect("saved");
        let bytes = fs::read(dir.join(STAMPS)).expect("bytes");
        let _ = fs::remove_dir_all(&dir);
        for (at, trusted) in [
            ((10, 501), true),
            ((11, 0), true),
            ((10, 500), false),
            ((9, 0), false),
        ] {
            let s = Stamps::parse(bytes.clone(), at).expect("parses");
            assert_eq!(s.trusted(&kept[0].1), trusted, "{at:?}");
            assert_eq!(s.are(&kept), trusted, "{at:?}");
            assert!(!s.are::<&str>(&[]));
            assert!(!s.are(&[("f", stamp(2, (10, 500)))]));
            assert!(!s.are(&[("g", kept[0].1)]));
        }
    }
}
