//! `parts` as charmcraft 4.5.0 and rockcraft 1.20.0 check them when they load the project.
//!
//! Both tools run two passes over every part. First craft-application's `GrammarAwareProject`
//! checks the grammar-aware keys of the file as written (`on <arch>:` / `to` / `else` clauses in
//! lists and their selectors). Then, after the extensions are applied and the grammar is resolved
//! for the build, craft-parts' `_get_part_spec` (charmcraft: `process_part_config`) needs a
//! registered `plugin`, validates the plugin's properties class on the keys it names or that start
//! with `<plugin>-`, and `PartSpec` on every key that does not start with `<plugin name>-`.
//!
//! The models come from `data/parts.json` (which charmcraft's part processing also reads, through
//! [`plugin_properties`]), which `tools/refresh-parts-data.py` dumps from the tools' own classes;
//! `build.rs` decodes it into a static table at build time. The plugins' own model validators (such as npm's `npm-node-version` rule)
//! are not ported. A key written with grammar clauses is checked by the first pass only, since
//! which clause applies depends on the build.

use crate::lower::{quote_list, Cx};
use paasc_diag::{closest, Code, Diagnostic, Span};
use paasc_syntax::{Entry, NodeId, Value};

/// Which tool reads the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]

pub enum Tool {
    /// charmcraft 4.5.0.
    Charmcraft,
    /// rockcraft 1.20.0.
    Rockcraft,
}

/// A type of the tools' pydantic models, as the generator writes it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Ty {
    Str,
    Int,
    Bool,
    /// craft-parts' `RelativePathStr`.
    RelPath,
    /// craft-parts' `ChiselSliceStr`.
    Slice,
    /// craft-parts' `Permissions` model.
    Permissions,
    Literal(&'static [&'static str]),
    List(&'static Ty),
    /// A list whose entries must be distinct (`UniqueList`).
    UniqueList(&'static Ty),
    Set(&'static Ty),
    /// `dict[str, T]`.
    Dict(&'static Ty),
    /// `SingleEntryDict[str, T]`.
    SingleDict(&'static Ty),
    Union(&'static [Ty]),
    Optional(&'static Ty),
    /// craft-grammar's `Grammar[T]`.
    Grammar(&'static Ty),
}

impl Ty {
    /// The type without its `Optional`.
    fn required(&self) -> &Ty {
        match self {
            Ty::Optional(t) => t,
            t => t,
        }
    }

    /// What a value of this type is, for messages.
    fn describe(&self) -> String {
        match self {
            Ty::Str => "a string".into(),
            Ty::Int => "an integer".into(),
            Ty::Bool => "a boolean".into(),
            Ty::RelPath => "a relative path".into(),
            Ty::Slice => "a Chisel slice (`<package>_<slice>`)".into(),
            Ty::Permissions => "a mapping with `path`, `owner`, `group` or `mode`".into(),
            Ty::Literal(v) => format!("one of {}", quote_list(v)),
            Ty::List(t) | Ty::UniqueList(t) | Ty::Set(t) => match &**t {
                Ty::Str => "a list of strings".into(),
                Ty::RelPath => "a list of relative paths".into(),
                Ty::Slice => "a list of Chisel slices".into(),
                Ty::Permissions => "a list of permission mappings".into(),
                Ty::SingleDict(_) => "a list of one-entry mappings (`NAME: value`)".into(),
                Ty::Dict(_) => "a list of mappings".into(),
                t => format!("a list of {}", t.describe()),
            },
            Ty::Dict(t) => match &**t {
                Ty::Str => "a mapping of strings to strings".into(),
                t => format!("a mapping of strings to {}", t.describe()),
            },
            Ty::SingleDict(_) => "a mapping with exactly one entry".into(),
            Ty::Union(ts) => ts.iter().map(Ty::describe).collect::<Vec<_>>().join(" or "),
            Ty::Optional(t) => t.describe(),
            Ty::Grammar(t) => t.describe(),
        }
    }
}

/// A field of one of the models.
#[derive(Debug, PartialEq)]
struct Field {
    name: &'static str,
    ty: Ty,
    required: bool,
}

/// A plugin's properties class.
#[derive(Debug, PartialEq)]
struct Plugin {
    /// The prefix its properties class claims keys by (`npm` for `npm-use`).
    prefix: &'static str,
    /// The properties, sorted by name.
    properties: &'static [Field],
    /// The properties' names in the order the class declares them.
    declared: &'static [&'static str],
    coerce_numbers: bool,
    build_attributes: &'static [&'static str],
}

/// The plugins registered for some build bases.
#[derive(Debug, PartialEq)]
struct Group {
    /// `None`: every base no other group names.
    bases: Option<&'static [&'static str]>,
    /// Whether the group is known exactly (otherwise only names no group has are reported).
    strict: bool,
    /// By name.
    plugins: &'static [(&'static str, Plugin)],
    /// Plugins refused on these bases with charmcraft's legacy-plugin message.
    refused: &'static [&'static str],
}

/// One tool's part schema.
#[derive(Debug, PartialEq)]
struct Schema {
    grammar: &'static [Field],
    part: &'static [Field],
    part_coerce_numbers: bool,
    permissions: &'static [Field],
    overlay: bool,
    build_slices: bool,
    implicit_plugin: bool,
    slash_bases: &'static [&'static str],
    groups: &'static [Group],
}

#[derive(Debug, PartialEq)]
struct Data {
    charmcraft: Schema,
    rockcraft: Schema,
}

/// `data/parts.json`, the schema of parts for charmcraft and for rockcraft
/// (`tools/refresh-parts-data.py` writes it from their own pydantic models), decoded by
/// `build.rs`.
static DATA: Data = include!(concat!(env!("OUT_DIR"), "/parts_data.rs"));

impl Tool {
    fn schema(self) -> &'static Schema {
        match self {
            Tool::Charmcraft => &DATA.charmcraft,
            Tool::Rockcraft => &DATA.rockcraft,
        }
    }
}

/// The properties of `tool`'s plugin `name` (`plugin` and `source` first), in the order its
/// properties class declares them, from the first plugin group that registers it.
pub fn plugin_properties(tool: Tool, name: &str) -> Option<&'static [&'static str]> {
    tool.schema()
        .groups
        .iter()
        .flat_map(|g| g.plugins)
        .find(|(n, _)| *n == name)
        .map(|(_, p)| p.declared)
}

/// How a common part key must be written whatever the plugin and the build (for the JSON
/// Schemas): the shapes the grammar pass and `PartSpec` both hold to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyShape {
    /// A list (of values, or of `on <arch>:` clauses).
    List,
    /// A list of relative paths: non-empty strings that do not start with `/` (or clauses).
    RelativePaths,
    /// A list of one-entry mappings, `NAME: value` (or clauses, which are one-entry too).
    SingleEntryMaps,
}

/// The common part keys of `tool` whose shape is fixed, in the model's order.
pub fn key_shapes(tool: Tool) -> Vec<(&'static str, KeyShape)> {
    let schema = tool.schema();
    let grammar = |name: &str| {
        schema
            .grammar
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.ty.required())
    };
    schema
        .part
        .iter()
        .filter_map(|f| {
            let shape = match &f.ty {
                Ty::List(t) if **t == Ty::RelPath => KeyShape::RelativePaths,
                Ty::List(_) => match grammar(f.name) {
                    Some(Ty::Grammar(g)) if matches!(&**g, Ty::List(e) if matches!(**e, Ty::SingleDict(_))) => {
                        KeyShape::SingleEntryMaps
                    }
                    _ => KeyShape::List,
                },
                _ => return None,
            };
            Some((f.name, shape))
        })
        .collect()
}

/// The project facts the part checks depend on, read from the file's top level.
struct Project {
    tool: Tool,
    /// `build-base`, else `base`, as craft-application's part-name check reads it.
    name_base: Option<String>,
    /// The build base that selects the plugin group, when it is known.
    build_base: Option<String>,
    bare: bool,
    extensions: Vec<String>,
}

fn text_of(cx: &Cx, id: NodeId) -> Option<String> {
    match cx.tree.value(id)? {
        Value::Str(s) => Some(s.to_string()),
        _ => None,
    }
}

impl Project {
    fn read(cx: &Cx, root: NodeId, tool: Tool) -> Project {
        let get = |key: &str| cx.tree.get(root, key).map(|e| e.value);
        let base = get("base").and_then(|id| text_of(cx, id));
        let build_base = get("build-base").and_then(|id| text_of(cx, id));
        let name_base = match get("build-base") {
            Some(_) => build_base.clone(),
            None => base.clone(),
        };
        let normalize = |b: &str| b.replace("ubuntu:", "ubuntu@");
        let effective = build_base
            .as_deref()
            .or(base.as_deref().filter(|b| *b != "bare"))
            .map(normalize);
        let extensions = get("extensions")
            .and_then(|id| cx.tree.as_seq(id))
            .map(|items| items.iter().filter_map(|&i| text_of(cx, i)).collect())
            .unwrap_or_default();
        Project {
            tool,
            name_base,
            build_base: effective,
            bare: base.as_deref() == Some("bare"),
            extensions,
        }
    }

