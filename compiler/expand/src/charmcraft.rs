//! `charmcraft expand-extensions` (charmcraft 4.5.0, V1 extensions).

use crate::merge::apply;
use crate::{framework, CharmExtension, ExpandError, Location, ProjectDir};
use paasc_diag::{Code, FileId};
use paasc_syntax::{parse, Limits, Yaml};

/// Fields charmcraft's `PlatformCharm` model adds after craft-application's, in the order
/// `expand-extensions` prints them; `BasesCharm` appends `bases`.
const CHARM_FIELDS: &[&str] = &[
    "type",
    "analysis",
    "charmhub",
    "charm-libs",
    "actions",
    "assumes",
    "charm-user",
    "containers",
    "devices",
    "extra-bindings",
    "peers",
    "provides",
    "requires",
    "resources",
    "storage",
    "subordinate",
    "terms",
    "links",
    "config",
    "bases",
];

const COS_SUBDIRS: [&str; 3] = [
    "grafana_dashboards",
    "loki_alert_rules",
    "prometheus_alert_rules",
];
const V2_BASES: [&str; 1] = ["ubuntu@26.04"];

fn err(
    code: Code,
    message: impl Into<String>,
    at: Location,
    help: impl Into<String>,
) -> ExpandError {
    ExpandError::new(code, message, at, help)
}

fn s(x: &str) -> Yaml {
    Yaml::str(x)
}

/// Settings that the real tool takes from its environment.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// `CHARMCRAFT_ENABLE_EXPERIMENTAL_EXTENSIONS` is set: experimental extensions may be used.
    pub experimental: bool,
}

/// Expands the extensions of a loaded `charmcraft.yaml` and returns it as charmcraft prints it.
pub fn expand(doc: &Yaml, dir: &ProjectDir, opts: Options) -> Result<Yaml, ExpandError> {
    expand_value(doc.clone(), dir, opts)
}

/// [`expand`] of a document the caller no longer needs: it becomes the expanded one (a charm
/// may declare thousands of options, so it is not copied).
pub fn expand_value(doc: Yaml, dir: &ProjectDir, opts: Options) -> Result<Yaml, ExpandError> {
    let Yaml::Map(mut data) = doc else {
        return Err(err(
            Code::WRONG_TYPE,
            "charmcraft.yaml must be a mapping",
            Location::root(),
            "write the project as a mapping",
        ));
    };
    let extensions: Vec<String> = match data
        .iter()
        .position(|(k, _)| k.as_str() == Some("extensions"))
    {
        Some(i) => {
            let (_, v) = data.remove(i);
            v.as_seq()
                .unwrap_or_default()
                .iter()
                .filter_map(|e| e.as_str().map(str::to_string))
                .collect()
        }
        None => Vec::new(),
    };
    let mut sorted = extensions.clone();
    sorted.sort();
    for name in &sorted {
        let index = extensions
            .iter()
            .position(|e| e == name)
            .unwrap_or(0)
            .to_string();
        let Some(fw) = framework(name) else {
            return Err(err(
                Code::EXTENSION_UNKNOWN,
                format!("Extension '{name}' does not exist"),
                Location::value(&["extensions", &index]),
                format!("use one of {}", crate::FRAMEWORK_NAMES.join(", ")),
            ));
        };
        let current = Yaml::Map(std::mem::take(&mut data));
        validate_bases(&fw, &current, opts)?;
        check_input(&fw, &current, dir)?;
        let snippet = match root_snippet(fw, &current) {
            Yaml::Map(entries) => entries,
            _ => Vec::new(),
        };
        if let Yaml::Map(entries) = current {
            data = entries;
        }
        for (k, v) in snippet {
            match crate::merge::position(&data, &k) {
                Some(i) => {
                    let old = std::mem::replace(&mut data[i].1, Yaml::Null);
                    data[i].1 = apply(Some(old), v);
                }
                None => data.push((k, apply(None, v))),
            }
        }
        if !data.iter().any(|(k, _)| k.as_str() == Some("parts")) {
            data.push((s("parts"), Yaml::Map(vec![])));
        }
    }
    Ok(dump(data))
}

