//! Scalar resolution exactly as PyYAML's `SafeLoader` (YAML 1.1) does it, and the YAML 1.2 core
//! schema reading used to warn where the two disagree.

use crate::numeric::{is_float11, is_float12, is_int11, is_int12, is_timestamp11};
use compact_str::CompactString;

/// How a scalar was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Unquoted.
    Plain,
    /// `'...'`
    SingleQuoted,
    /// `"..."`
    DoubleQuoted,
    /// `|`
    Literal,
    /// `>`
    Folded,
}

/// A scalar as written: its text (after YAML unescaping and folding), style and tag. Made by
/// [`Scalar::new`], which resolves it once (a tree's scalars are read, never changed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scalar {
    /// The scalar's content; up to 24 bytes are kept inline, without an allocation (a tree of
    /// a large file holds tens of thousands of short keys and values).
    pub text: CompactString,
    /// How it was written.
    pub style: Style,
    /// The scalar's explicit core tag (`!!str`, `!!int`, ...), if it has one.
    pub core_tag: Option<CoreTag>,
    /// What [`Scalar::value`] reads the text as, found once when the scalar is made.
    reading: Reading,
}

/// A core tag of the YAML 1.1 types PyYAML's safe loader knows for scalars.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoreTag {
    /// `!!str` (or the non-specific `!`).
    Str,
    /// `!!int`
    Int,
    /// `!!float`
    Float,
    /// `!!bool`
    Bool,
    /// `!!null`
    Null,
    /// `!!timestamp`
    Timestamp,
    /// `!!binary`
    Binary,
}

impl CoreTag {
    /// The tag whose suffix (after `!!`) is `suffix`.
    pub fn from_suffix(suffix: &str) -> Option<CoreTag> {
        Some(match suffix {
            "str" => CoreTag::Str,
            "int" => CoreTag::Int,
            "float" => CoreTag::Float,
            "bool" => CoreTag::Bool,
            "null" => CoreTag::Null,
            "timestamp" => CoreTag::Timestamp,
            "binary" => CoreTag::Binary,
            _ => return None,
        })
    }
}

/// The [`Value`] a scalar reads as, without its text: what [`Scalar::value`] returns without
/// running the resolvers again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reading {
    Null,
    Bool(bool),
    Int(Bits),
    /// An integer beyond i64, parsed again from the text.
    WideInt,
    /// A float's bits.
    Float(Bits),
    Timestamp,
    Str,
}

/// 64 bits kept 4-byte aligned: a [`Reading`] then takes 12 bytes, a [`Scalar`] 40 and a tree
/// node 48 (a large file's tree holds tens of thousands).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Bits([u32; 2]);

impl Bits {
    fn new(v: u64) -> Bits {
        Bits([v as u32, (v >> 32) as u32])
    }

    fn get(self) -> u64 {
        u64::from(self.0[0]) | (u64::from(self.0[1]) << 32)
    }
}

/// The typed value PyYAML's safe loader constructs for a scalar.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    /// `~`, `null`, or empty.
    Null,
    /// `true`, `yes`, `on`, ...
    Bool(bool),
    /// An integer that fits i128.
    Int(i128),
    /// An integer too large for i128, as its decimal digits (as Python would print it).
    BigInt(String),
    /// A float.
    Float(f64),
    /// A date or date-time, as written.
    Timestamp(&'a str),
    /// A string.
    Str(&'a str),
}

impl Value<'_> {
    /// A short English description for messages: "the boolean true", "a string", ...
    pub fn describe(&self) -> String {
        match self {
            Value::Null => "null".into(),
            Value::Bool(b) => format!("the boolean {b}"),
            Value::Int(_) | Value::BigInt(_) => "an integer".into(),
            Value::Float(_) => "a float".into(),
            Value::Timestamp(_) => "a date".into(),
            Value::Str(_) => "a string".into(),
        }
    }
}

