//! The charm config as paas-charm reads it: the Juju config dict, the framework config model,
//! the user-defined options and their validation, and the "short" error message.

use crate::deployment::{ConfigValue, Deployment, SecretContent};
use crate::pyjson::PyValue;
use crate::status::Cause;
use indexmap::IndexMap;
use paasc_frameworks::{Default, Field, Kind, Spec};
use paasc_syntax::Yaml;
use std::borrow::Cow;

/// A value of the charm config dict: plain, or the content of a secret-typed option.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    Plain(ConfigValue),
    Secret(SecretContent),
}

impl Value {
    pub(crate) fn to_py(&self) -> PyValue {
        match self {
            Value::Plain(ConfigValue::Str(s)) => PyValue::Str(s.clone()),
            Value::Plain(ConfigValue::Int(i)) => PyValue::Int(i128::from(*i)),
            Value::Plain(ConfigValue::Float(f)) => PyValue::Float(*f),
            Value::Plain(ConfigValue::Bool(b)) => PyValue::Bool(*b),
            Value::Secret(c) => PyValue::Dict(
                c.iter()
                    .map(|(k, v)| (k.clone(), PyValue::Str(v.clone())))
                    .collect(),
            ),
        }
    }

    fn truthy(&self) -> bool {
        self.to_py().truthy()
    }
}

/// One declared option.
#[derive(Clone, Copy, Debug)]
pub(crate) struct OptionMeta<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub optional: bool,
}

/// The `config.options` mapping's entries.
fn declared(charm: &Yaml) -> &[(Yaml, Yaml)] {
    charm
        .get("config")
        .and_then(|c| c.get("options"))
        .and_then(Yaml::as_map)
        .unwrap_or_default()
}

/// The option declared as `k: v`, with its default.
fn meta<'a>(k: &'a Yaml, v: &'a Yaml) -> Option<(OptionMeta<'a>, Option<&'a Yaml>)> {
    let name = k.as_str()?;
    // The first `type`, `optional` and `default`, as Yaml::get finds each, in one pass.
    let (mut kind, mut optional, mut default) = (None, None, None);
    for (key, value) in v.as_map().unwrap_or_default() {
        let slot = match key.as_str() {
            Some("type") => &mut kind,
            Some("optional") => &mut optional,
            Some("default") => &mut default,
            _ => continue,
        };
        slot.get_or_insert(value);
    }
    Some((
        OptionMeta {
            name,
            kind: kind.and_then(Yaml::as_str).unwrap_or(""),
            optional: !matches!(optional, Some(Yaml::Bool(false))),
        },
        default,
    ))
}

fn yaml_to_config(v: &Yaml) -> Option<ConfigValue> {
    match v {
        Yaml::Str(s) => Some(ConfigValue::Str(s.to_string())),
        Yaml::Bool(b) => Some(ConfigValue::Bool(*b)),
        Yaml::Int(i) => i64::try_from(*i).ok().map(ConfigValue::Int),
        Yaml::Float(f) => Some(ConfigValue::Float(*f)),
        _ => None,
    }
}

/// The charm config dict: option name to value, in file order (hashed with foldhash: a charm
/// may declare thousands of options).
pub(crate) type Config<'a> = IndexMap<&'a str, Value, foldhash::fast::RandomState>;

/// The declared options read once, for [`juju_config`] and [`user_config`].
pub(crate) type Declared<'a> = Vec<(OptionMeta<'a>, Option<&'a Yaml>)>;

/// The declared options, in file order.
pub(crate) fn declared_options(charm: &Yaml) -> Declared<'_> {
    let entries = declared(charm);
    let mut out = Vec::with_capacity(entries.len());
    out.extend(entries.iter().filter_map(|(k, v)| meta(k, v)));
    out
}

/// `self.config` with secret-typed options replaced by their secret content.
pub(crate) fn juju_config<'a>(declared: &Declared<'a>, dep: &Deployment) -> Config<'a> {
    config_of(declared.iter().copied(), dep, declared.len())
}

