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
        .map(|(rel, bytes)| (rel, String::from_utf8_lossy(&bytes).into_owned()))
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
            let out = std::env::temp_dir().join(format!(
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
                let carried: String = holding.iter().map(|(_, text)| text.as_str()).collect();
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
        let out = std::env::temp_dir().join(format!("paasc-secrets-{}-{case}", std::process::id()));
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
