//! The registry of diagnostic codes. A code never changes meaning once released.
//!
//! Families: `Y` YAML and file input, `S` the schema of `charmcraft.yaml` and `rockcraft.yaml`,
//! `F` project files, discovery and the output directory, `C` charmcraft's framework extensions and paasc's rules on the
//! charm, `R` rockcraft's, `P` the deployment profile and what paas-charm decides at run time,
//! `E` what Pebble itself refuses in the rock's layer, `D` the Dockerfile, `H` the Helm chart.
//! This file declares the codes of parsing, lowering and expansion; the rules (`paasc_check`) and
//! the back ends (`paasc_emit`) declare theirs beside their logic with [`declare_code!`].

use crate::Severity;

/// A stable diagnostic code such as `Y001`: a reference to its registry entry, so its name,
/// severity and explanation need no look-up. Codes compare by their text.
#[derive(Clone, Copy, Debug)]
pub struct Code(pub &'static CodeInfo);

/// Everything known about a code.
#[derive(Debug)]
pub struct CodeInfo {
    /// The code, e.g. `S001`.
    pub code: &'static str,
    /// A kebab-case name, e.g. `unknown-key`.
    pub name: &'static str,
    /// The default severity.
    pub severity: Severity,
    /// One line.
    pub summary: &'static str,
    /// The long text of `paasc explain`: what it means, an example, and the fix.
    pub explanation: &'static str,
}

impl std::fmt::Display for CodeInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code)
    }
}

impl PartialEq for CodeInfo {
    fn eq(&self, other: &Self) -> bool {
        self.code == other.code
    }
}

impl Eq for CodeInfo {}

impl PartialOrd for CodeInfo {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for CodeInfo {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.code.cmp(other.code)
    }
}

impl std::hash::Hash for CodeInfo {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.code.hash(state);
    }
}

impl PartialEq for Code {
    fn eq(&self, other: &Self) -> bool {
        self.0.code == other.0.code
    }
}

impl Eq for Code {}

impl PartialOrd for Code {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Code {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.code.cmp(other.0.code)
    }
}

impl std::hash::Hash for Code {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.code.hash(state);
    }
}

/// Base of the documentation URLs; each code's page is `<base><code>`.
pub const DOCS_BASE: &str = "https://paasc.dev/codes/";

impl Code {
    /// Registry entry of this code.
    pub fn info(self) -> &'static CodeInfo {
        self.0
    }

    /// The code's text, e.g. `S001`.
    pub fn as_str(self) -> &'static str {
        self.0.code
    }

    /// Looks a code up among `codes` by its code or its name, case-insensitively.
    pub fn lookup_in(codes: &[Code], text: &str) -> Option<Code> {
        let t = text.trim();
        codes
            .iter()
            .copied()
            .find(|c| c.0.code.eq_ignore_ascii_case(t) || c.0.name.eq_ignore_ascii_case(t))
    }

    /// The documentation URL.
    pub fn url(self) -> String {
        format!("{DOCS_BASE}{}", self.0.code)
    }

    /// Whether the problem shows only when Juju deploys the charm: the tools accept the file,
    /// so `expand` prints what they print and leaves the problem to `check`.
    pub fn deploy_time(self) -> bool {
        self == Code::SECRET_OPTION_DEFAULT
    }

    /// Checks that `codes` have unique, well-formed codes and names, and explanations with an
    /// example and a fix; returns the first problem.
    pub fn check_registry(codes: &[Code]) -> Result<(), String> {
        let mut seen = std::collections::HashSet::new();
        for c in codes.iter().map(|c| c.0) {
            let name_ok = c
                .name
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-');
            let problem = if !seen.insert(c.code) {
                "duplicate code"
            } else if !seen.insert(c.name) {
                "duplicate name"
            } else if c.code.len() != 4 || !name_ok {
                "malformed code or name"
            } else if !c.explanation.contains("Fix") {
                "explains no fix"
            } else if !c.explanation.contains("Example") {
                "has no example"
            } else {
                continue;
            };
            return Err(format!("{} ({}): {problem}", c.code, c.name));
        }
        Ok(())
    }
}