    fn schema(&self) -> &'static Schema {
        self.tool.schema()
    }

    fn tool_name(&self) -> &'static str {
        match self.tool {
            Tool::Charmcraft => "charmcraft",
            Tool::Rockcraft => "rockcraft",
        }
    }

    /// The plugin an extension part of this project has (`Some(None)`: one the project decides).
    fn extension_part(&self, name: &str) -> Option<Option<&'static str>> {
        if self.tool != Tool::Rockcraft {
            return None;
        }
        self.extensions
            .iter()
            .filter_map(|e| paasc_frameworks::Framework::from_extension(e))
            .flat_map(|f| f.spec().rock.parts)
            .find(|(part, _)| *part == name)
            .map(|(_, plugin)| *plugin)
    }

    /// The plugin group of the build base, `None` when the base is not known.
    fn group(&self) -> Option<&'static Group> {
        let base = self.build_base.as_deref()?;
        let groups = &self.schema().groups;
        groups
            .iter()
            .find(|g| g.bases.as_ref().is_some_and(|b| b.contains(&base)))
            .or_else(|| groups.iter().find(|g| g.bases.is_none()))
    }
}

/// Where a plugin lookup lands.
enum Lookup {
    Known(&'static Plugin),
    /// Registered or not depends on what paasc cannot see.
    Unknown,
}

/// Checks the `parts` of a file whose root mapping is `root`.
pub fn check(cx: &mut Cx, root: NodeId, tool: Tool) {
    let Some(entry) = cx.tree.get(root, "parts") else {
        return;
    };
    let project = Project::read(cx, root, tool);
    let Some(parts) = cx.tree.as_map(entry.value) else {
        if matches!(cx.tree.value(entry.value), Some(Value::Null)) {
            cx.wrong_type(entry.value, "parts", "a mapping");
        }
        return;
    };
    if parts.is_empty() && tool == Tool::Charmcraft && project.extensions.is_empty() {
        cx.push(
            Diagnostic::new(
                Code::INVALID_VALUE,
                cx.file,
                cx.tree.span(entry.value),
                "`parts` is empty: Dictionary should have at least 1 item after validation, not 0",
            )
            .label("no parts")
            .help("leave `parts` out to get the default `charm` part, or add `charm: {plugin: charm, source: .}`"),
        );
    }
    check_part_names(cx, &project, parts);
    for e in parts {
        let name = match cx.tree.value(e.key) {
            Some(Value::Str(s)) => s.to_string(),
            _ => cx.tree.text(e.key).unwrap_or_default().to_string(),
        };
        PartCheck::new(cx, &project, *e, name).run();
    }
}

/// craft-application's `_validate_user_provided_part_names`: no `/` in a part name unless the
/// base is an older one.
fn check_part_names(cx: &mut Cx, project: &Project, parts: &[Entry]) {
    let schema = project.schema();
    let allowed = match &project.name_base {
        Some(b) => schema.slash_bases.iter().any(|x| x == b) || b.contains(':'),
        None => project.tool == Tool::Rockcraft,
    };
    if allowed {
        return;
    }
    for e in parts {
        let Some(Value::Str(name)) = cx.tree.value(e.key) else {
            continue;
        };
        if !name.contains('/') {
            continue;
        }
        let base = project.name_base.as_deref().unwrap_or("none");
        cx.push(
            Diagnostic::new(
                Code::INVALID_VALUE,
                cx.file,
                cx.tree.span(e.key),
                format!(
                    "Invalid part names: {name} (Part names may not contain the '/' character.)"
                ),
            )
            .label(format!("`/` in a part name, refused on base {base}"))
            .help(format!(
                "rename the part without `/`, e.g. `{}`",
                name.replace('/', "-")
            )),
        );
    }
}

struct PartCheck<'c, 'a> {
    cx: &'c mut Cx<'a>,
    project: &'c Project,
    schema: &'static Schema,
    entry: Entry,
    name: String,
    path: String,
    /// Keys already reported (each key is reported once, at its first failing check).
    failed: Vec<String>,
    /// Keys written with grammar clauses (checked by the grammar pass only).
    grammar: Vec<String>,
}

/// What the tools' lax (pydantic) validation makes of a scalar.
fn lax_str(v: &Value, coerce: bool) -> bool {
    matches!(v, Value::Str(_))
        || (coerce && matches!(v, Value::Int(_) | Value::BigInt(_) | Value::Float(_)))
}

fn lax_int(v: &Value) -> bool {
    match v {
        Value::Int(_) | Value::BigInt(_) | Value::Bool(_) => true,
        Value::Float(f) => f.fract() == 0.0 && f.abs() < 9.2e18,
        Value::Str(s) => {
            let t = s.trim();
            let t = t.strip_prefix(['+', '-']).unwrap_or(t);
            let (whole, fraction) = match t.split_once('.') {
                Some((w, f)) => (w, Some(f)),
                None => (t, None),
            };
            let digits = |d: &str| {
                !d.is_empty()
                    && !d.starts_with('_')
                    && !d.ends_with('_')
                    && !d.contains("__")
                    && d.bytes().all(|b| b.is_ascii_digit() || b == b'_')
            };
            digits(whole) && fraction.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b == b'0'))
        }
        _ => false,
    }
}

fn lax_bool(v: &Value) -> bool {
    match v {
        Value::Bool(_) => true,
        Value::Int(i) => *i == 0 || *i == 1,
        Value::Float(f) => *f == 0.0 || *f == 1.0,
        Value::Str(s) => matches!(
            s.to_ascii_lowercase().as_str(),
            "0" | "off" | "f" | "false" | "n" | "no" | "1" | "on" | "t" | "true" | "y" | "yes"
        ),
        _ => false,
    }
}

/// Whether `s` is a Chisel slice name, `^([a-z0-9](?:-?[.a-z0-9+]){1,})_([a-z](?:-?[a-z0-9]){2,})$`:
/// a package and a slice joined by `_`, each a first character then characters of its class with
/// single hyphens between them (at least one in the package, two in the slice).
fn is_slice_name(s: &str) -> bool {
    fn tail(t: &[u8], class: fn(u8) -> bool, at_least: usize) -> bool {
        let (mut count, mut dash) = (0, false);
        for &c in t {
            if c == b'-' && !dash {
                dash = true;
            } else if class(c) {
                (count, dash) = (count + 1, false);
            } else {
                return false;
            }
        }
        !dash && count >= at_least
    }
    fn lower_or_digit(c: u8) -> bool {
        c.is_ascii_lowercase() || c.is_ascii_digit()
    }
    let Some((package, slice)) = s.split_once('_') else {
        return false;
    };
    match (package.as_bytes(), slice.as_bytes()) {
        ([p, package @ ..], [s, slice @ ..]) => {
            lower_or_digit(*p)
                && tail(package, |c| lower_or_digit(c) || c == b'.' || c == b'+', 1)
                && s.is_ascii_lowercase()
                && tail(slice, lower_or_digit, 2)
        }
        _ => false,
    }
}

const INVALID_SLICE: &str = "invalid Chisel slice: slices must be in the form '<package>_<slice>'. See https://ubuntu.com/chisel/docs/latest/explanation/slices/#naming-convention for the naming rules.";

/// A grammar selector clause key (`on amd64`, `to arm64`, `on a to b`, `for p`, `else`), with
/// the error craft-grammar raises for a malformed one.
enum Clause {
    Not,
    Ok,
    Bad(String),
}

fn clause_key(key: &str) -> Clause {
    if key == "try" {
        return Clause::Bad("'try' was removed from grammar, use 'on <arch>' instead".into());
    }
    if key == "else" {
        return Clause::Ok;
    }
    let selector = |rest: &str, clause: &str| -> Option<String> {
        if rest.chars().any(char::is_whitespace) {
            return Some(format!("spaces are not allowed in '{clause}' selector"));
        }
        if clause == "for" && rest.contains(',') {
            return Some(format!("commas are not allowed in '{clause}' selector"));
        }
        if rest.starts_with(',') || rest.ends_with(',') || rest.contains(",,") {
            return Some(format!("syntax error in '{clause}' selector"));
        }
        None
    };
    // craft-grammar's patterns: `^on\s+(.+)\s+to\s+(.+)\s*$`, then `^on\s+(.+)\s*$`, `to`, `for`.
    let after = |word: &str| -> Option<&str> {
        let rest = key.strip_prefix(word)?;
        let trimmed = rest.trim_start();
        (trimmed.len() < rest.len() && !trimmed.is_empty()).then_some(trimmed)
    };
    if let Some(rest) = after("on") {
        if let Some((on, to)) = split_compound(rest) {
            return match selector(on, "on ... to").or_else(|| selector(to, "on ... to")) {
                Some(e) => Clause::Bad(e),
                None => Clause::Ok,
            };
        }
        return selector(rest, "on").map_or(Clause::Ok, Clause::Bad);
    }
    for word in ["to", "for"] {
        if let Some(rest) = after(word) {
            return selector(rest, word).map_or(Clause::Ok, Clause::Bad);
        }
    }
    Clause::Not
}