/// Whether a plain scalar `t` may be read as anything but a string, in YAML 1.1 or 1.2: it is
/// empty or starts as a null word, a bool word or a number does.
#[inline(always)]
fn may_resolve(t: &str) -> bool {
    t.as_bytes()
        .first()
        .is_none_or(|&b| MAY_RESOLVE[usize::from(b)])
}

/// The first bytes of [`may_resolve`]'s words and numbers.
static MAY_RESOLVE: [bool; 256] = {
    let mut table = [false; 256];
    let firsts = b"0123456789-+.~nNyYtToOfF";
    let mut i = 0;
    while i < firsts.len() {
        table[firsts[i] as usize] = true;
        i += 1;
    }
    table
};

/// Whether `t` can be a number or a timestamp: the first character every numeric pattern
/// (YAML 1.1 and 1.2) requires.
fn starts_numeric(t: &str) -> bool {
    matches!(t.as_bytes().first(), Some(b'0'..=b'9' | b'-' | b'+' | b'.'))
}

impl Scalar {
    /// A scalar with this text, style and core tag.
    pub fn new(text: String, style: Style, core_tag: Option<CoreTag>) -> Scalar {
        Scalar::of(CompactString::from(text), style, core_tag)
    }

    /// [`Scalar::new`] of text already in its compact form.
    pub(crate) fn of(text: CompactString, style: Style, core_tag: Option<CoreTag>) -> Scalar {
        let reading = match resolve(&text, style, core_tag) {
            Value::Null => Reading::Null,
            Value::Bool(b) => Reading::Bool(b),
            Value::Int(i) => {
                i64::try_from(i).map_or(Reading::WideInt, |i| Reading::Int(Bits::new(i as u64)))
            }
            Value::BigInt(_) => Reading::WideInt,
            Value::Float(f) => Reading::Float(Bits::new(f.to_bits())),
            Value::Timestamp(_) => Reading::Timestamp,
            Value::Str(_) => Reading::Str,
        };
        Scalar {
            text,
            style,
            core_tag,
            reading,
        }
    }

    /// The value PyYAML's safe loader gives this scalar (YAML 1.1 implicit resolution, or the
    /// explicit core tag). An explicit tag whose text does not parse yields a string.
    pub fn value(&self) -> Value<'_> {
        let t = self.text.as_str();
        match self.reading {
            Reading::Null => Value::Null,
            Reading::Bool(b) => Value::Bool(b),
            Reading::Int(i) => Value::Int(i128::from(i.get() as i64)),
            Reading::WideInt => int11(t).unwrap_or(Value::Str(t)),
            Reading::Float(bits) => Value::Float(f64::from_bits(bits.get())),
            Reading::Timestamp => Value::Timestamp(t),
            Reading::Str => Value::Str(t),
        }
    }

    /// If this plain scalar means something else under the YAML 1.2 core schema, that reading.
    pub fn yaml12_difference(&self) -> Option<String> {
        if self.style != Style::Plain || self.core_tag.is_some() || !may_resolve(&self.text) {
            return None;
        }
        // YAML 1.2's null and bool words are YAML 1.1's too, and its numbers start as
        // `starts_numeric` says: a string to PyYAML that does not start so is one to both.
        if self.reading == Reading::Str && !starts_numeric(&self.text) {
            return None;
        }
        if matches!(self.reading, Reading::Int(_) | Reading::Float(_))
            && number_read_alike(&self.text)
        {
            return None;
        }
        let v11 = self.value();
        let v12 = resolve12_plain(&self.text);
        let same = match (&v11, &v12) {
            (Value::Str(_), Value::Str(_)) => true,
            (Value::Float(a), Value::Float(b)) => a == b || (a.is_nan() && b.is_nan()),
            (a, b) => a == b,
        };
        if same {
            None
        } else {
            Some(match v12 {
                Value::Str(_) => format!("the string \"{}\"", self.text),
                Value::Int(i) => format!("the integer {i}"),
                Value::Float(f) => format!("the float {}", python_float_repr(f)),
                other => other.describe(),
            })
        }
    }
}