/// [`juju_config`] of only the options [`framework_config`] and the `webserver-*` settings
/// read, with no value set: what the charm's defaults depend on (a charm may declare thousands
/// of other options).
pub(crate) fn defaults_config<'a>(spec: &Spec, charm: &'a Yaml) -> Config<'a> {
    let read = |name: &str| {
        let id_of = name.strip_suffix("-id");
        name.starts_with("webserver-")
            || spec
                .fields
                .iter()
                .any(|f| f.alias == name || id_of == Some(f.alias))
    };
    let options = declared(charm)
        .iter()
        .filter(|(k, _)| k.as_str().is_some_and(read))
        .filter_map(|(k, v)| meta(k, v));
    config_of(options, &Deployment::default(), 0)
}

fn config_of<'a>(
    options: impl Iterator<Item = (OptionMeta<'a>, Option<&'a Yaml>)>,
    dep: &Deployment,
    capacity: usize,
) -> Config<'a> {
    let mut out =
        Config::with_capacity_and_hasher(capacity, foldhash::fast::RandomState::default());
    for (meta, default) in options {
        if meta.kind == "secret" {
            if let Some(content) = dep.secrets.get(meta.name) {
                out.insert(meta.name, Value::Secret(content.clone()));
            }
            continue;
        }
        let value = dep
            .config
            .get(meta.name)
            .cloned()
            .or_else(|| default.and_then(yaml_to_config));
        if let Some(v) = value {
            out.insert(meta.name, Value::Plain(v));
        }
    }
    out
}

/// paas-charm's `is_user_defined_config`.
pub(crate) fn is_user_defined(option: &str, framework: &str) -> bool {
    !(framework_option(option, framework)
        || option.starts_with("webserver-")
        || option.starts_with("app-"))
}

/// Whether `option` starts with `<framework>-`.
fn framework_option(option: &str, framework: &str) -> bool {
    option
        .strip_prefix(framework)
        .is_some_and(|rest| rest.starts_with('-'))
}

/// What paas-charm does with a config option the charm declares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OptionUse {
    /// A `<framework>-` option: read into the framework's own configuration.
    Framework,
    /// Another option starting with `app-` or `webserver-`: not a user option, never passed on.
    Reserved,
    /// A user option whose name, with `-` as `_`, is this field of the framework's
    /// configuration: dropped before the environment is built.
    Shadowed(&'static str),
    /// Passed to the app as this variable (a secret option's keys follow it as `_<KEY>`).
    Env(String),
}

/// How paas-charm passes the option `name` to the app of a `spec` framework.
pub fn option_use(spec: &Spec, name: &str) -> OptionUse {
    option_kept_out(spec, name).unwrap_or_else(|| OptionUse::Env(option_var(spec, name)))
}

/// How paas-charm keeps the option `name` out of the app's environment ([`option_use`]
/// without making the variable's name), or `None` when it passes the option on.
pub fn option_kept_out(spec: &Spec, name: &str) -> Option<OptionUse> {
    if framework_option(name, spec.name) {
        return Some(OptionUse::Framework);
    }
    if name.starts_with("webserver-") || name.starts_with("app-") {
        return Some(OptionUse::Reserved);
    }
    let as_field = |f: &str| {
        f.len() == name.len()
            && f.bytes()
                .zip(name.bytes())
                .all(|(f, n)| f == if n == b'-' { b'_' } else { n })
    };
    spec.fields
        .iter()
        .find(|f| as_field(f.name))
        .map(|f| OptionUse::Shadowed(f.name))
}

/// The variable a user option becomes: the configuration prefix, then the name in upper case
/// with `-` as `_`.
pub(crate) fn option_var(spec: &Spec, name: &str) -> String {
    let mut var = String::with_capacity(spec.configuration_prefix.len() + name.len());
    var.push_str(spec.configuration_prefix);
    for c in name.chars() {
        match c {
            '-' => var.push('_'),
            c if c.is_ascii() => var.push(c.to_ascii_uppercase()),
            c => var.extend(c.to_uppercase()),
        }
    }
    var
}