/// The project's bases as `name@channel`, as charmcraft's `get_project_bases` collects them.
pub fn project_bases(doc: &Yaml) -> Vec<String> {
    let mut bases: Vec<String> = Vec::new();
    let mut add = |b: String| {
        if !bases.contains(&b) {
            bases.push(b);
        }
    };
    if let Some(base) = doc.get("base").and_then(Yaml::as_str) {
        if !base.is_empty() {
            add(base.to_string());
        }
    }
    if let Some(platforms) = doc.get("platforms").and_then(Yaml::as_map) {
        for (label, pdata) in platforms {
            let label = label.as_str().unwrap_or_default();
            if let Some(base) = base_of(label) {
                add(base);
            } else if let Some(build_for) = pdata.get("build-for").filter(|b| b.truthy()) {
                let items = match build_for {
                    Yaml::Seq(items) => items.clone(),
                    other => vec![other.clone()],
                };
                for item in items {
                    if let Some(base) = item.as_str().and_then(base_of) {
                        add(base);
                    }
                }
            }
        }
    }
    if let Some(legacy) = doc.get("bases").and_then(Yaml::as_seq) {
        for b in legacy {
            let entries: Vec<&Yaml> = match b.get("build-on").and_then(Yaml::as_seq) {
                Some(on) => on.iter().collect(),
                None => vec![b],
            };
            for e in entries {
                let name = scalar_text(e.get("name"));
                let channel = scalar_text(e.get("channel"));
                add(format!("{name}@{channel}"));
            }
        }
    }
    bases
}

fn scalar_text(v: Option<&Yaml>) -> String {
    match v {
        Some(Yaml::Str(s)) => s.to_string(),
        Some(Yaml::Float(f)) => paasc_syntax::python_float_repr(*f),
        Some(Yaml::Int(i)) => i.to_string(),
        Some(Yaml::Null) | None => "None".into(),
        Some(other) => other.python_repr(),
    }
}

/// `ubuntu@22.04:amd64` or `ubuntu@22.04` → `ubuntu@22.04`; a bare architecture → none.
fn base_of(label: &str) -> Option<String> {
    let base = label.split(':').next().unwrap_or(label);
    let (name, channel) = base.split_once('@')?;
    (!name.is_empty() && !channel.is_empty()).then(|| base.to_string())
}

fn base_location(doc: &Yaml) -> Location {
    for key in ["base", "platforms", "bases"] {
        if doc.get(key).is_some() {
            return Location::value(&[key]);
        }
    }
    Location::root()
}