/// Whether the plain scalar `t`, which YAML 1.1 reads as an integer that fits i64 or as a float,
/// is a number YAML 1.2 reads the same way, by its form alone: decimal digits without a leading
/// zero, or digits, a dot and digits (most numbers; the matchers need not run again).
fn number_read_alike(t: &str) -> bool {
    let b = t.as_bytes();
    let int = b.iter().take_while(|c| c.is_ascii_digit()).count();
    match &b[int..] {
        [] => int == 1 || (int > 1 && b[0] != b'0'),
        [b'.', frac @ ..] => int > 0 && !frac.is_empty() && frac.iter().all(u8::is_ascii_digit),
        _ => false,
    }
}

/// What PyYAML's safe loader reads a scalar as: the explicit core tag's reading, or YAML 1.1
/// implicit resolution of a plain scalar; a string otherwise.
fn resolve<'a>(t: &'a str, style: Style, core_tag: Option<CoreTag>) -> Value<'a> {
    match core_tag {
        Some(CoreTag::Str) => return Value::Str(t),
        Some(CoreTag::Null) => return Value::Null,
        Some(CoreTag::Bool) => {
            return match t.to_ascii_lowercase().as_str() {
                "yes" | "true" | "on" => Value::Bool(true),
                "no" | "false" | "off" => Value::Bool(false),
                _ => Value::Str(t),
            }
        }
        Some(CoreTag::Int) => return int11(t).unwrap_or(Value::Str(t)),
        Some(CoreTag::Float) => return float11(t).map_or(Value::Str(t), Value::Float),
        Some(CoreTag::Timestamp) => return Value::Timestamp(t),
        _ => {}
    }
    if style != Style::Plain {
        return Value::Str(t);
    }
    resolve11_plain(t)
}

/// Whether YAML 1.1 (PyYAML) and YAML 1.2 core-schema readers both read the plain scalar `t` as
/// the string `t`: [`Scalar::yaml12_difference`] is `None` and [`resolve11_plain`] a string.
pub(crate) fn plain_reads_as_string(t: &str) -> bool {
    matches!(resolve11_plain(t), Value::Str(_)) && matches!(resolve12_plain(t), Value::Str(_))
}

/// PyYAML's implicit resolution of a plain scalar.
pub fn resolve11_plain(t: &str) -> Value<'_> {
    // Like PyYAML, which indexes its resolvers by first character: null and bool match only fixed
    // words, and the numeric patterns only text starting with a digit, a sign or a dot, so
    // most scalars are strings without running a matcher (a large file holds hundreds of
    // thousands of scalars).
    // PyYAML's null and bool resolvers, `^(?:~|null|Null|NULL|)$` and `^(?:yes|Yes|YES|no|No|NO|
    // true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$`, as a `match` (a switch on the
    // length, then a few comparisons); a test checks it against the patterns.
    if !may_resolve(t) {
        return Value::Str(t);
    }
    match t {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Value::Bool(true)
        }
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Value::Bool(false)
        }
        _ => {}
    }
    if !starts_numeric(t) {
        return Value::Str(t);
    }
    if is_int11(t) {
        if let Some(v) = int11(t) {
            return v;
        }
    }
    if is_float11(t) {
        if let Some(f) = float11(t) {
            return Value::Float(f);
        }
    }
    if is_timestamp11(t) {
        return Value::Timestamp(t);
    }
    Value::Str(t)
}