/// `a to b` as the compound pattern splits it (greedy: the last ` to `).
fn split_compound(rest: &str) -> Option<(&str, &str)> {
    let bytes = rest.as_bytes();
    let mut found = None;
    for (i, _) in rest.match_indices("to") {
        let before = rest[..i].trim_end();
        let after = rest[i + 2..].trim_start();
        let spaced_before = i > 0 && bytes[i - 1].is_ascii_whitespace();
        let spaced_after = rest[i + 2..].starts_with(char::is_whitespace);
        if spaced_before && spaced_after && !before.is_empty() && !after.is_empty() {
            found = Some((before, after));
        }
    }
    found
}

/// The closest candidate, or one with the same letters in another order (`pyhton`).
fn suggest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    let letters = |s: &str| {
        let mut v: Vec<char> = s.chars().collect();
        v.sort_unstable();
        v
    };
    closest(word, candidates.iter().copied()).or_else(|| {
        let want = letters(word);
        candidates.iter().copied().find(|c| letters(c) == want)
    })
}

/// `a/../../b` climbs out of the directory it is resolved in.
fn climbs_out(path: &str) -> bool {
    let mut depth = 0i32;
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            _ => depth += 1,
        }
    }
    false
}

impl<'c, 'a> PartCheck<'c, 'a> {
    fn new(cx: &'c mut Cx<'a>, project: &'c Project, entry: Entry, name: String) -> Self {
        PartCheck {
            cx,
            project,
            schema: project.schema(),
            path: ["parts.", &name].concat(),
            entry,
            name,
            failed: Vec::new(),
            grammar: Vec::new(),
        }
    }

    fn key_path(&self, key: &str) -> String {
        [&self.path, ".", key].concat()
    }

    fn fail(&mut self, key: &str) {
        self.failed.push(key.to_string());
    }

    fn has_failed(&self, key: &str) -> bool {
        self.failed.iter().any(|k| k == key)
    }

    fn entries(&self) -> Vec<(String, Entry)> {
        self.cx
            .tree
            .as_map(self.entry.value)
            .unwrap_or_default()
            .iter()
            .map(|e| {
                let key = match self.cx.tree.value(e.key) {
                    Some(Value::Str(s)) => s.to_string(),
                    _ => self.cx.tree.text(e.key).unwrap_or_default().to_string(),
                };
                (key, *e)
            })
            .collect()
    }

    fn run(mut self) {
        if self.cx.tree.as_map(self.entry.value).is_none() {
            let path = self.path.clone();
            self.cx.wrong_type(self.entry.value, &path, "a mapping");
            return;
        }
        let entries = self.entries();
        self.grammar_pass(&entries);
        let Some(plugin) = self.plugin(&entries) else {
            // Unknown or missing plugin: the common keys can still be checked.
            self.part_pass(&entries, None, None);
            return;
        };
        let (name, lookup) = plugin;
        match lookup {
            Lookup::Known(p) => {
                self.properties_pass(&entries, &name, p);
                self.part_pass(&entries, Some(&name), Some(p));
            }
            Lookup::Unknown => self.part_pass(&entries, Some(&name), None),
        }
    }

    // ---- grammar pass -------------------------------------------------------------------

    fn grammar_pass(&mut self, entries: &[(String, Entry)]) {
        for (key, e) in entries {
            let Some(field) = self.schema.grammar.iter().find(|f| f.name == key) else {
                continue;
            };
            let Ty::Grammar(inner) = field.ty.required() else {
                continue;
            };
            if matches!(self.cx.tree.value(e.value), Some(Value::Null)) {
                continue;
            }
            let path = self.key_path(key);
            let before = self.cx.diags.len();
            let clauses = self.grammar_value(e.value, inner, &path);
            if self.cx.diags.len() > before {
                self.fail(key);
            } else if clauses {
                self.grammar.push(key.clone());
            }
        }
    }

    /// `Grammar[T].validate`: returns whether the value holds clauses.
    fn grammar_value(&mut self, id: NodeId, inner: &Ty, path: &str) -> bool {
        if let Some(items) = self.cx.tree.as_seq(id) {
            return self.grammar_list(id, items, inner, path);
        }
        if self.cx.tree.as_map(id).is_some() && matches!(inner, Ty::Dict(_)) {
            // A mapping is checked entry by entry, as pydantic locates the bad value.
            self.value(id, inner, path, true);
            return false;
        }
        if !self.plain_ok(id, inner, true) {
            self.wrong(id, path, inner);
        }
        false
    }

    fn grammar_list(&mut self, id: NodeId, items: &[NodeId], inner: &Ty, path: &str) -> bool {
        let mut clauses = false;
        for (i, &item) in items.iter().enumerate() {
            let item_path = format!("{path}[{i}]");
            if matches!(self.cx.tree.value(item), Some(Value::Str("else fail"))) {
                clauses = true;
                continue;
            }
            if let Some([clause]) = self.cx.tree.as_map(item) {
                if let Some(Value::Str(key)) = self.cx.tree.value(clause.key) {
                    match clause_key(key) {
                        Clause::Ok => {
                            clauses = true;
                            self.grammar_value(
                                clause.value,
                                inner,
                                &[&item_path, ".", key].concat(),
                            );
                            continue;
                        }
                        Clause::Bad(message) => {
                            clauses = true;
                            self.cx.push(
                                Diagnostic::new(Code::INVALID_VALUE, self.cx.file, self.cx.tree.span(clause.key), message)
                                    .label("not a valid grammar clause")
                                    .help("write `on <arch>:`, `to <arch>:`, `on <arch> to <arch>:` or `else:` with comma-separated architectures and no spaces"),
                            );
                            continue;
                        }
                        Clause::Not => {}
                    }
                }
            }
            // craft-grammar validates plain items against the first type argument: the element
            // of a list, but the key type (`str`) of a dict.
            let element = match inner {
                Ty::List(e) | Ty::Set(e) | Ty::UniqueList(e) => Some(&**e),
                Ty::Dict(_) | Ty::SingleDict(_) => Some(&Ty::Str),
                _ => None,
            };
            if let Some(element) = element {
                if !self.plain_ok(item, element, true) {
                    self.wrong(item, &item_path, element);
                    return clauses;
                }
                continue;
            }
            if *inner != Ty::Str {
                self.wrong(id, path, inner);
                return clauses;
            }
            // `Grammar[str]`: a list may hold clauses only.
            if self.cx.tree.as_map(item).is_some() {
                self.cx.wrong_type(
                    item,
                    &item_path,
                    "a string or a grammar clause (`on <arch>: ...`)",
                );
                continue;
            }
            self.cx.wrong_type(id, path, "a string");
            if let Some(d) = self.cx.diags.last_mut() {
                d.help = Some("a list here may only hold `on <arch>:` / `else:` clauses, each giving the string".into());
            }
            return clauses;
        }
        clauses
    }

    /// Reports a value that is not a `ty`.
    fn wrong(&mut self, id: NodeId, path: &str, ty: &Ty) {
        self.cx.wrong_type(id, path, &ty.describe());
        let help = match ty.required() {
            Ty::SingleDict(_) => "give each variable its own list entry: `- NAME: value`",
            Ty::List(t) if matches!(**t, Ty::SingleDict(_)) => {
                "write a list with one `- NAME: value` entry per variable"
            }
            _ => return,
        };
        if let Some(d) = self.cx.diags.last_mut() {
            d.help = Some(help.to_string());
        }
    }

    /// Whether a value validates as `ty` (no diagnostics), as pydantic's lax mode reads it.
    fn plain_ok(&self, id: NodeId, ty: &Ty, coerce: bool) -> bool {
        let tree = self.cx.tree;
        let value = tree.value(id);
        match ty {
            Ty::Optional(t) => matches!(value, Some(Value::Null)) || self.plain_ok(id, t, coerce),
            Ty::Str | Ty::RelPath | Ty::Slice => value.is_some_and(|v| lax_str(&v, coerce)),
            Ty::Int => value.is_some_and(|v| lax_int(&v)),
            Ty::Bool => value.is_some_and(|v| lax_bool(&v)),
            Ty::Literal(allowed) => {
                matches!(value, Some(Value::Str(s)) if allowed.contains(&s))
            }
            Ty::List(t) | Ty::UniqueList(t) | Ty::Set(t) => tree
                .as_seq(id)
                .is_some_and(|items| items.iter().all(|&i| self.plain_ok(i, t, coerce))),
            Ty::Dict(t) => tree.as_map(id).is_some_and(|entries| {
                entries.iter().all(|e| {
                    tree.value(e.key).is_some_and(|k| lax_str(&k, coerce))
                        && self.plain_ok(e.value, t, coerce)
                })
            }),
            Ty::SingleDict(t) => {
                tree.as_map(id).is_some_and(|e| e.len() == 1)
                    && self.plain_ok(id, &Ty::Dict(t), coerce)
            }
            Ty::Union(ts) => ts.iter().any(|t| self.plain_ok(id, t, coerce)),
            Ty::Permissions => tree.as_map(id).is_some(),
            Ty::Grammar(t) => self.plain_ok(id, t, coerce),
        }
    }

