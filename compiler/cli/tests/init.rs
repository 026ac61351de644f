//! `paasc init`: for each framework, the files written equal `golden/init/<framework>/` (the
//! copyright year normalized to `YEAR`), and the project checks clean and compiles; nothing is
//! ever overwritten; without `--framework` the framework is detected from the files present.
//!
//! After an intended change: `PAASC_BLESS=1 cargo test -p paasc --test init`, then read
//! `git diff golden/init`.

#[path = "support/common.rs"]
mod common;
use common::{assert_success, files_under, paasc_in, root, scratch};

use std::collections::BTreeMap;
use std::path::Path;

const FRAMEWORKS: [&str; 6] = [
    "django",
    "expressjs",
    "fastapi",
    "flask",
    "go",
    "spring-boot",
];

/// The experimental switches Spring Boot needs (its extensions are experimental in both tools).
fn experimental(fw: &str) -> Vec<(&'static str, &'static str)> {
    if fw == "spring-boot" {
        vec![
            ("CHARMCRAFT_ENABLE_EXPERIMENTAL_EXTENSIONS", "1"),
            ("ROCKCRAFT_ENABLE_EXPERIMENTAL_EXTENSIONS", "1"),
        ]
    } else {
        Vec::new()
    }
}

fn init(dir: &Path, args: &[&str]) -> std::process::Output {
    std::fs::create_dir_all(dir).expect("mkdir");
    let mut all = vec!["init", ".", "--author", "Test Author"];
    all.extend(args);
    paasc_in(dir, &[], &all)
}

/// The files under `dir`, the copyright year replaced by `YEAR`, the profile schema left out
/// (it is `paasc schema profile`, compared on its own).
fn normalized(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files_under(dir)
        .into_iter()
        .filter(|(p, _)| p != "profiles/schema.json")
        .map(|(p, bytes)| {
            let text = String::from_utf8(bytes).expect("UTF-8");
            let text = text
                .lines()
                .map(|l| match l.strip_prefix("# Copyright ") {
                    Some(rest) if rest.len() > 4 => format!("# Copyright YEAR{}", &rest[4..]),
                    _ => l.to_string(),
                })
                .collect::<Vec<_>>()
                .join("\n")
                + if text.ends_with('\n') { "\n" } else { "" };
            (p, text.into_bytes())
        })
        .collect()
}

