//! `paasc init`, pure: the files `rockcraft init --profile <fw>-framework` and
//! `charmcraft init --profile <fw>-framework` write (the charm in `charm/`), a development
//! profile, and a minimal app when the directory has none; and the framework a directory's
//! files use. The templates are data files in `templates/` (their README says where their
//! shapes come from). The binary reads the directory and writes the files, never overwriting.

pub mod ci;

use paasc_frameworks::Framework;

macro_rules! template {
    ($path:literal) => {
        include_str!(concat!("../templates/", $path))
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

/// The framework the files of the directory `dir` use, with the file that says so; or why none
/// was found. `read` gives the text of a file of the directory by its relative path.
pub fn detect(
    dir: &str,
    read: &dyn Fn(&str) -> Option<String>,
) -> Result<(Framework, String), String> {
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
            dir
        )),
        several => Err(format!(
            "several frameworks found in `{}`: {}",
            dir,
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
pub fn valid_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && !name.contains("--")
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The user's full name as charmcraft's `init` finds it: the GECOS field of `uid`'s entry in
/// `passwd` (the text of `/etc/passwd`), up to its first comma; `None` when the user or the
/// name is missing.
pub fn gecos_name(passwd: &str, uid: u32) -> Option<String> {
    let uid = uid.to_string();
    passwd
        .lines()
        .find_map(|line| {
            let mut fields = line.split(':');
            let (_name, _pw, id, _gid, gecos) = (
                fields.next()?,
                fields.next()?,
                fields.next()?,
                fields.next()?,
                fields.next()?,
            );
            (id == uid).then(|| gecos.split(',').next().unwrap_or("").to_string())
        })
        .filter(|name| !name.is_empty())
}

/// The civil year of the Unix time `secs` (UTC).
pub fn year_of(secs: u64) -> i64 {
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

/// What a new project is made of.
pub struct Project<'a> {
    /// Its framework.
    pub framework: Framework,
    /// The rock's and the charm's name (see [`valid_name`]).
    pub name: &'a str,
    /// The charm's author, for its copyright lines.
    pub author: &'a str,
    /// The year of its copyright lines.
    pub year: i64,
}

/// One file to write: its path in the project, its text, whether it is executable.
pub type NewFile = (String, String, bool);

/// The files of a new project `p`, and a note when no app files are given because `exists`
/// (whether a file of the directory exists, by its relative path) finds the framework's app.
pub fn files(p: &Project, exists: &dyn Fn(&str) -> bool) -> (Vec<NewFile>, Option<&'static str>) {
    let (fw, name, author) = (p.framework, p.name, p.author);
    let snake = name.replace('-', "_");
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
        text.replace("{{name}}", name)
            .replace("{{snake}}", &snake)
            .replace("{{title}}", title(fw))
            .replace("{{extension}}", fw.extension())
            .replace("{{module}}", module(fw))
            .replace("{{class_name}}", &class_name)
            .replace("{{year}}", &p.year.to_string())
            .replace("{{author}}", author)
            .replace("{{base}}", base(fw))
            .replace("{{integrations}}\n", &profile_integrations(fw, &snake))
    };
    let mut files: Vec<NewFile> = Vec::new();
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
    if app_markers(fw).iter().any(|m| exists(m)) {
        return (
            files,
            Some("the directory has an app already: no app files written"),
        );
    }
    for (path, text, exec) in app_files(fw) {
        files.push((fill(path), fill(text), *exec));
    }
    (files, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_author_is_the_gecos_name_up_to_its_first_comma() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\n\
                      jd:x:1000:1000:Jane Doe,,,:/home/jd:/bin/bash\n\
                      svc:x:998:998::/nonexistent:/usr/sbin/nologin\n\
                      short:x:7\n";
        assert_eq!(gecos_name(passwd, 0).as_deref(), Some("root"));
        assert_eq!(gecos_name(passwd, 1000).as_deref(), Some("Jane Doe"));
        assert_eq!(gecos_name(passwd, 998), None, "an empty GECOS field");
        assert_eq!(gecos_name(passwd, 7), None, "a truncated entry");
        assert_eq!(gecos_name(passwd, 100), None, "no such user");
        assert_eq!(
            gecos_name(passwd, 10),
            None,
            "uid 10 is not a prefix match of 1000"
        );
    }

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