    // ---- plugin -------------------------------------------------------------------------

    /// The part's plugin name and what is known of it; `None` (after reporting) when it has none.
    fn plugin(&mut self, entries: &[(String, Entry)]) -> Option<(String, Lookup)> {
        let written = entries.iter().find(|(k, _)| k == "plugin").map(|(_, e)| *e);
        let extension = self.project.extension_part(&self.name);
        let (name, at) = match written {
            Some(e) => {
                if self.grammar.iter().any(|k| k == "plugin") || self.has_failed("plugin") {
                    return None;
                }
                match self.cx.tree.value(e.value) {
                    Some(Value::Null) => {
                        self.missing_plugin(Some(e));
                        return None;
                    }
                    Some(Value::Str("")) => {
                        self.missing_plugin(Some(e));
                        return None;
                    }
                    Some(Value::Str(s)) => (s.to_string(), Some(e)),
                    Some(v) if lax_str(&v, true) => {
                        // A number: craft-parts looks it up as is (`plugin not registered: 7`).
                        let text = self.cx.tree.text(e.value).unwrap_or_default();
                        self.unregistered_number(text, e);
                        return None;
                    }
                    _ => return None,
                }
            }
            None => match extension {
                Some(Some(p)) => (p.to_string(), None),
                Some(None) => return None,
                None if self.schema.implicit_plugin => (self.name.clone(), None),
                None => {
                    self.missing_plugin(None);
                    return None;
                }
            },
        };
        let lookup = self.lookup(&name, at);
        lookup.map(|l| (name, l))
    }

    fn missing_plugin(&mut self, written: Option<Entry>) {
        let span = match written {
            Some(e) => self.cx.tree.span(e.value),
            None => self.cx.tree.span(self.entry.key),
        };
        let label = if written.is_some() {
            "`plugin` is empty"
        } else {
            "this part has no `plugin`"
        };
        self.cx.push(
            Diagnostic::new(
                Code::MISSING_KEY,
                self.cx.file,
                span,
                format!("'plugin' not defined for part `{}`", self.name),
            )
            .label(label)
            .help("give the part a plugin: `plugin: nil` if it only installs packages, `plugin: dump` to copy its `source` as is"),
        );
    }

    /// Finds the plugin in the build base's group, reporting an unregistered one.
    fn lookup(&mut self, name: &str, at: Option<Entry>) -> Option<Lookup> {
        let groups = &self.schema.groups;
        let anywhere = groups
            .iter()
            .any(|g| g.plugins.iter().any(|(n, _)| *n == name));
        let span = match at {
            Some(e) => self.cx.tree.span(e.value),
            None => self.cx.tree.span(self.entry.key),
        };
        let Some(group) = self.project.group() else {
            if anywhere {
                // Which class depends on the base; all agree where they share a name only if
                // there is one group.
                return Some(match groups {
                    [only] => only
                        .plugins
                        .iter()
                        .find(|(n, _)| *n == name)
                        .map_or(Lookup::Unknown, |(_, p)| Lookup::Known(p)),
                    _ => Lookup::Unknown,
                });
            }
            self.unregistered(
                name,
                at,
                span,
                groups
                    .iter()
                    .flat_map(|g| g.plugins.iter().map(|(n, _)| *n))
                    .collect(),
            );
            return None;
        };
        if group.refused.contains(&name) {
            let base = self.project.build_base.clone().unwrap_or_default();
            self.cx.push(
                Diagnostic::new(
                    Code::INVALID_VALUE,
                    self.cx.file,
                    span,
                    format!("Cannot use 'charm' or 'reactive' plugins with base '{base}'"),
                )
                .label(format!("charmcraft 4.5.0 has no `{name}` plugin on {base}"))
                .help("build the charm with the `uv` or `poetry` plugin (`plugin: uv`, `source: .`), or use a base up to ubuntu@25.04"),
            );
            return None;
        }
        if let Some((_, p)) = group.plugins.iter().find(|(n, _)| *n == name) {
            return Some(Lookup::Known(p));
        }
        if !group.strict && anywhere {
            return Some(Lookup::Unknown);
        }
        let names = group.plugins.iter().map(|(n, _)| *n).collect();
        self.unregistered(name, at, span, names);
        None
    }

    fn unregistered_number(&mut self, text: &str, e: Entry) {
        self.cx.push(
            Diagnostic::new(
                Code::INVALID_VALUE,
                self.cx.file,
                self.cx.tree.span(e.value),
                format!("plugin not registered: {text}"),
            )
            .label("a number, not a plugin name")
            .help("give the plugin's name, e.g. `plugin: nil`"),
        );
    }

    fn unregistered(&mut self, name: &str, at: Option<Entry>, span: Span, mut names: Vec<&str>) {
        names.sort_unstable();
        names.dedup();
        let tool = self.project.tool_name();
        let mut d = Diagnostic::new(
            Code::INVALID_VALUE,
            self.cx.file,
            span,
            format!("plugin not registered: '{name}'"),
        );
        if at.is_none() {
            d = Diagnostic::new(Code::MISSING_KEY, self.cx.file, span, format!("part `{}` has no `plugin`, so {tool} takes its name as the plugin: plugin not registered: '{name}'", self.name))
                .label("no `plugin` key")
                .help("add `plugin:` to the part: `nil` if it only installs packages, `dump` to copy its `source` as is");
            self.cx.push(d);
            return;
        }
        d = match suggest(name, &names) {
            Some(best) => d
                .label(format!("did you mean `{best}`?"))
                .help(format!("use `plugin: {best}`")),
            None => d.label(format!("not a plugin {tool} has")).help(format!(
                "{tool} registers these plugins here: {}",
                names.join(", ")
            )),
        };
        self.cx.push(d);
    }

    // ---- plugin properties ----------------------------------------------------------------

    /// The properties class: keys it names, or that start with its prefix.
    fn properties_pass(&mut self, entries: &[(String, Entry)], plugin: &str, p: &'static Plugin) {
        let prefix = [p.prefix, "-"].concat();
        for (key, e) in entries {
            let field = p.properties.iter().find(|f| f.name == key);
            if field.is_none() && !key.starts_with(&prefix) {
                continue;
            }
            if self.has_failed(key) || self.grammar.iter().any(|k| k == key) {
                continue;
            }
            match field {
                Some(f) => {
                    if key == "plugin" {
                        continue;
                    }
                    let path = self.key_path(key);
                    if !self.value(e.value, &f.ty, &path, p.coerce_numbers) {
                        self.fail(key);
                    }
                }
                None => {
                    let candidates: Vec<&str> = p
                        .properties
                        .iter()
                        .map(|f| f.name)
                        .filter(|n| n.starts_with(&prefix))
                        .collect();
                    self.unknown_key(key, *e, &candidates, Some(plugin), None);
                    self.fail(key);
                }
            }
        }
        let extension_part = self.project.extension_part(&self.name).is_some();
        for f in p.properties.iter().filter(|f| f.required) {
            if extension_part || entries.iter().any(|(k, _)| k == f.name) {
                continue;
            }
            let help = if f.name == "source" {
                "add `source: .` to build from the project directory, or the URL or path of the sources".to_string()
            } else {
                format!("add `{}:`", f.name)
            };
            self.cx.push(
                Diagnostic::new(
                    Code::MISSING_KEY,
                    self.cx.file,
                    self.cx.tree.span(self.entry.key),
                    format!("required key `{}` is missing from `{}`: the `{plugin}` plugin needs it (Field required)", f.name, self.path),
                )
                .label(format!("`{}` missing", f.name))
                .help(help),
            );
        }
    }

    // ---- PartSpec -----------------------------------------------------------------------

