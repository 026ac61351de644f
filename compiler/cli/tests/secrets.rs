//! Secret hygiene (architecture invariant 5): a secret value from a profile appears only in the
//! artifacts that carry the environment by definition (`.env`, the charm's Pebble layer, and the
//! Helm secrets files kubectl reads: the artifact registry's `secret` policy, which this test
//! reads), never in another artifact and never in a diagnostic.

#[path = "support/common.rs"]
mod common;
use common::{copy_dir, files_under, root, scratch, TERM};

use paasc_diag::FileId;
use paasc_syntax::{parse, Limits};
use std::path::Path;

fn run(args: &[&str]) -> paasc::Outcome {
    let mut all = vec!["paasc".to_string()];
    all.extend(args.iter().map(|a| a.to_string()));
    paasc::run(all, TERM)
}

/// The secret values of a profile file, as paasc's profile reader finds them.
fn secrets_of(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("profile");
    let (tree, _) = parse(FileId(0), &text, Limits::default());
    let mut cx = paasc_model::lower::Cx::new(&tree, FileId(0));
    paasc_model::profile::lower(&mut cx)
        .map(|p| p.secret_values())
        .unwrap_or_default()
}

/// The files of a compile's output directory, split by the artifact registry's secret policy
/// (`paasc_emit::holding_secrets`): those that hold secret values by design, and the others.
fn by_policy(out: &Path) -> (paasc_emit::Files, paasc_emit::Files) {
    let files: paasc_emit::Files = files_under(out)
        .into_iter()
        .map(|(rel, bytes)| (rel, String::from_utf8_lossy(&bytes).into_owned().into()))
        .collect();
    let holding: Vec<String> = paasc_emit::holding_secrets(&files)
        .into_iter()
        .map(str::to_string)
        .collect();
    files
        .into_iter()
        .partition(|(rel, _)| holding.contains(rel))
}

#[test]
fn secret_values_stay_in_the_environment_artifacts() {
    let mut profiles_seen = 0;
    let mut secrets_seen = 0;
    for example in std::fs::read_dir(root().join("examples"))
        .expect("examples")
        .flatten()
    {
        let dir = example.path();
        let Ok(profiles) = std::fs::read_dir(dir.join("profiles")) else {
            continue;
        };
        for profile in profiles.flatten() {
            let path = profile.path();
            let secrets: Vec<String> = secrets_of(&path)
                .into_iter()
                .filter(|s| s.len() >= 6)
                .collect();
            let out = common::tmp().join(format!(
                "paasc-secrets-{}-{}-{}",
                std::process::id(),
                example.file_name().to_string_lossy(),
                profile.file_name().to_string_lossy()
            ));
            let _ = std::fs::remove_dir_all(&out);
            let result = run(&[
                "compile",
                &dir.to_string_lossy(),
                "--profile",
                &path.to_string_lossy(),
                "-o",
                &out.to_string_lossy(),
            ]);
            assert_eq!(
                result.code,
                0,
                "{}: {}{}",
                path.display(),
                result.stdout,
                result.stderr
            );
            profiles_seen += 1;
            let env = std::fs::read_to_string(out.join(".env")).unwrap_or_default();
            let (holding, others) = by_policy(&out);
            for (rel, _) in &holding {
                assert!(
                    !rel.ends_with("/values.yaml")
                        && !["docker/Dockerfile", "pebble/rock-layer.yaml"].contains(&rel.as_str()),
                    "{}: the registry lets {rel} hold secrets",
                    path.display()
                );
            }
            for secret in &secrets {
                secrets_seen += 1;
                for text in [&result.stdout, &result.stderr] {
                    assert!(
                        !text.contains(secret.as_str()),
                        "{}: output shows a secret",
                        path.display()
                    );
                }
                for (rel, text) in &others {
                    assert!(
                        !text.contains(secret.as_str()),
                        "{}: {rel} holds a secret value from the profile",
                        path.display()
                    );
                }
            }
            if !secrets.is_empty() {
                let carried: String = holding.iter().map(|(_, text)| &**text).collect();
                assert!(
                    env.is_empty() || secrets.iter().any(|s| carried.contains(s.as_str())),
                    "{}: no secret reaches the environment artifacts",
                    path.display()
                );
            }
            let _ = std::fs::remove_dir_all(&out);
        }
    }
    assert!(profiles_seen >= 2, "only {profiles_seen} example profiles");
    assert!(
        secrets_seen >= 2,
        "only {secrets_seen} secret values checked"
    );
}