fn resolve12_plain(t: &str) -> Value<'_> {
    match t {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    // INT12 and FLOAT12 match only text starting with a digit, a sign or a dot.
    if !starts_numeric(t) {
        return Value::Str(t);
    }
    if is_int12(t) {
        let parsed = if let Some(o) = t.strip_prefix("0o") {
            i128::from_str_radix(o, 8).ok()
        } else if let Some(h) = t.strip_prefix("0x") {
            i128::from_str_radix(h, 16).ok()
        } else {
            t.parse::<i128>().ok()
        };
        return parsed.map_or(Value::Str(t), Value::Int);
    }
    if is_float12(t) {
        return special_float(t)
            .or_else(|| t.parse::<f64>().ok())
            .map_or(Value::Str(t), Value::Float);
    }
    Value::Str(t)
}

fn special_float(t: &str) -> Option<f64> {
    let is = |word: &str| t.eq_ignore_ascii_case(word);
    if is(".inf") || is("+.inf") {
        Some(f64::INFINITY)
    } else if is("-.inf") {
        Some(f64::NEG_INFINITY)
    } else if is(".nan") {
        Some(f64::NAN)
    } else {
        None
    }
}

/// PyYAML's `construct_yaml_int`.
fn int11(text: &str) -> Option<Value<'static>> {
    // Plain decimal digits (most integers): what the general path below computes, without its
    // copies of the text. 38 digits always fit an i128.
    let b = text.as_bytes();
    if !b.is_empty()
        && b.len() <= 38
        && b.iter().all(u8::is_ascii_digit)
        && (b[0] != b'0' || b.len() == 1)
    {
        return text.parse::<i128>().ok().map(Value::Int);
    }
    let mut v: String = text.chars().filter(|c| *c != '_').collect();
    let mut sign: i128 = 1;
    if let Some(rest) = v.strip_prefix('-') {
        sign = -1;
        v = rest.to_string();
    } else if let Some(rest) = v.strip_prefix('+') {
        v = rest.to_string();
    }
    let big = |digits: &str, radix: u32| -> Option<Value<'static>> {
        match i128::from_str_radix(digits, radix) {
            Ok(n) => Some(Value::Int(sign * n)),
            Err(_)
                if radix == 10
                    && !digits.is_empty()
                    && digits.bytes().all(|b| b.is_ascii_digit()) =>
            {
                Some(Value::BigInt(format!(
                    "{}{}",
                    if sign < 0 { "-" } else { "" },
                    digits.trim_start_matches('0')
                )))
            }
            Err(_) => None,
        }
    };
    if v == "0" {
        return Some(Value::Int(0));
    }
    if let Some(b) = v.strip_prefix("0b") {
        return big(b, 2);
    }
    if let Some(h) = v.strip_prefix("0x") {
        return big(h, 16);
    }
    if let Some(octal) = v.strip_prefix('0') {
        return big(octal, 8);
    }
    if v.contains(':') {
        let mut total: i128 = 0;
        for part in v.split(':') {
            total = total
                .checked_mul(60)?
                .checked_add(part.parse::<i128>().ok()?)?;
        }
        return Some(Value::Int(sign * total));
    }
    big(&v, 10)
}

/// PyYAML's `construct_yaml_float`.
fn float11(text: &str) -> Option<f64> {
    // `digits.digits` (most floats): the general path below parses the same text.
    if let Some((int, frac)) = text.split_once('.') {
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        if digits(int) && digits(frac) {
            return text.parse::<f64>().ok();
        }
    }
    let mut v: String = text
        .chars()
        .filter(|c| *c != '_')
        .collect::<String>()
        .to_ascii_lowercase();
    let mut sign = 1.0;
    if let Some(rest) = v.strip_prefix('-') {
        sign = -1.0;
        v = rest.to_string();
    } else if let Some(rest) = v.strip_prefix('+') {
        v = rest.to_string();
    }
    if v == ".inf" {
        return Some(sign * f64::INFINITY);
    }
    if v == ".nan" {
        return Some(f64::NAN);
    }
    if v.contains(':') {
        let mut total = 0.0;
        for part in v.split(':') {
            total = total * 60.0 + part.parse::<f64>().ok()?;
        }
        return Some(sign * total);
    }
    let v = if v.ends_with('.') { format!("{v}0") } else { v };
    let v = if v.starts_with('.') {
        format!("0{v}")
    } else {
        v
    };
    v.parse::<f64>().ok().map(|f| sign * f)
}

