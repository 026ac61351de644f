//! `platforms` as the tools check it: craft-application's `Platform` model and the project
//! service's preprocessing (both tools), rockcraft 1.20.0's `_validate_all_platforms` and its
//! refusal of multi-base platforms, and craft-platforms' base rules for charms
//! (`charm._build._validate_base_definition`, charmcraft 4.5.0).

use crate::lower::{Cx, Platform, Spanned, SpannedMap};
use paasc_diag::{closest, Code, Diagnostic, Span};

/// craft-platforms' `DebianArchitecture`, which is also rockcraft's `SUPPORTED_ARCHS` (whose
/// order rockcraft's messages use).
pub const ARCHITECTURES: [&str; 7] = [
    "amd64", "armhf", "arm64", "i386", "ppc64el", "riscv64", "s390x",
];

/// Platform names craft-application reserves.
const RESERVED: [&str; 2] = ["any", "*"];

/// Which tool reads the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tool {
    /// rockcraft 1.20.0: no multi-base platforms, no `all` target, names that are
    /// architectures build for themselves.
    Rock,
    /// charmcraft 4.5.0: the base is declared at the top level or in every platform.
    Charm {
        /// The span of `base` or `build-base` when the file declares either.
        top_base: Option<Span>,
    },
}

/// An architecture entry, `[<base>:]<arch>`, as `craft_platforms.parse_base_and_architecture`
/// reads it: the base (`devel` or `<distribution>@<series>`) and the architecture or `all`.
fn parse_arch(entry: &str) -> Result<(Option<String>, &str), String> {
    let (base, arch) = match entry.split_once(':') {
        Some(("devel", arch)) => (Some("ubuntu@devel".to_string()), arch),
        Some((base, arch)) if base.matches('@').count() == 1 => (Some(base.to_string()), arch),
        Some((base, _)) => {
            return Err(format!(
                "Invalid base string '{base}'. Format should be '<distribution>@<series>'"
            ))
        }
        None => (None, entry),
    };
    if arch == "all" || ARCHITECTURES.contains(&arch) {
        Ok((base, arch))
    } else {
        Err(format!("'{arch}' is not a valid Debian architecture."))
    }
}

/// The base in a platform's name, as `craft_platforms.parse_base_and_name` reads it: only a
/// prefix holding `@` counts.
fn base_of_name(name: &str) -> Option<&str> {
    name.split_once(':')
        .map(|(base, _)| base)
        .filter(|b| b.contains('@'))
}

/// Checks every entry of `platforms`.
pub(crate) fn check(cx: &mut Cx, platforms: &SpannedMap<Option<Platform>>, tool: Tool) {
    let mut without_base = None;
    for (name, platform) in platforms.iter() {
        check_name(cx, name, tool);
        let ok = match platform {
            None => check_shorthand(cx, name, tool),
            Some(p) => check_entry(cx, name, p, tool),
        };
        if !ok {
            continue;
        }
        match tool {
            Tool::Rock => check_rock(cx, name, platform.as_ref()),
            Tool::Charm { top_base } => {
                if !charm_bases(cx, name, platform.as_ref(), top_base) {
                    without_base.get_or_insert(name);
                }
            }
        }
    }
    if let Some(name) = without_base {
        cx.push(
            Diagnostic::new(
                Code::PLATFORM_CONFLICT,
                cx.file,
                name.span,
                "No base or build-base is declared and no base is declared in the platforms section.",
            )
            .label(format!("platform `{}` names no base", name.value))
            .help("declare `base: ubuntu@24.04` at the top level, or put the base in every platform (`ubuntu@24.04:amd64`)"),
        );
    }
}

fn check_name(cx: &mut Cx, name: &Spanned<String>, tool: Tool) {
    let message = if RESERVED.contains(&name.value.as_str()) {
        match tool {
            Tool::Rock => format!("Reserved platform name: '{}'", name.value),
            Tool::Charm { .. } => format!("Platform name '{}' is reserved.", name.value),
        }
    } else if name.value.contains('/') {
        "Platform names cannot contain the '/' character.".to_string()
    } else {
        return;
    };
    cx.push(
        Diagnostic::new(Code::INVALID_VALUE, cx.file, name.span, message)
            .label("not a usable platform name")
            .help("name the platform after what it builds for, such as `amd64`, or `all` for an architecture-independent charm"),
    );
}