/// Declares one diagnostic code: `declare_code!(pub CODE = "P001", "name", Error, "summary",
/// "explanation");` beside the rule that reports it. The explanation is a literal or a constant
/// `&'static str` built from the data it describes.
#[macro_export]
macro_rules! declare_code {
    ($(#[$meta:meta])* $vis:vis $konst:ident = $code:literal, $name:literal, $sev:ident, $summary:literal, $expl:expr $(,)?) => {
        #[doc = $summary]
        $(#[$meta])*
        $vis const $konst: $crate::Code = $crate::Code(&$crate::CodeInfo {
            code: $code,
            name: $name,
            severity: $crate::Severity::$sev,
            summary: $summary,
            explanation: $expl,
        });
    };
}

macro_rules! codes {
    ($( $konst:ident = $code:literal, $name:literal, $sev:ident, $summary:literal, $expl:literal; )*) => {
        impl Code {
            $(
                #[doc = $summary]
                pub const $konst: Code = Code(&CodeInfo { code: $code, name: $name, severity: Severity::$sev, summary: $summary, explanation: $expl });
            )*
        }
        /// The codes of parsing, lowering and expansion, in code order (the rules of later
        /// passes declare theirs beside their logic).
        pub const ALL_CODES: &[Code] = &[
            $( Code::$konst, )*
        ];
    };
}

codes! {
    YAML_SYNTAX = "Y001", "yaml-syntax", Error,
        "The file is not valid YAML.",
"The file could not be parsed as YAML, so charmcraft and rockcraft would stop before reading any
field. Common causes are tabs used for indentation, an unclosed quote or bracket, and a key
indented less or more than its siblings.

Example:

    name: my-app
      summary: misindented

The message is PyYAML's, as charmcraft and rockcraft would report it: what it was reading (a
second label marks where that started) and what it found. PyYAML also refuses some files other
YAML tools read: a `%YAML` directive other than 1.x, and a byte order mark (U+FEFF) anywhere but
at the very start of the file.

Fix: indent with spaces only, keep sibling keys at the same column, and close every quote and
bracket. The diagnostic points at the character where the parser gave up; the mistake is often
on the line above.";

    INVALID_UTF8 = "Y002", "invalid-utf8", Error,
        "The file is not valid UTF-8.",
"charmcraft and rockcraft read their YAML files as UTF-8 (with an optional byte order mark).
A byte sequence that is not UTF-8, typically from a file saved as Latin-1 or Windows-1252,
makes them fail.

Example: a description containing `caf\\xe9` saved in Latin-1.

Fix: re-save the file as UTF-8 (`iconv -f latin1 -t utf-8 in > out`).";

    DUPLICATE_KEY = "Y003", "duplicate-key", Error,
        "A mapping has the same key twice.",
"The craft tools load YAML with a loader that refuses duplicate keys (`found duplicate key`).
Plain PyYAML would silently keep the last value, which hides mistakes, so both are reported
here: the duplicate is the primary location and the first definition is a secondary one.

Example:

    parts:
      app: {plugin: dump}
      app: {plugin: nil}

Fix: remove one of the two entries or merge them.";

    ALIAS_LIMIT = "Y004", "alias-expansion-limit", Error,
        "Aliases expand to too large a document.",
"YAML aliases (`*name`) repeat a node defined with an anchor (`&name`). Nested aliases grow
exponentially (the \"billion laughs\" attack): a few lines can stand for billions of nodes.
paasc refuses documents whose aliases would expand past 100,000 nodes, so that a hostile file
can neither hang a pipeline nor exhaust its memory.

Example:

    a: &a [x, x, x, x, x, x, x, x, x]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]

Fix: write the content out, or use fewer levels of aliases.";

    NESTING_LIMIT = "Y005", "nesting-limit", Error,
        "The document is nested too deeply.",
"No charmcraft.yaml or rockcraft.yaml needs more than a few levels of nesting. paasc stops at
128 levels so that a hostile file cannot overflow a stack; PyYAML, which the craft tools use,
fails with a RecursionError near 1,000 levels.

Example: `[[[[[[ ... ]]]]]]` nested ten thousand times.

Fix: flatten the structure.";

    YAML11_AMBIGUITY = "Y006", "yaml11-ambiguity", Warning,
        "YAML 1.1 and YAML 1.2 read this plain scalar differently.",
"charmcraft and rockcraft read YAML with PyYAML, which implements YAML 1.1. Editors, linters and
most other tools implement YAML 1.2. The two disagree on some unquoted values:

    on, off, yes, no       booleans in 1.1, strings in 1.2
    0755                   octal 493 in 1.1, decimal 755 in 1.2
    1_000                  the integer 1000 in 1.1, a string in 1.2
    12:30                  the integer 750 (base 60) in 1.1, a string in 1.2
    1e5                    a string in 1.1, a float in 1.2
    2024-01-31             a date in 1.1, a string in 1.2

paasc always reads the value the way the craft tools do, and warns so that the file means the
same thing everywhere.

Example:

    config:
      options:
        mode:
          type: string
          default: on      # charmcraft reads the boolean true, not the string \"on\"

Fix: quote the value if you mean the string (`'on'`), or write the 1.2 spelling of what you
mean (`true`, `0o755` is not 1.1, so use `493`).";

    MULTIPLE_DOCUMENTS = "Y007", "multiple-documents", Error,
        "The file holds more than one YAML document.",
"charmcraft and rockcraft load exactly one document per file; a second `---` section makes them
fail with `expected a single document in the stream`.

Example:

    name: my-app
    ---
    name: other

Fix: keep a single document; move the other into its own file.";

    FILE_TOO_LARGE = "Y008", "file-too-large", Error,
        "The file is larger than paasc reads.",
"paasc refuses project YAML files over 8 MiB. Real charmcraft.yaml and rockcraft.yaml files are
a few kilobytes; a larger file is almost always generated by mistake or hostile.

Example: a generator loop that appended the same `parts` entry a million times, or a log file
saved as `rockcraft.yaml`.

Fix: check that the right file is named, and shrink it.";

    UNSUPPORTED_TAG = "Y009", "unsupported-tag", Error,
        "A YAML tag the craft tools' safe loader does not construct.",
"The craft tools use a safe loader that only knows the standard tags (`!!str`, `!!int`,
`!!bool`, `!!float`, `!!null`, `!!seq`, `!!map`, `!!binary`, `!!timestamp`, `!!set`, `!!omap`,
`!!pairs`). Any other tag, such as `!!python/object` or a local `!thing`, makes them fail with
`could not determine a constructor for the tag`.

Example:

    summary: !custom hello

Fix: remove the tag.";

    UNKNOWN_KEY = "S001", "unknown-key", Error,
        "A key that the file's schema does not define.",
"charmcraft and rockcraft validate their files with models that forbid extra fields
(`extra inputs are not permitted`). A misspelt key is the usual cause; paasc suggests the
closest valid key.

Example (rockcraft.yaml):

    sumary: A web app.

Fix: correct the spelling (here `summary`) or remove the key.";

    WRONG_TYPE = "S002", "wrong-type", Error,
        "A value has the wrong type.",
"Each field of charmcraft.yaml and rockcraft.yaml expects a given YAML type: a string, an
integer, a list, a mapping. Remember that the craft tools read YAML 1.1, so an unquoted `yes`
is a boolean and `1.0` is a float.

Example (charmcraft.yaml):

    summary:
      - a list is not a string

Fix: give a value of the expected type; quote strings that look like other types.";

    MISSING_KEY = "S003", "missing-key", Error,
        "A required key is missing.",
"Some keys must be present: `name`, `summary`, `description`, `base`, `platforms` and `parts` in
rockcraft.yaml; `name`, `type`, `summary`, `description` and `platforms` (or the legacy
`bases`) in charmcraft.yaml; `override` and `command` in each rock service; `build-on` in each
platform given as a mapping, and `build-for` too unless the platform is named after an
architecture.

Example (rockcraft.yaml without a summary):

    name: my-app
    base: ubuntu@24.04

Fix: add the key. The diagnostic points at the mapping that should hold it.";

    INVALID_VALUE = "S004", "invalid-value", Error,
        "A value is not one of those allowed.",
"Some fields take only a fixed set of values: bases (`ubuntu@22.04`, `ubuntu@24.04`, ...),
option types (`string`, `int`, `float`, `boolean`, `secret`), a service's `override` (`merge`,
`replace`) and `startup` (`enabled`, `disabled`), a check's `level` (`alive`, `ready`), a rock's
`license` (one id of the SPDX list rockcraft ships, or `proprietary`), and more.