/// Python's `repr(str)`, as the tools' messages quote values: single quotes unless the text
/// holds `'` and no `"`, with `\\`, `\n`, `\r`, `\t` and the characters Python does not print
/// (controls, separators, format characters, private use) escaped.
pub fn python_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if !python_printable(c) => {
                let n = c as u32;
                if n < 0x100 {
                    out.push_str(&format!("\\x{n:02x}"));
                } else if n < 0x10000 {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `str.isprintable` for one character, short of the unassigned code points: false for
/// controls (Cc), format characters (Cf), separators other than the space (Zs, Zl, Zp),
/// private use (Co) and the noncharacters U+FFFE and U+FFFF.
fn python_printable(c: char) -> bool {
    !matches!(c as u32,
        0..=0x1f | 0x7f..=0xa0 | 0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x890..=0x891
        | 0x8e2 | 0x1680 | 0x180e | 0x2000..=0x200f | 0x2028..=0x202f | 0x205f..=0x2064
        | 0x2066..=0x206f | 0x3000 | 0xe000..=0xf8ff | 0xfeff | 0xfff9..=0xfffb | 0xfffe..=0xffff
        | 0x110bd | 0x110cd | 0x13430..=0x1343f | 0x1bca0..=0x1bca3 | 0x1d173..=0x1d17a
        | 0xe0001 | 0xe0020..=0xe007f | 0xf0000..=0x10ffff)
}

/// Python's `repr(float)`: the shortest round-tripping digits, in Python's layout
/// (`1.0`, `1e-07`, `1.5e+16`, `inf`, `nan`).
pub fn python_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    if (1e-4..1e16).contains(&f.abs()) {
        // Written out, as Python does for exponents -4 to 15; Rust's shortest digits are the
        // ones `{:e}` gives (a test checks it against `repr_by_exponent`).
        let mut s = f.to_string();
        if !s.contains('.') {
            s.push_str(".0");
        }
        return s;
    }
    repr_by_exponent(f)
}

/// [`python_float_repr`] of a finite, non-zero float, from Rust's shortest digits and their
/// exponent.
fn repr_by_exponent(f: f64) -> String {
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (neg, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let sign = if neg { "-" } else { "" };
    if (-4..16).contains(&exp) {
        let n = digits.len() as i32;
        let point = exp + 1;
        let body = if point <= 0 {
            format!("0.{}{}", "0".repeat((-point) as usize), digits)
        } else if point >= n {
            format!("{}{}.0", digits, "0".repeat((point - n) as usize))
        } else {
            format!(
                "{}.{}",
                &digits[..point as usize],
                &digits[point as usize..]
            )
        };
        format!("{sign}{body}")
    } else {
        let m = if digits.len() > 1 {
            format!("{}.{}", &digits[..1], &digits[1..])
        } else {
            digits.clone()
        };
        let esign = if exp < 0 { "-" } else { "+" };
        format!("{sign}{m}e{esign}{:02}", exp.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn str_repr_quotes_like_python() {
        assert_eq!(python_str_repr("pa"), "'pa'");
        assert_eq!(python_str_repr("it's"), "\"it's\"");
        assert_eq!(python_str_repr("a\nb"), "'a\\nb'");
        assert_eq!(python_str_repr("a'\"\x01"), "'a\\'\"\\x01'");
        assert_eq!(python_str_repr("\u{feff}"), "'\\ufeff'");
        assert_eq!(python_str_repr("\u{a0}\u{85}é"), "'\\xa0\\x85é'");
        assert_eq!(python_str_repr("\u{2028}"), "'\\u2028'");
    }

    const NULL11_WORDS: [&str; 4] = ["~", "null", "Null", "NULL"];
    const BOOL11_WORDS: [&str; 18] = [
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF",
    ];

    /// The resolution without the first-character shortcuts and with PyYAML's own patterns in
    /// place of the hand-written matchers.
    fn resolve11_by_patterns(t: &str) -> Value<'_> {
        use crate::numeric::patterns::{re, FLOAT11, INT11, TIMESTAMP11};
        let null = re(r"^(?:~|null|Null|NULL|)$");
        let bool11 =
            re(r"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$");
        if null.is_match(t) {
            return Value::Null;
        }
        if bool11.is_match(t) {
            return Value::Bool(
                matches!(t.chars().next(), Some('y' | 'Y' | 't' | 'T'))
                    || t.eq_ignore_ascii_case("on"),
            );
        }
        if INT11.is_match(t) {
            if let Some(v) = int11(t) {
                return v;
            }
        }
        if FLOAT11.is_match(t) {
            if let Some(f) = float11(t) {
                return Value::Float(f);
            }
        }
        if TIMESTAMP11.is_match(t) {
            return Value::Timestamp(t);
        }
        Value::Str(t)
    }

    #[test]
    fn shortcuts_resolve_as_the_patterns_do() {
        let mut texts: Vec<String> = NULL11_WORDS
            .iter()
            .chain(BOOL11_WORDS.iter())
            .map(|w| w.to_string())
            .collect();
        let tails = [
            "",
            "1",
            "12",
            "_1",
            "0",
            "7",
            "8",
            ".5",
            "e5",
            ".5e+5",
            ":30",
            ":30:15",
            "x",
            "-01-02",
            "-1-2 3:04:05",
            "inf",
            ".inf",
            "nan",
            ".nan",
            "b101",
            "x1F",
            "o17",
            "ull",
            "es",
            "rue",
            "n",
            "ff",
            " ",
            "-",
            "+",
        ];
        for first in [
            "", "~", "n", "N", "y", "Y", "t", "T", "f", "F", "o", "O", "a", "Z", "_", "-", "+",
            ".", "0", "1", "9", " ", "é", "2002", "12:30", "0x", "0b", "0o",
        ] {
            for tail in tails {
                texts.push(format!("{first}{tail}"));
            }
        }
        for t in &texts {
            let (fast, slow) = (resolve11_plain(t), resolve11_by_patterns(t));
            // NaN is not equal to itself.
            let same = match (&fast, &slow) {
                (Value::Float(a), Value::Float(b)) => a.to_bits() == b.to_bits(),
                _ => fast == slow,
            };
            assert!(same, "{t:?}: {fast:?} but the patterns give {slow:?}");
        }
    }

    fn plain(t: &str) -> Scalar {
        Scalar::new(t.into(), Style::Plain, None)
    }

    #[test]
    fn pyyaml_11_reading() {
        assert_eq!(plain("on").value(), Value::Bool(true));
        assert_eq!(plain("Off").value(), Value::Bool(false));
        assert_eq!(plain("y").value(), Value::Str("y"));
        assert_eq!(plain("0755").value(), Value::Int(493));
        assert_eq!(plain("1_000").value(), Value::Int(1000));
        assert_eq!(plain("12:30").value(), Value::Int(750));
        assert_eq!(plain("0x1F").value(), Value::Int(31));
        assert_eq!(plain("0b101").value(), Value::Int(5));
        assert_eq!(plain("1e5").value(), Value::Str("1e5"));
        assert_eq!(plain("1.0e+5").value(), Value::Float(100000.0));
        assert_eq!(plain("22.04").value(), Value::Float(22.04));
        assert_eq!(plain("2024-01-31").value(), Value::Timestamp("2024-01-31"));
        assert_eq!(plain("").value(), Value::Null);
        assert_eq!(plain("~").value(), Value::Null);
        assert_eq!(plain("-.inf").value(), Value::Float(f64::NEG_INFINITY));
        assert_eq!(
            plain("99999999999999999999999999999999999999999").value(),
            Value::BigInt("99999999999999999999999999999999999999999".into())
        );
        let quoted = Scalar::new("on".into(), Style::SingleQuoted, None);
        assert_eq!(quoted.value(), Value::Str("on"));
        let tagged = Scalar::new("12".into(), Style::Plain, Some(CoreTag::Str));
        assert_eq!(tagged.value(), Value::Str("12"));
    }

    #[test]
    fn yaml12_differences_are_found() {
        for t in [
            "on",
            "yes",
            "no",
            "0755",
            "1_000",
            "12:30",
            "1e5",
            "2024-01-31",
            "0o17",
        ] {
            assert!(plain(t).yaml12_difference().is_some(), "{t}");
        }
        for t in ["true", "10", "1.5", "hello", "", "null", "22.04", "-3"] {
            assert_eq!(plain(t).yaml12_difference(), None, "{t}");
        }
    }

    /// The numbers [`Scalar::yaml12_difference`] passes by their form are read as the same
    /// value by YAML 1.2: every text of up to five characters of digits and number signs, and
    /// long ones.
    #[test]
    fn numbers_passed_by_form_read_alike() {
        let alphabet = ["0", "1", "9", ".", "_", "-", "e", ":"];
        let mut texts = vec![String::new()];
        let mut last = texts.clone();
        for _ in 0..5 {
            last = last
                .iter()
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .collect();
            texts.extend(last.iter().cloned());
        }
        for n in [18, 19, 20, 39, 40] {
            texts.push("9".repeat(n));
            texts.push(format!("1{}", "0".repeat(n)));
            texts.push(format!("{}.{}", "9".repeat(n), "9".repeat(n)));
        }
        texts.push(format!("1{}.5", "0".repeat(400)));
        let mut passed = 0;
        for t in &texts {
            let s = plain(t);
            if matches!(s.reading, Reading::Int(_) | Reading::Float(_)) && number_read_alike(t) {
                passed += 1;
                assert_eq!(s.value(), resolve12_plain(t), "{t:?}");
            }
        }
        assert!(passed > 500, "{passed}");
    }

    /// Floats written out take Rust's digits as the exponent form gives them.
    #[test]
    fn written_out_floats_have_the_exponent_forms_digits() {
        let mut rng = fastrand::Rng::with_seed(0x1357_9BDF_2468_ACE0);
        let mut floats = vec![
            1e-4,
            1e16,
            9_999_999_999_999_998.0,
            0.000_100_000_000_000_01,
            0.000_099_999_999_999_999_99,
            f64::from_bits(1e-4f64.to_bits() - 1),
            f64::from_bits(1e16f64.to_bits() - 1),
            0.1,
            1.0 / 3.0,
            123_456_789.0,
            2.5,
        ];
        for _ in 0..200_000 {
            floats.push(f64::from_bits(rng.u64(..)));
            let digits = rng.u64(..10_000_000_000_000_000);
            floats.push(digits as f64 / 10f64.powi(rng.i32(-5..25)));
        }
        for f in floats {
            for f in [f, -f] {
                if f.is_finite() && f != 0.0 {
                    assert_eq!(python_float_repr(f), repr_by_exponent(f), "{f:e}");
                }
            }
        }
    }

    #[test]
    fn python_float_reprs() {
        let cases = [
            (1.5, "1.5"),
            (2.0, "2.0"),
            (1e-7, "1e-07"),
            (0.0001, "0.0001"),
            (0.1, "0.1"),
            (-3.25, "-3.25"),
            (123456789012345.6, "123456789012345.6"),
            (1e16, "1e+16"),
            (0.3333333333333333, "0.3333333333333333"),
            (0.0, "0.0"),
        ];
        for (f, s) in cases {
            assert_eq!(python_float_repr(f), s);
        }
    }
}
