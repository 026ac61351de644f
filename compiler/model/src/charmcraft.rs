//! The typed model of `charmcraft.yaml` (charmcraft 4.5.0 `PlatformCharm` / `BasesCharm`), before
//! extension expansion.

use crate::lower::StrictString;
use crate::lower::{Cx, Lower, Platform, Raw, Spanned, SpannedMap};
use crate::{check_max_len, check_name, check_title, forbid, string_enum};
use paasc_diag::{Code, Diagnostic};
use paasc_syntax::{NodeId, Value};

string_enum! {
    /// `type` values (`bundle` is recognised only to be refused with its own message).
    pub enum CharmType { Charm = "charm", Bundle = "bundle" }
}

string_enum! {
    /// `base` values charmcraft 4.5.0 accepts.
    pub enum CharmBase {
        Bionic = "ubuntu@18.04", Focal = "ubuntu@20.04", Jammy = "ubuntu@22.04", Noble = "ubuntu@24.04",
        Plucky = "ubuntu@25.04", Questing = "ubuntu@25.10", Resolute = "ubuntu@26.04", U2610 = "ubuntu@26.10",
        Alma9 = "almalinux@9",
    }
}

string_enum! {
    /// `build-base` values charmcraft 4.5.0 accepts.
    pub enum CharmBuildBase {
        Bionic = "ubuntu@18.04", Focal = "ubuntu@20.04", Jammy = "ubuntu@22.04", Noble = "ubuntu@24.04",
        Plucky = "ubuntu@25.04", Questing = "ubuntu@25.10", Resolute = "ubuntu@26.04", U2610 = "ubuntu@26.10",
        Alma9 = "almalinux@9", Devel = "ubuntu@devel",
    }
}

string_enum! {
    /// `charm-user` values.
    pub enum CharmUser { Root = "root", Sudoer = "sudoer", NonRoot = "non-root" }
}

string_enum! {
    /// Config option types Juju knows.
    pub enum OptionType help "charmcraft copies config options into config.yaml unchecked, but Juju refuses to deploy a charm with an unknown option type" { String = "string", Int = "int", Float = "float", Boolean = "boolean", Secret = "secret" }
}

string_enum! {
    /// Relation scope.
    pub enum Scope { Global = "global", Container = "container" }
}

/// A base in the legacy `bases` form.
#[derive(Clone, Debug, PartialEq)]
pub struct LegacyBase {
    /// `name`, e.g. `ubuntu`.
    pub name: Option<Spanned<StrictString>>,
    /// `channel`, e.g. `22.04` (strict: an unquoted `22.04` is a float and fails).
    pub channel: Option<Spanned<StrictString>>,
    /// `architectures`.
    pub architectures: Option<Vec<Spanned<StrictString>>>,
}

impl Lower for LegacyBase {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        let mut m = cx.map(id, path)?;
        let b = LegacyBase {
            name: m.req(cx, "name"),
            channel: m.req(cx, "channel"),
            architectures: m.opt(cx, "architectures"),
        };
        m.finish(cx);
        Some(b)
    }
}

/// One entry of the legacy `bases` list: short form, or `build-on`/`run-on`.
#[derive(Clone, Debug, PartialEq)]
pub struct LegacyBasesEntry {
    /// Bases to build on.
    pub build_on: Vec<LegacyBase>,
    /// Bases to run on.
    pub run_on: Vec<LegacyBase>,
}

impl Lower for LegacyBasesEntry {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        let m = cx.map(id, path)?;
        if m.peek("build-on").is_some() || m.peek("run-on").is_some() {
            let mut m = m;
            let build_on: Option<Spanned<Vec<LegacyBase>>> = m.req(cx, "build-on");
            let run_on: Option<Vec<LegacyBase>> = m.opt(cx, "run-on");
            m.finish(cx);
            let build_on = build_on?.value;
            let run_on = run_on.unwrap_or_else(|| build_on.clone());
            return Some(LegacyBasesEntry { build_on, run_on });
        }
        let b = LegacyBase::lower(cx, id, path)?;
        Some(LegacyBasesEntry {
            build_on: vec![b.clone()],
            run_on: vec![b],
        })
    }
}