Example (charmcraft.yaml):

    config:
      options:
        port:
          type: integer

Fix: use one of the values the message lists (here `int`).";

    CONFLICTING_KEYS = "S005", "conflicting-keys", Error,
        "Two keys that cannot be used together.",
"Some keys exclude each other: `platforms` and the legacy `bases` in charmcraft.yaml, the two
spellings `run-user` and `run_user` in rockcraft.yaml, or two kinds (`http`, `tcp`, `exec`)
in one Pebble check.

Example (charmcraft.yaml):

    bases:
      - name: ubuntu
        channel: \"22.04\"
    platforms:
      amd64:

Fix: keep one of them.";

    FORBIDDEN_KEY = "S006", "forbidden-key", Error,
        "A key the tools reject in this file.",
"Some keys are recognised only to be refused: in charmcraft.yaml, `license`, `contact`,
`issues` and `source-code` must be left out (they belong in `links`); in rockcraft.yaml, `cmd`,
`entrypoint` and `env` are Docker-isms that rocks do not accept (Pebble services and
`environment` replace them).

Example (rockcraft.yaml):

    cmd: [python3, app.py]

Fix: remove the key and use the replacement the message names.";

    EMPTY_FILE = "S007", "empty-file", Error,
        "The file is empty or holds only comments.",
"An empty charmcraft.yaml or rockcraft.yaml loads as nothing at all, which the craft tools
reject before looking at any field.

Example: a `charmcraft.yaml` holding only `# TODO`.

Fix: write the file; `charmcraft init --profile flask-framework` and
`rockcraft init --profile flask-framework` create a starting point.";

    NUMBER_AS_STRING = "S008", "number-as-string", Warning,
        "A number stands where a string is expected, and its text changes.",