    /// `PartSpec` on the keys that do not start with `<plugin>-`.
    fn part_pass(
        &mut self,
        entries: &[(String, Entry)],
        plugin: Option<&str>,
        p: Option<&'static Plugin>,
    ) {
        let strip = plugin.map(|n| [n, "-"].concat());
        let coerce = self.schema.part_coerce_numbers;
        for (key, e) in entries {
            if strip.as_ref().is_some_and(|s| key.starts_with(s.as_str())) {
                continue;
            }
            if self.has_failed(key) {
                continue;
            }
            let Some(field) = self.schema.part.iter().find(|f| f.name == key) else {
                if plugin.is_none() && self.maybe_plugin_key(key) {
                    continue;
                }
                let candidates: Vec<&str> = self
                    .schema
                    .part
                    .iter()
                    .map(|f| f.name)
                    .chain(
                        p.into_iter()
                            .flat_map(|p| p.properties.iter().map(|f| f.name)),
                    )
                    .collect();
                self.unknown_key(key, *e, &candidates, None, plugin);
                self.fail(key);
                continue;
            };
            let path = self.key_path(key);
            if self.grammar.iter().any(|k| k == key) {
                self.plain_items(e.value, &field.ty, &path, coerce);
                continue;
            }
            if !self.value(e.value, &field.ty, &path, coerce) {
                self.fail(key);
            }
        }
        self.features(entries);
        self.exclusive(entries);
        // craft-parts' `validate_and_extract`; charmcraft's `process_part_config` skips it.
        if let (Some(name), Some(p), Tool::Rockcraft) = (plugin, p, self.project.tool) {
            self.build_attributes(entries, name, p);
        }
        self.escapes(entries);
    }

    /// With the plugin unknown, a key may belong to it: any plugin's property or prefix.
    fn maybe_plugin_key(&self, key: &str) -> bool {
        self.schema
            .groups
            .iter()
            .flat_map(|g| g.plugins.iter())
            .any(|(n, p)| {
                key.strip_prefix(n).is_some_and(|r| r.starts_with('-'))
                    || p.properties.iter().any(|f| f.name == key)
            })
    }

