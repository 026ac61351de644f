"""Writes random projects for the Helm round-trip property test (.ci/helm.sh).

Each case is examples/flask-minimal with string options opt-0..opt-N whose profile values are
random strings built to trip YAML readers (go-yaml's `y`/`0B101`, YAML 1.1's `on`/`0755`,
C1 controls, line separators, `$`, quotes), and Kubernetes names (ingress class, TLS Secret,
volume, Secret, image tag) that are valid DNS names but read as booleans, numbers or null when
printed bare. helm.sh then compiles each case and runs the same checks as for the examples:
values.yaml read by Helm's own parser (helm-python-sdk values_from_yaml) equals PyYAML's
reading, and every process's env in the manifests Helm renders equals the .env.

Usage: helm_roundtrip.py EXAMPLE_DIR OUT_DIR SEED CASES
"""
import pathlib
import random
import shutil
import sys

import yaml

example, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
rng = random.Random(int(sys.argv[3]))
cases = int(sys.argv[4])
OPTIONS = 16

WORDS = [
    "y", "Y", "n", "N", "yes", "No", "on", "OFF", "true", "False", "null", "~", "NULL",
    "0B101", "0b101", "0X1F", "0x1f", "0o17", "0O17", "0755", "1_000", "1e5", "1E+5", ".5",
    "-.inf", ".NaN", "12:30", "2024-1-2", "2024-01-31", "+1", "-0b1", "0.", "<<", "=",
    "- x", "-", "#x", "@x", "`x", "x:", "a: b", "a #b", " lead", "trail ", "'", '"', "\\",
    "$(HOME)", "$$", "$", "{{ .Values }}", "%", "!tag", "&a", "*a", "|", ">", "[1]", "{a: 1}",
]
# No `$` among the random characters: .env refuses it beside a quote or backslash (P005); `$`
# is in WORDS alone.
CHARS = (
    list("abcXYZ019 .-_:#'\"\\%{}[]@!&*|>,?/=+~`")
    + ["\t", "\n", "\x85", "\x9f", "\x80", "\u2028", "\u2029", "\u00a0", "\ufeff", "é", "日", "\U0001f600"]
)
# Valid DNS-1123 labels that YAML or go-yaml would read as something else when bare.
NAMES = ["y", "n", "yes", "no", "on", "off", "true", "false", "null", "123", "0755", "0b101",
         "0x1f", "0o17", "1e5", "nan", "inf", "1-0", "2024-1-2"]


def value():
    if rng.random() < 0.5:
        v = rng.choice(WORDS)
    else:
        v = "".join(rng.choice(CHARS) for _ in range(rng.randint(1, 12)))
    # .env cannot hold a value ending in a backslash or a double quote (P005): .env's limits
    return v + "x" if v.endswith(("\\", "\"")) else v


for i in range(cases):
    case = out / f"case-{i}"
    shutil.copytree(example, case, ignore=shutil.ignore_patterns("profiles"))
    charm = case / "charm" / "charmcraft.yaml"
    options = "".join(f"    opt-{k}:\n      type: string\n" for k in range(OPTIONS))
    charm.write_text(charm.read_text() + "\nconfig:\n  options:\n" + options)
    name = rng.choice(NAMES)
    profile = {
        "app": "roundtrip",
        "model": "m",
        "units": rng.randint(1, 3),
        "secret-key": "".join(rng.choice("0123456789abcdef") for _ in range(32)),
        "config": {f"opt-{k}": value() for k in range(OPTIONS)},
        "kubernetes": {
            "image": f"{rng.choice(NAMES)}:{rng.choice(['0B101', 'Y', '1e5', 'null', 'on'])}",
            "storage": [{"name": name, "size": "1Gi", "mount-path": f"/srv/{name}"}],
            "ingress": {
                "host": f"{rng.choice(NAMES)}.example.com",
                "class": rng.choice(NAMES),
                "tls-secret": rng.choice(NAMES),
                "annotations": {"example.com/v": value()},
            },
            "secret-name": rng.choice(NAMES),
        },
    }
    (case / "profiles").mkdir()
    (case / "profiles" / "p.yaml").write_text(yaml.safe_dump(profile, allow_unicode=False))
print(f"{cases} round-trip cases (seed {sys.argv[3]})", file=sys.stderr)