#[test]
fn diagnostics_never_show_secret_values() {
    let marks = [
        "TOPSECRET-KEY-7f3a",
        "TOPSECRET-TOKEN-91bc",
        "TOPSECRET-PASSWORD-44de",
    ];
    let cases = [
        "profile-secret-as-config",
        "profile-unknown-option",
        "profile-wrong-type",
        "profile-missing-integration",
        "profile-env-unrepresentable",
        "profile-limit-exceeded",
        "profile-interface-mismatch",
    ];
    let mut failures_seen = 0;
    for case in cases {
        let dir = root().join("golden/errors").join(case);
        let out = common::tmp().join(format!("paasc-secrets-{}-{case}", std::process::id()));
        for format in ["json", "human"] {
            let result = run(&[
                "compile",
                &dir.to_string_lossy(),
                "--profile",
                "dev",
                "-o",
                &out.to_string_lossy(),
                "--format",
                format,
                "--set",
                &format!("secret-key={}", marks[0]),
                "--set",
                &format!("config.api-token={}", marks[1]),
                "--set",
                &format!("integrations.postgresql.data.password={}", marks[2]),
            ]);
            assert_ne!(result.code, 0, "{case}: expected a failure");
            failures_seen += 1;
            for mark in marks {
                assert!(
                    !result.stdout.contains(mark) && !result.stderr.contains(mark),
                    "{case} ({format}): a diagnostic shows a secret value:\n{}{}",
                    result.stdout,
                    result.stderr
                );
            }
            assert!(
                !out.exists(),
                "{case}: a failed compile wrote {}",
                out.display()
            );
        }
    }
    assert_eq!(failures_seen, cases.len() * 2);
}

