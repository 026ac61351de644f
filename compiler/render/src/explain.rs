//! `paasc explain`: a code's long description, or the list of every code.

use paasc_diag::Code;

/// What `paasc explain CODE` prints for `code` (a code, its name, or `all` for the list of
/// `codes`); or the error line when it names no code.
pub fn text(codes: &[Code], code: &str) -> Result<String, String> {
    if code.eq_ignore_ascii_case("all") {
        let mut s = String::new();
        for c in codes.iter().map(|c| c.info()) {
            s.push_str(&format!(
                "{}  {:<24} {:<8} {}\n",
                c.code,
                c.name,
                c.severity.as_str(),
                c.summary
            ));
        }
        return Ok(s);
    }
    match Code::lookup_in(codes, code).map(Code::info) {
        Some(c) => Ok(format!(
            "{} ({}), {}: {}\n\n{}\n\nMore: {}\n",
            c.code,
            c.name,
            c.severity.as_str(),
            c.summary,
            c.explanation,
            Code(c).url()
        )),
        None => Err(format!(
            "error: unknown diagnostic code `{code}`; `paasc explain all` lists them\n"
        )),
    }
}
