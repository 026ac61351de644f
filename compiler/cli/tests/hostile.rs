//! Hostile inputs too big to commit as golden cases: 100 MB project files, profiles and files
//! the extensions read. Each ends in a Y008 diagnostic naming the file, and nothing is written.
//! The charm's own code is read within a file count and a byte budget. The files are sparse (a
//! real head, then zeros), so the test itself stays quick. And small inputs that ask for a lot
//! of work: a profile number that would make paasc build a peer name for every one of a billion
//! units. `bench/` times these (`tools/bench.sh`).

#[path = "support/common.rs"]
mod common;
use common::{copy_dir, paasc, root, scratch};

use std::path::{Path, PathBuf};

const HUNDRED_MB: u64 = 100 * 1024 * 1024;

fn project(name: &str) -> PathBuf {
    let dir = scratch(&format!("hostile-{name}"));
    let example = root().join("examples/flask-minimal");
    copy_dir(&example, &dir);
    dir
}

/// Grows `path` to 100 MB, keeping its text as the head.
fn inflate(path: &Path) {
    let f = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .expect("open");
    f.set_len(HUNDRED_MB).expect("set_len");
}

fn diagnostics(out: &std::process::Output) -> Vec<serde_json::Value> {
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    doc["diagnostics"].as_array().cloned().unwrap_or_default()
}

fn y008_for(diags: &[serde_json::Value], file: &str) -> serde_json::Value {
    diags
        .iter()
        .find(|d| d["code"] == "Y008" && d["file"].as_str().is_some_and(|f| f.ends_with(file)))
        .cloned()
        .unwrap_or_else(|| panic!("no Y008 for {file}: {diags:#?}"))
}

