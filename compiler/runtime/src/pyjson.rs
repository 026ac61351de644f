//! Python's `json` module: `loads` (with its NaN/Infinity extension) and `dumps` with the
//! default options (`ensure_ascii=True`, `", "` and `": "` separators, float `repr`).

use paasc_syntax::python_float_repr;
use std::fmt::Write as _;

/// A value as `json.loads` builds it.
#[derive(Clone, Debug, PartialEq)]
pub enum PyValue {
    /// `None`.
    None,
    /// A boolean.
    Bool(bool),
    /// An integer that fits in i128.
    Int(i128),
    /// A larger integer, as its decimal digits.
    BigInt(String),
    /// A float.
    Float(f64),
    /// A string.
    Str(String),
    /// A list.
    List(Vec<PyValue>),
    /// A dict, in insertion order.
    Dict(Vec<(String, PyValue)>),
}

impl PyValue {
    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            PyValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The value under `key`, if this is a dict holding it.
    pub fn get(&self, key: &str) -> Option<&PyValue> {
        match self {
            PyValue::Dict(d) => d.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Python truthiness.
    pub fn truthy(&self) -> bool {
        match self {
            PyValue::None => false,
            PyValue::Bool(b) => *b,
            PyValue::Int(i) => *i != 0,
            PyValue::BigInt(_) => true,
            PyValue::Float(f) => *f != 0.0,
            PyValue::Str(s) => !s.is_empty(),
            PyValue::List(l) => !l.is_empty(),
            PyValue::Dict(d) => !d.is_empty(),
        }
    }
}

/// `json.dumps(value)` with Python's defaults.
pub fn dumps(value: &PyValue) -> String {
    let mut out = String::new();
    write_value(value, &mut out);
    out
}

fn write_value(value: &PyValue, out: &mut String) {
    match value {
        PyValue::None => out.push_str("null"),
        PyValue::Bool(true) => out.push_str("true"),
        PyValue::Bool(false) => out.push_str("false"),
        PyValue::Int(i) => {
            let _ = write!(out, "{i}");
        }
        PyValue::BigInt(d) => out.push_str(d),
        PyValue::Float(f) => write_float(*f, out),
        PyValue::Str(s) => write_str(s, out),
        PyValue::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_value(item, out);
            }
            out.push(']');
        }
        PyValue::Dict(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_str(k, out);
                out.push_str(": ");
                write_value(v, out);
            }
            out.push('}');
        }
    }
}

/// How `json.dumps` writes a float: `repr`, except the non-finite spellings.
pub fn float_json(f: f64) -> String {
    let mut out = String::new();
    write_float(f, &mut out);
    out
}

/// [`float_json`] appended to `out`. Where `repr` writes no exponent (`1e-4 <= |f| < 1e16`) its
/// shortest digits are Rust's `Display`, with `.0` after a whole number.
pub(crate) fn write_float(f: f64, out: &mut String) {
    if f.is_nan() {
        out.push_str("NaN");
    } else if f.is_infinite() {
        out.push_str(if f > 0.0 { "Infinity" } else { "-Infinity" });
    } else if (1e-4..1e16).contains(&f.abs()) {
        if write_short(f, out) {
            return;
        }
        let start = out.len();
        let _ = write!(out, "{f}");
        if !out[start..].contains('.') {
            out.push_str(".0");
        }
    } else {
        out.push_str(&python_float_repr(f));
    }
}

/// Writes `f` (with `1e-4 <= |f| < 1e16`) when it is `m / 10^d` for an integer `|m| < 1e15`
/// and `d <= 6`: those at most 15 digits are then the only ones of their length that read as
/// `f` (a double holds 15), so they are `repr`'s shortest. Returns whether it wrote.
fn write_short(f: f64, out: &mut String) -> bool {
    const SCALE: [f64; 7] = [1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6];
    for (d, scale) in SCALE.into_iter().enumerate() {
        let m = f * scale;
        if m.abs() >= 1e15 {
            return false;
        }
        if m.fract() != 0.0 || m / scale != f {
            continue;
        }
        let n = m.abs() as u64;
        let unit = 10u64.pow(d as u32);
        let (whole, mut frac, mut width) = (n / unit, n % unit, d);
        while width > 0 && frac % 10 == 0 {
            frac /= 10;
            width -= 1;
        }
        if f < 0.0 {
            out.push('-');
        }
        push_digits(out, whole, 1);
        out.push('.');
        push_digits(out, frac, width.max(1));
        return true;
    }
    false
}

