//! `paasc init`: a new 12-factor project, the files `rockcraft init --profile <fw>-framework`
//! and `charmcraft init --profile <fw>-framework` write (the charm in `charm/`), a development
//! profile, and a minimal app when the directory has none. The templates are data files in
//! `compiler/cli/templates/init/` (their README says where their shapes come from). Nothing
//! that exists is ever overwritten.

use crate::{Outcome, EXIT_OK, EXIT_USAGE};
use paasc_frameworks::Framework;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// `paasc init`'s arguments.
#[derive(clap::Args, Debug, Clone)]
pub struct InitArgs {
    /// The project directory (created when missing).
    #[arg(default_value = ".", value_name = "DIR")]
    dir: PathBuf,
    /// The framework; without it, detected from the files present (requirements.txt, go.mod,
    /// package.json, pom.xml or build.gradle).
    #[arg(long, value_parser = framework_parser())]
    framework: Option<Framework>,
    /// The rock's and the charm's name (default: the directory's name).
    #[arg(long)]
    name: Option<String>,
    /// The charm's author, for its copyright lines (default: $USER).
    #[arg(long)]
    author: Option<String>,
}

fn framework_parser() -> impl clap::builder::TypedValueParser<Value = Framework> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(Framework::ALL.iter().map(|f| f.name()))
        .try_map(|name: String| Framework::from_name(&name).ok_or("not a framework"))
}

macro_rules! template {
    ($path:literal) => {
        include_str!(concat!("../templates/init/", $path))
    };
}

/// One file to write: its path in the project, its template, whether it is executable.
type File = (&'static str, &'static str, bool);

const ROCKCRAFT: File = (
    "rockcraft.yaml",
    template!("rockcraft/rockcraft.yaml"),
    false,
);

const CHARM: &[File] = &[
    (
        "charm/charmcraft.yaml",
        template!("charm/charmcraft.yaml"),
        false,
    ),
    ("charm/src/charm.py", template!("charm/src/charm.py"), true),
    (
        "charm/requirements.txt",
        template!("charm/requirements.txt"),
        false,
    ),
    (
        "charm/pyproject.toml",
        template!("charm/pyproject.toml"),
        false,
    ),
    ("charm/tox.ini", template!("charm/tox.ini"), false),
    ("charm/.gitignore", template!("charm/gitignore"), false),
];

const PROFILE: File = ("profiles/default.yaml", template!("profile.yaml"), false);

/// The minimal app of each framework (`{{snake}}` in a path is the name with `_` for `-`).
fn app_files(fw: Framework) -> &'static [File] {
    match fw {
        Framework::Flask => &[
            ("app.py", template!("apps/flask/app.py"), false),
            (
                "requirements.txt",
                template!("apps/flask/requirements.txt"),
                false,
            ),
        ],
        Framework::FastApi => &[
            ("app.py", template!("apps/fastapi/app.py"), false),
            (
                "requirements.txt",
                template!("apps/fastapi/requirements.txt"),
                false,
            ),
        ],
        Framework::Django => &[
            (
                "requirements.txt",
                template!("apps/django/requirements.txt"),
                false,
            ),
            (
                "{{snake}}/manage.py",
                template!("apps/django/app/manage.py"),
                true,
            ),
            (
                "{{snake}}/{{snake}}/__init__.py",
                template!("apps/django/app/app/__init__.py"),
                false,
            ),
            (
                "{{snake}}/{{snake}}/settings.py",
                template!("apps/django/app/app/settings.py"),
                false,
            ),
            (
                "{{snake}}/{{snake}}/urls.py",
                template!("apps/django/app/app/urls.py"),
                false,
            ),
            (
                "{{snake}}/{{snake}}/wsgi.py",
                template!("apps/django/app/app/wsgi.py"),
                false,
            ),
        ],
        Framework::Go => &[
            ("go.mod", template!("apps/go/go.mod"), false),
            ("main.go", template!("apps/go/main.go"), false),
        ],
        Framework::ExpressJs => &[
            ("app/app.js", template!("apps/expressjs/app/app.js"), false),
            (
                "app/package.json",
                template!("apps/expressjs/app/package.json"),
                false,
            ),
        ],
        Framework::SpringBoot => &[
            ("pom.xml", template!("apps/spring-boot/pom.xml"), false),
            (
                "src/main/java/app/Application.java",
                template!("apps/spring-boot/src/main/java/app/Application.java"),
                false,
            ),
        ],
    }
}

