//! `build-snaps` as toolchain images: snaps cannot run in a container, so each known snap is
//! an image whose `/usr/local` holds the same toolchain, pinned to the snap's track, copied
//! into the part's build stage. The image is a build argument, so a build can point it at a
//! mirror or at a locally built image (`--build-arg NODE_20_IMAGE=...`).
//!
//! This table is the one place that knows them; the README lists it.

/// A snap the Dockerfile knows how to replace.
#[derive(Debug, PartialEq, Eq)]
pub struct Toolchain {
    /// The snap's name (`node`).
    pub snap: &'static str,
    /// The image for a track: `{track}` is replaced by the track (`20`).
    pub image: &'static str,
    /// The image when the snap is given without a track, or with `latest`.
    pub latest: &'static str,
    /// What the image holds under `/usr/local` and how it is reached.
    pub note: &'static str,
}

/// Every snap the Dockerfile replaces, by name.
pub const TOOLCHAINS: &[Toolchain] = &[
    Toolchain {
        snap: "go",
        image: "golang:{track}",
        latest: "golang:1",
        note: "the Go toolchain in /usr/local/go (its bin/ is on PATH)",
    },
    Toolchain {
        snap: "node",
        image: "node:{track}",
        latest: "node:lts",
        note: "node, npm and npx in /usr/local/bin",
    },
];

/// A `build-snaps` entry resolved: the toolchain, its track, the build argument naming its
/// image and that image's default. `None` for a snap the table does not know.
pub fn resolve(entry: &str) -> Option<(&'static Toolchain, Resolved)> {
    let mut words = entry.split('/');
    let name = words.next().unwrap_or_default();
    let track = words.next().filter(|t| !t.is_empty() && *t != "latest");
    let chain = TOOLCHAINS.iter().find(|t| t.snap == name)?;
    let track_ok = track.is_none_or(|t| {
        t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    });
    if !track_ok {
        return None;
    }
    let upper = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_uppercase()
                } else {
                    '_'
                }
            })
            .collect()
    };
    let (arg, image) = match track {
        Some(t) => (
            format!("{}_{}_IMAGE", upper(name), upper(t)),
            chain.image.replace("{track}", t),
        ),
        None => (format!("{}_IMAGE", upper(name)), chain.latest.to_string()),
    };
    let stage = arg.to_ascii_lowercase().replace('_', "-");
    Some((
        chain,
        Resolved {
            snap: chain.snap,
            arg,
            image,
            stage,
        },
    ))
}

/// A toolchain as the Dockerfile names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// The snap's name.
    pub snap: &'static str,
    /// The build argument (`NODE_20_IMAGE`).
    pub arg: String,
    /// Its default (`node:20`).
    pub image: String,
    /// The stage that names the image (`node-20-image`).
    pub stage: String,
}

/// The names of the known snaps, for help lines.
pub fn names() -> String {
    TOOLCHAINS
        .iter()
        .map(|t| format!("`{}`", t.snap))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracks_pick_the_image() {
        let (_, r) = resolve("node/20/stable").unwrap();
        assert_eq!(
            (r.arg.as_str(), r.image.as_str(), r.stage.as_str()),
            ("NODE_20_IMAGE", "node:20", "node-20-image")
        );
        let (_, r) = resolve("go").unwrap();
        assert_eq!((r.arg.as_str(), r.image.as_str()), ("GO_IMAGE", "golang:1"));
        let (_, r) = resolve("go/1.22/stable").unwrap();
        assert_eq!(r.image, "golang:1.22");
        assert_eq!(resolve("go/latest/edge").unwrap().1.image, "golang:1");
        assert!(resolve("rustup").is_none());
        assert!(resolve("node/2$0").is_none());
    }
}
