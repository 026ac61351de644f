//! `package-repositories`: third-party apt repositories with their keys, as craft-archives adds
//! them for rockcraft (which gives it no key assets, so keys come from the key server by their
//! fingerprint). One stage fetches the keys and writes deb822 sources; every stage that runs apt
//! copies them in first, and the image drops them after its install, as the rock has only the
//! base's apt configuration.

use super::lex;
use super::plan::Problems;
use crate::shown;
use paasc_syntax::Yaml;

/// One apt repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    /// The key's fingerprint (40 hexadecimal digits, upper case).
    pub key_id: String,
    /// The key server (`keyserver.ubuntu.com`).
    pub key_server: String,
    /// The deb822 source, one line per field.
    pub source: Vec<String>,
}

/// The stage that holds the keys and sources.
pub const STAGE: &str = "apt-repositories";

/// Keys of an apt repository entry the Dockerfile translates.
const KEYS: &[&str] = &[
    "type",
    "url",
    "key-id",
    "key-server",
    "suites",
    "components",
    "formats",
    "architectures",
    "path",
];

fn word_ok(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '.' | '_' | '-' | '+' | '/' | ':' | '~' | '@' | '%' | '=')
        })
}

/// The rock's repositories, or a D002 per entry naming what cannot be translated.
pub fn read(rock: &Yaml, p: &mut Problems<'_>) -> Vec<Repo> {
    let mut out = Vec::new();
    let entries = rock
        .get("package-repositories")
        .and_then(Yaml::as_seq)
        .map(|s| s.to_vec())
        .unwrap_or_default();
    for (i, entry) in entries.iter().enumerate() {
        let field = |k: &str| entry.get(k).and_then(Yaml::as_str).map(str::to_string);
        let list = |k: &str| -> Vec<String> {
            entry
                .get(k)
                .and_then(Yaml::as_seq)
                .map(|s| {
                    s.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut bad: Vec<String> = entry
            .as_map()
            .map(|m| {
                m.iter()
                    .filter_map(|(k, _)| k.as_str())
                    .filter(|k| !KEYS.contains(k))
                    .map(|k| format!("`{}`", shown(k)))
                    .collect()
            })
            .unwrap_or_default();
        if field("type").as_deref() != Some("apt") {
            bad.push("`type` other than `apt`".into());
        }
        let key_id = field("key-id").unwrap_or_default().to_ascii_uppercase();
        if key_id.len() != 40 || !key_id.chars().all(|c| c.is_ascii_hexdigit()) {
            bad.push("`key-id` (40 hexadecimal digits)".into());
        }
        let url = field("url").unwrap_or_default();
        let key_server = field("key-server").unwrap_or_else(|| "keyserver.ubuntu.com".into());
        let (suites, components, path) = (list("suites"), list("components"), field("path"));
        let formats = {
            let f = list("formats");
            if f.is_empty() {
                vec!["deb".to_string()]
            } else {
                f
            }
        };
        let architectures = list("architectures");
        let words: Vec<&String> = std::iter::once(&url)
            .chain([&key_server])
            .chain(&suites)
            .chain(&components)
            .chain(&formats)
            .chain(&architectures)
            .chain(path.iter())
            .collect();
        if words.iter().any(|w| !word_ok(w)) {
            bad.push("a value with a space, a quote or a control character".into());
        }
        if path.is_none() && (suites.is_empty() || components.is_empty()) {
            bad.push("`suites` and `components` (or `path`)".into());
        }
        if !bad.is_empty() {
            p.push(
                super::UNSUPPORTED,
                format!(
                    "rockcraft.yaml: the Dockerfile cannot translate {} of `package-repositories` entry {} (`{}`)",
                    bad.join(", "),
                    i + 1,
                    shown(&url)
                ),
                "give an apt repository with `url`, `key-id`, `suites` and `components` (or `path`); PPAs and `priority` are not translated",
            );
            continue;
        }
        let short = &key_id[32..];
        let mut source = vec![
            format!("Types: {}", formats.join(" ")),
            format!("URIs: {url}"),
        ];
        match &path {
            Some(path) => source.push(format!("Suites: {path}")),
            None => {
                source.push(format!("Suites: {}", suites.join(" ")));
                source.push(format!("Components: {}", components.join(" ")));
            }
        }
        if !architectures.is_empty() {
            source.push(format!("Architectures: {}", architectures.join(" ")));
        }
        source.push(format!("Signed-By: /etc/apt/keyrings/craft-{short}.gpg"));
        out.push(Repo {
            key_id,
            key_server,
            source,
        });
    }
    out
}

/// The commands of the stage that fetches the keys and writes the sources.
pub fn stage_commands(repos: &[Repo]) -> Vec<String> {
    let mut cmds = vec![
        "mkdir -p /etc/apt/keyrings /tmp/gnupg".to_string(),
        "chmod 700 /tmp/gnupg".to_string(),
    ];
    for (n, r) in repos.iter().enumerate() {
        let short = &r.key_id[32..];
        cmds.push(format!(
            "gpg --batch --homedir /tmp/gnupg --keyserver {} --recv-keys {}",
            lex::sh(&format!("hkp://{}:80", r.key_server)),
            r.key_id
        ));
        cmds.push(format!(
            "gpg --batch --homedir /tmp/gnupg --export {} > /etc/apt/keyrings/craft-{short}.gpg",
            r.key_id
        ));
        let lines: Vec<String> = r.source.iter().map(|l| lex::sh(l)).collect();
        cmds.push(format!(
            "printf '%s\\n' {} > /etc/apt/sources.list.d/craft-{}-{short}.sources",
            lines.join(" "),
            n + 1
        ));
    }
    cmds.push("rm -rf /tmp/gnupg".into());
    cmds
}