fn validate_bases(fw: &CharmExtension, doc: &Yaml, opts: Options) -> Result<(), ExpandError> {
    let mut bases = project_bases(doc);
    bases.sort();
    let at = base_location(doc);
    if bases.len() > 1 {
        return Err(err(
            Code::EXTENSION_MULTIPLE_BASES,
            format!(
                "Extension does not support multiple bases: {}",
                bases.join(", ")
            ),
            at,
            "keep a single base; build another charm for the other base",
        ));
    }
    let v1 = bases.iter().any(|b| fw.bases.contains(&b.as_str()));
    let supported: Vec<&str> = if v1 {
        fw.bases.to_vec()
    } else {
        V2_BASES.to_vec()
    };
    let unsupported: Vec<&String> = bases
        .iter()
        .filter(|b| !supported.contains(&b.as_str()))
        .collect();
    if !unsupported.is_empty() {
        return Err(err(
            Code::EXTENSION_UNSUPPORTED_BASE,
            format!(
                "Extension '{}' does not support base(s): {}",
                fw.extension,
                unsupported
                    .iter()
                    .map(|b| b.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            at,
            format!("use a supported base: {}", fw.bases.join(", ")),
        ));
    }
    let experimental = if v1 {
        fw.experimental
    } else {
        !bases.is_empty()
    };
    if !v1 && !bases.is_empty() && opts.experimental {
        return Err(err(
            Code::EXTENSION_EXPERIMENTAL,
            format!("Extension '{}' on base(s) {} is the experimental second generation, which paasc does not model", fw.extension, bases.join(", ")),
            at,
            format!("use a base the first generation supports: {}", fw.bases.join(", ")),
        ));
    }
    if experimental && !bases.is_empty() && !opts.experimental {
        return Err(err(
            Code::EXTENSION_EXPERIMENTAL,
            format!("Extension '{}' is experimental on base(s): {}", fw.extension, bases.join(", ")),
            at,
            "charmcraft accepts it only with CHARMCRAFT_ENABLE_EXPERIMENTAL_EXTENSIONS=1 in the environment; paasc reads the same variable",
        ));
    }
    Ok(())
}

fn root_snippet(fw: CharmExtension, doc: &Yaml) -> Yaml {
    let mut root = fw.root;
    let requires = doc
        .get("requires")
        .and_then(Yaml::as_map)
        .unwrap_or_default();
    let mut dynamic = Vec::new();
    for (interface, options) in fw.dynamic_options.as_map().unwrap_or_default() {
        for (endpoint, spec) in requires {
            if spec.get("interface") != Some(interface) {
                continue;
            }
            let ep = endpoint.as_str().unwrap_or_default();
            for (name, option) in options.as_map().unwrap_or_default() {
                let name = name
                    .as_str()
                    .unwrap_or_default()
                    .replace("{endpoint_name}", ep);
                let option = match option {
                    Yaml::Map(fields) => Yaml::Map(
                        fields
                            .iter()
                            .map(|(k, v)| match v {
                                Yaml::Str(text) => (
                                    k.clone(),
                                    Yaml::Str(text.replace("{endpoint_name}", ep).into()),
                                ),
                                other => (k.clone(), other.clone()),
                            })
                            .collect(),
                    ),
                    other => other.clone(),
                };
                match dynamic
                    .iter()
                    .position(|(k, _): &(Yaml, Yaml)| k.as_str() == Some(name.as_str()))
                {
                    Some(i) => dynamic[i].1 = option,
                    None => dynamic.push((Yaml::Str(name.into()), option)),
                }
            }
        }
    }
    if let Some(Yaml::Map(opts)) = root.get_mut("config").and_then(|c| c.get_mut("options")) {
        for (k, v) in dynamic {
            match opts.iter().position(|(ok, _)| *ok == k) {
                Some(i) => opts[i].1 = v,
                None => opts.push((k, v)),
            }
        }
    }
    root
}

fn check_input(fw: &CharmExtension, doc: &Yaml, dir: &ProjectDir) -> Result<(), ExpandError> {
    let ext = fw.extension;
    let charm_type = doc.get("type").cloned().unwrap_or(Yaml::Null);
    if charm_type != s("charm") {
        return Err(err(
            Code::EXTENSION_CHARM_TYPE,
            format!(
                "the '{ext}' extension is incompatible with type {}",
                charm_type.python_repr()
            ),
            if doc.get("type").is_some() {
                Location::value(&["type"])
            } else {
                Location::root()
            },
            "write `type: charm`",
        ));
    }
    check_cos_custom(dir)?;
    if doc
        .get("parts")
        .and_then(Yaml::as_map)
        .is_some_and(|p| p.iter().any(|(k, _)| k.as_str() == Some("charm")))
    {
        return Err(err(
            Code::EXTENSION_CHARM_PART,
            format!("the '{ext}' extension is incompatible with customized charm part"),
            Location::key(&["parts", "charm"]),
            "remove `parts.charm`; the extension supplies it (use another part name for extra build steps)",
        ));
    }
    let mut incompatible: Vec<&str> = ["devices", "extra-bindings", "storage"]
        .into_iter()
        .filter(|k| doc.get(k).is_some())
        .collect();
    incompatible.sort();
    if let Some(first) = incompatible.first() {
        return Err(err(
            Code::EXTENSION_INCOMPATIBLE_FIELD,
            format!("the '{ext}' extension is incompatible with the provided field(s): {}", incompatible.join(", ")),
            Location::key(&[first]),
            "remove the field; 12-factor charms keep state in integrations, not in Juju storage or devices",
        ));
    }
    let root = &fw.root;
    for protected in ["assumes", "containers", "resources", "peers"] {
        if let Some(user) = doc.get(protected) {
            if !python_eq(user, root.get(protected).unwrap_or(&Yaml::Null)) {
                return Err(err(
                    Code::EXTENSION_RESERVED_FIELD,
                    format!("'{protected}' in charmcraft.yaml conflicts with a reserved field in the {}-framework extension, please remove it.", fw.name),
                    Location::key(&[protected]),
                    format!("remove `{protected}`: the extension generates it"),
                ));
            }
        }
    }
    for merging in ["actions", "requires", "provides", "config.options"] {
        let path: Vec<&str> = merging.split('.').collect();
        let user = nested(doc, &path);
        if !user.is_some_and(Yaml::truthy) {
            continue;
        }
        let ours = nested(root, &path)
            .and_then(Yaml::as_map)
            .unwrap_or_default();
        let known = crate::merge::is_key_of(ours);
        let overlap: Vec<&Yaml> = user
            .and_then(Yaml::as_map)
            .unwrap_or_default()
            .iter()
            .map(|(k, _)| k)
            .filter(|k| known(k))
            .collect();
        if let Some(first) = overlap.first() {
            let set = overlap
                .iter()
                .map(|k| k.python_repr())
                .collect::<Vec<_>>()
                .join(", ");
            let mut at: Vec<&str> = path.clone();
            at.push(first.as_str().unwrap_or_default());
            return Err(err(
                Code::EXTENSION_OVERLAPPING_KEY,
                format!("overlapping keys {{{set}}} in {merging} of charmcraft.yaml which conflict with the {}-framework extension, please rename or remove it", fw.name),
                Location::key(&at),
                "the extension defines this already; remove your copy, or rename it if it is something else",
            ));
        }
    }
    let mut invalid_non_optionals = Vec::new();
    let mut first_invalid = None;
    let prefixes = ["webserver-".to_string(), format!("{}-", fw.name)];
    for (name, option) in nested(doc, &["config", "options"])
        .and_then(Yaml::as_map)
        .unwrap_or_default()
    {
        let Some(name) = name.as_str() else { continue };
        for prefix in &prefixes {
            if name.starts_with(prefix.as_str()) {
                return Err(err(
                    Code::EXTENSION_RESERVED_PREFIX,
                    format!("config.options '{name}' starts with {}-framework reserved configuration prefix '{prefix}', please rename or remove it", fw.name),
                    Location::key(&["config", "options", name]),
                    format!("rename the option so that it does not start with `{prefix}`"),
                ));
            }
        }
        if option.get("optional") == Some(&Yaml::Bool(false))
            && option.get("default").is_some_and(Yaml::truthy)
        {
            invalid_non_optionals.push(name.to_string());
            first_invalid.get_or_insert_with(|| name.to_string());
        }
    }
    if let Some(first) = first_invalid {
        return Err(err(
            Code::NONOPTIONAL_DEFAULT,
            format!("Non-optional configuration options can not have default values.\nPlease either remove the default value or set optional field to true or remove it for the {} configuration option(s).", invalid_non_optionals.join(", ")),
            Location::key(&["config", "options", &first, "default"]),
            "remove the default, or drop `optional: false`",
        ));
    }
    check_paas_config(fw, dir)
}

fn nested<'a>(doc: &'a Yaml, path: &[&str]) -> Option<&'a Yaml> {
    path.iter().try_fold(doc, |v, k| v.get(k))
}