"charmcraft and rockcraft convert a number given for a string field with Python's `str()`.
YAML 1.1 reads the value first, so the string can differ from what is written: `1.10` becomes
\"1.1\", `0755` becomes \"493\", `1_000` becomes \"1000\", `1e3` stays a string.

Example (rockcraft.yaml):

    version: 1.10       # the rock's version is \"1.1\"

Fix: quote the value: `version: '1.10'`.";

    INVALID_NAME = "S009", "invalid-name", Error,
        "A project name or title breaks the craft naming rules.",
"Names of rocks and charms may only use ASCII lowercase letters, digits and hyphens, must
contain a letter, may not start or end with a hyphen or have two hyphens in a row, and are at
most 40 characters. A title is 2 to 40 characters; rockcraft uses the name as the title when
none is given, so a one-letter rock name fails too.

In a deployment profile, `app` (and an integration's `app`) must be a Juju application name
(juju/names: lowercase letters, digits and single hyphens, starting with a letter, each part
after a hyphen holding a letter) and `model` a Juju model name (lowercase letters, digits and
hyphens, not starting with a hyphen, at most 128 characters). The application name becomes the
name of the chart's Secret and of its secrets file, so a value such as `a/b` or `../x` would
write outside the chart.

Example:

    name: My_App

Fix: use a name such as `my-app`.";

    ENV_INTERPOLATION = "S010", "environment-interpolation", Error,
        "A value of the rock's `environment` uses `$`.",
"rockcraft writes the rock's `environment` into the OCI image as it is: nothing expands `$HOME`
or `${PATH}` there. rockcraft 1.20.0 therefore refuses any value with a `$` before its last
character (`String interpolation not allowed for: ...`), listing every such value. A single
trailing `$` is accepted. Service environments (`services.<name>.environment`) are not checked.

Example (rockcraft.yaml):

    environment:
      PATH: /app/bin:$PATH

Fix: write the value out in full (`PATH: /app/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`),
or set it where a shell runs, for example in the service's command (`bash -c '...'`).";

    INVALID_ENTRYPOINT_SERVICE = "S011", "invalid-entrypoint-service", Error,
        "`entrypoint-service` names no service, or one whose command has no default arguments.",
"`entrypoint-service` makes the rock's OCI entrypoint `pebble enter --args <service>`, and the
default arguments of that service's command (the words in `[ ... ]` at its end) become the
image's `CMD`. rockcraft 1.20.0 refuses a name that is not one of the rock's services (after
the framework extension added its own) and a service whose command has no `[ ... ]` group; it
also refuses `entrypoint-command` together with `entrypoint-service`.

Example (rockcraft.yaml):

    services:
      web:
        override: replace
        command: /bin/server --port 8000
    entrypoint-service: web

Fix: name a service the rock has, and give its command default arguments, for example
`command: /bin/server [ --port 8000 ]`.";

    ATYPICAL_ENTRYPOINT = "S012", "atypical-entrypoint", Warning,
        "`entrypoint-service` or `entrypoint-command` changes the rock's OCI entrypoint.",
"A rock normally starts `pebble enter`, which runs every service. With `entrypoint-service` or
`entrypoint-command` the image gets another entrypoint; rockcraft 1.20.0 builds it but warns
that such a rock needs approval before it can be published to a Canonical registry namespace.
A 12-factor charm does not use the image's entrypoint (Juju starts Pebble itself), so the key
only matters for `docker run`.

Example (rockcraft.yaml):

    entrypoint-service: flask

Fix: nothing, if the entrypoint is meant for local testing; otherwise remove the key.";

    PLATFORM_CONFLICT = "S013", "platform-conflict", Error,
        "A `platforms` entry contradicts its own name or the project's base.",
"Each `platforms` entry describes one build: where it builds (`build-on`) and what it builds
for (`build-for`). Beyond the shape of the entry, the tools check that it agrees with the rest:

- rockcraft 1.20.0: an entry named after an architecture must build for that architecture
  (`amd64: {build-for: [arm64]}` is refused), and rocks have no multi-base platforms
  (`ubuntu@24.04:amd64`, in the name or in `build-on`/`build-for`).
- charmcraft 4.5.0: the base is declared either at the top level (`base`, `build-base`) or in
  every platform (`ubuntu@24.04:amd64`), never both and never neither, and one platform's
  `build-on` and `build-for` entries all carry the same base.

Example (rockcraft.yaml):

    platforms:
      amd64:
        build-on: [amd64]
        build-for: [arm64]

Fix: rename the entry after what it builds for (`arm64:`), or make `build-for` match its name;
for a charm, keep the base in one place.";

    PART_PATH_ESCAPES = "S014", "part-path-escapes", Warning,
        "A part's `stage`, `prime` or `organize` path climbs out of its directory with `..`.",
"This check goes beyond the tools: charmcraft 4.5.0 and rockcraft 1.20.0 accept the path, and
craft-parts only refuses entries that start with `/`. But craft-parts resolves `stage` entries
and `organize` paths against the part's own install directory, and `prime` entries against the
stage directory. A `..` that climbs above that directory names files outside it: another part's
build tree, the project's work directories, or nothing at all. The build then picks up the wrong
files or fails late with a missing-file error, far from the line that caused it. (A leading `-`,
which excludes files, is not part of the path.)

Example (rockcraft.yaml):

    parts:
      config:
        plugin: dump
        source: conf
        stage:
          - ../../etc/app.conf

Fix: name the files as they are inside the directory (`etc/app.conf`), moving them there with
`organize` or `source` first if needed.";

    SECRET_OPTION_DEFAULT = "S015", "secret-option-default", Error,
        "A secret option's default is not a Juju secret URI: Juju refuses to deploy the charm.",
"A config option of `type: secret` holds the id of a Juju secret. charmcraft copies config
options into the charm unchecked, so it packs the charm and `charmcraft expand-extensions` prints
the option (as `paasc expand` does); the refusal comes only when Juju deploys the charm, which
needs a secret option's default to be a secret URI: `secret:` followed by 20 lowercase letters
or digits. Even a valid id names a secret of one model only, so a default rarely helps.

Example (charmcraft.yaml):

    config:
      options:
        api-token:
          type: secret
          default: my-token

Fix: remove the default. After deploying, create the secret and give its id to the option:
`juju add-secret api-token value=...`, `juju grant-secret api-token APP`, then
`juju config APP api-token=secret:...`.";

    MISSING_FILE = "F001", "missing-project-file", Error,
        "A project file could not be found or read.",
"paasc reads `rockcraft.yaml` from the project directory and `charmcraft.yaml` from the project
directory or its `charm/` subdirectory (the layout `charmcraft init` gives). At least one of
them must exist; a file that exists but cannot be read is reported too.

paasc reads only regular files: a FIFO, a socket or a device where it reads a file (the project
files, a profile, `requirements.txt`) is reported instead of read, so that it cannot block. A
path that resolves into /proc, /dev or /sys is never opened, and `rockcraft.yaml`,
`charmcraft.yaml` or a `profiles/*.yaml` found in the project that is a symbolic link leading
out of it is refused before it is read (it could disclose another file in a snippet); a file
named on the command line (`--profile PATH`, `--rockcraft FILE`) is read where it is.

Example: `paasc check .` in a directory holding neither file.

Fix: run paasc from the project root, pass the directory as an argument, or point at the files
with `--rockcraft FILE` and `--charmcraft FILE`.";

    PATH_LEAVES_PROJECT = "F002", "path-leaves-project", Warning,
        "A project file is a symbolic link to a place outside the project.",
"rockcraft and charmcraft pack in a managed instance (LXD or Multipass) that sees only the
project directory, and craft-parts copies a symbolic link as a link. A link whose target lies
outside the project therefore dangles inside the build: the extension fails to find the file
there (a missing `requirements.txt`, say), or the rock ships the link instead of the file and the
app breaks at run time. Only `--destructive-mode` builds on the host hide the problem. paasc
follows the link, as the tools do on the host, and warns.

Example: `requirements.txt -> ../../shared/requirements.txt`.

Fix: copy the file into the project (or generate it there before packing), or make the link
point inside the project.";

    OUTPUT_NOT_WRITTEN = "F003", "output-not-written", Error,
        "The output directory could not be written.",
"`paasc compile -o OUT` compiled the project but could not write its artifacts to `OUT`, or
`--check` could not compare them with it. OUT was left as it was: paasc stages every file and
applies them all or none (a compile killed half-way is completed or undone by the next run).
Causes:

- OUT, or a directory on the way to it, is a file, or is not writable; the file system is
  read-only or full;
- a file or directory inside OUT that paasc writes to or through is a symbolic link (for
  example `OUT/helm -> ../elsewhere`): paasc never writes through a link inside OUT, so a link
  cannot redirect the artifacts, secret files included, to another place;
- a path where paasc writes a file is a directory you made, or one where it needs a directory
  is a file;
- `OUT/.paasc/` (paasc's record of the files it wrote, and the staging area of a write in
  progress) was changed by hand and cannot be read.

The exit code is 2, and `--format json` still prints one document, with this diagnostic at the
path concerned.

Example:

    ln -s ../shared-charts out/helm
    paasc compile . -o out    # error: cannot write to `out`: `out/helm` is a symbolic link

Fix: give an OUT you can write, on a file system with space left; remove the link or the
entry in the way (or point `-o` at the real directory); if `OUT/.paasc` was edited, remove it
(paasc then no longer knows which old files it wrote, and removes none of them).";

    EXTENSION_UNKNOWN = "C001", "unknown-extension", Error,
        "An extension charmcraft or rockcraft does not have.",
"The `extensions` list names extensions the tools register: `flask-framework`,
`django-framework`, `fastapi-framework`, `go-framework`, `expressjs-framework` and
`spring-boot-framework`. Any other name fails with `Extension '<name>' does not exist`.

Example:

    extensions:
      - flask-framwork

Fix: correct the name.";

    EXTENSION_MULTIPLE_BASES = "C002", "extension-multiple-bases", Error,
        "A framework extension is used with more than one base.",
"The 12-factor extensions build a charm for exactly one Ubuntu base. A project whose `base`,
`platforms` (base-qualified names or `build-for` entries) or legacy `bases` name two bases fails
with `Extension does not support multiple bases`.

Example:

    platforms:
      jammy: {build-on: [ubuntu@22.04:amd64], build-for: [ubuntu@22.04:amd64]}
      noble: {build-on: [ubuntu@24.04:amd64], build-for: [ubuntu@24.04:amd64]}

Fix: keep one base, and build a second charm (or a second revision) for the other.";

    EXTENSION_UNSUPPORTED_BASE = "C003", "extension-unsupported-base", Error,
        "The extension does not support the project's base.",
"Each framework extension supports a fixed set of bases: flask and django `ubuntu@22.04` and
`ubuntu@24.04`; fastapi, go, expressjs and spring-boot `ubuntu@24.04`. (`ubuntu@26.04` is the
experimental second generation.)

Example (charmcraft.yaml):

    base: ubuntu@20.04

Fix: move to a supported base, e.g. `base: ubuntu@24.04`.";

    EXTENSION_EXPERIMENTAL = "C004", "extension-experimental", Error,
        "The extension is experimental on this base.",
"`spring-boot-framework` (and every framework on `ubuntu@26.04`) is experimental in
charmcraft 4.5.0: charmcraft refuses it unless `CHARMCRAFT_ENABLE_EXPERIMENTAL_EXTENSIONS` is set,
and paasc does not model the experimental second generation of the extensions.

Example:

    base: ubuntu@24.04
    extensions: [spring-boot-framework]

Fix: use a supported framework and base, or set the variable when running charmcraft and
accept that paasc cannot check this project yet.";

    EXTENSION_CHARM_TYPE = "C005", "extension-charm-type", Error,
        "The framework extensions only build charms.",
"A 12-factor charm must have `type: charm`; charmcraft 4 no longer builds bundles at all.

Example:

    type: bundle

Fix: write `type: charm`.";

    EXTENSION_CHARM_PART = "C006", "extension-charm-part", Error,
        "The project defines its own `charm` part.",
"The extension supplies the `charm` part itself (with the `rustup` snap that building
pydantic needs). A user-defined `parts.charm` fails with `incompatible with customized charm
part`. Other parts are kept.