/// A secret written with YAML escapes or quoting is hidden where it is written, not only where
/// its decoded text happens to appear: in a profile file, and in a `--set` argument's name.
#[test]
fn secrets_written_with_escapes_are_hidden_where_they_are_written() {
    let dir = scratch("secrets-escaped");
    let example = root().join("examples/flask-secrets");
    copy_dir(&example, &dir);
    std::fs::write(
        dir.join("profiles/escaped.yaml"),
        "secret-key: \"ESC\\x41PED-KEY\"\nno-such-key: 1\nsecrets:\n  flask-secret-key-id:\n    value: 'QUOTED''SECRET'\n    no-such-field: 1\n",
    )
    .expect("profile");
    for format in ["json", "human"] {
        let result = run(&[
            "compile",
            &dir.to_string_lossy(),
            "--profile",
            "escaped",
            "-o",
            &dir.join("out").to_string_lossy(),
            "--format",
            format,
            "--set",
            r#"secrets.webhook-secret="SET\u0041ESCAPED""#,
        ]);
        assert_eq!(result.code, 1, "{}{}", result.stdout, result.stderr);
        let all = format!("{}{}", result.stdout, result.stderr);
        for problem in ["no-such-key", "--set secrets.webhook-secret="] {
            assert!(all.contains(problem), "{problem} not reported:\n{all}");
        }
        for shown in [
            "ESC", "PED-KEY", "QUOTED", "SECRET", "SET", "ESCAPED", "\\u0041",
        ] {
            assert!(!all.contains(shown), "{format}: `{shown}` is shown:\n{all}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Asserts that no `marks` byte string reaches the output of `paasc args` in either format.
fn assert_hidden(args: &[&str], marks: &[&str], what: &str) -> String {
    let mut all = String::new();
    for format in ["json", "human"] {
        let mut full = args.to_vec();
        full.extend(["--format", format]);
        let result = run(&full);
        let shown = format!("{}{}", result.stdout, result.stderr);
        assert_ne!(result.code, 3, "{what}: internal error:\n{shown}");
        for mark in marks {
            assert!(
                !shown.contains(mark),
                "{what} ({format}): `{mark}` is shown:\n{shown}"
            );
        }
        all.push_str(&shown);
    }
    all
}

/// Secrets that reach diagnostics by the back door: a value YAML 1.1 and 1.2 read differently
/// (Y006 would state both readings), a credential written as a list (paas-charm's P004 quotes
/// it), a secret's own line that does not parse, a duplicated key, a list or mapping where a
/// string is wanted, and `--set` arguments with a line break or a misspelt path.
#[test]
fn hostile_secrets_never_reach_a_diagnostic() {
    let dir = scratch("secrets-hostile");
    copy_dir(&root().join("examples/flask-secrets"), &dir);
    let project = dir.to_string_lossy().into_owned();
    let out = dir.join("out").to_string_lossy().into_owned();
    let compile = |extra: &[&str]| -> Vec<String> {
        let mut a = vec!["compile", project.as_str(), "-o", out.as_str()];
        a.extend(extra);
        a.into_iter().map(str::to_string).collect()
    };
    // --set values YAML 1.2 reads as numbers (or 1.1 as base 60).
    for value in ["0o1234567", "1_234_567_890", "12:30:45"] {
        for path in ["secret-key", "secrets.webhook-secret.value"] {
            let set = format!("{path}={value}");
            let args = compile(&["--profile", "default", "--set", &set]);
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let derived = ["342391", "1234567890", "45045"];
            let mut marks = vec![value];
            marks.extend(derived);
            assert_hidden(&args, &marks, &set);
        }
    }
    // Profile files whose secret lines are broken, duplicated or of the wrong shape.
    let profiles = [
        ("unterminated", "secret-key: \"UNTERMINATED-SECRET-1\nconfig:\n  flask-debug: true\n"),
        ("colon", "secret-key: COLON-SECRET-2: more\n"),
        ("control", "secret-key: CONTROL-SECRET-3\u{1}x\n"),
        ("duplicate", "secret-key: DUPLICATE-SECRET-4\nsecret-key: DUPLICATE-SECRET-5\n"),
        ("list", "secret-key: [LIST-SECRET-6]\n"),
        ("block-list", "secret-key:\n- BLOCK-LIST-SECRET-7\n"),
        ("mapping", "secret-key: {k: MAPPING-SECRET-8}\n"),
        ("nested", "secrets:\n  webhook-secret:\n    value: [NESTED-SECRET-9]\n    value: DUP-NESTED-SECRET-10\n"),
        ("broken-nested", "secrets:\n  webhook-secret:\n    value: 'BROKEN-NESTED-SECRET-11\n"),
    ];
    for (name, text) in profiles {
        std::fs::write(dir.join(format!("profiles/{name}.yaml")), text).expect("profile");
        let args = compile(&["--profile", name]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let marks: Vec<&str> = text
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '-')
            .filter(|w| w.contains("SECRET-"))
            .collect();
        assert!(!marks.is_empty(), "{name}");
        assert_hidden(&args, &marks, name);
    }
    // `paasc check` reads every profile: the same files, all at once.
    let all = assert_hidden(&["check", project.as_str()], &["SECRET-"], "check");
    assert!(all.contains("unterminated.yaml"), "{all}");
    // --set arguments: a line break, misspelt paths, no `=`, an unknown option.
    for (set, mark) in [
        ("secret-key=LINE-BREAK-SECRET\nmore", "LINE-BREAK-SECRET"),
        ("secret-kye=TYPO-SECRET-12", "TYPO-SECRET-12"),
        ("secrets..value=EMPTY-KEY-SECRET", "EMPTY-KEY-SECRET"),
        (
            "config.webhook-secrte=OPTION-TYPO-SECRET",
            "OPTION-TYPO-SECRET",
        ),
        ("NO-EQUALS-SECRET", "NO-EQUALS-SECRET"),
    ] {
        let args = compile(&["--profile", "default", "--set", set]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let shown = assert_hidden(&args, &[mark], set);
        assert!(
            shown.contains("--set"),
            "{set}: the flag is not named:\n{shown}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// A credential written as a list in an integration's databag: paas-charm refuses it (P004),
/// and its message would quote the value.
#[test]
fn a_credential_written_as_a_list_is_not_quoted() {
    let dir = root().join("examples/flask-postgresql");
    let out = common::tmp().join(format!("paasc-secrets-list-{}", std::process::id()));
    let shown = assert_hidden(
        &[
            "compile",
            &dir.to_string_lossy(),
            "-o",
            &out.to_string_lossy(),
            "--set",
            "integrations.postgresql.data.password=[\"LIST-PASSWORD-SECRET\", 2]",
        ],
        &["LIST-PASSWORD-SECRET"],
        "list password",
    );
    assert!(shown.contains("P004"), "{shown}");
    assert!(!out.exists(), "{shown}");
}

/// An empty or null `--set` is refused at the flag, whatever the path: a pipeline whose secret
/// variable is empty must not deploy the profile's placeholder.
#[test]
fn an_empty_or_null_set_is_refused_at_the_flag() {
    let dir = root().join("examples/flask-secrets");
    let out = common::tmp().join(format!("paasc-secrets-empty-{}", std::process::id()));
    for set in [
        "secret-key=",
        "secret-key=~",
        "secrets.webhook-secret.value= ",
        "kubernetes=null",
        "integrations.s3.data=NULL",
    ] {
        let result = run(&[
            "compile",
            &dir.to_string_lossy(),
            "-o",
            &out.to_string_lossy(),
            "--format",
            "json",
            "--set",
            set,
        ]);
        assert_eq!(result.code, 1, "{set}: {}{}", result.stdout, result.stderr);
        let doc: serde_json::Value = serde_json::from_str(&result.stdout).expect("JSON");
        let d = &doc["diagnostics"][0];
        assert_eq!(d["code"], "S004", "{set}: {d}");
        let message = d["message"].as_str().unwrap_or_default();
        assert!(message.contains("gives no value"), "{set}: {message}");
        assert!(d["help"].is_string(), "{set}: {d}");
        assert!(!out.exists(), "{set}: wrote {}", out.display());
    }
}
