//! `expressjs-framework` (rockcraft's `expressjs.py`).

use super::{at_extension, logging_part, map, s, strs, Ctx, Failure, USER_UID};
use crate::ExpandError;
use paasc_diag::Code;
use paasc_syntax::Yaml;

const PACKAGE_JSON: &str = "app/package.json";

fn package_error(message: &str, help: &str) -> Failure {
    Failure::single(
        ExpandError::new(Code::ROCK_PACKAGE_JSON, message, at_extension(), help)
            .about(PACKAGE_JSON, None),
    )
}

/// The application name from `app/package.json`, after rockcraft's checks.
fn app_name(cx: &Ctx) -> Result<String, Failure> {
    let Some(text) = cx.dir.texts.get(PACKAGE_JSON) else {
        return Err(package_error(
            "missing package.json file in 'app' directory",
            "the ExpressJS app lives in app/: run `npm init` there (app/package.json with `name` and `scripts.start`)",
        ));
    };
    let json: serde_json::Value = serde_json::from_str(text).map_err(|_| {
        package_error(
            "failed to parse package.json; it might contain invalid JSON",
            "fix the JSON syntax of app/package.json",
        )
    })?;
    let Some(obj) = json.as_object() else {
        return Err(package_error(
            "invalid package.json file",
            "app/package.json must hold a JSON object",
        ));
    };
    let has_start = match obj.get("scripts") {
        Some(serde_json::Value::Object(scripts)) => scripts.contains_key("start"),
        Some(serde_json::Value::String(text)) => text.contains("start"),
        Some(serde_json::Value::Array(items)) => items.iter().any(|i| i == "start"),
        _ => false,
    };
    if !has_start {
        return Err(package_error(
            "missing 'scripts.start' field in package.json",
            "add `\"scripts\": {\"start\": \"node app.js\"}` (your start command) to app/package.json; the rock runs `npm start`",
        ));
    }
    match obj.get("name").and_then(serde_json::Value::as_str) {
        Some(name) => Ok(name.to_string()),
        None => Err(package_error(
            "missing 'name' field in package.json",
            "add a string `name` to app/package.json",
        )),
    }
}

/// The `expressjs-framework` root snippet.
#[inline(never)]
pub fn snippet(cx: &Ctx) -> Result<Yaml, Failure> {
    let app = app_name(cx)?;
    let include_node = cx
        .user_part_key("expressjs-framework/install-app", "npm-include-node")
        .filter(|v| v.truthy());
    let mut service = vec![
        ("override", s("replace")),
        ("startup", s("enabled")),
        ("user", s("_daemon_")),
        ("working-dir", s("/app")),
        ("environment", map(vec![("NODE_ENV", s("production"))])),
    ];
    if !cx.user_command("expressjs") {
        service.push(("command", s("npm start")));
    }
    let mut script = format!(
        "rm -rf node_modules\ncraftctl default\nnpm config set script-shell=bash --location project\ncp ${{CRAFT_PART_BUILD}}/.npmrc ${{CRAFT_PART_INSTALL}}/lib/node_modules/{app}/.npmrc\nchown -R {USER_UID}:{USER_UID} ${{CRAFT_PART_INSTALL}}/lib/node_modules/{app}\nln -s /lib/node_modules/{app} ${{CRAFT_PART_INSTALL}}/app\nchown -R {USER_UID}:{USER_UID} ${{CRAFT_PART_INSTALL}}/app\n"
    );
    if cx.bare() {
        script.push_str("ln -sf /usr/bin/bash ${CRAFT_PART_INSTALL}/usr/bin/sh");
    }
    let mut install = vec![
        ("plugin", s("npm")),
        ("source", s("app/")),
        ("override-build", s(&script)),
    ];
    if include_node.is_none() {
        install.push(("build-packages", strs(&["nodejs", "npm"])));
    }
    let stage_packages: &[&str] = if cx.bare() {
        &["bash_bins", "ca-certificates_data", "coreutils_bins"]
    } else if include_node.is_none() {
        &["ca-certificates_data", "nodejs_bins"]
    } else {
        &["ca-certificates_data"]
    };
    install.push(("stage-packages", strs(stage_packages)));
    if let Some(flag) = include_node {
        install.push(("npm-include-node", flag.clone()));
        install.push((
            "npm-node-version",
            cx.user_part_key("expressjs-framework/install-app", "npm-node-version")
                .cloned()
                .unwrap_or(Yaml::Null),
        ));
    }
    install.push((
        "build-environment",
        Yaml::Seq(vec![map(vec![("UV_USE_IO_URING", s("0"))])]),
    ));
    let mut runtime_packages: Vec<&str> = Vec::new();
    if cx.bare() {
        runtime_packages.extend(["libstdc++6", "zlib1g"]);
    }
    if include_node.is_none() {
        runtime_packages.push("npm");
    }
    let mut parts = vec![("expressjs-framework/install-app", map(install))];
    if !runtime_packages.is_empty() {
        parts.push((
            "expressjs-framework/runtime",
            map(vec![
                ("plugin", s("nil")),
                ("stage-packages", strs(&runtime_packages)),
                ("stage", strs(&["-etc/ssl/certs/ca-certificates.crt"])),
            ]),
        ));
    }
    parts.push(("expressjs-framework/logging", logging_part(None)));
    Ok(map(vec![
        ("run-user", s("_daemon_")),
        ("services", map(vec![("expressjs", map(service))])),
        ("parts", map(parts)),
    ]))
}