Example:

    parts:
      charm:
        plugin: charm

Fix: remove `parts.charm`; put extra build steps in a part with another name.";

    EXTENSION_INCOMPATIBLE_FIELD = "C007", "extension-incompatible-field", Error,
        "A field the framework extensions do not support.",
"12-factor charms cannot declare `devices`, `extra-bindings` or `storage`: the extension fails
with `incompatible with the provided field(s)`.

Example:

    storage:
      data: {type: filesystem}

Fix: remove the field. For persistent data, integrate a database or S3 instead.";

    EXTENSION_RESERVED_FIELD = "C008", "extension-reserved-field", Error,
        "A field the extension generates was written by hand, differently.",
"The extension generates `assumes`, `containers`, `resources` and `peers`. You may repeat them
only if they are exactly equal to what it generates; anything else (an extra peer relation, an
extra `assumes` entry, a different resource description) fails with `conflicts with a reserved
field`.

Example:

    peers:
      secret-storage: {interface: secret-storage}
      replicas: {interface: replicas}

Fix: remove the field; the extension writes it.";

    EXTENSION_OVERLAPPING_KEY = "C009", "extension-overlapping-key", Error,
        "An action, endpoint or option the extension already defines.",
"The extension defines the action `rotate-secret-key`, the endpoints `logging`, `ingress`,
`metrics-endpoint` and `grafana-dashboard`, and the framework's config options. Declaring any of
them again fails with `overlapping keys {...} ... which conflict with the extension`.