/// Appends the decimal digits of `n`, zero-padded to `width` (at most 20).
pub(crate) fn push_digits(out: &mut String, mut n: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut start = buf.len();
    while n > 0 {
        start -= 1;
        buf[start] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    start = start.min(buf.len().saturating_sub(width));
    buf[start..].iter().for_each(|&b| out.push(char::from(b)));
}

/// A JSON string literal with `ensure_ascii` escaping.
pub fn write_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7f => {
                let mut buf = [0u16; 2];
                for unit in c.encode_utf16(&mut buf) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Why `json.loads` failed (the exact Python text is not reproduced).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError;

/// `json.loads(text)`.
pub fn loads(text: &str) -> Result<PyValue, JsonError> {
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        i: 0,
        depth: 0,
    };
    p.ws();
    let v = p.value()?;
    p.ws();
    if p.i == p.s.len() {
        Ok(v)
    } else {
        Err(JsonError)
    }
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    i: usize,
    depth: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while matches!(self.s.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, lit: &str) -> bool {
        if self.s[self.i..].starts_with(lit.as_bytes()) {
            self.i += lit.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Result<PyValue, JsonError> {
        self.depth += 1;
        if self.depth > 512 {
            return Err(JsonError);
        }
        let v = match self.s.get(self.i) {
            Some(b'{') => self.dict(),
            Some(b'[') => self.list(),
            Some(b'"') => self.string().map(PyValue::Str),
            Some(b'n') if self.eat("null") => Ok(PyValue::None),
            Some(b't') if self.eat("true") => Ok(PyValue::Bool(true)),
            Some(b'f') if self.eat("false") => Ok(PyValue::Bool(false)),
            Some(b'N') if self.eat("NaN") => Ok(PyValue::Float(f64::NAN)),
            Some(b'I') if self.eat("Infinity") => Ok(PyValue::Float(f64::INFINITY)),
            Some(b'-') if self.eat("-Infinity") => Ok(PyValue::Float(f64::NEG_INFINITY)),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(JsonError),
        };
        self.depth -= 1;
        v
    }

    fn dict(&mut self) -> Result<PyValue, JsonError> {
        self.i += 1;
        let mut entries: Vec<(String, PyValue)> = Vec::new();
        self.ws();
        if self.eat("}") {
            return Ok(PyValue::Dict(entries));
        }
        loop {
            self.ws();
            if self.s.get(self.i) != Some(&b'"') {
                return Err(JsonError);
            }
            let key = self.string()?;
            self.ws();
            if !self.eat(":") {
                return Err(JsonError);
            }
            self.ws();
            let v = self.value()?;
            match entries.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = v,
                None => entries.push((key, v)),
            }
            self.ws();
            if self.eat("}") {
                return Ok(PyValue::Dict(entries));
            }
            if !self.eat(",") {
                return Err(JsonError);
            }
        }
    }

    fn list(&mut self) -> Result<PyValue, JsonError> {
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.eat("]") {
            return Ok(PyValue::List(items));
        }
        loop {
            self.ws();
            items.push(self.value()?);
            self.ws();
            if self.eat("]") {
                return Ok(PyValue::List(items));
            }
            if !self.eat(",") {
                return Err(JsonError);
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let h = self.text.get(self.i..self.i + 4).ok_or(JsonError)?;
        if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(JsonError);
        }
        self.i += 4;
        u32::from_str_radix(h, 16).map_err(|_| JsonError)
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.i += 1;
        let mut out = String::new();
        loop {
            let start = self.i;
            while let Some(&b) = self.s.get(self.i) {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.i += 1;
            }
            out.push_str(self.text.get(start..self.i).ok_or(JsonError)?);
            match self.s.get(self.i) {
                Some(b'"') => {
                    self.i += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    let esc = *self.s.get(self.i).ok_or(JsonError)?;
                    self.i += 1;
                    match esc {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let mut cp = self.hex4()?;
                            if (0xd800..0xdc00).contains(&cp)
                                && self.s[self.i..].starts_with(b"\\u")
                            {
                                let save = self.i;
                                self.i += 2;
                                let low = self.hex4()?;
                                if (0xdc00..0xe000).contains(&low) {
                                    cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
                                } else {
                                    self.i = save;
                                }
                            }
                            out.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
                        }
                        _ => return Err(JsonError),
                    }
                }
                _ => return Err(JsonError),
            }
        }
    }

    fn number(&mut self) -> Result<PyValue, JsonError> {
        let start = self.i;
        let digits = |p: &mut Parser| {
            let s = p.i;
            while matches!(p.s.get(p.i), Some(b'0'..=b'9')) {
                p.i += 1;
            }
            p.i - s
        };
        if self.s.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        if self.s.get(self.i) == Some(&b'0') {
            self.i += 1;
        } else if digits(self) == 0 {
            return Err(JsonError);
        }
        let mut float = false;
        if self.s.get(self.i) == Some(&b'.') && matches!(self.s.get(self.i + 1), Some(b'0'..=b'9'))
        {
            self.i += 1;
            digits(self);
            float = true;
        }
        if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
            let save = self.i;
            self.i += 1;
            if matches!(self.s.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if digits(self) == 0 {
                self.i = save;
            } else {
                float = true;
            }
        }
        let text = self.text.get(start..self.i).ok_or(JsonError)?;
        if float {
            return text.parse().map(PyValue::Float).map_err(|_| JsonError);
        }
        Ok(match text.parse::<i128>() {
            Ok(i) => PyValue::Int(i),
            Err(_) => PyValue::BigInt(text.trim_start_matches("-0").to_string()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_are_written_as_python_repr_writes_them() {
        let mut samples = vec![
            1e-4,
            1.0000000000000002e-4,
            9.999999999999999e-5,
            1e16,
            9999999999999998.0,
            1e15,
            0.1,
            0.2,
            0.30000000000000004,
            3.5,
            7.5,
            100.0,
            1e-7,
            1e22,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            123456789.125,
            2.0f64.powi(53),
            0.0,
            -0.0,
        ];
        let mut x: f64 = 1.0;
        for _ in 0..2000 {
            x = x * 1.37 + 0.001;
            samples.extend([x, 1.0 / x, x.fract(), x.trunc(), -x]);
        }
        for i in 0..2000 {
            samples.push(f64::from(i) / 8.0);
            samples.push(f64::from(i) / 10.0);
            samples.push(f64::from(i) * 1e-6);
            samples.push(f64::from(i) * 0.37 - 300.0);
            samples.push(f64::from(i) * 1e11 + 0.5);
            samples.push(f64::from(i) / 3.0);
            samples.push(f64::from(i) * 1.000001e-4);
        }
        for k in 0..60 {
            let p = 2.0f64.powi(k);
            samples.extend([p, p + 0.1, 1.0 / p, 999_999_999_999_999.0 / p]);
        }
        for f in samples {
            assert_eq!(float_json(f), python_float_repr(f), "{f:e}");
        }
        assert_eq!(float_json(f64::NAN), "NaN");
        assert_eq!(float_json(f64::NEG_INFINITY), "-Infinity");
    }

    #[test]
    fn dumps_escapes_non_ascii_like_python() {
        let v = PyValue::List(vec![
            PyValue::Str("héllo ✓".into()),
            PyValue::Str("🚀".into()),
            PyValue::Str("a\"b\\\n\u{1}".into()),
        ]);
        assert_eq!(
            dumps(&v),
            r#"["h\u00e9llo \u2713", "\ud83d\ude80", "a\"b\\\n\u0001"]"#
        );
    }

    #[test]
    fn dumps_floats_like_repr() {
        for (f, s) in [(1e-7, "1e-07"), (2.0, "2.0"), (0.1, "0.1"), (1e16, "1e+16")] {
            assert_eq!(dumps(&PyValue::Float(f)), s);
        }
        assert_eq!(dumps(&PyValue::Float(f64::NAN)), "NaN");
        assert_eq!(dumps(&PyValue::Float(f64::NEG_INFINITY)), "-Infinity");
    }

    #[test]
    fn dumps_uses_python_separators() {
        let v = PyValue::Dict(vec![
            ("scope".into(), PyValue::Str("openid".into())),
            (
                "n".into(),
                PyValue::List(vec![PyValue::Int(1), PyValue::Bool(true), PyValue::None]),
            ),
        ]);
        assert_eq!(dumps(&v), r#"{"scope": "openid", "n": [1, true, null]}"#);
    }

    #[test]
    fn loads_python_extensions_and_types() {
        assert_eq!(loads("4"), Ok(PyValue::Int(4)));
        assert_eq!(loads(" 4.0 "), Ok(PyValue::Float(4.0)));
        assert_eq!(loads("1e2"), Ok(PyValue::Float(100.0)));
        assert!(matches!(loads("NaN"), Ok(PyValue::Float(f)) if f.is_nan()));
        assert_eq!(
            loads("\"\\u00e9\\ud83d\\ude80\""),
            Ok(PyValue::Str("é🚀".into()))
        );
        assert_eq!(
            loads(r#"{"a": 1, "a": 2}"#),
            Ok(PyValue::Dict(vec![("a".into(), PyValue::Int(2))]))
        );
        assert_eq!(loads("abc"), Err(JsonError));
        assert_eq!(loads("[1,]"), Err(JsonError));
        assert_eq!(loads("01"), Err(JsonError));
        assert_eq!(loads("\"a\nb\""), Err(JsonError));
    }
}