    /// The plugin another key belongs to (`uv-groups` → `uv`), if any registered one has it.
    fn owner(&self, key: &str) -> Option<&'static str> {
        let groups = &self.schema.groups;
        groups
            .iter()
            .flat_map(|g| g.plugins.iter())
            .find(|(n, p)| {
                key.strip_prefix(n).is_some_and(|r| r.starts_with('-'))
                    || p.properties.iter().any(|f| f.name == key)
            })
            .map(|(n, _)| *n)
    }

    /// Reports a key the model does not have. `property_of`: the properties class that refused
    /// it; otherwise `part_plugin` is the part's plugin, if known.
    fn unknown_key(
        &mut self,
        key: &str,
        e: Entry,
        candidates: &[&str],
        property_of: Option<&str>,
        part_plugin: Option<&str>,
    ) {
        let within = match property_of {
            Some(p) => format!(
                "in `{}`: the `{p}` plugin has no property `{key}`",
                self.path
            ),
            None => format!("in `{}`", self.path),
        };
        let d = Diagnostic::new(
            Code::UNKNOWN_KEY,
            self.cx.file,
            self.cx.tree.span(e.key),
            format!("unknown key `{key}` {within} (Extra inputs are not permitted)"),
        );
        let plugin = property_of.or(part_plugin);
        let owner = self.owner(key).filter(|o| Some(*o) != plugin);
        let origin = match self.project.extension_part(&self.name) {
            Some(_) if !self.entries().iter().any(|(k, _)| k == "plugin") => {
                let ext = self.name.split('/').next().unwrap_or_default().to_string();
                format!(" (the {ext} extension gives this part its plugin)")
            }
            _ => String::new(),
        };
        let d = match (suggest(key, candidates), owner, plugin) {
            (Some(best), _, _) => d
                .label(format!("did you mean `{best}`?"))
                .help(format!("rename it to `{best}`")),
            (None, Some(owner), Some(p)) => d
                .label(format!("a key of the `{owner}` plugin"))
                .help(format!(
                    "`{key}` belongs to the `{owner}` plugin, but this part's plugin is `{p}`{origin}; remove the key, or build the part with `plugin: {owner}`"
                )),
            (None, _, Some(p)) if property_of.is_some() && candidates.is_empty() => d
                .label("not a property of the plugin")
                .help(format!("the `{p}` plugin takes no `{p}-*` keys; remove it")),
            (None, _, Some(p)) if property_of.is_some() => d
                .label("not a property of the plugin")
                .help(format!("the `{p}` plugin's keys: {}", candidates.join(", "))),
            _ => d.label("not a key of a part").help(
                "a part takes craft-parts' common keys (`plugin`, `source`, `stage-packages`, `override-build`, `stage`, `prime`, ...) and its plugin's `<plugin>-*` keys",
            ),
        };
        self.cx.push(d);
    }

    /// Checks a value against a model type, reporting at the innermost node; `false` if bad.
    fn value(&mut self, id: NodeId, ty: &Ty, path: &str, coerce: bool) -> bool {
        let tree = self.cx.tree;
        match ty {
            Ty::Optional(t) => {
                matches!(tree.value(id), Some(Value::Null)) || self.value(id, t, path, coerce)
            }
            Ty::Str | Ty::Int | Ty::Bool | Ty::Union(_) | Ty::SingleDict(_) | Ty::Grammar(_) => {
                if self.plain_ok(id, ty, coerce) {
                    if matches!(ty, Ty::Str) {
                        self.number_as_string(id, path);
                    }
                    return true;
                }
                self.wrong(id, path, ty);
                false
            }
            Ty::Literal(allowed) => {
                if self.plain_ok(id, ty, coerce) {
                    return true;
                }
                match tree.value(id) {
                    Some(Value::Str(s)) => {
                        let d = Diagnostic::new(
                            Code::INVALID_VALUE,
                            self.cx.file,
                            tree.span(id),
                            format!(
                                "`{path}` is `{s}`, which is not one of {}",
                                quote_list(allowed)
                            ),
                        );
                        let d = match closest(s, allowed.iter().copied()) {
                            Some(best) => d
                                .label(format!("did you mean `{best}`?"))
                                .help(format!("use `{best}`")),
                            None => d
                                .label("not an allowed value")
                                .help(format!("use one of {}", quote_list(allowed))),
                        };
                        self.cx.push(d);
                    }
                    _ => self.cx.wrong_type(id, path, &ty.describe()),
                }
                false
            }
            Ty::RelPath => self.relpath(id, path),
            Ty::Slice => {
                let text = match tree.value(id) {
                    Some(Value::Str(s)) => Some(s),
                    _ => None,
                };
                if text.is_some_and(is_slice_name) {
                    return true;
                }
                self.cx.push(
                    Diagnostic::new(Code::INVALID_VALUE, self.cx.file, tree.span(id), INVALID_SLICE)
                        .label("not `<package>_<slice>`")
                        .help("name a slice as `<package>_<slice>`, e.g. `ca-certificates_data`; whole packages go in `stage-packages`"),
                );
                false
            }
            Ty::Permissions => self.permissions(id, path),
            Ty::List(t) | Ty::UniqueList(t) | Ty::Set(t) => {
                let Some(items) = tree.as_seq(id) else {
                    self.wrong(id, path, ty);
                    return false;
                };
                let mut ok = true;
                for (i, &item) in items.iter().enumerate() {
                    ok &= self.value(item, t, &format!("{path}[{i}]"), coerce);
                }
                if ok && matches!(ty, Ty::UniqueList(_)) {
                    ok = self.unique(id, items);
                }
                ok
            }
            Ty::Dict(t) => {
                let Some(entries) = tree.as_map(id) else {
                    self.wrong(id, path, ty);
                    return false;
                };
                let mut ok = true;
                for e in entries {
                    if !tree.value(e.key).is_some_and(|k| lax_str(&k, coerce)) {
                        self.cx
                            .wrong_type(e.key, &format!("{path} key"), "a string");
                        ok = false;
                        continue;
                    }
                    let key = tree.text(e.key).unwrap_or_default();
                    ok &= self.value(e.value, t, &format!("{path}.{key}"), coerce);
                }
                ok
            }
        }
    }

    /// A number where a string is meant, whose text Python's `str()` changes (S008).
    fn number_as_string(&mut self, id: NodeId, path: &str) {
        let tree = self.cx.tree;
        let read = match tree.value(id) {
            Some(Value::Int(i)) => i.to_string(),
            Some(Value::BigInt(d)) => d.to_string(),
            Some(Value::Float(f)) => paasc_syntax::python_float_repr(f),
            _ => return,
        };
        let written = tree.text(id).unwrap_or_default().to_string();
        if written != read {
            self.cx.push(
                Diagnostic::new(Code::NUMBER_AS_STRING, self.cx.file, tree.span(id), format!("`{path}` is written `{written}` but read as the number {read}, so the tools use the string \"{read}\""))
                    .label(format!("becomes \"{read}\""))
                    .help(format!("quote it to keep it as written: '{written}'")),
            );
        }
    }

    fn unique(&mut self, id: NodeId, items: &[NodeId]) -> bool {
        let mut seen: Vec<String> = Vec::new();
        let mut dupes: Vec<String> = Vec::new();
        for &item in items {
            let text = self.cx.tree.text(item).unwrap_or_default().to_string();
            if seen.contains(&text) {
                if !dupes.contains(&text) {
                    dupes.push(text);
                }
            } else {
                seen.push(text);
            }
        }
        if dupes.is_empty() {
            return true;
        }
        let list = dupes
            .iter()
            .map(|d| crate::charmcraft::py_repr(d))
            .collect::<Vec<_>>()
            .join(", ");
        self.cx.push(
            Diagnostic::new(
                Code::INVALID_VALUE,
                self.cx.file,
                self.cx.tree.span(id),
                format!("Duplicate values in list: [{list}]"),
            )
            .label("an entry is repeated")
            .help("list each entry once"),
        );
        false
    }

    /// `RelativePathStr`: a non-empty string that does not start with `/`.
    fn relpath(&mut self, id: NodeId, path: &str) -> bool {
        let tree = self.cx.tree;
        let message = match tree.value(id) {
            Some(Value::Str("")) => "path cannot be empty".to_string(),
            Some(Value::Str(s)) if s.starts_with('/') => format!(
                "{} must be a relative path (cannot start with '/')",
                crate::charmcraft::py_repr(s)
            ),
            Some(Value::Str(_)) => return true,
            _ => {
                self.cx.wrong_type(id, path, "a relative path (a string)");
                return false;
            }
        };
        let help = match tree.value(id) {
            Some(Value::Str(s)) if s.starts_with('/') => format!(
                "entries are relative to the part's install (stage) or the stage (prime) directory, which become the image's root: write `{}`",
                s.trim_start_matches('/')
            ),
            _ => "remove the empty entry".to_string(),
        };
        self.cx.push(
            Diagnostic::new(Code::INVALID_VALUE, self.cx.file, tree.span(id), message)
                .label("not a relative path")
                .help(help),
        );
        false
    }

    /// craft-parts' `Permissions`: extra keys are ignored, `owner` and `group` come together.
    fn permissions(&mut self, id: NodeId, path: &str) -> bool {
        let tree = self.cx.tree;
        let Some(entries) = tree.as_map(id) else {
            self.cx.wrong_type(id, path, &Ty::Permissions.describe());
            return false;
        };
        let mut ok = true;
        let mut present = Vec::new();
        for e in entries {
            let Some(key) = tree.text(e.key) else {
                continue;
            };
            let Some(f) = self.schema.permissions.iter().find(|f| f.name == key) else {
                continue;
            };
            present.push((key.to_string(), e.key));
            ok &= self.value(e.value, &f.ty, &format!("{path}.{key}"), false);
        }
        let owner = present.iter().find(|(k, _)| k == "owner");
        let group = present.iter().find(|(k, _)| k == "group");
        if let (Some((given, at)), None) | (None, Some((given, at))) = (owner, group) {
            let other = if given == "owner" { "group" } else { "owner" };
            self.cx.push(
                Diagnostic::new(
                    Code::MISSING_KEY,
                    self.cx.file,
                    tree.span(*at),
                    "If either \"owner\" or \"group\" is defined, both must be set",
                )
                .label(format!("`{given}` without `{other}`"))
                .help(format!(
                    "add `{other}:` (a numeric id, e.g. 584792 for `_daemon_`)"
                )),
            );
            ok = false;
        }
        ok
    }

    /// The plain (non-clause) items of a list written with grammar: they are kept whatever the
    /// build, so their values are checked.
    fn plain_items(&mut self, id: NodeId, ty: &Ty, path: &str, coerce: bool) {
        let (Some(items), Ty::List(element)) = (self.cx.tree.as_seq(id), ty.required()) else {
            return;
        };
        for (i, &item) in items.iter().enumerate() {
            if self.cx.tree.as_map(item).is_some()
                || self.cx.tree.value(item) == Some(Value::Str("else fail"))
            {
                continue;
            }
            self.value(item, element, &format!("{path}[{i}]"), coerce);
        }
    }

    fn span_of(&self, entries: &[(String, Entry)], key: &str) -> Option<(Span, Entry)> {
        entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, e)| (self.cx.tree.span(e.key), *e))
    }

    fn truthy(&self, e: Entry) -> bool {
        match self.cx.tree.kind(e.value) {
            paasc_syntax::Kind::Seq(items) => !items.is_empty(),
            paasc_syntax::Kind::Map(entries) => !entries.is_empty(),
            paasc_syntax::Kind::Scalar(s) => {
                !matches!(s.value(), Value::Null | Value::Bool(false)) && !s.text.is_empty()
            }
            paasc_syntax::Kind::Alias(_) => true,
        }
    }

    /// Keys behind craft-parts features the tool leaves off (overlays in charmcraft, build
    /// slices in both), and rockcraft's refusal of overlays on a bare base.
    fn features(&mut self, entries: &[(String, Entry)]) {
        const OVERLAY: [&str; 5] = [
            "overlay-packages",
            "overlay-recommended-packages",
            "overlay",
            "overlay-script",
            "override-overlay",
        ];
        let part_keys: Vec<&str> = self.schema.part.iter().map(|f| f.name).collect();
        for (key, e) in entries {
            if !part_keys.contains(&key.as_str()) || self.has_failed(key) {
                continue;
            }
            let message = if OVERLAY.contains(&key.as_str()) && !self.schema.overlay {
                "overlays not supported"
            } else if key == "build-slices" && !self.schema.build_slices && self.truthy(*e) {
                "The 'build-slices' key is not supported"
            } else {
                continue;
            };
            let tool = self.project.tool_name();
            self.cx.push(
                Diagnostic::new(
                    Code::FORBIDDEN_KEY,
                    self.cx.file,
                    self.cx.tree.span(e.key),
                    format!("`{key}`: {message}"),
                )
                .label(format!("{tool} does not enable this craft-parts feature"))
                .help("remove the key"),
            );
            self.fail(key);
        }
        if self.project.tool == Tool::Rockcraft && self.project.bare {
            let overlay = entries.iter().find(|(k, e)| {
                OVERLAY.contains(&k.as_str())
                    && !self.has_failed(k)
                    && match k.as_str() {
                        "overlay-script" | "override-overlay" => {
                            !matches!(self.cx.tree.value(e.value), Some(Value::Null))
                        }
                        "overlay" => {
                            !(self.cx.tree.as_seq(e.value).is_some_and(|i| {
                                i.len() == 1 && self.cx.tree.value(i[0]) == Some(Value::Str("*"))
                            }))
                        }
                        _ => self.truthy(*e),
                    }
            });
            if let Some((key, e)) = overlay {
                let key = key.clone();
                self.cx.push(
                    Diagnostic::new(Code::FORBIDDEN_KEY, self.cx.file, self.cx.tree.span(e.key), format!("Part '{}' cannot use overlays with a 'bare' base (there is no system to overlay).", self.name))
                        .label(format!("`{key}` on a bare rock"))
                        .help("install the packages with `stage-packages` instead, or use an Ubuntu base"),
                );
                self.fail(&key);
            }
        }
    }

    /// `PartSpec`'s model validators: keys that exclude each other.
    fn exclusive(&mut self, entries: &[(String, Entry)]) {
        let part_keys: Vec<&str> = self.schema.part.iter().map(|f| f.name).collect();
        let given = |k: &str| -> Option<Entry> {
            entries
                .iter()
                .find(|(key, _)| key == k && part_keys.contains(&k))
                .map(|(_, e)| *e)
        };
        let conflict = |this: &mut Self, a: &str, b: &str, message: &str, help: &str| {
            let (Some(ea), Some(eb)) = (given(a), given(b)) else {
                return;
            };
            if this.has_failed(a) || this.has_failed(b) {
                return;
            }
            this.cx.push(
                Diagnostic::new(
                    Code::CONFLICTING_KEYS,
                    this.cx.file,
                    this.cx.tree.span(eb.key),
                    message.to_string(),
                )
                .label(format!("`{b}` given"))
                .secondary(
                    this.cx.file,
                    this.cx.tree.span(ea.key),
                    format!("`{a}` given here"),
                )
                .help(help.to_string()),
            );
            this.fail(b);
        };
        if given("stage-packages").is_some_and(|e| self.truthy(e))
            && given("stage-slices").is_some_and(|e| self.truthy(e))
        {
            conflict(
                self,
                "stage-packages",
                "stage-slices",
                "'stage-packages' and 'stage-slices' cannot be used together",
                "put the slices in `stage-slices` and the packages in another part",
            );
        }
        if given("build-slices").is_some_and(|e| self.truthy(e)) {
            for other in ["build-packages", "build-snaps"] {
                if given(other).is_some_and(|e| self.truthy(e)) {
                    conflict(
                        self,
                        "build-slices",
                        other,
                        "'build-slices' cannot be used with 'build-packages' or 'build-snaps'",
                        "use either slices or packages and snaps to build",
                    );
                }
            }
        }
        let set = |k: &str| {
            given(k).is_some_and(|e| !matches!(self.cx.tree.value(e.value), Some(Value::Null)))
        };
        if set("override-overlay") && set("overlay-script") {
            conflict(
                self,
                "overlay-script",
                "override-overlay",
                "override-overlay and overlay-script cannot both be defined",
                "keep `override-overlay`; `overlay-script` is its older name",
            );
        }
        // PartSpec.validate_root (on Debian-based hosts): debs and slices in one list.
        if let Some(e) = given("stage-packages") {
            if self.has_failed("stage-packages")
                || self.grammar.iter().any(|k| k == "stage-packages")
            {
                return;
            }
            let items = self.cx.tree.as_seq(e.value).unwrap_or_default();
            // The check runs on the raw list: `"_" in name` fails on a number (a TypeError).
            let numbers: Vec<NodeId> = items
                .iter()
                .copied()
                .filter(|&i| {
                    self.cx
                        .tree
                        .value(i)
                        .is_some_and(|v| !matches!(v, Value::Str(_)))
                })
                .collect();
            for (i, &item) in items.iter().enumerate() {
                if numbers.contains(&item) {
                    let path = format!("{}.stage-packages[{i}]", self.path);
                    self.cx.wrong_type(item, &path, "a string");
                }
            }
            if !numbers.is_empty() {
                return;
            }
            let names: Vec<String> = items.iter().filter_map(|&i| text_of(self.cx, i)).collect();
            let slices = names.iter().any(|n| n.contains('_'));
            let debs = names.iter().any(|n| !n.is_empty() && !n.contains('_'));
            if slices && debs {
                let message = match self.project.tool {
                    Tool::Charmcraft => "cannot mix packages and slices in 'stage-packages'",
                    Tool::Rockcraft => "Cannot mix packages and slices in stage-packages",
                };
                self.cx.push(
                    Diagnostic::new(
                        Code::INVALID_VALUE,
                        self.cx.file,
                        self.cx.tree.span(e.value),
                        message,
                    )
                    .label("both packages and `<package>_<slice>` slices")
                    .help("put the Chisel slices and the Debian packages in two parts"),
                );
            }
        }
    }

    /// `validate_build_attributes`: plugin-related attributes the plugin does not support.
    fn build_attributes(&mut self, entries: &[(String, Entry)], name: &str, p: &Plugin) {
        let Some((_, e)) = self.span_of(entries, "build-attributes") else {
            return;
        };
        if self.has_failed("build-attributes")
            || self.grammar.iter().any(|k| k == "build-attributes")
        {
            return;
        }
        for &item in self.cx.tree.as_seq(e.value).unwrap_or_default() {
            if self.cx.tree.value(item) != Some(Value::Str("self-contained")) {
                continue;
            }
            if p.build_attributes.contains(&"self-contained") {
                continue;
            }
            self.cx.push(
                Diagnostic::new(
                    Code::INVALID_VALUE,
                    self.cx.file,
                    self.cx.tree.span(item),
                    format!(
                        "Plugin '{name}' does not support the 'self-contained' build attribute."
                    ),
                )
                .label("not supported by the plugin")
                .help("Remove the build attribute, or use a different plugin."),
            );
        }
    }

    /// paasc's own warning: `stage`, `prime` and `organize` paths whose `..` leave the directory.
    fn escapes(&mut self, entries: &[(String, Entry)]) {
        for (key, e) in entries {
            if self.has_failed(key) {
                continue;
            }
            let tree = self.cx.tree;
            let (nodes, within): (Vec<NodeId>, &str) = match key.as_str() {
                "stage" => (
                    tree.as_seq(e.value).unwrap_or_default().to_vec(),
                    "the part's install directory",
                ),
                "prime" => (
                    tree.as_seq(e.value).unwrap_or_default().to_vec(),
                    "the stage directory",
                ),
                "organize" => (
                    tree.as_map(e.value)
                        .unwrap_or_default()
                        .iter()
                        .flat_map(|e| [e.key, e.value])
                        .collect(),
                    "the part's install directory",
                ),
                _ => continue,
            };
            for id in nodes {
                let Some(Value::Str(text)) = tree.value(id) else {
                    continue;
                };
                let path = if key == "organize" {
                    text
                } else {
                    text.strip_prefix('-').unwrap_or(text)
                };
                if !climbs_out(path) {
                    continue;
                }
                self.cx.push(
                    Diagnostic::new(Code::PART_PATH_ESCAPES, self.cx.file, tree.span(id), format!("`{text}` in `{}.{key}` climbs out of {within}", self.path))
                        .label("`..` leaves the directory this path is resolved in")
                        .help(format!("craft-parts resolves `{key}` paths against {within}; name the files as they are inside it (the tools accept this path, but it reaches files outside the part)")),
                );
            }
        }
    }
}