/// The variables (after the configuration prefix) paas-charm sets itself after the user
/// options, overwriting an option that becomes the same name.
pub const OWN_VARIABLES: [&str; 2] = ["BASE_URL", "PEER_FQDNS"];

/// One pydantic validation error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ConfigError {
    /// The location as paas-charm's message writes it.
    pub loc: String,
    /// The option responsible, as the charm declares it.
    pub option: String,
    /// pydantic's message.
    pub msg: String,
}

impl ConfigError {
    fn new(loc: &str, option: &str, msg: impl Into<String>) -> ConfigError {
        ConfigError {
            loc: loc.to_string(),
            option: option.to_string(),
            msg: msg.into(),
        }
    }

    /// Whether pydantic says the value is missing (rather than invalid).
    fn missing(&self) -> bool {
        self.msg.to_lowercase().contains("required")
    }
}

/// A pydantic validation error.
pub(crate) type Errors = Vec<ConfigError>;

/// The names `errors` gives for missing and for invalid values, each once, in order.
fn split<'a>(errors: &'a Errors, name: impl Fn(&'a ConfigError) -> &'a str) -> [Vec<&'a str>; 2] {
    let mut out: [Vec<&str>; 2] = [Vec::new(), Vec::new()];
    for e in errors {
        let list = &mut out[usize::from(!e.missing())];
        if !list.contains(&name(e)) {
            list.push(name(e));
        }
    }
    out
}

/// `build_validation_error_message(...).short`.
pub(crate) fn short_message(errors: &Errors) -> String {
    let [missing, invalid] = split(errors, |e| &e.loc);
    let m = if missing.is_empty() {
        String::new()
    } else {
        format!("missing options: {}", missing.join(", "))
    };
    let i = if invalid.is_empty() {
        String::new()
    } else {
        format!("invalid options: {}", invalid.join(", "))
    };
    let sep = if !missing.is_empty() && !invalid.is_empty() {
        ", "
    } else {
        ""
    };
    format!("{m}        {sep}{i}")
}

/// The options `errors` blames.
pub(crate) fn cause(errors: &Errors) -> Cause {
    let [missing, invalid] = split(errors, |e| &e.option);
    let owned = |v: Vec<&str>| v.into_iter().map(str::to_string).collect();
    Cause::Options {
        missing: owned(missing),
        invalid: owned(invalid),
    }
}

