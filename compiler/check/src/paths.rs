//! The loader's rules about paths, as pure functions of paths and names: which profile file a
//! `--profile` names, which project a profile belongs to, where a file's directory is, which
//! charm code files are read first. The loader (the binary) applies them to the disk.

use std::path::{Component, Path, PathBuf};

/// The most charm code files the loader reads, and the most bytes it reads from them in all.
pub const CODE_FILES: usize = 64;
/// See [`CODE_FILES`].
pub const CODE_BYTES: u64 = 4 * 1024 * 1024;

/// The charm's code files (`src/...` paths) in the order they are read: `src/charm.py` first,
/// then the shallower first, in path order.
pub fn code_order(paths: &mut [String]) {
    paths.sort_by_key(|p| (p != "src/charm.py", p.matches('/').count(), p.clone()));
}

/// `path` with `.` and `..` resolved by name alone (for links whose target does not exist).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The directory holding the file at `path` (`.` for a bare file name).
pub fn directory_of(path: &str) -> PathBuf {
    Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

/// The profile file `--profile NAME|FILE` names in the project `dir`, and whether it was named:
/// a path when the argument holds a `/` or ends in `.yaml`/`.yml`, `profiles/NAME.yaml`
/// otherwise; without the flag `profiles/default.yaml`, which is used only when it exists.
pub fn profile_file(dir: &Path, arg: Option<&str>) -> (PathBuf, bool) {
    match arg {
        Some(a) if a.contains('/') || a.ends_with(".yaml") || a.ends_with(".yml") => {
            (PathBuf::from(a), true)
        }
        Some(name) => (dir.join("profiles").join(format!("{name}.yaml")), true),
        None => (dir.join("profiles").join("default.yaml"), false),
    }
}

/// The project a profile at `path` belongs to, when it is in a project's `profiles/` (it
/// must then lie in that project); `None` for a profile named by path elsewhere (a secret
/// store's mount, say), which is read where it is.
pub fn profile_root(path: &Path) -> Option<&Path> {
    path.parent()
        .filter(|p| p.file_name().is_some_and(|n| n == "profiles"))
        .and_then(Path::parent)
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names_and_paths() {
        let dir = Path::new("app");
        assert_eq!(
            profile_file(dir, Some("dev")),
            (PathBuf::from("app/profiles/dev.yaml"), true)
        );
        assert_eq!(
            profile_file(dir, Some("x.yml")),
            (PathBuf::from("x.yml"), true)
        );
        assert_eq!(
            profile_file(dir, Some("/run/secrets/p")),
            (PathBuf::from("/run/secrets/p"), true)
        );
        assert_eq!(
            profile_file(dir, None),
            (PathBuf::from("app/profiles/default.yaml"), false)
        );
        assert_eq!(
            profile_root(Path::new("profiles/dev.yaml")),
            Some(Path::new("."))
        );
        assert_eq!(
            profile_root(Path::new("app/profiles/dev.yaml")),
            Some(Path::new("app"))
        );
        assert_eq!(profile_root(Path::new("/run/secrets/dev.yaml")), None);
    }

    #[test]
    fn directories_and_normal_forms() {
        assert_eq!(directory_of("rockcraft.yaml"), PathBuf::from("."));
        assert_eq!(directory_of("a/b/charmcraft.yaml"), PathBuf::from("a/b"));
        assert_eq!(normalize(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
        assert_eq!(normalize(Path::new("/a/../../b")), PathBuf::from("/b"));
    }

    #[test]
    fn charm_py_first_then_shallower() {
        let mut paths: Vec<String> = ["src/z/a.py", "src/b.py", "src/charm.py", "src/a.py"]
            .map(String::from)
            .to_vec();
        code_order(&mut paths);
        assert_eq!(
            paths,
            ["src/charm.py", "src/a.py", "src/b.py", "src/z/a.py"]
        );
    }
}