#[cfg(test)]
mod oracle;

#[cfg(test)]
mod tests {
    use super::*;
    use paasc_diag::FileId;
    use paasc_syntax::Limits;

    /// Every string of up to six characters over an alphabet that covers each case of the
    /// pattern (and of up to eight over a smaller one) reads the same through [`is_slice_name`]
    /// as through the regex it replaces.
    #[test]
    fn slice_names_are_the_chisel_pattern() {
        let hits = crate::assert_same_as_pattern(
            is_slice_name,
            r"^([a-z0-9](?:-?[.a-z0-9+]){1,})_([a-z](?:-?[a-z0-9]){2,})$",
            &[
                (&['a', '1', '-', '.', '+', '_', 'Z', 'é'], 6),
                (&['a', '0', '-', '_'], 8),
            ],
        );
        assert!(hits > 500, "{hits}");
        assert!(is_slice_name("ca-certificates_data") && is_slice_name("libc6_libs"));
    }

    fn diags(tool: Tool, text: &str) -> Vec<(String, String, String)> {
        let file = FileId(0);
        let (tree, _) = paasc_syntax::parse(file, text, Limits::default());
        let mut cx = Cx::new(&tree, file);
        if let Some(root) = tree.root() {
            check(&mut cx, root, tool);
        }
        paasc_diag::sort(&mut cx.diags);
        cx.diags
            .iter()
            .map(|d| {
                let span = d.primary.span;
                (
                    d.code.0.to_string(),
                    text[span.start as usize..span.end as usize].to_string(),
                    d.message.clone(),
                )
            })
            .collect()
    }

    const CHARM: &str = "name: t\ntype: charm\nbase: ubuntu@24.04\nplatforms:\n  amd64:\n";
    const ROCK: &str = "name: t\nbase: ubuntu@24.04\nplatforms:\n  amd64:\n";

    #[test]
    fn the_data_loads_and_every_type_parses() {
        assert!(DATA
            .charmcraft
            .groups
            .iter()
            .any(|g| g.plugins.iter().any(|(n, _)| *n == "charm")));
        assert!(DATA
            .rockcraft
            .part
            .iter()
            .any(|f| f.name == "stage" && f.ty == Ty::List(&Ty::RelPath)));
        assert_eq!(
            oracle::parse_ty("grammar[list[dict1[str,str]]]?"),
            Ok(Ty::Optional(&Ty::Grammar(&Ty::List(&Ty::SingleDict(
                &Ty::Str
            )))))
        );
        assert_eq!(
            oracle::parse_ty("literal(a|b)?"),
            Ok(Ty::Optional(&Ty::Literal(&["a", "b"])))
        );
        assert_eq!(
            oracle::parse_ty("int|str"),
            Ok(Ty::Union(&[Ty::Int, Ty::Str]))
        );
        assert!(oracle::parse_ty("tuple[int]").is_err());
    }

    /// `build.rs` decodes the file exactly as the run-time decoding it replaced did.
    #[test]
    fn the_generated_table_is_the_decoded_file() {
        let decoded = oracle::load(oracle::JSON).expect("data/parts.json decodes");
        assert_eq!(DATA.charmcraft, decoded.charmcraft);
        assert_eq!(DATA.rockcraft, decoded.rockcraft);
    }

    #[test]
    fn plugin_properties_keep_their_declaration_order() {
        let uv = plugin_properties(Tool::Rockcraft, "uv").expect("uv plugin");
        assert_eq!(uv[..2], ["plugin", "source"]);
        let sorted = DATA.rockcraft.groups[0]
            .plugins
            .iter()
            .find(|(n, _)| *n == "uv")
            .map(|(_, p)| p.properties.iter().map(|f| f.name).collect::<Vec<_>>());
        let mut declared = uv.to_vec();
        declared.sort_unstable();
        assert_eq!(sorted, Some(declared));
        assert_eq!(plugin_properties(Tool::Charmcraft, "no-such-plugin"), None);
    }