#[test]
fn a_100_mb_project_file_is_refused_with_y008() {
    for file in ["rockcraft.yaml", "charmcraft.yaml"] {
        let dir = project(&format!("project-{file}"));
        let path = if file == "charmcraft.yaml" {
            dir.join("charm").join(file)
        } else {
            dir.join(file)
        };
        inflate(&path);
        let out = paasc(&["check", &dir.to_string_lossy(), "--format", "json"]);
        assert_eq!(out.status.code(), Some(1), "{file}");
        let diags = diagnostics(&out);
        let d = y008_for(&diags, file);
        assert_eq!(d["severity"], "error");
        assert_eq!(d["line"], 1);
        assert!(
            d["message"]
                .as_str()
                .is_some_and(|m| m.contains("8388608 bytes")),
            "{d}"
        );
        assert_eq!(
            diags.len(),
            1,
            "only the size is reported for {file}, no follow-on errors: {diags:#?}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn a_100_mb_profile_is_refused_and_nothing_is_written() {
    let dir = project("profile");
    inflate(&dir.join("profiles/default.yaml"));
    let out_dir = dir.join("out");
    let out = paasc(&[
        "compile",
        &dir.to_string_lossy(),
        "-o",
        &out_dir.to_string_lossy(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let d = y008_for(&diagnostics(&out), "profiles/default.yaml");
    assert_eq!(d["severity"], "error");
    assert!(!out_dir.exists(), "nothing may be written");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_100_mb_file_the_extension_reads_is_named() {
    let dir = project("app");
    inflate(&dir.join("requirements.txt"));
    let out = paasc(&["check", &dir.to_string_lossy(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let d = y008_for(&diagnostics(&out), "requirements.txt");
    let message = d["message"].as_str().unwrap_or_default();
    assert!(message.contains(&HUNDRED_MB.to_string()), "{message}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_huge_unit_count_is_refused_at_its_value() {
    let dir = project("units");
    let out_dir = dir.join("out");
    for set in [
        "units=10000000",
        "units=9223372036854775807",
        "units=190:20:30",
    ] {
        let out = paasc(&[
            "compile",
            &dir.to_string_lossy(),
            "-o",
            &out_dir.to_string_lossy(),
            "--set",
            set,
            "--format",
            "json",
        ]);
        assert_eq!(out.status.code(), Some(1), "{set}");
        let diags = diagnostics(&out);
        let d = diags
            .iter()
            .find(|d| d["code"] == "S004")
            .unwrap_or_else(|| panic!("{set}: no S004: {diags:#?}"));
        assert_eq!(d["file"], format!("--set {set}"));
        let message = d["message"].as_str().unwrap_or_default();
        assert!(message.contains("from 1 to 1000"), "{message}");
        assert!(!out_dir.exists(), "{set}: nothing may be written");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Control characters a terminal would act on: ESC, BEL, and the 8-bit CSI.
fn assert_terminal_safe(what: &str, out: &std::process::Output) {
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains(['\u{1b}', '\u{7}', '\u{9b}']),
            "{what}: raw control character on {stream}: {text:?}"
        );
    }
}

#[test]
fn human_output_shows_control_characters_escaped() {
    let dir = project("escapes");
    let d = dir.to_string_lossy().into_owned();
    let mut rock = std::fs::read_to_string(dir.join("rockcraft.yaml")).expect("rockcraft.yaml");
    rock.push_str("\"\\e]0;PWN\\a\\e[2Jx\": 1\nlicense: \"MIT\\e[2J\"\n");
    std::fs::write(dir.join("rockcraft.yaml"), rock).expect("write");
    let mut charm =
        std::fs::read_to_string(dir.join("charm/charmcraft.yaml")).expect("charmcraft.yaml");
    charm.push_str("config:\n  options:\n    \"opt\\e]0;PWN\\a\": {type: strange}\n");
    std::fs::write(dir.join("charm/charmcraft.yaml"), charm).expect("write");
    std::fs::write(
        dir.join("profiles/default.yaml"),
        "secret-key: dev\nintegrations:\n  \"db\\e]2;PWN\\a\": {app: pg}\nconfig:\n  \"\\x9b31mx\": 1\n",
    )
    .expect("profile");
    let out = paasc(&["check", &d]);
    assert_eq!(out.status.code(), Some(1));
    assert_terminal_safe("check", &out);
    let text = String::from_utf8_lossy(&out.stdout);
    for shown in [
        "\\u{1b}]0;PWN\\u{7}\\u{1b}[2Jx",
        "MIT\\u{1b}[2J",
        "opt\\u{1b}]0;PWN\\u{7}",
    ] {
        assert!(text.contains(shown), "{shown} not in {text}");
    }
    // JSON keeps the real text (JSON escapes it itself).
    let json = paasc(&["check", &d, "--format", "json"]);
    let messages: Vec<String> = diagnostics(&json)
        .iter()
        .filter_map(|d| d["message"].as_str().map(str::to_string))
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("\u{1b}]0;PWN\u{7}\u{1b}[2Jx")),
        "{messages:#?}"
    );

    let out_dir = format!("{d}/out\u{1b}[2J");
    for args in [
        vec![
            "compile",
            &d,
            "-o",
            &out_dir,
            "--profile",
            "x\u{1b}]0;PWN\u{7}",
        ],
        vec!["compile", &d, "-o", &out_dir, "--set", "con\u{1b}fig.x=1"],
        vec!["compile", &d, "-o", &out_dir, "--set", "config.\u{1b}[2J=1"],
        vec!["explain", "\u{1b}]0;PWN\u{7}"],
        vec!["check", "nowhere\u{1b}[2J"],
    ] {
        let out = paasc(&args);
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        assert_terminal_safe(&format!("{args:?}"), &out);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn compile_check_shows_control_characters_in_its_diff_escaped() {
    let dir = project("check-escapes");
    let d = dir.to_string_lossy().into_owned();
    let out_dir = dir.join("out");
    let o = out_dir.to_string_lossy().into_owned();
    assert_eq!(paasc(&["compile", &d, "-o", &o]).status.code(), Some(0));
    let layer = out_dir.join("pebble/rock-layer.yaml");
    let text = std::fs::read_to_string(&layer).expect("rock layer");
    std::fs::write(&layer, format!("# \u{1b}]0;PWN\u{7}\n{text}")).expect("tamper");
    let out = paasc(&["compile", &d, "-o", &o, "--check"]);
    assert_eq!(out.status.code(), Some(1));
    assert_terminal_safe("compile --check", &out);
    assert!(String::from_utf8_lossy(&out.stdout).contains("-# \\u{1b}]0;PWN\\u{7}"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// 1,000 unknown keys and 1,000 duplicates of one key: each file reports the first
/// `MAX_PER_CODE` of each code and one summary counting the rest, in every format, so the
/// diagnostics (and the JSON document) stay small whatever the file holds.
#[test]
fn a_file_reports_at_most_max_per_code_of_each_code() {
    let dir = project("many-diagnostics");
    let d = dir.to_string_lossy().into_owned();
    let mut rock = std::fs::read_to_string(dir.join("rockcraft.yaml")).expect("rockcraft.yaml");
    for i in 0..1_000 {
        rock.push_str(&format!("unknown-key-{i}: {i}\n"));
    }
    for i in 0..1_000 {
        rock.push_str(&format!("summary: s{i}\n"));
    }
    std::fs::write(dir.join("rockcraft.yaml"), rock).expect("write");
    let cap = paasc_diag::MAX_PER_CODE;
    let json = paasc(&["check", &d, "--format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    let diags = diagnostics(&json);
    for (code, more) in [("S001", 1_000 - cap), ("Y003", 1_000 - cap)] {
        let of_code: Vec<&serde_json::Value> = diags.iter().filter(|x| x["code"] == code).collect();
        assert_eq!(of_code.len(), cap + 1, "{code}");
        let summary = format!("and {more} more {code} (");
        assert_eq!(
            of_code
                .iter()
                .filter(|x| x["message"]
                    .as_str()
                    .is_some_and(|m| m.starts_with(&summary)))
                .count(),
            1,
            "{code}: {of_code:#?}"
        );
    }
    assert_eq!(diags.len(), 2 * (cap + 1), "{diags:#?}");
    let out = paasc(&["check", &d]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.matches("diagnostic code: S001").count(), cap + 1);
    assert!(text.contains("and 950 more S001 (unknown-key) in this file, not reported"));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with(&format!("{} errors", 2 * (cap + 1))));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_charm_code_read_is_bounded() {
    let dir = scratch("hostile-charm-code");
    let src = dir.join("src");
    std::fs::create_dir_all(src.join("deep/deeper/deepest")).expect("mkdir");
    for i in 0..100 {
        std::fs::write(src.join(format!("a{i:03}.py")), "x = 1\n").expect("write");
    }
    std::fs::write(src.join("charm.py"), "RELATION = \"amqp\"\n").expect("write");
    std::fs::write(src.join("deep/deeper/deepest/far.py"), "").expect("write");
    let code = paasc::load::charm_code(&dir);
    assert_eq!(code.len(), 64, "{:?}", code.keys().collect::<Vec<_>>());
    assert!(code.contains_key("src/charm.py"));
    assert!(!code.keys().any(|k| k.contains("deepest")));
    inflate(&src.join("a000.py"));
    let code = paasc::load::charm_code(&dir);
    let bytes: usize = code.values().map(String::len).sum();
    assert_eq!(bytes, 4 * 1024 * 1024);
    assert!(code.contains_key("src/charm.py"));
}

/// Runs the binary with `args`, killing it after 10 s: a read that blocks fails the test
/// instead of hanging it.
fn paasc_bounded(args: &[&str]) -> std::process::Output {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_paasc"))
        .current_dir(root())
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run paasc");
    let start = std::time::Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > std::time::Duration::from_secs(10) {
            let _ = child.kill();
            panic!("paasc {args:?} did not end within 10 s (a blocking read?)");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().expect("output")
}

fn mkfifo(path: &Path) {
    let _ = std::fs::remove_file(path);
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(status.success());
}

/// A FIFO where paasc reads a file (a profile, `--rockcraft`, rockcraft.yaml found in the
/// project, requirements.txt) is reported (F001) or passed over, never read: paasc opens files
/// without blocking and reads only regular ones.
#[test]
fn fifos_are_reported_not_read() {
    let dir = project("fifos");
    let d = dir.to_string_lossy().into_owned();
    let out = dir.join("out").to_string_lossy().into_owned();
    mkfifo(&dir.join("profiles/fifo.yaml"));
    let o = paasc_bounded(&[
        "compile",
        &d,
        "-o",
        &out,
        "--profile",
        "fifo",
        "--format",
        "json",
    ]);
    let diags = diagnostics(&o);
    assert_eq!(o.status.code(), Some(2), "{diags:?}");
    assert_eq!(diags[0]["code"], "F001", "{diags:?}");
    assert!(
        diags[0]["message"].as_str().unwrap_or("").contains("FIFO"),
        "{diags:?}"
    );
    let o = paasc_bounded(&["check", &d, "--format", "json"]);
    let diags = diagnostics(&o);
    assert!(
        diags.iter().any(|x| x["code"] == "F001"
            && x["file"].as_str().unwrap_or("").ends_with("fifo.yaml")),
        "check passes over the FIFO profile: {diags:?}"
    );
    std::fs::remove_file(dir.join("profiles/fifo.yaml")).expect("rm");
    let rock = dir.join("rockcraft.yaml");
    std::fs::rename(&rock, dir.join("rock.yaml")).expect("mv");
    mkfifo(&rock);
    for args in [
        vec!["check", d.as_str(), "--format", "json"],
        vec!["check", "--rockcraft", "x", "--format", "json"],
    ] {
        let args: Vec<String> = args
            .iter()
            .map(|a| {
                if *a == "x" {
                    rock.to_string_lossy().into_owned()
                } else {
                    a.to_string()
                }
            })
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = paasc_bounded(&args);
        let diags = diagnostics(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {diags:?}");
        assert_eq!(diags[0]["code"], "F001", "{diags:?}");
        assert!(diags[0]["message"].as_str().unwrap_or("").contains("FIFO"));
    }
    std::fs::remove_file(&rock).expect("rm");
    std::fs::rename(dir.join("rock.yaml"), &rock).expect("mv");
    let req = dir.join("requirements.txt");
    mkfifo(&req);
    let o = paasc_bounded(&["check", &d, "--format", "json"]);
    let diags = diagnostics(&o);
    assert!(
        diags.iter().any(|x| x["code"] == "F001"
            && x["file"]
                .as_str()
                .unwrap_or("")
                .ends_with("requirements.txt")
            && x["message"].as_str().unwrap_or("").contains("FIFO")),
        "{diags:?}"
    );
    assert_eq!(o.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Project files reached through a symbolic link that leaves the project (or leads into /proc)
/// are refused before they are read, and their text is never quoted.
#[test]
fn links_out_of_the_project_are_not_read() {
    let dir = project("links-out");
    let d = dir.to_string_lossy().into_owned();
    let outside = scratch("links-out-target");
    std::fs::create_dir_all(&outside).expect("mkdir");
    let secret = outside.join("credentials");
    std::fs::write(
        &secret,
        "name: CREDENTIAL-LEAK-1\ntoken: [CREDENTIAL-LEAK-2\n",
    )
    .expect("write");
    let rock = dir.join("rockcraft.yaml");
    std::fs::remove_file(&rock).expect("rm");
    std::os::unix::fs::symlink(&secret, &rock).expect("link");
    let o = paasc_bounded(&["check", &d, "--format", "json"]);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!all.contains("CREDENTIAL-LEAK"), "{all}");
    let diags = diagnostics(&o);
    assert_eq!(o.status.code(), Some(2), "{all}");
    assert_eq!(diags[0]["code"], "F001", "{all}");
    std::fs::remove_file(&rock).expect("rm");
    std::os::unix::fs::symlink("/proc/self/environ", &rock).expect("link");
    let o = paasc_bounded(&["check", &d, "--format", "human"]);
    let all = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(all.contains("/proc"), "{all}");
    assert!(!all.contains("PATH="), "the environment is shown:\n{all}");
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_dir_all(&outside);
}