Example:

    requires:
      ingress:
        interface: ingress

Fix: remove your copy, or rename it if it is a different thing.";

    EXTENSION_RESERVED_PREFIX = "C010", "extension-reserved-prefix", Error,
        "A config option uses a prefix the extension reserves.",
"User options may not start with `webserver-` or `<framework>-` (for example `flask-`). The check
is case-sensitive: `FLASK_DEBUG` and `flask_key` pass.

Example:

    config:
      options:
        flask-theme:
          type: string

Fix: rename the option, e.g. `theme`. paas-charm exports it as `FLASK_THEME` anyway.";

    NONOPTIONAL_DEFAULT = "C011", "nonoptional-default", Error,
        "A non-optional config option has a default.",
"`optional: false` means the operator must set the option; a default would make that
meaningless, so the extension rejects a truthy default (a falsy one such as `\"\"`, `0` or
`false` passes).

Example:

    config:
      options:
        api-url:
          type: string
          optional: false
          default: https://example.com

Fix: remove the default, or remove `optional: false`.";

    COS_CUSTOM_LAYOUT = "C012", "cos-custom-layout", Error,
        "The `cos_custom` directory holds something unexpected.",
"`cos_custom/` may only contain the subdirectories `grafana_dashboards`, `loki_alert_rules` and
`prometheus_alert_rules`. Files at its root, or other subdirectories, make the extension fail.

