//! `go-framework` (rockcraft's `go.py`).

use super::{
    at_extension, include_mode, logging_part, map, owned, renaming_map, s, string_list, strs, Ctx,
    Failure,
};
use crate::{ExpandError, Location};
use paasc_diag::Code;
use paasc_syntax::Yaml;

/// Checks the user's `go-framework/assets` stage entries and returns the list to use.
pub(super) fn assets_stage(
    cx: &Ctx,
    part: &str,
    defaults: &[&str],
    message: &str,
) -> Result<Vec<String>, ExpandError> {
    let user = string_list(cx.user_part_key(part, "stage"));
    if let Some(i) = super::prime_entries_match(&user, "app", true) {
        return Err(ExpandError::new(
            Code::ROCK_PRIME_OUTSIDE_APP,
            message,
            Location::value(&["parts", part, "stage", &i.to_string()]),
            "write the entry as `app/<path>`: assets are staged under app/",
        ));
    }
    if !user.is_empty() {
        return Ok(user);
    }
    Ok(defaults
        .iter()
        .filter(|f| cx.exists(f))
        .map(|f| format!("app/{f}"))
        .collect())
}

/// The `assets` dump part built from a stage list in include mode, if any.
pub(super) fn assets_part(stage: &[String]) -> Option<Yaml> {
    if !include_mode(stage) {
        return None;
    }
    let organize = renaming_map(stage, "app")
        .into_iter()
        .map(|(k, v)| (s(&k), s(&v)))
        .collect();
    Some(map(vec![
        ("plugin", s("dump")),
        ("source", s(".")),
        ("organize", Yaml::Map(organize)),
        ("stage", Yaml::Seq(stage.iter().map(|f| s(f)).collect())),
    ]))
}

/// The `go-framework` root snippet.
#[inline(never)]
pub fn snippet(cx: &Ctx) -> Result<Yaml, Failure> {
    if !cx.dir.exists("go.mod") {
        return Err(Failure::single(ExpandError::new(
            Code::ROCK_GO_MOD_MISSING,
            "missing go.mod file, it should be present in the project directory",
            at_extension(),
            "run `go mod init <module>` at the project root (beside rockcraft.yaml); a go.mod in a subdirectory does not count",
        )));
    }
    let user_part = cx
        .doc
        .get("parts")
        .and_then(|p| p.get("go-framework/install-app"));
    let get = |key: &str| user_part.and_then(|p| p.get(key));
    let mut build_environment = get("build-environment")
        .and_then(Yaml::as_seq)
        .map(<[Yaml]>::to_vec)
        .unwrap_or_default();
    if cx.bare()
        && !build_environment
            .iter()
            .any(|e| e.get("CGO_ENABLED").is_some())
    {
        build_environment = vec![map(vec![("CGO_ENABLED", s("0"))])];
    }
    let mut organize: Vec<(Yaml, Yaml)> = get("organize")
        .and_then(Yaml::as_map)
        .map(<[(Yaml, Yaml)]>::to_vec)
        .unwrap_or_default();
    let binary = format!("usr/local/bin/{}", cx.name);
    if !organize
        .iter()
        .any(|(_, v)| v.as_str() == Some(binary.as_str()))
        && !cx.user_command("go")
    {
        organize.push((s(&format!("bin/{}", cx.name)), s(&binary)));
    }
    let stage = Yaml::Seq(organize.iter().map(|(_, v)| v.clone()).collect());
    let mut install = vec![
        ("plugin", s("go")),
        ("source", s(".")),
        ("organize", Yaml::Map(organize)),
    ];
    let snaps = string_list(get("build-snaps"));
    let packages = string_list(get("build-packages"));
    let overridden = snaps.iter().any(|p| p.starts_with("go"))
        || packages.iter().any(|p| p == "gccgo-go" || p == "golang-go");
    if !overridden {
        let mut snaps: Vec<Yaml> = get("build-snaps")
            .and_then(Yaml::as_seq)
            .map(<[Yaml]>::to_vec)
            .unwrap_or_default();
        snaps.push(s("go"));
        install.push(("build-snaps", Yaml::Seq(snaps)));
    }
    install.push(("stage", stage));
    if !build_environment.is_empty() {
        install.push(("build-environment", Yaml::Seq(build_environment)));
    }
    let mut runtime_packages = vec!["ca-certificates_data"];
    if cx.bare() {
        runtime_packages.extend(["bash_bins", "coreutils_bins"]);
    }
    let mut runtime = vec![
        ("plugin", s("nil")),
        ("stage-packages", strs(&runtime_packages)),
    ];
    if cx.bare() {
        runtime.push((
            "override-build",
            s("ln -sf /usr/bin/bash ${CRAFT_PART_INSTALL}/usr/bin/sh"),
        ));
    }
    let mut parts = vec![
        (
            "go-framework/base-layout",
            map(vec![
                ("plugin", s("nil")),
                ("override-build", s("mkdir -p ${CRAFT_PART_INSTALL}/app")),
                ("permissions", Yaml::Seq(vec![owned(None)])),
            ]),
        ),
        ("go-framework/install-app", map(install)),
        ("go-framework/runtime", map(runtime)),
        ("go-framework/logging", logging_part(None)),
    ];
    let stage = assets_stage(
        cx,
        "go-framework/assets",
        &["migrate", "migrate.sh", "static", "templates"],
        "go-framework extension requires the 'stage' entry in the go-framework/assets part to start with app",
    )
    .map_err(Failure::single)?;
    if let Some(assets) = assets_part(&stage) {
        parts.push(("go-framework/assets", assets));
    }
    Ok(map(vec![
        ("run_user", s("_daemon_")),
        (
            "services",
            map(vec![(
                "go",
                map(vec![
                    ("override", s("replace")),
                    ("startup", s("enabled")),
                    ("command", s(&cx.name)),
                    ("user", s("_daemon_")),
                    ("working-dir", s("/app")),
                ]),
            )]),
        ),
        ("parts", map(parts)),
    ]))
}