/// A `charm-libs` entry.
#[derive(Clone, Debug, PartialEq)]
pub struct CharmLib {
    /// `<charm>.<library>`.
    pub lib: Option<Spanned<String>>,
    /// `N` or `N.M`, a strict string.
    pub version: Option<Spanned<StrictString>>,
}

impl Lower for CharmLib {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        let mut m = cx.map(id, path)?;
        let lib_is_text = m
            .peek("lib")
            .is_some_and(|e| matches!(cx.tree.value(e.value), Some(Value::Str(_))));
        let l = CharmLib {
            lib: m.req(cx, "lib"),
            version: m.req(cx, "version"),
        };
        m.finish(cx);
        if let Some(lib) = &l.lib {
            if let Some((message, help)) = lib_problem(&lib.value, lib_is_text) {
                cx.push(
                    Diagnostic::new(Code::INVALID_VALUE, cx.file, lib.span, message)
                        .label("not `<charm>.<library>`")
                        .help(help),
                );
            }
        }
        if let Some(version) = &l.version {
            if let Some(message) = lib_version_problem(&version.value.0) {
                cx.push(
                    Diagnostic::new(Code::INVALID_VALUE, cx.file, version.span, message)
                        .label("not `N` or `N.M`")
                        .help("give the library's API version as a quoted string, `'0'`, or an API and patch version, `'0.14'`"),
                );
            }
        }
        Some(l)
    }
}

/// charmcraft 4.5.0's `CharmLib.lib` validation: its `_validate_name`, then the field pattern
/// (a search, not a full match). `text` says whether YAML gave a string (for Python's `repr`).
fn lib_problem(value: &str, text: bool) -> Option<(String, String)> {
    let repr = if text {
        py_repr(value)
    } else {
        value.to_string()
    };
    let (charm, lib) = value.split_once('.').unwrap_or((value, ""));
    let shape = "write `<charm>.<library>`, such as `data_platform_libs.data_interfaces`";
    if charm.is_empty() || lib.is_empty() {
        return Some((
            format!("Library name invalid. Expected '[charm_name].[lib_name]', got {repr}"),
            shape.to_string(),
        ));
    }
    let charm = charm.replace('_', "-");
    let only = |s: &str, extra: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || extra.contains(c))
    };
    if !only(&charm, "_-") {
        return Some((
            format!(
                "Invalid charm name for lib {repr}. Value {} is invalid.",
                py_repr(&charm)
            ),
            "charm names use lowercase letters, digits and hyphens".to_string(),
        ));
    }
    if !only(lib, "_") {
        return Some((
            format!(
                "Library name {} is invalid. Library names must be valid Python module names.",
                py_repr(lib)
            ),
            "library names use lowercase letters, digits and underscores, and have no dots"
                .to_string(),
        ));
    }
    let normalized = format!("{charm}.{lib}");
    if !has_lib_pattern(&normalized) {
        return Some((
            r"String should match pattern '[a-z][a-z0-9_-]+\.[a-z][a-z0-9_]+'".to_string(),
            "both the charm and the library name start with a letter and have at least two characters".to_string(),
        ));
    }
    None
}

/// Whether `s` contains a match of charmcraft's field pattern `[a-z][a-z0-9_-]+\.[a-z][a-z0-9_]+`
/// (a search, not a full match): a dot with a letter and one or more of `[a-z0-9_-]` before it
/// and a letter and one of `[a-z0-9_]` after it.
fn has_lib_pattern(s: &str) -> bool {
    let b = s.as_bytes();
    let before = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_' || *c == b'-';
    (0..b.len()).filter(|&dot| b[dot] == b'.').any(|dot| {
        let after = matches!(&b[dot + 1..], [b'a'..=b'z', c, ..] if c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_');
        let run = b[..dot].iter().rev().take_while(|c| before(c)).count();
        after && run >= 2 && b[dot - run..dot - 1].iter().any(u8::is_ascii_lowercase)
    })
}

/// charmcraft 4.5.0's `CharmLib.version` validation: the patch part, then the API part must be
/// Python integers, then the field pattern `[0-9]+(\.[0-9]+)?` must be found in it.
fn lib_version_problem(value: &str) -> Option<String> {
    let (api, patch) = match value.split_once('.') {
        Some((api, patch)) => (api, Some(patch)),
        None => (value, None),
    };
    if let Some(patch) = patch.filter(|p| !python_int(p)) {
        return Some(format!(
            "Patch version not valid. Expected an integer, got {}",
            py_repr(patch)
        ));
    }
    if !python_int(api) {
        return Some(format!(
            "API version not valid. Expected an integer, got {}",
            py_repr(api)
        ));
    }
    if !value.chars().any(|c| c.is_ascii_digit()) {
        return Some(r"String should match pattern '[0-9]+(\.[0-9]+)?'".to_string());
    }
    None
}

/// Whether Python's `int()` reads `s`: surrounding whitespace, a sign, and decimal digits with
/// single underscores between them. (Non-ASCII decimal digits, which Python also reads, are
/// refused here.)
fn python_int(s: &str) -> bool {
    let s = s.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c));
    let s = s.strip_prefix(['+', '-']).unwrap_or(s);
    !s.is_empty()
        && !s.starts_with('_')
        && !s.ends_with('_')
        && !s.contains("__")
        && s.chars().all(|c| c.is_ascii_digit() || c == '_')
}

