//! Helper for `tools/bench.sh`: writes the synthetic projects it measures, and runs many projects
//! one after another in one process (`paasc compile DIR... -o OUT` runs them in parallel; this
//! sequential loop is kept to compare, and to show the cost per project on one core).
//!
//!     paasc-bench charm DIR OPTIONS INTEGRATIONS  a flask project whose charmcraft.yaml declares
//!                                                 OPTIONS options and INTEGRATIONS integrations
//!     paasc-bench profile DIR VALUES              a flask project whose profiles/default.yaml
//!                                                 sets VALUES options
//!     paasc-bench apps DIR N EXAMPLES             N projects, copies of the examples in turn
//!     paasc-bench run DIR OUT                     `paasc compile P -o OUT/<name of P>` for every
//!                                                 project P in DIR, one after another in this
//!                                                 one process
//!
//! Hostile inputs (README, "Performance": each must end within 1 s and 100 MB):
//!
//!     paasc-bench typos DIR OPTIONS TYPOS         OPTIONS options `opt-N`, and a profile setting
//!                                                 TYPOS misspelt ones (`opt-Nx`, `otp-N`)
//!     paasc-bench requires DIR N                  a charm requiring N integrations paas-charm
//!                                                 does not read (N warnings)
//!     paasc-bench unknown-keys DIR N              N unknown keys in rockcraft.yaml
//!     paasc-bench duplicate-keys DIR N            N duplicate keys in rockcraft.yaml
//!     paasc-bench render N                        the human renderer alone: N diagnostics of one
//!                                                 file, each rendered (no cap), narratable

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let num = |i: usize| -> usize {
        args.get(i)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| usage())
    };
    let path = |i: usize| PathBuf::from(args.get(i).unwrap_or_else(|| usage()));
    let result = match args.first().map(String::as_str) {
        Some("charm") => charm_project(&path(1), num(2), num(3)),
        Some("profile") => profile_project(&path(1), num(2)),
        Some("apps") => apps(&path(1), num(2), &path(3)),
        Some("run") => return run(&path(1), &path(2)),
        Some("typos") => typos_project(&path(1), num(2), num(3)),
        Some("requires") => requires_project(&path(1), num(2)),
        Some("unknown-keys") => keys_project(&path(1), num(2), false),
        Some("duplicate-keys") => keys_project(&path(1), num(2), true),
        Some("render") => return render(num(1)),
        _ => usage(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("paasc-bench: {e}");
            ExitCode::from(2)
        }
    }
}

fn usage() -> ! {
    eprintln!("usage: paasc-bench charm DIR OPTIONS INTEGRATIONS | profile DIR VALUES | apps DIR N EXAMPLES | run DIR OUT | typos DIR OPTIONS TYPOS | requires DIR N | unknown-keys DIR N | duplicate-keys DIR N | render N");
    std::process::exit(2)
}

const ROCKCRAFT: &str = "name: bench
base: ubuntu@24.04
version: '0.1'
summary: A generated Flask project for benchmarks.
description: A generated Flask project for benchmarks.
platforms:
  amd64:
extensions:
  - flask-framework
";

const APP: &str = "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route(\"/\")\ndef index():\n    return \"ok\"\n";

/// The option types, in turn, and a value of each.
fn option(i: usize) -> (&'static str, String) {
    match i % 4 {
        0 => ("string", format!("\"value {i}\"")),
        1 => ("int", i.to_string()),
        2 => ("boolean", (i % 8 == 2).to_string()),
        _ => ("float", format!("{i}.5")),
    }
}

fn charmcraft(options: usize, integrations: usize) -> String {
    let mut s = String::from(
        "name: bench
type: charm
base: ubuntu@24.04
platforms:
  amd64:
summary: A generated charm for benchmarks.
description: A generated charm for benchmarks.
extensions:
  - flask-framework
",
    );
    if options > 0 {
        // No descriptions, so 100,000 options still fit paasc's 8 MiB input limit.
        s.push_str("config:\n  options:\n");
        for i in 0..options {
            let (ty, default) = option(i);
            let _ = write!(
                s,
                "    opt-{i}:\n      type: {ty}\n      default: {default}\n"
            );
        }
    }
    if integrations > 0 {
        // Provided endpoints: paas-charm reads the data of only one `requires` endpoint per
        // interface it knows (and paasc warns about any other), so a clean charm with a
        // thousand integrations provides them.
        s.push_str("provides:\n");
        for i in 0..integrations {
            let _ = write!(
                s,
                "  api-{i}:\n    interface: api-{}\n    optional: true\n    limit: 1\n",
                i % 7
            );
        }
    }
    s
}

fn project(dir: &Path, charm: &str, profile: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir.join("charm"))?;
    std::fs::create_dir_all(dir.join("profiles"))?;
    std::fs::write(dir.join("rockcraft.yaml"), ROCKCRAFT)?;
    std::fs::write(dir.join("app.py"), APP)?;
    std::fs::write(dir.join("requirements.txt"), "Flask\n")?;
    std::fs::write(dir.join("charm/charmcraft.yaml"), charm)?;
    std::fs::write(dir.join("profiles/default.yaml"), profile)
}