/// `name:` with no value: the project service expands it only when the name is an
/// architecture (possibly after a base), not `all`. Returns whether the entry is usable.
fn check_shorthand(cx: &mut Cx, name: &Spanned<String>, tool: Tool) -> bool {
    if matches!(parse_arch(&name.value), Ok((_, arch)) if arch != "all") {
        return true;
    }
    let example = match tool {
        Tool::Rock => "amd64",
        Tool::Charm { .. } => "amd64 or ubuntu@24.04:amd64",
    };
    cx.push(
        Diagnostic::new(
            Code::MISSING_KEY,
            cx.file,
            name.span,
            format!(
                "`platforms.{0}` is empty, and `{0}` is not an architecture to build on and for: it needs `build-on` and `build-for`",
                name.value
            ),
        )
        .label("not an architecture")
        .help(format!(
            "write `{}: {{build-on: [amd64], build-for: [{}]}}`, or name the platform after an architecture ({example})",
            name.value,
            if name.value == "all" { "all" } else { "amd64" }
        )),
    );
    false
}

/// A platform given as a mapping. Returns whether it is well formed.
fn check_entry(cx: &mut Cx, name: &Spanned<String>, p: &Platform, tool: Tool) -> bool {
    let before = cx.diags.len();
    let path = format!("platforms.{}", name.value);
    if p.build_on.is_none() {
        cx.push(
            Diagnostic::new(
                Code::MISSING_KEY,
                cx.file,
                name.span,
                format!("field 'build-on' required in '{path}' configuration"),
            )
            .label("`build-on` missing")
            .help("add `build-on: [amd64]`: the architectures this platform builds on"),
        );
    }
    let implied = name.value == "all" || ARCHITECTURES.contains(&name.value.as_str());
    if p.build_for.is_none() && !implied {
        cx.push(
            Diagnostic::new(
                Code::MISSING_KEY,
                cx.file,
                name.span,
                format!("field 'build-for' required in '{path}' configuration"),
            )
            .label(format!("`{}` is not an architecture", name.value))
            .help("add `build-for: [amd64]`: only a platform named after an architecture may leave it out"),
        );
    }
    if let Some(on) = &p.build_on {
        if on.value.is_empty() {
            cx.push(
                Diagnostic::new(
                    Code::INVALID_VALUE,
                    cx.file,
                    on.span,
                    format!("`{path}.build-on` is empty"),
                )
                .label("no architecture")
                .help("list at least one architecture to build on, such as `[amd64]`"),
            );
        }
        for (i, entry) in on.value.iter().enumerate() {
            if let Some(first) = on.value[..i].iter().find(|e| e.value == entry.value) {
                cx.push(
                    Diagnostic::new(
                        Code::INVALID_VALUE,
                        cx.file,
                        entry.span,
                        format!("duplicate values in list: ['{}']", entry.value),
                    )
                    .label("listed again")
                    .secondary(cx.file, first.span, "first listed here")
                    .help("list each architecture once"),
                );
                continue;
            }
            if check_arch(cx, entry, tool) {
                if let Ok((_, "all")) = parse_arch(&entry.value) {
                    cx.push(
                        Diagnostic::new(
                            Code::INVALID_VALUE,
                            cx.file,
                            entry.span,
                            "'all' cannot be used for 'build-on'",
                        )
                        .label("`all` is only a build-for target")
                        .help("build on a real architecture, such as `build-on: [amd64]`"),
                    );
                }
            }
        }
    }
    if let Some(targets) = &p.build_for {
        if targets.value.len() != 1 {
            cx.push(
                Diagnostic::new(
                    Code::INVALID_VALUE,
                    cx.file,
                    targets.span,
                    format!(
                        "`{path}.build-for` lists {} architectures; a platform builds for exactly one",
                        targets.value.len()
                    ),
                )
                .label("one architecture expected")
                .help("make one platform per target architecture, each named after it, such as `arm64: {build-on: [amd64], build-for: [arm64]}`"),
            );
        }
        for entry in &targets.value {
            if check_arch(cx, entry, tool) && tool == Tool::Rock && entry.value == "all" {
                rock_all_target(cx, name, entry.span);
            }
        }
    } else if tool == Tool::Rock && name.value == "all" {
        rock_all_target(cx, name, name.span);
    }
    cx.diags.len() == before
}