pub(crate) use paasc_syntax::python_str_repr as py_repr;

/// A relation endpoint in `requires`, `provides` or `peers`.
#[derive(Clone, Debug, PartialEq)]
pub struct Relation {
    /// `interface`.
    pub interface: Option<Spanned<String>>,
    /// `limit`.
    pub limit: Option<Spanned<i64>>,
    /// `optional`.
    pub optional: Option<Spanned<bool>>,
    /// `scope`.
    pub scope: Option<Spanned<Scope>>,
    /// The endpoint's mapping.
    pub node: NodeId,
}

impl Lower for Relation {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        let mut m = cx.map(id, path)?;
        let r = Relation {
            interface: m.req(cx, "interface"),
            limit: m.opt_spanned(cx, "limit"),
            optional: m.opt_spanned(cx, "optional"),
            scope: m.opt_spanned(cx, "scope"),
            node: id,
        };
        let _ = m.rest();
        m.finish(cx);
        Some(r)
    }
}

/// A config option. charmcraft leaves option mappings untyped, so keys it does not know (such as
/// `source`) pass through; the ones Juju reads are typed here.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigOption {
    /// `type`.
    pub type_: Option<Spanned<OptionType>>,
    /// `description`.
    pub description: Option<Spanned<String>>,
    /// `default`, kept as a node.
    pub default: Option<NodeId>,
    /// `optional`.
    pub optional: Option<Spanned<bool>>,
}

impl Lower for ConfigOption {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        let mut m = cx.map(id, path)?;
        let o = ConfigOption {
            type_: m.req(cx, "type"),
            description: m.opt_spanned(cx, "description"),
            default: m.entry("default").map(|e| e.value),
            optional: m.opt_spanned(cx, "optional"),
        };
        let _ = m.rest();
        m.finish(cx);
        if let (Some(t), Some(d)) = (&o.type_, o.default) {
            check_default(cx, path, t.value, d);
        }
        Some(o)
    }
}

fn check_default(cx: &mut Cx, path: &str, t: OptionType, d: NodeId) {
    let Some(v) = cx.tree.value(d) else {
        cx.wrong_type(
            d,
            &format!("{path}.default"),
            &format!("a {} value", t.as_str()),
        );
        return;
    };
    let ok = match (t, &v) {
        (_, Value::Null) => true,
        (OptionType::String, Value::Str(_)) => true,
        (OptionType::Int, Value::Int(_) | Value::BigInt(_)) => true,
        (OptionType::Float, Value::Int(_) | Value::Float(_)) => true,
        (OptionType::Boolean, Value::Bool(_)) => true,
        (OptionType::Secret, Value::Str(s)) => {
            let valid = s.strip_prefix("secret:").is_some_and(|id| {
                id.len() == 20
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            });
            if !valid {
                cx.push(
                    Diagnostic::new(Code::SECRET_OPTION_DEFAULT, cx.file, cx.tree.span(d), format!("`{path}.default` is not a Juju secret URI: charmcraft packs the charm, but Juju refuses to deploy it"))
                        .label("expected `secret:` followed by 20 lowercase letters or digits")
                        .help("remove the default; after deploying, `juju add-secret` the value and `juju config` the option to the secret id it prints"),
                );
            }
            return;
        }
        _ => false,
    };
    if !ok {
        let expected = match t {
            OptionType::String | OptionType::Secret => "a string",
            OptionType::Int => "an integer",
            OptionType::Float => "a number",
            OptionType::Boolean => "a boolean",
        };
        let before = cx.diags.len();
        cx.wrong_type(
            d,
            &format!("{path}.default"),
            &format!("{expected} (the option's type is `{}`)", t.as_str()),
        );
        for diag in &mut cx.diags[before..] {
            let h = diag.help.take().unwrap_or_default();
            diag.help = Some(format!("{h}; charmcraft does not check option defaults, but Juju rejects a default that does not match the option's type"));
        }
    }
}