/// The files whose presence means the directory already holds the framework's app.
fn app_markers(fw: Framework) -> &'static [&'static str] {
    match fw {
        Framework::Flask | Framework::FastApi | Framework::Django => &["requirements.txt"],
        Framework::Go => &["go.mod"],
        Framework::ExpressJs => &["app/package.json", "package.json"],
        Framework::SpringBoot => &["pom.xml", "build.gradle", "build.gradle.kts"],
    }
}

/// The framework's title, as the tools' templates write it.
fn title(fw: Framework) -> &'static str {
    match fw {
        Framework::Flask => "Flask",
        Framework::Django => "Django",
        Framework::FastApi => "FastAPI",
        Framework::Go => "Go",
        Framework::ExpressJs => "ExpressJS",
        Framework::SpringBoot => "Spring Boot",
    }
}

/// The `paas_charm` module of the framework's charm class.
fn module(fw: Framework) -> &'static str {
    match fw {
        Framework::SpringBoot => "springboot",
        other => other.name(),
    }
}

/// The rock's base lines: a Ubuntu base for the Python frameworks, `bare` for the others (as
/// rockcraft's templates have them).
fn base(fw: Framework) -> &'static str {
    match fw {
        Framework::Flask | Framework::Django | Framework::FastApi => "base: ubuntu@24.04",
        _ => "base: bare\nbuild-base: ubuntu@24.04 # required with a bare base",
    }
}

/// The package name of a requirements.txt line, in lower case.
fn requirement(line: &str) -> Option<String> {
    let line = line.split('#').next()?.trim();
    if line.is_empty() || line.starts_with('-') {
        return None;
    }
    let end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(line.len());
    Some(line[..end].to_ascii_lowercase().replace('_', "-"))
}