/// The validated framework config: field name to value, `None`s excluded, in field order.
pub(crate) type FrameworkConfig = Vec<(&'static str, PyValue)>;

/// `FrameworkConfig.model_validate(config)` for the framework's model.
pub(crate) fn framework_config(
    spec: &Spec,
    config: &Config<'_>,
) -> Result<FrameworkConfig, Errors> {
    // The secret key's value read from the secret its `-id` option names, in place of the
    // option's own (paas-charm writes it into a copy of the config).
    let mut secret_key: Option<(&str, Value)> = None;
    if let Some(sk) = spec.secret_key_field() {
        let id_name = [sk.alias, "-id"].concat();
        if let Some(id_value) = config.get(id_name.as_str()).filter(|v| v.truthy()).cloned() {
            let err = |m: String| vec![ConfigError::new("", &id_name, format!("Value error, {m}"))];
            if config.get(sk.alias).is_some_and(Value::truthy) {
                return Err(err(format!(
                    "{id_name} and {} are defined in the same time",
                    sk.alias
                )));
            }
            let Value::Secret(content) = id_value else {
                return Err(vec![ConfigError::new(
                    "",
                    &id_name,
                    "Input should be a valid dictionary",
                )]);
            };
            let Some(value) = content.get("value") else {
                return Err(err(format!(
                    "{id_name} missing 'value' key in the secret content"
                )));
            };
            if content.len() > 1 {
                return Err(err(format!("{id_name} secret contains multiple values")));
            }
            secret_key = Some((sk.alias, Value::Plain(ConfigValue::Str(value.clone()))));
        }
    }
    let data = |alias: &str| match &secret_key {
        Some((key, value)) if *key == alias => Some(value),
        _ => config.get(alias),
    };
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for f in spec.fields {
        match data(f.alias) {
            None => match f.default {
                Default::None => {}
                Default::Str(s) => out.push((f.name, PyValue::Str(s.into()))),
                Default::Int(i) => out.push((f.name, PyValue::Int(i.into()))),
                Default::EmptyList => out.push((f.name, PyValue::List(Vec::new()))),
            },
            Some(v) => match validate_field(f, v) {
                Ok(v) => out.push((f.name, v)),
                Err(msg) => errors.push(ConfigError::new(f.alias, f.alias, msg)),
            },
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn validate_field(f: &Field, v: &Value) -> Result<PyValue, String> {
    let Value::Plain(v) = v else {
        return Err("Input should be a valid value".into());
    };
    match f.kind {
        Kind::Str(min) => {
            let s = as_str(v)?;
            if s.chars().count() < min {
                return Err(format!("String should have at least {min} character"));
            }
            Ok(PyValue::Str(s.into()))
        }
        Kind::IntGt(bound) => {
            let i = as_int(v)?;
            if i <= bound {
                return Err(format!("Input should be greater than {bound}"));
            }
            Ok(PyValue::Int(i.into()))
        }
        Kind::Bool => as_bool(v).map(PyValue::Bool),
        Kind::UrlScheme => {
            let s = as_str(v)?;
            if s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https") {
                Ok(PyValue::Str(s.to_uppercase()))
            } else {
                Err("String should match pattern '(?i)^(HTTP|HTTPS)$'".into())
            }
        }
        Kind::Literal(allowed) => {
            let s = as_str(v)?;
            if allowed.contains(&s) {
                Ok(PyValue::Str(s.into()))
            } else {
                Err("Input should be one of the allowed values".into())
            }
        }
        Kind::HostList => {
            let s = as_str(v)?;
            if s.is_empty() {
                return Ok(PyValue::List(Vec::new()));
            }
            Ok(PyValue::List(
                s.split(',')
                    .map(|h| PyValue::Str(py_strip(h).into()))
                    .collect(),
            ))
        }
    }
}

/// Python's `str.strip()` (whitespace).
fn py_strip(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

fn as_str(v: &ConfigValue) -> Result<&str, String> {
    match v {
        ConfigValue::Str(s) => Ok(s),
        _ => Err("Input should be a valid string".into()),
    }
}

fn as_int(v: &ConfigValue) -> Result<i64, String> {
    match v {
        ConfigValue::Int(i) => Ok(*i),
        ConfigValue::Bool(b) => Ok(i64::from(*b)),
        ConfigValue::Float(f) if f.fract() == 0.0 && f.abs() < 9.2e18 => Ok(*f as i64),
        ConfigValue::Float(_) => {
            Err("Input should be a valid integer, got a number with a fractional part".into())
        }
        ConfigValue::Str(s) => s
            .trim()
            .parse()
            .map_err(|_| "Input should be a valid integer, unable to parse string".into()),
    }
}

fn as_bool(v: &ConfigValue) -> Result<bool, String> {
    let bad = || "Input should be a valid boolean".to_string();
    match v {
        ConfigValue::Bool(b) => Ok(*b),
        ConfigValue::Int(0) => Ok(false),
        ConfigValue::Int(1) => Ok(true),
        ConfigValue::Float(f) if *f == 0.0 => Ok(false),
        ConfigValue::Float(f) if *f == 1.0 => Ok(true),
        ConfigValue::Str(s) => match s.to_lowercase().as_str() {
            "0" | "off" | "f" | "false" | "n" | "no" => Ok(false),
            "1" | "on" | "t" | "true" | "y" | "yes" => Ok(true),
            _ => Err(bad()),
        },
        _ => Err(bad()),
    }
}

/// A user-defined option that reaches the environment.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct UserOption<'a> {
    /// The name the charm declares.
    pub option: &'a str,
    /// Its value.
    pub value: &'a Value,
}

/// An option name compared and hashed as paas-charm keys it, with `-` as `_` (and, with
/// `UPPER`, in ASCII upper case, as the variable it becomes is spelt), without making that
/// string.
#[derive(Clone, Debug)]
pub struct NameKey<'a, const UPPER: bool>(pub Cow<'a, str>);

/// An option name as paas-charm's config keys it.
type Underscored<'a> = NameKey<'a, false>;

impl<'a, const UPPER: bool> From<&'a str> for NameKey<'a, UPPER> {
    fn from(name: &'a str) -> Self {
        NameKey(Cow::Borrowed(name))
    }
}

/// A byte of a name as [`NameKey`] compares it.
fn key_byte<const UPPER: bool>(b: u8) -> u8 {
    match b {
        b'-' => b'_',
        _ if UPPER => b.to_ascii_uppercase(),
        _ => b,
    }
}

impl<const UPPER: bool> NameKey<'_, UPPER> {
    fn bytes(&self) -> impl Iterator<Item = u8> + '_ {
        self.0.bytes().map(key_byte::<UPPER>)
    }
}