/// `config`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Config {
    /// `options`.
    pub options: SpannedMap<ConfigOption>,
}

impl Lower for Config {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        let mut m = cx.map(id, path)?;
        let c = Config {
            options: m.opt(cx, "options").unwrap_or_default(),
        };
        m.finish(cx);
        Some(c)
    }
}

/// `links`.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Links;

impl Lower for Links {
    fn lower(cx: &mut Cx, id: NodeId, path: &str) -> Option<Self> {
        let mut m = cx.map(id, path)?;
        // charmcraft's `Links` model: (field, holds URLs, may be a list).
        for (key, url, list) in [
            ("contact", false, true),
            ("documentation", true, false),
            ("issues", true, true),
            ("source", true, true),
            ("website", true, true),
        ] {
            if let Some(e) = m.entry(key) {
                let path = if path.is_empty() {
                    key.to_string()
                } else {
                    format!("{path}.{key}")
                };
                check_link(cx, e.value, &path, url, list);
            }
        }
        m.finish(cx);
        Some(Links)
    }
}

/// A `links` field as pydantic validates it: null, a string (an http or https URL in the URL
/// fields), or, but for `documentation`, a list of them.
fn check_link(cx: &mut Cx, id: NodeId, path: &str, url: bool, list: bool) {
    let one = if url {
        "an http or https URL"
    } else {
        "a string"
    };
    let expected = if list {
        format!("{one}, or a list of them")
    } else {
        one.to_string()
    };
    if let Some(items) = cx.tree.as_seq(id).filter(|_| list) {
        for (i, &item) in items.to_vec().iter().enumerate() {
            match cx.tree.value(item) {
                Some(Value::Str(s)) if url => check_url(cx, item, &format!("{path}[{i}]"), s),
                Some(Value::Str(_)) => {}
                _ => cx.wrong_type(item, &format!("{path}[{i}]"), one),
            }
        }
        return;
    }
    match cx.tree.value(id) {
        Some(Value::Null) => {}
        Some(Value::Str(s)) if url => check_url(cx, id, path, s),
        Some(Value::Str(_)) => {}
        _ => cx.wrong_type(id, path, &expected),
    }
}

/// S004 unless pydantic's `AnyHttpUrl` accepts `url`.
fn check_url(cx: &mut Cx, id: NodeId, path: &str, url: &str) {
    if paasc_syntax::anyurl::any_http_url(url).is_some() {
        return;
    }
    let (problem, help) = if paasc_syntax::anyurl::any_url(url).is_some() {
        (
            "URL scheme should be 'http' or 'https'",
            "links take http and https URLs only; link to a web page instead",
        )
    } else {
        (
            "Input should be a valid URL",
            "write the whole URL, scheme and host included, e.g. `https://example.com/docs`",
        )
    };
    cx.push(
        Diagnostic::new(
            Code::INVALID_VALUE,
            cx.file,
            cx.tree.span(id),
            format!("`{path}` is not an http or https URL: {problem}"),
        )
        .label("charmcraft refuses this link")
        .help(help),
    );
}