/// Python `==` on loaded YAML: dicts compare without order, `1 == 1.0 == True`.
fn python_eq(a: &Yaml, b: &Yaml) -> bool {
    let num = |v: &Yaml| match v {
        Yaml::Bool(b) => Some(f64::from(u8::from(*b))),
        Yaml::Int(i) => Some(*i as f64),
        Yaml::Float(f) => Some(*f),
        _ => None,
    };
    match (a, b) {
        (Yaml::Map(x), Yaml::Map(y)) => {
            x.len() == y.len()
                && x.iter().all(|(k, v)| {
                    y.iter()
                        .any(|(k2, v2)| python_eq(k, k2) && python_eq(v, v2))
                })
        }
        (Yaml::Seq(x), Yaml::Seq(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| python_eq(p, q))
        }
        _ => match (num(a), num(b)) {
            (Some(p), Some(q)) => p == q,
            _ => a == b,
        },
    }
}

fn check_cos_custom(dir: &ProjectDir) -> Result<(), ExpandError> {
    if !dir.exists("cos_custom/") {
        return Ok(());
    }
    let mut root_files = Vec::new();
    let mut invalid_dirs = Vec::new();
    for child in dir.children("cos_custom/") {
        match child.strip_suffix('/') {
            Some(d) if !COS_SUBDIRS.contains(&d) => invalid_dirs.push(d.to_string()),
            Some(_) => {}
            None => root_files.push(child.to_string()),
        }
    }
    if root_files.is_empty() && invalid_dirs.is_empty() {
        return Ok(());
    }
    let mut details = Vec::new();
    if !root_files.is_empty() {
        details.push(format!("root files: {}", root_files.join(", ")));
    }
    if !invalid_dirs.is_empty() {
        details.push(format!(
            "invalid subdirectories: {}",
            invalid_dirs.join(", ")
        ));
    }
    Err(ExpandError::new(
        Code::COS_CUSTOM_LAYOUT,
        format!(
            "custom COS directory must only contain the following subdirectories: {{'prometheus_alert_rules', 'loki_alert_rules', 'grafana_dashboards'}}. Found {}",
            details.join("; ")
        ),
        Location::key(&["extensions"]),
        "keep only grafana_dashboards/, loki_alert_rules/ and prometheus_alert_rules/ in cos_custom/",
    )
    .about("cos_custom/", None))
}