impl<const UPPER: bool> PartialEq for NameKey<'_, UPPER> {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len() && self.bytes().eq(other.bytes())
    }
}

impl<const UPPER: bool> Eq for NameKey<'_, UPPER> {}

/// [`key_byte`] of each of the eight bytes of `w` at once: every `-` becomes `_` and, with
/// `UPPER`, every ASCII lower-case letter its upper case (bytes over 127 are left as they are).
fn key_word<const UPPER: bool>(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const LOW7: u64 = 0x7f * ONES;
    const HIGH: u64 = 0x80 * ONES;
    // 0x80 in each byte of `x` that is zero, and nowhere else (no carries between bytes).
    let zero = |x: u64| !(((x & LOW7) + LOW7) | x | LOW7);
    let dash = zero(w ^ (u64::from(b'-') * ONES)) >> 7;
    let mut w = (w & !(dash * 0xff)) | (dash * u64::from(b'_'));
    if UPPER {
        let heptets = w & LOW7;
        let from_a = heptets + (0x80 - u64::from(b'a')) * ONES;
        let past_z = heptets + (0x80 - u64::from(b'z') - 1) * ONES;
        let lower = from_a & !past_z & !w & HIGH;
        w ^= lower >> 2;
    }
    w
}

impl<const UPPER: bool> std::hash::Hash for NameKey<'_, UPPER> {
    /// The keyed bytes, hashed eight at a time as words made in registers. (Keyed into a
    /// buffer byte by byte, each word the hasher then read from it waited for those stores:
    /// the larger part of C015's time on a large charm; README, "Performance".)
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let bytes = self.0.as_bytes();
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut le = [0u8; 8];
            le.copy_from_slice(word);
            state.write_u64(key_word::<UPPER>(u64::from_le_bytes(le)));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            let tail = rest.iter().rev().fold(0, |w, &b| (w << 8) | u64::from(b));
            state.write_u64(key_word::<UPPER>(tail));
        }
        state.write_usize(bytes.len());
    }
}

/// Whether no two of `keys` are equal, told from their 64-bit hashes alone: `true` when the
/// hashes all differ, and so the keys. `false` when two hashes are equal, which a hash collision
/// can also cause: the caller then compares the keys themselves. Only the hashes are kept, eight
/// bytes each: 100,000 option names take a table of 1 MiB, which a core's cache holds, where a
/// table of the names missed the cache at each of their lookups (docs/performance-log.md).
pub fn distinct<K: std::hash::Hash>(keys: impl Iterator<Item = K>, capacity: usize) -> bool {
    let state = foldhash::fast::FixedState::default();
    let mut seen: std::collections::HashSet<u64, std::hash::BuildHasherDefault<Spent>> =
        std::collections::HashSet::with_capacity_and_hasher(
            capacity,
            std::hash::BuildHasherDefault::default(),
        );
    keys.map(|k| std::hash::BuildHasher::hash_one(&state, k))
        .all(|h| seen.insert(h))
}

/// The hasher of a set of hashes: a `u64` already is one, so it is taken as it is.
#[derive(Default)]
struct Spent(u64);