const PROFILE_HEAD: &str = "app: bench\nmodel: bench\nunits: 1\nsecret-key: bench-secret-key\n";

fn charm_project(dir: &Path, options: usize, integrations: usize) -> std::io::Result<()> {
    project(dir, &charmcraft(options, integrations), PROFILE_HEAD)
}

fn profile_project(dir: &Path, values: usize) -> std::io::Result<()> {
    let mut profile = String::from(PROFILE_HEAD);
    profile.push_str("config:\n");
    for i in 0..values {
        // Of the option's type, and not its default.
        let value = match option(i).0 {
            "string" => format!("\"set {i}\""),
            "int" => (i + 1).to_string(),
            "boolean" => (i % 8 != 2).to_string(),
            _ => format!("{i}.25"),
        };
        let _ = writeln!(profile, "  opt-{i}: {value}");
    }
    project(dir, &charmcraft(values, 0), &profile)
}

fn typos_project(dir: &Path, options: usize, typos: usize) -> std::io::Result<()> {
    let mut profile = String::from(PROFILE_HEAD);
    profile.push_str("config:\n");
    for i in 0..typos {
        // Spread over the options; a typo at the end, or at the start, of the name.
        let n = i * options.max(1) / typos.max(1);
        if i % 2 == 0 {
            let _ = writeln!(profile, "  opt-{n}x: 1");
        } else {
            let _ = writeln!(profile, "  otp-{n}: 1");
        }
    }
    project(dir, &charmcraft(options, 0), &profile)
}

fn requires_project(dir: &Path, n: usize) -> std::io::Result<()> {
    let mut charm = charmcraft(0, 0);
    charm.push_str("requires:\n");
    for i in 0..n {
        let _ = write!(
            charm,
            "  db-{i}:\n    interface: api-{i}\n    optional: true\n    limit: 1\n"
        );
    }
    project(dir, &charm, PROFILE_HEAD)
}

fn keys_project(dir: &Path, n: usize, duplicate: bool) -> std::io::Result<()> {
    project(dir, &charmcraft(0, 0), PROFILE_HEAD)?;
    let mut rock = String::from(ROCKCRAFT);
    for i in 0..n {
        if duplicate {
            let _ = writeln!(rock, "summary: again {i}");
        } else {
            let _ = writeln!(rock, "unknown-key-{i}: {i}");
        }
    }
    std::fs::write(dir.join("rockcraft.yaml"), rock)
}

/// Renders `n` diagnostics of one `n`-line file, one by one (so without the report's cap), as
/// `paasc::human::render_all` does.
fn render(n: usize) -> ExitCode {
    use paasc_diag::{Code, Diagnostic, SourceDb, Span};
    let mut text = String::new();
    let mut starts = Vec::with_capacity(n);
    for i in 0..n {
        starts.push(text.len());
        let _ = writeln!(text, "unknown-key-{i}: {i}");
    }
    let mut db = SourceDb::new();
    let file = db.add("rockcraft.yaml", text);
    let mut bytes = 0;
    let mut renderer = paasc::human::Renderer::new(&db, paasc::human::Style::Narratable);
    for (i, &at) in starts.iter().enumerate() {
        let d = Diagnostic::new(
            Code::UNKNOWN_KEY,
            file,
            Span::new(at, at + 12),
            format!("unknown key `unknown-key-{i}` at the top level"),
        )
        .label("not a known key")
        .help("known keys: name, summary");
        bytes += renderer.render(&d).len();
    }
    println!("rendered {n} diagnostics, {bytes} bytes");
    ExitCode::SUCCESS
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

fn apps(dir: &Path, n: usize, examples: &Path) -> std::io::Result<()> {
    let mut sources: Vec<PathBuf> = std::fs::read_dir(examples)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("rockcraft.yaml").is_file())
        .collect();
    sources.sort();
    if sources.is_empty() {
        return Err(std::io::Error::other("no examples found"));
    }
    std::fs::create_dir_all(dir)?;
    for i in 0..n {
        copy_dir(
            &sources[i % sources.len()],
            &dir.join(format!("app-{i:05}")),
        )?;
    }
    Ok(())
}

fn run(dir: &Path, out_dir: &Path) -> ExitCode {
    let mut projects: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.join("rockcraft.yaml").is_file())
            .collect(),
        Err(e) => {
            eprintln!("paasc-bench: cannot read {}: {e}", dir.display());
            return ExitCode::from(2);
        }
    };
    projects.sort();
    let term = paasc::Terminal {
        stdout_tty: false,
        no_color: true,
        experimental: false,
        rock_experimental: false,
    };
    for p in &projects {
        let out = out_dir.join(p.file_name().unwrap_or_default());
        let args = [
            "paasc".to_string(),
            "compile".into(),
            p.to_string_lossy().into_owned(),
            "-o".into(),
            out.to_string_lossy().into_owned(),
        ];
        let outcome = paasc::run(args.to_vec(), term);
        if outcome.code != 0 {
            eprintln!(
                "paasc-bench: {} failed ({}):\n{}{}",
                p.display(),
                outcome.code,
                outcome.stdout,
                outcome.stderr
            );
            return ExitCode::FAILURE;
        }
    }
    println!("compiled {} projects", projects.len());
    ExitCode::SUCCESS
}