/// `charmcraft.yaml` as written.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Charmcraft {
    /// `name`.
    pub name: Option<Spanned<String>>,
    /// `type`.
    pub type_: Option<Spanned<CharmType>>,
    /// `summary`.
    pub summary: Option<Spanned<String>>,
    /// `description`.
    pub description: Option<Spanned<String>>,
    /// `base`.
    pub base: Option<Spanned<CharmBase>>,
    /// `build-base`.
    pub build_base: Option<Spanned<CharmBuildBase>>,
    /// `platforms`; a null entry is the shorthand `amd64:`.
    pub platforms: Option<SpannedMap<Option<Platform>>>,
    /// Legacy `bases`.
    pub bases: Option<Vec<LegacyBasesEntry>>,
    /// `parts`, kept as nodes; [`crate::parts::check`] validates them as craft-parts does.
    pub parts: Option<SpannedMap<Raw>>,
    /// `charm-libs`.
    pub charm_libs: Option<Vec<CharmLib>>,
    /// `actions`.
    pub actions: Option<SpannedMap<Raw>>,
    /// `assumes`.
    pub assumes: Option<Raw>,
    /// `containers`.
    pub containers: Option<SpannedMap<Raw>>,
    /// `resources`.
    pub resources: Option<SpannedMap<Raw>>,
    /// `peers`.
    pub peers: Option<SpannedMap<Relation>>,
    /// `provides`.
    pub provides: Option<SpannedMap<Relation>>,
    /// `requires`.
    pub requires: Option<SpannedMap<Relation>>,
    /// `config`.
    pub config: Option<Config>,
    /// `extensions`.
    pub extensions: Option<Vec<Spanned<String>>>,
    /// The root mapping.
    pub root: Option<NodeId>,
}