Example: `cos_custom/README.md` or `cos_custom/alerts/`.

Fix: move dashboards and rules into the three allowed subdirectories and delete the rest.";

    PAAS_CONFIG_INVALID = "C013", "paas-config-invalid", Error,
        "`paas-config.yaml` is not valid.",
"charmcraft reads `paas-config.yaml` beside charmcraft.yaml. It must be valid YAML holding a
mapping (or nothing), and `framework_logging_format: json` is only supported for flask, django
and fastapi. The diagnostic is in paas-config.yaml; for a YAML syntax error its message is
charmcraft's, with PyYAML's own (what it was parsing, and what it found, with line and column).

Example (paas-config.yaml):

    just a string

Fix: make the file a mapping, e.g. `framework_logging_format: json`.";

    ROCK_UNSUPPORTED_BASE = "R001", "rock-unsupported-base", Error,
        "The rock's `base` is not one the framework extension supports.",
"rockcraft's framework extensions support a fixed list of `base` values: flask and django
`bare`, `ubuntu@22.04` (or the deprecated `ubuntu:22.04`) and `ubuntu@24.04`; fastapi, go,
expressjs and spring-boot `bare` and `ubuntu@24.04`. Any other base fails with
`Extension '<name>' does not support base: '<base>'`.

Example (rockcraft.yaml):

    base: ubuntu@20.04
    extensions: [flask-framework]

Fix: use a supported base, e.g. `base: ubuntu@24.04`, or `base: bare` with a `build-base`.";

    ROCK_EXTENSION_EXPERIMENTAL = "R002", "rock-extension-experimental", Error,
        "The rockcraft extension is experimental.",
"`spring-boot-framework` is experimental in rockcraft 1.20.0: rockcraft refuses it unless
`ROCKCRAFT_ENABLE_EXPERIMENTAL_EXTENSIONS` is set in the environment.

Example (rockcraft.yaml):

    extensions: [spring-boot-framework]

Fix: run with `ROCKCRAFT_ENABLE_EXPERIMENTAL_EXTENSIONS=True` (paasc reads the same variable),
accepting that the extension may change.";

    ROCK_MISSING_REQUIREMENTS = "R003", "missing-requirements-file", Error,
        "The Python project has no requirements file.",
"The Python extensions install the app's dependencies from `requirements.txt` (flask also
accepts `pyproject.toml`; django and fastapi need `requirements.txt`). Without one, rockcraft
stops.

Example: a flask project with `app.py` and no `requirements.txt` or `pyproject.toml`.

Fix: add `requirements.txt` beside rockcraft.yaml listing the framework, e.g. `flask`.";

    ROCK_MISSING_DEPENDENCY = "R004", "missing-framework-dependency", Error,
        "The requirements do not name the framework.",
"flask-framework requires the requirement name `flask` among the dependencies of
`requirements.txt` or `pyproject.toml` (parsed as PEP 508; lines that do not parse are
skipped, so `flask==2.0 # pinned` does not count). A wrapper package such as
`canonicalwebteam.flask-base` does not count either. fastapi-framework needs a line mentioning
`fastapi` or `starlette`.

Example (requirements.txt):

    canonicalwebteam.flask-base==2.0

Fix: add the framework itself, e.g. a line `flask`.";

    ROCK_MISSING_ENTRYPOINT = "R005", "missing-entrypoint", Error,
        "The extension cannot find the app's WSGI or ASGI entry point.",
"flask-framework looks for a module-level `app` or `application` (then a `create_app()` or
`make_app()` factory) in `app.py`, `main.py`, and `__init__.py`, `app.py` or `main.py` of `app/`,
`src/` and the package named after the rock. django-framework looks for `application` in
`<name>/<name>/wsgi.py` or `<name>/mysite/wsgi.py`; fastapi-framework for `app`. Annotated
assignments (`app: Flask = ...`) and definitions inside `if` blocks do not count.

Example: the Flask app is created in `web/server.py`.

Fix: move or re-export the app (`from web.server import app` in app.py), or set the service
`command` in rockcraft.yaml.";

    ROCK_PYTHON_SYNTAX = "R006", "python-syntax-error", Error,
        "A Python file the extension reads has a syntax error.",