/// The framework the files in `dir` use, with the file that says so; or why none was found.
pub fn detect(dir: &Path) -> Result<(Framework, String), String> {
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).ok();
    let mut found: Vec<(Framework, String)> = Vec::new();
    if let Some(text) = read("requirements.txt") {
        let names: Vec<String> = text.lines().filter_map(requirement).collect();
        for (pkg, fw) in [
            ("flask", Framework::Flask),
            ("django", Framework::Django),
            ("fastapi", Framework::FastApi),
        ] {
            if names.iter().any(|n| n == pkg) {
                found.push((fw, format!("requirements.txt names {pkg}")));
            }
        }
    }
    if read("go.mod").is_some() {
        found.push((Framework::Go, "go.mod".into()));
    }
    for file in ["package.json", "app/package.json"] {
        if read(file).is_some_and(|t| t.contains("\"express\"")) {
            found.push((Framework::ExpressJs, format!("{file} depends on express")));
            break;
        }
    }
    for file in ["pom.xml", "build.gradle", "build.gradle.kts"] {
        if read(file).is_some_and(|t| t.contains("spring-boot")) {
            found.push((Framework::SpringBoot, format!("{file} uses spring-boot")));
            break;
        }
    }
    match found.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(format!(
            "no framework found in `{}` (no requirements.txt naming flask, django or fastapi, go.mod, package.json with express, or pom.xml/build.gradle with spring-boot)",
            dir.display()
        )),
        several => Err(format!(
            "several frameworks found in `{}`: {}",
            dir.display(),
            several
                .iter()
                .map(|(f, why)| format!("{} ({why})", f.name()))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Whether `name` is a valid rock and charm name: lower-case letters, digits and single
/// hyphens, starting with a letter, not ending with a hyphen.
fn valid_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && !name.contains("--")
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The civil year of the Unix time `secs` (UTC).
fn year_of(secs: u64) -> i64 {
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    yoe + era * 400 + i64::from(month <= 2)
}

/// The integrations the development profile gives the framework: Django's database (paas-charm
/// refuses to run Django without one), pointed at the PostgreSQL `--emit compose` provisions.
fn profile_integrations(fw: Framework, snake: &str) -> String {
    if fw == Framework::Django {
        format!("integrations:\n  postgresql:\n    data:\n      endpoints: postgresql:5432\n      username: {snake}\n      password: dev-only-password\n      database: {snake}\n")
    } else {
        String::new()
    }
}

/// The charm's `requires` for the framework: Django's database uncommented.
fn charm_requires(fw: Framework, text: String) -> String {
    if fw != Framework::Django {
        return text;
    }
    text.replace("# requires:\n", "requires:\n").replace(
        "#   postgresql:\n#     interface: postgresql_client\n#     optional: false\n#     limit: 1\n",
        "  postgresql:\n    interface: postgresql_client\n    optional: false\n    limit: 1\n",
    )
}

/// `paasc init`.
pub fn run(a: &InitArgs) -> Outcome {
    let fail = |message: String| Outcome {
        stderr: format!("error: {message}\n"),
        code: EXIT_USAGE,
        ..Outcome::default()
    };
    let mut notes = String::new();
    let fw = match a.framework {
        Some(f) => f,
        None => match detect(&a.dir) {
            Ok((f, why)) => {
                notes.push_str(&format!("detected {} ({why})\n", f.name()));
                f
            }
            Err(e) => return fail(format!("{e}; pass --framework")),
        },
    };
    let name = match &a.name {
        Some(n) => n.clone(),
        None => std::fs::canonicalize(&a.dir)
            .ok()
            .or_else(|| Some(a.dir.clone()))
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_default(),
    };
    if !valid_name(&name) {
        return fail(format!(
            "`{name}` is not a valid rock and charm name (lower-case letters, digits and single hyphens, starting with a letter); pass --name"
        ));
    }
    let Some(author) = a
        .author
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .filter(|s| !s.is_empty())
    else {
        return fail("cannot tell the charm's author; pass --author".into());
    };
    let snake = name.replace('-', "_");
    let year = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1970, |d| year_of(d.as_secs()));
    let class_name = format!(
        "{}Charm",
        name.split('-')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                    .unwrap_or_default()
            })
            .collect::<String>()
    );
    let fill = |text: &str| {
        text.replace("{{name}}", &name)
            .replace("{{snake}}", &snake)
            .replace("{{title}}", title(fw))
            .replace("{{extension}}", fw.extension())
            .replace("{{module}}", module(fw))
            .replace("{{class_name}}", &class_name)
            .replace("{{year}}", &year.to_string())
            .replace("{{author}}", &author)
            .replace("{{base}}", base(fw))
            .replace("{{integrations}}\n", &profile_integrations(fw, &snake))
    };
    let mut files: Vec<(String, String, bool)> = Vec::new();
    for (path, text, exec) in std::iter::once(&ROCKCRAFT).chain(CHARM).chain([&PROFILE]) {
        let mut text = fill(text);
        if *path == "charm/charmcraft.yaml" {
            text = charm_requires(fw, text);
        }
        files.push((path.to_string(), text, *exec));
    }
    files.push((
        "profiles/schema.json".into(),
        paasc_schemas::render(&paasc_schemas::profile()),
        false,
    ));
    if app_markers(fw).iter().any(|m| a.dir.join(m).exists()) {
        notes.push_str("the directory has an app already: no app files written\n");
    } else {
        for (path, text, exec) in app_files(fw) {
            files.push((fill(path), fill(text), *exec));
        }
    }
    let mut out = notes;
    for (path, text, exec) in files {
        let target = a.dir.join(&path);
        if target.exists() || target.is_symlink() {
            out.push_str(&format!("kept {path} (it exists)\n"));
            continue;
        }
        match write_new(&target, &text, exec) {
            Ok(()) => out.push_str(&format!("wrote {path}\n")),
            Err(e) => {
                return Outcome {
                    stdout: out,
                    stderr: format!("error: cannot write `{}`: {e}\n", target.display()),
                    code: EXIT_USAGE,
                }
            }
        }
    }
    let experimental = if fw == Framework::SpringBoot {
        " (the spring-boot-framework extension is experimental: set ROCKCRAFT_ENABLE_EXPERIMENTAL_EXTENSIONS=1)"
    } else {
        ""
    };
    out.push_str(&format!(
        "next: paasc check {}{experimental}\n",
        a.dir.display()
    ));
    Outcome {
        stdout: out,
        stderr: String::new(),
        code: EXIT_OK,
    }
}

/// Creates `path` (and its directories) with `text`; fails when it exists.
fn write_new(path: &Path, text: &str, exec: bool) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(if exec { 0o755 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = exec;
    options.open(path)?.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_and_requirements() {
        assert_eq!(year_of(0), 1970);
        assert_eq!(year_of(1_767_225_600), 2026); // 2026-01-01
        assert_eq!(year_of(1_767_225_599), 2025);
        assert_eq!(requirement("Flask==3.0"), Some("flask".into()));
        assert_eq!(
            requirement("django[argon2]>=5 # web"),
            Some("django".into())
        );
        assert_eq!(requirement("-r other.txt"), None);
        assert!(valid_name("my-app2"));
        assert!(!valid_name("My-app") && !valid_name("a--b") && !valid_name("app-"));
    }
}