/// Lowers a whole `charmcraft.yaml`.
pub fn lower(cx: &mut Cx) -> Option<Charmcraft> {
    let root = cx.tree.root()?;
    let mut m = cx.map(root, "")?;
    let mut c = Charmcraft {
        name: m.req(cx, "name"),
        type_: m.req(cx, "type"),
        summary: m.req(cx, "summary"),
        description: m.req(cx, "description"),
        base: m.opt_spanned(cx, "base"),
        build_base: m.opt_spanned(cx, "build-base"),
        ..Charmcraft::default()
    };
    if let Some(name) = &c.name {
        check_name(cx, name);
    }
    if let Some(summary) = &c.summary {
        check_max_len(cx, summary, "summary", 200);
    }
    if let Some(title) = m.opt_spanned::<String>(cx, "title") {
        check_title(cx, &title, false);
    }
    let _: Option<String> = m.opt(cx, "version");
    match (m.peek("platforms"), m.peek("bases")) {
        (Some(p), Some(b)) => {
            cx.push(
                Diagnostic::new(
                    Code::CONFLICTING_KEYS,
                    cx.file,
                    cx.tree.span(b.key),
                    "`platforms` and the legacy `bases` cannot be used together",
                )
                .label("legacy `bases` here")
                .secondary(cx.file, cx.tree.span(p.key), "`platforms` here")
                .help("keep `base` + `platforms` (charmcraft 3 and later) and remove `bases`"),
            );
            m.allow("platforms");
            m.allow("bases");
        }
        (None, None) => {
            m.allow("platforms");
            m.allow("bases");
            m.missing("platforms");
        }
        _ => {
            c.platforms = m.opt(cx, "platforms");
            c.bases = m.opt(cx, "bases");
        }
    }
    if let Some(platforms) = &c.platforms {
        let top_base = ["base", "build-base"].iter().find_map(|k| {
            let e = m.peek(k)?;
            (!matches!(cx.tree.value(e.value), Some(Value::Null))).then(|| cx.tree.span(e.value))
        });
        crate::platforms::check(cx, platforms, crate::platforms::Tool::Charm { top_base });
    }
    c.parts = m.opt(cx, "parts");
    let _: Option<Vec<Raw>> = m.opt(cx, "package-repositories");
    let _: Option<Raw> = m.opt(cx, "build-slices");
    let _: Option<String> = m.opt(cx, "adopt-info");
    let _: Option<Raw> = m.opt(cx, "analysis");
    let _: Option<Raw> = m.opt(cx, "charmhub");
    c.charm_libs = m.opt(cx, "charm-libs");
    c.actions = m.opt(cx, "actions");
    c.assumes = m.opt(cx, "assumes");
    let _: Option<CharmUser> = m.opt(cx, "charm-user");
    c.containers = m.opt(cx, "containers");
    for key in ["devices", "extra-bindings", "storage"] {
        let _: Option<SpannedMap<Raw>> = m.opt(cx, key);
    }
    c.peers = m.opt(cx, "peers");
    c.provides = m.opt(cx, "provides");
    c.requires = m.opt(cx, "requires");
    c.resources = m.opt(cx, "resources");
    let _: Option<bool> = m.opt(cx, "subordinate");
    let _: Option<Vec<String>> = m.opt(cx, "terms");
    let _: Option<Links> = m.opt(cx, "links");
    c.config = m.opt(cx, "config");
    c.extensions = m.opt(cx, "extensions");
    for (key, instead) in [
        ("license", "links"),
        ("contact", "links.contact"),
        ("issues", "links.issues"),
        ("source-code", "links.source"),
    ] {
        forbid(cx, &mut m, key, || {
            format!(
                "charmcraft.yaml does not take `{key}` at the top level; use `{instead}` instead"
            )
        });
    }
    if let (Some(t), None) = (&c.type_, &c.extensions) {
        if t.value == CharmType::Bundle {
            cx.push(
                Diagnostic::new(
                    Code::INVALID_VALUE,
                    cx.file,
                    t.span,
                    "Support for 'type: bundle' was removed in Charmcraft 4",
                )
                .label("bundles are no longer built")
                .help("write `type: charm`; to build bundles, use Charmcraft 3"),
            );
        }
    }
    crate::parts::check(cx, root, crate::parts::Tool::Charmcraft);
    c.root = Some(root);
    m.finish(cx);
    Some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The messages real charmcraft 4.5.0 gave for these entries (`charmcraft expand-extensions`).
    #[test]
    fn charm_lib_names_as_charmcraft_reads_them() {
        let message = |v: &str| lib_problem(v, true).map(|(m, _)| m);
        assert_eq!(message("data_platform_libs.data_interfaces"), None);
        assert_eq!(message("1ab.cd"), None);
        assert_eq!(
            message("foo").as_deref(),
            Some("Library name invalid. Expected '[charm_name].[lib_name]', got 'foo'")
        );
        assert_eq!(
            message("Foo_x.bar").as_deref(),
            Some("Invalid charm name for lib 'Foo_x.bar'. Value 'Foo-x' is invalid.")
        );
        assert_eq!(
            message("foo.bar.baz").as_deref(),
            Some("Library name 'bar.baz' is invalid. Library names must be valid Python module names.")
        );
        assert_eq!(
            message("it's.x").as_deref(),
            Some(r#"Invalid charm name for lib "it's.x". Value "it's" is invalid."#)
        );
        assert!(message("a.b").is_some_and(|m| m.starts_with("String should match pattern")));
        assert_eq!(
            lib_problem("12", false).map(|(m, _)| m).as_deref(),
            Some("Library name invalid. Expected '[charm_name].[lib_name]', got 12")
        );
    }

    /// Every string of up to six characters over an alphabet that covers each case of the
    /// pattern (and of up to eight over a smaller one) is searched the same by
    /// [`has_lib_pattern`] as by the regex it replaces.
    #[test]
    fn lib_pattern_is_the_charmcraft_pattern() {
        let hits = crate::assert_same_as_pattern(
            has_lib_pattern,
            r"[a-z][a-z0-9_-]+\.[a-z][a-z0-9_]+",
            &[
                (&['a', '0', '_', '-', '.', 'Z', 'é'], 6),
                (&['a', '_', '-', '.'], 8),
            ],
        );
        assert!(hits > 1_000, "{hits}");
    }

    #[test]
    fn charm_lib_versions_as_charmcraft_reads_them() {
        for ok in ["0", "0.14", "-1", " 1 ", "1_0"] {
            assert_eq!(lib_version_problem(ok), None, "{ok:?}");
        }
        let cases = [
            ("a", "API version not valid. Expected an integer, got 'a'"),
            ("", "API version not valid. Expected an integer, got ''"),
            (".1", "API version not valid. Expected an integer, got ''"),
            ("x.1", "API version not valid. Expected an integer, got 'x'"),
            (
                "1.x",
                "Patch version not valid. Expected an integer, got 'x'",
            ),
            (
                "x.y",
                "Patch version not valid. Expected an integer, got 'y'",
            ),
            (
                "1.2.3",
                "Patch version not valid. Expected an integer, got '2.3'",
            ),
            ("1.", "Patch version not valid. Expected an integer, got ''"),
        ];
        for (v, want) in cases {
            assert_eq!(lib_version_problem(v).as_deref(), Some(want), "{v:?}");
        }
    }
}