"To find the entry point, rockcraft parses the candidate files with Python's `ast.parse`; a
syntax error in any of them stops it with `error parsing <file>: <message>`. paasc points at
the error in the Python file.

Example (app.py):

    app = Flask(__name__

Fix: correct the syntax error.";

    ROCK_PRIME_OUTSIDE_APP = "R007", "prime-outside-app", Error,
        "A prime or stage entry of the app part points outside the app directory.",
"The entries of `prime` in `flask-framework/install-app` must start with `flask/app` (optionally
after `-`); those of `fastapi-framework/install-app` with `app/`; the `stage` entries of the
go and spring-boot `assets` parts with `app/`.

Example (rockcraft.yaml):

    parts:
      flask-framework/install-app:
        prime:
          - static

Fix: write the path as it lands in the image, e.g. `flask/app/static`.";

    ROCK_BARE_PYTHON = "R008", "bare-python-version", Error,
        "With `base: bare`, the Python version cannot be determined.",
"On a bare base the Python extensions take Python from `build-base`: `ubuntu@22.04` gives 3.10
and `ubuntu@24.04` gives 3.12. Any other build-base fails; no build-base at all crashes
rockcraft 1.20.0 with `KeyError: 'build-base'`.

Example (rockcraft.yaml):

    base: bare
    build-base: ubuntu@20.04

Fix: use `build-base: ubuntu@24.04` (or `ubuntu@22.04`).";

    ROCK_RUN_USER_SPELLING = "R009", "run-user-spelling", Error,
        "`run-user` conflicts with the key the extension adds.",
"The flask, django, fastapi and go extensions add `run_user: _daemon_`; expressjs and
spring-boot add `run-user`. When the project also sets the other spelling, rockcraft's model
sees both and fails with `extra inputs are not permitted (in field 'run_user', ...)`.

Example (rockcraft.yaml):

    extensions: [flask-framework]
    run-user: _daemon_

Fix: remove `run-user`; the extension sets it.";

    ROCK_GO_MOD_MISSING = "R010", "go-mod-missing", Error,
        "The Go project has no `go.mod` at its root.",
"go-framework builds the module at the project root, beside rockcraft.yaml; a `go.mod` in a
subdirectory does not count.

Example: `cmd/server/go.mod` and no `go.mod` at the root.

Fix: run `go mod init <module>` at the project root.";

    ROCK_PACKAGE_JSON = "R011", "package-json", Error,
        "`app/package.json` is missing or incomplete.",
"expressjs-framework builds the app in `app/` with npm. `app/package.json` must exist, be a
JSON object, and have a string `name` and a `scripts.start` command (the rock runs
`npm start`).

Example (app/package.json):

    {\"name\": \"web\", \"scripts\": {}}

Fix: add `\"scripts\": {\"start\": \"node app.js\"}` and a `name`.";

    ROCK_SPRING_BOOT_BUILD = "R012", "spring-boot-build", Error,
        "The Spring Boot project's build files are missing or conflict.",
"spring-boot-framework needs exactly one of `pom.xml` (Maven) and `build.gradle` (Gradle), at
most one of the wrappers `mvnw` and `gradlew`, and the wrapper must be executable. A
`spring-boot-framework/gradle-init-script` part needs a Gradle build.

Example: both `pom.xml` and `build.gradle` at the project root.

Fix: keep one build system and its wrapper; `chmod +x` the wrapper.";

    ROCK_AMBIGUOUS_ENTRYPOINT = "R013", "ambiguous-entrypoint", Warning,
        "The app module defines both `app` and `application`.",
"rockcraft tries the names `app` and `application` in the order of a Python set, which depends
on the interpreter's hash seed: the same project can get either entry point from one build to
the next. paasc always picks `application`, the order rockcraft shows with
`PYTHONHASHSEED=0`.

Example (app.py):

    app = Flask(__name__)
    application = app

Fix: keep one of the two names at module level, or set `services.flask.command`.";

    ROCK_PYPROJECT_INVALID = "R014", "pyproject-invalid", Error,
        "`pyproject.toml` is not valid TOML.",
"flask-framework reads the dependencies of `pyproject.toml` with Python's `tomllib`; rockcraft
stops with a `TOMLDecodeError` when the file is not valid TOML.

Example (pyproject.toml):

    [project
    dependencies = [\"flask\"]

Fix: correct the TOML syntax.";

}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_well_formed() {
        assert_eq!(Code::check_registry(ALL_CODES), Ok(()));
    }

    #[test]
    fn lookup_by_code_or_name() {
        let find = |t| Code::lookup_in(ALL_CODES, t);
        assert_eq!(find("s001").map(|c| c.info().name), Some("unknown-key"));
        assert_eq!(find("duplicate-key").map(Code::as_str), Some("Y003"));
        assert!(find("nope").is_none());
    }
}