    /// The example of the brief, as charmcraft 4.5.0 reports it (two errors).
    #[test]
    fn absolute_stage_path_and_misspelt_key() {
        let got = diags(Tool::Charmcraft, &format!("{CHARM}parts:\n  my-part:\n    plugin: nil\n    stage-package: [curl]\n    stage: [/etc/passwd]\n"));
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].0, "S001");
        assert_eq!(got[0].1, "stage-package");
        assert_eq!(
            got[1],
            (
                "S004".into(),
                "/etc/passwd".into(),
                "'/etc/passwd' must be a relative path (cannot start with '/')".into()
            )
        );
    }

    #[test]
    fn plugins_missing_unknown_and_implicit() {
        let rock = diags(
            Tool::Rockcraft,
            &format!(
                "{ROCK}parts:\n  a:\n    source: .\n  b:\n    plugin: pyhton\n    source: .\n"
            ),
        );
        assert_eq!(rock[0].0, "S003");
        assert_eq!(rock[0].2, "'plugin' not defined for part `a`");
        assert_eq!(
            rock[1],
            (
                "S004".into(),
                "pyhton".into(),
                "plugin not registered: 'pyhton'".into()
            )
        );
        // charmcraft takes the part's name as its plugin.
        let charm = diags(
            Tool::Charmcraft,
            &format!("{CHARM}parts:\n  my-part:\n    source: .\n  charm: {{}}\n"),
        );
        assert_eq!(charm.len(), 1, "{charm:?}");
        assert!(charm[0].2.ends_with("plugin not registered: 'my-part'"));
    }

    #[test]
    fn plugin_properties_and_prefixes() {
        let got = diags(Tool::Charmcraft, &format!("{CHARM}parts:\n  a:\n    plugin: python\n    python-requirement: [x]\n    uv-groups: [a]\n    python-packages: foo\n"));
        let keys: Vec<(&str, &str)> = got
            .iter()
            .map(|(c, t, _)| (c.as_str(), t.as_str()))
            .collect();
        assert_eq!(
            keys,
            [
                ("S003", "a"),
                ("S001", "python-requirement"),
                ("S001", "uv-groups"),
                ("S002", "foo")
            ]
        );
        // npm-use's properties are npm's, but PartSpec strips only `npm-use-` keys.
        let npm = diags(Tool::Charmcraft, &format!("{CHARM}parts:\n  a:\n    plugin: npm-use\n    source: .\n    npm-include-node: true\n"));
        assert_eq!(
            npm.iter().map(|d| d.1.as_str()).collect::<Vec<_>>(),
            ["npm-include-node"]
        );
    }

    #[test]
    fn extension_parts_take_their_plugin_from_the_extension() {
        let text = format!("{ROCK}extensions: [flask-framework]\nparts:\n  flask-framework/install-app:\n    prime: [flask/app/app.py]\n  flask-framework/dependencies:\n    python-packages: [x]\n    uv-groups: [a]\n");
        let got = diags(Tool::Rockcraft, &text);
        assert_eq!(
            got.iter().map(|d| d.1.as_str()).collect::<Vec<_>>(),
            ["uv-groups"]
        );
    }

    #[test]
    fn grammar_is_checked_before_the_models() {
        let got = diags(Tool::Charmcraft, &format!("{CHARM}parts:\n  a:\n    plugin: nil\n    stage-packages: [{{on amd64: [x]}}, {{\"on arm64,,amd64\": [y]}}, {{try: [z]}}]\n    source-depth: abc\n    stage: [{{on amd64: [/abs]}}, ok]\n"));
        let got: Vec<(&str, &str)> = got
            .iter()
            .map(|(c, t, _)| (c.as_str(), t.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("S004", "\"on arm64,,amd64\""),
                ("S004", "try"),
                ("S002", "abc")
            ]
        );
    }

    #[test]
    fn lax_types_as_pydantic_reads_them() {
        let text = format!("{CHARM}parts:\n  a:\n    plugin: nil\n    source-depth: '5'\n    disable-parallel: 'yes'\n    source-tag: 1.10\n    permissions: [{{path: a, owner: '1', group: 2, other: x}}]\n  b:\n    plugin: dump\n    source: 12\n    permissions: [{{mode: 755}}, {{owner: 1}}]\n");
        let got = diags(Tool::Charmcraft, &text);
        let got: Vec<(&str, &str)> = got
            .iter()
            .map(|(c, t, _)| (c.as_str(), t.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("S008", "1.10"),
                ("S002", "12"),
                ("S002", "755"),
                ("S003", "owner")
            ]
        );
    }

    #[test]
    fn charm_plugin_on_a_newer_base_and_slashes_in_names() {
        let text = "name: t\ntype: charm\nbase: ubuntu@26.04\nplatforms:\n  amd64:\nparts:\n  charm:\n    plugin: charm\n  a/b:\n    plugin: nil\n";
        let got = diags(Tool::Charmcraft, text);
        assert_eq!(
            got[0].2,
            "Cannot use 'charm' or 'reactive' plugins with base 'ubuntu@26.04'"
        );
        assert_eq!(
            got[1].2,
            "Invalid part names: a/b (Part names may not contain the '/' character.)"
        );
    }

    #[test]
    fn features_and_exclusive_keys() {
        let charm = diags(Tool::Charmcraft, &format!("{CHARM}parts:\n  a:\n    plugin: nil\n    overlay-packages: [x]\n    stage-packages: [curl, ca-certificates_data]\n  b:\n    plugin: nil\n    stage-packages: [curl]\n    stage-slices: [ca-certificates_data]\n  c:\n    plugin: nil\n    stage-packages: [curl, 1]\n"));
        let got: Vec<(&str, &str)> = charm
            .iter()
            .map(|(c, t, _)| (c.as_str(), t.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("S006", "overlay-packages"),
                ("S004", "[curl, ca-certificates_data]"),
                ("S005", "stage-slices"),
                ("S002", "1"),
            ]
        );
        // rockcraft's craft-parts 2.33.1 has no stage-slices; overlays are on, except on bare.
        let rock = diags(Tool::Rockcraft, "name: t\nbase: bare\nbuild-base: ubuntu@24.04\nplatforms:\n  amd64:\nparts:\n  a:\n    plugin: nil\n    stage-slices: [x_y]\n    overlay-packages: [x]\n");
        let got: Vec<(&str, &str)> = rock
            .iter()
            .map(|(c, t, _)| (c.as_str(), t.as_str()))
            .collect();
        assert_eq!(
            got,
            [("S001", "stage-slices"), ("S006", "overlay-packages")]
        );
    }

    #[test]
    fn key_shapes_for_the_schemas() {
        let rock = key_shapes(Tool::Rockcraft);
        assert!(rock.contains(&("stage", KeyShape::RelativePaths)));
        assert!(rock.contains(&("build-environment", KeyShape::SingleEntryMaps)));
        assert!(rock.contains(&("stage-packages", KeyShape::List)));
        assert!(!rock
            .iter()
            .any(|(k, _)| *k == "source-submodules" || *k == "stage-slices"));
        assert!(key_shapes(Tool::Charmcraft).contains(&("stage-slices", KeyShape::List)));
    }

    #[test]
    fn paths_that_climb_out() {
        assert!(climbs_out("../x") && climbs_out("a/../../b") && climbs_out(".."));
        assert!(!climbs_out("a/../b") && !climbs_out("a/b/..") && !climbs_out("*"));
        let got = diags(Tool::Rockcraft, &format!("{ROCK}parts:\n  a:\n    plugin: dump\n    source: .\n    stage: [-../x, ok, a/../b]\n    organize: {{../y: z}}\n    prime: [../../etc]\n"));
        let got: Vec<(&str, &str)> = got
            .iter()
            .map(|(c, t, _)| (c.as_str(), t.as_str()))
            .collect();
        assert_eq!(
            got,
            [("S014", "-../x"), ("S014", "../y"), ("S014", "../../etc")]
        );
    }

    #[test]
    fn grammar_clause_keys() {
        assert!(matches!(clause_key("on amd64"), Clause::Ok));
        assert!(matches!(
            clause_key("on amd64,arm64 to riscv64"),
            Clause::Ok
        ));
        assert!(matches!(clause_key("to arm64"), Clause::Ok));
        assert!(matches!(clause_key("onamd64"), Clause::Not));
        assert!(matches!(clause_key("A"), Clause::Not));
        assert!(
            matches!(clause_key("on a b"), Clause::Bad(m) if m == "spaces are not allowed in 'on' selector")
        );
        assert!(
            matches!(clause_key("for a,b"), Clause::Bad(m) if m == "commas are not allowed in 'for' selector")
        );
        assert!(
            matches!(clause_key("on ,a to b"), Clause::Bad(m) if m == "syntax error in 'on ... to' selector")
        );
    }
}