fn check_paas_config(fw: &CharmExtension, dir: &ProjectDir) -> Result<(), ExpandError> {
    const FILE: &str = "paas-config.yaml";
    let Some(text) = dir.texts.get(FILE) else {
        return Ok(());
    };
    let fail = |message: String, span: paasc_diag::Span, help: &str| {
        ExpandError::new(
            Code::PAAS_CONFIG_INVALID,
            message,
            Location::key(&["extensions"]),
            help,
        )
        .about(FILE, Some(span.start as usize..span.end as usize))
    };
    let limits = Limits::default();
    let (tree, diags) = parse(FileId(0), text, limits);
    if let Some(d) = diags
        .iter()
        .find(|d| d.severity == paasc_diag::Severity::Error)
    {
        // charmcraft reads the file into a string, which PyYAML names "<unicode string>".
        let message = paasc_syntax::pyyaml::check(text, limits.max_depth)
            .map_or_else(|| d.message.clone(), |e| e.render("<unicode string>"));
        return Err(fail(
            format!("invalid YAML in {FILE}: {message}"),
            d.primary.span,
            d.help
                .as_deref()
                .unwrap_or("fix the YAML syntax of paas-config.yaml"),
        ));
    }
    let Some(root) = tree.root() else {
        return Ok(());
    };
    let parsed = Yaml::from_tree(&tree, root);
    if parsed == Yaml::Null {
        return Ok(());
    }
    if !matches!(parsed, Yaml::Map(_)) {
        return Err(fail(
            format!("{FILE} must contain a top-level mapping"),
            tree.span(root),
            "write paas-config.yaml as a mapping, e.g. `framework_logging_format: json`",
        ));
    }
    if let Some(Yaml::Str(fmt)) = parsed.get("framework_logging_format") {
        if fmt.eq_ignore_ascii_case("json") && !["fastapi", "flask", "django"].contains(&fw.name) {
            let at = tree
                .lookup(&["framework_logging_format"])
                .map_or(tree.span(root), |e| tree.span(e.value));
            return Err(fail(
                format!(
                    "framework_logging_format: json in {FILE} is not supported for '{}-framework'",
                    fw.name
                ),
                at,
                "JSON framework logging exists only for flask, django and fastapi; remove the key",
            ));
        }
    }
    Ok(())
}

/// `charm-libs` names: underscores in the charm half become dashes.
fn normalise_lib(lib: &str) -> String {
    match lib.split_once('.') {
        Some((charm, name)) => {
            let mut lib = charm.replace('_', "-");
            lib.push('.');
            lib.push_str(name);
            lib
        }
        None => lib.to_string(),
    }
}

fn as_list(v: &Yaml) -> Yaml {
    match v {
        Yaml::Seq(_) => v.clone(),
        Yaml::Null => Yaml::Seq(vec![]),
        other => Yaml::Seq(vec![other.clone()]),
    }
}

fn dump(data: Vec<(Yaml, Yaml)>) -> Yaml {
    let mut out: Vec<(Yaml, Yaml)> = Vec::with_capacity(data.len());
    let mut rest = data;
    for field in crate::CRAFT_PROJECT_FIELDS.iter().chain(CHARM_FIELDS) {
        if let Some(i) = rest.iter().position(|(k, _)| k.as_str() == Some(field)) {
            let (k, v) = rest.remove(i);
            out.push((k, normalise(field, v)));
        }
    }
    out.extend(rest);
    Yaml::Map(out)
}