#[test]
fn each_framework_gives_its_golden_project_which_checks_clean_and_compiles() {
    let bless = std::env::var_os("PAASC_BLESS").is_some_and(|v| !v.is_empty() && v != "0");
    let mut failures = Vec::new();
    for fw in FRAMEWORKS {
        let dir = scratch(&format!("init-{fw}")).join(format!("my-{fw}-app"));
        let out = init(&dir, &["--framework", fw]);
        assert_success(&out);
        let got = normalized(&dir);
        let golden = root().join("golden/init").join(fw);
        if bless {
            let _ = std::fs::remove_dir_all(&golden);
            for (p, bytes) in &got {
                let path = golden.join(p);
                std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
                std::fs::write(path, bytes).expect("write");
            }
        } else if !golden.is_dir() || files_under(&golden) != got {
            failures.push(format!("{fw}: differs from golden/init/{fw}/"));
        }
        let schema = std::fs::read_to_string(dir.join("profiles/schema.json")).expect("schema");
        assert_eq!(
            schema,
            paasc_schemas::render(&paasc_schemas::profile()),
            "{fw}"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(dir.join("charm/src/charm.py"))
                .expect("charm.py")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o755, "{fw}");
        }
        let env = experimental(fw);
        let check = paasc_in(&dir, &env, &["check", ".", "--format", "json"]);
        let doc: serde_json::Value = serde_json::from_slice(&check.stdout).expect("JSON");
        let codes: Vec<&str> = doc["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter(|d| d["severity"] == "error")
            .filter_map(|d| d["code"].as_str())
            .collect();
        assert!(
            codes.is_empty(),
            "{fw}: {}",
            String::from_utf8_lossy(&check.stdout)
        );
        let compiled = paasc_in(&dir, &env, &["compile", ".", "-o", "out"]);
        assert_success(&compiled);
        // Spring Boot's properties (`management.endpoints.web.base-path`) as paas-charm gives
        // them to Pebble, in the `.env` docker compose reads.
        if fw == "spring-boot" {
            let env_file = std::fs::read_to_string(dir.join("out/.env")).expect(".env");
            let golden = root().join("golden/init/spring-boot.env");
            if bless {
                std::fs::write(&golden, &env_file).expect("write");
            } else if std::fs::read_to_string(&golden).ok().as_deref() != Some(env_file.as_str()) {
                failures.push(format!(
                    "{fw}: out/.env differs from golden/init/spring-boot.env:\n{env_file}"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{failures:#?}\n(PAASC_BLESS=1 to update)"
    );
}

#[test]
fn init_never_overwrites() {
    let dir = scratch("init-again").join("keep-me");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("rockcraft.yaml"), "mine\n").expect("write");
    let first = init(&dir, &["--framework", "flask"]);
    assert_success(&first);
    let text = String::from_utf8_lossy(&first.stdout);
    assert!(text.contains("kept rockcraft.yaml (it exists)"), "{text}");
    assert_eq!(
        std::fs::read_to_string(dir.join("rockcraft.yaml")).expect("read"),
        "mine\n"
    );
    let before = files_under(&dir);
    let again = init(&dir, &["--framework", "flask"]);
    assert_success(&again);
    assert!(!String::from_utf8_lossy(&again.stdout).contains("wrote "));
    assert_eq!(files_under(&dir), before);
}

/// A framework, the files that reveal it, and what `init` says it found.
type Detection = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static str,
);

#[test]
fn the_framework_is_detected_from_the_files_present() {
    let cases: &[Detection] = &[
        (
            "flask",
            &[("requirements.txt", "Flask==3.0.3\n")],
            "requirements.txt names flask",
        ),
        (
            "django",
            &[("requirements.txt", "django[argon2]>=5\npsycopg2\n")],
            "requirements.txt names django",
        ),
        (
            "fastapi",
            &[("requirements.txt", "fastapi\nuvicorn\n")],
            "requirements.txt names fastapi",
        ),
        ("go", &[("go.mod", "module x\n")], "go.mod"),
        (
            "expressjs",
            &[(
                "app/package.json",
                "{\"dependencies\": {\"express\": \"^4\"}}",
            )],
            "app/package.json depends on express",
        ),
        (
            "spring-boot",
            &[(
                "pom.xml",
                "<artifactId>spring-boot-starter-web</artifactId>",
            )],
            "pom.xml uses spring-boot",
        ),
    ];
    for (fw, files, why) in cases {
        let dir = scratch(&format!("detect-{fw}")).join("detected");
        for (path, text) in *files {
            let p = dir.join(path);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, text).expect("write");
        }
        let out = init(&dir, &[]);
        assert_success(&out);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.starts_with(&format!("detected {fw} ({why})\n")),
            "{text}"
        );
        assert!(text.contains("the directory has an app already"), "{text}");
        let rock = std::fs::read_to_string(dir.join("rockcraft.yaml")).expect("rockcraft.yaml");
        assert!(rock.contains(&format!("  - {fw}-framework\n")), "{rock}");
    }
    let both = scratch("detect-both").join("both");
    std::fs::create_dir_all(&both).expect("mkdir");
    std::fs::write(both.join("requirements.txt"), "flask\ndjango\n").expect("write");
    let out = init(&both, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("several frameworks found"));
    let none = scratch("detect-none").join("none");
    let out = init(&none, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no framework found"));
    assert!(!none.join("rockcraft.yaml").exists());
}