/// rockcraft 1.20.0's `_validate_all_platforms`: a rock cannot be built for `all` (given as
/// `build-for`, or implied by a platform named `all`).
fn rock_all_target(cx: &mut Cx, name: &Spanned<String>, span: Span) {
    cx.push(
        Diagnostic::new(
            Code::INVALID_VALUE,
            cx.file,
            span,
            format!(
                "Error for platform entry '{}': trying to build rock for target architecture all, which is not supported.",
                name.value
            ),
        )
        .label("rocks are built for one architecture")
        .help(format!(
            "build for one of {}; `all` is for charms",
            crate::lower::quote_list(&ARCHITECTURES)
        )),
    );
}

/// One `build-on` or `build-for` entry. Returns whether it parses.
fn check_arch(cx: &mut Cx, entry: &Spanned<String>, tool: Tool) -> bool {
    let Err(message) = parse_arch(&entry.value) else {
        return true;
    };
    let arch = entry
        .value
        .split_once(':')
        .map_or(entry.value.as_str(), |(_, a)| a);
    let bad_base = message.starts_with("Invalid base string");
    let d = Diagnostic::new(Code::INVALID_VALUE, cx.file, entry.span, message);
    let listed = crate::lower::quote_list(&ARCHITECTURES);
    let d = match closest(arch, ARCHITECTURES) {
        _ if bad_base => d
            .label("not `<distribution>@<series>`")
            .help(match tool {
                Tool::Rock => "a rock's platforms name no base: write the architecture alone, such as `amd64`",
                Tool::Charm { .. } => "write the base as `ubuntu@24.04`, as in `ubuntu@24.04:amd64`",
            }),
        Some(best) => d
            .label(format!("did you mean `{best}`?"))
            .help(format!("use `{best}`; the architectures are {listed}")),
        None => d.label("not an architecture").help(match tool {
            Tool::Rock => format!("use one of {listed}"),
            Tool::Charm { .. } => format!(
                "use one of {listed}, or `all` for build-for, optionally after a base: `ubuntu@24.04:amd64`"
            ),
        }),
    };
    cx.push(d);
    false
}

/// rockcraft 1.20.0: the project service refuses multi-base platforms, and the model's
/// `_validate_all_platforms` wants a name that is an architecture to build for itself.
fn check_rock(cx: &mut Cx, name: &Spanned<String>, platform: Option<&Platform>) {
    let multi_base = |cx: &mut Cx, entry: &Spanned<String>, what: &str| {
        let Ok((Some(base), arch)) = parse_arch(&entry.value) else {
            return false;
        };
        cx.push(
            Diagnostic::new(
                Code::PLATFORM_CONFLICT,
                cx.file,
                entry.span,
                "Rockcraft does not support multi-base platforms",
            )
            .label(format!("{what} names the base {base}"))
            .help(format!(
                "remove the multi-base structure from platform '{}': write `{arch}` alone; the rock's base is `base` (and `build-base`)",
                name.value
            )),
        );
        true
    };
    let Some(p) = platform else {
        multi_base(cx, name, "the platform's name");
        return;
    };
    let mut based = false;
    for entry in p
        .build_on
        .iter()
        .chain(p.build_for.iter())
        .flat_map(|l| &l.value)
    {
        based |= multi_base(cx, entry, "this entry");
    }
    if based {
        return;
    }
    let target = p
        .build_for
        .as_ref()
        .and_then(|t| t.value.first())
        .map_or((name.value.as_str(), name.span), |t| {
            (t.value.as_str(), t.span)
        });
    if p.build_for.is_some()
        && ARCHITECTURES.contains(&name.value.as_str())
        && target.0 != name.value
    {
        cx.push(
            Diagnostic::new(
                Code::PLATFORM_CONFLICT,
                cx.file,
                target.1,
                format!(
                    "Error for platform entry '{0}': if 'build-for' is provided and the platform entry label corresponds to a valid architecture, then both values must match. {0} != {1}",
                    name.value, target.0
                ),
            )
            .label(format!("builds for `{}`", target.0))
            .secondary(cx.file, name.span, format!("the platform is named `{}`", name.value))
            .help(format!(
                "name the platform `{}`, or build it for `{}`",
                target.0, name.value
            )),
        );
    }
}

