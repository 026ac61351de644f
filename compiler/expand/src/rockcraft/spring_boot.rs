//! `spring-boot-framework` (rockcraft's `springboot.py`).

use super::go::{assets_part, assets_stage};
use super::{at_extension, map, s, strs, Ctx, Failure};
use crate::ExpandError;
use paasc_diag::Code;
use paasc_syntax::Yaml;

const INIT_SCRIPT: &str = "spring-boot-framework/gradle-init-script";

fn fail(message: &str, help: &str) -> Failure {
    Failure::single(ExpandError::new(
        Code::ROCK_SPRING_BOOT_BUILD,
        message,
        at_extension(),
        help,
    ))
}

fn check(cx: &Ctx, init_script: bool) -> Result<(), Failure> {
    let has = |f: &str| cx.dir.exists(f);
    if has("pom.xml") && has("build.gradle") {
        return Err(fail(
            "both pom.xml and build.gradle files exist\nyou cannot have both Maven and Gradle build files in the same project",
            "keep one build system: delete pom.xml or build.gradle",
        ));
    }
    if has("mvnw") && has("gradlew") {
        return Err(fail(
            "both mvnw and gradlew executable files exist\nyou cannot have both Maven and Gradle executables in the same project",
            "keep the wrapper of the build system you use",
        ));
    }
    if !has("pom.xml") && !has("build.gradle") {
        return Err(fail(
            "missing pom.xml and build.gradle file\nyou must have either a Maven pom.xml or a Gradle build.gradle file in your project",
            "add pom.xml (Maven) or build.gradle (Gradle) at the project root",
        ));
    }
    let not_exec = |f: &str| has(f) && !cx.dir.executables.contains(f);
    if not_exec("mvnw") || not_exec("gradlew") {
        return Err(fail(
            "mvnw or gradlew file is not executable\nthe mvnw or gradlew file must have executable permissions",
            "run `chmod +x mvnw` (or gradlew) and commit the mode change",
        ));
    }
    if init_script && !has("build.gradle") {
        return Err(fail(
            "gradle init script part is enabled for non-gradle build",
            "remove the spring-boot-framework/gradle-init-script part, or build with Gradle",
        ));
    }
    Ok(())
}

/// The `spring-boot-framework` root snippet.
#[inline(never)]
pub fn snippet(cx: &Ctx) -> Result<Yaml, Failure> {
    let init_override = cx
        .user_part_key(INIT_SCRIPT, "override-build")
        .filter(|v| v.truthy())
        .cloned();
    check(cx, init_override.is_some())?;
    let gradle = cx.dir.exists("build.gradle");
    let mut install = vec![
        ("source", s(".")),
        ("organize", map(vec![("**/*.jar", s("app/"))])),
    ];
    if gradle {
        install.push(("plugin", s("gradle")));
        install.push(("gradle-task", s("bootJar")));
        let mut packages = vec!["default-jdk"];
        if !cx.dir.exists("gradlew") {
            packages.push("gradle");
        }
        install.push(("build-packages", strs(&packages)));
        let mut commands: Vec<&str> = Vec::new();
        let user_init_part = cx
            .doc
            .get("parts")
            .and_then(|p| p.get(INIT_SCRIPT))
            .is_some_and(Yaml::truthy);
        if user_init_part {
            install.push((
                "build-environment",
                Yaml::Seq(vec![map(vec![(
                    "GRADLE_USER_HOME",
                    s("${CRAFT_PART_BUILD}/.gradle/"),
                )])]),
            ));
            install.push(("after", strs(&[INIT_SCRIPT])));
            commands.extend([
                "mkdir -p ${CRAFT_PART_BUILD}/.gradle/",
                "cp ${CRAFT_STAGE}/*init.gradle* ${CRAFT_PART_BUILD}/.gradle/",
            ]);
        }
        commands.extend([
            "craftctl default",
            "SPRING_FAT_JAR=$(find ${CRAFT_PART_BUILD}/build/libs -name '*.jar' ! -name '*-plain.jar' -type f -printf '%f\\n' | head -1)",
            "[ -n \"${SPRING_FAT_JAR}\" ] || (echo \"ERROR: could not find Spring Boot fat JAR in build/libs\" && exit 1)",
            "find ${CRAFT_PART_INSTALL}/jar -name \"*.jar\" ! -name \"${SPRING_FAT_JAR}\" -delete",
        ]);
        install.push(("override-build", s(&commands.join("\n"))));
    } else {
        install.push(("plugin", s("maven")));
        let user_packages = cx
            .user_part_key("spring-boot-framework/install-app", "build-packages")
            .filter(|v| v.truthy())
            .cloned();
        let mut packages = vec!["default-jdk"];
        if !cx.dir.exists("mvnw") {
            packages.push("maven");
        }
        install.push((
            "build-packages",
            user_packages.unwrap_or_else(|| strs(&packages)),
        ));
        install.push((
            "override-build",
            s("craftctl default\nfind ${CRAFT_PART_INSTALL} -name '*-plain.jar' -type f -delete"),
        ));
        if cx.dir.exists("mvnw") {
            install.push(("maven-use-wrapper", s("True")));
        }
    }
    if cx.bare() {
        install.push((
            "stage-packages",
            strs(&[
                "libnss3_nss",
                "libc6_libs",
                "libgcc-s1_libs",
                "libstdc++6_libs",
                "zlib1g_libs",
            ]),
        ));
    }
    let runtime_packages = cx
        .user_part_key("spring-boot-framework/runtime", "build-packages")
        .filter(|v| v.truthy())
        .cloned()
        .unwrap_or_else(|| strs(&["default-jdk"]));
    let mut runtime = vec![
        ("plugin", s("jlink")),
        ("after", strs(&["spring-boot-framework/install-app"])),
        ("build-packages", runtime_packages),
    ];
    if cx.bare() {
        runtime.push((
            "stage-packages",
            strs(&[
                "bash_bins",
                "base-files_chisel",
                "base-files_tmp",
                "coreutils_bins",
            ]),
        ));
    }
    let mut parts = Vec::new();
    if let Some(script) = init_override {
        parts.push((
            INIT_SCRIPT,
            map(vec![
                ("plugin", s("nil")),
                ("source", s(".")),
                ("override-build", script),
                ("prime", Yaml::Seq(vec![])),
            ]),
        ));
    }
    parts.push(("spring-boot-framework/install-app", map(install)));
    parts.push(("spring-boot-framework/runtime", map(runtime)));
    let stage = assets_stage(
        cx,
        "spring-boot-framework/assets",
        &["migrate", "migrate.sh"],
        "The spring-boot-framework extension requires the 'stage' entry in the spring-boot-framework/assets part to start with 'app/'",
    )
    .map_err(Failure::single)?;
    if let Some(assets) = assets_part(&stage) {
        parts.push(("spring-boot-framework/assets", assets));
    }
    Ok(map(vec![
        ("run-user", s("_daemon_")),
        (
            "services",
            map(vec![(
                "spring-boot",
                map(vec![
                    ("override", s("replace")),
                    ("startup", s("enabled")),
                    ("user", s("_daemon_")),
                    ("working-dir", s("/app")),
                    ("command", s("bash -c \"java -jar *.jar\"")),
                ]),
            )]),
        ),
        ("parts", map(parts)),
    ]))
}