impl std::hash::Hasher for Spent {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = bytes
            .iter()
            .fold(self.0, |h, &b| h.rotate_left(8) ^ u64::from(b));
    }

    fn write_u64(&mut self, h: u64) {
        self.0 = h;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The user-defined options that reach the environment, after validating them against the
/// charm's generated `AppConfig` model.
pub(crate) fn user_config<'a>(
    declared: &Declared<'_>,
    spec: &Spec,
    config: &'a Config<'_>,
) -> Result<Vec<UserOption<'a>>, Errors> {
    let shadowed = |k: &str| {
        spec.fields
            .iter()
            .any(|f| Underscored::from(f.name) == Underscored::from(k))
    };
    let user: Vec<UserOption> = config
        .iter()
        .filter(|(k, _)| is_user_defined(k, spec.name) && !shadowed(k))
        .map(|(k, v)| UserOption {
            option: k,
            value: v,
        })
        .collect();
    let metas = || {
        declared
            .iter()
            .map(|(meta, _)| meta)
            .filter(|m| is_user_defined(m.name, spec.name))
    };
    let validate = |found: &mut dyn FnMut(&OptionMeta) -> Option<&'a Value>| {
        let mut errors = Vec::new();
        for meta in metas() {
            let loc = || meta.name.replace('_', "-");
            match found(meta) {
                None if !meta.optional => {
                    errors.push(ConfigError::new(&loc(), meta.name, "Field required"))
                }
                None => {}
                Some(v) => {
                    let ok = matches!(
                        (meta.kind, v),
                        ("string", Value::Plain(ConfigValue::Str(_)))
                            | ("int", Value::Plain(ConfigValue::Int(_)))
                            | (
                                "float",
                                Value::Plain(ConfigValue::Float(_) | ConfigValue::Int(_))
                            )
                            | ("boolean", Value::Plain(ConfigValue::Bool(_)))
                            | ("secret", Value::Secret(_))
                    );
                    if !ok {
                        errors.push(ConfigError::new(
                            &loc(),
                            meta.name,
                            "Input should be a valid value",
                        ));
                    }
                }
            }
        }
        errors
    };
    // pydantic reads each field from the first option of its underscored name. When no two
    // user options share one, that is the option of the field's own name, and `user` holds
    // those in `declared`'s order: it is walked beside it, and must be used up by the walk.
    // Otherwise the options are indexed by name (a charm may declare thousands).
    let walked = distinct(metas().map(|m| Underscored::from(m.name)), declared.len())
        .then(|| {
            let mut in_order = user.iter().peekable();
            let errors =
                validate(&mut |m| in_order.next_if(|o| o.option == m.name).map(|o| o.value));
            in_order.peek().is_none().then_some(errors)
        })
        .flatten();
    let errors = walked.unwrap_or_else(|| {
        let mut by_name: foldhash::HashMap<Underscored, &Value> =
            foldhash::HashMapExt::with_capacity(user.len());
        for o in &user {
            by_name
                .entry(Underscored::from(o.option))
                .or_insert(o.value);
        }
        validate(&mut |m| by_name.get(&Underscored::from(m.name)).copied())
    });
    if errors.is_empty() {
        Ok(user)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`key_word`] maps each byte as [`key_byte`] does, whatever its neighbours: every byte
    /// value at every position, beside bytes that make carries and borrows likely.
    #[test]
    fn a_word_is_keyed_as_its_bytes_are() {
        fn check<const UPPER: bool>() {
            for filler in [0x00, 0x2d, 0x60, 0x61, 0x7a, 0x7b, 0x7f, 0x80, 0xe1, 0xff] {
                for b in 0..=255u8 {
                    for at in 0..8 {
                        let mut bytes = [filler; 8];
                        bytes[at] = b;
                        let want = bytes.map(key_byte::<UPPER>);
                        let got = key_word::<UPPER>(u64::from_le_bytes(bytes)).to_le_bytes();
                        assert_eq!(got, want, "{bytes:?}, upper {UPPER}");
                    }
                }
            }
        }
        check::<true>();
        check::<false>();
    }

    /// Names equal as keys hash alike, whatever their length (a tail shorter than a word).
    #[test]
    fn equal_keys_hash_alike() {
        use std::hash::BuildHasher as _;
        let hasher = foldhash::fast::FixedState::with_seed(7);
        for (a, b) in [
            ("page-size", "page_size"),
            ("a", "a"),
            ("opt-12345678", "opt_12345678"),
            ("ab-cd-ef-gh-", "ab_cd_ef_gh_"),
            ("", ""),
        ] {
            let (a, b) = (NameKey::<false>::from(a), NameKey::<false>::from(b));
            assert_eq!(a, b);
            assert_eq!(hasher.hash_one(&a), hasher.hash_one(&b));
            let (a, b) = (
                NameKey::<true>::from(a.0.as_ref()),
                NameKey::<true>::from(b.0.as_ref()),
            );
            assert_eq!(hasher.hash_one(&a), hasher.hash_one(&b));
        }
        let upper = |s: &str| hasher.hash_one(NameKey::<true>::from(s));
        assert_eq!(upper("Page-Size"), upper("PAGE_SIZE"));
        assert_ne!(upper("page-size"), upper("page-sizes"));
    }

    #[test]
    fn distinct_tells_equal_keys() {
        let under = |names: &[&'static str]| {
            distinct(
                names.iter().map(|n| NameKey::<false>::from(*n)),
                names.len(),
            )
        };
        assert!(under(&[]));
        assert!(under(&["a", "b", "page-size", "page-sizes"]));
        assert!(!under(&["page-size", "x", "page_size"]));
        assert!(!under(&["a", "a"]));
        let many: Vec<String> = (0..20_000).map(|i| format!("opt-{i}")).collect();
        assert!(distinct(
            many.iter().map(|n| NameKey::<false>::from(n.as_str())),
            0
        ));
        for twice in ["opt-0", "opt_12345", "opt-19999"] {
            let names = many.iter().map(String::as_str).chain([twice]);
            assert!(
                !distinct(names.map(NameKey::<false>::from), many.len()),
                "{twice}"
            );
        }
        let upper = |a: &'static str, b: &'static str| {
            distinct([a, b].into_iter().map(NameKey::<true>::from), 2)
        };
        assert!(!upper("Page-Size", "PAGE_SIZE"));
        assert!(upper("page-size", "page-sizes"));
    }

    /// pydantic reads a field from the first option of its underscored name, whether the
    /// options' names are all distinct (walked in order) or not (looked up by name).
    #[test]
    fn user_options_are_validated_by_their_underscored_names() {
        let charm = |options: &str| {
            let text = format!("config:\n  options:\n{options}");
            let (tree, diags) = paasc_syntax::parse(
                paasc_diag::FileId(0),
                &text,
                paasc_syntax::Limits::default(),
            );
            assert!(diags.is_empty(), "{diags:?}");
            tree.root()
                .map(|r| Yaml::from_tree(&tree, r))
                .unwrap_or(Yaml::Null)
        };
        let spec = paasc_frameworks::Framework::Flask.spec();
        let errors = |options: &str, set: &[(&str, ConfigValue)]| {
            let charm = charm(options);
            let declared = declared_options(&charm);
            let mut dep = Deployment::default();
            for (k, v) in set {
                dep.config.insert((*k).to_string(), v.clone());
            }
            let config = juju_config(&declared, &dep);
            match user_config(&declared, spec, &config) {
                Ok(user) => Ok(user
                    .iter()
                    .map(|o| o.option.to_string())
                    .collect::<Vec<_>>()),
                Err(e) => Err(e
                    .iter()
                    .map(|e| format!("{}: {}", e.loc, e.msg))
                    .collect::<Vec<_>>()),
            }
        };
        let int = ConfigValue::Int(1);
        let text = ConfigValue::Str("x".into());
        // Distinct names: each option is its own field.
        let options = "    a-b: {type: int, optional: false}\n    c: {type: string}\n    d: {type: int, optional: false}\n";
        assert_eq!(
            errors(options, &[("a-b", int.clone()), ("d", int.clone())]),
            Ok(vec!["a-b".into(), "d".into()])
        );
        assert_eq!(
            errors(options, &[("a-b", int.clone())]),
            Err(vec!["d: Field required".into()])
        );
        assert_eq!(
            errors(
                options,
                &[
                    ("a-b", text.clone()),
                    ("c", int.clone()),
                    ("d", int.clone())
                ]
            ),
            Err(vec![
                "a-b: Input should be a valid value".into(),
                "c: Input should be a valid value".into()
            ])
        );
        // `a-b` and `a_b` are one field, read from the first of them that has a value.
        let options = "    a-b: {type: int}\n    a_b: {type: string, optional: false}\n";
        assert_eq!(
            errors(options, &[("a-b", int.clone())]),
            Err(vec!["a-b: Input should be a valid value".into()])
        );
        assert_eq!(
            errors(options, &[("a_b", text.clone())]),
            Err(vec!["a-b: Input should be a valid value".into()])
        );
        assert_eq!(
            errors(options, &[("a-b", text.clone()), ("a_b", int.clone())]),
            Err(vec!["a-b: Input should be a valid value".into()])
        );
        assert_eq!(
            errors(options, &[("a-b", int.clone()), ("a_b", text.clone())]),
            Err(vec!["a-b: Input should be a valid value".into()])
        );
    }

    #[test]
    fn option_uses_follow_paas_charm() {
        let flask = paasc_frameworks::Framework::Flask.spec();
        let django = paasc_frameworks::Framework::Django.spec();
        let names = [
            "flask-secret-key",
            "flask",
            "flaskx-a",
            "webserver-workers",
            "app-port",
            "app",
            "secret-key",
            "secret_key",
            "page-size",
            "Page_Size",
            "straße",
            "émoji-ǆ",
            "-",
            "",
        ];
        for spec in [flask, django] {
            for name in names {
                let old_user = ![
                    format!("{}-", spec.name),
                    "webserver-".into(),
                    "app-".into(),
                ]
                .iter()
                .any(|p| name.starts_with(p.as_str()));
                assert_eq!(is_user_defined(name, spec.name), old_user, "{name}");
                let old = if name.starts_with(&format!("{}-", spec.name)) {
                    OptionUse::Framework
                } else if !old_user {
                    OptionUse::Reserved
                } else {
                    let field = name.replace('-', "_");
                    match spec.fields.iter().find(|f| f.name == field) {
                        Some(f) => OptionUse::Shadowed(f.name),
                        None => OptionUse::Env(format!(
                            "{}{}",
                            spec.configuration_prefix,
                            name.replace('-', "_").to_uppercase()
                        )),
                    }
                };
                assert_eq!(option_use(spec, name), old, "{name}");
            }
        }
        assert_eq!(
            option_use(flask, "straße"),
            OptionUse::Env("FLASK_STRASSE".into())
        );
        assert_eq!(
            option_use(flask, "secret-key"),
            OptionUse::Shadowed("secret_key")
        );
    }

    #[test]
    fn short_message_keeps_the_eight_spaces() {
        let e = |l: &str, m: &str| ConfigError::new(l, l, m);
        assert_eq!(
            short_message(&vec![e("needed-thing", "Field required")]),
            "missing options: needed-thing        "
        );
        assert_eq!(
            short_message(&vec![e(
                "flask-env",
                "String should have at least 1 character"
            )]),
            "        invalid options: flask-env"
        );
        assert_eq!(
            short_message(&vec![e("a", "Field required"), e("c", "bad")]),
            "missing options: a        , invalid options: c"
        );
    }

    #[test]
    fn user_defined_prefixes() {
        assert!(is_user_defined("greeting", "flask"));
        assert!(!is_user_defined("flask-env", "flask"));
        assert!(!is_user_defined("app-foo", "flask"));
        assert!(!is_user_defined("webserver-workers", "django"));
        assert!(is_user_defined("metrics-port", "spring-boot"));
    }
}