/// craft-platforms' base rules for one platform of a charm. Returns whether the platform
/// itself names a base (a platform with none needs the top-level one, reported once by the
/// caller).
fn charm_bases(
    cx: &mut Cx,
    name: &Spanned<String>,
    platform: Option<&Platform>,
    top_base: Option<Span>,
) -> bool {
    let own = base_of_name(&name.value);
    let mut bases: Vec<Option<String>> = Vec::new();
    let mut mismatched = false;
    if let Some(p) = platform {
        let default = [Spanned {
            value: name.value.clone(),
            span: name.span,
        }];
        let on = p.build_on.as_ref().map_or(&default[..], |l| &l.value[..]);
        let targets = p.build_for.as_ref().map_or(&default[..], |l| &l.value[..]);
        let base_of = |e: &Spanned<String>| parse_arch(&e.value).ok().and_then(|(b, _)| b);
        if let Some(own) = own {
            if let Some((t, b)) = targets
                .iter()
                .find_map(|t| base_of(t).filter(|b| b.as_str() != own).map(|b| (t, b)))
            {
                cx.push(
                    Diagnostic::new(
                        Code::PLATFORM_CONFLICT,
                        cx.file,
                        t.span,
                        format!(
                            "Platform '{}' declares a base in the platform's name and declares an incompatible 'build-for' entry ({b}).",
                            name.value
                        ),
                    )
                    .label(format!("builds for {b}"))
                    .secondary(cx.file, name.span, format!("the name says {own}"))
                    .help("either remove the base from the platform's name or remove the incompatible 'build-for' entry"),
                );
                return true;
            }
        }
        for e in on.iter().chain(targets) {
            let b = base_of(e);
            if !bases.contains(&b) {
                bases.push(b);
            }
        }
        if bases.len() > 1 {
            mismatched = true;
            cx.push(
                Diagnostic::new(
                    Code::PLATFORM_CONFLICT,
                    cx.file,
                    name.span,
                    format!(
                        "Platform '{}' has mismatched bases in the 'build-on' and 'build-for' entries.",
                        name.value
                    ),
                )
                .label("some entries name another base, or none")
                .help("use the same base for all 'build-on' and 'build-for' entries of the platform"),
            );
        }
    }
    if mismatched {
        return true;
    }
    let declared = own.is_some() || bases.first().is_some_and(Option::is_some);
    if let (true, Some(top)) = (declared, top_base) {
        cx.push(
            Diagnostic::new(
                Code::PLATFORM_CONFLICT,
                cx.file,
                name.span,
                format!(
                    "Platform '{}' declares a base and a top-level base or build-base is declared.",
                    name.value
                ),
            )
            .label("the platform names a base")
            .secondary(cx.file, top, "the top-level base")
            .help("remove the base from the platform's name and entries, or remove the top-level `base` and `build-base`"),
        );
    }
    declared || top_base.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn architecture_entries_parse_as_craft_platforms_does() {
        assert_eq!(parse_arch("amd64"), Ok((None, "amd64")));
        assert_eq!(parse_arch("all"), Ok((None, "all")));
        assert_eq!(
            parse_arch("ubuntu@24.04:riscv64"),
            Ok((Some("ubuntu@24.04".into()), "riscv64"))
        );
        assert_eq!(
            parse_arch("devel:amd64"),
            Ok((Some("ubuntu@devel".into()), "amd64"))
        );
        assert_eq!(
            parse_arch("x86_64"),
            Err("'x86_64' is not a valid Debian architecture.".into())
        );
        assert!(parse_arch("foo:amd64").is_err_and(|m| m.starts_with("Invalid base string 'foo'")));
        assert_eq!(base_of_name("ubuntu@22.04:amd64"), Some("ubuntu@22.04"));
        assert_eq!(base_of_name("devel:amd64"), None);
    }
}