/// A part as charmcraft's `_preprocess_parts` leaves it: `plugin` defaults to the part's name
/// (and the `charm` part's `source` to `.`), and `process_part_config` puts the keys of the
/// plugin's properties first, in the order its properties class declares them, then the others
/// as written.
fn process_part(name: &Yaml, part: Yaml) -> Yaml {
    let Yaml::Map(mut keys) = part else {
        return part;
    };
    let has = |keys: &[(Yaml, Yaml)], k: &str| keys.iter().any(|(key, _)| key.as_str() == Some(k));
    if !has(&keys, "plugin") {
        keys.push((s("plugin"), name.clone()));
    }
    let plugin = keys
        .iter()
        .find(|(k, _)| k.as_str() == Some("plugin"))
        .and_then(|(_, v)| v.as_str())
        .unwrap_or_default()
        .to_string();
    if name.as_str() == Some("charm") && plugin == "charm" && !has(&keys, "source") {
        keys.push((s("source"), s(".")));
    }
    let Some(properties) = crate::parts::charm_plugin_properties(&plugin) else {
        return Yaml::Map(keys);
    };
    let mut out = Vec::with_capacity(keys.len());
    for property in properties {
        if let Some(i) = keys.iter().position(|(k, _)| k.as_str() == Some(*property)) {
            out.push(keys.remove(i));
        }
    }
    out.extend(keys);
    Yaml::Map(out)
}

/// charmcraft's `Links` model's fields, in its order; `true` for the URL fields.
const LINKS: [(&str, bool); 5] = [
    ("contact", false),
    ("documentation", true),
    ("issues", true),
    ("source", true),
    ("website", true),
];

/// `links` as charmcraft dumps its `Links` model: fields in the model's order, URLs as pydantic
/// prints them (`https://example.com` → `https://example.com/`), in lists too.
fn links(fields: Vec<(Yaml, Yaml)>) -> Yaml {
    let url = |v: Yaml| match v {
        Yaml::Str(u) => Yaml::Str(
            paasc_syntax::anyurl::any_http_url(&u)
                .map(Into::into)
                .unwrap_or(u),
        ),
        other => other,
    };
    let mut rest = fields;
    let mut out = Vec::with_capacity(rest.len());
    for (field, is_url) in LINKS {
        if let Some(i) = rest.iter().position(|(k, _)| k.as_str() == Some(field)) {
            let (k, v) = rest.remove(i);
            let v = match v {
                Yaml::Seq(items) if is_url => Yaml::Seq(items.into_iter().map(url).collect()),
                v if is_url => url(v),
                v => v,
            };
            out.push((k, v));
        }
    }
    out.extend(rest);
    Yaml::Map(out)
}

fn normalise(field: &str, v: Yaml) -> Yaml {
    match (field, v) {
        ("links", Yaml::Map(fields)) => links(fields),
        ("parts", Yaml::Map(parts)) => Yaml::Map(
            parts
                .into_iter()
                .map(|(name, part)| {
                    let part = process_part(&name, part);
                    (name, part)
                })
                .collect(),
        ),
        ("platforms", Yaml::Map(platforms)) => Yaml::Map(
            platforms
                .into_iter()
                .map(|(label, p)| {
                    let value = match p {
                        Yaml::Null => Yaml::Map(vec![
                            (s("build-on"), Yaml::Seq(vec![label.clone()])),
                            (s("build-for"), Yaml::Seq(vec![label.clone()])),
                        ]),
                        Yaml::Map(fields) => {
                            Yaml::Map(fields.into_iter().map(|(k, v)| (k, as_list(&v))).collect())
                        }
                        other => other,
                    };
                    (label, value)
                })
                .collect(),
        ),
        ("charm-libs", Yaml::Seq(libs)) => Yaml::Seq(
            libs.into_iter()
                .map(|l| match l {
                    Yaml::Map(fields) => Yaml::Map(
                        fields
                            .into_iter()
                            .map(|(k, v)| match (k.as_str(), &v) {
                                (Some("lib"), Yaml::Str(name)) => {
                                    (k, Yaml::Str(normalise_lib(name).into()))
                                }
                                _ => (k, v),
                            })
                            .collect(),
                    ),
                    other => other,
                })
                .collect(),
        ),
        ("bases", Yaml::Seq(bases)) => Yaml::Seq(
            bases
                .into_iter()
                .map(|b| {
                    if b.get("build-on").is_some() {
                        let build_on = b.get("build-on").cloned().unwrap_or(Yaml::Seq(vec![]));
                        let run_on = b.get("run-on").cloned().unwrap_or_else(|| build_on.clone());
                        Yaml::Map(vec![(s("build-on"), build_on), (s("run-on"), run_on)])
                    } else {
                        Yaml::Map(vec![
                            (s("build-on"), Yaml::Seq(vec![b.clone()])),
                            (s("run-on"), Yaml::Seq(vec![b])),
                        ])
                    }
                })
                .collect(),
        ),
        (_, v) => v,
    }
}
